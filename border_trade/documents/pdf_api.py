"""The public check of the QR code printed on every generated PDF (the downloads are `shipments/pdf_api.py`)."""

from marshmallow import fields

from ..api.blueprint import Blueprint
from ..api.schemas import BaseSchema, LocalDateTime
from . import pdfs
from .models import PdfKind

verify_blp = Blueprint(
    "verify_api", __name__, url_prefix="/api/v1", description="Public verification of generated documents"
)


class VerificationSchema(BaseSchema):
    valid = fields.Boolean(required=True)
    document = fields.String(metadata={"enum": PdfKind.values()})
    shipment = fields.String(metadata={"description": "The shipment reference (BT-YYYY-NNNNNN)"})
    number = fields.String()
    revision = fields.Integer()
    languages = fields.List(fields.String())
    issued_at = LocalDateTime()
    sha256 = fields.String(metadata={"description": "SHA-256 of the PDF as issued"})
    superseded = fields.Boolean(metadata={"description": "A newer revision of this document was issued"})
    superseded_at = LocalDateTime(allow_none=True)


@verify_blp.route("/verify/<token>")
@verify_blp.response(200, VerificationSchema)
@verify_blp.doc(security=[])
def verify(token):
    """Check the code printed on a generated PDF: which document it is, its hash, and whether it is still current."""
    return pdfs.verify(token)
