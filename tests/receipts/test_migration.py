"""The receipts migration: `flask db upgrade` builds the receipt tables and shipment_events.details exactly as the
models say (judged on those only), and the downgrade removes them; SQLite and PostgreSQL."""

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
TABLES = {"receipt_links", "receipts", "receipt_lines", "receipt_photos"}
REVISION, DOWN_REVISION = "4b8e2f6a9d31", "9c4d2e7a1b18"


def _flask(args, url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "migration-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
    }
    return subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _mine(diff):
    if isinstance(diff, list):
        return any(_mine(d) for d in diff)
    text = repr(diff)
    return "'details'" in text or any(f"'{table}'" in text or f"<{table}>" in text for table in TABLES)


def _check(url, tmp_path):
    upgrade = _flask(["db", "upgrade", REVISION], url, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert set(inspector.get_table_names()) >= TABLES
            assert "details" in {c["name"] for c in inspector.get_columns("shipment_events")}
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert [d for d in compare_metadata(context, db.metadata) if _mine(d)] == []
        downgrade = _flask(["db", "downgrade", DOWN_REVISION], url, tmp_path)
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert not TABLES & set(inspector.get_table_names())
            assert "details" not in {c["name"] for c in inspector.get_columns("shipment_events")}
    finally:
        engine.dispose()


def test_receipts_migration_matches_the_models_on_sqlite(app, tmp_path):
    _check(f"sqlite:///{tmp_path / 'receipts.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_receipts_migration_matches_the_models_on_postgresql(app, tmp_path):
    with fresh_postgres_database("receipts_migration") as url:
        _check(url, tmp_path)
