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
pub mod strings;
pub mod update;
pub mod view;

pub use app::{App, Options};
pub use run::run;

/// Applies a message and carries out the effects it asks for, feeding their results back.
/// The terminal runtime and the tests drive the screen through this one function.
pub fn dispatch(app: &mut App, msg: msg::Msg) {
    let mut queue = vec![msg];
    while let Some(m) = queue.pop() {
        for effect in update::update(app, m) {
            match effect {
                update::Effect::Save(i) => {
                    let result = match app.queue.get(i).and_then(|e| e.doc.as_ref()) {
                        Some(doc) => doc.save().map_err(|e| e.to_string()),
                        None => Ok(()),
                    };
                    queue.push(msg::Msg::Saved(result));
                }
            }
        }
    }
}
