//! Helpers shared by the subcommands: parsing an input and printing its problems.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};

use ace_pga::{FlatTree, NaiveDate, ParseOptions, Severity};

use crate::{progress, Failure};

/// Text from the input shown on a terminal: control characters become `?` (no escape
/// sequences from a file reach the terminal).
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Standard output for `decode`'s one-line JSON document: on Unix a file handle on
/// descriptor 1, written through without `io::stdout()`'s line buffering, which searches
/// every write backwards for a newline (the whole of every 64 KiB block of a document
/// without one: 4 % of `decode`'s instructions); elsewhere, or when the descriptor cannot
/// be duplicated, `io::stdout()`. (Output of lines, as `dump` and `fix` write, gains
/// nothing: the search stops at the block's last line.)
pub(crate) fn stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(io::stdout().lock())
}

/// The options a response is read with (SPEC 7.2): lenient, with the limits of `opts`.
pub(crate) fn response_options(opts: &ParseOptions) -> ParseOptions {
    let l = opts.limits();
    ParseOptions::lenient()
        .max_input_len(l.max_input_len)
        .max_records_per_pga_line(l.max_records_per_pga_line)
        .max_pga_lines_per_oi(l.max_pga_lines_per_oi)
}

/// Parses with `opts`; only a whole-input problem fails here.
fn parse_whole<'a>(
    name: &str,
    data: &'a [u8],
    opts: &ParseOptions,
) -> Result<FlatTree<'a>, Failure> {
    FlatTree::parse_with(data, opts).map_err(|e| Failure::Invalid(clean(&format!("{name}: {e}"))))
}

/// Parses an input into the flat tree (`status`): its warnings are printed, its errors
/// fail.
pub(crate) fn parse<'a>(
    name: &str,
    data: &'a [u8],
    lenient: bool,
) -> Result<FlatTree<'a>, Failure> {
    let opts = if lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
    let t = parse_whole(name, data, &opts)?;
    let mut stderr = io::stderr().lock();
    for p in t
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Warning)
    {
        let _ = writeln!(stderr, "{}", clean(&format!("{name}: {p}")));
    }
    let errors: Vec<String> = t
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| clean(&format!("{name}: {p}")))
        .collect();
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(Failure::Invalid(errors.join("\n")))
    }
}

/// Parses CBP's answer (SPEC 7.2: a response is never refused) into the flat tree:
/// leniently, every record-level problem printed as a warning; only whole-input problems
/// (F-020, F-021, F-023, limits) fail.
pub(crate) fn parse_response<'a>(name: &str, data: &'a [u8]) -> Result<FlatTree<'a>, Failure> {
    let t = parse_whole(name, data, &ParseOptions::lenient())?;
    print_as_warnings(name, t.problems());
    Ok(t)
}

/// Prints problems of a response on standard error, each as a warning (SPEC 7.2).
/// At most this many errors and as many warnings are printed by `decode` and `dump`; the
/// rest are counted in one closing line each.
pub(crate) const LISTED: usize = 100;

/// The closing line for `more` problems of a kind (`error`, `warning`) beyond [`LISTED`].
pub(crate) fn not_listed(name: &str, more: usize, kind: &str) -> Option<String> {
    (more > 0).then(|| {
        format!("{name}: ... and {more} more {kind}(s), not listed (`ace-pga check` lists them)")
    })
}

/// The problems `dump` prints: the first [`LISTED`] errors and warnings in input order, the
/// others counted (a garbage input of gigabytes must not print, or hold, them all).
#[derive(Debug, Default)]
pub(crate) struct Listed {
    kept: Vec<ace_pga::Problem>,
    errors: usize,
    warnings: usize,
}

impl Listed {
    /// Keeps `p` if fewer than [`LISTED`] of its severity are kept, else counts it.
    pub(crate) fn push(&mut self, p: &ace_pga::Problem) {
        let n = if p.severity == Severity::Error {
            &mut self.errors
        } else {
            &mut self.warnings
        };
        *n += 1;
        if *n <= LISTED {
            self.kept.push(p.clone());
        }
    }

    /// Whether any problem (kept or counted) is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Prints the kept problems in input order (whole-input problems last; every one as a
    /// warning when `as_warnings`), then the counts of the others.
    pub(crate) fn print(mut self, name: &str, as_warnings: bool) {
        self.kept.sort_by_key(|p| {
            (
                p.location.line.is_none(),
                p.location.line,
                p.location.offset,
            )
        });
        let mut stderr = io::BufWriter::new(io::stderr().lock());
        for p in &mut self.kept {
            if as_warnings {
                p.severity = Severity::Warning;
            }
            let _ = writeln!(stderr, "{}", clean(&format!("{name}: {p}")));
        }
        let more = |n: usize| n.saturating_sub(LISTED);
        let lines = if as_warnings {
            // The errors printed as warnings: the two counts are of warnings.
            [
                not_listed(name, more(self.errors) + more(self.warnings), "warning"),
                None,
            ]
        } else {
            [
                not_listed(name, more(self.warnings), "warning"),
                not_listed(name, more(self.errors), "error"),
            ]
        };
        for line in lines.into_iter().flatten() {
            let _ = writeln!(stderr, "{line}");
        }
        let _ = stderr.flush();
    }
}

pub(crate) fn print_as_warnings(name: &str, problems: &[ace_pga::Problem]) {
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    for p in problems {
        let mut p = p.clone();
        p.severity = Severity::Warning;
        let _ = writeln!(stderr, "{}", clean(&format!("{name}: {p}")));
    }
    let _ = stderr.flush();
}

/// Parses an input of `decode` or `dump`. CBP's answers — an input whose application
/// identifier (B, else A record) is a CBP output such as `SX`, `SO` or `UC`
/// ([`ace_pga::response::is_response`]) — are read as `status` reads them: leniently,
/// whatever `--lenient` says, and never refused for a record-level problem (SPEC 7.2).
/// Anything else is parsed with the given options. Only whole-input problems fail here.
/// Returns the transmission and whether it is a response.
pub(crate) fn parse_input<'a>(
    name: &str,
    data: &'a [u8],
    opts: &ParseOptions,
) -> Result<(FlatTree<'a>, bool), Failure> {
    let t = parse_whole(name, data, opts)?;
    let response = ace_pga::response::flat_application_id(&t)
        .is_some_and(ace_pga::codes::is_response_application);
    if !response {
        return Ok((t, false));
    }
    let lenient = response_options(opts);
    if *opts == lenient {
        return Ok((t, true));
    }
    Ok((parse_whole(name, data, &lenient)?, true))
}

/// The `--as-of` date: `YYYY-MM-DD` with a four-digit year (a real date, year 0001 or
/// later), or today (UTC) when not given. Anything else is a usage error: `26-03-16` would
/// otherwise be the year 26 and switch every dated rule off.
pub(crate) fn as_of_date(given: Option<&str>) -> Result<NaiveDate, Failure> {
    match given {
        Some(d) => ace_pga::parse_iso_date(d).ok_or_else(|| {
            Failure::Usage(clean(&format!(
                "--as-of {d}: expected a real date YYYY-MM-DD with a four-digit year (0001 to 9999), e.g. 2026-03-16"
            )))
        }),
        None => Ok(ace_pga::validate::today_utc()),
    }
}

/// The most worker threads `--threads` takes.
pub(crate) const MAX_THREADS: usize = 16;

/// The `--threads` of `stats`, `check` and `decode`: at least 1, at most [`MAX_THREADS`];
/// by default the number of CPUs, at most 4.
pub(crate) fn threads(threads: Option<usize>) -> Result<usize, Failure> {
    if threads == Some(0) {
        return Err(Failure::Usage("--threads: expected at least 1".into()));
    }
    // Memory grows with the threads (pieces and their output in flight): at most
    // `MAX_THREADS` keeps every command within its bound (about 40 MB for `decode --pretty`).
    if let Some(n) = threads.filter(|&n| n > MAX_THREADS) {
        return Err(Failure::Usage(format!(
            "--threads: expected at most {MAX_THREADS}, got {n}"
        )));
    }
    Ok(threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4))))
}

/// The input of a command that reads it more than once (`decode`, `stats --check`): a file
/// by its path, or standard input, a pipe or a device spilled to a temporary file first.
pub(crate) enum Source {
    Path(String),
    /// Standard input, spilled.
    Spilled(File),
}

impl Source {
    /// A regular file is read by its path (no temporary file is made); anything else is
    /// copied to a temporary file first.
    pub(crate) fn open(name: &str) -> io::Result<Source> {
        if name == "-" {
            let mut spill = spill_file()?;
            io::copy(&mut io::stdin().lock(), &mut spill).map_err(spill_error)?;
            return Ok(Source::Spilled(spill));
        }
        // Fails now, as reading the whole file did, when the file cannot be opened.
        let mut file = File::open(name)?;
        if file.metadata()?.is_file() {
            return Ok(Source::Path(name.to_string()));
        }
        // A pipe or device (`<(…)`, `/dev/stdin`) can be read once only.
        let mut spill = spill_file()?;
        io::copy(&mut file, &mut spill).map_err(spill_error)?;
        Ok(Source::Spilled(spill))
    }

    /// At most `len` bytes from byte `offset` (fewer at the end of the input).
    pub(crate) fn read_at(&mut self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(len);
        match self {
            Source::Path(p) => {
                let mut f = File::open(p)?;
                f.seek(SeekFrom::Start(offset))?;
                f.take(len as u64).read_to_end(&mut buf)?;
            }
            Source::Spilled(f) => {
                f.seek(SeekFrom::Start(offset))?;
                (&*f).take(len as u64).read_to_end(&mut buf)?;
            }
        }
        Ok(buf)
    }

    /// A fresh reader from the start (with a progress bar when `bar` and the file is large).
    pub(crate) fn reader(&mut self, bar: bool) -> io::Result<Box<dyn io::BufRead + '_>> {
        const CAPACITY: usize = 1 << 16;
        match self {
            Source::Path(p) if bar => {
                let (file, _) = progress::open(p)?;
                Ok(Box::new(BufReader::with_capacity(CAPACITY, file)))
            }
            Source::Path(p) => Ok(Box::new(BufReader::with_capacity(CAPACITY, File::open(p)?))),
            Source::Spilled(f) => {
                f.seek(SeekFrom::Start(0))?;
                Ok(Box::new(BufReader::with_capacity(CAPACITY, &*f)))
            }
        }
    }
}

/// The temporary file an input read once is copied to; an error names it (not the input).
fn spill_file() -> io::Result<File> {
    tempfile::tempfile().map_err(spill_error)
}

/// An error of the temporary copy of an input (a read error of the input is not told
/// apart: `io::copy` reports both alike), naming the temporary folder.
fn spill_error(e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "copying the input to a temporary file in {}: {e}",
            std::env::temp_dir().display()
        ),
    )
}

/// Testing knob of `check` and `stats --check`: the environment variable
/// `ACE_PGA_WHOLE_BELOW` sets [`ace_pga::stream::check::CheckOptions::whole_below`] (inputs
/// up to that many bytes are checked whole; `0`: always streamed), so that tests can compare
/// both paths of the same binary.
pub(crate) fn whole_below_knob(copts: &mut ace_pga::stream::check::CheckOptions) {
    if let Some(n) = std::env::var("ACE_PGA_WHOLE_BELOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        copts.whole_below = n;
    }
}

/// The failure of writing the output: [`Failure::Closed`] when the reader went away (a
/// broken pipe), else a usage failure naming the error.
pub(crate) fn write_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Usage(format!("writing output: {e}"))
    }
}
