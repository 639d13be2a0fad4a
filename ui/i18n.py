"""The user's language: ?lang= if given, else the browser's locale, else English; switchable in the sidebar."""

from __future__ import annotations

from typing import Any

import streamlit as st

from segcore.catalog import LANGS, text

__all__ = ["cover_css", "cover_streamlit_words", "init_lang", "lang", "streamlit_words_css", "t"]

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


# Streamlit's own words that no parameter changes (streamlit 1.67), as (CSS selector, catalog key). Each is drawn
# by the frontend in English; in another language its text is hidden and the catalog's word drawn in its place.
# The file uploader's words are covered on the Data page (ui/uploads.py); select boxes take a `placeholder=`.
STREAMLIT_WORDS: tuple[tuple[str, str], ...] = (
    ('[data-testid="InputInstructions"]', "ui.press_enter"),
    ('[data-testid="stTextArea"] [data-testid="InputInstructions"]', "ui.press_ctrl_enter"),
    ('[data-testid="stForm"] [data-testid="InputInstructions"]', "ui.press_enter_form"),
    ('[data-testid="stStatusWidget"] button', "ui.stop"),
    ('[data-key="__select_all__"] [data-item-hl]', "ui.select_all"),  # a multiselect's first option
    ('[data-key="__select_matches__"] [data-item-hl]', "ui.select_matches"),
)


def cover_css(selector: str, words: str, *, size: str = "0.75rem") -> str:
    """CSS rules that draw `words` in place of the text Streamlit puts inside `selector` (its text, and its children's,
    is set to size 0, so it takes no room; the words come from ::after at `size`). For texts Streamlit offers no
    parameter for; icons drawn as font glyphs inside `selector` are hidden too."""
    quoted = words.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return (
        f"{selector},{selector} *{{font-size:0 !important;line-height:0}}"
        f'{selector}::after{{content:"{quoted}";font-size:{size};line-height:1.6}}'
    )


def streamlit_words_css(language: str, words: tuple[tuple[str, str], ...] = STREAMLIT_WORDS) -> str:
    """A <style> block covering Streamlit's English words for a page in `language` ("" for English: nothing to
    cover). `words` pairs a CSS selector with a catalog key; later pairs win over earlier ones on the same element."""
    if language == "en":
        return ""
    rules = "".join(cover_css(selector, text(key, language)) for selector, key in words)
    return f"<style>{rules}</style>"


def cover_streamlit_words() -> None:
    """Put the frame's covers of Streamlit's own words on this run's page (a style-only st.html takes no room)."""
    css = streamlit_words_css(lang())
    if css:
        st.html(css)
