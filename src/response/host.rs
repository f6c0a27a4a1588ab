//! Positions in **host records** that the correlation reads: the entry number of a
//! transaction and the CBP line number of an HTS anchor.
//!
//! The Cargo Release and status-notification positions are those of `spec/host-records.csv`
//! and SPEC 3.7 (revision 6.2, from CBP's *ACE Cargo Release* v40 and the Status Query
//! chapter); the Entry Summary ones (`10`, `40`) come from the samples and one public
//! transcription, confidence **T1** (SPEC 1.3). They are kept in this one table so that a
//! correction is a one-line change.
//!
//! | record | field | bytes | example |
//! |---|---|---|---|
//! | `SE10` (Cargo Release header) | entry filer code | 6–8 | `SE10AQ7K  31547727` → `Q7K` |
//! | `SE10` | entry number (with check digit) | 11–18 | → `31547727` |
//! | `SE40` (Cargo Release line) | CBP line number | 5–7 | `SE40001PE …` → `001` |
//! | `SE60` (Cargo Release HTS) | HTS anchor; tariff position = 1, 2 … after each `SE40` | — | |
//! | `10` (Entry Summary header) | entry filer code | 3–5 | `10Q7K315477611` → `Q7K` |
//! | `10` | entry number | 6–13 | → `31547761` |
//! | `40` (Entry Summary line) | CBP line number | 3–5 | `40001PE …` → `001` |
//! | `50` (Entry Summary tariff) | HTS anchor; tariff position = 1, 2 … after each `40` | — | |
//! | `SO10` (status notification header) | entry filer code | 9–11 | `SO102704Q7K  31547727` → `Q7K` |
//! | `SO10` | entry number | 14–21 | → `31547727` |
//! | `SO71` reference qualifier `EN` | filer code + entry number | reference 1–3 / 4–11 | `Q7K31547727` |

use super::EntryNumber;
use crate::record::Record;
use crate::records::RecordType;

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

/// The entry number of an entry header ([`ENTRY_HEADERS`]); `None` for another record.
pub(super) fn entry_of_host(r: &Record<'_>) -> Option<EntryNumber> {
    if r.record_type != RecordType::Host {
        return None;
    }
    let id = r.id();
    ENTRY_HEADERS
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .and_then(|(_, filer, number)| {
            Some(EntryNumber {
                filer: filer.read(r.raw).map(str::to_string),
                number: number.read(r.raw)?.to_string(),
            })
        })
}

/// The CBP line number of a line record ([`LINE_RECORDS`]): `None` for another record,
/// `Some(None)` when the number is blank or not a number.
pub(super) fn cbp_line_of_host(r: &Record<'_>) -> Option<Option<u64>> {
    if r.record_type != RecordType::Host {
        return None;
    }
    let id = r.id();
    LINE_RECORDS
        .iter()
        .find(|(rid, _)| *rid == id)
        .map(|(_, f)| f.read(r.raw).and_then(|s| s.parse().ok()))
}
