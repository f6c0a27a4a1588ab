//! `ace-pga`: decode, encode and dump CBP ACE PGA Message Set transmissions.
//!
//! * `ace-pga decode FILE|-`: the tree with the typed organic views, as JSON.
//! * `ace-pga encode FILE|-`: that JSON back to the transmission's bytes.
//! * `ace-pga dump FILE|-`: the canonical field dump (JSON Lines).
//!
//! Errors name the line, the record id and the byte columns; the exit code is 1 for invalid
//! input and 2 for usage or I/O problems.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use ace_pga::dump::dump_record;
use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::{OwnedTransmission, ParseOptions, Severity, Transmission};
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
    /// Turn `decode` JSON back into the transmission's bytes.
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
}

fn parse<'a>(name: &str, data: &'a [u8], lenient: bool) -> Result<Transmission<'a>, Failure> {
    let opts = if lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::strict()
    };
    let t = Transmission::parse_with(data, &opts)
        .map_err(|e| Failure::Invalid(format!("{name}: {e}")))?;
    let mut stderr = io::stderr().lock();
    for p in t
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
    {
        let _ = writeln!(stderr, "{name}: {p}");
    }
    t.into_result().map_err(|e| {
        let lines: Vec<String> = e.problems.iter().map(|p| format!("{name}: {p}")).collect();
        Failure::Invalid(lines.join("\n"))
    })
}

fn run(cli: Cli) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = |e: io::Error| Failure::Usage(format!("writing output: {e}"));
    match cli.command {
        Command::Decode { input, pretty } => {
            let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
            let t = parse(&input.file, &data, input.lenient)?;
            let owned = OwnedTransmission::from_transmission(&t);
            let organic: Vec<_> = t
                .tree
                .pga_lines()
                .into_iter()
                .filter_map(OrganicLine::from_line)
                .collect();
            let mut value =
                serde_json::to_value(&owned).map_err(|e| Failure::Usage(e.to_string()))?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    "organic".into(),
                    serde_json::to_value(&organic).map_err(|e| Failure::Usage(e.to_string()))?,
                );
            }
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            };
            let text = text.map_err(|e| Failure::Usage(e.to_string()))?;
            writeln!(stdout, "{text}").map_err(write_err)?;
        }
        Command::Encode { file, output } => {
            let data = read_input(&file).map_err(|e| io_err(&file, e))?;
            let owned: OwnedTransmission = serde_json::from_slice(&data)
                .map_err(|e| Failure::Invalid(format!("{file}: not ace-pga decode JSON: {e}")))?;
            let bytes = owned
                .to_bytes()
                .map_err(|e| Failure::Invalid(format!("{file}: {e}")))?;
            match output {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?,
                None => stdout.write_all(&bytes).map_err(write_err)?,
            }
        }
        Command::Dump { input } => {
            let data = read_input(&input.file).map_err(|e| io_err(&input.file, e))?;
            let opts = if input.lenient {
                ParseOptions::lenient()
            } else {
                ParseOptions::strict()
            };
            // The dump shows every record, also of invalid input; problems go to stderr.
            let t = Transmission::parse_with(&data, &opts)
                .map_err(|e| Failure::Invalid(format!("{}: {e}", input.file)))?;
            let mut out = io::BufWriter::new(stdout);
            for r in t.records() {
                let line = serde_json::to_string(&dump_record(r))
                    .map_err(|e| Failure::Usage(e.to_string()))?;
                writeln!(out, "{line}").map_err(write_err)?;
            }
            out.flush().map_err(write_err)?;
            let mut stderr = io::stderr().lock();
            for p in &t.problems {
                let _ = writeln!(stderr, "{}: {p}", input.file);
            }
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("ace-pga: {msg}");
            ExitCode::from(2)
        }
    }
}
