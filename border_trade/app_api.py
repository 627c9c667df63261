"""The REST API put together: every domain's API blueprint, and a caller on every /api/v1 request.

Part of the composition root (like `create_app`): it knows every domain; `api/` is the plumbing the domains use
and knows none of them.
"""

from flask import g, request

from .api import API_PREFIX, PUBLIC_ENDPOINTS
from .api.docs import blp as docs
from .audit.api import blp as audit_api
from .auth.api import blp as auth_api
from .auth.bearer import authenticate_bearer, authenticate_session
from .crossings.api import blp as crossings_api
from .customs.api import blp as customs_api
from .documents.pdf_api import verify_blp as verify_api
from .equeue.api import blp as equeue_api
from .equeue.board_views import blp as board_page
from .equeue.calls_api import PUBLIC_BOARD_ENDPOINT
from .equeue.calls_api import blp as equeue_calls_api
from .extensions import api, csrf
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
        g.api_user = authenticate_session() or authenticate_bearer()
