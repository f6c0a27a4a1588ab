//! The CLI at scale (issue 13): `dump` streamed unit by unit prints what the whole-buffer dump
//! prints; the limit options; `check` past a limit.
#![cfg(feature = "cli")]

mod common;

use std::path::PathBuf;
use std::process::Output;

fn samples() -> Vec<PathBuf> {
    common::sample_files()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_cli(args, stdin)
}

/// `dump` of `path` whole and streamed (`--stream-above 0`): stdout, stderr and exit code.
fn assert_same_dump(path: &str, extra: &[&str]) {
    let whole: Vec<&str> = ["dump", "--stream-above", "100000000000"]
        .into_iter()
        .chain(extra.iter().copied())
        .chain([path])
        .collect();
    let streamed: Vec<&str> = ["dump", "--stream-above", "0"]
        .into_iter()
        .chain(extra.iter().copied())
        .chain([path])
        .collect();
    let a = run(&whole, None);
    let b = run(&streamed, None);
    assert_eq!(a.status.code(), b.status.code(), "{path} {extra:?}: exit");
    assert!(a.stdout == b.stdout, "{path} {extra:?}: stdout differs");
    assert_eq!(
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr),
        "{path} {extra:?}: stderr"
    );
}

#[test]
fn streamed_dump_equals_whole_dump_on_every_sample() {
    let files = samples();
    assert!(files.len() > 20, "the shipped samples");
    for f in &files {
        let p = f.to_string_lossy();
        assert_same_dump(&p, &[]);
        assert_same_dump(&p, &["--lenient"]);
    }
}

/// A line of 2 MB (over the stream reader's 1 MiB piece length) in the middle of an input:
/// the streamed dump prints it as one record with one F-001, as the whole dump does (it
/// printed two records and two F-001, the second for a made-up record, found by a hostile
/// trial).
#[test]
fn streamed_dump_keeps_an_over_long_line_whole() {
    let dir = std::env::temp_dir().join(format!("ace-pga-long-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("long.txt");
    let mut input = large(300_000, Some(b"\n"));
    let at = input.len() / 2;
    let at = at
        + input[at..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("a line end")
        + 1;
    let mut long = b"PG10".to_vec();
    long.extend(std::iter::repeat_n(b'X', 2_000_000));
    long.push(b'\n');
    input.splice(at..at, long);
    std::fs::write(&path, &input).expect("write");
    let p = path.to_string_lossy();
    assert_same_dump(&p, &[]);
    assert_same_dump(&p, &["--lenient"]);
    let out = run(&["dump", "--stream-above", "0", &p], None);
    let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
    let records = input.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, records, "one JSON line per input line");
    let _ = std::fs::remove_dir_all(&dir);
}

/// or2-multi's envelope around its transactions repeated until `bytes`, with `term` as every
/// record's terminator (`None`: the records are concatenated).
fn large(bytes: usize, term: Option<&[u8]>) -> Vec<u8> {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec-samples/valid/or2-multi.txt"
    ))
    .expect("sample");
    let recs: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .filter(|r| !r.is_empty())
        .collect();
    let b = recs.iter().position(|r| r.starts_with(b"B")).expect("B");
    let y = recs.iter().rposition(|r| r.starts_with(b"Y")).expect("Y");
    let mut out = Vec::new();
    let put = |out: &mut Vec<u8>, r: &[u8]| {
        out.extend_from_slice(r);
        out.extend_from_slice(term.unwrap_or_default());
    };
    for r in &recs[..=b] {
        put(&mut out, r);
    }
    while out.len() < bytes {
        for r in &recs[b + 1..y] {
            put(&mut out, r);
        }
    }
    for r in &recs[y..] {
        put(&mut out, r);
    }
    out
}

#[test]
fn streamed_dump_equals_whole_dump_on_large_generated_inputs() {
    let dir = std::env::temp_dir().join(format!("ace-pga-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let lf = large(3 << 20, Some(b"\n"));
    // Mixed terminators (F-019, reported once), a record cut short, a lower-case id.
    let mut mixed = lf.clone();
    let mid = mixed.len() / 2;
    let at = mid + mixed[mid..].iter().position(|&b| b == b'\n').expect("LF");
    mixed.splice(at..=at, b"\r\n".iter().copied());
    let late = mixed.len() * 3 / 4;
    let at = late + mixed[late..].iter().position(|&b| b == b'\n').expect("LF");
    mixed.splice(at - 5..at, std::iter::empty());
    // One PGA line of 40,000 records (3.2 MB): the stream cuts it into continuation units.
    let mut huge = Vec::new();
    let mut repeated = false;
    for rec in lf.split_inclusive(|&b| b == b'\n') {
        huge.extend_from_slice(rec);
        if !repeated && rec.starts_with(b"PG25") {
            repeated = true;
            for _ in 0..40_000 {
                huge.extend_from_slice(rec);
            }
        }
        if repeated && huge.len() > 4 << 20 && rec.starts_with(b"SE60") {
            break;
        }
    }
    assert!(repeated, "or2-multi has a PG25");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("huge-line.txt", huge),
        ("lf.txt", lf.clone()),
        ("crlf.txt", large(2 << 20, Some(b"\r\n"))),
        ("concatenated.txt", large(2 << 20, None)),
        ("mixed.txt", mixed),
    ];
    for (name, data) in &cases {
        let path = dir.join(name);
        std::fs::write(&path, data).expect("write");
        let p = path.to_string_lossy();
        assert_same_dump(&p, &[]);
        assert_same_dump(&p, &["--lenient"]);
    }
    // Standard input streams too.
    let a = run(&["dump", "--stream-above", "0", "-"], Some(&lf));
    let path = dir.join("lf.txt");
    let b = run(&["dump", &path.to_string_lossy()], None);
    assert!(a.status.success() && b.status.success());
    assert!(a.stdout == b.stdout, "stdin");
    let records = lf.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(a.stdout.iter().filter(|&&b| b == b'\n').count(), records);
    let _ = std::fs::remove_dir_all(&dir);
}

fn check_json(args: &[&str], path: &str) -> serde_json::Value {
    let mut all = vec!["check", "--as-of", "2026-03-16", "--format", "json"];
    all.extend_from_slice(args);
    all.push(path);
    let out = run(&all, None);
    serde_json::from_slice(&out.stdout).expect("check JSON")
}

#[test]
fn check_reports_a_tree_limit_and_still_runs_every_other_rule() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec-samples/invalid/pg20-without-pg19.txt"
    );
    let plain = check_json(&[], path);
    let limited = check_json(&["--max-records-per-pga-line", "2"], path);
    let rules = |v: &serde_json::Value, limit: bool| -> Vec<String> {
        v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["rule"].as_str().map(String::from))
                    .filter(|r| (r == "LIMIT") == limit)
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(rules(&plain, true).is_empty());
    assert!(!rules(&plain, false).is_empty(), "the sample has findings");
    assert_eq!(rules(&limited, true), vec!["LIMIT".to_string()]);
    assert_eq!(rules(&limited, false), rules(&plain, false));
    assert_eq!(
        limited["errors"].as_u64(),
        plain["errors"].as_u64().map(|n| n + 1)
    );
    // Past --max-findings, the limit is counted as left out.
    let one = check_json(
        &["--max-records-per-pga-line", "2", "--max-findings", "0"],
        path,
    );
    assert_eq!(
        one["truncated"],
        limited["findings"].as_array().map_or(0, |a| a.len())
    );
}

#[test]
fn limit_options_apply_and_refuse_zero() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec-samples/valid/or2-multi.txt"
    );
    let ok = run(&["dump", path], None);
    assert!(ok.status.success());
    let small = run(&["dump", "--max-input-len", "100", path], None);
    assert_eq!(small.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&small.stderr).contains("max_input_len"));
    let lines = run(&["decode", "--max-pga-lines-per-oi", "1", path], None);
    assert_eq!(lines.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&lines.stderr).contains("max_pga_lines_per_oi"));
    for opt in [
        "--max-input-len",
        "--max-records-per-pga-line",
        "--max-pga-lines-per-oi",
    ] {
        let zero = run(&["stats", opt, "0", path], None);
        assert_eq!(zero.status.code(), Some(2), "{opt} 0");
    }
    // `--quiet` is accepted anywhere; a pipe never gets a bar.
    let quiet = run(&["--quiet", "stats", path], None);
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty());
}

/// A reader that goes away (`ace-pga dump FILE | head`) stops every writing command quietly:
/// exit 0 and nothing on standard error, as a Unix filter does (trial finding: `dump` printed
/// `writing output: Broken pipe`).
#[test]
fn a_closed_output_pipe_stops_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let data = large(2 << 20, Some(b"\n"));
    let path = std::env::temp_dir().join(format!("ace-pga-pipe-{}.txt", std::process::id()));
    std::fs::write(&path, &data).expect("write");
    let file = path.to_str().expect("path");
    for args in [
        vec!["dump", file],
        vec!["decode", file],
        vec!["decode", "--pretty", "--threads", "1", file],
        vec!["fix", file],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run ace-pga");
        let mut out = child.stdout.take().expect("stdout");
        let mut head = [0u8; 100];
        out.read_exact(&mut head).expect("some output");
        drop(out);
        let done = child.wait_with_output().expect("wait");
        assert_eq!(done.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&done.stderr), "", "{args:?}");
    }
    let _ = std::fs::remove_file(&path);
}

/// `stats --check` reads a regular file twice by its path: no temporary file is made, so it
/// works where the temporary folder cannot be written (review finding: one was created, and
/// left unused, for every input; `decode` needs one of its own for the document's parts).
#[test]
fn reading_a_file_twice_needs_no_temporary_file() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec-samples/valid/or2-single.txt"
    );
    for args in [
        vec!["stats", "--check", "--as-of", "2026-03-16", sample],
        vec![
            "stats",
            "--check",
            "--json",
            "--as-of",
            "2026-03-16",
            sample,
        ],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ace-pga"))
            .args(&args)
            .env("TMPDIR", "/nonexistent-ace-pga-tmp")
            .output()
            .expect("run ace-pga");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}
