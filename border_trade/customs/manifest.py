"""The crossing manifest's customs facts: the recorded declaration's number and channel (issue 18)."""

from .models import DeclarationStatus
from .queries import declaration_of


def add_to_manifest(*, shipment, extras):
    """Give the crossing manifest the shipment's declaration number and channel (subscribed to
    `pdf.manifest_extras`); a cancelled declaration gives nothing (the goods do not cross under it)."""
    declaration = declaration_of(shipment.id)
    if declaration is None or declaration.status is DeclarationStatus.CANCELLED:
        return
    extras["declaration_number"] = declaration.number
    if declaration.channel is not None:
        extras["declaration_channel"] = declaration.channel  # a Lane: printed as its translated word
