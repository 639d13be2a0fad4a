"""Segments: sizes, revenue and change per segment, the R x F grid, group overlap, drill-down and playbook."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from segcore import fmt
from segcore.catalog import text
from segcore.keys import SCHEMES
from segcore.segments import group_overlap, rf_grid, segment_members, segment_order, segment_sizes
from ui import cached, charts, segment_views, state
from ui.guard import require_frame, url_choice
from ui.i18n import lang, t

require_frame("pages/segments.py")

code = lang()  # bound once: widgets keep their format functions
st.title(t("seg.title"))
dataset = state.require_dataset()

as_of = state.as_of()
before = as_of - timedelta(days=30)
cfg = cached.tier_rules()
scheme = (
    st.segmented_control(
        t("seg.scheme"),
        list(SCHEMES),
        format_func=lambda s: text(f"scheme.{s}", code),
        key="seg_scheme",
        default=url_choice("scheme", list(SCHEMES), "tier"),
    )
    or "tier"
)
st.query_params["scheme"] = scheme
st.caption(t("seg.as_of", day=fmt.day(as_of, lang()), before=fmt.day(before, lang())))
if not cached.has_promo(dataset):
    st.warning(t("seg.no_promo"))

with st.spinner():
    now = cached.tier_table(dataset, as_of)
    sizes = segment_sizes(now, cached.tier_table(dataset, before), scheme, cfg)

st.subheader(t("seg.sizes"))
if scheme == "groups":
    st.caption(t("seg.groups_note"))
left, right = st.columns(2)
left.plotly_chart(charts.segment_treemap(sizes, scheme, lang()), width="stretch", key="seg_treemap")
right.plotly_chart(charts.segment_bars(sizes, scheme, lang()), width="stretch", key="seg_bars")
st.dataframe(segment_views.sizes_table(sizes, scheme, lang()), hide_index=True, width="stretch")

if scheme == "rfm":
    st.subheader(t("seg.heatmap"))
    st.plotly_chart(charts.rf_heatmap(rf_grid(now), lang()), width="stretch", key="seg_rf")
if scheme == "groups":
    st.subheader(t("seg.overlap"))
    st.plotly_chart(charts.overlap_heatmap(group_overlap(now), lang()), width="stretch", key="seg_overlap")

st.subheader(t("seg.drill"))
order = segment_order(scheme, cfg)
segment = st.selectbox(
    t("seg.pick_segment"),
    order,
    index=order.index(url_choice("segment", order, order[0])),
    key="seg_segment",
    format_func=lambda s: charts.segment_label(scheme, s, code),
)
st.query_params["segment"] = segment
members = segment_members(now, scheme, segment)
search = st.text_input(t("seg.search"), key="seg_search")
if search:
    members = members[members["customer_id"].str.contains(search, case=False, regex=False)]
st.dataframe(segment_views.members_table(members, lang()), hide_index=True, width="stretch", height=300)
customer = st.selectbox(
    t("seg.pick_customer"),
    [None, *members["customer_id"].head(500)],
    key="seg_customer",
    format_func=lambda c: "—" if c is None else c,
)
if customer:
    segment_views.customer_card(dataset, customer, as_of, cfg)

segment_views.playbook_editor(scheme, order)
