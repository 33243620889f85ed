"""URL -> FetchOutcome: polite, bounded, retried HTTP that never raises.

Every answer is a FetchOutcome: a FetchedPage (raw bytes, decoded later by
scrapers.encoding.decode_html), UNCHANGED for a 304, SKIPPED with a reason for
things we chose not to fetch (robots.txt, attachments, refused or out-of-scope
redirects, oversize bodies), or FAILED with a one-line reason.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import requests

from schemas.records import FetchedPage, FetchOutcome, PageState
from scrapers.guard import GuardedAdapter, RefusedAddress, is_refused_target, trusting
from scrapers.politeness import HostGate, RobotsCache, RobotsRules, host_key, rules_from_response

log = logging.getLogger(__name__)

PROJECT_UA = "township-warehouse/0.1"
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps", ".ppt", ".pptx",
                         ".7z", ".ofd", ".et", ".dps")
_ATTACHMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.", "application/zip",
                     "application/x-rar", "application/x-zip", "application/octet-stream", "application/ofd")
_REDIRECTS = {301, 302, 303, 307, 308}


class InScope(Protocol):
    def contains(self, url: str) -> bool: ...


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch; every field has a production default."""

    user_agent_contact: str = "+https://example.org/township-warehouse; ops@example.org"
    min_delay_s: float = 1.0  # between request starts to one host
    per_host_concurrency: int = 1
    timeout_s: float | tuple[float, float] | list[float] = (5.0, 20.0)  # (connect, read)
    total_timeout_s: float = 120.0  # a server trickling bytes still ends
    max_body_mb: float = 20.0
    max_attempts: int = 3
    backoff_base_s: float = 1.0  # waits base, 2*base, 4*base ... plus up to `base` of jitter
    backoff_max_s: float = 30.0
    retry_after_cap_s: float = 120.0  # a Retry-After longer than this is cut to it
    max_redirects: int = 5
    obey_robots: bool = True
    robots_ttl_s: float = 6 * 3600
    # A robots.txt Crawl-delay above this is cut to it (logged once per host). Capping,
    # not skipping: the host is still crawled far slower than our own pace (a minute per
    # page rather than a second), so we stay polite without losing a whole site to one
    # outsized number; an hour per page would stall the night for a few dozen pages.
    max_crawl_delay_s: float = 60.0
    use_env_proxies: bool = True

    @property
    def user_agent(self) -> str:
        return f"{PROJECT_UA} ({self.user_agent_contact})"

    @property
    def timeouts(self) -> tuple[float, float]:
        if isinstance(self.timeout_s, int | float):
            return float(self.timeout_s), float(self.timeout_s)
        connect, read = self.timeout_s
        return float(connect), float(read)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


# --------------------------------------------------------------------------- helpers
def _attachment_extension(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    return next((ext for ext in ATTACHMENT_EXTENSIONS if path.endswith(ext)), None)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _mb(n: float) -> str:
    return f"{n:g} MB"


class _Oversize(Exception):
    pass


@dataclass(frozen=True)
class _Answer:
    """One HTTP exchange after retries: a response (status, headers, body) or an error."""

    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""
    error: str | None = None  # one-line reason when there was no usable response
    skipped: bool = False  # the error is a deliberate skip (oversize), not a failure


# --------------------------------------------------------------------------- fetcher
class Fetcher:
    """Thread-safe fetcher: share one per process so politeness holds across threads."""

    def __init__(self, settings: FetchSettings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._gate = HostGate(self.settings.min_delay_s, self.settings.per_host_concurrency)
        self._robots = RobotsCache(self._load_robots, ttl_s=self.settings.robots_ttl_s)
        self._local = threading.local()
        self._capped_hosts: set[str] = set()  # hosts whose Crawl-delay cap was logged
        self._capped_lock = threading.Lock()

    # -- public ---------------------------------------------------------------
    def fetch(self, url: str, *, trusted_hosts: Collection[str], etag: str | None = None,
              last_modified: str | None = None, scope: InScope | None = None) -> FetchOutcome:
        """GET `url`, following up to max_redirects redirects by hand; never raises.

        `trusted_hosts` (the operator's start URLs' hosts) may be on private addresses;
        any other host reaching one, even after the name re-resolves, is SKIPPED."""
        try:
            with trusting(trusted_hosts):
                return self._fetch(url, trusted_hosts, etag, last_modified, scope)
        except RefusedAddress as exc:  # raised by the socket check (scrapers.guard), page or robots.txt
            return FetchOutcome(url, PageState.SKIPPED, reason=str(exc))
        except Exception as exc:  # a fetch ends in a ledger state, never a traceback
            return FetchOutcome(url, PageState.FAILED, reason=f"fetch error: {exc.__class__.__name__}: {exc}")

    # -- the redirect walk ----------------------------------------------------
    def _fetch(self, url: str, trusted_hosts: Collection[str], etag: str | None, last_modified: str | None,
               scope: InScope | None) -> FetchOutcome:
        s = self.settings
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        seen: set[str] = set()
        current = url
        for hop in range(s.max_redirects + 1):
            refusal = self._refusal(current, trusted_hosts, scope if hop else None)
            if refusal:
                return FetchOutcome(url, PageState.SKIPPED, reason=refusal)
            seen.add(current)
            answer = self._request(current, conditional, obey_robots=s.obey_robots)
            if answer.error:
                state = PageState.SKIPPED if answer.skipped else PageState.FAILED
                return FetchOutcome(url, state, reason=answer.error)
            status, headers = answer.status or 0, answer.headers or {}
            if status in _REDIRECTS:
                location = _header(headers, "location")
                if not location:
                    return FetchOutcome(url, PageState.FAILED, reason=f"HTTP {status} without Location")
                nxt = urljoin(current, location.strip()).split("#", 1)[0]
                if nxt in seen:
                    return FetchOutcome(url, PageState.FAILED, reason="redirect loop")
                current = nxt
                continue
            if status == 304:
                return FetchOutcome(url, PageState.UNCHANGED, reason="not modified", not_modified=True)
            if status >= 400:
                return FetchOutcome(url, PageState.FAILED, reason=f"HTTP {status}")
            ctype = _header(headers, "content-type").lower()
            if any(ctype.startswith(t) for t in _ATTACHMENT_TYPES):
                return FetchOutcome(url, PageState.SKIPPED, reason=f"attachment ({ctype.split(';')[0]})")
            page = FetchedPage(url=current, requested_url=url, status=status, headers=headers,
                               body=answer.body, fetched_at=datetime.now(UTC))
            # LOADED only fills the required field: success is `outcome.page is not None`.
            return FetchOutcome(url, PageState.LOADED, page=page)
        return FetchOutcome(url, PageState.FAILED, reason=f"too many redirects (more than {s.max_redirects})")

    def _refusal(self, url: str, trusted_hosts: Collection[str], scope: InScope | None) -> str | None:
        """Why `url` must not be requested at all, or None."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return f"not an http(s) URL: {url[:80]}"
        ext = _attachment_extension(url)
        if ext:
            return f"attachment ({ext})"
        if scope is not None and not scope.contains(url):
            return f"redirect out of scope: {url[:120]}"
        if is_refused_target(url, trusted_hosts):
            return "refused: private address"
        if self.settings.obey_robots:
            rules = self._robots.rules_for(url)
            if rules.blocked_reason:
                return None  # reported by _request as a failure, so a rerun retries it
            if not rules.allows(url, self.settings.user_agent):
                return f"robots.txt disallows {urlsplit(url).path or '/'}"
        return None

    # -- one request with retries ---------------------------------------------
    def _request(self, url: str, extra_headers: dict[str, str], *, obey_robots: bool) -> _Answer:
        s = self.settings
        delay = None
        if obey_robots:
            rules = self._robots.rules_for(url)
            if rules.blocked_reason:
                return _Answer(error=rules.blocked_reason)
            delay = self._crawl_delay(url, rules)
        last = _Answer(error="no attempt made")
        for attempt in range(1, s.max_attempts + 1):
            with self._gate.slot(host_key(url), delay):
                last = self._once(url, extra_headers)
            retryable = last.error is not None and not last.skipped and last.status is None
            retryable = retryable or last.status == 429 or (last.status or 0) >= 500
            if not retryable:
                return last
            if attempt == s.max_attempts:
                break
            wait = min(s.backoff_max_s, s.backoff_base_s * 2 ** (attempt - 1)) + random.uniform(0, s.backoff_base_s)
            told = retry_after_seconds(_header(last.headers or {}, "retry-after"))
            if told is not None:
                wait = max(wait, min(told, s.retry_after_cap_s))
            self._sleep(wait)
        what = last.error.split(":")[0] if last.error else f"HTTP {last.status}"
        return _Answer(status=None, error=f"{what} after {s.max_attempts} attempts")

    def _crawl_delay(self, url: str, rules: RobotsRules) -> float | None:
        delay = rules.crawl_delay(self.settings.user_agent)
        cap = self.settings.max_crawl_delay_s
        if delay is None or delay <= cap:
            return delay
        host = host_key(url)
        with self._capped_lock:
            first = host not in self._capped_hosts
            self._capped_hosts.add(host)
        if first:
            log.warning("robots.txt Crawl-delay %gs for %s capped to max_crawl_delay_s=%gs", delay, host, cap)
        return cap

    def _session(self) -> requests.Session:
        # requests.Session is not documented as thread-safe: one per thread.
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = self.settings.use_env_proxies
            adapter = GuardedAdapter()  # checks the address each connection really reached
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"User-Agent": self.settings.user_agent,
                                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                                    "Accept-Language": "zh-CN,zh;q=0.9"})
            self._local.session = session
        return session

    def _once(self, url: str, extra_headers: dict[str, str]) -> _Answer:
        s = self.settings
        try:
            with self._session().get(url, headers=extra_headers, timeout=s.timeouts, stream=True,
                                     allow_redirects=False) as resp:
                headers = dict(resp.headers)
                if resp.status_code in _REDIRECTS or resp.status_code == 304 or resp.status_code >= 400:
                    return _Answer(status=resp.status_code, headers=headers)
                body = self._read_capped(resp)
                return _Answer(status=resp.status_code, headers=headers, body=body)
        except _Oversize:
            return _Answer(error=f"body larger than {_mb(s.max_body_mb)}", skipped=True)
        except requests.exceptions.Timeout:
            return _Answer(error="timeout")
        except requests.exceptions.ConnectionError as exc:
            if isinstance(exc.__context__, TimeoutError) or "timed out" in str(exc).lower():
                return _Answer(error="timeout")
            return _Answer(error=f"connection error: {_short(exc)}")
        except requests.exceptions.RequestException as exc:
            return _Answer(error=f"request error: {_short(exc)}")

    def _read_capped(self, resp: requests.Response) -> bytes:
        s = self.settings
        declared = _header(dict(resp.headers), "content-length")
        if declared.isdigit() and int(declared) > s.max_body_bytes:
            raise _Oversize
        deadline = time.monotonic() + s.total_timeout_s
        chunks, size = [], 0
        for chunk in resp.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > s.max_body_bytes:
                raise _Oversize
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout("total timeout")
            chunks.append(chunk)
        return b"".join(chunks)

    # -- robots.txt -----------------------------------------------------------
    def _load_robots(self, robots_url: str) -> RobotsRules:
        answer = self._request(robots_url, {}, obey_robots=False)
        # Follow one redirect level by hand (http -> https is common for robots.txt).
        if answer.status in _REDIRECTS:
            location = _header(answer.headers or {}, "location")
            if location:
                answer = self._request(urljoin(robots_url, location), {}, obey_robots=False)
        if answer.status in _REDIRECTS:
            return rules_from_response(404, None, None)
        text = answer.body.decode("utf-8", errors="replace") if answer.status == 200 else None
        return rules_from_response(answer.status, text, answer.error)


def _header(headers: dict[str, str], name: str) -> str:
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return ""


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    for marker in ("Connection reset", "Connection refused", "Connection aborted", "RemoteDisconnected",
                   "Name or service not known", "Max retries exceeded"):
        if marker in text:
            return marker
    return text[:100]
