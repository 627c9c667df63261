"""Exchange-rate lookups and shipment totals, in exact decimals."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..reference import Currency, rate_on

CENT = Decimal("0.01")
GRAM = Decimal("0.001")


@dataclass(frozen=True)
class Totals:
    net_weight_kg: Decimal
    gross_weight_kg: Decimal
    value: Decimal
    value_vnd: Decimal | None
    value_usd: Decimal | None


def line_value(quantity, unit_price):
    """Return quantity × unit price rounded to cents."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, ROUND_HALF_UP)


def compute_totals(items, currency, on):
    """Sum weights and values of goods lines; convert with the rates in force on `on` (None when missing)."""
    net = sum((Decimal(i.net_weight_kg) for i in items), Decimal(0)).quantize(GRAM)
    gross = sum((Decimal(i.gross_weight_kg) for i in items), Decimal(0)).quantize(GRAM)
    value = sum((line_value(i.quantity, i.unit_price) for i in items), Decimal(0)).quantize(CENT)
    to_vnd = rate_on(currency, on)
    usd = rate_on(Currency.USD, on)
    value_vnd = (value * to_vnd).quantize(Decimal(1), ROUND_HALF_UP).quantize(CENT) if to_vnd else None
    value_usd = (value_vnd / usd).quantize(CENT, ROUND_HALF_UP) if value_vnd is not None and usd else None
    return Totals(net, gross, value, value_vnd, value_usd)
