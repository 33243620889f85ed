"""patterns.yaml, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATTERNS_PATH = Path(__file__).with_name("patterns.yaml")


@cache
def patterns() -> dict[str, Any]:
    return yaml.safe_load(PATTERNS_PATH.read_text("utf-8"))


def unit_family(count_word: str) -> str | None:
    """money / area / rate / households / persons / person_times, or None for other count words."""
    for family, words in patterns()["numbers"]["unit_families"].items():
        if count_word in words:
            return family
    return None
