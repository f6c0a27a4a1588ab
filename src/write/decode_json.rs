//! The decode JSON written straight from the parsed tree: the bytes of
//! `serde_json::to_vec(&DecodeDocument::new(&t))` (and of `to_vec_pretty`, or of any other
//! serializer) without building the owned copy ([`crate::OwnedTransmission`]: a `String` per
//! value, a `BTreeMap` per record) first.
//!
//! [`DecodeJson`] wraps a borrowed piece of the tree of [`Record`]s and serializes it in the
//! shape of its owned form: a record as [`crate::OwnedRecord`] (`line`, `record`, `variant`,
//! `fields` with keys in sorted order, `raw`, `terminator`; the same rule for when `raw` is
//! kept, [`crate::write::dump::fields_rebuild`]), a node with its `conditions`, and every
//! level above it (items, anchors, OI groups, PGA lines, entity loops, PG50/PG51 groups,
//! dispositions, substitution groups, transactions, blocks, batches) as the tree's serde
//! derive writes it; [`DecodeJson::document`] writes the whole document (`framing`,
//! `batches`, `trailing`, `organic`) as [`DecodeDocument`] does.
//!
//! Two ways to write it, the same bytes: as [`serde::Serialize`] (through any serializer,
//! e.g. serde_json's compact or pretty one), and, with feature `json`, written directly
//! ([`DecodeJson::write_json`] for a piece at any pretty depth, [`DecodeJson::write_document`]
//! for the whole document as it goes: the bytes serde_json writes, without its per-byte
//! escape loop; what `ace-pga decode` writes with).
//!
//! A group of the flat tree ([`crate::tree::GroupRef`]) is written directly only (feature
//! `json`; no `Serialize`): `DecodeJson::new(&group, pad).write_json(&mut out, style)` writes
//! it as the nested level of its kind is written (a transaction as a [`Transaction`], a PGA
//! line as a [`PgaLine`], …), the same bytes (`tests/decode_json.rs`); what `ace-pga decode`
//! writes each transaction from.
//!
//! [`DecodeDocument`] stays the owned document (and the oracle of the tests). Values are
//! read and formatted on the stack: no allocation per record or value (a record longer than
//! 128 bytes with bytes above `0x7F` is the one exception).
//!
//! [`DecodeDocument`]: crate::write::DecodeDocument

use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::layout::{FieldDef, FieldValue, RecordLayout};
use crate::records::{Record, RecordType, ALL_LAYOUTS};
use crate::transmission::Transmission;
use crate::tree::{
    Batch, Block, Disposition, EntityLoop, HtsAnchor, Item, Node, OiGroup, PgGroup, PgaItem,
    PgaLine, SubstitutionGroup, Transaction,
};
use crate::wire::ascii::is_cbp_char;
use crate::wire::framing::Terminator;

#[cfg(feature = "json")]
mod direct;
#[cfg(feature = "json")]
pub(crate) use direct::write_organic_line;
#[cfg(feature = "json")]
pub use direct::JsonStyle;

/// A borrowed piece of a parsed tree, serialized as its owned form in the decode JSON
/// (see the module docs). `T` is a level of the tree of [`Record`]s ([`Record`], [`Node`],
/// [`Item`], [`HtsAnchor`], [`OiGroup`], [`PgaLine`], [`PgaItem`], [`EntityLoop`],
/// [`PgGroup`], [`Disposition`], [`SubstitutionGroup`], [`Transaction`], [`Block`],
/// [`Batch`]) or a whole [`Transmission`] ([`DecodeJson::document`]); with feature `json`,
/// also a group of the flat tree ([`crate::tree::GroupRef`], written with
#[cfg_attr(feature = "json", doc = "[`DecodeJson::write_json`] only).")]
#[cfg_attr(not(feature = "json"), doc = "`DecodeJson::write_json` only).")]
///
/// The bytes are those of the owned form through the same serializer: for a transaction
/// `tx` of `t`, `serde_json::to_vec(&DecodeJson::new(tx, pad))` equals the transaction's
/// part of `serde_json::to_vec(&DecodeDocument::new(&t))`, where `pad` is
/// `t.options().pads_short_lines()` (a short record's `raw` is written padded to 80 bytes
/// under the lenient repair `pad_short_lines`, SPEC 2.4). For a flat tree, `pad` is
/// [`crate::ParseOptions::pads_short_lines`] of the options it was parsed with (`false` for
/// [`crate::FlatTree::parse`], which is strict).
///
/// ```
/// # #[cfg(feature = "json")] {
/// use ace_pga::write::{DecodeJson, JsonStyle};
/// use ace_pga::FlatTree;
/// let input = std::fs::read("spec-samples/valid/or2-single.txt").unwrap();
/// let flat = FlatTree::parse(&input).unwrap();
/// let tx = flat.transactions().next().expect("a transaction");
/// let mut out = Vec::new();
/// DecodeJson::new(&tx, false).write_json(&mut out, JsonStyle::Compact);
/// assert!(out.starts_with(br#"{"items":[{"item":"record","line":3,"record":"SE10""#));
/// # }
/// ```
#[derive(Debug)]
pub struct DecodeJson<'t, T: ?Sized> {
    value: &'t T,
    pad: Style,
}

/// How records are written: `raw` padded under the lenient repair `pad_short_lines`, and
/// the convention a record's terminator is judged against (`None`: the parse's own).
#[derive(Debug, Clone, Copy)]
// `pub` because the sealed `Direct` trait of the direct writer (feature `json`) names it;
// without that feature nothing outside this module can reach it.
#[cfg_attr(not(feature = "json"), allow(unreachable_pub))]
pub struct Style {
    pad_short_lines: bool,
    convention: Option<Terminator>,
}

impl Style {
    /// Whether the record's terminator is written (it differs from the convention).
    fn deviates(self, r: &Record<'_>) -> bool {
        match self.convention {
            Some(c) => r.terminator() != c,
            None => r.terminator_deviates(),
        }
    }
}

impl<T: ?Sized> Clone for DecodeJson<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for DecodeJson<'_, T> {}

impl<'t, T: ?Sized> DecodeJson<'t, T> {
    /// Wraps a piece of a parsed tree; `pad_short_lines` as the transmission was parsed
    /// with ([`crate::ParseOptions::pads_short_lines`]).
    pub fn new(value: &'t T, pad_short_lines: bool) -> Self {
        DecodeJson {
            value,
            pad: Style {
                pad_short_lines,
                convention: None,
            },
        }
    }

    /// The same piece, with each record's `terminator` key judged against `convention`
    /// (the terminator of the first record of the whole input) instead of the convention of
    /// the piece's own parse: for a fragment of a larger input parsed on its own, as
    /// the module `stream::decode` (feature `json`) writes it.
    pub fn with_convention(self, convention: Terminator) -> Self {
        DecodeJson {
            value: self.value,
            pad: Style {
                convention: Some(convention),
                ..self.pad
            },
        }
    }

    fn of<U: ?Sized>(&self, value: &'t U) -> DecodeJson<'t, U> {
        DecodeJson {
            value,
            pad: self.pad,
        }
    }
}

impl<'t, 'a> DecodeJson<'t, Transmission<'a>> {
    /// The whole decode document of a parsed transmission: the bytes of
    /// [`crate::write::DecodeDocument::new`]`(t)` serialized (`framing`, `batches`,
    /// `trailing` when not empty, `organic`).
    pub fn document(t: &'t Transmission<'a>) -> Self {
        DecodeJson::new(t, t.options().pads_short_lines())
    }
}

// ---------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------

impl Serialize for DecodeJson<'_, Transmission<'_>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.value;
        // `DecodeDocument` flattens the owned transmission: a map of unknown length.
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("framing", &t.tree().framing)?;
        m.serialize_entry("batches", &self.of(t.tree().batches.as_slice()))?;
        let trailing = crate::transmission::written_trailing(t);
        if !trailing.is_empty() {
            m.serialize_entry("trailing", &Latin1(trailing))?;
        }
        m.serialize_entry("organic", &Organic(t))?;
        m.end()
    }
}

/// The organic views of every AMS OR line of a transmission, in input order.
struct Organic<'t, 'a>(&'t Transmission<'a>);

impl Serialize for Organic<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // One line at a time (a `Vec` of them is what `DecodeDocument` holds; the bytes are
        // the same: serde_json writes a sequence alike with and without a length).
        s.collect_seq(self.0.organic_lines())
    }
}

// ---------------------------------------------------------------------------------------
// Sequences and optional levels
// ---------------------------------------------------------------------------------------

impl<'t, T> Serialize for DecodeJson<'t, [T]>
where
    DecodeJson<'t, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.value.len()))?;
        for v in self.value {
            seq.serialize_element(&self.of(v))?;
        }
        seq.end()
    }
}

impl<'t, T> Serialize for DecodeJson<'t, Option<T>>
where
    DecodeJson<'t, T>: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Some(v) => s.serialize_some(&self.of(v)),
            None => s.serialize_none(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Envelope levels
// ---------------------------------------------------------------------------------------

impl Serialize for DecodeJson<'_, Batch<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.value;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("header", &self.of(&b.header))?;
        m.serialize_entry("blocks", &self.of(b.blocks.as_slice()))?;
        m.serialize_entry("trailer", &self.of(&b.trailer))?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, Block<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.value;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("header", &self.of(&b.header))?;
        m.serialize_entry("transactions", &self.of(b.transactions.as_slice()))?;
        m.serialize_entry("trailer", &self.of(&b.trailer))?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, Transaction<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("items", &self.of(self.value.items.as_slice()))?;
        m.end()
    }
}

// ---------------------------------------------------------------------------------------
// Transaction items (tagged by `item`)
// ---------------------------------------------------------------------------------------

impl Serialize for DecodeJson<'_, Item<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.value {
            Item::Record(n) => {
                m.serialize_entry("item", "record")?;
                node_entries(&mut m, n, self.pad)?;
            }
            Item::Anchor(a) => {
                m.serialize_entry("item", "anchor")?;
                anchor_entries(&mut m, self.of(&**a))?;
            }
            Item::OiGroup(g) => {
                m.serialize_entry("item", "oi_group")?;
                oi_group_entries(&mut m, self.of(&**g))?;
            }
            Item::Disposition(d) => {
                m.serialize_entry("item", "disposition")?;
                disposition_entries(&mut m, self.of(&**d))?;
            }
            Item::Substitution(g) => {
                m.serialize_entry("item", "substitution")?;
                substitution_entries(&mut m, self.of(&**g))?;
            }
        }
        m.end()
    }
}

fn anchor_entries<M: SerializeMap>(
    m: &mut M,
    a: DecodeJson<'_, HtsAnchor<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("anchor", &a.of(&a.value.anchor))?;
    if !a.value.sub_records.is_empty() {
        m.serialize_entry("sub_records", &a.of(a.value.sub_records.as_slice()))?;
    }
    if let Some(g) = &a.value.oi_group {
        m.serialize_entry("oi_group", &a.of(g))?;
    }
    Ok(())
}

fn oi_group_entries<M: SerializeMap>(
    m: &mut M,
    g: DecodeJson<'_, OiGroup<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("oi", &g.of(&g.value.oi))?;
    if !g.value.orphans.is_empty() {
        m.serialize_entry("orphans", &g.of(g.value.orphans.as_slice()))?;
    }
    m.serialize_entry("lines", &g.of(g.value.lines.as_slice()))
}

fn disposition_entries<M: SerializeMap>(
    m: &mut M,
    d: DecodeJson<'_, Disposition<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("so70", &d.of(&d.value.so70))?;
    if !d.value.details.is_empty() {
        m.serialize_entry("details", &d.of(d.value.details.as_slice()))?;
    }
    Ok(())
}

fn substitution_entries<M: SerializeMap>(
    m: &mut M,
    g: DecodeJson<'_, SubstitutionGroup<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("start", &g.of(&g.value.start))?;
    if !g.value.records.is_empty() {
        m.serialize_entry("records", &g.of(g.value.records.as_slice()))?;
    }
    if let Some(n) = &g.value.end {
        m.serialize_entry("end", &g.of(n))?;
    }
    Ok(())
}

impl Serialize for DecodeJson<'_, HtsAnchor<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        anchor_entries(&mut m, *self)?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, OiGroup<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        oi_group_entries(&mut m, *self)?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, Disposition<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        disposition_entries(&mut m, *self)?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, SubstitutionGroup<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        substitution_entries(&mut m, *self)?;
        m.end()
    }
}

// ---------------------------------------------------------------------------------------
// PGA lines and their items (tagged by `item`)
// ---------------------------------------------------------------------------------------

impl Serialize for DecodeJson<'_, PgaLine<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("pg01", &self.of(&self.value.pg01))?;
        m.serialize_entry("items", &self.of(self.value.items.as_slice()))?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, PgaItem<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.value {
            PgaItem::Record(n) => {
                m.serialize_entry("item", "record")?;
                node_entries(&mut m, n, self.pad)?;
            }
            PgaItem::Entity(e) => {
                m.serialize_entry("item", "entity")?;
                entity_entries(&mut m, self.of(&**e))?;
            }
            PgaItem::Group(g) => {
                m.serialize_entry("item", "group")?;
                group_entries(&mut m, self.of(&**g))?;
            }
        }
        m.end()
    }
}

fn entity_entries<M: SerializeMap>(
    m: &mut M,
    e: DecodeJson<'_, EntityLoop<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("pg19", &e.of(&e.value.pg19))?;
    if let Some(n) = &e.value.pg20 {
        m.serialize_entry("pg20", &e.of(n))?;
    }
    if !e.value.items.is_empty() {
        m.serialize_entry("items", &e.of(e.value.items.as_slice()))?;
    }
    Ok(())
}

fn group_entries<M: SerializeMap>(
    m: &mut M,
    g: DecodeJson<'_, PgGroup<Record<'_>>>,
) -> Result<(), M::Error> {
    m.serialize_entry("start", &g.of(&g.value.start))?;
    m.serialize_entry("items", &g.of(g.value.items.as_slice()))?;
    if let Some(n) = &g.value.end {
        m.serialize_entry("end", &g.of(n))?;
    }
    Ok(())
}

impl Serialize for DecodeJson<'_, EntityLoop<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        entity_entries(&mut m, *self)?;
        m.end()
    }
}

impl Serialize for DecodeJson<'_, PgGroup<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        group_entries(&mut m, *self)?;
        m.end()
    }
}

// ---------------------------------------------------------------------------------------
// Nodes and records
// ---------------------------------------------------------------------------------------

impl Serialize for DecodeJson<'_, Node<Record<'_>>> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The owned node flattens its record: a map of unknown length.
        let mut m = s.serialize_map(None)?;
        node_entries(&mut m, self.value, self.pad)?;
        m.end()
    }
}

/// The keys of a node: its record's, then `conditions` when it has any.
fn node_entries<M: SerializeMap>(
    m: &mut M,
    n: &Node<Record<'_>>,
    pad: Style,
) -> Result<(), M::Error> {
    record_entries(m, &n.record, pad)?;
    if !n.conditions.is_empty() {
        m.serialize_entry(
            "conditions",
            &DecodeJson {
                value: n.conditions.as_slice(),
                pad,
            },
        )?;
    }
    Ok(())
}

impl Serialize for DecodeJson<'_, Record<'_>> {
    /// The record as [`crate::OwnedRecord`] serializes it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        record_entries(&mut m, self.value, self.pad)?;
        m.end()
    }
}

/// The keys of [`crate::OwnedRecord`] for a parsed record, in its order: `line`, `record`,
/// `variant`, `fields`, `raw`, `terminator` (the rule of `OwnedRecord::from_record_padded`).
fn record_entries<M: SerializeMap>(m: &mut M, r: &Record<'_>, pad: Style) -> Result<(), M::Error> {
    record_keys(&mut SerMap(m), r, pad)
}

/// Where the keys of a record go: a serde map, or the direct writer.
trait RecordKeys {
    type Error;
    fn number(&mut self, key: &'static str, v: u32) -> Result<(), Self::Error>;
    fn string(&mut self, key: &'static str, v: &str) -> Result<(), Self::Error>;
    /// The `fields` object ([`each_field`]); returns whether the values rebuild the bytes.
    fn fields(
        &mut self,
        r: &Record<'_>,
        layout: &'static RecordLayout,
        check: Option<(&[u8], RecordType)>,
    ) -> Result<bool, Self::Error>;
}

struct SerMap<'m, M>(&'m mut M);

impl<M: SerializeMap> RecordKeys for SerMap<'_, M> {
    type Error = M::Error;
    fn number(&mut self, key: &'static str, v: u32) -> Result<(), M::Error> {
        self.0.serialize_entry(key, &v)
    }
    fn string(&mut self, key: &'static str, v: &str) -> Result<(), M::Error> {
        self.0.serialize_entry(key, v)
    }
    fn fields(
        &mut self,
        r: &Record<'_>,
        layout: &'static RecordLayout,
        check: Option<(&[u8], RecordType)>,
    ) -> Result<bool, M::Error> {
        let fields = Fields::new(r, layout, check);
        self.0.serialize_entry("fields", &fields)?;
        Ok(fields.rebuilt())
    }
}

/// The keys of a record (see [`record_entries`]) to `out`.
fn record_keys<K: RecordKeys>(out: &mut K, r: &Record<'_>, pad: Style) -> Result<(), K::Error> {
    let rt = r.record_type();
    let layout = rt.layout();
    out.number("line", r.line())?;
    // One char per byte, as `raw`, so that `raw` starts with it.
    with_latin1(r.id_bytes(), |text| out.string("record", text))?;
    if let Some(v) = layout.and_then(|l| l.variant) {
        out.string("variant", v)?;
    }
    // The bytes `raw` is written from and the fields are checked against: a short record
    // padded with spaces to 80 bytes under `pad_short_lines`.
    let mut padded = [b' '; 80];
    let raw: &[u8] = if pad.pad_short_lines && r.raw().len() < 80 {
        if let Some(dst) = padded.get_mut(..r.raw().len()) {
            dst.copy_from_slice(r.raw());
        }
        &padded
    } else {
        r.raw()
    };
    let keep_raw = match (layout, r.field_error()) {
        (Some(layout), Some(_)) if rt.is_response() => {
            // `Partial`: the fields that decode, and `raw` (which wins).
            out.fields(r, layout, None)?;
            true
        }
        (Some(_), Some(_)) | (None, _) => true,
        (Some(layout), None) => !out.fields(r, layout, Some((raw, rt)))?,
    };
    if keep_raw {
        with_latin1(raw, |text| out.string("raw", text))?;
    }
    if pad.deviates(r) {
        out.string("terminator", r.terminator().as_str())?;
    }
    Ok(())
}

/// The `fields` object of a record: every field of the layout by name in sorted order
/// (the order of the owned form's `BTreeMap`), values in the dump form (`null` when absent
/// or when the field does not decode). While writing them it checks whether they rebuild
/// the record's bytes ([`crate::write::dump::fields_rebuild`], without building a string).
struct Fields<'r, 'a> {
    record: &'r Record<'a>,
    layout: &'static RecordLayout,
    /// The bytes to rebuild and the record type they must read as; `None`: not checked.
    check: Option<(&'r [u8], RecordType)>,
    /// Whether the values written rebuild the bytes (set while serializing).
    rebuilt: std::cell::Cell<bool>,
}

impl<'r, 'a> Fields<'r, 'a> {
    fn new(
        record: &'r Record<'a>,
        layout: &'static RecordLayout,
        check: Option<(&'r [u8], RecordType)>,
    ) -> Self {
        Fields {
            record,
            layout,
            check,
            rebuilt: std::cell::Cell::new(false),
        }
    }

    fn rebuilt(&self) -> bool {
        self.rebuilt.get()
    }
}

impl Serialize for Fields<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.layout.fields.len()))?;
        let rebuilt = each_field(self.record, self.layout, self.check, |name, value| {
            m.serialize_entry(name, &value)
        })?;
        self.rebuilt.set(rebuilt);
        m.end()
    }
}

/// Calls `emit` with every field of `layout` by name in sorted order and its value in the
/// dump form (`None` when absent or when it does not decode), read from `record` (its bytes
/// as received, leniently, as [`crate::write::dump::dump_record`] reads them). Returns
/// whether the values rebuild `check`'s bytes with the layout of its record type (the rule
/// of [`crate::write::dump::fields_rebuild`], without building a string); `false` without
/// `check`.
fn each_field<E>(
    record: &Record<'_>,
    layout: &'static RecordLayout,
    check: Option<(&[u8], RecordType)>,
    mut emit: impl FnMut(&'static str, Option<&str>) -> Result<(), E>,
) -> Result<bool, E> {
    let fields = layout.fields;
    let raw = record.raw();
    // The rebuild of `fields_rebuild`: the layout's identifier, every value written with
    // its field, the identifier as sent; equal to the bytes or not.
    let target = check.and_then(|(bytes, rt)| {
        (bytes.len() == 80 && crate::records::identify(bytes, false).record_type == rt)
            .then_some(bytes)
    });
    let mut built = [b' '; 80];
    let mut ok = target.is_some();
    let mut write = |f: &FieldDef, value: &FieldValue<'_>, text: &str| {
        if !ok {
            return;
        }
        let slot = built
            .get_mut(usize::from(f.start).saturating_sub(1)..usize::from(f.end))
            .unwrap_or_default();
        ok = match value {
            // `Text::write`: the value as is when every byte is of the CBP set and it fits.
            FieldValue::Text(t) if t.len() <= slot.len() => {
                let fits = t.bytes().all(is_cbp_char);
                if let Some(dst) = slot.get_mut(..t.len()) {
                    dst.copy_from_slice(t.as_bytes());
                }
                fits
            }
            _ => f.write_str(text, slot).is_ok(),
        };
    };
    for &i in sorted_order(record.record_type(), layout).iter() {
        let Some(f) = fields.get(usize::from(i)) else {
            continue;
        };
        match f.read(raw, true) {
            Ok(Some(v)) => {
                let mut buf = ValueBuf::new();
                let text = buf.format(&v);
                write(f, &v, text);
                emit(f.name, Some(text))?;
            }
            _ => emit(f.name, None)?,
        }
    }
    let Some(bytes) = target else {
        return Ok(false);
    };
    let id = layout.id.len();
    if let (Some(dst), Some(src)) = (built.get_mut(..id), bytes.get(..id)) {
        dst.copy_from_slice(src);
    }
    Ok(ok && built.as_slice() == bytes)
}

/// The indices of a layout's fields sorted by name (the owned form's `BTreeMap` order),
/// computed once for every layout of [`ALL_LAYOUTS`]. `rt` is the record type `layout`
/// belongs to: its position in the table (the layouts and the record types are generated
/// in the same order; checked by name, with a search by name as the fallback).
fn sorted_order(rt: RecordType, layout: &RecordLayout) -> std::borrow::Cow<'static, [u16]> {
    static ORDERS: OnceLock<Vec<(&'static str, Vec<u16>)>> = OnceLock::new();
    let orders = ORDERS.get_or_init(|| {
        ALL_LAYOUTS
            .iter()
            .map(|l| (l.name, order_of(l)))
            .collect::<Vec<_>>()
    });
    let found = match orders.get(rt as usize) {
        Some((name, order)) if *name == layout.name => Some(order),
        _ => orders
            .iter()
            .find(|(name, _)| *name == layout.name)
            .map(|(_, o)| o),
    };
    match found {
        Some(o) => std::borrow::Cow::Borrowed(o.as_slice()),
        None => std::borrow::Cow::Owned(order_of(layout)),
    }
}

/// A field's index in its layout and its compact JSON key (`"name":`).
#[cfg(feature = "json")]
pub(super) type FieldKey = (u16, Box<[u8]>);

/// The fields of a layout in [`sorted_order`], each with its compact JSON key (`"name":`),
/// computed once for every layout of [`ALL_LAYOUTS`] (the compact writer copies a key in
/// one piece). `None` for a layout not in the table (then the keys are written one by one).
#[cfg(feature = "json")]
pub(super) fn sorted_keys(rt: RecordType, layout: &RecordLayout) -> Option<&'static [FieldKey]> {
    type Keys = Vec<(&'static str, Vec<FieldKey>)>;
    static KEYS: OnceLock<Keys> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        ALL_LAYOUTS
            .iter()
            .map(|l| {
                let keys = order_of(l)
                    .into_iter()
                    .filter_map(|i| {
                        let f = l.fields.get(usize::from(i))?;
                        Some((
                            i,
                            format!("\"{}\":", f.name).into_bytes().into_boxed_slice(),
                        ))
                    })
                    .collect();
                (l.name, keys)
            })
            .collect()
    });
    match keys.get(rt as usize) {
        Some((name, k)) if *name == layout.name => Some(k.as_slice()),
        _ => keys
            .iter()
            .find(|(name, _)| *name == layout.name)
            .map(|(_, k)| k.as_slice()),
    }
}

fn order_of(layout: &RecordLayout) -> Vec<u16> {
    let mut order: Vec<u16> = (0..layout.fields.len())
        .filter_map(|i| u16::try_from(i).ok())
        .collect();
    order.sort_by_key(|&i| layout.fields.get(usize::from(i)).map(|f| f.name));
    order
}

/// A value in the dump form ([`FieldValue`]'s `Display`), formatted on the stack.
struct ValueBuf {
    buf: [u8; 64],
    len: usize,
    /// Did not fit in `buf` (never for the widths of the layout table).
    spilled: Option<String>,
}

impl ValueBuf {
    fn new() -> Self {
        ValueBuf {
            buf: [0; 64],
            len: 0,
            spilled: None,
        }
    }

    /// The dump form of `v`: text borrowed, everything else written here.
    fn format<'s>(&'s mut self, v: &FieldValue<'s>) -> &'s str {
        match v {
            FieldValue::Text(t) => return t,
            FieldValue::Int(n) => self.push_u64(*n, 1),
            FieldValue::Date(d) => {
                use chrono::Datelike;
                let year = d.year();
                match u64::try_from(year) {
                    // chrono's `%Y` for years 0–9999: four digits.
                    Ok(y) if y <= 9999 => {
                        self.push_u64(y, 4);
                        self.push(b'-');
                        self.push_u64(u64::from(d.month()), 2);
                        self.push(b'-');
                        self.push_u64(u64::from(d.day()), 2);
                    }
                    _ => {
                        let _ = write!(self, "{v}");
                    }
                }
            }
            _ => {
                let _ = write!(self, "{v}");
            }
        }
        if let Some(s) = &self.spilled {
            return s;
        }
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    fn push(&mut self, b: u8) {
        let _ = self.write_char(char::from(b));
    }

    /// `n` in decimal, zero-padded to `width` digits.
    fn push_u64(&mut self, mut n: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut at = digits.len();
        while n > 0 || digits.len() - at < width {
            at -= 1;
            if let Some(d) = digits.get_mut(at) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if at == 0 {
                break;
            }
        }
        let s = digits
            .get(at..)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        let _ = self.write_str(s);
    }
}

impl fmt::Write for ValueBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(spilled) = &mut self.spilled {
            spilled.push_str(s);
            return Ok(());
        }
        match self.buf.get_mut(self.len..self.len + s.len()) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                self.len += s.len();
            }
            None => {
                let mut spilled = String::from(
                    std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default())
                        .unwrap_or_default(),
                );
                spilled.push_str(s);
                self.spilled = Some(spilled);
            }
        }
        Ok(())
    }
}

/// Bytes as a string of one char per byte (ISO-8859-1, [`crate::write::dump::latin1_string`]):
/// ASCII borrowed, up to 128 other bytes mapped on the stack.
struct Latin1<'b>(&'b [u8]);

impl Serialize for Latin1<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        with_latin1(self.0, |text| s.serialize_str(text))
    }
}

/// Calls `f` with `b` as a string of one char per byte (ISO-8859-1): ASCII borrowed, up to
/// 128 other bytes mapped on the stack, longer ones in a `String`.
fn with_latin1<R>(b: &[u8], f: impl FnOnce(&str) -> R) -> R {
    if b.is_ascii() {
        return f(std::str::from_utf8(b).unwrap_or_default());
    }
    if b.len() <= 128 {
        let mut buf = [0u8; 256];
        let mut len = 0;
        for &c in b {
            let mut one = [0u8; 2];
            let enc = char::from(c).encode_utf8(&mut one);
            if let Some(dst) = buf.get_mut(len..len + enc.len()) {
                dst.copy_from_slice(enc.as_bytes());
            }
            len += enc.len();
        }
        let text = buf
            .get(..len)
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or_default();
        return f(text);
    }
    f(&crate::write::dump::latin1_string(b))
}
