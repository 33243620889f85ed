"""Facts per second through Warehouse.load_document, on SQLite and PostgreSQL.

    python benchmarks/load_bench.py                      # temp SQLite + a throwaway PostgreSQL
    python benchmarks/load_bench.py --url postgresql://user@host/db --facts 200000

Each document is one transaction (upsert, delete old facts, insert new ones,
ledger row), as in a nightly run.  A second pass re-loads the same documents,
which is what a rerun or reprocess costs.  Target: >= 20,000 facts/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/pg.py starts a throwaway PostgreSQL

from make_synthetic import synthetic_documents  # noqa: E402

from schemas.warehouse import Warehouse  # noqa: E402

TARGET = 20_000


def bench(url: str, facts: int, per_doc: int) -> dict[str, tuple[float, float]]:
    """(facts per wall-clock second, facts per CPU-second of this process) for a first load and a reload."""
    docs = list(synthetic_documents(max(1, facts // per_doc), per_doc, townships=2000))
    wh = Warehouse(url)
    wh.upgrade()
    run_id = wh.start_run("bench", {})
    figures = {}
    for label in ("first load", "reload"):
        n = 0
        t0, cpu0 = time.perf_counter(), time.process_time()
        for doc in docs:
            r = wh.load_document(run_id, doc)
            n += r.facts_loaded + r.facts_quarantined
        figures[label] = (n / (time.perf_counter() - t0), n / max(1e-9, time.process_time() - cpu0))
    wh.dispose()
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", action="append", help="warehouse URL(s); default: temp SQLite and temp PostgreSQL")
    ap.add_argument("--facts", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=60)
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {a.facts:,} facts per pass")
    server = None
    scratch = tempfile.TemporaryDirectory(prefix="loadbench-")
    urls = a.url or []
    if not urls:
        urls.append(f"sqlite:///{scratch.name}/bench.db")
        try:
            from pg import PostgresServer

            server = PostgresServer.start()
            urls.append(server.create_database())
        except Exception as exc:  # report and go on with SQLite alone
            print(f"PostgreSQL skipped: {exc}")
    try:
        for url in urls:
            figures = bench(url, a.facts, a.per_doc)
            backend = url.split(":", 1)[0]
            for label, (rate, cpu_rate) in figures.items():
                verdict = "ok" if rate >= TARGET else f"BELOW TARGET {TARGET:,}"
                print(
                    f"{backend:20s} {label:10s} {rate:9,.0f} facts/s wall  {cpu_rate:9,.0f} facts/cpu-s (client)"
                    f"  {a.per_doc} facts/doc  {verdict}"
                )
    finally:
        if server is not None:
            server.stop()
        scratch.cleanup()


if __name__ == "__main__":
    main()
