//! Findings equality against `spec-samples/*/expected/*.findings.json` (spec-samples README,
//! "Findings format" and "Invalid samples"), the metadata every finding carries (SPEC 6:
//! rule-set version, record id, CBP code) and the validation options (severity overrides,
//! opt-in rules, truncation, root cause first).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ace_pga::validate::{
    check_bytes, rule, Finding, Level, Report, ValidateOptions, AMS_RULESET, PGA_RULESET,
};
use ace_pga::RuleId;
use ace_pga::{NaiveDate, ParseOptions, Severity};
use serde_json::Value;

mod common;
use common::line_in;

type Key = (String, Option<u32>, Option<(u8, u8)>);

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    let p = repo(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {s}: {e}"))
}

/// `(NAME, bytes)` of every `dir/*.txt`, sorted by name.
fn samples(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(repo(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "txt").then(|| {
                let name = p.file_stem()?.to_str()?.to_string();
                Some((name, std::fs::read(&p).ok()?))
            })?
        })
        .collect();
    out.sort();
    out
}

fn expected(dir: &str, name: &str) -> Value {
    let text = read(&format!("{dir}/expected/{name}.findings.json"));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{name}.findings.json: {e}"))
}

fn line_of(v: &Value) -> Option<u32> {
    v.as_u64().map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn columns_of(v: &Value) -> Option<(u8, u8)> {
    let a = v.as_array()?;
    let n = |i: usize| {
        a.get(i)
            .and_then(Value::as_u64)
            .and_then(|x| u8::try_from(x).ok())
            .unwrap_or_else(|| panic!("bad columns {v}"))
    };
    Some((n(0), n(1)))
}

fn key(f: &Finding) -> Key {
    (f.rule.to_string(), f.location.line, f.location.columns)
}

fn show(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f| format!("  {f}\n"))
        .collect::<String>()
}

fn parse_mode(mode: &str) -> ParseOptions {
    match mode {
        "strict" => ParseOptions::strict(),
        "lenient" => ParseOptions::lenient(),
        other => panic!("unknown mode {other}"),
    }
}

/// Runs a sample the way its findings file says and checks errors (exact set) and
/// `warnings_include` (subset). Returns a description of the mismatch, if any.
fn check_sample(dir: &str, name: &str, bytes: &[u8], as_of: Option<NaiveDate>) -> Option<String> {
    let exp = expected(dir, name);
    let as_of = as_of.unwrap_or_else(|| date(exp["as_of"].as_str().unwrap_or("")));
    let mode = parse_mode(exp["mode"].as_str().unwrap_or("strict"));
    let report = check_bytes(bytes, &mode, &ValidateOptions::new(as_of));
    let mut problems = Vec::new();
    let want: BTreeSet<Key> = exp["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: errors is not an array"))
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap_or("").to_string(),
                line_of(&e["line"]),
                columns_of(&e["columns"]),
            )
        })
        .collect();
    let got: BTreeSet<Key> = report.errors().map(key).collect();
    if want != got {
        problems.push(format!(
            "errors differ\n  missing: {:?}\n  unexpected: {:?}",
            want.difference(&got).collect::<Vec<_>>(),
            got.difference(&want).collect::<Vec<_>>()
        ));
    }
    for w in exp["warnings_include"].as_array().into_iter().flatten() {
        let rule = w["rule"].as_str().unwrap_or("");
        let line = line_of(&w["line"]);
        let cols = w.get("columns").map(columns_of);
        let found = report.warnings().any(|f| {
            f.rule == rule
                && f.location.line == line
                && cols.is_none_or(|c| f.location.columns == c)
        });
        if !found {
            problems.push(format!("missing warning {w}"));
        }
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{dir}/{name} (as_of {as_of}):\n{}\nreport:\n{}",
            problems.join("\n"),
            show(&report)
        )
    })
}

#[test]
fn invalid_samples_match_expected_findings() {
    let all = samples("spec-samples/invalid");
    assert!(
        all.len() >= 30,
        "expected at least 30 invalid samples, found {}",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|(name, bytes)| check_sample("spec-samples/invalid", name, bytes, None))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_invalid_sample_has_a_findings_file_and_a_fault() {
    for (name, bytes) in samples("spec-samples/invalid") {
        let exp = expected("spec-samples/invalid", &name);
        let errors = exp["errors"].as_array().map_or(0, Vec::len);
        let warnings = exp["warnings_include"].as_array().map_or(0, Vec::len);
        assert!(errors + warnings > 0, "{name}: expects no finding at all");
        assert!(!bytes.is_empty(), "{name} is empty");
    }
}

#[test]
fn valid_samples_have_no_errors_on_any_as_of_from_2026_02_06() {
    let all = samples("spec-samples/valid");
    assert!(all.len() >= 10, "expected the 10 valid samples");
    let mut failures = Vec::new();
    for (name, bytes) in &all {
        for d in ["2026-02-06", "2026-03-16", "2027-01-01"] {
            if let Some(f) = check_sample("spec-samples/valid", name, bytes, Some(date(d))) {
                failures.push(f);
            }
        }
        // The file's own as_of too.
        if let Some(f) = check_sample("spec-samples/valid", name, bytes, None) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// What a finding carries.

fn sample(rel: &str) -> Vec<u8> {
    read(&format!("spec-samples/{rel}.txt"))
}

fn run(bytes: &[u8], opts: &ValidateOptions) -> Report {
    check_bytes(bytes, &ParseOptions::strict(), opts)
}

fn at(as_of: &str) -> ValidateOptions {
    ValidateOptions::new(date(as_of))
}

/// A 1-based line as a finding's `line`.
fn at_line(line: usize) -> Option<u32> {
    Some(u32::try_from(line).expect("line"))
}

fn one<'r>(r: &'r Report, rule: &str) -> &'r Finding {
    let v: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(v.len(), 1, "expected exactly one {rule}:\n{}", show(r));
    v[0]
}

#[test]
fn findings_carry_ruleset_record_and_cbp_code() {
    // S-001 → P01, at the PG01, pga-2026-07.
    let b = sample("invalid/pg01-without-oi");
    let r = run(&b, &at("2026-03-16"));
    let f = one(&r, "S-001");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.ruleset, PGA_RULESET);
    assert_eq!(f.ruleset, "pga-2026-07");
    assert_eq!(f.location.record.as_deref(), Some("PG01"));
    assert_eq!(f.location.line, at_line(line_in(&b, "PG01")));
    assert_eq!(f.location.columns, None);
    assert_eq!(f.cbp_code, Some("P01"));
    assert!(!f.message.is_empty());

    // S-006 → P33 at the PG20.
    let r = run(&sample("invalid/pg20-without-pg19"), &at("2026-03-16"));
    let f = one(&r, "S-006");
    assert_eq!(
        (f.ruleset, f.location.record.as_deref(), f.cbp_code),
        (PGA_RULESET, Some("PG20"), Some("P33"))
    );

    // An OR rule: ams-2025-07, record PG14, no CBP code.
    let b = sample("invalid/or2-draft-suffix");
    let r = run(&b, &at("2026-03-16"));
    let f = one(&r, "OR-003");
    assert_eq!(f.ruleset, AMS_RULESET);
    assert_eq!(f.ruleset, "ams-2025-07");
    assert_eq!(f.location.record.as_deref(), Some("PG14"));
    assert_eq!(
        (f.location.line, f.location.columns),
        (at_line(line_in(&b, "PG14")), Some((9, 41)))
    );
    assert_eq!(f.cbp_code, None);

    // OR-013 carries the catalogue's P46 when a role is missing.
    let r = run(&sample("invalid/or1-missing-orc"), &at("2026-03-16"));
    let f = one(&r, "OR-013");
    assert_eq!(
        (f.ruleset, f.location.record.as_deref(), f.cbp_code),
        (AMS_RULESET, Some("PG01"), Some("P46"))
    );

    // An envelope rule: E-005 on the Y, no CBP code.
    let r = run(&sample("invalid/y-differs-from-b"), &at("2026-03-16"));
    let f = one(&r, "E-005");
    assert_eq!(
        (f.ruleset, f.location.record.as_deref(), f.cbp_code),
        (PGA_RULESET, Some("Y"), None)
    );

    // A byte rule: F-005 on the OI.
    let r = run(&sample("invalid/lowercase-letters"), &at("2026-03-16"));
    assert!(r
        .findings
        .iter()
        .filter(|f| f.rule == "F-005")
        .all(|f| f.ruleset == PGA_RULESET && f.location.record.as_deref() == Some("OI")));

    // OR-017 names the AMS disclaimer rule set in force (2025-07 rules).
    let r = run(&sample("invalid/ams-disclaimer-b"), &at("2026-03-16"));
    assert_eq!(one(&r, "OR-017").ruleset, AMS_RULESET);

    // Every finding's CBP code is the catalogue's, when the catalogue has one, and its
    // rule set is the family's (OR-017 may name an older AMS rule set).
    for name in [
        "pg01-without-oi",
        "pg20-without-pg19",
        "record-after-disclaimer",
    ] {
        let r = run(&sample(&format!("invalid/{name}")), &at("2026-03-16"));
        for f in &r.findings {
            let cat = rule(f.rule).unwrap_or_else(|| panic!("{} not in RULES", f.rule));
            if f.rule != "F-011" && f.rule != "F-012" {
                assert_eq!(f.cbp_code, cat.cbp_code, "{f}");
            }
            if f.rule.as_str().starts_with("OR-") {
                assert!(f.ruleset.starts_with("ams-"), "{f}");
            } else {
                assert_eq!(f.ruleset, PGA_RULESET, "{f}");
            }
        }
    }
    // S-012 → P32.
    let r = run(
        &sample("invalid/record-after-disclaimer"),
        &at("2026-03-16"),
    );
    assert_eq!(one(&r, "S-012").cbp_code, Some("P32"));
}

#[test]
fn whole_input_findings_have_no_line() {
    let r = run(b"", &at("2026-03-16"));
    let f = one(&r, "F-020");
    assert_eq!(
        (f.location.line, f.location.columns, f.severity),
        (None, None, Severity::Error)
    );
    assert_eq!(f.ruleset, PGA_RULESET);
}

// ---------------------------------------------------------------------------------------
// Options.

#[test]
fn severity_override_raises_or012_to_error() {
    // or2-single with PG29 unit LB (columns 5-7).
    let mut b = sample("valid/or2-single");
    let pg29 = line_in(&b, "PG29");
    let pos = (pg29 - 1) * 81 + 4;
    b[pos..pos + 3].copy_from_slice(b"LB ");
    let r = run(&b, &at("2026-03-16"));
    let f = one(&r, "OR-012");
    assert_eq!(
        (f.severity, f.location.line, f.location.columns),
        (Severity::Warning, at_line(pg29), Some((5, 7)))
    );
    assert!(!r.has_errors(), "{}", show(&r));

    let mut opts = at("2026-03-16");
    opts.set_level(RuleId::OR_012, Level::Error)
        .expect("a rule");
    let r = run(&b, &opts);
    let f = one(&r, "OR-012");
    assert_eq!(f.severity, Severity::Error);
    assert!(r.has_errors());
    assert_eq!(r.errors().count(), 1, "{}", show(&r));

    opts.set_level(RuleId::OR_012, Level::Off).expect("a rule");
    let r = run(&b, &opts);
    assert!(r.findings.iter().all(|f| f.rule != "OR-012"));
}

#[test]
fn severity_off_or001_makes_bad_format_sample_clean() {
    let b = sample("invalid/or2-nopic-bad-format");
    let r = run(&b, &at("2026-03-16"));
    assert_eq!(one(&r, "OR-001").severity, Severity::Error);
    let mut opts = at("2026-03-16");
    opts.set_level(RuleId::OR_001, Level::Off).expect("a rule");
    let r = run(&b, &opts);
    assert!(!r.has_errors(), "{}", show(&r));
    assert!(r.findings.iter().all(|f| f.rule != "OR-001"));
    // Lowering to a warning keeps the finding with its anchor.
    opts.set_level(RuleId::OR_001, Level::Warning)
        .expect("a rule");
    let r = run(&b, &opts);
    let f = one(&r, "OR-001");
    assert_eq!(
        (f.severity, f.location.line, f.location.columns),
        (
            Severity::Warning,
            at_line(line_in(&b, "PG14")),
            Some((9, 41))
        )
    );
    assert!(!r.has_errors());
}

#[test]
fn severity_override_raises_f019_to_error() {
    let b = sample("invalid/mixed-terminators");
    // The first line whose terminator is CRLF in an LF file.
    let crlf_line = b
        .split(|&c| c == b'\n')
        .position(|l| l.ends_with(b"\r"))
        .expect("a CRLF line")
        + 1;
    let r = run(&b, &at("2026-03-16"));
    assert_eq!(one(&r, "F-019").severity, Severity::Warning);
    assert!(!r.has_errors(), "{}", show(&r));
    let mut opts = at("2026-03-16");
    opts.set_level(RuleId::F_019, Level::Error).expect("a rule");
    let r = run(&b, &opts);
    let f = one(&r, "F-019");
    assert_eq!(
        (f.severity, f.location.line, f.location.columns),
        (Severity::Error, at_line(crlf_line), None)
    );
}

#[test]
fn opt_in_rules_are_off_by_default() {
    let b = sample("valid/or1-full");
    let r = run(&b, &at("2026-03-16"));
    for id in [
        "S-019", "OR-006", "OR-008", "OR-009", "OR-020", "OR-021", "OR-024", "OR-029", "OR-033",
    ] {
        let cat = rule(id).unwrap_or_else(|| panic!("{id} not in RULES"));
        assert!(cat.opt_in, "{id} should be opt-in");
        assert!(
            r.findings.iter().all(|f| f.rule != id),
            "{id} fired by default"
        );
    }
    // OR-006 on request: a warning at PG01 processing code (14-16).
    let mut opts = at("2026-03-16");
    opts.enable(RuleId::OR_006).expect("a rule");
    let r = run(&b, &opts);
    let f = one(&r, "OR-006");
    assert_eq!(
        (f.severity, f.location.line, f.location.columns, f.ruleset),
        (
            Severity::Warning,
            at_line(line_in(&b, "PG01")),
            Some((14, 16)),
            AMS_RULESET
        )
    );
    assert!(!r.has_errors(), "{}", show(&r));
    // An explicit severity also turns an opt-in rule on.
    let mut opts = at("2026-03-16");
    opts.set_level(RuleId::OR_006, Level::Error)
        .expect("a rule");
    let r = run(&b, &opts);
    assert_eq!(one(&r, "OR-006").severity, Severity::Error);
    // ... and Off wins over enable.
    let mut opts = at("2026-03-16");
    opts.enable(RuleId::OR_006).expect("a rule");
    opts.set_level(RuleId::OR_006, Level::Off).expect("a rule");
    let r = run(&b, &opts);
    assert!(r.findings.iter().all(|f| f.rule != "OR-006"));
}

#[test]
fn max_findings_truncates_and_counts_the_rest() {
    // lowercase-letters has two F-005 findings; or2-draft-lowercase has six errors.
    let b = sample("invalid/or2-draft-lowercase");
    let full = run(&b, &at("2026-03-16"));
    let n = full.findings.len();
    assert!(n >= 6, "{}", show(&full));
    assert_eq!(full.truncated, 0);
    let mut opts = at("2026-03-16");
    opts.max_findings = 2;
    let r = run(&b, &opts);
    assert_eq!(r.findings.len(), 2);
    assert_eq!(r.truncated, n - 2);
    assert_eq!(r.findings[..], full.findings[..2]);
    opts.max_findings = 0;
    let r = run(&b, &opts);
    assert!(r.findings.is_empty());
    assert_eq!(r.truncated, n);
    opts.max_findings = n;
    let r = run(&b, &opts);
    assert_eq!((r.findings.len(), r.truncated), (n, 0));
}

/// An OR1 line whose certificate is an electronic NOP-IC: OR-004 names the root cause (the
/// processing code) and the OR1 content rules OR-013, OR-015 and OR-032 stay silent on the
/// line (SPEC 6.0, revision 6.1), also before 2026-02-06 when OR-004 is a warning.
#[test]
fn or004_is_reported_alone_for_an_or1_line_with_a_nop_ic() {
    let base = sample("invalid/or1-missing-orc");
    let text = String::from_utf8(base.clone()).unwrap_or_default();
    let old = "COOP-K9C-2026-000417";
    let new = "417-2093856104-557321";
    assert_eq!(text.matches(old).count(), 1);
    // Same field (lpco_number 9-41), left-justified; keep 80 bytes per record.
    let line = text
        .lines()
        .find(|l| l.starts_with("PG14"))
        .unwrap_or_default();
    let new_line = format!("{}{:<33}{}", &line[..8], new, &line[41..]);
    assert_eq!(new_line.len(), 80);
    let b = text.replace(line, &new_line).into_bytes();
    assert_eq!(b.len(), base.len());
    let pg01 = text
        .lines()
        .position(|l| l.starts_with("PG01"))
        .map(|i| i as u32 + 1);

    // Without the NOP-IC the sample misses its ORC loop: OR-013 fires.
    let before = run(&base, &at("2026-03-16"));
    assert!(
        before.findings.iter().any(|f| f.rule == "OR-013"),
        "{}",
        show(&before)
    );

    for (as_of, sev) in [
        ("2026-03-16", Severity::Error),
        ("2026-02-05", Severity::Warning),
    ] {
        let r = run(&b, &at(as_of));
        let or004: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "OR-004").collect();
        assert_eq!(or004.len(), 1, "{as_of}:\n{}", show(&r));
        assert_eq!(
            (
                or004[0].severity,
                or004[0].location.line,
                or004[0].location.columns
            ),
            (sev, pg01, Some((14, 16)))
        );
        let silenced: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| matches!(f.rule.as_str(), "OR-013" | "OR-015" | "OR-032"))
            .collect();
        assert!(silenced.is_empty(), "{as_of}:\n{}", show(&r));
    }
    // With OR-004 switched off it does not fire, and the OR1 content rules speak again.
    let mut opts = at("2026-03-16");
    opts.set_level(RuleId::OR_004, Level::Off).expect("a rule");
    let r = run(&b, &opts);
    assert!(r.findings.iter().all(|f| f.rule != "OR-004"));
    assert!(
        r.findings.iter().any(|f| f.rule == "OR-013"),
        "{}",
        show(&r)
    );
}

#[test]
fn report_helpers_agree_with_findings() {
    let r = run(&sample("invalid/or2-draft-lowercase"), &at("2026-03-16"));
    let e = r.errors().count();
    let w = r.warnings().count();
    assert_eq!(e + w, r.findings.len());
    assert_eq!(r.has_errors(), e > 0);
    // Findings are in line order.
    let lines: Vec<u32> = r
        .findings
        .iter()
        .map(|f| f.location.line.unwrap_or(0))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
}

#[test]
fn finding_display_does_not_repeat_prefix_or_cbp_code() {
    let inputs: Vec<Vec<u8>> = vec![
        {
            let mut b = sample("valid/or2-single");
            b.push(0x1A);
            b
        },
        sample("invalid/mixed-terminators"),
        sample("invalid/unknown-pg99"),
        sample("invalid/pg01-without-oi"),
        sample("invalid/pg20-without-pg19"),
        sample("invalid/record-after-disclaimer"),
    ];
    let mut bad = Vec::new();
    for b in &inputs {
        let r = run(b, &at("2026-03-16"));
        for f in &r.findings {
            let shown = f.to_string();
            let prefix = format!("[{}]", f.rule);
            let repeated_prefix = shown.matches(&prefix).count() > 1;
            let repeated_cbp = f
                .cbp_code
                .is_some_and(|c| shown.matches(&format!("(CBP {c})")).count() > 1);
            if repeated_prefix || repeated_cbp {
                bad.push(shown);
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
