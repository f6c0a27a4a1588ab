//! The streamed encode (`ace_pga::stream::encode`) against the whole-document path
//! (`EncodeInput::from_json_slice`, `to_bytes`, `organic_difference`): the same bytes, the
//! same error message, the same organic warning, for the decode JSON of every sample and
//! many edited documents (errors at every level, keys in another order, organic edits).

#![cfg(feature = "json")]

mod common;

use std::io::Cursor;

use ace_pga::stream::encode::{encode_stream, StreamEncodeError};
use ace_pga::write::{DecodeDocument, EncodeInput};
use ace_pga::{ParseOptions, Transmission};
use serde_json::{json, Value};

use common::*;

/// Bytes and organic warning, or the error message.
fn oracle(json: &[u8]) -> Result<(Vec<u8>, Option<String>), String> {
    let input = EncodeInput::from_json_slice(json).map_err(|e| e.to_string())?;
    let bytes = input.transmission.to_bytes().map_err(|e| e.to_string())?;
    let diff = input.organic_difference(&bytes);
    Ok((bytes, diff))
}

fn streamed(json: &[u8]) -> Result<(Vec<u8>, Option<String>), String> {
    let mut spill = Cursor::new(b"stale bytes of an earlier use".to_vec());
    match encode_stream(|| Ok(json), &mut spill) {
        Ok(s) => {
            let all = spill.into_inner();
            let len = usize::try_from(s.len).expect("len");
            Ok((all[..len].to_vec(), s.organic_difference))
        }
        Err(StreamEncodeError::Json(e)) => Err(e.to_string()),
        Err(e) => panic!("I/O error on a slice: {e}"),
    }
}

fn same(name: &str, json: &[u8]) {
    let want = oracle(json);
    let got = streamed(json);
    assert_eq!(want, got, "{name}");
}

fn decode_json(input: &[u8], pretty: bool) -> Vec<u8> {
    let t = Transmission::parse_with(input, &ParseOptions::lenient()).expect("parses");
    let doc = DecodeDocument::new(&t);
    if pretty {
        serde_json::to_vec_pretty(&doc)
    } else {
        serde_json::to_vec(&doc)
    }
    .expect("json")
}

#[test]
fn every_sample_encodes_the_same() {
    for file in sample_files() {
        let input = std::fs::read(&file).expect("sample");
        if Transmission::parse_with(&input, &ParseOptions::lenient()).is_err() {
            continue;
        }
        for pretty in [false, true] {
            let json = decode_json(&input, pretty);
            same(&file.display().to_string(), &json);
            let (bytes, diff) = streamed(&json).expect("encodes");
            assert!(
                diff.is_none(),
                "{}: organic differs: {diff:?}",
                file.display()
            );
            // Round trip: the repaired bytes the whole path writes.
            let t = Transmission::parse_with(&input, &ParseOptions::lenient()).expect("parses");
            assert_eq!(bytes, t.to_bytes(), "{}: round trip", file.display());
        }
    }
}

/// Edits a decode document of or2-multi and checks the streamed encode against the whole
/// path on the result.
fn edited(name: &str, edit: impl Fn(&mut Value)) {
    let input = read_repo("spec-samples/valid/or2-multi.txt");
    let mut doc: Value = serde_json::from_slice(&decode_json(&input, false)).expect("json");
    edit(&mut doc);
    same(name, &serde_json::to_vec(&doc).expect("json"));
}

fn tx(doc: &mut Value, n: usize) -> &mut Value {
    &mut doc["batches"][0]["blocks"][0]["transactions"][n]
}

#[test]
fn edited_documents_encode_or_fail_the_same() {
    edited("unchanged", |_| {});
    edited("unknown top key", |d| d["extra"] = json!(1));
    edited("unknown batch key", |d| d["batches"][0]["extra"] = json!(1));
    edited("unknown block key", |d| {
        d["batches"][0]["blocks"][0]["extra"] = json!(1)
    });
    edited("unknown transaction key", |d| tx(d, 0)["extra"] = json!(1));
    edited("no framing", |d| {
        d.as_object_mut().map(|o| o.remove("framing"));
    });
    edited("no batches", |d| {
        d.as_object_mut().map(|o| o.remove("batches"));
    });
    edited("no blocks", |d| {
        d["batches"][0].as_object_mut().map(|o| o.remove("blocks"));
    });
    edited("no transactions", |d| {
        d["batches"][0]["blocks"][0]
            .as_object_mut()
            .map(|o| o.remove("transactions"));
    });
    edited("no header", |d| {
        d["batches"][0].as_object_mut().map(|o| o.remove("header"));
    });
    edited("batches a string", |d| d["batches"] = json!("x"));
    edited("batch a number", |d| d["batches"][0] = json!(3));
    edited("block a string", |d| {
        d["batches"][0]["blocks"][0] = json!("b")
    });
    edited("transactions an object", |d| {
        d["batches"][0]["blocks"][0]["transactions"] = json!({})
    });
    edited("framing wrong", |d| {
        d["framing"]["terminator"] = json!("tab")
    });
    edited("trailing a number", |d| d["trailing"] = json!(5));
    edited("trailing bad", |d| d["trailing"] = json!("x\n"));
    edited("trailing eof", |d| d["trailing"] = json!("\n\u{1a}"));
    edited("framing none", |d| {
        d["framing"]["terminator"] = json!("none")
    });
    edited("organic ignored type", |d| d["organic"] = json!({"a": 1}));
    edited("organic null", |d| d["organic"] = Value::Null);
    edited("organic absent", |d| {
        d.as_object_mut().map(|o| o.remove("organic"));
    });
    edited("organic fewer", |d| {
        d["organic"].as_array_mut().map(|a| a.pop());
    });
    edited("organic more", |d| {
        let extra = d["organic"][0].clone();
        if let Some(a) = d["organic"].as_array_mut() {
            a.push(extra);
        }
    });
    edited("organic empty", |d| d["organic"] = json!([]));
    edited("organic edited", |d| {
        let last = d["organic"]
            .as_array()
            .map_or(0, Vec::len)
            .saturating_sub(1);
        d["organic"][last]["x"] = json!("y");
    });
    // Record errors, and a JSON error after a record error (the JSON error wins).
    edited("raw too short", |d| {
        tx(d, 0)["items"][0]["raw"] = json!("SE10")
    });
    edited("bad field then unknown key", |d| {
        tx(d, 0)["items"][0]["raw"] = json!("SE10");
        d["batches"][0]["blocks"][0]["extra"] = json!(1);
    });
    edited("terminator none mid", |d| {
        tx(d, 0)["items"][0]["terminator"] = json!("none")
    });
    edited("terminator none on Z", |d| {
        d["batches"][0]["trailer"]["terminator"] = json!("none")
    });
    edited("bad header record", |d| {
        d["batches"][0]["header"]["raw"] = json!("A")
    });
    edited("bad trailer record", |d| {
        d["batches"][0]["blocks"][0]["trailer"]["raw"] = json!("Y")
    });
    // Keys in another order than decode writes them.
    edited("framing last", |d| {
        let f = d["framing"].take();
        d.as_object_mut().map(|o| {
            o.remove("framing");
            o.insert("framing".into(), f)
        });
    });
    edited("framing last, crlf", |d| {
        d["framing"]["terminator"] = json!("crlf");
        let f = d["framing"].take();
        d.as_object_mut().map(|o| {
            o.remove("framing");
            o.insert("framing".into(), f)
        });
    });
    for (level, key) in [
        ("batch", "header"),
        ("block", "header"),
        ("batch", "trailer"),
        ("block", "trailer"),
    ] {
        edited(&format!("{level} {key} last"), |d| {
            let obj = if level == "batch" {
                &mut d["batches"][0]
            } else {
                &mut d["batches"][0]["blocks"][0]
            };
            let v = obj[key].take();
            obj.as_object_mut().map(|o| {
                o.remove(key);
                o.insert(key.into(), v)
            });
        });
    }
    // The array form of a batch and a block.
    edited("batch as array", |d| {
        let b = d["batches"][0].take();
        d["batches"][0] = json!([b["header"], b["blocks"], b["trailer"]]);
    });
    edited("block as short array", |d| {
        let b = d["batches"][0]["blocks"][0].take();
        d["batches"][0]["blocks"][0] = json!([b["header"], b["transactions"]]);
    });
}

#[test]
fn malformed_json_fails_the_same() {
    let input = read_repo("spec-samples/valid/or2-single.txt");
    let json = decode_json(&input, true);
    for cut in [0, 1, 10, json.len() / 2, json.len() - 1] {
        same(&format!("cut at {cut}"), &json[..cut]);
    }
    let text = String::from_utf8(json).expect("utf8");
    same(
        "duplicate key",
        text.replacen("\"framing\"", "\"framing\": {}, \"framing\"", 1)
            .as_bytes(),
    );
    same("trailing garbage", format!("{text} x").as_bytes());
    // A record error early, a key given twice late: the key wins (the JSON is read first).
    let record_error = text.replacen(
        "\"record\": \"PG01\"",
        "\"record\": \"PG01\",\n\"raw\": \"PG01\"",
        1,
    );
    assert_ne!(record_error, text);
    same("record error", record_error.as_bytes());
    let both = record_error.replacen(
        "\"organic\"",
        "\"trailing\": \"\", \"trailing\": \"\", \"organic\"",
        1,
    );
    assert_ne!(both, record_error);
    same("record error, then a key given twice", both.as_bytes());
    let (want, got) = (oracle(both.as_bytes()), streamed(both.as_bytes()));
    assert!(want.is_err_and(|m| m.contains("given twice")), "{got:?}");
    same("not an object", b"[1, 2]");
    // No records: the organic section against none (the records do not parse).
    let empty = r#"{"framing":{"terminator":"lf"},"batches":[],"organic":[{"x":1},2]}"#;
    same("no records, organic given", empty.as_bytes());
    same(
        "no records, organic empty",
        br#"{"framing":{"terminator":"lf"},"batches":[],"organic":[]}"#,
    );
    same(
        "organic a string",
        br#"{"organic":"x","framing":{"terminator":"lf"},"batches":[]}"#,
    );
    // The organic section first, and twice as long as the records give.
    let input = read_repo("spec-samples/valid/or2-multi.txt");
    let mut doc: Value = serde_json::from_slice(&decode_json(&input, false)).expect("json");
    let organic = doc["organic"].take();
    let twice: Vec<Value> = organic
        .as_array()
        .into_iter()
        .flatten()
        .chain(organic.as_array().into_iter().flatten())
        .cloned()
        .collect();
    let text = serde_json::to_string(&doc).expect("json");
    let first = format!("{{\"organic\":{},{}", Value::Array(twice), &text[1..]);
    same(
        "organic first, doubled",
        first.replace(",\"organic\":null", "").as_bytes(),
    );
}

/// Items read with their `item` tag first (as `decode` writes them: the streamed path reads
/// the rest of the object straight into the variant) and with the tag elsewhere (the
/// buffered path) encode, or fail, as the whole path does.
#[test]
fn items_with_the_tag_first_or_later_encode_or_fail_the_same() {
    for name in ["or2-multi", "or1-full", "multi-agency"] {
        let input = read_repo(&format!("spec-samples/valid/{name}.txt"));
        let json = String::from_utf8(decode_json(&input, false)).expect("utf-8");
        assert!(
            json.contains(r#"{"item":"anchor","#),
            "{name}: the tag comes first"
        );
        same(name, json.as_bytes());
        let edits: &[(&str, &str)] = &[
            (r#"{"item":"anchor","#, r#"{"item":"anchr","#),
            (r#"{"item":"anchor","#, r#"{"item":7,"#),
            (r#"{"item":"anchor","#, r#"{"item":"anchor","extra":1,"#),
            (
                r#"{"item":"anchor","#,
                r#"{"item":"anchor","item":"anchor","#,
            ),
            (r#"{"item":"anchor","#, r#"{"item":"oi_group","#),
            (
                r#"{"item":"record","#,
                r#"{"item":"record","conditions":[],"#,
            ),
            (
                r#"{"item":"record","#,
                r#"{"item":"record","conditions":5,"#,
            ),
            (r#"{"item":"record","#, r#"{"item":"anchor","#),
            (r#"{"item":"record","#, r#"{"extra":1,"item":"record","#),
            (r#"{"item":"record","#, r#"{"line":1,"item":"record","#),
        ];
        for (from, to) in edits {
            if !json.contains(from) {
                continue;
            }
            let edited = json.replacen(from, to, 1);
            same(&format!("{name}: {from} -> {to}"), edited.as_bytes());
            assert!(oracle(edited.as_bytes()).is_err() || to.contains("conditions\":[]"));
        }
        // Every item with its tag last (a JSON value's keys are sorted: `item` after
        // `anchor`, `fields`, …): the buffered path, the same bytes.
        let sorted: Value = serde_json::from_str(&json).expect("json");
        let sorted = serde_json::to_vec(&sorted).expect("json");
        same(&format!("{name}: sorted keys"), &sorted);
        assert_eq!(streamed(&sorted).expect("encodes").0, input, "{name}");
    }
}

/// One organic PGA line of 3,000 lots (`PG25`): the streamed encode compares its entry as
/// text (no `serde_json::Value` of it), member by member where the texts differ; the
/// warning is the whole-document path's for an edit at any depth, in keys of any order.
#[test]
fn a_line_of_many_lots_compares_the_same() {
    let sample = read_repo("spec-samples/valid/or2-single.txt");
    let text = String::from_utf8(sample).expect("ascii");
    let lines: Vec<&str> = text.lines().collect();
    let lot = lines
        .iter()
        .position(|l| l.starts_with("PG25"))
        .expect("a PG25");
    let mut records: Vec<String> = lines[..lot].iter().map(|l| l.to_string()).collect();
    for i in 0..3000 {
        records.push(format!("{:<80}", format!("PG25          3LOT-{i:07}")));
    }
    records.extend(
        lines[lot..]
            .iter()
            .filter(|l| !l.starts_with("PG25"))
            .map(|l| l.to_string()),
    );
    let input = format!("{}\n", records.join("\n")).into_bytes();
    let json = decode_json(&input, true);
    assert_eq!(streamed(&json).expect("encodes").1, None, "as decoded");
    let doc: Value = serde_json::from_slice(&json).expect("json");
    // Re-written by serde_json: every object's keys sorted (not the decode writer's order).
    same(
        "many lots, keys sorted",
        &serde_json::to_vec(&doc).expect("json"),
    );
    type Edit = (&'static str, fn(&mut Value));
    let edits: [Edit; 6] = [
        ("last lot", |d| {
            d["organic"][0]["lots"][2999]["lot_number"] = json!("LOT-X")
        }),
        ("a lot fewer", |d| {
            d["organic"][0]["lots"].as_array_mut().map(|a| a.remove(17));
        }),
        ("a lot more", |d| {
            if let Some(a) = d["organic"][0]["lots"].as_array_mut() {
                a.push(json!({"x": "é"}));
            }
        }),
        ("lots an object", |d| {
            d["organic"][0]["lots"] = json!({"lot_number": "x".repeat(80)})
        }),
        ("a lot's line a float", |d| {
            d["organic"][0]["lots"][5]["line"] = json!(17.0)
        }),
        ("an unknown key", |d| d["organic"][0]["zz"] = json!([1, 2])),
    ];
    for (name, edit) in edits {
        let mut d = doc.clone();
        edit(&mut d);
        let json = serde_json::to_vec_pretty(&d).expect("json");
        let got = streamed(&json).expect("encodes").1;
        assert!(got.is_some(), "{name}: a difference");
        same(name, &json);
    }
}
