"""Download buttons that record each click in the workspace's export log (segcore.export_log.deliver).

The file is built when the button is clicked (Streamlit's deferred data), so every click is one record: who,
when, what, rows, and whether phones and names are masked. A role that exports nothing gets no button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
from streamlit.delta_generator import DeltaGenerator

from segcore.access import Access
from segcore.export_log import Exported, deliver
from ui import state
from ui.auth import refusal

__all__ = ["recorded_download"]


def recorded_download(
    where: DeltaGenerator,
    label: str,
    make: Callable[[duckdb.DuckDBPyConnection], tuple[bytes, Exported]],
    *,
    access: Access,
    file_name: str,
    mime: str,
    key: str,
) -> bool:
    """A download button whose file is built and recorded on click; for a role that may not export, one line
    saying so instead of the button (and False)."""
    if not access.can("export"):
        where.caption(refusal(access, "export"))
        return False
    workspace = state.workspace()  # captured now: the file is built on another thread, outside this script run

    def data() -> bytes:
        return deliver(workspace, access, datetime.now(), make)

    where.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click="ignore")
    return True
