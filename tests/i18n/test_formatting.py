"""Money, weights, numbers, dates and times follow the locale and the Asia/Ho_Chi_Minh clock."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale

from border_trade.formatting import (
    format_local_date,
    format_local_datetime,
    format_local_time,
    format_money,
    format_number,
    format_weight,
    register_formatting,
)

EVENING_UTC = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)  # 1 December 00:05 in Ho Chi Minh City


def flat(text):
    """CLDR puts no-break spaces between number and symbol or unit; compare them as plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(
    ("lang", "vnd", "usd", "khr"),
    [
        ("vi", "12.500.001 ₫", "1.234,50 US$", "41.000 KHR"),
        ("km", "12,500,001₫", "1,234.50$", "41,000៛"),
        ("en", "₫12,500,001", "$1,234.50", "KHR41,000"),
    ],
)
def test_money_has_the_currency_decimals_and_locale_separators(request_context, lang, vnd, usd, khr):
    with force_locale(lang):
        assert flat(format_money(Decimal("12500000.5"), "VND")) == vnd
        assert flat(format_money("1234.5", "usd")) == usd
        assert flat(format_money(41000.4, "KHR")) == khr
        assert flat(format_money(None, "VND")) == ""


def test_numbers_and_weights_use_the_locale_separators(request_context):
    with force_locale("vi"):
        assert flat(format_number(Decimal("1234.5"))) == "1.234,5"
        assert flat(format_number(Decimal("2"), places=2)) == "2,00"
        assert flat(format_weight(Decimal("1234.5000"))) == "1.234,5 kg"
        assert flat(format_weight("0.12345")) == "0,123 kg"
    with force_locale("en"):
        assert flat(format_weight(Decimal("1234.5"))) == "1,234.5 kg"
        assert flat(format_weight(None)) == ""


def test_dates_and_times_are_shown_in_ho_chi_minh_time(request_context):
    with force_locale("km"):
        assert flat(format_local_date(EVENING_UTC)) == "1 ធ្នូ 2026"
        assert flat(format_local_time(EVENING_UTC)) == "00:05"
        assert flat(format_local_datetime(EVENING_UTC)) == "1 ធ្នូ 2026, 00:05"
        assert flat(format_local_date(date(2026, 1, 2))) == "2 មករា 2026"
    with force_locale("vi"):
        assert flat(format_local_date(EVENING_UTC)) == "1 thg 12, 2026"
        assert "2026" in format_local_datetime(EVENING_UTC) and "0:05" in format_local_datetime(EVENING_UTC)
    with force_locale("en"):
        assert flat(format_local_datetime(datetime(2026, 11, 30, 17, 5))) == "Dec 1, 2026, 00:05"  # naive means UTC
        assert flat(format_local_date(None)) == ""


def test_registered_as_jinja_filters_and_globals(app, request_context):
    register_formatting(app)
    with force_locale("vi"):
        shown = render_template_string(
            "{{ 1500000|money('VND') }}|{{ format_money(2.5, 'USD') }}|{{ 12.5|weight }}|{{ when|local_date }}",
            when=EVENING_UTC,
        )
    assert flat(shown) == "1.500.000 ₫|2,50 US$|12,5 kg|1 thg 12, 2026"
