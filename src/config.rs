//! The reviewer's configuration folder: keys.toml, the remembered reviewer name.

use std::path::PathBuf;

/// `$TABLEREVIEW_CONFIG_DIR`, else `$XDG_CONFIG_HOME/tablereview`, else
/// `$HOME/.config/tablereview`; `None` when none of them is set.
pub fn dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = var("TABLEREVIEW_CONFIG_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(d).join("tablereview"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".config").join("tablereview"))
}

/// The file in the config folder holding the name a reviewer gave once.
pub const REVIEWER_FILE: &str = "reviewer";

/// The reviewer's name: `--reviewer`, else `$USER`, else the name remembered in the config
/// folder; `None` when there is none, so the caller asks instead of recording `unknown`.
pub fn reviewer(given: Option<&str>, config: Option<&std::path::Path>) -> Option<String> {
    let clean = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(g) = given.and_then(clean) {
        return Some(g);
    }
    if let Some(u) = std::env::var("USER").ok().as_deref().and_then(clean) {
        return Some(u);
    }
    let text = std::fs::read_to_string(config?.join(REVIEWER_FILE)).ok()?;
    clean(text.lines().next().unwrap_or(""))
}

/// Remembers the name a reviewer gave, for the next session.
pub fn remember_reviewer(name: &str, config: &std::path::Path) -> crate::error::Result<()> {
    std::fs::create_dir_all(config).map_err(|source| crate::error::Error::Write {
        path: config.to_path_buf(),
        source,
    })?;
    crate::files::write_atomic(&config.join(REVIEWER_FILE), format!("{name}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_name_wins_then_user_then_the_remembered_one() {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY of the test: only this test reads USER in this process's library tests.
        let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty());
        assert_eq!(
            reviewer(Some(" li "), Some(dir.path())).as_deref(),
            Some("li")
        );
        if user.is_none() {
            assert_eq!(reviewer(None, Some(dir.path())), None, "nobody: ask");
            remember_reviewer("王芳", dir.path()).unwrap();
            assert_eq!(reviewer(None, Some(dir.path())).as_deref(), Some("王芳"));
        } else {
            assert_eq!(reviewer(None, Some(dir.path())), user);
        }
    }
}
