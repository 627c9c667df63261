"""origin proofs and e-invoices (issue 18): one row each per shipment; organisations.certified_exporter_code

New tables and a new nullable column only: no existing row changes meaning (no organisation is a certified exporter
until one is recorded; no shipment had an origin proof or e-invoice recorded before).

Revision ID: a3c5e9d1f274
Revises: 4b8e2f6a9d31
Create Date: 2026-12-03 14:30:00

"""

from alembic import op
import sqlalchemy as sa

import border_trade.types


# revision identifiers, used by Alembic.
revision = "a3c5e9d1f274"
down_revision = "4b8e2f6a9d31"
branch_labels = None
depends_on = None

KINDS = ("form_d", "e_form_d", "form_s", "origin_declaration")
STATUSES = ("issued", "presented", "utilised", "rejected", "cancelled")


def upgrade():
    op.create_table(
        "origin_proofs",
        sa.Column("shipment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="proofkind", native_enum=False, length=20), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("status", sa.Enum(*STATUSES, name="proofstatus", native_enum=False, length=12), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_origin_proofs_shipment_id_shipments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_origin_proofs_updated_by_id_users")),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_origin_proofs")),
    )
    op.create_table(
        "einvoices",
        sa.Column("shipment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("form", sa.String(length=1), nullable=True),
        sa.Column("series", sa.String(length=6), nullable=True),
        sa.Column("number", sa.String(length=8), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("cleared_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_source", sa.String(length=40), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", border_trade.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_einvoices_shipment_id_shipments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_einvoices_updated_by_id_users")),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_einvoices")),
    )
    with op.batch_alter_table("einvoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_einvoices_due_on"), ["due_on"], unique=False)
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certified_exporter_code", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("certified_exporter_code")
    with op.batch_alter_table("einvoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_einvoices_due_on"))
    op.drop_table("einvoices")
    op.drop_table("origin_proofs")
