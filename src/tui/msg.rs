//! Messages: everything that can change the review screen's state.

/// A direction of movement in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

/// One thing that happened: a key's meaning, a mouse click, a resize, an effect's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Move(Dir),
    PageUp,
    PageDown,
    RowStart,
    RowEnd,
    /// `g`: the first half of `gg`.
    G,
    Bottom,
    NextTable,
    PrevTable,
    ToggleFocus,
    NextFlag,
    PrevFlag,
    StartEdit,
    /// A digit, sign or point typed on a cell: starts an edit that replaces the value.
    TypeStart(char),
    Clear,
    Confirm,
    /// `Enter`: on a flagged cell confirm it and go to the next open one; else edit.
    ConfirmNext,
    /// Confirm every cell of the selected row as it stands (one undo step).
    ConfirmRow,
    /// Confirm every cell of the selected table as it stands (one undo step).
    ConfirmTable,
    /// Confirm every blank of the report as 0 (one undo step).
    ConfirmBlanks,
    /// Open the findings panel.
    Findings,
    /// Dismiss the selected warning (panel) or the cell's warning, after a reason.
    Dismiss,
    /// Write, change or remove (empty) the selected cell's note.
    Note,
    /// The next report nobody has decided yet.
    NextUnreviewed,
    ShiftLeft,
    ShiftRight,
    Undo,
    Redo,
    Approve,
    Reject,
    /// Set the report aside for later (an optional reason), and go on.
    Postpone,
    /// Ask for a second review (what to check), and go on.
    SecondReview,
    /// Accept the text's figure for the selected cell.
    AcceptSuggestion,
    /// Accept every open suggestion of the report (after a confirmation).
    AcceptAllSuggestions,
    /// Yes to a confirmation.
    Yes,
    /// A stale review: re-apply the edits that still fit the changed text.
    ReapplyStale,
    /// A stale review: start over (the old review is kept as a backup).
    StartOver,
    /// Open the other report of the selected cell's finding across reports, its cell selected.
    OpenRelated,
    /// Show that finding's two cells and source lines side by side.
    CompareRelated,
    NextReport,
    PrevReport,
    NextErrorReport,
    PrevErrorReport,
    ToggleQueue,
    Search,
    SaveNow,
    Help,
    Quit,
    /// Scroll the source pane by lines.
    ScrollSource(i32),
    /// A click at terminal column, row.
    Click(u16, u16),
    Resize(u16, u16),
    /// Keys inside a line editor (value, reason, search).
    Editor(EditorKey),
    /// Queue list: sort by the next column.
    SortQueue,
    /// Close whatever overlay is open.
    Close,
    /// Result of saving the current report's sidecar.
    Saved(Result<(), String>),
    /// A background count of a queue entry's findings, for the list and `{` `}`.
    Summarized(usize, Result<super::app::Summary, String>),
    /// More reports found by the background walk of the queue's folders, in queue order.
    Listed(Vec<std::path::PathBuf>),
    /// The walk has finished; why any given path gave no report.
    ListingDone(Vec<String>),
}

/// Readline-style editing keys.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorKey {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    KillToStart,
    KillToEnd,
    DeleteWord,
    Submit,
    Cancel,
}
