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
//! ([`Unfixable::StrayTerminator`]); data after column 80 ([`Unfixable::DataAfterColumn80`]);
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

use std::fmt;
use std::io;

use crate::error::{Problem, ProblemKind};
use crate::framing::Framer;
use crate::layout::Class;
use crate::record::identify;
use crate::records::RecordType;
use crate::ParseOptions;

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

/// Text of the report as printed: characters without a visible form as `<U+XXXX>`, at most
/// [`EXCERPT`] printed characters (then `…`).
struct Printable<'s>(&'s str);

/// Whether a character is printed as itself in the report.
fn visible(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || is_mark(c)
            || is_invisible(c)
            || matches!(c, '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'))
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printed = 0;
        let mut rest = self.0;
        while let Some(c) = rest.chars().next() {
            // A byte shown as `<0xNN>` is one token.
            let byte = rest
                .get(..6)
                .filter(|t| t.starts_with("<0x") && t.ends_with('>'))
                .filter(|t| t.bytes().skip(3).take(2).all(|b| b.is_ascii_hexdigit()));
            let (token, len) = match byte {
                Some(t) => (t.to_string(), 6),
                None if visible(c) => (c.to_string(), c.len_utf8()),
                None => (format!("<U+{:04X}>", u32::from(c)), c.len_utf8()),
            };
            let n = token.chars().count();
            let last = rest.len() == len;
            // The excerpt's own `…` (the value was cut) always fits.
            if printed + n > EXCERPT && !(last && token == "…") {
                return f.write_str("…");
            }
            f.write_str(&token)?;
            printed += n;
            rest = rest.get(len..).unwrap_or_default();
        }
        Ok(())
    }
}
// ---------------------------------------------------------------------------------------
// Characters

/// Combining marks and variation selectors: they belong to the character before them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Zero-width and invisible format characters: no column, no meaning.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The ASCII form of a character, before options apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Allowed as is.
    Keep,
    /// Lower-case ASCII letter; its upper case.
    Lower(u8),
    /// TAB.
    Tab,
    /// Control byte.
    Control,
    /// One ASCII byte of the same meaning.
    Byte(u8),
    /// Several ASCII bytes of the same meaning (ligatures, ellipsis).
    Str(&'static str),
    /// No meaning: removed.
    Invisible,
    /// No same-meaning ASCII form.
    None,
}

/// Latin letters with diacritics whose `deunicode` form is their base letter.
fn is_diacritic_latin(c: char) -> bool {
    matches!(c,
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{0137}'
        | '\u{0139}'..='\u{0148}' | '\u{014C}'..='\u{017F}'
        | '\u{01CD}'..='\u{01DC}' | '\u{01DE}'..='\u{01E1}' | '\u{01E6}'..='\u{01ED}'
        | '\u{01F0}' | '\u{01F4}'..='\u{01F5}' | '\u{01F8}'..='\u{021B}'
        | '\u{021E}'..='\u{021F}' | '\u{0226}'..='\u{0233}'
        | '\u{1E00}'..='\u{1E9B}' | '\u{1EA0}'..='\u{1EF9}')
}

fn form(c: char) -> Form {
    match c {
        'a'..='z' => Form::Lower(c.to_ascii_uppercase() as u8),
        ' '..='~' => Form::Keep,
        '\t' => Form::Tab,
        c if c.is_ascii() || c.is_control() => Form::Control,
        c if is_mark(c) || is_invisible(c) => Form::Invisible,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
            Form::Byte(b' ')
        }
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Form::Byte(b'\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Form::Byte(b'"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Form::Byte(b'-'),
        '\u{2026}' => Form::Str("..."),
        'Æ' | 'æ' | 'Ǣ' | 'ǣ' | 'Ǽ' | 'ǽ' => Form::Str("AE"),
        'Œ' | 'œ' => Form::Str("OE"),
        'ß' | 'ẞ' => Form::Str("SS"),
        'Þ' | 'þ' => Form::Str("TH"),
        'Ĳ' | 'ĳ' => Form::Str("IJ"),
        'Ǆ' | 'ǅ' | 'ǆ' | 'Ǳ' | 'ǲ' | 'ǳ' => Form::Str("DZ"),
        'Ǉ' | 'ǈ' | 'ǉ' => Form::Str("LJ"),
        'Ǌ' | 'ǋ' | 'ǌ' => Form::Str("NJ"),
        '\u{FB00}' => Form::Str("FF"),
        '\u{FB01}' => Form::Str("FI"),
        '\u{FB02}' => Form::Str("FL"),
        '\u{FB03}' => Form::Str("FFI"),
        '\u{FB04}' => Form::Str("FFL"),
        '\u{FB05}' | '\u{FB06}' => Form::Str("ST"),
        '\u{FF01}'..='\u{FF5E}' => {
            // Full-width ASCII: the same character, U+FEE0 higher.
            match u8::try_from(u32::from(c) - 0xFEE0) {
                Ok(b) => Form::Byte(b.to_ascii_uppercase()),
                Err(_) => Form::None,
            }
        }
        c if is_diacritic_latin(c) => match deunicode::deunicode_char(c).map(str::as_bytes) {
            Some(&[b]) if b.is_ascii_alphabetic() => Form::Byte(b.to_ascii_uppercase()),
            _ => Form::None,
        },
        _ => Form::None,
    }
}

// ---------------------------------------------------------------------------------------
// Decoding: units (one character or one undecodable byte) and characters (clusters)

#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    /// `None`: a byte that is not text.
    ch: Option<char>,
}

/// The characters of `src`: UTF-8 (an undecodable byte is a unit of its own), or ISO-8859-1.
#[derive(Debug, Clone)]
struct Units<'a> {
    src: &'a [u8],
    pos: usize,
    latin1: bool,
    /// Bytes at the start that are not text whatever the encoding (a UTF-16 byte order mark).
    bad_prefix: usize,
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

impl Iterator for Units<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let start = self.pos;
        let &b = self.src.get(start)?;
        if start < self.bad_prefix {
            self.pos += 1;
            return Some(Unit {
                start,
                end: start + 1,
                ch: None,
            });
        }
        if self.latin1 || b.is_ascii() {
            self.pos += 1;
            return Some(Unit {
                start,
                end: start + 1,
                ch: Some(char::from(b)),
            });
        }
        let n = utf8_len(b);
        let ch = self
            .src
            .get(start..start + n)
            .filter(|_| n > 1)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next());
        let end = if ch.is_some() { start + n } else { start + 1 };
        self.pos = end;
        Some(Unit { start, end, ch })
    }
}

/// Whether the whole input is read as ISO-8859-1: it holds no byte sequence of UTF-8's
/// multi-byte shape (a lead byte 0xC0–0xF7 followed by as many bytes 0x80–0xBF as it
/// announces), neither a valid one nor an overlong form, a surrogate (CESU-8) or one beyond
/// U+10FFFF, which only broken UTF-8 writes.
fn is_latin1(input: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        let need = match b {
            0xC0..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF7 => 3,
            _ => 0,
        };
        if need > 0
            && input
                .get(i + 1..i + 1 + need)
                .is_some_and(|s| s.iter().all(|&c| (0x80..=0xBF).contains(&c)))
        {
            return false;
        }
        i += 1;
    }
    true
}

/// One character: a base with the combining marks after it, a run of marks or zero-width
/// characters without a base (no column), or one undecodable byte.
#[derive(Debug, Clone, Copy)]
struct Cluster {
    start: usize,
    end: usize,
    base: Option<char>,
    /// Marks (or a zero-width joiner sequence) follow the base.
    extra: bool,
    /// Takes a column when read by characters.
    column: bool,
    /// Code points (and undecodable bytes) in it.
    units: usize,
}

#[derive(Debug, Clone)]
struct Clusters<'a> {
    units: Units<'a>,
}

/// A combining mark or an invisible character: no column of its own.
fn zero_width(u: &Unit) -> bool {
    u.ch.is_some_and(|c| is_mark(c) || is_invisible(c))
}

impl Iterator for Clusters<'_> {
    type Item = Cluster;

    fn next(&mut self) -> Option<Cluster> {
        let u = self.units.next()?;
        let column = !zero_width(&u);
        let mut cl = Cluster {
            start: u.start,
            end: u.end,
            base: u.ch,
            extra: false,
            column,
            units: 1,
        };
        if !column {
            // A run of characters without a column is one cluster.
            loop {
                let mut look = self.units.clone();
                match look.next() {
                    Some(n) if zero_width(&n) => {
                        cl.end = n.end;
                        cl.units += 1;
                        self.units = look;
                    }
                    _ => break,
                }
            }
            return Some(cl);
        }
        if u.ch.is_none() {
            return Some(cl);
        }
        // A character without an ASCII form joined to the next by U+200D (an emoji sequence)
        // stays one character: it is left in place whole.
        let joins = u.ch.is_some_and(|c| form(c) == Form::None);
        loop {
            let mut look = self.units.clone();
            match look.next() {
                Some(n) if n.ch.is_some_and(is_mark) => {
                    cl.end = n.end;
                    cl.extra = true;
                    cl.units += 1;
                    self.units = look;
                }
                Some(n) if joins && n.ch == Some('\u{200D}') => match look.next() {
                    Some(m) if m.ch.is_some_and(|c| form(c) == Form::None) => {
                        cl.end = m.end;
                        cl.extra = true;
                        cl.units += 2;
                        self.units = look;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        Some(cl)
    }
}

// ---------------------------------------------------------------------------------------
// Report building

/// The text of `bytes` for the report (a byte that is not text as `<0xNN>`).
fn show(bytes: &[u8], latin1: bool) -> String {
    let mut s = String::new();
    for u in (Units {
        src: bytes,
        pos: 0,
        latin1,
        bad_prefix: 0,
    }) {
        match (u.ch, bytes.get(u.start)) {
            (Some(c), _) => s.push(c),
            (None, Some(b)) => s.push_str(&format!("<0x{b:02X}>")),
            (None, None) => {}
        }
    }
    s
}

/// Bytes as `<0xNN>` each.
fn show_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("<0x{b:02X}>")).collect()
}

/// An excerpt being built: at most [`EXCERPT`] characters kept, the rest counted. A byte
/// shown as `<0xNN>` counts as one.
#[derive(Debug, Default, Clone)]
struct Excerpt {
    text: String,
    chars: usize,
}

impl Excerpt {
    fn push(&mut self, s: &str) {
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let byte = rest
                .get(..6)
                .is_some_and(|t| t.starts_with("<0x") && t.ends_with('>'));
            let len = if byte { 6 } else { c.len_utf8() };
            if self.chars < EXCERPT {
                self.text.push_str(rest.get(..len).unwrap_or_default());
            }
            self.chars += 1;
            if self.chars > EXCERPT {
                // Only the count matters from here on.
                return;
            }
            rest = rest.get(len..).unwrap_or_default();
        }
    }

    fn of(s: &str) -> Self {
        let mut e = Excerpt::default();
        e.push(s);
        e
    }

    fn finish(mut self) -> String {
        if self.chars > EXCERPT {
            self.text.push('…');
        }
        self.text
    }
}

#[derive(Debug)]
struct PendingChange {
    line: u32,
    column: usize,
    before: Excerpt,
    after: Excerpt,
    kind: ChangeKind,
    field: Option<&'static str>,
}

#[derive(Debug)]
struct PendingNf {
    line: Option<u32>,
    columns: Option<(usize, usize)>,
    text: Excerpt,
    reason: Unfixable,
}

/// The last change, listed or not, for merging adjacent ones.
#[derive(Debug, Clone, Copy)]
struct LastChange {
    line: u32,
    kind: ChangeKind,
    /// Column after its last column.
    next: usize,
    listed: bool,
}

/// The last not-fixable item, listed or not.
#[derive(Debug, Clone, Copy)]
struct LastNf {
    line: Option<u32>,
    reason: Unfixable,
    columns: Option<(usize, usize)>,
    listed: bool,
}

#[derive(Debug, Default)]
struct Report {
    limit: usize,
    changes: Vec<PendingChange>,
    more_changes: usize,
    last_change: Option<LastChange>,
    not_fixable: Vec<PendingNf>,
    more_not_fixable: usize,
    last_nf: Option<LastNf>,
}

impl Report {
    fn change(&mut self, line: u32, column: usize, before: &str, after: &str, kind: ChangeKind) {
        let cols = after.len();
        if let Some(last) = &mut self.last_change {
            if last.line == line
                && last.kind == kind
                && kind != ChangeKind::Realigned
                && last.next == column
            {
                last.next = column + cols;
                if last.listed {
                    if let Some(entry) = self.changes.last_mut() {
                        entry.before.push(before);
                        entry.after.push(after);
                    }
                }
                return;
            }
        }
        self.push_change(line, column, column + cols, before, after, kind, None);
    }

    fn realigned(
        &mut self,
        line: u32,
        column: usize,
        before: &str,
        after: &str,
        field: &'static str,
    ) {
        self.push_change(
            line,
            column,
            column,
            before,
            after,
            ChangeKind::Realigned,
            Some(field),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_change(
        &mut self,
        line: u32,
        column: usize,
        next: usize,
        before: &str,
        after: &str,
        kind: ChangeKind,
        field: Option<&'static str>,
    ) {
        let listed = self.changes.len() < self.limit;
        if listed {
            self.changes.push(PendingChange {
                line,
                column,
                before: Excerpt::of(before),
                after: Excerpt::of(after),
                kind,
                field,
            });
        } else {
            self.more_changes = self.more_changes.saturating_add(1);
        }
        self.last_change = Some(LastChange {
            line,
            kind,
            next,
            listed,
        });
    }

    fn not_fixable(
        &mut self,
        line: Option<u32>,
        columns: Option<(usize, usize)>,
        text: &str,
        reason: Unfixable,
    ) {
        if let (Some(last), Some((a, b))) = (&mut self.last_nf, columns) {
            if last.line == line && last.reason == reason {
                if let Some((first, end)) = last.columns {
                    if end + 1 == a {
                        last.columns = Some((first, b));
                        if last.listed {
                            if let Some(entry) = self.not_fixable.last_mut() {
                                entry.columns = Some((first, b));
                                entry.text.push(text);
                            }
                        }
                        return;
                    }
                }
            }
        }
        let listed = self.not_fixable.len() < self.limit;
        if listed {
            self.not_fixable.push(PendingNf {
                line,
                columns,
                text: Excerpt::of(text),
                reason,
            });
        } else {
            self.more_not_fixable = self.more_not_fixable.saturating_add(1);
        }
        self.last_nf = Some(LastNf {
            line,
            reason,
            columns,
            listed,
        });
    }

    /// Whether the last not-fixable item is on `line`.
    fn not_fixable_on(&self, line: u32) -> bool {
        self.last_nf.is_some_and(|l| l.line == Some(line))
    }
}

// ---------------------------------------------------------------------------------------
// Records

/// How a record's characters map to columns (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// A character takes as many columns as it has bytes.
    Bytes,
    /// A character takes as many columns as it has code points (a writer that counted a
    /// combining mark or a zero-width character as a character).
    Points,
    /// A character takes one column; a removed one none.
    Chars,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repl {
    /// The original bytes.
    Orig,
    Byte(u8),
    Str(&'static str),
    Nothing,
    Spaces(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Keep,
    Change(ChangeKind),
    Unfixable(Unfixable),
}

#[derive(Debug, Clone, Copy)]
struct Piece {
    /// The original bytes (`start == end` for padding).
    start: usize,
    end: usize,
    /// Columns taken in the input.
    width: usize,
    repl: Repl,
    act: Act,
    /// Spaces that fill the field after this, its last piece (reported as the realignment).
    fill_after: usize,
}

impl Piece {
    fn repl_cols(&self) -> usize {
        match self.repl {
            Repl::Orig => self.width,
            Repl::Byte(_) => 1,
            Repl::Str(s) => s.len(),
            Repl::Nothing => 0,
            Repl::Spaces(n) => n,
        }
    }

    fn cols(&self) -> usize {
        self.repl_cols() + self.fill_after
    }

    /// The output is spaces only (padding that a field can give up).
    fn is_space(&self, src: &[u8]) -> bool {
        match self.repl {
            Repl::Orig => self.act == Act::Keep && src.get(self.start..self.end) == Some(b" "),
            Repl::Byte(b) => b == b' ',
            Repl::Spaces(_) => true,
            Repl::Str(_) | Repl::Nothing => false,
        }
    }

    fn revert(&mut self, reason: Unfixable) {
        self.repl = Repl::Orig;
        self.act = Act::Unfixable(reason);
    }

    fn write(&self, src: &[u8], out: &mut Vec<u8>) {
        match self.repl {
            Repl::Orig => out.extend_from_slice(src.get(self.start..self.end).unwrap_or_default()),
            Repl::Byte(b) => out.push(b),
            Repl::Str(s) => out.extend_from_slice(s.as_bytes()),
            Repl::Nothing => {}
            Repl::Spaces(n) => out.resize(out.len() + n, b' '),
        }
        out.resize(out.len() + self.fill_after, b' ');
    }

    /// The replacement as text.
    fn after_text(&self, src: &[u8], latin1: bool) -> String {
        match self.repl {
            Repl::Orig => show(src.get(self.start..self.end).unwrap_or_default(), latin1),
            Repl::Byte(b) => char::from(b).to_string(),
            Repl::Str(s) => s.to_string(),
            Repl::Nothing => String::new(),
            Repl::Spaces(n) => " ".repeat(n),
        }
    }
}

fn piece(cl: &Cluster, model: Model, opts: &NormalizeOptions) -> Piece {
    let width = match model {
        Model::Bytes => cl.end - cl.start,
        Model::Points => cl.units,
        Model::Chars => usize::from(cl.column),
    };
    let (repl, act) = match cl.base {
        None => (Repl::Orig, Act::Unfixable(Unfixable::Undecodable)),
        Some(c) => {
            let tr = |r| (r, Act::Change(ChangeKind::Transliterate));
            let keep = (Repl::Orig, Act::Keep);
            // Marks after the base: removed with the transliteration, else all kept.
            let marks = cl.extra;
            match form(c) {
                Form::Control => (Repl::Orig, Act::Unfixable(Unfixable::ControlCharacter)),
                Form::None => (Repl::Orig, Act::Unfixable(Unfixable::NoSameMeaning)),
                _ if marks && !opts.transliterate => keep,
                Form::Keep if marks => tr(Repl::Byte(c as u8)),
                Form::Keep => keep,
                Form::Lower(u) if marks => {
                    tr(Repl::Byte(if opts.upper_case { u } else { c as u8 }))
                }
                Form::Lower(u) if opts.upper_case => {
                    (Repl::Byte(u), Act::Change(ChangeKind::UpperCase))
                }
                Form::Lower(_) => keep,
                Form::Tab if opts.tabs => (Repl::Byte(b' '), Act::Change(ChangeKind::Tab)),
                Form::Tab if marks => tr(Repl::Byte(b'\t')),
                Form::Tab => keep,
                _ if !opts.transliterate => keep,
                Form::Byte(b) => tr(Repl::Byte(b)),
                Form::Str(s) => tr(Repl::Str(s)),
                Form::Invisible => (Repl::Nothing, Act::Change(ChangeKind::Removed)),
            }
        }
    };
    Piece {
        start: cl.start,
        end: cl.end,
        width,
        repl,
        act,
        fill_after: 0,
    }
}

/// Where a piece stands in its record's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// Inside one text field (class `A`, `AN`, `X`): index into [`Fields::fields`].
    Text(usize),
    /// The record identifier (the first four columns of a record without a known layout).
    Id,
    /// A numeric or date field (`N`, `D`), also partly.
    Numeric,
    /// Filler, a record without a known layout, across two fields, after column 80.
    Other,
}

/// The fields of a record: (first column, end column, class, name), 0-based, end exclusive;
/// and the identifier's width.
struct Fields {
    fields: Vec<(usize, usize, Class, &'static str)>,
    id_len: usize,
}

impl Fields {
    /// The fields of the record whose first bytes are `head` (upper-cased ASCII): the filing
    /// and envelope records whose layout is certain; none for other records.
    fn of(head: &[u8]) -> Fields {
        let rt = identify(head, false).record_type;
        let filing = rt.is_pg()
            || matches!(
                rt,
                RecordType::Oi
                    | RecordType::BatchHeader
                    | RecordType::BlockHeader
                    | RecordType::BlockTrailer
                    | RecordType::BatchTrailer
            );
        match rt.layout().filter(|_| filing) {
            Some(layout) => Fields {
                fields: layout
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            usize::from(f.start) - 1,
                            usize::from(f.end),
                            f.class,
                            f.name,
                        )
                    })
                    .collect(),
                id_len: layout.id.len(),
            },
            None => Fields {
                fields: Vec::new(),
                id_len: 4,
            },
        }
    }

    /// The zone of input columns `s..e` (0-based; `s == e` for a piece without a column).
    fn zone(&self, s: usize, e: usize) -> Zone {
        if s < self.id_len {
            return Zone::Id;
        }
        let inside = self
            .fields
            .iter()
            .position(|&(fs, fe, _, _)| fs <= s && e <= fe && s < fe);
        if let Some(i) = inside {
            return match self.fields.get(i) {
                Some((_, _, Class::A | Class::AN | Class::X, _)) => Zone::Text(i),
                _ => Zone::Numeric,
            };
        }
        let numeric = self.fields.iter().any(|&(fs, fe, class, _)| {
            matches!(class, Class::N | Class::D) && s < fe && fs < e.max(s + 1)
        });
        if numeric {
            Zone::Numeric
        } else {
            Zone::Other
        }
    }
}

/// Fits the pieces of one text field to the field's columns (see the module documentation).
fn fit_field(pieces: &mut [Piece], src: &[u8]) {
    let width: usize = pieces.iter().map(|p| p.width).sum();
    loop {
        let total: usize = pieces.iter().map(Piece::cols).sum();
        if total <= width {
            if let Some(last) = pieces.last_mut() {
                last.fill_after += width - total;
            }
            return;
        }
        let excess = total - width;
        let mut spaces = 0;
        for p in pieces.iter().rev().filter(|p| p.cols() > 0) {
            if !p.is_space(src) {
                break;
            }
            spaces += p.cols();
        }
        if spaces >= excess {
            // Give up spaces at the field's end.
            let mut left = excess;
            for p in pieces.iter_mut().rev() {
                if left == 0 {
                    break;
                }
                if p.cols() == 0 {
                    continue;
                }
                match p.repl {
                    Repl::Spaces(n) => {
                        let k = n.min(left);
                        p.repl = Repl::Spaces(n - k);
                        left -= k;
                    }
                    _ => {
                        p.repl = Repl::Nothing;
                        p.act = Act::Keep;
                        left -= 1;
                    }
                }
            }
            return;
        }
        // No room: the last wider replacement is not made.
        match pieces.iter_mut().rev().find(|p| p.repl_cols() > p.width) {
            Some(p) => p.revert(Unfixable::NoRoom),
            None => return,
        }
    }
}

/// A record's pieces, fitted, and the text fields that moved: (first piece, end piece,
/// field name).
struct Plan {
    pieces: Vec<Piece>,
    groups: Vec<(usize, usize, &'static str)>,
}

impl Plan {
    /// The record's bytes.
    fn render(&self, src: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(WIDTH + 8);
        for p in &self.pieces {
            p.write(src, &mut out);
        }
        out
    }
}

/// Plans one record of `src`: its characters `clusters`, read by `model` (see the module
/// documentation for the rules).
fn plan(src: &[u8], clusters: &[Cluster], model: Model, opts: &NormalizeOptions) -> Plan {
    let mut pieces: Vec<Piece> = Vec::with_capacity(clusters.len() + WIDTH);
    pieces.extend(clusters.iter().map(|c| piece(c, model, opts)));
    let total: usize = pieces.iter().map(|p| p.width).sum();
    if total < WIDTH && opts.pad_short_lines {
        // One piece per column, so that each belongs to its field (reported as one change).
        pieces.extend(std::iter::repeat_n(
            Piece {
                start: 0,
                end: 0,
                width: 1,
                repl: Repl::Spaces(1),
                act: Act::Change(ChangeKind::Pad),
                fill_after: 0,
            },
            WIDTH - total,
        ));
    }
    // The layout, from the record's first bytes as written (ASCII upper-cased only).
    let first = clusters.first().map_or(0, |c| c.start);
    let head: Vec<u8> = src
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take(4)
        .map(u8::to_ascii_uppercase)
        .collect();
    let fields = Fields::of(&head);
    // The classes: where a replacement has the same meaning.
    let mut zones = Vec::with_capacity(pieces.len());
    let mut col = 0;
    for p in pieces.iter_mut() {
        let zone = fields.zone(col, col + p.width);
        col += p.width;
        if let Act::Change(kind) = p.act {
            let no_column = p.width == 0 && p.repl_cols() == 0;
            let allowed = kind == ChangeKind::Pad
                || no_column
                || match zone {
                    Zone::Text(_) | Zone::Other => true,
                    Zone::Id => kind == ChangeKind::UpperCase,
                    Zone::Numeric => false,
                };
            if !allowed {
                p.revert(Unfixable::NotInTextField);
            }
        }
        zones.push(zone);
    }
    // Widths: a text field absorbs the difference at its end; elsewhere it is not made.
    let mut groups: Vec<(usize, usize, &'static str)> = Vec::new();
    if pieces.iter().any(|p| p.repl_cols() != p.width) {
        let mut i = 0;
        while i < pieces.len() {
            let Some(&Zone::Text(f)) = zones.get(i) else {
                if let Some(p) = pieces.get_mut(i) {
                    if p.repl_cols() != p.width {
                        p.revert(Unfixable::OutsideTextField);
                    }
                }
                i += 1;
                continue;
            };
            let end = (i..pieces.len())
                .find(|&j| zones.get(j) != Some(&Zone::Text(f)))
                .unwrap_or(pieces.len());
            if let Some(g) = pieces.get_mut(i..end) {
                fit_field(g, src);
            }
            if let Some(&(_, _, _, name)) = fields.fields.get(f) {
                groups.push((i, end, name));
            }
            i = end;
        }
    }
    Plan { pieces, groups }
}

// ---------------------------------------------------------------------------------------
// The normaliser

struct Normalizer<'o> {
    opts: &'o NormalizeOptions,
    /// Output not yet given to `sink` (all of it without a sink).
    out: Vec<u8>,
    sink: Option<&'o mut dyn io::Write>,
    /// The first write error of `sink`.
    error: Option<io::Error>,
    report: Report,
    /// The whole input is read as ISO-8859-1.
    latin1: bool,
    /// Bytes at the start of the next record that are a UTF-16 byte order mark.
    utf16_mark: usize,
}

impl Normalizer<'_> {
    /// Gives the output held so far to the writer, when there is one and enough is held.
    fn flush(&mut self, force: bool) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if (force || self.out.len() >= FLUSH_AT) && self.error.is_none() {
            if let Err(e) = sink.write_all(&self.out) {
                self.error = Some(e);
            }
        }
        if force || self.out.len() >= FLUSH_AT {
            self.out.clear();
        }
    }

    fn units<'s>(&mut self, src: &'s [u8]) -> Units<'s> {
        let bad_prefix = std::mem::take(&mut self.utf16_mark);
        Units {
            src,
            pos: 0,
            latin1: self.latin1,
            bad_prefix,
        }
    }

    /// Writes one planned record of `src` and reports it; `overflow` are the bytes after its
    /// 80th column.
    fn emit(&mut self, line: u32, plan: &Plan, src: &[u8], overflow: &[u8]) {
        let latin1 = self.latin1;
        let pieces = &plan.pieces;
        let mut col = 0; // output column, 0-based
        let mut in_col = 0; // input column, 0-based
        let mut group = plan.groups.iter().peekable();
        for (i, p) in pieces.iter().enumerate() {
            if let Some(&&(first, end, name)) = group.peek() {
                if first == i {
                    group.next();
                    if let Some(g) = pieces.get(first..end) {
                        self.realigned(line, col, in_col, g, src, name);
                    }
                }
            }
            p.write(src, &mut self.out);
            let bytes = src.get(p.start..p.end).unwrap_or_default();
            match p.act {
                Act::Keep => {}
                Act::Change(ChangeKind::Pad) => {
                    if p.cols() > 0 {
                        let after = " ".repeat(p.cols());
                        self.report
                            .change(line, col + 1, "", &after, ChangeKind::Pad);
                    }
                }
                Act::Change(kind) => {
                    let after = p.after_text(src, latin1);
                    self.report
                        .change(line, col + 1, &show(bytes, latin1), &after, kind);
                }
                Act::Unfixable(reason) => {
                    let cols = p.repl_cols().max(1);
                    let text = if reason == Unfixable::Undecodable {
                        show_bytes(bytes)
                    } else {
                        show(bytes, latin1)
                    };
                    self.report
                        .not_fixable(Some(line), Some((col + 1, col + cols)), &text, reason);
                }
            }
            col += p.cols();
            in_col += p.width;
        }
        // After column 80.
        if !overflow.is_empty() {
            if self.opts.trim_spaces_after_80 && overflow.iter().all(|&b| b == b' ') {
                let before = " ".repeat(overflow.len().min(EXCERPT + 1));
                self.report
                    .change(line, col + 1, &before, "", ChangeKind::TrimSpaces);
            } else {
                self.out.extend_from_slice(overflow);
                if !overflow.iter().all(|&b| b == b' ') {
                    let n = Units {
                        src: overflow,
                        pos: 0,
                        latin1,
                        bad_prefix: 0,
                    }
                    .count();
                    let text = show(
                        overflow
                            .get(..overflow.len().min(4 * EXCERPT))
                            .unwrap_or_default(),
                        latin1,
                    );
                    self.report.not_fixable(
                        Some(line),
                        Some((col + 1, col + n)),
                        &text,
                        Unfixable::DataAfterColumn80,
                    );
                }
            }
        }
    }

    /// Reports a field whose non-space text moved.
    fn realigned(
        &mut self,
        line: u32,
        col: usize,
        in_col: usize,
        pieces: &[Piece],
        src: &[u8],
        name: &'static str,
    ) {
        let latin1 = self.latin1;
        let (mut o, mut n) = (col, in_col);
        let mut moved = false;
        let mut before = String::new();
        let mut after = Vec::new();
        for p in pieces {
            if o != n && p.repl_cols() > 0 && !p.is_space(src) {
                moved = true;
            }
            o += p.cols();
            n += p.width;
            before.push_str(&show(src.get(p.start..p.end).unwrap_or_default(), latin1));
            p.write(src, &mut after);
        }
        if moved {
            let after = show(&after, latin1);
            self.report
                .realigned(line, col + 1, before.trim_end(), after.trim_end(), name);
        }
    }

    /// The final check of one record written from `start` in the output: a record that is
    /// not 80 bytes of the CBP set (with what switched-off options leave) and for which
    /// nothing was reported as not fixable is reported.
    fn final_check(&mut self, line: u32, start: usize) {
        if self.report.not_fixable_on(line) {
            return;
        }
        let o = self.opts;
        let rec = self.out.get(start..).unwrap_or_default();
        let byte_ok = |b: u8| {
            matches!(b, b' '..=b'`' | b'{'..=b'~')
                || (!o.upper_case && b.is_ascii_lowercase())
                || (!o.tabs && b == b'\t')
                || (!o.transliterate && !b.is_ascii())
        };
        let len_ok = match rec.len() {
            WIDTH => true,
            n if n < WIDTH => !o.pad_short_lines,
            _ => !o.trim_spaces_after_80 || !o.transliterate,
        };
        if !(len_ok && rec.iter().all(|&b| byte_ok(b))) {
            let text = show(
                rec.get(..rec.len().min(4 * EXCERPT)).unwrap_or_default(),
                self.latin1,
            );
            self.report
                .not_fixable(Some(line), None, &text, Unfixable::NotClean);
        }
    }

    /// One terminated line, or one 80-byte record of terminator-less input. `stray`: a
    /// terminator other than the input's own ends it or the line before.
    fn line(&mut self, line: u32, body: &[u8], stray: bool) {
        let start = self.out.len();
        self.line_inner(line, body, stray);
        self.final_check(line, start);
    }

    fn line_inner(&mut self, line: u32, body: &[u8], stray: bool) {
        // Fast path: 80 bytes of the CBP set.
        if self.utf16_mark == 0
            && body.len() == WIDTH
            && body.iter().all(|&b| matches!(b, b' '..=b'`' | b'{'..=b'~'))
        {
            self.out.extend_from_slice(body);
            return;
        }
        let units = self.units(body);
        let mut clusters = Clusters { units };
        if body.len() == WIDTH {
            let cls: Vec<Cluster> = clusters.collect();
            let plan = plan(body, &cls, Model::Bytes, self.opts);
            self.emit(line, &plan, body, &[]);
            return;
        }
        // By characters: the first 80 columns, and what follows.
        let mut cls = Vec::with_capacity(WIDTH + 2);
        let mut overflow: &[u8] = &[];
        let (mut chars, mut points) = (0usize, 0usize);
        loop {
            let mut look = clusters.clone();
            match look.next() {
                Some(c) if c.column && chars == WIDTH => {
                    overflow = body.get(c.start..).unwrap_or_default();
                    break;
                }
                Some(c) => {
                    chars += usize::from(c.column);
                    points += c.units;
                    cls.push(c);
                    clusters = look;
                }
                None => break,
            }
        }
        if stray && chars < WIDTH {
            self.out.extend_from_slice(body);
            self.report
                .not_fixable(Some(line), None, "", Unfixable::StrayTerminator);
            return;
        }
        // The widths a writer may have counted: characters, code points, bytes.
        let bytes = body.len();
        let mut models = Vec::with_capacity(3);
        if overflow.is_empty() {
            models.push(Model::Chars);
            if points != chars && points <= WIDTH {
                models.push(Model::Points);
            }
            if bytes != points && bytes <= WIDTH {
                models.push(Model::Bytes);
            }
        }
        let chosen = plan(body, &cls, Model::Chars, self.opts);
        if models.len() > 1 {
            let rendered = chosen.render(body);
            let differs = models
                .iter()
                .skip(1)
                .any(|&m| plan(body, &cls, m, self.opts).render(body) != rendered);
            if differs {
                self.out.extend_from_slice(body);
                // The characters that make the widths differ.
                let mut text = String::new();
                for c in cls.iter().filter(|c| c.end - c.start > 1 || !c.column) {
                    if text.chars().count() > 4 * EXCERPT {
                        break;
                    }
                    text.push_str(&show(
                        body.get(c.start..c.end).unwrap_or_default(),
                        self.latin1,
                    ));
                }
                self.report
                    .not_fixable(Some(line), None, &text, Unfixable::AmbiguousColumns);
                // What is not fixable however the line is read, without a column.
                for p in &chosen.pieces {
                    if let Act::Unfixable(
                        reason @ (Unfixable::NoSameMeaning
                        | Unfixable::ControlCharacter
                        | Unfixable::Undecodable),
                    ) = p.act
                    {
                        let bytes = body.get(p.start..p.end).unwrap_or_default();
                        let text = if reason == Unfixable::Undecodable {
                            show_bytes(bytes)
                        } else {
                            show(bytes, self.latin1)
                        };
                        self.report.not_fixable(Some(line), None, &text, reason);
                    }
                }
                return;
            }
        }
        self.emit(line, &chosen, body, overflow);
    }

    /// One 80-character record of terminator-less input read by characters.
    fn chars_record(&mut self, line: u32, src: &[u8], cls: &[Cluster]) {
        let start = self.out.len();
        let plan = plan(src, cls, Model::Chars, self.opts);
        self.emit(line, &plan, src, &[]);
        self.final_check(line, start);
    }
}

/// The whole-input check of the parser (SPEC 6.1): the problem for which `input` is not
/// normalised at all, F-023 (not a CATAIR transmission: JSON, binary data, UTF-16 text, no
/// record identifier at the start of any of the first 100 lines) or F-021 (EBCDIC); `None`
/// for every other input. The same check as [`crate::Transmission::parse`] with
/// [`ParseOptions::lenient`] (which, as the normaliser, skips repeated byte order marks).
pub fn rejected(input: &[u8]) -> Option<Problem> {
    let mut problems = Vec::new();
    match Framer::new(input, &ParseOptions::lenient(), &mut problems) {
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
    let mut n = Normalizer {
        opts,
        out: Vec::with_capacity(input.len()),
        sink: None,
        error: None,
        report: Report {
            limit: opts.report_limit,
            ..Report::default()
        },
        latin1: false,
        utf16_mark: 0,
    };
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
    let mut n = Normalizer {
        opts,
        out: Vec::with_capacity(FLUSH_AT + 4 * WIDTH),
        sink: Some(out),
        error: None,
        report: Report {
            limit: opts.report_limit,
            ..Report::default()
        },
        latin1: false,
        utf16_mark: 0,
    };
    run(&mut n, input);
    n.flush(true);
    match n.error.take() {
        Some(e) => Err(e),
        None => Ok(finish(n.report)),
    }
}

/// The report as the result.
fn finish(report: Report) -> Normalized {
    Normalized {
        bytes: Vec::new(),
        changes: report
            .changes
            .into_iter()
            .map(|c| Change {
                line: c.line,
                column: c.column,
                before: c.before.finish(),
                after: c.after.finish(),
                kind: c.kind,
                field: c.field,
            })
            .collect(),
        more_changes: report.more_changes,
        not_fixable: report
            .not_fixable
            .into_iter()
            .map(|c| NotFixable {
                line: c.line,
                columns: c.columns,
                text: c.text.finish(),
                reason: c.reason,
            })
            .collect(),
        more_not_fixable: report.more_not_fixable,
        rejected: None,
    }
}

/// The input's own line terminator: the one that ends most lines (CRLF, then LF, then CR on a
/// tie); none without CR and LF bytes.
fn own_terminator(data: &[u8]) -> &'static [u8] {
    let (mut crlf, mut lf, mut cr) = (0usize, 0usize, 0usize);
    let mut rest = data;
    while let Some(i) = memchr::memchr2(b'\n', b'\r', rest) {
        let tail = rest.get(i..).unwrap_or_default();
        let len = match tail {
            [b'\r', b'\n', ..] => {
                crlf += 1;
                2
            }
            [b'\r', ..] => {
                cr += 1;
                1
            }
            _ => {
                lf += 1;
                1
            }
        };
        rest = tail.get(len..).unwrap_or_default();
    }
    if crlf + lf + cr == 0 {
        b""
    } else if crlf >= lf && crlf >= cr {
        b"\r\n"
    } else if lf >= cr {
        b"\n"
    } else {
        b"\r"
    }
}

fn run(n: &mut Normalizer<'_>, input: &[u8]) {
    let opts = n.opts;
    let mut data = input;
    if opts.strip_byte_order_mark {
        let mut marks = 0;
        while let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
            data = rest;
            marks += 1;
        }
        if marks > 0 {
            let before = "\u{FEFF}".repeat(marks.min(EXCERPT + 1));
            n.report
                .change(1, 1, &before, "", ChangeKind::ByteOrderMark);
        }
    }
    n.latin1 = is_latin1(data);
    if n.latin1 && (data.starts_with(b"\xFF\xFE") || data.starts_with(b"\xFE\xFF")) {
        n.utf16_mark = 2;
    }
    let eof = data.iter().rev().take_while(|&&b| b == 0x1A).count();
    let (data, eof_bytes) = data.split_at(data.len() - eof);
    let own = own_terminator(data);
    let mut lines = 0u32;
    if !own.is_empty() {
        let mut rest = data;
        let mut before: &[u8] = own;
        while !rest.is_empty() {
            let end = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
            let (body, tail) = rest.split_at(end);
            let term_len = match tail {
                [b'\r', b'\n', ..] => 2,
                [b'\r' | b'\n', ..] => 1,
                _ => 0,
            };
            let (term, next) = tail.split_at(term_len);
            lines = lines.saturating_add(1);
            let stray = before != own || (!term.is_empty() && term != own);
            if body.is_empty() {
                // One trailing empty line is not a record (SPEC 2.2); others are not fixable.
                if !(next.is_empty() && lines > 1) {
                    n.report
                        .not_fixable(Some(lines), None, "", Unfixable::EmptyLine);
                }
            } else {
                n.line(lines, body, stray);
            }
            n.out.extend_from_slice(term);
            n.flush(false);
            before = if term.is_empty() { own } else { term };
            rest = next;
        }
    } else if !data.is_empty() {
        lines = unterminated(n, data);
    }
    if !eof_bytes.is_empty() {
        if opts.strip_trailing_eof {
            let (line, column) = match data.last() {
                Some(b'\n' | b'\r') | None => (lines.saturating_add(1), 1),
                Some(_) if !own.is_empty() => {
                    let start = memchr::memrchr2(b'\n', b'\r', data).map_or(0, |p| p + 1);
                    (lines, data.len() - start + 1)
                }
                Some(_) => (lines.saturating_add(1), 1),
            };
            let before = "\u{1A}".repeat(eof.min(EXCERPT + 1));
            n.report
                .change(line.max(1), column, &before, "", ChangeKind::TrailingEof);
        } else {
            n.out.extend_from_slice(eof_bytes);
        }
    }
}

/// Whether `rec` starts with a record identifier: a layout's, or a host record's (two letters
/// and two digits).
fn looks_like_record(rec: &[u8]) -> bool {
    let rt = identify(rec, false).record_type;
    rt.layout().is_some()
        || matches!(rec, [a, b, c, d, ..] if a.is_ascii_uppercase() && b.is_ascii_uppercase()
            && c.is_ascii_digit() && d.is_ascii_digit())
}

/// Terminator-less input: split into records by bytes or by characters (see the module
/// documentation); returns the number of records.
fn unterminated(n: &mut Normalizer<'_>, data: &[u8]) -> u32 {
    let by_chars = match std::str::from_utf8(data) {
        Ok(s) if !s.is_ascii() => {
            let by_bytes = data.len() % WIDTH == 0
                && (WIDTH..data.len())
                    .step_by(WIDTH)
                    .all(|i| s.is_char_boundary(i));
            // Where records start when split every 80 characters.
            let mut starts = Vec::new();
            let (mut columns, mut points) = (0usize, 0usize);
            let units = Units {
                src: data,
                pos: 0,
                latin1: false,
                bad_prefix: 0,
            };
            for c in (Clusters { units }) {
                points += c.units;
                if !c.column {
                    continue;
                }
                if columns % WIDTH == 0 {
                    starts.push(c.start);
                }
                columns += 1;
            }
            // A writer that counted code points would split elsewhere: not by characters.
            let by_chars = columns % WIDTH == 0 && (points == columns || points % WIDTH != 0);
            match (by_bytes, by_chars) {
                (true, false) => false,
                (false, true) => true,
                // Both split into whole records: the one whose records start with record
                // identifiers; bytes (the parser's framing) when that does not decide.
                (true, true) => {
                    let score = |starts: &mut dyn Iterator<Item = usize>| {
                        starts
                            .filter(|&i| data.get(i..).is_some_and(looks_like_record))
                            .count()
                    };
                    score(&mut starts.into_iter()) > score(&mut (0..data.len()).step_by(WIDTH))
                }
                (false, false) => {
                    n.out.extend_from_slice(data);
                    n.report.not_fixable(None, None, "", Unfixable::Unframed);
                    return 0;
                }
            }
        }
        _ => false,
    };
    let mut line = 0u32;
    if by_chars {
        let mut cls = Vec::with_capacity(WIDTH + 2);
        let mut columns = 0;
        let units = n.units(data);
        for c in (Clusters { units }) {
            if c.column && columns == WIDTH {
                line = line.saturating_add(1);
                n.chars_record(line, data, &cls);
                n.flush(false);
                cls.clear();
                columns = 0;
            }
            columns += usize::from(c.column);
            cls.push(c);
        }
        if !cls.is_empty() {
            line = line.saturating_add(1);
            n.chars_record(line, data, &cls);
        }
    } else {
        for chunk in data.chunks(WIDTH) {
            line = line.saturating_add(1);
            if chunk.len() == WIDTH {
                n.line(line, chunk, false);
            } else {
                n.out.extend_from_slice(chunk);
                n.report.not_fixable(
                    Some(line),
                    Some((1, chunk.len())),
                    &show(chunk, n.latin1),
                    Unfixable::Remainder,
                );
            }
            n.flush(false);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The final check reports a record that is not 80 bytes of the CBP set when nothing
    /// else was reported for its line, and only then.
    #[test]
    fn final_check_reports_what_nothing_else_reported() {
        let opts = NormalizeOptions::default();
        let mut n = Normalizer {
            opts: &opts,
            out: Vec::new(),
            sink: None,
            error: None,
            report: Report {
                limit: 10,
                ..Report::default()
            },
            latin1: false,
            utf16_mark: 0,
        };
        n.out.extend_from_slice(&[b'A'; 80]);
        n.final_check(1, 0);
        assert!(n.report.not_fixable.is_empty(), "80 bytes of the CBP set");
        let start = n.out.len();
        n.out.extend_from_slice(b"OI  short\t");
        n.final_check(2, start);
        assert_eq!(n.report.not_fixable.len(), 1);
        assert_eq!(n.report.not_fixable[0].reason, Unfixable::NotClean);
        assert_eq!(n.report.not_fixable[0].line, Some(2));
        // A line with a not-fixable item of its own is not reported twice.
        let start = n.out.len();
        n.out.extend_from_slice("€".as_bytes());
        n.report
            .not_fixable(Some(3), Some((1, 1)), "€", Unfixable::NoSameMeaning);
        n.final_check(3, start);
        assert_eq!(n.report.not_fixable.len(), 2);
        // Switched-off options widen what the check lets through.
        let lax = NormalizeOptions {
            upper_case: false,
            pad_short_lines: false,
            ..NormalizeOptions::default()
        };
        n.opts = &lax;
        let start = n.out.len();
        n.out.extend_from_slice(b"oi short");
        n.final_check(4, start);
        assert_eq!(n.report.not_fixable.len(), 2);
    }

    /// The decision ISO-8859-1 or UTF-8 is one for the whole input.
    #[test]
    fn latin1_only_without_utf8_shaped_sequences() {
        assert!(is_latin1(b"PE\xD1A \x92X"));
        assert!(is_latin1(b"CAF\xC9 5"));
        assert!(!is_latin1("CAFÉ".as_bytes()));
        assert!(!is_latin1(b"A\xED\xA0\xA0B"));
        assert!(!is_latin1(b"A\xC0\xAFB"));
        assert!(!is_latin1(b"A\xF4\x90\x80\x80"));
    }

    /// A printed excerpt is cut at 60 printed characters; a byte token is never cut.
    #[test]
    fn printable_caps_printed_characters() {
        let s = Printable(&"\u{200B}".repeat(60)).to_string();
        assert_eq!(s, format!("{}…", "<U+200B>".repeat(7)));
        let s = Printable(&format!("{}<0xE9>", "A".repeat(57))).to_string();
        assert_eq!(s, format!("{}…", "A".repeat(57)));
        assert_eq!(Printable("É\u{301}\t").to_string(), "É<U+0301><U+0009>");
        assert_eq!(
            Printable(&format!("{}…", "A".repeat(60))).to_string(),
            format!("{}…", "A".repeat(60))
        );
    }
}
