//! `ace-pga dump`: the canonical field dump (JSON Lines).
//!
//! An input up to [`STREAM_ABOVE`] bytes is parsed whole; a larger one is dumped unit by unit
//! ([`ace_pga::stream::StreamReader`]): memory is bounded by the largest unit (about a
//! megabyte), not by the input, and the output is the same (the records in input order, then
//! the parse problems in the order a whole parse reports them).

use std::io::{self, BufRead, Read, Write};

use ace_pga::stream::{StreamOptions, StreamReader, Unit};
use ace_pga::write::dump::DumpJsonWriter;
use ace_pga::{FlatTree, ParseOptions, Problem, ProblemKind, Terminator};

use crate::common::{clean, parse_input, response_options, Listed};
use crate::{Failure, InputArgs};

/// Inputs larger than this many bytes are dumped unit by unit.
pub(crate) const STREAM_ABOVE: u64 = 8 << 20;

/// `dump`: one JSON object per record on standard output, problems on standard error.
/// `stream_above`: the size above which the input streams (default [`STREAM_ABOVE`]).
pub(crate) fn run(input: InputArgs, stream_above: Option<u64>) -> Result<(), Failure> {
    let io_err = |e: io::Error| Failure::Usage(format!("{}: {e}", input.file));
    let threshold = stream_above.unwrap_or(STREAM_ABOVE);
    let opts = input.parse_options()?;
    // Read up to the threshold; a larger input streams (the bytes read so far first).
    let (head, rest): (Vec<u8>, Option<Box<dyn Read>>) = {
        let source: Box<dyn Read> = if input.file == "-" {
            Box::new(io::stdin())
        } else {
            Box::new(crate::progress::open(&input.file).map_err(io_err)?.0)
        };
        let mut head = Vec::new();
        let mut source = source;
        (&mut source)
            .take(threshold.saturating_add(1))
            .read_to_end(&mut head)
            .map_err(io_err)?;
        if (head.len() as u64) <= threshold {
            (head, None)
        } else {
            (head, Some(source))
        }
    };
    let Some(rest) = rest else {
        return whole(&input, &head, &opts);
    };
    let reader = io::BufReader::with_capacity(1 << 16, ace_pga::stream::ReadAhead::new(head, rest));
    streamed(&input, reader, &opts)
}

/// The whole-buffer dump.
fn whole(input: &InputArgs, data: &[u8], opts: &ParseOptions) -> Result<(), Failure> {
    let write_err = crate::common::write_failure;
    // The dump shows every record, also of invalid input; problems go to stderr
    // (a response's as warnings: it is never refused, SPEC 7.2).
    let (t, response) = parse_input(&input.file, data, opts)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut json = Json::default();
    for r in t.records() {
        json.write_record(&mut out, &r)?;
    }
    out.flush().map_err(write_err)?;
    let mut listed = Listed::default();
    t.problems().iter().for_each(|p| listed.push(p));
    report(&input.file, listed, response)
}

/// The direct JSON writer of the field dump and its reused line buffer.
#[derive(Default)]
struct Json {
    writer: DumpJsonWriter,
    line: Vec<u8>,
}

impl Json {
    fn write_record(
        &mut self,
        out: &mut impl Write,
        r: &ace_pga::Record<'_>,
    ) -> Result<(), Failure> {
        self.line.clear();
        self.writer.write_line(r, &mut self.line);
        out.write_all(&self.line)
            .map_err(crate::common::write_failure)
    }
}

/// Prints the problems (at most [`crate::common::LISTED`] of each severity, the rest
/// counted; a response's as warnings) and fails when any is an error.
fn report(file: &str, problems: Listed, response: bool) -> Result<(), Failure> {
    let failed = !response && problems.has_errors();
    problems.print(file, response);
    if failed {
        return Err(Failure::Invalid(format!(
            "{file}: input has errors (see above)"
        )));
    }
    Ok(())
}

/// The streamed dump: units are held only until the input is known to be a response or not
/// (its first `B` record, else its first `A` record, as [`ace_pga::response::is_response`]
/// reads a whole input), then each unit is parsed, dumped and dropped.
fn streamed(input: &InputArgs, reader: impl BufRead, opts: &ParseOptions) -> Result<(), Failure> {
    let file = &input.file;
    let io_err = |e: io::Error| Failure::Usage(format!("{file}: {e}"));
    let write_err = crate::common::write_failure;
    // A line is never handed out in pieces (an over-long line, an error in any case, is
    // one record, as in the whole-input dump): the memory of a line is its length.
    let mut stream = StreamOptions::default();
    stream.max_record_len = usize::MAX;
    let mut units = StreamReader::with_options(reader, stream);
    let mut pending: Vec<Unit> = Vec::new();
    let mut batch_id: Option<bool> = None;
    let response = loop {
        let Some(unit) = units.next().transpose().map_err(io_err)? else {
            break batch_id.unwrap_or(false);
        };
        let t = parse_unit(file, &unit, opts)?;
        let is_block = t
            .records()
            .next()
            .is_some_and(|r| r.record_type() == ace_pga::RecordType::BlockHeader);
        let app =
            ace_pga::response::flat_application_id(&t).map(ace_pga::codes::is_response_application);
        drop(t);
        pending.push(unit);
        match app {
            Some(r) if is_block => break r,
            Some(r) if batch_id.is_none() => batch_id = Some(r),
            _ => {}
        }
    };
    let lenient = response_options(opts);
    let opts = if response { &lenient } else { opts };
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut problems = Listed::default();
    let mut mixed = Mixed::default();
    let mut json = Json::default();
    for unit in pending.into_iter().map(Ok).chain(units) {
        let unit = unit.map_err(io_err)?;
        let t = parse_unit(file, &unit, opts)?;
        for r in t.records() {
            mixed.see(&r);
            json.write_record(&mut out, &r)?;
        }
        // Mixed terminators are reported once for the whole input, when first seen (the
        // list is put in input order when printed).
        if let Some(p) = mixed.problem.take() {
            problems.push(&p);
            mixed.reported = true;
        }
        t.problems()
            .iter()
            .filter(|p| !matches!(p.kind, ProblemKind::MixedTerminators))
            .for_each(|p| problems.push(p));
    }
    out.flush().map_err(write_err)?;
    report(file, problems, response)
}

/// Parses a unit; a whole-input problem (only the first unit can have one: F-020, F-021,
/// F-023) fails before any output, as it fails a whole parse. A tree limit
/// (`--max-records-per-pga-line`, `--max-pga-lines-per-oi`) applies to each unit (a
/// transaction, or a piece of about a megabyte of one); it fails after the records before it.
fn parse_unit<'u>(
    file: &str,
    unit: &'u Unit,
    opts: &ParseOptions,
) -> Result<FlatTree<'u>, Failure> {
    unit.parse_flat(opts)
        .map_err(|e| Failure::Invalid(clean(&format!("{file}: {e}"))))
}

/// The first record whose terminator differs from the first record's (F-019, reported once
/// for the input as a whole parse reports it).
#[derive(Default)]
struct Mixed {
    first: Option<Terminator>,
    problem: Option<Problem>,
    reported: bool,
}

impl Mixed {
    fn see(&mut self, r: &ace_pga::Record<'_>) {
        match self.first {
            None => self.first = Some(r.terminator()),
            Some(t) => {
                if self.problem.is_none()
                    && !self.reported
                    && r.terminator() != t
                    && r.terminator() != Terminator::None
                {
                    self.problem = Some(Problem::mixed_terminators(r.line(), r.offset()));
                }
            }
        }
    }
}
