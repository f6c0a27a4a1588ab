//! Positions in host records that the correlation reads: re-exported from
//! [`crate::records::host`], the one place that knows them.

pub use crate::records::host::{
    HostField, AE10_ENTRY_FILER, AE10_ENTRY_NUMBER, AE40_CBP_LINE, HOST_FIELDS, SE10_ENTRY_FILER,
    SE10_ENTRY_NUMBER, SE40_CBP_LINE, SO10_ENTRY_FILER, SO10_ENTRY_NUMBER,
};

use super::EntryNumber;
use crate::records::Record;
use crate::records::RecordType;

/// The entry number of an entry header ([`crate::records::host::ENTRY_HEADERS`], read by
/// [`crate::records::host::entry_of`]); `None` for another record.
pub(super) fn entry_of_host(r: &Record<'_>) -> Option<EntryNumber> {
    if r.record_type() != RecordType::Host {
        return None;
    }
    let (filer, number) = crate::records::host::entry_of(r.id(), r.raw())?;
    Some(EntryNumber {
        filer: filer.map(str::to_string),
        number: number.to_string(),
    })
}
