//! `check`'s results remembered between runs, so re-checking a corpus that has not changed
//! costs about what reading it does.
//!
//! An entry is the exact output `check` printed for one report, keyed by a 128-bit hash of
//! the report's bytes, its path as printed and the output mode. It is stored compressed (LZ4:
//! the JSON findings shrink about tenfold, so a 50,000-report corpus fits) with a checksum of
//! its counts and stored bytes, so a damaged entry is checked afresh rather than printed. The
//! cache file's name carries a fingerprint of the program (version and executable), so a new
//! build never reads an old build's results. A report with a review sidecar is never cached
//! (its result depends on the sidecar too). A cache that cannot be read is treated as empty
//! and replaced; a cache that cannot be written only costs speed. A cache folder or file
//! that anyone but this user could have written (another owner, group- or world-writable, not
//! a regular file) is not used at all, and `check` says so once: a forged record would print
//! `0 errors` for a report with errors. Entries are written beside
//! the output as they are produced, then the old entries still unseen are copied after them,
//! and the new file replaces the old by rename.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

/// First bytes of a cache file.
const MAGIC: &[u8; 8] = b"TRCHK03\n";
/// A record's fixed part: key (16), errors (4), warnings (4), output length (4), stored
/// length (4), checksum of the counts and stored bytes (8).
const HEAD: usize = 40;
/// Past this size a cache keeps only what the last run used.
const MAX_BYTES: usize = 512 << 20;
/// One result as stored: compressed, with its checksum. Made by the worker that checked the
/// report, so compressing runs in parallel.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    errors: u32,
    warnings: u32,
    output_len: u32,
    checksum: u64,
    stored: Vec<u8>,
}

impl Record {
    /// The record of `outcome`; `None` when it is too large to store.
    pub fn of(outcome: &Outcome) -> Option<Record> {
        let output_len = u32::try_from(outcome.output.len()).ok()?;
        let stored = lz4_flex::block::compress(&outcome.output);
        Some(Record {
            errors: outcome.errors,
            warnings: outcome.warnings,
            output_len,
            checksum: checksum(outcome.errors, outcome.warnings, output_len, &stored),
            stored,
        })
    }

    fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            errors: self.errors,
            warnings: self.warnings,
            output_len: self.output_len,
            checksum: self.checksum,
            stored: &self.stored,
        }
    }
}

/// A record as it lies in a cache file.
#[derive(Debug, Clone, Copy)]
struct RecordRef<'a> {
    errors: u32,
    warnings: u32,
    output_len: u32,
    checksum: u64,
    stored: &'a [u8],
}

impl RecordRef<'_> {
    /// The outcome, if the record decompresses to the output it was made from.
    fn outcome(&self) -> Option<Outcome> {
        if checksum(self.errors, self.warnings, self.output_len, self.stored) != self.checksum {
            return None;
        }
        let output = lz4_flex::block::decompress(self.stored, self.output_len as usize).ok()?;
        (output.len() == self.output_len as usize).then_some(Outcome {
            errors: self.errors,
            warnings: self.warnings,
            output,
        })
    }
}

/// A record's checksum: of its counts and its compressed bytes, which decompress to one
/// output only. Hashing the compressed form reads a tenth of the bytes the output has, and
/// a warm check spent a fifth of its time hashing outputs.
fn checksum(errors: u32, warnings: u32, output_len: u32, stored: &[u8]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&errors.to_le_bytes());
    h.update(&warnings.to_le_bytes());
    h.update(&output_len.to_le_bytes());
    h.update(stored);
    h.digest()
}

/// What `check` prints for one report, with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub errors: u32,
    pub warnings: u32,
    /// The report's lines of output, exactly as printed.
    pub output: Vec<u8>,
}

/// The cache folder: `$TABLEREVIEW_CACHE_DIR`, else `$XDG_CACHE_HOME/tablereview`, else
/// `~/.cache/tablereview`; `None` when none is known.
pub fn default_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("TABLEREVIEW_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("tablereview")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("tablereview")))
}

/// The program's fingerprint: a rebuilt or upgraded program has another.
fn fingerprint() -> Option<u128> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(exe.as_os_str().as_encoded_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&modified.as_nanos().to_le_bytes());
    Some(h.digest128())
}

/// The key of one report's result: its bytes, the path as printed, and the output mode.
pub fn key(mode: &str, path: &Path, bytes: &[u8]) -> u128 {
    let mut h = Xxh3::new();
    let mode = mode.as_bytes();
    let path = path.as_os_str().as_encoded_bytes();
    // Lengths first, so no two different triples hash the same stream.
    h.update(&(mode.len() as u64).to_le_bytes());
    h.update(mode);
    h.update(&(path.len() as u64).to_le_bytes());
    h.update(path);
    h.update(bytes);
    h.digest128()
}

/// The results of earlier runs, and the file this run's results go to.
pub struct CheckCache {
    path: PathBuf,
    /// The earlier runs' file, read a record at a time. Not mapped: a mapped file truncated
    /// while it is read kills the process with SIGBUS, where a short read is only a miss.
    old: Option<File>,
    /// Key → where the record starts in `old`.
    index: HashMap<u128, u64>,
    /// The new cache file, written as results come (behind a lock, so workers can look up
    /// while the writer adds).
    new: std::sync::Mutex<NewFile>,
}

/// Why a cache folder or file is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted(pub String);

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a cache folder or file's owner alone could have written it: it belongs to this
/// user and neither its group nor others may write it. Anyone else who can write there could
/// forge a record that turns a report with errors into `0 errors`.
fn private(meta: &std::fs::Metadata, path: &Path, what: &str) -> Result<(), Untrusted> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(Untrusted(format!(
                "{}: the results cache {what} belongs to another user (uid {}); results are not cached (use a cache folder of your own: TABLEREVIEW_CACHE_DIR)",
                path.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(Untrusted(format!(
                "{}: the results cache {what} can be written by others; results are not cached (chmod go-w it)",
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (meta, path, what);
    Ok(())
}

/// This run's cache file in the making.
#[derive(Default)]
struct NewFile {
    /// Keys written by this run.
    written: std::collections::HashSet<u128>,
    out: Option<(tempfile::NamedTempFile, BufWriter<File>)>,
    bytes: usize,
    /// Writing failed (a full disk): the run goes on without the cache.
    failed: bool,
}

impl CheckCache {
    /// Opens the cache in `dir` for this program; `Ok(None)` when the program cannot be
    /// fingerprinted or the folder cannot be made (then `check` just runs without it), `Err`
    /// when the folder or file could be another's forgery (say so, and run without it).
    pub fn open(dir: &Path) -> Result<Option<CheckCache>, Untrusted> {
        let Some(fp) = fingerprint() else {
            return Ok(None);
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            let _ = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir);
        }
        #[cfg(not(unix))]
        let _ = std::fs::create_dir_all(dir);
        let Ok(meta) = std::fs::metadata(dir) else {
            return Ok(None);
        };
        if !meta.is_dir() {
            return Ok(None);
        }
        private(&meta, dir, "folder")?;
        let path = dir.join(format!("check-{fp:032x}.bin"));
        let old = open_regular(&path)?;
        let index = old.as_ref().and_then(read_index).unwrap_or_default();
        Ok(Some(CheckCache {
            path,
            old: old.filter(|_| !index.is_empty()),
            index,
            new: Default::default(),
        }))
    }

    /// How many results the cache holds from earlier runs.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the cache holds nothing from earlier runs.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The remembered result for `key`, if any (and if its record is intact).
    pub fn get(&self, key: u128) -> Option<Outcome> {
        let at = *self.index.get(&key)?;
        let bytes = read_record(self.old.as_ref()?, at)?;
        record_at(&bytes, 0)?.outcome()
    }

    /// Remembers `record` for `key` (written to the new cache file at once).
    pub fn put(&self, key: u128, record: &Record) {
        let Ok(mut new) = self.new.lock() else {
            return;
        };
        if new.failed || new.bytes > MAX_BYTES || !new.written.insert(key) {
            return;
        }
        if new.out.is_none() {
            new.out = self.start_file();
            new.failed = new.out.is_none();
        }
        let NewFile {
            out, bytes, failed, ..
        } = &mut *new;
        let Some((_, w)) = out.as_mut() else {
            return;
        };
        if write_record(w, key, record.as_ref()).is_err() {
            *failed = true;
            *out = None;
            return;
        }
        *bytes += HEAD + record.stored.len();
    }

    fn start_file(&self) -> Option<(tempfile::NamedTempFile, BufWriter<File>)> {
        let dir = self.path.parent()?;
        let tmp = tempfile::Builder::new()
            .prefix(".check-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .ok()?;
        let mut w = BufWriter::new(tmp.reopen().ok()?);
        w.write_all(MAGIC).ok()?;
        Some((tmp, w))
    }

    /// Finishes the new cache file: the earlier results this run did not rewrite are kept
    /// after this run's (unless the cache has grown too large), and the file replaces the old
    /// one. Older programs' cache files are removed. Failures are ignored: the cache only
    /// saves time.
    pub fn finish(self) {
        let Ok(mut new) = self.new.into_inner() else {
            return;
        };
        let Some((tmp, mut w)) = new.out.take() else {
            return;
        };
        if let Some(old) = &self.old {
            for (&key, &at) in &self.index {
                if new.bytes > MAX_BYTES {
                    break;
                }
                if new.written.contains(&key) {
                    continue;
                }
                let Some(bytes) = read_record(old, at) else {
                    continue;
                };
                let Some(record) = record_at(&bytes, 0) else {
                    continue;
                };
                if write_record(&mut w, key, record).is_err() {
                    return;
                }
                new.bytes += HEAD + record.stored.len();
            }
        }
        if w.flush().is_err() || w.get_ref().sync_all().is_err() {
            return;
        }
        drop(w);
        drop(self.old);
        if tmp.persist(&self.path).is_err() {
            return;
        }
        remove_other_caches(&self.path);
    }
}

/// The cache file at `path`, if there is one and it is a regular file of this user's that
/// no one else may write. Opened without following a link and without waiting (a FIFO in
/// its place hung `check`), and judged on the open file, so it cannot be swapped between the
/// check and the read.
fn open_regular(path: &Path) -> Result<Option<File>, Untrusted> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let Ok(file) = options.open(path) else {
        return Ok(None);
    };
    let Ok(meta) = file.metadata() else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Err(Untrusted(format!(
            "{}: the results cache is not a regular file; results are not cached (remove it)",
            path.display()
        )));
    }
    private(&meta, path, "file")?;
    Ok(Some(file))
}

/// The bytes of the record at `at`: its head, then what its head says is stored. `None` when
/// the file ends first (it was truncated under this run).
fn read_record(file: &File, at: u64) -> Option<Vec<u8>> {
    let mut head = [0u8; HEAD];
    read_exact_at(file, &mut head, at)?;
    let stored_len = u32_at(&head, 28)? as usize;
    let mut bytes = vec![0u8; HEAD + stored_len];
    bytes[..HEAD].copy_from_slice(&head);
    read_exact_at(file, &mut bytes[HEAD..], at + HEAD as u64)?;
    Some(bytes)
}

fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> Option<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(buf, at).ok()
    }
    #[cfg(not(unix))]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            match file.seek_read(&mut buf[done..], at + done as u64) {
                Ok(0) | Err(_) => return None,
                Ok(n) => done += n,
            }
        }
        Some(())
    }
}

fn write_record(w: &mut impl Write, key: u128, record: RecordRef<'_>) -> std::io::Result<()> {
    let stored_len = u32::try_from(record.stored.len()).map_err(std::io::Error::other)?;
    w.write_all(&key.to_le_bytes())?;
    w.write_all(&record.errors.to_le_bytes())?;
    w.write_all(&record.warnings.to_le_bytes())?;
    w.write_all(&record.output_len.to_le_bytes())?;
    w.write_all(&stored_len.to_le_bytes())?;
    w.write_all(&record.checksum.to_le_bytes())?;
    w.write_all(record.stored)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The record starting at `at`.
fn record_at(b: &[u8], at: usize) -> Option<RecordRef<'_>> {
    let stored_len = u32_at(b, at + 28)? as usize;
    Some(RecordRef {
        errors: u32_at(b, at + 16)?,
        warnings: u32_at(b, at + 20)?,
        output_len: u32_at(b, at + 24)?,
        checksum: u64::from_le_bytes(b.get(at + 32..at + 40)?.try_into().ok()?),
        stored: b.get(at + HEAD..at + HEAD + stored_len)?,
    })
}

/// Where each record starts; `None` when the file is not a whole cache file (then it is
/// ignored, and replaced at the end of the run). Reads the heads only, skipping what they
/// store, so the index costs a read of the heads, not of the file.
fn read_index(file: &File) -> Option<HashMap<u128, u64>> {
    use std::io::{BufReader, Read};
    let len = file.metadata().ok()?.len();
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut magic = [0u8; MAGIC.len()];
    r.read_exact(&mut magic).ok()?;
    if &magic != MAGIC {
        return None;
    }
    let mut index = HashMap::new();
    let mut at = MAGIC.len() as u64;
    let mut head = [0u8; HEAD];
    while at < len {
        r.read_exact(&mut head).ok()?;
        let key = u128::from_le_bytes(head[..16].try_into().ok()?);
        let stored_len = u64::from(u32_at(&head, 28)?);
        let end = at + HEAD as u64 + stored_len;
        if end > len {
            return None;
        }
        index.insert(key, at);
        r.seek_relative(i64::try_from(stored_len).ok()?).ok()?;
        at = end;
    }
    Some(index)
}

fn remove_other_caches(current: &Path) {
    let (Some(dir), Some(name)) = (current.parent(), current.file_name()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n.starts_with("check-") && n.ends_with(".bin") && *n != *name.to_string_lossy() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(text: &str) -> Outcome {
        Outcome {
            errors: 2,
            warnings: 3,
            output: text.as_bytes().to_vec(),
        }
    }

    fn record(text: &str) -> Record {
        Record::of(&outcome(text)).unwrap()
    }

    #[test]
    fn results_survive_to_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("json", Path::new("a.txt"), b"report text");
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert!(c.get(k).is_none());
        c.put(k, &record("line\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert_eq!(c.get(k), Some(outcome("line\n")));
    }

    #[test]
    fn entries_not_seen_by_a_run_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            key("json", Path::new("a.txt"), b"A"),
            key("json", Path::new("b.txt"), b"B"),
        );
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        c.put(a, &record("a\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        c.put(b, &record("b\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(a).unwrap().output, b"a\n");
        assert_eq!(c.get(b).unwrap().output, b"b\n");
    }

    #[test]
    fn a_damaged_record_is_never_returned() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("json", Path::new("a.txt"), b"A");
        let text = "{\"errors\":0,\"findings\":[]}\n".repeat(20);
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        c.put(k, &record(&text));
        let path = c.path.clone();
        c.finish();
        assert_eq!(
            CheckCache::open(dir.path()).unwrap().unwrap().get(k),
            Some(outcome(&text))
        );
        // Every single-byte change after the record's head reads as a miss, never as output.
        let good = std::fs::read(&path).unwrap();
        for at in MAGIC.len() + 24..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            let c = CheckCache::open(dir.path()).unwrap().unwrap();
            assert_eq!(c.get(k), None, "byte {at} changed");
        }
    }

    #[test]
    fn the_key_changes_with_bytes_path_and_mode() {
        let base = key("json", Path::new("a.txt"), b"text");
        assert_ne!(base, key("json", Path::new("a.txt"), b"texT"));
        assert_ne!(base, key("json", Path::new("b.txt"), b"text"));
        assert_ne!(base, key("text", Path::new("a.txt"), b"text"));
        // Path and bytes cannot trade characters and collide.
        assert_ne!(
            key("json", Path::new("ab"), b"c"),
            key("json", Path::new("a"), b"bc")
        );
    }

    #[test]
    fn a_damaged_cache_file_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("json", Path::new("a.txt"), b"A");
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        c.put(k, &record("a\n"));
        let path = c.path.clone();
        c.finish();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&path, &bytes).unwrap();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert!(c.is_empty(), "a truncated record must not be read");
        assert!(c.get(k).is_none());
        c.put(k, &record("a\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert_eq!(c.get(k).unwrap().output, b"a\n");
        std::fs::write(&path, b"not a cache").unwrap();
        assert!(CheckCache::open(dir.path()).unwrap().unwrap().is_empty());
    }

    #[cfg(unix)]
    fn chmod(p: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A cache folder holding one result for `k`, and the cache file's path.
    fn filled(k: u128, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        c.put(k, &record(text));
        let path = c.path.clone();
        c.finish();
        (dir, path)
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_others_can_write_is_not_used_and_says_why() {
        let k = key("json", Path::new("a.txt"), b"A");
        let (dir, path) = filled(k, "a\n");
        chmod(dir.path(), 0o777);
        let why = CheckCache::open(dir.path()).err().unwrap().to_string();
        assert!(why.contains("written by others"), "{why}");
        chmod(dir.path(), 0o700);
        chmod(&path, 0o620);
        let why = CheckCache::open(dir.path()).err().unwrap().to_string();
        assert!(
            why.contains("check-") && why.contains("written by others"),
            "{why}"
        );
        chmod(&path, 0o600);
        assert_eq!(
            CheckCache::open(dir.path())
                .unwrap()
                .unwrap()
                .get(k)
                .unwrap()
                .output,
            b"a\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_in_the_cache_files_place_is_refused_without_waiting() {
        let k = key("json", Path::new("a.txt"), b"A");
        let (dir, path) = filled(k, "a\n");
        let elsewhere = dir.path().join("elsewhere.bin");
        std::fs::rename(&path, &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert!(c.is_empty(), "a link is not followed");
        drop(c);
        std::fs::remove_file(&path).unwrap();
        let name = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path and a mode; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let why = CheckCache::open(dir.path()).err().unwrap().to_string();
        assert!(why.contains("not a regular file"), "{why}");
    }

    #[test]
    fn a_cache_file_truncated_under_a_run_is_a_miss_not_a_crash() {
        // Mapped, this killed the process with SIGBUS when a page past the new end was read.
        let keys: Vec<u128> = (0..200u32)
            .map(|i| key("json", Path::new("a.txt"), &i.to_le_bytes()))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        let text = "{\"errors\":0}\n".repeat(400);
        for k in &keys {
            c.put(*k, &record(&text));
        }
        let path = c.path.clone();
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap().unwrap();
        assert_eq!(c.len(), 200);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(MAGIC.len() as u64 + 10)
            .unwrap();
        assert!(keys.iter().all(|k| c.get(*k).is_none()));
        c.finish();
    }
}
