"""Trade reference data every domain reads: HS codes, currencies and the exchange rates in force on a day.

It sits below the domains (products classify goods by HS code, documents print rates, shipments total in VND and
USD), so none of them has to import another for it.
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .enums import StrEnum, enum_column
from .extensions import db
from .types import Rate


class Currency(StrEnum):
    VND = "VND"
    USD = "USD"
    KHR = "KHR"


class HsCode(db.Model):
    __tablename__ = "hs_codes"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    hs6: Mapped[str] = mapped_column(sa.String(6), index=True)
    chapter: Mapped[str] = mapped_column(sa.String(2), index=True)
    name_vi: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    name_km: Mapped[str | None] = mapped_column(sa.String(300))
    category: Mapped[str | None] = mapped_column(sa.String(40))
    ocop_group: Mapped[str | None] = mapped_column(sa.String(40))
    sources: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def formatted(self):
        return f"{self.code[:4]}.{self.code[4:6]}.{self.code[6:]}"

    def __repr__(self):
        return f"<HsCode {self.code}>"


class ExchangeRate(db.Model):
    """How many VND one unit of a currency was worth on a date."""

    __tablename__ = "exchange_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[Currency] = mapped_column(enum_column(Currency, 3))
    rate_on: Mapped[date]
    vnd_per_unit: Mapped[Decimal] = mapped_column(Rate)
    source: Mapped[str | None] = mapped_column(sa.String(120))

    __table_args__ = (sa.UniqueConstraint("currency", "rate_on", name="uq_exchange_rates_currency_rate_on"),)

    def __repr__(self):
        return f"<ExchangeRate {self.currency} {self.rate_on} {self.vnd_per_unit}>"


def rate_on(currency, on):
    """Return VND per unit of `currency` in force on a date (the latest on or before it), or None."""
    currency = Currency(currency)
    if currency is Currency.VND:
        return Decimal(1)
    return db.session.scalar(
        sa.select(ExchangeRate.vnd_per_unit)
        .where(ExchangeRate.currency == currency, ExchangeRate.rate_on <= on)
        .order_by(ExchangeRate.rate_on.desc())
        .limit(1)
    )
