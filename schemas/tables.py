"""The warehouse's tables: a star of facts around region, indicator and period.

Declared once here; the Alembic migrations in `schemas/migrations/versions`
create them, and the views in `schemas/views.py` are what analysts read.
Values are floats in the catalog's base unit (元, 亩, 户, 人, %), so both
backends hand back the same Python type.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Timestamps are stored in UTC; SQLite drops the zone, the Warehouse puts it back on read.
UtcDateTime = sa.DateTime(timezone=True)
# Reloads delete and re-insert facts, so their ids churn: 64-bit on PostgreSQL.  SQLite must keep
# INTEGER for the primary key to stay the auto-incrementing rowid.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class WarehouseMeta(Base):
    """Fingerprints of what upgrade() last seeded, so re-running it is cheap."""

    __tablename__ = "warehouse_meta"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class DimRegion(Base):
    """A township of the gazetteer, or a placement made on demand (ambiguous: county NULL)."""

    __tablename__ = "dim_region"
    region_id: Mapped[int] = mapped_column(primary_key=True)
    # township_code for gazetteer units; "<status>:province/city/county/township" otherwise
    region_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    province: Mapped[str | None] = mapped_column(sa.String(64))
    province_code: Mapped[str | None] = mapped_column(sa.String(16))
    city: Mapped[str | None] = mapped_column(sa.String(64))
    city_code: Mapped[str | None] = mapped_column(sa.String(16))
    county: Mapped[str | None] = mapped_column(sa.String(64))
    county_code: Mapped[str | None] = mapped_column(sa.String(16))
    township: Mapped[str | None] = mapped_column(sa.String(64))
    township_code: Mapped[str | None] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16))  # gazetteer | document
    __table_args__ = (
        sa.Index("ix_dim_region_township", "township"),
        sa.Index("ix_dim_region_township_code", "township_code"),
        sa.Index("ix_dim_region_county_code", "county_code"),
        sa.Index("ix_dim_region_province_county", "province", "county"),
        # analysts filter by city or county name alone ("每个乡镇 of 赣州市")
        sa.Index("ix_dim_region_city", "city"),
        sa.Index("ix_dim_region_county", "county"),
    )


class DimIndicator(Base):
    __tablename__ = "dim_indicator"
    indicator_id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    zh: Mapped[str] = mapped_column(sa.String(64))
    en: Mapped[str | None] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str | None] = mapped_column(sa.String(64))
    additive: Mapped[bool] = mapped_column(sa.Boolean)
    lower_bound: Mapped[float | None] = mapped_column(sa.Double)
    upper_bound: Mapped[float | None] = mapped_column(sa.Double)


class DimPeriod(Base):
    __tablename__ = "dim_period"
    period_id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(sa.Date)
    end: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(8))  # year | half | quarter | month | custom
    label: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int] = mapped_column(sa.Integer)
    __table_args__ = (sa.UniqueConstraint("start", "end"), sa.Index("ix_dim_period_label", "label"))


class Run(Base):
    __tablename__ = "runs"
    run_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(16))
    params: Mapped[dict | None] = mapped_column(sa.JSON)
    summary: Mapped[dict | None] = mapped_column(sa.JSON)
    prefect_flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    __table_args__ = (sa.Index("ix_runs_started_at", "started_at"),)


class Document(Base):
    """One row per URL: the latest version replaces the previous one."""

    __tablename__ = "documents"
    document_id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str | None] = mapped_column(sa.Text)
    published_date: Mapped[date | None] = mapped_column(sa.Date)
    publisher: Mapped[str | None] = mapped_column(sa.Text)
    site: Mapped[str | None] = mapped_column(sa.String(255))
    site_name: Mapped[str | None] = mapped_column(sa.Text)
    column_name: Mapped[str | None] = mapped_column(sa.Text)
    clean_text: Mapped[str | None] = mapped_column(sa.Text)
    original_text: Mapped[str | None] = mapped_column(sa.Text)
    township: Mapped[str | None] = mapped_column(sa.String(64))  # as the report writes it
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dim_region.region_id"))
    region_status: Mapped[str | None] = mapped_column(sa.String(16))
    region_candidates: Mapped[list | None] = mapped_column(sa.JSON)
    region_evidence: Mapped[str | None] = mapped_column(sa.Text)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    first_run_id: Mapped[str | None] = mapped_column(sa.String(32))
    last_run_id: Mapped[str | None] = mapped_column(sa.String(32))
    first_loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        sa.Index("ix_documents_region_id", "region_id"),
        sa.Index("ix_documents_published_date", "published_date"),
        sa.Index("ix_documents_loaded_at", "loaded_at"),
        # "every figure of 藤田乡": the views' township column is the document's own name
        sa.Index("ix_documents_township", "township"),
    )


class DocumentVersion(Base):
    """Every content hash a URL has had, so replaced versions stay traceable to the raw archive."""

    __tablename__ = "document_versions"
    version_id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    first_run_id: Mapped[str | None] = mapped_column(sa.String(32))
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (sa.UniqueConstraint("url", "content_hash"),)


# The fact tables reference documents and the dimensions by id WITHOUT enforced foreign keys:
# PostgreSQL checks each key with a per-row trigger, which cut loading to a third of its speed
# (6,000 against 17,000 facts/s).  The ids come from lookups in the same transaction as the
# insert, dimension rows are never deleted, and a document's facts are replaced only by
# the load (schemas/loader.py), so the keys hold by construction.
def _fact_columns() -> list[sa.Column]:
    """Columns facts and quarantined facts share (a fresh copy per table)."""
    return [
        sa.Column("fact_key", sa.String(40), nullable=False, unique=True),
        sa.Column("document_id", sa.Integer, nullable=False),
        sa.Column("value", sa.Double, nullable=False),
        sa.Column("raw_text", sa.Text),
        sa.Column("count_word", sa.String(16)),
        sa.Column("qualifier", sa.String(64)),
        sa.Column("is_target", sa.Boolean, nullable=False),
        sa.Column("is_approximate", sa.Boolean, nullable=False),
        sa.Column("flags", sa.String(200)),  # comma-separated
        sa.Column("fact_group", sa.String(64)),
        sa.Column("part_of", sa.String(40)),
        sa.Column("sentence", sa.Text),
        sa.Column("start_offset", sa.Integer),
        sa.Column("end_offset", sa.Integer),
        sa.Column("run_id", sa.String(32)),
    ]


facts = sa.Table(
    "facts",
    Base.metadata,
    sa.Column("fact_id", BigId, primary_key=True),
    sa.Column("indicator_id", sa.Integer, nullable=False),
    sa.Column("region_id", sa.Integer, nullable=False),
    sa.Column("period_id", sa.Integer, nullable=False),
    *_fact_columns(),
    # One document's facts share one region, so this index takes a load's rows in a few pages (an
    # index led by indicator would scatter them over one page per indicator and halve load speed);
    # it serves "a township's figures", and "a county's figures" as a region_id IN (...) range.
    sa.Index("ix_facts_region_indicator_period", "region_id", "indicator_id", "period_id"),
    sa.Index("ix_facts_document_id", "document_id"),
)

quarantined_facts = sa.Table(
    "quarantined_facts",
    Base.metadata,
    sa.Column("quarantine_id", BigId, primary_key=True),
    # the code is kept as text too: a fact may name an indicator the catalog has since dropped
    sa.Column("indicator_code", sa.String(64), nullable=False),
    sa.Column("indicator_id", sa.Integer),
    sa.Column("region_id", sa.Integer),
    sa.Column("period_id", sa.Integer),
    *_fact_columns(),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Index("ix_quarantined_facts_document_id", "document_id"),
)


# The winning fact of each figure: one row per (region, indicator, period, qualifier, target flag),
# kept by the load (schemas/loader.py) in the same transaction as the facts it ranks (schemas/latest.py).
# Ranking every fact at query time cost ~5 s on a million facts; reading this table costs
# milliseconds.  `qualifier` is '' for none because NULLs never collide in a unique key.
latest_facts = sa.Table(
    "latest_facts",
    Base.metadata,
    sa.Column("region_id", sa.Integer, nullable=False),
    sa.Column("indicator_id", sa.Integer, nullable=False),
    sa.Column("period_id", sa.Integer, nullable=False),
    sa.Column("qualifier", sa.String(64), nullable=False),
    sa.Column("is_target", sa.Boolean, nullable=False),
    sa.Column("fact_id", BigId, nullable=False),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("region_id", "indicator_id", "period_id", "qualifier", "is_target"),
    # No index led by indicator: a load's rows would land on one page per indicator and the load
    # would run at two thirds of the speed.  "One indicator of a city's townships" walks the
    # key from each of the city's regions (about 1 ms on a million facts).
    sa.Index("ix_latest_facts_fact_id", "fact_id"),
    sqlite_with_rowid=False,
)


class PageLedger(Base):
    """Append-only: what happened to each page at each stage of each run."""

    __tablename__ = "page_ledger"
    ledger_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[str] = mapped_column(sa.String(32))
    url: Mapped[str] = mapped_column(sa.String(2000))
    stage: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        sa.Index("ix_page_ledger_run_id_url", "run_id", "url"),
        sa.Index("ix_page_ledger_url", "url"),
        sa.Index("ix_page_ledger_at", "at"),
    )


class UrlState(Base):
    """What the crawler knows about a URL between runs (conditional GET, revisit)."""

    __tablename__ = "url_state"
    url: Mapped[str] = mapped_column(sa.String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(sa.Text)
    last_modified: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_state: Mapped[str | None] = mapped_column(sa.String(16))


metadata = Base.metadata
