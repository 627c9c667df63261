"""report_daily_trips holds every measure of a (day, gate), not only its trips (issue 20): reports by gate,
province and period read one row per gate and day. The figures folded so far are dropped and the watermark
goes back to 0, so the next fold recomputes every day (until then the reports read the shipments).

Revision ID: 8c4e2a7d1f53
Revises: b5d2e8c41f07
Create Date: 2026-12-03 18:40:00

"""

import sqlalchemy as sa
from alembic import op

import border_trade.types

# revision identifiers, used by Alembic.
revision = "8c4e2a7d1f53"
down_revision = "b5d2e8c41f07"
branch_labels = None
depends_on = None

MEASURES = (
    ("shipments", sa.Integer()),
    ("gross_weight_kg", border_trade.types.Weight()),
    ("net_weight_kg", border_trade.types.Weight()),
    ("value_vnd", border_trade.types.Money()),
    ("value_usd", border_trade.types.Money()),
    ("missing", sa.Integer()),
    ("export_usd", border_trade.types.Money()),
    ("import_usd", border_trade.types.Money()),
)


def _refold():
    for table in ("report_daily", "report_daily_trips", "report_shared_trips", "report_folded_days"):
        op.execute(f"DELETE FROM {table}")
    op.execute("UPDATE report_fold_state SET watermark = 0, folded_at = NULL")


def upgrade():
    _refold()
    with op.batch_alter_table("report_daily_trips") as batch:
        for name, type_ in MEASURES:
            batch.add_column(sa.Column(name, type_, nullable=False, server_default="0"))


def downgrade():
    _refold()
    with op.batch_alter_table("report_daily_trips") as batch:
        for name, _type in reversed(MEASURES):
            batch.drop_column(name)
