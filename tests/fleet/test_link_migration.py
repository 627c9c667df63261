"""The link migration: shipments recorded before it get their organisation's register vehicle by canonical plate
(another spelling, Khmer digits, is the same vehicle; a new plate is added), and their driver by id number."""

import importlib.util
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.pg import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = next((ROOT / "migrations" / "versions").glob("3f6a2b9c8d41_*.py"))
FLASK = [sys.executable, "-m", "flask", "--app", "border_trade"]
NOW = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def _revisions():
    spec = importlib.util.spec_from_file_location("link_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.revision, module.down_revision


def _flask(args, url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "migration-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
    }
    result = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _insert(connection, sql, **params):
    connection.execute(sa.text(sql), params)


# (shipment id, organisation, plate as typed, driver's name, driver's id number)
SHIPMENTS = (
    (1, 1, "70H-123.45", "Nguyễn Văn Tâm", "072012345678"),
    (2, 1, "៧០H ១២៣៤៥", "Nguyen Van Tam", "072012345678"),  # the same truck and driver, spelt otherwise
    (3, 1, "51c33333", "Trần Thị Mai", None),
    (4, 1, "not a plate", None, None),
    (5, 1, None, None, None),
    (6, 2, "70H 12345", "Lê Văn Ba", None),  # another organisation: its own register
)


def _old_rows(connection):
    _insert(connection, "INSERT INTO countries (code, name_vi, name_en) VALUES ('VN', 'Việt Nam', 'Viet Nam')")
    _insert(
        connection,
        "INSERT INTO provinces (id, code, country_code, name_vi, name_en) VALUES (1, 'TN', 'VN', 'Tây Ninh', 'TN')",
    )
    _insert(
        connection,
        "INSERT INTO gates (id, code, name_vi, name_en, type, country_code, province_id, road_transport_pair,"
        " status, accepts_goods, stuck_after_minutes)"
        " VALUES (1, 'XA-MAT', 'Xa Mát', 'Xa Mat', 'international', 'VN', 1, true, 'open', true, 240)",
    )
    for org in (1, 2):
        _insert(
            connection,
            "INSERT INTO organisations (id, name, kind, country_code, created_at)"
            " VALUES (:id, :name, 'exporter', 'VN', :now)",
            id=org,
            name=f"Exporter {org}",
            now=NOW,
        )
    _insert(
        connection,
        "INSERT INTO vehicles (id, organisation_id, plate, country, kind, created_at, updated_at, version)"
        " VALUES (7, 1, '70H-123.45', 'VN', 'reefer', :now, :now, 4)",
        now=NOW,
    )
    for shipment_id, org, plate, driver, id_no in SHIPMENTS:
        _insert(
            connection,
            "INSERT INTO shipments (id, reference, organisation_id, status, direction, regime, gate_id,"
            " planned_crossing_on, incoterm, currency, preferential_tariff, transhipment, consignee_name,"
            " consignee_country, vehicle_plate, driver_name, driver_id_no, net_weight_kg, gross_weight_kg, value,"
            " created_at, updated_at, version)"
            " VALUES (:id, :ref, :org, 'crossed', 'export', 'commercial', 1, :on, 'DAP', 'USD', false, false,"
            " 'Angkor', 'KH', :plate, :driver, :id_no, 1000, 1100, 950, :now, :now, 3)",
            id=shipment_id,
            ref=f"BT-2026-00000{shipment_id}",
            org=org,
            on=date(2026, 3, 2),
            plate=plate,
            driver=driver,
            id_no=id_no,
            now=NOW,
        )


def _check(url, tmp_path):
    revision, previous = _revisions()
    _flask(["db", "upgrade", previous], url, tmp_path)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            _old_rows(connection)
        _flask(["db", "upgrade", revision], url, tmp_path)
        with engine.connect() as connection:
            rows = {
                r.id: r
                for r in connection.execute(
                    sa.text("SELECT id, vehicle_id, driver_id, vehicle_plate, driver_name, version FROM shipments")
                )
            }
            vehicles = {
                r.id: (r.organisation_id, r.plate, r.country, r.kind)
                for r in connection.execute(sa.text("SELECT * FROM vehicles"))
            }
            drivers = {
                r.id: (r.organisation_id, r.name, r.id_no) for r in connection.execute(sa.text("SELECT * FROM drivers"))
            }
        # the Khmer-digit spelling is the registered reefer; its plate is written canonically, the driver's name kept
        assert rows[1].vehicle_id == rows[2].vehicle_id == 7 and vehicles[7] == (1, "70H-123.45", "VN", "reefer")
        assert rows[2].vehicle_plate == "70H-123.45" and rows[2].driver_name == "Nguyen Van Tam"
        assert rows[1].driver_id == rows[2].driver_id and drivers[rows[1].driver_id] == (
            1,
            "Nguyễn Văn Tâm",
            "072012345678",
        )
        # a new plate is added to the organisation's register; a driver without id number by name
        assert vehicles[rows[3].vehicle_id] == (1, "51C-333.33", "VN", "rigid")
        assert drivers[rows[3].driver_id] == (1, "Trần Thị Mai", None)
        # free text that is no plate, and no truck at all, stay as they were
        assert (rows[4].vehicle_id, rows[4].vehicle_plate, rows[5].vehicle_id) == (None, "not a plate", None)
        # the other organisation's same plate is its own vehicle
        assert rows[6].vehicle_id not in (None, 7) and vehicles[rows[6].vehicle_id][:2] == (2, "70H-123.45")
        assert {r.version for r in rows.values()} == {3}
        _flask(["db", "downgrade", previous], url, tmp_path)
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("shipments")}
        assert not {"vehicle_id", "driver_id"} & columns
    finally:
        engine.dispose()


def test_existing_shipments_are_linked_to_the_register_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'link.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_existing_shipments_are_linked_to_the_register_on_postgresql(tmp_path):
    with fresh_postgres_database("link_migration") as url:
        _check(url, tmp_path)
