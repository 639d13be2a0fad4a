"""The Weekly review page: presentation mode, week picker, the five sections and the report buttons.

Every figure comes from segcore.weekly's WeeklyReview and is formatted by segcore.report's helpers, so the
page and the report the team sends afterwards show the same numbers and the same definitions.

Presentation mode (for the projector): no chrome, everything enlarged (KPI cards, tables as large HTML tables,
the Sankey's labels, the section counter), one section per screen, and the sections with nothing this week
skipped. The arrow keys, PgDn / PgUp and Space step between sections: Streamlit has no key events, so a
zero-height component adds, once per browser tab, a keydown listener to the page (its iframe is same-origin) that
clicks the page's own previous / next buttons; keys typed into a text field or a select are left alone.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from segcore import fmt
from segcore.errors import InputError
from segcore.report import (
    alert_cells,
    alert_count,
    alert_help_text,
    alert_title,
    channel_text,
    html_table,
    kpi_change_color,
    kpi_change_text,
    kpi_help_text,
    kpi_value_text,
    movement_sankey,
    report_export,
    sparkline_svg,
)
from segcore.weekly import SECTIONS, WeeklyReview, iso_week, iso_week_label, last_complete_week, state_label
from ui.auth import page_access, refusal
from ui.downloads import recorded_download
from ui.i18n import t
from ui.target_form import PREFILL

__all__ = [
    "SECTIONS",
    "current_section",
    "draw",
    "keyboard_steps",
    "presentation_toggle",
    "report_buttons",
    "step_controls",
    "week_caption",
    "week_picker",
]  # fmt: skip

PRESENT_ALERT_ROWS = 5  # customers per alert on the projector (the page shows 50, the report 10)

_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
.block-container {padding: 1rem 2rem 2rem !important; max-width: 100% !important;}
h1 {font-size: 2.6rem !important; padding: 0.2rem 0 !important;}
h2 {font-size: 2.4rem !important; padding: 0.3rem 0 !important;}
h3 {font-size: 1.8rem !important; padding: 0.2rem 0 !important;}
p, li, label, .stMarkdown {font-size: 1.6rem !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1.35rem !important;}
[data-testid="stButton"] button p {font-size: 1.5rem !important; font-weight: 700;}
.kpi-grid {grid-template-columns: repeat(4, minmax(0, 1fr)) !important; gap: 16px !important;}
.kpi-value {font-size: min(4.2rem, 16cqi) !important;}
.kpi-label {font-size: 1.8rem !important;}
.kpi-change {font-size: 1.45rem !important;}
.kpi-help {font-size: 1.15rem !important;}
.wk-table table {font-size: 1.5rem !important;}
.wk-table th, .wk-table td {font-size: 1.5rem !important; padding: 0.35rem 0.6rem !important;}
.wk-table td {white-space: nowrap;}
@media (max-width: 1500px) {
  .wk-table th, .wk-table td {font-size: 1.3rem !important; padding: 0.3rem 0.35rem !important;}
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1.15rem !important;}
}
.wk-counter {font-size: 2.6rem !important;}
.wk-line {font-size: 2.2rem !important;}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: 0.6rem !important;}
@media (max-height: 820px) {
  h1 {font-size: 2rem !important;}
  h2 {font-size: 1.9rem !important;}
  .kpi-card {padding: 8px 14px !important;}
  .kpi-label {font-size: 1.45rem !important;}
  .kpi-value {font-size: min(3.4rem, 16cqi) !important;}
  .kpi-change {font-size: 1.2rem !important;}
  .kpi-help {font-size: 1rem !important;}
  .kpi-card svg {height: 28px !important;}
  .wk-counter {font-size: 2.1rem !important;}
}
</style>
"""
_CARD_CSS = """
<style>
.kpi-grid {display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 14px;}
.kpi-card {border: 2px solid #d1d5db; border-radius: 12px; padding: 14px 18px; background: #ffffff;
           container-type: inline-size; min-width: 0;}
.kpi-label {font-size: 1.05rem; color: #111827; font-weight: 600;}
.kpi-value {font-size: min(2.6rem, 14cqi); font-weight: 700; color: #111827; line-height: 1.2; white-space: nowrap;}
.kpi-change {font-size: 1rem; font-weight: 600;}
.kpi-help {font-size: 0.9rem; color: #374151; line-height: 1.3;}
.kpi-card svg {max-width: 100%; height: auto;}
.wk-table table {border-collapse: collapse; width: 100%; color: #111827;}
.wk-table th, .wk-table td {text-align: left; border-bottom: 1px solid #d1d5db; vertical-align: top;}
.wk-table th {background: #f3f4f6; font-weight: 700;}
.wk-table td.num, .wk-table th.num {text-align: right; white-space: nowrap;}
.wk-table .dot {display: inline-block; width: 0.7em; height: 0.7em; border-radius: 50%; margin-right: 0.3em;}
.wk-counter {text-align: center; font-size: 1.6rem; font-weight: 700; color: #111827; line-height: 1.6;}
.wk-line {font-size: 1.4rem; font-weight: 700; color: #111827; margin: 0.5rem 0;}
</style>
"""

# Runs once per browser tab (guarded by a flag on the page's window): the listener lives in the page itself, so it
# survives reruns and the component's iframe being redrawn. It only acts while the page shows the step buttons.
_KEYS_HTML = """
<script>
(function () {
  var host = window.parent;
  if (!host || host.__wkKeys) { return; }
  host.__wkKeys = true;
  var code = "(" + function () {
    var NEXT = ["ArrowRight", "PageDown", " ", "Spacebar"];
    var BACK = ["ArrowLeft", "PageUp"];
    var CLICKABLE = ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"];
    function typing(el) {
      if (!el) { return false; }
      if (el.isContentEditable) { return true; }
      var tag = el.tagName;
      if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
      if (tag === "INPUT") { return CLICKABLE.indexOf((el.type || "text").toLowerCase()) < 0; }
      var role = el.getAttribute ? el.getAttribute("role") : null;
      return role === "combobox" || role === "listbox" || role === "textbox" || role === "option";
    }
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.repeat) { return; }
      var forward = NEXT.indexOf(event.key) >= 0, back = BACK.indexOf(event.key) >= 0;
      if (!forward && !back) { return; }
      if (typing(document.activeElement)) { return; }
      var button = document.querySelector((forward ? ".st-key-wk_next" : ".st-key-wk_prev") + " button");
      if (!button) { return; }
      event.preventDefault();
      var focused = document.activeElement;
      if (focused && focused !== document.body && focused.blur) { focused.blur(); }
      if (!button.disabled) { button.click(); }
    }, true);
  } + ")();";
  var script = host.document.createElement("script");
  script.textContent = code;
  host.document.head.appendChild(script);
})();
</script>
"""


def presentation_toggle() -> bool:
    """Presentation mode from ?present=1 or the toggle; hides the chrome and enlarges the type."""
    if "wk_present" not in st.session_state:
        st.session_state["wk_present"] = st.query_params.get("present") == "1"
    present = st.toggle(t("weekly.present"), key="wk_present")
    if present:
        st.query_params["present"] = "1"
        st.html(_PRESENT_CSS)
    else:
        st.query_params.pop("present", None)
    st.html(_CARD_CSS)
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
        placeholder=t("weekly.pick_week"),
        format_func=lambda d: f"{iso_week_label(d)} · {fmt.day(d - timedelta(days=6), code)} – {fmt.day(d, code)}",
    )
    st.query_params["week"] = iso_week_label(sunday)
    st.session_state["wk_week_value"] = sunday  # kept while the picker is hidden (presentation mode)
    return sunday


def week_caption(review: WeeklyReview, code: str) -> str:
    """'Demo store · Week 2026-W46: 9 Nov 2026 to 15 Nov 2026'."""
    week = t(
        "weekly.week",
        week=review.week_label,
        start=fmt.day(review.week_start, code),
        end=fmt.day(review.week_end, code),
    )
    return f"{review.dataset_name} · {week}"


def current_section(sections: list[str]) -> str:
    """The section shown in presentation mode, among those with something to show."""
    return sections[_index(sections)]


def _index(sections: list[str]) -> int:
    return min(max(int(st.session_state.get("wk_section", 0)), 0), len(sections) - 1)


def _step(by: int, count: int) -> None:
    st.session_state["wk_section"] = min(max(int(st.session_state.get("wk_section", 0)) + by, 0), count - 1)


def step_controls(sections: list[str]) -> None:
    """Previous / next section and the counter ('2 / 5'), one screen at a time; the keys press these buttons."""
    index = _index(sections)
    back, label, forward = st.columns([1, 1, 1], vertical_alignment="center")
    back.button(
        t("weekly.previous"),
        key="wk_prev",
        width="stretch",
        disabled=index == 0,
        on_click=_step,
        args=(-1, len(sections)),
    )
    label.markdown(f"<div class='wk-counter'>{index + 1} / {len(sections)}</div>", unsafe_allow_html=True)
    forward.button(
        t("weekly.next"),
        key="wk_next",
        width="stretch",
        type="primary",
        disabled=index >= len(sections) - 1,
        on_click=_step,
        args=(1, len(sections)),
    )


def keyboard_steps() -> None:
    """The arrow keys, PgDn / PgUp and Space press the step buttons (see the module docstring)."""
    components.html(_KEYS_HTML, height=0)
    st.caption(t("weekly.keys_hint"))


def draw(section: str, review: WeeklyReview, present: bool, code: str) -> None:
    """One section of the review."""
    st.header(t(f"weekly.section.{section}"))
    {"kpis": _kpis, "movements": _movements, "alerts": _alerts, "campaigns": _campaigns, "actions": _actions}[section](
        review, present, code
    )


def _line(message: str, present: bool) -> None:
    """One line that says there is nothing (or no sales): large on the projector."""
    if present:
        st.markdown(f"<div class='wk-line'>{html.escape(message)}</div>", unsafe_allow_html=True)
    else:
        st.info(message)


def _kpis(review: WeeklyReview, present: bool, code: str) -> None:
    if review.no_sales:
        start, end = fmt.day(review.week_start, code), fmt.day(review.week_end, code)
        _line(t("weekly.no_sales", start=start, end=end), present)
    cards = []
    for kpi in review.kpis:
        color = kpi_change_color(kpi)
        value = kpi_value_text(kpi, code, review.currency, no_sales=review.no_sales)
        change = kpi_change_text(kpi, code, review.currency, no_sales=review.no_sales)
        cards.append(
            f"<div class='kpi-card' data-kpi='{kpi.key}'>"
            f"<div class='kpi-label'>{html.escape(t('weekly.kpi.' + kpi.key))}</div>"
            f"<div class='kpi-value'>{html.escape(value)}</div>"
            f"<div class='kpi-change' style='color:{color}'>{html.escape(change)}</div>"
            f"{sparkline_svg(kpi.history, color='#1d4ed8', width=200, height=40 if present else 44)}"
            f"<div class='kpi-help'>{html.escape(kpi_help_text(kpi, review, code))}</div></div>"
        )
    st.markdown("<div class='kpi-grid'>" + "".join(cards) + "</div>", unsafe_allow_html=True)


def _movements(review: WeeklyReview, present: bool, code: str) -> None:
    figure = movement_sankey(
        review.movements,
        code,
        tuple(review.tier_order),
        height=480 if present else 380,
        font_size=22 if present else 14,
        width=760 if present else 560,  # the chart's column at 1366 (presentation) and beside the sidebar
    )
    if figure is None:
        _line(t("weekly.no_movements"), present)
        return
    left, right = st.columns([3, 2])
    left.plotly_chart(figure, width="stretch", key="wk_sankey", config={"displayModeBar": False})
    right.markdown("\n".join(f"{i}. {line}" for i, line in enumerate(review.top_movements, 1)))
    right.caption(t("weekly.sankey_note"))


def _html_table(headers: list[tuple[str, bool]], rows: list[list[str]]) -> None:
    st.markdown(f"<div class='wk-table'>{html_table(headers, rows)}</div>", unsafe_allow_html=True)


def _present_alert(frame: pd.DataFrame, review: WeeklyReview, code: str) -> None:
    """An alert on the projector: who (name, else the customer id; no phone on a shared screen), last purchase,
    spend; the first PRESENT_ALERT_ROWS customers."""
    cells = alert_cells(frame, code, review.currency, PRESENT_ALERT_ROWS, access=page_access())
    who = cells["customer_id"]
    if "name" in cells:
        who = [name if name != fmt.BLANK else customer for name, customer in zip(cells["name"], who, strict=True)]
    headers = [
        (html.escape(t("weekly.col.who")), False),
        (html.escape(t("weekly.col.last_purchase")), False),
        (html.escape(t("weekly.col.spend_w")), True),
    ]
    rows = [
        [html.escape(str(a)), html.escape(str(b)), html.escape(str(c))]
        for a, b, c in zip(who, cells["last_purchase"], cells["spend_w"], strict=True)
    ]
    _html_table(headers, rows)
    if len(frame) > PRESENT_ALERT_ROWS:
        st.caption(t("weekly.alert.more", n=fmt.count(len(frame) - PRESENT_ALERT_ROWS, code)))


ALERTS_PER_ROW = 2  # more than three alerts side by side squeeze their tables at 1366 wide: two rows of two


def _alert_rows(count: int) -> list[range]:
    """The alerts' positions row by row: all on one row up to three, else rows of ALERTS_PER_ROW."""
    per_row = count if count <= 3 else ALERTS_PER_ROW
    return [range(start, min(start + per_row, count)) for start in range(0, count, max(per_row, 1))]


def _alerts(review: WeeklyReview, present: bool, code: str) -> None:
    items = list(review.alerts.items())
    for row in _alert_rows(len(items)):
        columns = st.columns(len(row), gap="large")
        for column, position in zip(columns, row, strict=True):
            key, frame = items[position]
            with column:
                _alert(key, frame, review, present, code)


def _alert(key: str, frame: pd.DataFrame, review: WeeklyReview, present: bool, code: str) -> None:
    """One alert: its title, count and rule, and who (a table, or on the projector the first few)."""
    st.subheader(alert_title(key, code))
    st.markdown(f"**{alert_count(len(frame), code)}**")
    st.caption(alert_help_text(key, review, code))
    if frame.empty:
        st.markdown(t("weekly.alert.none"))
        return
    if present:
        _present_alert(frame, review, code)
        return
    cells = alert_cells(frame, code, review.currency, 50, access=page_access())
    st.dataframe(
        cells.rename(columns={c: t(f"weekly.col.{c}") for c in cells.columns}),
        hide_index=True,
        width="stretch",
        key=f"wk_table_{key}",
    )
    if st.button(t("weekly.make_list"), key=f"wk_list_{key}"):
        st.session_state[PREFILL] = {"customer_id": list(frame["customer_id"])}
        st.switch_page("pages/targets.py")


def _campaigns(review: WeeklyReview, present: bool, code: str) -> None:
    if not review.campaigns:
        _line(t("weekly.campaigns.none"), present)
        return
    for line in review.campaigns:
        with st.container(border=True):
            st.markdown(f"**{line.name}** · {t('camp.status.' + line.status)}")
            st.markdown(line.headline)


def _actions(review: WeeklyReview, present: bool, code: str) -> None:
    if review.actions.empty:
        _line(t("weekly.actions.none"), present)
        return
    columns = ["tier", "customers", "action", "channel"]
    rows = [
        [state_label(str(tier), code), fmt.count(customers, code), fmt.cell(action), channel_text(channel, code)]
        for tier, customers, action, channel in review.actions[columns].itertuples(index=False, name=None)
    ]
    if present:
        headers = [(html.escape(t(f"weekly.col.{c}")), c == "customers") for c in columns]
        _html_table(headers, [[html.escape(cell) for cell in row] for row in rows])
        return
    st.dataframe(
        pd.DataFrame(rows, columns=[t(f"weekly.col.{c}") for c in columns], dtype=object),
        hide_index=True,
        width="stretch",
        key="wk_actions",
    )


PDF_STATE = "wk_pdf_file"  # session state: (week label, language, PDF bytes) of the last prepared PDF


def report_buttons(review: WeeklyReview, code: str) -> None:
    """The week's report: HTML at once (self-contained, works offline), PDF on request (takes a few seconds). Each
    download is recorded in the export log; a role that exports nothing reads why instead."""
    st.header(t("weekly.report"))
    access = page_access()
    if not access.can("export"):
        st.caption(refusal(access, "export"))
        return
    left, right = st.columns(2)
    recorded_download(
        left,
        t("weekly.download_html"),
        lambda con: report_export(review, code, ".html", access=access),
        access=access,
        file_name=f"weekly-{review.week_label}-{code}.html",
        mime="text/html",
        key="wk_html",
    )
    # The PDF is kept under its own key: a widget's key (the download button's) cannot also be set by the script.
    if right.button(t("weekly.prepare_pdf"), key="wk_pdf_prepare"):
        with st.spinner(t("weekly.preparing_pdf")):
            try:
                st.session_state[PDF_STATE] = (
                    review.week_label,
                    code,
                    report_export(review, code, ".pdf", access=access),
                )
            except InputError as exc:  # no chromium, or it failed: say so in the user's language
                st.session_state.pop(PDF_STATE, None)
                right.error(exc.message(code))
    prepared = st.session_state.get(PDF_STATE)
    if prepared and prepared[:2] == (review.week_label, code):
        recorded_download(
            right,
            t("weekly.download_pdf"),
            lambda con: prepared[2],
            access=access,
            file_name=f"weekly-{review.week_label}-{code}.pdf",
            mime="application/pdf",
            key="wk_pdf_download",
        )
