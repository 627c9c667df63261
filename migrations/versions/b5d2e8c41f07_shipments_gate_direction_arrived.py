"""shipments: index (gate_id, direction, arrived_at) for the e-queue's queue number at each arrival (issue 20)

Every `arrived` gate event counts the day's earlier arrivals at its gate and direction; without this index that
count read every shipment the gate ever had (it grew with history).

Revision ID: b5d2e8c41f07
Revises: 7a3c5e1f9b20
Create Date: 2026-12-03 18:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d2e8c41f07"
down_revision = "7a3c5e1f9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shipments_gate_direction_arrived", ["gate_id", "direction", "arrived_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_gate_direction_arrived")
