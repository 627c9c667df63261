"""Load generator for the reliability suite, run in its own process: `python loadgen.py PLAN.json OUT.jsonl`.

Threads post gate events (`arrived` for fresh shipments with unique Idempotency-Keys, `lane_assigned` for trucks
already at the gate, exact replays of acknowledged events) and create shipments as an exporter, until the plan's
`seconds` have passed. Each request becomes one JSON line in OUT (written before the next request starts), with
its body and key, so that the test can check every acknowledged record and retry every unacknowledged one.
Standard library only; every connection goes to the plan's `base` (127.0.0.1).
"""

import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

LANES = ("green", "yellow", "red")


class Client:
    def __init__(self, base, timeout=30):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout

    def send(self, method, path, body, headers):
        """Return (status, headers, body bytes); status None when the connection failed or the answer was cut."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(
                method, path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
            )
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read(), None
        except (OSError, http.client.HTTPException) as error:
            return None, {}, b"", f"{type(error).__name__}: {error}"
        finally:
            connection.close()


class Worker(threading.Thread):
    def __init__(self, index, plan, shipments, log):
        super().__init__(name=f"load-{index}", daemon=True)
        self.index, self.plan, self.log = index, plan, log
        self.client = Client(plan["base"])
        self.random = random.Random(1000 + index)
        self.fresh = list(shipments)
        self.at_gate = []
        self.acknowledged = []  # (key, body, answer) of 2xx arrivals, for replays
        self.counter = 0
        self.deadline = plan["deadline"]

    def key(self):
        self.counter += 1
        return f"{self.plan['key_prefix']}{self.index}-{self.counter}"

    def choose(self):
        mix = dict(self.plan["mix"])
        if not self.fresh:
            mix.pop("arrived", None)
        if not self.at_gate:
            mix.pop("lane_assigned", None)
        if not self.acknowledged:
            mix.pop("replay", None)
        names = list(mix)
        return self.random.choices(names, weights=[mix[n] for n in names])[0]

    def run(self):
        while time.monotonic() < self.deadline:
            operation = self.choose()
            getattr(self, operation)()

    def crossing(self, op, key, body, **extra):
        headers = {"Authorization": f"Bearer {self.plan['officer_token']}", "Idempotency-Key": key}
        return self.request(op, "POST", f"/api/v1/gates/{self.plan['gate']}/crossings", body, headers, key=key, **extra)

    def arrived(self):
        reference = self.fresh.pop()
        key, body = self.key(), {"shipment": reference, "event": "arrived"}
        row = self.crossing("arrived", key, body)
        if row["status"] == 201:
            self.at_gate.append(reference)
            self.acknowledged.append((key, body, row))

    def lane_assigned(self):
        reference = self.random.choice(self.at_gate)
        body = {"shipment": reference, "event": "lane_assigned", "lane": self.random.choice(LANES)}
        self.crossing("lane_assigned", self.key(), body)

    def replay(self):
        key, body, first = self.random.choice(self.acknowledged)
        self.crossing("replay", key, body, replay_of_event=first.get("event_id"))

    def create(self):
        body = {
            "exit_gate": self.plan["gate"],
            "planned_crossing_on": self.plan["planned_crossing_on"],
            "consignee": {"name": "Angkor Fresh Import Co., Ltd.", "address": "Phnom Penh", "country": "KH"},
            "vehicle": {"plate": f"70H-{self.index}{self.counter:04d}", "driver_name": "Trần Văn Bình"},
            "items": [
                {
                    "product_id": self.plan["product_id"],
                    "quantity": "400",
                    "unit": "KGM",
                    "net_weight_kg": "400",
                    "gross_weight_kg": "430",
                    "unit_price": "9.50",
                    "origin_criterion": "WO",
                }
            ],
        }
        self.counter += 1
        headers = {"Authorization": f"Bearer {self.plan['exporter_token']}"}
        self.request("create", "POST", "/api/v1/shipments", body, headers)

    def request(self, op, method, path, body, headers, key=None, **extra):
        started = time.monotonic()
        status, answer_headers, raw, error = self.client.send(method, path, body, headers)
        row = {
            "op": op,
            "key": key,
            "body": body,
            "status": status,
            "error": error,
            "at": round(started - self.plan["started"], 3),
            "mono": round(started, 3),  # CLOCK_MONOTONIC is shared by every process: the test compares its own
            "ms": round((time.monotonic() - started) * 1000, 2),
            **extra,
        }
        if status is not None:
            row["retry_after"] = answer_headers.get("Retry-After")
            try:
                answer = json.loads(raw) if raw else None
            except ValueError:
                answer = None
                row["raw"] = raw[:200].decode(errors="replace")
            if isinstance(answer, dict):
                if "event" in answer and isinstance(answer["event"], dict):
                    row["event_id"] = answer["event"].get("id")
                    row["reference"] = (answer.get("shipment") or {}).get("reference")
                    row["shipment_status"] = (answer.get("shipment") or {}).get("status")
                elif "reference" in answer:
                    row["shipment_id"] = answer.get("id")
                    row["reference"] = answer.get("reference")
                if status >= 400:
                    row["message"] = answer.get("message")
                    row["content_type"] = answer_headers.get("Content-Type")
            elif status >= 400:
                row["content_type"] = answer_headers.get("Content-Type")
        self.log(row)
        if status is None or status >= 500:
            time.sleep(0.1)  # the server is down or busy: do not spin
        return row


def main(plan_path, out_path):
    with open(plan_path) as handle:
        plan = json.load(handle)
    plan["started"] = time.monotonic()
    plan["deadline"] = plan["started"] + plan["seconds"]
    lock = threading.Lock()
    with open(out_path, "w") as out:

        def log(row):
            line = json.dumps(row, ensure_ascii=False)
            with lock:
                out.write(line + "\n")
                out.flush()

        threads = plan["threads"]
        workers = [Worker(i, plan, plan["shipments"][i::threads], log) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(plan["seconds"] + 60)
    print(f"load finished: {sum(w.counter for w in workers)} requests planned")


if __name__ == "__main__":
    main(*sys.argv[1:3])
