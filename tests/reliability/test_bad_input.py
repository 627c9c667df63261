"""Bad input never gets a 5xx: schemathesis over the whole OpenAPI document as an admin and as an exporter
(slow, reliability suite), and quick checks of malformed JSON, NUL characters, lying uploads and oversized bodies
on every operation that takes them (default run as well)."""

import io
import os
import re
from collections import Counter
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from border_trade.auth.models import Role
from border_trade.shipments.models import ShipmentStatus
from tests.factories import make_product, make_shipment, make_user
from tests.reliability.harness import record_measurements

EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "100"))
TRIED = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_inputs():
    yield
    if TRIED:
        by_kind = Counter()
        for (kind, _what), count in TRIED.items():
            by_kind[kind] += count
        record_measurements(
            "bad_input",
            {
                "examples_per_operation": EXAMPLES,
                "inputs": dict(sorted(by_kind.items())),
                "operations": len({what for (kind, what) in TRIED if kind.startswith("schemathesis")}),
                "total": sum(by_kind.values()),
            },
        )


@pytest.fixture
def whole_api(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("whole_api")


def _caller(token_for, role):
    exporter = make_user(Role.EXPORTER)
    make_product(exporter.organisation, ocop_certificate_no="OCOP-1")
    make_shipment(exporter.organisation)
    make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    return token_for(exporter if role == "exporter" else make_user(Role.ADMIN))


@pytest.fixture
def admin_headers(token_for):
    return _caller(token_for, "admin")


@pytest.fixture
def exporter_headers(token_for):
    return _caller(token_for, "exporter")


def _call(case, role, headers):
    TRIED[(f"schemathesis ({role})", f"{case.operation.method.upper()} {case.operation.path}")] += 1
    case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])


@pytest.mark.slow
@pytest.mark.reliability
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_whole_api_as_admin_answers_without_server_errors_or_schema_violations(case, admin_headers):
    _call(case, "admin", admin_headers)


@pytest.mark.slow
@pytest.mark.reliability
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_whole_api_as_exporter_answers_without_server_errors_or_schema_violations(case, exporter_headers):
    _call(case, "exporter", exporter_headers)


# -- quick checks over every operation that takes a body ------------------------------------------------------


def _operations(client, *, with_body):
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            if with_body and "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue
            yield method.upper(), path, operation


def _concrete(path, value="1"):
    return re.sub(r"\{[^}]+\}", value, path)


MALFORMED = {
    "truncated": b'{"shipment": ',
    "not an object": b"[1, 2, 3]",
    "bare string": b'"hello"',
    "invalid UTF-8": b'{"name": "\xff\xfe\xfd"}',
    "UTF-16": '{"name": "x"}'.encode("utf-16"),
    "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects 50000 deep": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "5000-digit integer": b'{"quantity": ' + b"9" * 5000 + b"}",
    "NaN and Infinity": b'{"quantity": NaN, "unit_price": Infinity}',
    "NUL in strings": b'{"exit_gate": "MOC\\u0000BAI", "name": "a\\u0000b", "shipment": "BT\\u0000"}',
    "lone surrogates": b'{"exit_gate": "\\ud800", "name": "\\udfff", "shipment": "\\ud83d"}',
    "empty body": b"",
}


@pytest.fixture
def officer_and_exporter(token_for):
    exporter = make_user(Role.EXPORTER)
    make_product(exporter.organisation)
    shipment = make_shipment(exporter.organisation)
    officer = make_user(Role.GATE_OFFICER)
    return shipment, {"exporter": token_for(exporter), "officer": token_for(officer), "admin": token_for(make_user())}


def _caller_for(path, tokens):
    if "/crossings" in path:
        return tokens["officer"]
    return tokens["admin"] if path.startswith(("/api/v1/webhooks", "/api/v1/audit")) else tokens["exporter"]


def test_malformed_json_gets_a_clear_4xx_on_every_operation(client, officer_and_exporter):
    shipment, tokens = officer_and_exporter
    problems = []
    operations = list(_operations(client, with_body=True))
    assert len(operations) >= 8
    for method, path, _operation in operations:
        url = _concrete(path, str(shipment.id)).replace("/gates/1/", "/gates/MOC-BAI/")
        for name, body in MALFORMED.items():
            headers = {**_caller_for(path, tokens), "Content-Type": "application/json", "Idempotency-Key": name[:20]}
            response = client.open(url, method=method, data=body, headers=headers)
            TRIED[("malformed JSON", f"{method} {path} {name}")] += 1
            if name == "empty body" and method == "PATCH" and response.status_code == 200:
                continue  # an empty PATCH changes nothing: a fair answer
            if not (400 <= response.status_code < 500 and response.is_json and response.json.get("code")):
                problems.append((method, path, name, response.status_code, response.get_data(as_text=True)[:120]))
    assert not problems, problems


def test_nul_characters_in_paths_and_queries_get_a_4xx(client, officer_and_exporter):
    _shipment, tokens = officer_and_exporter
    problems = []
    for method, path, operation in _operations(client, with_body=False):
        if method != "GET":
            continue
        headers = _caller_for(path, tokens)
        queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        urls = [_concrete(path, "BT%00X")] if "{" in path else []
        urls += [f"{_concrete(path, '1')}?{name}=a%00b" for name in queries if name not in ("limit",)]
        for url in urls:
            response = client.get(url, headers=headers)
            TRIED[("NUL in path or query", url)] += 1
            if response.status_code >= 500:
                problems.append((url, response.status_code))
    for form in ({"email": "a\x00@example.test", "password": "x"}, {"email": "a@example.test", "password": "\x00"}):
        response = client.post("/api/v1/auth/token", json=form)
        TRIED[("NUL in path or query", "token " + repr(form))] += 1
        if response.status_code >= 500:
            problems.append(("POST /api/v1/auth/token", response.status_code))
    assert not problems, problems


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
LIES = {
    "Windows program called scan.pdf": (b"MZ\x90\x00\x03" + b"\x00" * 200, "scan.pdf", "application/pdf", None),
    "HTML called scan.pdf": (b"<html><script>alert(1)</script></html>", "scan.pdf", "application/pdf", None),
    "ZIP called scan.jpg": (b"PK\x03\x04" + b"\x00" * 100, "scan.jpg", "image/jpeg", None),
    "SVG called scan.png": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "scan.png", "image/png", None),
    "empty file": (b"", "scan.pdf", "application/pdf", "skip"),
    "PDF header after junk": (b" " + PDF, "scan.pdf", "application/pdf", None),
    "PNG called scan.pdf": (PNG, "scan.pdf", "application/pdf", "image/png"),
    "JPEG sent as text/plain": (JPEG, "scan.txt", "text/plain", "image/jpeg"),
    "PDF called scan.exe": (PDF, "scan.exe", "application/octet-stream", "application/pdf"),
}


def _paper(**overrides):
    return {
        "type": "phytosanitary_certificate",
        "number": "KDTV-0001",
        "issued_by": "Chi cục KDTV vùng II",
        "issued_on": date.today().isoformat(),
        "expires_on": (date.today() + timedelta(days=14)).isoformat(),
        **overrides,
    }


@pytest.mark.parametrize("lie", list(LIES))
def test_uploads_are_judged_by_their_content_not_their_name_or_type(client, officer_and_exporter, lie):
    shipment, tokens = officer_and_exporter
    content, name, claimed, stored_as = LIES[lie]
    data = _paper() | {"file": (io.BytesIO(content), name, claimed)}
    url = f"/api/v1/shipments/{shipment.id}/documents"
    response = client.post(url, data=data, headers=tokens["exporter"], content_type="multipart/form-data")
    TRIED[("lying uploads", lie)] += 1
    if stored_as == "skip":  # no file content: registered without a scan, or refused; never a 5xx
        assert response.status_code < 500 and response.is_json
    elif stored_as is None:
        assert response.status_code == 422, response.json
        assert "file" in response.json["errors"]
    else:
        assert response.status_code == 201, response.json
        assert response.json["file_mime"] == stored_as


def test_oversized_bodies_get_413_json_and_large_scans_a_422(app, client, officer_and_exporter):
    shipment, tokens = officer_and_exporter
    limit = app.config["MAX_CONTENT_LENGTH"]
    url = f"/api/v1/shipments/{shipment.id}/documents"
    oversized = [
        ("POST", "/api/v1/shipments", b'{"x": "' + b"a" * (limit + 1) + b'"}', "application/json"),
        ("PATCH", f"/api/v1/shipments/{shipment.id}", b'{"x": "' + b"a" * (limit + 1) + b'"}', "application/json"),
        ("POST", "/api/v1/auth/token", b'{"email": "' + b"a" * (limit + 1) + b'"}', "application/json"),
    ]
    for method, path, body, content_type in oversized:
        headers = {**tokens["exporter"], "Content-Type": content_type}
        response = client.open(path, method=method, data=body, headers=headers)
        TRIED[("oversized bodies", f"{method} {path}")] += 1
        assert response.status_code == 413, (path, response.status_code)
        assert response.is_json and response.json["code"] == 413
    upload = _paper() | {"file": (io.BytesIO(PDF + b"0" * (limit + 1)), "big.pdf")}
    response = client.post(url, data=upload, headers=tokens["exporter"], content_type="multipart/form-data")
    TRIED[("oversized bodies", "multipart above the limit")] += 1
    assert response.status_code == 413 and response.json["code"] == 413
    scan = _paper() | {"file": (io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "eleven-megabytes.pdf")}
    response = client.post(url, data=scan, headers=tokens["exporter"], content_type="multipart/form-data")
    TRIED[("oversized bodies", "scan above 10 MB")] += 1
    assert response.status_code == 422 and "file" in response.json["errors"]
