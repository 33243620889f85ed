#!/usr/bin/env python3
"""Side-by-side main-text benchmark: our stripper vs trafilatura vs readability-lxml (vs GNE).

    python benchmarks/strip_bench.py [--shared ../shared] [--repeat 3] [--json]

Runs every tool on the mirror's report pages (MANIFEST.json), scores character-bigram
precision / recall / F1 against gold/maintext/NNN.txt with exactly the recipe of
benchmark/score.py `bigrams()` (t2s fold, white space removed), and times pages/second.
Not a test: prints a table (or JSON).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.encoding import decode_html  # noqa: E402
from scrapers.strip import StripError, strip_chrome  # noqa: E402


def load_score(shared: Path):
    spec = importlib.util.spec_from_file_location("bench_score", shared / "benchmark" / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def ours(html: str, url: str) -> str:
    try:
        return strip_chrome(html, url).text
    except StripError:
        return ""


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""


def readability_text(html: str, url: str) -> str:
    from lxml import html as lxml_html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    root = lxml_html.fromstring(summary)
    return "\n".join(t for t in (s.strip() for s in root.itertext()) if t)


def tools() -> dict[str, Callable[[str, str], str]]:
    found: dict[str, Callable[[str, str], str]] = {"ours": ours}
    for name, fn, module in (("trafilatura", trafilatura_text, "trafilatura"),
                             ("readability", readability_text, "readability")):
        if importlib.util.find_spec(module):
            found[name] = fn
    if importlib.util.find_spec("gne"):
        def gne_text(html: str, url: str) -> str:
            from gne import GeneralNewsExtractor

            return GeneralNewsExtractor().extract(html).get("content", "")
        found["gne"] = gne_text
    return found


def pages(shared: Path) -> list[tuple[str, str, str, str]]:
    """(label, url, html, gold) for every report page of the mirror."""
    mirror = shared / "mirror" / "site"
    manifest = json.loads((mirror / "MANIFEST.json").read_text("utf-8"))
    out = []
    for site in manifest["sites"]:
        for report in site["reports"]:
            body = (mirror / site["site"] / report["url"].lstrip("/")).read_bytes()
            gold = (shared / "benchmark" / "gold" / "maintext" / f"{report['seed'][:3]}.txt").read_text("utf-8")
            url = f"http://{site['site']}.mirror.test{report['url']}"
            out.append((f"{site['site']}/{report['seed'][:3]}", url, decode_html(body, {}), gold))
    return out


def time_huge_page() -> None:
    """A 5 MB page of tables nested 40 deep (and one 3,000 deep, past the parser's limit)."""
    from scrapers.strip import StripError, strip_chrome

    chunk = "<table><tr><td>" * 40 + "<p>本镇共有脱贫户100户，监测对象5户。</p>" + "</td></tr></table>" * 40
    shallow = "<html><body>" + chunk * (5_000_000 // len(chunk)) + "</body></html>"
    deep = "<html><body>" + "<table><tr><td>" * 3000 + shallow[12:]
    for label, html in (("40 deep", shallow), ("3,000 deep", deep)):
        t0 = time.perf_counter()
        try:
            outcome = f"{len(strip_chrome(html, 'http://x.gov.cn/a.html').text):,} chars of body"
        except StripError as exc:
            outcome = f"StripError: {exc}"
        print(f"5 MB of nested tables, {label}: {time.perf_counter() - t0:.2f} s ({outcome})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--repeat", type=int, default=3, help="runs per page for the timing")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--huge", action="store_true", help="also time a 5 MB page of nested tables")
    args = ap.parse_args()
    if args.huge:
        time_huge_page()
    score = load_score(args.shared)
    corpus = pages(args.shared)
    results: dict[str, dict] = {}
    for name, fn in tools().items():
        rows = {}
        started = time.perf_counter()
        for _ in range(max(args.repeat, 1)):
            texts = {label: fn(html, url) for label, url, html, _ in corpus}
        elapsed = time.perf_counter() - started
        for label, _, _, gold in corpus:
            g, p = score.bigrams(gold), score.bigrams(texts[label])
            tp = sum((g & p).values())
            rows[label] = dict(zip(("p", "r", "f1"), score.prf(tp, sum(p.values()), sum(g.values())),
                                   strict=True))
        results[name] = {
            "pages": rows,
            "min_f1": min(r["f1"] for r in rows.values()),
            "mean_f1": sum(r["f1"] for r in rows.values()) / len(rows),
            "pages_per_second": len(corpus) * max(args.repeat, 1) / elapsed if elapsed else float("inf"),
        }
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    labels = [label for label, *_ in corpus]
    header = f"{'tool':<12}" + "".join(f"{lab:>20}" for lab in labels) + f"{'min F1':>9}{'mean F1':>9}{'pages/s':>10}"
    print("bigram P/R/F1 against gold main text")
    print(header)
    print("-" * len(header))
    for name, res in results.items():
        cells = "".join(f"{r['p']:>7.3f}/{r['r']:.3f}/{r['f1']:.3f}" for r in res["pages"].values())
        print(f"{name:<12}{cells}{res['min_f1']:>9.4f}{res['mean_f1']:>9.4f}{res['pages_per_second']:>10.1f}")


if __name__ == "__main__":
    main()
