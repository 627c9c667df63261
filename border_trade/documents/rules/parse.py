"""Reading and checking a rules file: every key, text and placeholder is validated before a rule set is used."""

import json
import string
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import (
    _ITEM_KEYS,
    _ITEM_PHRASE_FIELDS,
    _REASON_FIELDS,
    _SHIPMENT_KEYS,
    DEFAULT_RULES_PATH,
    DIRECTIONS,
    FLAGS,
    IMPORT_RULE_PREFIX,
    LANGUAGES,
    LEVELS,
    REGIME_ALIASES,
    REGIMES,
    Allowance,
    Condition,
    Rule,
    RulesError,
    RuleSet,
    Validity,
)


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
    for key in ("always", "vehicle_crosses", "under_quota", "ocop_stars"):
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
        under_quota="under_quota" in obj,
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
    _keys(
        obj,
        where,
        {"id", "document_type", "level", "condition", "validity", "basis", "reason"},
        {"unverified", "verification"},
    )
    if "unverified" in obj and not isinstance(obj["unverified"], bool):
        _fail(f"{where}.unverified", "must be true or false")
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
        unverified=obj.get("unverified", False),
        verification=_text(obj["verification"], f"{where}.verification") if "verification" in obj else None,
    )


def _parse_allowance(obj: Any, where: str) -> Allowance:
    _keys(obj, where, {"regimes", "per_resident_per_day_vnd", "basis"}, {"directions", "times_per_month", "goods_list"})
    try:
        amount = Decimal(str(obj["per_resident_per_day_vnd"]))
    except InvalidOperation:
        amount = Decimal("NaN")
    if isinstance(obj["per_resident_per_day_vnd"], bool | float) or not amount.is_finite() or amount <= 0:
        _fail(f"{where}.per_resident_per_day_vnd", 'must be a positive amount, e.g. "2000000"')
    if not isinstance(obj["regimes"], list) or not all(isinstance(r, str) for r in obj["regimes"]):
        _fail(f"{where}.regimes", "must be a list of regime names")
    directions = obj.get("directions", ["export"])  # the first round's allowance knew exports only
    valid = isinstance(directions, list) and directions and all(isinstance(d, str) for d in directions)
    if not valid or set(directions) - set(DIRECTIONS):
        _fail(f"{where}.directions", f"must be a non-empty list of {', '.join(DIRECTIONS)}")
    notes = {}
    for key in ("times_per_month", "goods_list"):
        if key in obj:
            if not isinstance(obj[key], dict) or not isinstance(obj[key].get("unverified", False), bool):
                _fail(f"{where}.{key}", 'must be an object (its "unverified" true or false)')
            notes[key] = obj[key]
    regimes = tuple(REGIME_ALIASES.get(r, r) for r in obj["regimes"])
    return Allowance(regimes, amount, _text(obj["basis"], f"{where}.basis"), tuple(directions), notes)


def _parse_rule_list(rules: Any, where: str, labels: Mapping[str, Any]) -> tuple[Rule, ...]:
    if not isinstance(rules, list) or not rules:
        _fail(where, "must be a non-empty list of rules")
    return tuple(_parse_rule(r, f"{where}[{i}]", labels) for i, r in enumerate(rules))


def _parse_directions(data: Any, where: str, labels: Mapping[str, Any]) -> dict[tuple[str, str], tuple[Rule, ...]]:
    """Parse {"export": {regime: [rules]}, "import": {...}}: ids unique per direction, I-codes for imports only."""
    _keys(data, where, set(), set(DIRECTIONS))
    if not data:
        _fail(where, "must name at least one direction")
    parsed = {}
    for direction, regimes in data.items():
        _keys(regimes, f"{where}.{direction}", set(), set(REGIMES))
        if not regimes:
            _fail(f"{where}.{direction}", "must name at least one regime")
        ids = []
        for regime, rules in regimes.items():
            parsed[(direction, regime)] = _parse_rule_list(rules, f"{where}.{direction}.{regime}", labels)
            ids += [rule.id for rule in parsed[(direction, regime)]]
        if len(set(ids)) != len(ids):
            _fail(f"{where}.{direction}", "rule ids must be unique within a direction")
        wrong = [i for i in ids if i.startswith(IMPORT_RULE_PREFIX) != (direction == "import")]
        if wrong:
            _fail(f"{where}.{direction}", f"import rules, and only they, have I-codes: {', '.join(wrong)}")
    return parsed


def _parse_regimes(data: Any, where: str, labels: Mapping[str, Any]) -> dict[tuple[str, str], tuple[Rule, ...]]:
    """Parse the first round's shape {"export": [...], "border_resident": [...]}: all of it export rules."""
    if not isinstance(data, dict) or not data:
        _fail(where, "must be a non-empty object")
    parsed = {}
    for name, rules in data.items():
        regime = REGIME_ALIASES.get(name, name)
        if regime not in REGIMES:
            _fail(f"{where}.{name}", f"unknown regime; known: {', '.join(REGIMES)}")
        parsed[("export", regime)] = _parse_rule_list(rules, f"{where}.{name}", labels)
        ids = [rule.id for rule in parsed[("export", regime)]]
        if len(set(ids)) != len(ids):
            _fail(f"{where}.{name}", "rule ids must be unique")
    return parsed


def parse_rules(data: Any, source: str = "rules") -> RuleSet:
    """Build a RuleSet from decoded JSON (a file or a stored rule-set row); raise RulesError on a bad shape."""
    top = {"version", "allowance", "validity", "document_types", "item_phrase"}
    _keys(data, source, top, {"source", "directions", "regimes"})
    if ("directions" in data) == ("regimes" in data):
        _fail(source, 'needs exactly one of "directions" (rules per direction and regime) or "regimes" (older shape)')
    _keys(data["validity"], f"{source}.validity", {"expiring_within_days"})
    window = data["validity"]["expiring_within_days"]
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        _fail(f"{source}.validity.expiring_within_days", "must be a whole number >= 0")
    if not isinstance(data["document_types"], dict) or not data["document_types"]:
        _fail(f"{source}.document_types", "must be a non-empty object")
    labels = {k: _texts(v, f"{source}.document_types.{k}", set()) for k, v in data["document_types"].items()}
    if "directions" in data:
        rules = _parse_directions(data["directions"], f"{source}.directions", labels)
    else:
        rules = _parse_regimes(data["regimes"], f"{source}.regimes", labels)
    allowance = _parse_allowance(data["allowance"], f"{source}.allowance")
    known = {regime for _direction, regime in rules}
    if set(allowance.regimes) - known:
        _fail(f"{source}.allowance.regimes", f"unknown regime(s) {sorted(set(allowance.regimes) - known)}")
    return RuleSet(
        version=_text(data["version"], f"{source}.version"),
        rules=rules,
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
