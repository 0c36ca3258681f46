//! `tablereview keys`: the active keymap as TOML, the defaults overridden by keys.toml.

use assert_cmd::Command;

fn keys(config: &std::path::Path) -> (String, String, bool) {
    let out = Command::cargo_bin("tablereview")
        .unwrap()
        .arg("keys")
        .env("TABLEREVIEW_CONFIG_DIR", config)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

#[test]
fn keys_prints_every_action_as_toml_and_honours_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (out, err, ok) = keys(dir.path());
    assert!(ok && err.is_empty(), "{err}");
    let table: toml::Table = out.parse().unwrap();
    for action in [
        "confirm_blanks",
        "confirm_row",
        "confirm_table",
        "findings",
        "dismiss",
        "next_unreviewed",
        "next_with_errors",
        "approve_next",
        "help",
        "quit",
    ] {
        assert!(table.contains_key(action), "{action} missing:\n{out}");
    }
    assert!(out.contains("quit = [\"q\", \"Ctrl-c\"]\n"), "{out}");
    std::fs::write(dir.path().join("keys.toml"), "quit = [\"Q\"]\n").unwrap();
    let (out, _, _) = keys(dir.path());
    assert!(out.contains("quit = [\"Q\"]\n"), "{out}");
    std::fs::write(
        dir.path().join("keys.toml"),
        "quit = [\"Q\"]\nfly = [\"y\"]\n",
    )
    .unwrap();
    let (out, err, ok) = keys(dir.path());
    assert!(ok);
    assert!(
        out.contains("quit = [\"q\", \"Ctrl-c\"]\n"),
        "defaults kept: {out}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("keys.toml: entry `fly`: no such action; default keys used"),
        "{err}"
    );
}

#[test]
fn docs_review_names_every_default_key_and_every_action() {
    use tablereview::tui::keymap::{actions, key_name, Keymap};
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/review.md")).unwrap();
    let map = Keymap::default();
    for a in actions() {
        assert!(
            docs.contains(&format!("`{}`", a.name)),
            "action {} undocumented",
            a.name
        );
        for k in map.keys_of(a.name) {
            let name = key_name(k);
            // `g` is documented as the chord it starts.
            let shown = if a.name == "top" {
                format!("{name}{name}")
            } else {
                name
            };
            assert!(
                docs.contains(&format!("`{shown}`"))
                    || docs.contains(&format!("`{shown} "))
                    || docs.contains(&format!(" {shown}`")),
                "key {shown} of {} undocumented",
                a.name
            );
        }
    }
}
