"""Keyset pagination: `{"items": [...], "total": N, "next_cursor": ...}` with an opaque cursor."""

import base64
import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..errors import Invalid
from ..extensions import db
from .schemas import QuerySchema, Range

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageQuerySchema(QuerySchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))


def page_schema(item_schema, name):
    """Build the list envelope schema for one item schema (named for the OpenAPI document)."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
        name=name,
    )


def encode_cursor(values):
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError
        return values
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid(errors={"cursor": [_l("This cursor is not valid.")]}) from None


def keyset_page(query, key_columns, *, limit, cursor=None, descending=False):
    """Return one page of `query` ordered by the unique tuple `key_columns`.

    `query` is a `select()` of one entity; the cursor holds the last row's key values.
    """
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    order = [c.desc() if descending else c.asc() for c in key_columns]
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != len(key_columns):
            raise Invalid(errors={"cursor": [_l("This cursor is not valid.")]})
        key = sa.tuple_(*key_columns)
        last = sa.tuple_(*[sa.literal(v) for v in values])
        query = query.where(key < last if descending else key > last)
    rows = db.session.scalars(query.order_by(*order).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last_row = rows[-1]
        next_cursor = encode_cursor([getattr(last_row, c.key) for c in key_columns])
    return {"items": rows, "total": total, "next_cursor": next_cursor}
