"""Tables and panels of the Segments page: formatted for people, in the session's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.catalog import text
from segcore.forecast import DEFAULT_HORIZON_DAYS
from segcore.keys import CHANNELS, SCHEMES
from segcore.playbook import playbook, save_playbook
from segcore.segments import membership_reasons, star_sign
from segcore.tier_rules import NO_TIER, TierRules
from ui import cached, charts, state, tables
from ui.auth import page_access, refusal
from ui.forecast_views import customer_numbers
from ui.guard import url_choice
from ui.i18n import lang, t

__all__ = [
    "MEMBERS_SHOWN",
    "chart_pick",
    "customer_card",
    "customer_from_rows",
    "members_table",
    "moves_table",
    "playbook_editor",
    "purchases_table",
    "reasons_markdown",
    "scheme_picker",
    "sizes_table",
]


def chart_pick(event: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What a click on a Segments chart picked, from Streamlit's selection event: {"segment": key} for a bar (its
    customdata) or a treemap tile (its id), {"cell": (r, f)} for an R x F grid cell (its marker's customdata
    [r, f]); None when nothing is selected."""
    selection = (event or {}).get("selection") or {}
    points = selection.get("points") or []
    if not points:
        return None
    point = points[0]
    data = point.get("customdata")
    if isinstance(data, (list, tuple)) and len(data) == 2 and all(isinstance(v, (int, float)) for v in data):
        return {"cell": (int(data[0]), int(data[1]))}
    if isinstance(data, (list, tuple)):
        data = data[0] if data else None
    if isinstance(data, str) and data:
        return {"segment": data}
    if isinstance(point.get("id"), str) and point["id"]:
        return {"segment": point["id"]}
    return None


def customer_from_rows(event: Mapping[str, Any] | None, ids: Sequence[str]) -> str | None:
    """The customer of the table row a click selected (Streamlit's dataframe selection event; rows are positions
    in the table as drawn, whatever the sort), or None."""
    selection = (event or {}).get("selection") or {}
    rows = selection.get("rows") or []
    return ids[rows[0]] if rows and 0 <= rows[0] < len(ids) else None


def _signed(n: int, code: str) -> str:
    return ("+" if n > 0 else "") + fmt.count(n, code)


def loaded_tiers_source(dataset: str, as_of: date, before: date, loaded: Sequence[date], code: str) -> date:
    """For a dataset of tier tables computed elsewhere: say where the table as of `as_of` came from (or stop the
    page when none was loaded for that date), and return the date to compare with: `before` when loaded, else the
    latest loaded date before `as_of`, else `as_of` itself (no change to show, and the page says so)."""
    source = cached.tier_source(dataset, as_of)
    if source is None:
        st.info(t("imported.pick_date", dates=", ".join(fmt.day(d, code) for d in loaded)))
        st.stop()
    engine = {"spark": "Spark", "duckdb": "DuckDB"}.get(source.engine or "", source.engine or "?")
    where = f" ({source.spark_remote})" if source.spark_remote else ""
    st.info(
        t(
            "imported.source",
            engine=engine + where,
            file=source.file_name,
            sources=", ".join(source.sources) or "?",
            n=fmt.count(source.customers, code),
            loaded=source.loaded_at.strftime("%Y-%m-%d %H:%M"),
            by=source.loaded_by,
        ),
        icon=":material/cloud_download:",
    )
    if before in loaded:
        return before
    earlier = [d for d in loaded if d < as_of]
    if earlier:
        return earlier[-1]
    st.caption(t("imported.no_before"))
    return as_of


def sizes_table(sizes: pd.DataFrame, scheme: str, code: str, currency: str = "CNY") -> pd.DataFrame:
    """The per-segment table with translated headers and human numbers (money in the dataset's currency)."""
    return pd.DataFrame(
        {
            t("seg.segment"): [charts.segment_label(scheme, s, code) for s in sizes["segment"]],
            t("seg.customers"): [fmt.count(n, code) for n in sizes["customers"]],
            t("seg.share"): [fmt.percent(p, code) for p in sizes["share"]],
            t("seg.revenue_12m"): [fmt.money(v, code, currency=currency) for v in sizes["revenue_12m"]],
            t("seg.revenue_share"): [fmt.percent(p, code) for p in sizes["revenue_share"]],
            t("seg.avg_spend"): [fmt.money(v, code, currency=currency) for v in sizes["avg_spend"]],
            t("seg.change"): [_signed(int(n), code) for n in sizes["change"]],
        }
    )


MEMBERS_SHOWN = 1000  # rows of a segment's members table (biggest spenders first; the search narrows the rest)


def members_table(members: pd.DataFrame, code: str, currency: str = "CNY") -> pd.DataFrame:
    """A segment's customers as people read them: id, tier, recency, frequency, spend (万 for yuan in Chinese),
    last purchase as a date; a dash where a customer has none (a member who never bought)."""
    frame = pd.DataFrame(
        {
            t("col.customer_id"): members["customer_id"],
            t("seg.col.tier"): [
                charts.segment_label("tier", s, code) if isinstance(s, str) else text("mig.none", code)
                for s in members["tier"]
            ],
            t("seg.col.recency_days"): members["recency_days"],
            t("seg.col.frequency"): members["frequency"],
            t("seg.col.monetary"): members["monetary"],
            t("seg.col.spend_w"): members["spend_w"],
            t("seg.col.last_purchase"): members["last_purchase"],
        }
    )
    return tables.readable(
        frame,
        code,
        currency=currency,
        money=[t("seg.col.monetary"), t("seg.col.spend_w")],
        counts=[t("seg.col.recency_days"), t("seg.col.frequency")],
        days=[t("seg.col.last_purchase")],
    )


def moves_table(moves: pd.DataFrame, code: str) -> pd.DataFrame:
    """A from -> to table for reading: tier names, counts with separators, a dash for zero; tiers nobody is in
    under either rule set are left out."""
    used = [k for k in moves.index if moves.loc[k].sum() > 0 or moves[k].sum() > 0]
    shown = moves.loc[used, used]

    def name(key: str) -> str:
        return text("mig.none", code) if key == NO_TIER else charts.segment_label("tier", key, code)

    out = pd.DataFrame(
        [[fmt.count(v, code) if v else fmt.BLANK for v in row] for row in shown.to_numpy()],
        columns=[name(k) for k in shown.columns],
    )
    out.insert(0, text("set.from_to", code), [name(k) for k in shown.index])
    return out


def _field(label: str, value: str) -> str:
    return f"**{label}** {value}"


def customer_card(dataset: str, customer: str, row: dict[str, Any], as_of: date, cfg: TierRules) -> None:
    """One customer's profile: who they are (phone and name as the user's role may see them), spend and points,
    their tier, groups and segments with the rule behind each, the tier at each month-end and the purchases of the
    last 12 months."""
    code = lang()
    currency = state.currency()
    profile = cached.customer_profile(dataset, customer, as_of, page_access().role)
    with st.container(border=True):
        head, close = st.columns([6, 1])
        name = profile.get("name")
        title = t("seg.customer_title", customer=customer) + (f" · {name}" if name else "")
        head.markdown(f"#### {title}")
        if close.button(t("seg.close_customer"), key="seg_close_customer"):
            st.session_state["seg_customer"] = None
            st.query_params.pop("customer", None)
            st.rerun()
        tier = row.get("tier")
        tier_name = charts.segment_label("tier", tier, code) if isinstance(tier, str) else text("mig.none", code)
        st.markdown(f"{t('seg.col.tier')} :blue-badge[{tier_name}]")
        cards = st.columns(3)
        cards[0].metric(t("seg.profile.lifetime"), fmt.money(profile.get("lifetime_spend"), code, currency=currency))
        cards[1].metric(t("seg.profile.spend_12m"), fmt.money(profile.get("spend_12m"), code, currency=currency))
        cards[2].metric(t("seg.profile.points"), fmt.count(profile.get("points"), code))
        birthday = profile.get("birthday")
        sign = star_sign(pd.Timestamp(birthday).date()) if birthday is not None else None
        born = fmt.day(pd.Timestamp(birthday).date(), code) if birthday is not None else fmt.BLANK
        member_since = (
            fmt.day(pd.Timestamp(profile["join_date"]).date(), code)
            if profile.get("join_date") is not None
            else (fmt.BLANK if profile.get("is_member") else t("seg.profile.not_member"))
        )
        facts = [
            _field(t("seg.profile.name"), fmt.cell(name)),
            _field(t("seg.profile.phone"), fmt.cell(profile.get("phone"))),
            _field(t("seg.profile.store"), fmt.cell(profile.get("store"))),
            _field(t("seg.profile.member_since"), member_since),
            _field(t("seg.profile.birthday"), born + (f" · {t(f'sign.{sign}')}" if sign else "")),
            _field(t("seg.profile.first_purchase"), _day(row.get("first_purchase"), code)),
            _field(t("seg.profile.last_purchase"), _day(row.get("last_purchase"), code)),
        ]
        st.markdown(" &nbsp;·&nbsp; ".join(facts))
        _forecast_line(dataset, customer, as_of, code, currency)
        st.markdown(f"**{t('seg.profile.where')}**")
        reasons = membership_reasons(row, cfg, cached.store_averages(dataset, as_of), code, currency)
        if reasons:
            st.markdown(reasons_markdown(reasons, code))
        else:
            st.caption(t("seg.profile.no_segment"))
        st.markdown(f"**{t('seg.tier_history')}**")
        with st.spinner(t("seg.computing_history")):
            history = cached.tier_history(dataset, customer, as_of)
        order = [*cfg.tier_order, "regular", "potential"]
        st.plotly_chart(charts.tier_history_chart(history, order, code), width="stretch", key="seg_history")
        st.markdown(f"**{t('seg.purchases_12m')}**")
        lines = cached.customer_purchases(dataset, customer, as_of)
        if lines.empty:
            st.caption(t("seg.no_purchases"))
        else:
            st.dataframe(purchases_table(lines, code, currency), hide_index=True, width="stretch", height=280)


def _forecast_line(dataset: str, customer: str, as_of: date, code: str, currency: str) -> None:
    """The customer's forecast (default horizon and discount) as one line of facts: P(alive), expected purchases
    and CLV; "not modelled" for a customer the forecast does not score; a caution when the model has warnings."""
    with st.spinner(t("fc.computing")):
        numbers = customer_numbers(cached.customer_forecast(dataset, customer, as_of), code, currency)
        cautious = bool(cached.forecast_warnings(dataset, as_of))
    head = f"**{t('fc.card.head')}**"
    if numbers is None:
        st.markdown(f"{head} {t('fc.card.not_modelled')}")
        return
    facts = [
        _field(t("fc.card.p_alive"), numbers["p_alive"]),
        _field(t("fc.card.purchases", days=DEFAULT_HORIZON_DAYS), numbers["expected_purchases"]),
        _field(t("fc.card.clv", days=DEFAULT_HORIZON_DAYS), numbers["clv"]),
    ]
    st.markdown(f"{head} " + " &nbsp;·&nbsp; ".join(facts))
    if cautious:
        st.caption(":warning: " + t("fc.card.caution"))


def _day(value: Any, code: str) -> str:
    return fmt.BLANK if value is None or pd.isna(value) else fmt.day(pd.Timestamp(value).date(), code)


def reasons_markdown(reasons: list[tuple[str, str, str]], code: str) -> str:
    """One line per scheme and segment: "- **Scheme: segment**: the rule in words" (long rules wrap)."""
    return "\n".join(
        f"- **{text(f'scheme.{scheme}', code)}: {charts.segment_label(scheme, key, code)}**: {why}"
        for scheme, key, why in reasons
    )


def purchases_table(lines: pd.DataFrame, code: str, currency: str = "CNY") -> pd.DataFrame:
    """A customer's lines for reading: date and time, order, product, amount, and whether the line was on
    promotion (Yes / No; a dash where the dataset has no promo flag)."""
    days = [fmt.day(pd.Timestamp(d).date(), code) + pd.Timestamp(d).strftime(" %H:%M") for d in lines["order_date"]]
    promo = [
        fmt.BLANK if pd.isna(p) else text("seg.promo.yes" if bool(p) else "seg.promo.no", code)
        for p in lines["is_promo"]
    ]
    return pd.DataFrame(
        {
            text("col.order_date", code): days,
            text("col.order_id", code): [fmt.cell(v) for v in lines["order_id"]],
            text("col.product", code): [fmt.cell(v) for v in lines["product"]],
            text("col.amount", code): [fmt.money(v, code, cents=True, currency=currency) for v in lines["amount"]],
            text("col.is_promo", code): promo,
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
    access = page_access()
    edited = st.data_editor(
        shown[["label", "action", "channel", "segment"]],
        hide_index=True,
        width="stretch",
        key=f"seg_playbook_{scheme}",
        disabled=["label", "segment"] if access.can("make_lists") else True,  # a viewer reads the plan
        column_order=["label", "action", "channel"],
        column_config={
            "label": st.column_config.TextColumn(t("seg.segment")),
            "action": st.column_config.TextColumn(t("seg.action"), width="large"),
            "channel": st.column_config.SelectboxColumn(t("seg.channel"), options=list(names.values())),
        },
    )
    if not access.can("make_lists"):
        st.caption(refusal(access, "make_lists"))
        return
    if st.button(t("seg.save_playbook"), key="seg_save_playbook"):
        with state.workspace().writer() as con:
            keys = {label: key for key, label in names.items()}
            save_playbook(
                con,
                scheme,
                edited.assign(action=edited["action"].fillna(""), channel=edited["channel"].map(keys).fillna(""))[
                    ["segment", "action", "channel"]
                ],
                access=access,
            )
        st.success(t("seg.saved"))


def scheme_picker(key: str, code: str) -> str:
    """The tier-scheme picker (segmented control, ?scheme= in the address); the chosen scheme, tier by default."""
    scheme = (
        st.segmented_control(
            t("seg.scheme"),
            list(SCHEMES),
            format_func=lambda s: text(f"scheme.{s}", code),
            key=key,
            default=url_choice("scheme", list(SCHEMES), "tier"),
        )
        or "tier"
    )
    st.query_params["scheme"] = scheme
    return scheme
