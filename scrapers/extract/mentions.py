"""Reading a sentence's figures clause by clause: which figures count, and how they pair.

`ClauseReader` walks the quantities of one clause and decides, before asking
which indicator a figure names (attribution.py), whether it is a figure at all:
a per-unit rate (每人500元), a threshold (10万元以上的村), a change (较去年增加312人)
or a thresholded subset (1万元以下的脱贫户35户) is not.  It also carries what one
clause leaves to the next: the households figure a persons figure completes
(8户,涉及29人), the split stock a 剩余… clause completes, and the programme a
clause without figures names for the bare figures after it.
"""

from __future__ import annotations

from dataclasses import replace

from schemas.catalog import Catalog
from scrapers.extract.aliases import AliasHit
from scrapers.extract.attribution import FigureAttributor, reader_vocabulary
from scrapers.extract.numbers import Quantity
from scrapers.extract.readings import Reading, fits
from scrapers.extract.targets import promise_regex
from scrapers.extract.vocabulary import unit_family


class ClauseReader(FigureAttributor):
    """Reads the quantities of one sentence, clause by clause; keeps the sentence's subject."""

    def __init__(self, text: str, catalog: Catalog, hits: list[AliasHit]) -> None:
        super().__init__(text, catalog, hits)
        v = reader_vocabulary()
        self.per_unit: tuple[str, ...] = v["per_unit"]
        self.subset: tuple[str, ...] = v["subset"]
        self.thresholds: tuple[str, ...] = v["thresholds"]
        self.comparisons: tuple[str, ...] = v["comparisons"]
        self.remainder_words: tuple[str, ...] = v["remainder_words"]
        self.remainder_of: dict[str, str] = v["remainder_of"]
        self.last_reading: Reading | None = None  # the previous clause's last figure (8户,涉及29人)
        # the last split stock read (已消除风险26户): a paragraph's 剩余… completes it
        self.stock: str | None = None

    def read(
        self, clause_start: int, clause_end: int, quantities: list[Quantity], sentence_start: int
    ) -> list[Reading]:
        hits = [h for h in self.hits if clause_start <= h.start and h.end <= clause_end]
        named = [h for h in hits if h.code is not None]
        remainder = self._remainder(clause_start, quantities, named)
        if remainder is not None:
            self.last_reading = remainder[-1] if remainder else None
            return remainder
        readings: list[Reading] = []
        previous: Reading | None = self._connected(clause_start, quantities)
        last_end = clause_start
        floor_of: str | None = None  # the indicator whose every-member floor the clause states
        for q in quantities:
            lead = self.text[last_end : q.num_start]
            last_end = q.end
            if any(w in lead for w in self.per_unit):
                continue
            if self._in_subset(self.text[sentence_start : q.num_start], self.text[q.end : clause_end]):
                continue
            floor = self._is_floor(q, sentence_start)
            if floor:
                floor_of = self._floor_subject(q, named) or floor_of
            if floor or self._is_threshold(q) or self._is_change(clause_start, q):
                previous = None
                continue
            paired = previous is not None and (
                self.text[previous.quantity.end : q.start].strip() == ""
                or (not readings and previous is self.last_reading)
            )
            if paired and previous is not None and unit_family(q.count_word) == "persons":
                sibling = fits(self.catalog, previous.code, q.count_word, paired=True)
                if sibling and sibling != previous.code:
                    reading = Reading(q, sibling, float(q.value), q.flags, previous.quantity, previous.subject)
                    readings.append(reading)
                    previous = reading
                    continue
            found = self._read_one(q, named, clause_end)
            if not found:
                previous = None
                continue
            if paired and previous is not None:
                found = [replace(r, group_with=previous.quantity) for r in found]
            readings.extend(found)
            previous = found[-1]
            self.subject = found[0].subject or found[0].code
            # the unit the subject itself was counted in (not its amount's): 改厕560户 -> 户
            self.subject_count = found[0].quantity.count_word if found[0].code == self.subject else None
        programmes = {h.code for h in named if self._is_programme(h)}
        if not readings and len(programmes) == 1:
            # 开展雨露计划资助,资助学生152人 / 对就业3个月以上的…发放就业奖补,已发放203人: a paying
            # programme named in a clause without figures of its own is what the next clause's
            # bare figures count
            self.subject = programmes.pop()
            self.subject_count = None
        elif not readings and floor_of is not None:
            # 各村收入全部超过20万元,总收入达到1032万元: the total after the floor is the floor's indicator's
            self.subject, self.subject_count = floor_of, None
        elif quantities and not readings:
            self.subject = None  # the subject carries only into the very next clause
        self.last_reading = readings[-1] if readings else None
        for r in readings:
            if (r.subject or r.code) in self.remainder_of:
                self.stock = r.subject or r.code
        return readings

    def _remainder(self, clause_start: int, quantities: list[Quantity], named: list[AliasHit]) -> list[Reading] | None:
        """已消除风险38户107人,剩余14户36人: the rest of a split stock is its other half."""
        if named or not quantities or self.stock is None:
            return None
        lead = self.text[clause_start : quantities[0].num_start].strip(" ，,、")
        if not lead.startswith(self.remainder_words):
            return None
        code = self.remainder_of[self.stock]
        self.stock = None
        readings: list[Reading] = []
        for q in quantities:
            paired = bool(readings) and self.text[readings[-1].quantity.end : q.start].strip() == ""
            target = fits(self.catalog, code, q.count_word, paired=paired)
            if target is None:
                break
            group = readings[-1].quantity if paired and target != code else None
            readings.append(Reading(q, target, float(q.value), q.flags, group, code))
        self.subject = None
        return readings

    def _in_subset(self, prefix: str, after: str) -> bool:
        """1万元以下的脱贫户35户: a thresholded group; unless a grant to that group follows
        (对就业3个月以上的劳动力发放就业奖补,已发放203人 / 对…以上的389名劳动力发放就业奖补资金:
        the figure counts the grant)."""
        for w in reader_vocabulary()["bounds"]:
            prefix = prefix.replace(w, "")
        at = max((prefix.rfind(w) for w in self.subset), default=-1)
        if at < 0 or any(v in prefix[at:] for v in self.grant_verbs):
            return False
        granted_to = any(p in prefix[max(0, at - 12) : at] for p in self.grant_prepositions)
        return not (granted_to and any(v in after for v in self.grant_verbs))

    def _connected(self, clause_start: int, quantities: list[Quantity]) -> Reading | None:
        """8户,涉及29人 / 21户,共68人: a clause that opens with a connector and a persons figure
        completes the households figure that ended the clause before."""
        if self.last_reading is None or not quantities or unit_family(quantities[0].count_word) != "persons":
            return None
        lead = self.text[clause_start : quantities[0].num_start].strip(" ，,、")
        # 198户、331人: a bare separator between the two is the same pairing
        bare = self.text[self.last_reading.quantity.end : quantities[0].num_start].strip(" 、，,") == ""
        if (bare or lead in self.connectors) and unit_family(self.last_reading.quantity.count_word) == "households":
            return self.last_reading
        return None

    def _is_threshold(self, q: Quantity) -> bool:
        """收入10万元以上的村: a bound that picks out a group, not a figure of anything."""
        return self.text[max(q.start, q.end - 4) : q.end + 1].endswith(self.thresholds)

    def _is_floor(self, q: Quantity, sentence_start: int) -> bool:
        """各村收入全部超过20万元: a floor every member cleared, not the members' total.  As a goal
        (确保各村收入全部达到10万元以上) the floor is the goal's figure; a rate (参保率均达到100%)
        is the figure itself."""
        lead = self.text[max(0, q.num_start - 6) : q.num_start]
        if not lead.endswith(reader_vocabulary()["every_member"]) or unit_family(q.count_word) == "rate":
            return False
        return not promise_regex().search(self.text[sentence_start : q.num_start])

    def _floor_subject(self, q: Quantity, named: list[AliasHit]) -> str | None:
        for h in reversed([h for h in named if h.end <= q.num_start]):
            assert h.code is not None
            code = fits(self.catalog, h.code, q.count_word)
            if code is not None:
                return code
        return None

    def _is_change(self, clause_start: int, q: Quantity) -> bool:
        """较去年同期增加312人: the difference between two figures, not a figure itself."""
        lead = self.text[clause_start : q.num_start]
        v = reader_vocabulary()
        for w in v["approx_before"]:  # 比上年增加约126万元: the hedge is not the verb
            lead = lead.removesuffix(w)
        return lead.endswith(v["always_changes"]) or (
            lead.endswith(self.changes) and any(w in lead for w in self.comparisons)
        )

