//! `ace-pga fix`: normalise without changing a meaning or a position.

use std::io::{self, Write};

use ace_pga::normalize;

use crate::common::clean;
use crate::{read_input, Failure};

/// `fix`: writes the normalised input to `output` (default: standard output) and prints the
/// changes and what is not fixable to standard error.
pub(crate) fn run(file: String, output: Option<String>) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    let data = read_input(&file).map_err(|e| io_err(&file, e))?;
    // Input that is not a CATAIR transmission (F-023, F-021): nothing is written.
    if let Some(problem) = normalize::rejected(&data) {
        // As `check` prints it.
        eprintln!(
            "{}",
            clean(&format!(
                "{file}: error[{}]: {}",
                problem.kind.rule(),
                problem.kind
            ))
        );
        return Err(Failure::Quiet);
    }
    let opts = normalize::NormalizeOptions::default();
    // The output is written as it is made, not held.
    let fixed = match output {
        Some(path) => {
            let f = std::fs::File::create(&path).map_err(|e| io_err(&path, e))?;
            let mut w = io::BufWriter::with_capacity(1 << 16, f);
            let fixed =
                normalize::normalize_to(&data, &opts, &mut w).map_err(|e| io_err(&path, e))?;
            w.flush().map_err(|e| io_err(&path, e))?;
            fixed
        }
        None => {
            let mut w = io::BufWriter::with_capacity(1 << 16, &mut stdout);
            let fixed = normalize::normalize_to(&data, &opts, &mut w).map_err(write_err)?;
            w.flush().map_err(write_err)?;
            fixed
        }
    };
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    for c in &fixed.changes {
        let _ = writeln!(stderr, "{}", clean(&format!("{file}: {c}")));
    }
    if fixed.more_changes > 0 {
        let _ = writeln!(
            stderr,
            "{file}: ... and {} more change(s), not listed",
            fixed.more_changes
        );
    }
    for n in &fixed.not_fixable {
        let _ = writeln!(stderr, "{}", clean(&format!("{file}: {n}")));
    }
    if fixed.more_not_fixable > 0 {
        let _ = writeln!(
            stderr,
            "{file}: ... and {} more not fixable, not listed",
            fixed.more_not_fixable
        );
    }
    let _ = writeln!(
        stderr,
        "{file}: {} change(s), {} not fixable",
        fixed.change_count(),
        fixed.not_fixable_count()
    );
    if !fixed.is_clean() {
        let _ = writeln!(
            stderr,
            "{file}: NOT FIXED: the output still holds what is listed as not fixable \
             (left in place); correct it at the source"
        );
    }
    let _ = stderr.flush();
    if !fixed.is_clean() {
        return Err(Failure::Quiet);
    }
    Ok(())
}
