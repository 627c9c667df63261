"""Daily figures (issue 20): folded from the events, they answer the reports exactly as the shipments do.

A randomized run (hypothesis) of crossings, returned trucks, late events (an offline tablet syncing an earlier
day after a fold), exchange-rate corrections and folds: at every step the reports read from the figures equal
the reports read from the shipments, and after a fold `verify` finds the figures equal to a recomputation
from the events.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from border_trade.enums import Direction, Regime
from border_trade.reports import queries
from border_trade.reports.queries import Criteria
from border_trade.reports.queries.daily import unfolded_days
from border_trade.reports.queries.figures import answers_from_figures
from border_trade.reports.services.fold import fold, verify
from border_trade.shipments.models import Currency, EventKind, ExchangeRate, ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_organisation, make_shipment

from .conftest import local

FIRST = date(2025, 3, 1)
GATES = ("MOC-BAI", "XA-MAT", "BINH-HIEP")
PLATES = ("70H-111.11", "62C-333.33", None)
LATER = timedelta(hours=1)  # a fold "an hour from now": every event recorded so far is under the watermark

GROUPINGS = (
    (),
    ("gate", "month"),
    ("day",),
    ("province", "week"),
    ("direction", "regime"),
    ("exporter", "gate"),
    ("gate", "direction", "day"),
)


def normalised(result, group_by):
    rows, totals = result
    return {tuple(str(v)[:10] if v is not None else None for v in keys): a for keys, a in rows}, totals


PERIODS = ((FIRST, FIRST + timedelta(days=8)), (FIRST + timedelta(days=2), FIRST + timedelta(days=4)))


def filters(orgs, gate_ids):
    return (
        {},
        {"direction": Direction.EXPORT.value},
        {"exporter_id": orgs[0]},
        {"gate_ids": frozenset(gate_ids[:2])},
        {"regime": Regime.BORDER_RESIDENT.value, "province_as": "recorded"},
    )


def assert_report_equal(criteria, group_by):
    """A report the figures answer equals the same report read from the shipments."""
    assert answers_from_figures(criteria, group_by)
    expected = normalised(queries.live_volume(criteria, group_by), group_by)
    assert normalised(queries.volume(criteria, group_by), group_by) == expected, (criteria, group_by)
    assert queries.missing_rates(criteria) == queries.live_missing_rates(criteria)


def record(
    db, organisation, day, *, gate, plate, hour, currency, regime, direction, outcome, recorded_late, items=None
):
    """A truck through the gate: crossed or returned, its events recorded on time or late (synced later)."""
    at = local(day.year, day.month, day.day, hour, 30)
    shipment = make_shipment(
        organisation,
        gate=get_gate(gate),
        vehicle_plate=plate,
        currency=currency,
        regime=regime,
        direction=direction,
        planned_crossing_on=day,
        items=items or [{"unit_price": Decimal("9.50") if currency != Currency.VND else Decimal("237500")}],
        **(
            {"consignee_name": None, "consignor_name": "Kampong Cham Agro", "consignor_country": "KH"}
            if direction == Direction.IMPORT
            else {}
        ),
    )
    target = ShipmentStatus.CROSSED if outcome == "crossed" else ShipmentStatus.RETURNED
    recorded = utcnow() if recorded_late else at
    for name, when, before, after in (
        ("arrived", at - timedelta(minutes=50), ShipmentStatus.SUBMITTED, ShipmentStatus.AT_GATE),
        (outcome, at, ShipmentStatus.AT_GATE, target),
    ):
        shipment.events.append(
            ShipmentEvent(
                kind=EventKind.CROSSING,
                event=name,
                from_status=before,
                to_status=after,
                occurred_at=when,
                recorded_at=recorded,
                gate=shipment.gate,
            )
        )
    shipment.arrived_at = at - timedelta(minutes=50)
    shipment.status = target
    if outcome == "crossed":
        shipment.crossed_at = at
    db.session.commit()


def set_rate(db, currency, on, value):
    """Add a rate, or correct the one of that day."""
    rate = db.session.scalar(
        sa.select(ExchangeRate).where(ExchangeRate.currency == currency, ExchangeRate.rate_on == on)
    )
    if rate is None:
        db.session.add(ExchangeRate(currency=currency, rate_on=on, vnd_per_unit=Decimal(value)))
    else:
        rate.vnd_per_unit = Decimal(value)
    db.session.commit()


truck = st.fixed_dictionaries(
    {
        "day": st.integers(0, 3),  # few days, gates and plates: one plate often crosses in several keys a day
        "gate": st.sampled_from(GATES[:2]),
        "org": st.integers(0, 2),
        "plate": st.sampled_from(PLATES),
        "hour": st.sampled_from((0, 6, 16, 23)),  # 23:30 local is 16:30 UTC: the local day decides
        "currency": st.sampled_from((Currency.USD, Currency.VND, Currency.KHR)),
        "regime": st.sampled_from((Regime.COMMERCIAL, Regime.BORDER_RESIDENT)),
        "direction": st.sampled_from((Direction.EXPORT, Direction.IMPORT)),
        "outcome": st.sampled_from(("crossed", "crossed", "returned")),
        "recorded_late": st.booleans(),
    }
)

# one plate, one gate, one day, two keys: the trip counts once in the totals and in each key
SHARED = {
    "day": 1,
    "gate": "MOC-BAI",
    "org": 1,
    "plate": PLATES[0],
    "hour": 6,
    "currency": Currency.USD,
    "regime": Regime.COMMERCIAL,
    "direction": Direction.EXPORT,
    "outcome": "crossed",
    "recorded_late": False,
}

steps = st.lists(
    st.one_of(
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("truck"), truck),
        st.tuples(st.just("fold"), st.booleans()),  # True: with a margin that leaves recent events unfolded
        st.tuples(st.just("rate"), st.integers(-1, 7), st.sampled_from(("24000", "25000", "26123.5"))),
        st.tuples(st.just("khr"), st.integers(1, 7)),  # KHR known only from this day: earlier ones lack a rate
        st.tuples(st.just("check"), st.integers(0, len(GROUPINGS) - 1), st.integers(0, 4), st.integers(0, 1)),
    ),
    min_size=3,
    max_size=12,
)


@pytest.fixture
def orgs(db):
    return [make_organisation(name=f"HTX {n}").id for n in range(3)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(plan=[("truck", SHARED | {"org": 0}), ("fold", False), ("truck", SHARED | {"direction": Direction.IMPORT})])
@given(plan=steps)
def test_figures_equal_the_events_after_random_crossings_returns_late_events_and_corrections(db, orgs, plan):
    from border_trade.auth.models import Organisation

    gate_ids = [get_gate(code).id for code in GATES]
    set_rate(db, Currency.USD, FIRST - timedelta(days=30), "25000")
    for step in plan:
        kind = step[0]
        if kind == "truck":
            t = step[1]
            organisation = db.session.get(Organisation, orgs[t["org"]])
            record(
                db,
                organisation,
                FIRST + timedelta(days=t["day"]),
                **{k: v for k, v in t.items() if k not in ("day", "org")},
            )
        elif kind == "fold":
            fold(utcnow() if step[1] else utcnow() + LATER)
        elif kind == "rate":
            set_rate(db, Currency.USD, FIRST + timedelta(days=step[1]), step[2])
        elif kind == "khr":
            set_rate(db, Currency.KHR, FIRST + timedelta(days=step[1]), "6.25")
        else:
            _kind, grouping, which, period = step
            start, end = PERIODS[period]
            assert_report_equal(Criteria(start, end, **filters(orgs, gate_ids)[which]), GROUPINGS[grouping])
    assert_report_equal(Criteria(*PERIODS[0]), ("gate", "day"))
    fold(utcnow() + LATER)
    assert unfolded_days(FIRST - timedelta(days=1), FIRST + timedelta(days=9)) == set()
    differences, unfolded = verify(FIRST - timedelta(days=1), FIRST + timedelta(days=9))
    assert (differences, unfolded) == ([], set())
    for group_by in GROUPINGS:
        assert_report_equal(Criteria(*PERIODS[0]), group_by)
    assert_report_equal(Criteria(*PERIODS[0], exporter_id=orgs[1]), ("direction", "week"))
    assert_report_equal(Criteria(*PERIODS[1], direction=Direction.IMPORT.value), ("gate",))
