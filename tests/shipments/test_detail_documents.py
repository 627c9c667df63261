"""The shipment page's "Documents" section (#19): one download link per PDF the shipment has, in the language pair
the person picks (?pair=, vi+km by default), with number, revision, issue time (local) and verification page, the
superseded revisions listed; the links work with the browser's session, for those who may see the shipment only;
the gate tablet's manifest link too."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.documents.models import IssuedPdf, PdfKind
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from border_trade.shipments.services import pdfs
from border_trade.types import utcnow
from tests.factories import get_gate, make_import, make_shipment, make_user

S = ShipmentStatus
KINDS = [kind.value for kind in PdfKind]


def page(client, shipment, **query):
    response = client.get(f"/shipments/{shipment.id}", query_string={"lang": "en", **query})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html):
    return html.split('id="generated-documents"', 1)[1].split("</section>", 1)[0]


def links(html):
    """{kind: href} of the section's download links."""
    found = re.findall(r'href="([^"]+)" download data-pdf-link="([^"]+)"', section(html))
    return {kind: href.replace("&amp;", "&") for href, kind in found}


def state(html, kind, pair):
    row = section(html).split(f'data-pdf="{kind}"', 1)[1].split("</li>\n  ", 1)[0]
    block = row.split(f'data-pair="{pair}"', 1)
    assert len(block) == 2, f"no {pair} state for {kind}"
    return block[0][-80:] + block[1].split("data-pdf-state", 1)[0]


@pytest.fixture
def trader():
    return make_user(Role.EXPORTER)


def test_an_export_has_a_link_per_kind_in_vi_km_by_default(login_as, trader):
    shipment = make_shipment(trader.organisation, preferential_tariff=True)
    html = page(login_as(trader), shipment)
    assert links(html) == {kind: f"/api/v1/shipments/{shipment.id}/pdf/{kind}?lang=vi,km" for kind in KINDS}
    assert '<label class="form-label mb-1" for="pdf-pair">' in html and 'id="pdf-pair-submit"' in html
    assert re.search(r'<option value="vi-km" data-lang="vi,km" selected>Tiếng Việt \+ ខ្មែរ</option>', html)
    for code in ("CI", "PL", "FD", "CM"):
        assert f"{shipment.reference}/{code}" in section(html)
    assert "Not issued yet" in state(html, "commercial-invoice", "vi-km")
    assert 'data-pair="vi-en" hidden' in section(html)


def test_the_kinds_follow_the_shipment(login_as, trader):
    client = login_as(trader)
    plain = make_shipment(trader.organisation, preferential_tariff=False)
    assert set(links(page(client, plain))) == {"commercial-invoice", "packing-list", "crossing-manifest"}
    inbound = make_import(trader.organisation)
    assert set(links(page(client, inbound))) == {"packing-list", "crossing-manifest"}  # the seller's are issued abroad


def test_the_pair_rewrites_the_links_without_javascript(login_as, trader):
    shipment = make_shipment(trader.organisation)
    client = login_as(trader)
    html = page(client, shipment, pair="km-en")
    assert all(href.endswith("?lang=km,en") for href in links(html).values())
    assert '<option value="km-en" data-lang="km,en" selected>' in html
    assert 'data-pair="km-en" hidden' not in section(html) and 'data-pair="vi-km" hidden' in section(html)
    response = client.get(f"/shipments/{shipment.id}?lang=en&pair=fr-en")
    assert response.status_code == 400 and "vi-km, vi-en, km-en" in response.get_data(as_text=True)


def test_revisions_are_listed_and_the_link_downloads_with_the_session(login_as, trader):
    shipment = make_shipment(trader.organisation, status=S.SUBMITTED)
    first = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 08:30 in Viet Nam
    pdfs.issue(trader, shipment.id, "commercial-invoice", "vi,en", now=first)
    shipment.vehicle_plate = "70H-999.99"  # the invoice prints the truck: the next download is revision 2
    db.session.commit()
    client = login_as(trader)
    href = links(page(client, shipment, pair="vi-en"))["commercial-invoice"]
    response = client.get(href)  # no token: the signed-in browser's session
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and response.headers["X-Document-Revision"] == "2"

    html = page(client, shipment, pair="vi-en")
    current = state(html, "commercial-invoice", "vi-en")
    assert 'data-revision="2"' in current and "Revision 2" in current
    old = current.split("data-superseded", 1)[1]
    assert 'data-superseded-revision="1"' in old and f"{shipment.reference}/CI" in old
    assert "Mar 2, 2026, 08:30" in old  # the issue time in Viet Nam, on the 24-hour clock
    verify = re.findall(r'href="(/verify/[^"]+)"', old)
    assert len(verify) == 1 and "Superseded." in client.get(verify[0] + "?lang=en").get_data(as_text=True)
    assert "Not issued yet" in state(html, "commercial-invoice", "vi-km")  # revisions are per pair
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedPdf)) == 2


def test_who_may_not_see_the_shipment_gets_404_for_the_page_and_the_file(login_as, trader):
    shipment = make_shipment(trader.organisation, status=S.SUBMITTED, gate=get_gate("MOC-BAI"))
    href = f"/api/v1/shipments/{shipment.id}/pdf/packing-list?lang=vi,en"
    outsiders = [
        make_user(Role.EXPORTER),  # another organisation
        make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]),  # another gate
    ]
    for user in outsiders:
        client = login_as(user)
        assert client.get(f"/shipments/{shipment.id}").status_code == 404
        assert client.get(href).status_code == 404
    draft = make_shipment(trader.organisation, status=S.DRAFT, gate=get_gate("MOC-BAI"))
    officer = login_as(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    assert officer.get(f"/shipments/{draft.id}").status_code == 404  # the gate never sees a draft
    assert officer.get(f"/api/v1/shipments/{draft.id}/pdf/packing-list").status_code == 404
    assert set(links(page(officer, shipment))) == {"commercial-invoice", "packing-list", "crossing-manifest"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedPdf)) == 0  # nothing was issued


def test_the_officers_tablet_opens_the_crossing_manifest_of_a_truck(login_as):
    from border_trade.documents.pdf.formats import LOCAL_TZ

    truck = make_shipment(
        make_user(Role.EXPORTER).organisation,
        status=S.SUBMITTED,
        gate=get_gate("MOC-BAI"),
        planned_crossing_on=utcnow().astimezone(LOCAL_TZ).date(),
    )
    officer = login_as(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    html = officer.get("/gate/MOC-BAI?lang=en").get_data(as_text=True)
    card = html.split(f'data-reference="{truck.reference}"', 1)[1].split("</li>", 1)[0]
    href = re.search(r'class="truck-manifest" href="([^"]+)"', card).group(1)
    response = officer.get(href)  # the tablet's session, no token
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Document-Number"] == f"{truck.reference}/CM"
