"""The PDFs of an import: the packing list and the crossing manifest name the consignor abroad and the entry gate;
the commercial invoice and the Form D are the seller's, issued abroad (409)."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.seed.demo import load_rates
from border_trade.shipments.models import ShipmentStatus
from tests.factories import get_gate, make_import, make_shipment, make_user

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


@pytest.fixture(autouse=True)
def _rates(db):
    load_rates(date.today() + timedelta(days=60))
    db.session.commit()


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


@pytest.fixture
def inbound(trader):
    return make_import(trader.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))


def text_of(pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def get_pdf(client, headers, shipment, kind, lang="en"):
    return client.get(f"/api/v1/shipments/{shipment.id}/pdf/{kind}?lang={lang}", headers=headers)


@pytest.mark.parametrize("kind", ["commercial-invoice", "co-form-d"])
def test_the_sellers_papers_of_an_import_answer_409(client, token_for, trader, inbound, kind):
    response = get_pdf(client, token_for(trader), inbound, kind)
    assert response.status_code == 409, response.data[:200]
    assert "seller abroad" in response.json["message"] and "kind" in response.json["errors"]
    vietnamese = get_pdf(client, token_for(trader), inbound, kind, lang="vi").json  # the request's language
    assert vietnamese["code"] == 409 and vietnamese["message"]


def test_an_exports_invoice_is_still_made(client, token_for, trader):
    export = make_shipment(trader.organisation, status=ShipmentStatus.SUBMITTED)
    assert get_pdf(client, token_for(trader), export, "commercial-invoice").status_code == 200


def test_the_packing_list_of_an_import_names_the_consignor_and_the_entry_gate(
    client, token_for, trader, inbound, tmp_path
):
    response = get_pdf(client, token_for(trader), inbound, "packing-list")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data, tmp_path)
    assert "Kampong Cham" in text and "K0012345" in text  # the consignor abroad, as the seller
    assert trader.organisation.name in text  # the importer, as the buyer
    assert "Entry gate (Viet Nam)" in text and "Moc Bai" in text and "Bavet" in text
    assert "Exit gate (Cambodia)" in text and "Exit gate (Viet Nam)" not in text


def test_the_crossing_manifest_of_an_import(client, token_for, trader, inbound, tmp_path):
    response = get_pdf(client, token_for(trader), inbound, "crossing-manifest", lang="vi,km")
    assert response.status_code == 200
    text = text_of(get_pdf(client, token_for(trader), inbound, "crossing-manifest").data, tmp_path)
    assert "Consignor (seller abroad)" in text and "Importer" in text
    assert "Entry gate (Viet Nam)" in text and inbound.reference in text


def test_an_import_outside_the_callers_scope_is_404(client, token_for, inbound):
    other = token_for(make_user(Role.EXPORTER))
    assert get_pdf(client, other, inbound, "packing-list").status_code == 404
    assert get_pdf(client, other, inbound, "commercial-invoice").status_code == 404  # not 409: nothing revealed
    xa_mat = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]))
    assert get_pdf(client, xa_mat, inbound, "crossing-manifest").status_code == 404
    moc_bai = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    assert get_pdf(client, moc_bai, inbound, "crossing-manifest").status_code == 200
