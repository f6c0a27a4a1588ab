//! `ace-pga encode`: `decode` JSON back to the transmission's bytes.

use std::io::{self, Write};

use ace_pga::write::EncodeInput;

use crate::common::clean;
use crate::{read_input, Failure};

/// `encode`: reads the JSON of `file` and writes the records to `output` (default: standard
/// output).
pub(crate) fn run(file: String, output: Option<String>) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    let data = read_input(&file).map_err(|e| io_err(&file, e))?;
    let invalid = |e: &dyn std::fmt::Display| Failure::Invalid(clean(&format!("{file}: {e}")));
    let input = EncodeInput::from_json_slice(&data).map_err(|e| invalid(&e))?;
    let bytes = input.transmission.to_bytes().map_err(|e| invalid(&e))?;
    if let Some(diff) = input.organic_difference(&bytes) {
        eprintln!(
            "{}",
            clean(&format!(
                "{file}: warning: {diff}; encode writes the records (the organic \
                 section is informational: edit the records instead)"
            ))
        );
    }
    match output {
        Some(path) => std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?,
        None => stdout.write_all(&bytes).map_err(write_err)?,
    }
    Ok(())
}
