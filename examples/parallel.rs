//! Parses and validates every file of a directory, first on one thread, then in parallel
//! with rayon, and reports the speed-up (the parsed types are `Send + Sync`; each file is
//! independent).
//!
//! ```sh
//! cargo run --release --example parallel -- spec-samples/valid 2000
//! ```
//! The second argument repeats the whole directory that many times so that small sample
//! folders give measurable times.

use std::time::Instant;

use ace_pga::validate::{validate, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, Transmission};
use rayon::prelude::*;

fn work(data: &[u8], as_of: NaiveDate) -> (usize, usize) {
    match Transmission::parse_with(data, &ParseOptions::strict()) {
        Ok(t) => {
            let report = validate(&t, &ValidateOptions::new(as_of));
            (t.records().count(), report.errors().count())
        }
        Err(_) => (0, 1),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "spec-samples/valid".into());
    let repeat: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(500);
    let mut files = Vec::new();
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| format!("{dir}: {e} (give a directory of transmissions)"))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_file() {
            files.push(std::fs::read(&path)?);
        }
    }
    let jobs: Vec<&[u8]> = (0..repeat)
        .flat_map(|_| files.iter().map(Vec::as_slice))
        .collect();
    let bytes: usize = jobs.iter().map(|j| j.len()).sum();
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).ok_or("date")?;

    let t = Instant::now();
    let seq: (usize, usize) = jobs
        .iter()
        .map(|d| work(d, as_of))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let sequential = t.elapsed();

    let t = Instant::now();
    let par: (usize, usize) = jobs
        .par_iter()
        .map(|d| work(d, as_of))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let parallel = t.elapsed();

    assert_eq!(seq, par, "parallel and sequential results differ");
    println!(
        "{} files x {repeat} = {} inputs, {:.1} MB, {} records, {} errors",
        files.len(),
        jobs.len(),
        bytes as f64 / 1e6,
        seq.0,
        seq.1
    );
    println!(
        "sequential {:.3} s, parallel {:.3} s on {} threads: speed-up {:.2}x",
        sequential.as_secs_f64(),
        parallel.as_secs_f64(),
        rayon::current_num_threads(),
        sequential.as_secs_f64() / parallel.as_secs_f64()
    );
    Ok(())
}
