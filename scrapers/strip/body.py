"""Finding the report body in a page and reducing it to its paragraphs.

Order of evidence: a site profile's selector, CMS comment/meta markers around the body,
known CMS content containers (checked against text density), and text density alone.
Density scores every block of text: prose (sentence punctuation, few links) counts for
its length, chrome lines, link lists and banners count against; the element whose
subtree scores highest is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from .profiles import SiteProfile
from .repair import clean_cells
from .rules import Rules
from .tree import Block, parse, remove, tag_of, walk_blocks

_SENTENCE_PUNCT = re.compile(r"[，。；！？、,;!?]")
_NON_SPACE = re.compile(r"\S")
CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body", "table", "tbody", "center",
                            "font", "span", "blockquote", "form", "dd", "li"})
MIN_BODY_CHARS = 40


@dataclass
class TextStats:
    """Per-element sums over its subtree: density score, prose chars, all chars."""

    score: dict[etree._Element, float] = field(default_factory=dict)
    prose: dict[etree._Element, int] = field(default_factory=dict)
    chars: dict[etree._Element, int] = field(default_factory=dict)
    label_hits: dict[etree._Element, int] = field(default_factory=dict)  # 索引号/发布机构 … labels
    order: list[etree._Element] = field(default_factory=list)

    def best(self) -> etree._Element | None:
        best, best_score = None, 0.0
        score = self.score
        for el in self.order:  # pre-order: on a tie the deeper element wins
            value = score.get(el, 0.0)
            if value > 0 and value >= best_score and tag_of(el) in CONTAINER_TAGS:
                best, best_score = el, value
        return best


def block_value(block: Block, rules: Rules) -> tuple[float, int]:
    """(density score, prose chars) of one block of text."""
    text = " ".join(block.text.split())
    length = len(text) - text.count(" ")
    if not length:
        return 0.0, 0
    if rules.is_chrome_line(text) or rules.sharing_banner.search(text):
        return -2.0 * length, 0
    if block.link_chars > 0.5 * length:
        return -1.0 * length, 0
    if _SENTENCE_PUNCT.search(text):
        prose = max(length - block.link_chars, 0)
        return float(prose), prose
    return -0.2 * length, 0


def text_stats(root: etree._Element, rules: Rules, blocks: list[Block] | None = None) -> TextStats:
    """Per-element sums over the subtree, in lists indexed by pre-order position (one Python
    step per element, not one per dict), handed out as dicts keyed by element."""
    order = list(root.iter())
    pos = {el: i for i, el in enumerate(order)}
    n = len(order)
    score, prose, chars, labels = [0.0] * n, [0] * n, [0] * n, [0] * n
    for block in walk_blocks(root) if blocks is None else blocks:
        i = pos.get(block.element)
        if i is None:
            continue
        value, block_prose = block_value(block, rules)
        text = block.text
        score[i] += value
        prose[i] += block_prose
        chars[i] += len("".join(text.split()))
        labels[i] += rules.metadata_hits(text)
    # reverse pre-order visits children before parents: an O(n) bottom-up sum
    parents = [pos.get(el.getparent(), -1) for el in order]
    for i in range(n - 1, 0, -1):
        if chars[i]:  # a subtree with no text adds nothing (score and labels need text too)
            p = parents[i]
            if p >= 0:
                score[p] += score[i]
                prose[p] += prose[i]
                chars[p] += chars[i]
                labels[p] += labels[i]
    def keyed(values: list) -> dict:
        return dict(zip(order, values, strict=True))

    return TextStats(score=keyed(score), prose=keyed(prose), chars=keyed(chars), label_hits=keyed(labels),
                     order=order)


def is_ancestor(anc: etree._Element, el: etree._Element) -> bool:
    return any(a is anc for a in el.iterancestors())


def container_matches(root: etree._Element, rules: Rules) -> list[etree._Element]:
    """Elements matching the known container selectors, in the selectors' priority order."""
    found: dict[int, etree._Element] = {}
    for el in root.iter():
        ident, cls = el.get("id"), el.get("class")
        if not ident and not cls:
            continue
        tag = tag_of(el)
        if tag is None:
            continue
        classes = set((cls or "").split())
        if not ident and not classes:
            continue
        for i, sel in enumerate(rules.content_selectors):
            if i not in found and sel.matches(tag, ident, classes):
                found[i] = el
    return [found[i] for i in sorted(found)]


def _prefer_container(c: etree._Element, d: etree._Element, stats: TextStats) -> bool:
    pc, pd = stats.prose.get(c, 0), stats.prose.get(d, 0)
    if c is d:
        return True
    if is_ancestor(c, d):  # a wrapper: fine unless it mostly adds chrome
        return stats.score.get(c, 0) >= 0.8 * stats.score.get(d, 0)
    if is_ancestor(d, c):  # a part of what density found
        return pc >= 0.8 * pd
    return pc >= 0.5 * pd


def _marker_fragment(raw_html: str, rules: Rules) -> etree._Element | None:
    for begin, end in rules.content_markers:
        b = begin.search(raw_html)
        if not b:
            continue
        e = end.search(raw_html, b.end())
        if not e:
            continue
        try:
            root = parse(f"<html><body><div>{raw_html[b.end():e.start()]}</div></body></html>")
        except Exception:
            continue
        return root.find(".//body/div")
    return None


@dataclass
class BodyFound:
    element: etree._Element | None
    how: str  # profile / marker / container / density
    stats: TextStats  # covers `element`'s subtree


def locate_body(root: etree._Element, raw_html: str, rules: Rules, profile: SiteProfile | None = None,
                blocks: list[Block] | None = None) -> BodyFound:
    """The element holding the report body and how it was found."""
    if profile is not None:
        hit = profile.select_body(root)
        if hit is not None:
            return BodyFound(hit, "profile", text_stats(hit, rules))
    fragment = _marker_fragment(raw_html, rules)
    if fragment is not None:
        frag_stats = text_stats(fragment, rules)
        if frag_stats.prose.get(fragment, 0) >= MIN_BODY_CHARS:
            return BodyFound(fragment, "marker", frag_stats)
    stats = text_stats(root, rules, blocks)
    dense = stats.best()
    for cand in container_matches(root, rules):
        if stats.prose.get(cand, 0) < MIN_BODY_CHARS:
            continue
        if dense is None or _prefer_container(cand, dense, stats):
            return BodyFound(cand, "container", stats)
    return BodyFound(dense, "density", stats)


_WORD_SEP = re.compile(r"[-_]")


_NO_WORDS: frozenset[str] = frozenset()
_TAG_WORDS = {"footer": frozenset({"footer"}), "aside": frozenset({"aside"})}


@lru_cache(maxsize=4096)
def _token_words(classes_and_id: str) -> frozenset[str]:
    words: set[str] = set()
    for token in classes_and_id.lower().split():
        parts = [p for p in _WORD_SEP.split(token) if p]
        words.update(parts)
        words.add(token)
        words.add("".join(parts))
    return frozenset(words)


def class_words(el: etree._Element) -> frozenset[str]:
    """Words of the element's class and id (news-list_box -> news, list, box, newslistbox …)."""
    cls, ident = el.get("class"), el.get("id")
    tag = el.tag.lower() if isinstance(el.tag, str) else None
    own = _TAG_WORDS.get(tag, _NO_WORDS) if tag else _NO_WORDS
    if not cls and not ident:
        return own
    words = _token_words(f"{cls or ''} {ident or ''}")
    return words | own if own else words


_METADATA_BOXES = frozenset({"table", "div", "ul", "dl", "tbody"})


def prune_chrome(body: etree._Element, rules: Rules, stats: TextStats) -> int:
    """Remove chrome elements inside the body: classed widgets and metadata tables; return how many."""
    total = max(stats.chars.get(body, 0), 1)
    chars_of, labels_of = stats.chars.get, stats.label_hits.get
    doomed = []
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        tag = el.tag
        if el is body or not isinstance(tag, str):
            continue
        chars = chars_of(el, 0)
        if chars >= 0.3 * total and chars > 200:
            continue
        tag = tag.lower()
        if ((el.get("class") or el.get("id") or tag in _TAG_WORDS)  # else no class words: skip the call
                and class_words(el) & rules.chrome_class_words) or (
                tag in _METADATA_BOXES and chars < 600 and labels_of(el, 0) >= rules.metadata_min_hits):
            doomed.append(el)
            walker.skip_subtree()  # its descendants go with it
    for el in doomed:
        remove(el)
    return len(doomed)


def body_lines(body: etree._Element, rules: Rules,
               blocks: list[Block] | None = None) -> tuple[list[str], bool]:
    """The body's paragraphs as published (chrome lines dropped) and whether a 文库 banner was seen.

    `blocks`: the body's blocks when already walked (the page walk, nothing pruned since).
    """
    lines: list[str] = []
    ends: list[int] = []  # where end-matter lines (- END -, 往期推荐) stood
    banner_seen = False
    for block in walk_blocks(body) if blocks is None else blocks:
        text = clean_cells(block.text)
        if not text:
            continue
        if rules.sharing_banner.search(text):
            banner_seen = True
            text = rules.sharing_banner.sub("", text).strip()
            if not text:
                continue
        if len(text) <= rules.chrome_line_max_chars and rules.end_matter.search(text):
            ends.append(len(lines))
            continue
        length = len(text)
        if rules.is_chrome_line(text):
            continue
        if block.link_chars > 0.6 * length and not _SENTENCE_PUNCT.search(text):
            continue
        lines.append(text)
    return cut_end_matter(lines, ends), banner_seen


def cut_end_matter(lines: list[str], ends: list[int]) -> list[str]:
    """The lines before the first end marker with at least as much text before it as after.

    A platform's end matter (recommended articles, editor, QR code) is short next to the
    report; a marker followed by more text than precedes it is not where the report ends.
    """
    if not ends:
        return lines
    total = sum(len(x) for x in lines)
    for at in ends:
        before = sum(len(x) for x in lines[:at])
        if before >= MIN_BODY_CHARS and before >= total - before:
            return lines[:at]
    return lines
