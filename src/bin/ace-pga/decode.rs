//! `ace-pga decode`: the tree with the typed organic (AMS OR1/OR2) views, as JSON.
//!
//! Streamed ([`ace_pga::stream::decode`]): memory is bounded by the largest transaction, not
//! by the input. The input is read more than once (a check pass, then the writing pass;
//! standard input, or a pipe or device given by name, is spilled to a temporary file
//! first), so that an input that fails writes nothing, as before. The limits on records per
//! PGA line, PGA lines per OI and the input's length only apply when given (as for every
//! command: they bound the memory of a whole-input parse; the stream needs none).

use std::fs::File;
use std::io::{self, SeekFrom, Write};

use ace_pga::stream::decode::{scan_threads, write_decode_document_threads, StreamDecodeError};
use ace_pga::stream::StreamOptions;
use ace_pga::{Problem, Severity};

use crate::common::{clean, not_listed, response_options, Source, LISTED};
use crate::{Failure, InputArgs};

/// `decode`'s arguments.
#[derive(clap::Args)]
pub(crate) struct DecodeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Pretty-print the JSON.
    #[arg(long)]
    pretty: bool,
    /// Worker threads that check the input and render the JSON (1 to 16; default: the number of
    /// CPUs, at most 4); the output does not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// `decode`: prints the owned transmission's keys plus `organic`.
pub(crate) fn run(args: DecodeArgs) -> Result<(), Failure> {
    let DecodeArgs {
        input,
        pretty,
        threads,
    } = args;
    let threads = crate::common::threads(threads)?;
    let name = input.file.clone();
    let read_err = |e: io::Error| Failure::Usage(format!("{name}: {e}"));
    let fail = |e: StreamDecodeError| match e {
        StreamDecodeError::Read(e) => read_err(e),
        StreamDecodeError::Write(e) => crate::common::write_failure(e),
        e => Failure::Invalid(clean(&format!("{name}: {e}"))),
    };
    let print = |p: &Problem| eprintln!("{}", clean(&format!("{name}: {p}")));
    let opts = input.parse_options()?;
    let stream = StreamOptions::default();
    let mut source = Source::open(&name).map_err(read_err)?;
    // Pass 1: whole-input problems, errors, and whether this is one of CBP's answers.
    let summary = scan_threads(
        source.reader(false).map_err(read_err)?,
        &opts,
        &stream,
        threads,
        |_| {},
    )
    .map_err(fail)?;
    let response = summary
        .application_id()
        .is_some_and(ace_pga::codes::is_response_application);
    let (opts, as_warnings) = if response {
        // CBP's answers are read leniently, every problem a warning (SPEC 7.2).
        let lenient = response_options(&opts);
        if lenient != opts {
            scan_threads(
                source.reader(false).map_err(read_err)?,
                &lenient,
                &stream,
                threads,
                |_| {},
            )
            .map_err(fail)?;
        }
        (lenient, true)
    } else {
        if summary.errors > 0 {
            // Warnings first, then the errors (nothing written); at most `LISTED` of each,
            // the rest counted (a garbage input of gigabytes must not print, or hold, them all).
            let mut errors = Vec::new();
            let (mut more_errors, mut warnings) = (0usize, 0usize);
            // The errors lenient reading repairs (a short line, a byte order mark, 0x1A
            // bytes), and the first non-numeric N fields (offset of the record, columns),
            // which it repairs when right-justified with spaces (looked at after the scan).
            let mut repairs = [false; 3];
            let mut n_fields: Vec<(usize, (u8, u8))> = Vec::new();
            scan_threads(
                source.reader(false).map_err(read_err)?,
                &opts,
                &stream,
                threads,
                |p| {
                    if p.severity == Severity::Warning {
                        warnings += 1;
                        if warnings <= LISTED {
                            print(p);
                        }
                    } else {
                        if !opts.is_lenient() {
                            match p.kind.rule().as_str() {
                                "F-001" => repairs[0] = true,
                                "F-016" => repairs[1] = true,
                                "F-017" => repairs[2] = true,
                                "F-007" if n_fields.len() < LISTED => {
                                    if let Some(c) = p.location.columns {
                                        n_fields.push((p.location.offset, c));
                                    }
                                }
                                _ => {}
                            }
                        }
                        if errors.len() < LISTED {
                            errors.push(clean(&format!("{name}: {p}")));
                        } else {
                            more_errors += 1;
                        }
                    }
                },
            )
            .map_err(fail)?;
            if let Some(line) = not_listed(&name, warnings.saturating_sub(LISTED), "warning") {
                eprintln!("{line}");
            }
            errors.extend(not_listed(&name, more_errors, "error"));
            let padded = n_fields.iter().any(|&(offset, (start, end))| {
                let at = offset + usize::from(start.max(1)) - 1;
                let len = usize::from(end.saturating_sub(start)) + 1;
                source
                    .read_at(at as u64, len)
                    .is_ok_and(|b| right_justified_digits(&b))
            });
            let mut reads: Vec<&str> =
                ["trimmed lines", "a byte order mark", "trailing 0x1A bytes"]
                    .iter()
                    .zip(repairs)
                    .filter_map(|(what, seen)| seen.then_some(*what))
                    .collect();
            let fixable = !reads.is_empty();
            if padded {
                reads.push("numbers right-justified with spaces");
            }
            errors.push(if !reads.is_empty() {
                let reads = match reads.split_last() {
                    Some((last, [])) => (*last).to_string(),
                    Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                    None => String::new(),
                };
                format!(
                    "{name}: input has errors (see above), nothing written; `--lenient` reads \
                     {reads} with warnings{}",
                    if fixable {
                        " (`ace-pga fix` repairs them in the file)"
                    } else {
                        ""
                    }
                )
            } else {
                format!(
                    "{name}: input has errors (see above), nothing written; correct them at \
                     the source (`ace-pga check` lists every finding)"
                )
            });
            return Err(Failure::Invalid(errors.join("\n")));
        }
        (opts, false)
    };
    let mut stdout = crate::common::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, &mut stdout);
    let spill = tempfile::tempfile().map_err(|e| Failure::Usage(format!("temporary file: {e}")))?;
    let spill = io::BufWriter::with_capacity(1 << 16, spill);
    let mut spill = SeekableBuf(spill);
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    let mut warnings = 0usize;
    write_decode_document_threads(
        source.reader(true).map_err(read_err)?,
        &mut out,
        &mut spill,
        &opts,
        &stream,
        pretty,
        threads,
        |p| {
            if as_warnings || p.severity == Severity::Warning {
                warnings += 1;
                if warnings <= LISTED {
                    let mut p = p.clone();
                    p.severity = Severity::Warning;
                    let _ = writeln!(stderr, "{}", clean(&format!("{name}: {p}")));
                }
            }
        },
    )
    .map_err(fail)?;
    if let Some(line) = not_listed(&name, warnings.saturating_sub(LISTED), "warning") {
        let _ = writeln!(stderr, "{line}");
    }
    let _ = stderr.flush();
    let write_err = crate::common::write_failure;
    writeln!(out).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(())
}

/// A buffered temporary file that can be read back: seeking flushes the buffer.
struct SeekableBuf(io::BufWriter<File>);

impl io::Write for SeekableBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl io::Seek for SeekableBuf {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.0.seek(pos)
    }
}

impl io::Read for SeekableBuf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.flush()?;
        self.0.get_mut().read(buf)
    }
}

/// Whether an N field's bytes are digits right-justified with spaces (`  12`), which a
/// lenient read accepts (SPEC 2.4 rule 2).
fn right_justified_digits(b: &[u8]) -> bool {
    let digits = b
        .iter()
        .position(|&c| c != b' ')
        .and_then(|i| b.get(i..))
        .unwrap_or_default();
    !digits.is_empty() && digits.len() < b.len() && digits.iter().all(u8::is_ascii_digit)
}
