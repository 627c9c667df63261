"""Admin pages of the paperwork domain: the active rule set and its older versions, read-only."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..i18n import current_language
from ..pages import requires, template_helpers
from . import services
from .rules import parse_rules

blp = Blueprint("documents", __name__)
blp.app_context_processor(template_helpers)

LEVELS = {"required": _l("required"), "recommended": _l("recommended")}
REGIMES = {"export": _l("Commercial export"), "border_resident": _l("Border-resident exchange")}
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
        parsed, content = services.active_rules(), None
    lang = current_language()
    regimes = []
    for regime, rules_of_regime in parsed.regimes.items():
        raw = {r["id"]: r for r in (content or {}).get("regimes", {}).get(regime, [])}
        regimes.append(
            {
                "code": regime,
                "label": REGIMES.get(regime, regime),
                "rules": [_describe(rule, raw.get(rule.id, {}), parsed, lang) for rule in rules_of_regime],
            }
        )
    return render_template(
        "documents/rules.html",
        sets=sets,
        selected=selected,
        parsed=parsed,
        regimes=regimes,
        allowance=parsed.allowance,
    )


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
        "unverified": bool(validity.get("unverified")),
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
