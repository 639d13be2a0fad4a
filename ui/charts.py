"""Plotly figures used by the pages, in the session's language, with one consistent look."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from segcore import fmt
from segcore.catalog import text

__all__ = ["monthly_revenue_bars"]

BRAND = "#2563eb"
PROMO = "#f97316"


def _layout(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.15},
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
    )
    return fig


def monthly_revenue_bars(months: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars of promo and full-price net revenue per month."""
    regular = months["revenue"].astype(float) - months["promo_revenue"].astype(float)
    labels = [fmt.money_compact(v, lang) for v in months["revenue"].astype(float)]
    fig = go.Figure()
    fig.add_bar(x=months["month"], y=regular, name=text("chart.full_price", lang), marker_color=BRAND)
    fig.add_bar(x=months["month"], y=months["promo_revenue"].astype(float), name=text("chart.promo", lang),
                marker_color=PROMO, text=labels, textposition="outside")
    fig.update_layout(barmode="stack", yaxis_title=text("chart.revenue_yuan", lang), xaxis_tickformat="%Y-%m")
    return _layout(fig)
