"""Extra columns of a sales or members file: every column the mapping does not name is kept as an attribute.

A load stages each extra column's kept values (`stage_extras`) and types the column by what it holds
(`extra_columns`):

- number: every filled value is a plain number (1234, -1.5, 1,234.50), not a code with a leading zero (007) and at
  most 15 digits (a longer one is an id a double cannot hold);
- date: every filled value is a date or a timestamp (2024-03-05, 2024/3/5, 2024年3月5日);
- text: anything else. A column with no value at all is kept as text, and has no attribute.

Across the loads of a dataset an attribute is a number (or a date) only when every load read it so; else its
text. The value of a customer as of D (`add_extra_columns`):

- from the members file: the member's value (members who had joined by D, as in the tier table);
- from the sales lines dated on or before D: a number is the net sum over the customer's lines (as the file has
  them: a refund line with a negative weight takes it off), a date the latest, a text the value on most lines
  (ties: the most recent line, then the later value);
- a name in both files: the members value where the customer has one.

Attributes are candidate columns of target lists (segcore.targets) and personas (segcore.persona). An extra column
named like a built-in field (age, store, ...) is kept as `<name>_extra`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from segcore.sources import text_expr
from segcore.sql import has_table, quote_ident

__all__ = [
    "EXTRA_KINDS",
    "ExtraAttribute",
    "add_extra_columns",
    "extra_attributes",
    "extra_headers",
    "stage_extras",
]

EXTRA_KINDS = ("number", "date", "text")
_INTERNAL = ("line_no",)

# a plain number: optional sign, digits (no leading zero before another digit) or 1,234,567 groups, decimals
_NUMBER_RE = r"[+-]?(0|[1-9][0-9]{0,2}(,[0-9]{3})+|[1-9][0-9]*)(\.[0-9]+)?"
_IS_NUMBER = f"(regexp_full_match({{v}}, '{_NUMBER_RE}') and length(regexp_replace({{v}}, '[^0-9]', '', 'g')) <= 15)"
_IS_DATE = "(seg_ts_as({v}, false) is not null)"


@dataclass(frozen=True)
class ExtraAttribute:
    """An attribute kept from a file's extra column: its name (the column header), kind and candidate column."""

    name: str
    kind: str  # number | date | text
    column: str  # the candidate table's column (the name, or `<name>_extra` when it clashes with a built-in one)


def extra_headers(headers: Iterable[str], mapping_sources: Iterable[str]) -> list[str]:
    """The headers of a file that the mapping does not use, in file order."""
    used = set(mapping_sources)
    return [h for h in headers if h.strip() and h not in used and h not in _INTERNAL]


_STAGE_SQL = """
create or replace temp table {target} as
select p.line_no, p.customer_id, {day} as day, v.name, v.text,
       case when {is_number} then cast(replace(v.text, ',', '') as double) end as number,
       cast(seg_ts_as(v.text, false) as date) as date_value
from {parsed} as p
join (
    {values}
) as v using (line_no)
where p.reject_reason is null
  and v.text is not null
"""

_KINDS_SQL = """
select name,
       count(*) as filled,
       count(*) filter (where number is null) as not_number,
       count(*) filter (where date_value is null) as not_date
from {target}
group by name
"""


def stage_extras(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    parsed: str,
    target: str,
    kind: str,
    headers: Iterable[str],
    types: dict[str, str],
) -> dict[str, str]:
    """Stage the kept lines' values of the extra `headers` into the temp table `target` (line_no, customer_id, day,
    name, text, number, date_value); return each header's kind (number, date or text), in file order."""
    names = list(headers)
    if not names:
        return {}
    values = "\nunion all\n    ".join(
        f"select line_no, cast($n{i} as varchar) as name, "
        f"seg_text({text_expr(quote_ident(h), types.get(h, 'VARCHAR'))}) as text from {raw}"
        for i, h in enumerate(names)
    )
    day = "cast(p.order_date as date)" if kind == "sales" else "cast(null as date)"
    sql = _STAGE_SQL.format(
        target=target, parsed=parsed, values=values, day=day, is_number=_IS_NUMBER.replace("{v}", "v.text")
    )
    con.execute(sql, {f"n{i}": h for i, h in enumerate(names)})
    counts = {row[0]: row[1:] for row in con.execute(_KINDS_SQL.format(target=target)).fetchall()}
    kinds: dict[str, str] = {}
    for name in names:
        filled, not_number, not_date = counts.get(name, (0, 0, 0))
        kinds[name] = "number" if filled and not not_number else "date" if filled and not not_date else "text"
    return kinds


_ATTRIBUTES_SQL = """
with kinds as (
    select name,
           bool_and(kind = 'number') as all_numbers,
           bool_and(kind = 'date') as all_dates,
           sum(filled) as filled
    from extra_columns
    where dataset_id = $dataset_id
    group by name
),
final as (
    select name,
           case when all_numbers then 'number' when all_dates then 'date' else 'text' end as kind
    from kinds
    where filled > 0
)
select * from final order by name
"""


def extra_attributes(
    con: duckdb.DuckDBPyConnection, dataset_id: str, taken: Iterable[str] = ()
) -> list[ExtraAttribute]:
    """The dataset's attributes from extra columns (with a value somewhere), by name; a name in `taken` (a built-in
    field or column) gets the column `<name>_extra`."""
    if not has_table(con, "extra_columns"):
        return []
    clash = set(taken)
    rows = con.execute(_ATTRIBUTES_SQL, {"dataset_id": dataset_id}).fetchall()
    return [ExtraAttribute(name, kind, f"{name}_extra" if name in clash else name) for name, kind in rows]


_VALUES_SQL = """
create or replace temp table {target} as
with member_ids as (
    select customer_id from {candidates} where is_member
),
member_values as (
    select e.customer_id, e.name, e.text, e.number, e.date_value
    from extra_values as e
    join member_ids using (customer_id)
    where e.dataset_id = $dataset_id
      and e.source = 'members'
),
sales_values as (
    select customer_id, name, text, number, date_value, day, line_no
    from extra_values
    where dataset_id = $dataset_id
      and source = 'sales'
      and day <= $as_of
),
sales_texts as (
    select customer_id, name, text, count(*) as lines, max((day, line_no)) as latest
    from sales_values
    group by customer_id, name, text
),
sales_modes as (
    select customer_id, name, arg_max(text, (lines, latest, text)) as text
    from sales_texts
    group by customer_id, name
),
sales_sums as (
    select customer_id, name, sum(number) as number, max(date_value) as date_value
    from sales_values
    group by customer_id, name
),
sales_per_customer as (
    select customer_id, name, m.text, s.number, s.date_value
    from sales_sums as s
    join sales_modes as m using (customer_id, name)
),
per_customer as (
    select * from member_values
    union all by name
    select * from sales_per_customer
    where (customer_id, name) not in (select (customer_id, name) from member_values)
),
final as (
    select customer_id, {pivot}
    from per_customer
    group by customer_id
)
select * from final
"""

_VALUE_COLUMN = {"number": "number", "date": "date_value", "text": "text"}


def add_extra_columns(
    con: duckdb.DuckDBPyConnection, candidates: str, dataset_id: str, as_of: object, taken: Iterable[str]
) -> list[ExtraAttribute]:
    """Add one column per extra attribute of the dataset to the temp table `candidates` (one row per customer, with
    `is_member`), holding each customer's value as of `as_of`; return the attributes added."""
    attributes = extra_attributes(con, dataset_id, taken)
    if not attributes:
        return []
    pivot = ", ".join(
        f"max({_VALUE_COLUMN[a.kind]}) filter (where name = $n{i}) as {quote_ident(a.column)}"
        for i, a in enumerate(attributes)
    )
    values = f"{candidates}_extra_values"
    params: dict[str, object] = {"dataset_id": dataset_id, "as_of": as_of}
    params.update({f"n{i}": a.name for i, a in enumerate(attributes)})
    con.execute(_VALUES_SQL.format(target=values, candidates=quote_ident(candidates), pivot=pivot), params)
    columns = ", ".join(f"x.{quote_ident(a.column)}" for a in attributes)
    con.execute(
        f"create or replace temp table {quote_ident(candidates)} as "
        f"select c.*, {columns} from {quote_ident(candidates)} as c "
        f"left join {values} as x using (customer_id) order by c.customer_id"
    )
    con.execute(f"drop table if exists {values}")
    return attributes
