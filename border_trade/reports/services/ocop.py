"""The province's figures: OCOP exports by origin, a linkage group's goods, release times, targets' actuals.

Scope is every report's: the crossings at the gates the caller may see (province officers and viewers: their
province's, the provinces merged into it included; admins: every gate). `province=` on the OCOP report picks the
products' province of origin, which may lie anywhere; `products_registered` counts that province's OCOP
products (without it: the caller's province's, or every one for an admin) and `products_exported` those of them
found in the counted crossings.
"""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.permissions import require
from ...enums import Direction, Role
from ...errors import Invalid
from ...extensions import db
from ...gates.models import Gate, Province
from ...products.models import Product
from ...replica import on_replica
from .. import queries
from ..queries import Criteria
from ..queries.ocop import OCOP_DIMENSIONS, current_province_map, ocop_lines, registered_ocop_products
from ..queries.release import STAGES, release_times
from .scope import scope_gate_ids
from .volume import check_period, default_period, today_local

TARGET_METRICS = ("export_value_usd", "import_value_usd", "ocop_products_exported", "trucks")


def province_by_code(code, field="province"):
    """Return a Vietnamese province (historic codes included) by code, or 422 naming `field`."""
    province = db.session.scalar(sa.select(Province).where(Province.code == (code or "").strip().upper()))
    if province is None or province.country_code != "VN":
        raise Invalid(errors={field: [_("Unknown province.")]})
    return province


def origin_ids_for(province, province_as):
    """The ids an origin filter keeps: the province's territory today (current) or the province as recorded."""
    if province_as == "recorded":
        return {province.id}
    return {province.current().id}


def _period(start, end, today):
    default_start, default_end = default_period(today or today_local())
    start, end = start or default_start, end or default_end
    check_period(start, end)
    return start, end


def _names(model, ids):
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _label_rows(raw_rows, group_by):
    """Turn ids into codes and names: origin_province and gate as codes, product with its name."""
    ids = {name: {keys[group_by.index(name)] for keys, *_ in raw_rows} for name in group_by}
    provinces = _names(Province, ids.get("origin_province", ()))
    gates = _names(Gate, ids.get("gate", ()))
    products = _names(Product, ids.get("product", ()))
    rows = []
    for keys, shipments, value_usd, count in raw_rows:
        row = {}
        for name, key in zip(group_by, keys, strict=True):
            if name == "origin_province":
                row[name] = provinces[key].code if key in provinces else None
            elif name == "gate":
                row[name] = gates[key].code if key in gates else None
            elif name == "product":
                row[name] = key
                row["product_name"] = products[key].name_vi if key in products else None
            else:
                row[name] = key
        row.update(shipments=shipments, value_usd=value_usd, products=count)
        rows.append(row)
    return sorted(rows, key=lambda r: tuple(str(r.get(name) or "") for name in group_by))


@on_replica
def ocop_report(
    user,
    *,
    start=None,
    end=None,
    group_by=("origin_province",),
    province_as="current",
    province=None,
    gate=None,
    today=None,
):
    """OCOP goods exported in the period by origin province, stars, product and gate, with registered/exported."""
    require(user, "report.read")
    start, end = _period(start, end, today)
    group_by = tuple(group_by)
    unknown = [name for name in group_by if name not in OCOP_DIMENSIONS]
    if unknown or len(set(group_by)) != len(group_by):
        raise Invalid(errors={"group_by": [_("Choose from: %(choices)s.", choices=", ".join(OCOP_DIMENSIONS))]})
    gates = scope_gate_ids(user, gate=gate)
    if province:
        origin = origin_ids_for(province_by_code(province), province_as)
    elif user.province_id is not None and user.role is not Role.ADMIN:
        origin = origin_ids_for(db.session.get(Province, user.province_id), "current")
        if province_as == "recorded":
            origin = queries.territory_ids(next(iter(origin)))
    else:
        origin = None
    criteria = Criteria(start=start, end=end, gate_ids=gates, direction=Direction.EXPORT.value)
    raw_rows, (shipments, value_usd, _products), exported = ocop_lines(
        criteria, group_by, province_as=province_as, origin_ids=origin if province else None
    )
    registered = registered_ocop_products(origin, province_as)
    return {
        "from": start,
        "to": end,
        "group_by": list(group_by),
        "province_as": province_as,
        "rows": _label_rows(raw_rows, group_by),
        "totals": {
            "shipments": shipments,
            "value_usd": value_usd,
            "products_exported": len(exported & registered),
            "products_registered": len(registered),
        },
    }


@on_replica
def linkage_report(user, province_ids, *, start=None, end=None, today=None):
    """Member provinces' OCOP goods crossing at member provinces' gates, within the caller's gates."""
    require(user, "report.read")
    start, end = _period(start, end, today)
    merged = current_province_map()
    territory = set()
    for province_id in province_ids:
        territory |= queries.gates_of_territory(province_id)
    criteria = Criteria(start=start, end=end, gate_ids=scope_gate_ids(user), direction=Direction.EXPORT.value)
    group_by = ("origin_province", "gate")
    # origins as recorded: a member given by its historic code (LONG-AN) keeps its own rows
    recorded = set(province_ids) | {p for p, successor in merged.items() if successor in province_ids}
    raw_rows, (shipments, value_usd, products), _ids = ocop_lines(
        criteria, group_by, province_as="recorded", origin_ids=recorded, gate_ids_also=territory
    )
    return {
        "from": start,
        "to": end,
        "rows": _label_rows(raw_rows, group_by),
        "totals": {"shipments": shipments, "value_usd": value_usd, "products": products},
    }


@on_replica
def release_time_report(user, *, gate=None, start=None, end=None, today=None):
    """Rows per gate and month: each WCO TRS interval's count, mean, sd, p50, p90 in minutes."""
    start, end = _period(start, end, today)
    gates = scope_gate_ids(user, gate=gate)
    result = release_times(Criteria(start=start, end=end, gate_ids=gates))
    codes = _names(Gate, {gate_id for gate_id, _m in result})
    rows = []
    for (gate_id, month), stages in result.items():
        row = {"gate": codes[gate_id].code, "month": month}
        for stage, _a, _b in STAGES:
            row[stage] = vars(stages[stage])
        rows.append(row)
    rows.sort(key=lambda r: (r["gate"], r["month"]))
    return {"from": start, "to": end, "rows": rows}


def target_actual(province, year, metric):
    """Return the figure a target of `province` for `year` compares with (year to date), over its gates."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    gates = frozenset(queries.gates_of_territory(province.id))
    if metric in ("export_value_usd", "import_value_usd"):
        direction = Direction.EXPORT if metric == "export_value_usd" else Direction.IMPORT
        _rows, totals = queries.volume(Criteria(start=start, end=end, gate_ids=gates, direction=direction.value), ())
        return totals.value_usd
    if metric == "trucks":
        return queries.truck_days(Criteria(start=start, end=end, gate_ids=gates))
    if metric == "ocop_products_exported":
        criteria = Criteria(start=start, end=end, gate_ids=gates, direction=Direction.EXPORT.value)
        _rows, _totals, exported = ocop_lines(criteria, ())
        return len(exported & registered_ocop_products(queries.territory_ids(province.id), "recorded"))
    raise Invalid(errors={"metric": [_("Unknown metric.")]})
