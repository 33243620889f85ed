"""Where the text names an indicator: catalog aliases, stop phrases, split and context aliases."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from schemas.catalog import Catalog
from scrapers.extract.vocabulary import patterns


@dataclass(frozen=True)
class AliasHit:
    start: int
    end: int
    code: str | None  # None for a stop phrase: it masks aliases inside it and names nothing
    is_verb: bool


@cache
def _alias_regex(catalog_id: int, aliases: tuple[tuple[str, str | None], ...]) -> re.Pattern[str]:
    words = sorted({a for a, _ in aliases}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def alias_table(catalog: Catalog) -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for ind in catalog:
        for alias in ind.aliases:
            table.setdefault(alias, ind.code)
    # 交通补助 = 交通补贴: a subsidy alias also names the indicator in its synonym's wording
    for ind in catalog:
        for alias in ind.aliases:
            for a, b in patterns()["structures"]["subsidy_synonyms"]:
                for old, new in ((a, b), (b, a)):
                    if old in alias:
                        table.setdefault(alias.replace(old, new), ind.code)
    # ways reports name an indicator that the catalog does not list (输转劳动力 for 外出务工)
    for code, words in patterns()["structures"]["extra_aliases"].items():
        if code in catalog:
            for alias in words:
                table.setdefault(alias, code)
    for phrase in patterns()["structures"]["stop_phrases"]:
        table.setdefault(phrase, None)
    return table


def _gap(least: int, pair: list, split: dict) -> str:
    most = int(pair[2] if len(pair) > 2 else split["max_gap"])
    return rf"[^\d，,。；;、：:]{{{least},{most}}}?"


@cache
def _split_alias_regexes() -> tuple[tuple[re.Pattern[str], str], ...]:
    split = patterns()["structures"]["split_aliases"]
    return tuple(
        (
            re.compile(
                # a year inside (参加2024年城乡居民医保) is when, not a word of the gap
                rf"{re.escape(pair[0])}(?:(?:19|20)\d{{2}}年度?{_gap(0, pair, split)}|{_gap(1, pair, split)})"
                rf"{re.escape(pair[1])}"
            ),
            code,
        )
        for code, pairs in split["by_code"].items()
        for pair in pairs
    )


def find_aliases(text: str, catalog: Catalog) -> list[AliasHit]:
    """Leftmost-longest alias matches; stop phrases are kept as masks with no code.

    A split alias (吸纳…就业: 吸纳周边群众就业150人) masks the words inside it.
    """
    table = alias_table(catalog)
    regex = _alias_regex(id(catalog), tuple(sorted(table.items(), key=lambda kv: kv[0])))
    verbs = set(patterns()["structures"]["verb_aliases"])
    hits = [AliasHit(m.start(), m.end(), table[m.group()], m.group() in verbs) for m in regex.finditer(text)]
    split = [
        AliasHit(m.start(), m.end(), code, False)
        for rx, code in _split_alias_regexes()
        if code in catalog
        for m in rx.finditer(text)
    ]
    # a split alias never swallows a whole alias of another indicator (学生落实雨露计划补助)
    hits = _with_context_aliases(text, catalog, hits)
    # a population or group absorbed (吸纳搬迁群众就业) is inside the split alias, not another subject
    population = set(patterns()["structures"]["population_codes"]) | set(patterns()["structures"]["group_codes"])
    starts = [h.start for h in hits]
    split = [
        s
        for s in split
        if not any(
            h.end <= s.end and h.code not in (None, s.code) and h.code not in population and not h.is_verb
            for h in hits[bisect_right(starts, s.start) : bisect_left(starts, s.end)]
        )
    ]
    if not split:
        return hits
    split = [_yielded(text, s, hits) for s in split]
    kept = [h for h in hits if not any(s.start <= h.start and h.end <= s.end for s in split)]
    return sorted(kept + split, key=lambda h: h.start)


@cache
def _context_alias_regexes() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...], int], ...]:
    return tuple(
        (
            re.compile("|".join(re.escape(w) for w in sorted(rule["words"], key=len, reverse=True))),
            rule["code"],
            tuple(rule["near"]),
            int(rule["window"]),
        )
        for rule in patterns()["structures"]["context_aliases"]
    )


def _with_context_aliases(text: str, catalog: Catalog, hits: list[AliasHit]) -> list[AliasHit]:
    """义务教育阶段各类资助: a generic word names an indicator when its context word is just before it."""
    starts = [h.start for h in hits]
    extra = []
    for rx, code, near, window in _context_alias_regexes():
        if code not in catalog:
            continue
        for m in rx.finditer(text):
            i = bisect_right(starts, m.start())
            if (i and hits[i - 1].end > m.start()) or (i < len(hits) and hits[i].start < m.end()):
                continue  # inside a longer alias (雨露计划补助)
            lead = re.split(r"[，,。；;：:\n]", text[max(0, m.start() - window) : m.start()])[-1]
            if _programme_before(catalog, hits[:i], m.start() - len(lead), code):
                continue  # 落实雨露计划春季学期补助: the paying programme named before owns the subsidy
            if any(w in lead for w in near):
                extra.append(AliasHit(m.start(), m.end(), code, False))
    return sorted(hits + extra, key=lambda h: h.start) if extra else hits


def _programme_before(catalog: Catalog, before: list[AliasHit], lead_start: int, code: str) -> bool:
    """Is another paying programme (an indicator with an amount sibling) named from lead_start on?"""
    for h in reversed(before):
        if h.start < lead_start:
            return False
        if h.code and h.code != code and h.code in catalog and catalog[h.code].amount:
            return True
    return False


def _yielded(text: str, split: AliasHit, hits: list[AliasHit]) -> AliasHit:
    """安排公益性岗位吸纳监测对象就业58人: the subject named earlier in the clause is who absorbs."""
    yields = patterns()["structures"]["split_alias_yields_to"].get(split.code, ())
    clause_start = max(text.rfind(c, 0, split.start) for c in "，,。；;：:\n") + 1
    for h in reversed(hits):
        if clause_start <= h.start and h.end <= split.start and h.code in yields:
            return AliasHit(split.start, split.end, h.code, False)
    return split
