"""The quota quantity of goods lines: net weight in the quota's unit, times the factor of the longest prefix."""

from decimal import Decimal

from border_trade.quotas.counting import count, factor_for

PREFIXES = [{"prefix": "1006", "factor": "1"}, {"prefix": "100610", "factor": "0.5"}]


def test_rice_counts_its_net_weight_in_tonnes():
    assert count([("10063099", Decimal("20000"))], PREFIXES, "TNE") == (Decimal("20.000"), 1)


def test_paddy_counts_two_kilograms_for_one_of_rice():
    assert factor_for("10061090", PREFIXES) == Decimal("0.5")
    assert count([("10061090", Decimal("30000"))], PREFIXES, "TNE") == (Decimal("15.000"), 1)


def test_lines_outside_the_quota_do_not_count_and_mixed_lines_add_up():
    lines = [("10063099", Decimal("1500")), ("10061090", Decimal("1000")), ("08045021", Decimal("9000"))]
    assert count(lines, PREFIXES, "TNE") == (Decimal("2.000"), 2)
    assert count([("08045021", Decimal("9000"))], PREFIXES, "TNE") == (Decimal("0.000"), 0)


def test_dotted_codes_and_rounding_to_the_kilogram():
    assert factor_for("1006.30.99", PREFIXES) == Decimal("1")
    assert count([("10061010", Decimal("0.001"))], PREFIXES, "TNE") == (Decimal("0.000"), 1)
    assert count([("10063099", Decimal("1234.5678"))], PREFIXES, "KGM") == (Decimal("1234.568"), 1)
