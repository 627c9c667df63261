"""What the permission matrix's customs rows need in its world: the body of a declaration and one recorded for the
world's shipment (made on first use, kept in `world.extra`)."""

from border_trade.customs.models import CustomsDeclaration, DeclarationStatus
from border_trade.extensions import db

BODY = {"number": "305254403660", "type_code": "B11", "channel": "green", "status": "registered"}


def path(world, tail):
    return f"/api/v1/shipments/{world.shipment.id}/{tail}"


def recorded(world):
    """The path of the world's shipment's declaration, recorded first."""
    if "customs" not in world.extra:
        declaration = CustomsDeclaration(
            shipment_id=world.shipment.id, number=BODY["number"], type_code="B11", status=DeclarationStatus.REGISTERED
        )
        db.session.add(declaration)
        db.session.commit()
        world.extra["customs"] = declaration
    return path(world, "customs-declaration")
