//! A Cargo Release transaction from typed values (SPEC 3.7): the host records `SE10`, `SE13`,
//! `SE15`, `SE20`, `SE40` and `SE60` are written through their host layouts
//! (`host-records.csv`), the CBP line numbers and tariff positions are assigned here, and the
//! entry number's check digit is computed when not given. A transaction without its `SE10`
//! entry and `SE13` contact cannot be expressed: [`CargoReleaseBuilder::new`] takes both.
//! Free-form host records stay possible only through the explicit raw escapes
//! ([`CargoReleaseBuilder::raw_header_record`], [`CbpLineSpec::raw_record`]); validating the
//! built transmission (`BuiltTransmission::validate`) checks them like any input (SPEC 6.3a).
//!
//! ```
//! use ace_pga::compose::cargo_release::{CargoReleaseBuilder, CbpLineSpec, Contact, EntrySpec, TariffSpec, BillSpec};
//! use ace_pga::compose::{Envelope, OiGroupBuilder, TransmissionBuilder};
//! use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
//! use ace_pga::{Decimal, NaiveDate, Terminator};
//!
//! let entry = EntrySpec::new("Q7K", "3154772", "01")
//!     .importer_of_record("EI", "86-441720300")
//!     .mode_of_transportation("11")
//!     .bond_type(8)
//!     .estimated_entry_value(4850)
//!     .planned_port_of_entry("2704")
//!     .port_of_unlading("2704");
//! let mango = OrganicLineBuilder::or2(1)
//!     .certificate(CertificateSpec::new("417-2093856104-557321"))
//!     .net_quantity_kg(Decimal::new(182400, 2))
//!     .lot("3", "PIU-KENT-2602-A")
//!     .lot("3", "PIU-KENT-2602-B");
//! let transaction = CargoReleaseBuilder::new(entry, Contact::new("DANA WHITFIELD", "5105550142"))
//!     .bill(BillSpec::regular("MEDU", "4829301756").quantity(480))
//!     .line(
//!         CbpLineSpec::new("PE")
//!             .description("ORGANIC FRESH MANGOES")
//!             .tariff(TariffSpec::new("0804508020").value(4850).oi_group(
//!                 OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").organic(mango),
//!             )),
//!     )
//!     .build()?;
//! let date = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
//! let envelope = Envelope::new("2704", "Q7K", date)
//!     .password("PW4821")
//!     .office("01")
//!     .batch_user_data("ORGFIX-000101")
//!     .block_user_data("BLK-000101");
//! let built = TransmissionBuilder::cargo_release(envelope).transaction(transaction).build()?;
//! let report = built.validate(&ace_pga::validate::ValidateOptions::new(date));
//! assert!(report.findings.is_empty(), "{report:?}");
//! // The same bytes as the hand-written sample.
//! assert_eq!(built.to_bytes(Terminator::Lf), std::fs::read("spec-samples/valid/or2-single.txt")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::EncodeError;
use crate::records::host::entry_check_digit;
use crate::records::{Se10, Se13, Se15, Se20, Se40, Se60};

use super::{AnchorBuilder, OiGroupBuilder, TransactionBuilder};

/// `SE10.action_code` (CR v40 SE10 Note 1, SPEC 3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Action {
    /// `A`: add (the default).
    #[default]
    Add,
    /// `R`: replace.
    Replace,
    /// `U`: update (header, bills and references only).
    Update,
    /// `D`: cancel (`SE10`, `SE13` with a cancellation reason, `SE20` only).
    Cancel,
}

impl Action {
    /// The code letter.
    pub const fn code(self) -> &'static str {
        match self {
            Action::Add => "A",
            Action::Replace => "R",
            Action::Update => "U",
            Action::Cancel => "D",
        }
    }
}

/// The entry of an `SE10` header (SPEC 3.7): filer code, 7-digit transaction number, check
/// digit (computed when not given, CBP Appendix E), entry type, importer of record, mode of
/// transportation, bond, value and ports. Written to the `SE10` fields of
/// `host-records.csv` (`entry_filer_code` 6–8, `entry_number` 11–18, `entry_type` 20–21,
/// `importer_of_record_type` 22–24, `importer_of_record_number` 25–36,
/// `mode_of_transportation` 37–38, `bond_type` 39, `estimated_entry_value` 40–49,
/// `planned_port_of_entry` 50–54, `port_of_unlading` 56–60).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpec<'a> {
    action: Action,
    filer: &'a str,
    transaction: &'a str,
    check_digit: Option<u8>,
    entry_type: &'a str,
    importer: Option<(&'a str, &'a str)>,
    mode: Option<&'a str>,
    bond_type: u64,
    value: u64,
    port_of_entry: Option<&'a str>,
    split_release: Option<&'a str>,
    port_of_unlading: Option<&'a str>,
}

impl<'a> EntrySpec<'a> {
    /// An entry of filer `filer` (3 characters), transaction number `transaction` (7 digits)
    /// and entry type `entry_type` (`01`, `11`, `86` …); action `A`, bond type 0, value 0.
    pub fn new(filer: &'a str, transaction: &'a str, entry_type: &'a str) -> Self {
        EntrySpec {
            action: Action::Add,
            filer,
            transaction,
            check_digit: None,
            entry_type,
            importer: None,
            mode: None,
            bond_type: 0,
            value: 0,
            port_of_entry: None,
            split_release: None,
            port_of_unlading: None,
        }
    }

    /// The action (default [`Action::Add`]).
    pub fn action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }

    /// A check digit given by the filer (CBP may authorise an offset): written as given;
    /// validation warns when it is not the Appendix E digit (H-004).
    pub fn check_digit(mut self, digit: u8) -> Self {
        self.check_digit = Some(digit);
        self
    }

    /// The importer of record: qualifier (`EI`, `ANI`, `34`) and number.
    pub fn importer_of_record(mut self, qualifier: &'a str, number: &'a str) -> Self {
        self.importer = Some((qualifier, number));
        self
    }

    /// The mode of transportation code (`10`, `11`, `40` …).
    pub fn mode_of_transportation(mut self, code: &'a str) -> Self {
        self.mode = Some(code);
        self
    }

    /// The bond type: 0 none, 8 continuous, 9 single transaction.
    pub fn bond_type(mut self, bond_type: u64) -> Self {
        self.bond_type = bond_type;
        self
    }

    /// The estimated entry value in whole US dollars.
    pub fn estimated_entry_value(mut self, dollars: u64) -> Self {
        self.value = dollars;
        self
    }

    /// The planned port of entry (Schedule D, 4 digits).
    pub fn planned_port_of_entry(mut self, port: &'a str) -> Self {
        self.port_of_entry = Some(port);
        self
    }

    /// The split shipment release code (`1` or `2`).
    pub fn split_shipment_release_code(mut self, code: &'a str) -> Self {
        self.split_release = Some(code);
        self
    }

    /// The port of unlading (Schedule D).
    pub fn port_of_unlading(mut self, port: &'a str) -> Self {
        self.port_of_unlading = Some(port);
        self
    }
}

/// The `SE13` contact (SPEC 3.7): name (5–44) and phone (45–59); for a cancel, the
/// cancellation reason (60–61).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact<'a> {
    name: &'a str,
    phone: &'a str,
    cancellation_reason: Option<&'a str>,
}

impl<'a> Contact<'a> {
    /// A contact name and phone number.
    pub fn new(name: &'a str, phone: &'a str) -> Self {
        Contact {
            name,
            phone,
            cancellation_reason: None,
        }
    }

    /// The cancellation reason code (`01`–`12`), required with [`Action::Cancel`].
    pub fn cancellation_reason(mut self, code: &'a str) -> Self {
        self.cancellation_reason = Some(code);
        self
    }
}

/// An `SE15` bill of lading (SPEC 3.7): type (5), issuer SCAC (6–9), number (10–59),
/// quantity (60–67), Non-AMS indicator (73).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillSpec<'a> {
    bill_type: &'a str,
    issuer: Option<&'a str>,
    number: &'a str,
    quantity: Option<u64>,
    non_ams: bool,
}

impl<'a> BillSpec<'a> {
    /// A bill of type `bill_type` (`R`, `M`, `H`, `T`, `I`).
    pub fn new(bill_type: &'a str, issuer: Option<&'a str>, number: &'a str) -> Self {
        BillSpec {
            bill_type,
            issuer,
            number,
            quantity: None,
            non_ams: false,
        }
    }

    /// A regular (simple) bill `R` of issuer `issuer`.
    pub fn regular(issuer: &'a str, number: &'a str) -> Self {
        Self::new("R", Some(issuer), number)
    }

    /// The entered quantity at the lowest bill level.
    pub fn quantity(mut self, quantity: u64) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// The bill is not manifested electronically (Non-AMS `Y`; default `N`).
    pub fn non_ams(mut self) -> Self {
        self.non_ams = true;
        self
    }
}

/// A tariff number of a CBP line: an `SE60` (HTS 5–14, line value 15–24) and the OI group of
/// its PGA data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffSpec<'a> {
    hts: &'a str,
    value: Option<u64>,
    sub_records: Vec<Vec<u8>>,
    oi_group: Option<OiGroupBuilder<'a>>,
}

impl<'a> TariffSpec<'a> {
    /// A tariff number with its 10-digit HTS number.
    pub fn new(hts: &'a str) -> Self {
        TariffSpec {
            hts,
            value: None,
            sub_records: Vec::new(),
            oi_group: None,
        }
    }

    /// The line value in whole US dollars (reported on the chapter 1–97 number).
    pub fn value(mut self, dollars: u64) -> Self {
        self.value = Some(dollars);
        self
    }

    /// The PGA data of this tariff number.
    pub fn oi_group(mut self, group: OiGroupBuilder<'a>) -> Self {
        self.oi_group = Some(group);
        self
    }

    /// Raw escape: an `SE61`…`SE63` record after the `SE60`, as given (padded to 80 bytes),
    /// validated like any input.
    pub fn raw_sub_record(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.sub_records.push(raw.as_ref().to_vec());
        self
    }
}

/// A CBP line (SPEC 3.7): `SE40` (country of origin 8–9, description 11–80) and 1–32 tariff
/// numbers; its line number is assigned by [`CargoReleaseBuilder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CbpLineSpec<'a> {
    country_of_origin: &'a str,
    description: Option<&'a str>,
    raw: Vec<Vec<u8>>,
    tariffs: Vec<TariffSpec<'a>>,
}

impl<'a> CbpLineSpec<'a> {
    /// A line of goods of ISO country of origin `country`.
    pub fn new(country_of_origin: &'a str) -> Self {
        CbpLineSpec {
            country_of_origin,
            description: None,
            raw: Vec::new(),
            tariffs: Vec::new(),
        }
    }

    /// The commercial invoice description.
    pub fn description(mut self, text: &'a str) -> Self {
        self.description = Some(text);
        self
    }

    /// Appends a tariff number (tariff positions 1, 2 … in this order).
    pub fn tariff(mut self, tariff: TariffSpec<'a>) -> Self {
        self.tariffs.push(tariff);
        self
    }

    /// Raw escape: a line record (`SE41`, `SE50` … `SE56`) written after the `SE40`, before the
    /// tariff numbers, as given (padded to 80 bytes), validated like any input.
    pub fn raw_record(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.raw.push(raw.as_ref().to_vec());
        self
    }
}

/// Why a Cargo Release transaction cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CargoReleaseError {
    /// The entry filer code is not 3 characters A–Z / 0–9, or the transaction number not
    /// 7 digits (SPEC 3.7: the entry number is 7 digits and a check digit).
    #[error("entry {filer:?} {transaction:?}: the filer code is 3 letters or digits and the transaction number 7 digits")]
    Entry {
        /// The filer code given.
        filer: String,
        /// The transaction number given.
        transaction: String,
    },
    /// A check digit above 9.
    #[error("check digit {0} is not a digit")]
    CheckDigit(u8),
    /// A CBP line without tariff number (`SE60` ×1–32 per line, SPEC 3.7).
    #[error("CBP line {line:03} has no tariff number (SE60): 1 to 32 per line")]
    NoTariff {
        /// The line number.
        line: usize,
    },
    /// More than 32 tariff numbers on a line (SPEC 3.7, H-006).
    #[error("CBP line {line:03} has {count} tariff numbers: at most 32")]
    TooManyTariffs {
        /// The line number.
        line: usize,
        /// How many were given.
        count: usize,
    },
    /// More than 999 CBP lines (`SE40.line_item_number` is 3 digits).
    #[error("{0} CBP lines: at most 999")]
    TooManyLines(usize),
    /// A record the action may not carry (SPEC 3.7: a cancel carries `SE10`, `SE13`, `SE20`;
    /// an update no lines).
    #[error("an SE10 action {action} transaction cannot carry {what}")]
    NotForAction {
        /// The action code.
        action: &'static str,
        /// What was given.
        what: &'static str,
    },
    /// A cancel without its cancellation reason (`SE13` 60–61).
    #[error("an SE10 action D (cancel) needs the SE13 cancellation reason")]
    CancelWithoutReason,
    /// A value does not fit its host field (SPEC F-030 … F-032).
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// A Cargo Release transaction from typed values; see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoReleaseBuilder<'a> {
    entry: EntrySpec<'a>,
    contact: Contact<'a>,
    bills: Vec<BillSpec<'a>>,
    references: Vec<(&'a str, &'a str)>,
    raw_header: Vec<Vec<u8>>,
    lines: Vec<CbpLineSpec<'a>>,
}

impl<'a> CargoReleaseBuilder<'a> {
    /// A transaction with its `SE10` entry and its `SE13` contact.
    pub fn new(entry: EntrySpec<'a>, contact: Contact<'a>) -> Self {
        CargoReleaseBuilder {
            entry,
            contact,
            bills: Vec::new(),
            references: Vec::new(),
            raw_header: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Appends an `SE15` bill (each bill is one bill grouping).
    pub fn bill(mut self, bill: BillSpec<'a>) -> Self {
        self.bills.push(bill);
        self
    }

    /// Appends an `SE20` reference: qualifier (`CR`, `EN`, `V1` …; 5–7) and identifier
    /// (8–57).
    pub fn reference(mut self, qualifier: &'a str, identifier: &'a str) -> Self {
        self.references.push((qualifier, identifier));
        self
    }

    /// Raw escape: a header record (`SE11`, `SE16`, `SE17`, `SE30` … `SE36`) written after the
    /// typed header records and before the lines, as given (padded to 80 bytes), validated
    /// like any input (SPEC 6.3a).
    pub fn raw_header_record(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.raw_header.push(raw.as_ref().to_vec());
        self
    }

    /// Appends a CBP line (numbered 001, 002 … in this order).
    pub fn line(mut self, line: CbpLineSpec<'a>) -> Self {
        self.lines.push(line);
        self
    }

    /// The entry number (7 digits and the check digit) this builder writes to
    /// `SE10.entry_number`.
    ///
    /// # Errors
    /// [`CargoReleaseError::Entry`], [`CargoReleaseError::CheckDigit`].
    pub fn entry_number(&self) -> Result<String, CargoReleaseError> {
        let e = &self.entry;
        let computed =
            entry_check_digit(e.filer, e.transaction).ok_or_else(|| CargoReleaseError::Entry {
                filer: e.filer.to_string(),
                transaction: e.transaction.to_string(),
            })?;
        let digit = e.check_digit.unwrap_or(computed);
        if digit > 9 {
            return Err(CargoReleaseError::CheckDigit(digit));
        }
        Ok(format!("{}{digit}", e.transaction))
    }

    /// The transaction, for [`super::TransmissionBuilder::transaction`].
    ///
    /// # Errors
    /// [`CargoReleaseError`]: an entry that is not 3 + 7 characters, a line without or with
    /// more than 32 tariff numbers, more than 999 lines, records the action may not carry,
    /// a value that does not fit its field.
    pub fn build(&self) -> Result<TransactionBuilder<'a>, CargoReleaseError> {
        let e = &self.entry;
        let number = self.entry_number()?;
        let action = e.action.code();
        match e.action {
            Action::Cancel => {
                if !self.bills.is_empty() || !self.raw_header.is_empty() {
                    return Err(CargoReleaseError::NotForAction {
                        action,
                        what: "bills or other header records",
                    });
                }
                if !self.lines.is_empty() {
                    return Err(CargoReleaseError::NotForAction {
                        action,
                        what: "CBP lines",
                    });
                }
                if self.contact.cancellation_reason.is_none() {
                    return Err(CargoReleaseError::CancelWithoutReason);
                }
            }
            Action::Update if !self.lines.is_empty() => {
                return Err(CargoReleaseError::NotForAction {
                    action,
                    what: "CBP lines",
                });
            }
            _ => {}
        }
        if self.lines.len() > 999 {
            return Err(CargoReleaseError::TooManyLines(self.lines.len()));
        }
        let se10 = Se10 {
            action_code: Some(action),
            entry_filer_code: Some(e.filer),
            entry_number: Some(&number),
            entry_type: Some(e.entry_type),
            importer_of_record_type: e.importer.map(|(q, _)| q),
            importer_of_record_number: e.importer.map(|(_, n)| n),
            mode_of_transportation: e.mode,
            bond_type: Some(e.bond_type),
            estimated_entry_value: Some(e.value),
            planned_port_of_entry: e.port_of_entry,
            split_shipment_release_code: e.split_release,
            port_of_unlading: e.port_of_unlading,
        }
        .to_bytes()?;
        let se13 = Se13 {
            contact_name: Some(self.contact.name),
            contact_phone: Some(self.contact.phone),
            cancellation_reason_code: self.contact.cancellation_reason,
            ..Se13::default()
        }
        .to_bytes()?;
        let mut t = TransactionBuilder::new().host_exact(se10).host_exact(se13);
        for b in &self.bills {
            let se15 = Se15 {
                bill_type_indicator: Some(b.bill_type),
                bill_issuer_code: b.issuer,
                bill_of_lading_number: Some(b.number),
                quantity: b.quantity,
                non_ams_indicator: Some(if b.non_ams { "Y" } else { "N" }),
            }
            .to_bytes()?;
            t = t.host_exact(se15);
        }
        for &(q, id) in &self.references {
            let se20 = Se20 {
                reference_qualifier: Some(q),
                reference_identifier: Some(id),
            }
            .to_bytes()?;
            t = t.host_exact(se20);
        }
        for raw in &self.raw_header {
            t = t.host(raw);
        }
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if line.tariffs.is_empty() {
                return Err(CargoReleaseError::NoTariff { line: n });
            }
            if line.tariffs.len() > 32 {
                return Err(CargoReleaseError::TooManyTariffs {
                    line: n,
                    count: line.tariffs.len(),
                });
            }
            let se40 = Se40 {
                line_item_number: Some(n as u64),
                country_of_origin: Some(line.country_of_origin),
                commercial_invoice_description: line.description,
            }
            .to_bytes()?;
            t = t.host_exact(se40);
            for raw in &line.raw {
                t = t.host(raw);
            }
            for tariff in &line.tariffs {
                let se60 = Se60 {
                    hts_number: Some(tariff.hts),
                    line_item_value: tariff.value,
                    ..Se60::default()
                }
                .to_bytes()?;
                let mut a = AnchorBuilder::new(se60);
                for s in &tariff.sub_records {
                    a = a.sub_record(s);
                }
                if let Some(g) = &tariff.oi_group {
                    a = a.oi_group(g.clone());
                }
                t = t.anchor(a);
            }
        }
        Ok(t)
    }
}
