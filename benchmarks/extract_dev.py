"""Dev harness for the extractor: the five seed reports' gold body texts against gold/dev.yaml.

    python benchmarks/extract_dev.py [--verbose]

Matches (doc, indicator code, value ±0.5%) the way the benchmark's score.py
does, over the benchmark's core codes; prints precision/recall/F1, period
year accuracy and target flag accuracy.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import opencc
import yaml
from extract_scoring import half_width, same

from schemas.records import CleanDocument, Region, RegionStatus
from scrapers.extract import extract_facts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmark"
_t2s = opencc.OpenCC("t2s").convert

# what the strip stage would have read from each seed page (title, publication date)
PAGES = {
    "000": ("东江乡关于乡村振兴的专项工作报告", date(2022, 7, 12), ("东江乡", "龙南市", "江西省")),
    "001": ("乡乡村振兴工作总结", None, None),
    "002": ("某镇2023年度实施乡村振兴战略专题报告", None, ("吴店镇", None, "湖北省")),
    "003": ("沙地镇2023年上半年工作总结及下半年工作计划", date(2023, 7, 20), ("沙地镇", "赣县区", "江西省")),
    "004": ("黔江水市乡：决战决胜脱贫攻坚 奋力谱写新篇章", date(2020, 12, 2), ("水市乡", "黔江区", "重庆市")),
}


def document(stem: str) -> tuple[CleanDocument, Region]:
    body = (SHARED / "gold" / "maintext" / f"{stem}.txt").read_text("utf-8")
    title, published, place = PAGES[stem]
    paragraphs = tuple(p.strip() for p in half_width(_t2s(body)).split("\n") if p.strip())
    doc = CleanDocument(
        url=f"http://dev/{stem}",
        site="dev",
        title=_t2s(title),
        published_date=published,
        publisher=None,
        paragraphs=paragraphs,
    )
    if place is None:
        return doc, Region(status=RegionStatus.UNRESOLVED)
    return doc, Region(status=RegionStatus.RESOLVED, township=place[0], county=place[1], province=place[2])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    core = {c for g in yaml.safe_load((SHARED / "catalog.yaml").read_text("utf-8")).values() for c in g}
    gold = yaml.safe_load((SHARED / "gold" / "dev.yaml").read_text("utf-8"))
    tp = n_pred = n_gold = 0
    period_ok = period_n = target_ok = target_n = 0
    for g in gold:
        stem = g["doc"][:3]
        doc, region = document(stem)
        ext = extract_facts(doc, region)
        facts = [f for f in ext.facts if f.indicator_code in core]
        gfacts = [(c, float(v), (rest[0] if rest else {}) or {}) for c, v, *rest in g["facts"]]
        used: set[int] = set()
        doc_tp = 0
        missed = []
        for code, v, opt in gfacts:
            hit = next(
                (i for i, f in enumerate(facts) if i not in used and f.indicator_code == code and same(f.value, v)),
                None,
            )
            if hit is None:
                if not opt.get("optional"):
                    missed.append((code, v))
                continue
            used.add(hit)
            if opt.get("optional"):
                continue
            doc_tp += 1
            f = facts[hit]
            want = opt.get("period") or g.get("period")
            if want and g.get("loadable"):
                period_n += 1
                ok = (
                    f.period_start
                    and f.period_start.year == int(str(want[0])[:4])
                    and f.period_end
                    and f.period_end.year == int(str(want[1])[:4])
                )
                period_ok += bool(ok)
                if not ok and args.verbose:
                    print(f"   period {code} {v}: {f.period_start}..{f.period_end} want {want}")
            target_n += 1
            target_ok += f.is_target == bool(opt.get("target"))
            if f.is_target != bool(opt.get("target")) and args.verbose:
                print(f"   target {code} {v}: {f.is_target}")
        bad = g.get("must_not_load") or []
        extra = [
            f
            for i, f in enumerate(facts)
            if i not in used
            and not any(f.indicator_code == c and same(f.value, v) and "glued_number" in f.flags for c, v in bad)
        ]
        optional_hits = len(used) - doc_tp
        doc_pred = len(facts) - optional_hits - (len(facts) - len(used) - len(extra))
        tp += doc_tp
        n_pred += doc_pred
        n_gold += len([x for x in gfacts if not x[2].get("optional")])
        print(
            f"{stem}: gold={len([x for x in gfacts if not x[2].get('optional')])} matched={doc_tp} "
            f"extracted={doc_pred} period={ext.period_start}..{ext.period_end}"
        )
        if args.verbose:
            for code, v in missed:
                print(f"   MISSED {code} {v}")
            for f in extra:
                where = re.sub(r"\s+", "", f.sentence)[:70]
                print(f"   EXTRA  {f.indicator_code} {f.value} {f.raw_text!r} q={f.qualifier} {f.flags} | {where}")
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"precision={p:.3f} recall={r:.3f} F1={f1:.3f}")
    print(f"period_year_accuracy={period_ok / period_n if period_n else 0:.3f} ({period_ok}/{period_n})")
    print(f"target_flag_accuracy={target_ok / target_n if target_n else 0:.3f} ({target_ok}/{target_n})")


if __name__ == "__main__":
    main()
