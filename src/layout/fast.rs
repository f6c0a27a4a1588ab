//! The word-at-a-time field check of the parse fast path: the non-text fields of a layout
//! as byte masks over the record's 80 bytes, checked 16 bytes at a time.
//!
//! The check is written over fixed-size `[u8; 16]` arrays with byte-wise operations only,
//! so that the compiler turns each step into a few SIMD instructions (SSE2 on x86-64, NEON
//! on AArch64) without `unsafe` and without a SIMD crate; it is field-count independent:
//!
//! * every byte of a non-text field is a digit or a space, and no byte of the record is
//!   above `0x7F` (one pass);
//! * a field is all digits or all spaces: bit `0x10` is set in every digit (`0x30`–`0x39`)
//!   and clear in a space (`0x20`), so a field mixes the two exactly when that bit differs
//!   between a byte and the byte before it *in the same field* (a second pass, comparing
//!   each window with the window one byte earlier under a mask of "continues a field").
//!
//! Dates and times that are all digits are then checked for being real dates and times
//! (the few such fields of a layout, listed at compile time).

use super::kinds::date8_of_digits;
use super::{Date6, FieldDef, FieldKind, Hhmm, Hhmmss, Kind, MonthYear6};

/// Most date and time fields a layout may have for the fast check; a layout with more is
/// always checked field by field.
const FAST_MAX_SEMANTIC: usize = 6;

/// Bytes per step.
const W: usize = 16;
/// Steps over the 80 bytes of a record.
const STEPS: usize = 5;
/// Where the windows of the second pass start: bytes `1..80`, each compared with the byte
/// before it; the last window (`64..80`) overlaps the one before, which changes nothing in
/// an OR.
const SHIFTED: [usize; STEPS] = [1, 17, 33, 49, 64];

/// The non-text fields of a layout as masks over the record's 80 bytes, computed at compile
/// time from the layout table, for [`FastCheck::accepts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FastCheck {
    /// `0xFF` at each byte of a non-text field (windows at 0, 16, … 64).
    numeric: [[u8; W]; STEPS],
    /// `0x10` at each byte that continues the non-text field of the byte before it
    /// (windows at [`SHIFTED`]).
    inner: [[u8; W]; STEPS],
    /// `0xFF` at each byte of a text field (for [`FastCheck::plain_text_and_filler`]).
    text: [u8; 80],
    /// `0xFF` at each byte outside every field.
    free: [u8; 80],
    /// The date and time fields: 0-based start, end (exclusive) and kind.
    semantic: [(u8, u8, Kind); FAST_MAX_SEMANTIC],
    /// Number of entries of `semantic` in use.
    semantic_len: usize,
    /// A field the masks cannot express (outside the 80 bytes, overlapping, too many dates):
    /// never accept.
    overflow: bool,
    /// Bit `s` set when window `s` holds a byte of a non-text field (its step has work
    /// beyond the ASCII check).
    active: u8,
}

impl FastCheck {
    /// Builds the masks of a layout's fields (const: evaluated once per layout at compile
    /// time).
    #[allow(clippy::indexing_slicing)] // const context; indices bounded by the loop conditions
    pub(crate) const fn new(fields: &[FieldDef]) -> FastCheck {
        let mut numeric = [0u8; 80];
        let mut inner = [0u8; 80];
        let mut c = FastCheck {
            numeric: [[0; W]; STEPS],
            inner: [[0; W]; STEPS],
            text: [0; 80],
            free: [0xFF; 80],
            semantic: [(0, 0, Kind::Int); FAST_MAX_SEMANTIC],
            semantic_len: 0,
            overflow: false,
            active: 0,
        };
        let mut i = 0;
        while i < fields.len() {
            let f = fields[i];
            i += 1;
            let mut b = (f.start as usize).saturating_sub(1);
            while b < f.end as usize && b < 80 {
                c.free[b] = 0;
                if matches!(f.kind, Kind::Text) {
                    c.text[b] = 0xFF;
                }
                b += 1;
            }
            if matches!(f.kind, Kind::Text) {
                continue;
            }
            if f.start == 0 || f.end > 80 || f.start > f.end {
                c.overflow = true;
                continue;
            }
            if !matches!(f.kind, Kind::Int | Kind::Dec(_)) {
                if c.semantic_len == FAST_MAX_SEMANTIC {
                    c.overflow = true;
                    continue;
                }
                c.semantic[c.semantic_len] = (f.start - 1, f.end, f.kind);
                c.semantic_len += 1;
            }
            let mut b = f.start as usize - 1;
            while b < f.end as usize {
                if numeric[b] != 0 {
                    // Overlapping fields: the uniformity pass could not tell them apart.
                    c.overflow = true;
                }
                numeric[b] = 0xFF;
                if b > f.start as usize - 1 {
                    inner[b] = 0x10;
                }
                b += 1;
            }
        }
        let mut s = 0;
        while s < STEPS {
            let mut j = 0;
            while j < W {
                c.numeric[s][j] = numeric[s * W + j];
                c.inner[s][j] = inner[SHIFTED[s] + j];
                if c.numeric[s][j] != 0 || c.inner[s][j] != 0 {
                    c.active |= 1 << s;
                }
                j += 1;
            }
            s += 1;
        }
        c
    }

    /// True when the field-by-field check of `raw` is certain to find nothing: `raw` is
    /// 80 ASCII bytes and every non-text field is all digits (dates and times then also
    /// valid) or all spaces. False means "check field by field", not "invalid".
    #[inline(always)]
    pub(crate) fn accepts(&self, raw: &[u8]) -> bool {
        self.accepts_known(raw, false)
    }

    /// [`Self::accepts`] of a record whose bytes are known to be ASCII when `ascii` (the
    /// framer found it, [`crate::wire::framing::RawLine::ascii`]): they are not looked at
    /// again for that.
    #[inline(always)]
    pub(crate) fn accepts_known(&self, raw: &[u8], ascii: bool) -> bool {
        let Ok(raw) = <&[u8; 80]>::try_from(raw) else {
            return false;
        };
        if self.overflow {
            return false;
        }
        // A byte above 0x7F anywhere (one branch-free fold over the 80 bytes).
        if !ascii && raw.iter().fold(0u8, |acc, &b| acc | b) & 0x80 != 0 {
            return false;
        }
        // Any byte of `bad` set: a non-text byte that is neither digit nor space, or a field
        // mixing digits and spaces; a window without a byte of a non-text field is skipped.
        let mut bad = [0u8; W];
        for (s, (numeric, inner)) in self.numeric.iter().zip(&self.inner).enumerate() {
            if self.active & (1 << s) == 0 {
                continue;
            }
            let cur = window(raw, s * W);
            let shifted = window(raw, SHIFTED.get(s).copied().unwrap_or(0));
            let before = window(raw, SHIFTED.get(s).copied().unwrap_or(1) - 1);
            step(&mut bad, &cur, numeric, &shifted, &before, inner);
        }
        if u128::from_le_bytes(bad) != 0 {
            return false;
        }
        self.semantic
            .iter()
            .take(self.semantic_len)
            .all(|&(start, end, kind)| semantic_ok(kind, raw, start, end))
    }
}

impl FastCheck {
    /// For the field dump ([`crate::write::dump`]), of an 80-byte record without control
    /// bytes and bytes above 0x7F: whether its text fields hold only characters of the CBP
    /// set (SPEC 2.3: no lower-case letter, no DEL) and every byte outside the fields, after
    /// the first `id_len` (the identifier), is a space. Branch-free over the 80 bytes.
    pub(crate) fn plain_text_and_filler(&self, raw: &[u8; 80], id_len: usize) -> bool {
        let mut rec = *raw;
        if let Some(id) = rec.get_mut(..id_len) {
            id.fill(b' ');
        }
        let bad = rec
            .iter()
            .zip(&self.text)
            .zip(&self.free)
            .fold(0u8, |acc, ((&b, &t), &f)| {
                let non_cbp = u8::from(b.wrapping_sub(b'a') < 26) | u8::from(b == 0x7F);
                acc | (non_cbp & t) | (u8::from(b != b' ') & f)
            });
        bad == 0
    }
}

/// One step of [`FastCheck::accepts`] over 16 bytes, branch-free so that it vectorizes:
/// sets a bit of `bad` for a byte of a non-text field that is neither digit nor space, and
/// a byte whose digit-or-space bit (`0x10`) differs from the byte before it in the same
/// field. It also sets one for a byte above 0x7F, which the fold of [`FastCheck::accepts`]
/// has already ruled out: without that term the compiled check ran 10 % slower (BENCHMARKS.md,
/// issue 13, session 9).
#[inline(always)]
fn step(
    bad: &mut [u8; W],
    cur: &[u8; W],
    numeric: &[u8; W],
    shifted: &[u8; W],
    before: &[u8; W],
    inner: &[u8; W],
) {
    let lanes = bad.iter_mut().zip(cur).zip(numeric);
    let pairs = shifted.iter().zip(before).zip(inner);
    for (((acc, &b), &m), ((&sh, &bf), &inn)) in lanes.zip(pairs) {
        let digit_or_space = (b.wrapping_sub(b'0') < 10) | (b == b' ');
        // 0x00 for a digit or space, 0xFF otherwise.
        let other = u8::from(digit_or_space).wrapping_sub(1);
        *acc |= (b & 0x80) | (other & m) | ((sh ^ bf) & inn);
    }
}

/// The 16 bytes of `raw` from `start` (zeros past the end: never reached, the windows are
/// constants within the record).
#[inline(always)]
fn window(raw: &[u8; 80], start: usize) -> [u8; W] {
    let mut w = [0u8; W];
    if let Some(c) = raw.get(start..start + W) {
        w.copy_from_slice(c);
    }
    w
}

/// Whether a date or time field (digits or spaces only, not mixed, by the masks) is blank
/// or a real date or time (the slow path reports which and why).
fn semantic_ok(kind: Kind, raw: &[u8; 80], start: u8, end: u8) -> bool {
    let Some(b) = raw.get(usize::from(start)..usize::from(end)) else {
        return false;
    };
    if b.first() == Some(&b' ') {
        return true;
    }
    match kind {
        // All digits here (the masks): the date without the grammar.
        Kind::Date8 => <&[u8; 8]>::try_from(b)
            .ok()
            .and_then(date8_of_digits)
            .is_some(),
        Kind::MonthYear6 => MonthYear6::read(b, false).is_ok(),
        Kind::Date6 => Date6::read(b, false).is_ok(),
        Kind::Hhmm => Hhmm::read(b, false).is_ok(),
        Kind::Hhmmss => Hhmmss::read(b, false).is_ok(),
        Kind::Text | Kind::Int | Kind::Dec(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn field(start: u8, end: u8, kind: Kind) -> FieldDef {
        FieldDef::new(
            "f",
            start,
            end,
            super::super::Class::N,
            super::super::Designation::O,
            kind,
        )
    }

    /// [`FastCheck::accepts`] as it was before windows without a byte of a non-text field
    /// were skipped: every window stepped (the reference).
    fn accepts_every_window(c: &FastCheck, raw: &[u8]) -> bool {
        let Ok(raw) = <&[u8; 80]>::try_from(raw) else {
            return false;
        };
        if c.overflow {
            return false;
        }
        let mut bad = [0u8; W];
        for (s, (numeric, inner)) in c.numeric.iter().zip(&c.inner).enumerate() {
            let cur = window(raw, s * W);
            let shifted = window(raw, SHIFTED[s]);
            let before = window(raw, SHIFTED[s] - 1);
            step(&mut bad, &cur, numeric, &shifted, &before, inner);
        }
        u128::from_le_bytes(bad) == 0
            && c.semantic[..c.semantic_len]
                .iter()
                .all(|&(start, end, kind)| semantic_ok(kind, raw, start, end))
    }

    #[test]
    fn skipping_windows_without_a_non_text_field_changes_no_answer() {
        let (mut skipping, mut accepted, mut refused) = (0, 0, 0);
        for layout in crate::records::ALL_LAYOUTS {
            let c = FastCheck::new(layout.fields);
            if c.active != 0b1_1111 {
                skipping += 1;
            }
            // Two clean records: non-text fields blank, or digits (`1`; dates and times
            // then blank), text fields letters, filler spaces.
            let mut blank = [b' '; 80];
            let mut digits = [b' '; 80];
            for f in layout.fields {
                let (s, e) = (usize::from(f.start) - 1, usize::from(f.end).min(80));
                if s >= e {
                    continue;
                }
                match f.kind {
                    Kind::Text => {
                        blank[s..e].fill(b'A');
                        digits[s..e].fill(b'A');
                    }
                    Kind::Int | Kind::Dec(_) => digits[s..e].fill(b'1'),
                    _ => {}
                }
            }
            for rec in [blank, digits] {
                for pos in 0..80 {
                    for byte in [
                        b' ', b'0', b'9', b'A', b'z', 0x7F, 0x80, 0xC3, 0xFF, b'\n', 0,
                    ] {
                        let mut m = rec;
                        m[pos] = byte;
                        let got = c.accepts(&m);
                        assert_eq!(
                            got,
                            accepts_every_window(&c, &m),
                            "{} byte {byte:#x} at {pos}",
                            layout.name
                        );
                        if got {
                            accepted += 1;
                        } else {
                            refused += 1;
                        }
                    }
                }
            }
        }
        assert!(skipping > 10, "{skipping} layouts skip a window");
        assert!(accepted > 1000 && refused > 1000, "{accepted} / {refused}");
    }

    #[test]
    fn mixed_digits_and_spaces_are_found_at_every_position() {
        // Two adjacent numeric fields, 10-19 and 20-29, and one across a window edge.
        let fields = [
            field(10, 19, Kind::Int),
            field(20, 29, Kind::Int),
            field(60, 72, Kind::Int),
        ];
        let c = FastCheck::new(&fields);
        let mut rec = [b'A'; 80];
        rec[9..19].fill(b'1');
        rec[19..29].fill(b' ');
        rec[59..72].fill(b'7');
        assert!(c.accepts(&rec), "digits next to spaces across a field edge");
        for pos in (9..29).chain(59..72) {
            let mut bad = rec;
            bad[pos] = if bad[pos] == b' ' { b'5' } else { b' ' };
            assert!(!c.accepts(&bad), "mixed field at byte {pos}");
            let mut letter = rec;
            letter[pos] = b'X';
            assert!(!c.accepts(&letter), "letter at byte {pos}");
        }
        for pos in 0..80 {
            let mut high = rec;
            high[pos] = 0xC3;
            assert!(!c.accepts(&high), "byte 0xC3 at {pos}");
        }
        assert!(!c.accepts(&rec[..79]));
    }
}
