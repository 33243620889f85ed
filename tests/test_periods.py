"""Periods of documents and of figures, on invented report titles and sentences."""

from __future__ import annotations

from datetime import date

import pytest
from extract_helpers import extract, facts

from scrapers.extract.periods import document_period, sentence_period


@pytest.mark.parametrize(
    ("title", "body", "published", "start", "end"),
    [
        ("白沙镇2021年上半年工作总结", "", None, date(2021, 1, 1), date(2021, 6, 30)),
        ("白沙镇2024年度乡村振兴工作报告", "", None, date(2024, 1, 1), date(2024, 12, 31)),
        ("白沙镇2022年上半年工作总结及下半年工作计划", "", None, date(2022, 1, 1), date(2022, 6, 30)),
        ("白沙镇乡村振兴工作汇报", "2021年是“十四五”开局之年,上半年以来,我镇……", None,
         date(2021, 1, 1), date(2021, 6, 30)),
        ("石门乡:决战脱贫攻坚", "今年以来,贫困发生率由2015年的9.1%降至零。", date(2019, 11, 5),
         date(2019, 1, 1), date(2019, 12, 31)),
        ("乡村振兴工作总结", "今年以来,xx乡……20xx年累计……", None, None, None),
        ("乡村振兴工作总结", "全乡上下团结一心。", None, None, None),
    ],
)
def test_document_period(title, body, published, start, end) -> None:
    p = document_period(title, body, published)
    assert (p.start, p.end) == (start, end)


H1_2022 = document_period("白沙镇2022年上半年工作总结", "", None)
YEAR_2020 = document_period("石门乡2020年工作总结", "", None)


@pytest.mark.parametrize(
    ("prefix", "doc", "start", "end"),
    [
        ("全镇申报第一季度产业奖补", H1_2022, date(2022, 1, 1), date(2022, 3, 31)),
        ("第二季度", H1_2022, date(2022, 4, 1), date(2022, 6, 30)),
        ("上半年共发放", YEAR_2020, date(2020, 1, 1), date(2020, 6, 30)),
        ("下半年", YEAR_2020, date(2020, 7, 1), date(2020, 12, 31)),
        ("春季雨露计划", H1_2022, date(2022, 1, 1), date(2022, 6, 30)),
        ("今年以来", YEAR_2020, date(2020, 1, 1), date(2020, 12, 31)),
        ("今年以来", H1_2022, date(2022, 1, 1), date(2022, 6, 30)),
        ("截至2022年5月,全镇今年以来新增", H1_2022, date(2022, 1, 1), date(2022, 5, 31)),
        ("截止4月底", H1_2022, date(2022, 1, 1), date(2022, 4, 30)),
        ("去年务工人数", YEAR_2020, date(2019, 1, 1), date(2019, 12, 31)),
        ("2018年-2020年累计发放", YEAR_2020, date(2018, 1, 1), date(2020, 12, 31)),
        ("2019-2021年", YEAR_2020, date(2019, 1, 1), date(2021, 12, 31)),
        ("贫困发生率由2014年的", YEAR_2020, date(2014, 1, 1), date(2014, 12, 31)),
        ("贫困发生率由2014年的6.1%降至", YEAR_2020, date(2020, 1, 1), date(2020, 12, 31)),
        ("2022年全镇", H1_2022, date(2022, 1, 1), date(2022, 6, 30)),
        ("2022上半年共排查出", YEAR_2020, date(2022, 1, 1), date(2022, 6, 30)),
        ("20xx年累计获得", YEAR_2020, None, None),
    ],
)
def test_sentence_period(prefix, doc, start, end) -> None:
    assert sentence_period(prefix, doc) == (start, end)


def test_unknown_year_leaves_facts_without_period() -> None:
    ext = extract("今年以来,xx乡新增监测对象6户21人。", title="xx乡乡村振兴工作总结")
    assert (ext.period_start, ext.period_end) == (None, None)
    assert all(f.period_start is None and f.period_end is None for f in ext.facts)
    assert len(ext.facts) == 2


def test_each_fact_carries_its_own_period() -> None:
    got = facts(
        "全镇申报第一季度产业奖补64人次,奖补金额38210元;第二季度产业奖补102人次,奖补金额90550元。",
        title="白沙镇2022年上半年工作总结",
    )
    assert [(f.indicator_code, f.value, f.period_start, f.period_end) for f in got] == [
        ("industry_subsidy_persontimes", 64, date(2022, 1, 1), date(2022, 3, 31)),
        ("industry_subsidy_amount", 38210, date(2022, 1, 1), date(2022, 3, 31)),
        ("industry_subsidy_persontimes", 102, date(2022, 4, 1), date(2022, 6, 30)),
        ("industry_subsidy_amount", 90550, date(2022, 4, 1), date(2022, 6, 30)),
    ]


def test_publication_date_settles_this_year() -> None:
    ext = extract("今年以来,全乡开发公益性岗位96个。", title="石门乡:巩固成果 接续振兴", published=date(2021, 11, 30))
    assert (ext.period_start, ext.period_end) == (date(2021, 1, 1), date(2021, 12, 31))
    assert ext.facts[0].period_start == date(2021, 1, 1)
