//! Replays the fuzz regression corpus (`fuzz/regressions/<target>/*`) on the stable
//! toolchain: every file goes through the same checks as its cargo-fuzz target
//! (`fuzz/common/checks.rs`, shared with the targets), so every crash input found by
//! fuzzing stays fixed. See FUZZING.md.
#![cfg(feature = "serde")]

#[path = "../fuzz/common/checks.rs"]
mod checks;

use std::path::PathBuf;

const TARGETS: [&str; 5] = [
    "parse",
    "roundtrip",
    "structured",
    "validate",
    "decode_json",
];

/// The files (not subdirectories) of `fuzz/regressions/<dir>`.
fn files(dir: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Runs every file of `fuzz/regressions/<target>` through the checks of `target`; reports
/// all failing files (with the input in hex) at once. Inputs of an open src bug go to
/// `fuzz/regressions/<target>/open/` (not replayed here) with an `#[ignore]`d test until the
/// fix lands (FUZZING.md).
fn replay(target: &str) {
    replay_dir(target, target);
}

/// Runs every file of `fuzz/regressions/<dir>` through the checks of `target`.
fn replay_dir(dir: &str, target: &str) {
    let files = files(dir);
    assert!(!files.is_empty(), "no regression inputs for {target}");
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).expect("regression input");
        let r = std::panic::catch_unwind(|| checks::run(target, &data));
        if r.is_err() {
            let hex: String = data.iter().take(512).map(|b| format!("{b:02x}")).collect();
            failed.push(format!("{} ({} bytes): {hex}", f.display(), data.len()));
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} regression inputs fail:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn regressions_parse() {
    replay("parse");
}

#[test]
fn regressions_roundtrip() {
    replay("roundtrip");
}

#[test]
fn regressions_structured() {
    replay("structured");
}

#[test]
fn regressions_validate() {
    replay("validate");
}

#[test]
fn regressions_decode_json() {
    replay("decode_json");
}

/// The seeds the targets start from (`fuzz/seeds`, `fuzz/seeds-validate`,
/// `fuzz/seeds-json`) pass the checks too: a fuzz run starts from a clean corpus.
#[test]
fn seeds_pass_the_checks() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (dir, targets) in [
        ("fuzz/seeds", &["parse", "roundtrip"][..]),
        ("fuzz/seeds-validate", &["validate"][..]),
        ("fuzz/seeds-json", &["decode_json"][..]),
    ] {
        let mut n = 0;
        for e in std::fs::read_dir(root.join(dir)).expect("seed directory") {
            let p = e.expect("entry").path();
            let data = std::fs::read(&p).expect("seed");
            for t in targets {
                checks::run(t, &data);
            }
            n += 1;
        }
        assert!(n > 0, "{dir} is empty");
    }
}

/// Every target has a regression directory (the list here matches fuzz/Cargo.toml).
#[test]
fn every_target_has_a_regression_directory() {
    let manifest =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .expect("fuzz/Cargo.toml");
    for t in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{t}\"")),
            "{t} is not a target of fuzz/Cargo.toml"
        );
        assert!(!files(t).is_empty());
    }
}
