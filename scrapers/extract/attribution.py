"""Which indicator one figure speaks of: aliases near the number, and the structures reports use.

Within one clause the number belongs to, in order of preference:
  1. the indicator named right after it       4家村级卫生室, 3个市级贫困村
  2. the nearest indicator named before it     公益性岗位126个, 早稻种植3200亩
  3. a programme named later in the clause     35户申请产业信贷通
  4. the subject of the sentence's earlier clause, for a bare figure
                                               补助学生45人,补助金额67500元
and only when its count word fits the indicator (or its persons / amount
sibling in the catalog).  A number no indicator claims is not a fact.

`FigureAttributor` holds these rules for one figure at a time; walking a clause
(which figures count at all, pairing X户Y人, carrying state between clauses) is
`ClauseReader`'s job in mentions.py, which builds on this class.
"""

from __future__ import annotations

import re
from functools import cache

from schemas.catalog import Catalog
from scrapers.extract.aliases import AliasHit
from scrapers.extract.numbers import Quantity
from scrapers.extract.readings import Reading, fits, glued_readings
from scrapers.extract.vocabulary import patterns, unit_family


def _only_filler(gap: str, words: list[str]) -> bool:
    """Is `gap` empty or made only of qualifier words and quotes (3个市级贫困村, 5户“贫困边缘户”)?"""
    rest = re.sub(r"[“”\"'‘’《》\s]", "", gap)
    for w in words:  # longest first
        rest = rest.replace(w, "")
    return rest == ""


@cache
def reader_vocabulary() -> dict:
    """The structure words of patterns.yaml the clause reader and attributor look for, read once."""
    s = patterns()["structures"]
    qualifiers = patterns()["qualifiers"]["by_code"]
    return {
        "interrupters": tuple(s["activity_interrupters"]),
        "allocation_verbs": tuple(s["allocation_verbs"]),
        "population": frozenset(s["population_codes"]),
        "followers": tuple(s["population_list_followers"]),
        "per_unit": tuple(patterns()["numbers"]["per_unit_prefixes"]),
        "subset": tuple(s["subset_markers"]),
        "bounds": tuple(s["bound_phrases"]),
        "thresholds": tuple(s["threshold_suffixes"]),
        "comparisons": tuple(s["comparison_words"]),
        "changes": tuple(s["change_verbs"]),
        "always_changes": tuple(s["always_change_verbs"]),
        "pooling": tuple(s["pooling_words"]),
        "noun_heads": tuple(s["own_noun_heads"]),
        "places": tuple(s["place_prepositions"]),
        "kinds": frozenset(s["kinds_in_lists"]),
        "beneficiary": tuple(s["beneficiary_verbs"]),
        "connectors": tuple(patterns()["clauses"]["pair_connectors"]),
        "grant_verbs": tuple(s["grant_verbs"]),
        "outflow": tuple(s["outflow_verbs"]),
        "not_group_size": tuple(s["not_group_size"]),
        "groups": frozenset(s["population_codes"]) | frozenset(s["group_codes"]),
        "remainder_words": tuple(s["remainder_words"]),
        "remainder_of": dict(s["remainder_of"]),
        "grant_prepositions": tuple(s["grant_prepositions"]),
        "every_member": tuple(s["every_member_bounds"]),
        "approx_before": tuple(sorted(patterns()["numbers"]["approx_before"], key=len, reverse=True)),
        "visitor_verbs": tuple(s["visitor_verbs"]),
        "amount_words": tuple(s["amount_words"]),
        "filler": sorted({w for words in qualifiers.values() for w in words} | {"的", "个"}, key=len, reverse=True),
    }


class FigureAttributor:
    """Attributes one figure of a sentence to an indicator; keeps the sentence's subject."""

    def __init__(self, text: str, catalog: Catalog, hits: list[AliasHit]) -> None:
        self.text = text
        self.catalog = catalog
        self.hits = hits
        self.subject: str | None = None
        self.subject_count: str | None = None  # the count word the subject's own figure was written in
        self.consumed: set[int] = set()  # alias starts already used as "the noun after a number"
        v = reader_vocabulary()
        self.interrupters: tuple[str, ...] = v["interrupters"]
        self.allocation_verbs: tuple[str, ...] = v["allocation_verbs"]
        self.population: frozenset[str] = v["population"]
        self.followers: tuple[str, ...] = v["followers"]
        self.changes: tuple[str, ...] = v["changes"]
        self.beneficiary: tuple[str, ...] = v["beneficiary"]
        self.connectors: tuple[str, ...] = v["connectors"]
        self.filler: list[str] = v["filler"]
        self.grant_verbs: tuple[str, ...] = v["grant_verbs"]
        self.outflow: tuple[str, ...] = v["outflow"]
        self.not_group_size: tuple[str, ...] = v["not_group_size"]
        self.groups: frozenset[str] = v["groups"]
        self.grant_prepositions: tuple[str, ...] = v["grant_prepositions"]

    def _is_programme(self, h: AliasHit) -> bool:
        """A programme that pays people (雨露计划, 交通补贴, 小额信贷): it has an amount sibling."""
        if h.is_verb or h.code is None:
            return False
        return bool(self.catalog[h.code].amount) or any(ind.amount == h.code for ind in self.catalog)

    def _read_one(self, q: Quantity, named: list[AliasHit], clause_end: int) -> list[Reading] | None:
        granted = self._granted(q, named)
        if granted is not None:
            return [granted]
        after = self._noun_after(q, named, clause_end)
        if after is not None:
            return after or None
        before = self._nearest_before(q, named)
        if before is not None:
            return before or None
        later = self._programme_after(q, named, start=q.end)
        if later:
            return [later]
        return self._carried(q, named, clause_end)

    def _reading(self, q: Quantity, code: str, subject: str | None) -> Reading:
        return Reading(q, code, float(q.value), q.flags, subject=subject)

    def _noun_after(self, q: Quantity, named: list[AliasHit], clause_end: int) -> list[Reading] | None:
        """The indicator named right after the number; [] means "read nothing", None "not this form"."""
        for h in named:
            if h.start < q.end:
                continue
            if h.is_verb or not _only_filler(self.text[q.end : h.start], self.filler):
                return None
            assert h.code is not None
            code = fits(self.catalog, h.code, q.count_word)
            if code is None:
                return None
            self.consumed.add(h.start)
            if h.code in self.population:
                tail = self.text[h.end : clause_end].strip()
                if tail and not any(tail.startswith(w) for w in self.followers):
                    # 带动148户贫困户发展产业: the population is the object of an action
                    programme = self._programme_after(q, named, start=h.end)
                    return [programme] if programme else []
            return [self._reading(q, code, h.code)]
        return None

    def _granted(self, q: Quantity, named: list[AliasHit]) -> Reading | None:
        """为496名脱贫劳动力申报交通补助: a figure that a subsidy is granted to counts its recipients."""
        for h in named:
            if h.start < q.end or h.is_verb or not self._is_programme(h):
                continue
            gap = self.text[q.end : h.start]
            lead = self.text[max(0, q.num_start - 12) : q.num_start]
            if not any(v in gap for v in self.grant_verbs) or not any(p in lead for p in self.grant_prepositions):
                return None
            return self._programme_after(q, [h], start=h.start)
        return None

    def _nearest_before(self, q: Quantity, named: list[AliasHit]) -> list[Reading] | None:
        for h in reversed([h for h in named if h.end <= q.num_start and h.start not in self.consumed]):
            gap = self.text[h.end : q.num_start]
            if any(w in gap for w in self.interrupters):
                return None
            if self.text[max(0, h.start - 1) : h.start] in reader_vocabulary()["places"]:
                return None  # 在安置点成立党支部7个: the alias is where, not what
            if any(v in self._clause_before(h.start, 6) for v in reader_vocabulary()["visitor_verbs"]):
                return None  # 接待研学培训学员4.2万人次: visitors who came for it, not the indicator
            if unit_family(q.count_word) == "rate" and ("率" in gap or "比例" in gap):
                return None  # 参保率100%,报销比例达到90%: a rate is the rate word's right before it
            assert h.code is not None
            if h.code in self.groups and any(w in gap for w in self.not_group_size):
                return None  # 搬迁群众中有劳动力1036人: the group's workers, not its size
            if self.text[max(0, h.start - 4) : h.start].endswith(self.outflow):
                return []  # 退出低保41户: a flow out of the stock, not the stock
            if self._allocated(h):
                return []  # 利用衔接资金40万元建设…: money spent on a project, not the total
            if h.code in self.population and self._object_of_action(h, named):
                # 发放产业奖补资金46.8万元,惠及脱贫户1036户: the households the programme reached;
                # 搬迁安置贫困户486户: the programme named right before the verb
                actor = self._actor_of(h, q, named)
                carried = actor or self._carried_subject(q)
                return [carried] if carried else []
            code = fits(self.catalog, h.code, q.count_word, paired="table_cell" in q.flags)
            if code is not None:
                return [self._reading(q, code, h.code)]
            glued = glued_readings(self.catalog, self.catalog[h.code], q)
            if glued is not None:
                return glued
        return None

    def _programme_after(self, q: Quantity, named: list[AliasHit], start: int) -> Reading | None:
        for h in named:
            if h.start < start or h.is_verb or h.code in self.population:
                continue
            assert h.code is not None
            code = fits(self.catalog, h.code, q.count_word)
            if code is not None:
                return self._reading(q, code, h.code)
        return None

    def _object_of_action(self, h: AliasHit, named: list[AliasHit]) -> bool:
        """惠及脱贫户 / 安置脱贫人口和监测对象: the population right after a verb of helping."""
        window_start = max(0, h.start - 16)
        window = self.text[window_start : h.start]
        ends = [window.rfind(v) + len(v) for v in self.beneficiary if v in window]
        if not ends:
            return False
        gap = self.text[window_start + max(ends) : h.start]
        for other in named:
            if other.code in self.population and window_start + max(ends) <= other.start and other.end <= h.start:
                gap = gap.replace(self.text[other.start : other.end], "")
        return gap.strip("和及与、") == ""

    def _actor_of(self, h: AliasHit, q: Quantity, named: list[AliasHit]) -> Reading | None:
        """搬迁安置建档立卡贫困户486户: the programme whose verb of helping governs the population."""
        for g in reversed([g for g in named if g.end <= h.start and h.start - g.end <= 4]):
            verb = self.text[g.end : h.start]
            if g.code is not None and verb in self.beneficiary:
                code = fits(self.catalog, g.code, q.count_word)
                return self._reading(q, code, g.code) if code else None
        return None

    def _carried_subject(self, q: Quantity) -> Reading | None:
        if self.subject is None:
            return None
        code = fits(self.catalog, self.subject, q.count_word)
        return self._reading(q, code, self.subject) if code else None

    def _carried(self, q: Quantity, named: list[AliasHit], clause_end: int) -> list[Reading] | None:
        """A bare figure (补助金额67500元 / 累计发放431人18.93万元) speaks of the sentence's subject."""
        if named or self.subject is None or unit_family(q.count_word) == "rate":
            return None
        lead = self.text[max(0, q.num_start - 12) : q.num_start]
        if any(w in lead for w in self.interrupters):
            return None
        clause_lead = re.split(r"[，,。；;：:\n、]", lead)[-1]
        if any(w in clause_lead for w in reader_vocabulary()["noun_heads"]):
            return None  # 其中取得证书156人 / 就近就业642人: the figure counts a noun of its own
        if clause_lead.strip().endswith(self.outflow):
            return None  # 新纳入12户,退出7户: the flow out of the subject's stock is not the stock
        money = unit_family(q.count_word) == "money"
        amount_only = money and clause_lead.strip() in reader_vocabulary()["amount_words"]
        if self._other_list_item(lead, clause_lead) and not amount_only:
            return None
        if re.search(r"[“\"《][^”\"》]+[”\"》]", clause_lead):
            return None  # 实施“美丽庭院”创建236户: a named campaign of its own is what the figure counts
        if any(h.code is None and q.num_start - 12 <= h.start < q.num_start for h in self.hits):
            return None  # 带动就业80人 outside a workshop: a masked phrase names the figure, not the subject
        tail = self.text[q.end : clause_end]
        # 较去年同期的3275人增加145人: the change after the figure is no noun of it;
        # 惠及127名学生: the noun after a verb of reaching is who was reached
        tail = re.sub(rf"^(?:{'|'.join(self.changes)})", "", tail)
        if lead.endswith(self.beneficiary):
            tail = ""
        if re.sub(r"[\d.。,%元人户个名次亩万亿余多左右\s)）]", "", tail):
            return None  # 319名网格员: the figure has a noun of its own
        code = fits(self.catalog, self.subject, q.count_word)
        if code is None or (code == self.subject and self._other_unit(q.count_word)):
            return None  # 改造户厕560户,新建污水处理站3座: the same indicator in another unit is another thing
        return [self._reading(q, code, self.subject)]

    def _other_unit(self, count_word: str) -> bool:
        if self.subject_count is None or count_word == self.subject_count:
            return False
        family = unit_family(count_word)
        return family is None or family != unit_family(self.subject_count)

    def _clause_before(self, at: int, width: int) -> str:
        return re.split(r"[，,。；;：:\n]", self.text[max(0, at - width) : at])[-1]

    def _allocated(self, h: AliasHit) -> bool:
        """利用衔接资金40万元建设…: money spent on a project; 统筹使用衔接资金…: the pooled total."""
        for v in self.allocation_verbs:
            at = h.start - len(v)
            if self.text[max(0, at) : h.start] == v:
                return not self.text[max(0, at - 4) : at].endswith(reader_vocabulary()["pooling"])
        return False

    def _other_list_item(self, lead: str, clause_lead: str) -> bool:
        """卫生室5个、幼儿园2所: a list item with a noun of its own is another thing;
        兑现奖补资金32.5万元、惠及农户418户 is no list item but the same programme's reach."""
        if not lead[: len(lead) - len(clause_lead)].endswith("、") or self.subject in reader_vocabulary()["kinds"]:
            return False
        if any(v in clause_lead for v in self.beneficiary + self.grant_verbs + self.connectors):
            return False
        return not _only_filler(clause_lead, self.filler)
