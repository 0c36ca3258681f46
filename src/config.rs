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
