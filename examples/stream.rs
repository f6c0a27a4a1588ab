//! Stream a transmission of any size with bounded memory: `StreamReader` hands out one unit at
//! a time (an envelope record, or a host transaction cut before an OI / PG01 when it grows
//! past 1 MiB); each unit parses on its own with stream-wide line numbers.
//!
//! ```sh
//! cargo run --example stream -- spec-samples/valid/or2-multi.txt
//! cat spec-samples/valid/multi-agency.txt | cargo run --example stream -- -
//! cargo run --release --example stream -- big.txt --quiet     # totals only
//! ```

use std::io::{self, BufRead, BufReader};

use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::stream::{StreamReader, UnitKind};
use ace_pga::ParseOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "spec-samples/valid/or2-multi.txt".into());
    let quiet = args.any(|a| a == "--quiet");
    let input: Box<dyn BufRead> = if path == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(&path)?))
    };
    let opts = ParseOptions::strict();
    let (mut units, mut records, mut lines, mut certificates, mut problems) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for unit in StreamReader::new(input) {
        let unit = unit?;
        let t = unit.parse(&opts)?;
        units += 1;
        records += u64::from(unit.records);
        problems += t.problems().len() as u64;
        let pga_lines: Vec<_> = t.tree().pga_lines().collect();
        lines += pga_lines.len() as u64;
        let certs: Vec<String> = pga_lines
            .iter()
            .filter_map(|l| OrganicLine::from_line(l))
            .flat_map(|v| v.certificates.into_iter().map(|c| c.number.to_string()))
            .collect();
        certificates += certs.len() as u64;
        if !quiet {
            let what = match unit.kind {
                UnitKind::Envelope => "envelope",
                UnitKind::Transaction => "transaction",
                _ => "continuation",
            };
            let first = t.records().next().map(|r| r.id()).unwrap_or("");
            println!(
                "lines {:>6}-{:<6} {what:<12} {first:<4} PGA lines {:>3}  certificates {}",
                unit.first_line,
                unit.first_line + unit.records - 1,
                pga_lines.len(),
                certs.join(" ")
            );
        }
    }
    println!("{units} units, {records} records, {lines} PGA lines, {certificates} certificates, {problems} problems");
    Ok(())
}
