"""What the permission matrix's origin rows need: the bodies and one origin proof / e-invoice recorded for the
world's shipment (made on first use, kept in `world.extra`)."""

from border_trade.extensions import db
from border_trade.origin.models import EInvoice, OriginProof, ProofKind, ProofStatus

PROOF = {"kind": "e_form_d", "reference": "VN-KH 26/01/00123", "status": "issued"}
EINVOICE = {"form": "1", "series": "K26TAB", "number": "123", "issued_on": "2026-12-01"}


def path(world, tail):
    return f"/api/v1/shipments/{world.shipment.id}/{tail}"


def recorded_proof(world):
    if "origin_proof" not in world.extra:
        proof = OriginProof(shipment_id=world.shipment.id, kind=ProofKind.E_FORM_D, status=ProofStatus.ISSUED)
        db.session.add(proof)
        db.session.commit()
        world.extra["origin_proof"] = proof
    return path(world, "origin-proof")


def recorded_einvoice(world):
    if "einvoice" not in world.extra:
        einvoice = EInvoice(shipment_id=world.shipment.id, form="1", series="K26TAB", number="1")
        db.session.add(einvoice)
        db.session.commit()
        world.extra["einvoice"] = einvoice
    return path(world, "e-invoice")


CERTIFIED = {"certified_exporter_code": "VN-CE-0042"}


def organisation_path(world):
    return f"/api/v1/organisations/{world.shipment.organisation_id}/certified-exporter"
