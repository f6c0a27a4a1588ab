//! `ace-pga encode`: `decode` JSON back to the transmission's bytes.
//!
//! Streamed ([`ace_pga::stream::encode`]): the JSON is read three times (standard input, or
//! a pipe or device given by name, is spilled to a temporary file first) and the records are
//! written transaction by transaction to a temporary file, copied to the output only when the
//! whole document encodes: an input that fails writes nothing, as before.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};

use ace_pga::stream::encode::{encode_stream, StreamEncodeError};

use crate::common::clean;
use crate::Failure;

/// `encode`: reads the JSON of `file` and writes the records to `output` (default: standard
/// output).
pub(crate) fn run(file: String, output: Option<String>) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let write_err = crate::common::write_failure;
    let temp_err = |e: io::Error| Failure::Usage(format!("temporary file: {e}"));
    // Standard input is read once, into a temporary file read twice.
    // A pipe or device (`<(…)`, `/dev/stdin`) too.
    let stdin = if file == "-" {
        let mut spill = tempfile::tempfile().map_err(temp_err)?;
        io::copy(&mut io::stdin().lock(), &mut spill).map_err(|e| io_err(&file, e))?;
        Some(spill)
    } else {
        let mut f = File::open(&file).map_err(|e| io_err(&file, e))?;
        if f.metadata().map_err(|e| io_err(&file, e))?.is_file() {
            None
        } else {
            let mut spill = tempfile::tempfile().map_err(temp_err)?;
            io::copy(&mut f, &mut spill).map_err(|e| io_err(&file, e))?;
            Some(spill)
        }
    };
    let open = || -> io::Result<File> {
        match &stdin {
            Some(f) => {
                let mut f = f.try_clone()?;
                f.seek(SeekFrom::Start(0))?;
                Ok(f)
            }
            None => File::open(&file),
        }
    };
    let mut records = tempfile::tempfile().map_err(temp_err)?;
    let summary = encode_stream(open, &mut records).map_err(|e| match e {
        StreamEncodeError::Read(e) => io_err(&file, e),
        StreamEncodeError::Write(e) => temp_err(e),
        e => Failure::Invalid(clean(&format!("{file}: {e}"))),
    })?;
    if summary.byte_order_mark {
        eprintln!(
            "{}",
            clean(&format!(
                "{file}: warning: framing.byte_order_mark is true, and no byte order mark is \
                 written (a transmission has none, SPEC 2.2)"
            ))
        );
    }
    if let Some(diff) = summary.organic_difference {
        eprintln!(
            "{}",
            clean(&format!(
                "{file}: warning: {diff}; encode writes what the records say (the \
                 organic section is informational and never encoded: to change a value, \
                 edit it in `batches`; the organic section may be left as it was or removed)"
            ))
        );
    }
    records.seek(SeekFrom::Start(0)).map_err(temp_err)?;
    let mut records = io::Read::take(records, summary.len);
    match output {
        Some(path) => {
            let mut f = File::create(&path).map_err(|e| io_err(&path, e))?;
            io::copy(&mut records, &mut f).map_err(|e| io_err(&path, e))?;
        }
        None => {
            let mut stdout = io::stdout().lock();
            io::copy(&mut records, &mut stdout).map_err(write_err)?;
            stdout.flush().map_err(write_err)?;
        }
    }
    Ok(())
}
