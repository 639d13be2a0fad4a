"""The weekly review as a file to send: a self-contained HTML page and a two-page PDF, in Chinese or English.

HTML: one file with inline CSS, the KPI sparklines as inline SVG and the tier-movement Sankey as a plotly chart
with plotly.js embedded inline (`include_plotlyjs=True`); nothing is fetched from the network, so it opens offline.

PDF: the same document without any script: the Sankey is exported to a static SVG through kaleido (which drives
the installed chromium; MathJax off, so no CDN), embedded as a data URI, and the page is printed by headless
chromium (`--print-to-pdf`). Chinese renders with the system's Noto Sans CJK (Debian fonts-noto-cjk). The PDF
always has exactly 2 A4 pages (PDF_PAGES): page 1 the KPIs and the tier movements (Sankey and top 5 in words),
page 2 the alerts (first PDF_ALERT_ROWS customers each, then "and N more"), the actions, and the campaigns (first
PDF_CAMPAIGNS, then "and N more campaigns"; the HTML lists them all). Each page is a fixed-height box: the worst
case (3 full alerts, 9 tiers, 3 campaigns with two-clause headlines and a sample-ratio warning) fits with room to
spare; only an unusually long edited playbook could push the last campaign rows past the bottom, which are then
cut rather than spilling onto a third page.

Phones are masked (138****5678) in both. Numbers go through segcore.fmt, words through the catalog.
"""

from __future__ import annotations

import base64
import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from segcore import fmt
from segcore.access import Access
from segcore.catalog import text
from segcore.colors import TIER_COLORS
from segcore.errors import InputError
from segcore.export import mask_phone
from segcore.export_log import Exported
from segcore.forecast.slipping import HIGH_CLV_SHARE
from segcore.weekly import (
    ALERT_COLUMNS,
    ALERT_KEYS,
    NEW_CUSTOMER_DAYS,
    VIP_QUIET_DAYS,
    Kpi,
    WeeklyReview,
    state_label,
)

__all__ = [
    "PDF_PAGES",
    "SALES_KPIS",
    "alert_cells",
    "alert_columns",
    "alert_count",
    "alert_help_text",
    "alert_title",
    "channel_text",
    "chromium_path",
    "html_table",
    "kpi_change_color",
    "kpi_change_text",
    "kpi_help_text",
    "kpi_value_text",
    "movement_sankey",
    "report_html",
    "report_pdf",
    "sparkline_svg",
]

PDF_PAGES = 2
PDF_ALERT_ROWS = 5  # customers shown per alert in the PDF (the HTML shows HTML_ALERT_ROWS), then "and N more"
PDF_CAMPAIGNS = 3  # campaigns shown in the PDF (the HTML shows all), then "and N more campaigns"
HTML_ALERT_ROWS = 10
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_GOOD, _BAD, _FLAT = "#15803d", "#b91c1c", "#475569"
_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans', sans-serif"
_SANKEY_SIZE = (700, 330)


# --- numbers in words -------------------------------------------------------------------------------------------


SALES_KPIS = ("revenue", "purchases", "new")  # the KPIs a week without sales leaves at 0: said in words instead
_CARD_FULL_BELOW = 1_000_000  # a card shows an amount in full below this (¥999,999), shortened above (¥4.2M)


def _card_money(value: float, lang: str, currency: str) -> str:
    """An amount on a card: yuan in Chinese always in 万 / 亿 (¥424.68万), else in full below a million and short
    above (¥4.2M, £1.3M), so the number fits its card on one line at 1366 and 1920."""
    if fmt.uses_wan(lang, currency) or abs(value) < _CARD_FULL_BELOW:
        return fmt.money(value, lang, currency=currency)
    return fmt.money_compact(value, lang, currency=currency)


def kpi_value_text(kpi: Kpi, lang: str, currency: str = "CNY", *, no_sales: bool = False) -> str:
    """A KPI's value for people: ¥12,345 (¥4.2M, ¥424.68万) for money, 1,234 for counts; "No sales" for the
    revenue of a week without sales."""
    if no_sales and kpi.key == "revenue":
        return text("weekly.no_sales_value", lang)
    return _card_money(kpi.value, lang, currency) if kpi.kind == "money" else fmt.count(kpi.value, lang)


def _signed(value: float, kind: str, lang: str, currency: str) -> str:
    body = _card_money(abs(value), lang, currency) if kind == "money" else fmt.count(abs(value), lang)
    return ("+" if value > 0 else "-") + body


def kpi_change_text(kpi: Kpi, lang: str, currency: str = "CNY", *, no_sales: bool = False) -> str:
    """The change against last week in words: '+12 (+5.3%) vs last week', or 'same as last week'; in a week
    without sales the sales KPIs say last week's value instead of '-100%'."""
    if no_sales and kpi.key in SALES_KPIS and kpi.previous != 0:
        before = _card_money(kpi.previous, lang, currency) if kpi.kind == "money" else fmt.count(kpi.previous, lang)
        return text("weekly.last_week", lang, value=before)
    shown = _signed(kpi.change, kpi.kind, lang, currency)
    if kpi.change == 0 or shown.lstrip("+-") in ("0", fmt.symbol(currency) + "0"):
        return text("weekly.no_change", lang)
    ratio = kpi.change_ratio
    if ratio is not None:
        shown += f" ({'+' if ratio > 0 else '-'}{fmt.percent(abs(ratio), lang)})"
    return text("weekly.change", lang, change=shown)


def kpi_change_color(kpi: Kpi) -> str:
    """Green when the KPI moved the good way, red the bad way, grey when flat (projector-safe contrast)."""
    if kpi.change == 0:
        return _FLAT
    return _GOOD if (kpi.change > 0) == kpi.higher_is_better else _BAD


def kpi_help_text(kpi: Kpi, review: WeeklyReview, lang: str) -> str:
    """What a KPI counts, in one line (under its card on the page and in the report)."""
    days = review.sleeping_days if kpi.key == "lost_to_sleeping" else review.active_days
    return text(f"weekly.help.{kpi.key}", lang, days=days)


def alert_count(n: int, lang: str) -> str:
    """An alert's head count: "1 customer", "12 customers" / "12 位顾客"."""
    return text("weekly.alert.count_one", lang) if n == 1 else text("weekly.alert.count", lang, n=fmt.count(n, lang))


def alert_title(key: str, lang: str) -> str:
    """An alert's title: 'VIPs with no purchase in 60 days'."""
    days = VIP_QUIET_DAYS if key == "vip_quiet" else NEW_CUSTOMER_DAYS
    return text(f"weekly.alert.{key}", lang, days=days)


def alert_help_text(key: str, review: WeeklyReview, lang: str) -> str:
    """Who an alert lists, in one line (above its table on the page and in the report)."""
    if key == "no_second_purchase":
        first = review.week_end - pd.Timedelta(days=NEW_CUSTOMER_DAYS + 6)
        last = review.week_end - pd.Timedelta(days=NEW_CUSTOMER_DAYS)
        return text(
            "weekly.alert_help.no_second_purchase",
            lang,
            first=fmt.day(first, lang),
            last=fmt.day(last, lang),
            days=NEW_CUSTOMER_DAYS,
        )
    if key == "slipping":
        return _slipping_help(review, lang)
    return text(f"weekly.alert_help.{key}", lang, days=VIP_QUIET_DAYS)


def _slipping_help(review: WeeklyReview, lang: str) -> str:
    """Who the forecast alert lists (with the CLV line in money), and a caution when the model has warnings."""
    if review.slipping_clv is None:
        line = text("weekly.alert_help.slipping_no_clv", lang)
    else:
        clv = fmt.money(review.slipping_clv, lang, currency=review.currency)
        line = text("weekly.alert_help.slipping", lang, clv=clv, share=fmt.percent(HIGH_CLV_SHARE, lang, digits=0))
    if review.forecast_warnings:
        line += " " + text("weekly.alert_help.slipping_caution", lang)
    return line


def alert_columns(frame: pd.DataFrame) -> list[str]:
    """The alert columns worth showing: name and phone only when some customer has one (a sales-only dataset has
    none, and a column of dashes says nothing)."""
    shown = list(ALERT_COLUMNS)
    if not any(isinstance(name, str) and name.strip() for name in frame["name"]):
        shown.remove("name")
    if not any(mask_phone(phone) for phone in frame["phone"]):
        shown.remove("phone")
    return shown


def alert_cells(
    frame: pd.DataFrame, lang: str, currency: str = "CNY", rows: int | None = None, *, access: Access
) -> pd.DataFrame:
    """An alert's first `rows` customers as text, one column per `alert_columns` key: masked phones (and names for
    a user who may not see them), tiers and dates in words, money in the dataset's currency, a dash for anything
    missing (never None, nan or NaT)."""
    shown = frame if rows is None else frame.head(rows)
    cells = {
        "customer_id": [fmt.cell(c) for c in shown["customer_id"]],
        "name": [access.name_shown(name.strip()) if isinstance(name, str) and name.strip() else fmt.BLANK
                 for name in shown["name"]],
        "phone": [mask_phone(phone) or fmt.BLANK for phone in shown["phone"]],
        "tier": [state_label(tier if isinstance(tier, str) else "none", lang) for tier in shown["tier"]],
        "last_purchase": [fmt.day(pd.Timestamp(d).date(), lang) if pd.notna(d) else fmt.BLANK
                          for d in shown["last_purchase"]],
        "spend_w": [fmt.money(v, lang, currency=currency) for v in shown["spend_w"]],
    }  # fmt: skip
    return pd.DataFrame({key: cells[key] for key in alert_columns(frame)}, dtype=object)


def channel_text(key: object, lang: str) -> str:
    """A playbook channel in words; a dash when there is none."""
    if key is None or (isinstance(key, float) and key != key) or not str(key).strip():
        return fmt.BLANK
    name = str(key)
    label = text(f"channel.{name}", lang)
    return name if label == f"channel.{name}" else label


# --- charts -----------------------------------------------------------------------------------------------------


def sparkline_svg(
    history: Sequence[tuple[object, float]], color: str = "#2563eb", width: int = 160, height: int = 36
) -> str:
    """An inline SVG line of the values (oldest first), the last point marked; no script, no hover."""
    values = [float(v) for _, v in history]
    if not values:
        return ""
    low, high = min(values), max(values)
    pad = 4
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return height / 2 if high == low else pad + (high - value) / (high - low) * (height - 2 * pad)

    points = " ".join(f"{pad + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values))
    last_x, last_y = pad + (len(values) - 1) * step, y(values[-1])
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img">'
        f'<polyline fill="none" stroke="{color}" stroke-width="2.5" stroke-linejoin="round" points="{points}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3.5" fill="{color}"/></svg>'
    )


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _em(label: str) -> float:
    """A label's width in ems, roughly: a Chinese character is one, anything else about 0.58."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.58 for ch in label)


def _sankey_label(name: str, count: str, wrap_at: float) -> str:
    """'Silent 375'; a long name is cut in two lines at its bracket ('Promo chaser<br>(blacklist) 40')."""
    one = f"{name} {count}"
    if _em(one) <= wrap_at:
        return one
    for mark in ("（", " ("):
        if mark in name:
            head, tail = name.split(mark, 1)
            return f"{head}<br>{mark.strip()}{tail} {count}"
    return one


def _centres(states: list[str], totals: pd.Series, scale: float, pad: float, inner: float) -> list[float]:
    """The vertical centre of each node (0 = top) when the nodes are stacked from the top, `pad` apart."""
    centres, top = [], 0.0
    for state in states:
        size = float(totals[state]) * scale
        centres.append((top + size / 2) / inner)
        top += size + pad
    return centres


def movement_sankey(
    movements: pd.DataFrame,
    lang: str,
    tier_order: tuple[str, ...],
    height: int = _SANKEY_SIZE[1],
    font_size: int = 13,
    width: int = _SANKEY_SIZE[0],
) -> go.Figure | None:
    """Sankey of the customers who changed tier (last Sunday left, this Sunday right), tier colours; None if nobody.

    The labels sit outside the flows: last Sunday's to the left of their nodes, this Sunday's to the right (plotly
    would draw them over the flows), so the nodes are placed by hand and the labels are annotations beside them.
    `width` is the narrowest the chart is drawn at, to leave room for the labels."""
    moved = movements[movements["from_tier"] != movements["to_tier"]]
    if moved.empty:
        return None
    order = [*tier_order, "none"]

    def rank(state: str) -> int:
        return order.index(state) if state in order else len(order)

    left = sorted(set(moved["from_tier"]), key=rank)
    right = sorted(set(moved["to_tier"]), key=rank)
    out_totals = moved.groupby("from_tier")["customers"].sum()
    in_totals = moved.groupby("to_tier")["customers"].sum()
    wrap_at = 12.0
    left_labels = [_sankey_label(state_label(s, lang), fmt.count(out_totals[s], lang), wrap_at) for s in left]
    right_labels = [_sankey_label(state_label(s, lang), fmt.count(in_totals[s], lang), wrap_at) for s in right]
    widest = max(_em(line) for label in left_labels + right_labels for line in label.split("<br>"))
    side = min(0.34, (widest * font_size + 24) / width)  # the share of the width each column of labels takes
    margin = max(8, font_size)
    inner = height - 2 * margin
    pad = max(14.0, font_size * 1.3)
    total = float(moved["customers"].sum())
    scale = min((inner - (len(column) - 1) * pad) / total for column in (left, right))
    ys = _centres(left, out_totals, scale, pad, inner) + _centres(right, in_totals, scale, pad, inner)
    colors = [TIER_COLORS.get(s, "#94a3b8") for s in (*left, *right)]
    sources = [left.index(s) for s in moved["from_tier"]]
    targets = [len(left) + right.index(s) for s in moved["to_tier"]]
    names = [label.replace("<br>", " ") for label in left_labels + right_labels]
    thickness = 16
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            domain={"x": [side, 1 - side], "y": [0, 1]},
            node={
                "label": [""] * len(names),
                "customdata": names,
                "hovertemplate": "%{customdata}<extra></extra>",
                "color": colors,
                "pad": pad,
                "thickness": thickness,
                "line": {"width": 0},
                "x": [0.001] * len(left) + [0.999] * len(right),
                "y": [min(max(y, 0.001), 0.999) for y in ys],
            },
            link={
                "source": sources,
                "target": targets,
                "value": [int(v) for v in moved["customers"]],
                "color": [_rgba(TIER_COLORS.get(s, "#94a3b8"), 0.4) for s in moved["from_tier"]],
            },
        )
    )
    columns = ((left_labels, 0, side, "right", -1), (right_labels, len(left), 1 - side, "left", 1))
    for labels, offset, x, anchor, direction in columns:
        for i, label in enumerate(labels):
            fig.add_annotation(
                x=x,
                y=1 - ys[offset + i],
                xref="paper",
                yref="paper",
                xshift=direction * (thickness / 2 + 6),  # clear of the node, which is centred on the domain's edge
                text=label,
                showarrow=False,
                xanchor=anchor,
                yanchor="middle",
                align=anchor,
                font={"size": font_size, "color": "#111827"},
            )
    fig.update_layout(
        height=height,
        margin={"l": margin, "r": margin, "t": margin, "b": margin},
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif", "size": font_size},
        paper_bgcolor="white",
    )
    return fig


# --- the document -----------------------------------------------------------------------------------------------

_CSS = """
* { box-sizing: border-box; }
body { font-family: %(font)s; color: #111827; margin: 0; background: #ffffff; font-size: 14px; line-height: 1.4; }
.doc { max-width: 1100px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header .week { font-size: 16px; color: #374151; }
section { margin: 18px 0 0; }
h2 { font-size: 19px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1f2937; }
h3 { font-size: 15px; margin: 12px 0 2px; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; }
.spark { display: block; width: 100%%; max-width: 220px; height: auto; margin: 4px 0; }
.kpi { border: 1px solid #d1d5db; border-radius: 8px; padding: 10px 12px; }
.kpi .label { font-size: 14px; font-weight: 600; }
.kpi .value { font-size: 30px; font-weight: 700; line-height: 1.15; margin: 2px 0; }
.kpi .change { font-size: 13px; font-weight: 600; }
.kpi .help { font-size: 11.5px; color: #4b5563; }
.note, .help-line { font-size: 12px; color: #4b5563; margin: 2px 0 4px; }
.count { font-weight: 700; }
.no-sales { font-size: 18px; font-weight: 700; margin: 0 0 8px; }
ul.moves { margin: 6px 0 0; padding-left: 20px; font-size: 15px; }
table { border-collapse: collapse; width: 100%%; font-size: 13px; margin-top: 4px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%%; margin-right: 6px; }
.more { font-size: 12px; color: #4b5563; margin: 2px 0 0; }
footer { margin-top: 18px; font-size: 11px; color: #6b7280; }
"""

_PRINT_CSS = """
@page { size: A4; margin: 11mm; }
body { font-size: 11.5px; }
.doc { max-width: none; padding: 0; }
.page { height: 272mm; overflow: hidden; break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
header h1 { font-size: 22px; }
h2 { font-size: 16px; margin-bottom: 6px; }
h3 { font-size: 13px; margin-top: 8px; }
section { margin-top: 12px; }
.kpi .value { font-size: 24px; }
.kpi .label { font-size: 12.5px; }
.kpi .help { font-size: 10px; }
.kpi .change { font-size: 11.5px; }
table { font-size: 10px; line-height: 1.3; }
th, td { padding: 1px 5px; }
h3 { margin: 6px 0 0; }
.help-line, .note { margin: 0 0 2px; font-size: 10.5px; }
.more { margin: 0; font-size: 10.5px; }
table.campaigns td:first-child { width: 24%%; }
table.campaigns td:nth-child(2) { width: 9%%; white-space: nowrap; }
ul.moves { font-size: 12.5px; }
img.sankey { width: 100%%; height: auto; display: block; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _kpi_cards(review: WeeklyReview, lang: str) -> str:
    cards = []
    for kpi in review.kpis:
        first, last = kpi.history[0][0], kpi.history[-1][0]
        spark_title = text("weekly.sparkline", lang, first=fmt.day(first, lang), last=fmt.day(last, lang))
        cards.append(
            f'<div class="kpi" data-kpi="{_e(kpi.key)}">'
            f'<div class="label">{_e(text(f"weekly.kpi.{kpi.key}", lang))}</div>'
            f'<div class="value">{_e(kpi_value_text(kpi, lang, review.currency, no_sales=review.no_sales))}</div>'
            f'<div class="change" style="color:{kpi_change_color(kpi)}">'
            f"{_e(kpi_change_text(kpi, lang, review.currency, no_sales=review.no_sales))}</div>"
            f'<div title="{_e(spark_title)}">{sparkline_svg(kpi.history)}</div>'
            f'<div class="help">{_e(kpi_help_text(kpi, review, lang))}</div>'
            "</div>"
        )
    return '<div class="kpis">' + "".join(cards) + "</div>"


def html_table(headers: list[tuple[str, bool]], rows: list[list[str]], css_class: str = "") -> str:
    """An HTML table from already-escaped cells; (header, is_number) per column (the report, presentation mode)."""
    head = "".join(f'<th class="num">{h}</th>' if num else f"<th>{h}</th>" for h, num in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if num else f"<td>{cell}</td>"
            for cell, (_, num) in zip(row, headers, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    opening = f'<table class="{css_class}">' if css_class else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tier_cell(tier: object, lang: str) -> str:
    state = str(tier) if isinstance(tier, str) else "none"
    color = TIER_COLORS.get(state, "#94a3b8")
    return f'<span class="dot" style="background:{color}"></span>{_e(state_label(state, lang))}'


def _alerts(review: WeeklyReview, lang: str, rows: int, access: Access) -> str:
    parts = []
    for key in ALERT_KEYS:
        frame = review.alerts[key]
        count = alert_count(len(frame), lang)
        parts.append(
            f'<div class="alert" data-alert="{key}"><h3>{_e(alert_title(key, lang))} · '
            f'<span class="count">{_e(count)}</span></h3>'
            f'<p class="help-line">{_e(alert_help_text(key, review, lang))}</p>'
        )
        if frame.empty:
            parts.append(f'<p class="more">{_e(text("weekly.alert.none", lang))}</p></div>')
            continue
        cells = alert_cells(frame, lang, review.currency, rows, access=access)
        headers = [(_e(text(f"weekly.col.{c}", lang)), c == "spend_w") for c in cells.columns]
        tiers = list(frame.head(rows)["tier"])
        body = [
            [_tier_cell(tiers[i], lang) if c == "tier" else _e(row[c]) for c in cells.columns]
            for i, row in enumerate(cells.to_dict("records"))
        ]
        parts.append(html_table(headers, body))
        if len(frame) > rows:
            more = text("weekly.alert.more", lang, n=fmt.count(len(frame) - rows, lang))
            parts.append(f'<p class="more">{_e(more)}</p>')
        parts.append("</div>")
    return "".join(parts)


def _campaigns(review: WeeklyReview, lang: str, limit: int | None) -> str:
    if not review.campaigns:
        return f'<p class="note">{_e(text("weekly.campaigns.none", lang))}</p>'
    shown = review.campaigns if limit is None else review.campaigns[:limit]
    headers = [(_e(text(f"weekly.col.{c}", lang)), False) for c in ("campaign", "status", "result")]
    rows = [[_e(c.name), _e(text(f"camp.status.{c.status}", lang)), _e(c.headline)] for c in shown]
    out = html_table(headers, rows, "campaigns")
    if len(review.campaigns) > len(shown):
        more = text("weekly.campaigns.more", lang, n=len(review.campaigns) - len(shown))
        out += f'<p class="more">{_e(more)}</p>'
    return out


def _actions(review: WeeklyReview, lang: str) -> str:
    if review.actions.empty:
        return f'<p class="note">{_e(text("weekly.actions.none", lang))}</p>'
    headers = [
        (_e(text("weekly.col.tier", lang)), False),
        (_e(text("weekly.col.customers", lang)), True),
        (_e(text("weekly.col.action", lang)), False),
        (_e(text("weekly.col.channel", lang)), False),
    ]
    columns = ["tier", "customers", "action", "channel"]
    rows = [
        [_tier_cell(tier, lang), _e(fmt.count(customers, lang)), _e(action), _e(channel_text(channel, lang))]
        for tier, customers, action, channel in review.actions[columns].itertuples(index=False, name=None)
    ]
    return html_table(headers, rows)


def _movements(review: WeeklyReview, lang: str, chart: str | None) -> str:
    moves = review.top_movements
    if not moves:
        return f'<p class="note">{_e(text("weekly.no_movements", lang))}</p>'
    items = "".join(f"<li>{_e(line)}</li>" for line in moves)
    note = f'<p class="note">{_e(text("weekly.sankey_note", lang))}</p>'
    return f'{chart or ""}{note}<ul class="moves">{items}</ul>'


def _document(review: WeeklyReview, lang: str, chart: str | None, *, static: bool, access: Access) -> str:
    """The whole report as HTML; `static` = the print version (two fixed A4 pages, capped lists)."""
    week = text(
        "weekly.week",
        lang,
        week=review.week_label,
        start=fmt.day(review.week_start, lang),
        end=fmt.day(review.week_end, lang),
    )
    header = (
        f"<header><h1>{_e(text('weekly.title', lang))} · {_e(review.dataset_name)}</h1>"
        f'<div class="week">{_e(week)}</div></header>'
    )
    kpis = _kpi_cards(review, lang)
    if review.no_sales:
        start, end = fmt.day(review.week_start, lang), fmt.day(review.week_end, lang)
        kpis = f'<p class="no-sales">{_e(text("weekly.no_sales", lang, start=start, end=end))}</p>' + kpis

    def section(key: str, body: str) -> str:
        return f'<section id="{key}"><h2>{_e(text(f"weekly.section.{key}", lang))}</h2>{body}</section>'

    page_one = header + section("kpis", kpis) + section("movements", _movements(review, lang, chart))
    page_two = (
        section("alerts", _alerts(review, lang, PDF_ALERT_ROWS if static else HTML_ALERT_ROWS, access))
        + section("actions", _actions(review, lang))
        + section("campaigns", _campaigns(review, lang, PDF_CAMPAIGNS if static else None))
        + f"<footer>{_e(text('weekly.footer', lang, day=fmt.day(review.week_end, lang)))}</footer>"
    )
    css = _CSS % {"font": _FONT} + (_PRINT_CSS if static else "")
    html_lang = "zh-CN" if lang == "zh" else "en"
    title = f"{text('weekly.title', lang)} {review.week_label} · {review.dataset_name}"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{css}</style></head>"
        f'<body><div class="doc"><div class="page">{page_one}</div><div class="page">{page_two}</div></div>'
        "</body></html>\n"
    )


def _check_lang(review: WeeklyReview, lang: str) -> None:
    if lang != review.lang:
        raise ValueError(f"the review was built in {review.lang!r}; build it again with lang={lang!r}")


def report_html(review: WeeklyReview, lang: str, *, access: Access) -> str:
    """The week's report as one self-contained HTML file (inline CSS, SVG sparklines, plotly.js inline); phones
    masked. InputError("not_allowed") for a role that exports nothing."""
    access.require("export")
    _check_lang(review, lang)
    fig = movement_sankey(review.movements, lang, review.tier_order)
    chart = None
    if fig is not None:
        chart = fig.to_html(
            full_html=False,
            include_plotlyjs=True,
            include_mathjax=False,
            config={"displayModeBar": False, "responsive": True},
            div_id="sankey",
        )
    return _document(review, lang, chart, static=False, access=access)


# --- PDF --------------------------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """The chromium to use: $SEGCORE_CHROMIUM, else chromium on PATH, else /usr/bin/chromium; None if none exists."""
    configured = os.environ.get("SEGCORE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def _static_svg(fig: go.Figure, browser: str) -> bytes:
    """The figure as SVG through kaleido, with MathJax off (no CDN) and the given chromium."""
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    width, height = _SANKEY_SIZE
    try:
        image = kaleido.calc_fig_sync(
            fig, opts={"format": "svg", "width": width, "height": height}, kopts={"mathjax": False, "path": browser}
        )
    except ChromeNotFoundError as exc:
        raise InputError("no_pdf_browser", reason=str(exc).splitlines()[0][:200]) from exc
    return bytes(image)


def _print_to_pdf(document: str, browser: str) -> bytes:
    """Print an HTML document (no scripts, data URIs only) to PDF with headless chromium."""
    with tempfile.TemporaryDirectory(prefix="segcore-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError("pdf_failed", reason=f"{type(exc).__name__}: {exc}"[:200]) from exc
        if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            raise InputError("pdf_failed", reason=f"chromium exited with code {done.returncode}")
        return target.read_bytes()


def report_pdf(review: WeeklyReview, lang: str, *, access: Access) -> bytes:
    """The week's report as a 2-page A4 PDF (KPIs and movements; alerts, campaigns and actions); phones masked.
    InputError("not_allowed") for a role that exports nothing."""
    access.require("export")
    _check_lang(review, lang)
    browser = chromium_path()
    if browser is None:
        raise InputError("no_pdf_browser", reason="chromium not found")
    fig = movement_sankey(review.movements, lang, review.tier_order)
    chart = None
    if fig is not None:
        data = base64.b64encode(_static_svg(fig, browser)).decode("ascii")
        chart = f'<img class="sankey" alt="" src="data:image/svg+xml;base64,{data}">'
    return _print_to_pdf(_document(review, lang, chart, static=True, access=access), browser)


def report_export(review: WeeklyReview, lang: str, suffix: str, *, access: Access) -> tuple[bytes, Exported]:
    """The report as a file (".html" or ".pdf") and what it holds for the export log: the customer rows of its
    alert tables, phones masked, names as this user sees them."""
    static = suffix == ".pdf"
    content = report_pdf(review, lang, access=access) if static else report_html(review, lang, access=access).encode()
    limit = PDF_ALERT_ROWS if static else HTML_ALERT_ROWS
    frames = [review.alerts[key] for key in ALERT_KEYS]
    rows = sum(len(frame.head(limit)) for frame in frames)
    shown_columns = {column for frame in frames if not frame.empty for column in alert_columns(frame)}
    has = {column: column in shown_columns for column in ("name", "phone")}
    names = ("full" if access.can("see_names") else "masked") if has["name"] else "none"
    exported = Exported("weekly_report", review.dataset_id, review.week_label,
                        f"weekly-{review.week_label}-{lang}{suffix}", rows, phones="masked" if has["phone"] else "none",
                        names=names)  # fmt: skip
    return content, exported
