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
//! **Memory and time.** [`Correlation::new`] indexes the submitted lines once (by address,
//! by entry, by certificate); adding a response costs time near-linear in the sizes of the
//! submission and the response. A condition or disposition that addresses many lines (a
//! final `SE90`, an `SE90` on an `OI`, an `SO70` range) is stored once, and the lines refer
//! to it ([`LineStatus`] is a view into the [`Correlation`]), at most
//! [`Limits::max_per_line`] references of each kind per line; what does not fit is counted
//! ([`LineStatus::dropped`], [`ResponseSummary::dropped`]).
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
/// The Cargo Release and status-notification positions are those of `spec/host-records.csv`
/// and SPEC 3.7 (revision 6.2, from CBP's *ACE Cargo Release* v40 and the Status Query
/// chapter); the Entry Summary ones (`10`, `40`) come from the samples and one public
/// transcription, confidence **T1** (SPEC 1.3). They are kept in this one table so that a
/// correction is a one-line change.
///
/// | record | field | bytes | example |
/// |---|---|---|---|
/// | `SE10` (Cargo Release header) | entry filer code | 6–8 | `SE10AQ7K  31547727` → `Q7K` |
/// | `SE10` | entry number (with check digit) | 11–18 | → `31547727` |
/// | `SE40` (Cargo Release line) | CBP line number | 5–7 | `SE40001PE …` → `001` |
/// | `SE60` (Cargo Release HTS) | HTS anchor; tariff position = 1, 2 … after each `SE40` | — | |
/// | `10` (Entry Summary header) | entry filer code | 3–5 | `10Q7K315477611` → `Q7K` |
/// | `10` | entry number | 6–13 | → `31547761` |
/// | `40` (Entry Summary line) | CBP line number | 3–5 | `40001PE …` → `001` |
/// | `50` (Entry Summary tariff) | HTS anchor; tariff position = 1, 2 … after each `40` | — | |
/// | `SO10` (status notification header) | entry filer code | 9–11 | `SO102704Q7K  31547727` → `Q7K` |
/// | `SO10` | entry number | 14–21 | → `31547727` |
/// | `SO71` reference qualifier `EN` | filer code + entry number | reference 1–3 / 4–11 | `Q7K31547727` |
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

    /// `SE10` entry filer code, bytes 6–8 (`host-records.csv`, SPEC 3.7).
    pub const SE10_ENTRY_FILER: HostField = HostField {
        record: "SE10",
        name: "entry filer code",
        start: 6,
        end: 8,
    };
    /// `SE10` entry number with its check digit, bytes 11–18 (`host-records.csv`, SPEC 3.7).
    pub const SE10_ENTRY_NUMBER: HostField = HostField {
        record: "SE10",
        name: "entry number",
        start: 11,
        end: 18,
    };
    /// `SE40` CBP line number, bytes 5–7 (`host-records.csv`, SPEC 3.7).
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
    /// `SO10` entry filer code, bytes 9–11 (`host-records.csv`, SPEC 3.7; CBP's Status
    /// Query chapter lays the district/port of entry at 5–8 before it).
    pub const SO10_ENTRY_FILER: HostField = HostField {
        record: "SO10",
        name: "entry filer code",
        start: 9,
        end: 11,
    };
    /// `SO10` entry number with its check digit, bytes 14–21 (`host-records.csv`, SPEC 3.7).
    pub const SO10_ENTRY_NUMBER: HostField = HostField {
        record: "SO10",
        name: "entry number",
        start: 14,
        end: 21,
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
/// (e.g. `Q7K` + `31547727`).
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

    /// Reads `filer + number` from an `SO71` `EN` reference (`Q7K31547727`).
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
    /// Whether an echoed line's address denotes this line (how `SX` echoes are matched):
    /// the same CBP line, tariff position, agency and PGA line number, and the same entry
    /// ([`EntryNumber::same_entry`]) or no entry on either side.
    pub fn same_line(&self, other: &LineAddress) -> bool {
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
    /// `processing_group_version` (`01`–`04`; blank for the pre-version layout).
    pub version: Option<String>,
    /// The layout variant the `SO70` was read with (SPEC 7.2): `None` for the base layout,
    /// `Some("04")` (3-digit CBP line, 2-digit tariff position, PGA line `000` = every PGA
    /// line), `Some("THRU")` (no tariff positions: every tariff position of the lines in
    /// range). For `THRU` the triples hold tariff position `0`.
    pub variant: Option<&'static str>,
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

    /// Whether the range is usable: a version is present, or the record is of the
    /// `SO70@THRU` layout (SPEC 7.2), and begin and end are both present or both blank.
    fn range_usable(&self) -> bool {
        (self.version.is_some() || self.variant == Some("THRU"))
            && self.begin.is_some() == self.end.is_some()
    }

    /// The lines the range addresses, as inclusive ranges of (CBP line, tariff position,
    /// PGA line) triples in their natural order; `None` for a blank range (every line of the
    /// agency in the entry) and an empty list for an unusable one. Version `04`: a PGA line
    /// `000` in the end triple reaches the last PGA line. `THRU`: every tariff position
    /// (1–99) of the CBP lines in range, PGA lines from the begin line of the first CBP line
    /// to the end line of the last.
    pub fn ranges(&self) -> Option<Vec<(Triple, Triple)>> {
        const MAX: u64 = u64::MAX;
        if !self.range_usable() {
            return Some(Vec::new());
        }
        let (Some((c1, t1, p1)), Some((c2, t2, p2))) = (self.begin, self.end) else {
            return None;
        };
        let every = |p: u64| if p == 0 { MAX } else { p };
        Some(match self.variant {
            Some("THRU") => {
                let mut out = Vec::new();
                if c1 > c2 {
                    return Some(out);
                }
                for t in 1..=99 {
                    if c1 == c2 {
                        out.push(((c1, t, p1), (c1, t, every(p2))));
                    } else {
                        out.push(((c1, t, p1), (c1, t, MAX)));
                        out.push(((c2, t, 0), (c2, t, every(p2))));
                    }
                }
                if c2 > c1.saturating_add(1) {
                    out.push(((c1 + 1, 0, 0), (c2 - 1, MAX, MAX)));
                }
                out
            }
            Some("04") => vec![((c1, t1, p1), (c2, t2, every(p2)))],
            _ => vec![((c1, t1, p1), (c2, t2, p2))],
        })
    }

    /// Whether the disposition addresses `line` (same agency, same entry when both are
    /// known, triple within one of [`Self::ranges`]; a blank range addresses every line of
    /// the agency in the entry).
    pub fn addresses(&self, line: &LineAddress) -> bool {
        if !self.range_usable() || self.agency != line.agency {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.entry, &line.entry) {
            if !a.same_entry(b) {
                return false;
            }
        }
        match self.ranges() {
            Some(ranges) => line
                .triple()
                .is_some_and(|t| ranges.iter().any(|&(lo, hi)| lo <= t && t <= hi)),
            None => true,
        }
    }

    /// Chronological order: status date, then time; undated dispositions first.
    fn chrono_key(&self) -> (Option<NaiveDate>, Option<Time>) {
        (self.status_date, self.status_time)
    }

    fn from_node(d: &crate::tree::Disposition<Record<'_>>, source: Source) -> Option<Self> {
        let owned = |v: Option<&str>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let triple = |c: Option<u64>, t: Option<u64>, p: Option<u64>| Some((c?, t?, p?));
        // The three layouts of SPEC 7.2 share every field but the range.
        macro_rules! disposition {
            ($s:ident, $begin:expr, $end:expr) => {
                AgencyDisposition {
                    source,
                    entry: None,
                    agency: owned($s.agency_code),
                    program: owned($s.program_code),
                    status_date: $s.status_date,
                    status_time: $s.status_time,
                    entry_status_code: owned($s.entry_status_code),
                    entry_status_message: owned($s.entry_status_message),
                    pga_line_status_code: owned($s.pga_line_status_code),
                    reason_code: owned($s.status_reason_code),
                    begin: $begin,
                    end: $end,
                    document_type: owned($s.document_type_code),
                    hold_type: owned($s.hold_type),
                    version: owned($s.processing_group_version),
                    variant: d.so70.record.record_type.layout().and_then(|l| l.variant),
                    references: Vec::new(),
                    receipt_date: None,
                    receipt_time: None,
                    sub_reasons: Vec::new(),
                    comments: Vec::new(),
                }
            };
        }
        // The base and version-04 layouts name their range fields alike (their widths differ).
        macro_rules! with_tariff_positions {
            ($s:ident) => {
                disposition!(
                    $s,
                    triple(
                        $s.begin_cbp_line_number,
                        $s.begin_tariff_position,
                        $s.begin_pga_line_number
                    ),
                    triple(
                        $s.end_cbp_line_number,
                        $s.end_tariff_position,
                        $s.end_pga_line_number
                    )
                )
            };
        }
        let mut out = match d.so70.record.body()? {
            Body::So70(s) => with_tariff_positions!(s),
            Body::So70V04(s) => with_tariff_positions!(s),
            Body::So70Thru(s) => disposition!(
                s,
                triple(s.begin_cbp_line_number, Some(0), s.begin_pga_line_number),
                triple(s.end_cbp_line_number, Some(0), s.end_pga_line_number)
            ),
            _ => return None,
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
    /// Latest agency disposition with another code (kept verbatim). Displayed with the
    /// code's meaning from `codes/so70-status-codes.csv` (`01 data under PGA review`), as
    /// `NN (unknown status code)` for a code the list lacks (a shifted record's `0`), and as
    /// `disposition without status code` when the code is blank.
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
            Status::Other(c) if c.is_empty() => f.write_str("disposition without status code"),
            Status::Other(c) => {
                match crate::codes::find(crate::codes::so70_status_codes(), c).next() {
                    Some(row) => write!(f, "{c} {}", lower_first(&row.meaning)),
                    None => write!(f, "{c} (unknown status code)"),
                }
            }
        }
    }
}

/// `meaning` with its first letter in lower case when the second is lower case too
/// (`Data under PGA review` → `data under PGA review`; `DIS …` stays).
fn lower_first(meaning: &str) -> String {
    let mut chars = meaning.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && b.is_lowercase() => {
            let mut out = String::with_capacity(meaning.len());
            out.push(a.to_ascii_lowercase());
            out.push_str(meaning.get(1..).unwrap_or_default());
            out
        }
        _ => meaning.to_string(),
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// Limits on what a [`Correlation`] records for each submitted line, so that its memory
/// stays proportional to the input (submission + responses) whatever the responses address.
///
/// A final `SE90` of an `SX` response, an `SE90` on an echoed `OI` or HTS anchor, and an
/// `SO70` disposition of an `SO` / `UC` notification (CATAIR response records) can each
/// address many submitted lines. The correlation stores every condition and disposition
/// once ([`Correlation::conditions`], [`Correlation::dispositions`]); a line keeps
/// references to them, at most [`Limits::max_per_line`] of each kind. The first ones in
/// arrival order are kept; the others are counted, per line in [`LineStatus::dropped`] and
/// per response in [`ResponseSummary::dropped`], never left out silently. A line's
/// [`LineStatus::status`] and [`LineStatus::latest`] still take every condition and
/// disposition that addressed it into account, recorded or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Limits {
    /// Most final `SE90`s, most record-level `SE90`s and most `SO70` dispositions recorded
    /// for one line, each kind counted on its own. Default:
    /// [`Limits::DEFAULT_MAX_PER_LINE`].
    pub max_per_line: usize,
}

impl Limits {
    /// Default of [`Limits::max_per_line`]: 256 of each kind per line, far above what CBP
    /// sends for one PGA line (a handful of dispositions, one condition per record in error).
    pub const DEFAULT_MAX_PER_LINE: usize = 256;

    /// The limits with [`Limits::max_per_line`] set to `n`.
    pub fn with_max_per_line(mut self, n: usize) -> Limits {
        self.max_per_line = n;
        self
    }

    /// The per-line cap as stored (references are counted in `u32`).
    fn cap(self) -> u32 {
        u32::try_from(self.max_per_line).unwrap_or(u32::MAX)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_per_line: Limits::DEFAULT_MAX_PER_LINE,
        }
    }
}

/// How many conditions and dispositions addressing a line were not recorded for it because
/// of [`Limits::max_per_line`] (counts of CATAIR response records: `SE90` of `SX`, `SO70`
/// of `SO` / `UC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Dropped {
    /// Final `SE90`s (`01`, `02`, `03`) of the line's transaction not recorded.
    pub cargo_release: u64,
    /// Record-level `SE90`s on the line, its `OI` or its anchor not recorded.
    pub conditions: u64,
    /// `SO70` dispositions addressing the line not recorded.
    pub dispositions: u64,
}

impl Dropped {
    /// The three counts added up.
    pub fn total(&self) -> u64 {
        self.cargo_release
            .saturating_add(self.conditions)
            .saturating_add(self.dispositions)
    }

    /// Whether nothing was dropped.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

/// A run `start..end` of consecutive items of one of the correlation's stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }
}

/// The conditions or dispositions a line refers to: an iterator over items stored once in
/// the [`Correlation`], in arrival order (from [`LineStatus::cargo_release`],
/// [`LineStatus::conditions`], [`LineStatus::dispositions`]).
#[derive(Debug, Clone)]
pub struct Refs<'c, T> {
    spans: std::slice::Iter<'c, Span>,
    current: std::ops::Range<u32>,
    store: &'c [T],
    remaining: usize,
}

impl<'c, T> Refs<'c, T> {
    fn new(spans: &'c [Span], store: &'c [T]) -> Self {
        Refs {
            spans: spans.iter(),
            current: 0..0,
            store,
            remaining: spans.iter().map(|s| s.len() as usize).sum(),
        }
    }
}

impl<'c, T> Iterator for Refs<'c, T> {
    type Item = &'c T;

    fn next(&mut self) -> Option<&'c T> {
        loop {
            if let Some(i) = self.current.next() {
                self.remaining = self.remaining.saturating_sub(1);
                // Spans only ever point into the store (see `Correlation::store`).
                return self.store.get(i as usize);
            }
            let s = self.spans.next()?;
            self.current = s.start..s.end;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for Refs<'_, T> {}

impl<T> std::iter::FusedIterator for Refs<'_, T> {}

/// Everything known about one submitted PGA line: a view into a [`Correlation`]
/// (cheap to copy; the conditions and dispositions are stored once in the correlation).
///
/// With the `serde` feature it serializes as `{"line", "cargo_release", "conditions",
/// "dispositions"}` (plus `"dropped"` when [`LineStatus::dropped`] is not empty).
#[derive(Clone, Copy)]
pub struct LineStatus<'c> {
    /// The submitted line.
    pub line: &'c SubmittedLine,
    index: usize,
    book: &'c Correlation,
}

impl<'c> LineStatus<'c> {
    /// Position of the line in the submission (0-based, submission order).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Final `SE90` dispositions of the Cargo Release responses (`SX`) for the line's
    /// transaction (`01`, `02`, `03`), in arrival order.
    pub fn cargo_release(&self) -> Refs<'c, Condition> {
        let ix = &self.book.index;
        let spans = ix
            .line_entry
            .get(self.index)
            .and_then(|&e| ix.cargo_release.spans.get(e));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.conditions)
    }

    /// Record-level `SE90` conditions (`SX`) on the line, its `OI` or its anchor, in arrival
    /// order.
    pub fn conditions(&self) -> Refs<'c, Condition> {
        let ix = &self.book.index;
        let spans = ix
            .line_slot
            .get(self.index)
            .and_then(|&s| ix.conditions.spans.get(s));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.conditions)
    }

    /// Agency dispositions (`SO70` with `SO71` / `SO72` of `SO` / `UC` notifications)
    /// addressing the line, in arrival order.
    pub fn dispositions(&self) -> Refs<'c, AgencyDisposition> {
        let ix = &self.book.index;
        let spans = ix
            .line_slot
            .get(self.index)
            .and_then(|&s| ix.dispositions.spans.get(s));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.dispositions)
    }

    /// What addressed the line but was not recorded for it ([`Limits::max_per_line`]).
    pub fn dropped(&self) -> Dropped {
        let ix = &self.book.index;
        let slot = ix.line_slot.get(self.index).copied();
        let entry = ix.line_entry.get(self.index).copied();
        Dropped {
            cargo_release: entry.map_or(0, |e| ix.cargo_release.dropped(e)),
            conditions: slot.map_or(0, |s| ix.conditions.dropped(s)),
            dispositions: slot.map_or(0, |s| ix.dispositions.dropped(s)),
        }
    }

    /// The latest agency disposition: greatest status date and time; among equals, the one
    /// that arrived last. Among every disposition that addressed the line, including those
    /// not recorded for it ([`LineStatus::dropped`]).
    pub fn latest(&self) -> Option<&'c AgencyDisposition> {
        let book = self.book;
        let slot = *book.index.line_slot.get(self.index)?;
        let id = book.index.latest_disposition(slot, &book.dispositions)?;
        book.dispositions.get(id as usize)
    }

    /// The last final `SE90` (arrival order) for the line's transaction, recorded or not.
    fn last_cargo_release(&self) -> Option<&'c Condition> {
        let book = self.book;
        let entry = *book.index.line_entry.get(self.index)?;
        let id = book.index.entries.best_of(entry, &later)?;
        book.conditions.get(id as usize)
    }

    /// Whether a record-level `SE90` on the line (or its `OI` or anchor) rejects, recorded or
    /// not.
    fn has_rejecting_condition(&self) -> bool {
        let ix = &self.book.index;
        ix.line_slot
            .get(self.index)
            .and_then(|&slot| ix.by_address.best_of(slot, &later))
            .is_some()
    }

    /// The recorded agency dispositions in chronological order (status date and time, then
    /// arrival).
    pub fn history(&self) -> Vec<&'c AgencyDisposition> {
        let mut v: Vec<(usize, &AgencyDisposition)> = self.dispositions().enumerate().collect();
        v.sort_by(|(i, a), (j, b)| match a.chrono_key().cmp(&b.chrono_key()) {
            Ordering::Equal => i.cmp(j),
            o => o,
        });
        v.into_iter().map(|(_, d)| d).collect()
    }

    /// The derived status (see the module docs), from everything that addressed the line,
    /// including what was not recorded for it ([`LineStatus::dropped`]).
    pub fn status(&self) -> Status {
        if let Some(d) = self.latest() {
            return Status::from_code(d.status_code());
        }
        let last_cr = self.last_cargo_release();
        if last_cr.is_some_and(Condition::is_rejection) || self.has_rejecting_condition() {
            return Status::Rejected;
        }
        if last_cr.is_some() {
            return Status::Accepted;
        }
        if self.conditions().len() == 0 && self.dropped().conditions == 0 {
            Status::NotReported
        } else {
            Status::Accepted
        }
    }
}

impl fmt::Debug for LineStatus<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineStatus")
            .field("line", self.line)
            .field("cargo_release", &self.cargo_release().collect::<Vec<_>>())
            .field("conditions", &self.conditions().collect::<Vec<_>>())
            .field("dispositions", &self.dispositions().collect::<Vec<_>>())
            .field("dropped", &self.dropped())
            .finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for LineStatus<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// An iterator serialized as a sequence.
        struct Seq<I>(I);
        impl<I> serde::Serialize for Seq<I>
        where
            I: Iterator + Clone,
            I::Item: serde::Serialize,
        {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.clone())
            }
        }
        let dropped = self.dropped();
        let mut st = s.serialize_struct("LineStatus", 5)?;
        st.serialize_field("line", self.line)?;
        st.serialize_field("cargo_release", &Seq(self.cargo_release()))?;
        st.serialize_field("conditions", &Seq(self.conditions()))?;
        st.serialize_field("dispositions", &Seq(self.dispositions()))?;
        if dropped.is_empty() {
            st.skip_field("dropped")?;
        } else {
            st.serialize_field("dropped", &dropped)?;
        }
        st.end()
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
    /// (line, condition or disposition) pairs of this response that were not recorded
    /// because the line had reached [`Limits::max_per_line`] (serialized only when not 0).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "is_zero"))]
    pub dropped: u64,
    /// Records that look like response records but address nothing (an `SO71`/`SO72`
    /// without an `SO70` before it, a response record identifier in lower case), in input
    /// order (serialized only when not empty).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub ignored: Vec<IgnoredRecord>,
}

/// A record of a response that looks like a condition or disposition record but addresses
/// no line, so that a caller can warn about it instead of dropping it silently:
///
/// * an `SO71` or `SO72` (also `WO71`, `PO71`, `WO72`) with no `SO70` before it: these
///   records belong to the `SO70` they follow (SPEC 7.2);
/// * a response record identifier in lower case (`so70`, `se90` …): record identifiers are
///   upper case (SPEC 2.1), so the record is read as a host record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IgnoredRecord {
    /// Where the record is.
    pub source: Source,
    /// Its identifier as sent (`SO71`, `so70` …).
    pub record: String,
    /// Why it addresses nothing, in words.
    pub reason: &'static str,
}

impl fmt::Display for IgnoredRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, record {}: {}",
            self.source.line,
            self.record.escape_debug(),
            self.reason
        )
    }
}

impl IgnoredRecord {
    /// The record as an ignored one, or `None` when it is not one (see [`IgnoredRecord`]).
    /// `r` is a record placed as a transaction item of its own.
    fn of(r: &Record<'_>, source: Source) -> Option<IgnoredRecord> {
        let reason = match r.record_type {
            RecordType::So71 | RecordType::So72 => {
                "no SO70 before it (an SO71 or SO72 belongs to the SO70 it follows, SPEC 7.2): \
                 it addresses nothing"
            }
            RecordType::Host => {
                let id = r.raw.get(..4.min(r.raw.len())).unwrap_or_default();
                let upper = id.to_ascii_uppercase();
                let response = crate::record::identify(&upper, false)
                    .record_type
                    .is_response();
                if upper.as_slice() == id || !response {
                    return None;
                }
                "a response record identifier in lower case is not a response record (record \
                 identifiers are upper case, SPEC 2.1): read as a host record, it addresses \
                 nothing"
            }
            _ => return None,
        };
        Some(IgnoredRecord {
            source,
            record: String::from_utf8_lossy(r.id_bytes()).into_owned(),
            reason,
        })
    }
}

#[cfg(feature = "serde")]
fn is_zero(n: &u64) -> bool {
    *n == 0
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
///
/// Every `SE90` condition and `SO70` disposition of the responses that addresses a line is
/// stored once ([`Correlation::conditions`], [`Correlation::dispositions`]); each line
/// refers to them ([`LineStatus`]), within [`Limits`]. Lines are indexed by address when
/// the correlation is built, so adding a response costs time near-linear in the sizes of
/// the submission and the response.
///
/// With the `serde` feature it serializes as `{"batch_user_data", "lines", "responses",
/// "unmatched"}`, `lines` holding one [`LineStatus`] per submitted line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correlation {
    /// `A` user data of the submission.
    pub batch_user_data: Option<String>,
    /// The responses added, in arrival order.
    pub responses: Vec<ResponseSummary>,
    /// Response records that address no submitted line.
    pub unmatched: Vec<Unmatched>,
    /// The submitted lines, in submission order.
    submitted: Vec<SubmittedLine>,
    /// Every `SE90` mapped to at least one line, once, in arrival order.
    conditions: Vec<Condition>,
    /// Every `SO70` mapped to at least one line, once, in arrival order.
    dispositions: Vec<AgencyDisposition>,
    limits: Limits,
    index: Index,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Correlation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// The lines serialized as a sequence of [`LineStatus`].
        struct Lines<'c>(&'c Correlation);
        impl serde::Serialize for Lines<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.lines())
            }
        }
        let mut st = s.serialize_struct("Correlation", 4)?;
        st.serialize_field("batch_user_data", &self.batch_user_data)?;
        st.serialize_field("lines", &Lines(self))?;
        st.serialize_field("responses", &self.responses)?;
        st.serialize_field("unmatched", &self.unmatched)?;
        st.end()
    }
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

/// The ABI application identifier of an input (codes/application-ids.csv): the
/// `application_id` of its first block header (`B`) that has one, else of its first batch
/// header (`A`) that has one; `None` for a fragment without envelope or with blank
/// identifiers. Read from the field's bytes (positions from the layout table), so a header
/// whose other fields do not type, or that is short, still names its application.
pub fn application_id<'a>(t: &Transmission<'a>) -> Option<&'a str> {
    let id = |n: &Option<Node<Record<'a>>>| {
        let raw = n.as_ref()?.record.field_raw("application_id")?;
        let s = std::str::from_utf8(raw).ok()?.trim();
        (!s.is_empty()).then_some(s)
    };
    let batches = &t.tree.batches;
    batches
        .iter()
        .flat_map(|b| b.blocks.iter())
        .find_map(|b| id(&b.header))
        .or_else(|| batches.iter().find_map(|b| id(&b.header)))
}

/// Whether an input is one of CBP's answers (SPEC 7): its [`application_id`] is a CBP
/// output application ([`crate::codes::is_response_application`]: `SX`, `SO`, `UC`, `C1`,
/// `AX` …). A response is never refused (SPEC 7.2): a reader should parse it leniently and
/// report every record-level problem as a warning, failing only for whole-input problems
/// (F-020, F-021, F-023), as `ace-pga decode`, `dump` and `status` do.
///
/// ```
/// use ace_pga::{response::is_response, Transmission};
/// let so = std::fs::read("spec-samples/valid/so-status.txt")?;
/// let or2 = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// assert!(is_response(&Transmission::parse(&so)?));
/// assert!(!is_response(&Transmission::parse(&or2)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_response(t: &Transmission<'_>) -> bool {
    application_id(t).is_some_and(crate::codes::is_response_application)
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
        Item::Substitution(g) => {
            v.push(&g.start);
            v.extend(g.records.iter());
            v.extend(g.end.iter());
        }
    }
    v
}

// ---------------------------------------------------------------------------------------
// The index: submitted lines grouped by what responses match on, sorted orders for range
// look-ups, and per-group reference lists capped by `Limits::max_per_line`.
// ---------------------------------------------------------------------------------------

/// Appends `items` to a store; the run they occupy, or `None` when the store's `u32` ids
/// are exhausted (the items are then not stored).
fn store<T>(store: &mut Vec<T>, items: impl IntoIterator<Item = T>) -> Option<Span> {
    let before = store.len();
    let start = u32::try_from(before).ok()?;
    store.extend(items);
    match u32::try_from(store.len()) {
        Ok(end) => Some(Span { start, end }),
        Err(_) => {
            store.truncate(before);
            None
        }
    }
}

/// Conditions stored together, and the first of them that rejects (for the status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Run {
    span: Span,
    rejection: Option<u32>,
}

/// Reference lists per slot (a slot is a group of lines that share what a kind of response
/// record is matched on), at most `cap` items each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Lists {
    /// Runs of the store recorded per slot, in arrival order (adjacent runs merged).
    spans: Vec<Vec<Span>>,
    /// Items recorded per slot.
    recorded: Vec<u32>,
    /// Items that addressed each slot, recorded or not (up to the last flush).
    total: Vec<u64>,
    /// Submitted lines in each slot.
    members: Vec<u64>,
}

impl Lists {
    fn new(members: Vec<u64>) -> Self {
        let slots = members.len();
        Lists {
            spans: vec![Vec::new(); slots],
            recorded: vec![0; slots],
            total: vec![0; slots],
            members,
        }
    }

    /// Records the first items of `span` for `slot`, as many as the cap leaves room for;
    /// returns how many.
    fn record(&mut self, slot: usize, span: Span, cap: u32) -> u32 {
        let (Some(recorded), Some(spans)) = (self.recorded.get_mut(slot), self.spans.get_mut(slot))
        else {
            return 0;
        };
        let take = cap.saturating_sub(*recorded).min(span.len());
        if take == 0 {
            return 0;
        }
        let end = span.start.saturating_add(take);
        match spans.last_mut() {
            Some(last) if last.end == span.start => last.end = end,
            _ => spans.push(Span {
                start: span.start,
                end,
            }),
        }
        *recorded = recorded.saturating_add(take);
        take
    }

    fn is_full(&self, slot: usize, cap: u32) -> bool {
        self.recorded.get(slot).is_none_or(|&r| r >= cap)
    }

    fn dropped(&self, slot: usize) -> u64 {
        let recorded = self.recorded.get(slot).copied().map_or(0, u64::from);
        self.total
            .get(slot)
            .copied()
            .unwrap_or(0)
            .saturating_sub(recorded)
    }
}

/// No item (in [`Order`]'s `best`).
const NO_ITEM: u32 = u32::MAX;

/// Whether item `a` ranks above item `b` (for a line's status: the latest disposition, the
/// last final `SE90`, a rejecting condition).
type Better<'a> = &'a dyn Fn(u32, u32) -> bool;

/// The slots sorted by a key, for range look-ups. Recording a range skips the slots whose
/// list is full (union-find), so that each is visited at most once after it fills up; the
/// best item of every range is kept apart (segment tree), recorded or not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Order<K> {
    /// Sorted keys, one per position.
    keys: Vec<K>,
    /// The slot at each position.
    slots: Vec<usize>,
    /// The position of each slot.
    pos: Vec<usize>,
    /// Submitted lines in the slots before each position (`n + 1` long).
    lines_before: Vec<u64>,
    /// Union-find "next position that may still take references" (`n + 1` long; position
    /// `n` is the end).
    next: Vec<usize>,
    /// Items that addressed each position during the current response, as a difference
    /// array (`n + 1` long while in use).
    diff: Vec<i64>,
    /// Segment tree (`2n` long) of range "keep the better item" updates: the best item
    /// that addressed a position is the best on the path from its leaf to the root.
    best: Vec<u32>,
}

impl<K: Ord> Order<K> {
    /// `entries`: (key, slot), every slot `0..n` once; `members`: lines per slot.
    fn new(mut entries: Vec<(K, usize)>, members: &[u64]) -> Self {
        entries.sort_unstable();
        let n = entries.len();
        let (keys, slots): (Vec<K>, Vec<usize>) = entries.into_iter().unzip();
        let mut pos = vec![0; n];
        let mut lines_before = Vec::with_capacity(n + 1);
        let mut lines = 0u64;
        lines_before.push(0);
        for (p, &s) in slots.iter().enumerate() {
            if let Some(x) = pos.get_mut(s) {
                *x = p;
            }
            lines = lines.saturating_add(members.get(s).copied().unwrap_or(0));
            lines_before.push(lines);
        }
        Order {
            keys,
            slots,
            pos,
            lines_before,
            next: (0..=n).collect(),
            diff: Vec::new(),
            best: vec![NO_ITEM; 2 * n],
        }
    }

    /// The positions whose key lies in `lo..=hi`.
    fn range(&self, lo: &K, hi: &K) -> (usize, usize) {
        let a = self.keys.partition_point(|k| k < lo);
        let b = self.keys.partition_point(|k| k <= hi);
        (a, b.max(a))
    }

    /// The first position at or after `p` that may still take references.
    fn find(&mut self, mut p: usize) -> usize {
        loop {
            let Some(&q) = self.next.get(p) else {
                return p;
            };
            if q == p {
                return p;
            }
            // Path halving.
            let r = self.next.get(q).copied().unwrap_or(q);
            if let Some(x) = self.next.get_mut(p) {
                *x = r;
            }
            p = q;
        }
    }

    /// Records `span` for the slot at every position of `lo..hi`; returns the (line,
    /// item) pairs not recorded because the line's list was full.
    fn record(&mut self, lists: &mut Lists, (lo, hi): (usize, usize), span: Span, cap: u32) -> u64 {
        let w = span.len();
        if lo >= hi || w == 0 {
            return 0;
        }
        if self.diff.is_empty() {
            self.diff = vec![0; self.slots.len() + 1];
        }
        if let Some(d) = self.diff.get_mut(lo) {
            *d += i64::from(w);
        }
        if let Some(d) = self.diff.get_mut(hi) {
            *d -= i64::from(w);
        }
        let mut recorded = 0u64;
        let mut p = self.find(lo);
        while p < hi {
            let Some(&slot) = self.slots.get(p) else {
                break;
            };
            let taken = u64::from(lists.record(slot, span, cap));
            let members = lists.members.get(slot).copied().unwrap_or(0);
            recorded = recorded.saturating_add(taken.saturating_mul(members));
            if lists.is_full(slot, cap) {
                if let Some(x) = self.next.get_mut(p) {
                    *x = p + 1;
                }
            }
            p = self.find(p + 1);
        }
        let line = |p: usize| self.lines_before.get(p).copied().unwrap_or(0);
        line(hi)
            .saturating_sub(line(lo))
            .saturating_mul(u64::from(w))
            .saturating_sub(recorded)
    }

    /// Adds the counts of the current response to `lists.total`.
    fn flush(&mut self, lists: &mut Lists) {
        let mut run = 0i64;
        for (p, d) in self.diff.iter().enumerate() {
            run += d;
            if run > 0 {
                let total = self.slots.get(p).and_then(|&s| lists.total.get_mut(s));
                if let Some(t) = total {
                    *t = t.saturating_add(run.unsigned_abs());
                }
            }
        }
        self.diff = Vec::new();
    }

    /// Keeps `item` as the best of every position of `lo..hi` where it ranks above the one
    /// kept.
    fn mark(&mut self, (lo, hi): (usize, usize), item: u32, better: Better<'_>) {
        let n = self.slots.len();
        let mut keep = |i: usize| {
            if let Some(t) = self.best.get_mut(i) {
                if *t == NO_ITEM || better(item, *t) {
                    *t = item;
                }
            }
        };
        let (mut l, mut r) = (lo + n, hi.min(n) + n);
        while l < r {
            if l & 1 == 1 {
                keep(l);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                keep(r);
            }
            l >>= 1;
            r >>= 1;
        }
    }

    /// The best item that addressed `slot`, if any.
    fn best_of(&self, slot: usize, better: Better<'_>) -> Option<u32> {
        let mut i = self.pos.get(slot)? + self.slots.len();
        let mut best = NO_ITEM;
        while i > 0 {
            let t = self.best.get(i).copied().unwrap_or(NO_ITEM);
            if t != NO_ITEM && (best == NO_ITEM || better(t, best)) {
                best = t;
            }
            i >>= 1;
        }
        (best != NO_ITEM).then_some(best)
    }
}

/// Later arrivals rank higher (store ids grow in arrival order).
fn later(a: u32, b: u32) -> bool {
    a > b
}

/// Dispositions of `store` by status date and time, then arrival ([`LineStatus::latest`]).
fn chronologically_later(store: &[AgencyDisposition]) -> impl Fn(u32, u32) -> bool + '_ {
    let key = |i: u32| (store.get(i as usize).map(AgencyDisposition::chrono_key), i);
    move |a, b| key(a) > key(b)
}

/// (agency, CBP line, tariff position, PGA line number, entry number, entry filer): the
/// full address of a line, names interned (0 = blank).
type AddressKey = (u32, Option<u64>, Option<u64>, Option<u64>, u32, u32);

/// Which order an `SO70`'s ranges are in.
#[derive(Debug, Clone, Copy)]
enum By {
    EntryFiler,
    EntryNumber,
    Agency,
}

/// The submitted lines grouped and sorted for matching, and the reference lists.
///
/// Lines with the same full address form one *address group* (slot of `conditions` and
/// `dispositions`); lines of the same entry form one *entry group* (slot of
/// `cargo_release`). Every kind of response record selects a few contiguous ranges of one of
/// the orders below: an echoed line ([`LineAddress::same_line`]), a final `SE90` (same
/// entry), an `SO70` ([`AgencyDisposition::addresses`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Index {
    /// Interned agency codes, entry numbers and filer codes (ids from 1; 0 = blank).
    names: std::collections::HashMap<String, u32>,
    /// Address group of each line.
    line_slot: Vec<usize>,
    /// Entry group of each line.
    line_entry: Vec<usize>,
    /// First line of each address group.
    slot_first_line: Vec<usize>,
    /// Address groups by full address: `SE90`s on echoed lines.
    by_address: Order<AddressKey>,
    /// Per position of `by_address`: the first line among the groups that differ from it
    /// at most by filer code.
    any_filer_first: Vec<usize>,
    /// Address groups by (agency, entry number, filer, triple): `SO70` of a full entry.
    by_entry_filer: Order<(u32, u32, u32, Option<Triple>)>,
    /// By (agency, entry number, triple): `SO70` of an entry without filer code.
    by_entry_number: Order<(u32, u32, Option<Triple>)>,
    /// By (agency, triple): `SO70` without entry.
    by_agency: Order<(u32, Option<Triple>)>,
    /// Entry groups by (entry number, filer): final `SE90`s.
    entries: Order<(u32, u32)>,
    /// Lines carrying each certificate (`PG14.lpco_number`), in submission order.
    certificates: std::collections::HashMap<String, Vec<usize>>,
    /// Line of each `PG01` line number.
    pg01_lines: std::collections::HashMap<u32, usize>,
    /// Final `SE90`s per entry group.
    cargo_release: Lists,
    /// Record-level `SE90`s per address group.
    conditions: Lists,
    /// `SO70`s per address group.
    dispositions: Lists,
}

impl Index {
    fn new(lines: &[SubmittedLine]) -> Index {
        use std::collections::hash_map::Entry;
        use std::collections::HashMap;

        let mut names: HashMap<String, u32> = HashMap::new();
        let mut intern = |s: Option<&str>| -> u32 {
            let Some(s) = s else { return 0 };
            let next = u32::try_from(names.len() + 1).unwrap_or(u32::MAX);
            *names.entry(s.to_string()).or_insert(next)
        };
        let mut slot_of: HashMap<AddressKey, usize> = HashMap::new();
        let mut slot_keys: Vec<(AddressKey, Option<Triple>)> = Vec::new();
        let mut slot_first_line = Vec::new();
        let mut entry_of: HashMap<(u32, u32), usize> = HashMap::new();
        let mut line_slot = Vec::with_capacity(lines.len());
        let mut line_entry = Vec::with_capacity(lines.len());
        let mut certificates: HashMap<String, Vec<usize>> = HashMap::new();
        let mut pg01_lines = HashMap::new();
        for (i, l) in lines.iter().enumerate() {
            let a = &l.address;
            let agency = intern(a.agency.as_deref());
            let (number, filer) = match &a.entry {
                Some(e) => (intern(Some(&e.number)), intern(e.filer.as_deref())),
                None => (0, 0),
            };
            let key = (
                agency,
                a.cbp_line,
                a.tariff_position,
                a.pga_line_number,
                number,
                filer,
            );
            let slot = match slot_of.entry(key) {
                Entry::Occupied(o) => *o.get(),
                Entry::Vacant(v) => {
                    slot_keys.push((key, a.triple()));
                    slot_first_line.push(i);
                    *v.insert(slot_keys.len() - 1)
                }
            };
            line_slot.push(slot);
            let groups = entry_of.len();
            line_entry.push(*entry_of.entry((number, filer)).or_insert(groups));
            for c in &l.certificates {
                let v = certificates.entry(c.clone()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
            pg01_lines.entry(l.pg01_line).or_insert(i);
        }
        let mut slot_members = vec![0u64; slot_keys.len()];
        for &s in &line_slot {
            if let Some(m) = slot_members.get_mut(s) {
                *m += 1;
            }
        }
        let mut entry_members = vec![0u64; entry_of.len()];
        for &e in &line_entry {
            if let Some(m) = entry_members.get_mut(e) {
                *m += 1;
            }
        }
        let by_address: Order<AddressKey> = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, _))| (*k, s))
                .collect(),
            &slot_members,
        );
        let by_entry_filer = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, k.4, k.5, *t), s))
                .collect(),
            &slot_members,
        );
        let by_entry_number = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, k.4, *t), s))
                .collect(),
            &slot_members,
        );
        let by_agency = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, *t), s))
                .collect(),
            &slot_members,
        );
        // Runs of `by_address` that differ at most by filer code: their first line.
        let first_of = |p: usize| {
            by_address
                .slots
                .get(p)
                .and_then(|&s| slot_first_line.get(s))
                .copied()
                .unwrap_or(usize::MAX)
        };
        let prefix = |k: &AddressKey| (k.0, k.1, k.2, k.3, k.4);
        let mut any_filer_first = vec![usize::MAX; by_address.keys.len()];
        let mut start = 0;
        while start < by_address.keys.len() {
            let Some(head) = by_address.keys.get(start).map(prefix) else {
                break;
            };
            let end = start
                + by_address
                    .keys
                    .get(start..)
                    .map_or(0, |ks| ks.iter().take_while(|k| prefix(k) == head).count());
            let first = (start..end).map(first_of).min().unwrap_or(usize::MAX);
            if let Some(run) = any_filer_first.get_mut(start..end) {
                run.fill(first);
            }
            start = end.max(start + 1);
        }
        let entries = Order::new(entry_of.into_iter().collect(), &entry_members);
        Index {
            names,
            line_slot,
            line_entry,
            slot_first_line,
            by_address,
            any_filer_first,
            by_entry_filer,
            by_entry_number,
            by_agency,
            entries,
            certificates,
            pg01_lines,
            cargo_release: Lists::new(entry_members),
            conditions: Lists::new(slot_members.clone()),
            dispositions: Lists::new(slot_members),
        }
    }

    /// The id of a name, `Some(0)` for a blank one, `None` when no submitted line has it.
    fn id(&self, s: Option<&str>) -> Option<u32> {
        match s {
            None => Some(0),
            Some(s) => self.names.get(s).copied(),
        }
    }

    /// The address groups an echoed line matches ([`LineAddress::same_line`]) as ranges of
    /// `by_address`, and the first submitted line among them.
    fn echo_targets(&self, a: &LineAddress) -> (Vec<(usize, usize)>, Option<usize>) {
        let Some(agency) = self.id(a.agency.as_deref()) else {
            return (Vec::new(), None);
        };
        let key = |n: u32, f: u32| {
            (
                agency,
                a.cbp_line,
                a.tariff_position,
                a.pga_line_number,
                n,
                f,
            )
        };
        let exact = |n: u32, f: u32| {
            let k = key(n, f);
            self.by_address.range(&k, &k)
        };
        let mut ranges = Vec::new();
        let mut first = None;
        match &a.entry {
            None => ranges.push(exact(0, 0)),
            Some(e) => {
                let Some(n) = self.id(Some(&e.number)) else {
                    return (Vec::new(), None);
                };
                match e.filer.as_deref() {
                    Some(f) => {
                        ranges.push(exact(n, 0));
                        if let Some(f) = self.id(Some(f)) {
                            ranges.push(exact(n, f));
                        }
                    }
                    None => {
                        let r = self.by_address.range(&key(n, 0), &key(n, u32::MAX));
                        if r.0 < r.1 {
                            first = self.any_filer_first.get(r.0).copied();
                        }
                        ranges.push(r);
                    }
                }
            }
        }
        ranges.retain(|(lo, hi)| lo < hi);
        if first.is_none() {
            // Exact ranges hold one group each.
            first = ranges
                .iter()
                .flat_map(|&(lo, hi)| lo..hi)
                .filter_map(|p| self.by_address.slots.get(p))
                .filter_map(|&s| self.slot_first_line.get(s).copied())
                .min();
        }
        (ranges, first)
    }

    /// The entry groups a final `SE90` of a transaction of entry `e` applies to, as ranges
    /// of `entries` (same entry; both blank counts as the same).
    fn entry_ranges(&self, e: Option<&EntryNumber>) -> Vec<(usize, usize)> {
        let r = |lo: (u32, u32), hi: (u32, u32)| self.entries.range(&lo, &hi);
        let mut out = Vec::new();
        match e {
            None => out.push(r((0, 0), (0, 0))),
            Some(e) => {
                let Some(n) = self.id(Some(&e.number)) else {
                    return out;
                };
                match e.filer.as_deref() {
                    Some(f) => {
                        out.push(r((n, 0), (n, 0)));
                        if let Some(f) = self.id(Some(f)) {
                            out.push(r((n, f), (n, f)));
                        }
                    }
                    None => out.push(r((n, 0), (n, u32::MAX))),
                }
            }
        }
        out.retain(|(lo, hi)| lo < hi);
        out
    }

    /// The address groups an `SO70` addresses ([`AgencyDisposition::addresses`]), as
    /// ranges of one order.
    fn disposition_ranges(&self, d: &AgencyDisposition) -> (By, Vec<(usize, usize)>) {
        const TOP: Triple = (u64::MAX, u64::MAX, u64::MAX);
        let mut out = Vec::new();
        if !d.range_usable() {
            return (By::Agency, out);
        }
        let Some(agency) = self.id(d.agency.as_deref()) else {
            return (By::Agency, out);
        };
        let bounds: Vec<(Option<Triple>, Option<Triple>)> = match d.ranges() {
            Some(ranges) => ranges
                .into_iter()
                .map(|(b, e)| (Some(b), Some(e)))
                .collect(),
            None => vec![(None, Some(TOP))],
        };
        // Lines without an entry number match any entry; their number and filer are 0.
        let by = match &d.entry {
            None => {
                for &(lo, hi) in &bounds {
                    out.push(self.by_agency.range(&(agency, lo), &(agency, hi)));
                }
                By::Agency
            }
            Some(e) => {
                let number = self.id(Some(&e.number));
                match e.filer.as_deref() {
                    Some(f) => {
                        let filer = self.id(Some(f));
                        for &(lo, hi) in &bounds {
                            let r = |n: u32, f: u32| {
                                self.by_entry_filer
                                    .range(&(agency, n, f, lo), &(agency, n, f, hi))
                            };
                            out.push(r(0, 0));
                            if let Some(n) = number {
                                out.push(r(n, 0));
                                if let Some(f) = filer {
                                    out.push(r(n, f));
                                }
                            }
                        }
                        By::EntryFiler
                    }
                    None => {
                        for &(lo, hi) in &bounds {
                            let r = |n: u32| {
                                self.by_entry_number
                                    .range(&(agency, n, lo), &(agency, n, hi))
                            };
                            out.push(r(0));
                            if let Some(n) = number {
                                out.push(r(n));
                            }
                        }
                        By::EntryNumber
                    }
                }
            }
        };
        out.retain(|(lo, hi)| lo < hi);
        (by, out)
    }

    /// Records a run of record-level `SE90`s for the groups at `ranges` of `by_address`;
    /// returns the (line, condition) pairs not recorded.
    fn record_conditions(&mut self, ranges: &[(usize, usize)], run: Run, cap: u32) -> u64 {
        let mut dropped = 0;
        for &r in ranges {
            dropped += self
                .by_address
                .record(&mut self.conditions, r, run.span, cap);
            if let Some(c) = run.rejection {
                self.by_address.mark(r, c, &later);
            }
        }
        dropped
    }

    /// Records a run of final `SE90`s for the entry groups at `ranges` of `entries`;
    /// returns the (line, condition) pairs not recorded.
    fn record_cargo_release(&mut self, ranges: &[(usize, usize)], span: Span, cap: u32) -> u64 {
        let mut dropped = 0;
        for &r in ranges {
            dropped += self.entries.record(&mut self.cargo_release, r, span, cap);
            if span.len() > 0 {
                self.entries.mark(r, span.end - 1, &later);
            }
        }
        dropped
    }

    /// Records the disposition `span` (one item of `store`) for the groups at `ranges` of
    /// the order `by`; returns the (line, disposition) pairs not recorded.
    fn record_disposition(
        &mut self,
        (by, ranges): (By, &[(usize, usize)]),
        span: Span,
        cap: u32,
        store: &[AgencyDisposition],
    ) -> u64 {
        let better = chronologically_later(store);
        let lists = &mut self.dispositions;
        let mut dropped = 0;
        for &r in ranges {
            dropped += match by {
                By::EntryFiler => {
                    self.by_entry_filer.mark(r, span.start, &better);
                    self.by_entry_filer.record(lists, r, span, cap)
                }
                By::EntryNumber => {
                    self.by_entry_number.mark(r, span.start, &better);
                    self.by_entry_number.record(lists, r, span, cap)
                }
                By::Agency => {
                    self.by_agency.mark(r, span.start, &better);
                    self.by_agency.record(lists, r, span, cap)
                }
            };
        }
        dropped
    }

    /// The latest disposition (status date and time, then arrival) that addressed the
    /// lines of address group `slot`, recorded or not.
    fn latest_disposition(&self, slot: usize, store: &[AgencyDisposition]) -> Option<u32> {
        let better = chronologically_later(store);
        [
            self.by_entry_filer.best_of(slot, &better),
            self.by_entry_number.best_of(slot, &better),
            self.by_agency.best_of(slot, &better),
        ]
        .into_iter()
        .flatten()
        .reduce(|a, b| if better(b, a) { b } else { a })
    }

    /// Closes a response: adds its counts to the per-group totals.
    fn flush(&mut self) {
        self.by_address.flush(&mut self.conditions);
        self.by_entry_filer.flush(&mut self.dispositions);
        self.by_entry_number.flush(&mut self.dispositions);
        self.by_agency.flush(&mut self.dispositions);
        self.entries.flush(&mut self.cargo_release);
    }
}

/// The number of (line group, item) pairs of `n` items over `ranges`.
fn pairs(ranges: &[(usize, usize)], n: usize) -> u64 {
    let groups: usize = ranges.iter().map(|(lo, hi)| hi - lo).sum();
    (groups as u64).saturating_mul(n as u64)
}

/// What one [`Correlation::add_response`] carries along.
struct Pass {
    /// Arrival index of the response.
    index: usize,
    /// SE90 lines already mapped (or reported unmatched): each SE90 counts once.
    seen: BTreeSet<u32>,
    /// SE90s of an `OI` or an anchor, shared by the echoed lines under it, by the line of
    /// that record: the run they are stored at, or `None` when reported unmatched.
    shared: std::collections::HashMap<u32, Option<Run>>,
    /// The summary being built.
    summary: ResponseSummary,
}

impl Pass {
    fn source(&self, line: u32) -> Source {
        Source {
            response: self.summary.name.clone(),
            index: self.index,
            line,
        }
    }
}

impl Correlation {
    /// Indexes the PGA lines of a submission (a parsed `SE` or `AE` transmission), with the
    /// default [`Limits`].
    pub fn new(submission: &Transmission<'_>) -> Correlation {
        Correlation::with_limits(submission, Limits::default())
    }

    /// Indexes the PGA lines of a submission (a parsed `SE` or `AE` transmission): by
    /// address (entry, CBP line, tariff position, agency, PGA line number), by entry, by
    /// certificate and by `PG01` line, once.
    pub fn with_limits(submission: &Transmission<'_>, limits: Limits) -> Correlation {
        let submitted: Vec<SubmittedLine> = found_lines(submission)
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
                SubmittedLine {
                    address: f.address,
                    pg01_line: f.line.pg01.record.line,
                    anchor_line: f.anchor.map(|a| a.anchor.record.line),
                    description,
                    program: pg01.and_then(|p| text(p.program_code)),
                    processing_code: pg01.and_then(|p| text(p.processing_code)),
                    disclaimer: pg01.and_then(|p| text(p.disclaimer_code)),
                    certificates,
                    record_lines: line_nodes(f.line).iter().map(|n| n.record.line).collect(),
                }
            })
            .collect();
        Correlation {
            batch_user_data: batch_user_data(submission),
            responses: Vec::new(),
            unmatched: Vec::new(),
            index: Index::new(&submitted),
            submitted,
            conditions: Vec::new(),
            dispositions: Vec::new(),
            limits,
        }
    }

    /// The limits the correlation records within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Every submitted PGA line with what the responses say about it, in submission order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = LineStatus<'_>> + DoubleEndedIterator {
        self.submitted
            .iter()
            .enumerate()
            .map(move |(index, line)| LineStatus {
                line,
                index,
                book: self,
            })
    }

    /// The submitted line at `index` (0-based, submission order).
    pub fn line(&self, index: usize) -> Option<LineStatus<'_>> {
        self.submitted.get(index).map(|line| LineStatus {
            line,
            index,
            book: self,
        })
    }

    /// Every `SE90` condition (`SX` responses) mapped to at least one submitted line, each
    /// stored once, in arrival order. Lines refer to them ([`LineStatus::conditions`],
    /// [`LineStatus::cargo_release`]); unmatched ones are in [`Correlation::unmatched`].
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Every `SO70` disposition (`SO` / `UC` notifications) mapped to at least one
    /// submitted line, each stored once, in arrival order ([`LineStatus::dispositions`]).
    pub fn dispositions(&self) -> &[AgencyDisposition] {
        &self.dispositions
    }

    /// Adds a parsed response (`SX`, `SO`, `UC` …; any mix of `SE90` and `SO70` content) and
    /// maps its records to the submitted lines. `name` labels the response in
    /// [`Source`]s (a file name, a message id).
    ///
    /// Each condition and disposition is stored once; the lines it addresses are found
    /// through the index built by [`Correlation::new`], and each records a reference within
    /// [`Limits`] (what does not fit is counted in [`ResponseSummary::dropped`]).
    pub fn add_response(&mut self, name: &str, response: &Transmission<'_>) -> ResponseSummary {
        let user_data = batch_user_data(response);
        let summary = ResponseSummary {
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
        let mut pass = Pass {
            index: self.responses.len(),
            seen: BTreeSet::new(),
            shared: std::collections::HashMap::new(),
            summary,
        };
        let cap = self.limits.cap();

        // 1. Record-level SE90s on echoed PGA lines, their OI and their anchor.
        for f in found_lines(response) {
            let (targets, first) = self.index.echo_targets(&f.address);
            let matched = !targets.is_empty();
            // The echo's k-th record is the submission's k-th record of the line.
            let record_lines = first
                .and_then(|t| self.submitted.get(t))
                .map_or(&[][..], |l| l.record_lines.as_slice());
            let mut own = Vec::new();
            for (k, node) in line_nodes(f.line).into_iter().enumerate() {
                for c in &node.conditions {
                    if let Some(mut cond) =
                        Condition::from_record(c, pass.source(c.line), Scope::Line)
                    {
                        cond.after_record = Some(node.record.id().to_string());
                        cond.submitted_line = record_lines.get(k).copied();
                        own.push(cond);
                    }
                }
            }
            let mut runs = vec![self.take(own, matched, &mut pass)];
            if let Some(oi) = &f.group.oi {
                let key = (oi.record.line, Scope::OiGroup);
                runs.push(self.take_shared(&mut pass, key, &[oi], matched));
            }
            if let Some(a) = f.anchor {
                let nodes: Vec<&Node<Record<'_>>> = std::iter::once(&a.anchor)
                    .chain(a.sub_records.iter())
                    .collect();
                let key = (a.anchor.record.line, Scope::Anchor);
                runs.push(self.take_shared(&mut pass, key, &nodes, matched));
            }
            for run in runs.into_iter().flatten() {
                pass.summary.dropped += self.index.record_conditions(&targets, run, cap);
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
                    let source = pass.source(n.record.line);
                    if let Some(i) = IgnoredRecord::of(&n.record, source) {
                        pass.summary.ignored.push(i);
                    }
                    if let Some(e) = entry_of_host(&n.record) {
                        tx_entry.get_or_insert_with(|| e.clone());
                        entry = Some(e);
                    }
                    let source = pass.source(n.record.line);
                    if let Some(c) = Condition::from_record(&n.record, source, Scope::Transaction) {
                        finals.push(c);
                    }
                }
                if let Item::Disposition(d) = item {
                    if let Some(mut disp) =
                        AgencyDisposition::from_node(d, pass.source(d.so70.record.line))
                    {
                        disp.entry = entry.clone().or_else(|| disp.entry_reference());
                        let (by, ranges) = self.index.disposition_ranges(&disp);
                        if ranges.is_empty() {
                            pass.summary.unmatched += 1;
                            self.unmatched.push(Unmatched::Disposition(Box::new(disp)));
                        } else {
                            pass.summary.dispositions_matched += 1;
                            pass.summary.dropped += match store(&mut self.dispositions, [disp]) {
                                Some(run) => self.index.record_disposition(
                                    (by, &ranges),
                                    run,
                                    cap,
                                    &self.dispositions,
                                ),
                                None => pairs(&ranges, 1),
                            };
                        }
                    }
                }
                for node in item_nodes(item) {
                    for c in &node.conditions {
                        if pass.seen.contains(&c.line) {
                            continue;
                        }
                        if let Some(mut cond) =
                            Condition::from_record(c, pass.source(c.line), Scope::Transaction)
                        {
                            cond.after_record = Some(node.record.id().to_string());
                            pass.seen.insert(c.line);
                            others.push(cond);
                        }
                    }
                }
            }
            // Final SE90s (01/02/03) apply to every line of the transaction's entry.
            if !finals.is_empty() {
                let ranges = self.index.entry_ranges(tx_entry.as_ref());
                if ranges.is_empty() {
                    pass.summary.unmatched += finals.len();
                    self.unmatched
                        .extend(finals.into_iter().map(Unmatched::Condition));
                } else {
                    let n = finals.len();
                    pass.summary.conditions_matched += n;
                    pass.summary.dropped += match store(&mut self.conditions, finals) {
                        Some(run) => self.index.record_cargo_release(&ranges, run, cap),
                        None => pairs(&ranges, n),
                    };
                }
            }
            pass.summary.unmatched += others.len();
            self.unmatched
                .extend(others.into_iter().map(Unmatched::Condition));
        }
        self.index.flush();
        self.responses.push(pass.summary.clone());
        pass.summary
    }

    /// Counts and keeps conditions met for the first time in this response: reported
    /// unmatched when the echoed line matches no submitted line, else stored (each once);
    /// returns where they are stored.
    fn take(&mut self, conds: Vec<Condition>, matched: bool, pass: &mut Pass) -> Option<Run> {
        let mut keep = Vec::new();
        for cond in conds {
            let first = pass.seen.insert(cond.source.line);
            if !matched {
                if first {
                    pass.summary.unmatched += 1;
                    self.unmatched.push(Unmatched::Condition(cond));
                }
                continue;
            }
            if first {
                pass.summary.conditions_matched += 1;
            }
            keep.push(cond);
        }
        if !matched || keep.is_empty() {
            return None;
        }
        let n = keep.len();
        let rejection = keep.iter().position(Condition::is_rejection);
        let Some(span) = store(&mut self.conditions, keep) else {
            pass.summary.dropped += n as u64;
            return None;
        };
        Some(Run {
            span,
            rejection: rejection
                .and_then(|k| u32::try_from(k).ok())
                .map(|k| span.start + k),
        })
    }

    /// [`Correlation::take`] for the SE90s on an `OI`, or on an HTS anchor and its
    /// sub-records (`nodes`; `key`: the line of the first one and the scope), which every
    /// echoed line under it shares: built and stored once per response.
    fn take_shared(
        &mut self,
        pass: &mut Pass,
        (key, scope): (u32, Scope),
        nodes: &[&Node<Record<'_>>],
        matched: bool,
    ) -> Option<Run> {
        match pass.shared.get(&key) {
            Some(Some(run)) => return Some(*run),
            Some(None) if !matched => return None,
            _ => {}
        }
        let mut conds = Vec::new();
        for node in nodes {
            for c in &node.conditions {
                if let Some(mut cond) = Condition::from_record(c, pass.source(c.line), scope) {
                    cond.after_record = Some(node.record.id().to_string());
                    conds.push(cond);
                }
            }
        }
        let run = self.take(conds, matched, pass);
        // Once stored (or found empty) for a matched line, later lines reuse the run.
        let state = matched.then(|| run.unwrap_or_default());
        pass.shared.insert(key, state);
        run
    }

    /// The lines whose `PG14` carries `certificate` (compared verbatim, surrounding spaces
    /// ignored), in submission order.
    pub fn by_certificate(&self, certificate: &str) -> Vec<LineStatus<'_>> {
        self.index
            .certificates
            .get(certificate.trim())
            .map(|v| v.iter().filter_map(|&i| self.line(i)).collect())
            .unwrap_or_default()
    }

    /// The line whose `PG01` is at `pg01_line` in the submission.
    pub fn by_pg01_line(&self, pg01_line: u32) -> Option<LineStatus<'_>> {
        self.index
            .pg01_lines
            .get(&pg01_line)
            .and_then(|&i| self.line(i))
    }
}
