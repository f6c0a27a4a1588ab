//! Shared helpers of the integration tests: reading the repository's samples and editing
//! their lines byte by byte. Everything is read relative to `CARGO_MANIFEST_DIR`.

#![allow(dead_code)]

use std::path::PathBuf;

use ace_pga::{Problem, Severity};

/// A path inside the repository.
pub(crate) fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The bytes of a file inside the repository.
pub(crate) fn read_repo(rel: &str) -> Vec<u8> {
    let p = repo_path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// `spec-samples/valid/or2-single.txt`: 16 records of 80 bytes, LF after every record
/// (A, B, SE10, SE13, SE15, SE40, SE60, OI, PG01 at line 9, PG02, PG14 at line 11, two PG25,
/// PG29, Y, Z).
pub(crate) fn or2_single() -> Vec<u8> {
    let b = read_repo("spec-samples/valid/or2-single.txt");
    assert_eq!(
        b.len(),
        16 * 81,
        "or2-single.txt is 16 LF-terminated records"
    );
    b
}

/// The records of an LF-terminated file (without terminators). A final LF does not open an
/// empty record.
pub(crate) fn lines_of(input: &[u8]) -> Vec<Vec<u8>> {
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    body.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Joins records with `term` after each one (also after the last when `final_term`).
pub(crate) fn join(lines: &[Vec<u8>], term: &[u8], final_term: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        out.extend_from_slice(l);
        if i + 1 < lines.len() || final_term {
            out.extend_from_slice(term);
        }
    }
    out
}

/// The records of or2-single, 1-based line `n` available as `lines[n - 1]`.
pub(crate) fn or2_lines() -> Vec<Vec<u8>> {
    let l = lines_of(&or2_single());
    assert_eq!(l.len(), 16);
    assert!(l.iter().all(|r| r.len() == 80));
    l
}

/// The 1-based line numbers of the records whose identifier is `id` (`"PG14"`, `"SE10"`,
/// `"OI"`, `"A"`): the record starts with `id` and, for a one-letter envelope id, the next
/// byte is not a letter of a longer id (`A` is not `AE..`).
pub(crate) fn lines_with(lines: &[Vec<u8>], id: &str) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.starts_with(id.as_bytes())
                && (id.len() > 1 || r.get(1).is_none_or(|b| !b.is_ascii_uppercase()))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The 1-based line of the first record whose identifier is `id` (see [`lines_with`]);
/// panics when there is none.
pub(crate) fn line_of(lines: &[Vec<u8>], id: &str) -> usize {
    *lines_with(lines, id)
        .first()
        .unwrap_or_else(|| panic!("no {id} record"))
}

/// The 1-based line of the `n`-th (1-based) record whose identifier is `id`.
pub(crate) fn nth_line_of(lines: &[Vec<u8>], id: &str, n: usize) -> usize {
    *lines_with(lines, id)
        .get(n - 1)
        .unwrap_or_else(|| panic!("no {id} record number {n}"))
}

/// [`line_of`] in an LF-terminated file's bytes.
pub(crate) fn line_in(input: &[u8], id: &str) -> usize {
    line_of(&lines_of(input), id)
}

/// Sets the byte at 1-based `column` of 1-based `line`.
pub(crate) fn set_byte(lines: &mut [Vec<u8>], line: usize, column: usize, byte: u8) {
    lines[line - 1][column - 1] = byte;
}

/// Writes `text` at 1-based columns starting at `column` of 1-based `line`.
pub(crate) fn set_bytes(lines: &mut [Vec<u8>], line: usize, column: usize, text: &[u8]) {
    lines[line - 1][column - 1..column - 1 + text.len()].copy_from_slice(text);
}

/// An 80-byte record: `text` padded with spaces.
pub(crate) fn record80(text: &[u8]) -> Vec<u8> {
    assert!(text.len() <= 80);
    let mut r = text.to_vec();
    r.resize(80, b' ');
    r
}

/// The problems of a given rule.
pub(crate) fn with_rule<'p>(problems: &'p [Problem], rule: &str) -> Vec<&'p Problem> {
    problems.iter().filter(|p| p.kind.rule() == rule).collect()
}

/// Error-severity problems.
pub(crate) fn errors(problems: &[Problem]) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

/// Asserts the `Display` form of a problem names its rule, line, record and columns.
pub(crate) fn assert_display_names_position(p: &Problem) {
    let s = p.to_string();
    assert!(
        s.contains(p.kind.rule().as_str()),
        "{s:?} lacks the rule id"
    );
    if let Some(l) = p.location.line {
        assert!(s.contains(&format!("line {l}")), "{s:?} lacks `line {l}`");
    }
    if let Some(r) = &p.location.record {
        assert!(s.contains(r.as_str()), "{s:?} lacks record {r}");
    }
    if let Some((a, b)) = p.location.columns {
        assert!(
            s.contains(&format!("{a}-{b}")),
            "{s:?} lacks columns {a}-{b}"
        );
    }
    let sev = match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    assert!(s.starts_with(sev), "{s:?} does not start with {sev}");
}

/// Every `*.txt` sample of `spec-samples/valid` and `spec-samples/invalid`, sorted.
pub(crate) fn sample_files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["valid", "invalid"] {
        let path = repo_path("spec-samples").join(dir);
        for entry in std::fs::read_dir(&path).expect("samples") {
            let file = entry.expect("entry").path();
            if file.extension().and_then(|e| e.to_str()) == Some("txt") {
                v.push(file);
            }
        }
    }
    v.sort();
    v
}

/// `len` bytes of a small linear congruential generator (deterministic).
pub(crate) fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

/// The or2-single records translated to EBCDIC (code page 037), LF → EBCDIC LF (0x25).
pub(crate) fn ebcdic(ascii: &[u8]) -> Vec<u8> {
    ascii
        .iter()
        .map(|&c| match c {
            b' ' => 0x40,
            b'A'..=b'I' => 0xC1 + (c - b'A'),
            b'J'..=b'R' => 0xD1 + (c - b'J'),
            b'S'..=b'Z' => 0xE2 + (c - b'S'),
            b'0'..=b'9' => 0xF0 + (c - b'0'),
            b'.' => 0x4B,
            b',' => 0x6B,
            b'-' => 0x60,
            b'/' => 0x61,
            b'@' => 0x7C,
            b'\n' => 0x25,
            other => panic!("no EBCDIC mapping for {other:#04x}"),
        })
        .collect()
}

/// Runs the `ace-pga` binary with `args`, feeding `stdin` (from a thread, so that a large
/// input cannot dead-lock against a full stdout pipe) or none; stdout and stderr captured.
#[cfg(feature = "cli")]
pub(crate) fn run_cli(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut c = Command::new(env!("CARGO_BIN_EXE_ace-pga"));
    c.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn ace-pga");
    if let (Some(data), Some(mut w)) = (stdin, child.stdin.take()) {
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        });
    }
    child.wait_with_output().expect("run ace-pga")
}
