"""What loading one ProcessedDocument writes, worked out without a database.

`plan_load` turns the typed records into plain row dicts: which facts go to
`facts`, which to `quarantined_facts` and why, the document row, the region the
document is placed in and the periods it needs.  The Warehouse only maps ids
onto these rows and writes them, so the rules live here and test without SQL.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schemas.records import CheckedFact, ProcessedDocument, Region, RegionStatus

# Quarantine reasons the load stage adds to the validator's expectation names.
UNPLACEABLE = "document_unplaceable"
UNKNOWN_INDICATOR = "unknown_indicator"
NO_PERIOD = "no_period"


@dataclass(frozen=True)
class PeriodInfo:
    kind: str  # year | half | quarter | month | custom
    label: str  # 2022, 2022H1, 2022Q2, 2022-06, 2021..2023, 2022-01-01..2022-06-15
    year: int  # the year the figure stands at (the end's year)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def describe_period(start: date, end: date) -> PeriodInfo:
    """Name a (start, end) span the way analysts say it."""
    whole_months = start.day == 1 and end == _month_end(end)
    if whole_months and start.year == end.year:
        months = end.month - start.month + 1
        if months == 12:
            return PeriodInfo("year", str(start.year), end.year)
        if months == 6 and start.month in (1, 7):
            return PeriodInfo("half", f"{start.year}H{1 if start.month == 1 else 2}", end.year)
        if months == 3 and start.month in (1, 4, 7, 10):
            return PeriodInfo("quarter", f"{start.year}Q{(start.month - 1) // 3 + 1}", end.year)
        if months == 1:
            return PeriodInfo("month", f"{start.year}-{start.month:02d}", end.year)
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        return PeriodInfo("custom", f"{start.year}..{end.year}", end.year)
    return PeriodInfo("custom", f"{start.isoformat()}..{end.isoformat()}", end.year)


def fact_period(
    fact_start: date | None, fact_end: date | None, doc_start: date | None, doc_end: date | None
) -> tuple[date, date] | None:
    """The sentence's own period first, else the document's; an open end closes at its year's end."""
    start, end = (fact_start, fact_end) if fact_start is not None else (doc_start, doc_end)
    if start is None:
        return None
    if end is None:
        end = date(start.year, 12, 31)
    return (start, end) if end >= start else (end, start)


def region_row(region: Region) -> dict | None:
    """The dim_region row a placeable region maps to (looked up, or made on demand)."""
    if not region.placeable:
        return None
    ambiguous = region.status == RegionStatus.AMBIGUOUS
    township = region.township_official or region.township
    row = {
        "province": region.province,
        "province_code": region.province_code,
        "city": region.city,
        "city_code": region.city_code,
        # an unsettled placement never names a county, even if the resolver offered a first guess
        "county": None if ambiguous else region.county,
        "county_code": None if ambiguous else region.county_code,
        "township": township,
        "township_code": None if ambiguous else region.township_code,
        "source": "document",
    }
    if row["township_code"]:
        row["region_key"] = row["township_code"]
    else:
        path = "/".join(x or "" for x in (region.province, region.city, row["county"], township))
        row["region_key"] = f"{region.status}:{path}"[:200]
    return row


def gazetteer_region_rows() -> Iterable[dict]:
    """Every township of the vendored gazetteer, flattened to dim_region's columns."""
    try:
        from schemas.gazetteer import Level, load_gazetteer
    except ImportError:
        return []
    gazetteer = load_gazetteer()
    rows = []
    for unit in gazetteer.iter_units(Level.TOWNSHIP):
        province, city, county = gazetteer.ancestors(unit)
        rows.append(
            {
                "province": province.name if province else None,
                "province_code": unit.province_code,
                "city": city.name if city else None,
                "city_code": unit.city_code,
                "county": county.name if county else None,
                "county_code": unit.county_code,
                "township": unit.name,
                "township_code": unit.code,
            }
        )
    return rows


def unit_region_row(unit: Any) -> dict:
    get = unit.get if isinstance(unit, dict) else (lambda k: getattr(unit, k, None))
    row = {
        k: get(k)
        for k in (
            "province",
            "province_code",
            "city",
            "city_code",
            "county",
            "county_code",
            "township",
            "township_code",
        )
    }
    row["region_key"] = row["township_code"]
    row["source"] = "gazetteer"
    return row


@dataclass
class PlannedFact:
    indicator_code: str
    period: tuple[date, date] | None
    row: dict  # columns shared by facts and quarantined_facts (no ids)
    reason: str | None = None  # None: goes to facts


@dataclass
class LoadPlan:
    document: dict
    region: dict | None
    facts: list[PlannedFact] = field(default_factory=list)
    quarantined: list[PlannedFact] = field(default_factory=list)

    @property
    def periods(self) -> set[tuple[date, date]]:
        return {p.period for p in (*self.facts, *self.quarantined) if p.period is not None}


def document_row(processed: ProcessedDocument) -> dict:
    doc, ex = processed.document, processed.extraction
    return {
        "url": doc.url,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "published_date": doc.published_date,
        "publisher": doc.publisher,
        "site": doc.site,
        "site_name": doc.site_name,
        "column_name": doc.column_name,
        "clean_text": doc.text,
        "original_text": doc.original_text,
        "township": ex.region.township,
        "region_status": str(ex.region.status),
        "region_candidates": list(ex.region.candidates),
        "region_evidence": ex.region.evidence,
        "period_start": ex.period_start,
        "period_end": ex.period_end,
        "status": str(processed.state),
        "reason": processed.reason,
    }


def _fact_row(checked: CheckedFact, run_id: str) -> dict:
    f = checked.fact
    return {
        "fact_key": checked.fact_key,
        "value": float(f.value),
        "raw_text": f.raw_text,
        "count_word": f.count_word,
        "qualifier": f.qualifier,
        "is_target": bool(f.is_target),
        "is_approximate": bool(f.is_approximate),
        "flags": ",".join(f.flags) or None,
        "fact_group": f.group,
        "part_of": f.part_of,
        "sentence": f.sentence,
        "start_offset": f.start,
        "end_offset": f.end,
        "run_id": run_id,
    }


def plan_load(processed: ProcessedDocument, run_id: str, known_codes: set[str] | frozenset[str]) -> LoadPlan:
    """Split the checked facts: passed facts of a placeable document load; everything else is held."""
    ex = processed.extraction
    region = region_row(ex.region)
    placeable = region is not None and ex.period_start is not None
    plan = LoadPlan(document=document_row(processed), region=region)
    seen: set[str] = set()
    for checked in processed.checked:
        if checked.fact_key in seen:  # the same mention twice: keep the first
            continue
        seen.add(checked.fact_key)
        f = checked.fact
        period = fact_period(f.period_start, f.period_end, ex.period_start, ex.period_end)
        reasons = list(checked.failed)
        if not placeable:
            reasons.append(UNPLACEABLE)
        if f.indicator_code not in known_codes:
            reasons.append(UNKNOWN_INDICATOR)
        if period is None and placeable:
            reasons.append(NO_PERIOD)
        planned = PlannedFact(f.indicator_code, period, _fact_row(checked, run_id))
        if reasons:
            planned.reason = ",".join(dict.fromkeys(reasons))
            plan.quarantined.append(planned)
        else:
            plan.facts.append(planned)
    return plan
