"""Release times (WCO Time Release Study) of a hand-built day: exact counts, means, deviations, percentiles."""

import csv
import io

import pytest

from border_trade.auth.models import Role
from border_trade.shipments.models import EventKind, ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, get_province, make_shipment, make_user

from .conftest import local


@pytest.fixture
def truck(db, exporter_org):
    """Return `truck(gate, **events)`: a shipment with gate events at the given local times (first occurrence
    first; a list gives an event twice)."""

    def make(gate, **events):
        shipment = make_shipment(exporter_org, gate=get_gate(gate))
        for name, times in events.items():
            for at in times if isinstance(times, list) else [times]:
                shipment.events.append(
                    ShipmentEvent(
                        kind=EventKind.CROSSING, event=name, occurred_at=at, recorded_at=at, gate=shipment.gate
                    )
                )
        if "arrived" in events:
            shipment.arrived_at = events["arrived"]
        if "crossed" in events:
            shipment.crossed_at = events["crossed"]
            shipment.status = ShipmentStatus.CROSSED
        db.session.commit()
        return shipment

    return make


@pytest.fixture
def day(truck):
    """10 March 2026 at MOC-BAI (three trucks crossed, one still waiting), 31 March and 1 April at XA-MAT."""
    d = lambda h, m: local(2026, 3, 10, h, m)  # noqa: E731
    truck(  # 10, 20, 30, 20; 80 (a second lane_assigned at 08:50 is ignored: first occurrence)
        "MOC-BAI",
        arrived=d(8, 0),
        lane_assigned=[d(8, 10), d(8, 50)],
        inspection_started=d(8, 30),
        cleared=d(9, 0),
        crossed=d(9, 20),
    )
    truck(  # 15, 45, 10, 50; 120
        "MOC-BAI",
        arrived=d(8, 5),
        lane_assigned=d(8, 20),
        inspection_started=d(9, 5),
        cleared=d(9, 15),
        crossed=d(10, 5),
    )
    truck("MOC-BAI", arrived=d(9, 0), cleared=d(9, 30), crossed=d(9, 40))  # no lane, no inspection: 10; 40
    truck("MOC-BAI", arrived=d(9, 10), lane_assigned=d(9, 20))  # not crossed: not counted
    truck("XA-MAT", arrived=local(2026, 3, 31, 23, 0), crossed=local(2026, 3, 31, 23, 30))  # March: 30
    truck("XA-MAT", arrived=local(2026, 3, 31, 23, 50), crossed=local(2026, 4, 1, 0, 10))  # April: outside


def stage(count, mean, sd, p50, p90):
    return {"count": count, "mean": mean, "sd": sd, "p50": p50, "p90": p90}


EMPTY = stage(0, None, None, None, None)


def test_hand_built_day_is_exact(client, token_for, admin, day):
    response = client.get("/api/v1/reports/release-times?from=2026-03-01&to=2026-03-31", headers=token_for(admin))
    assert response.status_code == 200, response.json
    assert response.json["rows"] == [
        {
            "gate": "MOC-BAI",
            "month": "2026-03",
            "arrival_to_lane": stage(2, 12.5, 3.54, 12.5, 14.5),
            "lane_to_inspection": stage(2, 32.5, 17.68, 32.5, 42.5),
            "inspection_to_cleared": stage(2, 20.0, 14.14, 20.0, 28.0),
            "cleared_to_crossed": stage(3, 26.67, 20.82, 20.0, 44.0),
            "arrival_to_crossed": stage(3, 80.0, 40.0, 80.0, 112.0),
        },
        {
            "gate": "XA-MAT",
            "month": "2026-03",
            "arrival_to_lane": EMPTY,
            "lane_to_inspection": EMPTY,
            "inspection_to_cleared": EMPTY,
            "cleared_to_crossed": EMPTY,
            "arrival_to_crossed": stage(1, 30.0, None, 30.0, 30.0),
        },
    ]


def test_the_month_of_the_crossing_and_the_gate_filter(client, token_for, admin, day):
    headers = token_for(admin)
    april = client.get("/api/v1/reports/release-times?from=2026-04-01&to=2026-04-30&gate=XA-MAT", headers=headers)
    assert [(r["gate"], r["month"], r["arrival_to_crossed"]["mean"]) for r in april.json["rows"]] == [
        ("XA-MAT", "2026-04", 20.0)
    ]
    none = client.get("/api/v1/reports/release-times?from=2026-03-11&to=2026-03-30", headers=headers)
    assert none.json["rows"] == []


def test_scope_and_denials(client, token_for, day):
    an_giang = make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))
    headers = token_for(an_giang)
    assert client.get("/api/v1/reports/release-times?from=2026-03-01&to=2026-03-31", headers=headers).json["rows"] == []
    assert client.get("/api/v1/reports/release-times?gate=MOC-BAI", headers=headers).status_code == 403
    assert client.get("/api/v1/reports/release-times?gate=NOPE", headers=headers).json["errors"].keys() == {"gate"}
    exporter = make_user(Role.EXPORTER)
    assert client.get("/api/v1/reports/release-times", headers=token_for(exporter)).status_code == 403


def test_csv_has_a_column_per_stage_and_measure(client, token_for, admin, day):
    response = client.get(
        "/api/v1/reports/release-times.csv?from=2026-03-01&to=2026-03-31&gate=MOC-BAI", headers=token_for(admin)
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["cleared_to_crossed.mean"] == "26.67"
    assert rows[0]["arrival_to_crossed.p90"] == "112.0"
    xlsx = client.get(
        "/api/v1/reports/release-times.xlsx?from=2026-03-01&to=2026-03-31&gate=MOC-BAI", headers=token_for(admin)
    )
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
