//! The field and record declaration machinery: data classes, designations, field kinds,
//! padding, implied decimals, dates and times (SPEC 2.4–2.6).
//!
//! Every record layout of the crate is declared once, with the `record_layouts!` macro in
//! [`crate::records`]. One declaration produces the typed struct, its parser, its writer, the
//! [`RecordLayout`] table used by the field dump, the JSON encoder and the docs.

// The parts: `bytes` (byte-level helpers: the CBP character set, digits, ISO dates),
// `kinds` (one type per field kind, each reads and writes its values), `value` (table-driven
// access: `FieldValue`, the dump form, `build_record`), `fast` (the word-at-a-time check of
// the parse fast path); this file holds the layout table's types and their columns.
mod bytes;
mod fast;
mod kinds;
mod value;

pub use crate::wire::ascii::{is_cbp_char, parse_iso_date};
pub(crate) use bytes::all_spaces;
pub(crate) use fast::FastCheck;
pub(crate) use kinds::{
    trimmed_len, Date6, Date8, Dec, FieldKind, Hhmm, Hhmmss, Int, MonthYear6, Text,
};
pub use kinds::{MonthYear, Time};
pub use value::{build_record, FieldValue};

#[cfg(doc)]
use chrono::NaiveDate;
#[cfg(doc)]
use rust_decimal::Decimal;

use crate::codes::CodeList;

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

/// The values a field with a closed code list may hold (SPEC F-012).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Codes {
    /// The rows of a `spec/codes/` list (compared with their validity dates).
    List(CodeList),
    /// The values the chapter prints for an indicator field (`Y`, `X`, `1`–`3` …).
    Values(&'static [&'static str]),
}

/// The closed code list of a field: a column of the layout table (SPEC F-012).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Closed {
    /// The values the field may hold.
    pub codes: Codes,
    /// CBP error code of a value outside the list (`P07`, `P17` …), when CBP names one.
    pub cbp_code: Option<&'static str>,
    /// A value outside the list is a warning, not an error: the chapter and the shipped
    /// samples disagree (PG34 `travel_document_type_code`, SPEC 6.1 P26).
    pub advisory: bool,
}

/// One field of a record layout (one non-filler row of `records.csv`), with the columns
/// validation reads (CBP code of a blank mandatory field, closed code list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
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
    /// CBP error code when this mandatory field is blank (`P02` for the OI description …;
    /// SPEC F-011), when CBP names one.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub blank_cbp: Option<&'static str>,
    /// The field's closed code list (SPEC F-012), if it has one.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub closed: Option<Closed>,
    /// CBP blanks this mandatory field in its output (the `A` communication password,
    /// SPEC 3.3): blank there is no finding (E-010).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub blanked_in_output: bool,
}

impl FieldDef {
    /// A field without the validation columns (no CBP code, no closed list); the layout
    /// table adds them with [`Self::blank`], [`Self::codes`], [`Self::values`],
    /// [`Self::cbp`], [`Self::advisory`] and [`Self::blanked_in_output`].
    pub const fn new(
        name: &'static str,
        start: u8,
        end: u8,
        class: Class,
        designation: Designation,
        kind: Kind,
    ) -> Self {
        FieldDef {
            name,
            start,
            end,
            class,
            designation,
            kind,
            blank_cbp: None,
            closed: None,
            blanked_in_output: false,
        }
    }

    /// The field with the CBP error code of its blank value (F-011).
    pub const fn blank(self, cbp_code: &'static str) -> Self {
        FieldDef {
            blank_cbp: Some(cbp_code),
            ..self
        }
    }

    /// The field with a closed code list of `spec/codes/` (F-012).
    pub const fn codes(self, list: CodeList) -> Self {
        self.closed_by(Codes::List(list))
    }

    /// The field with a closed list of literal values (F-012).
    pub const fn values(self, values: &'static [&'static str]) -> Self {
        self.closed_by(Codes::Values(values))
    }

    const fn closed_by(self, codes: Codes) -> Self {
        FieldDef {
            closed: Some(Closed {
                codes,
                cbp_code: None,
                advisory: false,
            }),
            ..self
        }
    }

    /// The field with the CBP error code of a value outside its closed list (after
    /// [`Self::codes`] or [`Self::values`]; no effect without a list).
    pub const fn cbp(self, cbp_code: &'static str) -> Self {
        match self.closed {
            Some(c) => FieldDef {
                closed: Some(Closed {
                    cbp_code: Some(cbp_code),
                    ..c
                }),
                ..self
            },
            None => self,
        }
    }

    /// The field with a closed list whose outside values are warnings (after
    /// [`Self::codes`] or [`Self::values`]; no effect without a list).
    pub const fn advisory(self) -> Self {
        match self.closed {
            Some(c) => FieldDef {
                closed: Some(Closed {
                    advisory: true,
                    ..c
                }),
                ..self
            },
            None => self,
        }
    }

    /// The field, marked as blanked by CBP in its output.
    pub const fn blanked_in_output(self) -> Self {
        FieldDef {
            blanked_in_output: true,
            ..self
        }
    }

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
        slice(raw, self.start, self.end)
    }
}

/// Bytes `start..=end` (1-based) of `raw`, as far as they exist.
fn slice(raw: &[u8], start: u8, end: u8) -> &[u8] {
    let s = (usize::from(start) - 1).min(raw.len());
    let e = usize::from(end).min(raw.len());
    raw.get(s..e).unwrap_or_default()
}

/// What a filler row may hold: a column of the layout table (SPEC F-006, E-009).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum FillerContent {
    /// Spaces only: data there is an error (F-006; in the envelope CBP rejects the batch,
    /// Batch & Block Control rev 23 condition X39).
    Spaces,
    /// Spaces in the current layout; older layouts carry one of these values there, accepted
    /// with a warning and written as spaces (`B` / `Y` 2–3 `00` / `01`, SPEC E-009).
    Legacy(&'static [&'static str]),
    /// Spaces on input; CBP output carries data here (`B` 13–44 statement data, SPEC E-009).
    OutputData,
}

/// A filler row of a layout: its bytes and what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Filler {
    /// First byte, 1-based inclusive.
    pub start: u8,
    /// Last byte, 1-based inclusive.
    pub end: u8,
    /// What the bytes may hold.
    pub content: FillerContent,
}

impl Filler {
    /// The filler's bytes in `raw`, as [`FieldDef::slice`].
    pub fn slice<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        slice(raw, self.start, self.end)
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
    /// Filler rows in byte order; always spaces when written.
    pub fillers: &'static [Filler],
}

impl RecordLayout {
    /// Looks a field up by its canonical name (for names known only at run time: the JSON
    /// model, the command line; code that knows the record uses its constants, e.g.
    /// `Pg14::LPCO_NUMBER`).
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Whether `constant` is `field` in upper case (`LPCO_NUMBER` for `lpco_number`): the
/// `record_layouts!` macro checks every constant name of the table with it at compile time.
pub(crate) const fn is_constant_name(constant: &str, field: &str) -> bool {
    let (c, f) = (constant.as_bytes(), field.as_bytes());
    if c.len() != f.len() {
        return false;
    }
    let mut i = 0;
    while i < c.len() {
        #[allow(clippy::indexing_slicing)] // `i < c.len() == f.len()` by the loop condition
        if c[i] != f[i].to_ascii_uppercase() {
            return false;
        }
        i += 1;
    }
    true
}
