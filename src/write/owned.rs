//! The owned form of the model: what `decode` JSON deserializes into and `encode` writes
//! back. A record is `{"line", "record", "fields"}` (canonical dump values, keys from
//! `records.csv`) or `{"line", "record", "raw"}` for records without a layout. A record
//! whose bytes cannot be reproduced from its fields (data in filler, a lenient `N` value,
//! bytes outside the CBP set) carries both, and `raw` wins on encoding: remove it to edit the
//! fields (fields that no longer match `raw` are refused, not silently dropped). `raw` maps
//! bytes to chars one to one (ISO-8859-1) so any byte survives JSON. In a terminated
//! document only the last record may have `"terminator": "none"` (it would merge with the
//! next record).
//!
//! Encoding writes only 80-byte records and refuses what it would drop or change: a `raw`
//! of another length, a `raw` that does not start with the record's `record` identifier,
//! `fields` that differ from `raw`, a field the layout lacks, a value that does not fit.
//! Deserializing refuses unknown and duplicate keys (also inside `fields`) and values of the
//! wrong JSON type, naming the record's line, identifier and key.

use std::collections::BTreeMap;
#[cfg(feature = "serde")]
use std::fmt;

use crate::error::{BuildError, RecordRef};
use crate::layout::build_record;
use crate::records::Record;
use crate::records::RecordType;
use crate::transmission::Transmission;
use crate::tree::Tree;
use crate::wire::framing::{Framing, Terminator};
use crate::write::dump::{dump_record, fields_rebuild, latin1_bytes, latin1_string, DumpContent};

/// An owned record (deserializable).
///
/// Deserializing (feature `serde`) refuses keys other than those below (a record in the
/// tree also has `conditions`, read by [`crate::tree::Node`]), a key given twice (also in
/// `fields`) and values of the wrong JSON type; the error names the record's line and
/// identifier and the key, e.g. `line 13, record PG14: field lpco_number: a number (17),
/// expected a string or null`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct OwnedRecord {
    /// 1-based record number in the input it came from (informational).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub line: Option<u32>,
    /// Record identifier (`PG14`, `OI`, `SE10` …).
    pub record: String,
    /// The layout variant of the record (`"04"`, `"THRU"` for `SO70`, SPEC 7.2); absent for
    /// the base layout and every other record. `fields` follow that variant's layout.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub variant: Option<String>,
    /// Field values in dump form, by canonical name; absent keys and `null` are absent
    /// fields (written as spaces).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub fields: Option<BTreeMap<String, Option<String>>>,
    /// The record's 80 bytes (ISO-8859-1 chars); wins over `fields`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub raw: Option<String>,
    /// The record's terminator when it differs from the document's convention.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub terminator: Option<Terminator>,
}

impl OwnedRecord {
    /// The owned form of a parsed record (see the module docs for when `raw` is kept).
    /// `raw` holds the record's bytes as received: a short record of a lenient parse stays
    /// short here (and is refused by [`Self::to_bytes`]);
    /// [`OwnedTransmission::from_transmission`] writes it padded to 80 bytes, as
    /// [`Transmission::to_bytes`] does.
    pub fn from_record(r: &Record<'_>) -> OwnedRecord {
        Self::from_record_padded(r, false)
    }

    /// [`Self::from_record`], with a short record padded with spaces to 80 bytes when `pad`
    /// (the lenient repair `pad_short_lines`, SPEC 2.4).
    fn from_record_padded(r: &Record<'_>, pad: bool) -> OwnedRecord {
        Self::from_record_in(r, pad, r.terminator_deviates())
    }

    /// [`Self::from_record_padded`], with `deviates` saying whether the record's terminator
    /// differs from the document's convention (for a record parsed in a piece of a stream,
    /// whose own first record may not be the document's).
    pub(crate) fn from_record_in(r: &Record<'_>, pad: bool, deviates: bool) -> OwnedRecord {
        let padded;
        let raw: &[u8] = if pad && r.raw().len() < 80 {
            let mut b = r.raw().to_vec();
            b.resize(80, b' ');
            padded = b;
            &padded
        } else {
            r.raw()
        };
        let d = dump_record(r);
        let mut o = OwnedRecord {
            line: Some(r.line()),
            // One char per byte, as `raw`, so that `raw` starts with it.
            record: latin1_string(d.record_bytes),
            variant: d.variant.map(str::to_string),
            fields: None,
            raw: None,
            terminator: deviates.then_some(r.terminator()),
        };
        match d.content {
            DumpContent::Fields(fs) | DumpContent::FieldsAndRaw(fs, _) => {
                // The dump's rule, on the bytes as written (a short record padded).
                if !fields_rebuild(raw, r.record_type(), &fs) {
                    o.raw = Some(latin1_string(raw));
                }
                o.fields = Some(fs.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            }
            DumpContent::Partial(fs, ..) => {
                // The fields that decode, for reading; `raw` (which wins) for the round trip.
                o.fields = Some(fs.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
                o.raw = Some(latin1_string(raw));
            }
            DumpContent::Raw(_) | DumpContent::Invalid(..) => o.raw = Some(latin1_string(raw)),
        }
        o
    }

    /// Where the record sits, for errors: `line 13, record PG14`.
    fn at(&self) -> RecordRef {
        RecordRef::owned(self.line, &self.record)
    }

    pub(crate) fn shape(&self, what: &'static str) -> BuildError {
        BuildError::Shape {
            at: self.at(),
            what,
        }
    }

    fn encode_fields(&self) -> Result<[u8; 80], BuildError> {
        let fields = self
            .fields
            .as_ref()
            .ok_or_else(|| self.shape("neither fields nor raw"))?;
        let rt = crate::records::identify(self.record.as_bytes(), false).record_type;
        // A layout variant (SPEC 7.2) is named by `variant`, never guessed from the fields.
        let rt = match (&self.variant, rt.layout()) {
            (None, _) => rt,
            (Some(v), Some(base)) => {
                RecordType::from_id_variant(base.id, Some(v)).ok_or_else(|| {
                    self.shape("variant does not name a layout variant of the record")
                })?
            }
            (Some(_), None) => {
                return Err(self.shape("variant given for a record without a layout"))
            }
        };
        let layout = rt
            .layout()
            .ok_or_else(|| self.shape("fields given for a record without a layout"))?;
        if rt == RecordType::UnknownPg || self.record.len() != layout.id.len() {
            return Err(self.shape("record identifier does not name a layout"));
        }
        if let Some(k) = fields.keys().find(|k| layout.field(k).is_none()) {
            return Err(BuildError::UnknownField {
                at: self.at(),
                layout: layout.name,
                field: k.clone(),
            });
        }
        let mut bytes = build_record(layout, |f| fields.get(f.name).and_then(|v| v.as_deref()))
            .map_err(|source| BuildError::Encode {
                at: self.at(),
                source,
            })?;
        // Output variants (GE90, WO70 …) share a layout but keep their own identifier.
        if let Some(dst) = bytes.get_mut(..self.record.len()) {
            dst.copy_from_slice(self.record.as_bytes());
        }
        // The bytes must read back with the layout they were written with: an `SO70` whose
        // `variant` contradicts its version (bytes 79–80) or its `THRU` (63–66) would be read
        // with another layout, and its line numbers would change (SPEC 7.2).
        if crate::records::identify(&bytes, false).record_type != rt {
            return Err(self.shape(
                "the fields select another layout variant than `variant` names (SO70: version \
                 04 in processing_group_version is variant \"04\"; a blank version with THRU \
                 in range_indicator is variant \"THRU\"; anything else has no variant)",
            ));
        }
        Ok(bytes)
    }

    /// The record's 80 bytes: `raw` when present, else built from `fields`.
    ///
    /// # Errors
    /// [`BuildError`] naming the record (line and identifier) and what does not fit:
    /// a field value, a `raw` that is not 80 bytes ([`BuildError::RawLength`]), holds
    /// a char above `U+00FF`, a CR or LF, does not start with `record`, is read with another
    /// layout variant than `variant` names ([`BuildError::VariantMismatch`]), or
    /// disagrees with `fields`.
    pub fn to_bytes(&self) -> Result<Vec<u8>, BuildError> {
        if let Some(raw) = &self.raw {
            // One byte per char (ISO-8859-1): the length is checked before anything is
            // copied, so a 100 MB `raw` costs no second copy.
            let len = raw.chars().count();
            if len != 80 {
                return Err(BuildError::RawLength { at: self.at(), len });
            }
            let bytes =
                latin1_bytes(raw).ok_or_else(|| self.shape("raw holds a char above U+00FF"))?;
            // A record never holds a line terminator: it would add or merge records.
            if bytes.iter().any(|&b| b == b'\n' || b == b'\r') {
                return Err(self.shape("raw holds a CR or LF byte"));
            }
            // `record` names what `raw` is: an edited identifier is not silently dropped.
            if latin1_bytes(&self.record).is_none_or(|id| !bytes.starts_with(&id)) {
                return Err(self.shape(
                    "raw does not start with the record identifier (edit both, or remove raw \
                     and give fields)",
                ));
            }
            // `raw` wins, but never over an edited `variant`: the layout variant is chosen
            // by the bytes (SPEC 7.2), and a `variant` that is not theirs would be dropped.
            if let Some(given) = &self.variant {
                let read = crate::records::identify(&bytes, false).record_type.layout();
                if read.and_then(|l| l.variant) != Some(given.as_str()) {
                    return Err(BuildError::VariantMismatch {
                        at: self.at(),
                        given: given.clone(),
                        read: read.map(|l| l.name),
                        has_variants: read.is_some_and(|l| {
                            crate::records::ALL_LAYOUTS
                                .iter()
                                .any(|v| v.id == l.id && v.variant.is_some())
                        }),
                    });
                }
            }
            // `raw` wins, but never over edited fields: the fields must be those of `raw`.
            if let Some(given) = &self.fields {
                if !fields_match_raw(&bytes, given) {
                    return Err(self.shape(
                        "fields differ from raw (remove raw to encode the edited fields, or \
                         fields to keep raw)",
                    ));
                }
            }
            return Ok(bytes);
        }
        self.encode_fields().map(|b| b.to_vec())
    }
}

/// Whether `given` (a record's `fields` in dump form) are the fields `raw` reads as
/// (leniently, as `decode --lenient` may have read them); a missing key is a blank field.
/// When `raw` reads as no fields (host and unknown records, and a record with a field that
/// does not type, such as a byte outside ASCII), only an empty `given` matches: `raw` wins,
/// and edited fields beside it would be dropped without a word.
fn fields_match_raw(raw: &[u8], given: &BTreeMap<String, Option<String>>) -> bool {
    let opts = crate::options::ParseOptions::lenient();
    let line = crate::wire::framing::RawLine {
        line: 1,
        offset: 0,
        bytes: raw,
        terminator: Terminator::None,
        ascii: false,
    };
    let r = Record::from_line(&line, &opts, &mut Vec::new());
    match dump_record(&r).content {
        DumpContent::Fields(fs)
        | DumpContent::FieldsAndRaw(fs, _)
        | DumpContent::Partial(fs, ..) => {
            given.keys().all(|k| fs.iter().any(|(name, _)| name == k))
                && fs.iter().all(|(name, value)| {
                    given.get(*name).and_then(|v| v.as_deref()) == value.as_deref()
                })
        }
        DumpContent::Raw(_) | DumpContent::Invalid(..) => given.is_empty(),
    }
}

/// The owned form of a whole transmission: the tree of [`OwnedRecord`]s.
///
/// Deserializing (feature `serde`) reads the document `ace-pga decode` prints: `framing`,
/// `batches`, `trailing`, and `organic` (the typed AMS OR views, accepted and not read:
/// `ace-pga encode` re-derives them from the records and warns when they differ). Any other
/// key, anywhere in the tree, and any key given twice are refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(from = "DecodeDocument"))]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "ace-pga decode document",
        description = "What `ace-pga decode` prints and `ace-pga encode` reads: the framing, the tree of batches > blocks > transactions > items (records, HTS anchors, OI groups, dispositions, PG00 substitution groups) > PGA lines > items (records, entity loops, PG50/PG51 groups), and the bytes after the last record. Every record is {line, record, variant, fields} (canonical field names of records.csv, values in the dump form of spec-samples/README.md; variant only for a layout variant such as SO70@04) or {line, record, raw} (the 80 bytes as ISO-8859-1 chars); raw wins on encode. Unknown keys and keys given twice are refused. decode also prints `organic` (the typed AMS OR views): informational, not constrained here; encode re-derives it from the records and warns when it differs."
    )
)]
pub struct OwnedTransmission {
    /// Terminator convention and byte order mark flag.
    pub framing: Framing,
    /// Batches.
    pub batches: Vec<crate::tree::Batch<OwnedRecord>>,
    /// Bytes after the last record (ISO-8859-1 chars): a trailing empty line's terminator,
    /// `0x1A` bytes (and the terminator of their line, `\x1A\n`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub trailing: String,
}

/// What [`OwnedTransmission`] deserializes from (and what its JSON Schema describes): its
/// keys plus the `organic` key of the decode document, unknown keys refused.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(deny_unknown_fields, expecting = "a decode document object")
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(dead_code)] // read by serde
struct DecodeDocument {
    /// Terminator convention and byte order mark flag.
    framing: Framing,
    /// Batches.
    batches: Vec<crate::tree::Batch<OwnedRecord>>,
    /// Bytes after the last record (ISO-8859-1 chars): a trailing empty line's terminator,
    /// `0x1A` bytes (and the terminator of their line, `\x1A\n`).
    #[cfg_attr(feature = "serde", serde(default))]
    #[cfg_attr(feature = "schema", schemars(default))]
    trailing: String,
    /// The typed AMS OR views (`decode` output): informational. `encode` re-derives them
    /// from the records and warns when they differ.
    #[cfg_attr(
        feature = "serde",
        serde(default, rename = "organic", deserialize_with = "ignore")
    )]
    #[cfg_attr(feature = "schema", schemars(schema_with = "any_json"))]
    organic: (),
}

#[cfg(feature = "serde")]
fn ignore<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| ())
}

#[cfg(feature = "schema")]
fn any_json(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "The typed AMS OR views (`decode` output): informational, not constrained here; `encode` re-derives them from the records and warns when they differ."
    })
}

/// Reads a decode document: a JSON object only (serde's derive would also take an array of
/// the values in key order, `[framing, batches, trailing]`, which `decode` never prints).
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for OwnedTransmission {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Document;
        impl<'de> serde::de::Visitor<'de> for Document {
            type Value = OwnedTransmission;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decode document object {framing, batches, trailing, organic}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<OwnedTransmission, A::Error> {
                let d = serde::de::value::MapAccessDeserializer::new(map);
                <DecodeDocument as serde::Deserialize>::deserialize(d).map(OwnedTransmission::from)
            }
        }
        d.deserialize_map(Document)
    }
}

impl From<DecodeDocument> for OwnedTransmission {
    fn from(d: DecodeDocument) -> Self {
        OwnedTransmission {
            framing: d.framing,
            batches: d.batches,
            trailing: d.trailing,
        }
    }
}

impl OwnedTransmission {
    /// The owned form of a parsed transmission. It encodes to the bytes
    /// [`Transmission::to_bytes`] writes: lenient repairs in repaired form (a short record
    /// padded to 80 bytes, `0x1A` bytes after the last record dropped).
    pub fn from_transmission(t: &Transmission<'_>) -> OwnedTransmission {
        let pad = t.options().pad_short_lines;
        let tree = map_tree(t.tree(), &mut |r| OwnedRecord::from_record_padded(r, pad));
        OwnedTransmission {
            framing: tree.framing,
            batches: tree.batches,
            trailing: latin1_string(crate::transmission::written_trailing(t)),
        }
    }

    /// Every record in input order (conditions right after their record).
    pub fn records(&self) -> crate::tree::Records<'_, OwnedRecord> {
        crate::tree::Records::of_batches(&self.batches)
    }

    /// Encodes every record in order, each followed by its terminator (the document's
    /// convention unless the record names its own), then the trailing bytes. Every record
    /// written is 80 bytes.
    ///
    /// # Errors
    /// The first record that cannot be encoded (see [`OwnedRecord::to_bytes`]), a record
    /// without terminator before another record of a terminated document, or a `trailing`
    /// that is more than one empty line's terminator, lines of `0x1A` bytes with their
    /// terminators and `0x1A` bytes (framing `none`: that is not fewer than 80 `0x1A` bytes;
    /// after a last record without terminator in a terminated document: that is not empty).
    pub fn to_bytes(&self) -> Result<Vec<u8>, BuildError> {
        let mut out = Vec::new();
        let mut result = Ok(());
        // A record without terminator in a terminated document would merge with the next
        // record: only the last record may lack one.
        let mut open: Option<&OwnedRecord> = None;
        crate::tree::walk_batches(&self.batches, |r| {
            if result.is_ok() {
                if let Some(prev) = open.take() {
                    result = Err(prev
                        .shape("terminator none before another record of a terminated document"));
                    return;
                }
                let terminator = r.terminator.unwrap_or(self.framing.terminator);
                if terminator == Terminator::None && self.framing.terminator != Terminator::None {
                    open = Some(r);
                }
                result = r.to_bytes().map(|b| {
                    out.extend_from_slice(&b);
                    out.extend_from_slice(terminator.as_bytes());
                });
            }
        });
        result?;
        out.extend(trailing_bytes(
            self.framing,
            &self.trailing,
            open.is_some(),
        )?);
        Ok(out)
    }
}

/// The bytes of a document's `trailing` (ISO-8859-1 chars) in its framing: only what the
/// parser keeps as trailing (see [`OwnedTransmission::to_bytes`]); none after a last record
/// written without terminator in a terminated document (`last_open`).
///
/// # Errors
/// [`BuildError::Trailing`] naming what would be read back otherwise.
pub(crate) fn trailing_bytes(
    framing: Framing,
    trailing: &str,
    last_open: bool,
) -> Result<Vec<u8>, BuildError> {
    let bytes = latin1_bytes(trailing).ok_or(BuildError::Trailing {
        what: "holds a char above U+00FF",
    })?;
    if last_open && !bytes.is_empty() {
        return Err(BuildError::Trailing {
            what: "follows a last record without terminator (terminator none) in a \
               terminated document: it would be read as part of that record",
        });
    }
    // Only what the parser keeps as trailing in the document's framing: with a
    // terminator, one empty line's terminator, then 0x1A bytes (with the terminator of
    // their line, `\x1A\n`, when they are a line of their own); without (`none`), fewer
    // than 80 0x1A bytes. Anything else would be read back as records that are not 80
    // bytes (a CR or LF makes terminator-less records one long line).
    if framing.terminator != Terminator::None {
        if !crate::wire::framing::is_terminated_trailing(&bytes) {
            return Err(BuildError::Trailing {
                what: "holds more than one empty line's terminator, lines of 0x1A bytes and \
                   0x1A bytes (it would be read as a record that is not 80 bytes)",
            });
        }
        return Ok(bytes);
    }
    let eof = bytes.iter().rev().take_while(|&&b| b == 0x1A).count();
    let head = bytes.get(..bytes.len() - eof).unwrap_or_default();
    if !head.is_empty() {
        return Err(BuildError::Trailing {
            what: "holds bytes other than 0x1A in a document without terminators \
           (framing.terminator none): a CR or LF would make the records one \
           line that is not 80 bytes, other bytes a short record",
        });
    }
    if eof >= 80 {
        return Err(BuildError::Trailing {
            what: "holds 80 or more 0x1A bytes in a document without terminators \
           (framing.terminator none): they would be read as a record",
        });
    }
    Ok(bytes)
}

/// Maps every record of a tree, keeping the shape.
pub(crate) fn map_tree<'t, R, S>(t: &'t Tree<R>, f: &mut impl FnMut(&'t R) -> S) -> Tree<S> {
    use crate::tree::*;
    fn node<'t, R, S>(n: &'t Node<R>, f: &mut impl FnMut(&'t R) -> S) -> Node<S> {
        Node {
            record: f(&n.record),
            conditions: n.conditions.iter().map(&mut *f).collect(),
        }
    }
    fn opt<'t, R, S>(n: &'t Option<Node<R>>, f: &mut impl FnMut(&'t R) -> S) -> Option<Node<S>> {
        n.as_ref().map(|n| node(n, f))
    }
    fn items<'t, R, S>(v: &'t [PgaItem<R>], f: &mut impl FnMut(&'t R) -> S) -> Vec<PgaItem<S>> {
        v.iter()
            .map(|i| match i {
                PgaItem::Record(n) => PgaItem::Record(node(n, f)),
                PgaItem::Entity(e) => PgaItem::Entity(Box::new(EntityLoop {
                    pg19: node(&e.pg19, f),
                    pg20: opt(&e.pg20, f),
                    items: e.items.iter().map(|n| node(n, f)).collect(),
                })),
                PgaItem::Group(g) => PgaItem::Group(Box::new(PgGroup {
                    start: node(&g.start, f),
                    items: items(&g.items, f),
                    end: opt(&g.end, f),
                })),
            })
            .collect()
    }
    fn group<'t, R, S>(g: &'t OiGroup<R>, f: &mut impl FnMut(&'t R) -> S) -> OiGroup<S> {
        OiGroup {
            oi: opt(&g.oi, f),
            orphans: g.orphans.iter().map(|n| node(n, f)).collect(),
            lines: g
                .lines
                .iter()
                .map(|l| PgaLine {
                    pg01: node(&l.pg01, f),
                    items: items(&l.items, f),
                })
                .collect(),
        }
    }
    let batches = t
        .batches
        .iter()
        .map(|b| Batch {
            header: opt(&b.header, f),
            blocks: b
                .blocks
                .iter()
                .map(|blk| Block {
                    header: opt(&blk.header, f),
                    transactions: blk
                        .transactions
                        .iter()
                        .map(|tx| Transaction {
                            items: tx
                                .items
                                .iter()
                                .map(|i| match i {
                                    Item::Record(n) => Item::Record(node(n, f)),
                                    Item::Anchor(a) => Item::Anchor(Box::new(HtsAnchor {
                                        anchor: node(&a.anchor, f),
                                        sub_records: a
                                            .sub_records
                                            .iter()
                                            .map(|n| node(n, f))
                                            .collect(),
                                        oi_group: a.oi_group.as_ref().map(|g| group(g, f)),
                                    })),
                                    Item::OiGroup(g) => Item::OiGroup(Box::new(group(g, f))),
                                    Item::Disposition(d) => {
                                        Item::Disposition(Box::new(Disposition {
                                            so70: node(&d.so70, f),
                                            details: d.details.iter().map(|n| node(n, f)).collect(),
                                        }))
                                    }
                                    Item::Substitution(g) => {
                                        Item::Substitution(Box::new(SubstitutionGroup {
                                            start: node(&g.start, f),
                                            records: g.records.iter().map(|n| node(n, f)).collect(),
                                            end: opt(&g.end, f),
                                        }))
                                    }
                                })
                                .collect(),
                        })
                        .collect(),
                    trailer: opt(&blk.trailer, f),
                })
                .collect(),
            trailer: opt(&b.trailer, f),
        })
        .collect();
    Tree {
        framing: t.framing,
        batches,
    }
}

// ---------------------------------------------------------------------------------------
// Deserializing a record: unknown, duplicate and mistyped keys named with the record
// ---------------------------------------------------------------------------------------

/// The keys of a record object (a record in the tree also has `conditions`, and a record
/// in an `items` list its `item` tag).
#[cfg(feature = "serde")]
const RECORD_KEYS: &[&str] = &["line", "record", "variant", "fields", "raw", "terminator"];

/// A JSON value as the record reader sees it: the forms a record's values take, and the
/// JSON type of anything else (so that a wrong type is reported with the record, not
/// mid-parse without it).
#[cfg(feature = "serde")]
#[derive(Debug)]
enum Scalar {
    Null,
    Str(String),
    UInt(u64),
    /// Another JSON value: its type in words and a short rendering.
    Other(String),
    /// An object: its entries (only `fields` holds one).
    Map(Vec<(String, Scalar)>),
}

#[cfg(feature = "serde")]
impl Scalar {
    /// The value in words, for error messages: `a number (17)`, `a string ("13")`.
    fn describe(&self) -> String {
        match self {
            Scalar::Null => "null".into(),
            Scalar::Str(s) => format!("a string (\"{}\")", short(s)),
            Scalar::UInt(n) => format!("a number ({n})"),
            Scalar::Other(what) => what.clone(),
            Scalar::Map(_) => "an object".into(),
        }
    }
}

/// At most 40 chars of `s`, escaped, `…` when cut.
#[cfg(feature = "serde")]
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

#[cfg(feature = "serde")]
struct ScalarVisitor;

#[cfg(feature = "serde")]
impl<'de> serde::de::Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other(format!("a boolean ({v})")))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(match u64::try_from(v) {
            Ok(n) => Scalar::UInt(n),
            Err(_) => Scalar::Other(format!("a negative number ({v})")),
        })
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other(format!("a number ({v:?})")))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array".into()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            // Values inside are only ever strings or null (`fields`): nested objects are
            // not kept.
            let v = match map.next_value::<Scalar>()? {
                Scalar::Map(_) => Scalar::Other("an object".into()),
                v => v,
            };
            entries.push((k, v));
        }
        Ok(Scalar::Map(entries))
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for OwnedRecord {
    /// Reads a record object; see [`OwnedRecord`] for what is refused.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A map, not a struct: flattened into `Node`, the record sees every key of the
        // object but `conditions`, so it can name an unknown one with the record.
        d.deserialize_map(RecordVisitor)
    }
}

#[cfg(feature = "serde")]
struct RecordVisitor;

#[cfg(feature = "serde")]
impl<'de> serde::de::Visitor<'de> for RecordVisitor {
    type Value = OwnedRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record object {line, record, variant, fields | raw, terminator}")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OwnedRecord, A::Error> {
        // Read every key first (so that the record's line and identifier are known however
        // the keys are ordered), then report the first problem in key order.
        let mut seen: Vec<(String, Scalar)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value::<Scalar>()?;
            seen.push((k, v));
        }
        record_from_entries(seen).map_err(serde::de::Error::custom)
    }
}

/// Builds a record from its keys, or says in words what is wrong, naming the record.
#[cfg(feature = "serde")]
fn record_from_entries(entries: Vec<(String, Scalar)>) -> Result<OwnedRecord, String> {
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let line = match get("line") {
        Some(Scalar::UInt(n)) => u32::try_from(*n).ok(),
        _ => None,
    };
    let record = match get("record") {
        Some(Scalar::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    let at = RecordRef::owned(line, record.unwrap_or(""));
    let fail = |what: String| Err(format!("{at}: {what}"));
    let mut out = OwnedRecord {
        line,
        record: record.unwrap_or("").to_string(),
        ..OwnedRecord::default()
    };
    for (i, (key, value)) in entries.iter().enumerate() {
        if entries
            .get(..i)
            .is_some_and(|e| e.iter().any(|(k, _)| k == key))
        {
            return fail(format!("key {} given twice", short(key)));
        }
        match (key.as_str(), value) {
            ("line", Scalar::Null) => {}
            ("line", Scalar::UInt(n)) if u32::try_from(*n).is_ok() => {}
            ("line", v) => {
                return fail(format!(
                    "line is {}, expected a record number (0 to {}) or null",
                    v.describe(),
                    u32::MAX
                ))
            }
            ("record", Scalar::Str(_)) => {}
            ("record", v) => {
                return fail(format!(
                    "record is {}, expected the record identifier as a string",
                    v.describe()
                ))
            }
            ("raw", Scalar::Null) => {}
            ("raw", Scalar::Str(s)) => out.raw = Some(s.clone()),
            ("raw", v) => {
                return fail(format!(
                    "raw is {}, expected the record's 80 bytes as a string or null",
                    v.describe()
                ))
            }
            ("variant", Scalar::Null) => {}
            ("variant", Scalar::Str(s)) => out.variant = Some(s.clone()),
            ("variant", v) => {
                return fail(format!(
                "variant is {}, expected a layout variant name such as \"04\" or \"THRU\", or null",
                v.describe()
            ))
            }
            ("terminator", Scalar::Null) => {}
            ("terminator", Scalar::Str(s)) => {
                out.terminator = Some(match s.as_str() {
                    "lf" => Terminator::Lf,
                    "crlf" => Terminator::CrLf,
                    "cr" => Terminator::Cr,
                    "none" => Terminator::None,
                    _ => {
                        return fail(format!(
                            "terminator is \"{}\", expected lf, crlf, cr, none or null",
                            short(s)
                        ))
                    }
                })
            }
            ("terminator", v) => {
                return fail(format!(
                    "terminator is {}, expected lf, crlf, cr, none or null",
                    v.describe()
                ))
            }
            ("fields", Scalar::Null) => {}
            ("fields", Scalar::Map(fs)) => {
                let mut map = BTreeMap::new();
                for (name, v) in fs {
                    let v = match v {
                        Scalar::Null => None,
                        Scalar::Str(s) => Some(s.clone()),
                        other => {
                            return fail(format!(
                                "field {} is {}, expected a string or null",
                                short(name),
                                other.describe()
                            ))
                        }
                    };
                    if map.insert(name.clone(), v).is_some() {
                        return fail(format!("field {} given twice", short(name)));
                    }
                }
                out.fields = Some(map);
            }
            ("fields", v) => {
                return fail(format!(
                    "fields is {}, expected an object of field values or null",
                    v.describe()
                ))
            }
            (other, _) => {
                return fail(format!(
                    "unknown key {} (a record has the keys {}; in the tree also conditions, \
                     and item in an items list)",
                    short(other),
                    RECORD_KEYS.join(", ")
                ))
            }
        }
    }
    if record.is_none() {
        return fail("no key record (the record identifier)".into());
    }
    Ok(out)
}
