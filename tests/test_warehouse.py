"""The warehouse's load stage and operator questions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from warehouse_samples import (
    AMBIGUOUS_LONGTAN,
    TENGTIAN_BODY,
    UNRESOLVED,
    fact,
    processed,
    stub_gazetteer,
    tengtian_report,
)

from schemas.records import PageState, Stage
from schemas.warehouse import Warehouse, WarehouseError


def snapshot(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_ensure_upgraded_migrates_a_new_warehouse_once(tmp_path, monkeypatch):
    wh = Warehouse(f"sqlite:///{tmp_path / 'w.db'}", gazetteer=stub_gazetteer)
    calls = []
    real = wh.upgrade
    monkeypatch.setattr(wh, "upgrade", lambda: (calls.append(1), real()))
    wh.ensure_upgraded()
    wh.ensure_upgraded()
    assert calls == [1]
    assert snapshot(f"sqlite:///{tmp_path / 'w.db'}", "select count(*) from dim_indicator")[0][0] > 40
    wh.dispose()


FACTS = "select fact_key, indicator_code, value, is_target, township from v_facts order by fact_key"
HELD = "select fact_key, indicator_code, value, reason from v_quarantined_facts order by fact_key"


def test_upgrade_twice_is_idempotent(warehouse_url):
    wh = Warehouse(warehouse_url, gazetteer=stub_gazetteer)
    wh.upgrade()
    counts = "select (select count(*) from dim_region), (select count(*) from dim_indicator)"
    first = snapshot(warehouse_url, counts)
    wh.upgrade()
    Warehouse(warehouse_url, gazetteer=stub_gazetteer).upgrade()
    assert snapshot(warehouse_url, counts) == first
    assert first[0][0] == 5 and first[0][1] > 40
    wh.dispose()


def test_loading_the_same_document_twice_leaves_the_same_rows(wh, warehouse_url):
    run = wh.start_run("nightly", {"start_urls": ["http://127.0.0.1/"]})
    result = wh.load_document(run, tengtian_report())
    assert (result.facts_loaded, result.facts_quarantined) == (6, 0)
    before = (snapshot(warehouse_url, FACTS), snapshot(warehouse_url, "select count(*) from documents"))
    again = wh.load_document(wh.start_run("rerun", {}), tengtian_report())
    assert again == result
    assert (snapshot(warehouse_url, FACTS), snapshot(warehouse_url, "select count(*) from documents")) == before
    rows = snapshot(warehouse_url, "select township, township_official, county, province from v_facts")
    assert set(rows) == {("藤田乡", "藤田镇", "永丰县", "江西省")}  # the name as the report writes it


def test_reload_with_fewer_facts_removes_the_disappeared_ones(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    wh.load_document(run, tengtian_report())
    shorter = TENGTIAN_BODY.split("\n")[0]  # the page was edited: only the first paragraph is left
    result = wh.load_document(run, tengtian_report(body=shorter))
    assert result.facts_loaded == 3
    codes = {r[1] for r in snapshot(warehouse_url, FACTS)}
    assert codes == {"poverty_exited_households", "poverty_exited_persons", "monitored_new_households"}
    versions = snapshot(warehouse_url, "select count(*) from document_versions")
    assert versions == [(2,)]


def test_unplaceable_document_loads_no_facts_and_quarantines_them_all(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    body = "本乡全年发放低保金，覆盖低保户58户。"
    doc = processed("http://127.0.0.1/anon.html", body, [fact("dibao_households", 58, "58户", body)], region=UNRESOLVED)
    result = wh.load_document(run, doc)
    assert (result.facts_loaded, result.facts_quarantined) == (0, 1)
    assert snapshot(warehouse_url, FACTS) == []
    held = snapshot(warehouse_url, HELD)
    assert [(r[1], r[2]) for r in held] == [("dibao_households", 58.0)]
    assert "document_unplaceable" in held[0][3]
    # a placeable township without a year is just as unplaceable
    no_year = tengtian_report(url="http://127.0.0.1/tt/undated.html", year=None)
    assert wh.load_document(run, no_year).facts_loaded == 0
    status = snapshot(warehouse_url, "select status from v_documents where source_url like '%anon%'")
    assert status == [("quarantined",)]


def test_failed_facts_go_to_quarantine_with_their_expectation_names(wh, warehouse_url):
    body = "全镇脱贫户4120000户，公益性岗位86个。"
    items = [
        fact("poverty_exited_households", 4120000, "4120000户", body, failed=("value_within_bounds",)),
        fact("public_welfare_jobs", 86, "86个", body, unit="个"),
    ]
    doc = processed("http://127.0.0.1/tt/garbled.html", body, items, region=AMBIGUOUS_LONGTAN)
    result = wh.load_document(wh.start_run("nightly", {}), doc)
    assert (result.facts_loaded, result.facts_quarantined) == (1, 1)
    assert snapshot(warehouse_url, HELD)[0][3] == "value_within_bounds"
    # ambiguous placement: the township and province are known, the county is not guessed
    placed = snapshot(warehouse_url, "select township, county, province from v_facts")
    assert placed == [("龙潭镇", None, "湖南省")]


def test_failed_pages_are_those_whose_last_state_is_failed(wh):
    first, second = wh.start_run("nightly", {}), wh.start_run("rerun", {})
    wh.record_page(first, "http://127.0.0.1/a", Stage.FETCH, PageState.FAILED, "HTTP 503")
    wh.record_page(first, "http://127.0.0.1/b", Stage.FETCH, PageState.FAILED, "timeout")
    wh.record_page(first, "http://127.0.0.1/c", Stage.STRIP, PageState.SKIPPED, "no body")
    wh.record_page(second, "http://127.0.0.1/a", Stage.FETCH, PageState.UNCHANGED, "not modified")
    assert [p.url for p in wh.failed_pages()] == ["http://127.0.0.1/b"]
    failed = wh.failed_pages(run_id=first)
    assert [(p.url, p.stage, p.reason) for p in failed] == [("http://127.0.0.1/b", Stage.FETCH, "timeout")]
    assert wh.failed_pages(run_id=second) == []
    assert wh.failed_pages(since=datetime.now(UTC) + timedelta(hours=1)) == []
    assert wh.page_state_counts(first) == {"failed": 2, "skipped": 1}


def test_runs_and_url_state(wh):
    run = wh.start_run("backfill", {"from": date(2023, 1, 1)}, prefect_flow_run_id="abc")
    wh.finish_run(run, "completed", {"pages": 3})
    (latest,) = wh.recent_runs(1)
    assert (latest.run_id, latest.status, latest.summary, latest.params) == (
        run,
        "completed",
        {"pages": 3},
        {"from": "2023-01-01"},
    )
    assert latest.finished_at.tzinfo is not None
    url = "http://127.0.0.1/tt/2023.html"
    assert wh.get_url_state(url) is None
    wh.set_url_state(url, etag='"e1"', last_modified=None, content_hash="h1", state=None)
    wh.set_url_state(url, state=PageState.FAILED)  # a later failure keeps the validators
    state = wh.get_url_state(url)
    assert (state.etag, state.content_hash, state.last_state) == ('"e1"', "h1", PageState.FAILED)
    assert datetime.now(UTC) - state.last_fetched_at < timedelta(minutes=5)
    wh.load_document(run, tengtian_report(url=url))
    assert wh.get_url_state(url).last_state == PageState.LOADED
    undated = tengtian_report(url="http://127.0.0.1/tt/undated.html", published=None)
    wh.load_document(run, undated)
    # published 2024-01-15; an undated page is always re-read
    assert [d.url for d in wh.documents_since(date(2024, 1, 1))] == [url, undated.document.url]
    assert [d.url for d in wh.documents_since(date(2024, 2, 1))] == [undated.document.url]
    assert len(wh.documents_since(None)) == 2


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent/dir/x.db", "not a url", "mysql://u@h/db", "postgresql://nobody@/x?host=/nonexistent"],
)
def test_bad_url_gives_one_line_warehouse_error(url):
    with pytest.raises(WarehouseError) as info:
        Warehouse(url)
    message = str(info.value)
    assert "\n" not in message and len(message) < 500
    assert "warehouse" in message


def test_loading_before_upgrade_says_what_to_do(tmp_path):
    wh = Warehouse(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(WarehouseError, match="upgrade"):
        wh.load_document("r1", tengtian_report())
