"""The OCOP register migration (issue 19): the new product columns match the models; existing rows keep their
recorded expiry, get no decision date, their authority copied and their 919 group from the reporting group; the
downgrade removes the columns. SQLite and PostgreSQL."""

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
REVISION, DOWN_REVISION = "e4b8f1a6c925", "c7d2a9e4b315"
COLUMNS = {"ocop_decision_on", "ocop_decision_level", "ocop_decision_authority", "ocop_product_group"}


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
    return any(column in repr(diff) for column in COLUMNS)


def _product_columns(connection):
    return {c["name"] for c in sa.inspect(connection).get_columns("products")}


def _check(url, tmp_path):
    before = _flask(["db", "upgrade", DOWN_REVISION], url, tmp_path)
    assert before.returncode == 0, before.stderr
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if not connection.execute(sa.text("SELECT count(*) FROM countries WHERE code = 'VN'")).scalar():
                connection.execute(
                    sa.text("INSERT INTO countries (code, name_vi, name_en) VALUES ('VN', 'Việt Nam', 'Viet Nam')")
                )
            connection.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, kind, country_code, created_at)"
                    " VALUES (1, 'HTX', 'cooperative', 'VN', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO hs_codes (code, hs6, chapter, name_vi, name_en)"
                    " VALUES ('08071900', '080719', '08', 'Dưa', 'Melon')"
                )
            )
            insert = sa.text(
                "INSERT INTO products (id, organisation_id, name_vi, hs_code, unit, is_archived, created_at,"
                " updated_at, version, ocop_stars, ocop_group, ocop_recognised_on, ocop_certificate_expires_on,"
                " ocop_authority) VALUES (:id, 1, 'x', '08071900', 'KGM', false, '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00', 1, :stars, :grp, '2023-03-15', :expires, :authority)"
            )
            connection.execute(
                insert, {"id": 1, "stars": 4, "grp": "textile_garment", "expires": "2026-03-14", "authority": "UBND"}
            )
            connection.execute(insert, {"id": 2, "stars": None, "grp": None, "expires": None, "authority": None})
        upgrade = _flask(["db", "upgrade", REVISION], url, tmp_path)
        assert upgrade.returncode == 0, upgrade.stderr
        with engine.connect() as connection:
            assert _product_columns(connection) >= COLUMNS
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert [d for d in compare_metadata(context, db.metadata) if _mine(d)] == []
            rows = connection.execute(
                sa.text(
                    "SELECT id, ocop_certificate_expires_on, ocop_decision_on, ocop_decision_level,"
                    " ocop_decision_authority, ocop_product_group FROM products ORDER BY id"
                )
            ).all()
        assert [tuple(str(v) if v is not None else None for v in row) for row in rows] == [
            ("1", "2026-03-14", None, None, "UBND", "handicraft"),
            ("2", None, None, None, None, None),
        ]
        downgrade = _flask(["db", "downgrade", DOWN_REVISION], url, tmp_path)
        assert downgrade.returncode == 0, downgrade.stderr
        with engine.connect() as connection:
            assert not COLUMNS & _product_columns(connection)
            assert connection.execute(sa.text("SELECT ocop_certificate_expires_on FROM products WHERE id = 1")).scalar()
    finally:
        engine.dispose()


def test_ocop_register_migration_on_sqlite(app, tmp_path):
    _check(f"sqlite:///{tmp_path / 'ocop.sqlite'}", tmp_path)


@pytest.mark.postgres
def test_ocop_register_migration_on_postgresql(app, tmp_path):
    with fresh_postgres_database("ocop_migration") as url:
        _check(url, tmp_path)
