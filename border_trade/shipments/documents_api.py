"""A shipment's paperwork endpoints: register papers (JSON, or multipart with a scan), list them, fetch a scan."""

from flask import request, send_file
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..api import api_user
from ..api.blueprint import Blueprint, json_body
from ..auth.permissions import require
from ..documents.schemas import DocumentInSchema, DocumentListSchema, DocumentSchema, DocumentUploadSchema
from ..errors import Invalid, flatten_errors
from .services import documents as services

blp = Blueprint("documents_api", __name__, url_prefix="/api/v1", description="Shipment paperwork")


@blp.route("/shipments/<id_or_reference>/documents", methods=["POST"])
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": DocumentInSchema},
            "multipart/form-data": {"schema": DocumentUploadSchema},
        },
    }
)
@blp.response(201, DocumentSchema)
def register(id_or_reference):
    """Register a paper for the shipment, with an optional scan (multipart field `file`)."""
    upload = None
    if request.mimetype == "multipart/form-data":
        fields = request.form.to_dict()
        for name, value in list(fields.items()):
            if value == "" and name in ("expires_on", "replaces"):
                fields[name] = None
        stored = request.files.get("file")
        if stored is not None and stored.filename:
            upload = (stored.read(), stored.filename)
        extra = set(request.files) - {"file"}
        if extra:
            raise Invalid(errors={name: [_("Unknown field.")] for name in extra})
    elif request.is_json:
        fields = json_body()
        if not isinstance(fields, dict):
            raise Invalid(_("The request body must be a JSON object."), errors={"_schema": [_("Invalid input type.")]})
    else:
        raise Invalid(_("Send JSON or multipart/form-data."), errors={"_schema": [_("Invalid input type.")]})
    try:
        data = DocumentInSchema().load(fields)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None
    return services.register_document(api_user(), id_or_reference, data, upload=upload), 201


@blp.route("/shipments/<id_or_reference>/documents")
@blp.response(200, DocumentListSchema)
def list_documents(id_or_reference):
    """List the shipment's papers, replaced ones included (marked)."""
    user = api_user()
    require(user, "shipment.read")
    return {"items": services.list_documents(user, id_or_reference)}


@blp.route("/shipments/<id_or_reference>/documents/<id:document_id>/file")
@blp.response(200, description="The scan (PDF, JPEG or PNG)", content_type="application/octet-stream")
def download(id_or_reference, document_id):
    """Download a document's scan (only for those who may see the shipment)."""
    user = api_user()
    require(user, "shipment.read")
    path, mime, name = services.document_scan(user, id_or_reference, document_id)
    return send_file(path, mimetype=mime, download_name=name, as_attachment=True)
