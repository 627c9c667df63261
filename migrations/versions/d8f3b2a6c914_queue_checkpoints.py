"""queue_checkpoints (issue #20): per gate, direction and local day, the arrivals before `upto`, so that an arrival's
queue number adds the arrivals since then instead of counting the whole day (equeue.checkpoints; written by the
`queue_checkpoints` job on PostgreSQL).

Revision ID: d8f3b2a6c914
Revises: a7d3f5c9e214
"""

import sqlalchemy as sa
from alembic import op

import border_trade.types

revision = "d8f3b2a6c914"
down_revision = "a7d3f5c9e214"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "queue_checkpoints",
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("upto", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", border_trade.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f("fk_queue_checkpoints_gate_id_gates")),
        sa.PrimaryKeyConstraint("gate_id", "direction", "day", name=op.f("pk_queue_checkpoints")),
    )


def downgrade():
    op.drop_table("queue_checkpoints")
