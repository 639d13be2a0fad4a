"""Shared state of a session: the workspace, the chosen dataset and the as-of date; caches live here."""

from __future__ import annotations

import zlib
from datetime import date, datetime

import duckdb
import pandas as pd
import streamlit as st

from segcore.bootstrap import demo_needed, ensure_demo_dataset
from segcore.errors import InputError
from segcore.workspace import Workspace

__all__ = [
    "as_of",
    "currency",
    "data_version",
    "dataset_id",
    "datasets",
    "default_dataset",
    "ensure_demo",
    "invalidate",
    "require_dataset",
    "workspace",
]


@st.cache_resource
def workspace() -> Workspace:
    """The process-wide workspace (one DuckDB file shared by every session)."""
    return Workspace()


def ensure_demo() -> bool:
    """On first start with an empty workspace, build and load the demo store (with a progress bar)."""
    ws = workspace()
    with ws.reader() as con:
        if not demo_needed(con):  # the workspace has data (a half-built demo is built again)
            return False
    from ui.i18n import t

    with st.status(t("demo.loading"), expanded=True) as status:
        bar = st.progress(0.0)
        loaded = ensure_demo_dataset(
            ws, ws.path.parent / "demo", datetime.now(), lambda f, stage: bar.progress(f, text=t(f"stage.{stage}"))
        )
        status.update(label=t("demo.loaded"), state="complete", expanded=False)
    invalidate()
    return loaded


@st.cache_resource
def _version_box() -> list[int]:
    return [0]


def data_version() -> int:
    """Changes with every write of data, so cached reads know when to recompute: a counter bumped by this app's
    writes, and a stamp of the loads for other programs' (a CLI ingest from a cron job). Reading, and the states
    cache the Migration page writes, leave it alone."""
    try:
        stamp = zlib.crc32(workspace().data_stamp().encode())
    except (OSError, InputError, duckdb.Error):
        stamp = 0
    return stamp << 32 | _version_box()[0]


def invalidate() -> None:
    """Tell every cache that the workspace changed."""
    _version_box()[0] += 1


@st.cache_data(ttl=600, max_entries=8)
def _datasets(version: int) -> pd.DataFrame:
    return workspace().datasets()


def datasets() -> pd.DataFrame:
    """The datasets table (cached until the next write)."""
    return _datasets(data_version())


@st.cache_data(ttl=600, max_entries=8)
def _default_dataset(version: int) -> str | None:
    return workspace().default_dataset()


def default_dataset() -> str | None:
    """The dataset a new session opens on (the owner's choice, else the demo)."""
    return _default_dataset(data_version())


@st.cache_data(ttl=600, max_entries=64)
def _currency(dataset: str | None, version: int) -> str:
    return workspace().currency(dataset)


def currency() -> str:
    """The chosen dataset's currency code (CNY, GBP…), for every amount the page shows."""
    return _currency(dataset_id(), data_version())


def dataset_id() -> str | None:
    """The dataset chosen in the sidebar."""
    return st.session_state.get("dataset")


def require_dataset(*, tier_tables_only: bool = False) -> str:
    """The chosen dataset; without one, say where to upload data and stop the page. A dataset of tier tables
    loaded from elsewhere (Spark) has no sales lines: unless the page shows only tiers (`tier_tables_only`), say
    so, point to the Segments page, and stop."""
    from ui import cached
    from ui.i18n import t

    chosen = dataset_id()
    if chosen is None:
        st.info(t("overview.no_data"))
        st.stop()
    loaded = cached.imported_dates(str(chosen))
    if loaded and not tier_tables_only:
        st.info(t("imported.page_needs_sales", n=len(loaded)))
        st.page_link("pages/segments.py", label=t("imported.open_segments"), icon=":material/donut_small:")
        st.stop()
    return str(chosen)


def as_of() -> date:
    """The as-of date chosen in the sidebar."""
    return st.session_state.get("as_of") or date.today()
