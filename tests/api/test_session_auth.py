"""The app's own pages call the API with their session; unsafe calls need the page's CSRF token."""

import re
import uuid

from border_trade.auth.models import Role
from border_trade.shipments.models import ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user


def page_csrf_token(client):
    page = client.get("/gates").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_session_reads_the_api(login_as):
    client = login_as(Role.VIEWER)
    assert client.get("/api/v1/gates/MOC-BAI").status_code == 200


def test_anonymous_session_gets_401(client):
    assert client.get("/api/v1/gates/MOC-BAI").status_code == 401


def test_session_writes_need_the_csrf_token(login_as):
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    shipment = make_shipment(make_user(Role.EXPORTER).organisation, status=ShipmentStatus.SUBMITTED)
    client = login_as(officer)
    body = {"shipment": shipment.reference, "event": "arrived"}
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    assert client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers).status_code == 401
    forged = client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers | {"X-CSRFToken": "forged"})
    assert forged.status_code == 401
    token = page_csrf_token(client)
    accepted = client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers | {"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.json
