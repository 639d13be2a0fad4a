"""Tier rules: every threshold and the tier order, validated inline, saved in the workspace."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.keys import GROUP_KEYS
from segcore.tier_rules import moved_count, reset_rules, save_rules
from ui import cached, charts, rules_form, segment_views, state
from ui.auth import page_access, refusal
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/tier_rules.py")

code = lang()  # bound once: widgets keep their format functions
access = page_access()
st.title(t("set.title"))
st.caption(t("set.intro"))
current = cached.tier_rules()

candidate, problems = rules_form.edit(current)
order = st.multiselect(
    t("set.tier_order"),
    list(GROUP_KEYS),
    default=list(current.tier_order),
    key="set_tier_order",
    placeholder=t("set.order_placeholder"),
    format_func=lambda g: charts.segment_label("tier", g, code),
)
candidate = rules_form.with_order(candidate, order)
problems = {**problems, **rules_form.order_problem(candidate)}
if "tier_order" in problems:
    st.error(t(f"set.problem.{problems['tier_order']}"))

dataset = state.dataset_id()
as_of = state.as_of()
st.subheader(t("set.preview"))
if problems:
    st.info(t("set.preview_blocked"))
elif candidate == current:
    st.caption(t("set.preview_same"))
elif not dataset:
    st.caption(t("set.no_dataset"))
else:
    with st.spinner(t("seg.computing")):
        moves = cached.rules_preview(dataset, as_of, current, candidate)
    moved = moved_count(moves)
    if moved:
        st.markdown(t("set.preview_moves", n=fmt.count(moved, code), day=fmt.day(as_of, code)))
        st.dataframe(segment_views.moves_table(moves, code), hide_index=True, width="stretch", key="set_moves")
    else:
        st.caption(t("set.preview_none", day=fmt.day(as_of, code)))

if not access.can("edit_rules"):  # the form above is a what-if for everyone; saving is the owner's
    st.info(refusal(access, "edit_rules"))
else:
    save, restore = st.columns([1, 1])
    if save.button(t("set.save"), type="primary", key="set_save", disabled=bool(problems)):
        with state.workspace().writer() as con:
            save_rules(con, candidate, access=access)
        state.invalidate()
        if dataset:
            moved = moved_count(cached.rules_preview(dataset, as_of, current, candidate))
            st.session_state["set_moved"] = t("set.moved", n=fmt.count(moved, code), day=fmt.day(as_of, code))
        st.rerun()
    if problems:
        st.warning(t("set.invalid"))
    if restore.button(t("set.restore"), key="set_restore"):
        with state.workspace().writer() as con:
            reset_rules(con, access=access)
        state.invalidate()
        rules_form.forget_widgets()
        st.session_state["set_moved"] = ""
        st.rerun()
if st.session_state.get("set_moved"):
    st.success(st.session_state["set_moved"])
