"""The crossing benchmark's world: one Mộc Bài officer with an API token and thousands of submitted shipments.

The shipments come from the seed factory (`border_trade/seed/world.py`), as the demo's and the reliability
suite's do: goods lines, `ready` and `submitted` on their timeline, the papers the rules require.

    python -m bench._crossing_world --shipments N --out FOLDER   # in the benchmark's environment (DATABASE_URL)

prints {"token", "shipments", "references", "booked", "booked_references"}: the walk-ins' references, one a line,
in FOLDER/references.txt; the booked shipments as `reference|plate` (the plate the officer reads on the truck, the
booked vehicle's) in FOLDER/booked.txt. The booked ones are submitted shipments of another series of plates, each
with its vehicle in the register and a confirmed booking for a slot of today at GATE, written in two INSERT … SELECT
statements (the e-queue's booking rules are not the benchmark's subject: its `arrived` check is).
"""

import argparse
import json
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

GATE = "MOC-BAI"


def bench_product(organisation):
    """The benchmarks' one product: a 4-star OCOP melon sold by the kilogram (the crossing and the booking worlds)."""
    from border_trade.products.models import OcopGroup, Product

    return Product(
        organisation=organisation,
        name_vi="Dưa lưới Tân Châu",
        name_en="Tan Chau netted melon",
        hs_code="08071900",
        ocop_stars=4,
        ocop_group=OcopGroup.FOOD,
        unit="KGM",
        net_weight_per_unit_kg=Decimal("1"),
    )


def seed_crossing_world(shipments, booked=0):
    """Load the reference data, then add an exporter with one product, an officer of GATE with an API token,
    `shipments` submitted shipments leaving through GATE today and `booked` more with a booking each (inside an app
    context); return (token, references, ["reference|plate" of the booked])."""
    import sqlalchemy as sa

    from border_trade.auth.models import Organisation, OrganisationKind, Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.auth.tokens import new_token
    from border_trade.extensions import db
    from border_trade.gates.models import Gate, Province
    from border_trade.seed.reference import load_reference
    from border_trade.seed.world import LOCAL, submitted_shipments

    load_reference()
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == GATE))
    province = db.session.scalar(sa.select(Province).where(Province.code == "TAY-NINH"))
    organisation = Organisation(
        name="Bench exporter", kind=OrganisationKind.EXPORTER, country_code="VN", province=province
    )
    unusable = hash_password(secrets.token_hex(16))
    exporter = User(
        email="exporter.bench@bench.test",
        name="Bench exporter",
        role=Role.EXPORTER,
        password_hash=unusable,
        locale="vi",
        organisation=organisation,
    )
    officer = User(
        email="officer.bench@bench.test",
        name="Bench officer",
        role=Role.GATE_OFFICER,
        password_hash=unusable,
        locale="vi",
        gates=[gate],
    )
    product = bench_product(organisation)
    db.session.add_all([organisation, exporter, officer, product])
    db.session.flush()
    token, _record = new_token(officer, name="bench")
    db.session.commit()
    now = datetime.now(UTC)
    today = now.astimezone(LOCAL).date()
    references = submitted_shipments(shipments, exporter=exporter, product=product, gate=gate, on=today, at=now)
    booked_references = []
    if booked:
        booked_references = submitted_shipments(
            booked, exporter=exporter, product=product, gate=gate, on=today, at=now, plate_prefix=BOOKED_PLATES
        )
        booked_references = book(booked_references, now)
    return token, references, booked_references


BOOKED_PLATES = "51C-"


def book(references, now):
    """Register each shipment's truck and give the shipment a confirmed booking of a slot starting now (two
    statements whatever the count); return ["reference|plate"], the plate as an officer would type it."""
    import sqlalchemy as sa

    from border_trade.equeue.models import Booking, BookingStatus, LaneType
    from border_trade.extensions import db
    from border_trade.fleet.models import PlateCountry, Vehicle, VehicleKind
    from border_trade.fleet.plates import canonical_plate
    from border_trade.shipments.models import Shipment

    ships = Shipment.__table__
    chosen = ships.c.reference.between(references[0], references[-1])  # consecutive
    digits = sa.func.substr(ships.c.vehicle_plate, len(BOOKED_PLATES) + 1)
    # the canonical spelling of "51C-12345" is "51C-123.45" (fleet.plates); checked on the first one below
    canonical = sa.literal(BOOKED_PLATES) + sa.func.substr(digits, 1, 3) + "." + sa.func.substr(digits, 4, 2)
    vehicles = Vehicle.__table__
    db.session.execute(
        vehicles.insert().from_select(
            ["organisation_id", "plate", "country", "kind", "created_at", "updated_at", "version"],
            sa.select(
                ships.c.organisation_id,
                canonical,
                sa.literal(PlateCountry.VN.value),
                sa.literal(VehicleKind.RIGID.value),
                sa.literal(now),
                sa.literal(now),
                sa.literal(1),
            ).where(chosen),
        )
    )
    bookings = Booking.__table__
    slot_start = now.replace(second=0, microsecond=0)
    db.session.execute(
        bookings.insert().from_select(
            ["code", "shipment_id", "organisation_id", "gate_id", "direction", "lane_type", "slot_start", "slot_end",
             "status", "vehicle_id", "created_at", "updated_at", "confirmed_at", "queued_at", "version"],
            sa.select(
                sa.literal("BB") + sa.cast(ships.c.id, sa.String),
                ships.c.id,
                ships.c.organisation_id,
                ships.c.gate_id,
                ships.c.direction,
                sa.literal(LaneType.GENERAL.value),
                sa.literal(slot_start),
                sa.literal(slot_start + timedelta(minutes=30)),
                sa.literal(BookingStatus.CONFIRMED.value),
                vehicles.c.id,
                sa.literal(now),
                sa.literal(now),
                sa.literal(now),
                sa.literal(now),
                sa.literal(1),
            )
            .select_from(ships.join(vehicles, sa.and_(vehicles.c.organisation_id == ships.c.organisation_id,
                                                      vehicles.c.plate == canonical)))
            .where(chosen),
        )
    )  # fmt: skip
    first = db.session.scalar(sa.select(Vehicle.plate).order_by(Vehicle.id.desc()).limit(1))
    if first != canonical_plate(first):
        raise RuntimeError(f"the booked vehicles' plates are not canonical: {first}")
    db.session.commit()
    rows = db.session.execute(sa.select(ships.c.reference, ships.c.vehicle_plate).where(chosen).order_by(ships.c.id))
    return [f"{reference}|{plate}" for reference, plate in rows]


def main():
    parser = argparse.ArgumentParser(description="Seed the crossing benchmark's database.")
    parser.add_argument("--shipments", type=int, required=True)
    parser.add_argument("--booked", type=int, default=0, help="more submitted shipments, each with a booking")
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    from bench.baseline_app import metadata
    from border_trade import create_app
    from border_trade.equeue.checkpoints import refresh_checkpoints
    from border_trade.extensions import db
    from border_trade.seed.bulk import vacuum_analyze

    app = create_app()
    with app.app_context():
        token, references, booked = seed_crossing_world(options.shipments, options.booked)
        metadata.create_all(db.engine)
        # as after any bulk import: a database in service has its planner statistics (measured straight after the
        # load without them, the arrival's statement took a bitmap of all the gate's bookings instead of the
        # shipment's own, and the partitioned events' parent, which autovacuum never analyzes, had none at all)
        vacuum_analyze()
        # the gate in service: the job `queue_checkpoints` has run (every minute in production), so arrivals take
        # queue tickets from the first one instead of counting those before them until its first run after them
        refresh_checkpoints()
    path = Path(options.out) / "references.txt"
    path.write_text("\n".join(references))
    booked_path = Path(options.out) / "booked.txt"
    booked_path.write_text("\n".join(booked))
    print(
        json.dumps(
            {
                "token": token,
                "shipments": len(references),
                "references": str(path),
                "booked": len(booked),
                "booked_references": str(booked_path),
            }
        )
    )


if __name__ == "__main__":
    main()
