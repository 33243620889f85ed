"""Township resolution: invented reports in the style of township work reports, plus the dev pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.gazetteer import Gazetteer, load_gazetteer
from schemas.records import CleanDocument, RegionStatus
from scrapers.extract.region import resolve_region

GOLD_MAINTEXT = Path("/work/shared/benchmark/gold/maintext")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def doc(
    title: str,
    body: str,
    *,
    site_name: str | None = None,
    publisher: str | None = None,
    meta: dict[str, str] | None = None,
) -> CleanDocument:
    return CleanDocument(
        url="http://127.0.0.1/report.html",
        site="127.0.0.1",
        title=title,
        published_date=None,
        publisher=publisher,
        paragraphs=tuple(p for p in body.split("\n") if p),
        site_name=site_name,
        meta=meta or {},
    )


def test_chengguan_with_its_county_named(gaz: Gazetteer) -> None:
    region = resolve_region(
        doc(
            "城关镇2022年巩固拓展脱贫攻坚成果工作总结",
            "2022年，在嵩县县委、县政府的坚强领导下，城关镇党委、政府团结带领全镇干部群众，"
            "全镇共有脱贫户812户3015人，落实公益性岗位96个。",
        ),
        gaz,
    )
    assert region.status is RegionStatus.RESOLVED
    assert (region.township, region.county, region.city, region.province) == ("城关镇", "嵩县", "洛阳市", "河南省")
    assert region.township_code == "410325100"


def test_chengguan_without_any_county_is_ambiguous(gaz: Gazetteer) -> None:
    region = resolve_region(
        doc("城关镇2023年上半年工作总结", "今年以来，城关镇紧紧围绕年初目标，全镇上下凝心聚力，各项工作有序推进。"), gaz
    )
    assert region.status is RegionStatus.AMBIGUOUS
    assert region.township == "城关镇" and region.county is None and region.township_code is None
    assert len(region.candidates) > 50
    assert all(c.endswith("/城关镇") for c in region.candidates)
    assert region.province is None  # they are spread over many provinces
    assert not region.placeable


def test_ambiguity_keeps_the_shared_province(gaz: Gazetteer) -> None:
    # two 吴店镇 in 湖北 (枣阳市, 广水市) and one in 山东: 湖北 settles the province only
    region = resolve_region(
        doc("吴店镇乡村振兴工作汇报", "在湖北省委、省政府的部署下，我镇持续巩固脱贫成果，吴店镇党委多次专题研究。"), gaz
    )
    assert region.status is RegionStatus.AMBIGUOUS
    assert region.province == "湖北省" and region.county is None and region.city is None
    assert sorted(region.candidates) == ["湖北省/襄阳市/枣阳市/吴店镇", "湖北省/随州市/广水市/吴店镇"]
    assert region.placeable


def test_renamed_county_resolves_to_todays_unit(gaz: Gazetteer) -> None:
    region = resolve_region(
        doc(
            "杨村镇2019年脱贫攻坚工作总结",
            "2019年，杨村镇在龙南县委、县政府的正确领导下，全镇脱贫攻坚工作取得明显成效，"
            "全镇建档立卡贫困户376户1290人。",
        ),
        gaz,
    )
    assert region.status is RegionStatus.RESOLVED
    assert (region.county, region.county_code, region.city) == ("龙南市", "360783", "赣州市")


def test_subdistrict_written_as_banshichu(gaz: Gazetteer) -> None:
    region = resolve_region(
        doc(
            "鹤溪街道办事处2021年工作总结",
            "2021年，鹤溪街道党工委、办事处在县委县政府的领导下，全街道共落实衔接资金320万元。",
            site_name="景宁畲族自治县人民政府",
        ),
        gaz,
    )
    assert region.status is RegionStatus.RESOLVED
    assert (region.township_official, region.county, region.province) == ("鹤溪街道", "景宁畲族自治县", "浙江省")


def test_ethnic_township(gaz: Gazetteer) -> None:
    region = resolve_region(doc("长哨营满族乡2022年工作总结", "全乡共有低收入农户58户。长哨营满族乡党委坚持……"), gaz)
    assert region.status is RegionStatus.RESOLVED
    assert (region.township, region.county, region.city) == ("长哨营满族乡", "怀柔区", "北京市")


@pytest.mark.parametrize("placeholder", ["xx乡", "XX镇", "某镇", "××乡", "＊＊街道"])
def test_anonymised_report_is_unresolved(gaz: Gazetteer, placeholder: str) -> None:
    region = resolve_region(
        doc(
            f"{placeholder}20xx年乡村振兴工作总结",
            f"今年以来，{placeholder}坚持按照“产业兴旺、生态宜居”总体要求，一体推进乡村五大振兴。"
            "全乡共识别监测对象7户19人。",
        ),
        gaz,
    )
    assert region.status is RegionStatus.UNRESOLVED
    assert region.township is None and region.province is None
    assert "anonymised" in (region.evidence or "")


def test_subject_among_several_named_townships(gaz: Gazetteer) -> None:
    body = (
        "今年以来，里仁镇党委、政府紧紧围绕乡村振兴总要求，全镇各项工作稳步推进。\n"
        "组织村干部赴关西镇、程龙镇学习产业发展经验，与渡江镇开展结对共建。\n"
        "里仁镇新增公益性岗位42个，全镇脱贫户收入稳定增长。"
    )
    region = resolve_region(doc("上半年工作总结", body, site_name="龙南市人民政府"), gaz)
    assert region.status is RegionStatus.RESOLVED
    assert (region.township, region.county) == ("里仁镇", "龙南市")


def test_neighbouring_townships_place_a_twice_used_name(gaz: Gazetteer) -> None:
    # 里仁镇 exists in 龙南市 and in 秀山县; the neighbours named settle it without any county name
    body = "里仁镇党委、政府带领全镇干部群众攻坚克难。\n与关西镇、程龙镇签订联防联控协议。"
    region = resolve_region(doc("里仁镇2022年工作总结", body), gaz)
    assert (region.status, region.county) == (RegionStatus.RESOLVED, "龙南市")


def test_site_name_gives_the_county(gaz: Gazetteer) -> None:
    body = "今年来，水市镇坚持以党建引领乡村振兴，全镇共落实帮扶资金860万元。"
    region = resolve_region(doc("水市镇2023年工作总结", body, site_name="宁远县人民政府"), gaz)
    assert (region.status, region.county, region.city, region.province) == (
        RegionStatus.RESOLVED,
        "宁远县",
        "永州市",
        "湖南省",
    )


def test_old_type_word_kept_as_written(gaz: Gazetteer) -> None:
    body = "近年来，水市乡紧紧抓住发展机遇，全乡脱贫攻坚取得成效，产品运往重庆主城销售。"
    region = resolve_region(doc("黔江水市乡：决战决胜脱贫攻坚", body, site_name="某新闻网"), gaz)
    assert (region.township, region.township_official, region.county, region.city, region.province) == (
        "水市乡",
        "水市镇",
        "黔江区",
        "重庆市",
        "重庆市",
    )
    assert region.township_code == "500114125"


def test_passing_mention_of_another_place_does_not_place_the_report(gaz: Gazetteer) -> None:
    body = "全乡上下凝心聚力，组织干部赴关西镇考察学习。全乡新增产业项目6个。"
    region = resolve_region(doc("乡村振兴工作总结", body), gaz)
    assert region.status is RegionStatus.UNRESOLVED


def test_traditional_title_and_site(gaz: Gazetteer) -> None:
    body = "2023年，沙地镇在区委、区政府的正确领导下，全镇上下同心协力。"
    region = resolve_region(doc("沙地鎮2023年上半年工作總結", body, site_name="贛縣區人民政府"), gaz)
    assert (region.status, region.township, region.county) == (RegionStatus.RESOLVED, "沙地镇", "赣县区")


@pytest.mark.parametrize("title,body", [("", ""), ("   ", "\n\n"), ("镇", "乡"), ("工作总结", "全镇" * 50)])
def test_odd_documents_do_not_raise(gaz: Gazetteer, title: str, body: str) -> None:
    region = resolve_region(doc(title, body), gaz)
    assert region.status is RegionStatus.UNRESOLVED
    assert region.evidence


def test_a_long_report_repeating_one_paragraph_resolves_once_per_call(gaz: Gazetteer) -> None:
    # its time is measured in benchmarks/extract_bench.py (resolve_region line), not here
    paragraph = (
        "今年以来，里仁镇坚持以习近平新时代中国特色社会主义思想为指导，全镇共有脱贫户1456户4563人，"
        "监测对象111户342人，落实衔接资金1322.63万元，开发公益性岗位126个，赴关西镇学习产业经验。"
    )
    body = "\n".join([paragraph] * (10_000 // len(paragraph) + 1))
    document = doc("里仁镇2023年乡村振兴工作总结", body, site_name="龙南市人民政府")
    first = resolve_region(document, gaz)
    assert first.county == "龙南市" and resolve_region(document, gaz) == first


# ---- the five dev pages (bodies from the benchmark's gold main text) ----------------------------------------

DEV_PAGES = {
    "000": dict(title="东江乡关于乡村振兴的专项工作报告", site_name="龙南市人民政府", publisher="东江乡政府"),
    "001": dict(title="乡村振兴工作总结", site_name=None, publisher=None),
    "002": dict(title="某镇2023年度实施乡村振兴战略专题报告", site_name=None, publisher=None),
    "003": dict(
        title="沙地镇2023年上半年工作总结及下半年工作计划", site_name="赣县区人民政府", publisher="沙地镇人民政府"
    ),
    "004": dict(title="黔江水市乡：决战决胜脱贫攻坚 奋力谱写新篇章", site_name="华龙网", publisher=None),
}
DEV_EXPECTED = {
    "000": ("东江乡", {"龙南市"}, "赣州市", "江西省"),
    "001": (None, {None}, None, None),
    "002": ("吴店镇", {"枣阳市", "广水市", None}, None, "湖北省"),
    "003": ("沙地镇", {"赣县区"}, "赣州市", "江西省"),
    "004": ("水市乡", {"黔江区"}, "重庆市", "重庆市"),
}


@pytest.mark.parametrize("number", sorted(DEV_PAGES))
def test_dev_pages(gaz: Gazetteer, number: str) -> None:
    path = GOLD_MAINTEXT / f"{number}.txt"
    if not path.exists():
        pytest.skip("benchmark gold text not on this machine")
    import opencc

    body = opencc.OpenCC("t2s").convert(path.read_text("utf-8"))
    region = resolve_region(doc(body=body, **DEV_PAGES[number]), gaz)
    township, counties, city, province = DEV_EXPECTED[number]
    assert region.township == township
    assert region.county in counties
    if city is not None:
        assert region.city == city
    assert region.province == province


def test_minzu_township_of_the_northeast(gaz: Gazetteer) -> None:
    body = "今年以来，得力其尔鄂温克民族乡党委团结带领全乡各族群众，共落实产业扶持资金45万元。"
    region = resolve_region(doc("得力其尔鄂温克民族乡上半年工作总结", body), gaz)
    assert region.status is RegionStatus.RESOLVED
    assert region.township == "得力其尔鄂温克民族乡"
    assert region.province == "内蒙古自治区"
