"""The sources file: which sites to crawl and how politely, as typed settings.

    settings: {user_agent_contact: "ops@example.org", min_delay_s: 1.0, per_host_concurrency: 1,
               timeout_s: [5, 20], max_body_mb: 20, max_attempts: 3, backoff_base_s: 1.0,
               max_listing_pages: 50}       # every key: SourceSettings below, and the README
    sites:
      - name: 龙南市人民政府
        start_urls: [http://www.longnan.gov.cn/xxgk/.../index.html]
        allow: [http://other.host/path/]   # extra URL prefixes in scope
        horizon_days: 365
        profile: longnan                   # scrapers/profiles/<name>.yaml, optional

A bad file raises SourcesError with one line naming the file and the field,
e.g. "sources.yaml: sites[0].start_urls[1]: not an http(s) URL".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class SourcesError(Exception):
    """The sources file cannot be used; the message is one line."""


def _http_url(value: str) -> str:
    parts = urlsplit(value.strip()) if isinstance(value, str) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    return value.strip()


# Numbers and flags are strict: YAML already types them, so `max_attempts: true` or
# `min_delay_s: "2"` is a mistake to report, not a value to coerce.
def _num(**bounds: float) -> Any:
    return Field(default=None, strict=True, **bounds)


class SourceSettings(BaseModel):
    """The `settings:` mapping. Every FetchSettings field an operator tunes is here, with its
    bounds; unset ones keep the FetchSettings defaults. `obey_robots` is deliberately not:
    honouring robots.txt is the project's promise to site owners, not a per-file knob."""

    model_config = ConfigDict(extra="forbid")

    user_agent_contact: str | None = Field(default=None, min_length=3, strict=True)
    min_delay_s: float | None = _num(ge=0)
    per_host_concurrency: int | None = _num(ge=1, le=16)
    timeout_s: float | tuple[float, float] | None = None
    total_timeout_s: float | None = _num(gt=0)
    max_body_mb: float | None = _num(gt=0)
    max_attempts: int | None = _num(ge=1, le=10)
    backoff_base_s: float | None = _num(ge=0)
    backoff_max_s: float | None = _num(ge=0)
    retry_after_cap_s: float | None = _num(ge=0)
    max_redirects: int | None = _num(ge=0, le=20)
    max_crawl_delay_s: float | None = _num(ge=1)
    robots_ttl_s: float | None = _num(ge=60)
    use_env_proxies: bool | None = Field(default=None, strict=True)
    max_listing_pages: int = Field(default=50, ge=1, strict=True)

    @field_validator("timeout_s", mode="before")
    @classmethod
    def _positive_timeouts(cls, v):
        if v is None:
            return v
        pair = isinstance(v, list | tuple)
        values = list(v) if pair else [v]
        numbers = all(isinstance(t, int | float) and not isinstance(t, bool) for t in values)
        if len(values) != (2 if pair else 1) or not numbers or any(t <= 0 for t in values):
            raise ValueError("must be positive seconds: one number or [connect, read]")
        return (float(values[0]), float(values[1])) if pair else float(v)

    def fetch_overrides(self) -> dict[str, Any]:
        """Keyword arguments for scrapers.fetch.FetchSettings: only what the file sets."""
        return {k: v for k, v in self.model_dump(exclude={"max_listing_pages"}).items() if v is not None}


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    start_urls: list[str] = Field(min_length=1)
    allow: list[str] = Field(default_factory=list)
    horizon_days: int | None = Field(default=None, ge=1)
    profile: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]+$")

    @field_validator("start_urls", "allow", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("start_urls", "allow")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        # Validate each item so the error can name its index.
        errors = []
        for i, url in enumerate(v):
            try:
                _http_url(url)
            except ValueError:
                errors.append(i)
        if errors:
            raise ValueError(f"[{errors[0]}]: not an http(s) URL")
        return [u.strip() for u in v]


class Sources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: SourceSettings = Field(default_factory=SourceSettings)
    sites: list[Site] = Field(min_length=1)

    @property
    def start_urls(self) -> list[str]:
        return [u for site in self.sites for u in site.start_urls]


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _one_line(error: dict) -> str:
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    loc = tuple(p for p in error.get("loc", ()) if p not in ("float", "tuple[float,float]"))
    where = _where(loc)
    if error.get("type") == "extra_forbidden":
        msg = "unknown key"
        if len(loc) == 2 and loc[0] == "settings":  # the likeliest typo: say what is settable
            msg += f" (settable: {', '.join(SourceSettings.model_fields)})"
    if msg.startswith("["):  # an item index from a list validator: glue it to the field
        return f"{where}{msg}"
    return f"{where}: {msg}" if where else msg


def parse_sources(data: Any, name: str = "sources.yaml") -> Sources:
    if not isinstance(data, dict):
        raise SourcesError(f"{name}: expected a mapping with 'settings' and 'sites'")
    try:
        return Sources.model_validate(data)
    except ValidationError as exc:
        raise SourcesError(f"{name}: {_one_line(exc.errors()[0])}") from None


def load_sources(path: Path | str) -> Sources:
    """Read and check a sources YAML file; SourcesError (one line) if it cannot be used."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path.name}: cannot read: {exc.__class__.__name__}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SourcesError(f"{path.name}: not valid YAML{where}") from None
    return parse_sources(data, path.name)
