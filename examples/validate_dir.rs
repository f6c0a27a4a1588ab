//! Walk a directory of transmissions, validate each file (SPEC 6) and print a summary table:
//! records, PGA lines, certificates, errors and warnings per file, then the errors and
//! warnings by rule.
//!
//! ```sh
//! cargo run --example validate_dir -- spec-samples/valid
//! cargo run --example validate_dir -- spec-samples/invalid --as-of 2026-03-16
//! ```
//!
//! Every file ending in `.txt` under the directory (recursively) is read. The exit status is
//! 1 when any file has an error-severity finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::records::Body;
use ace_pga::validate::{self, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, Severity, Transmission};

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

fn today() -> NaiveDate {
    ace_pga::validate::today_utc()
}

#[derive(Default)]
struct Row {
    records: usize,
    pga_lines: usize,
    certificates: usize,
    errors: usize,
    warnings: usize,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut as_of = None;
    while let Some(a) = args.next() {
        if a == "--as-of" {
            let Some(d) = args
                .next()
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            else {
                eprintln!("validate_dir: --as-of needs a date YYYY-MM-DD");
                return ExitCode::from(2);
            };
            as_of = Some(d);
        } else {
            dir = Some(PathBuf::from(a));
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: validate_dir DIR [--as-of YYYY-MM-DD]");
        return ExitCode::from(2);
    };
    let as_of = as_of.unwrap_or_else(today);
    let mut paths = Vec::new();
    if let Err(e) = files(&dir, &mut paths) {
        eprintln!("validate_dir: {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    paths.sort();

    let opts = ValidateOptions::new(as_of);
    let mut rows: Vec<(String, Row)> = Vec::new();
    let mut by_rule: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for path in &paths {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let input = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("validate_dir: {name}: {e}");
                continue;
            }
        };
        let mut row = Row::default();
        let report = validate::check_bytes(&input, &ParseOptions::strict(), &opts);
        for f in &report.findings {
            *by_rule.entry((f.rule.as_str(), f.severity)).or_default() += 1;
        }
        row.errors = report.errors().count();
        row.warnings = report.warnings().count();
        // Counts from a permissive parse (the tree exists even when there are errors).
        if let Ok(t) = Transmission::parse_with(&input, &ParseOptions::lenient()) {
            row.records = t.records().count();
            let lines: Vec<_> = t.tree().pga_lines().collect();
            row.pga_lines = lines.len();
            row.certificates = lines
                .iter()
                .map(|l| match OrganicLine::from_line(l) {
                    Some(o) => o.certificates.len(),
                    None => l
                        .child_records()
                        .iter()
                        .filter(|r| matches!(r.body(), Some(Body::Pg14(_))))
                        .count(),
                })
                .sum();
        }
        rows.push((name, row));
    }

    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(4).max(4);
    println!(
        "{:<width$}  {:>7}  {:>9}  {:>12}  {:>6}  {:>8}",
        "file", "records", "PGA lines", "certificates", "errors", "warnings"
    );
    println!("{}", "-".repeat(width + 54));
    let mut total = Row::default();
    for (name, r) in &rows {
        println!(
            "{name:<width$}  {:>7}  {:>9}  {:>12}  {:>6}  {:>8}",
            r.records, r.pga_lines, r.certificates, r.errors, r.warnings
        );
        total.records += r.records;
        total.pga_lines += r.pga_lines;
        total.certificates += r.certificates;
        total.errors += r.errors;
        total.warnings += r.warnings;
    }
    println!("{}", "-".repeat(width + 54));
    println!(
        "{:<width$}  {:>7}  {:>9}  {:>12}  {:>6}  {:>8}",
        format!("{} file(s)", rows.len()),
        total.records,
        total.pga_lines,
        total.certificates,
        total.errors,
        total.warnings
    );
    println!();
    println!("findings by rule (as of {as_of}):");
    if by_rule.is_empty() {
        println!("  none");
    }
    for ((rule, severity), n) in &by_rule {
        let sev = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = validate::rule(rule).map_or("", |r| r.title);
        println!("  {rule:<7} {sev:<8} {n:>4}  {title}");
    }
    if total.errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
