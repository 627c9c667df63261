"""Fold the gate events into the daily figures, and check the figures against a recomputation from the events.

The fold never touches the crossing's transaction: it runs in the scheduler (`report_figures`, every minute)
or from `flask reports fold`. It takes the days touched by `crossed` events above the watermark (late ones
included: an offline tablet syncing yesterday) and the folded days whose exchange rates changed, recomputes
each of those days whole from the events (delete + insert, one transaction), and moves the watermark. A day's
shipment figures and its goods figures (per goods key, queries/goods_daily.py) are replaced together.

The watermark moves only up to events recorded FOLD_MARGIN × 2 before the fold: an event id is taken from a
sequence when the row is inserted, and on PostgreSQL a transaction that took a lower id may commit after one
that took a higher id. Whatever sits above the watermark is folded again at the next run, and until then the
reports read its days from the shipments; so the figures stay exact as long as a crossing's transaction
commits within FOLD_MARGIN of the time it records (its statements are cut at STATEMENT_TIMEOUT_MS, 15 s).
See docs/aggregates.md.
"""

from datetime import timedelta

import sqlalchemy as sa

from ...extensions import db
from ...types import utcnow
from ..models import (
    DailyFigure,
    FoldedDay,
    FoldState,
    GateDayFigure,
    GoodsDayFigure,
    SharedGoodsShipment,
    SharedGoodsTrip,
    SharedTrip,
)
from ..queries.daily import (
    compute_days,
    days_of_events_after,
    days_with_changed_rates,
    stored_days,
    t_events,
    unfolded_days,
)
from ..queries.goods_daily import compute_goods_days, goods_rows, stored_goods_days

FOLD_MARGIN = timedelta(minutes=5)

CHUNK = 500

ANALYZE_AFTER_DAYS = 31


def _state():
    state = db.session.scalar(sa.select(FoldState).where(FoldState.id == 1).with_for_update())
    if state is None:
        state = FoldState(id=1, watermark=0)
        db.session.add(state)
        db.session.flush()
    return state


def fold(now=None, *, days=None):
    """Fold what changed since the last fold (or exactly `days`); commit; return the number of days folded."""
    now = now or utcnow()
    state = _state()  # one fold at a time: the state row is locked until the commit
    mark = state.watermark or 0
    if days is None:
        safe = db.session.scalar(
            sa.select(sa.func.max(t_events.c.id)).where(
                t_events.c.id > mark, t_events.c.recorded_at < now - 2 * FOLD_MARGIN
            )
        )
        days = days_of_events_after(mark) | days_with_changed_rates()
    else:
        safe = None
    days = set(days)
    for batch in _batches(days):  # a month at a time: a first fold over years never holds them all in memory
        _replace(batch, compute_days(batch), compute_goods_days(batch), now)
    if safe is not None and safe > mark:
        state.watermark = safe
    state.folded_at = now
    if len(days) > ANALYZE_AFTER_DAYS and db.session.get_bind().dialect.name == "postgresql":
        # a first fold fills the tables at once: the planner needs their statistics before autovacuum's
        db.session.execute(sa.text(f"ANALYZE {', '.join(TABLES)}"))
    db.session.commit()
    return len(days)


def refresh_daily_figures(day, now=None):
    """Fold again `day` and the three before it, whatever the watermark (the nightly job's safety net).

    A gate event may be recorded up to 72 hours late; should a crossing's transaction ever outlast FOLD_MARGIN,
    its day is put right here the next night.
    """
    return fold(now, days={day - timedelta(days=n) for n in range(4)})


MODELS = (DailyFigure, GateDayFigure, SharedTrip, FoldedDay, GoodsDayFigure, SharedGoodsShipment, SharedGoodsTrip)

TABLES = tuple(model.__tablename__ for model in MODELS)


def _replace(days, figures, goods, now):
    ordered = sorted(days)
    for chunk in (ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)):
        for model in MODELS:
            db.session.execute(sa.delete(model).where(model.day.in_(chunk)))
    keys = ("day", "gate_id", "direction", "regime", "organisation_id")
    rows = [dict(zip(keys, key, strict=True)) | measures for key, measures in figures.rows.items()]
    _insert(DailyFigure, rows)
    _insert(GateDayFigure, [{"day": d, "gate_id": g} | measures for (d, g), measures in figures.gate_days.items()])
    shared_keys = ("day", "gate_id", "plate", "direction", "regime", "organisation_id")
    _insert(SharedTrip, [dict(zip(shared_keys, row, strict=True)) for row in figures.shared])
    _insert(FoldedDay, [{"day": d, "usd": u, "khr": k, "folded_at": now} for d, (u, k) in figures.rates.items()])
    rows, shipments, trips = goods_rows(goods)
    _insert(GoodsDayFigure, rows)
    _insert(SharedGoodsShipment, shipments)
    _insert(SharedGoodsTrip, trips)


def _insert(model, rows):
    for start in range(0, len(rows), CHUNK * 10):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK * 10])


def verify(first_day, last_day):
    """Recompute the days of a period from the events and compare with the figures the reports would read.

    Return (differences, unfolded days): each difference is (table, key, stored, recomputed). Days not folded
    yet are left out (the reports read them from the shipments) and counted.
    """
    unfolded = unfolded_days(first_day, last_day)
    days = {first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)} - unfolded
    differences = []
    for batch in _batches(days):
        differences += _compare(stored_days(batch), compute_days(batch))
        differences += _compare_goods(stored_goods_days(batch), compute_goods_days(batch))
    db.session.rollback()
    return differences, unfolded


def _batches(days, size=31):
    ordered = sorted(days)
    return [set(ordered[i : i + size]) for i in range(0, len(ordered), size)]


def _compare(stored, fresh):
    differences = []
    for table, a, b in (
        ("report_daily", stored.rows, fresh.rows),
        ("report_daily_trips", stored.gate_days, fresh.gate_days),
        ("report_folded_days", stored.rates, fresh.rates),
    ):
        for key in sorted(set(a) | set(b), key=repr):
            if a.get(key) != b.get(key):
                differences.append((table, key, a.get(key), b.get(key)))
    for key in sorted(stored.shared ^ fresh.shared, key=repr):
        differences.append(("report_shared_trips", key, key in stored.shared, key in fresh.shared))
    return differences


def _compare_goods(stored, fresh):
    differences = []
    for table, a, b in (
        ("report_goods_daily", stored.rows, fresh.rows),
        ("report_goods_shared_shipments", stored.shipments, fresh.shipments),
        ("report_goods_shared_trips", stored.trips, fresh.trips),
    ):
        for key in sorted(set(a) | set(b), key=repr):
            if a.get(key) != b.get(key):
                shown = key if table == "report_goods_daily" else (key[0], *sorted(key[1], key=repr))
                differences.append((table, shown, a.get(key), b.get(key)))
    return differences
