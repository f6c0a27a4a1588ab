//! `ace-pga`: decode, encode and dump CBP ACE PGA Message Set transmissions.
//!
//! * `ace-pga decode FILE|-`: the tree with the typed organic views, as JSON.
//! * `ace-pga encode FILE|-`: that JSON back to the transmission's bytes.
//! * `ace-pga dump FILE|-`: the canonical field dump (JSON Lines).
//! * `ace-pga status SUBMISSION RESPONSE…`: the status of each PGA line from CBP's responses.
//!
//! Errors name the line, the record id and the byte columns; the exit code is 1 for invalid
//! input and 2 for usage or I/O problems.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod check;
mod common;
mod decode;
mod dump;
mod encode;
mod fix;
mod progress;
mod stats;
mod status;

use std::io::{self, Read};
use std::process::ExitCode;

use ace_pga::validate::ValidateOptions;
use ace_pga::NaiveDate;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ace-pga",
    version,
    about = "Decode, encode and dump CBP ACE PGA Message Set (CATAIR) transmissions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bar (one is shown on a terminal while a file over 64 MiB is read, never
    /// in a pipe or when `CI` is set).
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(clap::Args)]
struct InputArgs {
    /// Input file, or `-` for standard input.
    file: String,
    /// Lenient parsing: pad short lines, accept a byte order mark, ignore trailing 0x1A,
    /// accept `  1` in N fields, recognise lower-case record ids (each reported as a warning).
    #[arg(long)]
    lenient: bool,
    /// Refuse an input larger than this many bytes (default: no limit; the commands
    /// stream).
    #[arg(long, value_name = "BYTES")]
    max_input_len: Option<usize>,
    /// Most records in one PGA line (`PG01` to the next `PG01`/`OI`; default: no limit). Over
    /// it: a `LIMIT` error; `check` still runs every other rule, other commands refuse it.
    #[arg(long, value_name = "N")]
    max_records_per_pga_line: Option<usize>,
    /// Most PGA lines (`PG01`) in one `OI` group (default: no limit); as
    /// `--max-records-per-pga-line`.
    #[arg(long, value_name = "N")]
    max_pga_lines_per_oi: Option<usize>,
}

impl InputArgs {
    /// The parse options of `--lenient` and the limit options.
    fn parse_options(&self) -> Result<ace_pga::ParseOptions, Failure> {
        let mut opts = if self.lenient {
            ace_pga::ParseOptions::lenient()
        } else {
            ace_pga::ParseOptions::strict()
        };
        let positive = |name: &str, given: Option<usize>| match given {
            Some(0) => Err(Failure::Usage(format!("{name}: expected at least 1"))),
            _ => Ok(given),
        };
        // Every command streams (memory bounded by the largest transaction), so the limits
        // that bound a whole-input parse apply only when given (issue 13, item 7).
        let n = positive("--max-input-len", self.max_input_len)?;
        opts = opts.max_input_len(n.unwrap_or(usize::MAX));
        let n = positive("--max-records-per-pga-line", self.max_records_per_pga_line)?;
        opts = opts.max_records_per_pga_line(n.unwrap_or(usize::MAX));
        let n = positive("--max-pga-lines-per-oi", self.max_pga_lines_per_oi)?;
        Ok(opts.max_pga_lines_per_oi(n.unwrap_or(usize::MAX)))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print the tree with the typed organic (AMS OR1/OR2) views as JSON.
    Decode(decode::DecodeArgs),
    /// Turn `decode` JSON back into the transmission's bytes. Writes only 80-byte records;
    /// refuses unknown or repeated keys, a `raw` that is not 80 bytes and values that do not
    /// fit (naming the JSON path, the record's line and id, and the field). Warns when the
    /// `organic` section differs from the records (the records are written).
    Encode {
        /// JSON file, or `-` for standard input.
        file: String,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Print the canonical field dump (JSON Lines, one object per record).
    Dump {
        #[command(flatten)]
        input: InputArgs,
        /// Stream (unit by unit, bounded memory) an input larger than this many bytes
        /// (default 8 MiB; a testing aid).
        #[arg(long, value_name = "BYTES", hide = true)]
        stream_above: Option<u64>,
    },
    /// Normalise without changing a meaning or a position: upper case, same-meaning ASCII
    /// for accented letters, quotes, dashes, spaces and ligatures, characters without meaning
    /// removed, TAB to space, short lines padded, byte order marks removed; every record it
    /// fixes is 80 bytes. Writes the result, prints the changes and what is not fixable to
    /// standard error (at most 1,000 of each, the rest counted); exit status 1 when
    /// something is not fixable (left in place; that record may stay longer than 80 bytes),
    /// and exit 1 without writing anything for input that is not a CATAIR transmission
    /// (F-023, F-021).
    Fix {
        /// Input file, or `-` for standard input.
        file: String,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Count batches, blocks, transactions, OI groups, PGA lines by agency and program,
    /// certificate references and records by id. Streams: any input size works.
    Stats {
        #[command(flatten)]
        input: InputArgs,
        /// Also validate (as `check` does, streamed: a second pass over the input; standard
        /// input is spilled to a temporary file first) and count findings by severity; the
        /// exit status is then 1 when there are errors.
        #[arg(long)]
        check: bool,
        /// As-of date for `--check`, YYYY-MM-DD with a four-digit year (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Worker threads that parse and count (1 to 16; default: the number of CPUs, at most 4).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Validate (SPEC 6 rules F, S, E, H, OR) and print every finding.
    Check {
        #[command(flatten)]
        input: InputArgs,
        /// As-of (filing) date for dated rules, YYYY-MM-DD with a four-digit year (default:
        /// today, UTC).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Override a rule's severity, e.g. `--rule OR-012=error --rule F-010=off`.
        #[arg(long = "rule", value_name = "ID=error|warning|off")]
        rules: Vec<String>,
        /// Turn on an opt-in rule, e.g. `--enable OR-006`.
        #[arg(long = "enable", value_name = "ID")]
        enable: Vec<String>,
        /// Show at most N findings: the first N in report order (by line). The counts and
        /// the summary by rule still cover every finding.
        #[arg(long, value_name = "N", default_value_t = ValidateOptions::new(NaiveDate::MIN).max_findings)]
        max_findings: usize,
        /// Worker threads that parse and check (1 to 16; default: the number of CPUs, at most 4);
        /// the report does not depend on it.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Map CBP responses (SX, SO, UC …) back to the PGA lines of a submission and print the
    /// status of each line.
    Status {
        /// The submitted transmission (SE or AE).
        submission: String,
        /// Response files, in arrival order.
        #[arg(required = true)]
        responses: Vec<String>,
        /// Only the lines whose PG14 carries this certificate (LPCO) number.
        #[arg(long, value_name = "NUMBER")]
        certificate: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Lenient parsing of every input.
        #[arg(long)]
        lenient: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Reads a whole input (a file, or standard input for `-`); a large file shows a progress bar
/// on a terminal.
fn read_input(path: &str) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path == "-" {
        io::stdin().lock().read_to_end(&mut buf)?;
    } else {
        let (mut file, len) = progress::open(path)?;
        buf.reserve_exact(usize::try_from(len).unwrap_or(0));
        file.read_to_end(&mut buf)?;
    }
    Ok(buf)
}

enum Failure {
    Usage(String),
    Invalid(String),
    /// Exit 1 without printing (the report was printed already).
    Quiet,
    /// Exit 2 without printing (the I/O problem was printed already).
    QuietUsage,
    /// The reader of standard output went away (`ace-pga dump FILE | head`): stop, exit 0
    /// without a message, as a Unix filter does.
    Closed,
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Stats {
            input,
            check,
            as_of,
            json,
            threads,
        } => stats::stats(input, check, as_of, json, threads),
        Command::Check {
            input,
            as_of,
            format,
            rules,
            enable,
            max_findings,
            threads,
        } => {
            if check::check(input, as_of, format, rules, enable, max_findings, threads)? {
                Err(Failure::Quiet)
            } else {
                Ok(())
            }
        }
        Command::Status {
            submission,
            responses,
            certificate,
            format,
            lenient,
        } => status::status(
            &submission,
            &responses,
            certificate.as_deref(),
            format,
            lenient,
        ),
        Command::Decode(args) => decode::run(args),
        Command::Encode { file, output } => encode::run(file, output),
        Command::Fix { file, output } => fix::run(file, output),
        Command::Dump {
            input,
            stream_above,
        } => dump::run(input, stream_above),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
        Err(Failure::Quiet) => ExitCode::from(1),
        Err(Failure::QuietUsage) => ExitCode::from(2),
        Err(Failure::Closed) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("ace-pga: {msg}");
            ExitCode::from(2)
        }
    }
}
