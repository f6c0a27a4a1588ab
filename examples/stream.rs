//! Read a transmission with `std::io::BufRead`, parse it, and print one line per
//! transaction and per OI group.
//!
//! ```sh
//! cargo run --example stream -- spec-samples/valid/or2-multi.txt
//! cat spec-samples/valid/multi-agency.txt | cargo run --example stream -- -
//! ```
//!
//! (A streaming reader that parses record by record is planned; this example reads the
//! records through `BufRead` and parses the whole input once.)

use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;

use ace_pga::records::Body;
use ace_pga::tree::{Item, OiGroup};
use ace_pga::{Record, Transmission};

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "spec-samples/valid/or2-multi.txt".into());
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(&path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("stream: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    // Read record by record (each `read_until` returns one record with its terminator).
    let mut reader = BufReader::new(reader);
    let mut input = Vec::new();
    let mut records = 0usize;
    loop {
        match reader.read_until(b'\n', &mut input) {
            Ok(0) => break,
            Ok(_) => records += 1,
            Err(e) => {
                eprintln!("stream: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let t = match Transmission::parse(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("stream: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{path}: {records} line(s) read, {} record(s)",
        t.records().len()
    );
    for (n, tx) in t.tree.transactions().enumerate() {
        let mut count = 0;
        tx.for_each_record(|_| count += 1);
        let start = tx.items.first().and_then(|i| match i {
            Item::Record(n) => Some(&n.record),
            _ => None,
        });
        println!(
            "transaction {}: starts at line {} ({}), {count} record(s)",
            n + 1,
            start.map_or(0, |r| r.line),
            start.map_or("?", Record::id),
        );
        for item in &tx.items {
            match item {
                Item::Anchor(a) => {
                    if let Some(g) = &a.oi_group {
                        print_group(g, Some(&a.anchor.record));
                    }
                }
                Item::OiGroup(g) => print_group(g, None),
                _ => {}
            }
        }
    }
    ExitCode::SUCCESS
}

fn print_group(g: &OiGroup<Record<'_>>, anchor: Option<&Record<'_>>) {
    let description =
        g.oi.as_ref()
            .and_then(|n| match n.record.body() {
                Some(Body::Oi(oi)) => oi.commercial_description,
                _ => None,
            })
            .unwrap_or("(no OI)");
    let lines: Vec<String> = g
        .lines
        .iter()
        .filter_map(|l| match l.pg01.record.body() {
            Some(Body::Pg01(p)) => Some(format!(
                "{} {}{} {:03}{}",
                p.agency_code.unwrap_or("?"),
                p.program_code.unwrap_or(""),
                p.processing_code.unwrap_or(""),
                p.pga_line_number.unwrap_or(0),
                p.disclaimer_code
                    .map(|d| format!(" disclaimed {d}"))
                    .unwrap_or_default()
            )),
            _ => None,
        })
        .collect();
    println!(
        "  OI group at line {} (anchor {} line {}): {description:?}: {}",
        g.oi.as_ref().map_or(0, |n| n.record.line),
        anchor.map_or("-", Record::id),
        anchor.map_or(0, |r| r.line),
        lines.join(", ")
    );
}
