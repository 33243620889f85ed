"""Unit tests of the flow wiring on plain data: batching, re-run plans, config building."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from flows.nightly import batches_by_host, run_alerts
from flows.operations import plan_reprocess, plan_rerun
from flows.runner import build_config
from flows.settings import RunConfig
from flows.stages import FetchedRef


def test_batches_keep_each_host_within_its_concurrency():
    urls = [f"http://a.gov.cn/{i}.html" for i in range(5)] + [f"http://b.gov.cn/{i}.html" for i in range(3)]
    one = batches_by_host(urls, per_host=1)
    assert len(one) == 2 and sorted(len(b) for b in one) == [3, 5]
    two = batches_by_host(urls + urls, per_host=2)  # duplicates collapse
    assert len(two) == 4
    for batch in two:
        assert len({u.split("/")[2] for u in batch}) == 1
    assert sorted(u for b in two for u in b) == sorted(urls)


@dataclass
class Page:
    url: str
    stage: str
    content_hash: str | None


class FakeLedger:
    def __init__(self, pages):
        self.pages = pages

    def failed_pages(self, run_id=None, since=None):
        return self.pages

    def documents_since(self, since):
        return self.pages


class FakeArchive:
    def __init__(self, hashes):
        self.hashes = set(hashes)

    def has(self, h):
        return h in self.hashes


def test_rerun_starts_each_page_at_the_stage_that_failed():
    ledger = FakeLedger([
        Page("http://x/1.html", "fetch", None),
        Page("http://x/2.html", "strip", "h2"),
        Page("http://x/3.html", "load", "h3-not-archived"),
        Page("http://x/list.html", "discover", None),
    ])
    plan = plan_rerun(ledger, FakeArchive({"h2"}))
    assert plan.fetch == ["http://x/1.html", "http://x/3.html"]
    assert plan.archived == [FetchedRef("http://x/2.html", "h2")]
    assert plan.listings == ["http://x/list.html"]


def test_rerun_on_a_clean_ledger_plans_nothing():
    assert plan_rerun(FakeLedger([]), FakeArchive(set())).empty


def test_reprocess_uses_only_the_archive():
    ledger = FakeLedger([Page("http://x/1.html", "load", "h1"), Page("http://x/2.html", "load", "gone")])
    plan, missing = plan_reprocess(ledger, FakeArchive({"h1"}), since=date(2020, 1, 1))
    assert [r.url for r in plan.archived] == ["http://x/1.html"] and not plan.fetch
    assert missing == ["http://x/2.html"]


class Stop(Exception):
    pass


def test_config_refuses_a_non_http_start_url(tmp_path: Path):
    with pytest.raises(Stop, match="not an http"):
        build_config("sqlite://", tmp_path, ["ftp://x/"], None, demo=False, on_error=Stop)


def test_config_needs_something_to_crawl(tmp_path: Path):
    with pytest.raises(Stop, match="nothing to crawl"):
        build_config("sqlite://", tmp_path, [], None, demo=False, on_error=Stop)


def _alerts(**counts) -> list[str]:
    return run_alerts(RunConfig(warehouse_url="sqlite://", home="/tmp/x", start_urls=()), Counter(counts))


def test_a_night_where_most_pages_are_quarantined_alerts():
    assert _alerts(loaded=1, quarantined=3, facts_loaded=10, facts_quarantined=90) == ["90 of 100 facts quarantined"]


def test_one_quarantined_page_is_that_pages_state_not_an_alert():
    # e.g. the run restarted after a crash, left with only the one page the killed runs had not finished
    assert _alerts(loaded=3, quarantined=1, facts_quarantined=34) == []
    assert _alerts(unchanged=17, failed=1) == []


def test_a_night_where_most_pages_fail_alerts_and_a_share_below_the_bar_does_not():
    assert _alerts(loaded=1, failed=3, facts_loaded=5) == ["3 of 4 pages failed"]
    assert _alerts(loaded=9, failed=2, facts_loaded=5, facts_quarantined=5) == []


@dataclass
class Run:
    run_id: str
    status: str
    params: dict


class FakeRuns:
    def __init__(self, runs):
        self.runs = runs
        self.finished = {}

    def recent_runs(self, limit):
        return self.runs

    def finish_run(self, run_id, status, summary):
        self.finished[run_id] = status


def test_a_killed_run_is_marked_abandoned_and_a_live_one_is_not():
    import subprocess
    import sys

    from flows.operations import mark_abandoned_runs, this_process

    me = this_process()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    runs = FakeRuns([
        Run("killed", "running", {"process": {**me, "pid": dead_pid}}),
        Run("live", "running", {"process": {**me, "pid": 1}}),
        Run("elsewhere", "running", {"process": {"host": "another-host", "pid": dead_pid}}),
        Run("done", "completed", {"process": {**me, "pid": dead_pid}}),
    ])
    assert mark_abandoned_runs(runs) == ["killed"]
    assert runs.finished == {"killed": "abandoned"}


def test_the_run_summary_prints_paths_and_the_example_query_whole(tmp_path: Path):
    from rich.console import Console

    from flows.nightly import RunSummary
    from flows.report import print_summary

    home = tmp_path / ("a-long-folder-name-an-operator-might-use" * 2)
    cfg = RunConfig(warehouse_url=f"sqlite:///{home}/warehouse.db", home=str(home), start_urls=())
    docs = f"{home}/data-docs/0123456789abcdef0123456789abcdef/index.html"
    summary = RunSummary(run_id="0123456789abcdef", warehouse_url=cfg.warehouse_url, data_docs=docs)
    out = Console(width=60, record=True, color_system=None)
    print_summary(out, summary, cfg)
    lines = out.export_text().splitlines()
    assert f"warehouse: {cfg.warehouse_url}" in lines and f"data docs: {docs}" in lines
    assert any(line.startswith("try: township query") and line.endswith(f"--home {home}") for line in lines)
