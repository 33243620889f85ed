"""Parsing HTML into an lxml tree and walking it into text blocks, without recursion.

Everything here is iterative (lxml's iterwalk), so a page of thousands of nested tables
cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


_UNSEEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})


def visible_chars(el: etree._Element) -> int:
    """Non-space characters a reader sees below `el` (script and style text not counted)."""
    n = 0
    for node in el.iter():
        if node is not el and node.tail:
            n += len("".join(node.tail.split()))
        tag = tag_of(node)
        if tag is not None and tag not in _UNSEEN_TAGS and node.text:
            n += len("".join(node.text.split()))
    return n


def unwrap_page_forms(root: etree._Element, min_share: float,
                      holds_article: Callable[[etree._Element], bool] = lambda _el: False) -> int:
    """Turn a <form> that wraps the page's content into a plain <div>; return how many.

    ASP.NET WebForms (and some JSP portals) put the whole page inside one <form runat=server>,
    so "a form is chrome" would drop the article with it.  A form holding at least `min_share`
    of the page's visible text, or the article container, is layout; small forms (search
    box, login, comment box) stay forms and are dropped as chrome.
    """
    forms = list(root.iter("form"))
    if not forms:
        return 0
    body = root.find("body")
    total = max(visible_chars(body if body is not None else root), 1)
    kept = 0
    for form in forms:
        if visible_chars(form) >= min_share * total or holds_article(form):
            form.tag = "div"
            kept += 1
    return kept


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
    """Blocks in document order; a <br> starts a new block owned by the same element.

    One tight loop, no per-text helper call: pages of hundreds of thousands of elements
    (tables nested for layout) spend their stripping time here.
    """
    blocks: list[Block] = []
    owners: list[etree._Element] = [root]  # the innermost open block element is last
    parts: list[str] = []  # text of the block being read; its owner is owners[-1] until the next cut
    link_chars = 0
    link_depth = 0

    def cut() -> None:
        nonlocal link_chars
        text = "".join(parts)
        if text.strip():
            blocks.append(Block(owners[-1], len(blocks) + 1, [text], link_chars))
        parts.clear()
        link_chars = 0

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail is text
            if event == "end" and el is not root and (text := el.tail):
                parts.append(text)
                if link_depth:
                    link_chars += len(text.strip())
            continue
        tag = tag.lower()
        if event == "start":
            if tag == "br" or tag == "hr":
                if line_breaks and parts:
                    cut()
            elif tag in BLOCK_TAGS and el is not root:
                if parts:
                    cut()
                owners.append(el)
            elif tag in CELL_TAGS:
                parts.append("\t")  # a table's cells stay apart: a data table's columns are read from them
            if tag == "a":
                link_depth += 1
            text = el.text
        else:
            if tag == "a":
                link_depth -= 1
            if tag in BLOCK_TAGS and tag != "br" and tag != "hr" and el is not root:
                if parts:
                    cut()  # a block's end also ends whatever continues its parent's text
                owners.pop()
            text = el.tail if el is not root else None
        if text:
            parts.append(text)
            if link_depth:
                link_chars += len(text.strip())
    if parts:
        cut()
    return blocks


def element_text(el: etree._Element) -> str:
    """All text below `el`, cells and blocks separated by a space."""
    return " ".join(" ".join(b.text.split()) for b in walk_blocks(el))
