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
from ..models import Direction, HsCode, Regime, Shipment, ShipmentItem, ShipmentStatus
from ..money import compute_totals, line_value
from ..references import next_reference
from ..workflow import EDITABLE
from .common import add_status_event, check_version, facts_of, local_today, snapshot, visible_shipment_or_404
from .vehicles import apply_vehicle, merge_vehicle, resolve_vehicle, vehicle_missing

# nested input objects -> their columns on Shipment; the keys each needs once merged with the stored values
NESTED = {
    "consignee": {
        "name": "consignee_name",
        "address": "consignee_address",
        "country": "consignee_country",
        "tax_id": "consignee_tax_id",
    },
    "consignor": {
        "name": "consignor_name",
        "address": "consignor_address",
        "country": "consignor_country",
        "tax_id": "consignor_tax_id",
    },
}
REQUIRED_NESTED = {"consignee": ("name", "country"), "consignor": ("name", "country")}
# what each direction names (and the other refuses): its gate field and its party abroad
OWN_FIELDS = {Direction.EXPORT: ("exit_gate", "consignee"), Direction.IMPORT: ("entry_gate", "consignor")}
SHIPMENT_FIELDS = (
    "planned_crossing_on",
    "regime",
    "incoterm",
    "incoterm_place",
    "currency",
    "preferential_tariff",
    "under_quota",
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
    _check_direction_change(shipment, data)
    data, errors = _merge_nested(shipment, data)
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    _apply(shipment, data, user, now, creating=False)
    db.session.flush()
    record("shipment.update", actor=user, obj=shipment, before=before, after=snapshot(shipment))
    db.session.commit()
    return shipment


def _check_direction_change(shipment, data):
    """The direction of a shipment changes only while it is a draft (its papers and checklist follow it); 409."""
    wanted = data.get("direction")
    if wanted is None or wanted is shipment.direction or shipment.status is ShipmentStatus.DRAFT:
        return
    raise Conflict(
        _(
            "The direction can be changed only while the shipment is a draft; it is %(status)s.",
            status=shipment.status.label,
        ),
        errors={"direction": [_("Move the shipment back to draft first.")]},
        current_status=shipment.status.value,
    )


def _direction_errors(shipment, data, direction, creating):
    """Name each field the direction does not use (422), and each one it needs that a new shipment lacks."""
    errors = {}
    own = OWN_FIELDS[direction]
    other = OWN_FIELDS[Direction.IMPORT if direction is Direction.EXPORT else Direction.EXPORT]
    for mine, theirs in zip(own, other, strict=True):
        if theirs in data:
            errors[theirs] = [
                _("An export names %(field)s instead.", field=mine)
                if direction is Direction.EXPORT
                else _("An import names %(field)s instead.", field=mine)
            ]
    for name in own:
        if name not in data and (creating or (name == own[1] and _party_missing(shipment, direction))):
            errors[name] = [_("This field is required.")]
    return errors


def _party_missing(shipment, direction):
    """An edit that turns a shipment's direction needs the party abroad of the new direction if none is stored."""
    return not (shipment.consignor_name if direction is Direction.IMPORT else shipment.consignee_name)


def _merge_nested(shipment, data):
    """Merge `consignee` and `vehicle` of an update into the stored ones (JSON merge patch, RFC 7396): keys given
    change, keys absent keep their stored value, null clears; return (merged data, {path: messages}) where a
    required key ends up empty (a vehicle without a plate)."""
    data, errors = dict(data), {}
    for name, columns in NESTED.items():
        if data.get(name) is None:
            continue  # absent: kept (the schema refuses a null consignee)
        merged = {key: getattr(shipment, column) for key, column in columns.items()} | data[name]
        for key in REQUIRED_NESTED[name]:
            if merged.get(key) is None:
                errors[f"{name}.{key}"] = [_("This field is required.")]
        data[name] = merged
    if data.get("vehicle") is not None:  # null: the vehicle is removed; no truck stored yet: nothing to keep
        data["vehicle"] = merge_vehicle(shipment, data["vehicle"])
        if vehicle_missing(data["vehicle"]):
            errors["vehicle.plate"] = [_("This field is required.")]
    return data, errors


def _apply(shipment, data, user, now, *, creating):
    """Copy validated input onto the shipment, checking everything that needs the database; 422 on problems."""
    direction = data.get("direction") or shipment.direction or Direction.EXPORT
    errors = _direction_errors(shipment, data, direction, creating)
    if "vehicle" in data:  # the register is read (and added to) before the shipment changes: one write of it
        vehicle_columns, vehicle_errors = resolve_vehicle(shipment, shipment.organisation_id, data["vehicle"])
        errors.update(vehicle_errors)
    shipment.direction = direction
    gate_field = OWN_FIELDS[direction][0]
    if gate_field in data:
        gate = db.session.scalar(sa.select(Gate).where(Gate.code == data[gate_field].strip().upper()))
        if gate is None:
            errors[gate_field] = [_("No border gate has this code.")]
        elif gate.status is not GateStatus.OPEN:
            errors[gate_field] = [_("This gate is %(status)s now.", status=gate.status.label)]
        elif not gate.accepts_goods:
            errors[gate_field] = [_("This gate does not accept goods.")]
        else:
            shipment.gate = gate
    if "planned_crossing_on" in data and data["planned_crossing_on"] < local_today(now):
        errors["planned_crossing_on"] = [_("The planned crossing date is in the past.")]
    for name in SHIPMENT_FIELDS:
        if name in data:
            setattr(shipment, name, data[name])
    if "consignee" in data and direction is Direction.EXPORT:
        consignee = data["consignee"]
        shipment.consignee_name = consignee["name"].strip()
        shipment.consignee_address = consignee.get("address")
        shipment.consignee_country = consignee.get("country", "KH")
        shipment.consignee_tax_id = consignee.get("tax_id")
    if "consignor" in data and direction is Direction.IMPORT:
        consignor = data["consignor"]
        shipment.consignor_name = consignor["name"].strip()
        shipment.consignor_address = consignor.get("address")
        shipment.consignor_country = consignor.get("country", "KH")
        shipment.consignor_tax_id = consignor.get("tax_id")
    if "vehicle" in data:
        apply_vehicle(shipment, vehicle_columns)
    if shipment.regime is None:
        shipment.regime = Regime.COMMERCIAL
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
    """Make the shipment's goods lines the checked `items`; return {field path: messages} (nothing changed then).

    An item with an `id` changes that stored line in place: keys it does not carry keep the stored value (while the
    line keeps its product; with another product, descriptions and HS code absent come from the new product). An
    item without `id` is a new line; a stored line no item names is deleted.
    """
    errors = {}
    stored = {line.id: line for line in shipment.items if line.id is not None}
    product_ids = {i["product_id"] for i in items if i.get("product_id")}
    products = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Product).where(Product.id.in_(product_ids), Product.organisation_id == organisation_id)
        )
    }
    kept = {item.product_id for item in shipment.items}  # a line may keep a product archived since it was added
    plan, seen = [], set()
    for index, item in enumerate(items):
        old = None
        if item.get("id") is not None:
            old = stored.get(item["id"])
            if old is None:
                errors[f"items.{index}.id"] = [_("This goods line is not part of this shipment.")]
                continue
            if old.id in seen:
                errors[f"items.{index}.id"] = [_("This goods line appears twice.")]
                continue
            seen.add(old.id)
        product_id = item.get("product_id", old.product_id if old is not None else None)
        product = products.get(product_id) if product_id else None
        if product_id and product is None:
            errors[f"items.{index}.product_id"] = [_("No product of your organisation has this id.")]
            continue
        if product is not None and product.is_archived and product.id not in kept:
            errors[f"items.{index}.product_id"] = [_("This product is archived and cannot be added to a shipment.")]
            continue
        plan.append((index, old, _line_values(item, old, product), product))
    hs_codes = {values["hs_code"] for _index, _old, values, _product in plan if values["hs_code"]}
    known_hs = set(db.session.scalars(sa.select(HsCode.code).where(HsCode.code.in_(hs_codes))))
    for index, _old, values, _product in plan:
        if values["hs_code"] not in known_hs:
            errors[f"items.{index}.hs_code"] = [_("This HS code is not in the catalogue.")]
    if not errors:
        _store_lines(shipment, plan)
    return errors


ITEM_KEYS = (
    "description_vi",
    "description_km",
    "description_en",
    "hs_code",
    "quantity",
    "unit",
    "packages",
    "package_type",
    "marks",
    "net_weight_kg",
    "gross_weight_kg",
    "unit_price",
    "origin_criterion",
    "fob_value",
)
# what a line of a catalogue product takes from the product when the input leaves it empty
FROM_PRODUCT = {
    "description_vi": "name_vi",
    "description_km": "name_km",
    "description_en": "name_en",
    "hs_code": "hs_code",
}


def _line_values(item, old, product):
    """Resolve a goods line's columns from its input, the stored line it changes (if any) and its product."""
    same_product = old is not None and old.product_id == (product.id if product is not None else None)
    values = {}
    for key in ITEM_KEYS:
        if key not in item and old is not None and (same_product or key not in FROM_PRODUCT):
            values[key] = getattr(old, key)  # not on the form: kept as stored
            continue
        value = item.get(key)
        if not value and key in FROM_PRODUCT and product is not None:
            value = getattr(product, FROM_PRODUCT[key])
        values[key] = value
    criterion = values["origin_criterion"]
    values["origin_criterion"] = normalize_origin_criterion(criterion) or criterion
    values["value"] = line_value(values["quantity"], values["unit_price"])
    return values


def _store_lines(shipment, plan):
    """Delete the lines the plan drops, change the ones it keeps in place, add the new ones, numbered 1..n."""
    keep = {old.id for _index, old, _values, _product in plan if old is not None}
    dropped = [line for line in shipment.items if line.id not in keep]
    for line in dropped:
        shipment.items.remove(line)
    moved = [old for position, (_i, old, _v, _p) in enumerate(plan, 1) if old is not None and old.position != position]
    for line in moved:
        line.position = -line.position  # out of the way of the unique (shipment, position) until renumbered
    if dropped or moved:
        db.session.flush()
    for position, (_index, old, values, product) in enumerate(plan, 1):
        line = old if old is not None else ShipmentItem()
        line.position, line.product = position, product
        for key, value in values.items():
            setattr(line, key, value)
        if old is None:
            shipment.items.append(line)
