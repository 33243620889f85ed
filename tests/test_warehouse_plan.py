"""The load plan (no database): period labels, placements, what is held back and why."""

from __future__ import annotations

from datetime import date

import pytest
from warehouse_samples import AMBIGUOUS_LONGTAN, UNRESOLVED, fact, processed, region_of, tengtian_report

from schemas.load_plan import describe_period, fact_period, plan_load, region_row


@pytest.mark.parametrize(
    ("start", "end", "kind", "label"),
    [
        (date(2022, 1, 1), date(2022, 12, 31), "year", "2022"),
        (date(2022, 1, 1), date(2022, 6, 30), "half", "2022H1"),
        (date(2022, 7, 1), date(2022, 12, 31), "half", "2022H2"),
        (date(2022, 4, 1), date(2022, 6, 30), "quarter", "2022Q2"),
        (date(2024, 2, 1), date(2024, 2, 29), "month", "2024-02"),
        (date(2021, 1, 1), date(2023, 12, 31), "custom", "2021..2023"),
        (date(2022, 1, 1), date(2022, 9, 15), "custom", "2022-01-01..2022-09-15"),
        (date(2022, 2, 1), date(2022, 4, 30), "custom", "2022-02-01..2022-04-30"),  # not a calendar quarter
    ],
)
def test_periods_are_named_the_way_analysts_say_them(start, end, kind, label):
    info = describe_period(start, end)
    assert (info.kind, info.label, info.year) == (kind, label, end.year)


def test_a_sentence_period_beats_the_document_period_and_open_ends_close_at_year_end():
    doc = (date(2023, 1, 1), date(2023, 12, 31))
    assert fact_period(date(2023, 1, 1), date(2023, 6, 30), *doc) == (date(2023, 1, 1), date(2023, 6, 30))
    assert fact_period(None, None, *doc) == doc
    assert fact_period(date(2022, 1, 1), None, *doc) == (date(2022, 1, 1), date(2022, 12, 31))
    assert fact_period(None, None, None, None) is None


def test_ambiguous_placement_never_names_a_county():
    row = region_row(AMBIGUOUS_LONGTAN)
    assert (row["county"], row["county_code"], row["township_code"]) == (None, None, None)
    assert row["region_key"] == "ambiguous:湖南省/怀化市//龙潭镇"
    assert region_row(UNRESOLVED) is None
    assert region_row(region_of("360825101"))["region_key"] == "360825101"


def test_plan_holds_unknown_indicators_and_everything_of_an_unplaceable_document():
    body = "全镇新增电动车充电桩12个，脱贫户400户。"
    items = [fact("charging_piles", 12, "12个", body, unit="个"), fact("poverty_exited_households", 400, "400户", body)]
    plan = plan_load(
        processed("http://127.0.0.1/x", body, items, region=region_of("360825101")), "r", {"poverty_exited_households"}
    )
    assert [p.indicator_code for p in plan.facts] == ["poverty_exited_households"]
    assert [(p.indicator_code, p.reason) for p in plan.quarantined] == [("charging_piles", "unknown_indicator")]
    undated = plan_load(tengtian_report(year=None), "r", {"poverty_exited_households", "public_welfare_jobs"})
    assert undated.facts == [] and all("document_unplaceable" in p.reason for p in undated.quarantined)


def test_the_same_mention_twice_is_loaded_once():
    doc = tengtian_report()
    doubled = processed(doc.document.url, doc.document.text, [], region=doc.extraction.region)
    doubled = type(doubled)(doubled.document, doubled.extraction, doc.checked + doc.checked, doubled.state)
    codes = {c.fact.indicator_code for c in doc.checked}
    assert len(plan_load(doubled, "r", codes).facts) == len(doc.checked)
