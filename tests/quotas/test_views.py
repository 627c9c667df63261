"""The /quotas page for every signed-in role, and the quota's remaining on the shipment page."""

import pytest

from border_trade.auth.models import Role
from tests.factories import get_gate

from .conftest import CODE, make_quota, rice_import


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_reserved_used_and_remaining(login_as, role, trader):
    from border_trade.shipments.services import move_shipment

    from .conftest import paper_up

    make_quota(quantity="100", unverified=True, unverified_fields=["gates"], source="Decree 56/2026/NĐ-CP (test)")
    shipment = paper_up(trader, rice_import(trader.organisation, tonnes="25"))
    move_shipment(trader, shipment.id, to="submitted")
    extra = {"gates": [get_gate("MOC-BAI")]} if role is Role.GATE_OFFICER else {}
    page = login_as(role, **extra).get("/quotas").get_data(as_text=True)
    assert f'data-quota="{CODE}"' in page
    assert 'data-amount="reserved">25' in page and 'data-amount="remaining">75' in page
    assert 'data-unverified="gates"' in page and "Decree 56/2026/NĐ-CP (test)" in page
    assert '<progress class="w-100" id="bar-taken-KH-TEST-RICE" max="100" value="25.0">' in page


def test_no_gate_listed_is_said_plainly_and_other_years_are_empty(login_as):
    make_quota(gates=[])
    client = login_as(Role.VIEWER)
    assert "data-no-gates" in client.get("/quotas").get_data(as_text=True)
    assert 'id="no-quotas"' in client.get("/quotas?year=2001").get_data(as_text=True)
    assert client.get("/quotas?year=nonsense").status_code == 200


def test_anonymous_goes_to_sign_in(client):
    assert client.get("/quotas").status_code in (302, 401)


def test_the_shipment_page_shows_what_remains_before_submitting(login_as, trader):
    make_quota(quantity="100")
    shipment = rice_import(trader.organisation, tonnes="20")
    page = login_as(trader).get(f"/shipments/{shipment.id}?lang=en").get_data(as_text=True)
    assert 'id="quota-remaining"' in page and f'data-quota="{CODE}"' in page
    text = " ".join(page[page.index('id="quota-remaining"') :].split("</div>")[0].split())
    assert "100 TNE remaining of 100 TNE" in text and "This shipment counts for 20 TNE." in text
