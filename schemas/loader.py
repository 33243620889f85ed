"""Writing documents and their facts: a batch of documents per transaction, each whole or absent.

The load stage hands the warehouse the documents of one batch of pages.  They are
written in one transaction: on PostgreSQL one region lock, a COPY of the facts, three
statements and one commit for the whole batch (schemas/load_sql.py), on SQLite one commit; and
`latest_facts` is re-ranked once for every figure the batch touches
(schemas/latest.py).  What a load writes is worked out without SQL by
schemas/load_plan.py; this module maps ids onto those rows and writes them.

Ids of dimension rows made on demand (a township the seed lacks, a custom
period) are cached only once the transaction that made them has committed: a
rolled-back row must be made again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schemas import latest
from schemas import tables as t
from schemas.load_plan import LoadPlan, describe_period, plan_load
from schemas.load_sql import PostgresLoadSql, SqliteLoadSql, postgresql_load_sql, sqlite_load_sql
from schemas.records import ProcessedDocument, Stage
from schemas.warehouse_types import LoadResult


def _json_value(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, default=_json_value)


@dataclass
class StagedDocument:
    """One document's rows with every dimension id mapped, waiting for its document id."""

    document: dict
    record: dict  # the version / ledger / URL-state values
    facts: list[dict]
    held: list[dict]
    region_id: int | None

    def with_document_id(self, document_id: int) -> tuple[list[dict], list[dict]]:
        for row in (*self.facts, *self.held):
            row["document_id"] = document_id
        return self.facts, self.held


@dataclass
class _Fresh:
    """Dimension ids made inside the current transaction."""

    regions: dict[str, int] = field(default_factory=dict)
    periods: dict[tuple[date, date], int] = field(default_factory=dict)


class DocumentLoader:
    """Loads batches of ProcessedDocuments over a connection the caller holds a transaction on."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self._insert: Callable[[sa.Table], Any] = postgresql.insert if backend == "postgresql" else sqlite.insert
        self._indicator_ids: dict[str, int] | None = None
        self._region_ids: dict[str, int] = {}
        self._period_ids: dict[tuple[date, date], int] = {}
        self._sql: SqliteLoadSql | PostgresLoadSql = (
            postgresql_load_sql() if backend == "postgresql" else sqlite_load_sql()
        )
        self._upsert_document: Any = None
        self._lock = threading.Lock()

    def forget_indicators(self) -> None:
        """dim_indicator was refreshed (upgrade): read its ids again."""
        with self._lock:
            self._indicator_ids = None

    def load(self, conn: sa.Connection, run_id: str, batch: list[ProcessedDocument]) -> tuple[list[LoadResult], _Fresh]:
        """Write the batch (distinct URLs) on `conn`; the caller commits, then calls `committed(fresh)`."""
        fresh = _Fresh()
        indicator_ids = self._indicator_map(conn)
        plans = [plan_load(p, run_id, frozenset(indicator_ids)) for p in batch]
        region_ids = self._region_map(conn, [plan.region for plan in plans if plan.region is not None], fresh)
        period_ids = self._period_map(conn, set().union(*(plan.periods for plan in plans)), fresh)
        now = datetime.now(UTC)
        staged = [self._stage(run_id, processed, plan, indicator_ids, region_ids, period_ids, now)
                  for processed, plan in zip(batch, plans, strict=True)]
        if self.backend == "postgresql":
            self._write_postgresql(conn, staged)
        else:
            self._write_sqlite(conn, staged)
        return [LoadResult(len(s.facts), len(s.held)) for s in staged], fresh

    def committed(self, fresh: _Fresh) -> None:
        with self._lock:
            self._region_ids.update(fresh.regions)
            self._period_ids.update(fresh.periods)

    # ------------------------------------------------------------------ ids
    @staticmethod
    def _stage(run_id: str, processed: ProcessedDocument, plan: LoadPlan, indicator_ids: dict[str, int],
               region_ids: dict[str, int], period_ids: dict, now: datetime) -> StagedDocument:
        region_id = region_ids[plan.region["region_key"]] if plan.region is not None else None
        document = {**plan.document, "region_id": region_id, "first_run_id": run_id, "last_run_id": run_id,
                    "first_loaded_at": now, "loaded_at": now}
        doc = processed.document
        record = {"url": doc.url, "content_hash": doc.content_hash, "run_id": run_id, "at": now,
                  "stage": str(Stage.LOAD), "state": str(processed.state), "reason": processed.reason}
        common = {"region_id": region_id}
        facts = [{**p.row, **common, "indicator_id": indicator_ids[p.indicator_code], "period_id": period_ids[p.period]}
                 for p in plan.facts]
        held = [{**p.row, **common, "indicator_code": p.indicator_code,
                 "indicator_id": indicator_ids.get(p.indicator_code),
                 "period_id": period_ids.get(p.period) if p.period else None, "reason": p.reason}
                for p in plan.quarantined]
        return StagedDocument(document, record, facts, held, region_id)

    def _indicator_map(self, conn: sa.Connection) -> dict[str, int]:
        with self._lock:
            if self._indicator_ids is None:
                rows = conn.execute(sa.select(t.DimIndicator.code, t.DimIndicator.indicator_id))
                self._indicator_ids = {code: iid for code, iid in rows}
            return self._indicator_ids

    def _region_map(self, conn: sa.Connection, rows: list[dict], fresh: _Fresh) -> dict[str, int]:
        """dim_region ids of the batch's placements, one lookup for those not cached; a township the
        seeded dimension lacks (a placement by the text alone, say) gets its row made here."""
        known = {**fresh.regions, **self._region_ids}
        missing = {row["region_key"]: row for row in rows if row["region_key"] not in known}
        if missing:
            table = t.DimRegion.__table__
            lookup = sa.select(table.c.region_key, table.c.region_id).where(table.c.region_key.in_(sorted(missing)))
            found = dict(conn.execute(lookup).all())
            unmade = [row for key, row in sorted(missing.items()) if key not in found]
            if unmade:
                conn.execute(self._insert(table).on_conflict_do_nothing(index_elements=["region_key"]), unmade)
                found = dict(conn.execute(lookup).all())
            fresh.regions.update(found)
            known.update(found)
        return known

    def _period_map(self, conn: sa.Connection, periods: set[tuple[date, date]], fresh: _Fresh) -> dict:
        known = {**fresh.periods, **self._period_ids}
        ids = {p: known[p] for p in periods if p in known}
        missing = periods - ids.keys()
        if not missing:
            return ids
        table = t.DimPeriod.__table__
        rows = []
        for start, end in sorted(missing):
            info = describe_period(start, end)
            rows.append({"start": start, "end": end, "kind": info.kind, "label": info.label, "year": info.year})
        conn.execute(self._insert(table).on_conflict_do_nothing(index_elements=["start", "end"]), rows)
        starts = {s for s, _ in missing}
        found = conn.execute(sa.select(table.c.start, table.c.end, table.c.period_id).where(table.c.start.in_(starts)))
        for s, e, pid in found:
            if (s, e) in missing:
                ids[(s, e)] = fresh.periods[(s, e)] = pid
        return ids

    # ------------------------------------------------------------------ writing
    def _write_sqlite(self, conn: sa.Connection, staged: list[StagedDocument]) -> None:
        sql = self._sql
        assert isinstance(sql, SqliteLoadSql)
        if self._upsert_document is None:
            docs = t.Document.__table__
            stmt = sqlite.insert(docs)
            keep = {"document_id", "url", "first_run_id", "first_loaded_at"}
            self._upsert_document = stmt.on_conflict_do_update(
                index_elements=["url"], set_={c.name: stmt.excluded[c.name] for c in docs.c if c.name not in keep}
            ).returning(docs.c.document_id)
        raw = conn.connection.dbapi_connection
        old_keys: set[latest.Key] = set()
        new_keys: set[latest.Key] = set()
        for doc in staged:
            document_id = conn.execute(self._upsert_document, doc.document).scalar_one()
            old_keys |= latest.sqlite_old_keys(raw, document_id)
            conn.execute(sql.delete_facts, {"doc_id": document_id})
            conn.execute(sql.delete_held, {"doc_id": document_id})
            loaded, held = doc.with_document_id(document_id)
            # straight to sqlite3's executemany: the rows hold only str/float/int/bool/None
            for table, rows in ((t.facts, loaded), (t.quarantined_facts, held)):
                if rows:
                    columns = list(rows[0])
                    raw.executemany(sql.insert_rows(table, columns), [tuple(r[c] for c in columns) for r in rows])
            new_keys |= latest.new_keys(doc.region_id, loaded)
        latest.refresh_sqlite(raw, old_keys, new_keys)
        for stmt in sql.record_load:
            conn.execute(stmt, [doc.record for doc in staged])

    def _write_postgresql(self, conn: sa.Connection, staged: list[StagedDocument]) -> None:
        sql = self._sql
        assert isinstance(sql, PostgresLoadSql)
        region_ids = sorted({doc.region_id for doc in staged if doc.region_id is not None})
        conn.execute(sql.lock_regions, {"region_ids": region_ids, "urls": [doc.document["url"] for doc in staged]})
        replaced = conn.execute(sql.replace_documents, {"documents": _json([doc.document for doc in staged])}).all()
        ids = {url: document_id for url, document_id, _ in replaced}
        keys = set().union(*(latest.keys_from_json(old) for _, _, old in replaced))
        facts: list[dict] = []
        held: list[dict] = []
        for doc in staged:
            loaded, kept_back = doc.with_document_id(ids[doc.document["url"]])
            facts += loaded
            held += kept_back
            keys |= latest.new_keys(doc.region_id, loaded)
        if facts:
            columns = sql.fact_columns
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql.copy_facts) as copy:
                for row in facts:
                    copy.write_row([row[c] for c in columns])
        records = [doc.record for doc in staged]
        conn.execute(sql.insert_and_record, {"held": _json(held), "records": _json(records)})
        latest.refresh_postgresql(conn, keys)
