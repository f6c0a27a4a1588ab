//! The wire layer (SPEC 2.2): line terminators, 80-byte slicing, line numbers and byte
//! offsets ([`framing`]), and the writer of framed records. It knows nothing of record
//! layouts.

use std::io::{self, Write};

pub mod ascii;
pub mod framing;
pub(crate) mod grammar;

pub use ascii::{is_cbp_char, parse_iso_date};
pub use framing::{Framing, Terminator};

/// Writes 80-byte records, each followed by `terminator` (the last one too when
/// `final_terminator`), e.g. records built with the typed structs or the organic builder.
///
/// # Errors
/// I/O errors of the writer.
pub fn write_records<'r, W: Write>(
    records: impl IntoIterator<Item = &'r [u8; 80]>,
    terminator: Terminator,
    final_terminator: bool,
    w: &mut W,
) -> io::Result<()> {
    let mut it = records.into_iter().peekable();
    while let Some(r) = it.next() {
        w.write_all(r)?;
        if it.peek().is_some() || final_terminator {
            w.write_all(terminator.as_bytes())?;
        }
    }
    Ok(())
}
