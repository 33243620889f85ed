"""Build CleanDocuments from invented report text for the extractor tests."""

from __future__ import annotations

from datetime import date

from schemas.records import CandidateFact, CleanDocument, Extraction, Region, RegionStatus
from scrapers.extract import extract_facts

PLACED = Region(status=RegionStatus.RESOLVED, township="青石镇", county="安远县", province="江西省")


def extract(body: str, title: str = "青石镇2023年工作总结", published: date | None = None) -> Extraction:
    doc = CleanDocument(
        url="http://example.test/report.html",
        site="example.test",
        title=title,
        published_date=published,
        publisher=None,
        paragraphs=tuple(p for p in body.split("\n")),
    )
    return extract_facts(doc, PLACED)


def facts(body: str, **kw) -> list[CandidateFact]:
    return list(extract(body, **kw).facts)


def pairs(body: str, **kw) -> list[tuple[str, float]]:
    return [(f.indicator_code, f.value) for f in facts(body, **kw)]
