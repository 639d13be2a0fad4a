"""Customer facts: the per-customer measures behind every tier rule, with one contract and two builders.

The contract (`FACT_COLUMNS`), one row per (snapshot idx, customer): `idx` (0-based snapshot number), `customer_id`,
`is_present` (has a line on or before the snapshot date, or is a member who has joined), `is_member`,
`recency_days` and `tenure_days` (days since the last / first purchase; NULL without a purchase), `purchases` (all
purchases), `frequency` (purchases in the RFM lookback), `purchases_lifecycle` (in the lifecycle's loyal window),
`purchases_recent` (in the silent rule's recent window), `orders_w` (in the group window W), `first_w_age` (days since
the first purchase in W), `monetary` (net spend in the lookback), `spend_w` and `promo_spend_w` (net spend in W).

- `ONE_DATE_FACTS_CTES`: one date ($as_of, idx 0) from the orders as of that date (segcore.engine.orders); its rows
  also carry `customer_key` (segcore.engine.orders' customer_keys), which the one-date tier table sorts by. The
  aggregate groups integer keys only and names the customers after it: carrying the text id through the 4M-row
  aggregate cost 8% of the tier table's CPU at 10M lines.
- `segcore.engine.history.MANY_DATES_FACTS_CTES`: every snapshot date at once, by running totals of changes.
A property test checks that both give the same facts at every date.
"""

from __future__ import annotations

from segcore.engine.orders import ORDERS_AS_OF_CTES

__all__ = ["FACT_COLUMNS", "ONE_DATE_FACTS_CTES"]

FACT_COLUMNS = (
    "idx",
    "customer_id",
    "is_present",
    "is_member",
    "recency_days",
    "tenure_days",
    "purchases",
    "frequency",
    "purchases_lifecycle",
    "purchases_recent",
    "orders_w",
    "first_w_age",
    "monetary",
    "spend_w",
    "promo_spend_w",
)

ONE_DATE_FACTS_CTES = (
    ORDERS_AS_OF_CTES
    + """,
buyers as (
    select customer_key,
           min(age) filter (where is_purchase) as recency_days,
           max(age) filter (where is_purchase) as tenure_days,
           count(*) filter (where is_purchase) as purchases,
           count(*) filter (where is_purchase and age < $rfm_lookback_days) as frequency,
           count(*) filter (where is_purchase and age < $lifecycle_loyal_window_days) as purchases_lifecycle,
           count(*) filter (where is_purchase and age < $silent_recent_days) as purchases_recent,
           count(*) filter (where is_purchase and age < $groups_window_days) as orders_w,
           max(age) filter (where is_purchase and age < $groups_window_days) as first_w_age,
           sum(spend_l) as monetary,
           sum(spend_w) as spend_w,
           sum(promo_spend_w) as promo_spend_w
    from orders
    group by customer_key
),
members_in as (
    select distinct k.customer_key
    from members as m
    join customer_keys as k
        on k.dataset_id = m.dataset_id and k.customer_id = m.customer_id
    where m.dataset_id = $dataset_id
      and (m.join_date is null or m.join_date <= $as_of)
),
customers as (
    select 0 as idx,
           k.customer_key,
           k.customer_id,
           true as is_present,
           m.customer_key is not null as is_member,
           recency_days,
           tenure_days,
           coalesce(purchases, 0) as purchases,
           coalesce(frequency, 0) as frequency,
           coalesce(purchases_lifecycle, 0) as purchases_lifecycle,
           coalesce(purchases_recent, 0) as purchases_recent,
           coalesce(orders_w, 0) as orders_w,
           first_w_age,
           coalesce(monetary, 0) as monetary,
           coalesce(spend_w, 0) as spend_w,
           coalesce(promo_spend_w, 0) as promo_spend_w
    from buyers as b
    full join members_in as m
        on m.customer_key = b.customer_key
    join customer_keys as k
        on k.dataset_id = $dataset_id and k.customer_key = coalesce(b.customer_key, m.customer_key)
)"""
)
