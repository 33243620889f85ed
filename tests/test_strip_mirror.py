"""The stripper on the five mirror report pages: bigram F1 against the gold body texts."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import opencc
import pytest

from scrapers.encoding import decode_html
from scrapers.strip import strip_chrome

SHARED = Path("/work/shared")
MIRROR = SHARED / "mirror" / "site"
GOLD = SHARED / "benchmark" / "gold" / "maintext"
_t2s = opencc.OpenCC("t2s").convert


def bigrams(text: str) -> Counter:
    # the recipe of benchmark/score.py: t2s fold, whitespace removed
    s = re.sub(r"\s+", "", _t2s(text or ""))
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def f1(pred: str, gold: str) -> float:
    p, g = bigrams(pred), bigrams(gold)
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def mirror_reports() -> list[tuple[str, str, str]]:
    if not (MIRROR / "MANIFEST.json").exists():
        return []
    manifest = json.loads((MIRROR / "MANIFEST.json").read_text("utf-8"))
    return [(s["site"], r["url"], r["seed"][:3]) for s in manifest["sites"] for r in s["reports"]]


@pytest.mark.skipif(not mirror_reports(), reason="shared mirror not present")
@pytest.mark.parametrize(("site", "path", "seed"), mirror_reports())
def test_mirror_page_body_f1(site: str, path: str, seed: str) -> None:
    html = decode_html((MIRROR / site / path.lstrip("/")).read_bytes(), {})
    doc = strip_chrome(html, f"http://127.0.0.1:8000{path}")
    gold = (GOLD / f"{seed}.txt").read_text("utf-8")
    assert f1(doc.text, gold) >= 0.98
    assert doc.title and doc.published_date is not None
