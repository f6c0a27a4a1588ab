//! Framing (SPEC 2.2): line terminators, 80-byte slicing, line numbers, byte offsets, byte
//! order mark and bytes after the last record. Knows nothing of record identifiers, except
//! that the whole-input check F-023 ("not a CATAIR transmission") asks whether a line starts
//! with one ([`crate::records::starts_with_known_id`]).

use memchr::memchr2;

use crate::error::{Location, LooksLike, Problem, ProblemKind, Severity};
use crate::options::ParseOptions;

/// The line terminator after a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Terminator {
    /// `\n` (the default for documents built from scratch; SPEC 8 item 7).
    #[default]
    Lf,
    /// `\r\n`.
    CrLf,
    /// `\r`.
    Cr,
    /// No terminator: concatenated 80-byte records, or a last record without terminator.
    None,
}

/// Reads `"lf"`, `"crlf"`, `"cr"` or `"none"`; anything else (`null`, `"LF"`, a number) is
/// refused naming what was given and the four names (a derived reader reports a `null` as
/// a JSON syntax error).
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Terminator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Terminator;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a terminator name: lf, crlf, cr or none")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Terminator, E> {
                match v {
                    "lf" => Ok(Terminator::Lf),
                    "crlf" => Ok(Terminator::CrLf),
                    "cr" => Ok(Terminator::Cr),
                    "none" => Ok(Terminator::None),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_str(Name)
    }
}

impl Terminator {
    /// `"lf"`, `"crlf"`, `"cr"` or `"none"`, as the decode JSON writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Terminator::Lf => "lf",
            Terminator::CrLf => "crlf",
            Terminator::Cr => "cr",
            Terminator::None => "none",
        }
    }
}

impl std::fmt::Display for Terminator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Terminator {
    type Err = crate::error::ParseNameError;
    /// `lf`, `crlf`, `cr` or `none` (as [`Terminator::as_str`] writes them).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Terminator::Lf,
            Terminator::CrLf,
            Terminator::Cr,
            Terminator::None,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| crate::error::ParseNameError {
            what: "terminator",
            given: s.to_string(),
            expected: "lf, crlf, cr, none",
        })
    }
}

impl TryFrom<&[u8]> for Terminator {
    type Error = crate::error::ParseNameError;
    /// A terminator from its bytes: `b"\n"`, `b"\r\n"`, `b"\r"`, or `b""` (none), as
    /// [`Terminator::as_bytes`] writes them.
    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        [
            Terminator::Lf,
            Terminator::CrLf,
            Terminator::Cr,
            Terminator::None,
        ]
        .into_iter()
        .find(|t| t.as_bytes() == bytes)
        .ok_or_else(|| crate::error::ParseNameError {
            what: "terminator bytes",
            given: String::from_utf8_lossy(bytes).into_owned(),
            expected: "\\n, \\r\\n, \\r, or none",
        })
    }
}

impl Terminator {
    /// The terminator's bytes.
    pub const fn as_bytes(self) -> &'static [u8] {
        match self {
            Terminator::Lf => b"\n",
            Terminator::CrLf => b"\r\n",
            Terminator::Cr => b"\r",
            Terminator::None => b"",
        }
    }
}

/// One framed record: its bytes without terminator and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawLine<'a> {
    /// 1-based record number (for terminator-less input: the n-th 80-byte slice).
    pub line: u32,
    /// Byte offset of the record's first byte in the input.
    pub offset: usize,
    /// The record's bytes, without terminator.
    pub bytes: &'a [u8],
    /// The terminator that followed it in the input.
    pub terminator: Terminator,
    /// Every byte is below 0x80, as the framer's scan of a usual 80-byte line found
    /// ([`printable_ascii`]); `false` when the framer did not look (a check that needs it
    /// looks itself).
    pub ascii: bool,
}

/// How the input was framed: what the serializer reproduces by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(
        deny_unknown_fields,
        expecting = "a framing object {terminator, byte_order_mark}"
    )
)]
pub struct Framing {
    /// The terminator of the first record (the document's convention).
    pub terminator: Terminator,
    /// Whether a UTF-8 byte order mark preceded the first record (never written back).
    #[cfg_attr(feature = "serde", serde(default))]
    pub byte_order_mark: bool,
}

/// Where a piece of input sits in its stream (the stream readers parse pieces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Overrides the detection of terminator-less input (`Some(false)`: a piece of a
    /// terminated stream that holds no terminator is one record).
    pub(crate) concatenated: Option<bool>,
    /// The piece starts the input: byte order mark, EBCDIC and empty-input checks apply.
    pub(crate) first: bool,
    /// The piece ends the input: trailing bytes, a trailing empty line and a remainder of
    /// terminator-less input are recognised.
    pub(crate) last: bool,
}

impl Piece {
    /// A whole input.
    pub(crate) const WHOLE: Piece = Piece {
        concatenated: None,
        first: true,
        last: true,
    };
}

/// Splits the input into records and reports framing problems (F-016 … F-021).
#[derive(Debug)]
pub(crate) struct Framer<'a> {
    input: &'a [u8],
    pos: usize,
    /// Records yielded so far.
    line: u32,
    /// Line number of the record before the first one (0 for a whole input).
    line_base: u32,
    /// Offset of `input` within a larger stream (0 for a whole input).
    base_offset: usize,
    concatenated: bool,
    /// The input ends here (a lone terminator at the end is a trailing empty line).
    last: bool,
    /// The input starts here (else a lone terminator may be the input's trailing empty line
    /// even as the piece's first record).
    first: bool,
    /// Bytes after the last record that are not a record (0x1A, a remainder, a trailing
    /// empty line's terminator).
    pub trailing: &'a [u8],
    /// The detected convention.
    pub framing: Framing,
}

/// An error about the input as a whole (no line, offset 0): empty input, EBCDIC, not a
/// CATAIR transmission, an input over the size limit.
pub(crate) fn whole_input(kind: ProblemKind) -> Problem {
    Problem {
        severity: Severity::Error,
        location: Location {
            line: None,
            offset: 0,
            record: None,
            columns: None,
        },
        kind,
    }
}

/// Heuristic for EBCDIC input (SPEC F-021): EBCDIC space 0x40 where ASCII spaces are
/// expected, no ASCII space, letters in 0xC1–0xE9.
fn looks_like_ebcdic(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(160)).unwrap_or_default();
    if head.is_empty() || head.contains(&b' ') {
        return false;
    }
    let at = head.iter().filter(|&&b| b == 0x40).count();
    let high = head.iter().filter(|&&b| b >= 0x80).count();
    at * 10 >= head.len() && high * 10 >= head.len()
}

/// Bytes the F-023 check examines for binary data, and the share (in tenths) of them that
/// may be outside printable ASCII, CR, LF and TAB (SPEC 6.1).
const SNIFF_BYTES: usize = 4096;
/// Whether a line starts with a record identifier that SPEC 2.1 knows: the record layer's
/// answer ([`crate::records::starts_with_known_id`]), handed down by the caller so that
/// framing knows no identifiers (the F-023 check, SPEC 6.1).
pub(crate) type KnownId = fn(&[u8]) -> bool;

/// Lines the F-023 check examines for a known record identifier (SPEC 6.1).
const SNIFF_LINES: usize = 100;

/// Whether input starting with `head` is terminator-less (SPEC 2.2): no CR or LF in `head`
/// (the first 64 KiB, or all of it), unless `head` is the `whole` input and, without the
/// `0x1A` bytes at its end, shorter than one record: then it is one short record without
/// terminator (F-001), not a remainder after zero records (F-018).
pub(crate) fn terminator_less(head: &[u8], whole: bool) -> bool {
    let eof_bytes = head.iter().rev().take_while(|&&b| b == 0x1A).count();
    memchr2(b'\n', b'\r', head).is_none() && !(whole && head.len() - eof_bytes < 80)
}

/// The end-of-file bytes at the end of `data` (SPEC 2.2: bytes after the last record,
/// F-017): from a line start, lines of only `0x1A` bytes each with its terminator (LF, CRLF
/// or CR; `…Z\n\x1A\n`, a DOS end-of-file marker written as a line), then `0x1A` bytes
/// without a terminator (`…Z\n\x1A`). Where they start and how many `0x1A` bytes they hold;
/// `None` when `data` does not end so (a record ending in `0x1A` is a record).
pub(crate) fn eof_tail(data: &[u8]) -> Option<(usize, usize)> {
    let at_line_start = |p: usize| p == 0 || matches!(data.get(p - 1), Some(b'\n' | b'\r'));
    let run_before = |p: usize| {
        data.get(..p)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&b| b == 0x1A)
            .count()
    };
    let (mut pos, mut eof, mut start) = (data.len(), 0, None);
    let run = run_before(pos);
    if run > 0 {
        pos -= run;
        if !at_line_start(pos) {
            return None;
        }
        (eof, start) = (run, Some(pos));
    }
    loop {
        let head = data.get(..pos).unwrap_or_default();
        let t = if head.ends_with(b"\r\n") {
            2
        } else if head.ends_with(b"\n") || head.ends_with(b"\r") {
            1
        } else {
            0
        };
        let run = run_before(pos - t);
        if t == 0 || run == 0 || !at_line_start(pos - t - run) {
            break;
        }
        pos -= t + run;
        eof += run;
        start = Some(pos);
    }
    start.map(|s| (s, eof))
}

/// Whether `trailing` is what the parser keeps as trailing bytes of a terminated input
/// ([`eof_tail`] and a trailing empty line): one terminator, lines of `0x1A` bytes each with
/// its terminator, then `0x1A` bytes, each part optional.
pub(crate) fn is_terminated_trailing(trailing: &[u8]) -> bool {
    let term_len = |b: &[u8]| match b {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        _ => 0,
    };
    let mut rest = trailing.get(term_len(trailing)..).unwrap_or_default();
    loop {
        let run = rest.iter().take_while(|&&b| b == 0x1A).count();
        if run == 0 {
            break;
        }
        rest = rest.get(run..).unwrap_or_default();
        let t = term_len(rest);
        if t == 0 {
            break;
        }
        rest = rest.get(t..).unwrap_or_default();
    }
    rest.is_empty()
}

/// Whether the lines of `head` look like records: the first line and at least half of the
/// lines start with a known record identifier ([`crate::records::starts_with_known_id`]). A
/// transmission whose text holds many bytes above 0x7F (accented names, a UTF-8 fragment) is
/// record-shaped; random bytes practically never are.
fn record_shaped(head: &[u8], concatenated: bool, known_id: KnownId) -> bool {
    let lines: Vec<&[u8]> = if concatenated {
        head.chunks(80).collect()
    } else {
        head.split(|&b| b == b'\n' || b == b'\r')
            .filter(|l| !l.is_empty())
            .collect()
    };
    let known = lines.iter().filter(|l| known_id(l)).count();
    lines.first().is_some_and(|l| known_id(l)) && known * 2 >= lines.len()
}

/// The F-023 check (SPEC 6.1): what the start of the input looks like when it is not a
/// CATAIR transmission. `input` is the piece as given (for a UTF-16 byte order mark), `data`
/// the part after a UTF-8 byte order mark without trailing `0x1A` bytes, framed as
/// `concatenated` says. The line check needs 100 lines, or the whole input (`complete`): a
/// piece of a stream that holds fewer lines ends before a record that starts a unit, which
/// is a known identifier.
fn not_catair(
    input: &[u8],
    data: &[u8],
    concatenated: bool,
    complete: bool,
    known_id: KnownId,
) -> Option<LooksLike> {
    // JSON: after leading whitespace, `{` or `[`.
    if let Some(&open @ (b'{' | b'[')) = data.iter().find(|b| !b.is_ascii_whitespace()) {
        return Some(LooksLike::Json { open });
    }
    // Binary or UTF-16: more than 10 % of the first 4,096 bytes unprintable, in lines that do
    // not look like records: a real filing with many accented names or odd bytes is checked
    // byte by byte (F-002, F-003), not refused as "binary data" (SPEC 6.1, `record_shaped`).
    // Lenient repairs (padding, trimmed spaces) never change where lines start, so the verdict
    // on a record-shaped input is the same for its repaired bytes.
    let head = data.get(..data.len().min(SNIFF_BYTES)).unwrap_or(data);
    let printable = |b: u8| matches!(b, 0x20..=0x7E | b'\r' | b'\n' | b'\t');
    let unprintable = head.iter().filter(|&&b| !printable(b)).count();
    let binary = unprintable * 10 > head.len() && !record_shaped(head, concatenated, known_id);
    if binary {
        let utf16_mark = input.starts_with(b"\xFF\xFE") || input.starts_with(b"\xFE\xFF");
        // ASCII text as UTF-16: a NUL in (nearly) every other position.
        let nul_at = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let (even, odd) = (nul_at(0), nul_at(1));
        let half = head.len() / 2;
        let alternating = half > 0 && (even.max(odd) * 10 >= half * 9) && even.min(odd) * 10 < half;
        return Some(if utf16_mark || alternating {
            LooksLike::Utf16
        } else {
            LooksLike::Binary {
                unprintable,
                examined: head.len(),
            }
        });
    }
    // No known record identifier at the start of any of the first 100 lines.
    let mut lines = 0usize;
    let mut rest = data;
    while lines < SNIFF_LINES && !rest.is_empty() {
        let (line, next) = if concatenated {
            rest.split_at(rest.len().min(80))
        } else {
            match memchr2(b'\n', b'\r', rest) {
                Some(i) => {
                    let line = rest.get(..i).unwrap_or_default();
                    let skip = if rest.get(i..i + 2) == Some(b"\r\n") {
                        2
                    } else {
                        1
                    };
                    (line, rest.get(i + skip..).unwrap_or_default())
                }
                None => (rest, &[][..]),
            }
        };
        if known_id(line) {
            return None;
        }
        lines += 1;
        rest = next;
    }
    (complete || lines >= SNIFF_LINES).then_some(LooksLike::NoRecordIdentifier { lines })
}

impl<'a> Framer<'a> {
    /// Prepares framing of `input`. Whole-input problems (empty, EBCDIC) come back as `Err`;
    /// others are pushed to `problems`.
    ///
    /// # Errors
    /// F-020 empty input (0 bytes, or only terminators and spaces), F-021 EBCDIC, F-023 not
    /// a CATAIR transmission (JSON, binary data, UTF-16 text, no known record identifier in
    /// the first 100 lines; unless [`ParseOptions::detect_non_catair`] is off).
    pub(crate) fn new(
        input: &'a [u8],
        opts: &ParseOptions,
        problems: &mut Vec<Problem>,
        known_id: KnownId,
    ) -> Result<Self, Problem> {
        Self::new_with(input, opts, problems, Piece::WHOLE, known_id)
    }

    /// As [`Self::new`], for `input` as a piece of a larger stream (see [`Piece`]).
    pub(crate) fn new_with(
        input: &'a [u8],
        opts: &ParseOptions,
        problems: &mut Vec<Problem>,
        piece: Piece,
        known_id: KnownId,
    ) -> Result<Self, Problem> {
        let concatenated = piece.concatenated;
        let whole = whole_input;
        let mut data = input;
        let mut bom = false;
        // Start-of-input checks (byte order mark, EBCDIC, empty input) belong to the piece that
        // starts the input; end-of-input ones (bytes after the last record, a trailing empty
        // line, a remainder) to the piece that ends it.
        let start_of_input = input.strip_prefix(b"\xEF\xBB\xBF").filter(|_| piece.first);
        if let Some(mut rest) = start_of_input {
            bom = true;
            // Lenient: repeated marks are all skipped (kept, the first record would start
            // with a mark that the next parse takes for the document's own).
            if opts.accept_byte_order_mark {
                while let Some(r) = rest.strip_prefix(b"\xEF\xBB\xBF") {
                    rest = r;
                }
            }
            data = rest;
            problems.push(Problem {
                severity: if opts.accept_byte_order_mark {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                location: Location {
                    line: Some(1),
                    offset: 0,
                    record: None,
                    columns: None,
                },
                kind: ProblemKind::ByteOrderMark,
            });
        }
        // Blank: only terminators, spaces and tabs, before any 0x1A bytes at the end.
        let body_len = data.len() - data.iter().rev().take_while(|&&b| b == 0x1A).count();
        if piece.first
            && piece.last
            && data
                .get(..body_len)
                .unwrap_or_default()
                .iter()
                .all(|&b| matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
        {
            return Err(whole(ProblemKind::EmptyInput));
        }
        if piece.first && looks_like_ebcdic(data) {
            return Err(whole(ProblemKind::Ebcdic));
        }
        if data.is_empty() {
            return Err(whole(ProblemKind::EmptyInput));
        }
        let base = input.len() - data.len();
        let concatenated =
            concatenated.unwrap_or_else(|| terminator_less(data, piece.first && piece.last));
        if piece.first && opts.detect_non_catair {
            let body = data.get(..body_len).unwrap_or(data);
            if let Some(looks) = not_catair(input, body, concatenated, piece.last, known_id) {
                return Err(whole(ProblemKind::NotCatair(looks)));
            }
        }
        let mut framer = Framer {
            input,
            pos: base,
            line: 0,
            line_base: 0,
            base_offset: 0,
            concatenated,
            last: piece.last,
            first: piece.first,
            trailing: &[],
            framing: Framing {
                terminator: Terminator::None,
                byte_order_mark: bom,
            },
        };
        if !piece.last {
            // Nothing is trailing in a piece that more input follows.
        } else if concatenated {
            let rem = data.len() % 80;
            if rem != 0 {
                let tail = data.get(data.len() - rem..).unwrap_or_default();
                framer.trailing = tail;
                let (kind, sev) = if tail.iter().all(|&b| b == 0x1A) {
                    let sev = if opts.ignore_trailing_eof {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    (ProblemKind::TrailingData { len: rem }, sev)
                } else {
                    (ProblemKind::Remainder { len: rem }, Severity::Error)
                };
                problems.push(Problem {
                    severity: sev,
                    location: Location {
                        line: Some((data.len() / 80) as u32 + 1),
                        offset: input.len() - rem,
                        record: None,
                        columns: None,
                    },
                    kind,
                });
            }
        } else {
            // 0x1A bytes after the last record, also as lines of their own (`…Z\n\x1A\n`).
            let tail = eof_tail(data).filter(|&(start, _)| start > 0 || !piece.first);
            if let Some((start, eof)) = tail {
                framer.trailing = data.get(start..).unwrap_or_default();
                problems.push(Problem {
                    severity: if opts.ignore_trailing_eof {
                        Severity::Warning
                    } else {
                        Severity::Error
                    },
                    location: Location {
                        line: None,
                        offset: base + start,
                        record: None,
                        columns: None,
                    },
                    kind: ProblemKind::TrailingData { len: eof },
                });
            }
        }
        Ok(framer)
    }

    /// Numbers records from `first_line` and offsets them by `base_offset`: for a piece of a
    /// larger stream (see [`crate::stream`]).
    pub(crate) fn start_at(&mut self, first_line: u32, base_offset: usize) {
        self.line_base = first_line.saturating_sub(1);
        self.base_offset = base_offset;
    }

    /// Line number of the last record framed (`first_line - 1` before the first).
    pub(crate) fn last_line(&self) -> u32 {
        self.line_base.saturating_add(self.line)
    }

    /// End of the framed region (input length minus trailing bytes).
    fn end(&self) -> usize {
        self.input.len() - self.trailing.len()
    }
}

impl<'a> Iterator for Framer<'a> {
    type Item = RawLine<'a>;

    /// The next record: the usual one (80 bytes without a control byte, then LF) inline,
    /// every other case out of line ([`Self::next_other`]).
    #[inline(always)]
    fn next(&mut self) -> Option<RawLine<'a>> {
        let end = self.end();
        let offset = self.pos.saturating_add(self.base_offset);
        if let Some(rest) = self.input.get(self.pos..end) {
            if let (Some(rec), Some(b'\n')) = (rest.get(..80), rest.get(80)) {
                if printable_ascii(rec) {
                    self.pos += 81;
                    self.line = self.line.saturating_add(1);
                    if self.line == 1 {
                        self.framing.terminator = Terminator::Lf;
                    }
                    return Some(RawLine {
                        line: self.line_base.saturating_add(self.line),
                        offset,
                        bytes: rec,
                        terminator: Terminator::Lf,
                        ascii: true,
                    });
                }
            }
        }
        self.next_other()
    }
}

impl<'a> Framer<'a> {
    /// [`Iterator::next`] of every record but the usual one: a terminator other than LF
    /// right after 80 bytes, a control byte inside, a short or long line, no terminator.
    #[inline(never)]
    fn next_other(&mut self) -> Option<RawLine<'a>> {
        let end = self.end();
        if self.pos >= end {
            return None;
        }
        let rest = self.input.get(self.pos..end)?;
        let offset = self.pos.saturating_add(self.base_offset);
        let (bytes, terminator, consumed) = if self.concatenated {
            let n = rest.len().min(80);
            (rest.get(..n)?, Terminator::None, n)
        } else {
            match memchr2(b'\n', b'\r', rest) {
                Some(i) => {
                    let (t, tl) = match (rest.get(i), rest.get(i + 1)) {
                        (Some(b'\r'), Some(b'\n')) => (Terminator::CrLf, 2),
                        (Some(b'\r'), _) => (Terminator::Cr, 1),
                        _ => (Terminator::Lf, 1),
                    };
                    // One trailing empty line (a lone terminator at the very end) is not a record.
                    if i == 0 && (self.line > 0 || !self.first) && i + tl == rest.len() && self.last
                    {
                        // The empty line's terminator plus any trailing bytes found before.
                        self.trailing = self.input.get(self.pos..).unwrap_or_default();
                        self.pos = end;
                        return None;
                    }
                    (rest.get(..i)?, t, i + tl)
                }
                None => (rest, Terminator::None, rest.len()),
            }
        };
        self.pos += consumed;
        self.line = self.line.saturating_add(1);
        if self.line == 1 {
            self.framing.terminator = terminator;
        }
        Some(RawLine {
            line: self.line_base.saturating_add(self.line),
            offset,
            bytes,
            terminator,
            ascii: false,
        })
    }
}

/// True when every byte of `rec` is in `0x20`-`0x7F`: no control byte (so no CR or LF;
/// the caller scans with `memchr` otherwise) and no byte above 0x7F (the record's fast
/// check then need not look again, [`RawLine::ascii`]). A branch-free fold over a
/// fixed-size array, which the compiler vectorizes (16 bytes a step).
#[inline]
fn printable_ascii(rec: &[u8]) -> bool {
    let Ok(rec) = <&[u8; 80]>::try_from(rec) else {
        return rec.iter().all(|&b| (0x20..0x80).contains(&b));
    };
    rec.iter()
        .fold(0u8, |acc, &b| acc | u8::from(b.wrapping_sub(0x20) >= 0x60))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_found_at_every_position() {
        let clean = [b'A'; 80];
        assert!(printable_ascii(&clean));
        assert!(printable_ascii(&[0x7F; 80]) && printable_ascii(&[b' '; 80]));
        for pos in 0..80 {
            for byte in [b'\n', b'\r', 0u8, 0x1F, b'\t', 0x80, 0xC3, 0xFF] {
                let mut rec = clean;
                rec[pos] = byte;
                assert!(!printable_ascii(&rec), "byte {byte:#x} at {pos}");
            }
        }
    }

    /// The lines the framer gives for `input`.
    fn frame<'a>(input: &'a [u8], opts: &ParseOptions) -> Vec<RawLine<'a>> {
        let mut problems = Vec::new();
        Framer::new(
            input,
            opts,
            &mut problems,
            crate::records::starts_with_known_id,
        )
        .expect("framer")
        .collect()
    }

    /// A usual 80-byte line with a byte above 0x7F is framed by the general path as the
    /// fast path frames an ASCII one (its record then fails the fast check on its own).
    #[test]
    fn a_latin1_byte_in_an_80_byte_line_is_framed_the_same() {
        let mut input = vec![b'A'; 80];
        input.push(b'\n');
        input.extend_from_slice(&input.clone());
        input[100] = 0xE9;
        let lines = frame(&input, &ParseOptions::strict());
        assert_eq!(lines.len(), 2);
        for (l, ascii) in lines.iter().zip([true, false]) {
            assert_eq!(l.bytes.len(), 80);
            assert_eq!(l.terminator, Terminator::Lf);
            assert_eq!(l.ascii, ascii);
        }
        assert_eq!(lines[1].offset, 81);
        assert_eq!(lines[1].line, 2);
    }

    #[test]
    fn a_carriage_return_inside_an_80_byte_line_splits_it() {
        let mut input = vec![b'A'; 80];
        input[40] = b'\r';
        input.push(b'\n');
        let lines = frame(&input, &ParseOptions::lenient());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].bytes.len(), 40);
        assert_eq!(lines[0].terminator, Terminator::Cr);
        assert_eq!(lines[1].bytes.len(), 39);
    }
}
