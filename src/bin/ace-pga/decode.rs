//! `ace-pga decode`: the tree with the typed organic (AMS OR1/OR2) views, as JSON.

use std::io::{self, Write};

use ace_pga::write::DecodeJson;

use crate::common::{checked, parse_input, print_as_warnings};
use crate::{read_input, Failure, InputArgs};

/// `decode`: prints the owned transmission's keys plus `organic`.
pub(crate) fn run(input: InputArgs, pretty: bool) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
    let t = match parse_input(&input.file, &data, &input.parse_options()?)? {
        (t, true) => {
            print_as_warnings(&input.file, &t.problems);
            t
        }
        (t, false) => checked(&input.file, t)?,
    };
    // Written straight to the output (no intermediate JSON value).
    let doc = DecodeJson::document(&t);
    let mut out = io::BufWriter::with_capacity(1 << 16, &mut stdout);
    doc.write_document(&mut out, pretty).map_err(write_err)?;
    writeln!(out).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(())
}
