"""Where a webhook may send: public addresses only, on allowed ports, checked after resolving the name once.

`post` connects to an address it checked (no second DNS lookup, so no rebinding), sends the Host header and the
TLS SNI of the original name (the certificate is verified for that name), follows no redirect and cuts the whole
exchange at a wall-clock deadline. Failures raise `Refused` whose `kind` is a short error class that is stored
("timeout", "blocked_address", ...), never the raw error text.
"""

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# never public, whatever this Python's ipaddress.is_global says (3.11 calls fec0::/10 or 224.0.1.0 "global")
NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/8",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+")


class Refused(Exception):
    """A destination the policy refuses or an attempt that failed; `kind` is the error class to store."""

    def __init__(self, kind, detail=None):
        super().__init__(detail or kind)
        self.kind = kind


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # ASCII (IDNA), without brackets or a trailing dot
    port: int
    path: str  # path and query, "/" at least
    literal: str | None  # the address when the URL names one


def is_public(address):
    """Tell whether an IP address (text or ipaddress object) is globally routable (IPv4 forms inside IPv6 too)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if ip.version == 6:
        ip = ipaddress.IPv6Address(ip.packed)  # drop a zone id (fe80::1%eth0)
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip in NAT64:
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return is_public(ip.sixtofour)
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return False
    if getattr(ip, "is_site_local", False) or any(ip in net for net in NOT_PUBLIC if net.version == ip.version):
        return False
    return ip.is_global


def literal_address(host):
    """Return the IP address a host names literally (also 2130706433, 0x7f.1, 127.1), or None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


def parse(url, config):
    """Check a URL's scheme, port and literal address against the settings (no DNS); return its Target."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as error:
        raise Refused("invalid_url") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or (scheme == "http" and config.get("WEBHOOK_REQUIRE_HTTPS")):
        raise Refused("blocked_scheme")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials_in_url")
    host = (host or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError as error:
        raise Refused("invalid_url") from error
    if not host:
        raise Refused("invalid_url")
    port = port or (443 if scheme == "https" else 80)
    private_ok = bool(config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS"))
    if not private_ok and port not in tuple(config.get("WEBHOOK_ALLOWED_PORTS") or (80, 443)):
        raise Refused("blocked_port")
    literal = literal_address(host)
    if not private_ok and (host == "localhost" or host.endswith(".localhost") or (literal and not is_public(literal))):
        raise Refused("blocked_address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, literal)


def system_resolver(host, port):
    """The system's resolver: every address of a name, in the order to try."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


def offline_resolver(host, port):
    """A resolver that resolves nothing (tests: no DNS query ever leaves the machine)."""
    raise socket.gaierror(socket.EAI_NONAME, f"name resolution is off: {host}")


def resolver_of(config):
    """The resolver the settings name: a function (host, port) -> addresses, "offline" or "system"."""
    chosen = config.get("WEBHOOK_RESOLVER") or "system"
    if callable(chosen):
        return chosen
    return offline_resolver if chosen == "offline" else system_resolver


def resolve(target, config):
    """Resolve the target's name once and check every address; return them (raise Refused on any bad one)."""
    if target.literal:
        addresses = [target.literal]
    else:
        try:
            addresses = list(dict.fromkeys(str(a) for a in resolver_of(config)(target.host, target.port)))
        except (OSError, UnicodeError) as error:
            raise Refused("dns_error", str(error)) from error
        if not addresses:
            raise Refused("dns_error")
    if not config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS"):
        try:
            if not all(is_public(a) for a in addresses):
                raise Refused("blocked_address", ", ".join(addresses))
        except ValueError as error:
            raise Refused("dns_error", str(error)) from error
    return addresses


def resolve_within(target, config, seconds):
    """`resolve`, given up (as a "dns_error") after some seconds: a slow DNS server cannot hold a request."""
    outcome = {}

    def run():
        try:
            outcome["addresses"] = resolve(target, config)
        except Refused as refused:
            outcome["refused"] = refused

    worker = threading.Thread(target=run, name="webhook-resolve", daemon=True)
    worker.start()
    worker.join(seconds)
    if "refused" in outcome:
        raise outcome["refused"]
    if "addresses" not in outcome:
        raise Refused("dns_error", f"no answer within {seconds:g} s")
    return outcome["addresses"]


def tls_context():
    """The TLS settings of deliveries: the system's trust store, certificate checked for the URL's name."""
    return ssl.create_default_context()


class _Exchange:
    """The socket of one attempt, which the watchdog shuts when the deadline passes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sock = None
        self.aborted = False

    def attach(self, sock):
        with self.lock:
            if self.aborted:
                sock.close()
                raise TimeoutError("deadline passed")
            self.sock = sock

    def abort(self):
        with self.lock:
            self.aborted = True
            if self.sock is not None:
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self.sock, socket.SHUT_RDWR)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP to a checked address; Host names the original host."""

    def __init__(self, target, address, timeout, exchange):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address, self.exchange, self.target = address, exchange, target

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.exchange.attach(sock)
        if self.target.scheme == "https":
            sock = tls_context().wrap_socket(sock, server_hostname=self.host, do_handshake_on_connect=False)
            self.exchange.attach(sock)
            sock.do_handshake()
        self.sock = sock


def _exchange(target, config, body, headers, exchange, deadline):
    """Resolve, connect to a checked address and POST; return the status of the answer."""
    addresses = resolve(target, config)
    timeout = float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 5)
    last_error = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        connection = _PinnedConnection(target, address, min(timeout, remaining), exchange)
        try:
            connection.connect()
        except (ConnectionError, TimeoutError, OSError) as error:
            if isinstance(error, ssl.SSLError):
                raise
            last_error = error
            connection.close()
            continue
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            return connection.getresponse().status  # the body is not read; the connection is closed
        finally:
            connection.close()
    raise last_error or Refused("dns_error")


def post(url, body, headers, config):
    """POST a body to a webhook URL within WEBHOOK_DEADLINE_SECONDS; return the answer's status, raise Refused."""
    target = parse(url, config)
    limit = float(config.get("WEBHOOK_DEADLINE_SECONDS") or 10)
    deadline = time.monotonic() + limit
    exchange = _Exchange()
    outcome = {}

    def run():
        try:
            outcome["status"] = _exchange(target, config, body, {**headers, "Connection": "close"}, exchange, deadline)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="webhook-delivery", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        exchange.abort()
        worker.join(1)
        raise Refused("timeout", f"cut after {limit:g} s")
    if "error" in outcome:
        if exchange.aborted:
            raise Refused("timeout") from outcome["error"]
        raise Refused(error_class(outcome["error"]), repr(outcome["error"])) from outcome["error"]
    return outcome["status"]


def error_class(error):
    """Name the kind of a failed attempt (what is stored), from the exception that ended it."""
    if isinstance(error, Refused):
        return error.kind
    checks = (
        (TimeoutError, "timeout"),
        (ConnectionRefusedError, "connection_refused"),
        (http.client.RemoteDisconnected, "connection_closed"),
        (http.client.BadStatusLine, "bad_status_line"),
        (http.client.HTTPException, "bad_response"),
        (ssl.SSLCertVerificationError, "tls_certificate"),
        (ssl.SSLError, "tls_error"),
        (ConnectionError, "connection_reset"),
        (socket.gaierror, "dns_error"),
        (OSError, "network_error"),
    )
    return next((kind for cls, kind in checks if isinstance(error, cls)), "error")
