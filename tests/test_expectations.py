"""The validate stage: every expectation rejects a crafted bad fact and accepts its good twin.

Great Expectations takes seconds to import, so the cases share batches: one
module-scoped validation of all twins, asserted case by case.  The documents are
invented in the style of township work reports, not copied from the seeds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from expectations.generate_suites import OUTPUT, render
from expectations.suites import SUITES_DIR, ValidationError
from schemas.catalog import load_catalog
from schemas.records import CandidateFact, CleanDocument, Extraction, Region, RegionStatus

ROOT = Path(__file__).resolve().parents[1]
PLACED = Region(RegionStatus.RESOLVED, township="青石镇", county="云溪县", province="湖南省")
YEAR_2022 = (date(2022, 1, 1), date(2022, 12, 31))


def fact(code: str, value: float, *, unit: str | None = None, start: int = 0, **extra) -> CandidateFact:
    unit = unit or load_catalog()[code].unit
    return CandidateFact(code, value, unit, f"{value:g}{unit}", unit, start, start + 5, "……", **extra)


def document(name: str, facts: tuple[CandidateFact, ...], *, region: Region = PLACED,
             period: tuple[date | None, date | None] = YEAR_2022, published: date | None = date(2023, 1, 16),
             ) -> tuple[CleanDocument, Extraction]:
    doc = CleanDocument(url=f"http://127.0.0.1/xxgk/{name}.html", site="127.0.0.1", title="青石镇2022年工作总结",
                        published_date=published, publisher="青石镇人民政府", paragraphs=("……",),
                        content_hash=f"hash-{name}")
    return doc, Extraction(region, period[0], period[1], facts)


def pair(households: float, persons: float, group: str = "g1") -> tuple[CandidateFact, ...]:
    return (fact("poverty_exited_households", households, start=10, group=group),
            fact("poverty_exited_persons", persons, start=20, group=group))


def part_and_whole(name: str, whole: float, part: float) -> tuple[CleanDocument, Extraction]:
    doc, _ = document(name, ())
    whole_fact = fact("monitored_households", whole, start=30)
    key = whole_fact.fact_key(doc.url, doc.content_hash)
    return document(name, (whole_fact, fact("unstable_households", part, start=40, part_of=key)))


# name -> (expectation that must fail on the bad document only, bad document, good twin)
CASES = {
    "unresolved_region": ("region_placed",
                          document("unresolved", (fact("public_welfare_jobs", 126),), region=Region(
                              RegionStatus.UNRESOLVED)),
                          document("resolved", (fact("public_welfare_jobs", 126),))),
    "no_province": ("region_placed",
                    document("no-province", (fact("forest_rangers", 35),),
                             region=replace(PLACED, province=None)),
                    document("with-province", (fact("forest_rangers", 35),))),
    "ambiguous_but_named": (None, None,
                            document("ambiguous", (fact("village_clinics", 12),),
                                     region=replace(PLACED, status=RegionStatus.AMBIGUOUS))),
    "no_period": ("period_present",
                  document("no-period", (fact("dibao_households", 230),), period=(None, None)),
                  document("fact-period", (fact("dibao_households", 230, period_start=date(2021, 1, 1),
                                                period_end=date(2021, 12, 31)),), period=(None, None))),
    "unknown_code": ("indicator_in_catalog",
                     document("unknown-code", (fact("kindergarten_teachers", 14, unit="人"),)),
                     document("known-code", (fact("tekun_persons", 14),))),
    "unscaled_money": ("unit_is_base_unit",
                       document("wan-yuan", (fact("linkage_fund_amount", 1322.63, unit="万元"),)),
                       document("yuan", (fact("linkage_fund_amount", 13226300),))),
    "negative": ("value_non_negative",
                 document("negative", (fact("crop_area", -300),)),
                 document("positive", (fact("crop_area", 300),))),
    "over_bounds": ("value_within_bounds",
                    document("too-many-monitored", (fact("monitored_households", 43127),)),
                    document("monitored", (fact("monitored_households", 127),))),
    "rate_over_100": ("value_within_bounds",
                      document("rate-120", (fact("medical_insurance_rate", 120),)),
                      document("rate-100", (fact("medical_insurance_rate", 100),))),
    "glued": ("value_not_glued",
              document("glued", (fact("relocation_persons", 3161803, flags=("glued_number",)),)),
              document("repaired", (fact("relocation_persons", 316, flags=("glued_repaired",)),))),
    "implausible_family_size": ("persons_per_household_1_8",
                                document("family-20", pair(52, 1040)),
                                document("family-3", pair(52, 156))),
    "part_exceeds_whole": ("part_not_larger_than_whole",
                           part_and_whole("part-big", whole=43, part=50),
                           part_and_whole("part-small", whole=43, part=12)),
    "achieved_before_year_end": ("achieved_period_not_after_publication",
                                 document("published-march", (fact("migrant_workers", 2100),),
                                          published=date(2022, 3, 10)),
                                 document("target-march", (fact("migrant_workers", 2100, is_target=True),),
                                          published=date(2022, 3, 10))),
    "achieved_next_year": ("achieved_year_not_after_publication",
                           document("year-after", (fact("assistance_workshops", 4, period_start=date(2024, 1, 1),
                                                        period_end=date(2024, 1, 31)),),
                                    published=date(2023, 12, 20)),
                           document("year-same", (fact("assistance_workshops", 4, period_start=date(2023, 1, 1),
                                                       period_end=date(2023, 12, 31)),),
                                    published=date(2023, 12, 20))),
    "year_before_1949": ("period_year_not_before_1949",
                         document("year-1903", (fact("poor_villages", 3, period_start=date(1903, 1, 1),
                                                     period_end=date(1903, 12, 31)),)),
                         document("year-2019", (fact("poor_villages", 3, period_start=date(2019, 1, 1),
                                                     period_end=date(2019, 12, 31)),))),
}


@pytest.fixture(scope="module")
def twins_report():
    from expectations.validate import validate_documents

    items = [d for _, bad, good in CASES.values() for d in (bad, good) if d is not None]
    return items, validate_documents(items)


def failed_names(report, item) -> set[str]:
    return {name for checked in report.checked[item[0].url] for name in checked.failed}


@pytest.mark.parametrize("case", sorted(CASES))
def test_expectation_rejects_bad_and_accepts_twin(twins_report, case):
    _, report = twins_report
    name, bad, good = CASES[case]
    if bad is not None:
        assert name in failed_names(report, bad), report.checked[bad[0].url]
        assert report.failure_counts[name] >= 1
    assert failed_names(report, good) == set(), report.checked[good[0].url]


def test_every_candidate_fact_appears_once_with_its_key(twins_report):
    items, report = twins_report
    assert set(report.checked) == {doc.url for doc, _ in items}
    for doc, extraction in items:
        checked = report.checked[doc.url]
        assert [c.fact for c in checked] == list(extraction.facts)
        assert [c.fact_key for c in checked] == [f.fact_key(doc.url, doc.content_hash) for f in extraction.facts]
    assert not report.success


def test_pair_failure_holds_both_facts(twins_report):
    _, report = twins_report
    checked = report.checked[CASES["implausible_family_size"][1][0].url]
    assert all("persons_per_household_1_8" in c.failed for c in checked)


def test_unplaceable_document_loads_nothing():
    from expectations.validate import validate_documents

    facts = (fact("public_welfare_jobs", 126), *pair(444, 1424), fact("linkage_fund_amount", 5950000, start=50))
    item = document("anonymised", facts, region=Region(RegionStatus.UNRESOLVED, evidence="XX镇"))
    report = validate_documents([item])
    assert all("region_placed" in c.failed for c in report.checked[item[0].url])
    assert report.failure_counts["region_placed"] == len(facts)


def test_batch_warnings_mark_the_run_not_rows():
    from expectations.validate import validate_documents

    empty_pages = [document(f"notice-{i}", ()) for i in range(3)]
    held = document("held", tuple(fact("monitored_households", 9000 + i, start=i * 10) for i in range(4)))
    report = validate_documents([*empty_pages, held])
    names = " ".join(report.batch_warnings)
    assert "documents_with_facts_share" in names
    assert "quarantined_share_below_threshold" in names
    assert not report.success
    assert report.failure_counts == {"value_within_bounds": 4}
    assert all(c == () for url, c in report.checked.items() if "notice" in url)


def test_clean_batch_succeeds_without_warnings():
    from expectations.validate import validate_documents

    report = validate_documents([document("clean", (fact("village_clinics", 9), *pair(120, 410)))])
    assert report.success and report.batch_warnings == [] and report.failure_counts == {}
    assert report.passed_count == 3


def test_empty_batch_is_an_empty_report():
    from expectations.validate import validate_documents

    report = validate_documents([])
    assert report.checked == {} and report.success


@pytest.fixture
def suites_copy(tmp_path) -> Path:
    target = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, target)
    return target


def test_missing_suite_file_raises(suites_copy):
    from expectations.validate import validate_documents

    (suites_copy / "consistency.json").unlink()
    with pytest.raises(ValidationError, match="suite consistency cannot run"):
        validate_documents([document("x", (fact("village_clinics", 9),))], suites_dir=suites_copy)


@pytest.mark.parametrize("corruption", ["not json {", '{"expectations": []}', "bad_type", "no_name", "bad_column"])
def test_corrupt_suite_file_raises(suites_copy, corruption):
    from expectations.validate import validate_documents

    path = suites_copy / "completeness.json"
    data = json.loads(path.read_text("utf-8"))
    if corruption == "bad_type":
        data["expectations"][0]["type"] = "expect_township_to_be_lovely"
    elif corruption == "no_name":
        del data["expectations"][0]["meta"]
    elif corruption == "bad_column":
        data["expectations"][0]["kwargs"]["column"] = "no_such_column"
    text = json.dumps(data) if corruption in ("bad_type", "no_name", "bad_column") else corruption
    path.write_text(text, "utf-8")
    with pytest.raises(ValidationError, match=r"^suite completeness cannot run: ") as err:
        validate_documents([document("x", (fact("village_clinics", 9),))], suites_dir=suites_copy)
    assert "\n" not in str(err.value)


def test_changed_suite_file_changes_the_next_run(suites_copy):
    from expectations.validate import validate_documents

    item = document("clinics", (fact("village_clinics", 150),))
    assert validate_documents([item], suites_dir=suites_copy).checked[item[0].url][0].passed

    path = suites_copy / "plausibility.json"
    data = json.loads(path.read_text("utf-8"))
    for expectation in data["expectations"]:
        if "village_clinics" in expectation["meta"].get("indicators", []):
            expectation["kwargs"]["max_value"] = 100
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    checked = validate_documents([item], suites_dir=suites_copy).checked[item[0].url][0]
    assert checked.failed == ("value_within_bounds",)


def test_data_docs_are_built_per_run(tmp_path):
    from expectations.validate import validate_documents

    docs = tmp_path / "docs"
    report = validate_documents([document("docs", (fact("village_clinics", 900),))], docs_dir=docs)
    assert report.data_docs_index == docs / "index.html" and report.data_docs_index.is_file()
    pages = list((docs / "validations").rglob("*.html"))
    assert {p.parts[len(docs.parts) + 1] for p in pages} >= {"completeness", "plausibility", "consistency"}
    assert report.failure_counts == {"value_within_bounds": 1}


def test_committed_plausibility_suite_matches_catalog():
    assert OUTPUT.read_text("utf-8") == render(load_catalog()), "run: python -m expectations.generate_suites"


def test_every_catalog_indicator_has_bounds_in_the_suite():
    data = json.loads(OUTPUT.read_text("utf-8"))
    covered = {c for e in data["expectations"] for c in e["meta"].get("indicators", [])}
    assert covered == {i.code for i in load_catalog()}


def test_package_import_stays_light():
    code = ("import sys, expectations, expectations.validate, expectations.suites; "
            "assert 'great_expectations' not in sys.modules; assert 'pandas' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
