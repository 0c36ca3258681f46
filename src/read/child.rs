//! Child processes for the readers that run code we cannot trust with the session: a large
//! C++ converter (LibreOffice) or a PDF parser fed a hostile file. Each runs in a session of
//! its own with a memory limit and a time limit, so a file that crashes or hangs it costs that
//! file only, and everything it started is stopped together.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Why a child gave no answer.
#[derive(Debug)]
pub enum Failure {
    /// It could not be started.
    Spawn(std::io::Error),
    /// It ran past the time limit and was stopped.
    TimedOut(Duration),
    /// It wrote more than the output limit and was stopped.
    TooMuchOutput(usize),
}

/// What a child may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest it may run.
    pub time: Duration,
    /// Address space it may map.
    pub memory: u64,
    /// Most bytes read from its standard output.
    pub output: usize,
}

/// Longest a conversion may take; real reports take a few seconds at most.
/// `TABLEREVIEW_CONVERT_SECONDS` sets another limit (a slow machine, or a test).
pub fn time_limit(default_secs: u64) -> Duration {
    let secs = std::env::var("TABLEREVIEW_CONVERT_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(default_secs);
    Duration::from_secs(secs)
}

/// Runs `cmd` with `input` on its standard input (none if `None`) and returns its exit status
/// and standard output. Its standard error is dropped: converters chatter there.
pub fn run(
    mut cmd: Command,
    input: Option<Vec<u8>>,
    limits: Limits,
) -> Result<(ExitStatus, Vec<u8>), Failure> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    confine(&mut cmd, limits.memory);
    let mut child = cmd.spawn().map_err(Failure::Spawn)?;
    // Writing and reading run beside the wait, so a child that fills one pipe while we fill
    // the other cannot deadlock the two, and a child that stops reading cannot block us.
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            // A child that exits early closes the pipe: its status says why, not this error.
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    let cap = limits.output;
    // The reader says when the output has ended, so the wait ends with it, not a poll later.
    let (done, ended) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = child.stdout.take().map(|out| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.take(cap as u64 + 1).read_to_end(&mut buf);
            let _ = done.send(buf);
        })
    });
    let mut out: Option<Vec<u8>> = None;
    let started = Instant::now();
    let status = loop {
        if out.is_none() && reader.is_some() {
            let left = limits.time.saturating_sub(started.elapsed());
            if let Ok(got) = ended.recv_timeout(left.min(Duration::from_millis(20))) {
                if got.len() > cap {
                    kill_session(&child);
                    let _ = child.wait();
                    return Err(Failure::TooMuchOutput(cap));
                }
                out = Some(got);
            }
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limits.time => {
                if out.is_some() || reader.is_none() {
                    // Output over: the exit is a moment away.
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
            _ => {
                kill_session(&child);
                let _ = child.wait();
                return Err(Failure::TimedOut(limits.time));
            }
        }
    };
    // Whatever the child left running in its session goes with it, which also ends the pipe.
    kill_session(&child);
    if let Some(w) = writer {
        let _ = w.join();
    }
    if let Some(r) = reader {
        let _ = r.join();
    }
    let out = match out {
        Some(out) => out,
        None => ended.try_recv().unwrap_or_default(),
    };
    if out.len() > cap {
        return Err(Failure::TooMuchOutput(cap));
    }
    Ok((status, out))
}

/// A session of its own (so that everything it starts can be stopped together) and a memory
/// limit, set in the child before the program runs.
#[cfg(unix)]
fn confine(cmd: &mut Command, memory: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid and setrlimit are async-signal-safe and touch only the child.
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            let lim = libc::rlimit {
                rlim_cur: memory as libc::rlim_t,
                rlim_max: memory as libc::rlim_t,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn confine(_: &mut Command, _: u64) {}

#[cfg(unix)]
fn kill_session(child: &std::process::Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: signals the child's own session, made by setsid above.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_session(child: &std::process::Child) {
    let _ = child;
}

/// How a child ended, in words: an exit code or the signal that stopped it.
pub fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match sig {
                libc::SIGKILL => "killed, likely over its memory limit".into(),
                libc::SIGSEGV => "crashed (segmentation fault)".into(),
                libc::SIGABRT => "aborted".into(),
                s => format!("stopped by signal {s}"),
            };
        }
    }
    match status.code() {
        Some(c) => format!("exit code {c}"),
        None => "no exit code".into(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn limits(secs: u64) -> Limits {
        Limits {
            time: Duration::from_secs(secs),
            memory: 1 << 30,
            output: 1 << 20,
        }
    }

    #[test]
    fn input_goes_in_and_output_comes_back() {
        let (status, out) = run(Command::new("cat"), Some(b"abc".to_vec()), limits(10)).unwrap();
        assert!(status.success());
        assert_eq!(out, b"abc");
    }

    #[test]
    fn a_child_that_hangs_is_stopped_at_the_time_limit() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30"]);
        let started = Instant::now();
        let got = run(cmd, None, limits(1));
        assert!(matches!(got, Err(Failure::TimedOut(_))), "{got:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_past_the_cap_is_refused() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 3000000 /dev/zero"]);
        let got = run(cmd, None, limits(10));
        assert!(matches!(got, Err(Failure::TooMuchOutput(_))), "{got:?}");
    }
}
