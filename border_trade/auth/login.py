"""Flask-Login wiring: load the signed-in user from the session, only while its server-side session lives."""

import hashlib

from flask import request, session
from flask_babel import lazy_gettext as _l

from ..extensions import db, login
from ..types import ascii_id
from .models import User
from .services import live_session_user_id

# the session cookie's key of the browser session (a `user_sessions` row that signing out deletes)
SESSION_KEY = "_sid"

login.login_view = "auth.login"
login.login_message = _l("Please sign in to open this page.")
login.login_message_category = "info"
login.session_protection = "strong"


def session_fingerprint():
    """Hash the client's address and browser for Flask-Login's strong session protection.

    Flask-Login's own version reads the raw `X-Forwarded-For` header, which any client sets: a stolen cookie would
    pass by naming its owner's address. `remote_addr` is the address ProxyFix found behind `PROXY_COUNT` proxies.
    """
    base = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha512(base.encode("utf-8", "replace")).hexdigest()


login._session_identifier_generator = session_fingerprint


@login.user_loader
def load_user(user_id):
    """Return the user named in the session, unless their sessions were revoked or they were deactivated."""
    ident, _sep, version = str(user_id).partition(":")
    user_id = ascii_id(ident)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    if live_session_user_id(session.get(SESSION_KEY)) != user.id:
        return None  # signed out (or never signed in through a page): a replayed cookie opens nothing
    return user
