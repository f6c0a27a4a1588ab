//! E rules (SPEC 6.3): batch and block pairing, envelope consistency, filler, mandatory
//! envelope fields (ABI Batch & Block Control rev 23; CSMS #07-000180, #12-000220).

use std::borrow::Borrow;
use std::collections::HashSet;

use crate::codes::{is_response_application, CodeList};
#[cfg(doc)]
use crate::layout::FieldDef;
use crate::layout::{all_spaces, Designation, FillerContent};
use crate::records::Record;
use crate::records::{Body, RecordType};
use crate::tree::{FlatItem, FlatTree, GroupKind, GroupRef, NodeRef};

use super::{At, RuleId, Sink};
use crate::error::Severity;

pub(super) fn block_application<'a>(b: GroupRef<'_, 'a>) -> Option<&'a str> {
    match b.head()?.record().body() {
        Some(Body::BlockHeader(h)) => h.application_id,
        _ => None,
    }
}

/// The E rules over a whole transmission: [`begin`], then per batch [`batch_begin`] and per
/// block [`EnvelopeBlock`]'s steps (one implementation with the fused driver of
/// [`super::validate`]).
#[cfg(test)]
pub(super) fn check(t: &FlatTree<'_>, sink: &mut Sink<'_>) {
    begin(t, sink);
    let mut seen_batch = false;
    for batch in t.batches() {
        let a_app = batch_begin(batch, &mut seen_batch, sink);
        let mut blocks = batch.blocks().peekable();
        while let Some(block) = blocks.next() {
            let next = blocks.peek().copied();
            let mut pass = EnvelopeBlock::begin(batch, next, block, a_app, sink);
            for tx in block.transactions() {
                pass.transaction(tx, tx.records(), sink);
            }
            pass.end(block, sink);
        }
    }
}

/// E-001: the first record outside an A…Z batch, or the last record of a batch without `Z`.
pub(super) fn begin(t: &FlatTree<'_>, sink: &mut Sink<'_>) {
    if let Some(b) = t.batches().find(|b| b.head().is_none()) {
        if let Some(r) = b.records().next() {
            sink.emit(RuleId::E_001, At::record(&r), "record outside an A…Z batch: a transmission starts with an A record and ends with a Z record");
        }
    } else if let Some(b) = t.batches().find(|b| b.tail().is_none()) {
        if let Some(r) = b.records().next_back() {
            sink.emit(
                RuleId::E_001,
                At::record(&r),
                "the batch has no Z record: end the transmission with a Z record",
            );
        }
    }
}

/// The E rules of a batch's `A` and `Z` records (E-002, E-009, E-010, E-011 without blocks,
/// E-012, E-006); `seen_batch` is whether a batch with an `A` came before. Returns the `A`
/// application id.
pub(super) fn batch_begin<'a>(
    batch: GroupRef<'_, 'a>,
    seen_batch: &mut bool,
    sink: &mut Sink<'_>,
) -> Option<&'a str> {
    let header = batch.head().map(|h| h.record());
    // The batch's application id (A 26-27): whether its A and Z are CBP output.
    let batch_app = header.and_then(|h| match h.body() {
        Some(Body::BatchHeader(a)) => a.application_id,
        _ => None,
    });
    if let Some(h) = &header {
        if *seen_batch {
            sink.emit(
                RuleId::E_002,
                At::record(h),
                "second batch in one input: CBP accepts one batch per message (CSMS #07-000180); send it separately",
            );
        }
        *seen_batch = true;
        check_record_filler(h, batch_app, sink);
        check_mandatory(h, sink);
        if batch.blocks().next().is_none() {
            sink.emit(RuleId::E_011, At::record(h), "batch without blocks");
        }
    }
    if let Some(z) = &batch.tail().map(|z| z.record()) {
        check_record_filler(z, batch_app, sink);
        check_mandatory(z, sink);
        if let (Some(h), Some(Body::BatchTrailer(zb))) = (&header, z.body()) {
            if let Some(Body::BatchHeader(a)) = h.body() {
                if a.sender_site_code != zb.sender_site_code {
                    sink.emit(
                        RuleId::E_012,
                        At::record(z),
                        "Z sender site code differs from the A record's",
                    );
                }
                if a.sender_id_code != zb.sender_id_code {
                    sink.emit(
                        RuleId::E_012,
                        At::record(z),
                        "Z sender id code differs from the A record's",
                    );
                }
            }
        }
    }
    if let (Some(app), Some(h)) = (batch_app, &header) {
        if CodeList::ApplicationIds.find(app).next().is_none() {
            sink.emit(
                RuleId::E_006,
                At::field(h, crate::records::BatchHeader::APPLICATION_ID),
                format!("application id {app} is not in the ABI application table"),
            );
        }
    }
    batch_app
}

/// The E rules of one block as steps: [`Self::begin`] (its `B`: E-009, E-010, E-006,
/// E-011, E-003), [`Self::transaction`] per transaction (E-007, and the count of E-008),
/// [`Self::end`] (its `Y`: E-009, E-010, E-004, E-005, E-008).
pub(super) struct EnvelopeBlock<'a> {
    /// E-007 of the block (`None`: the block has no application id).
    foreign: Option<Foreign<'a>>,
    /// Whether the block's misplaced OI/PG records were reported already.
    warned_pg: bool,
    /// The records between the `B` and the `Y` so far, when E-008 needs them.
    count: Option<u64>,
}

impl<'a> EnvelopeBlock<'a> {
    /// `block` of `batch`, followed by the block `next` (if any), whose batch's `A`
    /// application id is `a_app`: the E rules of its `B` record.
    pub(super) fn begin(
        batch: GroupRef<'_, 'a>,
        next: Option<GroupRef<'_, 'a>>,
        block: GroupRef<'_, 'a>,
        a_app: Option<&str>,
        sink: &mut Sink<'_>,
    ) -> Self {
        let app = block_application(block);
        let header = block.head();
        if let Some(hn) = header {
            let h = &hn.record();
            check_record_filler(h, app, sink);
            check_mandatory(h, sink);
            if let Some(app) = app {
                if CodeList::ApplicationIds.find(app).next().is_none() {
                    sink.emit(
                        RuleId::E_006,
                        At::field(h, crate::records::BlockHeader::APPLICATION_ID),
                        format!("application id {app} is not in the ABI application table"),
                    );
                } else if a_app.is_some_and(|a| a != app) {
                    sink.emit(
                        RuleId::E_006,
                        At::field(h, crate::records::BlockHeader::APPLICATION_ID),
                        format!(
                            "B application id {app} differs from the A record's {}",
                            a_app.unwrap_or("")
                        ),
                    );
                }
            }
            if block.transactions().all(|t| t.range().is_empty()) {
                sink.emit(RuleId::E_011, At::record(h), "block without transactions");
            }
            if block.tail().is_none() {
                // E-003: the record that arrived while the block was open.
                let closer = match next {
                    Some(next) => next.head(),
                    None => batch.tail(),
                };
                if let Some(c) = closer.map(|c| c.record()) {
                    sink.emit(
                        RuleId::E_003,
                        At::record(&c),
                        format!("{} record while the block opened at line {} is still open: its Y record is missing", c.id(), h.line()),
                    );
                }
            }
        }
        // E-008 compares a `Y` record count with a `B`: count only then.
        let counted = match (header, block.tail()) {
            (Some(h), Some(y)) => matches!(
                (h.record().body(), y.record().body()),
                (Some(Body::BlockHeader(_)), Some(Body::BlockTrailer(yb))) if yb.record_count.is_some()
            ),
            _ => false,
        };
        let mut pass = EnvelopeBlock {
            foreign: Foreign::new(app),
            warned_pg: false,
            count: counted.then_some(0),
        };
        if let (Some(f), Some(h)) = (&pass.foreign, header) {
            f.node(h, &mut pass.warned_pg, sink);
        }
        pass
    }

    /// The E rules of the block's next transaction.
    #[inline]
    /// `records` are the transaction's records in input order.
    pub(super) fn transaction<'r>(
        &mut self,
        tx: GroupRef<'_, 'a>,
        records: impl IntoIterator<Item = impl Borrow<Record<'r>>>,
        sink: &mut Sink<'_>,
    ) {
        if let Some(n) = self.count.as_mut() {
            *n += tx.range().len() as u64;
        }
        if let Some(f) = self.foreign.as_mut() {
            f.transaction(tx, records, &mut self.warned_pg, sink);
        }
    }

    /// The E rules of the block's `Y` record, after its last transaction.
    pub(super) fn end(mut self, block: GroupRef<'_, 'a>, sink: &mut Sink<'_>) {
        let trailer = block.tail();
        if let (Some(f), Some(y)) = (&self.foreign, trailer) {
            f.node(y, &mut self.warned_pg, sink);
        }
        let app = block_application(block);
        if let Some(y) = &trailer.map(|y| y.record()) {
            check_record_filler(y, app, sink);
            check_mandatory(y, sink);
            match block.head().map(|h| h.record()) {
                None => sink.emit(
                    RuleId::E_004,
                    At::record(y),
                    "Y record without an open B record",
                ),
                Some(h) => {
                    if let (Some(Body::BlockHeader(b)), Some(Body::BlockTrailer(yb))) =
                        (h.body(), y.body())
                    {
                        for (f, bv, yv) in [
                            (
                                crate::records::BlockTrailer::DISTRICT_PORT_CODE,
                                b.district_port_code,
                                yb.district_port_code,
                            ),
                            (
                                crate::records::BlockTrailer::FILER_CODE,
                                b.filer_code,
                                yb.filer_code,
                            ),
                            (
                                crate::records::BlockTrailer::APPLICATION_ID,
                                b.application_id,
                                yb.application_id,
                            ),
                        ] {
                            let name = f.name;
                            if bv != yv {
                                sink.emit(
                                    RuleId::E_005,
                                    At::field(y, f),
                                    format!(
                                        "Y {name} \"{}\" differs from the B record's \"{}\" (line {})",
                                        yv.unwrap_or(""),
                                        bv.unwrap_or(""),
                                        h.line()
                                    ),
                                );
                            }
                        }
                        if let (Some(count), Some(n)) = (yb.record_count, self.count) {
                            if count != n {
                                sink.emit(
                                    RuleId::E_008,
                                    At::field(y, crate::records::BlockTrailer::RECORD_COUNT),
                                    format!("Y record count {count} but {n} records lie between the B and the Y"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// E-007: records foreign to the block's application `app` (the block's `B` application id).
/// `warned_pg` is whether the block's misplaced OI/PG records were reported already (once
/// per block; a stream checks a block piece by piece).
pub(super) fn check_foreign(
    block: GroupRef<'_, '_>,
    app: Option<&str>,
    warned_pg: &mut bool,
    sink: &mut Sink<'_>,
) {
    let Some(mut f) = Foreign::new(app) else {
        return;
    };
    if let Some(h) = block.head() {
        f.node(h, warned_pg, sink);
    }
    for tx in block.transactions() {
        f.transaction(tx, tx.records(), warned_pg, sink);
    }
    if let Some(y) = block.tail() {
        f.node(y, warned_pg, sink);
    }
}

/// The host identifiers an application allows (E-007), decided once per block.
#[derive(Clone, Copy)]
enum Hosts {
    Prefix(&'static [u8]),
    Digits,
    Any,
}

/// E-007 of one block as steps, fed its records in input order ([`Self::node`] for its
/// `B` and `Y` nodes, [`Self::transaction`] for each transaction).
pub(super) struct Foreign<'b> {
    app: &'b str,
    hosts: Hosts,
    /// Whether OI/PG records belong in the application.
    pg_ok: bool,
    /// Whether the application is Entry Summary (`AE`, `AX`).
    entry_summary: bool,
    /// SPEC 3.3: in Entry Summary the `50` carries its own `SE60`/`SE61` records before
    /// the OI group (the tree keeps them as the anchor's sub-records); they belong to the
    /// block. The lines of those of the current transaction.
    ae_sub_records: HashSet<u32>,
}

impl<'b> Foreign<'b> {
    /// E-007 of a block of application `app`; `None` (no rule) without one.
    pub(super) fn new(app: Option<&'b str>) -> Option<Self> {
        let app = app?;
        let hosts = match app {
            "SE" | "SX" => Hosts::Prefix(b"SE"),
            "AE" | "AX" => Hosts::Digits,
            "SO" => Hosts::Prefix(b"SO"),
            _ => Hosts::Any,
        };
        let pg_ok = matches!(
            app,
            "SE" | "SX" | "AE" | "AX" | "CA" | "CC" | "PE" | "PX" | "ER" | "C1"
        );
        Some(Foreign {
            app,
            hosts,
            pg_ok,
            entry_summary: matches!(app, "AE" | "AX"),
            ae_sub_records: HashSet::new(),
        })
    }

    /// The records of the block's next transaction.
    pub(super) fn transaction<'r>(
        &mut self,
        tx: GroupRef<'_, '_>,
        records: impl IntoIterator<Item = impl Borrow<Record<'r>>>,
        warned_pg: &mut bool,
        sink: &mut Sink<'_>,
    ) {
        // Only host records, and OI/PG records in a block they do not belong in (until the
        // first is reported), can give a finding: the others are passed over on their type
        // alone, and a block whose host records all belong gives none.
        let mut wants_pg = !self.pg_ok && !*warned_pg;
        if !wants_pg && matches!(self.hosts, Hosts::Any) {
            return;
        }
        if self.entry_summary {
            // Sub-records are records of their own transaction: the set of one transaction
            // is the block's for its records.
            self.ae_sub_records.clear();
            for item in tx.items() {
                if let FlatItem::Group(a) = item {
                    if a.kind() == GroupKind::Anchor
                        && a.head().is_some_and(|h| h.record().id() == "50")
                    {
                        self.ae_sub_records
                            .extend(a.items().filter_map(|i| match i {
                                FlatItem::Record(n) => Some(n.record().line()),
                                FlatItem::Group(_) => None,
                            }));
                    }
                }
            }
        }
        for r in records {
            let r = r.borrow();
            let rt = r.record_type();
            if rt == RecordType::Host || (wants_pg && super::field::is_pga_record(rt)) {
                self.record(r, warned_pg, sink);
                wants_pg = !self.pg_ok && !*warned_pg;
            }
        }
    }

    /// A node of the block outside its transactions (its `B` or `Y`, with their
    /// conditions).
    fn node(&self, n: NodeRef<'_, '_>, warned_pg: &mut bool, sink: &mut Sink<'_>) {
        self.record(&n.record(), warned_pg, sink);
        for c in n.conditions() {
            self.record(&c, warned_pg, sink);
        }
    }

    /// On the identifier as `Record::id` reads it (no text: empty), without making it text.
    fn host_ok(&self, r: &Record<'_>) -> Option<bool> {
        let id = r.id_bytes();
        // Whether the identifier reads as text (else `Record::id` is empty); asked only
        // when the answer can change the outcome.
        let text = || id.iter().all(u8::is_ascii) || std::str::from_utf8(id).is_ok();
        match self.hosts {
            // An empty identifier does not start with the prefix.
            Hosts::Prefix(p) => Some(id.starts_with(p) && text()),
            // Digits are text; an empty identifier is all digits.
            Hosts::Digits => Some(id.iter().all(u8::is_ascii_digit) || !text()),
            Hosts::Any => None,
        }
    }

    /// E-007 of one record: a host record of another application, or the first OI/PG
    /// record in a block whose application has none (the findings are made out of line).
    #[inline]
    fn record(&self, r: &Record<'_>, warned_pg: &mut bool, sink: &mut Sink<'_>) {
        let rt = r.record_type();
        if rt == RecordType::Host {
            if self.host_ok(r) == Some(false) {
                self.foreign_host(r, sink);
            }
        } else if super::field::is_pga_record(rt) && !self.pg_ok && !*warned_pg {
            *warned_pg = true;
            self.misplaced_pg(r, sink);
        }
    }

    /// E-007 of a host record of another application (an Entry Summary `50`'s own
    /// `SE60`/`SE61` belong to the block).
    #[cold]
    #[inline(never)]
    fn foreign_host(&self, r: &Record<'_>, sink: &mut Sink<'_>) {
        if self.ae_sub_records.contains(&r.line()) {
            return;
        }
        let app = self.app;
        sink.emit(
            RuleId::E_007,
            At::record(r),
            match r.id().trim() {
                // A blank line (F-001) has no identifier to name.
                "" => format!("a record without an identifier in a block of application {app} (ABI reject 8WR)"),
                id => format!("{id} record in a block of application {app} (ABI reject 8WR)"),
            },
        );
    }

    /// E-007 (a warning) of the first OI/PG record in a block of an application without
    /// them.
    #[cold]
    #[inline(never)]
    fn misplaced_pg(&self, r: &Record<'_>, sink: &mut Sink<'_>) {
        let app = self.app;
        sink.emit_sev(
            RuleId::E_007,
            Severity::Warning,
            At::record(r),
            format!("OI/PG records in a block of application {app}; they are expected in SE, AE, CA or PE transactions"),
        );
    }
}

/// E-009 (SPEC 6.3): data in envelope filler, one finding per filler row of the layout
/// table. Batch & Block Control rev 23 makes every filler "space only" and rejects the batch
/// on data there (condition X39): an error, except the values a [`FillerContent::Legacy`]
/// row lists (`00` / `01` in the `B` / `Y` filler 2–3, older layouts seen in production
/// traffic): a warning. In CBP output a [`FillerContent::OutputData`] row (`B` 13–44,
/// statement data) and the last column (a record indicator) carry data: no finding (the `Y`
/// count is the field `record_count`, not filler).
pub(super) fn check_record_filler(r: &Record<'_>, app: Option<&str>, sink: &mut Sink<'_>) {
    let Some(layout) = r.record_type().layout() else {
        return;
    };
    let output = app.is_some_and(is_response_application);
    let last_column = layout
        .fields
        .iter()
        .map(|f| f.end)
        .chain(layout.fillers.iter().map(|f| f.end))
        .max();
    for filler in layout.fillers {
        let (s, e) = (filler.start, filler.end);
        if output && filler.content == FillerContent::OutputData {
            continue; // statement data
        }
        let data = (s..=e).any(|col| {
            let b = r.raw().get(usize::from(col) - 1).copied().unwrap_or(b' ');
            b != b' ' && !(output && Some(col) == last_column)
        });
        if !data {
            continue;
        }
        let bytes = filler.slice(r.raw());
        let legacy = match filler.content {
            FillerContent::Legacy(values) => values.iter().any(|v| v.as_bytes() == bytes),
            _ => false,
        };
        let (sev, why) = if legacy {
            (
                Severity::Warning,
                "legacy block-control content of older layouts; the serializer writes spaces",
            )
        } else {
            (
                Severity::Error,
                "CBP rejects the batch on data in filler (Batch & Block Control rev 23, X39)",
            )
        };
        sink.emit_sev(
            RuleId::E_009,
            sev,
            At::record(r).cols(s, e),
            format!("{} filler bytes {s}-{e} must be spaces: {why}", r.id()),
        );
    }
}

/// E-010: mandatory envelope fields: the fields of designation M in the record's layout
/// (`records.csv`), except in CBP output those CBP blanks ([`FieldDef::blanked_in_output`]:
/// the `A` communication password, SPEC 6.3).
pub(super) fn check_mandatory(r: &Record<'_>, sink: &mut Sink<'_>) {
    let Some(layout) = r.record_type().layout() else {
        return;
    };
    let output = match r.body() {
        Some(Body::BatchHeader(a)) => a.application_id.is_some_and(is_response_application),
        Some(Body::BlockHeader(_) | Body::BlockTrailer(_) | Body::BatchTrailer(_)) => false,
        _ => return,
    };
    for f in layout.fields {
        if f.designation != Designation::M || (output && f.blanked_in_output) {
            continue;
        }
        if all_spaces(f.slice(r.raw())) {
            let name = f.name;
            sink.emit(
                RuleId::E_010,
                At::field(r, f),
                format!("mandatory {} field {name} is blank", r.id()),
            );
        }
    }
}
