"""HTML pages of shipments: the list, the shipment form, the detail page with its paperwork and moves, imports.

Every page reads through the same queries and changes through the same services as the API.
"""

from flask import Blueprint

from ...pages import template_helpers

blp = Blueprint("shipments", __name__, url_prefix="/shipments")
blp.app_context_processor(template_helpers)

from . import detail, editing, imports  # noqa: E402, F401  (their routes register on blp)
