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
def _token_statement():
    """One round trip: the token's checks, its user and the gates the user works at (a gate officer's scope), without
    the token's or the gates' other columns. Built once, at first use (built at import, its eager loads would
    configure the mappers before every model is imported)."""
    gates = joinedload(ApiToken.user).joinedload(User.gates)
    return (
        sa.select(ApiToken)
        .options(
            load_only(*(getattr(ApiToken, name) for name in TOKEN_COLUMNS), raiseload=False),
            gates.load_only(*(getattr(Gate, name) for name in GATE_COLUMNS), raiseload=False),
        )
        .where(ApiToken.token_hash == sa.bindparam("token_hash"))
    )


def user_for_token(raw, now=None):
    """Return the active user a raw token belongs to, or None."""
    if not raw or len(raw) > 200:
        return None
    now = now or utcnow()
    token = db.session.execute(_token_statement(), {"token_hash": digest(raw)}).unique().scalar_one_or_none()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        # recorded at most every few minutes, in its own short transaction before the request's work begins; the
        # commit expires the token and its user: `token.user` below reads them again at once, from the primary, with
        # this statement's eager loads (left for later, a report's replica reads would read them from the replica)
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token.user
