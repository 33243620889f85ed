"""The chrome stripper on invented pages of the CMS families it must handle, and on bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scrapers.strip import SiteProfile, StripError, load_profile, load_profiles, profile_for, strip_chrome
from scrapers.strip.metadata import date_from_url, parse_date, split_title
from scrapers.strip.repair import clean_inline, join_paged_document, normalise, remove_watermark

FIXTURES = Path(__file__).parent / "fixtures" / "strip"
PAGES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def strip_fixture(name: str, url: str | None = None):
    html = (FIXTURES / f"{name}.html").read_text("utf-8")
    return strip_chrome(html, url or f"http://www.example.gov.cn/col/{name}.html", content_hash="abc")


@pytest.mark.parametrize("name", PAGES)
def test_body_matches_expected(name: str) -> None:
    expected = (FIXTURES / f"{name}.txt").read_text("utf-8").strip().splitlines()
    doc = strip_fixture(name)
    assert list(doc.paragraphs) == expected
    assert doc.content_hash == "abc"
    assert len(doc.original_paragraphs) == len(doc.paragraphs)


@pytest.mark.parametrize(("name", "title", "published", "publisher", "site_name"), [
    ("trs_county", "白沙镇2021年第一季度巩固脱贫成果工作情况", date(2021, 4, 8), "白沙镇人民政府", "清溪县人民政府"),
    ("jcms", "关于上半年乡村振兴工作的总结", date(2022, 7, 12), "桐山乡", "丰源市人民政府"),
    ("ucap", "石门街道2023年工作总结和2024年工作思路", date(2024, 1, 15), "石门街道办事处", "安平区人民政府"),
    ("news", "青峰镇：产业兴旺带动群众增收", date(2023, 11, 20), "江岸日报", "江岸新闻网"),
    ("ruby", "云溪镇上半年工作总结", date(2023, 7, 5), "云溪镇", "南川区人民政府"),
    ("traditional", "长乐乡2022年乡村振兴工作总结", date(2022, 12, 30), None, "清水县政府"),
    ("wenku", "XX乡2022年度巩固脱贫成果工作汇报", date(2023, 2, 14), None, "易享文档网"),
])
def test_metadata(name, title, published, publisher, site_name) -> None:
    doc = strip_fixture(name)
    assert doc.title == title
    assert doc.published_date == published
    assert doc.publisher == publisher
    assert doc.site_name == site_name
    assert doc.title != doc.site_name


def test_column_and_meta_tags_kept() -> None:
    doc = strip_fixture("trs_county")
    assert doc.column_name == "乡镇动态"
    assert doc.meta["pubdate"] == "2021-04-08 09:12"
    assert doc.site == "www.example.gov.cn"


def test_traditional_page_keeps_published_characters() -> None:
    doc = strip_fixture("traditional")
    assert doc.original_paragraphs[0].startswith("２０２２年，長樂鄉")
    assert "\u200b" not in doc.original_text and "\xa0" not in doc.original_text
    assert "127.5万元" in doc.text and "100%" in doc.text
    assert "7。7万元" in doc.text  # the full-width decimal point is left for the extractor to judge
    assert doc.meta["original_title"] == "長樂鄉２０２２年鄉村振興工作總結"


def test_date_from_url_and_non_iso_dates() -> None:
    assert date_from_url("http://x.gov.cn/zwgk/202207/t20220712_4567.html") == date(2022, 7, 12)
    assert date_from_url("http://news.example.com/2020-12/02/content_1.htm") == date(2020, 12, 2)
    assert date_from_url("http://www.x.gov.cn/art/2022/7/12/art_1_2.html") == date(2022, 7, 12)
    assert date_from_url("http://x.cn/a/b.html") is None
    assert parse_date("2020年08月02日") == date(2020, 8, 2)
    assert parse_date("时间:2020-12-02 10:50:26来源:华龙网") == date(2020, 12, 2)
    assert parse_date("2020-13-45") is None


def test_date_only_in_url() -> None:
    html = ("<html><head><title>柳林镇工作汇报_某县</title></head><body><div class='main'>"
            "<p>今年以来，柳林镇扎实推进各项工作，新增就业岗位120个，完成造林面积800亩。</p>"
            "<p>全镇脱贫户共计510户1,890人，全部落实帮扶责任人。</p></div></body></html>")
    doc = strip_chrome(html, "http://www.x.gov.cn/xzdt/202305/t20230518_99.html")
    assert doc.published_date == date(2023, 5, 18)
    assert doc.title == "柳林镇工作汇报"


def test_split_title_keeps_year_ranges() -> None:
    assert split_title("2021-2023年乡村振兴工作总结_某某县人民政府") == [
        "2021-2023年乡村振兴工作总结", "某某县人民政府"]
    assert split_title("乡镇工作总结-范文网") == ["乡镇工作总结", "范文网"]


def test_repair_helpers() -> None:
    assert clean_inline("沙地鎮(zhèn)上半年\n工作 </font>總結") == "沙地鎮上半年工作總結"
    assert clean_inline("a&amp;nbsp;b APP(app)") == "a b APP(app)"
    assert normalise("２０２３年１２％ＡＢ３．５鄉") == "2023年12%AB3.5乡"
    numbered = ["1、加强组织领导。", "2、完善工作机制。", "3、强化督查考核。"]
    assert join_paged_document(numbered, banner_seen=False) == numbered
    assert remove_watermark(["甲乙丙。", "丁戊己庚。"]) == ["甲乙丙。", "丁戊己庚。"]


def test_same_paragraphs_are_not_a_watermark() -> None:
    same = ["全镇共有脱贫户100户。"] * 5
    assert remove_watermark(same) == same


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("html", "reason"), [
    ("", "empty page"),
    ("   \n\t ", "empty page"),
    ("<html><body><div class='nav'><a href='/'>首页</a></div></body></html>", "no body text found"),
    ("<html><frameset cols='20%,80%'><frame src='a.html'><frame src='b.html'></frameset></html>",
     "frameset page"),
    ("<html><body><h1>关于印发某镇工作总结的通知</h1><p>附件：<a href='/files/2023/zongjie.pdf'>"
     "zongjie.pdf</a></p></body></html>", "only an attachment link: zongjie.pdf"),
    ("<html><body><p><a href='/u/%E6%80%BB%E7%BB%93.docx'>下载</a></p></body></html>",
     "only an attachment link: 总结.docx"),
])
def test_pages_without_body_raise_strip_error(html: str, reason: str) -> None:
    with pytest.raises(StripError) as info:
        strip_chrome(html, "http://x.gov.cn/a.html")
    assert str(info.value) == reason
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("junk", ["\x00\x01\x02", "<?xml version='1.0' encoding='utf-8'?><html></html>",
                                  "<<<>>>&&&", "<html><body>" + "<div>" * 5000, None, b"<html></html>"])
def test_junk_never_raises_anything_else(junk) -> None:
    try:
        strip_chrome(junk, "not a url")  # type: ignore[arg-type]
    except StripError as exc:
        assert str(exc)


def test_huge_page_of_nested_tables_ends_cleanly() -> None:
    # its time is measured in benchmarks/strip_bench.py (--huge), not here
    chunk = "<table><tr><td>" * 40 + "<p>本镇共有脱贫户100户，监测对象5户。</p>" + "</td></tr></table>" * 40
    html = "<html><body>" + "<table><tr><td>" * 3000 + chunk * (5_000_000 // len(chunk)) + "</body></html>"
    with pytest.raises(StripError):  # the parser gives up past its depth limit: no body, cleanly
        strip_chrome(html, "http://x.gov.cn/a.html")
    shallow = "<html><body>" + chunk * (5_000_000 // len(chunk)) + "</body></html>"
    doc = strip_chrome(shallow, "http://x.gov.cn/a.html")
    assert "脱贫户100户" in doc.text


# ---------------------------------------------------------------- profiles
def test_profile_overrides_body_title_and_date(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "name: t\nhosts: [www.t.gov.cn]\nbody: 'div.zw'\ntitle: 'span.bt'\ndate: 'em.rq'\n"
        "date_format: '%Y.%m.%d'\ndrop: ['div.zw .ad']\n", "utf-8")
    profile = load_profile(tmp_path / "p.yaml")
    body = "岭下镇全年新增就业岗位300个，完成投资2.1亿元，脱贫户人均纯收入增长12.5%，监测对象全部落实帮扶。"
    html = ("<html><body><span class='bt'>岭下镇工作总结</span><em class='rq'>2022.3.9</em>"
            "<div class='big'><p>" + "无关的长篇侧栏文字，" * 40 + "</p></div>"
            f"<div class='zw'><p>{body}</p>"
            "<div class='ad'>广告：招商加盟，电话联系。</div></div></body></html>")
    doc = strip_chrome(html, "http://www.t.gov.cn/a.html", profile=profile)
    assert doc.paragraphs == (body,)
    assert doc.title == "岭下镇工作总结"
    assert doc.published_date == date(2022, 3, 9)
    assert profile_for("http://www.t.gov.cn/x", (profile,)) is profile
    assert profile_for("http://other.cn/x", (profile,)) is None


def test_shipped_example_profile_loads() -> None:
    profiles = load_profiles()
    assert profiles and all(isinstance(p, SiteProfile) for p in profiles)
    assert profile_for("http://www.example-county.gov.cn/a.html") is not None
