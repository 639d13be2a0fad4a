"""Read a user's file (CSV in any common encoding and delimiter, XLSX, Parquet) into DuckDB as text columns.

DuckDB's encodings and excel extensions cannot be downloaded on our machines, so non-UTF-8 text is decoded in
Python into a UTF-8 temporary file and XLSX is read with fastexcel (calamine) and handed over as Arrow.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from segcore.errors import InputError

__all__ = ["SourceInfo", "content_hash", "detect_text_format", "sheet_names", "staged_source", "text_expr"]

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
    # Header names that appear more than once; the later copies are renamed "name (2)", "name (3)", ...
    duplicate_headers: tuple[str, ...] = field(default_factory=tuple)
    # Lone CR characters in a text file, read as line breaks (a CR inside CRLF lines once damaged an id)
    lone_cr: int = 0
    # Rows with more fields than the header (their line numbers are in relation `<target>_issues`)
    extra_field_rows: int = 0


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
        # UTF-16 without a byte order mark: every other byte of ASCII text is zero
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
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
    # Not UTF-8 nor GB18030: binary data has many control bytes, text in another encoding (Big5, Latin-1) has few.
    controls = sum(1 for byte in head[:4000] if byte < 32 and byte not in b"\r\n\t")
    if controls > max(2, len(head[:4000]) // 100):
        raise InputError("not_text")
    raise InputError("unknown_encoding")


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
    body = text.lstrip("\ufeff")
    delimiter = _detect_delimiter(body.splitlines()[0])
    # The first record, quote-aware: a header cell may hold the delimiter or a line break inside quotes.
    first = next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, quotechar='"'), [])
    headers = tuple(cell.strip() for cell in first)
    return SourceInfo("csv", encoding=encoding, delimiter=delimiter, headers=headers)


def unique_headers(headers: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Headers made unique ("name (2)" for a second "name"; "column3" for an empty third one) and the duplicates."""
    seen: dict[str, int] = {}
    out: list[str] = []
    duplicates: list[str] = []
    for i, raw in enumerate(headers, start=1):
        name = raw.strip() or f"column{i}"
        if name in seen:
            if name not in duplicates:
                duplicates.append(name)
            seen[name] += 1
            candidate = f"{name} ({seen[name]})"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name} ({seen[name]})"
            name = candidate
        seen.setdefault(name, 1)
        out.append(name)
    return tuple(out), tuple(duplicates)


def sheet_names(path: Path) -> list[str]:
    """The sheet names of an XLSX file, in workbook order."""
    import fastexcel

    try:
        return list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception as exc:  # fastexcel raises its own types for broken zips and workbooks
        raise InputError("bad_xlsx", reason=str(exc).splitlines()[0][:200]) from exc


def _xlsx_table(path: Path, sheet: str | None) -> tuple[pa.Table, str, pa.Table | None]:
    """The first usable sheet as text columns (named from its raw header cells) and its lossy numeric cells."""
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
            table = pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table
            raw = _xlsx_header_cells(reader, name, table.num_columns) if _renamed(table.column_names) else None
            if raw is not None:
                table = table.rename_columns(raw)
            return table, name, _xlsx_lossy(path, reader, name, table)
    raise InputError("no_usable_sheet", sheets=", ".join(names) or "-")


def _renamed(names: list[str]) -> bool:
    """Whether fastexcel may have renamed a header cell (a repeated name to name_1, an empty one to __UNNAMED__n):
    only then is the header row read again as written, since each read parses the whole sheet."""
    taken = set(names)
    repeated = (n for n in names if re.fullmatch(r".+_\d+", n) and n.rsplit("_", 1)[0] in taken)
    return any(n.startswith("__UNNAMED__") for n in names) or any(True for _ in repeated)


def _xlsx_header_cells(reader: Any, name: str, width: int) -> list[str] | None:
    """The header row's cells as written (fastexcel renames a repeated name to name_1)."""
    try:
        first = reader.load_sheet(name, header_row=None, n_rows=1, dtypes="string").to_arrow()
    except Exception:  # keep fastexcel's names
        return None
    cells = [("" if v is None else str(v)) for v in (first.column(i)[0].as_py() for i in range(first.num_columns))]
    return cells if len(cells) == width else None


_LONG_DIGITS = r"^-?\d{16,}$"


def _xlsx_lossy(path: Path, reader: Any, name: str, table: pa.Table) -> pa.Table | None:
    """Rows whose numeric cell held a whole number above 2^53: Excel kept only ~15 digits of it. A column of
    numbers is found by its type; a column mixing text and number cells by the number cells of the sheet's XML."""
    import pyarrow.compute as pc

    suspects = [
        i for i in range(table.num_columns) if pc.any(pc.match_substring_regex(table.column(i), _LONG_DIGITS)).as_py()
    ]
    if not suspects:
        return None
    probe = reader.load_sheet(name, use_columns=suspects)  # default dtypes: which columns hold numbers
    numeric = {info.index for info in probe.available_columns() if info.dtype in ("float", "int")}
    big_number_cells = _xlsx_big_number_texts(path, name) if set(suspects) - numeric else set()
    lines: list[int] = []
    cols: list[str] = []
    for i in suspects:
        column = table.column(i).to_pylist()
        for line_no, value in enumerate(column, start=1):
            if not value or not re.fullmatch(r"-?\d{16,}", value) or abs(int(value)) <= _MAX_EXACT:
                continue
            if i in numeric or value in big_number_cells:
                lines.append(line_no)
                cols.append(table.column_names[i])
    return pa.table({"line_no": pa.array(lines, pa.int64()), "col": pa.array(cols, pa.string())}) if lines else None


_BIG_NUMBER_CELL = re.compile(
    rb"<c\b([^>]*)>(?:<f>[^<]*</f>)?<v>(-?\d(?:\.\d+)?[eE]\+?(?:1[5-9]|[2-9]\d)|-?\d{16,}(?:\.\d*)?)</v>"
)
_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _xlsx_big_number_texts(path: Path, sheet: str) -> set[str]:
    """The numeric cells of a sheet above 2^53, as text the way the sheet is read (3.1E+17 -> '310...328')."""
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        rel_id = next(
            (s.get(f"{_XLSX_REL}id") for s in workbook.iter(f"{_XLSX_MAIN}sheet") if s.get("name") == sheet), None
        )
        target = next((r.get("Target", "") for r in rels if r.get("Id") == rel_id), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if not rel_id or part not in archive.namelist():
            return set()
        xml = archive.read(part)
    found: set[str] = set()
    for match in _BIG_NUMBER_CELL.finditer(xml):
        kind = re.search(rb'\bt="(\w+)"', match.group(1))
        if kind is None or kind.group(1) == b"n":
            value = float(match.group(2))
            if abs(value) > _MAX_EXACT and value == int(value):
                found.add(str(int(value)))
    return found


_LONE_CR = re.compile("\r(?!\n)")


class _CrCounter:
    """Counts lone CRs across blocks (a CR at a block's end may start a CRLF in the next one)."""

    def __init__(self) -> None:
        self.lone = 0

    def feed(self, text: str, final: bool = False) -> tuple[str, str]:
        """The block with lone CRs turned into LF, and the held-back tail (a trailing CR) for the next block."""
        tail = ""
        if text.endswith("\r") and not final:
            text, tail = text[:-1], "\r"
        fixed, n = _LONE_CR.subn("\n", text)
        self.lone += n
        return fixed, tail


@contextmanager
def _utf8_copy(path: Path, encoding: str, counter: _CrCounter) -> Iterator[Path]:
    """Yield a UTF-8 copy of a text file (lone CRs made LF; streamed, so memory stays flat)."""
    handle, name = tempfile.mkstemp(suffix=".csv", prefix="segcore-")
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        with path.open("rb") as source, os.fdopen(handle, "w", encoding="utf-8", newline="") as target:
            tail = ""
            for block in iter(lambda: source.read(1 << 22), b""):
                fixed, tail = counter.feed(tail + decoder.decode(block))
                target.write(fixed)
            target.write(counter.feed(tail + decoder.decode(b"", final=True), final=True)[0])
        yield Path(name)
    except UnicodeDecodeError as exc:
        raise InputError("bad_encoding", encoding=encoding, position=exc.start) from exc
    finally:
        Path(name).unlink(missing_ok=True)


# Explicit columns (the header's names, made unique) plus one spill column: a row with more fields than the header
# fills it, so such a row is found instead of losing its extra fields silently. parallel = false: DuckDB 2.0 reads
# quoted line breaks with null_padding only in a single-threaded scan.
_SPILL = "__segcore_extra_field"
_READ_CSV_SQL = """
select row_number() over () as line_no, *
from read_csv($path, auto_detect = false, header = true, delim = $delim, quote = '"', escape = '"',
              columns = $columns, null_padding = true, parallel = false, strict_mode = false,
              ignore_errors = false, encoding = 'utf-8')
"""


def _scan_utf8(path: Path) -> tuple[bool, int]:
    """Whether the whole file decodes as UTF-8, and how many lone CRs it has (streamed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lone, tail = 0, b""
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
                chunk = tail + block
                tail = b"\r" if chunk.endswith(b"\r") else b""
                chunk = chunk[:-1] if tail else chunk
                lone += chunk.count(b"\r") - chunk.count(b"\r\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, 0
    return True, lone + len(tail)


def _issues_table(con: duckdb.DuckDBPyConnection, target: str) -> str:
    name = f"{target}_issues"
    con.execute(f"create or replace temp table {name} (line_no bigint, col varchar, issue varchar)")
    return name


@contextmanager
def _csv_table(con: duckdb.DuckDBPyConnection, path: Path, info: SourceInfo, target: str) -> Iterator[SourceInfo]:
    """A temp table `target` read from the CSV (UTF-8 in place, else via a UTF-8 copy); yields what was found."""
    encoding = info.encoding or "utf-8"
    lone_cr = 0
    if encoding in ("utf-8", "utf-8-sig"):
        is_utf8, lone_cr = _scan_utf8(path)
        if not is_utf8:
            encoding = "gb18030"
    headers, duplicates = unique_headers(info.headers)
    if _SPILL in headers:
        raise InputError("no_header")
    columns = {name: "VARCHAR" for name in (*headers, _SPILL)}
    counter = _CrCounter()
    issues = _issues_table(con, target)
    try:
        with contextlib.ExitStack() as stack:
            readable = path
            if encoding not in ("utf-8", "utf-8-sig") or lone_cr:
                readable = stack.enter_context(_utf8_copy(path, "utf-8" if lone_cr else encoding, counter))
            try:
                con.execute(
                    f"create or replace temp table {target}_all as {_READ_CSV_SQL}",
                    {"path": str(readable), "delim": info.delimiter, "columns": columns},
                )
            except duckdb.Error as exc:
                raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc
        _check_unterminated_quote(con, path, encoding, f"{target}_all", headers)
        spill = _quote(_SPILL)
        con.execute(
            f"insert into {issues} select line_no, null, 'extra_fields' from {target}_all where {spill} is not null"
        )
        extra = con.execute(f"select count(*) from {issues}").fetchall()[0][0]
        con.execute(f"create or replace temp view {target} as select * exclude ({spill}) from {target}_all")
        yield SourceInfo(
            "csv",
            encoding,
            info.delimiter,
            None,
            headers,
            duplicate_headers=duplicates,
            lone_cr=counter.lone or lone_cr,
            extra_field_rows=int(extra),
        )
    finally:
        con.execute(f"drop view if exists {target}")
        con.execute(f"drop table if exists {target}_all")
        con.execute(f"drop table if exists {issues}")


def _check_unterminated_quote(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str, table: str, headers: tuple[str, ...]
) -> None:
    """An opening quote never closed swallows the rest of the file into the last row's field: refuse the file.
    A last row with a line break in a field is only suspect then; an odd number of quotes in the file tells."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 64))
        tail = handle.read().rstrip(b"\r\n\t \x00")
    if tail.endswith(b'"'):
        return
    fields = " || ".join(f"coalesce({_quote(h)}, '')" for h in headers)
    row = con.execute(
        f"select line_no from {table} where line_no = (select max(line_no) from {table}) "
        f"and contains({fields}, chr(10))"
    ).fetchall()
    if row and _quote_count(path, encoding) % 2:
        raise InputError("unterminated_quote", row=row[0][0])


def _quote_count(path: Path, encoding: str) -> int:
    """How many double quotes the file holds (UTF-8 and GB18030 never use the quote byte inside a character)."""
    count = 0
    with path.open("rb") as handle:
        if encoding in ("utf-8", "utf-8-sig", "gb18030"):
            for block in iter(lambda: handle.read(1 << 22), b""):
                count += block.count(b'"')
            return count
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        for block in iter(lambda: handle.read(1 << 22), b""):
            count += decoder.decode(block).count('"')
    return count


_MAX_EXACT = 2**53  # a float above this no longer holds every integer: an id or phone stored so lost digits


_FLOAT_TYPES = ("FLOAT", "DOUBLE")


def text_expr(col: str, column_type: str) -> str:
    """SQL turning a typed column (quoted `col` of DuckDB type `column_type`) into the text the file meant."""
    if column_type == "VARCHAR":
        return col
    if column_type in _FLOAT_TYPES:
        # 13812345678.0 -> '13812345678', never '1.38E10': whole numbers are written as integers
        return (
            f"case when {col} = trunc({col}) and abs({col}) < {_MAX_EXACT} "
            f"then cast(cast({col} as bigint) as varchar) else cast({col} as varchar) end"
        )
    return f"cast({col} as varchar)"


def _arrow_columns(table: pa.Table) -> tuple[list[str], list[str]]:
    """Select expressions that turn every column into text, and the float columns (checked for lost digits)."""
    exprs: list[str] = []
    floats: list[str] = []
    for name, column_type in zip(table.column_names, table.schema.types, strict=True):
        col = _quote(name)
        if pa.types.is_floating(column_type):
            floats.append(name)
            exprs.append(f"{text_expr(col, 'DOUBLE')} as {col}")
        else:
            exprs.append(f"cast({col} as varchar) as {col}")
    return exprs, floats


def _stage_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table, target: str, lossy: pa.Table | None) -> None:
    con.register("_segcore_arrow", table)
    issues = _issues_table(con, target)
    try:
        exprs, floats = _arrow_columns(table)
        con.execute(
            f"create or replace temp table {target} as "
            f"select row_number() over () as line_no, {', '.join(exprs)} from _segcore_arrow"
        )
        for name in floats:
            col = _quote(name)
            con.execute(
                f"insert into {issues} select line_no, $name, 'lossy_number' from "
                f"(select row_number() over () as line_no, {col} as v from _segcore_arrow) "
                f"where v = trunc(v) and abs(v) >= {_MAX_EXACT}",
                {"name": name},
            )
    finally:
        con.unregister("_segcore_arrow")
    if lossy is not None:
        con.register("_segcore_lossy", lossy)
        try:
            con.execute(f"insert into {issues} select line_no, col, 'lossy_number' from _segcore_lossy")
        finally:
            con.unregister("_segcore_lossy")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unique_arrow(table: pa.Table) -> tuple[pa.Table, tuple[str, ...]]:
    names, duplicates = unique_headers(tuple(str(n) for n in table.column_names))
    return table.rename_columns(list(names)), duplicates


@contextmanager
def staged_source(
    con: duckdb.DuckDBPyConnection, path: Path, target: str, *, sheet: str | None = None
) -> Iterator[SourceInfo]:
    """Expose `path` as relation `target` (a `line_no` column plus every source column as text) while in use.

    Also `<target>_typed`: the same lines and columns with the types the file gives them (a Parquet file read in
    place keeps its DATE, TIMESTAMP, DECIMAL, ... columns; text files and XLSX are all text), so a reader can use a
    typed value directly where that gives exactly what parsing the text would.

    Also, while in use: relation `<target>_issues` (line_no, col, issue) lists rows with more fields than the
    header ('extra_fields') and numeric cells too large to hold their digits ('lossy_number', XLSX / Parquet).
    """
    if not path.exists():
        raise InputError("no_such_file", path=str(path))
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise InputError("empty_file")
    file_format = _sniff_format(head)
    if file_format == "csv":
        sniffed = detect_text_format(path)
        _check_headers(sniffed)
        with _csv_table(con, path, sniffed, target) as info, _same_typed(con, target):
            yield info
        return
    if file_format == "parquet":
        with _parquet_in_place(con, path, target) as found:
            if found is not None:
                yield found
                return
    lossy = None
    if file_format == "xlsx":
        table, used_sheet, lossy = _xlsx_table(path, sheet)
        table, duplicates = _unique_arrow(table)
        info = SourceInfo("xlsx", sheet=used_sheet, headers=tuple(table.column_names), duplicate_headers=duplicates)
    else:
        table, duplicates = _unique_arrow(_parquet_table(path))
        info = SourceInfo("parquet", headers=tuple(table.column_names), duplicate_headers=duplicates)
    _check_headers(info)
    try:
        _stage_arrow(con, table, target, lossy)
        del table  # the text table holds the values now
        with _same_typed(con, target):
            yield info
    finally:
        con.execute(f"drop table if exists {target}")
        con.execute(f"drop table if exists {target}_issues")


@contextmanager
def _same_typed(con: duckdb.DuckDBPyConnection, target: str) -> Iterator[None]:
    """`<target>_typed` for a source read as text only: the text relation itself."""
    con.execute(f"create or replace temp view {target}_typed as select * from {target}")
    try:
        yield
    finally:
        con.execute(f"drop view if exists {target}_typed")


# DuckDB reads a Parquet file in place (streamed, no copy in memory) when it gives every column the type the Arrow
# route gives it; the text relation is then a view that casts each value exactly as the Arrow route did.
_ROW_NUMBER = "file_row_number"


def _relation_types(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(str(row[0]), str(row[1])) for row in con.execute(f"describe {relation}").fetchall()]


@contextmanager
def _parquet_in_place(con: duckdb.DuckDBPyConnection, path: Path, target: str) -> Iterator[SourceInfo | None]:
    """Expose a Parquet file read by DuckDB in place: `<target>_typed` (line_no and the file's typed columns),
    `<target>` (line_no and the same columns as text) and `<target>_issues`. Yields None (nothing created) when the
    file needs the Arrow route: repeated, empty or reserved column names, or a type DuckDB reads differently."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError("bad_parquet", reason=str(exc).splitlines()[0][:200]) from exc
    names = tuple(schema.names)
    if unique_headers(names)[0] != names or {"line_no", _ROW_NUMBER} & set(names) or not names:
        yield None
        return
    literal = "'" + str(path).replace("'", "''") + "'"
    typed = f"{target}_typed"
    try:
        con.register("_segcore_schema", schema.empty_table())
        try:
            arrow_types = _relation_types(con, "_segcore_schema")
        finally:
            con.unregister("_segcore_schema")
        con.execute(
            f"create or replace temp view {typed} as select {_ROW_NUMBER} + 1 as line_no, * exclude ({_ROW_NUMBER}) "
            f"from read_parquet({literal}, {_ROW_NUMBER} = true)"
        )
        if _relation_types(con, f"(select * exclude (line_no) from {typed})") != arrow_types:
            con.execute(f"drop view if exists {typed}")
            yield None
            return
    except duckdb.Error as exc:
        con.execute(f"drop view if exists {typed}")
        raise InputError("bad_parquet", reason=str(exc).splitlines()[0][:200]) from exc
    info = SourceInfo("parquet", headers=names, duplicate_headers=())
    try:
        _check_headers(info)
        texts = ", ".join(f"{text_expr(_quote(n), t)} as {_quote(n)}" for n, t in arrow_types)
        con.execute(f"create or replace temp view {target} as select line_no, {texts} from {typed}")
        issues = _issues_table(con, target)
        for name in (n for n, t in arrow_types if t in _FLOAT_TYPES):
            col = _quote(name)
            con.execute(
                f"insert into {issues} select line_no, $name, 'lossy_number' from {typed} "
                f"where {col} = trunc({col}) and abs({col}) >= {_MAX_EXACT}",
                {"name": name},
            )
        yield info
    finally:
        con.execute(f"drop view if exists {target}")
        con.execute(f"drop view if exists {typed}")
        con.execute(f"drop table if exists {target}_issues")


def _parquet_table(path: Path) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError("bad_parquet", reason=str(exc).splitlines()[0][:200]) from exc


def _check_headers(info: SourceInfo) -> None:
    if not any(h.strip() for h in info.headers):
        raise InputError("no_header")
