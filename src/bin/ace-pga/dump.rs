//! `ace-pga dump`: the canonical field dump (JSON Lines).

use std::io::{self, Write};

use ace_pga::write::dump::dump_record;
use ace_pga::Severity;

use crate::common::{clean, parse_input, print_as_warnings};
use crate::{read_input, Failure, InputArgs};

/// `dump`: one JSON object per record on standard output, problems on standard error.
pub(crate) fn run(input: InputArgs) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
    // The dump shows every record, also of invalid input; problems go to stderr
    // (a response's as warnings: it is never refused, SPEC 7.2).
    let (t, response) = parse_input(&input.file, &data, input.lenient)?;
    let mut out = io::BufWriter::new(stdout);
    for r in t.records() {
        let line =
            serde_json::to_string(&dump_record(r)).map_err(|e| Failure::Usage(e.to_string()))?;
        writeln!(out, "{line}").map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    if response {
        print_as_warnings(&input.file, &t.problems);
        return Ok(());
    }
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    for p in &t.problems {
        let _ = writeln!(stderr, "{}", clean(&format!("{}: {p}", input.file)));
    }
    let _ = stderr.flush();
    if t.problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(Failure::Invalid(format!(
            "{}: input has errors (see above)",
            input.file
        )));
    }
    Ok(())
}
