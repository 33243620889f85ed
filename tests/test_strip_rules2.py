"""Stripper rules from the second held-out round, on invented pages and snippets:
page-wrapping forms, publisher values (stop words, placeholders, field gaps), phrase-level
chrome (文库 preview prompts, TTS audio widgets), platform end matter (- END -, 往期推荐),
and the fast paths of the page walk (same output as the plain definitions)."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers.strip import strip_chrome
from scrapers.strip.body import class_words, cut_end_matter, text_stats
from scrapers.strip.metadata import labelled_value
from scrapers.strip.rules import load_rules
from scrapers.strip.tree import parse, unwrap_page_forms, walk_blocks

PROSE = [
    "今年以来，河口乡坚持以巩固拓展脱贫攻坚成果同乡村振兴有效衔接为主线，各项工作稳步推进，现将有关情况报告如下。",
    "全乡现有脱贫户842户3016人，纳入防止返贫监测对象27户95人，均已落实帮扶措施，未发生规模性返贫。",
    "全年争取衔接资金615万元，实施产业项目9个，开发公益性岗位64个，带动脱贫劳动力务工就业1873人。",
    "下一步，河口乡将继续压实帮扶责任，确保各项目标任务全面完成，为乡村全面振兴打下坚实基础。",
]


def article(extra: str = "") -> str:
    return "".join(f"<p>{p}</p>" for p in PROSE) + extra


def page(body: str, head: str = "<title>河口乡2023年工作总结_青山县人民政府</title>") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def text_of(doc) -> str:
    return "\n".join(doc.original_paragraphs)


# --------------------------------------------------------------------------- forms
def aspnet_page(article_html: str) -> str:
    """An ASP.NET WebForms page: the whole page inside one <form runat=server>."""
    return page(f"""
<form method="post" action="./Show.aspx?id=88" id="aspnetForm">
  <input type="hidden" name="__VIEWSTATE" value="dDwtMTA4NzI=" />
  <div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a></div>
  <div class="left"><ul><li><a href="/a/1.aspx">乡镇动态</a></li><li><a href="/a/2.aspx">通知公告</a></li></ul></div>
  <div class="right">
    <h2 class="art_title">河口乡2023年工作总结</h2>
    <div class="art_info">来源：河口乡人民政府　发布时间：2024-01-08</div>
    {article_html}
  </div>
  <div class="bottom">版权所有：青山县人民政府 ICP备05001234号</div>
</form>""")


def test_a_form_wrapping_the_page_is_layout_not_chrome() -> None:
    doc = strip_chrome(aspnet_page(f"<div class='art_text'>{article()}</div>"), "http://www.qs.example.gov.cn/Show.aspx?id=88")
    assert text_of(doc) == "\n".join(PROSE)
    assert doc.title == "河口乡2023年工作总结"
    assert doc.published_date == date(2024, 1, 8)
    assert doc.publisher == "河口乡人民政府"


def test_a_form_holding_the_article_container_is_kept_even_when_the_page_is_larger() -> None:
    sidebar = "".join(f"<li><a href='/n/{i}.html'>青山县第{i}期政务信息简报全文发布及相关解读材料汇编</a></li>"
                      for i in range(40))
    html = page(f"""<div class="side"><ul>{sidebar}</ul></div>
<form id="form1" action="show.jsp"><div id="zoom">{article()}</div></form>""")
    doc = strip_chrome(html, "http://www.qs.example.gov.cn/show.jsp?id=3")
    assert text_of(doc) == "\n".join(PROSE)


def test_small_forms_stay_chrome() -> None:
    search = "<form action='/search'><span>站内搜索：</span><input name='q'/><button>搜索</button></form>"
    comment = ("<form action='/comment' class='fb'><p>发表评论：请文明上网，理性发言，评论须经审核后显示。</p>"
               "<textarea></textarea><p>验证码：</p></form>")
    doc = strip_chrome(page(f"{search}<div class='content'>{article(comment)}</div>"),
                       "http://www.qs.example.gov.cn/a/2.html")
    assert text_of(doc) == "\n".join(PROSE)


def test_unwrap_page_forms_counts_only_the_wrapping_form() -> None:
    root = parse(page(f"<form id='f'><div>{article()}</div><form action='/s'><span>搜索</span></form></form>"
                      "<form action='/login'><span>用户名</span><span>密码</span></form>"))
    assert unwrap_page_forms(root, 0.5) == 1
    assert root.get_element_by_id("f").tag == "div"
    assert [f.get("action") for f in root.iter("form")] == ["/s", "/login"]  # small forms stay forms


# --------------------------------------------------------------------------- publisher
def meta_page(info_line: str, head_extra: str = "") -> str:
    return page(f"<h1>河口乡2023年工作总结</h1><div class='info'>{info_line}</div>"
                f"<div class='content'>{article()}</div>",
                head=f"<title>河口乡2023年工作总结</title>{head_extra}")


@pytest.mark.parametrize(("info", "publisher"), [
    # a 公众号 named "…发布": 发布 is part of the name, not the next field
    ("来源：石桥镇发布", "石桥镇发布"),
    ("<span>来源：石桥镇发布</span> <span>阅读 1.2万</span>", "石桥镇发布"),
    # ... but 发布时间/发布日期/发布于 start the next field
    ("来源：石桥镇党政办发布时间：2023-05-06", "石桥镇党政办"),
    ("来源：石桥镇党政办发布于2023-05-06 09:12", "石桥镇党政办"),
    ("来源：青山日报发布于湖南", "青山日报"),
    # a font-size widget right after the value
    ("来源：河口乡人民政府字体：[大 中 小]", "河口乡人民政府"),
    ("来源：河口乡人民政府字号：T|T", "河口乡人民政府"),
    # fields laid out with full-width spaces / no-break space runs
    ("来源：河口乡人民政府　　审核人：李明", "河口乡人民政府"),
    ("来源：河口乡人民政府&nbsp;&nbsp;&nbsp;审核人：李明", "河口乡人民政府"),
    ("2023年12月30日　　来源：河口乡人民政府　　打印本页", "河口乡人民政府"),
    # a date glued to the value
    ("来源：河口乡人民政府2023-12-30", "河口乡人民政府"),
])
def test_publisher_value_ends_at_the_next_field(info: str, publisher: str) -> None:
    doc = strip_chrome(meta_page(info), "http://www.qs.example.gov.cn/a/2023/1230/7.html")
    assert doc.publisher == publisher


@pytest.mark.parametrize("info", [
    "时间：2023-12-30 来源：未知 作者：admin 点击：",
    "来源：本站 | 作者：管理员",
    "来源：互联网",
    "来源：佚名",
    "来源：网络　　作者：佚名",
])
def test_placeholder_publishers_mean_none(info: str) -> None:
    doc = strip_chrome(meta_page(info), "http://www.qs.example.gov.cn/a/2023/1230/7.html")
    assert doc.publisher is None


def test_a_placeholder_falls_through_to_the_next_evidence() -> None:
    meta = '<meta name="ContentSource" content="未知">'
    doc = strip_chrome(meta_page("来源：本站　作者：河口乡党政办", meta), "http://www.qs.example.gov.cn/a/7.html")
    assert doc.publisher == "河口乡党政办"
    lines = ["来源：未知", "信息来源：河口乡人民政府"]
    assert labelled_value(lines, ("来源", "信息来源"), load_rules().value_stop,
                          load_rules().publisher_placeholders) == "河口乡人民政府"


# --------------------------------------------------------------------------- phrase-level chrome
def test_wechat_end_matter_ends_the_body() -> None:
    after = ("<section><p>— END —</p></section><section><p><strong>往期推荐</strong></p>"
             "<p><a href='https://mp.weixin.qq.com/s?x=1'>喜报！河口乡获评省级卫生乡镇</a></p>"
             "<p><a href='https://mp.weixin.qq.com/s?x=2'>河口乡：小小积分卡，激活治理大能量</a></p></section>"
             "<section><p>编辑：王芳　审核：刘强</p></section>")
    doc = strip_chrome(page(f"<div id='js_content'>{article(after)}</div>"), "https://mp.weixin.qq.com/s/abc")
    assert text_of(doc) == "\n".join(PROSE)


def test_recommended_reading_after_a_news_article_is_cut() -> None:
    after = ("<p>推荐阅读</p><p><a href='/a/2.html'>全县召开防汛工作会议，部署今年汛期各项工作！</a></p>"
             "<p><a href='/a/3.html'>河口乡：特色产业让群众腰包鼓起来。</a></p>")
    doc = strip_chrome(page(f"<div class='article-content'>{article(after)}</div>"), "http://x.example.com/a/1.html")
    assert text_of(doc) == "\n".join(PROSE)


def test_an_end_marker_with_more_text_after_it_is_not_the_end() -> None:
    lines = ["一、总体情况良好，各项工作有序推进。", "往期回顾", *PROSE]
    assert cut_end_matter(lines, [1]) == lines
    assert cut_end_matter([*PROSE, "短链接标题"], [len(PROSE)]) == PROSE


def test_document_preview_prompts_are_chrome() -> None:
    prompts = ("<div class='more'>还剩3页未读，<a href='javascript:;'>继续阅读</a></div>"
               "<div class='end'><p>免费预览已结束，剩余 3 页可下载查看</p><p>5.00 积分 | 下载本文档</p>"
               "<p><a href='/vip'>VIP免费下载</a></p><p>立即下载此文档</p></div>")
    points = "<p>推行“积分超市”管理，村民凭积分兑换生活用品，全年累计兑换积分1.2万分。</p>"
    doc = strip_chrome(page(f"<div class='preview'>{article(points + prompts)}</div>"),
                       "http://doc.example.com/p-1234.html")
    assert text_of(doc) == "\n".join([*PROSE, "推行“积分超市”管理，村民凭积分兑换生活用品，全年累计兑换积分1.2万分。"])


@pytest.mark.parametrize("widget", [
    "<div class='player'><span>点击播放</span><span>00:00 / 04:10</span><span>语音播报由AI合成，仅供参考</span></div>",
    "<p>播放 00:00 / 02:47</p><p>本文音频由AI合成</p>",
    "<div><span>收听本文</span></div>",
])
def test_audio_widgets_are_chrome(widget: str) -> None:
    doc = strip_chrome(page(f"<div class='content'>{widget}{article()}</div>"), "http://x.example.gov.cn/a/9.html")
    assert text_of(doc) == "\n".join(PROSE)


# --------------------------------------------------------------------------- the page walk's fast paths
def test_walk_blocks_owners_text_and_link_chars() -> None:
    root = parse("<html><body><div>甲<a href='/x'>链接文字</a>乙<br/>丙<!-- c -->丁"
                 "<table><tr><td>单元一</td><td>单元二</td></tr></table>戊</div></body></html>")
    got = [(b.element.tag, b.text, b.link_chars) for b in walk_blocks(root)]
    assert got == [("div", "甲链接文字乙", 4), ("div", "丙丁", 0), ("tr", "\t单元一\t单元二", 0), ("div", "戊", 0)]


def test_text_stats_sums_each_subtree() -> None:
    root = parse(page("<div id='a'><p>第一段，有标点。</p><div id='b'><p>第二段，也有标点。</p></div></div>", head=""))
    stats = text_stats(root, load_rules())
    a, b = root.get_element_by_id("a"), root.get_element_by_id("b")
    assert stats.chars[b] == 9 and stats.chars[a] == 17 and stats.prose[a] == 17
    assert stats.chars[root] == stats.chars[a]


def test_class_words_split_tokens_and_name_footers() -> None:
    root = parse(page("<div class='news-list_box Main' id='x'></div><footer></footer><p></p>"))
    div, footer, p = root.find(".//div"), root.find(".//footer"), root.find(".//p")
    assert {"news", "list", "box", "newslistbox", "news-list_box", "main", "x"} <= class_words(div)
    assert class_words(footer) == {"footer"}
    assert class_words(p) == set()
