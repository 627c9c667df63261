"""PDF downloads for a shipment (the public check of their QR code is `documents/pdf_api.py`)."""

from flask import Response
from marshmallow import fields

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.schemas import BaseSchema
from ..auth.permissions import require
from ..documents.models import PdfKind
from ..documents.pdfs import DEFAULT_LANGUAGES, start_warm_up
from .services import pdfs

blp = Blueprint("pdf_api", __name__, url_prefix="/api/v1", description="Generated documents (PDF)")

LANG_PATTERN = r"^(vi|km|en)(,(vi|km|en))?$"
KIND_PARAMETER = {
    "in": "path",
    "name": "kind",
    "required": True,
    "schema": {"type": "string", "enum": PdfKind.values()},
    "description": "co-form-d is the ATIGA Form D worksheet (boxes 1–13), not a certificate",
}


class PdfQuerySchema(BaseSchema):
    lang = fields.String(
        load_default=",".join(DEFAULT_LANGUAGES),
        metadata={
            "description": "One or two of vi, km, en, comma-separated: the languages printed, in order",
            "pattern": LANG_PATTERN,
            "example": "vi,km",
        },
    )


@blp.record_once
def _warm_up_fonts(state):
    """Cut and register the fonts in the background at the first request, so no PDF download waits for it."""
    if state.app.testing:
        return
    state.app.before_request(start_warm_up)


@blp.route("/shipments/<id_or_reference>/pdf/<kind>", parameters=[KIND_PARAMETER])
@blp.arguments(PdfQuerySchema, location="query")
@blp.response(200, description="The PDF, with a verification QR code on every page", content_type="application/pdf")
@blp.doc(responses={"200": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def download(args, id_or_reference, kind):
    """Download a shipment's commercial invoice, packing list, Form D worksheet or crossing manifest."""
    user = api_user()
    require(user, "shipment.read")
    issued = pdfs.issue(user, id_or_reference, kind, args["lang"])
    response = Response(issued.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{issued.filename}"'
    response.headers["X-Document-Number"] = issued.record.number
    response.headers["X-Document-Revision"] = str(issued.record.revision)
    return response
