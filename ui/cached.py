"""Cached calls into segcore for the pages: each cache has a ttl and max_entries and keys on the data version."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from segcore import overview
from ui import state

__all__ = ["store_summary", "monthly_revenue"]


@st.cache_data(ttl=3600, max_entries=32)
def _store_summary(dataset_id: str, as_of: date, version: int) -> dict[str, object]:
    with state.workspace().reader() as con:
        return overview.store_summary(con, dataset_id, as_of)


@st.cache_data(ttl=3600, max_entries=32)
def _monthly_revenue(dataset_id: str, as_of: date, version: int) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return overview.monthly_revenue(con, dataset_id, as_of)


def store_summary(dataset_id: str, as_of: date) -> dict[str, object]:
    """Headline figures of a dataset (cached until the data changes)."""
    return _store_summary(dataset_id, as_of, state.data_version())


def monthly_revenue(dataset_id: str, as_of: date) -> pd.DataFrame:
    """Revenue by month over the last two years (cached until the data changes)."""
    return _monthly_revenue(dataset_id, as_of, state.data_version())
