"""The Targets page's widgets: filters become rules (data), exclusions become Exclusion objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.catalog import text
from segcore.errors import InputError
from segcore.forecast import DEFAULT_HORIZON_DAYS
from segcore.forecast.guardrails import describe as describe_warning
from segcore.keys import (
    CHANNELS,
    CN8_SEGMENTS,
    GROUP_KEYS,
    LIFECYCLES,
    LIST_FILE_TYPES,
    RFM_SEGMENTS,
    TIER_KEYS,
)
from segcore.targets import FIELDS, STAR_SIGNS, ZODIAC, Exclusion, Field, Rule, describe, read_id_list
from ui import cached, charts, state
from ui.auth import page_access
from ui.i18n import lang, t
from ui.uploads import list_uploader, saved_upload

__all__ = ["PREFILL", "channel_picker", "exclusions", "filters", "manual_list"]

PREFILL = "tgt_prefill"  # {"tier": [...], "customer_id": [...], "rules": [Rule, ...]} handed over by another page


def _choose(field: str, label: str, options: Sequence[str], names: dict[str, str]) -> Rule | None:
    prefill = st.session_state.get(PREFILL, {}).get(field)
    chosen = st.multiselect(
        label,
        list(options),
        default=[o for o in prefill or [] if o in options],
        format_func=names.get,
        key=f"tgt_{field}",
        placeholder=t("tgt.pick_any"),
    )
    return Rule(field, "in", tuple(chosen)) if chosen else None


def _month_name(month: int, code: str) -> str:
    return f"{month}月" if code == "zh" else fmt.month(date(2000, month, 1), "en").split()[0]


def _range(field: str, label: str, low: int, high: int) -> Rule | None:
    chosen = st.slider(label, low, high, (low, high), key=f"tgt_{field}")
    return Rule(field, "between", chosen) if chosen != (low, high) else None


def _segment_filters(code: str) -> list[Rule | None]:
    def names(scheme: str, keys: Sequence[str]) -> dict[str, str]:
        return {k: charts.segment_label(scheme, k, code) for k in keys}

    left, right = st.columns(2)
    with left:
        rules = [
            _choose("tier", t("target.field.tier"), TIER_KEYS, names("tier", TIER_KEYS)),
            _choose("groups", t("target.field.groups"), GROUP_KEYS, names("groups", GROUP_KEYS)),
            _choose("lifecycle", t("target.field.lifecycle"), LIFECYCLES, names("lifecycle", LIFECYCLES)),
        ]
    with right:
        rules += [
            _choose("rfm_segment", t("target.field.rfm_segment"), RFM_SEGMENTS, names("rfm", RFM_SEGMENTS)),
            _choose("cn8_segment", t("target.field.cn8_segment"), CN8_SEGMENTS, names("cn8", CN8_SEGMENTS)),
            _range("recency_days", t("target.field.recency_days"), 0, 1095),
        ]
    grid = st.columns(3)
    for column, field in zip(grid, ("r_score", "f_score", "m_score"), strict=True):
        with column:
            rules.append(_range(field, t(f"target.field.{field}"), 1, 5))
    low, high = st.columns(2)
    sign = fmt.symbol(state.currency())
    spend_min = low.number_input(
        t("tgt.spend_min_none", sign=sign), min_value=0, value=0, step=500, key="tgt_spend_min"
    )
    spend_max = high.number_input(
        t("tgt.spend_max_none", sign=sign), min_value=0, value=0, step=500, key="tgt_spend_max",
        help=t("tgt.spend_max_help"),
    )  # fmt: skip
    if not spend_max:
        high.caption(t("tgt.no_upper_limit"))
    rules.append(Rule("monetary", ">=", spend_min) if spend_min else None)
    rules.append(Rule("monetary", "<=", spend_max) if spend_max else None)
    return rules


def _member_filters(code: str, stores: list[str]) -> list[Rule | None]:
    rules: list[Rule | None] = []
    left, middle, right = st.columns(3)
    with left:
        rules.append(
            _choose(
                "gender",
                t("target.field.gender"),
                ("F", "M"),
                {"F": text("target.gender.F", code), "M": text("target.gender.M", code)},
            )
        )
        month = st.selectbox(
            t("target.field.birthday_month"),
            ["any", "this", "next", *range(1, 13)],
            format_func=lambda m: text(f"tgt.month.{m}", code) if isinstance(m, str) else _month_name(m, code),
            key="tgt_birthday_month",
            placeholder=t("tgt.pick_one"),
        )
        rules.append(None if month == "any" else Rule("birthday_month", "=", month))
    with middle:
        rules.append(_range("age", t("target.field.age"), 0, 100))
        rules.append(
            _choose("zodiac", t("target.field.zodiac"), ZODIAC, {z: text(f"target.zodiac.{z}", code) for z in ZODIAC})
        )
        rules.append(
            _choose(
                "star_sign",
                t("target.field.star_sign"),
                STAR_SIGNS,
                {s: text(f"target.star.{s}", code) for s in STAR_SIGNS},
            )
        )
    with right:
        rules.append(_choose("store", t("target.field.store"), stores, {s: s for s in stores}))
        tenure = st.number_input(t("tgt.tenure_min"), min_value=0, value=0, step=30, key="tgt_tenure")
        rules.append(Rule("tenure_days", ">=", tenure) if tenure else None)
        points = st.number_input(t("tgt.points_min"), min_value=0, value=0, step=100, key="tgt_points")
        rules.append(Rule("points", ">=", points) if points else None)
    return rules


def _purchase_filters(code: str, categories: list[str]) -> list[Rule | None]:
    rules: list[Rule | None] = []
    left, middle, right = st.columns(3)
    with left:
        rules.append(_choose("last_category", t("target.field.last_category"), categories, {c: c for c in categories}))
    with middle:
        category = st.selectbox(
            t("tgt.bought_category"),
            [None, *categories],
            key="tgt_bought_category",
            format_func=lambda c: text("tgt.any", code) if c is None else c,
            placeholder=t("tgt.pick_one"),
        )
        days = st.number_input(t("tgt.bought_days"), min_value=1, value=90, step=30, key="tgt_bought_days")
        rules.append(Rule("category_in_last_days", "=", (category, int(days))) if category else None)
    with right:
        promo = st.number_input(t("tgt.promo_min"), min_value=0, value=0, step=1, key="tgt_promo_min")
        rules.append(Rule("promo_purchases", ">=", promo) if promo else None)
    return rules


def _clear_handed_over() -> None:
    prefill = dict(st.session_state.get(PREFILL, {}))
    prefill.pop("rules", None)
    st.session_state[PREFILL] = prefill


# where handed-over rules come from (PREFILL["source"]): the words that say so, the clear button's, and the icon
_SOURCES = {
    "personas": ("tgt.handover", "tgt.handover_clear", ":material/person_search:"),
    "forecast": ("tgt.handover_forecast", "tgt.handover_clear_forecast", ":material/trending_up:"),
}


def _handed_over(code: str, fields: Mapping[str, Field]) -> list[Rule]:
    """The rules another page handed over (PREFILL["rules"], e.g. a persona's value; PREFILL["source"] names the
    page, Personas unless told), each in words, with a button that clears them."""
    prefill = st.session_state.get(PREFILL, {})
    handed = prefill.get("rules") or []
    rules = [r for r in handed if r.field in fields]  # a column gone from the files since is no longer a filter
    if not rules:
        return []
    words, clear, icon = _SOURCES.get(prefill.get("source", "personas"), _SOURCES["personas"])
    for rule in rules:
        st.info(t(words, rule=describe(rule, code, fields)), icon=icon)
    st.button(t(clear), key="tgt_handover_clear", on_click=_clear_handed_over, icon=":material/close:")
    return rules


# the forecast's list fields, each with a min and a max input: (field, step, the inputs' catalog keys)
FORECAST_FIELDS = (
    ("p_alive", 0.05, "tgt.fc.p_alive_min", "tgt.fc.p_alive_max"),
    ("expected_purchases", 0.5, "tgt.fc.expected_purchases_min", "tgt.fc.expected_purchases_max"),
    ("clv", 500.0, "tgt.fc.clv_min", "tgt.fc.clv_max"),
)


def _forecast_filters(warnings: Sequence[str]) -> list[Rule]:
    """P(alive), expected purchases and CLV between an optional low and high (the forecast's fields), with the
    forecast's warnings above them."""
    st.caption(t("tgt.forecast_caption", days=DEFAULT_HORIZON_DAYS))
    if warnings:
        st.warning(t("tgt.forecast_warn") + "\n\n" + "\n".join(f"- {w}" for w in warnings), icon=":material/warning:")
    sign = fmt.symbol(state.currency())
    rules: list[Rule] = []
    for field, step, low_key, high_key in FORECAST_FIELDS:
        low_column, high_column = st.columns(2)
        low = low_column.number_input(
            t(low_key, sign=sign), value=None, min_value=0.0, step=step, key=f"tgt_fc_{field}_min",
            placeholder=t("tgt.extra_any"),
        )  # fmt: skip
        high = high_column.number_input(
            t(high_key, sign=sign), value=None, min_value=0.0, step=step, key=f"tgt_fc_{field}_max",
            placeholder=t("tgt.extra_any"),
        )  # fmt: skip
        rules += [Rule(field, ">=", _plain(low))] if low is not None else []
        rules += [Rule(field, "<=", _plain(high))] if high is not None else []
    return rules


def _plain(value: float) -> float | int:
    """A whole number as an int (the rule reads "at least 2000", not "2000.0")."""
    return int(value) if float(value).is_integer() else float(value)


def _extra_filters(code: str, fields: Mapping[str, Field], choices: Mapping[str, tuple[list[str], int]]) -> list[Rule]:
    """One filter per extra column of the files: a number between an optional low and high, a text among its values,
    a date between an optional first and last day."""
    rules: list[Rule] = []
    st.caption(t("tgt.extra_caption"))
    extras = sorted(((column, spec) for column, spec in fields.items() if spec.plain), key=lambda item: item[1].label)
    for column, spec in extras:
        name = spec.label
        if spec.type == "text":
            values, total = choices.get(column, ([], 0))
            chosen = st.multiselect(name, values, key=f"tgt_x_{column}", placeholder=t("tgt.pick_any"))
            if total > len(values):
                st.caption(
                    t("tgt.extra_capped", name=name, n=fmt.count(len(values), code), total=fmt.count(total, code))
                )
            rules += [Rule(column, "in", tuple(chosen))] if chosen else []
            continue
        low_column, high_column = st.columns(2)
        if spec.type == "number":
            low = low_column.number_input(
                t("tgt.extra_min", name=name), value=None, key=f"tgt_x_{column}_min", placeholder=t("tgt.extra_any")
            )
            high = high_column.number_input(
                t("tgt.extra_max", name=name), value=None, key=f"tgt_x_{column}_max", placeholder=t("tgt.extra_any")
            )
        elif spec.type == "date":
            first, last = date(1900, 1, 1), date(2100, 12, 31)
            low = low_column.date_input(
                t("tgt.extra_from", name=name), value=None, min_value=first, max_value=last, key=f"tgt_x_{column}_min"
            )
            high = high_column.date_input(
                t("tgt.extra_to", name=name), value=None, min_value=first, max_value=last, key=f"tgt_x_{column}_max"
            )
        else:
            continue
        rules += [Rule(column, ">=", low)] if low is not None else []
        rules += [Rule(column, "<=", high)] if high is not None else []
    return rules


def filters(
    stores: list[str],
    categories: list[str],
    fields: Mapping[str, Field] | None = None,
    choices: Mapping[str, tuple[list[str], int]] | None = None,
    forecast_warnings: Sequence[str] | None = None,
) -> list[Rule]:
    """Every filter widget; the chosen ones as rules (AND between fields, OR within one). `fields`: the dataset's
    (targets.fields_for), whose extra columns of the files get filters of their own; `choices`: each text extra
    column's values and how many there are (cached.extra_values); `forecast_warnings`: the forecast's warnings in
    words, shown with its filters (None: those of the session's dataset and date, from the cached forecast)."""
    code = lang()
    fields = fields or FIELDS
    handed = _handed_over(code, fields)
    rules = _segment_filters(code)
    with st.expander(t("tgt.member_filters")):
        rules += _member_filters(code, stores)
    with st.expander(t("tgt.purchase_filters")):
        rules += _purchase_filters(code, categories)
    with st.expander(t("tgt.forecast_filters")):
        rules += _forecast_filters(_warnings_in_words(code) if forecast_warnings is None else forecast_warnings)
    if any(spec.plain for spec in fields.values()):
        with st.expander(t("tgt.extra_filters")):
            rules += _extra_filters(code, fields, choices or {})
    picked = st.session_state.get(PREFILL, {}).get("customer_id")
    if picked:
        st.info(t("tgt.hand_picked", n=len(picked)))
        rules.append(Rule("customer_id", "in", tuple(picked)))
    return [r for r in [*rules, *handed] if r is not None]


def _warnings_in_words(code: str) -> list[str]:
    """The warnings of the forecast behind the list fields (the session's dataset and date), as sentences."""
    dataset = state.dataset_id()
    if dataset is None:
        return []
    with st.spinner(t("fc.computing")):
        found = cached.forecast_warnings(str(dataset), state.as_of())
    return [describe_warning(w, code) for w in found]


def channel_picker() -> str:
    """The channel the list is for."""
    names = {c: t(f"channel.{c}") for c in CHANNELS}
    return str(
        st.segmented_control(
            t("seg.channel"),
            list(CHANNELS),
            default="sms",
            key="tgt_channel",
            format_func=names.__getitem__,
        )
        or "sms"
    )


def exclusions(campaigns: pd.DataFrame, as_of: date) -> list[Exclusion]:
    """The exclusion widgets: promo blacklist (on for discount campaigns), contact fatigue, a manual list, and the
    customers the channel cannot reach."""
    discount = st.toggle(t("tgt.discount"), value=True, key="tgt_discount")
    chosen: list[Exclusion] = []
    if st.checkbox(t("target.excl.promo_chaser"), value=discount, key=f"tgt_ex_promo_{discount}"):
        chosen.append(Exclusion("promo_chaser"))
    left, right = st.columns([2, 1])
    if left.checkbox(t("tgt.fatigue"), value=not campaigns.empty, key="tgt_ex_fatigue"):
        days = right.number_input(t("tgt.fatigue_days"), min_value=1, value=30, step=1, key="tgt_ex_fatigue_days")
        chosen.append(Exclusion("contacted_within_days", int(days)))
    upload = None
    if page_access().can("make_lists"):  # a do-not-contact file is for a list someone may save and send
        upload = list_uploader(t("tgt.manual_any"), types=LIST_FILE_TYPES, key="tgt_ex_manual")
    if upload is not None:
        chosen.append(manual_list(saved_upload(upload), upload.name))
    if st.checkbox(t("tgt.unreachable"), value=True, key="tgt_ex_unreachable"):
        chosen.append(Exclusion("unreachable"))
    return chosen


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _read_id_list(path: str) -> Exclusion:
    return read_id_list(Path(path))


def manual_list(path: Path, name: str) -> Exclusion:
    """The uploaded do-not-contact list as an exclusion; a file that cannot be read stops the page with the reason
    (a list is never built as if the file were not there)."""
    try:
        return _read_id_list(str(path))
    except InputError as exc:
        st.error(t("tgt.manual_unreadable", name=name, reason=exc.message(lang())))
        st.stop()
        raise  # pragma: no cover (st.stop raises)
