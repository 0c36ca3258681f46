//! `check`'s results remembered between runs, so re-checking a corpus that has not changed
//! costs about what reading it does.
//!
//! An entry is the exact output `check` printed for one report, keyed by a 128-bit hash of
//! the report's bytes, its path as printed and the output mode. The cache file's name carries
//! a fingerprint of the program (version and executable), so a new build never reads an old
//! build's results. A report with a review sidecar is never cached (its result depends on
//! the sidecar too). A cache that cannot be read is treated as empty and replaced; a cache
//! that cannot be written only costs speed. Entries are written beside the output as they
//! are produced, then the old entries still unseen are copied after them, and the new file
//! replaces the old by rename.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

/// First bytes of a cache file.
const MAGIC: &[u8; 8] = b"TRCHK01\n";
/// A record's fixed part: key (16), errors (4), warnings (4), output length (4).
const HEAD: usize = 28;
/// Past this size a cache keeps only what the last run used.
const MAX_BYTES: usize = 512 << 20;

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
    old: Option<memmap2::Mmap>,
    /// Key → where the record starts in `old`.
    index: HashMap<u128, usize>,
    /// The new cache file, written as results come (behind a lock, so workers can look up
    /// while the writer adds).
    new: std::sync::Mutex<NewFile>,
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
    /// Opens the cache in `dir` for this program; `None` when the program cannot be
    /// fingerprinted or the folder cannot be made (then `check` just runs without it).
    pub fn open(dir: &Path) -> Option<CheckCache> {
        let fp = fingerprint()?;
        std::fs::create_dir_all(dir).ok()?;
        let path = dir.join(format!("check-{fp:032x}.bin"));
        let old = File::open(&path)
            .ok()
            // The file is only ever replaced by rename, never changed in place, so the
            // mapping stays valid while it is read.
            .and_then(|f| unsafe { memmap2::Mmap::map(&f) }.ok());
        let index = old.as_deref().and_then(read_index).unwrap_or_default();
        Some(CheckCache {
            path,
            old: old.filter(|_| !index.is_empty()),
            index,
            new: Default::default(),
        })
    }

    /// How many results the cache holds from earlier runs.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the cache holds nothing from earlier runs.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The remembered result for `key`, if any.
    pub fn get(&self, key: u128) -> Option<CachedOutcome<'_>> {
        let at = *self.index.get(&key)?;
        let old = self.old.as_deref()?;
        let (errors, warnings, output) = record_at(old, at)?;
        Some(CachedOutcome {
            errors,
            warnings,
            output,
        })
    }

    /// Remembers `outcome` for `key` (written to the new cache file at once).
    pub fn put(&self, key: u128, outcome: &Outcome) {
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
        if write_record(w, key, outcome.errors, outcome.warnings, &outcome.output).is_err() {
            *failed = true;
            *out = None;
            return;
        }
        *bytes += HEAD + outcome.output.len();
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
        if let Some(old) = self.old.as_deref() {
            for (&key, &at) in &self.index {
                if new.bytes > MAX_BYTES {
                    break;
                }
                if new.written.contains(&key) {
                    continue;
                }
                let Some((e, wn, output)) = record_at(old, at) else {
                    continue;
                };
                if write_record(&mut w, key, e, wn, output).is_err() {
                    return;
                }
                new.bytes += HEAD + output.len();
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

/// A result read from the cache file, borrowed from it.
#[derive(Debug)]
pub struct CachedOutcome<'a> {
    pub errors: u32,
    pub warnings: u32,
    pub output: &'a [u8],
}

fn write_record(
    w: &mut impl Write,
    key: u128,
    errors: u32,
    warnings: u32,
    output: &[u8],
) -> std::io::Result<()> {
    let len = u32::try_from(output.len()).map_err(std::io::Error::other)?;
    w.write_all(&key.to_le_bytes())?;
    w.write_all(&errors.to_le_bytes())?;
    w.write_all(&warnings.to_le_bytes())?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(output)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The record starting at `at`: errors, warnings, output.
fn record_at(b: &[u8], at: usize) -> Option<(u32, u32, &[u8])> {
    let errors = u32_at(b, at + 16)?;
    let warnings = u32_at(b, at + 20)?;
    let len = u32_at(b, at + 24)? as usize;
    let output = b.get(at + HEAD..at + HEAD + len)?;
    Some((errors, warnings, output))
}

/// Where each record starts; `None` when the file is not a whole cache file (then it is
/// ignored, and replaced at the end of the run).
fn read_index(b: &[u8]) -> Option<HashMap<u128, usize>> {
    if !b.starts_with(MAGIC) {
        return None;
    }
    let mut index = HashMap::new();
    let mut at = MAGIC.len();
    while at < b.len() {
        let key = u128::from_le_bytes(b.get(at..at + 16)?.try_into().ok()?);
        let (_, _, output) = record_at(b, at)?;
        index.insert(key, at);
        at += HEAD + output.len();
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

    #[test]
    fn results_survive_to_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("json", Path::new("a.txt"), b"report text");
        let c = CheckCache::open(dir.path()).unwrap();
        assert!(c.get(k).is_none());
        c.put(k, &outcome("line\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap();
        let got = c.get(k).unwrap();
        assert_eq!(
            (got.errors, got.warnings, got.output),
            (2, 3, &b"line\n"[..])
        );
    }

    #[test]
    fn entries_not_seen_by_a_run_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            key("json", Path::new("a.txt"), b"A"),
            key("json", Path::new("b.txt"), b"B"),
        );
        let c = CheckCache::open(dir.path()).unwrap();
        c.put(a, &outcome("a\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap();
        c.put(b, &outcome("b\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(a).unwrap().output, b"a\n");
        assert_eq!(c.get(b).unwrap().output, b"b\n");
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
        let c = CheckCache::open(dir.path()).unwrap();
        c.put(k, &outcome("a\n"));
        let path = c.path.clone();
        c.finish();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&path, &bytes).unwrap();
        let c = CheckCache::open(dir.path()).unwrap();
        assert!(c.is_empty(), "a truncated record must not be read");
        assert!(c.get(k).is_none());
        c.put(k, &outcome("a\n"));
        c.finish();
        let c = CheckCache::open(dir.path()).unwrap();
        assert_eq!(c.get(k).unwrap().output, b"a\n");
        std::fs::write(&path, b"not a cache").unwrap();
        assert!(CheckCache::open(dir.path()).unwrap().is_empty());
    }
}
