"""The shipment page shows the declaration; the trader records it on /shipments/<id>/customs-declaration."""

import sqlalchemy as sa

from border_trade.customs.models import CustomsDeclaration, DeclarationStatus
from tests.customs.conftest import declaration_body

FORM = {
    "number": "305254403660",
    "type_code": "B11",
    "registered_at": "2026-12-01T08:30",
    "channel": "red",
    "cleared_at": "",
    "status": "registered",
}


def page(shipment):
    return f"/shipments/{shipment.id}/customs-declaration"


def test_the_trader_records_the_declaration_and_the_shipment_page_shows_it(login_as, db, exporter, shipment):
    client = login_as(exporter)
    detail = client.get(f"/shipments/{shipment.id}?lang=en").get_data(as_text=True)
    assert 'id="customs-declaration"' in detail and "Not recorded yet." in detail
    form = client.get(f"{page(shipment)}?lang=en").get_data(as_text=True)
    assert 'value="B11"' in form and 'value="A11"' not in form  # only the export codes for an export
    assert "B13 — Export of goods that were imported (not confirmed in the legal text)" in form
    assert "B11 — Export for commercial purposes</option>" in form
    saved = client.post(page(shipment), data=FORM)
    assert saved.status_code == 302
    declaration = db.session.get(CustomsDeclaration, shipment.id)
    assert declaration.number == "305254403660" and declaration.channel.value == "red"
    assert declaration.registered_at.isoformat() == "2026-12-01T01:30:00+00:00"  # 08:30 in Viet Nam
    detail = client.get(f"/shipments/{shipment.id}?lang=en").get_data(as_text=True)
    assert "data-declaration-number" in detail and "305254403660" in detail
    assert 'data-declaration-channel="red"' in detail and 'data-declaration-status="registered"' in detail
    edit = client.get(f"{page(shipment)}?lang=en").get_data(as_text=True)
    assert 'value="305254403660"' in edit and "2026-12-01T08:30" in edit


def test_errors_are_shown_on_their_fields(login_as, db, exporter, shipment):
    client = login_as(exporter)
    bad = client.post(f"{page(shipment)}?lang=en", data=FORM | {"number": "105254403660", "type_code": "A11"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "An export declaration number starts with 3." in text
    assert "A11 is a type code for imports; this shipment is an export." in text
    assert text.count("invalid-feedback") >= 2
    cleared = client.post(f"{page(shipment)}?lang=en", data=FORM | {"status": "cleared"})
    assert (
        cleared.status_code == 422
        and "Give the clearance time of a cleared customs declaration." in cleared.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CustomsDeclaration)) == 0


def test_the_form_needs_its_csrf_token(app, login_as, db, exporter, shipment):
    client = login_as(exporter)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"{page(shipment)}?lang=en", data=FORM)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert db.session.get(CustomsDeclaration, shipment.id) is None


def test_an_officer_of_the_gate_may_edit_a_viewer_may_not(login_as, client, db, people, shipment, headers):
    client.put(
        f"/api/v1/shipments/{shipment.id}/customs-declaration", json=declaration_body(), headers=headers["exporter"]
    )
    officer = login_as(people["officer"])
    saved = officer.post(
        page(shipment), data=FORM | {"status": "cleared", "cleared_at": "2026-12-01T09:00", "channel": "green"}
    )
    assert saved.status_code == 302
    assert db.session.get(CustomsDeclaration, shipment.id).status is DeclarationStatus.CLEARED
    viewer = login_as(people["viewer"])
    assert viewer.get(page(shipment)).status_code == 403
    detail = viewer.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert "305254403660" in detail and 'id="edit-customs-declaration"' not in detail
    assert login_as(people["exporter2"]).get(page(shipment)).status_code == 404
    assert login_as(people["officer_xamat"]).get(page(shipment)).status_code == 404


def test_the_page_in_khmer_and_vietnamese(login_as, exporter, shipment):
    client = login_as(exporter)
    for lang in ("km", "vi"):
        response = client.get(f"{page(shipment)}?lang={lang}")
        assert response.status_code == 200 and f'lang="{lang}"' in response.get_data(as_text=True)


def test_the_papers_form_refuses_a_bad_declaration_number_on_its_field(login_as, db, exporter, shipment):
    from datetime import date

    from border_trade.documents.models import Document

    client = login_as(exporter)
    paper = {
        "type": "customs_declaration",
        "number": "105254403660",
        "issued_by": "Chi cục Hải quan cửa khẩu Mộc Bài",
        "issued_on": date.today().isoformat(),
        "expires_on": "",
    }
    refused = client.post(f"/shipments/{shipment.id}/documents?lang=en", data=paper, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "An export declaration number starts with 3." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    accepted = client.post(
        f"/shipments/{shipment.id}/documents",
        data=paper | {"number": "305254403660"},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302
