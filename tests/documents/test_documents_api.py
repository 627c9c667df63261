"""Registering papers: JSON or multipart with a scan checked by content, stored privately, served in scope."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role
from border_trade.documents.models import Document
from tests.factories import make_shipment, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


@pytest.fixture
def shipment(exporter):
    return make_shipment(exporter.organisation)


def paper(**overrides):
    body = {
        "type": "phytosanitary_certificate",
        "number": "KDTV-0001",
        "issued_by": "Chi cục KDTV vùng II",
        "issued_on": date.today().isoformat(),
        "expires_on": (date.today() + timedelta(days=14)).isoformat(),
    }
    body.update(overrides)
    return body


def test_register_json_document(client, auth, shipment):
    response = client.post(f"/api/v1/shipments/{shipment.id}/documents", json=paper(), headers=auth)
    assert response.status_code == 201, response.json
    assert response.json["type"] == "phytosanitary_certificate" and response.json["has_file"] is False
    listing = client.get(f"/api/v1/shipments/{shipment.reference}/documents", headers=auth).json
    assert [d["number"] for d in listing["items"]] == ["KDTV-0001"]
    entry = sa.select(AuditEntry).where(AuditEntry.action == "document.register")
    from border_trade.extensions import db

    assert db.session.scalar(entry).after["number"] == "KDTV-0001"


def test_upload_scan_is_sniffed_stored_outside_web_root_and_served_in_scope(client, app, db, auth, shipment, token_for):
    data = paper() | {"file": (io.BytesIO(PDF), "giay-kiem-dich.exe")}
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/documents", data=data, headers=auth, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.json
    document = response.json
    assert document["has_file"] and document["file_mime"] == "application/pdf" and document["file_size"] == len(PDF)
    stored = Path(app.config["UPLOAD_FOLDER"]) / db.session.get(Document, document["id"]).file_key
    assert stored.read_bytes() == PDF
    assert not str(stored).startswith(str(Path(app.static_folder)))
    url = f"/api/v1/shipments/{shipment.id}/documents/{document['id']}/file"
    download = client.get(url, headers=auth)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert client.get(url, headers=token_for(make_user(Role.EXPORTER))).status_code == 404


@pytest.mark.parametrize("content", [b"MZ\x90\x00 not a pdf", b"GIF89a....", b"<html><script>"])
def test_uploads_lying_about_their_type_are_refused(client, auth, shipment, content):
    data = paper() | {"file": (io.BytesIO(content), "scan.pdf")}
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/documents", data=data, headers=auth, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "file" in response.json["errors"]
    assert Document.query.count() == 0


def test_scan_over_ten_megabytes_is_refused(client, auth, shipment):
    big = PNG + b"\x00" * (10 * 1024 * 1024)
    data = paper() | {"file": (io.BytesIO(big), "scan.png")}
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/documents", data=data, headers=auth, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "file" in response.json["errors"]


def test_body_over_the_request_limit_is_a_json_413(client, auth, shipment):
    huge = PNG + b"\x00" * (13 * 1024 * 1024)
    data = paper() | {"file": (io.BytesIO(huge), "scan.png")}
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/documents", data=data, headers=auth, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert response.json["code"] == 413


@pytest.mark.parametrize(
    "change, field",
    [
        ({"type": "passport"}, "type"),
        ({"number": ""}, "number"),
        ({"issued_on": "yesterday"}, "issued_on"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"secret": "x"}, "secret"),
        ({"replaces": 99999}, "replaces"),
    ],
)
def test_bad_documents_name_the_field(client, auth, shipment, change, field):
    response = client.post(f"/api/v1/shipments/{shipment.id}/documents", json=paper(**change), headers=auth)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_replacing_a_document_keeps_the_old_one(client, auth, shipment):
    base = f"/api/v1/shipments/{shipment.id}/documents"
    first = client.post(base, json=paper(), headers=auth).json
    second = client.post(base, json=paper(number="KDTV-0002", replaces=first["id"]), headers=auth)
    assert second.status_code == 201 and second.json["replaces"] == first["id"]
    listing = {d["number"]: d for d in client.get(base, headers=auth).json["items"]}
    assert listing["KDTV-0001"]["superseded_at"] is not None
    assert listing["KDTV-0002"]["superseded_at"] is None
    again = client.post(base, json=paper(number="KDTV-0003", replaces=first["id"]), headers=auth)
    assert again.status_code == 409
    checklist = client.get(f"/api/v1/shipments/{shipment.id}/requirements", headers=auth).json
    e6 = next(line for line in checklist["items"] if line["rule"] == "E6")
    assert e6["document_id"] == second.json["id"]


def test_only_the_exporter_registers_documents(client, shipment, token_for, db):
    from border_trade.shipments.models import ShipmentStatus

    shipment.status = ShipmentStatus.SUBMITTED
    db.session.commit()
    officer = token_for(make_user(Role.GATE_OFFICER))
    response = client.post(f"/api/v1/shipments/{shipment.id}/documents", json=paper(), headers=officer)
    assert response.status_code == 403
    other = token_for(make_user(Role.EXPORTER))
    assert client.post(f"/api/v1/shipments/{shipment.id}/documents", json=paper(), headers=other).status_code == 404


def test_each_paper_joins_the_shipment_timeline_through_the_event(client, app, auth, shipment, db, monkeypatch):
    """documents publishes `document.registered` (it never imports shipments, #15); shipments, subscribed in
    create_app, writes the timeline line in the same transaction: none for a refused or rolled-back paper."""
    from border_trade.events import DOCUMENT_REGISTERED
    from border_trade.shipments.models import EventKind, ShipmentEvent, ShipmentStatus

    heard = []
    handlers = app.extensions["border_trade.events"]
    monkeypatch.setitem(handlers, DOCUMENT_REGISTERED, [*handlers[DOCUMENT_REGISTERED], lambda **kw: heard.append(kw)])

    def timeline():
        db.session.expire_all()
        query = sa.select(ShipmentEvent).where(
            ShipmentEvent.shipment_id == shipment.id, ShipmentEvent.kind == EventKind.DOCUMENT
        )
        return [(e.event, e.note) for e in db.session.scalars(query.order_by(ShipmentEvent.id))]

    base = f"/api/v1/shipments/{shipment.id}/documents"
    first = client.post(base, json=paper(), headers=auth).json
    assert client.post(base, json=paper(number="KDTV-0002", replaces=first["id"]), headers=auth).status_code == 201
    lying = paper(number="KDTV-0003") | {"file": (io.BytesIO(b"MZ\x90\x00"), "scan.pdf")}
    assert client.post(base, data=lying, headers=auth, content_type="multipart/form-data").status_code == 422
    shipment.status = ShipmentStatus.CROSSED
    db.session.commit()
    closed = client.post(base, json=paper(number="KDTV-0004"), headers=auth)
    assert closed.status_code == 409 and closed.json["current_status"] == "crossed"
    assert timeline() == [
        ("document_registered", "phytosanitary_certificate KDTV-0001"),
        ("document_replaced", "phytosanitary_certificate KDTV-0002"),
    ]
    assert [(kw["document"].number, kw["replaced"] and kw["replaced"].number) for kw in heard] == [
        ("KDTV-0001", None),
        ("KDTV-0002", "KDTV-0001"),
    ]
