"""receipt by the buyer (issue 18): receipt links, receipts, their lines and photos; shipment_events.details

- `receipt_links`: the SHA-256 of a random token (never the token), its expiry, when it was used or replaced.
- `receipts` (one per shipment), `receipt_lines` (per goods line: shipped and received quantity, condition, note),
  `receipt_photos` (metadata; the files live outside the web root under UPLOAD_FOLDER).
- `shipment_events.details`: an optional JSON column; existing events keep NULL (nothing changes in meaning).
- `shipment_events.kind` gains the value `receipt`: a VARCHAR(10) without a CHECK constraint, no DDL needed.

Revision ID: 4b8e2f6a9d31
Revises: 9c4d2e7a1b18
Create Date: 2026-12-03 14:15:00

"""

import sqlalchemy as sa
from alembic import op

from border_trade.types import UTCDateTime, Weight

# revision identifiers, used by Alembic.
revision = "4b8e2f6a9d31"
down_revision = "9c4d2e7a1b18"
branch_labels = None
depends_on = None

CONDITION = sa.Enum("ok", "short", "damaged", "rejected", name="condition", native_enum=False, length=10)


def upgrade():
    with op.batch_alter_table("shipment_events") as batch:
        batch.add_column(sa.Column("details", sa.JSON(), nullable=True))
    op.create_table(
        "receipt_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("replaced_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_receipt_links_created_by_id_users"),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name="fk_receipt_links_shipment_id_shipments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_receipt_links"),
        sa.UniqueConstraint("token_hash", name="uq_receipt_links_token_hash"),
    )
    op.create_index("ix_receipt_links_shipment_id", "receipt_links", ["shipment_id"])
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("declaration_no", sa.String(length=64), nullable=True),
        sa.Column("has_discrepancy", sa.Boolean(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["users.id"], name="fk_receipts_confirmed_by_id_users"),
        sa.ForeignKeyConstraint(
            ["link_id"], ["receipt_links.id"], name="fk_receipts_link_id_receipt_links", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name="fk_receipts_shipment_id_shipments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_receipts"),
        sa.UniqueConstraint("shipment_id", name="uq_receipts_shipment_id"),
    )
    op.create_table(
        "receipt_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("item_position", sa.Integer(), nullable=False),
        sa.Column("shipped_quantity", Weight(), nullable=False),
        sa.Column("received_quantity", Weight(), nullable=False),
        sa.Column("condition", CONDITION, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name="fk_receipt_lines_receipt_id_receipts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_receipt_lines"),
        sa.UniqueConstraint("receipt_id", "item_position", name="uq_receipt_lines_position"),
    )
    op.create_index("ix_receipt_lines_receipt_id", "receipt_lines", ["receipt_id"])
    op.create_table(
        "receipt_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["receipt_lines.id"], name="fk_receipt_photos_line_id_receipt_lines", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_receipt_photos"),
    )
    op.create_index("ix_receipt_photos_line_id", "receipt_photos", ["line_id"])


def downgrade():
    op.drop_index("ix_receipt_photos_line_id", table_name="receipt_photos")
    op.drop_table("receipt_photos")
    op.drop_index("ix_receipt_lines_receipt_id", table_name="receipt_lines")
    op.drop_table("receipt_lines")
    op.drop_table("receipts")
    op.drop_index("ix_receipt_links_shipment_id", table_name="receipt_links")
    op.drop_table("receipt_links")
    with op.batch_alter_table("shipment_events") as batch:
        batch.drop_column("details")
