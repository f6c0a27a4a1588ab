//! ace-pga for the browser checker (`web/`): the library compiled to WebAssembly with plain
//! exports, no imports and no `wasm-bindgen`.
//!
//! # The module's interface
//!
//! The page writes the transmission into the input buffer and a small options JSON into the
//! options buffer, calls one operation, and reads the JSON answer from the output buffer:
//!
//! | export | what it does |
//! |---|---|
//! | `input_buffer(len) -> ptr` | makes the input buffer `len` bytes long (zeroed) and returns where it is |
//! | `options_buffer(len) -> ptr` | the same for the options JSON `{"as_of": "YYYY-MM-DD", "lenient": false}` |
//! | `check() -> len` | validates the input: findings, counts, organic lines ([`check_json`]) |
//! | `dump_line(line) -> len` | the field dump of one record ([`dump_line_json`]) |
//! | `output_ptr() -> ptr` | where the answer of the last operation is |
//!
//! The as-of date comes from the page: a wasm module has no clock (`validate::today_utc`
//! traps there). Everything runs on the page's thread; nothing leaves the page.
//!
//! The functions behind the exports ([`check_json`], [`dump_line_json`]) are plain safe Rust
//! and are what the native tests call.

#![deny(unsafe_code)]

use std::cell::RefCell;

use ace_pga::validate::{self, ValidateOptions};
use ace_pga::write::dump::{dump_record, DumpContent};
use ace_pga::{NaiveDate, ParseOptions, Severity, Transmission};
use serde_json::{json, Value};

/// Options of an operation, from the page.
struct Options {
    as_of: NaiveDate,
    lenient: bool,
}

/// Reads the options JSON (`{"as_of": "YYYY-MM-DD", "lenient": bool}`).
fn options(json: &[u8]) -> Result<Options, String> {
    let v: Value =
        serde_json::from_slice(json).map_err(|e| format!("options are not JSON: {e}"))?;
    let as_of = v
        .get("as_of")
        .and_then(Value::as_str)
        .ok_or("options: `as_of` (YYYY-MM-DD) is required: the page has the clock")?;
    let as_of = ace_pga::parse_iso_date(as_of)
        .ok_or_else(|| format!("options: as_of {as_of:?} is not a date YYYY-MM-DD"))?;
    let lenient = v.get("lenient").and_then(Value::as_bool).unwrap_or(false);
    Ok(Options { as_of, lenient })
}

fn parse_options(lenient: bool) -> ParseOptions {
    if lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    }
}

/// The record's bytes as text (Latin-1: one character per byte, so columns stay columns).
fn text(raw: &[u8]) -> String {
    raw.iter().map(|&b| char::from(b)).collect()
}

/// Validates `input` as `ace-pga check --format json` does (same parse options, same rules,
/// same as-of date) and answers with
/// `{"errors", "warnings", "findings": [...], "organic": [...]}` or `{"error": "..."}`.
///
/// Each finding carries `rule`, `severity`, `line`, `columns` (`[start, end]`, 1-based,
/// inclusive), `record`, `message`, `cbp_code` and `text`, the record line it points at.
/// `organic` lists the AMS OR PGA lines: line, message type, net quantity in kg, lots and
/// one entry per certificate (SPEC 5).
pub fn check_json(input: &[u8], options_json: &[u8]) -> String {
    let opts = match options(options_json) {
        Ok(o) => o,
        Err(e) => return json!({ "error": e }).to_string(),
    };
    let parse = parse_options(opts.lenient);
    let report = validate::check_bytes(input, &parse, &ValidateOptions::new(opts.as_of));
    let parsed = Transmission::parse_with(input, &parse).ok();
    // Every record's line and bytes, once, in input order (line numbers ascending): a finding
    // finds its record by binary search, not by a scan of the whole input per finding.
    let lines: Vec<(u32, &[u8])> = parsed
        .as_ref()
        .map(|t| t.records().map(|r| (r.line(), r.raw())).collect())
        .unwrap_or_default();
    let line_text = |line: Option<u32>| -> Option<String> {
        let line = line?;
        let i = lines.binary_search_by_key(&line, |&(l, _)| l).ok()?;
        lines.get(i).map(|&(_, raw)| text(raw))
    };
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity.to_string(),
                "line": f.location.line,
                "columns": f.location.columns.map(|(s, e)| [s, e]),
                "record": f.location.record,
                "message": f.message,
                "cbp_code": f.cbp_code,
                "text": line_text(f.location.line),
            })
        })
        .collect();
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let organic: Vec<Value> = parsed
        .as_ref()
        .map(|t| {
            t.organic_lines()
                .map(|o| {
                    json!({
                        "line": o.line,
                        "message_type": o.message_type.as_str(),
                        "net_quantity_kg": o.net_quantity_kg.map(|q| q.to_string()),
                        "lots": o.lots.iter().map(|l| l.lot_number).collect::<Vec<_>>(),
                        "certificates": o.certificates.iter().map(|c| json!({
                            "line": c.line,
                            "number": c.number.to_string(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "errors": errors,
        "warnings": report.findings.len() - errors,
        "findings": findings,
        "organic": organic,
    })
    .to_string()
}

/// The field dump of record `line` of `input`: `{"line", "record", "text", "fields": [{"name",
/// "start", "end", "value"}]}` (columns 1-based, inclusive; `value` `null` when the field is
/// all spaces), `raw` instead of `fields` for a record without a layout, or `{"error": "..."}`.
pub fn dump_line_json(input: &[u8], options_json: &[u8], line: u32) -> String {
    let opts = match options(options_json) {
        Ok(o) => o,
        Err(e) => return json!({ "error": e }).to_string(),
    };
    let t = match Transmission::parse_with(input, &parse_options(opts.lenient)) {
        Ok(t) => t,
        Err(e) => return json!({ "error": e.to_string() }).to_string(),
    };
    let Some(r) = t.records().find(|r| r.line() == line) else {
        return json!({ "error": format!("no record at line {line}") }).to_string();
    };
    let dump = dump_record(r);
    let layout = r.body().map(|b| b.layout());
    let fields = |named: &[(&'static str, Option<String>)]| -> Vec<Value> {
        named
            .iter()
            .map(|(name, value)| {
                let def = layout.and_then(|l| l.field(name));
                json!({
                    "name": name,
                    "start": def.map(|d| d.start),
                    "end": def.map(|d| d.end),
                    "value": value,
                })
            })
            .collect()
    };
    let (fields, error) = match &dump.content {
        DumpContent::Fields(f) | DumpContent::FieldsAndRaw(f, _) => (fields(f), None),
        DumpContent::Partial(f, _, e) => (fields(f), Some(e.to_string())),
        DumpContent::Invalid(_, e) => (Vec::new(), Some(e.to_string())),
        _ => (Vec::new(), None),
    };
    json!({
        "line": r.line(),
        "record": dump.record,
        "variant": dump.variant,
        "text": text(r.raw()),
        "fields": fields,
        "error": error,
    })
    .to_string()
}

// ---------------------------------------------------------------------------------------
// The wasm exports: buffers owned by the module, one operation at a time.
// ---------------------------------------------------------------------------------------

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OPTIONS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Resizes `buf` to `len` zero bytes and returns where its bytes are.
fn reserve(buf: &'static std::thread::LocalKey<RefCell<Vec<u8>>>, len: usize) -> *mut u8 {
    buf.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Stores an answer in the output buffer and returns its length.
fn answer(s: String) -> usize {
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        *o = s.into_bytes();
        o.len()
    })
}

/// Makes the input buffer `len` bytes long and returns its address.
#[allow(unsafe_code)] // `no_mangle` exports a symbol; the function itself is safe
#[no_mangle]
pub extern "C" fn input_buffer(len: usize) -> *mut u8 {
    reserve(&INPUT, len)
}

/// Makes the options buffer `len` bytes long and returns its address.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn options_buffer(len: usize) -> *mut u8 {
    reserve(&OPTIONS, len)
}

/// The address of the last answer.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    OUTPUT.with(|o| o.borrow().as_ptr())
}

/// [`check_json`] over the buffers; returns the answer's length.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn check() -> usize {
    let s = INPUT.with(|i| OPTIONS.with(|o| check_json(&i.borrow(), &o.borrow())));
    answer(s)
}

/// [`dump_line_json`] over the buffers; returns the answer's length.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn dump_line(line: u32) -> usize {
    let s = INPUT.with(|i| OPTIONS.with(|o| dump_line_json(&i.borrow(), &o.borrow(), line)));
    answer(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[u8] = br#"{"as_of": "2026-03-16"}"#;

    fn sample(path: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../spec-samples/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("sample")
    }

    #[test]
    fn check_finds_the_ten_digit_nop_id() {
        let v: Value = serde_json::from_str(&check_json(
            &sample("invalid/or2-nop-id-10-digit.txt"),
            OPTS,
        ))
        .expect("json");
        assert_eq!(v["errors"], 1);
        let f = &v["findings"][0];
        assert_eq!(f["rule"], "OR-002");
        assert_eq!(f["columns"], json!([9, 41]));
        assert!(f["text"].as_str().expect("text").starts_with("PG14"));
    }

    #[test]
    fn check_lists_the_certificates_of_a_valid_filing() {
        let v: Value =
            serde_json::from_str(&check_json(&sample("valid/or2-single.txt"), OPTS)).expect("json");
        assert_eq!(v["errors"], 0);
        assert_eq!(v["organic"][0]["message_type"], "OR2");
        assert_eq!(
            v["organic"][0]["certificates"][0]["number"],
            "417-2093856104-557321"
        );
    }

    #[test]
    fn options_need_the_page_date() {
        let v: Value = serde_json::from_str(&check_json(b"A", b"{}")).expect("json");
        assert!(v["error"].as_str().expect("error").contains("as_of"));
    }

    #[test]
    fn dump_line_names_fields_with_columns() {
        let input = sample("valid/or2-single.txt");
        let t = Transmission::parse(&input).expect("parse");
        let pg14 = t
            .records()
            .find(|r| r.raw().starts_with(b"PG14"))
            .map(|r| r.line())
            .expect("a PG14");
        let v: Value = serde_json::from_str(&dump_line_json(&input, OPTS, pg14)).expect("json");
        let f = v["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == "lpco_number")
            .expect("lpco_number");
        assert_eq!(
            (f["start"].clone(), f["end"].clone()),
            (json!(9), json!(41))
        );
        assert_eq!(f["value"], "417-2093856104-557321");
    }

    #[test]
    fn the_exports_round_trip_through_the_buffers() {
        let input = sample("valid/or2-single.txt");
        let p = input_buffer(input.len());
        assert!(!p.is_null());
        INPUT.with(|i| i.borrow_mut().copy_from_slice(&input));
        options_buffer(OPTS.len());
        OPTIONS.with(|o| o.borrow_mut().copy_from_slice(OPTS));
        let n = check();
        let out = OUTPUT.with(|o| o.borrow().clone());
        assert_eq!(n, out.len());
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["errors"], 0);
    }
}
