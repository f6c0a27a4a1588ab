//! The JSON contract of `decode` / `encode` (issue 6, item 3):
//!
//! * `schema/decode.schema.json` is generated from the types (`schemars`) and committed; the
//!   test fails when the types and the committed schema differ. To accept a deliberate
//!   change of the JSON, regenerate it with
//!   `ACE_PGA_UPDATE_SCHEMA=1 cargo test --features schema --test schema` and note the
//!   change in `CHANGELOG.md`.
//! * every decode document of the shipped samples validates against the schema;
//! * documents that validate are accepted by `encode` (they deserialize, and encode to the
//!   bytes they describe); documents that do not validate are refused by `encode` too.

#![cfg(feature = "schema")]

use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::{OwnedTransmission, ParseOptions, Transmission};
use serde_json::{json, Value};

const SCHEMA_PATH: &str = "schema/decode.schema.json";

fn repo(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The schema as generated from the types, in its committed text form.
fn generated_text() -> String {
    let schema = schemars::schema_for!(OwnedTransmission);
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serializes");
    text.push('\n');
    text
}

fn committed() -> Value {
    let text = std::fs::read_to_string(repo(SCHEMA_PATH)).expect("committed schema");
    serde_json::from_str(&text).expect("committed schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&committed()).expect("the committed schema compiles")
}

/// The document `ace-pga decode` prints: the owned tree plus the typed organic views.
fn decode_document(input: &[u8], opts: &ParseOptions) -> Value {
    let t = Transmission::parse_with(input, opts).expect("parses");
    let owned = OwnedTransmission::from_transmission(&t);
    let organic: Vec<_> = t
        .tree()
        .pga_lines()
        .filter_map(OrganicLine::from_line)
        .collect();
    let mut doc = serde_json::to_value(&owned).expect("serializes");
    doc.as_object_mut().expect("an object").insert(
        "organic".into(),
        serde_json::to_value(&organic).expect("organic"),
    );
    doc
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn sample_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo(dir))
        .expect("sample dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_schema_matches_the_types() {
    let generated = generated_text();
    let path = repo(SCHEMA_PATH);
    if std::env::var_os("ACE_PGA_UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().expect("schema dir")).expect("mkdir schema");
        std::fs::write(&path, &generated).expect("write schema");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{SCHEMA_PATH} differs from the schema generated from the types: the decode/encode JSON \
         changed. If that is intended, run `ACE_PGA_UPDATE_SCHEMA=1 cargo test --features schema \
         --test schema`, commit the file and note the change in CHANGELOG.md."
    );
}

#[test]
fn schema_names_the_document_parts() {
    let s = committed();
    let props = s["properties"].as_object().expect("properties");
    for key in ["framing", "batches", "trailing"] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
    let required: Vec<&str> = s["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, ["framing", "batches"]);
    let text = s.to_string();
    for word in [
        "\"lf\"",
        "\"crlf\"",
        "\"cr\"",
        "\"none\"",
        "\"oi_group\"",
        "\"anchor\"",
        "\"disposition\"",
        "\"entity\"",
        "\"group\"",
    ] {
        assert!(text.contains(word), "schema lacks {word}");
    }
}

#[test]
fn every_valid_sample_decodes_to_a_valid_document_that_encodes_back() {
    let v = validator();
    for path in sample_files("spec-samples/valid") {
        let input = std::fs::read(&path).expect("sample");
        let doc = decode_document(&input, &ParseOptions::strict());
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
        let owned: OwnedTransmission = serde_json::from_value(doc).expect("encode accepts it");
        assert_eq!(
            owned.to_bytes().expect("encodes"),
            input,
            "{}",
            path.display()
        );
    }
}

#[test]
fn invalid_samples_decode_leniently_to_valid_documents() {
    let v = validator();
    for path in sample_files("spec-samples/invalid") {
        let input = std::fs::read(&path).expect("sample");
        if path.ends_with("json-not-catair.txt") {
            // F-023 (SPEC 6.1): not a transmission, nothing to decode.
            assert!(Transmission::parse_with(&input, &ParseOptions::lenient()).is_err());
            continue;
        }
        let doc = decode_document(&input, &ParseOptions::lenient());
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
        let owned: OwnedTransmission = serde_json::from_value(doc).expect("encode accepts it");
        owned.to_bytes().expect("encodes");
    }
}

/// A small document written by hand, the way an integrator would.
fn hand_written() -> Value {
    json!({
        "framing": {"terminator": "crlf"},
        "batches": [{
            "header": {"record": "A", "fields": {
                "sender_site_code": "2704", "sender_id_code": "Q7K",
                "communication_password": "PW4821", "transmission_date": "2026-03-16",
                "application_id": "SE", "sender_office_code": "01", "user_data": "REF-1"}},
            "blocks": [{
                "header": {"record": "B", "fields": {
                    "district_port_code": "2704", "filer_code": "Q7K", "application_id": "SE"}},
                "transactions": [{"items": [
                    {"item": "record", "record": "SE10", "raw": "SE10AQ7K  31547720 01 2704 031626 IM 86-4417203-00                              "},
                    {"item": "anchor",
                     "anchor": {"record": "SE60", "raw": "SE60080450802000000485000000001824000KG                                         "},
                     "oi_group": {
                        "oi": {"record": "OI", "fields": {"commercial_description": "ORGANIC FRESH MANGOES"}},
                        "lines": [{
                            "pg01": {"record": "PG01", "fields": {"pga_line_number": "1", "agency_code": "AMS", "program_code": "OR", "processing_code": "2"}},
                            "items": [
                                {"item": "record", "record": "PG02", "fields": {"item_type": "P"}},
                                {"item": "record", "record": "PG14", "fields": {"lpco_transaction_type": "1", "lpco_type": "AM1", "lpco_number": "417-2093856104-557321", "lpco_date": null}},
                                {"item": "record", "record": "PG29", "fields": {"unit_of_measure_line_net": "KG", "quantity_line_net": "1824.00"}}
                            ]
                        }]
                     }}
                ]}],
                "trailer": {"record": "Y", "fields": {
                    "district_port_code": "2704", "filer_code": "Q7K", "application_id": "SE"}}
            }],
            "trailer": {"record": "Z", "fields": {
                "sender_site_code": "2704", "sender_id_code": "Q7K", "transmission_date": "2026-03-16"}}
        }]
    })
}

#[test]
fn hand_written_documents_that_validate_are_encoded() {
    let v = validator();
    let doc = hand_written();
    assert!(errors(&v, &doc).is_empty(), "{:#?}", errors(&v, &doc));
    let owned: OwnedTransmission = serde_json::from_value(doc).expect("encode accepts it");
    let bytes = owned.to_bytes().expect("encodes");
    assert_eq!(bytes.len(), 11 * 82);
    let text = String::from_utf8(bytes.clone()).expect("ASCII");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines[5], format!("{:<80}", "PG01001AMSOR 2"));
    assert_eq!(lines[7], format!("{:<80}", "PG141AM1417-2093856104-557321"));
    assert_eq!(lines[8], format!("{:<80}", "PG29KG 000000182400"));
    // The encoded bytes parse to the same document (lines aside).
    let t = Transmission::parse(&bytes).expect("valid");
    assert_eq!(t.tree().pga_lines().count(), 1);

    // Minimal documents.
    for doc in [
        json!({"framing": {"terminator": "lf"}, "batches": []}),
        json!({"framing": {"terminator": "none", "byte_order_mark": false}, "batches": [], "trailing": ""}),
        json!({"framing": {"terminator": "cr"}, "batches": [{"blocks": []}]}),
        json!({"framing": {"terminator": "lf"}, "batches": [{"header": null, "blocks": [{"transactions": [{"items": [
            {"item": "oi_group", "oi": {"record": "OI", "fields": {"commercial_description": "X"}}, "lines": []},
            {"item": "disposition", "so70": {"record": "SO70", "fields": {"agency_code": "AMS"}}, "details": []},
            {"item": "record", "record": "SE90", "fields": {"message_type_code": "02", "narrative": "OK"}, "terminator": "crlf"}
        ]}]}]}]}),
    ] {
        assert!(
            errors(&v, &doc).is_empty(),
            "{doc}: {:#?}",
            errors(&v, &doc)
        );
        let owned: OwnedTransmission = serde_json::from_value(doc.clone())
            .unwrap_or_else(|e| panic!("{doc}: encode refuses a valid document: {e}"));
        owned.to_bytes().expect("encodes");
    }
}

#[test]
fn documents_that_do_not_validate_are_refused_by_encode_too() {
    let v = validator();
    let mut missing_framing = hand_written();
    missing_framing
        .as_object_mut()
        .expect("object")
        .remove("framing");
    let mut bad_terminator = hand_written();
    bad_terminator["framing"]["terminator"] = json!("LF");
    let mut bad_item = hand_written();
    bad_item["batches"][0]["blocks"][0]["transactions"][0]["items"][0]["item"] = json!("host");
    let mut bad_field_value = hand_written();
    bad_field_value["batches"][0]["header"]["fields"]["user_data"] = json!(17);
    let mut record_without_id = hand_written();
    record_without_id["batches"][0]["header"]
        .as_object_mut()
        .expect("object")
        .remove("record");
    let mut unknown_top = hand_written();
    unknown_top["foo"] = json!(1);
    let mut unknown_batch = hand_written();
    unknown_batch["batches"][0]["foo"] = json!(1);
    let mut unknown_record = hand_written();
    unknown_record["batches"][0]["header"]["foo"] = json!(1);
    let mut unknown_item_record = hand_written();
    unknown_item_record["batches"][0]["blocks"][0]["transactions"][0]["items"][0]["foo"] = json!(1);
    let mut unknown_anchor = hand_written();
    unknown_anchor["batches"][0]["blocks"][0]["transactions"][0]["items"][1]["foo"] = json!(1);
    let mut unknown_framing = hand_written();
    unknown_framing["framing"]["foo"] = json!(1);
    for (name, doc) in [
        ("unknown key at the top", unknown_top),
        ("unknown key in a batch", unknown_batch),
        ("unknown key in a record", unknown_record),
        ("unknown key in a record item", unknown_item_record),
        ("unknown key in an anchor item", unknown_anchor),
        ("unknown key in framing", unknown_framing),
        ("missing framing", missing_framing),
        ("bad terminator", bad_terminator),
        ("unknown item tag", bad_item),
        ("number as field value", bad_field_value),
        ("record without id", record_without_id),
    ] {
        assert!(!v.is_valid(&doc), "{name}: the schema accepts it");
        assert!(
            serde_json::from_value::<OwnedTransmission>(doc).is_err(),
            "{name}: encode accepts a document the schema refuses"
        );
    }
}
