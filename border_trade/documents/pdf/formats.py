"""Numbers, money, dates and times as each locale writes them (Babel), dates in Vietnam's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.numbers import get_currency_precision as _currency_precision

from .model import Texts

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def decimal(value: Decimal | int | None, lang: str) -> str:
    """Return a quantity in the locale's digits grouping, without needless trailing zeros."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.###", locale=lang)


def money(amount: Decimal | None, currency: str, lang: str) -> str:
    """Return an amount the locale's way: VND without decimals, USD with two, KHR in whole riel."""
    if amount is None:
        return ""
    if currency == "KHR":
        # CLDR gives KHR two decimals; riel is written whole in practice.
        pattern = _locale_currency_pattern(lang).replace(".00", "")
        rounded = Decimal(amount).quantize(Decimal(1), ROUND_HALF_UP)
        return format_currency(rounded, currency, format=pattern, locale=lang, currency_digits=False)
    return format_currency(amount, currency, locale=lang)


@cache
def _locale_currency_pattern(lang: str) -> str:
    from babel import Locale

    return Locale.parse(lang).currency_formats["standard"].pattern


def money_texts(amount: Decimal | None, currency: str, languages: Iterable[str]) -> Texts:
    """Return the amount formatted once per language (the totals show each locale's own notation)."""
    return tuple(money(amount, currency, lang) for lang in languages)


def price(amount: Decimal, currency: str, lang: str) -> str:
    """Return a unit price: at least the currency's decimals, more when the price has them."""
    places = max(_currency_precision(currency), -Decimal(amount).normalize().as_tuple().exponent, 0)
    return format_decimal(amount, format="#,##0." + "0" * places if places else "#,##0", locale=lang)


def day(value: date | None, lang: str) -> str:
    """Return a date as dd/MM/yyyy, the order both Vietnamese and Cambodian forms use."""
    return format_date(value, "dd/MM/yyyy", locale=lang) if value else ""


def moment(value: datetime, lang: str) -> str:
    """Return a time of day in Vietnam (UTC+7), where the documents are issued."""
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=LOCAL_TZ, locale=lang) + " (UTC+7)"
