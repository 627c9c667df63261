"""The quota under real concurrency (PostgreSQL): racing submissions get exactly what remains, and twenty trucks
crossing at once at two gates move exactly their quantities from reserved to used."""

import os
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.quotas.models import ClaimState, QuotaClaim, TariffQuota
from border_trade.shipments.models import Shipment, ShipmentStatus
from tests.factories import get_gate, make_user
from tests.pg import race

from .conftest import CODE, make_quota, ready_rice

pytestmark = pytest.mark.postgres
S = ShipmentStatus


@pytest.fixture(autouse=True)
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("quota races run on PostgreSQL (set TEST_DATABASE_URL)")


def submit(shipment, headers):
    return ("POST", f"/api/v1/shipments/{shipment.id}/transitions", {"to": "submitted"}, headers)


def totals():
    db.session.expire_all()
    quota = db.session.scalar(sa.select(TariffQuota).where(TariffQuota.code == CODE))
    return quota.reserved, quota.used, quota.remaining


def test_more_submitted_at_once_than_remains_exactly_as_many_as_fit(app, token_for, trader):
    make_quota(quantity="100")
    headers = token_for(trader)
    shipments = [ready_rice(trader, tonnes="20") for _ in range(12)]
    responses = race(app, [submit(s, headers) for s in shipments])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 5 + [409] * 7, codes
    assert all("under_quota" in r.json["errors"] for r in responses if r.status_code == 409)
    assert totals() == (Decimal("100.000"), Decimal("0.000"), Decimal("0.000"))
    reserved = db.session.scalar(
        sa.select(sa.func.count()).select_from(QuotaClaim).where(QuotaClaim.state == ClaimState.RESERVED)
    )
    submitted = db.session.scalar(
        sa.select(sa.func.count()).select_from(Shipment).where(Shipment.status == S.SUBMITTED)
    )
    assert reserved == submitted == 5


def test_twenty_crossing_at_two_gates_while_others_submit(app, token_for, trader):
    make_quota(quantity="1000")
    trader_headers = token_for(trader)
    crossing = []
    for n in range(1, 21):
        gate = "MOC-BAI" if n % 2 else "XA-MAT"
        shipment = ready_rice(trader, tonnes=str(n), gate=gate)
        method, url, body, headers = submit(shipment, trader_headers)
        assert app.test_client().open(url, method=method, json=body, headers=headers).status_code == 200
        crossing.append(shipment)
    for shipment in crossing:
        db.session.get(Shipment, shipment.id).status = S.CLEARED
    db.session.commit()
    assert totals() == (Decimal("210.000"), Decimal("0.000"), Decimal("790.000"))
    officers = {
        gate: [token_for(make_user(Role.GATE_OFFICER, gates=[get_gate(gate)])) for _ in range(10)]
        for gate in ("MOC-BAI", "XA-MAT")
    }
    requests, keys = [], []
    for index, shipment in enumerate(crossing):
        gate = db.session.get(Shipment, shipment.id).gate.code
        key = uuid.uuid4().hex
        keys.append((gate, key, shipment, officers[gate][index // 2]))
        body = {"shipment": shipment.reference, "event": "crossed", "seals": [f"VN{index:05d}"]}
        requests.append(
            ("POST", f"/api/v1/gates/{gate}/crossings", body, officers[gate][index // 2] | {"Idempotency-Key": key})
        )
    newcomers = [ready_rice(trader, tonnes="100") for _ in range(10)]  # 1,000 t asked, 790 t remain: 7 fit
    responses = race(app, requests + [submit(s, trader_headers) for s in newcomers])
    crossed, submitted = responses[:20], responses[20:]
    assert [r.status_code for r in crossed] == [201] * 20, [r.json for r in crossed if r.status_code != 201]
    assert sorted(r.status_code for r in submitted) == [200] * 7 + [409] * 3
    assert totals() == (Decimal("700.000"), Decimal("210.000"), Decimal("90.000"))
    # replays of the same keys answer the first response and use nothing twice
    replays = race(
        app,
        [
            (
                "POST",
                f"/api/v1/gates/{gate}/crossings",
                {"shipment": s.reference, "event": "crossed", "seals": [f"VN{i:05d}"]},
                h | {"Idempotency-Key": key},
            )
            for i, (gate, key, s, h) in enumerate(keys)
        ],
    )
    assert [r.status_code for r in replays] == [201] * 20
    assert totals() == (Decimal("700.000"), Decimal("210.000"), Decimal("90.000"))
    used = db.session.scalars(sa.select(QuotaClaim.quantity).where(QuotaClaim.state == ClaimState.USED)).all()
    assert sorted(used) == [Decimal(n).quantize(Decimal("0.001")) for n in range(1, 21)]
