"""Locale-aware display of money, weights, numbers, dates and times (Asia/Ho_Chi_Minh), for templates and code.

Every helper formats in the active Flask-Babel locale (or the `locale` given) and returns "" for None, so
templates can write `{{ shipment.value_vnd|money("VND") }}` or `{{ format_money(line.value, "USD") }}`.
"""

import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import flask_babel
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import parse_pattern
from babel.units import format_unit
from flask_babel import format_date, format_datetime, format_time, get_locale, to_user_timezone

# Minor units shown per currency: VND and KHR are shown in whole dong and riel (CLDR gives KHR two digits).
CURRENCY_PLACES = {"VND": 0, "KHR": 0, "USD": 2}
WEIGHT_PLACES = 3


def _locale(locale=None):
    return Locale.parse(locale) if locale else (get_locale() or Locale.parse("vi"))


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_money(amount, currency="VND", locale=None):
    """Format an amount with its currency symbol per locale: VND and KHR whole, USD with 2 decimals."""
    number = _decimal(amount)
    if number is None:
        return ""
    code = str(currency or "VND").upper()
    places = CURRENCY_PLACES.get(code, 2)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    loc = _locale(locale)
    pattern = copy.copy(parse_pattern(loc.currency_formats["standard"]))
    pattern.frac_prec = (places, places)
    return pattern.apply(number, loc, currency=code, currency_digits=False)


def format_number(value, places=None, locale=None):
    """Format a number with the locale's separators; `places` fixes the decimals, else up to 3 are kept."""
    number = _decimal(value)
    if number is None:
        return ""
    loc = _locale(locale)
    pattern = copy.copy(parse_pattern(loc.decimal_formats[None]))
    if places is None:
        pattern.frac_prec = (0, 3)
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        pattern.frac_prec = (places, places)
    return pattern.apply(number, loc)


def format_weight(kg, places=None, locale=None):
    """Format a weight in kilograms with the locale's separators and unit ("1.234,5 kg")."""
    number = _decimal(kg)
    if number is None:
        return ""
    loc = _locale(locale)
    if places is None:
        number = number.quantize(Decimal(1).scaleb(-WEIGHT_PLACES), rounding=ROUND_HALF_UP).normalize()
    shown = format_number(number, places, locale=loc)
    # format_unit puts the unit where the locale wants it; it gets the number already formatted.
    return format_unit(shown, "mass-kilogram", length="short", locale=loc)


def format_local_date(value, format="medium"):
    """Format a date, or a datetime (stored in UTC) as its date in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    return format_date(value, format) if isinstance(value, date | datetime) else str(value)


def format_local_time(value, format=None):
    """Format the time of a UTC datetime in Asia/Ho_Chi_Minh, on the 24-hour clock unless a format is given.

    CLDR's Khmer short time has an English "AM"/"PM"; border and customs work keeps the 24-hour clock.
    """
    if value is None:
        return ""
    if format is not None:
        return format_time(value, format)
    return format_skeleton("Hm", to_user_timezone(value), locale=_locale())


def format_local_datetime(value, format=None):
    """Format a UTC datetime in Asia/Ho_Chi_Minh; by default a medium date with a 24-hour time."""
    if value is None:
        return ""
    if format is not None:
        return format_datetime(value, format)
    glue = _locale().datetime_formats["medium"]
    return glue.replace("{1}", format_date(value, "medium")).replace("{0}", format_local_time(value))


FILTERS = {
    "money": format_money,
    "number": format_number,
    "weight": format_weight,
    "local_date": format_local_date,
    "local_time": format_local_time,
    "local_datetime": format_local_datetime,
}


# Flask-Babel's own helpers, for templates that call them directly (it registers only the *format filters).
BABEL_GLOBALS = ("format_date", "format_datetime", "format_time", "format_timedelta", "format_decimal")


def register_formatting(app):
    """Make the helpers Jinja filters (money, number, weight, local_date, local_time, local_datetime) and globals.

    Flask-Babel's format_date, format_datetime, format_time, format_timedelta and format_decimal become globals too.
    Calling it again changes nothing.
    """
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update({name: getattr(flask_babel, name) for name in BABEL_GLOBALS})
    app.jinja_env.globals.update(
        format_money=format_money,
        format_number=format_number,
        format_weight=format_weight,
        format_local_date=format_local_date,
        format_local_time=format_local_time,
        format_local_datetime=format_local_datetime,
    )
