"""kill -9 a gunicorn worker, then the master, during load; restart; nothing acknowledged is lost or doubled."""

import pytest

from tests.reliability import checks
from tests.reliability.harness import (
    Gunicorn,
    Load,
    fresh_database,
    record_measurements,
    retry_unacknowledged,
    seconds,
    wait_until,
    world_for_load,
)

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_killed_worker_and_master_lose_no_acknowledged_event(workdir):
    duration = seconds()
    faults = {}
    with fresh_database("crash") as url:
        world = world_for_load(url, workdir, duration)
        server = Gunicorn(url, workdir, workers=2)
        try:
            server.start()
            load = Load(workdir, server.base, world, duration=duration).start()
            try:
                load.sleep_until(duration * 0.25)
                before = set(server.workers())
                faults["worker_killed_at_s"] = round(load.elapsed(), 1)
                faults["worker_pid"] = server.kill_worker()
                replaced = wait_until(lambda: len(set(server.workers()) - before) == 1, 30)
                faults["worker_replaced_after_s"] = round(load.elapsed() - faults["worker_killed_at_s"], 2)
                assert replaced, "the master did not replace the killed worker"

                load.sleep_until(duration * 0.5)
                faults["master_killed_at_s"] = round(load.elapsed(), 1)
                faults.update(server.kill_master())
                server.start()  # as systemd does (Restart=always, RestartSec=2: deploy/border-trade-web.service)
                faults["restarted_after_s"] = round(load.elapsed() - faults["master_killed_at_s"], 2)
            finally:
                rows = load.wait()
            retries = retry_unacknowledged(server.base, rows, world)
        finally:
            server.stop()
        summary = checks.summarize(rows, duration)
        figures, problems = checks.verify(url, rows + retries, exporter_id=world["user_ids"]["exporter"])
    errors = checks.server_errors(rows + retries)
    unanswered = [row for row in rows if row["status"] is None]
    record_measurements(
        "crash",
        {
            "seconds": duration,
            **summary,
            **figures,
            "faults": faults,
            "unacknowledged": len(unanswered),
            "unacknowledged_creates": sum(1 for row in unanswered if row["op"] == "create"),
            "retried": len(retries),
            "retries_by_status": {
                str(s): sum(1 for r in retries if r["status"] == s) for s in {r["status"] for r in retries}
            },
            "server_errors": len(errors),
            "problems": problems[:20],
        },
    )
    assert summary["acknowledged"] > 0
    assert not errors, errors[:5]
    assert all(retry["status"] == 201 for retry in retries), [r for r in retries if r["status"] != 201][:5]
    assert figures["records_lost"] == 0
    assert not problems, problems[:20]
