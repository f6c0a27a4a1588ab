//! Errors as data: every problem names the line, the record and the byte columns.

use std::fmt;

pub mod rules;

pub use rules::{RuleId, RuleIdError};

/// What is wrong with one field's bytes (parse side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// An `N` field holds something other than all digits or all spaces (SPEC F-007).
    #[error("not all digits and not all spaces (class N: right-justified, zero-filled)")]
    NotNumeric,
    /// A text field holds a byte ≥ 0x80 (SPEC F-002); `offset` is 0-based within the field.
    #[error("byte 0x{byte:02X} is not ASCII")]
    NonAscii {
        /// 0-based offset of the byte within the field.
        offset: u8,
        /// The byte.
        byte: u8,
    },
    /// An impossible date (SPEC F-013): month 13, 31 April, `00000000`, year `0000` …
    #[error("impossible date")]
    ImpossibleDate,
    /// An impossible time (SPEC F-014): minute 60, `2401` …
    #[error("impossible time")]
    ImpossibleTime,
}

/// A field of a record that could not be typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("field {field} (bytes {start}-{end}): {kind}")]
pub struct FieldError {
    /// Canonical field name (`records.csv`).
    pub field: &'static str,
    /// First byte, 1-based.
    pub start: u8,
    /// Last byte, 1-based inclusive.
    pub end: u8,
    /// What is wrong.
    pub kind: FieldErrorKind,
}

impl FieldError {
    /// Column range of the offending bytes: one byte for [`FieldErrorKind::NonAscii`], the
    /// whole field otherwise.
    pub fn columns(&self) -> (u8, u8) {
        match self.kind {
            FieldErrorKind::NonAscii { offset, .. } => (self.start + offset, self.start + offset),
            _ => (self.start, self.end),
        }
    }
}

/// Why the serializer refused a value (SPEC F-030 … F-032). It never truncates or rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// F-030: the value is longer than the field.
    #[error("value is {len} bytes, the field holds {width}")]
    TooLong {
        /// Length of the value in bytes.
        len: usize,
        /// Width of the field.
        width: usize,
    },
    /// F-031: more digits than the field holds.
    #[error("too many digits for a {width}-byte N field")]
    TooManyDigits {
        /// Width of the field.
        width: usize,
    },
    /// F-031: more decimals than the field's implied decimals.
    #[error("more than {decimals} decimals (the serializer never rounds)")]
    TooManyDecimals {
        /// Implied decimals of the field.
        decimals: u8,
    },
    /// F-031: negative value in an unsigned N field.
    #[error("negative value in an unsigned N field")]
    Negative,
    /// F-032: a byte outside the CBP character set (SPEC 2.3): newline, CR, NUL, lower case …
    #[error("byte 0x{byte:02X} at value position {position} is outside the CBP character set")]
    InvalidByte {
        /// 0-based position in the value.
        position: usize,
        /// The byte.
        byte: u8,
    },
    /// A date or time that cannot be written in the field's format: year `0000` or above
    /// `9999`, an `MMDDYY` year outside 2000–2099, minute 60 …
    #[error("date or time out of range for the field's format")]
    DateOutOfRange,
    /// A date in the form `YYYY-MM-DD` that names no day of the calendar (`2026-02-30`,
    /// month 13, year `0000`).
    #[error("{year:04}-{month:02}-{day:02} is not a real date ({})", if *year == 0 { "year 0000 is no year" } else { "no such day in the calendar" })]
    NoSuchDate {
        /// The year as given.
        year: u16,
        /// The month as given.
        month: u16,
        /// The day as given.
        day: u16,
    },
    /// A dump-form value that does not parse for the field's kind.
    #[error("expected {expected}")]
    BadValue {
        /// Description of the expected form.
        expected: &'static str,
    },
}

impl EncodeErrorKind {
    /// The SPEC 6.1 rule id: F-030 (too long), F-031 (decimals, digits, sign, dates),
    /// F-032 (bytes outside the CBP set).
    pub fn rule(&self) -> RuleId {
        match self {
            EncodeErrorKind::TooLong { .. } => RuleId::F_030,
            EncodeErrorKind::InvalidByte { .. } => RuleId::F_032,
            _ => RuleId::F_031,
        }
    }
}

/// The serializer refused a value: names the record, field and byte columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{record}.{field} (bytes {start}-{end}): {kind}")]
pub struct EncodeError {
    /// Record identifier.
    pub record: &'static str,
    /// Field name.
    pub field: &'static str,
    /// First byte, 1-based.
    pub start: u8,
    /// Last byte, 1-based inclusive.
    pub end: u8,
    /// Why.
    pub kind: EncodeErrorKind,
}

impl EncodeError {
    /// Column range of the field refused (1-based, inclusive), as [`FieldError::columns`]
    /// and [`Location::columns`] give columns.
    pub fn columns(&self) -> (u8, u8) {
        (self.start, self.end)
    }
}

/// Which record a [`BuildError`] is about.
///
/// `index` is the record's 1-based **position** in the records being built (composing with
/// [`crate::compose`] or a line builder); `line` is the `line` an owned record of the JSON
/// model carries (its line in the input it was decoded from); `record` is always the record
/// **identifier** (`PG14`, `GE90`), when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RecordRef {
    /// 1-based position of the record in the records being built.
    pub index: Option<usize>,
    /// The owned record's `line` (JSON model), when given.
    pub line: Option<u32>,
    /// Record identifier, when known.
    pub record: Option<String>,
}

impl RecordRef {
    /// The record at 1-based position `index` of the records being built.
    pub fn at_index(index: usize, record: Option<&str>) -> Self {
        RecordRef {
            index: Some(index),
            line: None,
            record: record.map(str::to_string),
        }
    }

    /// An owned record of the JSON model: its `line` (if given) and identifier.
    pub fn owned(line: Option<u32>, record: &str) -> Self {
        RecordRef {
            index: None,
            line,
            record: Some(record.to_string()),
        }
    }
}

impl fmt::Display for RecordRef {
    /// `built record 7 (PG14)` for a position, `line 13, record PG14` for an owned record
    /// (`record without identifier` when it has none).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.record.as_deref().filter(|r| !r.is_empty());
        if let Some(i) = self.index {
            write!(f, "built record {i}")?;
            if let Some(l) = self.line {
                write!(f, ", line {l}")?;
            }
            return match id {
                Some(r) => write!(f, " ({})", r.escape_debug()),
                None => Ok(()),
            };
        }
        if let Some(l) = self.line {
            write!(f, "line {l}, ")?;
        }
        match id {
            Some(r) => write!(f, "record {}", r.escape_debug()),
            None => write!(f, "record without identifier"),
        }
    }
}

/// Why records could not be built: composed from typed values ([`crate::compose`], the
/// line builders of [`crate::profile::ams_or`] and `compose::PgaLineBuilder`) or encoded from
/// the owned JSON model (`write::owned`, what `ace-pga encode` reads). A builder writes only
/// 80-byte records and never truncates, rounds or drops a value: what it cannot write is
/// refused here, naming the record ([`RecordRef`]) and, for a value, the field and its byte
/// columns. Whether the records make a valid filing is a separate question (validation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A value does not fit its field (SPEC F-030 … F-032).
    #[error("{at}, field {} (bytes {}-{}): {} ({})", source.field, source.start, source.end, source.kind, source.kind.rule())]
    Encode {
        /// The record.
        at: RecordRef,
        /// The serializer's refusal (record layout, field, columns, why).
        source: EncodeError,
    },
    /// `fields` of an owned record names a field the record's layout does not have.
    #[error("{at}: unknown field {} (not in the {layout} layout of records.csv)", field.escape_debug())]
    UnknownField {
        /// The record.
        at: RecordRef,
        /// The layout's name in `records.csv` (`SO70`, `SO70@04`, `SO70@THRU` …).
        layout: &'static str,
        /// The unknown name.
        field: String,
    },
    /// An owned record's `variant` is not the layout variant its `raw` is read with
    /// (SPEC 7.2): `raw` wins, so the `variant` given would be dropped silently.
    #[error("{at}: {}", variant_mismatch(given, *read, *has_variants))]
    VariantMismatch {
        /// The record.
        at: RecordRef,
        /// The `variant` given.
        given: String,
        /// The name of the layout `raw` is read with (`SO70`, `SO70@04` …), `None` for a
        /// record without a layout (host or unknown record).
        read: Option<&'static str>,
        /// Whether the record read has layout variants at all (only `SO70` has).
        has_variants: bool,
    },
    /// An owned record's `raw` is not 80 bytes: encode writes only 80-byte records.
    #[error("{at}: raw is {len} bytes, a record is 80 (encode writes only 80-byte records)")]
    RawLength {
        /// The record.
        at: RecordRef,
        /// Length of `raw` in bytes.
        len: usize,
    },
    /// A host record given to the composer is not 80 bytes (longer than 80, or not 80
    /// where exactly 80 was required).
    #[error("{at}: host record is {len} bytes, expected 80")]
    HostLength {
        /// The record.
        at: RecordRef,
        /// Its length.
        len: usize,
    },
    /// A host record contains a line terminator byte (CR or LF), which would split it.
    #[error("{at}: host record contains a line terminator byte at column {column}")]
    HostTerminator {
        /// The record.
        at: RecordRef,
        /// 1-based column of the byte.
        column: usize,
    },
    /// A record given as an HTS anchor is not one (`SE60` or `50`, SPEC 3.3).
    #[error("{at}: an HTS anchor must be an SE60 or 50 record, found {found:?}")]
    NotAnAnchor {
        /// The record.
        at: RecordRef,
        /// The record's first bytes.
        found: String,
    },
    /// An owned record's shape: `fields` given for a record without a layout, neither
    /// `fields` nor `raw`, a `raw` that is not the record named or disagrees with `fields`,
    /// or a terminator that would merge records.
    #[error("{at}: {what}")]
    Shape {
        /// The record.
        at: RecordRef,
        /// What is wrong.
        what: &'static str,
    },
    /// An owned transmission's `trailing` holds what is not a trailing empty line or `0x1A`
    /// bytes (with framing `none`: anything but fewer than 80 `0x1A` bytes): written after
    /// the last record it would be read as a record that is not 80 bytes.
    #[error("trailing: {what}")]
    Trailing {
        /// What is wrong.
        what: &'static str,
    },
}

/// The [`RecordRef`] of a [`BuildError`] (a reference or a mutable one, as given): every
/// variant names its record but [`BuildError::Trailing`]. One list of the variants for
/// [`BuildError::record`] and `BuildError::shifted`.
macro_rules! record_of {
    ($e:expr) => {
        match $e {
            BuildError::Encode { at, .. }
            | BuildError::UnknownField { at, .. }
            | BuildError::VariantMismatch { at, .. }
            | BuildError::RawLength { at, .. }
            | BuildError::HostLength { at, .. }
            | BuildError::HostTerminator { at, .. }
            | BuildError::NotAnAnchor { at, .. }
            | BuildError::Shape { at, .. } => Some(at),
            BuildError::Trailing { .. } => None,
        }
    };
}

impl BuildError {
    /// The record the error is about (`None` for [`BuildError::Trailing`]).
    pub fn record(&self) -> Option<&RecordRef> {
        record_of!(self)
    }

    /// The field a value of which does not fit ([`BuildError::Encode`]) or is unknown
    /// ([`BuildError::UnknownField`]).
    pub fn field(&self) -> Option<&str> {
        match self {
            BuildError::Encode { source, .. } => Some(source.field),
            BuildError::UnknownField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The SPEC 6.1 rule of a value that does not fit (F-030 … F-032).
    pub fn rule(&self) -> Option<RuleId> {
        match self {
            BuildError::Encode { source, .. } => Some(source.kind.rule()),
            _ => None,
        }
    }

    /// Appends an encoded record to `out`, or refuses its value naming the position it
    /// would have had (`out.len() + 1`) and the record's layout.
    pub(crate) fn push_encoded(
        out: &mut Vec<[u8; 80]>,
        encoded: Result<[u8; 80], EncodeError>,
    ) -> Result<(), BuildError> {
        let index = out.len().saturating_add(1);
        let bytes = encoded.map_err(|source| BuildError::Encode {
            at: RecordRef::at_index(index, Some(source.record)),
            source,
        })?;
        out.push(bytes);
        Ok(())
    }

    /// The error with the record's position moved by `by` records (a line builder's records
    /// placed after `by` others).
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        if let Some(at) = record_of!(&mut self) {
            at.index = at.index.map(|i| i.saturating_add(by));
        }
        self
    }
}

/// The message of [`BuildError::VariantMismatch`].
fn variant_mismatch(given: &str, read: Option<&'static str>, has_variants: bool) -> String {
    let given = given.escape_debug();
    match read {
        Some(layout) if !has_variants => format!(
            "variant \"{given}\" given for a record whose layout ({layout}) has no variants \
             (remove variant)"
        ),
        Some(layout) => format!(
            "variant \"{given}\" is not the layout raw is read with ({layout}, chosen by the \
             bytes: SO70 version 04 in bytes 79-80 is variant \"04\", a blank version with \
             THRU in bytes 63-66 is variant \"THRU\"; remove variant or make it match raw)"
        ),
        None => format!(
            "variant \"{given}\" given for a record without a layout (raw is a host or \
             unknown record: remove variant)"
        ),
    }
}

/// Severity of a parse diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    /// Tolerated (lenient mode, or a harmless deviation).
    Warning,
    /// The input is not a valid transmission.
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`, as the CLI and the JSON write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no [`Severity`], [`crate::Terminator`] or record type, for their
/// `FromStr` implementations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {given:?} is not one of {expected}")]
pub struct ParseNameError {
    /// What was being parsed (`severity`, `terminator`, `record type`).
    pub what: &'static str,
    /// The text given.
    pub given: String,
    /// The accepted words.
    pub expected: &'static str,
}

impl std::str::FromStr for Severity {
    type Err = ParseNameError;
    /// `error` or `warning` (lower case, as [`Severity::as_str`] writes them).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            _ => Err(ParseNameError {
                what: "severity",
                given: s.to_string(),
                expected: "error, warning",
            }),
        }
    }
}

/// What a parse diagnostic is about. Each variant maps to a SPEC rule id ([`Self::rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// F-001: record length is not 80 bytes.
    RecordLength {
        /// Bytes found (without terminator).
        len: usize,
        /// Whether the bytes beyond 80 were all spaces (long records only).
        extra_is_space: bool,
    },
    /// A field could not be typed (F-002, F-007, F-013, F-014).
    Field(FieldError),
    /// F-015: unknown record identifier, kept in place.
    UnknownRecord {
        /// A record of the table this one resembles (lower-case id in strict mode).
        resembles: Option<&'static str>,
    },
    /// F-015 (lenient): lower-case identifier recognised case-insensitively.
    LowerCaseId,
    /// F-016: UTF-8 byte order mark at byte 0.
    ByteOrderMark,
    /// F-017: bytes after the last record (e.g. 0x1A).
    TrailingData {
        /// Number of bytes.
        len: usize,
    },
    /// F-018: terminator-less input whose length is not a multiple of 80.
    Remainder {
        /// Number of bytes after the last whole record.
        len: usize,
    },
    /// F-019: mixed line terminators (first deviating line).
    MixedTerminators,
    /// F-020: empty input.
    EmptyInput,
    /// F-021: input looks like EBCDIC.
    Ebcdic,
    /// F-023: the input is not a CATAIR transmission (JSON, binary data, UTF-16 text, or no
    /// known record identifier at the start of any of its first 100 lines). A whole-input
    /// problem: nothing else is reported.
    NotCatair(LooksLike),
    /// A record count or size limit of [`crate::options::ParseOptions`] was exceeded.
    LimitExceeded {
        /// Which limit.
        limit: &'static str,
    },
}

impl ProblemKind {
    /// The SPEC 6 rule id this problem belongs to.
    pub fn rule(&self) -> RuleId {
        match self {
            ProblemKind::RecordLength { .. } => RuleId::F_001,
            ProblemKind::Field(f) => match f.kind {
                FieldErrorKind::NotNumeric => RuleId::F_007,
                FieldErrorKind::NonAscii { .. } => RuleId::F_002,
                FieldErrorKind::ImpossibleDate => RuleId::F_013,
                FieldErrorKind::ImpossibleTime => RuleId::F_014,
            },
            ProblemKind::UnknownRecord { .. } | ProblemKind::LowerCaseId => RuleId::F_015,
            ProblemKind::ByteOrderMark => RuleId::F_016,
            ProblemKind::TrailingData { .. } => RuleId::F_017,
            ProblemKind::Remainder { .. } => RuleId::F_018,
            ProblemKind::MixedTerminators => RuleId::F_019,
            ProblemKind::EmptyInput => RuleId::F_020,
            ProblemKind::Ebcdic => RuleId::F_021,
            ProblemKind::NotCatair(_) => RuleId::F_023,
            ProblemKind::LimitExceeded { .. } => RuleId::LIMIT,
        }
    }
}

/// What an input that is not a CATAIR transmission looks like (SPEC 6.1, F-023). The checks
/// run in this order on the input after a UTF-8 byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LooksLike {
    /// After leading whitespace the input starts with `{` or `[` (`open`): JSON, such as the
    /// output of `ace-pga decode` or `ace-pga dump`.
    Json {
        /// The first non-whitespace byte (`{` or `[`).
        open: u8,
    },
    /// More than 10 % of the first 4,096 bytes are outside printable ASCII, CR, LF and TAB,
    /// and the input starts with a UTF-16 byte order mark or holds a NUL byte in every other
    /// position: UTF-16 text.
    Utf16,
    /// More than 10 % of the first `examined` bytes (at most 4,096) are outside printable
    /// ASCII, CR, LF and TAB, and the lines do not look like records (the first line and at
    /// least half of the lines start with a known record identifier): a real filing with many
    /// accented letters or odd bytes is checked byte by byte (F-002, F-003), not refused as
    /// binary.
    Binary {
        /// Bytes outside printable ASCII, CR, LF and TAB.
        unprintable: usize,
        /// Bytes examined.
        examined: usize,
    },
    /// None of the first `lines` lines (at most 100) starts with a known record identifier
    /// (`A`, `B`, `Y`, `Z`, `OI`, a `PGnn` of `records.csv`, or a host record shape: two
    /// letters and two digits such as `SE10`, or two digits such as `10`).
    NoRecordIdentifier {
        /// Lines examined.
        lines: usize,
    },
}

impl fmt::Display for LooksLike {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LooksLike::Json { open } => write!(
                f,
                "looks like JSON (starts with `{}`), e.g. the output of `ace-pga decode` or \
                 `ace-pga dump`; `ace-pga encode` turns decode JSON back into records",
                char::from(*open)
            ),
            LooksLike::Utf16 => write!(
                f,
                "looks like UTF-16 (or UTF-32) text; CATAIR records are ASCII, one byte per \
                 character: save the file as ASCII"
            ),
            LooksLike::Binary {
                unprintable,
                examined,
            } => write!(
                f,
                "looks like binary data ({unprintable} of the first {examined} bytes are not \
                 printable ASCII, CR, LF or TAB)"
            ),
            LooksLike::NoRecordIdentifier { lines } => write!(
                f,
                "none of the first {lines} line(s) starts with a record identifier (A, B, Y, \
                 Z, OI, PG01 ... PG60, or a host record such as SE10 or 10)"
            ),
        }
    }
}

/// Where a diagnostic points in the input: the record's line, its identifier, the byte
/// columns within it and the byte offset. Shared by parse problems ([`Problem`]) and
/// validation findings (`validate::Finding`); `Display` writes it the one way both use:
/// `line 12, record PG14, columns 43-50 (byte offset 729)`, or `input (byte offset 0)` for a
/// whole-input diagnostic.
///
/// `record` is always the record's **identifier** (`PG14`, `SE10`); a record's position is
/// its `line` (1-based, the record number of the input).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// 1-based record line (`None` for whole-input diagnostics).
    pub line: Option<u32>,
    /// Record identifier, when known.
    pub record: Option<String>,
    /// 1-based inclusive byte columns within the record, when the diagnostic is about bytes
    /// or a field (SPEC 6.0).
    pub columns: Option<(u8, u8)>,
    /// Byte offset in the input where the record (or the problem) starts.
    pub offset: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}")?,
            None => write!(f, "input")?,
        }
        if let Some(r) = &self.record {
            write!(f, ", record {r}")?;
        }
        if let Some((s, e)) = self.columns {
            write!(f, ", columns {s}-{e}")?;
        }
        write!(f, " (byte offset {})", self.offset)
    }
}

/// Writes a diagnostic the one way the crate shows them: `error[F-013] line 10, record PG14,
/// columns 43-50 (byte offset 729): message`, then ` (CBP P01)` when a CBP code is given.
/// [`Problem`] and `validate::Finding` display through it.
pub fn write_diagnostic(
    f: &mut fmt::Formatter<'_>,
    severity: Severity,
    rule: RuleId,
    location: &Location,
    message: &dyn fmt::Display,
    cbp_code: Option<&str>,
) -> fmt::Result {
    write!(f, "{severity}[{rule}] {location}: {message}")?;
    if let Some(c) = cbp_code {
        write!(f, " (CBP {c})")?;
    }
    Ok(())
}

/// A problem found while parsing, with its position. Parsing collects these as data; the
/// strict entry points turn error-severity ones into an `Err`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where: line (`None` for whole-input problems), record identifier, columns, offset.
    pub location: Location,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Problem {
    /// The SPEC 6 rule id of the problem ([`ProblemKind::rule`]).
    pub fn rule(&self) -> RuleId {
        self.kind.rule()
    }

    /// The warning that the record at `line` (1-based) and byte `offset` is the first whose
    /// terminator differs from the input's convention (SPEC F-019, reported once per input).
    pub fn mixed_terminators(line: u32, offset: usize) -> Problem {
        Problem {
            severity: Severity::Warning,
            location: Location {
                line: Some(line),
                offset,
                record: None,
                columns: None,
            },
            kind: ProblemKind::MixedTerminators,
        }
    }
}

impl fmt::Display for Problem {
    /// `error[F-001] line 3, record PG14, columns 1-4 (byte offset 240): what is wrong`
    /// ([`write_diagnostic`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_diagnostic(
            f,
            self.severity,
            self.kind.rule(),
            &self.location,
            &self.kind,
            None,
        )
    }
}

impl fmt::Display for ProblemKind {
    /// What is wrong, without position (the message part of a [`Problem`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::RecordLength {
                len,
                extra_is_space,
            } => {
                // The same words wherever the problem is printed (`check`'s report, the
                // warnings and errors of `decode`, `dump`, `fix`), with what to do.
                // Hints only where they hold: a short line may have lost its trailing spaces
                // or its data, a long one may hold a multi-byte character (F-002).
                let bytes = if *len == 1 { "byte" } else { "bytes" };
                write!(f, "record is {len} {bytes}, expected 80: ")?;
                if *len == 0 {
                    write!(f, "an empty line (remove it)")
                } else if *len < 80 {
                    write!(f, "if only trailing spaces were trimmed, pad the line with spaces to 80 bytes (`ace-pga fix` does); if data is missing, restore the line from its source")
                } else if *extra_is_space {
                    write!(
                        f,
                        "only spaces after column 80 (`ace-pga fix` removes them)"
                    )
                } else {
                    write!(
                        f,
                        "data after column 80 (a multi-byte character also makes a record longer)"
                    )
                }
            }
            ProblemKind::Field(e) => write!(f, "{e}"),
            ProblemKind::UnknownRecord { resembles: Some(r) } => {
                write!(f, "unknown record identifier (record ids are upper case: did you mean {r}?); kept in place")
            }
            ProblemKind::UnknownRecord { resembles: None } => {
                write!(
                    f,
                    "unknown record identifier; kept in place and re-emitted unchanged"
                )
            }
            ProblemKind::LowerCaseId => {
                write!(f, "lower-case record identifier recognised (lenient)")
            }
            ProblemKind::ByteOrderMark => {
                write!(f, "byte order mark at byte 0; parsing resumes at byte 3")
            }
            ProblemKind::TrailingData { len } => write!(
                f,
                "{len} byte(s) after the last record (0x1A, a DOS end-of-file marker; `--lenient` \
                 ignores them, `ace-pga fix` removes them)"
            ),
            ProblemKind::Remainder { len } => {
                write!(f, "input without line terminators is not a multiple of 80 bytes: {len} byte(s) left over")
            }
            ProblemKind::MixedTerminators => {
                write!(f, "line terminator differs from the first line's")
            }
            ProblemKind::EmptyInput => write!(f, "empty input"),
            ProblemKind::Ebcdic => write!(f, "input looks like EBCDIC, not ASCII"),
            ProblemKind::NotCatair(looks) => write!(f, "not a CATAIR transmission: {looks}"),
            ProblemKind::LimitExceeded { limit } => {
                write!(f, "limit {limit} exceeded")?;
                let what = match *limit {
                    "max_input_len" => "the input is longer than the largest input accepted (ParseOptions::max_input_len, ace-pga --max-input-len)",
                    "max_records_per_pga_line" => "this PGA line (PG01 up to the next PG01 or OI) has more records than allowed (ParseOptions::max_records_per_pga_line, ace-pga --max-records-per-pga-line)",
                    "max_pga_lines_per_oi" => "this OI group has more PGA lines (PG01) than allowed (ParseOptions::max_pga_lines_per_oi, ace-pga --max-pga-lines-per-oi)",
                    "flat_tree_records" => "the flat tree indexes at most 4,294,967,295 records (u32)",
                    _ => return Ok(()),
                };
                write!(f, ": {what}")
            }
        }
    }
}

/// The strict parse failed: all error-severity problems, in input order (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// The problems; the first is shown by `Display`.
    pub problems: Vec<Problem>,
}

impl ParseError {
    /// The first problem.
    pub fn first(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.first() {
            Some(p) => write!(f, "{p}")?,
            None => write!(f, "parse failed")?,
        }
        if self.problems.len() > 1 {
            write!(f, " (and {} more)", self.problems.len() - 1)?;
        }
        Ok(())
    }
}
