"""linkage groups and province targets (issue 19)

New tables only: no existing row changes meaning.

Revision ID: c7d2a9e4b315
Revises: a3c5e9d1f274
Create Date: 2026-12-03 14:40:00

"""

from alembic import op
import sqlalchemy as sa

import border_trade.types


# revision identifiers, used by Alembic.
revision = "c7d2a9e4b315"
down_revision = "a3c5e9d1f274"
branch_labels = None
depends_on = None

METRICS = ("export_value_usd", "import_value_usd", "ocop_products_exported", "trucks")


def upgrade():
    op.create_table(
        "linkage_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "linkage_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["linkage_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"]),
        sa.PrimaryKeyConstraint("group_id", "province_id"),
    )
    op.create_table(
        "province_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.Enum(*METRICS, name="targetmetric", native_enum=False, length=30), nullable=False),
        sa.Column("target", border_trade.types.Money(), nullable=False),
        sa.Column("created_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("target > 0", name="province_target_positive"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "province_id", "metric", name="uq_province_targets_year_province_metric"),
    )


def downgrade():
    op.drop_table("province_targets")
    op.drop_table("linkage_group_members")
    op.drop_table("linkage_groups")
