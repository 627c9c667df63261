"""Fixtures of the origin tests: a trader with a submitted export to Mộc Bài, the callers around it."""

import pytest

from border_trade.auth.models import Role
from border_trade.shipments.models import ShipmentStatus
from tests.customs.conftest import add_rates
from tests.factories import get_gate, get_province, make_shipment, make_user


@pytest.fixture
def exporter(db):
    add_rates()
    return make_user(Role.EXPORTER)


@pytest.fixture
def shipment(exporter):
    return make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)


@pytest.fixture
def people(db, exporter):
    return {
        "exporter": exporter,
        "exporter2": make_user(Role.EXPORTER),
        "officer": make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]),
        "province": make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH")),
        "viewer": make_user(Role.VIEWER, province=get_province("TAY-NINH")),
        "admin": make_user(Role.ADMIN),
    }


@pytest.fixture
def headers(people, token_for):
    return {name: token_for(user) for name, user in people.items()}


def proof_body(**overrides):
    return {"kind": "e_form_d", "reference": "VN-KH 26/01/00123", "issued_on": None, "status": "issued"} | overrides


from tests.notifications.conftest import smtp  # noqa: E402, F401  (the loopback SMTP server of the e-mail tests)
