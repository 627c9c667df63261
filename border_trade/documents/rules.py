"""Paperwork requirements engine: versioned rules (data/document_rules.json) evaluated on plain facts, no database."""

import calendar
import json
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "document_rules.json"
LANGUAGES = ("vi", "km", "en")
LEVELS = ("required", "recommended")
FLAGS = ("preferential_tariff", "transhipment")
UNMET_STATUSES = ("missing", "expired")
ORIGIN_CRITERION = re.compile(r"WO|RVC40|CTH|CTSH|CC|SP|PC(?:[1-9]|[1-3][0-9])")

_SHIPMENT_KEYS = {"always", "flag", "vehicle_crosses"}
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
    fob_value: Decimal | None = None


@dataclass(frozen=True)
class ShipmentFacts:
    """What the rules need to know about a shipment, copied out of the database by the caller."""

    regime: str
    preferential_tariff: bool = False
    transhipment: bool = False
    vehicle_plate: str | None = None
    residents: int | None = None
    planned_crossing_on: date | None = None
    value_vnd: Decimal | None = None  # None when no exchange rate is known for the crossing date
    items: Sequence[ItemFacts] = field(default_factory=list)


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
    """One checklist rule (E1, B2, ...) of a regime."""

    id: str
    document_type: str
    level: str
    condition: Condition
    validity: Validity | None
    basis: str
    reason: Mapping[str, str]


@dataclass(frozen=True)
class Allowance:
    """The duty-free allowance per border resident per day."""

    regimes: tuple[str, ...]
    per_resident_vnd: Decimal
    basis: str


@dataclass(frozen=True)
class RuleSet:
    """One validated version of the paperwork rules."""

    version: str
    regimes: Mapping[str, tuple[Rule, ...]]
    document_types: Mapping[str, Mapping[str, str]]
    item_phrase: Mapping[str, str]
    allowance: Allowance
    expiring_within_days: int

    def document_label(self, document_type: str, locale: Any = "vi") -> str:
        """Return the label of a document type in locale (falling back to vi, then en)."""
        return _pick(self.document_types.get(document_type, {}), locale) or document_type


def _fail(where: str, problem: str):
    raise RulesError(f"{where}: {problem}")


def _keys(obj: Any, where: str, required: set[str], optional: set[str] = frozenset()) -> None:
    if not isinstance(obj, dict):
        _fail(where, "must be a JSON object")
    missing, unknown = required - obj.keys(), obj.keys() - required - optional - {"$comment"}
    if missing:
        _fail(where, f"missing {', '.join(sorted(missing))}")
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(where, "must be a non-empty string")
    return value


def _texts(value: Any, where: str, fields: set[str]) -> dict[str, str]:
    """Parse {"vi": ..., "km": ..., "en": ...}; vi and en are mandatory, km falls back to them."""
    _keys(value, where, {"vi", "en"}, {"km"})
    texts = {lang: _text(value[lang], f"{where}.{lang}") for lang in LANGUAGES if lang in value}
    for lang, template in texts.items():
        unknown = _placeholders(template, f"{where}.{lang}") - fields
        if unknown:
            _fail(f"{where}.{lang}", f"unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(fields)}")
    return texts


def _placeholders(template: str, where: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        _fail(where, f"bad template ({exc})")


def _digit_list(value: Any, where: str, lengths: tuple[int, ...]) -> list[str]:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.isascii() and v.isdigit() for v in value)
    if not ok or any(len(v) not in lengths for v in value):
        _fail(where, f"must be a non-empty list of digit strings of length {' or '.join(map(str, lengths))}")
    return value


def _parse_condition(obj: Any, where: str) -> Condition:
    _keys(obj, where, set(), _SHIPMENT_KEYS | _ITEM_KEYS)
    if not obj:
        _fail(where, 'is empty; use {"always": true} for an unconditional rule')
    for key in ("always", "vehicle_crosses", "ocop_stars"):
        if key in obj and obj[key] is not True:
            _fail(f"{where}.{key}", "must be true (leave the key out otherwise)")
    if "always" in obj and len(obj) > 1:
        _fail(where, '"always" cannot be combined with other conditions')
    if "flag" in obj and obj["flag"] not in FLAGS:
        _fail(f"{where}.flag", f"must be one of {', '.join(FLAGS)}")
    chapter_range = None
    if "hs_chapters_range" in obj:
        chapter_range = tuple(_digit_list(obj["hs_chapters_range"], f"{where}.hs_chapters_range", (2,)))
        if len(chapter_range) != 2 or chapter_range[0] > chapter_range[1]:
            _fail(f"{where}.hs_chapters_range", 'must be ["from", "to"] with from <= to')
    return Condition(
        always="always" in obj,
        flag=obj.get("flag"),
        vehicle_crosses="vehicle_crosses" in obj,
        hs_chapters=frozenset(
            _digit_list(obj["hs_chapters"], f"{where}.hs_chapters", (2,)) if "hs_chapters" in obj else ()
        ),
        hs_chapters_range=chapter_range,
        hs_headings=tuple(
            _digit_list(obj["hs_headings"], f"{where}.hs_headings", (4, 6)) if "hs_headings" in obj else ()
        ),
        ocop_stars="ocop_stars" in obj,
    )


def _parse_validity(obj: Any, where: str) -> Validity | None:
    if obj is None:
        return None
    _keys(obj, where, set(), {"days", "months", "from", "unverified", "note"})
    periods = [key for key in ("days", "months") if key in obj]
    if len(periods) != 1:
        _fail(where, 'needs exactly one of "days" or "months" (or null for no expiry)')
    amount = obj[periods[0]]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        _fail(f"{where}.{periods[0]}", "must be a whole number >= 0")
    return Validity(**{periods[0]: amount})


def _parse_rule(obj: Any, where: str, document_types: Mapping[str, Any]) -> Rule:
    _keys(obj, where, {"id", "document_type", "level", "condition", "validity", "basis", "reason"})
    if obj["document_type"] not in document_types:
        _fail(f"{where}.document_type", f"{obj['document_type']!r} is not listed in document_types")
    if obj["level"] not in LEVELS:
        _fail(f"{where}.level", f"must be one of {', '.join(LEVELS)}")
    condition = _parse_condition(obj["condition"], f"{where}.condition")
    reason = _texts(obj["reason"], f"{where}.reason", _REASON_FIELDS)
    if not condition.per_item and any("item" in _placeholders(text, where) for text in reason.values()):
        _fail(f"{where}.reason", "uses {item} but the condition does not look at items")
    return Rule(
        id=_text(obj["id"], f"{where}.id"),
        document_type=obj["document_type"],
        level=obj["level"],
        condition=condition,
        validity=_parse_validity(obj["validity"], f"{where}.validity"),
        basis=_text(obj["basis"], f"{where}.basis"),
        reason=reason,
    )


def _parse_allowance(obj: Any, where: str) -> Allowance:
    _keys(obj, where, {"regimes", "per_resident_per_day_vnd", "basis"})
    try:
        amount = Decimal(str(obj["per_resident_per_day_vnd"]))
    except InvalidOperation:
        amount = Decimal("NaN")
    if isinstance(obj["per_resident_per_day_vnd"], bool | float) or not amount.is_finite() or amount <= 0:
        _fail(f"{where}.per_resident_per_day_vnd", 'must be a positive amount, e.g. "2000000"')
    if not isinstance(obj["regimes"], list) or not all(isinstance(r, str) for r in obj["regimes"]):
        _fail(f"{where}.regimes", "must be a list of regime names")
    return Allowance(tuple(obj["regimes"]), amount, _text(obj["basis"], f"{where}.basis"))


def parse_rules(data: Any, source: str = "rules") -> RuleSet:
    """Build a RuleSet from decoded JSON (a file or a stored rule-set row); raise RulesError on a bad shape."""
    top = {"version", "regimes", "allowance", "validity", "document_types", "item_phrase"}
    _keys(data, source, top, {"source"})
    _keys(data["validity"], f"{source}.validity", {"expiring_within_days"})
    window = data["validity"]["expiring_within_days"]
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        _fail(f"{source}.validity.expiring_within_days", "must be a whole number >= 0")
    if not isinstance(data["document_types"], dict) or not data["document_types"]:
        _fail(f"{source}.document_types", "must be a non-empty object")
    labels = {k: _texts(v, f"{source}.document_types.{k}", set()) for k, v in data["document_types"].items()}
    if not isinstance(data["regimes"], dict) or not data["regimes"]:
        _fail(f"{source}.regimes", "must be a non-empty object")
    regimes = {}
    for name, rules in data["regimes"].items():
        if not isinstance(rules, list) or not rules:
            _fail(f"{source}.regimes.{name}", "must be a non-empty list of rules")
        parsed = tuple(_parse_rule(r, f"{source}.regimes.{name}[{i}]", labels) for i, r in enumerate(rules))
        ids = [rule.id for rule in parsed]
        if len(set(ids)) != len(ids):
            _fail(f"{source}.regimes.{name}", "rule ids must be unique")
        regimes[name] = parsed
    allowance = _parse_allowance(data["allowance"], f"{source}.allowance")
    if set(allowance.regimes) - regimes.keys():
        _fail(f"{source}.allowance.regimes", f"unknown regime(s) {sorted(set(allowance.regimes) - regimes.keys())}")
    return RuleSet(
        version=_text(data["version"], f"{source}.version"),
        regimes=regimes,
        document_types=labels,
        item_phrase=_texts(data["item_phrase"], f"{source}.item_phrase", _ITEM_PHRASE_FIELDS),
        allowance=allowance,
        expiring_within_days=window,
    )


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load and validate a rules file (default: the packaged one); cached until the file changes."""
    resolved = Path(path or DEFAULT_RULES_PATH).resolve()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise RulesError(f"{resolved}: cannot read the rules file ({exc.strerror})") from exc
    return _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> RuleSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RulesError(f"{path}: not a readable JSON file ({exc})") from exc
    return parse_rules(data, Path(path).name)


# --- evaluation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementLine:
    """One line of the checklist: a document, why it is needed and how far it is."""

    rule: str
    document_type: str
    level: str
    required_because: str
    items: list[int]
    status: str
    document_id: Any = None


@dataclass(frozen=True)
class Blocker:
    """Something other than a document that stops the move to submitted."""

    code: str
    message: str
    over_by_vnd: str | None = None


@dataclass(frozen=True)
class Requirements:
    """The checklist of a shipment, shaped like the requirements endpoint of API.md."""

    complete: bool
    rules_version: str
    items: list[RequirementLine]
    blocking: list[Blocker]

    def unmet(self) -> list[RequirementLine]:
        """Return the required lines that stop the move to submitted (missing or expired)."""
        return [line for line in self.items if line.level == "required" and line.status in UNMET_STATUSES]

    def as_dict(self) -> dict[str, Any]:
        """Return the body of GET /api/v1/shipments/{id}/requirements."""
        return asdict(self)


def evaluate(
    facts: ShipmentFacts, documents: Sequence[DocumentFacts] = (), rules: RuleSet | None = None, locale: Any = "vi"
) -> Requirements:
    """Build a shipment's paperwork checklist from its facts and registered documents, texts in locale."""
    rules = load_rules() if rules is None else rules
    if facts.regime not in rules.regimes:
        raise ValueError(f"unknown regime {facts.regime!r}; rules {rules.version} know {sorted(rules.regimes)}")
    lang = _language(locale)
    lines = []
    for rule in rules.regimes[facts.regime]:
        if not rule.condition.holds_for_shipment(facts):
            continue
        triggering = [item for item in facts.items if rule.condition.matches_item(item)]
        if rule.condition.per_item and not triggering:
            continue
        document, status = _best_document(rule, documents, facts.planned_crossing_on, rules.expiring_within_days)
        lines.append(
            RequirementLine(
                rule=rule.id,
                document_type=rule.document_type,
                level=rule.level,
                required_because=_reason(rule, facts, triggering, rules, lang),
                items=sorted({item.position for item in triggering}),
                status=status,
                document_id=document.id if document is not None else None,
            )
        )
    blocking = _blockers(facts, rules, lang)
    unmet = any(line.level == "required" and line.status in UNMET_STATUSES for line in lines)
    return Requirements(
        complete=not unmet and not blocking, rules_version=rules.version, items=lines, blocking=blocking
    )


def _language(locale: Any) -> str:
    code = str(locale or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else "vi"


def _pick(texts: Mapping[str, str], locale: Any) -> str:
    return next((texts[lang] for lang in (_language(locale), "vi", "en") if texts.get(lang)), "")


def _hs_digits(hs_code: Any) -> str | None:
    digits = re.sub(r"[.\s]", "", hs_code) if isinstance(hs_code, str) else ""
    return digits if re.fullmatch(r"[0-9]{2,}", digits) else None


def _reason(rule: Rule, facts: ShipmentFacts, triggering: list[ItemFacts], rules: RuleSet, lang: str) -> str:
    phrase = _pick(rules.item_phrase, lang)
    described = []
    for item in triggering:
        digits = _hs_digits(item.hs_code) or ""
        hs = f"{digits[:4]}.{digits[4:6]}" if len(digits) >= 6 else digits
        description = (item.description or "").strip() or "—"
        described.append(phrase.format_map({"position": item.position, "description": description, "hs": hs}))
    values = {"item": "; ".join(described), "plate": facts.vehicle_plate or "", "residents": facts.residents or ""}
    return _pick(rule.reason, lang).format_map(values)


def _is_registered(document: DocumentFacts) -> bool:
    filled = [str(value).strip() for value in (document.number, document.issued_by) if value is not None]
    return len(filled) == 2 and all(filled) and document.issued_on is not None


def _expiry(document: DocumentFacts, validity: Validity | None) -> date | None:
    if document.expires_on is not None:
        return document.expires_on
    return validity.expiry_after(document.issued_on) if validity is not None else None


def _status(expiry: date | None, crossing: date | None, window: int) -> str:
    if expiry is None or crossing is None:
        return "provided"
    if expiry < crossing:
        return "expired"
    return "expiring" if (expiry - crossing).days <= window else "provided"


def _best_document(rule: Rule, documents: Sequence[DocumentFacts], crossing: date | None, window: int):
    """Pick the registered document of the rule's type that stays valid longest, with its status."""
    best, best_key = None, None
    for index, document in enumerate(documents):
        if document.document_type != rule.document_type or not _is_registered(document):
            continue
        expiry = _expiry(document, rule.validity)
        key = (expiry or date.max, document.issued_on, index)
        if best_key is None or key > best_key:
            best, best_key = document, key
    if best is None:
        return None, "missing"
    return best, _status(_expiry(best, rule.validity), crossing, window)


def _blockers(facts: ShipmentFacts, rules: RuleSet, lang: str) -> list[Blocker]:
    if facts.regime not in rules.allowance.regimes:
        return []
    with force_locale(lang), localcontext() as context:
        context.prec = 80  # formatting huge amounts must not overflow the default 28-digit context
        if facts.value_vnd is None or not Decimal(facts.value_vnd).is_finite():
            message = _(
                "The value in VND is unknown (no exchange rate for the planned crossing date), "
                "so the border-resident allowance cannot be checked."
            )
            return [Blocker("rate_missing", message)]
        residents = facts.residents
        if isinstance(residents, bool) or not isinstance(residents, int) or residents < 1:
            message = _("State how many border residents carry the goods (at least one) to check the allowance.")
            return [Blocker("residents_missing", message)]
        value = Decimal(facts.value_vnd)
        allowance = rules.allowance.per_resident_vnd * residents
        if value <= allowance:
            return []
        # VND has no minor unit: round the excess up so a blocked shipment never shows "0" over.
        over = (value - allowance).to_integral_value(rounding=ROUND_CEILING)
        message = ngettext(
            "The goods are worth %(value)s VND, %(over)s VND above the duty-free allowance of "
            "%(allowance)s VND for %(num)d border resident.",
            "The goods are worth %(value)s VND, %(over)s VND above the duty-free allowance of "
            "%(allowance)s VND for %(num)d border residents.",
            residents,
            value=format_decimal(value, locale=lang),
            over=format_decimal(over, locale=lang),
            allowance=format_decimal(allowance, locale=lang),
        )
        return [Blocker("allowance_exceeded", message, f"{over:f}")]


# --- per-item validation -----------------------------------------------------------------------------------------


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

    if facts.regime == "border_resident":
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
