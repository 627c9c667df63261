"""Shapes of shipments, goods lines, totals and the HS catalogue for the API."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, QuerySchema, Range
from ..fleet.plates import PlateError, parse_plate
from ..quotas.schemas import UnderQuotaField
from .models import Currency, Direction, Lane, Regime, ShipmentStatus

# Incoterms 2020 rules usable for any mode of transport, hence for road (FAS/FOB/CFR/CIF are sea-only)
ROAD_INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP")
MAX_QUANTITY = Decimal("1000000000")
MAX_PRICE = Decimal("1000000000000")
MAX_LINE_VALUE = Decimal("100000000000000")
MAX_ITEMS = 200


def _text(max_length, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _positive(max_value=MAX_QUANTITY, places=3, **kwargs):
    return DecimalString(places, minimum=Decimal(0), maximum=max_value, exclusive_minimum=True, **kwargs)


class RegimeField(fields.Enum):
    """A regime by value; the older spelling `export` is read as `commercial` (API.md, second round)."""

    def __init__(self, **kwargs):
        super().__init__(Regime, by_value=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(Regime.COMMERCIAL.value if value == "export" else value, attr, data, **kwargs)


class HsCodeSchema(BaseSchema):
    code = fields.String(metadata={"example": "08071900"})
    hs6 = fields.String()
    chapter = fields.String()
    formatted = fields.String(metadata={"example": "0807.19.00"})
    name_vi = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String()
    category = fields.String(allow_none=True)
    ocop_group = fields.String(allow_none=True)


class HsCodeQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Code prefix or words"})


class ConsigneeSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address = _text(300, allow_none=True)
    country = fields.String(load_default="KH", validate=validate.Regexp(r"^[A-Z]{2}$"))
    tax_id = _text(40, allow_none=True)


class ConsignorSchema(ConsigneeSchema):
    """The seller abroad who sends an import (Khmer names and addresses welcome, as for consignees)."""


REGISTER_ID = {"allow_none": True, "strict": True, "validate": Range(min=1, max=2**31 - 1)}


class VehicleSchema(BaseSchema):
    """The truck: `vehicle_id` (and `driver_id`) from the trader's register, or the free-text fields (a plate is
    matched to the register by its canonical spelling and added to it when new)."""

    vehicle_id = fields.Integer(**REGISTER_ID, metadata={"description": "A vehicle of the trader's register"})
    plate = fields.String(
        validate=validate.Length(min=4, max=20),
        metadata={"example": "70H-123.45", "description": "Required unless vehicle_id is given"},
    )
    trailer_plate = _text(20, allow_none=True)
    driver_id = fields.Integer(**REGISTER_ID, metadata={"description": "A driver of the trader's register"})
    driver_name = _text(120, allow_none=True)
    driver_id_no = _text(40, allow_none=True)

    @validates_schema
    def _plate_or_register(self, data, partial=None, **kwargs):
        # a merge patch may leave both out: the service merges with the stored truck, then checks
        if not partial and data.get("plate") is None and data.get("vehicle_id") is None:
            raise ValidationError({"plate": [_l("Give the plate, or vehicle_id from your register.")]})


class ItemInSchema(BaseSchema):
    product_id = fields.Integer(allow_none=True, validate=Range(min=1, max=2**31 - 1))
    description_vi = _text(300, allow_none=True)
    description_km = _text(300, allow_none=True)
    description_en = _text(300, allow_none=True)
    hs_code = fields.String(
        allow_none=True, validate=validate.Regexp(r"^[0-9]{8}$", error=_l("Give the 8-digit HS code."))
    )
    quantity = _positive(required=True)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=10))
    packages = fields.Integer(allow_none=True, validate=Range(min=0, max=10_000_000))
    package_type = _text(4, allow_none=True)
    marks = _text(200, allow_none=True)
    net_weight_kg = _positive(required=True)
    gross_weight_kg = _positive(required=True)
    unit_price = DecimalString(2, required=True, minimum=Decimal(0), maximum=MAX_PRICE)
    origin_criterion = _text(12, allow_none=True)
    fob_value = DecimalString(2, allow_none=True, minimum=Decimal(0), maximum=MAX_LINE_VALUE)

    @validates_schema
    def _check_line(self, data, **kwargs):
        errors = {}
        if not data.get("product_id") and not (data.get("description_vi") and data.get("hs_code")):
            errors["product_id"] = [_l("Give a product, or a description and an HS code.")]
        net, gross = data.get("net_weight_kg"), data.get("gross_weight_kg")
        if net is not None and gross is not None and gross < net:
            errors["gross_weight_kg"] = [_l("The gross weight cannot be less than the net weight.")]
        quantity, price = data.get("quantity"), data.get("unit_price")
        if quantity is not None and price is not None and quantity * price > MAX_LINE_VALUE:
            errors["unit_price"] = [_l("The line value is too large.")]
        if errors:
            raise ValidationError(errors)


GATE_CODE = {"validate": validate.Length(min=2, max=40), "metadata": {"example": "XA-MAT"}}


class ShipmentInSchema(BaseSchema):
    """A shipment as sent: an export names `exit_gate` and `consignee`, an import `entry_gate` and `consignor`
    (the service checks which, knowing the stored direction of a PATCH)."""

    direction = fields.Enum(Direction, by_value=True, load_default=Direction.EXPORT)
    exit_gate = fields.String(**GATE_CODE)
    entry_gate = fields.String(**GATE_CODE)
    planned_crossing_on = fields.Date(required=True)
    regime = RegimeField(load_default=Regime.COMMERCIAL)
    incoterm = fields.String(load_default="DAP", validate=validate.OneOf(ROAD_INCOTERMS))
    incoterm_place = _text(120, allow_none=True)
    currency = fields.Enum(Currency, by_value=True, load_default=Currency.USD)
    preferential_tariff = fields.Boolean(load_default=False)
    under_quota = UnderQuotaField(allow_none=True)  # absent: kept (no load_default: the web form does not send it)
    transhipment = fields.Boolean(load_default=False)
    residents = fields.Integer(allow_none=True, load_default=None, validate=Range(min=1, max=1000))
    consignee = fields.Nested(ConsigneeSchema)
    consignor = fields.Nested(ConsignorSchema)
    vehicle = fields.Nested(VehicleSchema, allow_none=True, load_default=None)
    invoice_no = _text(40, allow_none=True)
    invoice_on = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(ItemInSchema), load_default=list, validate=validate.Length(max=MAX_ITEMS))


class ItemFormSchema(ItemInSchema):
    """A goods line of the web form: `id` names the stored line it changes (absent or null: a new line)."""

    id = fields.Integer(allow_none=True, validate=Range(min=1, max=2**31 - 1))


class ShipmentFormSchema(ShipmentInSchema):
    """The shipment of the web form: its goods lines are merged with the stored ones by `id`."""

    items = fields.List(fields.Nested(ItemFormSchema), load_default=list, validate=validate.Length(max=MAX_ITEMS))


def _patch_partial():
    """Every field optional, also inside `consignee` and `vehicle` (merged with the stored values by the service);
    each goods line of `items` stays whole, since `items` replaces the whole list."""
    names = list(ShipmentInSchema._declared_fields)
    names += [f"consignee.{name}" for name in ConsigneeSchema._declared_fields]
    names += [f"consignor.{name}" for name in ConsignorSchema._declared_fields]
    names += [f"vehicle.{name}" for name in VehicleSchema._declared_fields]
    return tuple(names)


class ShipmentPatchSchema(ShipmentInSchema):
    """A JSON merge patch (RFC 7396) of a shipment: fields absent are kept; in `consignee`, `consignor` and `vehicle`
    keys absent are kept too, and null clears an optional one; `items`, when given, replaces the whole list."""

    PARTIAL = _patch_partial()

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = self.PARTIAL
        super().__init__(*args, **kwargs)

    def load(self, data, *, many=None, partial=None, unknown=None):
        # defaults must not overwrite stored values on a partial update
        result = super().load(data, many=many, partial=self.PARTIAL, unknown=unknown)
        return {key: value for key, value in result.items() if key in (data or {})}


class ItemOutSchema(BaseSchema):
    id = fields.Integer()
    position = fields.Integer()
    product_id = fields.Integer(allow_none=True)
    description_vi = fields.String()
    description_km = fields.String(allow_none=True)
    description_en = fields.String(allow_none=True)
    hs_code = fields.String()
    quantity = DecimalString(3)
    unit = fields.String()
    packages = fields.Integer(allow_none=True)
    package_type = fields.String(allow_none=True)
    marks = fields.String(allow_none=True)
    net_weight_kg = DecimalString(3)
    gross_weight_kg = DecimalString(3)
    unit_price = DecimalString(2)
    value = DecimalString(2)
    origin_criterion = fields.String(allow_none=True)
    fob_value = DecimalString(2, allow_none=True)


class TotalsSchema(BaseSchema):
    net_weight_kg = DecimalString(3)
    gross_weight_kg = DecimalString(3)
    value = DecimalString(2)
    currency = fields.String()
    value_usd = DecimalString(2, allow_none=True)
    value_vnd = DecimalString(2, allow_none=True)
    rate_missing = fields.Boolean(metadata={"description": "No exchange rate on or before the planned crossing date"})


class ConsigneeOutSchema(BaseSchema):
    name = fields.String(attribute="consignee_name")
    address = fields.String(attribute="consignee_address", allow_none=True)
    country = fields.String(attribute="consignee_country")
    tax_id = fields.String(attribute="consignee_tax_id", allow_none=True)


class ConsignorOutSchema(BaseSchema):
    name = fields.String(attribute="consignor_name")
    address = fields.String(attribute="consignor_address", allow_none=True)
    country = fields.String(attribute="consignor_country", allow_none=True)
    tax_id = fields.String(attribute="consignor_tax_id", allow_none=True)


def _is_import(shipment):
    return shipment.direction is Direction.IMPORT


class VehicleOutSchema(BaseSchema):
    id = fields.Integer(attribute="vehicle_id", allow_none=True, metadata={"description": "The register's vehicle"})
    plate = fields.String(attribute="vehicle_plate", allow_none=True)
    country = fields.Function(
        lambda s: getattr(plate_of(s.vehicle_plate), "country", None),
        allow_none=True,
        metadata={"description": "VN or KH, read from the plate; null when the text is no plate"},
    )
    trailer_plate = fields.String(allow_none=True)
    driver_id = fields.Integer(allow_none=True, metadata={"description": "The register's driver"})
    driver_name = fields.String(allow_none=True)
    driver_id_no = fields.String(allow_none=True)


def plate_of(text):
    try:
        return parse_plate(text) if text else None
    except PlateError:
        return None


class OrganisationRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class ShipmentSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String(metadata={"example": "BT-2026-000123"})
    status = fields.Enum(ShipmentStatus, by_value=True)
    version = fields.Integer()
    organisation = fields.Nested(OrganisationRefSchema)
    direction = fields.Enum(Direction, by_value=True)
    regime = fields.Enum(Regime, by_value=True)
    gate = fields.Function(
        lambda s: s.gate.code, metadata={"description": "exit_gate or entry_gate, whichever applies"}
    )
    exit_gate = fields.Function(
        lambda s: None if _is_import(s) else s.gate.code, allow_none=True, metadata={"example": "XA-MAT"}
    )
    entry_gate = fields.Function(
        lambda s: s.gate.code if _is_import(s) else None, allow_none=True, metadata={"example": "MOC-BAI"}
    )
    planned_crossing_on = fields.Date()
    incoterm = fields.String()
    incoterm_place = fields.String(allow_none=True)
    currency = fields.Enum(Currency, by_value=True)
    preferential_tariff = fields.Boolean()
    under_quota = fields.String(allow_none=True, metadata={"example": "KH-RICE-2026"})
    transhipment = fields.Boolean()
    residents = fields.Integer(allow_none=True)
    consignee = fields.Function(lambda s: None if _is_import(s) else ConsigneeOutSchema().dump(s), allow_none=True)
    consignor = fields.Function(lambda s: ConsignorOutSchema().dump(s) if _is_import(s) else None, allow_none=True)
    vehicle = fields.Function(lambda s: VehicleOutSchema().dump(s) if s.vehicle_plate else None, allow_none=True)
    invoice_no = fields.String(allow_none=True)
    invoice_on = fields.Date(allow_none=True)
    lane = fields.Enum(Lane, by_value=True, allow_none=True)
    seals = fields.List(fields.String(), allow_none=True)
    items = fields.List(fields.Nested(ItemOutSchema))
    totals = fields.Function(
        lambda s: TotalsSchema().dump(
            {
                "net_weight_kg": s.net_weight_kg,
                "gross_weight_kg": s.gross_weight_kg,
                "value": s.value,
                "currency": s.currency.value,
                "value_usd": s.value_usd,
                "value_vnd": s.value_vnd,
                "rate_missing": s.value_vnd is None,
            }
        )
    )
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class ShipmentQuerySchema(PageQuerySchema):
    status = fields.Enum(ShipmentStatus, by_value=True)
    direction = fields.Enum(Direction, by_value=True)
    gate = fields.String(validate=validate.Length(max=40), metadata={"description": "The gate, both directions"})
    exit_gate = fields.String(validate=validate.Length(max=40), metadata={"description": "The exit gate of exports"})
    entry_gate = fields.String(validate=validate.Length(max=40), metadata={"description": "The entry gate of imports"})
    from_ = fields.Date(data_key="from", metadata={"description": "Planned crossing on or after"})
    to = fields.Date(metadata={"description": "Planned crossing on or before"})
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Reference, plate, consignee or consignor"}
    )


class TransitionSchema(BaseSchema):
    to = fields.String(
        required=True, validate=validate.OneOf(["ready", "submitted", "cancelled", "delivered", "draft"])
    )
    note = _text(1000, allow_none=True)


class EventSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String(attribute="kind.value")
    event = fields.String()
    from_status = fields.Enum(ShipmentStatus, by_value=True, allow_none=True)
    to_status = fields.Enum(ShipmentStatus, by_value=True, allow_none=True)
    occurred_at = LocalDateTime()
    recorded_at = LocalDateTime()
    actor = fields.Function(lambda e: e.actor.name if e.actor else None, allow_none=True)
    gate = fields.Function(lambda e: e.gate.code if e.gate else None, allow_none=True)
    lane = fields.Enum(Lane, by_value=True, allow_none=True)
    seals = fields.List(fields.String(), allow_none=True)
    reason_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    late = fields.Boolean()
    details = fields.Dict(allow_none=True, metadata={"description": "Optional facts, e.g. a receipt discrepancy"})


class EventListSchema(BaseSchema):
    items = fields.List(fields.Nested(EventSchema))


class IdOrReferenceQuerySchema(QuerySchema):
    pass


class RequirementLineSchema(BaseSchema):
    rule = fields.String(metadata={"example": "E6"})
    document_type = fields.String(metadata={"example": "phytosanitary_certificate"})
    level = fields.String(metadata={"enum": ["required", "recommended"]})
    required_because = fields.String()
    items = fields.List(fields.Integer())
    status = fields.String(metadata={"enum": ["missing", "provided", "expiring", "expired"]})
    document_id = fields.Integer(allow_none=True)


class BlockerSchema(BaseSchema):
    code = fields.String(metadata={"example": "allowance_exceeded"})
    message = fields.String()
    over_by_vnd = fields.String(allow_none=True, metadata={"example": "3000000"})


class RequirementsSchema(BaseSchema):
    complete = fields.Boolean()
    rules_version = fields.String(metadata={"example": "2026.1"})
    items = fields.List(fields.Nested(RequirementLineSchema))
    blocking = fields.List(fields.Nested(BlockerSchema))
