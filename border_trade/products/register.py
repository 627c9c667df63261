"""Checks of the OCOP register on a product's write (issue 19), called by services.apply_fields.

The rules (docs/api-additions.md, "OCOP register (issue 19)"):
- the recognition decision's date may not lie in the future;
- with a decision date, `ocop_certificate_expires_on` is derived: the decision date + 36 months. A typed expiry equal
  to the derived one is accepted (a GET-then-PATCH round trip), another is refused (422 naming the field);
- without a decision date (recognitions recorded before the register knew it), the expiry is kept as recorded or
  typed, but no recognition outlives 36 months from today: a later one is refused;
- a product with stars needs the decision date (or, for such an older recognition, its expiry);
- the deciding level must be one that could decide that many stars on that date (district, province or the centre
  for 3, 4 and 5 stars until 5 July 2025; province or the centre from 6 July 2025, Decision 1489/QĐ-TTg).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from .ocop import DecisionLevel, allowed_levels, expiry_of, rules_data

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
OCOP_FIELDS = (
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_certificate_expires_on",
    "ocop_decision_on",
    "ocop_decision_level",
    "ocop_decision_authority",
    "ocop_product_group",
)


def local_today():
    return datetime.now(LOCAL).date()


def _any_period_levels(stars):
    levels = []
    for period in rules_data()["levels"]["periods"]:
        for level in period["allowed"].get(str(stars), ()):
            if DecisionLevel(level) not in levels:
                levels.append(DecisionLevel(level))
    return tuple(levels)


def check_register(product, data, *, creating, today=None):
    """Return (errors by field, the expiry to store or the current one) for `data` applied to `product`."""
    today = today or local_today()
    errors = {}
    merged = {name: data[name] if name in data else getattr(product, name) for name in OCOP_FIELDS}
    stars, decided_on, level = merged["ocop_stars"], merged["ocop_decision_on"], merged["ocop_decision_level"]
    expires = merged["ocop_certificate_expires_on"]
    if decided_on is not None and decided_on > today:
        errors["ocop_decision_on"] = [_("The recognition decision cannot be dated in the future.")]
    if decided_on is not None:
        derived = expiry_of(decided_on)
        typed = data.get("ocop_certificate_expires_on")
        if typed is not None and typed != derived:
            errors["ocop_certificate_expires_on"] = [
                _(
                    "The expiry follows from the decision date (36 months): %(date)s. Leave it out.",
                    date=derived.isoformat(),
                )
            ]
        expires = derived
    elif expires is not None and "ocop_certificate_expires_on" in data and expires > expiry_of(today):
        errors["ocop_certificate_expires_on"] = [
            _("No OCOP recognition lasts beyond %(date)s (36 months from today).", date=expiry_of(today).isoformat())
        ]
    touched = creating or any(name in data for name in OCOP_FIELDS)
    if touched and stars and decided_on is None and expires is None:
        errors.setdefault("ocop_decision_on", []).append(_("Give the date of the OCOP recognition decision."))
    if touched and level is not None:
        if not stars:
            errors["ocop_decision_level"] = [_("A deciding level needs the OCOP stars.")]
        else:
            allowed = allowed_levels(stars, decided_on) if decided_on is not None else _any_period_levels(stars)
            if level not in allowed:
                errors["ocop_decision_level"] = [_level_message(stars, decided_on, allowed)]
    return errors, expires


def _level_message(stars, decided_on, allowed):
    names = ", ".join(str(level.label) for level in allowed)
    if decided_on is None:
        return _("A recognition of %(stars)s stars is decided by: %(levels)s.", stars=stars, levels=names)
    return _(
        "A recognition of %(stars)s stars decided on %(date)s is decided by: %(levels)s.",
        stars=stars,
        date=decided_on.isoformat(),
        levels=names,
    )
