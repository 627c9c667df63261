"""REST plumbing: the flask-smorest Api, bearer-token authentication for /api/v1, the blueprints."""

from flask import g, request
from flask_babel import gettext as _

from ..errors import Unauthorized
from ..extensions import api, csrf

API_PREFIX = "/api/v1"
# endpoints that answer without a token (API.md, Conventions)
PUBLIC_ENDPOINTS = {"auth_api.token", "health_api.health", "verify_api.verify"}


def register_api(app):
    """Bind flask-smorest, register every API blueprint and require a bearer token on /api/v1."""
    from ..audit.api import blp as audit_api
    from ..auth.api import blp as auth_api
    from ..crossings.api import blp as crossings_api
    from ..documents.api import blp as documents_api
    from ..documents.pdf_api import blp as pdf_api
    from ..documents.pdf_api import verify_blp as verify_api
    from ..gates.api import blp as gates_api
    from ..notifications.api import blp as notifications_api
    from ..products.api import blp as products_api
    from ..reports.api import blp as reports_api
    from ..shipments.api import blp as shipments_api
    from .health import blp as health_api

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    blueprints = (
        health_api,
        gates_api,
        products_api,
        shipments_api,
        documents_api,
        auth_api,
        audit_api,
        crossings_api,
        notifications_api,
        pdf_api,
        verify_api,
    )
    blueprints += (reports_api,)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    from .docs import blp as docs

    app.register_blueprint(docs)

    @app.before_request
    def _authenticate_api():
        if not request.path.startswith(API_PREFIX + "/") or request.endpoint in PUBLIC_ENDPOINTS:
            return
        if request.endpoint is None:
            return  # 404/405 answered by the error handlers
        g.api_user = authenticate_session() or authenticate_bearer()


def authenticate_session():
    """Return the signed-in user for same-origin calls from the app's own pages, or None.

    Pages (the gate tablet) call the API with their session cookie and no Authorization header; unsafe
    methods must then carry the page's CSRF token in `X-CSRFToken`, so other sites cannot ride the cookie.
    """
    if request.headers.get("Authorization"):
        return None
    from flask_login import current_user
    from flask_wtf.csrf import validate_csrf
    from wtforms.validators import ValidationError

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
    from ..auth.tokens import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized(_("Sign in or send a valid API token."), headers={"WWW-Authenticate": "Bearer"})
    return user


def api_user():
    """Return the authenticated API caller."""
    return g.api_user
