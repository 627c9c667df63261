"""Slot arithmetic, no database: times of day as minutes after local midnight, slots of a day from its windows.

Capacity is kept in the gate's local time (Asia/Ho_Chi_Minh, no daylight saving); bookings store UTC.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_MINUTES = 24 * 60
TIME_PATTERN = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
_TIME = re.compile(TIME_PATTERN)


def parse_time(text):
    """Return the minutes after midnight that "HH:MM" spells ("24:00" is 1440), or None when it is not a time."""
    if not isinstance(text, str) or not _TIME.match(text):
        return None
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_time(minute):
    """Spell minutes after midnight as "HH:MM"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def local_start(day, minute):
    """Return the aware UTC datetime of `minute` after local midnight of `day`."""
    return (datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=minute)).astimezone(UTC)


def local_day_and_minute(moment):
    """Return (local date, minutes after local midnight, seconds left over) of an aware datetime."""
    local = moment.astimezone(LOCAL)
    return local.date(), local.hour * 60 + local.minute, local.second + local.microsecond / 1e6


def local_today(now):
    return now.astimezone(LOCAL).date()


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    direction: str
    lane_type: str
    capacity: int
    booked: int = 0

    @property
    def free(self):
        return max(self.capacity - self.booked, 0)


def day_capacities(windows, day, slot_minutes):
    """Return {(direction, lane_type, start_minute): capacity} of one day.

    A day override covering a slot replaces the weekly template for that slot (capacity 0 closes it); slots no
    window covers do not exist. `windows` are the gate's template rows and that day's overrides.
    """
    template, override = {}, {}
    for window in windows:
        if window.on_date is not None and window.on_date != day:
            continue
        if window.on_date is None and window.weekday != day.weekday():
            continue
        target = override if window.on_date is not None else template
        first = window.start_minute - window.start_minute % slot_minutes
        for minute in range(first, window.end_minute, slot_minutes):
            if minute >= window.start_minute and minute + slot_minutes <= window.end_minute:
                target[(str(window.direction), str(window.lane_type), minute)] = window.capacity
    merged = {**template, **override}
    return {key: capacity for key, capacity in merged.items() if capacity > 0}


def overlaps(rows):
    """Return pairs (earlier, later) of indexes of rows (dicts with a grouping `key`, `start` and `end` minutes)
    whose times overlap within the same key; each overlapping row appears as `later` once."""
    clashes = []
    reach = {}  # key -> (end, index) of the row reaching furthest so far
    for index in sorted(range(len(rows)), key=lambda i: (repr(rows[i]["key"]), rows[i]["start"])):
        row = rows[index]
        end, holder = reach.get(row["key"], (-1, None))
        if holder is not None and row["start"] < end:
            clashes.append((holder, index))
        if row["end"] > end:
            reach[row["key"]] = (row["end"], index)
    return clashes


def days_from(day, count):
    return [day + timedelta(days=n) for n in range(count)]


def as_date(value):
    return value if isinstance(value, date) and not isinstance(value, datetime) else value.date()
