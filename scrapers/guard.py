"""Keep crafted links and redirects out of the LAN, checked at the socket we actually use.

A discovered link or a redirect to a host the operator did not name must not reach a
private, loopback or link-local address.  Checking the name before the request is
not enough: requests/urllib3 resolve it again when connecting, so a name answering a
public address first and 127.0.0.1 second (DNS rebinding) would get through.  So the
Fetcher mounts `GuardedAdapter`, whose connections look at the peer address of the
socket right after connect, before a byte is sent (no HTTP request, no TLS
ClientHello), and refuse it unless the host is trusted.  The host name itself is left
alone, so the Host header, TLS SNI and certificate checks all stay on the name.

Trust travels in a context variable set by `trusting(...)` around one fetch, because
connection pools are shared by every fetch of a thread's session while the trusted
hosts belong to the call.  Outside `trusting`, nothing is trusted.

Limit: through an HTTP(S) proxy (`use_env_proxies` and a proxy in the environment) the
proxy resolves the target name, so only the pre-check `is_refused_target` applies.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRUSTED: ContextVar[frozenset[str]] = ContextVar("township_trusted_hosts", default=frozenset())


class RefusedAddress(Exception):
    """A connection reached a forbidden address for an untrusted host; str() is the ledger reason.

    Deliberately not an OSError: urllib3 and requests then neither retry it nor wrap it,
    so it reaches the Fetcher as itself."""


def _key(host: str, port: int | None, default_port: int | None) -> str:
    host = host.lower().rstrip(".")
    return f"{host}:{port}" if port and port != default_port else host


def trust_key(netloc_or_url: str) -> str:
    """host[:port] as the trust rule compares it: lower case, no trailing dot, no default port."""
    parts = urlsplit(netloc_or_url if "//" in netloc_or_url else "//" + netloc_or_url)
    return _key(parts.hostname or "", parts.port, _DEFAULT_PORTS.get(parts.scheme.lower()))


def is_forbidden_address(address: str) -> bool:
    """Private, loopback, link-local, reserved, multicast or unspecified (IPv4-mapped IPv6 included)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified)


def is_refused_target(url: str, trusted_hosts: Collection[str]) -> bool:
    """Pre-check before any request: True for a URL on a host the operator did not name
    that resolves to a forbidden address.  Early and cheap, but only advisory against
    rebinding; the socket check in `_GuardMixin` is the one that holds.

    A host that does not resolve is not refused here; fetching it simply fails.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return True
    if trust_key(url) in {trust_key(h) for h in trusted_hosts}:
        return False
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return False
    return any(is_forbidden_address(str(info[4][0])) for info in infos)


@contextmanager
def trusting(hosts: Collection[str]) -> Iterator[None]:
    """Within this block (in this thread/context), connections to `hosts` may be private."""
    token = _TRUSTED.set(frozenset(trust_key(h) for h in hosts))
    try:
        yield
    finally:
        _TRUSTED.reset(token)


class _GuardMixin:
    """Checks the connected socket's peer address; mixed into urllib3's connection classes."""

    host: str
    port: int
    default_port: int
    sock: socket.socket | None
    _peer: str | None = None

    def _refusal(self, peer: str) -> str | None:
        if not is_forbidden_address(peer):
            return None
        key = _key(self.host, self.port, self.default_port)
        if key in _TRUSTED.get():
            return None
        return f"refused: private address ({key} connected to {peer})"

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0])
        reason = self._refusal(peer)
        if reason:
            sock.close()
            raise RefusedAddress(reason)
        self._peer = peer
        return sock

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A kept-alive connection opened under another fetch's trust is checked again
        # against this fetch's trust before it carries a request.
        if self.sock is not None and self._peer is not None:
            reason = self._refusal(self._peer)
            if reason:
                raise RefusedAddress(reason)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_GuardMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests adapter whose direct connections refuse forbidden peers of untrusted hosts.

    Proxy managers keep urllib3's own classes: there the socket goes to the operator's
    proxy, which may well sit on a private address, and the proxy resolves the target.
    """

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
