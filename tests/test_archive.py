"""The raw archive stores bodies by content hash and gives them back without a network."""

from __future__ import annotations

import gzip
import threading
from datetime import UTC, datetime

import pytest

from schemas.records import FetchedPage
from scrapers.archive import ArchiveError, RawArchive


def page(body: bytes = "<p>五里镇2021年工作总结：公益性岗位88个</p>".encode("gb18030")) -> FetchedPage:
    return FetchedPage(url="http://www.example.gov.cn/a/t20210105_9.html",
                       requested_url="http://www.example.gov.cn/a/t20210105_9.htm", status=200,
                       headers={"Content-Type": "text/html", "ETag": '"abc"'}, body=body,
                       fetched_at=datetime(2024, 3, 1, 8, 30, tzinfo=UTC))


def test_put_then_get_round_trips(tmp_path):
    arc = RawArchive(tmp_path)
    original = page()
    digest = arc.put(original)
    assert digest == original.content_hash and arc.has(digest)
    stored = tmp_path / digest[:2] / digest[2:4] / f"{digest}.gz"
    assert gzip.decompress(stored.read_bytes()) == original.body
    assert (stored.with_suffix(".json")).exists()
    again = RawArchive(tmp_path).get(digest)
    assert again == original


def test_put_is_idempotent_and_leaves_no_temporary_files(tmp_path):
    arc = RawArchive(tmp_path)
    threads = [threading.Thread(target=arc.put, args=(page(),)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert len(files) == 2 and not any(name.startswith(".tmp-") for name in files)


def test_unknown_bad_and_corrupt_hashes_raise_archive_error(tmp_path):
    arc = RawArchive(tmp_path)
    assert not arc.has("0" * 64) and not arc.has("../etc/passwd")
    with pytest.raises(ArchiveError, match="not in the raw archive"):
        arc.get("0" * 64)
    with pytest.raises(ArchiveError, match="not a sha256"):
        arc.get("../../x")
    digest = arc.put(page(b"<p>one</p>"))
    (tmp_path / digest[:2] / digest[2:4] / f"{digest}.gz").write_bytes(gzip.compress(b"<p>two</p>"))
    with pytest.raises(ArchiveError, match="corrupt"):
        arc.get(digest)
