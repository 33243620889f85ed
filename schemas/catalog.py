"""The indicator catalog (catalog.yaml), loaded once into typed records."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")


@dataclass(frozen=True)
class Indicator:
    code: str
    zh: str
    en: str
    category: str
    unit: str
    counts: tuple[str, ...]
    aliases: tuple[str, ...]
    additive: bool
    bounds: tuple[float, float]
    persons: str | None = None  # sibling code for the Y of "X户Y人"
    amount: str | None = None  # sibling code for money said of the same subject
    qualifier: str | None = None


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    categories: dict[str, str]

    def __getitem__(self, code: str) -> Indicator:
        return self.indicators[code]

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)


def parse_catalog(data: dict) -> Catalog:
    indicators = {}
    for code, d in data["indicators"].items():
        indicators[code] = Indicator(
            code=code,
            zh=d["zh"],
            en=d.get("en", code),
            category=d["category"],
            unit=str(d["unit"]),
            counts=tuple(str(c) for c in d.get("counts") or [d["unit"]]),
            aliases=tuple(d.get("aliases") or []),
            additive=bool(d.get("additive", False)),
            bounds=(float(d["bounds"][0]), float(d["bounds"][1])),
            persons=d.get("persons"),
            amount=d.get("amount"),
            qualifier=d.get("qualifier"),
        )
    return Catalog(indicators=indicators, categories=dict(data.get("categories") or {}))


@cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    return parse_catalog(yaml.safe_load(path.read_text("utf-8")))
