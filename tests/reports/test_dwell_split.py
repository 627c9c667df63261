"""Issue 18: the dwell report split at the `cleared` event (arrived → cleared, cleared → crossed)."""

from datetime import timedelta

import pytest

from border_trade.extensions import db
from border_trade.shipments.models import ShipmentEvent

from .conftest import local

PERIOD = "from=2025-01-01&to=2025-12-31"


def _set_cleared(shipment, minutes_after_arrival):
    """Move the `cleared` event to `minutes_after_arrival` after arrival; None removes it."""
    event = next(e for e in shipment.events if e.event == "cleared")
    if minutes_after_arrival is None:
        db.session.delete(event)
    else:
        event.occurred_at = shipment.arrived_at + timedelta(minutes=minutes_after_arrival)
    db.session.commit()


@pytest.fixture
def world(flat_rates, crossed, exporter_org):
    # whole: 60, 120, 300 minutes; before: 10, 100; after: 50, 20; the 300-minute one was never cleared
    one = crossed(exporter_org, local(2025, 3, 10), gate="MOC-BAI", dwell_minutes=60)
    two = crossed(exporter_org, local(2025, 3, 11), gate="MOC-BAI", dwell_minutes=120)
    three = crossed(exporter_org, local(2025, 3, 12), gate="MOC-BAI", dwell_minutes=300)
    _set_cleared(one, 10)
    _set_cleared(two, 100)
    _set_cleared(three, None)


def test_split_gives_exact_parts_and_keeps_the_whole(client, token_for, admin, world):
    headers = token_for(admin)
    plain = client.get(f"/api/v1/reports/dwell?{PERIOD}", headers=headers)
    split = client.get(f"/api/v1/reports/dwell?{PERIOD}&split=clearance", headers=headers)
    assert plain.status_code == split.status_code == 200, split.json
    assert plain.json == {"avg_minutes": 160.0, "p50_minutes": 120.0, "p90_minutes": 264.0, "count": 3}
    body = split.json
    assert {k: body[k] for k in plain.json} == plain.json  # the whole counts the uncleared crossing too
    assert body["before_clearance"] == {"avg_minutes": 55.0, "p50_minutes": 55.0, "p90_minutes": 91.0, "count": 2}
    assert body["after_clearance"] == {"avg_minutes": 35.0, "p50_minutes": 35.0, "p90_minutes": 47.0, "count": 2}


def test_first_cleared_event_counts(client, token_for, admin, crossed, exporter_org, flat_rates):
    shipment = crossed(exporter_org, local(2025, 5, 1), gate="MOC-BAI", dwell_minutes=90)
    _set_cleared(shipment, 30)
    again = next(e for e in shipment.events if e.event == "cleared")
    shipment.events.append(
        ShipmentEvent(
            kind=again.kind,
            event="cleared",
            occurred_at=shipment.arrived_at + timedelta(minutes=80),
            recorded_at=shipment.arrived_at + timedelta(minutes=80),
            gate=shipment.gate,
        )
    )
    db.session.commit()
    body = client.get(f"/api/v1/reports/dwell?{PERIOD}&split=clearance", headers=token_for(admin)).json
    assert (body["before_clearance"]["avg_minutes"], body["after_clearance"]["avg_minutes"]) == (30.0, 60.0)


def test_invalid_split_answers_422_naming_it(client, token_for, admin, world):
    response = client.get(f"/api/v1/reports/dwell?{PERIOD}&split=inspection", headers=token_for(admin))
    assert response.status_code == 422, response.json
    assert "split" in response.json["errors"], response.json


def test_split_respects_scope(client, token_for, crossed, exporter_org, flat_rates, officer):
    tinh_bien = crossed(exporter_org, local(2025, 3, 10), gate="TINH-BIEN", dwell_minutes=60)  # An Giang
    _set_cleared(tinh_bien, 10)
    body = client.get(f"/api/v1/reports/dwell?{PERIOD}&split=clearance", headers=token_for(officer)).json
    assert body["count"] == body["before_clearance"]["count"] == body["after_clearance"]["count"] == 0


def test_page_shows_the_split(login_as, officer, world):
    client = login_as(officer)
    plain = client.get(f"/reports?{PERIOD}&lang=en").get_data(as_text=True)
    assert 'id="dwell-split"' not in plain
    assert 'id="split_clearance"' in plain and 'value="clearance">' in plain  # unchecked
    html = client.get(f"/reports?{PERIOD}&split=clearance&lang=en").get_data(as_text=True)
    assert 'value="clearance" checked' in html
    part = html.split('id="dwell-split"')[1]
    assert "Before clearance (arrived → cleared)" in part
    assert "2 crossings · average 55 min, median 55 min, 90th percentile 91 min" in part
    assert "2 crossings · average 35 min, median 35 min, 90th percentile 47 min" in part
