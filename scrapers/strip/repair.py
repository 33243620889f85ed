"""Text repairs that keep meaning: residue, pinyin, page markers, watermarks, width, script.

`original` functions keep the published characters (traditional stays traditional);
`normalise` turns a paragraph into what extraction reads: simplified, half-width digits
and letters.  A full-width 。 between digits (7。7万元) is kept as-is: only the extractor
can tell a decimal point from a sentence end followed by a number (任务5。2023年…).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u2026\u00b7"
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
# a space that only separates Chinese (or Chinese and a number) is layout, not text
_LAYOUT_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}]) (?=[{CJK}{CJK_PUNCT}0-9])"
                           rf"|(?<=[{CJK}{CJK_PUNCT}0-9]) (?=[{CJK}{CJK_PUNCT}])")
# a full-width comma before exactly three digits is a thousands separator (3，102人)
_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_RESIDUE_TAGS = (r"font|span|p|div|br|strong|b|i|u|em|a|img|table|tbody|tr|td|th|section|o:p|st1:[\w]+"
                 r"|ul|ol|li|h[1-6]|center|sup|sub|small|big|label|style|script|article|blockquote")
_RESIDUE = re.compile(rf"</?(?:{_RESIDUE_TAGS})(?:\s[^<>]{{0,300}})?/?>|(?<![\w/<])/(?:{_RESIDUE_TAGS})>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-f]{1,5}|[a-z]{2,8});", re.I)
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(
    rf"(?<=[{CJK}])[(（]\s*(?:[a-zü]*[{_TONE}][a-zü{_TONE}]*|[a-zü]{{1,6}}[1-5])\s*[)）]", re.I)
_PAGE_MARK = re.compile(r"^\s*(\d{1,3})\s*[、.．]\s*")
_SENTENCE_END = "。！？!?；;：:”」』）)…."
_FULLWIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)},
              **{0xFF21 + i: 0x41 + i for i in range(26)},
              **{0xFF41 + i: 0x61 + i for i in range(26)},
              0xFF05: 0x25, 0xFF0E: 0x2E, 0x3000: 0x20}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def clean_cells(text: str) -> str:
    """A table row's cells cleaned one by one and kept apart by tabs (类别\t户数\t人数), so that
    extraction can read its columns; any other block is cleaned as one paragraph."""
    cells = [c for c in (clean_inline(part) for part in text.split("\t")) if c]
    return "\t".join(cells) if len(cells) > 1 else clean_inline(text)


def clean_inline(text: str) -> str:
    """One paragraph as published, minus invisible characters, markup residue and pinyin."""
    for _ in range(2):  # pages escape twice (&amp;nbsp;) often enough
        if "&" in text:
            text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = _INVISIBLE.sub("", text)
    text = _RESIDUE.sub("", text)
    text = _PINYIN.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _LAYOUT_SPACE.sub("", text)


def clean_title(text: str) -> str:
    text = _PINYIN.sub("", _RESIDUE.sub("", _INVISIBLE.sub("", html.unescape(text or ""))))
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """What extraction reads: simplified characters, half-width digits, letters, % and ., 3,102."""
    return _THOUSANDS.sub(",", _t2s().convert(text).translate(_FULLWIDTH))


def fold(text: str) -> str:
    """Comparison key: simplified, half-width, no spaces or punctuation."""
    return re.sub(rf"[\s{CJK_PUNCT}\W_]+", "", normalise(text)).lower()


def join_paged_document(paragraphs: Sequence[str], banner_seen: bool) -> list[str]:
    """Rejoin page blocks of a document-sharing site ("1、…健" "2、全镇…" -> "…健全镇…").

    Such sites number each rendered page at the start of its block and cut sentences
    (and words) where the page ended.  A run of blocks numbered 1, 2, 3 … is taken for
    pages when the blocks are long and most end mid-sentence, or the site's sharing
    banner was seen; a numbered list of short items (1、加强… 2、完善…) is left alone.
    """
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        run = _page_run(paragraphs, i)
        if len(run) >= 2 and _looks_paged(run, banner_seen):
            out.append("".join(_PAGE_MARK.sub("", p, count=1) for p in run))
            i += len(run)
        else:
            out.append(paragraphs[i])
            i += 1
    return out


def _page_run(paragraphs: Sequence[str], start: int) -> list[str]:
    run: list[str] = []
    expected = 1
    for p in paragraphs[start:]:
        m = _PAGE_MARK.match(p)
        if not m or int(m.group(1)) != expected:
            break
        run.append(p)
        expected += 1
    return run


def _looks_paged(run: Sequence[str], banner_seen: bool) -> bool:
    lengths = sorted(len(p) for p in run)
    if lengths[len(lengths) // 2] < (80 if banner_seen else 200):
        return False
    cut = sum(1 for p in run[:-1] if p.rstrip()[-1:] not in _SENTENCE_END)
    return banner_seen or cut * 2 >= len(run) - 1


def remove_watermark(paragraphs: Sequence[str]) -> list[str]:
    """Drop text an aggregator appended to the end of most paragraphs."""
    long_ones = [p for p in paragraphs if len(p) >= 8]
    if len(long_ones) < 3:
        return list(paragraphs)
    need = max(3, int(len(long_ones) * 0.6 + 0.999))
    counts: Counter[str] = Counter()
    for p in long_ones:
        for n in range(4, min(60, len(p) - 4) + 1):  # a watermark leaves text before it
            counts[p[-n:]] += 1
    shared = sorted((s for s, c in counts.items()
                     if c >= need and len(re.findall(rf"[{CJK}A-Za-z]", s)) >= 3), key=len, reverse=True)
    for mark in shared:
        heads = {p[: -len(mark)] for p in long_ones if p.endswith(mark)}
        if len(heads) * 2 >= need:  # text before it varies: an appended mark, not a repeated paragraph
            break
    else:
        return list(paragraphs)
    # the separator before the watermark (。 or a space) belongs to the paragraph
    mark = re.sub(rf"^[\s{CJK_PUNCT},.;:!?]+", "", mark)
    out = []
    for p in paragraphs:
        if p.endswith(mark):
            p = p[: -len(mark)].rstrip()
        if p:
            out.append(p)
    return out


_INLINE_MARK = r"(?<![\d.．]) ?{n} ?、 ?"  # "2.5万" is a number, so 、 only
_MIN_PAGE_CHARS = 150  # a rendered 文库 page holds far more text than one enumerated item


def remove_inline_page_marks(paragraphs: Sequence[str], banner_seen: bool) -> list[str]:
    """Drop page numbers a document-sharing site left inside the text ("…务工就业2 、3016人").

    Only on such sites (the banner was seen): the marks run 2, 3, 4 … through the whole
    document, each a page's worth of text after the last, and cut wherever the page
    ended, even mid-word; the "1、" before the first page goes too.  An enumeration
    (1、… 2、…) has short items, so its numbers never space out like pages.
    """
    if not banner_seen or not paragraphs:
        return list(paragraphs)
    text = "\n".join(paragraphs)
    cuts: list[tuple[int, int]] = []
    pos, last, n = 0, 0, 2
    while True:
        m = re.compile(_INLINE_MARK.format(n=n)).search(text, pos)
        if not m or m.start() - last < _MIN_PAGE_CHARS:
            break
        cuts.append((m.start(), m.end()))
        pos = last = m.end()
        n += 1
    if not cuts:
        return list(paragraphs)
    first = _PAGE_MARK.match(text)
    if first and first.group(1) == "1":
        cuts.insert(0, (first.start(), first.end()))
    for start, end in reversed(cuts):
        text = text[:start] + text[end:]
    return [p for p in text.split("\n") if p.strip()]


def remove_repeated_lines(paragraphs: Sequence[str], max_chars: int = 60, min_repeats: int = 3) -> list[str]:
    """Drop a short line that recurs between paragraphs (an aggregator's notice after each).

    A report does not say the same short sentence three times; headings differ.  A page
    that is nothing but one line repeated keeps it: there is no other text it could be
    the notice of.
    """
    counts = Counter(p for p in paragraphs if len(p) <= max_chars)
    repeated = {p for p, c in counts.items() if c >= min_repeats}
    rest = [p for p in paragraphs if p not in repeated]
    return rest if len(set(rest)) >= 2 else list(paragraphs)
