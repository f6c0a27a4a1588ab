//! A complete Cargo Release filing from typed values only (issue 12, SPEC 3.7): the entry
//! (`SE10`, check digit computed), the contact (`SE13`), a bill (`SE15`), two CBP lines
//! (`SE40` 001 and 002, numbered by the builder) with one tariff number each (`SE60`, HTS and
//! value) and an AMS OR2 organic line under each; validated (host rules H-001…H-010
//! included) and written with CRLF. Then the filing is read back as a filer would: the entry
//! and the HTS number of each organic line, by CBP line and tariff position.
//!
//! ```sh
//! cargo run --example cargo_release            # the transmission (CRLF) to stdout
//! ```

use std::io::Write;
use std::process::ExitCode;

use ace_pga::compose::cargo_release::{
    BillSpec, CargoReleaseBuilder, CbpLineSpec, Contact, EntrySpec, TariffSpec,
};
use ace_pga::compose::{Envelope, OiGroupBuilder, TransmissionBuilder};
use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
use ace_pga::records::Pg14;
use ace_pga::validate::ValidateOptions;
use ace_pga::{Decimal, NaiveDate, Terminator, Transmission};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cargo_release: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let date = NaiveDate::from_ymd_opt(2026, 3, 16).ok_or("bad date")?;
    let envelope = Envelope::new("2704", "Q7K", date)
        .password("PW4821")
        .office("01")
        .batch_user_data("ORGFIX-000201");

    // SE10: filer Q7K, transaction number 3154772 (the check digit 7 is computed), entry
    // type 01, importer of record, vessel containerized (11), continuous bond, value, ports.
    let entry = EntrySpec::new("Q7K", "3154772", "01")
        .importer_of_record("EI", "86-441720300")
        .mode_of_transportation("11")
        .bond_type(8)
        .estimated_entry_value(7300)
        .planned_port_of_entry("2704")
        .port_of_unlading("2704");
    // SE13: who to call about this entry.
    let contact = Contact::new("DANA WHITFIELD", "5105550142");

    // One OR2 line per tariff number: the NOP Import Certificate, the net quantity in kg.
    let mangoes = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg(Decimal::new(182400, 2))
        .lot("3", "PIU-KENT-2602-A");
    let limes = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557322"))
        .net_quantity_kg(Decimal::new(96000, 2));

    let transaction = CargoReleaseBuilder::new(entry, contact)
        .bill(BillSpec::regular("MEDU", "4829301756").quantity(720))
        .line(
            CbpLineSpec::new("PE")
                .description("ORGANIC FRESH MANGOES")
                .tariff(
                    TariffSpec::new("0804508020").value(4850).oi_group(
                        OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS")
                            .organic(mangoes),
                    ),
                ),
        )
        .line(
            CbpLineSpec::new("MX")
                .description("ORGANIC PERSIAN LIMES")
                .tariff(TariffSpec::new("0805500040").value(2450).oi_group(
                    OiGroupBuilder::new("ORGANIC PERSIAN LIMES, IN 10 KG CARTONS").organic(limes),
                )),
        )
        .build()?;

    let built = TransmissionBuilder::cargo_release(envelope)
        .transaction(transaction)
        .build()?;
    // Building refuses what cannot be written; validating (SPEC 6, H rules included) is the
    // explicit second step.
    let report = built.validate(&ValidateOptions::new(built.transmission_date()));
    for f in &report.findings {
        eprintln!("{f}");
    }
    if !report.findings.is_empty() {
        return Err("the filing has findings".into());
    }
    let bytes = built.to_bytes(Terminator::CrLf);
    std::io::stdout().write_all(&bytes)?;

    // Read back: the entry, and each organic line's CBP line, tariff position, HTS number and
    // certificate.
    let t = Transmission::parse(&bytes)?;
    for cr in t.tree().cargo_releases() {
        let (filer, number) = cr.entry().ok_or("no entry")?;
        eprintln!(
            "entry {filer}-{number} (check digit right: {:?})",
            cr.entry_check_digit_ok()
        );
        for (line, tariff) in cr.tariffs() {
            let Some(group) = tariff.oi_group() else {
                continue;
            };
            for pga in &group.lines {
                let mut cert = None;
                pga.for_each_record(|r| {
                    if let Some(pg14) = r.view::<Pg14>() {
                        cert = pg14.lpco_number();
                    }
                });
                eprintln!(
                    "CBP line {:03}, tariff {}, HTS {}, PGA line {:?}: certificate {}",
                    line.number().unwrap_or(0),
                    tariff.position,
                    tariff.hts_number().unwrap_or("?"),
                    pga.pg01
                        .record
                        .view::<ace_pga::records::Pg01>()
                        .and_then(|p| p.pga_line_number()),
                    cert.unwrap_or("-")
                );
            }
        }
    }
    Ok(())
}
