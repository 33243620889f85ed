"""Indicator matching and report structures, on invented sentences in the style of township reports."""

from __future__ import annotations

import pytest
from extract_helpers import PLACED, extract, facts, pairs

from schemas.records import CleanDocument
from scrapers.extract import ExtractionError, extract_facts


def test_household_person_pairs_give_two_facts_in_one_group() -> None:
    got = facts("全镇现有脱贫户862户3175人,边缘易致贫户12户41人。")
    assert [(f.indicator_code, f.value) for f in got] == [
        ("poverty_exited_households", 862),
        ("poverty_exited_persons", 3175),
        ("edge_households", 12),
        ("edge_persons", 41),
    ]
    assert got[0].group == got[1].group and got[0].group is not None
    assert got[2].group != got[0].group


def test_amount_sibling_across_a_bare_clause() -> None:
    assert pairs("秋季雨露计划补助学生62人,补助金额93000元。") == [
        ("yulu_plan_students", 62),
        ("yulu_plan_amount", 93000),
    ]


def test_persons_and_money_in_one_breath() -> None:
    assert pairs("发放一次性交通补贴218人9.46万元。") == [
        ("transport_subsidy_persons", 218),
        ("transport_subsidy_amount", 94600),
    ]
    assert pairs("发放扶贫小额信贷96户431万元。") == [("microcredit_borrowers", 96), ("microcredit_amount", 4310000)]


def test_breakdown_is_part_of_the_whole_with_its_qualifier() -> None:
    got = facts("特困供养人员174人,其中分散供养139人。")
    assert [(f.indicator_code, f.value, f.qualifier) for f in got] == [
        ("tekun_persons", 174, None),
        ("tekun_persons", 139, "分散"),
    ]
    assert got[1].part_of == got[0].fact_key("http://example.test/report.html", "")


def test_breakdown_of_an_untracked_whole_is_dropped() -> None:
    # the whole (农户) is no indicator, so its part is no stock of poor households
    assert pairs("带动120户农户种植油茶450亩(其中贫困户37户)。") == [("crop_area", 450)]


def test_breakdown_of_the_population_is_a_stock() -> None:
    assert pairs("全镇总人口2.8万人,其中建档立卡贫困户960户3720人。") == [
        ("registered_poor_households", 960),
        ("registered_poor_persons", 3720),
    ]


def test_breakdown_repeating_the_code_without_a_qualifier_is_dropped() -> None:
    assert pairs("共申报就业奖补832人,其中县外就业奖补610人。") == [("employment_subsidy_persons", 832)]


def test_person_times_versus_persons() -> None:
    got = facts("开展实用技术培训6期340人次。")
    assert [(f.indicator_code, f.value, f.count_word) for f in got] == [("skills_training_persontimes", 340, "人次")]


def test_repeated_count_word_noun_and_per_item_counts() -> None:
    assert pairs("开发乡村公益性岗位岗位88个。") == [("public_welfare_jobs", 88)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("辖区内7家村级卫生室实现标准化。", [("village_clinics", 7)]),
        ("选派三支驻村工作队。", [("resident_work_teams", 3)]),
        ("全镇2个省级贫困村全部出列。", [("poor_villages", 2)]),
        ("对全镇318户脱贫户、6户脱贫监测户,落实帮扶责任人。",
         [("poverty_exited_households", 318), ("monitored_households", 6)]),
        ("目前共有27户申请产业信贷通。", [("microcredit_borrowers", 27)]),
    ],
)
def test_subject_after_number(body: str, expected: list) -> None:
    assert pairs(body) == expected


def test_level_qualifier_on_poor_villages() -> None:
    got = facts("全镇2个省级贫困村、5个县级贫困村全部脱贫摘帽。")
    assert [(f.value, f.qualifier) for f in got] == [(2, "省级"), (5, "县级")]


def test_population_as_object_of_an_action_is_not_its_size() -> None:
    assert pairs("引导12名致富带头人带动96户贫困户发展养殖。") == []


def test_beneficiaries_before_a_programme_belong_to_the_programme() -> None:
    assert pairs("为432名脱贫户申报交通补贴,补贴金额达12.6万元。") == [
        ("transport_subsidy_persons", 432),
        ("transport_subsidy_amount", 126000),
    ]


@pytest.mark.parametrize(
    ("body", "value", "qualifier"),
    [
        ("今年完成晚稻种植5600亩。", 5600, "晚稻"),
        ("种植油茶1200亩。", 1200, "油茶"),
        ("发展脐橙2300亩。", 2300, "脐橙"),
        ("落实玉米种植面积812亩。", 812, "玉米"),
        ("种植黄精80亩。", 80, "黄精"),
    ],
)
def test_crop_area_keeps_the_crop(body: str, value: float, qualifier: str) -> None:
    got = facts(body)
    assert [(f.indicator_code, f.value, f.qualifier) for f in got] == [("crop_area", value, qualifier)]


def test_land_before_a_planting_verb_is_not_planted_area() -> None:
    assert pairs("某村流转土地900亩种植蓝莓。") == []


def test_number_with_no_indicator_in_its_clause_is_no_fact() -> None:
    assert pairs("覆盖受益人口约3120户1.3万人,新修道路12公里。") == []


def test_nearest_alias_before_wins() -> None:
    assert pairs("全镇监测对象已参加医疗保险215人。") == [("medical_insurance_enrolled_persons", 215)]
    assert facts("全镇监测对象已参加医疗保险215人。")[0].qualifier == "监测对象"


def test_count_word_must_fit() -> None:
    # 脱贫户 counts households; 46人 after it alone is not a households figure
    assert pairs("就地解决脱贫户劳动力46人就业。") == []


def test_dibao_qualifiers() -> None:
    got = facts("新增农村低保37户58人,城镇低保9户13人。")
    assert [(f.indicator_code, f.value, f.qualifier) for f in got] == [
        ("dibao_households", 37, "新增农村"),
        ("dibao_persons", 58, "新增农村"),
        ("dibao_households", 9, "城镇"),
        ("dibao_persons", 13, "城镇"),
    ]


def test_relocation_site_qualifier() -> None:
    got = facts("搬迁安置:全镇共3个集中安置点210户806人,公益性岗位累计19个。")
    assert ("public_welfare_jobs", 19, "安置点") in [(f.indicator_code, f.value, f.qualifier) for f in got]


def test_rate_before_and_after() -> None:
    got = facts("贫困发生率由2014年的11.2%降至零。", title="石门乡2020年脱贫攻坚工作总结")
    assert [(f.indicator_code, f.value, f.period_start.year) for f in got] == [
        ("poverty_incidence_rate", 11.2, 2014),
        ("poverty_incidence_rate", 0, 2020),
    ]


def test_percentages() -> None:
    assert pairs("脱贫人口参保率达100%,生活垃圾清运率达到96.5%。") == [
        ("medical_insurance_rate", 100),
        ("garbage_collection_rate", 96.5),
    ]


def test_activity_about_a_subject_is_not_the_subject() -> None:
    assert pairs("完成改厕86户,开展改厕质量排查1200户。") == [("toilet_renovation_households", 86)]


def test_money_spent_from_a_fund_on_a_project_is_not_the_fund_total() -> None:
    assert pairs("某村利用衔接资金25万元建设冷库。") == []
    assert pairs("全年到位衔接资金865.4万元。") == [("linkage_fund_amount", 8654000)]


def test_per_unit_figures_are_not_totals() -> None:
    assert pairs("安排公益性岗位64人,人均月补贴600元。") == [("public_welfare_jobs", 64)]


def test_threshold_subset_is_not_the_stock() -> None:
    assert pairs("年收入1万元以下的脱贫户、监测户有9户。") == []


def test_stop_phrase_masks_alias() -> None:
    assert pairs("办理生源地助学贷款85人。") == []


def test_ocr_digits_fact_is_flagged() -> None:
    got = facts("全镇监测户Il户35人。")
    assert [(f.indicator_code, f.value) for f in got] == [("monitored_households", 11), ("monitored_persons", 35)]
    assert "ocr_digits" in got[0].flags


def test_full_width_decimal_is_flagged() -> None:
    got = facts("已发放就业奖补资金46。8万元。")
    assert [(f.indicator_code, f.value) for f in got] == [("employment_subsidy_amount", 468000)]
    assert "fullwidth_decimal" in got[0].flags


def test_repeated_figure_is_one_fact() -> None:
    assert pairs("边缘户4户13人已越线。对4户边缘户落实监测。") == [("edge_households", 4), ("edge_persons", 13)]


def test_offsets_point_at_the_evidence() -> None:
    body = "第一段没有数字。\n全镇现有脱贫户510户1988人。"
    ext = extract(body)
    text = "\n".join(body.split("\n"))
    for f in ext.facts:
        assert text[f.start : f.end] == f.raw_text
        assert f.raw_text in f.sentence


def test_region_passes_through() -> None:
    assert extract("无数字。").region == PLACED


@pytest.mark.parametrize("body", ["", "\n\n", "%%%%", "万万万亿亿", "1" * 5000, "户" * 100, "。。。", "Ill"])
def test_odd_text_never_raises(body: str) -> None:
    extract(body, title="")


def test_wrong_input_raises_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="CleanDocument"):
        extract_facts("not a document", PLACED)  # type: ignore[arg-type]


def test_catalog_can_be_passed() -> None:
    from schemas.catalog import load_catalog

    doc = CleanDocument(url="u", site="s", title="t", published_date=None, publisher=None,
                        paragraphs=("设立生态护林员41个。",))
    assert [f.indicator_code for f in extract_facts(doc, PLACED, load_catalog()).facts] == ["forest_rangers"]
