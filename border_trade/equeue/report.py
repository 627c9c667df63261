"""Bookings against arrivals per gate and day, for the province (`GET /api/v1/reports/bookings`).

Who sees what: admins every gate; province officers the gates of their province (and of the provinces merged into
it); gate officers their own gates; everyone else 403. A `gate=` outside the caller's scope is 403, an unknown one
422 (as the other reports).

Per gate and local day of the slot: `booked` every booking not cancelled; `arrived` those whose truck arrived;
`late` those called and not arrived within the call window (still `late`, arrived after the deadline, or a
no-show after a call; a late truck called again that then arrives in time counts as arrived only); `no_show`;
`avg_wait_minutes` the mean minutes from slot start to `arrived` (negative when trucks come early).
"""

from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.models import Role
from ..auth.permissions import gate_ids
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..gates.models import Gate
from ..types import utcnow
from .models import Booking, BookingStatus
from .slots import LOCAL, local_start, local_today

READERS = (Role.ADMIN, Role.PROVINCE_OFFICER, Role.GATE_OFFICER)
DEFAULT_DAYS = 30


def report_gate_ids(user, gate_code=None):
    """Return the gate ids the caller's report covers (None: every gate); raise 403/422."""
    if user.role not in READERS:
        raise Forbidden(_("Only administrators, province officers and gate officers read the bookings report."))
    allowed = gate_ids(user)
    if not gate_code:
        return allowed
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == gate_code.strip().upper()))
    if gate is None:
        raise Invalid(errors={"gate": [_("Unknown gate.")]})
    if allowed is not None and gate.id not in allowed:
        raise Forbidden(_("This gate is outside your scope."))
    return {gate.id}


def bookings_report(user, *, gate=None, start=None, end=None, now=None):
    """Return {"rows": [...]} per gate and day, oldest day first, gates by code."""
    now = now or utcnow()
    ids = report_gate_ids(user, gate)
    end = end or local_today(now)
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    query = (
        sa.select(
            Gate.code,
            Booking.slot_start,
            Booking.status,
            Booking.call_deadline,
            Booking.arrived_at,
        )
        .join(Gate, Gate.id == Booking.gate_id)
        .where(
            Booking.slot_start >= local_start(start, 0),
            Booking.slot_start < local_start(end, 24 * 60),
            Booking.status != BookingStatus.CANCELLED,
        )
    )
    if ids is not None:
        query = query.where(Booking.gate_id.in_(ids) if ids else sa.false())
    days = defaultdict(lambda: {"booked": 0, "arrived": 0, "late": 0, "no_show": 0, "waits": []})
    for code, slot_start, status, deadline, arrived_at in db.session.execute(query):
        day = days[(code, slot_start.astimezone(LOCAL).date())]
        day["booked"] += 1
        if arrived_at is not None:
            day["arrived"] += 1
            day["waits"].append((arrived_at - slot_start).total_seconds() / 60)
        if _was_late(status, deadline, arrived_at):
            day["late"] += 1
        if status is BookingStatus.NO_SHOW:
            day["no_show"] += 1
    rows = []
    for (code, day), figures in sorted(days.items(), key=lambda item: (item[0][1], item[0][0])):
        waits = figures.pop("waits")
        average = round(sum(waits) / len(waits), 2) if waits else None
        rows.append({"gate": code, "date": day, **figures, "avg_wait_minutes": average})
    return {"rows": rows}


def _was_late(status, deadline, arrived_at):
    if status is BookingStatus.LATE:
        return True
    if deadline is None:
        return False
    if arrived_at is not None:
        return arrived_at > deadline
    return status is BookingStatus.NO_SHOW
