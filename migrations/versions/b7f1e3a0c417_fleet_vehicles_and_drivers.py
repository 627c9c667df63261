"""fleet: vehicles and drivers of a trader (issue 17)

Revision ID: b7f1e3a0c417
Revises: ff220d335f99
Create Date: 2026-12-03 13:40:00

"""

import sqlalchemy as sa
from alembic import op

import border_trade.types

# revision identifiers, used by Alembic.
revision = "b7f1e3a0c417"
down_revision = "ff220d335f99"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("country", sa.Enum("VN", "KH", name="platecountry", native_enum=False, length=2), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("tractor", "trailer", "rigid", "reefer", name="vehiclekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("registration_expires_on", sa.Date(), nullable=True),
        sa.Column("permit_number", sa.String(length=40), nullable=True),
        sa.Column("permit_issued_by", sa.String(length=200), nullable=True),
        sa.Column(
            "permit_kind",
            sa.Enum("commercial", "non_commercial", "gms", name="permitkind", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("permit_valid_from", sa.Date(), nullable=True),
        sa.Column("permit_valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "permit_valid_from IS NULL OR permit_valid_to IS NULL OR permit_valid_to >= permit_valid_from",
            name=op.f("ck_vehicles_permit_dates"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_vehicles_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("organisation_id", "plate", name="uq_vehicles_organisation_plate"),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicles_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "drivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id_no", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("licence_class", sa.String(length=8), nullable=True),
        sa.Column("licence_expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_drivers_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drivers")),
        sa.UniqueConstraint("organisation_id", "id_no", name="uq_drivers_organisation_id_no"),
    )
    with op.batch_alter_table("drivers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drivers_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("drivers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drivers_organisation_id"))
    op.drop_table("drivers")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicles_organisation_id"))
    op.drop_table("vehicles")
