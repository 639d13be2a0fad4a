"""Tables as people read them: money with its sign (and 万 / 亿 for yuan in Chinese), percentages, dates in the
page's language, and a dash for an empty cell (never None, nan or NaT). The downloads keep the exact values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from segcore import fmt

__all__ = ["number_text_config", "readable"]


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
    p_values: Iterable[str] = (),
) -> pd.DataFrame:
    """A copy of `frame` for display: the named columns as formatted text, every other empty cell as a dash."""
    shown = frame.copy()
    formats = {
        **dict.fromkeys(money, lambda v: fmt.money(v, lang, currency=currency)),
        **dict.fromkeys(counts, lambda v: fmt.count(v, lang)),
        **dict.fromkeys(percents, lambda v: fmt.percent(v, lang)),
        **dict.fromkeys(days, lambda v: fmt.day(None if pd.isna(v) else pd.Timestamp(v).date(), lang)),
        **dict.fromkeys(months, lambda v: fmt.month(None if pd.isna(v) else pd.Timestamp(v).date(), lang)),
        **dict.fromkeys(p_values, lambda v: fmt.p_value(v, lang)),
    }
    for column in shown.columns:
        if column in formats:
            shown[column] = [formats[column](v) for v in shown[column]]
        elif shown[column].isna().any():
            shown[column] = [fmt.cell(v) for v in shown[column].astype(object)]
    return shown


def number_text_config(columns: Iterable[str], *, help: dict[str, str] | None = None) -> dict[str, Any]:
    """column_config for st.dataframe that right-aligns readable()'s number columns (money, counts, percents: text
    after readable, so Streamlit would align them left), with an optional help text per column.

    Use: st.dataframe(shown, column_config=number_text_config(money + counts), hide_index=True). The columns sort
    as text; where sorting by amount matters, sort the frame before readable()."""
    notes = help or {}
    return {name: st.column_config.TextColumn(alignment="right", help=notes.get(name)) for name in columns}
