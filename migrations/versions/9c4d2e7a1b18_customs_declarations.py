"""customs declarations (issue 18): one row per shipment with its VNACCS number, type code, channel and status

A new table only: no existing row changes meaning (no shipment had a declaration recorded before).

Revision ID: 9c4d2e7a1b18
Revises: 5e1a9c3d7b20
Create Date: 2026-12-03 14:10:00

"""

from alembic import op
import sqlalchemy as sa

import border_trade.types


# revision identifiers, used by Alembic.
revision = "9c4d2e7a1b18"
down_revision = "5e1a9c3d7b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customs_declarations",
        sa.Column("shipment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("type_code", sa.String(length=3), nullable=False),
        sa.Column("registered_at", border_trade.types.UTCDateTime(), nullable=True),
        sa.Column(
            "channel", sa.Enum("green", "yellow", "red", name="lane", native_enum=False, length=10), nullable=True
        ),
        sa.Column("cleared_at", border_trade.types.UTCDateTime(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "registered", "cleared", "cancelled", "amended", name="declarationstatus", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_customs_declarations_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_customs_declarations_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_customs_declarations")),
    )
    with op.batch_alter_table("customs_declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customs_declarations_number"), ["number"], unique=False)


def downgrade():
    with op.batch_alter_table("customs_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customs_declarations_number"))
    op.drop_table("customs_declarations")
