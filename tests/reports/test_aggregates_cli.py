"""`flask reports fold` and `flask reports verify` (issue 20): a clear diff and exit 1 when the figures disagree;
the watermark stays below events recorded within the margin; a late event's day is read from the shipments."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from border_trade.reports import queries
from border_trade.reports.models import DailyFigure, GoodsDayFigure, SharedGoodsShipment
from border_trade.reports.queries import Criteria
from border_trade.reports.queries.daily import unfolded_days, watermark
from border_trade.reports.services.fold import FOLD_MARGIN, fold, verify
from border_trade.shipments.models import ShipmentEvent
from border_trade.types import utcnow

from .conftest import local

MARCH = Criteria(start=date(2025, 3, 1), end=date(2025, 3, 31))


def test_fold_then_verify_agree_and_a_tampered_row_fails(db, runner, flat_rates, crossed, exporter_org):
    crossed(exporter_org, local(2025, 3, 10), vehicle_plate="70H-111.11")
    crossed(exporter_org, local(2025, 3, 11, 23), vehicle_plate="70H-111.11", gate="XA-MAT")
    assert unfolded_days(MARCH.start, MARCH.end) == {date(2025, 3, 10), date(2025, 3, 11)}
    result = runner.invoke(args=["reports", "fold"])
    assert (result.exit_code, result.output) == (0, "2 days folded\n")
    assert unfolded_days(MARCH.start, MARCH.end) == set()

    result = runner.invoke(args=["reports", "verify", "--from", "2025-03-01", "--to", "2025-03-31"])
    assert result.exit_code == 0, result.output
    assert "31 folded days checked, 0 not folded yet (read from the shipments), 0 differences" in result.output

    db.session.execute(sa.update(DailyFigure).where(DailyFigure.day == date(2025, 3, 10)).values(shipments=2))
    db.session.commit()
    result = runner.invoke(args=["reports", "verify", "--from", "2025-03-10"])
    assert result.exit_code == 1
    assert "report_daily (2025-03-10, " in result.output
    assert "shipments: 2" in result.output and "shipments: 1" in result.output
    assert "1 differences" in result.output

    result = runner.invoke(args=["reports", "fold", "--from", "2025-03-10", "--to", "2025-03-10"])
    assert result.output == "1 days folded\n"
    assert runner.invoke(args=["reports", "verify", "--from", "2025-03-10"]).exit_code == 0
    assert runner.invoke(args=["reports", "verify", "--from", "2025-03-10", "--to", "2025-03-09"]).exit_code == 2


def test_a_late_event_is_read_live_until_folded_and_the_margin_holds_the_watermark(
    db, flat_rates, crossed, exporter_org
):
    crossed(exporter_org, local(2025, 3, 10), vehicle_plate="70H-111.11")
    fold(utcnow())
    folded = watermark()
    assert folded > 0 and unfolded_days(MARCH.start, MARCH.end) == set()

    # an offline tablet syncs a crossing of 9 March now: its event is recorded now, above the watermark
    late = crossed(exporter_org, local(2025, 3, 9), vehicle_plate="70H-999.99")
    event = db.session.scalar(
        sa.select(ShipmentEvent).where(ShipmentEvent.shipment_id == late.id).order_by(ShipmentEvent.id.desc())
    )
    event.recorded_at = utcnow()
    db.session.commit()
    assert unfolded_days(MARCH.start, MARCH.end) == {date(2025, 3, 9)}
    _rows, totals = queries.volume(MARCH, ())
    assert (totals.shipments, totals.trucks) == (2, 2)  # read from the shipments for 9 March

    assert fold(utcnow()) == 1  # the day is folded now ...
    assert watermark() < event.id  # ... but the watermark waits until the event is older than twice the margin
    assert unfolded_days(MARCH.start, MARCH.end) == {date(2025, 3, 9)}
    fold(utcnow() + 2 * FOLD_MARGIN + timedelta(seconds=1))
    assert watermark() >= event.id and unfolded_days(MARCH.start, MARCH.end) == set()
    _rows, totals = queries.volume(MARCH, ())
    assert (totals.shipments, totals.trucks) == (2, 2)


def test_a_corrected_rate_sends_its_days_back_to_the_shipments_until_folded(
    db, add_rate, flat_rates, crossed, exporter_org
):
    crossed(exporter_org, local(2025, 3, 10))
    fold(utcnow())
    add_rate("USD", date(2025, 3, 10), "26000")  # from 10 March on: 9 March keeps 25,000
    assert unfolded_days(MARCH.start, MARCH.end) == {date(2025, 3, 10)}
    live = by_day(queries.live_volume(MARCH, ("day",)))
    assert by_day(queries.volume(MARCH, ("day",))) == live
    fold(utcnow())
    assert unfolded_days(MARCH.start, MARCH.end) == set()
    assert by_day(queries.volume(MARCH, ("day",))) == live
    assert live[0][date(2025, 3, 10)].value_vnd == 98_800_000  # 3,800 USD at the corrected 26,000
    assert live[0][date(2025, 3, 10)].value_usd == Decimal("3800.00")


def by_day(result):
    rows, totals = result
    return {date.fromisoformat(str(keys[0])[:10]): a for keys, a in rows}, totals


def test_the_nightly_job_folds_the_last_days_again_whatever_the_watermark(db, flat_rates, crossed, exporter_org):
    from border_trade.scheduler import jobs

    crossed(exporter_org, local(2025, 3, 10), vehicle_plate="70H-111.11")
    fold(utcnow())
    # as if a crossing had committed behind the watermark: the figures of 10 March lack it
    db.session.execute(sa.update(DailyFigure).where(DailyFigure.day == date(2025, 3, 10)).values(shipments=0))
    db.session.commit()
    assert verify(date(2025, 3, 10), date(2025, 3, 10))[0]
    jobs.nightly_cleanup(local(2025, 3, 13, 1, 30))  # yesterday and the three days before: 9 to 12 March
    assert verify(date(2025, 3, 10), date(2025, 3, 10)) == ([], set())


def test_verify_reports_a_tampered_goods_figure_and_a_lost_shared_shipment(
    db, runner, flat_rates, crossed, exporter_org
):
    lines = [{"hs_code": "08071900"}, {"hs_code": "08045021", "description_vi": "Xoài tươi"}]
    crossed(exporter_org, local(2025, 3, 10), vehicle_plate="70H-111.11", items=lines)
    fold(utcnow())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoodsDayFigure)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SharedGoodsShipment)) == 2  # the set's 2 keys
    assert runner.invoke(args=["reports", "verify", "--from", "2025-03-10"]).exit_code == 0

    tampered = sa.update(GoodsDayFigure).where(GoodsDayFigure.hs_code == "08045021").values(quantity=Decimal("401"))
    db.session.execute(tampered)
    db.session.execute(sa.delete(SharedGoodsShipment).where(SharedGoodsShipment.hs_code == "08071900"))
    db.session.commit()
    result = runner.invoke(args=["reports", "verify", "--from", "2025-03-10"])
    assert result.exit_code == 1
    assert "report_goods_daily (2025-03-10, " in result.output and "08045021, KGM)" in result.output
    assert "quantity: 401.000" in result.output and "quantity: 400.000" in result.output
    # the set of both keys is gone; a set of one key is left
    mango, melon = (f"(2025-03-10, 1, export, commercial, 1, None, {code}, KGM)" for code in ("08045021", "08071900"))
    lost = f"report_goods_shared_shipments (2025-03-10, {mango}, {melon}): stored None, from the events (1, 0, 0)"
    left = f"report_goods_shared_shipments (2025-03-10, {mango}): stored (1, 0, 0), from the events None"
    assert lost in result.output and left in result.output
    assert "3 differences" in result.output
    # the reports would count the shipment twice in a row holding both lines: the fold puts it right
    runner.invoke(args=["reports", "fold", "--from", "2025-03-10", "--to", "2025-03-10"])
    assert runner.invoke(args=["reports", "verify", "--from", "2025-03-10"]).exit_code == 0
    _rows, totals = queries.volume(replace(MARCH, hs_chapter="08"), ())
    assert (totals.shipments, totals.trucks) == (1, 1)
