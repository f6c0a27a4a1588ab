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
            // What lenient reading and `fix` would make of the errors (see `Repairs`).
            let mut repairs = Repairs::default();
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
                        repairs.error(p, opts.is_lenient());
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
            errors.push(repairs.hint(&name, &mut source));
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

/// Lines looked at again for the closing hint of a failed `decode`, at most.
const LINES_LOOKED_AT: usize = 1_000;

/// The errors of a failed strict `decode`, as far as `--lenient` and `fix` repair them: a
/// byte order mark (F-016) and trailing 0x1A bytes (F-017) are repaired by both; a line of
/// the wrong length (F-001) or a non-numeric N field (F-007) is looked at again alone
/// ([`line_repairs`]); any other error, or more such lines than [`LINES_LOOKED_AT`], is
/// repaired by neither.
#[derive(Default)]
struct Repairs {
    /// F-016 and F-017 seen.
    whole_input: [bool; 2],
    /// Offsets of the records of F-001 and F-007 errors, and whether an F-007 was seen.
    lines: Vec<usize>,
    numbers: bool,
    /// An error neither repairs (or one not looked at).
    other: bool,
}

impl Repairs {
    fn error(&mut self, p: &Problem, lenient: bool) {
        let rule = p.kind.rule();
        match rule.as_str() {
            _ if lenient => self.other = true,
            "F-016" => self.whole_input[0] = true,
            "F-017" => self.whole_input[1] = true,
            "F-001" | "F-007" if p.location.line.is_some() => {
                self.numbers |= rule.as_str() == "F-007";
                if self.lines.last() != Some(&p.location.offset) {
                    if self.lines.len() < LINES_LOOKED_AT {
                        self.lines.push(p.location.offset);
                    } else {
                        self.other = true;
                    }
                }
            }
            _ => self.other = true,
        }
    }

    /// The closing line: `--lenient` named only when it reads every error (then what it
    /// reads), `fix` only when the file it writes decodes.
    fn hint(&self, name: &str, source: &mut Source) -> String {
        let (mut lenient, mut fixed) = (!self.other, !self.other);
        // Lines shorter and longer than 80 bytes among them.
        let mut lengths = [false; 2];
        for &offset in &self.lines {
            if !(lenient || fixed) {
                break;
            }
            let line = source.read_at(offset as u64, LINE_READ).ok();
            let (l, f, len) = line.as_deref().map_or((false, false, 80), line_repairs);
            lenient &= l;
            fixed &= f;
            if let Some(x) = lengths.get_mut(usize::from(len > 80)) {
                *x |= len != 80;
            }
        }
        let reads: Vec<&str> = [
            (lengths[0], "short lines"),
            (lengths[1], "spaces past column 80"),
            (self.whole_input[0], "a byte order mark"),
            (self.whole_input[1], "trailing 0x1A bytes"),
            (self.numbers, "numbers right-justified with spaces"),
        ]
        .iter()
        .filter_map(|&(seen, what)| seen.then_some(what))
        .collect();
        if !lenient || reads.is_empty() {
            return format!(
                "{name}: input has errors (see above), nothing written; correct them at the \
                 source (`ace-pga check` lists every finding)"
            );
        }
        let reads = match reads.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        format!(
            "{name}: input has errors (see above), nothing written; `--lenient` reads {reads} \
             with warnings{}",
            if fixed {
                " (`ace-pga fix` repairs them in the file)"
            } else {
                ""
            }
        )
    }
}

/// Bytes read from a record's offset for [`line_repairs`]: a line longer than this is
/// repaired by neither.
const LINE_READ: usize = 256;

/// Whether `--lenient` reads the line at the start of `bytes` without an error, whether
/// `fix` makes it a line that reads without an error (each looked at on the line alone),
/// and the line's length.
fn line_repairs(bytes: &[u8]) -> (bool, bool, usize) {
    let end = match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(end) => end,
        // The last line of the input, without terminator.
        None if bytes.len() < LINE_READ => bytes.len(),
        None => return (false, false, bytes.len()),
    };
    // The line with an LF (a line alone without terminator would be read as
    // terminator-less input).
    let mut line = bytes.get(..end).unwrap_or_default().to_vec();
    let len = line.len();
    line.push(b'\n');
    let line = line.as_slice();
    let reads = |b: &[u8], o: &ace_pga::ParseOptions| {
        ace_pga::FlatTree::parse_with(b, o)
            .is_ok_and(|t| t.problems().iter().all(|p| p.severity != Severity::Error))
    };
    let lenient = reads(line, &ace_pga::ParseOptions::lenient());
    let mut out = Vec::new();
    let fixed = ace_pga::normalize::normalize_to(
        line,
        &ace_pga::normalize::NormalizeOptions::default(),
        &mut out,
    )
    .is_ok_and(|n| n.rejected.is_none() && n.is_clean())
        && reads(&out, &ace_pga::ParseOptions::strict());
    (lenient, fixed, len)
}
