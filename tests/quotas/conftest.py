"""A tariff quota of the test's own (around today), rice imports from Cambodia under it, and the papers they need."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from border_trade.enums import Direction
from border_trade.extensions import db
from border_trade.quotas.models import TariffQuota
from border_trade.seed.demo import load_rates
from border_trade.shipments.models import ShipmentStatus
from border_trade.shipments.services import shipment_requirements
from border_trade.shipments.services.documents import register_document
from tests.factories import get_gate, make_shipment, make_user

RICE = "10063099"  # milled rice
PADDY = "10061090"  # rice in the husk
CODE = "KH-TEST-RICE"


@pytest.fixture(autouse=True)
def _rates(db):
    load_rates(date.today() + timedelta(days=60))
    db.session.commit()


def make_quota(code=CODE, *, quantity="100", gates=("MOC-BAI", "XA-MAT"), **overrides):
    values = dict(
        code=code,
        name_vi="Lúa gạo (thử)",
        name_en="Rice (test)",
        hs_prefixes=[{"prefix": "1006", "factor": "1"}, {"prefix": "100610", "factor": "0.5"}],
        unit="TNE",
        period_from=date.today() - timedelta(days=30),
        period_to=date.today() + timedelta(days=60),
        quantity=Decimal(quantity),
        reserved=Decimal("0"),
        used=Decimal("0"),
        gates=list(gates),
        origin_document="co_form_s",
        source="test quota",
        unverified=False,
        unverified_fields=[],
    )
    values.update(overrides)
    quota = TariffQuota(**values)
    db.session.add(quota)
    db.session.commit()
    return quota


@pytest.fixture
def quota():
    return make_quota()


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


def rice_import(organisation, *, tonnes="20", hs_code=RICE, gate="MOC-BAI", under_quota=CODE, **overrides):
    """A ready import of Cambodian rice (one line of `tonnes`) under the quota."""
    kg = Decimal(tonnes) * 1000
    values = dict(
        direction=Direction.IMPORT,
        gate=get_gate(gate),
        consignee_name=None,
        consignor_name="Angkor Rice Export Co., Ltd.",
        consignor_country="KH",
        under_quota=under_quota,
        status=ShipmentStatus.READY,
        items=[
            {
                "description_vi": "Gạo trắng",
                "hs_code": hs_code,
                "quantity": kg,
                "unit": "KGM",
                "net_weight_kg": kg,
                "gross_weight_kg": kg + 100,
                "unit_price": Decimal("0.50"),
            }
        ],
    )
    values.update(overrides)
    return make_shipment(organisation, **values)


def paper_up(user, shipment):
    """Register every paper the checklist asks for, so that only the quota decides the move to submitted."""
    for line in shipment_requirements(user, shipment.id).unmet():
        number = "100000000001" if line.document_type == "customs_declaration" else f"P-{uuid.uuid4().hex[:8]}"
        register_document(
            user,
            shipment.id,
            {
                "type": line.document_type,
                "number": number,
                "issued_by": "Ministry of Commerce of Cambodia",
                "issued_on": date.today(),
                "expires_on": None,
            },
        )
    return shipment


def ready_rice(trader, **kwargs):
    return paper_up(trader, rice_import(trader.organisation, **kwargs))


@pytest.fixture
def payload_import():
    """A shipment body with one line of Cambodian rice (the body's direction fields follow the shipment API)."""

    def build(**overrides):
        body = {
            "exit_gate": "MOC-BAI",
            "planned_crossing_on": (date.today() + timedelta(days=5)).isoformat(),
            "consignee": {"name": "Angkor Rice Export Co., Ltd.", "country": "KH"},
            "vehicle": {"plate": "70H-123.45"},
            "items": [
                {
                    "description_vi": "Gạo trắng",
                    "hs_code": RICE,
                    "quantity": "20000",
                    "unit": "KGM",
                    "net_weight_kg": "20000",
                    "gross_weight_kg": "20100",
                    "unit_price": "0.50",
                }
            ],
        }
        body.update(overrides)
        return body

    return build
