"""The README's example queries and the UI's canned queries give known answers, on SQLite and PostgreSQL.

The queries come from flows/ui/readme_queries.yaml (the README shows exactly
those, with those values), so README, UI and tests cannot drift apart.  Each
runs twice: with bound parameters through schemas.query.run_query, and with
the values written in through `township query`, as the README shows it.

The warehouse is a small invented one: townships of 赣州市 (and one of 吉安市 the
city filter must leave out), 监测对象 for 2023H1, 公益性岗位 for 2022 and 2023 with
one township rising, a superseded report, targets that must not count, and one
quarantined figure.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner
from warehouse_samples import fact, processed

from flows.cli import app
from flows.ui import AnalystQuery, analyst_queries, canned_queries
from schemas.query import run_query
from schemas.records import Region, RegionStatus
from schemas.warehouse import Warehouse

UNITS = {
    code: dict(
        province="江西省",
        province_code="36",
        city=city,
        city_code=code[:4],
        county=county,
        county_code=code[:6],
        township=township,
        township_code=code,
    )
    for code, city, county, township in (
        ("360702100", "赣州市", "章贡区", "沙石镇"),
        ("360702101", "赣州市", "章贡区", "水东镇"),
        ("360702103", "赣州市", "章贡区", "湖边镇"),
        ("360704100", "赣州市", "赣县区", "梅林镇"),
        ("360825101", "吉安市", "永丰县", "藤田镇"),
    )
}
H1 = (date(2023, 1, 1), date(2023, 6, 30))


def ganzhou_gazetteer() -> list[dict]:
    return list(UNITS.values())


def region(code: str) -> Region:
    return Region(
        status=RegionStatus.RESOLVED, township_official=UNITS[code]["township"], evidence="title", **UNITS[code]
    )


def half_year_report(code: str, households: int, published: date, *, url: str, target: int | None = None):
    township = UNITS[code]["township"]
    body = f"{township}上半年新识别纳入监测对象{households}户，均落实帮扶措施。"
    items = [fact("monitored_households", households, f"{households}户", body, period=H1)]
    if target is not None:
        body += f"下半年力争监测对象稳定在{target}户以内。"
        items.append(fact("monitored_households", target, f"{target}户以内", body, period=H1, is_target=True))
    title = f"{township}2023年上半年工作总结"
    return processed(url, body, items, region=region(code), published=published, title=title)


def jobs_report(code: str, year: int, jobs: int, *, url: str, target: int | None = None, held: int | None = None):
    township = UNITS[code]["township"]
    body = f"{year}年，{township}开发公益性岗位{jobs}个，安置脱贫劳动力就业。"
    items = [fact("public_welfare_jobs", jobs, f"{jobs}个", body, unit="个")]
    if target is not None:
        body += f"明年计划开发公益性岗位{target}个。"
        items.append(fact("public_welfare_jobs", target, f"{target}个", body, unit="个", is_target=True))
    if held is not None:  # an implausible figure the validator held back
        body += f"全镇脱贫户{held}户。"
        items.append(fact("poverty_exited_households", held, f"{held}户", body, failed=("value_within_bounds",)))
    return processed(
        url,
        body,
        items,
        region=region(code),
        year=year,
        published=date(year + 1, 1, 20),
        title=f"{township}{year}年工作总结",
    )


def ganzhou_reports() -> list:
    site = "http://127.0.0.1/gz"
    return [
        half_year_report("360702100", 12, date(2023, 7, 10), url=f"{site}/ss/2023h1.html"),
        half_year_report("360702101", 8, date(2023, 7, 12), url=f"{site}/sd/2023h1.html", target=6),
        # 湖边镇 published its half-year figure twice; the later report (15) supersedes the earlier (13)
        half_year_report("360702103", 13, date(2023, 7, 3), url=f"{site}/hb/2023h1-draft.html"),
        half_year_report("360702103", 15, date(2023, 7, 28), url=f"{site}/hb/2023h1.html"),
        half_year_report("360704100", 20, date(2023, 7, 15), url=f"{site}/ml/2023h1.html"),
        half_year_report("360825101", 9, date(2023, 7, 15), url="http://127.0.0.1/ja/tt/2023h1.html"),
        jobs_report("360702100", 2022, 60, url=f"{site}/ss/2022.html"),
        jobs_report("360702100", 2023, 75, url=f"{site}/ss/2023.html", target=90),
        jobs_report("360702101", 2022, 50, url=f"{site}/sd/2022.html"),
        jobs_report("360702101", 2023, 45, url=f"{site}/sd/2023.html", held=99999),
        jobs_report("360704100", 2023, 30, url=f"{site}/ml/2023.html"),
    ]


def build_ganzhou_warehouse(url: str) -> None:
    wh = Warehouse(url, gazetteer=ganzhou_gazetteer)
    wh.upgrade()
    run = wh.start_run("nightly", {})
    for report in ganzhou_reports():
        wh.load_document(run, report)
    wh.finish_run(run, "completed", {})
    wh.dispose()


def as_set(rows: list[dict], *columns: str) -> set[tuple]:
    return {tuple(r[c] for c in columns) for r in rows}


# The known answers, per query name: a check on the list of row dicts.
def check_monitored(rows):
    assert as_set(rows, "county", "township", "period_label", "households") == {
        ("章贡区", "沙石镇", "2023H1", 12.0),
        ("章贡区", "水东镇", "2023H1", 8.0),
        ("章贡区", "湖边镇", "2023H1", 15.0),
        ("赣县区", "梅林镇", "2023H1", 20.0),
    }
    assert len(rows) == 4  # no target, no superseded draft, nothing of 吉安市


def check_year_on_year(rows):
    assert [
        (r["county"], r["township"], r["previous_year"], r["previous_jobs"], r["year"], r["jobs"], r["raised_by"])
        for r in rows
    ] == [("章贡区", "沙石镇", 2022, 60.0, 2023, 75.0, 15.0)]


def check_provenance(rows):
    assert as_set(rows, "indicator_code", "value", "period_label") == {
        ("monitored_households", 12.0, "2023H1"),
        ("public_welfare_jobs", 60.0, "2022"),
        ("public_welfare_jobs", 75.0, "2023"),
        ("public_welfare_jobs", 90.0, "2023"),
    }
    for r in rows:
        assert r["raw_text"] in r["sentence"] and r["source_url"].startswith("http://127.0.0.1/gz/ss/")
        assert bool(r["is_target"]) == (r["value"] == 90.0)


def check_county_totals(rows):
    assert [(r["county"], r["period_label"], r["total"], r["townships_reporting"]) for r in rows] == [
        ("章贡区", "2023H1", 35.0, 3)
    ]


def check_over_years(rows):
    assert [(r["period_label"], r["value"], r["published_date"]) for r in rows] == [
        ("2022", 60.0, "2023-01-20"),
        ("2023", 75.0, "2024-01-20"),
    ]


def check_quarantine(rows):
    assert [(r["reason"], r["facts"]) for r in rows] == [("value_within_bounds", 1)]


KNOWN_ANSWERS = {
    "monitored_by_township": check_monitored,
    "public_jobs_year_on_year": check_year_on_year,
    "fact_provenance": check_provenance,
    "county_totals": check_county_totals,
    "township_over_years": check_over_years,
    "quarantine_reasons": check_quarantine,
}
QUERIES = {q.name: q for q in analyst_queries()}


@pytest.fixture
def ganzhou(warehouse_url) -> str:
    build_ganzhou_warehouse(warehouse_url)
    return warehouse_url


def test_every_readme_query_has_a_known_answer_and_every_canned_query_is_in_the_readme():
    assert set(QUERIES) == set(KNOWN_ANSWERS)
    assert set(canned_queries()) <= {q.name for q in QUERIES.values() if q.canned}


@pytest.mark.parametrize("name", list(KNOWN_ANSWERS))
def test_query_with_parameters_gives_the_known_answer(ganzhou, name):
    query: AnalystQuery = QUERIES[name]
    columns, data = run_query(ganzhou, query.sql, query.params)
    KNOWN_ANSWERS[name]([dict(zip(columns, row, strict=True)) for row in data])


def test_readme_queries_through_township_query(ganzhou, tmp_path):
    """The README's commands, literally: `township query "<sql with the values written in>" --format json`."""
    runner = CliRunner()
    for name, check in KNOWN_ANSWERS.items():
        sql = QUERIES[name].literal_sql
        assert ":" not in sql.replace("::", ""), sql  # every parameter got its value
        result = runner.invoke(app, ["query", sql, "--warehouse", ganzhou, "--home", str(tmp_path), "--format", "json"])
        assert result.exit_code == 0, f"{name}: {result.output}"
        check(json.loads(result.stdout))
