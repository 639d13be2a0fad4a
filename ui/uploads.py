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
from typing import Any

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.access import Access
from segcore.catalog import text
from segcore.currency import dataset_currency
from segcore.errors import InputError
from segcore.ingest import FilePreview, FileSpec, LoadReport, load_files, preview_file
from segcore.load_summary import LoadSummary, amount_derived, summarize_load
from segcore.mapping import missing_required, synonyms
from segcore.sources import sheet_names
from ui import state
from ui.i18n import lang, t

__all__ = [
    "datasets_table",
    "discard_uploads",
    "file_details",
    "files_table",
    "load_all",
    "load_totals",
    "mapping_editor",
    "max_upload_bytes",
    "needs_details",
    "preview",
    "saved_upload",
    "upload_dir",
    "uploader_css",
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


@st.cache_data(ttl=600, max_entries=128, show_spinner=False)  # 30 files and more in one upload
def _preview(path: str, kind: str, sheet: str | None, limit: int) -> FilePreview:
    return preview_file(Path(path), kind, sheet=sheet, max_bytes=limit)


def preview(path: Path, kind: str, name: str, key: str) -> tuple[FilePreview, str | None] | None:
    """Preview a file (asking for a sheet when an XLSX has several); None after showing a translated error."""
    try:
        sheet = None
        if path.suffix == ".xlsx":
            sheets = sheet_names(path)
            if len(sheets) > 1:
                sheet = st.selectbox(
                    t("data.sheet_of", file=name), sheets, key=f"{key}_sheet", placeholder=t("data.pick")
                )
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
            label,
            options,
            index=options.index(guess) if guess in options else 0,
            key=f"{key}_map_{canonical}",
            placeholder=t("data.pick"),
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


def load_all(
    files: Sequence[tuple[Path, str, str, dict[str, str], str | None]],
    dataset: str,
    currency: str | None,
    access: Access,
) -> tuple[list[LoadReport], LoadSummary | None]:
    """Load all the files of one upload in one transaction (all or none), with a progress bar; the reports and
    the whole load's totals.

    `files` holds (path, name, kind, mapping, sheet); `currency` (a code, or None to keep the guess) becomes the
    dataset's currency. A translated error instead of a traceback; the saved uploads are deleted afterwards
    either way.
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
                currency=currency,
                access=access,
            )
            summary = summarize_load(con, reports, currency or dataset_currency(con, dataset))
    except InputError as exc:
        bar.empty()
        name = getattr(exc, "file_name", None)
        st.error(f"{name}: {exc.message(lang())}" if name else exc.message(lang()))
        if len(specs) > 1:
            st.info(t("data.nothing_loaded"))
        return [], None
    finally:
        discard_uploads([spec.path for spec in specs])
    state.invalidate()
    from ui import preparing

    preparing.ensure_prepared(dataset)  # a large dataset's pages are prepared in the background from now
    return reports, summary


def _day(value: object, code: str) -> str:
    return "—" if value is None or value != value else fmt.day(value, code)  # type: ignore[arg-type]


def load_totals(summary: LoadSummary) -> None:
    """The whole load first: files, lines read / kept / rejected (by reason), customers, dates and net amount."""
    code = lang()
    cols = st.columns(5)
    cols[0].metric(t("data.load_files"), fmt.count(summary.files, code))
    cols[1].metric(t("report.rows_read"), fmt.count(summary.rows_read, code))
    cols[2].metric(t("report.rows_kept"), fmt.count(summary.rows_kept, code))
    cols[3].metric(t("report.rows_rejected"), fmt.count(summary.rows_rejected, code))
    cols[4].metric(t("files.customers"), fmt.count(summary.customers, code), help=t("data.customers_def"))
    if summary.date_min is not None:
        st.markdown(
            t(
                "data.load_facts",
                first=_day(summary.date_min, code),
                last=_day(summary.date_max, code),
                amount=fmt.money(summary.amount_total, code, currency=summary.currency),
                currency=t(f"currency.{summary.currency}"),
                refunds=fmt.count(summary.refund_lines, code),
            )
        )
    st.caption(t("data.customers_def"))
    if summary.members is not None:
        st.caption(f"{t('data.load_members')}: {fmt.count(summary.members, code)}")
    if summary.derived_files:
        st.info(t("data.load_derived", n=fmt.count(summary.derived_files, code)))
    if summary.files_duplicate:
        st.info(t("data.load_skipped", n=fmt.count(summary.files_duplicate, code)))
    for reason, n in summary.rejects_by_reason.items():
        st.warning(t("report.rejected_because", n=fmt.count(n, code), reason=t(f"reason.{reason}")))
    if not summary.rejects_by_reason:
        st.success(t("data.load_no_rejects"))


def files_table(reports: Sequence[LoadReport], code: str, currency: str) -> pd.DataFrame:
    """One row per file of the load, as readable text (a dash where a value does not apply)."""
    rows = []
    for r in reports:
        loaded = r.status == "loaded"
        sales = loaded and r.kind == "sales"
        rows.append(
            {
                text("files.file", code): r.file_name,
                text("files.kind", code): text(f"data.kind.{r.kind}", code),
                text("files.status", code): text(f"files.status.{r.status}", code),
                text("files.read", code): fmt.count(r.rows_read, code) if loaded else "—",
                text("files.kept", code): fmt.count(r.rows_kept, code) if loaded else "—",
                text("files.rejected", code): fmt.count(r.rows_rejected, code) if loaded else "—",
                text("files.customers", code): fmt.count(r.customers, code) if sales else "—",
                text("files.dates", code): f"{_day(r.date_min, code)} – {_day(r.date_max, code)}" if sales else "—",
                text("files.amount", code): fmt.money(r.amount_total, code, currency=currency) if sales else "—",
                text("files.amount_from", code): text(
                    "files.amount_derived" if amount_derived(r.mapping) else "files.amount_column", code
                )
                if sales
                else "—",
            }
        )
    return pd.DataFrame(rows)


def needs_details(report: LoadReport) -> bool:
    """Whether a file has anything to explain beyond its row in the table: rejects, warnings, number formats."""
    return report.status == "loaded" and bool(
        report.rejects_by_reason or report.warnings or report.number_formats or report.extra_columns
    )


def file_details(report: LoadReport, currency: str) -> None:
    """What one file's row cannot say: encoding, refunds, duplicates, number formats, rejects and warnings, with
    examples."""
    code = lang()
    facts = [t("report.encoding", encoding=report.info.encoding or report.info.file_format)]
    if report.kind == "sales":
        facts += [
            t("report.refunds", n=fmt.count(report.refund_lines, code)),
            t("report.duplicates", n=fmt.count(report.duplicate_lines, code)),
        ]
    st.caption(" · ".join(facts))
    if report.extra_columns:
        kept = "、" if code == "zh" else ", "
        columns = kept.join(
            f"{name}（{t('report.kind.' + kind)}）" if code == "zh" else f"{name} ({t('report.kind.' + kind)})"
            for name, kind in report.extra_columns.items()
        )
        st.caption(t("report.extra_columns", columns=columns))
    for column, style in report.number_formats.items():
        key = "report.number_format" if style == "eu" else "report.number_format_mixed"
        st.info(t(key, column=t(f"col.{column}")))
    for reason, n in report.rejects_by_reason.items():
        text_ = t("report.rejected_because", n=fmt.count(n, code), reason=t(f"reason.{reason}"))
        st.warning(text_ + _examples(report, reason))
    for warning, n in report.warnings.items():
        st.warning(f"{fmt.count(n, code)} × {t('warn.' + warning)}" + _examples(report, warning))


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


def _date_range(row: Any, code: str) -> str:
    """The sales lines' first and last day; for a dataset of tier tables only, how many and their as-of days."""
    if pd.isna(row.first_date) and row.tier_tables:
        first, last = _day(row.tiers_first_as_of, code), _day(row.tiers_last_as_of, code)
        return t("datasets.tiers_as_of", n=fmt.count(row.tier_tables, code), first=first, last=last)
    return f"{_day(row.first_date, code)} – {_day(row.last_date, code)}"


def datasets_table(
    datasets: pd.DataFrame, code: str, *, default: str | None, currencies: dict[str, str]
) -> pd.DataFrame:
    """The datasets list with translated headers and human-formatted values; the default dataset is marked."""
    return pd.DataFrame(
        {
            t("datasets.name"): datasets["dataset_id"]
            + [" (" + t("datasets.demo") + ")" if d else "" for d in datasets["is_demo"]],
            t("datasets.default"): ["✓" if d == default else "" for d in datasets["dataset_id"]],
            t("datasets.currency"): [currencies.get(d, "") for d in datasets["dataset_id"]],
            t("datasets.lines"): [fmt.count(v, code) for v in datasets["lines"]],
            t("datasets.customers"): [fmt.count(v, code) for v in datasets["customers"]],
            t("datasets.members"): [fmt.count(v, code) for v in datasets["members"]],
            t("datasets.range"): [_date_range(row, code) for row in datasets.itertuples()],
            t("datasets.files"): [fmt.count(v, code) for v in datasets["files"]],
            t("datasets.rejected"): [fmt.count(v, code) for v in datasets["rejected"]],
        }
    )


_DROPZONE = '[data-testid="stFileUploaderDropzone"]'


def _css_string(words: str) -> str:
    return '"' + words.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_css(code: str, *, types: Sequence[str], max_mb: int, scope: str = "") -> str:
    """A <style> block that covers st.file_uploader's English texts with catalog text; '' in English.

    Streamlit 1.67 has no parameter for them. Each text node is shrunk to font-size 0 and the catalog text is
    drawn in its place by ::after (same 0.875rem size): the button's "Upload" (the <p> in the button of
    [data-testid=stFileUploaderDropzone]), the "200MB per file • CSV, XLSX" line (the <span> in
    [data-testid=stFileUploaderDropzoneInstructions]) and the "Drag and drop files here" overlay shown while a file
    is dragged over (the <span> in the test-id-less <div> right after the dropzone's <input>). `types` and
    `max_mb` rebuild the limit line; `scope` (a CSS selector such as ".st-key-my_uploader") limits the rules to
    one uploader. Draw it with st.markdown(css, unsafe_allow_html=True).
    """
    if code == "en":
        return ""
    covers = [
        (f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p', text("uploader.button", code)),
        (
            '[data-testid="stFileUploaderDropzoneInstructions"] span',
            text("uploader.limit", code, mb=max_mb, types="、".join(kind.upper() for kind in types)),
        ),
        (f"{_DROPZONE} > input + div:not(:has([data-testid])) > span", text("uploader.drop", code)),
    ]
    rules = []
    for selector, words in covers:
        scoped = f"{scope} {selector}".strip()
        rules.append(f"{scoped} {{font-size: 0 !important;}}")
        rules.append(f"{scoped}::after {{content: {_css_string(words)}; font-size: 0.875rem;}}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def list_uploader(
    label: str, *, types: Sequence[str], key: str
) -> st.runtime.uploaded_file_manager.UploadedFile | None:
    """A file uploader whose own texts (button, size limit) read in the page's language."""
    css = uploader_css(lang(), types=types, max_mb=max_upload_bytes() // 2**20, scope=f".st-key-{key}")
    if css:
        st.html(css)
    return st.file_uploader(label, type=list(types), key=key)
