//! Streaming: read a transmission of any size from a [`std::io::BufRead`] one unit at a time
//! with bounded memory. A [`Unit`] is an envelope record (`A`, `B`, `Y`, `Z`) or a host
//! transaction (from its start record `SE10` / `10` up to the next start or envelope record);
//! a transaction larger than [`StreamOptions::max_unit_len`] is cut before an `OI` or `PG01`
//! record (or, failing that, any record) so that memory stays bounded even for one huge OI
//! group. Each unit parses on its own ([`Unit::parse`]) with the line numbers and byte
//! offsets it has in the whole stream.
//!
//! Framing as in SPEC 2.2: LF, CRLF, CR, or none. Terminator-less input is detected when the
//! first 64 KiB hold no CR or LF; it is then cut every 80 bytes. A byte order mark at the
//! start is skipped (and reported by [`StreamReader::byte_order_mark`]).
//!
#![cfg_attr(
    feature = "json",
    doc = "On top of the readers (feature `json`): [`decode`] writes the `ace-pga decode` \
document of an input of any size part by part ([`decode::write_decode_document`], byte for \
byte the [`crate::write::DecodeDocument`] of the whole input; [`decode::scan`] checks first), \
and [`encode`] reads a decode document transaction by transaction ([`encode::encode_stream`], \
the bytes and messages of [`crate::write::encode_json`])."
)]
#![cfg_attr(
    not(feature = "json"),
    doc = "On top of the readers, with feature `json`: the modules `decode` (the `ace-pga \
decode` document of an input of any size, part by part) and `encode` (a decode document read \
transaction by transaction)."
)]

pub mod check;
#[cfg(feature = "json")]
pub mod decode;
#[cfg(feature = "json")]
pub mod encode;
pub mod stats;

use std::io::{self, BufRead, Read};

use memchr::memchr2;

use crate::error::ParseError;
use crate::options::ParseOptions;
use crate::transmission::Transmission;
use crate::wire::framing::terminator_less;

/// The bytes read ahead of a reader (to tell whether an input is small enough to be read
/// whole), then the rest of it: what `Cursor::new(head).chain(rest)` reads, except that the
/// bytes read ahead are freed as soon as they have been read (a chain holds them to the
/// end; `ace-pga check` and `dump` read up to 8 MiB ahead). It is a [`Read`]: hand it to
/// [`check::check_reader`] as it is, or wrap it in a [`std::io::BufReader`] for
/// [`StreamReader`] (which reads a [`BufRead`]).
///
/// ```
/// use std::io::Read;
/// let mut r = ace_pga::stream::ReadAhead::new(b"AB".to_vec(), &b"CD"[..]);
/// let mut all = String::new();
/// r.read_to_string(&mut all)?;
/// assert_eq!(all, "ABCD");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ReadAhead<R> {
    head: Vec<u8>,
    at: usize,
    rest: R,
}

impl<R> ReadAhead<R> {
    /// `head` (the bytes read ahead of `rest`), then `rest`.
    pub fn new(head: Vec<u8>, rest: R) -> Self {
        ReadAhead { head, at: 0, rest }
    }
}

impl<R: Read> Read for ReadAhead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.head.get(self.at..).unwrap_or_default();
        if left.is_empty() {
            return self.rest.read(buf);
        }
        let n = left.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), left.get(..n)) {
            to.copy_from_slice(from);
        }
        self.at += n;
        if self.at >= self.head.len() {
            // Read: freed.
            (self.head, self.at) = (Vec::new(), 0);
        }
        Ok(n)
    }
}

/// Options of the streaming reader.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamOptions {
    /// A unit longer than this many bytes is cut before its next `OI` / `PG01` record (or
    /// its next record when none comes within another `max_unit_len` bytes).
    pub max_unit_len: usize,
    /// A line (record) longer than this many bytes without terminator is handed out in
    /// pieces of this size, each a [`UnitKind::Piece`] unit of its own that keeps the
    /// line's number, so that memory stays bounded. A valid record has 80 bytes: any such
    /// line is already an error (F-001), reported for every piece.
    pub max_record_len: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            max_unit_len: 1 << 20,
            max_record_len: 1 << 20,
        }
    }
}

/// What a unit holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnitKind {
    /// One envelope record (`A`, `B`, `Y` or `Z`).
    Envelope,
    /// A host transaction from its start record (or the records before the first start).
    Transaction,
    /// The continuation of a transaction that was cut because of its size.
    Continuation,
    /// A piece of one line longer than [`StreamOptions::max_record_len`] (no terminator,
    /// except in the last piece); every piece carries the line's number.
    Piece,
}

/// A piece of the stream: whole records with their terminators, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The bytes (records and terminators).
    pub bytes: Vec<u8>,
    /// Line number of the first record in the whole stream.
    pub first_line: u32,
    /// Byte offset of the first record in the whole stream.
    pub offset: usize,
    /// Number of records.
    pub records: u32,
    /// What the unit holds.
    pub kind: UnitKind,
    /// The unit ends the input (end-of-input checks apply to it, see [`Unit::parse`]).
    pub last: bool,
}

impl Unit {
    /// Parses the unit as a fragment, with stream-wide line numbers and offsets.
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

    /// [`Self::parse`] into the flat tree: the same records, groups and problems
    /// ([`crate::FlatTree`]), cheaper to build.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_flat(&self, opts: &ParseOptions) -> Result<crate::FlatTree<'_>, ParseError> {
        crate::FlatTree::parse_fragment(
            &self.bytes,
            opts,
            self.first_line,
            self.offset,
            self.piece(),
        )
    }

    /// Where the unit sits in the stream, for the parser.
    fn piece(&self) -> crate::wire::framing::Piece {
        crate::wire::framing::Piece {
            // A piece of an over-long line holds no terminator but is not terminator-less
            // input.
            concatenated: (self.kind == UnitKind::Piece).then_some(false),
            first: self.first_line == 1 && self.kind != UnitKind::Piece,
            last: self.last,
        }
    }
}

/// Reads [`Unit`]s from a `BufRead`.
#[derive(Debug)]
pub struct StreamReader<R> {
    reader: R,
    opts: StreamOptions,
    /// Bytes read but not yet handed out: `buf[start..filled]` (the bytes after `filled`
    /// are spare room, zeroed once when the buffer grows, not before every read).
    buf: Vec<u8>,
    /// End of the bytes read in `buf`.
    filled: usize,
    /// Start of unconsumed data in `buf`.
    start: usize,
    eof: bool,
    /// Index in `buf` up to which the pending record was searched for a terminator.
    scanned: usize,
    /// `Some(true)`: terminator-less input; decided on the first fill.
    concatenated: Option<bool>,
    bom: bool,
    line: u32,
    offset: usize,
    /// The unit being assembled.
    unit: Unit,
    /// Capacity given to the next unit's bytes (see `take_unit`).
    unit_room: usize,
    /// Start in `buf` of the unit's records not yet copied to its bytes (`pending..start`):
    /// copied in one piece when the unit is handed out or the buffer moves.
    pending: Option<usize>,
    done: bool,
    /// The record returned last by `next_record` is a piece of an over-long line.
    piece: bool,
}

/// How far the reader looks for a CR or LF before it calls the input terminator-less.
const DETECT: usize = 1 << 16;

fn starts_unit(rec: &[u8]) -> Option<UnitKind> {
    match rec.first() {
        Some(b'A' | b'B' | b'Y' | b'Z') => Some(UnitKind::Envelope),
        _ if crate::records::host::starts_transaction(rec) => Some(UnitKind::Transaction),
        _ => None,
    }
}

/// The length (with its terminator) of the record at the start of `avail` when it is 80
/// bytes without CR or LF followed by LF, CRLF, or a CR and another byte; `None` otherwise
/// (the general search decides: a shorter or longer line, or a CR that may start a CRLF
/// not yet read).
#[inline]
fn record_of_80(avail: &[u8]) -> Option<usize> {
    let (head, rest) = avail.split_first_chunk::<80>()?;
    let breaks = head.iter().fold(0u8, |acc, &b| {
        acc | u8::from(b == b'\n') | u8::from(b == b'\r')
    });
    if breaks != 0 {
        return None;
    }
    match rest {
        [b'\n', ..] => Some(81),
        [b'\r', b'\n', ..] => Some(82),
        [b'\r', _, ..] => Some(81),
        _ => None,
    }
}

fn cut_point(rec: &[u8]) -> bool {
    rec.starts_with(b"OI") || rec.starts_with(b"PG01")
}

impl<R: BufRead> StreamReader<R> {
    /// A reader with default options.
    pub fn new(reader: R) -> Self {
        Self::with_options(reader, StreamOptions::default())
    }

    /// A reader with the given options.
    pub fn with_options(reader: R, opts: StreamOptions) -> Self {
        StreamReader {
            reader,
            opts,
            buf: Vec::new(),
            filled: 0,
            start: 0,
            eof: false,
            scanned: 0,
            concatenated: None,
            bom: false,
            line: 0,
            offset: 0,
            unit: Unit {
                bytes: Vec::new(),
                first_line: 1,
                offset: 0,
                records: 0,
                kind: UnitKind::Transaction,
                last: false,
            },
            unit_room: 0,
            pending: None,
            done: false,
            piece: false,
        }
    }

    /// Whether the stream started with a UTF-8 byte order mark (skipped).
    pub fn byte_order_mark(&self) -> bool {
        self.bom
    }

    /// Reads more input into `buf`; false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 && self.start >= self.filled / 2 {
            self.copy_pending();
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.scanned = self.scanned.saturating_sub(self.start);
            self.start = 0;
        }
        // Read straight into our buffer (a `BufReader` skips its own buffer for large reads).
        const CHUNK: usize = 1 << 18;
        let len = self.filled;
        if self.buf.len() < len + CHUNK {
            self.buf.resize(len + CHUNK, 0);
        }
        let n = loop {
            match self
                .reader
                .read(self.buf.get_mut(len..len + CHUNK).unwrap_or_default())
            {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.filled = len + n.min(CHUNK);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// The next record (bytes including its terminator), or `None` at end of input.
    fn next_record(&mut self) -> io::Result<Option<(usize, usize)>> {
        loop {
            let avail = self.buf.get(self.start..self.filled).unwrap_or_default();
            if self.concatenated.is_none() {
                // Terminator-less input has no CR or LF at all: look at up to 64 KiB (a
                // damaged long first line must not make a terminated input look concatenated).
                if avail.len() < DETECT && !self.eof && memchr2(b'\n', b'\r', avail).is_none() {
                    self.fill()?;
                    continue;
                }
                if self.offset == 0 && avail.starts_with(b"\xEF\xBB\xBF") {
                    self.bom = true;
                    self.start += 3;
                    self.offset = 3;
                    continue;
                }
                let head = avail.get(..avail.len().min(DETECT)).unwrap_or_default();
                let whole = self.eof && head.len() == avail.len();
                self.concatenated = Some(terminator_less(head, whole));
            }
            if avail.is_empty() {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            if self.concatenated == Some(true) {
                if avail.len() < 80 && !self.eof {
                    self.fill()?;
                    continue;
                }
                let n = avail.len().min(80);
                return Ok(Some((self.start, n)));
            }
            // The usual record: 80 bytes without CR or LF, then its terminator (one
            // branch-free pass over the 80 bytes, which the compiler vectorizes; the
            // general search below finds the same end).
            if let Some(end) = record_of_80(avail) {
                self.scanned = 0;
                return Ok(Some((self.start, end)));
            }
            // Resume the terminator search where the previous fill left it (linear time for
            // long lines).
            let from = self.scanned.saturating_sub(self.start).min(avail.len());
            match memchr2(b'\n', b'\r', avail.get(from..).unwrap_or_default()).map(|i| i + from) {
                Some(i) => {
                    let is_cr = avail.get(i) == Some(&b'\r');
                    if is_cr && i + 1 == avail.len() && !self.eof {
                        // CR at the end of the buffer: it may be a CRLF.
                        self.fill()?;
                        continue;
                    }
                    let tl = if is_cr && avail.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.scanned = 0;
                    return Ok(Some((self.start, i + tl)));
                }
                None => {
                    if self.eof {
                        self.scanned = 0;
                        return Ok(Some((self.start, avail.len())));
                    }
                    if avail.len() >= self.opts.max_record_len.max(81) {
                        // An over-long line: hand out a piece (see `max_record_len`).
                        self.piece = true;
                        self.scanned = 0;
                        return Ok(Some((self.start, self.opts.max_record_len.max(81))));
                    }
                    self.scanned = self.start + avail.len();
                    self.fill()?;
                }
            }
        }
    }

    /// Copies the unit's records not yet copied (`pending..start` of `buf`) to its bytes.
    fn copy_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            let recs = self.buf.get(p..self.start).unwrap_or_default();
            self.unit.bytes.extend_from_slice(recs);
        }
    }

    /// The length of the unit being assembled, its records not yet copied included.
    fn unit_len(&self) -> usize {
        self.unit.bytes.len() + self.pending.map_or(0, |p| self.start.saturating_sub(p))
    }

    fn take_unit(&mut self, next_kind: UnitKind) -> Option<Unit> {
        self.copy_pending();
        // Room for a unit as long as the longest so far (at most 64 KiB): one allocation
        // per unit instead of one per doubling.
        self.unit_room = self.unit_room.max(self.unit.bytes.len()).min(1 << 16);
        let fresh = Unit {
            bytes: Vec::with_capacity(self.unit_room),
            first_line: self.line + 1,
            offset: self.offset,
            records: 0,
            kind: next_kind,
            last: false,
        };
        let unit = std::mem::replace(&mut self.unit, fresh);
        (!unit.bytes.is_empty()).then_some(unit)
    }
}

impl<R: BufRead> Iterator for StreamReader<R> {
    type Item = io::Result<Unit>;

    fn next(&mut self) -> Option<io::Result<Unit>> {
        if self.done {
            return None;
        }
        loop {
            let (s, n) = match self.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => {
                    self.done = true;
                    self.unit.last = true;
                    return self.take_unit(UnitKind::Transaction).map(Ok);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if std::mem::take(&mut self.piece) {
                // Close the unit being assembled first; the piece is found again next call.
                if self.unit.records > 0 {
                    self.scanned = 0;
                    return self.take_unit(UnitKind::Piece).map(Ok);
                }
                let piece = Unit {
                    bytes: self.buf.get(s..s + n).unwrap_or_default().to_vec(),
                    first_line: self.line + 1,
                    offset: self.offset,
                    records: 1,
                    kind: UnitKind::Piece,
                    last: false,
                };
                // The line goes on: its number is not used up until its terminator.
                self.offset += n;
                self.start = s + n;
                self.unit.first_line = self.line + 1;
                self.unit.offset = self.offset;
                self.unit.kind = UnitKind::Continuation;
                return Some(Ok(piece));
            }
            let rec = self.buf.get(s..s + n).unwrap_or_default();
            let starts = starts_unit(rec);
            let len = self.unit_len();
            let over = len >= self.opts.max_unit_len;
            let cut = match starts {
                Some(_) => true,
                None => over && (cut_point(rec) || len >= 2 * self.opts.max_unit_len),
            };
            // An envelope record is a unit of its own: close it after the record too.
            let prev_envelope = self.unit.kind == UnitKind::Envelope && self.unit.records > 0;
            let mut out = None;
            if (cut || prev_envelope) && self.unit.records > 0 {
                let kind = starts.unwrap_or(if prev_envelope {
                    UnitKind::Transaction
                } else {
                    UnitKind::Continuation
                });
                out = self.take_unit(kind);
            } else if self.unit.records == 0 {
                self.unit.kind = starts.unwrap_or(self.unit.kind);
                self.unit.first_line = self.line + 1;
                self.unit.offset = self.offset;
            }
            // The record stays in `buf` until the unit is handed out or the buffer moves
            // (`copy_pending`: one copy of many records; `s` is `start`).
            self.pending.get_or_insert(s);
            self.unit.records += 1;
            self.line = self.line.saturating_add(1);
            self.offset += n;
            self.start = s + n;
            if let Some(u) = out {
                return Some(Ok(u));
            }
        }
    }
}

/// A piece of the stream for bulk work: whole records, about
/// [`ChunkReader::with_target`] bytes, cut (where the input allows) right before a record
/// that starts a unit (`SE10`, `10`, `A`, `B`, `Y`, `Z`), else before an `OI` or `PG01`.
/// Owned, so that chunks can be handed to worker threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The bytes (records and terminators, as received).
    pub bytes: Vec<u8>,
    /// Line number of the first record in the whole stream.
    pub first_line: u32,
    /// Byte offset of the first byte in the whole stream.
    pub offset: usize,
    /// Whether the stream is terminator-less (decided once from its first 64 KiB).
    pub concatenated: bool,
    /// The chunk ends the input (end-of-input checks apply to it).
    pub last: bool,
}

impl Chunk {
    /// Parses the chunk as a fragment, with stream-wide line numbers and offsets, framed as
    /// the whole stream is (a piece of an over-long line is one record, not 80-byte slices).
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

    /// [`Self::parse`] into the flat tree: the same records, groups and problems
    /// ([`crate::FlatTree`]), cheaper to build.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_flat(&self, opts: &ParseOptions) -> Result<crate::FlatTree<'_>, ParseError> {
        crate::FlatTree::parse_fragment(
            &self.bytes,
            opts,
            self.first_line,
            self.offset,
            self.piece(),
        )
    }

    /// Where the chunk sits in the stream, for the parser.
    fn piece(&self) -> crate::wire::framing::Piece {
        crate::wire::framing::Piece {
            concatenated: Some(self.concatenated),
            first: self.offset == 0,
            last: self.last,
        }
    }
}

/// Reads [`Chunk`]s of about a megabyte from a [`std::io::Read`]: the fast path for whole-
/// archive work (`ace-pga stats`). Unlike [`StreamReader`] it does not look at every record:
/// it reads large blocks into a fresh buffer, searches backward from the block's end for a
/// cut, and carries the bytes after the cut into the next chunk. Memory: at most four
/// targets per chunk. A line longer than that (an error in any case, F-001) is cut into
/// pieces, one per chunk, that all carry the line's number; each piece parses as a record of
/// its own.
#[derive(Debug)]
pub struct ChunkReader<R> {
    reader: R,
    target: usize,
    /// Bytes after the last cut.
    carry: Vec<u8>,
    eof: bool,
    /// `Some(true)`: terminator-less input (no CR or LF in the first 64 KiB).
    concatenated: Option<bool>,
    line: u32,
    offset: usize,
}

impl<R: io::Read> ChunkReader<R> {
    /// A reader of chunks of about 1 MiB.
    pub fn new(reader: R) -> Self {
        Self::with_target(reader, 1 << 20)
    }

    /// A reader of chunks of about `target` bytes (at least 1,024).
    pub fn with_target(reader: R, target: usize) -> Self {
        ChunkReader {
            reader,
            target: target.max(1024),
            carry: Vec::new(),
            eof: false,
            concatenated: None,
            line: 1,
            offset: 0,
        }
    }

    /// Reads until `buf` holds `want` bytes or the input ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        while buf.len() < want && !self.eof {
            let missing = (want - buf.len()) as u64;
            match (&mut self.reader).take(missing).read_to_end(buf) {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Where to cut `buf` (a position after a terminator, or a record boundary of
    /// terminator-less input), or `None` when `buf` holds no usable boundary.
    fn cut(&self, buf: &[u8], limit: usize, first: bool) -> Option<usize> {
        let limit = limit.min(buf.len());
        if self.concatenated == Some(true) {
            let base = if first && buf.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let whole = limit.saturating_sub(base) / 80;
            let at = |k: usize| base + 80 * k;
            let rec = |k: usize| buf.get(at(k)..).unwrap_or_default();
            return (1..whole)
                .rev()
                .find(|&k| starts_unit(rec(k)).is_some())
                .or_else(|| (1..whole).rev().find(|&k| cut_point(rec(k))))
                .or((whole > 0).then_some(whole))
                .map(at);
        }
        // Record starts after each terminator, from the end backward.
        let starts = || {
            let region = buf.get(..limit).unwrap_or_default();
            memchr::memrchr2_iter(b'\n', b'\r', region).filter_map(|p| {
                let next = buf.get(p + 1).copied();
                if buf.get(p) == Some(&b'\r') && next == Some(b'\n') {
                    return None; // the LF of this CRLF is the boundary
                }
                if buf.get(p) == Some(&b'\r') && next.is_none() && !self.eof {
                    return None; // may be the CR of a CRLF
                }
                Some(p + 1)
            })
        };
        // A unit start needs its first bytes in the buffer to be recognised.
        let head = |s: usize| buf.get(s..(s + 5).min(buf.len())).unwrap_or_default();
        let complete = |s: usize| s + 5 <= buf.len() || self.eof;
        starts()
            .filter(|&s| s > 0 && s < buf.len() && complete(s))
            .find(|&s| {
                let h = head(s);
                matches!(h.first(), Some(b'A' | b'B' | b'Y' | b'Z'))
                    || crate::records::host::starts_transaction(h)
            })
            .or_else(|| {
                starts()
                    .filter(|&s| s > 0 && s < buf.len() && complete(s))
                    .find(|&s| cut_point(head(s)))
            })
            .or_else(|| starts().find(|&s| s > 0))
    }
}

impl<R: io::Read> Iterator for ChunkReader<R> {
    type Item = io::Result<Chunk>;

    fn next(&mut self) -> Option<io::Result<Chunk>> {
        let mut buf = std::mem::take(&mut self.carry);
        buf.reserve(self.target + self.target / 4);
        let first = self.offset == 0;
        let mut want = self.target;
        let cut = loop {
            if let Err(e) = self.fill(&mut buf, want) {
                return Some(Err(e));
            }
            if self.concatenated.is_none() {
                let skip = if buf.starts_with(b"\xEF\xBB\xBF") {
                    3
                } else {
                    0
                };
                let head = buf
                    .get(skip..buf.len().min(DETECT + skip))
                    .unwrap_or_default();
                if head.len() < DETECT && !self.eof {
                    if let Err(e) = self.fill(&mut buf, DETECT + skip) {
                        return Some(Err(e));
                    }
                    continue;
                }
                let whole = self.eof && head.len() + skip == buf.len();
                self.concatenated = Some(terminator_less(head, whole));
            }
            if buf.is_empty() {
                return None;
            }
            if self.eof && buf.len() <= want {
                break buf.len();
            }
            // The last unit start before `want` bytes, if in the second half, else read on
            // (up to four times the target; then any boundary).
            match self.cut(&buf, want, first) {
                Some(c) if c >= want / 2 || want >= 4 * self.target => break c,
                _ if want >= 4 * self.target => {
                    // No boundary at all: a piece of an over-long line (never split a CRLF;
                    // a terminator right at the cut stays with its line).
                    let at = want.min(buf.len());
                    break match (buf.get(at.wrapping_sub(1)), buf.get(at), buf.get(at + 1)) {
                        (Some(b'\r'), Some(b'\n'), _) => at + 1,
                        (_, Some(b'\n'), _) => at + 1,
                        (_, Some(b'\r'), Some(b'\n')) => at + 2,
                        (_, Some(b'\r'), Some(_)) => at + 1,
                        _ => at,
                    };
                }
                _ => want *= 2,
            }
        };
        let mut cut = cut.min(buf.len());
        let concatenated = self.concatenated == Some(true);
        // Terminators before the cut, counted once: they bound the chunk's records and number
        // the next chunk's lines.
        let mut terminators = if concatenated {
            0
        } else {
            count_terminators(buf.get(..cut).unwrap_or_default())
        };
        // At most `MAX_CHUNK_RECORDS` records, whatever their length (a run of empty lines
        // would otherwise make a chunk of millions of records, and a tree to match).
        if terminators > MAX_CHUNK_RECORDS {
            if let Some(p) = memchr::memchr2_iter(b'\n', b'\r', buf.get(..cut).unwrap_or_default())
                .filter(|&p| !(buf.get(p) == Some(&b'\r') && buf.get(p + 1) == Some(&b'\n')))
                .nth(MAX_CHUNK_RECORDS - 1)
            {
                cut = p + 1;
                terminators = MAX_CHUNK_RECORDS;
            }
        }
        self.carry = buf.split_off(cut);
        // Cuts fall after a terminator, but for an over-long line cut where the buffer ends:
        // unless this is the last chunk, an open end is continued by the next chunk.
        let last = self.eof && self.carry.is_empty();
        let records = if concatenated {
            let base = if first && buf.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            buf.len().saturating_sub(base).div_ceil(80)
        } else {
            let ends_open = last && !matches!(buf.last(), None | Some(b'\n' | b'\r'));
            terminators + usize::from(ends_open)
        };
        let records = u32::try_from(records).unwrap_or(u32::MAX);
        let chunk = Chunk {
            bytes: buf,
            first_line: self.line,
            offset: self.offset,
            concatenated,
            last,
        };
        self.line = self.line.saturating_add(records);
        self.offset += chunk.bytes.len();
        Some(Ok(chunk))
    }
}

/// Most records in one [`Chunk`] of terminated input (about 5 MB of 80-byte records; a chunk
/// of valid records reaches its byte target long before).
pub const MAX_CHUNK_RECORDS: usize = 65_536;

/// Number of record terminators in `bytes` (a CRLF counts once), as the framer splits them.
fn count_terminators(bytes: &[u8]) -> usize {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    if memchr::memchr(b'\r', bytes).is_none() {
        return lf;
    }
    let cr = memchr::memchr_iter(b'\r', bytes).count();
    let crlf = memchr::memmem::find_iter(bytes, b"\r\n").count();
    lf + cr - crlf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_cover_the_input_in_order() {
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec-samples/valid/or2-multi.txt"
        ))
        .unwrap_or_default();
        let units: Vec<Unit> = StreamReader::new(&data[..])
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        let joined: Vec<u8> = units.iter().flat_map(|u| u.bytes.clone()).collect();
        assert_eq!(joined, data);
        let kinds: Vec<UnitKind> = units.iter().map(|u| u.kind).collect();
        assert_eq!(kinds.first(), Some(&UnitKind::Envelope));
        assert!(kinds.contains(&UnitKind::Transaction));
        let lines: u32 = units.iter().map(|u| u.records).sum();
        // Every LF-terminated record of the sample, counted without the reader.
        let records = data
            .split(|&b| b == b'\n')
            .filter(|r| r.len() == 80)
            .count();
        assert!(records > 2, "or2-multi has an envelope and transactions");
        assert_eq!(usize::try_from(lines).unwrap_or_default(), records);
    }

    /// The end the general search gives the record at the start of `avail` (terminator
    /// included; a CR as the last byte is taken as a lone CR here, as at end of input).
    fn searched_end(avail: &[u8]) -> Option<usize> {
        let i = avail.iter().position(|&b| b == b'\n' || b == b'\r')?;
        let crlf = avail.get(i) == Some(&b'\r') && avail.get(i + 1) == Some(&b'\n');
        Some(i + 1 + usize::from(crlf))
    }

    #[test]
    fn the_80_byte_shortcut_ends_a_record_where_the_search_does() {
        let rec = [b'X'; 80];
        let mut cases: Vec<Vec<u8>> = Vec::new();
        for tail in [
            &b"\n"[..],
            b"\r\n",
            b"\rX",
            b"\r",
            b"X\n",
            b"",
            b"\n\n",
            b"\r\r\n",
        ] {
            let mut c = rec.to_vec();
            c.extend_from_slice(tail);
            cases.push(c);
            for at in [0, 1, 40, 79] {
                for brk in [b'\n', b'\r'] {
                    let mut d = rec.to_vec();
                    d[at] = brk;
                    d.extend_from_slice(tail);
                    cases.push(d);
                }
            }
        }
        for c in &cases {
            match record_of_80(c) {
                // Taken only when it agrees with the search, and never for a lone CR
                // at the end (it may start a CRLF not yet read).
                Some(end) => {
                    assert_eq!(Some(end), searched_end(c), "{c:?}");
                    assert!(!c.ends_with(b"\r") || c.len() > end, "{c:?}");
                }
                None => {
                    let clean = c.iter().take(80).all(|&b| b != b'\n' && b != b'\r');
                    let ended =
                        c.get(80) == Some(&b'\n') || c.get(80) == Some(&b'\r') && c.len() > 81;
                    assert!(
                        !(clean && ended),
                        "a plain 80-byte record was left to the search: {c:?}"
                    );
                }
            }
        }
    }

    /// A reader that hands out at most `step` bytes per read (a pipe, a slow disk).
    struct Dribble<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            let (head, rest) = self.data.split_at(n);
            buf[..n].copy_from_slice(head);
            self.data = rest;
            Ok(n)
        }
    }

    #[test]
    fn units_do_not_depend_on_how_the_input_arrives() {
        let base = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec-samples/valid/or2-multi.txt"
        ))
        .unwrap_or_default();
        // Mixed terminators and odd lengths: CRLF, a lone CR, short and long lines.
        let mut data = Vec::new();
        for (i, line) in base.split(|&b| b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let line = match i % 7 {
                5 => &line[..line.len().min(60)],
                _ => line,
            };
            data.extend_from_slice(line);
            if i % 11 == 3 {
                data.extend_from_slice(b"EXTRA");
            }
            data.extend_from_slice(match i % 4 {
                0 => &b"\r\n"[..],
                1 => b"\r",
                _ => b"\n",
            });
        }
        // Many fills of the reader's buffer (its reads are 256 KiB).
        let big: Vec<u8> = data
            .iter()
            .copied()
            .cycle()
            .take(data.len() * 400)
            .collect();
        for input in [&data[..], &big[..]] {
            let whole: Vec<Unit> = StreamReader::new(input)
                .collect::<Result<_, _>>()
                .unwrap_or_default();
            let joined: Vec<u8> = whole.iter().flat_map(|u| u.bytes.clone()).collect();
            assert_eq!(joined, input);
            for step in [1, 3, 80, 81, 82, 4097] {
                let r = std::io::BufReader::with_capacity(step, Dribble { data: input, step });
                let units: Vec<Unit> = StreamReader::new(r)
                    .collect::<Result<_, _>>()
                    .unwrap_or_default();
                assert_eq!(units, whole, "reads of {step} bytes");
            }
        }
    }

    #[test]
    fn read_ahead_reads_the_head_then_the_rest_and_frees_the_head() {
        use std::io::Read;
        let mut r = super::ReadAhead::new(b"ABCDE".to_vec(), &b"FGH"[..]);
        let mut buf = [0u8; 2];
        let mut got = Vec::new();
        let mut freed_at = None;
        loop {
            let n = r.read(&mut buf).expect("reads");
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            if freed_at.is_none() && r.head.capacity() == 0 {
                freed_at = Some(got.len());
            }
        }
        assert_eq!(got, b"ABCDEFGH");
        // Freed with the read that took its last byte.
        assert_eq!(freed_at, Some(5));
    }
}
