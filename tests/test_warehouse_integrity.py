"""Crash safety, concurrent writers and schema drift."""

from __future__ import annotations

import dataclasses
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from warehouse_samples import TENGTIAN_BODY, stub_gazetteer, tengtian_report

from schemas.tables import metadata
from schemas.warehouse import Warehouse, WarehouseError


def count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"select count(*) from {table}").scalar()
    finally:
        engine.dispose()


def test_migrations_create_exactly_the_declared_tables(wh, warehouse_url):
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert drift == []  # a change to schemas/tables.py needs a new migration


def test_a_load_that_fails_half_way_leaves_nothing_behind(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    wh.load_document(run, tengtian_report())
    other = tengtian_report(url="http://127.0.0.1/tt/other.html")
    wh.load_document(run, other)
    before = {t: count(warehouse_url, t) for t in ("documents", "facts", "page_ledger", "document_versions")}
    # a new version of the first page whose fact collides with a key of the other page: the
    # insert fails after the document row was upserted and its old facts deleted
    changed = tengtian_report(body=TENGTIAN_BODY.replace("1530人", "1531人"))
    clash = dataclasses.replace(changed.checked[0], fact_key=other.checked[0].fact_key)
    changed = dataclasses.replace(changed, checked=(clash, *changed.checked[1:]))
    with pytest.raises(WarehouseError) as info:
        wh.load_document(run, changed)
    assert "\n" not in str(info.value) and "load document" in str(info.value)
    assert {t: count(warehouse_url, t) for t in before} == before
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as conn:
        sql = "select value from v_facts where indicator_code = 'poverty_exited_households' order by source_url"
        values = [v for (v,) in conn.exec_driver_sql(sql)]
    engine.dispose()
    assert values == [412.0, 412.0]  # the first page's old version is still whole


def test_concurrent_writers_queue_instead_of_failing(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    other = Warehouse(warehouse_url, gazetteer=stub_gazetteer)  # a second process would hold its own engine
    errors: list[BaseException] = []

    def load(warehouse: Warehouse, first: int) -> None:
        try:
            for n in range(first, first + 10):
                warehouse.load_document(run, tengtian_report(url=f"http://127.0.0.1/tt/{n}.html"))
                warehouse.record_page(run, f"http://127.0.0.1/list/{n}", "discover", "skipped", "listing")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(w, i * 10)) for i, w in enumerate((wh, other, wh, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert errors == []
    assert count(warehouse_url, "documents") == 40
    assert count(warehouse_url, "facts") == 40 * 6
