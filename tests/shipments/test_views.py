"""Shipment pages: list, form with goods lines (no JavaScript needed), detail with checklist, papers, moves, denials."""

import io
import re
from datetime import date, timedelta

import pytest
from flask_babel import refresh

from border_trade.auth.models import Role
from border_trade.documents.models import Document
from border_trade.shipments import services
from border_trade.shipments.models import Shipment, ShipmentStatus
from border_trade.shipments.schemas import ShipmentInSchema
from tests.factories import make_shipment, make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CROSSING = (date.today() + timedelta(days=5)).isoformat()


def shipment_form(**overrides):
    data = {
        "exit_gate": "XA-MAT",
        "planned_crossing_on": CROSSING,
        "regime": "export",
        "incoterm": "DAP",
        "currency": "USD",
        "consignee_name": "Angkor Fresh Import Co., Ltd.",
        "consignee_country": "KH",
        "vehicle_plate": "70H-123.45",
        "driver_name": "Nguyễn Văn Tâm",
        "submit": "1",
    }
    data.update(overrides)
    return data


def line(index, **values):
    return {f"items-{index}-{name}": value for name, value in values.items()}


def melon_line(index, melon):
    return line(
        index,
        product_id=str(melon.id),
        quantity="400",
        unit="KGM",
        net_weight_kg="400",
        gross_weight_kg="430",
        unit_price="9.50",
    )


def create(exporter, payload, **overrides):
    return services.create_shipment(exporter, ShipmentInSchema().load(payload(**overrides)))


def register(client, shipment, document_type, **overrides):
    data = {
        "type": document_type,
        # a VNACCS export declaration number (12 digits, 3…) for the declaration, any text for the rest
        "number": "305254403660" if document_type == "customs_declaration" else f"{document_type[:3].upper()}-001",
        "issued_by": "Chi cục Kiểm dịch vùng VI",
        "issued_on": date.today().isoformat(),
        "expires_on": "",
    }
    data.update(overrides)
    return client.post(f"/shipments/{shipment.id}/documents", data=data, content_type="multipart/form-data")


def required_missing(page):
    return re.findall(r'data-document-type="(\w+)"\s+data-level="required" data-status="(?:missing|expired)"', page)


# --- list ----------------------------------------------------------------------------------------------------------


def test_list_filters_and_pages(login_as, exporter, exporter2):
    client = login_as(exporter)
    for _n in range(27):
        make_shipment(exporter.organisation)
    special = make_shipment(
        exporter.organisation,
        vehicle_plate="51C-999.99",
        status=ShipmentStatus.SUBMITTED,
        consignee_name="Phnom Penh Mart",
    )
    foreign = make_shipment(exporter2.organisation)
    first = client.get("/shipments")
    assert first.status_code == 200
    assert 'data-total="28"' in first.text and first.text.count("data-reference=") == 25
    assert special.reference in first.text and foreign.reference not in first.text
    second = client.get("/shipments?page=2")
    assert second.text.count("data-reference=") == 3
    assert client.get("/shipments?status=submitted").text.count("data-reference=") == 1
    assert special.reference in client.get("/shipments?q=999.99").text
    assert special.reference in client.get("/shipments?q=penh mart").text
    assert client.get("/shipments?gate=XA-MAT").text.count("data-reference=") == 0
    later = (date.today() + timedelta(days=30)).isoformat()
    assert client.get(f"/shipments?date_from={later}").text.count("data-reference=") == 0
    assert client.get("/shipments?date_from=nonsense").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/shipments")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- form ----------------------------------------------------------------------------------------------------------


def test_new_form_offers_the_catalogue_and_empty_lines(login_as, exporter, melon, exporter2):
    other = make_user(Role.EXPORTER)
    from tests.factories import make_product

    foreign = make_product(other.organisation, name_vi="Bánh tráng lạ")
    page = login_as(exporter).get("/shipments/new")
    assert page.status_code == 200
    assert page.text.count("data-item-row ") == 4  # three empty lines and the template for JavaScript
    assert 'name="items-2-quantity"' in page.text and 'name="items-__INDEX__-quantity"' in page.text
    assert f'value="{melon.id}"' in page.text and foreign.name_vi not in page.text
    assert "<script src=" in page.text and "shipment-form.js" in page.text
    assert "onclick" not in page.text and "<script>" not in page.text


def test_create_with_a_catalogue_line_and_a_described_line(login_as, exporter, melon, db):
    client = login_as(exporter)
    data = shipment_form() | melon_line(0, melon)
    data |= line(
        1,
        description_vi="Muối tôm Tây Ninh",
        hs_code="2103.90.29",
        quantity="100",
        unit="PCE",
        net_weight_kg="20",
        gross_weight_kg="22",
        unit_price="2",
    )
    data |= line(2, product_id="", quantity="")  # an empty line is ignored
    response = client.post("/shipments/new", data=data)
    assert response.status_code == 302, response.text
    shipment = db.session.scalar(db.select(Shipment))
    assert response.headers["Location"].endswith(f"/shipments/{shipment.id}")
    assert shipment.status is ShipmentStatus.DRAFT and shipment.gate.code == "XA-MAT"
    assert [(i.position, i.hs_code) for i in shipment.items] == [(1, "08071900"), (2, "21039029")]
    assert shipment.items[0].description_vi == melon.name_vi


def test_invalid_form_names_the_fields_and_saves_nothing(login_as, exporter, melon, db):
    client = login_as(exporter)
    data = shipment_form(consignee_name="", planned_crossing_on="2020-01-01") | melon_line(0, melon)
    data["items-0-gross_weight_kg"] = "300"
    response = client.post("/shipments/new", data=data)
    assert response.status_code == 422
    assert 'id="consignee_name"' in response.text
    assert re.search(r'class="form-control is-invalid"[^>]*id="items-0-gross_weight_kg"', response.text)
    assert re.search(r'class="form-control is-invalid"[^>]*id="consignee_name"', response.text)
    assert db.session.scalar(db.select(db.func.count(Shipment.id))) == 0


def test_service_errors_land_on_the_line(login_as, exporter, db):
    client = login_as(exporter)
    data = shipment_form() | line(
        0,
        description_vi="Hàng lạ",
        hs_code="99999999",
        quantity="1",
        unit="PCE",
        net_weight_kg="1",
        gross_weight_kg="1",
        unit_price="1",
    )
    response = client.post("/shipments/new", data=data)
    assert response.status_code == 422
    assert re.search(r'class="form-control is-invalid"[^>]*id="items-0-hs_code"', response.text)


def test_more_lines_button_adds_empty_lines_without_saving(login_as, exporter, melon, db):
    client = login_as(exporter)
    data = shipment_form() | melon_line(0, melon)
    del data["submit"]
    data["more_rows"] = "1"
    response = client.post("/shipments/new", data=data)
    assert response.status_code == 200
    assert response.text.count("data-item-row ") == 5  # the filled line, three new ones, the template
    assert db.session.scalar(db.select(db.func.count(Shipment.id))) == 0


def test_edit_prefills_and_replaces_lines(login_as, exporter, melon, honey, payload, db):
    client = login_as(exporter)
    shipment = create(exporter, payload)
    page = client.get(f"/shipments/{shipment.id}/edit")
    assert page.status_code == 200 and 'value="70H-123.45"' in page.text
    assert re.search(rf'<option[^>]*selected[^>]*value="{melon.id}"', page.text)
    data = shipment_form(version=str(shipment.version)) | melon_line(0, melon) | {"items-0-remove": "y"}
    data |= melon_line(1, honey) | {"items-1-unit": "PCE"}
    response = client.post(f"/shipments/{shipment.id}/edit", data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert [i.product_id for i in db.session.get(Shipment, shipment.id).items] == [honey.id]
    stale = client.post(f"/shipments/{shipment.id}/edit", data=data)
    assert stale.status_code == 412


def test_submitted_shipment_cannot_be_edited(login_as, exporter):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    client = login_as(exporter)
    response = client.get(f"/shipments/{shipment.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/shipments/{shipment.id}")


# --- detail, papers and moves --------------------------------------------------------------------------------------


def test_detail_shows_totals_checklist_and_timeline(login_as, exporter, payload, honey):
    items = payload()["items"] + [
        {
            "product_id": honey.id,
            "quantity": "200",
            "unit": "PCE",
            "net_weight_kg": "100",
            "gross_weight_kg": "110",
            "unit_price": "4",
            "origin_criterion": "WO",
        }
    ]
    shipment = create(exporter, payload, items=items)
    page = login_as(exporter).get(f"/shipments/{shipment.id}")
    assert page.status_code == 200
    assert 'id="shipment-status" data-status="draft"' in page.text
    assert re.search(
        r'data-rule="E6" data-document-type="phytosanitary_certificate"\s+data-level="required" '
        r'data-status="missing"',
        page.text,
    )
    assert re.search(r'data-rule="E7" data-document-type="veterinary_certificate"', page.text)
    assert 'data-rule="E8"' in page.text and 'data-level="recommended"' in page.text
    # reasons in the reader's language (Vietnamese by default), naming the triggering goods line
    assert "Dưa lưới Tân Châu" in page.text and "Mật ong" in page.text
    vnd = re.search(r'data-total="value_vnd">([^<]+)<', page.text).group(1)
    assert "₫" in vnd and "," not in vnd  # VND without decimals (vi uses "." for thousands)
    usd = re.search(r'data-total="value">([^<]+)<', page.text).group(1)
    assert usd.strip().startswith("4.600,00")  # 3800 + 800 USD, two decimals
    assert 'data-event="created"' in page.text
    assert 'data-register="phytosanitary_certificate"' in page.text and 'data-move="ready"' in page.text


def test_detail_follows_the_reader_language(login_as, exporter, payload, db):
    shipment = create(exporter, payload)
    exporter.locale = "en"
    db.session.commit()
    client = login_as(exporter)
    refresh()  # the tests share one app context, where Flask-Babel caches the locale of the first request
    page = client.get(f"/shipments/{shipment.id}")
    assert "plant product" in page.text


def test_register_a_paper_with_its_scan_and_download_it(login_as, exporter, exporter2, payload, db):
    shipment = create(exporter, payload)
    client = login_as(exporter)
    response = register(client, shipment, "phytosanitary_certificate", file=(io.BytesIO(PDF), "phyto.pdf"))
    assert response.status_code == 302, response.text
    page = client.get(f"/shipments/{shipment.id}").text
    assert re.search(r'data-rule="E6"[^>]*data-status="provided"', page)
    document = db.session.scalar(db.select(Document))
    assert f'data-download="{document.id}"' in page
    assert 'data-event="document_registered"' in page
    download = client.get(f"/shipments/{shipment.id}/documents/{document.id}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    outsider = login_as(exporter2)
    assert outsider.get(f"/shipments/{shipment.id}").status_code == 404
    assert outsider.get(f"/shipments/{shipment.id}/documents/{document.id}/file").status_code == 404
    assert register(outsider, shipment, "packing_list").status_code == 404


def test_bad_paper_shows_errors_on_its_form(login_as, exporter, payload, db):
    shipment = create(exporter, payload)
    client = login_as(exporter)
    response = register(
        client, shipment, "phytosanitary_certificate", number="", file=(io.BytesIO(b"GIF89a..."), "scan.gif")
    )
    assert response.status_code == 422
    assert re.search(r'is-invalid"[^>]*id="doc-phytosanitary_certificate-number"', response.text)
    response = register(client, shipment, "phytosanitary_certificate", file=(io.BytesIO(b"GIF89a..."), "scan.gif"))
    assert response.status_code == 422
    assert re.search(r'is-invalid"[^>]*id="doc-phytosanitary_certificate-file"', response.text)
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_moves_list_what_is_missing_then_go_through(login_as, exporter, payload, db):
    shipment = create(exporter, payload)
    client = login_as(exporter)
    assert client.post(f"/shipments/{shipment.id}/move", data={"to": "ready"}).status_code == 302
    refused = client.post(f"/shipments/{shipment.id}/move", data={"to": "submitted"})
    assert refused.status_code == 409
    assert 'id="move-problems"' in refused.text
    assert 'data-problem="documents.phytosanitary_certificate"' in refused.text
    assert 'data-problem="documents.customs_declaration"' in refused.text
    assert 'data-status="ready"' in refused.text
    for document_type in required_missing(refused.text):
        assert register(client, shipment, document_type).status_code == 302
    done = client.post(f"/shipments/{shipment.id}/move", data={"to": "submitted"}, follow_redirects=True)
    assert done.status_code == 200
    assert 'id="shipment-status" data-status="submitted"' in done.text
    assert 'data-move="cancelled"' in done.text and 'data-move="ready"' not in done.text
    assert 'id="edit-shipment"' not in done.text


def test_a_move_the_flow_refuses_is_explained(login_as, exporter, payload):
    shipment = create(exporter, payload)
    refused = login_as(exporter).post(f"/shipments/{shipment.id}/move", data={"to": "delivered"})
    assert refused.status_code == 409 and 'data-problem="status"' in refused.text


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/shipments/{id}/move"),
        ("post", "/shipments/{id}/documents"),
        ("post", "/shipments/{id}/edit"),
        ("post", "/shipments/new"),
        ("get", "/shipments/new"),
    ],
)
def test_gate_officer_cannot_post_forms(login_as, exporter, xamat_officer, method, path):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=_gate("XA-MAT"))
    client = login_as(xamat_officer)
    response = getattr(client, method)(path.format(id=shipment.id), data={"to": "cancelled"})
    assert response.status_code == 403


def test_officers_and_viewers_read_shipments_at_their_gates(login_as, exporter, xamat_officer, payload):
    submitted = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=_gate("XA-MAT"))
    draft = make_shipment(exporter.organisation, gate=_gate("XA-MAT"))
    elsewhere = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=_gate("MOC-BAI"))
    officer = login_as(xamat_officer)
    page = officer.get(f"/shipments/{submitted.id}")
    assert page.status_code == 200
    assert "data-register=" not in page.text and "data-move=" not in page.text and 'id="edit-shipment"' not in page.text
    assert officer.get(f"/shipments/{draft.id}").status_code == 404
    assert officer.get(f"/shipments/{elsewhere.id}").status_code == 404
    listing = officer.get("/shipments").text
    assert submitted.reference in listing and draft.reference not in listing and 'id="new-shipment"' not in listing
    viewer = login_as(Role.VIEWER)
    assert viewer.get(f"/shipments/{submitted.id}").status_code == 200
    assert viewer.get(f"/shipments/{draft.id}").status_code == 404


def _gate(code):
    from tests.factories import get_gate

    return get_gate(code)


# --- admin rules page ----------------------------------------------------------------------------------------------


def test_admin_reads_the_rules_and_older_versions(login_as, db):
    from border_trade.documents.models import RuleSet
    from border_trade.documents.services import active_rules

    current = db.session.scalar(db.select(RuleSet).where(RuleSet.is_active))
    older = dict(current.content, version="2025.9")
    db.session.add(RuleSet(version="2025.9", content=older, sha256="0" * 64, is_active=False))
    db.session.commit()
    try:
        client = login_as(Role.ADMIN)
        page = client.get("/admin/rules")
        assert page.status_code == 200
        assert f'data-version="{active_rules().version}"' in page.text and 'data-version="2025.9"' in page.text
        assert 'data-rule="E6" data-document-type="phytosanitary_certificate" data-level="required"' in page.text
        assert "Giấy chứng nhận kiểm dịch thực vật" in page.text  # document label in the reader's language
        assert "unverified" in page.text or "chưa" in page.text
        assert 'id="rules-version" data-version="2025.9"' in client.get("/admin/rules?version=2025.9").text
    finally:
        db.session.execute(db.delete(RuleSet).where(RuleSet.version == "2025.9"))
        db.session.commit()


@pytest.mark.parametrize("role", [Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER])
def test_only_admins_read_the_rules(login_as, role):
    assert login_as(role).get("/admin/rules").status_code == 403
