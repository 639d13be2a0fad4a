"""The one zh/en catalog of every user-facing string: UI labels, messages, errors, tier names."""

from __future__ import annotations

from typing import Any

__all__ = ["LANGS", "CATALOG", "text"]

LANGS = ("zh", "en")

CATALOG: dict[str, dict[str, str]] = {
    # navigation and sidebar
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.data": {"en": "Data", "zh": "数据"},
    "sidebar.dataset": {"en": "Dataset", "zh": "数据集"},
    "sidebar.as_of": {"en": "As of", "zh": "截止日期"},
    "sidebar.language": {"en": "Language", "zh": "语言"},
    "sidebar.no_data": {"en": "No data yet: upload on the Data page.", "zh": "还没有数据：请在「数据」页上传。"},
    "sidebar.data_range": {"en": "Data from {first} to {last}", "zh": "数据范围：{first} 至 {last}"},
    # first start
    "demo.loading": {"en": "Setting up the demo store…", "zh": "正在准备演示门店…"},
    "demo.loaded": {"en": "Demo store ready", "zh": "演示门店已就绪"},
    "stage.demo_generating": {"en": "generating the demo store's sales", "zh": "生成演示门店的销售数据"},
    "stage.demo_loading_sales": {"en": "loading the demo sales", "zh": "载入演示销售数据"},
    "stage.demo_loading_members": {"en": "loading the demo members", "zh": "载入演示会员数据"},
    "stage.hashing": {"en": "checking the file", "zh": "检查文件"},
    "stage.reading": {"en": "reading", "zh": "读取"},
    "stage.parsing": {"en": "parsing dates and amounts", "zh": "解析日期和金额"},
    "stage.writing": {"en": "saving to the workspace", "zh": "保存到工作区"},
    "stage.done": {"en": "done", "zh": "完成"},
    # overview
    "overview.title": {"en": "Your store at a glance", "zh": "门店总览"},
    "overview.no_data": {"en": "There is no data yet. Upload your sales on the Data page.", "zh": "还没有数据。请在「数据」页上传销售数据。"},
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
    "chart.revenue_yuan": {"en": "Net revenue (¥)", "zh": "净销售额（¥）"},
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
    "datasets.customers": {"en": "Customers", "zh": "顾客数"},
    "datasets.members": {"en": "Members", "zh": "会员数"},
    "datasets.range": {"en": "Dates", "zh": "日期范围"},
    "datasets.files": {"en": "Files", "zh": "文件数"},
    "datasets.rejected": {"en": "Rejected lines", "zh": "拒收行数"},
    "report.rows_read": {"en": "Rows read", "zh": "读取行数"},
    "report.rows_kept": {"en": "Rows kept", "zh": "保留行数"},
    "report.rows_rejected": {"en": "Rows rejected", "zh": "拒收行数"},
    "report.customers": {"en": "Customers", "zh": "顾客数"},
    "report.encoding": {"en": "encoding {encoding}", "zh": "编码 {encoding}"},
    "report.range": {"en": "dates {first} – {last}", "zh": "日期 {first} 至 {last}"},
    "report.refunds": {"en": "{n} refund lines", "zh": "退款行 {n}"},
    "report.duplicates": {"en": "{n} exact duplicate lines (kept)", "zh": "完全重复行 {n}（已保留）"},
    "report.total": {"en": "net total {amount}", "zh": "净额合计 {amount}"},
    "report.rejected_because": {"en": "{n} rows rejected: {reason}", "zh": "{n} 行被拒收：{reason}"},
    "report.download_rejects": {"en": "Download the rejected rows", "zh": "下载被拒收的行"},
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
    "err.unknown_kind": {"en": "Unknown file kind {kind}: use sales or members.", "zh": "未知文件类型 {kind}：请用 sales 或 members。"},
    "err.empty_dataset_name": {"en": "Give the dataset a name.", "zh": "请填写数据集名称。"},
    "err.no_such_dataset": {"en": "There is no dataset named {dataset}.", "zh": "没有名为 {dataset} 的数据集。"},
    "err.workspace_busy": {
        "en": "The workspace {path} is in use by another program (is the app running?).",
        "zh": "工作区 {path} 正被其他程序使用（应用是否正在运行？）。",
    },
    "err.bad_date_arg": {"en": "Not a date (YYYY-MM-DD): {value}", "zh": "日期格式应为 YYYY-MM-DD：{value}"},
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
}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The catalog string for `key` in `lang` (falling back to English, then the key), with values filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template
