"""Site profiles: YAML overrides (CSS selectors for body/title/date) for sites we know.

A profile is optional; the generic stripper must work without one.  Files live in
scrapers/profiles/*.yaml:

    name: example county portal
    hosts: [www.example.gov.cn]        # exact host or a suffix starting with "."
    body: "div.article-body"           # CSS; several matches are read in order
    title: "h2.art-title"
    date: "span.pubtime"
    date_format: "%Y年%m月%d日"         # optional strptime format for `date`
    drop: ["div.ad-box", ".qrcode"]     # removed before anything is read
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from lxml import etree
from lxml.cssselect import CSSSelector

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"


class ProfileError(ValueError):
    """A profile file that cannot be used, with a one-line reason."""


def _selector(text: str | None, where: str) -> CSSSelector | None:
    if not text:
        return None
    try:
        return CSSSelector(text)
    except Exception as exc:
        raise ProfileError(f"{where}: bad CSS selector {text!r}: {exc}") from exc


@dataclass(frozen=True)
class SiteProfile:
    name: str
    hosts: tuple[str, ...] = ()
    body: str | None = None
    title: str | None = None
    date: str | None = None
    date_format: str | None = None
    drop: tuple[str, ...] = ()
    _compiled: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key in ("body", "title", "date"):
            self._compiled[key] = _selector(getattr(self, key), f"profile {self.name}")
        self._compiled["drop"] = [_selector(s, f"profile {self.name}") for s in self.drop]

    def applies_to(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or (h.startswith(".") and host.endswith(h)) for h in self.hosts)

    def _first(self, key: str, root: etree._Element) -> list[etree._Element]:
        sel = self._compiled.get(key)
        return list(sel(root)) if sel is not None else []  # type: ignore[operator]

    def drop_chrome(self, root: etree._Element) -> None:
        for sel in self._compiled["drop"]:  # type: ignore[union-attr]
            for el in list(sel(root)):
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)

    def select_body(self, root: etree._Element) -> etree._Element | None:
        hits = self._first("body", root)
        if not hits:
            return None
        if len(hits) == 1:
            return hits[0]
        wrapper = etree.Element("div")
        for hit in hits:  # several matches (a body split in parts) are read in order
            wrapper.append(_detached_copy(hit))
        return wrapper

    def select_text(self, key: str, root: etree._Element) -> str | None:
        for el in self._first(key, root):
            text = " ".join("".join(el.itertext()).split())
            if text:
                return text
        return None


def _detached_copy(el: etree._Element) -> etree._Element:
    from copy import deepcopy

    copy = deepcopy(el)
    copy.tail = None
    return copy


def load_profile(path: Path | str) -> SiteProfile:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot read profile: {exc}") from exc
    if not isinstance(raw, dict):
        raise ProfileError(f"{path.name}: a profile must be a mapping")
    hosts = raw.get("hosts") or []
    if isinstance(hosts, str):
        hosts = [hosts]
    drop = raw.get("drop") or []
    if isinstance(drop, str):
        drop = [drop]
    return SiteProfile(
        name=str(raw.get("name") or path.stem),
        hosts=tuple(str(h).lower() for h in hosts),
        body=raw.get("body"), title=raw.get("title"), date=raw.get("date"),
        date_format=raw.get("date_format"), drop=tuple(str(s) for s in drop),
    )


@lru_cache(maxsize=4)
def load_profiles(directory: Path | str = PROFILES_DIR) -> tuple[SiteProfile, ...]:
    directory = Path(directory)
    if not directory.is_dir():
        return ()
    return tuple(load_profile(p) for p in sorted(directory.glob("*.y*ml")))


def profile_for(url: str, profiles: tuple[SiteProfile, ...] | None = None) -> SiteProfile | None:
    """The profile whose hosts cover this URL, if any."""
    for profile in load_profiles() if profiles is None else profiles:
        if profile.applies_to(url):
            return profile
    return None
