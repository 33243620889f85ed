"""latest_facts table and the indexes the analysts' common questions need

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

v_latest_facts ranked every fact at query time (~5 s on a million facts);
latest_facts keeps the winner of each figure, maintained by the load.  This
revision creates it, fills it from the facts already loaded (same ranking as
schemas/latest.py, written out here so that later edits there cannot change
what this revision does), and adds indexes for filters by city, county and
township name.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIGURE = "f.region_id, f.indicator_id, f.period_id, COALESCE(f.qualifier, ''), f.is_target"
_FILL = f"""
INSERT INTO latest_facts (region_id, indicator_id, period_id, qualifier, is_target, fact_id, value, mentions)
SELECT region_id, indicator_id, period_id, qualifier, is_target, fact_id, value, mentions FROM (
    SELECT f.region_id, f.indicator_id, f.period_id, COALESCE(f.qualifier, '') AS qualifier, f.is_target,
        f.fact_id, f.value,
        ROW_NUMBER() OVER (
            PARTITION BY {_FIGURE}
            ORDER BY d.published_date DESC NULLS LAST, f.document_id DESC, f.start_offset NULLS LAST, f.fact_id
        ) AS source_rank,
        COUNT(*) OVER (PARTITION BY {_FIGURE}) AS mentions
    FROM facts f JOIN documents d ON d.document_id = f.document_id
) ranked WHERE source_rank = 1"""

# views that will read latest_facts; Warehouse.upgrade() re-creates every view after migrating
_DEPENDENT_VIEWS = ("v_province_totals", "v_county_totals", "v_latest_facts")


def upgrade() -> None:
    op.create_table(
        "latest_facts",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("qualifier", sa.String(length=64), nullable=False),
        sa.Column("is_target", sa.Boolean(), nullable=False),
        sa.Column("fact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "region_id", "indicator_id", "period_id", "qualifier", "is_target", name=op.f("pk_latest_facts")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_latest_facts_fact_id", "latest_facts", ["fact_id"])
    op.create_index("ix_dim_region_city", "dim_region", ["city"])
    op.create_index("ix_dim_region_county", "dim_region", ["county"])
    op.create_index("ix_documents_township", "documents", ["township"])
    op.execute(_FILL)


def downgrade() -> None:
    cascade = " CASCADE" if op.get_bind().dialect.name == "postgresql" else ""
    for view in _DEPENDENT_VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}{cascade}")
    op.drop_index("ix_documents_township", table_name="documents")
    op.drop_index("ix_dim_region_county", table_name="dim_region")
    op.drop_index("ix_dim_region_city", table_name="dim_region")
    op.drop_index("ix_latest_facts_fact_id", table_name="latest_facts")
    op.drop_table("latest_facts")
