//! Dynamic (table-driven) access, for the field dump and the JSON encoder: [`FieldValue`],
//! the dump form of a field ([`FieldDef::read`], [`FieldDef::write_str`]) and
//! [`build_record`].

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::bytes::all_spaces;
use super::kinds::{read_dec, write_dec, write_time};
use super::{
    Date6, Date8, FieldDef, FieldKind, Hhmm, Hhmmss, Int, Kind, MonthYear, MonthYear6,
    RecordLayout, Text, Time,
};
use crate::error::{EncodeErrorKind, FieldErrorKind};
use crate::wire::ascii::{iso_date_shape, parse_iso_date};
use crate::wire::grammar::{decimal_text, iso_month_year, iso_time, whole};

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
            Kind::Dec(d) => read_dec(b, d, lenient_n)?.map(FieldValue::Dec),
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
            Kind::Dec(d) => write_dec(&parse_dump_decimal(value, d, out.len(), bad)?, d, out),
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
                let (year, month) = whole(iso_month_year, value).ok_or_else(bad)?;
                let my = MonthYear {
                    year: year as u16,
                    month: month.map(|m| m as u8),
                };
                MonthYear6::write(&my, out)
            }
            Kind::Hhmm | Kind::Hhmmss => {
                let seconds = self.kind == Kind::Hhmmss;
                let (h, m, s) = whole(iso_time(seconds), value).ok_or_else(bad)?;
                let t = Time {
                    hour: h as u8,
                    minute: m as u8,
                    second: s.map(|s| s as u8),
                };
                write_time(&t, out, seconds)
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

/// Reads a decimal in the dump form (`12.34`, `0012.3400`, `5`, `5.`; no sign, no exponent)
/// for a field with `decimals` implied decimals and `width` digits: the exact value, for
/// [`write_dec`] to write. Trailing zeros of the fraction and leading zeros of the integer
/// part do not count.
///
/// # Errors
/// `Negative` for a leading `-`; `bad()` for anything but digits with at most one point
/// and at least one integer digit; `TooManyDecimals` for more significant fraction digits
/// than the field has; `TooManyDigits` when the value has more digits than the field.
fn parse_dump_decimal(
    value: &str,
    decimals: u8,
    width: usize,
    bad: impl FnOnce() -> EncodeErrorKind,
) -> Result<Decimal, EncodeErrorKind> {
    if value.starts_with('-') {
        return Err(EncodeErrorKind::Negative);
    }
    let (int, frac) = whole(decimal_text, value).ok_or_else(bad)?;
    let frac = frac.trim_end_matches('0');
    if frac.len() > usize::from(decimals) {
        return Err(EncodeErrorKind::TooManyDecimals { decimals });
    }
    let too_many = EncodeErrorKind::TooManyDigits { width };
    let mantissa = int
        .trim_start_matches('0')
        .bytes()
        .chain(frac.bytes())
        .try_fold(0i128, |m, c| {
            m.checked_mul(10)?.checked_add(i128::from(c - b'0'))
        })
        .ok_or(too_many)?;
    // `frac.len() <= decimals`, a handful of digits: the scale is in range.
    Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32).map_err(|_| too_many)
}

/// Builds the 80 bytes of a record from its layout and a value lookup (dump form). Fields
/// the lookup returns `None` for are written as spaces (absent). Used by the JSON encoder and
/// the table-driven tests.
///
/// # Errors
/// [`crate::error::EncodeError`] naming the record and field whose value does not fit.
pub fn build_record<'v>(
    layout: &RecordLayout,
    mut value_of: impl FnMut(&'static FieldDef) -> Option<&'v str>,
) -> Result<[u8; 80], crate::error::EncodeError> {
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
            f.write_str(v, slot)
                .map_err(|kind| crate::error::EncodeError {
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
    use crate::layout::{Class, Designation};

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
        let f = FieldDef::new("x", 1, 6, Class::N, Designation::O, Kind::MonthYear6);
        let mut out6 = [b' '; 6];
        assert!(f.write_str("+202-03", &mut out6).is_err());
        assert!(f.write_str("2026-+3", &mut out6).is_err());
        assert!(f.write_str("0000-03", &mut out6).is_err());
        assert_eq!(f.write_str("2026-03", &mut out6), Ok(()));
        assert_eq!(&out6, b"032026");
    }

    /// The dump form and the typed struct write implied decimals through one writer: the
    /// same bytes, or the same refusal, never a rounded value.
    #[test]
    fn dump_form_and_typed_decimals_write_alike() {
        let f = FieldDef::new("q", 1, 12, Class::N, Designation::O, Kind::Dec(2));
        let dump = |v: &str| {
            let mut out = [b' '; 12];
            f.write_str(v, &mut out).map(|()| out)
        };
        let typed = |v: &str| {
            let mut out = [b' '; 12];
            let d: Decimal = v.parse().unwrap_or_default();
            super::super::Dec::<2>::write(&d, &mut out).map(|()| out)
        };
        for v in [
            "0",
            "5",
            "5.",
            "12.34",
            "0012.3400",
            "1824.000",
            "9999999999.99",
        ] {
            assert!(dump(v).is_ok(), "{v}");
            assert_eq!(dump(v), typed(v), "{v}");
        }
        assert_eq!(dump("12.34").ok().as_ref(), Some(b"000000001234"));
        for v in ["277.345", "1.001"] {
            let err = Err(EncodeErrorKind::TooManyDecimals { decimals: 2 });
            assert_eq!(dump(v), err, "{v}");
            assert_eq!(typed(v), err, "{v}");
        }
        let too_big = Err(EncodeErrorKind::TooManyDigits { width: 12 });
        assert_eq!(dump("10000000000"), too_big);
        assert_eq!(typed("10000000000"), too_big);
        // Beyond what a Decimal holds: refused as too many digits, not rounded.
        assert_eq!(dump(&"9".repeat(40)), too_big);
        assert_eq!(
            dump(&format!("{}1.5", "0".repeat(60))).ok().as_ref(),
            Some(b"000000000150")
        );
        assert_eq!(dump("-0"), Err(EncodeErrorKind::Negative));
        assert_eq!(dump("-1.5"), Err(EncodeErrorKind::Negative));
        for bad in [".5", "", "+1", "1.2.3", "1e3", " 1"] {
            assert!(
                matches!(dump(bad), Err(EncodeErrorKind::BadValue { .. })),
                "{bad:?}"
            );
        }
    }
}
