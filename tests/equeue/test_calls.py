"""Call-forward: the next booked truck or a chosen one, who may call, who is told (in-app, e-mail, SMS), and the
late job with an injected clock."""

import json
import threading
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role
from border_trade.equeue.calls import call_booking, mark_late_calls
from border_trade.equeue.models import BookingStatus
from border_trade.extensions import db
from border_trade.fleet.models import Driver
from border_trade.notifications import sms
from border_trade.notifications.models import Notification
from border_trade.notifications.services import send_pending_emails
from border_trade.scheduler.jobs import JOBS
from border_trade.types import utcnow
from tests.equeue.calls_helpers import make_booking, today_at
from tests.factories import make_user
from tests.notifications.conftest import smtp  # noqa: F401  (the local SMTP sink fixture)


def call(client, headers, body, gate="MOC-BAI"):
    return client.post(f"/api/v1/gates/{gate}/calls", json=body, headers=headers)


@pytest.fixture
def officer_auth(token_for, officer):
    return token_for(officer)


@pytest.fixture
def sent_sms(app):
    sender = sms.sender(app)
    assert isinstance(sender, sms.LogSender)  # tests never use the HTTP gateway by default
    sender.messages.clear()
    return sender.messages


def test_next_calls_in_slot_order_confirmed_before_late(client, officer_auth, exporter):
    org = exporter.organisation
    six, half_past = today_at("06:00"), today_at("06:30")
    later_slot = make_booking(org, half_past, queued_at=half_past - timedelta(days=3))
    late = make_booking(org, six, status=BookingStatus.LATE, queued_at=six - timedelta(days=4))
    second = make_booking(org, six, queued_at=six - timedelta(days=1))
    first = make_booking(org, six, queued_at=six - timedelta(days=2))
    make_booking(org, six, status=BookingStatus.CANCELLED)
    make_booking(org, six, status=BookingStatus.UNCONFIRMED)
    make_booking(org, six, gate="XA-MAT")  # another gate's truck is never called here
    order = []
    for _ in range(4):
        response = call(client, officer_auth, {})
        assert response.status_code == 201, response.json
        order.append(response.json["booking"]["code"])
    assert order == [first.code, second.code, late.code, later_slot.code]
    empty = call(client, officer_auth, {})
    assert empty.status_code == 404 and "booking" in empty.json["errors"]


def test_a_chosen_booking_is_called_with_its_deadline(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("09:00") + timedelta(days=1))  # tomorrow's may be chosen
    response = call(client, officer_auth, {"booking": booking.id})
    assert response.status_code == 201, response.json
    body = response.json["booking"]
    assert body["id"] == booking.id and body["status"] == "called"
    from datetime import datetime

    called, deadline = datetime.fromisoformat(body["called_at"]), datetime.fromisoformat(body["call_deadline"])
    assert deadline - called == timedelta(minutes=20) and body["called_at"].endswith("+07:00")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "booking.call"))
    assert entry.object_id == str(booking.id) and entry.after["status"] == "called"


def test_the_call_window_is_a_setting(app, exporter, officer):
    booking = make_booking(exporter.organisation, today_at("07:00"))
    now = utcnow()
    app.config["CALL_WINDOW_MINUTES"] = 5
    try:
        called = call_booking(officer, "MOC-BAI", {"booking": booking.id}, now=now)
    finally:
        app.config["CALL_WINDOW_MINUTES"] = 20
    assert called.call_deadline == now + timedelta(minutes=5)


def test_who_may_call(client, token_for, exporter, officer_auth, officer_xamat, admin):
    org = exporter.organisation
    booking = make_booking(org, today_at("08:00"))
    for user in (officer_xamat, admin, exporter, make_user(Role.PROVINCE_OFFICER), make_user(Role.VIEWER)):
        assert call(client, token_for(user), {"booking": booking.id}).status_code == 403, user.role
    assert call(client, {}, {"booking": booking.id}).status_code == 401
    other_gate = make_booking(org, today_at("08:00"), gate="XA-MAT")
    refused = call(client, officer_auth, {"booking": other_gate.id})
    assert refused.status_code == 404 and "booking" in refused.json["errors"]
    assert call(client, officer_auth, {"booking": 999999}).status_code == 404
    assert call(client, officer_auth, {}, gate="NO-SUCH-GATE").status_code == 404
    assert call(client, officer_auth, {"booking": "x"}).status_code == 422
    assert db.session.get(type(booking), booking.id).status is BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.UNCONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW]
)
def test_only_a_confirmed_or_late_booking_can_be_called(client, officer_auth, exporter, status):
    booking = make_booking(exporter.organisation, today_at("08:00"), status=status)
    response = call(client, officer_auth, {"booking": booking.id})
    assert response.status_code == 409 and "booking" in response.json["errors"]


def test_a_called_booking_cannot_be_called_twice(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("08:00"))
    assert call(client, officer_auth, {"booking": booking.id}).status_code == 201
    assert call(client, officer_auth, {"booking": booking.id}).status_code == 409


def test_the_trader_and_the_driver_are_told(app, client, token_for, officer_auth, exporter, smtp, sent_sms):  # noqa: F811
    khmer = make_user(Role.EXPORTER, organisation=exporter.organisation, locale="km")
    driver = Driver(organisation_id=exporter.organisation_id, name="Sok Dara", phone="091 234 5678")
    db.session.add(driver)
    db.session.commit()
    booking = make_booking(exporter.organisation, today_at("10:00"), driver=driver)
    assert call(client, officer_auth, {"booking": booking.id}).status_code == 201
    notices = db.session.scalars(sa.select(Notification).where(Notification.kind == "booking_called")).all()
    assert {n.user_id for n in notices} == {exporter.id, khmer.id}
    assert all(n.shipment_id == booking.shipment_id and n.params["code"] == booking.code for n in notices)
    assert client.get("/api/v1/notifications", headers=officer_auth).json["total"] == 0  # the officer got none
    inbox = client.get("/api/v1/notifications?lang=en", headers=token_for(exporter)).json["items"]
    assert [n["kind"] for n in inbox] == ["booking_called"]
    assert booking.code in inbox[0]["message"] and booking.shipment.reference in inbox[0]["message"]
    # e-mail through the existing mail machinery (the send_notices job), one per trader user
    assert send_pending_emails() == 2
    by_recipient = {m.rcpt_tos[0]: message_from_bytes(m.content) for m in smtp.messages}
    assert set(by_recipient) == {exporter.email, khmer.email}
    text = by_recipient[exporter.email].get_payload(decode=True).decode()
    assert booking.code in text and booking.shipment.reference in text
    # SMS to the driver's phone in international form, Vietnamese and Khmer, with the code and the gate
    assert len(sent_sms) == 1
    message = sent_sms[0]
    assert message["to"] == "+84912345678"
    assert booking.code in message["text"] and booking.vehicle.plate in message["text"]


def test_no_sms_without_a_driver_phone_and_none_when_the_call_rolls_back(app, exporter, officer, sent_sms):
    booking = make_booking(exporter.organisation, today_at("10:00"))  # no driver
    call_booking(officer, "MOC-BAI", {"booking": booking.id})
    assert sent_sms == []
    sms.send_after_commit("+84912345678", "dropped")
    db.session.rollback()
    db.session.commit()
    assert sent_sms == []
    sms.send_after_commit("+84912345678", "kept")
    db.session.commit()
    assert sent_sms == [{"to": "+84912345678", "text": "kept"}]


def test_a_called_truck_that_does_not_arrive_in_the_window_is_late_and_back_in_the_queue(exporter, officer):
    org = exporter.organisation
    six = today_at("06:00")
    now = six + timedelta(minutes=5)
    first = make_booking(org, six, queued_at=six - timedelta(days=2))
    second = make_booking(org, six, queued_at=six - timedelta(days=1))
    assert call_booking(officer, "MOC-BAI", {}, now=now).id == first.id
    assert mark_late_calls(now + timedelta(minutes=19, seconds=59)) == 0
    assert db.session.get(type(first), first.id).status is BookingStatus.CALLED
    assert mark_late_calls(now + timedelta(minutes=20)) == 1
    first = db.session.get(type(first), first.id)
    assert first.status is BookingStatus.LATE and first.queued_at == now + timedelta(minutes=20)
    assert mark_late_calls(now + timedelta(minutes=30)) == 0  # idempotent
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "booking.late"))
    assert entry.object_id == str(first.id)
    # back in the queue, after the confirmed bookings of its slot; and it may be called again
    later = now + timedelta(minutes=21)
    assert call_booking(officer, "MOC-BAI", {}, now=later).id == second.id
    again = call_booking(officer, "MOC-BAI", {}, now=later)
    assert again.id == first.id and again.status is BookingStatus.CALLED
    assert again.call_deadline == later + timedelta(minutes=20)


def test_the_late_job_is_scheduled():
    function, trigger = JOBS["late_calls"]
    assert function is mark_late_calls and trigger == {"trigger": "interval", "minutes": 1}


class Gateway(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((dict(self.headers), json.loads(body)))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


def test_the_http_sender_posts_to_a_configured_gateway(gateway):
    config = {"SMS_URL": gateway, "SMS_TOKEN": "s3cret", "SMS_ALLOW_PRIVATE_NETWORKS": True, "SMS_TIMEOUT_SECONDS": 2}
    sender = sms.HttpSender(config)
    sender.send("+85512345678", "ច្រកទ្វារ")
    headers, body = Gateway.received[0]
    assert body == {"to": "+85512345678", "text": "ច្រកទ្វារ"}
    assert headers["Authorization"] == "Bearer s3cret"


def test_the_http_sender_keeps_to_the_ssrf_guard(gateway):
    sender = sms.HttpSender({"SMS_URL": gateway, "SMS_TOKEN": "s3cret"})  # loopback not allowed
    with pytest.raises(sms.SmsError) as refused:
        sender.send("+84912345678", "x")
    assert refused.value.kind in ("blocked_port", "blocked_address")
    assert Gateway.received == []
    with pytest.raises(sms.SmsError):
        sms.HttpSender({"SMS_URL": "http://10.0.0.1/sms"}).check()
    with pytest.raises(sms.SmsError):
        sms.HttpSender({"SMS_URL": "file:///etc/passwd"}).check()


def test_phone_numbers_in_international_form():
    assert sms.phone_number("0912 345 678") == "+84912345678"
    assert sms.phone_number("+855 12 345 678") == "+85512345678"
    assert sms.phone_number("00855-12-345-678") == "+85512345678"
    assert sms.phone_number("call me") is None and sms.phone_number(None) is None


def test_next_may_keep_to_one_direction(client, officer_auth, exporter):
    from border_trade.enums import Direction
    from border_trade.shipments.models import Shipment

    export = make_booking(exporter.organisation, today_at("06:00"))
    inbound = make_booking(exporter.organisation, today_at("07:00"))
    db.session.get(Shipment, inbound.shipment_id).direction = Direction.IMPORT
    inbound.direction = Direction.IMPORT
    db.session.commit()
    response = call(client, officer_auth, {"direction": "import"})
    assert response.status_code == 201 and response.json["booking"]["id"] == inbound.id
    assert call(client, officer_auth, {"direction": "import"}).status_code == 404
    assert call(client, officer_auth, {"direction": "sideways"}).status_code == 422
    assert call(client, officer_auth, {}).json["booking"]["id"] == export.id
