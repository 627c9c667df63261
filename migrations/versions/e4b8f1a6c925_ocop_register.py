"""the OCOP register on products (issue 19): decision date, level, authority and Decision 919 product group

Existing rows keep their meaning: ocop_certificate_expires_on stays as recorded and the decision date, unknown,
stays null (so nothing is derived for them until someone records it). The deciding authority is copied from
ocop_authority (the same fact: who recognised the product); the Decision 919 group is filled from the reporting
group ocop_group (data/ocop_product_groups.json: textiles and souvenirs are handicrafts under Decision 919).

Revision ID: e4b8f1a6c925
Revises: c7d2a9e4b315
Create Date: 2026-12-03 14:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4b8f1a6c925"
down_revision = "c7d2a9e4b315"
branch_labels = None
depends_on = None

LEVELS = ("district", "province", "central")
GROUPS = ("food", "beverage", "herbal", "handicraft", "ornamental", "community_tourism")
FROM_REPORTING_GROUP = {
    "food": "food",
    "beverage": "beverage",
    "herbal": "herbal",
    "textile_garment": "handicraft",
    "souvenir_furniture_decoration": "handicraft",
    "rural_tourism_service": "community_tourism",
}


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ocop_decision_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "ocop_decision_level",
                sa.Enum(*LEVELS, name="decisionlevel", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("ocop_decision_authority", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "ocop_product_group",
                sa.Enum(*GROUPS, name="ocopproductgroup", native_enum=False, length=40),
                nullable=True,
            )
        )
    products = sa.table(
        "products",
        sa.column("ocop_group", sa.String),
        sa.column("ocop_product_group", sa.String),
        sa.column("ocop_authority", sa.String),
        sa.column("ocop_decision_authority", sa.String),
    )
    op.execute(products.update().values(ocop_decision_authority=products.c.ocop_authority))
    for old, new in FROM_REPORTING_GROUP.items():
        op.execute(products.update().where(products.c.ocop_group == old).values(ocop_product_group=new))


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("ocop_product_group")
        batch_op.drop_column("ocop_decision_authority")
        batch_op.drop_column("ocop_decision_level")
        batch_op.drop_column("ocop_decision_on")
