"""Builders with valid defaults; tests override only what they are about."""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from border_trade.auth.models import Organisation, OrganisationKind, Role, User
from border_trade.auth.passwords import hash_password
from border_trade.extensions import db
from border_trade.gates.models import Gate, Province
from border_trade.products.models import OcopGroup, Product
from border_trade.shipments.models import (
    Currency,
    Direction,
    EventKind,
    Regime,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentStatus,
)
from border_trade.shipments.money import compute_totals, line_value
from border_trade.shipments.references import next_reference

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = None


def password_hash():
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def get_gate(code):
    return db.session.scalar(sa.select(Gate).where(Gate.code == code))


def get_province(code):
    return db.session.scalar(sa.select(Province).where(Province.code == code))


def make_organisation(**overrides):
    n = next(_seq)
    values = dict(
        name=f"Exporter {n}", kind=OrganisationKind.EXPORTER, country_code="VN", province=get_province("TAY-NINH")
    )
    values.update(overrides)
    org = Organisation(**values)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role=Role.EXPORTER, **overrides):
    n = next(_seq)
    values = dict(
        email=f"user{n}@example.test", name=f"User {n}", role=role, password_hash=password_hash(), locale="vi"
    )
    if role == Role.EXPORTER and "organisation" not in overrides:
        values["organisation"] = make_organisation()
    if role in (Role.PROVINCE_OFFICER, Role.VIEWER) and "province" not in overrides:
        values["province"] = get_province("TAY-NINH")
    if role == Role.GATE_OFFICER and "gates" not in overrides:
        values["gates"] = [get_gate("MOC-BAI")]
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_product(organisation, **overrides):
    values = dict(
        organisation=organisation,
        name_vi="Dưa lưới",
        name_en="Melon",
        hs_code="08071900",
        ocop_stars=4,
        ocop_group=OcopGroup.FOOD,
        unit="KGM",
        net_weight_per_unit_kg=Decimal("1"),
        ocop_certificate_expires_on=date.today() + timedelta(days=400),
    )
    values.update(overrides)
    product = Product(**values)
    db.session.add(product)
    db.session.commit()
    return product


def make_shipment(organisation, *, items=None, **overrides):
    """Create a draft shipment with one melon line unless `items` (dicts) are given."""
    on = overrides.pop("planned_crossing_on", date.today() + timedelta(days=3))
    values = dict(
        reference=next_reference(on.year),
        organisation=organisation,
        regime=Regime.COMMERCIAL,
        gate=get_gate("MOC-BAI"),
        planned_crossing_on=on,
        incoterm="DAP",
        currency=Currency.USD,
        consignee_name="Angkor Fresh Import Co., Ltd.",
        consignee_country="KH",
        vehicle_plate="70H-123.45",
        driver_name="Nguyễn Văn Tâm",
    )
    values.update(overrides)
    shipment = Shipment(**values)
    for position, item in enumerate(items or [{}], start=1):
        line = dict(
            description_vi="Dưa lưới",
            hs_code="08071900",
            quantity=Decimal("400"),
            unit="KGM",
            net_weight_kg=Decimal("400"),
            gross_weight_kg=Decimal("430"),
            unit_price=Decimal("9.50"),
            origin_criterion="WO",
        )
        line.update(item)
        shipment.items.append(
            ShipmentItem(position=position, value=line_value(line["quantity"], line["unit_price"]), **line)
        )
    totals = compute_totals(shipment.items, shipment.currency, on)
    for name in ("net_weight_kg", "gross_weight_kg", "value", "value_vnd", "value_usd"):
        setattr(shipment, name, getattr(totals, name))
    db.session.add(shipment)
    db.session.commit()
    return shipment


MANGO_LINE = dict(
    description_vi="Xoài tươi",
    hs_code="08045021",
    quantity=Decimal("5000"),
    unit="KGM",
    net_weight_kg=Decimal("5000"),
    gross_weight_kg=Decimal("5400"),
    unit_price=Decimal("0.60"),
    origin_criterion="WO",
)


def make_import(organisation, *, items=None, **overrides):
    """Create a draft import (Cambodian mangoes through Mộc Bài, a consignor in Cambodia) unless told otherwise."""
    values = dict(
        direction=Direction.IMPORT,
        consignee_name=None,
        consignor_name="ក្រុមហ៊ុន ស្វាយ កំពង់ចាម",
        consignor_address="Kampong Cham",
        consignor_country="KH",
        consignor_tax_id="K0012345",
        vehicle_plate="KH 3A-1234",
    )
    values.update(overrides)
    return make_shipment(organisation, items=items or [MANGO_LINE], **values)


def make_crossed_shipment(organisation, crossed_at, *, gate="MOC-BAI", dwell_minutes=120, **overrides):
    """A shipment made by make_shipment (planned 5 days before the crossing unless said otherwise), moved through
    `arrived`, `cleared` and `crossed` events at the gate, with `arrived_at`/`crossed_at` set as the crossing service
    sets them (the reports' daily figures count crossings by their events)."""
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    overrides.setdefault("planned_crossing_on", crossed_at.astimezone(local).date() - timedelta(days=5))
    shipment = make_shipment(organisation, gate=get_gate(gate), **overrides)
    arrived_at = crossed_at - timedelta(minutes=dwell_minutes)
    for name, at, before, after in (
        ("arrived", arrived_at, ShipmentStatus.SUBMITTED, ShipmentStatus.AT_GATE),
        ("cleared", crossed_at - timedelta(minutes=5), ShipmentStatus.AT_GATE, ShipmentStatus.CLEARED),
        ("crossed", crossed_at, ShipmentStatus.CLEARED, ShipmentStatus.CROSSED),
    ):
        shipment.events.append(
            ShipmentEvent(
                kind=EventKind.CROSSING,
                event=name,
                from_status=before,
                to_status=after,
                occurred_at=at,
                recorded_at=at,
                gate=shipment.gate,
            )
        )
    shipment.arrived_at = arrived_at
    shipment.crossed_at = crossed_at
    shipment.status = ShipmentStatus.CROSSED
    db.session.commit()
    return shipment
