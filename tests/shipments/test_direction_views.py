"""The shipment pages in both directions: the form takes an import (entry gate, consignor), the list and the page show
the direction (word and colour) and an import that crossed reads "entered Viet Nam" in three languages."""

import io
import re

import pytest
from flask_babel import force_locale

from border_trade.auth.models import Role
from border_trade.crossings.views import CROSSED_LABELS
from border_trade.shipments.models import Direction, Shipment, ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_import, make_shipment, make_user
from tests.shipments.test_views import CROSSING, line


def import_form(**overrides):
    data = {
        "direction": "import",
        "entry_gate": "MOC-BAI",
        "exit_gate": "XA-MAT",  # the other direction's field, left on the page: not read for an import
        "planned_crossing_on": CROSSING,
        "regime": "commercial",
        "incoterm": "DAP",
        "currency": "USD",
        "consignee_name": "left over",
        "consignor_name": "ក្រុមហ៊ុន ស្វាយ កំពង់ចាម",
        "consignor_address": "Kampong Cham",
        "consignor_country": "kh",
        "consignor_tax_id": "K0012345",
        "vehicle_plate": "KH 3A-1234",
        "submit": "1",
    }
    data.update(overrides)
    return data


def mango(index=0):
    return line(
        index,
        description_vi="Xoài tươi",
        hs_code="0804.50.21",
        quantity="5000",
        unit="KGM",
        net_weight_kg="5000",
        gross_weight_kg="5400",
        unit_price="0.6",
    )


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


def test_the_form_creates_an_import(login_as, exporter, db):
    client = login_as(exporter)
    page = client.get("/shipments/new")
    assert 'name="direction"' in page.text and 'name="entry_gate"' in page.text and 'name="consignor_name"' in page.text
    response = client.post("/shipments/new", data=import_form() | mango())
    assert response.status_code == 302, response.text
    shipment = db.session.scalar(db.select(Shipment))
    assert shipment.direction is Direction.IMPORT and shipment.gate.code == "MOC-BAI"
    assert shipment.consignor_name == "ក្រុមហ៊ុន ស្វាយ កំពង់ចាម" and shipment.consignor_country == "KH"
    assert shipment.consignee_name is None  # the export's field on the page is not read
    assert shipment.items[0].hs_code == "08045021"


def test_the_form_names_a_missing_entry_gate_or_consignor(login_as, exporter, db):
    client = login_as(exporter)
    response = client.post("/shipments/new", data=import_form(consignor_name="") | mango())
    assert response.status_code == 422
    assert re.search(r'is-invalid"[^>]*id="consignor_name"', response.text)
    response = client.post("/shipments/new", data=import_form(entry_gate="") | mango())
    assert response.status_code == 422
    assert re.search(r'is-invalid"[^>]*id="entry_gate"', response.text)
    assert not re.search(r'is-invalid"[^>]*id="exit_gate"', response.text)
    assert db.session.scalar(db.select(db.func.count(Shipment.id))) == 0


def test_the_edit_form_keeps_an_import_an_import(login_as, exporter, db):
    shipment = make_import(exporter.organisation)
    client = login_as(exporter)
    page = client.get(f"/shipments/{shipment.id}/edit")
    assert re.search(r'<option[^>]*selected[^>]*value="import"|<option[^>]*value="import"[^>]*selected', page.text)
    assert 'value="Kampong Cham"' in page.text
    data = import_form(consignor_address="Suong", version=str(shipment.version)) | {
        "items-0-id": str(shipment.items[0].id)
    }
    data |= mango()
    response = client.post(f"/shipments/{shipment.id}/edit", data=data)
    assert response.status_code == 302, response.text
    db.session.refresh(shipment)
    assert shipment.direction is Direction.IMPORT and shipment.consignor_address == "Suong"


def test_the_list_shows_and_filters_the_direction(login_as, exporter):
    inbound = make_import(exporter.organisation, gate=get_gate("XA-MAT"))
    outbound = make_shipment(exporter.organisation, gate=get_gate("XA-MAT"))
    client = login_as(exporter)
    page = client.get("/shipments?lang=en").text
    assert f'data-reference="{inbound.reference}" data-status="draft" data-direction="import"' in page
    assert f'data-reference="{outbound.reference}" data-status="draft" data-direction="export"' in page
    assert "text-bg-warning" in page and ">Import<" in page and ">Export<" in page
    only = client.get("/shipments?direction=import").text
    assert inbound.reference in only and outbound.reference not in only
    both = client.get("/shipments?gate=XA-MAT").text
    assert inbound.reference in both and outbound.reference in both
    assert "ស្វាយ" in client.get("/shipments?q=កំពង់ចាម").text  # the consignor's name is searched and shown


@pytest.mark.parametrize("lang", ["en", "vi", "km"])
def test_an_import_that_crossed_has_entered_viet_nam(login_as, exporter, db, lang):
    shipment = make_import(exporter.organisation, status=ShipmentStatus.CROSSED, crossed_at=utcnow())
    db.session.add(
        ShipmentEvent(
            shipment=shipment,
            kind="crossing",
            event="crossed",
            to_status=ShipmentStatus.CROSSED,
            occurred_at=utcnow(),
            gate=shipment.gate,
        )
    )
    db.session.commit()
    with force_locale(lang):
        entered = str(CROSSED_LABELS[Direction.IMPORT])
        export_crossed = str(ShipmentStatus.CROSSED.label)
    page = login_as(exporter).get(f"/shipments/{shipment.id}?lang={lang}").text
    assert 'id="shipment-direction"' in page and 'data-direction="import"' in page
    status = re.search(r'id="shipment-status"[^>]*>([^<]*)<', page).group(1)
    assert status == entered
    timeline = page[page.index('id="timeline"') :]
    assert entered in timeline
    if lang == "en":
        assert entered == "Entered Viet Nam" and export_crossed not in status


def test_an_export_still_reads_crossed(login_as, exporter):
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.CROSSED)
    page = login_as(exporter).get(f"/shipments/{shipment.id}?lang=en").text
    assert re.search(r'id="shipment-status"[^>]*>Crossed<', page) and 'data-direction="export"' in page
    assert "Entered Viet Nam" not in page


def test_an_import_page_is_404_outside_the_scope(login_as, exporter):
    shipment = make_import(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    assert login_as(make_user(Role.EXPORTER)).get(f"/shipments/{shipment.id}").status_code == 404
    xa_mat = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    assert login_as(xa_mat).get(f"/shipments/{shipment.id}").status_code == 404
    moc_bai = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    assert "Kampong Cham" in login_as(moc_bai).get(f"/shipments/{shipment.id}").text


def _goods_csv(*rows):
    header = ["description_vi", "hs_code", "quantity", "unit", "net_weight_kg", "gross_weight_kg", "unit_price"]
    lines = [",".join([*header, "direction"])] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, shipment, content):
    data = {"file": (io.BytesIO(content), "items.csv")}
    return client.post(f"/shipments/{shipment.id}/import", data=data, content_type="multipart/form-data")


def test_the_goods_table_takes_a_direction_column(login_as, exporter, db):
    shipment = make_import(exporter.organisation)
    client = login_as(exporter)
    rows = (
        ["Sắn lát khô", "07141011", "30000", "KGM", "30000", "30450", "0.24", "import"],
        ["Hạt điều thô", "08013100", "20000", "KGM", "20000", "20300", "1.2", ""],  # empty: the shipment's direction
    )
    location = _upload(client, shipment, _goods_csv(*rows)).headers["Location"]
    assert 'id="import-ready"' in client.get(location).text
    assert client.post(location, data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert [i.hs_code for i in db.session.get(Shipment, shipment.id).items] == ["08045021", "07141011", "08013100"]


def test_a_goods_row_of_the_other_direction_is_named(login_as, exporter, db):
    export = make_shipment(exporter.organisation)
    client = login_as(exporter)
    content = _goods_csv(["Sắn lát khô", "07141011", "30000", "KGM", "30000", "30450", "0.24", "import"])
    preview = client.get(_upload(client, export, content).headers["Location"]).text
    assert re.search(r'data-line="2" data-ok="false".*?data-error-field="direction"', preview, re.S)
    content = _goods_csv(["Sắn lát khô", "07141011", "30000", "KGM", "30000", "30450", "0.24", "sideways"])
    preview = client.get(_upload(client, export, content).headers["Location"]).text
    assert re.search(r'data-line="2" data-ok="false".*?data-error-field="direction"', preview, re.S)
    db.session.expire_all()
    assert len(db.session.get(Shipment, export.id).items) == 1
