"""The gate tablet page: who may open it, read-only views, and buttons that follow the state machine."""

import json
import re
from datetime import date, timedelta

import pytest
from flask_babel import refresh

from border_trade.auth.models import Role
from border_trade.crossings.views import transition_map
from border_trade.shipments.models import Lane, ShipmentStatus
from border_trade.shipments.workflow import GATE_EVENTS, gate_event_target
from border_trade.types import utcnow
from tests.factories import get_gate, get_province, make_shipment, make_user

S = ShipmentStatus


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


def truck(exporter, status, *, lane=None, before_hold=None, gate="MOC-BAI", minutes_ago=None, **overrides):
    arrived = utcnow() - timedelta(minutes=minutes_ago) if minutes_ago is not None else None
    if arrived is None and status not in (S.SUBMITTED, S.DRAFT, S.READY):
        arrived = utcnow() - timedelta(minutes=5)
    return make_shipment(
        exporter.organisation,
        status=status,
        lane=lane,
        status_before_hold=before_hold,
        gate=get_gate(gate),
        planned_crossing_on=date.today(),
        arrived_at=arrived,
        **overrides,
    )


def rows(page):
    """Return {reference: attributes} for every truck row of the queue."""
    found = {}
    for match in re.finditer(r'<li class="truck"([^>]*)>', page):
        attributes = dict(re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1)))
        found[attributes["reference"]] = attributes
    return found


def json_script(page, element_id):
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_visitors_are_sent_to_sign_in(client):
    for path in ("/gate", "/gate/MOC-BAI"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_officer_with_one_gate_goes_straight_to_it(login_as):
    client = login_as(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    response = client.get("/gate")
    assert response.status_code == 302 and response.headers["Location"].endswith("/gate/MOC-BAI")


def test_an_officer_with_several_gates_chooses_one(login_as):
    client = login_as(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI"), get_gate("XA-MAT")])
    page = client.get("/gate")
    assert page.status_code == 200
    assert 'data-gate="MOC-BAI"' in page.text and 'data-gate="XA-MAT"' in page.text
    assert 'data-gate="BINH-HIEP"' not in page.text
    assert client.get("/gate/XA-MAT").status_code == 200


def test_an_officer_of_another_gate_gets_403(login_as):
    client = login_as(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    assert client.get("/gate/MOC-BAI").status_code == 403
    assert client.get("/gate/NO-SUCH-GATE").status_code == 404


def test_exporters_may_not_open_the_gate_pages(login_as):
    client = login_as(Role.EXPORTER)
    assert client.get("/gate").status_code == 403
    assert client.get("/gate/MOC-BAI").status_code == 403


@pytest.mark.parametrize(
    "role, overrides",
    [
        (Role.ADMIN, {}),
        (Role.PROVINCE_OFFICER, {}),  # Tây Ninh oversees Mộc Bài
        (Role.VIEWER, {}),
    ],
    ids=["admin", "province-officer", "viewer"],
)
def test_overseers_read_the_queue_without_buttons(login_as, exporter, role, overrides):
    shipment = truck(exporter, S.AT_GATE)
    client = login_as(role, **overrides)
    page = client.get("/gate/MOC-BAI")
    assert page.status_code == 200
    assert 'data-readonly="true"' in page.text and 'id="readonly-note"' in page.text
    assert 'data-event="' not in page.text and 'id="confirm-dialog"' not in page.text
    assert 'id="scan-button"' not in page.text and "jsQR.js" not in page.text
    assert rows(page.text)[shipment.reference]["allowed"] == ""
    assert json_script(page.text, "gate-config")["readonly"] is True


def test_province_officers_of_another_province_get_403(login_as):
    client = login_as(Role.PROVINCE_OFFICER, province=get_province("DONG-THAP"))
    assert client.get("/gate/MOC-BAI").status_code == 403
    assert 'data-gate="MOC-BAI"' not in client.get("/gate").text


def test_admins_choose_among_every_gate(login_as):
    page = login_as(Role.ADMIN).get("/gate")
    assert page.status_code == 200
    assert 'data-gate="MOC-BAI"' in page.text and 'data-gate="BINH-HIEP"' in page.text


CASES = [
    # (status, lane, status before the hold, the buttons the page offers)
    (S.SUBMITTED, None, None, ["arrived"]),
    (S.AT_GATE, None, None, ["lane_assigned", "inspection_started", "held", "cleared", "returned"]),
    (S.AT_GATE, Lane.GREEN, None, ["lane_assigned", "inspection_started", "held", "cleared", "returned"]),
    (S.AT_GATE, Lane.RED, None, ["lane_assigned", "inspection_started", "held", "returned"]),
    (S.INSPECTING, Lane.YELLOW, None, ["held", "cleared", "returned"]),
    (S.HELD, Lane.RED, S.INSPECTING, ["released", "returned"]),
    (S.CLEARED, Lane.GREEN, None, ["crossed", "returned"]),
]


def test_the_buttons_of_each_truck_follow_the_state_machine(login_as, exporter):
    trucks = {}
    for status, lane, before_hold, expected in CASES:
        shipment = truck(exporter, status, lane=lane, before_hold=before_hold)
        trucks[shipment.reference] = (shipment, expected)
    client = login_as(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    page = client.get("/gate/MOC-BAI")
    assert page.status_code == 200 and 'data-readonly="false"' in page.text
    found = rows(page.text)
    assert set(found) == set(trucks)
    for reference, (shipment, expected) in trucks.items():
        offered = found[reference]["allowed"].split()
        assert offered == expected, (shipment.status, shipment.lane)
        by_machine = [
            name
            for name in GATE_EVENTS
            if gate_event_target(
                name, shipment.status, lane=shipment.lane, status_before_hold=shipment.status_before_hold
            )
        ]
        assert offered == by_machine
        assert found[reference]["status"] == shipment.status.value
    # one big button per gate event, shown by the script for the selected truck
    for name in GATE_EVENTS:
        assert f'data-event="{name}"' in page.text


def test_the_script_gets_the_state_machine_and_the_queue(login_as, exporter):
    shipment = truck(exporter, S.AT_GATE, lane=Lane.YELLOW, minutes_ago=75)
    client = login_as(Role.GATE_OFFICER, locale="en")
    refresh()
    page = client.get("/gate/MOC-BAI").text
    config = json_script(page, "gate-config")
    assert config["gate"] == "MOC-BAI" and config["readonly"] is False
    assert config["queue_url"] == "/api/v1/gates/MOC-BAI/queue"
    assert config["crossings_url"] == "/api/v1/gates/MOC-BAI/crossings"
    assert config["flow"] == transition_map()
    assert config["flow"]["submitted|"] == {"arrived": "at_gate"}
    assert "cleared" not in config["flow"]["at_gate|yellow"] and "cleared" in config["flow"]["at_gate|green"]
    assert config["flow"]["held|"]["released"] == "at_gate"
    [item] = config["queue"]["items"]
    assert item["reference"] == shipment.reference and item["dwell_minutes"] in (75, 76)
    assert "1 h 15 min" in page or "1 h 16 min" in page
    strings = json_script(page, "gate-strings")
    assert set(strings["events"]) == set(GATE_EVENTS)
    assert strings["statuses"]["at_gate"]


def test_the_queue_shows_today_only_and_counts(login_as, exporter):
    today = truck(exporter, S.SUBMITTED)
    tomorrow = make_shipment(
        exporter.organisation, status=S.SUBMITTED, planned_crossing_on=date.today() + timedelta(days=1)
    )
    elsewhere = truck(exporter, S.AT_GATE, gate="XA-MAT")
    held = truck(exporter, S.HELD, before_hold=S.AT_GATE)
    page = login_as(Role.GATE_OFFICER).get("/gate/MOC-BAI").text
    found = rows(page)
    assert today.reference in found and held.reference in found
    assert tomorrow.reference not in found and elsewhere.reference not in found
    assert re.search(r'data-counter="expected_today">\s*1\s*<', page)
    assert re.search(r'data-counter="held">\s*1\s*<', page)
    assert re.search(r'data-counter="at_gate">\s*0\s*<', page)


def test_the_page_runs_under_the_content_security_policy(login_as, exporter):
    truck(exporter, S.SUBMITTED)
    response = login_as(Role.GATE_OFFICER).get("/gate/MOC-BAI")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.text
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page and "<style" not in page
    assert re.search(r" on[a-z]+=", page) is None
    assert 'href="/static/css/gate.css"' in page
    assert 'src="/static/js/gate.js"' in page and 'src="/static/vendor/jsqr/jsQR.js"' in page


def test_the_page_speaks_the_officers_language(login_as, exporter):
    truck(exporter, S.SUBMITTED)
    client = login_as(Role.GATE_OFFICER, locale="en")
    refresh()  # the tests share one app context, where Flask-Babel caches the locale of the first request
    page = client.get("/gate/MOC-BAI").text
    assert "Expected today" in page and "Today's queue" in page
    assert json_script(page, "gate-config")["lang"] == "en"


def test_static_files_of_the_page_are_served(client):
    for path in ("/static/js/gate.js", "/static/css/gate.css", "/static/vendor/jsqr/jsQR.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_the_service_worker_is_served_under_gate_for_its_scope(client, login_as):
    response = client.get("/gate/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript" and response.headers["Cache-Control"] == "no-cache"
    assert 'var CACHE = "border-trade-gate"' in response.get_data(as_text=True)
    page = login_as("gate_officer").get("/gate/MOC-BAI").get_data(as_text=True)
    assert '"offline_worker": "/gate/sw.js"' in page and '"offline_scope": "/gate/"' in page
