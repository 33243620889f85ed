"""Scale-out: the same run on a local Dask cluster of two worker processes (prefect-dask's
DaskTaskRunner, `township run --task-runner dask`) loads the same facts as the thread runner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_operations_sites import copy_sites, ops_sites, start_urls, table_rows, write_sources
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.e2e
pytest.importorskip("prefect_dask", reason="the dask extra (prefect-dask, distributed) is not installed")

# Surrogate ids and run ids differ between two warehouses by construction; everything else must not.
PER_RUN_COLUMNS = {"fact_id", "run_id", "document_id", "region_id", "indicator_id", "period_id"}


def facts_as_set(db: Path) -> set[tuple]:
    return {tuple(sorted((k, v) for k, v in row.items() if k not in PER_RUN_COLUMNS))
            for row in table_rows(db, "select * from v_facts")}


def progress_bars(output: str) -> dict[str, int]:
    """The final count of each stage's progress bar, as the CLI printed it (`fetch  ━━━ 22/? 0:00:03`)."""
    return {m[1]: int(m[2]) for m in re.finditer(r"^\s*(discover|fetch|strip|extract|validate|load)\b\D*?(\d+)/",
                                                 output, re.M)}


def test_a_two_worker_dask_cluster_loads_the_same_facts_as_threads(tmp_path, prefect_harness):
    root = copy_sites(tmp_path, ["gx", "hl", "wk"])
    homes = {"threads": tmp_path / "threads", "dask": tmp_path / "dask"}
    bars = {}
    with ops_sites(root) as sites:
        sources = write_sources(tmp_path / "sources.yaml", start_urls(root, sites))
        for runner, home in homes.items():
            result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--task-runner", runner,
                                              "--home", str(home), "--warehouse", f"sqlite:///{home / 'warehouse.db'}"])
            assert result.exit_code == 0, f"{runner}: {result.output}"
            bars[runner] = progress_bars(result.output)
    # the progress bars end where they end under threads, though Dask's tasks ran in other processes
    assert bars["threads"]["fetch"] > 0 and bars["dask"] == bars["threads"], bars
    threads, dask = (facts_as_set(h / "warehouse.db") for h in homes.values())
    assert threads and dask == threads
    quarantined = "select source_url, indicator_code, value, reason from v_quarantined_facts"
    assert sorted(map(str, table_rows(homes["dask"] / "warehouse.db", quarantined))) == sorted(
        map(str, table_rows(homes["threads"] / "warehouse.db", quarantined)))
