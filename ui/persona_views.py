"""Panels of the Personas page: the headline, one bar chart per attribute, the side-by-side comparison and the
hand-over to the Targets page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.catalog import text
from segcore.persona import (
    Attribute,
    PersonaCube,
    attribute_label,
    coverage,
    handover,
    summary,
    value_label,
)
from ui import charts
from ui.i18n import t
from ui.target_form import PREFILL

__all__ = [
    "HIGH",
    "LOW",
    "MAX_VALUES",
    "Side",
    "attribute_chart",
    "charts_grid",
    "hand_over",
    "handover_panel",
    "headline",
    "picked_point",
    "side_by_side",
]

HIGH, LOW = 120, 80  # an index at or above HIGH (below LOW) is written in colour
MAX_VALUES = 12  # the most values a chart draws (the most common ones; the unknown is drawn besides)
COVERED = 0.5  # an attribute known for less of the segment says so
_BAR, _MUTED, _UNKNOWN = charts.BRAND, "#cbd5e1", "#94a3b8"
_HIGH_COLOR, _LOW_COLOR, _PLAIN_COLOR = "#15803d", "#c2410c", "#475569"
_ROW_PX, _CHART_PAD_PX = 30, 46
_MARKDOWN = re.compile(r"([\\`*_\[\]$~|])")


class Side:
    """One segment's persona as the page draws it: its cube, key, frame and name."""

    def __init__(self, cube: PersonaCube, segment: str, frame: pd.DataFrame, lang: str) -> None:
        self.cube = cube
        self.segment = segment
        self.frame = frame
        self.name = charts.segment_label(cube.scheme, segment, lang)
        self.size = cube.sizes.get(segment, 0)


def _md(words: str) -> str:
    """Words shown as they are in markdown (a file's value may hold * or $)."""
    return _MARKDOWN.sub(r"\\\1", words)


def headline(side: Side, lang: str, currency: str, min_count: int) -> None:
    """The one plain sentence about the segment, and its size."""
    sentence = summary(side.cube, side.frame, side.name, lang, currency, min_count)
    share = side.size / side.cube.base_size if side.cube.base_size else 0.0
    st.markdown(f"#### {_md(sentence)}")
    st.markdown(
        ":material/groups: **"
        + _md(t("per.size", n=fmt.count(side.size, lang), share=fmt.percent(share, lang, digits=0)))
        + "**"
    )


def _index_words(index: float | None, lang: str) -> str:
    if index is None or pd.isna(index):
        return ""
    shown = text("per.index", lang, n=fmt.count(index, lang))
    if index >= HIGH:
        return f'<span style="color:{_HIGH_COLOR}"><b>{shown} ▲</b></span>'
    if index <= LOW:
        return f'<span style="color:{_LOW_COLOR}"><b>{shown} ▼</b></span>'
    return f'<span style="color:{_PLAIN_COLOR}">{shown}</span>'


def _shown_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows a chart draws (the MAX_VALUES most common known values in their order, then the unknown) and how
    many known values there are."""
    known = rows[rows["value"].notna()]
    if len(known) <= MAX_VALUES:
        return rows, len(known)
    keep = known.nlargest(MAX_VALUES, "base_count", keep="first").index
    return rows[rows.index.isin(keep) | rows["value"].isna()], len(known)


def attribute_chart(
    rows: pd.DataFrame,
    attribute: Attribute,
    lang: str,
    currency: str = "CNY",
    min_count: int = 30,
    top: float | None = None,
) -> go.Figure:
    """Horizontal bars of one attribute's persona rows: a bar per value for the segment's share, a black tick for
    the share of all customers, and the share and index written at the right (the index in colour when at least
    HIGH or at most LOW; none, and a lighter bar, below `min_count` customers). Each bar carries [attribute, value]
    ("" for the unknown) as customdata: what a click hands over. `top`: the largest share the axis must hold (two
    segments side by side share one scale), else the rows' own."""
    labels = [value_label(attribute, v, lang, currency) for v in rows["value"]]
    labels = [f"{label} " if label in labels[:i] else label for i, label in enumerate(labels)]  # one row each
    enough = (rows["segment_count"] >= min_count).tolist()
    colors = [(_UNKNOWN if v is None else _BAR) if ok else _MUTED for v, ok in zip(rows["value"], enough, strict=True)]
    custom = [[attribute.name, "" if v is None else str(v)] for v in rows["value"]]
    hover = []
    for row, label in zip(rows.to_dict("records"), labels, strict=True):
        index = row["index"]
        index_line = (
            text("per.hover_index", lang, n=fmt.count(index, lang))
            if not pd.isna(index)
            else text("per.hover_no_index", lang, n=fmt.count(min_count, lang))
        )
        hover.append(
            text(
                "per.hover",
                lang,
                value=label,
                share=fmt.percent(row["segment_share"], lang),
                n=fmt.count(row["segment_count"], lang),
                base=fmt.percent(row["base_share"], lang),
                base_n=fmt.count(row["base_count"], lang),
            )
            + "<br>"
            + index_line
        )
    bars = {
        "type": "bar",
        "x": rows["segment_share"].tolist(),
        "y": labels,
        "orientation": "h",
        "marker": {"color": colors},
        "customdata": custom,
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "name": text("per.segment_legend", lang),
        "selected": {"marker": {"opacity": 1}},
        "unselected": {"marker": {"opacity": 0.5}},
    }
    ticks = {
        "type": "scatter",
        "x": rows["base_share"].tolist(),
        "y": labels,
        "mode": "markers",
        "marker": {"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#111827"}, "color": "#111827"},
        "customdata": custom,
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "name": text("per.base_legend", lang),
    }
    notes = []  # the share and index at the right of each bar
    for label, share, index in zip(labels, rows["segment_share"], rows["index"], strict=True):
        words = fmt.percent(share, lang, digits=0)
        index_words = _index_words(index, lang)
        notes.append({
            "x": 1, "xref": "paper", "xanchor": "left", "xshift": 10, "y": label, "yref": "y",
            "text": f"{words}  {index_words}" if index_words else words,
            "showarrow": False, "align": "left", "font": {"size": 14, "color": "#111827"},
        })  # fmt: skip
    top = max(top or 0.0, _top(rows))
    layout = dict(
        height=_CHART_PAD_PX + _ROW_PX * max(len(rows), 2),
        margin={"l": 10, "r": 150, "t": 6, "b": 30},
        showlegend=False,
        bargap=0.3,
        clickmode="event+select",
        dragmode=False,
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif", "size": 14},
        xaxis={
            "range": [0, min(1.0, top * 1.08) if top < 0.95 else 1.02],
            "tickformat": ".0%",
            "fixedrange": True,
            "tickfont": {"size": 12, "color": "#475569"},
        },
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
            "ticksuffix": " ",
            "tickfont": {"size": 14, "color": "#111827"},
        },
        hoverlabel={"font": {"size": 14}},
        annotations=notes,
    )
    return go.Figure({"data": [bars, ticks], "layout": layout})  # built in one go: Plotly checks it once


def _top(rows: pd.DataFrame) -> float:
    return float(max([*rows["segment_share"], *rows["base_share"], 0.05]))


def picked_point(event: Mapping[str, Any] | None) -> tuple[str, str | None] | None:
    """The (attribute, value) of the bar a click selected (value None: the unknown), from Streamlit's selection
    event; None when nothing is selected."""
    selection = (event or {}).get("selection") or {}
    for point in selection.get("points") or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 2 and isinstance(data[0], str):
            return data[0], (str(data[1]) or None) if data[1] is not None else None
    return None


def hand_over(cube: PersonaCube, segment: str, attribute: str, value: str | None) -> None:
    """Open the Targets page with the segment picked and the value's rules set (segcore.persona.handover)."""
    picker, rules = handover(cube, segment, attribute, value)
    st.session_state[PREFILL] = {**picker, "rules": list(rules)}
    st.switch_page("pages/targets.py")


def _rows(side: Side, attribute: Attribute) -> pd.DataFrame:
    return side.frame[side.frame["attribute"] == attribute.name]


def _chart(
    side: Side, attribute: Attribute, lang: str, currency: str, min_count: int, key: str, top: float | None = None
) -> None:
    """One attribute's title, coverage note and chart; a click on a bar hands it over."""
    rows = _rows(side, attribute)
    label = attribute_label(attribute, lang)
    st.markdown(f"##### {_md(label)}")
    known = coverage(rows).get(attribute.name, 0.0)
    if known < COVERED:
        st.caption(":warning: " + _md(t("per.coverage_low", attribute=label, share=fmt.percent(known, lang, digits=0))))
    shown, total = _shown_rows(rows)
    event = st.plotly_chart(
        attribute_chart(shown, attribute, lang, currency, min_count, top),
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )
    if total > MAX_VALUES:
        st.caption(t("per.top_values", n=MAX_VALUES, total=fmt.count(total, lang)))
    picked = picked_point(event)
    if picked is None:
        return
    if picked[1] is None:
        st.warning(t("per.handover_unknown"))
        return
    hand_over(side.cube, side.segment, *picked)


def charts_grid(side: Side, lang: str, currency: str, min_count: int, per_row: int = 2) -> None:
    """Every attribute's chart, `per_row` to a row."""
    attributes = list(side.cube.attributes)
    for start in range(0, len(attributes), per_row):
        columns = st.columns(per_row, gap="large")
        for column, attribute in zip(columns, attributes[start : start + per_row], strict=False):
            with column:
                key = f"per_chart_{side.cube.scheme}_{side.segment}_{attribute.name}_{min_count}"
                _chart(side, attribute, lang, currency, min_count, key)


def side_by_side(left: Side, right: Side, lang: str, currency: str, min_count: int) -> None:
    """Two segments, one column each: the headline, then each attribute's charts on one row."""
    columns = st.columns(2, gap="large")
    for column, side in zip(columns, (left, right), strict=True):
        with column:
            st.subheader(side.name, anchor=False)
            headline(side, lang, currency, min_count)
    for attribute in left.cube.attributes:
        if attribute.name not in {a.name for a in right.cube.attributes}:
            continue
        top = max(_top(_shown_rows(_rows(side, attribute))[0]) for side in (left, right))  # one scale for both
        columns = st.columns(2, gap="large")
        for i, (column, side) in enumerate(zip(columns, (left, right), strict=True)):
            with column:
                key = f"per_cmp{i}_{side.cube.scheme}_{side.segment}_{attribute.name}_{min_count}"
                _chart(side, attribute, lang, currency, min_count, key, top)


def handover_panel(side: Side, lang: str, currency: str) -> None:
    """The keyboard way to the hand-over: pick an attribute and a value, then open the list."""
    st.subheader(t("per.handover_title"))
    st.caption(t("per.handover_caption", segment=side.name))
    by_name = {a.name: a for a in side.cube.attributes}
    if not by_name:
        return
    left, middle, right = st.columns([2, 2, 1.4], vertical_alignment="bottom")
    name = left.selectbox(
        t("per.handover_attribute"),
        list(by_name),
        format_func=lambda a: attribute_label(by_name[a], lang),
        key="per_ho_attribute",
        placeholder=t("tgt.pick_one"),
    )
    attribute = by_name[name]
    rows = side.frame[side.frame["attribute"] == name]
    counts = {("" if v is None else str(v)): int(n) for v, n in zip(rows["value"], rows["segment_count"], strict=True)}
    value = middle.selectbox(
        t("per.handover_value"),
        list(counts),
        format_func=lambda v: text(
            "per.handover_value_option",
            lang,
            value=value_label(attribute, v or None, lang, currency),
            n=fmt.count(counts[v], lang),
        ),
        key=f"per_ho_value_{side.cube.scheme}_{side.segment}_{name}",
        placeholder=t("tgt.pick_one"),
    )
    unknown = not value
    if right.button(t("per.handover_button"), key="per_ho_open", disabled=unknown, icon=":material/checklist:"):
        hand_over(side.cube, side.segment, name, value)
    if unknown:
        st.caption(t("per.handover_unknown"))
