//! The terminal runtime: set-up and restore (also on panic, Ctrl-C, SIGTERM, SIGHUP), the
//! event loop, and drawing.
//!
//! Terminal events are read on their own thread and handed over a channel, so the main loop
//! wakes at least every 250 ms whatever the terminal does: crossterm's reader can spin without
//! returning once its terminal hangs up, and the loop must still notice signals and the hang-up.

use std::io::stdout;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;

use super::app::{App, Options};
use super::keymap::{key_to_msg, mouse_to_msg};
use super::msg::Msg;
use super::{dispatch, view};

/// What wakes the event loop.
enum Incoming {
    Terminal(Event),
    Summary(usize, Result<super::app::Summary, String>),
}

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
    let (tx, rx) = mpsc::channel::<Incoming>();
    let keys = tx.clone();
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if keys.send(Incoming::Terminal(ev)).is_err() {
                break;
            }
        }
    });
    // The queue's counts fill in the background, so the first frame never waits for them.
    let paths: Vec<PathBuf> = app.queue.iter().map(|e| e.path.clone()).collect();
    let out_dir = app.options.out_dir.clone();
    std::thread::spawn(move || {
        for (i, path) in paths.iter().enumerate() {
            let summary = super::update::summary_of(path, out_dir.as_deref());
            if tx.send(Incoming::Summary(i, summary)).is_err() {
                break;
            }
        }
    });
    let mut first_frame = true;
    while !app.quit {
        terminal.draw(|frame| view::view(app, frame))?;
        if std::mem::take(&mut first_frame) {
            note_first_frame();
        }
        let ev = match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(ev) => Some(ev),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if stop.load(Ordering::Relaxed) || terminal_hung_up() {
            break;
        }
        let msg = match ev {
            Some(Incoming::Terminal(Event::Key(key))) => key_to_msg(&app.mode, key),
            Some(Incoming::Terminal(Event::Mouse(m))) => mouse_to_msg(m),
            Some(Incoming::Terminal(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
            Some(Incoming::Summary(i, s)) => Some(Msg::Summarized(i, s)),
            _ => None,
        };
        if let Some(msg) = msg {
            dispatch(app, msg);
        }
    }
    Ok(())
}

/// For benchmarks: with TABLEREVIEW_FIRST_FRAME_LOG set, writes the milliseconds from process
/// start to the first drawn frame into that file.
fn note_first_frame() {
    if let Some(path) = std::env::var_os("TABLEREVIEW_FIRST_FRAME_LOG") {
        let ms = crate::cli::started().elapsed().as_secs_f64() * 1000.0;
        let _ = std::fs::write(path, format!("{ms:.1}"));
    }
}

/// Whether the terminal on standard input has gone away (its window closed).
#[cfg(unix)]
fn terminal_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout; poll only writes `revents`.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[cfg(not(unix))]
fn terminal_hung_up() -> bool {
    false
}
