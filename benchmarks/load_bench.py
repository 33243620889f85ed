"""Facts per second through the warehouse's load path, on SQLite and PostgreSQL.

    python benchmarks/load_bench.py                      # temp SQLite + a throwaway PostgreSQL
    python benchmarks/load_bench.py --url postgresql://user@host/db --facts 200000 --batch 8

The nightly load stage hands Warehouse.load_documents the documents of one
batch of pages (RunConfig.batch_size, 8): one transaction per batch, each
document whole or absent (upsert, delete old facts, insert new ones, ledger
rows, latest_facts re-ranked).  `--batch 1` measures one document per
transaction (Warehouse.load_document).  A second pass re-loads the same
documents, which is what a rerun or reprocess costs.  Target: >= 20,000 facts/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/pg.py starts a throwaway PostgreSQL

from make_synthetic import synthetic_documents  # noqa: E402

from schemas.warehouse import Warehouse  # noqa: E402

TARGET = 20_000


def bench(url: str, facts: int, per_doc: int, batch: int, loaders: int) -> dict[str, tuple[float, float]]:
    """(facts per wall-clock second, facts per CPU-second of this process) for a first load and a reload.

    `loaders` threads share one Warehouse, each loading every loaders-th batch, as the nightly
    flow's load tasks do from its task-runner threads."""
    docs = list(synthetic_documents(max(1, facts // per_doc), per_doc, townships=2000))
    batches = [docs[k : k + batch] for k in range(0, len(docs), batch)]
    wh = Warehouse(url)
    wh.upgrade()
    run_id = wh.start_run("bench", {})
    figures = {}

    def load(share: list) -> int:
        n = 0
        for documents in share:
            results = wh.load_documents(run_id, documents)
            if any(r.error for r in results):
                raise SystemExit(f"load failed: {next(r.error for r in results if r.error)}")
            n += sum(r.facts_loaded + r.facts_quarantined for r in results)
        return n

    for label in ("first load", "reload"):
        t0, cpu0 = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(loaders) as pool:
            n = sum(pool.map(load, [batches[i::loaders] for i in range(loaders)]))
        figures[label] = (n / (time.perf_counter() - t0), n / max(1e-9, time.process_time() - cpu0))
    wh.dispose()
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", action="append", help="warehouse URL(s); default: temp SQLite and temp PostgreSQL")
    ap.add_argument("--facts", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=60)
    ap.add_argument("--batch", type=int, action="append", help="documents per transaction (default: 8 and 1)")
    ap.add_argument("--loaders", type=int, default=1, help="threads loading at once (the flow runs several)")
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
            for batch in a.batch or [8, 1]:
                if url.startswith("sqlite:///"):  # each measurement on an empty warehouse
                    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
                elif server is not None:
                    url = server.create_database()
                figures = bench(url, a.facts, a.per_doc, batch, a.loaders)
                backend = url.split(":", 1)[0]
                for label, (rate, cpu_rate) in figures.items():
                    verdict = "ok" if rate >= TARGET else f"BELOW TARGET {TARGET:,}"
                    print(
                        f"{backend:20s} {label:10s} {rate:9,.0f} facts/s wall  {cpu_rate:9,.0f} facts/cpu-s (client)"
                        f"  {a.per_doc} facts/doc  {batch:2d} docs/txn  {a.loaders} loader(s)  {verdict}"
                    )
    finally:
        if server is not None:
            server.stop()
        scratch.cleanup()


if __name__ == "__main__":
    main()
