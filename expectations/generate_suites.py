"""Build the per-indicator plausibility suite from schemas/catalog.yaml.

    python -m expectations.generate_suites           # (re)write expectations/suites/plausibility.json
    python -m expectations.generate_suites --check   # exit 1 when the committed file is stale

The output is committed, so a change of bounds shows up in review as a suite diff
and every run validates against a versioned file.  Indicators that share the
same bounds share one expectation (a row condition on the code list): GX pays
per expectation, and one per indicator would cost seconds per run.  Written
without importing Great Expectations; the tests parse the result with GX.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from expectations.suites import SUITES_DIR
from schemas.catalog import Catalog, load_catalog

OUTPUT = SUITES_DIR / "plausibility.json"
GLUED_FLAG = "glued_number"  # set by the extractor on digits run together (脱贫户4441424人)


def plausibility_suite(catalog: Catalog) -> dict:
    by_bounds: dict[tuple[float, float], list[str]] = {}
    for indicator in catalog:
        by_bounds.setdefault(indicator.bounds, []).append(indicator.code)
    expectations: list[dict] = [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "value", "min_value": 0},
            "meta": {"name": "value_non_negative"},
            "notes": "Counts, money, areas and rates of a township are never negative.",
        },
        {
            "type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": "flags", "regex": f"(?:^|,){GLUED_FLAG}(?:,|$)"},
            "meta": {"name": "value_not_glued"},
            "notes": "Digits the extractor found run together with a neighbouring number cannot be trusted.",
        },
    ]
    for (low, high), codes in sorted(by_bounds.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        codes = sorted(codes)
        expectations.append({
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "value",
                "min_value": _number(low),
                "max_value": _number(high),
                "row_condition": {"type": "comparison", "column": {"name": "indicator_code"},
                                  "operator": "IN", "parameter": codes},
            },
            "meta": {"name": "value_within_bounds", "indicators": codes},
            "notes": "Catalog bounds for one township: " + "、".join(catalog[c].zh for c in codes),
        })
    return {
        "name": "plausibility",
        "meta": {
            "level": "row",
            "frame": "facts",
            "generated_from": "schemas/catalog.yaml by python -m expectations.generate_suites; do not edit by hand",
            "about": "Is the value believable for ONE township?",
        },
        "expectations": expectations,
    }


def render(catalog: Catalog) -> str:
    return json.dumps(plausibility_suite(catalog), ensure_ascii=False, indent=2) + "\n"


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the committed suite is current")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(load_catalog())
    current = args.output.read_text("utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: run python -m expectations.generate_suites", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.write_text(text, "utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
