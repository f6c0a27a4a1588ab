//! The `decode` document of an input of any size, written as it is read: the bytes of
//! [`crate::write::DecodeDocument`] (compact or pretty), produced part by part with memory
//! bounded by the largest transaction (feature `json`).
//!
//! The input is read by [`StreamReader`] and regrouped into [`Part`]s that parse on their own
//! exactly as they parse inside the whole input: one envelope record (`A`, `B`, `Y`, `Z`), or
//! one whole host transaction (the [`UnitKind::Continuation`] units of a transaction cut for
//! its size are joined again, so that its tree is the one the whole input has). What the
//! whole parse keeps across transactions is carried by the stream: the document's terminator
//! convention (a record's `terminator` key and the F-019 mixed-terminator warning, reported
//! once), the byte order mark, the envelope nesting (batches and blocks, written by hand as
//! the tree builder nests them), and the trailing bytes of the last part. The `organic`
//! section comes last in the document but is produced while the tree is written: it is
//! spilled to a caller-given buffer (a temporary file for a large input) and copied at the
//! end.
//!
//! Memory: the largest transaction (its bytes, its tree of borrowed records, one owned
//! record at a time while it is written), whatever the input's size; a line longer than any
//! record (an error, F-001) is read whole. The whole parse's limits ([`crate::Limits`])
//! apply as given: per transaction for the tree limits, to the whole stream for
//! `max_input_len` (lift them to decode what a whole-input parse could not hold).
//!
//! Differences from the whole-input parse, all on inputs that are not CATAIR transmissions:
//! the F-023 binary-data and EBCDIC sniffs (SPEC 6.1) look at the start of the first part
//! instead of the start of the input (the same bytes unless the first part is shorter than
//! 4,096 bytes), terminator-less input is recognised from the first 64 KiB (no CR or LF
//! there) rather than from the whole input, and an input over `max_input_len` is refused
//! when the stream reaches the limit rather than before anything else.

use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use super::{StreamOptions, StreamReader, UnitKind};
use crate::error::{ParseError, Problem, ProblemKind, Severity};
use crate::options::ParseOptions;
use crate::records::{BatchHeader, BlockHeader, Record, RecordType};
use crate::transmission::Transmission;
use crate::tree::{FlatTree, GroupRef, Node, Transaction};
use crate::wire::framing::{Framing, Piece, Terminator};
use crate::write::dump::latin1_string;
use crate::write::owned::OwnedRecord;
use crate::write::{DecodeJson, JsonStyle};

mod threads;
use threads::{Buffers, Out, Rendered};

/// A piece of the stream that parses on its own as it parses inside the whole input: one
/// envelope record, or one whole host transaction (with the records before the first
/// transaction start, or after an envelope record, as a transaction of their own, as the
/// tree builder places them, SPEC 3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The bytes (records and terminators as received; the first part starts with the
    /// input's byte order mark, if any).
    pub bytes: Vec<u8>,
    /// Line number of the first record in the whole stream.
    pub first_line: u32,
    /// Byte offset of the first byte in the whole stream.
    pub offset: usize,
    /// The part is one envelope record.
    pub envelope: bool,
    /// The part starts the input.
    pub first: bool,
    /// The part ends the input.
    pub last: bool,
    /// The stream is terminator-less (concatenated 80-byte records).
    pub concatenated: bool,
}

impl Part {
    /// Parses the part with stream-wide line numbers and offsets, framed as the whole
    /// stream is. Problems that depend on the rest of the stream (F-019, mixed terminators)
    /// are as the part alone sees them; [`scan`] and [`write_decode_document`] report them
    /// as the whole input's parse does.
    ///
    /// # Errors
    /// As [`Transmission::parse_with`] (whole-input problems only).
    pub fn parse(&self, opts: &ParseOptions) -> Result<Transmission<'_>, ParseError> {
        Transmission::parse_fragment(
            &self.bytes,
            opts,
            self.first_line,
            self.offset,
            self.piece(),
        )
    }

    /// [`Self::parse`] into the flat tree (the same records and problems, about a third
    /// fewer instructions): what the first pass of [`scan`] needs.
    pub(crate) fn parse_flat(&self, opts: &ParseOptions) -> Result<FlatTree<'_>, ParseError> {
        FlatTree::parse_fragment(
            &self.bytes,
            opts,
            self.first_line,
            self.offset,
            self.piece(),
        )
    }

    /// Where the part sits in the stream, for the parser.
    fn piece(&self) -> Piece {
        Piece {
            concatenated: Some(self.concatenated),
            first: self.first,
            last: self.last,
        }
    }
}

/// Reads [`Part`]s: [`StreamReader`] units regrouped into whole transactions.
#[derive(Debug)]
pub struct PartReader<R> {
    units: StreamReader<R>,
    pending: Option<Part>,
    lower_case_ids: bool,
    /// Byte order marks skipped at the start (given back to the first part).
    marks: usize,
    started: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: BufRead> PartReader<R> {
    /// A reader of the parts of `reader`, whose transactions are recognised as `opts` reads
    /// record identifiers. `stream` sets how units are cut; a line is never handed out in
    /// pieces here (`max_record_len` is ignored: an over-long line, an error in any case,
    /// is read whole).
    ///
    /// # Errors
    /// Reading the byte order marks at the start fails.
    pub fn new(mut reader: R, opts: &ParseOptions, stream: &StreamOptions) -> io::Result<Self> {
        let stream = StreamOptions {
            max_unit_len: stream.max_unit_len,
            max_record_len: usize::MAX,
        };
        // The byte order marks the whole parse skips (one, or every repeated one when
        // accepted), so that the first record is recognised as the whole parse sees it.
        let mut marks = 0usize;
        loop {
            let head = reader.fill_buf()?;
            if !head.starts_with(BOM) || (marks > 0 && !opts.accept_byte_order_mark) {
                break;
            }
            reader.consume(BOM.len());
            marks += 1;
        }
        let mut units = StreamReader::with_options(reader, stream);
        // Offsets count the marks; the reader must not skip another one.
        units.offset = marks * BOM.len();
        Ok(PartReader {
            units,
            pending: None,
            lower_case_ids: opts.lower_case_ids,
            marks,
            started: false,
        })
    }
}

/// Whether the first record of `bytes` starts a transaction as the tree builder sees it
/// (a host `SE10` / `10` record, SPEC 3.4).
fn starts_transaction(bytes: &[u8], concatenated: bool, lower_case_ids: bool) -> bool {
    let end = if concatenated {
        bytes.len().min(80)
    } else {
        memchr::memchr2(b'\n', b'\r', bytes).unwrap_or(bytes.len())
    };
    let raw = bytes.get(..end).unwrap_or_default();
    crate::records::identify(raw, lower_case_ids).record_type == RecordType::Host
        && crate::records::host::starts_transaction(raw)
}

impl<R: BufRead> Iterator for PartReader<R> {
    type Item = io::Result<Part>;

    fn next(&mut self) -> Option<io::Result<Part>> {
        loop {
            let unit = match self.units.next() {
                None => return self.pending.take().map(Ok),
                Some(Err(e)) => {
                    self.pending = None;
                    return Some(Err(e));
                }
                Some(Ok(u)) => u,
            };
            let concatenated = self.units.concatenated == Some(true);
            let first = !self.started;
            self.started = true;
            let mut bytes = unit.bytes;
            let mut offset = unit.offset;
            if first && self.marks > 0 {
                // The first part parses with the marks, as the whole input does (F-016).
                let mut with_marks = BOM.repeat(self.marks);
                with_marks.extend_from_slice(&bytes);
                bytes = with_marks;
                offset = 0;
            }
            let envelope = unit.kind == UnitKind::Envelope;
            let new = match &self.pending {
                None => true,
                Some(p) if p.envelope => true,
                Some(_) => {
                    envelope
                        || (unit.kind == UnitKind::Transaction
                            && starts_transaction(&bytes, concatenated, self.lower_case_ids))
                }
            };
            if new {
                let part = Part {
                    bytes,
                    first_line: unit.first_line,
                    offset,
                    envelope,
                    first,
                    last: unit.last,
                    concatenated,
                };
                if let Some(done) = self.pending.replace(part) {
                    return Some(Ok(done));
                }
            } else if let Some(p) = self.pending.as_mut() {
                p.bytes.extend_from_slice(&bytes);
                p.last = unit.last;
            }
        }
    }
}

/// What the stream carries from part to part: the document's convention (the first
/// record's terminator) and whether F-019 was reported.
#[derive(Debug, Clone, Default)]
pub(crate) struct Carry {
    framing: Option<Framing>,
    mixed_reported: bool,
}

impl Carry {
    /// Sets the stream-wide F-019 warning in the problems of a part: the part's own (judged
    /// against its own first record) are dropped, the stream's is added once, at the first
    /// record whose terminator differs from the document's (none excepted).
    fn fix(&mut self, part: &Part, t: &mut FlatTree<'_>) {
        if part.first || self.framing.is_none() {
            self.framing = Some(*t.framing());
        }
        t.problems_mut()
            .retain(|p| !matches!(p.kind, ProblemKind::MixedTerminators));
        if self.mixed_reported {
            // Reported once for the stream: the part's records need no look.
            return;
        }
        let mixed = first_deviating(t.records(), self.terminator());
        self.report_mixed(t.problems_mut(), mixed);
    }

    /// Adds the stream's F-019 warning to the problems of a part rendered apart (its own
    /// F-019 taken out), at `mixed`, its first record whose terminator differs from the
    /// convention, unless reported before.
    fn report_mixed(&mut self, problems: &mut Vec<Problem>, mixed: Option<(u32, usize)>) {
        if let (false, Some((line, offset))) = (self.mixed_reported, mixed) {
            self.mixed_reported = true;
            insert_mixed(problems, line, offset);
        }
    }

    fn terminator(&self) -> Terminator {
        self.framing.map_or(Terminator::None, |f| f.terminator)
    }
}

/// Adds the stream's F-019 warning at `line` / `offset` to a part's problems, in input
/// order (problems without a line last).
fn insert_mixed(problems: &mut Vec<Problem>, line: u32, offset: usize) {
    let mixed = Problem::mixed_terminators(line, offset);
    let key = |p: &Problem| {
        (
            p.location.line.is_none(),
            p.location.line,
            p.location.offset,
        )
    };
    let at = problems.partition_point(|p| key(p) < key(&mixed));
    problems.insert(at, mixed);
}

/// The line and offset of the first record (by line) whose terminator is neither `first`
/// nor none (F-019).
fn first_deviating<'a, R: std::borrow::Borrow<Record<'a>>>(
    records: impl Iterator<Item = R>,
    first: Terminator,
) -> Option<(u32, usize)> {
    records
        .filter(|r| {
            let t = r.borrow().terminator();
            t != first && t != Terminator::None
        })
        .map(|r| (r.borrow().line(), r.borrow().offset()))
        .min()
}

/// Calls `f` with every part of the input, parsed with `opts`, its problems as the whole
/// input's parse has them (see the module docs).
///
/// # Errors
/// The first read error, the first whole-input problem (as [`Transmission::parse_with`]
/// reports it), or the first error of `f`.
pub(crate) fn for_each_part<R: BufRead>(
    reader: R,
    opts: &ParseOptions,
    stream: &StreamOptions,
    mut f: impl FnMut(&Part, &FlatTree<'_>, &Carry) -> Result<(), StreamDecodeError>,
) -> Result<(), StreamDecodeError> {
    each_part(reader, opts, stream, |part, carry| {
        let mut t = part.parse_flat(opts)?;
        carry.fix(part, &mut t);
        f(part, &t, carry)
    })
}

/// Calls `f` with every part of the input and the carried state, after the input-length
/// limit; an input of no part fails as the whole parse fails it.
fn each_part<R: BufRead>(
    reader: R,
    opts: &ParseOptions,
    stream: &StreamOptions,
    mut f: impl FnMut(&Part, &mut Carry) -> Result<(), StreamDecodeError>,
) -> Result<(), StreamDecodeError> {
    let mut carry = Carry::default();
    let mut any = false;
    let parts = PartReader::new(reader, opts, stream).map_err(StreamDecodeError::Read)?;
    let mut len = 0usize;
    for part in parts {
        let part = part.map_err(StreamDecodeError::Read)?;
        any = true;
        len = len.saturating_add(part.bytes.len());
        if len > opts.limits.max_input_len {
            return Err(input_too_long());
        }
        f(&part, &mut carry)?;
    }
    if !any {
        fail_empty(opts)?;
    }
    Ok(())
}

/// The whole parse's error for an input over `max_input_len`.
fn input_too_long() -> StreamDecodeError {
    StreamDecodeError::Parse(ParseError {
        problems: vec![crate::wire::framing::whole_input(
            ProblemKind::LimitExceeded {
                limit: "max_input_len",
            },
        )],
    })
}

/// An empty input fails as the whole parse fails it (F-020).
fn fail_empty(opts: &ParseOptions) -> Result<(), StreamDecodeError> {
    Transmission::parse_with(&[], opts)?;
    Ok(())
}

/// What a pass over a stream found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamSummary {
    /// Problems of error severity.
    pub errors: usize,
    /// Problems of warning severity.
    pub warnings: usize,
    /// Records read.
    pub records: u64,
    /// Bytes read (the byte order mark included).
    pub bytes: u64,
    /// The `application_id` of the first block header (`B`) that has one.
    pub block_application_id: Option<String>,
    /// The `application_id` of the first batch header (`A`) that has one.
    pub batch_application_id: Option<String>,
}

impl StreamSummary {
    /// The input's ABI application identifier as
    /// [`crate::response::application_id`] reads it from a whole transmission: the first
    /// block header's, else the first batch header's.
    pub fn application_id(&self) -> Option<&str> {
        self.block_application_id
            .as_deref()
            .or(self.batch_application_id.as_deref())
    }

    /// Adds a part of `bytes` bytes and `records` records with `problems`.
    fn add_counts(&mut self, bytes: u64, records: u64, problems: &[Problem]) {
        self.bytes += bytes;
        self.records += records;
        self.count(problems);
    }

    /// Counts `problems` by severity.
    fn count(&mut self, problems: &[Problem]) {
        for p in problems {
            match p.severity {
                Severity::Error => self.errors += 1,
                _ => self.warnings += 1,
            }
        }
    }

    fn add<'a, R: std::borrow::Borrow<Record<'a>>>(
        &mut self,
        part: &Part,
        problems: &[Problem],
        records: impl Iterator<Item = R>,
    ) {
        self.bytes += part.bytes.len() as u64;
        self.count(problems);
        for r in records {
            let r = r.borrow();
            self.records += 1;
            if !part.envelope {
                continue;
            }
            let (field, slot) = match r.record_type() {
                RecordType::BatchHeader => {
                    (BatchHeader::APPLICATION_ID, &mut self.batch_application_id)
                }
                RecordType::BlockHeader => {
                    (BlockHeader::APPLICATION_ID, &mut self.block_application_id)
                }
                _ => continue,
            };
            if slot.is_none() {
                let raw = field.slice(r.bytes());
                if let Ok(s) = std::str::from_utf8(raw) {
                    let s = s.trim();
                    if !s.is_empty() {
                        *slot = Some(s.to_string());
                    }
                }
            }
        }
    }
}

/// Why a streamed pass stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamDecodeError {
    /// Reading the input failed.
    #[error("{0}")]
    Read(io::Error),
    /// Writing the output (or the spill) failed.
    #[error("writing output: {0}")]
    Write(io::Error),
    /// A whole-input problem (F-020, F-021, F-023, a limit), as
    /// [`Transmission::parse_with`] reports it.
    #[error("{0}")]
    Parse(#[from] ParseError),
}

/// Parses the whole stream part by part without writing anything: the problems (each
/// handed to `on_problem`, in input order, as the whole input's parse reports them) and the
/// application identifiers ([`StreamSummary`]). Memory: the largest transaction.
///
/// # Errors
/// [`StreamDecodeError::Read`] when reading fails, [`StreamDecodeError::Parse`] for a
/// whole-input problem.
pub fn scan<R: BufRead>(
    reader: R,
    opts: &ParseOptions,
    stream: &StreamOptions,
    on_problem: impl FnMut(&Problem),
) -> Result<StreamSummary, StreamDecodeError> {
    scan_threads(reader, opts, stream, 1, on_problem)
}

/// [`scan`] with the parts parsed on `threads` worker threads (at most [`MAX_THREADS`];
/// `1`: all on the calling thread), handed out in runs of about 128 KiB: the problems
/// handed to `on_problem` and the summary are the same for any `threads`. Memory: about
/// 2 × `threads` such runs, besides the largest transaction.
///
/// # Errors
/// As [`scan`]; also [`StreamDecodeError::Read`] when no worker thread can be started.
pub fn scan_threads<R: BufRead>(
    reader: R,
    opts: &ParseOptions,
    stream: &StreamOptions,
    threads: usize,
    mut on_problem: impl FnMut(&Problem),
) -> Result<StreamSummary, StreamDecodeError> {
    let mut summary = StreamSummary::default();
    let threads = threads.clamp(1, MAX_THREADS);
    if threads > 1 {
        threads::scan(reader, opts, stream, threads, &mut summary, on_problem)?;
        return Ok(summary);
    }
    each_part(reader, opts, stream, |part, carry| {
        scan_inline(part, opts, carry, &mut summary, &mut on_problem)
    })?;
    Ok(summary)
}

/// The first pass over a part on the calling thread.
fn scan_inline(
    part: &Part,
    opts: &ParseOptions,
    carry: &mut Carry,
    summary: &mut StreamSummary,
    on_problem: &mut impl FnMut(&Problem),
) -> Result<(), StreamDecodeError> {
    // The flat tree: the same records and problems as the nested one, cheaper to build.
    let mut t = part.parse_flat(opts)?;
    carry.fix(part, &mut t);
    t.problems().iter().for_each(on_problem);
    summary.add(part, t.problems(), t.records());
    Ok(())
}

/// A record serialized as [`OwnedRecord`] (its owned form built when written, then
/// dropped), with the terminator judged against the document's convention.
struct Lazy<'t, 'a> {
    record: &'t Record<'a>,
    pad: bool,
    convention: Terminator,
}

impl Serialize for Lazy<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let deviates = self.record.terminator() != self.convention;
        OwnedRecord::from_record_in(self.record, self.pad, deviates).serialize(s)
    }
}

/// A formatter borrowed for one value, so that the document's indentation state carries
/// over between the values written with it.
struct Shared<'f, F>(&'f mut F);

impl<F: Formatter> Formatter for Shared<'_, F> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` with the shared formatter.
fn value<W: Write, F: Formatter, T: Serialize + ?Sized>(
    out: &mut W,
    fmt: &mut F,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Shared(fmt));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// The decode document written as the tree builder would nest it: batches and blocks by
/// hand, each transaction with serde.
struct Doc<W, F> {
    out: W,
    fmt: F,
    /// The style of `fmt`, for the transactions written directly (pretty: a transaction
    /// sits six levels down, `{"batches": [{"blocks": [{"transactions": [`).
    style: JsonStyle,
    /// The bytes of one transaction.
    buf: Vec<u8>,
    /// The field renderer's buffers, kept from transaction to transaction.
    fields: crate::write::dump::DumpJsonWriter,
    started: bool,
    batch_open: bool,
    block_open: bool,
    first_batch: bool,
    first_block: bool,
    first_transaction: bool,
}

type Header<'t, 'a> = Option<Node<Lazy<'t, 'a>>>;

impl<W: Write, F: Formatter> Doc<W, F> {
    fn key(&mut self, first: bool, name: &str) -> io::Result<()> {
        self.fmt.begin_object_key(&mut self.out, first)?;
        value(&mut self.out, &mut self.fmt, name)?;
        self.fmt.end_object_key(&mut self.out)?;
        self.fmt.begin_object_value(&mut self.out)
    }

    fn entry<T: Serialize + ?Sized>(&mut self, first: bool, name: &str, v: &T) -> io::Result<()> {
        self.key(first, name)?;
        value(&mut self.out, &mut self.fmt, v)?;
        self.fmt.end_object_value(&mut self.out)
    }

    fn start(&mut self, framing: &Framing) -> io::Result<()> {
        self.started = true;
        self.fmt.begin_object(&mut self.out)?;
        self.entry(true, "framing", framing)?;
        self.key(false, "batches")?;
        self.fmt.begin_array(&mut self.out)?;
        self.first_batch = true;
        Ok(())
    }

    /// Opens a batch or block object as the next value of its array (`first`: the first
    /// one): `{"header": …, "<list>": [`.
    fn open_container(
        &mut self,
        first: bool,
        header: &Header<'_, '_>,
        list: &str,
    ) -> io::Result<()> {
        self.fmt.begin_array_value(&mut self.out, first)?;
        self.fmt.begin_object(&mut self.out)?;
        self.entry(true, "header", header)?;
        self.key(false, list)?;
        self.fmt.begin_array(&mut self.out)
    }

    /// Closes what [`Self::open_container`] opened: `], "trailer": …}`.
    fn close_container(&mut self, trailer: &Header<'_, '_>) -> io::Result<()> {
        self.fmt.end_array(&mut self.out)?;
        self.fmt.end_object_value(&mut self.out)?;
        self.entry(false, "trailer", trailer)?;
        self.fmt.end_object(&mut self.out)?;
        self.fmt.end_array_value(&mut self.out)
    }

    fn open_batch(&mut self, header: &Header<'_, '_>) -> io::Result<()> {
        self.close_batch(&None)?;
        let first = std::mem::replace(&mut self.first_batch, false);
        self.open_container(first, header, "blocks")?;
        self.first_block = true;
        self.batch_open = true;
        Ok(())
    }

    fn ensure_batch(&mut self) -> io::Result<()> {
        if self.batch_open {
            return Ok(());
        }
        self.open_batch(&None)
    }

    fn close_batch(&mut self, trailer: &Header<'_, '_>) -> io::Result<()> {
        self.close_block(&None)?;
        if !std::mem::replace(&mut self.batch_open, false) {
            return Ok(());
        }
        self.close_container(trailer)
    }

    fn open_block(&mut self, header: &Header<'_, '_>) -> io::Result<()> {
        self.close_block(&None)?;
        self.ensure_batch()?;
        let first = std::mem::replace(&mut self.first_block, false);
        self.open_container(first, header, "transactions")?;
        self.first_transaction = true;
        self.block_open = true;
        Ok(())
    }

    fn ensure_block(&mut self) -> io::Result<()> {
        if self.block_open {
            return Ok(());
        }
        self.open_block(&None)
    }

    fn close_block(&mut self, trailer: &Header<'_, '_>) -> io::Result<()> {
        if !std::mem::replace(&mut self.block_open, false) {
            return Ok(());
        }
        self.close_container(trailer)
    }

    /// An envelope record, placed as the tree builder places it.
    fn envelope(&mut self, r: Lazy<'_, '_>) -> io::Result<()> {
        let rt = r.record.record_type();
        let node = Node::new(r);
        match rt {
            RecordType::BatchHeader => self.open_batch(&Some(node)),
            RecordType::BatchTrailer => {
                self.close_block(&None)?;
                self.ensure_batch()?;
                self.close_batch(&Some(node))
            }
            RecordType::BlockHeader => self.open_block(&Some(node)),
            RecordType::BlockTrailer => {
                self.ensure_block()?;
                self.close_block(&Some(node))
            }
            // Not an envelope record (the stream reader hands out only these as envelopes).
            _ => self.transaction(&Transaction {
                items: vec![crate::tree::Item::Record(node)],
            }),
        }
    }

    /// A transaction of the parsed tree, written directly (the bytes serde writes, see
    /// [`DecodeJson::write_json`]); the formatter's state after it is the state serde leaves.
    ///
    /// Written to the output as it goes (64 KiB at a time), so that a transaction of any
    /// size takes no more memory for its JSON.
    fn direct_transaction(&mut self, tx: DecodeJson<'_, GroupRef<'_, '_>>) -> io::Result<()> {
        self.ensure_block()?;
        self.fmt
            .begin_array_value(&mut self.out, self.first_transaction)?;
        self.first_transaction = false;
        tx.write_json_to(&mut self.out, &mut self.buf, self.style, &mut self.fields)?;
        self.fmt.end_array_value(&mut self.out)
    }

    /// A transaction's JSON rendered with the document's style ([`DecodeJson::write_json`]).
    fn rendered_transaction(&mut self, json: &[u8]) -> io::Result<()> {
        self.ensure_block()?;
        self.fmt
            .begin_array_value(&mut self.out, self.first_transaction)?;
        self.first_transaction = false;
        self.out.write_all(json)?;
        self.fmt.end_array_value(&mut self.out)
    }

    fn transaction<T: Serialize + ?Sized>(&mut self, tx: &T) -> io::Result<()> {
        self.ensure_block()?;
        self.fmt
            .begin_array_value(&mut self.out, self.first_transaction)?;
        self.first_transaction = false;
        value(&mut self.out, &mut self.fmt, tx)?;
        self.fmt.end_array_value(&mut self.out)
    }

    /// Closes the tree, writes `trailing` and the organic section (`organic` holds
    /// `count` array values, written with a formatter at the right depth).
    fn finish<S: Read>(&mut self, trailing: &str, organic: S, count: usize) -> io::Result<()> {
        self.close_batch(&None)?;
        self.fmt.end_array(&mut self.out)?;
        self.fmt.end_object_value(&mut self.out)?;
        if !trailing.is_empty() {
            self.entry(false, "trailing", trailing)?;
        }
        self.key(false, "organic")?;
        self.fmt.begin_array(&mut self.out)?;
        io::copy(&mut { organic }, &mut self.out)?;
        if count > 0 {
            self.fmt.end_array_value(&mut io::sink())?;
        }
        self.fmt.end_array(&mut self.out)?;
        self.fmt.end_object_value(&mut self.out)?;
        self.fmt.end_object(&mut self.out)
    }
}

/// Writes the `ace-pga decode` document of the input read from `reader` to `out`, byte for
/// byte what serializing [`crate::write::DecodeDocument`] of the whole input writes
/// (`serde_json::to_writer`, or `to_writer_pretty` when `pretty`; no newline at the end),
/// part by part: memory is bounded by the largest transaction, not by the input. The
/// `organic` section is spilled to `spill` (emptied first; a temporary file for large
/// inputs, a `Cursor<Vec<u8>>` for small ones) and copied to `out` at the end. Every problem
/// of the parse is handed to `on_problem`, in input order, as the whole input's parse
/// reports it; none stops the writing (check first with [`scan`] when errors must write
/// nothing).
///
/// `opts` as for [`Transmission::parse_with`]; its limits apply per transaction
/// (`max_input_len` to each part).
///
/// # Errors
/// [`StreamDecodeError::Read`] / [`StreamDecodeError::Write`] for I/O,
/// [`StreamDecodeError::Parse`] for a whole-input problem (the output then holds the
/// document up to the part that failed: [`scan`] first to write nothing in that case).
pub fn write_decode_document<R: BufRead, W: Write, S: Read + Write + Seek>(
    reader: R,
    out: W,
    spill: S,
    opts: &ParseOptions,
    stream: &StreamOptions,
    pretty: bool,
    on_problem: impl FnMut(&Problem),
) -> Result<StreamSummary, StreamDecodeError> {
    write_decode_document_threads(reader, out, spill, opts, stream, pretty, 1, on_problem)
}

/// Most worker threads [`write_decode_document_threads`] starts (more are clamped to this).
pub const MAX_THREADS: usize = 64;

/// [`write_decode_document`] with the transactions' JSON (and their organic lines) rendered
/// on `threads` worker threads (at most [`MAX_THREADS`]; `1`: all on the calling thread)
/// into buffers that the calling thread writes in input order: the output, the problems
/// handed to `on_problem` and the summary are the same for any `threads`. The calling
/// thread reads the parts, handles the first part and the envelope records itself, and
/// hands out runs of about 128 KiB of parts; memory: about 2 × `threads` such runs and
/// their JSON, besides the largest transaction.
///
/// # Errors
/// As [`write_decode_document`]; also [`StreamDecodeError::Read`] when no worker thread
/// can be started.
#[allow(clippy::too_many_arguments)]
pub fn write_decode_document_threads<R: BufRead, W: Write, S: Read + Write + Seek>(
    reader: R,
    out: W,
    spill: S,
    opts: &ParseOptions,
    stream: &StreamOptions,
    pretty: bool,
    threads: usize,
    on_problem: impl FnMut(&Problem),
) -> Result<StreamSummary, StreamDecodeError> {
    let threads = threads.clamp(1, MAX_THREADS);
    if pretty {
        let w = Writer::new(
            out,
            spill,
            PrettyFormatter::new(),
            PrettyFormatter::new(),
            JsonStyle::Pretty { depth: 6 },
            opts.pad_short_lines,
            on_problem,
        )?;
        w.run(reader, opts, stream, threads)
    } else {
        let w = Writer::new(
            out,
            spill,
            CompactFormatter,
            CompactFormatter,
            JsonStyle::Compact,
            opts.pad_short_lines,
            on_problem,
        )?;
        w.run(reader, opts, stream, threads)
    }
}

/// The organic values a part buffers before they go to the spill (a part of any size
/// takes no more memory for them).
const SPILL_AT: usize = 1 << 16;

/// The style of the values of the `organic` section (`{"organic": [`: two levels down)
/// in a document whose transactions are written in `style`.
fn organic_style(style: JsonStyle) -> JsonStyle {
    match style {
        JsonStyle::Pretty { .. } => JsonStyle::Pretty { depth: 2 },
        other => other,
    }
}

/// The document being written, with what the stream carries for it.
struct Writer<W, S, F, P> {
    doc: Doc<W, F>,
    spill: S,
    /// The formatter of the organic values, two levels down (`{"organic": [ … ]}`).
    organic_fmt: F,
    organic: usize,
    organic_len: u64,
    organic_buf: Vec<u8>,
    summary: StreamSummary,
    trailing: String,
    pad: bool,
    /// [`ParseOptions::ignore_trailing_eof`] (set by `run`): what of the trailing bytes
    /// is written.
    ignore_trailing_eof: bool,
    on_problem: P,
}

impl<W: Write, S: Read + Write + Seek, F: Formatter + Clone + Send + Sync, P: FnMut(&Problem)>
    Writer<W, S, F, P>
{
    fn new(
        out: W,
        mut spill: S,
        fmt: F,
        mut organic_fmt: F,
        style: JsonStyle,
        pad: bool,
        on_problem: P,
    ) -> Result<Self, StreamDecodeError> {
        let werr = StreamDecodeError::Write;
        spill.seek(SeekFrom::Start(0)).map_err(werr)?;
        organic_fmt.begin_object(&mut io::sink()).map_err(werr)?;
        organic_fmt.begin_array(&mut io::sink()).map_err(werr)?;
        Ok(Writer {
            doc: Doc {
                out,
                fmt,
                style,
                buf: Vec::new(),
                fields: crate::write::dump::DumpJsonWriter::new(),
                started: false,
                batch_open: false,
                block_open: false,
                first_batch: true,
                first_block: true,
                first_transaction: true,
            },
            spill,
            organic_fmt,
            organic: 0,
            organic_len: 0,
            organic_buf: Vec::new(),
            summary: StreamSummary::default(),
            trailing: String::new(),
            pad,
            ignore_trailing_eof: false,
            on_problem,
        })
    }

    fn run<R: BufRead>(
        mut self,
        reader: R,
        opts: &ParseOptions,
        stream: &StreamOptions,
        threads: usize,
    ) -> Result<StreamSummary, StreamDecodeError> {
        self.ignore_trailing_eof = opts.ignore_trailing_eof;
        if threads > 1 {
            return self.run_threads(reader, opts, stream, threads);
        }
        for_each_part(reader, opts, stream, |part, t, carry| {
            self.inline(part, t, carry)
        })?;
        self.end()
    }

    /// Writes a part parsed here, its problems as the whole input's parse has them.
    fn inline(
        &mut self,
        part: &Part,
        t: &FlatTree<'_>,
        carry: &Carry,
    ) -> Result<(), StreamDecodeError> {
        let werr = StreamDecodeError::Write;
        t.problems().iter().for_each(&mut self.on_problem);
        self.summary.add(part, t.problems(), t.records());
        let convention = carry.terminator();
        let doc = &mut self.doc;
        if !doc.started {
            doc.start(t.framing()).map_err(werr)?;
        }
        if part.envelope {
            if let Some(r) = t.record(0) {
                doc.envelope(Lazy {
                    record: &r,
                    pad: self.pad,
                    convention,
                })
                .map_err(werr)?;
            }
        } else {
            for tx in t.transactions() {
                // Written from the borrowed tree (no owned copy), terminators judged against
                // the whole input's convention.
                doc.direct_transaction(DecodeJson::new(&tx, self.pad).with_convention(convention))
                    .map_err(werr)?;
            }
        }
        // The part's organic lines go to a buffer first, and to the spill in one write
        // (serde_json writes a value in many small pieces).
        self.organic_buf.clear();
        for line in t.organic_lines() {
            self.organic_fmt
                .begin_array_value(&mut self.organic_buf, self.organic == 0)
                .map_err(werr)?;
            self.organic += 1;
            crate::write::write_organic_line(
                &mut self.organic_buf,
                organic_style(self.doc.style),
                &line,
            )
            .map_err(werr)?;
            self.organic_fmt
                .end_array_value(&mut self.organic_buf)
                .map_err(werr)?;
            if self.organic_buf.len() >= SPILL_AT {
                self.spill_organic().map_err(werr)?;
            }
        }
        self.spill_organic().map_err(werr)?;
        if part.last {
            self.trailing = latin1_string(crate::transmission::trailing_to_write(
                t.trailing(),
                self.ignore_trailing_eof,
            ));
        }
        Ok(())
    }

    /// Moves the organic values buffered to the spill.
    fn spill_organic(&mut self) -> io::Result<()> {
        self.spill.write_all(&self.organic_buf)?;
        self.organic_len += self.organic_buf.len() as u64;
        self.organic_buf.clear();
        Ok(())
    }

    /// Writes a part rendered by a worker (into `b`): what [`Self::inline`] writes.
    fn rendered(
        &mut self,
        d: Rendered,
        b: &Buffers,
        carry: &mut Carry,
    ) -> Result<(), StreamDecodeError> {
        let werr = StreamDecodeError::Write;
        let mut problems = d.problems;
        carry.report_mixed(&mut problems, d.mixed);
        problems.iter().for_each(&mut self.on_problem);
        self.summary.add_counts(d.bytes, d.records, &problems);
        if !self.doc.started {
            self.doc.start(&d.framing).map_err(werr)?;
        }
        let mut from = d.json_start;
        for &end in b.ends.get(d.ends).unwrap_or_default() {
            let tx = b.json.get(from..end).unwrap_or_default();
            self.doc.rendered_transaction(tx).map_err(werr)?;
            from = end;
        }
        if d.organic_count > 0 {
            // Rendered as values after the first: the first value of the section has no
            // comma before it (the formatters write `,` first for the others).
            let organic = b.organic.get(d.organic).unwrap_or_default();
            let bytes = if self.organic == 0 {
                organic.get(1..).unwrap_or_default()
            } else {
                organic
            };
            self.spill.write_all(bytes).map_err(werr)?;
            self.organic_len += bytes.len() as u64;
            self.organic += d.organic_count;
        }
        if let Some(trailing) = d.trailing {
            self.trailing = trailing;
        }
        Ok(())
    }

    /// Writes the parts of a run handed back by a worker, in order.
    fn outs(
        &mut self,
        outs: Vec<Out>,
        buffers: &Buffers,
        carry: &mut Carry,
        opts: &ParseOptions,
    ) -> Result<(), StreamDecodeError> {
        for out in outs {
            match out {
                Out::Inline(part) => {
                    let mut t = part.parse_flat(opts)?;
                    carry.fix(&part, &mut t);
                    self.inline(&part, &t, carry)?;
                }
                Out::Rendered(d) => self.rendered(*d, buffers, carry)?,
                Out::Failed(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn end(mut self) -> Result<StreamSummary, StreamDecodeError> {
        let werr = StreamDecodeError::Write;
        self.spill.flush().map_err(werr)?;
        self.spill.seek(SeekFrom::Start(0)).map_err(werr)?;
        self.doc
            .finish(
                &self.trailing,
                (&mut self.spill).take(self.organic_len),
                self.organic,
            )
            .map_err(werr)?;
        self.doc.out.flush().map_err(werr)?;
        Ok(self.summary)
    }
}
