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
    /// Record identifier as sent.
    pub record: &'a str,
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
    match crate::layout::build_record(layout, value) {
        Ok(mut built) => {
            // Output variants (`GE90`, `WO70` …) share a layout but keep their identifier.
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
        m.serialize_entry("record", self.record)?;
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
