"""Panels of the Campaigns page: the list, the lift card and charts, per-tier table, downloads, comparison, import."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.access import Access
from segcore.campaigns import import_campaign, read_campaign_file, started
from segcore.errors import InputError
from segcore.export import campaign_export, export_file_name, invalid_phones, phones_masked
from segcore.export_log import Exported
from segcore.keys import CHANNELS, LIST_FILE_TYPES
from segcore.lift import Effect, LiftReport, SegmentLift, crosses_zero
from segcore.measure import campaign_status
from ui import cached, charts, state
from ui.auth import refusal
from ui.downloads import recorded_download
from ui.i18n import t
from ui.uploads import list_uploader, saved_upload

__all__ = [
    "any_not_conclusive",
    "campaigns_table",
    "compare",
    "daily_chart",
    "did_card",
    "downloads",
    "headline_card",
    "import_form",
    "pick_labels",
    "rate_chart",
    "reading",
    "rpc_chart",
    "tier_table",
]

TREATMENT, CONTROL = "#2563eb", "#9ca3af"


def _day(value: object, code: str) -> str:
    return fmt.day(pd.Timestamp(value).date(), code) if value is not None and value == value else "–"


def campaigns_table(campaigns: pd.DataFrame, as_of: date, code: str) -> pd.DataFrame:
    """The campaigns list: name, channel, dates, status and group sizes."""
    return pd.DataFrame(
        {
            t("camp.col.name"): campaigns["name"],
            t("camp.col.channel"): [t(f"channel.{c}") for c in campaigns["channel"]],
            t("camp.col.start"): [_day(d, code) for d in campaigns["start"]],
            t("camp.col.end"): [_day(d, code) for d in campaigns["end"]],
            t("camp.col.status"): [
                t(f"camp.status.{campaign_status(pd.Timestamp(s).date(), pd.Timestamp(e).date(), as_of)}")
                for s, e in zip(campaigns["start"], campaigns["end"], strict=True)
            ],
            t("camp.col.treatment"): [fmt.count(n, code) for n in campaigns["n_treatment"]],
            t("camp.col.control"): [fmt.count(n, code) for n in campaigns["n_control"]],
        }
    )


def pick_labels(campaigns: pd.DataFrame, as_of: date, code: str) -> dict[str, str]:
    """Each campaign's name for the picker; one not started yet says when it starts and that it has no results."""
    begun = started(campaigns, as_of)
    return {
        str(cid): name if has else t("camp.pick_planned", name=name, start=_day(start, code))
        for cid, name, start, has in zip(
            campaigns["campaign_id"], campaigns["name"], campaigns["start"], begun, strict=True
        )
    }


def headline_card(sentence: str, report: LiftReport) -> None:
    """The result in one plain sentence, large, with the sample-ratio warning when it fires."""
    with st.container(border=True):
        st.markdown(f"### {sentence}")
        overall = report.overall
        st.caption(t("camp.sizes", n_t=fmt.count(overall.treatment.n, "en"), n_c=fmt.count(overall.control.n, "en")))
    if report.srm.suspect:
        st.error(
            t(
                "camp.srm",
                observed=fmt.percent(report.srm.observed_control_share),
                intended=fmt.percent(report.srm.intended_control_share),
            )
        )


def _bars(
    values: list[float | None],
    lows: list[float | None],
    highs: list[float | None],
    title: str,
    labels: list[str],
    text_values: list[str],
) -> go.Figure:
    """Two bars with their 95% intervals; each value is written above the top of its interval (never on the
    error bar) and in the hover."""
    shown = [v or 0.0 for v in values]
    plus = [(h - v) if h is not None and v is not None else 0 for v, h in zip(values, highs, strict=True)]
    minus = [(v - lo) if lo is not None and v is not None else 0 for v, lo in zip(values, lows, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=shown,
            marker_color=[TREATMENT, CONTROL],
            customdata=text_values,
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            error_y={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus, "thickness": 2},
        )
    )
    tops = [v + p for v, p in zip(shown, plus, strict=True)]
    for label, top, words in zip(labels, tops, text_values, strict=True):
        fig.add_annotation(x=label, y=top, text=f"<b>{words}</b>", showarrow=False, yanchor="bottom", yshift=4)
    highest = max([*tops, 0.0])
    fig.update_yaxes(range=[min([0.0, *[v - m for v, m in zip(shown, minus, strict=True)]]), highest * 1.2 or 1])
    fig.update_layout(title=title, height=340, margin={"l": 10, "r": 10, "t": 50, "b": 10}, showlegend=False)
    return fig


def _wald(summary_rate: float | None, n: int) -> tuple[float | None, float | None]:
    if summary_rate is None or n == 0:
        return None, None
    half = 1.959964 * (summary_rate * (1 - summary_rate) / n) ** 0.5
    return max(0.0, summary_rate - half), min(1.0, summary_rate + half)


def rate_chart(report: LiftReport, code: str) -> go.Figure:
    """Response rate by group with 95% intervals (each group's own Wald interval)."""
    seg = report.overall
    rates = [seg.treatment.rate, seg.control.rate]
    bounds = [_wald(seg.treatment.rate, seg.treatment.n), _wald(seg.control.rate, seg.control.n)]
    fig = _bars(
        rates,
        [b[0] for b in bounds],
        [b[1] for b in bounds],
        t("camp.chart.rate"),
        [t("camp.treatment"), t("camp.control")],
        [fmt.percent(r, code) for r in rates],
    )
    fig.update_yaxes(tickformat=".0%", title=t("camp.chart.rate_axis"))  # a rate reads as a percentage
    return fig


def rpc_chart(report: LiftReport, code: str, currency: str = "CNY") -> go.Figure:
    """Revenue per customer by group; the treatment bar carries the 95% interval of the difference."""
    seg = report.overall
    values = [seg.treatment.rpc, seg.control.rpc]
    low = None if seg.rpc.ci_low is None or seg.control.rpc is None else seg.control.rpc + seg.rpc.ci_low
    high = None if seg.rpc.ci_high is None or seg.control.rpc is None else seg.control.rpc + seg.rpc.ci_high
    fig = _bars(
        values,
        [low, None],
        [high, None],
        t("camp.chart.rpc"),
        [t("camp.treatment"), t("camp.control")],
        [fmt.money(v, code, currency=currency) for v in values],
    )
    ends = [v for v in (*values, low, high) if v is not None]
    charts.money_axis(fig, "y", [0.0, *ends, max(ends, default=0.0) * 1.2], code, currency)
    fig.update_yaxes(title=t("camp.chart.rpc_axis"))
    return fig


def _effect_text(e: Effect, percent: bool, code: str, currency: str = "CNY") -> str:
    if e.diff is None:
        return "–"
    show = (lambda v: fmt.percent(v, code)) if percent else (lambda v: fmt.money(v, code, currency=currency))
    if e.ci_low is None or e.ci_high is None:
        return show(e.diff)
    return f"{show(e.diff)} ({show(e.ci_low)} – {show(e.ci_high)})"


def reading(seg: SegmentLift) -> str:
    """What a tier's response-rate gain says: "not conclusive" when its 95% interval includes zero, else which way."""
    if seg.too_small:
        return t("camp.too_few")
    if crosses_zero(seg.rate):
        return t("camp.not_conclusive")
    return t("camp.conclusive_up") if (seg.rate.diff or 0) > 0 else t("camp.conclusive_down")


def any_not_conclusive(report: LiftReport) -> bool:
    """Whether a row of the per-tier table is marked not conclusive (the note under the table explains it)."""
    return any(not s.too_small and crosses_zero(s.rate) for s in (report.overall, *report.tiers))


def tier_table(report: LiftReport, code: str, currency: str = "CNY") -> pd.DataFrame:
    """Per-tier figures; cells too small to read say so instead of showing a number; a tier whose response-rate
    interval includes zero is marked "not conclusive"."""

    def row(seg: SegmentLift) -> dict[str, str]:
        name = t("camp.all") if seg.segment == "all" else charts.segment_label("tier", seg.segment, code)
        small = seg.too_small
        return {
            t("camp.col.segment"): name,
            t("camp.col.treatment"): fmt.count(seg.treatment.n, code),
            t("camp.col.control"): fmt.count(seg.control.n, code),
            t("camp.col.rate_diff"): t("camp.too_few") if small else _effect_text(seg.rate, True, code),
            t("camp.col.rpc_diff"): t("camp.too_few") if small else _effect_text(seg.rpc, False, code, currency),
            t("camp.col.incremental"): t("camp.too_few")
            if small
            else _effect_text(seg.incremental, False, code, currency),
            t("camp.col.conclusive"): reading(seg),
        }

    return pd.DataFrame([row(s) for s in (report.overall, *report.tiers)])


def daily_chart(daily: pd.DataFrame, code: str, currency: str = "CNY") -> go.Figure:
    """Cumulative revenue per customer, treatment against control, across the campaign window."""
    fig = go.Figure()
    for group, color in (("treatment", TREATMENT), ("control", CONTROL)):
        part = daily[daily["group"] == group]
        fig.add_scatter(
            x=part["day"],
            y=part["cumulative_rpc"],
            mode="lines",
            name=t(f"camp.{group}"),
            line={"color": color, "width": 3},
        )
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        yaxis_title=t("camp.chart.cum_rpc_in", sign=fmt.symbol(currency)),
        legend={"orientation": "h", "y": -0.2},
    )
    if not daily.empty:
        charts.money_axis(fig, "y", [0.0, *daily["cumulative_rpc"].astype(float)], code, currency)
    if code == "zh":
        fig.update_xaxes(tickformat="%-m月%-d日", hoverformat="%Y年%-m月%-d日")
    return fig


def did_card(did: Effect | None, code: str, currency: str = "CNY") -> None:
    """The difference-in-differences estimate for a campaign without a holdout, marked as weaker evidence."""
    with st.container(border=True):
        st.warning(t("camp.did_weaker"))
        if did is None or did.diff is None:
            st.markdown(t("camp.did_unknown"))
            return
        st.markdown(
            "### "
            + t(
                "camp.did_line",
                diff=fmt.money(did.diff, code, cents=True, currency=currency),
                low=fmt.money(did.ci_low, code, cents=True, currency=currency),
                high=fmt.money(did.ci_high, code, cents=True, currency=currency),
            )
        )


def downloads(campaign_id: str, record: dict[str, object], code: str, access: Access) -> None:
    """The same lists again: the treatment list for sending, the control list marked do-not-contact. Each file is
    built on click and recorded in the export log; a role that exports nothing sees why instead."""
    st.subheader(t("camp.lists"))
    if not access.can("export"):
        st.caption(refusal(access, "export"))
        return
    with state.workspace().reader() as con:
        bad_phones = invalid_phones(con, campaign_id)
    if bad_phones:
        st.warning(t("export.phones_invalid", n=fmt.count(bad_phones, code)))
    if phones_masked(record, access) and not record["mask_phone"]:
        st.caption(t("tgt.unmask_owner_only"))
    files = (
        ("camp.download_csv", "treatment", ".csv", "text/csv", "camp_dl_csv"),
        ("camp.download_xlsx", "treatment", ".xlsx", XLSX_MIME, "camp_dl_xlsx"),
        ("camp.download_control", "control", ".csv", "text/csv", "camp_dl_control"),
    )
    for column, (label, group, suffix, mime, key) in zip(st.columns(3), files, strict=True):
        recorded_download(
            column,
            t(label),
            partial(_campaign_file, campaign_id=campaign_id, group=group, suffix=suffix, code=code, access=access),
            access=access,
            file_name=export_file_name(record, group, suffix, code),
            mime=mime,
            key=key,
        )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign_file(
    con: duckdb.DuckDBPyConnection, *, campaign_id: str, group: str, suffix: str, code: str, access: Access
) -> tuple[bytes, Exported]:
    return campaign_export(con, campaign_id, group, suffix, code, access=access)


def compare(campaigns: pd.DataFrame, as_of: date, code: str, currency: str = "CNY") -> None:
    """Several campaigns side by side, one row each; a picked campaign that has not started says why it has no row."""
    st.subheader(t("camp.compare"))
    names = dict(zip(campaigns["campaign_id"], campaigns["name"], strict=True))
    starts = dict(zip(campaigns["campaign_id"], campaigns["start"], strict=True))
    picked = st.multiselect(
        t("camp.compare_pick"),
        list(names),
        format_func=names.__getitem__,
        key="camp_compare",
        placeholder=t("camp.compare_pick_hint"),
    )
    rows, planned = [], []
    for campaign_id in picked:
        result = cached.measure(campaign_id, as_of, None)
        if result.not_started:
            planned.append(
                t("camp.compare_planned_item", name=names[campaign_id], start=_day(starts[campaign_id], code))
            )
            continue
        if result.report is None:
            continue
        seg = result.report.overall
        rows.append(
            {
                t("camp.col.name"): names[campaign_id],
                t("camp.col.treatment"): fmt.count(seg.treatment.n, code),
                t("camp.col.control"): fmt.count(seg.control.n, code),
                t("camp.col.rate_diff"): _effect_text(seg.rate, True, code),
                t("camp.col.incremental"): _effect_text(seg.incremental, False, code, currency),
                t("camp.col.p"): fmt.p_value(seg.rate.p_value, code),
                t("camp.col.status"): t("camp.status.running") if result.interim else t("camp.status.ended"),
            }
        )
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if planned:
        st.caption(t("camp.compare_planned", items="; ".join(planned)))


def import_form(dataset: str, access: Access) -> None:
    """Upload a list made outside the app (customer ids, optionally treatment/control) as a campaign; not shown to
    a role that may not make lists."""
    if not access.can("make_lists"):
        return
    with st.expander(t("camp.import")):
        upload = list_uploader(t("camp.import_file_any"), types=LIST_FILE_TYPES, key="camp_import_file")
        name = st.text_input(t("camp.col.name"), key="camp_import_name")
        labels = {c: t(f"channel.{c}") for c in CHANNELS}
        channel = st.selectbox(
            t("camp.col.channel"),
            list(labels),
            key="camp_import_channel",
            format_func=labels.__getitem__,
            placeholder=t("tgt.pick_one"),
        )
        start = st.date_input(t("camp.col.start"), key="camp_import_start", value=state.as_of())
        end = st.date_input(t("camp.col.end"), key="camp_import_end", value=state.as_of())
        if st.button(t("camp.import_save"), key="camp_import_save", disabled=upload is None or not name):
            try:
                frame = read_campaign_file(saved_upload(upload))  # type: ignore[arg-type]
                with state.workspace().writer() as con:
                    import_campaign(
                        con,
                        dataset,
                        frame,
                        name=name,
                        channel=channel,
                        start=start,
                        end=end,
                        created_at=datetime.now(),
                        cfg=cached.tier_rules(),
                        access=access,
                    )
                state.invalidate()
                st.success(t("camp.imported"))
            except InputError as exc:
                st.error(exc.message(st.session_state.get("lang", "en")))
