"""The fetch stage's guards: DNS rebinding is refused at the socket, and Crawl-delay is capped."""

from __future__ import annotations

import itertools
import logging
import socket
import time

import pytest
from servers import Reply, scripted_server

from schemas.records import PageState
from scrapers.fetch import Fetcher, FetchSettings
from scrapers.guard import GuardedHTTPConnection, RefusedAddress, trusting

FAST = dict(min_delay_s=0.0, backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=(1.0, 1.0),
            user_agent_contact="tests@example.org", use_env_proxies=False)
PAGE = "<html><body><p>东江乡2022年工作总结</p></body></html>".encode()
PUBLIC = "93.184.216.34"


class FakeDNS:
    """socket.getaddrinfo for made-up names: answers[i] is the address of the (i+1)-th lookup
    (the last repeats); any other name goes to the real resolver."""

    def __init__(self, monkeypatch, names: dict[str, list[str]]):
        self.names, self.lookups = names, {n: 0 for n in names}
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if host not in self.names:
            return self._real(host, port, family, type, proto, flags)
        answers = self.names[host]
        address = answers[min(self.lookups[host], len(answers) - 1)]
        self.lookups[host] += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 80)))]


def fetcher(**overrides) -> Fetcher:
    return Fetcher(FetchSettings(**{**FAST, **overrides}))


@pytest.mark.parametrize("obey_robots", [True, False])
def test_a_link_whose_name_rebinds_to_loopback_never_reaches_the_server(monkeypatch, obey_robots):
    with scripted_server({"/robots.txt": Reply(404), "/x.html": Reply(body=PAGE)}) as inner:
        port = inner.server.server_address[1]
        dns = FakeDNS(monkeypatch, {"rebind.test": [PUBLIC, "127.0.0.1"]})
        out = fetcher(obey_robots=obey_robots).fetch(f"http://rebind.test:{port}/x.html",
                                                     trusted_hosts={"start.example"})
        assert out.state == PageState.SKIPPED
        assert out.reason == f"refused: private address (rebind.test:{port} connected to 127.0.0.1)"
        assert dns.lookups["rebind.test"] >= 2  # the pre-check saw the public answer and let it pass
        assert inner.log == []  # not robots.txt, not the page: no request reached the server


def test_a_redirect_from_a_trusted_host_to_a_rebinding_name_is_refused(monkeypatch):
    with scripted_server({"/x.html": Reply(body=PAGE)}) as inner:
        target = f"http://rebind.test:{inner.server.server_address[1]}/x.html"
        with scripted_server({"/go": Reply(302, headers={"Location": target})}) as outer:
            FakeDNS(monkeypatch, {"rebind.test": [PUBLIC, "127.0.0.1"]})
            out = fetcher().fetch(outer.url("/go"), trusted_hosts={outer.host})
            assert out.state == PageState.SKIPPED and out.reason.startswith("refused: private address")
            assert outer.hits("/go") == 1 and inner.log == []


def test_https_is_refused_before_the_tls_handshake(monkeypatch):
    with scripted_server({}) as inner:
        port = inner.server.server_address[1]
        FakeDNS(monkeypatch, {"rebind.test": [PUBLIC, "127.0.0.1"]})
        out = fetcher(obey_robots=False).fetch(f"https://rebind.test:{port}/x.html", trusted_hosts=set())
        # Not an SSL error from a plain-HTTP server: the socket was closed before any ClientHello.
        assert out.reason == f"refused: private address (rebind.test:{port} connected to 127.0.0.1)"
        assert inner.log == []


def test_a_trusted_name_on_loopback_works_and_keeps_its_host_header(monkeypatch):
    with scripted_server({"/robots.txt": Reply(404), "/a.html": Reply(body=PAGE)}) as srv:
        port = srv.server.server_address[1]
        FakeDNS(monkeypatch, {"intranet.test": ["127.0.0.1"]})
        out = fetcher().fetch(f"http://intranet.test:{port}/a.html", trusted_hosts={f"INTRANET.test:{port}"})
        assert out.ok and out.page.body == PAGE
        assert next(e.headers["Host"] for e in srv.log if e.path == "/a.html") == f"intranet.test:{port}"


def test_a_kept_alive_connection_is_checked_again_under_the_current_trust():
    conn = GuardedHTTPConnection("pooled.test", 8080)
    conn.sock, conn._peer = object(), "127.0.0.1"  # as if connected while pooled.test was trusted
    with trusting(set()), pytest.raises(RefusedAddress, match=r"pooled\.test:8080 connected to 127\.0\.0\.1"):
        conn.request("GET", "/")
    conn.sock = None


def test_a_huge_crawl_delay_is_capped_and_logged_once_per_host(caplog):
    robots = Reply(body=b"User-agent: *\nCrawl-delay: 3600\n", content_type="text/plain")
    routes = {"/robots.txt": robots, **{f"/p{i}": Reply(body=PAGE) for i in range(3)}}
    with scripted_server(routes) as srv, caplog.at_level(logging.WARNING, logger="scrapers.fetch"):
        fx = fetcher(max_crawl_delay_s=0.3)
        t0 = time.monotonic()
        assert all(fx.fetch(srv.url(f"/p{i}"), trusted_hosts={srv.host}).ok for i in range(3))
        elapsed = time.monotonic() - t0
        times = [e.at for e in srv.log if e.path.startswith("/p")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.28 and elapsed < 5  # paced at the cap, not at an hour
    capped = [r.getMessage() for r in caplog.records if "capped" in r.getMessage()]
    assert len(capped) == 1 and srv.host in capped[0] and "3600" in capped[0]


def test_crawl_delay_cap_defaults_to_a_minute():
    assert FetchSettings().max_crawl_delay_s == 60.0
