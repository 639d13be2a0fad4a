"""Numbers, money and dates formatted for people, in Chinese or English (¥12,345 · 1.2万 · 2026年11月15日)."""

from __future__ import annotations

import math
from datetime import date, datetime

__all__ = ["compact", "count", "day", "money", "money_compact", "percent"]

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: float | int | None, lang: str = "en") -> str:
    """A whole number with thousands separators: 12,345."""
    return "–" if _missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def compact(value: float | int | None, lang: str = "en") -> str:
    """A short number: 1.2万 / 3.4亿 in Chinese, 12.3K / 1.2M in English; small numbers in full."""
    if _missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    steps = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for size, suffix in steps:
        if abs(number) >= size:
            return f"{number / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{round(number):,}"


def money(value: float | int | None, lang: str = "en", *, cents: bool = False) -> str:
    """Money in yuan: ¥12,345 (or ¥12,345.50 with cents); negative as -¥1,200."""
    if _missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    body = f"{abs(number):,.2f}" if cents else f"{round(abs(number)):,}"
    negative = number < 0 and body.strip("0.,") != ""
    return ("-" if negative else "") + "¥" + body


def money_compact(value: float | int | None, lang: str = "en") -> str:
    """Short money: ¥1.2万 in Chinese, ¥12.3K in English."""
    if _missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    return ("-" if number < 0 else "") + "¥" + compact(abs(number), lang)


def percent(value: float | None, lang: str = "en", *, digits: int = 1) -> str:
    """A share as a percentage: 0.123 -> 12.3%."""
    if _missing(value):
        return "–"
    shown = f"{float(value) * 100:.{digits}f}"  # type: ignore[arg-type]
    return ("0." + "0" * digits if digits else "0") + "%" if float(shown) == 0 else shown + "%"


def day(value: date | datetime | None, lang: str = "en") -> str:
    """A date for people: 2026年11月15日 in Chinese, 15 Nov 2026 in English."""
    if value is None:
        return "–"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
