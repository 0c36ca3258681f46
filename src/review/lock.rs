//! The lock beside a sidecar: one reviewer process per report, on one machine or across a
//! shared folder.
//!
//! A lock is claimed whole or not at all: its content is written to a temp file that is then
//! hard-linked to the lock's name, which fails if anything is there (a file, a link, a folder).
//! It records the host, the boot, the PID namespace, the process id and that process's start
//! time, so a lock is taken over only when it is provably dead: same host, boot and namespace,
//! and no process with that id started at that time (a zombie counts as dead). A lock of
//! another host or namespace, or one that cannot be read, is held until `--break-lock`.
//! Closing a review removes the lock only if it is still the one this process made.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A lock file beside the sidecar, removed when dropped if it is still this process's.
#[derive(Debug)]
pub struct ReviewLock {
    path: PathBuf,
    /// The lock file's device and inode as created, and its text, to know it is still ours
    /// (a lock broken and claimed again may get the same inode number).
    id: (u64, u64),
    text: String,
}

impl Drop for ReviewLock {
    fn drop(&mut self) {
        if read_lock(&self.path).is_some_and(|(t, id)| id == self.id && t == self.text) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Who holds a lock, as recorded in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Holder {
    host: String,
    boot: String,
    pid_ns: String,
    pid: u32,
    /// The process's start time in clock ticks after boot (`/proc/PID/stat` field 22).
    start: u64,
}

impl Holder {
    fn me() -> Holder {
        let pid = std::process::id();
        Holder {
            host: hostname(),
            boot: boot_id(),
            pid_ns: pid_ns(),
            pid,
            start: start_time(pid).unwrap_or(0),
        }
    }

    fn to_text(&self) -> String {
        format!(
            "tablereview lock\nhost {}\nboot {}\npidns {}\npid {}\nstart {}\n",
            self.host, self.boot, self.pid_ns, self.pid, self.start
        )
    }

    /// The holder recorded in a lock's text; a bare process id is an older version's lock.
    fn parse(text: &str) -> Option<Holder> {
        if let Ok(pid) = text.trim().parse::<u32>() {
            let me = Holder::me();
            return Some(Holder {
                pid,
                start: 0,
                ..me
            });
        }
        let mut lines = text.lines();
        if lines.next()? != "tablereview lock" {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            line.strip_prefix(name)?
                .strip_prefix(' ')
                .map(str::to_string)
        };
        Some(Holder {
            host: field("host")?,
            boot: field("boot")?,
            pid_ns: field("pidns")?,
            pid: field("pid")?.parse().ok()?,
            start: field("start")?.parse().ok()?,
        })
    }

    /// Whether this holder is provably gone: on this machine, this boot and this PID
    /// namespace, with no live process of its id started when it was.
    fn provably_dead(&self) -> bool {
        let me = Holder::me();
        if self.host != me.host || self.boot != me.boot || self.pid_ns != me.pid_ns {
            return false;
        }
        match process_state(self.pid) {
            None => !alive(self.pid),
            Some((state, start)) => state == 'Z' || (self.start != 0 && start != self.start),
        }
    }

    fn describe(&self) -> String {
        format!("process {} on {}", self.pid, self.host)
    }
}

/// The lock path of a sidecar.
pub fn lock_path(sidecar: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", sidecar.display()))
}

/// Claims `sidecar`'s lock for this process; `Ok(None)` when this process holds it already
/// or the folder cannot be written (then saving fails and says so); `Err` says who holds it.
pub fn lock(sidecar: &Path) -> std::result::Result<Option<ReviewLock>, String> {
    let path = lock_path(sidecar);
    let me = Holder::me();
    if let Some(folder) = sidecar
        .parent()
        .filter(|f| !f.as_os_str().is_empty() && !f.exists())
    {
        // Under --out-dir the report's folder is kept, and made when it is first opened.
        let _ = std::fs::create_dir_all(folder);
    }
    // A few rounds: a dead lock is moved away and the claim tried again, and a claim can
    // lose the race to another process taking over the same dead lock.
    for _ in 0..8 {
        match claim(&path, &me) {
            Ok(Some(id)) => {
                // Holding the lock, no save of this sidecar is under way: temp files beside
                // it are what a killed review left.
                crate::files::remove_stale_temps(sidecar);
                return Ok(Some(ReviewLock {
                    path,
                    id,
                    text: me.to_text(),
                }));
            }
            Ok(None) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) => return Ok(None),
        }
        let meta = std::fs::symlink_metadata(&path);
        if meta.as_ref().is_ok_and(|m| !m.is_file()) {
            return Err(format!(
                "{}: the lock is not a file (a folder or a link is in its place); opened read-only: remove it",
                path.display()
            ));
        }
        let Some((text, id)) = read_lock(&path) else {
            continue;
        };
        match Holder::parse(&text) {
            Some(h) if h.pid == me.pid && h.host == me.host && h.pid_ns == me.pid_ns => {
                // This process already holds it (the report was reopened).
                return Ok(None);
            }
            Some(h) if h.provably_dead() => {
                retire(&path, id, &text);
            }
            Some(h) => {
                return Err(format!(
                    "{}: another tablereview ({}) is reviewing this report; opened read-only (if it is gone, run review --break-lock)",
                    path.display(),
                    h.describe()
                ))
            }
            None => {
                return Err(format!(
                    "{}: a lock this tablereview cannot read holds the report; opened read-only (review --break-lock removes it)",
                    path.display()
                ))
            }
        }
    }
    Err(format!(
        "{}: the lock keeps changing hands; opened read-only",
        path.display()
    ))
}

/// Removes `sidecar`'s lock whoever holds it (`review --break-lock`); says whose it was.
pub fn break_lock(sidecar: &Path) -> Option<String> {
    let path = lock_path(sidecar);
    let (text, _) = read_lock(&path)?;
    std::fs::remove_file(&path).ok()?;
    Some(match Holder::parse(&text) {
        Some(h) => h.describe(),
        None => "an unreadable lock".into(),
    })
}

/// Writes the holder to a temp file and links it to `path`: the lock appears whole or not at
/// all. The file's id on success; `Ok(None)` when a file system without hard links refused
/// and an exclusive create found the lock there.
fn claim(path: &Path, me: &Holder) -> std::io::Result<Option<(u64, u64)>> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tablereview-lock-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(me.to_text().as_bytes())?;
    tmp.as_file().sync_all()?;
    match std::fs::hard_link(tmp.path(), path) {
        Ok(()) => Ok(file_id(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            // No hard links here (some network and FAT file systems): an exclusive create,
            // whose content follows a moment later.
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)?;
            f.write_all(me.to_text().as_bytes())?;
            Ok(file_id(path))
        }
    }
}

/// The lock's text and file id, read without following a link.
fn read_lock(path: &Path) -> Option<(String, (u64, u64))> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut text = String::new();
    file.take(4096).read_to_string(&mut text).ok()?;
    Some((text, meta_id(&meta)))
}

/// Removes a dead lock, and only that lock, under a takeover guard (`LOCK.takeover`, claimed
/// like a lock): the guard's holder re-reads the lock and removes it only if it is still the
/// dead one (same text and file id; a new lock may get the inode number of one just removed),
/// so a live lock is never moved or removed, and the empty name is then claimed by exactly
/// one process. Without the guard, a live lock could be moved aside while a third claim
/// took the name. A guard left by a crash is ignored after ten seconds.
fn retire(path: &Path, dead: (u64, u64), dead_text: &str) {
    let guard = PathBuf::from(format!("{}.takeover", path.display()));
    match claim(&guard, &Holder::me()) {
        Ok(Some(_)) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let old = std::fs::symlink_metadata(&guard)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(10));
            if old {
                let _ = std::fs::remove_file(&guard);
            }
            // Another process is taking over: its claim will be there in a moment.
            std::thread::sleep(std::time::Duration::from_millis(20));
            return;
        }
        _ => return,
    }
    if read_lock(path).is_some_and(|(t, id)| id == dead && t == dead_text) {
        let _ = std::fs::remove_file(path);
    }
    let _ = std::fs::remove_file(&guard);
}

fn meta_id(meta: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

fn file_id(path: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(path).ok().map(|m| meta_id(&m))
}

/// Whether a process with this id exists (signal 0 asks without sending anything).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// A process's state letter and start time from `/proc/PID/stat`, where there is a /proc.
fn process_state(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields follow the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    // Field 22 overall is the 20th after the name (state is field 3).
    let start = fields.nth(18)?.parse().ok()?;
    Some((state, start))
}

fn start_time(pid: u32) -> Option<u64> {
    process_state(pid).map(|(_, s)| s)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn pid_ns() -> String {
    std::fs::read_link("/proc/self/ns/pid")
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sidecar() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.reviewed.json");
        (dir, p)
    }

    #[test]
    fn a_lock_names_host_pid_and_start_and_reads_back() {
        let me = Holder::me();
        assert!(me.start > 0, "a start time on Linux");
        assert_eq!(Holder::parse(&me.to_text()), Some(me.clone()));
        assert!(!me.provably_dead());
    }

    #[test]
    fn only_a_provably_dead_lock_is_taken_over() {
        let (_d, side) = sidecar();
        let path = lock_path(&side);
        let me = Holder::me();
        // Process 1 is alive but started at another time than recorded: the id was reused.
        let reused = Holder {
            pid: 1,
            start: start_time(1).unwrap() + 12345,
            ..me.clone()
        };
        std::fs::write(&path, reused.to_text()).unwrap();
        let l = lock(&side).unwrap().expect("a reused id is dead");
        assert_eq!(
            Holder::parse(&std::fs::read_to_string(&path).unwrap()),
            Some(me.clone())
        );
        drop(l);
        assert!(!path.exists(), "released");
        // The same process, started when recorded: alive.
        let live = Holder {
            pid: 1,
            start: start_time(1).unwrap(),
            ..me.clone()
        };
        std::fs::write(&path, live.to_text()).unwrap();
        assert!(lock(&side).unwrap_err().contains("process 1 on"));
        // Another host or another PID namespace cannot be judged from here.
        for other in [
            Holder {
                host: "elsewhere".into(),
                pid: 4_000_000,
                ..me.clone()
            },
            Holder {
                pid_ns: "pid:[1]".into(),
                pid: 4_000_000,
                ..me.clone()
            },
        ] {
            std::fs::write(&path, other.to_text()).unwrap();
            assert!(lock(&side).unwrap_err().contains("--break-lock"));
        }
        // Garbage (or an empty file) is not provably dead either.
        std::fs::write(&path, "").unwrap();
        assert!(lock(&side).unwrap_err().contains("--break-lock"));
        assert_eq!(break_lock(&side).as_deref(), Some("an unreadable lock"));
        assert!(lock(&side).unwrap().is_some());
    }

    #[test]
    fn a_zombie_holds_no_lock() {
        let (_d, side) = sidecar();
        // A child that exits and is not reaped stays a zombie with its id and start time.
        let child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let start = std::time::Instant::now();
        while process_state(pid).is_some_and(|(s, _)| s != 'Z')
            && start.elapsed() < std::time::Duration::from_secs(5)
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let zombie = Holder {
            pid,
            start: start_time(pid).unwrap(),
            ..Holder::me()
        };
        std::fs::write(lock_path(&side), zombie.to_text()).unwrap();
        assert!(lock(&side).unwrap().is_some());
        drop(child);
    }

    #[test]
    fn a_folder_or_link_at_the_lock_is_said_not_skipped() {
        let (d, side) = sidecar();
        std::fs::create_dir(lock_path(&side)).unwrap();
        assert!(lock(&side).unwrap_err().contains("not a file"));
        std::fs::remove_dir(lock_path(&side)).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.path().join("elsewhere"), lock_path(&side)).unwrap();
            assert!(lock(&side).unwrap_err().contains("not a file"));
            assert!(!d.path().join("elsewhere").exists());
        }
    }

    #[test]
    fn claiming_removes_the_temp_files_a_killed_save_left() {
        let (d, side) = sidecar();
        // What `kill -9` between a save's create and rename leaves (16 after 50 kills).
        let left = d.path().join(".r.reviewed.json.Ab12Cd.tmp");
        std::fs::write(&left, "half").unwrap();
        let other = d.path().join(".s.reviewed.json.Ab12Cd.tmp");
        std::fs::write(&other, "another report's").unwrap();
        let _l = lock(&side).unwrap().unwrap();
        assert!(!left.exists());
        assert!(other.exists(), "another sidecar's temp is not ours");
    }

    #[test]
    fn closing_removes_only_its_own_lock() {
        let (_d, side) = sidecar();
        let path = lock_path(&side);
        let mine = lock(&side).unwrap().unwrap();
        // Broken and claimed by another reviewer meanwhile.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "someone else's").unwrap();
        drop(mine);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "someone else's");
    }

    #[test]
    fn simultaneous_claims_give_one_writer() {
        // 100 rounds of 8 threads claiming one fresh lock, and 100 of 8 taking over one dead
        // lock: exactly one claim wins each round (the old create-then-write lock let two
        // of 150 simultaneous starts both write). Threads share a process, so each claims
        // under its own made-up id; the claim itself is what is tested.
        for stale in [false, true] {
            for _ in 0..100 {
                let (_d, side) = sidecar();
                let path = lock_path(&side);
                if stale {
                    let dead = Holder {
                        pid: 1,
                        start: start_time(1).unwrap() + 1,
                        ..Holder::me()
                    };
                    std::fs::write(&path, dead.to_text()).unwrap();
                }
                let barrier = std::sync::Barrier::new(8);
                let wins: usize = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..8u32)
                        .map(|i| {
                            let (path, barrier) = (&path, &barrier);
                            s.spawn(move || {
                                let who = Holder {
                                    pid: 3_000_000 + i,
                                    ..Holder::me()
                                };
                                barrier.wait();
                                claim_as(path, &who)
                            })
                        })
                        .collect();
                    handles.into_iter().map(|h| h.join().unwrap()).sum()
                });
                assert_eq!(wins, 1, "stale: {stale}");
            }
        }
    }

    /// One claim as `who` (a lock found is taken over only when provably dead): 1 if it won.
    fn claim_as(path: &Path, who: &Holder) -> usize {
        for _ in 0..8 {
            match claim(path, who) {
                Ok(Some(_)) => return 1,
                Ok(None) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(_) => return 0,
            }
            let Some((text, id)) = read_lock(path) else {
                continue;
            };
            match Holder::parse(&text) {
                Some(h) if h.pid >= 3_000_000 => return 0,
                Some(h) if h.provably_dead() => retire(path, id, &text),
                _ => return 0,
            }
        }
        0
    }
}
