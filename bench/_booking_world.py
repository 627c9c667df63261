"""The booking benchmark's world: traders with API tokens, each with submitted shipments for Mộc Bài whose trucks are
in the trader's register with a valid cross-border permit, and the demo's capacity at the gate.

The shipments come from the seed factory (`border_trade/seed/world.py`), as the crossing benchmark's do; the
capacity is the demo's (`border_trade/data/gate_capacity.json`: Mộc Bài 06:00-22:00, 10 general places a slot per
direction, an estimate with its derivation).

    python -m bench._booking_world --traders 16 --per-trader 40 --out FOLDER   # in the benchmark's environment

writes {"traders": [{"token", "references"}], "capacity": {...}} to FOLDER/world.json and prints {"path", "traders"}.
"""

import argparse
import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._crossing_world import GATE, bench_product


def _trader(number, gate, province):
    from border_trade.auth.models import Organisation, OrganisationKind, Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.extensions import db

    organisation = Organisation(
        name=f"Bench trader {number:02d}", kind=OrganisationKind.EXPORTER, country_code="VN", province=province
    )
    user = User(
        email=f"trader{number:02d}.bench@bench.test",
        name=f"Bench trader {number:02d}",
        role=Role.EXPORTER,
        password_hash=hash_password(secrets.token_hex(16)),
        locale="vi",
        organisation=organisation,
    )
    product = bench_product(organisation)
    db.session.add_all([organisation, user, product])
    db.session.flush()
    return user, product


def _register_trucks(organisation_id, references, today):
    """Put each shipment's truck in the trader's register with a commercial permit valid for the year, and link it."""
    import sqlalchemy as sa

    from border_trade.extensions import db
    from border_trade.fleet.models import PermitKind, PlateCountry, Vehicle, VehicleKind
    from border_trade.fleet.plates import canonical_plate
    from border_trade.shipments.models import Shipment

    rows = db.session.execute(sa.select(Shipment.id, Shipment.vehicle_plate).where(Shipment.reference.in_(references)))
    links = []
    for shipment_id, plate in rows:
        vehicle = Vehicle(
            organisation_id=organisation_id,
            plate=canonical_plate(plate),
            country=PlateCountry.VN,
            kind=VehicleKind.TRACTOR,
            registration_expires_on=today + timedelta(days=365),
            permit_number=f"VN-KH {shipment_id:05d}/{today.year}",
            permit_issued_by="Sở Xây dựng tỉnh Tây Ninh (bench)",
            permit_kind=PermitKind.COMMERCIAL,
            permit_valid_from=today - timedelta(days=30),
            permit_valid_to=today + timedelta(days=300),
        )
        db.session.add(vehicle)
        db.session.flush()
        links.append({"shipment_id": shipment_id, "vehicle_id": vehicle.id})
    if links:  # executemany of one UPDATE on the table (no ORM objects to keep in step)
        table = Shipment.__table__
        db.session.execute(
            table.update().where(table.c.id == sa.bindparam("sid")).values(vehicle_id=sa.bindparam("vid")),
            [{"sid": link["shipment_id"], "vid": link["vehicle_id"]} for link in links],
        )


def seed_booking_world(traders, per_trader):
    """Load the reference data and the demo capacity, then add `traders` traders, each with an API token and
    `per_trader` submitted shipments for GATE with registered trucks (inside an app context)."""
    import sqlalchemy as sa

    from border_trade.auth.tokens import new_token
    from border_trade.equeue.seed import demo_capacity, seed_capacity
    from border_trade.extensions import db
    from border_trade.gates.models import Gate, Province
    from border_trade.seed.reference import load_reference
    from border_trade.seed.world import LOCAL, submitted_shipments

    load_reference()
    seed_capacity()
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == GATE))
    province = db.session.scalar(sa.select(Province).where(Province.code == "TAY-NINH"))
    now = datetime.now(UTC)
    today = now.astimezone(LOCAL).date()
    world = []
    for number in range(traders):
        user, product = _trader(number, gate, province)
        token, _record = new_token(user, name="bench")
        db.session.commit()
        references = submitted_shipments(
            per_trader, exporter=user, product=product, gate=gate, on=today, at=now, plate_prefix=f"{60 + number}C-"
        )
        _register_trucks(user.organisation_id, references, today)
        db.session.commit()
        world.append({"token": token, "references": references})
    return {"traders": world, "capacity": demo_capacity()[GATE]}


def main():
    parser = argparse.ArgumentParser(description="Seed the booking benchmark's database.")
    parser.add_argument("--traders", type=int, required=True)
    parser.add_argument("--per-trader", type=int, required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    from bench.baseline_app import metadata
    from border_trade import create_app
    from border_trade.extensions import db

    app = create_app()
    with app.app_context():
        world = seed_booking_world(options.traders, options.per_trader)
        metadata.create_all(db.engine)
    path = Path(options.out) / "world.json"
    path.write_text(json.dumps(world))
    print(json.dumps({"path": str(path), "traders": len(world["traders"])}))


if __name__ == "__main__":
    main()
