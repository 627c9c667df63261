"""Drop two shipment indexes that longer indexes already lead with (issue #20: every gate event UPDATEs its
shipment's status, a non-HOT update, so every index of the table gets a new entry per event).

- ix_shipments_gate_id (gate_id): ix_shipments_gate_direction_arrived (gate_id, direction, arrived_at) leads with it;
- ix_shipments_organisation_id (organisation_id): ix_shipments_org_created (organisation_id, id) leads with it.

Revision ID: c4e8a1f2b7d3
Revises: 9e2b7c4d1a60
"""

from alembic import op

revision = "c4e8a1f2b7d3"
down_revision = "9e2b7c4d1a60"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shipments") as batch:
        batch.drop_index("ix_shipments_gate_id")
        batch.drop_index("ix_shipments_organisation_id")


def downgrade():
    with op.batch_alter_table("shipments") as batch:
        batch.create_index("ix_shipments_organisation_id", ["organisation_id"])
        batch.create_index("ix_shipments_gate_id", ["gate_id"])
