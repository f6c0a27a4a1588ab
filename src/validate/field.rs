//! F rules (SPEC 6.1): framing problems from the parser, bytes (F-002, F-003, F-005; F-004 is
//! retired since revision 6.2), filler (F-006), field classes (F-007 … F-010, F-013, F-014),
//! mandatory fields (F-011), closed code lists (F-012) and the intended-use shape (F-022).

use crate::codes::{self, CodeRow};
use crate::error::{FieldErrorKind, ProblemKind, Severity};
use crate::layout::{
    all_spaces, is_cbp_char, Class, Designation, FieldDef, FieldValue, Kind, RecordLayout, Time,
};
use crate::records::Record;
use crate::records::RecordType;
use crate::transmission::Transmission;

use super::{At, Sink, PGA_RULESET};

macro_rules! codes_cell {
    ($file:literal) => {{
        static CELL: std::sync::OnceLock<Vec<CodeRow>> = std::sync::OnceLock::new();
        CELL.get_or_init(|| {
            codes::parse_code_list(include_str!(concat!("../../spec/codes/", $file)))
        })
    }};
}

/// Whether a record is one of the OI/PG records (the PGA Message Set proper).
pub(crate) fn is_pga_record(rt: RecordType) -> bool {
    rt.layout()
        .is_some_and(|l| l.id == "OI" || l.id.starts_with("PG"))
}

/// Output (response) records: class violations are warnings (SPEC 7.2).
fn is_output_record(rt: RecordType) -> bool {
    rt.is_response()
}

pub(super) fn check(t: &Transmission<'_>, sink: &mut Sink<'_>) {
    for p in &t.problems {
        if matches!(p.kind, ProblemKind::Field(_)) {
            continue; // re-checked field by field below
        }
        let at = At {
            record: p.record.as_deref(),
            line: p.line,
            columns: p.columns,
            offset: p.offset,
        };
        let msg = match &p.kind {
            ProblemKind::RecordLength { len, .. } if *len < 80 => {
                format!("record is {len} bytes, expected 80: trailing spaces were trimmed; pad the line with spaces to 80 bytes")
            }
            ProblemKind::RecordLength {
                len,
                extra_is_space: true,
            } => {
                format!("record is {len} bytes, expected 80: remove the spaces after column 80")
            }
            ProblemKind::RecordLength { len, .. } => {
                format!("record is {len} bytes, expected 80: data after column 80 (a multi-byte character makes a record longer)")
            }
            _ => p.kind.to_string(),
        };
        sink.emit_sev(p.kind.rule(), p.severity, at, msg);
    }
    let lenient_n = t.options.lenient_numeric;
    t.tree.for_each_record(|r| {
        check_bytes(r, sink);
        if let Some(layout) = r.record_type().layout() {
            check_fields(r, layout, lenient_n, sink);
        }
    });
}

/// F-002, F-003, F-005: one finding per offending byte (F-004 is retired, SPEC 2.3).
fn check_bytes(r: &Record<'_>, sink: &mut Sink<'_>) {
    // Bytes beyond column 80 are F-001's (one finding for the record), not one per byte.
    let raw = r.raw().get(..r.raw().len().min(80)).unwrap_or_default();
    if raw.iter().all(|&b| is_cbp_char(b)) {
        return;
    }
    // A response is never refused (SPEC 7.2): its odd bytes are warnings.
    let output = is_output_record(r.record_type());
    let mut emit = |rule: &'static str, at: At<'_>, msg: String| {
        if output {
            sink.emit_sev(rule, Severity::Warning, at, msg);
        } else {
            sink.emit(rule, at, msg);
        }
    };
    for (i, &b) in raw.iter().enumerate() {
        let col = (i + 1).min(255) as u8;
        if is_cbp_char(b) {
            continue;
        }
        let at = At::record(r).cols(col, col);
        if b >= 0x80 {
            emit(
                "F-002",
                at,
                format!("byte 0x{b:02X} at column {col} is not ASCII (CBP reject 370); transliterate it to an ASCII letter (e.g. N for Ñ)"),
            );
        } else if b < 0x20 || b == 0x7F {
            let name = match b {
                b'\t' => "TAB",
                b'\r' => "CR",
                0 => "NUL",
                _ => "control byte",
            };
            emit(
                "F-003",
                at,
                format!("{name} (0x{b:02X}) at column {col}; use a space"),
            );
        } else if b.is_ascii_lowercase() {
            emit(
                "F-005",
                at,
                format!(
                    "lower-case letter '{}' at column {col}; use upper case '{}'",
                    char::from(b),
                    char::from(b.to_ascii_uppercase())
                ),
            );
        }
        // Every other printable byte is in the set since revision 6.2 (`*` and `\`
        // included): F-004 is retired.
    }
}

/// CBP code of a mandatory field left blank (F-011, SPEC 6.1).
fn mandatory_cbp(record: &str, field: &str) -> Option<&'static str> {
    Some(match (record, field) {
        ("OI", "commercial_description") => "P02",
        ("PG01", "pga_line_number") => "P04",
        ("PG01", "agency_code") => "P05",
        ("PG01", "program_code") => "P06",
        ("PG06", "source_type_code") => "P10",
        ("PG19", "entity_role_code") => "P12",
        ("PG23", "affirmation_of_compliance_code") => "P14",
        ("PG26", "packaging_qualifier") => "P16",
        ("PG27", "container_number_1") => "P18",
        ("PG30", "inspection_status") => "P19",
        ("PG31", "vessel_characteristic_type_code") => "P21",
        ("PG31", "vessel_characteristic") => "P39",
        ("PG32", "routing_type_code") => "P23",
        ("PG34", "travel_document_type_code") => "P25",
        _ => return None,
    })
}

/// A closed code list of F-012: the rows of a `spec/codes/` list (with their validity dates,
/// compared with the as-of date), or the single value `Y` / `X` / the digits the chapter
/// prints for indicator fields.
enum Closed {
    List(fn() -> &'static [CodeRow]),
    Values(&'static [&'static str]),
}

/// The closed list of a field, its CBP code and the severity of a value outside it.
fn closed_list(record: &str, field: &str) -> Option<(Closed, Option<&'static str>, Severity)> {
    fn disclaimer() -> &'static [CodeRow] {
        codes_cell!("disclaimer.csv")
    }
    fn lpco_tt() -> &'static [CodeRow] {
        codes_cell!("lpco-transaction-types.csv")
    }
    fn lpco_dq() -> &'static [CodeRow] {
        codes_cell!("lpco-date-qualifiers.csv")
    }
    fn temp_q() -> &'static [CodeRow] {
        codes_cell!("temperature-qualifiers.csv")
    }
    fn degree() -> &'static [CodeRow] {
        codes_cell!("degree-types.csv")
    }
    fn packaging() -> &'static [CodeRow] {
        codes_cell!("packaging-qualifiers.csv")
    }
    fn inspection() -> &'static [CodeRow] {
        codes_cell!("inspection-status.csv")
    }
    fn pg00() -> &'static [CodeRow] {
        codes_cell!("pg00-indicators.csv")
    }
    fn hold_types() -> &'static [CodeRow] {
        codes_cell!("so70-hold-types.csv")
    }
    fn issuer_location() -> &'static [CodeRow] {
        codes_cell!("pg13-issuer-location-qualifiers.csv")
    }
    fn temp_location() -> &'static [CodeRow] {
        codes_cell!("pg25-temperature-locations.csv")
    }
    fn travel_doc() -> &'static [CodeRow] {
        codes_cell!("pg34-travel-document-types.csv")
    }
    fn container() -> &'static [CodeRow] {
        codes_cell!("container-types.csv")
    }
    let e = Severity::Error;
    // Response records (SPEC 7.1, 7.2): an unknown code is kept and is a warning.
    let w = Severity::Warning;
    Some(match (record, field) {
        ("SE90", "message_type_code") => (Closed::List(codes::se90_message_types), None, w),
        ("SO70", "entry_status_code" | "pga_line_status_code") => {
            (Closed::List(codes::so70_status_codes), None, w)
        }
        ("SO70", "hold_type") => (Closed::List(hold_types), None, w),
        ("PG01", "disclaimer_code") => (Closed::List(disclaimer), None, e),
        ("PG01", "electronic_image_submitted" | "confidential_information_indicator") => {
            (Closed::Values(&["Y"]), None, e)
        }
        ("PG02", "item_type") => (Closed::Values(&["P", "C"]), Some("P07"), e),
        ("PG13", "issuer_geographic_code_qualifier") => (Closed::List(issuer_location), None, e),
        ("PG14", "lpco_transaction_type") => (Closed::List(lpco_tt), None, e),
        ("PG14", "lpco_date_qualifier") => (Closed::List(lpco_dq), None, e),
        ("PG22", "substantiating_document_indicator" | "declaration_certification") => {
            (Closed::Values(&["Y"]), None, e)
        }
        ("PG25", "temperature_qualifier") => (Closed::List(temp_q), None, e),
        ("PG25", "degree_type") => (Closed::List(degree), None, e),
        ("PG25", "negative_temperature_indicator") => (Closed::Values(&["X"]), None, e),
        ("PG25", "temperature_location_code") => (Closed::List(temp_location), None, e),
        ("PG25", "lot_number_qualifier") => (Closed::List(codes::lot_number_qualifiers), None, e),
        ("PG26", "packaging_qualifier") => (Closed::List(packaging), Some("P17"), e),
        ("PG27", "container_type_1" | "container_type_2" | "container_type_3") => {
            (Closed::List(container), None, e)
        }
        ("PG30", "inspection_status") => (Closed::List(inspection), Some("P20"), e),
        // The chapter (p. 53) and P26 say 1-4; the shipped 6.2 sample every-record.txt sends
        // `PSP`, so a value outside the list is a warning until the two agree.
        ("PG34", "travel_document_type_code") => {
            (Closed::List(travel_doc), Some("P26"), Severity::Warning)
        }
        ("PG00", "substitution_indicator") => (Closed::List(pg00), None, e),
        ("PG18", "packing_group_code") => (Closed::Values(&["1", "2", "3"]), None, e),
        ("PG35", "bond_qualifier") => (Closed::Values(&["1", "2"]), None, e),
        _ => return None,
    })
}

/// A value of a closed list on the as-of date: `Ok` when a row is valid then, `Err` with the
/// message otherwise (listing the codes valid on that date, and the dates of the code's own
/// rows when it has some).
fn check_closed(
    list: &Closed,
    field: &str,
    text: &str,
    as_of: chrono::NaiveDate,
) -> Result<(), String> {
    match list {
        Closed::Values(vals) => {
            if vals.contains(&text) {
                Ok(())
            } else {
                Err(format!(
                    "{field} \"{text}\" is not one of {}",
                    vals.join(", ")
                ))
            }
        }
        Closed::List(rows) => {
            let rows = rows();
            if rows.iter().any(|r| r.code == text && r.valid_on(as_of)) {
                return Ok(());
            }
            let valid: Vec<&str> = rows
                .iter()
                .filter(|r| r.valid_on(as_of))
                .map(|r| r.code.as_str())
                .collect();
            let dated: Vec<String> = rows
                .iter()
                .filter(|r| r.code == text)
                .map(|r| {
                    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string());
                    match (d(r.valid_from), d(r.valid_to)) {
                        (Some(f), Some(t)) => format!("valid {f} to {t}"),
                        (Some(f), None) => format!("valid from {f}"),
                        (None, Some(t)) => format!("valid up to {t}"),
                        (None, None) => "valid".to_string(),
                    }
                })
                .collect();
            if dated.is_empty() {
                Err(format!(
                    "{field} \"{text}\" is not one of {}",
                    valid.join(", ")
                ))
            } else {
                Err(format!(
                    "{field} \"{text}\" is {} but not on the as-of date {as_of}; valid then: {}",
                    dated.join(", "),
                    valid.join(", ")
                ))
            }
        }
    }
}

fn check_fields(r: &Record<'_>, layout: &RecordLayout, lenient_n: bool, sink: &mut Sink<'_>) {
    let raw = r.raw();
    let pga = is_pga_record(r.record_type());
    let output = is_output_record(r.record_type());
    let class_sev = if output {
        Severity::Warning
    } else {
        Severity::Error
    };
    // Filler of the PGA records, and of a response (kept verbatim; a warning, SPEC 7.1).
    if pga || output {
        for &(s, e) in layout.fillers {
            let f = FieldDef {
                name: "filler",
                start: s,
                end: e,
                class: Class::X,
                designation: Designation::O,
                kind: Kind::Text,
            };
            if !all_spaces(f.slice(raw)) {
                let msg = if output {
                    format!("filler bytes {s}-{e} carry data (kept verbatim; a response is never refused)")
                } else {
                    format!("filler bytes {s}-{e} must be spaces")
                };
                sink.emit_sev("F-006", class_sev, At::record(r).cols(s, e), msg);
            }
        }
    }
    for f in layout.fields {
        let bytes = f.slice(raw);
        let at = At::record(r).cols(f.start, f.end);
        // Text fields of an ASCII record need no typing unless a code list or a shape is
        // checked: presence is enough (the bytes are checked below).
        let needs_value = f.kind != Kind::Text
            || !bytes.is_ascii()
            || *f == *crate::field!(Pg01::intended_use_code) && layout.id == "PG01"
            || closed_list(layout.id, f.name).is_some();
        let read = if needs_value {
            f.read(raw, false)
        } else if all_spaces(bytes) {
            Ok(None)
        } else {
            Ok(Some(crate::layout::FieldValue::Text("")))
        };
        let value = match read {
            Ok(v) => v,
            Err(FieldErrorKind::NotNumeric) => {
                if lenient_n && matches!(f.read(raw, true), Ok(Some(_))) {
                    sink.emit_sev(
                        "F-007",
                        Severity::Warning,
                        at,
                        format!(
                            "{}: right-justified with spaces; write it zero-filled",
                            f.name
                        ),
                    );
                } else {
                    let shown = String::from_utf8_lossy(bytes);
                    sink.emit_sev(
                        "F-007",
                        class_sev,
                        at,
                        format!("{} is \"{shown}\": an N field must be all digits (zero-filled, no sign or point) or all spaces", f.name),
                    );
                }
                continue;
            }
            Err(FieldErrorKind::ImpossibleDate) => {
                let shown = String::from_utf8_lossy(bytes);
                let fmt = f.kind.format().unwrap_or("date");
                sink.emit_sev(
                    "F-013",
                    class_sev,
                    at,
                    format!("{} \"{shown}\" is not a real date ({fmt})", f.name),
                );
                continue;
            }
            Err(FieldErrorKind::ImpossibleTime) => {
                let shown = String::from_utf8_lossy(bytes);
                let fmt = f.kind.format().unwrap_or("time");
                sink.emit_sev(
                    "F-014",
                    class_sev,
                    at,
                    format!("{} \"{shown}\" is not a real time ({fmt})", f.name),
                );
                continue;
            }
            // Non-ASCII bytes: F-002 already names the byte.
            Err(_) => continue,
        };
        let Some(value) = value else {
            if pga && f.designation == Designation::M {
                sink.emit_cbp(
                    "F-011",
                    Severity::Error,
                    PGA_RULESET,
                    mandatory_cbp(layout.id, f.name),
                    at,
                    format!(
                        "mandatory field {} (bytes {}-{}) is blank",
                        f.name, f.start, f.end
                    ),
                );
            }
            continue;
        };
        // Class checks on text fields; bytes outside the CBP set are F-002 … F-005 only.
        if f.kind == Kind::Text {
            let allowed = |c: u8| match f.class {
                Class::A => c.is_ascii_uppercase() || c == b' ',
                Class::AN => c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ',
                _ => true,
            };
            let bad = bytes.iter().find(|&&c| is_cbp_char(c) && !allowed(c));
            if let Some(&c) = bad {
                let (rule, what) = if f.class == Class::A {
                    ("F-008", "A (letters and spaces)")
                } else {
                    ("F-009", "AN (letters, digits, spaces)")
                };
                sink.emit_sev(
                    rule,
                    class_sev,
                    at,
                    format!("{} holds '{}': class {what}", f.name, char::from(c)),
                );
            }
            if bytes.first() == Some(&b' ') {
                sink.emit(
                    "F-010",
                    at,
                    format!(
                        "{} is not left-justified (leading spaces are kept as data)",
                        f.name
                    ),
                );
            }
        }
        if let Some((list, cbp, sev)) = closed_list(layout.id, f.name) {
            if let Err(msg) = check_closed(&list, f.name, &value.to_string(), sink.opts.as_of) {
                sink.emit_cbp("F-012", sev, PGA_RULESET, cbp, at, msg);
            }
        }
        // SPEC 2.6: the chapter allows 0001-2400 in PG30 (p. 48), but certified production
        // systems send 0000 for "no time": a warning, never an error.
        if layout.id == "PG30" && *f == *crate::field!(Pg30::inspection_arrival_time) {
            if let FieldValue::Time(Time {
                hour: 0, minute: 0, ..
            }) = value
            {
                sink.emit_sev(
                    "F-014",
                    Severity::Warning,
                    at,
                    format!("{} \"0000\": the chapter allows 0001-2400; leave the field blank when there is no time", f.name),
                );
            }
        }
        if layout.id == "PG01" && *f == *crate::field!(Pg01::intended_use_code) {
            let v = value.to_string();
            let b = v.as_bytes();
            let dotted = b.len() == 7
                && b.get(3) == Some(&b'.')
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 3 || c.is_ascii_digit());
            if !dotted {
                sink.emit("F-022", at, format!("intended use code \"{v}\" is not of the form NNN.NNN (Appendix R, e.g. 100.000)"));
            }
        }
    }
}
