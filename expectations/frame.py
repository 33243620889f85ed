"""Candidate facts of a batch -> the pandas frames the expectation suites read.

One row per candidate fact, keyed by `fact_id`, with everything an expectation
needs joined onto the row (region, document dates, catalog unit and bounds)
and the cross-row relations (X户Y人 pairs, 其中 parts) turned into plain
derived columns, so every rule is a simple column expectation that GX can
evaluate vectorised and report row by row.  No Great Expectations here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from schemas.catalog import Catalog
from schemas.records import CandidateFact, CleanDocument, Extraction

FLAG_SEPARATOR = ","
FACT_COLUMNS = (
    "fact_id", "document_url", "indicator_code", "value", "unit", "catalog_unit", "bound_min", "bound_max",
    "region_status", "township", "province", "published_date", "period_start", "period_end", "is_target",
    "flags", "group_id", "persons_per_household", "whole_value", "period_first_year",
    "achieved_years_after_publication", "achieved_days_after_publication",
)


@dataclass(frozen=True)
class FactRow:
    """Where one frame row came from, to map failing fact_ids back to records."""

    fact_id: str
    document_url: str
    fact: CandidateFact
    fact_key: str


@dataclass(frozen=True)
class BatchFrames:
    facts: pd.DataFrame  # one row per candidate fact, FACT_COLUMNS
    documents: pd.DataFrame  # one row per document: document_url, fact_count, has_facts
    rows: tuple[FactRow, ...]  # in frame order


def build_frames(items: Sequence[tuple[CleanDocument, Extraction]], catalog: Catalog) -> BatchFrames:
    rows: list[FactRow] = []
    seen_ids: dict[str, int] = {}
    records = []
    persons_ratio = _persons_per_household(items, catalog)
    for doc, extraction in items:
        region = extraction.region
        township = region.township or None
        province = region.province or None
        status = str(region.status)
        published = doc.published_date
        keys = [fact.fact_key(doc.url, doc.content_hash) for fact in extraction.facts]
        wholes = _whole_values(extraction.facts, keys)
        for fact, key in zip(extraction.facts, keys, strict=True):
            # The same mention extracted twice would share a key; suffix it so every
            # candidate still gets its own row and its own verdict.
            n = seen_ids.get(key, 0)
            seen_ids[key] = n + 1
            row = FactRow(key if n == 0 else f"{key}~{n}", doc.url, fact, key)
            rows.append(row)
            indicator = catalog.indicators.get(fact.indicator_code)
            start = fact.period_start or extraction.period_start
            end = fact.period_end or extraction.period_end
            achieved = not fact.is_target
            records.append((
                row.fact_id, doc.url, fact.indicator_code, _number(fact.value), fact.unit,
                indicator.unit if indicator else None,
                indicator.bounds[0] if indicator else math.nan,
                indicator.bounds[1] if indicator else math.nan,
                status, township, province,
                published, start, end, fact.is_target,
                FLAG_SEPARATOR.join(fact.flags), fact.group,
                persons_ratio.get(id(fact), math.nan),
                wholes.get(id(fact), math.nan),
                _first_year(start, end),
                end.year - published.year if achieved and end and published else math.nan,
                (end - published).days if achieved and end and published else math.nan,
            ))
    facts = pd.DataFrame.from_records(records, columns=list(FACT_COLUMNS))
    counts = [len(extraction.facts) for _, extraction in items]
    documents = pd.DataFrame({
        "document_url": [doc.url for doc, _ in items],
        "fact_count": counts,
        "has_facts": [int(c > 0) for c in counts],  # 0/1 so its mean is a share
    })
    return BatchFrames(facts=facts, documents=documents, rows=tuple(rows))


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _first_year(start: date | None, end: date | None) -> float:
    years = [d.year for d in (start, end) if d is not None]
    return float(min(years)) if years else math.nan


def _persons_per_household(items: Sequence[tuple[CleanDocument, Extraction]], catalog: Catalog) -> dict[int, float]:
    """Persons/households for each fact of an X户Y人 pair (same group, catalog `persons` sibling)."""
    ratios: dict[int, float] = {}
    for _, extraction in items:
        groups: dict[str, list[CandidateFact]] = defaultdict(list)
        for fact in extraction.facts:
            if fact.group:
                groups[fact.group].append(fact)
        for members in groups.values():
            for households in members:
                indicator = catalog.indicators.get(households.indicator_code)
                if indicator is None or not indicator.persons:
                    continue
                persons = next((m for m in members if m.indicator_code == indicator.persons), None)
                if persons is None:
                    continue
                ratio = _ratio(_number(persons.value), _number(households.value))
                ratios.setdefault(id(households), ratio)
                ratios.setdefault(id(persons), ratio)
    return ratios


def _ratio(persons: float, households: float) -> float:
    if math.isnan(persons) or math.isnan(households) or (persons == 0 and households == 0):
        return math.nan
    if households == 0:
        return math.inf  # persons without households: never plausible
    return persons / households


def _whole_values(facts: Sequence[CandidateFact], keys: Sequence[str]) -> dict[int, float]:
    """For each 其中 part of one document: its whole's value, when both are counted in the same unit."""
    if not any(f.part_of for f in facts):
        return {}
    by_key = dict(zip(keys, facts, strict=True))
    wholes: dict[int, float] = {}
    for fact in facts:
        whole = by_key.get(fact.part_of) if fact.part_of else None
        if whole is not None and whole is not fact and whole.unit == fact.unit:
            wholes[id(fact)] = _number(whole.value)
    return wholes
