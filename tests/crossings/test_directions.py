"""The gate in both directions (issue 16): imports take the same events at their entry gate, another gate's import is
the same 409 as an export's, and the queue and counters are split by direction (old totals kept)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.shipments.models import Shipment, ShipmentStatus
from tests.factories import get_gate, make_import, make_shipment, make_user

S = ShipmentStatus


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


@pytest.fixture
def officer_auth(token_for):
    return token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))


def post(client, auth, reference, event, gate="MOC-BAI", **extra):
    headers = auth | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"shipment": reference, "event": event, **extra}
    return client.post(f"/api/v1/gates/{gate}/crossings?lang=en", json=body, headers=headers)


def queue(client, auth, query="", gate="MOC-BAI"):
    return client.get(f"/api/v1/gates/{gate}/queue{query}", headers=auth)


def test_an_import_takes_the_same_events_at_its_entry_gate(client, officer_auth, trader):
    shipment = make_import(trader.organisation, status=S.SUBMITTED)
    steps = [
        ("arrived", {}, "at_gate"),
        ("lane_assigned", {"lane": "yellow"}, "at_gate"),
        ("inspection_started", {}, "inspecting"),
        ("held", {"reason_code": "phytosanitary"}, "held"),
        ("released", {}, "inspecting"),
        ("cleared", {}, "cleared"),
        ("crossed", {"seals": ["KH778899"]}, "crossed"),
    ]
    for name, extra, status in steps:
        response = post(client, officer_auth, shipment.reference, name, **extra)
        assert response.status_code == 201, response.json
        assert response.json["shipment"]["status"] == status
        assert response.json["shipment"]["direction"] == "import"  # the tablet words the crossing by it
    db.session.expire_all()
    stored = db.session.get(Shipment, shipment.id)
    assert stored.status is S.CROSSED and stored.crossed_at is not None and stored.seals == ["KH778899"]


def test_another_gates_import_is_the_same_409_as_another_gates_export(client, officer_auth, trader):
    here_import = make_import(trader.organisation, status=S.SUBMITTED)
    xa_mat_import = make_import(trader.organisation, status=S.SUBMITTED, gate=get_gate("XA-MAT"))
    xa_mat_export = make_shipment(trader.organisation, status=S.SUBMITTED, gate=get_gate("XA-MAT"))
    refused_import = post(client, officer_auth, xa_mat_import.reference, "arrived")
    refused_export = post(client, officer_auth, xa_mat_export.reference, "arrived")
    assert refused_import.status_code == refused_export.status_code == 409
    assert refused_import.json == refused_export.json  # nothing tells an import from an export elsewhere
    assert "import" not in str(refused_import.json).lower() and "XA-MAT" not in str(refused_import.json)
    assert post(client, officer_auth, here_import.reference, "arrived").status_code == 201


def test_an_officer_cannot_record_at_a_gate_outside_his_scope_whatever_the_direction(client, token_for, trader):
    xa_mat_import = make_import(trader.organisation, status=S.SUBMITTED, gate=get_gate("XA-MAT"))
    mocbai = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    assert post(client, mocbai, xa_mat_import.reference, "arrived", gate="XA-MAT").status_code == 403
    assert post(client, token_for(trader), xa_mat_import.reference, "arrived", gate="XA-MAT").status_code == 403
    draft = make_import(trader.organisation, status=S.DRAFT)
    assert post(client, mocbai, draft.reference, "arrived").status_code == 404  # unsubmitted work stays unseen


def test_the_queue_names_each_trucks_direction_and_filters_by_it(client, officer_auth, trader):
    today = date.today()
    export = make_shipment(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today)
    inbound = make_import(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today)
    both = queue(client, officer_auth).json
    assert {item["reference"]: item["direction"] for item in both["items"]} == {
        export.reference: "export",
        inbound.reference: "import",
    }
    assert both["direction"] is None
    item = next(i for i in both["items"] if i["reference"] == inbound.reference)
    assert item["consignor"] == inbound.consignor_name and item["consignee"] is None
    assert item["events"] == []
    only_imports = queue(client, officer_auth, "?direction=import").json
    assert [i["reference"] for i in only_imports["items"]] == [inbound.reference]
    assert only_imports["direction"] == "import"
    assert [i["reference"] for i in queue(client, officer_auth, "?direction=export").json["items"]] == [
        export.reference
    ]
    # the counters stay the gate's whole picture whatever the filter
    assert only_imports["counters"] == both["counters"]


def test_a_bad_direction_filter_is_a_422_naming_the_field(client, officer_auth):
    response = queue(client, officer_auth, "?direction=sideways&lang=en")
    assert response.status_code == 422 and "direction" in response.json["errors"]


def test_counters_are_split_by_direction_and_keep_the_old_totals(client, officer_auth, trader):
    today = date.today()
    make_shipment(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today)
    make_import(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today)
    make_import(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today)
    make_import(trader.organisation, status=S.HELD, status_before_hold=S.AT_GATE, arrived_at=datetime.now(UTC))
    make_shipment(trader.organisation, status=S.AT_GATE, arrived_at=datetime.now(UTC))
    make_import(trader.organisation, status=S.SUBMITTED, planned_crossing_on=today, gate=get_gate("XA-MAT"))
    crossing = make_import(trader.organisation, status=S.CLEARED, arrived_at=datetime.now(UTC) - timedelta(hours=1))
    assert post(client, officer_auth, crossing.reference, "crossed", seals=["KH1"]).status_code == 201

    counters = queue(client, officer_auth).json["counters"]
    split = counters["by_direction"]
    assert split["export"] == {
        "expected_today": 1,
        "at_gate": 1,
        "inspecting": 0,
        "held": 0,
        "cleared": 0,
        "crossed_today": 0,
    }
    assert split["import"] == {
        "expected_today": 2,
        "at_gate": 0,
        "inspecting": 0,
        "held": 1,
        "cleared": 0,
        "crossed_today": 1,
    }
    for key in ("expected_today", "at_gate", "inspecting", "held", "cleared", "crossed_today"):
        assert counters[key] == split["export"][key] + split["import"][key], key  # old clients read the totals


def test_a_crossed_import_leaves_the_queue_for_todays_crossings_with_its_timeline(client, officer_auth, trader):
    inbound = make_import(trader.organisation, status=S.SUBMITTED, planned_crossing_on=date.today())
    export = make_shipment(trader.organisation, status=S.CLEARED, arrived_at=datetime.now(UTC))
    for name, extra in (("arrived", {}), ("lane_assigned", {"lane": "green"}), ("cleared", {})):
        assert post(client, officer_auth, inbound.reference, name, **extra).status_code == 201
    waiting = queue(client, officer_auth).json
    item = next(i for i in waiting["items"] if i["reference"] == inbound.reference)
    assert [e["event"] for e in item["events"]] == ["arrived", "lane_assigned", "cleared"]
    assert item["events"][1]["lane"] == "green"

    assert post(client, officer_auth, inbound.reference, "crossed", seals=["KH2"]).status_code == 201
    assert post(client, officer_auth, export.reference, "crossed", seals=["VN2"]).status_code == 201
    after = queue(client, officer_auth).json
    assert inbound.reference not in {i["reference"] for i in after["items"]}
    crossed = {i["reference"]: i for i in after["recent_crossings"]}
    assert crossed[inbound.reference]["direction"] == "import" and crossed[inbound.reference]["status"] == "crossed"
    assert crossed[inbound.reference]["events"][-1]["event"] == "crossed"
    assert datetime.fromisoformat(crossed[inbound.reference]["crossed_at"]).utcoffset() == timedelta(hours=7)
    only_imports = queue(client, officer_auth, "?direction=import").json["recent_crossings"]
    assert [i["reference"] for i in only_imports] == [inbound.reference]


def test_another_gates_crossings_and_queue_stay_out_of_sight(client, officer_auth, token_for, trader):
    elsewhere = make_import(
        trader.organisation, status=S.CROSSED, gate=get_gate("XA-MAT"), crossed_at=datetime.now(UTC)
    )
    body = queue(client, officer_auth).json
    assert elsewhere.reference not in str(body)
    assert body["counters"]["by_direction"]["import"]["crossed_today"] == 0
    assert queue(client, officer_auth, "?direction=import", gate="XA-MAT").status_code == 403
    assert queue(client, token_for(trader), "?direction=import").status_code == 403
