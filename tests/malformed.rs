//! Malformed input: typed errors naming line, record id and byte columns, never a panic.
//! Inputs are built at test time from `spec-samples/valid/or2-single.txt` by editing bytes.
//!
//! or2-single's records: A, B, SE10, SE13, SE15, SE40, SE60, OI, PG01, PG02, PG14, PG25, PG25,
//! PG29, Y, Z. The tests locate a record by its id at run time ([`ln`]), never by a fixed
//! line number.

mod common;

use ace_pga::error::{FieldError, FieldErrorKind};
use ace_pga::{ParseOptions, Problem, ProblemKind, RecordType, Severity, Terminator, Transmission};
use common::{
    assert_display_names_position, errors, join, or2_lines, or2_single, record80, set_byte,
    set_bytes, with_rule,
};
use proptest::prelude::*;

const IDS: [&str; 16] = [
    "A", "B", "SE10", "SE13", "SE15", "SE40", "SE60", "OI", "PG01", "PG02", "PG14", "PG25", "PG25",
    "PG29", "Y", "Z",
];

/// The 1-based line of or2-single's first record `id`, located at run time.
fn ln(id: &str) -> usize {
    common::line_of(&or2_lines(), id)
}

/// The 1-based line of or2-single's `n`-th (1-based) record `id`.
fn ln_nth(id: &str, n: usize) -> usize {
    common::nth_line_of(&or2_lines(), id, n)
}

/// A 1-based line as a problem's `line`.
fn at(line: usize) -> Option<u32> {
    Some(u32::try_from(line).expect("line"))
}

fn strict() -> ParseOptions {
    ParseOptions::strict()
}

fn lenient() -> ParseOptions {
    ParseOptions::lenient()
}

/// The OI body's commercial description (the record keeps a partial body when a field is bad).
fn oi_description<'a>(r: &ace_pga::Record<'a>) -> Option<&'a str> {
    match r.body() {
        Some(ace_pga::Body::Oi(b)) => b.commercial_description,
        other => panic!("OI body expected, got {other:?}"),
    }
}

fn ids(tx: &Transmission<'_>) -> Vec<String> {
    tx.records().map(|r| r.id().to_string()).collect()
}

/// The single problem of `rule` in `problems`.
#[track_caller]
fn only<'p>(problems: &'p [Problem], rule: &str) -> &'p Problem {
    let v = with_rule(problems, rule);
    assert_eq!(v.len(), 1, "expected one {rule} problem, got {problems:#?}");
    v[0]
}

#[track_caller]
fn strict_err(input: &[u8]) -> Vec<Problem> {
    let e = Transmission::parse(input).expect_err("strict parse must fail");
    assert!(!e.problems.is_empty());
    assert!(
        e.problems.iter().all(|p| p.severity == Severity::Error),
        "ParseError carries only errors: {:#?}",
        e.problems
    );
    assert_eq!(e.first(), e.problems.first());
    for p in &e.problems {
        assert_display_names_position(p);
    }
    // The error's Display is its first problem's.
    let first = e.problems[0].to_string();
    assert!(e.to_string().starts_with(&first));
    e.problems
}

#[track_caller]
fn parse_ok<'a>(input: &'a [u8], opts: &ParseOptions) -> Transmission<'a> {
    let tx = Transmission::parse_with(input, opts)
        .unwrap_or_else(|e| panic!("parse_with must return the tree: {e}"));
    for p in tx.problems() {
        assert_display_names_position(p);
    }
    tx
}

// ---------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------

#[test]
fn or2_single_parses_clean_and_round_trips() {
    let input = or2_single();
    let tx = Transmission::parse(&input).expect("or2-single is valid");
    assert!(tx.problems().is_empty(), "{:#?}", tx.problems());
    assert_eq!(ids(&tx), IDS);
    assert_eq!(tx.to_bytes(), input);
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1);
    let child: Vec<&str> = lines[0].child_records().iter().map(|r| r.id()).collect();
    assert_eq!(child, ["PG02", "PG14", "PG25", "PG25", "PG29"]);
}

// ---------------------------------------------------------------------------------------
// F-001 record length
// ---------------------------------------------------------------------------------------

#[test]
fn short_line_strict_error_lenient_padded() {
    let original = or2_single();
    let mut lines = or2_lines();
    let pg01 = ln("PG01");
    lines[pg01 - 1].pop(); // PG01: 79 bytes
    let input = join(&lines, b"\n", true);

    let problems = strict_err(&input);
    let p = only(&problems, "F-001");
    assert_eq!(
        p.kind,
        ProblemKind::RecordLength {
            len: 79,
            extra_is_space: false
        }
    );
    assert_eq!(p.location.line, at(pg01));
    assert_eq!(p.location.record.as_deref(), Some("PG01"));
    assert_eq!(p.location.columns, None);
    assert_eq!(p.location.offset, (pg01 - 1) * 81);
    assert!(p.to_string().contains("79 bytes, expected 80"), "{p}");
    // The problem says what to do, in the words of `check`'s finding (every command prints
    // the same message).
    assert!(
        p.to_string()
            .ends_with("record is 79 bytes, expected 80: if only trailing spaces were trimmed, pad the line with spaces to 80 bytes (`ace-pga fix` does); if data is missing, restore the line from its source"),
        "{p}"
    );
    let tx = parse_ok(&input, &strict());
    let report = ace_pga::validate::validate(
        &tx,
        &ace_pga::validate::ValidateOptions::new(
            ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"),
        ),
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "F-001")
        .expect("F-001 finding");
    // `check`'s finding and the problem `dump`/`decode` print say the same.
    assert_eq!(finding.message, p.kind.to_string());
    // Nothing else is wrong with the file (no finding about the missing bytes, SPEC 6.0).
    assert_eq!(problems.len(), 1, "{problems:#?}");

    // Strict parse_with keeps the short record identified and in place, and never repairs.
    let tx = parse_ok(&input, &strict());
    assert_eq!(ids(&tx), IDS);
    let rec = tx.records().nth(pg01 - 1).expect("record");
    assert_eq!(rec.raw().len(), 79);
    assert_eq!(rec.record_type(), RecordType::Pg01);
    assert_eq!(tx.to_bytes(), input);

    // Lenient: a warning, and the record is written back padded to 80 bytes.
    let tx = parse_ok(&input, &lenient());
    let p = only(tx.problems(), "F-001");
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(pg01), Some("PG01"))
    );
    assert!(errors(tx.problems()).is_empty(), "{:#?}", tx.problems());
    assert_eq!(tx.to_bytes(), original);
    // The parsed values equal those of the untrimmed file.
    let orig = Transmission::parse(&original).expect("valid");
    assert_eq!(
        tx.records().nth(pg01 - 1).expect("record").body(),
        orig.records().nth(pg01 - 1).expect("record").body()
    );
    assert!(tx.records().nth(pg01 - 1).expect("record").body().is_some());
    assert!(tx.clone().into_result().is_ok());
}

#[test]
fn every_line_trimmed_lenient_equals_untrimmed() {
    // An editor that strips trailing spaces: one warning per trimmed line, values unchanged,
    // no short line absorbs the next.
    let original = or2_single();
    let lines: Vec<Vec<u8>> = or2_lines()
        .into_iter()
        .map(|mut l| {
            while l.last() == Some(&b' ') {
                l.pop();
            }
            l
        })
        .collect();
    let trimmed = lines.iter().filter(|l| l.len() < 80).count();
    assert!(trimmed >= 12);
    for term in [&b"\n"[..], b"\r\n", b"\r"] {
        let input = join(&lines, term, true);
        let problems = strict_err(&input);
        assert_eq!(with_rule(&problems, "F-001").len(), trimmed);
        let tx = parse_ok(&input, &lenient());
        let orig = Transmission::parse(&original).expect("valid");
        assert_eq!(ids(&tx), IDS);
        let f001 = with_rule(tx.problems(), "F-001");
        assert_eq!(f001.len(), trimmed, "one warning per short line");
        assert!(f001.iter().all(|p| p.severity == Severity::Warning));
        assert!(errors(tx.problems()).is_empty(), "{:#?}", tx.problems());
        for (a, b) in tx.records().zip(orig.records()) {
            assert_eq!(a.body(), b.body(), "line {}", a.line());
            assert_eq!(a.line(), b.line());
        }
        let expected = join(&or2_lines(), term, true);
        assert_eq!(tx.to_bytes(), expected);
    }
}

#[test]
fn long_lines() {
    let original = or2_single();
    let pg29 = ln("PG29");
    // Spaces beyond column 80: strict error, lenient warning and dropped.
    let mut lines = or2_lines();
    lines[pg29 - 1].extend_from_slice(b"   ");
    let input = join(&lines, b"\n", true);
    let problems = strict_err(&input);
    let p = only(&problems, "F-001");
    assert_eq!(
        p.kind,
        ProblemKind::RecordLength {
            len: 83,
            extra_is_space: true
        }
    );
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(pg29), Some("PG29"))
    );
    let tx = parse_ok(&input, &lenient());
    assert_eq!(only(tx.problems(), "F-001").severity, Severity::Warning);
    assert_eq!(tx.to_bytes(), original);

    // Data beyond column 80: an error in both modes; the bytes are kept.
    let mut lines = or2_lines();
    lines[pg29 - 1].extend_from_slice(b"  X");
    let input = join(&lines, b"\n", true);
    for opts in [strict(), lenient()] {
        let tx = parse_ok(&input, &opts);
        let p = only(tx.problems(), "F-001");
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(
            p.kind,
            ProblemKind::RecordLength {
                len: 83,
                extra_is_space: false
            }
        );
        assert_eq!(
            (p.location.line, p.location.record.as_deref()),
            (at(pg29), Some("PG29"))
        );
        assert!(tx.clone().into_result().is_err());
        assert_eq!(ids(&tx), IDS, "a long line does not split into two records");
    }
    assert_eq!(parse_ok(&input, &strict()).to_bytes(), input);
}

#[test]
fn multi_byte_character_is_long_record_and_non_ascii() {
    // SPEC 2.1: a multi-byte character makes the record longer than 80 bytes (F-001) and its
    // field is not returned as a valid value (F-002).
    let mut lines = or2_lines();
    let oi = ln("OI");
    // OI column 30 ('N' of "KENT"? whatever is there) becomes U+00D1 (C3 91).
    lines[oi - 1].splice(29..30, "\u{d1}".bytes());
    assert_eq!(lines[oi - 1].len(), 81);
    let input = join(&lines, b"\n", true);
    let problems = strict_err(&input);
    let p = only(&problems, "F-001");
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(oi), Some("OI"))
    );
    let p = only(&problems, "F-002");
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(oi), Some("OI"))
    );
    assert_eq!(p.location.columns, Some((30, 30)));
    let tx = parse_ok(&input, &strict());
    // The bad field is not returned as a value.
    assert_eq!(
        oi_description(tx.records().nth(oi - 1).expect("record")),
        None
    );
    assert!(tx
        .records()
        .nth(oi - 1)
        .expect("record")
        .field_error()
        .is_some());
    assert_eq!(tx.to_bytes(), input);
}

// ---------------------------------------------------------------------------------------
// F-015 unknown record
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_pg99_is_kept_in_place() {
    let mut lines = or2_lines();
    let first_pg25 = ln("PG25");
    lines[first_pg25 - 1] = record80(b"PG99NEWER CHAPTER DATA 0001");
    let input = join(&lines, b"\n", true);

    // F-015 is a warning: strict parse succeeds.
    let tx = Transmission::parse(&input).expect("unknown record is only a warning");
    let p = only(tx.problems(), "F-015");
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.location.line, at(first_pg25));
    assert_eq!(p.location.record.as_deref(), Some("PG99"));
    assert_eq!(p.location.columns, None);
    assert_eq!(p.kind, ProblemKind::UnknownRecord { resembles: None });
    assert_eq!(p.location.offset, (first_pg25 - 1) * 81);
    assert_eq!(tx.problems().len(), 1);

    let rec = tx.records().nth(first_pg25 - 1).expect("record");
    assert_eq!(rec.record_type(), RecordType::UnknownPg);
    assert_eq!(rec.id(), "PG99");
    assert_eq!(rec.raw(), &lines[first_pg25 - 1][..]);
    assert!(rec.body().is_none() && rec.field_error().is_none());

    // Still inside the PGA line, and the PG25/PG29 after it too.
    let pga: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(pga.len(), 1);
    let child: Vec<&str> = pga[0].child_records().iter().map(|r| r.id()).collect();
    assert_eq!(child, ["PG02", "PG14", "PG99", "PG25", "PG29"]);
    assert_eq!(tx.to_bytes(), input);
}

#[test]
fn lower_case_pg_id_strict_unknown_lenient_recognised() {
    let mut lines = or2_lines();
    let second_pg25 = ln_nth("PG25", 2);
    lines[second_pg25 - 1][..4].copy_from_slice(b"pg25");
    let input = join(&lines, b"\n", true);

    let tx = Transmission::parse(&input).expect("F-015 is a warning");
    let p = only(tx.problems(), "F-015");
    assert_eq!(
        p.kind,
        ProblemKind::UnknownRecord {
            resembles: Some("PG25")
        }
    );
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(second_pg25), Some("pg25"))
    );
    assert!(p.to_string().contains("PG25"), "{p}");
    assert_eq!(
        tx.records()
            .nth(second_pg25 - 1)
            .expect("record")
            .record_type(),
        RecordType::UnknownPg
    );
    assert_eq!(tx.to_bytes(), input);

    let tx = parse_ok(&input, &lenient());
    let p = only(tx.problems(), "F-015");
    assert_eq!(p.kind, ProblemKind::LowerCaseId);
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.location.line, at(second_pg25));
    assert_eq!(
        tx.records()
            .nth(second_pg25 - 1)
            .expect("record")
            .record_type(),
        RecordType::Pg25
    );
    assert!(tx
        .records()
        .nth(second_pg25 - 1)
        .expect("record")
        .body()
        .is_some());
    let child: Vec<&str> = tx
        .tree()
        .pga_lines()
        .next()
        .expect("a PGA line")
        .child_records()
        .iter()
        .map(|r| r.id())
        .collect();
    assert_eq!(child, ["PG02", "PG14", "PG25", "pg25", "PG29"]);
    assert_eq!(tx.to_bytes(), input);
}

#[test]
fn lower_case_unknown_pg_stays_in_pga_line() {
    let mut lines = or2_lines();
    let first_pg25 = ln("PG25");
    lines[first_pg25 - 1] = record80(b"pg99");
    let input = join(&lines, b"\n", true);
    for opts in [strict(), lenient()] {
        let tx = parse_ok(&input, &opts);
        let p = only(tx.problems(), "F-015");
        assert_eq!(
            (p.location.line, p.location.record.as_deref()),
            (at(first_pg25), Some("pg99"))
        );
        let child: Vec<&str> = tx
            .tree()
            .pga_lines()
            .next()
            .expect("a PGA line")
            .child_records()
            .iter()
            .map(|r| r.id())
            .collect();
        assert_eq!(child, ["PG02", "PG14", "pg99", "PG25", "PG29"]);
        assert_eq!(tx.to_bytes(), input);
    }
}

// ---------------------------------------------------------------------------------------
// Field errors: F-007, F-013, F-002
// ---------------------------------------------------------------------------------------

#[test]
fn letter_in_n_field() {
    let mut lines = or2_lines();
    let pg29 = ln("PG29");
    set_byte(&mut lines, pg29, 12, b'X'); // PG29 quantity_line_net 8-19
    let input = join(&lines, b"\n", true);

    let problems = strict_err(&input);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = only(&problems, "F-007");
    assert_eq!(p.location.line, at(pg29));
    assert_eq!(p.location.record.as_deref(), Some("PG29"));
    assert_eq!(p.location.columns, Some((8, 19)));
    assert_eq!(p.location.offset, (pg29 - 1) * 81);
    let expected = FieldError {
        field: "quantity_line_net",
        start: 8,
        end: 19,
        kind: FieldErrorKind::NotNumeric,
    };
    assert_eq!(p.kind, ProblemKind::Field(expected));
    assert!(p.to_string().contains("quantity_line_net"), "{p}");

    for opts in [strict(), lenient()] {
        let tx = parse_ok(&input, &opts);
        let rec = tx.records().nth(pg29 - 1).expect("record");
        assert_eq!(rec.id(), "PG29");
        assert_eq!(rec.record_type(), RecordType::Pg29);
        // The record keeps a partial body: the bad field is None, the others as read.
        match rec.body() {
            Some(ace_pga::Body::Pg29(b)) => {
                assert_eq!(b.quantity_line_net, None);
                assert_eq!(b.unit_of_measure_line_net, Some("KG"));
                assert_eq!(b.quantity_line_gross, None);
            }
            other => panic!("PG29 body expected, got {other:?}"),
        }
        assert_eq!(rec.field_error(), Some(expected));
        assert_eq!(
            rec.field_raw("quantity_line_net"),
            Some(&b"0000X0182400"[..])
        );
        let child: Vec<&str> = tx
            .tree()
            .pga_lines()
            .next()
            .expect("a PGA line")
            .child_records()
            .iter()
            .map(|r| r.id())
            .collect();
        assert_eq!(child, ["PG02", "PG14", "PG25", "PG25", "PG29"]);
        assert_eq!(tx.to_bytes(), input);
        assert_eq!(only(tx.problems(), "F-007").severity, Severity::Error);
    }
}

#[test]
fn n_field_forms_strict_and_lenient() {
    // SPEC 2.4 rule 2: `  1` is accepted in lenient mode only; `1  `, `0 1`, `-01`, `+01`,
    // `1.5` never.
    for (bytes, lenient_ok) in [
        (&b"  1"[..], true),
        (b"1  ", false),
        (b"0 1", false),
        (b"-01", false),
        (b"+01", false),
        (b"1.5", false),
    ] {
        let mut lines = or2_lines();
        let pg01 = ln("PG01");
        set_bytes(&mut lines, pg01, 5, bytes); // PG01 pga_line_number 5-7
        let input = join(&lines, b"\n", true);
        let p = only(&strict_err(&input), "F-007").clone();
        assert_eq!(
            (p.location.line, p.location.columns),
            (at(pg01), Some((5, 7)))
        );
        let tx = parse_ok(&input, &lenient());
        let rec = tx.records().nth(pg01 - 1).expect("record");
        if lenient_ok {
            assert!(
                errors(tx.problems()).is_empty(),
                "{:?}: {:#?}",
                bytes,
                tx.problems()
            );
            match rec.body() {
                Some(ace_pga::Body::Pg01(b)) => assert_eq!(b.pga_line_number, Some(1)),
                other => panic!("PG01 body expected, got {other:?}"),
            }
        } else {
            let p = only(tx.problems(), "F-007");
            assert_eq!(p.severity, Severity::Error, "{bytes:?}");
            match rec.body() {
                Some(ace_pga::Body::Pg01(b)) => {
                    assert_eq!(b.pga_line_number, None);
                    assert_eq!(b.agency_code, Some("AMS"));
                }
                other => panic!("PG01 body expected, got {other:?}"),
            }
            assert!(rec.field_error().is_some());
        }
        assert_eq!(tx.to_bytes(), input);
    }
}

#[test]
fn lenient_space_padded_n_is_a_validation_warning() {
    use ace_pga::validate::{check_bytes, ValidateOptions};
    let mut lines = or2_lines();
    let pg01 = ln("PG01");
    set_bytes(&mut lines, pg01, 5, b"  1");
    let input = join(&lines, b"\n", true);
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
    let report = check_bytes(&input, &lenient(), &ValidateOptions::new(as_of));
    let f007: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "F-007")
        .collect();
    assert_eq!(f007.len(), 1, "{:#?}", report.findings);
    assert_eq!(f007[0].severity, Severity::Warning);
    assert_eq!(
        (f007[0].location.line, f007[0].location.columns),
        (at(pg01), Some((5, 7)))
    );
    assert_eq!(f007[0].location.record.as_deref(), Some("PG01"));
    // Strict: the same bytes are an F-007 error.
    let report = check_bytes(&input, &strict(), &ValidateOptions::new(as_of));
    let f007: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "F-007")
        .collect();
    assert_eq!(f007.len(), 1, "{:#?}", report.findings);
    assert_eq!(f007[0].severity, Severity::Error);
    assert_eq!(
        (f007[0].location.line, f007[0].location.columns),
        (at(pg01), Some((5, 7)))
    );
}

#[test]
fn lenient_space_padded_n_is_reported_as_warning() {
    let mut lines = or2_lines();
    let pg01 = ln("PG01");
    set_bytes(&mut lines, pg01, 5, b"  1");
    let input = join(&lines, b"\n", true);
    let tx = parse_ok(&input, &lenient());
    let p = only(tx.problems(), "F-007");
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(
        (p.location.line, p.location.record.as_deref()),
        (at(pg01), Some("PG01"))
    );
    assert_eq!(p.location.columns, Some((5, 7)));
}

#[test]
fn impossible_date() {
    let pg14 = ln("PG14");
    for date in [
        &b"02302026"[..],
        b"13012026",
        b"04312026",
        b"02292025",
        b"00000000",
    ] {
        let mut lines = or2_lines();
        set_bytes(&mut lines, pg14, 43, date); // PG14 lpco_date 43-50
        let input = join(&lines, b"\n", true);
        let problems = strict_err(&input);
        let p = only(&problems, "F-013");
        assert_eq!(p.location.line, at(pg14));
        assert_eq!(p.location.record.as_deref(), Some("PG14"));
        assert_eq!(p.location.columns, Some((43, 50)));
        assert_eq!(
            p.kind,
            ProblemKind::Field(FieldError {
                field: "lpco_date",
                start: 43,
                end: 50,
                kind: FieldErrorKind::ImpossibleDate
            })
        );
        let tx = parse_ok(&input, &lenient());
        assert_eq!(tx.to_bytes(), input);
    }
    // A possible date in the same place is fine (29 February of a leap year).
    let mut lines = or2_lines();
    set_bytes(&mut lines, pg14, 43, b"02292028");
    let input = join(&lines, b"\n", true);
    let tx = Transmission::parse(&input).expect("valid date");
    match tx.records().nth(pg14 - 1).expect("record").body() {
        Some(ace_pga::Body::Pg14(b)) => {
            assert_eq!(
                b.lpco_date.map(|d| d.to_string()),
                Some("2028-02-29".into())
            )
        }
        other => panic!("PG14 body expected, got {other:?}"),
    }
}

#[test]
fn non_ascii_byte_in_text_field() {
    let oi = ln("OI");
    for col in [11usize, 30, 54, 80] {
        let mut lines = or2_lines();
        set_byte(&mut lines, oi, col, 0xD1); // OI commercial_description 11-80
        let input = join(&lines, b"\n", true);
        let problems = strict_err(&input);
        let p = only(&problems, "F-002");
        assert_eq!(p.location.line, at(oi));
        assert_eq!(p.location.record.as_deref(), Some("OI"));
        let c = u8::try_from(col).expect("column");
        assert_eq!(p.location.columns, Some((c, c)), "column {col}");
        assert!(matches!(
            p.kind,
            ProblemKind::Field(FieldError {
                field: "commercial_description",
                kind: FieldErrorKind::NonAscii { byte: 0xD1, .. },
                ..
            })
        ));
        let s = p.to_string();
        assert!(s.contains("D1"), "byte value named: {s}");
        assert!(s.contains(&format!("columns {col}-{col}")), "{s}");
        for opts in [strict(), lenient()] {
            let tx = parse_ok(&input, &opts);
            assert_eq!(
                oi_description(tx.records().nth(oi - 1).expect("record")),
                None
            );
            assert_eq!(tx.to_bytes(), input);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Framing: F-016 … F-020
// ---------------------------------------------------------------------------------------

#[test]
fn terminator_less_remainder() {
    let lines = or2_lines();
    let mut input = join(&lines, b"", false);
    let records_len = 80 * lines.len();
    assert_eq!(input.len(), records_len);
    input.extend_from_slice(b"PG2");
    let problems = strict_err(&input);
    let p = only(&problems, "F-018");
    assert_eq!(p.kind, ProblemKind::Remainder { len: 3 });
    assert_eq!(p.location.offset, records_len);
    assert_eq!(p.location.columns, None);
    assert!(
        p.to_string().contains(&records_len.to_string()),
        "offset named: {p}"
    );
    for opts in [strict(), lenient()] {
        let tx = parse_ok(&input, &opts);
        assert_eq!(only(tx.problems(), "F-018").severity, Severity::Error);
        assert_eq!(ids(&tx), IDS, "the remainder is not a record");
        assert_eq!(tx.trailing(), b"PG2");
        assert_eq!(tx.to_bytes(), input);
    }
}

#[test]
fn trailing_eof_bytes() {
    let original = or2_single();
    let concatenated = join(&or2_lines(), b"", false);
    let crlf = join(&or2_lines(), b"\r\n", true);
    for (base, eof) in [
        (&original, &b"\x1a"[..]),
        (&original, b"\x1a\x1a"),
        (&crlf, b"\x1a"),
        (&concatenated, b"\x1a"),
        (&concatenated, b"\x1a\x1a\x1a"),
    ] {
        let mut input = base.clone();
        input.extend_from_slice(eof);
        let problems = strict_err(&input);
        let p = only(&problems, "F-017");
        assert_eq!(p.kind, ProblemKind::TrailingData { len: eof.len() });
        assert_eq!(p.location.offset, base.len());
        assert!(
            with_rule(&problems, "F-018").is_empty(),
            "0x1A is F-017, not F-018"
        );
        assert!(
            with_rule(&problems, "F-015").is_empty(),
            "never an unknown record"
        );

        let tx = parse_ok(&input, &lenient());
        let p = only(tx.problems(), "F-017");
        assert_eq!(p.severity, Severity::Warning);
        assert!(errors(tx.problems()).is_empty(), "{:#?}", tx.problems());
        assert_eq!(ids(&tx), IDS);
        assert_eq!(tx.to_bytes(), *base, "lenient drops the 0x1A bytes");

        // Strict parse_with keeps them (no repair without leniency).
        assert_eq!(parse_ok(&input, &strict()).to_bytes(), input);
    }
}

/// A DOS end-of-file marker written as a line of its own (`…Z\n\x1A\n`) is bytes after the
/// last record too (SPEC 2.2, F-017), not a 1-byte record (F-001, F-003, E-001 as before):
/// strict keeps it, lenient drops the line.
#[test]
fn an_eof_line_with_its_terminator_is_trailing_data() {
    let original = or2_single();
    let crlf = join(&or2_lines(), b"\r\n", true);
    let cr = join(&or2_lines(), b"\r", true);
    for (base, eof, n) in [
        (&original, &b"\x1a\n"[..], 1),
        (&original, b"\x1a\x1a\n", 2),
        (&original, b"\x1a\r\n", 1),
        (&crlf, b"\x1a\r\n", 1),
        (&cr, b"\x1a\r", 1),
        // Several such lines, then 0x1A bytes without terminator (hostile trial, session 17).
        (&original, b"\x1a\n\x1a", 2),
        (&original, b"\x1a\n\x1a\x1a\r\n\x1a\n", 4),
        (&crlf, b"\x1a\r\n\x1a\r\n", 2),
    ] {
        let mut input = base.clone();
        input.extend_from_slice(eof);
        let problems = strict_err(&input);
        assert_eq!(problems.len(), 1, "{eof:?}: {problems:#?}");
        let p = only(&problems, "F-017");
        assert_eq!(p.kind, ProblemKind::TrailingData { len: n });
        assert_eq!(p.location.offset, base.len());
        assert_eq!(p.location.line, at(or2_lines().len() + 1));
        let tx = parse_ok(&input, &strict());
        assert_eq!(ids(&tx), IDS, "{eof:?}: not a record");
        assert_eq!(tx.trailing(), eof);
        assert_eq!(tx.to_bytes(), input, "strict keeps the line");
        let tx = parse_ok(&input, &lenient());
        assert_eq!(only(tx.problems(), "F-017").severity, Severity::Warning);
        assert!(errors(tx.problems()).is_empty(), "{:#?}", tx.problems());
        assert_eq!(tx.to_bytes(), *base, "lenient drops the line");
    }
    // After one trailing empty line too; the empty line stays (lenient).
    let input = [&original[..], b"\n\x1a\n"].concat();
    let tx = parse_ok(&input, &strict());
    assert_eq!(ids(&tx), IDS);
    assert_eq!(tx.trailing(), b"\n\x1a\n");
    assert_eq!(tx.to_bytes(), input);
    let tx = parse_ok(&input, &lenient());
    assert_eq!(tx.to_bytes(), [&original[..], b"\n"].concat());
    // A 0x1A line with a record after it, or on its own, is not after the last record.
    // A record that ends in 0x1A stays a record (its 0x1A bytes are not after it).
    let mut ends_in_eof = original.clone();
    ends_in_eof.truncate(ends_in_eof.len() - 2);
    ends_in_eof.extend_from_slice(b"\x1a\n");
    let tx = parse_ok(&ends_in_eof, &strict());
    assert!(
        with_rule(tx.problems(), "F-017").is_empty(),
        "{:#?}",
        tx.problems()
    );
    assert_eq!(ids(&tx), IDS);
    // … and a line of 0x1A bytes after it is after the last record.
    ends_in_eof.extend_from_slice(b"\x1a\n");
    let problems = strict_err(&ends_in_eof);
    let p = only(&problems, "F-017");
    assert_eq!(p.kind, ProblemKind::TrailingData { len: 1 });
    assert_eq!(p.location.offset, ends_in_eof.len() - 2);
    for input in [
        [&original[..], b"\x1a\n", &or2_lines()[0], b"\n"].concat(),
        b"\x1a\n".to_vec(),
    ] {
        let problems = match Transmission::parse_with(&input, &strict()) {
            Ok(t) => t.problems().to_vec(),
            Err(e) => e.problems.clone(),
        };
        assert!(with_rule(&problems, "F-017").is_empty(), "{problems:#?}");
    }
}

#[test]
fn eof_after_trailing_empty_line_is_kept() {
    // `…Z record\n` + `\n` (one trailing empty line) + `0x1A`: the framer first stores the
    // 0x1A as `trailing` (F-017), then the trailing-empty-line case stores `\n` over it.
    let original = or2_single();
    let mut input = original.clone();
    input.extend_from_slice(b"\n\x1a");
    let tx = parse_ok(&input, &strict());
    assert_eq!(only(tx.problems(), "F-017").severity, Severity::Error);
    assert!(
        input.ends_with(tx.trailing()) && tx.trailing().ends_with(b"\x1a"),
        "trailing {:?} lost the 0x1A byte",
        tx.trailing()
    );
    // Strict parsing repairs nothing: the 0x1A must come back.
    assert_eq!(tx.to_bytes(), input);
    // Lenient drops the 0x1A (and keeps the empty line).
    let tx = parse_ok(&input, &lenient());
    assert_eq!(tx.to_bytes(), [&original[..], b"\n"].concat());
}

#[test]
fn trailing_eof_finding_has_a_line() {
    // SPEC 6.0: framing findings F-016 … F-021 point at the line where the problem starts;
    // only F-020 and F-021 are whole-input findings with line null. Terminator-less input
    // already reports F-017 at the line after the last record; LF input too.
    let after_last = at(or2_lines().len() + 1);
    let concatenated = [&join(&or2_lines(), b"", false)[..], b"\x1a"].concat();
    let p = only(&strict_err(&concatenated), "F-017").clone();
    assert_eq!(p.location.line, after_last);
    let lf = [&or2_single()[..], b"\x1a"].concat();
    let p = only(&strict_err(&lf), "F-017").clone();
    assert_eq!(p.location.line, after_last);
}

#[test]
fn byte_order_mark() {
    let original = or2_single();
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(&original);

    let problems = strict_err(&input);
    let p = only(&problems, "F-016");
    assert_eq!(p.kind, ProblemKind::ByteOrderMark);
    assert_eq!(p.location.offset, 0);
    assert_eq!(problems.len(), 1, "{problems:#?}");

    for opts in [strict(), lenient()] {
        let tx = parse_ok(&input, &opts);
        let p = only(tx.problems(), "F-016");
        let want = if opts.is_lenient() {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(p.severity, want);
        assert_eq!(ids(&tx), IDS, "parsing resumes at byte 3");
        let first = tx.records().next().expect("record");
        assert_eq!(first.record_type(), RecordType::BatchHeader);
        assert_eq!(first.offset(), 3);
        assert_eq!(first.line(), 1);
        assert!(tx.tree().framing.byte_order_mark);
        // The serializer never writes a byte order mark.
        assert_eq!(tx.to_bytes(), original);
    }
    assert!(Transmission::parse_with(&input, &lenient())
        .expect("lenient")
        .into_result()
        .is_ok());
}

#[test]
fn empty_input() {
    let cases: [&[u8]; 7] = [
        b"",
        b"\n",
        b"\n\n\n",
        b"\r\n\r\n",
        b"\r",
        b"   \n  ",
        b"\xEF\xBB\xBF",
    ];
    for input in cases {
        for opts in [strict(), lenient()] {
            let e = Transmission::parse_with(input, &opts)
                .expect_err("empty input is never an empty success");
            assert_eq!(e.problems.len(), 1, "{input:?}");
            let p = &e.problems[0];
            assert_eq!(p.kind, ProblemKind::EmptyInput, "{input:?}");
            assert_eq!(p.kind.rule(), "F-020");
            assert_eq!(p.severity, Severity::Error);
            assert_eq!(p.location.line, None, "whole-input finding has no line");
            assert!(p.to_string().contains("empty input"));
        }
        let e = Transmission::parse(input).expect_err("strict");
        assert_eq!(e.problems[0].kind, ProblemKind::EmptyInput);
    }
}

#[test]
fn mixed_terminators_warn_at_first_deviating_line() {
    let lines = or2_lines();
    // LF file with CRLF after line 6 and CR after line 9.
    let mut input = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        input.extend_from_slice(l);
        input.extend_from_slice(match i + 1 {
            6 => b"\r\n",
            9 => b"\r",
            _ => b"\n",
        });
    }
    let tx = Transmission::parse(&input).expect("mixed terminators are a warning");
    let p = only(tx.problems(), "F-019");
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.location.line, Some(6));
    assert_eq!(p.kind, ProblemKind::MixedTerminators);
    assert_eq!(
        tx.problems().len(),
        1,
        "one warning only: {:#?}",
        tx.problems()
    );
    assert_eq!(ids(&tx), IDS);
    assert_eq!(
        tx.records().nth(5).expect("record").terminator(),
        Terminator::CrLf
    );
    assert_eq!(
        tx.records().nth(8).expect("record").terminator(),
        Terminator::Cr
    );
    assert_eq!(tx.to_bytes(), input);

    // CRLF file with one LF line.
    let mut input = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        input.extend_from_slice(l);
        input.extend_from_slice(if i + 1 == 3 { b"\n" } else { b"\r\n" });
    }
    let tx = Transmission::parse(&input).expect("warning only");
    assert_eq!(only(tx.problems(), "F-019").location.line, Some(3));
    assert_eq!(tx.to_bytes(), input);
}

#[test]
fn last_record_without_terminator_and_trailing_empty_line() {
    let lines = or2_lines();
    for term in [&b"\n"[..], b"\r\n", b"\r"] {
        // Last record without terminator: accepted, no finding.
        let input = join(&lines, term, false);
        let tx = Transmission::parse(&input).expect("valid");
        assert!(tx.problems().is_empty(), "{term:?}: {:#?}", tx.problems());
        assert_eq!(ids(&tx), IDS);
        assert_eq!(tx.to_bytes(), input);
        // One trailing empty line: ignored, no finding.
        let mut input = join(&lines, term, true);
        input.extend_from_slice(term);
        let tx = Transmission::parse(&input).expect("valid");
        assert!(tx.problems().is_empty(), "{term:?}: {:#?}", tx.problems());
        assert_eq!(ids(&tx), IDS);
        assert_eq!(tx.to_bytes(), input);
    }
}

#[test]
fn every_framing_gives_the_same_records() {
    let lines = or2_lines();
    let reference: Vec<(u32, String, Vec<u8>)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                u32::try_from(i + 1).expect("line"),
                IDS[i].to_string(),
                l.clone(),
            )
        })
        .collect();
    let variants: Vec<(&str, Vec<u8>, Terminator)> = vec![
        ("LF", join(&lines, b"\n", true), Terminator::Lf),
        ("CRLF", join(&lines, b"\r\n", true), Terminator::CrLf),
        ("CR", join(&lines, b"\r", true), Terminator::Cr),
        ("concatenated", join(&lines, b"", false), Terminator::None),
        ("LF, no final", join(&lines, b"\n", false), Terminator::Lf),
        (
            "CRLF, no final",
            join(&lines, b"\r\n", false),
            Terminator::CrLf,
        ),
        ("CR, no final", join(&lines, b"\r", false), Terminator::Cr),
        (
            "or2-crlf.txt",
            common::read_repo("spec-samples/valid/or2-crlf.txt"),
            Terminator::CrLf,
        ),
        (
            "or2-concatenated.txt",
            common::read_repo("spec-samples/valid/or2-concatenated.txt"),
            Terminator::None,
        ),
    ];
    let first = Transmission::parse(&variants[0].1).expect("LF");
    for (name, input, term) in &variants {
        for opts in [strict(), lenient()] {
            let tx = Transmission::parse_with(input, &opts).expect(name);
            assert!(tx.problems().is_empty(), "{name}: {:#?}", tx.problems());
            let got: Vec<(u32, String, Vec<u8>)> = tx
                .records()
                .map(|r| (r.line(), r.id().to_string(), r.raw().to_vec()))
                .collect();
            assert_eq!(got, reference, "{name}");
            assert_eq!(tx.tree().framing.terminator, *term, "{name}");
            assert_eq!(tx.to_bytes(), *input, "{name}: to_bytes");
            // Same typed content as the LF form.
            for (a, b) in tx.records().zip(first.records()) {
                assert_eq!(a.body(), b.body(), "{name} line {}", a.line());
            }
            // Offsets point at each record in its own input.
            for r in tx.records() {
                assert_eq!(&input[r.offset()..r.offset() + 80], r.raw(), "{name}");
            }
        }
    }
}

#[test]
fn problem_display_names_line_record_and_columns() {
    let mut lines = or2_lines();
    let (pg01, pg14, pg25, pg29) = (ln("PG01"), ln("PG14"), ln("PG25"), ln("PG29"));
    set_byte(&mut lines, pg29, 12, b'X');
    lines[pg01 - 1].pop();
    set_bytes(&mut lines, pg14, 43, b"13012026");
    lines[pg25 - 1] = record80(b"PG99");
    let input = join(&lines, b"\n", true);
    let tx = parse_ok(&input, &strict());
    let rules: Vec<(&str, Option<u32>)> = tx
        .problems()
        .iter()
        .map(|p| (p.kind.rule().as_str(), p.location.line))
        .collect();
    assert!(pg01 < pg14 && pg14 < pg25 && pg25 < pg29);
    assert_eq!(
        rules,
        [
            ("F-001", at(pg01)),
            ("F-013", at(pg14)),
            ("F-015", at(pg25)),
            ("F-007", at(pg29))
        ],
        "problems in input order"
    );
    let shown: Vec<String> = tx.problems().iter().map(ToString::to_string).collect();
    assert!(
        shown[0].contains(&format!("line {pg01}, ")) && shown[0].contains("PG01"),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].contains(&format!("line {pg14}, "))
            && shown[1].contains("PG14")
            && shown[1].contains("43-50"),
        "{}",
        shown[1]
    );
    assert!(
        shown[2].contains(&format!("line {pg25}, ")) && shown[2].contains("PG99"),
        "{}",
        shown[2]
    );
    assert!(
        shown[3].contains(&format!("line {pg29}, "))
            && shown[3].contains("PG29")
            && shown[3].contains("8-19"),
        "{}",
        shown[3]
    );
    assert!(shown[0].starts_with("error") && shown[2].starts_with("warning"));
    // The strict error lists the error-severity ones only, in the same order.
    let e = Transmission::parse(&input).expect_err("errors");
    let err_rules: Vec<&str> = e.problems.iter().map(|p| p.kind.rule().as_str()).collect();
    assert_eq!(err_rules, ["F-001", "F-013", "F-007"]);
    assert!(e.to_string().contains("and 2 more"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Properties: never panic, never reorder, round-trip unless repaired
// ---------------------------------------------------------------------------------------

fn check_any_input(input: &[u8], opts: &ParseOptions) -> Result<(), TestCaseError> {
    // With the F-023 check (the default), most random bytes are "not a CATAIR transmission":
    // one whole-input problem, nothing else.
    if let Err(e) = Transmission::parse_with(input, opts) {
        prop_assert_eq!(e.problems.len(), 1);
        let p = &e.problems[0];
        prop_assert!(
            matches!(
                p.kind,
                ProblemKind::EmptyInput | ProblemKind::Ebcdic | ProblemKind::NotCatair(_)
            ),
            "unexpected whole-input failure {:?}",
            p
        );
        prop_assert_eq!(p.location.line, None);
    }
    // The record-level properties hold for any bytes: checked with F-023 off.
    let opts = &opts.clone().detect_non_catair(false);
    let tx = match Transmission::parse_with(input, opts) {
        Err(e) => {
            // Only whole-input problems fail parse_with.
            prop_assert_eq!(e.problems.len(), 1);
            let p = &e.problems[0];
            prop_assert!(
                matches!(p.kind, ProblemKind::EmptyInput | ProblemKind::Ebcdic),
                "unexpected whole-input failure {:?}",
                p
            );
            prop_assert_eq!(p.location.line, None);
            return Ok(());
        }
        Ok(tx) => tx,
    };
    let bom = tx.tree().framing.byte_order_mark;
    prop_assert_eq!(bom, input.starts_with(b"\xEF\xBB\xBF"));
    let body = if bom { &input[3..] } else { input };

    // Every record is a slice of the input at its offset, in input order, numbered 1, 2, …
    let recs: Vec<_> = tx.records().collect();
    let mut pos = if bom { 3 } else { 0 };
    for (i, r) in recs.iter().enumerate() {
        prop_assert_eq!(r.line() as usize, i + 1);
        prop_assert!(
            r.offset() >= pos,
            "record {} at {} before {}",
            r.line(),
            r.offset(),
            pos
        );
        prop_assert!(r.offset() + r.raw().len() <= input.len());
        prop_assert_eq!(&input[r.offset()..r.offset() + r.raw().len()], r.raw());
        // The identifier as sent (`""` when its bytes are not UTF-8).
        let id_bytes = &r.raw()[..r.id_len()];
        match std::str::from_utf8(id_bytes) {
            Ok(s) => prop_assert_eq!(r.id(), s),
            Err(_) => prop_assert_eq!(r.id(), ""),
        }
        pos = r.offset() + r.raw().len();
        // A record with a layout has a (possibly partial) body of its type; a field error
        // names a field of that layout whose value is then None in the body.
        if let Some(layout) = r.record_type().layout() {
            let body = r.body();
            prop_assert!(body.is_some(), "record {} has no body", r.line());
            prop_assert_eq!(body.map(|b| b.record_type()), Some(r.record_type()));
            if let Some(e) = r.field_error() {
                let f = layout.field(e.field);
                prop_assert!(f.is_some(), "field error names unknown field {}", e.field);
                prop_assert_eq!(f.map(|f| (f.start, f.end)), Some((e.start, e.end)));
                let (a, b) = e.columns();
                prop_assert!(e.start <= a && a <= b && b <= e.end);
                // The table-driven reader agrees that this field is bad.
                let fields = &r.raw()[..r.raw().len().min(80)];
                prop_assert!(f.is_some_and(|f| f.read(fields, r.lenient_numeric()).is_err()));
            }
        } else {
            prop_assert!(r.body().is_none() && r.field_error().is_none());
        }
    }
    // The bytes after the last record are kept verbatim (see
    // `eof_after_trailing_empty_line_is_kept`).
    prop_assert!(input.ends_with(tx.trailing()));
    prop_assert!(tx.trailing().len() <= input.len() - pos);
    for p in tx.problems() {
        assert_display_names_position(p);
        if let Some(l) = p.location.line {
            prop_assert!(l as usize <= recs.len() + 1, "line {} of {}", l, recs.len());
        }
    }
    // Problems are in input order.
    let lines: Vec<u32> = tx
        .problems()
        .iter()
        .filter_map(|p| p.location.line)
        .collect();
    prop_assert!(lines.windows(2).all(|w| w[0] <= w[1]));

    let out = tx.to_bytes();
    let strict_errors = !errors(tx.problems()).is_empty();
    if !opts.is_lenient() {
        // Strict mode never repairs: the bytes come back as received (without a BOM).
        prop_assert_eq!(&out, body, "strict (errors: {})", strict_errors);
    } else {
        let repaired = tx.problems().iter().any(|p| {
            p.severity == Severity::Warning
                && matches!(
                    p.kind,
                    ProblemKind::RecordLength { .. } | ProblemKind::TrailingData { .. }
                )
        });
        if !repaired {
            prop_assert_eq!(&out, body, "lenient without repair");
        }
        // A repaired output is stable: parsing it again gives the same bytes.
        if let Ok(tx2) = Transmission::parse_with(&out, opts) {
            prop_assert_eq!(tx2.to_bytes(), out.clone());
            prop_assert_eq!(tx2.records().count(), recs.len());
        }
    }
    // The concatenation of the records' bytes appears in the output in the same order.
    let mut at = 0usize;
    for r in &recs {
        let found = find(&out[at..], r.raw());
        prop_assert!(found.is_some(), "record {} not in output order", r.line());
        at += found.unwrap_or(0) + r.raw().len();
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Byte soup biased towards what matters to framing and identification.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => any::<u8>(),
        2 => Just(b' '),
        1 => Just(b'\n'),
        1 => Just(b'\r'),
        1 => Just(0x1A),
        1 => proptest::sample::select(b"PGOIABYZSE0123456789".to_vec()),
    ]
}

/// Lines from a pool of real, damaged and foreign records, joined with random terminators.
fn line_soup() -> impl Strategy<Value = Vec<u8>> {
    let pool: Vec<Vec<u8>> = {
        let mut v = or2_lines();
        v.push(record80(b"PG99"));
        v.push(record80(b"pg01001AMSOR 2"));
        v.push(record80(b"pg99"));
        v.push(record80(b"PG19"));
        v.push(record80(b"PG20"));
        v.push(record80(b"PG50"));
        v.push(record80(b"PG51"));
        v.push(record80(b"PG00S0001"));
        v.push(record80(b"SE9012"));
        v.push(record80(b"SO70"));
        v.push(record80(b"10"));
        v.push(record80(b"50"));
        v
    };
    let line = (
        proptest::sample::select(pool),
        0usize..90,
        proptest::collection::vec(interesting_byte(), 0..3),
        proptest::sample::select(vec![&b"\n"[..], b"\r\n", b"\r", b"", b"\n\n", b"\x1a"]),
    )
        .prop_map(|(mut l, cut, extra, term)| {
            if cut < l.len() && cut % 3 == 0 {
                l.truncate(cut);
            }
            l.extend_from_slice(&extra);
            l.extend_from_slice(term);
            l
        });
    (
        proptest::bool::weighted(0.1),
        proptest::collection::vec(line, 0..25),
    )
        .prop_map(|(bom, ls)| {
            let mut out = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            for l in ls {
                out.extend_from_slice(&l);
            }
            out
        })
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(
        prop_oneof![
            (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Edit::Set(i, b)),
            (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Edit::Insert(i, b)),
            any::<usize>().prop_map(Edit::Delete),
        ],
        1..8,
    )
}

fn apply(mut v: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        match *e {
            Edit::Set(i, b) if !v.is_empty() => {
                let n = v.len();
                v[i % n] = b;
            }
            Edit::Insert(i, b) => {
                let n = v.len() + 1;
                v.insert(i % n, b);
            }
            Edit::Delete(i) if !v.is_empty() => {
                let n = v.len();
                v.remove(i % n);
            }
            _ => {}
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..2000)) {
        check_any_input(&input, &strict())?;
        check_any_input(&input, &lenient())?;
    }

    #[test]
    fn interesting_bytes_never_panic(
        input in proptest::collection::vec(interesting_byte(), 0..2000)
    ) {
        check_any_input(&input, &strict())?;
        check_any_input(&input, &lenient())?;
    }

    #[test]
    fn line_soup_never_panics(input in line_soup()) {
        check_any_input(&input, &strict())?;
        check_any_input(&input, &lenient())?;
    }

    #[test]
    fn edited_or2_single_never_panics(edits in edits()) {
        let input = apply(or2_single(), &edits);
        check_any_input(&input, &strict())?;
        check_any_input(&input, &lenient())?;
    }

    #[test]
    fn edited_concatenated_or2_single_never_panics(edits in edits()) {
        let input = apply(join(&or2_lines(), b"", false), &edits);
        check_any_input(&input, &strict())?;
        check_any_input(&input, &lenient())?;
    }
}

/// An input shorter than one record without CR or LF is one short record (F-001), not
/// terminator-less input with a remainder after zero records, nor empty input (F-020);
/// the streaming readers frame it the same way. A longer terminator-less input keeps its
/// 80-byte framing (F-018 for the remainder).
#[test]
fn short_input_without_terminator_is_one_short_record() {
    for (input, id) in [
        (&b"OI  1234"[..], "OI"),
        (b"A", "A"),
        (b"OI  1234\x1a", "OI"),
        (b"\xEF\xBB\xBFOI  1234", "OI"),
    ] {
        let t = Transmission::parse_with(input, &lenient()).expect("one short record");
        assert_eq!(ids(&t), [id], "{input:?}");
        assert_eq!(t.tree().framing.terminator, Terminator::None);
        assert!(
            t.problems().iter().any(|p| p.kind.rule() == "F-001"),
            "{input:?}: {:?}",
            t.problems()
        );
        assert!(t.problems().iter().all(|p| p.kind.rule() != "F-018"));
        let e = Transmission::parse(input).expect_err("strict: F-001 is an error");
        assert!(e.problems.iter().any(|p| p.kind.rule() == "F-001"));
        // The streaming reader frames it as one record too.
        let mut units = ace_pga::stream::StreamReader::new(input);
        let unit = units.next().expect("one unit").expect("read");
        assert_eq!(unit.records, 1, "{input:?}");
        let u = unit.parse(&lenient()).expect("parses");
        assert!(u.problems().iter().any(|p| p.kind.rule() == "F-001"));
        assert!(units.next().is_none());
        let mut chunks = ace_pga::stream::ChunkReader::new(input);
        let chunk = chunks.next().expect("one chunk").expect("read");
        assert!(!chunk.concatenated, "{input:?}");
    }
    // Only 0x1A bytes: still empty input.
    let e = Transmission::parse_with(b"\x1a\x1a", &lenient()).expect_err("empty");
    assert_eq!(e.problems[0].kind, ProblemKind::EmptyInput);
    // 100 bytes without terminator: one 80-byte record and a 20-byte remainder (F-018).
    let mut long = lines_of_or2_first(80);
    long.extend_from_slice(&[b' '; 20]);
    let t = Transmission::parse_with(&long, &lenient()).expect("parses");
    assert_eq!(t.tree().framing.terminator, Terminator::None);
    assert!(t.problems().iter().any(|p| p.kind.rule() == "F-018"));
}

/// The first record of `or2-single.txt`, cut or padded to `len` bytes.
fn lines_of_or2_first(len: usize) -> Vec<u8> {
    let mut r = or2_lines()[0].to_vec();
    r.resize(len, b' ');
    r
}

/// F-001's hint fits the case: an empty line is to be removed, a short line padded only if
/// it lost its trailing spaces, a long line's hint names what lies after column 80.
#[test]
fn record_length_hints_fit_the_case() {
    let msg = |len, extra_is_space| {
        ProblemKind::RecordLength {
            len,
            extra_is_space,
        }
        .to_string()
    };
    // The same words as `check`'s finding (below), "byte" for one.
    assert_eq!(
        msg(0, false),
        "record is 0 bytes, expected 80: an empty line (remove it)"
    );
    assert!(msg(1, false).starts_with("record is 1 byte, expected 80: "));
    // A short line may have lost data, not only spaces: padding is not always the fix.
    assert!(msg(31, false).contains("if only trailing spaces were trimmed, pad the line"));
    assert!(msg(1, false).ends_with("if data is missing, restore the line from its source"));
    assert!(msg(82, true).contains("only spaces after column 80"));
    assert!(msg(81, false).contains("data after column 80"));
    // A blank line inside a block: E-007 does not print an empty identifier.
    let input = std::fs::read(format!(
        "{}/spec-samples/valid/or2-single.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("sample");
    let mut lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
    lines.insert(10, b"\n");
    let blank = lines.concat();
    let report = ace_pga::validate::check_bytes(
        &blank,
        &ParseOptions::strict(),
        &ace_pga::validate::ValidateOptions::new(
            ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"),
        ),
    );
    let f001 = report
        .findings
        .iter()
        .find(|f| f.rule == "F-001")
        .expect("F-001");
    assert_eq!(
        f001.message,
        "record is 0 bytes, expected 80: an empty line (remove it)"
    );
    for f in report.findings.iter().filter(|f| f.rule == "E-007") {
        assert!(!f.message.starts_with(' '), "{}", f.message);
    }
}
