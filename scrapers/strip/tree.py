"""Parsing HTML into an lxml tree and walking it into text blocks, without recursion.

Everything here is iterative (lxml's iterwalk), so a page of thousands of nested tables
cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree, html

from .errors import StripError

BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "tbody",
    "thead", "tfoot", "section", "article", "header", "footer", "aside", "blockquote", "pre", "dd",
    "dt", "dl", "center", "hr", "address", "figure", "figcaption", "main", "caption", "form",
    "fieldset", "legend", "details", "summary", "body", "html", "nav"})

CELL_TAGS = frozenset({"td", "th"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse(markup: str) -> html.HtmlElement:
    """The document root; StripError (never an lxml error) when there is no HTML to read."""
    if not isinstance(markup, str):
        raise StripError(f"expected str HTML, got {type(markup).__name__}")
    markup = _CTRL.sub("", _XML_DECL.sub("", markup))
    if not markup.strip():
        raise StripError("empty page")
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, recover=True)
    try:
        root = html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise StripError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise StripError("empty page")
    return root


def tag_of(el: etree._Element) -> str | None:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


def drop_elements(root: etree._Element, tags: Iterable[str]) -> None:
    """Remove these elements but keep the text that follows each (its tail)."""
    doomed = [el for el in root.iter(*tags)] if tags else []
    for el in reversed(doomed):  # innermost first, so parents are still attached
        parent = el.getparent()
        if parent is None:
            continue
        _remove_keep_tail(el, parent)


_WRITE_LITERAL = re.compile(
    r"""^\s*(?:document\.write(?:ln)?\(\s*(["'])([^"'<>]{0,200})\1\s*\)\s*;?\s*)+$""")


def inline_document_writes(root: etree._Element) -> None:
    """Replace <script>document.write("2022-07-15")</script> by the text it writes.

    Templates write the date or source after its label with script; once scripts are
    dropped the label would stand alone.
    """
    for script in list(root.iter("script")):
        code = script.text or ""
        if "document.write" not in code or not _WRITE_LITERAL.match(code):
            continue
        written = "".join(m.group(2) for m in re.finditer(r"""\(\s*(["'])([^"'<>]*)\1\s*\)""", code))
        parent = script.getparent()
        if parent is None:
            continue
        script.tail = written + (script.tail or "")
        _remove_keep_tail(script, parent)


def _remove_keep_tail(el: etree._Element, parent: etree._Element) -> None:
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        _remove_keep_tail(el, parent)


@dataclass
class Block:
    """The text of one block element that is not inside a nested block, plus link text."""

    element: etree._Element
    order: int = 0
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    @property
    def text(self) -> str:
        return "".join(self.parts)


def walk_blocks(root: etree._Element, line_breaks: bool = True) -> list[Block]:
    """Blocks in document order; a <br> starts a new block owned by the same element."""
    blocks: list[Block] = []
    owners: list[etree._Element] = [root]  # the innermost open block element is last
    current: Block | None = None  # created lazily: most block boundaries enclose no text
    link_depth = 0
    order = 0

    def cut() -> None:
        nonlocal current
        if current is not None:
            blocks.append(current)
            current = None

    def add(text: str | None) -> None:
        nonlocal current, order
        if not text:
            return
        if current is None:
            order += 1
            current = Block(owners[-1], order)
        current.parts.append(text)
        if link_depth:
            current.link_chars += len(text.strip())

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None:
            if event == "end" and el is not root:
                add(el.tail)
            continue
        if event == "start":
            if tag == "br" or tag == "hr":
                if line_breaks:
                    cut()
            elif tag in BLOCK_TAGS and el is not root:
                cut()
                owners.append(el)
            elif tag in CELL_TAGS:
                add("\t")  # a table's cells stay apart: a data table's columns are read from them
            if tag == "a":
                link_depth += 1
            add(el.text)
        else:
            if tag == "a":
                link_depth -= 1
            if tag in BLOCK_TAGS and tag not in ("br", "hr") and el is not root:
                cut()  # a block's end also ends whatever continues its parent's text
                owners.pop()
            if el is not root:
                add(el.tail)
    cut()
    return [b for b in blocks if b.text.strip()]


def element_text(el: etree._Element) -> str:
    """All text below `el`, cells and blocks separated by a space."""
    return " ".join(" ".join(b.text.split()) for b in walk_blocks(el))
