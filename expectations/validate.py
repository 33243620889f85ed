"""The validate stage: candidate facts of a batch -> passed / quarantined, with expectation names.

All candidate facts of the run go into ONE frame and through Great Expectations
once per suite (not once per document), so a run of any size pays the GX
set-up a handful of times.  Row-level suites decide each fact; batch-level
suites only mark the run with warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from expectations.suites import SUITES_DIR, ValidationError
from schemas.catalog import Catalog, load_catalog
from schemas.records import CheckedFact, CleanDocument, Extraction

__all__ = ["SUITES_DIR", "ValidationError", "ValidationReport", "validate_documents"]


@dataclass
class ValidationReport:
    checked: dict[str, tuple[CheckedFact, ...]]  # by document url; every candidate fact appears exactly once
    batch_warnings: list[str] = field(default_factory=list)  # batch-level expectations that failed
    failure_counts: dict[str, int] = field(default_factory=dict)  # expectation name -> rows failing it
    success: bool = True  # all row-level and batch-level expectations passed
    data_docs_index: Path | None = None  # index.html of the Data Docs built into docs_dir, when given

    @property
    def passed_count(self) -> int:
        return sum(c.passed for facts in self.checked.values() for c in facts)

    @property
    def quarantined_count(self) -> int:
        return sum(not c.passed for facts in self.checked.values() for c in facts)


def validate_documents(items: Sequence[tuple[CleanDocument, Extraction]], catalog: Catalog | None = None, *,
                       suites_dir: Path = SUITES_DIR, docs_dir: Path | None = None) -> ValidationReport:
    """Check every candidate fact of the batch against the suites in `suites_dir`.

    Raises ValidationError (one line) when a suite is missing or invalid or GX fails:
    a validation that cannot run must never pass everything.
    """
    from expectations.frame import build_frames
    from expectations.gx_session import GxSession
    from expectations.suites import load_suites

    items = list(items)
    catalog = catalog or load_catalog()
    suites = load_suites(Path(suites_dir))  # parsed even for an empty batch: a broken suite is an error
    try:
        frames = build_frames(items, catalog)
    except Exception as exc:
        raise ValidationError(f"validation input cannot be framed: {' '.join(str(exc).split())[:300]}") from None
    session = GxSession(Path(docs_dir) if docs_dir is not None else None)

    have_facts = len(frames.rows) > 0
    failed_by_id: dict[str, list[str]] = {}
    for spec in suites:
        if spec.level != "row" or not have_facts:
            continue
        for name, ids in session.run(spec, frames.facts).failed_rows.items():
            for fact_id in ids:
                names = failed_by_id.setdefault(fact_id, [])
                if name not in names:
                    names.append(name)
    # Counted per row, so a name shared by several expectations (region_placed) counts a fact once.
    failure_counts: dict[str, int] = {}
    for names in failed_by_id.values():
        for name in names:
            failure_counts[name] = failure_counts.get(name, 0) + 1

    frames.facts["quarantined"] = [int(fid in failed_by_id) for fid in frames.facts["fact_id"]]  # mean = share
    warnings: list[str] = []
    for spec in suites:
        if spec.level != "batch" or not items or (spec.frame == "facts" and not have_facts):
            continue
        frame = frames.facts if spec.frame == "facts" else frames.documents
        warnings.extend(session.run(spec, frame).warnings)

    checked: dict[str, list[CheckedFact]] = {doc.url: [] for doc, _ in items}
    for row in frames.rows:
        checked[row.document_url].append(CheckedFact(row.fact, row.fact_key, tuple(failed_by_id.get(row.fact_id, ()))))
    return ValidationReport(
        checked={url: tuple(facts) for url, facts in checked.items()},
        batch_warnings=warnings,
        failure_counts=dict(sorted(failure_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        success=not failed_by_id and not warnings,
        data_docs_index=session.build_docs(),
    )
