#!/usr/bin/env python3
"""Held-out figures for the chrome stripper and listing discovery, on pages they were not built from.

    python benchmarks/strip_heldout.py [--set heldout_pages2] [--json] [--no-others]

Report pages: tests/heldout_pages/NN.html with the expected body NN.txt (one paragraph
per line) and NN.meta.yaml (url, title, published_date, publisher).  Body text is scored
with the character-bigram recipe of benchmark/score.py `bigrams()` (t2s fold, white
space removed); title, date and publisher must match exactly (title and publisher after
folding script and punctuation).  trafilatura and readability-lxml are scored on the
same bodies for comparison.

Listing pages: tests/heldout_pages/listings/LN.html with LN.yaml (url, reports,
next_pages); scored as link precision / recall of parse_listing, plus whether
classify_page calls it a listing (and each report page a report).
`--set NAME` scores another set of the same layout under tests/NAME (heldout_pages2 is a
second set written blind, after heldout_pages had been used for tuning).
Not a test: prints a table (or JSON); tests/test_strip_heldout.py and
tests/test_discover_heldout.py hold the floors.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.discover import Scope, classify_page, parse_listing  # noqa: E402
from scrapers.encoding import decode_html  # noqa: E402
from scrapers.strip import StripError, strip_chrome  # noqa: E402
from scrapers.strip.repair import fold  # noqa: E402

PAGES_DIR = ROOT / "tests" / "heldout_pages"
LISTINGS_DIR = PAGES_DIR / "listings"


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def bigrams(text: str) -> Counter:
    """benchmark/score.py `bigrams()`: t2s, white space removed, character bigrams."""
    s = re.sub(r"\s+", "", _t2s().convert(text or ""))
    return Counter(s[i: i + 2] for i in range(len(s) - 1))


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def body_prf(expected: str, got: str) -> tuple[float, float, float]:
    g, p = bigrams(expected), bigrams(got)
    return prf(sum((g & p).values()), sum(p.values()), sum(g.values()))


@dataclass
class ReportCase:
    name: str
    url: str
    html: str
    expected: str
    title: str
    published_date: str | None
    publisher: str | None


@dataclass
class ReportScore:
    name: str
    p: float
    r: float
    f1: float
    title_ok: bool
    date_ok: bool
    publisher_ok: bool
    classified_report: bool
    got_title: str = ""
    got_date: str | None = None
    got_publisher: str | None = None
    error: str = ""
    others: dict[str, float] = field(default_factory=dict)


def report_cases(directory: Path = PAGES_DIR) -> list[ReportCase]:
    cases = []
    for page in sorted(directory.glob("*.html")):
        meta = yaml.safe_load(page.with_suffix(".meta.yaml").read_text("utf-8"))
        when = meta.get("published_date")
        cases.append(ReportCase(
            name=page.stem, url=meta["url"], html=decode_html(page.read_bytes(), {}),
            expected=page.with_suffix(".txt").read_text("utf-8"), title=meta["title"],
            published_date=str(when) if when else None, publisher=meta.get("publisher")))
    return cases


def _same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return not a and not b
    return fold(a) == fold(b)


def score_report(case: ReportCase) -> ReportScore:
    try:
        doc = strip_chrome(case.html, case.url)
    except StripError as exc:
        return ReportScore(case.name, 0.0, 0.0, 0.0, False, False, case.publisher is None,
                           classify_page(case.html, case.url) == "report", error=exc.reason)
    p, r, f1 = body_prf(case.expected, doc.text)
    got_date = doc.published_date.isoformat() if doc.published_date else None
    return ReportScore(
        case.name, p, r, f1, _same(doc.title, case.title), got_date == case.published_date,
        _same(doc.publisher, case.publisher), classify_page(case.html, case.url) == "report",
        got_title=doc.title, got_date=got_date, got_publisher=doc.publisher)


def other_tools() -> dict[str, object]:
    bench = ROOT / "benchmarks" / "strip_bench.py"
    spec = importlib.util.spec_from_file_location("strip_bench", bench)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return {k: v for k, v in module.tools().items() if k != "ours"}


@dataclass
class ListingScore:
    name: str
    report_p: float
    report_r: float
    next_p: float
    next_r: float
    classified_listing: bool
    missed_reports: list[str]
    extra_reports: list[str]
    missed_pages: list[str]
    extra_pages: list[str]


def _set_pr(expected: set[str], got: set[str]) -> tuple[float, float]:
    tp = len(expected & got)
    p = tp / len(got) if got else (1.0 if not expected else 0.0)
    r = tp / len(expected) if expected else 1.0
    return p, r


def score_listing(page: Path) -> ListingScore:
    spec = yaml.safe_load(page.with_suffix(".yaml").read_text("utf-8"))
    url = spec["url"]
    html = decode_html(page.read_bytes(), {})
    listing = parse_listing(html, url, Scope.for_start_url(url))
    got_reports = {link.url for link in listing.report_links}
    got_pages = set(listing.next_pages)
    want_reports, want_pages = set(spec["reports"]), set(spec.get("next_pages") or [])
    rp, rr = _set_pr(want_reports, got_reports)
    npp, nr = _set_pr(want_pages, got_pages)
    return ListingScore(page.stem, rp, rr, npp, nr, classify_page(html, url) == "listing",
                        sorted(want_reports - got_reports), sorted(got_reports - want_reports),
                        sorted(want_pages - got_pages), sorted(got_pages - want_pages))


def run(with_others: bool = True, pages_dir: Path = PAGES_DIR) -> dict:
    cases = report_cases(pages_dir)
    reports = [score_report(c) for c in cases]
    if with_others:
        for name, fn in other_tools().items():
            for case, score in zip(cases, reports, strict=True):
                try:
                    text = fn(case.html, case.url)
                except Exception:  # a comparison tool failing is its score, not ours
                    text = ""
                score.others[name] = body_prf(case.expected, text)[2]
    listings = [score_listing(p) for p in sorted((pages_dir / "listings").glob("*.html"))]
    n = len(reports) or 1
    m = len(listings) or 1
    summary = {
        "body_mean_f1": sum(s.f1 for s in reports) / n,
        "body_min_f1": min((s.f1 for s in reports), default=0.0),
        "title_acc": sum(s.title_ok for s in reports) / n,
        "date_acc": sum(s.date_ok for s in reports) / n,
        "publisher_acc": sum(s.publisher_ok for s in reports) / n,
        "report_classified": sum(s.classified_report for s in reports) / n,
        "listing_report_p": sum(s.report_p for s in listings) / m,
        "listing_report_r": sum(s.report_r for s in listings) / m,
        "listing_next_p": sum(s.next_p for s in listings) / m,
        "listing_next_r": sum(s.next_r for s in listings) / m,
        "listing_classified": sum(s.classified_listing for s in listings) / m,
    }
    for name in (reports[0].others if reports else {}):
        summary[f"{name}_mean_f1"] = sum(s.others[name] for s in reports) / n
        summary[f"{name}_min_f1"] = min(s.others[name] for s in reports)
    return {"reports": [asdict(s) for s in reports], "listings": [asdict(s) for s in listings],
            "summary": summary}


def _print(results: dict) -> None:
    reports = results["reports"]
    tools = list(reports[0]["others"]) if reports else []
    print("report pages: body bigram P/R/F1, title/date/publisher (1 = right), classify")
    print(f"{'page':<6}{'P':>7}{'R':>7}{'F1':>7}  T D Pub cls" + "".join(f"{t[:11]:>13}" for t in tools))
    for s in reports:
        flags = " ".join("1" if s[k] else "0" for k in ("title_ok", "date_ok", "publisher_ok"))
        print(f"{s['name']:<6}{s['p']:>7.3f}{s['r']:>7.3f}{s['f1']:>7.3f}  {flags}   "
              f"{'R' if s['classified_report'] else 'L'}" + "".join(f"{s['others'][t]:>13.3f}" for t in tools)
              + (f"   ! {s['error']}" if s["error"] else ""))
        wrong = [f"{k}={s['got_' + k]!r}" for k in ("title", "date", "publisher") if not s[f"{k}_ok"]]
        if wrong and not s["error"]:
            print(f"{'':<6}  got " + "; ".join(wrong))
    print("\nlisting pages: report links P/R, next pages P/R, classified as listing")
    for s in results["listings"]:
        print(f"{s['name']:<6}{s['report_p']:>7.3f}{s['report_r']:>7.3f}{s['next_p']:>9.3f}{s['next_r']:>7.3f}"
              f"   {'L' if s['classified_listing'] else 'R'}")
        for k in ("missed_reports", "extra_reports", "missed_pages", "extra_pages"):
            for u in s[k][:4]:
                print(f"{'':<8}{k}: {u}")
    print("\nsummary")
    for k, v in results["summary"].items():
        print(f"  {k:<22}{v:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-others", action="store_true", help="skip trafilatura / readability")
    ap.add_argument("--set", default=PAGES_DIR.name, help="directory under tests/ (default heldout_pages)")
    args = ap.parse_args()
    pages_dir = ROOT / "tests" / args.set
    if not pages_dir.is_dir():
        ap.error(f"no such set: {pages_dir}")
    results = run(with_others=not args.no_others, pages_dir=pages_dir)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print(results)


if __name__ == "__main__":
    main()
