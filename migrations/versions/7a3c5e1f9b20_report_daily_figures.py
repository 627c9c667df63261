"""daily figures of the reports (issue 20): report_daily, report_daily_trips, report_shared_trips,
report_folded_days and report_fold_state (one row, watermark 0: the first fold reads every crossing)

Revision ID: 7a3c5e1f9b20
Revises: 3f6b9d2e8a41
Create Date: 2026-12-03 18:25:00

"""

import sqlalchemy as sa
from alembic import op

import border_trade.types

# revision identifiers, used by Alembic.
revision = "7a3c5e1f9b20"
down_revision = "3f6b9d2e8a41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("shipments", sa.Integer(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("gross_weight_kg", border_trade.types.Weight(), nullable=False),
        sa.Column("net_weight_kg", border_trade.types.Weight(), nullable=False),
        sa.Column("value_vnd", border_trade.types.Money(), nullable=False),
        sa.Column("value_usd", border_trade.types.Money(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f("fk_report_daily_gate_id_gates")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_report_daily_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_daily")),
        sa.UniqueConstraint("day", "gate_id", "direction", "regime", "organisation_id", name="uq_report_daily_key"),
    )
    op.create_table(
        "report_daily_trips",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f("fk_report_daily_trips_gate_id_gates")),
        sa.PrimaryKeyConstraint("day", "gate_id", name=op.f("pk_report_daily_trips")),
    )
    op.create_table(
        "report_shared_trips",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f("fk_report_shared_trips_gate_id_gates")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_report_shared_trips_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "day", "gate_id", "plate", "direction", "regime", "organisation_id", name=op.f("pk_report_shared_trips")
        ),
    )
    op.create_table(
        "report_folded_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("usd", border_trade.types.Rate(), nullable=True),
        sa.Column("khr", border_trade.types.Rate(), nullable=True),
        sa.Column("folded_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_folded_days")),
    )
    state = op.create_table(
        "report_fold_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.Column("folded_at", border_trade.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_fold_state")),
    )
    op.bulk_insert(state, [{"id": 1, "watermark": 0}])


def downgrade():
    op.drop_table("report_fold_state")
    op.drop_table("report_folded_days")
    op.drop_table("report_shared_trips")
    op.drop_table("report_daily_trips")
    op.drop_table("report_daily")
