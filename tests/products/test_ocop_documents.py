"""A lapsed OCOP recognition on the documents (issue 19): the PDFs print no stars for it (pdftotext), and the
checklist's OCOP certificate line says why, in the reader's language."""

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from border_trade.documents.rules import evaluate
from border_trade.documents.rules.model import ItemFacts, ShipmentFacts
from border_trade.products.register import local_today
from border_trade.seed.demo import load_rates
from border_trade.shipments.models import ShipmentStatus
from tests.factories import make_shipment, make_user


@pytest.fixture(autouse=True)
def _rates(db):
    load_rates(date.today() + timedelta(days=60))
    db.session.commit()


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, trader):
    return token_for(trader)


def three_years_before(day, shift):
    return date(day.year - 3, day.month, min(day.day, 28)) + timedelta(days=shift)


def recognised(client, auth, name, decided_on):
    body = {
        "name_vi": name,
        "hs_code": "04090000",
        "ocop_stars": 4,
        "ocop_certificate_no": f"{name[:3]}/QĐ-UBND",
        "ocop_decision_on": decided_on.isoformat(),
        "ocop_decision_level": "province",
        "ocop_product_group": "herbal",
    }
    response = client.post("/api/v1/products", json=body, headers=auth)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def shipment(client, auth, trader):
    today = local_today()
    valid = recognised(client, auth, "Mật ong rừng", three_years_before(today, 60))
    lapsed = recognised(client, auth, "Mật ong hoa cà phê", three_years_before(today, -20))
    assert date.fromisoformat(lapsed["ocop_certificate_expires_on"]) < today
    assert date.fromisoformat(valid["ocop_certificate_expires_on"]) > today + timedelta(days=5)
    line = {"hs_code": "04090000", "quantity": Decimal("10"), "unit": "KGM", "unit_price": Decimal("5")}
    items = [line | {"product_id": valid["id"], "description_vi": "Mật ong rừng"},
             line | {"product_id": lapsed["id"], "description_vi": "Mật ong hoa cà phê"}]  # fmt: skip
    return make_shipment(trader.organisation, items=items, status=ShipmentStatus.SUBMITTED), lapsed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_a_lapsed_recognition_prints_no_stars(client, auth, shipment, tmp_path):
    shipment, _lapsed = shipment
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/commercial-invoice?lang=vi,en", headers=auth)
    assert response.status_code == 200
    path = tmp_path / "invoice.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    assert text.count("OCOP") == 1  # the valid product's mark only
    assert text.index("Mật ong rừng") < text.index("OCOP") < text.index("Mật ong hoa cà phê")


def test_the_checklist_says_why(client, auth, shipment):
    shipment, lapsed = shipment
    response = client.get(f"/api/v1/shipments/{shipment.id}/requirements?lang=en", headers=auth)
    assert response.status_code == 200, response.json
    [line] = [i for i in response.json["items"] if i["document_type"] == "ocop_certificate"]
    assert line["status"] == "expired" and line["items"] == [1, 2]
    assert (
        f"Goods line 2: its OCOP recognition lapsed on {lapsed['ocop_certificate_expires_on']}"
        in (line["required_because"])
    )
    assert "Goods line 1:" not in line["required_because"]
    assert "no OCOP stars" in line["required_because"]


def test_the_rules_engine_flags_only_lapsed_recognitions():
    crossing = date(2026, 12, 10)
    facts = ShipmentFacts(
        regime="commercial",
        planned_crossing_on=crossing,
        items=[
            ItemFacts(position=1, hs_code="04090000", ocop_stars=3, ocop_expires_on=crossing),  # its last day
            ItemFacts(position=2, hs_code="04090000", ocop_stars=3, ocop_expires_on=crossing - timedelta(days=1)),
            ItemFacts(position=3, hs_code="04090000", ocop_stars=3),  # unknown: as before
        ],
    )
    for lang in ("vi", "km", "en"):
        [line] = [i for i in evaluate(facts, (), None, lang).items if i.document_type == "ocop_certificate"]
        assert line.status == "expired"
        assert "2026-12-09" in line.required_because and "2026-12-10" not in line.required_because
    renewed = ShipmentFacts(
        regime="commercial",
        planned_crossing_on=crossing,
        items=[ItemFacts(position=1, ocop_stars=3, ocop_expires_on=crossing)],
    )
    [line] = [i for i in evaluate(renewed, (), None, "en").items if i.document_type == "ocop_certificate"]
    assert line.status == "missing" and "lapsed" not in line.required_because
