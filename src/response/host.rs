//! Positions in host records that the correlation reads: re-exported from
//! [`crate::records::host`], the one place that knows them.

pub use crate::records::host::{
    HostField, AE10_ENTRY_FILER, AE10_ENTRY_NUMBER, AE40_CBP_LINE, HOST_FIELDS, SE10_ENTRY_FILER,
    SE10_ENTRY_NUMBER, SE40_CBP_LINE, SO10_ENTRY_FILER, SO10_ENTRY_NUMBER,
};
pub(crate) use crate::records::host::{ANCHORS, ENTRY_HEADERS, LINE_RECORDS};

use super::EntryNumber;
use crate::records::Record;
use crate::records::RecordType;

/// The entry number of an entry header ([`ENTRY_HEADERS`]); `None` for another record.
pub(super) fn entry_of_host(r: &Record<'_>) -> Option<EntryNumber> {
    if r.record_type() != RecordType::Host {
        return None;
    }
    let id = r.id();
    ENTRY_HEADERS
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .and_then(|(_, filer, number)| {
            Some(EntryNumber {
                filer: filer.read(r.raw()).map(str::to_string),
                number: number.read(r.raw())?.to_string(),
            })
        })
}

/// The CBP line number of a line record ([`LINE_RECORDS`]): `None` for another record,
/// `Some(None)` when the number is blank or not a number.
pub(super) fn cbp_line_of_host(r: &Record<'_>) -> Option<Option<u64>> {
    if r.record_type() != RecordType::Host {
        return None;
    }
    let id = r.id();
    LINE_RECORDS
        .iter()
        .find(|(rid, _)| *rid == id)
        .map(|(_, f)| f.read(r.raw()).and_then(|s| s.parse().ok()))
}
