//! The layering of `src/` as the README's "Architecture" section states it: every top-level
//! module imports only from its own layer or lower ones, `lib.rs` holds no function, no source
//! file is over 1,200 lines, the CLI's main file is under 300, and the README names every
//! layer.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first (README "Architecture"). A module may use `crate::m` only for a
/// module `m` listed at or before its own position.
const LAYERS: &[&str] = &[
    "error",
    "options",
    "wire",
    "codes",
    "layout",
    "records",
    "tree",
    "transmission",
    "profile",
    "compose",
    "validate",
    "write",
    "stream",
    "response",
    "normalize",
    "guide",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its unit tests (`#[cfg(test)] mod tests`, always last) and
/// without comment lines (docs may link anywhere).
fn code(text: &str) -> String {
    let body = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i]);
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::name` the code refers to.
fn crate_refs(code: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let tail = &rest[i + "crate::".len()..];
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        // `$crate::` inside a macro and `crate::{…}` groups are not module references.
        let macro_crate = i > 0 && rest.as_bytes()[i - 1] == b'$';
        if !name.is_empty() && !macro_crate {
            refs.push(name);
        }
        rest = tail;
    }
    refs
}

#[test]
fn no_module_imports_a_higher_layer() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut violations = Vec::new();
    let mut seen = 0;
    for file in &files {
        let rel = file.strip_prefix(src()).expect("under src");
        let first = rel.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "bin" {
            continue;
        }
        let own = rank(&module).unwrap_or_else(|| {
            panic!("src/{module} is not a layer of LAYERS (and of the README): add it")
        });
        seen += 1;
        let text = fs::read_to_string(file).expect("read");
        for used in crate_refs(&code(&text)) {
            match rank(&used) {
                Some(r) if r > own => violations.push(format!(
                    "{}: {module} (layer {own}) uses crate::{used} (layer {r})",
                    rel.display()
                )),
                _ => {}
            }
        }
    }
    assert!(seen > 30, "walked only {seen} files");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn lib_rs_holds_no_logic() {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let code = code(&lib);
    for word in ["fn ", "impl ", "struct ", "enum ", "const ", "static "] {
        let hits: Vec<&str> = code
            .lines()
            .filter(|l| l.contains(word) && !l.contains("ReadmeDoctests"))
            .collect();
        assert!(hits.is_empty(), "lib.rs holds `{word}`: {hits:?}");
    }
}

#[test]
fn files_stay_small() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for file in &files {
        let lines = fs::read_to_string(file).expect("read").lines().count();
        assert!(lines <= 1200, "{} has {lines} lines", file.display());
    }
    let main = fs::read_to_string(src().join("bin/ace-pga/main.rs")).expect("main.rs");
    assert!(main.lines().count() < 300, "the CLI's main.rs has grown");
}

#[test]
fn readme_names_every_layer() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let section = readme
        .split("\n## Architecture")
        .nth(1)
        .expect("a README section `## Architecture`");
    let section = section.split("\n## ").next().unwrap_or(section);
    for layer in LAYERS {
        assert!(
            section.contains(&format!("{layer}/")) || section.contains(&format!("{layer}.rs")),
            "README Architecture does not show `{layer}`"
        );
    }
    // Every folder and file the README shows exists.
    for layer in LAYERS {
        let dir = src().join(layer);
        let file = src().join(format!("{layer}.rs"));
        assert!(dir.is_dir() || file.is_file(), "src/{layer} missing");
    }
}
