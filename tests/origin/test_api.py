"""PUT/GET /api/v1/shipments/{id}/origin-proof and /e-invoice: status moves, the denials, the retroactive limit of a
Form D, form S only under a quota, the e-invoice's fields."""

from datetime import UTC, datetime

import pytest

from border_trade.audit.models import AuditEntry
from border_trade.extensions import db as _db
from border_trade.origin.models import OriginProof
from border_trade.shipments.models import ShipmentStatus
from tests.factories import make_shipment
from tests.origin.conftest import proof_body


def url(shipment, tail="origin-proof"):
    return f"/api/v1/shipments/{shipment.id}/{tail}"


def put(client, headers, shipment, body, tail="origin-proof"):
    return client.put(url(shipment, tail), json=body, headers=headers)


def test_the_proof_moves_issued_presented_utilised(client, db, headers, shipment):
    first = put(client, headers["exporter"], shipment, proof_body())
    assert first.status_code == 201 and first.json["status"] == "issued"
    assert first.json["reference"] == "VN-KH 26/01/00123" and first.json["shipment"] == shipment.reference
    presented = put(client, headers["exporter"], shipment, proof_body(status="presented"))
    assert presented.status_code == 200 and presented.json["status"] == "presented"
    utilised = put(client, headers["exporter"], shipment, proof_body(status="utilised"))
    assert utilised.status_code == 200
    got = client.get(url(shipment), headers=headers["viewer"])
    assert got.status_code == 200 and got.json["status"] == "utilised"
    assert db.session.query(AuditEntry).filter_by(action="origin.proof").count() == 3


def test_an_invalid_move_is_a_409_naming_the_allowed_ones(client, headers, shipment):
    assert put(client, headers["exporter"], shipment, proof_body(status="presented")).status_code == 409
    put(client, headers["exporter"], shipment, proof_body())
    refused = put(client, headers["exporter"], shipment, proof_body(status="utilised"))
    assert refused.status_code == 409
    assert refused.json["allowed"] == ["issued", "presented", "cancelled"]
    assert "presented" in refused.json["message"] and "cancelled" in refused.json["message"]
    assert put(client, headers["exporter"], shipment, proof_body(status="cancelled")).status_code == 200
    again = put(client, headers["exporter"], shipment, proof_body(status="presented"))
    assert again.status_code == 409 and again.json["allowed"] == ["cancelled"]


def test_a_rejection_needs_its_reason(client, headers, shipment):
    put(client, headers["exporter"], shipment, proof_body())
    put(client, headers["exporter"], shipment, proof_body(status="presented"))
    bare = put(client, headers["exporter"], shipment, proof_body(status="rejected", reason="  "))
    assert bare.status_code == 422 and list(bare.json["errors"]) == ["reason"]
    given = put(client, headers["exporter"], shipment, proof_body(status="rejected", reason="Box 8 criterion wrong"))
    assert given.status_code == 200 and given.json["reason"] == "Box 8 criterion wrong"


def test_a_form_d_is_issued_retroactively_no_later_than_one_year_after_shipment(client, db, headers, shipment):
    shipment.status = ShipmentStatus.CROSSED
    shipment.crossed_at = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)  # 10 January in Viet Nam
    db.session.commit()
    late = put(client, headers["exporter"], shipment, proof_body(kind="form_d", issued_on="2027-01-11"))
    assert late.status_code == 422 and list(late.json["errors"]) == ["issued_on"]
    assert "2027-01-10" in late.json["errors"]["issued_on"][0]
    on_time = put(client, headers["exporter"], shipment, proof_body(kind="form_d", issued_on="2027-01-10"))
    assert on_time.status_code == 201 and on_time.json["issued_on"] == "2027-01-10"


def test_a_form_s_only_for_a_shipment_under_a_quota(client, db, headers, shipment):
    refused = put(client, headers["exporter"], shipment, proof_body(kind="form_s"))
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["kind"]
    assert db.session.get(OriginProof, shipment.id) is None
    shipment.under_quota = "KH-RICE-2026"
    db.session.commit()
    assert put(client, headers["exporter"], shipment, proof_body(kind="form_s")).status_code == 201


def test_the_denials(client, db, headers, exporter, shipment):
    draft = make_shipment(exporter.organisation)
    early = put(client, headers["exporter"], draft, proof_body())
    assert early.status_code == 409
    assert put(client, headers["exporter"], draft, {"form": "1", "series": "K26TAB", "number": "1",
               "issued_on": "2026-12-01"}, "e-invoice").status_code == 409  # fmt: skip
    assert put(client, headers["exporter2"], shipment, proof_body()).status_code == 404
    for role in ("officer", "province", "viewer", "admin"):
        assert put(client, headers[role], shipment, proof_body()).status_code == 403, role
    assert client.put(url(shipment), json=proof_body()).status_code == 401
    assert client.get(url(shipment), headers=headers["exporter"]).status_code == 404  # none recorded yet
    assert client.get(url(shipment), headers=headers["exporter2"]).status_code == 404
    unknown = put(client, headers["exporter"], shipment, proof_body(kind="form_x"))
    assert unknown.status_code == 422 and "kind" in unknown.json["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("form", "0"),
        ("form", "12"),
        ("series", "K26"),
        ("series", "Z26TAB"),
        ("number", "123456789"),
        ("number", "12a"),
    ],
)
def test_the_einvoice_fields_are_checked(client, headers, shipment, field, value):
    body = {"form": "7", "series": "K26XAB", "number": "123", "issued_on": "2026-12-01"} | {field: value}
    refused = put(client, headers["exporter"], shipment, body, "e-invoice")
    assert refused.status_code == 422 and list(refused.json["errors"]) == [field]


def test_the_trader_records_the_einvoice(client, db, headers, shipment):
    body = {"form": "7", "series": "k26xab", "number": "123", "issued_on": "2026-12-01"}
    first = put(client, headers["exporter"], shipment, body, "e-invoice")
    assert first.status_code == 201 and first.json["series"] == "K26XAB" and first.json["due_on"] is None
    again = put(client, headers["exporter"], shipment, body | {"number": "124"}, "e-invoice")
    assert again.status_code == 200 and again.json["number"] == "124"
    assert client.get(url(shipment, "e-invoice"), headers=headers["officer"]).json["number"] == "124"
    assert put(client, headers["officer"], shipment, body, "e-invoice").status_code == 403
    assert put(client, headers["exporter2"], shipment, body, "e-invoice").status_code == 404
    _db.session.rollback()


def test_the_certified_exporter_code(client, db, headers, exporter):
    path = f"/api/v1/organisations/{exporter.organisation_id}/certified-exporter"
    saved = client.put(path, json={"certified_exporter_code": " VN-CE-0042 "}, headers=headers["exporter"])
    assert saved.status_code == 200 and saved.json["certified_exporter_code"] == "VN-CE-0042"
    assert exporter.organisation.certified_exporter_code == "VN-CE-0042"
    assert client.put(path, json={"certified_exporter_code": "X"}, headers=headers["exporter2"]).status_code == 404
    assert client.put(path, json={"certified_exporter_code": "X"}, headers=headers["viewer"]).status_code == 403
    long = client.put(path, json={"certified_exporter_code": "X" * 41}, headers=headers["admin"])
    assert long.status_code == 422 and "certified_exporter_code" in long.json["errors"]
    cleared = client.put(path, json={"certified_exporter_code": None}, headers=headers["admin"])
    assert cleared.status_code == 200 and cleared.json["certified_exporter_code"] is None


def test_no_einvoice_for_an_import(client, headers, exporter):
    from tests.factories import make_import

    inbound = make_import(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    body = {"form": "1", "series": "K26TAB", "number": "1", "issued_on": "2026-12-01"}
    refused = put(client, headers["exporter"], inbound, body, "e-invoice")
    assert refused.status_code == 409 and list(refused.json["errors"]) == ["direction"]
    assert put(client, headers["exporter"], inbound, proof_body()).status_code == 201  # its origin proof is followed
