"""Demo capacities of the e-queue (data/gate_capacity.json: estimates with their derivation and sources)."""

import json
from pathlib import Path

import sqlalchemy as sa

from ..enums import Direction
from ..extensions import db
from ..gates.models import Gate
from .models import CapacitySetting, CapacityWindow, LaneType
from .slots import parse_time

DATA = Path(__file__).resolve().parents[1] / "data" / "gate_capacity.json"


def demo_capacity():
    """Return the demo capacities as loaded from the data file."""
    with DATA.open(encoding="utf-8") as handle:
        return json.load(handle)["gates"]


def seed_capacity():
    """Give each demo gate that has none a capacity for every day of the week, both directions, both lanes.

    Does not commit (the demo loader does); a gate that already has capacity is left as it is. Returns the number
    of gates seeded.
    """
    seeded = 0
    for code, entry in demo_capacity().items():
        gate = db.session.scalar(sa.select(Gate).where(Gate.code == code))
        if gate is None or db.session.get(CapacitySetting, gate.id) is not None:
            continue
        db.session.add(CapacitySetting(gate_id=gate.id, slot_minutes=entry["slot_minutes"]))
        for weekday in range(7):
            for direction in Direction:
                for lane in LaneType:
                    db.session.add(
                        CapacityWindow(
                            gate_id=gate.id,
                            weekday=weekday,
                            start_minute=parse_time(entry["start"]),
                            end_minute=parse_time(entry["end"]),
                            direction=direction,
                            lane_type=lane,
                            capacity=entry["capacity"][lane.value],
                        )
                    )
        seeded += 1
    db.session.flush()
    return seeded
