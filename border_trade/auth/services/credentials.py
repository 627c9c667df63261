"""Ending a user's access: browser sessions and API tokens (password change or reset, deactivation)."""

import hashlib

import sqlalchemy as sa

from ...audit.services import record
from ...extensions import db
from ...types import utcnow
from ..models import ApiToken, UserSession


def session_digest(key):
    """Return the stored form (SHA-256) of a browser session key."""
    return hashlib.sha256(key.encode()).hexdigest()


def end_sessions(user, *, keep=None):
    """Delete a user's browser sessions except `keep` (a session key) and bump the session version (so even a
    session opened before the session rows existed ends); the caller commits. Return how many ended."""
    condition = UserSession.user_id == user.id
    if keep:
        condition = sa.and_(condition, UserSession.token_hash != session_digest(keep))
    user.session_version += 1
    return db.session.execute(sa.delete(UserSession).where(condition)).rowcount or 0


def revoke_api_tokens(user, *, reason, actor=None, actor_email=None):
    """Revoke every usable API token of a user and record `api_tokens.revoked` with the count; the caller commits.

    Return the number revoked (no audit entry when there were none).
    """
    now = utcnow()
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    ).all()
    for token in tokens:
        token.revoked_at = now
    if tokens:
        record(
            "api_tokens.revoked",
            actor=actor,
            actor_email=actor_email,
            obj=user,
            after={"count": len(tokens), "prefixes": [t.prefix for t in tokens], "reason": reason},
        )
    return len(tokens)
