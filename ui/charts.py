"""Plotly figures used by the pages, in the session's language, with one consistent look."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from segcore import fmt
from segcore.catalog import text

__all__ = [
    "money_axis",
    "month_axis",
    "monthly_revenue_bars",
    "nice_ticks",
    "overlap_heatmap",
    "rf_heatmap",
    "segment_bars",
    "segment_label",
    "segment_treemap",
    "tier_history_chart",
]

BRAND = "#2563eb"
PROMO = "#f97316"


def _layout(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
    )
    return fig


def nice_ticks(values: Iterable[float], count: int = 5) -> list[float]:
    """About `count` round tick values (1, 2 or 5 times a power of ten) covering `values` and zero."""
    numbers = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    low, high = min([*numbers, 0.0]), max([*numbers, 0.0])
    if high == low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(math.ceil((high - first) / step) + 1)]


def money_axis(fig: go.Figure, axis: str, values: Iterable[float], lang: str, currency: str = "CNY") -> go.Figure:
    """Money ticks in the reader's units on the `axis` ('x' or 'y'): ¥50万 for yuan in Chinese, £20K otherwise
    (Plotly's own "20k" / "20M" ticks are not how a Chinese owner reads money)."""
    ticks = nice_ticks(values)
    labels = [fmt.money_compact(v, lang, currency=currency) for v in ticks]
    fig.update_layout({f"{axis}axis": {"tickvals": ticks, "ticktext": labels}})
    return fig


def month_axis(fig: go.Figure, axis: str, lang: str) -> go.Figure:
    """Month ticks in the reader's language: 2026年10月 in Chinese, Oct 2026 in English."""
    fig.update_layout({f"{axis}axis": {"tickformat": "%Y年%-m月" if lang == "zh" else "%b %Y"}})
    return fig


def monthly_revenue_bars(months: pd.DataFrame, lang: str, currency: str = "CNY") -> go.Figure:
    """Stacked bars of promo and full-price net revenue per month; a month the data covers only in part (the
    `partial` column of segcore.overview.monthly_revenue) is lighter and hatched, its total marked with "*" and its
    days in the hover (partial_months_note says it under the chart)."""
    total = months["revenue"].astype(float)
    regular = total - months["promo_revenue"].astype(float)
    partial = [bool(p) for p in months["partial"]] if "partial" in months else [False] * len(months)
    ranges = covered_days(months, lang) if "partial" in months else [""] * len(months)
    labels = [
        fmt.money_compact(v, lang, currency=currency) + ("*" if p else "") for v, p in zip(total, partial, strict=True)
    ]
    hover = [
        f"{fmt.month(m, lang)}<br>{text('chart.revenue', lang)} {fmt.money(v, lang, currency=currency)}"
        + (f"<br>{text('chart.partial_hover', lang, days=r)}" if p else "")
        for m, v, p, r in zip(months["month"], total, partial, ranges, strict=True)
    ]
    look = {
        "opacity": [0.45 if p else 1.0 for p in partial],
        "pattern": {"shape": ["/" if p else "" for p in partial], "fillmode": "overlay", "solidity": 0.3},
    }
    fig = go.Figure()
    fig.add_bar(
        x=months["month"],
        y=regular,
        name=text("chart.full_price", lang),
        marker={"color": BRAND, **look},
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )
    fig.add_bar(
        x=months["month"],
        y=months["promo_revenue"].astype(float),
        name=text("chart.promo", lang),
        marker={"color": PROMO, **look},
        text=labels,
        textposition="outside",
        cliponaxis=False,
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )
    title = text("chart.revenue_in", lang, sign=fmt.symbol(currency).strip())
    # labels that do not fit their bar are hidden (the hover has them), not shrunk to a few pixels
    fig.update_layout(barmode="stack", yaxis_title=title, uniformtext={"minsize": 10, "mode": "hide"})
    for i, (month, value, days) in enumerate(zip(months["month"], total, ranges, strict=True)):
        if partial[i]:  # the days covered, in words, above the bar (to its left at the right edge)
            anchor = "right" if i == len(months) - 1 else "left" if i == 0 else "center"
            fig.add_annotation(
                x=month, y=value, text=f"* {days}", showarrow=False, yshift=28, xanchor=anchor, font={"size": 12}
            )
    money_axis(fig, "y", [*total, float(total.max()) * 1.12 if len(total) else 0.0], lang, currency)
    month_axis(fig, "x", lang)
    return _layout(fig)


def segment_label(scheme: str, segment: str, lang: str) -> str:
    """The translated name of a segment key."""
    prefix = {"tier": "tier", "groups": "tier", "lifecycle": "lifecycle", "rfm": "rfm", "cn8": "cn8"}[scheme]
    return text(f"{prefix}.{segment}", lang)


def segment_treemap(
    sizes: pd.DataFrame, scheme: str, lang: str, picked: str | None = None, currency: str = "CNY"
) -> go.Figure:
    """Treemap of segment sizes, labelled with name, customers and share; each tile's id is its segment key (what a
    click returns), and the picked segment has a dark outline (a changed figure also undoes Plotly's zoom)."""
    from ui.colors import color_map

    shown = sizes[sizes["customers"] > 0]
    colors = color_map(scheme, list(sizes["segment"]))
    labels = [segment_label(scheme, s, lang) for s in shown["segment"]]
    texts = [
        f"{fmt.count(n, lang)} · {fmt.percent(p, lang)}"
        for n, p in zip(shown["customers"], shown["share"], strict=True)
    ]
    hover = [f"{text('seg.revenue_12m', lang)} {fmt.money(v, lang, currency=currency)}" for v in shown["revenue_12m"]]
    fig = go.Figure(
        go.Treemap(
            ids=list(shown["segment"]),
            labels=labels,
            parents=[""] * len(shown),
            values=shown["customers"],
            text=texts,
            customdata=hover,
            marker={
                "colors": [colors[s] for s in shown["segment"]],
                "line": {
                    "width": [4 if s == picked else 1 for s in shown["segment"]],
                    "color": ["#111827" if s == picked else "#ffffff" for s in shown["segment"]],
                },
            },
            textinfo="label+text",
            branchvalues="total",
            hovertemplate="%{label}<br>%{text}<br>%{customdata}<extra></extra>",
            textfont={"size": 16},
        )
    )
    return _layout(fig, 380)


def segment_bars(
    sizes: pd.DataFrame, scheme: str, lang: str, picked: str | None = None, currency: str = "CNY"
) -> go.Figure:
    """Horizontal bars of customers per segment, with counts on the bars; each bar carries its segment key (what a
    click returns) and the picked segment stands out."""
    from ui.colors import color_map

    colors = color_map(scheme, list(sizes["segment"]))
    ordered = sizes.iloc[::-1]
    hover = [
        f"{segment_label(scheme, s, lang)}<br>{text('seg.customers', lang)} {fmt.count(n, lang)}"
        f"<br>{text('seg.revenue_12m', lang)} {fmt.money(v, lang, currency=currency)}"
        for s, n, v in zip(ordered["segment"], ordered["customers"], ordered["revenue_12m"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=ordered["customers"],
            y=[segment_label(scheme, s, lang) for s in ordered["segment"]],
            orientation="h",
            marker_color=[colors[s] for s in ordered["segment"]],
            marker_opacity=[1.0 if picked in (None, s) else 0.45 for s in ordered["segment"]],
            marker_line={"width": [3 if s == picked else 0 for s in ordered["segment"]], "color": "#111827"},
            text=[fmt.count(n, lang) for n in ordered["customers"]],
            textposition="auto",
            customdata=list(ordered["segment"]),
            # explicit, so Plotly's selection styling of bars with text finds a textfont (it fails without one)
            selected={"marker": {"opacity": 1}, "textfont": {"color": "#111827"}},
            unselected={"marker": {"opacity": 0.45}, "textfont": {"color": "#6b7280"}},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_layout(xaxis_title=text("seg.customers", lang), clickmode="event+select")
    return _layout(fig, 380)


def rf_heatmap(
    grid: pd.DataFrame, lang: str, picked: tuple[int, int] | None = None, currency: str = "CNY"
) -> go.Figure:
    """The R x F grid: colour = customers, each cell labelled with its segment, count and average spend. Plotly
    heatmaps send no selection events, so an invisible marker sits on each cell centre and carries [r, f] (what a
    click returns); the picked cell has an outline."""
    counts = grid.pivot(index="r_score", columns="f_score", values="customers").sort_index(ascending=False)
    spend = grid.pivot(index="r_score", columns="f_score", values="avg_monetary").sort_index(ascending=False)
    names = grid.pivot(index="r_score", columns="f_score", values="segment").sort_index(ascending=False)
    labels = [
        [
            f"{segment_label('rfm', names.iloc[i, j], lang) if isinstance(names.iloc[i, j], str) else ''}<br>"
            f"{fmt.count(counts.iloc[i, j], lang)} · {fmt.money_compact(spend.iloc[i, j], lang, currency=currency)}"
            for j in range(counts.shape[1])
        ]
        for i in range(counts.shape[0])
    ]
    xs = [str(f) for f in counts.columns]
    ys = [str(r) for r in counts.index]
    fig = go.Figure(
        go.Heatmap(
            z=counts.to_numpy(),
            x=xs,
            y=ys,
            text=labels,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hoverinfo="skip",
        )
    )
    cells = [(r, f, i, j) for i, r in enumerate(counts.index) for j, f in enumerate(counts.columns)]
    fig.add_scatter(
        x=[str(f) for _, f, _, _ in cells],
        y=[str(r) for r, _, _, _ in cells],
        mode="markers",
        marker={"size": 40, "symbol": "square", "color": "rgba(0,0,0,0)"},
        selected={"marker": {"opacity": 0}, "textfont": {"color": "rgba(0,0,0,0)"}},
        unselected={"marker": {"opacity": 0}, "textfont": {"color": "rgba(0,0,0,0)"}},
        customdata=[[int(r), int(f)] for r, f, _, _ in cells],
        text=[labels[i][j] for _, _, i, j in cells],
        hovertemplate="R %{y} · F %{x}<br>%{text}<extra></extra>",
        showlegend=False,
    )
    if picked is not None and str(picked[1]) in xs and str(picked[0]) in ys:
        r, f = picked  # the score strings make Plotly read both axes as numbers: a cell spans score ± 0.5
        fig.add_shape(
            type="rect", x0=f - 0.5, x1=f + 0.5, y0=r - 0.5, y1=r + 0.5, line={"color": "#111827", "width": 4}
        )
    fig.update_layout(
        xaxis_title=text("seg.f_score", lang),
        yaxis_title=text("seg.r_score", lang),
        hovermode="closest",
        hoverdistance=-1,  # a click anywhere in a cell picks that cell's (nearest) marker
        clickmode="event+select",
    )
    return _layout(fig, 460)


def overlap_heatmap(overlap: pd.DataFrame, lang: str) -> go.Figure:
    """Customers in two member groups at once (the diagonal is each group's size)."""
    names = [segment_label("groups", g, lang) for g in overlap.index]
    fig = go.Figure(
        go.Heatmap(
            z=overlap.to_numpy(),
            x=names,
            y=names,
            colorscale="Purples",
            showscale=False,
            text=[[fmt.count(v, lang) for v in row] for row in overlap.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y} ∩ %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 460)


def tier_history_chart(history: pd.DataFrame, order: list[str], lang: str) -> go.Figure:
    """One customer's tier at each month-end, as a step line over the tier order; months in the reader's language,
    and the months before their first purchase as the migration's "no purchase yet" state."""
    from ui.colors import TIER_COLORS

    states = [t if isinstance(t, str) else "none" for t in history["tier"]]
    shown = [*order, *(["none"] if "none" in states else [])]
    ranks = {tier: i for i, tier in enumerate(shown)}

    def name(state: str) -> str:
        return text("mig.none", lang) if state == "none" else segment_label("tier", state, lang)

    fig = go.Figure(
        go.Scatter(
            x=pd.to_datetime(history["snapshot"]),
            y=[ranks.get(s, len(shown)) for s in states],
            mode="lines+markers",
            line_shape="hv",
            marker={"size": 12, "color": [TIER_COLORS.get(s, "#999") for s in states]},
            text=[f"{fmt.day(d, lang)}: {name(s)}" for d, s in zip(history["snapshot"], states, strict=True)],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(
        tickvals=list(range(len(shown))), ticktext=[name(s) for s in shown], range=[len(shown) - 0.5, -0.5]
    )
    fig.update_xaxes(title_text=text("seg.history_axis", lang), dtick="M2", tickangle=0)
    month_axis(fig, "x", lang)
    return _layout(fig, 360)


def covered_days(months: pd.DataFrame, lang: str) -> list[str]:
    """The days the data covers in each month (covered_from, covered_to of segcore.overview.monthly_revenue):
    "1–15 Nov 2026" / "2026年11月1日–15日"."""
    return [
        text("chart.day_range", lang, first=a.day, last=b.day, month=fmt.month(a, lang))
        for a, b in zip(pd.to_datetime(months["covered_from"]), pd.to_datetime(months["covered_to"]), strict=True)
    ]


def partial_months_note(months: pd.DataFrame, lang: str) -> str | None:
    """The note under a monthly chart naming its partial months and the days the data covers; None if none."""
    if "partial" not in months or not months["partial"].any():
        return None
    ranges = [r for r, p in zip(covered_days(months, lang), months["partial"], strict=True) if p]
    return text("chart.partial_note", lang, days=("、" if lang == "zh" else "; ").join(ranges))
