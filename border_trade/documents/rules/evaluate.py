"""Evaluating a rule set on a shipment's facts: the checklist of documents, and what blocks each move."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from .model import (
    UNMET_STATUSES,
    DocumentFacts,
    ItemFacts,
    Rule,
    RuleSet,
    ShipmentFacts,
    Validity,
    _hs_digits,
    _language,
    _pick,
)
from .parse import load_rules


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
    key = facts.rules_key
    if key not in rules.rules:
        known = ", ".join(f"{d}/{r}" for d, r in sorted(rules.rules))
        raise ValueError(f"unknown regime {key[1]!r} for direction {key[0]!r}; rules {rules.version} know {known}")
    lang = _language(locale)
    lines = []
    for rule in rules.rules[key]:
        if not rule.condition.holds_for_shipment(facts):
            continue
        triggering = [item for item in facts.items if rule.condition.matches_item(item)]
        if rule.condition.per_item and not triggering:
            continue
        document, status = _best_document(rule, documents, facts.planned_crossing_on, rules.expiring_within_days)
        lapsed = _lapsed(rule, facts, triggering, lang)  # OCOP recognitions lapsed before the crossing (#19)
        lines.append(
            RequirementLine(
                rule=rule.id,
                document_type=rule.document_type,
                level=rule.level,
                required_because=_reason(rule, facts, triggering, rules, lang) + lapsed,
                items=sorted({item.position for item in triggering}),
                status="expired" if lapsed else status,
                document_id=document.id if document is not None else None,
            )
        )
    blocking = _blockers(facts, rules, lang)
    unmet = any(line.level == "required" and line.status in UNMET_STATUSES for line in lines)
    return Requirements(
        complete=not unmet and not blocking, rules_version=rules.version, items=lines, blocking=blocking
    )


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


def _lapsed(rule: Rule, facts: ShipmentFacts, triggering: list[ItemFacts], lang: str) -> str:
    """Say which OCOP recognitions lapse before the crossing (their stars are not printed), or nothing (issue 19)."""
    crossing = facts.planned_crossing_on
    if not rule.condition.ocop_stars or crossing is None:
        return ""
    lapsed = [item for item in triggering if item.ocop_expires_on is not None and item.ocop_expires_on < crossing]
    with force_locale(lang):
        return "".join(
            " "
            + _(
                "Goods line %(position)s: its OCOP recognition lapsed on %(date)s, before the crossing, so the "
                "documents print no OCOP stars; record the renewed recognition on the product.",
                position=item.position,
                date=item.ocop_expires_on.isoformat(),
            )
            for item in lapsed
        )


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
    """The border-resident allowance, checked alike for goods leaving and entering Viet Nam."""
    if not rules.allowance.applies_to(*facts.rules_key):
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
