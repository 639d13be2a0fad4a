"""Tables and panels of the Segments page: formatted for people, in the session's language."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.keys import CHANNELS
from segcore.playbook import playbook, save_playbook
from segcore.tier_rules import TierRules
from ui import cached, charts, state
from ui.i18n import lang, t

__all__ = ["customer_card", "members_table", "playbook_editor", "sizes_table"]


def _signed(n: int, code: str) -> str:
    return ("+" if n > 0 else "") + fmt.count(n, code)


def sizes_table(sizes: pd.DataFrame, scheme: str, code: str) -> pd.DataFrame:
    """The per-segment table with translated headers and human numbers."""
    return pd.DataFrame(
        {
            t("seg.segment"): [charts.segment_label(scheme, s, code) for s in sizes["segment"]],
            t("seg.customers"): [fmt.count(n, code) for n in sizes["customers"]],
            t("seg.share"): [fmt.percent(p, code) for p in sizes["share"]],
            t("seg.revenue_12m"): [fmt.money(v, code) for v in sizes["revenue_12m"]],
            t("seg.revenue_share"): [fmt.percent(p, code) for p in sizes["revenue_share"]],
            t("seg.avg_spend"): [fmt.money(v, code) for v in sizes["avg_spend"]],
            t("seg.change"): [_signed(int(n), code) for n in sizes["change"]],
        }
    )


def members_table(members: pd.DataFrame, code: str) -> pd.DataFrame:
    """A segment's customers: id, tier, recency, frequency, spend; numbers stay numeric so columns sort."""
    return pd.DataFrame(
        {
            t("col.customer_id"): members["customer_id"],
            t("seg.col.tier"): [
                charts.segment_label("tier", s, code) if isinstance(s, str) else "–" for s in members["tier"]
            ],
            t("seg.col.recency_days"): members["recency_days"],
            t("seg.col.frequency"): members["frequency"],
            t("seg.col.monetary"): members["monetary"].round(0),
            t("seg.col.spend_w"): members["spend_w"].round(0),
            t("seg.col.last_purchase"): members["last_purchase"].dt.date,
        }
    )


def customer_card(dataset: str, customer: str, as_of: date, cfg: TierRules) -> None:
    """One customer: purchases of the last 12 months and the tier at each month-end."""
    code = lang()
    with st.container(border=True):
        st.markdown(f"#### {t('seg.customer_title', customer=customer)}")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('seg.tier_history')}**")
            with st.spinner(t("seg.computing_history")):
                history = cached.tier_history(dataset, customer, as_of)
            order = [*cfg.tier_order, "regular", "potential"]
            st.plotly_chart(charts.tier_history_chart(history, order, code), width="stretch", key="seg_history")
        with right:
            st.markdown(f"**{t('seg.purchases_12m')}**")
            lines = cached.customer_purchases(dataset, customer, as_of)
            if lines.empty:
                st.caption(t("seg.no_purchases"))
            else:
                st.dataframe(_purchases_table(lines, code), hide_index=True, width="stretch", height=280)


def _purchases_table(lines: pd.DataFrame, code: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.order_date"): lines["order_date"].dt.strftime("%Y-%m-%d %H:%M"),
            t("col.order_id"): lines["order_id"],
            t("col.product"): lines["product"],
            t("col.amount"): [fmt.money(v, code, cents=True) for v in lines["amount"]],
            t("col.is_promo"): lines["is_promo"].map({True: "✓", False: ""}).fillna(""),
        }
    )


def playbook_editor(scheme: str, order: list[str]) -> None:
    """The editable playbook of a scheme: action and channel per segment, saved in the workspace."""
    code = lang()
    st.subheader(t("seg.playbook"))
    st.caption(t("seg.playbook_hint"))
    with state.workspace().reader() as con:
        book = playbook(con, scheme, order, code)
    names = {c: t(f"channel.{c}") for c in CHANNELS}
    shown = book.assign(
        label=[charts.segment_label(scheme, s, code) for s in book["segment"]],
        channel=[names.get(c, "") for c in book["channel"]],
    )
    edited = st.data_editor(
        shown[["label", "action", "channel", "segment"]],
        hide_index=True,
        width="stretch",
        key=f"seg_playbook_{scheme}",
        disabled=["label", "segment"],
        column_order=["label", "action", "channel"],
        column_config={
            "label": st.column_config.TextColumn(t("seg.segment")),
            "action": st.column_config.TextColumn(t("seg.action"), width="large"),
            "channel": st.column_config.SelectboxColumn(t("seg.channel"), options=list(names.values())),
        },
    )
    if st.button(t("seg.save_playbook"), key="seg_save_playbook"):
        with state.workspace().writer() as con:
            keys = {label: key for key, label in names.items()}
            save_playbook(
                con, scheme, edited.assign(channel=edited["channel"].map(keys))[["segment", "action", "channel"]]
            )
        st.success(t("seg.saved"))
