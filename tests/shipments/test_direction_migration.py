"""The direction migration: shipments recorded before it become exports with the same gate and meaning."""

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
MIGRATION = next((ROOT / "migrations" / "versions").glob("d1e5c7a0b016_*.py"))
FLASK = [sys.executable, "-m", "flask", "--app", "border_trade"]


def _revisions():
    spec = importlib.util.spec_from_file_location("direction_migration", MIGRATION)
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


def _old_rows(connection):
    """Two shipments as the one-direction schema stored them: a commercial export and a border-resident one."""
    now = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    connection.execute(sa.text("INSERT INTO countries (code, name_vi, name_en) VALUES ('VN', 'Việt Nam', 'Viet Nam')"))
    connection.execute(
        sa.text(
            "INSERT INTO provinces (id, code, country_code, name_vi, name_en)"
            " VALUES (1, 'TAY-NINH', 'VN', 'Tây Ninh', 'Tay Ninh')"
        )
    )
    for gate_id, code in ((1, "MOC-BAI"), (2, "XA-MAT")):
        connection.execute(
            sa.text(
                "INSERT INTO gates (id, code, name_vi, name_en, type, country_code, province_id, road_transport_pair,"
                " status, accepts_goods, stuck_after_minutes)"
                " VALUES (:id, :code, :code, :code, 'international', 'VN', 1, true, 'open', true, 240)"
            ),
            {"id": gate_id, "code": code},
        )
    connection.execute(
        sa.text(
            "INSERT INTO organisations (id, name, kind, country_code, created_at)"
            " VALUES (1, 'Công ty Nông sản', 'exporter', 'VN', :now)"
        ),
        {"now": now},
    )
    for shipment_id, regime, gate_id, residents in ((1, "export", 2, None), (2, "border_resident", 1, 3)):
        connection.execute(
            sa.text(
                "INSERT INTO shipments (id, reference, organisation_id, status, regime, exit_gate_id,"
                " planned_crossing_on, incoterm, currency, preferential_tariff, transhipment, residents,"
                " consignee_name, consignee_address, consignee_country, net_weight_kg, gross_weight_kg, value,"
                " created_at, updated_at, version)"
                " VALUES (:id, :ref, 1, 'submitted', :regime, :gate, :on, 'DAP', 'USD', false, false, :residents,"
                " 'ក្រុមហ៊ុន អង្គរ', 'Bavet', 'KH', 1000, 1100, 950, :now, :now, 3)"
            ),
            {
                "id": shipment_id,
                "ref": f"BT-2026-00000{shipment_id}",
                "regime": regime,
                "gate": gate_id,
                "on": date(2026, 3, 2),
                "residents": residents,
                "now": now,
            },
        )


def _rows(connection, gate_column):
    return connection.execute(
        sa.select(
            sa.column("id"),
            sa.column("regime"),
            sa.column(gate_column),
            sa.column("consignee_name"),
            sa.column("residents"),
            sa.column("version"),
        )
        .select_from(sa.table("shipments"))
        .order_by(sa.column("id"))
    ).all()


def _check(url, tmp_path):
    revision, previous = _revisions()
    _flask(["db", "upgrade", previous], url, tmp_path)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            _old_rows(connection)
            before = _rows(connection, "exit_gate_id")
        _flask(["db", "upgrade", revision], url, tmp_path)
        with engine.connect() as connection:
            after = _rows(connection, "gate_id")
            extra = connection.execute(
                sa.text("SELECT direction, consignor_name, consignor_country FROM shipments ORDER BY id")
            ).all()
        assert [r.regime for r in after] == ["commercial", "border_resident"]
        # everything else keeps its value: same gate, same party abroad, same residents, same version
        assert [tuple(r)[2:] for r in after] == [tuple(r)[2:] for r in before]
        assert [tuple(r) for r in extra] == [("export", None, None), ("export", None, None)]

        _flask(["db", "downgrade", previous], url, tmp_path)
        with engine.connect() as connection:
            assert [tuple(r) for r in _rows(connection, "exit_gate_id")] == [tuple(r) for r in before]
    finally:
        engine.dispose()


def test_existing_shipments_become_commercial_exports_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'direction.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_existing_shipments_become_commercial_exports_on_postgresql(tmp_path):
    with fresh_postgres_database("direction_migration") as url:
        _check(url, tmp_path)
