"""Shapes of a shipment's origin proof and e-invoice for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..api.schemas import BaseSchema, LocalDateTime
from .models import ProofKind, ProofStatus

# Circular 91/2026/TT-BTC Annex I (and 32/2025 before it): the form is one digit 1–9; the series six characters,
# C or K (with or without the tax authority's code), the year's two digits, a letter, two characters of the seller's.
FORM = validate.Regexp(r"^[1-9]$", error=_l("The form is one digit from 1 to 9."))
SERIES = validate.Regexp(
    r"^[CKck][0-9]{2}[A-Za-z][A-Za-z0-9]{2}$",
    error=_l("The series has six characters: C or K, the year's two digits, a letter and two characters."),
)
NUMBER = validate.Regexp(r"^[0-9]{1,8}$", error=_l("The invoice number has at most 8 digits."))


class OriginProofInSchema(BaseSchema):
    kind = fields.Enum(ProofKind, by_value=True, required=True)
    reference = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=64), metadata={"example": "VN-KH 26/01/00123"}
    )
    issued_on = fields.Date(allow_none=True, load_default=None)
    status = fields.Enum(ProofStatus, by_value=True, load_default=ProofStatus.ISSUED)
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))


class OriginProofSchema(BaseSchema):
    shipment = fields.Function(lambda p: p.shipment.reference, metadata={"example": "BT-2026-000123"})
    kind = fields.Function(lambda p: p.kind.value, metadata={"enum": ProofKind.values()})
    reference = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    status = fields.Function(lambda p: p.status.value, metadata={"enum": ProofStatus.values()})
    reason = fields.String(allow_none=True)
    updated_at = LocalDateTime()


class EInvoiceInSchema(BaseSchema):
    form = fields.String(required=True, validate=FORM, metadata={"example": "7"})
    series = fields.String(required=True, validate=SERIES, metadata={"example": "K26XAB"})
    number = fields.String(required=True, validate=NUMBER, metadata={"example": "123"})
    issued_on = fields.Date(required=True)


class EInvoiceSchema(BaseSchema):
    shipment = fields.Function(lambda e: e.shipment.reference, metadata={"example": "BT-2026-000123"})
    form = fields.String(allow_none=True)
    series = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    cleared_on = fields.Date(allow_none=True)
    due_on = fields.Date(
        allow_none=True, metadata={"description": "The last day to issue it, by the rule in force on clearance"}
    )
    due_rule = fields.Method("_rule")

    def _rule(self, einvoice):
        from .holidays import deadline_rules

        for rule in deadline_rules():
            if rule.effective_from.isoformat() == einvoice.due_source:
                return {
                    "effective_from": rule.effective_from.isoformat(),
                    "source": rule.source,
                    "unverified": rule.unverified,
                }
        return None


class CertifiedExporterSchema(BaseSchema):
    organisation = fields.Integer(dump_only=True, attribute="id")
    name = fields.String(dump_only=True)
    certified_exporter_code = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "The ATIGA certified exporter's authorisation code; null or empty clears it"},
    )
