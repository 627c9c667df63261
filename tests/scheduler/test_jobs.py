"""Scheduled checks with a fixed clock: the right items, the right people, once; failures recorded, others run."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.documents.models import Document, DocumentType
from border_trade.extensions import db
from border_trade.notifications.models import Notification
from border_trade.scheduler import jobs
from border_trade.scheduler.models import JobRun
from border_trade.scheduler.runner import run_job
from border_trade.shipments.models import ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, make_product, make_shipment, make_user

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
TODAY = date(2026, 12, 1)
S = ShipmentStatus


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


def notices(kind=None):
    query = sa.select(Notification)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


def add_document(shipment, doc_type, expires_on, issued_on=None):
    document = Document(
        shipment=shipment,
        type=doc_type,
        number=f"N-{doc_type.value[:4]}",
        issued_by="Cơ quan",
        issued_on=issued_on or TODAY - timedelta(days=5),
        expires_on=expires_on,
    )
    db.session.add(document)
    db.session.commit()
    return document


@pytest.mark.parametrize(
    "days, kind, expected",
    [
        (30, "document_expiring", 1),
        (31, None, 0),
        (7, "document_expiring", 1),
        (1, "document_expiring", 1),
        (-1, "document_expired", 1),
        (12, "document_expiring", 1),
    ],
)
def test_expiring_documents_notify_the_exporters_once(exporter, days, kind, expected):
    colleague = make_user(Role.EXPORTER, organisation=exporter.organisation)
    outsider = make_user(Role.EXPORTER)
    shipment = make_shipment(exporter.organisation, planned_crossing_on=TODAY + timedelta(days=40))
    add_document(shipment, DocumentType.PHYTOSANITARY_CERTIFICATE, TODAY + timedelta(days=days))
    assert jobs.check_expiring_documents(NOW) == 2 * expected
    found = notices("document_expiring") + notices("document_expired")
    assert {n.user_id for n in found} == ({exporter.id, colleague.id} if expected else set())
    assert outsider.id not in {n.user_id for n in found}
    if kind:
        assert {n.kind for n in found} == {kind}
    assert jobs.check_expiring_documents(NOW) == 0  # a rerun sends nothing new
    assert len(notices()) == 2 * expected


def test_each_threshold_is_its_own_notice(exporter):
    shipment = make_shipment(exporter.organisation, planned_crossing_on=TODAY + timedelta(days=40))
    add_document(shipment, DocumentType.CO_FORM_D, TODAY + timedelta(days=30))
    for day in range(0, 32):
        jobs.check_expiring_documents(NOW + timedelta(days=day))
    causes = sorted(n.cause.rsplit(":", 1)[1] for n in notices())
    assert causes == ["0", "1", "30", "7"]


def test_submitted_shipment_with_expired_required_paper_drops_back_to_ready(exporter):
    shipment = make_shipment(exporter.organisation, status=S.SUBMITTED, planned_crossing_on=TODAY + timedelta(days=3))
    add_document(shipment, DocumentType.PHYTOSANITARY_CERTIFICATE, TODAY + timedelta(days=1))
    jobs.check_expiring_documents(NOW)
    db.session.refresh(shipment)
    assert shipment.status is S.READY
    event = db.session.scalars(sa.select(ShipmentEvent).where(ShipmentEvent.shipment_id == shipment.id)).all()[-1]
    assert event.to_status is S.READY and "phytosanitary_certificate" in event.note
    assert [n.kind for n in notices("shipment_reverted")] == ["shipment_reverted"]
    jobs.check_expiring_documents(NOW)
    assert len(notices("shipment_reverted")) == 1


def test_ocop_recognitions_expiring(exporter):
    make_product(
        exporter.organisation,
        name_vi="Mãng cầu",
        ocop_certificate_no="1",
        ocop_certificate_expires_on=TODAY + timedelta(days=7),
    )
    make_product(
        exporter.organisation,
        name_vi="Mật ong",
        ocop_certificate_no="2",
        ocop_certificate_expires_on=TODAY + timedelta(days=300),
    )
    assert jobs.check_expiring_documents(NOW) == 0  # OCOP recognitions: the ocop_expiry job (#19)
    assert jobs.JOBS["ocop_expiry"][0](NOW) == 1
    assert notices("ocop_expiring")[0].params["product"] == "Mãng cầu"


def test_stuck_trucks_alert_officers_and_exporter(exporter):
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    other_gate = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    stuck = make_shipment(exporter.organisation, status=S.INSPECTING, arrived_at=NOW - timedelta(hours=7))
    make_shipment(exporter.organisation, status=S.AT_GATE, arrived_at=NOW - timedelta(hours=5))
    assert jobs.check_stuck_trucks(NOW) == 2
    assert {n.user_id for n in notices("truck_stuck")} == {officer.id, exporter.id}
    assert other_gate.id not in {n.user_id for n in notices()}
    assert notices("truck_stuck")[0].shipment_id == stuck.id
    assert jobs.check_stuck_trucks(NOW + timedelta(minutes=10)) == 0


def test_gate_threshold_is_configurable(exporter):
    gate = get_gate("MOC-BAI")
    gate.stuck_after_minutes = 120
    db.session.commit()
    try:
        make_shipment(exporter.organisation, status=S.HELD, arrived_at=NOW - timedelta(hours=3))
        assert jobs.check_stuck_trucks(NOW) == 1
    finally:
        gate.stuck_after_minutes = 360
        db.session.commit()


def test_missed_crossing_reminds_the_exporter(exporter):
    missed = make_shipment(exporter.organisation, status=S.SUBMITTED, planned_crossing_on=TODAY - timedelta(days=1))
    arrived = make_shipment(exporter.organisation, status=S.SUBMITTED, planned_crossing_on=TODAY - timedelta(days=1))
    db.session.add(
        ShipmentEvent(shipment=arrived, kind="crossing", event="arrived", occurred_at=NOW - timedelta(days=1))
    )
    make_shipment(exporter.organisation, status=S.SUBMITTED, planned_crossing_on=TODAY)
    db.session.commit()
    assert jobs.check_missed_crossings(NOW) == 1
    assert notices("crossing_missed")[0].shipment_id == missed.id
    assert jobs.check_missed_crossings(NOW) == 0


def test_a_failing_job_is_recorded_and_the_others_still_run(app, monkeypatch, exporter):
    def broken(now):
        raise RuntimeError("database on fire")

    monkeypatch.setitem(jobs.JOBS, "stuck_trucks", (broken, {"trigger": "interval", "minutes": 10}))
    make_shipment(exporter.organisation, status=S.SUBMITTED, planned_crossing_on=TODAY - timedelta(days=1))
    failed = run_job(app, "stuck_trucks", now=NOW)
    ok = run_job(app, "missed_crossings", now=NOW)
    assert failed.outcome == "failed" and "database on fire" in failed.error
    assert ok.outcome == "success" and ok.items_touched == 1
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
    assert [(r.job, r.outcome) for r in runs] == [("stuck_trucks", "failed"), ("missed_crossings", "success")]
    assert all(r.finished_at is not None for r in runs)


def test_nightly_cleanup_purges_keys_and_old_tokens(exporter):
    from border_trade.auth.models import ApiToken
    from border_trade.auth.tokens import new_token

    _raw, _token = new_token(exporter, now=NOW - timedelta(days=800))
    _raw, fresh = new_token(exporter, now=NOW)
    db.session.commit()
    jobs.nightly_cleanup(NOW)
    assert [t.id for t in db.session.scalars(sa.select(ApiToken))] == [fresh.id]


def test_run_once_and_jobs_commands(runner):
    listing = runner.invoke(args=["scheduler", "jobs"])
    assert listing.exit_code == 0
    lines = listing.output.strip().splitlines()
    assert sorted(line.split()[0] for line in lines) == sorted(jobs.JOBS)
    assert all(len(line.split()) == 2 for line in lines)
    result = runner.invoke(args=["scheduler", "run-once", "missed_crossings"])
    assert result.exit_code == 0 and "success" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 1
    assert runner.invoke(args=["scheduler", "run-once", "nope"]).exit_code != 0
