"""Panels of the Migration page: date choice, Sankey, transition matrix, sizes over time, net flow, movers."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.migration import movers_from_cache, snapshot_dates
from ui import cached, charts
from ui import state as ui_state
from ui.colors import TIER_COLORS
from ui.i18n import t
from ui.target_form import PREFILL

__all__ = [
    "MOVERS_SHOWN",
    "date_pair",
    "matrix",
    "movers_panel",
    "net_flow_bars",
    "sankey",
    "sizes_area",
    "snapshot_choices",
    "summary_line",
]  # fmt: skip


MOVERS_SHOWN = 5000  # rows of the movers table (and its download); the caption counts them all


def _order() -> list[str]:
    cfg = cached.tier_rules()
    return [*cfg.tier_order, "regular", "potential", "none"]


def _label(state: str, code: str) -> str:
    return t("mig.none") if state == "none" else charts.segment_label("tier", state, code)


def snapshot_choices(as_of: date, every: str) -> list[date]:
    """The snapshot dates of the last year up to the as-of date: Sundays, or month-ends."""
    return snapshot_dates(as_of - timedelta(days=364), as_of, every)


def date_pair(dates: list[date], every: str, code: str) -> tuple[date, date]:
    """Two snapshot dates to compare; by default four weeks ago and the last complete week (or the last month)."""
    default_from = dates[-5] if every == "week" and len(dates) >= 5 else dates[-2]
    left, right = st.columns(2)
    start = left.selectbox(
        t("mig.from"),
        dates[:-1],
        index=dates[:-1].index(default_from),
        key=f"mig_from_{every}",
        format_func=lambda d: fmt.day(d, code),
    )
    later = [d for d in dates if d > start]
    end = right.selectbox(
        t("mig.to"), later, index=len(later) - 1, key=f"mig_to_{every}", format_func=lambda d: fmt.day(d, code)
    )
    return start, end


def summary_line(counts: dict[str, int], start: date, end: date, code: str) -> str:
    """ "From … to …: 312 moved up, 498 moved down, 61 VIPs went silent" (counts: summary_counts)."""
    return t(
        "mig.summary",
        start=fmt.day(start, code),
        end=fmt.day(end, code),
        up=fmt.count(counts["up"], code),
        down=fmt.count(counts["down"], code),
        vip_silent=fmt.count(counts["vip_to_silent"], code),
    )


def sankey(moves: pd.DataFrame, code: str) -> go.Figure:
    """Customers flowing from each tier at the first date to each tier at the second; same colours as everywhere."""
    order = [s for s in _order() if s in set(moves["from_state"]) | set(moves["to_state"])]
    left = {s: i for i, s in enumerate(order)}
    right = {s: len(order) + i for i, s in enumerate(order)}
    colors = [TIER_COLORS.get(s, "#999") for s in order] * 2
    fig = go.Figure(go.Sankey(
        node={"label": [_label(s, code) for s in order] * 2, "color": colors, "pad": 12, "thickness": 14},
        link={
            "source": [left[s] for s in moves["from_state"]], "target": [right[s] for s in moves["to_state"]],
            "value": moves["customers"], "color": [_alpha(TIER_COLORS.get(s, "#999")) for s in moves["from_state"]],
            "label": [fmt.count(n, code) for n in moves["customers"]],
            "hovertemplate": "%{source.label} → %{target.label}: %{label}<extra></extra>",
        },
    ))  # fmt: skip
    fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10}, font={"size": 13})
    return fig


def _alpha(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.35)"


def matrix(moves: pd.DataFrame, code: str) -> go.Figure:
    """The transition matrix: row-normalised percentages, counts on hover."""
    order = [s for s in _order() if s in set(moves["from_state"]) | set(moves["to_state"])]
    counts = moves.pivot_table(index="from_state", columns="to_state", values="customers", aggfunc="sum", fill_value=0)
    counts = counts.reindex(index=order, columns=order, fill_value=0)
    shares = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    names = [_label(s, code) for s in order]
    fig = go.Figure(go.Heatmap(
        z=shares.to_numpy(), x=names, y=names, colorscale="Blues", showscale=False, customdata=counts.to_numpy(),
        text=[[fmt.percent(v, code, digits=0) for v in row] for row in shares.to_numpy()], texttemplate="%{text}",
        hovertemplate="%{y} → %{x}: %{customdata:,}<extra></extra>",
    ))  # fmt: skip
    fig.update_yaxes(autorange="reversed", title=t("mig.from"))
    fig.update_xaxes(title=t("mig.to"))
    fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def sizes_area(sizes: pd.DataFrame, code: str) -> go.Figure:
    """Customers per tier at each snapshot, stacked (sizes: state_sizes, one row per snapshot and tier)."""
    wide = sizes.pivot_table(index="snapshot_date", columns="state", values="customers", aggfunc="sum", fill_value=0)
    fig = go.Figure()
    for state in [s for s in _order() if s in wide.columns]:
        fig.add_scatter(
            x=wide.index,
            y=wide[state],
            name=_label(state, code),
            stackgroup="tiers",
            mode="lines",
            line={"width": 0.5, "color": TIER_COLORS.get(state, "#999")},
        )
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return fig


def net_flow_bars(flows: pd.DataFrame, code: str) -> go.Figure:
    """Net flow (in − out) per tier per period (flows: net_flow)."""
    fig = go.Figure()
    for state in [s for s in _order() if s in set(flows["state"]) and s != "none"]:
        part = flows[flows["state"] == state]
        fig.add_bar(
            x=part["to_date"], y=part["net"], name=_label(state, code), marker_color=TIER_COLORS.get(state, "#999")
        )
    fig.update_layout(
        barmode="relative",
        height=380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _default_cell(moves: pd.DataFrame) -> tuple[str, str]:
    wanted = moves[(moves["from_state"] == "high_spend") & (moves["to_state"] == "silent")]
    if len(wanted):
        return "high_spend", "silent"
    moved = moves[moves["from_state"] != moves["to_state"]].sort_values("customers", ascending=False)
    row = moved.iloc[0] if len(moved) else moves.iloc[0]
    return str(row["from_state"]), str(row["to_state"])


def movers_panel(dataset: str, key: str, start: date, end: date, moves: pd.DataFrame, code: str) -> None:
    """Pick a cell (from → to); see its customers (the first MOVERS_SHOWN), download them, or hand them all to the
    Targets page."""
    order = [s for s in _order() if s in set(moves["from_state"]) | set(moves["to_state"])]
    default_from, default_to = _default_cell(moves)
    left, right = st.columns(2)
    source = left.selectbox(
        t("mig.from_tier"),
        order,
        index=order.index(default_from),
        key="mig_cell_from",
        format_func=lambda s: _label(s, code),
    )
    target = right.selectbox(
        t("mig.to_tier"), order, index=order.index(default_to), key="mig_cell_to", format_func=lambda s: _label(s, code)
    )
    shown = cached.migration_movers(dataset, key, start, end, source, target, MOVERS_SHOWN)
    st.caption(
        t("mig.movers_count", n=fmt.count(shown.total, code), source=_label(source, code), target=_label(target, code))
    )
    if not shown.ids:
        return
    table = _movers_table(dataset, shown.ids, start, end)
    st.dataframe(table, hide_index=True, width="stretch", height=300)
    cols = st.columns(2)
    cols[0].download_button(
        t("mig.download"),
        table.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"movers-{source}-{target}-{end:%Y%m%d}.csv",
        mime="text/csv",
        key="mig_download",
    )
    if cols[1].button(t("mig.make_list"), key="mig_make_list"):
        with ui_state.workspace().reader() as con:  # every mover, not only those shown
            everyone = movers_from_cache(con, dataset, key, start, end, source, target).ids
        st.session_state[PREFILL] = {"customer_id": everyone}
        st.switch_page("pages/targets.py")


def _movers_table(dataset: str, ids: list[str], start: date, end: date) -> pd.DataFrame:
    details = cached.movers_details(dataset, tuple(ids), start, end)
    return pd.DataFrame({
        t("col.customer_id"): details["customer_id"],
        t("mig.last_purchase"): [d.date() if pd.notna(d) else None for d in details["last_purchase"]],
        t("mig.spend_before"): details["spend_before"].round(0).to_numpy(),
        t("mig.spend_after"): details["spend_after"].round(0).to_numpy(),
    })  # fmt: skip
