"""A real browser saves the shipment edit page: only what the exporter changed changes (goods lines merged by id)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import User
from border_trade.extensions import db
from border_trade.products.models import Product
from border_trade.shipments.models import Shipment
from border_trade.shipments.schemas import ShipmentInSchema, ShipmentSchema
from border_trade.shipments.services import create_shipment

pytestmark = pytest.mark.browser

IGNORED = ("version", "updated_at")


def full_shipment(live_server):
    """Create, as the demo exporter, a shipment with every field the API takes; return its id."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        melon = db.session.scalar(sa.select(Product.id).where(Product.name_vi == "Dưa lưới Tân Châu"))
        line = {
            "quantity": "400",
            "unit": "BOX",
            "packages": 400,
            "package_type": "CT",
            "net_weight_kg": "4000",
            "gross_weight_kg": "4300.5",
            "unit_price": "9.50",
            "origin_criterion": "WO",
            "fob_value": "3800.00",
        }
        body = {
            "exit_gate": "XA-MAT",
            "planned_crossing_on": (date.today() + timedelta(days=6)).isoformat(),
            "incoterm": "CPT",
            "incoterm_place": "Phnom Penh",
            "preferential_tariff": True,
            "invoice_no": "INV-2026-099",
            "invoice_on": date.today().isoformat(),
            "consignee": {"name": "Angkor Fresh", "address": "12 Monivong", "country": "KH", "tax_id": "K009"},
            "vehicle": {
                "plate": "70H-777.77",
                "trailer_plate": "70R-009.87",
                "driver_name": "Nguyễn Văn Tâm",
                "driver_id_no": "072012345678",
            },
            "items": [
                {
                    **line,
                    "product_id": melon,
                    "description_vi": "Dưa lưới loại 1",
                    "description_km": "ត្រសក់",
                    "description_en": "Melon, grade 1",
                    "marks": "TC 1-400",
                },
                {
                    **line,
                    "description_vi": "Bánh tráng phơi sương",
                    "description_km": "នំបញ្ចុក",
                    "description_en": "Dew-dried rice paper",
                    "hs_code": "19059070",
                    "marks": "SM 1-12",
                },
            ],
        }
        shipment = create_shipment(user, ShipmentInSchema().load(body))
        return shipment.id


def shown(live_server, shipment_id):
    with live_server.app.app_context():
        data = ShipmentSchema().dump(db.session.get(Shipment, shipment_id))
        return {k: v for k, v in data.items() if k not in IGNORED}


def test_changing_the_driver_in_the_browser_keeps_everything_else(page, sign_in, live_server):
    shipment_id = full_shipment(live_server)
    before = shown(live_server, shipment_id)
    sign_in(page, "exporter")
    page.goto(f"/shipments/{shipment_id}/edit")
    page.fill("#driver_name", "Trần Thị Mai")
    with page.expect_navigation():
        page.click("#save-shipment")
    assert page.url.endswith(f"/shipments/{shipment_id}"), page.url
    after = shown(live_server, shipment_id)
    assert after == before | {"vehicle": before["vehicle"] | {"driver_name": "Trần Thị Mai"}}


def test_removing_a_line_with_the_pages_button_keeps_the_other_line_whole(page, sign_in, live_server):
    shipment_id = full_shipment(live_server)
    before = shown(live_server, shipment_id)
    sign_in(page, "exporter")
    page.goto(f"/shipments/{shipment_id}/edit")
    page.click("[data-item-row][data-index='0'] [data-remove-button]")
    with page.expect_navigation():
        page.click("#save-shipment")
    after = shown(live_server, shipment_id)
    assert after["items"] == [before["items"][1] | {"position": 1}]
