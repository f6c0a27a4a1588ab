//! `ace-pga stats`: counts, streamed.

use std::io::{self, Write};

use ace_pga::stream::check::{check_reader_with, CheckOptions};
use ace_pga::stream::stats::collect;
use ace_pga::validate::ValidateOptions;

use crate::common::{as_of_date, clean, Source};
use crate::{Failure, InputArgs};

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
    // Chunks of the input are parsed and counted on worker threads (counts do not depend on
    // their number).
    let threads = crate::common::threads(threads)?;
    // `--check` reads the input twice, streamed both times (standard input, a pipe or a
    // device is spilled to a temporary file first); without it, once.
    let mut source = if check {
        Some(Source::open(&input.file).map_err(io_err)?)
    } else {
        None
    };
    let total = match &mut source {
        Some(s) => collect(s.reader(true).map_err(io_err)?, &opts, threads),
        None if input.file == "-" => collect(io::stdin().lock(), &opts, threads),
        None => collect(
            crate::progress::open(&input.file).map_err(io_err)?.0,
            &opts,
            threads,
        ),
    }
    .map_err(io_err)?;
    // Empty, EBCDIC, not a CATAIR transmission, a limit: one message, no counts of garbage.
    if let Some(p) = &total.whole_input {
        return Err(Failure::Invalid(clean(&format!("{}: {p}", input.file))));
    }
    let findings = match &mut source {
        Some(s) => {
            // Only the counts are printed: keep no finding (the counts cover them all). The
            // report of `validate::check_bytes` (a tree limit is the report), in pieces.
            let mut vopts = ValidateOptions::new(as_of);
            vopts.max_findings = 0;
            let mut copts = CheckOptions::default();
            copts.records = false;
            copts.threads = threads;
            crate::common::whole_below_knob(&mut copts);
            let report = check_reader_with(s.reader(false).map_err(io_err)?, &opts, &vopts, &copts)
                .map_err(io_err)?
                .report;
            Some((report.error_count(), report.warning_count()))
        }
        None => None,
    };
    let mut out = io::stdout().lock();
    let write_err = crate::common::write_failure;
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
