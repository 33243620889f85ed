"""Time the validate stage on a synthetic batch (default 100,000 candidate facts).

    python benchmarks/validate_bench.py [--facts 100000] [--per-doc 40] [--docs-dir DIR] [--all-failing]

Prints the GX import time separately: the target (< 10 s for 100k facts) excludes it.
--all-failing places no document, so every fact fails region_placed: the worst night
for the per-row results and for Data Docs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.catalog import load_catalog
from schemas.records import CandidateFact, CleanDocument, Extraction, Region, RegionStatus

TOWNSHIPS = ("青溪镇", "石门乡", "白沙街道", "长岭镇", "下坪乡")


def synthetic_batch(n_facts: int, per_doc: int, seed: int = 7) -> list[tuple[CleanDocument, Extraction]]:
    rng = random.Random(seed)
    indicators = list(load_catalog())
    items = []
    for d in range(max(1, n_facts // per_doc)):
        published = date(2024, rng.randint(1, 3), rng.randint(1, 28))  # a 2023 summary, published next spring
        doc = CleanDocument(
            url=f"http://127.0.0.1/report/{d}.html",
            site="127.0.0.1",
            title="2023年工作总结",
            published_date=published,
            publisher=None,
            paragraphs=("…",),
            content_hash=f"h{d}",
        )
        unplaced = rng.random() < 0.02
        region = (
            Region(RegionStatus.UNRESOLVED)
            if unplaced
            else Region(RegionStatus.RESOLVED, township=rng.choice(TOWNSHIPS), province="江西省", county="某县")
        )
        facts = []
        for i in range(per_doc):
            ind = rng.choice(indicators)
            low, high = ind.bounds
            value = rng.uniform(low, high) * (3 if rng.random() < 0.01 else 1)
            flags = ("glued_number",) if rng.random() < 0.005 else ()
            facts.append(
                CandidateFact(
                    ind.code,
                    round(value, 2),
                    ind.unit,
                    f"{value:.0f}{ind.unit}",
                    ind.unit,
                    i * 10,
                    i * 10 + 6,
                    "…",
                    is_target=rng.random() < 0.1,
                    flags=flags,
                    group=f"g{i // 2}" if ind.persons else None,
                )
            )
        items.append((doc, Extraction(region, date(2023, 1, 1), date(2023, 12, 31), tuple(facts))))
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--per-doc", type=int, default=40)
    parser.add_argument("--docs-dir", type=Path, default=None, help="also build Data Docs here (slower)")
    parser.add_argument("--all-failing", action="store_true", help="no document placed: every fact fails")
    args = parser.parse_args()
    items = synthetic_batch(args.facts, args.per_doc)
    if args.all_failing:
        items = [(doc, replace(ex, region=Region(RegionStatus.UNRESOLVED))) for doc, ex in items]
    n = sum(len(e.facts) for _, e in items)

    t0 = time.perf_counter()
    import great_expectations  # noqa: F401  (timed apart: the target excludes the import)

    t_import = time.perf_counter() - t0

    from expectations.validate import validate_documents

    for run in ("first (parses suites)", "second (cached suites)"):
        t0 = time.perf_counter()
        report = validate_documents(items, docs_dir=args.docs_dir)
        elapsed = time.perf_counter() - t0
        print(
            f"{run}: validated {n} facts of {len(items)} documents in {elapsed:.2f} s "
            f"(GX import {t_import:.2f} s, excluded); quarantined {report.quarantined_count}; "
            f"warnings {len(report.batch_warnings)}"
        )
    print("top failing:", ", ".join(f"{k} ({v})" for k, v in list(report.failure_counts.items())[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
