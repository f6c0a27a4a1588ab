//! Streaming validation (issue 13): [`check_reader`] reads a transmission of any size from a
//! [`std::io::Read`] and returns the [`Report`] that [`crate::validate::check_bytes`] returns
//! for the same bytes, in memory bounded by the largest transaction rather than the input.
//!
//! # How
//!
//! The [`StreamReader`] hands out units (an envelope record, or a host transaction); units
//! are gathered into pieces of about [`CheckOptions::piece_len`] bytes, each cut right
//! before a record that starts a transaction (`SE10`, `10`) or is an envelope record
//! (`A`, `B`, `Y`, `Z`), where the tree builder starts afresh. A transaction is never cut:
//! a transaction cut before an `OI` or `PG01` would make the S and H rules see a
//! transaction that starts with an `OI` (S-005, H-001) that the whole input does not have,
//! so memory is bounded by the largest transaction (about 1 KB in a Cargo Release filing;
//! an input without any transaction start is one transaction per block, held whole).
//!
//! Each piece is parsed as a fragment of the input (stream-wide line numbers and offsets)
//! and checked on its own for the rules a transaction decides (F, S, H, OR and E-007,
//! [`crate::validate`]); what needs more than one piece is carried as a summary:
//!
//! | what | carried as |
//! |---|---|
//! | F-019 mixed terminators (once per input, against the first record's) | first terminator, reported or not |
//! | F-020 empty input (only terminators, spaces, tabs, `0x1A` at the end) | one flag over every byte |
//! | F-021 EBCDIC, F-023 not CATAIR, byte order mark | decided on the first piece, at least 64 KiB and 100 records (the sniffing reads 4,096 bytes and 100 lines) and a byte that is not white space |
//! | `max_input_len` (LIMIT) | the byte count |
//! | tree limits (LIMIT), `--max-records-per-pga-line`, `--max-pga-lines-per-oi` | counted per piece (every piece starts where the counts restart) |
//! | E-001 … E-006, E-008 … E-012 | per batch and per block: the `A` / `B` fields compared, record counts, whether a block or batch is empty, the first / last record of a batch without `A` / `Z` ([`crate::validate`]'s envelope tracker) |
//! | E-007 once-per-block warning | a flag per open block |
//! | H rules of a block without `B` (they apply when the block holds an `SE10` anywhere) | findings of the open block held (at most `max_findings` and counts) until an `SE10` comes or the block ends |
//! | OR-018 certificate filed for two HTS numbers | certificate → (HTS, line), one entry per distinct certificate |
//!
//! Findings are kept as [`crate::validate::check_bytes`] keeps them: the first
//! [`ValidateOptions::max_findings`] in [`Finding::report_order`] (ties in the order the
//! whole-input validator emits them), counts over all of them.
//!
//! Inputs up to [`CheckOptions::whole_below`] bytes are checked whole (the bytes are read
//! anyway to decide).
//!
//! Known differences from the whole-input check (none in a transmission a tool writes):
//! terminator-less framing is decided from the first 64 KiB (the whole-input parse looks at
//! every byte), and a second byte order mark in a lenient terminator-less input is skipped
//! only when the input is checked whole.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};

use memchr::memchr2;

use super::{StreamOptions, StreamReader, Unit};
use crate::error::{Problem, ProblemKind, Severity};
use crate::options::ParseOptions;
use crate::records::{identify, RecordType};
use crate::tree::FlatTree;
use crate::validate::{
    self, EnvelopeTracker, Finding, Found, Level, PieceChecks, Report, RuleId, ValidateOptions,
};
use crate::wire::framing::{whole_input, Piece, Terminator};

mod threads;
use threads::{Guess, Prepared};

/// Options of [`check_reader_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// When a tree limit (`max_records_per_pga_line`, `max_pga_lines_per_oi`) is exceeded:
    /// `false`: the report is that limit only, as [`crate::validate::check_bytes`] reports
    /// it; `true`: the limit (an error) and every other rule as if the limits were not set,
    /// as [`check_bytes_past_limits`] (and `ace-pga check`) reports it.
    pub past_limits: bool,
    /// Inputs of at most this many bytes are read whole and checked with
    /// [`crate::validate::check_bytes`] (default 8 MiB; `0` streams every non-empty input).
    pub whole_below: usize,
    /// Pieces are cut at the first unit boundary after this many bytes (default 256 KiB).
    pub piece_len: usize,
    /// Keep the record of each kept finding for [`CheckOutcome::record`] (default `true`;
    /// `false` saves up to 81 bytes per kept finding).
    pub records: bool,
    /// Worker threads that parse and check the pieces after the first (default `1`: the
    /// calling thread does all; at most [`MAX_THREADS`]). The outcome does not depend on
    /// it: pieces are added to the report one by one in input order, and what a worker
    /// assumed of the pieces before its own (the terminator of the first record, whether
    /// F-019 was reported, the block open before it, the certificates of OR-018) is
    /// checked when the piece's turn comes, and what a wrong guess decided is done again
    /// then.
    /// Memory: about `threads` + 2 pieces and their trees.
    pub threads: usize,
}

/// Most worker threads [`CheckOptions::threads`] starts (more are clamped to this).
pub const MAX_THREADS: usize = 64;

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            past_limits: false,
            whole_below: 8 << 20,
            piece_len: 256 << 10,
            records: true,
            threads: 1,
        }
    }
}

/// A report and, for each kept finding with a line, the record on that line (for a
/// rendering that shows it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckOutcome {
    /// The report (as [`crate::validate::check_bytes`] or [`check_bytes_past_limits`]).
    pub report: Report,
    /// Line → the first 81 bytes of the record's raw bytes ([`crate::records::Record::raw`]);
    /// empty when the input does not parse as a whole (F-020, F-021, F-023, an input
    /// longer than `max_input_len`), as no record can be shown then.
    records: HashMap<u32, Box<[u8]>>,
}

impl CheckOutcome {
    /// The first 81 bytes of the record on `line` (a record of more than 80 bytes is longer
    /// than what is returned), if a kept finding points to it.
    pub fn record(&self, line: u32) -> Option<&[u8]> {
        self.records.get(&line).map(|r| &r[..])
    }
}

/// Checks a transmission read from `reader` in bounded memory; the report is the one
/// [`crate::validate::check_bytes`] returns for the same bytes.
///
/// # Errors
/// An I/O error of `reader`.
pub fn check_reader<R: Read>(
    reader: R,
    parse: &ParseOptions,
    opts: &ValidateOptions,
) -> io::Result<Report> {
    check_reader_with(reader, parse, opts, &CheckOptions::default()).map(|o| o.report)
}

/// [`check_reader`] with options, returning the records shown under the findings too.
///
/// # Errors
/// An I/O error of `reader`.
pub fn check_reader_with<R: Read>(
    mut reader: R,
    parse: &ParseOptions,
    opts: &ValidateOptions,
    copts: &CheckOptions,
) -> io::Result<CheckOutcome> {
    // Sized once (pages are only taken as they are read): grown by doubling, the copy and
    // its source would both be held.
    let mut head = Vec::with_capacity(copts.whole_below.saturating_add(1).min(64 << 20));
    let limit = u64::try_from(copts.whole_below).unwrap_or(u64::MAX);
    (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut head)?;
    if head.len() <= copts.whole_below {
        return Ok(check_whole(&head, parse, opts, copts));
    }
    let input = io::BufReader::new(super::ReadAhead::new(head, reader));
    Streamer::new(parse, opts, copts).run(input)
}

/// [`crate::validate::check_bytes`], and when a tree limit (`max_records_per_pga_line`,
/// `max_pga_lines_per_oi`) stops the parse: the limit (an error, left out only by
/// `max_findings`) and every other rule run on the input parsed without those limits
/// (issue 13: `check` runs every rule when a limit is hit). The input's length limit stays a
/// whole-input failure. This is `ace-pga check`'s report.
pub fn check_bytes_past_limits(
    data: &[u8],
    parse: &ParseOptions,
    opts: &ValidateOptions,
) -> Report {
    let report = validate::check_bytes(data, parse, opts);
    if !report.by_rule.contains_key(&RuleId::LIMIT) || data.len() > parse.limits().max_input_len {
        return report;
    }
    // The limit's finding itself (left out under `max_findings 0`; the parse stops there).
    let mut keep = opts.clone();
    keep.max_findings = usize::MAX;
    let limits: Vec<Finding> = validate::check_bytes(data, parse, &keep)
        .findings
        .into_iter()
        .filter(|f| f.rule == RuleId::LIMIT)
        .collect();
    let mut merged = validate::check_bytes(data, &without_tree_limits(parse), opts);
    for f in limits {
        *merged.by_rule.entry(f.rule).or_default() += 1;
        let at = merged
            .findings
            .partition_point(|g| g.report_order(&f) != std::cmp::Ordering::Greater);
        merged.findings.insert(at, f);
        if merged.findings.len() > opts.max_findings {
            if let Some(dropped) = merged.findings.pop() {
                merged.truncated += 1;
                match dropped.severity {
                    Severity::Error => merged.truncated_errors += 1,
                    Severity::Warning => merged.truncated_warnings += 1,
                }
            }
        }
    }
    merged
}

/// `opts` without the limits on the tree (records per PGA line, PGA lines per OI).
fn without_tree_limits(opts: &ParseOptions) -> ParseOptions {
    opts.clone()
        .max_records_per_pga_line(usize::MAX)
        .max_pga_lines_per_oi(usize::MAX)
}

/// The whole-input check of a small input, with its records.
fn check_whole(
    data: &[u8],
    parse: &ParseOptions,
    opts: &ValidateOptions,
    copts: &CheckOptions,
) -> CheckOutcome {
    let report = if copts.past_limits {
        check_bytes_past_limits(data, parse, opts)
    } else {
        validate::check_bytes(data, parse, opts)
    };
    let mut records = HashMap::new();
    let wanted: std::collections::HashSet<u32> = report
        .findings
        .iter()
        .filter_map(|f| f.location.line)
        .collect();
    if copts.records && !wanted.is_empty() {
        if let Ok(t) = FlatTree::parse_with(data, &without_tree_limits(parse)) {
            for (i, r) in t.records().enumerate() {
                let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
                if wanted.contains(&line) {
                    records.insert(line, first81(r.raw()));
                }
            }
        }
    }
    CheckOutcome { report, records }
}

fn first81(raw: &[u8]) -> Box<[u8]> {
    raw.get(..raw.len().min(81)).unwrap_or_default().into()
}

/// A finding with its emission number and the record it shows.
type Entry = (u64, Finding, Option<Box<[u8]>>);

fn by_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    a.1.report_order(&b.1).then(a.0.cmp(&b.0))
}

/// Keeps the first `max` findings in report order, with counts over every finding (as the
/// validator's own sink).
#[derive(Debug, Default)]
struct Collector {
    max: usize,
    kept: Vec<Entry>,
    errors: usize,
    warnings: usize,
    by_rule: BTreeMap<RuleId, usize>,
}

impl Collector {
    fn new(max: usize) -> Self {
        Collector {
            max,
            ..Collector::default()
        }
    }

    fn push(&mut self, e: Entry) {
        match e.1.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        *self.by_rule.entry(e.1.rule).or_insert(0) += 1;
        self.keep(e);
    }

    fn keep(&mut self, e: Entry) {
        let max = self.max;
        if max == 0 {
            return;
        }
        self.kept.push(e);
        // Cut back to `max` whenever a sixteenth more is held (the validator's own sink waits
        // for twice as many; the result is the same, the peak smaller).
        if self.kept.len() >= max.saturating_add(max / 16).saturating_add(1024) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        let max = self.max;
        if self.kept.len() > max {
            self.kept.select_nth_unstable_by(max, by_order);
            self.kept.truncate(max);
        }
    }

    /// Counts findings not kept: (errors, warnings, by rule).
    fn count(&mut self, (errors, warnings, by_rule): (usize, usize, BTreeMap<RuleId, usize>)) {
        self.errors += errors;
        self.warnings += warnings;
        for (rule, n) in by_rule {
            *self.by_rule.entry(rule).or_insert(0) += n;
        }
    }

    /// Adds every finding of `other` (its counts and the findings it kept).
    fn absorb(&mut self, other: Collector) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        for (rule, n) in other.by_rule {
            *self.by_rule.entry(rule).or_insert(0) += n;
        }
        for e in other.kept {
            self.keep(e);
        }
    }

    fn into_outcome(mut self, show: bool) -> CheckOutcome {
        self.cut();
        self.kept.sort_unstable_by(by_order);
        let mut records = HashMap::new();
        let mut findings = Vec::with_capacity(self.kept.len());
        for (_, f, raw) in self.kept {
            if let (true, Some(line), Some(raw)) = (show, f.location.line, raw) {
                records.insert(line, raw);
            }
            findings.push(f);
        }
        CheckOutcome {
            report: Report::assemble(findings, self.errors, self.warnings, self.by_rule),
            records,
        }
    }
}

/// What the block open at the end of a piece carries into the next piece's first block.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    /// `B` application id and filer code as the H rules read them.
    host: Option<(Option<String>, Option<String>)>,
    /// `B` application id (body) for E-007.
    app: Option<String>,
    warned_pg: bool,
}

impl Head {
    /// The head of a block that starts in the piece.
    fn of(block: crate::tree::GroupRef<'_, '_>) -> Self {
        Head {
            host: validate::unit_host_header(block)
                .map(|(a, f)| (a.map(str::to_string), f.map(str::to_string))),
            app: validate::unit_block_app(block).map(str::to_string),
            warned_pg: false,
        }
    }
}

/// The block open at the end of the last piece.
#[derive(Debug)]
struct OpenBlock {
    head: Head,
    /// An `SE10` was seen in the block.
    se10: bool,
    /// H findings of a block without `B` not yet known to hold an `SE10`.
    pending: Collector,
}

/// A block's E-007 and H findings worked out on a worker thread from a guessed [`Head`]
/// (used when the guess is what the pieces before give).
#[derive(Debug)]
struct BlockPre {
    head: Head,
    foreign: Vec<Finding>,
    warned_after: bool,
    host: Vec<Finding>,
    se10: bool,
}

/// The first record (without terminator) of a unit.
fn first_record(u: &Unit, concatenated: bool) -> &[u8] {
    if concatenated {
        return u.bytes.get(..u.bytes.len().min(80)).unwrap_or_default();
    }
    match memchr2(b'\n', b'\r', &u.bytes) {
        Some(i) => u.bytes.get(..i).unwrap_or_default(),
        None => &u.bytes,
    }
}

/// Whether the tree builder starts afresh before `rec`: an envelope record or a record that
/// starts a transaction.
fn starts_fresh(rec: &[u8], lower_case_ids: bool) -> bool {
    match identify(rec, lower_case_ids).record_type {
        RecordType::BatchHeader
        | RecordType::BatchTrailer
        | RecordType::BlockHeader
        | RecordType::BlockTrailer => true,
        RecordType::Host => crate::records::host::starts_transaction(rec),
        _ => false,
    }
}

/// Whether `rec` closes the open block (`A`, `B`, `Z`).
fn closes_block(rec: &[u8], lower_case_ids: bool) -> bool {
    matches!(
        identify(rec, lower_case_ids).record_type,
        RecordType::BatchHeader | RecordType::BatchTrailer | RecordType::BlockHeader
    )
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The first piece holds at least this much (the sniffing of F-021, F-023 and terminator-
/// less framing looks at up to 64 KiB and 100 lines).
const FIRST_PIECE: usize = 64 << 10;
const FIRST_RECORDS: u32 = 100;

/// What the reading of units decides over the whole input (before and besides the pieces).
#[derive(Debug, Default)]
struct Scan {
    /// Units read.
    n: usize,
    /// Bytes read (with the byte order mark).
    total: usize,
    concatenated: bool,
    bom: bool,
    /// Every byte so far is a terminator, space or tab, or a `0x1A` of a final run.
    blank: bool,
    in_sub: bool,
    /// A byte other than white space was seen (F-023 looks for the first one).
    non_space: bool,
}

impl Scan {
    fn feed_blank(&mut self, bytes: &[u8]) {
        if !self.blank {
            return;
        }
        for &b in bytes {
            if b == 0x1A {
                self.in_sub = true;
            } else if self.in_sub || !matches!(b, b'\n' | b'\r' | b' ' | b'\t') {
                self.blank = false;
                return;
            }
        }
    }
}

/// Where a piece sits in the input.
#[derive(Debug, Clone, Copy)]
struct Meta {
    first_line: u32,
    offset: usize,
    first: bool,
    last: bool,
    starts_closing: bool,
}

/// Reads the units of `input`, gathers them into pieces (module docs) and hands each to
/// `on_piece` (which may take the bytes); returns `false` when the input is longer than
/// `max_input_len` (reading stops there).
fn read_pieces<R: io::BufRead>(
    input: R,
    parse: &ParseOptions,
    piece_len: usize,
    scan: &mut Scan,
    mut on_piece: impl FnMut(&Scan, &mut Vec<u8>, Meta),
) -> io::Result<bool> {
    let mut units = StreamReader::with_options(
        input,
        StreamOptions {
            max_unit_len: usize::MAX / 4,
            max_record_len: usize::MAX / 4,
        },
    );
    scan.blank = true;
    let mut piece: Vec<u8> = Vec::new();
    let (mut first_line, mut offset, mut records) = (1u32, 0usize, 0u32);
    let mut first = true;
    let mut starts_closing = false;
    while let Some(u) = units.next() {
        let u = u?;
        if scan.n == 0 {
            scan.bom = units.byte_order_mark();
            scan.total += if scan.bom { BOM.len() } else { 0 };
            let head = u
                .bytes
                .get(..u.bytes.len().min(FIRST_PIECE))
                .unwrap_or_default();
            // As the reader decides (the whole input when it is one unit of at most
            // 64 KiB: a short line without terminator is a record, SPEC 2.2).
            let whole = u.last && u.bytes.len() <= FIRST_PIECE;
            scan.concatenated = crate::wire::framing::terminator_less(head, whole);
            let mut rest = &u.bytes[..];
            if scan.bom && parse.accept_byte_order_mark {
                while let Some(r) = rest.strip_prefix(BOM) {
                    rest = r;
                }
            }
            scan.feed_blank(rest);
        } else {
            scan.feed_blank(&u.bytes);
        }
        scan.n += 1;
        scan.total = scan.total.saturating_add(u.bytes.len());
        if scan.total > parse.limits().max_input_len {
            return Ok(false);
        }
        if first && !scan.non_space {
            scan.non_space = u.bytes.iter().any(|b| !b.is_ascii_whitespace());
        }
        let rec = first_record(&u, scan.concatenated);
        let fresh = starts_fresh(rec, parse.lower_case_ids);
        let full = if first {
            piece.len() >= FIRST_PIECE && records >= FIRST_RECORDS && scan.non_space
        } else {
            piece.len() >= piece_len
        };
        if !piece.is_empty() && fresh && full {
            let meta = Meta {
                first_line,
                offset,
                first,
                last: false,
                starts_closing,
            };
            on_piece(scan, &mut piece, meta);
            first = false;
            first_line = u.first_line;
            offset = u.offset;
            records = 0;
            piece.clear();
        }
        if piece.is_empty() {
            first_line = u.first_line;
            offset = u.offset;
            starts_closing = closes_block(rec, parse.lower_case_ids);
        }
        records = records.saturating_add(u.records);
        if u.bytes.len() >= piece_len.max(piece.len()) {
            // A unit that fills a piece alone (a huge transaction) becomes the piece, the
            // piece's few bytes before it moved in at its front: a copy would hold its
            // bytes twice.
            let mut bytes = u.bytes;
            bytes.splice(0..0, piece.iter().copied());
            piece = bytes;
        } else {
            piece.extend_from_slice(&u.bytes);
        }
    }
    if !piece.is_empty() {
        let meta = Meta {
            first_line,
            offset,
            first,
            last: true,
            starts_closing,
        };
        on_piece(scan, &mut piece, meta);
    }
    Ok(true)
}

struct Streamer<'o> {
    parse: ParseOptions,
    /// The options pieces are parsed with (F-023 detection as `check_bytes` sets it, no
    /// length limit: the length is counted here).
    piece_opts: ParseOptions,
    opts: &'o ValidateOptions,
    copts: &'o CheckOptions,
    checks: PieceChecks,
    envelope: EnvelopeTracker,
    out: Collector,
    seq: u64,
    concatenated: bool,
    bom: bool,
    /// The first piece's whole-input failure (F-021, F-023, F-020).
    failure: Option<Vec<Finding>>,
    /// Whether the whole input parses (records can be shown).
    show: bool,
    /// The first tree-limit problem, and the record it shows.
    limit: Option<Problem>,
    limit_raw: Option<Box<[u8]>>,
    first_term: Option<Terminator>,
    mixed_reported: bool,
    /// Records in the pieces checked so far.
    records_before: usize,
    open: Option<OpenBlock>,
}

impl<'o> Streamer<'o> {
    fn new(parse: &ParseOptions, opts: &'o ValidateOptions, copts: &'o CheckOptions) -> Self {
        let mut piece_opts = parse.clone().max_input_len(usize::MAX);
        if opts.level(RuleId::F_023) == Some(Level::Off) {
            piece_opts.detect_non_catair = false;
        }
        Streamer {
            parse: parse.clone(),
            piece_opts,
            opts,
            copts,
            checks: PieceChecks::new(opts),
            envelope: EnvelopeTracker::new(opts),
            out: Collector::new(opts.max_findings),
            seq: 0,
            concatenated: false,
            bom: false,
            failure: None,
            show: true,
            limit: None,
            limit_raw: None,
            first_term: None,
            mixed_reported: false,
            records_before: 0,
            open: None,
        }
    }

    fn run<R: io::BufRead>(mut self, input: R) -> io::Result<CheckOutcome> {
        let threads = self.copts.threads.clamp(1, MAX_THREADS);
        if threads > 1 {
            return self.run_threads(input, threads);
        }
        let mut scan = Scan::default();
        let parse = self.parse.clone();
        let whole = read_pieces(input, &parse, self.copts.piece_len, &mut scan, |s, b, m| {
            if m.first {
                self.bom = s.bom;
                self.concatenated = s.concatenated;
            }
            self.piece(b, m.first_line, m.offset, m.first, m.last, m.starts_closing);
        })?;
        Ok(self.conclude(&scan, whole))
    }

    /// The outcome once every piece is checked (`whole`: the input was read to its end).
    fn conclude(mut self, scan: &Scan, whole: bool) -> CheckOutcome {
        if !whole {
            // The whole input fails on its length: nothing else is reported.
            let p = whole_input(ProblemKind::LimitExceeded {
                limit: "max_input_len",
            });
            let f = self
                .checks
                .parse_failure(&crate::error::ParseError { problems: vec![p] });
            return self.only(f);
        }
        if scan.n == 0 || scan.blank {
            // No record, or only terminators, spaces and tabs (F-020).
            let f = self.checks.parse_failure(&crate::error::ParseError {
                problems: vec![whole_input(ProblemKind::EmptyInput)],
            });
            return self.only(f);
        }
        if let Some(f) = self.failure.take() {
            return self.only(f);
        }
        if let Some(p) = self.limit.take() {
            if !self.copts.past_limits {
                let f = self
                    .checks
                    .parse_failure(&crate::error::ParseError { problems: vec![p] });
                // The limit's record is shown, as the whole-input check shows it.
                let raw = self.limit_raw.take();
                return self.only_with(f, raw);
            }
            let raw = self.limit_raw.take();
            self.out
                .push((u64::MAX, crate::validate::limit_finding(&p), raw));
        }
        let mut env = Vec::new();
        self.envelope.finish(&mut env);
        self.emit_all(env.into_iter(), None);
        self.close_open_block();
        let show = self.show;
        self.out.into_outcome(show)
    }

    /// What the next piece's worker is to assume.
    fn guess(&self) -> Guess {
        Guess {
            first_term: self.first_term,
            mixed_reported: self.mixed_reported,
            open: self.open.as_ref().map(|o| o.head.clone()),
        }
    }

    /// The report made of `findings` only (a whole-input failure).
    fn only(&self, findings: Vec<Finding>) -> CheckOutcome {
        self.only_with(findings, None)
    }

    /// [`Self::only`], with `limit_raw` shown under the tree limit's finding (the record
    /// the parse stopped at, read when its piece was checked).
    fn only_with(&self, findings: Vec<Finding>, limit_raw: Option<Box<[u8]>>) -> CheckOutcome {
        let mut c = Collector::new(self.opts.max_findings);
        let show = self.show && limit_raw.is_some();
        for (i, f) in findings.into_iter().enumerate() {
            let raw = limit_raw.clone().filter(|_| f.rule == RuleId::LIMIT);
            c.push((i as u64, f, raw));
        }
        c.into_outcome(show)
    }

    fn close_open_block(&mut self) {
        // Pending H findings of a block without `B` and without `SE10` are dropped.
        self.open = None;
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Adds findings in emission order; `t` is the tree of the current piece (`None`
    /// after the last piece).
    fn emit_all(
        &mut self,
        found: impl Iterator<Item = (Finding, Option<Box<[u8]>>)>,
        t: Option<&FlatTree<'_>>,
    ) {
        for (f, raw) in found {
            let raw = raw
                .filter(|_| self.copts.records)
                .or_else(|| self.raw_in(&f, t));
            let seq = self.next_seq();
            self.out.push((seq, f, raw));
        }
    }

    /// The record a finding shows, if it is in the current piece (its tree `t`: the
    /// piece's `i`-th record is line `records_before + i + 1`).
    fn raw_in(&self, f: &Finding, t: Option<&FlatTree<'_>>) -> Option<Box<[u8]>> {
        let t = t?;
        if !self.copts.records {
            return None;
        }
        let line = usize::try_from(f.location.line?).ok()?;
        let i = line.checked_sub(1)?.checked_sub(self.records_before)?;
        t.record(i).map(|r| first81(r.raw()))
    }

    /// Checks one piece (`bytes`: the first piece gets the input's byte order mark back at
    /// its front, spliced in: the piece may be a huge transaction, not to be copied).
    fn piece(
        &mut self,
        bytes: &mut Vec<u8>,
        first_line: u32,
        offset: usize,
        first: bool,
        last: bool,
        starts_closing: bool,
    ) {
        if !first && self.failure.is_some() {
            return;
        }
        let (first_line, offset) = if first && self.bom {
            bytes.splice(0..0, BOM.iter().copied());
            (1, 0)
        } else {
            (first_line, offset)
        };
        let bytes: &[u8] = bytes;
        let piece = Piece {
            concatenated: Some(self.concatenated),
            first,
            last,
        };
        if first && self.piece_opts.detect_non_catair != self.parse.detect_non_catair {
            // `check_bytes` parsed without F-023's detection; the records are shown only
            // when the input parses with it.
            let opts = without_tree_limits(&self.parse).max_input_len(usize::MAX);
            if let Err(e) = FlatTree::parse_fragment(bytes, &opts, first_line, offset, piece) {
                self.show = !e.problems.iter().any(|p| !is_tree_limit(p));
            }
        }
        let parsed = FlatTree::parse_fragment(bytes, &self.piece_opts, first_line, offset, piece);
        let unlimited;
        let mut limit_here = false;
        let mut t = match parsed {
            Ok(t) => t,
            Err(e) if e.problems.iter().all(is_tree_limit) => {
                if self.limit.is_none() {
                    self.limit = e.problems.first().cloned();
                    limit_here = true;
                }
                unlimited = without_tree_limits(&self.piece_opts);
                match FlatTree::parse_fragment(bytes, &unlimited, first_line, offset, piece) {
                    Ok(t) => t,
                    Err(e) => return self.fail(e),
                }
            }
            Err(e) => return self.fail(e),
        };
        if self.failure.is_some() {
            return;
        }
        mixed_terminators(&mut t, &mut self.first_term, &mut self.mixed_reported);
        let found = self.checks.records(&t);
        self.rest(&t, found, limit_here, starts_closing, Vec::new());
    }

    /// Adds a piece prepared by a worker ([`prepare`]), in input order: what the worker
    /// guessed of the pieces before is compared with what they left, and what a wrong
    /// guess decided is done again here (the result is [`Self::piece`]'s).
    fn finish(&mut self, p: Prepared<'_>, checks: &mut PieceChecks, meta: Meta) {
        if self.failure.is_some() {
            return;
        }
        let mut limit_here = false;
        if let Some(l) = p.limit {
            if self.limit.is_none() {
                self.limit = Some(l);
                limit_here = true;
            }
        }
        let mut t = match p.parsed {
            Ok(t) => t,
            Err(e) => return self.fail(e),
        };
        let guessed = (self.first_term, self.mixed_reported) == p.mixed_before;
        if guessed {
            (self.first_term, self.mixed_reported) = p.mixed_after;
        } else {
            t.problems_mut()
                .retain(|q| !matches!(q.kind, ProblemKind::MixedTerminators));
            mixed_terminators(&mut t, &mut self.first_term, &mut self.mixed_reported);
        }
        let found = if guessed && self.checks.adopt(checks, &p.found) {
            p.found
        } else {
            checks.forget_certificates();
            self.checks.records(&t)
        };
        self.rest(&t, found, limit_here, meta.starts_closing, p.blocks);
    }

    /// What follows the F, S and OR rules of a piece: its E and H rules, in emission order.
    fn rest(
        &mut self,
        t: &FlatTree<'_>,
        found: Found,
        limit_here: bool,
        starts_closing: bool,
        pre: Vec<Option<BlockPre>>,
    ) {
        // One walk over the piece's records for the envelope tracker (its findings are
        // emitted after the blocks'); the records shown under findings are read from the
        // tree by index (nothing more held per record).
        let mut env = Vec::new();
        let envelope = &mut self.envelope;
        for r in t.records() {
            envelope.record(&r, &mut env);
        }
        if limit_here {
            if let Some(p) = &self.limit {
                let f = crate::validate::limit_finding(p);
                self.limit_raw = self.raw_in(&f, Some(t));
            }
        }
        self.emit_all(found.kept.into_iter().map(|f| (f, None)), Some(t));
        self.out.count(found.left_out);
        self.blocks(t, starts_closing, pre);
        if self.envelope.open_block().is_none() {
            // The piece's last block is closed: its pending H findings go (no `SE10`).
            self.open = None;
        }
        self.emit_all(env.into_iter(), Some(t));
        self.records_before += t.records().len();
    }

    fn fail(&mut self, e: crate::error::ParseError) {
        self.failure = Some(self.checks.parse_failure(&e));
    }

    /// E-007 and the H rules of the piece's blocks, with the `B` of a block opened in an
    /// earlier piece; `pre` holds what a worker found for each block from the head it
    /// guessed (taken when the guess is right).
    fn blocks(&mut self, t: &FlatTree<'_>, starts_closing: bool, mut pre: Vec<Option<BlockPre>>) {
        let blocks: Vec<_> = t.batches().flat_map(|b| b.blocks()).collect();
        let mut carried = if starts_closing {
            None
        } else {
            self.open.take()
        };
        self.open = None;
        let n = blocks.len();
        for (i, block) in blocks.into_iter().enumerate() {
            let cont = if i == 0 { carried.take() } else { None };
            let mut state = match cont {
                Some(o) => o,
                None => OpenBlock {
                    head: Head::of(block),
                    se10: false,
                    pending: Collector::new(self.opts.max_findings),
                },
            };
            let pre = pre
                .get_mut(i)
                .and_then(Option::take)
                .filter(|p| p.head == state.head);
            let (foreign, found, se10) = match pre {
                Some(p) => {
                    state.head.warned_pg = p.warned_after;
                    (p.foreign, p.host, Some(p.se10))
                }
                None => {
                    let foreign = self.checks.foreign(
                        block,
                        state.head.app.as_deref(),
                        &mut state.head.warned_pg,
                    );
                    let host = state
                        .head
                        .host
                        .as_ref()
                        .map(|(a, f)| (a.as_deref(), f.as_deref()));
                    (foreign, self.checks.host(block, host), None)
                }
            };
            self.emit_all(foreign.into_iter().map(|f| (f, None)), Some(t));
            if state.head.host.is_some() {
                self.emit_all(found.into_iter().map(|f| (f, None)), Some(t));
            } else {
                state.se10 |= se10.unwrap_or_else(|| validate::unit_has_se10(block));
                if state.se10 {
                    let pending = std::mem::take(&mut state.pending);
                    self.out.absorb(pending);
                    self.emit_all(found.into_iter().map(|f| (f, None)), Some(t));
                } else {
                    for f in found {
                        let raw = self.raw_in(&f, Some(t));
                        let seq = self.next_seq();
                        state.pending.push((seq, f, raw));
                    }
                }
            }
            if i + 1 == n {
                self.open = Some(state);
            }
        }
    }
}

/// F-019 against the first record of the input (`first_term`, `reported`: the state of the
/// pieces before): the piece's own report (against the piece's first record) is replaced.
fn mixed_terminators(
    t: &mut FlatTree<'_>,
    first_term: &mut Option<Terminator>,
    reported: &mut bool,
) {
    t.problems_mut()
        .retain(|p| !matches!(p.kind, ProblemKind::MixedTerminators));
    let mut found = None;
    if *reported && first_term.is_some() {
        return;
    }
    for r in t.records() {
        let term = r.terminator();
        match *first_term {
            None => *first_term = Some(term),
            Some(f) if f != term && term != Terminator::None && !*reported => {
                *reported = true;
                found = Some(Problem::mixed_terminators(r.line(), r.offset()));
            }
            Some(_) => {}
        }
    }
    if let Some(p) = found {
        let problems = t.problems_mut();
        let at = problems.partition_point(|q| {
            (
                q.location.line.is_none(),
                q.location.line,
                q.location.offset,
            ) <= (false, p.location.line, p.location.offset)
        });
        problems.insert(at, p);
    }
}

fn is_tree_limit(p: &Problem) -> bool {
    matches!(p.kind, ProblemKind::LimitExceeded { limit } if limit != "max_input_len")
}
