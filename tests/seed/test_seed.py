"""Reference data and the demo world: loaded from the project's own files, idempotent, consistent."""

from datetime import date

import sqlalchemy as sa

from border_trade.auth.models import User
from border_trade.documents.models import Document
from border_trade.extensions import db
from border_trade.gates.models import Gate, Province
from border_trade.seed.demo import DEMO_PASSWORD, load_demo
from border_trade.seed.reference import load_reference
from border_trade.shipments.models import ExchangeRate, Shipment, ShipmentEvent, ShipmentStatus


def _counts():
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Gate, Province, User, Shipment, ShipmentEvent, ExchangeRate, Document)
    }


def test_seeding_twice_changes_nothing():
    load_reference()  # other tests may have touched reference rows (and put them back) since the session loaded them
    assert load_reference() == 0
    load_demo()
    before = _counts()
    assert load_reference() == 0
    summary = load_demo()
    assert summary == {"rates": 0, "users": 0, "shipments": 0}
    assert _counts() == before


def test_seed_command_prints_the_demo_logins(runner):
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    for email in (
        "admin@demo.test",
        "exporter@demo.test",
        "exporter2@demo.test",
        "officer.mocbai@demo.test",
        "officer.xamat@demo.test",
        "province.tayninh@demo.test",
    ):
        assert email in result.output
    assert DEMO_PASSWORD in result.output


def test_province_successors_resolve():
    long_an = db.session.scalar(sa.select(Province).where(Province.code == "LONG-AN"))
    assert long_an.successor.code == "TAY-NINH"
    assert long_an.current().code == "TAY-NINH"
    assert long_an.is_valid_on(date(2025, 6, 30)) and not long_an.is_valid_on(date(2025, 7, 1))
    binh_hiep = db.session.scalar(sa.select(Gate).where(Gate.code == "BINH-HIEP"))
    assert binh_hiep.province_on(date(2024, 5, 1)).code == "LONG-AN"
    assert binh_hiep.province_on(date(2025, 7, 1)).code == "TAY-NINH"
    moc_bai = db.session.scalar(sa.select(Gate).where(Gate.code == "MOC-BAI"))
    assert moc_bai.province_on(date(2024, 5, 1)).code == "TAY-NINH"


def test_demo_world_is_consistent():
    load_demo()
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users["exporter@demo.test"].organisation_id != users["exporter2@demo.test"].organisation_id
    assert [g.code for g in users["officer.mocbai@demo.test"].gates] == ["MOC-BAI"]
    assert users["province.tayninh@demo.test"].province.code == "TAY-NINH"
    assert all(DEMO_PASSWORD not in u.password_hash and u.password_hash.startswith("$argon2") for u in users.values())

    shipments = db.session.scalars(sa.select(Shipment)).all()
    assert 45 <= len(shipments) <= 65  # about thirty exports and nearly as many imports
    imports = [s for s in shipments if s.direction.value == "import"]
    assert 0.35 <= len(imports) / len(shipments) <= 0.6
    assert all(s.consignor_name and s.consignee_name is None for s in imports)
    assert {s.status for s in imports} >= {ShipmentStatus.CROSSED, ShipmentStatus.AT_GATE, ShipmentStatus.SUBMITTED}
    statuses = {s.status for s in shipments}
    assert {
        ShipmentStatus.DRAFT,
        ShipmentStatus.SUBMITTED,
        ShipmentStatus.AT_GATE,
        ShipmentStatus.CROSSED,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.HELD,
    } <= statuses
    assert {s.gate.code for s in shipments} == {"MOC-BAI", "XA-MAT", "BINH-HIEP"}
    for shipment in shipments:
        assert shipment.reference.startswith(f"BT-{shipment.planned_crossing_on.year}-")
        assert shipment.value_vnd is not None and shipment.value_usd is not None
        if shipment.events:
            assert shipment.events[-1].to_status == shipment.status, shipment.reference
        times = [e.occurred_at for e in shipment.events]
        assert times == sorted(times)
        if shipment.status in (ShipmentStatus.CROSSED, ShipmentStatus.DELIVERED):
            assert shipment.crossed_at is not None and shipment.seals
    references = [s.reference for s in shipments]
    assert len(set(references)) == len(references)
