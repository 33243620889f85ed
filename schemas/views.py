"""The views analysts (and the benchmark) read, as DDL for SQLite and PostgreSQL.

Views are derived, so `Warehouse.upgrade()` re-creates them whenever this DDL
changes rather than through a migration.  Both backends must hand back the same
things: dates come out as ISO 'YYYY-MM-DD' strings, timestamps as
'YYYY-MM-DDTHH:MM:SSZ' strings, values as floats.  Booleans stay native
(0/1 on SQLite, true/false on PostgreSQL); `bool()` reads both alike.

`township` is the name as the report writes it (水市乡 even when the unit is now
水市镇); `township_official` is today's gazetteer name.  `county` is NULL when
the placement is ambiguous.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import sqlalchemy as sa

# Dependent views come after the views they read; they are dropped in reverse.
VIEW_NAMES = (
    "v_documents",
    "v_facts",
    "v_quarantined_facts",
    "v_latest_facts",
    "v_county_totals",
    "v_province_totals",
)

CONTRACT_COLUMNS = {
    "v_documents": (
        "source_url",
        "title",
        "published_date",
        "status",
        "clean_text",
        "township",
        "county",
        "province",
        "period_start",
        "period_end",
    ),
    "v_facts": (
        "source_url",
        "indicator_code",
        "value",
        "period_start",
        "period_end",
        "is_target",
        "township",
        "county",
        "province",
    ),
    "v_quarantined_facts": ("source_url", "indicator_code", "value", "reason"),
}


def _iso_date_sqlite(col: str) -> str:
    return col  # SQLAlchemy stores SQLite dates as 'YYYY-MM-DD' text already


def _iso_date_postgresql(col: str) -> str:
    return f"to_char({col}, 'YYYY-MM-DD')"


def _iso_ts_sqlite(col: str) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {col})"


def _iso_ts_postgresql(col: str) -> str:
    return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


def _json_text_sqlite(col: str) -> str:
    return col


def _json_text_postgresql(col: str) -> str:
    return f"CAST({col} AS TEXT)"


_FORMATTERS: dict[str, tuple[Callable[[str], str], Callable[[str], str], Callable[[str], str]]] = {
    "sqlite": (_iso_date_sqlite, _iso_ts_sqlite, _json_text_sqlite),
    "postgresql": (_iso_date_postgresql, _iso_ts_postgresql, _json_text_postgresql),
}

# A placed document always names its township (Region.placeable needs it), so d.township is the
# name as written wherever r is known; reading the column itself lets ix_documents_township serve
# "every figure of 藤田乡" where COALESCE(d.township, r.township) would scan every fact.
_REGION_COLUMNS = """
    d.township,
    r.township AS township_official,
    r.township_code,
    r.county,
    r.county_code,
    r.city,
    r.city_code,
    r.province,
    r.province_code,
    d.region_status"""

LATEST_FACT_COLUMNS = (
    "fact_id",
    "fact_key",
    "source_url",
    "indicator_code",
    "indicator_zh",
    "unit",
    "category",
    "value",
    "period_start",
    "period_end",
    "period_label",
    "period_kind",
    "period_year",
    "is_target",
    "is_approximate",
    "qualifier",
    "township",
    "township_official",
    "township_code",
    "county",
    "county_code",
    "city",
    "city_code",
    "province",
    "province_code",
    "region_status",
    "raw_text",
    "count_word",
    "flags",
    "sentence",
    "start_offset",
    "end_offset",
    "title",
    "published_date",
    "run_id",
    "document_id",
    "region_id",
    "indicator_id",
    "period_id",
)


def view_ddl(dialect: str) -> list[tuple[str, str]]:
    """(view name, CREATE VIEW statement) in creation order, for 'sqlite' or 'postgresql'."""
    if dialect not in _FORMATTERS:
        raise ValueError(f"no view DDL for database dialect {dialect!r} (sqlite or postgresql)")
    iso_date, iso_ts, json_text = _FORMATTERS[dialect]
    v_documents = f"""
SELECT
    d.document_id,
    d.url AS source_url,
    d.title,
    {iso_date("d.published_date")} AS published_date,
    d.status,
    d.reason,
    d.clean_text,
    d.original_text,{_REGION_COLUMNS},
    {json_text("d.region_candidates")} AS region_candidates,
    d.region_evidence,
    {iso_date("d.period_start")} AS period_start,
    {iso_date("d.period_end")} AS period_end,
    d.site,
    d.site_name,
    d.publisher,
    d.column_name,
    d.content_hash,
    d.first_run_id,
    d.last_run_id AS run_id,
    {iso_ts("d.loaded_at")} AS loaded_at
FROM documents d
LEFT JOIN dim_region r ON r.region_id = d.region_id"""

    def fact_columns(keys: str) -> str:
        """The columns v_facts and v_latest_facts share; `keys` is the alias holding the dimension ids."""
        return f"""
    f.fact_id,
    f.fact_key,
    d.url AS source_url,
    i.code AS indicator_code,
    i.zh AS indicator_zh,
    i.unit,
    i.category,
    f.value,
    {iso_date('p."start"')} AS period_start,
    {iso_date('p."end"')} AS period_end,
    p.label AS period_label,
    p.kind AS period_kind,
    p.year AS period_year,
    f.is_target,
    f.is_approximate,
    f.qualifier,{_REGION_COLUMNS},
    f.raw_text,
    f.count_word,
    f.flags,
    f.sentence,
    f.start_offset,
    f.end_offset,
    d.title,
    {iso_date("d.published_date")} AS published_date,
    f.run_id,
    f.document_id,
    {keys}.region_id,
    {keys}.indicator_id,
    {keys}.period_id"""

    v_facts = f"""
SELECT{fact_columns("f")}
FROM facts f
JOIN documents d ON d.document_id = f.document_id
JOIN dim_indicator i ON i.indicator_id = f.indicator_id
JOIN dim_region r ON r.region_id = f.region_id
JOIN dim_period p ON p.period_id = f.period_id"""

    v_quarantined_facts = f"""
SELECT
    q.quarantine_id,
    q.fact_key,
    d.url AS source_url,
    q.indicator_code,
    i.zh AS indicator_zh,
    i.unit,
    q.value,
    q.reason,
    {iso_date('p."start"')} AS period_start,
    {iso_date('p."end"')} AS period_end,
    p.label AS period_label,
    q.is_target,
    q.is_approximate,
    q.qualifier,{_REGION_COLUMNS},
    q.raw_text,
    q.count_word,
    q.flags,
    q.sentence,
    q.start_offset,
    q.end_offset,
    d.title,
    {iso_date("d.published_date")} AS published_date,
    q.run_id,
    q.document_id
FROM quarantined_facts q
JOIN documents d ON d.document_id = q.document_id
LEFT JOIN dim_indicator i ON i.indicator_id = q.indicator_id
LEFT JOIN dim_region r ON r.region_id = q.region_id
LEFT JOIN dim_period p ON p.period_id = q.period_id"""

    # latest_facts holds the winner of each figure (the most recently published source, then the most
    # recently loaded, then the first mention; kept by the load, see schemas/latest.py).  The dimensions
    # join on latest_facts' own ids, so a filter on a city or county walks its key from each region.
    v_latest_facts = f"""
SELECT{fact_columns("lf")},
    lf.mentions
FROM latest_facts lf
JOIN facts f ON f.fact_id = lf.fact_id
JOIN documents d ON d.document_id = f.document_id
JOIN dim_indicator i ON i.indicator_id = lf.indicator_id
JOIN dim_region r ON r.region_id = lf.region_id
JOIN dim_period p ON p.period_id = lf.period_id"""

    # Totals add the winners' values straight from latest_facts: no fact or document row is read.
    def totals(level_cols: str, where: str) -> str:
        return f"""
SELECT
    {level_cols},
    i.code AS indicator_code,
    i.zh AS indicator_zh,
    i.unit,
    NULLIF(lf.qualifier, '') AS qualifier,
    {iso_date('p."start"')} AS period_start,
    {iso_date('p."end"')} AS period_end,
    p.label AS period_label,
    SUM(lf.value) AS total,
    COUNT(DISTINCT lf.region_id) AS townships_reporting
FROM latest_facts lf
JOIN dim_indicator i ON i.indicator_id = lf.indicator_id
JOIN dim_region r ON r.region_id = lf.region_id
JOIN dim_period p ON p.period_id = lf.period_id
WHERE i.additive AND NOT lf.is_target{where}
GROUP BY {level_cols}, i.code, i.zh, i.unit, lf.qualifier, p."start", p."end", p.label"""

    v_county_totals = totals(
        "r.province, r.province_code, r.city, r.city_code, r.county, r.county_code", " AND r.county IS NOT NULL"
    )
    v_province_totals = totals("r.province, r.province_code", " AND r.province IS NOT NULL")

    bodies = {
        "v_documents": v_documents,
        "v_facts": v_facts,
        "v_quarantined_facts": v_quarantined_facts,
        "v_latest_facts": v_latest_facts,
        "v_county_totals": v_county_totals,
        "v_province_totals": v_province_totals,
    }
    return [(name, f"CREATE VIEW {name} AS{bodies[name]}") for name in VIEW_NAMES]


def views_fingerprint(dialect: str) -> str:
    ddl = "\n".join(sql for _, sql in view_ddl(dialect))
    return hashlib.sha256(ddl.encode("utf-8")).hexdigest()[:16]


def drop_views(conn: sa.Connection) -> None:
    cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
    for name in reversed(VIEW_NAMES):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}{cascade}")


def create_views(conn: sa.Connection) -> None:
    """(Re)create every view inside the caller's transaction."""
    drop_views(conn)
    for _, sql in view_ddl(conn.dialect.name):
        conn.exec_driver_sql(sql)
