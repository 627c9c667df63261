"""The crossing benchmark's world: one Mộc Bài officer with an API token and thousands of submitted shipments.

The shipments come from the seed factory (`border_trade/seed/world.py`), as the demo's and the reliability
suite's do: goods lines, `ready` and `submitted` on their timeline, the papers the rules require.

    python -m bench._crossing_world --shipments N --out FOLDER   # in the benchmark's environment (DATABASE_URL)

prints {"token", "shipments", "references"} (the references, one a line, in FOLDER/references.txt).
"""

import argparse
import json
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

GATE = "MOC-BAI"


def seed_crossing_world(shipments):
    """Load the reference data, then add an exporter with one product, an officer of GATE with an API token and
    `shipments` submitted shipments leaving through GATE today (inside an app context); return (token, references)."""
    import sqlalchemy as sa

    from border_trade.auth.models import Organisation, OrganisationKind, Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.auth.tokens import new_token
    from border_trade.extensions import db
    from border_trade.gates.models import Gate, Province
    from border_trade.products.models import OcopGroup, Product
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
    product = Product(
        organisation=organisation,
        name_vi="Dưa lưới Tân Châu",
        name_en="Tan Chau netted melon",
        hs_code="08071900",
        ocop_stars=4,
        ocop_group=OcopGroup.FOOD,
        unit="KGM",
        net_weight_per_unit_kg=Decimal("1"),
    )
    db.session.add_all([organisation, exporter, officer, product])
    db.session.flush()
    token, _record = new_token(officer, name="bench")
    db.session.commit()
    now = datetime.now(UTC)
    references = submitted_shipments(
        shipments, exporter=exporter, product=product, gate=gate, on=now.astimezone(LOCAL).date(), at=now
    )
    return token, references


def main():
    parser = argparse.ArgumentParser(description="Seed the crossing benchmark's database.")
    parser.add_argument("--shipments", type=int, required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    from bench.baseline_app import metadata
    from border_trade import create_app
    from border_trade.extensions import db

    app = create_app()
    with app.app_context():
        token, references = seed_crossing_world(options.shipments)
        metadata.create_all(db.engine)
    path = Path(options.out) / "references.txt"
    path.write_text("\n".join(references))
    print(json.dumps({"token": token, "shipments": len(references), "references": str(path)}))


if __name__ == "__main__":
    main()
