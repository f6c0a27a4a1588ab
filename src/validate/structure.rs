//! S rules (SPEC 6.2, 4): OI groups, PGA lines, parent/child links, entity loops, groups,
//! substitution, line numbering and the recommended record order.

// Each match arm reads as one rule's check; guards would hide the rule in the pattern.
#![allow(clippy::collapsible_match)]

use std::collections::{HashMap, HashSet};

use crate::codes::{CodeList, CodeRow};
use crate::error::Severity;
use crate::records::Record;
use crate::records::{Pg00, Pg01, Pg02, Pg19, Pg22, Pg26, Pg60, RecordType};
#[cfg(test)]
use crate::tree::FlatTree;
use crate::tree::{FlatItem, GroupKind, GroupRef, NodeRef};

use super::pass::Window;
use super::{int_of, text_bytes, text_of, At, RuleId, Sink};

type R<'a> = Record<'a>;

/// The S rules over a whole transmission: [`StructurePass::transaction`] on every
/// transaction in input order (one implementation with the fused driver of
/// [`super::validate`]).
#[cfg(test)]
pub(super) fn check(t: &FlatTree<'_>, sink: &mut Sink<'_>) {
    let mut pass = StructurePass::default();
    for tx in t.transactions() {
        pass.transaction(tx, Window::default(), sink);
    }
}

/// The S rules as steps: every S rule looks at one transaction; what the pass carries from
/// transaction to transaction is only its buffers.
#[derive(Default)]
pub(super) struct StructurePass<'t, 'a> {
    scratch: Scratch<'t, 'a>,
}

impl<'t, 'a> StructurePass<'t, 'a> {
    /// The S rules of the next transaction of the input.
    #[inline]
    /// `window` holds the transaction's records when the caller read them already.
    pub(super) fn transaction(
        &mut self,
        tx: GroupRef<'t, 'a>,
        window: Window<'_, 'a>,
        sink: &mut Sink<'_>,
    ) {
        check_transaction(tx, window, &mut self.scratch, sink);
    }
}

/// Buffers the pass reuses from line to line and from transaction to transaction: once grown
/// to the largest PGA line, OI group or transaction, no rule allocates.
#[derive(Default)]
struct Scratch<'t, 'a> {
    /// Per PGA line of the current OI group: (disclaimed, shares a later line's data set).
    lines: Vec<(bool, bool)>,
    /// S-016 of the current OI group: per agency, its next line number and whether another
    /// agency's lines came after its own.
    agencies: Agencies,
    /// The lines of the records S-007 explains in the current PGA line (sorted).
    explained: Vec<u32>,
    /// The `PG00` records of the current transaction in input order (S-015).
    pg00: Vec<R<'a>>,
    /// The PGA lines of the current OI group.
    group_lines: Vec<GroupRef<'t, 'a>>,
    /// The items of the current PGA line.
    line_items: Vec<FlatItem<'t, 'a>>,
}

/// Where a child record of a PGA line sits in the line's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A record item of the line ([`crate::tree::PgaItem::Record`]).
    Plain,
    /// A record of an entity loop (`PG19`, `PG20`, or one of its items).
    Entity,
    /// The `PG50` of a group; `open`: the group has no `PG51`.
    GroupStart { open: bool },
    /// The `PG51` of a group.
    GroupEnd,
}

/// ASCII bytes as text for a message.
fn ascii(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// The record that opens a group (an anchor's `SE60`/`50`, a PGA line's PG01, an entity
/// loop's PG19, a group's PG50, …), or an empty record (every such group has one).
fn head_of<'a>(g: GroupRef<'_, 'a>) -> R<'a> {
    g.head().map_or_else(R::empty, |h| h.record())
}

/// Collects the `PG00` among the record of `n` (SE90 conditions are never `PG00`).
fn pg00_node<'a>(n: Option<NodeRef<'_, 'a>>, pg00: &mut Vec<R<'a>>) {
    if let Some(n) = n {
        // The type from the tree's entry: only a `PG00` is made into a record.
        if n.record_type() == RecordType::Pg00 {
            pg00.push(n.record());
        }
    }
}

/// Collects the `PG00` among the head of `g`, its records (not its nested groups) and its
/// tail.
fn pg00_of<'a>(g: GroupRef<'_, 'a>, pg00: &mut Vec<R<'a>>) {
    pg00_node(g.head(), pg00);
    for i in g.items() {
        if let FlatItem::Record(n) = i {
            pg00_node(Some(n), pg00);
        }
    }
    pg00_node(g.tail(), pg00);
}

fn check_transaction<'t, 'a>(
    tx: GroupRef<'t, 'a>,
    window: Window<'_, 'a>,
    scratch: &mut Scratch<'t, 'a>,
    sink: &mut Sink<'_>,
) {
    scratch.pg00.clear();
    // Whether the previous item is an anchor that already has its OI group (or a chain of
    // further OI groups under it): a new OI then is a second OI under one anchor (S-003).
    let mut under_anchor_with_group = false;
    for item in tx.items() {
        let g = match item {
            FlatItem::Record(n) => {
                pg00_node(Some(n), &mut scratch.pg00);
                under_anchor_with_group = false;
                continue;
            }
            FlatItem::Group(g) => g,
        };
        match g.kind() {
            GroupKind::Anchor => {
                pg00_of(g, &mut scratch.pg00);
                let oi_group = g.oi_group();
                under_anchor_with_group = oi_group.is_some();
                if let Some(g) = oi_group {
                    check_group(g, window, scratch, sink);
                }
            }
            GroupKind::OiGroup => {
                if let Some(oi) = g.head() {
                    let oi = oi.record();
                    if under_anchor_with_group {
                        sink.emit(RuleId::S_003, At::record(&oi), "second OI under one HTS anchor: each anchor carries at most one OI; put all PGA lines under the first");
                    } else {
                        sink.emit(RuleId::S_005, At::record(&oi), "OI group not directly after an HTS anchor (SE60 and its sub-records, or 50)");
                    }
                }
                under_anchor_with_group = under_anchor_with_group && g.head().is_some();
                check_group(g, window, scratch, sink);
            }
            // Dispositions, substitution groups (the tree puts no other group here).
            _ => {
                pg00_of(g, &mut scratch.pg00);
                under_anchor_with_group = false;
            }
        }
    }
    check_substitution(&scratch.pg00, sink);
}

fn check_group<'t, 'a>(
    g: GroupRef<'t, 'a>,
    window: Window<'_, 'a>,
    scratch: &mut Scratch<'t, 'a>,
    sink: &mut Sink<'_>,
) {
    // The OI and the orphans (the group's records before its first PGA line).
    pg00_of(g, &mut scratch.pg00);
    let mut lines = std::mem::take(&mut scratch.group_lines);
    lines.clear();
    lines.extend(g.lines());
    let oi = g.head().map(|n| n.record());
    if let Some(&first) = lines.first() {
        if oi.is_none() {
            sink.emit(
                RuleId::S_001,
                At::record(&head_of(first)),
                "PG01 without an OI before it: every PGA line needs the OI record of its HTS line",
            );
        }
    } else if let Some(oi) = &oi {
        sink.emit(
            RuleId::S_002,
            At::record(oi),
            "OI not followed by any PG01: send the agency's PG01 (data or disclaimer) after the OI",
        );
    }
    // S-004: P03 ("Missing PG01 record") for a child record between an OI and its first PG01;
    // P32 ("records not allowed in group") for PG records after a host record without a new
    // OI/PG01 (SPEC 6.2 lists "P03 / P32").
    let cbp = if oi.is_some() { "P03" } else { "P32" };
    for o in g.items() {
        let FlatItem::Record(o) = o else { continue };
        let o = o.record();
        sink.emit_cbp(
            RuleId::S_004,
            Severity::Error,
            super::PGA_RULESET,
            Some(cbp),
            At::record(&o),
            format!("{} outside a PGA line: PG records follow their PG01; this one is not attached to any line", o.id()),
        );
    }
    check_numbering(&lines, &mut scratch.agencies, sink);
    data_sharing(&lines, &mut scratch.lines);
    for (i, &line) in lines.iter().enumerate() {
        pg00_node(line.head(), &mut scratch.pg00);
        let (disclaimed, shares) = scratch.lines.get(i).copied().unwrap_or_default();
        check_line(line, window, disclaimed, shares, scratch, sink);
    }
    scratch.group_lines = lines;
}

/// Whether the PG01 of `line` is a PG01 with a disclaimer code.
fn disclaimed(line: GroupRef<'_, '_>) -> bool {
    let r = &head_of(line);
    r.record_type() == RecordType::Pg01 && text_bytes(r, Pg01::DISCLAIMER_CODE).is_some()
}

/// Whether a PGA line has child records after its PG01 (and the PG01's conditions).
fn has_items(line: GroupRef<'_, '_>) -> bool {
    let own = line.head().map_or(0, |h| 1 + h.conditions().len());
    line.range().len() > own
}

/// Per PGA line of an OI group (`lines`) in `out`: whether it is disclaimed, and whether it
/// shares the data set of a later line (SPEC 4.1), as [`crate::tree::OiGroup::data_sharing`]
/// says it.
fn data_sharing(lines: &[GroupRef<'_, '_>], out: &mut Vec<(bool, bool)>) {
    out.clear();
    out.resize(lines.len(), (false, false));
    // Whether a later line carries a data set the current one shares.
    let mut data = false;
    for (&line, slot) in lines.iter().zip(out.iter_mut()).rev() {
        let d = disclaimed(line);
        slot.0 = d;
        if d {
            data = false;
        } else if has_items(line) {
            data = true;
        } else {
            slot.1 = data;
        }
    }
}

/// S-016's table: per agency (its code as [`agency_key`] packs it), the next line number
/// and whether another agency's lines came after its own. Searched linearly while small, by
/// a hash index beyond [`Agencies::LINEAR`] agencies (an OI group of many agencies stays
/// linear in time).
#[derive(Default)]
struct Agencies {
    rows: Vec<(u32, u64, bool)>,
    index: HashMap<u32, usize>,
}

impl Agencies {
    const LINEAR: usize = 16;

    fn clear(&mut self) {
        self.rows.clear();
        self.index.clear();
    }

    /// The row of `key`, added (next number 1, not closed) when new.
    fn row(&mut self, key: u32) -> Option<&mut (u32, u64, bool)> {
        let i = if self.rows.len() <= Self::LINEAR {
            self.rows.iter().position(|row| row.0 == key)
        } else {
            if self.index.is_empty() {
                self.index
                    .extend(self.rows.iter().enumerate().map(|(i, row)| (row.0, i)));
            }
            self.index.get(&key).copied()
        };
        let i = match i {
            Some(i) => i,
            None => {
                self.rows.push((key, 1, false));
                if !self.index.is_empty() {
                    self.index.insert(key, self.rows.len() - 1);
                }
                self.rows.len() - 1
            }
        };
        self.rows.get_mut(i)
    }
}

/// An agency code of at most 3 bytes and its length as one word.
fn agency_key(agency: &[u8]) -> u32 {
    let at = |i: usize| agency.get(i).copied().unwrap_or(0);
    let len = u8::try_from(agency.len()).unwrap_or(u8::MAX);
    u32::from_le_bytes([at(0), at(1), at(2), len])
}

/// S-016: PGA line numbers per agency `001`, `002` … under one OI; interleaving warns. An
/// agency whose lines reappear after another agency's may continue its count or restart at
/// `001`: the chapter says both (SPEC 4.7, pp. 13, 65), so both are accepted.
fn check_numbering(lines: &[GroupRef<'_, '_>], table: &mut Agencies, sink: &mut Sink<'_>) {
    table.clear();
    let mut last_agency: Option<u32> = None;
    for &line in lines {
        let p = &head_of(line);
        if p.record_type() != RecordType::Pg01 {
            continue;
        }
        let agency = text_bytes(p, Pg01::AGENCY_CODE).unwrap_or_default();
        let key = agency_key(agency);
        let mut reappears = false;
        if let Some(last) = last_agency.filter(|&a| a != key) {
            if let Some(row) = table.row(last) {
                row.2 = true;
            }
            if table.row(key).is_some_and(|row| row.2) {
                reappears = true;
                sink.emit_sev(
                    RuleId::S_016,
                    Severity::Warning,
                    At::record(p),
                    format!("PGA lines of agency {} are interleaved with another agency's; keep each agency's lines together", ascii(agency)),
                );
            }
        }
        last_agency = Some(key);
        let Some(row) = table.row(key) else { continue };
        let expected = row.1;
        if let Some(n) = int_of(p, Pg01::PGA_LINE_NUMBER) {
            let restart = reappears && n == 1;
            if n > 999 || (n != expected && !restart) {
                let or_restart = if reappears {
                    " or 001 (restarted after another agency's lines)"
                } else {
                    ""
                };
                sink.emit(
                    RuleId::S_016,
                    At::record(p),
                    format!("PGA line number {n:03} for agency {}: expected {expected:03}{or_restart} (numbered per agency under one OI, no gaps or duplicates)", ascii(agency)),
                );
            }
            let after = if restart { n } else { n.max(expected) };
            row.1 = after + 1;
        } else {
            row.1 = expected + 1;
        }
    }
}

/// [`facts`]: the record may break an item rule ([`LineWalk::item_rules`] outside a group).
const ITEM_RULES: u16 = 1;
/// [`facts`]: the record may break a line rule ([`LineWalk::line_rules`]).
const LINE_RULES: u16 = 2;
/// [`facts`]: a PG02, PG04, PG13 or PG14 (a PG50 group attaches to it, S-014).
const GROUP_PARENT: u16 = 4;
/// [`facts`]: a PG55 or PG60 (not the parent of a PG60, S-018).
const PG55_OR_PG60: u16 = 8;
/// [`facts`]: a `PG00` (S-015).
const PG00: u16 = 16;
/// [`facts`]: the record order rank of SPEC 4.2 (S-020) in bits 8 to 11 (0: not judged).
const RANK_SHIFT: u16 = 8;
const RANK: u16 = 0xF << RANK_SHIFT;

/// What the line rules need to know of a record type, as bits: one table lookup per record.
#[inline]
fn facts(rt: RecordType) -> u16 {
    /// [`facts_of`] of every record type, by `rt as usize` (built at compile time).
    #[allow(clippy::indexing_slicing)] // const context; `i` is below the length
    static FACTS: [u16; crate::records::RECORD_TYPES.len()] = {
        let types = crate::records::RECORD_TYPES;
        let mut t = [0u16; crate::records::RECORD_TYPES.len()];
        let mut i = 0;
        while i < types.len() {
            t[i] = facts_of(types[i]);
            i += 1;
        }
        t
    };
    FACTS.get(rt as usize).copied().unwrap_or(0)
}

/// The bits of [`facts`] of one record type.
const fn facts_of(rt: RecordType) -> u16 {
    use RecordType::*;
    let rank: u16 = match rt {
        Pg02 => 1,
        Pg04 | Pg05 | Pg06 | Pg07 | Pg08 | Pg10 => 2,
        Pg13 | Pg14 => 3,
        Pg19 | Pg20 | Pg21 | Pg55 => 4,
        Pg22 => 5,
        Pg23 => 6,
        Pg24 => 7,
        Pg25 => 8,
        Pg26 => 9,
        Pg27 => 10,
        Pg29 => 11,
        Pg30 => 12,
        _ => 0,
    };
    let item = matches!(rt, Pg20 | Pg21 | Pg55 | Pg60 | Pg51);
    let line = matches!(rt, Pg08 | Pg13 | Pg02 | Pg26 | Pg50 | Pg60);
    let parent = matches!(rt, Pg02 | Pg04 | Pg13 | Pg14);
    let pg55_or_pg60 = matches!(rt, Pg55 | Pg60);
    let pg00 = matches!(rt, Pg00);
    rank << RANK_SHIFT
        | if item { ITEM_RULES } else { 0 }
        | if line { LINE_RULES } else { 0 }
        | if parent { GROUP_PARENT } else { 0 }
        | if pg55_or_pg60 { PG55_OR_PG60 } else { 0 }
        | if pg00 { PG00 } else { 0 }
}

/// S-018 (warning): a PG60 qualifier outside `codes/pg60-qualifiers.csv`, not valid on the
/// as-of date, or not matching the record it follows (SPEC 6.2, chapter p. 58 Note 1).
fn check_pg60_qualifier(r: &R<'_>, q: &str, parent: Option<&R<'_>>, sink: &mut Sink<'_>) {
    let as_of = sink.opts.as_of;
    let rows = || CodeList::Pg60Qualifiers.find(q);
    let warn = |sink: &mut Sink<'_>, msg: String| {
        sink.emit_sev(RuleId::S_018, Severity::Warning, At::record(r), msg);
    };
    let Some(row) = rows().find(|row| row.valid_on(as_of)) else {
        let msg = match rows().next().and_then(|row: &CodeRow| row.valid_from) {
            Some(from) => {
                format!("PG60 qualifier {q} is valid from {from}, not on the as-of date {as_of}")
            }
            None => format!(
                "PG60 qualifier {q} is not in the chapter's list (codes/pg60-qualifiers.csv)"
            ),
        };
        warn(sink, msg);
        return;
    };
    if let Some(parent) = parent {
        let follows = row.scope.split("; ").nth(1).unwrap_or("");
        if !follows.contains(parent.id()) {
            warn(
                sink,
                format!(
                    "PG60 qualifier {q} {follows}; here it follows {}",
                    parent.id()
                ),
            );
        }
    }
}

/// The first child record of a PGA line (as [`crate::tree::PgaLine::child_records`] lists
/// them), from the line's items.
fn first_child<'a>(items: &[FlatItem<'_, 'a>]) -> Option<R<'a>> {
    Some(match items.first()? {
        FlatItem::Record(n) => n.record(),
        FlatItem::Group(g) => head_of(*g),
    })
}

/// The rules of one PGA line; `disclaimed`: its PG01 carries a disclaimer code; `shares`: the
/// line shares the data set of a later PG01 (SPEC 4.1), so it has no child records of its
/// own by design. The `PG00` among its child records go to `scratch.pg00` (S-015).
fn check_line<'t, 'a>(
    line: GroupRef<'t, 'a>,
    window: Window<'_, 'a>,
    disclaimed: bool,
    shares: bool,
    scratch: &mut Scratch<'t, 'a>,
    sink: &mut Sink<'_>,
) {
    let parts = line.parts();
    let pg01 = &parts.head.map_or_else(R::empty, |h| window.record(h));
    let mut items = std::mem::take(&mut scratch.line_items);
    items.clear();
    items.extend(parts.items);
    if pg01.record_type() != RecordType::Pg01 || disclaimed || items.is_empty() {
        // The child records (after the PG01; conditions are never `PG00`).
        for r in line.records().skip(1) {
            if r.record_type() == RecordType::Pg00 {
                scratch.pg00.push(r);
            }
        }
        if pg01.record_type() == RecordType::Pg01 {
            if disclaimed {
                if let Some(first) = first_child(&items) {
                    let d = text_bytes(pg01, Pg01::DISCLAIMER_CODE).unwrap_or_default();
                    sink.emit(
                        RuleId::S_012,
                        At::record(&first),
                        format!("{} after the PG01 at line {} that is disclaimed with {}: a disclaimed PGA line is the PG01 alone", first.id(), pg01.line(), ascii(d)),
                    );
                }
            } else if !shares {
                sink.emit(
                    RuleId::S_021,
                    At::record(pg01),
                    "PGA line without child records and without a disclaimer (nor a PG01 after it whose data set it shares)",
                );
            }
        }
        scratch.line_items = items;
        return;
    }
    // S-023 (P35): a PG50 group directly after the PG01.
    let first_group = match items.first() {
        Some(FlatItem::Group(g)) if g.kind() == GroupKind::PgGroup => Some(*g),
        _ => None,
    };
    let s023 = first_group.is_some() && sink.on(RuleId::S_023);
    if let Some(g) = first_group {
        sink.emit(
            RuleId::S_023,
            At::record(&head_of(g)),
            "PG50/PG51 group immediately after the PG01: a group attaches to a PG02, PG04, PG13 or PG14 before it",
        );
    }
    check_entity_runs(&items, &mut scratch.explained, sink);
    let mut walk = LineWalk {
        window,
        sink: &mut *sink,
        explained: &scratch.explained,
        pg00: &mut scratch.pg00,
        s023,
        index: 0,
        prev: None,
        pg13: None,
        has_pg02: false,
        pg26: 0,
        last_level: None,
        seen_p: false,
        first_pg02: true,
        group_parent: false,
        pg60_parent: None,
        max: (0, None),
        after_pg30: false,
    };
    walk.items(items.iter().copied(), false);
    walk.finish(pg01);
    scratch.line_items = items;
    // S-019 (opt-in): PG22 role without a PG19 loop of that role.
    if sink.on(RuleId::S_019) {
        check_pg22_roles(line, sink);
    }
}

/// S-019: a PG22 role without a PG19 loop of that role in the line.
fn check_pg22_roles(line: GroupRef<'_, '_>, sink: &mut Sink<'_>) {
    let roles: HashSet<&str> = line
        .entity_loops()
        .map(head_of)
        .filter(|r| r.record_type() == RecordType::Pg19)
        .filter_map(|r| text_of(&r, Pg19::ENTITY_ROLE_CODE))
        .collect();
    for r in line.records().skip(1) {
        if r.record_type() == RecordType::Pg22 {
            if let Some(role) = text_of(&r, Pg22::ENTITY_ROLE_CODE) {
                if !roles.contains(role) {
                    sink.emit(
                        RuleId::S_019,
                        At::record(&r),
                        format!(
                            "PG22 names role {role} but the PGA line has no PG19 loop of that role"
                        ),
                    );
                }
            }
        }
    }
}

/// Whether an item is an entity loop.
fn is_entity(i: Option<&FlatItem<'_, '_>>) -> bool {
    matches!(i, Some(FlatItem::Group(g)) if g.kind() == GroupKind::Entity)
}

/// S-007: a run of PG19s (the first without PG20/PG21) followed by orphan PG20/PG21s, over
/// the line's items; the lines of the records it explains go to `explained` (sorted, for a
/// binary search; usually empty), which the other rules then leave alone.
fn check_entity_runs(items: &[FlatItem<'_, '_>], explained: &mut Vec<u32>, sink: &mut Sink<'_>) {
    explained.clear();
    let mut i = 0;
    while i < items.len() {
        let run_start = i;
        while is_entity(items.get(i)) {
            i += 1;
        }
        let run = items.get(run_start..i).unwrap_or_default();
        let first_bare = matches!(run.first(), Some(FlatItem::Group(e)) if e.pg20().is_none() && e.items().next().is_none());
        if run.len() >= 2 && first_bare {
            let mut j = i;
            let mut first = true;
            while let Some(FlatItem::Record(n)) = items.get(j) {
                let r = n.record();
                if !matches!(
                    r.record_type(),
                    RecordType::Pg20 | RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60
                ) {
                    break;
                }
                if first {
                    sink.emit(
                        RuleId::S_007,
                        At::record(&r),
                        format!(
                            "entity loops not kept together: {} PG19 records in a row, then their PG20/PG21 records; send each party as PG19, PG20, PG21",
                            run.len()
                        ),
                    );
                    first = false;
                }
                explained.push(r.line());
                j += 1;
            }
        }
        if i == run_start {
            i += 1;
        }
    }
    explained.sort_unstable();
}

/// One walk over the child records of a PGA line in input order (the order of
/// [`crate::tree::PgaLine::child_records`]), judging each record as it comes with what came before it:
/// no list of the records is made. Per record, in this order: the item rules (S-006, S-008,
/// S-014, S-017, S-018, S-024: records of the line or of a PG50 group that are not in an
/// entity loop), the line rules (S-009 … S-014, S-018 qualifiers) and the recommended order
/// (S-020, records outside PG50 groups). S-010 (a PG13 not directly followed by its PG14)
/// is judged at the next record; S-022 (no PG02) at the end.
struct LineWalk<'w, 'a, 'o> {
    /// The transaction's records, when read already.
    window: Window<'w, 'a>,
    sink: &'w mut Sink<'o>,
    /// The lines of the records S-007 explains (sorted).
    explained: &'w [u32],
    /// The `PG00` of the transaction (S-015).
    pg00: &'w mut Vec<R<'a>>,
    /// S-023 reported the group right after the PG01.
    s023: bool,
    /// Position of the record in the line's child records.
    index: usize,
    /// Type of the record before.
    prev: Option<RecordType>,
    /// A PG13 waiting for the record after it (S-010).
    pg13: Option<R<'a>>,
    has_pg02: bool,
    /// S-013: PG26 records so far, and the last packaging level.
    pg26: usize,
    last_level: Option<u64>,
    /// S-011: a PG02 of item type P seen; the next PG02 is the first.
    seen_p: bool,
    first_pg02: bool,
    /// Whether a PG02, PG04, PG13 or PG14 came before (a PG50 attaches to it, S-014).
    group_parent: bool,
    /// The last record before that is not a PG55 or PG60 (the parent of a PG60, S-018).
    pg60_parent: Option<R<'a>>,
    /// S-020: the highest rank so far, and the record to name in a later finding.
    max: (u8, Option<R<'a>>),
    after_pg30: bool,
}

impl<'a> LineWalk<'_, 'a, '_> {
    fn items<'t>(&mut self, items: impl Iterator<Item = FlatItem<'t, 'a>>, in_group: bool)
    where
        'a: 't,
    {
        for i in items {
            match i {
                FlatItem::Record(n) => self.record(self.window.record(n), Place::Plain, in_group),
                FlatItem::Group(e) if e.kind() == GroupKind::Entity => {
                    let p = e.parts();
                    let pg19 = p.head.map_or_else(R::empty, |h| self.window.record(h));
                    self.record(pg19, Place::Entity, in_group);
                    if let Some(n) = p.pg20 {
                        self.record(self.window.record(n), Place::Entity, in_group);
                    }
                    for n in p.items {
                        if let FlatItem::Record(n) = n {
                            self.record(self.window.record(n), Place::Entity, in_group);
                        }
                    }
                }
                FlatItem::Group(g) => {
                    let p = g.parts();
                    let open = p.tail.is_none();
                    let start = p.head.map_or_else(R::empty, |h| self.window.record(h));
                    self.record(start, Place::GroupStart { open }, in_group);
                    self.items(p.items, true);
                    if let Some(n) = p.tail {
                        self.record(self.window.record(n), Place::GroupEnd, in_group);
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn record(&mut self, r: R<'a>, place: Place, in_group: bool) {
        let r = &r;
        let rt = r.record_type();
        let f = facts(rt);
        let before = self.prev.replace(rt);
        if let Some(pg13) = self.pg13.take() {
            if rt != RecordType::Pg14 {
                s010(&pg13, self.sink);
            }
        }
        if f & PG00 != 0 {
            self.pg00.push(*r);
        }
        match place {
            Place::Plain if in_group || f & ITEM_RULES != 0 => {
                self.item_rules(r, rt, before, in_group)
            }
            Place::GroupStart { open: true } => s014_open(r, self.sink),
            _ => {}
        }
        if f & LINE_RULES != 0 {
            self.line_rules(r, rt, before);
        }
        self.group_parent |= f & GROUP_PARENT != 0;
        if f & PG55_OR_PG60 == 0 {
            self.pg60_parent = Some(*r);
        }
        if f & RANK != 0 && !in_group && matches!(place, Place::Plain | Place::Entity) {
            self.order(r, rt, f);
        }
        self.index += 1;
    }

    /// S-006, S-008, S-014, S-017, S-018, S-024 of a record of the line or of a PG50 group
    /// that is not in an entity loop, after a record of type `before`.
    #[inline(never)]
    fn item_rules(
        &mut self,
        r: &R<'_>,
        rt: RecordType,
        before: Option<RecordType>,
        in_group: bool,
    ) {
        if !self.explained.is_empty() && self.explained.binary_search(&r.line()).is_ok() {
            return;
        }
        let sink = &mut *self.sink;
        match rt {
            RecordType::Pg20 => sink.emit(
                RuleId::S_006,
                At::record(r),
                "PG20 without its PG19 directly before it",
            ),
            RecordType::Pg21 => {
                if !matches!(
                    before,
                    Some(
                        RecordType::Pg30
                            | RecordType::Pg22
                            | RecordType::Pg21
                            | RecordType::Pg55
                            | RecordType::Pg60
                    )
                ) {
                    sink.emit(
                        RuleId::S_008,
                        At::record(r),
                        "PG21 without a parent: it follows its PG19/PG20, a PG30 or a PG22",
                    );
                }
            }
            RecordType::Pg55 => {
                if !matches!(
                    before,
                    Some(RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60)
                ) {
                    sink.emit(RuleId::S_017, At::record(r), "PG55 must directly follow the PG19, PG20 or PG21 of its entity loop");
                }
            }
            RecordType::Pg60 => {
                if !matches!(
                    before,
                    Some(
                        RecordType::Pg07
                            | RecordType::Pg08
                            | RecordType::Pg21
                            | RecordType::Pg55
                            | RecordType::Pg60
                    )
                ) {
                    sink.emit(
                        RuleId::S_018,
                        At::record(r),
                        "PG60 must follow a PG07, PG08 or the records of an entity loop",
                    );
                }
            }
            RecordType::Pg51 => {
                sink.emit(RuleId::S_014, At::record(r), "PG51 without an open PG50 group")
            }
            RecordType::Pg50 if in_group => sink.emit(
                RuleId::S_014,
                At::record(r),
                "PG50 inside an open PG50 group: groups do not nest",
            ),
            rt if in_group && !allowed_in_group(rt) => sink.emit(
                RuleId::S_024,
                At::record(r),
                format!("{} inside a PG50/PG51 group: a group holds PG05, PG06, PG07, PG10, PG14, PG19 loops, PG22, PG25, PG26, PG29, PG31, PG32 (chapter p. 67)", r.id()),
            ),
            _ => {}
        }
    }

    /// S-009, S-011, S-013, S-014 (a PG50 without a parent), S-018 (PG60 qualifiers) of any
    /// child record, after a record of type `before`; S-010 and S-022 are noted for later.
    #[inline(never)]
    fn line_rules(&mut self, r: &R<'a>, rt: RecordType, before: Option<RecordType>) {
        let sink = &mut *self.sink;
        match rt {
            RecordType::Pg08 => {
                if !matches!(
                    before,
                    Some(RecordType::Pg07 | RecordType::Pg08 | RecordType::Pg60)
                ) {
                    sink.emit(
                        RuleId::S_009,
                        At::record(r),
                        "PG08 without its PG07 directly before it",
                    );
                }
            }
            RecordType::Pg13 => self.pg13 = Some(*r),
            RecordType::Pg02 => {
                self.has_pg02 = true;
                let is_p = text_bytes(r, Pg02::ITEM_TYPE) == Some(b"P".as_slice());
                if self.first_pg02 && !is_p {
                    sink.emit(
                        RuleId::S_011,
                        At::record(r),
                        "the first PG02 of a PGA line must have item type P",
                    );
                } else if !self.first_pg02 && is_p && self.seen_p {
                    sink.emit(
                        RuleId::S_011,
                        At::record(r),
                        "more than one PG02 with item type P; further items are C",
                    );
                }
                self.seen_p |= is_p;
                self.first_pg02 = false;
            }
            RecordType::Pg26 => {
                let packaging_qualifier = int_of(r, Pg26::PACKAGING_QUALIFIER);
                self.pg26 += 1;
                if self.pg26 == 7 {
                    sink.emit(
                        RuleId::S_013,
                        At::record(r),
                        "more than 6 PG26 packaging records in one PGA line",
                    );
                }
                if let (Some(l), Some(prev)) = (packaging_qualifier, self.last_level) {
                    if l <= prev {
                        sink.emit_sev(
                            RuleId::S_013,
                            Severity::Warning,
                            At::record(r),
                            format!("packaging level {l} after level {prev}: levels go outermost (1) to innermost (6)"),
                        );
                    }
                }
                self.last_level = packaging_qualifier.or(self.last_level);
            }
            RecordType::Pg50 => {
                // The PG50 right after the PG01 is S-023's (one cause, one finding).
                let explained_by_s023 = self.index == 0 && self.s023;
                if !self.group_parent && !explained_by_s023 {
                    sink.emit(
                        RuleId::S_014,
                        At::record(r),
                        "PG50 without a PG02, PG04, PG13 or PG14 before it to attach the group to",
                    );
                }
            }
            RecordType::Pg60 => {
                // Qualifier → parent per the chapter's Note 1 (`codes/pg60-qualifiers.csv`,
                // with the dates the codes were added): a warning (SPEC S-018).
                if let Some(q) = text_of(r, Pg60::ADDITIONAL_INFO_QUALIFIER) {
                    check_pg60_qualifier(r, q, self.pg60_parent.as_ref(), sink);
                }
            }
            _ => {}
        }
    }

    /// S-020: a deviation from the recommended order of SPEC 4.2 (a warning), of a record
    /// outside PG50 groups (group content attaches to its parent and is not judged) whose
    /// [`facts`] are `f` (with a rank).
    fn order(&mut self, r: &R<'a>, rt: RecordType, f: u16) {
        if rt == RecordType::Pg02 && is_component(r) {
            // A component item starts its own detail records.
            self.max = (1, Some(*r));
            return;
        }
        let k = (f >> RANK_SHIFT) as u8;
        if self.after_pg30 && k == 4 {
            return; // laboratory / inspection parties follow their PG30
        }
        if k < self.max.0 {
            if let Some(prev) = &self.max.1 {
                s020(r, prev, self.sink);
            }
        } else {
            self.max = (k, Some(*r));
        }
        self.after_pg30 |= rt == RecordType::Pg30;
    }

    /// The rules judged at the end of the line: S-010 for a last PG13, S-022 (P54) for a
    /// line with data but no PG02 (an empty line is S-021's).
    fn finish(&mut self, pg01: &R<'_>) {
        if let Some(pg13) = self.pg13.take() {
            s010(&pg13, self.sink);
        }
        if !self.has_pg02 {
            self.sink.emit(
                RuleId::S_022,
                At::record(pg01),
                "PGA line without a PG02: CBP rejects it (P54) where the agency requires the PG02 item record",
            );
        }
    }
}

/// Whether a PG02 is a component item (item type `C`).
#[inline(never)]
fn is_component(pg02: &R<'_>) -> bool {
    text_bytes(pg02, Pg02::ITEM_TYPE) == Some(b"C".as_slice())
}

/// S-020: `r` out of the recommended order after `prev`.
#[cold]
#[inline(never)]
fn s020(r: &R<'_>, prev: &R<'_>, sink: &mut Sink<'_>) {
    sink.emit(
        RuleId::S_020,
        At::record(r),
        format!("{} after {} (line {}): recommended order is PG02, product detail, PG13/PG14, entity loops, PG22, PG23, PG24, PG25, PG26, PG27, PG29, PG30", r.id(), prev.id(), prev.line()),
    );
}

/// S-014: a PG50 group without its PG51.
#[cold]
#[inline(never)]
fn s014_open(pg50: &R<'_>, sink: &mut Sink<'_>) {
    sink.emit(
        RuleId::S_014,
        At::record(pg50),
        "PG50 without its PG51 in the same PGA line",
    );
}

/// S-010: a PG13 not directly followed by a PG14.
#[cold]
#[inline(never)]
fn s010(pg13: &R<'_>, sink: &mut Sink<'_>) {
    sink.emit(
        RuleId::S_010,
        At::record(pg13),
        "PG13 must be directly followed by the PG14 it describes",
    );
}

/// Record types a PG50…PG51 group may hold (SPEC S-024, chapter p. 67: 5, 6, 7, 10, 14, 19,
/// 22, 25, 26, 29, 31, 32), plus those other rules judge there: the PG20/PG21/PG55/PG60 of an
/// entity loop (S-006, S-008, S-017, S-018 when they have no loop), a nested PG50 (S-014),
/// `PG00` (replaced before processing, SPEC 4.5) and unknown `PGnn` (F-015).
fn allowed_in_group(rt: RecordType) -> bool {
    use RecordType::*;
    matches!(
        rt,
        Pg05 | Pg06
            | Pg07
            | Pg10
            | Pg14
            | Pg19
            | Pg22
            | Pg25
            | Pg26
            | Pg29
            | Pg31
            | Pg32
            | Pg20
            | Pg21
            | Pg55
            | Pg60
            | Pg50
            | Pg00
            | UnknownPg
    )
}

/// S-015: PG00 substitution groups within a transaction (`records`: its `PG00` records in
/// input order).
fn check_substitution(records: &[R<'_>], sink: &mut Sink<'_>) {
    let mut open: Option<(&str, &R<'_>)> = None;
    let mut defined: HashSet<&str> = HashSet::new();
    for r in records {
        let Some(p) = r.view::<Pg00>() else {
            continue;
        };
        let num = p.substitution_number();
        match p.substitution_indicator() {
            Some("S") => {
                if open.is_some() {
                    sink.emit(
                        RuleId::S_015,
                        At::record(r),
                        "PG00 S inside an open substitution group: groups do not nest",
                    );
                }
                match num {
                    None => sink.emit(
                        RuleId::S_015,
                        At::record(r),
                        "PG00 S needs a substitution number 0001-9999",
                    ),
                    Some(n) => {
                        if !defined.insert(n) {
                            sink.emit(
                                RuleId::S_015,
                                At::record(r),
                                format!("substitution number {n} defined twice in one transaction"),
                            );
                        }
                        open = Some((n, r));
                    }
                }
            }
            Some("E") => {
                if open.is_none() {
                    sink.emit(
                        RuleId::S_015,
                        At::record(r),
                        "PG00 E without an open PG00 S group",
                    );
                }
                open = None;
            }
            Some("R") => match num {
                None => sink.emit(
                    RuleId::S_015,
                    At::record(r),
                    "PG00 R needs the number of the group to insert",
                ),
                Some(n) if !defined.contains(n) => sink.emit(
                    RuleId::S_015,
                    At::record(r),
                    format!("PG00 R names group {n}, which no earlier PG00 S defines"),
                ),
                _ => {}
            },
            _ => {}
        }
    }
    if let Some((n, r)) = open {
        sink.emit(
            RuleId::S_015,
            At::record(r),
            format!("PG00 S group {n} has no PG00 E"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The S-016 table keeps one row per agency whether it is searched linearly or through
    /// its hash index (past [`Agencies::LINEAR`] agencies), against a map as the model.
    #[test]
    fn agency_rows_are_the_same_small_and_large() {
        let mut table = Agencies::default();
        let mut model: HashMap<u32, (u64, bool)> = HashMap::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..3 {
            table.clear();
            model.clear();
            for step in 0..400u64 {
                seed = crate::validate::samples::next_seed(seed);
                let n = (seed >> 40) as usize % (4 + round * 30);
                let code = format!("{:03}", n);
                let key = agency_key(code.as_bytes());
                let row = table.row(key).expect("row");
                let want = model.entry(key).or_insert((1, false));
                assert_eq!((row.1, row.2), *want, "round {round} step {step}");
                row.1 += step;
                row.2 |= step % 7 == 0;
                want.0 += step;
                want.1 |= step % 7 == 0;
            }
            assert_eq!(table.rows.len(), model.len());
        }
        assert_ne!(agency_key(b"FDA"), agency_key(b"FD"));
        assert_ne!(agency_key(b""), agency_key(b"\0"));
    }
}
