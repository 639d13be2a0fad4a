"""Segments: sizes, revenue and change per segment, the R x F grid, group overlap, drill-down and playbook."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from segcore import fmt
from segcore.segments import (
    COMPARE_DAYS,
    group_overlap,
    rf_cell_members,
    rf_grid,
    segment_members,
    segment_order,
    segment_sizes,
    unplaced_customers,
)
from ui import cached, charts, segment_views, state
from ui.guard import require_frame, url_choice
from ui.i18n import lang, t

require_frame("pages/segments.py")

code = lang()  # bound once: widgets keep their format functions
st.title(t("seg.title"))
dataset = state.require_dataset(tier_tables_only=True)

as_of = state.as_of()
currency = state.currency()
before = as_of - timedelta(days=COMPARE_DAYS)
cfg = cached.tier_rules()
loaded = cached.imported_dates(dataset)  # tier tables computed elsewhere (Spark), not from sales here
if loaded:
    before = segment_views.loaded_tiers_source(dataset, as_of, before, loaded, code)
scheme = segment_views.scheme_picker("seg_scheme", code)
st.caption(t("seg.as_of", day=fmt.day(as_of, code), before=fmt.day(before, code)))
if not loaded and not cached.has_promo(dataset):
    st.warning(t("seg.no_promo"))

with st.spinner(t("seg.computing")):
    now = cached.tier_table(dataset, as_of)
    sizes = segment_sizes(now, cached.tier_table(dataset, before), scheme, cfg)
unplaced = unplaced_customers(now, scheme)

order = segment_order(scheme, cfg)
if st.session_state.get("seg_segment") not in order:
    st.session_state["seg_segment"] = url_choice("segment", order, order[0])
cell = st.session_state.get("seg_cell") if scheme == "rfm" else None


def _pick_from_chart(key: str) -> None:
    """A click on a chart: show that segment's (or grid cell's) customers below, and close the open customer."""
    picked = segment_views.chart_pick(st.session_state.get(key))
    if picked is None:
        return
    if "cell" in picked:
        st.session_state["seg_cell"] = picked["cell"]
    elif picked["segment"] in order:
        st.session_state["seg_segment"] = picked["segment"]
        st.session_state["seg_cell"] = None
    st.session_state["seg_customer"] = None


def _segment_changed() -> None:
    st.session_state["seg_cell"] = None
    st.session_state["seg_customer"] = None


st.subheader(t("seg.sizes"))
if scheme == "groups":
    st.caption(t("seg.groups_note"))
if unplaced:
    st.caption(t("seg.unplaced", n=fmt.count(unplaced, code)))
st.caption(t("seg.click_hint"))
picked_segment = None if cell else st.session_state["seg_segment"]
left, right = st.columns(2)
left.plotly_chart(
    charts.segment_treemap(sizes, scheme, code, picked_segment, currency),
    width="stretch",
    key=f"seg_treemap_{scheme}",
    on_select=lambda: _pick_from_chart(f"seg_treemap_{scheme}"),
    selection_mode="points",
)
right.plotly_chart(
    charts.segment_bars(sizes, scheme, code, picked_segment, currency),
    width="stretch",
    key=f"seg_bars_{scheme}",
    on_select=lambda: _pick_from_chart(f"seg_bars_{scheme}"),
    selection_mode="points",
)
st.dataframe(segment_views.sizes_table(sizes, scheme, code, currency), hide_index=True, width="stretch")

if scheme == "rfm":
    st.subheader(t("seg.heatmap"))
    st.plotly_chart(
        charts.rf_heatmap(rf_grid(now), code, cell, currency),
        width="stretch",
        key="seg_rf",
        on_select=lambda: _pick_from_chart("seg_rf"),
        selection_mode="points",
    )
if scheme == "groups":
    st.subheader(t("seg.overlap"))
    st.plotly_chart(charts.overlap_heatmap(group_overlap(now), code), width="stretch", key="seg_overlap")

st.subheader(t("seg.drill"))
segment = st.selectbox(
    t("seg.pick_segment"),
    order,
    key="seg_segment",
    format_func=lambda s: charts.segment_label(scheme, s, code),
    on_change=_segment_changed,
    placeholder=t("seg.pick_placeholder"),
)
st.query_params["segment"] = segment
if cell:
    st.markdown(f"**{t('seg.cell_title', r=cell[0], f=cell[1])}**")
    if st.button(t("seg.whole_segment"), key="seg_whole_segment"):
        _segment_changed()
        st.rerun()
    members = rf_cell_members(now, *cell)
else:
    members = segment_members(now, scheme, segment)
search = st.text_input(t("seg.search"), key="seg_search")
if search:
    members = members[members["customer_id"].str.contains(search, case=False, regex=False)]
st.caption(t("seg.list_count", n=fmt.count(len(members), code)))
if len(members) > segment_views.MEMBERS_SHOWN:  # only the rows a table draws leave pandas (issue 11)
    st.caption(t("seg.list_shown", n=fmt.count(segment_views.MEMBERS_SHOWN, code)))
    members = members.head(segment_views.MEMBERS_SHOWN)
ids = list(members["customer_id"])
table_key = f"seg_members_{scheme}_{segment}_{cell}_{search}"


def _pick_row() -> None:
    st.session_state["seg_customer"] = segment_views.customer_from_rows(st.session_state.get(table_key), ids)


st.dataframe(
    segment_views.members_table(members, code, currency),
    hide_index=True,
    width="stretch",
    height=300,
    key=table_key,
    on_select=_pick_row,
    selection_mode="single-row",
)
if "seg_customer" not in st.session_state:  # a shared link may name a customer
    st.session_state["seg_customer"] = st.query_params.get("customer")
customer = st.session_state.get("seg_customer")
rows = now.loc[now["customer_id"] == customer] if customer else now.iloc[0:0]
if len(rows) and loaded:
    st.caption(t("imported.no_card"))
elif len(rows):
    st.query_params["customer"] = customer
    segment_views.customer_card(dataset, customer, rows.iloc[0].to_dict(), as_of, cfg)
else:
    st.query_params.pop("customer", None)

segment_views.playbook_editor(scheme, order)
