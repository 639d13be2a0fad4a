"""Tables as people read them: money with its sign (and 万 / 亿 for yuan in Chinese), percentages, dates in the
page's language, and a dash for an empty cell (never None, nan or NaT). The downloads keep the exact values."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from segcore import fmt

__all__ = ["readable"]


def readable(
    frame: pd.DataFrame,
    lang: str,
    *,
    currency: str = "CNY",
    money: Iterable[str] = (),
    counts: Iterable[str] = (),
    percents: Iterable[str] = (),
    days: Iterable[str] = (),
    months: Iterable[str] = (),
) -> pd.DataFrame:
    """A copy of `frame` for display: the named columns as formatted text, every other empty cell as a dash."""
    shown = frame.copy()
    formats = {
        **dict.fromkeys(money, lambda v: fmt.money(v, lang, currency=currency)),
        **dict.fromkeys(counts, lambda v: fmt.count(v, lang)),
        **dict.fromkeys(percents, lambda v: fmt.percent(v, lang)),
        **dict.fromkeys(days, lambda v: fmt.day(None if pd.isna(v) else pd.Timestamp(v).date(), lang)),
        **dict.fromkeys(months, lambda v: fmt.month(None if pd.isna(v) else pd.Timestamp(v).date(), lang)),
    }
    for column in shown.columns:
        if column in formats:
            shown[column] = [formats[column](v) for v in shown[column]]
        elif shown[column].isna().any():
            shown[column] = [fmt.cell(v) for v in shown[column].astype(object)]
    return shown
