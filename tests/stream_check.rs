//! Streaming validation (issue 13): `stream::check::check_reader_with` must return what the
//! whole-input check returns (`validate::check_bytes`, `check_bytes_past_limits`: the oracle)
//! for every sample and for many mutated inputs (a seeded generator: records cut,
//! duplicated, dropped, reordered, bytes flipped, long and short lines, terminators missing
//! or changed, byte order marks, envelope and transaction records in odd places), several
//! option sets, and pieces as small as one unit so that every boundary is crossed.

use std::path::{Path, PathBuf};

use ace_pga::stream::check::{
    check_bytes_past_limits, check_reader, check_reader_with, CheckOptions, CheckOutcome,
};
use ace_pga::validate::{check_bytes, Level, Report, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, RuleId, Transmission};

fn samples() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("spec-samples") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-samples"),
        &mut paths,
    );
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let data = std::fs::read(&p).expect("sample");
            (p.display().to_string(), data)
        })
        .collect()
}

/// A seeded xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Lines with their terminators.
fn lines(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\n' => {
                out.push(data[start..=i].to_vec());
                start = i + 1;
            }
            b'\r' => {
                let end = if data.get(i + 1) == Some(&b'\n') {
                    i + 1
                } else {
                    i
                };
                out.push(data[start..=end].to_vec());
                i = end;
                start = end + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < data.len() {
        out.push(data[start..].to_vec());
    }
    out
}

/// The sample with the records between its `B` and its last `Y` repeated until it holds
/// `min` bytes (more than the streaming checker's first piece), or the whole sample repeated.
fn enlarged(data: &[u8], min: usize) -> Vec<u8> {
    let ls = lines(data);
    let b = ls.iter().position(|l| l.starts_with(b"B"));
    let y = ls.iter().rposition(|l| l.starts_with(b"Y"));
    let (head, body, tail) = match (b, y) {
        (Some(b), Some(y)) if b < y => (ls[..=b].concat(), ls[b + 1..y].concat(), ls[y..].concat()),
        _ => (Vec::new(), data.to_vec(), Vec::new()),
    };
    if body.is_empty() {
        return data.to_vec();
    }
    let mut out = head;
    while out.len() < min {
        out.extend_from_slice(&body);
        if !body.ends_with(b"\n") && !body.ends_with(b"\r") {
            out.push(b'\n');
        }
    }
    out.extend_from_slice(&tail);
    out
}

fn strip_terminator(l: &[u8]) -> &[u8] {
    let mut l = l;
    while let Some((&last, rest)) = l.split_last() {
        if last == b'\n' || last == b'\r' {
            l = rest;
        } else {
            break;
        }
    }
    l
}

fn mutate(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut ls = lines(data);
    let ops = 1 + rng.below(4);
    let mut whole_ops: Vec<usize> = Vec::new();
    for _ in 0..ops {
        if ls.is_empty() {
            break;
        }
        let i = rng.below(ls.len());
        match rng.below(17) {
            0 => {
                ls.remove(i);
            }
            1 => {
                let l = ls[i].clone();
                ls.insert(i, l);
            }
            2 => {
                let j = rng.below(ls.len());
                ls.swap(i, j);
            }
            3 => {
                let l = &mut ls[i];
                if !l.is_empty() {
                    let p = rng.below(l.len());
                    l[p] = (rng.next() & 0xFF) as u8;
                }
            }
            4 => {
                let l = &mut ls[i];
                let body = strip_terminator(l).len();
                let cut = rng.below(body.max(1));
                let term = l[body..].to_vec();
                l.truncate(cut);
                l.extend_from_slice(&term);
            }
            5 => {
                let l = &mut ls[i];
                let body = strip_terminator(l).len();
                let term = l[body..].to_vec();
                l.truncate(body);
                l.extend_from_slice(b"   EXTRA DATA AFTER COLUMN 80   ");
                l.extend_from_slice(&term);
            }
            6 => {
                // Missing terminator: the line runs into the next.
                let body = strip_terminator(&ls[i]).len();
                ls[i].truncate(body);
            }
            7 => {
                let term: &[u8] = [&b"\r\n"[..], b"\r", b"\n"][rng.below(3)];
                let body = strip_terminator(&ls[i]).len();
                ls[i].truncate(body);
                ls[i].extend_from_slice(term);
            }
            8 => ls.insert(i, b"\n".to_vec()),
            9 => {
                // An envelope record copied elsewhere.
                if let Some(e) = ls
                    .iter()
                    .find(|l| {
                        matches!(l.first(), Some(b'A' | b'B' | b'Y' | b'Z')) && rng.below(3) == 0
                    })
                    .cloned()
                {
                    ls.insert(i, e);
                }
            }
            10 => {
                if let Some(e) = ls.iter().find(|l| l.starts_with(b"SE10")).cloned() {
                    ls.insert(i, e);
                }
            }
            11 => {
                // A record of another kind made from this one.
                let ids: [&[u8]; 8] = [
                    b"OI", b"PG01", b"PG00", b"SE60", b"SE90", b"PG14", b"Y", b"10",
                ];
                let id = ids[rng.below(ids.len())];
                let l = &mut ls[i];
                let n = id.len().min(l.len());
                l[..n].copy_from_slice(&id[..n]);
            }
            _ => whole_ops.push(rng.below(6)),
        }
    }
    let mut out: Vec<u8> = ls.concat();
    // Terminator-less framing is decided from the first 64 KiB when streamed (documented):
    // an input made terminator-less gets no terminator back.
    if whole_ops.contains(&2) {
        whole_ops.retain(|&op| !matches!(op, 2..=5));
        whole_ops.push(2);
    }
    for op in whole_ops {
        match op {
            0 => out
                .splice(0..0, b"\xEF\xBB\xBF".iter().copied())
                .for_each(drop),
            1 if out.ends_with(b"\n") && out.len() % 2 == 0 => out.extend_from_slice(b"\x1A\n"),
            1 => out.extend_from_slice(b"\x1A\x1A"),
            2 => out.retain(|&b| b != b'\n' && b != b'\r'),
            3 => {
                let ls = lines(&out);
                out = ls
                    .iter()
                    .flat_map(|l| {
                        let mut v = strip_terminator(l).to_vec();
                        v.extend_from_slice(b"\r\n");
                        v
                    })
                    .collect();
            }
            4 => out.extend_from_slice(b"\n"),
            _ => {
                let ls = lines(&out);
                out = ls
                    .iter()
                    .flat_map(|l| {
                        let mut v = strip_terminator(l).to_vec();
                        v.push(b'\r');
                        v
                    })
                    .collect();
            }
        }
    }
    out
}

fn option_sets() -> Vec<(String, ParseOptions, ValidateOptions)> {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
    let mut sets = Vec::new();
    sets.push((
        "strict".to_string(),
        ParseOptions::strict(),
        ValidateOptions::new(as_of),
    ));
    let mut v = ValidateOptions::new(NaiveDate::from_ymd_opt(2024, 6, 1).expect("date"));
    v.max_findings = 7;
    v.set_level(RuleId::F_023, Level::Off).expect("rule");
    v.set_level(RuleId::S_016, Level::Warning).expect("rule");
    sets.push((
        "lenient max 7, F-023 off".to_string(),
        ParseOptions::lenient(),
        v,
    ));
    let mut v = ValidateOptions::new(as_of);
    v.max_findings = 0;
    v.set_level(RuleId::E_007, Level::Error).expect("rule");
    sets.push((
        "strict max 0, tree limits".to_string(),
        ParseOptions::strict()
            .max_records_per_pga_line(3)
            .max_pga_lines_per_oi(2),
        v,
    ));
    let mut v = ValidateOptions::new(as_of);
    v.max_findings = 40;
    v.set_level(RuleId::H_001, Level::Off).expect("rule");
    sets.push((
        "lenient max 40, tree limit".to_string(),
        ParseOptions::lenient().max_records_per_pga_line(4),
        v,
    ));
    sets
}

/// The records the whole-input `ace-pga check` shows under its findings.
fn shown(data: &[u8], parse: &ParseOptions, report: &Report) -> Vec<(u32, Option<Vec<u8>>)> {
    let unlimited = parse
        .clone()
        .max_records_per_pga_line(usize::MAX)
        .max_pga_lines_per_oi(usize::MAX);
    let lines: Vec<&[u8]> = Transmission::parse_with(data, &unlimited)
        .map(|t| t.records().map(|r| r.raw()).collect())
        .unwrap_or_default();
    report
        .findings
        .iter()
        .filter_map(|f| f.location.line)
        .map(|l| {
            let raw = lines
                .get(l as usize - 1)
                .map(|r| r[..r.len().min(81)].to_vec());
            (l, raw)
        })
        .collect()
}

/// The outcome (report, records shown) with pieces checked on 2 and 4 worker threads is
/// `one`, the outcome on the calling thread only.
fn same_threads(
    name: &str,
    data: &[u8],
    parse: &ParseOptions,
    opts: &ValidateOptions,
    copts: &CheckOptions,
    one: &CheckOutcome,
) {
    assert_eq!(copts.threads, 1, "{name}: the reference runs on one thread");
    for threads in [2, 4] {
        let mut c = copts.clone();
        c.threads = threads;
        let got = check_reader_with(data, parse, opts, &c).expect("read");
        assert_eq!(
            &got, one,
            "{name}, pieces of {}: {threads} threads differ from one",
            copts.piece_len
        );
    }
}

fn same(name: &str, data: &[u8], rng: &mut Rng) {
    for (set, parse, opts) in option_sets() {
        let mut copts = CheckOptions::default();
        copts.whole_below = 0;
        copts.piece_len = [1, 700, 9_000][rng.below(3)];
        let whole = check_bytes(data, &parse, &opts);
        let streamed = check_reader_with(data, &parse, &opts, &copts).expect("read");
        assert_eq!(
            streamed.report, whole,
            "{name}, {set}, pieces of {}: streamed report differs from check_bytes",
            copts.piece_len
        );
        // The records shown under the findings, also when a tree limit stops the check
        // (the limit's record is shown, as the whole-input check shows it).
        let want = shown(data, &parse, &whole);
        let got: Vec<(u32, Option<Vec<u8>>)> = want
            .iter()
            .map(|(l, _)| (*l, streamed.record(*l).map(<[u8]>::to_vec)))
            .collect();
        assert_eq!(
            got, want,
            "{name}, {set}: records shown, without past_limits"
        );
        same_threads(
            &format!("{name}, {set}"),
            data,
            &parse,
            &opts,
            &copts,
            &streamed,
        );
        copts.past_limits = true;
        let whole = check_bytes_past_limits(data, &parse, &opts);
        let streamed = check_reader_with(data, &parse, &opts, &copts).expect("read");
        assert_eq!(
            streamed.report, whole,
            "{name}, {set}, pieces of {}: streamed report differs past limits",
            copts.piece_len
        );
        same_threads(
            &format!("{name}, {set}, past limits"),
            data,
            &parse,
            &opts,
            &copts,
            &streamed,
        );
        let want = shown(data, &parse, &whole);
        let got: Vec<(u32, Option<Vec<u8>>)> = want
            .iter()
            .map(|(l, _)| (*l, streamed.record(*l).map(<[u8]>::to_vec)))
            .collect();
        assert_eq!(got, want, "{name}, {set}: records shown under the findings");
    }
}

#[test]
fn every_sample_streams_to_the_whole_input_report() {
    let mut rng = Rng(0x5EED_0001);
    let all = samples();
    assert!(all.len() > 40, "the samples are found");
    for (name, data) in &all {
        same(name, data, &mut rng);
        let big = enlarged(data, 80_000);
        same(&format!("{name} enlarged"), &big, &mut rng);
    }
}

#[test]
fn mutated_inputs_stream_to_the_whole_input_report() {
    let mut rng = Rng(0x5EED_0002);
    let all: Vec<(String, Vec<u8>)> = samples()
        .into_iter()
        .filter(|(n, _)| n.ends_with(".txt"))
        .collect();
    let cases: usize = std::env::var("STREAM_CHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(80);
    for case in 0..cases {
        let (name, data) = &all[rng.below(all.len())];
        let big = rng.below(3) > 0;
        let base = if big {
            enlarged(data, 70_000 + rng.below(40_000))
        } else {
            data.clone()
        };
        let input = mutate(&base, &mut rng);
        same(
            &format!("case {case}: {name} (enlarged: {big})"),
            &input,
            &mut rng,
        );
    }
}

#[test]
fn the_default_reader_checks_small_inputs_whole_and_large_ones_streamed() {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
    let opts = ValidateOptions::new(as_of);
    let all = samples();
    let (_, data) = all
        .iter()
        .find(|(n, _)| n.ends_with("valid/or2-multi.txt"))
        .expect("or2-multi");
    // Over the default whole-input size: streamed.
    let big = enlarged(data, 9 << 20);
    let parse = ParseOptions::strict();
    let streamed = check_reader(&big[..], &parse, &opts).expect("read");
    assert!(big.len() > 8 << 20);
    assert_eq!(streamed, check_bytes(&big, &parse, &opts));
}

/// `fix` streamed: the same bytes and the same report as the whole-input normaliser.
fn same_fix(name: &str, data: &[u8]) {
    use ace_pga::normalize::{normalize_reader_to, normalize_to, NormalizeOptions};
    let opts = NormalizeOptions::default();
    let mut whole = Vec::new();
    let want = normalize_to(data, &opts, &mut whole).expect("write to a Vec");
    let mut streamed = Vec::new();
    let got = normalize_reader_to(std::io::Cursor::new(data), &opts, &mut streamed)
        .expect("read a Cursor");
    assert_eq!(got, want, "{name}: fix report");
    assert!(streamed == whole, "{name}: fix output bytes differ");
}

#[test]
fn fix_streams_to_the_whole_input_result() {
    let mut rng = Rng(0x5EED_0003);
    let all = samples();
    for (name, data) in &all {
        same_fix(name, data);
    }
    let txt: Vec<&(String, Vec<u8>)> = all.iter().filter(|(n, _)| n.ends_with(".txt")).collect();
    for case in 0..60 {
        let (name, data) = txt[rng.below(txt.len())];
        // Some inputs over the reader's 1 MiB block.
        let size = if case % 10 == 0 { 1_200_000 } else { 20_000 };
        let input = mutate(&enlarged(data, size), &mut rng);
        same_fix(&format!("fix case {case}: {name}"), &input);
    }
}

/// Runs the CLI; returns (exit code, stdout, stderr).
fn cli(args: &[&str], whole_below: Option<&str>, stdin: Option<&[u8]>) -> (i32, Vec<u8>, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ace-pga"));
    cmd.args(args)
        .env_remove("CI")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match whole_below {
        Some(n) => cmd.env("ACE_PGA_WHOLE_BELOW", n),
        None => cmd.env_remove("ACE_PGA_WHOLE_BELOW"),
    };
    let mut child = cmd.spawn().expect("run ace-pga");
    if let Some(mut sin) = child.stdin.take() {
        if let Some(data) = stdin {
            sin.write_all(data).expect("stdin");
        }
    }
    let out = child.wait_with_output().expect("ace-pga output");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder of one test's temporary files, removed when the test ends (passed or not).
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ace-pga-stream-check-{}-{test}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, data).expect("temp file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `ace-pga check` streamed (every input, `ACE_PGA_WHOLE_BELOW=0`) prints what it prints
/// when it checks the input whole (the previous behaviour: `check_bytes`, limits reported and
/// every other rule run), in both formats and with the options that change the report.
#[test]
fn cli_check_streamed_prints_what_the_whole_input_check_prints() {
    let scratch = Scratch::new("check");
    let mut rng = Rng(0x5EED_0004);
    let mut inputs: Vec<(String, PathBuf)> = Vec::new();
    for (name, data) in samples().iter().filter(|(n, _)| n.ends_with(".txt")) {
        let file = Path::new(name)
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        inputs.push((name.clone(), scratch.file(&file, data)));
        if rng.below(4) == 0 {
            let big = mutate(&enlarged(data, 90_000), &mut rng);
            inputs.push((
                format!("{name} enlarged"),
                scratch.file(&format!("big-{file}"), &big),
            ));
        }
    }
    let option_sets: [&[&str]; 4] = [
        &[],
        &["--lenient", "--max-findings", "3"],
        &[
            "--max-records-per-pga-line",
            "2",
            "--rule",
            "F-023=off",
            "--max-findings",
            "0",
        ],
        &[
            "--max-pga-lines-per-oi",
            "1",
            "--rule",
            "S-016=warning",
            "--max-input-len",
            "50000",
        ],
    ];
    for (name, path) in &inputs {
        let path = path.to_string_lossy().to_string();
        for opts in option_sets {
            for format in ["human", "json"] {
                let mut args = vec![
                    "check",
                    path.as_str(),
                    "--as-of",
                    "2026-03-16",
                    "--format",
                    format,
                ];
                args.extend_from_slice(opts);
                let whole = cli(&args, None, None);
                let streamed = cli(&args, Some("0"), None);
                assert_eq!(whole.0, streamed.0, "{name} {args:?}: exit code");
                assert!(
                    whole.1 == streamed.1,
                    "{name} {args:?}: output differs:\n{}\n---\n{}",
                    String::from_utf8_lossy(&whole.1),
                    String::from_utf8_lossy(&streamed.1)
                );
                assert_eq!(whole.2, streamed.2, "{name} {args:?}: standard error");
            }
        }
    }
}

/// `ace-pga fix FILE` (streamed, two passes) writes and reports what `fix -` (the whole
/// input read from standard input, the previous behaviour) writes and reports.
#[test]
fn cli_fix_streamed_prints_what_the_whole_input_fix_prints() {
    let scratch = Scratch::new("fix");
    let mut rng = Rng(0x5EED_0005);
    for (name, data) in samples().iter().filter(|(n, _)| n.ends_with(".txt")) {
        let mut cases = vec![data.clone()];
        if rng.below(3) == 0 {
            cases.push(mutate(&enlarged(data, 30_000), &mut rng));
        }
        for (i, input) in cases.iter().enumerate() {
            let path = scratch.file(&format!("fix-{i}.txt"), input);
            let path = path.to_string_lossy().to_string();
            let whole = cli(&["fix", "-"], None, Some(input));
            let streamed = cli(&["fix", &path], None, None);
            assert_eq!(whole.0, streamed.0, "{name} case {i}: exit code");
            assert!(
                whole.1 == streamed.1,
                "{name} case {i}: output bytes differ"
            );
            let stderr = whole
                .2
                .lines()
                .map(|l| {
                    l.strip_prefix("-: ")
                        .map_or(l.to_string(), |r| format!("{path}: {r}"))
                })
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(
                stderr,
                streamed.2.trim_end_matches('\n'),
                "{name} case {i}: report"
            );
        }
    }
}

/// Whole-input edge cases: empty, blank, marks, short terminator-less input, `0x1A` bytes,
/// JSON, binary, a lone record.
#[test]
fn edge_inputs_stream_to_the_whole_input_report() {
    let mut rng = Rng(0x5EED_0006);
    let mut rec = b"A2704Q7KPW48".to_vec();
    rec.resize(80, b' ');
    let edges: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
        b"\xEF\xBB\xBF\n \t\r\n".to_vec(),
        b"\n\n\n".repeat(50),
        b"A2704".to_vec(),
        b"A2704\x1A\x1A".to_vec(),
        b"\x1A\x1A\x1A".to_vec(),
        b"{\"records\": []}\n".to_vec(),
        vec![0xC1; 400],
        [
            b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec(),
            rec.clone(),
            b"\n".to_vec(),
        ]
        .concat(),
        rec.clone(),
        [rec.clone(), rec.clone(), b"\x1A".to_vec()].concat(),
        // A line of 0x1A bytes with its terminator after the last record (F-017), after an
        // empty line, with a record after it, on its own.
        [
            rec.clone(),
            b"\n".to_vec(),
            rec.clone(),
            b"\n\x1A\n".to_vec(),
        ]
        .concat(),
        [rec.clone(), b"\r\n\x1A\x1A\r\n".to_vec()].concat(),
        [rec.clone(), b"\n\n\x1A\n".to_vec()].concat(),
        [
            rec.clone(),
            b"\n\x1A\n".to_vec(),
            rec.clone(),
            b"\n".to_vec(),
        ]
        .concat(),
        b"\x1A\n".to_vec(),
        [rec.clone(), b"\n\x1A\n\x1A".to_vec()].concat(),
        [rec.clone(), b"\r\n\x1A\r\n\x1A\x1A\n\n".to_vec()].concat(),
        [rec.clone(), b"\n\x1A\r\x1A\n".to_vec()].concat(),
        [
            rec.clone(),
            b"\r".to_vec(),
            rec.clone(),
            b"\n".to_vec(),
            rec.clone(),
        ]
        .concat(),
        [b"   \n".repeat(30_000), rec.clone()].concat(),
        [b"\n".repeat(70_000), b"{}".to_vec()].concat(),
    ];
    for (i, e) in edges.iter().enumerate() {
        same(&format!("edge {i}"), e, &mut rng);
        same_fix(&format!("edge {i}"), e);
    }
}
