"""Capacity of a gate: who may read and change it, what a valid one is, and the slots it makes."""

from datetime import timedelta

import pytest

from tests.equeue.conftest import every_day, set_capacity


@pytest.fixture
def headers(token_for):
    return token_for


def put(client, headers, body, gate="MOC-BAI"):
    return client.put(f"/api/v1/gates/{gate}/capacity", json=body, headers=headers)


BODY = {"slot_minutes": 30, "template": every_day(capacity=12), "overrides": []}


def test_gate_officer_replaces_the_capacity_and_anyone_reads_it(client, headers, officer, exporter, tomorrow):
    body = dict(
        BODY,
        overrides=[
            {
                "date": tomorrow.isoformat(),
                "start": "12:00",
                "end": "13:00",
                "direction": "export",
                "lane_type": "general",
                "capacity": 0,
            }
        ],
    )
    response = put(client, headers(officer), body)
    assert response.status_code == 200, response.json
    read = client.get("/api/v1/gates/moc-bai/capacity", headers=headers(exporter))
    assert read.status_code == 200
    assert read.json["slot_minutes"] == 30 and read.json["gate"] == "MOC-BAI"
    assert len(read.json["template"]) == 7
    assert read.json["template"][0] == {
        "weekday": 0,
        "start": "06:00",
        "end": "22:00",
        "direction": "export",
        "lane_type": "general",
        "capacity": 12,
    }
    assert read.json["overrides"][0]["date"] == tomorrow.isoformat() and read.json["overrides"][0]["capacity"] == 0


def test_a_second_put_replaces_the_first(client, headers, admin):
    assert put(client, headers(admin), BODY).status_code == 200
    smaller = {"template": every_day(start="08:00", end="10:00", capacity=3)[:2]}
    assert put(client, headers(admin), smaller).status_code == 200
    read = client.get("/api/v1/gates/MOC-BAI/capacity", headers=headers(admin)).json
    assert [(r["weekday"], r["start"], r["end"], r["capacity"]) for r in read["template"]] == [
        (0, "08:00", "10:00", 3),
        (1, "08:00", "10:00", 3),
    ]
    assert read["overrides"] == []


@pytest.mark.parametrize(
    ("who", "gate", "status"),
    [("officer_xamat", "MOC-BAI", 403), ("exporter", "MOC-BAI", 403), ("admin", "NO-SUCH-GATE", 404)],
)
def test_others_may_not_change_the_capacity(client, headers, request, who, gate, status):
    response = put(client, headers(request.getfixturevalue(who)), BODY, gate=gate)
    assert response.status_code == status
    assert response.json["code"] == status


def test_unknown_gate_capacity_is_404(client, headers, exporter):
    assert client.get("/api/v1/gates/NOPE/capacity", headers=headers(exporter)).status_code == 404
    assert client.get("/api/v1/gates/NOPE/slots?date=2026-01-01", headers=headers(exporter)).status_code == 404


ROW = {"weekday": 0, "start": "06:00", "end": "22:00", "direction": "export", "lane_type": "general", "capacity": 5}


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([dict(ROW, end="06:00")], "template.0.end"),
        ([dict(ROW, start="10:00", end="08:00")], "template.0.end"),
        ([dict(ROW, start="06:10")], "template.0.start"),
        ([dict(ROW, end="21:45")], "template.0.end"),
        ([dict(ROW, capacity=-1)], "template.0.capacity"),
        ([dict(ROW, weekday=7)], "template.0.weekday"),
        ([dict(ROW, start="6am")], "template.0.start"),
        ([dict(ROW), dict(ROW, start="21:00", end="23:00")], "template.1.start"),
        ([dict(ROW, lane_type="express")], "template.0.lane_type"),
    ],
)
def test_invalid_rows_are_refused_naming_the_field(client, headers, admin, rows, field):
    response = put(client, headers(admin), {"template": rows})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json["errors"]
    assert client.get("/api/v1/gates/MOC-BAI/capacity", headers=headers(admin)).json["template"] == []


def test_rows_of_other_days_directions_or_lanes_may_share_times(client, headers, admin):
    rows = [ROW, dict(ROW, weekday=1), dict(ROW, direction="import"), dict(ROW, lane_type="perishable")]
    assert put(client, headers(admin), {"template": rows}).status_code == 200


def test_overlapping_overrides_and_bad_slot_length_are_refused(client, headers, admin, tomorrow):
    override = {k: v for k, v in ROW.items() if k != "weekday"} | {"date": tomorrow.isoformat()}
    body = {"slot_minutes": 7, "template": [ROW], "overrides": [override, dict(override, start="08:00", end="09:00")]}
    response = put(client, headers(admin), body)
    assert response.status_code == 422
    assert "slot_minutes" in response.json["errors"] and "overrides.1.start" in response.json["errors"]


def test_slots_of_a_day_show_capacity_and_bookings(client, headers, exporter, tomorrow):
    override = {"date": tomorrow.isoformat(), "direction": "export", "lane_type": "general"}
    set_capacity(
        template=every_day(capacity=12) + every_day(direction="import", capacity=10),
        overrides=[
            override | {"start": "12:00", "end": "13:00", "capacity": 0},
            override | {"start": "06:00", "end": "07:00", "capacity": 15},
        ],
    )
    answer = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}&direction=export", headers=headers(exporter))
    assert answer.status_code == 200
    items = answer.json["items"]
    assert len(items) == 32 - 2  # 06:00–22:00 in 30 minutes, lunch closed by the override
    assert items[0]["start"] == f"{tomorrow}T06:00:00+07:00" and items[0]["end"] == f"{tomorrow}T06:30:00+07:00"
    assert [i["capacity"] for i in items[:3]] == [15, 15, 12]
    assert all(i["direction"] == "export" and i["booked"] == 0 for i in items)
    assert "12:00" not in " ".join(i["start"] for i in items)
    both = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}", headers=headers(exporter)).json["items"]
    assert len(both) == 30 + 32
    other_day = client.get(
        f"/api/v1/gates/MOC-BAI/slots?date={tomorrow + timedelta(days=1)}&direction=export", headers=headers(exporter)
    ).json["items"]
    assert len(other_day) == 32 and other_day[0]["capacity"] == 12


def test_slots_need_a_valid_date(client, headers, exporter):
    response = client.get("/api/v1/gates/MOC-BAI/slots?date=tomorrow", headers=headers(exporter))
    assert response.status_code == 422 and "date" in response.json["errors"]


@pytest.mark.parametrize("day", ["0092-11-12", "1905-12-31", "2100-01-01"])
def test_slots_of_a_day_outside_the_planning_range_are_422(client, headers, exporter, day):
    # before 1906 the zone's offset was +07:06:30: such a slot was no RFC 3339 date-time (found by schemathesis)
    response = client.get(f"/api/v1/gates/MOC-BAI/slots?date={day}", headers=headers(exporter))
    assert response.status_code == 422 and "date" in response.json["errors"]
