"""The user's language: ?lang= if given, else the browser's locale, else English; switchable in the sidebar."""

from __future__ import annotations

from typing import Any

import streamlit as st

from segcore.catalog import LANGS, text

__all__ = ["init_lang", "lang", "t"]

_KEY = "lang"


def _from_browser() -> str:
    locale = (st.context.locale or "").lower()
    return "zh" if locale.startswith("zh") else "en"


def init_lang() -> str:
    """Settle the session's language once (query parameter, browser locale, English) and mirror it in the URL."""
    if _KEY not in st.session_state:
        from ui.guard import pending_query

        requested = st.query_params.get("lang") or pending_query().get("lang")
        st.session_state[_KEY] = requested if requested in LANGS else _from_browser()
    if st.query_params.get("lang") != st.session_state[_KEY]:
        st.query_params["lang"] = st.session_state[_KEY]
    return str(st.session_state[_KEY])


def lang() -> str:
    """The session's language code, 'zh' or 'en'."""
    return str(st.session_state.get(_KEY, "en"))


def t(key: str, **values: Any) -> str:
    """The catalog string for `key` in the session's language."""
    return text(key, lang(), **values)
