"""Webhooks reach public addresses only (SSRF), one receiver cannot stall the others or the e-mails, signatures
carry a timestamp. Every receiver here listens on 127.0.0.1; names resolve through a fake resolver only."""

import contextlib
import re
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.notifications import netguard, webhooks
from border_trade.notifications.models import Notification, Webhook, WebhookDelivery
from border_trade.notifications.services import notify
from border_trade.scheduler.jobs import send_notices
from tests.factories import make_user

NOW = datetime.now(UTC)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


# --- helpers: settings, receivers on loopback, a fake resolver ---------------------------------------------------


@pytest.fixture
def settings(app):
    """Change app settings for one test: settings(KEY=value, ...); the old values come back afterwards."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value

    yield change
    app.config.update(saved)


class FakeResolver:
    """Answers from a table and counts the questions; no DNS query is ever sent."""

    def __init__(self, table):
        self.table, self.asked = table, []

    def __call__(self, host, port):
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, host)
        return self.table[host]


class Recorder(BaseHTTPRequestHandler):
    """Answers each POST with the status (and headers) its server's `script` gives for the path."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.path, self.headers, body))
        status, headers, delay = self.server.script(self.path)
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_receiver():
    """Start HTTP receivers on 127.0.0.1 (random ports): http_receiver(script) -> server with .url and .seen."""
    servers = []

    def start(script=lambda path: (200, {}, 0)):
        server = HTTPServer(("127.0.0.1", 0), Recorder)
        server.seen, server.script = [], script
        server.port = server.server_address[1]
        server.url = f"http://127.0.0.1:{server.port}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def raw_receiver():
    """Start a TCP receiver on 127.0.0.1 that reads the request and then lets `answer(socket)` reply."""
    servers = []

    def start(answer):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                server.hits += 1
                with contextlib.suppress(OSError):  # the client hung up
                    answer(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads, server.hits = True, 0
        server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def add_hook(user, url):
    """A webhook row as an older version stored it (no check on the way in)."""
    hook = Webhook(organisation_id=user.organisation_id, url=url, secret="s" * 48)
    db.session.add(hook)
    db.session.flush()
    return hook


def queue(hook, count=1, shipment="BT-2026-000001"):
    ids = []
    for _ in range(count):
        delivery = WebhookDelivery(
            webhook_id=hook.id, event="arrived", payload={"shipment": shipment}, next_attempt_at=NOW, created_at=NOW
        )
        db.session.add(delivery)
        db.session.flush()
        ids.append(delivery.id)
    db.session.commit()
    return ids


def delivery(delivery_id):
    db.session.expire_all()
    return db.session.get(WebhookDelivery, delivery_id)


# --- SSRF: registration --------------------------------------------------------------------------------------------

NOT_PUBLIC_URLS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:5432/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://localhost/",
    "http://localhost:6379/",
    "http://db.localhost/",
    "http://2130706433/",
    "http://[::ffff:a00:5]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:c0a8:101::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://[::]/",
]


@pytest.mark.parametrize("url", NOT_PUBLIC_URLS)
def test_registration_refuses_addresses_that_are_not_public(client, token_for, url):
    exporter = make_user(Role.EXPORTER)
    response = client.post("/api/v1/webhooks", json={"url": url}, headers=token_for(exporter))
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["url"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.test:8443/x", "http://hooks.example.test:6379/", "https://user:pw@hooks.example.test/"],
)
def test_registration_refuses_other_ports_and_credentials(client, token_for, url):
    response = client.post("/api/v1/webhooks", json={"url": url}, headers=token_for(make_user(Role.EXPORTER)))
    assert response.status_code == 422 and list(response.json["errors"]) == ["url"]


def test_a_name_resolving_to_a_private_address_is_refused(client, token_for, settings):
    # registration connects to nothing: the answers are only checked
    resolver = FakeResolver(
        {
            "hooks.example.test": ["127.0.0.1"],
            "mixed.example.test": ["8.8.8.8", "10.1.2.3"],
            "ok.example.test": ["8.8.8.8"],
        }
    )
    settings(WEBHOOK_RESOLVER=resolver)
    headers = token_for(make_user(Role.EXPORTER))
    for name in ("hooks", "mixed"):
        response = client.post("/api/v1/webhooks", json={"url": f"https://{name}.example.test/"}, headers=headers)
        assert response.status_code == 422 and "url" in response.json["errors"]
    assert client.post("/api/v1/webhooks", json={"url": "https://ok.example.test/"}, headers=headers).status_code == 201
    assert resolver.asked == ["hooks.example.test", "mixed.example.test", "ok.example.test"]


def test_a_slow_name_server_does_not_hold_the_registration(client, token_for, settings):
    class Slow(FakeResolver):
        def __call__(self, host, port):
            self.asked.append(host)
            time.sleep(2)
            return ["127.0.0.1"]

    resolver = Slow({})
    settings(WEBHOOK_RESOLVER=resolver, WEBHOOK_TIMEOUT_SECONDS=0.3)
    started = time.monotonic()
    response = client.post(
        "/api/v1/webhooks", json={"url": "https://slow.example.test/"}, headers=token_for(make_user(Role.EXPORTER))
    )
    assert time.monotonic() - started < 1.5 and resolver.asked == ["slow.example.test"]
    assert response.status_code == 201  # unresolved for now: each delivery resolves and checks again


def test_production_takes_https_only(client, token_for, settings):
    settings(WEBHOOK_REQUIRE_HTTPS=True)
    headers = token_for(make_user(Role.EXPORTER))
    response = client.post("/api/v1/webhooks", json={"url": "http://hooks.example.test/"}, headers=headers)
    assert response.status_code == 422 and "url" in response.json["errors"]
    assert (
        client.post("/api/v1/webhooks", json={"url": "https://hooks.example.test/"}, headers=headers).status_code == 201
    )


def test_the_web_page_shows_the_refusal_on_the_field(login_as):
    client = login_as(Role.EXPORTER)
    response = client.post("/account/webhooks?lang=en", data={"url": "http://169.254.169.254/latest/"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page and "public internet" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("100.127.255.254", False),
        ("198.18.0.1", False),
        ("192.0.2.1", False),
        ("fc00::1", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b::7f00:1", False),
        ("2001:db8::1", False),
        ("2001::1", False),
        ("fe80::1%eth0", False),
        ("::127.0.0.1", False),
    ],
)
def test_what_counts_as_public(address, public):
    assert netguard.is_public(address) is public


@pytest.mark.parametrize("url", ["http://0x7f.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/", "http://[::1%25lo]/"])
def test_other_spellings_of_loopback_are_refused(app, url):
    with pytest.raises(netguard.Refused) as refused:
        netguard.parse(url, app.config)
    assert refused.value.kind == "blocked_address"


# --- SSRF: delivery ------------------------------------------------------------------------------------------------


def test_delivery_refuses_a_private_address_stored_earlier(http_receiver, settings):
    receiver = http_receiver()
    settings(WEBHOOK_ALLOWED_PORTS=(80, 443, receiver.port))  # the address, not the port, is refused
    hook = add_hook(make_user(Role.EXPORTER), receiver.url)  # private networks are not allowed here
    (delivery_id,) = queue(hook)
    assert webhooks.deliver_due(NOW) == (0, 1)
    assert receiver.seen == []
    failed = delivery(delivery_id)
    assert failed.last_error == "blocked_address" and failed.attempts == 1 and failed.status == "pending"


def test_delivery_checks_the_name_again_and_connects_to_the_checked_address(http_receiver, settings):
    receiver = http_receiver()
    resolver = FakeResolver({"hooks.example.test": ["8.8.8.8"]})
    settings(WEBHOOK_RESOLVER=resolver, WEBHOOK_ALLOWED_PORTS=(80, 443, receiver.port))
    hook, _secret = webhooks.register_webhook(make_user(Role.EXPORTER), f"http://hooks.example.test:{receiver.port}/h")
    (first,) = queue(hook)
    resolver.table["hooks.example.test"] = ["127.0.0.1"]  # the name now points inside (DNS rebinding)
    assert webhooks.deliver_due(NOW) == (0, 1)
    assert delivery(first).last_error == "blocked_address" and receiver.seen == []
    # with private networks allowed (a local test receiver), the name is resolved once and the checked address used
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    resolver.asked.clear()
    (second,) = queue(hook)
    assert webhooks.deliver_due(NOW) == (1, 0)
    assert resolver.asked == ["hooks.example.test"]
    path, headers, _body = receiver.seen[0]
    assert path == "/h" and headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert delivery(second).status == "delivered"


def test_a_redirect_is_not_followed(http_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    target = http_receiver()
    redirector = http_receiver(lambda path: (303, {"Location": target.url + "/inside"}, 0))
    hook, _secret = webhooks.register_webhook(make_user(Role.EXPORTER), redirector.url)
    (delivery_id,) = queue(hook)
    assert webhooks.deliver_due(NOW) == (0, 1)
    assert len(redirector.seen) == 1 and target.seen == []
    redirected = delivery(delivery_id)
    assert redirected.status == "pending" and redirected.last_status_code == 303
    assert redirected.last_error == "http_303"


def test_the_stored_error_is_a_class_not_the_receivers_text(raw_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    leaky = raw_receiver(
        lambda sock: sock.sendall(b"HTTP/1.1 500 secret=hunter2 at /srv/app\r\nContent-Length: 0\r\n\r\n")
    )
    user = make_user(Role.EXPORTER)
    refused = queue(add_hook(user, f"http://127.0.0.1:{closed}/"))[0]
    broken = queue(add_hook(user, leaky.url))[0]
    assert webhooks.deliver_due(NOW) == (0, 2)
    assert delivery(refused).last_error == "connection_refused"
    assert (delivery(broken).last_error, delivery(broken).last_status_code) == ("http_500", 500)


# --- one receiver cannot stall the others or the e-mails -----------------------------------------------------------


def test_a_garbage_status_line_is_one_failed_attempt_and_stalls_nobody(raw_receiver, http_receiver, settings, smtp):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    garbage = raw_receiver(lambda sock: sock.sendall(b"SPAM EGGS\r\n\r\n"))
    fine = http_receiver()
    first_org, other_org = make_user(Role.EXPORTER), make_user(Role.EXPORTER)
    stuck = queue(webhooks.register_webhook(first_org, garbage.url)[0])[0]
    other = queue(webhooks.register_webhook(other_org, fine.url)[0])[0]
    notify([other_org], "crossing_missed", "missed:1", {"reference": "BT-2026-000001", "gate": "XA-MAT"})
    db.session.commit()
    assert send_notices(NOW) == 2  # one e-mail, one delivery; nothing raised
    assert [m.rcpt_tos for m in smtp.messages] == [[other_org.email]]
    assert delivery(other).status == "delivered" and len(fine.seen) == 1
    failed = delivery(stuck)
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "bad_status_line")
    assert failed.next_attempt_at > NOW
    assert send_notices(NOW + timedelta(minutes=2)) == 0
    assert delivery(stuck).attempts == 2 and garbage.hits == 2
    assert db.session.scalar(sa.select(Notification.emailed_at)) is not None


def test_e_mails_go_out_even_when_the_webhook_step_breaks(monkeypatch, smtp):
    exporter = make_user(Role.EXPORTER)
    notify([exporter], "crossing_missed", "missed:2", {"reference": "BT-2026-000002", "gate": "XA-MAT"})
    db.session.commit()

    def broken(now):
        raise RuntimeError("the webhook step broke")

    monkeypatch.setattr("border_trade.scheduler.jobs.deliver_due", broken)
    with pytest.raises(RuntimeError):  # the run is recorded as failed ...
        send_notices(NOW)
    assert [m.rcpt_tos for m in smtp.messages] == [[exporter.email]]  # ... and the e-mail went out first


def test_a_slow_receiver_is_cut_at_the_wall_clock_limit(raw_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True, WEBHOOK_DEADLINE_SECONDS=1.0, WEBHOOK_TIMEOUT_SECONDS=0.5)

    def dribble(sock):  # one byte every 0.2 s: no single read waits long enough for a socket timeout
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 25 + b"\r\nContent-Length: 0\r\n\r\n":
            sock.sendall(bytes([byte]))
            time.sleep(0.2)

    slow = raw_receiver(dribble)
    (delivery_id,) = queue(webhooks.register_webhook(make_user(Role.EXPORTER), slow.url)[0])
    started = time.monotonic()
    assert webhooks.deliver_due(NOW) == (0, 1)
    assert time.monotonic() - started < 2.5
    cut = delivery(delivery_id)
    assert (cut.status, cut.attempts, cut.last_error) == ("pending", 1, "timeout")


def test_organisations_take_turns_within_the_runs_time_budget(http_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True, WEBHOOK_RUN_BUDGET_SECONDS=1.0)
    slow, fast = http_receiver(lambda path: (200, {}, 0.4)), http_receiver()
    busy, small = make_user(Role.EXPORTER), make_user(Role.EXPORTER)
    backlog = queue(webhooks.register_webhook(busy, slow.url)[0], count=6)  # older, lower ids
    (single,) = queue(webhooks.register_webhook(small, fast.url)[0])
    started = time.monotonic()
    delivered, failed = webhooks.deliver_due(NOW)
    assert time.monotonic() - started < 2.5 and failed == 0
    assert delivery(single).status == "delivered"
    assert 1 <= delivered - 1 <= 3
    assert sum(delivery(i).status == "pending" for i in backlog) >= 3  # left for the next run


def test_an_organisation_has_a_limited_number_of_webhooks(client, token_for, settings):
    settings(WEBHOOK_MAX_PER_ORGANISATION=2)
    exporter = make_user(Role.EXPORTER)
    headers = token_for(exporter)
    ids = [
        client.post("/api/v1/webhooks", json={"url": f"https://h{n}.example.test/"}, headers=headers).json["id"]
        for n in (1, 2)
    ]
    third = client.post("/api/v1/webhooks", json={"url": "https://h3.example.test/"}, headers=headers)
    assert third.status_code == 422 and "url" in third.json["errors"]
    elsewhere = token_for(make_user(Role.EXPORTER))
    assert (
        client.post("/api/v1/webhooks", json={"url": "https://h3.example.test/"}, headers=elsewhere).status_code == 201
    )
    assert client.delete(f"/api/v1/webhooks/{ids[0]}", headers=headers).status_code == 200
    assert client.post("/api/v1/webhooks", json={"url": "https://h3.example.test/"}, headers=headers).status_code == 201


def test_a_stopped_webhook_gets_nothing_more(client, token_for, http_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    receiver = http_receiver()
    exporter = make_user(Role.EXPORTER)
    headers = token_for(exporter)
    hook_id = client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=headers).json["id"]
    hook = db.session.get(Webhook, hook_id)
    (queued,) = queue(hook)
    assert client.delete(f"/api/v1/webhooks/{hook_id}", headers=headers).json["is_active"] is False
    (late,) = queue(db.session.get(Webhook, hook_id))  # queued after the stop (a race with an event)
    assert webhooks.deliver_due(NOW) == (0, 0)
    assert receiver.seen == []
    listing = client.get(f"/api/v1/webhooks/{hook_id}/deliveries", headers=headers).json["items"]
    assert {item["id"]: item["status"] for item in listing} == {queued: "cancelled", late: "pending"}
    assert delivery(late).attempts == 0


# --- signatures ----------------------------------------------------------------------------------------------------


def documented_recipe():
    """The Python snippet of docs/security.md, run as a receiver would copy it."""
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    namespace = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_signature_v2_verifies_with_the_documented_recipe(http_receiver, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
    receiver = http_receiver()
    hook, secret = webhooks.register_webhook(make_user(Role.EXPORTER), receiver.url)
    queue(hook)
    assert webhooks.deliver_due(NOW) == (1, 0)
    _path, headers, body = receiver.seen[0]
    recipe = documented_recipe()
    header = headers["X-BorderTrade-Signature-V2"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert abs(int(header[2 : header.index(",")]) - time.time()) < 60
    assert recipe["verify"](secret, body, header)
    assert recipe["verify_v1"](secret, body, headers["X-BorderTrade-Signature"])  # the old header goes on
    assert not recipe["verify"](secret, body + b" ", header)
    assert not recipe["verify"]("another secret", body, header)
    assert not recipe["verify"](secret, body, header, now=time.time() + 301)  # a replay 5 minutes later
    stamp = int(header[2 : header.index(",")])
    assert not recipe["verify"](secret, body, header.replace(f"t={stamp}", f"t={stamp + 1}"))


# --- TLS to the checked address, verified for the original name ----------------------------------------------------


@pytest.fixture
def tls_receiver(tmp_path, settings):
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.example.test (made with openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=hooks.example.test",
         "-addext", "subjectAltName=DNS:hooks.example.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    names = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    server.seen, server.script, server.names = [], lambda path: (204, {}, 0), names
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    trusting = ssl.create_default_context(cafile=str(cert))
    settings(
        WEBHOOK_ALLOW_PRIVATE_NETWORKS=True,
        WEBHOOK_RESOLVER=FakeResolver({"hooks.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]}),
    )
    yield server, trusting
    server.shutdown()
    server.server_close()


def test_tls_goes_to_the_checked_address_with_the_original_name(tls_receiver, monkeypatch):
    server, trusting = tls_receiver
    monkeypatch.setattr(netguard, "tls_context", lambda: trusting)
    user = make_user(Role.EXPORTER)
    good = queue(webhooks.register_webhook(user, f"https://hooks.example.test:{server.port}/tls")[0])[0]
    wrong_name = queue(webhooks.register_webhook(user, f"https://other.example.test:{server.port}/tls")[0])[0]
    assert webhooks.deliver_due(NOW) == (1, 1)
    assert delivery(good).status == "delivered"
    assert delivery(wrong_name).last_error == "tls_certificate"  # the certificate is not for other.example.test
    assert "hooks.example.test" in server.names
    assert server.seen[0][1]["Host"] == f"hooks.example.test:{server.port}"
