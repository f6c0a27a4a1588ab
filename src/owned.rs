//! The owned form of the model: what `decode` JSON deserializes into and `encode` writes
//! back. A record is `{"line", "record", "fields"}` (canonical dump values, keys from
//! `records.csv`) or `{"line", "record", "raw"}` for records without a layout. A record
//! whose bytes cannot be reproduced from its fields (data in filler, a lenient `N` value,
//! bytes outside the CBP set) carries both, and `raw` wins on encoding: remove it to edit the
//! fields (fields that no longer match `raw` are refused, not silently dropped). `raw` maps
//! bytes to chars one to one (ISO-8859-1) so any byte survives JSON. In a terminated
//! document only the last record may have `"terminator": "none"` (it would merge with the
//! next record).

use std::collections::BTreeMap;

use crate::dump::{dump_record, latin1_bytes, latin1_string, DumpContent};
use crate::error::EncodeError;
use crate::framing::{Framing, Terminator};
use crate::layout::build_record;
use crate::record::Record;
use crate::records::RecordType;
use crate::tree::Tree;
use crate::Transmission;

/// An owned record (deserializable).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OwnedRecord {
    /// 1-based record number in the input it came from (informational).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub line: Option<u32>,
    /// Record identifier (`PG14`, `OI`, `SE10` …).
    pub record: String,
    /// Field values in dump form, by canonical name; absent keys and `null` are absent
    /// fields (written as spaces).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub fields: Option<BTreeMap<String, Option<String>>>,
    /// The record's bytes (ISO-8859-1 chars); wins over `fields`.
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

/// Why an owned record could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OwnedEncodeError {
    /// A field value does not fit.
    #[error("record {line:?}: {source}")]
    Field {
        /// Line of the record, if known.
        line: Option<u32>,
        /// The encoder's error.
        source: EncodeError,
    },
    /// `fields` names a field the record's layout does not have.
    #[error("record {line:?} ({record}): unknown field {field:?}")]
    UnknownField {
        /// Line of the record, if known.
        line: Option<u32>,
        /// Record identifier.
        record: String,
        /// The unknown name.
        field: String,
    },
    /// `fields` given for a record without a layout, or neither `fields` nor `raw`.
    #[error("record {line:?} ({record}): {what}")]
    Shape {
        /// Line of the record, if known.
        line: Option<u32>,
        /// Record identifier.
        record: String,
        /// What is wrong.
        what: &'static str,
    },
}

impl OwnedRecord {
    /// The owned form of a parsed record (see the module docs for when `raw` is kept).
    pub fn from_record(r: &Record<'_>) -> OwnedRecord {
        let d = dump_record(r);
        let mut o = OwnedRecord {
            line: Some(r.line),
            record: d.record.to_string(),
            fields: None,
            raw: None,
            terminator: r.terminator_deviates.then_some(r.terminator),
        };
        match d.content {
            DumpContent::Fields(fs) => {
                o.fields = Some(fs.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
                let reproduces = o.encode_fields().is_ok_and(|b| b.as_slice() == r.raw);
                if !reproduces {
                    o.raw = Some(latin1_string(r.raw));
                }
            }
            DumpContent::Raw(raw) | DumpContent::Invalid(raw, _) => {
                o.raw = Some(latin1_string(raw))
            }
        }
        o
    }

    fn encode_fields(&self) -> Result<[u8; 80], OwnedEncodeError> {
        let shape = |what| OwnedEncodeError::Shape {
            line: self.line,
            record: self.record.clone(),
            what,
        };
        let fields = self
            .fields
            .as_ref()
            .ok_or_else(|| shape("neither fields nor raw"))?;
        let rt = crate::record::identify(self.record.as_bytes(), false).record_type;
        let layout = rt
            .layout()
            .ok_or_else(|| shape("fields given for a record without a layout"))?;
        if rt == RecordType::UnknownPg || self.record.len() != layout.id.len() {
            return Err(shape("record identifier does not name a layout"));
        }
        if let Some(k) = fields.keys().find(|k| layout.field(k).is_none()) {
            return Err(OwnedEncodeError::UnknownField {
                line: self.line,
                record: self.record.clone(),
                field: k.clone(),
            });
        }
        let mut bytes = build_record(layout, |f| fields.get(f.name).and_then(|v| v.as_deref()))
            .map_err(|source| OwnedEncodeError::Field {
                line: self.line,
                source,
            })?;
        // Output variants (GE90, WO70 …) share a layout but keep their own identifier.
        if let Some(dst) = bytes.get_mut(..self.record.len()) {
            dst.copy_from_slice(self.record.as_bytes());
        }
        Ok(bytes)
    }

    /// The record's bytes: `raw` when present, else built from `fields`.
    ///
    /// # Errors
    /// [`OwnedEncodeError`] naming the record and field that does not fit.
    pub fn to_bytes(&self) -> Result<Vec<u8>, OwnedEncodeError> {
        if let Some(raw) = &self.raw {
            let shape = |what| OwnedEncodeError::Shape {
                line: self.line,
                record: self.record.clone(),
                what,
            };
            let bytes = latin1_bytes(raw).ok_or_else(|| shape("raw holds a char above U+00FF"))?;
            // A record never holds a line terminator: it would add or merge records.
            if bytes.iter().any(|&b| b == b'\n' || b == b'\r') {
                return Err(shape("raw holds a CR or LF byte"));
            }
            // `raw` wins, but never over edited fields: the fields must be those of `raw`.
            if let Some(given) = &self.fields {
                if !fields_match_raw(&bytes, given) {
                    return Err(shape(
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
/// True when `raw` has no fields to compare (host, unknown or invalid records).
fn fields_match_raw(raw: &[u8], given: &BTreeMap<String, Option<String>>) -> bool {
    let opts = crate::ParseOptions::lenient();
    let line = crate::framing::RawLine {
        line: 1,
        offset: 0,
        bytes: raw,
        terminator: Terminator::None,
    };
    let r = Record::from_line(line, &opts, &mut Vec::new());
    match dump_record(&r).content {
        DumpContent::Fields(fs) => {
            given.keys().all(|k| fs.iter().any(|(name, _)| name == k))
                && fs.iter().all(|(name, value)| {
                    given.get(*name).and_then(|v| v.as_deref()) == value.as_deref()
                })
        }
        _ => true,
    }
}

/// The owned form of a whole transmission: the tree of [`OwnedRecord`]s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "ace-pga decode document",
        description = "What `ace-pga decode` prints and `ace-pga encode` reads: the framing, the tree of batches > blocks > transactions > items (records, HTS anchors, OI groups, dispositions, PG00 substitution groups) > PGA lines > items (records, entity loops, PG50/PG51 groups), and the bytes after the last record. Every record is {line, record, fields} (canonical field names of records.csv, values in the dump form of spec-samples/README.md) or {line, record, raw} (the 80 bytes as ISO-8859-1 chars); raw wins on encode. decode also prints `organic` (the typed AMS OR views): informational, not constrained here, ignored by encode."
    )
)]
pub struct OwnedTransmission {
    /// Terminator convention and byte order mark flag.
    pub framing: Framing,
    /// Batches.
    pub batches: Vec<crate::tree::Batch<OwnedRecord>>,
    /// Bytes after the last record (ISO-8859-1 chars), e.g. a trailing empty line.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub trailing: String,
}

impl OwnedTransmission {
    /// The owned form of a parsed transmission.
    pub fn from_transmission(t: &Transmission<'_>) -> OwnedTransmission {
        let tree = map_tree(&t.tree, &mut OwnedRecord::from_record);
        OwnedTransmission {
            framing: tree.framing,
            batches: tree.batches,
            trailing: latin1_string(t.trailing),
        }
    }

    /// Encodes every record in order, each followed by its terminator (the document's
    /// convention unless the record names its own), then the trailing bytes.
    ///
    /// # Errors
    /// The first record that cannot be encoded.
    pub fn to_bytes(&self) -> Result<Vec<u8>, OwnedEncodeError> {
        let mut out = Vec::new();
        let mut result = Ok(());
        // A record without terminator in a terminated document would merge with the next
        // record: only the last record may lack one.
        let mut open: Option<&OwnedRecord> = None;
        crate::tree::walk_batches(&self.batches, |r| {
            if result.is_ok() {
                if let Some(prev) = open.take() {
                    result = Err(OwnedEncodeError::Shape {
                        line: prev.line,
                        record: prev.record.clone(),
                        what: "terminator none before another record of a terminated document",
                    });
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
        out.extend(latin1_bytes(&self.trailing).ok_or(OwnedEncodeError::Shape {
            line: None,
            record: String::new(),
            what: "trailing holds a char above U+00FF",
        })?);
        Ok(out)
    }
}

/// Maps every record of a tree, keeping the shape.
pub fn map_tree<R, S>(t: &Tree<R>, f: &mut impl FnMut(&R) -> S) -> Tree<S> {
    use crate::tree::*;
    fn node<R, S>(n: &Node<R>, f: &mut impl FnMut(&R) -> S) -> Node<S> {
        Node {
            record: f(&n.record),
            conditions: n.conditions.iter().map(&mut *f).collect(),
        }
    }
    fn opt<R, S>(n: &Option<Node<R>>, f: &mut impl FnMut(&R) -> S) -> Option<Node<S>> {
        n.as_ref().map(|n| node(n, f))
    }
    fn items<R, S>(v: &[PgaItem<R>], f: &mut impl FnMut(&R) -> S) -> Vec<PgaItem<S>> {
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
    fn group<R, S>(g: &OiGroup<R>, f: &mut impl FnMut(&R) -> S) -> OiGroup<S> {
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
