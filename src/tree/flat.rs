//! The flat tree (SPEC 3–4): every record of a transmission in one vector, in input order,
//! and the groups as index ranges into it, like a tape.
//!
//! # Layout
//!
//! A [`FlatTree`] holds the input and two vectors:
//!
//! * `records`: one 16-byte entry per record of the input, in input order: where its bytes
//!   sit in the input (start and length), its line, and its type, identifier length,
//!   terminator and parse flags in three bytes. [`FlatTree::records`] and the handles hand
//!   out [`Record`]s made from an entry and the input (a record whose bytes are not where
//!   its offset says is kept whole, beside the entries);
//! * `groups`: one 20-byte entry per group, in the order the groups open (pre-order, which is
//!   input order): its [`GroupKind`], whether it has a head record (the record that opens it:
//!   `A`, `B`, `SE60`/`50`, `OI`, `PG01`, `PG19`, `PG50`, `SO70`, `PG00 S`), a tail record (`Z`,
//!   `Y`, `PG51`, `PG00 E`) and, for an entity loop, a `PG20`; the range of records it covers
//!   (`start..end`, conditions and nested groups included); its parent group; and the index
//!   of the first group after its own nested groups (`next`), so that its direct children are
//!   `index + 1`, then each child's `next`, up to its own `next`.
//!
//! Every group covers a contiguous range of records, because the records sit in input order
//! and each group holds an unbroken run of them. A record with record-level conditions
//! (`SE90` of SPEC 7.1 after it) is a group of kind [`GroupKind::Node`] that covers the record
//! and its conditions; [`GroupRef::items`] shows it as one [`NodeRef`], not as a group.
//!
//! The same classifier as the nested [`crate::Tree`] places the records (`tree/builder.rs`),
//! so both trees hold the same records in the same groups, in the same order. Building is an
//! append per record plus an append per group; dropping frees the two vectors. The tree
//! takes about 0.3 bytes per input byte (16 bytes per 81-byte record, 20 bytes per group),
//! against 0.5 for a vector of [`Record`]s (40 bytes each) and about 1.1 for the nested
//! [`crate::Tree`] (111 MB for a 100 MB input, BENCHMARKS.md session 10).
//!
//! Limits: at most `u32::MAX` records and groups (a parse fails with
//! [`crate::ProblemKind::LimitExceeded`] `flat_tree_records` beyond that).

use super::builder::{Builder, Opening, Role, Sink};
use crate::error::Problem;
use crate::options::ParseOptions;
use crate::records::{Record, RecordType};
use crate::wire::framing::Framing;

/// What a group of the flat tree is (SPEC 3–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GroupKind {
    /// A batch: `A` … `Z` (either may be missing).
    Batch,
    /// A block: `B` … `Y` (either may be missing).
    Block,
    /// A host transaction (SPEC 3.4): from its start record (`SE10`, `10`) on.
    Transaction,
    /// An HTS anchor (`SE60`, `50`) with its sub-records and its OI group (SPEC 3.3).
    Anchor,
    /// An `OI` (or PG records without one) and its PGA lines (SPEC 4.1).
    OiGroup,
    /// A PGA line: a `PG01` and its child records (SPEC 4.1–4.5).
    Line,
    /// An entity loop: `PG19`, an optional `PG20`, then `PG21`/`PG55`/`PG60` (SPEC 4.3).
    Entity,
    /// A `PG50` … `PG51` group (SPEC 4.4).
    PgGroup,
    /// An `SO70` disposition with its `SO71`/`SO72` (SPEC 7.2).
    Disposition,
    /// A `PG00 S` … `PG00 E` substitution group outside an OI group (SPEC 4.5).
    Substitution,
    /// A record with its record-level conditions (`SE90`, SPEC 7.1).
    Node,
}

const HEAD: u8 = 1;
const TAIL: u8 = 2;
const PG20: u8 = 4;
const NONE: u32 = u32::MAX;

/// One record: 16 bytes. `start..start + len` are its bytes in the input (its offset is
/// `start`), unless `kept`: then `start` indexes `FlatTree::kept`, which holds the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    start: u32,
    len: u32,
    line: u32,
    facts: [u8; 3],
    kept: bool,
}

/// One group: 20 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    kind: GroupKind,
    flags: u8,
    /// The records it covers: `start..end`.
    start: u32,
    end: u32,
    /// The enclosing group, or [`NONE`].
    parent: u32,
    /// The first group after this one's nested groups.
    next: u32,
}

/// The flat tree of a whole input: records in one vector, groups as index ranges (see the
/// module documentation for the layout). Built by [`FlatTree::parse`] /
/// [`FlatTree::parse_with`].
///
/// ```
/// use ace_pga::{FlatTree, tree::GroupKind};
/// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let tree = FlatTree::parse(&input)?;
/// assert_eq!(tree.records().len(), input.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count());
/// let line = tree.pga_lines().next().expect("a PGA line");
/// assert_eq!(line.kind(), GroupKind::Line);
/// assert_eq!(line.head().expect("its PG01").record().id(), "PG01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatTree<'a> {
    framing: Framing,
    input: &'a [u8],
    /// The offset of `input`'s first byte in the stream (0 for a whole input).
    base: usize,
    records: Vec<Entry>,
    /// Records an entry cannot describe (bytes that are not at their offset in the input,
    /// or beyond 4 GiB); none in a parse of a whole input up to 4 GiB.
    kept: Vec<Record<'a>>,
    groups: Vec<Span>,
    trailing: &'a [u8],
    problems: Vec<Problem>,
    /// The options the input was parsed with.
    options: ParseOptions,
}

/// A handle on one group of a [`FlatTree`] (a copy of its 20-byte entry and the tree).
#[derive(Debug, Clone, Copy)]
pub struct GroupRef<'t, 'a> {
    tree: &'t FlatTree<'a>,
    index: u32,
    span: Span,
}

/// A handle on one record of a [`FlatTree`] with its record-level conditions (SPEC 7.1).
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'t, 'a> {
    tree: &'t FlatTree<'a>,
    index: u32,
    /// The index after its last condition.
    end: u32,
}

/// One item of a group's content ([`GroupRef::items`]).
#[derive(Debug, Clone, Copy)]
pub enum FlatItem<'t, 'a> {
    /// A record (with its conditions) directly in the group.
    Record(NodeRef<'t, 'a>),
    /// A nested group.
    Group(GroupRef<'t, 'a>),
}

impl<'a> FlatTree<'a> {
    /// How the input was framed (terminator convention, byte order mark).
    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// Every record of the input in input order (conditions right after their record);
    /// `tree.records().len()` is their number.
    pub fn records(&self) -> FlatRecords<'_, 'a> {
        FlatRecords {
            tree: self,
            next: 0,
            end: self.records.len(),
        }
    }

    /// The record at `index` in input order (the n-th record of [`Self::records`]), if any.
    #[inline]
    pub fn record(&self, index: usize) -> Option<Record<'a>> {
        let e = self.records.get(index)?;
        Some(self.read(e))
    }

    /// The type of the record at `index` from its entry (the empty record's type, a host
    /// record, out of range).
    #[inline]
    fn record_type(&self, index: usize) -> RecordType {
        match self.records.get(index) {
            Some(e) if !e.kept => crate::records::RECORD_TYPES
                .get(usize::from(e.facts[0]))
                .copied()
                .unwrap_or(RecordType::Host),
            Some(e) => self
                .kept
                .get(e.start as usize)
                .map_or(RecordType::Host, Record::record_type),
            None => RecordType::Host,
        }
    }

    /// The record of an entry. Every entry reads back (the builder keeps whole what an
    /// entry cannot describe, see `FlatSink::push`); the empty record stands for one that
    /// would not, and is never returned.
    #[inline]
    fn read(&self, e: &Entry) -> Record<'a> {
        let start = e.start as usize;
        let found = if e.kept {
            self.kept.get(start).cloned()
        } else {
            start
                .checked_add(e.len as usize)
                .and_then(|end| self.input.get(start..end))
                .and_then(|raw| Record::from_facts(e.line, self.base + start, raw, e.facts))
        };
        found.unwrap_or_else(Record::empty)
    }

    /// Bytes after the last record that are not a record (see
    /// [`crate::Transmission::trailing`]).
    pub fn trailing(&self) -> &'a [u8] {
        self.trailing
    }

    /// Problems found while parsing (errors and warnings), in input order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The options the input was parsed with ([`FlatTree::parse_with`]).
    pub fn options(&self) -> &ParseOptions {
        &self.options
    }

    /// The tree with the options it was parsed with.
    pub(crate) fn with_options(mut self, options: ParseOptions) -> Self {
        self.options = options;
        self
    }

    /// The problems, to be amended by a stream reader (F-019 judged stream-wide).
    pub(crate) fn problems_mut(&mut self) -> &mut Vec<Problem> {
        &mut self.problems
    }

    /// The number of groups (record-level condition nodes included).
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The group at `index` (groups are numbered in input order), if any.
    pub fn group(&self, index: usize) -> Option<GroupRef<'_, 'a>> {
        let span = *self.groups.get(index)?;
        Some(GroupRef {
            tree: self,
            index: u32::try_from(index).ok()?,
            span,
        })
    }

    fn group_at(&self, index: u32) -> Option<GroupRef<'_, 'a>> {
        self.group(index as usize)
    }

    /// The batches in input order (implicit batches have no head or tail).
    pub fn batches(&self) -> Children<'_, 'a> {
        Children {
            tree: self,
            next: 0,
            end: u32::try_from(self.groups.len()).unwrap_or(NONE),
        }
    }

    /// Every group of `kind` in input order, at any depth: one scan of the group entries.
    pub fn groups_of(&self, kind: GroupKind) -> impl Iterator<Item = GroupRef<'_, 'a>> + '_ {
        self.groups
            .iter()
            .zip(0u32..)
            .filter(move |(s, _)| s.kind == kind)
            .map(move |(&span, index)| GroupRef {
                tree: self,
                index,
                span,
            })
    }

    /// Every transaction in input order.
    pub fn transactions(&self) -> impl Iterator<Item = GroupRef<'_, 'a>> + '_ {
        self.groups_of(GroupKind::Transaction)
    }

    /// Every OI group in input order (those under an HTS anchor included: see
    /// [`GroupRef::parent`]).
    pub fn oi_groups(&self) -> impl Iterator<Item = GroupRef<'_, 'a>> + '_ {
        self.groups_of(GroupKind::OiGroup)
    }

    /// Every PGA line in input order.
    pub fn pga_lines(&self) -> impl Iterator<Item = GroupRef<'_, 'a>> + '_ {
        self.groups_of(GroupKind::Line)
    }

    /// The innermost group that holds the record at `record` (an index into
    /// [`Self::records`]), not counting condition nodes; `None` when out of range. A binary
    /// search over the groups, then up the parents.
    pub fn group_of(&self, record: usize) -> Option<GroupRef<'_, 'a>> {
        let at = u32::try_from(record).ok()?;
        let after = self.groups.partition_point(|s| s.start <= at);
        let mut g = self.group(after.checked_sub(1)?)?;
        loop {
            if g.span.kind != GroupKind::Node && g.span.start <= at && at < g.span.end {
                return Some(g);
            }
            g = g.parent()?;
        }
    }

    /// The PGA line that holds the record at `record` (its `PG01` or a child record), if any.
    pub fn line_of(&self, record: usize) -> Option<GroupRef<'_, 'a>> {
        let mut g = self.group_of(record)?;
        loop {
            if g.span.kind == GroupKind::Line {
                return Some(g);
            }
            g = g.parent()?;
        }
    }
}

impl<'t, 'a> GroupRef<'t, 'a> {
    /// What the group is.
    #[inline]
    pub fn kind(&self) -> GroupKind {
        self.span.kind
    }

    /// Its index among the tree's groups ([`FlatTree::group`]).
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// The indices of the records it covers in [`FlatTree::records`] (head, content, nested
    /// groups, tail and every condition).
    #[inline]
    pub fn range(&self) -> std::ops::Range<usize> {
        self.span.start as usize..self.span.end as usize
    }

    /// The records it covers, in input order.
    #[inline]
    pub fn records(&self) -> FlatRecords<'t, 'a> {
        let end = (self.span.end as usize).min(self.tree.records.len());
        FlatRecords {
            tree: self.tree,
            next: (self.span.start as usize).min(end),
            end,
        }
    }

    /// The enclosing group (`None` for a batch).
    pub fn parent(&self) -> Option<GroupRef<'t, 'a>> {
        match self.span.parent {
            NONE => None,
            p => self.tree.group_at(p),
        }
    }

    /// The record at `at`, with the conditions of the child node group that starts there.
    #[inline]
    fn node(&self, at: u32) -> Option<NodeRef<'t, 'a>> {
        let mut end = at.saturating_add(1);
        let mut child = self.index.saturating_add(1);
        while child < self.span.next {
            let Some(s) = self.tree.groups.get(child as usize) else {
                break;
            };
            if s.start >= at {
                if s.start == at && s.kind == GroupKind::Node {
                    end = s.end;
                }
                break;
            }
            child = s.next;
        }
        NodeRef::new(self.tree, at, end)
    }

    /// The record that opens the group (`A`, `B`, `SE60`/`50`, `OI`, `PG01`, `PG19`, `PG50`,
    /// `SO70`, `PG00 S`), if it has one: implicit batches and blocks, transactions and OI
    /// groups without `OI` have none.
    #[inline]
    pub fn head(&self) -> Option<NodeRef<'t, 'a>> {
        if self.span.flags & HEAD == 0 {
            return None;
        }
        self.node(self.span.start)
    }

    /// The `PG20` directly after an entity loop's `PG19` (SPEC 4.3), if any.
    #[inline]
    pub fn pg20(&self) -> Option<NodeRef<'t, 'a>> {
        if self.span.flags & PG20 == 0 {
            return None;
        }
        let at = self.head().map_or(self.span.start, |h| h.end());
        self.node(at)
    }

    /// The record that ends the group (`Z`, `Y`, `PG51`, `PG00 E`), if it has one.
    #[inline]
    pub fn tail(&self) -> Option<NodeRef<'t, 'a>> {
        if self.span.flags & TAIL == 0 {
            return None;
        }
        // The tail is the last record that is not a condition: its node, if any, is the
        // group's last nested group.
        let last = self
            .span
            .next
            .checked_sub(1)
            .filter(|&l| l > self.index)
            .and_then(|l| self.tree.groups.get(l as usize))
            .filter(|s| s.kind == GroupKind::Node && s.end == self.span.end);
        let (index, end) = match last {
            Some(s) => (s.start, s.end),
            None => (self.span.end.saturating_sub(1), self.span.end),
        };
        NodeRef::new(self.tree, index, end)
    }

    /// The group's content between its head (and an entity loop's `PG20`) and its tail, in
    /// input order: records and nested groups. For a batch: its blocks; a block: its
    /// transactions; a transaction: host records, anchors, OI groups, dispositions,
    /// substitution groups; an anchor: its sub-records, then its OI group; an OI group: its
    /// orphans, then its PGA lines; a PGA line: child records, entity loops and PG50 groups;
    /// an entity loop: `PG21`/`PG55`/`PG60`; a PG50 group: records and entity loops.
    #[inline]
    pub fn items(&self) -> Items<'t, 'a> {
        self.parts().items
    }

    /// The head, the `PG20` of an entity loop, the items and the tail, each found once (what
    /// [`Self::head`], [`Self::pg20`], [`Self::items`] and [`Self::tail`] give one by one).
    #[inline]
    pub(crate) fn parts(&self) -> Parts<'t, 'a> {
        let head = self.head();
        let mut pos = head.map_or(self.span.start, |h| h.end());
        let pg20 = if self.span.flags & PG20 == 0 {
            None
        } else {
            self.node(pos)
        };
        if let Some(p) = &pg20 {
            pos = p.end();
        }
        let tail = self.tail();
        let items = self.items_between(pos, tail.as_ref().map_or(self.span.end, |t| t.index));
        Parts {
            head,
            pg20,
            items,
            tail,
        }
    }

    /// The items from record `pos` up to record `end`.
    #[inline]
    fn items_between(&self, pos: u32, end: u32) -> Items<'t, 'a> {
        let mut child = self.index.saturating_add(1);
        while child < self.span.next {
            match self.tree.groups.get(child as usize) {
                Some(s) if s.start < pos => child = s.next,
                _ => break,
            }
        }
        Items {
            tree: self.tree,
            pos,
            end,
            child,
            child_end: self.span.next,
        }
    }

    /// The nested groups directly in this one (not condition nodes), in input order.
    pub fn children(&self) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        Children {
            tree: self.tree,
            next: self.index.saturating_add(1),
            end: self.span.next,
        }
    }

    /// The direct children of one kind.
    fn children_of(&self, kind: GroupKind) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        self.children().filter(move |g| g.span.kind == kind)
    }

    /// The blocks of a batch.
    pub fn blocks(&self) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        self.children_of(GroupKind::Block)
    }

    /// The transactions of a block.
    pub fn transactions(&self) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        self.children_of(GroupKind::Transaction)
    }

    /// The PGA lines of an OI group.
    pub fn lines(&self) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        self.children_of(GroupKind::Line)
    }

    /// The OI group of an HTS anchor, if any.
    pub fn oi_group(&self) -> Option<GroupRef<'t, 'a>> {
        self.children_of(GroupKind::OiGroup).next()
    }

    /// The entity loops of a PGA line (also those inside its PG50/PG51 groups), in order.
    pub fn entity_loops(&self) -> impl Iterator<Item = GroupRef<'t, 'a>> + 't {
        let tree = self.tree;
        let (from, to) = (self.index as usize, self.span.next as usize);
        tree.groups
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .zip(self.index..)
            .filter(|(s, _)| s.kind == GroupKind::Entity)
            .map(move |(&span, index)| GroupRef { tree, index, span })
    }
}

impl<'t, 'a> NodeRef<'t, 'a> {
    /// The record at `index` of `tree` with the conditions up to `end`; `None` out of range.
    #[inline]
    fn new(tree: &'t FlatTree<'a>, index: u32, end: u32) -> Option<Self> {
        let len = u32::try_from(tree.records.len()).ok()?;
        if index >= len || end > len {
            return None;
        }
        Some(NodeRef {
            tree,
            index,
            end: end.max(index.saturating_add(1)),
        })
    }

    /// The record. (An entry the tree wrote always reads back; the `Option` of
    /// [`FlatTree::record`] is `Some` for every index a handle holds.)
    #[inline]
    pub fn record(&self) -> Record<'a> {
        self.tree
            .record(self.index as usize)
            .unwrap_or_else(Record::empty)
    }

    /// The record's type, read from its entry without making the record (what
    /// `self.record().record_type()` gives).
    #[inline]
    pub fn record_type(&self) -> RecordType {
        self.tree.record_type(self.index as usize)
    }

    /// The record's index in [`FlatTree::records`].
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// The record-level conditions (`SE90`, SPEC 7.1) attached to it, in input order;
    /// `conditions().len()` is their number.
    #[inline]
    pub fn conditions(&self) -> FlatRecords<'t, 'a> {
        FlatRecords {
            tree: self.tree,
            next: self.index as usize + 1,
            end: self.end as usize,
        }
    }

    /// The index after its last condition.
    fn end(&self) -> u32 {
        self.end
    }
}

/// Records of a [`FlatTree`] in input order ([`FlatTree::records`], [`GroupRef::records`],
/// [`NodeRef::conditions`]), each made from its 16-byte entry and the input.
#[derive(Debug, Clone)]
pub struct FlatRecords<'t, 'a> {
    tree: &'t FlatTree<'a>,
    next: usize,
    end: usize,
}

impl<'a> Iterator for FlatRecords<'_, 'a> {
    type Item = Record<'a>;

    #[inline]
    fn next(&mut self) -> Option<Record<'a>> {
        if self.next >= self.end {
            return None;
        }
        let e = self.tree.records.get(self.next)?;
        self.next += 1;
        Some(self.tree.read(e))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end.saturating_sub(self.next);
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<Record<'a>> {
        self.next = self.next.saturating_add(n).min(self.end);
        self.next()
    }
}

impl<'a> DoubleEndedIterator for FlatRecords<'_, 'a> {
    fn next_back(&mut self) -> Option<Record<'a>> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.tree.record(self.end)
    }
}

impl ExactSizeIterator for FlatRecords<'_, '_> {}

impl std::iter::FusedIterator for FlatRecords<'_, '_> {}

/// A group taken apart ([`GroupRef::parts`]).
pub(crate) struct Parts<'t, 'a> {
    pub(crate) head: Option<NodeRef<'t, 'a>>,
    pub(crate) pg20: Option<NodeRef<'t, 'a>>,
    pub(crate) items: Items<'t, 'a>,
    pub(crate) tail: Option<NodeRef<'t, 'a>>,
}

/// The content of a group ([`GroupRef::items`]).
#[derive(Debug, Clone)]
pub struct Items<'t, 'a> {
    tree: &'t FlatTree<'a>,
    pos: u32,
    end: u32,
    child: u32,
    child_end: u32,
}

impl<'t, 'a> Iterator for Items<'t, 'a> {
    type Item = FlatItem<'t, 'a>;

    #[inline]
    fn next(&mut self) -> Option<FlatItem<'t, 'a>> {
        if self.pos >= self.end {
            return None;
        }
        let child = (self.child < self.child_end)
            .then(|| self.tree.groups.get(self.child as usize))
            .flatten()
            .filter(|s| s.start == self.pos);
        let Some(&span) = child else {
            let index = self.pos;
            self.pos += 1;
            return NodeRef::new(self.tree, index, self.pos).map(FlatItem::Record);
        };
        let index = self.child;
        self.child = span.next;
        self.pos = span.end;
        match span.kind {
            GroupKind::Node => NodeRef::new(self.tree, span.start, span.end).map(FlatItem::Record),
            _ => Some(FlatItem::Group(GroupRef {
                tree: self.tree,
                index,
                span,
            })),
        }
    }
}

impl std::iter::FusedIterator for Items<'_, '_> {}

/// Nested groups of a group, or the batches of a tree, without condition nodes.
#[derive(Debug, Clone)]
pub struct Children<'t, 'a> {
    tree: &'t FlatTree<'a>,
    next: u32,
    end: u32,
}

impl<'t, 'a> Iterator for Children<'t, 'a> {
    type Item = GroupRef<'t, 'a>;

    fn next(&mut self) -> Option<GroupRef<'t, 'a>> {
        while self.next < self.end {
            let index = self.next;
            let span = *self.tree.groups.get(index as usize)?;
            self.next = span.next.max(index.saturating_add(1));
            if span.kind != GroupKind::Node {
                return Some(GroupRef {
                    tree: self.tree,
                    index,
                    span,
                });
            }
        }
        None
    }
}

impl std::iter::FusedIterator for Children<'_, '_> {}

// ---------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------

/// The sink that builds a [`FlatTree`]: appends records and group entries.
#[derive(Debug, Default)]
pub(crate) struct FlatSink<'a> {
    input: &'a [u8],
    /// The offset of `input`'s first byte in the stream.
    base: usize,
    records: Vec<Entry>,
    kept: Vec<Record<'a>>,
    groups: Vec<Span>,
    /// The open groups, innermost last.
    stack: Vec<u32>,
    /// More than `u32::MAX` records or groups.
    overflow: bool,
}

impl<'a> FlatSink<'a> {
    fn at(&mut self, n: usize) -> u32 {
        u32::try_from(n).unwrap_or_else(|_| {
            self.overflow = true;
            NONE
        })
    }

    /// Appends the entry of `r`: where its bytes are in the input, or, when an entry cannot
    /// say (bytes elsewhere than at its offset, an offset or length beyond `u32`), the
    /// record itself to `kept`.
    #[inline]
    fn push(&mut self, r: Record<'a>) {
        let raw = r.raw();
        let start = r.offset().wrapping_sub(self.base);
        let at_offset = r.offset() >= self.base
            && start
                .checked_add(raw.len())
                .and_then(|end| self.input.get(start..end))
                .is_some_and(|b| std::ptr::eq(b, raw));
        let entry = match (at_offset, u32::try_from(start), u32::try_from(raw.len())) {
            (true, Ok(start), Ok(len)) => Entry {
                start,
                len,
                line: r.line(),
                facts: r.facts(),
                kept: false,
            },
            _ => {
                let start = self.at(self.kept.len());
                let line = r.line();
                self.kept.push(r);
                Entry {
                    start,
                    len: 0,
                    line,
                    facts: [0; 3],
                    kept: true,
                }
            }
        };
        self.records.push(entry);
    }
}

impl<'a> Sink<'a> for FlatSink<'a> {
    fn open(&mut self, opening: Opening<'a>) {
        let kind = opening.kind();
        let head = match opening {
            Opening::Batch(h) | Opening::Block(h) | Opening::OiGroup(h) => h,
            Opening::Transaction => None,
            Opening::Anchor(r)
            | Opening::Line(r)
            | Opening::Entity(r)
            | Opening::PgGroup(r)
            | Opening::Disposition(r)
            | Opening::Substitution(r) => Some(r),
        };
        let start = self.at(self.records.len());
        let index = self.at(self.groups.len());
        self.groups.push(Span {
            kind,
            flags: if head.is_some() { HEAD } else { 0 },
            start,
            end: start,
            parent: self.stack.last().copied().unwrap_or(NONE),
            next: NONE,
        });
        self.stack.push(index);
        if let Some(r) = head {
            self.push(r);
        }
    }

    #[inline]
    fn record(&mut self, r: Record<'a>, role: Role) {
        self.push(r);
        let flag = match role {
            Role::Content => return,
            Role::Pg20 => PG20,
            Role::Tail => TAIL,
        };
        let top = self.stack.last().copied().unwrap_or(NONE);
        if let Some(s) = self.groups.get_mut(top as usize) {
            s.flags |= flag;
        }
    }

    fn condition(&mut self, r: Record<'a>) {
        let at = self.at(self.records.len());
        let extends = self
            .groups
            .last_mut()
            .filter(|s| s.kind == GroupKind::Node && s.end == at);
        match extends {
            Some(node) => node.end = at.saturating_add(1),
            None => {
                let index = self.at(self.groups.len());
                self.groups.push(Span {
                    kind: GroupKind::Node,
                    flags: HEAD,
                    start: at.saturating_sub(1),
                    end: at.saturating_add(1),
                    parent: self.stack.last().copied().unwrap_or(NONE),
                    next: index.saturating_add(1),
                });
            }
        }
        self.push(r);
    }

    fn close(&mut self) {
        let Some(top) = self.stack.pop() else {
            return;
        };
        let (end, next) = (self.at(self.records.len()), self.at(self.groups.len()));
        if let Some(s) = self.groups.get_mut(top as usize) {
            s.end = end;
            s.next = next;
        }
    }
}

/// Builds a [`FlatTree`] one record at a time, in input order.
pub(crate) type FlatBuilder<'a> = Builder<FlatSink<'a>>;

impl<'a> FlatBuilder<'a> {
    /// An empty builder for `input`, which starts at offset `base` of the stream, its record
    /// vector sized for `records` records.
    pub(crate) fn with_capacity(input: &'a [u8], base: usize, records: usize) -> Self {
        Builder::with(FlatSink {
            input,
            base,
            records: Vec::with_capacity(records),
            // About 0.4 groups per record in an organic filing (untouched capacity costs no
            // memory pages): no reallocation.
            groups: Vec::with_capacity(records / 2),
            ..FlatSink::default()
        })
    }
}

impl<'a> Builder<FlatSink<'a>> {
    /// Finishes the tree; `None` when it would hold more than `u32::MAX` records or groups.
    pub(crate) fn into_flat(
        self,
        framing: Framing,
        trailing: &'a [u8],
        problems: Vec<Problem>,
    ) -> Option<FlatTree<'a>> {
        self.finish().into_flat(framing, trailing, problems)
    }
}

impl<'a> FlatSink<'a> {
    /// The tree of what the sink holds; `None` past `u32::MAX` records or groups.
    fn into_flat(
        self,
        framing: Framing,
        trailing: &'a [u8],
        problems: Vec<Problem>,
    ) -> Option<FlatTree<'a>> {
        if self.overflow {
            return None;
        }
        Some(FlatTree {
            framing,
            input: self.input,
            base: self.base,
            records: self.records,
            kept: self.kept,
            groups: self.groups,
            trailing,
            problems,
            options: ParseOptions::strict(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::RECORD_TYPES;

    #[test]
    fn entries_are_16_bytes_and_groups_20() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert_eq!(std::mem::size_of::<Span>(), 20);
    }

    #[test]
    fn facts_read_back_for_every_record_type_and_flag() {
        let raw = [b' '; 80];
        for (i, &t) in RECORD_TYPES.iter().enumerate() {
            assert_eq!(t as usize, i, "RECORD_TYPES in declaration order");
            for bits in 0u8..64 {
                let r = Record::from_facts(7, 81, &raw, [i as u8, 4, bits]).expect("a type");
                assert_eq!(r.record_type(), t);
                assert_eq!(r.facts(), [i as u8, 4, bits]);
                assert_eq!((r.line(), r.offset(), r.raw().len()), (7, 81, 80));
            }
        }
        assert!(Record::from_facts(1, 0, &raw, [RECORD_TYPES.len() as u8, 4, 0]).is_none());
    }

    #[test]
    fn every_record_of_a_whole_parse_is_an_entry() {
        // `kept` is a safety net: a parse of a whole input (strict or lenient: padded,
        // cut, lower-case ids, byte order marks, terminator-less) never needs it.
        let mut inputs = crate::validate::samples::files();
        inputs.push(b"\xEF\xBB\xBFa0000\r\npg01 short\rOI".to_vec());
        inputs.push([b'A'; 240].to_vec());
        let (mut parsed, mut records) = (0, 0);
        for input in &inputs {
            for opts in [
                crate::ParseOptions::strict(),
                crate::ParseOptions::lenient(),
            ] {
                let Ok(tree) = FlatTree::parse_with(input, &opts) else {
                    continue;
                };
                assert!(tree.kept.is_empty());
                for (i, r) in tree.records().enumerate() {
                    let at = &input[r.offset()..r.offset() + r.raw().len()];
                    assert!(std::ptr::eq(at, r.raw()), "record {i}");
                    // The type read from the entry alone is the record's.
                    assert_eq!(tree.record_type(i), r.record_type(), "record {i}");
                }
                parsed += 1;
                records += tree.records().len();
            }
        }
        assert!(
            parsed > 40 && records > 1000,
            "{parsed} parses, {records} records"
        );
    }

    #[test]
    fn a_record_whose_bytes_are_not_at_its_offset_is_kept_whole() {
        let input = [b'x'; 160];
        let elsewhere = [b'y'; 80];
        // At its offset: an entry. Bytes from another buffer, or an offset that does not
        // point at them: kept whole. Both read back as they were pushed.
        let at = Record::from_facts(1, 80, &input[80..], [0, 2, 0]).expect("record");
        let other = Record::from_facts(2, 80, &elsewhere, [1, 2, 5]).expect("record");
        let shifted = Record::from_facts(3, 0, &input[80..], [2, 2, 9]).expect("record");
        let mut sink = FlatSink {
            input: &input,
            ..FlatSink::default()
        };
        for r in [&at, &other, &shifted] {
            sink.push(*r);
        }
        assert_eq!(
            sink.records.iter().map(|e| e.kept).collect::<Vec<_>>(),
            [false, true, true]
        );
        let tree = FlatTree {
            framing: Framing::default(),
            input: sink.input,
            base: 0,
            records: sink.records,
            kept: sink.kept,
            groups: Vec::new(),
            trailing: &[],
            problems: Vec::new(),
            options: ParseOptions::strict(),
        };
        let back: Vec<Record<'_>> = tree.records().collect();
        assert_eq!(back, [at, other, shifted]);
        assert!(std::ptr::eq(back[0].raw(), &input[80..]));
        assert_eq!(tree.records().next_back(), tree.record(2));
        assert_eq!(tree.record(3), None);
        // Types from the entries, the kept ones too (RECORD_TYPES 0, 1, 2); beyond: a host
        // record, as the empty record.
        for (i, r) in back.iter().enumerate() {
            assert_eq!(tree.record_type(i), r.record_type());
        }
        assert_ne!(back[1].record_type(), back[2].record_type());
        assert_eq!(tree.record_type(3), RecordType::Host);
    }
}
