//! `ace-pga fix` on the command line (issue 10, item 2): the cases quoted at the top of the
//! issue, on inputs built here from the records of `or2-single.txt` (located by record id).
#![cfg(feature = "cli")]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{join, lines_of, read_repo, record80};

/// The records of `or2-single.txt`.
fn records() -> Vec<Vec<u8>> {
    lines_of(&read_repo("spec-samples/valid/or2-single.txt"))
}

/// The records with the first `OI` record replaced by `oi`.
fn with_oi(oi: Vec<u8>) -> Vec<Vec<u8>> {
    let mut lines = records();
    let i = lines
        .iter()
        .position(|l| l.starts_with(b"OI"))
        .expect("an OI record");
    lines[i] = oi;
    lines
}

fn oi_line() -> usize {
    records()
        .iter()
        .position(|l| l.starts_with(b"OI"))
        .expect("an OI record")
        + 1
}

/// An `OI` record whose description is `text`, padded to 80 characters.
fn oi_chars(text: &str) -> Vec<u8> {
    let s = format!("OI        {text}");
    let n = s.chars().count();
    let mut s = s.into_bytes();
    s.resize(s.len() + 80 - n, b' ');
    s
}

/// A file in this test's scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fix-cli");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

fn ace_pga(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .args(args)
        .output()
        .expect("runs")
}

/// Runs `fix` on `input`; returns (output bytes, stderr, exit code).
fn fix(name: &str, input: &[u8]) -> (Vec<u8>, String, Option<i32>) {
    let src = scratch(&format!("{name}.txt"));
    let dst = scratch(&format!("{name}.fixed.txt"));
    std::fs::write(&src, input).expect("write input");
    let _ = std::fs::remove_file(&dst);
    let out = ace_pga(&[
        "fix",
        src.to_str().expect("utf-8 path"),
        "-o",
        dst.to_str().expect("utf-8 path"),
    ]);
    let fixed = std::fs::read(&dst).expect("fix writes its output");
    (
        fixed,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// `ace-pga check` on the bytes: its exit code.
fn check(name: &str, data: &[u8]) -> Option<i32> {
    let path = scratch(&format!("{name}.check.txt"));
    std::fs::write(&path, data).expect("write");
    ace_pga(&[
        "check",
        "--as-of",
        "2026-03-16",
        path.to_str().expect("utf-8 path"),
    ])
    .status
    .code()
}

/// Issue 10: a terminator-less file of 80-byte records, one holding a 2-byte UTF-8 letter.
/// `fix` wrote 1,199 bytes, the records after it slid and the `Z` record was destroyed while
/// the report said "1 change(s)". Now the letter becomes `E` and nothing slides.
#[test]
fn terminator_less_file_with_a_two_byte_letter() {
    let clean = join(
        &with_oi(record80(b"OI        ORGANIC FRESH MANGOES, KENT")),
        b"",
        false,
    );
    let dirty = join(
        &with_oi(record80("OI        ORGANIC FRESH MANGOÉS, KENT".as_bytes())),
        b"",
        false,
    );
    assert_eq!(dirty.len(), clean.len());
    let (fixed, stderr, code) = fix("two-byte-letter", &dirty);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(fixed.len(), dirty.len());
    assert_eq!(fixed, clean);
    assert!(fixed.ends_with(&records().last().expect("Z").clone()));
    assert!(
        stderr.contains(&format!("line {}, column 30: \"É\" -> \"E\"", oi_line())),
        "{stderr}"
    );
    assert!(stderr.contains("0 not fixable"), "{stderr}");
    assert_eq!(check("two-byte-letter", &fixed), Some(0));
}

/// `4½ KG`, `10€/KG`, `20°C`, an emoji, Chinese text: left in place (no `?`, no letter
/// guessed), reported as not fixable with line and column, exit status 1; `check` still fails
/// the output.
#[test]
fn characters_without_same_meaning_fail_the_fix() {
    for (ch, text, column) in [
        ("½", "IN 4½ KG CARTONS", 15),
        ("€", "10€/KG", 13),
        ("°", "KEEP AT 20°C", 21),
        ("😀", "MANGOES 😀", 19),
        ("芒", "芒 MANGOES", 11),
    ] {
        let dirty = join(&with_oi(oi_chars(text)), b"\n", true);
        let (fixed, stderr, code) = fix("no-same-meaning", &dirty);
        assert_eq!(code, Some(1), "{ch}: {stderr}");
        assert_eq!(fixed, dirty, "{ch}: left in place");
        assert!(!fixed.contains(&b'?'));
        let expected = format!(
            "line {}, column {column}: \"{ch}\" not fixable: no character of the CBP set has \
             the same meaning",
            oi_line()
        );
        assert!(stderr.contains(&expected), "{ch}: {stderr}");
        assert!(stderr.contains("NOT FIXED"), "{stderr}");
        assert_eq!(check("no-same-meaning", &fixed), Some(1), "{ch}");
    }
}

/// Two byte order marks used to become `?A2704…`: both are removed, the `A` record is intact.
#[test]
fn two_byte_order_marks() {
    let clean = join(&records(), b"\r\n", true);
    let mut dirty = b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec();
    dirty.extend_from_slice(&clean);
    let (fixed, stderr, code) = fix("two-marks", &dirty);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(fixed, clean);
    assert_eq!(check("two-marks", &fixed), Some(0));
}

/// A combining accent and a zero-width space used to become `?`.
#[test]
fn combining_accent_and_zero_width_space() {
    let clean = join(&with_oi(oi_chars("CAFE MANGOES")), b"\n", true);
    let dirty = join(
        &with_oi(oi_chars("CAFE\u{301} MAN\u{200B}GOES")),
        b"\n",
        true,
    );
    // Padded to 80 characters counting the two invisible ones: 2 columns short.
    let (fixed, stderr, code) = fix("invisible", &dirty);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(fixed, clean);
    assert!(!fixed.contains(&b'?'));
}

/// The change report quotes a short excerpt of a long value, never the value whole.
#[test]
fn report_of_a_huge_line_is_short() {
    let mut lines = records();
    lines[0].extend(std::iter::repeat_n(b'x', 5_000_000));
    let dirty = join(&lines, b"\n", true);
    let (fixed, stderr, code) = fix("huge-line", &dirty);
    assert_eq!(code, Some(1), "data after column 80 is not fixable");
    assert_eq!(fixed, dirty);
    assert!(stderr.len() < 2_000, "{} bytes of report", stderr.len());
    assert!(stderr.contains("columns 81-5000080"), "{stderr}");
}

/// Trial finding 7: `fix` on input that is not a CATAIR transmission (JSON) upper-cased it
/// and exited 0. Now it writes nothing (no output file, nothing on standard output) and
/// exits 1 with the parser's one F-023 message.
#[test]
fn json_is_not_fixed_and_nothing_is_written() {
    let json = b"{\n  \"batches\": [{\"header\": {\"sender\": \"q7k\"}}]\n}\n";
    let src = scratch("json.txt");
    let dst = scratch("json.fixed.txt");
    std::fs::write(&src, json).expect("write input");
    let _ = std::fs::remove_file(&dst);
    let out = ace_pga(&[
        "fix",
        src.to_str().expect("utf-8 path"),
        "-o",
        dst.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dst.exists(), "no output file");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("error[F-023]: not a CATAIR transmission: looks like JSON"),
        "{stderr}"
    );
    let to_stdout = ace_pga(&["fix", src.to_str().expect("utf-8 path")]);
    assert_eq!(to_stdout.status.code(), Some(1));
    assert!(to_stdout.stdout.is_empty());
    // `check` gives the same message.
    let checked = ace_pga(&["check", src.to_str().expect("utf-8 path")]);
    let first = stderr.lines().next().expect("a line").to_string();
    assert!(
        String::from_utf8_lossy(&checked.stdout)
            .lines()
            .chain(String::from_utf8_lossy(&checked.stderr).lines())
            .any(|l| l == first),
        "{first}"
    );
}

/// Trial findings 9 and 10: with many changes the report lists at most 1,000 of each kind
/// and counts the rest; every printed line is short and plain (no Rust escapes).
#[test]
fn the_printed_report_is_bounded() {
    let mut lines: Vec<Vec<u8>> = (0..4).flat_map(|_| records()).collect();
    lines.extend(vec![
        format!("OI        {}", "a\u{301}\u{200B}½".repeat(17))
            .into_bytes();
        100
    ]);
    let input = join(&lines, b"\n", true);
    let (fixed, stderr, code) = fix("bounded", &input);
    assert_eq!(code, Some(1));
    assert!(!fixed.is_empty());
    let changes = stderr
        .lines()
        .filter(|l| l.contains(" -> ") || l.contains(": padded with "))
        .count();
    let not_fixable = stderr
        .lines()
        .filter(|l| l.contains("not fixable:"))
        .count();
    assert_eq!((changes, not_fixable), (1_000, 1_000), "{}", &stderr[..500]);
    // Per line 17 letters with a mark, 17 zero-width spaces, the padding; 17 `½`.
    assert!(
        stderr.contains("... and 2500 more change(s), not listed"),
        "{stderr:.200}"
    );
    assert!(stderr.contains("... and 700 more not fixable, not listed"));
    assert!(stderr.contains(": 3500 change(s), 1700 not fixable"));
    for l in stderr.lines() {
        assert!(l.chars().count() < 300, "{l}");
        assert!(!l.contains("\\u{") && !l.contains("\\\\"), "{l}");
    }
    assert!(stderr.contains("\"a<U+0301>\" -> \"A\""), "{stderr:.300}");
    assert!(stderr.contains("\"<U+200B>\" -> \"\""), "{stderr:.300}");
}
