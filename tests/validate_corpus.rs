//! A differential guard for the validator (issue 13, validation at parse speed): every sample
//! and a seeded set of mutated inputs (bytes changed, lines deleted, duplicated, swapped,
//! transplanted from another sample) are checked under several option sets, and the reports
//! are written out in full (`{:#?}`: every field of every finding, in order).
//!
//! * `ACE_PGA_CORPUS_WRITE=DIR cargo test --all-features --test validate_corpus`: writes one
//!   file per input to `DIR` (made with the validator before a change).
//! * `ACE_PGA_CORPUS_COMPARE=DIR ...`: compares the reports of this build with those files
//!   and fails on the first difference (after the change).
//!
//! Without either variable the test checks what holds for any build: each report is the same
//! when made twice, its findings are in report order, and its counts agree with its findings.

mod common;

use std::path::PathBuf;

use ace_pga::validate::{check_bytes, Level, Report, RuleId, TariffFlag, ValidateOptions, RULES};
use ace_pga::{NaiveDate, ParseOptions};

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes a mutation writes: the classes the rules tell apart.
const PALETTE: &[u8] = b"  0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZaz-.*/\\\t\r\x00\xC3\xD1SEPGORAMKG";

fn mutate(base: &[Vec<u8>], others: &[Vec<Vec<u8>>], rng: &mut Lcg) -> Vec<Vec<u8>> {
    let mut lines = base.to_vec();
    let n = 1 + rng.below(3);
    for _ in 0..n {
        if lines.is_empty() {
            break;
        }
        let i = rng.below(lines.len());
        match rng.below(8) {
            0..=2 => {
                // One byte, or a short run, somewhere in the record.
                let len = lines[i].len().max(1);
                let col = rng.below(len);
                let long = rng.below(2) == 1;
                let run = 1 + rng.below(if long { 12 } else { 1 });
                for k in 0..run {
                    let b = PALETTE[rng.below(PALETTE.len())];
                    if let Some(c) = lines[i].get_mut(col + k) {
                        *c = b;
                    }
                }
            }
            3 => {
                // A field blanked.
                let len = lines[i].len();
                let col = rng.below(len.max(1));
                let run = 1 + rng.below(20);
                for c in lines[i].iter_mut().skip(col).take(run) {
                    *c = b' ';
                }
            }
            4 => {
                lines.remove(i);
            }
            5 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            6 => {
                if i + 1 < lines.len() {
                    lines.swap(i, i + 1);
                }
            }
            _ => {
                // A record of another sample inserted here.
                let o = &others[rng.below(others.len())];
                if !o.is_empty() {
                    let l = o[rng.below(o.len())].clone();
                    lines.insert(i, l);
                }
            }
        }
    }
    lines
}

/// HTS numbers of the anchors of an input (`SE60` 5-14, `50` 3-12), for tariff flags.
fn hts_numbers(lines: &[Vec<u8>]) -> Vec<String> {
    let mut v = Vec::new();
    for l in lines {
        let hts = if l.starts_with(b"SE60") {
            l.get(4..14)
        } else if l.starts_with(b"50") {
            l.get(2..12)
        } else {
            None
        };
        if let Some(h) = hts {
            v.push(String::from_utf8_lossy(h).trim().to_string());
        }
    }
    v
}

fn option_sets(lines: &[Vec<u8>]) -> Vec<(&'static str, ParseOptions, ValidateOptions)> {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
    let mut out = Vec::new();
    out.push((
        "default",
        ParseOptions::strict(),
        ValidateOptions::new(d(2026, 3, 16)),
    ));
    let mut all = ValidateOptions::new(d(2024, 6, 1));
    for r in RULES.iter().filter(|r| r.opt_in) {
        all.enable(r.id).expect("rule");
    }
    let mut flags = std::collections::HashMap::new();
    for (k, h) in hts_numbers(lines).into_iter().enumerate() {
        flags.insert(
            h,
            if k % 2 == 0 {
                TariffFlag::Am8
            } else {
                TariffFlag::Am7
            },
        );
    }
    flags.insert("0709200000".to_string(), TariffFlag::Am7);
    all.tariff_flags = Some(flags);
    all.departure_date = Some(d(2024, 1, 1));
    all.importer_certified = Some(false);
    out.push(("opt-in-2024-lenient", ParseOptions::lenient(), all.clone()));
    let mut late = all.clone();
    late.as_of = d(2026, 3, 16);
    late.tariff_flags = Some(std::collections::HashMap::new());
    late.importer_certified = Some(true);
    late.set_level(RuleId::F_005, Level::Warning).expect("rule");
    late.set_level(RuleId::S_020, Level::Error).expect("rule");
    late.set_level(RuleId::OR_013, Level::Off).expect("rule");
    late.set_level(RuleId::F_023, Level::Off).expect("rule");
    late.max_findings = 5;
    out.push(("opt-in-2026-levels-max5", ParseOptions::strict(), late));
    let mut early = ValidateOptions::new(d(2023, 12, 31));
    early.departure_date = Some(d(2030, 1, 1));
    out.push(("early-2023", ParseOptions::lenient(), early));
    out
}

fn join(lines: &[Vec<u8>], seed: u64) -> Vec<u8> {
    // Most inputs LF; some CRLF, some without the final terminator.
    let (term, last): (&[u8], bool) = match seed % 5 {
        0 => (b"\r\n", true),
        1 => (b"\n", false),
        _ => (b"\n", true),
    };
    common::join(lines, term, last)
}

fn describe(report: &Report) -> String {
    format!("{report:#?}\n")
}

/// The corpus: (name, input bytes).
fn corpus() -> Vec<(String, Vec<u8>)> {
    let files = common::sample_files();
    let all: Vec<Vec<Vec<u8>>> = files
        .iter()
        .map(|f| common::lines_of(&std::fs::read(f).expect("sample")))
        .collect();
    let mut out = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("sample")
            .to_string();
        let dir = f
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("");
        out.push((format!("{dir}-{name}"), std::fs::read(f).expect("sample")));
        let mut rng = Lcg(0x5eed_0000 + fi as u64);
        for m in 0..40u64 {
            let lines = mutate(&all[fi], &all, &mut rng);
            out.push((format!("{dir}-{name}-m{m:02}"), join(&lines, m)));
        }
    }
    out
}

#[test]
fn validate_corpus_reports() {
    let write = std::env::var_os("ACE_PGA_CORPUS_WRITE").map(PathBuf::from);
    let compare = std::env::var_os("ACE_PGA_CORPUS_COMPARE").map(PathBuf::from);
    if let Some(dir) = &write {
        std::fs::create_dir_all(dir).expect("corpus dir");
    }
    let mut compared = 0usize;
    let mut findings = 0usize;
    for (name, input) in corpus() {
        let lines = common::lines_of(&input);
        let mut text = String::new();
        for (set, parse, opts) in option_sets(&lines) {
            let report = check_bytes(&input, &parse, &opts);
            let again = check_bytes(&input, &parse, &opts);
            assert_eq!(report, again, "{name} [{set}]: validation is deterministic");
            for w in report.findings.windows(2) {
                assert!(
                    w[0].report_order(&w[1]) != std::cmp::Ordering::Greater,
                    "{name} [{set}]: findings in report order"
                );
            }
            assert_eq!(
                report.by_rule.values().sum::<usize>(),
                report.total(),
                "{name} [{set}]: counts cover every finding"
            );
            findings += report.findings.len();
            text.push_str(&format!("== {set}\n"));
            text.push_str(&describe(&report));
        }
        let file = format!("{name}.txt");
        if let Some(dir) = &write {
            std::fs::write(dir.join(&file), &text).expect("write corpus");
        }
        if let Some(dir) = &compare {
            let want =
                std::fs::read_to_string(dir.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            if want != text {
                let first = want
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!(
                    "{file}: report differs from the corpus at line {}:\n  want: {:?}\n  got:  {:?}",
                    first + 1,
                    want.lines().nth(first),
                    text.lines().nth(first)
                );
            }
            compared += 1;
        }
    }
    assert!(
        findings > 1000,
        "the corpus exercises the rules ({findings} findings)"
    );
    if compare.is_some() {
        assert!(compared > 0);
    }
}
