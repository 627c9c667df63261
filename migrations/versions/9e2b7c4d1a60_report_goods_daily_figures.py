"""daily goods figures of the reports (issue 20): report_goods_daily, report_goods_shared_shipments and
report_goods_shared_trips. The figures folded so far are dropped and the watermark goes back to 0, so the next
fold fills the goods tables for every day (until then the reports read the shipments).

Revision ID: 9e2b7c4d1a60
Revises: 8c4e2a7d1f53
Create Date: 2026-12-04 16:40:00

"""

import sqlalchemy as sa
from alembic import op

import border_trade.types

# revision identifiers, used by Alembic.
revision = "9e2b7c4d1a60"
down_revision = "8c4e2a7d1f53"
branch_labels = None
depends_on = None

FOLDED = ("report_daily", "report_daily_trips", "report_shared_trips", "report_folded_days")


def _refold():
    for table in FOLDED:
        op.execute(f"DELETE FROM {table}")
    op.execute("UPDATE report_fold_state SET watermark = 0, folded_at = NULL")


def _key(table):
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("hs_code", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f(f"fk_{table}_gate_id_gates")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f(f"fk_{table}_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f(f"fk_{table}_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade():
    _refold()
    op.create_table(
        "report_goods_daily",
        *_key("report_goods_daily"),
        sa.Column("shipments", sa.Integer(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("quantity", border_trade.types.Weight(), nullable=False),
        sa.Column("gross_weight_kg", border_trade.types.Weight(), nullable=False),
        sa.Column("net_weight_kg", border_trade.types.Weight(), nullable=False),
        sa.Column("value_vnd", border_trade.types.Money(), nullable=False),
        sa.Column("value_usd", border_trade.types.Money(), nullable=False),
        sa.Column("value_usd_allotted", border_trade.types.Money(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
    )
    op.create_table(
        "report_goods_shared_shipments",
        *_key("report_goods_shared_shipments"),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=20), nullable=True),
        sa.Column("missing", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "report_goods_shared_trips",
        *_key("report_goods_shared_trips"),
        sa.Column("plate", sa.String(length=20), nullable=False),
    )
    for table in ("report_goods_daily", "report_goods_shared_shipments", "report_goods_shared_trips"):
        op.create_index(op.f(f"ix_{table}_day"), table, ["day"], unique=False)


def downgrade():
    _refold()
    for table in ("report_goods_shared_trips", "report_goods_shared_shipments", "report_goods_daily"):
        op.drop_index(op.f(f"ix_{table}_day"), table_name=table)
        op.drop_table(table)
