"""A certified exporter's commercial invoice prints the ATIGA origin declaration with its code and one row per goods
line (FOB value where RVC applies); another exporter's does not (read back with pdftotext)."""

import shutil
import subprocess
from decimal import Decimal

import pytest

from border_trade.shipments.models import ShipmentStatus
from tests.factories import make_shipment

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")


def invoice_text(client, token, shipment, tmp_path, lang="vi,km"):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/commercial-invoice?lang={lang}", headers=token)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    path = tmp_path / f"invoice-{shipment.id}.pdf"
    path.write_bytes(response.data)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


def lines():
    return [
        {"hs_code": "08071900", "origin_criterion": "WO"},
        {
            "description_vi": "Bánh tráng",
            "hs_code": "19059070",
            "origin_criterion": "RVC40",
            "quantity": Decimal("200"),
            "unit_price": Decimal("3.00"),
            "fob_value": Decimal("512.40"),
        },
    ]


def test_a_certified_exporters_invoice_shows_the_declaration(client, db, exporter, token_for, tmp_path):
    exporter.organisation.certified_exporter_code = "VN-CE-0042"
    db.session.commit()
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, items=lines())
    text = invoice_text(client, token_for(exporter), shipment, tmp_path, "en,vi")
    assert "Origin declaration (ATIGA self-certification)" in text
    assert "(Certified Exporter Authorisation code: VN-CE-0042)" in text
    assert "originating goods under ATIGA (ASEAN country of origin: Viet Nam)" in text
    assert "0807.19" in text and "1905.90" in text and "WO" in text and "40%" in text
    assert "512.40" in text  # the FOB value of the RVC line


def test_without_a_code_no_declaration(client, db, exporter, token_for, tmp_path):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, items=lines())
    text = invoice_text(client, token_for(exporter), shipment, tmp_path)
    assert "Certified Exporter Authorisation code" not in text and "ATIGA self-certification" not in text
