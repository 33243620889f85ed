"""Extraction rules from the fourth review: periods of sections and year ranges, 其中 shares,
and smaller habits of report writers (invented sentences, not the blind set's)."""

from __future__ import annotations

from datetime import date

from extract_helpers import facts

from scrapers.extract.periods import document_period, sentence_period


def _find(body: str, code: str, value: float, **kw):
    return next(f for f in facts(body, **kw) if f.indicator_code == code and f.value == value)


def _values(body: str, code: str, **kw) -> list[float]:
    return [f.value for f in facts(body, **kw) if f.indicator_code == code]


# ------------------------------------------------------------------ periods


def test_a_section_headings_year_governs_its_section() -> None:
    body = (
        "各位代表：\n一、2022年工作回顾\n全镇现有脱贫户1530户5210人，开发公益性岗位118个。\n"
        "二、2023年工作安排\n一是开发公益性岗位120个；二是完成农村改厕400户。"
    )
    kw = {"title": "石门镇人民政府工作报告", "published": date(2023, 3, 2)}
    assert _find(body, "poverty_exited_households", 1530, **kw).period_start == date(2022, 1, 1)
    plan = _find(body, "toilet_renovation_households", 400, **kw)
    assert plan.is_target and (plan.period_start, plan.period_end) == (date(2023, 1, 1), date(2023, 12, 31))


def test_a_date_in_the_opening_is_when_the_report_was_given_not_its_year() -> None:
    opening = "——2023年1月12日在石门镇第五届人民代表大会第三次会议上\n各位代表：\n一、2022年工作回顾\n过去的一年……"
    p = document_period("石门镇人民政府工作报告", opening, date(2023, 1, 20))
    assert (p.start, p.end) == (date(2022, 1, 1), date(2022, 12, 31))


def test_a_report_given_early_in_the_year_that_looks_back_reviews_the_year_before() -> None:
    p = document_period("石门镇人民政府工作报告", "各位代表：过去的一年，全镇上下……今年要……", date(2021, 2, 8))
    assert p.year == 2020
    later = document_period("石门镇工作情况", "今年以来，全镇……过去一年的经验……", date(2021, 9, 8))
    assert later.year == 2021  # only a report given in the first months looks back


def test_a_title_range_of_years_covers_them_all_whatever_the_dash() -> None:
    for dash in ("—", "–", "-", "至", "到", "～", "——"):
        p = document_period(f"龙潭乡2020{dash}2022年乡村振兴工作情况报告", "", date(2023, 1, 10))
        assert (p.start, p.end, p.year) == (date(2020, 1, 1), date(2022, 12, 31), 2022), dash


def test_in_a_report_on_several_years_one_years_figure_keeps_that_year() -> None:
    body = "三年来累计发放小额信贷932户。2022年全乡开发公益性岗位205个。\n五、2023年工作打算\n计划开发公益性岗位210个。"
    title = "龙潭乡2020—2022年巩固拓展脱贫攻坚成果工作报告"
    whole = _find(body, "microcredit_borrowers", 932, title=title)
    assert (whole.period_start, whole.period_end) == (date(2020, 1, 1), date(2022, 12, 31))
    one = _find(body, "public_welfare_jobs", 205, title=title)
    assert (one.period_start, one.period_end) == (date(2022, 1, 1), date(2022, 12, 31))
    plan = _find(body, "public_welfare_jobs", 210, title=title)
    assert plan.is_target and plan.period_start == date(2023, 1, 1)


def test_a_sentence_range_joined_by_an_en_dash_or_tilde() -> None:
    doc = document_period("龙潭乡2023年工作总结", "", None)
    for dash in ("–", "～", "—"):
        assert sentence_period(f"2019{dash}2021年累计", doc) == (date(2019, 1, 1), date(2021, 12, 31))


# ------------------------------------------------------------------ 其中 shares


def test_a_breakdown_naming_its_own_year_is_that_years_share() -> None:
    body = "两年来累计新识别纳入监测对象96户341人,其中2022年新识别31户104人。"
    title = "龙潭乡2021-2022年防返贫监测工作报告"
    part = _find(body, "monitored_new_households", 31, title=title)
    assert part.part_of is not None and part.period_start == date(2022, 1, 1)
    assert 104 in _values(body, "monitored_new_persons", title=title)


def test_a_bare_breakdown_with_a_year_takes_the_wholes_indicator() -> None:
    body = "累计投入衔接资金9650万元,实施项目112个,其中2022年投入3120万元,实施项目41个。"
    title = "龙潭乡2020至2022年衔接资金使用情况"
    part = _find(body, "linkage_fund_amount", 31200000, title=title)
    assert part.part_of is not None and part.period_start == date(2022, 1, 1)


def test_a_breakdown_naming_the_new_share_is_kept() -> None:
    body = "全镇脐橙种植面积达到4,200亩,其中新增种植650亩。"
    assert sorted(_values(body, "crop_area")) == [650, 4200]


def test_a_breakdown_without_year_or_new_is_still_no_second_total() -> None:
    body = "累计投入衔接资金9650万元,实施项目112个,其中产业项目投入5120万元。"
    assert _values(body, "linkage_fund_amount") == [96500000]


def test_the_whole_township_again_ends_a_breakdown() -> None:
    body = "全镇11个村集体经济收入均超过15万元,其中超过30万元的村4个,全镇村集体经济总收入达到286万元。"
    assert _values(body, "village_collective_income") == [2860000]


# ------------------------------------------------------------------ smaller habits


def test_a_labour_force_sent_out_is_the_migrant_workforce() -> None:
    assert _values("1-9月,全乡输转劳动力8,630人次,同比增长4.1%。", "migrant_workers") == [8630]
    assert _values("力争全年劳动力输转9000人次以上。", "migrant_workers") == [9000]


def test_a_year_inside_a_split_alias_is_when() -> None:
    body = "全乡脱贫人口和监测对象参加2023年城乡居民医保3,912人,参保率100%。"
    got = [(f.indicator_code, f.value) for f in facts(body)]
    assert ("medical_insurance_enrolled_persons", 3912) in got
    assert ("poverty_exited_persons", 3912) not in got


def test_an_amount_list_item_is_the_money_of_what_was_counted() -> None:
    body = "落实各类学生资助政策,资助学生846人次、资金61.3万元。"
    assert _values(body, "education_aid_amount") == [613000]


def test_a_floor_every_village_cleared_is_no_figure_but_a_goal_floor_is() -> None:
    assert _values("全乡9个村集体经济收入全部超过12万元。", "village_collective_income") == []
    goal = "三是力争各村集体经济收入均达到15万元以上。"
    assert _values(goal, "village_collective_income") == [150000]
    assert _values("脱贫人口医保参保率均达到100%。", "medical_insurance_rate") == [100]


def test_visitors_who_came_for_training_are_no_trainees() -> None:
    body = "依托红色资源,全年接待研学培训学员2.6万人次,接待游客41万人次。"
    assert _values(body, "skills_training_persontimes") == []
    assert _values("开展技能培训6期,培训315人次。", "skills_training_persontimes") == [315]


def test_improving_planted_land_is_no_planted_area() -> None:
    body = "全乡茶叶种植面积8,600亩,今年完成低产茶园提质改造450亩。"
    assert _values(body, "crop_area") == [8600]


def test_the_subject_does_not_carry_into_another_unit_or_a_named_campaign() -> None:
    body = "完成农村户厕改造412户,新建污水处理设施5座,开展“清洁庭院”评选180户。"
    assert _values(body, "toilet_renovation_households") == [412]


def test_a_range_later_in_the_title_is_the_plans_not_the_reports() -> None:
    p = document_period("龙潭乡2023年工作总结和2024—2026年发展规划", "", None)
    assert (p.start, p.end) == (date(2023, 1, 1), date(2023, 12, 31))


def test_a_part_year_reports_next_steps_are_the_rest_of_its_year_and_a_years_are_the_next() -> None:
    body = (
        "一、工作成效\n新增开发公益性岗位35个。\n二、下一步工作打算\n"
        "一是继续开发公益性岗位，计划再开发公益性岗位40个；二是完成农村改厕260户。"
    )
    first_quarter = _find(body, "public_welfare_jobs", 40, title="青石镇2024年第一季度工作总结",
                          published=date(2024, 4, 8))
    assert first_quarter.is_target
    assert (first_quarter.period_start, first_quarter.period_end) == (date(2024, 4, 1), date(2024, 12, 31))
    three_quarters = _find(body, "toilet_renovation_households", 260, title="青石镇2023年前三季度工作总结",
                           published=date(2023, 10, 9))
    assert (three_quarters.period_start, three_quarters.period_end) == (date(2023, 10, 1), date(2023, 12, 31))
    whole_year = _find(body, "public_welfare_jobs", 40, title="青石镇2023年工作总结", published=date(2023, 12, 26))
    assert (whole_year.period_start, whole_year.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
