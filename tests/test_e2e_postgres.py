"""The same crawl into SQLite and into PostgreSQL loads the same facts.

The demo sites are served on 127.0.0.1 once; `township run` crawls them twice,
each time from an empty home folder (so nothing is incremental), once into a
SQLite file and once into a fresh database of the session's PostgreSQL server.
The v_facts rows must be identical.  Without PostgreSQL binaries the test
SKIPS with the reason (the pg_server fixture says which).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flow_fixtures import prefect_harness  # noqa: F401 - a fixture
from typer.testing import CliRunner

from flows.cli import app
from flows.demo import DEMO_ROOT, demo_start_urls, serve_sites
from schemas.query import run_query

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

COMPARED = """
select source_url, indicator_code, value, period_start, period_end, is_target, township, county, province, qualifier
from v_facts"""


def compared_rows(url: str) -> list[tuple]:
    _, rows = run_query(url, COMPARED)
    plain = (
        (urlsplit(src).path, code, float(value), start, end, bool(target), township, county, province, qualifier)
        for src, code, value, start, end, target, township, county, province, qualifier in rows
    )
    return sorted(plain, key=repr)  # repr: a None among strings cannot be compared


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory, prefect_harness, pg_server):  # noqa: F811 - the imported fixture
    warehouses = {
        "sqlite": f"sqlite:///{tmp_path_factory.mktemp('sqlite-home') / 'warehouse.db'}",
        "postgresql": pg_server.create_database(),
    }
    results = {}
    with serve_sites(DEMO_ROOT) as origins:
        starts = demo_start_urls(origins)
        for backend, url in warehouses.items():
            home = tmp_path_factory.mktemp(f"{backend}-run")
            args = ["run", "--warehouse", url, "--home", str(home)]
            for start in starts:
                args += ["--start-url", start]
            results[backend] = CliRunner().invoke(app, args)
    yield warehouses, results
    try:
        pg_server.drop_database(warehouses["postgresql"])
    except Exception as exc:  # a leftover test database is not a test failure
        print(f"could not drop {warehouses['postgresql']}: {exc}")


def test_both_runs_succeed(both_backends):
    _, results = both_backends
    for backend, result in results.items():
        assert result.exit_code == 0, f"{backend}: {result.output}"


def test_sqlite_and_postgresql_hold_identical_facts(both_backends):
    warehouses, results = both_backends
    assert all(r.exit_code == 0 for r in results.values())
    on_sqlite = compared_rows(warehouses["sqlite"])
    on_postgresql = compared_rows(warehouses["postgresql"])
    assert on_sqlite, "the crawl loaded no facts"
    assert on_sqlite == on_postgresql


def test_latest_figures_and_totals_agree_too(both_backends):
    warehouses, _ = both_backends
    latest = (
        "select indicator_code, value, period_label, township, county, qualifier, is_target, mentions"
        " from v_latest_facts"
    )
    totals = "select county, indicator_code, period_label, qualifier, total, townships_reporting from v_county_totals"
    for sql in (latest, totals):
        answers = []
        for url in warehouses.values():
            _, rows = run_query(url, sql)
            plain = (tuple(float(v) if isinstance(v, int | float) else v for v in r) for r in rows)
            answers.append(sorted(plain, key=repr))
        assert answers[0] == answers[1], sql
