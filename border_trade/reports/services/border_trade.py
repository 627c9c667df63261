"""The department's monthly border-trade report: per gate and for all gates, headings I–V, exports and imports.

Each heading (a regime, in `Regime` order) has an export and an import block; each block lists goods per HS
code of the goods lines (the catalogue's 8-digit AHTN line, named in vi/km/en) and unit, with the quantity,
the value in USD and the number of enterprises (distinct Vietnamese organisations, exporters or importers).
Values are those of `/reports/volume`: each shipment converted at its crossing day's rate; a shipment's
rounding remainder between its lines' conversions and its own goes to its largest line, so the goods rows add
up to the totals, which equal `/reports/volume` for the same month and province.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.models import Role
from ...auth.permissions import can, require
from ...enums import Direction, Regime
from ...errors import Invalid, NotFound
from ...extensions import db
from ...gates.models import Gate, Province
from ...replica import on_replica
from ...shipments.models import HsCode
from .. import queries
from ..queries import Criteria
from .monthly import month_bounds
from .scope import scope_gate_ids
from .volume import volume_report

KEY_PRODUCTS = 10


@dataclass
class Tally:
    """Quantities (when one unit), values, shipments and enterprises of a set of goods rows."""

    quantity: Decimal = Decimal("0.000")
    value_usd: Decimal = Decimal("0.00")
    shipments: int = 0
    organisations: set = field(default_factory=set)
    missing: int = 0  # shipments without an exchange rate (values left out)

    @property
    def enterprises(self):
        return len(self.organisations)


@dataclass
class GoodsRow:
    hs_code: str
    names: dict  # language -> the catalogue's name of the HS line
    unit: str
    tally: Tally
    share_pct: Decimal | None = None  # of its direction's value (key products)


@dataclass
class Block:
    """One direction under one heading: its goods rows and their tally."""

    direction: Direction
    rows: list
    tally: Tally


@dataclass
class Heading:
    regime: Regime
    blocks: list  # [export Block, import Block]
    tally: Tally


@dataclass
class Section:
    """One gate (or all gates when `gate` is None): headings I–V and the totals of each direction."""

    gate: dict | None  # {code, name_vi, name_km, name_en, former_province}
    headings: list
    tally: Tally
    export: Tally
    imports: Tally

    @property
    def balance_usd(self):
        return self.export.value_usd - self.imports.value_usd


@dataclass
class BorderTradeReport:
    """Everything the XLSX and the PDF print, loaded beforehand (the builders read no database)."""

    province_code: str
    province_names: dict
    month: object  # its first day
    end: object  # its last day
    sections: list  # all gates first, then each gate with crossings, by code
    key_products: dict  # direction value -> [GoodsRow], largest value first
    idle_gates: list  # codes of the gates in scope without a crossing this month
    volume_totals: dict  # /reports/volume's totals for the same month and province
    missing_rates: list


def resolve_report_province(user, code):
    """Return the report's province: the given one (422 unknown, 404 outside the scope) or the caller's own."""
    require(user, "report.read")
    if not code:
        if user.role is Role.ADMIN or user.province is None:
            raise Invalid(errors={"province": [_("Choose a province.")]})
        return user.province.current()
    province = db.session.scalar(sa.select(Province).where(Province.code == code.strip().upper()))
    if province is None or province.country_code != "VN":
        raise Invalid(errors={"province": [_("Unknown province.")]})
    if not can(user, "report.read", province):
        raise NotFound(_("No such province in your scope."))
    return province


@on_replica
def border_trade_report(user, *, province=None, month):
    """Load the department's monthly report of a province (the caller's own when not given) for a calendar month."""
    place = resolve_report_province(user, province)
    first, last = month_bounds(month)
    gate_ids = scope_gate_ids(user, province=place.code)
    goods = queries.trade_goods(Criteria(start=first, end=last, gate_ids=gate_ids))
    gates = {g.id: g for g in db.session.scalars(sa.select(Gate).where(Gate.id.in_(gate_ids or set())))}
    names = _hs_names({key.hs_code for key in goods.rows})
    crossed = sorted({key.gate_id for key in goods.rows}, key=lambda gate_id: gates[gate_id].code)
    sections = [_section(None, goods, names)]
    sections += [_section(gates[gate_id], _of_gate(goods, gate_id), names) for gate_id in crossed]
    volume = volume_report(user, start=first, end=last, group_by=(), province=place.code)
    return BorderTradeReport(
        province_code=place.code,
        province_names={"vi": place.name_vi, "km": place.name_km, "en": place.name_en},
        month=first,
        end=last,
        sections=sections,
        key_products=_key_products(goods, names),
        idle_gates=sorted(g.code for g in gates.values() if g.id not in set(crossed)),
        volume_totals=volume.totals,
        missing_rates=[(m["date"], m["currency"]) for m in volume.missing_rates],
    )


def _of_gate(goods, gate_id):
    return queries.TradeGoods(
        rows={key: row for key, row in goods.rows.items() if key.gate_id == gate_id},
        shared=[entry for entry in goods.shared if entry[1].gate_id == gate_id],
    )


def _tallies(goods, by):
    """Return {by(key): Tally} over the goods rows; a shipment in several keys of one tally counts once."""
    tallies = {}
    for key, row in goods.rows.items():
        tally = tallies.setdefault(by(key), Tally())
        tally.quantity += row["quantity"]
        tally.value_usd += row["value_usd"]
        tally.shipments += row["shipments"]
        tally.missing += row["missing"]
        tally.organisations.add(key.organisation_id)
    # shipments with exactly the same keys: counted once in each of their keys the tally holds
    members = Counter((set_id, by(key)) for set_id, key, _shipments, _missing in goods.shared)
    counts = {set_id: (shipments, missing) for set_id, _key, shipments, missing in goods.shared}
    for (set_id, group), times in members.items():
        shipments, missing = counts[set_id]
        tallies[group].shipments -= (times - 1) * shipments
        tallies[group].missing -= (times - 1) * missing
    return tallies


def _hs_names(codes):
    rows = db.session.scalars(sa.select(HsCode).where(HsCode.code.in_(codes))) if codes else []
    return {row.code: {"vi": row.name_vi, "km": row.name_km, "en": row.name_en} for row in rows}


def _goods_rows(tallies, names):
    """Return goods rows from {(hs code, unit): Tally}, largest value first."""
    rows = [GoodsRow(code, names.get(code, {}), unit, tally) for (code, unit), tally in tallies.items()]
    rows.sort(key=lambda row: (-row.tally.value_usd, row.hs_code, row.unit))
    return rows


def _section(gate, goods, names):
    """Return one section from the goods rows of its gates."""
    goods_rows = _tallies(goods, lambda k: (k.regime, k.direction, k.hs_code, k.unit))
    blocks = _tallies(goods, lambda k: (k.regime, k.direction))
    regimes = _tallies(goods, lambda k: k.regime)
    directions = _tallies(goods, lambda k: k.direction)
    headings = []
    for regime in Regime:
        rows = []
        for direction in Direction:
            chosen = {
                (code, unit): tally
                for (r, d, code, unit), tally in goods_rows.items()
                if r == regime.value and d == direction.value
            }
            tally = blocks.get((regime.value, direction.value), Tally())
            rows.append(Block(direction, _goods_rows(chosen, names), tally))
        headings.append(Heading(regime, rows, regimes.get(regime.value, Tally())))
    return Section(
        gate=_gate_dict(gate) if gate is not None else None,
        headings=headings,
        tally=_tallies(goods, lambda k: None).get(None, Tally()),
        export=directions.get(Direction.EXPORT.value, Tally()),
        imports=directions.get(Direction.IMPORT.value, Tally()),
    )


def _gate_dict(gate):
    return {
        "code": gate.code,
        "name_vi": gate.name_vi,
        "name_km": gate.name_km,
        "name_en": gate.name_en,
        "former_province": gate.former_province.code if gate.former_province else None,
    }


def _key_products(goods, names):
    """Return the goods with the highest value in each direction (all gates, all regimes), with their share."""
    result = {}
    by_goods = _tallies(goods, lambda k: (k.direction, k.hs_code, k.unit))
    directions = _tallies(goods, lambda k: k.direction)
    for direction in Direction:
        total = directions.get(direction.value, Tally()).value_usd
        chosen = {(code, unit): tally for (d, code, unit), tally in by_goods.items() if d == direction.value}
        rows = _goods_rows(chosen, names)[:KEY_PRODUCTS]
        for row in rows:
            row.share_pct = (row.tally.value_usd * 100 / total).quantize(Decimal("0.1")) if total else None
        result[direction.value] = rows
    return result
