"""Sentences and clauses of a report, as character spans of the document text.

A sentence ends at 。；！？ or a line break; a clause at ，、 inside it.  A
parenthesised breakdown "(其中…)" starts a clause of its own, other brackets
do not ("专项资金(衔接资金)1322.63万元" stays one clause).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from scrapers.extract.vocabulary import patterns


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    is_breakdown: bool  # opens with 其中: its figures are parts of a figure before it


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    clauses: tuple[Clause, ...]


@cache
def _sentence_end_regex() -> re.Pattern[str]:
    ends = patterns()["clauses"]["sentence_ends"]
    return re.compile("[" + re.escape(ends) + "]")


@cache
def _clause_regex() -> re.Pattern[str]:
    seps = re.escape(patterns()["clauses"]["clause_separators"])
    breakdown = "|".join(re.escape(w) for w in patterns()["clauses"]["breakdown_words"])
    # a separator, or the opening bracket of a breakdown
    return re.compile(rf"[{seps}]|[(（](?=(?:{breakdown}))")


@cache
def _breakdown_regex() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in patterns()["clauses"]["breakdown_words"])
    return re.compile(rf"^[\s(（“\"]*(?:{words})")


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their clauses; a 。 between two digits is a decimal point, not an end."""
    sentences: list[Sentence] = []
    start = 0
    for m in _sentence_end_regex().finditer(text):
        if m.group() == "。" and _between_digits(text, m.start()):
            continue
        if m.start() > start:
            sentences.append(_sentence(text, start, m.start()))
        start = m.end()
    if start < len(text):
        sentences.append(_sentence(text, start, len(text)))
    return sentences


def _sentence(text: str, start: int, end: int) -> Sentence:
    clauses: list[Clause] = []
    piece_start = start
    body = text[start:end]
    for m in _clause_regex().finditer(body):
        sep_at = start + m.start()
        # a thousands comma (1,234) is part of a number
        if m.group() == "," and _between_digits(text, sep_at) and re.match(r"\d{3}(?!\d)", text[sep_at + 1 :]):
            continue
        if sep_at > piece_start:
            clauses.append(_clause(text, piece_start, sep_at))
        piece_start = sep_at + (1 if m.group() in ",，、" else 0)
    if piece_start < end:
        clauses.append(_clause(text, piece_start, end))
    return Sentence(start=start, end=end, clauses=tuple(clauses))


def _clause(text: str, start: int, end: int) -> Clause:
    return Clause(start=start, end=end, is_breakdown=bool(_breakdown_regex().match(text[start:end])))
