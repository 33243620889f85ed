"""extract_facts: a CleanDocument's text -> candidate facts with period, qualifier and target flag."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from schemas.catalog import Catalog, load_catalog
from schemas.records import CandidateFact, CleanDocument, Extraction, Region
from scrapers.extract.aliases import AliasHit, find_aliases
from scrapers.extract.mentions import ClauseReader
from scrapers.extract.numbers import Quantity, find_quantities
from scrapers.extract.periods import DocumentPeriod, Period, document_period, half_year, sentence_period, whole_year
from scrapers.extract.readings import Reading, fits
from scrapers.extract.sentences import Sentence, split_sentences
from scrapers.extract.tables import TableCell, TableReader
from scrapers.extract.targets import PlanSection, YearSection, plan_sections, promise_regex, section_at, year_sections
from scrapers.extract.vocabulary import patterns, unit_family

# a year written as one (2023年), the mark of a figure that is one year's
_YEAR_WORD = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年(?!以来)")


class ExtractionError(ValueError):
    """The input is not a document the extractor can read (wrong type); the message is one line."""


def extract_facts(doc: CleanDocument, region: Region, catalog: Catalog | None = None) -> Extraction:
    if not isinstance(doc, CleanDocument):
        raise ExtractionError(f"extract_facts needs a CleanDocument, got {type(doc).__name__}")
    catalog = catalog or load_catalog()
    text = doc.text
    doc_period = document_period(doc.title or "", text, doc.published_date)
    reader = _DocumentReader(doc, text, catalog, doc_period)
    facts = _deduplicated(_without_partial_totals(reader.read()))
    return Extraction(region=region, period_start=doc_period.start, period_end=doc_period.end, facts=tuple(facts))


class _DocumentReader:
    def __init__(self, doc: CleanDocument, text: str, catalog: Catalog, doc_period: DocumentPeriod) -> None:
        self.doc = doc
        self.text = text
        self.catalog = catalog
        self.doc_period = doc_period
        self.hits = find_aliases(text, catalog)
        tables = TableReader(text, catalog, self.hits).tables()
        # a table's cells are read by its columns, never as prose figures
        self.quantities = [
            q
            for q in _with_zero_transitions(text, find_quantities(text))
            if not any(t.start <= q.start < t.end for t in tables)
        ]
        self.table_rows: dict[int, list[TableCell]] = {}
        for t in tables:
            for cell in t.cells:
                self.table_rows.setdefault(cell.row_start, []).append(cell)
        self.sections = plan_sections(text)
        self.year_sections = year_sections(text)
        self.qualifiers = patterns()["qualifiers"]
        self.targets = patterns()["targets"]
        self.alias_context: dict[str, list[str]] = patterns()["structures"]["alias_needs_context"]
        self.enders: tuple[str, ...] = tuple(patterns()["clauses"]["breakdown_enders"])
        self.stock: tuple[str, int] | None = None  # (split stock code, where it was read) for 剩余…

    def read(self) -> list[CandidateFact]:
        facts: list[CandidateFact] = []
        hit_starts = [h.start for h in self.hits]
        q_starts = [q.start for q in self.quantities]
        for sentence in split_sentences(self.text):
            if sentence.start in self.table_rows:
                facts.extend(self._table_fact(c) for c in self.table_rows.pop(sentence.start))
                continue
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
            elif not clause.is_breakdown and self.text[clause.start : clause.end].lstrip().startswith(self.enders):
                breakdown_at = None  # …其中超过50万元的村5个,全镇村集体经济总收入628万元: the whole again
            in_clause = [q for q in quantities if clause.start <= q.num_start and q.end <= clause.end]
            readings = reader.read(clause.start, clause.end, in_clause, sentence.start)
            if not readings and clause.is_breakdown and breakdown_at is not None:
                readings = self._share_of_whole(reader, clause.start, in_clause, quantities, breakdown_at, made)
            for reading in readings:
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
            # 累计…214户,其中2023年新识别58户: a part with a year or a flow word of its own is
            # that year's (or the new) share of the whole, not a second total
            own_period = (fact.period_start, fact.period_end) != (whole.period_start, whole.period_end)
            lead = self.text[clause_start : reading.quantity.start]
            if not own_period and not any(w in lead for w in patterns()["clauses"]["flow_parts"]):
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

    def _share_of_whole(
        self,
        reader: ClauseReader,
        clause_start: int,
        in_clause: list[Quantity],
        quantities: list[Quantity],
        breakdown_at: int,
        made: dict[int, CandidateFact],
    ) -> list[Reading]:
        """…投入衔接资金1.36亿元,实施项目187个,其中2023年投入4862万元: a breakdown naming only its own
        year (or 新增) and a figure in the whole's unit is that year's share of the whole."""
        if not in_clause or any(h.code and clause_start <= h.start < in_clause[0].start for h in reader.hits):
            return []
        q = in_clause[0]
        lead = self.text[clause_start : q.num_start]
        if not (_YEAR_WORD.search(lead) or any(w in lead for w in patterns()["clauses"]["flow_parts"])):
            return []
        if any(w in lead for w in reader.per_unit) or reader._is_threshold(q) or reader._is_change(clause_start, q):
            return []
        family = unit_family(q.count_word)
        before = [w for w in quantities if w.end <= breakdown_at and unit_family(w.count_word) == family]
        whole_q = before[-1] if before else None
        whole = made.get(whole_q.start) if whole_q is not None else None
        if whole is None or fits(self.catalog, whole.indicator_code, q.count_word) != whole.indicator_code:
            return []
        return [Reading(q, whole.indicator_code, float(q.value), q.flags)]

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
        period, is_target = self._when(q.start, prefix, self._promised(prefix, sentence.start, hits))
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

    def _when(self, at: int, prefix: str, promised: bool) -> tuple[Period, bool]:
        """The period of a figure at `at` whose words before it read `prefix`, and whether it is a goal."""
        governing = self._governing(at)
        base = governing[0]
        period = sentence_period(prefix, base)
        section = section_at(self.sections, at)
        is_target = section is not None or promised
        # 今年 inside a plan section is the report's own year, not the one the plan looks to
        says_this_year = any(w in prefix for w in patterns()["periods"]["this_year"])
        own_year = governing[1] is not None and section is not None and governing[1].start == section.start
        if is_target and section is not None and period == base.period and not says_this_year and not own_year:
            period = self._plan_period(section, base)
        return period, is_target

    def _governing(self, at: int) -> tuple[DocumentPeriod, YearSection | None]:
        """一、2023年工作回顾 in a report given in 2024: the heading's year governs its section."""
        inside = [s for s in self.year_sections if s.start <= at < s.end]
        if not inside:
            return self.doc_period, None
        section = max(inside, key=lambda s: s.start)
        start, end = sentence_period(section.title, self.doc_period)
        if (start, end) == self.doc_period.period or start is None or end is None:
            return self.doc_period, section
        half = 1 if (start, end) == half_year(start.year, 1) else None
        return DocumentPeriod(year=end.year, start=start, end=end, half=half), section

    def _table_fact(self, cell: TableCell) -> CandidateFact:
        """A table cell: its caption and column header words give its period, as a prefix does a figure's."""
        period, is_target = self._when(cell.start, cell.context, cell.is_target)
        return CandidateFact(
            indicator_code=cell.code,
            value=cell.value,
            unit=self.catalog[cell.code].unit,
            raw_text=cell.raw,
            count_word=cell.count_word,
            start=cell.start,
            end=cell.end,
            sentence=cell.row_text,
            period_start=period[0],
            period_end=period[1],
            qualifier=cell.qualifier,
            is_target=is_target,
            flags=("table_cell", "table_total") if cell.is_total else ("table_cell",),
            group=cell.group,
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
            if text[m.end() :].startswith(tuple(self.targets["name_followers"])):
                continue  # 营养改善计划、…: the word ends a programme's name, it promises nothing
            before = self.targets["achieved_before"].get(m.group(), [])
            if any(text[max(0, m.start() - 3) : m.start()].endswith(w) for w in before):
                continue  # 今年共争取衔接资金…: what was won, not a goal
            if any(w in text[m.end() :] for w in self.targets["achieved_markers"]):
                continue
            return True
        return False

    def _plan_period(self, section: PlanSection, base: DocumentPeriod) -> Period:
        year, half = base.year, base.half
        if year is None:
            return (None, None)
        if section.kind == "second_half" or (section.kind == "next_step" and half == 1):
            return half_year(year, 2)
        if section.kind == "next_step" and base.end is not None and base.end.year == year and base.end.month <= 9:
            # a quarterly or three-quarter report's 下一步 is the rest of its year, not the next one
            return (base.end + timedelta(days=1), date(year, 12, 31))
        if section.kind == "next_year" or section.kind == "next_step":
            return whole_year(year + 1)
        return base.period

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


def _without_partial_totals(facts: list[CandidateFact]) -> list[CandidateFact]:
    """全镇脱贫户1152户 … 各村情况如下 / 合计 450: a table's total row that disagrees with the figure the
    text states for the township sums only the villages listed; the text's figure stands."""
    stated = {
        (f.indicator_code, _year(f.period_start), _year(f.period_end), f.is_target)
        for f in facts
        if "table_cell" not in f.flags
    }
    return [
        f
        for f in facts
        if "table_total" not in f.flags
        or (f.indicator_code, _year(f.period_start), _year(f.period_end), f.is_target) not in stated
    ]


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
