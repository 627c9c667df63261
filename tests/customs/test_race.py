"""Writers at the same moment (PostgreSQL): the shipment's row lock serialises them; one declaration, no 500; a red
channel recorded while an officer clears the truck either wins (409 for the truck) or comes after the clearance."""

import os
import uuid

import pytest
import sqlalchemy as sa

from border_trade.customs.models import CustomsDeclaration
from tests.customs.conftest import declaration_body
from tests.pg import race

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("customs races run on PostgreSQL (set TEST_DATABASE_URL)")


def test_eight_first_declarations_at_once_make_one_record(app, db, shipment, headers):
    url = f"/api/v1/shipments/{shipment.id}/customs-declaration"
    numbers = [f"30525440366{i}" for i in range(8)]
    responses = race(app, [("PUT", url, declaration_body(number=n), headers["exporter"]) for n in numbers])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 7 + [201], codes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CustomsDeclaration)) == 1
    assert db.session.get(CustomsDeclaration, shipment.id).number in numbers


def test_red_channel_and_clearance_at_once(app, db, client, shipment, headers):
    crossings = "/api/v1/gates/MOC-BAI/crossings"
    arrived = {"shipment": shipment.reference, "event": "arrived"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    assert client.post(crossings, json=arrived, headers=headers["officer"] | key).status_code == 201
    cleared = (
        "POST",
        crossings,
        {"shipment": shipment.reference, "event": "cleared"},
        headers["officer"] | {"Idempotency-Key": uuid.uuid4().hex},
    )
    red = (
        "PUT",
        f"/api/v1/shipments/{shipment.id}/customs-declaration",
        declaration_body(channel="red"),
        headers["exporter"],
    )
    clear_response, red_response = race(app, [cleared, red])
    assert red_response.status_code == 201
    # either the declaration came first (the truck is refused) or the truck was cleared before it existed
    assert clear_response.status_code in (201, 409), clear_response.json
    db.session.expire_all()
    status = client.get(f"/api/v1/shipments/{shipment.id}", headers=headers["exporter"]).json["status"]
    assert status == ("cleared" if clear_response.status_code == 201 else "at_gate")
