"""Tables flattened to text lines: a header row, then rows of figures (invented tables).

Cells apart by tabs (what the strip stage keeps of an HTML table) or by runs of
spaces (a table pasted as text); row labels name indicators as prose does; a 合计
row counts what the caption names; a year column gives its figures that year.
"""

from __future__ import annotations

from datetime import date

from extract_helpers import facts

from scrapers.strip import strip_chrome


def _by_code(body: str, **kw) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for f in facts(body, **kw):
        out.setdefault(f.indicator_code, []).append(f.value)
    return out


def test_kinds_of_monitored_households_with_a_total_row() -> None:
    body = (
        "截至10月底，全乡防止返贫监测对象分类如下：\n"
        "类别\t户数\t人数\n"
        "脱贫不稳定户\t17\t61\n"
        "边缘易致贫户\t12\t40\n"
        "突发严重困难户\t4\t13\n"
        "合计\t33\t114\n"
        "以上对象均已落实帮扶措施。"
    )
    got = _by_code(body)
    assert got["unstable_households"] == [17] and got["unstable_persons"] == [61]
    assert got["edge_households"] == [12] and got["edge_persons"] == [40]
    assert got["sudden_hardship_households"] == [4] and got["sudden_hardship_persons"] == [13]
    assert got["monitored_households"] == [33] and got["monitored_persons"] == [114]  # the caption's indicator


def test_households_and_persons_of_one_row_share_a_group() -> None:
    body = "类别\t户数\t人数\n脱贫不稳定户\t17\t61"
    pair = [f for f in facts(body) if f.indicator_code.startswith("unstable")]
    assert len({f.group for f in pair}) == 1 and pair[0].group is not None


def test_columns_apart_by_runs_of_spaces_and_a_per_month_column_skipped() -> None:
    body = (
        "全镇共有城乡低保对象930户1571人，分类如下：\n"
        "类别  户数  人数  月发放金额（万元）\n"
        "城镇低保  402  655  48.2\n"
        "农村低保  528  916  61.7"
    )
    got = [(f.indicator_code, f.value, f.qualifier) for f in facts(body) if f.flags == ("table_cell",)]
    assert ("dibao_households", 402, "城镇") in got and ("dibao_persons", 916, "农村") in got
    assert all(v not in (48.2, 482000, 61.7, 617000) for _, v, _ in got)  # 月…金额 is per month, no total


def test_a_year_column_gives_its_figures_that_year_and_the_change_column_is_not_read() -> None:
    body = (
        "主要指标完成情况如下：\n"
        "指标\t2022年\t2023年\t增减\n"
        "外出务工（人）\t2,905\t3,040\t+135\n"
        "村集体经济收入（万元）\t96.5\t118.2\t+21.7"
    )
    got = {(f.indicator_code, f.value): (f.period_start, f.period_end) for f in facts(body)}
    assert got[("migrant_workers", 2905)] == (date(2022, 1, 1), date(2022, 12, 31))
    assert got[("migrant_workers", 3040)] == (date(2023, 1, 1), date(2023, 12, 31))
    assert got[("village_collective_income", 1182000)][0] == date(2023, 1, 1)
    assert ("migrant_workers", 135) not in got and ("village_collective_income", 217000) not in got


def test_bare_year_headers_and_a_goal_column() -> None:
    body = "指标  2023  2024年目标\n乡村公益性岗位（个）  142  150"
    got = {(f.indicator_code, f.value): (f.is_target, f.period_start) for f in facts(body)}
    assert got[("public_welfare_jobs", 142)] == (False, date(2023, 1, 1))
    assert got[("public_welfare_jobs", 150)] == (True, date(2024, 1, 1))


def test_village_rows_are_not_the_townships_figures_but_the_total_is() -> None:
    body = "村名\t脱贫户（户）\t监测对象（户）\n桃源村\t208\t11\n杏林村\t175\t9\n合计\t383\t20"
    got = _by_code(body)
    assert got["poverty_exited_households"] == [383] and got["monitored_households"] == [20]


def test_a_total_row_disagreeing_with_the_stated_township_figure_gives_way() -> None:
    body = (
        "全镇辖12个行政村，共有脱贫户1408户。部分村情况如下：\n"
        "村名\t脱贫户（户）\t公益性岗位（个）\n桃源村\t208\t16\n杏林村\t175\t12\n合计\t383\t28"
    )
    got = _by_code(body)
    assert got["poverty_exited_households"] == [1408]
    assert got["public_welfare_jobs"] == [28]


def test_a_running_number_column_is_dropped() -> None:
    body = "序号  项目  户数  人数\n1  边缘易致贫户  23  71\n2  脱贫不稳定户  8  30"
    got = _by_code(body)
    assert got["edge_households"] == [23] and got["unstable_persons"] == [30]


def test_a_table_in_a_plan_section_holds_goals() -> None:
    body = "一、上半年工作情况\n全镇工作稳步推进。\n二、下半年工作打算\n指标\t目标\n外出务工（人）\t3,200"
    got = [f for f in facts(body, title="青石镇2023年上半年工作总结") if f.indicator_code == "migrant_workers"]
    assert [(f.value, f.is_target) for f in got] == [(3200, True)]


def test_prose_with_double_spaces_is_no_table() -> None:
    body = "乡长  陈立新\n全镇脱贫户  1,023户3,560人，较上年略有减少。"
    got = _by_code(body)
    assert got["poverty_exited_households"] == [1023]


def test_the_strip_stage_keeps_an_html_tables_cells_apart() -> None:
    html = (
        "<html><head><title>柏树镇2023年防返贫监测工作情况</title></head><body><div class='content'>"
        "<p>今年以来，柏树镇扎实开展防返贫动态监测，全镇脱贫户和监测对象情况统计如下，各项帮扶措施全部落实到位。</p>"
        "<table><tr><td>类别</td><td>户数</td><td>人数</td></tr>"
        "<tr><td>脱贫不稳定户</td><td>26</td><td>93</td></tr>"
        "<tr><td>边缘易致贫户</td><td>19</td><td>64</td></tr></table>"
        "<p>下一步，柏树镇将持续压实帮扶责任，确保不发生规模性返贫，为乡村振兴打下坚实基础，推动各项工作再上新台阶。</p>"
        "</div></body></html>"
    )
    doc = strip_chrome(html, "http://example.test/a.html")
    assert "类别\t户数\t人数" in doc.paragraphs
    assert "脱贫不稳定户\t26\t93" in doc.paragraphs
