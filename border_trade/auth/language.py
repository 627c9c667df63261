"""The language switch `/lang/<lang>` (a route of the `auth` blueprint: a signed-in person's choice is saved)."""

from flask import make_response, redirect, request, session
from flask_login import current_user

from ..i18n import CHOSEN_LANGUAGE, LANGUAGES
from ..web import safe_redirect_target
from .services import set_locale


def set_language(lang):
    """Switch the interface language (saved on the account when signed in, else in a cookie)."""
    response = make_response(redirect(safe_redirect_target(request.args.get("next"))))
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        session[CHOSEN_LANGUAGE] = lang  # an explicit choice: kept when signing in
        if current_user.is_authenticated:
            set_locale(current_user, lang)
    return response
