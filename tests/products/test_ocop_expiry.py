"""OCOP expiry warnings (issue 19) through the scheduler, with an injected clock: at 90 and 30 days before the
last valid day and once lapsed, each sent once per threshold, to the product's traders only."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.notifications.messages import render
from border_trade.notifications.models import Notification
from border_trade.products.ocop import expiry_of
from border_trade.scheduler import jobs
from border_trade.scheduler.models import JobRun
from border_trade.scheduler.runner import run_job
from tests.factories import make_product, make_user

DECIDED = date(2024, 2, 29)
EXPIRES = date(2027, 2, 28)  # 36 months on; 2027 has no 29 February


def at(day):
    """01:00 UTC: 08:00 in Viet Nam on `day`."""
    return datetime.combine(day, time(1, 0), tzinfo=UTC)


def notices(kind=None):
    query = sa.select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query).all()


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


@pytest.fixture
def honey(trader):
    return make_product(
        trader.organisation,
        name_vi="Mật ong hoa cà phê",
        ocop_stars=3,
        ocop_decision_on=DECIDED,
        ocop_certificate_expires_on=expiry_of(DECIDED),
    )


def test_the_job_is_registered():
    function, trigger = jobs.JOBS["ocop_expiry"]
    assert function.__name__ == "warn_ocop_expiry" and trigger["trigger"] == "cron"


def test_warnings_at_90_30_and_lapsed_each_once(trader, honey):
    assert honey.ocop_certificate_expires_on == EXPIRES
    warn = jobs.JOBS["ocop_expiry"][0]
    assert warn(at(EXPIRES - timedelta(days=91))) == 0 and notices() == []
    days = [EXPIRES - timedelta(days=n) for n in (90, 89, 60, 31, 30, 29, 1, 0)] + [
        EXPIRES + timedelta(days=n) for n in (1, 2, 40)
    ]
    for day in days:
        warn(at(day))
    sent = notices()
    assert [(n.kind, n.cause.rsplit(":", 1)[1]) for n in sent] == [
        ("ocop_expiring", "90"),
        ("ocop_expiring", "30"),
        ("ocop_expired", "0"),
    ]
    assert {n.user_id for n in sent} == {trader.id}
    assert [n.params["days"] for n in sent] == [90, 30, 0]
    assert sent[0].params == {"product": "Mật ong hoa cà phê", "date": "2027-02-28", "days": 90}
    assert "Mật ong hoa cà phê" in render("ocop_expiring", sent[0].params)
    assert "2027-02-28" in render("ocop_expired", sent[2].params)


def test_a_clock_first_run_late_still_sends_only_the_threshold_reached(trader, honey):
    jobs.JOBS["ocop_expiry"][0](at(EXPIRES - timedelta(days=10)))
    assert [n.cause.rsplit(":", 1)[1] for n in notices()] == ["30"]


def test_a_renewed_recognition_is_warned_afresh(trader, honey):
    warn = jobs.JOBS["ocop_expiry"][0]
    warn(at(EXPIRES - timedelta(days=30)))
    honey.ocop_decision_on = date(2027, 2, 1)
    honey.ocop_certificate_expires_on = expiry_of(honey.ocop_decision_on)
    db.session.commit()
    warn(at(EXPIRES))
    assert len(notices()) == 1  # the renewal lasts to 2030: nothing due yet
    warn(at(date(2030, 2, 1) - timedelta(days=90)))
    assert [n.cause for n in notices()][-1].endswith("2030-02-01:90")


def test_no_warning_for_others_archived_or_unstarred(trader):
    colleague = make_user(Role.EXPORTER, organisation=trader.organisation)
    other = make_user(Role.EXPORTER)
    officer = make_user(Role.PROVINCE_OFFICER)
    soon = EXPIRES - timedelta(days=20)
    make_product(trader.organisation, ocop_stars=4, ocop_certificate_expires_on=soon)
    make_product(trader.organisation, ocop_stars=4, ocop_certificate_expires_on=soon, is_archived=True)
    make_product(trader.organisation, ocop_stars=None, ocop_certificate_no=None, ocop_certificate_expires_on=soon)
    assert jobs.JOBS["ocop_expiry"][0](at(EXPIRES - timedelta(days=25))) == 1
    assert {n.user_id for n in notices()} == {trader.id, colleague.id}
    assert other.id not in {n.user_id for n in notices()} and officer.id not in {n.user_id for n in notices()}


def test_the_document_check_no_longer_warns_of_ocop(trader, honey):
    jobs.check_expiring_documents(at(EXPIRES - timedelta(days=1)))
    assert notices("ocop_expiring") == []


def test_the_runner_records_the_run(app, trader, honey):
    run_job(app, "ocop_expiry", now=at(EXPIRES - timedelta(days=5)))
    run = db.session.scalars(sa.select(JobRun).where(JobRun.job == "ocop_expiry")).all()[-1]
    assert run.outcome == "success" and run.items_touched == 1 and len(notices()) == 1
