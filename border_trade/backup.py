"""Backups: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

import contextlib
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
        _restore_postgresql(_libpq_url(url), source)
    else:
        raise ValueError(f"restores are not supported for {sa.engine.make_url(url).drivername}")


# `pg_restore --clean` drops object by object and fails on monthly partitions ("cannot drop inherited constraint"):
# the schema is dropped whole and the dump replayed as SQL by psql, all in one transaction (a failure changes nothing).
RESET_SCHEMA = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"


def _restore_postgresql(url, source):
    for tool in ("pg_restore", "psql"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed")
    replay = subprocess.Popen(
        ["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--single-transaction", "--dbname", url],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        replay.stdin.write(RESET_SCHEMA)
        dump = subprocess.Popen(["pg_restore", "--no-owner", "--file", "-", str(source)], stdout=subprocess.PIPE)
        shutil.copyfileobj(dump.stdout, replay.stdin, 1 << 20)
        dump.stdout.close()
        if dump.wait() != 0:
            replay.kill()  # psql never sees the end of the script: the transaction is rolled back
            raise subprocess.CalledProcessError(dump.returncode, "pg_restore")
    except BrokenPipeError:
        pass  # psql stopped at an error: its exit status says so below
    finally:
        if replay.stdin and not replay.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                replay.stdin.close()
    if replay.wait() != 0:
        raise subprocess.CalledProcessError(replay.returncode, "psql")
