"""One Great Expectations context per validation call: pandas batches in, per-row verdicts out.

Great Expectations is imported here, inside `GxSession.__init__`, never at module
import time: it costs seconds and `township --help` must not pay for it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expectations.suites import SuiteSpec, ValidationError, expectation_name

DATASOURCE = "township_batch"
DOCS_SITE = "run"
# COMPLETE on a pandas batch returns every failing row (a SQL batch would stop at 20), as the
# frame's index values: the frames are indexed by fact_id (see _narrow).  Naming fact_id in
# unexpected_index_column_names instead makes GX look each failing row up one by one, 40 µs a
# row: 24 s of a 100,000-fact night where every fact fails, against 3 s for the whole check.
RESULT_FORMAT = {"result_format": "COMPLETE"}
BATCH_RESULT_FORMAT = {"result_format": "SUMMARY"}


@dataclass
class SuiteOutcome:
    suite: str
    failed_rows: dict[str, list[str]] = field(default_factory=dict)  # expectation name -> failing fact_ids
    warnings: list[str] = field(default_factory=list)  # batch-level failures, one line each


class GxSession:
    """An ephemeral GX context with one pandas asset per frame; Data Docs when docs_dir is given."""

    def __init__(self, docs_dir: Path | None = None) -> None:
        # No usage statistics from a crawler that runs without internet.
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        try:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            # GX pins this module's logger at INFO, which prints a temp-folder notice every run.
            logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
            self._gx = gx
            self.context = gx.get_context(mode="ephemeral")
            self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            self.docs_dir = docs_dir
            if docs_dir is not None:
                docs_dir.mkdir(parents=True, exist_ok=True)
                self.context.add_data_docs_site(site_name=DOCS_SITE, site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                      "base_directory": str(docs_dir)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                })
            source = self.context.data_sources.add_pandas(DATASOURCE)
            self._batches = {frame: source.add_dataframe_asset(frame).add_batch_definition_whole_dataframe(frame)
                             for frame in ("facts", "documents")}
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(f"suite setup cannot run: Great Expectations failed: {_one_line(exc)}") from None

    def run(self, spec: SuiteSpec, frame: Any) -> SuiteOutcome:
        row_level = spec.level == "row"
        result_format = RESULT_FORMAT if row_level else BATCH_RESULT_FORMAT
        try:
            frame = _narrow(frame, spec.columns)
            suite = self.context.suites.add(self._gx.ExpectationSuite(name=spec.name,
                                                                      expectations=spec.fresh_expectations()))
            batch_definition = self._batches[spec.frame]
            if self.docs_dir is None:
                # Straight on the batch: nothing is stored, which saves serialising every failing row.
                batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
                result = batch.validate(suite, result_format=result_format)
            else:
                # Through a validation definition, so the result lands in the store Data Docs render.
                definition = self.context.validation_definitions.add(
                    self._gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite))
                result = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(f"suite {spec.name} cannot run: {_one_line(exc)}") from None
        outcome = SuiteOutcome(spec.name)
        for r in result.results:
            name = expectation_name(r.expectation_config)
            raised = _raised_message(r.exception_info)
            if raised is not None:
                raise ValidationError(f"suite {spec.name} cannot run: expectation {name!r} raised: {raised}")
            if r.success:
                continue
            if row_level:
                outcome.failed_rows.setdefault(name, []).extend(_failing_ids(spec.name, name, r.result))
            else:
                outcome.warnings.append(_warning(name, r))
        return outcome

    def build_docs(self) -> Path | None:
        if self.docs_dir is None:
            return None
        try:
            self.context.build_data_docs(site_names=[DOCS_SITE])
        except Exception as exc:
            raise ValidationError(f"data docs cannot be built in {self.docs_dir}: {_one_line(exc)}") from None
        return self.docs_dir / "index.html"


def _narrow(frame: Any, columns: tuple[str, ...]) -> Any:
    """Only the columns a suite reads (plus fact_id): GX copies the frame for every row condition.

    A column the frame lacks is left out of the selection so GX itself reports it missing.
    """
    keep = [c for c in dict.fromkeys(("fact_id", *columns)) if c in frame.columns]
    narrowed = frame[keep] if keep else frame.copy()
    if "fact_id" in narrowed.columns:
        # unnamed on purpose: GX hands back an unnamed index's values of failing rows as they are
        narrowed.index = narrowed["fact_id"].to_numpy()
    return narrowed


def _failing_ids(suite: str, name: str, result: dict) -> list[str]:
    index = result.get("unexpected_index_list")
    if index is None:
        # An aggregate expectation in a row-level suite cannot say which facts failed.
        raise ValidationError(f"suite {suite} cannot run: expectation {name!r} does not report failing rows; "
                              "move it to a batch-level suite")
    return [str(item["fact_id"]) if isinstance(item, dict) else str(item) for item in index]


def _raised_message(info: Any) -> str | None:
    """GX records an expectation's exception in exception_info, flat or keyed by metric."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return _one_line(info.get("exception_message") or "unknown error")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return _one_line(value.get("exception_message") or "unknown error")
    return None


def _warning(name: str, r: Any) -> str:
    kwargs = r.expectation_config.kwargs
    column = kwargs.get("column", "")
    bounds = [f"{k}={kwargs[k]}" for k in ("min_value", "max_value", "mostly") if kwargs.get(k) is not None]
    result = r.result or {}
    if "observed_value" in result:
        observed = f"observed {_fmt(result['observed_value'])}"
    else:
        observed = f"{_fmt(result.get('unexpected_percent'))}% of rows outside"
    return f"{name}: {column} {observed} (expected {', '.join(bounds)})"


def _fmt(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
