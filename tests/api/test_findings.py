"""What the fuzzing client (schemathesis, `.ci/schemathesis`) and issue #14 found in the API, reproduced through the
test client: each answer is a 4xx or 2xx that conforms to the OpenAPI document, never a 500."""

import csv
import io
import threading
from decimal import Decimal

import pytest
import schemathesis
import sqlalchemy as sa

from border_trade.audit.services import record
from border_trade.auth.models import ApiToken, Role
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import ascii_id, utcnow
from tests.factories import get_gate, make_product, make_shipment, make_user


@pytest.fixture
def openapi(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def conforms(openapi, path, method, response):
    """Validate an answer against its operation in the OpenAPI document (raises on a mismatch)."""
    openapi[path][method].validate_response(response)
    return True


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def shipment(exporter):
    return make_shipment(exporter.organisation)


# -- ids: only ASCII digits are ids ----------------------------------------------------------------------------

# "³".isdigit() is true but int("³") fails (it was a 500); int("٣") == 3 (it read shipment 3 by another name)
NOT_ASCII_DIGITS = ["³", "²¹", "٣", "३", "１"]


@pytest.mark.parametrize("key", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("tail", ["", "/requirements", "/documents", "/events"])
def test_other_digit_scripts_are_not_shipment_ids(client, token_for, exporter, shipment, key, tail):
    assert shipment.id in (1, 2, 3, 21)  # whatever id it got, the odd digits must not find it
    response = client.get(f"/api/v1/shipments/{key}{tail}", headers=token_for(exporter))
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.json["code"] == 404


@pytest.mark.parametrize("key", NOT_ASCII_DIGITS)
def test_other_digit_scripts_in_transitions_and_files_are_404(client, token_for, exporter, shipment, key):
    auth = token_for(exporter)
    moved = client.post(f"/api/v1/shipments/{key}/transitions", json={"to": "ready"}, headers=auth)
    assert moved.status_code == 404, moved.get_data(as_text=True)
    scan = client.get(f"/api/v1/shipments/{key}/documents/1/file", headers=auth)
    assert scan.status_code == 404, scan.get_data(as_text=True)
    scan = client.get(f"/api/v1/shipments/{shipment.id}/documents/{key}/file", headers=auth)
    assert scan.status_code == 404, scan.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        ("2147483647", 2**31 - 1),
        ("2147483648", None),
        ("0", None),
        ("³", None),
        ("٣", None),
        ("１", None),
        (" 3", None),
        ("-3", None),
        ("", None),
        ("9" * 5000, None),
    ],
)
def test_ascii_id_reads_ascii_digits_only(text, expected):
    assert ascii_id(text) == expected


def test_ascii_ids_still_find_the_shipment(client, token_for, exporter, shipment):
    auth = token_for(exporter)
    assert client.get(f"/api/v1/shipments/{shipment.id}", headers=auth).json["reference"] == shipment.reference
    assert client.get(f"/api/v1/shipments/{shipment.reference}", headers=auth).json["id"] == shipment.id


# the same number in Arabic-Indic, Devanagari and full-width digits
OTHER_SCRIPTS = ["٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９"]


@pytest.mark.parametrize("script", OTHER_SCRIPTS)
def test_audit_actor_filter_reads_only_ascii_digits_as_a_user_id(client, token_for, script):
    admin = make_user(Role.ADMIN)
    auth = token_for(admin)
    record("test.thing", actor=admin, actor_email="someone@else.test")
    db.session.commit()
    same_number = str(admin.id).translate(str.maketrans("0123456789", script))
    for actor in (same_number, "³", "1²"):
        for path in ("/api/v1/audit", "/api/v1/audit.csv"):
            response = client.get(path, query_string={"actor": actor}, headers=auth)
            assert response.status_code == 200, response.get_data(as_text=True)
        assert client.get("/api/v1/audit", query_string={"actor": actor}, headers=auth).json["items"] == []
    found = client.get("/api/v1/audit", query_string={"actor": str(admin.id)}, headers=auth).json["items"]
    assert [entry["action"] for entry in found] == ["test.thing"]


# -- the gate queue: weights are decimal strings, and the document says so ----------------------------------------


def test_queue_weights_are_decimal_strings_as_documented(client, token_for, openapi, exporter):
    make_shipment(exporter.organisation, status=ShipmentStatus.AT_GATE, gate=get_gate("MOC-BAI"), arrived_at=utcnow())
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    response = client.get("/api/v1/gates/MOC-BAI/queue", headers=token_for(officer))
    assert response.status_code == 200
    weight = response.json["items"][0]["gross_weight_kg"]
    assert isinstance(weight, str) and Decimal(weight) == Decimal("430")
    assert conforms(openapi, "/api/v1/gates/{code}/queue", "GET", response)


# -- the audit CSV export streams after the request's own session is gone ------------------------------------------


def _in_own_context(app, fetch):
    """Run `fetch(client)` in a thread, where the request pushes (and tears down) its own app context, as under a
    real server; the test's own context would otherwise keep the request's database session open."""
    found = {}

    def run():
        try:
            found["response"] = fetch(app.test_client())
            found["body"] = found["response"].get_data(as_text=True)
        except Exception as error:
            found["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in found:
        raise found["error"]
    return found["response"], found["body"]


@pytest.mark.postgres  # a 500 on PostgreSQL every time (a server-side cursor read after the transaction ended)
def test_audit_csv_streams_every_entry_after_the_request_ends(app, token_for):
    admin = make_user(Role.ADMIN)
    auth = token_for(admin)
    for n in range(1234):
        record("test.export", actor=admin, object_type="thing", object_id=n, after={"n": n})
    db.session.commit()

    response, body = _in_own_context(app, lambda client: client.get("/api/v1/audit.csv", headers=auth))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1234
    ids = [int(row["id"]) for row in rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert [row["object_id"] for row in rows if row["action"] == "test.export"][:2] == ["1233", "1232"]


@pytest.mark.postgres
def test_audit_csv_page_export_streams_after_the_request_ends(app, login_as):
    page = login_as(Role.ADMIN)
    for n in range(600):
        record("test.export", object_type="thing", object_id=n)
    db.session.commit()

    response, body = _in_own_context(app, lambda _client: page.get("/audit.csv"))
    assert response.status_code == 200, body[:300]
    assert sum(1 for row in csv.DictReader(io.StringIO(body)) if row["action"] == "test.export") == 600


def in_script(number, digits):
    """Write a number with another script's digits (e.g. Arabic-Indic: 3 -> ٣)."""
    return str(number).translate(str.maketrans("0123456789", digits))


@pytest.mark.parametrize("script", OTHER_SCRIPTS)
def test_path_ids_take_ascii_digits_only(client, token_for, exporter, script):
    product = make_product(exporter.organisation)
    auth = token_for(exporter)
    assert client.get(f"/api/v1/products/{product.id}", headers=auth).status_code == 200
    assert client.get(f"/api/v1/products/{in_script(product.id, script)}", headers=auth).status_code == 404
    token_id = db.session.scalar(sa.select(sa.func.max(ApiToken.id)))
    assert client.delete(f"/api/v1/auth/tokens/{in_script(token_id, script)}", headers=auth).status_code == 404
    assert client.get("/api/v1/auth/tokens", headers=auth).json["total"] == 1  # not revoked


def test_a_token_id_too_large_for_the_database_is_a_404(client, token_for, exporter):
    auth = token_for(exporter)
    for token_id in ("2147483648", "99999999999999999999", "0"):
        response = client.delete(f"/api/v1/auth/tokens/{token_id}", headers=auth)
        assert response.status_code == 404, response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["²", "٣", pytest.param("1" * 5000, id="5000-digits")])
def test_page_numbers_in_other_scripts_show_the_first_page(login_as, page):
    browser = login_as(Role.EXPORTER)
    make_shipment(browser.user.organisation)
    response = browser.get("/shipments", query_string={"page": page})
    assert response.status_code == 200


# -- error bodies: the extra keys a 409 or 412 carries are in the document's error schema -------------------------


def test_a_409_naming_the_current_status_conforms(client, token_for, openapi, exporter):
    delivered = make_shipment(exporter.organisation, status=ShipmentStatus.DELIVERED)
    auth = token_for(exporter)
    path = f"/api/v1/shipments/{delivered.id}"
    calls = [
        (
            "/api/v1/shipments/{id_or_reference}/transitions",
            "POST",
            client.post(f"{path}/transitions", json={"to": "draft"}, headers=auth),
        ),
        ("/api/v1/shipments/{id_or_reference}", "PATCH", client.patch(path, json={}, headers=auth)),
        (
            "/api/v1/shipments/{id_or_reference}/documents",
            "POST",
            client.post(
                f"{path}/documents",
                json={"type": "co_form_d", "number": "0", "issued_by": "0", "issued_on": "2024-03-15"},
                headers=auth,
            ),
        ),
    ]
    for operation, method, response in calls:
        assert response.status_code == 409 and response.json["current_status"] == "delivered", response.json
        assert conforms(openapi, operation, method, response)


def test_a_412_naming_the_current_version_conforms(client, token_for, openapi, exporter, shipment):
    auth = token_for(exporter)
    path = f"/api/v1/shipments/{shipment.id}"
    version = client.get(path, headers=auth).json["version"]
    stale = f'"{shipment.id}-{version + 5}"'
    response = client.patch(path, json={"incoterm": "CPT"}, headers=auth | {"If-Match": stale})
    assert response.status_code == 412 and "current_version" in response.json, response.json
    assert conforms(openapi, "/api/v1/shipments/{id_or_reference}", "PATCH", response)
