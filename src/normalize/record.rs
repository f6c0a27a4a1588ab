//! Records: where a replacement has the same meaning (field-aware), and the realignment of a
//! text field after a replacement of another width.

use super::chars::{form, Form};
use super::decode::Cluster;
use super::report::show;
use super::{ChangeKind, NormalizeOptions, Unfixable, WIDTH};
use crate::layout::{Class, Designation, RecordLayout};
use crate::records::identify;
use crate::records::RecordType;

/// How a record's characters map to columns (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Model {
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
pub(super) enum Act {
    Keep,
    Change(ChangeKind),
    Unfixable(Unfixable),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Piece {
    /// The original bytes (`start == end` for padding).
    pub(super) start: usize,
    pub(super) end: usize,
    /// Columns taken in the input.
    pub(super) width: usize,
    repl: Repl,
    pub(super) act: Act,
    /// Spaces that fill the field after this, its last piece (reported as the realignment).
    fill_after: usize,
}

impl Piece {
    pub(super) fn repl_cols(&self) -> usize {
        match self.repl {
            Repl::Orig => self.width,
            Repl::Byte(_) => 1,
            Repl::Str(s) => s.len(),
            Repl::Nothing => 0,
            Repl::Spaces(n) => n,
        }
    }

    pub(super) fn cols(&self) -> usize {
        self.repl_cols() + self.fill_after
    }

    /// The output is spaces only (padding that a field can give up).
    pub(super) fn is_space(&self, src: &[u8]) -> bool {
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

    pub(super) fn write(&self, src: &[u8], out: &mut Vec<u8>) {
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
    pub(super) fn after_text(&self, src: &[u8], latin1: bool) -> String {
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
/// their designations; and the identifier's width.
struct Fields {
    fields: Vec<(usize, usize, Class, &'static str)>,
    designations: Vec<Designation>,
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
            Some(layout) => Fields::from_layout(layout),
            None => Fields {
                fields: Vec::new(),
                designations: Vec::new(),
                id_len: 4,
            },
        }
    }

    /// The fields of `layout`.
    fn from_layout(layout: &RecordLayout) -> Fields {
        Fields {
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
            designations: layout.fields.iter().map(|f| f.designation).collect(),
            id_len: layout.id.len(),
        }
    }

    /// The fields of a host record (`SE10` …) by its layout in `host-records.csv`, for the
    /// padding rule only ([`Self::padding_loses`]): padding must not leave its mandatory
    /// fields blank or cut its numbers either, while its replacements stay width-keeping
    /// ([`Self::of`] gives it no fields). `None` for another record.
    fn of_host(head: &[u8]) -> Option<Fields> {
        head.get(..4)
            .and_then(crate::records::host_layout)
            .map(Fields::from_layout)
    }

    /// Where padding a line of `width` columns (`pieces`, as read) to 80 would write spaces
    /// that may stand for lost data rather than trimmed spaces: the columns (0-based, end
    /// exclusive) of the record identifier when the line ends inside it, of the first numeric
    /// or date field the line ends inside after one of its digits, or of the first mandatory
    /// field that padding would leave blank (the line does not reach it, or holds only
    /// spaces of it). `None` when padding gives the record its meaning back.
    fn padding_loses(&self, pieces: &[Piece], src: &[u8], width: usize) -> Option<(usize, usize)> {
        if width < self.id_len {
            return Some((0, self.id_len));
        }
        for (i, &(fs, fe, class, _)) in self.fields.iter().enumerate() {
            if fe <= width {
                continue;
            }
            if fs >= width {
                if self.designations.get(i) == Some(&Designation::M) {
                    return Some((fs, fe));
                }
                continue;
            }
            // The field's columns before the line's end: blank (as fixed: a TAB becomes a
            // space only in a text field), or not.
            let numeric = matches!(class, Class::N | Class::D);
            let mut col = 0;
            let written = pieces.iter().any(|p| {
                let at = col;
                col += p.width;
                let space = if numeric {
                    src.get(p.start..p.end) == Some(b" ")
                } else {
                    p.is_space(src)
                };
                at >= fs && at < width && p.width > 0 && !space
            });
            let mandatory = self.designations.get(i) == Some(&Designation::M);
            // A number cut after a digit; a mandatory field that padding would leave blank.
            if (written && numeric) || (!written && mandatory) {
                return Some((fs, fe));
            }
        }
        None
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
pub(super) struct Plan {
    pub(super) pieces: Vec<Piece>,
    pub(super) groups: Vec<(usize, usize, &'static str)>,
    /// A short line not padded because padding may not give it its meaning back
    /// ([`Fields::padding_loses`]): the record columns (1-based, inclusive) where data may be
    /// missing.
    pub(super) not_padded: Option<(usize, usize)>,
}

impl Plan {
    /// The record's bytes.
    pub(super) fn render(&self, src: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(WIDTH + 8);
        for p in &self.pieces {
            p.write(src, &mut out);
        }
        out
    }
}

/// Plans one record of `src`: its characters `clusters`, read by `model` (see the module
/// documentation for the rules).
pub(super) fn plan(
    src: &[u8],
    clusters: &[Cluster],
    model: Model,
    opts: &NormalizeOptions,
) -> Plan {
    let mut pieces: Vec<Piece> = Vec::with_capacity(clusters.len() + WIDTH);
    pieces.extend(clusters.iter().map(|c| piece(c, model, opts)));
    let total: usize = pieces.iter().map(|p| p.width).sum();
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
    let not_padded = if total < WIDTH && opts.pad_short_lines {
        let host = fields
            .fields
            .is_empty()
            .then(|| Fields::of_host(&head))
            .flatten();
        host.as_ref()
            .unwrap_or(&fields)
            .padding_loses(&pieces, src, total)
            .map(|(s, e)| (s + 1, e))
    } else {
        None
    };
    if total < WIDTH && opts.pad_short_lines && not_padded.is_none() {
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
    Plan {
        pieces,
        groups,
        not_padded,
    }
}
