"""The background preparation of a dataset (segcore.prepared) and its progress line in the sidebar.

After a load on the Data page, and when a session opens a large dataset whose prepared data is missing or stale
(a server started on an older workspace, new rules), one thread per dataset computes what the pages' default view
needs. Pages never wait for it: until a piece is stored they compute it as before. The thread takes the
workspace's writer once per step, so the app's own writes go in between."""

from __future__ import annotations

import logging
import threading
import zlib
from dataclasses import dataclass, field

import streamlit as st

from segcore import prepared
from segcore.tier_rules import to_toml
from ui import state

__all__ = ["Job", "ensure_prepared", "job", "show_progress", "start"]

_log = logging.getLogger(__name__)


@dataclass
class Job:
    """One dataset's preparation: how far it is (0..1), the current stage, and how it ended; `stamp` is the rules
    and data version it was started for (the same stamp is not prepared twice by this process)."""

    dataset_id: str
    stamp: tuple[int, int] = (0, 0)
    fraction: float = 0.0
    stage: str = "tiers"
    done: bool = False
    failed: bool = False
    thread: threading.Thread | None = field(default=None, repr=False)

    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


@st.cache_resource
def _jobs() -> dict[str, Job]:
    return {}


_LOCK = threading.Lock()


def job(dataset_id: str) -> Job | None:
    """The dataset's latest preparation job in this server process, if any."""
    return _jobs().get(dataset_id)


def _run(found: Job) -> None:
    def tell(fraction: float, stage: str) -> None:
        found.fraction, found.stage = fraction, stage

    try:
        prepared.prepare(state.workspace().writer, found.dataset_id, progress=tell)
    except Exception:  # the pages compute without it; say why in the server's log
        _log.exception("preparing %s failed", found.dataset_id)
        found.failed = True
    finally:
        found.done = True


def start(dataset_id: str, stamp: tuple[int, int] = (0, 0)) -> Job:
    """Start preparing a dataset in a background thread (unless it is already being prepared)."""
    with _LOCK:
        current = _jobs().get(dataset_id)
        if current is not None and current.running():
            return current
        new = Job(dataset_id, stamp)
        new.thread = threading.Thread(target=_run, args=(new,), name=f"prepare-{dataset_id}", daemon=True)
        _jobs()[dataset_id] = new
        new.thread.start()
        return new


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _needs_preparing(dataset_id: str, rules_hash: int, version: int) -> bool:
    from segcore.tier_rules import load_rules

    with state.workspace().reader() as con:
        return prepared.worth_preparing(con, dataset_id) and not prepared.is_prepared(con, dataset_id, load_rules(con))


def ensure_prepared(dataset_id: str) -> None:
    """Start preparing a large dataset whose prepared data is missing or stale for the current rules and data
    (checked once per rules and data version)."""
    from ui import cached

    stamp = (zlib.crc32(to_toml(cached.tier_rules()).encode()), state.data_version())
    found = job(dataset_id)
    if found is not None and (found.running() or found.stamp == stamp):
        return
    if _needs_preparing(dataset_id, *stamp):
        start(dataset_id, stamp)


def show_progress(dataset_id: str) -> None:
    """The sidebar's progress line while the dataset is being prepared (in the page's language), refreshed every
    two seconds until the job ends."""
    found = job(dataset_id)
    if found is None or not found.running():
        return

    @st.fragment(run_every=2)
    def line() -> None:
        from ui.i18n import t

        if not found.running():
            return
        fraction = min(max(found.fraction, 0.0), 1.0)
        st.progress(fraction, text=t("prepare.running", stage=t(f"prepare.stage.{found.stage}")))
        st.caption(t("prepare.note"))

    line()
