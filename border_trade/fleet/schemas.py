"""Shapes of vehicles and drivers for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, LocalDateTime
from . import rules
from .models import PermitKind, PlateCountry, VehicleKind
from .plates import PlateError, parse_plate

PHONE = r"^\+?[0-9][0-9 .()-]{5,38}$"


def plate_message(country=None):
    if country:
        return _l("This is not a number plate of the country given.")
    return _l("Not a Vietnamese (70H-123.45, 70H-1234) or Cambodian (2A-1234) number plate.")


class VehiclePermitSchema(BaseSchema):
    """The cross-border permit (giấy phép liên vận) of a vehicle."""

    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    issued_by = fields.String(allow_none=True, validate=validate.Length(max=200))
    kind = fields.Enum(PermitKind, by_value=True, required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True)

    @validates_schema
    def _check_dates(self, data, **kwargs):
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            raise ValidationError({"valid_to": [_l("The permit must end on or after the day it starts.")]})


class RegisteredVehicleInSchema(BaseSchema):
    plate = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "Any usual spelling; stored and returned canonical (70H-123.45, 70H-1234, 2A-1234)"},
    )
    country = fields.Enum(PlateCountry, by_value=True, allow_none=True, metadata={"description": "From the plate"})
    kind = fields.Enum(VehicleKind, by_value=True, load_default=VehicleKind.RIGID)
    registration_expires_on = fields.Date(allow_none=True)
    permit = fields.Nested(VehiclePermitSchema, allow_none=True)

    @validates_schema
    def _check_plate(self, data, partial=None, **kwargs):
        if "plate" not in data:
            return
        country = data.get("country")
        try:
            parse_plate(data["plate"], country and country.value)
        except PlateError:
            raise ValidationError({"plate": [plate_message(country)]}) from None


class RegisteredVehiclePatchSchema(RegisteredVehicleInSchema):
    """Any subset of the fields; a permit given is a whole permit (it replaces the stored one)."""

    def load(self, data, *, many=None, partial=None, unknown=None):
        result = super().load(data, many=many, partial=True, unknown=unknown)
        if result.get("permit") is not None:
            try:
                result["permit"] = VehiclePermitSchema().load(data["permit"])
            except ValidationError as error:
                raise ValidationError({"permit": error.messages}) from None
        return {key: value for key, value in result.items() if key in (data or {})}


class VehiclePermitOutSchema(BaseSchema):
    number = fields.String()
    issued_by = fields.String(allow_none=True)
    kind = fields.Enum(PermitKind, by_value=True)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class RegisteredVehicleSchema(BaseSchema):
    id = fields.Integer()
    plate = fields.String()
    country = fields.Enum(PlateCountry, by_value=True)
    kind = fields.Enum(VehicleKind, by_value=True)
    registration_expires_on = fields.Date(allow_none=True)
    permit = fields.Nested(VehiclePermitOutSchema, allow_none=True)
    organisation_id = fields.Integer()
    version = fields.Integer()
    updated_at = LocalDateTime()


class RegisteredVehicleQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=40), metadata={"description": "Part of the plate"})
    country = fields.Enum(PlateCountry, by_value=True)
    kind = fields.Enum(VehicleKind, by_value=True)


def _licence_class(value):
    if value is not None and value not in rules.licence_classes():
        raise ValidationError(_l("Not a Vietnamese driving licence class."))


class DriverInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    id_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))
    phone = fields.String(
        allow_none=True, validate=validate.Regexp(PHONE, error=_l("Give a telephone number, e.g. +84 912 345 678."))
    )
    licence_class = fields.String(
        allow_none=True,
        validate=_licence_class,
        metadata={"description": "A class of the 2024 law (A1 … DE) or an older one (A1 … FE)"},
    )
    licence_expires_on = fields.Date(allow_none=True)

    @pre_load
    def _tidy(self, data, **kwargs):
        if isinstance(data, dict):
            data = dict(data)
            for key in ("name", "id_no", "phone"):
                if isinstance(data.get(key), str):
                    data[key] = data[key].strip()
            if isinstance(data.get("licence_class"), str):
                data["licence_class"] = data["licence_class"].strip().upper() or None
        return data


class DriverPatchSchema(DriverInSchema):
    def load(self, data, *, many=None, partial=None, unknown=None):
        result = super().load(data, many=many, partial=True, unknown=unknown)
        return {key: value for key, value in result.items() if key in (data or {})}


class DriverSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    id_no = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    licence_class = fields.String(allow_none=True)
    licence_expires_on = fields.Date(allow_none=True)
    organisation_id = fields.Integer()
    version = fields.Integer()
    updated_at = LocalDateTime()


class DriverQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Part of the name or id number"})
