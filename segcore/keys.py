"""Every key list of the product, defined once: schemes, segments, groups, lifecycles, channels, list words.

Each list is a tuple in the order users read it in (pickers, tables, charts); modules import it from here.
"""

from __future__ import annotations

__all__ = [
    "CAMPAIGN_GROUPS",
    "CAMPAIGN_GROUP_HEADERS",
    "CAMPAIGN_GROUP_WORDS",
    "CAMPAIGN_HEADERS_ZH",
    "CAMPAIGN_ID_HEADERS",
    "CAMPAIGN_TIER_HEADERS",
    "CHANNELS",
    "CN8_SEGMENTS",
    "DEFAULT_TIER_ORDER",
    "GROUP_KEYS",
    "LIFECYCLES",
    "LIST_FILE_TYPES",
    "RFM_SEGMENTS",
    "SCHEMES",
    "SCHEME_COLUMNS",
    "SEGMENT_COLUMNS",
    "SEGMENT_KEY_COLUMNS",
    "TIER_KEYS",
]

# The member groups, in the order of the spec's table (also the order of `groups` in the tier table).
GROUP_KEYS = ("high_spend", "high_ticket", "loyal", "promo_frequent", "promo_chaser", "silent", "sleeping")
# The default headline-tier order: a customer's tier is the first group, in this order, that they are in.
DEFAULT_TIER_ORDER = ("high_spend", "high_ticket", "loyal", "promo_frequent", "silent", "sleeping", "promo_chaser")
# Every headline tier: the default tier order, then the two catch-alls.
TIER_KEYS = (*DEFAULT_TIER_ORDER, "regular", "potential")
# RFM segments, in the spec's reading order (best first).
RFM_SEGMENTS = (
    "champions",
    "loyal_customers",
    "potential_loyalists",
    "new_customers",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
)
# The eight Chinese RFM value segments, in the spec's reading order (important first).
CN8_SEGMENTS = (
    "important_value",
    "important_develop",
    "important_keep",
    "important_winback",
    "general_value",
    "general_develop",
    "general_keep",
    "general_winback",
)
# Lifecycle stages, in the spec's order (also the engine's code order: position + 1 is the stored code).
LIFECYCLES = ("potential", "new", "churned", "at_risk", "loyal", "active")

# The segment page's schemes, in the order of its picker.
SCHEMES = ("tier", "groups", "lifecycle", "rfm", "cn8")
# Scheme key -> tier-table column ("groups" is special: a customer can be in several).
SCHEME_COLUMNS = dict(zip(SCHEMES, ("tier", "groups", "lifecycle", "rfm_segment", "cn8_segment"), strict=True))
# The tier-table columns holding one segment key per customer (the migration page's schemes, besides group:<key>).
SEGMENT_KEY_COLUMNS = ("tier", "lifecycle", "rfm_segment", "cn8_segment")
# The tier-table columns a campaign list keeps per customer, in the campaign_members table's column order.
SEGMENT_COLUMNS = (*SEGMENT_KEY_COLUMNS, "groups")

# Contact channels, in picker order: sms first, the default channel of a new list (see docs/DECISIONS.md).
CHANNELS = ("sms", "wechat", "phone", "store")

# The two groups of a campaign list, treatment first.
CAMPAIGN_GROUPS = ("treatment", "control")
# Words a campaign list may use for its groups (besides the catalog's words for them), per group.
CAMPAIGN_GROUP_WORDS = {
    "treatment": ("treatment", "t", "test", "send", "实验组", "发送组", "处理组"),
    "control": ("control", "c", "holdout", "hold-out", "对照组", "控制组", "不发送"),
}
# Column headers a campaign list may use: for the customer id, the group and the tier (catalog keys are expanded).
CAMPAIGN_ID_HEADERS = ("customer_id", "export.col.customer_id")
CAMPAIGN_GROUP_HEADERS = ("group", "组别", "分组", "组", "arm", "export.col.group")
CAMPAIGN_TIER_HEADERS = ("tier", "分层", "export.col.tier")
# The demo campaign file's headers (customer id, group, tier), as the demo store's systems write them.
CAMPAIGN_HEADERS_ZH = ("会员卡号", "组别", "分层")
# File types an uploaded customer list (campaign list, manual exclusion list) may have, in uploader order.
LIST_FILE_TYPES = ("csv", "txt", "tsv", "xlsx")
