//! The tree (SPEC 3–4): transmission → batches (A…Z) → blocks (B…Y) → transactions →
//! host records, HTS anchors (`SE60` / `50`) → OI groups → PGA lines → child records, entity
//! loops and PG50/PG51 groups; response records (SE90 attached to the record before it, SO70
//! dispositions with their SO71/SO72).
//!
//! Two trees hold the same records in the same groups: the [`FlatTree`] (records in one
//! vector, groups as index ranges; what a parse builds and [`crate::Transmission::flat`]
//! is) and the nested [`Tree`] of structs with `Vec` fields, built from the flat tree by
//! [`crate::Transmission::tree`] on request.
//!
//! The nested tree's types are generic over the record type `R`: [`crate::Record`] for a parsed
//! (borrowed) transmission, [`crate::OwnedRecord`] for the owned form that deserializes from
//! JSON. Every record of the input sits in exactly one place, in input order:
//! [`crate::Transmission::records`] walks them back in that order, which is what the serializer
//! writes. Missing envelope records leave `None` headers/trailers (implicit containers), so
//! fragments (bare OI/PG runs, a block without its batch) parse too; complaints about them
//! belong to validation (SPEC E-001).

mod builder;
mod cargo_release;
pub mod flat;
mod status;

pub(crate) use builder::{Builder, Sink, TreeBuilder};
pub use cargo_release::{BillGroup, CargoRelease, CbpLine, Entity, PlacedGroup, Tariff};
pub(crate) use cargo_release::{HostPlacement, HostStep, Placed};
pub(crate) use flat::FlatBuilder;
pub use flat::{FlatItem, FlatRecords, FlatTree, GroupKind, GroupRef, NodeRef};
pub use status::{StatusBill, StatusNotification};

use crate::records::Record;
use crate::records::{Body, RecordType};
use crate::wire::framing::Framing;

/// A record in the tree with the record-level condition records (`SE90`/`GE90` with a
/// record-level message type) that CBP inserted directly after it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(expecting = "a tree node object (a record with its conditions)")
)]
// Unknown keys of a node are refused by the record (`OwnedRecord` reads every key but
// `conditions`, and names the record in the error); the schema says so here.
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Node<R> {
    /// The record.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub record: R,
    /// SE90 condition records attached to this record (SPEC 7.1), in input order.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub conditions: Vec<R>,
}

impl<R> Node<R> {
    /// A node without conditions.
    pub fn new(record: R) -> Self {
        Node {
            record,
            conditions: Vec::new(),
        }
    }

    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        f(&self.record);
        self.conditions.iter().for_each(f);
    }
}

/// A batch: `A` … `Z`. `header`/`trailer` are `None` when the input lacks them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a batch object {header, blocks, trailer}"
    )
)]
pub struct Batch<R> {
    /// The `A` record.
    pub header: Option<Node<R>>,
    /// Blocks in input order.
    pub blocks: Vec<Block<R>>,
    /// The `Z` record.
    pub trailer: Option<Node<R>>,
}

/// A block: `B` … `Y`, all transactions of one application id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a block object {header, transactions, trailer}"
    )
)]
pub struct Block<R> {
    /// The `B` record.
    pub header: Option<Node<R>>,
    /// Transactions in input order.
    pub transactions: Vec<Transaction<R>>,
    /// The `Y` record.
    pub trailer: Option<Node<R>>,
}

/// A host transaction: from its start record (`SE10`, `10`) up to the next start record or
/// the block trailer (SPEC 3.4). Records before the first start record form a transaction
/// without start record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(deny_unknown_fields, expecting = "a transaction object {items}")
)]
pub struct Transaction<R> {
    /// The transaction's content in input order.
    pub items: Vec<Item<R>>,
}

/// One item of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        tag = "item",
        rename_all = "snake_case",
        expecting = "an items entry object tagged by item (record, anchor, oi_group, disposition, substitution)"
    )
)]
#[non_exhaustive]
pub enum Item<R> {
    /// A host record kept verbatim, or any record that belongs to no group.
    Record(Node<R>),
    /// An HTS anchor (`SE60`, `50`) with its sub-records and OI group.
    Anchor(Box<HtsAnchor<R>>),
    /// An OI group (or orphan PG records) that does not directly follow an HTS anchor.
    OiGroup(Box<OiGroup<R>>),
    /// An `SO70` disposition with its `SO71`/`SO72` records (SPEC 7.2).
    Disposition(Box<Disposition<R>>),
    /// A `PG00` substitution group defined outside any OI group: at the entry header level
    /// or at the line level, before the line's HTS anchor (SPEC 4.5). Not an orphan.
    Substitution(Box<SubstitutionGroup<R>>),
}

/// A `PG00 S nnnn` … `PG00 E` substitution group outside any OI group (SPEC 4.5): a reusable
/// block of PG records that CBP puts in place of each `PG00 R nnnn` before processing. Kept
/// as sent, records in input order; the records between `S` and `E` are not judged as PGA
/// lines (SPEC S-004, S-005 do not apply to them).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a substitution group object {start, records, end}"
    )
)]
pub struct SubstitutionGroup<R> {
    /// The `PG00` with indicator `S` that opens the group.
    pub start: Node<R>,
    /// The PG records between `S` and `E`, in input order.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub records: Vec<Node<R>>,
    /// The `PG00` with indicator `E`; `None` when a non-PG record or the end of the
    /// transaction comes first (S-015).
    #[cfg_attr(
        feature = "serde",
        serde(default = "Option::default", skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub end: Option<Node<R>>,
}

impl<R> SubstitutionGroup<R> {
    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        self.start.for_each(f);
        self.records.iter().for_each(|n| n.for_each(f));
        if let Some(n) = &self.end {
            n.for_each(f);
        }
    }
}

/// An HTS anchor record: `SE60` (Cargo Release) or `50` (Entry Summary) (SPEC 3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "an HTS anchor object {anchor, sub_records, oi_group}"
    )
)]
pub struct HtsAnchor<R> {
    /// The anchor record (kept verbatim).
    pub anchor: Node<R>,
    /// Its own sub-records that precede the OI group: `SE61`–`SE69` after an `SE60`, `SE60` /
    /// `SE61` after an Entry Summary `50` (SPEC 3.3).
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub sub_records: Vec<Node<R>>,
    /// The OI group of this anchor.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Option::default", skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub oi_group: Option<OiGroup<R>>,
}

/// An `OI` and the PGA lines that follow it (SPEC 4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "an OI group object {oi, orphans, lines}"
    )
)]
pub struct OiGroup<R> {
    /// The `OI` record; `None` when PG records arrive without one (S-001 / S-004).
    pub oi: Option<Node<R>>,
    /// PG records before the first `PG01` of the group (orphans, S-004), in input order.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub orphans: Vec<Node<R>>,
    /// PGA lines in input order.
    pub lines: Vec<PgaLine<R>>,
}

/// A PGA line: one `PG01` and its child records (SPEC 4.1–4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(deny_unknown_fields, expecting = "a PGA line object {pg01, items}")
)]
pub struct PgaLine<R> {
    /// The `PG01`.
    pub pg01: Node<R>,
    /// Child records, entity loops and PG50/PG51 groups in input order.
    pub items: Vec<PgaItem<R>>,
}

/// One item of a PGA line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        tag = "item",
        rename_all = "snake_case",
        expecting = "a PGA line items entry object tagged by item (record, entity, group)"
    )
)]
#[non_exhaustive]
pub enum PgaItem<R> {
    /// A child record (including `PG00` as sent, unknown `PGnn`, and PG20/PG21 without a
    /// loop to attach to).
    Record(Node<R>),
    /// An entity loop: `PG19`, an optional `PG20`, then `PG21`/`PG55`/`PG60` records (SPEC 4.3).
    Entity(Box<EntityLoop<R>>),
    /// A `PG50` … `PG51` group (SPEC 4.4); groups do not nest.
    Group(Box<PgGroup<R>>),
}

/// An entity loop (SPEC 4.3): association by adjacency only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "an entity loop object {pg19, pg20, items}"
    )
)]
pub struct EntityLoop<R> {
    /// The `PG19` that opens the loop.
    pub pg19: Node<R>,
    /// The `PG20` directly after it.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Option::default", skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub pg20: Option<Node<R>>,
    /// `PG21`, `PG55`, `PG60` records of the loop in input order.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub items: Vec<Node<R>>,
}

/// A `PG50` … `PG51` grouping (SPEC 4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a PG50/PG51 group object {start, items, end}"
    )
)]
pub struct PgGroup<R> {
    /// The `PG50`.
    pub start: Node<R>,
    /// Records between them (entity loops allowed, no nested groups).
    pub items: Vec<PgaItem<R>>,
    /// The `PG51`; `None` when the line ends first (S-014).
    #[cfg_attr(
        feature = "serde",
        serde(default = "Option::default", skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub end: Option<Node<R>>,
}

/// An `SO70` disposition and its `SO71`/`SO72` records (SPEC 7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a disposition object {so70, details}"
    )
)]
pub struct Disposition<R> {
    /// The `SO70` (or `WO70`/`PO70`).
    pub so70: Node<R>,
    /// Following `SO71`/`SO72` records.
    #[cfg_attr(
        feature = "serde",
        serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(default))]
    pub details: Vec<Node<R>>,
}

// ---------------------------------------------------------------------------------------
// Walking the tree in input order
// ---------------------------------------------------------------------------------------

impl<R> PgaItem<R> {
    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        match self {
            PgaItem::Record(n) => n.for_each(f),
            PgaItem::Entity(e) => e.for_each(f),
            PgaItem::Group(g) => {
                g.start.for_each(f);
                g.items.iter().for_each(|i| i.for_each(f));
                if let Some(n) = &g.end {
                    n.for_each(f);
                }
            }
        }
    }
}

impl<R> EntityLoop<R> {
    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        self.pg19.for_each(f);
        if let Some(n) = &self.pg20 {
            n.for_each(f);
        }
        self.items.iter().for_each(|n| n.for_each(f));
    }

    /// The `PG21` records of the loop.
    pub fn contacts(&self) -> impl Iterator<Item = &Node<R>> {
        self.items.iter()
    }
}

impl<R> PgaLine<R> {
    /// Visits every record of the line (PG01 first) in input order.
    pub fn for_each_record<'s>(&'s self, mut f: impl FnMut(&'s R)) {
        self.pg01.for_each(&mut f);
        self.items.iter().for_each(|i| i.for_each(&mut f));
    }

    /// Every record of the line in input order (PG01 first).
    pub fn records(&self) -> Records<'_, R> {
        Records {
            stack: vec![Step::One(Some(Unit::Line(self)))],
        }
    }

    /// Visits the child records of the line in input order, as [`Self::child_records`]
    /// lists them, without collecting them.
    pub fn for_each_child_record<'s>(&'s self, mut f: impl FnMut(&'s R)) {
        fn walk<'s, R>(items: &'s [PgaItem<R>], f: &mut impl FnMut(&'s R)) {
            for i in items {
                match i {
                    PgaItem::Record(n) => f(&n.record),
                    PgaItem::Entity(e) => {
                        f(&e.pg19.record);
                        if let Some(n) = &e.pg20 {
                            f(&n.record);
                        }
                        e.items.iter().for_each(|n| f(&n.record));
                    }
                    PgaItem::Group(g) => {
                        f(&g.start.record);
                        walk(&g.items, f);
                        if let Some(n) = &g.end {
                            f(&n.record);
                        }
                    }
                }
            }
        }
        walk(&self.items, &mut f);
    }

    /// The child records of the line in input order, without the PG01 and without
    /// attached conditions, flattening entity loops and groups.
    pub fn child_records(&self) -> Vec<&R> {
        // Each item holds at least one record: one allocation for most lines.
        let mut v = Vec::with_capacity(self.items.len());
        fn walk<'s, R>(items: &'s [PgaItem<R>], v: &mut Vec<&'s R>) {
            for i in items {
                match i {
                    PgaItem::Record(n) => v.push(&n.record),
                    PgaItem::Entity(e) => {
                        v.push(&e.pg19.record);
                        if let Some(n) = &e.pg20 {
                            v.push(&n.record);
                        }
                        v.extend(e.items.iter().map(|n| &n.record));
                    }
                    PgaItem::Group(g) => {
                        v.push(&g.start.record);
                        walk(&g.items, v);
                        if let Some(n) = &g.end {
                            v.push(&n.record);
                        }
                    }
                }
            }
        }
        walk(&self.items, &mut v);
        v
    }

    /// The entity loops of the line (also those inside PG50/PG51 groups), in order.
    pub fn entity_loops(&self) -> Vec<&EntityLoop<R>> {
        let mut v = Vec::new();
        for i in &self.items {
            match i {
                PgaItem::Entity(e) => v.push(&**e),
                PgaItem::Group(g) => v.extend(g.items.iter().filter_map(|i| match i {
                    PgaItem::Entity(e) => Some(&**e),
                    _ => None,
                })),
                PgaItem::Record(_) => {}
            }
        }
        v
    }
}

impl<R> OiGroup<R> {
    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        if let Some(n) = &self.oi {
            n.for_each(f);
        }
        self.orphans.iter().for_each(|n| n.for_each(f));
        for l in &self.lines {
            l.for_each_record(&mut *f);
        }
    }
}

impl<'a> OiGroup<Record<'a>> {
    /// Shared PGA data (SPEC 4.1, chapter p. 65): for each PGA line in order, the index in
    /// [`Self::lines`] of the line whose data set it shares, or `None`. The filer sends one
    /// `PG01` per agency in a row, none disclaimed, and the data set after the last of them:
    /// a line shares when it has no child record and no disclaimer and the next line with
    /// child records comes before any disclaimed line. Each sharing line keeps its own line
    /// number; the line carrying the data set is `None` itself.
    pub fn data_sharing(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.lines.len()];
        // The line that carries the data set the lines after the current one are or share.
        let mut data: Option<usize> = None;
        for (i, line) in self.lines.iter().enumerate().rev() {
            // One field read through the lazy view, not the whole PG01 typed.
            let disclaimed = line
                .pg01
                .record
                .view::<crate::records::Pg01>()
                .is_some_and(|p| p.disclaimer_code().is_some());
            if disclaimed {
                data = None;
            } else if !line.items.is_empty() {
                data = Some(i);
            } else if let Some(slot) = out.get_mut(i) {
                *slot = data;
            }
        }
        out
    }

    /// The PGA line whose data set line `index` shares (SPEC 4.1), if it shares one.
    pub fn shared_data(&self, index: usize) -> Option<&PgaLine<Record<'a>>> {
        let data = self.data_sharing().get(index).copied().flatten()?;
        self.lines.get(data)
    }
}

impl<R> Item<R> {
    fn for_each<'s>(&'s self, f: &mut impl FnMut(&'s R)) {
        match self {
            Item::Record(n) => n.for_each(f),
            Item::Anchor(a) => {
                a.anchor.for_each(f);
                a.sub_records.iter().for_each(|n| n.for_each(f));
                if let Some(g) = &a.oi_group {
                    g.for_each(f);
                }
            }
            Item::OiGroup(g) => g.for_each(f),
            Item::Disposition(d) => {
                d.so70.for_each(f);
                d.details.iter().for_each(|n| n.for_each(f));
            }
            Item::Substitution(g) => g.for_each(f),
        }
    }
}

impl<R> Transaction<R> {
    /// Visits every record of the transaction in input order.
    pub fn for_each_record<'s>(&'s self, mut f: impl FnMut(&'s R)) {
        self.items.iter().for_each(|i| i.for_each(&mut f));
    }
}

impl<R> Block<R> {
    /// Visits every record of the block (header and trailer included) in input order.
    pub fn for_each_record<'s>(&'s self, mut f: impl FnMut(&'s R)) {
        if let Some(n) = &self.header {
            n.for_each(&mut f);
        }
        for t in &self.transactions {
            t.items.iter().for_each(|i| i.for_each(&mut f));
        }
        if let Some(n) = &self.trailer {
            n.for_each(&mut f);
        }
    }
}

/// Visits every record of `batches` in input order (conditions right after their record).
pub(crate) fn walk_batches<'s, R>(batches: &'s [Batch<R>], mut f: impl FnMut(&'s R)) {
    for b in batches {
        if let Some(n) = &b.header {
            n.for_each(&mut f);
        }
        for blk in &b.blocks {
            if let Some(n) = &blk.header {
                n.for_each(&mut f);
            }
            for t in &blk.transactions {
                t.items.iter().for_each(|i| i.for_each(&mut f));
            }
            if let Some(n) = &blk.trailer {
                n.for_each(&mut f);
            }
        }
        if let Some(n) = &b.trailer {
            n.for_each(&mut f);
        }
    }
}

/// The tree of a whole input: batches in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tree<R> {
    /// How the input was framed (terminator convention, byte order mark).
    pub framing: Framing,
    /// Batches in input order (implicit batches have no header/trailer).
    pub batches: Vec<Batch<R>>,
}

impl<R> Tree<R> {
    /// Visits every record in input order (conditions right after their record).
    pub fn for_each_record<'s>(&'s self, f: impl FnMut(&'s R)) {
        walk_batches(&self.batches, f);
    }

    /// Every record in input order (conditions right after their record), lazily; the
    /// order [`Self::for_each_record`] visits and the serializer writes.
    pub fn records(&self) -> Records<'_, R> {
        Records::of_batches(&self.batches)
    }

    /// Every OI group with the HTS anchor it belongs to (if any), in input order.
    pub fn oi_groups(&self) -> impl Iterator<Item = (Option<&Node<R>>, &OiGroup<R>)> + '_ {
        self.transactions()
            .flat_map(|t| t.items.iter())
            .filter_map(|i| match i {
                Item::Anchor(a) => a.oi_group.as_ref().map(|g| (Some(&a.anchor), g)),
                Item::OiGroup(g) => Some((None, &**g)),
                _ => None,
            })
    }

    /// Every PGA line in input order.
    pub fn pga_lines(&self) -> impl Iterator<Item = &PgaLine<R>> + '_ {
        self.oi_groups().flat_map(|(_, g)| g.lines.iter())
    }

    /// Every transaction in input order.
    pub fn transactions(&self) -> impl Iterator<Item = &Transaction<R>> {
        self.batches
            .iter()
            .flat_map(|b| b.blocks.iter())
            .flat_map(|b| b.transactions.iter())
    }
}

// ---------------------------------------------------------------------------------------
// The records of a tree as an iterator
// ---------------------------------------------------------------------------------------

/// The records of a tree (or of a part of one) in input order, conditions right after their
/// record: [`Tree::records`], [`PgaLine::records`]. Lazy: it keeps a small stack of the
/// containers it is in, not the records.
#[derive(Debug)]
pub struct Records<'s, R> {
    stack: Vec<Step<'s, R>>,
}

/// One container being walked.
#[derive(Debug)]
enum Step<'s, R> {
    One(Option<Unit<'s, R>>),
    Batches(std::slice::Iter<'s, Batch<R>>),
    Blocks(std::slice::Iter<'s, Block<R>>),
    Transactions(std::slice::Iter<'s, Transaction<R>>),
    Items(std::slice::Iter<'s, Item<R>>),
    Nodes(std::slice::Iter<'s, Node<R>>),
    Conditions(std::slice::Iter<'s, R>),
    Lines(std::slice::Iter<'s, PgaLine<R>>),
    PgaItems(std::slice::Iter<'s, PgaItem<R>>),
}

/// One element of a container.
#[derive(Debug)]
enum Unit<'s, R> {
    Record(&'s R),
    Node(&'s Node<R>),
    Batch(&'s Batch<R>),
    Block(&'s Block<R>),
    Transaction(&'s Transaction<R>),
    Item(&'s Item<R>),
    OiGroup(&'s OiGroup<R>),
    Line(&'s PgaLine<R>),
    PgaItem(&'s PgaItem<R>),
}

impl<'s, R> Records<'s, R> {
    /// The records of `batches` in input order.
    pub(crate) fn of_batches(batches: &'s [Batch<R>]) -> Self {
        let mut stack = Vec::with_capacity(8);
        stack.push(Step::Batches(batches.iter()));
        Records { stack }
    }

    fn node(&mut self, n: Option<&'s Node<R>>) {
        if let Some(n) = n {
            self.stack.push(Step::One(Some(Unit::Node(n))));
        }
    }

    /// Pushes the parts of `unit` (last part first), or returns it when it is a record.
    fn open(&mut self, unit: Unit<'s, R>) -> Option<&'s R> {
        match unit {
            Unit::Record(r) => return Some(r),
            Unit::Node(n) => {
                if !n.conditions.is_empty() {
                    self.stack.push(Step::Conditions(n.conditions.iter()));
                }
                return Some(&n.record);
            }
            Unit::Batch(b) => {
                self.node(b.trailer.as_ref());
                self.stack.push(Step::Blocks(b.blocks.iter()));
                self.node(b.header.as_ref());
            }
            Unit::Block(b) => {
                self.node(b.trailer.as_ref());
                self.stack.push(Step::Transactions(b.transactions.iter()));
                self.node(b.header.as_ref());
            }
            Unit::Transaction(t) => self.stack.push(Step::Items(t.items.iter())),
            Unit::Item(i) => match i {
                Item::Record(n) => return self.open(Unit::Node(n)),
                Item::Anchor(a) => {
                    if let Some(g) = &a.oi_group {
                        self.stack.push(Step::One(Some(Unit::OiGroup(g))));
                    }
                    self.stack.push(Step::Nodes(a.sub_records.iter()));
                    return self.open(Unit::Node(&a.anchor));
                }
                Item::OiGroup(g) => self.stack.push(Step::One(Some(Unit::OiGroup(g)))),
                Item::Disposition(d) => {
                    self.stack.push(Step::Nodes(d.details.iter()));
                    return self.open(Unit::Node(&d.so70));
                }
                Item::Substitution(g) => {
                    self.node(g.end.as_ref());
                    self.stack.push(Step::Nodes(g.records.iter()));
                    return self.open(Unit::Node(&g.start));
                }
            },
            Unit::OiGroup(g) => {
                self.stack.push(Step::Lines(g.lines.iter()));
                self.stack.push(Step::Nodes(g.orphans.iter()));
                self.node(g.oi.as_ref());
            }
            Unit::Line(l) => {
                self.stack.push(Step::PgaItems(l.items.iter()));
                return self.open(Unit::Node(&l.pg01));
            }
            Unit::PgaItem(i) => match i {
                PgaItem::Record(n) => return self.open(Unit::Node(n)),
                PgaItem::Entity(e) => {
                    self.stack.push(Step::Nodes(e.items.iter()));
                    self.node(e.pg20.as_ref());
                    return self.open(Unit::Node(&e.pg19));
                }
                PgaItem::Group(g) => {
                    self.node(g.end.as_ref());
                    self.stack.push(Step::PgaItems(g.items.iter()));
                    return self.open(Unit::Node(&g.start));
                }
            },
        }
        None
    }
}

impl<'s, R> Iterator for Records<'s, R> {
    type Item = &'s R;

    fn next(&mut self) -> Option<&'s R> {
        loop {
            let top = self.stack.last_mut()?;
            let unit = match top {
                Step::One(u) => u.take(),
                Step::Batches(it) => it.next().map(Unit::Batch),
                Step::Blocks(it) => it.next().map(Unit::Block),
                Step::Transactions(it) => it.next().map(Unit::Transaction),
                Step::Items(it) => it.next().map(Unit::Item),
                Step::Nodes(it) => it.next().map(Unit::Node),
                Step::Conditions(it) => it.next().map(Unit::Record),
                Step::Lines(it) => it.next().map(Unit::Line),
                Step::PgaItems(it) => it.next().map(Unit::PgaItem),
            };
            match unit {
                None => {
                    self.stack.pop();
                }
                Some(unit) => {
                    if let Some(r) = self.open(unit) {
                        return Some(r);
                    }
                }
            }
        }
    }
}

impl<R> std::iter::FusedIterator for Records<'_, R> {}
