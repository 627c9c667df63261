"""Viet Nam's working days (border_trade/data/vn_public_holidays.json) and the e-invoice deadline of an export by the
rule in force on its clearance day (border_trade/data/einvoice_deadlines.json)."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SATURDAY = 5


@dataclass(frozen=True)
class DeadlineRule:
    effective_from: date
    rule: str
    source: str
    unverified: bool


@cache
def calendar():
    """Return (days off, Saturdays worked) as sets of dates."""
    data = json.loads((DATA / "vn_public_holidays.json").read_text(encoding="utf-8"))
    days_off = frozenset(date.fromisoformat(entry["date"]) for entry in data["days"])
    worked = frozenset(date.fromisoformat(entry["date"]) for entry in data.get("workdays", ()))
    return days_off, worked


@cache
def deadline_rules():
    """The dated deadline rules, oldest first."""
    data = json.loads((DATA / "einvoice_deadlines.json").read_text(encoding="utf-8"))
    rules = [
        DeadlineRule(date.fromisoformat(r["effective_from"]), r["rule"], r["source"], bool(r.get("unverified")))
        for r in data["rules"]
    ]
    return tuple(sorted(rules, key=lambda r: r.effective_from))


def is_working_day(day):
    """Monday to Friday except the public holidays, plus the Saturdays a swap makes working days."""
    days_off, worked = calendar()
    if day in worked:
        return True
    return day.weekday() < SATURDAY and day not in days_off


def next_working_day(day):
    """The first working day after `day`."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def rule_in_force(day):
    """The deadline rule in force on a day, or None before the first one."""
    current = None
    for rule in deadline_rules():
        if rule.effective_from <= day:
            current = rule
    return current


def einvoice_due_on(cleared_on):
    """Return (due day, rule) of the e-invoice of an export cleared on `cleared_on`; (None, None) without a rule."""
    rule = rule_in_force(cleared_on)
    if rule is None:
        return None, None
    if rule.rule == "next_working_day":
        return next_working_day(cleared_on), rule
    raise ValueError(f"unknown e-invoice deadline rule {rule.rule!r}")
