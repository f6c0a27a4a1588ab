//! The values of a correlation: line addresses, the submitted lines, `SE90` conditions,
//! `SO70` dispositions, the derived status, limits and the per-response summary.

use std::fmt;

use chrono::NaiveDate;

#[cfg(doc)]
use super::{Correlation, LineStatus};
use crate::layout::Time;
use crate::records::Record;
use crate::records::{Body, RecordType};

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
        crate::codes::CodeList::Se90MessageTypes
            .find(t)
            .next()
            .map(|r| r.meaning.as_str())
    }

    /// Whether the condition rejects (message type `01` transaction rejected or `11` record
    /// rejected).
    pub fn is_rejection(&self) -> bool {
        matches!(self.message_type.as_deref(), Some("01" | "11"))
    }

    pub(super) fn from_record(r: &Record<'_>, source: Source, scope: Scope) -> Option<Condition> {
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
        crate::codes::CodeList::So70StatusCodes
            .find(c)
            .next()
            .map(|r| r.meaning.as_str())
    }

    /// Whether the range is usable: a version is present, or the record is of the
    /// `SO70@THRU` layout (SPEC 7.2), and begin and end are both present or both blank.
    pub(super) fn range_usable(&self) -> bool {
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
    pub(super) fn chrono_key(&self) -> (Option<NaiveDate>, Option<Time>) {
        (self.status_date, self.status_time)
    }

    /// The disposition of an `SO70` record `so70` with its `SO71`/`SO72` records `details`.
    pub(super) fn from_records<'a>(
        so70: &Record<'a>,
        details: impl IntoIterator<Item = Record<'a>>,
        source: Source,
    ) -> Option<Self> {
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
                    variant: so70.record_type().layout().and_then(|l| l.variant),
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
        let mut out = match so70.body()? {
            Body::So70(s) => with_tariff_positions!(s),
            Body::So70V04(s) => with_tariff_positions!(s),
            Body::So70Thru(s) => disposition!(
                s,
                triple(s.begin_cbp_line_number, Some(0), s.begin_pga_line_number),
                triple(s.end_cbp_line_number, Some(0), s.end_pga_line_number)
            ),
            _ => return None,
        };
        for n in details {
            match n.body() {
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
    pub(super) fn entry_reference(&self) -> Option<EntryNumber> {
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
    pub(super) fn from_code(code: Option<&str>) -> Status {
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
            Status::Other(c) => match crate::codes::CodeList::So70StatusCodes.find(c).next() {
                Some(row) => write!(f, "{c} {}", lower_first(&row.meaning)),
                None => write!(f, "{c} (unknown status code)"),
            },
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
    pub(super) fn cap(self) -> u32 {
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
    pub(super) fn of(r: &Record<'_>, source: Source) -> Option<IgnoredRecord> {
        let reason = match r.record_type() {
            RecordType::So71 | RecordType::So72 => {
                "no SO70 before it (an SO71 or SO72 belongs to the SO70 it follows, SPEC 7.2): \
                 it addresses nothing"
            }
            RecordType::Host => {
                let id = r.raw().get(..4.min(r.raw().len())).unwrap_or_default();
                let upper = id.to_ascii_uppercase();
                let response = crate::records::identify(&upper, false)
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
