//! Reading bytes as text: UTF-8 or ISO-8859-1 for the whole input, units (one character or
//! one undecodable byte) and characters (clusters: a base character with its marks).

use super::chars::{form, is_invisible, is_mark, Form};

#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub(super) start: usize,
    pub(super) end: usize,
    /// `None`: a byte that is not text.
    pub(super) ch: Option<char>,
}

/// The characters of `src`: UTF-8 (an undecodable byte is a unit of its own), or ISO-8859-1.
#[derive(Debug, Clone)]
pub(super) struct Units<'a> {
    pub(super) src: &'a [u8],
    pub(super) pos: usize,
    pub(super) latin1: bool,
    /// Bytes at the start that are not text whatever the encoding (a UTF-16 byte order mark).
    pub(super) bad_prefix: usize,
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
pub(super) fn is_latin1(input: &[u8]) -> bool {
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
pub(super) struct Cluster {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) base: Option<char>,
    /// Marks (or a zero-width joiner sequence) follow the base.
    pub(super) extra: bool,
    /// Takes a column when read by characters.
    pub(super) column: bool,
    /// Code points (and undecodable bytes) in it.
    pub(super) units: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Clusters<'a> {
    pub(super) units: Units<'a>,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
