"""Read a user's file (CSV in any common encoding and delimiter, XLSX, Parquet) into DuckDB as text columns.

DuckDB's encodings and excel extensions cannot be downloaded on our machines, so non-UTF-8 text is decoded in
Python into a UTF-8 temporary file and XLSX is read with fastexcel (calamine) and handed over as Arrow.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from segcore.errors import InputError

__all__ = ["SourceInfo", "content_hash", "detect_text_format", "sheet_names", "staged_source"]

_SAMPLE_BYTES = 1 << 16
_DELIMITERS = (",", ";", "\t", "|")
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class SourceInfo:
    """What was found in a file: its format, text encoding, delimiter, sheet and original headers."""

    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    headers: tuple[str, ...] = field(default_factory=tuple)


def content_hash(path: Path) -> str:
    """A hex digest of the file's bytes: the same file loaded twice has the same hash."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff_format(head: bytes) -> str:
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    return "csv"


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise InputError("not_text")
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is not a decoding failure.
            if exc.start >= len(head) - 4 and len(head) == _SAMPLE_BYTES:
                return encoding
            continue
        return encoding
    raise InputError("not_text")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(2, len(text) // 100) or "\ufffd" in text


def _detect_delimiter(first_line: str) -> str:
    counts = {delim: first_line.count(delim) for delim in _DELIMITERS}
    best = max(counts, key=lambda delim: counts[delim])
    return best if counts[best] > 0 else ","


def detect_text_format(path: Path) -> SourceInfo:
    """Encoding, delimiter and headers of a delimited text file; InputError when it is empty or not text."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if not head.strip(b"\xef\xbb\xbf\r\n\t ,;|"):
        raise InputError("empty_file")
    encoding = _detect_encoding(head)
    text = head.decode(encoding, errors="replace")
    if _looks_binary(text[:4000]):
        raise InputError("not_text")
    first_line = text.lstrip("\ufeff").splitlines()[0]
    delimiter = _detect_delimiter(first_line)
    headers = tuple(cell.strip().strip('"') for cell in first_line.split(delimiter))
    return SourceInfo("csv", encoding=encoding, delimiter=delimiter, headers=headers)


def sheet_names(path: Path) -> list[str]:
    """The sheet names of an XLSX file, in workbook order."""
    import fastexcel

    try:
        return list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception as exc:  # fastexcel raises its own types for broken zips and workbooks
        raise InputError("bad_xlsx", reason=str(exc).splitlines()[0][:200]) from exc


def _xlsx_table(path: Path, sheet: str | None) -> tuple[pa.Table, str]:
    import fastexcel

    names = sheet_names(path)
    if sheet is not None and sheet not in names:
        raise InputError("no_such_sheet", sheet=sheet, sheets=", ".join(names))
    candidates = [sheet] if sheet is not None else names
    reader = fastexcel.read_excel(str(path))
    for name in candidates:
        try:
            loaded = reader.load_sheet(name, dtypes="string", whitespace_as_null=True)
        except Exception:  # an unreadable or empty sheet: try the next one
            continue
        table = loaded.to_arrow()
        if table.num_columns > 0 and table.num_rows > 0:
            return table, name
    raise InputError("no_usable_sheet", sheets=", ".join(names) or "-")


@contextmanager
def _utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """Yield a UTF-8 copy of a text file in another encoding (streamed: memory stays flat)."""
    handle, name = tempfile.mkstemp(suffix=".csv", prefix="segcore-")
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        with path.open("rb") as source, os.fdopen(handle, "w", encoding="utf-8", newline="") as target:
            for block in iter(lambda: source.read(1 << 22), b""):
                target.write(decoder.decode(block))
            target.write(decoder.decode(b"", final=True))
        yield Path(name)
    except UnicodeDecodeError as exc:
        raise InputError("bad_encoding", encoding=encoding, position=exc.start) from exc
    finally:
        Path(name).unlink(missing_ok=True)


_READ_CSV_SQL = """
select row_number() over () as line_no, *
from read_csv($path, delim = $delim, header = true, all_varchar = true, quote = '"', escape = '"',
              null_padding = true, ignore_errors = false, strict_mode = false, encoding = 'utf-8')
"""


def _is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (streamed; the sniffed sample can be plain ASCII)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@contextmanager
def _csv_view(con: duckdb.DuckDBPyConnection, path: Path, info: SourceInfo, target: str) -> Iterator[str]:
    """A temp view `target` over the CSV (UTF-8 in place, else via a UTF-8 copy); yields the encoding."""
    encoding = info.encoding or "utf-8"
    if encoding == "utf-8" and not _is_utf8(path):
        encoding = "gb18030"
    with contextlib.ExitStack() as stack:
        readable = path if encoding in ("utf-8", "utf-8-sig") else stack.enter_context(_utf8_copy(path, encoding))
        try:
            relation = con.sql(_READ_CSV_SQL, params={"path": str(readable), "delim": info.delimiter})
            relation.create_view(target, replace=True)
        except duckdb.Error as exc:
            raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc
        try:
            yield encoding
        finally:
            con.execute(f"drop view if exists {target}")


def _stage_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table, target: str) -> None:
    con.register("_segcore_arrow", table)
    try:
        columns = ", ".join(f"cast({_quote(name)} as varchar) as {_quote(name)}" for name in table.column_names)
        con.execute(
            f"create or replace temp table {target} as "
            f"select row_number() over () as line_no, {columns} from _segcore_arrow"
        )
    finally:
        con.unregister("_segcore_arrow")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def staged_source(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, *, sheet: str | None = None
) -> Iterator[SourceInfo]:
    """Expose `path` as relation `target` (a `line_no` column plus every source column as text) while in use."""
    if not path.exists():
        raise InputError("no_such_file", path=str(path))
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise InputError("empty_file")
    file_format = _sniff_format(head)
    if file_format == "csv":
        sniffed = detect_text_format(path)
        with _csv_view(con, path, sniffed, target) as encoding:
            info = SourceInfo("csv", encoding, sniffed.delimiter, None, _staged_headers(con, target))
            _check_headers(info)
            yield info
        return
    if file_format == "xlsx":
        table, used_sheet = _xlsx_table(path, sheet)
        info = SourceInfo("xlsx", sheet=used_sheet, headers=tuple(table.column_names))
    else:
        table = _parquet_table(path)
        info = SourceInfo("parquet", headers=tuple(table.column_names))
    _check_headers(info)
    _stage_arrow(con, table, target)
    try:
        yield info
    finally:
        con.execute(f"drop table if exists {target}")


def _parquet_table(path: Path) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError("bad_parquet", reason=str(exc).splitlines()[0][:200]) from exc


def _check_headers(info: SourceInfo) -> None:
    if not any(h.strip() for h in info.headers):
        raise InputError("no_header")


def _staged_headers(con: duckdb.DuckDBPyConnection, target: str) -> tuple[str, ...]:
    try:
        columns = con.execute(f"select * from {target} limit 0").description
    except duckdb.Error as exc:
        raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc
    return tuple(col[0] for col in columns[1:])
