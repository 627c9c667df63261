"""The blueprint of the shipment pages, apart from the package so the page modules never import their package."""

from flask import Blueprint

from ...pages import template_helpers

blp = Blueprint("shipments", __name__, url_prefix="/shipments")
blp.app_context_processor(template_helpers)
