"""Crash safety: SIGKILL `township run` at several moments, start it again, and the warehouse ends
exactly as after one uninterrupted run; two runs at once into one warehouse do no harm.

The runs are real processes (the operator's `township`), killed when the warehouse file shows
they reached a given point: the run started, pages are being fetched, documents are loading.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_operations_sites import copy_sites, ops_sites, snapshot, start_urls, table_rows, write_sources
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.e2e
SITES = ["fw", "gx", "hl", "ln", "wk"]
TOWNSHIP = [sys.executable, "-c", "from flows.cli import main; main()"]


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # the schema is not there yet, or the file is being created
        return 0


RUN_STARTED = "select count(*) from runs where status = 'running'"
PAGES_FETCHED = "select count(*) from url_state where content_hash is not null"
DOCUMENTS_LOADED = "select count(*) from documents"


class Township:
    """`township run` as a child process pointed at the test session's Prefect API."""

    def __init__(self, tmp: Path, sources: Path):
        from prefect.settings import get_current_settings

        self.tmp, self.sources = tmp, sources
        self.env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url),
                    "PREFECT_LOGGING_LEVEL": "WARNING", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        self.n = 0

    def start(self, home: Path) -> subprocess.Popen:
        self.n += 1
        log = (self.tmp / f"township-{self.n}.log").open("wb")
        args = [*TOWNSHIP, "run", "--sources", str(self.sources), "--home", str(home),
                "--warehouse", f"sqlite:///{home / 'warehouse.db'}"]
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp)

    def kill_when(self, home: Path, reached: Callable[[Path], bool], timeout_s: float = 90) -> bool:
        """Start a run and SIGKILL it as soon as `reached(db)`; False if it finished first."""
        proc = self.start(home)
        deadline = time.monotonic() + timeout_s
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                if reached(home / "warehouse.db"):
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(10)
                    return True
                time.sleep(0.02)
            return False
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)

    def log(self, n: int) -> str:
        return (self.tmp / f"township-{n}.log").read_text("utf-8", errors="replace")[-3000:]


@pytest.fixture(scope="module")
def crash_site(tmp_path_factory, prefect_harness):
    tmp = tmp_path_factory.mktemp("crash")
    root = copy_sites(tmp, SITES)
    with ops_sites(root) as sites:
        # a short per-host delay stretches the run over a few seconds: room to kill it mid-way
        sources = write_sources(tmp / "sources.yaml", start_urls(root, sites), min_delay_s=0.1)
        reference = tmp / "reference"
        result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--home", str(reference),
                                          "--warehouse", f"sqlite:///{reference / 'warehouse.db'}"])
        assert result.exit_code == 0, result.output
        yield tmp, Township(tmp, sources), snapshot(reference / "warehouse.db")


def test_killed_runs_restarted_end_as_one_uninterrupted_run(crash_site):
    tmp, township, reference = crash_site
    home = tmp / "killed"
    moments = {
        "run started": lambda db: _count(db, RUN_STARTED) >= 1,
        "pages being fetched": lambda db: _count(db, PAGES_FETCHED) >= 4,
        "documents loading": lambda db: _count(db, DOCUMENTS_LOADED) >= 1,
    }
    killed = {name: township.kill_when(home, reached) for name, reached in moments.items()}
    assert killed["run started"] and killed["pages being fetched"], killed
    db = home / "warehouse.db"
    # the killed runs stay "running" in the ledger; their pages were not lost
    assert _count(db, "select count(*) from runs") == 3

    finish = township.start(home)
    assert finish.wait(120) == 0, township.log(township.n)
    after = snapshot(db)
    assert after.counts == reference.counts and after.facts > 0
    assert after.fact_keys == reference.fact_keys
    assert after.document_urls == reference.document_urls
    # no document is half there: each has exactly the facts the uninterrupted run gave it
    per_doc = "select d.url, count(f.fact_key) n from documents d left join facts f using(document_id) group by d.url"
    assert sorted(map(tuple, map(dict.values, table_rows(db, per_doc)))) == sorted(
        map(tuple, map(dict.values, table_rows(tmp / "reference" / "warehouse.db", per_doc))))


def test_two_runs_at_once_into_one_warehouse(crash_site):
    tmp, township, reference = crash_site
    home = tmp / "together"
    first, second = township.start(home), township.start(home)
    codes = first.wait(180), second.wait(180)
    assert codes == (0, 0), township.log(township.n - 1) + township.log(township.n)
    after = snapshot(home / "warehouse.db")
    assert after.counts == reference.counts
    assert after.fact_keys == reference.fact_keys
