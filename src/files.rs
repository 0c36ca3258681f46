//! File-system helpers: finding reports in folders, sibling paths, atomic writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Expands files and folders into report paths (folders: every `*.txt` below, sorted);
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
}

impl ReportWalk {
    /// A walk over `paths`, in order.
    pub fn new(paths: Vec<PathBuf>) -> ReportWalk {
        ReportWalk {
            paths: paths.into_iter(),
            folder: None,
        }
    }
}

impl Iterator for ReportWalk {
    /// A report, or why a given path gave none.
    type Item = std::result::Result<PathBuf, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((folder, entries, found)) = &mut self.folder {
                // Unreadable entries are skipped, as a shell glob would.
                let next = entries
                    .by_ref()
                    .filter_map(|e| e.ok())
                    .find(|e| e.file_type().is_file() && is_report_name(e.path()));
                match next {
                    Some(entry) => {
                        *found += 1;
                        return Some(Ok(entry.into_path()));
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
                    .follow_links(true)
                    .sort_by_file_name()
                    .into_iter();
                self.folder = Some((path, entries, 0));
            } else if path.exists() {
                return Some(Ok(path));
            } else {
                return Some(Err(Error::NotFound { path }));
            }
        }
    }
}

fn is_report_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// `<stem>.<suffix>`: the name of a file that accompanies `report`.
pub fn sibling_name(report: &Path, suffix: &str) -> String {
    let stem = report
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    format!("{stem}.{suffix}")
}

/// `<dir>/<stem>.<suffix>` beside `report`.
pub fn sibling(report: &Path, suffix: &str) -> PathBuf {
    report.with_file_name(sibling_name(report, suffix))
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, then
/// fsync of the folder, so a crash leaves either the old file or the new one, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let werr = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(werr)?;
    tmp.write_all(bytes).map_err(werr)?;
    tmp.as_file().sync_all().map_err(werr)?;
    tmp.persist(path).map_err(|e| werr(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Not every platform can fsync a folder; the rename is already done either way.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
