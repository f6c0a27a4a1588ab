//! `ace-pga status`: the status of each PGA line from CBP's responses.

use std::io::{self, Write};

use ace_pga::response::{Correlation, LineStatus, StatusDocument, Unmatched};

use crate::common::{clean, parse, parse_response};
use crate::{read_input, Failure, Format};

/// `status`: correlates responses with the submission and prints each PGA line's status.
pub(crate) fn status(
    submission: &str,
    responses: &[String],
    certificate: Option<&str>,
    format: Format,
    lenient: bool,
) -> Result<(), Failure> {
    let read = |path: &str| read_input(path).map_err(|e| Failure::Usage(format!("{path}: {e}")));
    let data = read(submission)?;
    let sub = parse(submission, &data, lenient)?;
    let mut book = Correlation::new_flat(&sub);
    // A response that cannot be read (I/O) or is not a transmission at all (empty, not
    // CATAIR) is reported and skipped: the other responses' dispositions still count. The
    // exit status says so at the end (2 for I/O, else 1).
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut io_failed = false;
    for path in responses {
        let resp = read(path).and_then(|data| {
            let t = parse_response(path, &data)?;
            Ok(book.add_flat_response(path, &t))
        });
        let summary = match resp {
            Ok(summary) => summary,
            Err(Failure::Usage(m)) => {
                eprintln!("ace-pga: {m}; response skipped");
                io_failed = true;
                skipped.push((path.clone(), m));
                continue;
            }
            Err(Failure::Invalid(m)) => {
                eprintln!("{m}");
                eprintln!(
                    "{}",
                    clean(&format!(
                        "{path}: response skipped: the status below is from the other responses"
                    ))
                );
                skipped.push((path.clone(), m));
                continue;
            }
            Err(other) => return Err(other),
        };
        for i in &summary.ignored {
            eprintln!("{}", clean(&format!("{path}: warning: {i}")));
        }
        if summary.user_data_matches == Some(false) {
            eprintln!(
                "{path}: warning: A user data {:?} differs from the submission's {:?}",
                summary.batch_user_data.as_deref().unwrap_or(""),
                book.batch_user_data.as_deref().unwrap_or("")
            );
        }
        if summary.dropped > 0 {
            eprintln!(
                "{path}: warning: {} (line, condition or disposition) reference(s) not recorded: \
                 a line keeps at most {} of each kind",
                summary.dropped,
                book.limits().max_per_line
            );
        }
    }
    let lines: Vec<LineStatus<'_>> = match certificate {
        Some(c) => book.by_certificate(c),
        None => book.lines().collect(),
    };
    if let (Some(c), true) = (certificate, lines.is_empty()) {
        return Err(Failure::Invalid(format!(
            "{submission}: no PGA line carries certificate {c}"
        )));
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let write_err = crate::common::write_failure;
    match format {
        Format::Json => {
            let doc = skipped.iter().fold(
                StatusDocument::new(submission, &book).with_lines(lines),
                |doc, (file, problem)| doc.skipped(file.as_str(), problem.as_str()),
            );
            doc.write_to(&mut out).map_err(write_err)?;
            out.write_all(b"\n").map_err(write_err)?;
        }
        Format::Human => {
            for l in &lines {
                write_status(&mut out, submission, l, book.limits().max_per_line)
                    .map_err(write_err)?;
            }
            for u in &book.unmatched {
                let text = match u {
                    Unmatched::Condition(c) => format!("{}: unmatched SE90 {c}", c.source),
                    Unmatched::Disposition(d) => format!("{}: unmatched SO70 {d}", d.source),
                    _ => continue,
                };
                writeln!(out, "{text}").map_err(write_err)?;
            }
        }
    }
    out.flush().map_err(write_err)?;
    match (io_failed, skipped.is_empty()) {
        (true, _) => Err(Failure::QuietUsage),
        (false, false) => Err(Failure::Quiet),
        (false, true) => Ok(()),
    }
}

fn write_status(
    out: &mut impl Write,
    submission: &str,
    l: &LineStatus<'_>,
    max_per_line: usize,
) -> io::Result<()> {
    let line = l.line;
    let certs = if line.certificates.is_empty() {
        String::new()
    } else {
        format!(", certificate {}", line.certificates.join(", "))
    };
    writeln!(
        out,
        "{submission}:{}: {} {} ({}{certs}): {}",
        line.pg01_line,
        line.address.agency.as_deref().unwrap_or("?"),
        line.message_type(),
        line.address,
        l.status()
    )?;
    for c in l.cargo_release() {
        writeln!(out, "  cargo release  {c}  [{}]", c.source)?;
    }
    for c in l.conditions() {
        let at = match (&c.after_record, c.submitted_line) {
            (Some(r), Some(n)) => format!(" after {r} line {n}"),
            (Some(r), None) => format!(" after {r}"),
            _ => String::new(),
        };
        writeln!(out, "  condition      {c}  [{}{at}]", c.source)?;
    }
    for d in l.history() {
        writeln!(out, "  disposition    {d}  [{}]", d.source)?;
        for comment in &d.comments {
            writeln!(out, "                 {comment}")?;
        }
    }
    let dropped = l.dropped();
    if !dropped.is_empty() {
        writeln!(
            out,
            "  not recorded   {} cargo release, {} condition(s), {} disposition(s) \
             (at most {max_per_line} of each kind per line; the status counts them all)",
            dropped.cargo_release, dropped.conditions, dropped.dispositions
        )?;
    }
    Ok(())
}
