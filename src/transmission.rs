//! The transmission: [`Transmission`] (the parsed tree with every problem) with its parse
//! loop and its serializer, the mirror of the parse. The parse loop runs framing
//! (`framing`), record identification and typing (`record`, `records`) and the tree
//! (`tree`) over the input in one pass (SPEC 2–4).

use std::io::{self, Write};

use crate::error::{Location, ParseError, Problem, ProblemKind, Severity};
use crate::options::ParseOptions;
use crate::records::Record;
use crate::tree::{Builder, FlatBuilder, FlatTree, Sink, Tree, TreeBuilder};
use crate::wire::framing::{self, Framer, Framing, Terminator};

/// A parsed transmission (or fragment): the records and their groups in a [`FlatTree`]
/// (records in one vector, groups as index ranges: issue 13 item 2), the bytes after the
/// last record, and every problem found while parsing.
///
/// Navigate it through [`Self::flat`] (handles and iterators, no allocation) or through
/// [`Self::tree`], the nested [`Tree`] of the same records (structs with `Vec` fields and
/// the typed host views), which is built from the flat tree the first time it is asked for
/// and kept. A parse builds only the flat tree: its cost per byte is the same at 1 MB and
/// at 100 MB, and its drop is a few frees. Printing it (`{:?}`) shows the flat tree's
/// records and never builds the nested one.
///
/// ```
/// use ace_pga::Transmission;
/// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let t = Transmission::parse(&input)?;
/// // The flat tree: no nested tree is built.
/// assert_eq!(t.flat().pga_lines().count(), 1);
/// // The nested tree: built now, from the flat tree, once.
/// assert_eq!(t.tree().pga_lines().count(), 1);
/// assert_eq!(t.records().count(), t.flat().records().len());
/// assert_eq!(t.to_bytes(), input);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Transmission<'a> {
    /// The records, groups, trailing bytes, problems and options of the parse.
    flat: FlatTree<'a>,
    /// The nested tree of the same records, built on first use ([`Self::tree`]).
    nested: std::sync::OnceLock<Tree<Record<'a>>>,
}

impl std::fmt::Debug for Transmission<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The flat tree's records and groups (printing never builds the nested tree).
        f.debug_struct("Transmission")
            .field("framing", self.framing())
            .field("records", &self.flat.records().collect::<Vec<_>>())
            .field("groups", &self.flat.group_count())
            .field(
                "trailing",
                &format_args!("\"{}\"", self.trailing().escape_ascii()),
            )
            .field("problems", &self.problems())
            .field("options", self.options())
            .finish()
    }
}

/// Two transmissions are equal when their flat trees are (same records, groups, trailing
/// bytes, problems and options); whether either has built its nested tree does not count.
impl PartialEq for Transmission<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.flat == other.flat
    }
}

impl Eq for Transmission<'_> {}

impl<'a> From<FlatTree<'a>> for Transmission<'a> {
    /// A transmission over a flat tree (for example one of [`FlatTree::parse_with`]).
    fn from(flat: FlatTree<'a>) -> Self {
        Transmission {
            flat,
            nested: std::sync::OnceLock::new(),
        }
    }
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
    /// [`ParseError`] with one whole-input problem (F-020, F-021, F-023, a size limit, a
    /// structural limit of [`ParseOptions::limits`]), or the limit `flat_tree_records` for
    /// an input of more than `u32::MAX` records.
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
        FlatTree::parse_fragment(input, opts, first_line, base_offset, piece).map(Self::from)
    }

    /// The flat tree of the records (the parse's own storage): batches, blocks,
    /// transactions, OI groups and PGA lines as [`crate::tree::GroupRef`] handles.
    pub fn flat(&self) -> &FlatTree<'a> {
        &self.flat
    }

    /// The flat tree, without the transmission around it.
    pub fn into_flat(self) -> FlatTree<'a> {
        self.flat
    }

    /// The nested tree of the records (every input record sits in it exactly once, in
    /// input order): built from [`Self::flat`] on the first call (one pass over the
    /// records, about the cost of the parse itself) and kept for later calls.
    pub fn tree(&self) -> &Tree<Record<'a>> {
        self.nested.get_or_init(|| {
            let mut builder = TreeBuilder::new();
            for r in self.flat.records() {
                builder.push(r);
            }
            builder.into_tree(*self.flat.framing())
        })
    }

    /// Bytes after the last record that are not a record (a trailing empty line's
    /// terminator, `0x1A` bytes, also as lines of their own such as `\x1A\n` (SPEC 2.2,
    /// F-017), the remainder of terminator-less input).
    pub fn trailing(&self) -> &'a [u8] {
        self.flat.trailing()
    }

    /// Problems found while parsing (errors and warnings), in input order.
    pub fn problems(&self) -> &[Problem] {
        self.flat.problems()
    }

    /// The options the input was parsed with.
    pub fn options(&self) -> &ParseOptions {
        self.flat.options()
    }

    /// The framing of the input (terminator, byte-order mark).
    pub fn framing(&self) -> &Framing {
        self.flat.framing()
    }

    /// Turns a permissive parse into a strict result: `Err` when any problem is an error.
    ///
    /// # Errors
    /// [`ParseError`] with every error-severity problem.
    pub fn into_result(self) -> Result<Self, ParseError> {
        strict(self.problems())?;
        Ok(self)
    }

    /// Every record in input order, by reference, from the nested tree ([`Tree::records`]):
    /// this builds [`Self::tree`] on the first call. `self.flat().records()` hands out the
    /// same records by value without building it.
    pub fn records(&self) -> crate::tree::Records<'_, Record<'a>> {
        self.tree().records()
    }

    /// Serializes back to bytes (see [`write_transmission`]): `serialize(parse(x)) == x` for every valid
    /// input.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Size the output once: records (padded to 80 when repaired) plus terminators.
        let mut len = self.trailing().len();
        for r in self.flat.records() {
            len += r.raw().len().max(80) + r.terminator().as_bytes().len();
        }
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
        write_transmission(self, w)
    }
}

/// `Err` with every error-severity problem of `problems`, if there is one.
fn strict(problems: &[Problem]) -> Result<(), ParseError> {
    let errors: Vec<Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .cloned()
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ParseError { problems: errors })
    }
}

/// A whole-input limit error at a place of the input.
fn limit_error(limit: &'static str, line: Option<u32>, offset: usize) -> ParseError {
    ParseError {
        problems: vec![Problem {
            severity: Severity::Error,
            location: Location {
                line,
                offset,
                record: None,
                columns: None,
            },
            kind: ProblemKind::LimitExceeded { limit },
        }],
    }
}

/// Reads a fragment of a stream (its first line, its offset, the piece it is) into
/// `builder`: the reader (problems, framing, trailing bytes) and the builder after the loop.
fn fragment<'a, S: Sink<'a>>(
    input: &'a [u8],
    opts: &ParseOptions,
    (first_line, base_offset, piece): (u32, usize, framing::Piece),
    mut builder: Builder<S>,
) -> Result<(RecordReader<'a>, Builder<S>), ParseError> {
    let mut reader = RecordReader::new_at(input, opts, first_line, base_offset, piece)?;
    build(
        &mut reader,
        &mut builder,
        opts,
        first_line,
        base_offset,
        piece,
    )?;
    Ok((reader, builder))
}

/// The parse loop: every record of `reader` into `builder` (the nested or the flat tree),
/// stopping at the first exceeded structural limit.
fn build<'a, S: Sink<'a>>(
    reader: &mut RecordReader<'a>,
    builder: &mut Builder<S>,
    opts: &ParseOptions,
    first_line: u32,
    base_offset: usize,
    piece: framing::Piece,
) -> Result<(), ParseError> {
    // The reader's loop, without the `Option` of `Iterator::next` around each record.
    while let Some(line) = reader.framer.next() {
        let record = reader.read(line);
        let (line_no, offset) = (record.line(), record.offset());
        builder.push(record);
        if let Some(limit) = builder.exceeded(opts) {
            return Err(limit_error(limit, Some(line_no), offset));
        }
    }
    reader.finish();
    if reader.framer.last_line() < first_line && piece.first {
        // No record at all (e.g. only 0x1A bytes): never an empty successful result (F-020).
        // A later piece of a stream may hold none (the input's trailing empty line).
        return Err(ParseError {
            problems: vec![Problem {
                severity: Severity::Error,
                location: Location {
                    line: None,
                    offset: base_offset,
                    record: None,
                    columns: None,
                },
                kind: ProblemKind::EmptyInput,
            }],
        });
    }
    Ok(())
}

impl<'a> FlatTree<'a> {
    /// Parses strictly into the flat tree: any error-severity problem fails the parse, as
    /// [`Transmission::parse`] does (same errors).
    ///
    /// # Errors
    /// [`ParseError`] with every error-severity problem (line, record id, byte columns).
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        let tree = Self::parse_with(input, &ParseOptions::strict())?;
        strict(tree.problems())?;
        Ok(tree)
    }

    /// As [`Transmission::parse_fragment`], into the flat tree (a piece of a stream, with
    /// stream-wide line numbers and offsets); `None` in the error's place for more than
    /// `u32::MAX` records becomes the limit `flat_tree_records`.
    pub(crate) fn parse_fragment(
        input: &'a [u8],
        opts: &ParseOptions,
        first_line: u32,
        base_offset: usize,
        piece: framing::Piece,
    ) -> Result<Self, ParseError> {
        // About one record per 81 bytes: one allocation for the records of a typical input.
        let builder = FlatBuilder::with_capacity(input, base_offset, input.len() / 81 + 1);
        let (reader, builder) = fragment(input, opts, (first_line, base_offset, piece), builder)?;
        builder
            .into_flat(
                reader.framer.framing,
                reader.framer.trailing,
                reader.problems,
            )
            .map(|t| t.with_options(opts.clone()))
            .ok_or_else(|| limit_error("flat_tree_records", None, base_offset))
    }

    /// Parses with the given options into the flat tree, with every problem (errors
    /// included), as [`Transmission::parse_with`] does.
    ///
    /// # Errors
    /// [`ParseError`] with one whole-input problem (F-020, F-021, F-023, a size limit, a
    /// structural limit of [`ParseOptions::limits`]), or the limit `flat_tree_records` for an
    /// input of more than `u32::MAX` records.
    pub fn parse_with(input: &'a [u8], opts: &ParseOptions) -> Result<Self, ParseError> {
        Self::parse_fragment(input, opts, 1, 0, framing::Piece::WHOLE)
    }
}

/// The parse loop without the tree: every record of an input in order, borrowed, with the
/// problems found so far. Framing, identification and the field check of each record cost
/// what they cost in [`Transmission::parse_with`] and allocate nothing per record (only a
/// problem to report allocates); read fields through [`Record::view`] or [`Record::body`].
///
/// Structure (SPEC 3–4: envelope order, OI groups, PGA lines) is not checked and the
/// structural limits of [`ParseOptions::limits`] do not apply: build a [`Transmission`]
/// for those.
///
/// ```
/// use ace_pga::{ParseOptions, RecordReader, RecordType};
/// let data = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let mut reader = RecordReader::new(&data, &ParseOptions::strict())?;
/// let pg_records = reader.by_ref().filter(|r| r.record_type().is_pg()).count();
/// assert!(pg_records > 0);
/// assert!(reader.problems().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RecordReader<'a> {
    framer: Framer<'a>,
    opts: ParseOptions,
    problems: Vec<Problem>,
    mixed_reported: bool,
    done: bool,
}

impl<'a> RecordReader<'a> {
    /// Prepares reading `input`. Whole-input problems fail here; every other problem is
    /// collected in [`Self::problems`] as the records are read.
    ///
    /// # Errors
    /// [`ParseError`] with one whole-input problem: F-020 empty input, F-021 EBCDIC, F-023
    /// not a CATAIR transmission, or an input longer than
    /// [`Limits::max_input_len`](crate::options::Limits::max_input_len).
    pub fn new(input: &'a [u8], opts: &ParseOptions) -> Result<Self, ParseError> {
        Self::new_at(input, opts, 1, 0, framing::Piece::WHOLE)
    }

    /// As [`Self::new`], for a piece of a stream numbered from `first_line` at `base_offset`.
    pub(crate) fn new_at(
        input: &'a [u8],
        opts: &ParseOptions,
        first_line: u32,
        base_offset: usize,
        piece: framing::Piece,
    ) -> Result<Self, ParseError> {
        let mut problems = Vec::new();
        if input.len() > opts.limits.max_input_len {
            return Err(ParseError {
                problems: vec![framing::whole_input(ProblemKind::LimitExceeded {
                    limit: "max_input_len",
                })],
            });
        }
        let shift = |p: &mut Problem| {
            p.location.offset = p.location.offset.saturating_add(base_offset);
            if let Some(l) = p.location.line.as_mut() {
                *l = l.saturating_add(first_line.saturating_sub(1));
            }
        };
        let mut framer = Framer::new_with(
            input,
            opts,
            &mut problems,
            piece,
            crate::records::starts_with_known_id,
        )
        .map_err(|mut p| {
            shift(&mut p);
            ParseError { problems: vec![p] }
        })?;
        problems.iter_mut().for_each(shift);
        framer.start_at(first_line, base_offset);
        Ok(RecordReader {
            framer,
            opts: opts.clone(),
            problems,
            mixed_reported: false,
            done: false,
        })
    }

    /// The problems found so far (errors and warnings); once the reader is exhausted, every
    /// problem of the input, in input order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems found, taking the reader.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// How the input is framed (terminator convention, byte order mark); the terminator is
    /// known once the first record is read.
    pub fn framing(&self) -> Framing {
        self.framer.framing
    }

    /// Bytes after the last record that are not a record (see [`Transmission::trailing`]);
    /// known once the reader is exhausted.
    pub fn trailing(&self) -> &'a [u8] {
        self.framer.trailing
    }

    /// A record whose terminator differs from the first record's: the first such one
    /// (a missing final terminator aside) is reported.
    #[cold]
    #[inline(never)]
    fn deviates(&mut self, line: &framing::RawLine<'a>) {
        if self.mixed_reported || line.terminator == Terminator::None {
            return;
        }
        self.mixed_reported = true;
        self.problems
            .push(Problem::mixed_terminators(line.line, line.offset));
    }

    /// Work after the last record (once): data after it is anchored at the line after it,
    /// and the problems are put in input order.
    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let after = self.framer.last_line().saturating_add(1);
        for p in self.problems.iter_mut().filter(|p| {
            matches!(p.kind, ProblemKind::TrailingData { .. }) && p.location.line.is_none()
        }) {
            p.location.line = Some(after);
        }
        self.problems.sort_by_key(|p| {
            (
                p.location.line.is_none(),
                p.location.line,
                p.location.offset,
            )
        });
    }
}

impl<'a> Iterator for RecordReader<'a> {
    type Item = Record<'a>;

    #[inline]
    fn next(&mut self) -> Option<Record<'a>> {
        match self.framer.next() {
            Some(line) => Some(self.read(line)),
            None => {
                self.finish();
                None
            }
        }
    }
}

impl<'a> RecordReader<'a> {
    /// Identifies and checks one framed record: the per-record work of the reader and of
    /// [`Transmission::parse_with`] (which calls it directly, to keep the record out of an
    /// `Option` on its hot path).
    #[inline(always)]
    fn read(&mut self, line: framing::RawLine<'a>) -> Record<'a> {
        // The input's convention is the first record's terminator (the framer keeps it);
        // the first record that differs (a missing final terminator aside) is reported once.
        let deviates = line.terminator != self.framer.framing.terminator;
        if deviates {
            self.deviates(&line);
        }
        let mut record = Record::from_line(&line, &self.opts, &mut self.problems);
        record.set_terminator_deviates(deviates);
        record
    }
}

impl std::iter::FusedIterator for RecordReader<'_> {}

// The serializer (SPEC 2.2 "Serializer"): a parsed transmission is written from each
// record's raw bytes, so unmodified records come back verbatim; every record is followed by
// the terminator it had in the input. Lenient repairs are written in repaired form: short
// lines padded to 80 bytes, `0x1A` bytes after the last record dropped. A byte order mark is
// never written.

const SPACES: [u8; 80] = [b' '; 80];

/// Writes a parsed transmission.
///
/// # Errors
/// I/O errors of the writer.
pub fn write_transmission<W: Write>(t: &Transmission<'_>, w: &mut W) -> io::Result<()> {
    let pad = t.options().pad_short_lines;
    for r in t.flat().records() {
        w.write_all(r.raw())?;
        if pad && r.raw().len() < 80 {
            w.write_all(SPACES.get(r.raw().len()..).unwrap_or_default())?;
        }
        w.write_all(r.terminator().as_bytes())?;
    }
    w.write_all(written_trailing(t))?;
    Ok(())
}

/// The bytes after the last record as the serializer writes them: as received, except that
/// lenient parsing (`ignore_trailing_eof`) drops `0x1A` bytes after the last record.
pub(crate) fn written_trailing<'a>(t: &Transmission<'a>) -> &'a [u8] {
    trailing_to_write(t.trailing(), t.options().ignore_trailing_eof)
}

/// [`written_trailing`] of the trailing bytes `trailing` of a parse with
/// `ignore_trailing_eof` as given.
pub(crate) fn trailing_to_write(trailing: &[u8], ignore_trailing_eof: bool) -> &[u8] {
    let only_eof = trailing.iter().all(|&b| matches!(b, 0x1A | b'\n' | b'\r'));
    if ignore_trailing_eof && only_eof {
        // A trailing empty line's terminator is kept; the 0x1A bytes, and the terminator
        // of a line of them (`\x1A\n`), are not.
        let keep = trailing
            .iter()
            .position(|&b| b == 0x1A)
            .unwrap_or(trailing.len());
        trailing.get(..keep).unwrap_or_default()
    } else {
        trailing
    }
}
