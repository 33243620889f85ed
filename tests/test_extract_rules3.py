"""Extraction rules from the third review (issue 5): report writers' habits, on invented sentences."""

from __future__ import annotations

import pytest
from extract_helpers import facts, pairs

from schemas.gazetteer import Gazetteer, load_gazetteer
from schemas.records import CleanDocument, RegionStatus
from scrapers.extract.region import _without_office, resolve_region


def _codes(body: str, **kw) -> dict[str, float]:
    return {f.indicator_code: f.value for f in facts(body, **kw)}


# ------------------------------------------------------------------ region


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_township_is_named_without_its_office_words() -> None:
    assert _without_office("南环街道办事处") == "南环街道"
    assert _without_office("枫林镇人民政府") == "枫林镇"
    assert _without_office("石桥乡党委") == "石桥乡"
    assert _without_office("和平街道党工委") == "和平街道"
    assert _without_office("办事处") == "办事处"  # nothing township-like left: kept as written


def test_subdistrict_office_in_the_gazetteer_resolves_to_the_subdistrict(gaz: Gazetteer) -> None:
    d = CleanDocument(
        url="http://127.0.0.1/r.html",
        site="127.0.0.1",
        title="南环街道办事处2024年上半年工作总结",
        published_date=None,
        publisher=None,
        paragraphs=("上半年,科尔沁左翼中旗南环街道坚持稳中求进,全街道完成各项任务。",),
    )
    region = resolve_region(d, gaz)
    assert region.status == RegionStatus.RESOLVED
    assert region.township == "南环街道"


# ------------------------------------------------------- aliases and words between


def test_industry_development_subsidy_is_the_industry_subsidy() -> None:
    got = _codes("今年为脱贫户发放产业发展补助资金23.6万元,惠及农户58户。")
    assert got["industry_subsidy_amount"] == 236000
    assert got["industry_subsidy_persontimes"] == 58


def test_dibao_renyuan_are_dibao_persons() -> None:
    got = pairs("全乡纳入低保户132户,低保人员241人。")
    assert ("dibao_households", 132) in got and ("dibao_persons", 241) in got


def test_collective_operating_income_with_words_between() -> None:
    got = _codes("上半年全镇村集体经济累计实现经营性收入46.7万元。")
    assert got["village_collective_income"] == 467000


def test_jobs_at_the_doorstep_after_a_workshop_are_workshop_employment() -> None:
    got = _codes("新建竹编就业帮扶车间3个,带动留守妇女家门口就业64人。")
    assert got["assistance_workshops"] == 3 and got["workshop_employed_persons"] == 64


def test_centralised_garbage_collection_rate() -> None:
    assert _codes("全村生活垃圾集中清运率保持在96%以上。")["garbage_collection_rate"] == 96


def test_pooled_linkage_fund_is_its_total_but_a_project_share_is_not() -> None:
    assert _codes("全年统筹使用衔接资金860万元用于产业路和冷库建设。")["linkage_fund_amount"] == 8600000
    assert "linkage_fund_amount" not in _codes("利用衔接资金35万元建设村级光伏电站。")


# ----------------------------------------------------------------- structures


def test_absorbed_count_after_a_bracketed_breakdown_is_workshop_employment() -> None:
    got = pairs("全乡建成就业帮扶车间4个(竹木加工2个、电子配件2个),吸纳脱贫劳动力和监测对象就业97人。")
    assert ("workshop_employed_persons", 97) in got


def test_community_factory_absorbing_relocated_people() -> None:
    got = pairs("社区建成社区工厂(就业帮扶车间)3个,吸纳搬迁群众就业121人。")
    assert ("assistance_workshops", 3) in got and ("workshop_employed_persons", 121) in got


def test_public_welfare_jobs_absorbing_people_are_public_welfare_jobs() -> None:
    got = pairs("开发公益性岗位吸纳脱贫人口就业43人。")
    assert ("public_welfare_jobs", 43) in got and ("workshop_employed_persons", 43) not in got


def test_yulu_plan_reaching_students_counts_the_students() -> None:
    got = _codes("春季学期发放雨露计划补助资金8.25万元,惠及55名学生。")
    assert got["yulu_plan_amount"] == 82500 and got["yulu_plan_students"] == 55


def test_subsidy_granted_to_thresholded_group_counts_persons_and_money() -> None:
    got = _codes("对务工3个月以上的214名脱贫劳动力发放就业奖补资金21.4万元。")
    assert got["employment_subsidy_persons"] == 214 and got["employment_subsidy_amount"] == 214000


# ------------------------------------------------------------ targets, comparisons


def test_floor_on_migrant_workers_is_a_target() -> None:
    got = facts("确保年底前脱贫人口务工就业规模不低于860人。")
    assert [(f.indicator_code, f.value, f.is_target) for f in got] == [("migrant_workers", 860, True)]


def test_same_period_last_year_figure_is_last_years_and_the_change_is_none() -> None:
    got = facts("一季度外出务工1650人,较去年同期的1580人增加70人。", title="青石镇2023年一季度工作总结")
    by_value = {f.value: f for f in got if f.indicator_code == "migrant_workers"}
    assert set(by_value) == {1650, 1580}
    assert by_value[1580].period_start.year == 2022


def test_change_after_a_comparison_clause_is_no_level() -> None:
    got = pairs("与上年相比,外出务工人数增加35人,增长4.1%。")
    assert ("migrant_workers", 35) not in got


# ---------------------------------------------------------------------- traps


def test_certificates_do_not_inherit_training() -> None:
    got = pairs("举办电工、焊工培训班4期,培训236人次,其中取得职业资格证书98人。")
    assert ("skills_training_persontimes", 236) in got and ("skills_training_persontimes", 98) not in got


def test_local_jobs_are_not_out_migration() -> None:
    got = pairs("其中外出务工2210人,就近就业530人,县内就业310人。")
    assert ("migrant_workers", 2210) in got
    assert ("migrant_workers", 530) not in got and ("migrant_workers", 310) not in got


def test_list_items_with_other_nouns_do_not_inherit() -> None:
    got = pairs("新建村卫生室3个、文化广场4处、村级幼儿园2所。")
    assert [p for p in got if p[0] == "village_clinics"] == [("village_clinics", 3)]


def test_list_of_crops_keeps_the_crop_area() -> None:
    got = pairs("全镇玉米种植面积1.8万亩、大豆0.6万亩。")
    assert ("crop_area", 18000) in got and ("crop_area", 6000) in got


def test_a_place_is_not_what_is_counted() -> None:
    got = pairs("在安置点设立便民服务站3个,配备网格员12名。")
    assert not any(code == "relocation_sites" for code, _ in got)


def test_new_noun_phrase_breaks_the_carried_subject() -> None:
    got = pairs("计划开发公益性岗位55个,新增城镇就业900人。")
    assert ("public_welfare_jobs", 55) in got and ("public_welfare_jobs", 900) not in got


# -------------------------------------------------------------------- periods


def test_this_year_in_a_plan_section_is_the_reports_own_year() -> None:
    body = "一、工作成效\n全乡脱贫户410户。\n二、下一步工作打算\n今年计划投入衔接资金980万元,力争年底前完工。"
    got = [f for f in facts(body, title="青石镇2023年一季度工作汇报") if f.indicator_code == "linkage_fund_amount"]
    assert got and got[0].is_target and got[0].period_start.year == 2023


def test_funds_won_over_the_year_in_a_summary_are_achieved() -> None:
    got = facts("一、2023年工作总结\n全年争取衔接资金1420万元,实施项目11个。")
    fund = [f for f in got if f.indicator_code == "linkage_fund_amount"]
    assert fund and not fund[0].is_target
