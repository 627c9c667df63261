"""Customs endpoints of a shipment (API.md, "After the border"): its declaration, the data handoff for the
declarant's customs software (XLSX, XML) and the ACDD's 15 fields."""

from flask import Response

from ..api import api_user
from ..api.blueprint import Blueprint
from . import handoff, services
from .schemas import AcddSchema, DeclarationInSchema, DeclarationSchema, HandoffQuerySchema

blp = Blueprint("customs_api", __name__, url_prefix="/api/v1", description="Customs declaration, handoff, ACDD")

XLSX = {"content": {handoff.XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}}}
XML = {"content": {handoff.XML_MIME: {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/shipments/<id_or_reference>/customs-declaration", methods=["PUT"])
@blp.arguments(DeclarationInSchema)
@blp.response(200, DeclarationSchema)
@blp.alt_response(201, schema=DeclarationSchema, description="The declaration was recorded for the first time")
def put_declaration(data, id_or_reference):
    """Record or replace the shipment's customs declaration (its trader; officers of its gate).

    The number has 12 digits, starting with 3 for an export and 1 for an import; the type code comes from the
    customs' table (Decision 1357/QĐ-TCHQ) and fits the direction. A red channel makes the gate's `cleared`
    without an inspection a 409.
    """
    declaration, created = services.record_declaration(api_user(), id_or_reference, data)
    return declaration, 201 if created else 200


@blp.route("/shipments/<id_or_reference>/customs-declaration")
@blp.response(200, DeclarationSchema)
def get_declaration(id_or_reference):
    """Show the shipment's customs declaration (404 when none is recorded)."""
    return services.get_declaration(api_user(), id_or_reference)


@blp.route("/shipments/<id_or_reference>/customs-handoff.xlsx")
@blp.arguments(HandoffQuerySchema, location="query")
@blp.response(200, description="Sheets TKX (header) and HANG (goods lines)", content_type=handoff.XLSX_MIME)
@blp.doc(responses={"200": XLSX})
def handoff_xlsx(args, id_or_reference):
    """Download the shipment's customs data for the declarant (not a declaration), in a profile's layout."""
    data = services.handoff_for(api_user(), id_or_reference, args.get("profile"))
    return _file(handoff.to_xlsx(data), handoff.XLSX_MIME, f"{data.reference}-customs-handoff.xlsx")


@blp.route("/shipments/<id_or_reference>/customs-handoff.xml")
@blp.arguments(HandoffQuerySchema, location="query")
@blp.response(200, description="Valid against border_trade/data/customs_handoff.xsd", content_type=handoff.XML_MIME)
@blp.doc(responses={"200": XML})
def handoff_xml(args, id_or_reference):
    """The same customs data as XML (schema: border_trade/data/customs_handoff.xsd)."""
    data = services.handoff_for(api_user(), id_or_reference, args.get("profile"))
    return _file(handoff.to_xml(data), handoff.XML_MIME, f"{data.reference}-customs-handoff.xml")


@blp.route("/shipments/<id_or_reference>/acdd")
@blp.response(200, AcddSchema)
def acdd(id_or_reference):
    """The 15 fields of the ASEAN Customs Declaration Document for the shipment (items h–k and n per line)."""
    return services.acdd_for(api_user(), id_or_reference)


def _file(content, mime, filename):
    response = Response(content, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
