"""Gate events: the status flow, idempotent retries, the 72-hour window, scope, and races."""

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.shipments.models import Lane, Shipment, ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

S = ShipmentStatus


@pytest.fixture
def officer():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])


@pytest.fixture
def auth(token_for, officer):
    return token_for(officer)


@pytest.fixture
def shipment():
    exporter = make_user(Role.EXPORTER)
    return make_shipment(exporter.organisation, status=S.SUBMITTED, gate=get_gate("MOC-BAI"))


def post(client, auth, body, key=None, gate="MOC-BAI"):
    headers = auth | {"Idempotency-Key": key or uuid.uuid4().hex}
    return client.post(f"/api/v1/gates/{gate}/crossings", json=body, headers=headers)


def event(shipment, name, **extra):
    return {"shipment": shipment.reference, "event": name, **extra}


def set_state(shipment, status, lane=None, before_hold=None):
    shipment.status, shipment.lane, shipment.status_before_hold = status, lane, before_hold
    db.session.commit()


def test_a_truck_goes_through_the_green_lane(client, auth, shipment):
    steps = [
        ("arrived", {}, "at_gate"),
        ("lane_assigned", {"lane": "green"}, "at_gate"),
        ("cleared", {}, "cleared"),
        ("crossed", {"seals": ["VN1234567", "VN1234568"]}, "crossed"),
    ]
    for name, extra, status in steps:
        response = post(client, auth, event(shipment, name, **extra))
        assert response.status_code == 201, response.json
        assert response.json["shipment"]["status"] == status
        assert response.json["event"]["event"] == name and response.json["event"]["gate"] == "MOC-BAI"
    db.session.expire_all()
    stored = db.session.get(Shipment, shipment.id)
    assert stored.seals == ["VN1234567", "VN1234568"] and stored.lane is Lane.GREEN
    assert stored.arrived_at is not None and stored.crossed_at >= stored.arrived_at


def test_hold_and_release_returns_to_the_status_before(client, auth, shipment):
    set_state(shipment, S.INSPECTING, Lane.RED)
    held = post(client, auth, event(shipment, "held", reason_code="document_check", note="thiếu giấy"))
    assert held.status_code == 201 and held.json["shipment"]["status"] == "held"
    released = post(client, auth, event(shipment, "released"))
    assert released.status_code == 201 and released.json["shipment"]["status"] == "inspecting"


ALLOWED = {
    "arrived": {S.SUBMITTED},
    "lane_assigned": {S.AT_GATE},
    "inspection_started": {S.AT_GATE},
    "held": {S.AT_GATE, S.INSPECTING},
    "released": {S.HELD},
    "cleared": {S.INSPECTING, S.AT_GATE},
    "crossed": {S.CLEARED},
    "returned": {S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED},
}
EXTRA = {"lane_assigned": {"lane": "yellow"}, "held": {"reason_code": "x"}, "crossed": {"seals": ["S1"]}}
GATE_STATUSES = [
    S.SUBMITTED,
    S.AT_GATE,
    S.INSPECTING,
    S.HELD,
    S.CLEARED,
    S.CROSSED,
    S.DELIVERED,
    S.RETURNED,
    S.CANCELLED,
]


@pytest.mark.parametrize("name", sorted(ALLOWED))
@pytest.mark.parametrize("status", GATE_STATUSES, ids=lambda s: s.value)
def test_every_event_in_every_status(client, auth, shipment, name, status):
    set_state(shipment, status, before_hold=S.AT_GATE if status is S.HELD else None)
    response = post(client, auth, event(shipment, name, **EXTRA.get(name, {})))
    if status in ALLOWED[name]:
        assert response.status_code == 201, response.json
    else:
        assert response.status_code == 409, response.json
        assert response.json["current_status"] == status.value
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 0


def test_clearing_at_the_gate_needs_no_lane_or_the_green_one(client, auth, shipment):
    set_state(shipment, S.AT_GATE, Lane.YELLOW)
    assert post(client, auth, event(shipment, "cleared")).status_code == 409
    set_state(shipment, S.AT_GATE, Lane.GREEN)
    assert post(client, auth, event(shipment, "cleared")).status_code == 201


def test_replays_return_the_first_answer_and_store_one_event(client, auth, shipment):
    body = event(shipment, "arrived")
    answers = [post(client, auth, body, key="tablet-7-0001") for _ in range(10)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.get_data() for a in answers}) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 1


def test_same_key_with_another_body_is_422(client, auth, shipment):
    assert post(client, auth, event(shipment, "arrived"), key="k1").status_code == 201
    other = post(client, auth, event(shipment, "lane_assigned", lane="green"), key="k1")
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_missing_or_long_key_is_400(client, auth, shipment):
    response = client.post("/api/v1/gates/MOC-BAI/crossings", json=event(shipment, "arrived"), headers=auth)
    assert response.status_code == 400 and "Idempotency-Key" in response.json["errors"]
    assert post(client, auth, event(shipment, "arrived"), key="k" * 65).status_code == 400


def test_late_events_within_72_hours_are_placed_in_time_order(client, auth, shipment):
    now = datetime.now(UTC)
    arrived = post(client, auth, event(shipment, "arrived", occurred_at=(now - timedelta(hours=30)).isoformat()))
    assert arrived.status_code == 201 and arrived.json["event"]["late"] is True
    lane = post(
        client,
        auth,
        event(shipment, "lane_assigned", lane="green", occurred_at=(now - timedelta(hours=29)).isoformat()),
    )
    assert lane.status_code == 201
    too_old = post(client, auth, event(shipment, "cleared", occurred_at=(now - timedelta(hours=73)).isoformat()))
    assert too_old.status_code == 422 and "occurred_at" in too_old.json["errors"]
    future = post(client, auth, event(shipment, "cleared", occurred_at=(now + timedelta(hours=1)).isoformat()))
    assert future.status_code == 422 and "occurred_at" in future.json["errors"]
    naive = post(client, auth, event(shipment, "cleared", occurred_at="2026-03-14T08:30:00"))
    assert naive.status_code == 422


def test_scope_denials(client, token_for, shipment):
    xamat = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]))
    assert post(client, xamat, event(shipment, "arrived"), gate="MOC-BAI").status_code == 403
    leaving_elsewhere = post(client, xamat, event(shipment, "arrived"), gate="XA-MAT")
    assert leaving_elsewhere.status_code == 409
    exporter = token_for(make_user(Role.EXPORTER))
    assert post(client, exporter, event(shipment, "arrived")).status_code == 403
    province = token_for(make_user(Role.PROVINCE_OFFICER))
    assert post(client, province, event(shipment, "arrived")).status_code == 403


def test_drafts_are_invisible_to_officers(client, auth, shipment):
    set_state(shipment, S.DRAFT)
    assert post(client, auth, event(shipment, "arrived")).status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"event": "teleported"}, "event"),
        ({"event": "lane_assigned"}, "lane"),
        ({"event": "held"}, "reason_code"),
        ({"event": "crossed"}, "seals"),
        ({"event": "arrived", "colour": 1}, "colour"),
    ],
)
def test_bad_events_name_the_field(client, auth, shipment, body, field):
    response = post(client, auth, {"shipment": shipment.reference, **body})
    assert response.status_code == 422 and field in response.json["errors"]


def test_queue_and_counters(client, auth, shipment, token_for):
    post(client, auth, event(shipment, "arrived", occurred_at=(datetime.now(UTC) - timedelta(minutes=90)).isoformat()))
    queue = client.get("/api/v1/gates/MOC-BAI/queue", headers=auth).json
    assert [item["reference"] for item in queue["items"]] == [shipment.reference]
    assert 89 <= queue["items"][0]["dwell_minutes"] <= 91
    assert queue["counters"]["at_gate"] == 1
    server_time = datetime.fromisoformat(queue["server_time"])  # tablets correct their clocks by it
    assert server_time.utcoffset() is not None and abs(datetime.now(UTC) - server_time) < timedelta(seconds=30)
    assert client.get("/api/v1/gates/MOC-BAI/queue?q=70h", headers=auth).json["items"]
    assert client.get("/api/v1/gates/XA-MAT/queue", headers=auth).status_code == 403
    assert client.get("/api/v1/gates/MOC-BAI/queue", headers=token_for(make_user(Role.EXPORTER))).status_code == 403
    province = token_for(make_user(Role.PROVINCE_OFFICER))
    assert client.get("/api/v1/gates/BINH-HIEP/queue", headers=province).status_code == 200
    assert client.get("/api/v1/gates/TINH-BIEN/queue", headers=province).status_code == 403


def test_exporter_sees_gate_events_on_the_timeline(client, auth, shipment, token_for):
    post(client, auth, event(shipment, "arrived"))
    exporter = db.session.get(Shipment, shipment.id).organisation
    from border_trade.auth.models import User

    owner = db.session.scalar(sa.select(User).where(User.organisation_id == exporter.id))
    timeline = client.get(f"/api/v1/shipments/{shipment.id}/events", headers=token_for(owner)).json["items"]
    assert timeline[-1]["event"] == "arrived" and timeline[-1]["kind"] == "crossing"


@pytest.mark.postgres
def test_twenty_officers_clearing_at_once_one_wins(app, token_for, shipment):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("race tests run on PostgreSQL")
    set_state(shipment, S.INSPECTING, Lane.YELLOW)
    tokens = [token_for(make_user(Role.GATE_OFFICER)) for _ in range(20)]
    barrier = threading.Barrier(20)
    results = []
    body = event(shipment, "cleared")

    def worker(headers):
        client = app.test_client()
        barrier.wait()
        results.append(post(client, headers, body))

    threads = [threading.Thread(target=worker, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 19, codes
    assert all(r.json["current_status"] == "cleared" for r in results if r.status_code == 409)
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(ShipmentEvent).where(ShipmentEvent.event == "cleared")
    )
    assert count == 1


@pytest.mark.postgres
def test_ten_concurrent_replays_of_one_key_store_one_event(app, auth, shipment):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("race tests run on PostgreSQL")
    barrier = threading.Barrier(10)
    results = []
    body = event(shipment, "arrived")

    def worker():
        client = app.test_client()
        barrier.wait()
        results.append(post(client, auth, body, key="offline-tablet-1"))

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.status_code for r in results] == [201] * 10
    assert len({r.get_data() for r in results}) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 1


def test_purge_removes_only_expired_keys(client, auth, shipment, runner):
    from border_trade.idempotency import IdempotencyKey

    post(client, auth, event(shipment, "arrived"), key="old")
    post(client, auth, event(shipment, "lane_assigned", lane="green"), key="new")
    db.session.get(IdempotencyKey, (db.session.scalar(sa.select(IdempotencyKey.user_id)), "old")).expires_at = (
        datetime.now(UTC) - timedelta(seconds=1)
    )
    db.session.commit()
    result = runner.invoke(args=["crossings", "purge-keys"])
    assert result.exit_code == 0 and "1 expired" in result.output
    assert [k.key for k in db.session.scalars(sa.select(IdempotencyKey))] == ["new"]
