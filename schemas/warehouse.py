"""The one place that writes the warehouse: runs, ledger, URL state, documents and facts.

SQLite (default) and PostgreSQL behave the same.  Every write is one
transaction; a document is loaded (upserted, its old facts replaced) in a
single transaction, so a crash never leaves half a document.  SQLite runs in
WAL mode with a busy timeout and takes the write lock at BEGIN (IMMEDIATE) so
concurrent writers queue instead of failing on lock upgrade; PostgreSQL uses
ON CONFLICT upserts and an advisory lock around upgrade().
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schemas import tables as t
from schemas.engine import make_engine
from schemas.load_plan import gazetteer_region_rows
from schemas.loader import DocumentLoader
from schemas.records import PageState, ProcessedDocument, Stage
from schemas.upgrade import upgrade_database
from schemas.warehouse_types import (
    DocumentRef,
    LoadResult,
    PageRecord,
    RunSummary,
    UrlState,
    WarehouseError,
    as_utc,
    one_line,
)

__all__ = ["DocumentRef", "LoadResult", "PageRecord", "RunSummary", "UrlState", "Warehouse", "WarehouseError"]

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
log = logging.getLogger(__name__)
_KEEP: Any = object()  # "leave this column as it is" in set_url_state


GazetteerSource = Callable[[], Iterable[Any]]


def _now() -> datetime:
    return datetime.now(UTC)


def _distinct_url_chunks(batch: Sequence[ProcessedDocument], size: int) -> Iterator[list[ProcessedDocument]]:
    """Consecutive chunks of at most `size` documents with no URL twice in a chunk (one upsert per
    row and statement); a URL seen again starts a new chunk, so later versions still win."""
    chunk: list[ProcessedDocument] = []
    urls: set[str] = set()
    for processed in batch:
        url = processed.document.url
        if len(chunk) >= size or url in urls:
            yield chunk
            chunk, urls = [], set()
        chunk.append(processed)
        urls.add(url)
    if chunk:
        yield chunk


class Warehouse:
    max_batch = 16  # documents per load transaction (load_documents)

    def __init__(self, url: str, *, gazetteer: GazetteerSource | None = None) -> None:
        self._gazetteer = gazetteer or gazetteer_region_rows
        self._upgraded = False
        try:
            parsed = sa.make_url(url)
        except Exception as exc:  # any parse failure is a bad URL
            raise WarehouseError(f"bad warehouse URL {url!r}: {one_line(exc)}") from None
        backend = parsed.get_backend_name()
        if backend not in SUPPORTED_BACKENDS:
            raise WarehouseError(f"unsupported warehouse URL {url!r}: use sqlite:///path or postgresql://...")
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the installed driver
        self.url = parsed
        self.display_url = parsed.render_as_string(hide_password=True)
        self.backend = backend
        self._loader = DocumentLoader(backend)
        try:
            self._engine = make_engine(parsed)
            self._read_engine = self._engine.execution_options(warehouse_read=True)
            with self._engine.connect():
                pass
        except Exception as exc:
            raise WarehouseError(f"cannot open warehouse {self.display_url}: {one_line(exc)}") from None

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _transaction(self, action: str, *, read: bool = False) -> Iterator[sa.Connection]:
        engine = self._read_engine if read else self._engine
        try:
            with engine.begin() as conn:
                yield conn
        except WarehouseError:
            raise
        except Exception as exc:  # every failure leaves as one WarehouseError line
            raise WarehouseError(f"cannot {action} in {self.display_url}: {one_line(exc)}") from exc

    def _insert(self, table: sa.Table):
        return (postgresql.insert if self.backend == "postgresql" else sqlite.insert)(table)

    def dispose(self) -> None:
        self._engine.dispose()

    # ------------------------------------------------------------------ schema
    def upgrade(self) -> None:
        """Migrate to head, refresh dim_indicator, seed dim_region once, (re)create views; idempotent."""
        with self._transaction("upgrade") as conn:
            upgrade_database(conn, self._gazetteer)
        self._loader.forget_indicators()
        self._upgraded = True

    def ensure_upgraded(self) -> None:
        """upgrade() once per Warehouse object: the CLI checks the warehouse before Prefect starts and
        the flow it then runs shares the object, so the second check (0.3 s) is skipped."""
        if not self._upgraded:
            self.upgrade()

    # ------------------------------------------------------------------ runs and ledger
    def start_run(self, kind: str, params: dict, *, prefect_flow_run_id: str | None = None) -> str:
        run_id = uuid.uuid4().hex
        clean_params = json.loads(json.dumps(params or {}, default=str))
        with self._transaction("start run") as conn:
            conn.execute(
                sa.insert(t.Run.__table__).values(
                    run_id=run_id,
                    kind=kind,
                    started_at=_now(),
                    status="running",
                    params=clean_params,
                    summary={},
                    prefect_flow_run_id=prefect_flow_run_id,
                )
            )
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict) -> None:
        clean = json.loads(json.dumps(summary or {}, default=str))
        with self._transaction("finish run") as conn:
            conn.execute(
                sa.update(t.Run.__table__)
                .where(t.Run.run_id == run_id)
                .values(finished_at=_now(), status=status, summary=clean)
            )
        try:
            self.refresh_statistics()
        except WarehouseError as exc:  # stale statistics slow queries down; they never make a run fail
            log.warning("%s", exc)

    def refresh_statistics(self) -> None:
        """Sample the tables for the query planner.  SQLite keeps no statistics unless asked, and without
        them it walks the wrong index (0.7 s instead of 3 ms for a city's figures on a million facts);
        analysis_limit makes it a sample, ~20 ms at that size.  Called at the end of every run."""
        with self._transaction("refresh planner statistics") as conn:
            if self.backend == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")

    def _ledger_row(self, run_id, url, stage, state, reason, content_hash) -> dict:
        return {
            "run_id": run_id,
            "url": url,
            "stage": str(stage),
            "state": str(state),
            "reason": reason,
            "content_hash": content_hash,
            "at": _now(),
        }

    def record_page(
        self,
        run_id: str,
        url: str,
        stage: Stage,
        state: PageState,
        reason: str | None = None,
        content_hash: str | None = None,
    ) -> None:
        with self._transaction("record page state") as conn:
            conn.execute(
                sa.insert(t.PageLedger.__table__), [self._ledger_row(run_id, url, stage, state, reason, content_hash)]
            )

    # ------------------------------------------------------------------ URL state
    def get_url_state(self, url: str) -> UrlState | None:
        with self._transaction("read URL state", read=True) as conn:
            row = conn.execute(sa.select(t.UrlState.__table__).where(t.UrlState.url == url)).mappings().first()
        if row is None:
            return None
        return UrlState(
            url=row["url"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            content_hash=row["content_hash"],
            last_fetched_at=as_utc(row["last_fetched_at"]),
            last_state=PageState(row["last_state"]) if row["last_state"] else None,
        )

    def set_url_state(
        self,
        url: str,
        *,
        etag: str | None = _KEEP,
        last_modified: str | None = _KEEP,
        content_hash: str | None = _KEEP,
        state: PageState | None = _KEEP,
    ) -> None:
        """Update only the fields given; giving a content_hash (a fresh fetch) also stamps last_fetched_at."""
        values: dict[str, Any] = {}
        for column, value in (("etag", etag), ("last_modified", last_modified), ("content_hash", content_hash)):
            if value is not _KEEP:
                values[column] = value
        if state is not _KEEP:
            values["last_state"] = str(state) if state is not None else None
        if content_hash is not _KEEP:
            values["last_fetched_at"] = _now()
        with self._transaction("set URL state") as conn:
            self._upsert_url_state(conn, url, values)

    def touch_url_state(self, url: str) -> None:
        """The page was asked for and had not changed (304 / same hash)."""
        with self._transaction("touch URL state") as conn:
            self._upsert_url_state(conn, url, {"last_fetched_at": _now()})

    def _upsert_url_state(self, conn: sa.Connection, url: str, values: dict) -> None:
        stmt = self._insert(t.UrlState.__table__).values(url=url, **values)
        if values:
            stmt = stmt.on_conflict_do_update(index_elements=["url"], set_=values)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=["url"])
        conn.execute(stmt)

    # ------------------------------------------------------------------ loading
    def load_document(self, run_id: str, processed: ProcessedDocument) -> LoadResult:
        """Upsert the document and replace its facts, all in one transaction; WarehouseError if it fails."""
        return self._load_batch(run_id, [processed])[0]

    def load_documents(self, run_id: str, batch: Sequence[ProcessedDocument]) -> list[LoadResult]:
        """Load documents several to a transaction, each whole or absent; one result per document, in order.

        A batch that fails (one document with a value the database refuses, say) is loaded again one
        document per transaction, so only the bad document fails: its result carries the error.
        """
        results: list[LoadResult] = []
        for chunk in _distinct_url_chunks(batch, self.max_batch):
            try:
                results += self._load_batch(run_id, chunk)
                continue
            except WarehouseError as exc:
                if len(chunk) == 1:
                    results.append(LoadResult(0, 0, error=str(exc)))
                    continue
                log.warning("batch of %d documents failed (%s); loading them one by one", len(chunk), exc)
            for processed in chunk:
                try:
                    results += self._load_batch(run_id, [processed])
                except WarehouseError as exc:
                    results.append(LoadResult(0, 0, error=str(exc)))
        return results

    def _load_batch(self, run_id: str, batch: list[ProcessedDocument]) -> list[LoadResult]:
        what = f"load document {batch[0].document.url}" if len(batch) == 1 else f"load {len(batch)} documents"
        with self._transaction(what) as conn:
            results, fresh = self._loader.load(conn, run_id, batch)
        self._loader.committed(fresh)
        return results

    # ------------------------------------------------------------------ operator questions
    def failed_pages(self, *, run_id: str | None = None, since: datetime | None = None) -> list[PageRecord]:
        """Pages whose latest ledger row (over all runs) is failed; optionally only pages seen
        in `run_id`, or whose failure is at or after `since`."""
        ledger = t.PageLedger.__table__
        last = sa.select(ledger.c.url, sa.func.max(ledger.c.ledger_id).label("last_id")).group_by(ledger.c.url)
        if run_id is not None:
            last = last.where(ledger.c.url.in_(sa.select(ledger.c.url).where(ledger.c.run_id == run_id)))
        last = last.subquery()
        query = (
            sa.select(ledger)
            .join(last, last.c.last_id == ledger.c.ledger_id)
            .where(ledger.c.state == str(PageState.FAILED))
            .order_by(ledger.c.ledger_id)
        )
        if since is not None:
            query = query.where(ledger.c.at >= as_utc(since))
        with self._transaction("list failed pages", read=True) as conn:
            rows = conn.execute(query).mappings().all()
        return [
            PageRecord(
                run_id=r["run_id"],
                url=r["url"],
                stage=Stage(r["stage"]),
                state=PageState(r["state"]),
                reason=r["reason"],
                content_hash=r["content_hash"],
                at=as_utc(r["at"]),
            )
            for r in rows
        ]

    def documents_since(self, since: date | None) -> list[DocumentRef]:
        """Documents published on or after `since` (all when None) - what a reprocess re-reads from the
        archive.  Documents with no known publication date are included: re-processing is idempotent,
        silently skipping them is not."""
        table = t.Document.__table__
        query = sa.select(table.c.url, table.c.content_hash).order_by(table.c.url)
        if since is not None:
            query = query.where(sa.or_(table.c.published_date >= since, table.c.published_date.is_(None)))
        with self._transaction("list documents", read=True) as conn:
            return [DocumentRef(url, content_hash) for url, content_hash in conn.execute(query)]

    def recent_runs(self, limit: int = 10) -> list[RunSummary]:
        table = t.Run.__table__
        query = sa.select(table).order_by(table.c.started_at.desc()).limit(limit)
        with self._transaction("list runs", read=True) as conn:
            rows = conn.execute(query).mappings().all()
        return [
            RunSummary(
                run_id=r["run_id"],
                kind=r["kind"],
                started_at=as_utc(r["started_at"]),
                finished_at=as_utc(r["finished_at"]),
                status=r["status"],
                params=r["params"] or {},
                summary=r["summary"] or {},
                prefect_flow_run_id=r["prefect_flow_run_id"],
            )
            for r in rows
        ]

    def page_state_counts(self, run_id: str) -> dict[str, int]:
        """How the run's pages ended: each page counted once, by its last ledger row in the run."""
        ledger = t.PageLedger.__table__
        last = (
            sa.select(sa.func.max(ledger.c.ledger_id))
            .where(ledger.c.run_id == run_id)
            .group_by(ledger.c.url)
            .scalar_subquery()
        )
        query = sa.select(ledger.c.state, sa.func.count()).where(ledger.c.ledger_id.in_(last)).group_by(ledger.c.state)
        with self._transaction("count page states", read=True) as conn:
            return {state: n for state, n in conn.execute(query)}
