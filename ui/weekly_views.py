"""The Weekly review page: presentation mode, week picker, the five sections and the report buttons.

Every figure comes from segcore.weekly's WeeklyReview and is formatted by segcore.report's helpers, so the
page and the report the team sends afterwards show the same numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.errors import InputError
from segcore.export import mask_phone
from segcore.report import (
    kpi_change_color,
    kpi_change_text,
    kpi_value_text,
    movement_sankey,
    report_html,
    report_pdf,
    sparkline_svg,
)
from segcore.weekly import WeeklyReview, iso_week, iso_week_label, last_complete_week
from ui import charts
from ui.i18n import t
from ui.target_form import PREFILL

__all__ = [
    "SECTIONS",
    "current_section",
    "draw",
    "presentation_toggle",
    "report_buttons",
    "step_controls",
    "week_caption",
    "week_picker",
]  # fmt: skip

SECTIONS = ["kpis", "movements", "alerts", "campaigns", "actions"]
_ALERT_DAYS = {"went_silent": 0, "vip_quiet": 60, "no_second_purchase": 30}

_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
.block-container {padding-top: 1.5rem !important; max-width: 100% !important;}
h1 {font-size: 3.2rem !important;}
h2, h3 {font-size: 2.4rem !important;}
p, li, td, th, label, .stMarkdown {font-size: 1.6rem !important;}
.kpi-grid {grid-template-columns: repeat(4, 1fr) !important;}
.kpi-value {font-size: 4.2rem !important; white-space: nowrap;}
.kpi-label {font-size: 1.9rem !important;}
.kpi-change {font-size: 1.5rem !important;}
</style>
"""
_CARD_CSS = """
<style>
.kpi-grid {display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 14px;}
.kpi-card {border: 2px solid #d1d5db; border-radius: 12px; padding: 14px 18px; background: #ffffff;}
.kpi-label {font-size: 1.05rem; color: #111827; font-weight: 600;}
.kpi-value {font-size: 2.6rem; font-weight: 700; color: #111827; line-height: 1.2;}
.kpi-change {font-size: 1rem; font-weight: 600;}
.kpi-help {font-size: 0.85rem; color: #374151;}
</style>
"""


def presentation_toggle() -> bool:
    """Presentation mode from ?present=1 or the toggle; hides the chrome and enlarges the type."""
    if "wk_present" not in st.session_state:
        st.session_state["wk_present"] = st.query_params.get("present") == "1"
    present = st.toggle(t("weekly.present"), key="wk_present")
    if present:
        st.query_params["present"] = "1"
        st.markdown(_PRESENT_CSS, unsafe_allow_html=True)
    else:
        st.query_params.pop("present", None)
    st.markdown(_CARD_CSS, unsafe_allow_html=True)
    return bool(present)


def week_picker(as_of: date, code: str, show: bool = True) -> date:
    """The week (its Sunday): ?week=YYYY-Www if given, else the last complete week; the last 26 weeks to choose.
    In presentation mode the picker is hidden and the chosen week stays."""
    last = last_complete_week(as_of)[1]
    sundays = [last - timedelta(weeks=i) for i in range(26)]
    wanted = st.query_params.get("week")
    default = 0
    if wanted:
        try:
            default = sundays.index(iso_week(wanted)[1])
        except (ValueError, InputError):  # a bad or out-of-range week in a link falls back to the default
            default = 0
    if not show:
        return st.session_state.get("wk_week_value") or sundays[default]
    sunday = st.selectbox(
        t("weekly.pick_week"),
        sundays,
        index=default,
        key="wk_week",
        format_func=lambda d: f"{iso_week_label(d)} · {fmt.day(d - timedelta(days=6), code)} – {fmt.day(d, code)}",
    )
    st.query_params["week"] = iso_week_label(sunday)
    st.session_state["wk_week_value"] = sunday  # kept while the picker is hidden (presentation mode)
    return sunday


def week_caption(review: WeeklyReview, code: str) -> str:
    """'Week 2026-W46: 9 Nov 2026 to 15 Nov 2026'."""
    return t(
        "weekly.week",
        week=review.week_label,
        start=fmt.day(review.week_start, code),
        end=fmt.day(review.week_end, code),
    )


def current_section() -> str:
    """The section shown in presentation mode."""
    index = int(st.session_state.get("wk_section", 0)) % len(SECTIONS)
    return SECTIONS[index]


def step_controls() -> None:
    """Previous / next section, one screen at a time."""
    index = int(st.session_state.get("wk_section", 0))
    back, label, forward = st.columns([1, 2, 1])
    if back.button(t("weekly.previous"), key="wk_prev", width="stretch", disabled=index == 0):
        st.session_state["wk_section"] = index - 1
        st.rerun()
    label.markdown(f"<div style='text-align:center'>{index + 1} / {len(SECTIONS)}</div>", unsafe_allow_html=True)
    if forward.button(
        t("weekly.next"), key="wk_next", width="stretch", type="primary", disabled=index >= len(SECTIONS) - 1
    ):
        st.session_state["wk_section"] = index + 1
        st.rerun()


def draw(section: str, review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    """One section of the review."""
    st.header(t(f"weekly.section.{section}"))
    {"kpis": _kpis, "movements": _movements, "alerts": _alerts, "campaigns": _campaigns, "actions": _actions}[section](
        review, dataset, present, code
    )


def _kpis(review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    cards = []
    for kpi in review.kpis:
        color = kpi_change_color(kpi)
        cards.append(
            f"<div class='kpi-card' data-kpi='{kpi.key}'><div class='kpi-label'>{t('weekly.kpi.' + kpi.key)}</div>"
            f"<div class='kpi-value'>{kpi_value_text(kpi, code)}</div>"
            f"<div class='kpi-change' style='color:{color}'>{kpi_change_text(kpi, code)}</div>"
            f"{sparkline_svg(kpi.history, color='#1d4ed8', width=200, height=44)}</div>"
        )
    st.markdown("<div class='kpi-grid'>" + "".join(cards) + "</div>", unsafe_allow_html=True)


def _movements(review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    figure = movement_sankey(review.movements, code, tuple(review.tier_order), height=520 if present else 380)
    if figure is None:
        st.info(t("weekly.no_movements"))
        return
    left, right = st.columns([3, 2])
    left.plotly_chart(figure, width="stretch", key="wk_sankey")
    right.markdown("\n".join(f"{i}. {line}" for i, line in enumerate(review.top_movements, 1)))


def _alert_table(frame: pd.DataFrame, code: str, rows: int) -> pd.DataFrame:
    shown = frame.head(rows)
    return pd.DataFrame({
        t("weekly.col.customer_id"): shown["customer_id"],
        t("weekly.col.name"): shown["name"],
        t("weekly.col.phone"): shown["phone"].map(mask_phone),
        t("weekly.col.tier"): [charts.segment_label("tier", x, code) if isinstance(x, str) else "–"
                               for x in shown["tier"]],
        t("weekly.col.last_purchase"): [fmt.day(pd.Timestamp(d).date(), code) if pd.notna(d) else "–"
                                        for d in shown["last_purchase"]],
        t("weekly.col.spend_w"): [fmt.money(v, code) for v in shown["spend_w"]],
    })  # fmt: skip


def _alerts(review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    columns = st.columns(len(review.alerts))
    for column, (key, frame) in zip(columns, review.alerts.items(), strict=True):
        with column:
            st.subheader(t(f"weekly.alert.{key}", days=_ALERT_DAYS[key]))
            st.markdown(f"**{t('weekly.alert.count', n=fmt.count(len(frame), code))}**")
            if frame.empty:
                st.caption(t("weekly.alert.none"))
                continue
            st.dataframe(_alert_table(frame, code, 5 if present else 50), hide_index=True, width="stretch")
            if st.button(t("weekly.make_list"), key=f"wk_list_{key}"):
                st.session_state[PREFILL] = {"customer_id": list(frame["customer_id"])}
                st.switch_page("pages/targets.py")


def _campaigns(review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    if not review.campaigns:
        st.info(t("weekly.campaigns.none"))
        return
    for line in review.campaigns:
        with st.container(border=True):
            st.markdown(f"**{line.name}** · {t('camp.status.' + line.status)}")
            st.markdown(line.headline)


def _actions(review: WeeklyReview, dataset: str, present: bool, code: str) -> None:
    if review.actions.empty:
        st.info(t("weekly.actions.none"))
        return
    st.dataframe(pd.DataFrame({
        t("seg.col.tier"): [charts.segment_label("tier", x, code) for x in review.actions["tier"]],
        t("weekly.col.customers"): [fmt.count(n, code) for n in review.actions["customers"]],
        t("weekly.col.action"): review.actions["action"],
        t("weekly.col.channel"): [t(f"channel.{c}") if c else "–" for c in review.actions["channel"]],
    }), hide_index=True, width="stretch")  # fmt: skip


PDF_STATE = "wk_pdf_file"  # session state: (week label, language, PDF bytes) of the last prepared PDF


def report_buttons(review: WeeklyReview, code: str) -> None:
    """The week's report: HTML at once (self-contained, works offline), PDF on request (takes a few seconds)."""
    st.header(t("weekly.report"))
    left, right = st.columns(2)
    left.download_button(
        t("weekly.download_html"),
        report_html(review, code).encode("utf-8"),
        file_name=f"weekly-{review.week_label}-{code}.html",
        mime="text/html",
        key="wk_html",
        on_click="ignore",  # downloading does not rerun the page
    )
    # The PDF is kept under its own key: a widget's key (the download button's) cannot also be set by the script.
    if right.button(t("weekly.prepare_pdf"), key="wk_pdf_prepare"):
        with st.spinner(t("weekly.preparing_pdf")):
            try:
                st.session_state[PDF_STATE] = (review.week_label, code, report_pdf(review, code))
            except InputError as exc:  # no chromium, or it failed: say so in the user's language
                st.session_state.pop(PDF_STATE, None)
                right.error(exc.message(code))
    prepared = st.session_state.get(PDF_STATE)
    if prepared and prepared[:2] == (review.week_label, code):
        right.download_button(
            t("weekly.download_pdf"),
            prepared[2],
            file_name=f"weekly-{review.week_label}-{code}.pdf",
            mime="application/pdf",
            key="wk_pdf_download",
            on_click="ignore",
        )
