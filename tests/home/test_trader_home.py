"""A trader's home: each count links to a list of as many shipments (or bookings), within their organisation."""

import re
from datetime import date, timedelta

from border_trade.auth.models import Role
from border_trade.documents.models import Document, DocumentType
from border_trade.extensions import db
from border_trade.shipments.models import EventKind, ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import make_organisation, make_shipment, make_user

S = ShipmentStatus
FIGURE = re.compile(r'<a class="card[^"]*" href="([^"]+)"\s+data-figure="([a-z_]+)" data-number="(\d+)"')


def figures(html):
    return {key: (int(number), href.replace("&amp;", "&")) for href, key, number in FIGURE.findall(html)}


def list_total(client, href):
    html = client.get(href).get_data(as_text=True)
    return int(re.search(r'data-total="(\d+)"', html).group(1)), html


def a_world(organisation):
    """Shipments of one organisation in every state the home counts."""
    for status in (S.DRAFT, S.DRAFT, S.READY, S.AT_GATE, S.INSPECTING, S.HELD, S.RETURNED, S.CROSSED, S.CROSSED):
        make_shipment(organisation, status=status)
    delivered = make_shipment(organisation, status=S.DELIVERED)
    now = utcnow()
    db.session.add(
        ShipmentEvent(shipment=delivered, kind=EventKind.RECEIPT, event="discrepancy", occurred_at=now, recorded_at=now)
    )
    make_shipment(organisation, status=S.DELIVERED)  # delivered without a discrepancy
    expiring = make_shipment(organisation, status=S.READY, planned_crossing_on=date.today() + timedelta(days=5))
    for kind in DocumentType:
        db.session.add(
            Document(
                shipment=expiring,
                type=kind,
                number=f"N-{kind.value}",
                issued_by="Chi cục",
                issued_on=date.today() - timedelta(days=10),
                expires_on=date.today() + timedelta(days=6),
            )
        )
    db.session.commit()


def test_every_count_links_to_a_list_of_that_length(login_as):
    trader = login_as(Role.EXPORTER, locale="en")
    a_world(trader.user.organisation)
    html = trader.get("/").get_data(as_text=True)
    assert 'data-home="trader"' in html
    found = figures(html)
    expected = {
        "drafts": 2,
        "ready": 2,
        "at_gate": 2,
        "held": 1,
        "returned": 1,
        "receipts": 2,
        "discrepancies": 1,
        "bookings_today": 0,
        "bookings_to_confirm": 0,
    }
    assert {key: found[key][0] for key in expected} == expected
    assert found["papers_missing"][0] >= 3 and found["papers_expiring"][0] >= 1
    for key, (number, href) in found.items():
        total, page = list_total(trader, href)
        assert total == number, (key, href)
        if href.startswith("/shipments"):
            assert page.count("<tr data-reference=") == number, key


def test_an_exporter_never_sees_another_organisations_counts(login_as):
    other = make_organisation()
    a_world(other)
    trader = login_as(Role.EXPORTER)
    found = figures(trader.get("/").get_data(as_text=True))
    assert all(number == 0 for number, _href in found.values()), found
    assert list_total(trader, found["held"][1])[0] == 0
    assert list_total(trader, "/shipments?papers=missing")[0] == 0


def test_paperwork_filter_of_the_shipment_list_keeps_open_shipments_only(login_as):
    trader = login_as(Role.EXPORTER)
    draft = make_shipment(trader.user.organisation)
    make_shipment(trader.user.organisation, status=S.CROSSED)
    total, page = list_total(trader, "/shipments?papers=missing")
    assert total == 1 and f'data-reference="{draft.reference}"' in page
    assert "data-filter-note" in page  # the list says why it is shorter
    assert list_total(trader, "/shipments?papers=nonsense")[0] == 2  # an unknown value filters nothing


def test_a_gate_officer_lands_on_the_tablet_of_their_gate(login_as):
    one = login_as(Role.GATE_OFFICER)
    response = one.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/gate/MOC-BAI"
    from tests.factories import get_gate

    two = login_as(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI"), get_gate("XA-MAT")]))
    assert two.get("/").headers["Location"] == "/gate"


def test_strangers_see_the_gates_and_the_list_keeps_its_own_address(client):
    home, gates = client.get("/"), client.get("/gates")
    assert home.status_code == gates.status_code == 200
    assert "MOC-BAI" in home.get_data(as_text=True) and "MOC-BAI" in gates.get_data(as_text=True)
