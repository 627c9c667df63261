"""Create and edit shipments with their goods lines."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ... import idempotency
from ...audit.services import record
from ...auth.permissions import require
from ...documents.rules import item_problems, normalize_origin_criterion
from ...errors import Conflict, Invalid
from ...extensions import db
from ...gates.models import Gate, GateStatus
from ...products.models import Product
from ...types import utcnow
from ..models import HsCode, Regime, Shipment, ShipmentItem, ShipmentStatus
from ..money import compute_totals, line_value
from ..references import next_reference
from ..workflow import EDITABLE
from .common import add_status_event, check_version, facts_of, local_today, snapshot, visible_shipment_or_404

SHIPMENT_FIELDS = (
    "planned_crossing_on",
    "regime",
    "incoterm",
    "incoterm_place",
    "currency",
    "preferential_tariff",
    "transhipment",
    "residents",
    "invoice_no",
    "invoice_on",
)


def create_shipment(user, data, *, now=None, idempotency_key=None):
    """Create a draft shipment for the user's organisation.

    `idempotency_key` (key, request hash): stored with the new shipment's id in the same transaction.
    """
    require(user, "shipment.write")
    now = now or utcnow()
    shipment = Shipment(organisation_id=user.organisation_id, created_by=user, status=ShipmentStatus.DRAFT)
    _apply(shipment, data, user, now, creating=True)
    shipment.reference = next_reference(shipment.planned_crossing_on.year)
    db.session.add(shipment)
    add_status_event(shipment, to=ShipmentStatus.DRAFT, actor=user, now=now, event="created")
    db.session.flush()
    record("shipment.create", actor=user, obj=shipment, after=snapshot(shipment))
    if idempotency_key:
        key, hashed = idempotency_key
        idempotency.remember(user, key, hashed, 201, {"id": shipment.id, "reference": shipment.reference}, now)
    db.session.commit()
    return shipment


def create_shipment_once(user, data, *, key, request_hash, now=None):
    """Create a draft shipment unless a request with this Idempotency-Key already did; return (shipment, replayed).

    Without a key every request creates one. With a key, a retry (the answer was lost, the client timed out) gets
    the shipment the first request created, however many times it is sent or however two copies race.
    """
    idempotency.check_key(key, required=False)
    if not key:
        return create_shipment(user, data, now=now), False
    require(user, "shipment.write")
    previous = idempotency.replay(user, key, request_hash)
    if previous is None:
        try:
            return create_shipment(user, data, now=now, idempotency_key=(key, request_hash)), False
        except sa.exc.IntegrityError:
            db.session.rollback()  # a copy of this request committed first: answer with its shipment
            previous = idempotency.replay(user, key, request_hash)
            if previous is None:
                raise
    _status, body = previous
    return visible_shipment_or_404(user, body["id"]), True


def update_shipment(user, id_or_reference, data, *, if_match=None, now=None):
    """Change a draft or ready shipment; `items`, when given, replaces every line."""
    now = now or utcnow()
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    require(user, "shipment.write", shipment)
    check_version(shipment, if_match)
    if shipment.status not in EDITABLE:
        raise Conflict(
            _(
                "A shipment can be changed only while it is a draft or ready; it is %(status)s.",
                status=shipment.status.label,
            ),
            errors={"status": [str(shipment.status.label)]},
            current_status=shipment.status.value,
        )
    before = snapshot(shipment)
    _apply(shipment, data, user, now, creating=False)
    db.session.flush()
    record("shipment.update", actor=user, obj=shipment, before=before, after=snapshot(shipment))
    db.session.commit()
    return shipment


def _apply(shipment, data, user, now, *, creating):
    """Copy validated input onto the shipment, checking everything that needs the database; 422 on problems."""
    errors = {}
    if "exit_gate" in data:
        gate = db.session.scalar(sa.select(Gate).where(Gate.code == data["exit_gate"].strip().upper()))
        if gate is None:
            errors["exit_gate"] = [_("No border gate has this code.")]
        elif gate.status is not GateStatus.OPEN:
            errors["exit_gate"] = [_("This gate is %(status)s now.", status=gate.status.label)]
        elif not gate.accepts_goods:
            errors["exit_gate"] = [_("This gate does not accept goods.")]
        else:
            shipment.exit_gate = gate
    if "planned_crossing_on" in data and data["planned_crossing_on"] < local_today(now):
        errors["planned_crossing_on"] = [_("The planned crossing date is in the past.")]
    for name in SHIPMENT_FIELDS:
        if name in data:
            setattr(shipment, name, data[name])
    if "consignee" in data:
        consignee = data["consignee"]
        shipment.consignee_name = consignee["name"].strip()
        shipment.consignee_address = consignee.get("address")
        shipment.consignee_country = consignee.get("country", "KH")
        shipment.consignee_tax_id = consignee.get("tax_id")
    if "vehicle" in data:
        vehicle = data["vehicle"] or {}
        shipment.vehicle_plate = vehicle.get("plate")
        shipment.trailer_plate = vehicle.get("trailer_plate")
        shipment.driver_name = vehicle.get("driver_name")
        shipment.driver_id_no = vehicle.get("driver_id_no")
    if shipment.regime is None:
        shipment.regime = Regime.EXPORT
    if "items" in data:
        errors.update(replace_items(shipment, data["items"], user.organisation_id))
    if not errors:
        problems = item_problems(facts_of(shipment))
        errors.update({path: [str(m) for m in messages] for path, messages in problems.items()})
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    totals = compute_totals(shipment.items, shipment.currency, shipment.planned_crossing_on)
    for name in ("net_weight_kg", "gross_weight_kg", "value", "value_vnd", "value_usd"):
        setattr(shipment, name, getattr(totals, name))


def replace_items(shipment, items, organisation_id):
    """Replace the shipment's goods lines with checked ones; return {field path: messages} (nothing replaced then)."""
    errors = {}
    product_ids = {i["product_id"] for i in items if i.get("product_id")}
    products = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Product).where(Product.id.in_(product_ids), Product.organisation_id == organisation_id)
        )
    }
    kept = {item.product_id for item in shipment.items}  # a line may keep a product archived since it was added
    hs_codes = {i.get("hs_code") for i in items if i.get("hs_code")} | {p.hs_code for p in products.values()}
    known_hs = set(db.session.scalars(sa.select(HsCode.code).where(HsCode.code.in_(hs_codes))))
    lines = []
    for index, item in enumerate(items):
        product = products.get(item.get("product_id")) if item.get("product_id") else None
        if item.get("product_id") and product is None:
            errors[f"items.{index}.product_id"] = [_("No product of your organisation has this id.")]
            continue
        if product is not None and product.is_archived and product.id not in kept:
            errors[f"items.{index}.product_id"] = [_("This product is archived and cannot be added to a shipment.")]
            continue
        hs_code = item.get("hs_code") or (product.hs_code if product else None)
        if hs_code not in known_hs:
            errors[f"items.{index}.hs_code"] = [_("This HS code is not in the catalogue.")]
            continue
        criterion = item.get("origin_criterion")
        lines.append(
            ShipmentItem(
                position=index + 1,
                product=product,
                description_vi=item.get("description_vi") or product.name_vi,
                description_km=item.get("description_km") or (product.name_km if product else None),
                description_en=item.get("description_en") or (product.name_en if product else None),
                hs_code=hs_code,
                quantity=item["quantity"],
                unit=item["unit"],
                packages=item.get("packages"),
                package_type=item.get("package_type"),
                marks=item.get("marks"),
                net_weight_kg=item["net_weight_kg"],
                gross_weight_kg=item["gross_weight_kg"],
                unit_price=item["unit_price"],
                value=line_value(item["quantity"], item["unit_price"]),
                origin_criterion=normalize_origin_criterion(criterion) or criterion,
                fob_value=item.get("fob_value"),
            )
        )
    if not errors:
        shipment.items.clear()
        db.session.flush()
        shipment.items.extend(lines)
    return errors
