//! Framing: lines and their terminators, terminator-less splitting, lines of ambiguous width,
//! and the normaliser that writes each record.

use std::io;

use super::decode::{is_latin1, Cluster, Clusters, Units};
use super::record::{plan, Act, Model, Piece, Plan};
use super::report::{show, show_bytes, Report};
use super::{ChangeKind, NormalizeOptions, Unfixable, EXCERPT, FLUSH_AT, WIDTH};
use crate::records::identify;
use crate::wire::framing::eof_tail;

pub(super) struct Normalizer<'o> {
    pub(super) opts: &'o NormalizeOptions,
    /// Output not yet given to `sink` (all of it without a sink).
    pub(super) out: Vec<u8>,
    pub(super) sink: Option<&'o mut dyn io::Write>,
    /// The first write error of `sink`.
    pub(super) error: Option<io::Error>,
    pub(super) report: Report,
    /// The whole input is read as ISO-8859-1.
    pub(super) latin1: bool,
    /// Bytes at the start of the next record that are a UTF-16 byte order mark.
    pub(super) utf16_mark: usize,
}

impl<'o> Normalizer<'o> {
    /// A normaliser writing into `out` (kept when there is no `sink`, handed to the sink
    /// every [`FLUSH_AT`] bytes when there is one); `latin1`: the input is read as ISO-8859-1.
    pub(super) fn new(
        opts: &'o NormalizeOptions,
        out: Vec<u8>,
        sink: Option<&'o mut dyn io::Write>,
        latin1: bool,
    ) -> Self {
        Normalizer {
            opts,
            out,
            sink,
            error: None,
            report: Report::with_limit(opts.report_limit),
            latin1,
            utf16_mark: 0,
        }
    }

    /// Gives the output held so far to the writer, when there is one and enough is held.
    pub(super) fn flush(&mut self, force: bool) {
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
        if let Some(columns) = plan.not_padded {
            self.report
                .not_fixable(Some(line), Some(columns), "", Unfixable::Truncated);
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
    pub(super) fn line(&mut self, line: u32, body: &[u8], stray: bool) {
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
    majority_terminator(crlf, lf, cr)
}

/// The terminator that ends most lines, given how many lines end with CRLF, LF and CR (CRLF,
/// then LF, then CR on a tie); none without any.
pub(super) fn majority_terminator(crlf: usize, lf: usize, cr: usize) -> &'static [u8] {
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

pub(super) fn run(n: &mut Normalizer<'_>, input: &[u8]) {
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
    // 0x1A bytes at the end, also as lines of their own (`\x1A\n`: as the parser reads
    // them, `eof_tail`), else any run of them at the end.
    let (cut, eof) = eof_tail(data)
        .filter(|&(start, _)| start > 0)
        .unwrap_or_else(|| {
            let run = data.iter().rev().take_while(|&&b| b == 0x1A).count();
            (data.len() - run, run)
        });
    let (data, eof_bytes) = data.split_at(cut);
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
            report: Report::with_limit(10),
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
}
