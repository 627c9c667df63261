"""Base schema for the API: refuses unknown fields and speaks the request's language."""

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields, validate

from ..extensions import api

# marshmallow's own messages are English constants; give every common one a translatable text.
FIELD_MESSAGES = {
    fields.Field: {
        "required": _l("This field is required."),
        "null": _l("This field may not be empty."),
        "validator_failed": _l("Invalid value."),
    },
    fields.String: {"invalid": _l("Not a valid text."), "invalid_utf8": _l("Not valid UTF-8 text.")},
    fields.Integer: {"invalid": _l("Not a valid whole number."), "too_large": _l("The number is too large.")},
    fields.Decimal: {
        "invalid": _l("Not a valid number."),
        "special": _l("Special numeric values are not allowed."),
        "too_large": _l("The number is too large."),
    },
    fields.Float: {"invalid": _l("Not a valid number."), "special": _l("Special numeric values are not allowed.")},
    fields.Boolean: {"invalid": _l("Not a valid boolean.")},
    fields.Date: {"invalid": _l("Not a valid date (YYYY-MM-DD)."), "format": _l("Not a valid date (YYYY-MM-DD).")},
    fields.DateTime: {
        "invalid": _l("Not a valid date and time (ISO 8601 with an offset)."),
        "invalid_awareness": _l("Give the time zone offset, e.g. +07:00."),
        "format": _l("Not a valid date and time (ISO 8601 with an offset)."),
    },
    fields.AwareDateTime: {"invalid_awareness": _l("Give the time zone offset, e.g. +07:00.")},
    fields.Email: {"invalid": _l("Not a valid e-mail address.")},
    fields.List: {"invalid": _l("Not a valid list.")},
    fields.Nested: {"type": _l("Invalid input type.")},
    fields.Dict: {"invalid": _l("Not a valid object.")},
    fields.Enum: {"unknown": _l("Must be one of: {choices}.")},
}


def translate_marshmallow_messages():
    """Install the translatable messages on marshmallow's field classes (idempotent)."""
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}


translate_marshmallow_messages()


class BaseSchema(Schema):
    """Refuse unknown fields (422) with a translated message."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }


def translate_validator_messages():
    """Give marshmallow's validators translatable default messages."""
    validate.Length.message_min = _l("Shorter than the minimum length {min}.")
    validate.Length.message_max = _l("Longer than the maximum length {max}.")
    validate.Length.message_all = _l("Length must be between {min} and {max}.")
    validate.Length.message_equal = _l("Length must be {equal}.")
    validate.OneOf.default_message = _l("Must be one of: {choices}.")
    validate.Regexp.default_message = _l("The value does not have the expected format.")
    validate.Email.default_message = _l("Not a valid e-mail address.")


translate_validator_messages()


class Range(validate.Range):
    """marshmallow's Range with messages translated when the error happens, not at import."""

    def __init__(self, min=None, max=None, *, min_inclusive=True, max_inclusive=True, error=None):
        super().__init__(min, max, min_inclusive=min_inclusive, max_inclusive=max_inclusive, error=error)
        low = _l("Must be at least {min}.") if min_inclusive else _l("Must be greater than {min}.")
        high = _l("Must be at most {max}.") if max_inclusive else _l("Must be less than {max}.")
        self.message_min, self.message_max = low, high
        self.message_all = _l("Must be between {min} and {max}.") if min_inclusive and max_inclusive else low

    def _format_error(self, value, message):
        return str(self.error or message).format(input=value, min=self.min, max=self.max)


class ErrorSchema(Schema):
    """The error body API.md fixes, for the OpenAPI document (`errors.error_body` builds it)."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    status = fields.String(required=True, metadata={"description": "The HTTP reason phrase (English)"})
    message = fields.String(required=True, metadata={"description": "What went wrong, in the request's language"})
    errors = fields.Dict(metadata={"description": "The failing fields by path (`items.0.quantity`) with their texts"})
    current_status = fields.String(allow_none=True, metadata={"description": "409 about a shipment: its status now"})
    current_version = fields.Integer(metadata={"description": "412: the record's version now"})
    existing_id = fields.Integer(metadata={"description": "409 about a duplicate (a vehicle's plate): the record's id"})
    allowed = fields.List(
        fields.String(), metadata={"description": "409 about a status move (origin proof): the statuses it may take"}
    )


# flask-smorest documents every error answer (and each operation's `default`) with this schema
api.ERROR_SCHEMA = ErrorSchema


class QuerySchema(BaseSchema):
    """Query-string arguments; every endpoint accepts `lang`."""

    lang = fields.String(validate=lambda v: v in ("vi", "km", "en"), metadata={"enum": ["vi", "km", "en"]})


class LocalDateTime(fields.AwareDateTime):
    """An aware datetime shown with the offset of Asia/Ho_Chi_Minh (stored in UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).isoformat()


class DecimalString(fields.Decimal):
    """A decimal that loads from a string (or number) and dumps as a string ("12500.00"), never a float.

    Bounds are checked by a plain validator, so the OpenAPI document shows a decimal string with a pattern
    rather than numeric bounds on a string.
    """

    PATTERN = r"^-?[0-9]{1,16}(\.[0-9]{1,6})?$"

    def __init__(self, places=2, *, minimum=None, maximum=None, exclusive_minimum=False, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata = {
            "type": "string",
            "format": "decimal",
            "pattern": self.PATTERN,
            "example": "12500.00" if places == 2 else "4000.000",
            **metadata,
        }
        validators = list(kwargs.pop("validate", None) or [])
        if minimum is not None or maximum is not None:
            bounds = Range(min=minimum, max=maximum, min_inclusive=not exclusive_minimum)
            validators.append(lambda value: bounds(value))  # a plain callable: apispec adds no numeric bounds
        super().__init__(
            places=places, as_string=True, allow_nan=False, metadata=metadata, validate=validators, **kwargs
        )

    def _deserialize(self, value, attr, data, **kwargs):
        # Python's Decimal reads any script's digits ("١٢" is 12): only ASCII digits are a number here
        if isinstance(value, str) and not value.isascii():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
