//! [`normalize_reader_to`]: [`super::normalize_to`] over an input read twice from a seekable
//! reader (a file), in memory bounded by the longest line rather than the input (issue 13).
//!
//! The normaliser decides some things on the whole input before it looks at a line: whether
//! the input is read as UTF-8 or ISO-8859-1 (any UTF-8 multi-byte sequence anywhere), its own
//! terminator (the one that ends most lines), the `0x1A` bytes at its end, whether it is
//! terminator-less, and whether it is a CATAIR transmission at all ([`super::rejected`]).
//! The first pass reads those facts (a few counters); the second normalises line by line,
//! writing as it goes. Terminator-less input that is not all ASCII (split by characters or by
//! bytes depending on the whole input) is read whole, as [`super::normalize_to`] reads it.

use std::io::{self, Read, Seek, SeekFrom, Write};

use super::frame::Normalizer;
use super::report::finish;
use super::{ChangeKind, NormalizeOptions, Normalized, EXCERPT, FLUSH_AT, WIDTH};
use crate::error::ProblemKind;
use crate::options::ParseOptions;
use crate::wire::framing::{Framer, Piece};

const BOM: &[u8] = b"\xEF\xBB\xBF";
const BLOCK: usize = 1 << 20;

/// What the first pass learns about the input.
#[derive(Debug, Default)]
struct Facts {
    total: usize,
    /// Bytes of byte order marks stripped at the start.
    bom: usize,
    /// A UTF-8 multi-byte sequence somewhere after the marks.
    utf8: bool,
    /// Every byte after the marks is ASCII.
    ascii: bool,
    /// `0x1A` bytes at the end: lines of them with their terminators and a run without
    /// (as [`crate::wire::framing::eof_tail`] reads them), else the run at the end.
    eof: usize,
    /// The bytes those take (with the terminators of their lines).
    eof_len: usize,
    crlf: usize,
    lf: usize,
    cr: usize,
    /// Every byte before the final `0x1A` run is a terminator, space or tab.
    blank: bool,
}

impl Facts {
    fn own(&self) -> &'static [u8] {
        super::frame::majority_terminator(self.crlf, self.lf, self.cr)
    }
}

/// Reads until `buf` holds `want` bytes or the input ends; returns whether it ended.
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    while buf.len() < want {
        let missing = (want - buf.len()) as u64;
        match r.by_ref().take(missing).read_to_end(buf) {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Whether `bytes` hold a UTF-8 multi-byte sequence (as the normaliser's own test).
fn has_sequence(bytes: &[u8]) -> bool {
    !super::decode::is_latin1(bytes)
}

/// The first pass.
fn facts<R: Read>(r: &mut R, opts: &NormalizeOptions, block: usize) -> io::Result<Facts> {
    let mut f = Facts {
        ascii: true,
        blank: true,
        ..Facts::default()
    };
    let mut buf = Vec::with_capacity(block);
    // The last three data bytes of the block before (a sequence may straddle blocks).
    let mut tail: Vec<u8> = Vec::new();
    let mut first = true;
    let mut prev_cr = false;
    let mut sub_run = 0usize;
    let mut in_sub = false;
    // The end-of-file tail so far (`eof_tail`): lines of 0x1A bytes from a line start.
    let mut tail_eof = TailEof::default();
    let mut last = [0u8; 2];
    let mut at = 0usize;
    loop {
        buf.clear();
        let mut ended = fill(r, &mut buf, block)?;
        let mut start = 0;
        if first && opts.strip_byte_order_mark {
            // Every mark at the start, however small the blocks.
            loop {
                if buf.len() - start < BOM.len() && !ended {
                    ended = fill(r, &mut buf, start + BOM.len() + block)?;
                }
                if buf.get(start..).is_some_and(|b| b.starts_with(BOM)) {
                    start += BOM.len();
                } else {
                    break;
                }
            }
            f.bom = start;
        }
        first = false;
        f.total += buf.len();
        let data = buf.get(start..).unwrap_or_default();
        if !f.utf8 {
            let head = data.get(..data.len().min(3)).unwrap_or_default();
            f.utf8 = has_sequence(data) || has_sequence(&[&tail[..], head].concat());
        }
        tail = data
            .get(data.len().saturating_sub(3)..)
            .unwrap_or_default()
            .to_vec();
        if !data.is_ascii() {
            f.ascii = false;
        }
        for &b in data {
            tail_eof.step(b, at, last);
            at += 1;
            last = [last[1], b];
            if b == 0x1A {
                sub_run += 1;
                in_sub = true;
            } else {
                sub_run = 0;
                if in_sub || !matches!(b, b'\n' | b'\r' | b' ' | b'\t') {
                    f.blank = false;
                }
            }
            match b {
                b'\n' if prev_cr => {
                    f.cr -= 1;
                    f.crlf += 1;
                }
                b'\n' => f.lf += 1,
                b'\r' => f.cr += 1,
                _ => {}
            }
            prev_cr = b == b'\r';
        }
        if ended {
            break;
        }
    }
    (f.eof, f.eof_len) = (sub_run, sub_run);
    if tail_eof.live {
        // The tail's terminators are not the data's (the whole-input normaliser counts
        // them without it).
        f.eof = tail_eof.eof;
        f.eof_len = at - tail_eof.start;
        f.lf -= tail_eof.lf;
        f.cr -= tail_eof.cr;
        f.crlf -= tail_eof.crlf;
    }
    Ok(f)
}

/// [`crate::wire::framing::eof_tail`] read byte by byte: the earliest line start (not the
/// data's first byte) from which the data so far is lines of `0x1A` bytes each with its
/// terminator, then `0x1A` bytes.
#[derive(Debug, Default)]
struct TailEof {
    live: bool,
    start: usize,
    eof: usize,
    lf: usize,
    cr: usize,
    crlf: usize,
}

impl TailEof {
    /// Byte `b` at data offset `at`; `last`: the two bytes before it (0 before the data).
    fn step(&mut self, b: u8, at: usize, last: [u8; 2]) {
        let [before, prev] = last;
        if self.live {
            match b {
                0x1A => self.eof += 1,
                b'\r' if prev == 0x1A => self.cr += 1,
                b'\n' if prev == 0x1A => self.lf += 1,
                b'\n' if prev == b'\r' && before == 0x1A => {
                    self.cr -= 1;
                    self.crlf += 1;
                }
                _ => self.live = false,
            }
        }
        if !self.live && b == 0x1A && at > 0 && matches!(prev, b'\n' | b'\r') {
            *self = TailEof {
                live: true,
                start: at,
                eof: 1,
                ..TailEof::default()
            };
        }
    }
}

/// [`super::normalize_to`] over `input` read twice (see the module documentation): the
/// same bytes written to `out` and the same [`Normalized`] report.
///
/// # Errors
/// An I/O error of `input` or `out`.
pub fn normalize_reader_to<R: Read + Seek, W: Write>(
    input: R,
    opts: &NormalizeOptions,
    out: &mut W,
) -> io::Result<Normalized> {
    normalize_in_blocks(input, opts, out, BLOCK)
}

/// [`normalize_reader_to`] reading `block` bytes at a time.
fn normalize_in_blocks<R: Read + Seek, W: Write>(
    mut input: R,
    opts: &NormalizeOptions,
    out: &mut W,
    block: usize,
) -> io::Result<Normalized> {
    let block = block.max(1);
    let start = input.stream_position()?;
    let f = facts(&mut input, opts, block)?;
    input.seek(SeekFrom::Start(start))?;
    let own = f.own();
    // The parser's whole-input check on the head: at least 64 KiB and 100 lines and a byte
    // that is not white space (what its sniffing reads), or all of it.
    let mut head = Vec::new();
    let mut ended = false;
    while !ended {
        let want = head.len() + (64 << 10);
        ended = fill(&mut input, &mut head, want)?;
        let lines = memchr::memchr2_iter(b'\n', b'\r', &head).count();
        let enough = own.is_empty() || lines >= 200;
        if head.len() >= 64 << 10 && enough && head.iter().any(|b| !b.is_ascii_whitespace()) {
            break;
        }
    }
    if !f.blank {
        let mut problems = Vec::new();
        let piece = Piece {
            // All of it read: the framer decides as for the whole input.
            concatenated: (!ended).then_some(own.is_empty()),
            first: true,
            last: ended,
        };
        let rejected = match Framer::new_with(
            &head,
            &ParseOptions::lenient(),
            &mut problems,
            piece,
            crate::records::starts_with_known_id,
        ) {
            Err(p) if matches!(p.kind, ProblemKind::NotCatair(_) | ProblemKind::Ebcdic) => Some(p),
            _ => None,
        };
        if let Some(problem) = rejected {
            return Ok(Normalized {
                rejected: Some(problem),
                ..Normalized::default()
            });
        }
    }
    if own.is_empty() && !f.ascii {
        // Terminator-less and not ASCII: split on the whole input.
        let mut all = head;
        input.read_to_end(&mut all)?;
        return super::normalize_to(&all, opts, out);
    }
    let mut n = Normalizer::new(
        opts,
        Vec::with_capacity(FLUSH_AT + 4 * WIDTH),
        Some(out),
        !f.utf8,
    );
    let marks = f.bom / BOM.len();
    if marks > 0 {
        let before = "\u{FEFF}".repeat(marks.min(EXCERPT + 1));
        n.report
            .change(1, 1, &before, "", ChangeKind::ByteOrderMark);
    }
    // The data: after the marks, before the 0x1A bytes at the end (`Facts::eof_len`).
    let data_len = f.total.saturating_sub(f.bom).saturating_sub(f.eof_len);
    let mut reader = Lines {
        input: io::Cursor::new(head).chain(input),
        buf: Vec::new(),
        pos: 0,
        left: data_len,
        block,
    };
    reader.skip(f.bom)?;
    if n.latin1 && (reader.starts_with(b"\xFF\xFE")? || reader.starts_with(b"\xFE\xFF")?) {
        n.utf16_mark = 2;
    }
    let mut lines = 0u32;
    let mut last_body = 0usize;
    let mut last_byte = None;
    if !own.is_empty() {
        let mut before: &[u8] = own;
        while let Some((body, term, is_last)) = reader.next_line()? {
            lines = lines.saturating_add(1);
            let stray = before != own || (!term.is_empty() && term != own);
            if body.is_empty() {
                if !(is_last && lines > 1) {
                    n.report
                        .not_fixable(Some(lines), None, "", super::Unfixable::EmptyLine);
                }
            } else {
                n.line(lines, &body, stray);
            }
            n.out.extend_from_slice(term);
            n.flush(false);
            before = if term.is_empty() { own } else { term };
            last_body = body.len();
            last_byte = term.last().or(body.last()).copied();
        }
    } else {
        while let Some(chunk) = reader.next_chunk(WIDTH)? {
            lines = lines.saturating_add(1);
            if chunk.len() == WIDTH {
                n.line(lines, &chunk, false);
            } else {
                n.out.extend_from_slice(&chunk);
                n.report.not_fixable(
                    Some(lines),
                    Some((1, chunk.len())),
                    &super::report::show(&chunk, n.latin1),
                    super::Unfixable::Remainder,
                );
            }
            n.flush(false);
            last_byte = chunk.last().copied();
        }
    }
    if f.eof > 0 {
        if opts.strip_trailing_eof {
            let (line, column) = match last_byte {
                Some(b'\n' | b'\r') | None => (lines.saturating_add(1), 1),
                Some(_) if !own.is_empty() => (lines, last_body + 1),
                Some(_) => (lines.saturating_add(1), 1),
            };
            let before = "\u{1A}".repeat(f.eof.min(EXCERPT + 1));
            n.report
                .change(line.max(1), column, &before, "", ChangeKind::TrailingEof);
        } else {
            // As they are, read after the data (lines of them too), a block at a time.
            let mut rest = (&mut reader.input).take(f.eof_len as u64);
            let mut chunk = vec![0u8; f.eof_len.clamp(1, block)];
            loop {
                let got = match rest.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(got) => got,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                n.out
                    .extend_from_slice(chunk.get(..got).unwrap_or_default());
                n.flush(false);
            }
        }
    }
    n.flush(true);
    match n.error.take() {
        Some(e) => Err(e),
        None => Ok(finish(n.report)),
    }
}

/// A line: body, terminator, whether it ends the data.
type Line = (Vec<u8>, &'static [u8], bool);

/// Lines (or fixed-size chunks) of the data region of an input.
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    /// Data bytes not yet read from `input`.
    left: usize,
    /// Bytes read at a time (at least).
    block: usize,
}

impl<R: Read> Lines<R> {
    /// Makes `buf[pos..]` hold at least `want` bytes, or all that is left.
    fn ensure(&mut self, want: usize) -> io::Result<()> {
        if self.buf.len() - self.pos >= want || self.left == 0 {
            return Ok(());
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let need = (want - self.buf.len()).max(self.block).min(self.left);
        let before = self.buf.len();
        let ended = fill(&mut self.input, &mut self.buf, before + need)?;
        let got = self.buf.len() - before;
        self.left -= got;
        if ended {
            self.left = 0;
        }
        Ok(())
    }

    /// Skips the first `n` bytes (not data: the marks); `left` counts data only.
    fn skip(&mut self, n: usize) -> io::Result<()> {
        let mut rest = n;
        let mut sink = [0u8; 4096];
        while rest > 0 {
            let k = rest.min(sink.len());
            let got = self.input.read(sink.get_mut(..k).unwrap_or_default())?;
            if got == 0 {
                break;
            }
            rest -= got;
        }
        Ok(())
    }

    fn starts_with(&mut self, p: &[u8]) -> io::Result<bool> {
        self.ensure(p.len())?;
        Ok(self.buf.get(self.pos..).unwrap_or_default().starts_with(p))
    }

    /// The next line: body, terminator and whether it ends the data.
    fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut from = 0;
        loop {
            let avail = self.buf.get(self.pos..).unwrap_or_default();
            if avail.is_empty() && self.left == 0 {
                return Ok(None);
            }
            if let Some(i) = memchr::memchr2(b'\n', b'\r', avail.get(from..).unwrap_or_default()) {
                let i = i + from;
                let is_cr = avail.get(i) == Some(&b'\r');
                if is_cr && i + 1 == avail.len() && self.left > 0 {
                    from = i;
                    let have = avail.len();
                    self.ensure(have + 1)?;
                    continue;
                }
                let term: &'static [u8] = match (avail.get(i), avail.get(i + 1)) {
                    (Some(b'\r'), Some(b'\n')) => b"\r\n",
                    (Some(b'\r'), _) => b"\r",
                    _ => b"\n",
                };
                let body = avail.get(..i).unwrap_or_default().to_vec();
                self.pos += i + term.len();
                let last = self.pos == self.buf.len() && self.left == 0;
                return Ok(Some((body, term, last)));
            }
            if self.left == 0 {
                let body = avail.to_vec();
                self.pos = self.buf.len();
                return Ok(Some((body, b"", true)));
            }
            from = avail.len();
            let have = avail.len();
            self.ensure(have + 1)?;
            // `ensure` moved the data to the start of `buf`; `from` stays relative to `pos`.
        }
    }

    /// The next `width` bytes (fewer at the end).
    fn next_chunk(&mut self, width: usize) -> io::Result<Option<Vec<u8>>> {
        self.ensure(width)?;
        let avail = self.buf.get(self.pos..).unwrap_or_default();
        if avail.is_empty() {
            return Ok(None);
        }
        let n = avail.len().min(width);
        let chunk = avail.get(..n).unwrap_or_default().to_vec();
        self.pos += n;
        Ok(Some(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs whose terminators, UTF-8 sequences, marks and `0x1A` bytes fall on every block
    /// boundary when read a few bytes at a time.
    #[test]
    fn blocks_of_any_size_give_the_whole_input_result() {
        let rec = |id: &str, fill: &str| {
            let mut r = format!("{id}{fill}").into_bytes();
            r.resize(80, b' ');
            r
        };
        let a = rec("A", "2704Q7KPW48");
        let pg = rec("PG02", "P  caf\u{e9} mangoes");
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for term in [&b"\n"[..], b"\r\n", b"\r"] {
            let mut v = BOM.to_vec();
            for r in [&a, &pg, &a] {
                v.extend_from_slice(r);
                v.extend_from_slice(term);
            }
            v.extend_from_slice(b"pg02 short line\r\n\n\x1A\x1A");
            inputs.push(v);
        }
        let mut latin = a.clone();
        latin.push(b'\n');
        latin.extend_from_slice(b"PG02 \xE9t\xE9\r\n");
        inputs.push(latin);
        inputs.push([a.clone(), a.clone(), b"OI".to_vec()].concat());
        let opts = NormalizeOptions::default();
        for input in &inputs {
            let mut whole = Vec::new();
            let want = super::super::normalize_to(input, &opts, &mut whole).ok();
            for block in [1, 2, 3, 5, 79, 81, 4096] {
                let mut out = Vec::new();
                let got = normalize_in_blocks(io::Cursor::new(input), &opts, &mut out, block).ok();
                assert_eq!(got, want, "block {block}: report");
                assert_eq!(out, whole, "block {block}: bytes");
            }
        }
    }
}
