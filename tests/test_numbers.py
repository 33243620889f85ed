"""The number parser: Arabic, Chinese, OCR-garbled numbers, scales and approximations."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.extract.numbers import find_quantities, parse_chinese_numeral, plausible_glue_splits


def only(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "count"),
    [
        ("组建三支志愿服务队", Decimal(3), "支"),
        ("新建两万元的便民桥", Decimal(20000), "元"),
        ("培训一百二十人次", Decimal(120), "人次"),
        ("流转土地六百余亩", Decimal(600), "亩"),
        ("全村十二户", Decimal(12), "户"),
        ("发放补助2345.6万元", Decimal("23456000"), "元"),
        ("完成造林3.2万亩", Decimal(32000), "亩"),
        ("覆盖群众2.4万人", Decimal(24000), "人"),
        ("争取资金1.5亿元", Decimal(150000000), "元"),
        ("三百余万元", Decimal(3000000), "元"),
        ("覆盖率达 98.5%", Decimal("98.5"), "%"),
        ("共1,280户", Decimal(1280), "户"),
    ],
)
def test_values_are_exact_in_base_units(text: str, value: Decimal, count: str) -> None:
    q = only(text)
    assert q.value == value
    assert q.count_word == count


def test_full_width_stop_between_digits_is_a_decimal_point() -> None:
    q = only("发放奖补资金12。5万元")
    assert q.value == Decimal(125000)
    assert "fullwidth_decimal" in q.flags


@pytest.mark.parametrize(
    ("text", "value"),
    [("风险户Il户", 11), ("新纳入监测户O户", 0), ("低保户l0户", 10), ("帮扶|2人", 12)],
)
def test_ocr_letters_read_as_digits_before_a_count_word(text: str, value: int) -> None:
    q = only(text)
    assert q.value == value
    assert "ocr_digits" in q.flags


@pytest.mark.parametrize("text", ["开通5G基站", "完成APP推广", "Wolf户外", "GDP增长", "引进IOl公司"])
def test_latin_letters_are_not_digits_without_a_count_word_or_after_latin(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "approx"),
    [("约2600万元", True), ("近300万元", True), ("50余人", True), ("800多户", True),
     ("120人左右", True), ("126个", False)],
)
def test_approximations_are_kept(text: str, approx: bool) -> None:
    assert only(text).is_approximate is approx


@pytest.mark.parametrize(
    "text",
    ["2021年全镇", "2019年-2021年", "一户一策", "一人一档", "第一书记", "统一管理", "万企兴万村",
     "十大专项行动", "第三批驻村工作队", "2023上半年"],
)
def test_years_and_set_phrases_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_chinese_span_conversion_does_not_touch_words() -> None:
    assert parse_chinese_numeral("统") is None
    assert parse_chinese_numeral("两") == 2
    assert parse_chinese_numeral("一千零五") == 1005


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_any_integer_written_in_chinese_round_trips(n: int) -> None:
    assert parse_chinese_numeral(cn2an.an2cn(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=99), st.sampled_from(["万", "亿"]))
def test_scaling_is_exact_in_decimal(whole: int, cents: int, scale: str) -> None:
    q = only(f"投入资金{whole}.{cents:02d}{scale}元")
    factor = 10000 if scale == "万" else 100000000
    assert q.value == Decimal(f"{whole}.{cents:02d}") * factor


def test_glue_splits() -> None:
    assert plausible_glue_splits("3261290") == [(326, 1290)]
    assert plausible_glue_splits("1111111") == []
