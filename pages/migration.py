"""Migration: who moved between tiers, in which direction, and who needs a call."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.migration import period_summary
from ui import cached, migration_views, state
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/migration.py")

code = lang()
st.title(t("mig.title"))
dataset = state.require_dataset()

as_of = state.as_of()
every = (
    st.segmented_control(
        t("mig.every"),
        ["week", "month"],
        default="week",
        key="mig_every",
        format_func={"week": t("mig.weekly"), "month": t("mig.monthly")}.__getitem__,
    )
    or "week"
)
dates = migration_views.snapshot_choices(as_of, every)
if len(dates) < 2:
    st.info(t("mig.too_short"))
    st.stop()
with st.spinner(t("mig.computing")):
    key = cached.migration_key(dataset, tuple(dates))
start, end = migration_views.date_pair(dates, every, code)

moves = cached.migration_between(dataset, key, start, end)
summary = period_summary(moves, cached.tier_rules())  # the same rows as the flows, the matrix and the movers
st.markdown("#### " + migration_views.summary_line(summary, start, end, code))
st.caption(migration_views.definition(start, end, code))
day = {"start": fmt.day(start, code), "end": fmt.day(end, code)}
st.markdown("**" + t("mig.flows", **day) + "**")
st.plotly_chart(migration_views.sankey(moves, code), width="stretch", key="mig_sankey")
st.markdown("**" + t("mig.matrix") + "**")
st.caption(t("mig.matrix_note", **day))
st.plotly_chart(
    migration_views.matrix(moves, code, start, end), width="stretch", key="mig_matrix", config={"displayModeBar": False}
)

st.subheader(t("mig.sizes_over_time"))
st.caption(t("mig.sizes_note"))
st.plotly_chart(migration_views.sizes_area(cached.migration_sizes(dataset, key), code), width="stretch", key="mig_area")
st.subheader(t("mig.net_flow"))
st.caption(t("mig.net_flow_note"))
flows = cached.migration_net_flow(dataset, key, tuple(dates), cached.tier_rules())
st.plotly_chart(migration_views.net_flow_bars(flows, code), width="stretch", key="mig_net")

st.subheader(t("mig.movers"))
migration_views.movers_panel(dataset, key, start, end, moves, code)
