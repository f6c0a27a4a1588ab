//! The opt-in normaliser (SPEC 2.3) and `fix`: normalisable faults leave no error finding
//! after normalisation, every change is reported, and the parser itself changes nothing.

use ace_pga::normalize::{normalize, ChangeKind, NormalizeOptions};
use ace_pga::validate::{check_bytes, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, Transmission};

mod common;

fn invalid(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/spec-samples/invalid/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("sample")
}

fn errors(data: &[u8]) -> Vec<(&'static str, Option<u32>)> {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
    let report = check_bytes(data, &ParseOptions::strict(), &ValidateOptions::new(as_of));
    report.errors().map(|f| (f.rule, f.line)).collect()
}

#[test]
fn normalisable_samples_have_no_error_after_fix() {
    // (sample, rule before, change kind, record of the first change, column)
    let cases = [
        (
            "lowercase-letters",
            "F-005",
            ChangeKind::UpperCase,
            "OI",
            44,
        ),
        (
            "iso-8859-1-byte",
            "F-002",
            ChangeKind::Transliterate,
            "OI",
            49,
        ),
        ("tab-character", "F-003", ChangeKind::Tab, "OI", 18),
        ("short-line-strict", "F-001", ChangeKind::Pad, "SE40", 32),
    ];
    for (name, rule, kind, record, column) in cases {
        let data = invalid(name);
        let line = u32::try_from(common::line_in(&data, record)).expect("line");
        assert!(
            errors(&data).iter().any(|(r, _)| *r == rule),
            "{name}: {rule} expected before fixing"
        );
        let (fixed, changes) = normalize(&data, &NormalizeOptions::default());
        assert_eq!(errors(&fixed), vec![], "{name}: errors left after fix");
        let first = changes
            .first()
            .unwrap_or_else(|| panic!("{name}: no change reported"));
        assert_eq!(
            (first.kind, first.line, first.column),
            (kind, line, column),
            "{name}: {first}"
        );
        // Every record is 80 bytes after the fix, and nothing but the reported bytes changed.
        let t = Transmission::parse(&fixed).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.records().iter().all(|r| r.raw.len() == 80));
        assert_eq!(
            t.records().len(),
            data.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
        );
    }
}

#[test]
fn normaliser_reports_before_and_after() {
    let (fixed, changes) = normalize(&invalid("lowercase-letters"), &NormalizeOptions::default());
    let pairs: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(pairs, vec![("k", "K"), ("g", "G")]);
    assert!(fixed.windows(4).any(|w| w == b"4KG "));
}

#[test]
fn normaliser_changes_nothing_on_valid_input_and_keeps_terminators() {
    for name in ["or2-single", "or2-crlf", "or1-full", "every-record"] {
        let path = format!(
            "{}/spec-samples/valid/{name}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let data = std::fs::read(path).expect("sample");
        let (fixed, changes) = normalize(&data, &NormalizeOptions::default());
        assert!(changes.is_empty(), "{name}: {changes:?}");
        assert_eq!(fixed, data, "{name}");
    }
}

#[test]
fn options_switch_each_change_off() {
    let data = invalid("lowercase-letters");
    let mut opts = NormalizeOptions::default();
    opts.upper_case = false;
    let (fixed, changes) = normalize(&data, &opts);
    assert!(changes.is_empty());
    assert_eq!(fixed, data);
}

#[test]
fn byte_order_mark_is_stripped_and_reported() {
    let mut data = b"\xEF\xBB\xBF".to_vec();
    data.extend(
        std::fs::read(format!(
            "{}/spec-samples/valid/or2-single.txt",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("sample"),
    );
    let (fixed, changes) = normalize(&data, &NormalizeOptions::default());
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, ChangeKind::ByteOrderMark);
    assert_eq!(&fixed[..], &data[3..]);
}

#[test]
fn parser_never_changes_a_byte() {
    for name in [
        "lowercase-letters",
        "iso-8859-1-byte",
        "tab-character",
        "short-line-strict",
    ] {
        let data = invalid(name);
        let t =
            Transmission::parse_with(&data, &ParseOptions::strict()).expect("parses with problems");
        assert_eq!(t.to_bytes(), data, "{name}");
    }
}

fn or2_single() -> Vec<u8> {
    std::fs::read(format!(
        "{}/spec-samples/valid/or2-single.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("sample")
}

/// A DOS end-of-file byte after the last record is removed and reported, not padded into a
/// record (it used to become an 80-byte record of its own: F-003 and E-001 after `fix`).
#[test]
fn trailing_eof_is_stripped_not_padded() {
    let clean = or2_single();
    let mut data = clean.clone();
    data.extend_from_slice(b"\x1a\x1a");
    let (fixed, changes) = normalize(&data, &NormalizeOptions::default());
    assert_eq!(fixed, clean);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, ChangeKind::TrailingEof);
    // The line after the last record.
    let after_last = common::lines_of(&clean).len() + 1;
    assert_eq!(changes[0].line, u32::try_from(after_last).expect("line"));
    assert!(errors(&fixed).is_empty(), "{:?}", errors(&fixed));
    let mut opts = NormalizeOptions::default();
    opts.strip_trailing_eof = false;
    let (kept, changes) = normalize(&data, &opts);
    assert_eq!(kept, data, "left alone when switched off");
    assert!(changes.is_empty());
}

/// Spaces after column 80 (F-001) are trimmed and reported; other bytes there are not.
#[test]
fn spaces_after_column_80_are_trimmed() {
    let clean = or2_single();
    let text = String::from_utf8(clean.clone()).expect("ascii");
    let padded: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 2 {
                l.replace('\n', "    \n")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(!errors(padded.as_bytes()).is_empty(), "84 bytes is F-001");
    let (fixed, changes) = normalize(padded.as_bytes(), &NormalizeOptions::default());
    assert_eq!(fixed, clean);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, ChangeKind::TrimSpaces);
    assert_eq!((changes[0].line, changes[0].column), (3, 81));
    let extra = text.replacen('\n', "   X\n", 1);
    let (kept, changes) = normalize(extra.as_bytes(), &NormalizeOptions::default());
    assert_eq!(
        kept,
        extra.as_bytes(),
        "data after column 80 is not trimmed"
    );
    assert!(changes.is_empty());
}
