"""Quantities in report text: a number, its scale (万/亿) and its count word.

Numbers are Arabic (1322.63万元, 7。7万元 with a full-width stop for a decimal
point), Chinese (五支, 两万, 三百余) or OCR-garbled (Ill户 = 111户).  Values
are exact Decimals; a year (2022年) is never a quantity because 年 is not a
count word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import cn2an

from scrapers.extract.vocabulary import patterns

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGITS + "十百千万亿"


@dataclass(frozen=True)
class Quantity:
    """One number with its count word, as found in the text."""

    start: int  # the whole mention, number through count word
    end: int
    num_start: int  # the number itself (the digits / numeral)
    num_end: int
    value: Decimal  # scaled by 万/亿, in the count word's unit
    count_word: str
    raw: str
    is_approximate: bool = False
    flags: tuple[str, ...] = ()
    digits: str | None = None  # the plain Arabic digit string, when that is what was written
    scaled: bool = False  # 万/亿 was applied


@lru_cache(maxsize=4096)
def parse_chinese_numeral(span: str) -> Decimal | None:
    """Value of a Chinese numeral span (一百二十, 两万, 三点五); None if it is not one."""
    span = span.strip()
    if not span or not any(c in _CN_DIGITS + "十" for c in span):
        return None
    try:
        value = cn2an.cn2an(span.replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def parse_arabic(span: str) -> tuple[Decimal, bool] | None:
    """Value of an Arabic number; the flag says a full-width stop served as decimal point."""
    fullwidth = "。" in span or "．" in span
    cleaned = span.replace(",", "").replace("。", ".").replace("．", ".")
    try:
        return Decimal(cleaned), fullwidth
    except InvalidOperation:
        return None


def ocr_to_digits(span: str) -> str:
    table = patterns()["ocr"]["letter_digits"]
    return "".join(table.get(c, c) for c in span)


@cache
def _quantity_regex() -> re.Pattern[str]:
    numbers = patterns()["numbers"]
    counts = sorted(numbers["count_words"], key=len, reverse=True)
    count_alt = "|".join(re.escape(c) for c in counts)
    scales = "|".join(re.escape(s) for s in numbers["scales"])
    approx_after = "|".join(re.escape(a) for a in sorted(numbers["approx_after"], key=len, reverse=True))
    ocr = "".join(re.escape(c) for c in patterns()["ocr"]["letter_digits"])
    arabic = r"\d{1,3}(?:,\d{3})+(?:[.。．]\d+)?|\d+(?:[.。．]\d+)?"
    ocr_number = rf"(?<![A-Za-z])[0-9{ocr}]*[{ocr}][0-9{ocr}]*"
    chinese = rf"[{_CN_CHARS}]+(?:点[{_CN_DIGITS}]+)?"
    return re.compile(
        rf"(?:(?P<ar>{arabic})|(?P<ocr>{ocr_number})|(?P<cn>{chinese}))"
        rf"(?P<ap1>余|多)?(?P<scale>{scales})?(?P<ap2>余|多)?\s?"
        rf"(?P<count>{count_alt})(?P<ap3>{approx_after})?"
    )


@cache
def _approx_words() -> tuple[str, ...]:
    return tuple(patterns()["numbers"]["approx_before"])


def _approx_before(text: str, start: int) -> bool:
    return text[max(0, start - 2) : start].endswith(_approx_words())


def _is_set_phrase(text: str, m: re.Match[str]) -> bool:
    """一户一策, 每户, 第一批: a Chinese numeral that does not count anything."""
    before = text[m.start() - 1] if m.start() > 0 else ""
    if before and (before in patterns()["numbers"]["ordinal_prefixes"] or before in _CN_CHARS):
        return True
    cn = m.group("cn")
    after = text[m.end() : m.end() + 1]
    return len(cn) == 1 and after == cn  # 一人一档, 一户一策


def _bare_round_number(text: str, m: re.Match[str]) -> Decimal | None:
    """近百人, 上千户, 万余人: a lone 百/千/万 made approximate by the words around it counts one of it."""
    scale = patterns()["numbers"]["scales"].get(m.group("cn"))
    if scale is None or m.group("scale"):
        return None
    approximate = bool(m.group("ap1") or m.group("ap2") or m.group("ap3")) or _approx_before(text, m.start("cn"))
    return Decimal(scale) if approximate else None


@cache
def _table_row_regex() -> re.Pattern[str]:
    numbers = patterns()["numbers"]
    counts = "|".join(re.escape(c) for c in sorted(numbers["count_words"], key=len, reverse=True))
    scales = "|".join(re.escape(s) for s in numbers["scales"])
    return re.compile(
        rf"^[^\d\s]{{2,24}}[ \t\u3000]+[(（]?(?P<scale>{scales})?(?P<count>{counts})[)）]?[ \t\u3000]+"
        rf"(?P<ar>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)[ \t\u3000]*$",
        re.MULTILINE,
    )


def table_row_quantities(text: str) -> list[Quantity]:
    """A table flattened to text keeps its unit column before the figure: `脱贫户 户 3,412`, `小额信贷 万元 2,135`."""
    found = []
    scales = patterns()["numbers"]["scales"]
    for m in _table_row_regex().finditer(text):
        parsed = parse_arabic(m.group("ar"))
        if parsed is None:
            continue
        value = parsed[0] * Decimal(scales[m.group("scale")]) if m.group("scale") else parsed[0]
        unit_start = m.start("scale") if m.group("scale") else m.start("count")
        found.append(
            Quantity(
                start=unit_start,
                end=m.end("ar"),
                num_start=m.start("ar"),
                num_end=m.end("ar"),
                value=value,
                count_word=m.group("count"),
                raw=text[unit_start : m.end("ar")],
                flags=("table_cell",),
                scaled=bool(m.group("scale")),
            )
        )
    return found


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-count-word in `text`, left to right, never overlapping."""
    found: list[Quantity] = []
    table_cells = table_row_quantities(text)
    scales = patterns()["numbers"]["scales"]
    for m in _quantity_regex().finditer(text):
        flags: list[str] = []
        digits = None
        if m.group("ar"):
            parsed = parse_arabic(m.group("ar"))
            if parsed is None:
                continue
            value, fullwidth = parsed
            if fullwidth:
                flags.append("fullwidth_decimal")
            if m.group("ar").isdigit():
                digits = m.group("ar")
            num_start, num_end = m.span("ar")
        elif m.group("ocr"):
            num_start, num_end = m.span("ocr")
            # letters only stand for digits right after a non-Latin character
            if num_start > 0 and re.match(r"[A-Za-z0-9]", text[num_start - 1]):
                continue
            value = Decimal(ocr_to_digits(m.group("ocr")))
            flags.append("ocr_digits")
        else:
            if _is_set_phrase(text, m):
                continue
            parsed_cn = parse_chinese_numeral(m.group("cn"))
            if parsed_cn is None:
                parsed_cn = _bare_round_number(text, m)
            if parsed_cn is None:
                continue
            value = parsed_cn
            num_start, num_end = m.span("cn")
        scaled = False
        if m.group("scale"):
            value *= Decimal(scales[m.group("scale")])
            scaled = True
        approx = bool(m.group("ap1") or m.group("ap2") or m.group("ap3")) or _approx_before(text, num_start)
        found.append(
            Quantity(
                start=num_start,
                end=m.end(),
                num_start=num_start,
                num_end=num_end,
                value=value,
                count_word=m.group("count"),
                raw=text[num_start : m.end()],
                is_approximate=approx,
                flags=tuple(flags),
                digits=digits,
                scaled=scaled,
            )
        )
    found = [q for q in found if not _ordinal_or_range(text, q)] + _percent_words(text)
    found.sort(key=lambda q: q.start)
    if table_cells:
        taken = [(q.start, q.end) for q in found]
        found += [c for c in table_cells if not any(s < c.end and c.start < e for s, e in taken)]
        found.sort(key=lambda q: q.start)
    return found


def plausible_glue_splits(digits: str, low: float = 1.5, high: float = 6.0) -> list[tuple[int, int]]:
    """Ways to read `digits` as households then persons (444|1424) with persons per household in range."""
    splits = []
    for i in range(1, len(digits)):
        head, tail = digits[:i], digits[i:]
        if tail.startswith("0") or head.startswith("0"):
            continue
        households, persons = int(head), int(tail)
        if households and low <= persons / households <= high:
            splits.append((households, persons))
    return splits


@cache
def _range_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The joiner of a range of figures (3万至5万元, 3至5万元, 30—50人) and what stands either side of it."""
    numbers = patterns()["numbers"]
    joiners = "|".join(re.escape(j) for j in sorted(numbers["range_joiners"], key=len, reverse=True))
    counts = "|".join(re.escape(c) for c in sorted(numbers["count_words"], key=len, reverse=True))
    scales = "".join(numbers["scales"])
    number = rf"(?:\d[\d,.]*|[{_CN_DIGITS}十百千]+)[{scales}]?(?:{counts})?"
    return re.compile(rf"{number}\s*(?:{joiners})\s*$"), re.compile(rf"^\s*(?:{joiners})\s*{number}")


def _ordinal_or_range(text: str, q: Quantity) -> bool:
    """第3名 is a rank; 3万至5万元 / 3至5万元 is a range: neither end is a figure of anything."""
    if text[max(0, q.num_start - 1) : q.num_start] == "第":
        return True
    before, after = _range_regexes()
    return bool(before.search(text[max(0, q.num_start - 12) : q.num_start]) or after.match(text[q.end : q.end + 12]))


@cache
def _percent_regex() -> re.Pattern[str]:
    return re.compile(rf"百分之(?P<cn>[{_CN_CHARS}]+(?:点[{_CN_DIGITS}]+)?)")


def _percent_words(text: str) -> list[Quantity]:
    """百分之九十七点五: a rate written out in words is 97.5%."""
    found = []
    for m in _percent_regex().finditer(text):
        value = parse_chinese_numeral(m.group("cn"))
        if value is not None:
            found.append(Quantity(m.start(), m.end(), m.start(), m.end(), value, "%", m.group()))
    return found
