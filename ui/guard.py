"""Pages run inside the frame (app.py). On a fresh server Streamlit may run a page file of pages/ directly for a
deep link such as /segments before any session has set up navigation; send that visitor through the frame."""

from __future__ import annotations

import streamlit as st

__all__ = ["FRAME_READY", "WANTED_PAGE", "require_frame", "restore_query"]

FRAME_READY = "frame_ready"
WANTED_PAGE = "wanted_page"
_WANTED_QUERY = "wanted_query"


def require_frame(page_path: str) -> None:
    """Call first in every page: outside the frame, remember the page and restart through app.py."""
    if st.session_state.get(FRAME_READY):
        return
    st.session_state[WANTED_PAGE] = page_path
    st.session_state[_WANTED_QUERY] = st.query_params.to_dict()
    st.switch_page("app.py")


def url_choice(name: str, options: list[str], default: str) -> str:
    """The ?name= value of a shared link when it is one of the options, else the default."""
    wanted = st.query_params.get(name)
    return wanted if wanted in options else default


def restore_query() -> None:
    """Put back the query parameters of a deep link that went through require_frame, once the wanted page is
    reached (st.switch_page starts the page with an empty query)."""
    if WANTED_PAGE in st.session_state:
        return
    wanted = st.session_state.pop(_WANTED_QUERY, None)
    if wanted:
        st.query_params.from_dict(wanted)
