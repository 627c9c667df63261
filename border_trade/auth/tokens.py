"""API bearer tokens: random, stored as SHA-256, expiring, revocable."""

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, load_only

from ..extensions import db
from ..gates.models import Gate
from ..types import utcnow
from . import remembered
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


# what a request reads of a token (its checks) and of its caller's gates (permissions, the gate routes' scope); any
# other column is loaded when read
TOKEN_COLUMNS = ("id", "user_id", "expires_at", "revoked_at", "last_used_at")
GATE_COLUMNS = ("id", "code", "province_id", "country_code", "status")


@functools.cache
def _token_statement(versioned=False):
    """One round trip: the token's checks, its user and the gates the user works at (a gate officer's scope), without
    the token's or the gates' other columns; `versioned` (PostgreSQL), with the user row's version for
    `remembered`. Built once, at first use (built at import, its eager loads would configure the mappers before
    every model is imported)."""
    gates = joinedload(ApiToken.user).joinedload(User.gates)
    columns = (ApiToken, remembered.version_column()) if versioned else (ApiToken,)
    return (
        sa.select(*columns)
        .options(
            load_only(*(getattr(ApiToken, name) for name in TOKEN_COLUMNS), raiseload=False),
            gates.load_only(*(getattr(Gate, name) for name in GATE_COLUMNS), raiseload=False),
        )
        .where(ApiToken.token_hash == sa.bindparam("token_hash"))
    )


def user_for_token(raw, now=None):
    """Return the active user a raw token belongs to, or None."""
    found = _read(raw, now)
    return None if found is None else found[0]


def caller_for_token(raw, now=None):
    """For an endpoint that confirms its caller in its own statement (`remembered`): return (the active user a raw
    token belongs to, the CallerCheck its statement must pass or None when the caller was read now), or None.
    The caller comes from this worker's memory when it was read less than `remembered.KEEP_SECONDS` ago."""
    if db.session.get_bind().dialect.name != "postgresql":  # no row versions: read every time
        user = user_for_token(raw, now)
        return None if user is None else (user, None)
    token_hash = digest(raw)
    recalled = remembered.recall(token_hash)
    if recalled is not None:
        return recalled
    found = _read(raw, now, versioned=True)
    if found is None:
        return None
    user, version = found
    remembered.remember(token_hash, user, version)
    return user, None


def _read(raw, now=None, versioned=False):
    """Return (the active user of a raw token, the user row's version when `versioned`), or None."""
    if not raw or len(raw) > 200:
        return None
    now = now or utcnow()
    result = db.session.execute(_token_statement(versioned), {"token_hash": digest(raw)}).unique()
    row = result.one_or_none()
    if row is None:
        return None
    token, version = row[0], (row[1] if versioned else None)
    if not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        # recorded at most every few minutes, in its own short transaction before the request's work begins; the
        # commit expires the token and its user: `token.user` below reads them again at once, from the primary, with
        # this statement's eager loads (left for later, a report's replica reads would read them from the replica)
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token.user, version
