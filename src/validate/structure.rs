//! S rules (SPEC 6.2, 4): OI groups, PGA lines, parent/child links, entity loops, groups,
//! substitution, line numbering and the recommended record order.

// Each match arm reads as one rule's check; guards would hide the rule in the pattern.
#![allow(clippy::collapsible_match)]

use std::collections::{HashMap, HashSet};

use crate::codes::{CodeList, CodeRow};
use crate::error::Severity;
use crate::records::Record;
use crate::records::{Pg00, Pg01, Pg02, Pg19, Pg22, Pg26, Pg60, RecordType, View};
use crate::transmission::Transmission;
use crate::tree::{Item, OiGroup, PgaItem, PgaLine, Transaction};

use super::{text_of, At, RuleId, Sink};

type R<'a> = Record<'a>;

pub(super) fn check(t: &Transmission<'_>, sink: &mut Sink<'_>) {
    for tx in t.tree.transactions() {
        check_transaction(tx, sink);
    }
}

fn check_transaction(tx: &Transaction<R<'_>>, sink: &mut Sink<'_>) {
    // Whether the previous item is an anchor that already has its OI group (or a chain of
    // further OI groups under it): a new OI then is a second OI under one anchor (S-003).
    let mut under_anchor_with_group = false;
    for item in &tx.items {
        match item {
            Item::Anchor(a) => {
                under_anchor_with_group = a.oi_group.is_some();
                if let Some(g) = &a.oi_group {
                    check_group(g, sink);
                }
            }
            Item::OiGroup(g) => {
                if let Some(oi) = &g.oi {
                    if under_anchor_with_group {
                        sink.emit(RuleId::S_003, At::record(&oi.record), "second OI under one HTS anchor: each anchor carries at most one OI; put all PGA lines under the first");
                    } else {
                        sink.emit(RuleId::S_005, At::record(&oi.record), "OI group not directly after an HTS anchor (SE60 and its sub-records, or 50)");
                    }
                }
                under_anchor_with_group = under_anchor_with_group && g.oi.is_some();
                check_group(g, sink);
            }
            _ => under_anchor_with_group = false,
        }
    }
    check_substitution(tx, sink);
}

/// The PG01 of a line as a lazy view (each rule reads only the fields it needs).
fn pg01<'a>(l: &PgaLine<R<'a>>) -> Option<View<'a, Pg01<'a>>> {
    l.pg01.record.view::<Pg01>()
}

fn check_group(g: &OiGroup<R<'_>>, sink: &mut Sink<'_>) {
    if let Some(first) = g.lines.first() {
        if g.oi.is_none() {
            sink.emit(
                RuleId::S_001,
                At::record(&first.pg01.record),
                "PG01 without an OI before it: every PGA line needs the OI record of its HTS line",
            );
        }
    } else if let Some(oi) = &g.oi {
        sink.emit(
            RuleId::S_002,
            At::record(&oi.record),
            "OI not followed by any PG01: send the agency's PG01 (data or disclaimer) after the OI",
        );
    }
    // S-004: P03 ("Missing PG01 record") for a child record between an OI and its first PG01;
    // P32 ("records not allowed in group") for PG records after a host record without a new
    // OI/PG01 (SPEC 6.2 lists "P03 / P32").
    let cbp = if g.oi.is_some() { "P03" } else { "P32" };
    for o in &g.orphans {
        sink.emit_cbp(
            RuleId::S_004,
            Severity::Error,
            super::PGA_RULESET,
            Some(cbp),
            At::record(&o.record),
            format!("{} outside a PGA line: PG records follow their PG01; this one is not attached to any line", o.record.id()),
        );
    }
    check_numbering(g, sink);
    let sharing = g.data_sharing();
    for (i, line) in g.lines.iter().enumerate() {
        check_line(line, sharing.get(i).copied().flatten().is_some(), sink);
    }
}

/// S-016: PGA line numbers per agency `001`, `002` … under one OI; interleaving warns. An
/// agency whose lines reappear after another agency's may continue its count or restart at
/// `001`: the chapter says both (SPEC 4.7, pp. 13, 65), so both are accepted.
fn check_numbering(g: &OiGroup<R<'_>>, sink: &mut Sink<'_>) {
    let mut next: HashMap<&str, u64> = HashMap::new();
    let mut last_agency: Option<&str> = None;
    let mut closed: HashSet<&str> = HashSet::new();
    for line in &g.lines {
        let Some(p) = pg01(line) else { continue };
        let agency = p.agency_code().unwrap_or("");
        let mut reappears = false;
        if last_agency.is_some_and(|a| a != agency) {
            if let Some(a) = last_agency {
                closed.insert(a);
            }
            if closed.contains(agency) {
                reappears = true;
                sink.emit_sev(
                    RuleId::S_016,
                    Severity::Warning,
                    At::record(&line.pg01.record),
                    format!("PGA lines of agency {agency} are interleaved with another agency's; keep each agency's lines together"),
                );
            }
        }
        last_agency = Some(agency);
        let expected = next.get(agency).copied().unwrap_or(1);
        if let Some(n) = p.pga_line_number() {
            let restart = reappears && n == 1;
            if n > 999 || (n != expected && !restart) {
                let or_restart = if reappears {
                    " or 001 (restarted after another agency's lines)"
                } else {
                    ""
                };
                sink.emit(
                    RuleId::S_016,
                    At::record(&line.pg01.record),
                    format!("PGA line number {n:03} for agency {agency}: expected {expected:03}{or_restart} (numbered per agency under one OI, no gaps or duplicates)"),
                );
            }
            let after = if restart { n } else { n.max(expected) };
            next.insert(agency, after + 1);
        } else {
            next.insert(agency, expected + 1);
        }
    }
}

/// The record order rank of SPEC 4.2 (`None`: not judged).
fn rank(rt: RecordType) -> Option<u8> {
    use RecordType::*;
    Some(match rt {
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
        _ => return None,
    })
}

/// S-018 (warning): a PG60 qualifier outside `codes/pg60-qualifiers.csv`, not valid on the
/// as-of date, or not matching the record it follows (SPEC 6.2, chapter p. 58 Note 1).
fn check_pg60_qualifier(r: &R<'_>, q: &str, parent: Option<&R<'_>>, sink: &mut Sink<'_>) {
    let as_of = sink.opts.as_of;
    let rows: Vec<&CodeRow> = CodeList::Pg60Qualifiers.find(q).collect();
    let warn = |sink: &mut Sink<'_>, msg: String| {
        sink.emit_sev(RuleId::S_018, Severity::Warning, At::record(r), msg);
    };
    let Some(row) = rows.iter().find(|row| row.valid_on(as_of)) else {
        let msg = match rows.first().and_then(|row| row.valid_from) {
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

/// The rules of one PGA line; `shares`: the line shares the data set of a later PG01
/// (SPEC 4.1), so it has no child records of its own by design.
fn check_line(line: &PgaLine<R<'_>>, shares: bool, sink: &mut Sink<'_>) {
    if line.pg01.record.record_type() != RecordType::Pg01 {
        return;
    }
    let children = line.child_records();
    if let Some(d) = text_of(&line.pg01.record, Pg01::DISCLAIMER_CODE) {
        if let Some(first) = children.first() {
            sink.emit(
                RuleId::S_012,
                At::record(first),
                format!("{} after the PG01 at line {} that is disclaimed with {d}: a disclaimed PGA line is the PG01 alone", first.id(), line.pg01.record.line()),
            );
        }
        return;
    }
    if children.is_empty() {
        if !shares {
            sink.emit(
                RuleId::S_021,
                At::record(&line.pg01.record),
                "PGA line without child records and without a disclaimer (nor a PG01 after it whose data set it shares)",
            );
        }
        return;
    }
    // S-022 (P54): a line with data but no PG02 (an empty line is S-021's).
    if !children.iter().any(|r| r.record_type() == RecordType::Pg02) {
        sink.emit(
            RuleId::S_022,
            At::record(&line.pg01.record),
            "PGA line without a PG02: CBP rejects it (P54) where the agency requires the PG02 item record",
        );
    }
    // S-023 (P35): a PG50 group directly after the PG01.
    let first_group = match line.items.first() {
        Some(PgaItem::Group(g)) => Some(g),
        _ => None,
    };
    let s023 = first_group.is_some() && sink.on(RuleId::S_023);
    if let Some(g) = first_group {
        sink.emit(
            RuleId::S_023,
            At::record(&g.start.record),
            "PG50/PG51 group immediately after the PG01: a group attaches to a PG02, PG04, PG13 or PG14 before it",
        );
    }
    check_items(&line.items, &children, sink);
    // Record types by position, read from the records (no per-line vector).
    let type_at = |j: usize| children.get(j).map(|r| r.record_type());
    let prev_type = |i: usize| -> Option<RecordType> { i.checked_sub(1).and_then(type_at) };
    let mut pg26 = 0usize;
    let mut last_level: Option<u64> = None;
    let mut seen_p = false;
    let mut first_pg02 = true;
    for (i, r) in children.iter().enumerate() {
        match r.record_type() {
            RecordType::Pg08 => {
                if !matches!(
                    prev_type(i),
                    Some(RecordType::Pg07 | RecordType::Pg08 | RecordType::Pg60)
                ) {
                    sink.emit(
                        RuleId::S_009,
                        At::record(r),
                        "PG08 without its PG07 directly before it",
                    );
                }
            }
            RecordType::Pg13 => {
                if type_at(i + 1) != Some(RecordType::Pg14) {
                    sink.emit(
                        RuleId::S_010,
                        At::record(r),
                        "PG13 must be directly followed by the PG14 it describes",
                    );
                }
            }
            RecordType::Pg02 => {
                let is_p = text_of(r, Pg02::ITEM_TYPE) == Some("P");
                if first_pg02 && !is_p {
                    sink.emit(
                        RuleId::S_011,
                        At::record(r),
                        "the first PG02 of a PGA line must have item type P",
                    );
                } else if !first_pg02 && is_p && seen_p {
                    sink.emit(
                        RuleId::S_011,
                        At::record(r),
                        "more than one PG02 with item type P; further items are C",
                    );
                }
                seen_p |= is_p;
                first_pg02 = false;
            }
            RecordType::Pg26 => {
                let packaging_qualifier = r.view::<Pg26>().and_then(|v| v.packaging_qualifier());
                pg26 += 1;
                if pg26 == 7 {
                    sink.emit(
                        RuleId::S_013,
                        At::record(r),
                        "more than 6 PG26 packaging records in one PGA line",
                    );
                }
                if let (Some(l), Some(prev)) = (packaging_qualifier, last_level) {
                    if l <= prev {
                        sink.emit_sev(
                            RuleId::S_013,
                            Severity::Warning,
                            At::record(r),
                            format!("packaging level {l} after level {prev}: levels go outermost (1) to innermost (6)"),
                        );
                    }
                }
                last_level = packaging_qualifier.or(last_level);
            }
            RecordType::Pg50 => {
                let parent = children.get(..i).unwrap_or_default().iter().any(|c| {
                    matches!(
                        c.record_type(),
                        RecordType::Pg02 | RecordType::Pg04 | RecordType::Pg13 | RecordType::Pg14
                    )
                });
                // The PG50 right after the PG01 is S-023's (one cause, one finding).
                let explained_by_s023 = i == 0 && s023;
                if !parent && !explained_by_s023 {
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
                let parent = children
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .find(|c| !matches!(c.record_type(), RecordType::Pg55 | RecordType::Pg60));
                if let Some(q) = r.view::<Pg60>().and_then(|v| v.additional_info_qualifier()) {
                    check_pg60_qualifier(r, q, parent.copied(), sink);
                }
            }
            _ => {}
        }
    }
    // S-019 (opt-in): PG22 role without a PG19 loop of that role.
    if sink.on(RuleId::S_019) {
        check_pg22_roles(line, &children, sink);
    }
    check_order(line, sink);
}

/// S-019: a PG22 role without a PG19 loop of that role in the line.
fn check_pg22_roles(line: &PgaLine<R<'_>>, children: &[&R<'_>], sink: &mut Sink<'_>) {
    let roles: HashSet<&str> = line
        .entity_loops()
        .iter()
        .filter(|e| e.pg19.record.record_type() == RecordType::Pg19)
        .filter_map(|e| text_of(&e.pg19.record, Pg19::ENTITY_ROLE_CODE))
        .collect();
    for r in children {
        if r.record_type() == RecordType::Pg22 {
            if let Some(role) = text_of(r, Pg22::ENTITY_ROLE_CODE) {
                if !roles.contains(role) {
                    sink.emit(
                        RuleId::S_019,
                        At::record(r),
                        format!(
                            "PG22 names role {role} but the PGA line has no PG19 loop of that role"
                        ),
                    );
                }
            }
        }
    }
}

/// S-006, S-007, S-008, S-014, S-017, S-018 over the line's items (orphans in position).
fn check_items(items: &[PgaItem<R<'_>>], flat: &[&R<'_>], sink: &mut Sink<'_>) {
    // Record type before each record, by line (one pass, sorted by line for a binary
    // search: no hashing per record, no quadratic lookups).
    let mut prev_by_line: Vec<(u32, RecordType)> = flat
        .windows(2)
        .filter_map(|w| Some((w.get(1)?.line(), w.first()?.record_type())))
        .collect();
    prev_by_line.sort_unstable_by_key(|&(l, _)| l);
    let prev_of = |r: &R<'_>| -> Option<RecordType> {
        let i = prev_by_line
            .binary_search_by_key(&r.line(), |&(l, _)| l)
            .ok()?;
        prev_by_line.get(i).map(|&(_, t)| t)
    };
    // Lines of records S-007 explains (sorted for a binary search; usually empty).
    let mut explained: Vec<u32> = Vec::new();
    // S-007: a run of PG19s (the first without PG20/PG21) followed by orphan PG20/PG21s.
    let mut i = 0;
    while i < items.len() {
        let run_start = i;
        while let Some(PgaItem::Entity(_)) = items.get(i) {
            i += 1;
        }
        let run = items.get(run_start..i).unwrap_or_default();
        let first_bare = matches!(run.first(), Some(PgaItem::Entity(e)) if e.pg20.is_none() && e.items.is_empty());
        if run.len() >= 2 && first_bare {
            let mut j = i;
            let mut first = true;
            while let Some(PgaItem::Record(n)) = items.get(j) {
                if !matches!(
                    n.record.record_type(),
                    RecordType::Pg20 | RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60
                ) {
                    break;
                }
                if first {
                    sink.emit(
                        RuleId::S_007,
                        At::record(&n.record),
                        format!(
                            "entity loops not kept together: {} PG19 records in a row, then their PG20/PG21 records; send each party as PG19, PG20, PG21",
                            run.len()
                        ),
                    );
                    first = false;
                }
                explained.push(n.record.line());
                j += 1;
            }
        }
        if i == run_start {
            i += 1;
        }
    }
    explained.sort_unstable();
    walk_items(items, false, &prev_of, &explained, sink);
}

fn walk_items(
    items: &[PgaItem<R<'_>>],
    in_group: bool,
    prev_of: &dyn Fn(&R<'_>) -> Option<RecordType>,
    explained: &[u32],
    sink: &mut Sink<'_>,
) {
    for item in items {
        match item {
            PgaItem::Record(n) => {
                let r = &n.record;
                if explained.binary_search(&r.line()).is_ok() {
                    continue;
                }
                let prev = prev_of(r);
                match r.record_type() {
                    RecordType::Pg20 => sink.emit(
                        RuleId::S_006,
                        At::record(r),
                        "PG20 without its PG19 directly before it",
                    ),
                    RecordType::Pg21 => {
                        if !matches!(
                            prev,
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
                            prev,
                            Some(RecordType::Pg21 | RecordType::Pg55 | RecordType::Pg60)
                        ) {
                            sink.emit(RuleId::S_017, At::record(r), "PG55 must directly follow the PG19, PG20 or PG21 of its entity loop");
                        }
                    }
                    RecordType::Pg60 => {
                        if !matches!(
                            prev,
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
            PgaItem::Entity(_) => {}
            PgaItem::Group(g) => {
                if g.end.is_none() {
                    sink.emit(
                        RuleId::S_014,
                        At::record(&g.start.record),
                        "PG50 without its PG51 in the same PGA line",
                    );
                }
                walk_items(&g.items, true, prev_of, explained, sink);
            }
        }
    }
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

/// S-020: deviations from the recommended order of SPEC 4.2 (warnings).
fn check_order(line: &PgaLine<R<'_>>, sink: &mut Sink<'_>) {
    let mut max: (u8, Option<&R<'_>>) = (0, None);
    let mut after_pg30 = false;
    let mut judge = |r: &R<'_>, max: &mut (u8, Option<&R<'_>>)| {
        if r.record_type() == RecordType::Pg02 && text_of(r, Pg02::ITEM_TYPE) == Some("C") {
            // A component item starts its own detail records.
            *max = (1, None);
            return true;
        }
        let Some(k) = rank(r.record_type()) else {
            return false;
        };
        if after_pg30 && k == 4 {
            return false; // laboratory / inspection parties follow their PG30
        }
        let keep = if k < max.0 {
            if let Some(prev) = max.1 {
                sink.emit(
                    RuleId::S_020,
                    At::record(r),
                    format!("{} after {} (line {}): recommended order is PG02, product detail, PG13/PG14, entity loops, PG22, PG23, PG24, PG25, PG26, PG27, PG29, PG30", r.id(), prev.id(), prev.line()),
                );
            }
            false
        } else {
            max.0 = k;
            true
        };
        after_pg30 |= r.record_type() == RecordType::Pg30;
        keep
    };
    // Records outside PG50 groups (group content attaches to its parent and is not judged),
    // in input order, visited without collecting them. `judge` says whether the record
    // becomes the one to name in a later finding.
    let mut visit = |r| {
        if judge(r, &mut max) {
            max.1 = Some(r);
        }
    };
    for item in &line.items {
        match item {
            PgaItem::Record(n) => visit(&n.record),
            PgaItem::Entity(e) => {
                visit(&e.pg19.record);
                if let Some(n) = &e.pg20 {
                    visit(&n.record);
                }
                e.items.iter().for_each(|n| visit(&n.record));
            }
            PgaItem::Group(_) => {}
        }
    }
}

/// S-015: PG00 substitution groups within a transaction.
fn check_substitution(tx: &Transaction<R<'_>>, sink: &mut Sink<'_>) {
    let mut open: Option<(&str, &R<'_>)> = None;
    let mut defined: HashSet<String> = HashSet::new();
    let mut records: Vec<&R<'_>> = Vec::new();
    tx.for_each_record(|r| {
        if r.record_type() == RecordType::Pg00 {
            records.push(r);
        }
    });
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
                        if !defined.insert(n.to_string()) {
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
