"""The province's home: targets with progress bars, the month and the year so far, each number a link to the
report that shows it; its own province only; and a bounded number of statements whatever the data size."""

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.enums import Direction
from border_trade.extensions import db
from border_trade.products.models import Product
from border_trade.province.models import Target, TargetMetric
from border_trade.shipments.models import Currency, EventKind, ExchangeRate, ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, get_province, make_organisation, make_product, make_shipment, make_user

LINK = re.compile(
    r'<a href="([^"]+)" data-figure="([^"]+)" data-number="([^"]*)" data-check="([^"]*)">'
    r"<span data-value>([^<]*)</span>"
)
CARD = re.compile(
    r'<a class="card[^"]*" href="([^"]+)"\s+data-figure="([^"]+)" data-number="([^"]*)" data-check="([^"]*)">'
    r'\s*<span class="card-body d-block">\s*<span[^>]*data-value>([^<]*)</span>'
)


def links(html):
    return [
        (h.replace("&amp;", "&"), key, number, check, text.strip())
        for h, key, number, check, text in LINK.findall(html) + CARD.findall(html)
    ]


def shown(html, check):
    """The text the linked page shows where `check` points (the two kinds of selector the unit tests read)."""
    total = re.fullmatch(r"\[data-total=([a-z_]+)\]", check)
    if total:
        return re.search(rf'data-total="{total.group(1)}">([^<]*)<', html).group(1).strip()
    metric = re.fullmatch(r"\[data-metric=([a-z_]+)\] td:nth-child\(4\)", check)
    if metric:
        row = re.search(rf'<tr data-metric="{metric.group(1)}">(.*?)</tr>', html, re.S).group(1)
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3].strip()
    return None  # an XPath into a table row: the browser test follows those


def crossed(organisation, at, *, gate="MOC-BAI", **overrides):
    shipment = make_shipment(organisation, gate=get_gate(gate), planned_crossing_on=at.date(), **overrides)
    shipment.status, shipment.arrived_at, shipment.crossed_at = ShipmentStatus.CROSSED, at - timedelta(hours=2), at
    shipment.events.append(
        ShipmentEvent(
            kind=EventKind.CROSSING,
            event="crossed",
            from_status=ShipmentStatus.CLEARED,
            to_status=ShipmentStatus.CROSSED,
            occurred_at=at,
            recorded_at=at,
            gate=shipment.gate,
        )
    )
    return shipment


@pytest.fixture
def world(db):
    """Crossings of this month and of earlier this year at Tây Ninh's gates, one at An Giang's, and targets."""
    db.session.add(ExchangeRate(currency=Currency.USD, rate_on=date(2020, 1, 1), vnd_per_unit=Decimal("25000")))
    db.session.add(ExchangeRate(currency=Currency.KHR, rate_on=date(2020, 1, 1), vnd_per_unit=Decimal("6.25")))
    org = make_organisation()
    melon = make_product(org, name_vi="Dưa lưới Tân Châu", ocop_stars=4)
    now = datetime.now(UTC)
    this_month = max(now - timedelta(hours=3), now.replace(day=1, hour=1, minute=0))
    year_start = now.replace(month=1, day=1, hour=3, minute=0)
    crossed(org, this_month, items=[{"product_id": melon.id}])
    crossed(org, this_month, gate="XA-MAT", vehicle_plate="70C-555.55")
    crossed(org, year_start, items=[{"product_id": melon.id}])
    crossed(org, year_start, direction=Direction.IMPORT, consignor_name="Angkor Agro")
    crossed(org, this_month, gate="TINH-BIEN")  # An Giang: not Tây Ninh's
    make_shipment(org)  # a draft: the trader's home evaluates its papers
    year = now.astimezone().year
    for metric, target in (
        (TargetMetric.EXPORT_VALUE_USD, "100000"),
        (TargetMetric.TRUCKS, "50"),
        (TargetMetric.OCOP_PRODUCTS_EXPORTED, "10"),
    ):
        db.session.add(Target(year=year, province=get_province("TAY-NINH"), metric=metric, target=Decimal(target)))
    db.session.commit()
    return org


def test_every_number_links_to_the_report_showing_it(login_as, world):
    officer = login_as(Role.PROVINCE_OFFICER, locale="en")
    html = officer.get("/").get_data(as_text=True)
    assert 'data-home="province"' in html
    assert html.count("<progress") >= 3
    found = links(html)
    assert {key for _h, key, *_rest in found} >= {"export_value_usd", "trucks", "shipments", "ocop_value_usd"}
    checked = 0
    for href, key, _number, check, text in found:
        page = officer.get(href)
        assert page.status_code == 200, href
        expected = shown(page.get_data(as_text=True), check)
        if expected is not None:
            assert text == expected, (key, href, check)
            checked += 1
    assert checked >= 10


def test_the_month_counts_only_the_provinces_gates(login_as, world):
    html = login_as(Role.PROVINCE_OFFICER, locale="en").get("/").get_data(as_text=True)
    month = html.split('id="home-month"')[1].split("</ul>")[0]
    assert re.search(r'data-figure="shipments" data-number="2"', month)  # TINH-BIEN left out


def test_another_province_sees_none_of_it(login_as, world):
    html = login_as(make_user(Role.PROVINCE_OFFICER, province=get_province("DONG-THAP"), locale="en")).get("/").text
    assert 'data-home="province"' in html and 'id="home-no-targets"' in html
    assert re.search(r'id="home-year">.*?data-figure="shipments" data-number="0"', html, re.S)


@contextmanager
def statements():
    """Count the statements sent meanwhile; the request starts from an empty session, as a served one does (the
    test client shares the test's app context, hence its session)."""
    db.session.remove()
    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_the_homes_ask_a_bounded_number_of_statements(login_as, world):
    officer = login_as(Role.PROVINCE_OFFICER)
    trader = login_as(make_user(Role.EXPORTER, organisation=world))
    officer.get("/"), trader.get("/")  # warm caches (rules, catalogues)
    with statements() as few_province:
        assert officer.get("/").status_code == 200
    with statements() as few_trader:
        assert trader.get("/").status_code == 200
    now = datetime.now(UTC)
    world = db.session.merge(world)
    product = db.session.scalar(sa.select(Product).where(Product.organisation_id == world.id))  # the same catalogue
    for n in range(25):
        crossed(world, now - timedelta(hours=4), gate=("MOC-BAI", "XA-MAT")[n % 2], items=[{"product_id": product.id}])
        make_shipment(world, status=(ShipmentStatus.DRAFT, ShipmentStatus.HELD, ShipmentStatus.READY)[n % 3])
    db.session.commit()
    with statements() as many_province:
        officer.get("/")
    with statements() as many_trader:
        trader.get("/")
    # the reports' own statements (scope, daily figures, the OCOP register by province) are most of these
    assert len(many_province) == len(few_province) <= 80, (len(few_province), len(many_province))
    assert len(many_trader) == len(few_trader) <= 25, (len(few_trader), len(many_trader))
