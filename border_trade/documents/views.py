"""Admin pages of the paperwork domain: the active rule set and its older versions, read-only."""

import json

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..enums import Direction, Regime
from ..i18n import current_language
from ..pages import requires, template_helpers
from . import services
from .rules import DEFAULT_RULES_PATH, parse_rules

blp = Blueprint("documents", __name__)
blp.app_context_processor(template_helpers)

LEVELS = {"required": _l("required"), "recommended": _l("recommended")}
FLAGS = {"preferential_tariff": _l("the preferential tariff is claimed"), "transhipment": _l("goods are transhipped")}


@blp.route("/admin/rules")
@requires("rules.read")
def rules():
    """Show a version of the paperwork rules (the active one unless ?version= names another)."""
    sets = services.list_rule_sets()
    wanted = request.args.get("version")
    selected = next((s for s in sets if s.version == wanted), None) or next((s for s in sets if s.is_active), None)
    if selected is not None:
        content = selected.content
        parsed = parse_rules(content, f"rule set {selected.version}")
    else:  # nothing loaded into the database yet: the packaged file is what the engine uses
        content = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
        parsed = parse_rules(content, DEFAULT_RULES_PATH.name)
    lang = current_language()
    return render_template(
        "documents/rules.html",
        sets=sets,
        selected=selected,
        parsed=parsed,
        directions=_directions(parsed, content, lang),
        allowance=parsed.allowance,
        allowance_directions=[Direction(d).label for d in parsed.allowance.directions],
    )


def _raw_rules(content, direction, regime):
    """Return the rules file's own entries of one direction and regime by id (validity notes live there)."""
    if not content:
        return {}
    if "directions" in content:
        entries = content["directions"].get(direction, {}).get(regime, [])
    else:  # a first-round rule set: {"export": [...], "border_resident": [...]}, all export rules
        entries = content.get("regimes", {}).get("export" if regime == "commercial" else regime, [])
    return {entry["id"]: entry for entry in entries}


def _directions(parsed, content, lang):
    """Group the rules for the page: each direction, then its regimes in the order of the report's headings."""
    grouped = parsed.directions
    out = []
    for direction in Direction:
        regimes = []
        for regime in Regime:
            rules = grouped.get(direction.value, {}).get(regime.value)
            if not rules:
                continue
            raw = _raw_rules(content, direction.value, regime.value)
            regimes.append(
                {
                    "code": regime.value,
                    "heading": regime.heading,
                    "label": regime.label,
                    "rules": [_describe(rule, raw.get(rule.id, {}), parsed, lang) for rule in rules],
                }
            )
        if regimes:
            out.append({"code": direction.value, "label": direction.label, "regimes": regimes})
    return out


def _describe(rule, raw, parsed, lang):
    validity = raw.get("validity") or {}
    return {
        "id": rule.id,
        "document_type": rule.document_type,
        "document": parsed.document_label(rule.document_type, lang),
        "level": rule.level,
        "level_label": LEVELS.get(rule.level, rule.level),
        "condition": _condition(rule.condition),
        "validity": _validity(rule.validity, validity),
        "validity_unverified": bool(validity.get("unverified")),
        "unverified": rule.unverified,
        "verification": rule.verification,
        "validity_note": validity.get("note"),
        "basis": rule.basis,
        "reason": rule.reason.get(lang) or rule.reason.get("vi") or rule.reason.get("en"),
        "reason_lang": lang if rule.reason.get(lang) else ("vi" if rule.reason.get("vi") else "en"),
    }


def _condition(condition):
    """Say in the reader's language when a rule applies."""
    if condition.always:
        return [_("always")]
    parts = []
    if condition.flag:
        parts.append(str(FLAGS.get(condition.flag, condition.flag)))
    if condition.vehicle_crosses:
        parts.append(_("a Vietnamese truck crosses (a plate is given, no transhipment)"))
    if condition.under_quota:
        parts.append(_("the shipment is imported under a tariff quota"))
    item_parts = []
    if condition.hs_chapters:
        chapters = sorted(condition.hs_chapters)
        item_parts.append(
            ngettext("HS chapter %(chapters)s", "HS chapters %(chapters)s", len(chapters), chapters=", ".join(chapters))
        )
    if condition.hs_chapters_range:
        first, last = condition.hs_chapters_range
        item_parts.append(_("HS chapters %(first)s–%(last)s", first=first, last=last))
    if condition.hs_headings:
        headings = [f"{h[:4]}.{h[4:]}" if len(h) == 6 else h for h in condition.hs_headings]
        item_parts.append(
            ngettext("heading %(headings)s", "headings %(headings)s", len(headings), headings=", ".join(headings))
        )
    if condition.ocop_stars:
        item_parts.append(_("a product with OCOP stars"))
    if item_parts:
        parts.append(_("any goods line in: %(what)s", what=_(" or ").join(item_parts)))
    return parts


def _validity(validity, raw):
    if validity is None:
        return _("no expiry")
    if validity.months:
        period = ngettext("%(num)d month", "%(num)d months", validity.months)
    elif validity.days:
        period = ngettext("%(num)d day", "%(num)d days", validity.days)
    else:
        return _("the day of issue only")
    start = raw.get("from")
    if start == "issue":
        return _("%(period)s from issue", period=period)
    if start == "registration":
        return _("%(period)s from registration", period=period)
    if start == "recognition":
        return _("%(period)s from recognition", period=period)
    return period
