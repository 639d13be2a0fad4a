"""The workspace's tables: one DDL, used by the workspace file, the CLI's in-memory runs and the tests."""

from __future__ import annotations

import duckdb

__all__ = ["MEMBER_COLUMNS", "SALES_COLUMNS", "create_campaign_tables", "create_tables"]

SALES_COLUMNS = (
    "customer_id",
    "order_id",
    "order_date",
    "amount",
    "is_promo",
    "quantity",
    "unit_price",
    "store",
    "category",
    "product",
    "channel",
)
MEMBER_COLUMNS = (
    "customer_id",
    "name",
    "phone",
    "gender",
    "birthday",
    "join_date",
    "store",
    "points",
    "wechat",
    "sms",
    "email",
)

_DDL = """
create table if not exists datasets (
    dataset_id varchar primary key,
    name varchar not null,
    created_at timestamp not null,
    is_demo boolean not null default false
);
create table if not exists loads (
    load_id varchar not null,
    dataset_id varchar not null,
    kind varchar not null,
    file_name varchar not null,
    mapping json,
    rows_read bigint,
    rows_kept bigint,
    rows_rejected bigint,
    loaded_at timestamp not null
);
create table if not exists sales (
    dataset_id varchar not null,
    load_id varchar not null,
    line_no bigint not null,
    customer_id varchar not null,
    order_id varchar,
    order_date timestamp not null,
    amount decimal(18, 2) not null,
    is_promo boolean,
    quantity double,
    unit_price double,
    store varchar,
    category varchar,
    product varchar,
    channel varchar
);
-- every customer of a dataset (sales lines and members) numbered in customer_id order, rebuilt with every load:
-- the tier rules group and sort by this integer instead of the text id (segcore.engine.orders)
create table if not exists customer_keys (
    dataset_id varchar not null,
    customer_key integer not null,
    customer_id varchar not null
);
-- the sales lines summed per order and day (segcore.engine.orders), rebuilt with every load of the dataset
create table if not exists order_days (
    dataset_id varchar not null,
    customer_key integer not null,
    customer_id varchar not null,
    order_id varchar,
    day date not null,
    is_single_day boolean not null,
    amount decimal(18, 2) not null,
    promo_amount decimal(18, 2) not null
);
-- the states of a migration, kept until the data, rules, dates or scheme change (segcore.engine.history)
create table if not exists migration_cache (
    dataset_id varchar not null,
    key varchar not null,
    snapshot_date date not null,
    customer_id varchar not null,
    state varchar not null
);
create table if not exists migration_cache_keys (
    dataset_id varchar not null,
    key varchar not null,
    seq bigint not null  -- 1, 2, ... per dataset: the newest states are kept
);
create table if not exists members (
    dataset_id varchar not null,
    load_id varchar not null,
    customer_id varchar not null,
    name varchar,
    phone varchar,
    gender varchar,
    birthday date,
    join_date date,
    store varchar,
    points double,
    wechat boolean,
    sms boolean,
    email boolean,
    extra json
);
-- the extra columns of each load (any column the mapping does not name), typed by what they hold, and their kept
-- values (segcore.attributes): one row per line (sales) or member and column, for the filled values only
create table if not exists extra_columns (
    dataset_id varchar not null,
    load_id varchar not null,
    source varchar not null,
    name varchar not null,
    kind varchar not null,
    filled bigint not null
);
create table if not exists extra_values (
    dataset_id varchar not null,
    load_id varchar not null,
    source varchar not null,
    line_no bigint not null,
    customer_id varchar not null,
    day date,
    name varchar not null,
    text varchar not null,
    number double,
    date_value date
);
create table if not exists settings (
    key varchar primary key,
    value varchar not null
);
create table if not exists playbook (
    scheme varchar not null,
    segment varchar not null,
    action varchar,
    channel varchar,
    primary key (scheme, segment)
);
create table if not exists rejects (
    dataset_id varchar not null,
    load_id varchar not null,
    line_no bigint not null,
    reason varchar not null,
    raw json
);
"""


_ORDER_DAYS_WITHOUT_KEY_SQL = """
select exists (
    select 1 from duckdb_tables() where database_name = current_database() and table_name = 'order_days'
) and not exists (
    select 1 from duckdb_columns()
    where database_name = current_database() and table_name = 'order_days' and column_name = 'customer_key'
)
"""

_DATASETS_WITH_ROWS_SQL = """
select dataset_id from sales
union
select dataset_id from members
order by dataset_id
"""


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every workspace table that does not exist yet; a workspace written before customer_keys gets its
    order days rebuilt with their keys (once, when it is first opened for writing)."""
    row = con.execute(_ORDER_DAYS_WITHOUT_KEY_SQL).fetchone()
    if row and row[0]:
        from segcore.engine.orders import build_order_days

        con.execute("begin transaction")
        try:
            con.execute("drop table order_days")
            con.execute(_DDL)
            for (dataset_id,) in con.execute(_DATASETS_WITH_ROWS_SQL).fetchall():
                build_order_days(con, dataset_id)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    con.execute(_DDL)
    create_prepared_tables(con)


# The campaign registry: created with the workspace file, and on first save in a connection made without it.
_CAMPAIGN_DDL = """
create table if not exists campaigns (
    campaign_id varchar primary key,
    dataset_id varchar not null,
    name varchar not null,
    channel varchar not null,
    start_date date not null,
    end_date date not null,
    holdout_share double not null,
    seed bigint not null,
    as_of date,
    rules json not null,
    exclusions json not null,
    config_toml varchar,
    config_hash varchar,
    mask_phone boolean not null,
    source varchar not null,
    warnings json not null,
    created_at timestamp not null
);
create table if not exists campaign_members (
    campaign_id varchar not null,
    customer_id varchar not null,
    "group" varchar not null,
    tier varchar,
    lifecycle varchar,
    rfm_segment varchar,
    cn8_segment varchar,
    groups varchar,
    primary key (campaign_id, customer_id)
);
"""


def create_campaign_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the campaign registry's tables (campaigns, campaign_members) if they do not exist yet."""
    con.execute(_CAMPAIGN_DDL)


# The tier table's columns (segcore.engine.one_date.TIER_COLUMNS) as stored: its five text columns coded as
# tinyint (prepared_tiers) or spelled out as varchar (imported_tiers).
_TIER_COLUMNS_DDL = """
    customer_id varchar,
    recency_days integer,
    frequency bigint,
    monetary decimal(38, 2),
    r_score bigint,
    f_score bigint,
    m_score bigint,
    rfm_segment {text},
    cn8_segment {text},
    lifecycle {text},
    groups {text},
    tier {text},
    high_spend boolean,
    high_ticket boolean,
    loyal boolean,
    promo_frequent boolean,
    promo_chaser boolean,
    silent boolean,
    sleeping boolean,
    first_purchase date,
    last_purchase date,
    spend_w decimal(38, 2),
    orders_w bigint,
    aov_w decimal(18, 2),
    promo_spend_w decimal(38, 2)
"""

# issue 11, C: what the pages' first visits need, prepared after a load (segcore/prepared.py). A tier table as of
# one date is kept coded (the tier table's own columns, text columns as codes) under a key that hashes everything
# it depends on (dataset, as-of date, rules, the dataset's loads, the rules SQL); prepared_keys lists the keys of
# a dataset's prepared set (the newest set replaces the older). prepared_views keeps a page's default view the same
# way (segcore/stored_views.py): its frames as Arrow IPC and a JSON document, one row per part.
_PREPARED_DDL = """
create table if not exists prepared_keys (
    dataset_id varchar not null,
    key varchar not null,
    as_of date not null,
    prepared_at timestamp not null
);
create table if not exists prepared_tiers (
    dataset_id varchar not null,
    key varchar not null,{tier_columns});
create table if not exists prepared_views (
    dataset_id varchar not null,
    key varchar not null,
    part varchar not null,
    payload blob not null
);
"""


def create_prepared_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the prepared tables (prepared_keys, prepared_tiers, prepared_views) if they do not exist yet."""
    con.execute(_PREPARED_DDL.replace("{tier_columns}", _TIER_COLUMNS_DDL.format(text="tinyint")))
    con.execute(_FORECAST_DDL)
    con.execute(EXPORT_LOG_DDL)
    con.execute(IMPORTED_TIERS_DDL.replace("{tier_columns}", _TIER_COLUMNS_DDL.format(text="varchar")))


# issue 14: tier tables computed elsewhere (`tiers --engine spark --out F.parquet`), loaded as a dataset's tiers,
# one per (dataset, as-of date), with where they came from.
IMPORTED_TIERS_DDL = """
create table if not exists imported_tier_files (
    dataset_id varchar not null,
    as_of date not null,
    file_name varchar not null,
    engine varchar,
    spark_remote varchar,
    sources varchar,
    rules varchar,
    customers bigint not null,
    written_at varchar,
    loaded_at timestamp not null,
    loaded_by varchar not null
);
create table if not exists imported_tiers (
    dataset_id varchar not null,
    as_of date not null,{tier_columns});
"""


# issue 13: a forecast (segcore/forecast/store.py) kept per dataset, as-of date, horizon and discount, under a key
# that also hashes the dataset's loads: its fit, accuracy check and warnings as JSON, and one row per customer.
_FORECAST_DDL = """
create table if not exists forecast_runs (
    dataset_id varchar not null,
    key varchar not null,
    as_of date not null,
    horizon_days integer not null,
    annual_discount double not null,
    fit json not null,
    accuracy json,
    computed_at timestamp not null
);
create table if not exists forecast_scores (
    dataset_id varchar not null,
    key varchar not null,
    customer_id varchar,
    x integer,
    t_x double,
    "T" double,
    m_x double,
    p_alive double,
    expected_purchases double,
    expected_spend double,
    clv double
);
"""


# issue 15: every export of customer data, from the app or the command line, kept even when its dataset is deleted.
EXPORT_LOG_DDL = """
create table if not exists export_log (
    exported_at timestamp not null,
    user_name varchar not null,
    role varchar not null,
    via varchar not null,
    dataset_id varchar,
    kind varchar not null,
    subject varchar,
    file_name varchar not null,
    rows bigint not null,
    phones varchar not null,
    names varchar not null
);
"""
