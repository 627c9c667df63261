"""shipments in both directions (issue 16): direction, one gate column, consignor, the five regimes

- `direction` (export | import): every existing row becomes `export` (they all were: the product
  followed one direction until now), so nothing changes in meaning.
- `exit_gate_id` → `gate_id` (a gate is two-way: the exit gate of an export, the entry gate of an
  import), with its index and foreign key renamed.
- `regime`: the older value `export` is `commercial` (heading I of the provincial report); the
  column grows to hold `temporary_import_reexport`. `border_resident` keeps its value.
- consignor columns (the party abroad of an import); `consignee_name` may now be NULL in the
  database (the API requires it for exports, the consignor's name for imports).

Downgrade: `commercial` → `export`; an import's consignor name is copied into `consignee_name` (so
that the column can be NOT NULL again) and its direction is lost: the older schema cannot say it.

Revision ID: d1e5c7a0b016
Revises: b7f1e3a0c417
Create Date: 2026-12-03 13:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1e5c7a0b016"
down_revision = "b7f1e3a0c417"
branch_labels = None
depends_on = None

OLD_REGIME = sa.Enum("export", "border_resident", name="regime", native_enum=False, length=20)
NEW_REGIME = sa.Enum(
    "commercial",
    "border_resident",
    "duty_free",
    "temporary_import_reexport",
    "other",
    name="regime",
    native_enum=False,
    length=32,
)
DIRECTION = sa.Enum("export", "import", name="direction", native_enum=False, length=10)

shipments = sa.table(
    "shipments",
    sa.column("regime", sa.String),
    sa.column("consignee_name", sa.String),
    sa.column("consignor_name", sa.String),
)


def upgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_exit_gate_id")
        batch_op.drop_constraint("fk_shipments_exit_gate_id_gates", type_="foreignkey")
        batch_op.alter_column(
            "exit_gate_id", new_column_name="gate_id", existing_type=sa.Integer(), existing_nullable=False
        )
        batch_op.add_column(sa.Column("direction", DIRECTION, nullable=False, server_default="export"))
        batch_op.alter_column("regime", existing_type=OLD_REGIME, type_=NEW_REGIME, existing_nullable=False)
        batch_op.alter_column("consignee_name", existing_type=sa.String(length=200), nullable=True)
        batch_op.add_column(sa.Column("consignor_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("consignor_address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("consignor_country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("consignor_tax_id", sa.String(length=40), nullable=True))

    with op.batch_alter_table("shipments", schema=None) as batch_op:
        # the application always writes the direction; the server default only served the existing rows
        batch_op.alter_column("direction", existing_type=DIRECTION, existing_nullable=False, server_default=None)
        batch_op.create_foreign_key(batch_op.f("fk_shipments_gate_id_gates"), "gates", ["gate_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_shipments_gate_id"), ["gate_id"], unique=False)
        batch_op.create_index("ix_shipments_direction_crossed", ["direction", "crossed_at"], unique=False)

    op.execute(shipments.update().where(shipments.c.regime == "export").values(regime="commercial"))


def downgrade():
    op.execute(shipments.update().where(shipments.c.regime == "commercial").values(regime="export"))
    op.execute(
        shipments.update()
        .where(shipments.c.consignee_name.is_(None))
        .values(consignee_name=sa.func.coalesce(shipments.c.consignor_name, ""))
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_direction_crossed")
        batch_op.drop_index(batch_op.f("ix_shipments_gate_id"))
        batch_op.drop_constraint(batch_op.f("fk_shipments_gate_id_gates"), type_="foreignkey")
        batch_op.drop_column("consignor_tax_id")
        batch_op.drop_column("consignor_country")
        batch_op.drop_column("consignor_address")
        batch_op.drop_column("consignor_name")
        batch_op.alter_column("consignee_name", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("regime", existing_type=NEW_REGIME, type_=OLD_REGIME, existing_nullable=False)
        batch_op.drop_column("direction")
        batch_op.alter_column(
            "gate_id", new_column_name="exit_gate_id", existing_type=sa.Integer(), existing_nullable=False
        )

    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_shipments_exit_gate_id_gates", "gates", ["exit_gate_id"], ["id"])
        batch_op.create_index("ix_shipments_exit_gate_id", ["exit_gate_id"], unique=False)
