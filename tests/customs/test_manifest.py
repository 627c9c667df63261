"""The crossing manifest prints the recorded customs declaration's number and channel as a word (issue 18), in
the document's languages; a shipment without a declaration, or with a cancelled one, prints neither."""

import shutil
import subprocess

import pytest

from tests.customs.conftest import declaration_body

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")

NUMBER = "305254403660"
RED = {"vi": "Luồng đỏ", "km": "ច្រកក្រហម", "en": "Red lane"}
LABEL = {"vi": "Số tờ khai hải quan", "km": "លេខប្រតិវេទន៍គយ", "en": "Customs declaration number"}


def manifest_text(client, shipment, headers, lang, tmp_path):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/crossing-manifest?lang={lang}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    path = tmp_path / f"manifest-{lang}.pdf"
    path.write_bytes(response.data)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def record(client, shipment, headers, **changes):
    body = declaration_body(channel="red") | changes
    response = client.put(f"/api/v1/shipments/{shipment.id}/customs-declaration?lang=en", json=body, headers=headers)
    assert response.status_code in (200, 201), response.json


@pytest.mark.parametrize("lang", ["vi,km", "en,km"])
def test_a_red_channel_declaration_prints_its_number_and_channel_word(client, shipment, headers, lang, tmp_path):
    before = manifest_text(client, shipment, headers["exporter"], lang, tmp_path)
    assert NUMBER not in before
    assert not any(word in before for word in RED.values())
    record(client, shipment, headers["exporter"])
    text = manifest_text(client, shipment, headers["exporter"], lang, tmp_path)
    assert NUMBER in text
    for code in lang.split(","):
        assert RED[code] in text and LABEL[code] in text
    assert RED["vi" if "en" in lang else "en"] not in text  # only the document's languages


def test_a_cancelled_declaration_prints_nothing(client, shipment, headers, tmp_path):
    record(client, shipment, headers["exporter"], status="cancelled")
    text = manifest_text(client, shipment, headers["exporter"], "vi,km", tmp_path)
    assert NUMBER not in text
    assert RED["vi"] not in text and RED["km"] not in text
