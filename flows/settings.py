"""Where a run keeps its files, and what it crawls: one typed config per run.

Defaults follow the "embedded default" of the design: everything lives under
one home folder (`./township-data`, or $TOWNSHIP_HOME): the SQLite warehouse,
the raw archive and the Data Docs.  A PostgreSQL warehouse is one URL away.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_HOME = "township-data"


def home_dir() -> Path:
    return Path(os.environ.get("TOWNSHIP_HOME", DEFAULT_HOME)).resolve()


def default_warehouse_url(home: Path | None = None) -> str:
    return os.environ.get("TOWNSHIP_WAREHOUSE") or f"sqlite:///{(home or home_dir()) / 'warehouse.db'}"


@dataclass(frozen=True)
class RunConfig:
    """Everything a flow run needs; plain data so it travels to Dask workers as is."""

    warehouse_url: str
    home: str
    start_urls: tuple[str, ...]
    sources_file: str | None = None  # the sources YAML the start URLs came from, if any
    allow: tuple[str, ...] = ()  # extra URL prefixes in scope (sources file allow-lists)
    fetch: dict = field(default_factory=dict)  # FetchSettings overrides (delays, timeouts, UA contact)
    max_listing_pages: int = 50
    horizon_days: int | None = None  # do not follow listings past this many days back
    revisit_days: float = 7.0  # re-ask a known report URL (conditionally) only after this long
    published_window: tuple[str, str] | None = None  # backfill: only reports published in [from, to] (ISO)
    batch_size: int = 8
    task_runner: str = "threads"  # "threads", "dask" (a local cluster) or a Dask scheduler address tcp://host:port
    max_workers: int = 8
    quarantine_alert_share: float = 0.6  # a run quarantining more than this share of facts is not "Completed"
    max_failed_share: float = 0.25  # nor is one where more than this share of pages failed
    alert_min_pages: int = 2  # ... counting only when that many pages failed / were quarantined

    @property
    def archive_dir(self) -> Path:
        return Path(self.home) / "archive"

    @property
    def docs_dir(self) -> Path:
        return Path(self.home) / "data-docs"

    def as_params(self) -> dict:
        return asdict(self)
