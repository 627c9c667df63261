"""The cross-border road transport rules as data (data/road_transport.json), with their sources; no database.

Read once; the checks the booking and the register use are plain functions of a vehicle's fields and a day.
"""

import functools
import json
from datetime import timedelta
from pathlib import Path

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "road_transport.json"


@functools.cache
def rules():
    """Return the rules file as loaded (cached)."""
    with RULES_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def gate_pairs():
    """Return {gate code: pair entry} for the gate pairs of the Viet Nam–Cambodia road transport agreement."""
    return {item["gate"]: item for item in rules()["gate_pairs"]["items"]}


def is_agreement_gate(gate_code):
    """Tell whether a Vietnamese gate is one of the agreement's pairs (unverified pairs count, and say so)."""
    return (gate_code or "").upper() in gate_pairs()


def permit_rule(kind):
    """Return the validity rule of a permit kind ("commercial", "non_commercial", "gms"), or None."""
    return rules()["permit"]["kinds"].get(str(kind) if kind is not None else "")


def permit_end(kind, valid_from, valid_to):
    """Return the last day a permit may be used: its own `valid_to`, never past what the rule allows."""
    rule = permit_rule(kind) or {}
    days = rule.get("valid_days")
    if valid_from is None or days is None:
        return valid_to
    by_rule = valid_from + timedelta(days=days - 1)
    return by_rule if valid_to is None else min(valid_to, by_rule)


def max_days_per_trip(kind):
    """Return how many days a vehicle may stay abroad per trip under a permit kind (None when not known)."""
    return (permit_rule(kind) or {}).get("max_days_per_trip")


def permit_valid_on(vehicle, day):
    """Tell whether the vehicle's cross-border permit may be used on a day (within its dates and the rule's)."""
    if vehicle is None or vehicle.permit_number is None or vehicle.permit_valid_from is None:
        return False
    end = permit_end(vehicle.permit_kind, vehicle.permit_valid_from, vehicle.permit_valid_to)
    return vehicle.permit_valid_from <= day and (end is None or day <= end)


def gate_allowed_for_vehicle(vehicle, gate_code):
    """Tell whether a vehicle that crosses may use this gate: only the agreement's gate pairs are open to it."""
    return vehicle is not None and is_agreement_gate(gate_code)


def registration_valid_on(vehicle, day):
    """Tell whether the vehicle's registration has not expired on a day (no expiry recorded: not expired)."""
    return vehicle is not None and (vehicle.registration_expires_on is None or day <= vehicle.registration_expires_on)


def licence_classes():
    """Return every accepted driving licence class, current law first, then the older classes."""
    data = rules()["licence_classes"]
    seen = []
    for group in ("current", "older"):
        for klass in data[group]["classes"]:
            if klass not in seen:
                seen.append(klass)
    return seen


def licence_class_sources():
    """Return [(group, classes, source, unverified)] for showing where the classes come from."""
    data = rules()["licence_classes"]
    return [(group, data[group]["classes"], data[group]["source"], data[group]["unverified"]) for group in data]
