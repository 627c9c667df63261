"""Shapes of registered documents for the API."""

from marshmallow import fields, validate

from ..api.schemas import BaseSchema, LocalDateTime, Range
from .models import DocumentType


class DocumentInSchema(BaseSchema):
    type = fields.Enum(DocumentType, by_value=True, required=True)
    number = fields.String(required=True, validate=validate.Length(min=1, max=80))
    issued_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(allow_none=True, load_default=None)
    replaces = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=Range(min=1, max=2**31 - 1),
        metadata={"description": "Id of the document this one replaces (kept, marked replaced)"},
    )


class DocumentUploadSchema(DocumentInSchema):
    file = fields.Raw(metadata={"type": "string", "format": "binary", "description": "PDF, JPEG or PNG, at most 10 MB"})


class DocumentSchema(BaseSchema):
    id = fields.Integer()
    type = fields.Enum(DocumentType, by_value=True)
    number = fields.String()
    issued_by = fields.String()
    issued_on = fields.Date()
    expires_on = fields.Date(allow_none=True)
    replaces = fields.Integer(attribute="replaces_id", allow_none=True)
    superseded_at = LocalDateTime(allow_none=True)
    has_file = fields.Function(lambda d: d.file_key is not None)
    file_name = fields.String(allow_none=True)
    file_mime = fields.String(allow_none=True)
    file_size = fields.Integer(allow_none=True)
    file_sha256 = fields.String(allow_none=True)
    created_at = LocalDateTime()


class DocumentListSchema(BaseSchema):
    items = fields.List(fields.Nested(DocumentSchema))
