"""Build a synthetic warehouse of N facts and time the questions analysts usually ask.

    python benchmarks/make_synthetic.py --url sqlite:////tmp/synth.db --facts 1000000 --check

Documents are invented township reports placed on real gazetteer townships
(when schemas.gazetteer is available), each with `--per-doc` facts spread over
the catalog's indicators and a few periods.  Everything goes through
Warehouse.load_documents, so the figures include the real load path.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.catalog import load_catalog
from schemas.records import (
    CandidateFact,
    CheckedFact,
    CleanDocument,
    Extraction,
    PageState,
    ProcessedDocument,
    Region,
    RegionStatus,
)
from schemas.warehouse import Warehouse

YEARS = (2020, 2021, 2022, 2023, 2024)


def township_regions(limit: int, rng: random.Random) -> list[Region]:
    """Real townships from the gazetteer, or invented ones when it is not there."""
    try:
        from schemas.load_plan import gazetteer_region_rows

        units = list(gazetteer_region_rows())
    except Exception:  # the benchmark must run whatever state the gazetteer is in
        units = []
    if not units:
        units = [
            dict(
                province=f"第{p}省",
                province_code=f"{p:02d}",
                city=f"第{p}市",
                city_code=f"{p:02d}01",
                county=f"第{c}县",
                county_code=f"{p:02d}01{c:02d}",
                township=f"第{t}镇",
                township_code=f"{p:02d}01{c:02d}{t:03d}",
            )
            for p in range(11, 14)
            for c in range(1, 30)
            for t in range(1, 20)
        ]
    chosen = rng.sample(units, min(limit, len(units)))
    return [
        Region(
            status=RegionStatus.RESOLVED,
            township=u["township"],
            township_official=u["township"],
            township_code=u["township_code"],
            county=u["county"],
            county_code=u["county_code"],
            city=u["city"],
            city_code=u["city_code"],
            province=u["province"],
            province_code=u["province_code"],
        )
        for u in chosen
    ]


def synthetic_documents(
    n_docs: int, per_doc: int, *, seed: int = 7, townships: int = 5000, quarantine_share: float = 0.05
) -> Iterator[ProcessedDocument]:
    rng = random.Random(seed)
    indicators = list(load_catalog())
    regions = township_regions(townships, rng)
    for n in range(n_docs):
        region = regions[n % len(regions)]
        # each pass over the townships is the next year, so a township reports year after year
        year = YEARS[(n // len(regions)) % len(YEARS)]
        url = f"http://synthetic.example/{region.county_code}/{year}/report_{n}.html"
        body_parts, facts = [], []
        offset = 0
        for k in range(per_doc):
            ind = indicators[(n + k) % len(indicators)]
            value = float(rng.randint(1, max(2, int(min(ind.bounds[1], 5000)))))
            raw = f"{int(value)}{ind.unit}"
            sentence = f"全镇{ind.zh}达到{raw}。"
            start = offset + sentence.index(raw)
            body_parts.append(sentence)
            offset += len(sentence) + 1
            half = k % 7 == 0
            facts.append(
                CandidateFact(
                    indicator_code=ind.code,
                    value=value,
                    unit=ind.unit,
                    raw_text=raw,
                    count_word=ind.unit,
                    start=start,
                    end=start + len(raw),
                    sentence=sentence,
                    period_start=date(year, 1, 1) if half else None,
                    period_end=date(year, 6, 30) if half else None,
                    qualifier="农村" if k % 11 == 0 else None,
                    is_target=k % 13 == 0,
                )
            )
        chash = hashlib.sha256(url.encode()).hexdigest()
        doc = CleanDocument(
            url=url,
            site="synthetic.example",
            title=f"{region.township}{year}年工作总结",
            published_date=date(year + 1, 1, 5) + timedelta(days=n % 60),
            publisher=region.township,
            paragraphs=tuple(body_parts),
            content_hash=chash,
        )
        checked = tuple(
            CheckedFact(f, f.fact_key(url, chash), ("value_within_bounds",) if rng.random() < quarantine_share else ())
            for f in facts
        )
        extraction = Extraction(
            region=region, period_start=date(year, 1, 1), period_end=date(year, 12, 31), facts=tuple(facts)
        )
        yield ProcessedDocument(doc, extraction, checked, PageState.LOADED)


ANALYST_QUESTIONS = {
    "one indicator across a county, one year": """
        select township, value from v_facts
        where indicator_code = 'public_welfare_jobs' and county_code = :county and period_label = '2023'""",
    "one township, every indicator over the years": """
        select indicator_code, period_label, value from v_facts where township_code = :township""",
    "province totals of one indicator": """
        select province, period_label, total, townships_reporting from v_province_totals
        where indicator_code = 'poverty_exited_households'""",
    "latest figures for one county": """
        select township, indicator_code, value from v_latest_facts where county_code = :county""",
    "facts of one document": """select count(*) from v_facts where source_url = :url""",
}


def check_queries(url: str) -> None:
    from schemas.query import run_query

    _, sample = run_query(url, "select county_code, township_code, source_url from v_facts limit 1")
    if not sample:
        print("no facts to query")
        return
    county, township, source = sample[0]
    params = {"county": county, "township": township, "url": source}
    for name, sql in ANALYST_QUESTIONS.items():
        t0 = time.perf_counter()
        _, rows = run_query(url, sql, {k: v for k, v in params.items() if f":{k}" in sql})
        print(f"{name:48s} {len(rows):6d} rows  {1000 * (time.perf_counter() - t0):8.1f} ms")


def build(url: str, facts: int, per_doc: int, seed: int = 7) -> tuple[int, float]:
    wh = Warehouse(url)
    wh.upgrade()
    run_id = wh.start_run("synthetic", {"facts": facts, "per_doc": per_doc})
    loaded = 0
    t0 = time.perf_counter()
    batch: list[ProcessedDocument] = []
    for processed in synthetic_documents(max(1, facts // per_doc), per_doc, seed=seed):
        batch.append(processed)
        if len(batch) == 8:  # as the nightly load stage does: a batch of pages per transaction
            loaded += sum(r.facts_loaded + r.facts_quarantined for r in wh.load_documents(run_id, batch))
            batch = []
    loaded += sum(r.facts_loaded + r.facts_quarantined for r in wh.load_documents(run_id, batch))
    elapsed = time.perf_counter() - t0
    wh.finish_run(run_id, "completed", {"facts": loaded})
    wh.dispose()
    return loaded, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="SQLAlchemy URL of the warehouse to fill")
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--per-doc", type=int, default=60)
    ap.add_argument("--check", action="store_true", help="time the usual analyst questions afterwards")
    a = ap.parse_args()
    loaded, elapsed = build(a.url, a.facts, a.per_doc)
    print(f"loaded {loaded} facts in {elapsed:.1f} s ({loaded / elapsed:,.0f} facts/s)")
    if a.check:
        check_queries(a.url)


if __name__ == "__main__":
    main()
