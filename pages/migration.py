"""Migration: who moved between tiers, in which direction, and who needs a call."""

from __future__ import annotations

import streamlit as st

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
counts = cached.migration_summary(dataset, key, start, end, cached.tier_rules())
st.markdown("#### " + migration_views.summary_line(counts, start, end, code))
left, right = st.columns([3, 2])
left.plotly_chart(migration_views.sankey(moves, code), width="stretch", key="mig_sankey")
right.plotly_chart(migration_views.matrix(moves, code), width="stretch", key="mig_matrix")

st.subheader(t("mig.sizes_over_time"))
st.plotly_chart(migration_views.sizes_area(cached.migration_sizes(dataset, key), code), width="stretch", key="mig_area")
st.subheader(t("mig.net_flow"))
flows = cached.migration_net_flow(dataset, key, tuple(dates), cached.tier_rules())
st.plotly_chart(migration_views.net_flow_bars(flows, code), width="stretch", key="mig_net")

st.subheader(t("mig.movers"))
migration_views.movers_panel(dataset, key, start, end, moves, code)
