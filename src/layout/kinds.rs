//! Field kinds: one type per [`Kind`], each reads and writes its values (SPEC 2.4–2.6), and
//! the value types of dates and times ([`MonthYear`], [`Time`]).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::bytes::{all_spaces, read_n};
#[cfg(doc)]
use super::FieldDef;
use super::Kind;
use crate::error::{EncodeErrorKind, FieldErrorKind};
use crate::wire::ascii::is_cbp_char;
use crate::wire::grammar::{hhmm, hhmmss, mmccyy, mmddccyy, mmddyy, whole};

/// Month and year of an `MMCCYY` field; `month` is `None` when the wire says `00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MonthYear {
    /// Four-digit year.
    pub year: u16,
    /// Month 1–12, or `None` when only the year is known.
    pub month: Option<u8>,
}

impl fmt::Display for MonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            Some(m) => write!(f, "{:04}-{:02}", self.year, m),
            None => write!(f, "{:04}", self.year),
        }
    }
}

/// A wire time (`HHMM` or `HHMMSS`). Unlike `chrono::NaiveTime` it can hold `24:00`, which
/// the CATAIR allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time {
    /// Hour 0–24 (24 only with zero minutes and seconds).
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–59 for `HHMMSS` fields, `None` for `HHMM` fields.
    pub second: Option<u8>,
}

impl Time {
    /// Converts to a `chrono::NaiveTime`; `None` for `24:00`.
    pub fn to_naive(self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::from_hms_opt(
            self.hour.into(),
            self.minute.into(),
            self.second.unwrap_or(0).into(),
        )
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)?;
        if let Some(s) = self.second {
            write!(f, ":{s:02}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MonthYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A field kind at the type level: drives the typed struct fields of every record.
pub(crate) trait FieldKind {
    /// The typed value of a present field.
    type Value<'a>: Copy;
    /// The dynamic kind tag stored in [`FieldDef`].
    const KIND: Kind;
    /// Reads a field's bytes; `Ok(None)` when all spaces.
    fn read(raw: &[u8], lenient_n: bool) -> Result<Option<Self::Value<'_>>, FieldErrorKind>;
    /// Writes a value into `out` (exactly the field's width, prefilled with spaces).
    fn write(value: &Self::Value<'_>, out: &mut [u8]) -> Result<(), EncodeErrorKind>;
    /// Fast path for fields of an all-ASCII record: reads the field from the record's
    /// `&str`. `checked`: the parse's fast check accepted the record
    /// ([`super::FastCheck::accepts`]: a non-text field is all digits or all spaces), so a
    /// number is read without its grammar, with the value [`Self::read`] gives. `None` when
    /// the kind has no such path.
    #[inline]
    fn read_ascii(_field: &str, _checked: bool) -> Option<Option<Self::Value<'_>>> {
        None
    }
}

/// The value of a field the fast check found all digits or all spaces: `None` when it is
/// spaces, else the digits' value (wrapping beyond `u64` as the grammar's reading does;
/// the widths of the layouts stay below that).
#[inline]
fn checked_digits(field: &[u8]) -> Option<Option<u64>> {
    match field.first() {
        None => None,
        Some(b' ') => Some(None),
        Some(_) => Some(Some(field.iter().fold(0u64, |acc, &c| {
            acc.wrapping_mul(10)
                .wrapping_add(u64::from(c.wrapping_sub(b'0')))
        }))),
    }
}

/// Text field (A, AN, X).
#[derive(Debug)]
pub(crate) enum Text {}
/// `N` field without decimals.
#[derive(Debug)]
pub(crate) enum Int {}
/// `N` field with `D` implied decimals.
#[derive(Debug)]
pub(crate) enum Dec<const D: u8> {}
/// `MMDDCCYY` date.
#[derive(Debug)]
pub(crate) enum Date8 {}
/// `MMCCYY` month/year.
#[derive(Debug)]
pub(crate) enum MonthYear6 {}
/// `MMDDYY` date.
#[derive(Debug)]
pub(crate) enum Date6 {}
/// `HHMM` time.
#[derive(Debug)]
pub(crate) enum Hhmm {}
/// `HHMMSS` time.
#[derive(Debug)]
pub(crate) enum Hhmmss {}

impl FieldKind for Text {
    type Value<'a> = &'a str;
    const KIND: Kind = Kind::Text;
    #[inline]
    fn read_ascii(field: &str, _: bool) -> Option<Option<&str>> {
        let end = trimmed_len(field.as_bytes());
        Some(field.get(..end).filter(|v| !v.is_empty()))
    }
    #[inline]
    fn read(raw: &[u8], _: bool) -> Result<Option<&str>, FieldErrorKind> {
        let end = trimmed_len(raw);
        if end == 0 {
            return Ok(None);
        }
        let v = raw.get(..end).unwrap_or_default();
        if v.is_ascii() {
            return std::str::from_utf8(v)
                .map(Some)
                .map_err(|_| FieldErrorKind::NonAscii { offset: 0, byte: 0 });
        }
        if let Some(pos) = v.iter().position(|&c| c >= 0x80) {
            return Err(FieldErrorKind::NonAscii {
                offset: pos as u8,
                byte: v.get(pos).copied().unwrap_or(0),
            });
        }
        std::str::from_utf8(v)
            .map(Some)
            .map_err(|_| FieldErrorKind::NonAscii { offset: 0, byte: 0 })
    }
    fn write(value: &&str, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        let b = value.as_bytes();
        if b.len() > out.len() {
            return Err(EncodeErrorKind::TooLong {
                len: b.len(),
                width: out.len(),
            });
        }
        if let Some(pos) = b.iter().position(|&c| !is_cbp_char(c)) {
            return Err(EncodeErrorKind::InvalidByte {
                position: pos,
                byte: b.get(pos).copied().unwrap_or(0),
            });
        }
        if let Some(dst) = out.get_mut(..b.len()) {
            dst.copy_from_slice(b);
        }
        Ok(())
    }
}

/// The length of `b` without its trailing spaces, eight bytes a step: whole words of
/// spaces are skipped, and in the last word that is not all spaces the spaces after its
/// last other byte are counted at once (the highest differing byte of the little-endian
/// word is the last byte that is not a space). Fields shorter than a word go byte by byte.
#[inline]
pub(crate) fn trimmed_len(b: &[u8]) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut end = b.len();
    while let Some(w) = end
        .checked_sub(8)
        .and_then(|s| b.get(s..end))
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let diff = u64::from_le_bytes(w) ^ SPACES;
        if diff != 0 {
            // `leading_zeros / 8`: the spaces at the end of this word (0 to 7).
            return end - (diff.leading_zeros() / 8) as usize;
        }
        end -= 8;
    }
    b.get(..end)
        .and_then(|h| h.iter().rposition(|&c| c != b' '))
        .map_or(0, |p| p + 1)
}

/// Writes `v` right-justified and zero-filled into `out`.
fn write_digits(mut v: u64, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
    let width = out.len();
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if v != 0 {
        return Err(EncodeErrorKind::TooManyDigits { width });
    }
    Ok(())
}

impl FieldKind for Int {
    type Value<'a> = u64;
    const KIND: Kind = Kind::Int;
    fn read(raw: &[u8], lenient: bool) -> Result<Option<u64>, FieldErrorKind> {
        read_n(raw, raw.len(), lenient)
    }
    #[inline]
    fn read_ascii(field: &str, checked: bool) -> Option<Option<u64>> {
        checked_digits(field.as_bytes()).filter(|_| checked)
    }
    fn write(value: &u64, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        write_digits(*value, out)
    }
}

impl<const D: u8> FieldKind for Dec<D> {
    type Value<'a> = Decimal;
    const KIND: Kind = Kind::Dec(D);
    fn read(raw: &[u8], lenient: bool) -> Result<Option<Decimal>, FieldErrorKind> {
        read_dec(raw, D, lenient)
    }
    #[inline]
    fn read_ascii(field: &str, checked: bool) -> Option<Option<Decimal>> {
        checked_digits(field.as_bytes())
            .filter(|_| checked)
            .map(|v| v.map(|m| dec_of(m, D)))
    }
    fn write(value: &Decimal, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        write_dec(value, D, out)
    }
}

/// Reads an `N` field with `decimals` implied decimals (SPEC 2.5): the digits as an exact
/// [`Decimal`] of that scale; `Ok(None)` when all spaces.
pub(super) fn read_dec(
    raw: &[u8],
    decimals: u8,
    lenient: bool,
) -> Result<Option<Decimal>, FieldErrorKind> {
    Ok(read_n(raw, raw.len(), lenient)?.map(|m| dec_of(m, decimals)))
}

/// The value of `m` with `decimals` implied decimals.
#[inline]
fn dec_of(m: u64, decimals: u8) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(m), u32::from(decimals))
}

/// The one writer of implied-decimal `N` values (SPEC 2.5): `value` right-justified and
/// zero-filled in `out` with exactly `decimals` implied decimals. Never rounds: a value with
/// more significant decimals is refused, as is a negative value or one with more digits
/// than `out` holds. The typed structs ([`Dec`]) and the dump form
/// ([`FieldDef::write_str`]) both write through it.
pub(super) fn write_dec(
    value: &Decimal,
    decimals: u8,
    out: &mut [u8],
) -> Result<(), EncodeErrorKind> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(EncodeErrorKind::Negative);
    }
    let mut v = *value;
    if v.scale() > u32::from(decimals) {
        v = v.normalize();
        if v.scale() > u32::from(decimals) {
            return Err(EncodeErrorKind::TooManyDecimals { decimals });
        }
    }
    let mut m = v.mantissa().unsigned_abs();
    for _ in v.scale()..u32::from(decimals) {
        m = m
            .checked_mul(10)
            .ok_or(EncodeErrorKind::TooManyDigits { width: out.len() })?;
    }
    let m = u64::try_from(m).map_err(|_| EncodeErrorKind::TooManyDigits { width: out.len() })?;
    write_digits(m, out)
}

/// The date of an `MMDDCCYY` field of eight ASCII digits (SPEC 2.6), without the grammar:
/// `None` for year `0000` and for a month or day that does not exist: for digits, the same
/// answer as [`Date8::read`] (the fast check and the checked views use it).
#[inline]
pub(crate) fn date8_of_digits(digits: &[u8; 8]) -> Option<NaiveDate> {
    let &[m1, m2, d1, d2, y1, y2, y3, y4] = digits;
    let n = |a: u8, b: u8| u32::from(a.wrapping_sub(b'0')) * 10 + u32::from(b.wrapping_sub(b'0'));
    let year = n(y1, y2) * 100 + n(y3, y4);
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, n(m1, m2), n(d1, d2))
}

impl FieldKind for Date8 {
    type Value<'a> = NaiveDate;
    const KIND: Kind = Kind::Date8;
    #[inline]
    fn read_ascii(field: &str, checked: bool) -> Option<Option<NaiveDate>> {
        // All digits (the fast check): `MMDDCCYY` without the grammar; anything the fast
        // check would not have passed (year 0000, no such day) goes the checked way.
        let digits = <&[u8; 8]>::try_from(field.as_bytes()).ok()?;
        if !checked {
            return None;
        }
        if let [b' ', ..] = digits {
            return Some(None);
        }
        date8_of_digits(digits).map(Some)
    }
    fn read(raw: &[u8], _: bool) -> Result<Option<NaiveDate>, FieldErrorKind> {
        if all_spaces(raw) {
            return Ok(None);
        }
        let (m, d, y) = whole(mmddccyy, raw).ok_or(FieldErrorKind::NotNumeric)?;
        // Year 0000 is no calendar year (chrono would read it as 1 BC).
        if y == 0 {
            return Err(FieldErrorKind::ImpossibleDate);
        }
        NaiveDate::from_ymd_opt(y as i32, m, d)
            .map(Some)
            .ok_or(FieldErrorKind::ImpossibleDate)
    }
    fn write(value: &NaiveDate, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        let y = u64::try_from(value.year()).map_err(|_| EncodeErrorKind::DateOutOfRange)?;
        if !(1..=9999).contains(&y) || out.len() != 8 {
            return Err(EncodeErrorKind::DateOutOfRange);
        }
        let (mm, rest) = out.split_at_mut(2);
        let (dd, yyyy) = rest.split_at_mut(2);
        write_digits(u64::from(value.month()), mm)?;
        write_digits(u64::from(value.day()), dd)?;
        write_digits(y, yyyy)
    }
}

impl FieldKind for MonthYear6 {
    type Value<'a> = MonthYear;
    const KIND: Kind = Kind::MonthYear6;
    fn read(raw: &[u8], _: bool) -> Result<Option<MonthYear>, FieldErrorKind> {
        if all_spaces(raw) {
            return Ok(None);
        }
        let (m, y) = whole(mmccyy, raw).ok_or(FieldErrorKind::NotNumeric)?;
        if m > 12 || y == 0 {
            return Err(FieldErrorKind::ImpossibleDate);
        }
        Ok(Some(MonthYear {
            year: y as u16,
            month: (m != 0).then_some(m as u8),
        }))
    }
    fn write(value: &MonthYear, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        if value.month.is_some_and(|m| m == 0 || m > 12)
            || !(1..=9999).contains(&value.year)
            || out.len() != 6
        {
            return Err(EncodeErrorKind::DateOutOfRange);
        }
        let (mm, yyyy) = out.split_at_mut(2);
        write_digits(u64::from(value.month.unwrap_or(0)), mm)?;
        write_digits(u64::from(value.year), yyyy)
    }
}

impl FieldKind for Date6 {
    type Value<'a> = NaiveDate;
    const KIND: Kind = Kind::Date6;
    fn read(raw: &[u8], _: bool) -> Result<Option<NaiveDate>, FieldErrorKind> {
        if all_spaces(raw) {
            return Ok(None);
        }
        let (m, d, y) = whole(mmddyy, raw).ok_or(FieldErrorKind::NotNumeric)?;
        NaiveDate::from_ymd_opt(2000 + y as i32, m, d)
            .map(Some)
            .ok_or(FieldErrorKind::ImpossibleDate)
    }
    fn write(value: &NaiveDate, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        let y = value.year();
        if !(2000..=2099).contains(&y) || out.len() != 6 {
            return Err(EncodeErrorKind::DateOutOfRange);
        }
        let (mm, rest) = out.split_at_mut(2);
        let (dd, yy) = rest.split_at_mut(2);
        write_digits(u64::from(value.month()), mm)?;
        write_digits(u64::from(value.day()), dd)?;
        write_digits((y - 2000) as u64, yy)
    }
}

fn read_time(raw: &[u8], with_seconds: bool) -> Result<Option<Time>, FieldErrorKind> {
    if all_spaces(raw) {
        return Ok(None);
    }
    let shape = if with_seconds {
        whole(hhmmss, raw)
    } else {
        whole(hhmm, raw)
    };
    let (h, m, s) = shape.ok_or(FieldErrorKind::NotNumeric)?;
    let ok = m < 60
        && s.is_none_or(|s| s < 60)
        && (h < 24 || (h == 24 && m == 0 && s.unwrap_or(0) == 0));
    if !ok {
        return Err(FieldErrorKind::ImpossibleTime);
    }
    Ok(Some(Time {
        hour: h as u8,
        minute: m as u8,
        second: s.map(|s| s as u8),
    }))
}

pub(super) fn write_time(
    value: &Time,
    out: &mut [u8],
    with_seconds: bool,
) -> Result<(), EncodeErrorKind> {
    let t = *value;
    let sec_ok = if with_seconds {
        t.second.is_some_and(|s| s < 60)
    } else {
        t.second.is_none()
    };
    let ok = sec_ok
        && t.minute < 60
        && (t.hour < 24 || (t.hour == 24 && t.minute == 0 && t.second.unwrap_or(0) == 0));
    if !ok {
        return Err(EncodeErrorKind::DateOutOfRange);
    }
    let (hh, rest) = out.split_at_mut(2.min(out.len()));
    let (mm, ss) = rest.split_at_mut(2.min(rest.len()));
    write_digits(u64::from(t.hour), hh)?;
    write_digits(u64::from(t.minute), mm)?;
    if let Some(s) = t.second {
        write_digits(u64::from(s), ss)?;
    }
    Ok(())
}

impl FieldKind for Hhmm {
    type Value<'a> = Time;
    const KIND: Kind = Kind::Hhmm;
    fn read(raw: &[u8], _: bool) -> Result<Option<Time>, FieldErrorKind> {
        read_time(raw, false)
    }
    fn write(value: &Time, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        write_time(value, out, false)
    }
}

impl FieldKind for Hhmmss {
    type Value<'a> = Time;
    const KIND: Kind = Kind::Hhmmss;
    fn read(raw: &[u8], _: bool) -> Result<Option<Time>, FieldErrorKind> {
        read_time(raw, true)
    }
    fn write(value: &Time, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        write_time(value, out, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_never_round() {
        let mut out = [b' '; 12];
        let d: Decimal = "277.345".parse().unwrap_or_default();
        assert_eq!(
            Dec::<2>::write(&d, &mut out),
            Err(EncodeErrorKind::TooManyDecimals { decimals: 2 })
        );
        let d: Decimal = "1824.000".parse().unwrap_or_default();
        assert_eq!(Dec::<2>::write(&d, &mut out), Ok(()));
        assert_eq!(&out, b"000000182400");
    }

    #[test]
    fn trimmed_len_drops_only_trailing_spaces() {
        for text in [
            "",
            " ",
            "A",
            "A ",
            " A",
            "AB  C",
            "ABCDEFGHIJ        ",
            "ABCDEFGH",
        ] {
            for pad in 0..20 {
                let s = format!("{text}{}", " ".repeat(pad));
                assert_eq!(
                    trimmed_len(s.as_bytes()),
                    s.trim_end_matches(' ').len(),
                    "{s:?}"
                );
            }
        }
        assert_eq!(trimmed_len(b"A\t      \x00        "), 9);
        // Every length and every position of the last byte that is not a space (any byte
        // value, before or across word boundaries).
        for len in 0..40 {
            for last in 0..len {
                for byte in [b'A', b'\t', 0x00, 0x21, 0x80, 0xFF] {
                    let mut v = vec![b' '; len];
                    v[last] = byte;
                    if let Some(first) = v.first_mut().filter(|_| last > 0) {
                        *first = b'X';
                    }
                    assert_eq!(trimmed_len(&v), last + 1, "{len} {last} {byte:#x}");
                }
            }
            assert_eq!(trimmed_len(&vec![b' '; len]), 0, "{len}");
        }
    }

    #[test]
    fn times_and_dates() {
        assert_eq!(
            Hhmm::read(b"2400", false)
                .ok()
                .flatten()
                .map(|t| t.to_string()),
            Some("24:00".into())
        );
        assert!(Hhmm::read(b"2401", false).is_err());
        assert!(Hhmm::read(b"1260", false).is_err());
        assert!(Date8::read(b"04312026", false).is_err());
        assert!(Date8::read(b"00000000", false).is_err());
        assert!(Date8::read(b"02292025", false).is_err());
        assert!(Date8::read(b"02292024", false).is_ok());
        assert_eq!(
            MonthYear6::read(b"002026", false)
                .ok()
                .flatten()
                .map(|m| m.to_string()),
            Some("2026".into())
        );
    }
}
