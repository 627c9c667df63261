"""The fleet migration: from an empty database `flask db upgrade` builds vehicles and drivers exactly as the models
say (alembic's `flask db check` comparison, judged on the fleet's tables), and its downgrade removes them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from border_trade.extensions import db
from tests.pg import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "border_trade"]
TABLES = {"vehicles", "drivers"}
REVISION, DOWN_REVISION = "b7f1e3a0c417", "ff220d335f99"


def _flask(args, url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "migration-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
    }
    return subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _mentions_fleet(diff):
    if isinstance(diff, list):
        return any(_mentions_fleet(d) for d in diff)
    text = repr(diff)
    return any(f"'{table}'" in text or f"table={table}" in text or f"<{table}>" in text for table in TABLES)


def _check(url, tmp_path):
    upgrade = _flask(["db", "upgrade", REVISION], url, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) >= TABLES
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, db.metadata) if _mentions_fleet(d)]
            assert diffs == []
            uniques = {u["name"] for u in sa.inspect(connection).get_unique_constraints("vehicles")}
            assert "uq_vehicles_organisation_plate" in uniques
        downgrade = _flask(["db", "downgrade", DOWN_REVISION], url, tmp_path)
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            assert not TABLES & set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_fleet_migration_matches_the_models_on_sqlite(app, tmp_path):
    _check(f"sqlite:///{tmp_path / 'fleet.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_fleet_migration_matches_the_models_on_postgresql(app, tmp_path):
    with fresh_postgres_database("fleet_migration") as url:
        _check(url, tmp_path)
