//! The review screen: a split pane (source text | grid) in the Elm Architecture.
//!
//! One [`app::App`] state; keys become [`msg::Msg`] in [`keymap`]; [`update::update`] is the
//! only thing that changes state; [`view::view`] only draws. [`run`] owns the terminal.

pub mod app;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod run;
pub mod series;
pub mod status;
pub mod strings;
pub mod text;
pub mod update;
pub mod view;
pub mod wording;

pub use app::{App, Options};
pub use run::run;

/// Applies a message and carries out the effects it asks for, feeding their results back.
/// The terminal runtime and the tests drive the screen through this one function.
pub fn dispatch(app: &mut App, msg: msg::Msg) {
    let was = app.current;
    let mut queue = vec![msg];
    while let Some(m) = queue.pop() {
        for effect in update::update(app, m) {
            match effect {
                update::Effect::Save(i) => {
                    let result = match app.queue.get_mut(i).and_then(|e| e.doc.as_mut()) {
                        Some(doc) => doc.save().map_err(|e| e.to_string()),
                        None => Ok(()),
                    };
                    if result.is_ok() {
                        remember(app, i);
                    }
                    queue.push(msg::Msg::Saved(result));
                }
            }
        }
    }
    if app.current != was {
        // The report left is written whole, so its sidecar alone is current for whoever
        // reads the file; failing that, readers replay its journal as before.
        if let Some(doc) = app.queue.get_mut(was).and_then(|e| e.doc.as_mut()) {
            let _ = doc.compact();
        }
    }
}

/// Ends the session's reviews: each journal is written into its sidecar, so the sidecar on
/// disk is whole for whoever reads it next. Best effort: a journal left behind is replayed by
/// every reader and compacted by the next review.
pub fn close(app: &mut App) {
    for doc in app.queue.iter_mut().filter_map(|e| e.doc.as_mut()) {
        let _ = doc.compact();
    }
}

/// Notes report `i` as the one last worked on (config/last-report), so the next session
/// resumes there. Best effort: a config folder that cannot be written only loses that.
fn remember(app: &mut App, i: usize) {
    let (Some(dir), Some(entry)) = (&app.options.config_dir, app.queue.get(i)) else {
        return;
    };
    if app.remembered.as_ref() == Some(&entry.path) {
        return;
    }
    let path = std::path::absolute(&entry.path).unwrap_or_else(|_| entry.path.clone());
    if std::fs::create_dir_all(dir).is_ok()
        && crate::files::write_atomic(&dir.join(LAST_REPORT), path.to_string_lossy().as_bytes())
            .is_ok()
    {
        app.remembered = Some(entry.path.clone());
    }
}

/// The file in the config folder naming the report last worked on.
pub const LAST_REPORT: &str = "last-report";

/// The report the last session worked on, from the config folder.
pub fn last_report(config_dir: Option<&std::path::Path>) -> Option<std::path::PathBuf> {
    let text = std::fs::read_to_string(config_dir?.join(LAST_REPORT)).ok()?;
    let path = std::path::PathBuf::from(text.trim());
    std::path::absolute(&path).ok()
}
