"""Verifying a generated PDF by its QR token: the public API and page, revisions and superseded issues."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from border_trade.auth.models import Role
from border_trade.documents import pdfs
from border_trade.documents.models import IssuedPdf
from border_trade.extensions import db
from border_trade.shipments.services import pdfs as shipment_pdfs
from tests.factories import make_shipment, make_user

NOW = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def shipment(exporter):
    return make_shipment(exporter.organisation, consignee_name="ក្រុមហ៊ុន អង្គរ ហ្វ្រេស")


@pytest.fixture
def issued(exporter, shipment):
    return shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "vi,km", NOW)


def token_of(record: IssuedPdf) -> str:
    return pdfs.verification_token(record)


def test_valid_token_describes_the_document(client, issued, shipment):
    answer = client.get(f"/api/v1/verify/{token_of(issued.record)}")
    assert answer.status_code == 200
    body = answer.json
    assert body["valid"] is True and body["superseded"] is False
    assert body["document"] == "commercial-invoice"
    assert body["shipment"] == shipment.reference
    assert body["number"] == f"{shipment.reference}/CI" and body["revision"] == 1
    assert body["languages"] == ["vi", "km"]
    assert body["issued_at"] == "2026-03-14T08:30:00+07:00"
    assert body["sha256"] == hashlib.sha256(issued.content).hexdigest()


def test_verify_needs_no_token_and_ignores_a_bad_one(client, issued):
    url = f"/api/v1/verify/{token_of(issued.record)}"
    assert client.get(url, headers={"Authorization": "Bearer nonsense"}).json["valid"] is True


@pytest.mark.parametrize(
    "make_token",
    [
        lambda record: "garbage",
        lambda record: token_of(record)[:-2] + "xx",  # altered signature
        lambda record: "A" + token_of(record)[1:],  # altered payload
        lambda record: URLSafeSerializer("another-secret", salt="pdf-verify").dumps([record.id, record.revision]),
        lambda record: URLSafeSerializer("testing-secret-key", salt="other").dumps([record.id, record.revision]),
        lambda record: pdfs._serializer().dumps([record.id, record.revision + 1]),  # no such revision
        lambda record: pdfs._serializer().dumps([record.id + 1000, 1]),  # no such document
        lambda record: pdfs._serializer().dumps([2**40, 1]),
        lambda record: pdfs._serializer().dumps({"id": record.id}),
        lambda record: pdfs._serializer().dumps([True, 1]),
        lambda record: "x" * 5000,
    ],
)
def test_forged_or_altered_tokens_answer_invalid(client, issued, make_token):
    response = client.get(f"/api/v1/verify/{make_token(issued.record)}")
    assert response.status_code == 200
    assert response.json == {"valid": False}


def test_changed_data_issues_a_new_revision_and_supersedes_the_old(client, exporter, shipment, issued):
    shipment.vehicle_plate = "70H-999.99"
    db.session.commit()
    later = shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "vi,km", NOW + timedelta(hours=1))
    assert later.record.id != issued.record.id
    assert later.record.revision == 2 and later.record.number == issued.record.number
    assert later.content != issued.content
    old = client.get(f"/api/v1/verify/{token_of(issued.record)}").json
    assert old["valid"] is True and old["superseded"] is True
    assert old["superseded_at"] == "2026-03-14T09:30:00+07:00"
    new = client.get(f"/api/v1/verify/{token_of(later.record)}").json
    assert new["valid"] is True and new["superseded"] is False and new["revision"] == 2
    # unchanged since: the same revision and bytes again
    again = shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "vi,km", NOW + timedelta(days=1))
    assert again.record.id == later.record.id and again.content == later.content


def test_data_the_document_does_not_print_changes_nothing(exporter, shipment, issued):
    shipment.driver_name = "Trần Minh Đức"  # the invoice does not show the driver
    db.session.commit()
    again = shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "vi,km", NOW + timedelta(hours=1))
    assert again.record.id == issued.record.id and again.content == issued.content


def test_other_languages_are_their_own_revision_chain(exporter, shipment, issued):
    english = shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "en", NOW)
    assert english.record.revision == 1 and english.record.id != issued.record.id
    db.session.refresh(issued.record)
    assert issued.record.superseded_at is None


def test_issuing_is_audited(exporter, shipment, issued):
    from border_trade.audit.models import AuditEntry

    entry = db.session.query(AuditEntry).filter_by(action="pdf.issue").one()
    assert entry.after["number"] == issued.record.number and entry.after["sha256"] == issued.record.sha256


def test_page_says_valid(client, issued):
    page = client.get(f"/verify/{token_of(issued.record)}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-verdict="valid"' in html and "Valid." in html
    assert issued.record.sha256 in html and issued.record.number in html


def test_page_says_superseded(client, exporter, shipment, issued):
    shipment.vehicle_plate = "70H-999.99"
    db.session.commit()
    shipment_pdfs.issue(exporter, shipment.id, "commercial-invoice", "vi,km", NOW + timedelta(hours=1))
    html = client.get(f"/verify/{token_of(issued.record)}?lang=en").get_data(as_text=True)
    assert 'data-verdict="superseded"' in html and "Superseded." in html and "superseded" in html.lower()


def test_page_says_invalid(client):
    page = client.get("/verify/not-a-token?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-verdict="invalid"' in html and "Invalid." in html


def test_openapi_describes_verify_as_public_and_the_pdf_kinds(client):
    spec = client.get("/api/openapi.json").json
    verify = spec["paths"]["/api/v1/verify/{token}"]["get"]
    assert verify["security"] == []
    assert "VerificationSchema" in str(verify["responses"]["200"]) or "Verification" in str(verify["responses"]["200"])
    download = spec["paths"]["/api/v1/shipments/{id_or_reference}/pdf/{kind}"]["get"]
    parameters = spec["paths"]["/api/v1/shipments/{id_or_reference}/pdf/{kind}"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")
    assert kind["schema"]["enum"] == ["commercial-invoice", "packing-list", "co-form-d", "crossing-manifest"]
    assert "application/pdf" in download["responses"]["200"]["content"]
