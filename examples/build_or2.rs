//! Build a complete OR2 Cargo Release transmission from typed values, validate it, and
//! write it with an explicit line terminator.
//!
//! ```sh
//! cargo run --example build_or2                 # LF after every record, to stdout
//! cargo run --example build_or2 -- --crlf       # CRLF
//! cargo run --example build_or2 -- --none       # concatenated 80-byte records
//! ```
//!
//! With LF the output is byte for byte `spec-samples/valid/or2-single.txt`.

use std::io::Write;
use std::process::ExitCode;

use ace_pga::compose::{
    AnchorBuilder, Envelope, OiGroupBuilder, TransactionBuilder, TransmissionBuilder,
};
use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
use ace_pga::validate::ValidateOptions;
use ace_pga::{Decimal, NaiveDate, Terminator};

fn main() -> ExitCode {
    let terminator = match std::env::args().nth(1).as_deref() {
        None | Some("--lf") => Terminator::Lf,
        Some("--crlf") => Terminator::CrLf,
        Some("--cr") => Terminator::Cr,
        Some("--none") => Terminator::None,
        Some(other) => {
            eprintln!("usage: build_or2 [--lf|--crlf|--cr|--none] (got {other})");
            return ExitCode::from(2);
        }
    };
    let Some(date) = NaiveDate::from_ymd_opt(2026, 3, 16) else {
        return ExitCode::FAILURE;
    };

    // The envelope: A/Z (site, sender, password, date, office, user data) and B/Y (port,
    // filer, office, user data). CBP echoes the user data in its response.
    let envelope = Envelope::new("2704", "Q7K", date)
        .password("PW4821")
        .office("01")
        .batch_user_data("ORGFIX-000101")
        .block_user_data("BLK-000101");

    // The organic line from typed values: the NOP Import Certificate, the net quantity in
    // kilograms as an exact decimal, and the lots.
    let line = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg(Decimal::new(182400, 2)) // 1824.00 kg
        .lot("3", "PIU-KENT-2602-A")
        .lot("3", "PIU-KENT-2602-B");

    // The host transaction: host records are supplied raw (padded to 80 bytes) in CBP's
    // layouts (SPEC 3.7, spec/host-records.csv): SE10 header (entry Q7K 31547727 with its
    // check digit), SE13 contact, SE15 bill, SE40 CBP line; the HTS anchor (SE60) carries the
    // OI group.
    let transaction = TransactionBuilder::new()
        .host("SE10AQ7K  31547727 01EI 86-44172030011800000048502704  2704")
        .host("SE13DANA WHITFIELD                          5105550142")
        .host("SE15RMEDU4829301756                                        00000480     N")
        .host("SE40001PE ORGANIC FRESH MANGOES")
        .anchor(AnchorBuilder::new("SE6008045080200000004850").oi_group(
            OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").organic(line),
        ));

    // Building writes the records; validating (SPEC 6) is the next, explicit step.
    let built = match TransmissionBuilder::cargo_release(envelope)
        .transaction(transaction)
        .build()
    {
        Ok(b) => b,
        Err(e) => {
            eprintln!("build_or2: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = built.validate(&ValidateOptions::new(built.transmission_date()));
    for finding in &report.findings {
        eprintln!("build_or2: {finding}");
    }
    eprintln!(
        "build_or2: {} records, {} error(s), {} warning(s)",
        built.records().len(),
        report.error_count(),
        report.warning_count()
    );
    if std::io::stdout()
        .lock()
        .write_all(&built.to_bytes(terminator))
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
