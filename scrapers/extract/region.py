"""Which township a report is about, resolved against the gazetteer.

Evidence, strongest first: township names in the title and the publisher line,
township names in the body (how often, whether as the acting government — 东江乡党委 —
and whether their type matches how the report speaks of itself — 全乡, 我镇), then,
to choose among same-named townships, the counties / cities / provinces named in the
site name, title and body (with or without their type word: 龙南市, 赣州, 黔江), the
other townships named nearby, and known publishers (华龙网 → 重庆市).

Township mentions need their type word in the text (东江乡, not 东江, which may be a
river); names are found with a two-character prefix index so that a 10,000-character
report costs a few milliseconds, however large the gazetteer.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import yaml

from schemas.gazetteer import DATA_DIR, Gazetteer, GazetteerError, Level, Unit, load_gazetteer
from schemas.records import CleanDocument, Region, RegionStatus

CUES_PATH = DATA_DIR / "region_cues.yaml"
PUBLISHER_HINTS_PATH = DATA_DIR / "publisher_hints.yaml"

# Weights: a township named in the title or publisher line outweighs a few body mentions;
# a place named with its type word (龙南市) outweighs a bare stem (龙南), which may be a
# product or a river (随州香稻, 东江).
TITLE_WEIGHT = 4.0
PUBLISHER_WEIGHT = 4.0
OWN_GOVERNMENT_BONUS = 0.5
OTHER_PLACE_WEIGHT = 0.3
SELF_TYPE_BONUS = 2.0
MIN_TOWNSHIP_SCORE = 2.0
PLACE_FULL_WEIGHT = 1.0
PLACE_STEM_WEIGHT = 0.6
PLACE_SOURCE_WEIGHT = {"site": 3.0, "title": 3.0, "body": 1.0, "hint": 0.8}
PLACE_BODY_CAP = 3  # repeated mentions of one place in the body add up to this many
LEVEL_WEIGHT = {Level.COUNTY: 1.0, Level.CITY: 0.8, Level.PROVINCE: 0.6}
NEIGHBOUR_WEIGHT = 0.5
EXACT_NAME_BONUS = 0.5  # today's name as written (东江乡 over 东江镇) when nothing else tells
DECISIVE_MARGIN = 0.3
MAX_STEM_CHARS = 8


@dataclass(frozen=True)
class _Cues:
    self_reference: dict[str, tuple[str, ...]]
    own_government_after: tuple[str, ...]
    other_place_before: tuple[str, ...]
    other_place_after: tuple[str, ...]
    placeholder: re.Pattern[str]
    publisher_hints: dict[str, str]
    common_word_stems: frozenset[str]
    office_suffixes: tuple[str, ...] = ()


@cache
def _load_cues() -> _Cues:
    try:
        raw = yaml.safe_load(CUES_PATH.read_text("utf-8"))
        hints = yaml.safe_load(PUBLISHER_HINTS_PATH.read_text("utf-8")) or {}
        return _Cues(
            self_reference={k: tuple(v) for k, v in raw["self_reference"].items()},
            own_government_after=tuple(raw["own_government_after"]),
            other_place_before=tuple(raw["other_place_before"]),
            other_place_after=tuple(raw["other_place_after"]),
            placeholder=re.compile(raw["placeholder_pattern"]),
            publisher_hints={str(k): str(v) for k, v in hints.items()},
            common_word_stems=frozenset(raw.get("common_word_stems", ())),
            office_suffixes=tuple(raw.get("office_suffixes", ())),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise GazetteerError(f"cannot read region cues: {exc}") from exc


@dataclass(frozen=True)
class _PlaceKey:
    key: str  # a name as a text may write it: 龙南市, 龙南县 (old), 龙南 (stem)
    full: bool  # written with its type word (or an old full name), not a bare stem


class _RegionIndex:
    """Lookup structures built once per gazetteer; scanning a text never loops over the gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.township_stems = frozenset(gazetteer.stems(Level.TOWNSHIP))
        # longer stems belong to development zones and farms that reports do not name as 乡镇
        self.stem_lengths = sorted({len(s) for s in self.township_stems if len(s) <= MAX_STEM_CHARS}, reverse=True)
        suffixes = "|".join(map(re.escape, gazetteer.rules.township_mention_suffixes))
        self.township_suffix = re.compile(suffixes)
        # an ethnic township is written 长哨营满族乡: the run of X族 sits between stem and type word
        ethnic = "|".join(sorted(map(re.escape, gazetteer.rules.ethnic_groups), key=len, reverse=True))
        self.ethnic_run = re.compile("(?:(?:" + ethnic + ")(?:民族|族)?)+$")
        self.place_keys: dict[str, list[_PlaceKey]] = defaultdict(list)  # unit code → ways to write it
        for level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
            for unit in gazetteer.iter_units(level):
                self.place_keys[unit.code].append(_PlaceKey(unit.name, True))
                if unit.stem:
                    self.place_keys[unit.code].append(_PlaceKey(unit.stem, False))
            for old in gazetteer.old_names(level):
                for unit in gazetteer.renamed(level, old):
                    self.place_keys[unit.code].append(_PlaceKey(old, True))


_indexes: weakref.WeakKeyDictionary[Gazetteer, _RegionIndex] = weakref.WeakKeyDictionary()


def _index_for(gazetteer: Gazetteer) -> _RegionIndex:
    index = _indexes.get(gazetteer)
    if index is None:
        index = _indexes[gazetteer] = _RegionIndex(gazetteer)
    return index


@dataclass(frozen=True)
class _Mention:
    stem: str
    surface: str  # as written, with its type word: 水市乡
    kind: str  # the type word: 乡 / 镇 / 街道 / 苏木
    start: int
    end: int


def _township_mentions(text: str, index: _RegionIndex) -> list[_Mention]:
    """Stem + type word occurrences: at each type word, the longest gazetteer stem written just before it."""
    mentions: list[_Mention] = []
    for suffix in index.township_suffix.finditer(text):
        stem_ends = [suffix.start()]
        ethnic = None
        if text[suffix.start() - 1 : suffix.start()] == "族":
            ethnic = index.ethnic_run.search(text, max(0, suffix.start() - 12), suffix.start())
        if ethnic:
            stem_ends.append(ethnic.start())
        mention = None  # the longest written name wins: 得力其尔鄂温克民族乡 over 鄂温克民族乡
        for stem_end in stem_ends:
            for length in index.stem_lengths:
                start = stem_end - length
                if start >= 0 and text[start:stem_end] in index.township_stems:
                    if mention is None or start < mention.start:
                        kind = "街道" if suffix.group().startswith("街道") else suffix.group()
                        mention = _Mention(text[start:stem_end], text[start : suffix.end()], kind, start, suffix.end())
                    break
        if mention is None:
            continue
        # a type word inside a longer name (新镇镇: 新镇 + 镇) leaves two overlapping mentions: keep the longer
        if mentions and mention.start < mentions[-1].end:
            if mention.end - mention.start > mentions[-1].end - mentions[-1].start:
                mentions[-1] = mention
            continue
        mentions.append(mention)
    return mentions


def _place_evidence(
    sources: list[tuple[str, str, list[_Mention]]], place_codes: set[str], index: _RegionIndex, cues: _Cues
) -> dict[str, float]:
    """Weight of each county / city / province in place_codes named in the sources (text, kind, township mentions).

    Only the places that could settle a candidate are looked for, with str.find (C speed).
    """
    keys: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for code in place_codes:
        for place in index.place_keys.get(code, ()):
            if place.full or place.key not in cues.common_word_stems:
                keys[place.key].append((code, place.full))
    evidence: dict[str, float] = {}
    for text, source, blocked in sources:
        hits = []
        for key in keys:
            position = text.find(key)
            while position != -1:
                hits.append((position, -len(key), key))
                position = text.find(key, position + 1)
        hits.sort()
        per_unit: Counter[str] = Counter()
        weights: dict[str, float] = {}
        covered = -1
        for start, negative_length, key in hits:
            if start < covered or any(m.start <= start < m.end for m in blocked):
                continue  # inside a longer place name or inside a township name (龙南镇)
            covered = start - negative_length
            for code, full in keys[key]:
                level = index.gazetteer.units[code].level
                weight = (PLACE_FULL_WEIGHT if full else PLACE_STEM_WEIGHT) * LEVEL_WEIGHT[level]
                per_unit[code] += 1
                weights[code] = max(weights.get(code, 0.0), weight)
        cap = PLACE_BODY_CAP if source == "body" else 1
        for code, count in per_unit.items():
            evidence[code] = evidence.get(code, 0.0) + weights[code] * min(count, cap) * PLACE_SOURCE_WEIGHT[source]
    return evidence


def _to_simplified(text: str) -> str:
    converter = _simplifier()
    return converter.convert(text) if converter is not None and text else text


@cache
def _simplifier():  # type: ignore[no-untyped-def]
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # opencc missing or broken: titles are simplified by the strip stage anyway
        return None


def _self_kind(text: str, cues: _Cues) -> str | None:
    """The type word the report uses for itself (全乡 → 乡), if one clearly dominates."""
    counts = Counter({kind: sum(text.count(p) for p in phrases) for kind, phrases in cues.self_reference.items()})
    (best, best_count), *rest = counts.most_common() or [(None, 0)]
    if not best_count or (rest and rest[0][1] * 2 > best_count):
        return None
    return best


def _mention_weight(text: str, mention: _Mention, cues: _Cues) -> float:
    before = text[max(0, mention.start - 3) : mention.start]
    after = text[mention.end : mention.end + 4]
    if any(before.endswith(w) for w in cues.other_place_before) or after.startswith(cues.other_place_after):
        return OTHER_PLACE_WEIGHT
    return 1.0 + (OWN_GOVERNMENT_BONUS if after.startswith(cues.own_government_after) else 0.0)


def _without_office(written: str) -> str:
    """邢侗街道办事处 → 邢侗街道, 枫林镇人民政府 → 枫林镇: the township, not its office."""
    for suffix in _load_cues().office_suffixes:
        if written.endswith(suffix) and written[: -len(suffix)].endswith(("乡", "镇", "街道", "苏木")):
            return written[: -len(suffix)]
    return written


def _region_of(gazetteer: Gazetteer, unit: Unit, written: str, evidence: str) -> Region:
    province, city, county = gazetteer.ancestors(unit)
    return Region(
        status=RegionStatus.RESOLVED,
        township=_without_office(written),
        township_official=unit.name,
        township_code=unit.code,
        county=county.name if county else None,
        county_code=county.code if county else None,
        city=city.name if city else None,
        city_code=city.code if city else None,
        province=province.name if province else None,
        province_code=province.code if province else None,
        evidence=evidence,
    )


def _ambiguous(gazetteer: Gazetteer, units: list[Unit], written: str, evidence: str) -> Region:
    """Several townships fit: keep the levels they all share, list each candidate."""
    chains = [gazetteer.ancestors(u) for u in units]
    province = chains[0][0] if len({c[0].code if c[0] else None for c in chains}) == 1 else None
    city = chains[0][1] if province and len({c[1].code if c[1] else None for c in chains}) == 1 else None
    official = units[0].name if len({u.name for u in units}) == 1 else None
    return Region(
        status=RegionStatus.AMBIGUOUS,
        township=_without_office(written),
        township_official=official,
        city=city.name if city else None,
        city_code=city.code if city else None,
        province=province.name if province else None,
        province_code=province.code if province else None,
        candidates=tuple(gazetteer.label(u) for u in units),
        evidence=evidence,
    )


def _unresolved(reason: str) -> Region:
    return Region(status=RegionStatus.UNRESOLVED, evidence=reason)


def resolve_region(doc: CleanDocument, gazetteer: Gazetteer | None = None) -> Region:
    """The township `doc` reports on: RESOLVED, AMBIGUOUS (with candidates) or UNRESOLVED (with the reason).

    Never raises for odd documents; a broken gazetteer or cue file raises GazetteerError.
    """
    gazetteer = gazetteer or load_gazetteer()
    index = _index_for(gazetteer)
    cues = _load_cues()
    title = _to_simplified(doc.title or "")
    site_line = _to_simplified(
        " ".join(filter(None, (doc.site_name, doc.publisher, doc.meta.get("ContentSource"), doc.meta.get("SiteName"))))
    )
    keywords = doc.meta.get("Keywords") or doc.meta.get("keywords") or ""
    body = doc.text

    title_mentions = _township_mentions(title, index)
    site_mentions = _township_mentions(site_line, index)
    keyword_mentions = _township_mentions(keywords, index)
    body_mentions = _township_mentions(body, index)
    all_mentions = title_mentions + site_mentions + keyword_mentions + body_mentions
    if not all_mentions:
        placeholder = cues.placeholder.search(title + "\n" + body)
        reason = (
            f"anonymised township ({placeholder.group(0)})" if placeholder else "no township of the gazetteer named"
        )
        return _unresolved(reason)

    self_kind = _self_kind(title + "\n" + body, cues)
    score: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for stem in {m.stem for m in title_mentions}:
        score[stem] += TITLE_WEIGHT
    for stem in {m.stem for m in site_mentions + keyword_mentions}:
        score[stem] += PUBLISHER_WEIGHT
    for mention in body_mentions:
        score[mention.stem] += _mention_weight(body, mention, cues)
    for mention in all_mentions:
        surfaces[mention.stem][mention.surface] += 3 if mention in title_mentions else 1
    if self_kind:
        for stem in {m.stem for m in all_mentions if m.kind == self_kind}:
            score[stem] += SELF_TYPE_BONUS

    # where the report is: the counties / cities / provinces of every candidate named anywhere, known publishers
    place_codes = {
        code
        for stem in score
        for unit in gazetteer.by_stem(Level.TOWNSHIP, stem)
        for code in (unit.county_code, unit.city_code, unit.province_code)
        if code
    }
    places = _place_evidence(
        [
            (site_line, "site", site_mentions),
            (title, "title", title_mentions),
            (keywords, "title", keyword_mentions),
            (body, "body", body_mentions),
        ],
        place_codes,
        index,
        cues,
    )
    for publisher, place_name in cues.publisher_hints.items():
        if publisher in site_line or publisher in title:
            for unit in gazetteer.find(Level.PROVINCE, place_name) or gazetteer.find(Level.CITY, place_name):
                places[unit.code] = places.get(unit.code, 0.0) + PLACE_SOURCE_WEIGHT["hint"]
    mentioned_stems = set(score)

    def unit_score(unit: Unit, written: str) -> float:
        total = sum(places.get(code or "", 0.0) for code in (unit.county_code, unit.city_code, unit.province_code))
        neighbours = sum(
            1
            for other in mentioned_stems - {unit.stem}
            if any(t.county_code == unit.county_code for t in gazetteer.by_stem(Level.TOWNSHIP, other))
        )
        total += NEIGHBOUR_WEIGHT * min(neighbours, 4)
        return total + (EXACT_NAME_BONUS if unit.name == written else 0.0)

    best: tuple[float, float, int, str] | None = None  # (mention score + place score, mention score, -first, stem)
    for stem, mention_score in score.items():
        written = surfaces[stem].most_common(1)[0][0]
        context = max(unit_score(u, written) for u in gazetteer.by_stem(Level.TOWNSHIP, stem))
        first = min(m.start for m in all_mentions if m.stem == stem)
        key = (mention_score + min(context, 3.0), mention_score, -first, stem)
        if best is None or key > best:
            best = key
    assert best is not None
    _, mention_score, _, stem = best
    written = surfaces[stem].most_common(1)[0][0]
    if mention_score < MIN_TOWNSHIP_SCORE:
        return _unresolved(f"township evidence too weak: {written} named only in passing (score {mention_score:.1f})")

    ranked = sorted(((unit_score(u, written), u) for u in gazetteer.by_stem(Level.TOWNSHIP, stem)), key=lambda p: -p[0])
    top_score = ranked[0][0]
    contenders = [u for s, u in ranked if top_score - s < DECISIVE_MARGIN]
    evidence = f"{written} (score {mention_score:.1f}); places: " + ", ".join(
        f"{gazetteer.units[c].name}={w:.1f}" for c, w in sorted(places.items(), key=lambda p: -p[1])[:5]
    )
    if len(contenders) == 1:
        return _region_of(gazetteer, contenders[0], written, evidence)
    return _ambiguous(gazetteer, contenders, written, evidence + f"; {len(contenders)} candidates tie")
