"""initial star schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:39:47.755602
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dim_indicator",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("zh", sa.String(length=64), nullable=False),
        sa.Column("en", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("additive", sa.Boolean(), nullable=False),
        sa.Column("lower_bound", sa.Double(), nullable=True),
        sa.Column("upper_bound", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("indicator_id", name=op.f("pk_dim_indicator")),
        sa.UniqueConstraint("code", name=op.f("uq_dim_indicator_code")),
    )
    op.create_table(
        "dim_period",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period_id", name=op.f("pk_dim_period")),
        sa.UniqueConstraint("start", "end", name=op.f("uq_dim_period_start_end")),
    )
    with op.batch_alter_table("dim_period", schema=None) as batch_op:
        batch_op.create_index("ix_dim_period_label", ["label"], unique=False)

    op.create_table(
        "dim_region",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("region_key", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("province_code", sa.String(length=16), nullable=True),
        sa.Column("city", sa.String(length=64), nullable=True),
        sa.Column("city_code", sa.String(length=16), nullable=True),
        sa.Column("county", sa.String(length=64), nullable=True),
        sa.Column("county_code", sa.String(length=16), nullable=True),
        sa.Column("township", sa.String(length=64), nullable=True),
        sa.Column("township_code", sa.String(length=16), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_dim_region")),
        sa.UniqueConstraint("region_key", name=op.f("uq_dim_region_region_key")),
    )
    with op.batch_alter_table("dim_region", schema=None) as batch_op:
        batch_op.create_index("ix_dim_region_county_code", ["county_code"], unique=False)
        batch_op.create_index("ix_dim_region_province_county", ["province", "county"], unique=False)
        batch_op.create_index("ix_dim_region_township", ["township"], unique=False)
        batch_op.create_index("ix_dim_region_township_code", ["township_code"], unique=False)

    op.create_table(
        "document_versions",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_run_id", sa.String(length=32), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("url", "content_hash", name=op.f("uq_document_versions_url_content_hash")),
    )
    op.create_table(
        "facts",
        sa.Column("fact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("fact_key", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=True),
        sa.Column("count_word", sa.String(length=16), nullable=True),
        sa.Column("qualifier", sa.String(length=64), nullable=True),
        sa.Column("is_target", sa.Boolean(), nullable=False),
        sa.Column("is_approximate", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.String(length=200), nullable=True),
        sa.Column("fact_group", sa.String(length=64), nullable=True),
        sa.Column("part_of", sa.String(length=40), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.Column("start_offset", sa.Integer(), nullable=True),
        sa.Column("end_offset", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_facts")),
        sa.UniqueConstraint("fact_key", name=op.f("uq_facts_fact_key")),
    )
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.create_index("ix_facts_document_id", ["document_id"], unique=False)
        batch_op.create_index(
            "ix_facts_region_indicator_period", ["region_id", "indicator_id", "period_id"], unique=False
        )

    op.create_table(
        "page_ledger",
        sa.Column("ledger_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ledger_id", name=op.f("pk_page_ledger")),
    )
    with op.batch_alter_table("page_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_page_ledger_at", ["at"], unique=False)
        batch_op.create_index("ix_page_ledger_run_id_url", ["run_id", "url"], unique=False)
        batch_op.create_index("ix_page_ledger_url", ["url"], unique=False)

    op.create_table(
        "quarantined_facts",
        sa.Column("quarantine_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("fact_key", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=True),
        sa.Column("count_word", sa.String(length=16), nullable=True),
        sa.Column("qualifier", sa.String(length=64), nullable=True),
        sa.Column("is_target", sa.Boolean(), nullable=False),
        sa.Column("is_approximate", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.String(length=200), nullable=True),
        sa.Column("fact_group", sa.String(length=64), nullable=True),
        sa.Column("part_of", sa.String(length=40), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.Column("start_offset", sa.Integer(), nullable=True),
        sa.Column("end_offset", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id", name=op.f("pk_quarantined_facts")),
        sa.UniqueConstraint("fact_key", name=op.f("uq_quarantined_facts_fact_key")),
    )
    with op.batch_alter_table("quarantined_facts", schema=None) as batch_op:
        batch_op.create_index("ix_quarantined_facts_document_id", ["document_id"], unique=False)

    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("prefect_flow_run_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index("ix_runs_started_at", ["started_at"], unique=False)

    op.create_table(
        "url_state",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_state", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_url_state")),
    )
    op.create_table(
        "warehouse_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_warehouse_meta")),
    )
    op.create_table(
        "documents",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_date", sa.Date(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("site", sa.String(length=255), nullable=True),
        sa.Column("site_name", sa.Text(), nullable=True),
        sa.Column("column_name", sa.Text(), nullable=True),
        sa.Column("clean_text", sa.Text(), nullable=True),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("township", sa.String(length=64), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("region_status", sa.String(length=16), nullable=True),
        sa.Column("region_candidates", sa.JSON(), nullable=True),
        sa.Column("region_evidence", sa.Text(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("first_run_id", sa.String(length=32), nullable=True),
        sa.Column("last_run_id", sa.String(length=32), nullable=True),
        sa.Column("first_loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["dim_region.region_id"], name=op.f("fk_documents_region_id_dim_region")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_documents")),
        sa.UniqueConstraint("url", name=op.f("uq_documents_url")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index("ix_documents_loaded_at", ["loaded_at"], unique=False)
        batch_op.create_index("ix_documents_published_date", ["published_date"], unique=False)
        batch_op.create_index("ix_documents_region_id", ["region_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_region_id")
        batch_op.drop_index("ix_documents_published_date")
        batch_op.drop_index("ix_documents_loaded_at")

    op.drop_table("documents")
    op.drop_table("warehouse_meta")
    op.drop_table("url_state")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_started_at")

    op.drop_table("runs")
    with op.batch_alter_table("quarantined_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantined_facts_document_id")

    op.drop_table("quarantined_facts")
    with op.batch_alter_table("page_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_page_ledger_url")
        batch_op.drop_index("ix_page_ledger_run_id_url")
        batch_op.drop_index("ix_page_ledger_at")

    op.drop_table("page_ledger")
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index("ix_facts_region_indicator_period")
        batch_op.drop_index("ix_facts_document_id")

    op.drop_table("facts")
    op.drop_table("document_versions")
    with op.batch_alter_table("dim_region", schema=None) as batch_op:
        batch_op.drop_index("ix_dim_region_township_code")
        batch_op.drop_index("ix_dim_region_township")
        batch_op.drop_index("ix_dim_region_province_county")
        batch_op.drop_index("ix_dim_region_county_code")

    op.drop_table("dim_region")
    with op.batch_alter_table("dim_period", schema=None) as batch_op:
        batch_op.drop_index("ix_dim_period_label")

    op.drop_table("dim_period")
    op.drop_table("dim_indicator")
