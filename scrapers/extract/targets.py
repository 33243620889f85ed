"""Plans and targets: plan sections (下一步工作打算, 下半年工作安排) and promising clauses (确保, 力争).

A plan section runs from its heading to the next heading of the same level
that continues the numbering (四、 … 五、), or to the end of the text; a
restart of the numbering (四、下半年工作打算 then 一、…) is a sub-list inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from scrapers.extract.numbers import parse_chinese_numeral
from scrapers.extract.vocabulary import patterns

# 一、 / (一) / （一） headings, at a line start or right after a sentence end
_HEADING = re.compile(
    r"(?:^|(?<=[\n。:：]))[ \t]*(?:(?P<top>[一二三四五六七八九十]+)、|[(（](?P<sub>[一二三四五六七八九十]+)[)）])"
    r"(?P<title>[^\n。,，:：;；]{0,40})"
)
# a paragraph that opens with its own plan word: "下一步,水市乡将…"
_PLAN_PARAGRAPH = re.compile(r"(?:^|(?<=\n))[ \t]*(?P<when>下一步|下步|下半年|明年|来年|今后)[,，:：]")


@dataclass(frozen=True)
class PlanSection:
    start: int
    end: int
    kind: str  # "second_half", "next_year" or "next_step"


@dataclass(frozen=True)
class _Heading:
    start: int
    level: int  # 0 for 一、, 1 for (一)
    number: int
    title: str


def _headings(text: str) -> list[_Heading]:
    found = []
    for m in _HEADING.finditer(text):
        numeral = m.group("top") or m.group("sub")
        number = parse_chinese_numeral(numeral)
        if number is None:
            continue
        found.append(_Heading(m.start(), 0 if m.group("top") else 1, int(number), m.group("title")))
    return found


def _plan_kind(title: str) -> str | None:
    v = patterns()["targets"]
    if any(w in title for w in v["heading_not_plan"]):
        return None
    when = next((w for w in v["heading_when"] if w in title), None)
    has_plan_word = any(w in title for w in v["heading_plan"])
    if when and (has_plan_word or when in ("下一步", "下步")):
        return _kind_of(when)
    if re.search(r"(?:19|20)\d{2}\s*年?度?\s*工作(?:计划|打算|安排|思路)", title):
        return "next_year"
    return None


def _kind_of(when: str) -> str:
    if when == "下半年":
        return "second_half"
    if when in ("明年", "来年"):
        return "next_year"
    return "next_step"


def _section_end(headings: list[_Heading], i: int, text_end: int) -> int:
    h = headings[i]
    for later in headings[i + 1 :]:
        if later.level < h.level or (later.level == h.level and later.number > h.number):
            return later.start
    return text_end


def plan_sections(text: str) -> list[PlanSection]:
    """Spans of `text` that set out plans, each with what period its targets fall in."""
    sections: list[PlanSection] = []
    headings = _headings(text)
    for i, h in enumerate(headings):
        kind = _plan_kind(h.title)
        if kind is None:
            continue
        sections.append(PlanSection(h.start, _section_end(headings, i, len(text)), kind))
    for m in _PLAN_PARAGRAPH.finditer(text):
        para_end = text.find("\n", m.end())
        sections.append(PlanSection(m.start(), len(text) if para_end < 0 else para_end, _kind_of(m.group("when"))))
    return sections


@dataclass(frozen=True)
class YearSection:
    """A section whose heading names its year (一、2023年工作回顾 / 二、2024年工作安排)."""

    start: int
    end: int
    title: str


# a year written as the section's year: not 2021年以来 (a start), not 2024年2月 (a date)
_HEADING_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年(?!以来|\s*\d{1,2}\s*月|\s*[-—–~～至到])")


def year_sections(text: str) -> list[YearSection]:
    """Sections whose heading names a year: that year governs the figures under it."""
    headings = _headings(text)
    return [
        YearSection(h.start, _section_end(headings, i, len(text)), h.title)
        for i, h in enumerate(headings)
        if _HEADING_YEAR.search(h.title)
    ]


def section_at(sections: list[PlanSection], offset: int) -> PlanSection | None:
    return next((s for s in sections if s.start <= offset < s.end), None)


@cache
def promise_regex() -> re.Pattern[str]:
    words = sorted(patterns()["targets"]["promise_words"], key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))

