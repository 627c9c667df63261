"""Capacity of a gate: read it, and replace it (that gate's officers and admins)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...audit.services import record
from ...auth.permissions import can
from ...enums import Role
from ...errors import Forbidden, Invalid
from ...extensions import db
from .. import queries
from ..models import DEFAULT_SLOT_MINUTES, CapacitySetting, CapacityWindow
from ..slots import DAY_MINUTES, format_time, overlaps, parse_time

MAX_CAPACITY = 1000
EDITORS = (Role.ADMIN, Role.GATE_OFFICER)


def may_edit_capacity(user, gate):
    """Tell whether a user may change this gate's capacity: an admin, or an officer of the gate."""
    return user.role in EDITORS and can(user, "gate.queue", gate)


def capacity_of(gate):
    """Return the gate's capacity as API.md shapes it."""
    template, overrides = [], []
    for window in queries.capacity_windows(gate):
        row = {
            "start": format_time(window.start_minute),
            "end": format_time(window.end_minute),
            "direction": window.direction,
            "lane_type": window.lane_type,
            "capacity": window.capacity,
        }
        if window.on_date is None:
            template.append({"weekday": window.weekday, **row})
        else:
            overrides.append({"date": window.on_date, **row})
    return {"gate": gate.code, "slot_minutes": queries.slot_minutes(gate), "template": template, "overrides": overrides}


def capacity_problems(data):
    """Return {field path: [messages]} of what is wrong with a capacity (times, grid, overlaps); {} when fine."""
    errors = {}
    minutes = data.get("slot_minutes") or DEFAULT_SLOT_MINUTES
    if not 5 <= minutes <= 240 or DAY_MINUTES % minutes:
        errors["slot_minutes"] = [_("Slots must divide the day evenly, between 5 and 240 minutes (e.g. 15, 30, 60).")]
        minutes = None
    for part, day_key in (("template", "weekday"), ("overrides", "date")):
        rows = []
        for index, row in enumerate(data.get(part) or []):
            path = f"{part}.{index}"
            start, end = parse_time(row.get("start")), parse_time(row.get("end"))
            if start is None or start == DAY_MINUTES:
                errors[f"{path}.start"] = [_("Give a time of day as HH:MM.")]
            if end is None:
                errors[f"{path}.end"] = [_("Give a time of day as HH:MM (24:00 for midnight).")]
            if day_key == "weekday" and not (isinstance(row.get("weekday"), int) and 0 <= row["weekday"] <= 6):
                errors[f"{path}.weekday"] = [_("The weekday is 0 (Monday) to 6 (Sunday).")]
            capacity = row.get("capacity")
            if not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY:
                errors[f"{path}.capacity"] = [_("The capacity is a whole number from 0 to %(max)s.", max=MAX_CAPACITY)]
            if start is None or end is None or start == DAY_MINUTES:
                continue
            if start >= end:
                errors[f"{path}.end"] = [_("The end must come after the start.")]
                continue
            if minutes and (start % minutes or end % minutes):
                field = "start" if start % minutes else "end"
                errors[f"{path}.{field}"] = [_("Times must fall on the %(minutes)s-minute slot grid.", minutes=minutes)]
                continue
            key = (row.get(day_key), str(row.get("direction")), str(row.get("lane_type")))
            rows.append({"key": key, "start": start, "end": end, "index": index})
        for _earlier, later in overlaps(rows):
            clash = rows[_earlier]["index"]
            errors.setdefault(f"{part}.{rows[later]['index']}.start", []).append(
                _("This row overlaps row %(row)s of the same day, direction and lane.", row=clash)
            )
    return errors


def replace_capacity(user, gate_code, data):
    """Replace a gate's slot length, weekly template and day overrides with `data` (one transaction)."""
    if user.role not in EDITORS:
        raise Forbidden(_("Only the gate's officers and administrators change its capacity."))
    gate = queries.get_gate_or_404(gate_code)
    if not may_edit_capacity(user, gate):
        raise Forbidden(_("You are not an officer of this gate."))
    errors = capacity_problems(data)
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    before = _jsonable(capacity_of(gate))
    setting = db.session.get(CapacitySetting, gate.id, with_for_update=True)
    if setting is None:
        setting = CapacitySetting(gate_id=gate.id)
        db.session.add(setting)
    setting.slot_minutes = data.get("slot_minutes") or DEFAULT_SLOT_MINUTES
    setting.updated_by_id = user.id
    db.session.execute(sa.delete(CapacityWindow).where(CapacityWindow.gate_id == gate.id))
    for part, day_key in (("template", "weekday"), ("overrides", "date")):
        for row in data.get(part) or []:
            db.session.add(
                CapacityWindow(
                    gate_id=gate.id,
                    weekday=row["weekday"] if day_key == "weekday" else None,
                    on_date=row["date"] if day_key == "date" else None,
                    start_minute=parse_time(row["start"]),
                    end_minute=parse_time(row["end"]),
                    direction=row["direction"],
                    lane_type=row["lane_type"],
                    capacity=row["capacity"],
                )
            )
    db.session.flush()
    record(
        "capacity.replace", actor=user, obj=gate, object_type="gate", before=before, after=_jsonable(capacity_of(gate))
    )
    db.session.commit()
    return capacity_of(gate)


def _jsonable(capacity):
    rows = {
        part: [
            {k: str(v) if k in ("date", "direction", "lane_type") else v for k, v in row.items()}
            for row in capacity[part]
        ]
        for part in ("template", "overrides")
    }
    return {"slot_minutes": capacity["slot_minutes"], **rows}
