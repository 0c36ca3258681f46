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

/// A binding of the normal (grid) mode: keys, the message, and its help line.
pub struct Binding {
    pub keys: Vec<Key>,
    pub msg: Msg,
    pub help: fn(&Strings) -> &'static str,
}

/// The default normal-mode bindings, in help order.
pub fn bindings() -> Vec<Binding> {
    use KeyCode::*;
    vec![
        Binding {
            keys: vec![code(Up), k('k')],
            msg: Msg::Move(Dir::Up),
            help: |s| s.h_move,
        },
        Binding {
            keys: vec![code(Down), k('j')],
            msg: Msg::Move(Dir::Down),
            help: |s| s.h_move,
        },
        Binding {
            keys: vec![code(Left), k('h')],
            msg: Msg::Move(Dir::Left),
            help: |s| s.h_move,
        },
        Binding {
            keys: vec![code(Right), k('l')],
            msg: Msg::Move(Dir::Right),
            help: |s| s.h_move,
        },
        Binding {
            keys: vec![code(PageUp)],
            msg: Msg::PageUp,
            help: |s| s.h_page,
        },
        Binding {
            keys: vec![code(PageDown)],
            msg: Msg::PageDown,
            help: |s| s.h_page,
        },
        Binding {
            keys: vec![code(Home)],
            msg: Msg::RowStart,
            help: |s| s.h_home_end,
        },
        Binding {
            keys: vec![code(End)],
            msg: Msg::RowEnd,
            help: |s| s.h_home_end,
        },
        Binding {
            keys: vec![k('g')],
            msg: Msg::G,
            help: |s| s.h_top_bottom,
        },
        Binding {
            keys: vec![k('G')],
            msg: Msg::Bottom,
            help: |s| s.h_top_bottom,
        },
        Binding {
            keys: vec![k('t')],
            msg: Msg::NextTable,
            help: |s| s.h_table,
        },
        Binding {
            keys: vec![k('T')],
            msg: Msg::PrevTable,
            help: |s| s.h_table,
        },
        Binding {
            keys: vec![code(Tab)],
            msg: Msg::ToggleFocus,
            help: |s| s.h_focus,
        },
        Binding {
            keys: vec![k('n')],
            msg: Msg::NextFlag,
            help: |s| s.h_next_flag,
        },
        Binding {
            keys: vec![k('N')],
            msg: Msg::PrevFlag,
            help: |s| s.h_prev_flag,
        },
        Binding {
            keys: vec![k('e'), code(Enter), code(F(2))],
            msg: Msg::StartEdit,
            help: |s| s.h_edit,
        },
        Binding {
            keys: vec![k('x'), code(Delete)],
            msg: Msg::Clear,
            help: |s| s.h_clear,
        },
        Binding {
            keys: vec![k('c')],
            msg: Msg::Confirm,
            help: |s| s.h_confirm,
        },
        Binding {
            keys: vec![k('<')],
            msg: Msg::ShiftLeft,
            help: |s| s.h_shift_left,
        },
        Binding {
            keys: vec![k('>')],
            msg: Msg::ShiftRight,
            help: |s| s.h_shift_right,
        },
        Binding {
            keys: vec![k('u')],
            msg: Msg::Undo,
            help: |s| s.h_undo,
        },
        Binding {
            keys: vec![ctrl('r')],
            msg: Msg::Redo,
            help: |s| s.h_redo,
        },
        Binding {
            keys: vec![k('p')],
            msg: Msg::AcceptSuggestion,
            help: |s| s.h_accept,
        },
        Binding {
            keys: vec![k('P')],
            msg: Msg::AcceptAllSuggestions,
            help: |s| s.h_accept_all,
        },
        Binding {
            keys: vec![k('R')],
            msg: Msg::ReapplyStale,
            help: |s| s.h_reapply,
        },
        Binding {
            keys: vec![k('S')],
            msg: Msg::StartOver,
            help: |s| s.h_start_over,
        },
        Binding {
            keys: vec![k('a')],
            msg: Msg::Approve,
            help: |s| s.h_approve,
        },
        Binding {
            keys: vec![k('r')],
            msg: Msg::Reject,
            help: |s| s.h_reject,
        },
        Binding {
            keys: vec![k('o')],
            msg: Msg::OpenRelated,
            help: |s| s.h_open_related,
        },
        Binding {
            keys: vec![k('v')],
            msg: Msg::CompareRelated,
            help: |s| s.h_compare,
        },
        Binding {
            keys: vec![k(']')],
            msg: Msg::NextReport,
            help: |s| s.h_next_report,
        },
        Binding {
            keys: vec![k('[')],
            msg: Msg::PrevReport,
            help: |s| s.h_prev_report,
        },
        Binding {
            keys: vec![k('}')],
            msg: Msg::NextErrorReport,
            help: |s| s.h_next_error_report,
        },
        Binding {
            keys: vec![k('{')],
            msg: Msg::PrevErrorReport,
            help: |s| s.h_prev_error_report,
        },
        Binding {
            keys: vec![k('L')],
            msg: Msg::ToggleQueue,
            help: |s| s.h_queue,
        },
        Binding {
            keys: vec![k('/')],
            msg: Msg::Search,
            help: |s| s.h_search,
        },
        Binding {
            keys: vec![k('s')],
            msg: Msg::SaveNow,
            help: |s| s.h_save,
        },
        Binding {
            keys: vec![k('?'), code(F(1))],
            msg: Msg::Help,
            help: |s| s.h_help,
        },
        Binding {
            keys: vec![k('q'), ctrl('c')],
            msg: Msg::Quit,
            help: |s| s.h_quit,
        },
    ]
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
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// Help lines generated from the bindings: keys sharing a help text are listed together.
pub fn help_lines(s: &Strings) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in bindings() {
        let text = (b.help)(s);
        let keys: Vec<String> = b.keys.iter().map(key_name).collect();
        let keys = if b.msg == Msg::G {
            vec!["gg".to_string()]
        } else {
            keys
        };
        match out.iter_mut().find(|(_, t)| *t == text) {
            Some((k, _)) => {
                k.push(' ');
                k.push_str(&keys.join(" "));
            }
            None => out.push((keys.join(" "), text)),
        }
    }
    out.push(("0-9 - + .".into(), s.h_type));
    out
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    if key.code != ev.code {
        return false;
    }
    // Shifted characters (`G`, `<`, `?`) arrive with SHIFT on some terminals; ignore it.
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    mods == key.mods
}

/// Translates a key event in the given mode into a message.
pub fn key_to_msg(mode: &Mode, ev: KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Msg::Quit);
    }
    match mode {
        Mode::Normal => {
            if let Some(b) = bindings()
                .into_iter()
                .find(|b| b.keys.iter().any(|key| matches(key, &ev)))
            {
                return Some(b.msg);
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
            _ => None,
        },
        Mode::Compare(_) => match ev.code {
            KeyCode::Esc | KeyCode::Char('v') | KeyCode::Char('q') => Some(Msg::Close),
            KeyCode::Char('o') | KeyCode::Enter => Some(Msg::OpenRelated),
            _ => None,
        },
        Mode::Queue { .. } => match ev.code {
            KeyCode::Esc | KeyCode::Char('L') | KeyCode::Char('q') => Some(Msg::Close),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Move(Dir::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Move(Dir::Down)),
            KeyCode::PageUp => Some(Msg::PageUp),
            KeyCode::PageDown => Some(Msg::PageDown),
            KeyCode::Enter => Some(Msg::StartEdit),
            KeyCode::Char('s') => Some(Msg::SortQueue),
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
    fn help_covers_every_binding() {
        let lines = help_lines(&super::super::strings::EN);
        for b in bindings() {
            let text = (b.help)(&super::super::strings::EN);
            assert!(
                lines.iter().any(|(_, t)| *t == text),
                "{text} missing from help"
            );
        }
        let undo = lines.iter().find(|(_, t)| *t == "undo").unwrap();
        assert_eq!(undo.0, "u");
    }
}
