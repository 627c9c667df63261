"""Daily goods figures (issue 20): the goods reports read from them equal the same reports read from the goods lines.

A randomized run (hypothesis) of crossings with several goods lines each (products in several groups, stars and
provinces, plain lines, several HS chapters and units; the same plate in several shipments), returned trucks,
late events, exchange-rate corrections, changes to a product's stars and group, and folds at random. At random
steps, and at the end after a fold that `verify` finds equal to the events: the volume report grouped or filtered
by a goods attribute equals `live_volume`, the OCOP report equals its reading of the goods lines, and the monthly
border-trade report's goods rows equal their reading of the goods lines (and their totals the volume report's).
"""

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from border_trade.auth.models import Organisation
from border_trade.enums import Direction, Regime
from border_trade.products.models import OcopGroup, Product
from border_trade.reports import queries
from border_trade.reports.queries import Criteria
from border_trade.reports.queries import goods as goods_module
from border_trade.reports.queries.daily import unfolded_days
from border_trade.reports.queries.figures import answers_from_figures
from border_trade.reports.queries.ocop import ocop_lines
from border_trade.reports.services.border_trade import _key_products, _of_gate, _section
from border_trade.reports.services.fold import fold, verify
from border_trade.shipments.models import Currency
from border_trade.types import utcnow
from tests.factories import get_gate, get_province, make_organisation, make_product

from .test_aggregates import FIRST, GATES, LATER, PERIODS, PLATES, normalised, record, set_rate

PRODUCTS = (
    ("Dưa lưới", "08071900", 4, OcopGroup.FOOD, "TAY-NINH"),
    ("Bánh tráng", "19059070", 3, None, "LONG-AN"),  # merged into Tây Ninh; no group: the HS code's (food)
    ("Xoài", "08045021", 5, OcopGroup.BEVERAGE, "DONG-THAP"),
    ("Mật ong", "04090000", None, OcopGroup.HERBAL, "TAY-NINH"),
)

# (product index or None for a plain line, HS code, unit)
LINES = (
    (0, "08071900", "KGM"),
    (0, "08071900", "TNE"),
    (1, "19059070", "KGM"),
    (2, "08045021", "KGM"),
    (3, "04090000", "LTR"),
    (None, "07141011", "KGM"),
    (None, "08071900", "KGM"),
    (None, "40012210", "TNE"),
)

GROUPINGS = (
    ("product_group",),
    ("hs_chapter", "gate"),
    ("ocop_stars", "day"),
    ("product", "direction"),
    ("product_group", "exporter", "week"),
    ("hs_chapter", "regime", "province"),
    ("gate", "month"),
    (),
)

OCOP_GROUPINGS = (
    (),
    ("origin_province",),
    ("ocop_stars", "gate"),
    ("product",),
    ("origin_province", "product", "gate"),
)


def goods_filters(orgs, gate_ids):
    return (
        {},
        {"product_group": "food"},
        {"ocop_stars": 4},
        {"hs_chapter": "08"},
        {"direction": Direction.EXPORT.value, "ocop_stars": 3},
        {"exporter_id": orgs[0], "hs_chapter": "19"},
        {"gate_ids": frozenset(gate_ids[:1]), "product_group": "herbal"},
        {"regime": Regime.BORDER_RESIDENT.value, "province_as": "recorded", "hs_chapter": "0"},
    )


def every_day(start, end):
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


def assert_goods_report_equal(criteria, group_by):
    assert answers_from_figures(criteria, group_by)
    expected = normalised(queries.live_volume(criteria, group_by), group_by)
    assert normalised(queries.volume(criteria, group_by), group_by) == expected, (criteria, group_by)
    assert queries.missing_rates(criteria) == queries.live_missing_rates(criteria)


def assert_ocop_equal(criteria, group_by, **options):
    live = ocop_lines(replace(criteria, days=every_day(criteria.start, criteria.end)), group_by, **options)
    assert ocop_lines(criteria, group_by, **options) == live, (criteria, group_by, options)


def trade(criteria):
    goods = queries.trade_goods(criteria)
    sections = [_section(None, goods, {})]
    sections += [_section(None, _of_gate(goods, gate_id), {}) for gate_id in sorted({k.gate_id for k in goods.rows})]
    return sections, _key_products(goods, {})


def assert_trade_equal(criteria):
    everything = every_day(criteria.start, criteria.end)
    with mock.patch.object(goods_module, "unfolded_days", lambda first, last: everything):
        live = trade(criteria)
    sections, key_products = trade(criteria)
    assert (sections, key_products) == live
    # every shipment has goods lines: the goods rows add up to the volume report's totals
    _rows, totals = queries.live_volume(criteria, ())
    tally = sections[0].tally
    assert (tally.shipments, tally.value_usd, tally.missing) == (totals.shipments, totals.value_usd, totals.missing)


def ocop_options(provinces, gate_ids):
    return (
        {},
        {"province_as": "recorded", "origin_ids": {provinces["LONG-AN"]}},
        {"origin_ids": {provinces["TAY-NINH"]}, "gate_ids_also": set(gate_ids[1:])},
    )


def assert_some_equal(criteria, orgs, gate_ids, provinces, grouping, which):
    """One goods grouping under one filter, one OCOP grouping and the border-trade goods rows."""
    filters = goods_filters(orgs, gate_ids)
    assert_goods_report_equal(replace(criteria, **filters[which % len(filters)]), GROUPINGS[grouping])
    exports = replace(criteria, direction=Direction.EXPORT.value)
    options = ocop_options(provinces, gate_ids)
    assert_ocop_equal(exports, OCOP_GROUPINGS[grouping % len(OCOP_GROUPINGS)], **options[which % len(options)])
    assert_trade_equal(replace(criteria, gate_ids=frozenset(gate_ids[: 1 + which % 3])))


def assert_all_equal(criteria, orgs, gate_ids, provinces):
    filters = goods_filters(orgs, gate_ids)
    for n, group_by in enumerate(GROUPINGS):  # each grouping alone, and under two filters: every filter twice
        for extra in ({}, filters[n], filters[(n + 2) % len(filters)]):
            assert_goods_report_equal(replace(criteria, **extra), group_by)
    exports = replace(criteria, direction=Direction.EXPORT.value)
    for group_by in OCOP_GROUPINGS:
        for options in ocop_options(provinces, gate_ids):
            assert_ocop_equal(exports, group_by, **options)
    assert_trade_equal(criteria)
    assert_trade_equal(replace(criteria, gate_ids=frozenset(gate_ids[:1])))


@pytest.fixture
def world(db):
    orgs = [make_organisation(name=f"HTX {n}") for n in range(3)]
    products = [
        make_product(orgs[0], name_vi=name, hs_code=code, ocop_stars=stars, ocop_group=group, province=get_province(p))
        for name, code, stars, group, p in PRODUCTS
    ]
    provinces = {code: get_province(code).id for code in ("TAY-NINH", "LONG-AN", "DONG-THAP")}
    return [o.id for o in orgs], [p.id for p in products], provinces


# unit prices per currency: the lines' own conversions round apart from their shipment's (1.01 USD = 0.50 + 0.50)
PRICES = {
    Currency.USD: ("0.33", "9.50", "12.67"),
    Currency.VND: ("12600", "8250.50", "237500"),
    Currency.KHR: ("1001", "4.13", "38000"),
}


def goods_line(product_ids, currency, index, quantity, price):
    product, hs_code, unit = LINES[index]
    price = PRICES[currency][price]
    line = {
        "description_vi": "Hàng",
        "hs_code": hs_code,
        "unit": unit,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "net_weight_kg": Decimal(quantity),
        "gross_weight_kg": Decimal(quantity) + 1,
    }
    return line | ({"product_id": product_ids[product]} if product is not None else {})


line = st.tuples(st.integers(0, len(LINES) - 1), st.sampled_from(("1", "3", "400")), st.integers(0, 2))

truck = st.fixed_dictionaries(
    {
        "day": st.integers(0, 3),
        "gate": st.sampled_from(GATES),  # BINH-HIEP was Long An's: `province_as=recorded` tells it apart
        "org": st.integers(0, 2),
        "plate": st.sampled_from(PLATES),
        "hour": st.sampled_from((0, 6, 16, 23)),
        "currency": st.sampled_from((Currency.USD, Currency.VND, Currency.KHR)),
        "regime": st.sampled_from((Regime.COMMERCIAL, Regime.BORDER_RESIDENT)),
        "direction": st.sampled_from((Direction.EXPORT, Direction.EXPORT, Direction.IMPORT)),
        "outcome": st.sampled_from(("crossed", "crossed", "returned")),
        "recorded_late": st.booleans(),
        "lines": st.lists(line, min_size=1, max_size=4),
    }
)

# one shipment in three goods keys (two products, a plain line) and the same plate in another shipment that day
SHARED = {
    "day": 1,
    "gate": "MOC-BAI",
    "org": 0,
    "plate": PLATES[0],
    "hour": 6,
    "currency": Currency.USD,
    "regime": Regime.COMMERCIAL,
    "direction": Direction.EXPORT,
    "outcome": "crossed",
    "recorded_late": False,
    "lines": [(0, "400", 0), (2, "3", 2), (5, "1", 1), (0, "1", 0)],
}

steps = st.lists(
    st.one_of(
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("fold"), st.booleans()),
        st.tuples(st.just("rate"), st.integers(-1, 7), st.sampled_from(("24000", "25000", "26123.5"))),
        st.tuples(st.just("khr"), st.integers(1, 7)),
        st.tuples(st.just("product"), st.integers(0, len(PRODUCTS) - 1), st.sampled_from((None, 3, 5))),
        st.tuples(st.just("check"), st.integers(0, 1), st.integers(0, len(GROUPINGS) - 1), st.integers(0, 7)),
    ),
    min_size=3,
    max_size=10,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(plan=[("truck", SHARED), ("fold", False), ("truck", SHARED | {"lines": [(3, "1", 0)], "org": 1})])
@example(plan=[("truck", SHARED | {"currency": Currency.VND, "lines": [(6, "1", 0), (5, "1", 0)]}), ("fold", False)])
@example(  # three shipments in the same set of keys (two plates, one without): counted apart, taken off apart
    plan=[
        ("truck", SHARED),
        ("truck", SHARED | {"plate": PLATES[1]}),
        ("truck", SHARED | {"plate": None}),
        ("fold", False),
    ]
)
@given(plan=steps)
def test_goods_figures_equal_the_goods_lines_after_random_crossings_and_corrections(db, world, plan):
    orgs, product_ids, provinces = world
    gate_ids = [get_gate(code).id for code in GATES]
    set_rate(db, Currency.USD, FIRST - timedelta(days=30), "25000")
    for step in plan:
        kind = step[0]
        if kind == "truck":
            t = step[1]
            record(
                db,
                db.session.get(Organisation, orgs[t["org"]]),
                FIRST + timedelta(days=t["day"]),
                items=[goods_line(product_ids, t["currency"], *chosen) for chosen in t["lines"]],
                **{k: v for k, v in t.items() if k not in ("day", "org", "lines")},
            )
        elif kind == "fold":
            fold(utcnow() if step[1] else utcnow() + LATER)
        elif kind == "rate":
            set_rate(db, Currency.USD, FIRST + timedelta(days=step[1]), step[2])
        elif kind == "khr":
            set_rate(db, Currency.KHR, FIRST + timedelta(days=step[1]), "6.25")
        elif kind == "product":  # the catalogue changes: the figures read a product's stars and group now
            product = db.session.get(Product, product_ids[step[1]])
            product.ocop_stars = step[2]
            product.ocop_group = OcopGroup.HERBAL if step[2] == 5 else product.ocop_group
            db.session.commit()
        else:
            _kind, period, grouping, which = step
            assert_some_equal(Criteria(*PERIODS[period]), orgs, gate_ids, provinces, grouping, which)
    fold(utcnow() + LATER)
    assert unfolded_days(FIRST - timedelta(days=1), FIRST + timedelta(days=9)) == set()
    assert verify(FIRST - timedelta(days=1), FIRST + timedelta(days=9)) == ([], set())
    assert_all_equal(Criteria(*PERIODS[0]), orgs, gate_ids, provinces)
    assert_some_equal(Criteria(*PERIODS[1]), orgs, gate_ids, provinces, 4, 5)


def answers(client, headers):
    """The goods reports of August 2025 through the API: OCOP by every dimension, volume by goods, the XLSX."""
    period = "from=2025-08-01&to=2025-08-31"
    bodies = [
        client.get(f"/api/v1/reports/ocop?{period}&group_by={group_by}", headers=headers).json
        for group_by in ("origin_province,ocop_stars,product,gate", "gate", "origin_province&province_as=recorded")
    ]
    bodies += [
        client.get(f"/api/v1/reports/volume?{period}&group_by={group_by}", headers=headers).json
        for group_by in ("product,gate", "hs_chapter,direction", "product_group&ocop_stars=4", "regime&hs_chapter=08")
    ]
    xlsx = client.get("/api/v1/reports/border-trade.xlsx?month=2025-08&province=TAY-NINH&lang=vi", headers=headers)
    workbook = load_workbook(io.BytesIO(xlsx.data))
    return bodies, [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


def test_the_goods_reports_answer_the_same_before_and_after_the_fold(client, token_for, admin, ocop_world, both_ways):
    headers = token_for(admin)
    assert unfolded_days(date(2025, 8, 1), date(2025, 8, 31))  # nothing folded: read from the goods lines
    before = answers(client, headers)
    assert before[0][0]["totals"]["shipments"] == 4 and len(before[1]) > 1
    fold(utcnow() + LATER)
    assert unfolded_days(date(2025, 8, 1), date(2025, 8, 31)) == set()
    assert answers(client, headers) == before
