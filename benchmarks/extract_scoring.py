"""What the extraction benchmarks share: reading an invented report, matching as score.py does.

A report file is `# published: YYYY-MM-DD`, then the title, then the body; it becomes the
CleanDocument the strip stage would give for its page (simplified, half-width).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import opencc

from schemas.records import CleanDocument

PUBLISHED = re.compile(r"^#\s*published:\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_t2s = opencc.OpenCC("t2s").convert


@dataclass
class Figures:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    region_ok: int = 0
    region_n: int = 0
    period_ok: int = 0
    period_n: int = 0
    target_ok: int = 0
    target_n: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @staticmethod
    def ratio(ok: int, n: int) -> float:
        return ok / n if n else 0.0


def half_width(s: str) -> str:
    """Full-width ASCII to half-width, keeping 。 (a decimal point between digits in some reports)."""
    return "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in s)


def same(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=0.005, abs_tol=0.011)


def read_report(path: Path, site: str) -> CleanDocument:
    """What the strip stage would give for the page: title = first line, published date from the header."""
    lines = path.read_text("utf-8").split("\n")
    published: date | None = None
    if lines and (m := PUBLISHED.match(lines[0])):
        published = date(int(m[1]), int(m[2]), int(m[3]))
        lines = lines[1:]
    original = tuple(p.strip() for p in lines if p.strip())
    paragraphs = tuple(half_width(_t2s(p)) for p in original)
    return CleanDocument(
        url=f"http://{site}/{path.name}",
        site=site,
        title=paragraphs[0] if paragraphs else "",
        published_date=published,
        publisher=None,
        paragraphs=paragraphs[1:],
        original_paragraphs=original[1:],
    )


def year_of(d: object) -> int:
    return int(str(d)[:4])
