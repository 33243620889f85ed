"""End to end: serve the demo sites on 127.0.0.1, run `township run`, read the warehouse's views.

This is the user's day in one test: the CLI is invoked as the operator would,
against sites served on loopback, into a temporary SQLite warehouse.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flows.cli import app
from flows.demo import DEMO_ROOT, demo_start_urls, serve_sites

pytestmark = pytest.mark.e2e
GOLD = yaml.safe_load((Path(__file__).parent / "data" / "dev_gold_excerpt.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, prefect_harness):
    home = tmp_path_factory.mktemp("home")
    db = home / "warehouse.db"
    with serve_sites(DEMO_ROOT) as origins:
        starts = demo_start_urls(origins)
        args = ["run", "--warehouse", f"sqlite:///{db}", "--home", str(home)]
        for u in starts:
            args += ["--start-url", u]
        result = CliRunner().invoke(app, args)
        second = CliRunner().invoke(app, args)
    return result, second, db


def rows(db: Path, sql: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def test_run_succeeds_and_prints_a_summary(crawled):
    result, _, _ = crawled
    assert result.exit_code == 0, result.output
    assert "facts loaded" in result.output
    assert "township query" in result.output


def test_every_report_page_is_a_document(crawled):
    _, _, db = crawled
    urls = {re.sub(r"^https?://[^/]+", "", d["source_url"]) for d in rows(db, "select source_url from v_documents")}
    for report in GOLD["reports"]:
        assert report in urls


def test_anonymised_report_loads_no_fact(crawled):
    _, _, db = crawled
    leaked = rows(db, "select * from v_facts where source_url like '%/gzzj/xczx/1.html'")
    assert leaked == []
    held = rows(db, "select * from v_quarantined_facts where source_url like '%/gzzj/xczx/1.html'")
    assert held and all(r["reason"] for r in held)


def test_garbled_values_never_reach_facts(crawled):
    _, _, db = crawled
    for value in GOLD["garbled"]:
        assert rows(db, f"select * from v_facts where abs(value - {value}) < 1") == []


def test_missing_page_is_in_the_ledger_not_fatal(crawled):
    _, _, db = crawled
    failed = rows(db, "select url, state, reason from page_ledger where url like '%t20220110_0555.html'")
    assert failed and failed[0]["state"] == "failed" and "404" in failed[0]["reason"]


def test_second_run_changes_nothing(crawled):
    _, second, db = crawled
    assert second.exit_code == 0, second.output
    counts = rows(db, "select (select count(*) from facts) f, (select count(*) from quarantined_facts) q, "
                      "(select count(*) from documents) d")[0]
    assert counts["f"] > 0 and counts["d"] >= 5
    # the second run saw every report page as unchanged and loaded nothing new
    assert re.search(r"pages loaded\s*│\s*0\s", second.output), second.output
