"""The booking benchmark's load generator: a burst of POSTs from a number of clients at once, in its own process.

Each client is a thread with its own keep-alive connection and its own bearer token (a trader), released together
behind a barrier; it posts its bodies one after the other as fast as the server answers. `burst()` runs this file
as a script, the spec on stdin and the figures (JSON) on stdout.
"""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"


def burst(url, clients, *, timeout=300):
    """Run one burst in its own process; `clients` is [{"token", "bodies": [...]}]. Return its figures."""
    done = subprocess.run(
        [str(PYTHON), __file__],
        input=json.dumps({"url": url, "clients": clients}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run_burst(spec):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(spec["url"])
    answers, lock = [], threading.Lock()  # (status, ms, body of a non-201 answer or None)
    gate = threading.Barrier(len(spec["clients"]) + 1)

    def client(token, bodies):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        gate.wait()
        for body in bodies:
            started = time.perf_counter()
            try:
                connection.request("POST", parts.path, json.dumps(body), headers)
                response = connection.getresponse()
                text = response.read()
                status = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                status, text = "network", b""
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                answers.append((status, elapsed, None if status == "201" else text[:300].decode(errors="replace")))
        connection.close()

    threads = [threading.Thread(target=client, args=(c["token"], c["bodies"])) for c in spec["clients"]]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    statuses = {}
    for status, _ms, _text in answers:
        statuses[status] = statuses.get(status, 0) + 1
    every = [ms for _s, ms, _t in answers]
    ok = [ms for status, ms, _t in answers if status == "201"]
    sample = next((text for status, _ms, text in answers if status not in ("201", "409")), None)
    return {
        "sent": len(answers),
        "ok": len(ok),
        "statuses": statuses,
        "seconds": round(seconds, 3),
        "ok_per_s": len(ok) / seconds if seconds else 0.0,
        "answers_per_s": len(answers) / seconds if seconds else 0.0,
        "p50_ms": percentile(every, 50),
        "p99_ms": percentile(every, 99),
        "p99_ok_ms": percentile(ok, 99),
        "max_ms": max(every, default=0.0),
        "unexpected": sample,
    }


if __name__ == "__main__":
    print(json.dumps(run_burst(json.loads(sys.stdin.read()))))
