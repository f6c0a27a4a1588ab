//! The field and record declaration machinery: data classes, designations, field kinds,
//! padding, implied decimals, dates and times (SPEC 2.4–2.6).
//!
//! Every record layout of the crate is declared once, with the `record_layouts!` macro in
//! [`crate::records`]. One declaration produces the typed struct, its parser, its writer, the
//! [`RecordLayout`] table used by the field dump, the JSON encoder and the docs.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use nom::bytes::complete::take_while_m_n;
use rust_decimal::Decimal;

use crate::error::{EncodeErrorKind, FieldErrorKind};

/// CATAIR data class of a field (SPEC 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Class {
    /// `A`: letters A–Z and space, left-justified, space-filled.
    A,
    /// `AN`: A–Z, 0–9 and space, left-justified, space-filled.
    AN,
    /// `N`: digits only, right-justified, zero-filled; implied decimals per field.
    N,
    /// `X`: any character of the CBP character set (SPEC 2.3), left-justified.
    X,
    /// `D`: envelope date `MMDDYY`, written like `N`.
    D,
}

impl Class {
    /// The class as printed in the CATAIR and `records.csv` (`A`, `AN`, `N`, `X`, `D`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::AN => "AN",
            Class::N => "N",
            Class::X => "X",
            Class::D => "D",
        }
    }
}

/// CATAIR designation of a field: mandatory, conditional or optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Designation {
    /// `M`: mandatory (blank is CBP error, e.g. F-011).
    M,
    /// `C`: conditional.
    C,
    /// `O`: optional.
    O,
}

impl Designation {
    /// The designation letter as in `records.csv`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Designation::M => "M",
            Designation::C => "C",
            Designation::O => "O",
        }
    }
}

/// How the bytes of a field turn into a typed value: the Rust side of class + decimals +
/// format of `records.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Kind {
    /// Text (classes A, AN, X): `&str` without trailing spaces; leading spaces kept.
    Text,
    /// `N` with 0 implied decimals: an unsigned integer (`u64`).
    Int,
    /// `N` with the given number of implied decimals: an exact [`Decimal`].
    Dec(u8),
    /// `MMDDCCYY` date (8 N): [`NaiveDate`].
    Date8,
    /// `MMCCYY` month and year (6 N); month `00` = only the year is known: [`MonthYear`].
    MonthYear6,
    /// `MMDDYY` date (6 digits), century 20 assumed (SPEC 2.6, TBC): [`NaiveDate`].
    Date6,
    /// `HHMM` time, `0000`–`2400`: [`Time`].
    Hhmm,
    /// `HHMMSS` time: [`Time`].
    Hhmmss,
}

impl Kind {
    /// Number of implied decimals (0 for everything but [`Kind::Dec`]).
    pub const fn decimals(self) -> u8 {
        match self {
            Kind::Dec(d) => d,
            _ => 0,
        }
    }

    /// The `format` column of `records.csv`, if any.
    pub const fn format(self) -> Option<&'static str> {
        match self {
            Kind::Date8 => Some("MMDDCCYY"),
            Kind::MonthYear6 => Some("MMCCYY"),
            Kind::Date6 => Some("MMDDYY"),
            Kind::Hhmm => Some("HHMM"),
            Kind::Hhmmss => Some("HHMMSS"),
            _ => None,
        }
    }
}

/// One field of a record layout (one non-filler row of `records.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FieldDef {
    /// Canonical snake_case name: the JSON key of the field dump.
    pub name: &'static str,
    /// First byte, 1-based inclusive.
    pub start: u8,
    /// Last byte, 1-based inclusive.
    pub end: u8,
    /// Data class.
    pub class: Class,
    /// Designation (M/C/O).
    pub designation: Designation,
    /// How the bytes are typed (carries implied decimals and date/time format).
    pub kind: Kind,
}

impl FieldDef {
    /// Width in bytes.
    pub const fn len(&self) -> usize {
        (self.end - self.start + 1) as usize
    }

    /// Always false: a field has at least one byte.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The field's bytes in `raw` (a record without terminator). A short record (lenient
    /// padding) yields the bytes that exist; missing bytes count as spaces.
    pub fn slice<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        let s = (self.start as usize - 1).min(raw.len());
        let e = (self.end as usize).min(raw.len());
        raw.get(s..e).unwrap_or_default()
    }
}

/// A record layout: identifier, fields and filler ranges, exactly as `records.csv` has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RecordLayout {
    /// Record identifier as sent (`PG14`, `OI`, `A`, `SE90`, `SO70` …).
    pub id: &'static str,
    /// The layout's name in `records.csv` (column `record`): the identifier, plus `@` and
    /// the variant for a layout variant (`SO70@04`, `SO70@THRU`; SPEC 7.2).
    pub name: &'static str,
    /// The variant of a record with several layouts (`Some("04")`, `Some("THRU")` for
    /// `SO70`, SPEC 7.2); `None` for the base layout and every other record.
    pub variant: Option<&'static str>,
    /// Human name of the record (CATAIR title).
    pub title: &'static str,
    /// Fields in byte order, without `record_id` and filler.
    pub fields: &'static [FieldDef],
    /// Filler ranges (1-based inclusive); always spaces when written.
    pub fillers: &'static [(u8, u8)],
}

impl RecordLayout {
    /// Looks a field up by its canonical name.
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// [`Self::field`] at compile time: what [`crate::field!`] uses, so that a misspelled
    /// field name is a compile error instead of a finding without columns.
    pub const fn field_const(&self, name: &str) -> Option<&'static FieldDef> {
        let fields: &'static [FieldDef] = self.fields;
        let mut i = 0;
        while i < fields.len() {
            #[allow(clippy::indexing_slicing)] // `i < fields.len()` by the loop condition
            let f = &fields[i];
            if const_str_eq(f.name, name) {
                return Some(f);
            }
            i += 1;
        }
        None
    }
}

/// `a == b` for `&str` in a `const fn`.
const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        #[allow(clippy::indexing_slicing)] // `i < a.len() == b.len()` by the loop condition
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The [`FieldDef`] of a field of a record layout, looked up at compile time:
/// `field!(Pg14::lpco_number)` is the `PG14` row `lpco_number` of `records.csv` (bytes 9–41,
/// class X). A name the layout does not have is a compile error, so rules and tools point
/// at fields by value, never by a string that silently loses its columns when misspelled.
///
/// ```
/// let f = ace_pga::field!(Pg14::lpco_number);
/// assert_eq!((f.name, f.start, f.end), ("lpco_number", 9, 41));
/// ```
///
/// ```compile_fail
/// let f = ace_pga::field!(Pg14::lpco_numbr); // no such field: does not compile
/// ```
#[macro_export]
macro_rules! field {
    ($record:ident :: $field:ident) => {{
        const FIELD: &'static $crate::layout::FieldDef =
            match <$crate::records::$record<'static>>::LAYOUT.field_const(stringify!($field)) {
                Some(f) => f,
                #[allow(clippy::panic)] // evaluated at compile time: a compile error
                None => panic!(concat!(
                    "no field `",
                    stringify!($field),
                    "` in the layout of `",
                    stringify!($record),
                    "`"
                )),
            };
        FIELD
    }};
}

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

// ---------------------------------------------------------------------------------------
// Byte-level helpers
// ---------------------------------------------------------------------------------------

/// True when every byte is a space (an empty slice counts: missing bytes are spaces).
#[inline]
pub(crate) fn all_spaces(b: &[u8]) -> bool {
    b.iter().all(|&c| c == b' ')
}

/// Whether a byte is in the CBP character set of SPEC 2.3: space and every printable ASCII
/// byte except the lower-case letters, 69 in all (`*` and `\` included since revision 6.2,
/// Batch & Block Control rev 23 p. 7).
#[inline]
pub fn is_cbp_char(b: u8) -> bool {
    matches!(CBP_CHARS.get(usize::from(b)), Some(true))
}

/// The CBP character set as a table (SPEC 2.3, `codes/character-set.csv`).
#[allow(clippy::indexing_slicing)] // `b < 256` by the loop condition
const CBP_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        t[b] = matches!(c, b' '..=b'~') && !c.is_ascii_lowercase();
        b += 1;
    }
    t
};

/// Parses a run of exactly `raw.len()` ASCII digits (nom), or reports where it fails.
fn digits_exact(raw: &[u8]) -> Result<u64, FieldErrorKind> {
    let n = raw.len();
    let res: nom::IResult<&[u8], &[u8]> = take_while_m_n(n, n, |c: u8| c.is_ascii_digit())(raw);
    match res {
        Ok((_, d)) => Ok(d.iter().fold(0u64, |acc, &c| {
            acc.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
        })),
        Err(_) => Err(FieldErrorKind::NotNumeric),
    }
}

/// Reads an N field: `Ok(None)` when all spaces, the integer when all digits. With
/// `lenient` a right-justified, space-padded value (`  1`) is accepted (SPEC 2.4 rule 2).
/// Missing trailing bytes of a short record count as spaces.
pub(crate) fn read_n(
    raw: &[u8],
    width: usize,
    lenient: bool,
) -> Result<Option<u64>, FieldErrorKind> {
    if all_spaces(raw) {
        return Ok(None);
    }
    if raw.len() < width {
        // The tail is missing: it would be spaces, so digits followed by spaces.
        return Err(FieldErrorKind::NotNumeric);
    }
    match digits_exact(raw) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            if lenient {
                let lead = raw.iter().take_while(|&&c| c == b' ').count();
                if let Some(rest) = raw.get(lead..) {
                    if !rest.is_empty() {
                        if let Ok(v) = digits_exact(rest) {
                            return Ok(Some(v));
                        }
                    }
                }
            }
            Err(e)
        }
    }
}

/// The value of exactly `width` ASCII digits (no sign, no spaces), `width` ≤ 4.
fn digits_u16(text: &str, width: usize) -> Option<u16> {
    (width <= 4 && text.len() == width && text.bytes().all(|c| c.is_ascii_digit())).then(|| {
        text.bytes()
            .fold(0u16, |acc, c| acc * 10 + u16::from(c - b'0'))
    })
}

/// Reads a date in the dump form `YYYY-MM-DD` strictly: exactly four year digits (`0001` to
/// `9999`), two month digits and two day digits separated by `-`, and a real calendar date.
/// Used for date field values of the JSON model (`encode`) and for the as-of date of the
/// command line (`--as-of`). `None` for anything else: `26-03-16` (a two-digit year, which
/// `chrono`'s `%Y` would read as the year 26), `2026-3-16`, `+2026-03-16`, ` 2026-03-16`,
/// `0000-01-01` (year 0000 is no year, SPEC 2.6 / F-013) and `2026-02-30`.
///
/// ```
/// use ace_pga::{parse_iso_date, NaiveDate};
/// assert_eq!(parse_iso_date("2026-03-16"), NaiveDate::from_ymd_opt(2026, 3, 16));
/// assert_eq!(parse_iso_date("26-03-16"), None);
/// assert_eq!(parse_iso_date("0000-03-16"), None);
/// ```
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let (y, rest) = text.split_at_checked(4)?;
    let (m, d) = rest.strip_prefix('-')?.split_once('-')?;
    let year = digits_u16(y, 4).filter(|&y| y != 0)?;
    let month = digits_u16(m, 2)?;
    let day = digits_u16(d, 2)?;
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// The year, month and day of a text of the form `YYYY-MM-DD` (digits only), whether or not
/// they name a real day.
fn iso_date_shape(text: &str) -> Option<(u16, u16, u16)> {
    let (y, rest) = text.split_at_checked(4)?;
    let (m, d) = rest.strip_prefix('-')?.split_once('-')?;
    Some((digits_u16(y, 4)?, digits_u16(m, 2)?, digits_u16(d, 2)?))
}

fn two(raw: &[u8], i: usize) -> u32 {
    let a = raw.get(i).copied().unwrap_or(b'0').wrapping_sub(b'0');
    let b = raw.get(i + 1).copied().unwrap_or(b'0').wrapping_sub(b'0');
    u32::from(a) * 10 + u32::from(b)
}

// ---------------------------------------------------------------------------------------
// Field kinds: one type per Kind, each parses and writes its values
// ---------------------------------------------------------------------------------------

/// A field kind at the type level: drives the typed struct fields of every record.
pub trait FieldKind {
    /// The typed value of a present field.
    type Value<'a>: Copy;
    /// The dynamic kind tag stored in [`FieldDef`].
    const KIND: Kind;
    /// Reads a field's bytes; `Ok(None)` when all spaces.
    fn read(raw: &[u8], lenient_n: bool) -> Result<Option<Self::Value<'_>>, FieldErrorKind>;
    /// Writes a value into `out` (exactly the field's width, prefilled with spaces).
    fn write(value: &Self::Value<'_>, out: &mut [u8]) -> Result<(), EncodeErrorKind>;
    /// Fast path for text fields of an all-ASCII record: reads the field from the record's
    /// `&str`. `None` when the kind has no such path.
    #[inline]
    fn read_ascii(_field: &str) -> Option<Option<Self::Value<'_>>> {
        None
    }
}

/// Text field (A, AN, X).
#[derive(Debug)]
pub enum Text {}
/// `N` field without decimals.
#[derive(Debug)]
pub enum Int {}
/// `N` field with `D` implied decimals.
#[derive(Debug)]
pub enum Dec<const D: u8> {}
/// `MMDDCCYY` date.
#[derive(Debug)]
pub enum Date8 {}
/// `MMCCYY` month/year.
#[derive(Debug)]
pub enum MonthYear6 {}
/// `MMDDYY` date.
#[derive(Debug)]
pub enum Date6 {}
/// `HHMM` time.
#[derive(Debug)]
pub enum Hhmm {}
/// `HHMMSS` time.
#[derive(Debug)]
pub enum Hhmmss {}

impl FieldKind for Text {
    type Value<'a> = &'a str;
    const KIND: Kind = Kind::Text;
    #[inline]
    fn read_ascii(field: &str) -> Option<Option<&str>> {
        let end = field.bytes().rposition(|c| c != b' ').map_or(0, |p| p + 1);
        Some(field.get(..end).filter(|v| !v.is_empty()))
    }
    #[inline]
    fn read(raw: &[u8], _: bool) -> Result<Option<&str>, FieldErrorKind> {
        let end = raw.iter().rposition(|&c| c != b' ').map_or(0, |p| p + 1);
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
    fn write(value: &u64, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        write_digits(*value, out)
    }
}

impl<const D: u8> FieldKind for Dec<D> {
    type Value<'a> = Decimal;
    const KIND: Kind = Kind::Dec(D);
    fn read(raw: &[u8], lenient: bool) -> Result<Option<Decimal>, FieldErrorKind> {
        Ok(read_n(raw, raw.len(), lenient)?
            .map(|m| Decimal::from_i128_with_scale(i128::from(m), u32::from(D))))
    }
    fn write(value: &Decimal, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(EncodeErrorKind::Negative);
        }
        let mut v = *value;
        if v.scale() > u32::from(D) {
            v = v.normalize();
            if v.scale() > u32::from(D) {
                return Err(EncodeErrorKind::TooManyDecimals { decimals: D });
            }
        }
        let mut m = v.mantissa().unsigned_abs();
        for _ in v.scale()..u32::from(D) {
            m = m
                .checked_mul(10)
                .ok_or(EncodeErrorKind::TooManyDigits { width: out.len() })?;
        }
        let m =
            u64::try_from(m).map_err(|_| EncodeErrorKind::TooManyDigits { width: out.len() })?;
        write_digits(m, out)
    }
}

impl FieldKind for Date8 {
    type Value<'a> = NaiveDate;
    const KIND: Kind = Kind::Date8;
    fn read(raw: &[u8], _: bool) -> Result<Option<NaiveDate>, FieldErrorKind> {
        if all_spaces(raw) {
            return Ok(None);
        }
        if raw.len() != 8 {
            return Err(FieldErrorKind::NotNumeric);
        }
        let y = digits_exact(raw.get(4..8).unwrap_or_default())?;
        digits_exact(raw.get(..4).unwrap_or_default())?;
        let (m, d) = (two(raw, 0), two(raw, 2));
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
        if raw.len() != 6 {
            return Err(FieldErrorKind::NotNumeric);
        }
        digits_exact(raw)?;
        let m = two(raw, 0);
        let y = two(raw, 2) * 100 + two(raw, 4);
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
        if raw.len() != 6 {
            return Err(FieldErrorKind::NotNumeric);
        }
        digits_exact(raw)?;
        let (m, d, y) = (two(raw, 0), two(raw, 2), two(raw, 4));
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
    let want = if with_seconds { 6 } else { 4 };
    if raw.len() != want {
        return Err(FieldErrorKind::NotNumeric);
    }
    digits_exact(raw)?;
    let (h, m) = (two(raw, 0), two(raw, 2));
    let s = if with_seconds {
        Some(two(raw, 4))
    } else {
        None
    };
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

fn write_time(value: &Time, out: &mut [u8], with_seconds: bool) -> Result<(), EncodeErrorKind> {
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

// ---------------------------------------------------------------------------------------
// Dynamic (table-driven) access: the field dump and the JSON encoder
// ---------------------------------------------------------------------------------------

/// A typed field value read through the layout table (dynamic counterpart of the typed
/// record structs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue<'a> {
    /// Text (A, AN, X), trailing spaces removed.
    Text(&'a str),
    /// `N`, no decimals.
    Int(u64),
    /// `N` with implied decimals.
    Dec(Decimal),
    /// `MMDDCCYY` or `MMDDYY` date.
    Date(NaiveDate),
    /// `MMCCYY`.
    MonthYear(MonthYear),
    /// `HHMM` / `HHMMSS`.
    Time(Time),
}

impl fmt::Display for FieldValue<'_> {
    /// The canonical dump form of `spec-samples/README.md`: text as is, decimals with
    /// exactly the field's decimals, dates ISO, times `HH:MM[:SS]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(s) => f.write_str(s),
            FieldValue::Int(v) => write!(f, "{v}"),
            FieldValue::Dec(d) => write!(f, "{d}"),
            FieldValue::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            FieldValue::MonthYear(m) => write!(f, "{m}"),
            FieldValue::Time(t) => write!(f, "{t}"),
        }
    }
}

impl FieldDef {
    /// Reads this field from a record's bytes. `Ok(None)` when absent (all spaces).
    ///
    /// # Errors
    /// [`FieldErrorKind`] when the bytes do not fit the field's class or format.
    pub fn read<'a>(
        &self,
        raw: &'a [u8],
        lenient_n: bool,
    ) -> Result<Option<FieldValue<'a>>, FieldErrorKind> {
        let b = self.slice(raw);
        if b.len() < self.len() && self.kind != Kind::Text {
            // A short (lenient-padded) record: missing bytes are spaces, so a partly present
            // N field is digits followed by spaces, never valid.
            return if all_spaces(b) {
                Ok(None)
            } else {
                Err(FieldErrorKind::NotNumeric)
            };
        }
        Ok(match self.kind {
            Kind::Text => Text::read(b, lenient_n)?.map(FieldValue::Text),
            Kind::Int => Int::read(b, lenient_n)?.map(FieldValue::Int),
            Kind::Dec(d) => read_n(b, b.len(), lenient_n)?.map(|m| {
                FieldValue::Dec(Decimal::from_i128_with_scale(i128::from(m), u32::from(d)))
            }),
            Kind::Date8 => Date8::read(b, lenient_n)?.map(FieldValue::Date),
            Kind::MonthYear6 => MonthYear6::read(b, lenient_n)?.map(FieldValue::MonthYear),
            Kind::Date6 => Date6::read(b, lenient_n)?.map(FieldValue::Date),
            Kind::Hhmm => Hhmm::read(b, lenient_n)?.map(FieldValue::Time),
            Kind::Hhmmss => Hhmmss::read(b, lenient_n)?.map(FieldValue::Time),
        })
    }

    /// Writes a value given in the canonical dump form (the strings of the field dump and of
    /// the JSON model) into `out`, which must be this field's width and prefilled with
    /// spaces.
    ///
    /// # Errors
    /// [`EncodeErrorKind`] when the text does not parse for the field's kind, or the value
    /// does not fit (too long, too many decimals or digits, bytes outside SPEC 2.3).
    pub fn write_str(&self, value: &str, out: &mut [u8]) -> Result<(), EncodeErrorKind> {
        let bad = || EncodeErrorKind::BadValue {
            expected: self.expected_form(),
        };
        match self.kind {
            Kind::Text => Text::write(&value, out),
            Kind::Int => {
                if value.is_empty() || !value.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(bad());
                }
                let v: u64 = value
                    .parse()
                    .map_err(|_| EncodeErrorKind::TooManyDigits { width: out.len() })?;
                Int::write(&v, out)
            }
            Kind::Dec(d) => {
                if value.starts_with('-') {
                    return Err(EncodeErrorKind::Negative);
                }
                let (int, frac) = value.split_once('.').unwrap_or((value, ""));
                if int.is_empty()
                    || !int.bytes().all(|c| c.is_ascii_digit())
                    || !frac.bytes().all(|c| c.is_ascii_digit())
                {
                    return Err(bad());
                }
                let frac_trim = frac.trim_end_matches('0');
                if frac_trim.len() > usize::from(d) {
                    return Err(EncodeErrorKind::TooManyDecimals { decimals: d });
                }
                // Build the wire digits: integer part then exactly `d` fraction digits.
                let int = int.trim_start_matches('0');
                let total = int.len() + usize::from(d);
                if total > out.len() {
                    return Err(EncodeErrorKind::TooManyDigits { width: out.len() });
                }
                out.fill(b'0');
                let start = out.len() - total;
                for (i, c) in int.bytes().chain(frac_trim.bytes()).enumerate() {
                    if let Some(slot) = out.get_mut(start + i) {
                        *slot = c;
                    }
                }
                Ok(())
            }
            Kind::Date8 | Kind::Date6 => {
                let d = parse_iso_date(value).ok_or_else(|| match iso_date_shape(value) {
                    Some((year, month, day)) => EncodeErrorKind::NoSuchDate { year, month, day },
                    None => bad(),
                })?;
                if self.kind == Kind::Date8 {
                    Date8::write(&d, out)
                } else {
                    Date6::write(&d, out)
                }
            }
            Kind::MonthYear6 => {
                let (y, m) = value
                    .split_once('-')
                    .map_or((value, None), |(y, m)| (y, Some(m)));
                let year = digits_u16(y, 4).ok_or_else(bad)?;
                let month = match m {
                    Some(m) => Some(digits_u16(m, 2).ok_or_else(bad)? as u8),
                    None => None,
                };
                MonthYear6::write(&MonthYear { year, month }, out)
            }
            Kind::Hhmm | Kind::Hhmmss => {
                let parts: Vec<&str> = value.split(':').collect();
                let num = |s: &&str| -> Result<u8, EncodeErrorKind> {
                    digits_u16(s, 2).map(|n| n as u8).ok_or_else(bad)
                };
                let t = match (self.kind, parts.as_slice()) {
                    (Kind::Hhmm, [h, m]) => Time {
                        hour: num(h)?,
                        minute: num(m)?,
                        second: None,
                    },
                    (Kind::Hhmmss, [h, m, s]) => Time {
                        hour: num(h)?,
                        minute: num(m)?,
                        second: Some(num(s)?),
                    },
                    _ => return Err(bad()),
                };
                write_time(&t, out, self.kind == Kind::Hhmmss)
            }
        }
    }

    /// What a value of this field looks like in the dump form, for error messages.
    pub fn expected_form(&self) -> &'static str {
        match self.kind {
            Kind::Text => "text",
            Kind::Int => "an unsigned integer",
            Kind::Dec(_) => "an unsigned decimal such as \"12.34\"",
            Kind::Date8 | Kind::Date6 => "an ISO date YYYY-MM-DD",
            Kind::MonthYear6 => "YYYY-MM or YYYY",
            Kind::Hhmm => "a time HH:MM",
            Kind::Hhmmss => "a time HH:MM:SS",
        }
    }
}

/// Builds the 80 bytes of a record from its layout and a value lookup (dump form). Fields
/// the lookup returns `None` for are written as spaces (absent). Used by the JSON encoder and
/// the table-driven tests.
///
/// # Errors
/// [`crate::EncodeError`] naming the record and field whose value does not fit.
pub fn build_record<'v>(
    layout: &RecordLayout,
    mut value_of: impl FnMut(&'static FieldDef) -> Option<&'v str>,
) -> Result<[u8; 80], crate::EncodeError> {
    let mut out = [b' '; 80];
    let id = layout.id.as_bytes();
    if let Some(dst) = out.get_mut(..id.len()) {
        dst.copy_from_slice(id);
    }
    for f in layout.fields {
        if let Some(v) = value_of(f) {
            let slot = out
                .get_mut(f.start as usize - 1..f.end as usize)
                .unwrap_or_default();
            f.write_str(v, slot).map_err(|kind| crate::EncodeError {
                record: layout.id,
                field: f.name,
                start: f.start,
                end: f.end,
                kind,
            })?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_is_the_code_list() {
        // SPEC 2.3 (revision 6.2): 69 characters, `*` and `\` included, no lower case.
        let n = (0u8..=255).filter(|&b| is_cbp_char(b)).count();
        assert_eq!(n, 69);
        assert!(is_cbp_char(b'*') && is_cbp_char(b'\\'));
        assert!(!is_cbp_char(b'a') && !is_cbp_char(0x7F) && !is_cbp_char(b'\t'));
        // The table is exactly `codes/character-set.csv` (codes written `0xNN`).
        let listed: Vec<u8> =
            crate::codes::parse_code_list(include_str!("../spec/codes/character-set.csv"))
                .iter()
                .filter_map(|r| u8::from_str_radix(r.code.trim_start_matches("0x"), 16).ok())
                .collect();
        let table: Vec<u8> = (0u8..=255).filter(|&b| is_cbp_char(b)).collect();
        assert_eq!(listed, table);
    }

    #[test]
    fn n_fields() {
        assert_eq!(read_n(b"001", 3, false), Ok(Some(1)));
        assert_eq!(read_n(b"   ", 3, false), Ok(None));
        assert!(read_n(b"  1", 3, false).is_err());
        assert_eq!(read_n(b"  1", 3, true), Ok(Some(1)));
        assert!(read_n(b"1  ", 3, true).is_err());
        assert!(read_n(b"0 1", 3, true).is_err());
        assert!(read_n(b"-01", 3, true).is_err());
    }

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

    /// Year 0000 is no date: impossible on read (F-013), refused on write, and no ISO date
    /// of the dump form; the ISO form takes a four-digit year only.
    #[test]
    fn year_zero_and_short_years_are_no_dates() {
        assert_eq!(
            Date8::read(b"03160000", false),
            Err(FieldErrorKind::ImpossibleDate)
        );
        assert_eq!(
            MonthYear6::read(b"030000", false),
            Err(FieldErrorKind::ImpossibleDate)
        );
        assert_eq!(
            MonthYear6::read(b"000000", false),
            Err(FieldErrorKind::ImpossibleDate)
        );
        assert!(Date8::read(b"03160001", false).is_ok());
        let mut out = [b' '; 8];
        let year0 = NaiveDate::from_ymd_opt(0, 3, 16).unwrap_or_default();
        assert_eq!(
            Date8::write(&year0, &mut out),
            Err(EncodeErrorKind::DateOutOfRange)
        );
        let mut out6 = [b' '; 6];
        let my0 = MonthYear {
            year: 0,
            month: Some(3),
        };
        assert_eq!(
            MonthYear6::write(&my0, &mut out6),
            Err(EncodeErrorKind::DateOutOfRange)
        );
        assert_eq!(
            parse_iso_date("2026-03-16"),
            NaiveDate::from_ymd_opt(2026, 3, 16)
        );
        assert_eq!(
            parse_iso_date("0001-01-01"),
            NaiveDate::from_ymd_opt(1, 1, 1)
        );
        for bad in [
            "26-03-16",
            "0026-3-16",
            "2026-3-16",
            "2026-03-6",
            "+2026-03-16",
            "+202-03-16",
            "02026-03-16",
            " 2026-03-16",
            "2026-03-16 ",
            "0000-03-16",
            "2026-02-30",
            "2026/03/16",
            "2026-+3-16",
            "20260316",
            "",
            "é026-03-16",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad:?}");
        }
        // The dump form of MMCCYY and times takes digits only (no sign).
        let f = FieldDef {
            name: "x",
            start: 1,
            end: 6,
            class: Class::N,
            designation: Designation::O,
            kind: Kind::MonthYear6,
        };
        let mut out6 = [b' '; 6];
        assert!(f.write_str("+202-03", &mut out6).is_err());
        assert!(f.write_str("2026-+3", &mut out6).is_err());
        assert!(f.write_str("0000-03", &mut out6).is_err());
        assert_eq!(f.write_str("2026-03", &mut out6), Ok(()));
        assert_eq!(&out6, b"032026");
    }
}

// ---------------------------------------------------------------------------------------
// Word-at-a-time field check (the parse fast path)
// ---------------------------------------------------------------------------------------

/// Most non-text fields a layout may have for the word-at-a-time check (`SO70` has 8);
/// a layout with more is always checked field by field.
const FAST_MAX_FIELDS: usize = 12;

/// `0x01` in every byte of a word (word-at-a-time byte tests).
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

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
