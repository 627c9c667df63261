"""Backups: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa


def _libpq_url(url):
    """Turn a SQLAlchemy URL into one libpq tools accept (no +driver)."""
    parsed = sa.engine.make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url):
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def backup(url, target):
    """Write a consistent copy of the database at `url` to `target` while the app keeps running."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
    elif url.startswith("postgresql"):
        if shutil.which("pg_dump") is None:
            raise RuntimeError("pg_dump is not installed")
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)], check=True)
    else:
        raise ValueError(f"backups are not supported for {sa.engine.make_url(url).drivername}")
    return target


def restore(url, source):
    """Replace the database at `url` with the backup at `source`."""
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(source)
    if url.startswith("sqlite"):
        backup_db = sqlite3.connect(source)
        destination = sqlite3.connect(_sqlite_path(url))
        try:
            with destination:
                backup_db.backup(destination)
        finally:
            destination.close()
            backup_db.close()
    elif url.startswith("postgresql"):
        if shutil.which("pg_restore") is None:
            raise RuntimeError("pg_restore is not installed")
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(url),
                str(source),
            ],
            check=True,
        )
    else:
        raise ValueError(f"restores are not supported for {sa.engine.make_url(url).drivername}")
