"""Extraction rules from the fifth review: other wordings of indicators, ranges and ranks,
floors before totals, comparison years, programme names (invented sentences, not the blind set's)."""

from __future__ import annotations

from datetime import date

from extract_helpers import facts

from scrapers.extract.numbers import find_quantities


def _values(body: str, code: str, **kw) -> list[float]:
    return [f.value for f in facts(body, **kw) if f.indicator_code == code]


def _find(body: str, code: str, value: float, **kw):
    return next(f for f in facts(body, **kw) if f.indicator_code == code and f.value == value)


# ------------------------------------------------------------- wordings


def test_sown_area_and_planting_scale_are_planted_area() -> None:
    assert _values("全乡油菜播种面积2.4万亩。", "crop_area") == [24000]
    assert _values("秋季播种冬小麦一万二千亩。", "crop_area") == [12000]
    assert _values("全村茶叶种植规模达到860亩。", "crop_area") == [860]
    # widening the scale is a change, not the stock
    assert _values("扩大种植规模，带动农户增收。", "crop_area") == []


def test_other_names_of_catalog_indicators() -> None:
    body = (
        "开发公益性就业岗位76个。完成户厕提升改造310户。发放种养业奖补资金52.6万元。"
        "农村生活垃圾收运处理率达到98.2%。全村脱贫享受政策户412户1,306人。资助家庭经济困难学生215人次。"
    )
    found = {(f.indicator_code, f.value) for f in facts(body)}
    assert ("public_welfare_jobs", 76) in found
    assert ("toilet_renovation_households", 310) in found
    assert ("industry_subsidy_amount", 526000) in found
    assert ("garbage_collection_rate", 98.2) in found
    assert ("poverty_exited_households", 412) in found and ("poverty_exited_persons", 1306) in found
    assert ("education_aid_persontimes", 215) in found


def test_treatment_rate_is_not_the_collection_rate() -> None:
    assert _values("生活垃圾无害化处理率达到95%。", "garbage_collection_rate") == []


def test_a_programme_named_before_a_term_subsidy_owns_it() -> None:
    body = "兑现雨露计划秋季学期补助37人、5.55万元。"
    found = {(f.indicator_code, f.value) for f in facts(body)}
    assert ("yulu_plan_students", 37) in found and ("yulu_plan_amount", 55500) in found
    assert not any(code.startswith("education_aid") for code, _ in found)


# -------------------------------------------------------- figures that are none


def test_a_range_is_no_figure() -> None:
    assert [q.raw for q in find_quantities("每户补助2千至3千元，每人每月300元")] == ["300元"]
    assert _values("发放小额信贷56户、260万元，户均额度2万至4万元。", "microcredit_amount") == [2600000]
    assert _values("小额信贷单户额度1至5万元。", "microcredit_amount") == []


def test_a_rank_is_no_count() -> None:
    assert [q.raw for q in find_quantities("考核位列全市第2名，获评先进集体5个")] == ["5个"]


def test_overdue_borrowers_are_not_the_borrowers() -> None:
    assert _values("全镇小额信贷余额820万元，逾期2户。", "microcredit_borrowers") == []


def test_a_flow_out_after_a_flow_in_is_no_stock() -> None:
    body = "年内对低保对象动态调整，新增低保8户13人，退出5户9人，调整后全乡低保户402户688人。"
    assert _values(body, "dibao_households") == [8, 402]


def test_a_widening_compared_with_last_year_is_a_change() -> None:
    assert _values("全镇辣椒种植面积1.5万亩，较上年扩大1,200亩。", "crop_area") == [15000]


def test_a_hedged_change_is_still_a_change() -> None:
    body = "全镇9个村集体经济收入合计515万元，比上年增加约60万元。"
    assert _values(body, "village_collective_income") == [5150000]


def test_land_work_and_other_groups_do_not_take_the_subject() -> None:
    assert _values("全镇种植大豆4,000亩，高标准农田建设面积2万亩。", "crop_area") == [4000]
    body = "全镇低保户305户512人，另有低收入困难家庭46户。"
    assert _values(body, "dibao_households") == [305]


def test_party_member_trainees_and_disaster_shelters() -> None:
    assert _values("组织参训党员860人次。", "skills_training_persontimes") == []
    assert _values("新建避灾安置点2个。", "relocation_sites") == []


# ----------------------------------------------------------- structures


def test_the_total_after_an_every_member_floor_is_kept() -> None:
    body = "全乡12个村集体经济收入均超过10万元，总收入达到265万元。"
    assert _values(body, "village_collective_income") == [2650000]


def test_persons_after_households_with_a_list_mark() -> None:
    body = "农村低保：310户、522人。"
    found = {(f.indicator_code, f.value) for f in facts(body)}
    assert ("dibao_households", 310) in found and ("dibao_persons", 522) in found


def test_a_rate_in_words() -> None:
    [q] = find_quantities("参保率达到百分之九十九点二")
    assert q.count_word == "%" and float(q.value) == 99.2


# -------------------------------------------------------------- periods


def test_the_poverty_campaign_span() -> None:
    f = _find("脱贫攻坚期内，全乡共有贫困村3个。", "poor_villages", 3)
    assert (f.period_start, f.period_end) == (date(2014, 1, 1), date(2020, 12, 31))


def test_a_comparison_with_last_year_does_not_move_later_figures() -> None:
    body = "全镇监测对象95户310人，比上年增加6户，其中已消除风险70户231人。"
    f = _find(body, "risk_eliminated_households", 70)
    assert f.period_start == date(2023, 1, 1)


# -------------------------------------------------------------- targets


def test_a_programme_named_plan_is_no_plan() -> None:
    body = "落实学生营养改善计划、助学金等政策，资助学生930人次。"
    assert not _find(body, "education_aid_persontimes", 930).is_target
    assert _find("今年计划资助学生1,000人次。", "education_aid_persontimes", 1000).is_target
