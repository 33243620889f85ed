"""Loads boilerplate.yaml: the selectors, phrases and labels the stripper knows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("boilerplate.yaml")


@dataclass(frozen=True)
class SimpleSelector:
    """`tag`, `#id`, `.a.b`, `tag#id.c`: what known-container matching needs, in one pass."""

    text: str
    tag: str | None
    id: str | None
    classes: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> SimpleSelector:
        m = re.fullmatch(r"([A-Za-z][\w-]*)?((?:[#.][\w-]+)*)", text.strip())
        if not m:
            raise ValueError(f"unsupported selector {text!r}")
        parts = re.findall(r"([#.])([\w-]+)", m.group(2))
        ident = next((v for k, v in parts if k == "#"), None)
        return cls(text, m.group(1).lower() if m.group(1) else None, ident,
                   frozenset(v for k, v in parts if k == "."))

    def matches(self, tag: str, ident: str | None, classes: set[str]) -> bool:
        return ((self.tag is None or self.tag == tag) and (self.id is None or self.id == ident)
                and self.classes <= classes)


@dataclass(frozen=True)
class Rules:
    content_markers: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    content_selectors: tuple[SimpleSelector, ...]
    drop_tags: frozenset[str]
    page_form_min_share: float
    chrome_class_words: frozenset[str]
    chrome_line_max_chars: int
    chrome_line: re.Pattern[str]
    end_matter: re.Pattern[str]
    metadata_labels: tuple[str, ...]
    metadata_min_hits: int
    sharing_banner: re.Pattern[str]
    attachment_link: re.Pattern[str]
    date_labels: tuple[str, ...]
    publisher_labels: tuple[str, ...]
    author_labels: tuple[str, ...]
    value_stop: str  # a regex alternation, used in a lookahead after a labelled value
    publisher_placeholders: frozenset[str]  # lower-cased
    organisation_suffixes: tuple[str, ...]
    publisher_class_words: frozenset[str]
    script_date: re.Pattern[str]
    meta_title: tuple[str, ...]
    meta_date: tuple[str, ...]
    meta_publisher: tuple[str, ...]
    meta_site_name: tuple[str, ...]
    meta_column: tuple[str, ...]
    meta_kept: frozenset[str]

    def is_chrome_line(self, line: str) -> bool:
        return len(line) <= self.chrome_line_max_chars and bool(self.chrome_line.search(line))

    def metadata_hits(self, text: str) -> int:
        return sum(1 for label in self.metadata_labels if label in text)


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> Rules:
    raw = yaml.safe_load(path.read_text("utf-8"))
    exts = "|".join(re.escape(e) for e in raw["attachment_extensions"])
    return Rules(
        content_markers=tuple((re.compile(m["begin"], re.I), re.compile(m["end"], re.I))
                              for m in raw["content_markers"]),
        content_selectors=tuple(SimpleSelector.parse(s) for s in raw["content_selectors"]),
        drop_tags=frozenset(raw["drop_tags"]),
        page_form_min_share=float(raw["page_form_min_share"]),
        chrome_class_words=frozenset(w.lower() for w in raw["chrome_class_words"]),
        chrome_line_max_chars=int(raw["chrome_line_max_chars"]),
        chrome_line=_any_of(raw["chrome_line_patterns"]),
        end_matter=_any_of(raw["end_matter_patterns"]),
        metadata_labels=tuple(raw["metadata_labels"]),
        metadata_min_hits=int(raw["metadata_min_hits"]),
        sharing_banner=_any_of(raw["sharing_banner_patterns"]),
        attachment_link=re.compile(rf"\.(?:{exts})(?:$|[?#])", re.I),
        date_labels=tuple(raw["date_labels"]),
        publisher_labels=tuple(raw["publisher_labels"]),
        author_labels=tuple(raw["author_labels"]),
        value_stop="|".join(f"(?:{p})" for p in raw["value_stop_patterns"]),
        publisher_placeholders=frozenset(str(v).lower() for v in raw["publisher_placeholders"]),
        organisation_suffixes=tuple(sorted(raw["organisation_suffixes"], key=len, reverse=True)),
        publisher_class_words=frozenset(w.lower() for w in raw["publisher_class_words"]),
        script_date=re.compile(
            r"\b(?:" + "|".join(re.escape(v) for v in raw["script_date_variables"])
            + r")\b\s*[:=]\s*[\"']([^\"'<>]{6,30})[\"']", re.I),
        meta_title=tuple(raw["meta_title"]),
        meta_date=tuple(raw["meta_date"]),
        meta_publisher=tuple(raw["meta_publisher"]),
        meta_site_name=tuple(raw["meta_site_name"]),
        meta_column=tuple(raw["meta_column"]),
        meta_kept=frozenset(raw["meta_kept"]),
    )
