//! The checks of the fuzz targets, shared with the stable-toolchain replay of the regression
//! corpus (`tests/fuzz_regressions.rs` includes this file with `#[path]`). Every function
//! takes the raw fuzz input and panics (assert) when a property does not hold; any other
//! panic inside `ace_pga` is a bug too.
//!
//! Uses only `ace_pga` (features `serde`) and `serde_json`, so that both the fuzz crate and
//! the package's integration tests can compile it.
#![allow(dead_code)]

use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::stream::{ChunkReader, StreamReader};
use ace_pga::validate::{self, ValidateOptions, RULES};
use ace_pga::write::dump::dump_record;
use ace_pga::{
    NaiveDate, OwnedTransmission, ParseOptions, ProblemKind, RecordType, Severity, Terminator,
    Transmission,
};

/// Strict and lenient options, with a flag telling which is strict.
pub(crate) fn modes() -> [(bool, ParseOptions); 2] {
    [
        (true, ParseOptions::strict()),
        (false, ParseOptions::lenient()),
    ]
}

/// Whether a parse has no error-severity problem.
pub(crate) fn clean(t: &Transmission<'_>) -> bool {
    !t.problems().iter().any(|p| p.severity == Severity::Error)
}

/// The record sequence of a parse: type, bytes as received, terminator.
pub(crate) fn signature<'a>(t: &Transmission<'a>) -> Vec<(RecordType, &'a [u8], Terminator)> {
    t.records()
        .map(|r| (r.record_type(), r.raw(), r.terminator()))
        .collect()
}

/// Target `parse`: arbitrary bytes through strict and lenient parsing, the serializer, the
/// field dump, the organic view and the owned form with its JSON round trip.
///
/// * any parse without error-severity problems: the owned form's JSON round trip keeps its
///   bytes;
/// * strict parse without error-severity problems: `to_bytes()` of the transmission and of
///   its owned form equal the input (the owned form refuses instead when a response record
///   read with a warning is not 80 bytes: `encode` writes only 80-byte records);
/// * lenient parse without error-severity problems: serializing is idempotent.
pub(crate) fn parse(data: &[u8]) {
    for (strict, opts) in modes() {
        let Ok(t) = Transmission::parse_with(data, &opts) else {
            continue;
        };
        let clean = clean(&t);
        let bytes = t.to_bytes();
        for p in t.problems() {
            let _ = p.to_string();
        }
        t.tree().for_each_record(|r| {
            let d = dump_record(r);
            let _ = serde_json::to_string(&d).expect("dump record serializes");
        });
        for line in t.tree().pga_lines() {
            if let Some(organic) = OrganicLine::from_line(line) {
                let _ = serde_json::to_string(&organic).expect("organic view serializes");
            }
        }
        let owned = OwnedTransmission::from_transmission(&t);
        let owned_bytes = owned.to_bytes();
        if !clean {
            // `ace-pga decode` refuses input with errors: no JSON round trip to check.
            continue;
        }
        let json = serde_json::to_vec(&owned).expect("owned transmission serializes");
        let back: OwnedTransmission =
            serde_json::from_slice(&json).expect("owned transmission JSON deserializes");
        assert_eq!(
            back.to_bytes(),
            owned_bytes,
            "the owned form's JSON round trip changes its bytes"
        );
        // A response record of another length is read with a warning (SPEC 7.2: a response
        // is never refused), but `encode` never writes a record that is not 80 bytes.
        let odd_response = t
            .records()
            .any(|r| r.record_type().is_response() && r.raw().len() != 80);
        if strict && odd_response {
            assert_eq!(bytes, data, "strict: to_bytes() differs from the input");
            assert!(
                owned_bytes.is_err(),
                "strict: the owned form wrote a response record that is not 80 bytes"
            );
        } else if strict {
            assert_eq!(bytes, data, "strict: to_bytes() differs from the input");
            assert_eq!(
                owned_bytes.as_deref().ok(),
                Some(data),
                "strict: OwnedTransmission::to_bytes() differs from the input: {owned_bytes:?}"
            );
        } else {
            match Transmission::parse_with(&bytes, &opts) {
                Ok(again) => {
                    assert_eq!(
                        again.to_bytes(),
                        bytes,
                        "lenient: serializing is not idempotent"
                    )
                }
                // As in `roundtrip`: a repair may cross F-023's 10 % threshold when the lines
                // do not look like records.
                Err(e)
                    if e.problems
                        .iter()
                        .all(|p| matches!(p.kind, ProblemKind::NotCatair(_))) => {}
                Err(e) => panic!("repaired bytes parse leniently: {e:?}"),
            }
        }
    }
}

/// Target `roundtrip`: whatever parses without error serializes back to the same bytes.
///
/// * strict, no error-severity problem: `to_bytes() == input`; parsing those bytes again
///   gives the same record sequence (type, bytes, terminator) and no error;
/// * lenient, no error-severity problem: the repaired bytes parse strictly-clean-or-not to
///   the same number of records of the same types, and serializing them again is the
///   identity;
/// * streaming (any input): the units of [`StreamReader`] hold every byte of the input
///   (after a byte order mark) in order, and each unit parses without panic.
pub(crate) fn roundtrip(data: &[u8]) {
    for (strict, opts) in modes() {
        let Ok(t) = Transmission::parse_with(data, &opts) else {
            continue;
        };
        // Serializing never panics, whatever the problems.
        let bytes = t.to_bytes();
        if !clean(&t) {
            continue;
        }
        if strict {
            assert_eq!(bytes, data, "strict: to_bytes() differs from the input");
        }
        let again = match Transmission::parse_with(&bytes, &opts) {
            Ok(again) => again,
            // F-023 is judged on a share of the first 4,096 bytes: the repaired bytes of a
            // lenient parse (trimmed spaces, padded lines) may fall on the other side of its
            // 10 % threshold when the lines do not look like records. Strict bytes are the
            // input, so strictly it never happens.
            Err(e)
                if !strict
                    && e.problems
                        .iter()
                        .all(|p| matches!(p.kind, ProblemKind::NotCatair(_))) =>
            {
                continue
            }
            Err(e) => panic!("serialized bytes parse: {e:?}"),
        };
        assert!(
            clean(&again),
            "serialized bytes of a clean parse have errors: {:?}",
            again.problems()
        );
        assert_eq!(again.to_bytes(), bytes, "serializing is not idempotent");
        let types = |t: &Transmission<'_>| -> Vec<RecordType> {
            t.records().map(|r| r.record_type()).collect()
        };
        assert_eq!(types(&again), types(&t), "record types change on reparse");
        if strict {
            assert_eq!(
                signature(&again),
                signature(&t),
                "records change on reparse"
            );
        }
    }
    stream(data);
}

/// The streaming reader over in-memory input: units cover the input in order.
pub(crate) fn stream(data: &[u8]) {
    let mut reader = StreamReader::new(data);
    let mut joined = Vec::with_capacity(data.len());
    let mut units = 0usize;
    for unit in reader.by_ref() {
        let unit = unit.expect("reading from a slice never fails");
        assert_eq!(
            unit.offset,
            joined.len() + usize::from(data.starts_with(b"\xEF\xBB\xBF")) * 3,
            "unit offset is not where the previous unit ended"
        );
        joined.extend_from_slice(&unit.bytes);
        units += 1;
        for (_, opts) in modes() {
            if let Ok(t) = unit.parse(&opts) {
                let _ = t.to_bytes();
            }
        }
    }
    let body = if reader.byte_order_mark() {
        data.get(3..).unwrap_or_default()
    } else {
        data
    };
    assert_eq!(
        joined, body,
        "stream units do not cover the input ({units} units)"
    );
    chunks(data);
}

/// The chunk reader over in-memory input (smallest target): chunks cover the input in
/// order, stay within four targets, and each parses without panic.
pub(crate) fn chunks(data: &[u8]) {
    let mut joined = Vec::with_capacity(data.len());
    for chunk in ChunkReader::with_target(data, 1024) {
        let chunk = chunk.expect("reading from a slice never fails");
        assert_eq!(chunk.offset, joined.len(), "chunk offset");
        assert!(
            chunk.bytes.len() <= 4 * 1024,
            "chunk of {} bytes",
            chunk.bytes.len()
        );
        joined.extend_from_slice(&chunk.bytes);
        let _ = chunk.parse(&ParseOptions::lenient());
    }
    assert_eq!(joined, data, "chunks do not cover the input");
}

/// The as-of date the `validate` target uses.
pub(crate) fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 16).expect("valid date")
}

/// Target `validate`: the first byte selects the options (bit 0 lenient, bit 1 every opt-in
/// rule, bit 2 tariff flags and departure date, bits 3–7 `max_findings` 0–31), the rest is
/// the input. Never panics; the report holds at most `max_findings` findings, each of them a
/// finding of the unbounded report, and `truncated` counts the rest (the validator may stop
/// keeping findings once it has `max_findings`, so the kept ones need not be the first in
/// input order); errors are never lost from `has_errors`.
pub(crate) fn validate(data: &[u8]) {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let parse = if sel & 1 == 0 {
        ParseOptions::strict()
    } else {
        ParseOptions::lenient()
    };
    let mut opts = ValidateOptions::new(as_of());
    if sel & 2 != 0 {
        for r in RULES.iter().filter(|r| r.opt_in) {
            // Every rule of the catalogue can be enabled.
            let _ = opts.enable(r.id);
        }
    }
    if sel & 4 != 0 {
        opts.tariff_flags = Some(Default::default());
        opts.departure_date = NaiveDate::from_ymd_opt(2026, 1, 2);
        opts.importer_certified = Some(false);
    }
    let max = usize::from(sel >> 3);
    opts.max_findings = usize::MAX;
    let full = validate::check_bytes(input, &parse, &opts);
    assert_eq!(full.truncated, 0, "unbounded report truncated");
    opts.max_findings = max;
    let bounded = validate::check_bytes(input, &parse, &opts);
    assert!(
        bounded.findings.len() <= max,
        "{} findings with max_findings {max}",
        bounded.findings.len()
    );
    assert_eq!(
        bounded.findings.len() + bounded.truncated,
        full.findings.len(),
        "findings + truncated differ from the unbounded count"
    );
    if max >= full.findings.len() {
        assert_eq!(
            bounded, full,
            "a report under its bound differs from the unbounded one"
        );
    }
    // Every kept finding is one of the unbounded report (as a multiset).
    let mut pool: Vec<&validate::Finding> = full.findings.iter().collect();
    for f in &bounded.findings {
        let i = pool
            .iter()
            .position(|g| *g == f)
            .unwrap_or_else(|| panic!("bounded finding not in the unbounded report: {f:?}"));
        pool.swap_remove(i);
    }
    assert_eq!(
        bounded.has_errors(),
        full.has_errors(),
        "max_findings changes whether the report has errors"
    );
    for f in &bounded.findings {
        let _ = f.to_string();
    }
    if let Ok(t) = Transmission::parse_with(input, &parse) {
        let again = validate::validate(&t, &opts);
        assert_eq!(again, bounded, "validate and check_bytes disagree");
    }
}

/// Target `decode_json`: JSON → [`OwnedTransmission`] → bytes never panics; bytes that
/// come out parse without panic, and when they parse strictly without error they round-trip
/// through the owned form again.
pub(crate) fn decode_json(data: &[u8]) {
    let Ok(owned) = serde_json::from_slice::<OwnedTransmission>(data) else {
        return;
    };
    let _ = serde_json::to_vec(&owned).expect("owned transmission serializes");
    let Ok(bytes) = owned.to_bytes() else {
        return;
    };
    for (strict, opts) in modes() {
        let Ok(t) = Transmission::parse_with(&bytes, &opts) else {
            continue;
        };
        let again = OwnedTransmission::from_transmission(&t);
        let again_bytes = again.to_bytes();
        if strict && clean(&t) {
            assert_eq!(t.to_bytes(), bytes, "encoded bytes do not round-trip");
            assert_eq!(
                again_bytes.as_deref().ok(),
                Some(bytes.as_slice()),
                "encoded bytes do not round-trip through the owned form"
            );
        }
    }
}

/// The check of target `structured` on what the builders produced: `records` are the built
/// 80-byte records, `bytes` the transmission written with some terminator. Each record's
/// typed body reads back and writes the same 80 bytes; the strict parse of `bytes` gives
/// exactly `records` in order and serializes to `bytes`.
pub(crate) fn built(records: &[[u8; 80]], bytes: &[u8], expect_clean: bool) {
    for (i, rec) in records.iter().enumerate() {
        let id = ace_pga::records::identify(rec, false);
        if let Some(body) = ace_pga::Body::parse(id.record_type, rec, false) {
            let body = body.unwrap_or_else(|e| {
                panic!(
                    "built record {} does not read back: {e}: {:?}",
                    i + 1,
                    String::from_utf8_lossy(rec)
                )
            });
            assert_eq!(
                body.to_bytes().as_ref().map(|b| b.as_slice()),
                Ok(rec.as_slice()),
                "built record {} does not write back the same bytes",
                i + 1
            );
        }
    }
    let t = Transmission::parse_with(bytes, &ParseOptions::strict()).expect("built bytes parse");
    assert_eq!(t.to_bytes(), bytes, "built bytes do not serialize back");
    let raws: Vec<&[u8]> = t.records().map(|r| r.raw()).collect();
    let want: Vec<&[u8]> = records.iter().map(|r| r.as_slice()).collect();
    assert_eq!(raws, want, "the parse does not give the built records");
    if expect_clean {
        assert!(
            clean(&t),
            "built records have parse errors: {:?}",
            t.problems()
        );
    }
}

/// Replays one regression file of `target` through that target's checks.
pub(crate) fn run(target: &str, data: &[u8]) {
    match target {
        "parse" => parse(data),
        "roundtrip" => roundtrip(data),
        "validate" => validate(data),
        "decode_json" => decode_json(data),
        // Structured regressions are stored as the bytes the builders wrote (LF-terminated
        // records), see FUZZING.md: the round trip and the built-records check replay them.
        "structured" => {
            roundtrip(data);
            let records: Vec<[u8; 80]> = data
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .filter_map(|l| <[u8; 80]>::try_from(l).ok())
                .collect();
            built(&records, data, false);
        }
        other => panic!("unknown fuzz target {other}"),
    }
}
