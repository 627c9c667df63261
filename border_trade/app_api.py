"""The REST API put together: every domain's API blueprint, and a caller on every /api/v1 request.

Part of the composition root (like `create_app`): it knows every domain; `api/` is the plumbing the domains use
and knows none of them.
"""

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from .api import API_PREFIX, CONFIRMING_ENDPOINTS, PUBLIC_ENDPOINTS, api_caller_check, set_api_user
from .api.docs import blp as docs
from .audit.api import blp as audit_api
from .auth.api import blp as auth_api
from .auth.bearer import authenticate_bearer, authenticate_bearer_to_confirm, authenticate_session, read_caller_afresh
from .crossings.api import CONFIRMS_ITS_CALLER
from .crossings.api import blp as crossings_api
from .customs.api import blp as customs_api
from .documents.pdf_api import verify_blp as verify_api
from .equeue.api import blp as equeue_api
from .equeue.board_views import blp as board_page
from .equeue.calls_api import PUBLIC_BOARD_ENDPOINT
from .equeue.calls_api import blp as equeue_calls_api
from .errors import Unauthorized
from .extensions import UNLIMITED_ENDPOINTS, api, csrf, db
from .fleet.api import blp as fleet_api
from .gates.api import blp as gates_api
from .notifications.api import blp as notifications_api
from .origin.api import blp as origin_api
from .products.api import blp as products_api
from .province.api import blp as province_api
from .quotas.api import blp as quotas_api
from .receipts.api import PUBLIC_RECEIPT_ENDPOINTS
from .receipts.api import blp as receipts_api
from .reports.api import blp as reports_api
from .reports.ocop_api import blp as reports_province_api
from .scheduler.health import blp as health_api
from .shipments.api import blp as shipments_api
from .shipments.documents_api import blp as documents_api
from .shipments.pdf_api import blp as pdf_api

BLUEPRINTS = (
    health_api,
    gates_api,
    products_api,
    fleet_api,
    shipments_api,
    documents_api,
    auth_api,
    audit_api,
    crossings_api,
    notifications_api,
    pdf_api,
    verify_api,
    reports_api,
    equeue_api,
    equeue_calls_api,
    quotas_api,
    customs_api,
    receipts_api,
    origin_api,
    reports_province_api,
    province_api,
)
PUBLIC_ENDPOINTS.add(PUBLIC_BOARD_ENDPOINT)  # the e-queue's public gate board (#17): no token
PUBLIC_ENDPOINTS.update(PUBLIC_RECEIPT_ENDPOINTS)  # the buyer's receipt (#18): the token in the path is the key
CONFIRMING_ENDPOINTS.add(CONFIRMS_ITS_CALLER)  # the gate's events (#20): the caller confirmed with the shipment's lock
UNLIMITED_ENDPOINTS.add(CONFIRMS_ITS_CALLER)  # and no rate limit: the limiter's lookups spared


def register_api(app):
    """Bind flask-smorest, register every API blueprint and require a bearer token on /api/v1."""
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.register_blueprint(docs)
    app.register_blueprint(board_page)  # /board/<code>: the public board page (#17)

    @app.before_request
    def _authenticate_api():
        if not request.path.startswith(API_PREFIX + "/") or request.endpoint in PUBLIC_ENDPOINTS:
            return
        if request.endpoint is None:
            return  # 404/405 answered by the error handlers
        user, check = authenticate_session(), None
        if user is None and request.endpoint in CONFIRMING_ENDPOINTS:
            user, check = authenticate_bearer_to_confirm()  # confirmed by the endpoint's statement
        set_api_user(user or authenticate_bearer(), check)

    @app.after_request
    def _check_an_unconfirmed_caller(response):
        """An answer to a remembered caller whose endpoint did not confirm it (refused before its statement: an
        invalid body, …) leaves only if the token still opens the API; else 401 (auth.remembered). Registered
        after the security headers' hook, so it runs before it."""
        check = api_caller_check()
        if check is None or check.confirmed:
            return response
        db.session.rollback()
        try:
            read_caller_afresh()
        except (Unauthorized, SQLAlchemyError) as error:
            return app.make_response(app.handle_user_exception(error))
        return response

    if not sa.event.contains(db.session, "before_commit", _no_commit_for_an_unconfirmed_caller):
        sa.event.listen(db.session, "before_commit", _no_commit_for_an_unconfirmed_caller)


def _no_commit_for_an_unconfirmed_caller(session):
    """Nothing is committed for a remembered caller its endpoint has not confirmed (auth.remembered)."""
    if not has_request_context():
        return
    check = api_caller_check()
    if check is not None and not check.confirmed:
        raise RuntimeError("a remembered API caller must be confirmed before its request commits (auth.remembered)")
