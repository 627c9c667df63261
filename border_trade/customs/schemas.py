"""Shapes of a shipment's customs declaration, handoff query and ACDD for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.schemas import BaseSchema, LocalDateTime, QuerySchema
from ..i18n import current_language
from .models import Channel, DeclarationStatus
from .queries import type_code


class DeclarationInSchema(BaseSchema):
    number = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"example": "305254403660", "description": "12 digits: 3… for an export, 1… for an import"},
    )
    type_code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"example": "B11", "description": "Decision 1357/QĐ-TCHQ: B… and other export codes, A… import"},
    )
    registered_at = fields.AwareDateTime(allow_none=True, load_default=None)
    channel = fields.Enum(Channel, by_value=True, allow_none=True, load_default=None)
    cleared_at = fields.AwareDateTime(allow_none=True, load_default=None)
    status = fields.Enum(DeclarationStatus, by_value=True, load_default=DeclarationStatus.REGISTERED)

    @validates_schema
    def _times(self, data, **kwargs):
        registered, cleared = data.get("registered_at"), data.get("cleared_at")
        if data.get("status") is DeclarationStatus.CLEARED and cleared is None:
            raise ValidationError(_l("Give the clearance time of a cleared customs declaration."), "cleared_at")
        if registered and cleared and cleared < registered:
            raise ValidationError(_l("The clearance time is before the registration time."), "cleared_at")


class DeclarationSchema(BaseSchema):
    shipment = fields.Function(lambda d: d.shipment.reference, metadata={"example": "BT-2026-000123"})
    number = fields.String(metadata={"example": "305254403660"})
    type_code = fields.String(metadata={"example": "B11"})
    type_name = fields.Method("_type_name")
    type_unverified = fields.Method(
        "_type_unverified", metadata={"description": "The type code's name was not read in the decision's text"}
    )
    registered_at = LocalDateTime(allow_none=True)
    channel = fields.Function(
        lambda d: d.channel.value if d.channel else None,
        allow_none=True,
        metadata={"enum": [*Channel.values(), None], "description": "null until the channel is known"},
    )
    cleared_at = LocalDateTime(allow_none=True)
    status = fields.Function(lambda d: d.status.value, metadata={"enum": DeclarationStatus.values()})
    updated_at = LocalDateTime()

    def _type_name(self, declaration):
        known = type_code(declaration.type_code)
        return known.name(current_language()) if known else None

    def _type_unverified(self, declaration):
        known = type_code(declaration.type_code)
        return bool(known and known.unverified)


class HandoffQuerySchema(QuerySchema):
    profile = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={
            "example": "ecus",
            "description": "A column layout of border_trade/data/handoff_profiles (ecus, unece)",
        },
    )


class AcddItemSchema(BaseSchema):
    item_serial_number = fields.Integer()
    item_hs_code = fields.String(metadata={"example": "08071900"})
    item_quantity = fields.String(metadata={"example": "400.000"})
    item_quantity_unit = fields.String(metadata={"example": "KGM"})
    item_country_of_origin = fields.String(metadata={"example": "VN"})


class AcddSchema(BaseSchema):
    exporter_id = fields.String(allow_none=True)
    exporter_name = fields.String(allow_none=True)
    consignee_name = fields.String(allow_none=True)
    consignee_address = fields.String(allow_none=True)
    declaring_agent_id = fields.String(allow_none=True)
    declaring_agent_name = fields.String(allow_none=True)
    departure_date = fields.Date(allow_none=True)
    outward_transport_mode = fields.Dict(metadata={"example": {"code": "3", "name": "road"}})
    port_of_discharge = fields.Dict(allow_none=True)
    export_declaration_number = fields.String(allow_none=True)
    items = fields.List(fields.Nested(AcddItemSchema))
    source = fields.String()
    notice = fields.String()
