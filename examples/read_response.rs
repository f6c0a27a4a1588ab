//! Read CBP's responses to a submission and print the status of each PGA line.
//!
//! ```sh
//! cargo run --example read_response            # the shipped or2-single + SX + SO samples
//! cargo run --example read_response -- SUBMISSION RESPONSE... [--certificate NUMBER]
//! ```

use std::process::ExitCode;

use ace_pga::response::{Correlation, Status};
use ace_pga::Transmission;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut certificate = None;
    if let Some(i) = args.iter().position(|a| a == "--certificate") {
        if i + 1 >= args.len() {
            eprintln!("read_response: --certificate needs a number");
            return ExitCode::from(2);
        }
        certificate = Some(args.remove(i + 1));
        args.remove(i);
    }
    if args.is_empty() {
        args = [
            "spec-samples/valid/or2-single.txt",
            "spec-samples/valid/sx-response.txt",
            "spec-samples/valid/so-status.txt",
        ]
        .map(String::from)
        .to_vec();
        certificate.get_or_insert_with(|| "417-2093856104-557321".into());
    }
    match run(&args, certificate.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("read_response: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String], certificate: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let (submission, responses) = args.split_first().ok_or("no submission given")?;
    let input = std::fs::read(submission).map_err(|e| format!("{submission}: {e}"))?;
    let tx = Transmission::parse(&input).map_err(|e| format!("{submission}: {e}"))?;

    // 1. Index the submission's PGA lines by address (entry, CBP line, tariff position,
    //    agency, PGA line number).
    let mut book = Correlation::new(&tx);

    // 2. Add each response in arrival order: SX (SE90 conditions on the echoed records) and
    //    SO / UC status notifications (SO70 dispositions with SO71 / SO72).
    for path in responses {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let response = Transmission::parse(&bytes).map_err(|e| format!("{path}: {e}"))?;
        let summary = book.add_response(path, &response);
        println!(
            "{path}: application {}, {} condition(s) and {} disposition(s) matched, {} unmatched",
            summary.application_ids.join("/"),
            summary.conditions_matched,
            summary.dispositions_matched,
            summary.unmatched
        );
    }

    // 3. Every line with its status.
    for l in book.lines() {
        println!(
            "PG01 line {:>3}  {}  {:<4} {:<30} {}",
            l.line.pg01_line,
            l.line.address,
            l.line.message_type(),
            l.line.certificates.join(" "),
            l.status()
        );
        for d in l.history() {
            println!("      {d}  [{}]", d.source);
            for c in &d.comments {
                println!("        {c}");
            }
        }
    }

    // 4. The question an importer asks.
    if let Some(cert) = certificate {
        let lines = book.by_certificate(cert);
        if lines.is_empty() {
            return Err(format!("no PGA line carries certificate {cert}").into());
        }
        for l in lines {
            let when = l
                .latest()
                .map(|d| {
                    format!(
                        " since {}",
                        d.status_date.map(|d| d.to_string()).unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            println!("certificate {cert}: {}{when}", l.status());
            if l.status() == Status::MayProceed {
                println!("certificate {cert}: the shipment may proceed for AMS");
            }
        }
    }
    Ok(())
}
