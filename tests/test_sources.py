"""The sources file loads into typed settings, and a bad one says what is wrong in one line."""

from __future__ import annotations

import pytest

from scrapers.fetch import FetchSettings
from scrapers.sources import SourcesError, load_sources

GOOD = """
settings: {user_agent_contact: "ops@example.org", min_delay_s: 2.5, per_host_concurrency: 1,
           timeout_s: [5, 20], max_body_mb: 10, max_listing_pages: 30}
sites:
  - name: 宁都县人民政府
    start_urls: [http://www.ningdu.gov.cn/ndxxgk/c100455/list.shtml]
    allow: [http://xxgk.ningdu.gov.cn/art/]
    horizon_days: 365
    profile: ningdu
  - name: 某新闻网
    start_urls: https://news.example.com/2021-01/05/content_1.htm
"""


def write(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(text, "utf-8")
    return path


def test_good_file_loads_and_feeds_fetch_settings(tmp_path):
    src = load_sources(write(tmp_path, GOOD))
    assert [s.name for s in src.sites] == ["宁都县人民政府", "某新闻网"]
    assert src.sites[1].start_urls == ["https://news.example.com/2021-01/05/content_1.htm"]
    assert src.settings.max_listing_pages == 30 and src.sites[0].horizon_days == 365
    settings = FetchSettings(**src.settings.fetch_overrides())
    assert settings.min_delay_s == 2.5 and settings.timeouts == (5.0, 20.0) and settings.max_body_mb == 10
    assert "ops@example.org" in settings.user_agent


def test_settings_are_optional(tmp_path):
    src = load_sources(write(tmp_path, "sites: [{name: x, start_urls: ['http://a.example/b/']}]"))
    assert src.settings.fetch_overrides() == {} and src.settings.max_listing_pages == 50


@pytest.mark.parametrize("text, message", [
    ("sites:\n  - name: a\n    start_urls: [http://a.example/x, ftp://a.example/y]\n",
     "sources.yaml: sites[0].start_urls[1]: not an http(s) URL"),
    ("sites:\n  - name: a\n    start_urls: []\n", "sources.yaml: sites[0].start_urls: "),
    ("sites:\n  - name: a\n    start_urls: [http://a.example/]\n    horizon: 3\n", "sources.yaml: sites[0].horizon: "),
    ("settings: {min_delay_s: -1}\nsites: [{name: a, start_urls: [http://a.example/]}]\n",
     "sources.yaml: settings.min_delay_s: "),
    ("sites: [\n", "sources.yaml: not valid YAML at line"),
    ("- just a list\n", "sources.yaml: expected a mapping"),
])
def test_bad_files_give_one_line(tmp_path, text, message):
    with pytest.raises(SourcesError) as err:
        load_sources(write(tmp_path, text))
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match=r"nope\.yaml: cannot read"):
        load_sources(tmp_path / "nope.yaml")
