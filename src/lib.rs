//! # ace-pga
//!
//! Decoder and encoder for the U.S. Customs and Border Protection (CBP) ACE **PGA Message
//! Set**: the fixed-width, 80-byte CATAIR records (`OI`, `PG00`–`PG60`) that customs brokers
//! and filing software transmit to ACE inside the ABI envelope (`A`, `B`, `Y`, `Z`) and host
//! transactions (Cargo Release `SE`, Entry Summary `AE`), plus the response records that
//! concern PGA data (`SE90`, `SO70`–`SO72`). Its first profile is the USDA **National Organic
//! Program import certificate** (agency `AMS`, program `OR`, message types OR1 and OR2).
//!
//! Reference: the crate's `spec/SPEC.md` (CATAIR PGA Message Set, July 2026 edition), with
//! `spec/records.csv` (every field of every record) and `spec/codes/`.
//!
//! ## Layers
//!
//! The folders of `src/` are the layers, lowest first; a module imports only from its own
//! layer or a lower one (README "Architecture").
//!
//! ```text
//! bytes → wire → layout → records → tree → transmission → profiles (AMS OR) → compose
//!       → validate → write (JSON model, field dump) → stream → response
//! ```
//!
//! * [`error`] and [`options`]: errors as data (one diagnostic model: [`RuleId`] and the rule
//!   catalogue, [`Location`], [`Problem`], [`BuildError`]); the named leniencies and limits.
//! * [`wire`]: line terminators (LF, CRLF, CR, none), 80-byte slicing, line numbers
//!   ([`wire::framing`]), the CBP character set and ISO dates ([`wire::ascii`]).
//! * [`codes`]: code lists with validity dates.
//! * [`layout`]: the field and record declaration machinery and the fast check.
//! * [`records`]: one typed struct per layout (45 layouts, `SO70` with its variants
//!   `SO70@04` and `SO70@THRU`), declared once in a table that also drives parsing,
//!   serializing, the field dump and these docs; host-record positions ([`records::host`]);
//!   [`Record`], a record in context.
//! * [`tree`]: batches → blocks → transactions → HTS anchors → OI groups → PGA lines, as
//!   the [`FlatTree`] a parse builds and the nested [`Tree`] built from it on request.
//! * [`transmission`]: [`Transmission`], the parse loop and the serializer; [`RecordReader`],
//!   the parse loop without the tree (borrowed records one by one, no allocation per record).
//! * [`profile::ams_or`]: the typed organic view of an AMS OR line and its builder.
//! * [`compose`]: whole transmissions (envelope, host records, anchors, OI groups, PGA lines)
//!   from typed values; building never validates.
//! * [`validate`]: the rules, their report and its JSON document; `built.validate(&opts)`.
//! * [`write`](mod@write): the owned JSON model of `decode`/`encode`, the decode document
//!   and the field dump.
//! * [`stream`]: unit-by-unit reading in bounded memory, and counts ([`stream::stats`]).
//! * [`response`]: SX / SO / UC responses mapped back to the PGA lines.
//! * [`normalize`]: the opt-in normaliser behind `ace-pga fix`. It never changes what a value
//!   means and never moves a field: it makes only same-meaning replacements (upper case,
//!   accented Latin letters, typographic quotes and dashes, ligatures), removes only characters
//!   without meaning, writes every record it fixes as 80 bytes in the input's framing, and
//!   leaves everything else in place, reported as not fixable.
//!
//! The [`guide`] walks through parse → inspect → validate → build → serialize → read the
//! response, documents the JSON contract and lists the cargo features.
//!
//! ## Example
//!
//! ```
//! use ace_pga::{Transmission, profile::ams_or::OrganicLine};
//!
//! let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
//! let tx = Transmission::parse(&input)?;                 // strict by default
//! let line = tx.tree().pga_lines().next().expect("a PGA line");
//! let organic = OrganicLine::from_line(line).expect("an AMS OR line");
//! assert_eq!(organic.message_type.as_str(), "OR2");
//! assert_eq!(organic.certificates[0].number.to_string(), "417-2093856104-557321");
//! assert_eq!(organic.net_quantity_kg.map(|q| q.to_string()), Some("1824.00".into()));
//! assert_eq!(tx.to_bytes(), input);                      // byte for byte
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub, missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

// Layers, lowest first; a module imports only from its own layer or lower ones
// (README "Architecture").
pub mod codes;
pub mod compose;
pub mod error;
pub mod guide;
pub mod layout;
pub mod normalize;
pub mod options;
pub mod profile;
pub mod records;
pub mod response;
pub mod stream;
pub mod transmission;
pub mod tree;
pub mod validate;
pub mod wire;
pub mod write;

#[doc(inline)]
pub use compose::TransmissionBuilder;
#[doc(inline)]
pub use error::{
    BuildError, EncodeError, FieldError, Location, LooksLike, ParseError, ParseNameError, Problem,
    ProblemKind, RuleId, Severity,
};
#[doc(inline)]
pub use options::{Limits, ParseOptions, DEFAULT_MAX_INPUT_LEN};
#[doc(inline)]
pub use records::{Body, Record, RecordType};
#[doc(inline)]
pub use response::Correlation;
#[doc(inline)]
pub use transmission::{RecordReader, Transmission};
#[doc(inline)]
pub use tree::{FlatTree, Tree};
#[doc(inline)]
pub use wire::parse_iso_date;
#[doc(inline)]
pub use wire::{Framing, Terminator};
#[doc(inline)]
pub use write::owned::{OwnedRecord, OwnedTransmission};

/// Date type of date fields (re-exported from `chrono`).
pub use chrono::NaiveDate;
/// Exact decimal type of `N` fields with implied decimals (re-exported from `rust_decimal`).
pub use rust_decimal::Decimal;

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
