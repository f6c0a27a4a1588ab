//! The word-at-a-time field check of the parse fast path: the non-text fields of a layout
//! as masks over the record's 80 bytes.

use crate::wire::{HI, LO};

use super::{Date6, Date8, FieldDef, FieldKind, Hhmm, Hhmmss, Kind, MonthYear6};

/// Most non-text fields a layout may have for the word-at-a-time check (`SO70` has 8);
/// a layout with more is always checked field by field.
const FAST_MAX_FIELDS: usize = 12;

/// The non-text fields of a layout as masks over the record's 80 bytes, computed at compile
/// time from the layout table, for [`FastCheck::accepts`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastCheck {
    /// `0xFF` in each byte of the 10 words that belongs to a non-text field.
    numeric: [u64; 10],
    /// One bit per byte (bit `i` = byte `i + 1`) of each non-text field, and its kind.
    fields: [(u128, Kind); FAST_MAX_FIELDS],
    /// Number of entries of `fields` in use.
    len: usize,
    /// More non-text fields than `FAST_MAX_FIELDS`: never accept.
    overflow: bool,
}

impl FastCheck {
    /// Builds the masks of a layout's fields (const: evaluated once per layout at compile
    /// time).
    #[allow(clippy::indexing_slicing)] // const context; indices bounded by the loop conditions
    pub(crate) const fn new(fields: &[FieldDef]) -> FastCheck {
        let mut c = FastCheck {
            numeric: [0; 10],
            fields: [(0, Kind::Int); FAST_MAX_FIELDS],
            len: 0,
            overflow: false,
        };
        let mut i = 0;
        while i < fields.len() {
            let f = fields[i];
            i += 1;
            if matches!(f.kind, Kind::Text) {
                continue;
            }
            if c.len == FAST_MAX_FIELDS || f.start == 0 || f.end > 80 || f.start > f.end {
                c.overflow = true;
                continue;
            }
            let mut bits = 0u128;
            let mut b = f.start as usize - 1;
            while b < f.end as usize {
                bits |= 1 << b;
                c.numeric[b / 8] |= 0xFF << ((b % 8) * 8);
                b += 1;
            }
            c.fields[c.len] = (bits, f.kind);
            c.len += 1;
        }
        c
    }

    /// True when the field-by-field check of `raw` is certain to find nothing: `raw` is
    /// 80 ASCII bytes and every non-text field is all digits (dates and times then also
    /// valid) or all spaces. False means "check field by field", not "invalid".
    #[inline(always)]
    pub(crate) fn accepts(&self, raw: &[u8]) -> bool {
        let Ok(raw) = <&[u8; 80]>::try_from(raw) else {
            return false;
        };
        if self.overflow {
            return false;
        }
        let mut any = 0u64;
        let mut digits = 0u128;
        let mut spaces = 0u128;
        let mut i = 0;
        while i < 10 {
            let (w, m) = (word(raw, i), self.numeric_word(i));
            any |= w;
            if m != 0 {
                // Bytes 0x30..=0x39: x = w ^ '0' is 0..=9, so x + 0x76 stays below 0x80.
                let x = w ^ (LO * 0x30);
                let non_digit = (x.wrapping_add(LO * 0x76) | x) & HI;
                // Bytes equal to a space: y = w ^ ' ' is 0.
                let y = w ^ (LO * 0x20);
                let non_space = ((y & !HI).wrapping_add(!HI) | y) & HI;
                digits |= u128::from(gather(!non_digit & HI & m)) << (i * 8);
                spaces |= u128::from(gather(!non_space & HI & m)) << (i * 8);
            }
            i += 1;
        }
        if any & HI != 0 {
            return false;
        }
        let mut ok = true;
        let mut f = 0;
        while f < self.len {
            if let Some(&(bits, kind)) = self.fields.get(f) {
                if digits & bits == bits {
                    if !matches!(kind, Kind::Int | Kind::Dec(_)) {
                        ok &= semantic_ok(kind, raw, bits);
                    }
                } else {
                    ok &= spaces & bits == bits;
                }
            }
            f += 1;
        }
        ok
    }

    #[inline(always)]
    fn numeric_word(&self, i: usize) -> u64 {
        self.numeric.get(i).copied().unwrap_or(0)
    }
}

/// Word `i` (bytes `8i..8i+8`) of a record, little-endian.
#[inline(always)]
fn word(raw: &[u8; 80], i: usize) -> u64 {
    let mut w = [0u8; 8];
    if let Some(c) = raw.get(i * 8..i * 8 + 8) {
        w.copy_from_slice(c);
    }
    u64::from_le_bytes(w)
}

/// Gathers the high bit of each byte of `w` into the low 8 bits (byte `i` → bit `i`).
#[inline]
const fn gather(w: u64) -> u8 {
    ((w >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Whether an all-digit date or time field is a real date or time (the slow path reports
/// which and why).
fn semantic_ok(kind: Kind, raw: &[u8; 80], bits: u128) -> bool {
    let start = bits.trailing_zeros() as usize;
    let end = 128 - bits.leading_zeros() as usize;
    let Some(b) = raw.get(start..end) else {
        return false;
    };
    match kind {
        Kind::Date8 => Date8::read(b, false).is_ok(),
        Kind::MonthYear6 => MonthYear6::read(b, false).is_ok(),
        Kind::Date6 => Date6::read(b, false).is_ok(),
        Kind::Hhmm => Hhmm::read(b, false).is_ok(),
        Kind::Hhmmss => Hhmmss::read(b, false).is_ok(),
        Kind::Text | Kind::Int | Kind::Dec(_) => true,
    }
}
