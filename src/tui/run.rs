//! The terminal runtime: set-up and restore (also on panic, Ctrl-C, SIGTERM, SIGHUP), the
//! event loop, and drawing.

use std::io::stdout;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;

use super::app::{App, Options};
use super::keymap::{key_to_msg, mouse_to_msg};
use super::msg::Msg;
use super::{dispatch, view};

/// Runs the review screen over `paths` until the reviewer quits.
pub fn run(paths: Vec<PathBuf>, options: Options) -> anyhow::Result<()> {
    let mut app = App::new(paths, options);
    // Open the first report before touching the terminal, so a bad file is a plain message.
    dispatch(&mut app, Msg::Resize(100, 30));
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        eprintln!("tablereview: every edit was saved when it was made, in the .reviewed.json beside each report");
    }));
    // ratatui::init installs a hook that restores the terminal before ours prints.
    let mut terminal = ratatui::init();
    let _ = execute!(stdout(), EnableMouseCapture);
    let result = event_loop(&mut terminal, &mut app, &stop);
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let size = terminal.size()?;
    dispatch(app, Msg::Resize(size.width, size.height));
    while !app.quit {
        terminal.draw(|frame| view::view(app, frame))?;
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if !event::poll(Duration::from_millis(250))? {
            continue;
        }
        let msg = match event::read()? {
            Event::Key(key) => key_to_msg(&app.mode, key),
            Event::Mouse(m) => mouse_to_msg(m),
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            _ => None,
        };
        if let Some(msg) = msg {
            dispatch(app, msg);
        }
    }
    Ok(())
}
