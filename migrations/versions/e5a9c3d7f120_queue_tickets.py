"""queue_checkpoints.recorded and seq_value (issue #20): a live arrival's queue number from its gate and direction's
sequence of tickets (`queue_numbers_<gate id>_<direction>`, created by the queue_checkpoints job on PostgreSQL)
instead of a count (equeue.checkpoints).

Revision ID: e5a9c3d7f120
Revises: d8f3b2a6c914
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a9c3d7f120"
down_revision = "d8f3b2a6c914"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("queue_checkpoints") as batch:
        batch.add_column(sa.Column("recorded", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("seq_value", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("queue_checkpoints") as batch:
        batch.drop_column("seq_value")
        batch.drop_column("recorded")
