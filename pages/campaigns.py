"""Campaigns: every past and running campaign, what each earned (lift with honest intervals), and its lists."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.campaigns import latest_with_results
from segcore.lift import headline
from ui import cached, campaign_views, state
from ui.auth import page_access
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/campaigns.py")

code = lang()  # bound once: widgets keep their format functions
access = page_access()
st.title(t("camp.title"))
dataset = state.require_dataset()

as_of = state.as_of()
campaigns = cached.campaigns(dataset)
if campaigns.empty:
    st.info(t("camp.none"))
    campaign_views.import_form(dataset, access)
    st.stop()

currency = state.currency()
st.dataframe(campaign_views.campaigns_table(campaigns, as_of, code), hide_index=True, width="stretch")
ids = list(campaigns["campaign_id"])
names = campaign_views.pick_labels(campaigns, as_of, code)  # a planned campaign says it has no results yet
wanted = st.query_params.get("campaign")
first = latest_with_results(campaigns, as_of)  # a list saved for next week does not hide the measured ones
chosen = st.selectbox(
    t("camp.pick"),
    ids,
    index=ids.index(wanted) if wanted in ids else ids.index(first) if first in ids else 0,
    key="camp_pick",
    format_func=names.__getitem__,
    placeholder=t("camp.pick_hint"),
)
st.query_params["campaign"] = chosen
winsorize = st.toggle(t("camp.winsorize"), key="camp_winsorize", help=t("camp.winsorize_help"))

result = cached.measure(chosen, as_of, 99.9 if winsorize else None)
if result.not_started:
    st.info(t("camp.not_started", start=fmt.day(result.record["start"], code)))
elif result.report is not None:
    if result.interim:
        st.warning(t("camp.interim", day=fmt.day(result.measured_end, code), end=fmt.day(result.record["end"], code)))
    campaign_views.headline_card(headline(result.report, code, currency), result.report)
    left, right = st.columns(2)
    left.plotly_chart(campaign_views.rate_chart(result.report, code), width="stretch", key="camp_rate")
    right.plotly_chart(campaign_views.rpc_chart(result.report, code, currency), width="stretch", key="camp_rpc")
    st.subheader(t("camp.by_tier"))
    st.dataframe(campaign_views.tier_table(result.report, code, currency), hide_index=True, width="stretch")
    if campaign_views.any_not_conclusive(result.report):
        st.caption(t("camp.not_conclusive_note"))
    st.subheader(t("camp.daily"))
    st.plotly_chart(campaign_views.daily_chart(result.daily, code, currency), width="stretch", key="camp_daily")
else:
    campaign_views.did_card(result.did, code, currency)

campaign_views.downloads(chosen, result.record, code, access)
campaign_views.compare(campaigns, as_of, code, currency)
campaign_views.import_form(dataset, access)
