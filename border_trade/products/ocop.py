"""The OCOP register's rules (issue 19): product groups, validity and deciding levels, as data/ocop_product_groups.json
states them with their sources. Pure functions of dates and values; no database."""

import calendar
import json
from datetime import date
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..enums import StrEnum

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "ocop_product_groups.json"
WARNING_DAYS = (90, 30, 0)  # expiry warnings: 90 and 30 days before the last valid day, and once it has passed


@cache
def rules_data():
    """Return the parsed data file (groups, validity, levels with their sources)."""
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


class OcopProductGroup(StrEnum):
    """The six product groups of Decision 919/QĐ-TTg (2022)."""

    FOOD = "food"
    BEVERAGE = "beverage"
    HERBAL = "herbal"
    HANDICRAFT = "handicraft"
    ORNAMENTAL = "ornamental"
    COMMUNITY_TOURISM = "community_tourism"

    @classmethod
    def labels(cls):
        return {
            cls.FOOD: _l("Food"),
            cls.BEVERAGE: _l("Beverages"),
            cls.HERBAL: _l("Medicinal herbs and herbal products"),
            cls.HANDICRAFT: _l("Handicrafts"),
            cls.ORNAMENTAL: _l("Ornamental plants and animals"),
            cls.COMMUNITY_TOURISM: _l("Community tourism, eco-tourism and tourist sites"),
        }


class DecisionLevel(StrEnum):
    """Who decided an OCOP recognition."""

    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"

    @classmethod
    def labels(cls):
        return {
            cls.DISTRICT: _l("District people's committee"),
            cls.PROVINCE: _l("Provincial people's committee"),
            cls.CENTRAL: _l("Central level (national OCOP)"),
        }


def validity_months():
    return int(rules_data()["validity"]["months"])


def expiry_of(decision_on):
    """Return the last valid day of a recognition decided on decision_on: the same day 36 months later, or that
    month's last day when it has none (Civil Code 2015 arts. 147-148; 29 Feb 2024 -> 28 Feb 2027)."""
    if decision_on is None:
        return None
    index = decision_on.month - 1 + validity_months()
    year, month = decision_on.year + index // 12, index % 12 + 1
    return date(year, month, min(decision_on.day, calendar.monthrange(year, month)[1]))


def _period(on):
    for period in rules_data()["levels"]["periods"]:
        start = date.fromisoformat(period["from"]) if period["from"] else date.min
        end = date.fromisoformat(period["until"]) if period["until"] else date.max
        if start <= on <= end:
            return period
    return None


def allowed_levels(stars, on):
    """Return the levels that may decide a recognition of `stars` stars on day `on` (empty when none)."""
    period = _period(on) if on is not None else None
    if period is None or stars is None:
        return ()
    return tuple(DecisionLevel(level) for level in period["allowed"].get(str(stars), ()))


def level_is_unverified(on):
    """Tell whether the level rule of the period holding `on` is marked unverified in the data."""
    period = _period(on) if on is not None else None
    return bool(period and period.get("unverified"))


def group_from_reporting_group(value):
    """Map a reporting group (products.ocop_group, the older six) to its Decision 919 group."""
    mapping = rules_data()["groups"]["from_reporting_group"]
    code = mapping.get(str(value)) if value is not None else None
    return OcopProductGroup(code) if code else None


def is_valid_on(stars, expires_on, on):
    """Tell whether a recognition of `stars` stars with last valid day `expires_on` may be printed on day `on`."""
    return bool(stars) and (expires_on is None or expires_on >= on)


def warning_step(expires_on, today):
    """Return the warning threshold (90, 30 or 0 once expired) a recognition has reached on `today`, or None."""
    if expires_on is None:
        return None
    days_left = (expires_on - today).days
    if days_left < 0:
        return 0
    reached = [step for step in WARNING_DAYS if step and days_left <= step]
    return min(reached) if reached else None
