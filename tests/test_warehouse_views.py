"""The analyst-facing views and the read-only query/export helpers, on both backends."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from warehouse_samples import fact, processed, region_of, tengtian_report

from schemas.query import QueryError, export_view, run_query
from schemas.views import CONTRACT_COLUMNS


def rows(url: str, sql: str, **params) -> list[dict]:
    columns, data = run_query(url, sql, params)
    return [dict(zip(columns, r, strict=True)) for r in data]


def jobs_report(url: str, township_code: str, jobs: float, published: date, *, year: int = 2023):
    body = f"今年以来，开发公益性岗位{int(jobs)}个，全面落实各项帮扶政策。"
    items = [fact("public_welfare_jobs", jobs, f"{int(jobs)}个", body, unit="个")]
    return processed(url, body, items, region=region_of(township_code), year=year, published=published)


def test_views_carry_the_contract_columns(wh, warehouse_url):
    wh.load_document(wh.start_run("nightly", {}), tengtian_report())
    for view, wanted in CONTRACT_COLUMNS.items():
        columns, _ = run_query(warehouse_url, f"select * from {view}")
        assert set(wanted) <= set(columns), view
    (doc,) = rows(warehouse_url, "select * from v_documents")
    assert (doc["township"], doc["county"], doc["province"]) == ("藤田乡", "永丰县", "江西省")
    # dates come out as ISO strings on both backends
    assert (doc["published_date"], doc["period_start"], doc["period_end"]) == ("2024-01-15", "2023-01-01", "2023-12-31")
    assert doc["clean_text"].startswith("一年来")
    facts = rows(warehouse_url, "select * from v_facts order by start_offset")
    assert facts[0]["period_start"] == "2023-01-01" and facts[0]["period_label"] == "2023"
    assert isinstance(facts[0]["value"], float)
    assert [bool(f["is_target"]) for f in facts] == [False] * 5 + [True]


def test_fact_period_from_its_sentence_gets_its_own_label(wh, warehouse_url):
    body = "上半年，新增脱贫户12户。"
    half = (date(2023, 1, 1), date(2023, 6, 30))
    items = [fact("poverty_exited_households", 12, "12户", body, period=half)]
    wh.load_document(
        wh.start_run("n", {}), processed("http://127.0.0.1/h1", body, items, region=region_of("360825102"))
    )
    (f,) = rows(warehouse_url, "select period_start, period_end, period_label from v_facts")
    assert f == {"period_start": "2023-01-01", "period_end": "2023-06-30", "period_label": "2023H1"}


def test_latest_facts_prefer_the_most_recently_published_source(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    wh.load_document(run, jobs_report("http://127.0.0.1/late", "360825101", 90, date(2024, 3, 1)))
    wh.load_document(run, jobs_report("http://127.0.0.1/early", "360825101", 86, date(2024, 1, 10)))
    latest = rows(warehouse_url, "select source_url, value, mentions from v_latest_facts")
    assert latest == [{"source_url": "http://127.0.0.1/late", "value": 90.0, "mentions": 2}]


def test_county_and_province_totals_add_latest_achieved_figures(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    wh.load_document(run, jobs_report("http://127.0.0.1/t1", "360825101", 86, date(2024, 1, 10)))
    wh.load_document(run, jobs_report("http://127.0.0.1/t1b", "360825101", 88, date(2024, 2, 10)))
    wh.load_document(run, jobs_report("http://127.0.0.1/t2", "360825102", 40, date(2024, 1, 12)))
    wh.load_document(run, jobs_report("http://127.0.0.1/t3", "360826103", 25, date(2024, 1, 12)))
    wh.load_document(run, jobs_report("http://127.0.0.1/t4", "360826103", 30, date(2023, 1, 12), year=2022))
    county = rows(
        warehouse_url,
        "select county, period_label, total, townships_reporting from v_county_totals "
        "where indicator_code = 'public_welfare_jobs' order by county, period_label",
    )
    assert county == [
        {"county": "永丰县", "period_label": "2023", "total": 128.0, "townships_reporting": 2},
        {"county": "泰和县", "period_label": "2022", "total": 30.0, "townships_reporting": 1},
        {"county": "泰和县", "period_label": "2023", "total": 25.0, "townships_reporting": 1},
    ]
    province = rows(
        warehouse_url,
        "select province, total, townships_reporting from v_province_totals "
        "where indicator_code = 'public_welfare_jobs' and period_label = '2023'",
    )
    assert province == [{"province": "江西省", "total": 153.0, "townships_reporting": 3}]
    # rates do not add up: a non-additive indicator never reaches the totals
    body = "全镇参保率达98.5%。"
    rate = [fact("medical_insurance_rate", 98.5, "98.5%", body, unit="%")]
    wh.load_document(run, processed("http://127.0.0.1/rate", body, rate, region=region_of("360825102")))
    assert rows(warehouse_url, "select * from v_county_totals where indicator_code = 'medical_insurance_rate'") == []


def test_read_only_query_refuses_writes(wh, warehouse_url):
    for sql in (
        "delete from documents",
        "insert into warehouse_meta (key, value) values ('x', 'y')",
        "drop view v_facts",
    ):
        with pytest.raises(QueryError) as info:
            run_query(warehouse_url, sql)
        assert "\n" not in str(info.value)
    assert run_query(warehouse_url, "select count(*) as n from v_facts") == (["n"], [(0,)])


def test_export_view_in_three_formats(wh, warehouse_url, tmp_path):
    wh.load_document(wh.start_run("nightly", {}), tengtian_report())
    assert export_view(warehouse_url, "v_facts", tmp_path / "f.csv") == 6
    with (tmp_path / "f.csv").open(encoding="utf-8-sig") as handle:
        assert {r["township"] for r in csv.DictReader(handle)} == {"藤田乡"}
    assert export_view(warehouse_url, "v_facts", tmp_path / "f.json", fmt="json") == 6
    assert json.loads((tmp_path / "f.json").read_text("utf-8"))[0]["province"] == "江西省"
    assert export_view(warehouse_url, "v_documents", tmp_path / "d.parquet", fmt="parquet") == 1
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "d.parquet").num_rows == 1
    with pytest.raises(QueryError, match="not a view name"):
        export_view(warehouse_url, "v_facts; drop table facts", tmp_path / "x.csv")
