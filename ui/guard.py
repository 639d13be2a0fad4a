"""Pages run inside the frame (app.py). On a fresh server Streamlit may run a page file of pages/ directly for a
deep link such as /segments before any session has set up navigation; send that visitor through the frame.

The frame also opens the workspace file for one script run (`workspace_run`) and closes it at the end, so between
runs the app holds nothing and the CLI can use the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from segcore.errors import InputError

__all__ = ["FRAME_READY", "WANTED_PAGE", "pending_query", "require_frame", "restore_query", "workspace_run"]

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


def pending_query() -> dict[str, str]:
    """The query of a deep link on its way through the frame (empty once restored): the first run of the frame
    sees an empty URL, and must not settle the language before the link's ?lang= is back."""
    return dict(st.session_state.get(_WANTED_QUERY) or {})


def restore_query() -> None:
    """Put back the query parameters of a deep link that went through require_frame, once the wanted page is
    reached (st.switch_page starts the page with an empty query)."""
    if WANTED_PAGE in st.session_state:
        return
    wanted = st.session_state.pop(_WANTED_QUERY, None)
    if wanted:
        st.query_params.from_dict(wanted)


@contextmanager
def workspace_run() -> Iterator[None]:
    """Keep the workspace open for this script run. While another program writes to it, say that the data is
    being updated and wait; if it stays busy, say so with a retry button. Bad workspace paths are shown as one
    message in the user's language, never a traceback."""
    from ui import state
    from ui.i18n import t

    notices: list[DeltaGenerator] = []  # made only when there is something to say: no empty element otherwise

    def tell_waiting() -> None:
        notices.append(st.empty())
        notices[-1].info(t("workspace.waiting"), icon=":material/hourglass_top:")

    def clear() -> None:
        for notice in notices:
            notice.empty()

    try:
        with state.workspace().session(on_wait=tell_waiting):
            clear()
            yield
    except InputError as exc:
        clear()
        if exc.code == "workspace_busy":
            st.warning(t("workspace.busy"), icon=":material/hourglass_top:")
            st.button(t("workspace.retry"), key="workspace_retry", type="primary")
        else:
            from ui.i18n import lang

            st.error(exc.message(lang()))
        st.stop()
