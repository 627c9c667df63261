"""Per-item checks a shipment's goods lines must pass whatever the rules say (origin criterion, weights)."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from .model import ORIGIN_CRITERION, ShipmentFacts


def normalize_origin_criterion(value: Any) -> str | None:
    """Return the canonical ATIGA origin criterion ("WO", "RVC40", "PC25", ...) or None when value is not one."""
    if not isinstance(value, str):
        return None
    code = re.sub(r"[\s%]", "", value).upper()
    code = "RVC40" if code == "40" else code  # Form D box 8 prints RVC40 as "40%"
    return code if ORIGIN_CRITERION.fullmatch(code) else None


def _positive(value: Any) -> bool:
    try:
        return value is not None and Decimal(str(value)) > 0
    except (InvalidOperation, ValueError):
        return False


def item_problems(facts: ShipmentFacts) -> dict[str, list]:
    """Return the documents.md validation problems of a shipment, keyed by field path (items.0.origin_criterion)."""
    problems: dict[str, list] = {}

    def add(path, message):
        problems.setdefault(path, []).append(message)

    if facts.rules_key[1] == "border_resident":
        if facts.preferential_tariff:
            add("preferential_tariff", _l("Border-resident exchange cannot claim the preferential tariff (no C/O)."))
        if isinstance(facts.residents, bool) or not isinstance(facts.residents, int) or facts.residents < 1:
            add("residents", _l("State how many border residents carry the goods (at least one)."))
        return problems
    if facts.residents is not None:
        add("residents", _l("Residents are stated only for goods exchanged by border residents."))
    if not facts.preferential_tariff:
        return problems
    for index, item in enumerate(facts.items):
        raw = item.origin_criterion
        if raw is None or not str(raw).strip():
            add(f"items.{index}.origin_criterion", _l("The preferential tariff needs an origin criterion."))
            continue
        code = normalize_origin_criterion(raw)
        if code is None:
            add(
                f"items.{index}.origin_criterion",
                _l(
                    "%(value)s is not an ATIGA origin criterion: use WO, RVC40, CTH, CTSH, CC, SP or PC below 40 "
                    "(e.g. PC25).",
                    value=raw,
                ),
            )
        elif (code == "RVC40" or code.startswith("PC")) and not _positive(item.fob_value):
            add(f"items.{index}.fob_value", _l("A value-content criterion needs the item's FOB value (Form D box 9)."))
    return problems
