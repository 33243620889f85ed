"""Fetcher against servers on 127.0.0.1 that misbehave on purpose."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from servers import Reply, lazy_body, scripted_server, sequence, static_server

from schemas.records import PageState
from scrapers.encoding import decode_html
from scrapers.fetch import Fetcher, FetchSettings, is_refused_target, retry_after_seconds
from scrapers.politeness import HostGate

FAST = dict(min_delay_s=0.0, backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=(1.0, 0.5),
            retry_after_cap_s=2.0, user_agent_contact="tests@example.org")
PAGE = "<html><body><p>东江乡2022年工作总结</p></body></html>".encode()


def fetcher(**overrides) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        time.sleep(s)

    return Fetcher(FetchSettings(**{**FAST, **overrides}), sleep=sleep), slept


def get(fx: Fetcher, srv, path: str, **kw):
    return fx.fetch(srv.url(path), trusted_hosts={srv.host}, **kw)


def test_plain_page_keeps_bytes_and_sends_an_honest_user_agent():
    with scripted_server({"/a.html": Reply(body=PAGE)}) as srv:
        fx, _ = fetcher()
        out = get(fx, srv, "/a.html")
        assert out.ok and out.page.body == PAGE and out.page.status == 200
        ua = next(e.headers["User-Agent"] for e in srv.log if e.path == "/a.html")
    assert ua.startswith("township-warehouse/0.1 (") and "tests@example.org" in ua


def test_503_then_200_is_retried_honouring_retry_after():
    busy = Reply(503, b"busy", headers={"Retry-After": "1"})
    with scripted_server({"/r.html": sequence(busy, Reply(body=PAGE))}) as srv:
        fx, slept = fetcher()
        t0 = time.monotonic()
        out = get(fx, srv, "/r.html")
        assert out.ok and srv.hits("/r.html") == 2
    assert slept and slept[0] >= 1.0 and time.monotonic() - t0 >= 1.0


def test_429_is_retried_and_persistent_5xx_fails_with_a_reason():
    with scripted_server({"/t": sequence(Reply(429), Reply(body=PAGE)), "/down": Reply(502)}) as srv:
        fx, _ = fetcher()
        assert get(fx, srv, "/t").ok
        out = get(fx, srv, "/down")
        assert out.state == PageState.FAILED and out.reason == "HTTP 502 after 3 attempts"
        assert srv.hits("/down") == 3


def test_404_is_not_retried():
    with scripted_server({}) as srv:
        fx, _ = fetcher()
        out = get(fx, srv, "/missing.html")
        assert (out.state, out.reason, out.page) == (PageState.FAILED, "HTTP 404", None)
        assert srv.hits("/missing.html") == 1


def test_connection_reset_is_retried_then_reported():
    with scripted_server({"/reset": Reply(reset=True), "/once": sequence(Reply(reset=True), Reply(body=PAGE))}) as srv:
        fx, _ = fetcher()
        assert get(fx, srv, "/once").ok
        out = get(fx, srv, "/reset")
        assert out.state == PageState.FAILED
        assert out.reason.startswith("connection error after 3 attempts"), out.reason


def test_a_stall_past_the_read_timeout_fails_as_timeout():
    with scripted_server({"/slow": Reply(body=PAGE, stall_s=1.0)}) as srv:
        fx, _ = fetcher(timeout_s=(1.0, 0.2), max_attempts=2)
        out = get(fx, srv, "/slow")
    assert (out.state, out.reason) == (PageState.FAILED, "timeout after 2 attempts")


def test_redirects_are_followed_loops_detected_and_scope_kept():
    class FolderScope:
        def contains(self, url: str) -> bool:
            return "/news/" in url

    routes = {
        "/old": Reply(301, headers={"Location": "/news/new.html"}),
        "/news/new.html": Reply(body=PAGE),
        "/loop1": Reply(302, headers={"Location": "/loop2"}),
        "/loop2": Reply(302, headers={"Location": "/loop1"}),
        "/news/away": Reply(302, headers={"Location": "/elsewhere/x.html"}),
        "/hops": Reply(302, headers={"Location": "/hops?1"}),
        **{f"/hops?{i}": Reply(302, headers={"Location": f"/hops?{i + 1}"}) for i in range(1, 9)},
    }
    with scripted_server(routes) as srv:
        fx, _ = fetcher()
        ok = get(fx, srv, "/old")
        assert ok.ok and ok.page.url == srv.url("/news/new.html") and ok.page.requested_url == srv.url("/old")
        assert get(fx, srv, "/loop1").reason == "redirect loop"
        away = get(fx, srv, "/news/away", scope=FolderScope())
        assert away.state == PageState.SKIPPED and away.reason.startswith("redirect out of scope")
        assert get(fx, srv, "/hops").reason == "too many redirects (more than 5)"


def test_redirect_to_another_loopback_host_is_refused():
    with scripted_server({"/x.html": Reply(body=PAGE)}) as inner, \
         scripted_server({"/go": Reply(302, headers={"Location": inner.url("/x.html")})}) as outer:
        fx, _ = fetcher()
        out = get(fx, outer, "/go")
        assert (out.state, out.reason) == (PageState.SKIPPED, "refused: private address")
        assert inner.hits("/x.html") == 0


def test_a_50_mb_body_is_stopped_at_the_cap():
    fifty = 50 * 1024 * 1024
    routes = {"/big": Reply(body=lazy_body(fifty), content_length=False),
              "/declared": Reply(body=lazy_body(fifty), headers={"Content-Length": str(fifty)})}
    with scripted_server(routes) as srv:
        fx, _ = fetcher()
        t0 = time.monotonic()
        out = get(fx, srv, "/big")
        assert (out.state, out.reason) == (PageState.SKIPPED, "body larger than 20 MB")
        assert get(fx, srv, "/declared").reason == "body larger than 20 MB"
        assert srv.hits("/big") == 1  # oversize is a decision, not a transient failure
    assert time.monotonic() - t0 < 20


def test_robots_txt_disallow_and_missing_robots():
    robots = Reply(body=b"User-agent: *\nDisallow: /search\n", content_type="text/plain")
    with scripted_server({"/robots.txt": robots, "/search": Reply(body=PAGE), "/ok": Reply(body=PAGE)}) as srv, \
         scripted_server({"/ok": Reply(body=PAGE)}) as no_robots:
        fx, _ = fetcher()
        out = get(fx, srv, "/search")
        assert (out.state, out.reason) == (PageState.SKIPPED, "robots.txt disallows /search")
        assert srv.hits("/search") == 0
        assert get(fx, srv, "/ok").ok and get(fx, srv, "/ok").ok
        assert srv.hits("/robots.txt") == 1  # cached per host
        assert get(fx, no_robots, "/ok").ok  # 404 robots.txt allows all


def test_robots_txt_5xx_blocks_the_host_as_a_failure():
    with scripted_server({"/robots.txt": Reply(500), "/ok": Reply(body=PAGE)}) as srv:
        fx, _ = fetcher(max_attempts=2)
        out = get(fx, srv, "/ok")
        assert out.state == PageState.FAILED and out.reason.startswith("robots.txt unavailable")
        assert srv.hits("/ok") == 0


def _spacing(srv, path_prefix: str) -> list[float]:
    times = [e.at for e in srv.log if e.path.startswith(path_prefix)]
    return [b - a for a, b in itertools.pairwise(times)]


def test_crawl_delay_is_respected():
    robots = Reply(body=b"User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain")
    with scripted_server({"/robots.txt": robots, "/p1": Reply(body=PAGE), "/p2": Reply(body=PAGE),
                          "/p3": Reply(body=PAGE)}) as srv:
        fx, _ = fetcher()
        for p in ("/p1", "/p2", "/p3"):
            assert get(fx, srv, p).ok
        gaps = _spacing(srv, "/p")
    assert len(gaps) == 2 and min(gaps) >= 0.38


def test_min_delay_per_host_while_two_hosts_go_in_parallel():
    routes = {f"/p{i}": Reply(body=PAGE) for i in range(3)}
    with scripted_server(routes) as a, scripted_server(routes) as b:
        fx, _ = fetcher(min_delay_s=0.3)
        results = []

        def crawl(srv):
            results.extend(get(fx, srv, f"/p{i}") for i in range(3))

        t0 = time.monotonic()
        threads = [threading.Thread(target=crawl, args=(s,)) for s in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        gaps = _spacing(a, "/p") + _spacing(b, "/p")
    assert all(r.ok for r in results) and len(results) == 6
    assert min(gaps) >= 0.28
    # each host: robots.txt + 3 pages = 0.9 s of spacing; one after the other would take 2.1 s or more
    assert elapsed < 1.7


def test_host_gate_limits_concurrency_per_host():
    gate = HostGate(min_delay_s=0.0, per_host_concurrency=2)
    inside, peak, lock = [0], [0], threading.Lock()

    def work():
        with gate.slot("h"):
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.05)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_gbk_page_without_charset_header_decodes():
    text = ("<html><body><h1>长洛乡2023年上半年工作总结</h1>"
            "<p>脱贫户512户，公益性岗位93个，衔接资金875.4万元。</p></body></html>")
    body = text.encode("gbk")
    with scripted_server({"/gbk.html": Reply(body=body, content_type="text/html")}) as srv:
        fx, _ = fetcher()
        out = get(fx, srv, "/gbk.html")
    assert out.page.body == body
    assert "公益性岗位93个" in decode_html(out.page.body, out.page.headers)


def test_conditional_get_against_simple_http_server(tmp_path):
    (tmp_path / "r.html").write_bytes(PAGE)
    with static_server(tmp_path) as srv:
        fx, _ = fetcher()
        first = get(fx, srv, "/r.html")
        last_modified = first.page.headers["Last-Modified"]
        again = get(fx, srv, "/r.html", last_modified=last_modified)
    assert again.not_modified and again.state == PageState.UNCHANGED and again.page is None


def test_etag_is_sent_as_if_none_match():
    def tagged(hit):
        if hit.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(body=PAGE, headers={"ETag": '"v1"'})

    with scripted_server({"/e": tagged}) as srv:
        fx, _ = fetcher()
        first = get(fx, srv, "/e")
        assert get(fx, srv, "/e", etag=first.page.headers["ETag"]).not_modified


def test_attachments_and_bad_urls_are_skipped_without_a_request():
    with scripted_server({"/f.pdf": Reply(body=b"%PDF")}) as srv:
        fx, _ = fetcher()
        out = get(fx, srv, "/f.pdf")
        assert (out.state, out.reason) == (PageState.SKIPPED, "attachment (.pdf)")
        assert srv.hits("/f.pdf") == 0
    assert fetcher()[0].fetch("ftp://x/y", trusted_hosts=set()).state == PageState.SKIPPED
    assert fetcher()[0].fetch("http://[bad", trusted_hosts=set()).state in (PageState.SKIPPED, PageState.FAILED)


def test_refused_target_rule():
    assert is_refused_target("http://127.0.0.1:9/x", trusted_hosts=set())
    assert is_refused_target("http://169.254.169.254/latest/meta-data", trusted_hosts={"127.0.0.1:8000"})
    assert is_refused_target("http://10.1.2.3/", trusted_hosts=set())
    assert not is_refused_target("http://127.0.0.1:8000/x", trusted_hosts={"127.0.0.1:8000"})
    assert not is_refused_target("http://93.184.216.34/x", trusted_hosts=set())


@pytest.mark.parametrize("value, expected", [("3", 3.0), (None, None), ("soon", None)])
def test_retry_after_values(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_as_http_date():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
