//! The opt-in normaliser behind `ace-pga fix` (SPEC 2.2, 2.3). The parser never applies any
//! of this.
//!
//! # The promise
//!
//! [`normalize`] **never changes what a value means and never moves a field.** It changes only
//! characters that have the same meaning in the CBP character set (SPEC 2.3: space and printable
//! ASCII without the lower-case letters), and only where that meaning is certain (inside a text
//! field; see below), removes only characters that carry no meaning, and writes every record it
//! fixes as exactly 80 bytes, in every framing (LF, CRLF, CR, none), keeping the input's
//! terminators. Everything else is left in place, byte for byte, and listed in
//! [`Normalized::not_fixable`]; a record with something not fixable keeps its other fixes but
//! can then be longer than 80 bytes. The result is clean only when nothing is listed
//! ([`Normalized::is_clean`]; `ace-pga fix` then exits 0, else 1). It never writes `?` (or any
//! other guess) for a character it does not know. Every change is listed in
//! [`Normalized::changes`] (line, column, before, after, why).
//!
//! Input that is not a CATAIR transmission at all (F-023: JSON, binary data, UTF-16 text, no
//! record identifier in the first 100 lines; F-021: EBCDIC) is not normalised: the parser's own
//! whole-input check decides ([`rejected`]), and [`Normalized::rejected`] holds its problem.
//!
//! # What is changed
//!
//! * Lower-case ASCII letters → upper case ([`ChangeKind::UpperCase`], F-005); TAB → space
//!   ([`ChangeKind::Tab`], F-003).
//! * Characters with an ASCII form of the same meaning ([`ChangeKind::Transliterate`], F-002):
//!   Latin letters with diacritics → their base letter in upper case (`é` → `E`, `Ñ` → `N`,
//!   `Ș` → `S`; Latin-1 Supplement, Latin Extended-A, the diacritic letters of Latin
//!   Extended-B and Latin Extended Additional, through the `deunicode` tables, accepted only
//!   when they give one ASCII letter); ligatures and digraphs (`Æ`/`æ` → `AE`, `Œ`/`œ` → `OE`,
//!   `ß` → `SS`, `Þ` → `TH`, `Ĳ` → `IJ`, `ﬁ` → `FI`, `ﬂ` → `FL`, `ǅ` → `DZ` …); typographic
//!   quotes (`‘ ’ ‚ ‛ ′` → `'`, `“ ” „ ‟ ″` → `"`), dashes and the minus sign (`‐ ‑ ‒ – — ― −`
//!   → `-`), the ellipsis (`…` → `...`), no-break and other width spaces (U+00A0,
//!   U+2000–U+200A, U+202F, U+205F, U+3000 → space) and full-width ASCII forms
//!   (U+FF01–U+FF5E).
//! * Characters without meaning are removed ([`ChangeKind::Removed`]): combining marks
//!   (U+0300–U+036F, U+1AB0–U+1AFF, U+1DC0–U+1DFF, U+20D0–U+20FF, U+FE20–U+FE2F) and variation
//!   selectors (U+FE00–U+FE0F), zero-width and invisible format characters (soft hyphen
//!   U+00AD, U+200B–U+200F, U+2060, U+FEFF inside the text). A combining mark belongs to the
//!   character before it: `e` + U+0301 is one character `é` and becomes `E`; TAB + a mark
//!   becomes a space.
//! * Byte order marks at the start of the input (one or several) are removed
//!   ([`ChangeKind::ByteOrderMark`], F-016); `0x1A` bytes at the end of the input are removed
//!   ([`ChangeKind::TrailingEof`], F-017).
//! * Short lines are padded with spaces to 80 columns ([`ChangeKind::Pad`]) and spaces after
//!   column 80 are removed ([`ChangeKind::TrimSpaces`]) (F-001; only with line terminators).
//!   Padding restores trailing spaces an editor trimmed, so a line is padded only where
//!   spaces can be what is missing: in a known `OI`, `PGnn` or envelope record, not when the
//!   line ends inside the identifier (any record), after a digit of a numeric or date field,
//!   or before a mandatory field or with only spaces of it ([`Unfixable::Truncated`]).
//!
//! # Where a replacement has the same meaning
//!
//! The record's layout (from its identifier: `OI`, `PGnn`, `A`, `B`, `Y`, `Z`) gives each
//! column a class. A replacement (upper case, transliteration, TAB to space) is made inside a
//! text field (class `A`, `AN` or `X`). In a numeric or date field (`N`, `D`) no replacement
//! has the same meaning: a letter there stays a fault ([`Unfixable::NotInTextField`]); only a
//! character without a column (read by characters) is removed, which leaves the value as it
//! is. In the record identifier only lower case becomes upper case (`pg19` → `PG19`). In
//! filler, in a record without a known layout (host records such as `SE13`, responses,
//! unknown records; their first four columns count as the identifier) and across two fields,
//! a replacement is made only when it is as wide as what it replaces.
//!
//! # What is not fixable (left in place, reported)
//!
//! Any other character: `½`, `€`, `°`, `©`, `×`, emoji, Greek, Cyrillic, Chinese …
//! ([`Unfixable::NoSameMeaning`]); control bytes other than TAB, also the Windows-1252 bytes
//! 0x80–0x9F read as ISO-8859-1 ([`Unfixable::ControlCharacter`]); bytes that are not text of the input's encoding
//! ([`Unfixable::Undecodable`]); a replacement where its meaning is not certain
//! ([`Unfixable::NotInTextField`]); a replacement of another width outside one text field
//! ([`Unfixable::OutsideTextField`]); a ligature or ellipsis whose longer form does not fit its
//! field ([`Unfixable::NoRoom`]); a line whose columns depend on how its writer counted
//! ([`Unfixable::AmbiguousColumns`]); a short line next to a terminator other than the input's
//! ([`Unfixable::StrayTerminator`]); a short line whose missing columns cannot all be
//! trimmed spaces: it ends inside the record identifier or after a digit of a number, or
//! leaves a mandatory field blank ([`Unfixable::Truncated`]); data after column 80 ([`Unfixable::DataAfterColumn80`]);
//! an empty line ([`Unfixable::EmptyLine`]); bytes left over after the last whole record of
//! terminator-less input ([`Unfixable::Remainder`]); and terminator-less input that is
//! neither whole 80-byte nor whole 80-character records ([`Unfixable::Unframed`]: nothing of
//! it is changed). A final check looks at every record written: one that is not 80 bytes of
//! the CBP set and for which nothing else was reported is reported too
//! ([`Unfixable::NotClean`]).
//!
//! # Characters, columns and framing
//!
//! A record has 80 **columns**. The whole input is read as UTF-8 when it holds any UTF-8
//! multi-byte sequence (valid, or of UTF-8's shape but invalid: an overlong form, a surrogate,
//! CESU-8); then every byte that is not part of a valid sequence is not fixable. Only input
//! without any such sequence is read as ISO-8859-1 (one byte = one character; the bytes
//! 0x80–0x9F are control characters, so Windows-1252 quotes are not fixable); a UTF-16 byte
//! order mark at its start is not fixable. A *character* is a base character with the
//! combining marks after it; a run of removed zero-width characters takes no column.
//!
//! A line of exactly 80 bytes is read **by bytes**: the writer counted bytes, so a character
//! takes as many columns as it has bytes (a UTF-8 `é` takes two, a zero-width space three);
//! every byte that is not changed stays at its byte column, which is where the parser and
//! `ace-pga check` see it. Any other line is read **by characters** (a UTF-8 `é` is one column
//! of two bytes). When the line's width by characters differs from its width by code points
//! (a combining mark or zero-width character counted as a column) or by bytes, and more than
//! one of these widths is at most 80, the writer may have counted either way: the line is
//! normalised every such way, and when the results differ (a field after the character would
//! land in another column) the line is left as it is ([`Unfixable::AmbiguousColumns`]), never
//! padded at its end. A line of 80 characters with one zero-width character (80 code points,
//! 79 columns) and a short line with a multi-byte letter are such lines unless the character
//! stands in the record's last field.
//!
//! With line terminators, the input's own terminator is the one that ends most lines. In a file
//! of CRLF lines a lone CR or LF ends a line as it does for the parser; a short line before or
//! after such a terminator is not padded but reported ([`Unfixable::StrayTerminator`]), as it may be half a
//! record. Terminator-less input (no CR or LF byte; SPEC 2.2) is split into records every 80
//! bytes when its length is a multiple of 80 and no 80-byte boundary splits a UTF-8 character
//! (the parser's framing), else every 80 characters when its character count is a multiple of
//! 80 (and its code point count is not another one), else not at all
//! ([`Unfixable::Unframed`]). Input that is all ASCII is always split every 80 bytes.
//!
//! # Replacements of another width
//!
//! A replacement that is as wide as what it replaces takes its columns. When it is narrower
//! (`é` read by bytes is two columns, `E` one; a removed character read by bytes) or wider
//! (`æ` read by characters is one column, `AE` two):
//!
//! * in a text field (class `A`, `AN` or `X`) of a known `OI`, `PGnn` or envelope (`A`, `B`,
//!   `Y`, `Z`) record, the rest of **that field** moves by the difference: the field is padded
//!   with spaces at its end, or gives up spaces at its end (left-justified fields). No other
//!   field moves; the field's move is reported ([`ChangeKind::Realigned`], with the field's
//!   name). A wider replacement whose field has too few spaces at its end is not made
//!   ([`Unfixable::NoRoom`]);
//! * anywhere else (record identifier, filler, `N` and `D` fields, host and response records,
//!   unknown records, a character that straddles two fields) it is not made
//!   ([`Unfixable::OutsideTextField`]): it would move what follows or change the value.
//!
//! # The report
//!
//! Columns in [`Change`] and [`NotFixable`] are 1-based record columns of the output (for a
//! record read by bytes, byte columns). Adjacent changes of the same kind are reported as one
//! (`mangoes` → `MANGOES`). Every `before`, `after` and `text` is an excerpt of at most
//! 60 source characters, ending in `…` when the value was longer; a byte that is not text
//! shows as `<0xE9>`. Printed ([`fmt::Display`]), characters without a visible form (control,
//! zero-width, combining, non-ASCII spaces) show as `<U+200B>` and the excerpt is cut at 60
//! printed characters, so that one report line stays short. At most
//! [`NormalizeOptions::report_limit`] changes and as many not-fixable items are listed; the
//! rest are counted ([`Normalized::more_changes`], [`Normalized::more_not_fixable`]).
//! [`normalize_to`] writes the output to a writer as it goes instead of holding it.

mod chars;
mod decode;
mod frame;
mod record;
mod report;
mod stream;

use frame::{run, Normalizer};
use report::{finish, Printable};
pub use stream::normalize_reader_to;

use std::fmt;
use std::io;

use crate::error::{Problem, ProblemKind};
use crate::options::ParseOptions;
use crate::wire::framing::Framer;

/// Columns of a record.
const WIDTH: usize = 80;
/// Longest excerpt of a value in the report, in characters (an ellipsis follows when cut).
const EXCERPT: usize = 60;
/// Output held before it goes to the writer of [`normalize_to`].
const FLUSH_AT: usize = 1 << 16;

/// What the normaliser may change; all on by default. With an option switched off, what it
/// governs is left in place and not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NormalizeOptions {
    /// Lower-case ASCII letters → upper case (F-005).
    pub upper_case: bool,
    /// Non-ASCII characters with a same-meaning ASCII form → that form; combining marks and
    /// zero-width characters removed (F-002). See the module documentation for the list.
    pub transliterate: bool,
    /// TAB → space (F-003).
    pub tabs: bool,
    /// Short lines padded with spaces to 80 columns (F-001).
    pub pad_short_lines: bool,
    /// UTF-8 byte order marks at the start of the input removed (F-016), also repeated ones.
    pub strip_byte_order_mark: bool,
    /// Spaces after column 80 removed when everything there is spaces (F-001).
    pub trim_spaces_after_80: bool,
    /// `0x1A` (DOS end-of-file) bytes at the end of the input removed (F-017).
    pub strip_trailing_eof: bool,
    /// At most this many changes, and this many not-fixable items, are listed in
    /// [`Normalized`]; the rest are counted (default 1,000).
    pub report_limit: usize,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            upper_case: true,
            transliterate: true,
            tabs: true,
            pad_short_lines: true,
            strip_byte_order_mark: true,
            trim_spaces_after_80: true,
            strip_trailing_eof: true,
            report_limit: 1_000,
        }
    }
}

/// Why a change was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ChangeKind {
    /// Lower case → upper case.
    UpperCase,
    /// Non-ASCII → the ASCII form of the same meaning (combining marks of the letter dropped).
    Transliterate,
    /// TAB → space.
    Tab,
    /// Spaces added at the end of a short line.
    Pad,
    /// Byte order mark(s) at the start of the input removed.
    ByteOrderMark,
    /// Spaces after column 80 removed.
    TrimSpaces,
    /// `0x1A` bytes at the end of the input removed.
    TrailingEof,
    /// A character without meaning removed (combining mark, zero-width character).
    Removed,
    /// The text of one field moved inside that field because a replacement before it is
    /// narrower or wider than what it replaced (`before`/`after`: the field's text).
    Realigned,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Change {
    /// 1-based record line.
    pub line: u32,
    /// 1-based column in the normalised record (for padding: the first added column).
    pub column: usize,
    /// What was there (an excerpt of at most 60 characters; `…` marks a cut; a byte that is
    /// not text as `<0xNN>`).
    pub before: String,
    /// What is there now (an excerpt, as `before`).
    pub after: String,
    /// Why.
    pub kind: ChangeKind,
    /// The field, for [`ChangeKind::Realigned`].
    pub field: Option<&'static str>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ChangeKind::UpperCase => "upper case",
            ChangeKind::Transliterate => "transliterated",
            ChangeKind::Tab => "TAB to space",
            ChangeKind::Pad => "padded",
            ChangeKind::ByteOrderMark => "byte order mark removed",
            ChangeKind::TrimSpaces => "spaces after column 80 removed",
            ChangeKind::TrailingEof => "end-of-file bytes after the last record removed",
            ChangeKind::Removed => "character without meaning removed",
            ChangeKind::Realigned => "text moved inside its field, no other field moved",
        };
        if self.kind == ChangeKind::Pad {
            // The spaces themselves say nothing: their number does.
            let n = (WIDTH + 1).saturating_sub(self.column);
            let s = if n == 1 { "" } else { "s" };
            return write!(
                f,
                "line {}, column {}: padded with {n} space{s} to 80 columns",
                self.line, self.column
            );
        }
        write!(
            f,
            "line {}, column {}: \"{}\" -> \"{}\" ({what}",
            self.line,
            self.column,
            Printable(&self.before),
            Printable(&self.after)
        )?;
        match self.field {
            Some(field) => write!(f, ": {field})"),
            None => write!(f, ")"),
        }
    }
}

/// Why something is not fixable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Unfixable {
    /// A character without an ASCII form of the same meaning (`½`, `€`, `°`, emoji …).
    NoSameMeaning,
    /// A control byte other than TAB (F-003).
    ControlCharacter,
    /// A byte that is not text of the input's encoding: not part of a valid UTF-8 sequence in
    /// input that holds UTF-8, or a UTF-16 byte order mark.
    Undecodable,
    /// A same-meaning form wider than the character, with no room in its text field.
    NoRoom,
    /// A replacement in a numeric or date field, or a transliteration in the record
    /// identifier: no replacement has the same meaning there.
    NotInTextField,
    /// A same-meaning form of another width outside one text field of a known record (filler,
    /// host or unknown record, a character across two fields): it would move what follows.
    OutsideTextField,
    /// The line's columns depend on how its writer counted (characters, code points or
    /// bytes), and the fields after its non-ASCII characters would land in different columns:
    /// the line is left as it is (`text`: those characters). Characters of the line that are
    /// not fixable however it is read are listed after it, without columns.
    AmbiguousColumns,
    /// A short line before or after a line terminator other than the input's own (a lone CR
    /// or LF in a CRLF file): perhaps half a record, so it is not padded but left as it is.
    StrayTerminator,
    /// A short line that ends inside the record identifier, or after a digit of a numeric or
    /// date field, or before a mandatory field of its record or with only spaces of it
    /// (`columns`: that identifier or field): padding it with spaces could not tell trimmed spaces from lost data, so it is
    /// not padded but left as it is (F-001).
    Truncated,
    /// Data that is not spaces after column 80 (F-001).
    DataAfterColumn80,
    /// An empty line (not the one trailing empty line the parser ignores).
    EmptyLine,
    /// Terminator-less input: bytes after the last whole 80-byte record (F-018).
    Remainder,
    /// Terminator-less input that is neither whole 80-byte records nor whole 80-character
    /// records: nothing of it was changed.
    Unframed,
    /// The final check: the record written is not 80 bytes of the CBP character set, and
    /// nothing else was reported for it.
    NotClean,
}

impl Unfixable {
    fn message(self) -> &'static str {
        match self {
            Unfixable::NoSameMeaning => "no character of the CBP set has the same meaning",
            Unfixable::ControlCharacter => "control character",
            Unfixable::Undecodable => {
                "not text: a byte outside a valid UTF-8 sequence in input that holds UTF-8 (so \
                 it is not read as ISO-8859-1), or a UTF-16 byte order mark"
            }
            Unfixable::NoRoom => "its ASCII form is wider and its field has no room for it",
            Unfixable::NotInTextField => {
                "not in a text field (a numeric or date field, or the record identifier): no \
                 replacement has the same meaning there"
            }
            Unfixable::OutsideTextField => {
                "its ASCII form has another width and it is not inside one text field of a \
                 known record: replacing it would move what follows"
            }
            Unfixable::AmbiguousColumns => {
                "the line's width depends on whether its writer counted characters, code \
                 points or bytes, and the fields after these characters would land in other \
                 columns: the line is left as it is"
            }
            Unfixable::StrayTerminator => {
                "a short line next to a line terminator other than the input's own (a lone CR \
                 or LF inside a record?): not padded, left as it is"
            }
            Unfixable::Truncated => {
                "a short line that ends inside the record identifier or a number, or leaves a \
                 mandatory field blank (these columns): spaces cannot be what is missing there, \
                 so it is not padded; restore the line from its source"
            }
            Unfixable::DataAfterColumn80 => "data after column 80",
            Unfixable::EmptyLine => "empty line",
            Unfixable::Remainder => "bytes after the last whole 80-byte record",
            Unfixable::Unframed => {
                "input without line terminators is neither whole 80-byte nor whole \
                 80-character records; nothing was changed"
            }
            Unfixable::NotClean => {
                "the record written is not 80 bytes of the CBP character set (final check)"
            }
        }
    }
}

/// Something the normaliser left in place because it cannot fix it without changing a
/// meaning or a position.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct NotFixable {
    /// 1-based record line (`None`: the whole input).
    pub line: Option<u32>,
    /// 1-based first and last record column in the output (`None`: the whole line, or the
    /// whole input).
    pub columns: Option<(usize, usize)>,
    /// What is there (an excerpt of at most 60 characters; `…` marks a cut; a byte that is
    /// not text as `<0xNN>`).
    pub text: String,
    /// Why it is not fixable.
    pub reason: Unfixable,
}

impl fmt::Display for NotFixable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}, ")?;
        }
        match self.columns {
            Some((a, b)) if a == b => write!(f, "column {a}: ")?,
            Some((a, b)) => write!(f, "columns {a}-{b}: ")?,
            None => {}
        }
        if !self.text.is_empty() {
            write!(f, "\"{}\" ", Printable(&self.text))?;
        }
        write!(f, "not fixable: {}", self.reason.message())
    }
}

/// The result of [`normalize`] and [`normalize_to`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Normalized {
    /// The normalised input ([`normalize`]; empty from [`normalize_to`], which writes it). The
    /// input unchanged when it was [`Normalized::rejected`].
    pub bytes: Vec<u8>,
    /// The changes, in input order (at most [`NormalizeOptions::report_limit`]).
    pub changes: Vec<Change>,
    /// Changes made but not listed (over the limit).
    pub more_changes: usize,
    /// What is left in place because it cannot be fixed, in input order (at most
    /// [`NormalizeOptions::report_limit`]).
    pub not_fixable: Vec<NotFixable>,
    /// Not-fixable items not listed (over the limit).
    pub more_not_fixable: usize,
    /// The whole-input problem (F-021 EBCDIC, F-023 not a CATAIR transmission) for which
    /// nothing was normalised ([`rejected`]).
    pub rejected: Option<Problem>,
}

impl Normalized {
    /// True when nothing was left unfixed and the input was not rejected (the output can
    /// still hold errors of other rules).
    pub fn is_clean(&self) -> bool {
        self.not_fixable.is_empty() && self.more_not_fixable == 0 && self.rejected.is_none()
    }

    /// Every change made, listed or not.
    pub fn change_count(&self) -> usize {
        self.changes.len() + self.more_changes
    }

    /// Every not-fixable item, listed or not.
    pub fn not_fixable_count(&self) -> usize {
        self.not_fixable.len() + self.more_not_fixable
    }
}

/// The whole-input check of the parser (SPEC 6.1): the problem for which `input` is not
/// normalised at all, F-023 (not a CATAIR transmission: JSON, binary data, UTF-16 text, no
/// record identifier at the start of any of the first 100 lines) or F-021 (EBCDIC); `None`
/// for every other input. The same check as [`crate::Transmission::parse`] with
/// [`ParseOptions::lenient`] (which, as the normaliser, skips repeated byte order marks).
pub fn rejected(input: &[u8]) -> Option<Problem> {
    let mut problems = Vec::new();
    match Framer::new(
        input,
        &ParseOptions::lenient(),
        &mut problems,
        crate::records::starts_with_known_id,
    ) {
        Err(p) if matches!(p.kind, ProblemKind::NotCatair(_) | ProblemKind::Ebcdic) => Some(p),
        _ => None,
    }
}

/// Normalises `input` (see the module documentation for the promise and the rules); returns
/// the new bytes, the changes and what is not fixable. Terminators and line order are kept.
/// Input that is not a CATAIR transmission ([`rejected`]) comes back unchanged, with
/// [`Normalized::rejected`] set.
pub fn normalize(input: &[u8], opts: &NormalizeOptions) -> Normalized {
    if let Some(problem) = rejected(input) {
        return Normalized {
            bytes: input.to_vec(),
            rejected: Some(problem),
            ..Normalized::default()
        };
    }
    let mut n = Normalizer::new(opts, Vec::with_capacity(input.len()), None, false);
    run(&mut n, input);
    let bytes = std::mem::take(&mut n.out);
    Normalized {
        bytes,
        ..finish(n.report)
    }
}

/// As [`normalize`], but writes the output to `out` as it goes (a few kilobytes are held
/// at a time) instead of returning it: [`Normalized::bytes`] is empty. Nothing is written
/// for input that is [`rejected`].
///
/// # Errors
/// The first error of `out`.
pub fn normalize_to<W: io::Write>(
    input: &[u8],
    opts: &NormalizeOptions,
    out: &mut W,
) -> io::Result<Normalized> {
    if let Some(problem) = rejected(input) {
        return Ok(Normalized {
            rejected: Some(problem),
            ..Normalized::default()
        });
    }
    let mut n = Normalizer::new(
        opts,
        Vec::with_capacity(FLUSH_AT + 4 * WIDTH),
        Some(out),
        false,
    );
    run(&mut n, input);
    n.flush(true);
    match n.error.take() {
        Some(e) => Err(e),
        None => Ok(finish(n.report)),
    }
}
