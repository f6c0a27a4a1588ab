//! The layout table against `spec/records.csv`, and table-driven round trips of every field of
//! every layout: dump-form value → `build_record` → `Body::parse` → `FieldDef::read` → the
//! same value, with the typed struct writer producing the same 80 bytes.

mod common;

use std::collections::{BTreeMap, HashMap};

use ace_pga::error::{EncodeError, EncodeErrorKind};
use ace_pga::layout::{build_record, is_cbp_char, Class, FieldDef, Kind, RecordLayout};
use ace_pga::records::identify;
use ace_pga::records::{Body, RecordType, ALL_LAYOUTS};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

// ---------------------------------------------------------------------------------------
// records.csv
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct CsvRow {
    record: String,
    field: String,
    start: u8,
    end: u8,
    length: usize,
    class: String,
    designation: String,
    decimals: u8,
    format: Option<String>,
}

/// The rows of `spec/records.csv`, in file order.
fn csv_rows() -> Vec<CsvRow> {
    let path = common::repo_path("spec/records.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("spec/records.csv opens");
    let headers = rdr.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("records.csv has no column {name}"))
    };
    let (c_rec, c_field, c_start, c_end, c_len) = (
        col("record"),
        col("field"),
        col("start"),
        col("end"),
        col("length"),
    );
    let (c_class, c_desig, c_dec, c_fmt) = (
        col("class"),
        col("designation"),
        col("decimals"),
        col("format"),
    );
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("records.csv row {}: {e}", i + 2));
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let num = |c: usize| -> usize {
            get(c)
                .parse()
                .unwrap_or_else(|e| panic!("records.csv row {}: column {c}: {e}", i + 2))
        };
        let dec = get(c_dec);
        let fmt = get(c_fmt);
        rows.push(CsvRow {
            record: get(c_rec),
            field: get(c_field),
            start: u8::try_from(num(c_start)).expect("start fits u8"),
            end: u8::try_from(num(c_end)).expect("end fits u8"),
            length: num(c_len),
            class: get(c_class),
            designation: get(c_desig),
            decimals: if dec.is_empty() {
                0
            } else {
                dec.parse().expect("decimals is a number")
            },
            format: (!fmt.is_empty()).then_some(fmt),
        });
    }
    rows
}

#[test]
fn layouts_match_records_csv() {
    let rows = csv_rows();
    assert!(
        rows.len() > 300,
        "records.csv looks truncated: {} rows",
        rows.len()
    );

    // Record ids in CSV order, and the rows of each.
    let mut order: Vec<String> = Vec::new();
    let mut by_record: BTreeMap<String, Vec<CsvRow>> = BTreeMap::new();
    for r in &rows {
        if !order.contains(&r.record) {
            order.push(r.record.clone());
        }
        by_record
            .entry(r.record.clone())
            .or_default()
            .push(r.clone());
    }
    assert_eq!(order.len(), 45, "records.csv declares 45 layouts");
    assert_eq!(ALL_LAYOUTS.len(), 45, "ALL_LAYOUTS has 45 layouts");

    // Exactly one layout per CSV record and vice versa; ALL_LAYOUTS is in records.csv order.
    let layout_ids: Vec<&str> = ALL_LAYOUTS.iter().map(|l| l.name).collect();
    assert_eq!(
        layout_ids, order,
        "ALL_LAYOUTS ids (in order) vs records.csv"
    );
    for id in &order {
        let n = ALL_LAYOUTS.iter().filter(|l| l.name == id).count();
        assert_eq!(n, 1, "{id}: {n} layouts");
    }

    for layout in ALL_LAYOUTS {
        let id = layout.name;
        let rows = &by_record[id];

        // RecordType <-> layout; the name is the identifier plus `@variant`.
        let rt = RecordType::from_name(id).unwrap_or_else(|| panic!("RecordType::from_name({id})"));
        assert_eq!(rt.layout(), Some(*layout), "{id}: RecordType::layout");
        let expected_name = match layout.variant {
            Some(v) => format!("{}@{v}", layout.id),
            None => layout.id.to_string(),
        };
        assert_eq!(id, expected_name, "name = id@variant");
        assert_eq!(
            RecordType::from_id_variant(layout.id, layout.variant),
            Some(rt),
            "{id}: from_id_variant"
        );

        // CSV self-consistency: length = end - start + 1.
        for r in rows {
            assert!(
                r.start >= 1 && r.end <= 80 && r.start <= r.end,
                "{id}.{}",
                r.field
            );
            assert_eq!(
                r.length,
                usize::from(r.end - r.start + 1),
                "{id}.{}: length column",
                r.field
            );
        }

        // record_id row.
        let rid: Vec<&CsvRow> = rows.iter().filter(|r| r.field == "record_id").collect();
        assert_eq!(rid.len(), 1, "{id}: one record_id row");
        assert_eq!(rid[0].start, 1, "{id}: record_id starts at 1");
        assert_eq!(
            usize::from(rid[0].end),
            layout.id.len(),
            "{id}: record_id length"
        );

        // Filler rows <-> layout.fillers (same ranges, same order).
        let fillers: Vec<(u8, u8)> = rows
            .iter()
            .filter(|r| r.field == "filler")
            .map(|r| (r.start, r.end))
            .collect();
        let table: Vec<(u8, u8)> = layout.fillers.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(table, fillers, "{id}: fillers");

        // Field rows <-> layout.fields, one by one, in order.
        let fields: Vec<&CsvRow> = rows
            .iter()
            .filter(|r| r.field != "record_id" && r.field != "filler")
            .collect();
        let csv_names: Vec<&str> = fields.iter().map(|r| r.field.as_str()).collect();
        let def_names: Vec<&str> = layout.fields.iter().map(|f| f.name).collect();
        assert_eq!(def_names, csv_names, "{id}: field names in order");
        for r in &fields {
            let f = layout
                .field(&r.field)
                .unwrap_or_else(|| panic!("{id}.{}: no FieldDef", r.field));
            let what = format!("{id}.{}", r.field);
            assert_eq!((f.start, f.end), (r.start, r.end), "{what}: position");
            assert_eq!(f.len(), r.length, "{what}: width");
            assert_eq!(f.class.as_str(), r.class, "{what}: class");
            assert_eq!(f.designation.as_str(), r.designation, "{what}: designation");
            assert_eq!(f.kind.decimals(), r.decimals, "{what}: decimals");
            assert_eq!(f.kind.format(), r.format.as_deref(), "{what}: format");
            // The kind agrees with the class: text for A/AN/X, numbers/dates/times for N/D.
            match f.class {
                Class::A | Class::AN | Class::X => {
                    assert_eq!(f.kind, Kind::Text, "{what}: text class, kind")
                }
                Class::N | Class::D => {
                    assert_ne!(f.kind, Kind::Text, "{what}: N/D class, kind")
                }
            }
            if f.kind == Kind::Int {
                // Every 0-decimal N field without a format fits a u64.
                assert!(f.len() <= 19, "{what}: Int wider than u64");
            }
        }
        let mut names: Vec<&str> = def_names.clone();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), def_names.len(), "{id}: duplicate field names");

        // Every byte 1..=80 is covered exactly once by record_id + fields + fillers.
        let mut cover = [0u8; 81];
        let mut mark = |s: u8, e: u8| {
            for c in s..=e {
                cover[usize::from(c)] += 1;
            }
        };
        mark(1, u8::try_from(layout.id.len()).expect("short id"));
        for f in layout.fields {
            mark(f.start, f.end);
        }
        for f in layout.fillers {
            mark(f.start, f.end);
        }
        for (c, &n) in cover.iter().enumerate().skip(1) {
            assert_eq!(n, 1, "{id}: byte {c} covered {n} times");
        }
        // Fields are in byte order.
        assert!(
            layout.fields.windows(2).all(|w| w[0].end < w[1].start),
            "{id}: fields not in byte order"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Value generation
// ---------------------------------------------------------------------------------------

/// The 68 non-space bytes of the CBP character set (SPEC 2.3; `*` and `\` since 6.2).
fn cbp_non_space() -> Vec<u8> {
    let v: Vec<u8> = (0u8..=255)
        .filter(|&b| is_cbp_char(b) && b != b' ')
        .collect();
    assert_eq!(v.len(), 68);
    v
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A valid dump-form value filling the field's full width, and the bytes it must have on
/// the wire (SPEC 2.4–2.6).
fn full_width_value(f: &FieldDef, seed: usize) -> (String, Vec<u8>) {
    let w = f.len();
    match f.kind {
        Kind::Text => {
            let set: Vec<u8> = match f.class {
                Class::A => LETTERS.to_vec(),
                Class::AN => ALNUM.to_vec(),
                _ => cbp_non_space(),
            };
            let mut v: Vec<u8> = (0..w).map(|i| set[(seed * 7 + i) % set.len()]).collect();
            // Text keeps inner spaces: put one in the middle of wider X and A fields.
            if w >= 3 && matches!(f.class, Class::X | Class::A) {
                v[w / 2] = b' ';
            }
            let s = String::from_utf8(v.clone()).expect("ASCII");
            (s, v)
        }
        Kind::Int => {
            let digits: Vec<u8> = (0..w)
                .map(|i| {
                    if i == 0 {
                        b'1' + ((seed % 9) as u8)
                    } else {
                        b'0' + (((seed + i) % 10) as u8)
                    }
                })
                .collect();
            (String::from_utf8(digits.clone()).expect("ASCII"), digits)
        }
        Kind::Dec(d) => {
            let d = usize::from(d);
            assert!(w > d, "{}: no integer digit", f.name);
            let digits: Vec<u8> = (0..w)
                .map(|i| {
                    if i == 0 {
                        b'1' + ((seed % 9) as u8)
                    } else {
                        b'0' + (((seed + 3 * i) % 10) as u8)
                    }
                })
                .collect();
            let s = String::from_utf8(digits.clone()).expect("ASCII");
            let value = if d == 0 {
                s
            } else {
                format!("{}.{}", &s[..w - d], &s[w - d..])
            };
            (value, digits)
        }
        Kind::Date8 => ("2026-02-27".into(), b"02272026".to_vec()),
        Kind::Date6 => ("2026-02-27".into(), b"022726".to_vec()),
        Kind::MonthYear6 => ("2026-01".into(), b"012026".to_vec()),
        Kind::Hhmm => ("08:30".into(), b"0830".to_vec()),
        Kind::Hhmmss => ("09:11:07".into(), b"091107".to_vec()),
        other => panic!("no test value for the new field kind {other:?}"),
    }
}

fn record_type_of(layout: &RecordLayout) -> RecordType {
    RecordType::from_name(layout.name)
        .unwrap_or_else(|| panic!("no RecordType for {}", layout.name))
}

/// Builds a record from `values`, parses it, reads every field back and compares; checks
/// the typed writer, the record identifier and the filler. Returns the built bytes.
fn round_trip(layout: &RecordLayout, values: &HashMap<&'static str, String>) -> [u8; 80] {
    let id = layout.id;
    let bytes = build_record(layout, |f| values.get(f.name).map(String::as_str))
        .unwrap_or_else(|e| panic!("{id}: build_record refused {values:?}: {e}"));
    assert_eq!(&bytes[..id.len()], id.as_bytes(), "{id}: identifier bytes");
    for &ace_pga::layout::Filler {
        start: s, end: e, ..
    } in layout.fillers
    {
        assert!(
            bytes[usize::from(s) - 1..usize::from(e)]
                .iter()
                .all(|&b| b == b' '),
            "{id}: filler {s}-{e} not spaces"
        );
    }
    // The identifier of the built record is recognised as this layout (for `SO70`, the
    // layout variant its bytes 79-80 and 63-66 select, SPEC 7.2).
    let ident = identify(&bytes, false);
    let expected = if layout.id == "SO70" {
        ace_pga::records::so70_variant(RecordType::So70, &bytes)
    } else {
        record_type_of(layout)
    };
    assert_eq!(ident.record_type, expected, "{id}: identify");
    assert_eq!(ident.id_len, id.len(), "{id}: identify id_len");

    let body = Body::parse(record_type_of(layout), &bytes, false)
        .unwrap_or_else(|| panic!("{id}: Body::parse gave None"))
        .unwrap_or_else(|e| {
            panic!(
                "{id}: Body::parse of {:?}: {e}",
                String::from_utf8_lossy(&bytes)
            )
        });
    assert_eq!(body.record_type(), record_type_of(layout));
    assert_eq!(body.layout(), layout);
    for f in layout.fields {
        let got = f
            .read(&bytes, false)
            .unwrap_or_else(|e| panic!("{id}.{}: read: {e}", f.name))
            .map(|v| v.to_string());
        assert_eq!(got.as_ref(), values.get(f.name), "{id}.{}", f.name);
        // Absent fields are spaces on the wire.
        if !values.contains_key(f.name) {
            assert!(
                f.slice(&bytes).iter().all(|&b| b == b' '),
                "{id}.{}: absent field not spaces",
                f.name
            );
        }
    }
    let typed = body
        .to_bytes()
        .unwrap_or_else(|e| panic!("{id}: typed writer refused its own parse: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&typed),
        String::from_utf8_lossy(&bytes),
        "{id}: typed struct writer differs from build_record"
    );
    // Parsing the typed output again gives an equal struct.
    let again = Body::parse(record_type_of(layout), &typed, false)
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("{id}: reparse"));
    assert_eq!(again, body, "{id}: reparse of the typed output");
    bytes
}

#[test]
fn every_layout_round_trips_values() {
    for (seed, layout) in ALL_LAYOUTS.iter().enumerate() {
        let mut values = HashMap::new();
        let mut wire = HashMap::new();
        for (i, f) in layout.fields.iter().enumerate() {
            let (v, w) = full_width_value(f, seed + i);
            values.insert(f.name, v);
            wire.insert(f.name, w);
        }
        let bytes = round_trip(layout, &values);
        // The wire form of each field is the one SPEC 2.4-2.6 prescribes.
        for f in layout.fields {
            assert_eq!(
                String::from_utf8_lossy(f.slice(&bytes)),
                String::from_utf8_lossy(&wire[f.name]),
                "{}.{}: wire bytes of {:?}",
                layout.id,
                f.name,
                values[f.name]
            );
        }
    }
}

#[test]
fn every_layout_round_trips_all_fields_absent() {
    for layout in ALL_LAYOUTS {
        let bytes = round_trip(layout, &HashMap::new());
        let mut expected = [b' '; 80];
        expected[..layout.id.len()].copy_from_slice(layout.id.as_bytes());
        assert_eq!(bytes, expected, "{}: absent record", layout.id);
        // A lenient read of all-space fields is also absent (all spaces are never zero).
        for f in layout.fields {
            assert_eq!(f.read(&bytes, true), Ok(None), "{}.{}", layout.id, f.name);
        }
    }
}

#[test]
fn every_layout_round_trips_each_field_alone() {
    // One field present at a time: no field writes into its neighbours.
    for (seed, layout) in ALL_LAYOUTS.iter().enumerate() {
        for (i, f) in layout.fields.iter().enumerate() {
            let (v, _) = full_width_value(f, seed * 5 + i);
            let values = HashMap::from([(f.name, v)]);
            round_trip(layout, &values);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values that do not fit are refused
// ---------------------------------------------------------------------------------------

fn build_one(layout: &RecordLayout, f: &FieldDef, value: &str) -> Result<[u8; 80], EncodeError> {
    build_record(layout, |g| (g.name == f.name).then_some(value))
}

#[track_caller]
fn assert_refused(layout: &RecordLayout, f: &FieldDef, value: &str, kind: EncodeErrorKind) {
    let what = format!("{}.{} <- {value:?}", layout.id, f.name);
    let err = build_one(layout, f, value).expect_err(&what);
    assert_eq!(
        err,
        EncodeError {
            record: layout.id,
            field: f.name,
            start: f.start,
            end: f.end,
            kind,
        },
        "{what}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(layout.id) && msg.contains(f.name),
        "{what}: message {msg:?} does not name record and field"
    );
    assert!(
        msg.contains(&format!("{}-{}", f.start, f.end)),
        "{what}: message {msg:?} does not name the bytes"
    );
}

#[track_caller]
fn assert_accepted(layout: &RecordLayout, f: &FieldDef, value: &str) -> [u8; 80] {
    build_one(layout, f, value)
        .unwrap_or_else(|e| panic!("{}.{} <- {value:?} refused: {e}", layout.id, f.name))
}

#[test]
fn value_one_byte_too_long_is_refused() {
    let mut checked = 0;
    for layout in ALL_LAYOUTS {
        for f in layout.fields {
            let w = f.len();
            match f.kind {
                Kind::Text => {
                    // Exactly the width fits; one more byte does not (never truncated).
                    assert_accepted(layout, f, &"A".repeat(w));
                    assert_refused(
                        layout,
                        f,
                        &"A".repeat(w + 1),
                        EncodeErrorKind::TooLong {
                            len: w + 1,
                            width: w,
                        },
                    );
                    // Bytes outside SPEC 2.3: lower case, newline, CR, NUL, TAB, DEL (`*` and
                    // `\` are in the set since revision 6.2).
                    for bad in [b'a', b'z', b'\n', b'\r', 0, b'\t', 0x7F] {
                        let mut v = vec![b'A'; w];
                        v[w - 1] = bad;
                        let s = String::from_utf8(v).expect("ASCII");
                        assert_refused(
                            layout,
                            f,
                            &s,
                            EncodeErrorKind::InvalidByte {
                                position: w - 1,
                                byte: bad,
                            },
                        );
                    }
                    assert_refused(
                        layout,
                        f,
                        "\u{e9}",
                        if w >= 2 {
                            EncodeErrorKind::InvalidByte {
                                position: 0,
                                byte: 0xC3,
                            }
                        } else {
                            EncodeErrorKind::TooLong { len: 2, width: w }
                        },
                    );
                }
                Kind::Int => {
                    let max = "9".repeat(w);
                    let bytes = assert_accepted(layout, f, &max);
                    assert_eq!(f.slice(&bytes), max.as_bytes());
                    // Zero is written as zeros, never as spaces (SPEC 2.4 rule 1).
                    let bytes = assert_accepted(layout, f, "0");
                    assert_eq!(f.slice(&bytes), "0".repeat(w).as_bytes());
                    assert_refused(
                        layout,
                        f,
                        &format!("1{}", "0".repeat(w)),
                        EncodeErrorKind::TooManyDigits { width: w },
                    );
                    assert!(
                        matches!(
                            build_one(layout, f, "-1").map_err(|e| e.kind),
                            Err(EncodeErrorKind::BadValue { .. } | EncodeErrorKind::Negative)
                        ),
                        "{}.{}: -1",
                        layout.id,
                        f.name
                    );
                    assert!(
                        build_one(layout, f, "1.5").is_err(),
                        "{}.{}: 1.5",
                        layout.id,
                        f.name
                    );
                }
                Kind::Dec(d) => {
                    let du = usize::from(d);
                    let int_digits = w - du;
                    let max = format!("{}.{}", "9".repeat(int_digits), "9".repeat(du));
                    let bytes = assert_accepted(layout, f, &max);
                    assert_eq!(f.slice(&bytes), "9".repeat(w).as_bytes());
                    // One integer digit too many.
                    assert_refused(
                        layout,
                        f,
                        &format!("1{}.{}", "0".repeat(int_digits), "0".repeat(du)),
                        EncodeErrorKind::TooManyDigits { width: w },
                    );
                    assert_refused(
                        layout,
                        f,
                        &format!("1{}", "0".repeat(int_digits)),
                        EncodeErrorKind::TooManyDigits { width: w },
                    );
                    // One decimal too many: never rounded (SPEC 2.5).
                    assert_refused(
                        layout,
                        f,
                        &format!("1.{}", "1".repeat(du + 1)),
                        EncodeErrorKind::TooManyDecimals { decimals: d },
                    );
                    // Trailing zeros beyond the scale lose nothing and are accepted.
                    let bytes = assert_accepted(layout, f, &format!("1.{}0", "1".repeat(du)));
                    let mut expect = "0".repeat(int_digits - 1);
                    expect.push('1');
                    expect.push_str(&"1".repeat(du));
                    assert_eq!(
                        f.slice(&bytes),
                        expect.as_bytes(),
                        "{}.{}",
                        layout.id,
                        f.name
                    );
                    // Negative values are refused.
                    assert_refused(layout, f, "-1", EncodeErrorKind::Negative);
                    assert_refused(
                        layout,
                        f,
                        &format!("-1.{}", "0".repeat(du)),
                        EncodeErrorKind::Negative,
                    );
                }
                _ => continue,
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} fields checked");
}

#[test]
fn specific_too_many_decimals_examples() {
    // SPEC 2.5: writing 277.345 into a 2-decimal field is an error, not 277.35.
    let pg29 = RecordType::Pg29.layout().expect("PG29 layout");
    let f = ace_pga::records::Pg29::QUANTITY_LINE_NET;
    assert_refused(
        pg29,
        f,
        "277.345",
        EncodeErrorKind::TooManyDecimals { decimals: 2 },
    );
    assert_refused(
        pg29,
        f,
        "1.123",
        EncodeErrorKind::TooManyDecimals { decimals: 2 },
    );
    let bytes = assert_accepted(pg29, f, "1824");
    assert_eq!(f.slice(&bytes), b"000000182400");
    let pg14 = RecordType::Pg14.layout().expect("PG14 layout");
    let q = ace_pga::records::Pg14::QUANTITY;
    assert_eq!(q.kind, Kind::Dec(4));
    let bytes = assert_accepted(pg14, q, "40000");
    assert_eq!(q.slice(&bytes), b"0000000400000000");
    assert_refused(
        pg14,
        q,
        "1.12345",
        EncodeErrorKind::TooManyDecimals { decimals: 4 },
    );
}

#[test]
fn typed_writers_refuse_values_that_do_not_fit() {
    use ace_pga::records::{Pg01, Pg29};
    use rust_decimal::Decimal;

    let pg01 = Pg01 {
        pga_line_number: Some(1000),
        ..Default::default()
    };
    let e = pg01.to_bytes().expect_err("1000 in a 3-digit field");
    assert_eq!(
        (e.record, e.field, e.start, e.end),
        ("PG01", "pga_line_number", 5, 7)
    );
    assert_eq!(e.kind, EncodeErrorKind::TooManyDigits { width: 3 });

    let pg01 = Pg01 {
        program_code: Some("ORGX"),
        ..Default::default()
    };
    let e = pg01.to_bytes().expect_err("4 bytes in a 3-byte field");
    assert_eq!(e.kind, EncodeErrorKind::TooLong { len: 4, width: 3 });

    let pg01 = Pg01 {
        agency_code: Some("am\n"),
        ..Default::default()
    };
    let e = pg01.to_bytes().expect_err("lower case");
    assert_eq!(
        e.kind,
        EncodeErrorKind::InvalidByte {
            position: 0,
            byte: b'a'
        }
    );

    let q = |s: &str| s.parse::<Decimal>().expect("decimal literal");
    let pg29 = Pg29 {
        quantity_line_net: Some(q("277.345")),
        ..Default::default()
    };
    let e = pg29.to_bytes().expect_err("3 decimals");
    assert_eq!((e.record, e.field), ("PG29", "quantity_line_net"));
    assert_eq!(e.kind, EncodeErrorKind::TooManyDecimals { decimals: 2 });
    let pg29 = Pg29 {
        quantity_line_net: Some(q("-1.00")),
        ..Default::default()
    };
    assert_eq!(
        pg29.to_bytes().map_err(|e| e.kind),
        Err(EncodeErrorKind::Negative)
    );
    let pg29 = Pg29 {
        quantity_line_net: Some(q("10000000000.00")),
        ..Default::default()
    };
    assert_eq!(
        pg29.to_bytes().map_err(|e| e.kind),
        Err(EncodeErrorKind::TooManyDigits { width: 12 })
    );
    let pg29 = Pg29 {
        quantity_line_net: Some(q("1824.000")),
        ..Default::default()
    };
    let b = pg29.to_bytes().expect("1824.000 is exact");
    assert_eq!(&b[7..19], b"000000182400");
}

// ---------------------------------------------------------------------------------------
// Property: arbitrary valid values round-trip
// ---------------------------------------------------------------------------------------

/// A strategy for one field: absent, or a valid dump-form value of random length.
fn field_strategy(f: &'static FieldDef) -> BoxedStrategy<Option<String>> {
    let w = f.len();
    let pow = |n: usize| {
        10u64
            .checked_pow(u32::try_from(n).expect("small"))
            .expect("fits u64")
    };
    let present: BoxedStrategy<String> = match f.kind {
        Kind::Text => {
            let set: Vec<u8> = match f.class {
                Class::A => {
                    let mut s = LETTERS.to_vec();
                    s.push(b' ');
                    s
                }
                Class::AN => {
                    let mut s = ALNUM.to_vec();
                    s.push(b' ');
                    s
                }
                _ => (0u8..=255).filter(|&b| is_cbp_char(b)).collect(),
            };
            let edge: Vec<u8> = set.iter().copied().filter(|&b| b != b' ').collect();
            (
                proptest::sample::select(edge.clone()),
                proptest::collection::vec(proptest::sample::select(set), 0..=w),
                proptest::sample::select(edge),
            )
                .prop_map(move |(first, mut mid, last)| {
                    // Length 1..=w, first and last byte not a space.
                    if mid.is_empty() {
                        return String::from(first as char);
                    }
                    mid[0] = first;
                    let n = mid.len();
                    mid[n - 1] = last;
                    String::from_utf8(mid).expect("ASCII")
                })
                .boxed()
        }
        Kind::Int => (0..pow(w)).prop_map(|v| v.to_string()).boxed(),
        Kind::Dec(d) => {
            let scale = pow(usize::from(d));
            (0..pow(w))
                .prop_map(move |m| {
                    if d == 0 {
                        m.to_string()
                    } else {
                        format!(
                            "{}.{:0width$}",
                            m / scale,
                            m % scale,
                            width = usize::from(d)
                        )
                    }
                })
                .boxed()
        }
        Kind::Date8 => date_strategy(1, 9999),
        Kind::Date6 => date_strategy(2000, 2099),
        // Year 0000 is an impossible date (F-013) and refused on write (issue 10).
        Kind::MonthYear6 => (1u16..=9999, 0u8..=12)
            .prop_map(|(y, m)| {
                if m == 0 {
                    format!("{y:04}")
                } else {
                    format!("{y:04}-{m:02}")
                }
            })
            .boxed(),
        Kind::Hhmm => prop_oneof![
            (0u8..24, 0u8..60).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
            Just("24:00".to_string()),
        ]
        .boxed(),
        Kind::Hhmmss => prop_oneof![
            (0u8..24, 0u8..60, 0u8..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
            Just("24:00:00".to_string()),
        ]
        .boxed(),
        other => panic!("no strategy for the new field kind {other:?}"),
    };
    proptest::option::weighted(0.8, present).boxed()
}

fn date_strategy(from_year: i32, to_year: i32) -> BoxedStrategy<String> {
    use chrono::NaiveDate;
    let lo = NaiveDate::from_ymd_opt(from_year, 1, 1).expect("date");
    let hi = NaiveDate::from_ymd_opt(to_year, 12, 31).expect("date");
    let span = (hi - lo).num_days();
    (0..=span)
        .prop_map(move |n| {
            (lo + chrono::Duration::days(n))
                .format("%Y-%m-%d")
                .to_string()
        })
        .boxed()
}

#[test]
fn proptest_every_layout_round_trips_arbitrary_values() {
    for layout in ALL_LAYOUTS {
        let strategies: Vec<BoxedStrategy<Option<String>>> =
            layout.fields.iter().map(field_strategy).collect();
        let mut runner = TestRunner::new(Config {
            cases: std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(64),
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategies, |vals| {
                let values: HashMap<&'static str, String> = layout
                    .fields
                    .iter()
                    .zip(vals)
                    .filter_map(|(f, v)| v.map(|v| (f.name, v)))
                    .collect();
                round_trip(layout, &values);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", layout.id));
    }
}

// ---------------------------------------------------------------------------------------
// Identification (SPEC 2.1)
// ---------------------------------------------------------------------------------------

#[track_caller]
fn ident(text: &[u8], lenient: bool) -> ace_pga::records::Identified {
    identify(&common::record80(text), lenient)
}

#[test]
fn identify_records() {
    let cases: &[(&[u8], RecordType, usize)] = &[
        (b"PG01001AMSOR 2", RecordType::Pg01, 4),
        (b"PG14", RecordType::Pg14, 4),
        (b"PG60", RecordType::Pg60, 4),
        (b"OI        ORGANIC", RecordType::Oi, 2),
        (b"A2704Q7K", RecordType::BatchHeader, 1),
        (b"B  2704Q7KSE", RecordType::BlockHeader, 1),
        (b"Y  2704", RecordType::BlockTrailer, 1),
        (b"Z2704Q7K", RecordType::BatchTrailer, 1),
        (b"SE9001", RecordType::Se90, 4),
        (b"GE9001", RecordType::Se90, 4),
        (b"SO70", RecordType::So70, 4),
        (b"WO70", RecordType::So70, 4),
        (b"PO70", RecordType::So70, 4),
        (b"SO71", RecordType::So71, 4),
        (b"WO71", RecordType::So71, 4),
        (b"PO71", RecordType::So71, 4),
        (b"SO72", RecordType::So72, 4),
        (b"WO72", RecordType::So72, 4),
        (b"PG99", RecordType::UnknownPg, 4),
        (b"PG03", RecordType::UnknownPg, 4),
        (b"SE10AQ7K", RecordType::Host, 4),
        (b"SE60080450802", RecordType::Host, 4),
        (b"SO10", RecordType::Host, 4),
        (b"10 ABC", RecordType::Host, 2),
        (b"50", RecordType::Host, 2),
        (b"XX", RecordType::Host, 2),
    ];
    for lenient in [false, true] {
        for &(text, rt, len) in cases {
            let i = ident(text, lenient);
            let name = String::from_utf8_lossy(text);
            assert_eq!(i.record_type, rt, "{name} (lenient {lenient})");
            assert_eq!(i.id_len, len, "{name} id_len");
            assert!(!i.lower_case, "{name}: lower_case");
            assert_eq!(i.resembles, None, "{name}: resembles");
        }
    }
    // Every base layout's own identifier identifies it (a variant needs its bytes).
    for layout in ALL_LAYOUTS.iter().filter(|l| l.variant.is_none()) {
        let i = ident(layout.id.as_bytes(), false);
        assert_eq!(i.record_type.layout(), Some(*layout), "{}", layout.id);
        assert_eq!(i.id_len, layout.id.len());
    }
}

#[test]
fn identify_lower_case_ids() {
    // Strict: unknown record, naming the upper-case record it resembles.
    let i = ident(b"pg01001AMSOR 2", false);
    assert_eq!(i.record_type, RecordType::UnknownPg);
    assert_eq!(i.resembles, Some("PG01"));
    assert!(!i.lower_case);
    assert_eq!(i.id_len, 4);
    let i = ident(b"oi        X", false);
    assert_eq!(i.record_type, RecordType::UnknownPg);
    assert_eq!(i.resembles, Some("OI"));
    // Lenient: recognised case-insensitively, flagged.
    let i = ident(b"pg01001AMSOR 2", true);
    assert_eq!(i.record_type, RecordType::Pg01);
    assert!(i.lower_case);
    assert_eq!(i.id_len, 4);
    let i = ident(b"Pg14", true);
    assert_eq!(i.record_type, RecordType::Pg14);
    assert!(i.lower_case);
    let i = ident(b"oi        X", true);
    assert_eq!(i.record_type, RecordType::Oi);
    assert!(i.lower_case);
    assert_eq!(i.id_len, 2);
}

#[test]
fn identify_lower_case_unknown_pg_is_unknown_record() {
    // SPEC F-015: a lower-case identifier in strict mode is an unknown record; `pg99` is
    // both lower case and an unknown PGnn. Identified as a host record it silently ends the
    // OI group instead (SPEC 3.3), while `pg25` stays in place.
    for lenient in [false, true] {
        let i = ident(b"pg99", lenient);
        assert_eq!(i.record_type, RecordType::UnknownPg, "lenient {lenient}");
        assert_eq!(i.id_len, 4);
    }
}

#[test]
fn identify_short_inputs_do_not_panic() {
    for raw in [
        &b""[..],
        b"P",
        b"PG",
        b"PG0",
        b"O",
        b"p",
        b"pg",
        b"1",
        b"\xff\xfe",
    ] {
        let i = identify(raw, true);
        assert!(i.id_len <= raw.len(), "{raw:?}: id_len {}", i.id_len);
        let i = identify(raw, false);
        assert!(i.id_len <= raw.len(), "{raw:?}: id_len {}", i.id_len);
    }
    assert_eq!(identify(b"PG0", false).record_type, RecordType::UnknownPg);
    assert_eq!(identify(b"A", false).record_type, RecordType::BatchHeader);
}

/// SPEC 7.2: the `SO70` layout variant is chosen by bytes 79–80 (version `04`) and 63–66
/// (`THRU` with a blank version); every other `SO70` (`WO70`, `PO70`) reads with the base
/// layout, and the dump names the variant.
#[test]
fn so70_variant_is_chosen_by_version_and_thru() {
    let base = *b"SO70AMSOR 031826140207MAY PROCEED                   07  0001100100021001      01";
    let mut v04 = base;
    v04[78..80].copy_from_slice(b"04");
    let thru = *b"SO70AMSOR 031826093004DATA REJECTED PER PGA REVIEW040414001001THRU002001AM11    ";
    let mut thru_versioned = thru;
    thru_versioned[78..80].copy_from_slice(b"01");
    let mut blank_version = base;
    blank_version[78..80].copy_from_slice(b"  ");
    for (bytes, want) in [
        (base, RecordType::So70),
        (v04, RecordType::So70V04),
        (thru, RecordType::So70Thru),
        (thru_versioned, RecordType::So70),
        (blank_version, RecordType::So70),
    ] {
        for id in [b"SO70", b"WO70", b"PO70"] {
            let mut b = bytes;
            b[..4].copy_from_slice(id);
            let got = identify(&b, false).record_type;
            assert_eq!(got, want, "{}", String::from_utf8_lossy(&b));
        }
    }
    let layout = RecordType::So70Thru.layout().expect("layout");
    assert_eq!(
        (layout.id, layout.name, layout.variant),
        ("SO70", "SO70@THRU", Some("THRU"))
    );
    let t = ace_pga::Transmission::parse_with(&thru, &ace_pga::ParseOptions::default())
        .expect("a THRU disposition parses");
    let mut dumped = Vec::new();
    t.tree()
        .for_each_record(|r| dumped.push(ace_pga::write::dump::dump_record(r).variant));
    assert_eq!(dumped, [Some("THRU")]);
}

/// `Display` and `FromStr` agree for record types (by `records.csv` name), severities, rule
/// levels and terminators, and refuse other words with a message naming what is accepted.
#[test]
fn names_round_trip_through_display_and_from_str() {
    use ace_pga::validate::Level;
    use ace_pga::{Severity, Terminator};
    for layout in ALL_LAYOUTS {
        let rt = RecordType::from_name(layout.name).expect("layout");
        assert_eq!(rt.to_string(), layout.name);
        assert_eq!(layout.name.parse::<RecordType>(), Ok(rt));
    }
    assert_eq!(RecordType::Host.to_string(), "host");
    for s in [Severity::Error, Severity::Warning] {
        assert_eq!(s.to_string().parse::<Severity>(), Ok(s));
    }
    for l in [Level::Error, Level::Warning, Level::Off] {
        assert_eq!(l.to_string().parse::<Level>(), Ok(l));
    }
    for t in [
        Terminator::Lf,
        Terminator::CrLf,
        Terminator::Cr,
        Terminator::None,
    ] {
        assert_eq!(t.to_string().parse::<Terminator>(), Ok(t));
    }
    let e = "SO70@05".parse::<RecordType>().expect_err("no such layout");
    assert!(e.to_string().contains("SO70@05") && e.to_string().contains("SO70@THRU"));
    assert!("Error".parse::<Severity>().is_err());
    assert!("LF".parse::<Terminator>().is_err());
}

/// The host positions the crate reads (`records::host`, the one place that knows them) are
/// those of `spec/host-records.csv` (SPEC 3.7) for the Cargo Release and status records.
#[test]
fn host_positions_match_host_records_csv() {
    use ace_pga::records::host;
    let path = common::repo_path("spec/host-records.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("spec/host-records.csv opens");
    let mut rows = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("row");
        let start: usize = rec[2].parse().expect("start");
        let end: usize = rec[3].parse().expect("end");
        rows.insert((rec[0].to_string(), rec[1].to_string()), (start, end));
    }
    for (f, csv_field) in [
        (host::SE10_ENTRY_FILER, "entry_filer_code"),
        (host::SE10_ENTRY_NUMBER, "entry_number"),
        (host::SE40_CBP_LINE, "line_item_number"),
        (host::SO10_ENTRY_FILER, "entry_filer_code"),
        (host::SO10_ENTRY_NUMBER, "entry_number"),
        (host::SE60_HTS_NUMBER, "hts_number"),
    ] {
        let want = rows
            .get(&(f.record.to_string(), csv_field.to_string()))
            .unwrap_or_else(|| panic!("host-records.csv has no {} {csv_field}", f.record));
        assert_eq!((f.start, f.end), *want, "{} {}", f.record, f.name);
    }
    // The HTS number of the or2-single anchor, read through the one place.
    let se60 = b"SE6008045080200000004850";
    assert_eq!(host::hts_number("SE60", se60), Some("0804508020"));
    assert!(host::starts_transaction(b"SE10AQ7K") && !host::starts_transaction(b"10"));
    assert!(host::is_anchor_id(b"50") && !host::is_anchor_id(b"SE61"));
}

// ---------------------------------------------------------------------------------------
// The validation columns of the layout table
// ---------------------------------------------------------------------------------------

/// The columns validation reads are consistent with the rest of the table and with the code
/// lists: a blank-field CBP code sits on a mandatory field and is in CBP's error dictionary,
/// as is the CBP code of a closed list; a closed list names a registered, non-empty list or
/// values that fit the field; a legacy filler value has the filler's width.
#[test]
fn validation_columns_agree_with_the_table_and_the_code_lists() {
    use ace_pga::codes::CodeList;
    use ace_pga::layout::{Codes, Designation, FillerContent};
    let dictionary = |code: &str| CodeList::PgaErrorDictionary.find(code).next().is_some();
    let (mut blanks, mut closed, mut legacy) = (0, 0, 0);
    for layout in ALL_LAYOUTS {
        let id = layout.name;
        for f in layout.fields {
            if let Some(cbp) = f.blank_cbp {
                blanks += 1;
                assert_eq!(f.designation, Designation::M, "{id} {}: blank code", f.name);
                assert!(
                    dictionary(cbp),
                    "{id} {}: {cbp} not in the dictionary",
                    f.name
                );
            }
            if f.blanked_in_output {
                assert_eq!(f.designation, Designation::M, "{id} {}", f.name);
            }
            let Some(c) = f.closed else { continue };
            closed += 1;
            if let Some(cbp) = c.cbp_code {
                assert!(
                    dictionary(cbp),
                    "{id} {}: {cbp} not in the dictionary",
                    f.name
                );
            }
            match c.codes {
                Codes::List(list) => {
                    assert_eq!(CodeList::from_name(list.name()), Some(list));
                    assert!(!list.rows().is_empty(), "{id} {}: {list} empty", f.name);
                }
                Codes::Values(values) => {
                    assert!(!values.is_empty(), "{id} {}", f.name);
                    for v in values {
                        let mut out = vec![b' '; f.len()];
                        assert_eq!(f.write_str(v, &mut out), Ok(()), "{id} {}: {v}", f.name);
                    }
                }
                _ => unreachable!("a new kind of closed list: extend this test"),
            }
        }
        for filler in layout.fillers {
            if let FillerContent::Legacy(values) = filler.content {
                legacy += 1;
                let width = usize::from(filler.end - filler.start + 1);
                assert!(values.iter().all(|v| v.len() == width), "{id}: {values:?}");
            }
        }
    }
    // SPEC 6.1 F-011 names 14 blank-field codes, F-012 27 closed fields (SO70 in its three
    // layouts), SPEC 6.3 E-009 the legacy `B` / `Y` 2–3.
    assert_eq!((blanks, closed, legacy), (14, 33, 2));
}

/// The per-field constants are the rows of the layout, by value.
#[test]
fn field_constants_are_the_layout_rows() {
    use ace_pga::records::{BatchHeader, Pg14, Pg29, So70Thru};
    assert_eq!(
        (
            Pg14::LPCO_NUMBER.name,
            Pg14::LPCO_NUMBER.start,
            Pg14::LPCO_NUMBER.end
        ),
        ("lpco_number", 9, 41)
    );
    for (layout, f) in [
        (&Pg14::LAYOUT, Pg14::LPCO_NUMBER),
        (&Pg29::LAYOUT, Pg29::QUANTITY_LINE_NET),
        (&So70Thru::LAYOUT, So70Thru::RANGE_INDICATOR),
        (&BatchHeader::LAYOUT, BatchHeader::COMMUNICATION_PASSWORD),
    ] {
        assert_eq!(layout.field(f.name), Some(f), "{}", layout.name);
    }
    assert!(BatchHeader::COMMUNICATION_PASSWORD.blanked_in_output);
    assert_eq!(Pg29::QUANTITY_LINE_NET.kind, Kind::Dec(2));
}
