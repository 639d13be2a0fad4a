"""Upload handling for the Data page: save uploads, preview them, edit the mapping, draw the quality report."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.errors import InputError
from segcore.ingest import FilePreview, FileSpec, LoadReport, load_files, preview_file
from segcore.mapping import missing_required, synonyms
from segcore.sources import sheet_names
from ui import state
from ui.i18n import lang, t

__all__ = [
    "discard_uploads",
    "load_all",
    "mapping_editor",
    "max_upload_bytes",
    "preview",
    "quality_report",
    "saved_upload",
    "upload_dir",
]

_DIR_LOCK = threading.Lock()
_UPLOAD_DIR: list[Path] = []  # this process's private folder, made on first use


def upload_dir() -> Path:
    """This process's private upload folder (mode 0700, removed when the process exits)."""
    with _DIR_LOCK:
        if not _UPLOAD_DIR:
            folder = Path(tempfile.mkdtemp(prefix="segcore-uploads-"))  # mkdtemp: readable by this user only
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            _UPLOAD_DIR.append(folder)
        return _UPLOAD_DIR[0]


def max_upload_bytes() -> int:
    """The upload limit of .streamlit/config.toml, in bytes."""
    return int(st.get_option("server.maxUploadSize")) * 2**20


def saved_upload(upload: st.runtime.uploaded_file_manager.UploadedFile) -> Path:
    """Write an uploaded file into the private upload folder (one file per upload, keeping its suffix)."""
    path = upload_dir() / f"{upload.file_id}{Path(upload.name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(upload.getvalue())
        path.chmod(0o600)
    return path


def discard_uploads(paths: Sequence[Path]) -> None:
    """Delete saved uploads once they are loaded (or given up)."""
    for path in paths:
        path.unlink(missing_ok=True)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _preview(path: str, kind: str, sheet: str | None, limit: int) -> FilePreview:
    return preview_file(Path(path), kind, sheet=sheet, max_bytes=limit)


def preview(path: Path, kind: str, name: str, key: str) -> tuple[FilePreview, str | None] | None:
    """Preview a file (asking for a sheet when an XLSX has several); None after showing a translated error."""
    try:
        sheet = None
        if path.suffix == ".xlsx":
            sheets = sheet_names(path)
            if len(sheets) > 1:
                sheet = st.selectbox(t("data.sheet"), sheets, key=f"{key}_sheet")
        return _preview(str(path), kind, sheet, max_upload_bytes()), sheet
    except InputError as exc:
        st.error(f"{name}: {exc.message(lang())}")
        return None


def mapping_editor(found: FilePreview, kind: str, key: str) -> dict[str, str]:
    """One select box per canonical column, preset to the guess; returns the confirmed mapping."""
    none = "—"
    options = [none, *found.info.headers]
    mapping: dict[str, str] = {}
    canonical_columns = list(synonyms(kind))
    grid = st.columns(4)
    for i, canonical in enumerate(canonical_columns):
        guess = found.mapping.get(canonical)
        required = canonical in ("customer_id", "order_date") or (kind == "sales" and canonical == "amount")
        label = t(f"col.{canonical}") + (" *" if required else "")
        chosen = grid[i % 4].selectbox(
            label, options, index=options.index(guess) if guess in options else 0, key=f"{key}_map_{canonical}"
        )
        if chosen != none:
            mapping[canonical] = chosen
    return mapping


def mapping_problems(mapping: dict[str, str], kind: str, found: FilePreview) -> str | None:
    """A translated message when required columns are unmapped, else None."""
    missing = missing_required(mapping, kind)
    if not missing:
        return None
    names = ", ".join(t(f"col.{col}") for col in missing)
    return t("err.missing_columns", missing=names, found=", ".join(found.info.headers))


def load_all(files: Sequence[tuple[Path, str, str, dict[str, str], str | None]], dataset: str) -> list[LoadReport]:
    """Load all the files of one upload in one transaction (all or none), with a progress bar.

    `files` holds (path, name, kind, mapping, sheet). A translated error instead of a traceback; the saved
    uploads are deleted afterwards either way.
    """
    bar = st.progress(0.0, text=t("stage.hashing"))
    specs = [FileSpec(path, kind, mapping, sheet, name) for path, name, kind, mapping, sheet in files]
    try:
        with state.workspace().writer() as con:
            reports = load_files(
                con,
                dataset,
                specs,
                loaded_at=datetime.now(),
                max_bytes=max_upload_bytes(),
                progress=lambda f, stage: bar.progress(f, text=t("stage." + stage)),
            )
    except InputError as exc:
        bar.empty()
        name = getattr(exc, "file_name", None)
        st.error(f"{name}: {exc.message(lang())}" if name else exc.message(lang()))
        if len(specs) > 1:
            st.info(t("data.nothing_loaded"))
        return []
    finally:
        discard_uploads([spec.path for spec in specs])
    state.invalidate()
    return reports


def quality_report(report: LoadReport) -> None:
    """The quality report of one load: counts, reasons, range, and the rejected rows to download."""
    code = lang()
    if report.status == "duplicate":
        st.info(t("data.already_loaded", file=report.file_name, dataset=report.dataset_id))
        return
    st.markdown(f"**{report.file_name}** → `{report.dataset_id}`")
    cols = st.columns(4)
    cols[0].metric(t("report.rows_read"), fmt.count(report.rows_read, code))
    cols[1].metric(t("report.rows_kept"), fmt.count(report.rows_kept, code))
    cols[2].metric(t("report.rows_rejected"), fmt.count(report.rows_rejected, code))
    cols[3].metric(t("report.customers"), fmt.count(report.customers, code))
    facts = [t("report.encoding", encoding=report.info.encoding or report.info.file_format)]
    if report.kind == "sales":
        facts += [
            t("report.range", first=fmt.day(report.date_min, code), last=fmt.day(report.date_max, code)),
            t("report.refunds", n=fmt.count(report.refund_lines, code)),
            t("report.duplicates", n=fmt.count(report.duplicate_lines, code)),
            t("report.total", amount=fmt.money(report.amount_total, code)),
        ]
    st.caption(" · ".join(facts))
    for column, style in report.number_formats.items():
        key = "report.number_format" if style == "eu" else "report.number_format_mixed"
        st.info(t(key, column=t(f"col.{column}")))
    for reason, n in report.rejects_by_reason.items():
        text = t("report.rejected_because", n=fmt.count(n, code), reason=t(f"reason.{reason}"))
        st.warning(text + _examples(report, reason))
    for warning, n in report.warnings.items():
        st.warning(f"{fmt.count(n, code)} × {t('warn.' + warning)}" + _examples(report, warning))
    if report.rows_rejected:
        rejected = state.workspace().rejects(report.dataset_id, report.load_id)
        st.download_button(
            t("report.download_rejects"),
            rejects_csv(rejected, code),
            file_name=f"rejected-{report.file_name}.csv",
            mime="text/csv",
            key=f"dl_rejects_{report.load_id}",
        )


_EXAMPLE_ROW = re.compile(r"row (\d+)(?:: (.*))?", re.DOTALL)


def _example(text: str) -> str:
    found = _EXAMPLE_ROW.fullmatch(text)
    if found is None:  # a column name (duplicate_column)
        return text
    if found.group(2) is None:
        return t("report.example_row_only", n=found.group(1))
    return t("report.example_row", n=found.group(1), value=found.group(2))


def _examples(report: LoadReport, key: str) -> str:
    shown = [_example(text) for text in report.examples.get(key) or []]
    return " — " + t("report.examples", examples="; ".join(shown)) if shown else ""


def rejects_csv(rejected: pd.DataFrame, code: str) -> bytes:
    """Rejected rows as CSV (UTF-8 with BOM for Excel), reasons in the user's language."""
    out = rejected.copy()
    out["reason"] = [t(f"reason.{r}") for r in out["reason"]]
    return out.to_csv(index=False).encode("utf-8-sig")


def datasets_table(datasets: pd.DataFrame, code: str) -> pd.DataFrame:
    """The datasets list with translated headers and human-formatted values."""

    def _day(value: object) -> str:
        return "–" if value is None or value != value else fmt.day(value, code)  # type: ignore[arg-type]

    return pd.DataFrame(
        {
            t("datasets.name"): datasets["dataset_id"]
            + [" (" + t("datasets.demo") + ")" if d else "" for d in datasets["is_demo"]],
            t("datasets.lines"): [fmt.count(v, code) for v in datasets["lines"]],
            t("datasets.customers"): [fmt.count(v, code) for v in datasets["customers"]],
            t("datasets.members"): [fmt.count(v, code) for v in datasets["members"]],
            t("datasets.range"): [
                f"{_day(a)} – {_day(b)}" for a, b in zip(datasets["first_date"], datasets["last_date"], strict=True)
            ],
            t("datasets.files"): datasets["files"],
            t("datasets.rejected"): [fmt.count(v, code) for v in datasets["rejected"]],
        }
    )
