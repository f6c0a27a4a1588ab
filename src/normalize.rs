//! The opt-in normaliser (SPEC 2.3): upper-case, transliterate accented Latin letters,
//! TAB → space, pad short lines, trim spaces after column 80, strip a byte order mark and
//! `0x1A` bytes after the last record. It returns the normalised bytes and
//! a change report (line, column, before, after). The parser never applies any of this.
//!
//! Non-ASCII input is read per line as UTF-8 when the line is valid UTF-8, else as
//! ISO-8859-1 (one byte = one character), so `Ñ` becomes `N` in both encodings and the record
//! keeps 80 columns. Transliteration (the `deunicode` tables) keeps the first letter of a
//! multi-letter result (`Æ` → `A`) so that no field shifts; such changes are reported.

use std::fmt;

/// What the normaliser may change; all on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NormalizeOptions {
    /// Lower-case ASCII letters → upper case (F-005).
    pub upper_case: bool,
    /// Accented / non-ASCII letters → their ASCII base letter, upper case (F-002).
    pub transliterate: bool,
    /// TAB → space (F-003).
    pub tabs: bool,
    /// Short lines padded with spaces to 80 bytes (F-001).
    pub pad_short_lines: bool,
    /// A UTF-8 byte order mark at byte 0 removed (F-016).
    pub strip_byte_order_mark: bool,
    /// Spaces after column 80 removed when the bytes there are all spaces (F-001).
    pub trim_spaces_after_80: bool,
    /// `0x1A` (DOS end-of-file) bytes after the last record removed (F-017).
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
    /// Non-ASCII → ASCII.
    Transliterate,
    /// TAB → space.
    Tab,
    /// Spaces added at the end of a short line.
    Pad,
    /// Byte order mark removed.
    ByteOrderMark,
    /// Spaces after column 80 removed.
    TrimSpaces,
    /// `0x1A` bytes after the last record removed.
    TrailingEof,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Change {
    /// 1-based record line.
    pub line: u32,
    /// 1-based column in the normalised record (for padding: the first added column).
    pub column: usize,
    /// What was there.
    pub before: String,
    /// What is there now.
    pub after: String,
    /// Why.
    pub kind: ChangeKind,
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
        };
        write!(
            f,
            "line {}, column {}: {:?} -> {:?} ({what})",
            self.line, self.column, self.before, self.after
        )
    }
}

fn push_char(
    out: &mut Vec<u8>,
    changes: &mut Vec<Change>,
    line: u32,
    c: char,
    opts: &NormalizeOptions,
) {
    let col = out.len() + 1;
    let mut change = |after: u8, kind| {
        changes.push(Change {
            line,
            column: col,
            before: c.to_string(),
            after: char::from(after).to_string(),
            kind,
        });
        out.push(after);
    };
    match c {
        '\t' if opts.tabs => change(b' ', ChangeKind::Tab),
        'a'..='z' if opts.upper_case => change(c.to_ascii_uppercase() as u8, ChangeKind::UpperCase),
        c if c.is_ascii() => out.push(c as u8),
        c if opts.transliterate => {
            let t = deunicode::deunicode_char(c).unwrap_or("?");
            let b = t
                .bytes()
                .find(|b| b.is_ascii_graphic() || *b == b' ')
                .unwrap_or(b'?');
            change(b.to_ascii_uppercase(), ChangeKind::Transliterate)
        }
        c => {
            // Not transliterating: keep the original bytes (UTF-8 of the char).
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
}

/// Normalises `input`; returns the new bytes and every change made. Terminators, line
/// order and all other bytes are kept.
pub fn normalize(input: &[u8], opts: &NormalizeOptions) -> (Vec<u8>, Vec<Change>) {
    let mut changes = Vec::new();
    let mut data = input;
    if opts.strip_byte_order_mark {
        if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
            data = rest;
            changes.push(Change {
                line: 1,
                column: 1,
                before: "\u{FEFF}".into(),
                after: String::new(),
                kind: ChangeKind::ByteOrderMark,
            });
        }
    }
    let mut out = Vec::with_capacity(data.len());
    let mut line_no = 0u32;
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let (body, tail) = rest.split_at(end);
        let term_len = match tail {
            [b'\r', b'\n', ..] => 2,
            [b'\r' | b'\n', ..] => 1,
            _ => 0,
        };
        let (term, next) = tail.split_at(term_len);
        line_no += 1;
        // 0x1A bytes after the last terminator: data after the last record, not a record.
        if term_len == 0 && !body.is_empty() && body.iter().all(|&b| b == 0x1A) {
            if opts.strip_trailing_eof {
                changes.push(Change {
                    line: line_no,
                    column: 1,
                    before: "\u{1A}".repeat(body.len()),
                    after: String::new(),
                    kind: ChangeKind::TrailingEof,
                });
            } else {
                out.extend_from_slice(body);
            }
            break;
        }
        let mut rec = Vec::with_capacity(82);
        match std::str::from_utf8(body) {
            Ok(s) => s
                .chars()
                .for_each(|c| push_char(&mut rec, &mut changes, line_no, c, opts)),
            Err(_) => body
                .iter()
                .for_each(|&b| push_char(&mut rec, &mut changes, line_no, char::from(b), opts)),
        }
        // Spaces after column 80 (an editor's padding): removed.
        if opts.trim_spaces_after_80 && rec.len() > 80 && rec.iter().skip(80).all(|&b| b == b' ') {
            changes.push(Change {
                line: line_no,
                column: 81,
                before: " ".repeat(rec.len() - 80),
                after: String::new(),
                kind: ChangeKind::TrimSpaces,
            });
            rec.truncate(80);
        }
        // Pad short records (an empty line is not a record: left alone).
        if opts.pad_short_lines && !body.is_empty() && rec.len() < 80 {
            changes.push(Change {
                line: line_no,
                column: rec.len() + 1,
                before: String::new(),
                after: " ".repeat(80 - rec.len()),
                kind: ChangeKind::Pad,
            });
            rec.resize(80, b' ');
        }
        out.extend_from_slice(&rec);
        out.extend_from_slice(term);
        rest = next;
    }
    (out, changes)
}
