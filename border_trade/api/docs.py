"""`/api/docs`: Swagger UI served from the flask-swagger-ui package (no CDN), CSP-clean."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, render_template, url_for

DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"

blp = Blueprint("api_docs", __name__, url_prefix="/api/docs", static_folder=str(DIST), static_url_path="/static")


@blp.route("/")
@blp.route("")
def index():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
