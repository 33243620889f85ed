"""The links of one listing page: which anchors are article links, attachments or further pages.

Pure functions of parsed HTML, split from discover.py so that the crawl (what to
fetch, what is in scope) reads apart from the page reading it relies on.  What
report links, pagination and page chrome look like is data in
listing_patterns.yaml, loaded here by `patterns()`.  `next_pages` returns every
page the listing links to; the crawl's scope decides which it follows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import yaml
from lxml import etree

from scrapers.strip.rules import load_rules as load_strip_rules
from scrapers.strip.tree import unwrap_page_forms

PATTERNS_FILE = Path(__file__).with_name("listing_patterns.yaml")


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
        self.side_titles = tuple(data["side_block_title_words"])
        self.side_title_max = int(data["side_block_title_max_chars"])


@functools.cache
def patterns() -> _Patterns:
    return _Patterns(yaml.safe_load(PATTERNS_FILE.read_text("utf-8")))


# --------------------------------------------------------------------------- page reading
@dataclass(frozen=True)
class Anchor:
    url: str
    text: str
    in_chrome: bool
    row_text: str  # text of the list row (li/tr/dd/p) holding the anchor
    current: bool = False  # marked as the page being shown (class="active", "cur" …)
    side_block: int = 0  # id of the innermost block titled like a side list (本月热点), 0 if none


def squash(text: str) -> str:
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


def parse_html(html: str):
    try:
        root = lxml.html.document_fromstring(_unpack_record_stores(html or "") or "<html></html>")
    except (etree.ParserError, ValueError):
        return None
    # a <form> is chrome (search, login) unless it wraps the page, as ASP.NET WebForms do
    unwrap_page_forms(root, load_strip_rules().page_form_min_share)
    return root


def is_chrome(el, p: _Patterns) -> bool:
    if not isinstance(el.tag, str):
        return False
    if el.tag in p.chrome_tags:
        return True
    tokens = (el.get("class") or "").split() + (el.get("id") or "").split()
    return any(p.chrome_token.match(t) for t in tokens)


def _row_of(a) -> str:
    for el in a.iterancestors():
        if el.tag in ("li", "tr", "dd", "dt", "p", "td") or (el.tag == "div" and len(el) <= 4):
            return squash(el.text_content())
        if el.tag in ("ul", "ol", "table", "body"):
            break
    return ""


_UNSEEN = frozenset({"script", "style", "noscript", "template"})
_TITLE_NOISE = re.compile(r"[·•|｜:：>»]+")


def _side_blocks(root, p: _Patterns) -> set:
    """Blocks whose title, the text before their first link, is a side list's (本月热点, 点击排行,
    相关文章) and that hold at least two links: a 热点 column of a layout table, a titled
    sidebar box without chrome classes.

    One walk: the elements open and not yet holding a link are the end of the open stack,
    and they all get the same first link, so each element's title is read once.
    """
    found: set = set()
    page_text = root.xpath("string()")
    if not any(w in page_text for w in p.side_titles):
        return found  # most pages: no side-list title anywhere, no walk needed
    stack: list = []  # open elements, each with where its text began
    chunks: list[str] = []  # non-space text so far, in document order
    count = 0  # characters in chunks
    waiting = 0  # stack[waiting:] hold no link yet
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None  # None: a comment
        if event == "start":
            if tag == "a":
                for node, at_chunk, at_count in stack[waiting:]:
                    if 0 < count - at_count <= p.side_title_max:
                        title = _TITLE_NOISE.sub("", "".join(chunks[at_chunk:]))
                        if any(w in title for w in p.side_titles) and len(list(islice(node.iter("a"), 2))) == 2:
                            found.add(node)
                waiting = len(stack) + 1
            stack.append((el, len(chunks), count))
            text = el.text if tag is not None and tag not in _UNSEEN else None
        else:
            stack.pop()
            waiting = min(waiting, len(stack))
            text = el.tail if el is not root else None
        if text and (squeezed := "".join(text.split())):
            chunks.append(squeezed)
            count += len(squeezed)
    return found


def _side_block(a, blocks: set) -> int:
    """The innermost ancestor of `a` that is a titled side list, as an id; 0 when none."""
    for el in a.iterancestors():
        if el.tag in ("body", "html"):  # the page itself is no side list
            break
        if el in blocks:
            return id(el)
    return 0


def find_anchors(root, base: str) -> list[Anchor]:
    p = patterns()
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(base, b.get("href"))
            break
    out = []
    side_blocks = _side_blocks(root, p)
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel|data|about):", href):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        row = _row_of(a)
        chrome = any(is_chrome(el, p) for el in a.iterancestors()) or row.startswith(p.article_nav)
        text = squash(a.get("title") or a.text_content())
        marked = [a, a.getparent()] if a.getparent() is not None else [a]
        current = any(set((el.get("class") or "").lower().split()) & p.current_tokens for el in marked)
        out.append(Anchor(url, text, chrome, row, current, _side_block(a, side_blocks)))
    return out


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(patterns().attachments)


def _looks_like_article(anchor: Anchor) -> bool:
    p = patterns()
    where = _path_query(anchor.url)
    if p.listing_url.search(urlsplit(anchor.url).path) and not urlsplit(anchor.url).query:
        return False
    if any(rx.search(where) for rx in p.article):
        return True
    return len(anchor.text) >= 6 and any(w in anchor.text for w in p.title_words)


def date_in(text: str, rxs: list[re.Pattern]) -> date | None:
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


def article_anchors(anchors: list[Anchor]) -> list[Anchor]:
    """Article links of the main list: by URL/title pattern, or as a run of same-shaped titled links."""
    main = [a for a in anchors if not a.in_chrome and not is_attachment(a.url)]
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
    return _without_side_blocks(found)


def _without_side_blocks(found: list[Anchor]) -> list[Anchor]:
    """Drop the links of a titled side list (热点/排行/推荐/相关) when they are the minority of the
    page's article links: a column that is itself titled 热点新闻 keeps its list."""
    per_block: dict[int, int] = {}
    for a in found:
        if a.side_block:
            per_block[a.side_block] = per_block.get(a.side_block, 0) + 1
    side = {b for b, n in per_block.items() if 2 * n < len(found)}
    return [a for a in found if a.side_block not in side] if side else found


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


def next_pages(anchors: list[Anchor], html: str, page_text: str, url: str) -> list[str]:
    """Further pages of a listing: next/numbered links, script-built pagers, and index_N pages a page count implies."""
    p = patterns()
    pages: list[str] = []
    for a in anchors:
        text = a.text.lower()
        if text in p.back_texts or a.current or is_attachment(a.url):
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
    return [u for u in dict.fromkeys(pages) if u != own]
