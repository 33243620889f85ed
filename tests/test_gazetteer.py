"""The vendored division hierarchy: names, stems, renames, municipalities, seeding rows."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml

from schemas.data.build_divisions import build
from schemas.gazetteer import (
    NAMES_PATH,
    RENAMES_PATH,
    Gazetteer,
    GazetteerError,
    Level,
    build_gazetteer,
    load_gazetteer,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def labels(units) -> list[str]:
    return sorted(load_gazetteer().label(u) for u in units)


def test_counts_match_the_2023_nbs_release(gaz: Gazetteer) -> None:
    counts = {level: sum(1 for _ in gaz.iter_units(level)) for level in Level}
    assert counts[Level.PROVINCE] == 31
    assert counts[Level.COUNTY] == 2978
    assert counts[Level.TOWNSHIP] == 41352


def test_load_is_cached(gaz: Gazetteer) -> None:
    assert load_gazetteer() is gaz


@pytest.mark.parametrize(
    ("level", "name", "stem"),
    [
        (Level.TOWNSHIP, "水市镇", "水市"),
        (Level.TOWNSHIP, "鹤溪街道", "鹤溪"),
        (Level.TOWNSHIP, "长哨营满族乡", "长哨营"),
        (Level.TOWNSHIP, "龙水乡", "龙水"),  # 水 is also a nationality: only X族乡 loses it
        (Level.COUNTY, "景宁畲族自治县", "景宁"),
        (Level.COUNTY, "滨海新区", "滨海"),
        (Level.COUNTY, "嵩县", None),  # one character is too short to look up alone
        (Level.CITY, "恩施土家族苗族自治州", "恩施"),
        (Level.PROVINCE, "内蒙古自治区", "内蒙古"),
        (Level.PROVINCE, "新疆维吾尔自治区", "新疆"),
        (Level.PROVINCE, "重庆市", "重庆"),
    ],
)
def test_stems(gaz: Gazetteer, level: Level, name: str, stem: str | None) -> None:
    assert gaz.rules.stemmer.stem(level, name) == stem


def test_township_upgraded_from_xiang_to_zhen_keeps_its_stem(gaz: Gazetteer) -> None:
    assert labels(gaz.townships("水市乡")) == ["湖南省/永州市/宁远县/水市镇", "重庆市/重庆市/黔江区/水市镇"]


def test_exact_township_name_before_stem(gaz: Gazetteer) -> None:
    assert labels(gaz.townships("东江乡")) == ["江西省/赣州市/龙南市/东江乡"]
    assert {u.name for u in gaz.by_stem(Level.TOWNSHIP, "东江乡")} >= {"东江乡", "东江镇", "东江街道"}


@pytest.mark.parametrize(
    ("finder", "name", "expected"),
    [
        ("cities", "赣州", "江西省/赣州市"),
        ("counties", "黔江", "重庆市/重庆市/黔江区"),
        ("provinces", "重庆", "重庆市"),
        ("counties", "龙南县", "江西省/赣州市/龙南市"),  # listed rename
        ("counties", "赣县", "江西省/赣州市/赣县区"),  # one-character stem: only the list knows
        ("counties", "开县", "重庆市/重庆市/开州区"),  # stem changed
        ("counties", "浏阳县", "湖南省/长沙市/浏阳市"),  # not listed: 县 → 市 with the same stem
        ("cities", "襄樊市", "湖北省/襄阳市"),
    ],
)
def test_find_by_stem_and_old_name(gaz: Gazetteer, finder: str, name: str, expected: str) -> None:
    assert labels(getattr(gaz, finder)(name)) == [expected]


def test_rename_codes(gaz: Gazetteer) -> None:
    assert [u.code for u in gaz.counties("龙南县")] == ["360783"]
    assert [u.code for u in gaz.counties("赣县")] == ["360704"]


def test_every_listed_rename_names_its_code() -> None:
    renames = yaml.safe_load(RENAMES_PATH.read_text("utf-8"))
    gaz = load_gazetteer()
    assert len(renames["counties"]) >= 12
    for section in renames.values():
        for entry in section:
            assert gaz.units[entry["code"]].name == entry["new"], entry


def test_municipality_city_is_the_municipality(gaz: Gazetteer) -> None:
    (qianjiang,) = gaz.counties("黔江区")
    province, city, county = gaz.ancestors(qianjiang)
    assert (province.name, city.name, county) == ("重庆市", "重庆市", None)
    (shizhu,) = gaz.counties("石柱土家族自治县")  # NBS files it under a "city" called 县
    assert gaz.label(shizhu) == "重庆市/重庆市/石柱土家族自治县"


def test_county_run_by_the_province_has_no_city(gaz: Gazetteer) -> None:
    (xiantao,) = gaz.counties("仙桃市")
    assert xiantao.city_code is None
    assert gaz.label(xiantao) == "湖北省/仙桃市"
    assert not any(u.name == "省直辖县级行政区划" for u in gaz.iter_units(Level.CITY))


def test_iter_units_lists_parents_first(gaz: Gazetteer) -> None:
    seen: set[str] = set()
    for unit in gaz.iter_units():
        for parent in (unit.province_code, unit.city_code, unit.county_code):
            if parent and parent != unit.code:
                assert parent in seen, unit
        seen.add(unit.code)


def _write_dist(folder: Path, streets: list[dict]) -> None:
    folder.mkdir()
    (folder / "provinces.json").write_text(json.dumps([{"code": "36", "name": "江西省"}], ensure_ascii=False))
    (folder / "cities.json").write_text(json.dumps([{"code": "3607", "name": "赣州市"}], ensure_ascii=False))
    (folder / "areas.json").write_text(json.dumps([{"code": "360783", "name": "龙南市"}], ensure_ascii=False))
    (folder / "streets.json").write_text(json.dumps(streets, ensure_ascii=False))


def test_build_script_writes_code_name_rows(tmp_path: Path) -> None:
    _write_dist(tmp_path / "dist", [{"code": "360783201", "name": "东江乡", "areaCode": "360783"}])
    out = tmp_path / "divisions.tsv.gz"
    assert build(tmp_path / "dist", out) == 4
    rows = gzip.decompress(out.read_bytes()).decode("utf-8").splitlines()
    assert rows == ["36\t江西省", "3607\t赣州市", "360783\t龙南市", "360783201\t东江乡"]


def test_small_gazetteer_from_built_file(tmp_path: Path) -> None:
    _write_dist(tmp_path / "dist", [{"code": "360783201", "name": "东江乡"}])
    out = tmp_path / "divisions.tsv.gz"
    build(tmp_path / "dist", out)
    empty_renames = tmp_path / "renames.yaml"
    empty_renames.write_text("counties: []\n", "utf-8")
    gaz = build_gazetteer(divisions_path=out, names_path=NAMES_PATH, renames_path=empty_renames)
    assert [gaz.label(u) for u in gaz.townships("东江镇")] == ["江西省/赣州市/龙南市/东江乡"]


def test_malformed_data_raises_gazetteer_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(gzip.compress(b"not a division row\n"))
    with pytest.raises(GazetteerError, match="malformed"):
        build_gazetteer(divisions_path=bad)
    with pytest.raises(GazetteerError, match="cannot read"):
        build_gazetteer(divisions_path=tmp_path / "missing.tsv.gz")


def test_rename_to_a_wrong_code_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "renames.yaml"
    wrong.write_text("counties:\n  - {old: 龙南县, new: 龙南市, code: '360704'}\n", "utf-8")
    with pytest.raises(GazetteerError, match="not that unit"):
        build_gazetteer(renames_path=wrong)
