"""strip_chrome: one page of HTML -> CleanDocument (metadata + body paragraphs)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from schemas.records import CleanDocument

from .body import MIN_BODY_CHARS, body_lines, container_matches, is_ancestor, locate_body, prune_chrome
from .errors import StripError
from .metadata import read_metadata
from .profiles import SiteProfile
from .repair import (
    clean_inline,
    fold,
    join_paged_document,
    normalise,
    remove_inline_page_marks,
    remove_repeated_lines,
    remove_watermark,
)
from .rules import Rules, load_rules
from .tree import (
    BLOCK_TAGS,
    Block,
    drop_elements,
    inline_document_writes,
    parse,
    tag_of,
    unwrap_page_forms,
    visible_chars,
    walk_blocks,
)


def strip_chrome(html: str, url: str, *, content_hash: str = "",
                 profile: SiteProfile | None = None) -> CleanDocument:
    """The report in `html` without its page chrome.

    Raises StripError (only) with a one-line reason when the page has no report body:
    "empty page", "frameset page", "no body text found", "only an attachment link: x.pdf".
    """
    try:
        return _strip(html, url or "", content_hash, profile, load_rules())
    except StripError:
        raise
    except RecursionError as exc:
        raise StripError("page nested too deeply to read") from exc
    except MemoryError as exc:
        raise StripError("page too large to read") from exc
    except Exception as exc:
        raise StripError(f"could not strip page: {type(exc).__name__}: {exc}") from exc


def _attachment_name(root: etree._Element, rules: Rules) -> str | None:
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href and rules.attachment_link.search(href):
            name = unquote(urlsplit(href).path.rsplit("/", 1)[-1])
            return name or href
    return None


def _no_body(root: etree._Element, rules: Rules) -> StripError:
    name = _attachment_name(root, rules)
    return StripError(f"only an attachment link: {name}" if name else "no body text found")


# A template lays out fields on one line with full-width (or runs of no-break) spaces
# (来源：柏林镇人民政府　　字体：大 中 小); clean_inline drops spaces between Chinese as
# layout, which would glue the fields together, so metadata lines keep the gap as a bar.
_FIELD_GAP = re.compile(r"(?<=[^\s:：])(?:\u3000|\u00a0{2,})[\s\u3000\u00a0]*(?=\S)")


def _metadata_lines(blocks: list[Block], inside: set[etree._Element]) -> list[str]:
    """Short page lines, those outside the body first: labels there (来源：…) describe the page."""
    outer, inner = [], []
    for b in blocks:
        if len(b.text) > 400:
            continue
        line = clean_inline(_FIELD_GAP.sub(" | ", b.text))
        if line:
            (inner if b.element in inside else outer).append(line)
    return outer + inner


def _starts_block(el: etree._Element, root: etree._Element) -> bool:
    """Whether the page walk cut blocks at `el`'s start and end, outside any link: then the
    page's blocks inside `el` are exactly what walking `el` alone would give."""
    if el is root:
        return True
    return tag_of(el) in BLOCK_TAGS and tag_of(el) not in ("br", "hr") \
        and not any(tag_of(a) == "a" for a in el.iterancestors())


def _keep_page_forms(root: etree._Element, rules: Rules) -> None:
    """A form wrapping the page or its article (ASP.NET WebForms) is layout, not a chrome form."""
    if root.find(".//form") is None:
        return
    articles = [c for c in container_matches(root, rules) if visible_chars(c) >= MIN_BODY_CHARS]
    unwrap_page_forms(root, rules.page_form_min_share,
                      lambda form: any(is_ancestor(form, c) for c in articles))


def _strip(html: str, url: str, content_hash: str, profile: SiteProfile | None,
           rules: Rules) -> CleanDocument:
    root = parse(html)
    if root.find(".//frameset") is not None or root.find(".//frame") is not None:
        raise StripError("frameset page")
    if profile is not None:
        profile.drop_chrome(root)
    inline_document_writes(root)
    _keep_page_forms(root, rules)
    drop_elements(root, rules.drop_tags)
    blocks = walk_blocks(root)
    found = locate_body(root, html, rules, profile, blocks)
    body = found.element
    if body is None:
        raise _no_body(root, rules)
    inside = set(body.iter())  # holding the proxies keeps identity stable
    page_lines = _metadata_lines(blocks, inside)
    meta = read_metadata(root, url, page_lines, rules, profile, html)
    banner_seen = any(rules.sharing_banner.search(line) for line in page_lines)
    pruned = prune_chrome(body, rules, found.stats)
    reuse = not pruned and found.how in ("container", "density") and _starts_block(body, root)
    lines, banner_in_body = body_lines(body, rules, [b for b in blocks if b.element in inside] if reuse else None)
    lines = join_paged_document(lines, banner_seen or banner_in_body)
    lines = remove_inline_page_marks(lines, banner_seen or banner_in_body)
    lines = remove_repeated_lines(remove_watermark(lines))
    if lines and meta.title and fold(lines[0]) == fold(meta.title):
        lines = lines[1:]  # the heading repeated as the body's first line
    if sum(len(x) for x in lines) < MIN_BODY_CHARS:
        raise _no_body(root, rules)

    parts = urlsplit(url)
    return CleanDocument(
        url=url,
        site=parts.netloc.lower(),
        title=normalise(meta.title),
        published_date=meta.published_date,
        publisher=normalise(meta.publisher) if meta.publisher else None,
        paragraphs=tuple(normalise(x) for x in lines),
        original_paragraphs=tuple(lines),
        content_hash=content_hash,
        site_name=normalise(meta.site_name) if meta.site_name else None,
        column_name=normalise(meta.column_name) if meta.column_name else None,
        meta={**meta.meta, "original_title": meta.original_title, "body_found_by": found.how},
    )
