"""What the rules engine works on: the facts of a shipment, and the rules as parsed from the rules file."""

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[2] / "data" / "document_rules.json"
LANGUAGES = ("vi", "km", "en")
LEVELS = ("required", "recommended")
DIRECTIONS = ("export", "import")
REGIMES = ("commercial", "border_resident", "duty_free", "temporary_import_reexport", "other")
REGIME_ALIASES = {"export": "commercial"}  # the first round's name of the commercial regime (stored sets, old rows)
IMPORT_RULE_PREFIX = "I"  # import rules are I1, I2, ...; export rules never start with it
FLAGS = ("preferential_tariff", "transhipment")
UNMET_STATUSES = ("missing", "expired")
ORIGIN_CRITERION = re.compile(r"WO|RVC40|CTH|CTSH|CC|SP|PC(?:[1-9]|[1-3][0-9])")

_SHIPMENT_KEYS = {"always", "flag", "vehicle_crosses", "under_quota"}
_ITEM_KEYS = {"hs_chapters", "hs_chapters_range", "hs_headings", "ocop_stars"}
_REASON_FIELDS = {"item", "plate", "residents"}
_ITEM_PHRASE_FIELDS = {"position", "description", "hs"}


# --- input facts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFacts:
    """One goods line as the rules see it; position is 1-based, as printed on the documents."""

    position: int
    description: str | None = None
    hs_code: str | None = None
    ocop_stars: int | None = None
    origin_criterion: str | None = None
    ocop_expires_on: date | None = None  # the recognition's last valid day (issue 19); None: not known
    fob_value: Decimal | None = None


@dataclass(frozen=True)
class ShipmentFacts:
    """What the rules need to know about a shipment, copied out of the database by the caller."""

    regime: str
    direction: str = "export"
    preferential_tariff: bool = False
    transhipment: bool = False
    vehicle_plate: str | None = None
    residents: int | None = None
    planned_crossing_on: date | None = None
    value_vnd: Decimal | None = None  # None when no exchange rate is known for the crossing date
    items: Sequence[ItemFacts] = field(default_factory=list)
    under_quota: str | None = None  # the code of the tariff quota the shipment is imported under, if any

    @property
    def rules_key(self) -> tuple[str, str]:
        """Return (direction, regime) with the older regime spelling read as today's."""
        regime = str(self.regime)
        return str(self.direction or "export"), REGIME_ALIASES.get(regime, regime)


@dataclass(frozen=True)
class DocumentFacts:
    """A registered document (pass only current ones, not superseded)."""

    id: Any
    document_type: str
    number: str | None = None
    issued_by: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None


# --- rules -------------------------------------------------------------------------------------------------------


class RulesError(ValueError):
    """The rules data does not have the shape the engine needs."""


@dataclass(frozen=True)
class Validity:
    """How long a document stays valid after its issue date when it carries no expiry date."""

    days: int = 0
    months: int = 0

    def expiry_after(self, issued_on: date) -> date | None:
        """Return the last valid day of a document issued on issued_on (None when past the calendar)."""
        try:
            month_index = issued_on.month - 1 + self.months
            year, month = issued_on.year + month_index // 12, month_index % 12 + 1
            day = min(issued_on.day, calendar.monthrange(year, month)[1])
            return date(year, month, day) + timedelta(days=self.days)
        except (OverflowError, ValueError):
            return None


@dataclass(frozen=True)
class Condition:
    """When a rule applies: shipment parts must all hold; item parts need one item matching any of them."""

    always: bool = False
    flag: str | None = None
    vehicle_crosses: bool = False
    under_quota: bool = False
    hs_chapters: frozenset[str] = frozenset()
    hs_chapters_range: tuple[str, str] | None = None
    hs_headings: tuple[str, ...] = ()
    ocop_stars: bool = False

    @property
    def per_item(self) -> bool:
        return bool(self.hs_chapters or self.hs_chapters_range or self.hs_headings or self.ocop_stars)

    def holds_for_shipment(self, facts: ShipmentFacts) -> bool:
        """Tell whether the shipment-level parts of the condition hold."""
        if self.flag and not getattr(facts, self.flag):
            return False
        if self.under_quota and not str(facts.under_quota or "").strip():
            return False
        return not self.vehicle_crosses or (bool((facts.vehicle_plate or "").strip()) and not facts.transhipment)

    def matches_item(self, item: ItemFacts) -> bool:
        """Tell whether one item meets any of the item-level parts."""
        if self.ocop_stars and isinstance(item.ocop_stars, int) and item.ocop_stars > 0:
            return True
        digits = _hs_digits(item.hs_code)
        if digits is None:
            return False
        chapter = digits[:2]
        in_range = (
            self.hs_chapters_range is not None and self.hs_chapters_range[0] <= chapter <= self.hs_chapters_range[1]
        )
        return chapter in self.hs_chapters or in_range or any(digits.startswith(h) for h in self.hs_headings)


@dataclass(frozen=True)
class Rule:
    """One checklist rule (E1, B2, I3, ...) of a direction and regime; unverified: no source confirmed it all."""

    id: str
    document_type: str
    level: str
    condition: Condition
    validity: Validity | None
    basis: str
    reason: Mapping[str, str]
    unverified: bool = False
    verification: str | None = None


@dataclass(frozen=True)
class Allowance:
    """The duty-free allowance per border resident per day, for the regimes and directions it names."""

    regimes: tuple[str, ...]
    per_resident_vnd: Decimal
    basis: str
    directions: tuple[str, ...] = DIRECTIONS
    notes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # times_per_month, goods_list: shown only

    def applies_to(self, direction: str, regime: str) -> bool:
        """Tell whether the allowance is checked for a shipment of this direction and regime."""
        return regime in self.regimes and direction in self.directions


@dataclass(frozen=True)
class RuleSet:
    """One validated version of the paperwork rules."""

    version: str
    rules: Mapping[tuple[str, str], tuple[Rule, ...]]  # (direction, regime) -> rules, in the file's order
    document_types: Mapping[str, Mapping[str, str]]
    item_phrase: Mapping[str, str]
    allowance: Allowance
    expiring_within_days: int

    def rules_for(self, direction: str, regime: str) -> tuple[Rule, ...]:
        """Return the rules of one direction and regime (KeyError when the rule set has none)."""
        return self.rules[(direction, REGIME_ALIASES.get(regime, regime))]

    @property
    def directions(self) -> dict[str, dict[str, tuple[Rule, ...]]]:
        """Return the rules grouped by direction, then regime."""
        grouped: dict[str, dict[str, tuple[Rule, ...]]] = {}
        for (direction, regime), rules in self.rules.items():
            grouped.setdefault(direction, {})[regime] = rules
        return grouped

    def document_label(self, document_type: str, locale: Any = "vi") -> str:
        """Return the label of a document type in locale (falling back to vi, then en)."""
        return _pick(self.document_types.get(document_type, {}), locale) or document_type


def _language(locale: Any) -> str:
    code = str(locale or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else "vi"


def _pick(texts: Mapping[str, str], locale: Any) -> str:
    return next((texts[lang] for lang in (_language(locale), "vi", "en") if texts.get(lang)), "")


def _hs_digits(hs_code: Any) -> str | None:
    digits = re.sub(r"[.\s]", "", hs_code) if isinstance(hs_code, str) else ""
    return digits if re.fullmatch(r"[0-9]{2,}", digits) else None
