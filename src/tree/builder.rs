//! Building the trees from parsed records, one record at a time (SPEC 3–4).
//!
//! One classifier, [`Placer`], decides where each record goes: it keeps a small stack of the
//! open groups (batch, block, transaction, item, OI group, PGA line, PG50/PG51 group, entity
//! loop) and tells a [`Sink`] what to do, as open / append / attach / close events. The nested
//! [`Tree`] ([`Nested`]) and the [`super::flat::FlatTree`] are the two sinks: both follow the
//! same decisions, so they hold the same records in the same groups.
//!
//! Groups close lazily: a group closes only when a record arrives that does not belong in it
//! (or at the end), so a record-level condition (`SE90`) always belongs to the last record
//! placed, in the innermost open group.

use super::flat::GroupKind;
use super::*;
use crate::wire::framing::Framing;

/// A group to open, with the record that opens it where the group has one (SPEC 3–4).
#[derive(Debug)]
pub(crate) enum Opening<'a> {
    /// A batch: its `A`, or `None` for an implicit batch.
    Batch(Option<Record<'a>>),
    /// A block: its `B`, or `None` for an implicit block.
    Block(Option<Record<'a>>),
    /// A transaction (its start record, if any, follows as content).
    Transaction,
    /// An HTS anchor: `SE60` or `50`.
    Anchor(Record<'a>),
    /// An OI group: its `OI`, or `None` for PG records without one.
    OiGroup(Option<Record<'a>>),
    /// A PGA line: its `PG01`.
    Line(Record<'a>),
    /// An entity loop: its `PG19`.
    Entity(Record<'a>),
    /// A PG50/PG51 group: its `PG50`.
    PgGroup(Record<'a>),
    /// A disposition: its `SO70`.
    Disposition(Record<'a>),
    /// A substitution group: its `PG00 S`.
    Substitution(Record<'a>),
}

impl Opening<'_> {
    /// The kind of group it opens.
    pub(crate) fn kind(&self) -> GroupKind {
        match self {
            Opening::Batch(_) => GroupKind::Batch,
            Opening::Block(_) => GroupKind::Block,
            Opening::Transaction => GroupKind::Transaction,
            Opening::Anchor(_) => GroupKind::Anchor,
            Opening::OiGroup(_) => GroupKind::OiGroup,
            Opening::Line(_) => GroupKind::Line,
            Opening::Entity(_) => GroupKind::Entity,
            Opening::PgGroup(_) => GroupKind::PgGroup,
            Opening::Disposition(_) => GroupKind::Disposition,
            Opening::Substitution(_) => GroupKind::Substitution,
        }
    }
}

/// The role of a record appended to the innermost open group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Content: a transaction's record, an anchor's sub-record, an orphan, a line's child
    /// record, an entity loop's `PG21`/`PG55`/`PG60`, a group's record, a disposition's detail.
    Content,
    /// The `PG20` directly after an entity loop's `PG19`.
    Pg20,
    /// The record that ends the group: `Z`, `Y`, `PG51`, `PG00 E`.
    Tail,
}

/// Where the [`Placer`]'s decisions go.
pub(crate) trait Sink<'a> {
    /// Opens a group inside the innermost open one.
    fn open(&mut self, opening: Opening<'a>);
    /// Appends a record to the innermost open group.
    fn record(&mut self, r: Record<'a>, role: Role);
    /// Attaches a record-level condition (SPEC 7.1) to the last record appended.
    fn condition(&mut self, r: Record<'a>);
    /// Closes the innermost open group.
    fn close(&mut self);
}

/// One open group of the [`Placer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    kind: GroupKind,
    /// The group has its tail record (`Z`, `Y`, `PG51`, `PG00 E`): it closes before the
    /// next record that is not a condition.
    tail: bool,
    /// An entity loop has its `PG20`.
    pg20: bool,
    /// An entity loop has a `PG21`/`PG55`/`PG60`.
    items: bool,
}

/// What is open at the item level of the current transaction (the nested builder's view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Anchor,
    Oi,
    Disposition,
    Substitution,
}

/// Stack positions of the envelope groups: the batch, the block and the transaction are
/// always the first three open groups, in that order.
const BATCH: usize = 1;
const BLOCK: usize = 2;
const TRANSACTION: usize = 3;

fn is_transaction_start(r: &Record<'_>) -> bool {
    r.record_type() == RecordType::Host && crate::records::host::starts_transaction(r.raw())
}

fn is_hts_anchor(r: &Record<'_>) -> bool {
    r.record_type() == RecordType::Host && crate::records::host::is_anchor_id(r.id_bytes())
}

/// The `PG00.substitution_indicator` of a record (`S`, `E`, `R`), if it is a `PG00`.
fn substitution_indicator<'a>(r: &Record<'a>) -> Option<&'a str> {
    match r.body() {
        Some(Body::Pg00(p)) => p.substitution_indicator,
        _ => None,
    }
}

/// Whether an SE90/GE90 is a record-level condition (attached to the record before it)
/// rather than the transaction's disposition (message types `01`, `02`, `03`).
fn is_record_level_condition(r: &Record<'_>) -> bool {
    match r.body() {
        Some(Body::Se90(s)) => !matches!(s.message_type_code, Some("01" | "02" | "03")),
        _ => false,
    }
}

/// The classifier: decides, one record at a time and in input order, which group each record
/// goes to (SPEC 3–4), and emits that to a [`Sink`]. Never drops, merges or reorders.
#[derive(Debug)]
pub(crate) struct Placer {
    stack: Vec<Frame>,
    /// The id of the open HTS anchor (its sub-records depend on it, SPEC 3.3).
    anchor_id: [u8; 4],
    /// Depths of the open OI group, PGA line and PG50 group (0: none), kept as groups open
    /// and close.
    oi: usize,
    line: usize,
    pg_group: usize,
    /// Records in the current PGA line and PGA lines in the current OI group (limits).
    line_records: usize,
    group_lines: usize,
}

impl Placer {
    fn new() -> Self {
        Placer {
            stack: Vec::with_capacity(8),
            anchor_id: [0; 4],
            oi: 0,
            line: 0,
            pg_group: 0,
            line_records: 0,
            group_lines: 0,
        }
    }

    fn top(&self) -> Option<Frame> {
        self.stack.last().copied()
    }

    fn kind_at(&self, depth: usize) -> Option<GroupKind> {
        self.stack.get(depth.wrapping_sub(1)).map(|f| f.kind)
    }

    #[inline]
    fn open<'a>(&mut self, opening: Opening<'a>, sink: &mut impl Sink<'a>) {
        let kind = opening.kind();
        let depth = self.stack.len() + 1;
        match kind {
            GroupKind::OiGroup => self.oi = depth,
            GroupKind::Line => self.line = depth,
            GroupKind::PgGroup => self.pg_group = depth,
            _ => {}
        }
        self.stack.push(Frame {
            kind,
            tail: false,
            pg20: false,
            items: false,
        });
        sink.open(opening);
    }

    /// Closes groups until `depth` are open.
    #[inline]
    fn close_to<'a>(&mut self, depth: usize, sink: &mut impl Sink<'a>) {
        while self.stack.len() > depth {
            match self.stack.pop().map(|f| f.kind) {
                Some(GroupKind::OiGroup) => self.oi = 0,
                Some(GroupKind::Line) => self.line = 0,
                Some(GroupKind::PgGroup) => self.pg_group = 0,
                _ => {}
            }
            sink.close();
        }
    }

    /// Appends `r` as the tail of the innermost group, which then closes before the next
    /// record.
    fn tail<'a>(&mut self, r: Record<'a>, sink: &mut impl Sink<'a>) {
        sink.record(r, Role::Tail);
        if let Some(f) = self.stack.last_mut() {
            f.tail = true;
        }
    }

    /// Leaves exactly the first `depth` envelope groups open (batch, block, transaction),
    /// closing deeper ones and opening implicit ones.
    fn envelope<'a>(&mut self, depth: usize, sink: &mut impl Sink<'a>) {
        self.close_to(depth, sink);
        while self.stack.len() < depth {
            let opening = match self.stack.len() {
                0 => Opening::Batch(None),
                1 => Opening::Block(None),
                _ => Opening::Transaction,
            };
            self.open(opening, sink);
        }
    }

    /// What is open at the item level of the transaction.
    #[inline]
    fn item_open(&self) -> Open {
        match (self.kind_at(TRANSACTION + 1), self.stack.len()) {
            (Some(GroupKind::Anchor), n) if n == TRANSACTION + 1 => Open::Anchor,
            (Some(GroupKind::Anchor | GroupKind::OiGroup), _) => Open::Oi,
            (Some(GroupKind::Disposition), _) => Open::Disposition,
            (Some(GroupKind::Substitution), _) => Open::Substitution,
            _ => Open::Nothing,
        }
    }

    /// The depth of the open group of `kind` (an OI group, a PGA line or a PG50 group), if any.
    fn depth_of(&self, kind: GroupKind) -> Option<usize> {
        let depth = match kind {
            GroupKind::OiGroup => self.oi,
            GroupKind::Line => self.line,
            GroupKind::PgGroup => self.pg_group,
            _ => 0,
        };
        (depth > 0).then_some(depth)
    }

    /// The [`crate::options::ParseOptions`] limit that the records pushed so far exceed, if any.
    pub(crate) fn exceeded(&self, opts: &crate::options::ParseOptions) -> Option<&'static str> {
        if self.line_records > opts.limits.max_records_per_pga_line {
            Some("max_records_per_pga_line")
        } else if self.group_lines > opts.limits.max_pga_lines_per_oi {
            Some("max_pga_lines_per_oi")
        } else {
            None
        }
    }

    fn count(&mut self, rt: RecordType) {
        match rt {
            RecordType::Pg01 => {
                self.line_records = 1;
                self.group_lines += 1;
            }
            RecordType::Oi => {
                self.line_records = 0;
                self.group_lines = 0;
            }
            _ if rt.is_pg() => self.line_records += 1,
            // Condition records do not end a group; any other record does.
            RecordType::Se90 => {}
            _ => {
                self.line_records = 0;
                self.group_lines = 0;
            }
        }
    }

    /// Places the next record of the input.
    #[inline]
    pub(crate) fn push<'a>(&mut self, r: Record<'a>, sink: &mut impl Sink<'a>) {
        let rt = r.record_type();
        self.count(rt);
        // A record-level condition belongs to the last record of the open transaction.
        let condition = rt == RecordType::Se90 && is_record_level_condition(&r);
        if condition && self.stack.len() >= TRANSACTION {
            return sink.condition(r);
        }
        if self.top().is_some_and(|f| f.tail) {
            self.close_to(self.stack.len().saturating_sub(1), sink);
        }
        if condition {
            // Nothing to attach to: a record of its own.
            return self.item(r, sink);
        }
        match rt {
            RecordType::BatchHeader => {
                self.close_to(0, sink);
                self.open(Opening::Batch(Some(r)), sink);
            }
            RecordType::BatchTrailer => {
                self.envelope(BATCH, sink);
                self.tail(r, sink);
            }
            RecordType::BlockHeader => {
                self.envelope(BATCH, sink);
                self.open(Opening::Block(Some(r)), sink);
            }
            RecordType::BlockTrailer => {
                self.envelope(BLOCK, sink);
                self.tail(r, sink);
            }
            _ => self.content(r, sink),
        }
    }

    /// A record of its own at the item level of the transaction.
    fn item<'a>(&mut self, r: Record<'a>, sink: &mut impl Sink<'a>) {
        self.envelope(TRANSACTION, sink);
        sink.record(r, Role::Content);
    }

    #[inline]
    fn content<'a>(&mut self, r: Record<'a>, sink: &mut impl Sink<'a>) {
        let rt = r.record_type();
        if is_transaction_start(&r) {
            self.envelope(BLOCK, sink);
            self.open(Opening::Transaction, sink);
            return sink.record(r, Role::Content);
        }
        let mut open = self.item_open();
        if open == Open::Anchor
            && r.record_type() == RecordType::Host
            && crate::records::host::is_anchor_sub_record_id(self.anchor_id(), r.id_bytes())
        {
            return sink.record(r, Role::Content);
        }
        if is_hts_anchor(&r) {
            self.envelope(TRANSACTION, sink);
            self.anchor_id = [0; 4];
            if let Some(id) = self.anchor_id.get_mut(..r.id_bytes().len()) {
                id.copy_from_slice(r.id_bytes());
            }
            return self.open(Opening::Anchor(r), sink);
        }
        if open == Open::Substitution {
            if rt.is_pg() {
                if substitution_indicator(&r) == Some("E") {
                    return self.tail(r, sink);
                }
                return sink.record(r, Role::Content);
            }
            // Any other record ends an unterminated group (S-015) and is placed as usual.
            self.close_to(TRANSACTION, sink);
            open = Open::Nothing;
        }
        // SPEC 4.5: a `PG00 S` outside an OI group opens a header- or line-level group.
        if rt == RecordType::Pg00 && open != Open::Oi && substitution_indicator(&r) == Some("S") {
            self.envelope(TRANSACTION, sink);
            return self.open(Opening::Substitution(r), sink);
        }
        match rt {
            RecordType::So70 | RecordType::So70V04 | RecordType::So70Thru => {
                self.envelope(TRANSACTION, sink);
                self.open(Opening::Disposition(r), sink);
            }
            RecordType::So71 | RecordType::So72 if open == Open::Disposition => {
                sink.record(r, Role::Content)
            }
            RecordType::Oi => self.start_group(Opening::OiGroup(Some(r)), open, sink),
            RecordType::Pg01 => {
                match self.depth_of(GroupKind::OiGroup) {
                    Some(d) if open == Open::Oi => self.close_to(d, sink),
                    _ => self.start_group(Opening::OiGroup(None), open, sink),
                }
                self.open(Opening::Line(r), sink);
            }
            _ if rt.is_pg() => {
                if open == Open::Oi {
                    if let Some(line) = self.depth_of(GroupKind::Line) {
                        return self.child(r, line, sink);
                    }
                } else {
                    self.start_group(Opening::OiGroup(None), open, sink);
                }
                // An orphan (S-004): a PG record before the group's first PG01.
                sink.record(r, Role::Content);
            }
            _ => self.item(r, sink),
        }
    }

    /// The id of the open HTS anchor.
    fn anchor_id(&self) -> &[u8] {
        let len = self.anchor_id.iter().position(|&b| b == 0).unwrap_or(4);
        self.anchor_id.get(..len).unwrap_or_default()
    }

    /// Opens an OI group: under the open anchor if it has none yet, else as its own item.
    fn start_group<'a>(&mut self, opening: Opening<'a>, open: Open, sink: &mut impl Sink<'a>) {
        if open != Open::Anchor {
            self.envelope(TRANSACTION, sink);
        }
        self.open(opening, sink);
    }

    /// Places a child record of the PGA line open at depth `line` (SPEC 4.3, 4.4).
    #[inline]
    fn child<'a>(&mut self, r: Record<'a>, line: usize, sink: &mut impl Sink<'a>) {
        let rt = r.record_type();
        // An open PG50 group takes the record; its PG51 ends it. Groups do not nest: inside
        // one, a PG50 is a plain record (S-014).
        if let Some(group) = self.depth_of(GroupKind::PgGroup) {
            if rt == RecordType::Pg51 {
                self.close_to(group, sink);
                return self.tail(r, sink);
            }
            return self.entity_child(r, group, sink);
        }
        if rt == RecordType::Pg50 {
            self.close_to(line, sink);
            return self.open(Opening::PgGroup(r), sink);
        }
        self.entity_child(r, line, sink)
    }

    /// Places a child record in the line or PG50 group open at depth `parent`: entity loops
    /// (SPEC 4.3: association by adjacency).
    #[inline]
    fn entity_child<'a>(&mut self, r: Record<'a>, parent: usize, sink: &mut impl Sink<'a>) {
        let entity = self
            .stack
            .get_mut(parent)
            .filter(|f| f.kind == GroupKind::Entity);
        match (r.record_type(), entity) {
            (RecordType::Pg19, _) => {
                self.close_to(parent, sink);
                return self.open(Opening::Entity(r), sink);
            }
            (RecordType::Pg20, Some(e)) if !e.pg20 && !e.items => {
                e.pg20 = true;
                return sink.record(r, Role::Pg20);
            }
            (RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60, Some(e)) => {
                e.items = true;
                return sink.record(r, Role::Content);
            }
            _ => {}
        }
        self.close_to(parent, sink);
        sink.record(r, Role::Content);
    }

    /// Closes every open group.
    fn finish<'a>(&mut self, sink: &mut impl Sink<'a>) {
        self.close_to(0, sink);
    }
}

/// The [`Placer`] with a sink: what the parse loop pushes records into.
#[derive(Debug)]
pub(crate) struct Builder<S> {
    placer: Placer,
    sink: S,
}

impl<'a, S: Sink<'a>> Builder<S> {
    /// An empty builder around `sink`.
    pub(crate) fn with(sink: S) -> Self {
        Builder {
            placer: Placer::new(),
            sink,
        }
    }

    /// Adds the next record of the input.
    #[inline]
    pub(crate) fn push(&mut self, r: Record<'a>) {
        self.placer.push(r, &mut self.sink);
    }

    /// The [`crate::options::ParseOptions`] limit that the records pushed so far exceed, if any.
    #[inline]
    pub(crate) fn exceeded(&self, opts: &crate::options::ParseOptions) -> Option<&'static str> {
        self.placer.exceeded(opts)
    }

    /// Closes every open group and returns the sink.
    pub(crate) fn finish(mut self) -> S {
        self.placer.finish(&mut self.sink);
        self.sink
    }
}

/// Builds a [`Tree`] one record at a time, in input order.
pub(crate) type TreeBuilder<'a> = Builder<Nested<'a>>;

impl<'a> TreeBuilder<'a> {
    /// An empty builder.
    pub(crate) fn new() -> Self {
        Builder::with(Nested {
            batches: Vec::new(),
            batch: None,
            block: None,
            depth: 0,
            open: Vec::new(),
            items: Vec::new(),
            nodes: Vec::new(),
            pga: Vec::new(),
            lines: Vec::new(),
        })
    }

    /// Finishes the tree.
    pub(crate) fn into_tree(self, framing: Framing) -> Tree<Record<'a>> {
        Tree {
            framing,
            batches: self.finish().batches,
        }
    }
}

/// The sink that builds the nested [`Tree`]. The open batch and block are owned until they
/// close. Every group below them is a frame of `open` while it is open, and its items
/// collect at the top of one of four scratch stacks (`items`, `nodes`, `pga`, `lines`, each
/// kept from group to group): a record always goes to the innermost open group, whose
/// items are the top of their stack. When a group closes, its items leave the stack into a
/// vector of exactly their number (one allocation, no growth, no spare capacity), and the
/// group goes into its parent, where it is the last item, as when it opened. So building
/// is appends to reused buffers and one allocation per group, and the groups of a tree lie
/// in memory in input order (issue 13: a walk over a large tree reads memory forward).
#[derive(Debug)]
pub(crate) struct Nested<'a> {
    batches: Vec<Batch<Record<'a>>>,
    batch: Option<Batch<Record<'a>>>,
    block: Option<Block<Record<'a>>>,
    /// How many groups are open (batch and block included).
    depth: usize,
    /// The open groups below the block, innermost last.
    open: Vec<OpenGroup<'a>>,
    /// The items of the open transaction.
    items: Vec<Item<Record<'a>>>,
    /// The records of the open anchors, OI groups (orphans), entity loops, dispositions and
    /// substitution groups, each from its frame's start.
    nodes: Vec<Node<Record<'a>>>,
    /// The items of the open PGA line and PG50/PG51 group.
    pga: Vec<PgaItem<Record<'a>>>,
    /// The PGA lines of the open OI group.
    lines: Vec<PgaLine<Record<'a>>>,
}

/// An open group below the block: its head, and where its items start on their stack.
#[derive(Debug)]
enum OpenGroup<'a> {
    Transaction {
        items: usize,
    },
    /// `oi_group` is set when the anchor's OI group closes.
    Anchor {
        head: Box<HtsAnchor<Record<'a>>>,
        nodes: usize,
    },
    OiGroup {
        head: Box<OiGroup<Record<'a>>>,
        nodes: usize,
        lines: usize,
    },
    Line {
        pg01: Node<Record<'a>>,
        pga: usize,
    },
    Entity {
        head: Box<EntityLoop<Record<'a>>>,
        nodes: usize,
    },
    PgGroup {
        head: Box<PgGroup<Record<'a>>>,
        pga: usize,
    },
    Disposition {
        head: Box<Disposition<Record<'a>>>,
        nodes: usize,
    },
    Substitution {
        head: Box<SubstitutionGroup<Record<'a>>>,
        nodes: usize,
    },
    /// A group opened where it has no place (the placer never does it): its head record
    /// and every record placed in it are strays, kept at the end of the tree.
    Nowhere,
}

/// The items of a group from `start` on `stack`, in a vector of exactly their number.
#[inline]
fn take_from<T>(stack: &mut Vec<T>, start: usize) -> Vec<T> {
    if start >= stack.len() {
        return Vec::new();
    }
    stack.drain(start..).collect()
}

/// The last record of a group whose items are `stack[start..]`, else its head.
#[inline]
fn last_or<'m, R>(
    stack: &'m mut [Node<R>],
    start: usize,
    head: &'m mut Node<R>,
) -> &'m mut Node<R> {
    match stack.get_mut(start..).and_then(<[Node<R>]>::last_mut) {
        Some(n) => n,
        None => head,
    }
}

impl<'a> Nested<'a> {
    /// A record with no open group to take it (the placer never leaves one): kept, at the
    /// end of the tree.
    #[cold]
    fn stray(&mut self, n: Node<Record<'a>>) {
        self.batches.push(Batch {
            header: None,
            blocks: vec![Block {
                header: None,
                transactions: vec![Transaction {
                    items: vec![Item::Record(n)],
                }],
                trailer: None,
            }],
            trailer: None,
        });
    }

    /// The last record appended to the innermost open group (where a condition attaches);
    /// `None` when that is a group or nothing is open.
    fn last_node(&mut self) -> Option<&mut Node<Record<'a>>> {
        if self.depth <= BLOCK {
            let b = match self.depth {
                BATCH => self.batch.as_mut().map(|b| (&mut b.trailer, &mut b.header)),
                BLOCK => self.block.as_mut().map(|b| (&mut b.trailer, &mut b.header)),
                _ => None,
            };
            return b.and_then(|(trailer, header)| trailer.as_mut().or(header.as_mut()));
        }
        match self.open.last_mut()? {
            OpenGroup::Transaction { items } => match self.items.get_mut(*items..)?.last_mut() {
                Some(Item::Record(n)) => Some(n),
                _ => None,
            },
            OpenGroup::Anchor { head, nodes } => {
                Some(last_or(&mut self.nodes, *nodes, &mut head.anchor))
            }
            OpenGroup::OiGroup { head, nodes, .. } => {
                match self.nodes.get_mut(*nodes..).and_then(<[_]>::last_mut) {
                    Some(n) => Some(n),
                    None => head.oi.as_mut(),
                }
            }
            OpenGroup::Line { pg01, pga } => {
                match self.pga.get_mut(*pga..).and_then(<[_]>::last_mut) {
                    Some(PgaItem::Record(n)) => Some(n),
                    Some(_) => None,
                    None => Some(pg01),
                }
            }
            OpenGroup::Entity { head, nodes } => {
                match self.nodes.get_mut(*nodes..).and_then(<[_]>::last_mut) {
                    Some(n) => Some(n),
                    None => Some(match head.pg20.as_mut() {
                        Some(n) => n,
                        None => &mut head.pg19,
                    }),
                }
            }
            OpenGroup::PgGroup { head, pga } => {
                let PgGroup { start, end, .. } = &mut **head;
                match (end, self.pga.get_mut(*pga..).and_then(<[_]>::last_mut)) {
                    (Some(n), _) => Some(n),
                    (None, Some(PgaItem::Record(n))) => Some(n),
                    (None, Some(_)) => None,
                    (None, None) => Some(start),
                }
            }
            OpenGroup::Disposition { head, nodes } => {
                Some(last_or(&mut self.nodes, *nodes, &mut head.so70))
            }
            OpenGroup::Substitution { head, nodes } => {
                let SubstitutionGroup { start, end, .. } = &mut **head;
                match end {
                    Some(n) => Some(n),
                    None => Some(last_or(&mut self.nodes, *nodes, start)),
                }
            }
            OpenGroup::Nowhere => None,
        }
    }

    /// Puts a closed group into its parent, the innermost open group now.
    fn place(&mut self, item: Closed<'a>) {
        match (self.open.last_mut(), item) {
            (None, Closed::Transaction(t)) if self.block.is_some() => {
                if let Some(b) = self.block.as_mut() {
                    b.transactions.push(t);
                }
            }
            (Some(OpenGroup::Transaction { .. }), Closed::Item(i)) => self.items.push(i),
            (Some(OpenGroup::Anchor { head, .. }), Closed::OiGroup(g))
                if head.oi_group.is_none() =>
            {
                head.oi_group = Some(*g);
            }
            (Some(OpenGroup::Transaction { .. }), Closed::OiGroup(g)) => {
                self.items.push(Item::OiGroup(g));
            }
            (Some(OpenGroup::OiGroup { .. }), Closed::Line(l)) => self.lines.push(l),
            (Some(OpenGroup::Line { .. } | OpenGroup::PgGroup { .. }), Closed::Pga(i)) => {
                self.pga.push(i)
            }
            // A group closed where it has no place (the placer never does it): kept, at the
            // end of the tree.
            (_, other) => self.batches.push(Batch {
                header: None,
                blocks: vec![Block {
                    header: None,
                    transactions: vec![Transaction {
                        items: other.into_items(),
                    }],
                    trailer: None,
                }],
                trailer: None,
            }),
        }
    }
}

/// A group that closed, ready for its parent.
enum Closed<'a> {
    Transaction(Transaction<Record<'a>>),
    /// An anchor, a disposition or a substitution group: an item of a transaction.
    Item(Item<Record<'a>>),
    OiGroup(Box<OiGroup<Record<'a>>>),
    Line(PgaLine<Record<'a>>),
    /// An entity loop or a PG50/PG51 group: an item of a PGA line.
    Pga(PgaItem<Record<'a>>),
}

impl<'a> Closed<'a> {
    /// The group as the items of a transaction (for a group with no place).
    #[cold]
    fn into_items(self) -> Vec<Item<Record<'a>>> {
        match self {
            Closed::Transaction(t) => t.items,
            Closed::Item(i) => vec![i],
            Closed::OiGroup(g) => vec![Item::OiGroup(g)],
            Closed::Line(l) => vec![Item::OiGroup(Box::new(OiGroup {
                oi: None,
                orphans: Vec::new(),
                lines: vec![l],
            }))],
            Closed::Pga(p) => {
                let mut nodes = Vec::new();
                pga_nodes(p, &mut nodes);
                nodes.into_iter().map(Item::Record).collect()
            }
        }
    }
}

/// The records of a PGA line's item, in input order.
fn pga_nodes<R>(p: PgaItem<R>, out: &mut Vec<Node<R>>) {
    match p {
        PgaItem::Record(n) => out.push(n),
        PgaItem::Entity(e) => {
            let EntityLoop { pg19, pg20, items } = *e;
            out.push(pg19);
            out.extend(pg20);
            out.extend(items);
        }
        PgaItem::Group(g) => {
            let PgGroup { start, items, end } = *g;
            out.push(start);
            for i in items {
                pga_nodes(i, out);
            }
            out.extend(end);
        }
    }
}

impl<'a> Sink<'a> for Nested<'a> {
    #[inline]
    fn open(&mut self, opening: Opening<'a>) {
        let depth = self.depth;
        self.depth += 1;
        let frame = match opening {
            Opening::Batch(header) => {
                self.batch = Some(Batch {
                    header: header.map(Node::new),
                    blocks: Vec::new(),
                    trailer: None,
                });
                return;
            }
            Opening::Block(header) => {
                self.block = Some(Block {
                    header: header.map(Node::new),
                    transactions: Vec::new(),
                    trailer: None,
                });
                return;
            }
            opening => {
                let inner = if depth > BLOCK {
                    self.open.last().and_then(|f| match f {
                        OpenGroup::Transaction { .. } => Some(GroupKind::Transaction),
                        OpenGroup::Anchor { .. } => Some(GroupKind::Anchor),
                        OpenGroup::OiGroup { .. } => Some(GroupKind::OiGroup),
                        OpenGroup::Line { .. } => Some(GroupKind::Line),
                        OpenGroup::Entity { .. } => Some(GroupKind::Entity),
                        OpenGroup::PgGroup { .. } => Some(GroupKind::PgGroup),
                        OpenGroup::Disposition { .. } => Some(GroupKind::Disposition),
                        OpenGroup::Substitution { .. } => Some(GroupKind::Substitution),
                        OpenGroup::Nowhere => None,
                    })
                } else if depth == BLOCK && self.block.is_some() && self.open.is_empty() {
                    Some(GroupKind::Block)
                } else {
                    None
                };
                let anchor_has_oi = matches!(
                    self.open.last(),
                    Some(OpenGroup::Anchor { head, .. }) if head.oi_group.is_some()
                );
                let nodes = self.nodes.len();
                match (inner, opening) {
                    (Some(GroupKind::Block), Opening::Transaction) => OpenGroup::Transaction {
                        items: self.items.len(),
                    },
                    (Some(GroupKind::Transaction), Opening::Anchor(r)) => OpenGroup::Anchor {
                        head: Box::new(HtsAnchor {
                            anchor: Node::new(r),
                            sub_records: Vec::new(),
                            oi_group: None,
                        }),
                        nodes,
                    },
                    (Some(GroupKind::Transaction), Opening::OiGroup(oi))
                    | (Some(GroupKind::Anchor), Opening::OiGroup(oi))
                        if !anchor_has_oi =>
                    {
                        OpenGroup::OiGroup {
                            head: Box::new(OiGroup {
                                oi: oi.map(Node::new),
                                orphans: Vec::new(),
                                lines: Vec::new(),
                            }),
                            nodes,
                            lines: self.lines.len(),
                        }
                    }
                    (Some(GroupKind::Transaction), Opening::Disposition(r)) => {
                        OpenGroup::Disposition {
                            head: Box::new(Disposition {
                                so70: Node::new(r),
                                details: Vec::new(),
                            }),
                            nodes,
                        }
                    }
                    (Some(GroupKind::Transaction), Opening::Substitution(r)) => {
                        OpenGroup::Substitution {
                            head: Box::new(SubstitutionGroup {
                                start: Node::new(r),
                                records: Vec::new(),
                                end: None,
                            }),
                            nodes,
                        }
                    }
                    (Some(GroupKind::OiGroup), Opening::Line(r)) => OpenGroup::Line {
                        pg01: Node::new(r),
                        pga: self.pga.len(),
                    },
                    (Some(GroupKind::Line | GroupKind::PgGroup), Opening::Entity(r)) => {
                        OpenGroup::Entity {
                            head: Box::new(EntityLoop {
                                pg19: Node::new(r),
                                pg20: None,
                                items: Vec::new(),
                            }),
                            nodes,
                        }
                    }
                    (Some(GroupKind::Line), Opening::PgGroup(r)) => OpenGroup::PgGroup {
                        head: Box::new(PgGroup {
                            start: Node::new(r),
                            items: Vec::new(),
                            end: None,
                        }),
                        pga: self.pga.len(),
                    },
                    // The placer opens each kind only inside the kinds above; anything
                    // else keeps its head record, and the group stays unopened.
                    (_, opening) => {
                        match opening {
                            Opening::Anchor(r)
                            | Opening::Line(r)
                            | Opening::Entity(r)
                            | Opening::PgGroup(r)
                            | Opening::Disposition(r)
                            | Opening::Substitution(r)
                            | Opening::OiGroup(Some(r))
                            | Opening::Batch(Some(r))
                            | Opening::Block(Some(r)) => self.stray(Node::new(r)),
                            _ => {}
                        }
                        OpenGroup::Nowhere
                    }
                }
            }
        };
        self.open.push(frame);
    }

    #[inline]
    fn record(&mut self, r: Record<'a>, role: Role) {
        let n = Node::new(r);
        if self.depth <= BLOCK {
            match (self.depth, role) {
                (BATCH, Role::Tail) => {
                    if let Some(b) = self.batch.as_mut() {
                        b.trailer = Some(n);
                        return;
                    }
                }
                // Only a tail goes directly into a batch; anything else is kept in a block.
                (BATCH, _) => {
                    if let Some(b) = self.batch.as_mut() {
                        b.blocks.push(Block {
                            header: None,
                            transactions: vec![Transaction {
                                items: vec![Item::Record(n)],
                            }],
                            trailer: None,
                        });
                        return;
                    }
                }
                (BLOCK, Role::Tail) => {
                    if let Some(b) = self.block.as_mut() {
                        b.trailer = Some(n);
                        return;
                    }
                }
                (BLOCK, _) => {
                    if let Some(b) = self.block.as_mut() {
                        b.transactions.push(Transaction {
                            items: vec![Item::Record(n)],
                        });
                        return;
                    }
                }
                _ => {}
            }
            return self.stray(n);
        }
        match self.open.last_mut() {
            Some(OpenGroup::Transaction { .. }) => self.items.push(Item::Record(n)),
            Some(OpenGroup::Line { .. }) => self.pga.push(PgaItem::Record(n)),
            Some(OpenGroup::Entity { head, .. }) if role == Role::Pg20 => head.pg20 = Some(n),
            Some(OpenGroup::PgGroup { head, .. }) if role == Role::Tail => head.end = Some(n),
            Some(OpenGroup::PgGroup { .. }) => self.pga.push(PgaItem::Record(n)),
            Some(OpenGroup::Substitution { head, .. }) if role == Role::Tail => head.end = Some(n),
            Some(
                OpenGroup::Anchor { .. }
                | OpenGroup::OiGroup { .. }
                | OpenGroup::Entity { .. }
                | OpenGroup::Disposition { .. }
                | OpenGroup::Substitution { .. },
            ) => self.nodes.push(n),
            Some(OpenGroup::Nowhere) | None => self.stray(n),
        }
    }

    fn condition(&mut self, r: Record<'a>) {
        match self.last_node() {
            Some(n) => n.conditions.push(r),
            // The placer attaches a condition only to a record it placed.
            None => self.record(r, Role::Content),
        }
    }

    #[inline]
    fn close(&mut self) {
        match self.depth {
            0 => return,
            BATCH => {
                if let Some(b) = self.batch.take() {
                    self.batches.push(b);
                }
            }
            BLOCK => {
                if let Some(b) = self.block.take() {
                    match self.batch.as_mut() {
                        Some(batch) => batch.blocks.push(b),
                        None => self.batches.push(Batch {
                            header: None,
                            blocks: vec![b],
                            trailer: None,
                        }),
                    }
                }
            }
            // A group below the block (`open` holds one frame per level below it).
            depth if self.open.len() + BLOCK == depth => {
                let closed = match self.open.pop() {
                    Some(OpenGroup::Transaction { items }) => Closed::Transaction(Transaction {
                        items: take_from(&mut self.items, items),
                    }),
                    Some(OpenGroup::Anchor { mut head, nodes }) => {
                        head.sub_records = take_from(&mut self.nodes, nodes);
                        Closed::Item(Item::Anchor(head))
                    }
                    Some(OpenGroup::OiGroup {
                        mut head,
                        nodes,
                        lines,
                    }) => {
                        head.orphans = take_from(&mut self.nodes, nodes);
                        head.lines = take_from(&mut self.lines, lines);
                        Closed::OiGroup(head)
                    }
                    Some(OpenGroup::Line { pg01, pga }) => Closed::Line(PgaLine {
                        pg01,
                        items: take_from(&mut self.pga, pga),
                    }),
                    Some(OpenGroup::Entity { mut head, nodes }) => {
                        head.items = take_from(&mut self.nodes, nodes);
                        Closed::Pga(PgaItem::Entity(head))
                    }
                    Some(OpenGroup::PgGroup { mut head, pga }) => {
                        head.items = take_from(&mut self.pga, pga);
                        Closed::Pga(PgaItem::Group(head))
                    }
                    Some(OpenGroup::Disposition { mut head, nodes }) => {
                        head.details = take_from(&mut self.nodes, nodes);
                        Closed::Item(Item::Disposition(head))
                    }
                    Some(OpenGroup::Substitution { mut head, nodes }) => {
                        head.records = take_from(&mut self.nodes, nodes);
                        Closed::Item(Item::Substitution(head))
                    }
                    Some(OpenGroup::Nowhere) | None => {
                        self.depth -= 1;
                        return;
                    }
                };
                self.place(closed);
            }
            _ => {}
        }
        self.depth -= 1;
    }
}
