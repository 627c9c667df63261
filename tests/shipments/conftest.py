"""Exporters, their tokens and a valid shipment payload for the shipment tests."""

from datetime import date, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.seed.demo import load_rates
from tests.factories import get_gate, make_product, make_user


@pytest.fixture(autouse=True)
def _rates(db):
    load_rates(date.today() + timedelta(days=60))
    db.session.commit()


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def exporter2():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


@pytest.fixture
def melon(exporter):
    return make_product(
        exporter.organisation, name_vi="Dưa lưới Tân Châu", hs_code="08071900", ocop_certificate_no="01/QĐ-UBND"
    )


@pytest.fixture
def honey(exporter):
    return make_product(
        exporter.organisation,
        name_vi="Mật ong",
        name_en="Honey",
        hs_code="04090000",
        unit="PCE",
        ocop_certificate_no="02/QĐ-UBND",
    )


@pytest.fixture
def payload(melon):
    def build(**overrides):
        body = {
            "exit_gate": "XA-MAT",
            "planned_crossing_on": (date.today() + timedelta(days=5)).isoformat(),
            "regime": "export",
            "incoterm": "DAP",
            "currency": "USD",
            "preferential_tariff": True,
            "transhipment": False,
            "residents": None,
            "consignee": {"name": "ក្រុមហ៊ុន អង្គរ ហ្វ្រេស", "address": "Phnom Penh", "country": "KH", "tax_id": "K009"},
            "vehicle": {
                "plate": "70H-123.45",
                "trailer_plate": None,
                "driver_name": "Nguyễn Văn Tâm",
                "driver_id_no": "072012345678",
            },
            "items": [
                {
                    "product_id": melon.id,
                    "quantity": "400",
                    "unit": "box",
                    "net_weight_kg": "4000",
                    "gross_weight_kg": "4300",
                    "unit_price": "9.50",
                    "origin_criterion": "WO",
                }
            ],
        }
        body.update(overrides)
        return body

    return build


@pytest.fixture
def xamat_officer():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
