"""Crossed shipments with known values, crossing times and rates, for the report tests."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from border_trade.auth.models import Role
from border_trade.enums import Direction
from border_trade.shipments.models import (
    Currency,
    ExchangeRate,
)
from tests.factories import (
    get_province,
    make_crossed_shipment,
    make_organisation,
    make_product,
    make_user,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=10, minute=0):
    """Return an aware UTC instant for a wall-clock time in Vietnam."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL).astimezone(UTC)


@pytest.fixture
def add_rate(db):
    def add(currency, on, vnd_per_unit):
        db.session.add(ExchangeRate(currency=Currency(currency), rate_on=on, vnd_per_unit=Decimal(vnd_per_unit)))
        db.session.commit()

    return add


@pytest.fixture
def flat_rates(add_rate):
    """USD at 25,000 VND and KHR at 6.25 VND from 2023-12-01 (a round world: 1 USD = 4,000 KHR)."""
    add_rate("USD", date(2023, 12, 1), "25000")
    add_rate("KHR", date(2023, 12, 1), "6.25")


@pytest.fixture
def exporter_org(db):
    return make_organisation(name="HTX Dưa lưới Tân Châu")


@pytest.fixture
def other_exporter_org(db):
    return make_organisation(name="Công ty Bánh tráng Sương Mai")


@pytest.fixture
def crossed(db):
    """Return `crossed(organisation, crossed_at, *, gate="MOC-BAI", dwell_minutes=120, **shipment overrides)`:
    tests.factories.make_crossed_shipment (arrived, cleared and crossed events at the gate)."""
    return make_crossed_shipment


@pytest.fixture
def product(exporter_org):
    return make_product(exporter_org, name_vi="Dưa lưới Tân Châu", name_km="ត្រសក់ស្រូវ", ocop_stars=4)


@pytest.fixture
def officer(db):
    return make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN)


@pytest.fixture
def importer_org(db):
    return make_organisation(name="Công ty TNHH Nông sản Biên Giới")


@pytest.fixture
def both_ways(flat_rates, crossed, exporter_org, other_exporter_org, importer_org):
    """August 2025 in both directions (USD at 25,000 VND), and crossings the Tây Ninh report must leave out.

    Tây Ninh (with Long An merged): exports 3,800 + 3,800 USD; imports 5,000 (cassava chips, MOC-BAI,
    commercial) + 1.01 (two mango lines in VND, BINH-HIEP, border-resident: each line converts to 0.50 USD,
    the shipment to 1.01) + 15,000 (rubber, XA-MAT, temporary import for re-export) USD.
    """
    from border_trade.enums import Direction, Regime

    consignor = {"consignee_name": None, "consignor_name": "Kampong Cham Agro Co., Ltd.", "consignor_country": "KH"}
    cassava = [
        {
            "description_vi": "Sắn lát khô",
            "hs_code": "07141011",
            "quantity": Decimal("20000"),
            "net_weight_kg": Decimal("20000"),
            "gross_weight_kg": Decimal("20100"),
            "unit_price": Decimal("0.25"),
        }
    ]
    mango = {
        "description_vi": "Xoài tươi",
        "hs_code": "08045021",
        "quantity": Decimal("1"),
        "unit": "KGM",
        "net_weight_kg": Decimal("1"),
        "gross_weight_kg": Decimal("1.2"),
        "unit_price": Decimal("12600"),
    }
    rubber = [
        {
            "description_vi": "Cao su TSNR 10",
            "hs_code": "40012210",
            "quantity": Decimal("10"),
            "unit": "TNE",
            "net_weight_kg": Decimal("10000"),
            "gross_weight_kg": Decimal("10200"),
            "unit_price": Decimal("1500"),
        }
    ]
    imports = {"direction": Direction.IMPORT, **consignor}
    made = {
        "e1": crossed(exporter_org, local(2025, 8, 5), gate="MOC-BAI", vehicle_plate="70H-100.01"),
        "e2": crossed(other_exporter_org, local(2025, 8, 6), gate="XA-MAT", vehicle_plate="70H-100.02"),
        "i1": crossed(
            importer_org, local(2025, 8, 7), gate="MOC-BAI", items=cassava, vehicle_plate="70H-100.03", **imports
        ),
        "i2": crossed(
            exporter_org,
            local(2025, 8, 8),
            gate="BINH-HIEP",
            items=[mango, mango],
            currency=Currency.VND,
            regime=Regime.BORDER_RESIDENT,
            vehicle_plate="62C-100.04",
            **imports,
        ),
        "i3": crossed(
            importer_org,
            local(2025, 8, 9),
            gate="XA-MAT",
            items=rubber,
            vehicle_plate="70H-100.05",
            regime=Regime.TEMPORARY_IMPORT_REEXPORT,
            **imports,
        ),
        # left out: An Giang's gate, and July
        "an_giang": crossed(importer_org, local(2025, 8, 10), gate="TINH-BIEN", items=cassava, **imports),
        "july": crossed(importer_org, local(2025, 7, 31, 16), gate="MOC-BAI", items=cassava, **imports),
    }
    return made


# --- OCOP goods (issue 19) ---------------------------------------------------------------------------------


def line(product, quantity="100", price="2.50"):
    return {
        "product_id": product.id,
        "description_vi": product.name_vi,
        "hs_code": product.hs_code,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "net_weight_kg": Decimal(quantity),
        "gross_weight_kg": Decimal(quantity),
    }


@pytest.fixture
def ocop_world(flat_rates, crossed, exporter_org, other_exporter_org, importer_org):
    """August 2025: Tây Ninh melon (4 stars) at MOC-BAI twice, a Long An rice paper (3 stars) at BINH-HIEP with a
    plain line, an Đồng Tháp mango (5 stars) at DINH-BA; a registered Tây Ninh product never exported; an import
    of an OCOP product left out; a Tây Ninh melon crossing in July left out."""
    melon = make_product(exporter_org, name_vi="Dưa lưới", ocop_stars=4, province=get_province("TAY-NINH"))
    paper = make_product(
        other_exporter_org, name_vi="Bánh tráng", hs_code="19059070", ocop_stars=3, province=get_province("LONG-AN")
    )
    mango = make_product(other_exporter_org, name_vi="Xoài", ocop_stars=5, province=get_province("DONG-THAP"))
    make_product(exporter_org, name_vi="Mật ong", ocop_stars=3, province=get_province("TAY-NINH"))  # not exported
    make_product(exporter_org, name_vi="Không OCOP", ocop_stars=None, province=get_province("TAY-NINH"))
    plain = {"description_vi": "Hàng thường", "quantity": Decimal("10"), "unit_price": Decimal("1.00")}
    crossed(exporter_org, local(2025, 8, 4), gate="MOC-BAI", items=[line(melon, "400", "9.50")])  # 3800.00
    crossed(exporter_org, local(2025, 8, 5), gate="MOC-BAI", items=[line(melon, "10", "9.50"), plain])  # 95.00
    crossed(other_exporter_org, local(2025, 8, 6), gate="BINH-HIEP", items=[line(paper), plain])  # 250.00
    crossed(other_exporter_org, local(2025, 8, 7), gate="DINH-BA", items=[line(mango, "1000", "0.60")])  # 600.00
    crossed(
        importer_org,
        local(2025, 8, 8),
        gate="MOC-BAI",
        items=[line(melon)],
        direction=Direction.IMPORT,
        consignor_name="Kampong Cham Agro",
        consignor_country="KH",
        consignee_name=None,
    )
    crossed(exporter_org, local(2025, 7, 31, 16), gate="MOC-BAI", items=[line(melon)])
    return {"melon": melon, "paper": paper, "mango": mango}
