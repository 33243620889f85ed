"""Time the analysts' common questions on a synthetic warehouse of 1,000,000 facts, SQLite and PostgreSQL.

    python benchmarks/query_bench.py                       # build or reuse the SQLite file; throwaway PostgreSQL
    python benchmarks/query_bench.py --facts 200000 --no-postgres
    python benchmarks/query_bench.py --postgres-url postgresql://user@host/db   # an existing database

The questions are the README's (flows/ui/readme_queries.yaml: the canned
queries plus a county's total and a township's years), run with values picked
from the synthetic data so that each returns rows.  Each is timed on an open
read-only connection, warm, median of --repeat runs.  Target: < 100 ms each.
The synthetic warehouse is made by benchmarks/make_synthetic.py through
Warehouse.load_documents; the SQLite file is kept and reused when it already
holds the asked number of facts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # tests/pg.py starts a throwaway PostgreSQL

import sqlalchemy as sa  # noqa: E402
from make_synthetic import build  # noqa: E402

from flows.ui import analyst_queries  # noqa: E402
from schemas.query import read_only_connection  # noqa: E402

TARGET_MS = 100.0
TIMED = ("monitored_by_township", "public_jobs_year_on_year", "fact_provenance", "county_totals", "township_over_years")

# How each question's values are picked: the best-populated choice, so the figure is not flattered by an
# empty answer.  (fact_provenance takes the township name most documents carry: names such as 城关镇
# repeat across counties, and the query answers for all of them.)
PROBES = {
    "monitored_by_township": """
        select city, period_label as period from v_latest_facts
        where indicator_code = 'monitored_households' and period_kind = 'half' and city is not null
        group by city, period_label order by count(*) desc, city limit 1""",
    "public_jobs_year_on_year": """
        select city from v_latest_facts where indicator_code = 'public_welfare_jobs' and city is not null
        group by city order by count(*) desc, city limit 1""",
    "fact_provenance": """
        select township from documents where region_id is not null
        group by township order by count(*) desc, township limit 1""",
    "county_totals": """
        select county, indicator_code as indicator, period_label as period from v_latest_facts
        where indicator_code = 'monitored_households' and county is not null
        group by county, indicator_code, period_label order by count(*) desc, county limit 1""",
    "township_over_years": """
        select county, township, indicator_code as indicator from v_latest_facts
        where indicator_code = 'public_welfare_jobs' and period_kind = 'year' and county is not null
        group by county, township, indicator_code order by count(*) desc, county, township limit 1""",
}


def fact_count(url: str) -> int:
    try:
        with read_only_connection(url) as conn:
            return conn.exec_driver_sql("select count(*) from facts").scalar_one()
    except Exception:  # no warehouse there yet
        return 0


def ensure_warehouse(url: str, facts: int, per_doc: int) -> None:
    have = fact_count(url)
    if have >= facts * 0.9:
        print(f"reusing {url} ({have:,} facts)")
        return
    print(f"building {facts:,} synthetic facts in {url} ...", flush=True)
    loaded, elapsed = build(url, facts, per_doc)
    print(f"  loaded {loaded:,} facts in {elapsed:.0f} s ({loaded / elapsed:,.0f} facts/s)")
    # refresh the planner's statistics, as PostgreSQL's autovacuum does after a bulk load
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def time_questions(url: str, repeat: int) -> list[tuple[str, int, float, dict]]:
    queries = {q.name: q for q in analyst_queries()}
    results = []
    with read_only_connection(url) as conn:
        for name in TIMED:
            probe = conn.execute(sa.text(PROBES[name])).mappings().first()
            params = dict(probe or {})
            statement = sa.text(queries[name].sql)
            conn.execute(statement, params).all()  # warm the cache once
            times, rows = [], 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                rows = len(conn.execute(statement, params).all())
                times.append(1000 * (time.perf_counter() - t0))
            results.append((name, rows, statistics.median(times), params))
    return results


def report(backend: str, results: list[tuple[str, int, float, dict]]) -> None:
    for name, rows, ms, params in results:
        verdict = "ok" if ms < TARGET_MS else f"SLOWER than {TARGET_MS:.0f} ms"
        values = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"{backend:10s} {name:26s} {rows:6d} rows {ms:8.1f} ms  {verdict}   ({values})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--per-doc", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sqlite", type=Path, default=None, help="SQLite file (default /tmp/township-bench/...)")
    ap.add_argument("--postgres-url", default=None, help="use this PostgreSQL database instead of a throwaway one")
    ap.add_argument("--no-postgres", action="store_true")
    a = ap.parse_args()
    db = a.sqlite or Path(tempfile.gettempdir()) / "township-bench" / f"synthetic-{a.facts}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    sqlite_url = f"sqlite:///{db}"
    ensure_warehouse(sqlite_url, a.facts, a.per_doc)
    report("sqlite", time_questions(sqlite_url, a.repeat))
    if a.no_postgres:
        return
    server = None
    try:
        url = a.postgres_url
        if url is None:
            from pg import PostgresServer, PostgresUnavailable

            try:
                server = PostgresServer.start()
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}")
                return
            url = server.create_database()
        ensure_warehouse(url, a.facts, a.per_doc)
        report("postgresql", time_questions(url, a.repeat))
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
