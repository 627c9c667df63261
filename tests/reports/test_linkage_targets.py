"""Linkage groups and their report, targets with actual figures and progress: figures, scope and denials."""

from datetime import date

import pytest

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role
from border_trade.extensions import db
from tests.factories import get_province, make_user

from .conftest import local

AUG = "from=2025-08-01&to=2025-08-31"


@pytest.fixture
def viewer(db):
    return make_user(Role.VIEWER, province=get_province("TAY-NINH"))


@pytest.fixture
def an_giang(db):
    return make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))


def create_group(client, headers, provinces, name="Liên kết OCOP"):
    return client.post("/api/v1/linkage-groups", json={"name": name, "provinces": provinces}, headers=headers)


def test_officer_creates_edits_and_deletes_a_group_of_their_province(client, token_for, officer):
    headers = token_for(officer)
    made = create_group(client, headers, ["TAY-NINH", "LONG-AN", "TIEN-GIANG"])
    assert made.status_code == 201, made.json
    assert made.json["provinces"] == ["LONG-AN", "TAY-NINH", "TIEN-GIANG"]  # historic codes kept, by code
    path = f"/api/v1/linkage-groups/{made.json['id']}"
    renamed = client.patch(path, json={"name": "Tây Ninh – Tiền Giang"}, headers=headers)
    assert renamed.json == {**made.json, "name": "Tây Ninh – Tiền Giang"}  # only what was asked changes
    # a group of their own province: LONG-AN (merged into TAY-NINH) is theirs too
    assert client.patch(path, json={"provinces": ["LONG-AN", "DONG-THAP"]}, headers=headers).status_code == 200
    dropped = client.patch(path, json={"provinces": ["DONG-THAP"]}, headers=headers)
    assert dropped.status_code == 422 and "provinces" in dropped.json["errors"]
    assert [g["id"] for g in client.get("/api/v1/linkage-groups", headers=headers).json["items"]] == [made.json["id"]]
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("linkage_group.%")).count() == 3
    assert client.delete(path, headers=headers).status_code == 204
    assert client.get(path, headers=headers).status_code == 404


def test_group_errors_name_the_field(client, token_for, officer, admin):
    headers = token_for(officer)
    unknown = create_group(client, headers, ["TAY-NINH", "ATLANTIS"])
    assert unknown.status_code == 422 and "ATLANTIS" in unknown.json["errors"]["provinces"][0]
    foreign = create_group(client, headers, ["AN-GIANG", "DONG-THAP"])
    assert foreign.status_code == 422 and "provinces" in foreign.json["errors"]
    assert (
        "name"
        in client.post("/api/v1/linkage-groups", json={"provinces": ["TAY-NINH"]}, headers=headers).json["errors"]
    )
    # an admin's group need not include any particular province
    assert create_group(client, token_for(admin), ["AN-GIANG", "DONG-THAP"]).status_code == 201


def test_group_denials(client, token_for, officer, viewer, an_giang):
    group = create_group(client, token_for(officer), ["TAY-NINH", "TIEN-GIANG"]).json
    path = f"/api/v1/linkage-groups/{group['id']}"
    assert client.get(path, headers=token_for(viewer)).status_code == 200
    assert create_group(client, token_for(viewer), ["TAY-NINH"]).status_code == 403
    assert client.patch(path, json={"name": "x"}, headers=token_for(viewer)).status_code == 403
    assert client.get(path, headers=token_for(an_giang)).status_code == 404
    assert client.patch(path, json={"name": "x"}, headers=token_for(an_giang)).status_code == 404
    assert client.delete(path, headers=token_for(an_giang)).status_code == 404
    assert client.get("/api/v1/linkage-groups", headers=token_for(an_giang)).json["items"] == []
    assert client.get("/api/v1/linkage-groups", headers=token_for(make_user(Role.EXPORTER))).status_code == 403


def linkage(client, headers, group_id, period=AUG):
    return client.get(f"/api/v1/reports/linkage?group={group_id}&{period}", headers=headers)


def test_linkage_report_members_goods_at_members_gates(client, token_for, admin, officer, ocop_world):
    admin_headers = token_for(admin)
    south = create_group(client, admin_headers, ["LONG-AN", "DONG-THAP"]).json
    body = linkage(client, admin_headers, south["id"]).json
    assert body["rows"] == [
        {"origin_province": "DONG-THAP", "gate": "DINH-BA", "shipments": 1, "value_usd": "600.00", "products": 1},
        {"origin_province": "LONG-AN", "gate": "BINH-HIEP", "shipments": 1, "value_usd": "250.00", "products": 1},
    ]
    assert body["totals"] == {"shipments": 2, "value_usd": "850.00", "products": 2}
    # TAY-NINH brings the province merged into it (LONG-AN) and the gates on its territory
    tay_ninh = create_group(client, admin_headers, ["TAY-NINH"]).json
    rows = linkage(client, admin_headers, tay_ninh["id"]).json["rows"]
    assert [(r["origin_province"], r["gate"], r["value_usd"]) for r in rows] == [
        ("LONG-AN", "BINH-HIEP", "250.00"),
        ("TAY-NINH", "MOC-BAI", "3895.00"),
    ]
    # within the caller's scope: a Tây Ninh officer does not see Dinh Bà (Đồng Tháp)
    mine = create_group(client, token_for(officer), ["TAY-NINH", "DONG-THAP"]).json
    assert [r["gate"] for r in linkage(client, token_for(officer), mine["id"]).json["rows"]] == [
        "BINH-HIEP",
        "MOC-BAI",
    ]
    assert [r["gate"] for r in linkage(client, admin_headers, mine["id"]).json["rows"]] == [
        "DINH-BA",
        "BINH-HIEP",
        "MOC-BAI",
    ]
    assert linkage(client, token_for(officer), south["id"]).status_code == 200  # LONG-AN is theirs (merged)
    mekong = create_group(client, admin_headers, ["AN-GIANG", "DONG-THAP"]).json
    assert linkage(client, token_for(officer), mekong["id"]).status_code == 404  # not a group of theirs
    assert "group" in client.get(f"/api/v1/reports/linkage?{AUG}", headers=admin_headers).json["errors"]
    csv_text = client.get(
        f"/api/v1/reports/linkage.csv?group={south['id']}&{AUG}&lang=en", headers=admin_headers
    ).get_data(as_text=True)
    assert csv_text.splitlines()[-1] == "Total,,2,850.00,2"


def post_target(client, headers, **overrides):
    body = {"year": 2025, "province": "TAY-NINH", "metric": "export_value_usd", "target": "8830"} | overrides
    return client.post("/api/v1/targets", json=body, headers=headers)


def test_targets_actuals_and_progress(client, token_for, officer, ocop_world):
    """2025 at Tây Ninh's gates: exports 3,800 + 105 + 260 + 250 (July) = 4,415.00 USD; one import of 250.00;
    trucks: one plate on five distinct (gate, day); OCOP: melon and rice paper of three registered."""
    headers = token_for(officer)
    made = post_target(client, headers)
    assert made.status_code == 201, made.json
    assert made.json | {"id": 0} == {
        "id": 0,
        "year": 2025,
        "province": "TAY-NINH",
        "metric": "export_value_usd",
        "target": "8830.00",
        "actual": "4415.00",
        "progress": 0.5,
    }
    assert post_target(client, headers, metric="import_value_usd", target="100").json["progress"] == 1.0  # capped
    assert post_target(client, headers, metric="import_value_usd", target="100").status_code == 409
    trucks = post_target(client, headers, metric="trucks", target="10").json
    assert (trucks["actual"], trucks["progress"]) == ("5.00", 0.5)
    ocop = post_target(client, headers, metric="ocop_products_exported", target="4").json
    assert (ocop["actual"], ocop["progress"]) == ("2.00", 0.5)
    listed = client.get("/api/v1/targets?year=2025", headers=headers).json["items"]
    assert {t["metric"]: t["actual"] for t in listed} == {
        "export_value_usd": "4415.00",
        "import_value_usd": "250.00",
        "trucks": "5.00",
        "ocop_products_exported": "2.00",
    }
    path = f"/api/v1/targets/{made.json['id']}"
    patched = client.patch(path, json={"target": "4415"}, headers=headers).json
    assert (patched["target"], patched["progress"], patched["metric"]) == ("4415.00", 1.0, "export_value_usd")


def test_a_plate_crossing_at_a_gate_on_a_day_counts_once(client, token_for, officer, flat_rates, crossed, exporter_org):
    crossed(exporter_org, local(2025, 5, 2, 8), vehicle_plate="70H-555.55")
    crossed(exporter_org, local(2025, 5, 2, 15), vehicle_plate="70H-555.55")  # same plate, gate, day
    crossed(exporter_org, local(2025, 5, 2, 16), gate="XA-MAT", vehicle_plate="70H-555.55")  # another gate
    crossed(exporter_org, local(2025, 5, 3, 8), vehicle_plate="70H-555.55")  # another day
    crossed(exporter_org, local(2025, 5, 3, 9), vehicle_plate="70H-666.66")  # another plate
    made = post_target(client, token_for(officer), metric="trucks", target="8").json
    assert made["actual"] == "4.00"


def test_target_errors_and_denials(client, token_for, officer, viewer, an_giang, admin):
    headers = token_for(officer)
    assert post_target(client, headers, province="AN-GIANG").status_code == 403
    merged = post_target(client, headers, province="LONG-AN")
    assert merged.status_code == 422 and "province" in merged.json["errors"]
    assert "province" in post_target(client, headers, province="ATLANTIS").json["errors"]
    assert "metric" in post_target(client, headers, metric="happiness").json["errors"]
    assert "target" in post_target(client, headers, target="0").json["errors"]
    assert "year" in post_target(client, headers, year=1900).json["errors"]
    assert post_target(client, token_for(viewer)).status_code == 403
    assert post_target(client, token_for(make_user(Role.EXPORTER))).status_code == 403
    made = post_target(client, headers, year=date.today().year).json
    path = f"/api/v1/targets/{made['id']}"
    assert client.get(path, headers=token_for(viewer)).status_code == 200
    assert client.patch(path, json={"target": "1"}, headers=token_for(viewer)).status_code == 403
    assert client.get(path, headers=token_for(an_giang)).status_code == 404
    assert client.patch(path, json={"target": "1"}, headers=token_for(an_giang)).status_code == 404
    assert client.get("/api/v1/targets", headers=token_for(an_giang)).json["items"] == []
    assert post_target(client, token_for(admin), province="AN-GIANG").status_code == 201
    assert client.delete(path, headers=headers).status_code == 204


def test_demo_seeds_tay_ninhs_targets_for_this_year(app):
    from border_trade.province.models import Target
    from border_trade.province.seed import DEMO_TARGETS, seed_demo_targets

    assert seed_demo_targets(2026) == len(DEMO_TARGETS)
    db.session.commit()
    assert seed_demo_targets(2026) == 0  # idempotent
    assert {t.metric.value for t in db.session.query(Target).filter_by(year=2026)} == set(DEMO_TARGETS)
