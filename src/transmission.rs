//! The transmission: [`ParseOptions`] (named leniencies and limits) and [`Transmission`]
//! (the parsed tree with every problem, and its serializer). The parse loop runs framing
//! (`framing`), record identification and typing (`record`, `records`) and the tree
//! (`tree`) over the input in one pass (SPEC 2–4).

use crate::error::{ParseError, Problem, ProblemKind, Severity};
use crate::framing::{self, Framer, Terminator};
use crate::record::Record;
use crate::tree::{Tree, TreeBuilder};
use crate::write;

/// Parser options: strict by default, one named flag per tolerated deviation (SPEC 2.2, 2.4).
/// Lenient parsing still reports what it tolerated, as warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Pad short lines with spaces (trailing spaces trimmed by an editor), and drop bytes
    /// beyond column 80 when they are all spaces (F-001 as a warning instead of an error).
    pub pad_short_lines: bool,
    /// Accept a UTF-8 byte order mark at byte 0 (F-016 as a warning).
    pub accept_byte_order_mark: bool,
    /// Ignore trailing DOS end-of-file bytes (`0x1A`) after the last record (F-017 warning).
    pub ignore_trailing_eof: bool,
    /// Accept right-justified, space-padded `N` values (`  1`) (F-007 warning).
    pub lenient_numeric: bool,
    /// Recognise lower-case `pg`/`oi` record identifiers (F-015 warning).
    pub lower_case_ids: bool,
    /// Refuse input that is not a CATAIR transmission with one whole-input problem (F-023,
    /// SPEC 6.1): after a byte order mark and whitespace it starts with `{` or `[` (JSON),
    /// more than 10 % of its first 4,096 bytes are outside printable ASCII, CR, LF and TAB
    /// (binary data, UTF-16 text), or none of its first 100 lines starts with a known record
    /// identifier. On by default in both modes; off, such input is framed and parsed record
    /// by record like any other.
    pub detect_non_catair: bool,
    /// Largest input accepted by whole-buffer parsing, in bytes (default
    /// [`DEFAULT_MAX_INPUT_LEN`]: 4 GiB, or `usize::MAX` on 32-bit targets).
    pub max_input_len: usize,
    /// Most records in one PGA line, `PG01` included (default 100 000).
    pub max_records_per_pga_line: usize,
    /// Most PGA lines (`PG01`) under one OI (default 100 000; the CATAIR allows 999 per
    /// agency).
    pub max_pga_lines_per_oi: usize,
}

/// The default of [`ParseOptions::max_input_len`]: 4 GiB where that fits in a `usize`
/// (64-bit targets), else `usize::MAX` (32-bit targets such as `i686` and `wasm32`, whose
/// address space is smaller than 4 GiB anyway).
pub const DEFAULT_MAX_INPUT_LEN: usize = capped(1 << 32, usize::MAX as u64) as usize;

/// `n`, or `max` when `n` is larger: the 4 GiB default capped at the target's `usize::MAX`
/// (compiles on every pointer width; a literal `1 << 32` of type `usize` does not on 32 bits).
const fn capped(n: u64, max: u64) -> u64 {
    if n > max {
        max
    } else {
        n
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl ParseOptions {
    /// Strict mode (the default): every deviation is an error.
    pub const fn strict() -> Self {
        ParseOptions {
            pad_short_lines: false,
            accept_byte_order_mark: false,
            ignore_trailing_eof: false,
            lenient_numeric: false,
            lower_case_ids: false,
            detect_non_catair: true,
            max_input_len: DEFAULT_MAX_INPUT_LEN,
            max_records_per_pga_line: 100_000,
            max_pga_lines_per_oi: 100_000,
        }
    }

    /// Lenient mode (SPEC 1.4): every named leniency on. It never changes the meaning of a
    /// byte; repaired records serialize in repaired (80-byte) form.
    pub const fn lenient() -> Self {
        ParseOptions {
            pad_short_lines: true,
            accept_byte_order_mark: true,
            ignore_trailing_eof: true,
            lenient_numeric: true,
            lower_case_ids: true,
            detect_non_catair: true,
            max_input_len: DEFAULT_MAX_INPUT_LEN,
            max_records_per_pga_line: 100_000,
            max_pga_lines_per_oi: 100_000,
        }
    }

    /// Whether any leniency is on.
    pub fn is_lenient(&self) -> bool {
        self.pad_short_lines
            || self.accept_byte_order_mark
            || self.ignore_trailing_eof
            || self.lenient_numeric
            || self.lower_case_ids
    }
}

/// A parsed transmission (or fragment): the tree of borrowed records, the bytes after the
/// last record, and every problem found while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmission<'a> {
    /// The tree; every input record sits in it exactly once, in input order.
    pub tree: Tree<Record<'a>>,
    /// Bytes after the last record that are not a record (a trailing empty line's
    /// terminator, `0x1A` bytes, the remainder of terminator-less input).
    pub trailing: &'a [u8],
    /// Problems found while parsing (errors and warnings), in input order.
    pub problems: Vec<Problem>,
    /// The options the input was parsed with.
    pub options: ParseOptions,
}

impl<'a> Transmission<'a> {
    /// Parses strictly: any error-severity problem fails the parse.
    ///
    /// # Errors
    /// [`ParseError`] with every error-severity problem (line, record id, byte columns).
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(input, &ParseOptions::strict())?.into_result()
    }

    /// Parses with the given options and returns the tree together with all problems (errors
    /// included), so that callers such as validators can report them all. Only whole-input
    /// problems (empty input, EBCDIC, not a CATAIR transmission, input over the size limit)
    /// fail.
    ///
    /// # Errors
    /// [`ParseError`] with one whole-input problem (F-020, F-021, F-023, or a size limit).
    pub fn parse_with(input: &'a [u8], opts: &ParseOptions) -> Result<Self, ParseError> {
        Self::parse_at(input, opts, 1, 0)
    }

    /// As [`Self::parse_with`], for a piece of a larger input (see [`crate::stream`]): records are
    /// numbered from `first_line` and offsets count from `base_offset`.
    ///
    /// # Errors
    /// As [`Self::parse_with`].
    pub fn parse_at(
        input: &'a [u8],
        opts: &ParseOptions,
        first_line: u32,
        base_offset: usize,
    ) -> Result<Self, ParseError> {
        Self::parse_fragment(input, opts, first_line, base_offset, framing::Piece::WHOLE)
    }

    /// As [`Self::parse_at`], for a piece of a stream: the stream readers know the stream's
    /// framing and where the piece sits better than the piece itself does.
    pub(crate) fn parse_fragment(
        input: &'a [u8],
        opts: &ParseOptions,
        first_line: u32,
        base_offset: usize,
        piece: framing::Piece,
    ) -> Result<Self, ParseError> {
        let mut problems = Vec::new();
        if input.len() > opts.max_input_len {
            return Err(ParseError {
                problems: vec![Problem {
                    severity: Severity::Error,
                    line: None,
                    offset: 0,
                    record: None,
                    columns: None,
                    kind: ProblemKind::LimitExceeded {
                        limit: "max_input_len",
                    },
                }],
            });
        }
        let shift = |p: &mut Problem| {
            p.offset = p.offset.saturating_add(base_offset);
            if let Some(l) = p.line.as_mut() {
                *l = l.saturating_add(first_line.saturating_sub(1));
            }
        };
        let mut framer = Framer::new_with(input, opts, &mut problems, piece).map_err(|mut p| {
            shift(&mut p);
            ParseError { problems: vec![p] }
        })?;
        problems.iter_mut().for_each(shift);
        framer.start_at(first_line, base_offset);
        let mut builder = TreeBuilder::new();
        let mut first_term = None;
        let mut mixed_reported = false;
        let mut last_line = first_line.saturating_sub(1);
        for line in framer.by_ref() {
            last_line = line.line;
            match first_term {
                None => first_term = Some(line.terminator),
                Some(t) => {
                    if !mixed_reported
                        && line.terminator != t
                        && line.terminator != Terminator::None
                    {
                        mixed_reported = true;
                        problems.push(Problem {
                            severity: Severity::Warning,
                            line: Some(line.line),
                            offset: line.offset,
                            record: None,
                            columns: None,
                            kind: ProblemKind::MixedTerminators,
                        });
                    }
                }
            }
            let deviates = first_term.is_some_and(|t| t != line.terminator);
            let mut record = Record::from_line(line, opts, &mut problems);
            record.terminator_deviates = deviates;
            let (line_no, offset) = (record.line, record.offset);
            builder.push(record);
            if let Some(limit) = builder.exceeded(opts) {
                return Err(ParseError {
                    problems: vec![Problem {
                        severity: Severity::Error,
                        line: Some(line_no),
                        offset,
                        record: None,
                        columns: None,
                        kind: ProblemKind::LimitExceeded { limit },
                    }],
                });
            }
        }
        // A deviating terminator on the last record before the first mismatch check missed it
        // only when it was the last record: a missing final terminator is not a finding.
        // Data after the last record is anchored at the line after the last record.
        for p in problems
            .iter_mut()
            .filter(|p| matches!(p.kind, ProblemKind::TrailingData { .. }) && p.line.is_none())
        {
            p.line = Some(last_line.saturating_add(1));
        }
        if last_line < first_line && piece.first {
            // No record at all (e.g. only 0x1A bytes): never an empty successful result (F-020).
            // A later piece of a stream may hold none (the input's trailing empty line).
            return Err(ParseError {
                problems: vec![Problem {
                    severity: Severity::Error,
                    line: None,
                    offset: base_offset,
                    record: None,
                    columns: None,
                    kind: ProblemKind::EmptyInput,
                }],
            });
        }
        problems.sort_by_key(|p| (p.line.is_none(), p.line, p.offset));
        Ok(Transmission {
            tree: builder.finish(framer.framing),
            trailing: framer.trailing,
            problems,
            options: opts.clone(),
        })
    }

    /// Turns a permissive parse into a strict result: `Err` when any problem is an error.
    ///
    /// # Errors
    /// [`ParseError`] with every error-severity problem.
    pub fn into_result(self) -> Result<Self, ParseError> {
        let errors: Vec<Problem> = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .cloned()
            .collect();
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(ParseError { problems: errors })
        }
    }

    /// Every record in input order.
    pub fn records(&self) -> Vec<&Record<'a>> {
        self.tree.records()
    }

    /// Serializes back to bytes (see [`mod@write`]): `serialize(parse(x)) == x` for every valid
    /// input.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Size the output once: records (padded to 80 when repaired) plus terminators.
        let mut len = self.trailing.len();
        self.tree
            .for_each_record(|r| len += r.raw.len().max(80) + r.terminator.as_bytes().len());
        let mut out = Vec::with_capacity(len);
        // Writing into a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    /// Serializes into any `io::Write`.
    ///
    /// # Errors
    /// I/O errors of the writer.
    pub fn write_to<W: std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        write::write_transmission(self, w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default input limit on 64-bit and 32-bit targets (only a 64-bit toolchain is at
    /// hand: the 32-bit case is pinned through `capped` with a 32-bit `usize::MAX`).
    #[test]
    fn default_max_input_len_fits_every_pointer_width() {
        const FOUR_GIB: u64 = 1 << 32;
        assert_eq!(capped(FOUR_GIB, u64::MAX), FOUR_GIB);
        assert_eq!(capped(FOUR_GIB, u64::from(u32::MAX)), u64::from(u32::MAX));
        assert_eq!(capped(FOUR_GIB, u64::from(u16::MAX)), u64::from(u16::MAX));
        assert_eq!(
            DEFAULT_MAX_INPUT_LEN as u64,
            FOUR_GIB.min(usize::MAX as u64),
            "4 GiB, or usize::MAX where that is smaller"
        );
        assert_eq!(ParseOptions::strict().max_input_len, DEFAULT_MAX_INPUT_LEN);
        assert_eq!(ParseOptions::lenient().max_input_len, DEFAULT_MAX_INPUT_LEN);
    }
}
