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
state.require_dataset()  # a dataset of tier tables loaded from Spark has no sales to show here

table = state.datasets().set_index("dataset_id")
if bool(table.loc[dataset, "is_demo"]):
    st.info(t("overview.demo_banner"), icon=":material/info:")

as_of = state.as_of()
code, currency = lang(), state.currency()
summary = cached.store_summary(dataset, as_of)
counts = cached.customer_counts(dataset, as_of)  # each count card says which definition it counts
st.caption(t("overview.as_of", day=fmt.day(as_of, code)))
cols = st.columns(5)
cards = [
    ("kpi.customers", fmt.count(counts["bought"], code), "count.def.bought"),
    ("kpi.active_customers", fmt.count(counts["active"], code), "count.def.active"),
    ("kpi.members", fmt.count(counts["members"], code), "count.def.members"),
    ("kpi.revenue_12m", fmt.money_compact(summary["revenue_12m"], code, currency=currency), None),  # type: ignore[arg-type]
    ("kpi.purchases_12m", fmt.count(summary["purchases_12m"], code), None),  # type: ignore[arg-type]
]
for col, (label, value, definition) in zip(cols, cards, strict=True):
    col.metric(t(label), value, help=t(definition) if definition else None)
    if definition:
        col.caption(t(definition))
st.caption(
    t(
        "overview.other_counts",
        in_tiers=fmt.count(counts["in_tiers"], code),
        in_sales=fmt.count(counts["in_sales"], code),
        day=fmt.day(as_of, code),
    )
)

st.subheader(t("overview.monthly_revenue"))
months = cached.monthly_revenue(dataset, as_of)
st.plotly_chart(charts.monthly_revenue_bars(months, code, currency), width="stretch")
note = charts.partial_months_note(months, code)
if note:
    st.caption(note.replace("*", r"\*"))  # a literal star, not a Markdown list
