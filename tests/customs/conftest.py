"""Fixtures of the customs tests: a trader with a shipment submitted to Mộc Bài, the callers around it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db as _db
from border_trade.seed.demo import demo_rate
from border_trade.shipments.models import Currency, ExchangeRate, ShipmentStatus
from tests.factories import get_gate, get_province, make_import, make_shipment, make_user

HS_CODES = [
    "08071900", "08054000", "08109094", "08109092", "08045021", "08134090",
    "19059070", "04090000", "21039029", "21039012", "08013200", "09012120",
]  # fmt: skip


def add_rates():
    yesterday = date.today() - timedelta(days=1)
    for currency in (c for c in Currency if c is not Currency.VND):
        _db.session.add(ExchangeRate(currency=currency, rate_on=yesterday, vnd_per_unit=demo_rate(currency, yesterday)))
    _db.session.commit()


@pytest.fixture
def exporter(db):
    add_rates()
    user = make_user(Role.EXPORTER)
    user.organisation.tax_id = "0301234562"
    user.organisation.address = "Tân Châu, Tây Ninh"
    db.session.commit()
    return user


@pytest.fixture
def shipment(exporter):
    return make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, invoice_no="HĐ-001")


@pytest.fixture
def import_shipment(exporter):
    return make_import(exporter.organisation, status=ShipmentStatus.SUBMITTED)


def twelve_lines():
    """Twelve goods lines with different HS codes, quantities and prices (some in pieces)."""
    lines = []
    for index, code in enumerate(HS_CODES, start=1):
        unit = "PCE" if index % 3 == 0 else "KGM"
        lines.append(
            {
                "description_vi": f"Hàng số {index}",
                "hs_code": code,
                "quantity": Decimal(100 * index),
                "unit": unit,
                "net_weight_kg": Decimal(50 * index),
                "gross_weight_kg": Decimal(55 * index),
                "unit_price": Decimal(index) + Decimal("0.25"),
                "packages": index,
            }
        )
    return lines


@pytest.fixture
def people(db, exporter):
    return {
        "exporter": exporter,
        "exporter2": make_user(Role.EXPORTER),
        "officer": make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]),
        "officer_xamat": make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]),
        "province": make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH")),
        "province_other": make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG")),
        "viewer": make_user(Role.VIEWER, province=get_province("TAY-NINH")),
        "admin": make_user(Role.ADMIN),
    }


@pytest.fixture
def headers(people, token_for):
    return {name: token_for(user) for name, user in people.items()}


def declaration_body(**overrides):
    body = {
        "number": "305254403660",
        "type_code": "B11",
        "registered_at": "2026-12-01T08:30:00+07:00",
        "channel": "green",
        "cleared_at": None,
        "status": "registered",
    }
    return body | overrides
