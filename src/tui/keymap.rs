//! The keymap: the one place where keys become messages, and the source of the help screen.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::Mode;
use super::msg::{Dir, EditorKey, Msg};
use super::strings::Strings;

/// A key as written in the help (`Ctrl-r`, `PgDn`, `n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn code(c: KeyCode) -> Key {
    Key {
        code: c,
        mods: KeyModifiers::NONE,
    }
}

/// The default keys, as data: `action = ["key", …]`.
pub const DEFAULT_KEYS: &str = include_str!("keys.toml");

/// One action of the normal (grid) mode: its name in keys.toml, its message and help line.
pub struct ActionDef {
    pub name: &'static str,
    pub msg: Msg,
    pub help: fn(&Strings) -> &'static str,
}

/// Every normal-mode action, in help order.
pub fn actions() -> Vec<ActionDef> {
    let a = |name, msg, help: fn(&Strings) -> &'static str| ActionDef { name, msg, help };
    vec![
        a("move_up", Msg::Move(Dir::Up), |s| s.h_move),
        a("move_down", Msg::Move(Dir::Down), |s| s.h_move),
        a("move_left", Msg::Move(Dir::Left), |s| s.h_move),
        a("move_right", Msg::Move(Dir::Right), |s| s.h_move),
        a("page_up", Msg::PageUp, |s| s.h_page),
        a("page_down", Msg::PageDown, |s| s.h_page),
        a("row_start", Msg::RowStart, |s| s.h_home_end),
        a("row_end", Msg::RowEnd, |s| s.h_home_end),
        a("top", Msg::G, |s| s.h_top_bottom),
        a("bottom", Msg::Bottom, |s| s.h_top_bottom),
        a("next_table", Msg::NextTable, |s| s.h_table),
        a("prev_table", Msg::PrevTable, |s| s.h_table),
        a("focus", Msg::ToggleFocus, |s| s.h_focus),
        a("next_flag", Msg::NextFlag, |s| s.h_next_flag),
        a("prev_flag", Msg::PrevFlag, |s| s.h_prev_flag),
        a("confirm_next", Msg::ConfirmNext, |s| s.h_confirm_next),
        a("edit", Msg::StartEdit, |s| s.h_edit),
        a("clear", Msg::Clear, |s| s.h_clear),
        a("confirm", Msg::Confirm, |s| s.h_confirm),
        a("confirm_row", Msg::ConfirmRow, |s| s.h_confirm_row),
        a("confirm_table", Msg::ConfirmTable, |s| s.h_confirm_table),
        a("confirm_blanks", Msg::ConfirmBlanks, |s| s.h_confirm_blanks),
        a("shift_left", Msg::ShiftLeft, |s| s.h_shift_left),
        a("shift_right", Msg::ShiftRight, |s| s.h_shift_right),
        a("undo", Msg::Undo, |s| s.h_undo),
        a("redo", Msg::Redo, |s| s.h_redo),
        a("accept", Msg::AcceptSuggestion, |s| s.h_accept),
        a("accept_all", Msg::AcceptAllSuggestions, |s| s.h_accept_all),
        a("reapply_stale", Msg::ReapplyStale, |s| s.h_reapply),
        a("start_over", Msg::StartOver, |s| s.h_start_over),
        a("findings", Msg::Findings, |s| s.h_findings),
        a("dismiss", Msg::Dismiss, |s| s.h_dismiss),
        a("note", Msg::Note, |s| s.h_note),
        a("approve_next", Msg::Approve, |s| s.h_approve),
        a("reject", Msg::Reject, |s| s.h_reject),
        a("postpone", Msg::Postpone, |s| s.h_postpone),
        a("second_review", Msg::SecondReview, |s| s.h_second_review),
        a("open_related", Msg::OpenRelated, |s| s.h_open_related),
        a("compare", Msg::CompareRelated, |s| s.h_compare),
        a("next_report", Msg::NextReport, |s| s.h_next_report),
        a("prev_report", Msg::PrevReport, |s| s.h_prev_report),
        a("next_with_errors", Msg::NextErrorReport, |s| {
            s.h_next_error_report
        }),
        a("prev_with_errors", Msg::PrevErrorReport, |s| {
            s.h_prev_error_report
        }),
        a("next_unreviewed", Msg::NextUnreviewed, |s| {
            s.h_next_unreviewed
        }),
        a("queue", Msg::ToggleQueue, |s| s.h_queue),
        a("search", Msg::Search, |s| s.h_search),
        a("save", Msg::SaveNow, |s| s.h_save),
        a("help", Msg::Help, |s| s.h_help),
        a("quit", Msg::Quit, |s| s.h_quit),
    ]
}

/// The active keys of every action, in [`actions`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    keys: Vec<(&'static str, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = Keymap {
            keys: actions().iter().map(|a| (a.name, Vec::new())).collect(),
        };
        map.overlay(DEFAULT_KEYS)
            .expect("the embedded default keys parse");
        map
    }
}

impl Keymap {
    /// The defaults with `text` (a keys.toml) laid over them; `Err` names the bad entry.
    pub fn with_overrides(text: &str) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        map.overlay(text)?;
        Ok(map)
    }

    /// The defaults, overridden by the user's keys file if there is one. A bad file keeps the
    /// defaults and gives one line naming the file and the entry.
    pub fn load(dir: Option<&std::path::Path>) -> (Keymap, Option<String>) {
        let Some(path) = dir.map(|d| d.join("keys.toml")) else {
            return (Keymap::default(), None);
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Keymap::default(), None),
            Err(e) => {
                return (
                    Keymap::default(),
                    Some(format!("{}: {e}; default keys used", path.display())),
                )
            }
        };
        match Keymap::with_overrides(&text) {
            Ok(map) => (map, None),
            Err(why) => (
                Keymap::default(),
                Some(format!("{}: {why}; default keys used", path.display())),
            ),
        }
    }

    fn overlay(&mut self, text: &str) -> Result<(), String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            e.message().lines().next().unwrap_or("not TOML").to_string()
        })?;
        let mut given: Vec<(usize, Vec<Key>)> = Vec::new();
        for (name, value) in &table {
            let i = self
                .keys
                .iter()
                .position(|(n, _)| n == name)
                .ok_or_else(|| format!("entry `{name}`: no such action"))?;
            let list = value
                .as_array()
                .ok_or_else(|| format!("entry `{name}`: expected a list of keys like [\"k\"]"))?;
            let mut keys = Vec::new();
            for v in list {
                let spec = v
                    .as_str()
                    .ok_or_else(|| format!("entry `{name}`: {v:?} is not a key name"))?;
                keys.push(
                    parse_key(spec)
                        .ok_or_else(|| format!("entry `{name}`: unknown key {spec:?}"))?,
                );
            }
            given.push((i, keys));
        }
        // A key given to one action is taken from whichever action had it before.
        for (_, keys) in &given {
            for (_, old) in &mut self.keys {
                old.retain(|k| !keys.contains(k));
            }
        }
        for (i, keys) in given {
            self.keys[i].1 = keys;
        }
        Ok(())
    }

    /// The keys of an action.
    pub fn keys_of(&self, name: &str) -> &[Key] {
        self.keys
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// How the first key of an action is written (for the hints), or `-` when it has none.
    pub fn first_key(&self, name: &str) -> String {
        self.keys_of(name)
            .first()
            .map_or_else(|| "-".into(), key_name)
    }

    /// The message a normal-mode key event means.
    fn lookup(&self, ev: &KeyEvent) -> Option<Msg> {
        let i = self
            .keys
            .iter()
            .position(|(_, keys)| keys.iter().any(|k| matches(k, ev)))?;
        actions().into_iter().nth(i).map(|a| a.msg)
    }

    /// The active map as keys.toml text, every action in help order.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for (name, keys) in &self.keys {
            let list: Vec<String> = keys.iter().map(|k| format!("{:?}", key_spec(k))).collect();
            out.push_str(&format!("{name} = [{}]\n", list.join(", ")));
        }
        out
    }

    /// Help lines: keys sharing a help text are listed together.
    pub fn help_lines(&self, s: &Strings) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for (a, (_, keys)) in actions().iter().zip(&self.keys) {
            let text = (a.help)(s);
            let names: Vec<String> = keys
                .iter()
                .map(|k| {
                    // `top` is the first half of a chord: its key pressed twice.
                    if a.msg == Msg::G {
                        format!("{0}{0}", key_name(k))
                    } else {
                        key_name(k)
                    }
                })
                .collect();
            if names.is_empty() {
                continue;
            }
            match out.iter_mut().find(|(_, t)| *t == text) {
                Some((k, _)) => {
                    k.push(' ');
                    k.push_str(&names.join(" "));
                }
                None => out.push((names.join(" "), text)),
            }
        }
        out.push(("0-9 - + .".into(), s.h_type));
        out
    }

    /// The bottom line's hints within `width` columns: the most used actions with their
    /// active keys; the least used go first when the line is short, help and quit never.
    pub fn hint(&self, s: &Strings, width: usize) -> String {
        let mut items: Vec<String> = HINT_ACTIONS
            .iter()
            .zip(s.hint_labels)
            .map(|(a, label)| format!("{} {label}", self.first_key(a)))
            .collect();
        loop {
            let line = items.join(" · ");
            if items.len() <= 2 || super::layout::str_width(&line, false) <= width {
                return line;
            }
            items.remove(items.len() - 3);
        }
    }
}

/// Actions the hint line names, in the order of [`Strings::hint_labels`].
pub const HINT_ACTIONS: [&str; 9] = [
    "next_flag",
    "confirm_next",
    "confirm_blanks",
    "findings",
    "undo",
    "approve_next",
    "next_report",
    "help",
    "quit",
];

/// Reads a key as keys.toml writes it: `k`, `Ctrl-r`, `PgDn`, `F2`.
pub fn parse_key(spec: &str) -> Option<Key> {
    if let Some(rest) = spec
        .strip_prefix("Ctrl-")
        .or_else(|| spec.strip_prefix("C-"))
    {
        let mut cs = rest.chars();
        let c = cs.next()?;
        return cs.next().is_none().then_some(ctrl(c.to_ascii_lowercase()));
    }
    let mut cs = spec.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return Some(k(c));
    }
    use KeyCode::*;
    let c = match spec {
        "Up" | "↑" => Up,
        "Down" | "↓" => Down,
        "Left" | "←" => Left,
        "Right" | "→" => Right,
        "PgUp" | "PageUp" => PageUp,
        "PgDn" | "PageDown" => PageDown,
        "Home" => Home,
        "End" => End,
        "Tab" => Tab,
        "Enter" => Enter,
        "Del" | "Delete" => Delete,
        "Esc" => Esc,
        "Backspace" => Backspace,
        "Space" => Char(' '),
        f if f.starts_with('F') => F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
        _ => return None,
    };
    Some(code(c))
}

/// How keys.toml writes a key (ASCII names, so the file is easy to type).
pub fn key_spec(key: &Key) -> String {
    match key.code {
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::Char(' ') => "Space".into(),
        _ => key_name(key),
    }
}

/// How a key is written in the help.
pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// Help lines of the default keymap.
pub fn help_lines(s: &Strings) -> Vec<(String, &'static str)> {
    Keymap::default().help_lines(s)
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    if key.code != ev.code {
        return false;
    }
    // Shifted characters (`G`, `<`, `?`) arrive with SHIFT on some terminals; ignore it.
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    mods == key.mods
}

/// Translates a key event in the given mode into a message, under the default keys.
pub fn key_to_msg(mode: &Mode, ev: KeyEvent) -> Option<Msg> {
    key_to_msg_with(&Keymap::default(), mode, ev)
}

/// Translates a key event in the given mode into a message, under `keymap`.
pub fn key_to_msg_with(keymap: &Keymap, mode: &Mode, ev: KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Msg::Quit);
    }
    match mode {
        Mode::Normal => {
            if let Some(msg) = keymap.lookup(&ev) {
                return Some(msg);
            }
            match ev.code {
                KeyCode::Char(c)
                    if (c.is_ascii_digit() || "+-.".contains(c))
                        && !ev.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    Some(Msg::TypeStart(c))
                }
                KeyCode::BackTab => Some(Msg::ToggleFocus),
                _ => None,
            }
        }
        Mode::Editing(_) | Mode::Prompt(..) => editor_key(ev).map(Msg::Editor),
        Mode::ConfirmAcceptAll(_) => match ev.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => Some(Msg::Yes),
            _ => Some(Msg::Close),
        },
        Mode::Help => match ev.code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::F(1) => {
                Some(Msg::Close)
            }
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Move(Dir::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Move(Dir::Down)),
            _ => None,
        },
        Mode::Compare(_) => match ev.code {
            KeyCode::Esc | KeyCode::Char('v') | KeyCode::Char('q') => Some(Msg::Close),
            KeyCode::Char('o') | KeyCode::Enter => Some(Msg::OpenRelated),
            _ => None,
        },
        Mode::Findings { .. } => match ev.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Msg::Close),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Move(Dir::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Move(Dir::Down)),
            KeyCode::PageUp => Some(Msg::PageUp),
            KeyCode::PageDown => Some(Msg::PageDown),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::RowStart),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::RowEnd),
            KeyCode::Enter => Some(Msg::StartEdit),
            _ => match keymap.lookup(&ev) {
                Some(m @ (Msg::Findings | Msg::Dismiss)) => Some(m),
                _ => None,
            },
        },
        Mode::Queue { .. } => match ev.code {
            KeyCode::Esc | KeyCode::Char('L') | KeyCode::Char('q') => Some(Msg::Close),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Move(Dir::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Move(Dir::Down)),
            KeyCode::PageUp => Some(Msg::PageUp),
            KeyCode::PageDown => Some(Msg::PageDown),
            KeyCode::Enter => Some(Msg::StartEdit),
            KeyCode::Char('s') => Some(Msg::SortQueue),
            KeyCode::Char('/') => Some(Msg::Search),
            // `g` once is enough here: the list has no other use for it.
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::RowStart),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::RowEnd),
            _ => None,
        },
    }
}

fn editor_key(ev: KeyEvent) -> Option<EditorKey> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    Some(match ev.code {
        KeyCode::Enter => EditorKey::Submit,
        KeyCode::Esc => EditorKey::Cancel,
        KeyCode::Backspace => EditorKey::Backspace,
        KeyCode::Delete => EditorKey::Delete,
        KeyCode::Left => EditorKey::Left,
        KeyCode::Right => EditorKey::Right,
        KeyCode::Home => EditorKey::Home,
        KeyCode::End => EditorKey::End,
        KeyCode::Char('a') if ctrl => EditorKey::Home,
        KeyCode::Char('e') if ctrl => EditorKey::End,
        KeyCode::Char('b') if ctrl => EditorKey::Left,
        KeyCode::Char('f') if ctrl => EditorKey::Right,
        KeyCode::Char('d') if ctrl => EditorKey::Delete,
        KeyCode::Char('h') if ctrl => EditorKey::Backspace,
        KeyCode::Char('u') if ctrl => EditorKey::KillToStart,
        KeyCode::Char('k') if ctrl => EditorKey::KillToEnd,
        KeyCode::Char('w') if ctrl => EditorKey::DeleteWord,
        KeyCode::Char(c) if !ctrl => EditorKey::Insert(c),
        _ => return None,
    })
}

/// Translates a mouse event into a message (left click selects, wheel scrolls the source).
pub fn mouse_to_msg(ev: MouseEvent) -> Option<Msg> {
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(ev.column, ev.row)),
        MouseEventKind::ScrollDown => Some(Msg::ScrollSource(3)),
        MouseEventKind::ScrollUp => Some(Msg::ScrollSource(-3)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Mode;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn arrows_and_vim_keys_both_move() {
        for c in [KeyCode::Down, KeyCode::Char('j')] {
            assert_eq!(
                key_to_msg(&Mode::Normal, key(c, KeyModifiers::NONE)),
                Some(Msg::Move(Dir::Down))
            );
        }
    }

    #[test]
    fn digits_start_an_edit_and_ctrl_c_quits_everywhere() {
        assert_eq!(
            key_to_msg(&Mode::Normal, key(KeyCode::Char('7'), KeyModifiers::NONE)),
            Some(Msg::TypeStart('7'))
        );
        assert_eq!(
            key_to_msg(&Mode::Help, key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Msg::Quit)
        );
        assert_eq!(
            key_to_msg(
                &Mode::Normal,
                key(KeyCode::Char('r'), KeyModifiers::CONTROL)
            ),
            Some(Msg::Redo)
        );
        assert_eq!(
            key_to_msg(&Mode::Normal, key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Msg::Bottom)
        );
    }

    #[test]
    fn suggestion_keys_are_bound() {
        let ev = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(
            key_to_msg(&Mode::Normal, ev('p')),
            Some(Msg::AcceptSuggestion)
        );
        assert_eq!(
            key_to_msg(&Mode::Normal, ev('P')),
            Some(Msg::AcceptAllSuggestions)
        );
        assert_eq!(
            key_to_msg(&Mode::ConfirmAcceptAll(3), ev('y')),
            Some(Msg::Yes)
        );
        assert_eq!(
            key_to_msg(&Mode::ConfirmAcceptAll(3), ev('n')),
            Some(Msg::Close)
        );
    }

    #[test]
    fn help_covers_every_action_and_every_action_has_a_default_key() {
        let map = Keymap::default();
        let lines = map.help_lines(&super::super::strings::EN);
        for a in actions() {
            let text = (a.help)(&super::super::strings::EN);
            assert!(
                lines.iter().any(|(_, t)| *t == text),
                "{text} missing from help"
            );
            assert!(!map.keys_of(a.name).is_empty(), "{} has no key", a.name);
        }
        let undo = lines.iter().find(|(_, t)| *t == "undo").unwrap();
        assert_eq!(undo.0, "u");
        let top = lines
            .iter()
            .find(|(_, t)| t.contains("first / last row"))
            .unwrap();
        assert_eq!(top.0, "gg G");
    }

    #[test]
    fn the_help_scrolls_with_the_arrows() {
        assert_eq!(
            key_to_msg(&Mode::Help, key(KeyCode::Down, KeyModifiers::NONE)),
            Some(Msg::Move(Dir::Down))
        );
        assert_eq!(
            key_to_msg(&Mode::Help, key(KeyCode::Char('k'), KeyModifiers::NONE)),
            Some(Msg::Move(Dir::Up))
        );
    }

    #[test]
    fn the_printed_keymap_reads_back_as_itself() {
        let map = Keymap::default();
        let text = map.to_toml();
        assert!(text.contains("confirm_blanks = [\"b\"]\n"), "{text}");
        assert!(text.contains("move_up = [\"Up\", \"k\"]\n"), "{text}");
        assert_eq!(Keymap::with_overrides(&text).unwrap(), map);
    }

    #[test]
    fn an_override_takes_its_keys_from_other_actions_and_shows_in_help_and_hints() {
        let map = Keymap::with_overrides("confirm_blanks = [\"Z\"]\nfindings = [\"n\", \"F3\"]\n")
            .unwrap();
        let ev = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(
            key_to_msg_with(&map, &Mode::Normal, ev('Z')),
            Some(Msg::ConfirmBlanks)
        );
        assert_eq!(key_to_msg_with(&map, &Mode::Normal, ev('b')), None);
        assert_eq!(
            key_to_msg_with(&map, &Mode::Normal, ev('n')),
            Some(Msg::Findings)
        );
        assert!(map.keys_of("next_flag").is_empty());
        let s = &super::super::strings::EN;
        assert!(map.hint(s, 200).contains("Z "), "{}", map.hint(s, 200));
        assert!(map.help_lines(s).iter().any(|(k, _)| k == "n F3"));
    }

    #[rstest::rstest]
    #[case("nonsense = [\"x\"]", "entry `nonsense`: no such action")]
    #[case("quit = [\"Hyper-q\"]", "entry `quit`: unknown key \"Hyper-q\"")]
    #[case("quit = \"q\"", "entry `quit`: expected a list")]
    #[case("quit = [", "")]
    fn a_bad_keys_file_names_the_entry_and_keeps_the_defaults(
        #[case] text: &str,
        #[case] says: &str,
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keys.toml"), text).unwrap();
        let (map, warning) = Keymap::load(Some(dir.path()));
        assert_eq!(map, Keymap::default());
        let warning = warning.unwrap();
        assert!(warning.contains("keys.toml: "), "{warning}");
        assert!(warning.contains(says), "{warning}");
        assert!(warning.ends_with("default keys used"), "{warning}");
        assert_eq!(warning.lines().count(), 1);
    }
}
