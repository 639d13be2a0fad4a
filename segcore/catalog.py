"""The one zh/en catalog of every user-facing string: UI labels, messages, errors, tier names."""

from __future__ import annotations

from typing import Any

__all__ = ["CATALOG", "LANGS", "text"]

LANGS = ("zh", "en")

CATALOG: dict[str, dict[str, str]] = {
    # navigation and sidebar
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.data": {"en": "Data", "zh": "数据"},
    "sidebar.dataset": {"en": "Dataset", "zh": "数据集"},
    "sidebar.as_of": {"en": "As of", "zh": "截止日期"},
    "sidebar.language": {"en": "Language", "zh": "语言"},
    "sidebar.no_data": {"en": "No data yet: upload on the Data page.", "zh": "还没有数据：请在「数据」页上传。"},
    "sidebar.data_range": {"en": "Data from {first} to {last}", "zh": "数据范围：{first} 至  \n{last}"},
    # first start
    "demo.loading": {"en": "Setting up the demo store…", "zh": "正在准备演示门店…"},
    "demo.loaded": {"en": "Demo store ready", "zh": "演示门店已就绪"},
    "stage.demo_generating": {"en": "generating the demo store's sales", "zh": "生成演示门店的销售数据"},
    "stage.demo_loading_sales": {"en": "loading the demo sales", "zh": "载入演示销售数据"},
    "stage.demo_loading_members": {"en": "loading the demo members", "zh": "载入演示会员数据"},
    "stage.demo_campaign": {"en": "recording the demo's past campaign", "zh": "记录演示门店的历史营销活动"},
    "stage.hashing": {"en": "checking the file", "zh": "检查文件"},
    "stage.reading": {"en": "reading", "zh": "读取"},
    "stage.parsing": {"en": "parsing dates and amounts", "zh": "解析日期和金额"},
    "stage.writing": {"en": "saving to the workspace", "zh": "保存到工作区"},
    "stage.attributes": {"en": "keeping the other columns as attributes", "zh": "保存其他列为客户属性"},
    "stage.done": {"en": "done", "zh": "完成"},
    # overview
    "overview.title": {"en": "Your store at a glance", "zh": "门店总览"},
    "overview.no_data": {
        "en": "There is no data yet. Upload your sales on the Data page.",
        "zh": "还没有数据。请在「数据」页上传销售数据。",
    },
    "overview.demo_banner": {
        "en": "This is a demo store with made-up customers, so you can try every page. "
        "To see your own customers, upload your sales export on the Data page (in the menu on the left).",
        "zh": "这是一个演示门店，顾客均为虚构数据，方便您试用每个页面。"
        "要查看您自己的顾客，请在「数据」页（左侧菜单）上传销售导出文件。",
    },
    "overview.as_of": {"en": "Figures as of {day}", "zh": "数据截至 {day}"},
    "overview.monthly_revenue": {"en": "Net revenue by month", "zh": "月度净销售额"},
    "kpi.customers": {"en": "Customers (ever bought)", "zh": "累计消费顾客"},
    "kpi.active_customers": {"en": "Active (last 12 months)", "zh": "近12个月活跃"},
    "kpi.members": {"en": "Members", "zh": "会员数"},
    "kpi.revenue_12m": {"en": "Revenue, last 12 months", "zh": "近12个月销售额"},
    "kpi.purchases_12m": {"en": "Purchases, last 12 months", "zh": "近12个月消费笔数"},
    "chart.full_price": {"en": "Full price", "zh": "正价"},
    "chart.promo": {"en": "Promotion", "zh": "促销"},
    "chart.revenue_in": {"en": "Net revenue ({sign})", "zh": "净销售额（{sign}）"},
    "chart.revenue": {"en": "Net revenue", "zh": "净销售额"},
    # data page
    "data.title": {"en": "Data", "zh": "数据"},
    "data.intro": {
        "en": "Upload sales exports (CSV in UTF-8 or GBK, Excel, Parquet) and a members list. "
        "Columns are recognised from Chinese or English headers; check the mapping before loading.",
        "zh": "上传销售导出文件（UTF-8 或 GBK 编码的 CSV、Excel、Parquet）和会员名单。"
        "系统会根据中英文表头识别各列，载入前请确认对应关系。",
    },
    "data.target": {"en": "Load into dataset", "zh": "载入到数据集"},
    "data.new_dataset": {"en": "+ New dataset…", "zh": "+ 新建数据集…"},
    "data.new_name": {"en": "Name of the new dataset", "zh": "新数据集名称"},
    "data.new_name_hint": {"en": "e.g. my-store-2026", "zh": "例如：上海旗舰店2026"},
    "data.sales_files": {"en": "Sales files (one or more)", "zh": "销售数据文件（可多选）"},
    "data.members_file": {"en": "Members file (optional)", "zh": "会员名单文件（可选）"},
    "data.kind.sales": {"en": "Sales", "zh": "销售"},
    "data.kind.members": {"en": "Members", "zh": "会员"},
    "data.sheet": {"en": "Sheet", "zh": "工作表"},
    "data.preview_rows": {"en": "{n} rows. First rows:", "zh": "共 {n} 行。前几行："},
    "data.confirm_mapping": {
        "en": "**Which column is which?** We guessed from the headers; correct anything that is wrong (* = required).",
        "zh": "**请确认各列含义。** 已根据表头自动识别，如有错误请更正（* 为必填）。",
    },
    "data.load": {"en": "Load files", "zh": "载入文件"},
    "data.loading": {"en": "Loading…", "zh": "正在载入…"},
    "data.loaded": {"en": "{n} file(s) loaded", "zh": "已载入 {n} 个文件"},
    "data.already_loaded": {
        "en": "{file} was already loaded into {dataset}: nothing was added twice.",
        "zh": "{file} 之前已载入 {dataset}，未重复添加。",
    },
    "data.quality_report": {"en": "Quality report", "zh": "数据质量报告"},
    "data.datasets": {"en": "Datasets", "zh": "数据集"},
    "data.delete_which": {"en": "Delete a dataset", "zh": "删除数据集"},
    "data.delete_confirm": {
        "en": "Delete {dataset} and everything loaded into it? This cannot be undone.",
        "zh": "确定删除 {dataset} 及其全部数据吗？此操作无法撤销。",
    },
    "data.delete": {"en": "Yes, delete it", "zh": "确认删除"},
    "datasets.name": {"en": "Dataset", "zh": "数据集"},
    "datasets.demo": {"en": "demo", "zh": "演示"},
    "datasets.lines": {"en": "Sales lines", "zh": "销售行数"},
    "datasets.customers": {"en": "Customers (any sales line)", "zh": "顾客数（有销售行）"},
    "datasets.members": {"en": "Members", "zh": "会员数"},
    "datasets.range": {"en": "Dates", "zh": "日期范围"},
    "datasets.files": {"en": "Files", "zh": "文件数"},
    "datasets.rejected": {"en": "Rejected lines", "zh": "拒收行数"},
    "report.rows_read": {"en": "Rows read", "zh": "读取行数"},
    "report.rows_kept": {"en": "Rows kept", "zh": "保留行数"},
    "report.rows_rejected": {"en": "Rows rejected", "zh": "拒收行数"},
    "report.customers": {"en": "Customers (any sales line)", "zh": "顾客数（有销售行）"},
    "report.encoding": {"en": "encoding {encoding}", "zh": "编码 {encoding}"},
    "report.range": {"en": "dates {first} – {last}", "zh": "日期 {first} 至 {last}"},
    "report.refunds": {"en": "{n} refund lines", "zh": "退款行 {n}"},
    "report.duplicates": {"en": "{n} exact duplicate lines (kept)", "zh": "完全重复行 {n}（已保留）"},
    "report.total": {"en": "net total {amount}", "zh": "净额合计 {amount}"},
    "report.rejected_because": {"en": "{n} rows rejected: {reason}", "zh": "{n} 行被拒收：{reason}"},
    # tier keys (tier and member groups share their keys)
    "tier.high_spend": {"en": "High spend (VIP)", "zh": "高消费总额会员"},
    "tier.high_ticket": {"en": "High ticket", "zh": "高单价会员"},
    "tier.loyal": {"en": "Loyal", "zh": "高忠诚度会员"},
    "tier.promo_frequent": {"en": "Promo frequent", "zh": "低价高频次会员"},
    "tier.promo_chaser": {"en": "Promo chaser (blacklist)", "zh": "低价低频次会员（促销黑名单）"},
    "tier.silent": {"en": "Silent", "zh": "沉默会员"},
    "tier.sleeping": {"en": "Sleeping", "zh": "睡眠会员"},
    "tier.regular": {"en": "Regular", "zh": "普通会员"},
    "tier.potential": {"en": "Potential (never bought)", "zh": "潜在客户"},
    "lifecycle.potential": {"en": "Potential", "zh": "潜在客户"},
    "lifecycle.new": {"en": "New", "zh": "新客户"},
    "lifecycle.churned": {"en": "Churned", "zh": "流失客户"},
    "lifecycle.at_risk": {"en": "At risk", "zh": "预流失客户"},
    "lifecycle.loyal": {"en": "Loyal", "zh": "忠实客户"},
    "lifecycle.active": {"en": "Active", "zh": "活跃客户"},
    "rfm.champions": {"en": "Champions", "zh": "冠军客户"},
    "rfm.loyal_customers": {"en": "Loyal customers", "zh": "忠诚客户"},
    "rfm.potential_loyalists": {"en": "Potential loyalists", "zh": "潜在忠诚客户"},
    "rfm.new_customers": {"en": "New customers", "zh": "新客户"},
    "rfm.promising": {"en": "Promising", "zh": "有潜力客户"},
    "rfm.need_attention": {"en": "Need attention", "zh": "需要关注"},
    "rfm.about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡"},
    "rfm.at_risk": {"en": "At risk", "zh": "有流失风险"},
    "rfm.cannot_lose": {"en": "Cannot lose them", "zh": "不能失去"},
    "rfm.hibernating": {"en": "Hibernating", "zh": "休眠客户"},
    "cn8.important_value": {"en": "Important value", "zh": "重要价值客户"},
    "cn8.important_develop": {"en": "Important to develop", "zh": "重要发展客户"},
    "cn8.important_keep": {"en": "Important to keep", "zh": "重要保持客户"},
    "cn8.important_winback": {"en": "Important to win back", "zh": "重要挽留客户"},
    "cn8.general_value": {"en": "General value", "zh": "一般价值客户"},
    "cn8.general_develop": {"en": "General to develop", "zh": "一般发展客户"},
    "cn8.general_keep": {"en": "General to keep", "zh": "一般保持客户"},
    "cn8.general_winback": {"en": "General to win back", "zh": "一般挽留客户"},
    "scheme.tier": {"en": "Tier", "zh": "会员分层"},
    "scheme.groups": {"en": "Member groups", "zh": "会员分组"},
    "scheme.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "scheme.rfm": {"en": "RFM grid", "zh": "RFM 网格"},
    "scheme.cn8": {"en": "Chinese 8-class RFM", "zh": "中国八类 RFM"},
    "channel.wechat": {"en": "WeChat", "zh": "微信"},
    "channel.sms": {"en": "SMS", "zh": "短信"},
    "channel.phone": {"en": "Phone", "zh": "电话"},
    "channel.store": {"en": "In store", "zh": "到店"},
    # playbook defaults (from the seed material)
    "play.tier.high_spend": {
        "en": "Exclusive service, priority booking, birthday gifts",
        "zh": "专属服务、优先预约、生日礼遇",
    },
    "play.tier.high_ticket": {"en": "Personal service, no discounts", "zh": "一对一专属服务，不打折"},
    "play.tier.loyal": {"en": "New products first, off-season bundles", "zh": "新品优先体验、淡季组合套餐"},
    "play.tier.promo_frequent": {"en": "Bundles and member-day offers", "zh": "组合优惠、会员日活动"},
    "play.tier.silent": {"en": "Care message and a win-back offer", "zh": "关怀问候并发送唤醒优惠"},
    "play.tier.sleeping": {"en": "Care message and a strong win-back offer", "zh": "关怀问候并发送力度较大的召回优惠"},
    "play.tier.promo_chaser": {"en": "Leave out of promotions", "zh": "不参与促销活动（促销黑名单）"},
    "play.tier.regular": {"en": "Regular newsletter, invite to join events", "zh": "常规资讯推送、邀请参加活动"},
    "play.tier.potential": {"en": "First-purchase welcome offer", "zh": "首单欢迎礼"},
    "play.lifecycle.potential": {"en": "First-purchase welcome offer", "zh": "首单欢迎礼"},
    "play.lifecycle.new": {"en": "Second-visit offer", "zh": "二次到店优惠"},
    "play.lifecycle.active": {"en": "Keep in touch, recommend by past purchases", "zh": "保持联系，按购买偏好推荐"},
    "play.lifecycle.loyal": {"en": "New products first, off-season bundles", "zh": "新品优先体验、淡季组合套餐"},
    "play.lifecycle.at_risk": {"en": "Personal call and a win-back offer", "zh": "电话关怀并发送挽回优惠"},
    "play.lifecycle.churned": {
        "en": "Care message and a strong win-back offer",
        "zh": "关怀问候并发送力度较大的召回优惠",
    },
    # segments page
    "nav.segments": {"en": "Segments", "zh": "顾客分层"},
    "nav.tier_rules": {"en": "Tier rules", "zh": "分层规则"},
    "seg.title": {"en": "Customer segments", "zh": "顾客分层"},
    "seg.scheme": {"en": "Scheme", "zh": "分层方式"},
    "seg.as_of": {"en": "As of {day}, compared with {before}", "zh": "截至 {day}，对比 {before}"},
    "seg.no_promo": {
        "en": "This dataset has no promotion column, so the two promo groups cannot be computed "
        "(shown as unavailable).",
        "zh": "该数据集没有促销字段，无法计算两个促销分组（显示为不可用）。",
    },
    "seg.segment": {"en": "Segment", "zh": "分层"},
    "seg.customers": {"en": "Customers", "zh": "顾客数"},
    "seg.share": {"en": "Share", "zh": "占比"},
    "seg.revenue_12m": {"en": "Revenue, 12 months", "zh": "近12个月销售额"},
    "seg.revenue_share": {"en": "Revenue share", "zh": "销售额占比"},
    "seg.avg_spend": {"en": "Average spend", "zh": "人均消费"},
    "seg.change": {"en": "Change vs 30 days ago", "zh": "较30天前变化"},
    "seg.sizes": {"en": "Segment sizes", "zh": "各分层人数"},
    "seg.groups_note": {
        "en": "A customer can be in several member groups, so shares add up to more than 100%.",
        "zh": "一位顾客可同时属于多个会员分组，因此占比合计可能超过 100%。",
    },
    "seg.heatmap": {
        "en": "Recency × frequency: customers and average spend per cell",
        "zh": "最近消费 × 消费频次：每格人数与平均消费额",
    },
    "seg.r_score": {"en": "Recency score (5 = most recent)", "zh": "最近消费得分（5 = 最近）"},
    "seg.f_score": {"en": "Frequency score (5 = most often)", "zh": "消费频次得分（5 = 最频繁）"},
    "seg.overlap": {"en": "Customers in two groups at once", "zh": "同时属于两个分组的顾客数"},
    "seg.drill": {"en": "Customers of a segment", "zh": "查看分层顾客"},
    "seg.pick_segment": {"en": "Segment", "zh": "分层"},
    "seg.search": {"en": "Search by customer ID", "zh": "按会员号搜索"},
    "seg.pick_customer": {"en": "Open a customer", "zh": "查看顾客详情"},
    "seg.customer_title": {"en": "Customer {customer}", "zh": "顾客 {customer}"},
    "seg.computing_history": {"en": "Working out the tier at each month-end…", "zh": "正在计算每月末的分层…"},
    "seg.purchases_12m": {"en": "Purchases in the last 12 months", "zh": "近12个月消费记录"},
    "seg.tier_history": {"en": "Tier at each month-end", "zh": "每月末所在分层"},
    "seg.no_purchases": {"en": "No purchases in the last 12 months.", "zh": "近12个月没有消费。"},
    "seg.playbook": {"en": "Playbook: what to do with each segment", "zh": "运营手册：各分层的建议动作"},
    "seg.playbook_hint": {
        "en": "Edit the actions and channels for your team; changes are saved in the workspace.",
        "zh": "可按团队实际情况修改建议动作和渠道，修改会保存在工作区。",
    },
    "seg.action": {"en": "Recommended action", "zh": "建议动作"},
    "seg.channel": {"en": "Channel", "zh": "渠道"},
    "seg.save_playbook": {"en": "Save playbook", "zh": "保存运营手册"},
    "seg.saved": {"en": "Saved.", "zh": "已保存。"},
    "seg.unavailable": {"en": "unavailable", "zh": "不可用"},
    "seg.col.recency_days": {"en": "Days since last purchase", "zh": "距上次消费天数"},
    "seg.col.frequency": {"en": "Purchases (2 years)", "zh": "消费次数（2年）"},
    "seg.col.monetary": {"en": "Spend (2 years)", "zh": "消费金额（2年）"},
    "seg.col.spend_w": {"en": "Spend (12 months)", "zh": "消费金额（12个月）"},
    "seg.col.tier": {"en": "Tier", "zh": "分层"},
    "seg.col.last_purchase": {"en": "Last purchase", "zh": "最近消费日"},
    # thresholds editor
    "set.title": {"en": "Tier rules", "zh": "分层规则"},
    "set.intro": {
        "en": "Every threshold of the tier rules. The defaults follow the product spec; change them to fit your store.",
        "zh": "分层规则的全部阈值。默认值遵循产品规范，可按门店实际情况调整。",
    },
    "set.save": {"en": "Apply and save", "zh": "应用并保存"},
    "set.restore": {"en": "Restore the defaults", "zh": "恢复默认值"},
    "set.moved": {
        "en": "{n} customers changed tier because of this change (as of {day}).",
        "zh": "本次修改使 {n} 位顾客的分层发生变化（截至 {day}）。",
    },
    "set.invalid": {"en": "Fix the values marked above first.", "zh": "请先修正上方标出的数值。"},
    "set.problem.share_out_of_range": {
        "en": "must be more than 0% and at most 100%",
        "zh": "必须大于 0% 且不超过 100%",
    },
    "set.problem.not_positive": {"en": "must be greater than 0", "zh": "必须大于 0"},
    "set.problem.too_small": {"en": "is too small", "zh": "数值过小"},
    "set.problem.not_finite": {"en": "must be a number", "zh": "必须是数字"},
    "set.problem.wrong_type": {"en": "has the wrong type", "zh": "类型不正确"},
    "set.problem.not_a_permutation": {"en": "must list each group exactly once", "zh": "必须恰好包含每个分组一次"},
    "set.section.rfm": {"en": "RFM", "zh": "RFM"},
    "set.section.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "set.section.groups": {"en": "Member groups", "zh": "会员分组"},
    "cfg.rfm_lookback_days": {"en": "RFM lookback (days)", "zh": "RFM 回溯期（天）"},
    "cfg.rfm_bins": {"en": "Score levels (k)", "zh": "评分等级数（k）"},
    "cfg.lifecycle_new_days": {"en": "New: first purchase within (days)", "zh": "新客户：首购距今不超过（天）"},
    "cfg.lifecycle_churned_days": {
        "en": "Churned: no purchase for more than (days)",
        "zh": "流失客户：未消费超过（天）",
    },
    "cfg.lifecycle_at_risk_days": {
        "en": "At risk: no purchase for more than (days)",
        "zh": "预流失客户：未消费超过（天）",
    },
    "cfg.lifecycle_loyal_purchases": {"en": "Loyal: at least this many purchases", "zh": "忠实客户：消费次数至少"},
    "cfg.lifecycle_loyal_window_days": {"en": "Loyal: within (days)", "zh": "忠实客户：统计期（天）"},
    "cfg.groups_window_days": {"en": "Group window W (days)", "zh": "分组统计期 W（天）"},
    "cfg.high_spend_share": {"en": "High spend: top share by spend", "zh": "高消费：消费额前百分比"},
    "cfg.high_ticket_factor": {"en": "High ticket: order value × average", "zh": "高单价：客单价为平均值的倍数"},
    "cfg.loyal_share": {"en": "Loyal: top share by spend", "zh": "高忠诚：消费额前百分比"},
    "cfg.loyal_min_orders": {"en": "Loyal: at least this many purchases", "zh": "高忠诚：消费次数至少"},
    "cfg.loyal_max_recency_days": {"en": "Loyal: last purchase within (days)", "zh": "高忠诚：最近消费不超过（天）"},
    "cfg.loyal_max_gap_days": {"en": "Loyal: mean gap at most (days)", "zh": "高忠诚：平均消费间隔不超过（天）"},
    "cfg.promo_frequent_share": {
        "en": "Promo frequent: top share by promo spend",
        "zh": "低价高频：促销消费额前百分比",
    },
    "cfg.promo_chaser_share": {"en": "Promo chaser: bottom share by promo spend", "zh": "低价低频：促销消费额后百分比"},
    "cfg.promo_chaser_min_promo_share": {
        "en": "Promo chaser: promo share of spend at least",
        "zh": "低价低频：促销消费占比至少",
    },
    "cfg.silent_recent_days": {"en": "Silent: recent window (days)", "zh": "沉默：近期窗口（天）"},
    "cfg.silent_ratio": {
        "en": "Silent: recent purchases below this ratio of the usual pace",
        "zh": "沉默：近期消费低于平时节奏的比例",
    },
    "cfg.silent_min_tenure_days": {"en": "Silent: customer for at least (days)", "zh": "沉默：成为顾客至少（天）"},
    "cfg.sleeping_days": {"en": "Sleeping: no purchase for more than (days)", "zh": "睡眠：未消费超过（天）"},
    "cfg.tier_order": {"en": "Tier order", "zh": "分层优先顺序"},
    "set.tier_order": {"en": "Tier order (first group wins)", "zh": "分层优先顺序（先满足者优先）"},
    # campaigns page
    "nav.campaigns": {"en": "Campaigns", "zh": "营销活动"},
    "camp.title": {"en": "Campaigns and what they earned", "zh": "营销活动效果"},
    "camp.none": {
        "en": "No campaigns yet. Save a target list on the Targets page, or import a list below.",
        "zh": "还没有营销活动。请在「目标名单」页保存名单，或在下方导入名单。",
    },
    "camp.pick": {"en": "Campaign", "zh": "营销活动"},
    "camp.winsorize": {"en": "Cap extreme spenders (99.9th percentile)", "zh": "截尾处理极端消费（99.9 百分位）"},
    "camp.winsorize_help": {
        "en": "One very large purchase can swing revenue; capping both groups at one cut point steadies the estimate.",
        "zh": "个别大额消费会大幅影响收入；对两组采用同一截尾点可使估计更稳定。",
    },
    "camp.not_started": {
        "en": "This campaign starts on {start}: nothing to measure yet.",
        "zh": "该活动将于 {start} 开始，暂无数据。",
    },
    "camp.interim": {
        "en": "Interim figures: measured up to {day}; the campaign runs until {end}.",
        "zh": "阶段性结果：统计至 {day}，活动持续到 {end}。",
    },
    "camp.sizes": {
        "en": "{n_t} customers got the offer; {n_c} were held out at random.",
        "zh": "{n_t} 位顾客收到优惠；{n_c} 位被随机留作对照组。",
    },
    "camp.srm": {
        "en": "Warning: {observed} of the list is in the control group, but {intended} was intended. "
        "The split is not what was planned, so these results are suspect.",
        "zh": "警告：对照组占名单的 {observed}，而计划为 {intended}。分组与计划不符，结果可能不可靠。",
    },
    "camp.treatment": {"en": "Got the offer", "zh": "实验组（收到优惠）"},
    "camp.control": {"en": "Held out", "zh": "对照组（未发送）"},
    "camp.chart.rate": {"en": "Bought during the campaign (95% CI)", "zh": "活动期间购买率（95% 置信区间）"},
    "camp.chart.rpc": {
        "en": "Revenue per customer (95% CI of the difference)",
        "zh": "人均收入（差值的 95% 置信区间）",
    },
    "camp.chart.cum_rpc": {"en": "Cumulative revenue per customer (¥)", "zh": "累计人均收入（¥）"},
    "camp.by_tier": {"en": "By tier at export time", "zh": "按导出时分层"},
    "camp.daily": {"en": "Day by day", "zh": "逐日走势"},
    "camp.all": {"en": "Whole list", "zh": "全部名单"},
    "camp.too_few": {"en": "too few to tell", "zh": "样本太少，无法判断"},
    "camp.col.name": {"en": "Campaign", "zh": "活动名称"},
    "camp.col.channel": {"en": "Channel", "zh": "渠道"},
    "camp.col.start": {"en": "Start", "zh": "开始"},
    "camp.col.end": {"en": "End", "zh": "结束"},
    "camp.col.status": {"en": "Status", "zh": "状态"},
    "camp.col.treatment": {"en": "Got the offer", "zh": "实验组人数"},
    "camp.col.control": {"en": "Held out", "zh": "对照组人数"},
    "camp.col.segment": {"en": "Tier", "zh": "分层"},
    "camp.col.rate_diff": {"en": "Response rate gain (95% CI)", "zh": "购买率提升（95% 置信区间）"},
    "camp.col.rpc_diff": {"en": "Revenue per customer gain (95% CI)", "zh": "人均收入提升（95% 置信区间）"},
    "camp.col.incremental": {"en": "Incremental revenue (95% CI)", "zh": "增量收入（95% 置信区间）"},
    "camp.col.p": {"en": "p-value", "zh": "p 值"},
    "camp.status.planned": {"en": "planned", "zh": "未开始"},
    "camp.status.running": {"en": "running", "zh": "进行中"},
    "camp.status.ended": {"en": "ended", "zh": "已结束"},
    "camp.did_weaker": {
        "en": "This campaign had no holdout. The estimate below compares the listed customers with similar customers "
        "who were not listed (difference in differences): weaker evidence than a random holdout.",
        "zh": "该活动没有对照组。以下估计将名单顾客与未入选的同层顾客对比（双重差分），证据强度弱于随机对照。",
    },
    "camp.did_line": {
        "en": "Change in revenue per customer against similar customers: {diff} (95% CI {low} to {high})",
        "zh": "与同层顾客相比，人均收入变化：{diff}（95% 置信区间 {low} 至 {high}）",
    },
    "camp.did_unknown": {"en": "Not enough data to estimate.", "zh": "数据不足，无法估计。"},
    "camp.lists": {"en": "The lists", "zh": "名单下载"},
    "camp.download_csv": {"en": "Send list (CSV)", "zh": "发送名单（CSV）"},
    "camp.download_xlsx": {"en": "Send list (Excel, with rules)", "zh": "发送名单（Excel，含规则）"},
    "camp.download_control": {"en": "Held-out list: do not contact (CSV)", "zh": "对照组名单：请勿联系（CSV）"},
    "camp.compare": {"en": "Compare campaigns", "zh": "活动对比"},
    "camp.compare_pick": {"en": "Campaigns to compare", "zh": "选择要对比的活动"},
    "camp.import": {"en": "Import a list made outside the app", "zh": "导入外部名单"},
    "camp.import_file": {
        "en": "CSV with customer ids (and optionally a treatment/control column)",
        "zh": "包含会员号的 CSV（可含实验组/对照组列）",
    },
    "camp.import_save": {"en": "Save as a campaign", "zh": "保存为营销活动"},
    "camp.imported": {"en": "Imported.", "zh": "已导入。"},
    # targets page
    "nav.targets": {"en": "Target lists", "zh": "目标名单"},
    "tgt.title": {"en": "Build a target list", "zh": "生成目标名单"},
    "tgt.who": {"en": "Who", "zh": "筛选顾客"},
    "tgt.how": {"en": "Channel and exclusions", "zh": "渠道与排除"},
    "tgt.preview": {"en": "Preview", "zh": "名单预览"},
    "tgt.spend_min": {"en": "Spend (2 years) at least ¥", "zh": "2年消费金额不低于 ¥"},
    "tgt.spend_max": {"en": "Spend (2 years) at most ¥", "zh": "2年消费金额不高于 ¥"},
    "tgt.zero_is_no_limit": {"en": "0 = no limit", "zh": "0 表示不限"},
    "tgt.member_filters": {
        "en": "Member details: gender, birthday, age, zodiac, store, points",
        "zh": "会员资料：性别、生日、年龄、生肖星座、门店、积分",
    },
    "tgt.purchase_filters": {"en": "Purchases: categories, promotions", "zh": "消费行为：品类、促销"},
    "tgt.any": {"en": "any", "zh": "不限"},
    "tgt.month.any": {"en": "any month", "zh": "不限"},
    "tgt.month.this": {"en": "this month", "zh": "本月"},
    "tgt.month.next": {"en": "next month", "zh": "下个月"},
    "tgt.tenure_min": {"en": "Member for at least (days)", "zh": "入会至少（天）"},
    "tgt.points_min": {"en": "Points at least", "zh": "积分不低于"},
    "tgt.bought_category": {"en": "Bought this category…", "zh": "购买过该品类…"},
    "tgt.bought_days": {"en": "…in the last (days)", "zh": "…在最近（天）内"},
    "tgt.promo_min": {"en": "Promo purchases (12 months) at least", "zh": "12个月内促销购买次数不少于"},
    "tgt.hand_picked": {
        "en": "Limited to {n} hand-picked customers (handed over from another page).",
        "zh": "限定为从其他页面转来的 {n} 位指定顾客。",
    },
    "tgt.discount": {"en": "This is a discount campaign", "zh": "这是折扣类活动"},
    "tgt.fatigue": {
        "en": "Leave out customers contacted by another campaign in the last…",
        "zh": "排除最近被其他活动联系过的顾客，时间范围…",
    },
    "tgt.fatigue_days": {"en": "days", "zh": "天"},
    "tgt.manual": {
        "en": "Exclusion list (CSV or text, one customer id per line)",
        "zh": "排除名单（CSV 或文本，每行一个会员号）",
    },
    "tgt.unreachable": {"en": "Leave out customers this channel cannot reach", "zh": "排除该渠道无法触达的顾客"},
    "tgt.removed": {"en": "{what}: {n} removed", "zh": "{what}：排除 {n} 人"},
    "tgt.size": {"en": "On the list", "zh": "名单人数"},
    "tgt.reach": {"en": "Reachable on this channel", "zh": "该渠道可触达"},
    "tgt.matched": {"en": "Matched the filters", "zh": "符合筛选条件"},
    "tgt.save_title": {"en": "Hold out, save and export", "zh": "留出对照组、保存并导出"},
    "tgt.name_hint": {"en": "e.g. Double 11 VIP preview", "zh": "例如：双11会员专享预告"},
    "tgt.holdout": {"en": "Held out at random (not contacted)", "zh": "随机留出对照组（不联系）"},
    "tgt.seed": {"en": "Seed (same seed, same split)", "zh": "随机种子（相同种子得到相同分组）"},
    "tgt.unmask": {"en": "Show full phone numbers in the export", "zh": "导出完整手机号"},
    "tgt.unmask_help": {
        "en": "Phones are masked (138****5678) by default. Unmasking is recorded with the campaign.",
        "zh": "手机号默认打码（138****5678）。导出完整号码的选择会记录在活动中。",
    },
    "tgt.mde": {
        "en": "These customers bought at a rate of {baseline} in the last {days} days. With this list and holdout the "
        "smallest lift you can reliably detect is {mde} (relative, 80% power, 5% significance).",
        "zh": "这些顾客在最近 {days} 天的购买率为 {baseline}。按当前名单和对照组比例，能可靠检测到的最小提升为 {mde}"
        "（相对提升，80% 检验效能，5% 显著性水平）。",
    },
    "tgt.too_small": {
        "en": "The list is too small to measure a realistic effect: add customers or a larger holdout.",
        "zh": "名单太小，难以衡量实际效果：请扩大名单或提高对照组比例。",
    },
    "tgt.save": {"en": "Save the campaign", "zh": "保存营销活动"},
    "tgt.saved": {
        "en": "Saved “{name}”. Download the lists below; the Campaigns page will measure it.",
        "zh": "已保存「{name}」。可在下方下载名单；「营销活动」页将统计其效果。",
    },
    # migration page
    "nav.migration": {"en": "Migration", "zh": "分层迁移"},
    "mig.title": {"en": "Who moved between tiers", "zh": "顾客分层迁移"},
    "mig.every": {"en": "Snapshots", "zh": "快照频率"},
    "mig.weekly": {"en": "Weekly (Sundays)", "zh": "每周（周日）"},
    "mig.monthly": {"en": "Monthly (month-ends)", "zh": "每月（月末）"},
    "mig.too_short": {
        "en": "The data covers too short a period to compare two snapshots.",
        "zh": "数据时间跨度太短，无法比较两个快照。",
    },
    "mig.computing": {
        "en": "Working out every customer's tier at each snapshot…",
        "zh": "正在计算每位顾客在各快照日的分层…",
    },
    "mig.from": {"en": "From", "zh": "起始"},
    "mig.to": {"en": "To", "zh": "结束"},
    "mig.none": {"en": "Not yet joined or bought", "zh": "尚未入会或消费"},
    "mig.sizes_over_time": {"en": "Tier sizes over time", "zh": "各分层人数变化"},
    "mig.net_flow": {"en": "Net flow per tier (in − out) per period", "zh": "各分层每期净流入（流入 − 流出）"},
    "mig.movers": {"en": "Movers", "zh": "迁移顾客"},
    "mig.from_tier": {"en": "Moved from", "zh": "原分层"},
    "mig.to_tier": {"en": "Moved to", "zh": "新分层"},
    "mig.movers_count": {
        "en": "{n} customers moved from {source} to {target}.",
        "zh": "{n} 位顾客从 {source} 变为 {target}。",
    },
    "mig.last_purchase": {"en": "Last purchase", "zh": "最近消费日"},
    "mig.spend_before": {"en": "Spend, 12 months to the first date", "zh": "起始日前12个月消费"},
    "mig.spend_after": {"en": "Spend, 12 months to the second date", "zh": "结束日前12个月消费"},
    "mig.download": {"en": "Download this list", "zh": "下载名单"},
    "mig.make_list": {"en": "Make a target list", "zh": "生成目标名单"},
    # errors: one line, with what was found and what to do
    "err.empty_file": {"en": "The file is empty.", "zh": "文件是空的。"},
    "err.header_only": {
        "en": "The file has a header row ({found}) but no data rows.",
        "zh": "文件只有表头（{found}），没有数据行。",
    },
    "err.not_text": {
        "en": "This is not a readable CSV, Excel or Parquet file (it looks like binary data).",
        "zh": "无法读取：这不是 CSV、Excel 或 Parquet 文件（看起来是二进制数据）。",
    },
    "err.bad_encoding": {
        "en": "The text could not be decoded as {encoding} (byte {position}). Save the file as UTF-8 or GBK.",
        "zh": "文件无法按 {encoding} 解码（第 {position} 字节）。请另存为 UTF-8 或 GBK 编码。",
    },
    "err.bad_csv": {"en": "The CSV file could not be read: {reason}", "zh": "CSV 文件无法读取：{reason}"},
    "err.bad_xlsx": {"en": "The Excel file could not be opened: {reason}", "zh": "Excel 文件无法打开：{reason}"},
    "err.bad_parquet": {"en": "The Parquet file could not be read: {reason}", "zh": "Parquet 文件无法读取：{reason}"},
    "err.no_usable_sheet": {
        "en": "The Excel file has no sheet with a header row and data (sheets: {sheets}).",
        "zh": "Excel 文件中没有包含表头和数据的工作表（工作表：{sheets}）。",
    },
    "err.no_such_sheet": {
        "en": "There is no sheet named {sheet} (sheets: {sheets}).",
        "zh": "没有名为 {sheet} 的工作表（现有：{sheets}）。",
    },
    "err.no_header": {"en": "The file has no header row.", "zh": "文件没有表头行。"},
    "err.no_such_file": {"en": "File not found: {path}", "zh": "找不到文件：{path}"},
    "err.missing_columns": {
        "en": "Required columns are missing: {missing}. Columns found: {found}.",
        "zh": "缺少必需的列：{missing}。文件中的列：{found}。",
    },
    "err.unknown_canonical": {
        "en": "Unknown column {column}; it can be one of: {allowed}.",
        "zh": "未知的字段 {column}；可选：{allowed}。",
    },
    "err.unknown_source": {
        "en": "The file has no column named {column} (columns: {found}).",
        "zh": "文件中没有名为 {column} 的列（现有：{found}）。",
    },
    "err.bad_map_arg": {
        "en": "--map takes canonical=source, got {arg!r}.",
        "zh": "--map 的格式应为 标准字段=源列名，收到 {arg!r}。",
    },
    "err.too_large": {
        "en": "The file is {size_mb} MB, over the {limit_mb} MB upload limit.",
        "zh": "文件大小 {size_mb} MB，超过上传上限 {limit_mb} MB。",
    },
    "err.unknown_kind": {
        "en": "Unknown file kind {kind}: use sales or members.",
        "zh": "未知文件类型 {kind}：请用 sales 或 members。",
    },
    "err.unknown_currency": {
        "en": "Unknown currency {currency}: use one of {known}.",
        "zh": "未知币种 {currency}：请使用 {known} 之一。",
    },
    "currency.CNY": {"en": "Chinese yuan (¥)", "zh": "人民币（¥）"},
    "currency.HKD": {"en": "Hong Kong dollar (HK$)", "zh": "港币（HK$）"},
    "currency.TWD": {"en": "New Taiwan dollar (NT$)", "zh": "新台币（NT$）"},
    "currency.GBP": {"en": "Pound sterling (£)", "zh": "英镑（£）"},
    "currency.EUR": {"en": "Euro (€)", "zh": "欧元（€）"},
    "currency.USD": {"en": "US dollar ($)", "zh": "美元（$）"},
    "currency.JPY": {"en": "Japanese yen (JP¥)", "zh": "日元（JP¥）"},
    "currency.AUD": {"en": "Australian dollar (A$)", "zh": "澳元（A$）"},
    "currency.SGD": {"en": "Singapore dollar (S$)", "zh": "新加坡元（S$）"},
    "err.empty_dataset_name": {"en": "Give the dataset a name.", "zh": "请填写数据集名称。"},
    "err.no_such_dataset": {"en": "There is no dataset named {dataset}.", "zh": "没有名为 {dataset} 的数据集。"},
    "err.workspace_busy": {
        "en": "Another program is updating the data in the workspace {path}; try again in a moment.",
        "zh": "另一个程序正在更新工作区 {path} 的数据，请稍后再试。",
    },
    "err.bad_group_values": {
        "en": "The group column must say treatment or control; found: {values}",
        "zh": "分组列只能是 treatment（实验组）或 control（对照组）；发现：{values}",
    },
    "err.start_after_end": {
        "en": "The start {start} is after the end {end}.",
        "zh": "开始日期 {start} 晚于结束日期 {end}。",
    },
    "err.no_sales": {"en": "No sales lines were loaded.", "zh": "没有载入任何销售记录。"},
    "err.bad_config": {
        "en": "The tier rules in {path} are not usable: {reason}",
        "zh": "{path} 中的分层规则无法使用：{reason}",
    },
    "err.bad_out_suffix": {
        "en": "The output file must end in one of {allowed}: {path}",
        "zh": "输出文件须以以下之一结尾：{allowed}：{path}",
    },
    "err.bad_date_arg": {"en": "Not a date (YYYY-MM-DD): {value}", "zh": "日期格式应为 YYYY-MM-DD：{value}"},
    "err.unknown_every": {
        "en": "Take snapshots every week or month, not {every}.",
        "zh": "快照周期只能是 week（每周）或 month（每月），不能是 {every}。",
    },
    "err.unknown_scheme": {
        "en": "Unknown scheme {scheme}: use one of {choices}.",
        "zh": "未知的分层方案 {scheme}：请使用以下之一：{choices}。",
    },
    "err.no_snapshots": {"en": "Give at least one snapshot date.", "zh": "请至少给出一个快照日期。"},
    "err.no_snapshot_in_range": {
        "en": "There is no snapshot date between {start} and {end} (every {every}).",
        "zh": "{start} 至 {end} 之间没有快照日期（周期：{every}）。",
    },
    # reject reasons and load warnings
    "reason.missing_customer_id": {"en": "missing customer id", "zh": "缺少会员号"},
    "reason.bad_date": {"en": "unreadable date", "zh": "日期无法识别"},
    "reason.bad_amount": {"en": "unreadable amount", "zh": "金额无法识别"},
    "reason.future_date": {"en": "date in the future", "zh": "日期在未来"},
    "reason.duplicate_member": {"en": "member listed twice (first kept)", "zh": "会员重复（保留第一条）"},
    "warn.promo_unrecognised": {
        "en": "promo flags not understood, read as not promo",
        "zh": "无法识别的促销标记，按非促销处理",
    },
    "warn.bad_birthday": {"en": "birthdays not understood, left empty", "zh": "无法识别的生日，已留空"},
    "warn.bad_join_date": {"en": "join dates not understood, left empty", "zh": "无法识别的入会日期，已留空"},
    # canonical columns
    "col.customer_id": {"en": "Customer ID", "zh": "会员号"},
    "col.order_id": {"en": "Order ID", "zh": "订单号"},
    "col.order_date": {"en": "Order date", "zh": "消费时间"},
    "col.amount": {"en": "Amount", "zh": "实收金额"},
    "col.quantity": {"en": "Quantity", "zh": "数量"},
    "col.unit_price": {"en": "Unit price", "zh": "单价"},
    "col.is_promo": {"en": "On promotion", "zh": "是否促销"},
    "col.store": {"en": "Store", "zh": "门店"},
    "col.category": {"en": "Category", "zh": "品类"},
    "col.product": {"en": "Product", "zh": "商品"},
    "col.channel": {"en": "Channel", "zh": "渠道"},
    "col.name": {"en": "Name", "zh": "姓名"},
    "col.phone": {"en": "Phone", "zh": "手机号"},
    "col.gender": {"en": "Gender", "zh": "性别"},
    "col.birthday": {"en": "Birthday", "zh": "生日"},
    "col.join_date": {"en": "Join date", "zh": "入会日期"},
    "col.points": {"en": "Points", "zh": "积分"},
    "col.wechat": {"en": "WeChat opt-in", "zh": "微信授权"},
    "col.sms": {"en": "SMS opt-in", "zh": "短信授权"},
    "col.email": {"en": "Email opt-in", "zh": "邮件授权"},
    # lift
    "lift.headline": {"en": "{rate}; {revenue}", "zh": "{rate}；{revenue}"},
    "lift.rate_more": {
        "en": "Customers who got the offer bought {points} points more often (95% CI {low} to {high})",
        "zh": "收到优惠的顾客购买率高出 {points} 个百分点（95% 置信区间 {low} 至 {high}）",
    },
    "lift.rate_less": {
        "en": "Customers who got the offer bought {points} points less often (95% CI {low} to {high})",
        "zh": "收到优惠的顾客购买率低 {points} 个百分点（95% 置信区间 {low} 至 {high}）",
    },
    "lift.rate_same": {
        "en": "Customers who got the offer bought about as often as those held out "
        "(difference 95% CI {low} to {high} points)",
        "zh": "收到优惠的顾客与对照组购买率基本相同（差值 95% 置信区间 {low} 至 {high} 个百分点）",
    },
    "lift.rate_no_ci": {
        "en": "Customers who got the offer bought at a rate of {rate_t}, those held out {rate_c} "
        "(no confidence interval: everyone within each group did the same)",
        "zh": "收到优惠的顾客购买率 {rate_t}，对照组 {rate_c}（每组内顾客行为完全一致，无法给出置信区间）",
    },
    "lift.revenue": {
        "en": "incremental revenue {amount} ({low} to {high})",
        "zh": "增量收入 {amount}（{low} 至 {high}）",
    },
    "lift.revenue_no_ci": {
        "en": "incremental revenue {amount} (no interval: every customer within each group spent the same)",
        "zh": "增量收入 {amount}（每组内顾客消费金额完全相同，无法给出区间）",
    },
    "lift.revenue_unknown": {"en": "incremental revenue cannot be measured", "zh": "增量收入无法计算"},
    "lift.too_few": {
        "en": "Too few customers to measure lift: {n_t} got the offer and {n_c} were held out "
        "(each group needs at least 2)",
        "zh": "顾客太少，无法衡量效果：收到优惠 {n_t} 人，对照组 {n_c} 人（每组至少需要 2 人）",
    },
    "lift.srm_warning": {
        "en": "{headline}. Warning: {observed} of the list was held out instead of the intended {intended}, "
        "so these figures are suspect",
        "zh": "{headline}。注意：对照组占名单的 {observed}，而设定为 {intended}，结果可能不可靠",
    },
    # targets
    "target.field.customer_id": {"en": "Customer ID", "zh": "会员号"},
    "target.rule.hand_picked": {"en": "One of {n} hand-picked customers", "zh": "指定的 {n} 位顾客之一"},
    "target.field.tier": {"en": "Tier", "zh": "分层"},
    "target.field.groups": {"en": "Member groups", "zh": "会员分组"},
    "target.field.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "target.field.rfm_segment": {"en": "RFM segment", "zh": "RFM 分群"},
    "target.field.cn8_segment": {"en": "Chinese 8-class RFM", "zh": "八大客户类型"},
    "target.field.r_score": {"en": "Recency score", "zh": "最近消费得分"},
    "target.field.f_score": {"en": "Frequency score", "zh": "消费频次得分"},
    "target.field.m_score": {"en": "Monetary score", "zh": "消费金额得分"},
    "target.field.frequency": {"en": "Purchases (2 years)", "zh": "消费次数（2年）"},
    "target.field.monetary": {"en": "Spend (2 years)", "zh": "消费金额（2年）"},
    "target.field.spend_w": {"en": "Spend (12 months)", "zh": "消费金额（12个月）"},
    "target.field.recency_days": {"en": "Days since last purchase", "zh": "距上次消费天数"},
    "target.field.gender": {"en": "Gender", "zh": "性别"},
    "target.field.birthday_month": {"en": "Birthday month", "zh": "生日月份"},
    "target.field.age": {"en": "Age", "zh": "年龄"},
    "target.field.zodiac": {"en": "Chinese zodiac", "zh": "生肖"},
    "target.field.star_sign": {"en": "Star sign", "zh": "星座"},
    "target.field.join_date": {"en": "Join date", "zh": "入会日期"},
    "target.field.tenure_days": {"en": "Days since joining", "zh": "入会天数"},
    "target.field.store": {"en": "Home store", "zh": "所属门店"},
    "target.field.points": {"en": "Points", "zh": "积分"},
    "target.field.last_category": {"en": "Category of the last purchase", "zh": "最近一次购买的品类"},
    "target.field.top_category": {"en": "Main category (most spend)", "zh": "主要品类（消费最多）"},
    "target.field.promo_share": {"en": "Share of spend on promotion (12 months)", "zh": "促销消费占比（近12个月）"},
    "target.field.p_alive": {"en": "Chance still active (P(alive))", "zh": "活跃概率"},
    "target.field.expected_purchases": {"en": "Expected purchases (next 90 days)", "zh": "预计购买次数（未来90天）"},
    "target.field.clv": {"en": "Customer lifetime value (next 90 days)", "zh": "顾客终身价值（未来90天）"},
    "target.field.category_in_last_days": {"en": "Bought a category recently", "zh": "近期购买过的品类"},
    "target.field.promo_purchases": {"en": "Promo purchases (12 months)", "zh": "促销消费次数（12个月）"},
    "target.field.wechat": {"en": "WeChat opt-in", "zh": "微信授权"},
    "target.field.sms": {"en": "SMS opt-in", "zh": "短信授权"},
    "target.field.email": {"en": "Email opt-in", "zh": "邮件授权"},
    "target.field.has_phone": {"en": "Has a phone number", "zh": "有手机号"},
    "target.op.=": {"en": "is", "zh": "为"},
    "target.op.!=": {"en": "is not", "zh": "不为"},
    "target.op.in": {"en": "is any of", "zh": "为以下任一"},
    "target.op.not in": {"en": "is none of", "zh": "不为以下任一"},
    "target.op.>=": {"en": "is at least", "zh": "不低于"},
    "target.op.<=": {"en": "is at most", "zh": "不高于"},
    "target.op.between": {"en": "is between", "zh": "介于"},
    "target.rule.eq": {"en": "{field} is {value}", "zh": "{field}为{value}"},
    "target.rule.ne": {"en": "{field} is not {value}", "zh": "{field}不为{value}"},
    "target.rule.in": {"en": "{field} is any of: {value}", "zh": "{field}为以下任一：{value}"},
    "target.rule.not_in": {"en": "{field} is none of: {value}", "zh": "{field}不为以下任何一项：{value}"},
    "target.rule.ge": {"en": "{field} is at least {value}", "zh": "{field}不低于{value}"},
    "target.rule.le": {"en": "{field} is at most {value}", "zh": "{field}不高于{value}"},
    "target.rule.lt": {"en": "{field} is below {value}", "zh": "{field}低于{value}"},
    "target.rule.gt": {"en": "{field} is above {value}", "zh": "{field}高于{value}"},
    "target.rule.between": {"en": "{field} is between {low} and {high}", "zh": "{field}介于{low}至{high}之间"},
    "target.rule.groups_eq": {"en": "In the member group {value}", "zh": "属于会员分组：{value}"},
    "target.rule.groups_ne": {"en": "Not in the member group {value}", "zh": "不属于会员分组：{value}"},
    "target.rule.groups_in": {"en": "In any of the member groups: {value}", "zh": "属于以下任一会员分组：{value}"},
    "target.rule.groups_not_in": {
        "en": "In none of the member groups: {value}",
        "zh": "不属于以下任何会员分组：{value}",
    },
    "target.rule.bought": {"en": "Bought {category} in the last {days} days", "zh": "近 {days} 天购买过{category}"},
    "target.rule.not_bought": {
        "en": "Did not buy {category} in the last {days} days",
        "zh": "近 {days} 天未购买{category}",
    },
    "target.month.this": {"en": "this month", "zh": "本月"},
    "target.month.next": {"en": "next month", "zh": "下个月"},
    "target.yes": {"en": "yes", "zh": "是"},
    "target.no": {"en": "no", "zh": "否"},
    "target.gender.M": {"en": "male", "zh": "男"},
    "target.gender.F": {"en": "female", "zh": "女"},
    "target.zodiac.rat": {"en": "Rat", "zh": "鼠"},
    "target.zodiac.ox": {"en": "Ox", "zh": "牛"},
    "target.zodiac.tiger": {"en": "Tiger", "zh": "虎"},
    "target.zodiac.rabbit": {"en": "Rabbit", "zh": "兔"},
    "target.zodiac.dragon": {"en": "Dragon", "zh": "龙"},
    "target.zodiac.snake": {"en": "Snake", "zh": "蛇"},
    "target.zodiac.horse": {"en": "Horse", "zh": "马"},
    "target.zodiac.goat": {"en": "Goat", "zh": "羊"},
    "target.zodiac.monkey": {"en": "Monkey", "zh": "猴"},
    "target.zodiac.rooster": {"en": "Rooster", "zh": "鸡"},
    "target.zodiac.dog": {"en": "Dog", "zh": "狗"},
    "target.zodiac.pig": {"en": "Pig", "zh": "猪"},
    "target.star.aries": {"en": "Aries", "zh": "白羊座"},
    "target.star.taurus": {"en": "Taurus", "zh": "金牛座"},
    "target.star.gemini": {"en": "Gemini", "zh": "双子座"},
    "target.star.cancer": {"en": "Cancer", "zh": "巨蟹座"},
    "target.star.leo": {"en": "Leo", "zh": "狮子座"},
    "target.star.virgo": {"en": "Virgo", "zh": "处女座"},
    "target.star.libra": {"en": "Libra", "zh": "天秤座"},
    "target.star.scorpio": {"en": "Scorpio", "zh": "天蝎座"},
    "target.star.sagittarius": {"en": "Sagittarius", "zh": "射手座"},
    "target.star.capricorn": {"en": "Capricorn", "zh": "摩羯座"},
    "target.star.aquarius": {"en": "Aquarius", "zh": "水瓶座"},
    "target.star.pisces": {"en": "Pisces", "zh": "双鱼座"},
    "target.excl_name.promo_chaser": {"en": "Leave out promo chasers", "zh": "排除促销黑名单"},
    "target.excl_name.contacted_within_days": {"en": "Leave out recently contacted", "zh": "排除近期已联系"},
    "target.excl_name.manual": {"en": "Leave out an uploaded list", "zh": "排除上传的名单"},
    "target.excl_name.unreachable": {"en": "Leave out the unreachable", "zh": "排除无法触达的顾客"},
    "target.excl.promo_chaser": {
        "en": "Promo chasers (promo blacklist)",
        "zh": "低价低频次会员（促销黑名单）",
    },
    "target.excl.contacted_within_days": {
        "en": "On another campaign that started in the last {days} days",
        "zh": "近 {days} 天内开始的其他活动名单中的顾客",
    },
    "target.excl.manual": {"en": "On the uploaded exclusion list ({n} ids)", "zh": "上传的排除名单（{n} 个会员号）"},
    "target.excl.unreachable": {
        "en": "Cannot be reached by {channel} (no phone or no opt-in)",
        "zh": "无法通过{channel}触达（无手机号或未授权）",
    },
    "target.warn.no_holdout": {
        "en": "No control group: this campaign's effect cannot be measured.",
        "zh": "没有对照组：无法衡量本次活动的效果。",
    },
    "target.warn.no_promo_data": {
        "en": "This dataset has no promotion column, so promo chasers could not be left out.",
        "zh": "该数据集没有促销字段，无法排除促销黑名单。",
    },
    "target.warn.unknown_customers": {
        "en": "{n} customer ids of the list are not in this dataset; they have no tier.",
        "zh": "名单中有 {n} 个会员号不在该数据集中，没有分层。",
    },
    "export.col.customer_id": {"en": "Customer ID", "zh": "会员号"},
    "export.col.group": {"en": "Group", "zh": "组别"},
    "export.col.tier": {"en": "Tier", "zh": "分层"},
    "export.col.name": {"en": "Name", "zh": "姓名"},
    "export.col.phone": {"en": "Phone", "zh": "手机号"},
    "export.col.store": {"en": "Home store", "zh": "所属门店"},
    "export.col.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "export.col.rfm_segment": {"en": "RFM segment", "zh": "RFM 分群"},
    "export.col.cn8_segment": {"en": "Chinese 8-class RFM", "zh": "八大客户类型"},
    "export.col.do_not_contact": {"en": "Do not contact", "zh": "请勿联系"},
    "export.col.treatment": {"en": "Treatment (send)", "zh": "发送组"},
    "export.col.control": {"en": "Control (do not contact)", "zh": "对照组（请勿联系）"},
    "export.group.treatment": {"en": "treatment", "zh": "发送组"},
    "export.group.control": {"en": "control", "zh": "对照组"},
    "export.do_not_contact": {"en": "do not contact", "zh": "请勿联系"},
    "export.sheet.treatment": {"en": "Send list", "zh": "发送名单"},
    "export.sheet.control": {"en": "Control - do not contact", "zh": "对照组 - 请勿联系"},
    "export.sheet.rules": {"en": "Rules and counts", "zh": "规则与人数"},
    "export.file.treatment": {"en": "send_list", "zh": "发送名单"},
    "export.file.control": {"en": "control_do_not_contact", "zh": "对照组_请勿联系"},
    "export.rules.item": {"en": "Item", "zh": "项目"},
    "export.rules.value": {"en": "Value", "zh": "内容"},
    "export.rules.name": {"en": "Campaign", "zh": "活动名称"},
    "export.rules.campaign_id": {"en": "Campaign ID", "zh": "活动编号"},
    "export.rules.channel": {"en": "Channel", "zh": "渠道"},
    "export.rules.start": {"en": "First day", "zh": "开始日期"},
    "export.rules.end": {"en": "Last day measured", "zh": "统计截止日期"},
    "export.rules.as_of": {"en": "Tiers as of", "zh": "分层截至"},
    "export.rules.holdout_share": {"en": "Control share", "zh": "对照组比例"},
    "export.rules.seed": {"en": "Holdout seed", "zh": "分组随机种子"},
    "export.rules.source": {"en": "List made", "zh": "名单来源"},
    "export.rules.config": {"en": "Tier rules version", "zh": "分层规则版本"},
    "export.rules.phones": {"en": "Phone numbers", "zh": "手机号"},
    "export.rules.rule": {"en": "Rule", "zh": "筛选条件"},
    "export.rules.everyone": {"en": "everyone", "zh": "全部顾客"},
    "export.rules.matched": {"en": "Matched the rules", "zh": "符合条件人数"},
    "export.rules.excluded": {"en": "Left out: {what}", "zh": "排除：{what}"},
    "export.rules.warning": {"en": "Warning", "zh": "注意"},
    "export.source.app": {"en": "in the app", "zh": "在本应用中生成"},
    "export.source.import": {"en": "imported", "zh": "外部导入"},
    "export.source.demo": {"en": "demo store", "zh": "演示门店"},
    "export.phones_masked": {"en": "masked (138****5678)", "zh": "已隐藏中间四位（138****5678）"},
    "export.phones_unmasked": {"en": "shown in full (chosen by the user)", "zh": "完整显示（用户选择）"},
    "err.unknown_field": {
        "en": "Unknown field {field!r} in the rule; fields: {allowed}.",
        "zh": "筛选条件中的字段 {field!r} 不存在；可用字段：{allowed}。",
    },
    "err.unknown_operator": {
        "en": "Unknown operator {op!r} in the rule; operators: {allowed}.",
        "zh": "筛选条件中的运算符 {op!r} 不存在；可用运算符：{allowed}。",
    },
    "err.bad_operator_for_field": {
        "en": "The operator {op!r} does not apply to {field}; use one of: {allowed}.",
        "zh": "运算符 {op!r} 不适用于 {field}；可用：{allowed}。",
    },
    "err.bad_rule_value": {
        "en": "The value {value!r} does not fit {field}: expected {expected}.",
        "zh": "取值 {value!r} 不适用于 {field}：应为 {expected}。",
    },
    "err.bad_rule": {
        "en": 'A rule reads "field operator value", e.g. "tier in high_spend,loyal"; got {rule!r}.',
        "zh": '筛选条件的格式为「字段 运算符 取值」，例如 "tier in high_spend,loyal"；收到 {rule!r}。',
    },
    "err.bad_channel": {
        "en": "Unknown channel {channel!r}; use one of: {allowed}.",
        "zh": "未知渠道 {channel!r}；可用：{allowed}。",
    },
    "err.unknown_exclusion": {
        "en": "Unknown exclusion {kind!r}; use one of: {allowed}.",
        "zh": "未知的排除规则 {kind!r}；可用：{allowed}。",
    },
    "err.bad_exclusion_value": {
        "en": "The exclusion {kind} needs a whole number of days of at least 1, got {value!r}.",
        "zh": "排除规则 {kind} 需要至少为 1 的整数天数，收到 {value!r}。",
    },
    "err.bad_holdout": {
        "en": "The control share must be at least 0 and below 1, got {share}.",
        "zh": "对照组比例须大于等于 0 且小于 1，收到 {share}。",
    },
    "err.bad_campaign_dates": {
        "en": "The campaign ends ({end}) before it starts ({start}).",
        "zh": "活动结束日期（{end}）早于开始日期（{start}）。",
    },
    "err.empty_campaign_name": {"en": "Give the campaign a name.", "zh": "请填写活动名称。"},
    "err.campaign_exists": {"en": "The campaign {campaign} is already saved.", "zh": "活动 {campaign} 已保存过。"},
    "err.no_such_campaign": {"en": "There is no campaign {campaign}.", "zh": "没有编号为 {campaign} 的活动。"},
    "err.no_customer_column": {
        "en": "The list has no customer id column (columns: {found}).",
        "zh": "名单中没有会员号列（现有列：{found}）。",
    },
    "err.bad_group_value": {
        "en": "Unknown group {value!r} in the list; use {allowed}.",
        "zh": "名单中的组别 {value!r} 无法识别；请用 {allowed}。",
    },
    "err.bad_export_group": {
        "en": "Unknown list {group!r} to export; use {allowed}.",
        "zh": "无法导出名单 {group!r}；可选：{allowed}。",
    },
    "err.bad_yes_no": {
        "en": "{option} takes yes or no, got {value!r}.",
        "zh": "{option} 的取值应为 yes 或 no，收到 {value!r}。",
    },
    # weekly
    "nav.weekly": {"en": "Weekly review", "zh": "每周复盘"},
    "weekly.present": {"en": "Presentation mode", "zh": "演示模式"},
    "weekly.pick_week": {"en": "Week", "zh": "周次"},
    "weekly.computing": {"en": "Preparing the week's review…", "zh": "正在准备本周复盘…"},
    "weekly.previous": {"en": "◀ Previous section", "zh": "◀ 上一部分"},
    "weekly.next": {"en": "Next section ▶", "zh": "下一部分 ▶"},
    "weekly.report": {"en": "The week's report", "zh": "本周报告"},
    "weekly.download_html": {"en": "Download the report (HTML, works offline)", "zh": "下载报告（HTML，可离线打开）"},
    "weekly.prepare_pdf": {"en": "Prepare the PDF", "zh": "生成 PDF"},
    "weekly.preparing_pdf": {"en": "Drawing the PDF…", "zh": "正在生成 PDF…"},
    "weekly.download_pdf": {"en": "Download the PDF", "zh": "下载 PDF"},
    "weekly.title": {"en": "Weekly review", "zh": "每周经营复盘"},
    "weekly.week": {"en": "Week {week}: {start} to {end}", "zh": "{week} 周：{start} 至 {end}"},
    "weekly.footer": {
        "en": "Figures as of Sunday {day}: sales dated on or before it; tiers with the store's tier rules.",
        "zh": "数据截至周日 {day}：统计当日及之前的销售记录；分层按门店的分层规则计算。",
    },
    "weekly.section.kpis": {"en": "This week in numbers", "zh": "本周关键指标"},
    "weekly.section.movements": {"en": "Tier movements this week", "zh": "本周分层变动"},
    "weekly.section.alerts": {"en": "Customers to act on", "zh": "需要跟进的顾客"},
    "weekly.section.campaigns": {
        "en": "Campaigns running or ended in the last 4 weeks",
        "zh": "进行中或近 4 周结束的营销活动",
    },
    "weekly.section.actions": {"en": "What to do with each tier", "zh": "各分层建议动作"},
    "weekly.kpi.active": {"en": "Active customers", "zh": "活跃顾客"},
    "weekly.kpi.revenue": {"en": "Revenue this week", "zh": "本周销售额"},
    "weekly.kpi.purchases": {"en": "Purchases", "zh": "消费笔数"},
    "weekly.kpi.new": {"en": "New customers", "zh": "新顾客"},
    "weekly.kpi.vips": {"en": "VIPs", "zh": "VIP 会员"},
    "weekly.kpi.came_back": {"en": "Came back", "zh": "回流顾客"},
    "weekly.kpi.lost_to_sleeping": {"en": "Lost to sleeping", "zh": "转入睡眠"},
    "weekly.help.active": {"en": "a purchase in the last {days} days", "zh": "近 {days} 天内有消费"},
    "weekly.help.revenue": {"en": "net of refunds, Monday to Sunday", "zh": "扣除退款后的净额，周一至周日"},
    "weekly.help.purchases": {"en": "orders worth more than 0 this week", "zh": "本周金额大于 0 的订单"},
    "weekly.help.new": {"en": "first purchase this week", "zh": "本周首次消费"},
    "weekly.help.vips": {"en": "in the high spend group on Sunday", "zh": "周日属于高消费总额会员"},
    "weekly.help.came_back": {
        "en": "silent or sleeping last Sunday, bought this week",
        "zh": "上周日为沉默或睡眠会员，本周有消费",
    },
    "weekly.help.lost_to_sleeping": {
        "en": "passed {days} days without a purchase this week",
        "zh": "本周起已超过 {days} 天未消费",
    },
    "weekly.change": {"en": "{change} vs last week", "zh": "较上周 {change}"},
    "weekly.no_change": {"en": "same as last week", "zh": "与上周持平"},
    "weekly.sparkline": {"en": "Last 8 weeks, {first} to {last}", "zh": "近 8 周：{first} 至 {last}"},
    "weekly.state.none": {"en": "Not yet joined or bought", "zh": "尚未入会或消费"},
    "weekly.moved": {
        "en": "{n} customers moved from {from_tier} to {to_tier}",
        "zh": "{n} 位顾客从 {from_tier} 变为 {to_tier}",
    },
    "weekly.moved_one": {
        "en": "{n} customer moved from {from_tier} to {to_tier}",
        "zh": "{n} 位顾客从 {from_tier} 变为 {to_tier}",
    },
    "weekly.no_movements": {"en": "No customer changed tier this week.", "zh": "本周没有顾客变更分层。"},
    "weekly.sankey_note": {
        "en": "Left: tier last Sunday; right: tier this Sunday. Customers who stayed are not drawn.",
        "zh": "左侧为上周日的分层，右侧为本周日的分层；未变动的顾客不显示。",
    },
    "weekly.alert.went_silent": {
        "en": "High-value customers who went silent this week",
        "zh": "本周转为沉默的高价值顾客",
    },
    "weekly.alert.vip_quiet": {"en": "VIPs with no purchase in {days} days", "zh": "{days} 天未消费的 VIP 会员"},
    "weekly.alert.no_second_purchase": {
        "en": "New customers with no second purchase within {days} days",
        "zh": "首购后 {days} 天内未再次消费的新顾客",
    },
    "weekly.alert_help.went_silent": {
        "en": "High spend or high ticket last Sunday, and in the silent group since this week.",
        "zh": "上周日为高消费总额或高单价会员，本周转入沉默会员。",
    },
    "weekly.alert_help.vip_quiet": {
        "en": "In the high spend group on Sunday, last purchase {days} or more days ago.",
        "zh": "周日属于高消费总额会员，且最近一次消费在 {days} 天或更久以前。",
    },
    "weekly.alert_help.no_second_purchase": {
        "en": "First purchase {first} to {last} (its day {days} fell this week) and only one purchase so far.",
        "zh": "首次消费在 {first} 至 {last} 之间（第 {days} 天落在本周），至今仅消费一次。",
    },
    "weekly.alert.slipping": {
        "en": "High-value customers slipping away",
        "zh": "高价值顾客流失风险上升",
    },
    "weekly.alert_help.slipping": {
        "en": "Top {share} by predicted value (CLV {clv} or more) whose chance of still being active fell below 50% "
        "this week.",
        "zh": "预测价值前 {share}（顾客终身价值 {clv} 及以上）、本周活跃概率跌破 50% 的顾客。",
    },
    "weekly.alert_help.slipping_no_clv": {
        "en": "No customer has a predicted value yet (the Forecast page says why).",
        "zh": "暂无顾客的预测价值（原因见“预测”页）。",
    },
    "weekly.alert_help.slipping_caution": {
        "en": "The forecast model has warnings for this store: see the Forecast page.",
        "zh": "预测模型对本店数据有提醒，详见“预测”页。",
    },
    "weekly.alert.count": {"en": "{n} customers", "zh": "{n} 位顾客"},
    "weekly.alert.count_one": {"en": "1 customer", "zh": "1 位顾客"},
    "weekly.alert.more": {"en": "and {n} more", "zh": "另有 {n} 位"},
    "weekly.alert.none": {"en": "Nobody this week.", "zh": "本周没有。"},
    "weekly.make_list": {"en": "Make a target list", "zh": "生成目标名单"},
    "weekly.col.customer_id": {"en": "Customer", "zh": "会员号"},
    "weekly.col.name": {"en": "Name", "zh": "姓名"},
    "weekly.col.phone": {"en": "Phone", "zh": "手机号"},
    "weekly.col.tier": {"en": "Tier", "zh": "分层"},
    "weekly.col.last_purchase": {"en": "Last purchase", "zh": "最近消费"},
    "weekly.col.spend_w": {"en": "Spend, 12 months", "zh": "近12个月消费"},
    "weekly.col.customers": {"en": "Customers", "zh": "顾客数"},
    "weekly.col.action": {"en": "Action", "zh": "建议动作"},
    "weekly.col.channel": {"en": "Channel", "zh": "渠道"},
    "weekly.col.campaign": {"en": "Campaign", "zh": "活动"},
    "weekly.col.status": {"en": "Status", "zh": "状态"},
    "weekly.col.result": {"en": "Result", "zh": "效果"},
    "weekly.campaigns.none": {
        "en": "No campaign ran in the last 4 weeks.",
        "zh": "近 4 周没有进行中的营销活动。",
    },
    "weekly.campaigns.more": {"en": "and {n} more campaigns", "zh": "另有 {n} 个活动"},
    "weekly.interim": {
        "en": "Interim, measured up to {day}: {headline}",
        "zh": "阶段性结果（统计至 {day}）：{headline}",
    },
    "weekly.did": {
        "en": "No holdout; compared with similar customers (weaker evidence): {line}",
        "zh": "无对照组，与同层顾客对比（证据较弱）：{line}",
    },
    "weekly.actions.none": {"en": "Nobody to contact yet.", "zh": "暂无需要联系的顾客。"},
    "err.bad_week": {
        "en": "Not a week (YYYY-Www, e.g. 2026-W46): {value}",
        "zh": "周的格式应为 YYYY-Www（例如 2026-W46）：{value}",
    },
    "err.week_and_as_of": {
        "en": "Give either --week or --as-of, not both.",
        "zh": "--week 和 --as-of 只能选一个。",
    },
    "err.bad_lang": {"en": "Unknown language {value}: use zh or en.", "zh": "未知语言 {value}：请用 zh 或 en。"},
    "err.bad_report_suffix": {
        "en": "The report file must end in .html or .pdf: {path}",
        "zh": "报告文件须以 .html 或 .pdf 结尾：{path}",
    },
    "err.no_pdf_browser": {
        "en": "A PDF needs chromium ({reason}); install chromium and fonts-noto-cjk, or write .html instead.",
        "zh": "生成 PDF 需要 chromium（{reason}）；请安装 chromium 和 fonts-noto-cjk，或改为输出 .html。",
    },
    "err.pdf_failed": {
        "en": "The PDF could not be made: {reason}",
        "zh": "PDF 生成失败：{reason}",
    },
    # reading files and ingest: reasons, warnings, messages
    "err.no_files": {
        "en": "No file to load: give at least one --sales or --members file (a folder must hold .csv, .txt, .tsv, "
        ".xlsx or .parquet files).",
        "zh": "没有要载入的文件：请至少给出一个 --sales 或 --members 文件（文件夹中须有 .csv、.txt、.tsv、.xlsx 或 "
        ".parquet 文件）。",
    },
    "err.empty_folder": {
        "en": "The folder {path} holds no .csv, .txt, .tsv, .xlsx or .parquet file.",
        "zh": "文件夹 {path} 中没有 .csv、.txt、.tsv、.xlsx 或 .parquet 文件。",
    },
    "err.looks_like_members": {
        "en": "This looks like a members file: it has no order date / amount columns (columns: {found}). "
        "Load it as a members file (--members).",
        "zh": "这看起来是会员文件：没有消费时间 / 金额列（文件中的列：{found}）。请作为会员文件载入（--members）。",
    },
    "err.looks_like_sales": {
        "en": "This looks like a sales file: it has order date and amount columns (columns: {found}). "
        "Load it as a sales file (--sales).",
        "zh": "这看起来是销售文件：有消费时间和金额列（文件中的列：{found}）。请作为销售文件载入（--sales）。",
    },
    "err.loaded_as_other_kind": {
        "en": "{file} was already loaded into this dataset as a {loaded_as} file; it cannot also be a {given_as} file.",
        "zh": "{file} 已作为 {loaded_as} 文件载入此数据集，不能再作为 {given_as} 文件载入。",
    },
    "err.unknown_encoding": {
        "en": "The file is text, but its encoding is not UTF-8, UTF-16 or GBK / GB18030. Save it as UTF-8 and load "
        "it again.",
        "zh": "这是文本文件，但编码不是 UTF-8、UTF-16 或 GBK / GB18030。请另存为 UTF-8 后重新载入。",
    },
    "err.in_file": {"en": "{file}: {message}", "zh": "{file}：{message}"},
    "err.as_of_empty": {
        "en": "--as-of is empty: give a day YYYY-MM-DD between {first} and {last}, or leave it out for {last}.",
        "zh": "--as-of 为空：请给出 {first} 至 {last} 之间的日期（YYYY-MM-DD），或省略它以使用 {last}。",
    },
    "err.as_of_before_data": {
        "en": "--as-of {as_of} is before the first sale ({first}); the data runs from {first} to {last}.",
        "zh": "--as-of {as_of} 早于第一笔销售（{first}）；数据范围为 {first} 至 {last}。",
    },
    "err.as_of_after_data": {
        "en": "--as-of {as_of} is more than a year after the last sale ({last}); the data runs from {first} to {last}.",
        "zh": "--as-of {as_of} 比最后一笔销售（{last}）晚一年以上；数据范围为 {first} 至 {last}。",
    },
    "reason.extra_fields": {
        "en": "more fields than the header (an unquoted comma?)",
        "zh": "字段数多于表头（是否有未加引号的逗号？）",
    },
    "reason.mangled_id": {
        "en": "customer id damaged by Excel (scientific notation or lost digits)",
        "zh": "会员号被 Excel 损坏（科学计数法或丢失位数）",
    },
    "reason.implausible_date": {"en": "date before 1990 (a placeholder?)", "zh": "日期早于 1990 年（占位值？）"},
    "reason.ambiguous_amount": {
        "en": "amount can be read two ways (1.234 = 1.234 or 1234?)",
        "zh": "金额有两种读法（1.234 是 1.234 还是 1234？）",
    },
    "warn.amount_rounded": {
        "en": "amounts with fractions of a cent, stored rounded to the cent",
        "zh": "金额含分以下的小数，已四舍五入到分",
    },
    "warn.excel_serial_dates": {
        "en": "dates given as Excel day numbers (e.g. 45356), read as dates",
        "zh": "以 Excel 序列号表示的日期（如 45356），已按日期读取",
    },
    "warn.implausible_birthday": {
        "en": "birthdays before 1900 or in the future, left empty",
        "zh": "早于 1900 年或在未来的生日，已留空",
    },
    "warn.implausible_join_date": {"en": "join dates before 1990, left empty", "zh": "早于 1990 年的入会日期，已留空"},
    "warn.future_join_date": {"en": "join dates in the future (kept)", "zh": "在未来的入会日期（已保留）"},
    "warn.mangled_phone": {
        "en": "phone numbers damaged by Excel (scientific notation), left empty so no list sends to them",
        "zh": "被 Excel 损坏的手机号（科学计数法），已留空，不会进入任何名单",
    },
    "warn.ambiguous_number": {
        "en": "points that can be read two ways (1.234), left empty",
        "zh": "有两种读法的积分（如 1.234），已留空",
    },
    "warn.duplicate_column": {
        "en": "column names used twice (the later copy is named 'name (2)')",
        "zh": "重复的列名（后一列命名为“列名 (2)”）",
    },
    "warn.lone_cr": {
        "en": "lone CR characters, read as line breaks",
        "zh": "单独的 CR 字符，已按换行读取",
    },
    "report.examples": {"en": "e.g. {examples}", "zh": "例如 {examples}"},
    "err.unterminated_quote": {
        "en": 'A quote (") opened in data row {row} is never closed, so the rest of the file would be read as one '
        "value. Fix the quote and load the file again.",
        "zh": '第 {row} 行数据中的引号（"）没有闭合，文件其余部分会被当作一个值读入。请修正引号后重新载入。',
    },
    "report.example_row": {"en": "row {n}: {value}", "zh": "第 {n} 行：{value}"},
    "report.example_row_only": {"en": "row {n}", "zh": "第 {n} 行"},
    "data.nothing_loaded": {
        "en": "Nothing was loaded: the files of one upload are loaded together or not at all.",
        "zh": "未载入任何文件：同一次上传的文件要么全部载入，要么都不载入。",
    },
    "report.number_format": {
        "en": "{column}: numbers read as 1.234,50 (comma decimal)",
        "zh": "{column}：数字按 1.234,50（逗号为小数点）读取",
    },
    "report.number_format_mixed": {
        "en": "{column}: both 1.234,50 and 1,234.50 styles found; values readable both ways were rejected",
        "zh": "{column}：同时出现 1.234,50 和 1,234.50 两种写法；两种读法都可能的值已拒收",
    },
    # target lists: do-not-contact lists, consent, exports, campaign lists
    "err.id_list_empty": {
        "en": "The do-not-contact list {path} holds no customer id: nobody would be left out. Check the file.",
        "zh": "排除名单 {path} 中没有任何会员号，无法排除任何人。请检查文件。",
    },
    "err.id_list_no_column": {
        "en": "Which column of the do-not-contact list holds the ids? Name it customer_id / 会员卡号 or phone / 手机号 "
        "(columns found: {found}).",
        "zh": "排除名单中哪一列是会员号？请将该列命名为 会员卡号 / customer_id 或 手机号 / phone（现有列：{found}）。",
    },
    "err.empty_send_list": {
        "en": "The send list is empty, so no file was written: {reason}",
        "zh": "发送名单为空，未写出文件：{reason}",
    },
    "err.same_out_files": {
        "en": "--control-out is the same file as --out ({path}): the do-not-contact list would overwrite the send "
        "list. Give two different files.",
        "zh": "--control-out 与 --out 是同一个文件（{path}）：对照组（请勿联系）名单会覆盖发送名单。"
        "请指定两个不同的文件。",
    },
    "err.out_is_folder": {
        "en": "{path} is a folder; give a file name, e.g. {path}/list.csv",
        "zh": "{path} 是文件夹；请给出文件名，例如 {path}/list.csv",
    },
    "err.cannot_write": {"en": "Cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    "err.out_is_input": {
        "en": "{path} is one of the files this command reads; writing the list there would overwrite it. "
        "Give another output file.",
        "zh": "{path} 是本命令读取的输入文件之一；把名单写到这里会覆盖它。请指定另一个输出文件。",
    },
    "err.bad_seed": {
        "en": "The seed must be a whole number from 0 to {max}, got {seed}.",
        "zh": "随机种子须为 0 到 {max} 之间的整数，当前为 {seed}。",
    },
    "target.excl.unreachable.sms": {
        "en": "Cannot be reached by SMS (no phone or no SMS opt-in)",
        "zh": "无法通过短信触达（无手机号或未授权短信）",
    },
    "target.excl.unreachable.wechat": {
        "en": "Cannot be reached by WeChat (no WeChat opt-in)",
        "zh": "无法通过微信触达（未授权微信）",
    },
    "target.excl.unreachable.phone": {
        "en": "Cannot be reached by phone (no phone)",
        "zh": "无法通过电话触达（无手机号）",
    },
    "target.excl.unreachable.store": {
        "en": "Cannot be reached in store (nobody: a store reaches everyone)",
        "zh": "无法到店触达（无：到店渠道可触达所有人）",
    },
    "target.warn.no_consent.sms": {
        "en": "No SMS consent is recorded for this store (no members file, or its SMS opt-in column is not mapped), "
        "so nobody may get an SMS. Load a members file with an SMS opt-in column (e.g. 短信授权) and map it, "
        "or use the phone channel.",
        "zh": "该门店没有记录短信授权（没有会员资料，或未映射短信授权列），因此不能给任何人发短信。"
        "请导入含短信授权列（如「短信授权」）的会员资料并完成映射，或改用电话渠道。",
    },
    "target.warn.no_consent.wechat": {
        "en": "No WeChat consent is recorded for this store (no members file, or its WeChat opt-in column is not "
        "mapped), so nobody may get a WeChat message. Load a members file with a WeChat opt-in column "
        "(e.g. 微信授权) and map it, or use the phone channel.",
        "zh": "该门店没有记录微信授权（没有会员资料，或未映射微信授权列），因此不能给任何人发微信。"
        "请导入含微信授权列（如「微信授权」）的会员资料并完成映射，或改用电话渠道。",
    },
    "target.warn.ids_unmatched": {
        "en": "Only {matched} of the {read} ids on the do-not-contact list match a customer of this store: "
        "check that the file holds this store's customer ids or phones.",
        "zh": "排除名单的 {read} 个会员号中只有 {matched} 个能对应到本店顾客：请确认文件中是本店的会员号或手机号。",
    },
    "target.id_list_read": {
        "en": "Do-not-contact list: read {read} ids, {matched} match customers of this store.",
        "zh": "排除名单：读取 {read} 个会员号，其中 {matched} 个对应本店顾客。",
    },
    "target.empty.no_match": {"en": "no customer matches the filters.", "zh": "没有顾客符合筛选条件。"},
    "target.empty.step": {
        "en": "the step “{what}” removed the last {n} customers.",
        "zh": "「{what}」这一步排除了剩下的 {n} 位顾客。",
    },
    "target.empty.all_control": {
        "en": "all {n} customers of the list went to the held-out control group.",
        "zh": "名单中的 {n} 位顾客全部被分入对照组。",
    },
    "export.phones_invalid": {
        "en": "{n} phone numbers are not valid numbers (e.g. 1.38E+10 from Excel) and were left empty.",
        "zh": "{n} 个手机号不是有效号码（例如 Excel 写成的 1.38E+10），已留空。",
    },
    "export.rules.phones_invalid": {"en": "Phones left empty (not a valid number)", "zh": "留空的无效手机号"},
    "tgt.manual_any": {
        "en": "Do-not-contact list (CSV, text or Excel: customer ids or phones, one per line)",
        "zh": "排除名单（CSV、文本或 Excel：会员号或手机号，每行一个）",
    },
    "tgt.manual_unreadable": {
        "en": "The do-not-contact list {name} could not be used: {reason} Fix the file or remove it; no list is "
        "built without it.",
        "zh": "排除名单 {name} 无法使用：{reason} 请修正或移除该文件；在此之前不会生成名单。",
    },
    "tgt.empty": {"en": "The list is empty: {reason}", "zh": "名单为空：{reason}"},
    "camp.import_file_any": {
        "en": "List with customer ids (CSV, text or Excel; optionally a group column: treatment/control, "
        "发送组/对照组)",
        "zh": "包含会员号的名单（CSV、文本或 Excel；可含组别列：发送组/对照组、treatment/control）",
    },
    # workspace sharing and the demo build
    "cli.no_datasets": {
        "en": "The workspace has no dataset yet: load one with `python -m segcore ingest`.",
        "zh": "工作区还没有数据集：请先用 `python -m segcore ingest` 载入。",
    },
    "err.workspace_is_folder": {
        "en": "The workspace {path} is a folder: give the path of a workspace file, such as {path}/segcore.duckdb.",
        "zh": "工作区 {path} 是一个文件夹：请给出工作区文件的路径，例如 {path}/segcore.duckdb。",
    },
    "err.workspace_not_duckdb": {
        "en": "{path} is not a workspace file (a DuckDB database): give the path of a .duckdb file, or of a new one.",
        "zh": "{path} 不是工作区文件（DuckDB 数据库）：请给出 .duckdb 文件的路径，或一个新文件的路径。",
    },
    "err.workspace_missing": {
        "en": "There is no workspace at {path} yet: load data into it with the ingest command first.",
        "zh": "{path} 还没有工作区：请先用 ingest 命令导入数据。",
    },
    "err.workspace_unreadable": {
        "en": "The workspace {path} cannot be opened: {reason}",
        "zh": "无法打开工作区 {path}：{reason}",
    },
    "workspace.waiting": {
        "en": "The data is being updated, please wait…",
        "zh": "数据正在更新，请稍候…",
    },
    "workspace.busy": {
        "en": "The data is being updated by another program. Try again in a moment.",
        "zh": "另一个程序正在更新数据，请稍后再试。",
    },
    "workspace.retry": {"en": "Try again", "zh": "重试"},
    "cli.workspace_waiting": {
        "en": "waiting for the workspace (another program is writing to it)…",
        "zh": "正在等待工作区（另一个程序正在写入）…",
    },
    # cli: --dataset and --map
    "err.sales_and_dataset": {
        "en": "Give either --sales (files to read) or --dataset (data already loaded), not both.",
        "zh": "请只给出 --sales（要读取的文件）或 --dataset（已导入的数据）其中之一，不能同时给出。",
    },
    "err.no_sales_or_dataset": {
        "en": "Give the data: --sales FILE (files to read) or --dataset NAME (a dataset loaded with ingest).",
        "zh": "请给出数据：--sales 文件（要读取的文件）或 --dataset 名称（用 ingest 导入的数据集）。",
    },
    "err.file_option_with_dataset": {
        "en": "{option} describes files to read: use it with --sales, not with --dataset.",
        "zh": "{option} 用于描述要读取的文件：请与 --sales 一起使用，不能与 --dataset 一起使用。",
    },
    "err.workspace_without_dataset": {
        "en": "--workspace goes with --dataset: --sales files are read without a workspace.",
        "zh": "--workspace 需与 --dataset 一起使用：--sales 的文件不经过工作区读取。",
    },
    "err.unknown_dataset": {
        "en": "There is no dataset {dataset} in {path}; its datasets: {known}.",
        "zh": "{path} 中没有数据集 {dataset}；已有的数据集：{known}。",
    },
    "err.workspace_no_datasets": {
        "en": "The workspace {path} has no datasets yet: load data into it with the ingest command first.",
        "zh": "工作区 {path} 还没有数据集：请先用 ingest 命令导入数据。",
    },
    "err.ambiguous_dataset": {
        "en": "Several datasets are named {dataset} ({ids}): give the dataset's id instead.",
        "zh": "有多个数据集名为 {dataset}（{ids}）：请改用数据集编号。",
    },
    # issue 12, A: migration, overview and counts
    "mig.headline": {
        "en": "From {start} to {end}: {up} customers moved up, {down} moved down, and {pair} VIPs went silent "
        "({source} → {target}).",
        "zh": "{start} 至 {end}：{up} 位顾客升级，{down} 位降级，{pair} 位顾客从「{source}」转为「{target}」。",
    },
    "mig.definition": {
        "en": "How this is counted: each customer's tier on {start} against their tier on {end}; tier changes in "
        "between are not counted (someone who left a tier and came back stays). The headline, the flow chart, the "
        'matrix and the movers list all count this way: "moved up" adds the matrix cells towards a better tier, '
        '"moved down" those towards a worse one.',
        "zh": "统计口径：比较每位顾客在{start}和{end}两个日期的分层，中间的变化不计（中途离开又回到原分层的算作未变）。"
        "标题、流向图、迁移矩阵和迁移顾客名单都按此口径统计：「升级」是矩阵中移向更高分层的格子之和，「降级」是移向更低分层的格子之和。",
    },
    "mig.matrix": {"en": "From → to: customers and share of the row", "zh": "迁移矩阵：人数及占起始分层的比例"},
    "mig.matrix_note": {
        "en": "Rows: tier on {start}; columns: tier on {end}. Each cell: customers, and their share of the row.",
        "zh": "行：{start}的分层；列：{end}的分层。每格：人数，以及占该行人数的比例。",
    },
    "mig.flows": {"en": "Flows from {start} (left) to {end} (right)", "zh": "从{start}（左）到{end}（右）的流向"},
    "mig.net_flow_note": {
        "en": "Each bar: customers who came into the tier minus those who left it, from one snapshot to the next "
        "(one week or one month), not over the period above.",
        "zh": "每根柱：从一个快照到下一个快照（一周或一个月）流入该分层的人数减去流出的人数，与上方所选时段不同。",
    },
    "mig.sizes_note": {"en": "Customers in each tier on each snapshot date.", "zh": "每个快照日各分层的人数。"},
    "mig.short.high_spend": {"en": "High spend", "zh": "高消费"},
    "mig.short.high_ticket": {"en": "High ticket", "zh": "高单价"},
    "mig.short.loyal": {"en": "Loyal", "zh": "高忠诚"},
    "mig.short.promo_frequent": {"en": "Promo freq.", "zh": "低价高频"},
    "mig.short.promo_chaser": {"en": "Promo chaser", "zh": "促销黑名单"},
    "mig.short.silent": {"en": "Silent", "zh": "沉默"},
    "mig.short.sleeping": {"en": "Sleeping", "zh": "睡眠"},
    "mig.short.regular": {"en": "Regular", "zh": "普通"},
    "mig.short.potential": {"en": "Potential", "zh": "潜在"},
    "mig.short.none": {"en": "Not yet", "zh": "尚未成为顾客"},
    "count.def.bought": {
        "en": "Customers with at least one purchase up to the as-of date (an order worth more than 0 after its "
        "refunds).",
        "zh": "截至所选日期至少有一笔消费的顾客（扣除退款后金额大于 0 的订单）。",
    },
    "count.def.active": {
        "en": "Customers with at least one purchase in the 365 days up to the as-of date.",
        "zh": "截至所选日期的 365 天内至少有一笔消费的顾客。",
    },
    "count.def.members": {
        "en": "People in the members file who had joined by the as-of date (or have no join date), bought or not.",
        "zh": "会员档案中截至所选日期已入会（或无入会日期）的人，不论是否消费过。",
    },
    "count.def.in_sales": {
        "en": "Every customer id in the loaded sales lines, all dates, including customers whose orders were all "
        "refunded.",
        "zh": "已导入销售明细中的全部顾客编号（不限日期），包括订单全部退款的顾客。",
    },
    "count.def.in_tiers": {
        "en": "Everyone the tiers cover on the as-of date: members who had joined, and every customer with a sales "
        "line up to that date (even one whose orders were all refunded).",
        "zh": "所选日期分层覆盖的全部人数：已入会的会员，以及截至该日期有销售明细的每位顾客"
        "（包括订单全部退款的顾客）。",
    },
    "overview.other_counts": {
        "en": "Other counts of the same data: {in_tiers} in segments and target lists (members and everyone with a "
        "sales line up to {day}); {in_sales} customer ids in the sales lines on the Data page (all dates, "
        "refunded orders included).",
        "zh": "同一数据的其他口径：分群和目标名单覆盖 {in_tiers} 人（会员及截至{day}有销售明细的所有顾客）；"
        "「数据」页的销售明细中有 {in_sales} 个顾客编号（不限日期，含全部退款的订单）。",
    },
    "chart.partial_note": {
        "en": "* Partial month: the data covers only {days}.",
        "zh": "* 不完整月份：数据只覆盖 {days}。",
    },
    "chart.partial_hover": {"en": "partial month: {days}", "zh": "不完整月份：{days}"},
    "chart.day_range": {"en": "{first}–{last} {month}", "zh": "{month}{first}日–{last}日"},
    # (end of block)
    #
    # issue 12, B: segments, customer card and tier rules
    "seg.computing": {"en": "Placing the customers in their segments…", "zh": "正在为顾客分层…"},
    "seg.unplaced": {
        "en": "{n} customers are in none of these segments (only refunds so far, or no purchase in the scoring "
        "window); the shares are out of the customers placed.",
        "zh": "另有 {n} 位顾客不在这些分层中（目前只有退款，或评分期内没有消费）；占比按已分层的顾客计算。",
    },
    "seg.click_hint": {
        "en": "Click a bar, a tile or a grid cell to list its customers below; "
        "tick the box at the left of a row to open the customer.",
        "zh": "点击柱条、方块或网格单元，即在下方列出其顾客；勾选表格中一行左侧的方框，即打开该顾客。",
    },
    "seg.cell_title": {"en": "Customers in the grid cell R {r} · F {f}", "zh": "网格单元 R {r} · F {f} 的顾客"},
    "seg.whole_segment": {"en": "Show the whole segment", "zh": "查看整个分层"},
    "seg.list_count": {
        "en": "{n} customers. Tick the box at the left of a row to open the customer.",
        "zh": "共 {n} 位顾客。勾选一行左侧的方框即可打开该顾客。",
    },
    "seg.close_customer": {"en": "Close", "zh": "关闭"},
    "seg.pick_placeholder": {"en": "Choose a segment", "zh": "请选择分层"},
    "set.order_placeholder": {"en": "Choose the groups in order", "zh": "请按顺序选择分组"},
    "seg.profile.name": {"en": "Name", "zh": "姓名"},
    "seg.profile.phone": {"en": "Phone", "zh": "手机号"},
    "seg.profile.store": {"en": "Store", "zh": "门店"},
    "seg.profile.member_since": {"en": "Member since", "zh": "入会日期"},
    "seg.profile.not_member": {"en": "Not in the members file", "zh": "不在会员名单中"},
    "seg.profile.first_purchase": {"en": "First purchase", "zh": "首次消费"},
    "seg.profile.last_purchase": {"en": "Last purchase", "zh": "最近消费"},
    "seg.profile.birthday": {"en": "Birthday", "zh": "生日"},
    "seg.profile.lifetime": {"en": "Spend, all time", "zh": "累计消费"},
    "seg.profile.spend_12m": {"en": "Spend, last 12 months", "zh": "近12个月消费"},
    "seg.profile.points": {"en": "Points", "zh": "积分"},
    "seg.profile.where": {
        "en": "Tier, groups and segments, and the rule behind each",
        "zh": "所在分层、分组及依据的规则",
    },
    "seg.profile.no_segment": {"en": "In no segment as of this date.", "zh": "截至该日不属于任何分层。"},
    "seg.promo.yes": {"en": "Yes", "zh": "是"},
    "seg.promo.no": {"en": "No", "zh": "否"},
    "seg.history_axis": {"en": "Month-end", "zh": "月末"},
    "seg.why.tier_first": {
        "en": "The first of their groups in the tier order: {group}",
        "zh": "按分层优先顺序，其所属分组中排在最前的是：{group}",
    },
    "seg.why.tier_regular": {"en": "Bought, but in no member group", "zh": "有消费，但不属于任何会员分组"},
    "seg.why.tier_potential": {
        "en": "In the members file, no purchase on or before this date",
        "zh": "在会员名单中，截至该日尚无消费",
    },
    "seg.why.high_spend": {
        "en": "Among the top {high_spend_share} of buyers by spend in the last {window} days (spent {spend})",
        "zh": "近 {window} 天消费额位列前 {high_spend_share}（消费 {spend}）",
    },
    "seg.why.high_ticket": {
        "en": "Average order {aov}, at least {high_ticket_factor} × the store's average order ({avg})",
        "zh": "客单价 {aov}，不低于全店平均客单价（{avg}）的 {high_ticket_factor} 倍",
    },
    "seg.why.loyal": {
        "en": "Top {loyal_share} by spend, {orders} purchases in {window} days (at least {loyal_min_orders}), "
        "last purchase {recency} days ago (at most {loyal_max_recency_days}), mean gap at most "
        "{loyal_max_gap_days} days",
        "zh": "消费额位列前 {loyal_share}，近 {window} 天消费 {orders} 次（至少 {loyal_min_orders} 次），"
        "最近一次在 {recency} 天前（不超过 {loyal_max_recency_days} 天），平均间隔不超过 {loyal_max_gap_days} 天",
    },
    "seg.why.promo_frequent": {
        "en": "Among the top {promo_frequent_share} by promotion spend in the last {window} days (spent {promo})",
        "zh": "近 {window} 天促销消费额位列前 {promo_frequent_share}（促销消费 {promo}）",
    },
    "seg.why.promo_chaser": {
        "en": "Among the bottom {promo_chaser_share} by promotion spend, and promotions are at least "
        "{promo_chaser_min_promo_share} of their spend (promotion {promo} of {spend})",
        "zh": "促销消费额位列后 {promo_chaser_share}，且促销消费占其消费至少 {promo_chaser_min_promo_share}"
        "（促销 {promo} / 共 {spend}）",
    },
    "seg.why.silent": {
        "en": "A customer for at least {silent_min_tenure_days} days, but bought in the last {silent_recent_days} "
        "days at less than {silent_ratio} of their usual pace (last purchase {recency} days ago)",
        "zh": "成为顾客至少 {silent_min_tenure_days} 天，但近 {silent_recent_days} 天的消费次数不到其以往节奏的 "
        "{silent_ratio}（最近一次在 {recency} 天前）",
    },
    "seg.why.sleeping": {
        "en": "No purchase for more than {sleeping_days} days (last one {recency} days ago)",
        "zh": "超过 {sleeping_days} 天没有消费（最近一次在 {recency} 天前）",
    },
    "seg.why.life_potential": {
        "en": "In the members file, no purchase yet",
        "zh": "在会员名单中，尚无消费",
    },
    "seg.why.life_new": {
        "en": "First purchase within the last {new_days} days",
        "zh": "首次消费在近 {new_days} 天内",
    },
    "seg.why.life_churned": {
        "en": "Last purchase more than {churned_days} days ago ({recency} days)",
        "zh": "最近一次消费超过 {churned_days} 天（{recency} 天前）",
    },
    "seg.why.life_at_risk": {
        "en": "Last purchase more than {at_risk_days} days ago ({recency} days)",
        "zh": "最近一次消费超过 {at_risk_days} 天（{recency} 天前）",
    },
    "seg.why.life_loyal": {
        "en": "At least {loyal_purchases} purchases in the last {loyal_window_days} days",
        "zh": "近 {loyal_window_days} 天消费至少 {loyal_purchases} 次",
    },
    "seg.why.life_active": {
        "en": "Bought recently; not new, at risk, churned or loyal",
        "zh": "近期有消费；不属于新客户、预流失、流失或忠实客户",
    },
    "seg.why.rfm": {
        "en": "Scores R {r} · F {f} · M {m} (1 to {k}, over {lookback} days) place them in this cell of the grid",
        "zh": "得分 R {r} · F {f} · M {m}（1 至 {k} 分，统计 {lookback} 天），落在网格的这一格",
    },
    "seg.why.cn8": {
        "en": "Recency, frequency and spend over {lookback} days compared with the average buyer",
        "zh": "近 {lookback} 天的最近消费、频次与金额，与平均顾客相比",
    },
    "sign.aries": {"en": "Aries", "zh": "白羊座"},
    "sign.taurus": {"en": "Taurus", "zh": "金牛座"},
    "sign.gemini": {"en": "Gemini", "zh": "双子座"},
    "sign.cancer": {"en": "Cancer", "zh": "巨蟹座"},
    "sign.leo": {"en": "Leo", "zh": "狮子座"},
    "sign.virgo": {"en": "Virgo", "zh": "处女座"},
    "sign.libra": {"en": "Libra", "zh": "天秤座"},
    "sign.scorpio": {"en": "Scorpio", "zh": "天蝎座"},
    "sign.sagittarius": {"en": "Sagittarius", "zh": "射手座"},
    "sign.capricorn": {"en": "Capricorn", "zh": "摩羯座"},
    "sign.aquarius": {"en": "Aquarius", "zh": "水瓶座"},
    "sign.pisces": {"en": "Pisces", "zh": "双鱼座"},
    "set.percent": {"en": "{label} (%)", "zh": "{label}（%）"},
    "set.preview": {"en": "Before you save: who would change tier", "zh": "保存前预览：哪些顾客会换分层"},
    "set.preview_moves": {
        "en": "{n} customers would change tier as of {day}. Rows: their tier under the saved rules; columns: "
        "under the values above; the diagonal is who stays.",
        "zh": "截至 {day}，将有 {n} 位顾客换分层。行：按已保存规则的分层；列：按上方数值的分层；对角线为不变的顾客。",
    },
    "set.preview_same": {
        "en": "These are the saved rules: nobody changes tier.",
        "zh": "与已保存的规则相同：没有顾客会换分层。",
    },
    "set.preview_none": {
        "en": "With these values nobody changes tier as of {day}.",
        "zh": "按这些数值，截至 {day} 没有顾客换分层。",
    },
    "set.preview_blocked": {
        "en": "Fix the values marked above to see who would change tier.",
        "zh": "请先修正上方标出的数值，再查看哪些顾客会换分层。",
    },
    "set.from_to": {"en": "Saved → edited", "zh": "已保存 → 修改后"},
    "set.no_dataset": {"en": "Choose a dataset to preview the effect.", "zh": "请选择数据集以预览效果。"},
    "play.rfm.champions": {
        "en": "Thank them; early access and referral rewards",
        "zh": "表达感谢；新品抢先购与推荐奖励",
    },
    "play.rfm.loyal_customers": {
        "en": "Upsell higher-value products; ask for reviews",
        "zh": "推荐高价值商品；邀请评价",
    },
    "play.rfm.potential_loyalists": {"en": "Membership benefits to build the habit", "zh": "用会员权益培养消费习惯"},
    "play.rfm.new_customers": {
        "en": "Welcome series; a reason for the second visit",
        "zh": "欢迎礼遇；给第二次到店一个理由",
    },
    "play.rfm.promising": {"en": "Small offers to bring them back soon", "zh": "小额优惠，促其尽快回店"},
    "play.rfm.need_attention": {"en": "Personal recommendations, limited-time offer", "zh": "个性化推荐与限时优惠"},
    "play.rfm.about_to_sleep": {"en": "Reminder with a popular product", "zh": "以热销商品提醒回店"},
    "play.rfm.at_risk": {"en": "Win-back call with a personal offer", "zh": "电话挽回并给予专属优惠"},
    "play.rfm.cannot_lose": {"en": "Call them personally; understand what changed", "zh": "专人电话回访，了解流失原因"},
    "play.rfm.hibernating": {"en": "Low-cost reactivation message only", "zh": "仅做低成本的唤醒短信"},
    "play.cn8.important_value": {"en": "Keep them close: VIP service", "zh": "重点维护：VIP 专属服务"},
    "play.cn8.important_develop": {"en": "Raise visit frequency with member events", "zh": "以会员活动提高到店频次"},
    "play.cn8.important_keep": {"en": "They used to come often: call and invite back", "zh": "曾经常来：电话邀约回店"},
    "play.cn8.important_winback": {
        "en": "High spenders drifting away: personal win-back",
        "zh": "高消费但在流失：专人挽回",
    },
    "play.cn8.general_value": {
        "en": "Frequent but small baskets: bundles and add-ons",
        "zh": "常来但客单低：搭配与加购推荐",
    },
    "play.cn8.general_develop": {"en": "New and small: welcome offers", "zh": "新客且消费少：新客优惠"},
    "play.cn8.general_keep": {"en": "Keep in touch at low cost", "zh": "低成本保持联系"},
    "play.cn8.general_winback": {"en": "Occasional low-cost reminder", "zh": "偶尔低成本提醒"},
    # (end of block)
    #
    # issue 12, C: target lists and campaigns
    "tgt.counts_title": {"en": "Your list right now", "zh": "当前名单"},
    "tgt.def.size": {
        "en": "Matched the filters, minus the exclusions below",
        "zh": "符合筛选条件的顾客，减去下方的排除项",
    },
    "tgt.def.reach": {
        "en": "Of the list, those the {channel} channel can reach",
        "zh": "名单中可通过{channel}触达的顾客",
    },
    "tgt.def.matched": {
        "en": "Out of {total} customers known on {day} (bought by then, or in the members file)",
        "zh": "截至{day}已知的 {total} 位顾客（此前有消费或在会员名单中）",
    },
    "tgt.spend_max_none": {
        "en": "Spend (2 years) at most ¥ (0 = no upper limit)",
        "zh": "2年消费金额不高于 ¥（0 = 不设上限）",
    },
    "tgt.spend_max_help": {
        "en": "0 means no upper limit: every customer above the minimum is kept.",
        "zh": "0 表示不设上限：保留所有高于下限的顾客。",
    },
    "tgt.spend_min_none": {
        "en": "Spend (2 years) at least ¥ (0 = no lower limit)",
        "zh": "2年消费金额不低于 ¥（0 = 不设下限）",
    },
    "tgt.no_upper_limit": {"en": "No upper limit on spend.", "zh": "消费金额不设上限。"},
    "tgt.pick_any": {"en": "Any (choose to narrow)", "zh": "不限（选择以缩小范围）"},
    "tgt.pick_one": {"en": "Choose one", "zh": "请选择"},
    "camp.pick_planned": {"en": "{name} (starts {start}, no results yet)", "zh": "{name}（{start}开始，暂无结果）"},
    "camp.compare_planned": {
        "en": "Not in the table: {items}: not started yet, so no results.",
        "zh": "未列入表格：{items}：尚未开始，暂无结果。",
    },
    "camp.compare_planned_item": {"en": "{name} (starts {start})", "zh": "{name}（{start}开始）"},
    "camp.compare_pick_hint": {"en": "Choose campaigns", "zh": "选择活动"},
    "camp.pick_hint": {"en": "Choose a campaign", "zh": "选择营销活动"},
    "camp.not_conclusive": {"en": "not conclusive", "zh": "尚无定论"},
    "camp.col.conclusive": {"en": "Reading", "zh": "结论"},
    "camp.conclusive_up": {"en": "more buyers", "zh": "购买率提升"},
    "camp.conclusive_down": {"en": "fewer buyers", "zh": "购买率下降"},
    "camp.not_conclusive_note": {
        "en": "“Not conclusive”: the 95% interval of the response rate gain includes zero, so this tier's result "
        "could be chance.",
        "zh": "“尚无定论”：购买率提升的 95% 置信区间包含 0，该分层的结果可能只是偶然。",
    },
    "camp.chart.rate_axis": {"en": "Bought during the campaign", "zh": "活动期间购买率"},
    "camp.chart.rpc_axis": {"en": "Revenue per customer", "zh": "人均收入"},
    "camp.chart.cum_rpc_in": {"en": "Cumulative revenue per customer ({sign})", "zh": "累计人均收入（{sign}）"},
    # (end of block)
    #
    # issue 12, D: weekly review and presentation
    "weekly.demo_store": {"en": "Demo store", "zh": "演示门店"},
    "weekly.col.who": {"en": "Customer", "zh": "顾客"},
    "weekly.no_sales": {"en": "No sales this week ({start} to {end}).", "zh": "本周无销售（{start} 至 {end}）。"},
    "weekly.no_sales_value": {"en": "No sales", "zh": "本周无销售"},
    "weekly.last_week": {"en": "last week: {value}", "zh": "上周：{value}"},
    "weekly.keys_hint": {
        "en": "Keys: → Space PgDn next · ← PgUp previous",
        "zh": "按键：→ 空格 PgDn 下一部分 · ← PgUp 上一部分",
    },
    # (end of block)
    #
    # issue 12, E: data page and uploads
    "data.empty_files": {
        "en": "No data rows, only a header line: {files}. Remove it, or upload the file with its rows.",
        "zh": "只有表头、没有数据行：{files}。请移除该文件，或上传包含数据行的文件。",
    },
    "data.load_failed": {
        "en": "Nothing was loaded: the reason is below.",
        "zh": "未载入任何文件，原因见下方。",
    },
    "data.group_many": {
        "en": "{kind} · {n} files with the same columns",
        "zh": "{kind} · {n} 个表头相同的文件",
    },
    "data.group_one": {"en": "{kind} · {file}", "zh": "{kind} · {file}"},
    "data.group_applies": {
        "en": "This mapping applies to all {n} files of this group.",
        "zh": "此对应关系适用于本组全部 {n} 个文件。",
    },
    "data.group_previews": {"en": "Preview of each file (click to open):", "zh": "各文件预览（点击展开）："},
    "data.file_preview": {"en": "{file} · {n} rows", "zh": "{file} · 共 {n} 行"},
    "data.sheet_of": {"en": "Sheet of {file}", "zh": "{file} 的工作表"},
    "data.amount_derived": {
        "en": "No amount column is chosen: each line's amount will be computed as quantity × unit price.",
        "zh": "未选择金额列：每行金额将按 数量 × 单价 计算。",
    },
    "data.currency": {"en": "Currency of the amounts", "zh": "金额币种"},
    "data.currency_guessed": {
        "en": "Guessed from the files (currency signs or codes, a country column, Chinese headers); "
        "change it if wrong.",
        "zh": "根据文件推断（货币符号或代码、国家列、中文表头），如有误请更改。",
    },
    "data.currency_current": {
        "en": "The files do not say: the dataset's current currency is proposed.",
        "zh": "文件中没有币种信息：沿用该数据集当前的币种。",
    },
    "data.currency_default": {
        "en": "The files do not say: yuan is proposed; change it if wrong.",
        "zh": "文件中没有币种信息：默认人民币，如有误请更改。",
    },
    "data.pick": {"en": "Choose…", "zh": "请选择…"},
    "data.load_totals": {"en": "The whole load", "zh": "本次载入合计"},
    "data.load_files": {"en": "Files", "zh": "文件数"},
    "data.load_members": {"en": "Member lines kept", "zh": "保留的会员行"},
    "data.load_skipped": {
        "en": "{n} file(s) already in the dataset were skipped (nothing added twice).",
        "zh": "{n} 个文件已在该数据集中，已跳过（未重复添加）。",
    },
    "data.load_facts": {
        "en": "Dates {first} – {last} · net amount {amount} ({currency}) · {refunds} refund lines",
        "zh": "日期 {first} 至 {last} · 净额 {amount}（{currency}） · 退款行 {refunds}",
    },
    "data.load_no_rejects": {"en": "No line was rejected.", "zh": "没有被拒收的行。"},
    "data.load_derived": {
        "en": "In {n} of the files the amount was computed as quantity × unit price (no amount column).",
        "zh": "其中 {n} 个文件没有金额列，金额按 数量 × 单价 计算。",
    },
    "data.customers_def": {
        "en": "Customers: distinct customer ids with at least one kept sales line (refund lines included).",
        "zh": "顾客数：至少有一条保留的销售行（含退款行）的不同会员号个数。",
    },
    "data.per_file": {"en": "File by file", "zh": "逐个文件"},
    "data.upload_more": {"en": "Upload more files", "zh": "继续上传文件"},
    "data.download_all_rejects": {
        "en": "Download the rejected rows (all files, one CSV)",
        "zh": "下载被拒收的行（所有文件，一个 CSV）",
    },
    "data.file_details": {"en": "Details: {file}", "zh": "详情：{file}"},
    "files.file": {"en": "File", "zh": "文件"},
    "files.kind": {"en": "Kind", "zh": "类型"},
    "files.status": {"en": "Status", "zh": "状态"},
    "files.status.loaded": {"en": "loaded", "zh": "已载入"},
    "files.status.duplicate": {"en": "already loaded, skipped", "zh": "已载入过，跳过"},
    "files.read": {"en": "Read", "zh": "读取"},
    "files.kept": {"en": "Kept", "zh": "保留"},
    "files.rejected": {"en": "Rejected", "zh": "拒收"},
    "files.customers": {"en": "Customers", "zh": "顾客数"},
    "files.dates": {"en": "Dates", "zh": "日期范围"},
    "files.amount": {"en": "Net amount", "zh": "净额"},
    "files.amount_from": {"en": "Amount from", "zh": "金额来源"},
    "files.amount_column": {"en": "amount column", "zh": "金额列"},
    "files.amount_derived": {"en": "quantity × unit price", "zh": "数量 × 单价"},
    "rejects.file": {"en": "file", "zh": "文件"},
    "rejects.line": {"en": "line", "zh": "行号"},
    "rejects.reason": {"en": "reason", "zh": "拒收原因"},
    "data.settings": {"en": "Dataset settings", "zh": "数据集设置"},
    "data.settings_pick": {"en": "Dataset", "zh": "数据集"},
    "data.settings_currency": {"en": "Currency of its amounts", "zh": "所选数据集的金额币种"},
    "data.settings_save_currency": {"en": "Save the currency", "zh": "保存币种"},
    "data.settings_currency_saved": {
        "en": "{dataset} now shows its amounts in {currency}.",
        "zh": "{dataset} 的金额现以 {currency} 显示。",
    },
    "data.default_now": {
        "en": "New sessions (and the meeting screen) open on: **{dataset}**",
        "zh": "新会话（及例会大屏）默认打开：**{dataset}**",
    },
    "data.make_default": {
        "en": "Open new sessions (and the meeting screen) on this dataset",
        "zh": "新会话（及例会大屏）默认打开此数据集",
    },
    "data.is_default": {
        "en": "This is the default dataset.",
        "zh": "这是默认数据集。",
    },
    "datasets.default": {"en": "Default", "zh": "默认"},
    "datasets.currency": {"en": "Currency", "zh": "币种"},
    "uploader.button": {"en": "Upload", "zh": "上传文件"},
    "uploader.limit": {"en": "{mb}MB per file • {types}", "zh": "每个文件不超过 {mb}MB • {types}"},
    "uploader.drop": {"en": "Drag and drop files here", "zh": "将文件拖放到这里"},
    # (end of block)
    #
    # issue 12, F: frame, sidebar and Streamlit's own words
    "ui.select_all": {"en": "Select all", "zh": "全选"},
    "ui.select_matches": {"en": "Select the matches", "zh": "选择全部匹配项"},
    "sidebar.dataset_placeholder": {"en": "Choose a dataset", "zh": "请选择数据集"},
    "ui.choose_one": {"en": "Choose an option", "zh": "请选择"},
    "ui.choose_many": {"en": "Choose options", "zh": "请选择（可多选）"},
    "ui.no_options": {"en": "Nothing to choose from", "zh": "没有可选项"},
    "ui.working": {"en": "Working…", "zh": "正在计算…"},
    "ui.press_enter": {"en": "Press Enter to apply", "zh": "按回车键确认"},
    "ui.press_ctrl_enter": {"en": "Press Ctrl+Enter to apply", "zh": "按 Ctrl+回车键确认"},
    "ui.press_enter_form": {"en": "Press Enter to submit form", "zh": "按回车键提交"},
    "ui.stop": {"en": "Stop", "zh": "停止"},
    # (end of block)
    #
    # issue 11, C: preparing a large dataset in the background (segcore.prepared, ui.preparing)
    "prepare.running": {"en": "Preparing the pages: {stage}", "zh": "正在准备各页面：{stage}"},
    "prepare.note": {
        "en": "Pages open faster once this is done; until then they compute as usual.",
        "zh": "完成后各页面打开更快；在此之前照常计算。",
    },
    "prepare.stage.tiers": {"en": "tiers as of the chosen date", "zh": "截至所选日期的分层"},
    "prepare.stage.sundays": {"en": "the weekly review's weeks", "zh": "周报各周数据"},
    "prepare.stage.migration": {"en": "the weekly tier history", "zh": "每周分层变化"},
    "prepare.stage.month_ends": {"en": "month-end tiers for customer cards", "zh": "客户卡片的月末分层"},
    "prepare.stage.forecast": {"en": "the forecast", "zh": "预测"},
    "prepare.stage.migration_view": {"en": "who moved between tiers", "zh": "顾客分层迁移"},
    "prepare.stage.weekly": {"en": "the weekly review", "zh": "周报"},
    "prepare.stage.overview": {"en": "the overview", "zh": "总览"},
    "prepare.stage.candidates": {"en": "the target-list fields", "zh": "目标名单字段"},
    "prepare.stage.done": {"en": "done", "zh": "已完成"},
    "seg.list_shown": {
        "en": "The table shows the first {n}, biggest spenders first; search by ID to find anyone else.",
        "zh": "表格显示消费最高的前 {n} 位；其他客户请按编号搜索。",
    },
    "prepare.cli_done": {
        "en": "{dataset}: prepared as of {day} ({computed} computed, {skipped} already current)",
        "zh": "{dataset}：已按 {day} 准备（计算 {computed} 项，{skipped} 项已是最新）",
    },
    # (end of block)
    # --- personas (segcore.persona) ---
    "report.extra_columns": {
        "en": "Also kept as customer attributes (for personas and list filters): {columns}",
        "zh": "其他列已保存为客户属性（可用于客户画像和名单筛选）：{columns}",
    },
    "report.kind.number": {"en": "number", "zh": "数字"},
    "report.kind.date": {"en": "date", "zh": "日期"},
    "report.kind.text": {"en": "text", "zh": "文本"},
    "err.unknown_segment": {
        "en": "Unknown segment {segment}: use one of {choices}.",
        "zh": "未知的分层 {segment}：请使用以下之一：{choices}。",
    },
    "err.bad_min_count": {
        "en": "--min-count must be a whole number of at least 1, not {value}.",
        "zh": "--min-count 必须是不小于 1 的整数，不能是 {value}。",
    },
    "persona.attr.gender": {"en": "Gender", "zh": "性别"},
    "persona.attr.age_band": {"en": "Age", "zh": "年龄"},
    "persona.attr.birth_month": {"en": "Birthday month", "zh": "生日月份"},
    "persona.attr.zodiac": {"en": "Chinese zodiac", "zh": "生肖"},
    "persona.attr.constellation": {"en": "Star sign", "zh": "星座"},
    "persona.attr.store": {"en": "Store", "zh": "门店"},
    "persona.attr.tenure_band": {"en": "Member for", "zh": "入会时长"},
    "persona.attr.points_band": {"en": "Points", "zh": "积分"},
    "persona.attr.category": {"en": "Main category", "zh": "主要品类"},
    "persona.attr.spend_band": {"en": "Spend (2 years)", "zh": "消费金额（近2年）"},
    "persona.attr.promo_share_band": {"en": "Spend on promotion", "zh": "促销消费占比"},
    "persona.unknown": {"en": "Unknown", "zh": "未知"},
    "cli.persona_done": {
        "en": "{segment}: {n} of {base} customers as of {day}; {rows} rows written to {out}",
        "zh": "{segment}：截至 {day}，全体 {base} 位顾客中有 {n} 位；已写入 {rows} 行到 {out}",
    },
    "persona.below": {"en": "under {x}", "zh": "不到{x}"},
    "persona.at_least": {"en": "{x} or more", "zh": "{x}及以上"},
    "persona.too_few": {
        "en": "{segment}: only {n} customers, fewer than the {min} an index needs; lower the minimum to compare.",
        "zh": "{segment}：仅 {n} 位顾客，少于显示指数所需的 {min} 位；可调低最少人数后再比较。",
    },
    "persona.month": {"en": "{month}", "zh": "{month}月"},
    "persona.band.age_band.<20": {"en": "under 20", "zh": "20 岁以下"},
    "persona.band.age_band.20-29": {"en": "20–29", "zh": "20–29 岁"},
    "persona.band.age_band.30-39": {"en": "30–39", "zh": "30–39 岁"},
    "persona.band.age_band.40-49": {"en": "40–49", "zh": "40–49 岁"},
    "persona.band.age_band.50-59": {"en": "50–59", "zh": "50–59 岁"},
    "persona.band.age_band.60+": {"en": "60 and over", "zh": "60 岁及以上"},
    "persona.band.tenure_band.<6m": {"en": "under 6 months", "zh": "不到半年"},
    "persona.band.tenure_band.6-12m": {"en": "6–12 months", "zh": "半年至1年"},
    "persona.band.tenure_band.1-2y": {"en": "1–2 years", "zh": "1–2 年"},
    "persona.band.tenure_band.2-3y": {"en": "2–3 years", "zh": "2–3 年"},
    "persona.band.tenure_band.3-5y": {"en": "3–5 years", "zh": "3–5 年"},
    "persona.band.tenure_band.5y+": {"en": "5 years or more", "zh": "5 年及以上"},
    "persona.band.promo_share_band.<1%": {"en": "under 1%", "zh": "不到 1%"},
    "persona.band.promo_share_band.1-25%": {"en": "1–25%", "zh": "1–25%"},
    "persona.band.promo_share_band.25-50%": {"en": "25–50%", "zh": "25–50%"},
    "persona.band.promo_share_band.50-75%": {"en": "50–75%", "zh": "50–75%"},
    "persona.band.promo_share_band.75%+": {"en": "75% or more", "zh": "75% 及以上"},
    "persona.part": {
        "en": "{attribute} {value}: {share} ({base} overall)",
        "zh": "{attribute}为{value}的占 {share}（整体 {base}）",
    },
    "persona.sentence": {"en": "{segment}: {parts}.", "zh": "{segment}：{parts}。"},
    "persona.nothing_stands_out": {
        "en": "{segment}: no attribute sets this segment clearly apart from the whole customer base.",
        "zh": "{segment}：没有哪项属性与全体顾客明显不同。",
    },
    # --- personas page (ui) ---
    "nav.personas": {"en": "Personas", "zh": "客户画像"},
    "per.title": {"en": "Personas: who is in a segment", "zh": "客户画像"},
    "per.computing": {"en": "Counting every attribute of every segment…", "zh": "正在统计各分层的客户属性…"},
    "per.segment": {"en": "Segment", "zh": "分层"},
    "per.segment_option": {"en": "{segment} · {n} customers", "zh": "{segment}（{n} 人）"},
    "per.compare": {"en": "Compare with", "zh": "对比分层"},
    "per.compare_none": {"en": "No comparison", "zh": "不对比"},
    "per.compare_option": {"en": "{scheme} · {segment}", "zh": "{scheme} · {segment}"},
    "per.min_count": {"en": "Min. customers for an index", "zh": "显示指数的最少人数"},
    "per.min_count_help": {
        "en": "A value held by fewer customers of the segment shows no index: a few customers more or less would "
        "swing it.",
        "zh": "本分层中具有该取值的顾客少于此人数时不显示指数：人数太少，指数会大起大落。",
    },
    "per.as_of": {
        "en": "All customers as of {day}: everyone who bought by then, and members.",
        "zh": "全体顾客：截至{day}有过消费的顾客及会员。",
    },
    "per.empty": {"en": "No customer is in {segment} as of {day}.", "zh": "截至{day}，{segment}没有顾客。"},
    "per.size": {"en": "{n} customers, {share} of all", "zh": "{n} 位顾客，占全体 {share}"},
    "per.how_to_read": {
        "en": "Bars: the share of this segment with each value. Black tick: the share of all customers. "
        "Index = segment share ÷ share of all customers × 100: {high} or more (green ▲) is clearly more common in "
        "this segment, {low} or less (orange ▼) clearly rarer.",
        "zh": "条形：本分层中各取值的占比；黑色竖线：全体顾客中的占比。指数 = 本分层占比 ÷ 全体占比 × 100："
        "{high} 及以上（绿色 ▲）表示本分层明显偏多，{low} 及以下（橙色 ▼）表示明显偏少。",
    },
    "per.min_rule": {
        "en": "Index shown only where at least {n} customers of the segment have the value (lighter bars: fewer).",
        "zh": "仅当本分层中至少 {n} 位顾客具有该取值时才显示指数（颜色较浅的条形人数不足）。",
    },
    "per.click_hint": {
        "en": "Click a bar to open that segment and value as a target list.",
        "zh": "点击任一条形，即可按该分层和取值生成目标名单。",
    },
    "per.index": {"en": "index {n}", "zh": "指数 {n}"},
    "per.hover": {
        "en": "{value}<br>This segment: {share} ({n})<br>All customers: {base} ({base_n})",
        "zh": "{value}<br>本分层：{share}（{n} 人）<br>全体顾客：{base}（{base_n} 人）",
    },
    "per.hover_index": {"en": "Index {n}", "zh": "指数 {n}"},
    "per.hover_no_index": {
        "en": "No index: fewer than {n} customers of the segment",
        "zh": "本分层人数少于 {n}，不显示指数",
    },
    "per.segment_legend": {"en": "This segment", "zh": "本分层"},
    "per.base_legend": {"en": "All customers", "zh": "全体顾客"},
    "per.coverage_low": {
        "en": "{attribute} known for {share} of this segment: too little data to rely on.",
        "zh": "{attribute}仅知 {share}：数据不足，仅供参考。",
    },
    "per.top_values": {
        "en": "The {n} most common of {total} values (the open-as-a-list box below reaches every value).",
        "zh": "仅显示最常见的 {n} 个取值（共 {total} 个；下方“在目标名单中打开”可选任一取值）。",
    },
    "per.handover_title": {"en": "Open as a target list", "zh": "在目标名单中打开"},
    "per.handover_caption": {
        "en": "{segment} with one value of one attribute: the Target lists page opens with both filters set.",
        "zh": "{segment}中具有某一属性取值的顾客：打开「目标名单」页，两项筛选条件均已填好。",
    },
    "per.handover_attribute": {"en": "Attribute", "zh": "属性"},
    "per.handover_value": {"en": "Value", "zh": "取值"},
    "per.handover_value_option": {"en": "{value} ({n} customers)", "zh": "{value}（{n} 人）"},
    "per.handover_button": {"en": "Open as a target list", "zh": "在目标名单中打开"},
    "per.handover_unknown": {
        "en": "Customers whose value is unknown cannot be opened as a list: pick a known value.",
        "zh": "取值未知的顾客无法生成名单：请选择一个已知取值。",
    },
    "tgt.handover": {"en": "From Personas: {rule}", "zh": "来自客户画像：{rule}"},
    "tgt.handover_clear": {"en": "Clear the filters from Personas", "zh": "清除来自客户画像的条件"},
    "tgt.extra_filters": {"en": "Other columns of your files", "zh": "文件中的其他列"},
    "tgt.extra_caption": {
        "en": "Columns of your files kept as they are. From the sales file, a number is the sum over a customer's "
        "purchases up to the as-of date, a date the latest, a text the value on most purchases.",
        "zh": "文件中保留的其他列。来自销售文件的列：数字为截至日期前该顾客各笔消费之和，"
        "日期取最近一次，文字取出现最多的值。",
    },
    "tgt.extra_min": {"en": "{name} at least", "zh": "{name}不低于"},
    "tgt.extra_max": {"en": "{name} at most", "zh": "{name}不高于"},
    "tgt.extra_from": {"en": "{name} from", "zh": "{name}起"},
    "tgt.extra_to": {"en": "{name} to", "zh": "{name}止"},
    "tgt.extra_any": {"en": "any", "zh": "不限"},
    "tgt.extra_capped": {
        "en": "{name}: the {n} most common of {total} values.",
        "zh": "{name}：仅列出最常见的 {n} 个取值（共 {total} 个）。",
    },
    # --- forecast page (ui) ---
    "nav.forecast": {"en": "Forecast", "zh": "预测"},
    "fc.title": {"en": "Forecast: who will buy again", "zh": "预测：谁会再来购买"},
    "fc.intro": {
        "en": "From each customer's purchases up to {day}, a model estimates the chance they are still active, how "
        "many purchases they will make in the next {days} days and what those purchases are worth (CLV, customer "
        "lifetime value over those days, discounted at {rate} a year). Members who never bought are not modelled.",
        "zh": "根据每位顾客截至{day}的购买记录，模型估算其仍然活跃的概率、未来{days}天的预计购买次数，"
        "以及这些购买的价值（顾客终身价值 CLV：这{days}天内的预计消费，按每年 {rate} 折现）。"
        "从未购买的会员不参与预测。",
    },
    "fc.computing": {"en": "Computing the forecast…", "zh": "正在计算预测…"},
    "fc.settings": {"en": "Forecast settings", "zh": "预测设置"},
    "fc.horizon": {"en": "Horizon (days)", "zh": "预测期（天）"},
    "fc.horizon_help": {
        "en": "How far ahead the expected purchases and CLV reach. The model is checked over the same length.",
        "zh": "预计购买次数和顾客终身价值所覆盖的天数；模型准确度也按同样长度检验。",
    },
    "fc.discount": {"en": "Annual discount rate (%)", "zh": "年折现率（%）"},
    "fc.discount_help": {
        "en": "Money expected later is worth a little less than money today; 10% a year is usual.",
        "zh": "未来的收入不如今天的收入值钱；通常取每年 10%。",
    },
    "fc.bad_discount": {
        "en": "The annual discount rate must be 0% to 100%, not {value}%.",
        "zh": "年折现率须在 0% 至 100% 之间，而不是 {value}%。",
    },
    "fc.other_settings": {
        "en": "Target lists and customer cards use the forecast at the default settings ({days} days, {rate} a year).",
        "zh": "目标名单和顾客卡片使用默认设置（{days} 天、每年 {rate}）下的预测。",
    },
    "fc.warn_title": {
        "en": "The model does not fit this store's data well. Use the numbers below with care:",
        "zh": "模型与本店数据不太相符，请谨慎使用以下数字：",
    },
    "fc.m.customers": {"en": "Customers modelled", "zh": "参与预测的顾客"},
    "fc.m.customers_help": {
        "en": "Everyone with a purchase on or before {day}.",
        "zh": "截至{day}有过购买的顾客。",
    },
    "fc.m.active": {"en": "Likely still active", "zh": "可能仍活跃"},
    "fc.m.active_help": {
        "en": "{n} customers whose chance of still being active is 50% or more.",
        "zh": "{n} 位顾客仍然活跃的概率在 50% 及以上。",
    },
    "fc.m.purchases": {"en": "Purchases, next {days} days", "zh": "未来{days}天预计购买"},
    "fc.m.purchases_help": {
        "en": "Expected purchases of every customer modelled, added up: {per} per customer.",
        "zh": "所有参与预测顾客的预计购买次数之和：人均 {per} 次。",
    },
    "fc.m.value": {"en": "Value (CLV), next {days} days", "zh": "未来{days}天预计价值"},
    "fc.m.value_help": {
        "en": "Expected value (CLV): every customer's expected spend over the next {days} days, discounted at {rate} "
        "a year, added up.",
        "zh": "预计价值（顾客终身价值 CLV）：每位顾客未来{days}天的预计消费（按每年 {rate} 折现）之和。",
    },
    "fc.alive.title": {"en": "How likely are customers to still be active?", "zh": "顾客仍然活跃的可能性"},
    "fc.alive.caption": {
        "en": "Customers by their chance of still being active (P(alive)). Left of the 50% line: probably gone for "
        "good unless something brings them back. The model counts a customer who has bought only once as still "
        "active: it has not yet seen them stop.",
        "zh": "按活跃概率（P(alive)）统计的顾客数。50% 线左侧的顾客很可能已经流失，除非有所挽回。"
        "只购买过一次的顾客，模型尚未观察到其流失，因此视为仍活跃。",
    },
    "fc.alive.x": {"en": "Chance still active", "zh": "活跃概率"},
    "fc.alive.y": {"en": "Customers", "zh": "顾客数"},
    "fc.alive.hover": {"en": "{low}–{high}: {n} customers", "zh": "{low}–{high}：{n} 位顾客"},
    "fc.seg.title": {"en": "Expected purchases and value by segment", "zh": "各分层的预计购买与价值"},
    "fc.seg.by": {"en": "Split by", "zh": "分组方式"},
    "fc.seg.caption_groups": {
        "en": "A customer can be in several member groups, so the bars add up to more than the total.",
        "zh": "一位顾客可同时属于多个会员分组，因此各条形之和大于总数。",
    },
    "fc.seg.purchases": {"en": "Expected purchases, next {days} days", "zh": "未来{days}天预计购买次数"},
    "fc.seg.value": {"en": "Expected value (CLV), next {days} days", "zh": "未来{days}天预计价值（CLV）"},
    "fc.seg.hover": {
        "en": "{segment}<br>{n} customers<br>Total: {total}<br>Per customer: {per}",
        "zh": "{segment}<br>{n} 位顾客<br>合计：{total}<br>人均：{per}",
    },
    "fc.slip.title": {"en": "Valuable but slipping", "zh": "高价值但流失风险高"},
    "fc.slip.caption": {
        "en": "The top {share} of customers by expected value (CLV {clv} or more) whose chance of still being active "
        "is below 50%: worth a personal call before they are gone.",
        "zh": "预计价值前 {share}（顾客终身价值 {clv} 及以上）、仍然活跃的概率低于 50% 的顾客：值得在流失前主动联系。",
    },
    "fc.slip.count": {"en": "{n} customers", "zh": "{n} 位顾客"},
    "fc.slip.none": {"en": "No valuable customer is slipping away right now.", "zh": "目前没有高价值顾客面临流失。"},
    "fc.slip.no_clv": {
        "en": "No customer has an expected value (the warnings above say why), so nobody can be picked out.",
        "zh": "没有顾客的预计价值（原因见上方提醒），因此无法挑出高价值顾客。",
    },
    "fc.slip.more": {
        "en": "The {n} most valuable of {total} are shown.",
        "zh": "显示预计价值最高的 {n} 位（共 {total} 位）。",
    },
    "fc.slip.open": {"en": "Open as a target list", "zh": "在目标名单中打开"},
    "fc.col.p_alive": {"en": "Chance still active", "zh": "活跃概率"},
    "fc.col.expected_purchases": {"en": "Expected purchases", "zh": "预计购买次数"},
    "fc.col.clv": {"en": "Expected value (CLV)", "zh": "预计价值（CLV）"},
    "fc.acc.title": {"en": "Model accuracy", "zh": "模型准确度"},
    "fc.acc.how": {
        "en": "To check the model, it was fitted again on the purchases up to {calibration} only (the calibration "
        "date), and what it expected for the {days} days after that compared with what customers actually bought "
        "up to {end}.",
        "zh": "为检验模型，只用截至{calibration}（校准日）的购买记录重新拟合，"
        "再将其对此后 {days} 天的预计与顾客截至{end}的实际购买进行比较。",
    },
    "fc.acc.error": {
        "en": "In those {days} days customers made {actual} purchases; the model expected {predicted}: an error of "
        "{error}.",
        "zh": "在这 {days} 天里，顾客实际购买 {actual} 次，模型预计 {predicted} 次：偏差 {error}。",
    },
    "fc.acc.within": {
        "en": "Within the {max} the forecast allows.",
        "zh": "在允许的 {max} 以内。",
    },
    "fc.acc.none": {
        "en": "Too little history to check the model: it needs at least {days} days of sales up to {day}.",
        "zh": "历史数据太少，无法检验模型：截至{day}至少需要 {days} 天的销售记录。",
    },
    "fc.acc.freq_title": {
        "en": "Purchases per customer in the {days} days, by purchases before",
        "zh": "这 {days} 天内的人均购买次数（按此前复购次数分组）",
    },
    "fc.acc.freq_x": {
        "en": "Repeat purchases up to the calibration date",
        "zh": "校准日前的复购次数",
    },
    "fc.acc.freq_y": {"en": "Purchases per customer", "zh": "人均购买次数"},
    "fc.acc.freq_hover": {
        "en": "{series}: {value} per customer<br>{n} customers",
        "zh": "{series}：人均 {value} 次<br>{n} 位顾客",
    },
    "fc.acc.weekly_title": {"en": "Repeat purchases, added up week by week", "zh": "累计复购次数（按周）"},
    "fc.acc.weekly_y": {"en": "Repeat purchases (cumulative)", "zh": "累计复购次数"},
    "fc.acc.actual": {"en": "Actual", "zh": "实际"},
    "fc.acc.predicted": {"en": "Model", "zh": "模型预计"},
    "fc.acc.calibration": {"en": "Calibration date", "zh": "校准日"},
    "fc.card.head": {"en": "Forecast:", "zh": "预测："},
    "fc.card.p_alive": {"en": "Chance still active", "zh": "活跃概率"},
    "fc.card.purchases": {"en": "Expected purchases, next {days} days", "zh": "未来{days}天预计购买"},
    "fc.card.clv": {"en": "Expected value (CLV), next {days} days", "zh": "未来{days}天预计价值"},
    "fc.card.not_modelled": {"en": "Not modelled: no purchase yet.", "zh": "未纳入预测：尚无购买记录。"},
    "fc.card.caution": {
        "en": "The forecast model has warnings for this store: see the Forecast page.",
        "zh": "预测模型对本店数据有提醒，详见“预测”页。",
    },
    "tgt.forecast_filters": {
        "en": "Forecast: chance still active, expected purchases, CLV",
        "zh": "预测：活跃概率、预计购买次数、顾客终身价值",
    },
    "tgt.forecast_caption": {
        "en": "From the forecast as of the list's date, over the next {days} days. Members who never bought have no "
        "forecast, so any of these filters leaves them out.",
        "zh": "来自截至名单日期的预测（未来 {days} 天）。从未购买的会员没有预测值，设置任一项都会将其排除。",
    },
    "tgt.forecast_warn": {
        "en": "The forecast behind these filters has warnings:",
        "zh": "这些筛选所依据的预测有以下提醒：",
    },
    "tgt.fc.p_alive_min": {"en": "Chance still active at least (0–1)", "zh": "活跃概率不低于（0–1）"},
    "tgt.fc.p_alive_max": {"en": "Chance still active at most (0–1)", "zh": "活跃概率不高于（0–1）"},
    "tgt.fc.expected_purchases_min": {"en": "Expected purchases at least", "zh": "预计购买次数不低于"},
    "tgt.fc.expected_purchases_max": {"en": "Expected purchases at most", "zh": "预计购买次数不高于"},
    "tgt.fc.clv_min": {"en": "CLV at least ({sign})", "zh": "顾客终身价值不低于（{sign}）"},
    "tgt.fc.clv_max": {"en": "CLV at most ({sign})", "zh": "顾客终身价值不高于（{sign}）"},
    "tgt.handover_forecast": {"en": "From Forecast: {rule}", "zh": "来自预测：{rule}"},
    "tgt.handover_clear_forecast": {"en": "Clear the filters from Forecast", "zh": "清除来自预测的条件"},
    # --- forecast (segcore.forecast) ---
    "forecast.warn.few_repeat": {
        "en": "Only {n} customers have bought more than once; the model needs at least {min}. "
        "Treat these numbers as rough.",
        "zh": "只有 {n} 位顾客有过复购，模型至少需要 {min} 位。以下数字仅供粗略参考。",
    },
    "forecast.warn.not_converged": {
        "en": "The {model} fit did not settle on an answer: its numbers may be wrong.",
        "zh": "{model} 模型拟合未收敛：相关数字可能不准确。",
    },
    "forecast.warn.edge": {
        "en": "The BG/NBD parameter {param} = {value} is at the edge of its range: "
        "the model does not describe these customers well.",
        "zh": "BG/NBD 参数 {param} = {value} 处于取值边缘：模型与这些顾客的购买规律不符。",
    },
    "forecast.warn.edge_a": {
        "en": "The model finds that customers almost never stop buying (BG/NBD a = {value}): P(alive) stays near 100% "
        "for nearly everyone, so it cannot tell who is slipping away.",
        "zh": "模型认为顾客几乎不会流失（BG/NBD 参数 a = {value}）：几乎所有人的活跃概率都接近 100%，"
        "因此无法分辨谁正在流失。",
    },
    "forecast.warn.no_spend_model": {
        "en": "Only {n} repeat buyers, fewer than the {min} the spend model needs: no expected spend or CLV.",
        "zh": "复购顾客仅 {n} 位，少于消费模型所需的 {min} 位：无法给出预期客单价和顾客终身价值。",
    },
    "forecast.warn.spend_unbounded": {
        "en": "Spend per purchase varies too widely to average (q = {q}): expected spend and CLV are not reliable.",
        "zh": "每次消费金额差异过大，无法求出平均值（q = {q}）：预期客单价和顾客终身价值不可靠。",
    },
    "forecast.warn.spend_correlated": {
        "en": "Customers who buy more often also spend {direction} per purchase "
        "(correlation {correlation}, beyond ±{max}). "
        "The spend model assumes they do not, so expected spend and CLV are biased.",
        "zh": "购买越频繁的顾客每次消费也越{direction}（相关系数 {correlation}，超过 ±{max}）。"
        "消费模型假设二者无关，因此预期客单价和顾客终身价值有偏差。",
    },
    "forecast.warn.spend_correlated.more": {"en": "more", "zh": "高"},
    "forecast.warn.spend_correlated.less": {"en": "less", "zh": "低"},
    "forecast.warn.holdout_error": {
        "en": "Checked against the purchases after its calibration date, the model was off by {error} "
        "(the limit is {max}): use its numbers with care.",
        "zh": "用校准日之后的实际购买检验，模型偏差为 {error}（上限 {max}）：请谨慎使用这些数字。",
    },
    "forecast.warn.holdout_failed": {
        "en": "The model could not be checked against the purchases after its calibration date "
        "(none happened, or it could not predict them): its accuracy is unknown.",
        "zh": "无法用校准日之后的实际购买检验模型（期间没有购买，或模型无法预测）：准确度未知。",
    },
    "forecast.warn.scores_failed": {
        "en": "The model's parameters are too extreme to score {n} customers: their numbers are left empty.",
        "zh": "模型参数过于极端，无法为 {n} 位顾客打分：其数字留空。",
    },
    "forecast.stage.summary": {"en": "Summing up each customer's purchases…", "zh": "正在汇总每位顾客的购买记录…"},
    "forecast.stage.fit": {"en": "Fitting the models…", "zh": "正在拟合模型…"},
    "forecast.stage.score": {"en": "Scoring every customer…", "zh": "正在为每位顾客打分…"},
    "forecast.stage.accuracy": {
        "en": "Checking the model against past purchases…",
        "zh": "正在用历史购买检验模型…",
    },
    "forecast.stage.done": {"en": "Done", "zh": "完成"},
    "err.bad_horizon": {
        "en": "The horizon must be 1 to {max} days, not {value}.",
        "zh": "预测期须为 1 至 {max} 天，而不是 {value}。",
    },
    "err.bad_discount": {
        "en": "The annual discount rate must be between 0 and 1 (0.1 is 10%), not {value}.",
        "zh": "年折现率须在 0 到 1 之间（0.1 即 10%），而不是 {value}。",
    },
    "err.forecast_no_customers": {
        "en": "Nobody has a purchase on or before {as_of}: there is nothing to forecast from.",
        "zh": "截至 {as_of} 没有任何购买记录，无法预测。",
    },
    "err.bad_params_out": {
        "en": "--params-out must name a .json file, not {path}.",
        "zh": "--params-out 必须是 .json 文件，而不是 {path}。",
    },
    "cli.predict_done": {
        "en": "{n} customers scored as of {day} for the next {days} days; {rows} rows written to {out}",
        "zh": "已为截至 {day} 的 {n} 位顾客预测未来 {days} 天；已写入 {rows} 行到 {out}",
    },
    "cli.predict_warning": {"en": "warning: {message}", "zh": "提醒：{message}"},
    # issue 15: sign-in, roles and the export log
    "err.not_allowed": {
        "en": "Your role ({role}) cannot {right}. Ask the store's owner.",
        "zh": "您的角色（{role}）无权{right}。请联系店主。",
    },
    "role.owner": {"en": "owner", "zh": "店主"},
    "role.marketer": {"en": "marketer", "zh": "营销人员"},
    "role.viewer": {"en": "meeting-screen viewer", "zh": "会议屏只读"},
    "right.see_full_phone": {"en": "see full phone numbers", "zh": "查看完整手机号"},
    "right.see_names": {"en": "see customers' names", "zh": "查看顾客姓名"},
    "right.export": {"en": "export files", "zh": "导出文件"},
    "right.unmask": {"en": "export full phone numbers", "zh": "导出完整手机号"},
    "right.make_lists": {"en": "save target lists or campaigns", "zh": "保存目标名单或营销活动"},
    "right.load_data": {"en": "load data files", "zh": "上传数据文件"},
    "right.delete_data": {"en": "delete datasets or campaigns", "zh": "删除数据集或营销活动"},
    "right.edit_rules": {"en": "change the tier rules", "zh": "修改分层规则"},
    "right.change_settings": {"en": "change the store's settings", "zh": "修改门店设置"},
    "right.read_export_log": {"en": "read the export log", "zh": "查看导出记录"},
    "auth.title": {"en": "Sign in", "zh": "登录"},
    "auth.intro": {
        "en": "This dashboard holds your customers' personal data. Sign in with your work account.",
        "zh": "本看板含有顾客个人信息，请使用工作账号登录。",
    },
    "auth.sign_in": {"en": "Sign in", "zh": "登录"},
    "auth.sign_in_with": {"en": "Sign in with {provider}", "zh": "使用 {provider} 登录"},
    "auth.sign_out": {"en": "Sign out", "zh": "退出登录"},
    "auth.no_access_title": {"en": "No access yet", "zh": "暂无访问权限"},
    "auth.no_access": {
        "en": "You are signed in as {user}, but this store has not given you a role. Ask the owner to add your "
        "email to the access table as owner, marketer or viewer.",
        "zh": "您已登录为 {user}，但本店尚未为您分配角色。请联系店主把您的邮箱加入访问名单（店主、营销人员或只读）。",
    },
    "auth.unverified": {
        "en": "You are signed in as {user}, but your sign-in provider says this email address is not verified, so "
        "the store's access table is not used for it. Verify the address with your provider, then sign in "
        "again.",
        "zh": "您已登录为 {user}，但登录服务商显示该邮箱尚未验证，因此不能按本店的访问名单分配角色。"
        "请先在登录服务商处验证邮箱，然后重新登录。",
    },
    "auth.signed_in_as": {"en": "Signed in as {user} · {role}", "zh": "已登录：{user} · {role}"},
    "auth.local_mode": {
        "en": "Single-user mode: no sign-in, and whoever opens this page is the owner. Fine on one computer; the "
        "README says how to turn on sign-in for a team.",
        "zh": "单用户模式：未启用登录，打开本页面的人即为店主。适合单台电脑使用；团队使用请按 README 开启登录。",
    },
    "auth.exposed": {
        "en": "This dashboard is served on {address} without sign-in: anyone who can reach it can see and export "
        'customer data. Turn on sign-in (README, "Sign-in and roles") or serve it on localhost only.',
        "zh": "本看板在 {address} 上对外提供且未启用登录：能访问它的任何人都可以查看并导出顾客数据。"
        "请开启登录（见 README“登录与角色”），或只在本机（localhost）上提供。",
    },
    "auth.settings_problem": {
        "en": "The access table in secrets.toml has an unknown role ({entry}). Use owner, marketer or viewer.",
        "zh": "secrets.toml 的访问名单中有未知角色（{entry}）。角色只能是 owner、marketer 或 viewer。",
    },
    "auth.viewer_note": {
        "en": "Meeting-screen view: phones and names are masked; nothing can be exported or changed.",
        "zh": "会议屏视图：手机号和姓名已隐藏，不能导出或修改。",
    },
    "auth.marketer_note": {
        "en": "Marketer: phones are always masked, on screen and in exports.",
        "zh": "营销人员：手机号在页面和导出文件中始终隐藏中间四位。",
    },
    "auth.not_for_role": {
        "en": "Your role ({role}) cannot {right}.",
        "zh": "您的角色（{role}）无权{right}。",
    },
    "log.title": {"en": "Export log", "zh": "导出记录"},
    "log.caption": {
        "en": "Every file with customer rows that left this workspace, from the app or the command line: who, when, "
        "what, how many rows, and whether phones and names were masked. It is kept when a dataset is deleted.",
        "zh": "每一份带顾客数据、离开本工作区的文件（来自看板或命令行）：谁、何时、导出了什么、多少行，"
        "以及手机号和姓名是否隐藏。删除数据集时记录仍会保留。",
    },
    "log.empty": {"en": "Nothing has been exported yet.", "zh": "还没有导出记录。"},
    "log.count": {"en": "{n} exports, newest first", "zh": "共 {n} 次导出，最新的在前"},
    "log.download": {"en": "Download the export log (CSV)", "zh": "下载导出记录（CSV）"},
    "log.col.exported_at": {"en": "Time", "zh": "时间"},
    "log.col.user_name": {"en": "Who", "zh": "导出人"},
    "log.col.role": {"en": "Role", "zh": "角色"},
    "log.col.via": {"en": "From", "zh": "途径"},
    "log.col.dataset_id": {"en": "Dataset", "zh": "数据集"},
    "log.col.kind": {"en": "What", "zh": "内容"},
    "log.col.subject": {"en": "List or campaign", "zh": "名单或活动"},
    "log.col.file_name": {"en": "File", "zh": "文件"},
    "log.col.rows": {"en": "Rows", "zh": "行数"},
    "log.col.phones": {"en": "Phones", "zh": "手机号"},
    "log.col.names": {"en": "Names", "zh": "姓名"},
    "log.via.sign-in": {"en": "app, signed in", "zh": "看板（已登录）"},
    "log.via.local": {"en": "app on this computer", "zh": "看板（本机）"},
    "log.via.cli": {"en": "command line", "zh": "命令行"},
    "log.kind.treatment_list": {"en": "campaign list (send)", "zh": "活动名单（发送组）"},
    "log.kind.control_list": {"en": "control list (do not contact)", "zh": "对照组名单（请勿联系）"},
    "log.kind.movers": {"en": "tier movers", "zh": "层级变动顾客"},
    "log.kind.weekly_report": {"en": "weekly report", "zh": "周报"},
    "log.kind.rejected_lines": {"en": "rejected lines", "zh": "被拒绝的行"},
    "log.kind.export_log": {"en": "export log", "zh": "导出记录"},
    "log.kind.tiers": {"en": "tier table", "zh": "分层表"},
    "log.kind.migration": {"en": "tier migration", "zh": "层级迁移"},
    "log.kind.predictions": {"en": "predictions", "zh": "预测"},
    "log.shown.masked": {"en": "masked", "zh": "已隐藏"},
    "log.shown.full": {"en": "in full", "zh": "完整"},
    "log.shown.none": {"en": "not in the file", "zh": "文件中没有"},
    "tgt.unmask_owner_only": {
        "en": "Only the owner can export full phone numbers: your lists are masked (138****5678).",
        "zh": "只有店主可以导出完整手机号：您导出的名单会隐藏中间四位（138****5678）。",
    },
    "err.bad_spark_remote": {
        "en": "--spark-remote {remote} is not a Spark Connect address: give sc://HOST:PORT, or local.",
        "zh": "--spark-remote {remote} 不是 Spark Connect 地址：请填 sc://主机:端口，或 local。",
    },
    "err.spark_not_installed": {
        "en": "--engine spark needs the Spark client: .venv/bin/pip install -r requirements-spark.txt",
        "zh": "--engine spark 需要安装 Spark 客户端：.venv/bin/pip install -r requirements-spark.txt",
    },
    "err.spark_no_java": {
        "en": "--spark-remote local starts Spark here and needs Java 17: "
        "sudo apt-get install -y openjdk-17-jdk-headless",
        "zh": "--spark-remote local 会在本机启动 Spark，需要 Java 17：sudo apt-get install -y openjdk-17-jdk-headless",
    },
    "err.spark_unreachable": {
        "en": "Spark at {remote} could not be reached: {reason}",
        "zh": "无法连接 Spark（{remote}）：{reason}",
    },
    "err.spark_remote_missing": {
        "en": "--engine spark needs --spark-remote sc://HOST:PORT (or local, or $SPARK_REMOTE).",
        "zh": "--engine spark 需要 --spark-remote sc://主机:端口（或 local，或环境变量 SPARK_REMOTE）。",
    },
    "err.spark_remote_without_engine": {
        "en": "--spark-remote is only for --engine spark.",
        "zh": "--spark-remote 只能与 --engine spark 一起使用。",
    },
    "err.spark_with_dataset": {
        "en": "--engine spark reads --sales (a path or table the cluster can read), not a workspace --dataset.",
        "zh": "--engine spark 读取 --sales（集群可读的路径或表），不读取工作区的 --dataset。",
    },
    "err.spark_one_sales": {
        "en": "--engine spark takes one --sales (a file, a folder or a table), not {n}.",
        "zh": "--engine spark 只接受一个 --sales（文件、文件夹或表），而不是 {n} 个。",
    },
    "err.spark_source_unreadable": {
        "en": "Spark could not read {source}: {reason}",
        "zh": "Spark 无法读取 {source}：{reason}",
    },
    "cli.source_read": {
        "en": "{source}: read {read}, kept {kept}, left out {rejected} ({reasons})",
        "zh": "{source}：读取 {read} 行，保留 {kept} 行，排除 {rejected} 行（{reasons}）",
    },
    "cli.source_read_none": {"en": "none", "zh": "无"},
    "cli.spark_no_holdout": {
        "en": "note: the holdout check (predicted vs actual purchases) runs with --engine duckdb only.",
        "zh": "提示：留出期检验（预测与实际购买对比）仅在 --engine duckdb 下运行。",
    },
    "spark.warning.promo_unrecognised": {
        "en": "promo flag not understood (read as not promo)",
        "zh": "促销标记无法识别（按非促销处理）",
    },
    "spark.warning.implausible_join_date": {
        "en": "join date before 1990 (left empty)",
        "zh": "入会日期早于 1990 年（留空）",
    },
    "spark.warning.future_join_date": {"en": "join date in the future", "zh": "入会日期在未来"},
    "spark.warning.duplicate_member": {
        "en": "member rows repeated (the earliest join date counts)",
        "zh": "会员重复（以最早的入会日期为准）",
    },
    "imported.section": {"en": "Load a tier table computed on Spark", "zh": "载入在 Spark 上算好的分层表"},
    "imported.section_help": {
        "en": "For chains whose sales stay in the warehouse: "
        "`python -m segcore tiers --engine spark --out tiers.parquet` writes the tier table with how it was made. "
        "Loaded here it becomes a dataset's tiers as of its date "
        "(one file per date; the same date again replaces it). Only the Segments page can show such a dataset.",
        "zh": "适用于销售数据留在数仓的连锁品牌：`python -m segcore tiers --engine spark --out tiers.parquet`"
        " 会写出分层表及其来源。载入后即为某个数据集在该日期的分层（每个日期一个文件，同一日期再次载入会替换）。"
        "这类数据集只能在“分层”页查看。",
    },
    "imported.dataset": {"en": "Dataset name", "zh": "数据集名称"},
    "imported.file": {"en": "Tier table (.parquet)", "zh": "分层表（.parquet）"},
    "imported.load": {"en": "Load the tier table", "zh": "载入分层表"},
    "imported.loaded": {
        "en": "Loaded: {dataset} now has the tiers of {n} customers as of {day}. "
        "Pick it in the sidebar and open Segments.",
        "zh": "已载入：{dataset} 现有 {n} 位顾客截至 {day} 的分层。请在侧边栏选择它并打开“分层”页。",
    },
    "imported.source": {
        "en": "Tiers computed on {engine}, not from sales here: {file} ({n} customers), from {sources}; loaded "
        "{loaded} by {by}.",
        "zh": "分层由 {engine} 计算，而非由本机的销售数据计算：{file}（{n} 位顾客），数据来源 {sources}；"
        "{by} 于 {loaded} 载入。",
    },
    "imported.pick_date": {
        "en": "This dataset holds tier tables loaded from Spark for these dates only: {dates}. Pick one of them in the "
        "sidebar.",
        "zh": "此数据集只有以下日期的 Spark 分层表：{dates}。请在侧边栏选择其中一个日期。",
    },
    "imported.no_before": {
        "en": "No earlier tier table is loaded: the change column compares the table with itself (0).",
        "zh": "没有更早日期的分层表：变化一栏与自身比较（为 0）。",
    },
    "imported.no_card": {
        "en": "A customer's card needs their sales lines, which stay in the warehouse for this dataset.",
        "zh": "顾客卡片需要其销售明细，而此数据集的明细留在数仓中。",
    },
    "imported.page_needs_sales": {
        "en": "This dataset holds {n} tier table(s) computed on Spark, and no sales lines: this page needs the sales. "
        "The tiers are on the Segments page.",
        "zh": "此数据集只有 {n} 份在 Spark 上算好的分层表，没有销售明细：本页需要销售数据。分层结果请看“分层”页。",
    },
    "imported.open_segments": {"en": "Open Segments", "zh": "打开“分层”页"},
    "err.tier_file_not_parquet": {
        "en": "{file} is not a Parquet file: write it with `tiers --out tiers.parquet`.",
        "zh": "{file} 不是 Parquet 文件：请用 `tiers --out tiers.parquet` 生成。",
    },
    "err.tier_file_columns": {
        "en": "{file} is not a tier table: it lacks {missing}.",
        "zh": "{file} 不是分层表：缺少 {missing}。",
    },
    "err.tier_file_no_as_of": {
        "en": "{file} does not say its as-of date: "
        "write it with this version's `python -m segcore tiers --out F.parquet`.",
        "zh": "{file} 没有注明截至日期：请用本版本的 `python -m segcore tiers --out F.parquet` 生成。",
    },
    "err.tier_file_values": {
        "en": "{file}: {column} holds {value}, which is not one of its rules' values.",
        "zh": "{file}：{column} 中有 {value}，不是其规则中的取值。",
    },
    "err.tier_file_customers": {
        "en": "{file} names a customer twice, or has a row without a customer id.",
        "zh": "{file} 中有重复的顾客，或有缺少会员号的行。",
    },
    "err.tier_file_into_sales": {
        "en": "{dataset} has sales lines: its tiers are computed from them. Load the tier table into a new dataset.",
        "zh": "{dataset} 有销售明细，其分层由明细计算。请把分层表载入一个新的数据集。",
    },
    "err.tiers_with_sales": {
        "en": "--tiers loads tier tables into a dataset of their own: give --sales / --members in another ingest.",
        "zh": "--tiers 会把分层表载入单独的数据集：--sales / --members 请另行 ingest。",
    },
    "sidebar.loaded_dates": {"en": "Tier tables loaded for: {dates}", "zh": "已载入分层表的日期：{dates}"},
    "cli.spark_snapshot": {
        "en": "Spark: tier table {k} of {n} (as of {day})…",
        "zh": "Spark：正在计算第 {k}/{n} 个分层表（截至 {day}）…",
    },
    "cli.same_file_twice": {
        "en": "{file}: the same content as a file given before; read once",
        "zh": "{file}：与前面给出的文件内容相同，只读取一次",
    },
    "datasets.tiers_as_of": {"en": "{n} tier tables: {first} – {last}", "zh": "{n} 份分层表：{first} – {last}"},
    "cli.files_counted": {"en": "{n} files", "zh": "{n} 个文件"},
}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The catalog string for `key` in `lang` (falling back to English, then the key), with values filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template
