"""Extraction rules from the second blind review: habits of report writers, on invented sentences."""

from __future__ import annotations

from datetime import date

from extract_helpers import facts, pairs


def _codes(body: str, **kw) -> dict[str, float]:
    return {f.indicator_code: f.value for f in facts(body, **kw)}


# ------------------------------------------------------------ vocabulary


def test_newly_identified_monitored_are_new_not_the_stock() -> None:
    got = pairs("今年以来新识别纳入监测对象5户16人,目前全镇共有监测对象62户201人。")
    assert ("monitored_new_households", 5) in got and ("monitored_new_persons", 16) in got
    assert ("monitored_households", 5) not in got and ("monitored_households", 62) in got


def test_aid_with_a_schooling_word_is_education_aid_and_its_money() -> None:
    got = _codes("秋季学期为全镇在校学生落实各类资助73人次,发放资助资金5.8万元。")
    assert got["education_aid_persontimes"] == 73
    assert got["education_aid_amount"] == 58000


def test_longer_programme_alias_keeps_its_meaning_near_a_schooling_word() -> None:
    got = pairs("为就读高职的学生落实雨露计划补助9人1.35万元。")
    assert ("yulu_plan_students", 9) in got and ("education_aid_persontimes", 9) not in got


def test_city_dibao_is_a_qualified_part() -> None:
    got = facts("全镇共有城乡低保对象420户688人,其中城市低保96户150人,农村低保324户538人。")
    city = [f for f in got if f.qualifier == "城市"]
    assert {(f.indicator_code, f.value) for f in city} == {("dibao_households", 96), ("dibao_persons", 150)}


def test_buzhu_and_butie_name_the_same_subsidy() -> None:
    got = _codes("二季度为312名外出务工脱贫劳动力申请交通补贴,金额9.36万元。")
    assert got["transport_subsidy_persons"] == 312
    assert got["transport_subsidy_amount"] == 93600
    assert "migrant_workers" not in got
    assert _codes("全年兑现产业补贴资金41.2万元,惠及农户233户。").get("industry_subsidy_amount") == 412000


def test_orchard_area_is_crop_area_with_the_orchard_as_crop() -> None:
    got = facts("全村蓝莓园面积达到6800亩,带动果农增收。")
    assert [(f.indicator_code, f.value, f.qualifier) for f in got] == [("crop_area", 6800, "蓝莓园")]


def test_words_between_collective_economy_and_income() -> None:
    assert pairs("全镇9个村村集体经济经营性收入达到415万元。") == [("village_collective_income", 4150000)]
    assert pairs("村集体经济总收入突破230万元。") == [("village_collective_income", 2300000)]
    # 村集体经济发展和低收入农户: no income figure
    assert pairs("衔接资金收益用于村集体经济发展和低收入农户帮扶,覆盖农户46户。") == []


def test_workshop_employment_in_a_breakdown() -> None:
    got = pairs("易迁群众实现就业740人,其中外出务工512人、帮扶车间就业38人。")
    assert ("workshop_employed_persons", 38) in got and ("migrant_workers", 512) in got


# ------------------------------------------------------- indicator choice


def test_registered_exited_households_are_exited_households() -> None:
    got = pairs("全乡现有建档立卡脱贫户264户901人。")
    assert got == [("poverty_exited_households", 264), ("poverty_exited_persons", 901)]


def test_verb_phrase_indicator_beats_the_group_subject() -> None:
    got = facts("安置点群众参加城乡居民基本医疗保险3417人,参保率99.2%。")
    enrolled = [f for f in got if f.indicator_code == "medical_insurance_enrolled_persons"]
    assert [f.value for f in enrolled] == [3417]
    assert not any(f.indicator_code == "relocation_persons" for f in got)


# ------------------------------------------------------------- structures


def test_the_rest_after_eliminated_risk_is_uneliminated() -> None:
    got = pairs("经过帮扶,已消除风险21户73人,其余6户19人正在落实帮扶措施。")
    assert ("risk_uneliminated_households", 6) in got and ("risk_uneliminated_persons", 19) in got


def test_the_rest_in_the_next_sentence_of_the_paragraph() -> None:
    got = pairs("已消除风险户30户96人;尚有4户11人持续跟踪帮扶。")
    assert ("risk_uneliminated_households", 4) in got and ("risk_uneliminated_persons", 11) in got


def test_relocated_households_next_to_a_site_count() -> None:
    got = pairs("共建成集中安置点2个,搬迁安置脱贫户318户1277人。")
    assert ("relocation_sites", 2) in got
    assert ("relocation_households", 318) in got and ("relocation_persons", 1277) in got


def test_breakdown_item_naming_its_own_indicator() -> None:
    assert ("linkage_fund_amount", 3120000) in pairs("全年投入各类帮扶资金500万元,其中衔接资金312万元。")


def test_figures_only_clause_inherits_the_programme_named_before() -> None:
    got = _codes("对务工满6个月以上的监测户发放稳岗奖补,截至目前已发放88人8.8万元。")
    assert got["employment_subsidy_persons"] == 88
    assert got["employment_subsidy_amount"] == 88000


def test_trainees_after_an_event_count_are_skills_training() -> None:
    assert pairs("举办电工、厨师等技能培训4期,参训学员146人次。") == [("skills_training_persontimes", 146)]


# ------------------------------------------------------------------ traps


def test_leaving_dibao_is_a_flow_not_the_stock() -> None:
    got = pairs("全年新增低保对象12户25人,注销低保9户14人。")
    assert ("dibao_households", 9) not in got and ("dibao_persons", 14) not in got


def test_labour_and_employed_counts_are_not_the_group_size() -> None:
    got = pairs("搬迁群众中有劳动力860人,已实现就业801人。")
    assert ("relocation_persons", 860) not in got and ("relocation_persons", 801) not in got


def test_a_rate_belongs_to_the_rate_word_right_before_it() -> None:
    got = pairs("脱贫人口医保参保率100%,门诊慢特病报销比例达到85%。")
    assert got == [("medical_insurance_rate", 100)]


def test_employment_led_only_counts_as_workshop_where_a_workshop_is_named() -> None:
    assert pairs("为返乡开办民宿的农户发放小额信贷14户70万元,带动就业60人。") == [
        ("microcredit_borrowers", 14),
        ("microcredit_amount", 700000),
    ]
    assert ("workshop_employed_persons", 60) in pairs("建成帮扶车间2个,带动就业60人。")


def test_group_in_a_breakdown_takes_the_parents_indicator() -> None:
    got = facts("帮扶车间共吸纳就业94人,其中脱贫人口31人。")
    assert not any(f.indicator_code == "poverty_exited_persons" for f in got)
    part = [f for f in got if f.value == 31]
    assert part and part[0].indicator_code == "workshop_employed_persons" and part[0].qualifier == "脱贫人口"


# --------------------------------------------------------------- periods


def test_since_year_runs_to_the_report_end_and_this_year_overrides() -> None:
    got = facts("2022年以来累计发放小额信贷530户2650万元,今年新发放140户700万元。")
    spans = {(f.indicator_code, f.value): (f.period_start, f.period_end) for f in got}
    assert spans[("microcredit_borrowers", 530)] == (date(2022, 1, 1), date(2023, 12, 31))
    assert spans[("microcredit_borrowers", 140)] == (date(2023, 1, 1), date(2023, 12, 31))


def test_five_year_plan_periods() -> None:
    got = facts("“十三五”期间,全镇共实施易地扶贫搬迁212户903人。")
    assert {(f.period_start, f.period_end) for f in got} == {(date(2016, 1, 1), date(2020, 12, 31))}


# ---------------------------------------------------------------- targets


def test_zhengqu_with_achieved_wording_is_not_a_target() -> None:
    achieved = facts("今年共争取衔接资金960万元,实施项目6个。")
    assert [f.is_target for f in achieved if f.indicator_code == "linkage_fund_amount"] == [False]
    planned = facts("明年计划争取衔接资金1200万元。")
    assert [f.is_target for f in planned if f.indicator_code == "linkage_fund_amount"] == [True]
