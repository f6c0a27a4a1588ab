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

use std::io::{self, Read, Write};
use std::process::ExitCode;

use ace_pga::dump::dump_record;
use ace_pga::normalize;
use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::response::{Correlation, LineStatus, Unmatched};
use ace_pga::validate::{self, Finding, Level, ValidateOptions};
use ace_pga::{NaiveDate, OwnedTransmission, ParseOptions, Severity, Transmission};
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
}

#[derive(clap::Args)]
struct InputArgs {
    /// Input file, or `-` for standard input.
    file: String,
    /// Lenient parsing: pad short lines, accept a byte order mark, ignore trailing 0x1A,
    /// accept `  1` in N fields, recognise lower-case record ids (each reported as a warning).
    #[arg(long)]
    lenient: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Print the tree with the typed organic (AMS OR1/OR2) views as JSON.
    Decode {
        #[command(flatten)]
        input: InputArgs,
        /// Pretty-print the JSON.
        #[arg(long)]
        pretty: bool,
    },
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
        /// Also validate (loads the input whole) and count findings by severity; the exit
        /// status is then 1 when there are errors.
        #[arg(long)]
        check: bool,
        /// As-of date for `--check`, YYYY-MM-DD with a four-digit year (default: today, UTC).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Worker threads that parse and count (default: the number of CPUs, at most 4).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Validate (SPEC 6 rules F, S, E, OR) and print every finding.
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

fn read_input(path: &str) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path == "-" {
        io::stdin().lock().read_to_end(&mut buf)?;
    } else {
        buf = std::fs::read(path)?;
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
}

/// Text from the input shown on a terminal: control characters become `?` (no escape
/// sequences from a file reach the terminal).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn parse<'a>(name: &str, data: &'a [u8], lenient: bool) -> Result<Transmission<'a>, Failure> {
    let opts = if lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
    let t = Transmission::parse_with(data, &opts)
        .map_err(|e| Failure::Invalid(clean(&format!("{name}: {e}"))))?;
    checked(name, t)
}

/// Prints the warnings of a parse and fails with its errors, if any.
fn checked<'a>(name: &str, t: Transmission<'a>) -> Result<Transmission<'a>, Failure> {
    let mut stderr = io::stderr().lock();
    for p in t
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
    {
        let _ = writeln!(stderr, "{}", clean(&format!("{name}: {p}")));
    }
    t.into_result().map_err(|e| {
        let lines: Vec<String> = e
            .problems
            .iter()
            .map(|p| clean(&format!("{name}: {p}")))
            .collect();
        Failure::Invalid(lines.join("\n"))
    })
}

/// Parses CBP's answer (SPEC 7.2: a response is never refused): leniently, every record-level
/// problem printed as a warning; only whole-input problems (F-020, F-021, F-023, limits) fail.
fn parse_response<'a>(name: &str, data: &'a [u8]) -> Result<Transmission<'a>, Failure> {
    let t = Transmission::parse_with(data, &ParseOptions::lenient())
        .map_err(|e| Failure::Invalid(clean(&format!("{name}: {e}"))))?;
    print_as_warnings(name, &t.problems);
    Ok(t)
}

/// Prints problems of a response on standard error, each as a warning (SPEC 7.2).
fn print_as_warnings(name: &str, problems: &[ace_pga::Problem]) {
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
fn parse_input<'a>(
    name: &str,
    data: &'a [u8],
    lenient: bool,
) -> Result<(Transmission<'a>, bool), Failure> {
    let opts = if lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
    let t = Transmission::parse_with(data, &opts)
        .map_err(|e| Failure::Invalid(clean(&format!("{name}: {e}"))))?;
    if !ace_pga::response::is_response(&t) {
        return Ok((t, false));
    }
    if lenient {
        return Ok((t, true));
    }
    let t = Transmission::parse_with(data, &ParseOptions::lenient())
        .map_err(|e| Failure::Invalid(clean(&format!("{name}: {e}"))))?;
    Ok((t, true))
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Stats {
        input,
        check,
        as_of,
        json,
        threads,
    } = cli.command
    {
        return stats(input, check, as_of, json, threads);
    }
    if let Command::Check {
        input,
        as_of,
        format,
        rules,
        enable,
        max_findings,
    } = cli.command
    {
        return if check(input, as_of, format, rules, enable, max_findings)? {
            Err(Failure::Quiet)
        } else {
            Ok(())
        };
    }
    if let Command::Status {
        submission,
        responses,
        certificate,
        format,
        lenient,
    } = cli.command
    {
        return status(
            &submission,
            &responses,
            certificate.as_deref(),
            format,
            lenient,
        );
    }
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    match cli.command {
        Command::Decode { input, pretty } => {
            let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
            let t = match parse_input(&input.file, &data, input.lenient)? {
                (t, true) => {
                    print_as_warnings(&input.file, &t.problems);
                    t
                }
                (t, false) => checked(&input.file, t)?,
            };
            let owned = OwnedTransmission::from_transmission(&t);
            let organic: Vec<_> = t
                .tree
                .pga_lines()
                .into_iter()
                .filter_map(OrganicLine::from_line)
                .collect();
            // Written straight to the output (no intermediate JSON value): the document is
            // the owned transmission's keys plus `organic`.
            #[derive(serde::Serialize)]
            struct Document<'o, 'v, 'a> {
                #[serde(flatten)]
                transmission: &'o OwnedTransmission,
                organic: &'v [OrganicLine<'a>],
            }
            let doc = Document {
                transmission: &owned,
                organic: &organic,
            };
            let mut out = io::BufWriter::with_capacity(1 << 16, &mut stdout);
            let written = if pretty {
                serde_json::to_writer_pretty(&mut out, &doc)
            } else {
                serde_json::to_writer(&mut out, &doc)
            };
            written.map_err(|e| Failure::Usage(format!("writing output: {e}")))?;
            writeln!(out).map_err(write_err)?;
            out.flush().map_err(write_err)?;
        }
        Command::Encode { file, output } => {
            let data = read_input(&file).map_err(|e| io_err(&file, e))?;
            let (owned, organic) = read_document(&data)
                .map_err(|e| Failure::Invalid(clean(&format!("{file}: {e}"))))?;
            let bytes = owned
                .to_bytes()
                .map_err(|e| Failure::Invalid(clean(&format!("{file}: {e}"))))?;
            if let Some(diff) = organic.and_then(|o| organic_difference(&o, &bytes)) {
                eprintln!(
                    "{}",
                    clean(&format!(
                        "{file}: warning: {diff}; encode writes the records (the organic \
                         section is informational: edit the records instead)"
                    ))
                );
            }
            match output {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?,
                None => stdout.write_all(&bytes).map_err(write_err)?,
            }
        }
        Command::Check { .. } | Command::Status { .. } | Command::Stats { .. } => {}
        Command::Fix { file, output } => {
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
                    let fixed = normalize::normalize_to(&data, &opts, &mut w)
                        .map_err(|e| io_err(&path, e))?;
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
        }
        Command::Dump { input } => {
            let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
            // The dump shows every record, also of invalid input; problems go to stderr
            // (a response's as warnings: it is never refused, SPEC 7.2).
            let (t, response) = parse_input(&input.file, &data, input.lenient)?;
            let mut out = io::BufWriter::new(stdout);
            for r in t.records() {
                let line = serde_json::to_string(&dump_record(r))
                    .map_err(|e| Failure::Usage(e.to_string()))?;
                writeln!(out, "{line}").map_err(write_err)?;
            }
            out.flush().map_err(write_err)?;
            if response {
                print_as_warnings(&input.file, &t.problems);
                return Ok(());
            }
            let mut stderr = io::BufWriter::new(io::stderr().lock());
            for p in &t.problems {
                let _ = writeln!(stderr, "{}", clean(&format!("{}: {p}", input.file)));
            }
            let _ = stderr.flush();
            if t.problems.iter().any(|p| p.severity == Severity::Error) {
                return Err(Failure::Invalid(format!(
                    "{}: input has errors (see above)",
                    input.file
                )));
            }
        }
    }
    Ok(())
}

/// Reads the JSON of `encode`: the owned transmission and the `organic` value (when given,
/// and not `null`). Refuses what serde_json would silently drop or resolve: a key given
/// twice anywhere (serde_json keeps the last), unknown keys (the types deny them), values
/// of the wrong type. Errors name the JSON path and, inside a record, its line and id.
fn read_document(data: &[u8]) -> Result<(OwnedTransmission, Option<serde_json::Value>), String> {
    let organic = scan::scan(data)?;
    let mut de = serde_json::Deserializer::from_slice(data);
    let owned: OwnedTransmission = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        typed_error(&path, e.inner())
    })?;
    de.end().map_err(|e| json_error("", &e))?;
    Ok((owned, organic.filter(|o| !o.is_null())))
}

/// An error of the typed pass of `encode` in words. The JSON text is well formed (the
/// first pass, [`scan::scan`], read all of it), so the error is about a value, never about
/// the syntax: the JSON path, the message and, for a value serde_json stopped at, its
/// position. The record reader (`OwnedRecord`) reads every key of a record before it
/// reports, so serde_json's position would be the end of the record, not the key: its
/// messages name the record's line, identifier and key in words (`line 13, record PG14:
/// field …`), and no position is shown for them.
fn typed_error(path: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&position).unwrap_or(&text);
    let msg = match e.classify() {
        // serde_json reports a value of the wrong type for a name (e.g. `null` for an enum)
        // as a syntax error "expected value".
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("{msg}: a value of the wrong type")
        }
        _ => msg.to_string(),
    };
    let from_record_reader = msg.starts_with("line ") || msg.starts_with("record ");
    let at = if e.line() > 0 && e.column() > 0 && !from_record_reader {
        format!(" (decode JSON line {}, column {})", e.line(), e.column())
    } else {
        String::new()
    };
    match path {
        "" | "." => format!("{msg}{at}"),
        p => format!("{p}: {msg}{at}"),
    }
}

/// A serde_json error in words: the JSON path (when known), the message, and the position
/// in the JSON text (`decode JSON line 40, column 3`, so that it is not read as a record
/// line).
fn json_error(path: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&position).unwrap_or(&text);
    let at = if e.line() > 0 && e.column() > 0 {
        format!(" (decode JSON line {}, column {})", e.line(), e.column())
    } else {
        String::new()
    };
    let kind = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "not ace-pga decode JSON: "
        }
        _ => "",
    };
    match path {
        "" | "." => format!("{kind}{msg}{at}"),
        p => format!("{p}: {kind}{msg}{at}"),
    }
}

/// The first difference between the `organic` section given to `encode` and the one the
/// records being encoded give (`organic[0].certificates[0].number.value: JSON says …,
/// records say …`); `None` when they agree.
fn organic_difference(given: &serde_json::Value, bytes: &[u8]) -> Option<String> {
    let derived = match Transmission::parse_with(bytes, &ParseOptions::lenient()) {
        Ok(t) => {
            let lines: Vec<_> = t
                .tree
                .pga_lines()
                .into_iter()
                .filter_map(OrganicLine::from_line)
                .collect();
            serde_json::to_value(&lines).unwrap_or_default()
        }
        Err(_) => serde_json::Value::Array(Vec::new()),
    };
    first_difference("organic", given, &derived)
}

fn first_difference(
    path: &str,
    given: &serde_json::Value,
    derived: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    /// A value in at most 60 chars of compact JSON.
    fn show(v: &Value) -> String {
        let text = v.to_string();
        if text.chars().count() > 60 {
            format!("{}…", text.chars().take(60).collect::<String>())
        } else {
            text
        }
    }
    match (given, derived) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(&p, va, vb) {
                            return Some(d);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{p}: JSON says {}, records have no such key",
                            show(va)
                        ))
                    }
                }
            }
            b.iter()
                .find(|(k, _)| !a.contains_key(*k))
                .map(|(k, vb)| format!("{path}.{k}: JSON lacks it, records say {}", show(vb)))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), va, vb) {
                    return Some(d);
                }
            }
            let n = a.len().min(b.len());
            match (a.get(n), b.get(n)) {
                (Some(va), _) => Some(format!(
                    "{path}[{n}]: JSON says {}, records have no such entry ({} in JSON, {} from \
                     the records)",
                    show(va),
                    a.len(),
                    b.len()
                )),
                (None, Some(vb)) => Some(format!(
                    "{path}[{n}]: JSON lacks it, records say {} ({} in JSON, {} from the records)",
                    show(vb),
                    a.len(),
                    b.len()
                )),
                (None, None) => None,
            }
        }
        _ if given == derived => None,
        _ => Some(format!(
            "{path}: JSON says {}, records say {}",
            show(given),
            show(derived)
        )),
    }
}

/// The first pass of `encode` over the JSON text: refuses a key given twice in any object
/// (serde_json, like most readers, keeps the last one silently), naming its JSON path and the
/// record it sits in, and keeps the top-level `organic` value. Builds nothing else.
mod scan {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;

    #[derive(Default)]
    struct Ctx {
        /// JSON path of the value being read (`batches[0].header.fields`).
        path: RefCell<String>,
        /// Path of the first key given twice.
        duplicate: RefCell<Option<String>>,
        /// The full message, once the duplicate's record is known.
        message: RefCell<Option<String>>,
        organic: RefCell<Option<Value>>,
    }

    /// Reads one value; `build`: also return it as a `Value` (only `organic` and the small
    /// `record`/`line` values are built).
    #[derive(Clone, Copy)]
    struct Seed<'c> {
        ctx: &'c Ctx,
        build: bool,
        depth: usize,
    }

    /// Scans `data`; returns the top-level `organic` value.
    ///
    /// # Errors
    /// The duplicate key in words, or serde_json's syntax error.
    pub fn scan(data: &[u8]) -> Result<Option<Value>, String> {
        let ctx = Ctx::default();
        let mut de = serde_json::Deserializer::from_slice(data);
        let seed = Seed {
            ctx: &ctx,
            build: false,
            depth: 0,
        };
        let scanned = seed.deserialize(&mut de).and_then(|_| de.end());
        if let Some(m) = ctx.message.borrow_mut().take() {
            return Err(m);
        }
        scanned.map_err(|e| super::json_error("", &e))?;
        let organic = ctx.organic.borrow_mut().take();
        Ok(organic)
    }

    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = Option<Value>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = Option<Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_string<E>(self, v: String) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::String(v)))
        }
        fn visit_unit<E>(self) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
            let base = self.ctx.path.borrow().len();
            let mut out = Vec::new();
            let mut i = 0usize;
            loop {
                {
                    let mut p = self.ctx.path.borrow_mut();
                    p.truncate(base);
                    p.push_str(&format!("[{i}]"));
                }
                let inner = Seed {
                    depth: self.depth + 1,
                    ..self
                };
                match seq.next_element_seed(inner)? {
                    Some(v) => {
                        if self.build {
                            out.push(v.unwrap_or(Value::Null));
                        }
                    }
                    None => break,
                }
                i += 1;
            }
            self.ctx.path.borrow_mut().truncate(base);
            Ok(self.build.then_some(Value::Array(out)))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let base = self.ctx.path.borrow().len();
            let here = self.ctx.path.borrow().clone();
            let mut keys = HashSet::new();
            let mut out = serde_json::Map::new();
            let (mut record, mut line) = (None, None);
            while let Some(key) = map.next_key::<String>()? {
                {
                    let mut p = self.ctx.path.borrow_mut();
                    p.truncate(base);
                    if base > 0 {
                        p.push('.');
                    }
                    p.push_str(&key);
                }
                if !keys.insert(key.clone()) {
                    let mut dup = self.ctx.duplicate.borrow_mut();
                    if dup.is_none() {
                        *dup = Some(self.ctx.path.borrow().clone());
                    }
                }
                let organic = self.depth == 0 && key == "organic";
                let inner = Seed {
                    ctx: self.ctx,
                    build: self.build || organic || key == "record" || key == "line",
                    depth: self.depth + 1,
                };
                let v = map.next_value_seed(inner)?;
                match key.as_str() {
                    "record" => record = v.as_ref().and_then(Value::as_str).map(str::to_string),
                    "line" => line = v.as_ref().and_then(Value::as_u64),
                    _ => {}
                }
                if organic {
                    *self.ctx.organic.borrow_mut() = v.clone();
                }
                if self.build {
                    out.insert(key, v.unwrap_or(Value::Null));
                }
            }
            self.ctx.path.borrow_mut().truncate(base);
            // A duplicate inside this object is reported here when this object is a record
            // (so that the message names it) or the whole document.
            let inside = self.ctx.duplicate.borrow().clone().filter(|d| {
                here.is_empty()
                    || d.strip_prefix(here.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            });
            if let Some(dup) = inside {
                if record.is_some() || self.depth == 0 {
                    let within = match (line, &record) {
                        (Some(l), Some(r)) => format!(" (line {l}, record {r})"),
                        (None, Some(r)) => format!(" (record {r})"),
                        _ => String::new(),
                    };
                    *self.ctx.message.borrow_mut() = Some(format!(
                        "{dup}: key given twice{within}: a key may appear once per object"
                    ));
                    return Err(de::Error::custom("key given twice"));
                }
            }
            Ok(self.build.then_some(Value::Object(out)))
        }
    }
}

/// `stats`: streams the input unit by unit (bounded memory) and prints the counts.
fn stats(
    input: InputArgs,
    check: bool,
    as_of: Option<String>,
    json: bool,
    threads: Option<usize>,
) -> Result<(), Failure> {
    // A malformed `--as-of` is a usage error even without `--check`.
    let as_of = as_of_date(as_of.as_deref())?;
    let opts = if input.lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
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
        Box::new(std::fs::File::open(&input.file).map_err(io_err)?)
    };
    // Chunks of the input are parsed and counted on worker threads (counts do not depend on
    // their number).
    if threads == Some(0) {
        return Err(Failure::Usage("--threads: expected at least 1".into()));
    }
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)));
    let total = ace_pga::stats::collect(reader, &opts, threads).map_err(io_err)?;
    // Empty, EBCDIC, not a CATAIR transmission: one message, no counts of garbage.
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

/// The `--as-of` date: `YYYY-MM-DD` with a four-digit year (a real date, year 0001 or
/// later), or today (UTC) when not given. Anything else is a usage error: `26-03-16` would
/// otherwise be the year 26 and switch every dated rule off.
fn as_of_date(given: Option<&str>) -> Result<NaiveDate, Failure> {
    match given {
        Some(d) => ace_pga::parse_iso_date(d).ok_or_else(|| {
            Failure::Usage(clean(&format!(
                "--as-of {d}: expected a real date YYYY-MM-DD with a four-digit year (0001 to 9999), e.g. 2026-03-16"
            )))
        }),
        None => Ok(ace_pga::validate::today_utc()),
    }
}

/// `check`: returns whether any error was found.
fn check(
    input: InputArgs,
    as_of: Option<String>,
    format: Format,
    rules: Vec<String>,
    enable: Vec<String>,
    max_findings: usize,
) -> Result<bool, Failure> {
    let as_of = as_of_date(as_of.as_deref())?;
    let mut opts = ValidateOptions::new(as_of);
    opts.max_findings = max_findings;
    for r in rules {
        let (id, level) = r
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("--rule {r}: expected ID=error|warning|off")))?;
        if validate::rule(id).is_none() {
            let why = validate::retired(id).unwrap_or("unknown rule id");
            return Err(Failure::Usage(format!("--rule {r}: {id}: {why}")));
        }
        let level = match level {
            "error" => Level::Error,
            "warning" => Level::Warning,
            "off" => Level::Off,
            other => {
                return Err(Failure::Usage(format!(
                    "--rule {r}: level {other} is not error, warning or off"
                )))
            }
        };
        opts.severity.insert(id.to_string(), level);
    }
    for id in enable {
        match validate::rule(&id) {
            None => {
                let why = validate::retired(&id).unwrap_or("unknown rule id");
                return Err(Failure::Usage(format!("--enable {id}: {why}")));
            }
            Some(r) if !r.opt_in => {
                eprintln!("ace-pga: warning: --enable {id}: the rule runs by default")
            }
            Some(_) => {}
        }
        opts.enable.push(id);
    }
    let data =
        read_input(&input.file).map_err(|e| Failure::Usage(format!("{}: {e}", input.file)))?;
    let parse_opts = if input.lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
    let report = validate::check_bytes(&data, &parse_opts, &opts);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    match format {
        Format::Json => {
            let findings: Vec<serde_json::Value> = report
                .findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "rule": f.rule,
                        "severity": if f.severity == Severity::Error { "error" } else { "warning" },
                        "ruleset": f.ruleset,
                        "line": f.line,
                        "columns": f.columns.map(|(s, e)| [s, e]),
                        "record": f.record,
                        "offset": f.offset,
                        "cbp_code": f.cbp_code,
                        "message": f.message,
                    })
                })
                .collect();
            // Counts cover every finding; `findings` holds the first `max_findings` of them.
            let doc = serde_json::json!({
                "file": input.file,
                "as_of": as_of.to_string(),
                "mode": if input.lenient { "lenient" } else { "strict" },
                "errors": report.error_count(),
                "warnings": report.warning_count(),
                "truncated": report.truncated,
                "omitted": {
                    "errors": report.truncated_errors,
                    "warnings": report.truncated_warnings,
                },
                "max_findings": max_findings,
                "by_rule": report.by_rule,
                "findings": findings,
            });
            writeln!(out, "{doc}").map_err(write_err)?;
        }
        Format::Human => {
            let lines: Vec<&[u8]> = Transmission::parse_with(&data, &parse_opts)
                .map(|t| t.records().iter().map(|r| r.raw).collect())
                .unwrap_or_default();
            for f in &report.findings {
                write_human(&mut out, &input.file, f, &lines).map_err(write_err)?;
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
fn write_human(out: &mut impl Write, file: &str, f: &Finding, lines: &[&[u8]]) -> io::Result<()> {
    let sev = if f.severity == Severity::Error {
        "error"
    } else {
        "warning"
    };
    let loc = match (f.line, f.columns) {
        (Some(l), Some((c, _))) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        (None, _) => file.to_string(),
    };
    writeln!(out, "{loc}: {sev}[{}]: {}", f.rule, clean(&f.message))?;
    if let Some(raw) = f.line.and_then(|l| lines.get(l as usize - 1)) {
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
        let num = f.line.unwrap_or(0).to_string();
        let pad = " ".repeat(num.len());
        writeln!(out, "{pad} |")?;
        writeln!(out, "{num} | {shown}{}", if long { "…" } else { "" })?;
        if let Some((s, e)) = f.columns {
            let marker = format!(
                "{}{}",
                " ".repeat(usize::from(s.saturating_sub(1))),
                "^".repeat(usize::from(e.saturating_sub(s)) + 1)
            );
            writeln!(out, "{pad} | {marker}")?;
        }
        let mut notes = vec![match f.record.as_deref().map(str::trim) {
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

/// `status`: correlates responses with the submission and prints each PGA line's status.
fn status(
    submission: &str,
    responses: &[String],
    certificate: Option<&str>,
    format: Format,
    lenient: bool,
) -> Result<(), Failure> {
    let read = |path: &str| read_input(path).map_err(|e| Failure::Usage(format!("{path}: {e}")));
    let data = read(submission)?;
    let sub = parse(submission, &data, lenient)?;
    let mut book = Correlation::new(&sub);
    // A response that cannot be read (I/O) or is not a transmission at all (empty, not
    // CATAIR) is reported and skipped: the other responses' dispositions still count. The
    // exit status says so at the end (2 for I/O, else 1).
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut io_failed = false;
    for path in responses {
        let resp = read(path).and_then(|data| {
            let t = parse_response(path, &data)?;
            Ok(book.add_response(path, &t))
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
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    match format {
        Format::Json => {
            // One object; the lines are written one at a time (never the whole document in
            // memory), in the key order of serde_json's map.
            let mut doc = serde_json::Map::new();
            doc.insert("submission".into(), serde_json::json!(submission));
            doc.insert("lines".into(), serde_json::Value::Null);
            doc.insert(
                "responses".into(),
                serde_json::to_value(&book.responses).unwrap_or_default(),
            );
            doc.insert(
                "unmatched".into(),
                serde_json::to_value(&book.unmatched).unwrap_or_default(),
            );
            if !skipped.is_empty() {
                let list: Vec<serde_json::Value> = skipped
                    .iter()
                    .map(|(file, problem)| serde_json::json!({"file": file, "problem": problem}))
                    .collect();
                doc.insert("skipped".into(), serde_json::Value::Array(list));
            }
            let json_err = |e: serde_json::Error| write_err(io::Error::from(e));
            out.write_all(b"{").map_err(write_err)?;
            for (i, (key, value)) in doc.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",").map_err(write_err)?;
                }
                serde_json::to_writer(&mut out, key).map_err(json_err)?;
                out.write_all(b":").map_err(write_err)?;
                if key != "lines" {
                    serde_json::to_writer(&mut out, value).map_err(json_err)?;
                    continue;
                }
                out.write_all(b"[").map_err(write_err)?;
                for (j, l) in lines.iter().enumerate() {
                    if j > 0 {
                        out.write_all(b",").map_err(write_err)?;
                    }
                    let mut v = serde_json::to_value(l).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("status".into(), serde_json::json!(l.status().name()));
                        o.insert(
                            "latest".into(),
                            serde_json::to_value(l.latest()).unwrap_or_default(),
                        );
                    }
                    serde_json::to_writer(&mut out, &v).map_err(json_err)?;
                }
                out.write_all(b"]").map_err(write_err)?;
            }
            out.write_all(b"}\n").map_err(write_err)?;
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
        Err(Failure::Quiet) => ExitCode::from(1),
        Err(Failure::QuietUsage) => ExitCode::from(2),
        Err(Failure::Usage(msg)) => {
            eprintln!("ace-pga: {msg}");
            ExitCode::from(2)
        }
    }
}
