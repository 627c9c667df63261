"""From an empty database, `flask db upgrade` reaches the models exactly (`flask db check`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "border_trade"]


def _flask(args, url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "migration-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
    }
    return subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _upgrade_and_check(url, tmp_path):
    upgrade = _flask(["db", "upgrade"], url, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask(["db", "check"], url, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    seed = _flask(["seed"], url, tmp_path)
    assert seed.returncode == 0, seed.stderr
    downgrade = _flask(["db", "downgrade", "base"], url, tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr


def test_migrations_reach_the_models_on_sqlite(tmp_path):
    _upgrade_and_check(f"sqlite:///{tmp_path / 'migrated.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_migrations_reach_the_models_on_postgresql(tmp_path):
    with fresh_postgres_database("migrations") as url:
        _upgrade_and_check(url, tmp_path)
