"""Languages, the locale selector and helpers for bilingual labels."""

from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

LANGUAGES = ("vi", "km", "en")
DEFAULT_LOCALE = "vi"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "km": "ខ្មែរ", "en": "English"}
# the session key of a language chosen explicitly (the switch, `?lang=` on a page): signing in keeps it
CHOSEN_LANGUAGE = "lang"


FORCED_LOCALE = "border_trade.forced_locale"


def select_locale():
    """Pick the request's locale (API.md): `?lang=`, then the signed-in person's stored preference, then
    `Accept-Language` among vi, km, en, then vi. Pages put the visitor's explicit choice (`?lang=` earlier in the
    session, then the switch's `lang` cookie) between the preference and `Accept-Language`.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    # a page may force its language for its own request (the public receipt page opens in Khmer); kept on the
    # request, not on `g`, which outlives the request wherever an app context was already pushed (tests, jobs)
    forced = request.environ.get(FORCED_LOCALE)
    if forced:
        return forced
    candidates = [request.args.get("lang"), _preference(_current_user())]
    if not request.path.startswith("/api/"):
        # an explicit choice earlier in this browser session (`?lang=` on a page), then the switch's cookie: the
        # sign-in page shows the language that signing in will keep
        candidates += [session.get(CHOSEN_LANGUAGE), request.cookies.get("lang")]
    candidates.append(_accept_language())
    return next((c for c in candidates if c in LANGUAGES), DEFAULT_LOCALE)


def _preference(user):
    """Return the user's saved language, or None when it cannot be read now.

    An error handler answering 503 (the database went away mid-request) has rolled the session back, which
    expires the user; reading the attribute again would need the database and turn the 503 into a 500.
    """
    if user is None:
        return None
    try:
        return getattr(user, "locale", None)
    except SQLAlchemyError:
        return None


def _accept_language():
    if not request.accept_languages:
        return None
    return request.accept_languages.best_match(LANGUAGES)


def _current_user():
    user = g.get("api_user")
    if user is not None:
        return user
    if "flask_login" in current_app.extensions or hasattr(current_app, "login_manager"):
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user
    return None


def current_language():
    """Return the active language code as a plain string."""
    return str(get_locale() or DEFAULT_LOCALE)


def translate_in(msgid, locale, **params):
    """Translate one message in the given locale (needs an app context; force_locale is a no-op without)."""
    with force_locale(locale):
        return _(msgid, **params)


def bilingual(msgid, first="vi", second="km", sep=" / ", **params):
    """Return "first / second" translations of one msgid, or one text when both languages are the same."""
    texts = [translate_in(msgid, lang, **params) for lang in dict.fromkeys(x for x in (first, second) if x)]
    return sep.join(texts)


def localized(obj, field, locale=None):
    """Read `<field>_<locale>` from a record, falling back to Vietnamese, then English."""
    locale = locale or current_language()
    for lang in (locale, "vi", "en"):
        value = getattr(obj, f"{field}_{lang}", None)
        if value:
            return value
    return None
