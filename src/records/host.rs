//! Host records (SPEC 3.7): their identifiers and the positions every module reads — the entry
//! number of a transaction, the CBP line number, the HTS anchors and their HTS number. This is
//! the one place of the crate that knows them (the tree, the stream readers, `stats`, the
//! builder, validation and the response correlation ask here).
//!
//! The Cargo Release and status-notification positions are **not written here**: they are
//! read from the host layouts of `host-records.csv` (SPEC 3.7, revision 6.2, from CBP's
//! *ACE Cargo Release* v40 and the Status Query chapter), declared once in
//! `src/records/host_table.rs` ([`super::Se10`], [`super::Se40`], [`super::Se60`],
//! [`super::So10`] …). The Entry Summary ones (`10`, `40`, `50`) have no layout in
//! `host-records.csv`; they come from the samples and one public transcription, confidence
//! **T1** (SPEC 1.3), and are written once below.
//!
//! | record | field | bytes | example |
//! |---|---|---|---|
//! | `SE10` (Cargo Release header) | `entry_filer_code` | 6–8 | `SE10AQ7K  31547727` → `Q7K` |
//! | `SE10` | `entry_number` (with check digit) | 11–18 | → `31547727` |
//! | `SE40` (Cargo Release line) | `line_item_number` (CBP line) | 5–7 | `SE40001PE …` → `001` |
//! | `SE60` (Cargo Release HTS) | HTS anchor; tariff position = 1, 2 … after each `SE40` | — | |
//! | `10` (Entry Summary header) | entry filer code | 3–5 | `10Q7K315477611` → `Q7K` |
//! | `10` | entry number | 6–13 | → `31547761` |
//! | `40` (Entry Summary line) | CBP line number | 3–5 | `40001PE …` → `001` |
//! | `50` (Entry Summary tariff) | HTS anchor; tariff position = 1, 2 … after each `40` | — | |
//! | `SE60` | `hts_number` | 5–14 | `SE6008045080200000004850` → `0804508020` |
//! | `50` | HTS number | 3–12 | (T1, samples) |
//! | `SO10` (status notification header) | `entry_filer_code` | 9–11 | `SO102704Q7K  31547727` → `Q7K` |
//! | `SO10` | `entry_number` | 14–21 | → `31547727` |
//! | `SO71` reference qualifier `EN` | filer code + entry number | reference 1–3 / 4–11 | `Q7K31547727` |

use crate::layout::FieldDef;

/// A field of a host record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostField {
    /// Record identifier (`SE10`, `40` …).
    pub record: &'static str,
    /// The field's name: its `host-records.csv` name (`entry_filer_code`, `line_item_number`
    /// …) for the records laid out there, a name in the same style for the Entry Summary ones.
    pub name: &'static str,
    /// First byte, 1-based.
    pub start: usize,
    /// Last byte, 1-based inclusive.
    pub end: usize,
}

impl HostField {
    /// The field `f` of the host layout of `record` (from [`crate::field!`]).
    const fn of(record: &'static str, f: &'static FieldDef) -> HostField {
        HostField {
            record,
            name: f.name,
            start: f.start as usize,
            end: f.end as usize,
        }
    }

    /// The field's bytes as text with surrounding spaces removed; `None` when blank,
    /// beyond the record or not ASCII.
    pub fn read<'a>(&self, raw: &'a [u8]) -> Option<&'a str> {
        let b = raw.get(self.start - 1..self.end.min(raw.len()))?;
        let s = std::str::from_utf8(b).ok()?.trim();
        (!s.is_empty()).then_some(s)
    }
}

/// `SE10.entry_filer_code`, bytes 6–8 (`host-records.csv`, SPEC 3.7).
pub const SE10_ENTRY_FILER: HostField =
    HostField::of("SE10", crate::records::Se10::ENTRY_FILER_CODE);
/// `SE10.entry_number` with its check digit, bytes 11–18 (`host-records.csv`, SPEC 3.7).
pub const SE10_ENTRY_NUMBER: HostField = HostField::of("SE10", crate::records::Se10::ENTRY_NUMBER);
/// `SE40.line_item_number`: the CBP line number, bytes 5–7 (`host-records.csv`, SPEC 3.7).
pub const SE40_CBP_LINE: HostField = HostField::of("SE40", crate::records::Se40::LINE_ITEM_NUMBER);
/// `10` entry filer code, bytes 3–5 (T1, samples).
pub const AE10_ENTRY_FILER: HostField = HostField {
    record: "10",
    name: "entry_filer_code",
    start: 3,
    end: 5,
};
/// `10` entry number, bytes 6–13 (T1, samples).
pub const AE10_ENTRY_NUMBER: HostField = HostField {
    record: "10",
    name: "entry_number",
    start: 6,
    end: 13,
};
/// `40` CBP line number, bytes 3–5 (T1, samples).
pub const AE40_CBP_LINE: HostField = HostField {
    record: "40",
    name: "line_item_number",
    start: 3,
    end: 5,
};
/// `SO10.entry_filer_code`, bytes 9–11 (`host-records.csv`, SPEC 3.7; CBP's Status Query
/// chapter lays the district/port of entry at 5–8 before it).
pub const SO10_ENTRY_FILER: HostField =
    HostField::of("SO10", crate::records::So10::ENTRY_FILER_CODE);
/// `SO10.entry_number` with its check digit, bytes 14–21 (`host-records.csv`, SPEC 3.7).
pub const SO10_ENTRY_NUMBER: HostField = HostField::of("SO10", crate::records::So10::ENTRY_NUMBER);

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
pub const ENTRY_HEADERS: &[(&str, HostField, HostField)] = &[
    ("SE10", SE10_ENTRY_FILER, SE10_ENTRY_NUMBER),
    ("10", AE10_ENTRY_FILER, AE10_ENTRY_NUMBER),
    ("SO10", SO10_ENTRY_FILER, SO10_ENTRY_NUMBER),
];

/// Records that open a CBP line: (record id, line number field).
pub const LINE_RECORDS: &[(&str, HostField)] = &[("SE40", SE40_CBP_LINE), ("40", AE40_CBP_LINE)];

/// Records that are HTS anchors (SPEC 3.3).
pub const ANCHORS: &[&str] = &["SE60", "50"];

/// `SE60.hts_number`, bytes 5–14 (`host-records.csv`, SPEC 3.7).
pub const SE60_HTS_NUMBER: HostField = HostField::of("SE60", crate::records::Se60::HTS_NUMBER);
/// `50` HTS number, bytes 3–12 (T1, samples).
pub const AE50_HTS_NUMBER: HostField = HostField {
    record: "50",
    name: "hts_number",
    start: 3,
    end: 12,
};

/// Records that start a transaction (SPEC 3.4): the Cargo Release `SE10`, the Entry Summary
/// `10`.
pub const TRANSACTION_STARTS: &[&[u8]] = &[b"SE10", b"10"];

/// Whether `raw` (a record, or the start of one) opens a transaction ([`TRANSACTION_STARTS`];
/// a bare `10` needs a byte after it).
pub fn starts_transaction(raw: &[u8]) -> bool {
    TRANSACTION_STARTS
        .iter()
        .any(|id| raw.starts_with(id) && (id.len() == 4 || raw.len() > 2))
}

/// Whether a record identifier is an HTS anchor ([`ANCHORS`]).
pub fn is_anchor_id(id: &[u8]) -> bool {
    ANCHORS.iter().any(|a| a.as_bytes() == id)
}

/// Whether the record `id` is a sub-record of the anchor `anchor` (before its OI group):
/// `SE61`–`SE69` after an `SE60`; `SE60` / `SE61` after an Entry Summary `50` (SPEC 3.3: the OI
/// group follows the `50` and its own `SE60`/`SE61` records).
pub fn is_anchor_sub_record_id(anchor: &[u8], id: &[u8]) -> bool {
    match anchor {
        b"SE60" => id.len() == 4 && id.starts_with(b"SE6") && id != b"SE60",
        b"50" => matches!(id, b"SE60" | b"SE61"),
        _ => false,
    }
}

/// The HTS number of an anchor record (`SE60` 5–14, `50` 3–12) when it is all digits.
pub fn hts_number<'a>(anchor_id: &str, raw: &'a [u8]) -> Option<&'a str> {
    let f = match anchor_id {
        "SE60" => SE60_HTS_NUMBER,
        "50" => AE50_HTS_NUMBER,
        _ => return None,
    };
    f.read(raw)
        .filter(|s| s.len() == f.end - f.start + 1 && s.bytes().all(|c| c.is_ascii_digit()))
}

/// The check digit of an entry (SPEC 3.7, CBP Appendix E), as
/// [`crate::records::entry_check_digit`] (the one implementation, `records::entry_number`).
pub use super::entry_number::entry_check_digit;

/// Whether the 8-character entry number `number` (7 digits + check digit, as in
/// `SE10.entry_number`) carries the right check digit for `filer` (SPEC 3.7). `None` when the
/// entry has not that shape (then there is no check digit to judge).
pub fn entry_check_digit_ok(filer: &str, number: &str) -> Option<bool> {
    let (transaction, check) = (number.get(..7)?, number.get(7..)?);
    let want = entry_check_digit(filer, transaction)?;
    let check = match check.as_bytes() {
        [c @ b'0'..=b'9'] => c - b'0',
        _ => return None,
    };
    Some(check == want)
}

/// Whether `id` is a record identifier that `host-records.csv` lays out (`SE10` … `SO60`).
pub fn is_host_layout_id(id: &[u8]) -> bool {
    super::host_layout(id).is_some()
}

/// The entry of an entry header ([`ENTRY_HEADERS`]: `SE10`, `10`, `SO10`) as (filer code,
/// number), read at the positions above; `None` for another record or a blank number (the
/// filer code is `None` when blank).
pub fn entry_of<'a>(id: &str, raw: &'a [u8]) -> Option<(Option<&'a str>, &'a str)> {
    ENTRY_HEADERS
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .and_then(|(_, filer, number)| Some((filer.read(raw), number.read(raw)?)))
}

/// The CBP line number of a line record ([`LINE_RECORDS`]: `SE40`, `40`): `None` for another
/// record, `Some(None)` when the number is blank or not a number.
pub fn cbp_line_of(id: &str, raw: &[u8]) -> Option<Option<u64>> {
    LINE_RECORDS
        .iter()
        .find(|(rid, _)| *rid == id)
        .map(|(_, f)| f.read(raw).and_then(|s| s.parse().ok()))
}
