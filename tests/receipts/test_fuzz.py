"""Property-based run of the receipt endpoints of the OpenAPI document: no 500s, answers conform to their schemas.
The public confirmation gets a live token (a fresh crossed export and link per example), so bodies reach validation."""

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from border_trade.receipts.links import create_link, token_of
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.factories import make_shipment
from tests.receipts.conftest import TWO_LINES


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex=r"receipt")


@pytest.fixture
def unlimited(app):
    saved = app.config["RECEIPT_RATE_LIMIT"]
    app.config["RECEIPT_RATE_LIMIT"] = "100000 per minute"
    yield
    app.config["RECEIPT_RATE_LIMIT"] = saved


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_receipt_api_answers_without_server_errors(case, trader, token_for, unlimited):
    shipment = make_shipment(
        trader.organisation, items=TWO_LINES, status=ShipmentStatus.CROSSED, crossed_at=utcnow() - timedelta(hours=1)
    )
    if "token" in (case.path_parameters or {}):
        case.path_parameters["token"] = token_of(create_link(trader, shipment.id))
    else:
        case.path_parameters["id_or_reference"] = str(shipment.id)
    case.call_and_validate(headers=token_for(trader), checks=[not_a_server_error, response_schema_conformance])
