"""Discovery: listing pages of the common CMS families, pagination, scope, and a crawl on loopback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from servers import Reply, scripted_server, static_server

from schemas.records import PageState
from scrapers.discover import Scope, classify_page, crawl_listings, parse_listing
from scrapers.fetch import Fetcher, FetchSettings

MIRROR_LN = Path("/work/shared/mirror/site/ln")
QUICK = FetchSettings(min_delay_s=0.0, backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=(1.0, 1.0))

CHROME = """
<div class="header"><div class="nav"><a href="/index.html">首页</a><a href="/zwgk/">政务公开</a>
<a href="/xwzx/2022/01/05/art_9_1.html">新闻中心头条：全县召开经济工作会议</a></div></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a></div>
"""
FOOTER = """<div class="footer"><a href="http://www.gov.cn/">中国政府网</a><a href="mailto:web@x.gov.cn">联系我们</a>
<a href="javascript:void(0)">无障碍</a> 主办：某某县人民政府办公室 网站标识码 3600000000</div>"""


def trs_listing(rows: list[tuple[str, str, str]], pager: str = "") -> str:
    items = "".join(f'<li><a href="{h}" target="_blank">{t}</a><span>{d}</span></li>' for h, t, d in rows)
    return f"""<html><head><meta charset="utf-8"><title>乡镇动态_某某县人民政府</title></head><body>
{CHROME}<div class="main"><ul class="list">{items}</ul>{pager}</div>{FOOTER}</body></html>"""


TRS_ROWS = [
    ("./202207/t20220712_4410231.html", "黄坑镇2022年上半年工作总结", "2022-07-12"),
    ("./202206/t20220628_4409876.html", "黄坑镇召开安全生产专题会议", "2022-06-28"),
    ("./202201/t20220115_4401122.html", "黄坑镇2021年工作总结和2022年工作计划", "2022-01-15"),
    ("./202201/P020220115_att.pdf", "附件：2021年衔接资金项目表", "2022-01-15"),
]


def test_trs_listing_links_dates_and_attachments():
    url = "http://www.xx.gov.cn/zfxxgk/xzdt/hkz/index.html"
    page = parse_listing(trs_listing(TRS_ROWS), url, Scope.for_start_url(url))
    assert [link.url.rsplit("/", 2)[-2:] for link in page.report_links] == [
        ["202207", "t20220712_4410231.html"], ["202206", "t20220628_4409876.html"],
        ["202201", "t20220115_4401122.html"]]
    assert page.report_links[0].title == "黄坑镇2022年上半年工作总结"
    assert page.report_links[0].date == date(2022, 7, 12)
    assert [a.url for a in page.attachments] == ["http://www.xx.gov.cn/zfxxgk/xzdt/hkz/202201/P020220115_att.pdf"]
    assert page.is_listing and classify_page(trs_listing(TRS_ROWS), url) == "listing"
    assert not any("art_9_1" in link.url for link in page.report_links)  # the nav headline is chrome


def test_jcms_listing_articles_live_outside_the_column_folder():
    rows = "".join(
        f'<tr><td><a href="/art/2023/{m}/{d}/art_1435_{n}.html" title="龙口镇{m}月工作情况汇报">'
        f"龙口镇{m}月工作…</a></td>"
        f"<td>[2023-{m:02d}-{d:02d}]</td></tr>" for m, d, n in [(3, 1, 771), (2, 14, 702), (1, 9, 650)])
    html = f"<html><body>{CHROME}<table class='tb'>{rows}</table>{FOOTER}</body></html>"
    url = "http://www.yy.gov.cn/col/col1435/index.html"
    page = parse_listing(html, url, Scope.for_start_url(url))
    assert [link.date for link in page.report_links] == [date(2023, 3, 1), date(2023, 2, 14), date(2023, 1, 9)]
    assert page.report_links[0].title == "龙口镇3月工作情况汇报"


def test_news_portal_content_links_and_next_page():
    rows = "".join(f'<dd><a href="/2021-0{i}/1{i}/content_88{i}0001.htm">区县动态：某镇召开第{i}次会议部署工作</a></dd>'
                   for i in range(1, 6))
    pager = '<div class="pages"><a href="list_2.htm">2</a> <a href="list_2.htm">下一页</a></div>'
    html = f"<html><body><dl class='news'>{rows}</dl>{pager}</body></html>"
    url = "http://news.example.com/qx/list.htm"
    page = parse_listing(html, url, Scope.for_start_url(url))
    assert len(page.report_links) == 5 and page.report_links[0].date == date(2021, 1, 11)
    assert page.next_pages == ["http://news.example.com/qx/list_2.htm"]


def test_trs_script_pager_without_links():
    script = ('<script>var currentPage = 0;var countPage = 4\n'
              'createPageHTML(countPage, currentPage, "index", "shtml");</script>')
    url = "http://www.zz.gov.cn/xxgk/gzbg/index.shtml"
    page = parse_listing(trs_listing(TRS_ROWS[:2], script), url, Scope.for_start_url(url))
    assert page.next_pages == [f"http://www.zz.gov.cn/xxgk/gzbg/index_{k}.shtml" for k in (1, 2, 3)]


def test_page_count_and_self_links_and_out_of_scope_pages():
    pager = ('<div class="page"><a href="index.html">首页</a> <a href="index.html">上一页</a> '
             '<a href="index_1.html">下一页</a> <a href="http://other.gov.cn/xx/index_2.html">尾页</a> 共3页</div>')
    url = "http://www.xx.gov.cn/zfxxgk/xzdt/index.html"
    page = parse_listing(trs_listing(TRS_ROWS[:2], pager), url, Scope.for_start_url(url))
    assert page.next_pages == ["http://www.xx.gov.cn/zfxxgk/xzdt/index_1.html",
                               "http://www.xx.gov.cn/zfxxgk/xzdt/index_2.html"]


def test_report_page_with_sidebars_is_a_report():
    body = "".join(f"<p>2023年，我镇紧紧围绕巩固拓展脱贫攻坚成果同乡村振兴有效衔接，第{i}项工作扎实推进，"
                   "全镇脱贫户326户1203人，监测对象21户63人，落实公益性岗位58个。</p>" for i in range(8))
    side = "".join(f'<li><a href="/2023-0{i}/0{i}/content_77{i}.html">热点新闻标题第{i}条很长很长</a></li>'
                   for i in range(1, 9))
    html = f"<html><body>{CHROME}<div class='article'>{body}</div><div class='side'><ul>{side}</ul></div></body></html>"
    assert classify_page(html, "http://news.example.com/2023-12/20/content_990.html") == "report"


@pytest.mark.parametrize("html", ["", "<html>", "\x00\x01 not html at all", "<a href='javascript:go()'>x</a>"])
def test_garbage_never_raises(html):
    url = "http://a.example/x/index.html"
    page = parse_listing(html, url, Scope.for_start_url(url))
    assert page.report_links == [] and page.next_pages == []
    assert classify_page(html, url) in ("listing", "report")


# --------------------------------------------------------------------------- crawling on loopback
def listing_reply(rows, pager="") -> Reply:
    return Reply(body=trs_listing(rows, pager).encode("utf-8"))


def test_crawl_follows_pages_dedups_and_stops_on_self_pointing_pagination():
    page1 = listing_reply(TRS_ROWS[:2], '<a href="index_1.html">下一页</a>')
    page2 = listing_reply(TRS_ROWS[1:], '<a href="index_1.html">下一页</a> <a href="index.html">首页</a>'
                                        '<a href="index_2.html">尾页</a>')
    with scripted_server({"/c/index.html": page1, "/c/index_1.html": page2}) as srv:
        result = crawl_listings([srv.url("/c/index.html")], Fetcher(QUICK))
        assert result.listing_pages_fetched == 3  # index, index_1, and the missing index_2
        assert [link.url.rsplit("/", 1)[1] for link in result.reports] == [
            "t20220712_4410231.html", "t20220628_4409876.html", "t20220115_4401122.html"]
        assert sorted((e.url.rsplit("/", 1)[1], e.state, e.reason) for e in result.ledger) == [
            ("P020220115_att.pdf", PageState.SKIPPED, "attachment (.pdf)"),
            ("index_2.html", PageState.FAILED, "HTTP 404")]
        assert srv.hits("/c/index_1.html") == 1


def test_crawl_stops_at_the_horizon_and_at_max_pages():
    pager = '<a href="index_1.html">下一页</a>'
    old = [("./2019/t20190101_1.html", "旧文一", "2019-01-01"), ("./2019/t20190102_2.html", "旧文二", "2019-01-02")]
    routes = {"/h/index.html": listing_reply(TRS_ROWS[:2], pager),
              "/h/index_1.html": listing_reply(old, '<a href="index_2.html">下一页</a>'),
              "/h/index_2.html": listing_reply(old, '<a href="index_3.html">下一页</a>')}
    with scripted_server(routes) as srv:
        result = crawl_listings([srv.url("/h/index.html")], Fetcher(QUICK), horizon=date(2022, 1, 1))
        assert result.listing_pages_fetched == 2 and len(result.reports) == 2
        capped = crawl_listings([srv.url("/h/index.html")], Fetcher(QUICK), max_pages=1)
        assert capped.listing_pages_fetched == 1


def test_a_report_start_url_is_the_report():
    body = "<p>" + "今年以来，我乡脱贫户收入稳步增长。" * 60 + "</p>"
    with scripted_server({"/r/t20230101_1.html": Reply(body=f"<html><title>某乡2022年工作总结</title>"
                                                           f"<body>{body}</body></html>".encode())}) as srv:
        result = crawl_listings([srv.url("/r/t20230101_1.html")], Fetcher(QUICK))
    only = (srv.url("/r/t20230101_1.html"), "某乡2022年工作总结")
    assert [(link.url, link.title) for link in result.reports] == [only]


def test_a_discovered_link_to_another_loopback_host_is_refused():
    with scripted_server({}) as other:
        rows = [(other.url("/x/t20220101_1.html"), "某镇2021年工作总结（转载）", "2022-01-01"),
                ("./t20220102_2.html", "某镇2021年工作报告", "2022-01-02")]
        with scripted_server({"/l/index.html": listing_reply(rows)}) as srv:
            result = crawl_listings([srv.url("/l/index.html")], Fetcher(QUICK), allow=[other.url("/x/")])
        assert [link.url for link in result.reports] == [srv.url("/l/t20220102_2.html")]
        assert [(e.state, e.reason) for e in result.ledger] == [(PageState.SKIPPED, "refused: private address")]
        assert other.hits("/x/t20220101_1.html") == 0


def test_a_failing_start_url_goes_to_the_ledger():
    with scripted_server({}) as srv:
        result = crawl_listings([srv.url("/gone/index.html")], Fetcher(QUICK))
    assert result.reports == [] and [(e.state, e.reason) for e in result.ledger] == [(PageState.FAILED, "HTTP 404")]


@pytest.mark.skipif(not MIRROR_LN.exists(), reason="shared mirror not present")
def test_mirror_ln_every_report_found_and_the_404_recorded():
    manifest_reports = {"/xxgk/xzxxgk/djx/fzgh/gzjh/202207/t20220712_1234567.html"}
    missing = "/xxgk/xzxxgk/djx/fzgh/gzjh/202201/t20220110_0555.html"
    with static_server(MIRROR_LN) as srv:
        fx = Fetcher(FetchSettings(min_delay_s=0.0, timeout_s=(2.0, 2.0)))
        result = crawl_listings([srv.url("/xxgk/xzxxgk/djx/fzgh/gzjh/index.html")], fx)
        found = {link.url.removeprefix(srv.base) for link in result.reports}
        assert result.listing_pages_fetched == 2 and result.ledger == []
        on_disk = {"/" + str(p.relative_to(MIRROR_LN)) for p in MIRROR_LN.rglob("t2*.html")}
        assert manifest_reports <= found and on_disk <= found and missing in found
        gone = fx.fetch(srv.url(missing), trusted_hosts={srv.host})
        assert (gone.state, gone.reason) == (PageState.FAILED, "HTTP 404")
        assert fx.fetch(srv.url("/search?q=x"), trusted_hosts={srv.host}).reason == "robots.txt disallows /search"
