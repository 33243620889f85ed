"""Invented townships and reports for the warehouse tests (not the seed reports).

The stub gazetteer has the shape schemas.gazetteer's units have; one township
name (龙潭镇) exists in two counties so a report naming only it is ambiguous.
"""

from __future__ import annotations

import hashlib
from datetime import date

from schemas.records import (
    CandidateFact,
    CheckedFact,
    CleanDocument,
    Extraction,
    PageState,
    ProcessedDocument,
    Region,
    RegionStatus,
)

STUB_UNITS = [
    dict(
        province="江西省",
        province_code="36",
        city="吉安市",
        city_code="3608",
        county="永丰县",
        county_code="360825",
        township="藤田镇",
        township_code="360825101",
    ),
    dict(
        province="江西省",
        province_code="36",
        city="吉安市",
        city_code="3608",
        county="永丰县",
        county_code="360825",
        township="沙溪镇",
        township_code="360825102",
    ),
    dict(
        province="江西省",
        province_code="36",
        city="吉安市",
        city_code="3608",
        county="泰和县",
        county_code="360826",
        township="沙村镇",
        township_code="360826103",
    ),
    dict(
        province="湖南省",
        province_code="43",
        city="怀化市",
        city_code="4312",
        county="溆浦县",
        county_code="431224",
        township="龙潭镇",
        township_code="431224104",
    ),
    dict(
        province="湖南省",
        province_code="43",
        city="怀化市",
        city_code="4312",
        county="辰溪县",
        county_code="431223",
        township="龙潭镇",
        township_code="431223105",
    ),
]


def stub_gazetteer():
    return list(STUB_UNITS)


def region_of(township_code: str, *, as_written: str | None = None) -> Region:
    u = next(u for u in STUB_UNITS if u["township_code"] == township_code)
    return Region(
        status=RegionStatus.RESOLVED,
        township=as_written or u["township"],
        township_official=u["township"],
        township_code=u["township_code"],
        county=u["county"],
        county_code=u["county_code"],
        city=u["city"],
        city_code=u["city_code"],
        province=u["province"],
        province_code=u["province_code"],
        evidence="title",
    )


AMBIGUOUS_LONGTAN = Region(
    status=RegionStatus.AMBIGUOUS,
    township="龙潭镇",
    township_official="龙潭镇",
    county="溆浦县",
    city="怀化市",
    city_code="4312",
    province="湖南省",
    province_code="43",
    candidates=("湖南省/怀化市/溆浦县/龙潭镇", "湖南省/怀化市/辰溪县/龙潭镇"),
)
UNRESOLVED = Region(status=RegionStatus.UNRESOLVED)


def fact(
    code: str,
    value: float,
    text: str,
    body: str,
    *,
    unit: str = "户",
    failed: tuple[str, ...] = (),
    is_target: bool = False,
    qualifier: str | None = None,
    period: tuple[date, date] | None = None,
):
    """A candidate fact whose evidence `text` sits in `body` (offsets computed from it)."""
    start = body.index(text)
    return CandidateFact(
        indicator_code=code,
        value=value,
        unit=unit,
        raw_text=text,
        count_word=unit,
        start=start,
        end=start + len(text),
        sentence=body[max(0, start - 10) : start + len(text) + 5],
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        qualifier=qualifier,
        is_target=is_target,
    ), failed


def processed(
    url: str,
    body: str,
    facts,
    *,
    region: Region,
    year: int | None = 2023,
    published: date | None = date(2024, 1, 15),
    content_hash: str | None = None,
    title: str = "2023年工作总结",
) -> ProcessedDocument:
    chash = content_hash or hashlib.sha256(f"{url}|{body}".encode()).hexdigest()
    doc = CleanDocument(
        url=url,
        site="127.0.0.1",
        title=title,
        published_date=published,
        publisher="乡镇人民政府",
        paragraphs=tuple(body.split("\n")),
        content_hash=chash,
    )
    period = (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)
    candidates = [f for f, _ in facts]
    extraction = Extraction(region=region, period_start=period[0], period_end=period[1], facts=tuple(candidates))
    checked = tuple(CheckedFact(fact=f, fact_key=f.fact_key(url, chash), failed=failed) for f, failed in facts)
    placeable = region.placeable and year is not None
    return ProcessedDocument(
        document=doc,
        extraction=extraction,
        checked=checked,
        state=PageState.LOADED if placeable else PageState.QUARANTINED,
        reason=None if placeable else "unplaceable: no township",
    )


TENGTIAN_BODY = (
    "一年来，全镇累计巩固脱贫户412户1530人，新增监测对象9户31人。\n"
    "开发公益性岗位86个，争取衔接资金1322.63万元。\n"
    "下一步，计划新增公益性岗位20个。"
)


def tengtian_report(url: str = "http://127.0.0.1/tt/2023.html", *, body: str = TENGTIAN_BODY, **kw):
    """A 藤田镇 report written with the old name 藤田乡, four achieved figures and one target."""
    specs = [
        ("poverty_exited_households", 412, "412户", {}),
        ("poverty_exited_persons", 1530, "1530人", {"unit": "人"}),
        ("monitored_new_households", 9, "9户", {}),
        ("public_welfare_jobs", 86, "86个", {"unit": "个"}),
        ("linkage_fund_amount", 13226300, "1322.63万元", {"unit": "元"}),
        ("public_welfare_jobs", 20, "20个", {"unit": "个", "is_target": True}),
    ]
    items = [fact(code, value, text, body, **opts) for code, value, text, opts in specs if text in body]
    return processed(url, body, items, region=region_of("360825101", as_written="藤田乡"), **kw)
