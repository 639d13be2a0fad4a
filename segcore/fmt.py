"""Numbers, money and dates formatted for people, in Chinese or English (¥12,345 · ¥1.23万 · 2026年11月15日).

Money carries its dataset's currency (CNY unless told). 万 / 亿 are used for Chinese readers of yuan amounts only:
a pound amount on a Chinese page keeps its own grouping (£12,345, £1.2M)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

__all__ = [
    "CURRENCY_SYMBOLS",
    "cell",
    "compact",
    "count",
    "day",
    "money",
    "money_compact",
    "month",
    "p_value",
    "percent",
    "signed_money",
    "signed_percent",
    "symbol",
    "uses_wan",
]

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BLANK = "–"

CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "GBP": "£",
    "EUR": "€",
    "USD": "$",
    "JPY": "JP¥",
    "AUD": "A$",
    "SGD": "S$",
}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return str(value) in {"NaT", "nan", "None", "<NA>"}


def symbol(currency: str = "CNY") -> str:
    """The sign shown before an amount: ¥, £, $, €…; an unknown code is shown as itself."""
    return CURRENCY_SYMBOLS.get(currency, f"{currency} ")


def uses_wan(lang: str, currency: str = "CNY") -> bool:
    """Chinese readers of yuan amounts read 万 / 亿; every other pairing reads thousands separators."""
    return lang == "zh" and currency == "CNY"


def count(value: float | int | None, lang: str = "en") -> str:
    """A whole number with thousands separators: 12,345."""
    return BLANK if _missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def _trimmed(number: float, digits: int) -> str:
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{round(number):,}"


def compact(value: float | int | None, lang: str = "en", *, digits: int = 1) -> str:
    """A short number: 1.2万 / 3.4亿 in Chinese, 12.3K / 1.2M in English; small numbers in full."""
    if _missing(value):
        return BLANK
    number = float(value)  # type: ignore[arg-type]
    steps = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for size, suffix in steps:
        if abs(number) >= size:
            return _trimmed(number / size, digits) + suffix
    return f"{round(number):,}"


def _signed(number: float, body: str, currency: str) -> str:
    negative = number < 0 and body.strip("0.,万亿") != ""
    return ("-" if negative else "") + symbol(currency) + body


def money(value: float | int | None, lang: str = "en", *, cents: bool = False, currency: str = "CNY") -> str:
    """Money for reading: ¥12,345 (¥12,345.50 with cents); for yuan in Chinese from 1万 up ¥25.17万 and ¥1.03亿
    (two decimals, so a table still tells ¥25.17万 from ¥25.2万); negative as -¥1,200."""
    if _missing(value):
        return BLANK
    number = float(value)  # type: ignore[arg-type]
    size = abs(number)
    if uses_wan(lang, currency) and size >= 1e4:
        body = f"{size / 1e8:,.2f}亿" if size >= 1e8 else f"{size / 1e4:,.2f}万"
    else:
        body = f"{size:,.2f}" if cents else f"{round(size):,}"
    return _signed(number, body, currency)


def money_compact(value: float | int | None, lang: str = "en", *, currency: str = "CNY") -> str:
    """Short money: ¥1.2万 for yuan in Chinese, ¥12.3K / £1.2M otherwise."""
    if _missing(value):
        return BLANK
    number = float(value)  # type: ignore[arg-type]
    short = compact(abs(number), "zh" if uses_wan(lang, currency) else "en")
    return ("-" if number < 0 else "") + symbol(currency) + short


def percent(value: float | None, lang: str = "en", *, digits: int = 1) -> str:
    """A share as a percentage: 0.123 -> 12.3%."""
    if _missing(value):
        return BLANK
    shown = f"{float(value) * 100:.{digits}f}"  # type: ignore[arg-type]
    return ("0." + "0" * digits if digits else "0") + "%" if float(shown) == 0 else shown + "%"


def p_value(value: float | None, lang: str = "en") -> str:
    """A p-value: three decimals, and "< 0.001" below that (never "0.000")."""
    if _missing(value):
        return BLANK
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"  # type: ignore[arg-type]


def day(value: date | datetime | None, lang: str = "en") -> str:
    """A date for people: 2026年11月15日 in Chinese, 15 Nov 2026 in English."""
    if _missing(value):
        return BLANK
    assert value is not None
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def month(value: date | datetime | None, lang: str = "en") -> str:
    """A month for people: 2026年10月 in Chinese, Oct 2026 in English."""
    if _missing(value):
        return BLANK
    assert value is not None
    return f"{value.year}年{value.month}月" if lang == "zh" else f"{_MONTHS_EN[value.month - 1]} {value.year}"


def cell(value: Any) -> str:
    """A table cell as text, with a dash for nothing (never None, nan or NaT)."""
    return BLANK if _missing(value) else str(value)


def signed_money(value: float | int | None, lang: str = "en", *, currency: str = "CNY") -> str:
    """A change of money, always with its sign: +¥1.20万, -¥350, +£12,345 (zero reads ¥0, without a sign)."""
    if _missing(value):
        return BLANK
    shown = money(value, lang, currency=currency)
    return shown if shown.startswith("-") or shown.strip(symbol(currency) + "0.,万亿") == "" else "+" + shown


def signed_percent(value: float | None, lang: str = "en", *, digits: int = 1) -> str:
    """A change of a share, always with its sign: 0.123 -> +12.3%, -0.05 -> -5.0% (zero reads 0.0%)."""
    if _missing(value):
        return BLANK
    shown = percent(value, lang, digits=digits)
    return shown if shown.startswith("-") or shown.strip("0.%") == "" else "+" + shown
