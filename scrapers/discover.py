"""Start URL -> report URLs: read listing pages, follow their pagination, stay in scope.

`parse_listing` and `classify_page` are pure functions of decoded HTML; what
report links, pagination and page chrome look like is data in
listing_patterns.yaml.  `crawl_listings` is the only part that fetches.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import yaml
from lxml import etree

from schemas.records import FetchedPage, FetchOutcome, PageState
from scrapers.encoding import decode_html
from scrapers.fetch import is_refused_target
from scrapers.politeness import host_key
from scrapers.strip.body import text_stats
from scrapers.strip.rules import load_rules as load_strip_rules

PATTERNS_FILE = Path(__file__).with_name("listing_patterns.yaml")


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


class _Patterns:
    def __init__(self, data: dict):
        flags = re.IGNORECASE
        self.article = [re.compile(p, flags) for p in data["article_url_patterns"]]
        self.listing_url = re.compile(data["listing_url_pattern"], flags)
        self.paged = [re.compile(p, flags) for p in data["paged_url_patterns"]]
        self.next_texts = {t.lower() for t in data["pagination_texts"]}
        self.back_texts = {t.lower() for t in data["backward_texts"]}
        self.page_count = re.compile(data["page_count_pattern"])
        self.title_words = tuple(data["report_title_words"])
        self.chrome_token = re.compile(
            r"^(?:" + "|".join(map(re.escape, data["chrome_tokens"])) + r")(?:[-_]?\w{0,8})?$", flags)
        self.chrome_tags = set(data["chrome_tags"])
        self.row_dates = [re.compile(p) for p in data["row_date_patterns"]]
        self.url_dates = [re.compile(p, flags) for p in data["url_date_patterns"]]
        self.attachments = tuple(data["attachment_extensions"])
        self.article_nav = tuple(data["article_nav_words"])
        self.report_min_prose = int(data["report_min_prose_chars"])
        self.short_report_prose = int(data["short_report_prose_chars"])
        self.current_tokens = {t.lower() for t in data["current_page_tokens"]}


@functools.cache
def patterns() -> _Patterns:
    return _Patterns(yaml.safe_load(PATTERNS_FILE.read_text("utf-8")))


# --------------------------------------------------------------------------- page reading
@dataclass(frozen=True)
class _Anchor:
    url: str
    text: str
    in_chrome: bool
    row_text: str  # text of the list row (li/tr/dd/p) holding the anchor
    current: bool = False  # marked as the page being shown (class="active", "cur" …)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


_XML_STORE = re.compile(r"<script[^>]*type\s*=\s*[\"']?text/xml[^>]*>(.*?)</script>", re.I | re.S)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.I | re.S)


def _unpack_record_stores(html: str) -> str:
    """jcms (大汉) listings ship their rows as <record><![CDATA[<li><a …>]]></record> inside a
    <script type="text/xml"> data store that script renders; an HTML parser sees no links
    there, so the records are put back into the page as the list they will become."""
    def rows(m: re.Match) -> str:
        records = _RECORD.findall(m.group(1))
        return f"<ul class=\"record-store\">{''.join(records)}</ul>" if records else m.group(0)

    return _XML_STORE.sub(rows, html) if "<record" in html.lower() else html


def _parse(html: str):
    try:
        root = lxml.html.document_fromstring(_unpack_record_stores(html or "") or "<html></html>")
    except (etree.ParserError, ValueError):
        return None
    return root


def _is_chrome(el, p: _Patterns) -> bool:
    if not isinstance(el.tag, str):
        return False
    if el.tag in p.chrome_tags:
        return True
    tokens = (el.get("class") or "").split() + (el.get("id") or "").split()
    return any(p.chrome_token.match(t) for t in tokens)


def _row_of(a) -> str:
    for el in a.iterancestors():
        if el.tag in ("li", "tr", "dd", "dt", "p", "td") or (el.tag == "div" and len(el) <= 4):
            return _squash(el.text_content())
        if el.tag in ("ul", "ol", "table", "body"):
            break
    return ""


def _anchors(root, base: str) -> list[_Anchor]:
    p = patterns()
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(base, b.get("href"))
            break
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel|data|about):", href):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        row = _row_of(a)
        chrome = any(_is_chrome(el, p) for el in a.iterancestors()) or row.startswith(p.article_nav)
        text = _squash(a.get("title") or a.text_content())
        marked = [a, a.getparent()] if a.getparent() is not None else [a]
        current = any(set((el.get("class") or "").lower().split()) & p.current_tokens for el in marked)
        out.append(_Anchor(url, text, chrome, row, current))
    return out


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(patterns().attachments)


def _looks_like_article(anchor: _Anchor) -> bool:
    p = patterns()
    where = _path_query(anchor.url)
    if p.listing_url.search(urlsplit(anchor.url).path) and not urlsplit(anchor.url).query:
        return False
    if any(rx.search(where) for rx in p.article):
        return True
    return len(anchor.text) >= 6 and any(w in anchor.text for w in p.title_words)


def _date_in(text: str, rxs: list[re.Pattern]) -> date | None:
    for rx in rxs:
        for m in rx.finditer(text):
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


def _shape(url: str) -> str:
    """URL with its ids blanked, so /detail/8a8f3c2e.html and /detail/4b6e9d01.html look alike."""
    return re.sub(r"[0-9A-Za-z]*\d[0-9A-Za-z]*", "0", _path_query(url))


def _article_anchors(anchors: list[_Anchor]) -> list[_Anchor]:
    """Article links of the main list: by URL/title pattern, or as a run of same-shaped titled links."""
    main = [a for a in anchors if not a.in_chrome and not _is_attachment(a.url)]
    found = [a for a in main if _looks_like_article(a)]
    shapes: dict[str, int] = {}
    for a in main:
        if len(a.text) >= 6 and re.search(r"\d", _path_query(a.url)):
            shapes[_shape(a.url)] = shapes.get(_shape(a.url), 0) + 1
    found_urls = {a.url for a in found}
    listing_url = patterns().listing_url
    for a in main:
        if a.url not in found_urls and shapes.get(_shape(a.url), 0) >= 4 and len(a.text) >= 6 \
                and not listing_url.search(urlsplit(a.url).path):
            found.append(a)
            found_urls.add(a.url)
    return found


# --------------------------------------------------------------------------- pagination
_PAGER_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_QUOTED = re.compile(r"""^\s*['"]([^'"]*)['"]\s*$""")
_PAGE_EXTS = {"html", "htm", "shtml", "jsp", "php", "asp", "aspx"}


def _script_pages(html: str, url: str) -> list[str]:
    """TRS pagers written by script, e.g. createPageHTML(5, 0, "index", "shtml"): index_1 .. index_4."""
    out: list[str] = []
    for call in _PAGER_CALL.finditer(html):
        args = [a.strip() for a in call.group(1).split(",")]
        numbers, words = [], []
        for arg in args:
            quoted = _QUOTED.match(arg)
            if quoted:
                words.append(quoted.group(1))
            elif arg.isdigit():
                numbers.append(int(arg))
            elif re.fullmatch(r"[A-Za-z_$][\w$.]*", arg):
                m = re.search(rf"(?:var\s+)?{re.escape(arg)}\s*=\s*['\"]?(\d+)", html)
                if m:
                    numbers.append(int(m.group(1)))
        ext_at = next((i for i in range(len(words) - 1, -1, -1) if words[i].lower() in _PAGE_EXTS), None)
        if not numbers or ext_at is None or ext_at == 0:
            continue
        stem, ext = words[ext_at - 1], words[ext_at]
        out += [urljoin(url, f"{stem}_{k}.{ext}") for k in range(1, min(numbers[0], 1000))]
    return out


_JPAGE = re.compile(r"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.jpage\(""")


def _jpage_pages(html: str, url: str) -> list[str]:
    """jcms pagers built by script: $('#5678').jpage({perPage: 15, totalRecord: 38 …}) pages
    as ?uid=5678&pageNum=2 … on the column page itself."""
    out: list[str] = []
    for call in _JPAGE.finditer(html):
        window = html[call.end(): call.end() + 1500]
        per = re.search(r"\bperPage\s*:\s*['\"]?(\d+)", window)
        total = re.search(r"\btotalRecord\s*:\s*['\"]?(\d+)", window)
        if not per or not total or int(per[1]) <= 0:
            continue
        count = min(-(-int(total[1]) // int(per[1])), 1000)
        base = url.split("?", 1)[0].split("#", 1)[0]
        out += [f"{base}?uid={call[1]}&pageNum={k}" for k in range(2, count + 1)]
    return out


def _next_pages(anchors: list[_Anchor], html: str, page_text: str, url: str, scope: Scope) -> list[str]:
    p = patterns()
    pages: list[str] = []
    for a in anchors:
        text = a.text.lower()
        if text in p.back_texts or a.current or _is_attachment(a.url):
            continue
        paged = any(rx.search(_path_query(a.url)) for rx in p.paged)
        numbered = text.isdigit() and (paged or p.listing_url.search(urlsplit(a.url).path))
        if text in p.next_texts or numbered or (paged and not a.in_chrome and len(a.text) <= 8):
            pages.append(a.url)
    pages += _script_pages(html, url) + _jpage_pages(html, url)
    count = p.page_count.search(page_text)
    stem = re.search(r"/(index|list|default)(?:_\d+)?\.(s?html?)$", urlsplit(url).path, re.I)
    if count and stem and any(re.search(rf"/{stem[1]}_\d+\.{stem[2]}$", u, re.I) for u in pages):
        pages += [urljoin(url, f"{stem[1]}_{k}.{stem[2]}") for k in range(1, min(int(count[1]), 1000))]
    own = urldefrag(url)[0]
    return [u for u in dict.fromkeys(pages) if u != own and scope.contains(u)]


# --------------------------------------------------------------------------- public
def _has_article_meta(root) -> bool:
    """Gov-site pages carry <meta name="ArticleTitle">; on a column page it repeats the ColumnName."""
    meta = {(m.get("name") or "").lower(): _squash(m.get("content") or "") for m in root.iter("meta")}
    title = meta.get("articletitle")
    return bool(title) and title != meta.get("columnname")


def _short_report(root, articles: list[_Anchor], url: str) -> bool:
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
    inside = {a.url for a in _anchors(best, url)} & article_urls
    return not inside and best_prose > sum(len(a.text) for a in articles)


def classify_page(html: str, url: str) -> Literal["listing", "report"]:
    """A report page carries a body of prose; a listing carries many article links and little else."""
    root = _parse(html)
    if root is None:
        return "report"
    p = patterns()
    if _has_article_meta(root):
        return "report"
    articles = _article_anchors(_anchors(root, url))
    for el in [e for e in root.iter() if _is_chrome(e, p) and e.tag not in ("html", "body")]:
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
    root = _parse(html)
    if root is None:
        return ListingPage([], [], False)
    anchors = _anchors(root, url)
    p = patterns()
    reports: dict[str, Link] = {}
    for a in _article_anchors(anchors):
        if a.url == urldefrag(url)[0] or not scope.admits_report(a.url):
            continue
        when = _date_in(a.row_text, p.row_dates) or _date_in(a.url, p.url_dates)
        reports.setdefault(a.url, Link(a.url, a.text, when))
    attachments = {a.url: Link(a.url, a.text, _date_in(a.row_text, p.row_dates))
                   for a in anchors if _is_attachment(a.url) and not a.in_chrome and scope.admits_report(a.url)}
    next_pages = _next_pages(anchors, html, _squash(root.text_content()), url, scope)
    is_listing = bool(reports) and classify_page(html, url) == "listing"
    return ListingPage(list(reports.values()), next_pages, is_listing, list(attachments.values()))


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
    return _squash(m.group(1)) if m else ""


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
