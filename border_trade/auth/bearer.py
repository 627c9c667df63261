"""Who calls /api/v1: the signed-in page's session (with its CSRF header) or the owner of a bearer token."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from ..errors import Unauthorized
from .tokens import user_for_token


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
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized(_("Sign in or send a valid API token."), headers={"WWW-Authenticate": "Bearer"})
    return user
