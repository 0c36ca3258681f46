//! A private tmux server driving the real binary, for the end-to-end tests.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// One tmux server with one window.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A private tmux server running `command` in a `w` x `h` window.
    pub fn start(name: &str, command: &str, w: u16, h: u16) -> Tmux {
        let t = Tmux {
            socket: format!("tablereview-{name}-{}", std::process::id()),
        };
        let (w, h) = (w.to_string(), h.to_string());
        // A review remembers its reviewer and last report in the config folder: a test's go
        // to a folder of its own, never the user's (a command may still set its own).
        let config = std::env::temp_dir().join(format!("{}-config", t.socket));
        let config = format!("TABLEREVIEW_CONFIG_DIR={}", config.display());
        let out = t.cmd(&[
            "-u",
            "new-session",
            "-e",
            &config,
            "-d",
            "-s",
            "e2e",
            "-x",
            &w,
            "-y",
            &h,
            command,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.cmd(&["send-keys", "-t", "e2e", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {needle:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn running(&self) -> bool {
        self.cmd(&["has-session", "-t", "e2e"]).status.success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        let _ =
            std::fs::remove_dir_all(std::env::temp_dir().join(format!("{}-config", self.socket)));
    }
}

impl Tmux {
    /// Waits until the program has ended (at most 10 s); whether it did.
    pub fn wait_exit(&self) -> bool {
        let start = Instant::now();
        while self.running() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        !self.running()
    }
}

/// Whether tmux can run here; a missing tmux fails unless TABLEREVIEW_SKIP_TMUX is set.
pub fn tmux_available() -> bool {
    if std::env::var_os("TABLEREVIEW_SKIP_TMUX").is_some() {
        eprintln!("skipped: TABLEREVIEW_SKIP_TMUX is set");
        return false;
    }
    assert!(
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success()),
        "tmux is needed for this test (apt-get install tmux, or set TABLEREVIEW_SKIP_TMUX=1)"
    );
    true
}
