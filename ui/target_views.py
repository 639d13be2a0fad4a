"""Panels of the Targets page: the live preview, the measurement plan and saving the campaign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.campaigns import campaign_record, default_seed, holdout_warnings, save_campaign
from segcore.catalog import text
from segcore.errors import InputError
from segcore.export import mask_phone
from segcore.lift import minimum_detectable_effect
from segcore.targets import (
    Exclusion,
    Rule,
    TargetList,
    empty_reason,
    expected_reach,
    list_warnings,
    sample_rows,
    tier_mix,
)
from segcore.tier_rules import to_toml
from ui import cached, charts, state
from ui.campaign_views import downloads
from ui.colors import TIER_COLORS
from ui.i18n import t

__all__ = ["checks", "preview", "save_panel"]


def checks(target_list: TargetList, code: str) -> None:
    """What the do-not-contact lists matched, the list's warnings, and why an empty list is empty."""
    for count in target_list.id_lists:
        st.info(text("target.id_list_read", code, read=fmt.count(count.read, code),
                     matched=fmt.count(count.matched, code)))  # fmt: skip
    reason = empty_reason(target_list, code)
    for item in list_warnings(target_list):
        if reason is None or not item["key"].startswith("target.warn.no_consent."):  # said in the reason below
            st.warning(text(item["key"], code, **{k: v for k, v in item.items() if k != "key"}))
    if reason is not None:
        st.error(text("tgt.empty", code, reason=reason))


def preview(target_list: TargetList, code: str) -> None:
    """List size, reach, tier mix and a few rows (phones masked)."""
    checks(target_list, code)
    cols = st.columns(3)
    cols[0].metric(t("tgt.size"), fmt.count(len(target_list.rows), code))
    cols[1].metric(t("tgt.reach"), fmt.count(expected_reach(target_list), code))
    cols[2].metric(t("tgt.matched"), fmt.count(target_list.matched, code))
    mix = tier_mix(target_list)
    if not mix.empty:
        fig = go.Figure(
            go.Bar(
                x=[charts.segment_label("tier", k, code) if k else "–" for k in mix["tier"]],
                y=mix["customers"],
                marker_color=[TIER_COLORS.get(k, "#999") for k in mix["tier"]],
                text=[fmt.count(n, code) for n in mix["customers"]],
                textposition="auto",
            )
        )
        fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10})
        st.plotly_chart(fig, width="stretch", key="tgt_mix")
    sample = sample_rows(target_list, 8)
    if not sample.empty:
        shown = sample[["customer_id", "name", "phone", "tier", "recency_days", "monetary"]].copy()
        shown["phone"] = shown["phone"].map(mask_phone)
        shown["tier"] = [charts.segment_label("tier", k, code) if isinstance(k, str) else "–" for k in shown["tier"]]
        st.dataframe(shown.rename(columns={
            "customer_id": t("col.customer_id"), "name": t("col.name"), "phone": t("col.phone"),
            "tier": t("seg.col.tier"), "recency_days": t("seg.col.recency_days"), "monetary": t("seg.col.monetary"),
        }), hide_index=True, width="stretch")  # fmt: skip


def _plan(dataset: str, as_of: date, target_list: TargetList, share: float, days: int, code: str) -> None:
    n = len(target_list.rows)
    baseline = cached.baseline_rate(dataset, as_of, tuple(target_list.rows["customer_id"]), days)
    for warning in holdout_warnings(share):
        st.warning(t(warning))
    if baseline is None or share == 0:
        return
    mde = minimum_detectable_effect(n, share, baseline)
    text = t(
        "tgt.mde", baseline=fmt.percent(baseline, code), days=days, mde="–" if mde is None else fmt.percent(mde, code)
    )
    too_small = mde is None or mde > 0.5
    (st.warning if too_small else st.info)(text + (" " + t("tgt.too_small") if too_small else ""))


def save_panel(
    dataset: str,
    as_of: date,
    target_list: TargetList,
    rules: Sequence[Rule],
    exclusions: Sequence[Exclusion],
    channel: str,
) -> None:
    """Holdout, measurement plan, campaign details; saving records the campaign and offers its files."""
    code = st.session_state.get("lang", "en")
    st.subheader(t("tgt.save_title"))
    left, right = st.columns(2)
    name = left.text_input(t("camp.col.name"), key="tgt_name", placeholder=t("tgt.name_hint"))
    start = left.date_input(t("camp.col.start"), value=as_of + timedelta(days=1), key="tgt_start")
    end = left.date_input(t("camp.col.end"), value=as_of + timedelta(days=28), key="tgt_end")
    share = right.slider(t("tgt.holdout"), 0.0, 0.5, 0.10, 0.01, key="tgt_holdout", format="%.2f")
    seed = right.number_input(
        t("tgt.seed"), min_value=0, value=default_seed(name or "list", start), step=1, key="tgt_seed"
    )
    unmask = right.checkbox(t("tgt.unmask"), value=False, key="tgt_unmask", help=t("tgt.unmask_help"))
    _plan(dataset, as_of, target_list, share, max(1, (end - start).days + 1), code)
    ready = bool(name.strip()) and len(target_list.rows) > 0 and end >= start
    if st.button(t("tgt.save"), type="primary", disabled=not ready, key="tgt_save"):
        try:
            with state.workspace().writer() as con:
                campaign_id = save_campaign(
                    con, dataset, target_list, name=name.strip(), channel=channel, start=start, end=end,
                    holdout_share=share, seed=int(seed), rules=rules, exclusions=target_list.removed,
                    config_toml=to_toml(cached.tier_rules()), mask_phone=not unmask, created_at=datetime.now(),
                )  # fmt: skip
        except InputError as exc:
            st.error(exc.message(code))
            return
        state.invalidate()
        st.session_state["tgt_saved"] = campaign_id
    if st.session_state.get("tgt_saved"):
        _downloads(st.session_state["tgt_saved"], code)


def _downloads(campaign_id: str, code: str) -> None:
    with state.workspace().reader() as con:
        record = campaign_record(con, campaign_id)
    st.success(t("tgt.saved", name=record["name"]))
    downloads(campaign_id, record, code)
