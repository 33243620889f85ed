"""`township query` and `township export` as an analyst types them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner
from warehouse_samples import stub_gazetteer, tengtian_report

from flows.cli import app
from schemas.warehouse import Warehouse

FACTS_SQL = "select indicator_code, value, township from v_facts where not is_target order by indicator_code"


@pytest.fixture
def loaded(warehouse_url, tmp_path):
    wh = Warehouse(warehouse_url, gazetteer=stub_gazetteer)
    wh.upgrade()
    wh.load_document(wh.start_run("nightly", {}), tengtian_report())
    wh.dispose()
    return warehouse_url, tmp_path


def township(*args: str, url: str, home) -> object:
    return CliRunner().invoke(app, [*args, "--warehouse", url, "--home", str(home)])


def assert_one_error_line(output: str) -> None:
    """One error message, no traceback.  (Rich folds a long message at the terminal width, so the
    printed text may span lines; the message itself is one line.)"""
    assert output.startswith("error:") and output.count("error:") == 1, output
    assert "Traceback" not in output and 'File "' not in output, output


def test_query_to_stdout_as_csv_and_json(loaded):
    url, home = loaded
    result = township("query", FACTS_SQL, "--format", "csv", url=url, home=home)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["indicator_code"], float(r["value"])) for r in rows][:2] == [
        ("linkage_fund_amount", 13226300.0),
        ("monitored_new_households", 9.0),
    ]
    assert {r["township"] for r in rows} == {"藤田乡"}
    result = township("query", FACTS_SQL, "-f", "json", url=url, home=home)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 5


def test_query_to_files_in_every_format(loaded):
    url, home = loaded
    for fmt in ("csv", "json", "parquet"):
        target = home / f"facts.{fmt}"
        result = township("query", FACTS_SQL, "--format", fmt, "--output", str(target), url=url, home=home)
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    import pyarrow.parquet as pq

    table = pq.read_table(home / "facts.parquet")
    assert table.num_rows == 5 and table.column_names == ["indicator_code", "value", "township"]
    assert json.loads((home / "facts.json").read_text("utf-8"))[0]["township"] == "藤田乡"


def test_query_table_format_prints_the_rows(loaded):
    url, home = loaded
    result = township("query", "select count(*) as facts from v_facts", url=url, home=home)
    assert result.exit_code == 0 and "6" in result.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "insert into warehouse_meta (key, value) values ('x', 'y')",
        "delete from facts",
        "update documents set title = 'x'",
    ],
)
def test_a_write_through_query_is_refused_with_one_line(loaded, statement):
    url, home = loaded
    result = township("query", statement, url=url, home=home)
    assert result.exit_code == 2
    assert_one_error_line(result.output)
    check = township("query", "select count(*) as n from facts", "-f", "json", url=url, home=home)
    assert json.loads(check.stdout) == [{"n": 6}]  # nothing changed


def test_bad_sql_and_bad_format_are_one_line_errors(loaded):
    url, home = loaded
    for args in (("query", "select * from no_such_view"), ("query", FACTS_SQL, "--format", "xml")):
        result = township(*args, url=url, home=home)
        assert result.exit_code == 2
        assert_one_error_line(result.output)


def test_export_a_view_to_csv_and_parquet(loaded):
    url, home = loaded
    result = township("export", "v_facts", str(home / "out" / "facts.csv"), url=url, home=home)
    assert result.exit_code == 0, result.output
    assert "wrote 6 rows of v_facts" in result.stdout
    with (home / "out" / "facts.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["county"] for r in rows} == {"永丰县"} and len(rows) == 6
    result = township("export", "v_latest_facts", str(home / "latest.parquet"), url=url, home=home)
    assert result.exit_code == 0, result.output
    import pyarrow.parquet as pq

    assert pq.read_table(home / "latest.parquet").num_rows == 6
    refused = township("export", "v_facts;drop table facts", str(home / "x.csv"), url=url, home=home)
    assert refused.exit_code == 2 and "not a view name" in refused.output
