"""The crossing benchmark's load generator: `arrived` events posted at a fixed rate or flat out, in its own process.

`load()` runs this file as a script, the spec on stdin and the figures (JSON) on stdout.
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
GRACE_SECONDS = 10  # how late a request due at the fixed rate may still start


def load(url, token, references, start, mode, *, duration, rate=0, connections=1, keep=False):
    """Run the load generator in its own process and return its figures (with every latency when `keep`)."""
    budget = int(rate * duration) if mode == "rate" else None
    chunk = references[start:] if budget is None else references[start : start + budget]
    if not chunk:
        raise RuntimeError("no submitted shipment left: seed more with --shipments")
    payload = json.dumps(
        {
            "url": url,
            "token": token,
            "references": chunk,
            "mode": mode,
            "duration": duration,
            "rate": rate,
            "connections": connections,
            "keep": keep,
        }
    )
    done = subprocess.run(
        [str(PYTHON), __file__],
        input=payload,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def run_load(spec):
    """Post `arrived` events; return counts and latencies (ms). Runs in its own process."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(spec["url"])
    references = iter(spec["references"])
    take = threading.Lock()
    local = threading.local()
    latencies, statuses, lock = [], {}, threading.Lock()
    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}

    def next_reference():
        with take:
            return next(references, None)

    started = time.perf_counter()
    # at a fixed rate, a server that falls behind builds a backlog: requests not started by then are dropped,
    # so the phase ends in bounded time (and the drop count says the rate was not held)
    give_up = started + spec["duration"] + GRACE_SECONDS

    def send(reference, due):
        if time.perf_counter() > give_up:
            with lock:
                statuses["dropped"] = statuses.get("dropped", 0) + 1
            return
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        reference, _sep, plate = reference.partition("|")  # a booked truck: "reference|plate read on it"
        fields = {"shipment": reference, "event": "arrived", "occurred_at": datetime.now(UTC).isoformat()}
        body = json.dumps(fields | ({"plate": plate} if plate else {}))
        try:
            connection.request("POST", parts.path, body, headers | {"Idempotency-Key": uuid.uuid4().hex})
            response = connection.getresponse()
            response.read()
            code = str(response.status)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            local.connection = None
            code = "network"
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            statuses[code] = statuses.get(code, 0) + 1
            if code == "201":
                latencies.append(elapsed)

    sent = 0
    if spec["mode"] == "rate":
        interval = 1 / spec["rate"]
        with ThreadPoolExecutor(max_workers=64) as pool:
            while time.perf_counter() < started + spec["duration"] + 1:
                reference = next_reference()
                if reference is None:
                    break
                due = started + sent * interval
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(send, reference, due)
                sent += 1
    else:
        deadline = started + spec["duration"]
        counter = [0]

        def worker():
            while time.perf_counter() < deadline:
                reference = next_reference()
                if reference is None:
                    return
                with lock:
                    counter[0] += 1
                send(reference, time.perf_counter())

        threads = [threading.Thread(target=worker) for _ in range(spec["connections"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent = counter[0]
    elapsed = time.perf_counter() - started
    figures = figures_of(latencies, statuses, sent, elapsed)
    if spec.get("keep"):
        figures["latencies"] = latencies
    return figures


def figures_of(latencies, statuses, sent, elapsed):
    """Events/s and latency percentiles (ms) of the 201 answers."""
    latencies = sorted(latencies)

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))]

    ok = statuses.get("201", 0)
    return {
        "sent": sent,
        "ok": ok,
        "statuses": statuses,
        "seconds": round(elapsed, 3),
        "events_per_s": ok / elapsed if elapsed else 0.0,
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "max_ms": latencies[-1] if latencies else 0.0,
    }


def combine(runs):
    """The figures of several runs (kept with their latencies) taken together: events over their summed time."""
    statuses = {}
    for run in runs:
        for code, count in run["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    latencies = [latency for run in runs for latency in run["latencies"]]
    combined = figures_of(latencies, statuses, sum(r["sent"] for r in runs), sum(r["seconds"] for r in runs))
    combined["turns"] = len(runs)
    return combined


if __name__ == "__main__":
    print(json.dumps(run_load(json.loads(sys.stdin.read()))))
