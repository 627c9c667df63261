"""Read helpers of the customs domain: a shipment's declaration, the type codes and the handoff profiles (data)."""

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..shipments.models import ShipmentEvent
from .models import CustomsDeclaration

DATA = Path(__file__).resolve().parent.parent / "data"
TYPE_CODES = DATA / "customs_type_codes.csv"
PROFILES = DATA / "handoff_profiles"


@dataclass(frozen=True)
class TypeCode:
    code: str
    direction: str
    name_vi: str
    name_en: str
    source: str
    unverified: bool

    def name(self, language):
        """The name in English for English readers; otherwise the official Vietnamese name of Decision
        1357/QĐ-TCHQ (the declaration is Vietnamese customs' own document, and no Khmer names exist)."""
        return self.name_en if language == "en" else self.name_vi


@functools.cache
def type_codes():
    """Return {code: TypeCode} from border_trade/data/customs_type_codes.csv (Decision 1357/QĐ-TCHQ)."""
    with TYPE_CODES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: TypeCode(
            code=row["code"],
            direction=row["direction"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            source=row["source"],
            unverified=row["unverified"].strip().lower() == "true",
        )
        for row in rows
    }


def type_code(code):
    """Return the TypeCode of a code (case-insensitive), or None."""
    return type_codes().get((code or "").strip().upper())


@functools.cache
def profiles():
    """Return {name: profile} from border_trade/data/handoff_profiles/*.json."""
    loaded = {}
    for path in sorted(PROFILES.glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        loaded[profile["name"]] = profile
    return loaded


def default_profile_name():
    """Return the name of the profile marked default (the first one when none is)."""
    named = profiles()
    return next((name for name, p in named.items() if p.get("default")), next(iter(named)))


def declaration_of(shipment_id, *, lock=False):
    """Return a shipment's customs declaration or None (the caller has found the shipment in scope)."""
    query = sa.select(CustomsDeclaration).where(CustomsDeclaration.shipment_id == shipment_id)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def was_inspected(shipment_id):
    """Tell whether an inspection was started for the shipment at its gate."""
    query = sa.select(ShipmentEvent.id).where(
        ShipmentEvent.shipment_id == shipment_id, ShipmentEvent.event == "inspection_started"
    )
    return db.session.scalar(query.limit(1)) is not None
