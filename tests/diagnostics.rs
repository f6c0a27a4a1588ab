//! One diagnostic model: rule ids as a type ([`RuleId`]), one [`Location`] and one `Display`
//! for parse problems and findings, rule levels set through [`ValidateOptions`], one
//! [`BuildError`], building apart from validating, and the JSON documents of `check` and
//! `decode` as library types.

mod common;

use std::str::FromStr;

use ace_pga::compose::{
    AnchorBuilder, Envelope, OiGroupBuilder, TransactionBuilder, TransmissionBuilder,
};
use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
use ace_pga::validate::{check_bytes, Level, RuleIdError, ValidateOptions, RETIRED, RULES};
use ace_pga::write::owned::OwnedRecord;
use ace_pga::write::DecodeDocument;
use ace_pga::{
    BuildError, Decimal, NaiveDate, ParseOptions, RuleId, Severity, Terminator, Transmission,
};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

#[test]
fn every_catalogue_id_parses_displays_and_serializes_as_itself() {
    assert!(RULES.len() > 90, "the catalogue has {} rules", RULES.len());
    for r in RULES {
        let text = r.id.to_string();
        assert_eq!(RuleId::from_str(&text), Ok(r.id), "{text}");
        assert_eq!(r.id.as_str(), text);
        assert_eq!(r.id.rule(), Some(r));
        assert_eq!(
            serde_json::to_string(&r.id).expect("serializes"),
            format!("\"{text}\"")
        );
        assert!(text.starts_with(r.id.family()), "{text}");
    }
    assert_eq!(RuleId::OR_003.to_string(), "OR-003");
    assert_eq!(RuleId::OR_003.family(), "OR");
    assert_eq!(RuleId::F_001, "F-001");
    // LIMIT is an id (of parse limits), not a rule of the catalogue.
    assert_eq!("LIMIT".parse::<RuleId>(), Ok(RuleId::LIMIT));
    assert_eq!(RuleId::LIMIT.rule(), None);
}

#[test]
fn unknown_and_retired_ids_are_refused_with_the_reason() {
    for (id, why) in RETIRED {
        match id.parse::<RuleId>() {
            Err(RuleIdError::Retired { id: got, reason }) => {
                assert_eq!((got.as_str(), reason), (*id, *why));
            }
            other => panic!("{id}: {other:?}"),
        }
        let shown = id.parse::<RuleId>().expect_err("retired").to_string();
        assert!(shown.contains(id) && shown.contains(why), "{shown}");
    }
    for bad in ["OR-999", "or-003", "F-1", "", "OR-003 "] {
        let e = bad.parse::<RuleId>().expect_err("unknown");
        assert_eq!(
            e,
            RuleIdError::Unknown {
                id: bad.to_string()
            }
        );
        assert_eq!(e.to_string(), format!("{bad}: unknown rule id"));
    }
}

#[test]
fn rule_levels_parse_and_are_set_through_the_options() {
    assert_eq!("off".parse::<Level>(), Ok(Level::Off));
    assert_eq!(Level::Warning.to_string(), "warning");
    assert!("loud".parse::<Level>().is_err());
    let mut opts = ValidateOptions::new(date("2026-03-16"));
    assert_eq!(opts.level(RuleId::OR_012), None);
    opts.set_level(RuleId::OR_012, Level::Error)
        .expect("a rule")
        .set_level(RuleId::F_010, Level::Off)
        .expect("a rule");
    assert_eq!(opts.level(RuleId::OR_012), Some(Level::Error));
    assert!(!opts.runs(RuleId::F_010));
    // Opt-in rules run once enabled.
    assert!(!opts.runs(RuleId::OR_006));
    opts.enable(RuleId::OR_006).expect("a rule");
    assert!(opts.runs(RuleId::OR_006));
    // A parse limit is not a rule: it cannot be set or enabled.
    assert_eq!(
        opts.set_level(RuleId::LIMIT, Level::Off).map(|_| ()),
        Err(RuleIdError::NotARule { id: RuleId::LIMIT })
    );
    assert!(opts.enable(RuleId::LIMIT).is_err());
    assert!(!opts.runs(RuleId::LIMIT));
}

#[test]
fn problems_and_findings_share_one_location_and_one_display() {
    let input = common::read_repo("spec-samples/invalid/impossible-date.txt");
    let t = Transmission::parse_with(&input, &ParseOptions::lenient()).expect("parses");
    let p = t
        .problems()
        .iter()
        .find(|p| p.rule() == RuleId::F_013)
        .expect("an F-013 problem");
    let report = check_bytes(
        &input,
        &ParseOptions::strict(),
        &ValidateOptions::new(date("2026-03-16")),
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == RuleId::F_013)
        .expect("an F-013 finding");
    // The same place, said the same way.
    assert_eq!(p.location.line, f.location.line);
    assert_eq!(p.location.columns, f.location.columns);
    assert_eq!(p.location.offset, f.location.offset);
    let loc = f.location.to_string();
    let (s, e) = f.location.columns.expect("columns");
    assert_eq!(
        loc,
        format!(
            "line {}, record PG14, columns {s}-{e} (byte offset {})",
            f.location.line.expect("a line"),
            f.location.offset
        )
    );
    assert_eq!(
        f.to_string(),
        format!("error[F-013] {loc}: {}", f.message),
        "a finding without CBP code"
    );
    assert!(p.to_string().starts_with("error[F-013] line "), "{p}");
    // Whole-input diagnostics have no line.
    let empty = check_bytes(
        b"",
        &ParseOptions::strict(),
        &ValidateOptions::new(date("2026-03-16")),
    );
    assert_eq!(empty.findings.len(), 1);
    assert!(
        empty.findings[0]
            .to_string()
            .starts_with("error[F-020] input (byte offset 0): "),
        "{}",
        empty.findings[0]
    );
}

#[test]
fn a_finding_serializes_to_the_keys_of_check_json() {
    let input = common::read_repo("spec-samples/invalid/impossible-date.txt");
    let report = check_bytes(
        &input,
        &ParseOptions::strict(),
        &ValidateOptions::new(date("2026-03-16")),
    );
    let f = &report.findings[0];
    let text = serde_json::to_string(f).expect("serializes");
    let keys: Vec<String> =
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
            .expect("an object")
            .keys()
            .cloned()
            .collect();
    assert_eq!(
        keys,
        [
            "cbp_code", "columns", "line", "message", "offset", "record", "rule", "ruleset",
            "severity"
        ]
    );
    let (s, e) = f.location.columns.expect("columns");
    assert!(text.contains(&format!("\"columns\":[{s},{e}]")), "{text}");
    assert!(text.contains("\"rule\":\"F-013\""), "{text}");
    assert!(text.contains("\"severity\":\"error\""), "{text}");
    // The report: counts over every finding, then the findings kept.
    let v = serde_json::to_value(&report).expect("serializes");
    assert_eq!(v["errors"], report.error_count());
    assert_eq!(v["warnings"], report.warning_count());
    assert_eq!(v["omitted"]["errors"], report.truncated_errors);
    assert_eq!(v["by_rule"]["F-013"], 1);
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(report.findings.len())
    );
    assert_eq!(Severity::Error.to_string(), "error");
}

/// The documents the CLI writes are the library's, byte for byte.
#[cfg(feature = "cli")]
#[test]
fn the_cli_writes_the_library_documents() {
    let bin = env!("CARGO_BIN_EXE_ace-pga");
    for path in common::sample_files() {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .expect("in the repository")
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        let input = std::fs::read(&path).expect("sample");
        // check --format json
        let mut opts = ValidateOptions::new(date("2026-03-16"));
        opts.max_findings = 3;
        opts.set_level(RuleId::OR_012, Level::Error)
            .expect("a rule");
        let report = check_bytes(&input, &ParseOptions::lenient(), &opts);
        let mut want = serde_json::to_vec(&ace_pga::validate::CheckDocument::new(
            &rel, true, &opts, &report,
        ))
        .expect("json");
        want.push(b'\n');
        let out = std::process::Command::new(bin)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "check",
                "--format",
                "json",
                "--lenient",
                "--as-of",
                "2026-03-16",
                "--max-findings",
                "3",
                "--rule",
                "OR-012=error",
                &rel,
            ])
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&want),
            "{rel}"
        );
        // decode (the samples that parse strictly; responses are read leniently by decode)
        let Ok(t) = Transmission::parse(&input) else {
            continue;
        };
        if ace_pga::response::is_response(&t) {
            continue;
        }
        let mut want = serde_json::to_vec(&DecodeDocument::new(&t)).expect("json");
        want.push(b'\n');
        let out = std::process::Command::new(bin)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["decode", &rel])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{rel}");
        assert!(out.stdout == want, "{rel}: decode output differs");
    }
}

#[test]
fn the_decode_document_is_the_owned_model_plus_organic() {
    let input = common::read_repo("spec-samples/valid/or2-single.txt");
    let t = Transmission::parse(&input).expect("parses");
    let doc = DecodeDocument::new(&t);
    assert_eq!(doc.organic.len(), 1);
    let v = serde_json::to_value(&doc).expect("serializes");
    let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["batches", "framing", "organic"]);
    // What encode reads back is the transmission.
    let owned: ace_pga::OwnedTransmission = serde_json::from_value(v).expect("reads back");
    assert_eq!(owned.to_bytes().expect("encodes"), input);
}

fn envelope() -> Envelope<'static> {
    Envelope::new("2704", "Q7K", date("2026-03-16"))
        .password("PW4821")
        .office("01")
}

fn with_line(line: OrganicLineBuilder<'static>) -> TransmissionBuilder<'static> {
    TransmissionBuilder::cargo_release(envelope()).transaction(
        TransactionBuilder::new()
            .host("SE10AQ7K  31547727 01EI 86-44172030011800000048502704  2704")
            .anchor(
                AnchorBuilder::new("SE6008045080200000004850")
                    .oi_group(OiGroupBuilder::new("ORGANIC MANGOES").organic(line)),
            ),
    )
}

#[test]
fn building_writes_and_validating_is_a_separate_call() {
    // A DRAFT certificate: writable, so it builds; validation says CBP rejects it (OR-003).
    let draft = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("DRAFT-417-2093856104"))
        .net_quantity_kg(Decimal::new(182400, 2));
    let built = with_line(draft).build().expect("a draft builds");
    assert_eq!(built.transmission_date(), date("2026-03-16"));
    let report = built.validate(&ValidateOptions::new(built.transmission_date()));
    assert!(
        report.errors().any(|f| f.rule == RuleId::OR_003),
        "{report:?}"
    );
    // The same report as checking the bytes.
    assert_eq!(
        report,
        check_bytes(
            &built.to_bytes(Terminator::Lf),
            &ParseOptions::strict(),
            &ValidateOptions::new(built.transmission_date())
        )
    );
    // A lower-case letter cannot be written at all: a BuildError naming record and field.
    let lower = OrganicLineBuilder::or2(1).certificate(CertificateSpec::new("draft"));
    let e = with_line(lower).build().expect_err("lower case is refused");
    match &e {
        BuildError::Encode { at, source } => {
            // A, B, SE10, SE60, OI, PG01, PG02, then the PG14.
            assert_eq!(at.index, Some(8));
            assert_eq!(at.record.as_deref(), Some("PG14"));
            assert_eq!(source.field, "lpco_number");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.field(), Some("lpco_number"));
    assert_eq!(e.rule(), Some(RuleId::F_032));
    assert!(
        e.to_string()
            .starts_with("built record 8 (PG14), field lpco_number"),
        "{e}"
    );
}

#[test]
fn encoding_the_owned_model_fails_with_the_same_build_error() {
    let rec = OwnedRecord {
        line: Some(13),
        record: "PG14".into(),
        fields: Some([("lpco_number".to_string(), Some("x".repeat(40)))].into()),
        ..OwnedRecord::default()
    };
    let e = rec.to_bytes().expect_err("too long");
    let at = e.record().expect("a record");
    assert_eq!(
        (at.index, at.line, at.record.as_deref()),
        (None, Some(13), Some("PG14"))
    );
    assert_eq!(e.field(), Some("lpco_number"));
    assert_eq!(e.rule(), Some(RuleId::F_030));
    assert!(
        e.to_string()
            .starts_with("line 13, record PG14, field lpco_number (bytes "),
        "{e}"
    );
    assert!(e.to_string().ends_with("(F-030)"), "{e}");
}
