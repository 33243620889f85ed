"""Blind evaluation of the extractor: ten invented reports written without looking at its rules.

    python benchmarks/extract_blind.py [--set blind|blind2|blind3] [--verbose]

Reads tests/<set>/reports/NN.txt (first line `# published: YYYY-MM-DD`, then the
title, then the body) and tests/<set>/gold.yaml, runs resolve_region and
extract_facts on each report the same way benchmarks/extract_heldout.py does,
and matches facts the way the benchmark's score.py does: (doc, indicator code,
value ±0.5%), over the benchmark's core codes, optional gold facts neutral.

Prints precision / recall / F1, region accuracy (township, county, province),
period year accuracy and target flag accuracy (both over matched required
facts).  With --verbose, every missed gold fact is printed with the report
sentence that carries it, and every extra fact with the sentence it came from.

This set measures; it is not for tuning.  Once a figure has been reported from
it, a rule changed to fix one of its misses makes it a development set.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml
from extract_scoring import Figures, read_report, same, year_of

from schemas.records import CandidateFact, CleanDocument
from scrapers.extract import extract_facts
from scrapers.extract.region import resolve_region

ROOT = Path(__file__).resolve().parents[1]
SETS = ("blind", "blind2", "blind3", "blind4", "heldout")  # blind..blind4: each measured once before any rule change
CORE_CATALOG = ROOT.parent / "shared" / "benchmark" / "catalog.yaml"
# The scored codes of that catalog, kept here for a checkout without ../shared beside it (a fresh
# clone); tests/test_extract_heldout.py checks the copy against the catalog where both exist.
CORE_CODES_COPY = ROOT / "benchmarks" / "core_codes.txt"
SENTENCE_END = re.compile(r"(?<=[。；;！？])")


def _spellings(value: float) -> list[str]:
    """How a base-unit value may be written in the text: 1530, 1,530, 153万, 1.02亿."""
    out = [f"{value:g}", f"{value:,.0f}" if value == int(value) else f"{value:g}"]
    for scale, word in ((1e8, "亿"), (1e4, "万")):
        if value >= scale:
            out.append(f"{value / scale:g}{word}")
    return out


def evidence_sentence(doc: CleanDocument, value: float, evidence: str | None) -> str:
    """The sentence of the report that carries a gold fact (by its evidence words, else by its number)."""
    sentences = [s for p in (doc.title, *doc.paragraphs) for s in SENTENCE_END.split(p) if s]
    if evidence:
        head = re.split(r"[\s(（]", evidence.strip())[0][:12]
        for s in sentences:
            if head and head in s:
                return s
    for spelling in _spellings(value):
        pattern = re.compile(rf"(?<![\d.,]){re.escape(spelling)}(?![\d.,]*\d)")
        for s in sentences:
            if pattern.search(s):
                return s
    return "(sentence not found)"


def _clip(text: str, width: int = 90) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def core_codes() -> set[str]:
    """The indicator codes the benchmark scores."""
    if CORE_CATALOG.exists():
        return {c for g in yaml.safe_load(CORE_CATALOG.read_text("utf-8")).values() for c in g}
    return set(CORE_CODES_COPY.read_text("utf-8").split())


def evaluate(verbose: bool = False, name: str = "blind") -> Figures:
    core = core_codes()
    root = ROOT / "tests" / name
    gold = yaml.safe_load((root / "gold.yaml").read_text("utf-8"))
    fig = Figures()
    for g in gold:
        doc = read_report(root / "reports" / g["doc"], name)
        region = resolve_region(doc)
        ext = extract_facts(doc, region)
        facts = [f for f in ext.facts if f.indicator_code in core]
        gfacts = [(c, float(v), (rest[0] if rest else {}) or {}) for c, v, *rest in g["facts"]]
        required = [x for x in gfacts if not x[2].get("optional")]
        used: set[int] = set()
        doc_tp = 0
        notes: list[str] = []
        # Gold order, each extracted fact used at most once: the same greedy matching as score.py.
        for code, v, opt in gfacts:
            hit = next(
                (i for i, f in enumerate(facts) if i not in used and f.indicator_code == code and same(f.value, v)),
                None,
            )
            if hit is None:
                if not opt.get("optional"):
                    where = _clip(evidence_sentence(doc, v, opt.get("evidence")))
                    notes.append(f"   MISSED {code} {v:g} t={bool(opt.get('target'))} | {where}")
                continue
            used.add(hit)
            if opt.get("optional"):
                continue
            doc_tp += 1
            f = facts[hit]
            want = opt.get("period") or g.get("period")
            if want:
                fig.period_n += 1
                ok = bool(
                    f.period_start
                    and f.period_end
                    and f.period_start.year == year_of(want[0])
                    and f.period_end.year == year_of(want[1])
                )
                fig.period_ok += ok
                if not ok:
                    notes.append(
                        f"   PERIOD {code} {v:g}: {f.period_start}..{f.period_end} want {want[0]}..{want[1]}"
                        f" | {_clip(f.sentence)}"
                    )
            fig.target_n += 1
            target_ok = f.is_target == bool(opt.get("target"))
            fig.target_ok += target_ok
            if not target_ok:
                notes.append(f"   TARGET {code} {v:g}: is_target={f.is_target} | {_clip(f.sentence)}")
        extra: list[CandidateFact] = [f for i, f in enumerate(facts) if i not in used]
        optional_hits = len(used) - doc_tp
        fig.tp += doc_tp
        fig.n_pred += len(facts) - optional_hits
        fig.n_gold += len(required)
        counties = g.get("county") or []
        county_ok = not counties or region.county in counties or (len(counties) > 1 and not region.county)
        region_ok = region.township == g["township"] and county_ok and region.province == g["province"]
        fig.region_n += 1
        fig.region_ok += region_ok
        fig.lines.append(
            f"{g['doc']}: gold={len(required)} matched={doc_tp} extracted={len(facts) - optional_hits} "
            f"region={region.township}/{region.county}/{region.province} ({region.status})"
            + ("" if region_ok else f" WANT {g['township']}/{'|'.join(counties)}/{g['province']}")
            + f" period={ext.period_start}..{ext.period_end}"
        )
        if verbose:
            fig.lines.extend(notes)
            for f in extra:
                fig.lines.append(
                    f"   EXTRA  {f.indicator_code} {f.value:g} {f.raw_text!r} t={f.is_target} q={f.qualifier}"
                    f" | {_clip(f.sentence)}"
                )
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss and extra with its sentence")
    ap.add_argument("--set", dest="name", choices=SETS, default="blind", help="which blind set")
    args = ap.parse_args()
    fig = evaluate(args.verbose, args.name)
    print("\n".join(fig.lines))
    print(f"precision={fig.precision:.3f} recall={fig.recall:.3f} F1={fig.f1:.3f}", end=" ")
    print(f"({fig.tp}/{fig.n_pred} pred, {fig.n_gold} gold)")
    print(f"region_accuracy={fig.ratio(fig.region_ok, fig.region_n):.3f} ({fig.region_ok}/{fig.region_n})")
    print(f"period_year_accuracy={fig.ratio(fig.period_ok, fig.period_n):.3f} ({fig.period_ok}/{fig.period_n})")
    print(f"target_flag_accuracy={fig.ratio(fig.target_ok, fig.target_n):.3f} ({fig.target_ok}/{fig.target_n})")


if __name__ == "__main__":
    main()
