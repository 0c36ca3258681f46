//! The terminal runtime: set-up and restore (also on panic, Ctrl-C, and SIGTERM, SIGHUP,
//! SIGINT, SIGQUIT, SIGUSR1, SIGUSR2 or SIGALRM from outside), the event loop, and drawing.
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
use super::keymap::{key_to_msg_with, mouse_to_msg};
use super::msg::Msg;
use super::{dispatch, view};
use crate::files::ReportWalk;

/// What wakes the event loop.
enum Incoming {
    Terminal(Event),
    Summary(usize, Result<super::app::Summary, String>),
    Listed(Vec<PathBuf>),
    ListingDone(Vec<String>),
}

/// Messages handled per frame at most, so a flood of background results neither redraws
/// once per result nor keeps a key press waiting long.
const MESSAGES_PER_FRAME: usize = 512;
/// Reports handed to the screen per batch while the walk goes on.
const LISTED_BATCH: usize = 1024;

/// Runs the review screen over `first` and the reports `rest` finds, until the reviewer
/// quits. The screen opens on the first report; the rest of the walk, and the queue's
/// counts, go on behind it.
pub fn run(first: PathBuf, rest: ReportWalk, options: Options) -> anyhow::Result<()> {
    let mut app = App::new(vec![first], options).listing();
    // Open the first report before touching the terminal, so a bad file is a plain message.
    dispatch(&mut app, Msg::Resize(100, 30));
    let stop = Arc::new(AtomicBool::new(false));
    // Every signal whose default would end the process without restoring the terminal or
    // removing the lock ends the loop instead (Ctrl-C is a key in raw mode; a SIGINT, SIGQUIT,
    // SIGUSR1 or SIGALRM from outside left the terminal raw and the lock behind). A second one
    // while the first is handled ends the process at once, as the default would have.
    use signal_hook::consts::{SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM] {
        signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&stop))?;
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
    let result = event_loop(&mut terminal, &mut app, rest, &stop);
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    super::close(&mut app);
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    walk: ReportWalk,
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
    // The walk and the queue's counts go on in the background, so the first frame waits
    // for neither: the walk hands each report to the screen and to the counting thread.
    let (to_count, counting) = mpsc::channel::<(usize, PathBuf)>();
    let out_dir = app.options.out_dir.clone();
    let counts = tx.clone();
    std::thread::spawn(move || {
        for (i, path) in counting {
            let summary = super::update::summary_of(&path, out_dir.as_deref());
            if counts.send(Incoming::Summary(i, summary)).is_err() {
                break;
            }
        }
    });
    let known: Vec<PathBuf> = app.queue.iter().map(|e| e.path.clone()).collect();
    std::thread::spawn(move || list_in_background(walk, known, &tx, &to_count));
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
        // What else has arrived is handled before the next frame is drawn.
        for ev in ev.into_iter().chain(rx.try_iter().take(MESSAGES_PER_FRAME)) {
            let msg = match ev {
                Incoming::Terminal(Event::Key(key)) => {
                    key_to_msg_with(&app.options.keymap, &app.mode, key)
                }
                Incoming::Terminal(Event::Mouse(m)) => mouse_to_msg(m),
                Incoming::Terminal(Event::Resize(w, h)) => Some(Msg::Resize(w, h)),
                Incoming::Terminal(_) => None,
                Incoming::Summary(i, s) => Some(Msg::Summarized(i, s)),
                Incoming::Listed(paths) => Some(Msg::Listed(paths)),
                Incoming::ListingDone(problems) => Some(Msg::ListingDone(problems)),
            };
            if let Some(msg) = msg {
                dispatch(app, msg);
            }
            if app.quit {
                break;
            }
        }
    }
    Ok(())
}

/// Walks the rest of the queue's folders: reports go to the screen in batches (in queue
/// order) and, one by one, to the counting thread; `known` are the ones already queued.
fn list_in_background(
    walk: ReportWalk,
    known: Vec<PathBuf>,
    screen: &mpsc::Sender<Incoming>,
    counting: &mpsc::Sender<(usize, PathBuf)>,
) {
    let mut next = 0;
    for path in known {
        let _ = counting.send((next, path));
        next += 1;
    }
    let mut batch = Vec::new();
    let mut problems = Vec::new();
    let mut last_sent = std::time::Instant::now();
    for item in walk {
        match item {
            Ok(path) => {
                // Sent to the screen before the counter can answer for it, so a count never
                // arrives for an entry the queue does not have yet.
                batch.push(path);
            }
            Err(e) => problems.push(e.to_string()),
        }
        if batch.len() >= LISTED_BATCH
            || (!batch.is_empty() && last_sent.elapsed() > Duration::from_millis(50))
        {
            if !hand_over(&mut batch, &mut next, screen, counting) {
                return;
            }
            last_sent = std::time::Instant::now();
        }
    }
    if hand_over(&mut batch, &mut next, screen, counting) {
        let _ = screen.send(Incoming::ListingDone(problems));
    }
}

/// Sends `batch` to the screen, then each report to the counting thread; false when the
/// screen has closed.
fn hand_over(
    batch: &mut Vec<PathBuf>,
    next: &mut usize,
    screen: &mpsc::Sender<Incoming>,
    counting: &mpsc::Sender<(usize, PathBuf)>,
) -> bool {
    if batch.is_empty() {
        return true;
    }
    let paths = std::mem::take(batch);
    if screen.send(Incoming::Listed(paths.clone())).is_err() {
        return false;
    }
    for path in paths {
        let _ = counting.send((*next, path));
        *next += 1;
    }
    true
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
