"""report_goods_shared_shipments and report_goods_shared_trips count shipments and plates per set of goods keys
(issue 20): one row per member key of each set of a day, with how many shipments (without a rate, without a plate)
or plates fall in exactly those keys, instead of one row per shipment or plate and key. Both tables are made
again; every figure is dropped and the watermark goes back to 0, so the next fold refills every day (until then
the reports read the shipments).

Revision ID: a7d3f5c9e214
Revises: c4e8a1f2b7d3
Create Date: 2026-12-04 17:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3f5c9e214"
down_revision = "c4e8a1f2b7d3"
branch_labels = None
depends_on = None

FIGURES = (
    "report_daily",
    "report_daily_trips",
    "report_shared_trips",
    "report_folded_days",
    "report_goods_daily",
)

SHARED = ("report_goods_shared_shipments", "report_goods_shared_trips")


def _refold():
    for table in FIGURES:
        op.execute(f"DELETE FROM {table}")
    op.execute("UPDATE report_fold_state SET watermark = 0, folded_at = NULL")


def _key(table, sets):
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *([sa.Column("set_no", sa.Integer(), nullable=False)] if sets else []),
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


def _drop():
    for table in SHARED:
        op.drop_index(op.f(f"ix_{table}_day"), table_name=table)
        op.drop_table(table)


def _create(sets):
    if sets:
        shipments = [
            sa.Column("shipments", sa.Integer(), nullable=False),
            sa.Column("missing", sa.Integer(), nullable=False),
            sa.Column("plateless", sa.Integer(), nullable=False),
        ]
        trips = [sa.Column("plates", sa.Integer(), nullable=False)]
    else:
        shipments = [
            sa.Column("shipment_id", sa.Integer(), nullable=False),
            sa.Column("plate", sa.String(length=20), nullable=True),
            sa.Column("missing", sa.Boolean(), nullable=False),
        ]
        trips = [sa.Column("plate", sa.String(length=20), nullable=False)]
    op.create_table(SHARED[0], *_key(SHARED[0], sets), *shipments)
    op.create_table(SHARED[1], *_key(SHARED[1], sets), *trips)
    for table in SHARED:
        op.create_index(op.f(f"ix_{table}_day"), table, ["day"], unique=False)


def upgrade():
    _refold()
    _drop()
    _create(sets=True)


def downgrade():
    _refold()
    _drop()
    _create(sets=False)
