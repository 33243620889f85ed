"""Glued household/person counts (户 lost between them) never pass as facts."""

from __future__ import annotations

from extract_helpers import facts


def test_glued_number_is_repaired_when_one_split_is_plausible() -> None:
    got = facts("2023年全镇共有脱贫户3261290人。")
    assert [(f.indicator_code, f.value) for f in got] == [
        ("poverty_exited_households", 326),
        ("poverty_exited_persons", 1290),
    ]
    assert all("glued_repaired" in f.flags for f in got)
    assert got[0].group == got[1].group is not None


def test_glued_number_is_flagged_when_no_split_is_plausible() -> None:
    got = facts("全镇共有监测对象1111111人。")
    assert [(f.indicator_code, f.value) for f in got] == [("monitored_persons", 1111111)]
    assert "glued_number" in got[0].flags


def test_glued_number_with_no_sensible_split_is_read_raw_and_flagged() -> None:
    # consecutive splits differ ~100x in persons per household, so at most one can be plausible;
    # when none is (9|100000, 91|00000 …) the raw value is kept for quarantine, never as a clean fact
    got = facts("全镇共有脱贫户9100000人。")
    assert [(f.indicator_code, f.value) for f in got] == [("poverty_exited_persons", 9100000)]
    assert "glued_number" in got[0].flags


def test_plausible_person_count_after_household_word_is_not_glued() -> None:
    # within a township's bounds and no 户 count: not suspected, and not a households figure either
    got = facts("全镇共有脱贫户1424人。")
    assert not any(f.indicator_code == "poverty_exited_households" for f in got)
    assert not any("glued_repaired" in f.flags for f in got)
