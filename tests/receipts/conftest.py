"""Receipt fixtures: a trader's crossed two-line export (melons 400 kg, mangoes 500 kg), its link, and helpers."""

from datetime import timedelta
from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from border_trade.receipts.links import create_link, token_of
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.factories import MANGO_LINE, make_import, make_shipment, make_user

TWO_LINES = [
    {"description_km": "ត្រសក់ស្រូវ", "description_en": "Melons"},
    MANGO_LINE | {"quantity": Decimal("500"), "net_weight_kg": Decimal("500"), "gross_weight_kg": Decimal("540"),
                  "description_km": "ស្វាយស្រស់"},
]  # fmt: skip
FULL = {"item": 1, "received_quantity": "400", "condition": "ok"}
SHORT = {"item": 2, "received_quantity": "480", "condition": "short", "note": "2 thùng thiếu"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


@pytest.fixture
def trader(app):
    return make_user(Role.EXPORTER)


@pytest.fixture
def crossed(trader):
    """The trader's export, crossed an hour ago at Mộc Bài."""
    return make_shipment(
        trader.organisation, items=TWO_LINES, status=ShipmentStatus.CROSSED, crossed_at=utcnow() - timedelta(hours=1)
    )


@pytest.fixture
def crossed_import(trader):
    return make_import(trader.organisation, status=ShipmentStatus.CROSSED, crossed_at=utcnow() - timedelta(hours=1))


@pytest.fixture
def token(trader, crossed):
    """A live receipt link's token for `crossed`."""
    return token_of(create_link(trader, crossed.id))


def body(*lines, declaration_no=None):
    data = {"lines": list(lines or (FULL, SHORT))}
    if declaration_no is not None:
        data["declaration_no"] = declaration_no
    return data
