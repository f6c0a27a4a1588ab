//! `ace-pga stats`: counts, streamed.

use std::io::{self, Write};

use ace_pga::validate::{self, ValidateOptions};

use crate::common::{as_of_date, clean};
use crate::{read_input, Failure, InputArgs};

/// `stats`: streams the input unit by unit (bounded memory) and prints the counts.
pub(crate) fn stats(
    input: InputArgs,
    check: bool,
    as_of: Option<String>,
    json: bool,
    threads: Option<usize>,
) -> Result<(), Failure> {
    // A malformed `--as-of` is a usage error even without `--check`.
    let as_of = as_of_date(as_of.as_deref())?;
    let opts = input.parse_options()?;
    let io_err = |e: io::Error| Failure::Usage(format!("{}: {e}", input.file));
    // `--check` validates the whole input: read standard input once and stream from memory.
    let stdin_data = if check && input.file == "-" {
        Some(read_input("-").map_err(io_err)?)
    } else {
        None
    };
    let reader: Box<dyn io::Read + '_> = if let Some(d) = &stdin_data {
        Box::new(io::Cursor::new(d.as_slice()))
    } else if input.file == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(crate::progress::open(&input.file).map_err(io_err)?.0)
    };
    // Chunks of the input are parsed and counted on worker threads (counts do not depend on
    // their number).
    let threads = crate::common::threads(threads)?;
    let total = ace_pga::stream::stats::collect(reader, &opts, threads).map_err(io_err)?;
    // Empty, EBCDIC, not a CATAIR transmission, a limit: one message, no counts of garbage.
    if let Some(p) = &total.whole_input {
        return Err(Failure::Invalid(clean(&format!("{}: {p}", input.file))));
    }
    let findings = if check {
        let data = match stdin_data {
            Some(d) => d,
            None => read_input(&input.file).map_err(io_err)?,
        };
        // Only the counts are printed: keep no finding (the counts cover them all).
        let mut vopts = ValidateOptions::new(as_of);
        vopts.max_findings = 0;
        let report = validate::check_bytes(&data, &opts, &vopts);
        Some((report.error_count(), report.warning_count()))
    } else {
        None
    };
    let mut out = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    if json {
        let mut v = serde_json::to_value(&total).map_err(|e| Failure::Usage(e.to_string()))?;
        if let (Some(obj), Some((e, w))) = (v.as_object_mut(), findings) {
            obj.insert(
                "findings".into(),
                serde_json::json!({"error": e, "warning": w}),
            );
        }
        writeln!(out, "{v}").map_err(write_err)?;
        return stats_exit(findings);
    }
    let mut text = format!(
        "bytes {}\nrecords {}\nbatches {}\nblocks {}\ntransactions {}\noi_groups {}\n",
        total.bytes,
        total.records,
        total.batches,
        total.blocks,
        total.transactions,
        total.oi_groups
    );
    for (title, map) in [
        ("pga_lines", &total.pga_lines),
        ("organic_lines", &total.organic_lines),
        ("certificate_refs", &total.certificate_refs),
        ("records_by_id", &total.records_by_id),
    ] {
        for (k, v) in map {
            text.push_str(&format!("{title}[{}] {v}\n", clean(k)));
        }
    }
    text.push_str(&format!(
        "parse_errors {}\nparse_warnings {}\n",
        total.parse_errors, total.parse_warnings
    ));
    if let Some((e, w)) = findings {
        text.push_str(&format!("findings.error {e}\nfindings.warning {w}\n"));
    }
    out.write_all(text.as_bytes()).map_err(write_err)?;
    stats_exit(findings)
}

/// `stats --check` exits 1 when validation found errors, like `check`.
fn stats_exit(findings: Option<(usize, usize)>) -> Result<(), Failure> {
    match findings {
        Some((errors, _)) if errors > 0 => Err(Failure::Quiet),
        _ => Ok(()),
    }
}
