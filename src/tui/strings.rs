//! Every user-facing string of the review screen, in English and Chinese.

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// From `--lang`, else LC_ALL / LC_MESSAGES / LANG (zh* → Chinese), else English.
    pub fn detect(given: Option<&str>) -> Lang {
        let pick = |s: &str| {
            if s.to_ascii_lowercase().starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            }
        };
        if let Some(g) = given {
            return pick(g);
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return pick(&v);
                }
            }
        }
        Lang::En
    }

    /// The catalogue for this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// A count in words: the first form for one, the second (with `{n}`) for any other number,
/// so a message reads `1 cell`, not `1 cells`.
pub fn counted(forms: [&str; 2], n: usize) -> String {
    if n == 1 {
        forms[0].to_string()
    } else {
        forms[1].replace("{n}", &n.to_string())
    }
}

/// The catalogue.
#[derive(Debug)]
pub struct Strings {
    pub report: &'static str,
    pub errors: &'static str,
    pub warnings: &'static str,
    pub source: &'static str,
    pub grid: &'static str,
    pub status_in_progress: &'static str,
    pub status_approved: &'static str,
    pub status_rejected: &'static str,
    pub status_unreviewed: &'static str,
    pub read_only: &'static str,
    pub too_small: &'static str,
    pub help_title: &'static str,
    pub help_footer: &'static str,
    pub queue_title: &'static str,
    pub queue_footer: &'static str,
    pub col_file: &'static str,
    pub col_org: &'static str,
    pub col_year: &'static str,
    pub col_status: &'static str,
    pub edit_prompt: &'static str,
    pub search_prompt: &'static str,
    pub approve_prompt: &'static str,
    pub reject_prompt: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    pub nothing_to_undo: &'static str,
    pub nothing_to_redo: &'static str,
    pub no_flags: &'static str,
    pub no_more_reports: &'static str,
    pub no_error_reports: &'static str,
    pub approved: &'static str,
    pub rejected: &'static str,
    pub not_found: &'static str,
    pub raw: &'static str,
    /// Words of a value's place in its document: table, row, column.
    pub place: [&'static str; 3],
    /// Words around a PDF page's number (`p.4`, `第4页`).
    pub page: [&'static str; 2],
    pub blank: &'static str,
    pub not_loaded: &'static str,
    pub unknown: &'static str,
    pub sorted_by: &'static str,
    pub load_failed: &'static str,
    /// Tab names of the three tables, in template order.
    pub tables: [&'static str; 3],
    pub unsaved_quit: &'static str,
    // Help lines, one per message of the keymap.
    pub h_move: &'static str,
    pub h_page: &'static str,
    pub h_home_end: &'static str,
    pub h_top_bottom: &'static str,
    pub h_table: &'static str,
    pub h_focus: &'static str,
    pub h_next_flag: &'static str,
    pub h_prev_flag: &'static str,
    pub h_edit: &'static str,
    pub h_type: &'static str,
    pub h_clear: &'static str,
    pub h_confirm: &'static str,
    pub h_shift_left: &'static str,
    pub h_shift_right: &'static str,
    pub h_undo: &'static str,
    pub h_redo: &'static str,
    pub h_accept: &'static str,
    pub h_accept_all: &'static str,
    pub accepted_n: &'static str,
    pub confirm_accept_all: &'static str,
    pub text_says: &'static str,
    pub h_reapply: &'static str,
    pub h_start_over: &'static str,
    pub h_approve: &'static str,
    pub h_reject: &'static str,
    pub h_next_report: &'static str,
    pub h_prev_report: &'static str,
    pub h_next_error_report: &'static str,
    pub h_prev_error_report: &'static str,
    pub h_queue: &'static str,
    pub h_search: &'static str,
    pub h_save: &'static str,
    pub h_help: &'static str,
    pub h_quit: &'static str,
    pub h_editor: &'static str,
    pub h_open_related: &'static str,
    pub h_compare: &'static str,
    pub h_confirm_next: &'static str,
    pub h_confirm_row: &'static str,
    pub h_confirm_table: &'static str,
    pub h_confirm_blanks: &'static str,
    pub h_findings: &'static str,
    pub h_dismiss: &'static str,
    pub h_next_unreviewed: &'static str,
    /// Short words of the hint line, in the order of `keymap::HINT_ACTIONS`.
    pub hint_labels: [&'static str; 9],
    /// How many cells a bulk confirmation confirmed: one, several (`{n}` is the number).
    pub confirmed_n: [&'static str; 2],
    pub nothing_to_confirm: &'static str,
    pub findings_title: &'static str,
    pub findings_footer: &'static str,
    pub no_findings: &'static str,
    pub dismiss_prompt: &'static str,
    pub dismissed: &'static str,
    pub undismissed: &'static str,
    /// The mark of a dismissed finding in the panel, before its reason.
    pub dismissed_tag: &'static str,
    pub error_word: &'static str,
    pub warning_word: &'static str,
    pub no_warning_here: &'static str,
    pub no_unreviewed: &'static str,
    pub filter_prompt: &'static str,
    pub filter_word: &'static str,
    pub resumed: &'static str,
    /// Top line: how many findings across reports the open report has.
    pub across_reports: &'static str,
    pub no_related: &'static str,
    pub opened_related: &'static str,
    pub compare_title: &'static str,
    pub compare_footer: &'static str,
    pub this_report: &'static str,
    pub other_report: &'static str,
    pub line: &'static str,
}

/// English.
pub static EN: Strings = Strings {
    report: "report",
    errors: "errors",
    warnings: "warnings",
    source: "Source",
    grid: "Grid",
    status_in_progress: "in progress",
    status_approved: "approved",
    status_rejected: "rejected",
    status_unreviewed: "unreviewed",
    read_only: "READ-ONLY",
    too_small: "Terminal too small: make it at least 60 x 12",
    help_title: "Keys",
    help_footer: "Esc or ? closes this help",
    queue_title: "Reports",
    queue_footer: "Enter open · / filter · s sort · g G first/last · Esc close",
    col_file: "file",
    col_org: "organisation",
    col_year: "year",
    col_status: "status",
    edit_prompt: "value",
    search_prompt: "search",
    approve_prompt: "errors are open; reason to approve anyway",
    reject_prompt: "reason for rejecting",
    saved: "saved",
    save_failed: "NOT SAVED",
    nothing_to_undo: "nothing to undo",
    nothing_to_redo: "nothing to redo",
    no_flags: "no flagged cells in this report",
    no_more_reports: "no more reports that way",
    no_error_reports: "no other report has open errors",
    approved: "report approved",
    rejected: "report rejected",
    not_found: "not found",
    raw: "raw",
    place: ["table", "row", "col"],
    page: ["p.", ""],
    blank: "blank",
    not_loaded: "…",
    unknown: "?",
    sorted_by: "sorted by",
    load_failed: "cannot open",
    tables: ["Proactive", "Requests", "Appeals"],
    unsaved_quit: "the last edits could not be saved (see above); press q again to quit anyway",
    h_move: "move",
    h_page: "page up / down",
    h_home_end: "first / last column",
    h_top_bottom: "first / last row",
    h_table: "next / previous table",
    h_focus: "switch focus grid / source",
    h_next_flag: "next flagged cell",
    h_prev_flag: "previous flagged cell",
    h_edit: "edit the current value",
    h_type: "type a number to replace the value",
    h_clear: "clear to blank",
    h_confirm: "confirm the cell as it is",
    h_shift_left: "move value into the blank cell to the left",
    h_shift_right: "move value into the blank cell to the right",
    h_undo: "undo",
    h_redo: "redo",
    h_accept: "accept the figure the text states for this cell",
    h_accept_all: "accept every figure the text states (asks first)",
    accepted_n: "figures accepted from the text (u takes them all back)",
    confirm_accept_all: "suggestions from the text: press y to accept them all, any other key cancels",
    text_says: "text",
    h_reapply: "stale review: re-apply the edits that still fit the changed text",
    h_start_over: "stale review: start over (the old review is kept as a backup)",
    h_approve: "approve the report, then open the next",
    h_reject: "reject the report",
    h_next_report: "next report",
    h_prev_report: "previous report",
    h_next_error_report: "next report with errors",
    h_prev_error_report: "previous report with errors",
    h_queue: "list of reports",
    h_search: "search the source text",
    h_save: "save now (saving is automatic)",
    h_help: "this help",
    h_quit: "quit",
    h_editor: "in the editor: Enter commit · Esc cancel · Ctrl-a/e start/end · Ctrl-u/k kill · Ctrl-w word",
    h_open_related: "open the other report of a finding across reports, at its cell",
    h_compare: "both reports' cells and source lines side by side",
    h_confirm_next: "confirm a flagged cell, go to the next; else edit",
    h_confirm_row: "confirm every cell of the row as it stands",
    h_confirm_table: "confirm every cell of the table as it stands",
    h_confirm_blanks: "confirm every blank of the report as 0",
    h_findings: "every finding, errors first (Enter jumps, d dismisses)",
    h_dismiss: "dismiss the cell's warning, with a reason",
    h_next_unreviewed: "next report not yet approved or rejected",
    hint_labels: [
        "next flag",
        "confirm",
        "blanks=0",
        "findings",
        "undo",
        "approve",
        "next report",
        "help",
        "quit",
    ],
    confirmed_n: ["1 cell confirmed", "{n} cells confirmed"],
    nothing_to_confirm: "nothing left to confirm here",
    findings_title: "Findings",
    findings_footer: "Enter go to its cells · d dismiss / restore a warning · Esc close",
    no_findings: "no findings in this report",
    dismiss_prompt: "reason for dismissing this warning",
    dismissed: "warning dismissed",
    undismissed: "warning restored",
    dismissed_tag: "dismissed",
    error_word: "error",
    warning_word: "warning",
    no_warning_here: "no open warning names this cell (f lists every finding)",
    no_unreviewed: "every other report is approved or rejected",
    filter_prompt: "filter (status:approved rule:H2 errors warnings or text)",
    filter_word: "filter",
    resumed: "opened at the report you last worked on",
    across_reports: "across reports",
    no_related: "no finding across reports names this report",
    opened_related: "opened the other report of the finding",
    compare_title: "Across reports",
    compare_footer: "o open the other report · Esc close",
    this_report: "this report",
    other_report: "other report",
    line: "line",
};

/// Chinese.
pub static ZH: Strings = Strings {
    report: "报告",
    errors: "错误",
    warnings: "警告",
    source: "原文",
    grid: "表格",
    status_in_progress: "审核中",
    status_approved: "已通过",
    status_rejected: "已退回",
    status_unreviewed: "未审核",
    read_only: "只读",
    too_small: "终端太小：至少需要 60 x 12",
    help_title: "按键",
    help_footer: "按 Esc 或 ? 关闭帮助",
    queue_title: "报告列表",
    queue_footer: "Enter 打开 · / 筛选 · s 排序 · g G 首/末 · Esc 关闭",
    col_file: "文件",
    col_org: "单位",
    col_year: "年度",
    col_status: "状态",
    edit_prompt: "数值",
    search_prompt: "搜索",
    approve_prompt: "仍有错误；请填写通过理由",
    reject_prompt: "退回理由",
    saved: "已保存",
    save_failed: "未保存",
    nothing_to_undo: "没有可撤销的操作",
    nothing_to_redo: "没有可重做的操作",
    no_flags: "本报告没有标记的单元格",
    no_more_reports: "该方向没有更多报告",
    no_error_reports: "其他报告没有未解决的错误",
    approved: "报告已通过",
    rejected: "报告已退回",
    not_found: "未找到",
    raw: "原文",
    place: ["表", "行", "列"],
    page: ["第", "页"],
    blank: "空",
    not_loaded: "…",
    unknown: "?",
    sorted_by: "排序",
    load_failed: "无法打开",
    tables: ["主动公开", "依申请公开", "复议诉讼"],
    unsaved_quit: "最近的修改未能保存（见上）；再按 q 强制退出",
    h_move: "移动",
    h_page: "上一页 / 下一页",
    h_home_end: "第一列 / 最后一列",
    h_top_bottom: "第一行 / 最后一行",
    h_table: "下一张 / 上一张表",
    h_focus: "在表格与原文之间切换",
    h_next_flag: "下一个标记的单元格",
    h_prev_flag: "上一个标记的单元格",
    h_edit: "编辑当前值",
    h_type: "直接输入数字替换数值",
    h_clear: "清空为空白",
    h_confirm: "确认单元格无误",
    h_shift_left: "将数值移入左侧空白单元格",
    h_shift_right: "将数值移入右侧空白单元格",
    h_undo: "撤销",
    h_redo: "重做",
    h_accept: "采用正文中该单元格的数字",
    h_accept_all: "采用正文中的全部数字（先确认）",
    accepted_n: "个正文数字已采用（按 u 全部撤销）",
    confirm_accept_all: "条正文建议：按 y 全部采用，按其他键取消",
    text_says: "正文",
    h_reapply: "审核已过期：重新应用仍然适用的修改",
    h_start_over: "审核已过期：重新开始（旧审核另存备份）",
    h_approve: "通过该报告并打开下一份",
    h_reject: "退回该报告",
    h_next_report: "下一份报告",
    h_prev_report: "上一份报告",
    h_next_error_report: "下一份有错误的报告",
    h_prev_error_report: "上一份有错误的报告",
    h_queue: "报告列表",
    h_search: "搜索原文",
    h_save: "立即保存（每次编辑都会自动保存）",
    h_help: "帮助",
    h_quit: "退出",
    h_editor: "编辑时：Enter 提交 · Esc 取消 · Ctrl-a/e 行首/行尾 · Ctrl-u/k 删除 · Ctrl-w 删词",
    h_open_related: "打开跨报告问题涉及的另一份报告并选中对应单元格",
    h_compare: "并排显示两份报告的对应单元格和原文行",
    h_confirm_next: "确认标记的单元格并跳到下一个；否则编辑",
    h_confirm_row: "按现值确认整行",
    h_confirm_table: "按现值确认整张表",
    h_confirm_blanks: "将报告中所有空白确认为 0",
    h_findings: "问题列表：全部问题，错误在前（Enter 跳转，d 忽略）",
    h_dismiss: "说明理由后忽略该单元格的警告",
    h_next_unreviewed: "下一份尚未通过或退回的报告",
    hint_labels: [
        "下一个标记",
        "确认",
        "空白记 0",
        "问题列表",
        "撤销",
        "通过",
        "下一份",
        "帮助",
        "退出",
    ],
    confirmed_n: ["已确认 1 个单元格", "已确认 {n} 个单元格"],
    nothing_to_confirm: "这里没有需要确认的单元格",
    findings_title: "问题",
    findings_footer: "Enter 跳到单元格 · d 忽略/恢复警告 · Esc 关闭",
    no_findings: "该报告没有问题",
    dismiss_prompt: "忽略该警告的理由",
    dismissed: "已忽略警告",
    undismissed: "已恢复警告",
    dismissed_tag: "已忽略",
    error_word: "错误",
    warning_word: "警告",
    no_warning_here: "没有待处理的警告涉及该单元格（f 列出全部问题）",
    no_unreviewed: "其他报告均已通过或退回",
    filter_prompt: "筛选（status:approved rule:H2 errors warnings 或文字）",
    filter_word: "筛选",
    resumed: "已打开上次处理的报告",
    across_reports: "跨报告",
    no_related: "没有涉及本报告的跨报告问题",
    opened_related: "已打开该问题涉及的另一份报告",
    compare_title: "跨报告核对",
    compare_footer: "o 打开另一份报告 · Esc 关闭",
    this_report: "本报告",
    other_report: "另一份报告",
    line: "行",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_language_wins_and_zh_locales_mean_chinese() {
        assert_eq!(Lang::detect(Some("zh")), Lang::Zh);
        assert_eq!(Lang::detect(Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(Lang::detect(Some("en")), Lang::En);
        assert_eq!(Lang::detect(Some("C")), Lang::En);
    }

    #[test]
    fn both_catalogues_fill_every_table_name() {
        for s in [&EN, &ZH] {
            assert!(s.tables.iter().all(|t| !t.is_empty()));
            assert!(!s.hint_labels[0].is_empty() && !s.h_quit.is_empty());
        }
    }
}
