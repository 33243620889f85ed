"""Listing rules from the second held-out round, on invented listings: side lists known by
their title (a 热点 column of a layout table, an unclassed 点击排行 box), a column that is
itself named 热点, and listings wrapped in one ASP.NET page form."""

from __future__ import annotations

from scrapers.discover import Scope, classify_page, parse_listing

BASE = "http://www.hx.example.net/a/xzdt/"
MAIN = [(f"/a/xzdt/2023/05{d:02d}/{700 + d}.html", t) for d, t in [
    (28, "河口乡2023年1-5月工作总结"), (25, "石桥镇开展防汛应急演练"), (22, "白马街道召开乡村振兴推进会"),
    (19, "青山镇2023年一季度巩固脱贫成果工作情况"), (16, "河口乡举办农村实用技术培训班"),
    (12, "白马街道2022年工作总结和2023年工作计划"), (9, "石桥镇推进人居环境整治")]]
HOT = [("/a/szxw/2023/0520/690.html", "全县经济运行情况发布"),
       ("/a/bmdt/2023/0518/684.html", "县人社局开展援助月活动"),
       ("/a/szxw/2023/0511/671.html", "县委常委会召开扩大会议"),
       ("/a/szxw/2023/0502/655.html", "我县举行重点项目集中开工仪式")]


def rows(links: list[tuple[str, str]], tag: str = "tr") -> str:
    if tag == "tr":
        return "".join(f"<tr><td><a href='{u}'>{t}</a></td></tr>" for u, t in links)
    return "".join(f"<li><a href='{u}'>{t}</a><span>2023-05-01</span></li>" for u, t in links)


def main_table() -> str:
    return ("<table class='list'><tr><td>标题</td><td>日期</td></tr>"
            + "".join(f"<tr><td>·<a href='{u}'>{t}</a></td><td>2023-05-{u[12:14]}</td></tr>" for u, t in MAIN)
            + "</table><div>共3页 <a href='list_2.html'>下一页</a></div>")


def reports(html: str) -> set[str]:
    return {link.url for link in parse_listing(html, BASE, Scope.for_start_url(BASE)).report_links}


MAIN_URLS = {f"http://www.hx.example.net{u}" for u, _ in MAIN}


def test_a_hot_list_in_a_layout_table_column_is_not_the_listing() -> None:
    html = f"""<html><body><table width="960"><tr>
<td width="230" class="l"><table class="box"><tr><td class="box-t">栏目导航</td></tr>
  <tr><td><a href="/a/szxw/">时政新闻</a></td></tr><tr><td><a href="/a/xzdt/">乡镇动态</a></td></tr></table>
  <table class="box"><tr><td class="box-t">一周热点</td></tr>{rows(HOT)}</table></td>
<td valign="top">{main_table()}</td></tr></table></body></html>"""
    assert reports(html) == MAIN_URLS
    assert classify_page(html, BASE) == "listing"


def test_an_unclassed_ranking_box_is_a_side_list() -> None:
    html = f"""<html><body><div class="w1"><div class="l1">{main_table()}</div>
<div class="r1"><div class="b"><h3>点击排行 <a href="/top/">更多&gt;&gt;</a></h3><ul>{rows(HOT, "li")}</ul></div>
<div class="b"><h3>相关文章</h3><ul>{rows(HOT[:2], "li")}</ul></div></div></div></body></html>"""
    assert reports(html) == MAIN_URLS


def test_a_column_named_like_a_side_list_keeps_its_list() -> None:
    html = f"""<html><body><div class="w"><h2>热点新闻</h2><ul>{rows(MAIN, "li")}</ul>
<div class="b"><h3>推荐阅读</h3><ul>{rows(HOT[:2], "li")}</ul></div></div></body></html>"""
    assert reports(html) == MAIN_URLS


def test_a_listing_inside_an_aspnet_page_form_is_read() -> None:
    html = f"""<html><body><form name="form1" method="post" action="./List.aspx?cid=12" id="form1">
<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKLTk=" />
<div class="top"><a href="/">首页</a><a href="/a/szxw/">时政新闻</a></div>
<div class="search"><input name="kw"/><a href="javascript:__doPostBack('s','')">搜索</a></div>
<div class="main">{main_table()}</div></form></body></html>"""
    assert reports(html) == MAIN_URLS
    assert classify_page(html, BASE) == "listing"


def test_links_in_a_small_form_stay_chrome() -> None:
    form = "<form action='/login'><a href='/a/user/2023/0501/1001.html'>忘记密码？找回账号的操作说明</a></form>"
    html = f"<html><body>{form}<div class='main'>{main_table()}</div></body></html>"
    assert reports(html) == MAIN_URLS
