"""Who calls /api/v1: the signed-in page's session (with its CSRF header) or the owner of a bearer token."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from ..api import set_api_user
from ..errors import Unauthorized
from . import remembered
from .tokens import caller_for_token, digest, user_for_token


def authenticate_session():
    """Return the signed-in user for same-origin calls from the app's own pages, or None.

    Pages (the gate tablet) call the API with their session cookie and no Authorization header; unsafe
    methods must then carry the page's CSRF token in `X-CSRFToken`, so other sites cannot ride the cookie.
    """
    if request.headers.get("Authorization"):
        return None
    if not current_user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise Unauthorized(_("The page's security token is missing or expired; reload the page.")) from None
    return current_user._get_current_object()


def authenticate_bearer():
    """Return the user of the request's bearer token, or raise 401."""
    user = user_for_token(bearer_token())
    if user is None:
        raise _unauthorized()
    return user


def authenticate_bearer_to_confirm():
    """For an endpoint that confirms its caller in its own statement (auth.remembered): return (the user of the
    request's bearer token, the CallerCheck that statement must pass, or None when the caller was read now), or raise
    401."""
    found = caller_for_token(bearer_token())
    if found is None:
        raise _unauthorized()
    return found


def read_caller_afresh():
    """The remembered caller was not confirmed: forget it, read the request's token from the database and make its
    user the request's caller (language included); return it, or raise 401. The check is dropped first: the read may
    commit the token's last use."""
    set_api_user(None)
    raw = bearer_token()
    if raw:
        remembered.forget(digest(raw))
    user = authenticate_bearer()
    set_api_user(user)
    return user


def bearer_token():
    """Return the raw token of the request's `Authorization: Bearer …` header, or ""."""
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def _unauthorized():
    return Unauthorized(_("Sign in or send a valid API token."), headers={"WWW-Authenticate": "Bearer"})
