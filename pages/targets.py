"""Targets: build a list from filters and exclusions, preview it, hold out a control group, save and export."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.targets import describe, describe_exclusion
from ui import cached, state, target_form, target_views
from ui.auth import page_access
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/targets.py")

code = lang()
access = page_access()
st.title(t("tgt.title"))
dataset = state.require_dataset()
as_of = state.as_of()
strip = st.container(key=target_views.STRIP_KEY)  # filled once the list is built: it stays in view above the filters

st.subheader(t("tgt.who"))
fields = cached.dataset_fields(dataset)
choices = {c: cached.extra_values(dataset, as_of, c) for c, f in fields.items() if f.plain and f.type == "text"}
rules = target_form.filters(
    cached.distinct_values(dataset, "store"), cached.distinct_values(dataset, "category"), fields, choices
)
st.subheader(t("tgt.how"))
channel = target_form.channel_picker()
exclusions = target_form.exclusions(cached.campaigns(dataset), as_of)

target_list = cached.target_list(dataset, as_of, tuple(rules), tuple(exclusions), channel)
target_views.count_strip(strip, target_list, cached.candidate_count(dataset, as_of), as_of, code)
st.subheader(t("tgt.preview"))
for rule in rules:
    st.caption("• " + describe(rule, code, fields))
target_views.preview(target_list, code, access, state.currency())
for exclusion, removed in target_list.removed:
    st.caption(t("tgt.removed", what=describe_exclusion(exclusion, code, channel), n=fmt.count(removed, code)))

target_views.save_panel(dataset, as_of, target_list, rules, exclusions, channel, access)
