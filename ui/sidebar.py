"""The sidebar every page shares: dataset picker, as-of date, language switch and, at the bottom, who is using
the app (signed in as whom, in which role, and a sign-out button; or the single-user mode's note).

The chosen values live in plain session keys (`dataset`, `as_of`, `lang`). The widgets use their own keys and
copy into them, because Streamlit may drop a widget's own state when the user changes page.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from segcore import fmt
from segcore.catalog import LANGS
from ui import auth, cached, preparing, state
from ui.i18n import lang, t

__all__ = ["render"]

_LANG_LABELS = {"zh": "中文", "en": "English"}


def _bind(store_key: str) -> str:
    """The widget key for a stored value, preset to that value."""
    widget_key = f"_w_{store_key}"
    if store_key in st.session_state:
        st.session_state[widget_key] = st.session_state[store_key]
    return widget_key


def _keep(store_key: str) -> None:
    st.session_state[store_key] = st.session_state[f"_w_{store_key}"]


def _dataset_bounds(dataset: str) -> tuple[date | None, date | None]:
    table = state.datasets().set_index("dataset_id")
    if dataset not in table.index:
        return None, None
    first, last = table.loc[dataset, "first_date"], table.loc[dataset, "last_date"]
    if first is None or last is None or first != first or last != last:  # NaT: members only, or tier tables only
        loaded = cached.imported_dates(dataset)
        return (loaded[0], loaded[-1]) if loaded else (None, None)
    return first.date(), last.date()


def _on_dataset_change() -> None:
    _keep("dataset")
    st.session_state.pop("as_of", None)
    st.query_params.pop("as_of", None)


def _dataset_picker() -> str | None:
    ids = list(state.datasets()["dataset_id"])
    if not ids:
        st.caption(t("sidebar.no_data"))
        return None
    requested = st.session_state.pop("dataset_request", None)
    if requested in ids:
        st.session_state["dataset"] = requested
        st.session_state.pop("as_of", None)
        st.query_params.pop("as_of", None)
    if st.session_state.get("dataset") not in ids:
        wanted = st.query_params.get("dataset")
        st.session_state["dataset"] = wanted if wanted in ids else (state.default_dataset() or ids[0])
    st.selectbox(
        t("sidebar.dataset"),
        ids,
        key=_bind("dataset"),
        on_change=_on_dataset_change,
        placeholder=t("sidebar.dataset_placeholder"),
    )
    st.query_params["dataset"] = st.session_state["dataset"]
    return str(st.session_state["dataset"])


def _as_of_picker(dataset: str) -> None:
    first, last = _dataset_bounds(dataset)
    if last is None:
        return
    current = st.session_state.get("as_of")
    if not isinstance(current, date) or not (first <= current <= last):  # type: ignore[operator]
        st.session_state["as_of"] = _day_from_url(first, last) or last
    st.date_input(
        t("sidebar.as_of"),
        key=_bind("as_of"),
        min_value=first,
        max_value=last,
        format="YYYY/MM/DD",  # reads as 2026/11/15 in both languages; the calendar itself stays English (DECISIONS)
        on_change=_keep,
        args=("as_of",),
    )
    loaded = cached.imported_dates(dataset)
    if loaded:  # a dataset of tier tables loaded from Spark: only their dates hold tiers
        st.caption(t("sidebar.loaded_dates", dates=", ".join(fmt.day(d, lang()) for d in loaded)))
    else:
        st.caption(t("sidebar.data_range", first=fmt.day(first, lang()), last=fmt.day(last, lang())))
    st.query_params["as_of"] = st.session_state["as_of"].isoformat()


def _day_from_url(first: date, last: date) -> date | None:
    """The ?as_of= date of a shared link, when it is a date inside the data."""
    try:
        wanted = date.fromisoformat(st.query_params.get("as_of", ""))
    except ValueError:
        return None
    return wanted if first <= wanted <= last else None


def render() -> None:
    """Draw the sidebar and keep its choices in session state."""
    with st.sidebar:
        dataset = _dataset_picker()
        if dataset:
            _as_of_picker(dataset)
            preparing.ensure_prepared(dataset)  # a large dataset's pages, prepared in the background
            preparing.show_progress(dataset)
        st.radio(
            t("sidebar.language"),
            LANGS,
            key=_bind("lang"),
            format_func=_LANG_LABELS.__getitem__,
            horizontal=True,
            on_change=_keep,
            args=("lang",),
        )
        auth.identity()
