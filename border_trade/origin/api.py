"""Origin proof and e-invoice endpoints of a shipment (API.md, "After the border")."""

from ..api import api_user
from ..api.blueprint import Blueprint
from . import services
from .schemas import (
    CertifiedExporterSchema,
    EInvoiceInSchema,
    EInvoiceSchema,
    OriginProofInSchema,
    OriginProofSchema,
)

blp = Blueprint("origin_api", __name__, url_prefix="/api/v1", description="Origin proof and e-invoice")


@blp.route("/shipments/<id_or_reference>/origin-proof", methods=["PUT"])
@blp.arguments(OriginProofInSchema)
@blp.response(200, OriginProofSchema)
@blp.alt_response(201, schema=OriginProofSchema, description="The origin proof was recorded for the first time")
def put_origin_proof(data, id_or_reference):
    """Record or move the shipment's origin proof (its trader, from `submitted` on; earlier 409).

    Status: issued → presented → utilised / rejected (with the reason) / cancelled; another move is a 409 naming the
    allowed ones. A Form D issued more than one year after shipment, or a form S for a shipment not under a quota,
    is a 422 naming the field.
    """
    proof, created = services.record_proof(api_user(), id_or_reference, data)
    return proof, 201 if created else 200


@blp.route("/shipments/<id_or_reference>/origin-proof")
@blp.response(200, OriginProofSchema)
def get_origin_proof(id_or_reference):
    """Show the shipment's origin proof (404 when none is recorded)."""
    return services.get_proof(api_user(), id_or_reference)


@blp.route("/shipments/<id_or_reference>/e-invoice", methods=["PUT"])
@blp.arguments(EInvoiceInSchema)
@blp.response(200, EInvoiceSchema)
@blp.alt_response(201, schema=EInvoiceSchema, description="The e-invoice was recorded for the first time")
def put_einvoice(data, id_or_reference):
    """Record the e-invoice issued for the shipment: form, series, number, date (its trader, from `submitted` on)."""
    einvoice, created = services.record_einvoice(api_user(), id_or_reference, data)
    return einvoice, 201 if created else 200


@blp.route("/shipments/<id_or_reference>/e-invoice")
@blp.response(200, EInvoiceSchema)
def get_einvoice(id_or_reference):
    """Show the shipment's e-invoice and, for a cleared export, the day it is due (404 when none)."""
    return services.get_einvoice(api_user(), id_or_reference)


@blp.route("/organisations/<int:organisation_id>/certified-exporter", methods=["PUT"])
@blp.arguments(CertifiedExporterSchema)
@blp.response(200, CertifiedExporterSchema)
def put_certified_exporter(data, organisation_id):
    """Record an organisation's ATIGA certified-exporter authorisation code (admins; an exporter for its own
    organisation): its commercial invoices then print the origin declaration. Null or empty clears it."""
    return services.set_certified_exporter_code(api_user(), organisation_id, data.get("certified_exporter_code"))
