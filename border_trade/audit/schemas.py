"""Shapes of the audit trail: the API entry, its filters and the CSV export's columns."""

import csv
import io
import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, QuerySchema


class DateOrDateTime(fields.String):
    """A day (`2026-03-14`, the whole day in Asia/Ho_Chi_Minh) or an instant with an offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(str(_l("Give a date (YYYY-MM-DD) or a date and time with an offset."))) from None
        if moment.tzinfo is None:
            raise ValidationError(str(_l("Give the time zone offset, e.g. +07:00.")))
        return moment


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_email", allow_none=True, metadata={"description": "The actor's e-mail"})
    actor_id = fields.Integer(allow_none=True)
    action = fields.String(metadata={"example": "user.role_change"})
    object_type = fields.String(allow_none=True, metadata={"example": "user"})
    object_id = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


def _filter_fields():
    return {
        "actor": fields.String(
            validate=validate.Length(max=254), metadata={"description": "The actor's e-mail address or user id"}
        ),
        "action": fields.String(
            validate=validate.Length(max=60),
            metadata={"description": "An action (`auth.sign_in_failed`) or a family of actions (`auth`)"},
        ),
        "object": fields.String(
            validate=validate.Length(max=90), metadata={"description": "`type` or `type:id`, e.g. `user:12`"}
        ),
        "from_": DateOrDateTime(data_key="from", metadata={"description": "From this day or instant (inclusive)"}),
        "to": DateOrDateTime(metadata={"description": "Up to this day or instant (inclusive)"}),
    }


AuditQuerySchema = PageQuerySchema.from_dict(_filter_fields(), name="AuditQuerySchema")
AuditExportQuerySchema = QuerySchema.from_dict(_filter_fields(), name="AuditExportQuerySchema")

CSV_COLUMNS = ("id", "at", "actor", "actor_id", "action", "object_type", "object_id", "address", "before", "after")
# a cell starting with one of these is a formula to a spreadsheet; failed sign-ins carry whatever was typed
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(entry):
    """Return one entry as CSV cells, defused against spreadsheet formulas."""
    values = (
        entry.id,
        entry.at.isoformat(),
        entry.actor_email or "",
        entry.actor_id or "",
        entry.action,
        entry.object_type or "",
        entry.object_id or "",
        entry.address or "",
        "" if entry.before is None else json.dumps(entry.before, ensure_ascii=False, sort_keys=True),
        "" if entry.after is None else json.dumps(entry.after, ensure_ascii=False, sort_keys=True),
    )
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v for v in values]


def csv_chunks(entries, chunk_size=64 * 1024):
    """Yield the CSV text of entries (header first) in chunks of about `chunk_size` characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(csv_row(entry))
        if buffer.tell() > chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
