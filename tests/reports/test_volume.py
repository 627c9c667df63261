"""Volume reports: every total and grouping, crossing-day rates, local days, the 2025 mergers, missing rates."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from border_trade.errors import Invalid
from border_trade.products.models import OcopGroup
from border_trade.reports import services
from border_trade.reports.queries import DIMENSIONS, LINE_DIMENSIONS
from border_trade.shipments.models import Currency
from border_trade.shipments.money import compute_totals
from tests.factories import make_product

from .conftest import local

YEAR_2025 = dict(start=date(2025, 1, 1), end=date(2025, 12, 31))


def dec(text):
    return Decimal(text)


def pick(rows, **keys):
    matches = [row for row in rows if all(row[k] == v for k, v in keys.items())]
    assert len(matches) == 1, (keys, rows)
    return matches[0]


@pytest.fixture
def world(flat_rates, crossed, exporter_org, other_exporter_org):
    """Five crossings in March and April 2025 at MOC-BAI and XA-MAT, in USD, VND and KHR."""
    return {
        "a": crossed(exporter_org, local(2025, 3, 10), vehicle_plate="70H-111.11"),  # 400 × 9.50 USD
        "b": crossed(
            exporter_org,
            local(2025, 3, 20),
            vehicle_plate="70H-111.11",  # the same truck again
            items=[
                {
                    "quantity": dec("100"),
                    "unit_price": dec("2.50"),
                    "gross_weight_kg": dec("110"),
                    "net_weight_kg": dec("100"),
                }
            ],
        ),
        "c": crossed(
            exporter_org,
            local(2025, 3, 15),
            gate="XA-MAT",
            currency=Currency.VND,
            vehicle_plate="70H-222.22",
            items=[
                {
                    "quantity": dec("1000"),
                    "unit_price": dec("50000"),
                    "gross_weight_kg": dec("1050"),
                    "net_weight_kg": dec("1000"),
                }
            ],
        ),
        "d": crossed(
            exporter_org,
            local(2025, 4, 2),
            gate="XA-MAT",
            currency=Currency.KHR,
            vehicle_plate="70H-333.33",
            items=[
                {
                    "quantity": dec("200"),
                    "unit_price": dec("10000"),
                    "gross_weight_kg": dec("210"),
                    "net_weight_kg": dec("200"),
                }
            ],
        ),
        "e": crossed(other_exporter_org, local(2025, 4, 5), vehicle_plate="70H-444.44"),
    }


def test_gate_month_rows_and_totals(world, admin):
    report = services.volume_report(admin, group_by=("gate", "month"), **YEAR_2025)
    assert [(r["gate"], r["month"]) for r in report.rows] == [
        ("MOC-BAI", "2025-03"),
        ("MOC-BAI", "2025-04"),
        ("XA-MAT", "2025-03"),
        ("XA-MAT", "2025-04"),
    ]
    expected = {
        ("MOC-BAI", "2025-03"): (2, 2, "540.000", "500.000", "4050.00", "101250000"),
        ("MOC-BAI", "2025-04"): (1, 1, "430.000", "400.000", "3800.00", "95000000"),
        ("XA-MAT", "2025-03"): (1, 1, "1050.000", "1000.000", "2000.00", "50000000"),
        ("XA-MAT", "2025-04"): (1, 1, "210.000", "200.000", "500.00", "12500000"),
    }
    for row in report.rows:
        shipments, trucks, gross, net, usd, vnd = expected[(row["gate"], row["month"])]
        assert (row["shipments"], row["trucks"]) == (shipments, trucks)
        assert (row["gross_weight_kg"], row["net_weight_kg"]) == (dec(gross), dec(net))
        assert (row["value_usd"], row["value_vnd"], row["missing_rates"]) == (dec(usd), dec(vnd), 0)
    assert report.totals == {
        "shipments": 5,
        "trucks": 5,  # truck trips (issue 20): 70H-111.11 crossed at MOC-BAI on two days, two trips
        "gross_weight_kg": dec("2230.000"),
        "net_weight_kg": dec("2100.000"),
        "value_usd": dec("10350.00"),
        "value_vnd": dec("258750000"),
        "missing_rates": 0,
        # all exports: the balance is the whole value
        "export_value_usd": dec("10350.00"),
        "import_value_usd": dec("0.00"),
        "balance_usd": dec("10350.00"),
    }
    assert report.missing_rates == []


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_every_grouping_adds_up_to_the_totals(world, admin, product, dimension):
    report = services.volume_report(admin, group_by=(dimension,), **YEAR_2025)
    assert report.totals["shipments"] == 5
    assert report.totals["value_usd"] == dec("10350.00")
    for measure in ("gross_weight_kg", "net_weight_kg", "value_usd", "value_vnd"):
        assert sum(row[measure] for row in report.rows) == report.totals[measure], measure
    if dimension not in LINE_DIMENSIONS:
        assert sum(row["shipments"] for row in report.rows) == 5
    assert all(dimension in row for row in report.rows)


def test_groupings_label_their_keys(world, admin, exporter_org, other_exporter_org):
    by = {name: services.volume_report(admin, group_by=(name,), **YEAR_2025).rows for name in DIMENSIONS}
    assert [r["province"] for r in by["province"]] == ["TAY-NINH"]
    assert [r["month"] for r in by["month"]] == ["2025-03", "2025-04"]
    assert [(r["week"], r["shipments"]) for r in by["week"]] == [
        ("2025-W11", 2),  # Monday 10 and Saturday 15 March
        ("2025-W12", 1),
        ("2025-W14", 2),
    ]
    assert [r["day"] for r in by["day"]] == ["2025-03-10", "2025-03-15", "2025-03-20", "2025-04-02", "2025-04-05"]
    assert [(r["exporter"], r["exporter_name"], r["shipments"]) for r in by["exporter"]] == [
        (exporter_org.id, exporter_org.name, 4),
        (other_exporter_org.id, other_exporter_org.name, 1),
    ]
    assert [(r["hs_chapter"], r["shipments"]) for r in by["hs_chapter"]] == [("08", 5)]
    # the factory's lines have no catalogue product: the group comes from the HS code, no stars
    assert [(r["product_group"], r["shipments"]) for r in by["product_group"]] == [("food", 5)]
    assert [(r["ocop_stars"], r["shipments"]) for r in by["ocop_stars"]] == [(None, 5)]
    assert [(r["product"], r["product_name"]) for r in by["product"]] == [(None, None)]


def test_three_dimensions(world, admin, exporter_org, other_exporter_org):
    report = services.volume_report(admin, group_by=("exporter", "gate", "month"), **YEAR_2025)
    assert [(r["exporter"], r["gate"], r["month"], r["shipments"]) for r in report.rows] == [
        (exporter_org.id, "MOC-BAI", "2025-03", 2),
        (exporter_org.id, "XA-MAT", "2025-03", 1),
        (exporter_org.id, "XA-MAT", "2025-04", 1),
        (other_exporter_org.id, "MOC-BAI", "2025-04", 1),
    ]
    assert report.columns[:4] == ["exporter", "exporter_name", "gate", "month"]


def test_goods_attributes_measure_lines_and_count_shipments_once(flat_rates, crossed, exporter_org, admin):
    melon = make_product(exporter_org, name_vi="Dưa lưới", hs_code="08071900", ocop_stars=4, ocop_group=OcopGroup.FOOD)
    honey = make_product(exporter_org, name_vi="Mật ong", hs_code="04090000", ocop_stars=3, ocop_group=OcopGroup.HERBAL)
    lines = [
        {"product_id": melon.id, "quantity": dec("100"), "unit_price": dec("3.00"), "gross_weight_kg": dec("110")},
        {
            "product_id": honey.id,
            "hs_code": "04090000",
            "quantity": dec("10"),
            "unit_price": dec("12.00"),
            "gross_weight_kg": dec("6"),
        },
        {
            "description_vi": "Bánh tráng",
            "hs_code": "19059070",
            "quantity": dec("50"),
            "unit_price": dec("1.00"),
            "gross_weight_kg": dec("26"),
        },
    ]
    crossed(exporter_org, local(2025, 5, 6), items=lines, vehicle_plate="70H-555.55")
    crossed(exporter_org, local(2025, 5, 7), items=lines[:1], vehicle_plate="70H-555.55")

    groups = services.volume_report(admin, group_by=("product_group",), **YEAR_2025)
    assert [
        (r["product_group"], r["shipments"], r["trucks"], r["gross_weight_kg"], r["value_usd"]) for r in groups.rows
    ] == [
        # 2 melon lines (110 kg, 300 USD each) + rice paper (26 kg, 50); one plate on two days: two trips (issue 20)
        ("food", 2, 2, dec("246.000"), dec("650.00")),
        ("herbal", 1, 1, dec("6.000"), dec("120.00")),
    ]
    assert (groups.totals["shipments"], groups.totals["trucks"], groups.totals["value_usd"]) == (2, 2, dec("770.00"))

    stars = services.volume_report(admin, group_by=("ocop_stars",), **YEAR_2025)
    assert [(r["ocop_stars"], r["shipments"], r["value_usd"]) for r in stars.rows] == [
        (3, 1, dec("120.00")),
        (4, 2, dec("600.00")),
        (None, 1, dec("50.00")),
    ]
    chapters = services.volume_report(admin, group_by=("hs_chapter",), **YEAR_2025)
    assert [(r["hs_chapter"], r["shipments"]) for r in chapters.rows] == [("04", 1), ("08", 2), ("19", 1)]
    products = services.volume_report(admin, group_by=("product",), **YEAR_2025)
    assert [(r["product_name"], r["value_usd"]) for r in products.rows] == [
        ("Dưa lưới", dec("600.00")),
        ("Mật ong", dec("120.00")),
        (None, dec("50.00")),
    ]

    # a goods filter measures the matching lines only
    filtered = services.volume_report(admin, group_by=("gate",), product_group="herbal", **YEAR_2025)
    assert filtered.totals["value_usd"] == dec("120.00") and filtered.totals["shipments"] == 1
    assert services.volume_report(admin, group_by=("gate",), ocop_stars=4, **YEAR_2025).totals["shipments"] == 2
    chapter_19 = services.volume_report(admin, group_by=("gate",), hs_chapter="19", **YEAR_2025).totals
    assert (chapter_19["shipments"], chapter_19["gross_weight_kg"]) == (1, dec("26.000"))


def test_filters_by_gate_exporter_and_province(world, admin, other_exporter_org):
    gate = services.volume_report(admin, group_by=("month",), gate="XA-MAT", **YEAR_2025)
    assert gate.totals["shipments"] == 2 and gate.totals["value_usd"] == dec("2500.00")
    exporter = services.volume_report(admin, group_by=("gate",), exporter=other_exporter_org.id, **YEAR_2025)
    assert [(r["gate"], r["shipments"]) for r in exporter.rows] == [("MOC-BAI", 1)]
    assert services.volume_report(admin, group_by=("gate",), province="an-giang", **YEAR_2025).rows == []
    assert services.volume_report(admin, group_by=("gate",), province="TAY-NINH", **YEAR_2025).totals["shipments"] == 5


def test_values_use_the_rate_of_the_crossing_day_not_the_planned_one(add_rate, crossed, exporter_org, admin):
    add_rate("USD", date(2025, 3, 1), "25000")
    add_rate("USD", date(2025, 3, 8), "26000")  # in force on the crossing day (the latest on or before it)
    add_rate("USD", date(2025, 3, 11), "27000")  # after the crossing: not used
    shipment = crossed(exporter_org, local(2025, 3, 10), planned_crossing_on=date(2025, 3, 2))
    assert shipment.value_vnd == dec("95000000.00")  # the shipment's own totals use the planned day

    row = services.volume_report(admin, group_by=("day",), **YEAR_2025).rows[0]
    assert (row["day"], row["value_vnd"], row["value_usd"]) == ("2025-03-10", dec("98800000"), dec("3800.00"))


def test_conversion_rounds_each_shipment_like_its_totals(add_rate, crossed, exporter_org, admin):
    crossing_day = date(2025, 3, 10)
    add_rate("USD", date(2025, 3, 1), "25013.37")
    add_rate("KHR", date(2025, 3, 1), "6.5")
    khr_line = [{"quantity": dec("1"), "unit_price": dec("1"), "gross_weight_kg": dec("1"), "net_weight_kg": dec("1")}]
    usd_line = [
        {"quantity": dec("1"), "unit_price": dec("12.34"), "gross_weight_kg": dec("1"), "net_weight_kg": dec("1")}
    ]
    shipments = [
        crossed(exporter_org, local(2025, 3, 10), currency=Currency.KHR, items=khr_line),
        crossed(exporter_org, local(2025, 3, 10, 11), currency=Currency.KHR, items=khr_line),
        crossed(exporter_org, local(2025, 3, 10, 12), items=usd_line),
    ]
    expected = [compute_totals(s.items, s.currency, crossing_day) for s in shipments]
    totals = services.volume_report(admin, group_by=("gate",), **YEAR_2025).totals
    # 1 KHR × 6.5 = 6.5 → 7 VND per shipment (half up), so 14 for two, not round(13) = 13
    assert [t.value_vnd for t in expected] == [dec("7.00"), dec("7.00"), dec("308665.00")]
    assert totals["value_vnd"] == sum(t.value_vnd for t in expected) == dec("308679")
    assert totals["value_usd"] == sum(t.value_usd for t in expected) == dec("12.34")


def test_a_crossing_at_2330_utc_counts_on_the_next_local_day(add_rate, crossed, exporter_org, admin):
    add_rate("USD", date(2025, 1, 1), "25000")
    add_rate("USD", date(2025, 4, 1), "26000")
    crossed(exporter_org, datetime(2025, 3, 31, 23, 30, tzinfo=UTC))  # 06:30 on 1 April in Vietnam

    by_month = services.volume_report(admin, group_by=("month",), **YEAR_2025)
    assert [(r["month"], r["value_vnd"]) for r in by_month.rows] == [("2025-04", dec("98800000"))]
    by_day = services.volume_report(admin, group_by=("day",), **YEAR_2025)
    assert [r["day"] for r in by_day.rows] == ["2025-04-01"]
    march = services.volume_report(admin, group_by=("day",), start=date(2025, 3, 1), end=date(2025, 3, 31))
    assert march.rows == [] and march.totals["shipments"] == 0
    april_first = services.volume_report(admin, group_by=("day",), start=date(2025, 4, 1), end=date(2025, 4, 1))
    assert april_first.totals["shipments"] == 1


def test_a_missing_rate_is_reported_not_guessed(add_rate, crossed, exporter_org, admin):
    add_rate("USD", date(2025, 1, 1), "25000")
    add_rate("KHR", date(2025, 3, 1), "6.25")
    khr = [
        {"quantity": dec("200"), "unit_price": dec("10000"), "gross_weight_kg": dec("210"), "net_weight_kg": dec("200")}
    ]
    crossed(exporter_org, local(2025, 2, 1), currency=Currency.KHR, items=khr)  # before the first KHR rate
    crossed(exporter_org, local(2025, 3, 2), currency=Currency.KHR, items=khr)
    crossed(exporter_org, local(2025, 2, 3))  # USD: fine

    report = services.volume_report(admin, group_by=("month",), **YEAR_2025)
    february, march = report.rows
    assert (february["shipments"], february["gross_weight_kg"], february["missing_rates"]) == (2, dec("640.000"), 1)
    assert (february["value_usd"], february["value_vnd"]) == (dec("3800.00"), dec("95000000"))  # the KHR one left out
    assert (march["missing_rates"], march["value_vnd"], march["value_usd"]) == (0, dec("12500000"), dec("500.00"))
    assert report.totals["missing_rates"] == 1
    assert report.missing_rates == [{"date": date(2025, 2, 1), "currency": "KHR"}]


def test_a_missing_usd_rate_leaves_vnd_shipments_out_too(add_rate, crossed, exporter_org, admin):
    vnd = [{"quantity": dec("1"), "unit_price": dec("50000"), "gross_weight_kg": dec("1"), "net_weight_kg": dec("1")}]
    crossed(exporter_org, local(2025, 2, 1), currency=Currency.VND, items=vnd)
    report = services.volume_report(admin, group_by=("day",), **YEAR_2025)
    assert report.totals["value_vnd"] == 0 and report.totals["missing_rates"] == 1
    assert report.missing_rates == [{"date": date(2025, 2, 1), "currency": "USD"}]


@pytest.fixture
def merger_world(flat_rates, crossed, exporter_org):
    crossed(exporter_org, local(2024, 6, 10), gate="BINH-HIEP")  # Long An then
    crossed(exporter_org, local(2025, 6, 30, 23, 0), gate="BINH-HIEP")  # the last evening of Long An
    crossed(exporter_org, local(2025, 7, 1, 0, 30), gate="BINH-HIEP")  # Tây Ninh from 1 July 2025
    crossed(exporter_org, local(2024, 6, 10), gate="MOC-BAI")


def test_mergers_group_under_todays_province_by_default(merger_world, admin):
    report = services.volume_report(admin, group_by=("province",), start=date(2024, 1, 1), end=date(2025, 12, 31))
    assert [(r["province"], r["shipments"]) for r in report.rows] == [("TAY-NINH", 4)]


def test_mergers_group_under_the_province_of_the_time_when_recorded(merger_world, admin):
    period = dict(start=date(2024, 1, 1), end=date(2025, 12, 31), province_as="recorded")
    report = services.volume_report(admin, group_by=("province",), **period)
    assert [(r["province"], r["shipments"]) for r in report.rows] == [("LONG-AN", 2), ("TAY-NINH", 2)]
    by_month = services.volume_report(admin, group_by=("province", "month"), **period)
    assert [(r["province"], r["month"]) for r in by_month.rows] == [
        ("LONG-AN", "2024-06"),
        ("LONG-AN", "2025-06"),
        ("TAY-NINH", "2024-06"),
        ("TAY-NINH", "2025-07"),
    ]
    # the province filter takes the territory: LONG-AN's gates, whichever province they counted for
    long_an = services.volume_report(admin, group_by=("province",), province="LONG-AN", **period)
    assert [(r["province"], r["shipments"]) for r in long_an.rows] == [("LONG-AN", 2), ("TAY-NINH", 1)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (dict(group_by=("gate", "month", "day", "exporter")), "group_by"),
        (dict(group_by=("gate", "colour")), "group_by"),
        (dict(group_by=("gate", "gate")), "group_by"),
        (dict(start=date(2025, 2, 1), end=date(2025, 1, 1)), "to"),
        (dict(start=date(2010, 1, 1), end=date(2025, 1, 1)), "to"),
        (dict(gate="NO-SUCH-GATE"), "gate"),
        (dict(province="ATLANTIS"), "province"),
        (dict(province="KH-12"), "province"),  # Cambodian provinces have no gates of ours
        (dict(exporter=99999), "exporter"),
        (dict(province_as="whenever"), "province_as"),
    ],
)
def test_bad_parameters_name_the_field(admin, params, field):
    with pytest.raises(Invalid) as error:
        services.volume_report(admin, **params)
    assert field in error.value.errors


def test_previous_year_comparison(flat_rates, crossed, exporter_org, admin):
    crossed(exporter_org, local(2024, 3, 10))
    crossed(exporter_org, local(2025, 3, 10))
    crossed(exporter_org, local(2025, 3, 11))
    report = services.volume_report(admin, group_by=("gate", "month"), start=date(2025, 3, 1), end=date(2025, 3, 31))
    previous = services.previous_year_report(admin, report)
    assert (previous.start, previous.end) == (date(2024, 3, 1), date(2024, 3, 31))
    services.with_previous_year(report, previous)
    row = report.rows[0]
    assert row["previous"]["value_usd"] == dec("3800.00")
    assert row["change_pct"] == dec("100.0")
    assert report.totals["change_pct"] == dec("100.0")


def test_value_usd_follows_the_totals_formula_even_at_an_absurd_usd_rate(add_rate, crossed, exporter_org, admin):
    add_rate("USD", date(2025, 3, 1), "0.7")  # below 100 VND a dollar: value_usd is no longer the USD amount
    line = [{"quantity": dec("1"), "unit_price": dec("3.33"), "gross_weight_kg": dec("1"), "net_weight_kg": dec("1")}]
    shipment = crossed(exporter_org, local(2025, 3, 10), items=line)
    expected = compute_totals(shipment.items, shipment.currency, date(2025, 3, 10))
    totals = services.volume_report(admin, group_by=("gate",), **YEAR_2025).totals
    assert (
        (totals["value_vnd"], totals["value_usd"])
        == (dec("2"), dec("2.86"))
        == (expected.value_vnd, expected.value_usd)
    )
