"""Panels of the Migration page: date choice, Sankey, transition matrix, sizes over time, net flow, movers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.catalog import CATALOG, text
from segcore.export_log import Exported
from segcore.migration import HEADLINE_PAIR, movers_from_cache, transition_matrix, year_of_snapshots
from segcore.migration_view import MOVERS_SHOWN, default_cell, default_period
from ui import cached, charts
from ui import state as ui_state
from ui.auth import page_access
from ui.colors import TIER_COLORS
from ui.downloads import recorded_download
from ui.i18n import t
from ui.tables import readable
from ui.target_form import PREFILL

__all__ = [
    "MOVERS_SHOWN",
    "date_pair",
    "definition",
    "matrix",
    "movers_panel",
    "net_flow_bars",
    "sankey",
    "sizes_area",
    "snapshot_choices",
    "summary_line",
]  # fmt: skip


def _order() -> list[str]:
    cfg = cached.tier_rules()
    return [*cfg.tier_order, "regular", "potential", "none"]


def _label(state: str, code: str) -> str:
    return t("mig.none") if state == "none" else charts.segment_label("tier", state, code)


def snapshot_choices(as_of: date, every: str) -> list[date]:
    """The snapshot dates of the last year up to the as-of date: Sundays, or month-ends."""
    return year_of_snapshots(as_of, every)


def date_pair(dates: list[date], every: str, code: str) -> tuple[date, date]:
    """Two snapshot dates to compare; by default four weeks ago and the last complete week (or the last month)."""
    default_from = default_period(dates, every)[0]
    left, right = st.columns(2)
    start = left.selectbox(
        t("mig.from"),
        dates[:-1],
        index=dates[:-1].index(default_from),
        key=f"mig_from_{every}",
        format_func=lambda d: fmt.day(d, code),
        placeholder=t("ui.choose_one"),
    )
    later = [d for d in dates if d > start]
    end = right.selectbox(
        t("mig.to"),
        later,
        index=len(later) - 1,
        key=f"mig_to_{every}",
        format_func=lambda d: fmt.day(d, code),
        placeholder=t("ui.choose_one"),
    )
    return start, end


def summary_line(summary: dict[str, int], start: date, end: date, code: str) -> str:
    """ "From … to …: 312 moved up, 498 moved down, 57 VIPs went silent (High spend on …, Silent on …)"
    (summary: segcore.migration.period_summary of the same transitions as the matrix)."""
    source, target = HEADLINE_PAIR
    return t(
        "mig.headline",
        start=fmt.day(start, code),
        end=fmt.day(end, code),
        up=fmt.count(summary["up"], code),
        down=fmt.count(summary["down"], code),
        pair=fmt.count(summary["pair"], code),
        source=_label(source, code),
        target=_label(target, code),
    )


def definition(start: date, end: date, code: str) -> str:
    """What the headline, the flows, the matrix and the movers count, in words."""
    return t("mig.definition", start=fmt.day(start, code), end=fmt.day(end, code))


def _short(state: str, code: str) -> str:
    key = f"mig.short.{state}"
    return text(key, code) if key in CATALOG else _label(state, code)


def _column(moves: pd.DataFrame, side: str, order: list[str]) -> list[tuple[str, int]]:
    totals = moves.groupby(side)["customers"].sum()
    return [(s, int(totals[s])) for s in order if s in totals.index and totals[s] > 0]


def sankey(
    moves: pd.DataFrame, code: str, order: list[str] | None = None, font_size: int = 13, height: int = 520
) -> go.Figure:
    """Customers flowing from each tier at the first date (left) to each tier at the second (right); same colours
    as everywhere. The tier names and counts sit outside the nodes (left of the left column, right of the right
    one), never on the flows."""
    order = order or _order()
    left, right = _column(moves, "from_state", order), _column(moves, "to_state", order)
    margin = {"l": 10 + 9 * font_size + 40, "r": 10 + 9 * font_size + 40, "t": 10, "b": 10}
    inner, pad = height - margin["t"] - margin["b"], 2 * font_size
    scale = min((inner - (len(col) - 1) * pad) / max(sum(n for _, n in col), 1) for col in (left, right))
    nodes: list[dict[str, object]] = []
    annotations = []
    for col, x, anchor in ((left, 0.001, "right"), (right, 0.999, "left")):
        top = 0.0
        for state, n in col:
            middle = (top + n * scale / 2) / inner
            nodes.append({"state": state, "x": x, "y": max(middle, 0.001)})
            annotations.append({
                "x": 0 if anchor == "right" else 1, "y": 1 - middle, "xref": "paper", "yref": "paper",
                "xanchor": anchor, "yanchor": "middle", "showarrow": False, "xshift": -12 if anchor == "right" else 12,
                "text": f"{_short(state, code)} <b>{fmt.count(n, code)}</b>", "font": {"size": font_size},
            })  # fmt: skip
            top += n * scale + pad
    left_at = {s: i for i, (s, _) in enumerate(left)}
    right_at = {s: len(left) + i for i, (s, _) in enumerate(right)}
    flows = moves[moves["customers"] > 0]
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node={
            "label": ["" for _ in nodes], "x": [n["x"] for n in nodes], "y": [n["y"] for n in nodes],
            "color": [TIER_COLORS.get(str(n["state"]), "#999") for n in nodes], "pad": pad, "thickness": 16,
            "customdata": [_label(str(n["state"]), code) for n in nodes],
            "hovertemplate": "%{customdata}: %{value:,}<extra></extra>",
        },
        link={
            "source": [left_at[s] for s in flows["from_state"]], "target": [right_at[s] for s in flows["to_state"]],
            "value": flows["customers"], "color": [_alpha(TIER_COLORS.get(s, "#999")) for s in flows["from_state"]],
            "customdata": [
                f"{_label(a, code)} → {_label(b, code)}: {fmt.count(n, code)}"
                for a, b, n in zip(flows["from_state"], flows["to_state"], flows["customers"], strict=True)
            ],
            "hovertemplate": "%{customdata}<extra></extra>",
        },
    ))  # fmt: skip
    fig.update_layout(height=height, margin=margin, font={"size": font_size}, annotations=annotations)
    return fig


def _alpha(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.35)"


def _wrapped(label: str) -> str:
    if " " in label:
        return label.replace(" ", "<br>", 1)
    if len(label) > 5 and not label.isascii():  # a long Chinese name: two lines (an English word is never cut)
        return label[: len(label) // 2] + "<br>" + label[len(label) // 2 :]
    return label


def _cell(customers: int, share: float, code: str) -> str:
    if not customers:
        return ""
    part = "< 1%" if share < 0.005 else fmt.percent(share, code, digits=0)
    return f"<b>{fmt.count(customers, code)}</b><br>{part}"


def matrix(
    moves: pd.DataFrame, code: str, start: date, end: date, order: list[str] | None = None, font_size: int = 14
) -> go.Figure:
    """The transition matrix: rows the tier at the start, columns the tier at the end; each cell the customers and
    their share of the row (empty cells left blank); short tier names, wrapped; full names and counts on hover."""
    counts, shares = transition_matrix(moves, order or _order())
    states = list(counts.index)
    names = [_label(s, code) for s in states]
    cells = [
        [_cell(n, p, code) for n, p in zip(r, q, strict=True)]
        for r, q in zip(counts.to_numpy(), shares.to_numpy(), strict=True)
    ]
    hover = [
        [f"{a} → {b}: {fmt.count(n, code)} ({fmt.percent(p, code)})" for b, n, p in zip(names, r, q, strict=True)]
        for a, r, q in zip(names, counts.to_numpy(), shares.to_numpy(), strict=True)
    ]
    fig = go.Figure(go.Heatmap(
        z=shares.to_numpy(), x=list(range(len(states))), y=list(range(len(states))), colorscale="Blues", zmin=0, zmax=1,
        showscale=False, text=cells, texttemplate="%{text}", textfont={"size": font_size}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
    ))  # fmt: skip
    fig.update_xaxes(
        side="top", tickvals=list(range(len(states))), ticktext=[_wrapped(_short(s, code)) for s in states],
        title={"text": t("mig.to") + " · " + fmt.day(end, code), "font": {"size": font_size}},
        tickfont={"size": font_size}, tickangle=0, fixedrange=True,
    )  # fmt: skip
    fig.update_yaxes(
        autorange="reversed", tickvals=list(range(len(states))), ticktext=[_short(s, code) for s in states],
        title={"text": t("mig.from") + " · " + fmt.day(start, code), "font": {"size": font_size}},
        tickfont={"size": font_size}, fixedrange=True,
    )  # fmt: skip
    row = 3 * font_size + 8
    fig.update_layout(height=row * len(states) + 110, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def _dates_axis(fig: go.Figure, code: str) -> go.Figure:
    charts.month_axis(fig, "x", code)
    fig.update_xaxes(hoverformat="%Y年%-m月%-d日" if code == "zh" else "%-d %b %Y")
    fig.update_yaxes(tickformat=",d")
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
            customdata=[fmt.count(v, code) for v in wide[state]],
            hovertemplate="%{x}: %{customdata}",
        )
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return _dates_axis(fig, code)


def net_flow_bars(flows: pd.DataFrame, code: str) -> go.Figure:
    """Net flow (in − out) per tier per period (flows: net_flow)."""
    fig = go.Figure()
    for state in [s for s in _order() if s in set(flows["state"]) and s != "none"]:
        part = flows[flows["state"] == state]
        fig.add_bar(
            x=part["to_date"],
            y=part["net"],
            name=_label(state, code),
            marker_color=TIER_COLORS.get(state, "#999"),
            customdata=[fmt.count(v, code) for v in part["net"]],
            hovertemplate="%{x}: %{customdata}",
        )
    fig.update_layout(
        barmode="relative",
        height=380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    return _dates_axis(fig, code)


def movers_panel(dataset: str, key: str, start: date, end: date, moves: pd.DataFrame, code: str) -> None:
    """Pick a cell (from → to); see its customers (the first MOVERS_SHOWN), download them, or hand them all to the
    Targets page."""
    order = [s for s in _order() if s in set(moves["from_state"]) | set(moves["to_state"])]
    default_from, default_to = default_cell(moves)
    left, right = st.columns(2)
    source = left.selectbox(
        t("mig.from_tier"),
        order,
        index=order.index(default_from),
        key="mig_cell_from",
        format_func=lambda s: _label(s, code),
        placeholder=t("ui.choose_one"),
    )
    target = right.selectbox(
        t("mig.to_tier"),
        order,
        index=order.index(default_to),
        key="mig_cell_to",
        format_func=lambda s: _label(s, code),
        placeholder=t("ui.choose_one"),
    )
    shown = cached.migration_movers(dataset, key, start, end, source, target, MOVERS_SHOWN)
    st.caption(
        t("mig.movers_count", n=fmt.count(shown.total, code), source=_label(source, code), target=_label(target, code))
    )
    if not shown.ids:
        return
    table = _movers_table(dataset, key, shown.ids, start, end)
    money = [t("mig.spend_before"), t("mig.spend_after")]
    shown_table = readable(table, code, currency=ui_state.currency(), money=money, days=[t("mig.last_purchase")])
    st.dataframe(shown_table, hide_index=True, width="stretch", height=300)
    cols = st.columns(2)
    file_name = f"movers-{source}-{target}-{end:%Y%m%d}.csv"
    content = table.to_csv(index=False).encode("utf-8-sig")
    subject = f"{_label(source, code)} → {_label(target, code)}, {start} .. {end}"
    exported = Exported("movers", dataset, subject, file_name, len(table))
    recorded_download(
        cols[0],
        t("mig.download"),
        lambda con: (content, exported),
        access=page_access(),
        file_name=file_name,
        mime="text/csv",
        key="mig_download",
    )
    if cols[1].button(t("mig.make_list"), key="mig_make_list"):
        with ui_state.workspace().reader() as con:  # every mover, not only those shown
            everyone = movers_from_cache(con, dataset, key, start, end, source, target).ids
        st.session_state[PREFILL] = {"customer_id": everyone}
        st.switch_page("pages/targets.py")


def _movers_table(dataset: str, key: str, ids: list[str], start: date, end: date) -> pd.DataFrame:
    details = cached.movers_details(dataset, tuple(ids), start, end, key)
    return pd.DataFrame({
        t("col.customer_id"): details["customer_id"],
        t("mig.last_purchase"): [d.date() if pd.notna(d) else None for d in details["last_purchase"]],
        t("mig.spend_before"): details["spend_before"].round(0).to_numpy(),
        t("mig.spend_after"): details["spend_after"].round(0).to_numpy(),
    })  # fmt: skip
