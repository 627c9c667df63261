"""Idempotency keys: a client that may send a request twice (a gate tablet, an exporter's system after a timeout)
names it once in the `Idempotency-Key` header. The first answer is stored with the key, in the same transaction as
what the request wrote, so a retry gets that answer back instead of a second record; the same key with another
body is refused (422). Keys are per user and kept for 7 days.
"""

import hashlib
import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from . import writes
from .errors import BadRequest, Invalid
from .extensions import db
from .types import UTCDateTime, utcnow

KEY_LIFETIME = timedelta(days=7)
HEADER = "Idempotency-Key"
MAX_LENGTH = 64


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    response_status: Mapped[int]
    response_body: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self):
        return f"<IdempotencyKey {self.user_id}:{self.key}>"


def header_parameter(required):
    """The OpenAPI description of the header, for `@blp.doc(parameters=[...])`."""
    return {"in": "header", "name": HEADER, "required": required, "schema": {"type": "string", "maxLength": 64}}


def request_hash(scope, payload):
    """Hash what a request asked for (`scope`: which endpoint and target), so that a replay can be told from
    another request under the same key."""
    canonical = json.dumps({**scope, "body": payload}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key, *, required=True):
    """Refuse a missing (when required) or malformed key with 400 naming the header."""
    if not key:
        if required:
            raise BadRequest(
                _("The Idempotency-Key header is required."), errors={HEADER: [_("This header is required.")]}
            )
        return
    if len(key) > MAX_LENGTH or not key.isprintable():
        raise BadRequest(
            _("The Idempotency-Key header is too long."), errors={HEADER: [_("At most 64 printable characters.")]}
        )


def replay(user, key, hashed):
    """Return the stored (status, body) for a repeated key, None for a new one; 422 when the body differs."""
    # three columns, in Core on the session's connection (no ORM object: replays and new keys alike read this)
    stored = db.session.connection().execute(_STORED, {"user_id": user.id, "key": key}).first()
    if stored is None:
        return None
    return stored_answer(stored.request_hash, stored.response_status, stored.response_body, hashed)


def stored_answer(stored_hash, status, body, hashed):
    """Return (status, body) stored under a key read by the caller's own query; 422 when the body differs."""
    if stored_hash != hashed:
        raise Invalid(
            _("This Idempotency-Key was already used for another request."),
            errors={HEADER: [_("Already used with a different body.")]},
        )
    return status, body


_KEYS = IdempotencyKey.__table__
_STORED = sa.select(_KEYS.c.request_hash, _KEYS.c.response_status, _KEYS.c.response_body).where(
    _KEYS.c.user_id == sa.bindparam("user_id"), _KEYS.c.key == sa.bindparam("key")
)


def remember(user, key, hashed, status, body, now):
    """Store the answer under the key, in the caller's transaction (its commit fails if the key raced in)."""
    db.session.add(
        IdempotencyKey(
            user_id=user.id,
            key=key,
            request_hash=hashed,
            response_status=status,
            response_body=body,
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
    )


def store(user, key, hashed, status, body, now):
    """Store the answer under the key with one INSERT of its own (not the unit of work), in the caller's
    transaction: at once, or at the batch's flush inside `writes.batched()`; a key that raced in fails there with
    IntegrityError, not at the commit. For hot paths; `remember` waits for the unit of work."""
    writes.insert_rows(
        _KEYS,
        [{
            "user_id": user.id,
            "key": key,
            "request_hash": hashed,
            "response_status": status,
            "response_body": body,
            "created_at": now,
            "expires_at": now + KEY_LIFETIME,
        }],
        key="idempotency.store",
    )  # fmt: skip


def purge(now=None):
    """Delete keys past their 7 days; return how many went."""
    now = now or utcnow()
    result = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at < now))
    db.session.commit()
    return result.rowcount
