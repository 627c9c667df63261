"""Property-based run of the fleet endpoints of the OpenAPI document: no 500s, answers conform to their schemas."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from border_trade.auth.models import Role
from border_trade.fleet import services
from tests.factories import make_user


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex=r"^/api/v1/(vehicles|drivers)")


@pytest.fixture
def exporter_headers(token_for):
    exporter = make_user(Role.EXPORTER)
    services.create_vehicle(exporter, {"plate": "70H-123.45"})
    services.create_driver(exporter, {"name": "Nguyễn Văn Tài", "id_no": "072088001234"})
    return token_for(exporter)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_fleet_api_answers_without_server_errors(case, exporter_headers):
    case.call_and_validate(headers=exporter_headers, checks=[not_a_server_error, response_schema_conformance])
