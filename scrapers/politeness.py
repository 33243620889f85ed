"""Being a good guest on someone else's server: per-host pacing and robots.txt.

One `HostGate` and one `RobotsCache` are shared by every thread of a Fetcher, so
the limits hold for the whole process: requests to one host start at least
`delay` seconds apart and at most `per_host_concurrency` are in flight, while
different hosts proceed in parallel.  A host is its netloc (host[:port]), the
same identity the trust rule uses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego


def host_key(url: str) -> str:
    """host[:port] in lower case, without the scheme's default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{host}:{port}" if port and port != default else host


@dataclass
class _HostState:
    slots: threading.Semaphore
    pacing: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0


class HostGate:
    """Per-host concurrency limit and minimum spacing between request starts."""

    def __init__(self, min_delay_s: float = 1.0, per_host_concurrency: int = 1,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.min_delay_s = max(0.0, min_delay_s)
        self.per_host_concurrency = max(1, per_host_concurrency)
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, host: str) -> _HostState:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = _HostState(threading.Semaphore(self.per_host_concurrency))
            return self._hosts[host]

    @contextmanager
    def slot(self, host: str, delay_s: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots for one request; blocks until it may start."""
        state = self._state(host)
        delay = max(self.min_delay_s, delay_s or 0.0)
        state.slots.acquire()
        try:
            # Sleeping under the host's pacing lock is deliberate: it queues the
            # host's requests one `delay` apart; other hosts have their own lock.
            with state.pacing:
                wait = state.next_start - self._clock()
                if wait > 0:
                    self._sleep(wait)
                state.next_start = self._clock() + delay
            yield
        finally:
            state.slots.release()


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt says to our user agent."""

    parser: Protego | None  # None: no usable robots.txt, everything allowed
    blocked_reason: str | None = None  # set when the host must not be crawled at all for now

    def allows(self, url: str, user_agent: str) -> bool:
        if self.blocked_reason:
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


ROBOTS_ALLOW_ALL = RobotsRules(parser=None)


def rules_from_response(status: int | None, text: str | None, error: str | None) -> RobotsRules:
    """Turn the answer to GET /robots.txt into rules, following RFC 9309 §2.3.1.

    4xx (incl. 404): no rules, crawl everything.  5xx or unreachable: the RFC says
    assume complete disallow; we block the host for now (the page is FAILED, so a
    later rerun tries again) rather than crawl a site whose rules we cannot read.
    """
    if status is not None and 200 <= status < 300 and text is not None:
        return RobotsRules(parser=Protego.parse(text))
    if status is not None and 400 <= status < 500:
        return ROBOTS_ALLOW_ALL
    why = f"HTTP {status}" if status is not None else (error or "no answer")
    return RobotsRules(parser=None, blocked_reason=f"robots.txt unavailable ({why})")


class RobotsCache:
    """robots.txt per host, fetched once through `load` and kept for `ttl_s` seconds.

    An unavailable robots.txt is remembered for a shorter `failure_ttl_s` so one
    bad moment does not block a host for the whole run.
    """

    def __init__(self, load: Callable[[str], RobotsRules], ttl_s: float = 6 * 3600,
                 failure_ttl_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self._load = load
        self._ttl_s, self._failure_ttl_s, self._clock = ttl_s, failure_ttl_s, clock
        self._rules: dict[str, tuple[RobotsRules, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            host_lock = self._locks.setdefault(origin, threading.Lock())
        # One thread fetches a host's robots.txt; the others wait for its answer.
        with host_lock:
            cached = self._rules.get(origin)
            if cached and cached[1] > self._clock():
                return cached[0]
            rules = self._load(origin + "/robots.txt")
            ttl = self._failure_ttl_s if rules.blocked_reason else self._ttl_s
            self._rules[origin] = (rules, self._clock() + ttl)
            return rules
