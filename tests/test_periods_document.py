"""The document's period from the month boundaries writers put in a title or an opening.

Invented titles and openings in the habits of township reports: a quarter, 前三季度,
1-10月, 截至11月底, 截至目前; and the facts that take that period when their sentence
names none.
"""

from __future__ import annotations

from datetime import date

import pytest
from extract_helpers import extract

from scrapers.extract.periods import document_period, sentence_period

D = date


@pytest.mark.parametrize(
    ("title", "body", "published", "start", "end"),
    [
        # --- the title names the part of the year
        ("清水镇2021年1—10月工作情况报告", "", None, D(2021, 1, 1), D(2021, 10, 31)),
        ("清水镇2022年1至8月农业农村工作汇报", "", None, D(2022, 1, 1), D(2022, 8, 31)),
        ("清水镇2020年1月-11月工作总结", "", None, D(2020, 1, 1), D(2020, 11, 30)),
        ("清水镇2023年前三季度乡村振兴工作总结", "", None, D(2023, 1, 1), D(2023, 9, 30)),
        ("清水镇2024年第二季度工作小结", "", None, D(2024, 4, 1), D(2024, 6, 30)),
        ("清水镇2024年二季度工作小结及三季度打算", "", None, D(2024, 4, 1), D(2024, 6, 30)),
        ("清水镇2019年7-9月工作总结", "", None, D(2019, 7, 1), D(2019, 9, 30)),
        ("清水镇截至2022年11月底防返贫监测工作汇报", "", None, D(2022, 1, 1), D(2022, 11, 30)),
        # a title without a year: the publication date gives it
        ("今年一季度河口乡就业帮扶成效明显", "河口乡多措并举稳就业。", D(2023, 4, 20), D(2023, 1, 1), D(2023, 3, 31)),
        ("河口乡一至十一月工作汇报", "今年以来,河口乡紧盯目标任务。", D(2020, 12, 5), D(2020, 1, 1), D(2020, 11, 30)),
        # --- a title without a year: the opening narrows the year
        (
            "河口乡稳就业工作简报",
            "记者从河口乡获悉,今年第一季度,全乡实现转移就业……",
            D(2023, 5, 10),
            D(2023, 1, 1),
            D(2023, 3, 31),
        ),
        (
            "河口乡防返贫监测情况汇报",
            "今年以来,河口乡扎实开展监测帮扶。截至10月末,全乡累计识别……",
            D(2023, 11, 15),
            D(2023, 1, 1),
            D(2023, 10, 31),
        ),
        ("河口乡防返贫监测情况汇报", "今年以来……截止到9月底,全乡……", D(2021, 10, 9), D(2021, 1, 1), D(2021, 9, 30)),
        (
            "河口乡社会救助工作情况",
            "今年以来,截至11月20日,全乡共有低保对象……",
            D(2022, 12, 1),
            D(2022, 1, 1),
            D(2022, 11, 20),
        ),
        ("河口乡产业发展情况", "今年1至10月,全乡完成农业总产值……", D(2022, 11, 8), D(2022, 1, 1), D(2022, 10, 31)),
        ("河口乡工作情况", "2023年前三季度,河口乡……", None, D(2023, 1, 1), D(2023, 9, 30)),
        # 截至目前: to the month end before publication
        (
            "河口乡防返贫监测情况",
            "今年以来……截至目前,全乡共纳入监测对象……",
            D(2022, 8, 18),
            D(2022, 1, 1),
            D(2022, 7, 31),
        ),
        # … but not back into last year (out on 6 January): the year is kept
        (
            "河口乡防返贫监测情况",
            "今年以来……截至目前,全乡共纳入监测对象……",
            D(2023, 1, 6),
            D(2023, 1, 1),
            D(2023, 12, 31),
        ),
        # --- a title naming its year: only the lead paragraph may narrow it
        (
            "清水镇2022年产业发展情况汇报",
            "今年以来,清水镇……现将1-10月份工作情况汇报如下。\n一、主要指标",
            None,
            D(2022, 1, 1),
            D(2022, 10, 31),
        ),
        (
            "清水镇2022年巩固脱贫成果工作汇报",
            "今年以来,清水镇……现汇报如下。\n一、基本情况\n截至11月底,已消除风险……",
            D(2022, 12, 20),
            D(2022, 1, 1),
            D(2022, 12, 31),
        ),
        # 年度 / 全年 in the title: the whole year whatever the lead says
        ("清水镇2023年度工作总结", "截至11月底,全镇……", D(2023, 12, 10), D(2023, 1, 1), D(2023, 12, 31)),
        ("清水镇2023年全年工作总结", "今年1-11月,全镇……", D(2023, 12, 10), D(2023, 1, 1), D(2023, 12, 31)),
        # --- markers that are not the report's own span
        (
            "河口乡就业工作情况",
            "今年以来,全乡转移就业较去年一季度明显增加……",
            D(2023, 4, 3),
            D(2023, 1, 1),
            D(2023, 12, 31),
        ),
        ("河口乡就业工作情况", "今年以来,全乡就业人数超过去年1-10月……", D(2023, 11, 3), D(2023, 1, 1), D(2023, 12, 31)),
        ("河口乡工作情况", "今年以来……截至2021年11月底累计……", D(2022, 6, 3), D(2022, 1, 1), D(2022, 12, 31)),
        ("河口乡工作情况", "今年一季度完成……二季度完成……", D(2023, 7, 3), D(2023, 1, 1), D(2023, 12, 31)),
        (
            "河口乡工作情况",
            "今年一季度开局良好,为完成全年目标打下基础……",
            D(2023, 4, 3),
            D(2023, 1, 1),
            D(2023, 12, 31),
        ),
        ("河口乡工作情况", "今年上半年……下半年将……", D(2023, 7, 3), D(2023, 1, 1), D(2023, 12, 31)),
        ("河口乡工作情况", "今年3-5月开展集中排查……", D(2023, 7, 3), D(2023, 1, 1), D(2023, 12, 31)),
        # an unknown year stays unknown whatever the span
        ("xx乡1-10月工作总结", "今年以来,xx乡……20xx年累计……", None, None, None),
    ],
)
def test_month_boundaries_set_the_document_period(title, body, published, start, end) -> None:
    p = document_period(title, body, published)
    assert (p.start, p.end) == (start, end)


def test_a_first_half_is_still_marked_as_a_half() -> None:
    assert document_period("清水镇2022年1-6月工作总结", "", None).half == 1
    assert document_period("清水镇2022年1-10月工作总结", "", None).half is None


def test_same_period_last_year_follows_the_document_span() -> None:
    q1 = document_period("清水镇2024年第一季度工作总结", "", None)
    assert sentence_period("去年同期全镇监测对象为", q1) == (D(2023, 1, 1), D(2023, 3, 31))
    leap = document_period("清水镇2024年1-2月工作简报", "", None)
    assert sentence_period("上年同期", leap) == (D(2023, 1, 1), D(2023, 2, 28))


def test_the_whole_year_is_named_even_in_a_report_on_part_of_it() -> None:
    ten = document_period("清水镇2022年1-10月工作汇报", "", None)
    assert sentence_period("确保全年各村集体经济收入", ten) == (D(2022, 1, 1), D(2022, 12, 31))
    assert sentence_period("预计年底前可消除风险", ten) == (D(2022, 1, 1), D(2022, 12, 31))
    assert sentence_period("今年以来", ten) == (D(2022, 1, 1), D(2022, 10, 31))


def test_facts_without_their_own_period_take_the_document_period() -> None:
    body = (
        "记者从河口乡获悉,今年一季度,该乡新增纳入监测对象5户16人。\n"
        "全乡现有脱贫户1210户。\n"
        "去年同期全乡新增监测对象4户13人。\n"
        "下一步,力争全年开发公益性岗位120个。"
    )
    ext = extract(body, title="河口乡:监测帮扶守底线", published=D(2023, 4, 18))
    assert (ext.period_start, ext.period_end) == (D(2023, 1, 1), D(2023, 3, 31))
    got = {(f.indicator_code, f.value): (f.period_start, f.period_end) for f in ext.facts}
    assert got[("monitored_new_households", 5)] == (D(2023, 1, 1), D(2023, 3, 31))
    assert got[("monitored_new_persons", 16)] == (D(2023, 1, 1), D(2023, 3, 31))
    assert got[("poverty_exited_households", 1210)] == (D(2023, 1, 1), D(2023, 3, 31))
    assert got[("monitored_new_households", 4)] == (D(2022, 1, 1), D(2022, 3, 31))
    assert got[("public_welfare_jobs", 120)] == (D(2023, 1, 1), D(2023, 12, 31))


def test_a_cut_off_in_the_opening_ends_every_unmarked_fact() -> None:
    body = "今年以来,河口乡扎实开展监测帮扶。截至11月底,全乡累计识别纳入监测对象37户112人,开发公益性岗位64个。"
    ext = extract(body, title="河口乡防返贫监测帮扶工作情况汇报", published=D(2023, 12, 6))
    assert (ext.period_start, ext.period_end) == (D(2023, 1, 1), D(2023, 11, 30))
    assert ext.facts and all((f.period_start, f.period_end) == (D(2023, 1, 1), D(2023, 11, 30)) for f in ext.facts)


@pytest.mark.parametrize("body", ["", "全乡上下团结一心。", "截至月底", "1-13月", "截至目前"])
def test_odd_openings_do_not_raise(body: str) -> None:
    p = document_period("河口乡工作情况", body, None)
    assert p.start is None or p.start <= p.end
