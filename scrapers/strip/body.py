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
        for el in self.order:  # pre-order: on a tie the deeper element wins
            if tag_of(el) in CONTAINER_TAGS and self.score.get(el, 0.0) >= best_score > -1 \
                    and self.score.get(el, 0.0) > 0:
                best, best_score = el, self.score[el]
        return best


def block_value(block: Block, rules: Rules) -> tuple[float, int]:
    """(density score, prose chars) of one block of text."""
    text = " ".join(block.text.split())
    length = len(_NON_SPACE.findall(text))
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
    stats = TextStats(order=list(root.iter()))
    for el in stats.order:
        stats.score[el], stats.prose[el], stats.chars[el], stats.label_hits[el] = 0.0, 0, 0, 0
    for block in walk_blocks(root) if blocks is None else blocks:
        value, prose = block_value(block, rules)
        el = block.element
        if el not in stats.score:
            continue
        stats.score[el] += value
        stats.prose[el] += prose
        stats.chars[el] += len(_NON_SPACE.findall(block.text))
        stats.label_hits[el] += rules.metadata_hits(block.text)
    # reverse pre-order visits children before parents: an O(n) bottom-up sum
    for el in reversed(stats.order):
        parent = el.getparent()
        if parent is not None and parent in stats.score:
            stats.score[parent] += stats.score[el]
            stats.prose[parent] += stats.prose[el]
            stats.chars[parent] += stats.chars[el]
            stats.label_hits[parent] += stats.label_hits[el]
    return stats


def _is_ancestor(anc: etree._Element, el: etree._Element) -> bool:
    return any(a is anc for a in el.iterancestors())


def _container_matches(root: etree._Element, rules: Rules) -> list[etree._Element]:
    """Elements matching the known container selectors, in the selectors' priority order."""
    found: dict[int, etree._Element] = {}
    for el in root.iter():
        tag = tag_of(el)
        if tag is None:
            continue
        ident = el.get("id")
        classes = set((el.get("class") or "").split())
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
    if _is_ancestor(c, d):  # a wrapper: fine unless it mostly adds chrome
        return stats.score.get(c, 0) >= 0.8 * stats.score.get(d, 0)
    if _is_ancestor(d, c):  # a part of what density found
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
    for cand in _container_matches(root, rules):
        if stats.prose.get(cand, 0) < MIN_BODY_CHARS:
            continue
        if dense is None or _prefer_container(cand, dense, stats):
            return BodyFound(cand, "container", stats)
    return BodyFound(dense, "density", stats)


_WORD_SEP = re.compile(r"[-_]")


def class_words(el: etree._Element) -> set[str]:
    words: set[str] = set()
    for token in f"{el.get('class') or ''} {el.get('id') or ''}".lower().split():
        parts = [p for p in _WORD_SEP.split(token) if p]
        words.update(parts)
        words.add(token)
        words.add("".join(parts))
    tag = tag_of(el)
    if tag in ("footer", "aside"):
        words.add(tag)
    return words


def prune_chrome(body: etree._Element, rules: Rules, stats: TextStats) -> None:
    """Remove chrome elements inside the body: classed widgets and metadata tables."""
    total = max(stats.chars.get(body, 0), 1)
    doomed = []
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        tag = tag_of(el)
        if tag is None or el is body:
            continue
        chars = stats.chars.get(el, 0)
        if chars >= 0.3 * total and chars > 200:
            continue
        if (class_words(el) & rules.chrome_class_words) or (
                tag in ("table", "div", "ul", "dl", "tbody") and chars < 600
                and stats.label_hits.get(el, 0) >= rules.metadata_min_hits):
            doomed.append(el)
            walker.skip_subtree()  # its descendants go with it
    for el in doomed:
        remove(el)


def body_lines(body: etree._Element, rules: Rules) -> tuple[list[str], bool]:
    """The body's paragraphs as published (chrome lines dropped) and whether a 文库 banner was seen."""
    lines: list[str] = []
    banner_seen = False
    for block in walk_blocks(body):
        text = clean_cells(block.text)
        if not text:
            continue
        if rules.sharing_banner.search(text):
            banner_seen = True
            text = rules.sharing_banner.sub("", text).strip()
            if not text:
                continue
        length = len(text)
        if rules.is_chrome_line(text):
            continue
        if block.link_chars > 0.6 * length and not _SENTENCE_PUNCT.search(text):
            continue
        lines.append(text)
    return lines, banner_seen
