//! Building the tree from parsed records, one append per record (SPEC 3–4).

use super::*;
use crate::wire::framing::Framing;

/// What is open at the end of the current transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Anchor,
    Oi,
    Disposition,
    Substitution,
}

/// Builds a [`Tree`] one record at a time, in input order. Never drops, merges or reorders.
#[derive(Debug)]
pub(crate) struct TreeBuilder<'a> {
    batches: Vec<Batch<Record<'a>>>,
    batch: Option<Batch<Record<'a>>>,
    block: Option<Block<Record<'a>>>,
    open: Open,
    /// Records in the current PGA line and PGA lines in the current OI group (limits).
    line_records: usize,
    group_lines: usize,
}

impl Default for TreeBuilder<'_> {
    fn default() -> Self {
        Self::new()
    }
}

fn is_transaction_start(r: &Record<'_>) -> bool {
    r.record_type() == RecordType::Host && crate::records::host::starts_transaction(r.raw())
}

fn is_hts_anchor(r: &Record<'_>) -> bool {
    r.record_type() == RecordType::Host && crate::records::host::is_anchor_id(r.id_bytes())
}

/// Whether `r` is a sub-record of `anchor` (before its OI group): `SE61`–`SE69` after an
/// `SE60`; `SE60` / `SE61` after an Entry Summary `50` (SPEC 3.3: the OI group follows the `50`
/// and its own `SE60`/`SE61` records).
fn is_anchor_sub_record(anchor: &Record<'_>, r: &Record<'_>) -> bool {
    let id = r.id_bytes();
    if r.record_type() != RecordType::Host {
        return false;
    }
    crate::records::host::is_anchor_sub_record_id(anchor.id_bytes(), id)
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

fn last_node_of_items<R>(items: &mut [PgaItem<R>]) -> Option<&mut Node<R>> {
    match items.last_mut()? {
        PgaItem::Record(n) => Some(n),
        PgaItem::Entity(e) => Some(match (e.items.last_mut(), e.pg20.as_mut()) {
            (Some(n), _) => n,
            (None, Some(n)) => n,
            (None, None) => &mut e.pg19,
        }),
        PgaItem::Group(g) => {
            if g.end.is_some() {
                g.end.as_mut()
            } else if !g.items.is_empty() {
                last_node_of_items(&mut g.items)
            } else {
                Some(&mut g.start)
            }
        }
    }
}

fn last_node_of_group<R>(g: &mut OiGroup<R>) -> Option<&mut Node<R>> {
    if let Some(l) = g.lines.last_mut() {
        if l.items.is_empty() {
            return Some(&mut l.pg01);
        }
        return last_node_of_items(&mut l.items);
    }
    if !g.orphans.is_empty() {
        return g.orphans.last_mut();
    }
    g.oi.as_mut()
}

impl<'a> TreeBuilder<'a> {
    /// An empty builder.
    pub(crate) fn new() -> Self {
        TreeBuilder {
            batches: Vec::new(),
            batch: None,
            block: None,
            open: Open::Nothing,
            line_records: 0,
            group_lines: 0,
        }
    }

    fn close_block(&mut self) {
        if let Some(b) = self.block.take() {
            self.batch_mut().blocks.push(b);
        }
        self.open = Open::Nothing;
    }

    fn close_batch(&mut self) {
        self.close_block();
        if let Some(b) = self.batch.take() {
            self.batches.push(b);
        }
    }

    fn batch_mut(&mut self) -> &mut Batch<Record<'a>> {
        self.batch.get_or_insert_with(|| Batch {
            header: None,
            blocks: Vec::new(),
            trailer: None,
        })
    }

    fn block_mut(&mut self) -> &mut Block<Record<'a>> {
        self.batch_mut();
        self.block.get_or_insert_with(|| Block {
            header: None,
            transactions: Vec::new(),
            trailer: None,
        })
    }

    fn transaction_mut(&mut self) -> &mut Transaction<Record<'a>> {
        let block = self.block_mut();
        if block.transactions.is_empty() {
            block.transactions.push(Transaction { items: Vec::new() });
        }
        let n = block.transactions.len();
        // Just ensured non-empty, so `n - 1` is in bounds.
        #[allow(clippy::indexing_slicing)]
        &mut block.transactions[n - 1]
    }

    /// The last node of the current transaction (for SE90 attachment).
    fn last_node_mut(&mut self) -> Option<&mut Node<Record<'a>>> {
        let t = self.block.as_mut()?.transactions.last_mut()?;
        match t.items.last_mut()? {
            Item::Record(n) => Some(n),
            Item::Anchor(a) => {
                if a.oi_group.is_some() {
                    a.oi_group.as_mut().and_then(last_node_of_group)
                } else if !a.sub_records.is_empty() {
                    a.sub_records.last_mut()
                } else {
                    Some(&mut a.anchor)
                }
            }
            Item::OiGroup(g) => last_node_of_group(g),
            Item::Disposition(d) => {
                if d.details.is_empty() {
                    Some(&mut d.so70)
                } else {
                    d.details.last_mut()
                }
            }
            Item::Substitution(g) => match (g.end.as_mut(), g.records.is_empty()) {
                (Some(n), _) => Some(n),
                (None, false) => g.records.last_mut(),
                (None, true) => Some(&mut g.start),
            },
        }
    }

    /// The OI group currently open (last item of the current transaction).
    fn open_group(&mut self) -> Option<&mut OiGroup<Record<'a>>> {
        let t = self.block.as_mut()?.transactions.last_mut()?;
        match t.items.last_mut()? {
            Item::Anchor(a) => a.oi_group.as_mut(),
            Item::OiGroup(g) => Some(g),
            _ => None,
        }
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

    /// Adds the next record of the input.
    pub(crate) fn push(&mut self, r: Record<'a>) {
        match r.record_type() {
            RecordType::Pg01 => {
                self.line_records = 1;
                self.group_lines += 1;
            }
            RecordType::Oi => {
                self.line_records = 0;
                self.group_lines = 0;
            }
            _ if r.record_type().is_pg() => self.line_records += 1,
            // Condition records do not end a group; any other record does.
            RecordType::Se90 => {}
            _ => {
                self.line_records = 0;
                self.group_lines = 0;
            }
        }
        match r.record_type() {
            RecordType::BatchHeader => {
                self.close_batch();
                self.batch = Some(Batch {
                    header: Some(Node::new(r)),
                    blocks: Vec::new(),
                    trailer: None,
                });
            }
            RecordType::BatchTrailer => {
                self.close_block();
                self.batch_mut().trailer = Some(Node::new(r));
                self.close_batch();
            }
            RecordType::BlockHeader => {
                self.close_block();
                self.batch_mut();
                self.block = Some(Block {
                    header: Some(Node::new(r)),
                    transactions: Vec::new(),
                    trailer: None,
                });
            }
            RecordType::BlockTrailer => {
                self.block_mut().trailer = Some(Node::new(r));
                self.close_block();
            }
            RecordType::Se90 if is_record_level_condition(&r) => match self.last_node_mut() {
                Some(n) => n.conditions.push(r),
                None => self.push_item(Item::Record(Node::new(r)), Open::Nothing),
            },
            _ => self.push_content(r),
        }
    }

    fn push_item(&mut self, item: Item<Record<'a>>, open: Open) {
        self.transaction_mut().items.push(item);
        self.open = open;
    }

    fn push_content(&mut self, r: Record<'a>) {
        let rt = r.record_type();
        if is_transaction_start(&r) {
            let block = self.block_mut();
            let fresh = block
                .transactions
                .last()
                .is_none_or(|t| !t.items.is_empty());
            if fresh {
                block.transactions.push(Transaction { items: Vec::new() });
            }
            self.push_item(Item::Record(Node::new(r)), Open::Nothing);
            return;
        }
        if self.open == Open::Anchor {
            if let Some(Item::Anchor(a)) = self.transaction_mut().items.last_mut() {
                if a.oi_group.is_none() && is_anchor_sub_record(&a.anchor.record, &r) {
                    a.sub_records.push(Node::new(r));
                    return;
                }
            }
        }
        if is_hts_anchor(&r) {
            self.push_item(
                Item::Anchor(Box::new(HtsAnchor {
                    anchor: Node::new(r),
                    sub_records: Vec::new(),
                    oi_group: None,
                })),
                Open::Anchor,
            );
            return;
        }
        let open = self.open;
        if open == Open::Substitution {
            if let Some(Item::Substitution(g)) = self.transaction_mut().items.last_mut() {
                if rt.is_pg() {
                    if substitution_indicator(&r) == Some("E") {
                        g.end = Some(Node::new(r));
                        self.open = Open::Nothing;
                    } else {
                        g.records.push(Node::new(r));
                    }
                    return;
                }
            }
            // Any other record ends an unterminated group (S-015) and is placed as usual.
            self.open = Open::Nothing;
            return self.push_content(r);
        }
        // SPEC 4.5: a `PG00 S` outside an OI group opens a header- or line-level group.
        if rt == RecordType::Pg00 && open != Open::Oi && substitution_indicator(&r) == Some("S") {
            self.push_item(
                Item::Substitution(Box::new(SubstitutionGroup {
                    start: Node::new(r),
                    records: Vec::new(),
                    end: None,
                })),
                Open::Substitution,
            );
            return;
        }
        match rt {
            RecordType::So70 | RecordType::So70V04 | RecordType::So70Thru => self.push_item(
                Item::Disposition(Box::new(Disposition {
                    so70: Node::new(r),
                    details: Vec::new(),
                })),
                Open::Disposition,
            ),
            RecordType::So71 | RecordType::So72 if open == Open::Disposition => {
                if let Some(Item::Disposition(d)) = self.transaction_mut().items.last_mut() {
                    d.details.push(Node::new(r));
                }
            }
            RecordType::Oi => {
                let group = OiGroup {
                    oi: Some(Node::new(r)),
                    orphans: Vec::new(),
                    lines: Vec::new(),
                };
                self.start_group(group, open);
            }
            RecordType::Pg01 => {
                let line = PgaLine {
                    pg01: Node::new(r),
                    // Typical lines hold 5–20 child items: skip the 0 → 4 → 8 growth steps.
                    items: Vec::with_capacity(8),
                };
                if open == Open::Oi {
                    if let Some(g) = self.open_group() {
                        g.lines.push(line);
                        return;
                    }
                }
                self.start_group(
                    OiGroup {
                        oi: None,
                        orphans: Vec::new(),
                        lines: vec![line],
                    },
                    open,
                );
            }
            _ if rt.is_pg() => {
                if open == Open::Oi {
                    if let Some(g) = self.open_group() {
                        match g.lines.last_mut() {
                            Some(l) => push_child(&mut l.items, r),
                            None => g.orphans.push(Node::new(r)),
                        }
                        return;
                    }
                }
                self.start_group(
                    OiGroup {
                        oi: None,
                        orphans: vec![Node::new(r)],
                        lines: Vec::new(),
                    },
                    open,
                );
            }
            _ => self.push_item(Item::Record(Node::new(r)), Open::Nothing),
        }
    }

    /// Opens an OI group: under the open anchor if it has none yet, else as its own item.
    fn start_group(&mut self, group: OiGroup<Record<'a>>, open: Open) {
        if open == Open::Anchor {
            if let Some(Item::Anchor(a)) = self.transaction_mut().items.last_mut() {
                if a.oi_group.is_none() {
                    a.oi_group = Some(group);
                    self.open = Open::Oi;
                    return;
                }
            }
        }
        self.push_item(Item::OiGroup(Box::new(group)), Open::Oi);
    }

    /// Finishes the tree.
    pub(crate) fn finish(mut self, framing: Framing) -> Tree<Record<'a>> {
        self.close_batch();
        Tree {
            framing,
            batches: self.batches,
        }
    }
}

/// Adds a child record to a PGA line's items (SPEC 4.3, 4.4).
fn push_child<'a>(items: &mut Vec<PgaItem<Record<'a>>>, r: Record<'a>) {
    // An open PG50 group takes the record, unless it is the group's PG51.
    if let Some(PgaItem::Group(g)) = items.last_mut() {
        if g.end.is_none() {
            if r.record_type() == RecordType::Pg51 {
                g.end = Some(Node::new(r));
            } else {
                push_child_flat(&mut g.items, r);
            }
            return;
        }
    }
    if r.record_type() == RecordType::Pg50 {
        items.push(PgaItem::Group(Box::new(PgGroup {
            start: Node::new(r),
            items: Vec::new(),
            end: None,
        })));
        return;
    }
    push_child_flat(items, r);
}

/// Adds a child record without opening groups (inside a group, a nested PG50 is a plain
/// record: groups do not nest, S-014).
fn push_child_flat<'a>(items: &mut Vec<PgaItem<Record<'a>>>, r: Record<'a>) {
    match r.record_type() {
        RecordType::Pg19 => items.push(PgaItem::Entity(Box::new(EntityLoop {
            pg19: Node::new(r),
            pg20: None,
            items: Vec::new(),
        }))),
        RecordType::Pg20 => {
            if let Some(PgaItem::Entity(e)) = items.last_mut() {
                if e.pg20.is_none() && e.items.is_empty() {
                    e.pg20 = Some(Node::new(r));
                    return;
                }
            }
            items.push(PgaItem::Record(Node::new(r)));
        }
        RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60 => {
            if let Some(PgaItem::Entity(e)) = items.last_mut() {
                e.items.push(Node::new(r));
                return;
            }
            items.push(PgaItem::Record(Node::new(r)));
        }
        _ => items.push(PgaItem::Record(Node::new(r))),
    }
}
