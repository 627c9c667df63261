"""Property-based run of the OpenAPI document against the app: no 500s, no response breaking its own schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from border_trade.auth.models import Role
from tests.factories import make_product, make_shipment, make_user


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def exporter_headers(token_for):
    exporter = make_user(Role.EXPORTER)
    make_product(exporter.organisation, ocop_certificate_no="1")
    make_shipment(exporter.organisation)
    return token_for(exporter)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_without_server_errors(case, exporter_headers):
    case.call_and_validate(headers=exporter_headers, checks=[not_a_server_error, response_schema_conformance])
