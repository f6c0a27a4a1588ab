//! `ace-pga check`: validate and print every finding.

use std::io::{self, Write};

use ace_pga::stream::check::{check_reader_with, CheckOptions};
use ace_pga::validate::{CheckDocument, Finding, Level, ValidateOptions};
use ace_pga::RuleId;

use crate::common::{as_of_date, clean};
use crate::{progress, Failure, Format, InputArgs};

/// `check`: returns whether any error was found.
pub(crate) fn check(
    input: InputArgs,
    as_of: Option<String>,
    format: Format,
    rules: Vec<String>,
    enable: Vec<String>,
    max_findings: usize,
    threads: Option<usize>,
) -> Result<bool, Failure> {
    let as_of = as_of_date(as_of.as_deref())?;
    let mut opts = ValidateOptions::new(as_of);
    opts.max_findings = max_findings;
    for r in rules {
        let (id, level) = r
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("--rule {r}: expected ID=error|warning|off")))?;
        let usage = |e: &dyn std::fmt::Display| Failure::Usage(format!("--rule {r}: {e}"));
        let id: RuleId = id.parse().map_err(|e| usage(&e))?;
        let level: Level = level.parse().map_err(|e| usage(&e))?;
        opts.set_level(id, level).map_err(|e| usage(&e))?;
    }
    for id in enable {
        let usage = |e: &dyn std::fmt::Display| Failure::Usage(format!("--enable {e}"));
        let id: RuleId = id.parse().map_err(|e| usage(&e))?;
        opts.enable(id).map_err(|e| usage(&e))?;
        if id.rule().is_some_and(|r| !r.opt_in) {
            eprintln!("ace-pga: warning: --enable {id}: the rule runs by default")
        }
    }
    // Streamed: memory bounded by the largest transaction, not by the input (issue 13).
    let read_err = |e: io::Error| Failure::Usage(format!("{}: {e}", input.file));
    let file = if input.file == "-" {
        None
    } else {
        Some(progress::open(&input.file).map_err(read_err)?.0)
    };
    let parse_opts = input.parse_options()?;
    let mut copts = CheckOptions::default();
    // Pieces of the input are parsed and checked on worker threads (the report does not
    // depend on their number).
    copts.threads = crate::common::threads(threads)?;
    // A tree limit is reported and every other rule still runs (issue 13, item 7).
    copts.past_limits = true;
    // The records under the findings are shown in the human format only.
    copts.records = format == Format::Human;
    crate::common::whole_below_knob(&mut copts);
    let outcome = match file {
        Some(f) => check_reader_with(f, &parse_opts, &opts, &copts),
        None => check_reader_with(io::stdin().lock(), &parse_opts, &opts, &copts),
    }
    .map_err(read_err)?;
    let report = &outcome.report;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let write_err = crate::common::write_failure;
    match format {
        Format::Json => {
            // Counts cover every finding; `findings` holds the first `max_findings` of them.
            let doc = CheckDocument::new(&input.file, input.lenient, &opts, report);
            serde_json::to_writer(&mut out, &doc)
                .map_err(|e| crate::common::write_failure(e.into()))?;
            writeln!(out).map_err(write_err)?;
        }
        Format::Human => {
            for f in &report.findings {
                let raw = f.location.line.and_then(|l| outcome.record(l));
                write_human(&mut out, &input.file, f, raw).map_err(write_err)?;
            }
            writeln!(
                out,
                "{}: {} error(s), {} warning(s) (as of {as_of})",
                input.file,
                report.error_count(),
                report.warning_count()
            )
            .map_err(write_err)?;
            if report.truncated > 0 {
                writeln!(
                    out,
                    "{}: {} more finding(s) not shown ({} error(s), {} warning(s)): at most {max_findings} shown (--max-findings)",
                    input.file, report.truncated, report.truncated_errors, report.truncated_warnings
                )
                .map_err(write_err)?;
            }
            // One line by rule over the whole report, most frequent first.
            let summary = report.rule_summary();
            if !summary.is_empty() {
                let parts: Vec<String> = summary
                    .iter()
                    .map(|(rule, n)| format!("{rule} \u{d7}{n}"))
                    .collect();
                writeln!(out, "{}: by rule: {}", input.file, parts.join(", "))
                    .map_err(write_err)?;
            }
        }
    }
    out.flush().map_err(write_err)?;
    Ok(report.has_errors())
}

/// Compiler-style rendering: location, rule, message, the 80-byte record and a marker.
fn write_human(
    out: &mut impl Write,
    file: &str,
    f: &Finding,
    record: Option<&[u8]>,
) -> io::Result<()> {
    let sev = f.severity;
    let at = &f.location;
    let loc = match (at.line, at.columns) {
        (Some(l), Some((c, _))) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        (None, _) => file.to_string(),
    };
    writeln!(out, "{loc}: {sev}[{}]: {}", f.rule, clean(&f.message))?;
    if let Some(raw) = record {
        // The record's 80 columns (a longer line is cut, marked with `…`).
        let long = raw.len() > 80;
        let raw = raw.get(..raw.len().min(80)).unwrap_or_default();
        let shown: String = raw
            .iter()
            .map(|&b| {
                if (0x20..0x7F).contains(&b) {
                    char::from(b)
                } else {
                    '?'
                }
            })
            .collect();
        let num = at.line.unwrap_or(0).to_string();
        let pad = " ".repeat(num.len());
        writeln!(out, "{pad} |")?;
        writeln!(out, "{num} | {shown}{}", if long { "…" } else { "" })?;
        if let Some((s, e)) = at.columns {
            let marker = format!(
                "{}{}",
                " ".repeat(usize::from(s.saturating_sub(1))),
                "^".repeat(usize::from(e.saturating_sub(s)) + 1)
            );
            writeln!(out, "{pad} | {marker}")?;
        }
        let mut notes = vec![match at.record.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => format!("{r} ({})", f.ruleset),
            _ => format!("({})", f.ruleset),
        }];
        if let Some(c) = f.cbp_code {
            notes.push(format!("CBP {c}"));
        }
        writeln!(out, "{pad} = {}", notes.join(", "))?;
    }
    Ok(())
}
