"""The shipment status flow of API.md, in one place for exporters' moves and gate events."""

from dataclasses import dataclass

from .models import Lane, ShipmentStatus

S = ShipmentStatus

# exporter (or admin) moves: target -> statuses it may come from
EXPORTER_MOVES = {
    S.READY: {S.DRAFT},
    S.SUBMITTED: {S.READY},
    S.DRAFT: {S.READY},  # back to editing; also where the scheduler drops a shipment whose paper expired
    S.DELIVERED: {S.CROSSED},
    S.CANCELLED: {S.DRAFT, S.READY, S.SUBMITTED},
}

EDITABLE = {S.DRAFT, S.READY}

GATE_EVENTS = ("arrived", "lane_assigned", "inspection_started", "held", "released", "cleared", "crossed", "returned")


@dataclass(frozen=True)
class GateRule:
    allowed_from: frozenset
    becomes: ShipmentStatus | None  # None: stays (lane_assigned) or goes back (released)


GATE_FLOW = {
    "arrived": GateRule(frozenset({S.SUBMITTED}), S.AT_GATE),
    "lane_assigned": GateRule(frozenset({S.AT_GATE}), None),
    "inspection_started": GateRule(frozenset({S.AT_GATE}), S.INSPECTING),
    "held": GateRule(frozenset({S.AT_GATE, S.INSPECTING}), S.HELD),
    "released": GateRule(frozenset({S.HELD}), None),
    "cleared": GateRule(frozenset({S.INSPECTING, S.AT_GATE}), S.CLEARED),
    "crossed": GateRule(frozenset({S.CLEARED}), S.CROSSED),
    "returned": GateRule(frozenset({S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED}), S.RETURNED),
}


def exporter_move_allowed(current, target):
    """Tell whether an exporter may move a shipment from `current` to `target`."""
    return current in EXPORTER_MOVES.get(target, set())


def gate_event_target(event, current, *, lane=None, status_before_hold=None):
    """Return the status a gate event leads to from `current`, or None when the flow refuses it now.

    `cleared` from at_gate needs no lane or the green lane (yellow/red go through inspection).
    """
    rule = GATE_FLOW.get(event)
    if rule is None or current not in rule.allowed_from:
        return None
    if event == "cleared" and current is S.AT_GATE and lane not in (None, Lane.GREEN):
        return None
    if event == "lane_assigned":
        return current
    if event == "released":
        return status_before_hold or S.AT_GATE
    return rule.becomes
