"""Formatting for people and the zh/en catalog."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from segcore import fmt
from segcore.catalog import CATALOG, text

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (12345, "zh", "1.2万"),
        (9999, "zh", "9,999"),
        (123_456_789, "zh", "1.2亿"),
        (12345, "en", "12.3K"),
        (1_200_000, "en", "1.2M"),
        (950, "en", "950"),
        (None, "en", "–"),
        (float("nan"), "zh", "–"),
    ],
    ids=["wan", "below-wan", "yi", "thousand", "million", "small", "none", "nan"],
)
def test_compact(value: float | None, lang: str, expected: str) -> None:
    assert fmt.compact(value, lang) == expected


@pytest.mark.parametrize(
    "value, cents, expected",
    [
        (9876, False, "¥9,876"),
        (1234.5, True, "¥1,234.50"),
        (-1200, False, "-¥1,200"),
        (0.4, False, "¥0"),
        (251_677, False, "¥25.17万"),
        (100_293_373, False, "¥1.00亿"),
        (-48_200, True, "-¥4.82万"),
    ],
    ids=["whole", "cents", "negative", "rounds", "wan", "yi", "negative-wan"],
)
def test_money(value: float, cents: bool, expected: str) -> None:
    assert fmt.money(value, "zh", cents=cents) == expected


@pytest.mark.parametrize(
    "value, lang, currency, expected",
    [
        (251_677, "en", "CNY", "¥251,677"),
        (251_677, "zh", "GBP", "£251,677"),
        (251_677, "en", "GBP", "£251,677"),
        (12.5, "en", "EUR", "€12"),
        (1_234_567, "zh", "USD", "$1,234,567"),
    ],
)
def test_money_in_other_currencies_keeps_thousands(value: float, lang: str, currency: str, expected: str) -> None:
    assert fmt.money(value, lang, currency=currency) == expected


def test_money_compact_uses_wan_only_for_yuan_in_chinese() -> None:
    assert fmt.money_compact(1_200_000, "zh", currency="GBP") == "£1.2M"
    assert fmt.money_compact(1_200_000, "zh") == "¥120万"
    assert fmt.money_compact(-48_200, "en", currency="USD") == "-$48.2K"


def test_months_p_values_and_cells() -> None:
    assert fmt.month(date(2026, 10, 31), "zh") == "2026年10月"
    assert fmt.month(date(2026, 1, 2), "en") == "Jan 2026"
    assert fmt.p_value(0.0004) == "< 0.001"
    assert fmt.p_value(0.001) == "0.001"
    assert fmt.p_value(0.04567) == "0.046"
    assert fmt.p_value(None) == "–"
    assert [fmt.cell(v) for v in (None, float("nan"), "NaT", "a", 3)] == ["–", "–", "–", "a", "3"]
    assert fmt.day(None, "zh") == "–"


def test_money_compact_and_days() -> None:
    assert fmt.money_compact(48_200, "zh") == "¥4.8万"
    assert fmt.money_compact(48_200, "en") == "¥48.2K"
    assert fmt.day(date(2026, 11, 15), "zh") == "2026年11月15日"
    assert fmt.day(date(2026, 11, 15), "en") == "15 Nov 2026"
    assert fmt.percent(0.1234) == "12.3%"


def test_every_catalog_entry_has_both_languages_and_the_same_placeholders() -> None:
    for key, entry in CATALOG.items():
        assert set(entry) == {"zh", "en"}, key
        assert set(re.findall(r"{(\w+)", entry["zh"])) == set(re.findall(r"{(\w+)", entry["en"])), key


def _codes_raised(source: str) -> set[str]:
    return set(re.findall(r'InputError\(\s*"(\w+)"', source))


def test_every_error_code_raised_has_a_message_in_the_catalog() -> None:
    codes = set().union(*(_codes_raised(p.read_text()) for p in (ROOT / "segcore").glob("*.py")))
    assert codes, "no InputError codes found: the scan is broken"
    assert sorted(c for c in codes if f"err.{c}" not in CATALOG) == []


def test_text_fills_values_and_falls_back_to_the_key() -> None:
    assert text("err.too_large", "zh", size_mb=250.0, limit_mb=200) == "文件大小 250.0 MB，超过上传上限 200 MB。"
    assert text("no.such.key", "zh") == "no.such.key"


def test_segcore_never_imports_streamlit() -> None:
    for path in (ROOT / "segcore").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path.name


def test_segcore_never_reads_the_clock() -> None:
    for path in (ROOT / "segcore").glob("*.py"):
        if path.name == "cli.py":  # the CLI is the edge: it stamps loads with the time they happened
            continue
        assert not re.search(r"date\.today\(\)|datetime\.now\(\)", path.read_text()), path.name
