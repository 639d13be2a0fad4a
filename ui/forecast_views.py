"""Panels of the Forecast page (预测): the settings, the warnings, the headline, P(alive) and the segments, the
valuable customers who are slipping away (and their hand-over to Target lists), and the model's accuracy."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segcore import fmt
from segcore.access import Access
from segcore.catalog import text
from segcore.errors import InputError
from segcore.forecast import DEFAULT_DISCOUNT, DEFAULT_HORIZON_DAYS, Forecast, check_settings
from segcore.forecast.accuracy import MIN_HOLDOUT_DAYS, TOP_FREQUENCY
from segcore.forecast.guardrails import MAX_HOLDOUT_ERROR, describe
from segcore.forecast.views import ALIVE_LINE, HIGH_CLV_SHARE
from segcore.targets import Rule
from ui import cached, charts, tables
from ui.auth import page_access
from ui.i18n import t
from ui.target_form import PREFILL

__all__ = [
    "ACTUAL_COLOR",
    "MODEL_COLOR",
    "SLIPPING_SHOWN",
    "accuracy_panel",
    "alive_figure",
    "customer_numbers",
    "frequency_figure",
    "hand_over",
    "headline",
    "obtain",
    "purchases_text",
    "rate_text",
    "segment_figure",
    "segment_panel",
    "settings",
    "slipping_panel",
    "slipping_rules",
    "slipping_table",
    "warnings_box",
    "weekly_figure",
]

ACTUAL_COLOR, MODEL_COLOR = "#0f172a", charts.BRAND
_GONE_COLOR, _ALIVE_COLOR = "#f59e0b", charts.BRAND
SLIPPING_SHOWN = 200  # rows of the slipping table (most valuable first); the list has them all
_BINS = 20  # P(alive) bars of 5 points each


def rate_text(discount: float, lang: str) -> str:
    """An annual discount rate as people read it: 10%, 7.5%."""
    return fmt.percent(discount, lang, digits=1).replace(".0%", "%")


def purchases_text(value: float | None) -> str:
    """Expected purchases of one customer (or a mean): one decimal, 1.3."""
    return fmt.BLANK if value is None or not np.isfinite(value) else f"{value:,.1f}"


# --- settings and computing ------------------------------------------------------------------------------------


def settings(lang: str) -> tuple[int, float]:
    """The horizon (days) and the annual discount rate (0..1) from the settings expander; a bad value stops the
    page with the catalog's message."""
    with st.expander(t("fc.settings"), icon=":material/tune:"):
        left, right, _ = st.columns([1, 1, 2])
        horizon = left.number_input(
            t("fc.horizon"), value=DEFAULT_HORIZON_DAYS, step=30, key="fc_horizon", help=t("fc.horizon_help")
        )
        percent = right.number_input(
            t("fc.discount"),
            value=DEFAULT_DISCOUNT * 100,
            step=1.0,
            format="%.1f",
            key="fc_discount",
            help=t("fc.discount_help"),
        )
    horizon, discount = int(horizon), round(float(percent) / 100, 6)
    try:
        check_settings(horizon, discount)
    except InputError as exc:
        message = t("fc.bad_discount", value=f"{percent:g}") if exc.code == "bad_discount" else exc.message(lang)
        st.error(message, icon=":material/error:")
        st.stop()
    if (horizon, discount) != (DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT):
        st.caption(t("fc.other_settings", days=DEFAULT_HORIZON_DAYS, rate=rate_text(DEFAULT_DISCOUNT, lang)))
    return horizon, discount


def obtain(dataset: str, as_of: date, horizon: int, discount: float, lang: str) -> Forecast:
    """The forecast for these settings: the stored one, else computed under a progress bar (its stage in words) and
    stored. A date before any purchase stops the page with the catalog's message."""
    bar = st.empty()

    def tell(fraction: float, stage: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(stage))

    try:
        result = cached.forecast(dataset, as_of, horizon, discount, progress=tell)
    except InputError as exc:
        bar.empty()
        st.info(exc.message(lang))
        st.stop()
        raise  # pragma: no cover (st.stop raises)
    bar.empty()
    return result


def warnings_box(result: Forecast, lang: str) -> None:
    """Every warning of the forecast in one box at the top (nothing when the model fits)."""
    if not result.warnings:
        return
    lines = "\n".join(f"- {describe(w, lang)}" for w in result.warnings)
    st.warning(f"{t('fc.warn_title')}\n\n{lines}", icon=":material/warning:")


# --- the headline, P(alive) and the segments -------------------------------------------------------------------


def headline(result: Forecast, lang: str, currency: str) -> None:
    """Four numbers: customers modelled, the share likely active, expected purchases and expected value."""
    scores = result.scores
    days = result.horizon_days
    alive = int((scores["p_alive"] >= ALIVE_LINE).sum())
    share = alive / len(scores) if len(scores) else None
    purchases = float(scores["expected_purchases"].sum())
    value = scores["clv"].sum(min_count=1)
    cards = st.columns(4)
    cards[0].metric(
        t("fc.m.customers"),
        fmt.count(len(scores), lang),
        help=t("fc.m.customers_help", day=fmt.day(result.as_of, lang)),
    )
    cards[1].metric(
        t("fc.m.active"), fmt.percent(share, lang, digits=0), help=t("fc.m.active_help", n=fmt.count(alive, lang))
    )
    cards[2].metric(
        t("fc.m.purchases", days=days),
        fmt.count(purchases, lang),
        help=t("fc.m.purchases_help", per=purchases_text(purchases / len(scores) if len(scores) else None)),
    )
    cards[3].metric(
        t("fc.m.value", days=days),
        fmt.money(value, lang, currency=currency),
        help=t("fc.m.value_help", days=days, rate=rate_text(result.annual_discount, lang)),
    )


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
        plot_bgcolor="white",
        bargap=0.15,
    )
    fig.update_yaxes(gridcolor="#e2e8f0", zeroline=False)
    return fig


def alive_figure(scores: pd.DataFrame, lang: str) -> go.Figure:
    """Customers per 5-point band of P(alive), the bands below 50% in amber, with a line at 50%."""
    counts, edges = np.histogram(scores["p_alive"].to_numpy(dtype=float), bins=_BINS, range=(0.0, 1.0))
    middles = (edges[:-1] + edges[1:]) / 2
    hover = [
        text(
            "fc.alive.hover",
            lang,
            low=fmt.percent(low, lang, digits=0),
            high=fmt.percent(high, lang, digits=0),
            n=fmt.count(n, lang),
        )
        for low, high, n in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=middles,
            y=counts,
            width=1 / _BINS * 0.92,
            marker_color=[_GONE_COLOR if m < ALIVE_LINE else _ALIVE_COLOR for m in middles],
            hovertext=hover,
            hoverinfo="text",
        )
    )
    fig.add_vline(x=ALIVE_LINE, line_dash="dash", line_color="#475569")
    ticks = [i / 10 for i in range(11)]
    fig.update_xaxes(
        title_text=text("fc.alive.x", lang),
        tickvals=ticks,
        ticktext=[fmt.percent(v, lang, digits=0) for v in ticks],
        range=[-0.01, 1.01],
    )
    fig.update_yaxes(title_text=text("fc.alive.y", lang), tickformat=",d")
    fig.update_layout(showlegend=False)
    return _layout(fig, 320)


def segment_figure(
    totals: pd.DataFrame, scheme: str, measure: str, lang: str, currency: str = "CNY", days: int = 90
) -> go.Figure:
    """One horizontal bar per segment (in the table's order, top down): the sum of `measure` ("expected_purchases"
    or "clv"), its value written beside the bar; the hover adds customers and the amount per customer."""
    names = [charts.segment_label(scheme, s, lang) for s in totals["segment"]]
    values = totals[measure].astype(float).fillna(0.0)
    per = [v / n if n else None for v, n in zip(values, totals["customers"], strict=True)]
    if measure == "clv":
        shown = [fmt.money_compact(v, lang, currency=currency) for v in values]
        per_text = [fmt.money(p, lang, currency=currency) for p in per]
        full = [fmt.money(v, lang, currency=currency) for v in values]
    else:
        shown = [fmt.count(v, lang) if v >= 10 else purchases_text(v) for v in values]  # 0.3, not 0
        per_text = [purchases_text(p) for p in per]
        full = shown
    hover = [
        text("fc.seg.hover", lang, segment=name, n=fmt.count(n, lang), total=total, per=p)
        for name, n, total, p in zip(names, totals["customers"], full, per_text, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=values,
            orientation="h",
            marker_color=charts.BRAND if measure == "expected_purchases" else "#0d9488",
            text=shown,
            textposition="outside",
            cliponaxis=False,
            hovertext=hover,
            hoverinfo="text",
        )
    )
    top = float(values.max()) if len(values) else 0.0
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(range=[0, top * 1.25 if top > 0 else 1], showticklabels=False, showgrid=False)
    key = "fc.seg.value" if measure == "clv" else "fc.seg.purchases"
    fig.update_layout(title={"text": text(key, lang, days=days), "font": {"size": 14}, "x": 0})
    return _layout(fig, 60 + 34 * max(len(names), 3))


def segment_panel(details: cached.ForecastDetails, result: Forecast, lang: str, currency: str) -> None:
    """Expected purchases and value per tier or member group, side by side."""
    st.subheader(t("fc.seg.title"), anchor=False)
    scheme = (
        st.segmented_control(
            t("fc.seg.by"),
            ["tier", "groups"],
            default="tier",
            format_func=lambda s: text(f"scheme.{s}", lang),
            key="fc_scheme",
        )
        or "tier"
    )
    totals = details.by_tier if scheme == "tier" else details.by_group
    if scheme == "groups":
        st.caption(t("fc.seg.caption_groups"))
    left, right = st.columns(2, gap="large")
    for column, measure in zip((left, right), ("expected_purchases", "clv"), strict=True):
        figure = segment_figure(totals, scheme, measure, lang, currency, result.horizon_days)
        column.plotly_chart(figure, width="stretch", key=f"fc_seg_{measure}", config={"displayModeBar": False})


# --- valuable but slipping -------------------------------------------------------------------------------------


def slipping_rules(line: float) -> list[Rule]:
    """The target-list rules of the valuable customers slipping away: CLV at or above the line, P(alive) below
    ALIVE_LINE."""
    whole = int(line) if float(line).is_integer() else line
    return [Rule("clv", ">=", whole), Rule("p_alive", "<", ALIVE_LINE)]


def hand_over(line: float) -> None:
    """Open the Target lists page with the slipping rules set."""
    st.session_state[PREFILL] = {"rules": slipping_rules(line), "source": "forecast"}
    st.switch_page("pages/targets.py")


def slipping_table(rows: pd.DataFrame, lang: str, currency: str, access: Access) -> pd.DataFrame:
    """The slipping customers as people read them: phone masked (name too for a viewer), tier by name, P(alive) in
    percent, money."""
    people = access.mask_table(rows[["name", "phone"]])
    frame = pd.DataFrame(
        {
            t("col.customer_id"): rows["customer_id"],
            t("seg.profile.name"): people["name"],
            t("seg.profile.phone"): people["phone"],
            t("seg.col.tier"): [
                charts.segment_label("tier", s, lang) if isinstance(s, str) and s else fmt.BLANK for s in rows["tier"]
            ],
            t("seg.profile.last_purchase"): rows["last_purchase"],
            t("fc.col.p_alive"): [fmt.percent(p, lang, digits=0) for p in rows["p_alive"]],
            t("fc.col.expected_purchases"): [purchases_text(v) for v in rows["expected_purchases"]],
            t("fc.col.clv"): rows["clv"],
        }
    )
    return tables.readable(
        frame, lang, currency=currency, money=[t("fc.col.clv")], days=[t("seg.profile.last_purchase")]
    )


def slipping_panel(details: cached.ForecastDetails, result: Forecast, lang: str, currency: str) -> None:
    """How many valuable customers are slipping away, who (the most valuable first), and the way to a list."""
    st.subheader(t("fc.slip.title"), anchor=False)
    line, rows = details.clv_line, details.slipping
    if line is None:
        st.info(t("fc.slip.no_clv"))
        return
    st.caption(
        t(
            "fc.slip.caption",
            share=fmt.percent(HIGH_CLV_SHARE, lang, digits=0),
            clv=fmt.money(line, lang, currency=currency),
        )
    )
    count, button = st.columns([3, 1], vertical_alignment="center")
    count.markdown(f"**{t('fc.slip.count', n=fmt.count(len(rows), lang))}**")
    if rows.empty:
        st.markdown(t("fc.slip.none"))
        return
    if button.button(t("fc.slip.open"), key="fc_slip_open", icon=":material/checklist:", type="primary"):
        hand_over(line)
    if (result.horizon_days, result.annual_discount) != (DEFAULT_HORIZON_DAYS, DEFAULT_DISCOUNT):
        st.caption(t("fc.other_settings", days=DEFAULT_HORIZON_DAYS, rate=rate_text(DEFAULT_DISCOUNT, lang)))
    shown = slipping_table(rows.head(SLIPPING_SHOWN), lang, currency, page_access())
    right = [t("fc.col.p_alive"), t("fc.col.expected_purchases"), t("fc.col.clv")]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(36 + 35 * len(shown), 320),
        column_config=tables.number_text_config(right),
        key="fc_slip_table",
    )
    if len(rows) > SLIPPING_SHOWN:
        st.caption(t("fc.slip.more", n=fmt.count(SLIPPING_SHOWN, lang), total=fmt.count(len(rows), lang)))


# --- accuracy -----------------------------------------------------------------------------------------------------


def frequency_figure(by_frequency: pd.DataFrame, lang: str, days: int) -> go.Figure:
    """Actual against predicted purchases per customer in the holdout, by calibration frequency 0, 1, ..., 7+."""
    labels = [f"{f}+" if f >= TOP_FREQUENCY else str(f) for f in by_frequency["frequency"].astype(int)]
    fig = go.Figure()
    for column, key, color in (
        ("actual", "fc.acc.actual", ACTUAL_COLOR),
        ("predicted", "fc.acc.predicted", MODEL_COLOR),
    ):
        name = text(key, lang)
        values = by_frequency[column].astype(float)
        fig.add_bar(
            x=labels,
            y=values,
            name=name,
            marker_color=color,
            hovertext=[
                text("fc.acc.freq_hover", lang, series=name, value=f"{v:.2f}", n=fmt.count(n, lang))
                for v, n in zip(values, by_frequency["customers"], strict=True)
            ],
            hoverinfo="text",
        )
    fig.update_xaxes(title_text=text("fc.acc.freq_x", lang), type="category")
    fig.update_yaxes(title_text=text("fc.acc.freq_y", lang))
    fig.update_layout(barmode="group")
    return _layout(fig, 340)


def weekly_figure(weekly: pd.DataFrame, calibration: date, lang: str) -> go.Figure:
    """Cumulative repeat purchases per week, actual and expected, with a dashed line at the calibration date."""
    fig = go.Figure()
    for column, key, color, dash in (
        ("actual", "fc.acc.actual", ACTUAL_COLOR, "solid"),
        ("expected", "fc.acc.predicted", MODEL_COLOR, "dash"),
    ):
        name = text(key, lang)
        fig.add_scatter(
            x=[pd.Timestamp(d) for d in weekly["week_end"]],
            y=weekly[column].astype(float),
            mode="lines",
            name=name,
            line={"color": color, "dash": dash, "width": 2},
            hovertext=[
                f"{fmt.day(d, lang)}<br>{name}: {fmt.count(v, lang)}"
                for d, v in zip(weekly["week_end"], weekly[column], strict=True)
            ],
            hoverinfo="text",
        )
    when = pd.Timestamp(calibration)
    fig.add_shape(type="line", x0=when, x1=when, y0=0, y1=1, yref="paper", line={"color": "#64748b", "dash": "dot"})
    fig.add_annotation(
        x=when,
        y=0.02,
        yref="paper",
        text=text("fc.acc.calibration", lang) + "<br>" + fmt.day(calibration, lang),
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        align="right",
        font={"size": 11, "color": "#475569"},
    )
    charts.month_axis(fig, "x", lang)
    fig.update_yaxes(title_text=text("fc.acc.weekly_y", lang), tickformat=",d")
    return _layout(fig, 340)


def accuracy_panel(result: Forecast, lang: str) -> None:
    """The holdout check in words and two charts; a warning beside the error when it is beyond the limit."""
    st.subheader(t("fc.acc.title"), anchor=False)
    checked = result.accuracy
    if checked is None:
        st.info(t("fc.acc.none", days=2 * MIN_HOLDOUT_DAYS, day=fmt.day(result.as_of, lang)))
        return
    calibration = date.fromisoformat(str(checked["calibration_end"]))
    end = date.fromisoformat(str(checked["holdout_end"]))
    days = int(checked["holdout_days"])
    st.markdown(
        t("fc.acc.how", calibration=fmt.day(calibration, lang), days=days, end=fmt.day(end, lang)),
    )
    error = float(checked["error"]) if checked.get("error") is not None else float("nan")
    if not np.isfinite(error):
        st.warning(describe({"code": "holdout_failed"}, lang), icon=":material/warning:")
    else:
        sentence = t(
            "fc.acc.error",
            days=days,
            actual=fmt.count(checked["actual_total"], lang),
            predicted=fmt.count(checked["predicted_total"], lang),
            error=fmt.signed_percent(error, lang),
        )
        st.markdown(f"**{sentence}**")
        if abs(error) > MAX_HOLDOUT_ERROR:
            held = next((w for w in checked.get("warnings", []) if w["code"] == "holdout_error"), None)
            warning: dict[str, Any] = held or {"code": "holdout_error", "error": error, "max": MAX_HOLDOUT_ERROR}
            st.warning(describe(warning, lang), icon=":material/warning:")
        else:
            st.caption(t("fc.acc.within", max=fmt.percent(MAX_HOLDOUT_ERROR, lang, digits=0)))
    left, right = st.columns(2, gap="large")
    left.markdown(f"**{t('fc.acc.freq_title', days=days)}**")
    left.plotly_chart(
        frequency_figure(result.by_frequency(), lang, days),
        width="stretch",
        key="fc_acc_frequency",
        config={"displayModeBar": False},
    )
    right.markdown(f"**{t('fc.acc.weekly_title')}**")
    right.plotly_chart(
        weekly_figure(result.weekly(), calibration, lang),
        width="stretch",
        key="fc_acc_weekly",
        config={"displayModeBar": False},
    )


# --- the customer card ------------------------------------------------------------------------------------------


def customer_numbers(numbers: dict[str, float] | None, lang: str, currency: str) -> dict[str, str] | None:
    """A customer's forecast as the card shows it: P(alive) in percent, expected purchases with one decimal, CLV in
    money; None for a customer who is not modelled."""
    if numbers is None:
        return None
    return {
        "p_alive": fmt.percent(numbers["p_alive"], lang, digits=0),
        "expected_purchases": purchases_text(numbers["expected_purchases"]),
        "clv": fmt.money(numbers["clv"], lang, currency=currency),
    }
