//! The opt-in normaliser behind `ace-pga fix` (SPEC 2.2, 2.3). The parser never applies any
//! of this.
//!
//! # The promise
//!
//! [`normalize`] **never changes what a value means and never moves a field.** It changes only
//! characters that have the same meaning in the CBP character set (SPEC 2.3: space and printable
//! ASCII without the lower-case letters), removes only characters that carry no meaning, and
//! writes every record it fixes as exactly 80 bytes, in every framing (LF, CRLF, CR, none),
//! keeping the input's terminators. Everything else is left in place, byte for byte, and listed
//! in [`Normalized::not_fixable`]; the result is clean only when that list is empty
//! ([`Normalized::is_clean`]; `ace-pga fix` then exits 0, else 1). It never writes `?` (or any
//! other guess) for a character it does not know. Every change is listed in
//! [`Normalized::changes`] (line, column, before, after, why).
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
//!   letter before it: `e` + U+0301 is one character `é` and becomes `E`.
//! * Byte order marks at the start of the input (one or several) are removed
//!   ([`ChangeKind::ByteOrderMark`], F-016); `0x1A` bytes at the end of the input are removed
//!   ([`ChangeKind::TrailingEof`], F-017).
//! * Short lines are padded with spaces to 80 columns ([`ChangeKind::Pad`]) and spaces after
//!   column 80 are removed ([`ChangeKind::TrimSpaces`]) (F-001; only with line terminators).
//!
//! # What is not fixable (left in place, reported)
//!
//! Any other character: `½`, `€`, `°`, `©`, `×`, emoji, Greek, Cyrillic, Chinese …
//! ([`Unfixable::NoSameMeaning`]); control bytes other than TAB ([`Unfixable::ControlCharacter`]);
//! bytes that are neither UTF-8 nor ISO-8859-1 text ([`Unfixable::Undecodable`]); a ligature or
//! ellipsis whose longer form does not fit its field ([`Unfixable::NoRoom`]); data after column
//! 80 ([`Unfixable::DataAfterColumn80`]); an empty line ([`Unfixable::EmptyLine`]); bytes left
//! over after the last whole record of terminator-less input ([`Unfixable::Remainder`]); and
//! terminator-less input that is neither whole 80-byte nor whole 80-character records
//! ([`Unfixable::Unframed`]: nothing of it is changed).
//!
//! # Characters, columns and framing
//!
//! A record has 80 **columns**. The normaliser reads each line as UTF-8 when it is valid UTF-8;
//! else as ISO-8859-1 (one byte = one character) when it holds no UTF-8 sequence at all; else
//! as UTF-8 with each undecodable byte kept as one not-fixable column. A *character* is a base
//! character with the combining marks after it; a removed zero-width character takes no column.
//! Each line (or terminator-less record) is then read in one of two ways:
//!
//! * **By bytes** when it is exactly 80 bytes long but does not hold 80 characters: the writer
//!   counted bytes, so a character takes as many columns as it has bytes (a UTF-8 `é` takes
//!   two, a zero-width space three). Every byte that is not changed stays at its byte column,
//!   which is where the parser and `ace-pga check` see it.
//! * **By characters** otherwise: every character takes one column (a UTF-8 `é` is one column
//!   of two bytes), as when the writer counted characters.
//!
//! Terminator-less input (no CR or LF byte; SPEC 2.2) is split into records the same way:
//! every 80 bytes when its length is a multiple of 80 and no 80-byte boundary splits a UTF-8
//! character (the parser's framing), else every 80 characters when its character count is a
//! multiple of 80, else not at all ([`Unfixable::Unframed`]). Input that is all ASCII is always
//! split every 80 bytes.
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
//!   unknown records, a character that straddles two fields) the replacement stays at its
//!   columns: a narrower one is followed by spaces (`é` read by bytes → `E` + space), a wider
//!   one is not made ([`Unfixable::NoRoom`]).
//!
//! So every record the normaliser fixes is 80 columns of ASCII, that is 80 bytes. A character
//! that is not fixable keeps its bytes: read by bytes that keeps the record at 80 bytes; read by
//! characters a multi-byte one is one column of several bytes, so that record stays longer than
//! 80 bytes — which `ace-pga check` reports (F-001, F-002) — and the result is not clean.
//!
//! # The report
//!
//! Columns in [`Change`] and [`NotFixable`] are 1-based record columns of the output (for a
//! record read by bytes, byte columns). Adjacent changes of the same kind are reported as one
//! (`mangoes` → `MANGOES`). Every `before`, `after` and `text` is an excerpt of at most
//! 60 characters, ending in `…` when the value was longer, so that a huge line is never
//! copied whole into the report.

use std::fmt;

use crate::layout::Class;
use crate::record::identify;
use crate::records::RecordType;

/// Columns of a record.
const WIDTH: usize = 80;
/// Longest excerpt of a value in the report, in characters (an ellipsis follows when cut).
const EXCERPT: usize = 60;

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
    /// What was there (an excerpt of at most 60 characters; `…` marks a cut).
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
            "line {}, column {}: {:?} -> {:?} ({what}",
            self.line, self.column, self.before, self.after
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
    /// A byte that is neither UTF-8 nor ISO-8859-1 text.
    Undecodable,
    /// A same-meaning form wider than the character, with no room in its field.
    NoRoom,
    /// Data that is not spaces after column 80 (F-001).
    DataAfterColumn80,
    /// An empty line (not the one trailing empty line the parser ignores).
    EmptyLine,
    /// Terminator-less input: bytes after the last whole 80-byte record (F-018).
    Remainder,
    /// Terminator-less input that is neither whole 80-byte records nor whole 80-character
    /// records: nothing of it was changed.
    Unframed,
}

impl Unfixable {
    fn message(self) -> &'static str {
        match self {
            Unfixable::NoSameMeaning => "no character of the CBP set has the same meaning",
            Unfixable::ControlCharacter => "control character",
            Unfixable::Undecodable => "neither UTF-8 nor ISO-8859-1 text",
            Unfixable::NoRoom => "its ASCII form is wider and its field has no room for it",
            Unfixable::DataAfterColumn80 => "data after column 80",
            Unfixable::EmptyLine => "empty line",
            Unfixable::Remainder => "bytes after the last whole 80-byte record",
            Unfixable::Unframed => {
                "input without line terminators is neither whole 80-byte nor whole \
                 80-character records; nothing was changed"
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
    /// 1-based first and last record column in the output (`None`: the whole input).
    pub columns: Option<(usize, usize)>,
    /// What is there (an excerpt of at most 60 characters; `…` marks a cut).
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
            write!(f, "{:?} ", self.text)?;
        }
        write!(f, "not fixable: {}", self.reason.message())
    }
}

/// The result of [`normalize`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Normalized {
    /// The normalised input.
    pub bytes: Vec<u8>,
    /// Every change, in input order.
    pub changes: Vec<Change>,
    /// Everything left in place because it cannot be fixed, in input order.
    pub not_fixable: Vec<NotFixable>,
}

impl Normalized {
    /// True when nothing was left unfixed (the output can still hold errors of other rules).
    pub fn is_clean(&self) -> bool {
        self.not_fixable.is_empty()
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
    /// `None`: a byte that is not UTF-8.
    ch: Option<char>,
}

/// The characters of `src`: UTF-8 (an undecodable byte is a unit of its own), or ISO-8859-1.
#[derive(Debug, Clone)]
struct Units<'a> {
    src: &'a [u8],
    pos: usize,
    latin1: bool,
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

/// Whether `src` is read as ISO-8859-1: not UTF-8 and without any UTF-8 multi-byte character.
fn is_latin1(src: &[u8]) -> bool {
    std::str::from_utf8(src).is_err()
        && (Units {
            src,
            pos: 0,
            latin1: false,
        })
        .all(|u| u.ch.is_none_or(|c| c.is_ascii()))
}

fn units(src: &[u8]) -> Units<'_> {
    Units {
        src,
        pos: 0,
        latin1: is_latin1(src),
    }
}

/// One character: a base with the combining marks after it, a lone mark or zero-width
/// character (no column), or one undecodable byte.
#[derive(Debug, Clone, Copy)]
struct Cluster {
    start: usize,
    end: usize,
    base: Option<char>,
    /// Marks (or a zero-width joiner sequence) follow the base.
    extra: bool,
    /// Takes a column when read by characters.
    column: bool,
}

#[derive(Debug, Clone)]
struct Clusters<'a> {
    units: Units<'a>,
}

impl Iterator for Clusters<'_> {
    type Item = Cluster;

    fn next(&mut self) -> Option<Cluster> {
        let u = self.units.next()?;
        let column = u.ch.is_none_or(|c| !is_mark(c) && !is_invisible(c));
        let mut cl = Cluster {
            start: u.start,
            end: u.end,
            base: u.ch,
            extra: false,
            column,
        };
        if !column || u.ch.is_none() {
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
                    self.units = look;
                }
                Some(n) if joins && n.ch == Some('\u{200D}') => match look.next() {
                    Some(m) if m.ch.is_some_and(|c| form(c) == Form::None) => {
                        cl.end = m.end;
                        cl.extra = true;
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

/// The text of `bytes` for the report (undecodable bytes as `\xNN`).
fn show(bytes: &[u8], latin1: bool) -> String {
    let mut s = String::new();
    for u in (Units {
        src: bytes,
        pos: 0,
        latin1,
    }) {
        match (u.ch, bytes.get(u.start)) {
            (Some(c), _) => s.push(c),
            (None, Some(b)) => s.push_str(&format!("\\x{b:02X}")),
            (None, None) => {}
        }
    }
    s
}

/// An excerpt being built: at most [`EXCERPT`] characters kept, the rest counted.
#[derive(Debug, Default, Clone)]
struct Excerpt {
    text: String,
    chars: usize,
}

impl Excerpt {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            if self.chars < EXCERPT {
                self.text.push(c);
            }
            self.chars += 1;
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
    /// Column after the change's last column.
    next: usize,
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

#[derive(Debug, Default)]
struct Report {
    changes: Vec<PendingChange>,
    not_fixable: Vec<PendingNf>,
}

impl Report {
    fn change(&mut self, line: u32, column: usize, before: &str, after: &str, kind: ChangeKind) {
        let cols = after.len();
        if let Some(last) = self.changes.last_mut() {
            if last.line == line
                && last.kind == kind
                && kind != ChangeKind::Realigned
                && last.next == column
            {
                last.before.push(before);
                last.after.push(after);
                last.next = column + cols;
                return;
            }
        }
        self.changes.push(PendingChange {
            line,
            column,
            next: column + cols,
            before: Excerpt::of(before),
            after: Excerpt::of(after),
            kind,
            field: None,
        });
    }

    fn realigned(
        &mut self,
        line: u32,
        column: usize,
        before: &str,
        after: &str,
        field: &'static str,
    ) {
        self.changes.push(PendingChange {
            line,
            column,
            next: column,
            before: Excerpt::of(before),
            after: Excerpt::of(after),
            kind: ChangeKind::Realigned,
            field: Some(field),
        });
    }

    fn not_fixable(
        &mut self,
        line: Option<u32>,
        columns: Option<(usize, usize)>,
        text: &str,
        reason: Unfixable,
    ) {
        if let (Some(last), Some((a, b))) = (self.not_fixable.last_mut(), columns) {
            if last.line == line && last.reason == reason {
                if let Some((first, end)) = last.columns {
                    if end + 1 == a {
                        last.columns = Some((first, b));
                        last.text.push(text);
                        return;
                    }
                }
            }
        }
        self.not_fixable.push(PendingNf {
            line,
            columns,
            text: Excerpt::of(text),
            reason,
        });
    }
}

// ---------------------------------------------------------------------------------------
// Records

/// How a record's characters map to columns (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// A character takes as many columns as it has bytes.
    Bytes,
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
    /// Spaces after the replacement that keep it at its columns (reported with it).
    pad_after: usize,
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
        self.repl_cols() + self.pad_after + self.fill_after
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
        self.pad_after = 0;
    }

    fn write(&self, src: &[u8], out: &mut Vec<u8>) {
        match self.repl {
            Repl::Orig => out.extend_from_slice(src.get(self.start..self.end).unwrap_or_default()),
            Repl::Byte(b) => out.push(b),
            Repl::Str(s) => out.extend_from_slice(s.as_bytes()),
            Repl::Nothing => {}
            Repl::Spaces(n) => out.resize(out.len() + n, b' '),
        }
        out.resize(out.len() + self.pad_after + self.fill_after, b' ');
    }

    /// The replacement as text, with the spaces that keep it at its columns.
    fn after_text(&self, src: &[u8], latin1: bool) -> String {
        let mut s = match self.repl {
            Repl::Orig => show(src.get(self.start..self.end).unwrap_or_default(), latin1),
            Repl::Byte(b) => char::from(b).to_string(),
            Repl::Str(s) => s.to_string(),
            Repl::Nothing => String::new(),
            Repl::Spaces(n) => " ".repeat(n),
        };
        s.extend(std::iter::repeat_n(' ', self.pad_after));
        s
    }
}

fn piece(cl: &Cluster, model: Model, opts: &NormalizeOptions) -> Piece {
    let width = match model {
        Model::Bytes => cl.end - cl.start,
        Model::Chars => usize::from(cl.column),
    };
    let (repl, act) = match cl.base {
        None => (Repl::Orig, Act::Unfixable(Unfixable::Undecodable)),
        Some(c) => {
            let tr = |r| (r, Act::Change(ChangeKind::Transliterate));
            match form(c) {
                Form::Keep if cl.extra && opts.transliterate => tr(Repl::Byte(c as u8)),
                Form::Lower(u) if cl.extra && opts.transliterate => {
                    tr(Repl::Byte(if opts.upper_case { u } else { c as u8 }))
                }
                Form::Keep => (Repl::Orig, Act::Keep),
                Form::Lower(u) if opts.upper_case && !cl.extra => {
                    (Repl::Byte(u), Act::Change(ChangeKind::UpperCase))
                }
                Form::Tab if opts.tabs && !cl.extra => {
                    (Repl::Byte(b' '), Act::Change(ChangeKind::Tab))
                }
                Form::Control => (Repl::Orig, Act::Unfixable(Unfixable::ControlCharacter)),
                Form::None => (Repl::Orig, Act::Unfixable(Unfixable::NoSameMeaning)),
                _ if !opts.transliterate => (Repl::Orig, Act::Keep),
                Form::Byte(b) => tr(Repl::Byte(b)),
                Form::Str(s) => tr(Repl::Str(s)),
                Form::Invisible => (Repl::Nothing, Act::Change(ChangeKind::Removed)),
                // Lower case or TAB with the option off.
                Form::Lower(_) | Form::Tab => (Repl::Orig, Act::Keep),
            }
        }
    };
    Piece {
        start: cl.start,
        end: cl.end,
        width,
        repl,
        act,
        pad_after: 0,
        fill_after: 0,
    }
}

/// The text-field segments of a record: (first column, end column, field name), 0-based,
/// end exclusive. Only the filing and envelope records whose layout is certain.
fn text_fields(head: &[u8]) -> Vec<(usize, usize, &'static str)> {
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
    let Some(layout) = rt.layout().filter(|_| filing) else {
        return Vec::new();
    };
    layout
        .fields
        .iter()
        .filter(|f| matches!(f.class, Class::A | Class::AN | Class::X))
        .map(|f| (usize::from(f.start) - 1, usize::from(f.end), f.name))
        .collect()
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

/// Keeps a piece at its own columns.
fn fit_in_place(p: &mut Piece) {
    let cols = p.repl_cols();
    if cols > p.width {
        p.revert(Unfixable::NoRoom);
    } else {
        p.pad_after = p.width - cols;
    }
}

struct Normalizer<'o> {
    opts: &'o NormalizeOptions,
    out: Vec<u8>,
    report: Report,
}

impl Normalizer<'_> {
    /// One record (line) of `src`: its characters `clusters`, read by `model`; `overflow` are
    /// the bytes after its 80th column.
    fn record(
        &mut self,
        line: u32,
        src: &[u8],
        clusters: &[Cluster],
        model: Model,
        latin1: bool,
        overflow: &[u8],
    ) {
        let mut pieces: Vec<Piece> = clusters
            .iter()
            .map(|c| piece(c, model, self.opts))
            .collect();
        let total: usize = pieces.iter().map(|p| p.width).sum();
        if total < WIDTH && self.opts.pad_short_lines {
            // One piece per column, so that each belongs to its field (reported as one change).
            pieces.extend(std::iter::repeat_n(
                Piece {
                    start: 0,
                    end: 0,
                    width: 1,
                    repl: Repl::Spaces(1),
                    act: Act::Change(ChangeKind::Pad),
                    pad_after: 0,
                    fill_after: 0,
                },
                WIDTH - total,
            ));
        }
        let mut groups: Vec<(usize, usize, &'static str)> = Vec::new();
        if pieces.iter().any(|p| p.repl_cols() != p.width) {
            let mut head = Vec::with_capacity(4);
            for p in &pieces {
                if head.len() >= 4 {
                    break;
                }
                p.write(src, &mut head);
            }
            let fields = text_fields(&head);
            // Pieces that lie wholly inside one text field are fitted to that field.
            let mut col = 0;
            let mut current: Option<(usize, usize, usize)> = None; // field index, first, end
            for (i, p) in pieces.iter().enumerate() {
                let (s, e) = (col, col + p.width);
                col = e;
                let f = fields
                    .iter()
                    .position(|&(fs, fe, _)| fs <= s && e <= fe && s < fe);
                match (f, current) {
                    (Some(f), Some((cf, first, _))) if f == cf => {
                        current = Some((cf, first, i + 1))
                    }
                    _ => {
                        if let Some((cf, first, end)) = current.take() {
                            if let Some(&(_, _, name)) = fields.get(cf) {
                                groups.push((first, end, name));
                            }
                        }
                        current = f.map(|f| (f, i, i + 1));
                    }
                }
            }
            if let Some((cf, first, end)) = current {
                if let Some(&(_, _, name)) = fields.get(cf) {
                    groups.push((first, end, name));
                }
            }
            let mut grouped = vec![false; pieces.len()];
            for &(first, end, _) in &groups {
                if let Some(g) = pieces.get_mut(first..end) {
                    fit_field(g, src);
                }
                for flag in grouped.iter_mut().take(end).skip(first) {
                    *flag = true;
                }
            }
            for (p, g) in pieces.iter_mut().zip(&grouped) {
                if !g {
                    fit_in_place(p);
                }
            }
        }
        // Emit the bytes and the report.
        let mut col = 0; // output column, 0-based
        let mut in_col = 0; // input column, 0-based
        let mut group = groups.iter().peekable();
        for (i, p) in pieces.iter().enumerate() {
            if let Some(&&(first, end, name)) = group.peek() {
                if first == i {
                    group.next();
                    if let Some(g) = pieces.get(first..end) {
                        self.realigned(line, col, in_col, g, src, latin1, name);
                    }
                }
            }
            p.write(src, &mut self.out);
            let orig = || show(src.get(p.start..p.end).unwrap_or_default(), latin1);
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
                    self.report.change(line, col + 1, &orig(), &after, kind);
                }
                Act::Unfixable(reason) => {
                    let cols = p.repl_cols().max(1);
                    self.report.not_fixable(
                        Some(line),
                        Some((col + 1, col + cols)),
                        &orig(),
                        reason,
                    );
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
    #[allow(clippy::too_many_arguments)]
    fn realigned(
        &mut self,
        line: u32,
        col: usize,
        in_col: usize,
        pieces: &[Piece],
        src: &[u8],
        latin1: bool,
        name: &'static str,
    ) {
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

    /// One terminated line, or one 80-byte record of terminator-less input.
    fn line(&mut self, line: u32, body: &[u8]) {
        // Fast path: 80 bytes of the CBP set.
        if body.len() == WIDTH && body.iter().all(|&b| matches!(b, b' '..=b'`' | b'{'..=b'~')) {
            self.out.extend_from_slice(body);
            return;
        }
        let units = units(body);
        let latin1 = units.latin1;
        let mut clusters = Clusters { units };
        let mut cls = Vec::with_capacity(WIDTH + 2);
        let model;
        let mut overflow: &[u8] = &[];
        if body.len() == WIDTH {
            cls.extend(clusters);
            let columns = cls.iter().filter(|c| c.column).count();
            model = if columns == WIDTH {
                Model::Chars
            } else {
                Model::Bytes
            };
        } else {
            model = Model::Chars;
            let mut columns = 0;
            loop {
                let mut look = clusters.clone();
                match look.next() {
                    Some(c) if c.column && columns == WIDTH => {
                        overflow = body.get(c.start..).unwrap_or_default();
                        break;
                    }
                    Some(c) => {
                        columns += usize::from(c.column);
                        cls.push(c);
                        clusters = look;
                    }
                    None => break,
                }
            }
        }
        self.record(line, body, &cls, model, latin1, overflow);
    }
}

/// Normalises `input` (see the module documentation for the promise and the rules); returns
/// the new bytes, every change and everything not fixable. Terminators and line order are
/// kept.
pub fn normalize(input: &[u8], opts: &NormalizeOptions) -> Normalized {
    let mut n = Normalizer {
        opts,
        out: Vec::with_capacity(input.len()),
        report: Report::default(),
    };
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
    let eof = data.iter().rev().take_while(|&&b| b == 0x1A).count();
    let (data, eof_bytes) = data.split_at(data.len() - eof);
    let terminated = memchr::memchr2(b'\n', b'\r', data).is_some();
    let mut lines = 0u32;
    if terminated {
        let mut rest = data;
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
            if body.is_empty() {
                // One trailing empty line is not a record (SPEC 2.2); others are not fixable.
                if !(next.is_empty() && lines > 1) {
                    n.report
                        .not_fixable(Some(lines), None, "", Unfixable::EmptyLine);
                }
            } else {
                n.line(lines, body);
            }
            n.out.extend_from_slice(term);
            rest = next;
        }
    } else if !data.is_empty() {
        lines = unterminated(&mut n, data);
    }
    if !eof_bytes.is_empty() {
        if opts.strip_trailing_eof {
            let (line, column) = match data.last() {
                Some(b'\n' | b'\r') | None => (lines.saturating_add(1), 1),
                Some(_) if terminated => {
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
    let Normalizer { out, report, .. } = n;
    Normalized {
        bytes: out,
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
            let mut columns = 0;
            for c in (Clusters { units: units(data) }).filter(|c| c.column) {
                if columns % WIDTH == 0 {
                    starts.push(c.start);
                }
                columns += 1;
            }
            let by_chars = columns % WIDTH == 0;
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
        for c in (Clusters { units: units(data) }) {
            if c.column && columns == WIDTH {
                line = line.saturating_add(1);
                n.record(line, data, &cls, Model::Chars, false, &[]);
                cls.clear();
                columns = 0;
            }
            columns += usize::from(c.column);
            cls.push(c);
        }
        if !cls.is_empty() {
            line = line.saturating_add(1);
            n.record(line, data, &cls, Model::Chars, false, &[]);
        }
    } else {
        for chunk in data.chunks(WIDTH) {
            line = line.saturating_add(1);
            if chunk.len() == WIDTH {
                n.line(line, chunk);
            } else {
                n.out.extend_from_slice(chunk);
                let latin1 = is_latin1(chunk);
                n.report.not_fixable(
                    Some(line),
                    Some((1, chunk.len())),
                    &show(chunk, latin1),
                    Unfixable::Remainder,
                );
            }
        }
    }
    line
}
