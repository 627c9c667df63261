"""Editing a shipment changes only what the editor sends: the web form keeps what it does not show (goods lines are
merged by id), and PATCH merges nested objects (JSON merge patch) instead of wiping the keys it was not given."""

import os
import threading
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from border_trade.shipments.models import Shipment
from border_trade.shipments.schemas import ShipmentInSchema, ShipmentPatchSchema
from border_trade.shipments.services import create_shipment, update_shipment
from tests.factories import make_product
from tests.shipments.test_concurrency import race

IGNORED = ("version", "updated_at")


class BrowserForm(HTMLParser):
    """Collect what a browser would submit from one form: controls outside <template>, checked boxes only, the
    selected option of each select (the first one when none is marked), and the pressed submit button."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.template = form_id, False, 0
        self.fields, self.select, self.options, self.textarea = [], None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if self.template or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.select, self.options = attrs.get("name"), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template":
            self.template -= 1
        elif tag == "form":
            self.inside = False
        elif self.template:
            return
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [v for v, _s in self.options[:1]]
            self.fields.extend((self.select, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


def form_fields(html, form_id="shipment-form"):
    parser = BrowserForm(form_id)
    parser.feed(html)
    assert parser.fields, "the page has no form " + form_id
    return dict(parser.fields)


def save_edit_page(client, shipment_id, change=None):
    """Open the edit page, apply `change` to the fields it renders, press Save; return the response."""
    page = client.get(f"/shipments/{shipment_id}/edit")
    assert page.status_code == 200, page.text
    data = form_fields(page.text)
    data.update(change or {})
    data["submit"] = "1"
    return client.post(f"/shipments/{shipment_id}/edit", data=data)


def comparable(shipment_json):
    return {k: v for k, v in shipment_json.items() if k not in IGNORED}


def assert_same(after, before):
    """Compare two API answers field by field (goods lines one by one), ignoring version and updated_at."""
    assert len(after["items"]) == len(before["items"])
    for number, (line_after, line_before) in enumerate(zip(after["items"], before["items"], strict=True), 1):
        changed = {k: (line_before.get(k), v) for k, v in line_after.items() if line_before.get(k) != v}
        assert not changed, f"goods line {number} changed: {changed}"
    assert comparable(after) == comparable(before)


@pytest.fixture
def rice_paper(exporter):
    return make_product(
        exporter.organisation,
        name_vi="Bánh tráng Trảng Bàng",
        name_km="នំបញ្ចុក",
        name_en="Rice paper",
        hs_code="19059070",
        unit="BOX",
        ocop_certificate_no="03/QĐ-UBND",
    )


@pytest.fixture
def full_payload(payload, melon):
    """A shipment with every field the API takes: a product line with its own descriptions and a described line."""

    def build(**overrides):
        body = payload(
            incoterm="CPT",
            incoterm_place="Phnom Penh, Chbar Ampov",
            currency="USD",
            preferential_tariff=True,
            invoice_no="INV-2026-017",
            invoice_on=date.today().isoformat(),
            consignee={
                "name": "Angkor Fresh Import Co., Ltd.",
                "address": "12 Monivong Blvd, Phnom Penh",
                "country": "KH",
                "tax_id": "K009-100200300",
            },
            vehicle={
                "plate": "70H-123.45",
                "trailer_plate": "70R-009.87",
                "driver_name": "Nguyễn Văn Tâm",
                "driver_id_no": "072012345678",
            },
            items=[
                {
                    "product_id": melon.id,
                    "description_vi": "Dưa lưới Tân Châu loại 1 (hộp 10 kg)",
                    "description_km": "ត្រសក់ស្រូវ តាន់ចូវ",
                    "description_en": "Tan Chau netted melon, grade 1",
                    "quantity": "400",
                    "unit": "BOX",
                    "packages": 400,
                    "package_type": "CT",
                    "marks": "BT/TC 1-400",
                    "net_weight_kg": "4000",
                    "gross_weight_kg": "4300.5",
                    "unit_price": "9.50",
                    "origin_criterion": "WO",
                    "fob_value": "3800.00",
                },
                {
                    "description_vi": "Bánh tráng phơi sương",
                    "description_km": "នំបញ្ចុក",
                    "description_en": "Dew-dried rice paper",
                    "hs_code": "19059070",
                    "quantity": "120.5",
                    "unit": "KGM",
                    "packages": 12,
                    "package_type": "BX",
                    "marks": "SM 1-12",
                    "net_weight_kg": "120.5",
                    "gross_weight_kg": "130",
                    "unit_price": "3.25",
                    "origin_criterion": "RVC40",
                    "fob_value": "390.00",
                },
            ],
        )
        body.update(overrides)
        return body

    return build


def create_api(client, auth, body):
    response = client.post("/api/v1/shipments", json=body, headers=auth)
    assert response.status_code == 201, response.json
    return response.json


# --- the web form ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["export", "border_resident"])
def test_saving_the_edit_page_unchanged_keeps_every_field(client, auth, login_as, exporter, full_payload, regime):
    extra = {"regime": "border_resident", "residents": 3, "preferential_tariff": False} if regime != "export" else {}
    before = create_api(client, auth, full_payload(**extra))
    for item, sent in zip(before["items"], full_payload()["items"], strict=True):
        assert item["marks"] == sent["marks"] and item["description_km"] == sent["description_km"]  # really stored
    browser = login_as(exporter)
    response = save_edit_page(browser, before["id"])
    assert response.status_code == 302, response.text
    after = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    assert_same(after, before)


def test_changing_only_the_driver_keeps_everything_else(client, auth, login_as, exporter, full_payload):
    before = create_api(client, auth, full_payload())
    response = save_edit_page(login_as(exporter), before["id"], {"driver_name": "Trần Thị Mai"})
    assert response.status_code == 302, response.text
    after = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    assert after["vehicle"]["driver_name"] == "Trần Thị Mai"
    assert after["version"] == before["version"] + 1
    assert_same(after, before | {"vehicle": before["vehicle"] | {"driver_name": "Trần Thị Mai"}})


def test_edit_rows_carry_line_ids_and_blank_descriptions_mean_the_products(client, auth, login_as, exporter, payload):
    before = create_api(client, auth, payload())  # a melon line described by the product itself
    page = login_as(exporter).get(f"/shipments/{before['id']}/edit")
    fields = form_fields(page.text)
    assert fields["items-0-id"] == str(before["items"][0]["id"])
    assert fields["items-0-description_vi"] == "" and fields["items-0-hs_code"] == ""
    assert fields["items-1-id"] == ""  # an empty row for a new line


def test_removed_row_deletes_its_line_new_row_adds_one_kept_row_keeps_its_id(
    client, auth, login_as, exporter, full_payload
):
    before = create_api(client, auth, full_payload())
    first, second = before["items"]
    change = {
        "items-0-remove": "y",
        "items-1-quantity": "100",
        "items-2-description_vi": "Muối tôm",
        "items-2-hs_code": "2103.90.29",
        "items-2-quantity": "50",
        "items-2-unit": "KGM",
        "items-2-net_weight_kg": "50",
        "items-2-gross_weight_kg": "55",
        "items-2-unit_price": "2",
        "items-2-origin_criterion": "WO",
    }
    response = save_edit_page(login_as(exporter), before["id"], change)
    assert response.status_code == 302, response.text
    after = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    kept, added = after["items"]
    assert first["id"] not in [i["id"] for i in after["items"]]
    assert kept["id"] == second["id"] and kept["position"] == 1
    assert kept["quantity"] == "100.000"
    assert {k: kept[k] for k in ("description_km", "description_en", "marks", "description_vi")} == {
        k: second[k] for k in ("description_km", "description_en", "marks", "description_vi")
    }
    assert added["id"] not in (first["id"], second["id"]) and added["position"] == 2
    assert added["hs_code"] == "21039029" and added["marks"] is None and added["description_km"] is None


def test_changing_a_lines_product_takes_the_new_products_names(
    client, auth, login_as, exporter, payload, melon, rice_paper
):
    melon_line = {**payload()["items"][0], "description_km": "ត្រសក់", "marks": "BT 1-400"}
    before = create_api(client, auth, payload(items=[melon_line]))
    change = {"items-0-product_id": str(rice_paper.id), "items-0-unit": "BOX"}
    response = save_edit_page(login_as(exporter), before["id"], change)
    assert response.status_code == 302, response.text
    line = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["items"][0]
    assert line["id"] == before["items"][0]["id"] and line["product_id"] == rice_paper.id
    assert (line["description_vi"], line["description_km"], line["description_en"], line["hs_code"]) == (
        "Bánh tráng Trảng Bàng",
        "នំបញ្ចុក",
        "Rice paper",
        "19059070",
    )
    assert line["marks"] == "BT 1-400"  # the packages' marks do not depend on the product


def test_clearing_a_custom_description_of_a_product_line_goes_back_to_the_products_name(
    client, auth, login_as, exporter, full_payload, melon
):
    before = create_api(client, auth, full_payload())
    page = login_as(exporter).get(f"/shipments/{before['id']}/edit")
    assert form_fields(page.text)["items-0-description_vi"] == "Dưa lưới Tân Châu loại 1 (hộp 10 kg)"
    response = save_edit_page(login_as(exporter), before["id"], {"items-0-description_vi": ""})
    assert response.status_code == 302, response.text
    line = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["items"][0]
    assert line["description_vi"] == melon.name_vi
    assert line["description_km"] == "ត្រសក់ស្រូវ តាន់ចូវ"  # not shown on the form: kept


@pytest.mark.parametrize("line_id", ["999999", "abc", "other"])
def test_a_row_with_an_id_of_no_line_of_this_shipment_is_refused(
    client, auth, login_as, exporter, full_payload, db, line_id
):
    other = create_api(client, auth, full_payload())
    before = create_api(client, auth, full_payload())
    if line_id == "other":
        line_id = str(other["items"][0]["id"])
    response = save_edit_page(login_as(exporter), before["id"], {"items-1-id": line_id})
    assert response.status_code == 422, response.text
    assert "data-form-errors" in response.text
    after = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    assert comparable(after) == comparable(before)
    assert client.get(f"/api/v1/shipments/{other['id']}", headers=auth).json == other


def test_the_same_line_id_twice_is_refused(client, auth, login_as, exporter, full_payload):
    before = create_api(client, auth, full_payload())
    response = save_edit_page(login_as(exporter), before["id"], {"items-1-id": str(before["items"][0]["id"])})
    assert response.status_code == 422, response.text
    assert db_items(client, auth, before["id"]) == before["items"]


def db_items(client, auth, shipment_id):
    return client.get(f"/api/v1/shipments/{shipment_id}", headers=auth).json["items"]


def test_reordered_rows_get_new_positions_without_breaking_the_unique_position(
    client, auth, login_as, exporter, full_payload
):
    before = create_api(client, auth, full_payload())
    first, second = before["items"]
    browser = login_as(exporter)
    page = browser.get(f"/shipments/{before['id']}/edit")
    data = form_fields(page.text)
    swapped = {}
    for name, value in data.items():
        if name.startswith("items-0-"):
            swapped["items-1-" + name.removeprefix("items-0-")] = value
        elif name.startswith("items-1-"):
            swapped["items-0-" + name.removeprefix("items-1-")] = value
        else:
            swapped[name] = value
    swapped["submit"] = "1"
    response = browser.post(f"/shipments/{before['id']}/edit", data=swapped)
    assert response.status_code == 302, response.text
    after = db_items(client, auth, before["id"])
    assert [(i["id"], i["position"]) for i in after] == [(second["id"], 1), (first["id"], 2)]
    assert after[1] | {"position": 1} == first and after[0] | {"position": 2} == second


# --- PATCH /api/v1/shipments/{id} -----------------------------------------------------------------------------------


def patch(client, auth, shipment, body, **headers):
    return client.patch(f"/api/v1/shipments/{shipment['id']}", json=body, headers=auth | headers)


def test_partial_vehicle_patch_keeps_plate_trailer_and_driver_id(client, auth, full_payload):
    before = create_api(client, auth, full_payload())
    response = patch(client, auth, before, {"vehicle": {"driver_name": "Trần Thị Mai"}})
    assert response.status_code == 200, response.json
    assert response.json["vehicle"] == before["vehicle"] | {"driver_name": "Trần Thị Mai"}
    assert comparable(response.json) | {"vehicle": before["vehicle"]} == comparable(before)


def test_partial_consignee_patch_keeps_the_fields_not_sent(client, auth, full_payload):
    before = create_api(client, auth, full_payload())
    response = patch(client, auth, before, {"consignee": {"address": "5 Street 271, Phnom Penh"}})
    assert response.status_code == 200, response.json
    assert response.json["consignee"] == before["consignee"] | {"address": "5 Street 271, Phnom Penh"}


def test_explicit_null_clears_an_optional_nested_field_and_the_whole_vehicle(client, auth, full_payload):
    before = create_api(client, auth, full_payload())
    cleared = patch(client, auth, before, {"vehicle": {"trailer_plate": None}, "consignee": {"tax_id": None}})
    assert cleared.status_code == 200, cleared.json
    assert cleared.json["vehicle"] == before["vehicle"] | {"trailer_plate": None}
    assert cleared.json["consignee"] == before["consignee"] | {"tax_id": None}
    no_truck = patch(client, auth, before, {"vehicle": None})
    assert no_truck.status_code == 200, no_truck.json
    assert no_truck.json["vehicle"] is None


@pytest.mark.parametrize(
    "body, path",
    [
        ({"consignee": {"name": None}}, "consignee.name"),
        ({"consignee": {"name": ""}}, "consignee.name"),
        ({"consignee": {"country": None}}, "consignee.country"),
        ({"consignee": None}, "consignee"),
        ({"vehicle": {"plate": None}}, "vehicle.plate"),
        ({"consignee": {"nickname": "x"}}, "consignee.nickname"),
        ({"vehicle": {"colour": "red"}}, "vehicle.colour"),
        ({"vehicle": "70H-123.45"}, "vehicle._schema"),  # marshmallow's name for "not an object"
    ],
)
def test_a_patch_leaving_a_nested_object_invalid_is_422_naming_the_field(client, auth, full_payload, body, path):
    before = create_api(client, auth, full_payload())
    response = patch(client, auth, before, body)
    assert response.status_code == 422, response.json
    assert path in response.json["errors"], response.json
    assert comparable(client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json) == comparable(before)


def test_a_vehicle_without_a_plate_cannot_be_started_by_a_partial_patch(client, auth, payload):
    before = create_api(client, auth, payload(vehicle=None, transhipment=True))
    assert before["vehicle"] is None
    response = patch(client, auth, before, {"vehicle": {"driver_name": "Trần Thị Mai"}})
    assert response.status_code == 422, response.json
    assert "vehicle.plate" in response.json["errors"], response.json
    started = patch(client, auth, before, {"vehicle": {"plate": "70H-555.55", "driver_name": "Trần Thị Mai"}})
    assert started.status_code == 200, started.json
    linked = started.json["vehicle"]
    assert isinstance(linked["id"], int) and isinstance(linked["driver_id"], int)  # added to the register
    assert linked == {
        "id": linked["id"],
        "plate": "70H-555.55",
        "country": "VN",
        "trailer_plate": None,
        "driver_id": linked["driver_id"],
        "driver_name": "Trần Thị Mai",
        "driver_id_no": None,
    }


def test_items_in_a_patch_replace_the_list_and_each_line_must_be_whole(client, auth, full_payload, melon):
    before = create_api(client, auth, full_payload())
    response = patch(client, auth, before, {"items": [{"product_id": melon.id, "quantity": "10"}]})
    assert response.status_code == 422, response.json
    assert {"items.0.unit", "items.0.net_weight_kg", "items.0.unit_price"} <= set(response.json["errors"])
    unknown = patch(client, auth, before, {"items": [{**full_payload()["items"][0], "id": before["items"][0]["id"]}]})
    assert unknown.status_code == 422 and "items.0.id" in unknown.json["errors"], unknown.json


def test_nested_patch_with_if_match_and_a_stale_etag(client, auth, full_payload):
    before = create_api(client, auth, full_payload())
    etag = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).headers["ETag"]
    changed = patch(client, auth, before, {"vehicle": {"driver_name": "Trần Thị Mai"}}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"] != etag and changed.json["version"] == before["version"] + 1
    stale = patch(client, auth, before, {"consignee": {"address": "elsewhere"}}, **{"If-Match": etag})
    assert stale.status_code == 412, stale.json
    now = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    assert now["consignee"] == before["consignee"] and now["vehicle"]["driver_name"] == "Trần Thị Mai"


def test_only_the_owner_may_patch_nested_fields(client, auth, full_payload, token_for, exporter2):
    before = create_api(client, auth, full_payload())
    response = patch(client, token_for(exporter2), before, {"vehicle": {"driver_name": "x"}})
    assert response.status_code == 404
    assert client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["vehicle"] == before["vehicle"]


def test_the_edit_form_updates_lines_in_place(db, client, auth, login_as, exporter, full_payload):
    before = create_api(client, auth, full_payload())
    response = save_edit_page(login_as(exporter), before["id"], {"items-0-unit_price": "10"})
    assert response.status_code == 302, response.text
    db.session.expire_all()
    shipment = db.session.get(Shipment, before["id"])
    assert [i.id for i in shipment.items] == [i["id"] for i in before["items"]]
    assert str(shipment.items[0].unit_price) == "10.00" and shipment.items[0].marks == "BT/TC 1-400"
    assert shipment.planned_crossing_on == date.today() + timedelta(days=5)


@pytest.mark.postgres
def test_concurrent_patches_of_different_vehicle_keys_both_take_effect(app, db, exporter, full_payload):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")
    shipment_id = create_shipment(exporter, ShipmentInSchema().load(full_payload())).id
    changes = iter([{"driver_name": "Trần Thị Mai"}, {"trailer_plate": "70R-111.11"}])
    lock = threading.Lock()

    def work(user):
        with lock:
            change = next(changes)
        update_shipment(user, shipment_id, ShipmentPatchSchema().load({"vehicle": change}))

    race(app, exporter.id, 2, work)
    db.session.expire_all()
    shipment = db.session.get(Shipment, shipment_id)
    assert (shipment.vehicle_plate, shipment.trailer_plate, shipment.driver_name, shipment.driver_id_no) == (
        "70H-123.45",
        "70R-111.11",
        "Trần Thị Mai",
        "072012345678",
    )
    assert shipment.version == 3
