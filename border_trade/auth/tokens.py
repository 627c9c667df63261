"""API bearer tokens: random, stored as SHA-256, expiring, revocable."""

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..gates.models import Gate
from ..types import utcnow
from .models import ApiToken, User

TOKEN_PREFIX = "bt_"
LAST_USED_PRECISION = timedelta(minutes=5)


def digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(user, *, name=None, address=None, now=None):
    """Create a token for a user and return (raw token, record); the raw value is shown once."""
    now = now or utcnow()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        token_hash=digest(raw),
        prefix=raw[:10],
        name=name,
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"]),
        created_from=address,
    )
    db.session.add(record)
    return raw, record


# what a request reads of its caller's gates (permissions, the gate routes' scope); any other column of a gate is
# loaded when read
GATE_COLUMNS = ("id", "code", "province_id", "country_code", "status")


@functools.cache
def _token_statement():
    """One round trip: the token's checks, its user and the gates the user works at (a gate officer's scope); the
    token's columns as values, not an entity (nothing of it is kept). Built once, at first use (built at import, its
    eager loads would configure the mappers before every model is imported)."""
    return (
        sa.select(User, ApiToken.id, ApiToken.expires_at, ApiToken.revoked_at, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .options(joinedload(User.gates).load_only(*(getattr(Gate, name) for name in GATE_COLUMNS), raiseload=False))
        .where(ApiToken.token_hash == sa.bindparam("token_hash"))
    )


def user_for_token(raw, now=None):
    """Return the active user a raw token belongs to, or None."""
    if not raw or len(raw) > 200:
        return None
    now = now or utcnow()
    parameters = {"token_hash": digest(raw)}
    row = db.session.execute(_token_statement(), parameters).unique().first()
    if row is None:
        return None
    user, token_id, expires_at, revoked_at, last_used_at = row
    if revoked_at is not None or expires_at <= now or not user.is_active:
        return None
    if last_used_at is None or now - last_used_at > LAST_USED_PRECISION:
        # recorded at most every few minutes, in its own short transaction before the request's work begins
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
        # the commit expired the user and its gates: read them again now, from the primary (left expired, they
        # would be read when first used, from the replica inside a report's replica reads, which may not have them)
        row = db.session.execute(_token_statement(), parameters).unique().first()
        if row is None:
            return None
        user = row[0]
    return user
