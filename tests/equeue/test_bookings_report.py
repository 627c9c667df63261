"""`GET /api/v1/reports/bookings`: booked, arrived, late, no-show and the mean wait per gate and day; who sees
which gates."""

from datetime import UTC, datetime, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.equeue.models import BookingStatus
from tests.equeue.calls_helpers import make_booking
from tests.equeue.conftest import LOCAL
from tests.factories import get_province, make_user

DAY = datetime(2026, 11, 20, tzinfo=LOCAL).date()
B = BookingStatus


def at(day, hhmm):
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LOCAL).astimezone(UTC)


@pytest.fixture
def history(exporter):
    """MOC-BAI on DAY: 6 bookings not cancelled (and one cancelled); XA-MAT on DAY: one arrived; MOC-BAI the next
    day: one confirmed."""
    org = exporter.organisation
    eight = at(DAY, "08:00")

    make_booking(org, eight, status=B.ARRIVED, arrived_at=eight + timedelta(minutes=10))
    make_booking(  # called at 08:20, arrived at 08:50 after its 08:40 deadline: arrived and late
        org,
        eight,
        status=B.ARRIVED,
        called_at=eight + timedelta(minutes=20),
        call_deadline=eight + timedelta(minutes=40),
        arrived_at=eight + timedelta(minutes=50),
    )
    make_booking(org, eight, status=B.LATE, called_at=eight, call_deadline=eight + timedelta(minutes=20))
    make_booking(org, eight, status=B.NO_SHOW)
    make_booking(  # called, never came: late and no-show
        org, eight, status=B.NO_SHOW, called_at=eight, call_deadline=eight + timedelta(minutes=20)
    )
    make_booking(org, at(DAY, "09:00"), status=B.CONFIRMED)
    make_booking(org, eight, status=B.CANCELLED)
    make_booking(org, eight, gate="XA-MAT", status=B.ARRIVED, arrived_at=eight - timedelta(minutes=6))
    make_booking(org, at(DAY + timedelta(days=1), "06:00"))


def report(client, headers, query=""):
    return client.get(f"/api/v1/reports/bookings?from={DAY}&to={DAY + timedelta(days=1)}{query}", headers=headers)


def test_the_figures_per_gate_and_day(client, token_for, admin, history):
    response = report(client, token_for(admin))
    assert response.status_code == 200, response.json
    rows = {(r["gate"], r["date"]): r for r in response.json["rows"]}
    assert list(rows) == [("MOC-BAI", str(DAY)), ("XA-MAT", str(DAY)), ("MOC-BAI", str(DAY + timedelta(days=1)))]
    moc = rows[("MOC-BAI", str(DAY))]
    assert (moc["booked"], moc["arrived"], moc["late"], moc["no_show"]) == (6, 2, 3, 2)
    assert moc["avg_wait_minutes"] == 30.0  # (10 + 50) / 2
    assert rows[("XA-MAT", str(DAY))]["avg_wait_minutes"] == -6.0  # came early
    tomorrow = rows[("MOC-BAI", str(DAY + timedelta(days=1)))]
    assert (tomorrow["booked"], tomorrow["arrived"], tomorrow["avg_wait_minutes"]) == (1, 0, None)


def test_one_gate_and_the_dates(client, token_for, admin, history):
    headers = token_for(admin)
    only = report(client, headers, "&gate=xa-mat").json["rows"]
    assert [(r["gate"], r["booked"]) for r in only] == [("XA-MAT", 1)]
    one_day = client.get(f"/api/v1/reports/bookings?from={DAY}&to={DAY}&gate=MOC-BAI", headers=headers).json
    assert [r["date"] for r in one_day["rows"]] == [str(DAY)]
    backwards = client.get(f"/api/v1/reports/bookings?from={DAY}&to={DAY - timedelta(days=1)}", headers=headers)
    assert backwards.status_code == 422 and "to" in backwards.json["errors"]
    assert report(client, headers, "&gate=NOPE").status_code == 422


def test_who_sees_which_gates(client, token_for, officer, officer_xamat, exporter, history):
    moc_officer = report(client, token_for(officer))
    assert {r["gate"] for r in moc_officer.json["rows"]} == {"MOC-BAI"}
    assert report(client, token_for(officer), "&gate=XA-MAT").status_code == 403
    assert {r["gate"] for r in report(client, token_for(officer_xamat)).json["rows"]} == {"XA-MAT"}
    province = make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))
    assert {r["gate"] for r in report(client, token_for(province)).json["rows"]} == {"MOC-BAI", "XA-MAT"}
    other = make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))
    assert report(client, token_for(other)).json["rows"] == []
    assert report(client, token_for(other), "&gate=MOC-BAI").status_code == 403
    for role in (Role.VIEWER, Role.EXPORTER):
        user = exporter if role is Role.EXPORTER else make_user(role)
        assert report(client, token_for(user)).status_code == 403
    assert report(client, {}).status_code == 401
