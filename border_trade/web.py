"""Request hooks shared by pages and API: request id, locale refresh, security headers, template helpers."""

import logging
import re
import uuid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import g, request, url_for
from flask_babel import refresh as refresh_locale
from werkzeug.routing import IntegerConverter

from .extensions import db
from .form_messages import install_form_messages
from .formatting import register_formatting
from .i18n import LANGUAGE_NAMES, LANGUAGES, current_language, localized

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


MAX_ID = 2**31 - 1

log = logging.getLogger(__name__)

# Browsers drop tabs and line breaks anywhere in a URL, trim C0 controls and spaces at both ends, and read "\\" as
# "/": `/\t/evil.example` or `/\\evil.example` become `//evil.example`, another site.
_DROPPED = dict.fromkeys(map(ord, "\t\n\r"))
_TRIMMED = "".join(chr(c) for c in range(0x21))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_redirect_target(target, default_endpoint="home.index"):
    """Return `target` when it is a path on this site (`/…`, never `//…`), else the home page (no open redirects).

    Every `next=` the app follows goes through here: the sign-in page, the language switch, token revocation.
    """
    seen = (target or "").translate(_DROPPED).strip(_TRIMMED).replace("\\", "/")
    parts = urlsplit(seen)
    if not seen.startswith("/") or seen.startswith("//") or parts.scheme or parts.netloc or _CONTROL.search(seen):
        return url_for(default_endpoint)
    return seen


class IntConverter(IntegerConverter):
    """`<int:…>` of ASCII digits only (werkzeug's `\\d+` takes any script's digits: `٣` would be 3), at most MAX_ID
    (larger numbers answer 404 instead of overflowing the database driver)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class IdConverter(IntConverter):
    """A positive database id."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def install_request_hooks(app):
    """Attach the id converter, request id, security headers and the template context to every request."""
    app.url_map.converters["int"] = IntConverter
    app.url_map.converters["id"] = IdConverter
    register_formatting(app)  # money, weight, local date/time filters and globals
    install_form_messages(app)  # WTForms' validator messages from the app's catalogue

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex

    @app.before_request
    def _fresh_locale():
        # Flask-Babel caches the locale on `g`, which a request shares with an app context pushed around it
        # (tests, CLI): let every request choose its own language.
        refresh_locale()

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in reverse).
    @app.teardown_appcontext
    def _close_session(error):
        """Close the request's session; when the database went away after the answer was made (the rollback of
        closing fails), log it and drop the session instead of letting the server turn the answer into a 500."""
        try:
            db.session.remove()
        except sa.exc.SQLAlchemyError:
            log.warning("closing the database session failed; the connection is discarded", exc_info=True)
            db.session.registry.clear()

    hsts = app.config.get("HSTS_SECONDS") or 0

    fixed = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")]
    fixed.append(("Content-Security-Policy", CSP))
    if hsts:
        # production is served over HTTPS only (nginx terminates TLS): browsers must never try plain HTTP
        fixed.append(("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"))

    @app.after_request
    def _security_headers(response):
        # each header unless the view set its own (one look at the response's headers, not one per header)
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # noqa: SIM118 (Headers iterates pairs)
        wanted = [("X-Request-ID", g.get("request_id", "")), *fixed]
        if request.path.startswith("/api/"):
            wanted.append(("Cache-Control", "no-store"))
        headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
        return response

    @app.context_processor
    def _template_globals():
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language,
            "localized": localized,
        }
