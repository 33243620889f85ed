"""extract_facts: a CleanDocument's text -> candidate facts with period, qualifier and target flag."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date
from decimal import Decimal

from schemas.catalog import Catalog, load_catalog
from schemas.records import CandidateFact, CleanDocument, Extraction, Region
from scrapers.extract.aliases import AliasHit, find_aliases
from scrapers.extract.mentions import ClauseReader
from scrapers.extract.numbers import Quantity, find_quantities
from scrapers.extract.periods import DocumentPeriod, Period, document_period, half_year, sentence_period, whole_year
from scrapers.extract.readings import Reading
from scrapers.extract.sentences import Sentence, split_sentences
from scrapers.extract.targets import PlanSection, plan_sections, promise_regex, section_at
from scrapers.extract.vocabulary import patterns, unit_family


class ExtractionError(ValueError):
    """The input is not a document the extractor can read (wrong type); the message is one line."""


def extract_facts(doc: CleanDocument, region: Region, catalog: Catalog | None = None) -> Extraction:
    if not isinstance(doc, CleanDocument):
        raise ExtractionError(f"extract_facts needs a CleanDocument, got {type(doc).__name__}")
    catalog = catalog or load_catalog()
    text = doc.text
    doc_period = document_period(doc.title or "", text, doc.published_date)
    reader = _DocumentReader(doc, text, catalog, doc_period)
    facts = _deduplicated(reader.read())
    return Extraction(region=region, period_start=doc_period.start, period_end=doc_period.end, facts=tuple(facts))


class _DocumentReader:
    def __init__(self, doc: CleanDocument, text: str, catalog: Catalog, doc_period: DocumentPeriod) -> None:
        self.doc = doc
        self.text = text
        self.catalog = catalog
        self.doc_period = doc_period
        self.hits = find_aliases(text, catalog)
        self.quantities = _with_zero_transitions(text, find_quantities(text))
        self.sections = plan_sections(text)
        self.qualifiers = patterns()["qualifiers"]
        self.targets = patterns()["targets"]
        self.alias_context: dict[str, list[str]] = patterns()["structures"]["alias_needs_context"]
        self.stock: tuple[str, int] | None = None  # (split stock code, where it was read) for 剩余…

    def read(self) -> list[CandidateFact]:
        facts: list[CandidateFact] = []
        hit_starts = [h.start for h in self.hits]
        q_starts = [q.start for q in self.quantities]
        for sentence in split_sentences(self.text):
            hits = self.hits[bisect_left(hit_starts, sentence.start) : bisect_left(hit_starts, sentence.end)]
            quantities = self.quantities[bisect_left(q_starts, sentence.start) : bisect_left(q_starts, sentence.end)]
            if quantities and (hits or self.stock):  # 尚有4户11人…: a remainder needs no alias
                facts.extend(self._read_sentence(sentence, hits, quantities))
        return facts

    def _read_sentence(
        self, sentence: Sentence, hits: list[AliasHit], quantities: list[Quantity]
    ) -> list[CandidateFact]:
        hits = self._in_context(sentence, hits)
        reader = ClauseReader(self.text, self.catalog, hits)
        if self.stock is not None and "\n" not in self.text[self.stock[1] : sentence.start]:
            reader.stock = self.stock[0]  # 已消除风险26户85人；剩余10户27人…: same paragraph
        made: dict[int, CandidateFact] = {}  # quantity start -> first fact read from it
        out: list[CandidateFact] = []
        breakdown_at: int | None = None
        for clause in sentence.clauses:
            if clause.is_breakdown and breakdown_at is None:
                breakdown_at = clause.start
            in_clause = [q for q in quantities if clause.start <= q.num_start and q.end <= clause.end]
            for reading in reader.read(clause.start, clause.end, in_clause, sentence.start):
                later = [q.start for q in in_clause if q.start > reading.quantity.start]
                fact = self._fact(reading, sentence, hits, clause.start, min(later, default=clause.end))
                if breakdown_at is not None and reading.quantity.start >= breakdown_at:
                    fact = self._as_part(fact, reading, quantities, breakdown_at, made, clause.start, hits)
                    if fact is None:
                        continue
                made.setdefault(reading.quantity.start, fact)
                out.append(fact)
        self.stock = (reader.stock, sentence.end) if reader.stock else None
        # the first member of an X户Y人 structure learns its group from the second
        groups = {f.group for f in out if f.group}
        return [replace(f, group=f"g{f.start}") if not f.group and f"g{f.start}" in groups else f for f in out]

    def _as_part(
        self,
        fact: CandidateFact,
        reading: Reading,
        quantities: list[Quantity],
        breakdown_at: int,
        made: dict[int, CandidateFact],
        clause_start: int,
        hits: list[AliasHit],
    ) -> CandidateFact | None:
        """其中…: a part of the figure before it; dropped when that whole is not a fact we keep
        (近200户农户…(其中贫困户86户)), or when it would read as a second total of the same
        indicator with nothing to tell it apart."""
        family = unit_family(reading.quantity.count_word)
        whole_q = next(
            (q for q in reversed(quantities) if q.end <= breakdown_at and unit_family(q.count_word) == family), None
        )
        if whole_q is None:
            return fact
        whole = made.get(whole_q.start)
        population = set(patterns()["structures"]["population_codes"])
        named_here = next(
            (h for h in hits if clause_start <= h.start and h.end <= reading.quantity.start and h.code), None
        )
        if whole is None:
            lead = self.text[max(0, whole_q.start - 8) : whole_q.start]
            stock = any(w in lead for w in patterns()["clauses"]["stock_wholes"])
            # 其中衔接资金845万元: an item naming its own (non-group) indicator stands alone
            own = named_here is not None and named_here.code not in population
            return fact if stock or own else None
        if whole.indicator_code == fact.indicator_code and not fact.qualifier:
            return None
        if fact.indicator_code in population and whole.indicator_code not in population and named_here is not None:
            # 吸纳就业137人,其中脱贫人口52人: the parent's figure, for that group
            group = self.text[named_here.start : named_here.end]
            return replace(
                fact,
                indicator_code=whole.indicator_code,
                unit=whole.unit,
                qualifier=group,
                part_of=whole.fact_key(self.doc.url, self.doc.content_hash),
            )
        return replace(fact, part_of=whole.fact_key(self.doc.url, self.doc.content_hash))

    def _in_context(self, sentence: Sentence, hits: list[AliasHit]) -> list[AliasHit]:
        """带动就业 names workshop employment only where the sentence speaks of a workshop."""
        needs = self.alias_context
        out = hits
        for i, h in enumerate(hits):
            words = needs.get(self.text[h.start : h.end]) if h.code else None
            if words and not any(w in self.text[sentence.start : sentence.end] for w in words):
                out = out if out is not hits else list(hits)
                out[i] = replace(h, code=None)
        return out

    def _fact(
        self, reading: Reading, sentence: Sentence, hits: list[AliasHit], clause_start: int, segment_end: int
    ) -> CandidateFact:
        q = reading.quantity
        code = reading.code
        sentence_text = self.text[sentence.start : sentence.end]
        prefix = self.text[sentence.start : q.start]
        period = sentence_period(prefix, self.doc_period)
        section = section_at(self.sections, q.start)
        is_target = section is not None or self._promised(prefix, sentence.start, hits)
        # 今年 inside a plan section is the report's own year, not the one the plan looks to
        says_this_year = any(w in prefix for w in patterns()["periods"]["this_year"])
        if is_target and section is not None and period == self.doc_period.period and not says_this_year:
            period = self._plan_period(section)
        group = f"g{reading.group_with.start}" if reading.group_with is not None else None
        if "glued_repaired" in reading.flags:
            group = f"g{q.start}"
        return CandidateFact(
            indicator_code=code,
            value=reading.value,
            unit=self.catalog[code].unit,
            raw_text=q.raw,
            count_word=q.count_word,
            start=q.start,
            end=q.end,
            sentence=sentence_text,
            period_start=period[0],
            period_end=period[1],
            qualifier=self._qualifier(code, clause_start, q, segment_end, sentence_text),
            is_target=is_target,
            is_approximate=q.is_approximate,
            flags=reading.flags,
            group=group,
        )

    def _promised(self, prefix: str, sentence_start: int, hits: list[AliasHit]) -> bool:
        """A promise word earlier in the sentence, not inside an alias (雨露计划), not a purpose (为确保)."""
        if not promise_regex().search(prefix):
            return False
        masked = list(prefix)
        for h in hits:
            for i in range(max(h.start, sentence_start), min(h.end, sentence_start + len(prefix))):
                masked[i - sentence_start] = "□"
        text = "".join(masked)
        for m in promise_regex().finditer(text):
            if text[max(0, m.start() - 1) : m.start()] in self.targets["purpose_prefixes"]:
                continue
            before = self.targets["achieved_before"].get(m.group(), [])
            if any(text[max(0, m.start() - 3) : m.start()].endswith(w) for w in before):
                continue  # 今年共争取衔接资金…: what was won, not a goal
            if any(w in text[m.end() :] for w in self.targets["achieved_markers"]):
                continue
            return True
        return False

    def _plan_period(self, section: PlanSection) -> Period:
        year, half = self.doc_period.year, self.doc_period.half
        if year is None:
            return (None, None)
        if section.kind == "second_half" or (section.kind == "next_step" and half == 1):
            return half_year(year, 2)
        if section.kind == "next_year" or section.kind == "next_step":
            return whole_year(year + 1)
        return self.doc_period.period

    def _qualifier(self, code: str, clause_start: int, q: Quantity, segment_end: int, sentence_text: str) -> str | None:
        """Qualifier words in the clause up to the number, or between it and the next number (3个市级贫困村)."""
        before = self.text[clause_start : q.num_start]
        window = before + "|" + self.text[q.end : segment_end]
        words = self.qualifiers["by_code"].get(code, [])
        found = sorted({(window.find(w), w) for w in words if w in window})
        # keep the longest reading of overlapping words (优质稻 over 水稻 inside it)
        kept = [w for _, w in found if not any(w != o and w in o for _, o in found)]
        if code == "crop_area" and not kept:
            kept = self._unlisted_crop(before)
        kept += [w for w in self.qualifiers["any_code"] if w in sentence_text and w not in kept]
        return "".join(kept) or None

    def _unlisted_crop(self, window: str) -> list[str]:
        verbs = "|".join(self.qualifiers["crop_verbs"])
        orchard = re.search(r"([\u4e00-\u9fff]{1,3}园)面积[^，,]{0,4}$", window)  # 桃园面积1200亩
        if orchard:
            return [orchard.group(1).lstrip("全本各村镇乡")]  # 全村蓝莓园: the place word is no crop
        m = re.search(rf"(?:{verbs})([\u4e00-\u9fff]{{1,4}})$", window)
        return [m.group(1)] if m and m.group(1) not in ("面积", "了", "共", "达") else []


def _with_zero_transitions(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """由6.8%降至零: 零 is a figure in the unit of the one it changes from."""
    words = "|".join(re.escape(w) for w in patterns()["periods"]["transitions"])
    extra = []
    for m in re.finditer(rf"(?:{words})(零)(?![星散碎])", text):
        before = [q for q in quantities if q.end <= m.start() and m.start() - q.end <= 4]
        if before:
            zero_at = m.start(1)
            extra.append(
                Quantity(zero_at, zero_at + 1, zero_at, zero_at + 1, Decimal(0), before[-1].count_word, "零")
            )
    return sorted(quantities + extra, key=lambda q: q.start)


def _deduplicated(facts: list[CandidateFact]) -> list[CandidateFact]:
    """A report repeating a figure (边缘户5户14人 … 5户贫困边缘户) states one fact."""
    seen: dict[tuple, set[str | None]] = {}
    out = []
    for f in facts:
        years = (_year(f.period_start), _year(f.period_end))
        key = (f.indicator_code, round(f.value, 6), f.is_target, years)
        qualifiers = seen.setdefault(key, set())
        # an unqualified repeat (岗位210个,安置…210人) restates the qualified figure
        if f.qualifier in qualifiers or (qualifiers and f.qualifier is None):
            continue
        qualifiers.add(f.qualifier)
        out.append(f)
    return out


def _year(d: date | None) -> int | None:
    return d.year if d else None
