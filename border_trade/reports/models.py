"""Daily figures of the reports: what crossed per local day, folded from the gate events by a scheduled job.

See docs/aggregates.md: the fold job recomputes whole days (delete + insert) from the `crossed` events, keeps a
watermark on the events' ids, and the reports read these rows for the folded days and the events for the rest.
"""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import Money, Rate, UTCDateTime, Weight


class DailyFigure(db.Model):
    """The additive measures of the shipments that crossed on one local day with the same keys.

    `trips`: distinct plates among these shipments (a plate crossing at a gate on a day counts once), plus
    the shipments without a plate, each on its own. Trips are not additive across keys that share a
    (day, gate): a plate in several keys of one (day, gate) is listed in `report_shared_trips`.
    """

    __tablename__ = "report_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))
    regime: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    shipments: Mapped[int]
    trips: Mapped[int]
    gross_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    net_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    value_vnd: Mapped[Decimal] = mapped_column(Money)  # whole VND
    value_usd: Mapped[Decimal] = mapped_column(Money)
    missing: Mapped[int]  # shipments without an exchange rate for the day: left out of the values

    __table_args__ = (
        sa.UniqueConstraint("day", "gate_id", "direction", "regime", "organisation_id", name="uq_report_daily_key"),
    )


class GateDayFigure(db.Model):
    """All the shipments that crossed at a gate on a local day, whatever their keys: truck trips and the measures.

    Reports neither grouped nor filtered by direction, regime or exporter (gate × month, province, totals) read
    only these rows. The table keeps the name of the trips it first held.
    """

    __tablename__ = "report_daily_trips"

    day: Mapped[date] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"), primary_key=True)
    trips: Mapped[int]
    shipments: Mapped[int] = mapped_column(server_default="0")
    gross_weight_kg: Mapped[Decimal] = mapped_column(Weight, server_default="0")
    net_weight_kg: Mapped[Decimal] = mapped_column(Weight, server_default="0")
    value_vnd: Mapped[Decimal] = mapped_column(Money, server_default="0")
    value_usd: Mapped[Decimal] = mapped_column(Money, server_default="0")
    missing: Mapped[int] = mapped_column(server_default="0")
    export_usd: Mapped[Decimal] = mapped_column(Money, server_default="0")
    import_usd: Mapped[Decimal] = mapped_column(Money, server_default="0")


class SharedTrip(db.Model):
    """A plate that crossed at a gate on a day in shipments of more than one key: one row per key it is in."""

    __tablename__ = "report_shared_trips"

    day: Mapped[date] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"), primary_key=True)
    plate: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    direction: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    regime: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)


class FoldedDay(db.Model):
    """A local day with crossings, folded: the exchange rates its values were converted at (NULL: none)."""

    __tablename__ = "report_folded_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    usd: Mapped[Decimal | None] = mapped_column(Rate)
    khr: Mapped[Decimal | None] = mapped_column(Rate)
    folded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FoldState(db.Model):
    """One row: every `crossed` event with an id up to `watermark` is in the daily figures."""

    __tablename__ = "report_fold_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    watermark: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    folded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GoodsDayFigure(db.Model):
    """The additive measures of the goods lines that crossed on one local day with the same goods key.

    The key adds the line's product (NULL: none), HS code and unit to `report_daily`'s. A product's group, stars
    and province and an HS code's chapter and group are read from the catalogue when the report runs, as the
    goods lines' reading does. `shipments`, `missing` and `trips` are distinct counts within the key: shipments
    (plates) in several keys of a day are counted per set of keys in `report_goods_shared_shipments`
    (`report_goods_shared_trips`).
    `value_usd_allotted`: the lines' USD values with each shipment's rounding remainder on its largest line (the
    monthly border-trade report's goods rows).
    """

    __tablename__ = "report_goods_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))
    regime: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    hs_code: Mapped[str] = mapped_column(sa.String(8))
    unit: Mapped[str] = mapped_column(sa.String(10))
    shipments: Mapped[int]
    trips: Mapped[int]
    quantity: Mapped[Decimal] = mapped_column(Weight)
    gross_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    net_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    value_vnd: Mapped[Decimal] = mapped_column(Money)
    value_usd: Mapped[Decimal] = mapped_column(Money)
    value_usd_allotted: Mapped[Decimal] = mapped_column(Money)
    missing: Mapped[int]


class SharedGoodsShipment(db.Model):
    """A set of goods keys of one day that some shipments' lines fall in exactly: one row per key of the set.

    The counts, the same on every row of a set: the shipments with exactly these keys, those of them without an
    exchange rate, and those without a plate (each a truck trip of its own in every key).
    """

    __tablename__ = "report_goods_shared_shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    set_no: Mapped[int]  # numbers the sets of a day
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))
    regime: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    hs_code: Mapped[str] = mapped_column(sa.String(8))
    unit: Mapped[str] = mapped_column(sa.String(10))
    shipments: Mapped[int]
    missing: Mapped[int]
    plateless: Mapped[int]


class SharedGoodsTrip(db.Model):
    """A set of goods keys of one (day, gate) that some plates crossed in exactly: one row per key of the set."""

    __tablename__ = "report_goods_shared_trips"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    set_no: Mapped[int]
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[str] = mapped_column(sa.String(10))
    regime: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    hs_code: Mapped[str] = mapped_column(sa.String(8))
    unit: Mapped[str] = mapped_column(sa.String(10))
    plates: Mapped[int]
