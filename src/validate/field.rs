//! F rules (SPEC 6.1): framing problems from the parser, bytes (F-002, F-003, F-005; F-004 is
//! retired since revision 6.2), filler (F-006), field classes (F-007 … F-010, F-013, F-014),
//! mandatory fields (F-011), closed code lists (F-012) and the intended-use shape (F-022).

use crate::error::{FieldErrorKind, Problem, ProblemKind, Severity};
use crate::layout::{
    is_cbp_char, Class, Codes, Designation, FieldDef, FieldValue, Kind, RecordLayout, Time,
};
use crate::records::{Pg01, Pg30, Record, RecordType};
#[cfg(test)]
use crate::tree::FlatTree;

use super::{At, RuleId, Sink, PGA_RULESET};

mod judge;

use judge::{judge_record, TypeSets};

/// Whether a record is one of the OI/PG records (the PGA Message Set proper).
pub(crate) fn is_pga_record(rt: RecordType) -> bool {
    rt == RecordType::Oi || rt.is_pg() && rt.layout().is_some()
}

/// Output (response) records: class violations are warnings (SPEC 7.2).
fn is_output_record(rt: RecordType) -> bool {
    rt.is_response()
}

/// The F rules over a whole transmission: [`FieldPass::begin`], then
/// [`FieldPass::record`] on every record in input order (one implementation with the fused
/// driver of [`super::validate`]).
#[cfg(test)]
pub(super) fn check(t: &FlatTree<'_>, lenient_numeric: bool, sink: &mut Sink<'_>) {
    let mut pass = FieldPass::begin(t.problems(), lenient_numeric, sink);
    for r in t.records() {
        pass.record(&r, sink);
    }
}

/// The F rules as steps: what they carry from record to record (the memo, the type of the
/// record before). The parse problems are emitted by [`Self::begin`], the records' findings
/// by [`Self::record`], fed every record in input order (conditions right after their
/// record).
pub(super) struct FieldPass {
    lenient_n: bool,
    memo: Memo,
    /// The type of the record before (the memo's blank patterns are found by it).
    prev: usize,
}

impl FieldPass {
    /// Emits the parse problems `problems` (other than field errors, re-checked field by
    /// field by [`Self::record`]) and starts the pass over records parsed with
    /// `lenient_numeric`.
    pub(super) fn begin(problems: &[Problem], lenient_numeric: bool, sink: &mut Sink<'_>) -> Self {
        for p in problems {
            if matches!(p.kind, ProblemKind::Field(_)) {
                continue; // re-checked field by field below
            }
            let at = At {
                record: p.location.record.as_deref().map(str::as_bytes),
                line: p.location.line,
                columns: p.location.columns,
                offset: p.location.offset,
            };
            sink.emit_sev(p.kind.rule(), p.severity, at, p.kind.to_string());
        }
        FieldPass {
            lenient_n: lenient_numeric,
            memo: Memo::default(),
            prev: 0,
        }
    }

    /// The F rules of the next record of the input.
    #[inline]
    pub(super) fn record(&mut self, r: &Record<'_>, sink: &mut Sink<'_>) {
        let lenient_n = self.lenient_n;
        let judged = !lenient_n && judge_record(r, self.prev, &mut self.memo, sink);
        self.prev = r.record_type() as usize;
        if judged {
            return;
        }
        let clean = check_bytes(r, sink);
        if let Some(layout) = r.record_type().layout() {
            // A record whose 80 bytes are all in the CBP set and whose every field was typed
            // by the strict parse (no field error) needs no field read again: only the
            // fields whose value a rule looks at (code lists, the PG01 intended use, the
            // PG30 time) are typed.
            let typed = clean && !lenient_n && r.raw().len() >= 80 && r.field_error().is_none();
            check_fields(r, layout, lenient_n, typed, &mut self.memo, sink);
        }
    }
}

/// What the F rules of one validation remember between records.
///
/// * The last values of each short field of a typed record ([`Step::memo`]) that gave no
///   finding: on a typed record the F rules of a field depend only on its bytes (the record
///   type, the options and the as-of date are those of the whole validation), so the same
///   bytes again give no finding either and are not read again (a code list value repeated
///   on every line is looked up once).
/// * Per record type, the byte sets of the blank patterns of its optional text fields met
///   last ([`judge`]): records of a type mostly leave the same fields blank.
#[derive(Default)]
struct Memo {
    /// By [`MemoSlot::slot`]: [`MemoSlot::key`] of the last few clean values, 0 when none
    /// yet.
    last_clean: Vec<[u128; MEMO_WAYS]>,
    /// By record type: the byte sets of the blank patterns met last.
    sets: Vec<TypeSets>,
}

/// Values remembered per field (a field often alternates between a few values).
const MEMO_WAYS: usize = 4;

/// Slots of [`Memo`] handed out so far (one per short field of a plan, [`judged_fields`]).
static MEMO_SLOTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Where the memo keeps the values of one field of at most 16 bytes, and how its key is
/// read.
#[derive(Clone, Copy)]
struct MemoSlot {
    /// Index into [`Memo::last_clean`].
    slot: usize,
    /// 0-based first column (at most 64) of the 16-byte window of the record that holds
    /// the field.
    at: u8,
    /// The field's bytes within the window (the window read as a little-endian `u128`).
    mask: u128,
}

impl MemoSlot {
    /// The slot of field `f` (of at most 16 bytes within columns 1-80), numbered from
    /// [`MEMO_SLOTS`]; `None` for a longer field.
    fn new(f: &FieldDef) -> Option<MemoSlot> {
        let (s, e) = (usize::from(f.start).checked_sub(1)?, usize::from(f.end));
        if s >= e || e > 80 || e - s > 16 {
            return None;
        }
        let at = s.min(64);
        let mask = (s..e).fold(0u128, |m, c| m | 0xFF << (8 * (c - at)));
        Some(MemoSlot {
            slot: MEMO_SLOTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            at: u8::try_from(at).ok()?,
            mask,
        })
    }

    /// The slot and the field's bytes in `raw` as one word (its window, masked); `None`
    /// for a value of NUL bytes only (0 marks an empty way of the memo; the memo is asked
    /// only about records of CBP bytes, which hold no NUL). A slot belongs to one field,
    /// so that equal words are equal values.
    #[inline]
    fn key(&self, raw: &[u8; 80]) -> Option<(usize, u128)> {
        let at = usize::from(self.at);
        let window = raw.get(at..at + 16)?;
        let word = u128::from_le_bytes(<[u8; 16]>::try_from(window).ok()?) & self.mask;
        (word != 0).then_some((self.slot, word))
    }
}

/// Whether a field is all spaces, without a branch per byte (a blank field
/// is read to its end, so the loop is vectorized).
#[inline]
pub(super) fn blank(b: &[u8]) -> bool {
    match b.first() {
        Some(&c) if c != b' ' => false,
        _ => b.iter().fold(0u8, |acc, &c| acc | (c ^ b' ')) == 0,
    }
}

/// Whether every byte of a text field fits class A (upper-case letters and spaces) or AN
/// (and digits); `true` for the other classes. A branchless pre-check: only a field that
/// fails it is searched for the byte to name (the answer the search gives is the same).
#[inline]
pub(super) fn class_letters_digits_ok(class: Class, b: &[u8]) -> bool {
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

/// Bytes per word of [`all_cbp`].
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Nonzero when one of the 8 bytes of `x` is outside the CBP set ([`is_cbp_char`]: below
/// `0x20`, above `0x7E`, or a lower-case letter), zero otherwise. Word-at-a-time tests
/// ("has less", "has more", "has between" of the bit-twiddling folklore; each is exact
/// about whether any byte matches).
#[inline]
fn word_not_cbp(x: u64) -> u64 {
    let low7 = x & (ONES * 0x7F);
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    // "Has more than 0x7E": 0x7F - 0x7E = 1 added to each byte's low 7 bits.
    let above_tilde = ((low7 + ONES) | x) & HIGHS;
    let lower =
        (ONES * (0x7F + 0x7B)).wrapping_sub(low7) & !x & (low7 + ONES * (0x7F - 0x60)) & HIGHS;
    below_space | above_tilde | lower
}

/// Whether every byte is in the CBP character set ([`is_cbp_char`]), 8 bytes per step.
pub(crate) fn all_cbp(raw: &[u8]) -> bool {
    let mut words = raw.chunks_exact(8);
    for w in &mut words {
        let x = <[u8; 8]>::try_from(w).map_or(u64::MAX, u64::from_le_bytes);
        if word_not_cbp(x) != 0 {
            return false;
        }
    }
    words.remainder().iter().all(|&b| is_cbp_char(b))
}

/// [`all_cbp`] of a record of exactly 80 bytes, byte by byte without a branch (the
/// compiler vectorizes the fold); `None` for another length.
#[inline]
fn all_cbp_80(raw: &[u8]) -> Option<bool> {
    let raw = <&[u8; 80]>::try_from(raw).ok()?;
    // Outside the set: below 0x20 or above 0x7E (one unsigned comparison), or a lower-case
    // letter.
    let bad = raw.iter().fold(0u8, |acc, &b| {
        acc | u8::from(b.wrapping_sub(0x20) > 0x5E) | u8::from(b.wrapping_sub(b'a') < 26)
    });
    Some(bad == 0)
}

/// F-002, F-003, F-005: one finding per offending byte (F-004 is retired, SPEC 2.3).
/// Returns whether the record's first 80 bytes are all in the CBP set (no finding).
fn check_bytes(r: &Record<'_>, sink: &mut Sink<'_>) -> bool {
    // Bytes beyond column 80 are F-001's (one finding for the record), not one per byte.
    let raw = r.raw().get(..r.raw().len().min(80)).unwrap_or_default();
    if all_cbp_80(raw).unwrap_or_else(|| all_cbp(raw)) {
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
    layout: &'static RecordLayout,
    lenient_n: bool,
    typed: bool,
    memo: &mut Memo,
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
    let cx = FieldCx {
        r,
        raw,
        rec_at: At::record(r),
        typed,
        lenient_n,
        pga,
        output,
        class_sev,
    };
    if typed {
        // A field whose first byte is not a space is not blank and not right-justified;
        // when the record's text bytes fit their classes (one pass over the record) and no
        // rule reads the field's value, no F rule can fire on it.
        let classes_ok = classes_fit(r.record_type(), layout, raw);
        let raw80 = raw.first_chunk::<80>();
        let Some(plan) = judged_fields(r, layout) else {
            // No plan for this record type: every field, read (the same findings).
            for f in layout.fields {
                check_field(&cx, f, sink);
            }
            return;
        };
        for step in plan {
            let f = step.field;
            let bytes = f.slice(raw);
            if !step.special {
                let plain = match bytes.first() {
                    Some(&c) if c != b' ' => !step.text || classes_ok,
                    // Blank: only F-011 can fire.
                    _ => !step.mandatory && blank(bytes),
                };
                if plain {
                    continue;
                }
            }
            let key = step.memo.zip(raw80).and_then(|(m, raw)| m.key(raw));
            check_memoized(&cx, f, key, memo, sink);
        }
    } else {
        for f in layout.fields {
            check_field(&cx, f, sink);
        }
    }
}

/// Checks field `f` of a typed record through the memo, `key` its [`MemoSlot::key`]
/// (`None`: not remembered): a value that gave no finding before is not read
/// again; a value that gives no finding now is remembered (the oldest of its slot leaves).
#[inline]
fn check_memoized(
    cx: &FieldCx<'_, '_>,
    f: &FieldDef,
    key: Option<(usize, u128)>,
    memo: &mut Memo,
    sink: &mut Sink<'_>,
) {
    let Some((i, key)) = key else {
        check_field(cx, f, sink);
        return;
    };
    if memo.last_clean.get(i).is_some_and(|s| s.contains(&key)) {
        return;
    }
    check_and_remember(cx, f, i, key, memo, sink);
}

/// [`check_memoized`] for a value not remembered.
#[cold]
#[inline(never)]
fn check_and_remember(
    cx: &FieldCx<'_, '_>,
    f: &FieldDef,
    i: usize,
    key: u128,
    memo: &mut Memo,
    sink: &mut Sink<'_>,
) {
    let before = sink.errors + sink.warnings;
    check_field(cx, f, sink);
    if sink.errors + sink.warnings == before {
        if memo.last_clean.len() <= i {
            memo.last_clean.resize(i + 1, [0; MEMO_WAYS]);
        }
        if let Some(slot) = memo.last_clean.get_mut(i) {
            slot.rotate_right(1);
            if let Some(first) = slot.first_mut() {
                *first = key;
            }
        }
    }
}

/// The decimal digits of `n` as `u64`'s `Display` writes them (no sign, no leading zeros;
/// `0` for zero), written into `buf` (20 bytes hold `u64::MAX`) without allocating.
fn int_str(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut len = 0;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    let start = buf.len().saturating_sub(len);
    buf.get(start..)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default()
}

/// What [`check_field`] needs of its record.
#[derive(Clone, Copy)]
struct FieldCx<'s, 'a> {
    r: &'s Record<'a>,
    raw: &'a [u8],
    rec_at: At<'a>,
    typed: bool,
    lenient_n: bool,
    pga: bool,
    output: bool,
    class_sev: Severity,
}

/// Whether a rule reads the value of field `f` of `r` (a closed code list, the PG01 intended
/// use, the PG30 arrival time).
fn is_special(r: &Record<'_>, f: &FieldDef) -> bool {
    f.closed.is_some()
        || r.record_type() == RecordType::Pg01 && f == Pg01::INTENDED_USE_CODE
        || r.record_type() == RecordType::Pg30 && f == Pg30::INSPECTION_ARRIVAL_TIME
}

/// One field of a record type's plan ([`judged_fields`]), with what the typed fast path asks
/// of it, decided once per record type.
struct Step {
    /// The field.
    field: &'static FieldDef,
    /// A rule reads its value ([`is_special`]): always checked.
    special: bool,
    /// A text field (its class is judged by the record's class pass).
    text: bool,
    /// Mandatory in a PGA record (a blank value is F-011's).
    mandatory: bool,
    /// The field's slot in a [`Memo`] (fields of at most 16 bytes).
    memo: Option<MemoSlot>,
}

/// The fields of `r`'s layout that an F rule can judge on a typed record: text fields,
/// mandatory fields and fields whose value a rule reads ([`is_special`]); the other fields
/// (typed without error, not text, not mandatory) can give no finding. Built once per record
/// type (with each field's flags); in layout order. `None` for a record type beyond the
/// plan table (none today).
fn judged_fields(r: &Record<'_>, layout: &'static RecordLayout) -> Option<&'static [Step]> {
    static PLANS: [std::sync::OnceLock<Vec<Step>>; 128] =
        [const { std::sync::OnceLock::new() }; 128];
    let build = || {
        let pga = is_pga_record(r.record_type());
        layout
            .fields
            .iter()
            .filter(|f| f.kind == Kind::Text || f.designation == Designation::M || is_special(r, f))
            .map(|f| Step {
                field: f,
                special: is_special(r, f),
                text: f.kind == Kind::Text,
                mandatory: pga && f.designation == Designation::M,
                memo: MemoSlot::new(f),
            })
            .collect()
    };
    PLANS
        .get(r.record_type() as usize)
        .map(|cell| cell.get_or_init(build).as_slice())
}

/// Per record type, its 80 columns: `0xFF` where a class A text field lies (first array)
/// and where a class AN text field lies (second); built once per record type from its
/// layout.
fn class_masks(rt: RecordType, layout: &RecordLayout) -> Option<&'static ([u8; 80], [u8; 80])> {
    static MASKS: [std::sync::OnceLock<([u8; 80], [u8; 80])>; 128] =
        [const { std::sync::OnceLock::new() }; 128];
    let cell = MASKS.get(rt as usize)?;
    Some(cell.get_or_init(|| {
        let (mut a, mut an) = ([0u8; 80], [0u8; 80]);
        for f in layout.fields.iter().filter(|f| f.kind == Kind::Text) {
            let m = match f.class {
                Class::A => &mut a,
                Class::AN => &mut an,
                _ => continue,
            };
            let (s, e) = (usize::from(f.start).saturating_sub(1), usize::from(f.end));
            for c in m.get_mut(s..e.min(80)).unwrap_or_default() {
                *c = 0xFF;
            }
        }
        (a, an)
    }))
}

/// Whether every byte of the record's class A and AN text fields fits its class (A:
/// upper-case letters and spaces; AN: and digits), byte by byte without a branch over the
/// 80 columns (the compiler vectorizes the fold; `false` when no mask is known or the record
/// is not 80 bytes: the fields are then checked one by one).
fn classes_fit(rt: RecordType, layout: &RecordLayout, raw: &[u8]) -> bool {
    let Some((mask_a, mask_an)) = class_masks(rt, layout) else {
        return false;
    };
    let Ok(raw) = <&[u8; 80]>::try_from(raw) else {
        return false;
    };
    let bad = raw
        .iter()
        .zip(mask_a)
        .zip(mask_an)
        .fold(0u8, |acc, ((&b, &a), &an)| {
            let letter = u8::from(b.wrapping_sub(b'A') < 26 || b == b' ').wrapping_neg();
            let digit = u8::from(b.wrapping_sub(b'0') < 10).wrapping_neg();
            acc | (a & !letter) | (an & !(letter | digit))
        });
    bad == 0
}

/// The F rules of field `f` of one record (F-007, F-008, F-009, F-010, F-011, F-012, F-013,
/// F-014, F-022).
fn check_field(cx: &FieldCx<'_, '_>, f: &FieldDef, sink: &mut Sink<'_>) {
    let FieldCx {
        r,
        raw,
        rec_at,
        typed,
        lenient_n,
        pga,
        output,
        class_sev,
    } = *cx;
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
            return;
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
            return;
        }
        // Non-ASCII bytes: F-002 already names the byte.
        Err(_) => return,
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
        return;
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
        let mut digits = [0u8; 20];
        let text = match value {
            FieldValue::Text(t) => std::borrow::Cow::Borrowed(t),
            // The canonical form of a whole number, without allocating (most closed N fields).
            FieldValue::Int(n) => std::borrow::Cow::Borrowed(int_str(n, &mut digits)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ParseOptions;
    use crate::validate::{Report, ValidateOptions};

    /// The word-at-a-time test agrees with the table of the CBP set for every byte value at
    /// every position of a word, among CBP bytes and among random ones; so does the 80-byte
    /// fold at every column.
    #[test]
    fn word_test_agrees_with_the_cbp_table() {
        for fill in [b' ', b'A', b'~', b'0'] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut w = [fill; 8];
                    if let Some(c) = w.get_mut(pos) {
                        *c = b;
                    }
                    assert_eq!(
                        word_not_cbp(u64::from_le_bytes(w)) != 0,
                        !is_cbp_char(b),
                        "byte {b:#04x} at {pos}"
                    );
                }
            }
        }
        let mut x = 1u64;
        for _ in 0..100_000 {
            x = crate::validate::samples::next_seed(x);
            for w in [
                x.to_le_bytes(),
                // Bytes near the borders of the set (0x18 … 0x83).
                x.to_le_bytes().map(|b| 0x18 + b % 0x6C),
            ] {
                let word = u64::from_le_bytes(w);
                assert_eq!(
                    word_not_cbp(word) != 0,
                    !w.iter().all(|&b| is_cbp_char(b)),
                    "{w:?}"
                );
                assert_eq!(all_cbp(&w), w.iter().all(|&b| is_cbp_char(b)));
            }
        }
        // The 80-byte fold: every byte value at every column.
        for col in 0..80 {
            for b in 0..=255u8 {
                let mut rec = [b'A'; 80];
                if let Some(c) = rec.get_mut(col) {
                    *c = b;
                }
                assert_eq!(all_cbp_80(&rec), Some(is_cbp_char(b)), "{b:#04x} at {col}");
            }
        }
    }

    /// `int_str` writes what `u64`'s `Display` writes (the canonical form the closed-list
    /// check compared before).
    #[test]
    fn int_str_is_the_display_form() {
        let mut buf = [0u8; 20];
        let mut values = vec![0, 1, 9, 10, 99, 100, 101, 1_000_000, u64::MAX, u64::MAX - 1];
        let mut x = 1u64;
        for _ in 0..64 {
            values.push(x);
            values.push(x.wrapping_sub(1));
            x = x.wrapping_mul(3).wrapping_add(7);
        }
        for v in values {
            assert_eq!(int_str(v, &mut buf), v.to_string());
        }
    }

    /// The findings of `check_fields` on one record, with or without the typed fast path.
    fn findings(r: &Record<'_>, typed: bool, opts: &ValidateOptions) -> Report {
        let mut sink = Sink::new(opts);
        if let Some(layout) = r.record_type().layout() {
            check_fields(r, layout, false, typed, &mut Memo::default(), &mut sink);
        }
        sink.into_report()
    }

    /// The memo of clean field values changes no report: every typed record of every sample,
    /// with seeded byte changes in its short fields (so that bad values repeat between good
    /// ones), checked twice in a row with one memo for all reports what each record checked
    /// with a fresh memo reports.
    #[test]
    fn memo_reports_what_reading_again_reports() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        let opts = ValidateOptions::new(as_of);
        let palette = b" 0123456789AZQX-.";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut records: Vec<Vec<u8>> = Vec::new();
        for line in crate::validate::samples::records() {
            for variant in 0..6 {
                let mut rec = line.to_vec();
                if variant % 2 == 1 {
                    seed = crate::validate::samples::next_seed(seed);
                    let col = 4 + (seed >> 33) as usize % 76;
                    if let Some(c) = rec.get_mut(col) {
                        *c = palette[(seed >> 50) as usize % palette.len()];
                    }
                }
                records.push(rec);
            }
        }
        let (mut shared, mut with_findings, mut compared) = (Memo::default(), 0usize, 0usize);
        for rec in records.iter().chain(&records) {
            let Ok(t) = crate::Transmission::parse_with(rec, &ParseOptions::strict()) else {
                continue;
            };
            t.tree().for_each_record(|r| {
                let Some(layout) = r.record_type().layout() else {
                    return;
                };
                if !(all_cbp(r.raw()) && r.raw().len() >= 80 && r.field_error().is_none()) {
                    return;
                }
                let run = |memo: &mut Memo| {
                    let mut sink = Sink::new(&opts);
                    check_fields(r, layout, false, true, memo, &mut sink);
                    sink.into_report()
                };
                let fresh = run(&mut Memo::default());
                assert_eq!(
                    run(&mut shared),
                    fresh,
                    "{}",
                    String::from_utf8_lossy(r.raw())
                );
                compared += 1;
                with_findings += usize::from(!fresh.findings.is_empty());
            });
        }
        assert!(compared > 1000, "{compared} records compared");
        assert!(with_findings > 100, "{with_findings} records with findings");
    }

    /// The typed fast path (skip fields the strict parse typed, one class pass per record)
    /// reports exactly what reading every field reports, on every record it applies to: the
    /// records of every sample, each also with seeded byte changes (digits, letters, spaces,
    /// punctuation) at every column.
    #[test]
    fn typed_fast_path_reports_what_reading_every_field_reports() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        let opts = ValidateOptions::new(as_of);
        let palette = b" 0123456789AZQX-./*&";
        let mut compared = 0usize;
        let mut with_findings = 0usize;
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for line in crate::validate::samples::records() {
            for variant in 0..24 {
                let mut rec = line.to_vec();
                if variant > 0 {
                    for _ in 0..(1 + variant % 3) {
                        seed = crate::validate::samples::next_seed(seed);
                        let col = 4 + (seed >> 33) as usize % 76;
                        let b = palette[(seed >> 50) as usize % palette.len()];
                        if let Some(c) = rec.get_mut(col) {
                            *c = b;
                        }
                    }
                }
                let Ok(t) = crate::Transmission::parse_with(&rec, &ParseOptions::strict()) else {
                    continue;
                };
                t.tree().for_each_record(|r| {
                    let eligible = all_cbp(r.raw())
                        && r.raw().len() >= 80
                        && r.field_error().is_none()
                        && r.record_type().layout().is_some();
                    if eligible {
                        let fast = findings(r, true, &opts);
                        assert_eq!(
                            fast,
                            findings(r, false, &opts),
                            "{}",
                            String::from_utf8_lossy(r.raw())
                        );
                        compared += 1;
                        with_findings += usize::from(!fast.findings.is_empty());
                    }
                });
            }
        }
        assert!(compared > 1000, "{compared} records compared");
        assert!(with_findings > 100, "{with_findings} records with findings");
    }
}
