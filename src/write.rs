//! Serializer entry points: a parsed [`Transmission`] back to bytes, and built records to a
//! transmission with an explicit terminator (SPEC 2.2 "Serializer").
//!
//! A parsed transmission is written from each record's raw bytes, so unmodified records come
//! back verbatim; every record is followed by the terminator it had in the input. Lenient
//! repairs are written in repaired form: short lines padded to 80 bytes, `0x1A` bytes after
//! the last record dropped. A byte order mark is never written.

use std::io::{self, Write};

use bytes::{BufMut, BytesMut};

use crate::framing::Terminator;
use crate::Transmission;

const SPACES: [u8; 80] = [b' '; 80];

/// Writes a parsed transmission.
///
/// # Errors
/// I/O errors of the writer.
pub fn write_transmission<W: Write>(t: &Transmission<'_>, w: &mut W) -> io::Result<()> {
    let pad = t.options.pad_short_lines;
    let mut result = Ok(());
    t.tree.for_each_record(|r| {
        if result.is_err() {
            return;
        }
        result = (|| {
            w.write_all(r.raw)?;
            if pad && r.raw.len() < 80 {
                w.write_all(SPACES.get(r.raw.len()..).unwrap_or_default())?;
            }
            w.write_all(r.terminator.as_bytes())
        })();
    });
    result?;
    w.write_all(written_trailing(t))?;
    Ok(())
}

/// The bytes after the last record as the serializer writes them: as received, except that
/// lenient parsing (`ignore_trailing_eof`) drops `0x1A` bytes after the last record.
pub(crate) fn written_trailing<'a>(t: &Transmission<'a>) -> &'a [u8] {
    let only_eof = t
        .trailing
        .iter()
        .all(|&b| matches!(b, 0x1A | b'\n' | b'\r'));
    if t.options.ignore_trailing_eof && only_eof {
        let keep = t
            .trailing
            .iter()
            .rposition(|&b| b != 0x1A)
            .map_or(0, |p| p + 1);
        t.trailing.get(..keep).unwrap_or_default()
    } else {
        t.trailing
    }
}

/// Writes a parsed transmission into a `BytesMut`.
pub fn to_bytes_mut(t: &Transmission<'_>) -> BytesMut {
    let mut buf = BytesMut::with_capacity(t.trailing.len() + 82 * 16);
    // BytesMut's writer never fails.
    let _ = write_transmission(t, &mut (&mut buf).writer());
    buf
}

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
