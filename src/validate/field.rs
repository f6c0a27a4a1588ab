//! F rules (SPEC 6.1): framing problems from the parser, bytes (F-002, F-003, F-005; F-004 is
//! retired since revision 6.2), filler (F-006), field classes (F-007 … F-010, F-013, F-014),
//! mandatory fields (F-011), closed code lists (F-012) and the intended-use shape (F-022).

use crate::error::{FieldErrorKind, ProblemKind, Severity};
use crate::layout::{is_cbp_char, Class, Codes, Designation, FieldValue, Kind, RecordLayout, Time};
use crate::records::{Pg01, Pg30, Record, RecordType};
use crate::transmission::Transmission;

use super::{At, RuleId, Sink, PGA_RULESET};

/// Whether a record is one of the OI/PG records (the PGA Message Set proper).
pub(crate) fn is_pga_record(rt: RecordType) -> bool {
    rt == RecordType::Oi || rt.is_pg() && rt.layout().is_some()
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
            record: p.location.record.as_deref(),
            line: p.location.line,
            columns: p.location.columns,
            offset: p.location.offset,
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
        let clean = check_bytes(r, sink);
        if let Some(layout) = r.record_type().layout() {
            // A record whose 80 bytes are all in the CBP set and whose every field was typed
            // by the strict parse (no field error) needs no field read again: only the
            // fields whose value a rule looks at (code lists, the PG01 intended use, the
            // PG30 time) are typed.
            let typed = clean && !lenient_n && r.raw().len() >= 80 && r.field_error().is_none();
            check_fields(r, layout, lenient_n, typed, sink);
        }
    });
}

/// Whether a field is all spaces, without a branch per byte (a blank field
/// is read to its end, so the loop is vectorized).
#[inline]
fn blank(b: &[u8]) -> bool {
    match b.first() {
        Some(&c) if c != b' ' => false,
        _ => b.iter().fold(0u8, |acc, &c| acc | (c ^ b' ')) == 0,
    }
}

/// Whether every byte of a text field fits class A (upper-case letters and spaces) or AN
/// (and digits); `true` for the other classes. A branchless pre-check: only a field that
/// fails it is searched for the byte to name (the answer the search gives is the same).
#[inline]
fn class_letters_digits_ok(class: Class, b: &[u8]) -> bool {
    match class {
        Class::A => b
            .iter()
            .fold(true, |ok, &c| ok & (c.is_ascii_uppercase() | (c == b' '))),
        Class::AN => b.iter().fold(true, |ok, &c| {
            ok & (c.is_ascii_uppercase() | c.is_ascii_digit() | (c == b' '))
        }),
        _ => true,
    }
}

/// Whether every byte is in the CBP character set ([`is_cbp_char`]), 16 bytes per step
/// without a branch per byte (the compiler vectorizes the inner loop).
pub(crate) fn all_cbp(raw: &[u8]) -> bool {
    #[inline(always)]
    fn bad(b: u8) -> u8 {
        u8::from(!(b' '..=b'~').contains(&b) | b.is_ascii_lowercase())
    }
    let mut chunks = raw.chunks_exact(16);
    for c in &mut chunks {
        let mut acc = 0u8;
        for &b in c {
            acc |= bad(b);
        }
        if acc != 0 {
            return false;
        }
    }
    chunks.remainder().iter().fold(0u8, |acc, &b| acc | bad(b)) == 0
}

/// F-002, F-003, F-005: one finding per offending byte (F-004 is retired, SPEC 2.3).
/// Returns whether the record's first 80 bytes are all in the CBP set (no finding).
fn check_bytes(r: &Record<'_>, sink: &mut Sink<'_>) -> bool {
    // Bytes beyond column 80 are F-001's (one finding for the record), not one per byte.
    let raw = r.raw().get(..r.raw().len().min(80)).unwrap_or_default();
    if all_cbp(raw) {
        return true;
    }
    // A response is never refused (SPEC 7.2): its odd bytes are warnings.
    let output = is_output_record(r.record_type());
    let mut emit = |rule: RuleId, at: At<'_>, msg: String| {
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
                RuleId::F_002,
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
                RuleId::F_003,
                at,
                format!("{name} (0x{b:02X}) at column {col}; use a space"),
            );
        } else if b.is_ascii_lowercase() {
            emit(
                RuleId::F_005,
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
    false
}

/// A value of a closed list on the as-of date: `Ok` when a row is valid then, `Err` with the
/// message otherwise (listing the codes valid on that date, and the dates of the code's own
/// rows when it has some).
fn check_closed(
    codes: &Codes,
    field: &str,
    text: &str,
    as_of: chrono::NaiveDate,
) -> Result<(), String> {
    match codes {
        Codes::Values(vals) => {
            if vals.contains(&text) {
                Ok(())
            } else {
                Err(format!(
                    "{field} \"{text}\" is not one of {}",
                    vals.join(", ")
                ))
            }
        }
        Codes::List(list) => {
            if super::code_valid_on(*list, text, as_of) {
                return Ok(());
            }
            let rows = list.rows();
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

/// The F rules of one record's fields. `typed`: the record is all CBP characters and its
/// strict parse typed every field, so a field is read again only when a rule needs its
/// value (the findings are those of reading every field).
fn check_fields(
    r: &Record<'_>,
    layout: &RecordLayout,
    lenient_n: bool,
    typed: bool,
    sink: &mut Sink<'_>,
) {
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
        for f in layout.fillers {
            let (s, e) = (f.start, f.end);
            if !blank(f.slice(raw)) {
                let msg = if output {
                    format!("filler bytes {s}-{e} carry data (kept verbatim; a response is never refused)")
                } else {
                    format!("filler bytes {s}-{e} must be spaces")
                };
                sink.emit_sev(RuleId::F_006, class_sev, At::record(r).cols(s, e), msg);
            }
        }
    }
    let rec_at = At::record(r);
    for f in layout.fields {
        let bytes = f.slice(raw);
        let at = rec_at.cols(f.start, f.end);
        // Text fields of an ASCII record need no typing unless a code list or a shape is
        // checked: presence is enough (the bytes are checked below).
        let special = f.closed.is_some()
            || r.record_type() == RecordType::Pg01 && f == Pg01::INTENDED_USE_CODE
            || r.record_type() == RecordType::Pg30 && f == Pg30::INSPECTION_ARRIVAL_TIME;
        let needs_value = special || !typed && (f.kind != Kind::Text || !bytes.is_ascii());
        let read = if needs_value {
            f.read(raw, false)
        } else if blank(bytes) {
            Ok(None)
        } else {
            Ok(Some(crate::layout::FieldValue::Text("")))
        };
        let value = match read {
            Ok(v) => v,
            Err(FieldErrorKind::NotNumeric) => {
                if lenient_n && matches!(f.read(raw, true), Ok(Some(_))) {
                    sink.emit_sev(
                        RuleId::F_007,
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
                        RuleId::F_007,
                        class_sev,
                        at,
                        format!("{} is \"{shown}\": an N field must be all digits (zero-filled, no sign or point) or all spaces", f.name),
                    );
                }
                continue;
            }
            Err(kind @ (FieldErrorKind::ImpossibleDate | FieldErrorKind::ImpossibleTime)) => {
                let (rule, what) = if kind == FieldErrorKind::ImpossibleDate {
                    (RuleId::F_013, "date")
                } else {
                    (RuleId::F_014, "time")
                };
                let shown = String::from_utf8_lossy(bytes);
                let fmt = f.kind.format().unwrap_or(what);
                sink.emit_sev(
                    rule,
                    class_sev,
                    at,
                    format!("{} \"{shown}\" is not a real {what} ({fmt})", f.name),
                );
                continue;
            }
            // Non-ASCII bytes: F-002 already names the byte.
            Err(_) => continue,
        };
        let Some(value) = value else {
            if pga && f.designation == Designation::M {
                sink.emit_cbp(
                    RuleId::F_011,
                    Severity::Error,
                    PGA_RULESET,
                    f.blank_cbp,
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
            let bad = if class_letters_digits_ok(f.class, bytes) {
                None
            } else {
                bytes.iter().find(|&&c| is_cbp_char(c) && !allowed(c))
            };
            if let Some(&c) = bad {
                let (rule, what) = if f.class == Class::A {
                    (RuleId::F_008, "A (letters and spaces)")
                } else {
                    (RuleId::F_009, "AN (letters, digits, spaces)")
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
                    RuleId::F_010,
                    at,
                    format!(
                        "{} is not left-justified (leading spaces are kept as data)",
                        f.name
                    ),
                );
            }
        }
        if let Some(closed) = &f.closed {
            // A text value is compared as it is; other kinds in their canonical form.
            let text = match value {
                FieldValue::Text(t) => std::borrow::Cow::Borrowed(t),
                ref v => std::borrow::Cow::Owned(v.to_string()),
            };
            if let Err(msg) = check_closed(&closed.codes, f.name, &text, sink.opts.as_of) {
                // Response records (SPEC 7.1, 7.2): an unknown code is kept and is a warning.
                let sev = if output || closed.advisory {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                sink.emit_cbp(RuleId::F_012, sev, PGA_RULESET, closed.cbp_code, at, msg);
            }
        }
        // SPEC 2.6: the chapter allows 0001-2400 in PG30 (p. 48), but certified production
        // systems send 0000 for "no time": a warning, never an error.
        if r.record_type() == RecordType::Pg30 && f == Pg30::INSPECTION_ARRIVAL_TIME {
            if let FieldValue::Time(Time {
                hour: 0, minute: 0, ..
            }) = value
            {
                sink.emit_sev(
                    RuleId::F_014,
                    Severity::Warning,
                    at,
                    format!("{} \"0000\": the chapter allows 0001-2400; leave the field blank when there is no time", f.name),
                );
            }
        }
        if r.record_type() == RecordType::Pg01 && f == Pg01::INTENDED_USE_CODE {
            let v = value.to_string();
            let b = v.as_bytes();
            let dotted = b.len() == 7
                && b.get(3) == Some(&b'.')
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 3 || c.is_ascii_digit());
            if !dotted {
                sink.emit(RuleId::F_022, at, format!("intended use code \"{v}\" is not of the form NNN.NNN (Appendix R, e.g. 100.000)"));
            }
        }
    }
}
