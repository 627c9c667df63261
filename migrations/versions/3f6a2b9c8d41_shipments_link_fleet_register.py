"""shipments link the fleet register: vehicle_id and driver_id (issue 17)

Adds `shipments.vehicle_id` → vehicles and `shipments.driver_id` → drivers (both nullable, indexed), then links
the shipments recorded before, per organisation:
- a shipment whose `vehicle_plate` reads as a plate (fleet/plates.py: Khmer digits, spaces, dots, dashes… all
  give one canonical spelling) gets the organisation's vehicle with that canonical plate, which is added to the
  register (kind `rigid`, country from the plate) when the organisation has none; a text that is no plate stays
  free text, unlinked;
- a shipment with a driver gets the organisation's driver with the same id number, else (without an id number)
  the same name, added to the register when new (as `fleet.services.find_or_register_driver` does).
A linked shipment's plate is written in the register's canonical spelling (as the application writes it since);
the driver's name and id number, free-text plates that are no plate, and every shipment's `version` are kept.

Downgrade drops the two columns; vehicles and drivers the upgrade added stay in the register.

Revision ID: 3f6a2b9c8d41
Revises: e4b8f1a6c925
Create Date: 2026-12-03 18:10:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from border_trade.fleet.plates import PlateError, parse_plate
from border_trade.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "3f6a2b9c8d41"
down_revision = "e4b8f1a6c925"
branch_labels = None
depends_on = None

BATCH = 500

shipments = sa.table(
    "shipments",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("vehicle_plate", sa.String),
    sa.column("driver_name", sa.String),
    sa.column("driver_id_no", sa.String),
    sa.column("vehicle_id", sa.Integer),
    sa.column("driver_id", sa.Integer),
)
vehicles = sa.table(
    "vehicles",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("plate", sa.String),
    sa.column("country", sa.String),
    sa.column("kind", sa.String),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer),
)
drivers = sa.table(
    "drivers",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("id_no", sa.String),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer),
)


def upgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vehicle_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("driver_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_shipments_vehicle_id"), ["vehicle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_driver_id"), ["driver_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_shipments_vehicle_id_vehicles"), "vehicles", ["vehicle_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_shipments_driver_id_drivers"), "drivers", ["driver_id"], ["id"])
    _link_existing(op.get_bind())


def _link_existing(bind):
    """Link every shipment with a plate or a driver to its organisation's register, adding what is new."""
    now = datetime.now(UTC)
    known_vehicles = {(r.organisation_id, r.plate): r.id for r in bind.execute(sa.select(vehicles)).all()}
    by_id_no, by_name = {}, {}
    for row in bind.execute(sa.select(drivers).order_by(drivers.c.id)).all():
        if row.id_no is not None:
            by_id_no[(row.organisation_id, row.id_no)] = row.id
        else:
            by_name.setdefault((row.organisation_id, row.name), row.id)
    rows = bind.execute(
        sa.select(
            shipments.c.id,
            shipments.c.organisation_id,
            shipments.c.vehicle_plate,
            shipments.c.driver_name,
            shipments.c.driver_id_no,
        )
        .where(sa.or_(shipments.c.vehicle_plate.is_not(None), shipments.c.driver_name.is_not(None)))
        .order_by(shipments.c.id)
    ).all()
    links = []
    for row in rows:
        vehicle_id, plate = _vehicle_of(bind, row, known_vehicles, now)
        driver_id = _driver_of(bind, row, by_id_no, by_name, now)
        if vehicle_id is not None or driver_id is not None:
            links.append({"sid": row.id, "vid": vehicle_id, "did": driver_id, "plate": plate})
    statement = (
        shipments.update()
        .where(shipments.c.id == sa.bindparam("sid"))
        .values(vehicle_id=sa.bindparam("vid"), driver_id=sa.bindparam("did"), vehicle_plate=sa.bindparam("plate"))
    )
    for start in range(0, len(links), BATCH):
        bind.execute(statement, links[start : start + BATCH])


def _vehicle_of(bind, row, known, now):
    """Return (the register's vehicle id or None, the plate to store)."""
    try:
        plate = parse_plate(row.vehicle_plate) if row.vehicle_plate else None
    except PlateError:
        plate = None  # free text that is no plate stays free text
    if plate is None:
        return None, row.vehicle_plate
    key = (row.organisation_id, plate.text)
    if key not in known:
        known[key] = bind.scalar(
            vehicles.insert()
            .values(
                organisation_id=row.organisation_id,
                plate=plate.text,
                country=plate.country,
                kind="rigid",
                created_at=now,
                updated_at=now,
                version=1,
            )
            .returning(vehicles.c.id)
        )
    return known[key], plate.text


def _driver_of(bind, row, by_id_no, by_name, now):
    name = (row.driver_name or "").strip()
    id_no = (row.driver_id_no or "").strip() or None
    index, key = (by_id_no, (row.organisation_id, id_no)) if id_no else (by_name, (row.organisation_id, name))
    if key in index or not name:
        return index.get(key)
    index[key] = bind.scalar(
        drivers.insert()
        .values(
            organisation_id=row.organisation_id, name=name[:200], id_no=id_no, created_at=now, updated_at=now, version=1
        )
        .returning(drivers.c.id)
    )
    return index[key]


def downgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shipments_driver_id_drivers"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_shipments_vehicle_id_vehicles"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_shipments_driver_id"))
        batch_op.drop_index(batch_op.f("ix_shipments_vehicle_id"))
        batch_op.drop_column("driver_id")
        batch_op.drop_column("vehicle_id")
