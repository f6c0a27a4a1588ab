//! Validation of an input piece by piece, for a streaming checker (issue 13): the rules of
//! [`super::validate`] split into what one piece of the input decides on its own and what
//! needs the input around it.
//!
//! A piece is a run of whole records that starts with a record that begins a transaction or
//! is an envelope record (`A`, `B`, `Y`, `Z`), so that its tree holds whole transactions.
//! [`PieceChecks`] runs the F, S, H and OR rules and E-007 on such a piece (OR-018's
//! certificates and a block's `B` header come from the caller); [`EnvelopeTracker`] runs the
//! other E rules from the envelope records and per-block counts only (SPEC 6.3).

use super::{envelope, host, organic, At, Finding, RuleId, Sink};
use super::{Location, Severity, ValidateOptions, PGA_RULESET};
use crate::error::ParseError;
use crate::records::{Body, Record, RecordType};
use crate::tree::{FlatTree, GroupRef};

pub(crate) use organic::CertificateHts;

/// A finding and, for the human rendering, the first 81 bytes of the record it points to
/// when that record is not in the piece being checked.
pub(crate) type Emitted = (Finding, Option<Box<[u8]>>);

/// Runs `f` on a sink that keeps every finding (`opts` has no `max_findings` cap); returns
/// them in emission order.
fn emitted(opts: &ValidateOptions, f: impl FnOnce(&mut Sink<'_>)) -> Vec<Finding> {
    let mut sink = Sink::new(opts);
    f(&mut sink);
    sink.kept.into_iter().map(|(_, f)| f).collect()
}

/// The rules that one piece decides, with the state they carry from piece to piece.
/// The F, S and OR findings of a piece ([`PieceChecks::records`]): the first
/// `max_findings` of the caller's options in report order, in emission order, and the
/// counts of the others. The caller keeps at most `max_findings` of all the pieces' findings
/// in report order, so what a piece leaves out is never kept (the piece's order is the
/// report's); a piece of garbage (some 70 findings per record) holds a bounded number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) kept: Vec<Finding>,
    /// Errors, warnings and findings by rule left out.
    pub(crate) left_out: (usize, usize, std::collections::BTreeMap<RuleId, usize>),
}

impl Found {
    /// Whether a finding of `rule` was found (kept or not).
    pub(crate) fn has(&self, rule: RuleId) -> bool {
        self.kept.iter().any(|f| f.rule == rule) || self.left_out.2.contains_key(&rule)
    }
}

#[derive(Debug)]
pub(crate) struct PieceChecks {
    /// The caller's options without the `max_findings` cap (the caller caps).
    opts: ValidateOptions,
    /// The caller's options as they are: [`Self::records`] keeps their `max_findings`.
    capped: ValidateOptions,
    /// OR-018: certificates filed so far.
    cert_hts: CertificateHts,
}

impl PieceChecks {
    /// Checks with `opts` (levels, opt-in rules, as-of date; `max_findings` is the caller's).
    pub(crate) fn new(opts: &ValidateOptions) -> Self {
        let capped = opts.clone();
        let mut opts = opts.clone();
        opts.max_findings = usize::MAX;
        PieceChecks {
            opts,
            capped,
            cert_hts: CertificateHts::new(),
        }
    }

    /// The F rules (the piece's parse problems and every record), the S rules and the OR
    /// rules of a parsed piece, in the order [`super::validate`] emits them: the first
    /// `max_findings` in report order and the counts of the rest ([`Found`]).
    /// `t` is the piece's flat tree.
    pub(crate) fn records(&mut self, t: &FlatTree<'_>) -> Found {
        let mut sink = Sink::new(&self.capped);
        super::pass::run(
            t,
            t.options().lenient_numeric,
            &mut sink,
            super::pass::WINDOW,
            super::pass::Families::PIECE,
            &mut self.cert_hts,
        );
        sink.cut();
        sink.kept.sort_unstable_by_key(|(seq, _)| *seq);
        let (mut errors, mut warnings, mut by_rule) = (sink.errors, sink.warnings, sink.by_rule);
        for (_, f) in &sink.kept {
            match f.severity {
                Severity::Error => errors = errors.saturating_sub(1),
                Severity::Warning => warnings = warnings.saturating_sub(1),
            }
            if let Some(n) = by_rule.get_mut(&f.rule) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    by_rule.remove(&f.rule);
                }
            }
        }
        Found {
            kept: sink.kept.into_iter().map(|(_, f)| f).collect(),
            left_out: (errors, warnings, by_rule),
        }
    }

    /// Forgets the certificates (OR-018) seen so far.
    pub(crate) fn forget_certificates(&mut self) {
        self.cert_hts.clear();
    }

    /// Takes over the certificates (OR-018) that `piece` saw when it checked the next piece
    /// with [`Self::records`] on its own, from no certificate, with `found` its findings:
    /// returns `true` when that gives what checking the piece after the pieces so far gives
    /// (none of its certificates was filed before, or each for the same HTS and the piece
    /// has no OR-018 finding), `false` (nothing taken: the piece is to be checked again with
    /// `self`) otherwise. `piece` is left without certificates either way.
    pub(crate) fn adopt(&mut self, piece: &mut PieceChecks, found: &Found) -> bool {
        let or_018 = found.has(RuleId::OR_018);
        let same = piece.cert_hts.iter().all(|(k, (h, _))| {
            self.cert_hts
                .get(k)
                .is_none_or(|(before, _)| before == h && !or_018)
        });
        if same {
            for (k, v) in piece.cert_hts.drain() {
                self.cert_hts.entry(k).or_insert(v);
            }
        } else {
            piece.cert_hts.clear();
        }
        same
    }

    /// E-007 of (a piece of) a block of application `app`; `warned_pg` carries the once-per-
    /// block warning from piece to piece.
    pub(crate) fn foreign(
        &self,
        block: GroupRef<'_, '_>,
        app: Option<&str>,
        warned_pg: &mut bool,
    ) -> Vec<Finding> {
        emitted(&self.opts, |sink| {
            envelope::check_foreign(block, app, warned_pg, sink)
        })
    }

    /// The H rules of (a piece of) a block whose `B` reads `header` ([`host_header`]); a
    /// block without one is checked as if it held an `SE10` ([`has_se10`] decides).
    pub(crate) fn host(
        &self,
        block: GroupRef<'_, '_>,
        header: Option<(Option<&str>, Option<&str>)>,
    ) -> Vec<Finding> {
        emitted(&self.opts, |sink| host::check_block(block, header, sink))
    }

    /// The findings of a parse that failed as a whole (F-020, F-021, F-023, a limit), as
    /// [`super::check_bytes`] reports them.
    pub(crate) fn parse_failure(&self, e: &ParseError) -> Vec<Finding> {
        emitted(&self.opts, |sink| super::parse_failure(e, sink))
    }
}

/// The `B` application id of a block as the E rules read it (its body), if it has a `B`.
pub(crate) fn block_app<'a>(block: GroupRef<'_, 'a>) -> Option<&'a str> {
    envelope::block_application(block)
}

/// The `B` application id and filer code of a block as the H rules read them.
pub(crate) fn host_header<'a>(
    block: GroupRef<'_, 'a>,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    host::block_header_of(block)
}

/// Whether (a piece of) a block holds an `SE10`.
pub(crate) fn has_se10(block: GroupRef<'_, '_>) -> bool {
    host::has_se10(block)
}

/// Where a deferred finding points, with the record's first 81 bytes.
#[derive(Debug, Clone)]
struct Loc {
    id: String,
    line: u32,
    offset: usize,
    raw: Box<[u8]>,
}

impl Loc {
    fn of(r: &Record<'_>) -> Self {
        let raw = r.raw();
        Loc {
            id: r.id().to_string(),
            line: r.line(),
            offset: r.offset(),
            raw: raw.get(..raw.len().min(81)).unwrap_or_default().into(),
        }
    }

    fn at(&self) -> At<'_> {
        At {
            record: Some(self.id.as_bytes()),
            line: Some(self.line),
            columns: None,
            offset: self.offset,
        }
    }
}

/// An open batch: what its `Z` and its end need of its `A`.
#[derive(Debug)]
struct BatchState {
    header: Option<Loc>,
    /// `A` application id (body), E-006 and E-009 of its blocks.
    app: Option<String>,
    /// `A` sender site and id codes, when the `A` reads as a batch header (E-012).
    sender: Option<(Option<String>, Option<String>)>,
    has_blocks: bool,
    /// The first record, for a batch without `A` (E-001).
    first: Option<Loc>,
}

/// An open block: what its `Y`, its closer and its end need of its `B`.
#[derive(Debug)]
struct BlockState {
    header: Option<Loc>,
    /// `B` application id (body).
    app: Option<String>,
    /// `B` district/port, filer code and application id when the `B` reads as a block
    /// header (E-005).
    fields: Option<[Option<String>; 3]>,
    content: bool,
    /// Records between the `B` and the `Y` (E-008).
    count: u64,
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// The E rules that need more than one piece (E-001 … E-006, E-008 … E-012; E-007 is per
/// piece, [`PieceChecks::foreign`]), from the envelope records and per-batch and per-block
/// summaries: fed every record in input order, it follows the batches and blocks as the tree
/// builder opens and closes them and emits what [`super::validate`] emits, each finding
/// when the batch or block it needs is complete.
#[derive(Debug)]
pub(crate) struct EnvelopeTracker {
    opts: ValidateOptions,
    batch: Option<BatchState>,
    block: Option<BlockState>,
    seen_batch: bool,
    /// E-001: the first record of the first batch without `A`; the last record of the
    /// first batch without `Z`.
    headerless_first: Option<Loc>,
    trailerless_last: Option<Loc>,
    /// The record fed last: line and offset, the length of its identifier, and its first
    /// 81 bytes (`prev_raw[..prev_len]`; the identifier is their start). Copied into a
    /// fixed array per record, made a [`Loc`] only when a finding needs it.
    prev: Option<(u32, usize)>,
    prev_id_len: usize,
    prev_len: usize,
    prev_raw: [u8; 81],
}

impl EnvelopeTracker {
    /// A tracker emitting with `opts` (uncapped: see [`PieceChecks::new`]).
    pub(crate) fn new(opts: &ValidateOptions) -> Self {
        let mut opts = opts.clone();
        opts.max_findings = usize::MAX;
        EnvelopeTracker {
            opts,
            batch: None,
            block: None,
            seen_batch: false,
            headerless_first: None,
            trailerless_last: None,
            prev: None,
            prev_id_len: 0,
            prev_len: 0,
            prev_raw: [b' '; 81],
        }
    }

    /// Whether a block is open, and the application id (body) and H-rule reading of its
    /// `B` when it has one: `Some((has_b, app))`.
    pub(crate) fn open_block(&self) -> Option<(bool, Option<&str>)> {
        self.block
            .as_ref()
            .map(|b| (b.header.is_some(), b.app.as_deref()))
    }

    fn emit(&self, out: &mut Vec<Emitted>, raw: Option<&Loc>, f: impl FnOnce(&mut Sink<'_>)) {
        for finding in emitted(&self.opts, f) {
            out.push((finding, raw.map(|l| l.raw.clone())));
        }
    }

    fn prev_loc(&self) -> Option<Loc> {
        let raw = self.prev_raw.get(..self.prev_len).unwrap_or_default();
        // As `Record::id` reads it: empty when not UTF-8.
        let id = raw
            .get(..self.prev_id_len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        self.prev.map(|(line, offset)| Loc {
            id: id.to_string(),
            line,
            offset,
            raw: raw.into(),
        })
    }

    fn batch_mut(&mut self, r: &Record<'_>) -> &mut BatchState {
        self.batch.get_or_insert_with(|| BatchState {
            header: None,
            app: None,
            sender: None,
            has_blocks: false,
            first: Some(Loc::of(r)),
        })
    }

    fn block_mut(&mut self, r: &Record<'_>) {
        self.batch_mut(r).has_blocks = true;
        if self.block.is_none() {
            self.block = Some(BlockState {
                header: None,
                app: None,
                fields: None,
                content: false,
                count: 0,
            });
        }
    }

    /// Closes the open block; `closer` is the record that closes it (a `B` or a `Z`), if any.
    fn close_block(&mut self, closer: Option<&Record<'_>>, out: &mut Vec<Emitted>) {
        let Some(b) = self.block.take() else { return };
        let Some(h) = &b.header else { return };
        if !b.content {
            self.emit(out, Some(h), |sink| {
                sink.emit(RuleId::E_011, h.at(), "block without transactions")
            });
        }
        // A block closed by a `Y` is taken before this is called.
        if let Some(c) = closer {
            self.emit(out, None, |sink| {
                sink.emit(
                    RuleId::E_003,
                    At::record(c),
                    format!(
                        "{} record while the block opened at line {} is still open: its Y record is missing",
                        c.id(),
                        h.line
                    ),
                )
            });
        }
    }

    fn close_batch(&mut self, closer: Option<&Record<'_>>, out: &mut Vec<Emitted>) {
        self.close_block(closer, out);
        let Some(b) = self.batch.take() else { return };
        if b.header.is_none() && self.headerless_first.is_none() {
            self.headerless_first = b.first.clone();
        }
        if let Some(h) = &b.header {
            if !b.has_blocks {
                self.emit(out, Some(h), |sink| {
                    sink.emit(RuleId::E_011, h.at(), "batch without blocks")
                });
            }
        }
        // `closer` is the batch's own `Z` (then it has a trailer) or nothing.
        if closer.is_none() && self.trailerless_last.is_none() {
            self.trailerless_last = self.prev_loc();
        }
    }

    /// Feeds the next record of the input.
    pub(crate) fn record(&mut self, r: &Record<'_>, out: &mut Vec<Emitted>) {
        match r.record_type() {
            RecordType::BatchHeader => self.batch_header(r, out),
            RecordType::BatchTrailer => {
                self.close_block(Some(r), out);
                let batch = self.batch_mut(r);
                let app = batch.app.clone();
                let sender = batch.sender.clone();
                self.emit(out, None, |sink| {
                    envelope::check_record_filler(r, app.as_deref(), sink);
                    envelope::check_mandatory(r, sink);
                    if let (Some((site, id)), Some(Body::BatchTrailer(zb))) = (sender, r.body()) {
                        if site.as_deref() != zb.sender_site_code {
                            sink.emit(
                                RuleId::E_012,
                                At::record(r),
                                "Z sender site code differs from the A record's",
                            );
                        }
                        if id.as_deref() != zb.sender_id_code {
                            sink.emit(
                                RuleId::E_012,
                                At::record(r),
                                "Z sender id code differs from the A record's",
                            );
                        }
                    }
                });
                self.close_batch(Some(r), out);
            }
            RecordType::BlockHeader => {
                self.close_block(Some(r), out);
                let a_app = self.batch_mut(r).app.clone();
                self.block_mut(r);
                let app = match r.body() {
                    Some(Body::BlockHeader(h)) => h.application_id,
                    _ => None,
                };
                self.emit(out, None, |sink| {
                    envelope::check_record_filler(r, app, sink);
                    envelope::check_mandatory(r, sink);
                    block_application_ids(r, app, a_app.as_deref(), sink);
                });
                if let Some(b) = self.block.as_mut() {
                    b.header = Some(Loc::of(r));
                    b.app = owned(app);
                    b.fields = match r.body() {
                        Some(Body::BlockHeader(h)) => Some([
                            owned(h.district_port_code),
                            owned(h.filer_code),
                            owned(h.application_id),
                        ]),
                        _ => None,
                    };
                }
            }
            RecordType::BlockTrailer => {
                self.block_mut(r);
                if let Some(b) = self.block.take() {
                    self.emit(out, None, |sink| block_trailer(r, &b, sink));
                    // The block is closed by its `Y`: E-011 still applies, E-003 does not.
                    self.block = Some(b);
                    self.close_block(None, out);
                }
            }
            _ => {
                self.block_mut(r);
                if let Some(b) = self.block.as_mut() {
                    b.content = true;
                    b.count += 1;
                }
            }
        }
        let raw = r.raw();
        self.prev = Some((r.line(), r.offset()));
        self.prev_id_len = r.id_bytes().len();
        self.prev_len = raw.len().min(81);
        match (
            <&[u8; 80]>::try_from(raw),
            self.prev_raw.first_chunk_mut::<80>(),
        ) {
            // The usual record: a fixed-size copy, no call.
            (Ok(src), Some(dst)) => *dst = *src,
            _ => {
                if let (Some(dst), Some(src)) = (
                    self.prev_raw.get_mut(..self.prev_len),
                    raw.get(..self.prev_len),
                ) {
                    dst.copy_from_slice(src);
                }
            }
        }
    }

    fn batch_header(&mut self, r: &Record<'_>, out: &mut Vec<Emitted>) {
        self.close_batch(None, out);
        let (app, sender) = match r.body() {
            Some(Body::BatchHeader(a)) => (
                a.application_id,
                Some((owned(a.sender_site_code), owned(a.sender_id_code))),
            ),
            _ => (None, None),
        };
        let seen = std::mem::replace(&mut self.seen_batch, true);
        self.emit(out, None, |sink| {
            if seen {
                sink.emit(
                    RuleId::E_002,
                    At::record(r),
                    "second batch in one input: CBP accepts one batch per message (CSMS #07-000180); send it separately",
                );
            }
            envelope::check_record_filler(r, app, sink);
            envelope::check_mandatory(r, sink);
            if let Some(app) = app {
                if crate::codes::CodeList::ApplicationIds
                    .find(app)
                    .next()
                    .is_none()
                {
                    sink.emit(
                        RuleId::E_006,
                        At::field(r, crate::records::BatchHeader::APPLICATION_ID),
                        format!("application id {app} is not in the ABI application table"),
                    );
                }
            }
        });
        self.batch = Some(BatchState {
            header: Some(Loc::of(r)),
            app: owned(app),
            sender,
            has_blocks: false,
            first: None,
        });
    }

    /// Ends the input: closes what is open and emits E-001.
    pub(crate) fn finish(&mut self, out: &mut Vec<Emitted>) {
        self.close_batch(None, out);
        if let Some(first) = self.headerless_first.take() {
            self.emit(out, Some(&first), |sink| {
                sink.emit(RuleId::E_001, first.at(), "record outside an A…Z batch: a transmission starts with an A record and ends with a Z record")
            });
        } else if let Some(last) = self.trailerless_last.take() {
            self.emit(out, Some(&last), |sink| {
                sink.emit(
                    RuleId::E_001,
                    last.at(),
                    "the batch has no Z record: end the transmission with a Z record",
                )
            });
        }
    }
}

/// E-006 of a `B` record: its application id `app` in the ABI table and equal to the `A`'s.
fn block_application_ids(
    r: &Record<'_>,
    app: Option<&str>,
    a_app: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let Some(app) = app else { return };
    if crate::codes::CodeList::ApplicationIds
        .find(app)
        .next()
        .is_none()
    {
        sink.emit(
            RuleId::E_006,
            At::field(r, crate::records::BlockHeader::APPLICATION_ID),
            format!("application id {app} is not in the ABI application table"),
        );
    } else if a_app.is_some_and(|a| a != app) {
        sink.emit(
            RuleId::E_006,
            At::field(r, crate::records::BlockHeader::APPLICATION_ID),
            format!(
                "B application id {app} differs from the A record's {}",
                a_app.unwrap_or("")
            ),
        );
    }
}

/// E-009, E-010, E-004, E-005 and E-008 of a `Y` record closing block `b`.
fn block_trailer(y: &Record<'_>, b: &BlockState, sink: &mut Sink<'_>) {
    envelope::check_record_filler(y, b.app.as_deref(), sink);
    envelope::check_mandatory(y, sink);
    let Some(h) = &b.header else {
        sink.emit(
            RuleId::E_004,
            At::record(y),
            "Y record without an open B record",
        );
        return;
    };
    let (Some([district, filer, app]), Some(Body::BlockTrailer(yb))) = (&b.fields, y.body()) else {
        return;
    };
    for (f, bv, yv) in [
        (
            crate::records::BlockTrailer::DISTRICT_PORT_CODE,
            district,
            yb.district_port_code,
        ),
        (
            crate::records::BlockTrailer::FILER_CODE,
            filer,
            yb.filer_code,
        ),
        (
            crate::records::BlockTrailer::APPLICATION_ID,
            app,
            yb.application_id,
        ),
    ] {
        let name = f.name;
        if bv.as_deref() != yv {
            sink.emit(
                RuleId::E_005,
                At::field(y, f),
                format!(
                    "Y {name} \"{}\" differs from the B record's \"{}\" (line {})",
                    yv.unwrap_or(""),
                    bv.as_deref().unwrap_or(""),
                    h.line
                ),
            );
        }
    }
    if let Some(count) = yb.record_count {
        let n = b.count;
        if count != n {
            sink.emit(
                RuleId::E_008,
                At::field(y, crate::records::BlockTrailer::RECORD_COUNT),
                format!("Y record count {count} but {n} records lie between the B and the Y"),
            );
        }
    }
}

/// A parse limit's finding as `ace-pga check` adds it when it runs every other rule past
/// the limit: an error that no level switches off.
pub(crate) fn limit_finding(p: &crate::error::Problem) -> Finding {
    Finding {
        rule: RuleId::LIMIT,
        severity: Severity::Error,
        ruleset: PGA_RULESET,
        location: Location {
            columns: None,
            ..p.location.clone()
        },
        cbp_code: None,
        message: p.kind.to_string(),
    }
}
