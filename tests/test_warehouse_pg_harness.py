"""The PostgreSQL test harness says why it cannot run instead of passing silently."""

from __future__ import annotations

import pg
import pytest


def test_missing_binaries_are_reported_with_the_reason(monkeypatch):
    monkeypatch.setattr(pg.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pg.Path, "exists", lambda self: False)
    with pytest.raises(pg.PostgresUnavailable, match="PostgreSQL binaries not found"):
        pg.find_binaries()
