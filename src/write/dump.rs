//! The canonical field dump (format in `spec-samples/README.md`): one object per record with
//! `line`, `record`, `variant` (only for a layout variant such as `SO70@04`, SPEC 7.2) and
//! either `fields` (records with a layout) or `raw` (every other record).
//! Values are strings in the canonical dump form (see [`crate::layout::FieldValue`]'s
//! `Display`), `None` for absent fields. Driven by the same layout tables as the parser.
//!
//! **Nothing is hidden.** A record with a layout whose bytes cannot be rebuilt from its
//! fields carries `raw` (its bytes as received) beside `fields`: data in filler (an `SE90`
//! with text in columns 50–80, F-006), a lenient `N` value (`  1`), a lower-case identifier
//! read leniently, a record that is not 80 bytes ([`DumpContent::FieldsAndRaw`]). It is the
//! rule of the decode JSON ([`crate::OwnedRecord::from_record`]): one function,
//! [`fields_rebuild`], decides for both. A record whose field cannot be typed carries `raw`
//! and `error` ([`DumpContent::Invalid`], [`DumpContent::Partial`]). A valid record has
//! `fields` only, so the dumps of valid input are those of `spec-samples/`.

use crate::error::FieldError;
use crate::records::Record;

/// One record of the field dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpRecord<'a> {
    /// 1-based record number.
    pub line: u32,
    /// Record identifier as sent, when its bytes are UTF-8 (`""` otherwise; see
    /// [`DumpRecord::record_bytes`], which the JSON dump writes).
    pub record: &'a str,
    /// Record identifier's bytes as sent (`b"PG14"`, `b"SE10"` …). The JSON dump writes them
    /// one char per byte (ISO-8859-1) as it writes `raw`, so that `raw` always starts with
    /// `record` (a line starting with bytes `CD B8` has `record` `"Í¸"`, not `"\u{378}"`).
    pub record_bytes: &'a [u8],
    /// The layout variant the record was read with (`"04"`, `"THRU"` for `SO70`, SPEC 7.2);
    /// `None` for the base layout and every other record. Dumped as `"variant"`.
    pub variant: Option<&'static str>,
    /// Fields or raw bytes.
    pub content: DumpContent<'a>,
}

/// Content of a dumped record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DumpContent<'a> {
    /// `(field name, canonical value)` in layout order; `None` = absent (all spaces). The
    /// fields rebuild the record's bytes exactly ([`fields_rebuild`]).
    Fields(Vec<(&'static str, Option<String>)>),
    /// The fields as in [`DumpContent::Fields`], and the record's bytes as received, because
    /// the fields do not rebuild them ([`fields_rebuild`]): data in filler, a lenient `N`
    /// value, a lower-case identifier, a record that is not 80 bytes. Dumped as `fields`
    /// and `raw`.
    FieldsAndRaw(Vec<(&'static str, Option<String>)>, &'a [u8]),
    /// The record's bytes, unchanged (host records, unknown `PGnn`).
    Raw(&'a [u8]),
    /// A record with a layout whose field could not be typed: its bytes and the error.
    Invalid(&'a [u8], FieldError),
    /// A response record (SPEC 7.2: never refused) whose field could not be typed: the
    /// fields that do decode (`None` for those that do not), its bytes and the first error.
    Partial(Vec<(&'static str, Option<String>)>, &'a [u8], FieldError),
}

/// Dumps one record.
pub fn dump_record<'a>(r: &Record<'a>) -> DumpRecord<'a> {
    let fields = |layout: &crate::layout::RecordLayout| {
        let raw = r.raw();
        let lenient = true;
        layout
            .fields
            .iter()
            .map(|f| {
                (
                    f.name,
                    f.read(raw, lenient).ok().flatten().map(|v| v.to_string()),
                )
            })
            .collect()
    };
    let content = match (r.record_type().layout(), r.field_error()) {
        (Some(layout), Some(e)) if r.record_type().is_response() => {
            DumpContent::Partial(fields(layout), r.raw(), e)
        }
        (Some(_), Some(e)) => DumpContent::Invalid(r.raw(), e),
        (Some(layout), None) => {
            let fs = fields(layout);
            if fields_rebuild(r.raw(), r.record_type(), &fs) {
                DumpContent::Fields(fs)
            } else {
                DumpContent::FieldsAndRaw(fs, r.raw())
            }
        }
        (None, _) => DumpContent::Raw(r.raw()),
    };
    DumpRecord {
        line: r.line(),
        record: r.id(),
        record_bytes: r.id_bytes(),
        variant: r.record_type().layout().and_then(|l| l.variant),
        content,
    }
}

/// Whether `fields` (a record's values in dump form, by layout name) rebuild exactly the
/// record's bytes `raw`: `raw` is 80 bytes, reads with the layout of `rt` under strict
/// identification (an upper-case identifier; for `SO70` the variant its bytes select, SPEC
/// 7.2), and writing the values with that layout (the identifier as sent, e.g. `GE90` for
/// the `SE90` layout) gives the same 80 bytes. False for data in filler, a lenient `  1`
/// number, a lower-case identifier, a record of another length, and a record without a
/// layout. The dump and the decode JSON keep `raw` beside `fields` exactly when this is
/// false.
pub fn fields_rebuild(
    raw: &[u8],
    rt: crate::records::RecordType,
    fields: &[(&'static str, Option<String>)],
) -> bool {
    let Some(layout) = rt.layout() else {
        return false;
    };
    if raw.len() != 80 || crate::records::identify(raw, false).record_type != rt {
        return false;
    }
    let value = |f: &crate::layout::FieldDef| {
        fields
            .iter()
            .find(|(name, _)| *name == f.name)
            .and_then(|(_, v)| v.as_deref())
    };
    builds(layout, raw, value)
}

/// Whether writing the values `value` gives with `layout` ([`crate::layout::build_record`])
/// gives exactly `raw`, whose identifier (an output variant's such as `GE90`, which shares
/// a layout) is taken as sent.
fn builds<'v>(
    layout: &crate::layout::RecordLayout,
    raw: &[u8],
    value: impl FnMut(&'static crate::layout::FieldDef) -> Option<&'v str>,
) -> bool {
    match crate::layout::build_record(layout, value) {
        Ok(mut built) => {
            let id = layout.id.len();
            if let (Some(dst), Some(src)) = (built.get_mut(..id), raw.get(..id)) {
                dst.copy_from_slice(src);
            }
            built.as_slice() == raw
        }
        Err(_) => false,
    }
}

/// Maps bytes to a string one char per byte (ISO-8859-1), so that any byte survives a trip
/// through JSON: ASCII stays as is, `0xD1` becomes `U+00D1`.
pub fn latin1_string(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// The inverse of [`latin1_string`]; `None` when a char is above `U+00FF`.
pub fn latin1_bytes(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

#[cfg(feature = "serde")]
impl serde::Serialize for DumpRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("record", &latin1_string(self.record_bytes))?;
        if let Some(v) = self.variant {
            m.serialize_entry("variant", v)?;
        }
        match &self.content {
            DumpContent::Fields(fields) => m.serialize_entry("fields", &FieldsMap(fields))?,
            DumpContent::FieldsAndRaw(fields, raw) => {
                m.serialize_entry("fields", &FieldsMap(fields))?;
                m.serialize_entry("raw", &latin1_string(raw))?;
            }
            DumpContent::Raw(raw) => m.serialize_entry("raw", &latin1_string(raw))?,
            DumpContent::Invalid(raw, e) => {
                m.serialize_entry("raw", &latin1_string(raw))?;
                m.serialize_entry("error", &e.to_string())?;
            }
            DumpContent::Partial(fields, raw, e) => {
                m.serialize_entry("fields", &FieldsMap(fields))?;
                m.serialize_entry("raw", &latin1_string(raw))?;
                m.serialize_entry("error", &e.to_string())?;
            }
        }
        m.end()
    }
}

#[cfg(feature = "serde")]
struct FieldsMap<'f>(&'f [(&'static str, Option<String>)]);

#[cfg(feature = "serde")]
impl serde::Serialize for FieldsMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The field dump as JSON Lines, written directly: the bytes `serde_json` writes for
/// [`dump_record`] (one object per record, keys in the same order), without an intermediate
/// [`DumpRecord`], `String` per value or `serde_json::Value`. Numbers, decimals and dates
/// are written digit by digit; one buffer of values is reused from record to record.
///
/// ```
/// use ace_pga::write::dump::{dump_record, DumpJsonWriter};
/// let data = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let t = ace_pga::Transmission::parse(&data)?;
/// let (mut writer, mut out) = (DumpJsonWriter::new(), Vec::new());
/// for r in t.records() {
///     writer.write_line(r, &mut out);
/// }
/// assert!(out.starts_with(b"{\"line\":1,\"record\":\"A\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct DumpJsonWriter {
    /// The canonical values of the current record, one after the other.
    values: String,
    /// Where each field's value sits (`None`: absent or not typable).
    spans: Vec<Option<Span>>,
    /// The current record is ASCII without a byte JSON escapes: no string taken from it
    /// needs escaping (field names and numbers never do).
    plain: bool,
}

/// Where a rendered value sits.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// Bytes `start..end` of the record itself (text, an integer without leading zeros).
    Raw(usize, usize),
    /// Bytes `start..end` of the value buffer.
    Buf(usize, usize),
}

impl DumpJsonWriter {
    /// A writer with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the dump of `r` as one line of JSON (with its `\n`) to `out`.
    pub fn write_line(&mut self, r: &Record<'_>, out: &mut Vec<u8>) {
        let raw = r.raw();
        let rt = r.record_type();
        let layout = rt.layout();
        self.plain = plain(raw);
        // A record's line is a few hundred bytes: one reservation, then plain copies.
        out.reserve(1024);
        out.extend_from_slice(b"{\"line\":");
        push_u64(out, u64::from(r.line()));
        out.extend_from_slice(b",\"record\":");
        // One char per byte, as `raw` (a non-ASCII identifier is not read as UTF-8).
        self.push_raw(out, r.id_bytes());
        if let Some(v) = layout.and_then(|l| l.variant) {
            out.extend_from_slice(b",\"variant\":");
            push_json_str(out, v.as_bytes());
        }
        let Some(layout) = layout else {
            out.extend_from_slice(b",\"raw\":");
            self.push_raw(out, raw);
            out.extend_from_slice(b"}\n");
            return;
        };
        match r.field_error() {
            Some(e) if rt.is_response() => {
                self.render(layout, raw);
                self.push_fields(layout, raw, out);
                out.extend_from_slice(b",\"raw\":");
                self.push_raw(out, raw);
                push_error(out, &e);
            }
            Some(e) => {
                out.extend_from_slice(b",\"raw\":");
                self.push_raw(out, raw);
                push_error(out, &e);
            }
            None => {
                self.render(layout, raw);
                self.push_fields(layout, raw, out);
                if !self.rebuilds(layout, raw, rt) {
                    out.extend_from_slice(b",\"raw\":");
                    self.push_raw(out, raw);
                }
            }
        }
        out.extend_from_slice(b"}\n");
    }

    /// Renders every field of `layout` from the record's bytes `raw` (leniently, as
    /// [`dump_record`]) for [`Self::rendered`] and [`Self::rendered_rebuild`]: what the
    /// decode JSON's `fields` object is written from (the same canonical values as the
    /// field dump's, the same reuse of buffers).
    #[cfg(feature = "json")]
    pub(crate) fn render_fields(&mut self, layout: &crate::layout::RecordLayout, raw: &[u8]) {
        self.plain = plain(raw);
        self.render(layout, raw);
    }

    /// The value of field `i` (layout order) as [`Self::render_fields`] rendered it from
    /// `raw`, and whether it is ASCII without a byte JSON escapes (every value of a plain
    /// record), so that it is copied between quotes as it is; `None` when absent or not
    /// typable.
    #[cfg(feature = "json")]
    pub(crate) fn rendered<'s>(&'s self, raw: &'s [u8], i: usize) -> Option<(&'s [u8], bool)> {
        self.value(raw, i).map(|v| (v, self.plain))
    }

    /// [`fields_rebuild`] over the values [`Self::render_fields`] rendered: whether they
    /// write back exactly `bytes` (the record's bytes, padded to 80 under
    /// `pad_short_lines`) with the layout of `rt`.
    #[cfg(feature = "json")]
    pub(crate) fn rendered_rebuild(
        &self,
        layout: &crate::layout::RecordLayout,
        bytes: &[u8],
        rt: crate::records::RecordType,
    ) -> bool {
        self.rebuilds(layout, bytes, rt)
    }

    /// Reads every field of `layout` from `raw` (leniently, as [`dump_record`]) into the
    /// value buffer.
    fn render(&mut self, layout: &crate::layout::RecordLayout, raw: &[u8]) {
        self.values.clear();
        self.spans.clear();
        for f in layout.fields {
            let span = if self.plain {
                self.render_plain(f, raw)
            } else {
                None
            };
            let span = span.unwrap_or_else(|| {
                let start = self.values.len();
                match f.read(raw, true) {
                    Ok(Some(v)) => {
                        push_value(&mut self.values, &v);
                        Some(Span::Buf(start, self.values.len()))
                    }
                    _ => None,
                }
            });
            self.spans.push(span);
        }
    }

    /// A field of a plain ASCII record read without typing it, where its canonical form
    /// is its bytes: text without trailing spaces; an `N` field of all digits (at most 19,
    /// so that any value fits `u64`) without leading zeros, the implied decimals after a
    /// point (the `Display` of `u64` and of `Decimal`). `None`: read it the general way.
    #[inline]
    fn render_plain(&mut self, f: &crate::layout::FieldDef, raw: &[u8]) -> Option<Option<Span>> {
        use crate::layout::Kind;
        let s = usize::from(f.start.saturating_sub(1)).min(raw.len());
        let e = usize::from(f.end).min(raw.len());
        let b = raw.get(s..e)?;
        let decimals = match f.kind {
            Kind::Text => {
                let end = crate::layout::trimmed_len(b);
                return Some((end > 0).then_some(Span::Raw(s, s + end)));
            }
            Kind::Int => 0,
            Kind::Dec(d) => usize::from(d),
            _ => return None,
        };
        let width = b.len();
        if width != f.len() || width > 19 || decimals > width || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Leading zeros of the integer part go; at least one digit stays.
        let int = width - decimals;
        let zeros = b
            .iter()
            .take(int.saturating_sub(1))
            .take_while(|&&c| c == b'0')
            .count();
        if decimals == 0 {
            return Some(Some(Span::Raw(s + zeros, e)));
        }
        let start = self.values.len();
        let (int_digits, frac) = b.split_at(int);
        let int_digits = int_digits.get(zeros..).unwrap_or_default();
        if int_digits.is_empty() {
            self.values.push('0');
        }
        // ASCII digits: one char per byte.
        self.values
            .extend(int_digits.iter().map(|&c| char::from(c)));
        self.values.push('.');
        self.values.extend(frac.iter().map(|&c| char::from(c)));
        Some(Some(Span::Buf(start, self.values.len())))
    }

    /// The value of field `i` as rendered (`raw`: the record).
    fn value<'s>(&'s self, raw: &'s [u8], i: usize) -> Option<&'s [u8]> {
        match self.spans.get(i).copied().flatten()? {
            Span::Raw(s, e) => raw.get(s..e),
            Span::Buf(s, e) => self.values.as_bytes().get(s..e),
        }
    }

    /// The value of field `i` when it is in the value buffer (every value of a record
    /// that is not plain).
    fn value_str(&self, i: usize) -> Option<&str> {
        match self.spans.get(i).copied().flatten()? {
            Span::Raw(..) => None,
            Span::Buf(s, e) => self.values.get(s..e),
        }
    }

    /// `,"fields":{…}` with the rendered values.
    fn push_fields(&self, layout: &crate::layout::RecordLayout, raw: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"fields\":{");
        for (i, f) in layout.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // Field names are snake_case ASCII: nothing to escape.
            out.push(b'"');
            out.extend_from_slice(f.name.as_bytes());
            out.extend_from_slice(b"\":");
            match self.value(raw, i) {
                Some(v) => self.push_str(out, v),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.push(b'}');
    }

    /// A JSON string of bytes of the current record (or of a value read from it).
    #[inline]
    fn push_str(&self, out: &mut Vec<u8>, s: &[u8]) {
        if self.plain {
            out.push(b'"');
            out.extend_from_slice(s);
            out.push(b'"');
        } else {
            push_json_str(out, s);
        }
    }

    /// The record's bytes as a JSON string of [`latin1_string`].
    fn push_raw(&self, out: &mut Vec<u8>, raw: &[u8]) {
        if self.plain {
            self.push_str(out, raw);
        } else {
            push_latin1(out, raw);
        }
    }

    /// [`fields_rebuild`] over the rendered values (same rule, no lookup by name).
    fn rebuilds(
        &self,
        layout: &crate::layout::RecordLayout,
        raw: &[u8],
        rt: crate::records::RecordType,
    ) -> bool {
        if raw.len() != 80 || crate::records::identify(raw, false).record_type != rt {
            return false;
        }
        if self.plain {
            return self.rebuilds_plain(layout, raw, rt);
        }
        let mut i = 0;
        builds(layout, raw, |_| {
            // `build_record` asks for the fields in layout order, once each.
            let v = self.value_str(i);
            i += 1;
            v
        })
    }

    /// [`Self::rebuilds`] of a plain 80-byte record without writing the record: what
    /// [`crate::layout::build_record`] writes equals the record's bytes exactly when every
    /// byte outside the fields (and after the identifier) is a space, a text field holds
    /// only characters the writer takes (SPEC 2.3; its value is its bytes without trailing
    /// spaces, written back space-padded), an `N` field of at most 19 digits is all digits
    /// or all spaces (written back zero-filled to its width: the same digits), and every
    /// other field (dates, times) written back gives its bytes.
    fn rebuilds_plain(
        &self,
        layout: &crate::layout::RecordLayout,
        raw: &[u8],
        rt: crate::records::RecordType,
    ) -> bool {
        use crate::layout::Kind;
        let (Some(fast), Ok(rec)) = (
            crate::records::Body::fast_check(rt),
            <&[u8; 80]>::try_from(raw),
        ) else {
            return false;
        };
        if !fast.plain_text_and_filler(rec, layout.id.len()) {
            return false;
        }
        // Every `N`, date and time field all digits or all spaces (dates real): the parse's
        // fast check.
        let numeric = fast.accepts(raw);
        for (i, f) in layout.fields.iter().enumerate() {
            let slot = f.slice(raw);
            let ok = match f.kind {
                Kind::Text => true,
                Kind::Int | Kind::Dec(_) if slot.len() <= 19 => {
                    numeric
                        || slot.iter().all(u8::is_ascii_digit)
                        || slot.iter().all(|&c| c == b' ')
                }
                _ => {
                    let mut built = [b' '; 80];
                    let dst = built.get_mut(..slot.len()).unwrap_or_default();
                    match self.value_str(i) {
                        Some(v) => f.write_str(v, dst).is_ok() && *dst == *slot,
                        None => slot.iter().all(|&c| c == b' '),
                    }
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Appends the canonical dump form of `v` (as its `Display` writes it), numbers and dates
/// digit by digit.
fn push_value(out: &mut String, v: &crate::layout::FieldValue<'_>) {
    use crate::layout::FieldValue;
    use chrono::Datelike;
    use std::fmt::Write;
    match v {
        FieldValue::Text(s) => out.push_str(s),
        FieldValue::Int(n) => push_digits(out, u128::from(*n), 1),
        FieldValue::Dec(d) if d.is_sign_positive() => {
            // `Decimal`'s `Display`: the mantissa's digits with a point before the last
            // `scale` of them, at least one digit before it.
            let scale = d.scale() as usize;
            push_digits(out, d.mantissa().unsigned_abs(), scale + 1);
            if scale > 0 {
                out.insert(out.len() - scale, '.');
            }
        }
        FieldValue::Date(d) if (0..=9999).contains(&d.year()) => {
            push_digits(out, d.year().unsigned_abs().into(), 4);
            out.push('-');
            push_digits(out, d.month().into(), 2);
            out.push('-');
            push_digits(out, d.day().into(), 2);
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// `n` in decimal, zero-padded to at least `width` digits (at most 39), as ASCII digits
/// at the end of the returned buffer, from the returned index.
fn digits(mut n: u128, width: usize) -> ([u8; 40], usize) {
    let mut buf = [b'0'; 40];
    let mut i = buf.len();
    // The digits above `u64` in 128-bit arithmetic (only a decimal's 96-bit mantissa gets
    // there), the rest in 64-bit arithmetic (a 128-bit division is a library call).
    while n > u128::from(u64::MAX) && i > 0 {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    let mut n = u64::try_from(n).unwrap_or(u64::MAX);
    while i > 0 && (n > 0 || buf.len() - i < width) {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    (buf, i)
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
fn push_digits(out: &mut String, n: u128, width: usize) {
    let (buf, i) = digits(n, width);
    for &b in buf.get(i..).unwrap_or_default() {
        out.push(char::from(b));
    }
}

/// [`push_u64`] for the decode JSON's writer.
#[cfg(feature = "json")]
pub(crate) fn push_decimal_u64(out: &mut Vec<u8>, n: u64) {
    push_u64(out, n);
}

/// Appends `n` in decimal (as `serde_json` writes a number).
fn push_u64(out: &mut Vec<u8>, n: u64) {
    let (buf, i) = digits(u128::from(n), 1);
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

/// `,"error":"…"` (the error's `Display`).
fn push_error(out: &mut Vec<u8>, e: &FieldError) {
    out.extend_from_slice(b",\"error\":");
    push_json_str(out, e.to_string().as_bytes());
}

/// Whether `raw` is ASCII without a byte that JSON escapes: a branch-free fold that the
/// compiler vectorizes.
fn plain(raw: &[u8]) -> bool {
    raw.iter().fold(0u8, |acc, &b| {
        acc | u8::from(b < 0x20) | u8::from(b >= 0x80) | u8::from(b == b'"') | u8::from(b == b'\\')
    }) == 0
}

/// Whether `serde_json` escapes the byte in a string.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends the escape of one byte that [`needs_escape`], as `serde_json` writes it.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x09 => out.extend_from_slice(b"\\t"),
        0x0A => out.extend_from_slice(b"\\n"),
        0x0C => out.extend_from_slice(b"\\f"),
        0x0D => out.extend_from_slice(b"\\r"),
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            out.push(HEX.get(usize::from(b & 0xF)).copied().unwrap_or(b'0'));
        }
    }
}

/// Appends a JSON string of UTF-8 bytes `s` (quotes included), escaped as `serde_json`
/// escapes it.
fn push_json_str(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    if !s.iter().any(|&b| needs_escape(b)) {
        out.extend_from_slice(s);
    } else {
        for &b in s {
            if needs_escape(b) {
                push_escape(out, b);
            } else {
                out.push(b);
            }
        }
    }
    out.push(b'"');
}

/// Appends bytes as a JSON string of [`latin1_string`]: a byte above 0x7F becomes the
/// UTF-8 of `U+0080`–`U+00FF`.
fn push_latin1(out: &mut Vec<u8>, raw: &[u8]) {
    if raw.is_ascii() {
        return push_json_str(out, raw);
    }
    out.push(b'"');
    for &b in raw {
        if b >= 0x80 {
            out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
        } else if needs_escape(b) {
            push_escape(out, b);
        } else {
            out.push(b);
        }
    }
    out.push(b'"');
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::{ParseOptions, Transmission};

    /// The direct writer's bytes against `serde_json` of [`dump_record`], record by record.
    fn assert_same(data: &[u8], what: &str) -> usize {
        let Ok(t) = Transmission::parse_with(data, &ParseOptions::lenient()) else {
            return 0;
        };
        let (mut writer, mut fast, mut n) = (DumpJsonWriter::new(), Vec::new(), 0);
        for r in t.records() {
            fast.clear();
            writer.write_line(r, &mut fast);
            let mut slow = serde_json::to_vec(&dump_record(r)).expect("json");
            slow.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&slow),
                "{what}, line {}",
                r.line()
            );
            n += 1;
        }
        n
    }

    #[test]
    fn direct_json_is_serde_json_of_every_sample_record() {
        let mut n = 0;
        for dir in ["valid", "invalid"] {
            let dir = format!("{}/spec-samples/{dir}", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(&dir).expect("samples") {
                let path = entry.expect("entry").path();
                if path.extension().and_then(|e| e.to_str()) == Some("txt") {
                    let data = std::fs::read(&path).expect("sample");
                    n += assert_same(&data, &path.display().to_string());
                }
            }
        }
        assert!(n > 200, "{n} records compared");
    }

    #[test]
    fn direct_json_escapes_and_mutations_match_serde_json() {
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec-samples/valid/every-record.txt"
        ))
        .expect("sample");
        // Every line with one byte changed to a byte serde_json escapes or maps (quote,
        // backslash, control, DEL, high bytes), a space, a digit, a lower-case letter.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                data.iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .filter(|&s| s + 80 <= data.len())
            .collect();
        let bytes = [
            b'"', b'\\', 0x01, 0x08, 0x0C, 0x1F, 0x7F, 0xD1, 0xFF, b' ', b'7', b'q',
        ];
        let mut n = 0;
        for (k, &start) in starts.iter().enumerate() {
            for (j, &byte) in bytes.iter().enumerate() {
                let mut input = data.clone();
                // Not the identifier (a changed one makes another record).
                input[start + 4 + (k * 7 + j * 13) % 76] = byte;
                n += assert_same(&input, &format!("record {k} byte {byte:#x}"));
            }
        }
        assert!(n > 100, "{n} records compared");
    }

    /// The writer copies field names without escaping.
    #[test]
    fn field_names_need_no_escaping() {
        for layout in crate::records::ALL_LAYOUTS {
            for f in layout.fields {
                assert!(
                    f.name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn digits_are_zero_padded_and_decimals_match_display() {
        for (m, scale) in [
            (0i64, 0u32),
            (0, 2),
            (5, 2),
            (182_400, 2),
            (1, 6),
            (123_456_789, 3),
        ] {
            let d = rust_decimal::Decimal::new(m, scale);
            let mut s = String::new();
            push_value(&mut s, &crate::layout::FieldValue::Dec(d));
            assert_eq!(s, d.to_string());
        }
        let mut v = Vec::new();
        push_u64(&mut v, u64::MAX);
        assert_eq!(v, u64::MAX.to_string().as_bytes());
        // Across the 64-bit boundary, zero-padded or not.
        for n in [
            0u128,
            9,
            10,
            u128::from(u64::MAX) - 1,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::from(u64::MAX) * 10 + 7,
            u128::MAX,
        ] {
            for width in [1usize, 5, 21, 39] {
                let mut s = String::new();
                push_digits(&mut s, n, width);
                assert_eq!(s, format!("{n:0width$}"), "{n} at width {width}");
            }
        }
    }
}
