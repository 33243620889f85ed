"""Start URL -> report URLs: read listing pages, follow their pagination, stay in scope.

`parse_listing` and `classify_page` are pure functions of decoded HTML; what
report links, pagination and page chrome look like is data in
listing_patterns.yaml, read by the anchor and pagination helpers in
listing_links.py.  `crawl_listings` is the only part that fetches.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urldefrag, urlsplit

from schemas.records import FetchedPage, FetchOutcome, PageState
from scrapers.encoding import decode_html
from scrapers.fetch import is_refused_target
from scrapers.listing_links import (
    Anchor,
    article_anchors,
    date_in,
    find_anchors,
    is_attachment,
    is_chrome,
    next_pages,
    parse_html,
    patterns,
    squash,
)
from scrapers.politeness import host_key
from scrapers.strip.body import text_stats
from scrapers.strip.rules import load_rules as load_strip_rules


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    date: date | None = None


@dataclass(frozen=True)
class ListingPage:
    report_links: list[Link]
    next_pages: list[str]
    is_listing: bool
    attachments: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Where a crawl from one start URL may go.

    Listing pages (pagination) must stay on the start URL's host under its folder.
    Report links need only the same host: CMS families keep articles outside the
    listing's folder (jcms lists under /col/, articles under /art/).  `allow`
    adds URL prefixes on other hosts.
    """

    host: str
    path_prefix: str
    allow: tuple[str, ...] = ()

    @classmethod
    def for_start_url(cls, url: str, allow: Iterable[str] = ()) -> Scope:
        path = urlsplit(url).path or "/"
        return cls(host_key(url), path[: path.rfind("/") + 1] or "/", tuple(allow))

    def _allowed(self, url: str) -> bool:
        return any(url.startswith(prefix) for prefix in self.allow)

    def contains(self, url: str) -> bool:
        """In scope for listing pages and redirects."""
        same = host_key(url) == self.host and (urlsplit(url).path or "/").startswith(self.path_prefix)
        return same or self._allowed(url)

    def admits_report(self, url: str) -> bool:
        return host_key(url) == self.host or self._allowed(url)


# --------------------------------------------------------------------------- public
def _has_article_meta(root) -> bool:
    """Gov-site pages carry <meta name="ArticleTitle">; on a column page it repeats the ColumnName."""
    meta = {(m.get("name") or "").lower(): squash(m.get("content") or "") for m in root.iter("meta")}
    title = meta.get("articletitle")
    return bool(title) and title != meta.get("columnname")


def _short_report(root, articles: list[Anchor], url: str) -> bool:
    """One block of prose with no article link inside, outweighing the article links elsewhere:
    a short report (a 季度 summary on a mobile page) with a few related links below it."""
    stats = text_stats(root, load_strip_rules())
    best, best_prose = None, 0
    for el in stats.order:  # pre-order: on a tie the deeper element, the one holding just that prose, wins
        prose = stats.prose.get(el, 0)
        if isinstance(el.tag, str) and el.tag not in ("html", "body") and prose > 0 and prose >= best_prose:
            best, best_prose = el, prose
    if best is None or best_prose < patterns().short_report_prose:
        return False
    article_urls = {a.url for a in articles}
    inside = {a.url for a in find_anchors(best, url)} & article_urls
    return not inside and best_prose > sum(len(a.text) for a in articles)


def classify_page(html: str, url: str) -> Literal["listing", "report"]:
    """A report page carries a body of prose; a listing carries many article links and little else."""
    root = parse_html(html)
    if root is None:
        return "report"
    p = patterns()
    if _has_article_meta(root):
        return "report"
    articles = article_anchors(find_anchors(root, url))
    for el in [e for e in root.iter() if is_chrome(e, p) and e.tag not in ("html", "body")]:
        if el.getparent() is not None:
            el.drop_tree()
    body = root.find("body")
    total = len(re.sub(r"\s", "", (body if body is not None else root).text_content()))
    link_chars = sum(len(re.sub(r"\s", "", a.text_content())) for a in root.iter("a"))
    prose = total - link_chars
    if articles and prose < p.report_min_prose and not _short_report(root, articles, url):
        return "listing"
    if len(articles) >= 8 and link_chars > prose:
        return "listing"
    return "report"


def parse_listing(html: str, url: str, scope: Scope) -> ListingPage:
    """Report links, further listing pages and attachments of one listing page."""
    root = parse_html(html)
    if root is None:
        return ListingPage([], [], False)
    anchors = find_anchors(root, url)
    p = patterns()
    reports: dict[str, Link] = {}
    for a in article_anchors(anchors):
        if a.url == urldefrag(url)[0] or not scope.admits_report(a.url):
            continue
        when = date_in(a.row_text, p.row_dates) or date_in(a.url, p.url_dates)
        reports.setdefault(a.url, Link(a.url, a.text, when))
    attachments = {a.url: Link(a.url, a.text, date_in(a.row_text, p.row_dates))
                   for a in anchors if is_attachment(a.url) and not a.in_chrome and scope.admits_report(a.url)}
    further = next_pages(anchors, html, squash(root.text_content()), url)
    pages = [u for u in further if scope.contains(u)]
    is_listing = bool(reports) and classify_page(html, url) == "listing"
    return ListingPage(list(reports.values()), pages, is_listing, list(attachments.values()))


class PageFetcher(Protocol):
    def fetch(self, url: str, *, trusted_hosts: Collection[str], scope=None) -> FetchOutcome: ...


@dataclass
class DiscoveryResult:
    reports: list[Link]
    ledger: list[FetchOutcome]  # listing pages that failed or were skipped, attachments, refused links
    listing_pages_fetched: int
    # start URLs that turned out to be reports, as fetched: the fetch stage need not ask again
    report_pages: dict[str, FetchedPage] = field(default_factory=dict)


def _title(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html or "", re.I | re.S)
    return squash(m.group(1)) if m else ""


def crawl_listings(start_urls: Iterable[str], fetcher: PageFetcher,
                   scope_for: Callable[[str], Scope] | None = None, max_pages: int = 50,
                   horizon: date | None = None, *, trusted_hosts: Collection[str] | None = None,
                   allow: Iterable[str] = ()) -> DiscoveryResult:
    """Walk each start URL's listing pages breadth-first and collect report links.

    A start URL that is itself a report comes back as the one report.  Stops after
    `max_pages` listing pages per start URL, and does not page further past a
    listing page whose dated links are all older than `horizon`.
    """
    starts = list(dict.fromkeys(start_urls))
    trusted = set(trusted_hosts) if trusted_hosts is not None else {host_key(u) for u in starts}
    allow = tuple(allow)
    scope_for = scope_for or (lambda u: Scope.for_start_url(u, allow))
    reports: dict[str, Link] = {}
    ledger: dict[str, FetchOutcome] = {}
    report_pages: dict[str, FetchedPage] = {}
    fetched = 0
    for start in starts:
        scope = scope_for(start)
        queue, queued, pages_here = deque([start]), {start}, 0
        while queue and pages_here < max_pages:
            page_url = queue.popleft()
            outcome = fetcher.fetch(page_url, trusted_hosts=trusted, scope=None if page_url == start else scope)
            pages_here += 1
            fetched += 1
            if not outcome.ok:
                ledger.setdefault(page_url, outcome)
                continue
            html = decode_html(outcome.page.body, outcome.page.headers)
            final = outcome.page.url
            if page_url == start and classify_page(html, final) == "report":
                reports.setdefault(start, Link(start, _title(html)))
                report_pages[start] = outcome.page
                continue
            listing = parse_listing(html, final, scope)
            for att in listing.attachments:
                ext = Path(urlsplit(att.url).path).suffix.lower()
                ledger.setdefault(att.url, FetchOutcome(att.url, PageState.SKIPPED, reason=f"attachment ({ext})"))
            for link in listing.report_links:
                if horizon and link.date and link.date < horizon:
                    continue
                if host_key(link.url) != scope.host and is_refused_target(link.url, trusted):
                    ledger.setdefault(link.url, FetchOutcome(link.url, PageState.SKIPPED,
                                                             reason="refused: private address"))
                    continue
                reports.setdefault(link.url, link)
            dated = [link.date for link in listing.report_links if link.date]
            if horizon and dated and len(dated) == len(listing.report_links) and max(dated) < horizon:
                continue  # everything on this page is older than the horizon; later pages are older still
            for nxt in listing.next_pages:
                if nxt not in queued:  # also stops pagination that points back to itself
                    queued.add(nxt)
                    queue.append(nxt)
    return DiscoveryResult(list(reports.values()), list(ledger.values()), fetched, report_pages)
