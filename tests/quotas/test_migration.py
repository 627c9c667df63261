"""The quota migration: `flask db upgrade` builds the quota tables, their CHECK constraints and shipments.under_quota
exactly as the models say (judged on those only), the constraints hold in the database, and the downgrade removes
them."""

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
TABLES = {"tariff_quotas", "tariff_quota_claims"}
REVISION, DOWN_REVISION = "5e1a9c3d7b20", "68d907973a2c"
CHECKS = {
    "ck_tariff_quotas_quantity",
    "ck_tariff_quotas_reserved",
    "ck_tariff_quotas_used",
    "ck_tariff_quotas_remaining",
    "ck_tariff_quotas_period",
}


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
    return "under_quota" in text or any(f"'{table}'" in text or f"<{table}>" in text for table in TABLES)


def _check(url, tmp_path):
    upgrade = _flask(["db", "upgrade", REVISION], url, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert set(inspector.get_table_names()) >= TABLES
            assert "under_quota" in {c["name"] for c in inspector.get_columns("shipments")}
            assert {c["name"] for c in inspector.get_check_constraints("tariff_quotas")} >= CHECKS
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert [d for d in compare_metadata(context, db.metadata) if _mine(d)] == []
        with engine.begin() as connection:
            insert = sa.text(
                "INSERT INTO tariff_quotas (code, name_vi, hs_prefixes, unit, period_from, period_to, quantity,"
                " reserved, used, gates, source, unverified, unverified_fields, updated_at)"
                " VALUES (:code, 'x', '[]', 'TNE', '2026-01-01', '2026-12-31', :quantity, :reserved, 0, '[]', 's',"
                " false, '[]', '2026-01-01 00:00:00')"
            )
            connection.execute(insert, {"code": "OK", "quantity": 100, "reserved": 100})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(insert, {"code": "OVER", "quantity": 100, "reserved": 101})
        downgrade = _flask(["db", "downgrade", DOWN_REVISION], url, tmp_path)
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert not TABLES & set(inspector.get_table_names())
            assert "under_quota" not in {c["name"] for c in inspector.get_columns("shipments")}
    finally:
        engine.dispose()


def test_quota_migration_matches_the_models_on_sqlite(app, tmp_path):
    _check(f"sqlite:///{tmp_path / 'quotas.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_quota_migration_matches_the_models_on_postgresql(app, tmp_path):
    with fresh_postgres_database("quota_migration") as url:
        _check(url, tmp_path)
