"""Tier rules: every threshold and the tier order, validated inline, saved in the workspace."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.keys import GROUP_KEYS
from segcore.tier_rules import reset_rules, save_rules
from ui import cached, charts, rules_form, state
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/tier_rules.py")

code = lang()  # bound once: widgets keep their format functions
st.title(t("set.title"))
st.caption(t("set.intro"))
current = cached.tier_rules()

candidate, problems = rules_form.edit(current)
order = st.multiselect(
    t("set.tier_order"),
    list(GROUP_KEYS),
    default=list(current.tier_order),
    key="set_tier_order",
    format_func=lambda g: charts.segment_label("tier", g, code),
)
candidate = rules_form.with_order(candidate, order)
problems = {**problems, **rules_form.order_problem(candidate)}
if "tier_order" in problems:
    st.error(t(f"set.problem.{problems['tier_order']}"))

save, restore = st.columns([1, 1])
if save.button(t("set.save"), type="primary", key="set_save", disabled=bool(problems)):
    dataset = state.dataset_id()
    with state.workspace().writer() as con:
        save_rules(con, candidate)
    state.invalidate()
    if dataset:
        moved = rules_form.customers_moved(dataset, state.as_of(), current, candidate)
        st.session_state["set_moved"] = t("set.moved", n=fmt.count(moved, lang()), day=fmt.day(state.as_of(), lang()))
    st.rerun()
if problems:
    st.warning(t("set.invalid"))
if restore.button(t("set.restore"), key="set_restore"):
    with state.workspace().writer() as con:
        reset_rules(con)
    state.invalidate()
    rules_form.forget_widgets()
    st.session_state["set_moved"] = ""
    st.rerun()
if st.session_state.get("set_moved"):
    st.success(st.session_state["set_moved"])
