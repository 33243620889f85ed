"""What the Warehouse hands back: its error type and small read-only records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from schemas.records import PageState, Stage


class WarehouseError(Exception):
    """A warehouse operation failed; the message is one line saying what and why."""


@dataclass(frozen=True)
class LoadResult:
    facts_loaded: int
    facts_quarantined: int
    error: str | None = None  # load_documents: why this document did not load (nothing of it was written)


@dataclass(frozen=True)
class UrlState:
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    last_fetched_at: datetime | None
    last_state: PageState | None


@dataclass(frozen=True)
class PageRecord:
    run_id: str
    url: str
    stage: Stage
    state: PageState
    reason: str | None
    content_hash: str | None
    at: datetime


@dataclass(frozen=True)
class DocumentRef:
    url: str
    content_hash: str


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    params: dict
    summary: dict
    prefect_flow_run_id: str | None


def one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split()) or type(orig).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        text += " (run Warehouse.upgrade() / `township upgrade` first)"
    return text[:400]


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
