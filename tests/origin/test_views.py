"""The shipment page shows the origin proof and e-invoice; the trader records them on /shipments/<id>/origin-proof
and /shipments/<id>/e-invoice (CSRF, errors on their fields, three languages)."""

from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from border_trade.auth.models import Role
from border_trade.origin.models import EInvoice, OriginProof, ProofStatus

PROOF = {"kind": "form_d", "reference": "VN-KH 26/01/00999", "issued_on": "2026-12-01", "status": "issued"}
EINVOICE = {"form": "1", "series": "K26TAB", "number": "1234", "issued_on": "2026-12-02"}


def page(shipment, tail):
    return f"/shipments/{shipment.id}/{tail}"


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_the_pages_in_three_languages(app, login_as, db, exporter, shipment, lang):
    client = login_as(exporter)
    with app.test_request_context(), force_locale(lang):
        heading, einvoice, save = _("Origin proof"), _("E-invoice"), _("Save")
    detail = client.get(f"/shipments/{shipment.id}?lang={lang}").get_data(as_text=True)
    assert 'id="origin-summary"' in detail and heading in detail and einvoice in detail
    proof_page = client.get(f"{page(shipment, 'origin-proof')}?lang={lang}")
    assert proof_page.status_code == 200
    text = proof_page.get_data(as_text=True)
    assert f'lang="{lang}"' in text and heading in text and save in text and 'name="csrf_token"' in text
    invoice_page = client.get(f"{page(shipment, 'e-invoice')}?lang={lang}")
    assert invoice_page.status_code == 200 and einvoice in invoice_page.get_data(as_text=True)


def test_the_trader_records_both_and_the_shipment_page_shows_them(login_as, db, exporter, shipment):
    client = login_as(exporter)
    assert client.post(page(shipment, "origin-proof"), data=PROOF).status_code == 302
    assert client.post(page(shipment, "e-invoice"), data=EINVOICE).status_code == 302
    proof = db.session.get(OriginProof, shipment.id)
    assert proof.reference == "VN-KH 26/01/00999" and proof.issued_on == date(2026, 12, 1)
    assert db.session.get(EInvoice, shipment.id).number == "1234"
    detail = client.get(f"/shipments/{shipment.id}?lang=en").get_data(as_text=True)
    assert 'data-proof-status="issued"' in detail and "VN-KH 26/01/00999" in detail and "K26TAB" in detail
    edit = client.get(f"{page(shipment, 'origin-proof')}?lang=en").get_data(as_text=True)
    assert 'value="VN-KH 26/01/00999"' in edit and 'value="2026-12-01"' in edit


def test_errors_are_shown_on_their_fields(login_as, db, exporter, shipment):
    client = login_as(exporter)
    form_s = client.post(f"{page(shipment, 'origin-proof')}?lang=en", data=PROOF | {"kind": "form_s"})
    assert form_s.status_code == 422
    assert "only for goods under a bilateral quota" in form_s.get_data(as_text=True)
    assert "is-invalid" in form_s.get_data(as_text=True)
    client.post(page(shipment, "origin-proof"), data=PROOF)
    client.post(page(shipment, "origin-proof"), data=PROOF | {"status": "presented"})
    rejected = client.post(f"{page(shipment, 'origin-proof')}?lang=en", data=PROOF | {"status": "rejected"})
    assert rejected.status_code == 422 and "Give the reason" in rejected.get_data(as_text=True)
    moved = client.post(f"{page(shipment, 'origin-proof')}?lang=en", data=PROOF | {"status": "issued"})
    assert moved.status_code == 409 and "allowed: presented, utilised, rejected, cancelled" in moved.get_data(
        as_text=True
    )
    assert db.session.get(OriginProof, shipment.id).status is ProofStatus.PRESENTED
    bad = client.post(f"{page(shipment, 'e-invoice')}?lang=en", data=EINVOICE | {"series": "X", "number": "abc"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "The series has six characters" in text and "at most 8 digits" in text
    assert db.session.get(EInvoice, shipment.id) is None


def test_the_forms_need_their_csrf_token(app, login_as, db, exporter, shipment):
    client = login_as(exporter)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"{page(shipment, 'origin-proof')}?lang=en", data=PROOF)
        refused_invoice = client.post(f"{page(shipment, 'e-invoice')}?lang=en", data=EINVOICE)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert refused_invoice.status_code == 400
    assert db.session.get(OriginProof, shipment.id) is None


def test_other_roles_and_organisations(login_as, db, exporter, shipment):
    assert login_as(Role.VIEWER).get(page(shipment, "origin-proof")).status_code in (403, 404)
    assert login_as(Role.EXPORTER).get(page(shipment, "origin-proof")).status_code == 404
    officer = login_as(Role.ADMIN)
    assert officer.get(page(shipment, "e-invoice")).status_code == 403
    assert 'id="edit-origin-proof"' not in officer.get(f"/shipments/{shipment.id}").get_data(as_text=True)
