//! The CLI's JSON documents as library calls (feature `json`): `response::StatusDocument`
//! (`status --format json`) and `write::EncodeInput` / `write::encode_json` (`encode`).
//! The CLI and the bindings use them; `bindings/core/tests/cli_mirror.rs` compares bytes.

#![cfg(feature = "json")]

mod common;

use ace_pga::response::{Correlation, StatusDocument};
use ace_pga::write::{encode_json, DecodeDocument, EncodeInput, EncodeJsonError};
use ace_pga::Transmission;
use serde_json::Value;

use common::read_repo;

fn decode_json(path: &str) -> (Vec<u8>, Vec<u8>) {
    let data = read_repo(path);
    let t = Transmission::parse(&data).expect("parses");
    let json = serde_json::to_vec(&DecodeDocument::new(&t)).expect("serializes");
    (data, json)
}

#[test]
fn encode_json_gives_back_the_bytes_and_the_organic_section_agrees() {
    let (data, json) = decode_json("spec-samples/valid/or2-single.txt");
    assert_eq!(encode_json(&json).expect("encodes"), data);
    let input = EncodeInput::from_json_slice(&json).expect("reads");
    assert!(input.organic.is_some());
    assert_eq!(input.organic_difference(&data), None);
}

#[test]
fn an_edited_organic_section_is_reported_not_written() {
    let (data, json) = decode_json("spec-samples/valid/or2-single.txt");
    let mut v: Value = serde_json::from_slice(&json).expect("json");
    v["organic"] = Value::Array(Vec::new());
    let edited = serde_json::to_vec(&v).expect("json");
    assert_eq!(encode_json(&edited).expect("encodes"), data);
    let input = EncodeInput::from_json_slice(&edited).expect("reads");
    let diff = input.organic_difference(&data).expect("a difference");
    assert!(diff.starts_with("organic[0]: JSON lacks it"), "{diff}");
}

#[test]
fn encode_json_refuses_with_the_json_path() {
    let (_, json) = decode_json("spec-samples/valid/or2-single.txt");
    let mut v: Value = serde_json::from_slice(&json).expect("json");
    v["framing"]["surprise"] = Value::Bool(true);
    let err = encode_json(&serde_json::to_vec(&v).expect("json")).expect_err("unknown key");
    assert!(matches!(err, EncodeJsonError::Json(_)));
    assert!(
        err.to_string()
            .starts_with("framing.surprise: unknown field `surprise`"),
        "{err}"
    );
    let err = encode_json(b"[1, 2").expect_err("not JSON");
    assert!(
        err.to_string().starts_with("not ace-pga decode JSON: "),
        "{err}"
    );
}

#[test]
fn status_document_lists_lines_responses_and_skipped() {
    let sub = read_repo("spec-samples/valid/or2-single.txt");
    let so = read_repo("spec-samples/valid/so-status.txt");
    let mut book = Correlation::new(&Transmission::parse(&sub).expect("parses"));
    book.add_response("so", &Transmission::parse(&so).expect("parses"));
    let plain = StatusDocument::new("sub", &book).to_vec();
    let v: Value = serde_json::from_slice(&plain).expect("json");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["lines", "responses", "submission", "unmatched"]);
    assert_eq!(
        v["lines"].as_array().map(Vec::len),
        Some(book.lines().len())
    );
    assert_eq!(
        v["lines"][0]["status"],
        book.lines().next().expect("a line").status().name()
    );
    assert_eq!(v["responses"][0]["name"], "so");

    let with = StatusDocument::new("sub", &book)
        .with_lines(Vec::new())
        .skipped("bad", "not a transmission")
        .to_vec();
    let w: Value = serde_json::from_slice(&with).expect("json");
    assert_eq!(w["lines"], Value::Array(Vec::new()));
    assert_eq!(w["skipped"][0]["file"], "bad");
    assert_eq!(w["skipped"][0]["problem"], "not a transmission");
    // Compact, without a final newline (the CLI adds it).
    assert!(!with.ends_with(b"\n"));
}
