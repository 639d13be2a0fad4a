"""Overview: the store at a glance as of the chosen date."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from ui import cached, charts, state
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/overview.py")

st.title(t("overview.title"))
dataset = state.dataset_id()
if dataset is None:
    st.info(t("overview.no_data"))
    st.page_link("pages/data.py", label=t("nav.data"), icon=":material/upload_file:")
    st.stop()

table = state.datasets().set_index("dataset_id")
if bool(table.loc[dataset, "is_demo"]):
    st.info(t("overview.demo_banner"), icon=":material/info:")

as_of = state.as_of()
summary = cached.store_summary(dataset, as_of)
st.caption(t("overview.as_of", day=fmt.day(as_of, lang())))
cols = st.columns(5)
cols[0].metric(t("kpi.customers"), fmt.count(summary["customers"], lang()))  # type: ignore[arg-type]
cols[1].metric(t("kpi.active_customers"), fmt.count(summary["active_customers"], lang()))  # type: ignore[arg-type]
cols[2].metric(t("kpi.members"), fmt.count(summary["members"], lang()))  # type: ignore[arg-type]
cols[3].metric(
    t("kpi.revenue_12m"),
    fmt.money_compact(summary["revenue_12m"], lang(), currency=state.currency()),  # type: ignore[arg-type]
)
cols[4].metric(t("kpi.purchases_12m"), fmt.count(summary["purchases_12m"], lang()))  # type: ignore[arg-type]

st.subheader(t("overview.monthly_revenue"))
months = cached.monthly_revenue(dataset, as_of)
st.plotly_chart(charts.monthly_revenue_bars(months, lang(), state.currency()), width="stretch")
