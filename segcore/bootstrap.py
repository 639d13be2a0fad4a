"""First start: when the workspace has no dataset, build the demo store, load it as dataset 'demo' and record
its past campaign (with its holdout) so the lift page has something to show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from segcore.ingest import load_file
from segcore.workspace import Workspace

__all__ = ["DEMO_DATASET", "ensure_demo_dataset"]

DEMO_DATASET = "demo"


def ensure_demo_dataset(
    workspace: Workspace, folder: Path, loaded_at: datetime, progress: Callable[[float, str], None] | None = None
) -> bool:
    """Load the demo store if the workspace is empty; True when it was loaded now."""
    from segcore.campaigns import import_demo_campaign
    from segcore.demo import write_demo_store

    if workspace.dataset_ids():
        return False
    step = progress or (lambda fraction, stage: None)
    step(0.05, "demo_generating")
    files = write_demo_store(folder)
    for fraction, path, kind in ((0.5, files.sales, "sales"), (0.9, files.members, "members")):
        step(fraction, f"demo_loading_{kind}")
        with workspace.writer() as con:
            load_file(con, DEMO_DATASET, path, kind, loaded_at=loaded_at, is_demo=True)
    step(0.95, "demo_campaign")
    with workspace.writer() as con:
        import_demo_campaign(con, DEMO_DATASET, folder)
    step(1.0, "done")
    return True
