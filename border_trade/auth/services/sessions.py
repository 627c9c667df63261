"""Signing in and out: credentials checked, every attempt recorded."""

from flask_babel import gettext as _

from ...audit.services import record
from ...errors import Unauthorized
from ...extensions import db
from ...types import utcnow
from .. import queries
from ..passwords import check_password, hash_password, needs_rehash


def sign_in(email, password, *, via="web"):
    """Check an e-mail and password, record the sign-in and return the user.

    :raises Unauthorized: for a wrong password, an unknown or a deactivated account (the failure is recorded).
    """
    user = verify_credentials(email, password, via=via)
    user.last_login_at = utcnow()
    record("auth.sign_in", actor=user, obj=user, after={"via": via})
    db.session.commit()
    return user


def sign_out(user):
    """Record that a user signed out."""
    record("auth.sign_out", actor=user, obj=user)
    db.session.commit()


def verify_credentials(email, password, *, via):
    email = (email or "").strip().lower()[:254]
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
        db.session.commit()  # the error handler rolls back; the failure must stay on record
        raise Unauthorized(_("The e-mail address or the password is wrong."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
