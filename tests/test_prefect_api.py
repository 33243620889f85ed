"""The ephemeral Prefect API a command starts at its top (flows/prefect_api.py): it answers, the
command's PREFECT_API_URL points at it, it is gone when the command ends, and a server that cannot
start is a one-line error naming its log, not a hang or a traceback."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest

from flows import prefect_api
from flows.cli import _quiet_prefect


class Stop(Exception):
    pass


@pytest.fixture
def clean_prefect_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("PREFECT_"):
            monkeypatch.delenv(name)
    yield monkeypatch


def test_the_api_answers_while_the_command_runs_and_is_gone_after(tmp_path: Path, clean_prefect_env):
    _quiet_prefect(tmp_path)
    with prefect_api.started(tmp_path):
        url = os.environ["PREFECT_API_URL"]
        api = prefect_api._current
        prefect_api.wait_ready(on_error=Stop)
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            assert json.load(response) is True
    assert "PREFECT_API_URL" not in os.environ
    assert api.process.poll() is not None  # stopped with the command
    assert (tmp_path / "prefect.db").exists()  # the run history stays in the township home


def test_a_real_prefect_server_is_used_as_it_is(tmp_path: Path, clean_prefect_env):
    clean_prefect_env.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with prefect_api.started(tmp_path):
        assert prefect_api._current is None
        prefect_api.wait_ready(on_error=Stop)  # nothing to wait for
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:9/api"


def test_a_server_that_cannot_start_is_a_one_line_error(tmp_path: Path, clean_prefect_env):
    _quiet_prefect(tmp_path)
    # a database the server cannot open: it exits during start-up
    clean_prefect_env.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:////proc/no/such/prefect.db")
    with prefect_api.started(tmp_path), pytest.raises(Stop) as stop:
        prefect_api.wait_ready(on_error=Stop)
    message = str(stop.value)
    assert "exited with code" in message and "prefect-api.log" in message and "\n" not in message
