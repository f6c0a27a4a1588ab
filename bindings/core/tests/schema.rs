//! The documents of the bindings against the committed JSON Schemas: `schema/check.schema.json`
//! (the check report, and `$defs/ErrorDocument` for refused inputs) and
//! `schema/decode.schema.json`, on every shipped sample.

use std::path::{Path, PathBuf};

use ace_pga_bindings::{Options, Outcome};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("schema").join(name)).expect("schema");
    serde_json::from_str(&text).expect("schema JSON")
}

/// A validator of `$defs/NAME` of a schema.
fn validator_of(mut s: Value, def: Option<&str>) -> jsonschema::Validator {
    if let Some(name) = def {
        let defs = s["$defs"].clone();
        s = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/$defs/{name}"),
            "$defs": defs,
        });
    }
    jsonschema::validator_for(&s).expect("a valid schema")
}

fn assert_valid(v: &jsonschema::Validator, doc: &[u8], what: &str) {
    let doc: Value = serde_json::from_slice(doc).expect("JSON");
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

fn samples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["spec-samples/valid", "spec-samples/invalid"] {
        for e in std::fs::read_dir(root().join(dir)).expect("samples") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_document_validates() {
    let check = validator_of(schema("check.schema.json"), None);
    let error = validator_of(schema("check.schema.json"), Some("ErrorDocument"));
    let decode = validator_of(schema("decode.schema.json"), None);
    let (mut reports, mut decoded, mut refused) = (0, 0, 0);
    for path in samples() {
        let data = std::fs::read(&path).expect("sample");
        let name = path.display().to_string();
        for json in [
            r#"{"as_of":"2026-03-16"}"#,
            r#"{"as_of":"2026-03-16","lenient":true,"max_findings":1}"#,
        ] {
            let o = Options::from_json(Some(json.as_bytes())).expect("options");
            match ace_pga_bindings::check(&data, &o) {
                Outcome::Ok(d) | Outcome::Invalid(d) => assert_valid(&check, &d, &name),
                Outcome::Usage(m) => panic!("{m}"),
            }
            reports += 1;
            match ace_pga_bindings::decode(&data, &o) {
                Outcome::Ok(d) => {
                    assert_valid(&decode, &d, &name);
                    decoded += 1;
                }
                Outcome::Invalid(d) => {
                    assert_valid(&error, &d, &name);
                    refused += 1;
                }
                Outcome::Usage(m) => panic!("{m}"),
            }
        }
    }
    for bad in [&b"[1]"[..], b"{}", b"{\"framing\": 1}"] {
        match ace_pga_bindings::encode(bad, &Options::default()) {
            Outcome::Invalid(d) => assert_valid(&error, &d, "encode"),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        reports > 60 && decoded > 20 && refused >= 10,
        "{reports} {decoded} {refused}"
    );
}

#[test]
fn the_schemas_refuse_what_is_not_a_report() {
    let check = validator_of(schema("check.schema.json"), None);
    let error = validator_of(schema("check.schema.json"), Some("ErrorDocument"));
    let o = Options::from_json(Some(br#"{"as_of":"2026-03-16"}"#)).expect("options");
    let data =
        std::fs::read(root().join("spec-samples/invalid/or2-nop-id-10-digit.txt")).expect("sample");
    let report: Value = match ace_pga_bindings::check(&data, &o) {
        Outcome::Invalid(d) => serde_json::from_slice(&d).expect("JSON"),
        other => panic!("{other:?}"),
    };
    assert!(check.is_valid(&report));
    for (pointer, value) in [
        ("/mode", Value::from("loose")),
        ("/findings/0/severity", Value::from("fatal")),
        ("/findings/0/columns", serde_json::json!([1])),
        ("/errors", Value::from(-1)),
    ] {
        let mut bad = report.clone();
        *bad.pointer_mut(pointer).expect("pointer") = value;
        assert!(!check.is_valid(&bad), "{pointer}");
    }
    let mut extra = report.clone();
    extra["findings"][0]["extra"] = Value::from(1);
    assert!(!check.is_valid(&extra));
    assert!(!error.is_valid(&serde_json::json!({"error": "x"})));
    assert!(error.is_valid(&serde_json::json!({"error": "x", "findings": []})));
}
