"""audit entries: append-only triggers in the database

Revision ID: a1d0c0de0001
Revises: f87e438f1c14
Create Date: 2026-11-30 02:15:00

"""
from alembic import op

from border_trade.audit.models import APPEND_ONLY_DDL, DROP_APPEND_ONLY_DDL

revision = "a1d0c0de0001"
down_revision = "f87e438f1c14"
branch_labels = None
depends_on = None


def upgrade():
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
