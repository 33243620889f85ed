"""Suite files (GX expectation-suite JSON) -> checked suite specs, cached per file version.

A suite file is what GX itself writes for an ExpectationSuite, plus two keys in
its `meta` that say where it runs:

    level   "row"   each failing row is a fact that failed (quarantine reason)
            "batch" a failure marks the run (a warning), never a row
    frame   "facts" (one row per candidate fact) or "documents" (one per page)

Every expectation carries a stable `meta.name`: that name is what lands in the
quarantine table's reason and in the run's "top failing expectations".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUITES_DIR = Path(__file__).with_name("suites")
# These must exist: a missing one would silently pass everything it guards.
REQUIRED_SUITES = ("completeness", "plausibility", "consistency", "batch_documents", "batch_facts")
LEVELS = ("row", "batch")
FRAMES = ("facts", "documents")


class ValidationError(Exception):
    """The validation step cannot give a verdict (suite missing/invalid, GX failed); one-line reason."""


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    path: Path
    level: str
    frame: str
    expectations: tuple[Any, ...]  # GX Expectation objects, parsed once per file version
    columns: tuple[str, ...] = ()  # frame columns the expectations read (kwargs and row conditions)

    def fresh_expectations(self) -> list[Any]:
        # GX binds an expectation to the suite it is added to; hand out copies so the
        # cached originals stay clean for the next run.
        return [e.copy(deep=True) for e in self.expectations]


# (path, content digest) -> spec.  Keyed on the content, not only the mtime, so an
# edit within the filesystem's timestamp resolution still takes effect.
_CACHE: dict[tuple[str, int, int, str], SuiteSpec] = {}


def suite_paths(suites_dir: Path) -> list[Path]:
    """The required suites first (in order), then any extra suite files found beside them."""
    required = [suites_dir / f"{name}.json" for name in REQUIRED_SUITES]
    extra = sorted(p for p in suites_dir.glob("*.json") if p not in required) if suites_dir.is_dir() else []
    return required + extra


def load_suites(suites_dir: Path) -> list[SuiteSpec]:
    return [load_suite(path) for path in suite_paths(suites_dir)]


def load_suite(path: Path) -> SuiteSpec:
    name = path.stem
    try:
        stat = path.stat()
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"suite {name} cannot run: {path} unreadable ({exc.strerror or exc})") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, hashlib.sha1(raw).hexdigest())
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    spec = _parse_suite(name, path, raw)
    for old in [k for k in _CACHE if k[0] == key[0]]:
        del _CACHE[old]
    _CACHE[key] = spec
    return spec


def _parse_suite(name: str, path: Path, raw: bytes) -> SuiteSpec:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"suite {name} cannot run: {path.name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise ValidationError(f"suite {name} cannot run: {path.name} has no 'expectations' list")
    meta = data.get("meta") or {}
    level, frame = meta.get("level"), meta.get("frame")
    if level not in LEVELS or frame not in FRAMES:
        raise ValidationError(f"suite {name} cannot run: meta.level must be one of {LEVELS} and meta.frame "
                              f"one of {FRAMES} (got {level!r}, {frame!r})")
    if not data["expectations"]:
        raise ValidationError(f"suite {name} cannot run: it has no expectations")
    expectations = tuple(_parse_expectation(name, i, e) for i, e in enumerate(data["expectations"]))
    # The file stem names the suite: it is unique within the folder, a free-text name may not be.
    return SuiteSpec(name=name, path=path, level=level, frame=frame, expectations=expectations,
                     columns=tuple(dict.fromkeys(c for e in data["expectations"] for c in _columns(e.get("kwargs")))))


def _parse_expectation(suite: str, index: int, entry: Any) -> Any:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        raise ValidationError(f"suite {suite} cannot run: expectation #{index} has no 'type'")
    meta = entry.get("meta") or {}
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise ValidationError(f"suite {suite} cannot run: expectation #{index} ({entry['type']}) has no meta.name")
    try:
        config = ExpectationConfiguration(type=entry["type"], kwargs=dict(entry.get("kwargs") or {}), meta=meta,
                                          notes=entry.get("notes"))
        return config.to_domain_obj()
    except Exception as exc:
        reason = " ".join(str(exc).split())[:300]
        raise ValidationError(f"suite {suite} cannot run: expectation {meta['name']!r} "
                              f"({entry['type']}) is invalid: {reason}") from None


def _columns(kwargs: Any) -> list[str]:
    """Column names an expectation's kwargs mention, row conditions included."""
    if isinstance(kwargs, dict):
        found = [v for k, v in kwargs.items() if k in ("column", "column_A", "column_B", "name") and isinstance(v, str)]
        found += [v for k, v in kwargs.items() if k == "column_list" and isinstance(v, list) for v in v]
        return found + [c for k, v in kwargs.items() if isinstance(v, dict | list) for c in _columns(v)]
    if isinstance(kwargs, list):
        return [c for item in kwargs for c in _columns(item)]
    return []


def expectation_name(expectation_config: Any) -> str:
    meta = getattr(expectation_config, "meta", None) or {}
    return str(meta.get("name") or expectation_config.type)
