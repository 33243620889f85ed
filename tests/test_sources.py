"""The sources file loads into typed settings, and a bad one says what is wrong in one line."""

from __future__ import annotations

from dataclasses import fields

import pytest
from servers import Reply, scripted_server

from scrapers.fetch import Fetcher, FetchSettings
from scrapers.sources import SourcesError, SourceSettings, load_sources

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


ALL_SETTINGS = """
settings:
  user_agent_contact: "ops@example.org"
  min_delay_s: 0
  per_host_concurrency: 2
  timeout_s: 7
  total_timeout_s: 60
  max_body_mb: 5
  max_attempts: 2
  backoff_base_s: 0.05
  backoff_max_s: 0.05
  retry_after_cap_s: 10
  max_redirects: 3
  max_crawl_delay_s: 30
  robots_ttl_s: 3600
  use_env_proxies: false
sites: [{name: a, start_urls: [http://a.example/]}]
"""


def test_every_tunable_fetch_setting_is_settable_and_reaches_the_fetcher(tmp_path):
    tunable = set(SourceSettings.model_fields) - {"max_listing_pages"}
    assert {f.name for f in fields(FetchSettings)} - tunable == {"obey_robots"}  # the one kept out on purpose
    overrides = load_sources(write(tmp_path, ALL_SETTINGS)).settings.fetch_overrides()
    assert set(overrides) == tunable
    settings = FetchSettings(**overrides)
    assert (settings.backoff_base_s, settings.backoff_max_s, settings.max_attempts) == (0.05, 0.05, 2)
    assert settings.timeouts == (7.0, 7.0) and settings.max_crawl_delay_s == 30 and not settings.use_env_proxies


def test_backoff_from_the_sources_file_paces_the_retries(tmp_path):
    slept: list[float] = []
    settings = FetchSettings(**load_sources(write(tmp_path, ALL_SETTINGS)).settings.fetch_overrides())
    with scripted_server({"/down": Reply(503)}) as srv:
        out = Fetcher(settings, sleep=slept.append).fetch(srv.url("/down"), trusted_hosts={srv.host})
    assert out.reason == "HTTP 503 after 2 attempts"
    assert len(slept) == 1 and 0.05 <= slept[0] <= 0.1  # base 0.05 plus up to base of jitter


@pytest.mark.parametrize("setting, message", [
    ("backoff_base_s: -1", "settings.backoff_base_s: Input should be greater than or equal to 0"),
    ("backoff_max_s: fast", "settings.backoff_max_s: Input should be a valid number"),
    ("max_attempts: true", "settings.max_attempts: Input should be a valid integer"),
    ("max_attempts: 2.5", "settings.max_attempts: Input should be a valid integer"),
    ("retry_after_cap_s: '30'", "settings.retry_after_cap_s: Input should be a valid number"),
    ("max_redirects: -1", "settings.max_redirects: Input should be greater than or equal to 0"),
    ("max_crawl_delay_s: 0", "settings.max_crawl_delay_s: Input should be greater than or equal to 1"),
    ("use_env_proxies: maybe", "settings.use_env_proxies: Input should be a valid boolean"),
    ("timeout_s: [5]", "settings.timeout_s: must be positive seconds: one number or [connect, read]"),
    ("timeout_s: [5, -1]", "settings.timeout_s: must be positive seconds"),
    ("backof_base_s: 1", "settings.backof_base_s: unknown key (settable: user_agent_contact, "),
    ("obey_robots: false", "settings.obey_robots: unknown key"),
])
def test_bad_fetch_settings_name_the_key_in_one_line(tmp_path, setting, message):
    text = f"settings: {{{setting}}}\nsites: [{{name: a, start_urls: ['http://a.example/']}}]\n"
    with pytest.raises(SourcesError) as err:
        load_sources(write(tmp_path, text))
    assert str(err.value).startswith("sources.yaml: " + message) and "\n" not in str(err.value)
