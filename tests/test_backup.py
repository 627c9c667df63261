"""Backup and restore give back the same records (SQLite here; PostgreSQL when TEST_DATABASE_URL says so)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.pg import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("gates", "users", "shipments", "shipment_events", "documents", "exchange_rates")


def flask(args, url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "backup-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
        "METRICS_ENABLED": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "border_trade", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def counts(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        result = {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}  # noqa: S608
    engine.dispose()
    return result


def round_trip(url, tmp_path, backup_file):
    flask(["db", "upgrade"], url, tmp_path)
    flask(["seed", "--demo"], url, tmp_path)
    before = counts(url)
    assert before["shipments"] > 20
    flask(["backup", str(backup_file)], url, tmp_path)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM shipment_events"))
        connection.execute(sa.text("DELETE FROM exchange_rates"))
    engine.dispose()
    assert counts(url)["shipment_events"] == 0
    flask(["restore", "--yes", str(backup_file)], url, tmp_path)
    assert counts(url) == before


def test_sqlite_backup_and_restore(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path, tmp_path / "backup.sqlite")


@pytest.mark.postgres
def test_postgresql_backup_and_restore(tmp_path):
    with fresh_postgres_database("backup") as url:
        round_trip(url, tmp_path, tmp_path / "backup.dump")


def _flask_fails(args, url, tmp_path):
    with pytest.raises(AssertionError):
        flask(args, url, tmp_path)


@pytest.mark.postgres
def test_a_postgresql_restore_keeps_the_partitions_and_a_bad_file_changes_nothing(tmp_path):
    with fresh_postgres_database("restore") as url:
        round_trip(url, tmp_path, tmp_path / "backup.dump")
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            kinds = dict(
                connection.execute(
                    sa.text(
                        "SELECT relname, relkind FROM pg_class WHERE relname IN ('shipment_events', 'audit_entries')"
                    )
                ).all()
            )
        assert kinds == {"shipment_events": "p", "audit_entries": "p"}  # still partitioned by month
        before = counts(url)
        broken = tmp_path / "broken.dump"
        broken.write_bytes((tmp_path / "backup.dump").read_bytes()[:4096])  # a backup cut short
        _flask_fails(["restore", "--yes", str(broken)], url, tmp_path)
        assert counts(url) == before  # one transaction: nothing dropped
        engine.dispose()
