"""`flask seed --bench N`: realistic shipments with consistent timelines, spread over gates, exporters and groups."""

from datetime import date

import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.gates.models import Gate
from border_trade.products.models import OcopGroup, Product
from border_trade.reports import services
from border_trade.shipments.models import Shipment, ShipmentEvent, ShipmentStatus
from border_trade.shipments.references import next_reference
from tests.factories import make_user

N = 2000


def test_seed_bench_spreads_realistic_shipments(runner):
    result = runner.invoke(args=["seed", "--bench", str(N)])
    assert result.exit_code == 0, result.output
    assert f"bench: {N} shipments" in result.output

    assert db.session.scalar(sa.select(sa.func.count(Shipment.id))) == N
    events = db.session.scalar(sa.select(sa.func.count(ShipmentEvent.id)))
    assert 4 * N < events < 8 * N  # about five a shipment: ~1,000,000 for the default 200,000
    gates_used = set(db.session.scalars(sa.select(Shipment.gate_id).distinct()))
    assert gates_used == set(db.session.scalars(sa.select(Gate.id)))
    exporters = db.session.scalar(sa.select(sa.func.count(sa.distinct(Shipment.organisation_id))))
    assert exporters == 40
    assert set(db.session.scalars(sa.select(Product.ocop_group).distinct())) == set(OcopGroup)
    references = db.session.scalars(sa.select(Shipment.reference)).all()
    assert len(set(references)) == N
    assert next_reference(2025) not in references  # the counters moved past the seeded numbers

    # every crossed shipment has one `crossed` event at its crossed_at, after its arrival
    crossed = db.session.execute(
        sa.select(Shipment.id, Shipment.arrived_at, Shipment.crossed_at, Shipment.status).where(
            Shipment.crossed_at.is_not(None)
        )
    ).all()
    assert len(crossed) > 0.8 * N
    assert {row.status for row in crossed} <= {ShipmentStatus.CROSSED, ShipmentStatus.DELIVERED}
    assert all(row.arrived_at < row.crossed_at for row in crossed)
    crossed_events = dict(
        db.session.execute(
            sa.select(ShipmentEvent.shipment_id, ShipmentEvent.occurred_at).where(ShipmentEvent.event == "crossed")
        ).all()
    )
    assert {row.id: row.crossed_at for row in crossed} == crossed_events

    # the 2025 merger shows: BINH-HIEP crossed for LONG-AN before July 2025 and for TAY-NINH after
    admin = make_user(Role.ADMIN)
    report = services.volume_report(
        admin,
        start=date(2024, 1, 1),
        end=date(2026, 12, 31),
        group_by=("province",),
        gate="BINH-HIEP",
        province_as="recorded",
    )
    assert [row["province"] for row in report.rows] == ["LONG-AN", "TAY-NINH"]
    assert report.totals["missing_rates"] == 0
    everything = services.volume_report(admin, start=date(2024, 1, 1), end=date(2026, 12, 31), group_by=("gate",))
    assert everything.totals["shipments"] == len(crossed)


def test_seed_bench_twice_adds_more_without_collisions(runner):
    assert runner.invoke(args=["seed", "--bench", "50"]).exit_code == 0
    result = runner.invoke(args=["seed", "--bench", "50"])
    assert result.exit_code == 0, result.output
    assert "0 exporters" in result.output  # the forty are reused
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Shipment.reference)))) == 100


def test_vacuum_analyze_gives_the_planner_statistics(app):
    """seed.bulk.vacuum_analyze (the bulk seed's and the crossing benchmark's last step): the named tables, or the
    whole database without names, analyzed (PostgreSQL; nothing to do elsewhere)."""
    from border_trade.seed.bulk import vacuum_analyze

    if db.engine.dialect.name != "postgresql":
        vacuum_analyze(["shipments"])  # runs, changes nothing
        return
    db.session.commit()

    def analyzed(table):  # analyzed since the test began (autovacuum may have analyzed it earlier in the run)
        statement = sa.text("SELECT coalesce(last_analyze > :since, false) FROM pg_stat_user_tables WHERE relname = :t")
        with db.engine.connect() as connection:
            return connection.execute(statement, {"t": table, "since": since}).scalar()

    with db.engine.connect() as connection:
        since = connection.execute(sa.text("SELECT now()")).scalar()
    vacuum_analyze(["shipments"])
    assert analyzed("shipments") and not analyzed("gates")
    vacuum_analyze()
    assert analyzed("gates")
