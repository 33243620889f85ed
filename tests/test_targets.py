"""Plans and targets versus achieved figures, on invented report text."""

from __future__ import annotations

from datetime import date

from extract_helpers import facts

from scrapers.extract.targets import plan_sections

H1_TITLE = "白沙镇2022年上半年工作总结"


def test_promise_words_make_targets() -> None:
    got = facts("确保农村生活垃圾清运率达98%。力争全年村集体经济收入突破20万元。", title=H1_TITLE)
    assert [(f.indicator_code, f.is_target) for f in got] == [
        ("garbage_collection_rate", True),
        ("village_collective_income", True),
    ]


def test_achieved_figure_in_same_report_is_not_a_target() -> None:
    got = facts("今年开发公益性岗位96个。种植小黄姜30亩,预计可增收50余万元。", title=H1_TITLE)
    assert [(f.indicator_code, f.is_target) for f in got] == [("public_welfare_jobs", False), ("crop_area", False)]


def test_promise_word_inside_an_alias_is_not_a_promise() -> None:
    got = facts("春秋季雨露计划共计发放58人8.7万元。", title=H1_TITLE)
    assert got and not any(f.is_target for f in got)


def test_purpose_clause_is_not_a_promise() -> None:
    got = facts("为确保稳定增收,今年发放小额信贷42户186万元。", title=H1_TITLE)
    assert got and not any(f.is_target for f in got)


def test_second_half_plan_section_gets_second_half_period() -> None:
    body = "\n".join([
        "一、上半年工作总结",
        "上半年开发公益性岗位120个。",
        "二、下半年工作打算",
        "一、稳岗就业。新增公益性岗位30个。",
        "二、壮大集体经济。村集体经济收入达到15万元。",
    ])
    got = facts(body, title=H1_TITLE)
    assert [(f.value, f.is_target, f.period_start, f.period_end) for f in got] == [
        (120, False, date(2022, 1, 1), date(2022, 6, 30)),
        (30, True, date(2022, 7, 1), date(2022, 12, 31)),
        (150000, True, date(2022, 7, 1), date(2022, 12, 31)),
    ]


def test_plan_section_ends_at_the_next_top_level_heading() -> None:
    text = "一、工作成效\n开发岗位。\n二、下一步工作计划\n(一)抓产业。\n(二)抓就业。\n三、存在问题\n资金不足。"
    sections = plan_sections(text)
    assert len(sections) == 1
    s = sections[0]
    assert text[s.start : s.end].startswith("二、下一步工作计划")
    assert "三、存在问题" not in text[s.start : s.end]


def test_headings_that_report_on_plans_are_not_plans() -> None:
    assert plan_sections("一、上半年工作计划完成情况\n完成岗位。") == []
    assert plan_sections("(三)突出工作重点,集中助力实施乡村振兴\n完成。") == []


def test_paragraph_opening_with_next_step_is_a_plan() -> None:
    got = facts("今年开发公益性岗位96个。\n下一步,我镇将新增公益性岗位20个。", title="白沙镇2022年工作总结")
    assert [(f.value, f.is_target) for f in got] == [(96, False), (20, True)]
    assert got[1].period_start == date(2023, 1, 1)
