"""Reliability suite plumbing: opt-in collection, a work folder kept when a test fails, the report at the end.

The suite (tests marked `reliability`) is left out of the default run; `make reliability` runs it on a fresh
PostgreSQL database, as do `RELIABILITY=1 pytest`, `pytest -m reliability` and `pytest tests/reliability`.

When the suite runs, each test merges its measurements into the JSON file named by RELIABILITY_REPORT (default
instance/reliability.json); the quick tests of this folder that also run by default write nothing then. When
RELIABILITY_DOC names a Markdown file (`make reliability` sets it to docs/reliability.md), the session's end adds
the run's outcome and duration and renders that file from the JSON.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.reliability.harness import RECORDING, record_measurements, report_path

_STARTED = time.monotonic()
_OUTCOMES = {}
_FAILURES = {}
HERE = Path(__file__).resolve().parent


def _suite_wanted(config):
    """The suite runs when asked for: RELIABILITY=1, a -m expression naming it, or a path inside this folder."""
    if os.environ.get("RELIABILITY") == "1" or "reliability" in (config.getoption("markexpr") or ""):
        return True
    for arg in config.args:
        path = Path(str(arg).split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Leave the reliability suite (minutes of load on real servers) out of the default run."""
    if _suite_wanted(config):
        RECORDING["enabled"] = True
        return
    skipped = [item for item in items if item.get_closest_marker("reliability")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("reliability")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if item.get_closest_marker("reliability"):
        setattr(item, f"rep_{report.when}", report)
        if report.when == "call" or report.outcome != "passed":
            outcome = report.outcome
            if hasattr(report, "wasxfail"):  # a known defect, marked xfail: say so rather than "skipped"
                outcome = "xpassed" if report.passed else "xfailed"
            _OUTCOMES[item.nodeid] = outcome
        if (report.failed or hasattr(report, "wasxfail")) and call.excinfo is not None:
            _FAILURES[item.nodeid] = f"{call.excinfo.typename}: {str(call.excinfo.value).strip()}"[:400]
    return report


@pytest.fixture
def workdir(request):
    """A folder for logs, plans and results; removed after a passing test, kept (and named) after a failure."""
    folder = Path(tempfile.mkdtemp(prefix="bt-reliability-"))
    yield folder
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"\nreliability work folder kept: {folder}")


def pytest_sessionfinish(session, exitstatus):
    if not _OUTCOMES:
        return
    outcomes = {}
    for outcome in _OUTCOMES.values():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    record_measurements(
        "suite",
        {
            "seconds": round(time.monotonic() - _STARTED, 1),
            "outcomes": outcomes,
            "tests": dict(sorted(_OUTCOMES.items())),
            "failures": dict(sorted(_FAILURES.items())),
            "reliability_seconds": int(os.environ.get("RELIABILITY_SECONDS", "60")),
            "database": _database(),
            "commit": _commit(),
            "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
            "finished_at": time.strftime("%Y-%m-%d %H:%M %Z"),
        },
    )
    target = os.environ.get("RELIABILITY_DOC")
    if target:
        from tests.reliability.report import render_file

        render_file(report_path(), Path(target))


def _commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def _database():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return "SQLite"
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return "PostgreSQL " + connection.execute(sa.text("SHOW server_version")).scalar().split()[0]
    except sa.exc.SQLAlchemyError:
        return "PostgreSQL"
    finally:
        engine.dispose()
