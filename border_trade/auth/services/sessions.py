"""Signing in and out: credentials checked (per account and address, see `throttle`), every attempt recorded,
each browser session a row that signing out deletes."""

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ...audit.services import client_address, record
from ...errors import Unauthorized
from ...extensions import db
from ...types import utcnow
from .. import queries, throttle
from ..models import UserSession
from ..passwords import check_password, hash_password, needs_rehash
from .account import apply_locale
from .credentials import session_digest


def sign_in(email, password, *, via="web"):
    """Check an e-mail and password, record the sign-in and return the user.

    :raises Unauthorized: for a wrong password, an unknown or a deactivated account (the failure is recorded).
    :raises TooManyAttempts: while this account is locked for this address.
    """
    user = verify_credentials(email, password, via=via)
    _signed_in(user, via)
    db.session.commit()
    return user


def sign_in_session(email, password, *, locale=None):
    """Sign in on a page: check the credentials, open a server-side session and keep the language chosen before
    signing in (`locale`, saved as the user's preference). Return (user, session key for the cookie).

    :raises Unauthorized, TooManyAttempts: as `sign_in` does.
    """
    user = verify_credentials(email, password, via="web")
    now = utcnow()
    # sessions older than the lifetime are dead already: drop them while we are here
    db.session.execute(
        sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at <= _oldest_live(now))
    )
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=session_digest(key), created_at=now))
    apply_locale(user, locale)
    _signed_in(user, "web")
    db.session.commit()
    return user, key


def sign_out(user, session_key=None):
    """End this browser session (its row goes, so a copy of the cookie opens nothing) and record it."""
    if session_key:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == session_digest(session_key)))
    record("auth.sign_out", actor=user, obj=user)
    db.session.commit()


def live_session_user_id(session_key, now=None):
    """Return the id of the user whose live session this key opens, or None."""
    if not session_key or not isinstance(session_key, str) or len(session_key) > 100:
        return None
    return db.session.scalar(
        sa.select(UserSession.user_id).where(
            UserSession.token_hash == session_digest(session_key), UserSession.created_at > _oldest_live(now)
        )
    )


def _oldest_live(now=None):
    return (now or utcnow()) - current_app.config["PERMANENT_SESSION_LIFETIME"]


def _signed_in(user, via):
    user.last_login_at = utcnow()
    record("auth.sign_in", actor=user, obj=user, after={"via": via})


def verify_credentials(email, password, *, via):
    email = (email or "").strip().lower()[:254]
    address = client_address()
    now = utcnow()
    throttle.refuse_if_locked(email, address, now)
    user = queries.get_user_by_email(email)
    matches = check_password(user.password_hash if user else None, password or "")
    if user is None or not matches or not user.is_active:
        reason = "unknown_account" if user is None else ("wrong_password" if not matches else "deactivated")
        record(
            "auth.sign_in_failed",
            actor_email=email or None,
            obj=user,
            object_type="user",
            after={"via": via, "reason": reason},
        )
        throttle.record_failure(email, address, now)
        db.session.commit()  # the error handler rolls back; the failure must stay on record
        raise Unauthorized(_("The e-mail address or the password is wrong."))
    throttle.clear(email, address)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
