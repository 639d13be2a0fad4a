"""Panels of the Targets page: the live preview, the measurement plan and saving the campaign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from segcore import fmt
from segcore.access import Access
from segcore.campaigns import campaign_record, default_seed, holdout_warnings, save_campaign
from segcore.catalog import text
from segcore.errors import InputError
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
from ui import cached, charts, state, tables
from ui.auth import refusal
from ui.campaign_views import downloads
from ui.colors import TIER_COLORS
from ui.i18n import t

__all__ = ["STRIP_KEY", "checks", "count_strip", "preview", "save_panel"]


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


STRIP_KEY = "tgt_counts"
_STRIP_CSS = f"""
<style>
/* the list's size stays in view while the filters below it change (pinned under Streamlit's header) */
div[data-testid="stLayoutWrapper"]:has(> .st-key-{STRIP_KEY}), .st-key-{STRIP_KEY} {{
    position: sticky; top: 3.75rem; z-index: 999;
}}
.st-key-{STRIP_KEY} {{
    background: var(--background-color, #ffffff); background-color: rgb(255, 255, 255);
    padding: 0.25rem 0.75rem 0.4rem 0.75rem; border-bottom: 1px solid rgba(49, 51, 63, 0.2);
}}
.st-key-{STRIP_KEY} [data-testid="stMetricValue"] {{ font-size: 1.8rem; }}
header[data-testid="stHeader"] {{ background: rgb(255, 255, 255); }}
</style>
"""


def count_strip(strip: DeltaGenerator, target_list: TargetList, total: int, as_of: date, code: str) -> None:
    """The list's size, reach and matches in the pinned strip above the filters, each with its definition."""
    channel = t(f"channel.{target_list.channel}")
    with strip:
        st.html(_STRIP_CSS)
        cols = st.columns(3)
        cols[0].metric(t("tgt.size"), fmt.count(len(target_list.rows), code), help=t("tgt.def.size"))
        cols[1].metric(
            t("tgt.reach"), fmt.count(expected_reach(target_list), code), help=t("tgt.def.reach", channel=channel)
        )
        cols[2].metric(t("tgt.matched"), fmt.count(target_list.matched, code))
        st.caption(
            t("tgt.def.size") + " · " + t("tgt.def.matched", total=fmt.count(total, code), day=fmt.day(as_of, code))
        )


def preview(target_list: TargetList, code: str, access: Access, currency: str = "CNY") -> None:
    """What the checks found, the tier mix and a few rows (phones masked, names as the role sees them); the sizes
    are in the count strip."""
    checks(target_list, code)
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
        shown = access.mask_table(sample[["customer_id", "name", "phone", "tier", "recency_days", "monetary"]])
        shown["tier"] = [charts.segment_label("tier", k, code) if isinstance(k, str) else None for k in shown["tier"]]
        shown = tables.readable(shown, code, currency=currency, money=["monetary"], counts=["recency_days"])
        st.dataframe(shown.rename(columns={
            "customer_id": t("col.customer_id"), "name": t("col.name"), "phone": t("col.phone"),
            "tier": t("seg.col.tier"), "recency_days": t("seg.col.recency_days"), "monetary": t("seg.col.monetary"),
        }), hide_index=True, width="stretch")  # fmt: skip


def _plan(dataset: str, as_of: date, target_list: TargetList, share: float, days: int, code: str) -> None:
    n = len(target_list.rows)
    baseline = cached.list_baseline_rate(dataset, as_of, target_list.rows["customer_id"], days)
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
    access: Access,
) -> None:
    """Holdout, measurement plan, campaign details; saving records the campaign and offers its files. A role that
    may not make lists reads why instead; one that may not unmask is told its files are masked."""
    code = st.session_state.get("lang", "en")
    st.subheader(t("tgt.save_title"))
    if not access.can("make_lists"):
        st.caption(refusal(access, "make_lists"))
        return
    left, right = st.columns(2)
    name = left.text_input(t("camp.col.name"), key="tgt_name", placeholder=t("tgt.name_hint"))
    start = left.date_input(t("camp.col.start"), value=as_of + timedelta(days=1), key="tgt_start")
    end = left.date_input(t("camp.col.end"), value=as_of + timedelta(days=28), key="tgt_end")
    share = right.slider(t("tgt.holdout"), 0, 50, 10, 1, key="tgt_holdout", format="%d%%") / 100
    seed = right.number_input(
        t("tgt.seed"), min_value=0, value=default_seed(name or "list", start), step=1, key="tgt_seed"
    )
    unmask = False
    if access.can("unmask"):
        unmask = right.checkbox(t("tgt.unmask"), value=False, key="tgt_unmask", help=t("tgt.unmask_help"))
    else:
        right.caption(t("tgt.unmask_owner_only"))
    _plan(dataset, as_of, target_list, share, max(1, (end - start).days + 1), code)
    ready = bool(name.strip()) and len(target_list.rows) > 0 and end >= start
    if st.button(t("tgt.save"), type="primary", disabled=not ready, key="tgt_save"):
        try:
            with state.workspace().writer() as con:
                campaign_id = save_campaign(
                    con, dataset, target_list, name=name.strip(), channel=channel, start=start, end=end,
                    holdout_share=share, seed=int(seed), rules=rules, exclusions=target_list.removed,
                    config_toml=to_toml(cached.tier_rules()), mask_phone=not unmask, created_at=datetime.now(),
                    access=access,
                )  # fmt: skip
        except InputError as exc:
            st.error(exc.message(code))
            return
        state.invalidate()
        st.session_state["tgt_saved"] = campaign_id
    if st.session_state.get("tgt_saved"):
        _downloads(st.session_state["tgt_saved"], code, access)


def _downloads(campaign_id: str, code: str, access: Access) -> None:
    with state.workspace().reader() as con:
        record = campaign_record(con, campaign_id)
    st.success(t("tgt.saved", name=record["name"]))
    downloads(campaign_id, record, code, access)
