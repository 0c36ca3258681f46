//! File-system helpers: finding reports in folders, sibling paths, atomic writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Expands files and folders into report paths (folders: every `*.txt`, `*.html` and `*.htm`
/// below, sorted, a text beside a document of the same name left out);
/// the errors are one-line messages for paths that gave no report.
pub fn collect_reports(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for item in ReportWalk::new(paths.to_vec()) {
        match item {
            Ok(path) => found.push(path),
            Err(e) => problems.push(e),
        }
    }
    (found, problems)
}

/// The reports under files and folders, found as they are asked for, in the order
/// `collect_reports` gives them (a folder's entries sorted by name, depth first, which is
/// the order of their sorted paths). A queue of tens of thousands can start before its end
/// is known.
pub struct ReportWalk {
    paths: std::vec::IntoIter<PathBuf>,
    /// The folder being walked, and how many reports it gave so far.
    folder: Option<(PathBuf, walkdir::IntoIter, usize)>,
    /// Files given so far, by device and inode: a report named twice (`d/r.txt d`, a link,
    /// or `r.txt` and `r.TXT` on a case-insensitive file system) is one report.
    seen: std::collections::HashSet<(u64, u64)>,
    /// Folder (by number), stem and lower-case extension of each report given, and its
    /// extension as written: `r.txt` and `r.TXT` are two files on a case-sensitive file
    /// system that would share one review. (One report in two formats, `r.doc` beside
    /// `r.pdf`, also shares one; that is left as it was, a stale review telling which was
    /// reviewed.) Kept small, a few dozen bytes a report: a walk of 50,000 holds them all.
    stems: std::collections::HashMap<(u32, Box<[u8]>), Box<str>>,
    /// Each folder's number, by the folder as named (canonicalized once per folder, not once
    /// per report: realpath costs a system call per path component).
    folder_ids: std::collections::HashMap<PathBuf, u32>,
    /// The folders by number, canonical, and the number of each canonical folder.
    folders: Vec<PathBuf>,
    canonical_ids: std::collections::HashMap<PathBuf, u32>,
}

impl ReportWalk {
    /// A walk over `paths`, in order.
    pub fn new(paths: Vec<PathBuf>) -> ReportWalk {
        ReportWalk {
            paths: paths.into_iter(),
            folder: None,
            seen: Default::default(),
            stems: Default::default(),
            folder_ids: Default::default(),
            folders: Vec::new(),
            canonical_ids: Default::default(),
        }
    }

    /// The number of the folder `path` is in.
    fn folder_id(&mut self, path: &Path) -> u32 {
        let named = parent_dir(path);
        if let Some(&id) = self.folder_ids.get(named) {
            return id;
        }
        let canonical = std::fs::canonicalize(named).unwrap_or_else(|_| named.to_path_buf());
        let next = self.folders.len() as u32;
        let id = *self.canonical_ids.entry(canonical.clone()).or_insert(next);
        if id == next {
            self.folders.push(canonical);
        }
        self.folder_ids.insert(named.to_path_buf(), id);
        id
    }

    /// `Some(Ok)` for a report not given yet, `None` for one given before, `Some(Err)` for
    /// one whose review would be another's.
    fn admit(&mut self, path: PathBuf) -> Option<std::result::Result<PathBuf, Error>> {
        #[cfg(unix)]
        if let Ok(m) = std::fs::metadata(&path) {
            use std::os::unix::fs::MetadataExt;
            if !self.seen.insert((m.dev(), m.ino())) {
                return None;
            }
        }
        let folder = self.folder_id(&path);
        let stem = path.file_stem().unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut key = stem.as_encoded_bytes().to_vec();
        key.push(0);
        key.extend_from_slice(ext.to_lowercase().as_bytes());
        let key = (folder, key.into_boxed_slice());
        match self.stems.get(&key) {
            Some(first_ext) => {
                let mut first = stem.to_os_string();
                first.push(".");
                first.push(&**first_ext);
                let first = self.folders[folder as usize].join(first);
                Some(Err(Error::Other {
                    path: path.clone(),
                    message: format!(
                        "differs from {} only in the case of its extension, so both would have one review file; rename one of them (this one is left out)",
                        first.display()
                    ),
                }))
            }
            None => {
                self.stems.insert(key, ext.into_boxed_str());
                Some(Ok(path))
            }
        }
    }
}

impl Iterator for ReportWalk {
    /// A report, or why a given path gave none.
    type Item = std::result::Result<PathBuf, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((folder, entries, found)) = &mut self.folder {
                // Unreadable entries are skipped, as a shell glob would. Links are not
                // followed out of the tree: a link inside it to a report inside it is read,
                // any other link is said and left out.
                let next = entries.by_ref().filter_map(|e| e.ok()).find(|e| {
                    let t = e.file_type();
                    (t.is_file() && is_report_name(e.path()))
                        || (t.is_symlink() && (is_report_name(e.path()) || e.path().is_dir()))
                });
                match next {
                    Some(entry) if entry.path_is_symlink() => {
                        let inside = std::fs::canonicalize(entry.path()).is_ok_and(|target| {
                            target.is_file()
                                && std::fs::canonicalize(&*folder)
                                    .is_ok_and(|root| target.starts_with(root))
                        });
                        if inside {
                            *found += 1;
                            match self.admit(entry.into_path()) {
                                Some(item) => return Some(item),
                                None => continue,
                            }
                        }
                        return Some(Err(Error::Other {
                            path: entry.into_path(),
                            message: "is a link out of the folder (or to a folder); not read: name it to read it".into(),
                        }));
                    }
                    Some(entry) => {
                        *found += 1;
                        match self.admit(entry.into_path()) {
                            Some(item) => return Some(item),
                            None => continue,
                        }
                    }
                    None => {
                        let (folder, found) = (folder.clone(), *found);
                        self.folder = None;
                        if found == 0 {
                            return Some(Err(Error::NoReports { path: folder }));
                        }
                    }
                }
            }
            let path = self.paths.next()?;
            if path.is_dir() {
                let entries = walkdir::WalkDir::new(&path)
                    .follow_links(false)
                    .sort_by_file_name()
                    .into_iter();
                self.folder = Some((path, entries, 0));
            } else if path.exists() {
                match self.admit(path) {
                    Some(item) => return Some(item),
                    None => continue,
                }
            } else {
                return Some(Err(Error::NotFound { path }));
            }
        }
    }
}

fn is_report_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    let Some(ext) = ext else {
        return false;
    };
    if !crate::read::Format::EXTENSIONS
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
    {
        return false;
    }
    // The same report as a document and as a converter's text (`a.html` beside `a.txt`):
    // the document is read, since it keeps the cells the text lost.
    !(ext.eq_ignore_ascii_case("txt") && document_beside(path).is_some())
}

/// The text file of the same stem beside a document (`a.txt` beside `a.html`), if there is one.
pub fn text_beside(document: &Path) -> Option<PathBuf> {
    let ext = document.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("txt") {
        return None;
    }
    file_beside(document, &["txt"])
}

/// A document with the same stem beside a text file, if there is one.
pub fn document_beside(text: &Path) -> Option<PathBuf> {
    let documents: Vec<&str> = crate::read::Format::EXTENSIONS
        .into_iter()
        .filter(|e| *e != "txt")
        .collect();
    file_beside(text, &documents)
}

/// The first existing file named like `path` with one of `extensions` (lower or upper case).
fn file_beside(path: &Path, extensions: &[&str]) -> Option<PathBuf> {
    extensions
        .iter()
        .flat_map(|e| [e.to_string(), e.to_ascii_uppercase()])
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// `<stem>.<suffix>`: the name of a file that accompanies `report`.
pub fn sibling_name(report: &Path, suffix: &str) -> String {
    let stem = report
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    format!("{stem}.{suffix}")
}

/// The folder of `report` to keep under an output folder: relative to the current folder
/// when it is inside it, else its whole path without the root.
pub fn kept_folder(report: &Path) -> PathBuf {
    let folder = parent_dir(report);
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    match here
        .ok()
        .and_then(|h| folder.strip_prefix(h).ok().map(Path::to_path_buf))
    {
        Some(inside) => inside,
        None => folder
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .collect(),
    }
}

/// `<dir>/<stem>.<suffix>` beside `report`.
pub fn sibling(report: &Path, suffix: &str) -> PathBuf {
    report.with_file_name(sibling_name(report, suffix))
}

/// Whether two paths name one existing file (through links, `..`, hard links and all).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.is_file() && x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Whether two paths name one place, existing or not: the same file, or the same name in the
/// same folder (a sidecar not written yet).
pub fn same_place(a: &Path, b: &Path) -> bool {
    if same_file(a, b) {
        return true;
    }
    let folder = |p: &Path| std::fs::canonicalize(parent_dir(p)).ok();
    a.file_name() == b.file_name() && folder(a).is_some() && folder(a) == folder(b)
}

/// Why [`read_small`] gave no bytes.
#[derive(Debug)]
pub enum SmallFile {
    /// Nothing at the path.
    Missing,
    /// A pipe, device or folder: reading it could block for ever or never end.
    NotRegular,
    /// Larger than the limit (the size seen, in bytes).
    TooLarge(u64),
    /// The OS refused.
    Io(std::io::Error),
}

/// Reads a regular file whole if it holds at most `limit` bytes. A FIFO put in its place
/// makes neither the open nor the read wait (the open does not block and the file type is
/// checked on the open file), and a file that grows while it is read stops at the limit.
pub fn read_small(path: &Path, limit: u64) -> std::result::Result<Vec<u8>, SmallFile> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SmallFile::Missing,
        _ => SmallFile::Io(e),
    })?;
    let meta = file.metadata().map_err(SmallFile::Io)?;
    if !meta.is_file() {
        return Err(SmallFile::NotRegular);
    }
    if meta.len() > limit {
        return Err(SmallFile::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(SmallFile::Io)?;
    if bytes.len() as u64 > limit {
        return Err(SmallFile::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, then
/// fsync of the folder, so a crash leaves either the old file or the new one, never a torn one.
/// What is not a regular file (`-o /dev/null`, a pipe) is written in place (see [`Output`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = Output::create(path)?;
    out.write_all(bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    out.commit()
}

/// Writes `bytes` to `path` atomically as [`write_atomic`] does, but never through a symbolic
/// link: a review or lock file swapped for a link after it was opened would otherwise let the
/// next save replace whatever file the link names. A link at `path` is refused, naming it;
/// the rename replaces names, never what they point to, so a link planted after this check is
/// replaced, not followed.
pub fn write_atomic_no_follow(path: &Path, bytes: &[u8]) -> Result<()> {
    refuse_link(path)?;
    let mut out = Output::create_as(path, false)?;
    out.write_all(bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    out.commit()
}

/// Which file is at a path and as what, not following a link: a file replaced, rewritten or
/// swapped for a link has another version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileVersion {
    device: u64,
    inode: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
    link: bool,
}

/// The version of the file at `path`; `None` when there is none.
pub fn version(path: &Path) -> Option<FileVersion> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    #[cfg(unix)]
    let (device, inode) = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let (device, inode) = (0, 0);
    Some(FileVersion {
        device,
        inode,
        len: meta.len(),
        modified: meta.modified().ok(),
        link: meta.file_type().is_symlink(),
    })
}

/// An error when `path` is a symbolic link (of any kind, dangling too).
pub fn refuse_link(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Other {
            path: path.to_path_buf(),
            message: "is a symbolic link; tablereview does not write reviews or locks through links (it could replace the file the link points to): remove the link, or keep reviews elsewhere with --out-dir".into(),
        }),
        _ => Ok(()),
    }
}

/// A file being written for a path: beside it and renamed over it by [`Output::commit`], so
/// readers never see half of it. A symlink is followed, so the link stays a link. A path that
/// exists and is not a regular file or folder (`/dev/null`, a pipe, a terminal) is written
/// straight into: renaming over it would replace the device with a file.
pub struct Output {
    /// The path asked for, for messages.
    path: PathBuf,
    /// Where the temp file is renamed to (the symlink's target, or the path itself).
    target: PathBuf,
    tmp: Option<tempfile::NamedTempFile>,
    file: std::fs::File,
}

/// Bytes of the target's name kept in its temp file's name (`.NAME.XXXXXX.tmp`).
const TEMP_NAME_BYTES: usize = 200;

impl Output {
    /// Opens the temp file beside `path` (or `path` itself, when it is a device or pipe).
    pub fn create(path: &Path) -> Result<Output> {
        Output::create_as(path, true)
    }

    /// [`Output::create`], following a symlink at `path` or not.
    fn create_as(path: &Path, follow: bool) -> Result<Output> {
        let werr = |source: std::io::Error| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let meta = if follow {
            std::fs::metadata(path)
        } else {
            std::fs::symlink_metadata(path)
        };
        let is_special = meta
            .as_ref()
            .is_ok_and(|m| !m.is_file() && !m.is_dir() && !m.file_type().is_symlink());
        if is_special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(werr)?;
            return Ok(Output {
                path: path.to_path_buf(),
                target: path.to_path_buf(),
                tmp: None,
                file,
            });
        }
        let is_link =
            follow && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = if is_link {
            // A dangling link is replaced like a missing file.
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        } else {
            path.to_path_buf()
        };
        let dir = parent_dir(&target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let prefix = temp_prefix(&name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A new file gets what the umask leaves of rw-rw-rw-, as any editor's would, so a
        // team's shared folder stays shared; tempfile's own 0600 locked colleagues out.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(werr)?;
        // A file re-saved keeps its mode (not its set-id bits), whatever the umask says.
        #[cfg(unix)]
        if let Ok(old) = std::fs::symlink_metadata(&target) {
            use std::os::unix::fs::PermissionsExt;
            if old.is_file() {
                let mode = old.permissions().mode() & 0o777;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))
                    .map_err(werr)?;
            }
        }
        let file = tmp.reopen().map_err(werr)?;
        Ok(Output {
            path: path.to_path_buf(),
            target,
            tmp: Some(tmp),
            file,
        })
    }

    /// The temp file being written, for a writer that needs a path (SQLite); None when the
    /// output is a device written straight into.
    pub fn temp_path(&self) -> Option<&Path> {
        self.tmp.as_ref().map(|t| t.path())
    }

    /// Makes the written bytes durable and puts them in place.
    pub fn commit(self) -> Result<()> {
        let werr = |source: std::io::Error| Error::Write {
            path: self.path.clone(),
            source,
        };
        let Some(tmp) = self.tmp else {
            return Ok(());
        };
        self.file.sync_all().map_err(werr)?;
        drop(self.file);
        tmp.persist(&self.target).map_err(|e| werr(e.error))?;
        let dir = parent_dir(&self.target);
        if let Ok(d) = std::fs::File::open(dir) {
            // Not every platform can fsync a folder; the rename is already done either way.
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// The start of a temp file's name for `name`: the name, cut so that a name near the file
/// system's 255-byte limit can still be saved (the temp name is a few bytes longer).
fn temp_prefix(name: &str) -> String {
    let mut cut = name.len().min(TEMP_NAME_BYTES);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(".{}.", &name[..cut])
}

/// Removes the temp files an interrupted save of `target` left beside it (a `kill -9`
/// between creating and renaming one). Only for a caller that holds the target's lock, so
/// no save of it is under way; returns how many were removed.
pub fn remove_stale_temps(target: &Path) -> usize {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let prefix = temp_prefix(&name);
    let Ok(entries) = std::fs::read_dir(parent_dir(target)) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            // The random part is six characters, as tempfile makes it.
            n.len() == prefix.len() + 6 + 4
                && n.starts_with(&prefix)
                && n.ends_with(".tmp")
                && e.file_type().is_ok_and(|t| t.is_file())
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// The folder a file is in (`.` for a bare name), where its temp file goes.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_by_two_names_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("r.txt");
        std::fs::write(&a, "x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let dotted = dir.path().join("sub").join("..").join("r.txt");
        assert!(same_file(&a, &dotted));
        let linked = dir.path().join("hard.txt");
        std::fs::hard_link(&a, &linked).unwrap();
        assert!(same_file(&a, &linked));
        let other = dir.path().join("o.txt");
        std::fs::write(&other, "x").unwrap();
        assert!(!same_file(&a, &other));
        assert!(!same_file(&a, &dir.path().join("absent.txt")));
        let future = dir.path().join("r.reviewed.json");
        assert!(same_place(
            &future,
            &dir.path().join("sub/../r.reviewed.json")
        ));
        assert!(!same_place(
            &future,
            &dir.path().join("sub/r.reviewed.json")
        ));
    }

    #[test]
    fn a_name_near_the_length_limit_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        // 78 three-byte characters and the suffix: 250 bytes, within the 255-byte limit.
        let name = format!("{}.reviewed.json", "报".repeat(78));
        assert!(name.len() <= 255 && name.len() > 240);
        let p = dir.path().join(&name);
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.reviewed.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn a_no_follow_save_refuses_a_link_and_leaves_its_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let link = dir.path().join("r.reviewed.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write_atomic_no_follow(&link, b"review")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("r.reviewed.json") && err.contains("symbolic link"),
            "{err}"
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        // A dangling link is refused too: it would create the file it names.
        let dangling = dir.path().join("d.reviewed.json");
        std::os::unix::fs::symlink(dir.path().join("new.txt"), &dangling).unwrap();
        assert!(write_atomic_no_follow(&dangling, b"x").is_err());
        assert!(!dir.path().join("new.txt").exists());
    }

    /// This process's umask, without changing it (umask(2) would race the other test threads).
    #[cfg(target_os = "linux")]
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn new_files_follow_the_umask_and_a_re_save_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        for save in [write_atomic, write_atomic_no_follow] {
            let p = dir.path().join("shared.reviewed.json");
            let _ = std::fs::remove_file(&p);
            save(&p, b"one").unwrap();
            assert_eq!(mode(&p), 0o666 & !umask(), "a new file");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o664)).unwrap();
            save(&p, b"two").unwrap();
            assert_eq!(mode(&p), 0o664, "a re-saved file keeps its mode");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
            save(&p, b"three").unwrap();
            assert_eq!(mode(&p), 0o600, "a private file stays private");
        }
    }

    #[cfg(unix)]
    #[test]
    fn small_reads_refuse_pipes_without_waiting_and_stop_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("r.reviewed.json");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path and a mode; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_small(&fifo, 10), Err(SmallFile::NotRegular)));
        let big = dir.path().join("big.json");
        std::fs::write(&big, [b'x'; 11]).unwrap();
        assert!(matches!(read_small(&big, 10), Err(SmallFile::TooLarge(11))));
        assert_eq!(read_small(&big, 11).unwrap().len(), 11);
        assert!(matches!(
            read_small(&dir.path().join("none"), 10),
            Err(SmallFile::Missing)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_into_not_replaced() {
        // `-o /dev/null` renamed a file over the device; a named pipe shows the same without
        // touching the machine's /dev.
        use std::io::Read;
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.pipe");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path and a mode; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // A reader first (without waiting for a writer), so opening for writing does not block.
        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        write_atomic(&fifo, b"report").unwrap();
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
        let mut got = Vec::new();
        reader.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"report");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp file left beside the pipe");
    }

    #[test]
    fn a_document_is_read_instead_of_its_text_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.html", "a.txt", "b.txt", "c.htm"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let (found, problems) = collect_reports(&[dir.path().to_path_buf()]);
        assert!(problems.is_empty());
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.html", "b.txt", "c.htm"]);
    }

    #[test]
    fn folders_expand_to_sorted_txt_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.txt", "a.TXT", "sub/c.txt", "x.json"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let (found, problems) = collect_reports(&[dir.path().to_path_buf()]);
        assert!(problems.is_empty());
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.TXT", "b.txt", "sub/c.txt"]);
    }

    #[test]
    fn the_walk_gives_the_order_of_sorted_paths() {
        // Names chosen so that a name-by-name walk and a sort of whole paths could disagree
        // if the walk were not depth first in name order (`a` < `a-b` < `a.txt` < `a0`).
        let dir = tempfile::tempdir().unwrap();
        for d in ["a", "a0", "a/z", "b"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        for name in [
            "a.txt",
            "a-b.txt",
            "a/z.txt",
            "a/z/1.txt",
            "a0/x.txt",
            "b/报告.txt",
            "A.txt",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let walked: Vec<PathBuf> = ReportWalk::new(vec![dir.path().to_path_buf()])
            .map(|r| r.unwrap())
            .collect();
        let mut sorted = walked.clone();
        sorted.sort();
        assert_eq!(walked.len(), 7);
        assert_eq!(walked, sorted);
    }

    #[cfg(unix)]
    #[test]
    fn a_report_named_twice_is_one_report_and_names_differing_in_case_are_said() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("r.txt"), "x").unwrap();
        std::fs::write(d.join("s.html"), "x").unwrap();
        std::fs::write(d.join("s.HTML"), "y").unwrap();
        assert_eq!(
            std::fs::read(d.join("s.html")).unwrap(),
            b"x",
            "a case-sensitive folder"
        );
        std::fs::hard_link(d.join("r.txt"), d.join("hard.txt")).unwrap();
        let (found, problems) =
            collect_reports(&[d.join("r.txt"), d.to_path_buf(), d.join("./r.txt")]);
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["r.txt", "s.HTML"], "once each");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let why = problems[0].to_string();
        assert!(
            why.contains("s.html") && why.contains("s.HTML") && why.contains("rename"),
            "{why}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn walks_do_not_follow_links_out_of_the_folder_and_say_so() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        std::fs::create_dir(outside.path().join("more")).unwrap();
        std::fs::write(outside.path().join("more/m.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("a.txt"), d.join("inside-link.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), d.join("out.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("more"), d.join("more")).unwrap();
        let (found, problems) = collect_reports(&[d.to_path_buf()]);
        assert_eq!(found, [d.join("a.txt")], "the inside link is a.txt again");
        let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(
            said.iter()
                .all(|s| s.contains("is a link out of the folder")),
            "{said:?}"
        );
    }

    #[test]
    fn empty_folders_and_missing_paths_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (found, problems) =
            collect_reports(&[dir.path().to_path_buf(), dir.path().join("nope.txt")]);
        assert!(found.is_empty());
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn sibling_names_replace_the_extension() {
        assert_eq!(
            sibling(Path::new("d/宝塔区 2024.txt"), "reviewed.json"),
            PathBuf::from("d/宝塔区 2024.reviewed.json")
        );
    }
}
