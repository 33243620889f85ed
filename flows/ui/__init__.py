"""The analysts' browser UI: the warehouse in Datasette, read-only, with canned queries.

`canned_queries.yaml` holds the common questions (Datasette shows them as forms);
`readme_queries.yaml` lists the README's example queries with the values it fills
in, so the README, the UI, the tests and benchmarks/query_bench.py all run the
same SQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CANNED = Path(__file__).with_name("canned_queries.yaml")
README_QUERIES = Path(__file__).with_name("readme_queries.yaml")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class AnalystQuery:
    name: str
    title: str
    sql: str  # with :name parameters
    params: dict[str, str | int | float] = field(default_factory=dict)
    canned: bool = False

    @property
    def literal_sql(self) -> str:
        """The SQL with the example values written in, as `township query` takes it."""
        return render_sql(self.sql, self.params)


def canned_queries() -> dict[str, dict]:
    return yaml.safe_load(CANNED.read_text("utf-8"))


def analyst_queries() -> list[AnalystQuery]:
    """The README's example queries, in order (canned ones take their SQL from canned_queries.yaml)."""
    canned = canned_queries()
    queries = []
    for entry in yaml.safe_load(README_QUERIES.read_text("utf-8")):
        source = canned[entry["name"]] if entry.get("canned") else entry
        queries.append(
            AnalystQuery(
                name=entry["name"],
                title=source["title"],
                sql=source["sql"].strip(),
                params=dict(entry.get("params") or {}),
                canned=bool(entry.get("canned")),
            )
        )
    return queries


def sql_literal(value: str | int | float) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"no SQL literal for {value!r}")
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def render_sql(sql: str, params: dict[str, str | int | float]) -> str:
    """Write the :name parameters of `sql` in as literals; a parameter without a value is an error."""

    def literal(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise ValueError(f"no value for :{name}")
        return sql_literal(params[name])

    return _PARAM.sub(literal, sql)


def datasette_metadata(db_path: Path) -> dict:
    """Datasette metadata: titles, the view descriptions and the canned queries for this database."""
    return {
        "title": "township-warehouse",
        "description": "Indicators from township work reports. Start with v_facts or a canned query.",
        "databases": {
            db_path.stem: {
                "queries": canned_queries(),
                "tables": {
                    "v_facts": {"description": "Facts that passed every expectation, with names joined."},
                    "v_latest_facts": {"description": "Latest value per township, indicator, period, qualifier."},
                    "v_county_totals": {"description": "Sums of the latest achieved figures per county."},
                    "v_province_totals": {"description": "Sums of the latest achieved figures per province."},
                    "v_quarantined_facts": {"description": "Facts held back, with the failed expectations."},
                    "v_documents": {"description": "Every report page loaded, with its clean text."},
                },
            }
        },
    }


def datasette_command(db_path: Path, metadata_path: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """The Datasette command line: immutable (-i) so the UI can never write to the warehouse."""
    metadata_path.write_text(json.dumps(datasette_metadata(db_path), ensure_ascii=False, indent=1), "utf-8")
    return [
        "datasette",
        "serve",
        "-i",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
