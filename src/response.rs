//! Response correlation: map CBP's answers back to the PGA lines of the original
//! transmission, so that a caller can ask "what is the status of certificate
//! 417-2093856104-557321?" (SPEC 7).
//!
//! * An **`SX`** Cargo Release response echoes the submitted transaction with `SE90`
//!   condition records after the records in error (SPEC 7.1). Each echoed PGA line is matched
//!   to the submitted one by its address — entry number, CBP line number, tariff position,
//!   agency and PGA line number ([`LineAddress`]) — and every record-level `SE90` attached to
//!   the line's records (or to its `OI` / HTS anchor) becomes a [`Condition`] of that line.
//!   The final `SE90` of the transaction (message type `01` rejected, `02` accepted, `03`
//!   accepted with warnings) becomes the line's [`LineStatus::cargo_release`].
//! * An **`SO`** (Cargo Release) or **`UC`** (Entry Summary) status notification carries
//!   `SO70` dispositions (also `WO70`/`PO70`) with their `SO71`/`SO72` records (SPEC 7.2).
//!   Each `SO70` addresses the range `begin…end` of (CBP line, tariff position, PGA line)
//!   triples of one agency; it applies to every submitted PGA line of that agency and entry
//!   whose triple lies in the range. The PGA line number counts per agency under an `OI`
//!   (SPEC 4.7), so the agency is part of the key.
//!
//! The **status** of a line ([`LineStatus::status`]) is the latest agency disposition (by
//! status date and time, then by arrival order) when there is one; otherwise the outcome of
//! the Cargo Release response (rejected, accepted); otherwise [`Status::NotReported`].
//!
//! The CBP line number and the entry number live in host records, which this crate keeps raw
//! (SPEC 1.1); the few positions the correlation reads are in one place, [`host`].
//!
//! ```
//! use ace_pga::response::{Correlation, Status};
//! use ace_pga::Transmission;
//!
//! let submission = std::fs::read("spec-samples/valid/or2-single.txt")?;
//! let sx = std::fs::read("spec-samples/valid/sx-response.txt")?;
//! let so = std::fs::read("spec-samples/valid/so-status.txt")?;
//!
//! let mut book = Correlation::new(&Transmission::parse(&submission)?);
//! book.add_response("sx-response.txt", &Transmission::parse(&sx)?);
//! book.add_response("so-status.txt", &Transmission::parse(&so)?);
//!
//! let lines = book.by_certificate("417-2093856104-557321");
//! assert_eq!(lines.len(), 1);
//! assert_eq!(lines[0].status(), Status::MayProceed);
//! let latest = lines[0].latest().expect("an agency disposition");
//! assert_eq!(latest.status_code(), Some("07"));
//! assert_eq!(latest.comments, ["NOP IMPORT CERTIFICATE VERIFIED. SHIPMENT MAY PROCEED."]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::layout::Time;
use crate::record::Record;
use crate::records::{Body, RecordType};
use crate::tree::{Item, Node, OiGroup, PgaItem, PgaLine, Transaction};
use crate::Transmission;

/// Positions in **host records** that the correlation reads: the entry number of a
/// transaction and the CBP line number of an HTS anchor.
///
/// SPEC.md does not lay out host records (SPEC 1.1: they are kept raw). These positions are
/// transcribed from the shipped samples (`spec-samples/`) and the public transcription of the
/// Cargo Release and Entry Summary chapters, confidence **T1** (SPEC 1.3): confirm them
/// against the CBP chapters before relying on them for production traffic. They are kept in
/// this one table so that a correction is a one-line change.
///
/// | record | field | bytes | example |
/// |---|---|---|---|
/// | `SE10` (Cargo Release header) | entry filer code | 6–8 | `SE10AQ7K  31547720` → `Q7K` |
/// | `SE10` | entry number | 11–18 | → `31547720` |
/// | `SE40` (Cargo Release line) | CBP line number | 5–7 | `SE40001PE …` → `001` |
/// | `SE60` (Cargo Release HTS) | HTS anchor; tariff position = 1, 2 … after each `SE40` | — | |
/// | `10` (Entry Summary header) | entry filer code | 3–5 | `10Q7K315477611` → `Q7K` |
/// | `10` | entry number | 6–13 | → `31547761` |
/// | `40` (Entry Summary line) | CBP line number | 3–5 | `40001PE …` → `001` |
/// | `50` (Entry Summary tariff) | HTS anchor; tariff position = 1, 2 … after each `40` | — | |
/// | `SO10` (status notification header) | entry filer code | 5–7 | `SO10Q7K31547720` → `Q7K` |
/// | `SO10` | entry number | 8–15 | → `31547720` |
/// | `SO71` reference qualifier `EN` | filer code + entry number | reference 1–3 / 4–11 | `Q7K31547720` |
pub mod host {
    /// A field of a host record.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct HostField {
        /// Record identifier (`SE10`, `40` …).
        pub record: &'static str,
        /// What the field holds.
        pub name: &'static str,
        /// First byte, 1-based.
        pub start: usize,
        /// Last byte, 1-based inclusive.
        pub end: usize,
    }

    impl HostField {
        /// The field's bytes as text with surrounding spaces removed; `None` when blank,
        /// beyond the record or not ASCII.
        pub fn read<'a>(&self, raw: &'a [u8]) -> Option<&'a str> {
            let b = raw.get(self.start - 1..self.end.min(raw.len()))?;
            let s = std::str::from_utf8(b).ok()?.trim();
            (!s.is_empty()).then_some(s)
        }
    }

    /// `SE10` entry filer code, bytes 6–8 (T1, samples).
    pub const SE10_ENTRY_FILER: HostField = HostField {
        record: "SE10",
        name: "entry filer code",
        start: 6,
        end: 8,
    };
    /// `SE10` entry number, bytes 11–18 (T1, samples).
    pub const SE10_ENTRY_NUMBER: HostField = HostField {
        record: "SE10",
        name: "entry number",
        start: 11,
        end: 18,
    };
    /// `SE40` CBP line number, bytes 5–7 (T1, samples).
    pub const SE40_CBP_LINE: HostField = HostField {
        record: "SE40",
        name: "CBP line number",
        start: 5,
        end: 7,
    };
    /// `10` entry filer code, bytes 3–5 (T1, samples).
    pub const AE10_ENTRY_FILER: HostField = HostField {
        record: "10",
        name: "entry filer code",
        start: 3,
        end: 5,
    };
    /// `10` entry number, bytes 6–13 (T1, samples).
    pub const AE10_ENTRY_NUMBER: HostField = HostField {
        record: "10",
        name: "entry number",
        start: 6,
        end: 13,
    };
    /// `40` CBP line number, bytes 3–5 (T1, samples).
    pub const AE40_CBP_LINE: HostField = HostField {
        record: "40",
        name: "CBP line number",
        start: 3,
        end: 5,
    };
    /// `SO10` entry filer code, bytes 5–7 (T1, samples).
    pub const SO10_ENTRY_FILER: HostField = HostField {
        record: "SO10",
        name: "entry filer code",
        start: 5,
        end: 7,
    };
    /// `SO10` entry number, bytes 8–15 (T1, samples).
    pub const SO10_ENTRY_NUMBER: HostField = HostField {
        record: "SO10",
        name: "entry number",
        start: 8,
        end: 15,
    };

    /// Every host field above.
    pub const HOST_FIELDS: &[HostField] = &[
        SE10_ENTRY_FILER,
        SE10_ENTRY_NUMBER,
        SE40_CBP_LINE,
        AE10_ENTRY_FILER,
        AE10_ENTRY_NUMBER,
        AE40_CBP_LINE,
        SO10_ENTRY_FILER,
        SO10_ENTRY_NUMBER,
    ];

    /// Records that carry an entry number: (record id, filer field, number field).
    pub(crate) const ENTRY_HEADERS: &[(&str, HostField, HostField)] = &[
        ("SE10", SE10_ENTRY_FILER, SE10_ENTRY_NUMBER),
        ("10", AE10_ENTRY_FILER, AE10_ENTRY_NUMBER),
        ("SO10", SO10_ENTRY_FILER, SO10_ENTRY_NUMBER),
    ];

    /// Records that open a CBP line: (record id, line number field).
    pub(crate) const LINE_RECORDS: &[(&str, HostField)] =
        &[("SE40", SE40_CBP_LINE), ("40", AE40_CBP_LINE)];

    /// Records that are HTS anchors (SPEC 3.3).
    pub(crate) const ANCHORS: &[&str] = &["SE60", "50"];
}

/// An entry number: the filer code and the number as they appear in the host records
/// (e.g. `Q7K` + `31547720`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EntryNumber {
    /// Entry filer code (3 characters), when known.
    pub filer: Option<String>,
    /// The number after the filer code.
    pub number: String,
}

impl EntryNumber {
    /// Whether two entry numbers denote the same entry: equal numbers, and equal filer codes
    /// when both are known.
    pub fn same_entry(&self, other: &EntryNumber) -> bool {
        self.number == other.number
            && match (&self.filer, &other.filer) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// Reads `filer + number` from an `SO71` `EN` reference (`Q7K31547720`).
    fn from_reference(s: &str) -> Option<EntryNumber> {
        let s = s.trim();
        if s.len() > 3 && s.is_char_boundary(3) {
            let (filer, number) = s.split_at(3);
            Some(EntryNumber {
                filer: Some(filer.to_string()),
                number: number.to_string(),
            })
        } else {
            None
        }
    }
}

impl fmt::Display for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(filer) = &self.filer {
            f.write_str(filer)?;
        }
        f.write_str(&self.number)
    }
}

fn entry_of_host(r: &Record<'_>) -> Option<EntryNumber> {
    if r.record_type != RecordType::Host {
        return None;
    }
    let id = r.id();
    host::ENTRY_HEADERS
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .and_then(|(_, filer, number)| {
            Some(EntryNumber {
                filer: filer.read(r.raw).map(str::to_string),
                number: number.read(r.raw)?.to_string(),
            })
        })
}

fn cbp_line_of_host(r: &Record<'_>) -> Option<Option<u64>> {
    if r.record_type != RecordType::Host {
        return None;
    }
    let id = r.id();
    host::LINE_RECORDS
        .iter()
        .find(|(rid, _)| *rid == id)
        .map(|(_, f)| f.read(r.raw).and_then(|s| s.parse().ok()))
}

/// The address of a PGA line in its host transaction: what responses refer to (SPEC 7.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LineAddress {
    /// Entry number of the transaction (from `SE10` / `10`), when readable.
    pub entry: Option<EntryNumber>,
    /// CBP line number (from the last `SE40` / `40` before the anchor), when readable.
    pub cbp_line: Option<u64>,
    /// Which HTS anchor within the CBP line (1 = first `SE60` / `50` after the line record).
    pub tariff_position: Option<u64>,
    /// `PG01.agency_code`.
    pub agency: Option<String>,
    /// `PG01.pga_line_number` (counted per agency under the OI).
    pub pga_line_number: Option<u64>,
}

impl LineAddress {
    fn same_line(&self, other: &LineAddress) -> bool {
        let entry = match (&self.entry, &other.entry) {
            (Some(a), Some(b)) => a.same_entry(b),
            (None, None) => true,
            _ => false,
        };
        entry
            && self.cbp_line == other.cbp_line
            && self.tariff_position == other.tariff_position
            && self.agency == other.agency
            && self.pga_line_number == other.pga_line_number
    }

    /// The SO70 triple (CBP line, tariff position, PGA line).
    pub fn triple(&self) -> Option<(u64, u64, u64)> {
        Some((self.cbp_line?, self.tariff_position?, self.pga_line_number?))
    }
}

impl fmt::Display for LineAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |v: Option<u64>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
        if let Some(e) = &self.entry {
            write!(f, "entry {e}, ")?;
        }
        write!(
            f,
            "CBP line {}, tariff position {}, {} line {}",
            n(self.cbp_line),
            n(self.tariff_position),
            self.agency.as_deref().unwrap_or("?"),
            n(self.pga_line_number)
        )
    }
}

/// One PGA line of the submission, with what identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SubmittedLine {
    /// Its address (entry, CBP line, tariff position, agency, PGA line number).
    pub address: LineAddress,
    /// Line of the `PG01` in the submission.
    pub pg01_line: u32,
    /// Line of the HTS anchor (`SE60` / `50`), if the OI group follows one.
    pub anchor_line: Option<u32>,
    /// The `OI` commercial description.
    pub description: Option<String>,
    /// `PG01.program_code`.
    pub program: Option<String>,
    /// `PG01.processing_code`.
    pub processing_code: Option<String>,
    /// `PG01.disclaimer_code`.
    pub disclaimer: Option<String>,
    /// Every `PG14.lpco_number` of the line (for AMS OR: the certificate numbers).
    pub certificates: Vec<String>,
    /// Lines of every record of the PGA line in the submission (the `PG01` first, attached
    /// conditions left out), to map echoed records back.
    pub record_lines: Vec<u32>,
}

impl SubmittedLine {
    /// Program + processing code (`OR2`, `MO1`, `FOO` …).
    pub fn message_type(&self) -> String {
        format!(
            "{}{}",
            self.program.as_deref().unwrap_or(""),
            self.processing_code.as_deref().unwrap_or("")
        )
    }
}

/// Where a response record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Source {
    /// The name the response was added under ([`Correlation::add_response`]).
    pub response: String,
    /// Its 0-based arrival index.
    pub index: usize,
    /// 1-based line of the record in the response.
    pub line: u32,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.response, self.line)
    }
}

/// What an `SE90` condition is attached to (SPEC 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Scope {
    /// A record of the PGA line itself.
    Line,
    /// The line's `OI` (applies to every line of the group).
    OiGroup,
    /// The line's HTS anchor or its sub-records (applies to every line under it).
    Anchor,
    /// The transaction as a whole (the final `SE90`, or a condition on another host
    /// record).
    Transaction,
}

/// An `SE90` (or `GE90`) condition from a Cargo Release response (SPEC 7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Condition {
    /// Where the `SE90` is.
    pub source: Source,
    /// What it is attached to.
    pub scope: Scope,
    /// Identifier of the echoed record it follows (`PG01`, `OI`, `SE60` …), if any.
    pub after_record: Option<String>,
    /// Line in the **submission** of the record it follows, when the echo matches.
    pub submitted_line: Option<u32>,
    /// `message_type_code` (`01`, `02`, `03`, `11`, `13`).
    pub message_type: Option<String>,
    /// `message_id_code` (the condition code, e.g. `PW2`).
    pub message_id: Option<String>,
    /// `narrative`.
    pub narrative: Option<String>,
}

impl Condition {
    /// The message type's meaning from `codes/se90-message-types.csv`.
    pub fn meaning(&self) -> Option<&'static str> {
        let t = self.message_type.as_deref()?;
        crate::codes::find(crate::codes::se90_message_types(), t)
            .next()
            .map(|r| r.meaning.as_str())
    }

    /// Whether the condition rejects (message type `01` transaction rejected or `11` record
    /// rejected).
    pub fn is_rejection(&self) -> bool {
        matches!(self.message_type.as_deref(), Some("01" | "11"))
    }

    fn from_record(r: &Record<'_>, source: Source, scope: Scope) -> Option<Condition> {
        let Some(Body::Se90(s)) = r.body() else {
            return None;
        };
        Some(Condition {
            source,
            scope,
            after_record: None,
            submitted_line: None,
            message_type: s.message_type_code.map(str::to_string),
            message_id: s.message_id_code.map(str::to_string),
            narrative: s.narrative.map(|n| n.trim().to_string()),
        })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message_type.as_deref().unwrap_or("??"))?;
        if let Some(id) = &self.message_id {
            write!(f, " {id}")?;
        }
        if let Some(n) = &self.narrative {
            write!(f, " {n}")?;
        }
        Ok(())
    }
}

/// A (CBP line, tariff position, PGA line) triple of an `SO70` range.
pub type Triple = (u64, u64, u64);

/// An `SO70` agency disposition with its `SO71` / `SO72` records (SPEC 7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AgencyDisposition {
    /// Where the `SO70` is.
    pub source: Source,
    /// The entry it is about (from the `SO10` before it or an `SO71` `EN` reference).
    pub entry: Option<EntryNumber>,
    /// `agency_code`.
    pub agency: Option<String>,
    /// `program_code`.
    pub program: Option<String>,
    /// `status_date`.
    pub status_date: Option<NaiveDate>,
    /// `status_time`.
    pub status_time: Option<Time>,
    /// `entry_status_code` (`07` may proceed, `10` document required, `04` rejected …).
    pub entry_status_code: Option<String>,
    /// `entry_status_message`.
    pub entry_status_message: Option<String>,
    /// `pga_line_status_code`.
    pub pga_line_status_code: Option<String>,
    /// `status_reason_code`.
    pub reason_code: Option<String>,
    /// First (CBP line, tariff position, PGA line) of the range; `None` when blank.
    pub begin: Option<Triple>,
    /// Last triple of the range; `None` when blank.
    pub end: Option<Triple>,
    /// `document_type_code`: the document the agency requires (through DIS).
    pub document_type: Option<String>,
    /// `hold_type`.
    pub hold_type: Option<String>,
    /// `processing_group_version` (`01`–`03`); blank means the pre-version layout, whose
    /// range is not read (SPEC 7.2).
    pub version: Option<String>,
    /// `SO71` references: (qualifier, number).
    pub references: Vec<(Option<String>, String)>,
    /// `SO71` receipt date.
    pub receipt_date: Option<NaiveDate>,
    /// `SO71` receipt time.
    pub receipt_time: Option<Time>,
    /// `SO71` sub-reason codes.
    pub sub_reasons: Vec<String>,
    /// `SO72` comments in order.
    pub comments: Vec<String>,
}

impl AgencyDisposition {
    /// The status of the PGA line: `pga_line_status_code`, else `entry_status_code`.
    pub fn status_code(&self) -> Option<&str> {
        self.pga_line_status_code
            .as_deref()
            .or(self.entry_status_code.as_deref())
    }

    /// The status code's meaning from `codes/so70-status-codes.csv`.
    pub fn meaning(&self) -> Option<&'static str> {
        let c = self.status_code()?;
        crate::codes::find(crate::codes::so70_status_codes(), c)
            .next()
            .map(|r| r.meaning.as_str())
    }

    /// Whether the range is usable: a version is present (SPEC 7.2) and begin and end are
    /// both present or both blank.
    fn range_usable(&self) -> bool {
        self.version.is_some() && self.begin.is_some() == self.end.is_some()
    }

    /// Whether the disposition addresses `line` (same agency, same entry when both are
    /// known, triple within `begin..=end`; a blank range addresses every line of the agency
    /// in the entry).
    pub fn addresses(&self, line: &LineAddress) -> bool {
        if !self.range_usable() || self.agency != line.agency {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.entry, &line.entry) {
            if !a.same_entry(b) {
                return false;
            }
        }
        match (self.begin, self.end) {
            (Some(begin), Some(end)) => line.triple().is_some_and(|t| begin <= t && t <= end),
            _ => true,
        }
    }

    /// Chronological order: status date, then time; undated dispositions first.
    fn chrono_key(&self) -> (Option<NaiveDate>, Option<Time>) {
        (self.status_date, self.status_time)
    }

    fn from_node(d: &crate::tree::Disposition<Record<'_>>, source: Source) -> Option<Self> {
        let Some(Body::So70(s)) = d.so70.record.body() else {
            return None;
        };
        let owned = |v: Option<&str>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let triple = |c: Option<u64>, t: Option<u64>, p: Option<u64>| Some((c?, t?, p?));
        let mut out = AgencyDisposition {
            source,
            entry: None,
            agency: owned(s.agency_code),
            program: owned(s.program_code),
            status_date: s.status_date,
            status_time: s.status_time,
            entry_status_code: owned(s.entry_status_code),
            entry_status_message: owned(s.entry_status_message),
            pga_line_status_code: owned(s.pga_line_status_code),
            reason_code: owned(s.status_reason_code),
            begin: triple(
                s.begin_cbp_line_number,
                s.begin_tariff_position,
                s.begin_pga_line_number,
            ),
            end: triple(
                s.end_cbp_line_number,
                s.end_tariff_position,
                s.end_pga_line_number,
            ),
            document_type: owned(s.document_type_code),
            hold_type: owned(s.hold_type),
            version: owned(s.processing_group_version),
            references: Vec::new(),
            receipt_date: None,
            receipt_time: None,
            sub_reasons: Vec::new(),
            comments: Vec::new(),
        };
        for n in &d.details {
            match n.record.body() {
                Some(Body::So71(r)) => {
                    for (q, num) in [
                        (r.reference_qualifier_1, r.reference_number_1),
                        (r.reference_qualifier_2, r.reference_number_2),
                    ] {
                        if let Some(num) = owned(num) {
                            out.references.push((owned(q), num));
                        }
                    }
                    out.receipt_date = out.receipt_date.or(r.receipt_date);
                    out.receipt_time = out.receipt_time.or(r.receipt_time);
                    out.sub_reasons.extend(
                        [
                            r.sub_reason_code_1,
                            r.sub_reason_code_2,
                            r.sub_reason_code_3,
                            r.sub_reason_code_4,
                            r.sub_reason_code_5,
                            r.sub_reason_code_6,
                            r.sub_reason_code_7,
                            r.sub_reason_code_8,
                            r.sub_reason_code_9,
                            r.sub_reason_code_10,
                        ]
                        .into_iter()
                        .filter_map(owned),
                    );
                }
                Some(Body::So72(r)) => out.comments.extend(owned(r.comment_text)),
                _ => {}
            }
        }
        Some(out)
    }

    /// The entry named by an `SO71` `EN` reference, if any.
    fn entry_reference(&self) -> Option<EntryNumber> {
        self.references
            .iter()
            .find(|(q, _)| q.as_deref() == Some("EN"))
            .and_then(|(_, n)| EntryNumber::from_reference(n))
    }
}

impl fmt::Display for AgencyDisposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = self.status_date {
            write!(f, "{d}")?;
            if let Some(t) = self.status_time {
                write!(f, " {t}")?;
            }
            f.write_str(" ")?;
        }
        write!(
            f,
            "{} {}",
            self.agency.as_deref().unwrap_or("?"),
            self.status_code().unwrap_or("??")
        )?;
        if let Some(m) = &self.entry_status_message {
            write!(f, " {m}")?;
        }
        if let Some(d) = &self.document_type {
            write!(f, " (document {d})")?;
        }
        Ok(())
    }
}

/// The derived status of a PGA line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// No response mentions the line.
    NotReported,
    /// The Cargo Release response rejected the transaction (`SE90` `01`) or a record of
    /// the line (`11`), and no agency disposition followed.
    Rejected,
    /// The Cargo Release response accepted the transaction (`02`/`03`), or reported only
    /// non-rejecting conditions on the line; no agency disposition yet.
    Accepted,
    /// Latest agency disposition `07`: may proceed (final for the agency).
    MayProceed,
    /// Latest agency disposition `10`: document required (submit through DIS).
    DocumentRequired,
    /// Latest agency disposition `04`: data rejected per PGA review.
    DataRejected,
    /// Latest agency disposition with another code (kept verbatim).
    Other(String),
}

impl Status {
    fn from_code(code: Option<&str>) -> Status {
        match code {
            Some("07") => Status::MayProceed,
            Some("10") => Status::DocumentRequired,
            Some("04") => Status::DataRejected,
            Some(c) => Status::Other(c.to_string()),
            None => Status::Other(String::new()),
        }
    }

    /// A short machine name (`may_proceed`, `document_required` …; `disposition_NN` for
    /// other codes).
    pub fn name(&self) -> String {
        match self {
            Status::NotReported => "not_reported".into(),
            Status::Rejected => "rejected".into(),
            Status::Accepted => "accepted".into(),
            Status::MayProceed => "may_proceed".into(),
            Status::DocumentRequired => "document_required".into(),
            Status::DataRejected => "data_rejected".into(),
            Status::Other(c) => format!("disposition_{c}"),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::NotReported => f.write_str("no response"),
            Status::Rejected => f.write_str("rejected"),
            Status::Accepted => f.write_str("accepted, awaiting agency"),
            Status::MayProceed => f.write_str("07 may proceed"),
            Status::DocumentRequired => f.write_str("10 document required"),
            Status::DataRejected => f.write_str("04 data rejected"),
            Status::Other(c) => write!(f, "{c} (disposition)"),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// Everything known about one submitted PGA line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LineStatus {
    /// The submitted line.
    pub line: SubmittedLine,
    /// Final `SE90` dispositions of the Cargo Release responses for the line's transaction
    /// (`01`, `02`, `03`), in arrival order.
    pub cargo_release: Vec<Condition>,
    /// Record-level `SE90` conditions on the line, its `OI` or its anchor, in arrival order.
    pub conditions: Vec<Condition>,
    /// Agency dispositions addressing the line, in arrival order.
    pub dispositions: Vec<AgencyDisposition>,
}

impl LineStatus {
    /// The latest agency disposition: greatest status date and time; among equals, the one
    /// that arrived last.
    pub fn latest(&self) -> Option<&AgencyDisposition> {
        self.dispositions
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| a.chrono_key().cmp(&b.chrono_key()).then_with(|| i.cmp(j)))
            .map(|(_, d)| d)
    }

    /// The agency dispositions in chronological order.
    pub fn history(&self) -> Vec<&AgencyDisposition> {
        let mut v: Vec<(usize, &AgencyDisposition)> =
            self.dispositions.iter().enumerate().collect();
        v.sort_by(|(i, a), (j, b)| match a.chrono_key().cmp(&b.chrono_key()) {
            Ordering::Equal => i.cmp(j),
            o => o,
        });
        v.into_iter().map(|(_, d)| d).collect()
    }

    /// The derived status (see the module docs).
    pub fn status(&self) -> Status {
        if let Some(d) = self.latest() {
            return Status::from_code(d.status_code());
        }
        let last_cr = self.cargo_release.last();
        if last_cr.is_some_and(Condition::is_rejection)
            || self.conditions.iter().any(Condition::is_rejection)
        {
            return Status::Rejected;
        }
        if last_cr.is_some() {
            return Status::Accepted;
        }
        if self.conditions.is_empty() {
            Status::NotReported
        } else {
            Status::Accepted
        }
    }
}

/// What one added response contained.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResponseSummary {
    /// The name it was added under.
    pub name: String,
    /// Application id of its blocks (`SX`, `SO`, `UC` …).
    pub application_ids: Vec<String>,
    /// `A` user data (CBP echoes the submission's, SPEC 3.1).
    pub batch_user_data: Option<String>,
    /// Whether the `A` user data equals the submission's (`None` when either is blank).
    pub user_data_matches: Option<bool>,
    /// `SE90` conditions mapped to at least one submitted line.
    pub conditions_matched: usize,
    /// Agency dispositions mapped to at least one submitted line.
    pub dispositions_matched: usize,
    /// Conditions and dispositions that address no submitted line.
    pub unmatched: usize,
}

/// A response record that addresses no submitted PGA line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Unmatched {
    /// An `SE90` on a record that is not part of a submitted PGA line (e.g. on `SE20`), or
    /// on an echoed line the submission does not have.
    Condition(Condition),
    /// An `SO70` whose range, agency or entry matches no submitted line (or whose range
    /// cannot be read: blank version).
    Disposition(Box<AgencyDisposition>),
}

/// The submission's PGA lines and what the responses say about each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Correlation {
    /// `A` user data of the submission.
    pub batch_user_data: Option<String>,
    /// One entry per PGA line of the submission, in submission order.
    pub lines: Vec<LineStatus>,
    /// The responses added, in arrival order.
    pub responses: Vec<ResponseSummary>,
    /// Response records that address no submitted line.
    pub unmatched: Vec<Unmatched>,
}

/// Walks the PGA lines of a transmission with their addresses.
struct Walk {
    entry: Option<EntryNumber>,
    cbp_line: Option<u64>,
    tariff_position: u64,
}

/// A PGA line found while walking, with its context.
struct Found<'t, 'a> {
    address: LineAddress,
    line: &'t PgaLine<Record<'a>>,
    group: &'t OiGroup<Record<'a>>,
    anchor: Option<&'t crate::tree::HtsAnchor<Record<'a>>>,
}

fn text(v: Option<&str>) -> Option<String> {
    v.map(|s| s.trim_end().to_string())
        .filter(|s| !s.is_empty())
}

fn pg01_of<'a>(l: &PgaLine<Record<'a>>) -> Option<crate::records::Pg01<'a>> {
    match l.pg01.record.body() {
        Some(Body::Pg01(p)) => Some(p),
        _ => None,
    }
}

impl Walk {
    fn new() -> Self {
        Walk {
            entry: None,
            cbp_line: None,
            tariff_position: 0,
        }
    }

    /// Updates the context with a host record.
    fn host(&mut self, r: &Record<'_>) {
        if let Some(e) = entry_of_host(r) {
            self.entry = Some(e);
            self.cbp_line = None;
            self.tariff_position = 0;
        }
        if let Some(line) = cbp_line_of_host(r) {
            self.cbp_line = line;
            self.tariff_position = 0;
        }
    }

    fn group_lines<'t, 'a>(
        &self,
        group: &'t OiGroup<Record<'a>>,
        anchor: Option<&'t crate::tree::HtsAnchor<Record<'a>>>,
        out: &mut Vec<Found<'t, 'a>>,
    ) {
        for line in &group.lines {
            let pg01 = pg01_of(line);
            out.push(Found {
                address: LineAddress {
                    entry: self.entry.clone(),
                    cbp_line: self.cbp_line,
                    tariff_position: anchor.map(|_| self.tariff_position).filter(|&p| p > 0),
                    agency: pg01.and_then(|p| text(p.agency_code)),
                    pga_line_number: pg01.and_then(|p| p.pga_line_number),
                },
                line,
                group,
                anchor,
            });
        }
    }

    /// Every PGA line of a transaction, in order.
    fn transaction<'t, 'a>(
        &mut self,
        t: &'t Transaction<Record<'a>>,
        out: &mut Vec<Found<'t, 'a>>,
    ) {
        for item in &t.items {
            match item {
                Item::Record(n) => self.host(&n.record),
                Item::Anchor(a) => {
                    if host::ANCHORS.contains(&a.anchor.record.id()) {
                        self.tariff_position += 1;
                    }
                    if let Some(g) = &a.oi_group {
                        self.group_lines(g, Some(a), out);
                    }
                }
                Item::OiGroup(g) => self.group_lines(g, None, out),
                _ => {}
            }
        }
    }
}

/// Every PGA line of a parsed transmission with its address.
fn found_lines<'t, 'a>(t: &'t Transmission<'a>) -> Vec<Found<'t, 'a>> {
    let mut out = Vec::new();
    for tx in t.tree.transactions() {
        let mut w = Walk::new();
        w.transaction(tx, &mut out);
    }
    out
}

fn batch_user_data(t: &Transmission<'_>) -> Option<String> {
    t.tree.batches.iter().find_map(|b| match &b.header {
        Some(n) => match n.record.body() {
            Some(Body::BatchHeader(h)) => text(h.user_data),
            _ => None,
        },
        None => None,
    })
}

/// Records of a PGA line with their attached conditions, in order (the `PG01` first).
fn line_nodes<'t, 'a>(l: &'t PgaLine<Record<'a>>) -> Vec<&'t Node<Record<'a>>> {
    fn walk<'t, 'a>(items: &'t [PgaItem<Record<'a>>], v: &mut Vec<&'t Node<Record<'a>>>) {
        for i in items {
            match i {
                PgaItem::Record(n) => v.push(n),
                PgaItem::Entity(e) => {
                    v.push(&e.pg19);
                    v.extend(e.pg20.iter());
                    v.extend(e.items.iter());
                }
                PgaItem::Group(g) => {
                    v.push(&g.start);
                    walk(&g.items, v);
                    v.extend(g.end.iter());
                }
            }
        }
    }
    let mut v = vec![&l.pg01];
    walk(&l.items, &mut v);
    v
}

/// Every node of a transaction item (records with their attached conditions).
fn item_nodes<'t, 'a>(item: &'t Item<Record<'a>>) -> Vec<&'t Node<Record<'a>>> {
    fn group<'t, 'a>(g: &'t OiGroup<Record<'a>>, v: &mut Vec<&'t Node<Record<'a>>>) {
        v.extend(g.oi.iter());
        v.extend(g.orphans.iter());
        for l in &g.lines {
            v.extend(line_nodes(l));
        }
    }
    let mut v = Vec::new();
    match item {
        Item::Record(n) => v.push(n),
        Item::Anchor(a) => {
            v.push(&a.anchor);
            v.extend(a.sub_records.iter());
            if let Some(g) = &a.oi_group {
                group(g, &mut v);
            }
        }
        Item::OiGroup(g) => group(g, &mut v),
        Item::Disposition(d) => {
            v.push(&d.so70);
            v.extend(d.details.iter());
        }
    }
    v
}

impl Correlation {
    /// Indexes the PGA lines of a submission (a parsed `SE` or `AE` transmission).
    pub fn new(submission: &Transmission<'_>) -> Correlation {
        let lines = found_lines(submission)
            .into_iter()
            .map(|f| {
                let pg01 = pg01_of(f.line);
                let certificates = f
                    .line
                    .child_records()
                    .into_iter()
                    .filter_map(|r| match r.body() {
                        Some(Body::Pg14(p)) => text(p.lpco_number),
                        _ => None,
                    })
                    .collect();
                let description = f.group.oi.as_ref().and_then(|n| match n.record.body() {
                    Some(Body::Oi(o)) => text(o.commercial_description),
                    _ => None,
                });
                LineStatus {
                    line: SubmittedLine {
                        address: f.address,
                        pg01_line: f.line.pg01.record.line,
                        anchor_line: f.anchor.map(|a| a.anchor.record.line),
                        description,
                        program: pg01.and_then(|p| text(p.program_code)),
                        processing_code: pg01.and_then(|p| text(p.processing_code)),
                        disclaimer: pg01.and_then(|p| text(p.disclaimer_code)),
                        certificates,
                        record_lines: line_nodes(f.line).iter().map(|n| n.record.line).collect(),
                    },
                    cargo_release: Vec::new(),
                    conditions: Vec::new(),
                    dispositions: Vec::new(),
                }
            })
            .collect();
        Correlation {
            batch_user_data: batch_user_data(submission),
            lines,
            responses: Vec::new(),
            unmatched: Vec::new(),
        }
    }

    /// Adds a parsed response (`SX`, `SO`, `UC` …; any mix of `SE90` and `SO70` content) and
    /// maps its records to the submitted lines. `name` labels the response in
    /// [`Source`]s (a file name, a message id).
    pub fn add_response(&mut self, name: &str, response: &Transmission<'_>) -> ResponseSummary {
        let index = self.responses.len();
        let source = |line: u32| Source {
            response: name.to_string(),
            index,
            line,
        };
        let user_data = batch_user_data(response);
        let mut summary = ResponseSummary {
            name: name.to_string(),
            application_ids: response
                .tree
                .batches
                .iter()
                .flat_map(|b| b.blocks.iter())
                .filter_map(|b| match b.header.as_ref().map(|n| n.record.body()) {
                    Some(Some(Body::BlockHeader(h))) => text(h.application_id),
                    _ => None,
                })
                .collect(),
            user_data_matches: match (&self.batch_user_data, &user_data) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            },
            batch_user_data: user_data,
            ..ResponseSummary::default()
        };
        // SE90 lines already mapped (or reported unmatched): each SE90 counts once.
        let mut seen: BTreeSet<u32> = BTreeSet::new();

        // 1. Record-level SE90s on echoed PGA lines, their OI and their anchor.
        for f in found_lines(response) {
            let targets: Vec<usize> = self
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.line.address.same_line(&f.address))
                .map(|(i, _)| i)
                .collect();
            let mut conds: Vec<Condition> = Vec::new();
            let mut nodes: Vec<(&Node<Record<'_>>, Scope, Option<usize>)> = line_nodes(f.line)
                .into_iter()
                .enumerate()
                .map(|(k, n)| (n, Scope::Line, Some(k)))
                .collect();
            if let Some(oi) = &f.group.oi {
                nodes.push((oi, Scope::OiGroup, None));
            }
            if let Some(a) = f.anchor {
                nodes.push((&a.anchor, Scope::Anchor, None));
                nodes.extend(a.sub_records.iter().map(|n| (n, Scope::Anchor, None)));
            }
            for (node, scope, k) in nodes {
                for c in &node.conditions {
                    let Some(mut cond) = Condition::from_record(c, source(c.line), scope) else {
                        continue;
                    };
                    cond.after_record = Some(node.record.id().to_string());
                    // The echo's k-th record is the submission's k-th record of the line.
                    cond.submitted_line = match (targets.first(), k) {
                        (Some(&t), Some(k)) => self
                            .lines
                            .get(t)
                            .and_then(|l| l.line.record_lines.get(k).copied()),
                        _ => None,
                    };
                    conds.push(cond);
                }
            }
            for cond in conds {
                let first = seen.insert(cond.source.line);
                if targets.is_empty() {
                    if first {
                        summary.unmatched += 1;
                        self.unmatched.push(Unmatched::Condition(cond));
                    }
                    continue;
                }
                if first {
                    summary.conditions_matched += 1;
                }
                for &t in &targets {
                    if let Some(l) = self.lines.get_mut(t) {
                        l.conditions.push(cond.clone());
                    }
                }
            }
        }

        // 2. Per transaction: final SE90s, SO70 dispositions, and SE90s on other records.
        for tx in response.tree.transactions() {
            let mut entry: Option<EntryNumber> = None;
            let mut tx_entry: Option<EntryNumber> = None;
            let mut finals: Vec<Condition> = Vec::new();
            let mut others: Vec<Condition> = Vec::new();
            for item in &tx.items {
                if let Item::Record(n) = item {
                    if let Some(e) = entry_of_host(&n.record) {
                        tx_entry.get_or_insert_with(|| e.clone());
                        entry = Some(e);
                    }
                    if let Some(c) =
                        Condition::from_record(&n.record, source(n.record.line), Scope::Transaction)
                    {
                        finals.push(c);
                    }
                }
                if let Item::Disposition(d) = item {
                    if let Some(mut disp) =
                        AgencyDisposition::from_node(d, source(d.so70.record.line))
                    {
                        disp.entry = entry.clone().or_else(|| disp.entry_reference());
                        let mut hit = false;
                        for l in &mut self.lines {
                            if disp.addresses(&l.line.address) {
                                l.dispositions.push(disp.clone());
                                hit = true;
                            }
                        }
                        if hit {
                            summary.dispositions_matched += 1;
                        } else {
                            summary.unmatched += 1;
                            self.unmatched.push(Unmatched::Disposition(Box::new(disp)));
                        }
                    }
                }
                for node in item_nodes(item) {
                    for c in &node.conditions {
                        if seen.contains(&c.line) {
                            continue;
                        }
                        if let Some(mut cond) =
                            Condition::from_record(c, source(c.line), Scope::Transaction)
                        {
                            cond.after_record = Some(node.record.id().to_string());
                            seen.insert(c.line);
                            others.push(cond);
                        }
                    }
                }
            }
            // Final SE90s (01/02/03) apply to every line of the transaction's entry.
            for c in finals {
                let mut hit = false;
                for l in &mut self.lines {
                    let same = match (&l.line.address.entry, &tx_entry) {
                        (Some(a), Some(b)) => a.same_entry(b),
                        (None, None) => true,
                        _ => false,
                    };
                    if same {
                        l.cargo_release.push(c.clone());
                        hit = true;
                    }
                }
                if hit {
                    summary.conditions_matched += 1;
                } else {
                    summary.unmatched += 1;
                    self.unmatched.push(Unmatched::Condition(c));
                }
            }
            summary.unmatched += others.len();
            self.unmatched
                .extend(others.into_iter().map(Unmatched::Condition));
        }
        self.responses.push(summary.clone());
        summary
    }

    /// The lines whose `PG14` carries `certificate` (compared verbatim, surrounding spaces
    /// ignored).
    pub fn by_certificate(&self, certificate: &str) -> Vec<&LineStatus> {
        let c = certificate.trim();
        self.lines
            .iter()
            .filter(|l| l.line.certificates.iter().any(|x| x == c))
            .collect()
    }

    /// The line whose `PG01` is at `pg01_line` in the submission.
    pub fn by_pg01_line(&self, pg01_line: u32) -> Option<&LineStatus> {
        self.lines.iter().find(|l| l.line.pg01_line == pg01_line)
    }
}
