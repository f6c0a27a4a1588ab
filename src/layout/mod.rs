//! The field and record declaration machinery: data classes, designations, field kinds,
//! padding, implied decimals, dates and times (SPEC 2.4–2.6).
//!
//! Every record layout of the crate is declared once, with the `record_layouts!` macro in
//! [`crate::records`]. One declaration produces the typed struct, its parser, its writer, the
//! [`RecordLayout`] table used by the field dump, the JSON encoder and the docs.

// The parts: `bytes` (byte-level helpers: the CBP character set, digits, ISO dates),
// `kinds` (one type per field kind, each reads and writes its values), `value` (table-driven
// access: `FieldValue`, the dump form, `build_record`), `fast` (the word-at-a-time check of
// the parse fast path); this file holds the layout table's types and `field!`.
mod bytes;
mod fast;
mod kinds;
mod value;

pub use crate::wire::ascii::{is_cbp_char, parse_iso_date};
pub(crate) use bytes::all_spaces;
pub(crate) use fast::FastCheck;
pub(crate) use kinds::{Date6, Date8, Dec, FieldKind, Hhmm, Hhmmss, Int, MonthYear6, Text};
pub use kinds::{MonthYear, Time};
pub use value::{build_record, FieldValue};

#[cfg(doc)]
use chrono::NaiveDate;
#[cfg(doc)]
use rust_decimal::Decimal;

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
