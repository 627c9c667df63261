"""The tablet's queue with the e-queue and customs (issues 17, 18): each truck carries its booking at this gate and
its customs declaration, read for the whole queue in a fixed number of statements (no N+1), within the gate's scope;
the page shows the booking code, the channel as a word, and the link to the crossing manifest."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.customs.models import CustomsDeclaration, DeclarationStatus
from border_trade.equeue.models import Booking, BookingStatus, LaneType
from border_trade.equeue.services.common import new_code
from border_trade.extensions import db
from border_trade.shipments.models import Lane, ShipmentStatus
from border_trade.types import utcnow
from tests.equeue.conftest import LOCAL, make_vehicle
from tests.factories import get_gate, make_shipment, make_user

S = ShipmentStatus


def today_at(hhmm):
    day = utcnow().astimezone(LOCAL).date()
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LOCAL).astimezone(UTC)


def truck(organisation=None, *, gate="MOC-BAI", booked_at=None, booking_status=BookingStatus.CONFIRMED, **overrides):
    """A shipment submitted for today at `gate`; with `booked_at`, booked for that slot with its registered truck."""
    organisation = organisation or make_user(Role.EXPORTER).organisation
    number = uuid.uuid4().int % 100000
    plate = f"70H-{number // 100:03d}.{number % 100:02d}"
    values = dict(
        status=S.SUBMITTED,
        gate=get_gate(gate),
        planned_crossing_on=utcnow().astimezone(LOCAL).date(),
        vehicle_plate=plate,
    )
    shipment = make_shipment(organisation, **(values | overrides))
    if booked_at is not None:
        vehicle = make_vehicle(organisation, plate=plate)
        db.session.add(
            Booking(
                code=new_code(),
                shipment=shipment,
                organisation_id=organisation.id,
                gate=get_gate(gate),
                direction=shipment.direction,
                lane_type=LaneType.GENERAL,
                slot_start=booked_at,
                slot_end=booked_at + timedelta(minutes=30),
                status=booking_status,
                vehicle=vehicle,
                queued_at=booked_at - timedelta(days=1),
            )
        )
        db.session.commit()
    return shipment


def declare(shipment, number="305254403660", channel=Lane.RED, status=DeclarationStatus.REGISTERED):
    db.session.add(
        CustomsDeclaration(shipment=shipment, number=number, type_code="B11", channel=channel, status=status)
    )
    db.session.commit()


@pytest.fixture
def officer():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])


@pytest.fixture
def auth(token_for, officer):
    return token_for(officer)


def queue(client, auth, gate="MOC-BAI"):
    response = client.get(f"/api/v1/gates/{gate}/queue?lang=en", headers=auth)
    assert response.status_code == 200, response.json
    return {item["reference"]: item for item in response.json["items"]}, response.json


def test_a_booked_truck_carries_its_booking_and_declaration(client, auth):
    booked = truck(booked_at=today_at("09:00"))
    declare(booked)
    walk_in = truck()
    items, _body = queue(client, auth)

    booking = items[booked.reference]["booking"]
    row = db.session.scalar(sa.select(Booking).where(Booking.shipment_id == booked.id))
    assert booking["id"] == row.id and booking["code"] == row.code
    assert booking["status"] == "confirmed" and booking["call_deadline"] is None
    assert booking["plate"] == booked.vehicle_plate and booking["lane_type"] == "general"
    assert datetime.fromisoformat(booking["slot_start"]) == today_at("09:00")
    assert booking["slot_start"].endswith("+07:00")
    assert items[booked.reference]["customs_declaration"] == {
        "number": "305254403660",
        "type_code": "B11",
        "channel": "red",
        "status": "registered",
    }
    assert items[walk_in.reference]["booking"] is None
    assert items[walk_in.reference]["customs_declaration"] is None


def test_a_called_truck_shows_called_and_its_deadline(client, auth):
    booked = truck(booked_at=today_at("06:00"))
    called = client.post("/api/v1/gates/MOC-BAI/calls", json={"direction": "export"}, headers=auth)
    assert called.status_code == 201, called.json
    booking = queue(client, auth)[0][booked.reference]["booking"]
    assert booking["status"] == "called"
    assert booking["call_deadline"] == called.json["booking"]["call_deadline"]
    assert datetime.fromisoformat(booking["call_deadline"]) > datetime.fromisoformat(booking["called_at"])


def test_cancelled_and_other_gates_bookings_are_not_shown(client, auth):
    cancelled = truck(booked_at=today_at("10:00"), booking_status=BookingStatus.CANCELLED)
    no_show = truck(booked_at=today_at("06:30"), booking_status=BookingStatus.NO_SHOW)
    items, _body = queue(client, auth)
    assert items[cancelled.reference]["booking"] is None and items[no_show.reference]["booking"] is None
    # a truck of another gate is not in this queue at all (nor its booking, nor its declaration)
    elsewhere = truck(gate="XA-MAT", booked_at=today_at("10:00"))
    declare(elsewhere)
    items, body = queue(client, auth)
    assert elsewhere.reference not in items
    assert all(item["reference"] != elsewhere.reference for item in body["recent_crossings"])


def test_an_arrived_truck_keeps_showing_the_booking_it_came_under(client, auth):
    booked = truck(booked_at=today_at("08:00"))
    answer = client.post(
        "/api/v1/gates/MOC-BAI/crossings",
        json={"shipment": booked.reference, "event": "arrived", "plate": booked.vehicle_plate},
        headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 201, answer.json
    booking = queue(client, auth)[0][booked.reference]["booking"]
    assert booking["status"] == "arrived" and booking["code"] == answer.json["shipment"]["booking"]


def test_another_gates_officer_cannot_read_the_queue(client, token_for):
    truck(booked_at=today_at("09:00"))
    stranger = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    response = client.get("/api/v1/gates/MOC-BAI/queue", headers=token_for(stranger))
    assert response.status_code == 403


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self)


def statements_for_queue(client, auth):
    db.session.expire_all()
    with StatementCounter() as counter:
        queue(client, auth)
    return counter.count


def _fill(n, start_minute):
    """n trucks of n organisations: booked and declared, with a crossed one (recent crossings) each second."""
    for i in range(n):
        shipment = truck(booked_at=today_at(f"{6 + (start_minute + i) // 2:02d}:{30 * (i % 2):02d}"))
        declare(shipment, number=f"3052544{start_minute + i:05d}", channel=(Lane.GREEN, Lane.YELLOW, Lane.RED)[i % 3])
        if i % 2:
            crossed = truck(status=S.CROSSED, crossed_at=utcnow() - timedelta(seconds=5 + i))  # today, even at 00:05
            declare(crossed, number=f"3052555{start_minute + i:05d}", channel=Lane.GREEN)


def test_the_queue_reads_bookings_and_declarations_in_a_fixed_number_of_statements(client, auth):
    _fill(2, 0)
    statements_for_queue(client, auth)  # the first request of a token also records its use: not counted
    few = statements_for_queue(client, auth)
    _fill(6, 2)
    items, body = queue(client, auth)
    assert sum(1 for item in items.values() if item["booking"] and item["customs_declaration"]) == 8
    assert sum(1 for item in body["recent_crossings"] if item["customs_declaration"]) == 4
    many = statements_for_queue(client, auth)
    assert many == few, f"{few} statements for 2 trucks, {many} for 8: one more per truck is an N+1"


def test_the_tablet_page_shows_the_booking_code_channel_and_manifest_link(login_as, officer):
    booked = truck(booked_at=today_at("09:00"))
    declare(booked, channel=Lane.RED)
    code = db.session.scalar(sa.select(Booking.code).where(Booking.shipment_id == booked.id))
    client = login_as(officer)
    for lang, red in (("en", "Red lane"), ("vi", "Luồng đỏ")):
        html = client.get(f"/gate/MOC-BAI?lang={lang}").get_data(as_text=True)
        card = html.split(f'data-reference="{booked.reference}"', 1)[1].split("</li>", 1)[0]
        assert code in card and "305254403660" in card
        assert 'data-channel="red"' in card and red in card  # the word, not the colour alone
        assert f"/api/v1/shipments/{booked.id}/pdf/crossing-manifest" in card
        assert 'target="_blank"' in card
    assert "<script>" not in html  # CSP: no inline script (the JSON blocks are data)


def test_a_province_officer_sees_the_bookings_but_gets_no_call_or_plate_controls(login_as, token_for):
    booked = truck(booked_at=today_at("09:00"))
    code = db.session.scalar(sa.select(Booking.code).where(Booking.shipment_id == booked.id))
    client = login_as(Role.PROVINCE_OFFICER)  # Tây Ninh oversees Mộc Bài: read-only
    html = client.get("/gate/MOC-BAI?lang=en").get_data(as_text=True)
    assert code in html and 'data-readonly="true"' in html
    assert "data-call-next" not in html and 'id="call-booking"' not in html and 'id="plate-read"' not in html
    # and the call itself is refused to the role
    response = client.post("/api/v1/gates/MOC-BAI/calls", json={}, headers=token_for(client.user))
    assert response.status_code == 403, response.json
    assert (
        db.session.scalar(sa.select(Booking.status).where(Booking.shipment_id == booked.id)) is BookingStatus.CONFIRMED
    )


TABLET_TEXTS = {
    "en": {"call_next": "Call next", "plate": "Plate read on the truck", "walk_in": "Walk-in (no booking)"},
    "vi": {"call_next": "Gọi xe tiếp theo", "plate": "Biển số đọc trên xe tải", "walk_in": "Xe đến không đặt lịch"},
    "km": {
        "call_next": "ហៅរថយន្តដឹកទំនិញបន្ទាប់ឱ្យចូល",
        "plate": "ផ្លាកលេខដែលបានអាននៅលើរថយន្តដឹកទំនិញ",
        "walk_in": "មកដោយគ្មានការកក់",
    },
}


@pytest.mark.parametrize("lang", ["en", "vi", "km"])
def test_the_e_queue_texts_of_the_tablet_speak_the_officers_language(login_as, lang):
    from tests.crossings.test_direction_page import catalogue_has, gate_page, json_script

    if not catalogue_has(lang, "Call next"):
        pytest.xfail(f"the {lang} catalogue lacks the tablet's e-queue texts: /tmp/brief/msgs/tablet2.tsv not merged")
    truck(booked_at=today_at("09:00"))
    html = gate_page(login_as, lang)
    texts = TABLET_TEXTS[lang]
    strings = json_script(html, "gate-strings")
    assert strings["call_next"] == texts["call_next"] and strings["walk_in"] == texts["walk_in"]
    assert texts["plate"] in html and html.count(texts["call_next"]) >= 2  # a call button per direction


def test_the_queue_with_bookings_and_declarations_matches_its_openapi_schema(app, client, auth):
    import schemathesis

    booked = truck(booked_at=today_at("09:00"))
    declare(booked, channel=None)  # a declaration whose channel is not known yet
    truck()
    response = client.get("/api/v1/gates/MOC-BAI/queue", headers=auth)
    assert response.status_code == 200
    shown = {item["reference"]: item for item in response.json["items"]}[booked.reference]
    assert shown["customs_declaration"]["channel"] is None and shown["booking"]["status"] == "confirmed"
    schemathesis.openapi.from_wsgi("/api/openapi.json", app)["/api/v1/gates/{code}/queue"]["GET"].validate_response(
        response
    )
