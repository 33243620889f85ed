"""Periods: the document's own (from its title, opening and publication date) and a sentence's.

A period is a (start, end) pair of dates; (None, None) when the year cannot be
determined (20xx年, an anonymised report with no date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from scrapers.extract.vocabulary import patterns

Period = tuple[date | None, date | None]
NO_PERIOD: Period = (None, None)

_YEAR = r"(?<![\dA-Za-z])((?:19|20)\d{2})"
_OPENING_CHARS = 300


@cache
def _dash() -> str:
    """What joins the ends of a range (2021—2023年, 2021年至2023年, 1～6月): any dash or 至/到."""
    words = sorted(patterns()["numbers"]["range_joiners"], key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


@dataclass(frozen=True)
class DocumentPeriod:
    year: int | None
    start: date | None
    end: date | None
    half: int | None = None  # 1 or 2 for a half-year report

    @property
    def period(self) -> Period:
        return (self.start, self.end)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def whole_year(year: int) -> Period:
    return (date(year, 1, 1), date(year, 12, 31))


def half_year(year: int, half: int) -> Period:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def quarter(year: int, q: int) -> Period:
    return (date(year, 3 * q - 2, 1), month_end(year, 3 * q))


def _plausible(year: int) -> bool:
    return 1990 <= year <= 2100


def _years(text: str) -> list[tuple[int, int]]:
    """(offset, year) of years written as years (2022年, 2023上半年, 2021-2023年)."""
    found = []
    followed_by = rf"(?=年|上半年|下半年|第?[一二三四]季度|前三季度|{_dash()}\s*(?:19|20)\d{{2}})"
    for m in re.finditer(_YEAR + r"\s*" + followed_by, text):
        year = int(m.group(1))
        if _plausible(year):
            found.append((m.start(), year))
    return found


def _has_any(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def document_period(title: str, body: str, published: date | None) -> DocumentPeriod:
    """The period a report covers: title first, then its opening and publication date.

    The year comes from the title, else the opening, the publication date or the
    body.  The part of that year (a half, a quarter, 1-10月, 截至11月底) comes from
    the title; a title naming only the year lets its first paragraph narrow it,
    a title naming no year lets the opening characters narrow it.
    """
    vocab = patterns()["periods"]
    title = title or ""
    body = body or ""
    opening = body[:_OPENING_CHARS]
    title_years = _years(title)
    # the first year the title names opens a range (not 2023年总结和2024—2026年规划)
    several = _year_range(title[title_years[0][0] :]) if title_years else None
    if several is not None:  # 2021—2023年巩固拓展…工作情况报告: a report on several years
        return DocumentPeriod(year=several[1], start=date(several[0], 1, 1), end=date(several[1], 12, 31))
    if title_years:
        year: int | None = title_years[0][1]
        at = title_years[0][0]
        title_part = title[:at] + title[at:].split("及")[0]  # …总结及下半年打算: the plan is not the cover
    else:
        year = _year_without_title(title, body, opening, published)
        title_part = title
    if year is None:
        return DocumentPeriod(year=None, start=None, end=None)
    span = _span_in(title_part, year, published, in_title=True)
    if span is None and not (title_years and _has_any(title_part, vocab["title_explicit_year"])):
        lead = opening.split("\n")[0] if title_years else opening
        span = _span_in(lead, year, published, in_title=False)
    start, end = span or whole_year(year)
    half = 1 if (start, end) == half_year(year, 1) else None
    return DocumentPeriod(year=year, start=start, end=end, half=half)


def _year_range(text: str) -> tuple[int, int] | None:
    m = re.match(rf"{_YEAR}\s*年?\s*{_dash()}\s*((?:19|20)\d{{2}})\s*年", text)
    if m is None:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return (first, last) if _plausible(first) and first < last <= first + 10 else None


def _year_without_title(title: str, body: str, opening: str, published: date | None) -> int | None:
    opening_years = [y for at, y in _years(opening) if not re.search(rf"由{y}", opening) and not _is_date(opening, at)]
    vocab = patterns()["periods"]
    if published and published.month <= vocab["early_months"] and _has_any(opening, vocab["review_of_last_year"]):
        # 过去的一年… in a report given in February: it reviews the year before
        return published.year - 1
    says_this_year = _has_any(opening, ["今年", "本年"]) or _has_any(title, ["今年", "本年"])
    if published and says_this_year:
        return published.year
    if opening_years:
        return opening_years[0]
    if published and "今年" in body and not _has_unknown_year(body):
        return published.year
    body_years = _years(body)
    if body_years and not _has_unknown_year(body):
        return body_years[0][1]
    return None


def _is_date(text: str, at: int) -> bool:
    """2024年2月20日在…会议上: a full date in an opening is when the report was given, not what it
    covers; unless a cut-off word puts it there (截至2023年10月31日)."""
    if not re.match(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", text[at:]):
        return False
    until = patterns()["periods"]["document_span"]["until"]
    return not text[max(0, at - 4) : at].endswith(tuple(until))


_CN_MONTHS = {w: i for i, w in enumerate("一二三四五六七八九十", start=1)} | {"十一": 11, "十二": 12}
_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_MONTHS[text]


@cache
def _span_regex() -> re.Pattern[str]:
    """The ways a report states the part of its year: 一季度, 前三季度, 上半年, 1-10月, 截至11月底, 截至目前."""
    v = patterns()["periods"]
    d = v["document_span"]

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    return re.compile(
        rf"(?P<range>(?<![\d\-—～~至到.])(?P<m1>{_MONTH})\s*月?(?:份)?\s*[-—–~～至到]\s*(?P<m2>{_MONTH})\s*月)"
        rf"|(?P<until>(?:{alt(d['until'])})\s*(?:(?P<uyear>(?:19|20)\d{{2}})\s*年)?\s*"
        rf"(?:(?P<um>{_MONTH})\s*月(?:(?P<uday>[0-3]?\d)\s*日)?|(?P<now>{alt(d['until_now'])})))"
        rf"|(?P<word>{alt(list(v['quarters']) + v['first_three_quarters'] + v['first_half'])})"
    )


def _span_in(text: str, year: int, published: date | None, in_title: bool) -> Period | None:
    """The part of `year` that `text` says it covers; None when it names none, or several."""
    vocab = patterns()["periods"]
    d = vocab["document_span"]
    spans: set[Period] = set()
    for m in _span_regex().finditer(text):
        before = text[max(0, m.start() - 4) : m.start()]
        if any(before.endswith(w) for w in d["other_year_before"]) or _other_year(before, year):
            continue
        span = _span_of(m, year, published, in_title)
        # 上半年…下半年 / 一季度…全年目标 in one sentence of an opening: a part of the year, not its cover
        if span is None or (not in_title and _is_half_or_quarter(span, year) and _vetoed(text, m, d["vetoed_by"])):
            continue
        spans.add(span)
    return spans.pop() if len(spans) == 1 else None


def _vetoed(text: str, m: re.Match[str], vetoes: list[str]) -> bool:
    ends = patterns()["clauses"]["sentence_ends"]
    start = max((text.rfind(c, 0, m.start()) for c in ends), default=-1) + 1
    stops = [i for i in (text.find(c, m.end()) for c in ends) if i != -1]
    return _has_any(text[start : min(stops, default=len(text))], vetoes)


def _other_year(before: str, year: int) -> bool:
    m = re.search(r"((?:19|20)\d{2})\s*年?$", before)
    return bool(m) and int(m.group(1)) != year


def _is_half_or_quarter(span: Period, year: int) -> bool:
    return span == half_year(year, 1) or any(span == quarter(year, q) for q in range(1, 5))


def _span_of(m: re.Match[str], year: int, published: date | None, in_title: bool) -> Period | None:
    vocab = patterns()["periods"]
    if m.group("word"):
        word = m.group("word")
        if word in vocab["quarters"]:
            return quarter(year, int(vocab["quarters"][word]))
        if word in vocab["first_three_quarters"]:
            return (date(year, 1, 1), date(year, 9, 30))
        return half_year(year, 1)
    if m.group("range"):
        first, last = _month(m.group("m1")), _month(m.group("m2"))
        # an opening's 3-5月 is when something was done; only 1-N月 is what the report covers
        if first > last or (first != 1 and not in_title):
            return None
        return (date(year, first, 1), month_end(year, last))
    if m.group("uyear") and int(m.group("uyear")) != year:
        return None
    if m.group("now"):
        return _until_publication(year, published)
    month = _month(m.group("um"))
    end = month_end(year, month)
    if m.group("uday") and 1 <= int(m.group("uday")) <= end.day:
        end = date(year, month, int(m.group("uday")))
    return (date(year, 1, 1), end)


def _until_publication(year: int, published: date | None) -> Period | None:
    """截至目前: figures compiled to the last month end before publication.

    Without a publication date, or when that month end falls outside the report's
    year (a 2022 summary published in 2023, a report out on 5 January), the
    report's year is kept.
    """
    if published is None:
        return None
    last_month_end = date(published.year, published.month, 1).toordinal() - 1
    end = date.fromordinal(last_month_end)
    return (date(year, 1, 1), end) if end.year == year else None


def _has_unknown_year(text: str) -> bool:
    return _has_any(text, patterns()["structures"]["unknown_year"])


@cache
def _marker_regex() -> re.Pattern[str]:
    v = patterns()["periods"]
    words = (
        list(v["quarters"])
        + v["first_half"]
        + v["second_half"]
        + v["first_three_quarters"]
        + v["year_to_date"]
        + v["previous_year"]
        + v["previous_year_same_span"]
        + v["full_year"]
        + v["next_year"]
        + patterns()["structures"]["unknown_year"]
        + v["transitions"]
        + list(v["named_spans"])
    )
    alt = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    until = "|".join(re.escape(w) for w in sorted(v["until"], key=len, reverse=True))
    return re.compile(
        rf"(?P<range>{_YEAR}\s*年?\s*{_dash()}\s*((?:19|20)\d{{2}})\s*年)"
        rf"|(?P<until>(?:{until})\s*(?:{_YEAR}\s*年)?\s*(?P<month>\d{{1,2}})\s*月)"
        rf"|(?P<year>{_YEAR}\s*(?:年度|年|(?=上半年|下半年|第?[一二三四]季度|前三季度)))(?P<since>以来)?"
        rf"|(?P<word>{alt})"
    )


def sentence_period(prefix: str, doc: DocumentPeriod) -> Period:
    """The period of a figure whose sentence reads `prefix` before it; the document's by default.

    Markers compose left to right (2023年 then 上半年), the last one wins.
    """
    v = patterns()["periods"]
    year = doc.year
    period: Period = doc.period
    last_kind = None
    for m in _marker_regex().finditer(prefix):
        if m.group("range"):
            y1, y2 = int(m.group(2)), int(m.group(3))
            if _plausible(y1) and _plausible(y2) and y1 <= y2:
                period, year = (date(y1, 1, 1), date(y2, 12, 31)), y2
        elif m.group("until"):
            y = int(m.group(5)) if m.group(5) else year
            month = int(m.group("month"))
            if y and 1 <= month <= 12:
                period, year = (date(y, 1, 1), month_end(y, month)), y
        elif m.group("year"):
            y = int(m.group(8))
            if not _plausible(y):
                continue
            year = y
            # a report on 2021—2023: its 2023年 figures are that year's, not the report's span
            within = doc.start is not None and doc.start.year == y
            period = doc.period if y == doc.year and within else whole_year(y)
            if m.group("since") and doc.end and doc.end.year >= y:
                # 2021年以来累计: from that year to the end of what the report covers
                period, year = (date(y, 1, 1), doc.end), doc.year
        else:
            word = m.group("word")
            if _comparison_base(prefix, m, v):
                continue
            until_end = period[1] if last_kind == "until" else None
            period, year = _word_period(word, year, doc, v)
            # 截至6月, 今年以来…: the cut-off still ends the period
            if until_end and word in v["year_to_date"] and period[0] and until_end.year == period[0].year:
                period = (period[0], until_end)
        last_kind = m.lastgroup
    return period


def _comparison_base(prefix: str, m: re.Match[str], v: dict) -> bool:
    """比上年增加21户: last year is what the change is measured from, not when the figures after it are;
    较上年的3275人 names last year's own figure and keeps its year."""
    if m.group("word") not in v["previous_year"] + v["previous_year_same_span"]:
        return False
    before = prefix[max(0, m.start() - 2) : m.start()]
    compared = before.endswith(tuple(patterns()["structures"]["comparison_words"]))
    return compared and not prefix[m.end() :].startswith("的")


def _word_period(word: str, year: int | None, doc: DocumentPeriod, v: dict) -> tuple[Period, int | None]:
    if word in v["transitions"]:
        return doc.period, doc.year
    if word in patterns()["structures"]["unknown_year"]:
        return NO_PERIOD, None
    if word in v["named_spans"]:
        first, last = v["named_spans"][word]
        return (date(int(first), 1, 1), date(int(last), 12, 31)), int(last)
    if word in v["this_year"]:
        year = doc.year  # 2021年以来…,今年新发放: 今年 is the report's year whatever came before
    if year is None:
        return NO_PERIOD, None
    if word in v["quarters"]:
        return quarter(year, int(v["quarters"][word])), year
    if word in v["first_half"]:
        return half_year(year, 1), year
    if word in v["second_half"]:
        return half_year(year, 2), year
    if word in v["first_three_quarters"]:
        return (date(year, 1, 1), date(year, 9, 30)), year
    if word in v["previous_year_same_span"]:
        return _year_earlier(doc.period if doc.year == year else whole_year(year)), year - 1
    if word in v["previous_year"]:
        return whole_year(year - 1), year - 1
    if word in v["full_year"]:
        return whole_year(year), year
    if word in v["next_year"]:
        return whole_year(year + 1), year + 1
    # 今年以来 / 今年: from the year's start to the end of what the document covers
    end = doc.end if doc.year == year and doc.end else date(year, 12, 31)
    return (date(year, 1, 1), end), year


def _year_earlier(period: Period) -> Period:
    """去年同期: the same span a year before (a span ending on 29 February ends on the 28th)."""
    start, end = period
    if start is None or end is None:
        return NO_PERIOD

    def back(day: date) -> date:
        return day.replace(year=day.year - 1, day=min(day.day, month_end(day.year - 1, day.month).day))

    return (back(start), back(end))
