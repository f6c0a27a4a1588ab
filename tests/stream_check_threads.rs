//! `check` on worker threads (issue 13): `stream::check::check_reader_with` with
//! `CheckOptions::threads` 2, 3 and 4 returns what it returns on one thread (the same
//! findings in the same order, the same counts, the same records shown), and that is the
//! whole-input report (`check_bytes`, `check_bytes_past_limits`), on inputs whose findings
//! depend on pieces before their own: OR-018 across pieces, a block without `B` spanning
//! pieces, mixed terminators in a later piece, a tree limit hit in a later piece,
//! `max_findings` truncation, and random concatenations of the samples.

use ace_pga::stream::check::{
    check_bytes_past_limits, check_reader_with, CheckOptions, CheckOutcome,
};
use ace_pga::validate::{check_bytes, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, RuleId};

mod common;

fn vopts() -> ValidateOptions {
    ValidateOptions::new(NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"))
}

/// The outcome on `threads` threads, pieces of `piece_len`.
fn outcome(
    data: &[u8],
    parse: &ParseOptions,
    opts: &ValidateOptions,
    piece_len: usize,
    past_limits: bool,
    threads: usize,
) -> CheckOutcome {
    let mut c = CheckOptions::default();
    c.whole_below = 0;
    c.piece_len = piece_len;
    c.past_limits = past_limits;
    c.threads = threads;
    check_reader_with(data, parse, opts, &c).expect("read")
}

/// Asserts that 2, 3 and 4 threads give the one-thread outcome for several piece sizes, and
/// (with `oracle`) that it is the whole-input report; returns the outcome past limits.
fn agree(
    name: &str,
    data: &[u8],
    parse: &ParseOptions,
    opts: &ValidateOptions,
    oracle: bool,
) -> CheckOutcome {
    let mut last = None;
    for piece_len in [1, 700, 9_000] {
        for past_limits in [false, true] {
            let one = outcome(data, parse, opts, piece_len, past_limits, 1);
            if oracle {
                let whole = if past_limits {
                    check_bytes_past_limits(data, parse, opts)
                } else {
                    check_bytes(data, parse, opts)
                };
                assert_eq!(one.report, whole, "{name}: streamed differs from whole");
            }
            for threads in [2, 3, 4] {
                let got = outcome(data, parse, opts, piece_len, past_limits, threads);
                if got != one {
                    let (a, b) = (&got.report.findings, &one.report.findings);
                    let at = a.iter().zip(b).position(|(x, y)| x != y);
                    panic!(
                        "{name}, pieces of {piece_len}, past limits {past_limits}: {threads} threads differ from one: {} vs {} findings, first difference {:?} vs {:?}, counts {:?} vs {:?}",
                        a.len(),
                        b.len(),
                        at.and_then(|i| a.get(i)),
                        at.and_then(|i| b.get(i)),
                        got.report.by_rule,
                        one.report.by_rule,
                    );
                }
            }
            last = Some(one);
        }
    }
    last.expect("ran")
}

/// Records without terminators.
type Lines = Vec<Vec<u8>>;

/// `spec-samples/valid/or2-multi.txt` as (envelope head, transaction lines, envelope tail).
fn or2_multi() -> (Lines, Lines, Lines) {
    let lines = common::lines_of(&common::read_repo("spec-samples/valid/or2-multi.txt"));
    let b = common::line_of(&lines, "B");
    let y = common::line_of(&lines, "Y");
    (
        lines[..b].to_vec(),
        lines[b..y - 1].to_vec(),
        lines[y - 1..].to_vec(),
    )
}

/// `copies` copies of or2-multi's transactions in its envelope, LF-terminated; `edit` may
/// change copy `k` (0-based) before it is written; returns the input and the first line of
/// each copy.
fn many(copies: usize, mut edit: impl FnMut(usize, &mut Vec<Vec<u8>>)) -> (Vec<u8>, Vec<usize>) {
    let (head, body, tail) = or2_multi();
    let mut lines = head;
    let mut starts = Vec::new();
    for k in 0..copies {
        let mut copy = body.clone();
        edit(k, &mut copy);
        starts.push(lines.len() + 1);
        lines.extend(copy);
    }
    lines.extend(tail);
    (common::join(&lines, b"\n", true), starts)
}

/// Lines of `rule`'s findings in a report.
fn lines_of_rule(o: &CheckOutcome, rule: RuleId) -> Vec<u32> {
    o.report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.location.line)
        .collect()
}

#[test]
fn or_018_across_pieces_is_decided_in_input_order() {
    // The first anchor's HTS of copy 90 changed: its certificates were filed for another HTS
    // pieces before. Copy 100 files a new certificate, copy 101 files it for another HTS,
    // copy 102 for the first one again.
    let (data, starts) = many(120, |k, copy| {
        let se60 = common::line_of(copy, "SE60");
        let pg14 = common::line_of(copy, "PG14");
        if k == 90 || k == 101 {
            common::set_bytes(copy, se60, 5, b"0804508099");
        }
        if (100..=102).contains(&k) {
            common::set_bytes(copy, pg14, 6, b"1417-0000000000-000001");
        }
    });
    let o = agree("OR-018", &data, &ParseOptions::strict(), &vopts(), true);
    let or_018 = lines_of_rule(&o, RuleId::OR_018);
    let in_copy = |k: usize| {
        or_018
            .iter()
            .any(|&l| (starts[k]..starts[k + 1]).contains(&(l as usize)))
    };
    assert!(in_copy(90), "an OR-018 finding in copy 90: {or_018:?}");
    assert!(in_copy(101), "an OR-018 finding in copy 101: {or_018:?}");
    assert!(
        !in_copy(100) && !in_copy(102),
        "none in copies 100, 102: {or_018:?}"
    );
    assert!(
        or_018.iter().all(|&l| (l as usize) >= starts[90]),
        "no OR-018 finding before copy 90: {or_018:?}"
    );
}

#[test]
fn a_block_without_b_spanning_pieces_is_checked_as_on_one_thread() {
    // No `B`; the first 60 copies start with a record that is not `SE10` (no transaction
    // starts, so the H findings of the block wait), the rest with `SE10`.
    let (data, _) = many(110, |k, copy| {
        if k < 60 {
            let se10 = common::line_of(copy, "SE10");
            common::set_bytes(copy, se10, 1, b"SE11");
        }
    });
    let lines: Vec<Vec<u8>> = common::lines_of(&data)
        .into_iter()
        .filter(|l| !l.starts_with(b"B "))
        .collect();
    let data = common::join(&lines, b"\n", true);
    let o = agree("no B", &data, &ParseOptions::lenient(), &vopts(), true);
    assert!(
        o.report.error_count() > 0,
        "the block without B has findings"
    );
    // Also with every copy starting a transaction.
    let (data, _) = many(110, |_, _| {});
    let lines: Vec<Vec<u8>> = common::lines_of(&data)
        .into_iter()
        .filter(|l| !l.starts_with(b"B "))
        .collect();
    let data = common::join(&lines, b"\n", true);
    let o = agree(
        "no B, SE10",
        &data,
        &ParseOptions::lenient(),
        &vopts(),
        true,
    );
    assert!(
        o.report
            .by_rule
            .keys()
            .any(|r| r.to_string().starts_with('H') || r.to_string().starts_with('E')),
        "the envelope or host rules report the missing B: {:?}",
        o.report.by_rule
    );
}

#[test]
fn mixed_terminators_in_later_pieces_are_reported_once() {
    let (data, starts) = many(120, |_, _| {});
    let lines = common::lines_of(&data);
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        out.extend_from_slice(l);
        let line = i + 1;
        let crlf =
            (starts[80]..starts[81]).contains(&line) || (starts[95]..starts[96]).contains(&line);
        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    }
    let o = agree(
        "mixed terminators",
        &out,
        &ParseOptions::lenient(),
        &vopts(),
        true,
    );
    let f_019 = lines_of_rule(&o, RuleId::F_019);
    assert_eq!(f_019, vec![starts[80] as u32], "one F-019, at copy 80");
}

#[test]
fn a_tree_limit_hit_in_a_later_piece_is_reported_as_on_one_thread() {
    // Copy 70 and copy 90 get a PGA line of 12 records: over a limit of 8.
    let (data, starts) = many(120, |k, copy| {
        if k == 100 {
            let oi = common::line_of(copy, "OI");
            common::set_bytes(copy, oi, 11, b"o");
        }
        if k == 70 || k == 90 {
            let pg25 = common::line_of(copy, "PG25");
            let r = copy[pg25 - 1].clone();
            for _ in 0..7 {
                copy.insert(pg25, r.clone());
            }
        }
    });
    let parse = ParseOptions::strict().max_records_per_pga_line(8);
    let o = agree("tree limit", &data, &parse, &vopts(), true);
    let limit = lines_of_rule(&o, RuleId::LIMIT);
    assert_eq!(limit.len(), 1, "one limit finding: {limit:?}");
    assert!(
        (starts[70]..starts[71]).contains(&(limit[0] as usize)),
        "the limit is hit in copy 70: {limit:?}"
    );
    assert!(
        o.report
            .findings
            .iter()
            .any(|f| f.location.line.is_some_and(|l| l as usize >= starts[100])),
        "the other rules still run after the limit: {:?}",
        o.report.by_rule
    );
}

/// [`agree`] (against the whole-input report) under `max_findings` = `max`, strict.
fn agree_with_max(data: &[u8], max: usize) -> CheckOutcome {
    let mut opts = vopts();
    opts.max_findings = max;
    agree(
        &format!("max {max}"),
        data,
        &ParseOptions::strict(),
        &opts,
        true,
    )
}

#[test]
fn max_findings_truncation_is_the_same_on_every_thread_count() {
    // Every copy has an error (a lower-case letter in the OI description, F-005).
    let (data, _) = many(120, |_, copy| {
        let oi = common::line_of(copy, "OI");
        common::set_bytes(copy, oi, 11, b"o");
    });
    for max in [0, 5, 60] {
        let o = agree_with_max(&data, max);
        assert_eq!(o.report.findings.len(), max, "max {max}: findings kept");
        assert!(
            o.report.error_count() > max,
            "max {max}: findings were left out"
        );
    }
}

/// A piece keeps only the report's `max_findings` of its F, S and OR findings and counts the
/// rest (a piece of garbage holds a bounded number): the report is the whole-input one on
/// every thread count, with OR-018 conflicts among the garbage.
#[test]
fn garbage_dense_pieces_keep_max_findings_and_count_the_rest() {
    let garbage = [b"SE10".as_slice(), &[b'a'; 76]].concat();
    let (data, _) = many(12, |k, copy| {
        // Every other copy: 40 lines of garbage (some 70 findings each) after its records,
        // and a certificate filed again for another HTS (OR-018) in every fifth.
        if k % 2 == 1 {
            copy.extend(std::iter::repeat_n(garbage.clone(), 40));
        }
        if k % 5 == 4 {
            let se60 = common::line_of(copy, "SE60");
            common::set_bytes(copy, se60, 5, b"9");
        }
    });
    for max in [0, 7, 150, 100_000] {
        let o = agree_with_max(&data, max);
        assert_eq!(
            o.report.findings.len(),
            max.min(o.report.error_count() + o.report.warning_count())
        );
        assert!(
            o.report.error_count() > 10_000,
            "{} errors",
            o.report.error_count()
        );
    }
}

#[test]
fn random_concatenations_of_samples_agree_on_every_thread_count() {
    let files: Vec<Vec<u8>> = common::sample_files()
        .iter()
        .map(|p| std::fs::read(p).expect("sample"))
        .collect();
    assert!(files.len() > 30);
    let mut x: u64 = 0x7E4D_5EED;
    let mut below = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let cases: usize = std::env::var("STREAM_CHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    for case in 0..cases {
        let mut data = Vec::new();
        for _ in 0..2 + below(5) {
            let f = &files[below(files.len())];
            for _ in 0..1 + below(30) {
                data.extend_from_slice(f);
                if !data.ends_with(b"\n") {
                    data.push(b'\n');
                }
            }
        }
        let parse = if below(2) == 0 {
            ParseOptions::strict()
        } else {
            ParseOptions::lenient()
        };
        let mut opts = vopts();
        opts.max_findings = [3, 40, 1000][below(3)];
        let piece_len = 1 + below(3000);
        for past_limits in [false, true] {
            let one = outcome(&data, &parse, &opts, piece_len, past_limits, 1);
            for threads in [2, 4] {
                let got = outcome(&data, &parse, &opts, piece_len, past_limits, threads);
                assert_eq!(got, one, "case {case}: {threads} threads differ from one");
            }
        }
    }
}

#[test]
fn blocks_of_other_headers_spanning_pieces_are_checked_as_on_one_thread() {
    // Four blocks of 40 copies each: the usual `B`, one with another filer code (H rules of
    // every transaction), one of another application (E-007), the usual again; a worker
    // that guessed the block open before its piece from an older piece guessed wrong at
    // each change.
    let (head, body, tail) = or2_multi();
    let b = head.last().expect("B").clone();
    let y = tail.first().expect("Y").clone();
    let mut lines = head[..head.len() - 1].to_vec();
    let mut starts = Vec::new();
    for k in 0..4 {
        // `B` columns 8-10 filer code, 11-12 application (SPEC 3.2).
        let mut bk = b.clone();
        match k {
            1 => bk[7..10].copy_from_slice(b"ZZZ"),
            2 => bk[10..12].copy_from_slice(b"AE"),
            _ => {}
        }
        starts.push(lines.len() + 1);
        lines.push(bk);
        for _ in 0..40 {
            lines.extend(body.iter().cloned());
        }
        lines.push(y.clone());
    }
    lines.push(tail.last().expect("Z").clone());
    let data = common::join(&lines, b"\n", true);
    let o = agree(
        "four blocks",
        &data,
        &ParseOptions::lenient(),
        &vopts(),
        true,
    );
    let in_block = |k: usize, prefix: char| {
        o.report.findings.iter().any(|f| {
            f.rule.to_string().starts_with(prefix)
                && f.location
                    .line
                    .is_some_and(|l| (starts[k]..starts[k + 1]).contains(&(l as usize)))
        })
    };
    assert!(
        in_block(1, 'H') || in_block(1, 'E'),
        "findings of the block with another filer code: {:?}",
        o.report.by_rule
    );
    assert!(
        in_block(2, 'E'),
        "findings of the block of another application: {:?}",
        o.report.by_rule
    );
}

/// `ace-pga check --threads N` prints the same report for every N (streamed: the testing knob
/// `ACE_PGA_WHOLE_BELOW=0`); `--threads 0` and more than 16 are usage errors (`stats` and
/// `decode` too).
#[cfg(feature = "cli")]
#[test]
fn cli_check_threads_prints_the_same_report() {
    use std::process::Command;
    let (data, _) = many(60, |k, copy| {
        if k % 7 == 3 {
            let oi = common::line_of(copy, "OI");
            common::set_bytes(copy, oi, 11, b"o");
        }
    });
    let path = std::env::temp_dir().join(format!("ace-pga-threads-{}.txt", std::process::id()));
    std::fs::write(&path, &data).expect("write");
    let file = path.to_str().expect("path");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ace-pga"))
            .args(args)
            .env("ACE_PGA_WHOLE_BELOW", "0")
            .output()
            .expect("run ace-pga")
    };
    for format in ["human", "json"] {
        let base = ["check", "--as-of", "2026-03-16", "--format", format, file];
        let one = run(&[&base[..], &["--threads", "1"]].concat());
        assert_eq!(one.status.code(), Some(1), "errors found");
        assert!(!one.stdout.is_empty());
        for n in ["2", "4"] {
            let got = run(&[&base[..], &["--threads", n]].concat());
            assert_eq!(got.status.code(), one.status.code());
            assert_eq!(
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&one.stdout),
                "{format}, --threads {n}"
            );
        }
    }
    let zero = run(&["check", "--threads", "0", file]);
    assert_eq!(zero.status.code(), Some(2), "usage error");
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--threads: expected at least 1"));
    // More than 16 would let the pieces in flight outgrow the memory bound.
    for cmd in ["check", "decode", "stats"] {
        let many = run(&[cmd, "--threads", "17", file]);
        assert_eq!(many.status.code(), Some(2), "{cmd}: usage error");
        assert!(
            String::from_utf8_lossy(&many.stderr)
                .contains("--threads: expected at most 16, got 17"),
            "{cmd}"
        );
        assert!(many.stdout.is_empty(), "{cmd}: nothing written");
        let most = run(&[cmd, "--threads", "16", file]);
        assert_ne!(most.status.code(), Some(2), "{cmd}: 16 threads are taken");
        assert!(!most.stdout.is_empty(), "{cmd}: 16 threads write");
    }
    let _ = std::fs::remove_file(&path);
}

/// `ace-pga stats --check` counts what `check_bytes` counts, streamed in pieces (the testing
/// knob `ACE_PGA_WHOLE_BELOW=0`) or whole, from a file or from standard input (spilled to a
/// temporary file), on every thread count.
#[cfg(feature = "cli")]
#[test]
fn cli_stats_check_counts_what_check_bytes_counts() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let (data, _) = many(60, |k, copy| {
        if k % 7 == 3 {
            let oi = common::line_of(copy, "OI");
            common::set_bytes(copy, oi, 11, b"o");
        }
        if k % 11 == 5 {
            let pg01 = common::line_of(copy, "PG01");
            common::set_bytes(copy, pg01, 5, b"X");
        }
    });
    let full = check_bytes(&data, &ParseOptions::strict(), &vopts());
    assert!(full.error_count() >= 10, "{full:?}");
    let path = std::env::temp_dir().join(format!("ace-pga-stats-{}.txt", std::process::id()));
    std::fs::write(&path, &data).expect("write");
    let file = path.to_str().expect("path");
    let run = |whole_below: &str, threads: &str, stdin: bool| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
            .args(["stats", "--check", "--json", "--as-of", "2026-03-16"])
            .args(["--threads", threads, if stdin { "-" } else { file }])
            .env("ACE_PGA_WHOLE_BELOW", whole_below)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run ace-pga");
        let mut input = child.stdin.take().expect("stdin");
        if stdin {
            input.write_all(&data).expect("write stdin");
        }
        drop(input);
        child.wait_with_output().expect("output")
    };
    for whole_below in ["0", "100000000"] {
        for threads in ["1", "3"] {
            for stdin in [false, true] {
                let out = run(whole_below, threads, stdin);
                let what = format!("whole below {whole_below}, {threads} threads, stdin {stdin}");
                assert_eq!(out.status.code(), Some(1), "{what}: errors found");
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
                assert_eq!(doc["findings"]["error"], full.error_count(), "{what}");
                assert_eq!(doc["findings"]["warning"], full.warning_count(), "{what}");
                assert_eq!(
                    doc["records"],
                    data.iter().filter(|&&b| b == b'\n').count(),
                    "{what}"
                );
            }
        }
    }
    let _ = std::fs::remove_file(&path);
}
