"""tariff quotas (issue 16): quota records with CHECK constraints, each shipment's claim, shipments.under_quota

New tables and one nullable column: no existing row changes meaning (no shipment names a quota yet).

Revision ID: 5e1a9c3d7b20
Revises: 68d907973a2c
Create Date: 2026-12-03 13:50:00

"""

from alembic import op
import sqlalchemy as sa

import border_trade.types


# revision identifiers, used by Alembic.
revision = "5e1a9c3d7b20"
down_revision = "68d907973a2c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tariff_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_km", sa.String(length=200), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("hs_prefixes", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("quantity", border_trade.types.Weight(), nullable=False),
        sa.Column("reserved", border_trade.types.Weight(), nullable=False),
        sa.Column("used", border_trade.types.Weight(), nullable=False),
        sa.Column("gates", sa.JSON(), nullable=False),
        sa.Column("origin_document", sa.String(length=40), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("unverified", sa.Boolean(), nullable=False),
        sa.Column("unverified_fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_tariff_quotas_quantity")),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_tariff_quotas_reserved")),
        sa.CheckConstraint("used >= 0", name=op.f("ck_tariff_quotas_used")),
        sa.CheckConstraint("reserved + used <= quantity", name=op.f("ck_tariff_quotas_remaining")),
        sa.CheckConstraint("period_from <= period_to", name=op.f("ck_tariff_quotas_period")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name="fk_tariff_quotas_updated_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_tariff_quotas"),
        sa.UniqueConstraint("code", name="uq_tariff_quotas_code"),
    )
    op.create_table(
        "tariff_quota_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quota_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("quantity", border_trade.types.Weight(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("reserved", "used", "released", name="claimstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("gate_code", sa.String(length=40), nullable=True),
        sa.Column("reserved_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", border_trade.types.UTCDateTime(), nullable=True),
        sa.Column("released_at", border_trade.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_tariff_quota_claims_quantity")),
        sa.ForeignKeyConstraint(
            ["quota_id"], ["tariff_quotas.id"], name="fk_tariff_quota_claims_quota_id_tariff_quotas"
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name="fk_tariff_quota_claims_shipment_id_shipments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tariff_quota_claims"),
        sa.UniqueConstraint("shipment_id", name="uq_tariff_quota_claims_shipment_id"),
    )
    op.create_index("ix_tariff_quota_claims_quota_id", "tariff_quota_claims", ["quota_id"], unique=False)
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("under_quota", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_column("under_quota")
    op.drop_index("ix_tariff_quota_claims_quota_id", table_name="tariff_quota_claims")
    op.drop_table("tariff_quota_claims")
    op.drop_table("tariff_quotas")
