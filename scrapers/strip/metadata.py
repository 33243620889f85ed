"""Title, publication date, publisher, site and column of a report page.

Evidence, strongest first: a site profile; the national gov-site <meta> tags
(ArticleTitle, PubDate, ContentSource, SiteName, ColumnName) and og: tags; labelled
lines (发布时间：…, 来源：…); the <title> with its site-name suffix; the URL's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import unquote

from lxml import etree

from .body import class_words
from .profiles import SiteProfile
from .repair import clean_title, fold, normalise
from .rules import Rules
from .tree import HEADING_TAGS, tag_of

DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
URL_DATES = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/((?:19|20)\d{2})-(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})[_./-]"),
)
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|——|—|\s-\s|\s–\s)\s*|-(?=[^-\d]{2,20}$)")
_DOC_EXT = re.compile(r"\.(?:docx?|pdf|wps|txt|pptx?|xlsx?)$", re.I)


@dataclass
class PageMeta:
    title: str = ""
    original_title: str = ""
    published_date: date | None = None
    publisher: str | None = None
    site_name: str | None = None
    column_name: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    for rx in (DATE_RE, _COMPACT_DATE):
        for m in rx.finditer(text):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def date_from_url(url: str) -> date | None:
    path = unquote(url.split("?", 1)[0])
    for rx in URL_DATES:
        m = rx.search(path)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def read_meta_tags(root: etree._Element) -> dict[str, str]:
    tags: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        content = " ".join((el.get("content") or "").split())
        if name and content and name not in tags:
            tags[name] = content
    return tags


def _first_meta(tags: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if tags.get(name):
            return tags[name]
    return None


def split_title(raw: str) -> list[str]:
    return [s for s in (p.strip() for p in _TITLE_SPLIT.split(raw or "")) if s]


_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|biaoti|bt)(?:$|[\s_-])")


# h1-h6 and classed elements, in document order (an XPath union is sorted)
_HEADING_CANDIDATES = "|".join(f"descendant-or-self::{t}" for t in sorted(HEADING_TAGS)) \
    + "|descendant-or-self::*[@class or @id]"


def _is_heading(el: etree._Element) -> bool:
    tag = tag_of(el)
    if tag is None:
        return False
    if tag in HEADING_TAGS:
        return True
    cls, ident = el.get("class"), el.get("id")
    return bool((cls or ident) and _TITLE_CLASS.search(f"{cls or ''} {ident or ''}".lower()))


def _headings(root: etree._Element) -> list[str]:
    found = []
    # only these can be headings; XPath picks them out without a Python step per element
    for el in root.xpath(_HEADING_CANDIDATES):
        if _is_heading(el):
            text = clean_title("".join(el.itertext()))
            if 4 <= len(text) <= 120:
                found.append(text)
    return found


def _same_title(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    return fa == fb or (min(len(fa), len(fb)) >= 6 and (fa.startswith(fb) or fb.startswith(fa)))


def find_title(root: etree._Element, tags: dict[str, str], rules: Rules,
               site_name: str | None, profile: SiteProfile | None) -> str:
    if profile is not None and (t := profile.select_text("title", root)):
        return clean_title(t)
    if t := _first_meta(tags, rules.meta_title):
        return clean_title(t)
    title_el = root.find(".//title")
    segments = split_title(clean_title(title_el.text_content()) if title_el is not None else "")
    if site_name and len(segments) > 1 and _same_title(segments[-1], site_name):
        segments = segments[:-1]
    headings = [h for h in _headings(root) if not (site_name and _same_title(h, site_name))]
    if segments:
        head = segments[0]
        for h in headings:
            if _same_title(h, head):
                return _DOC_EXT.sub("", h if len(h) >= len(head) else head)
        return _DOC_EXT.sub("", head)
    return _DOC_EXT.sub("", headings[0]) if headings else ""


def find_site_name(root: etree._Element, tags: dict[str, str], rules: Rules) -> str | None:
    if name := _first_meta(tags, rules.meta_site_name):
        return name
    title_el = root.find(".//title")
    segments = split_title(clean_title(title_el.text_content()) if title_el is not None else "")
    return segments[-1] if len(segments) > 1 else None


@lru_cache(maxsize=16)
def _value_rx(labels: tuple[str, ...], stop: str) -> re.Pattern[str]:
    alts = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?:{alts})\s*[:：]\s*([^\s:：]{{2,40}}?)(?=\s|$|{stop}|[:：])")


def labelled_value(lines: list[str], labels: tuple[str, ...], stop: str,
                   reject: frozenset[str] = frozenset()) -> str | None:
    """The value after `label：` in short lines, stopping at the next field on the line.

    Values in `reject` (lower-cased placeholders: 未知, admin) are skipped, not returned.
    """
    rx = _value_rx(labels, stop)
    for line in lines:
        if len(line) > 200:
            continue
        for m in rx.finditer(line):
            value = m.group(1).strip("，,。;；|｜ ")
            if value and not DATE_RE.match(value) and len(value) >= 2 and value.lower() not in reject:
                return value
    return None


def labelled_date(lines: list[str], labels: tuple[str, ...]) -> date | None:
    """The date of the most telling label present, in `labels` order: 发布日期 before 成文日期.

    A 政府信息公开 table lists 成文日期 (written) before 发布日期 (published) often enough
    that the first labelled date on the page is not the publication date.
    """
    longer = sorted(labels, key=len, reverse=True)
    for label in labels:
        # a longer label containing this one (发布时间 ⊃ 时间) is not this label
        shadow = [x for x in longer if x != label and label in x]
        rx = re.compile(rf"{re.escape(label)}\s*[:：]\s*(.{{0,24}})")
        for line in lines:
            if len(line) > 200:
                continue
            for m in rx.finditer(line):
                if any(line[max(0, m.start() - len(x)):m.start() + len(label)].endswith(x) for x in shadow):
                    continue
                if d := parse_date(m.group(1)):
                    return d
    return None


def organisation_value(lines: list[str], labels: tuple[str, ...], suffixes: tuple[str, ...],
                       stop: str) -> str | None:
    """A labelled value (作者：…) that names an organisation, not a person."""
    value = labelled_value(lines, labels, stop)
    return value if value and value.endswith(suffixes) and len(value) >= 3 else None


def classed_publisher(root: etree._Element, rules: Rules) -> str | None:
    """The short text of an element a template classes as the source (<span class="m-src">)."""
    for el in root.xpath("descendant-or-self::*[@class or @id]"):  # the rest have no class words
        if tag_of(el) is None or not (class_words(el) & rules.publisher_class_words):
            continue
        text = clean_title(" ".join("".join(el.itertext()).split()))
        text = re.sub(r"^(?:" + "|".join(map(re.escape, rules.publisher_labels)) + r")\s*[:：]\s*", "", text)
        if 2 <= len(text) <= 30 and not re.search(r"[\d:：|｜]", text) \
                and text.lower() not in rules.publisher_placeholders:
            return text
    return None


def script_date(raw_html: str, rules: Rules) -> date | None:
    """A date a page writes with script (var publish_time = "2023-08-03"), read from the source."""
    for m in rules.script_date.finditer(raw_html or ""):
        if d := parse_date(m.group(1)):
            return d
    return None


_BYLINE = re.compile(r"来源|作者|浏览|阅读|点击|编辑|发布")


def byline_date(lines: list[str]) -> date | None:
    """A date on a short by-line without a label: "2023-11-20 08:31 来源：江岸日报"."""
    for line in lines:
        if len(line) <= 100 and _BYLINE.search(line) and (d := parse_date(line)):
            return d
    return None


def find_publisher(root: etree._Element, tags: dict[str, str], lines: list[str], rules: Rules) -> str | None:
    """The first real publisher: <meta>, a labelled 来源, an organisation as author, a classed source.

    A placeholder (来源：未知, 本站) names nobody, so the next kind of evidence is read instead.
    """
    reject = rules.publisher_placeholders
    meta = _first_meta(tags, rules.meta_publisher)
    if meta and clean_title(meta).lower() not in reject:
        return meta
    return (labelled_value(lines, rules.publisher_labels, rules.value_stop, reject)
            or organisation_value(lines, rules.author_labels, rules.organisation_suffixes, rules.value_stop)
            or classed_publisher(root, rules))


def read_metadata(root: etree._Element, url: str, page_lines: list[str], rules: Rules,
                  profile: SiteProfile | None = None, raw_html: str = "") -> PageMeta:
    tags = read_meta_tags(root)
    page_lines = [normalise(line) for line in page_lines]  # 發佈時間/來源 are the same labels
    site_name = find_site_name(root, tags, rules)
    title = find_title(root, tags, rules, site_name, profile)
    published = None
    if profile is not None and (raw := profile.select_text("date", root)):
        if profile.date_format:
            try:
                published = datetime.strptime(raw.strip(), profile.date_format).date()
            except ValueError:
                published = parse_date(raw)
        else:
            published = parse_date(raw)
    published = (published or parse_date(_first_meta(tags, rules.meta_date))
                 or labelled_date(page_lines, rules.date_labels) or byline_date(page_lines)
                 or script_date(raw_html, rules) or date_from_url(url))
    publisher = find_publisher(root, tags, page_lines, rules)
    return PageMeta(
        title=title, original_title=title, published_date=published,
        publisher=clean_title(publisher) if publisher else None,
        site_name=site_name, column_name=_first_meta(tags, rules.meta_column),
        meta={k: v for k, v in tags.items() if k in rules.meta_kept},
    )
