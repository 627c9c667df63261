"""The e-invoice due day (set when an export is cleared) and the scheduler's reminders, with an injected clock:
counted across weekends and public holidays, by the rule in force on the clearance day; the origin proof follow-up."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from border_trade.notifications.models import Notification
from border_trade.origin.holidays import einvoice_due_on, is_working_day
from border_trade.origin.jobs import follow_up_origin_proofs, remind_einvoices_due
from border_trade.origin.models import EInvoice, OriginProof, ProofKind, ProofStatus
from border_trade.shipments.models import ShipmentStatus
from border_trade.shipments.services.common import add_status_event
from tests.factories import make_import, make_shipment

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour=8):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=VN)


def notices(kind):
    return Notification.query.filter_by(kind=kind).all()


def clear(db, shipment, moment):
    add_status_event(shipment, to=ShipmentStatus.CLEARED, actor=None, now=moment, event="cleared")
    db.session.commit()
    return db.session.get(EInvoice, shipment.id)


@pytest.mark.parametrize(
    ("cleared", "due", "rule"),
    [
        (date(2025, 1, 24), date(2025, 2, 3), "2025-06-01"),  # before Decree 70/2025: no rule → no due day
        (date(2025, 8, 29), date(2025, 9, 3), "2025-06-01"),  # Fri; weekend; National Day Mon 1 and Tue 2 Sep
        (date(2026, 2, 13), date(2026, 2, 23), "2025-06-01"),  # Fri; weekend, Tết 16–20 Feb, weekend
        (date(2026, 7, 3), date(2026, 7, 6), "2026-07-01"),  # Decree 254/2026: Fri → Mon
        (date(2027, 4, 29), date(2027, 5, 4), "2026-07-01"),  # Thu; 30 Apr, weekend, 1 May made up on Mon 3
    ],
)
def test_the_due_day_by_the_rule_in_force(cleared, due, rule):
    got, in_force = einvoice_due_on(cleared)
    if cleared < date(2025, 6, 1):
        assert got is None and in_force is None
        return
    assert got == due and in_force.effective_from.isoformat() == rule
    assert in_force.unverified is (rule == "2026-07-01")


def test_a_swapped_saturday_is_a_working_day_and_its_friday_is_not():
    assert is_working_day(date(2025, 4, 26)) and not is_working_day(date(2025, 5, 2))
    assert not is_working_day(date(2025, 4, 27)) and is_working_day(date(2025, 4, 28))


def test_the_reminder_falls_on_the_due_day_across_a_weekend_and_tet(db, exporter):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.INSPECTING)
    einvoice = clear(db, shipment, at(date(2026, 2, 13), 16))  # Friday afternoon, before Tết
    assert einvoice.cleared_on == date(2026, 2, 13) and einvoice.due_on == date(2026, 2, 23)
    assert einvoice.due_source == "2025-06-01"
    for day in (date(2026, 2, 14), date(2026, 2, 16), date(2026, 2, 20), date(2026, 2, 22)):
        assert remind_einvoices_due(at(day)) == 0, day
    assert notices("einvoice_due") == []
    assert remind_einvoices_due(at(date(2026, 2, 23))) == 1
    [notice] = notices("einvoice_due")
    assert notice.user_id == exporter.id and notice.params["date"] == "2026-02-23"
    remind_einvoices_due(at(date(2026, 2, 23), 9))
    remind_einvoices_due(at(date(2026, 2, 24)))
    assert len(notices("einvoice_due")) == 1  # once per due day


def test_no_reminder_once_the_einvoice_is_recorded_nor_for_an_import(db, exporter):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.INSPECTING)
    einvoice = clear(db, shipment, at(date(2026, 11, 23)))  # Monday; Tuesday 24 is Vietnamese Culture Day
    assert einvoice.due_on == date(2026, 11, 25)
    einvoice.form, einvoice.series, einvoice.number = "1", "K26TAB", "42"
    db.session.commit()
    inbound = make_import(exporter.organisation, status=ShipmentStatus.INSPECTING)
    assert clear(db, inbound, at(date(2026, 11, 23))) is None
    assert remind_einvoices_due(at(date(2026, 11, 25))) == 0
    assert notices("einvoice_due") == []


def test_the_origin_proof_follow_up_after_the_set_days(app, db, exporter):
    crossed = datetime(2026, 9, 1, 3, 0, tzinfo=ZoneInfo("UTC"))
    waiting = make_shipment(exporter.organisation, status=ShipmentStatus.CROSSED, crossed_at=crossed)
    answered = make_shipment(exporter.organisation, status=ShipmentStatus.CROSSED, crossed_at=crossed)
    db.session.add_all(
        [
            OriginProof(shipment_id=waiting.id, kind=ProofKind.E_FORM_D, status=ProofStatus.PRESENTED),
            OriginProof(shipment_id=answered.id, kind=ProofKind.FORM_D, status=ProofStatus.UTILISED),
        ]
    )
    db.session.commit()
    assert app.config.get("ORIGIN_PROOF_FOLLOW_UP_DAYS", 60) == 60
    assert follow_up_origin_proofs(crossed + timedelta(days=59, hours=23)) == 0
    assert follow_up_origin_proofs(crossed + timedelta(days=60)) == 1
    follow_up_origin_proofs(crossed + timedelta(days=61))
    [notice] = notices("origin_follow_up")
    assert notice.shipment_id == waiting.id and notice.user_id == exporter.id
    app.config["ORIGIN_PROOF_FOLLOW_UP_DAYS"] = 90
    try:
        db.session.execute(sa.delete(Notification))
        db.session.commit()
        assert follow_up_origin_proofs(crossed + timedelta(days=61)) == 0
    finally:
        app.config.pop("ORIGIN_PROOF_FOLLOW_UP_DAYS")


def test_the_gate_event_cleared_sets_the_due_day(client, db, people, headers, shipment):
    import uuid

    for body in ({"event": "arrived"}, {"event": "lane_assigned", "lane": "green"}, {"event": "cleared"}):
        response = client.post(
            "/api/v1/gates/MOC-BAI/crossings",
            json={"shipment": shipment.reference, **body},
            headers=headers["officer"] | {"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.json
    einvoice = db.session.get(EInvoice, shipment.id)
    today = datetime.now(VN).date()
    assert einvoice.cleared_on == today and einvoice.due_on == einvoice_due_on(today)[0] > today
    shown = client.get(f"/api/v1/shipments/{shipment.id}/e-invoice", headers=headers["exporter"]).json
    assert shown["due_on"] == einvoice.due_on.isoformat() and shown["due_rule"]["effective_from"] == "2026-07-01"


def test_the_reminder_is_e_mailed_in_the_traders_language(db, exporter, smtp):
    from border_trade.notifications.services import send_pending_emails

    exporter.locale = "en"
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.INSPECTING)
    clear(db, shipment, at(date(2026, 2, 13), 16))
    now = at(date(2026, 2, 23))
    assert remind_einvoices_due(now) == 1
    assert send_pending_emails(now) == 1
    [message] = smtp.messages
    from email import message_from_bytes, policy

    parsed = message_from_bytes(message.content, policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    assert parsed["Subject"] == "[border-trade] An export's e-invoice is due"
    assert message.rcpt_tos == [exporter.email] and shipment.reference in body and "2026-02-23" in body
