"""The sidebar every page shares: dataset picker, as-of date and language switch."""

from __future__ import annotations

from datetime import date

import streamlit as st

from segcore import fmt
from segcore.catalog import LANGS
from ui import state
from ui.i18n import lang, t

__all__ = ["render"]

_LANG_LABELS = {"zh": "中文", "en": "English"}


def _dataset_bounds(dataset: str) -> tuple[date | None, date | None]:
    table = state.datasets().set_index("dataset_id")
    if dataset not in table.index or table.loc[dataset, "first_date"] is None:
        return None, None
    row = table.loc[dataset]
    first, last = row["first_date"], row["last_date"]
    if first != first or last != last:  # NaT: a dataset with members only
        return None, None
    return first.date(), last.date()


def _reset_as_of() -> None:
    st.session_state.pop("as_of", None)


def _dataset_picker() -> str | None:
    ids = list(state.datasets()["dataset_id"])
    if not ids:
        st.caption(t("sidebar.no_data"))
        return None
    requested = st.session_state.pop("dataset_request", None)
    if requested in ids:
        st.session_state["dataset"] = requested
        st.session_state.pop("as_of", None)
    if st.session_state.get("dataset") not in ids:
        wanted = st.query_params.get("dataset")
        st.session_state["dataset"] = wanted if wanted in ids else ids[0]
    chosen = st.selectbox(t("sidebar.dataset"), ids, key="dataset", on_change=_reset_as_of)
    st.query_params["dataset"] = chosen
    return str(chosen)


def _as_of_picker(dataset: str) -> None:
    first, last = _dataset_bounds(dataset)
    if last is None:
        return
    if "as_of" not in st.session_state:
        st.session_state["as_of"] = last
    st.date_input(t("sidebar.as_of"), key="as_of", min_value=first, max_value=last, format="YYYY-MM-DD")
    st.caption(t("sidebar.data_range", first=fmt.day(first, lang()), last=fmt.day(last, lang())))


def render() -> None:
    """Draw the sidebar and keep its choices in session state."""
    with st.sidebar:
        dataset = _dataset_picker()
        if dataset:
            _as_of_picker(dataset)
        st.radio(t("sidebar.language"), LANGS, key="lang", format_func=_LANG_LABELS.__getitem__, horizontal=True)
