//! The transmission builder: a complete ABI transmission — envelope (`A`/`B` … `Y`/`Z`), host
//! transactions, HTS anchors, OI groups and PGA lines — from typed values (SPEC 3, 4, 5).
//!
//! ```text
//! A  batch header      ← Envelope (site, sender/filer, password, date, office, user data)
//! B  block header      ← Envelope (port, filer, office, user data) + application id
//!    transaction       ← TransactionBuilder: host records (raw 80 bytes), typed records,
//!      SE60 / 50       ←   AnchorBuilder: the HTS anchor (raw), its SE6x sub-records (raw)
//!        OI            ←     OiGroupBuilder: the commercial description
//!          PG01 …      ←       OrganicLineBuilder (AMS OR1/OR2 from typed values) or
//!                              PgaLineBuilder (any agency: a PG01 and typed PG records)
//! Y  block trailer     ← repeats the B (port, filer, application, office)
//! Z  batch trailer     ← repeats the A (site, sender, date, office)
//! ```
//!
//! The host records of a Cargo Release are built from typed values by
//! [`cargo_release::CargoReleaseBuilder`] (an `SE10` entry and an `SE13` contact required,
//! lines and tariff numbers numbered by the builder; SPEC 3.7), which yields a
//! [`TransactionBuilder`]. Other host records (`10`, `40`, `50` of an Entry Summary …) and the
//! raw escapes are supplied as their 80 bytes ([`TransactionBuilder::host`]) and validated like
//! any input (SPEC 6.3a). Every OI/PG and envelope record is written
//! through its typed struct (the layouts of [`crate::records`]), so a value that does not fit
//! is refused with the record and field named ([`BuildError`]); nothing is truncated or
//! rounded.
//!
//! Building and validating are two steps: [`TransmissionBuilder::build`] returns the records
//! ([`BuiltTransmission`]) or the [`BuildError`] of a value it cannot write at all; whether
//! they make a filing CBP accepts is an explicit call, `built.validate(&opts)` (the rules of
//! SPEC 6, in the validation layer), which returns the findings as a report. Serializing
//! takes an explicit [`Terminator`] ([`BuiltTransmission::to_bytes`]).
//!
//! ```
//! use ace_pga::compose::{AnchorBuilder, Envelope, OiGroupBuilder, TransactionBuilder, TransmissionBuilder};
//! use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
//! use ace_pga::validate::ValidateOptions;
//! use ace_pga::{Decimal, NaiveDate, Terminator};
//!
//! let date = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
//! let envelope = Envelope::new("2704", "Q7K", date)
//!     .password("PW4821")
//!     .office("01")
//!     .batch_user_data("ORGFIX-000101")
//!     .block_user_data("BLK-000101");
//! let line = OrganicLineBuilder::or2(1)
//!     .certificate(CertificateSpec::new("417-2093856104-557321"))
//!     .net_quantity_kg(Decimal::new(182400, 2))
//!     .lot("3", "PIU-KENT-2602-A")
//!     .lot("3", "PIU-KENT-2602-B");
//! let transaction = TransactionBuilder::new()
//!     .host("SE10AQ7K  31547727 01EI 86-44172030011800000048502704  2704")
//!     .host("SE13DANA WHITFIELD                          5105550142")
//!     .host("SE15RMEDU4829301756                                        00000480     N")
//!     .host("SE40001PE ORGANIC FRESH MANGOES")
//!     .anchor(
//!         AnchorBuilder::new("SE6008045080200000004850").oi_group(
//!             OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").organic(line),
//!         ),
//!     );
//! let built = TransmissionBuilder::cargo_release(envelope)
//!     .transaction(transaction)
//!     .build()?;
//! let report = built.validate(&ValidateOptions::new(built.transmission_date()));
//! assert!(!report.has_errors());
//! let bytes = built.to_bytes(Terminator::Lf);
//! assert_eq!(bytes, std::fs::read("spec-samples/valid/or2-single.txt")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cargo_release;

use std::fmt;
use std::io::{self, Write};

use chrono::NaiveDate;

pub use crate::error::BuildError;
use crate::error::{ParseError, RecordRef};
use crate::options::ParseOptions;
use crate::profile::ams_or::OrganicLineBuilder;
use crate::records::{BatchHeader, BatchTrailer, BlockHeader, BlockTrailer, Body, Oi, Pg01};
use crate::transmission::Transmission;
use crate::wire::framing::Terminator;

/// The application identifier of a block (`A` 26–27, `B` 11–12, `Y` 11–12; SPEC 3.2,
/// `codes/application-ids.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Application {
    /// `SE`: ACE Cargo Release create/update (OI groups after `SE60`).
    CargoRelease,
    /// `AE`: Entry Summary create/update (OI groups after `50`).
    EntrySummary,
    /// Any other two-character identifier (`CA`, `PE`, or an output id such as `SX`/`SO` to
    /// build test fixtures of responses).
    Other(String),
}

impl Application {
    /// The two-character identifier.
    pub fn id(&self) -> &str {
        match self {
            Application::CargoRelease => "SE",
            Application::EntrySummary => "AE",
            Application::Other(id) => id,
        }
    }
}

/// The ABI envelope of a transmission: the values of the `A`/`Z` (batch) and `B`/`Y`
/// (block) records (ABI Batch & Block Control rev 23; `records.csv` rows `A`, `B`, `Y`, `Z`).
///
/// | value | written to |
/// |---|---|
/// | site code | `A` 2–5, `Z` 2–5 |
/// | sender id (the filer code) | `A` 6–8, `Z` 6–8 |
/// | password | `A` 9–14 |
/// | transmission date | `A` 15–20, `Z` 15–20 (`MMDDYY`) |
/// | office | `A` 38–39, `Z` 38–39, `B` 45–46, `Y` 45–46 |
/// | batch user data | `A` 60–80 (CBP echoes it in the response) |
/// | district/port (default: the site code) | `B` 4–7, `Y` 4–7 |
/// | filer code (default: the sender id) | `B` 8–10, `Y` 8–10 |
/// | block user data | `B` 60–80 (echoed in the response) |
/// | record count (off by default) | `Y` 13–17: records strictly between `B` and `Y` |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    site_code: &'a str,
    sender_id: &'a str,
    password: Option<&'a str>,
    transmission_date: NaiveDate,
    office: Option<&'a str>,
    batch_user_data: Option<&'a str>,
    district_port: Option<&'a str>,
    filer_code: Option<&'a str>,
    block_user_data: Option<&'a str>,
    record_count: bool,
}

impl<'a> Envelope<'a> {
    /// An envelope for site `site_code`, sender (filer) `sender_id`, sent on
    /// `transmission_date`. The block's port defaults to the site code and its filer code to
    /// the sender id. Input transmissions also need the communication password
    /// ([`Self::password`]): without it validation reports E-010.
    pub fn new(site_code: &'a str, sender_id: &'a str, transmission_date: NaiveDate) -> Self {
        Envelope {
            site_code,
            sender_id,
            password: None,
            transmission_date,
            office: None,
            batch_user_data: None,
            district_port: None,
            filer_code: None,
            block_user_data: None,
            record_count: false,
        }
    }

    /// The ABI communication password (`A` 9–14).
    pub fn password(mut self, password: &'a str) -> Self {
        self.password = Some(password);
        self
    }

    /// The sender / filer office code (`A` 38–39, `B` 45–46, `Y` 45–46, `Z` 38–39).
    pub fn office(mut self, office: &'a str) -> Self {
        self.office = Some(office);
        self
    }

    /// Transmitter user data (`A` 60–80): a free reference CBP echoes in its response.
    pub fn batch_user_data(mut self, user_data: &'a str) -> Self {
        self.batch_user_data = Some(user_data);
        self
    }

    /// Block user data (`B` 60–80), echoed in the response.
    pub fn block_user_data(mut self, user_data: &'a str) -> Self {
        self.block_user_data = Some(user_data);
        self
    }

    /// The district/port of the block (`B`/`Y` 4–7), when it differs from the site code.
    pub fn district_port(mut self, port: &'a str) -> Self {
        self.district_port = Some(port);
        self
    }

    /// The block's filer code (`B`/`Y` 8–10), when it differs from the sender id.
    pub fn filer_code(mut self, filer: &'a str) -> Self {
        self.filer_code = Some(filer);
        self
    }

    /// Writes `Y.record_count` (13–17): the number of records strictly between `B` and `Y`.
    /// Rev 23 input leaves it blank (the default); CBP output carries it (SPEC 3.5).
    pub fn with_record_count(mut self) -> Self {
        self.record_count = true;
        self
    }

    /// The transmission date (also the default as-of date of validation).
    pub fn transmission_date(&self) -> NaiveDate {
        self.transmission_date
    }
}

/// A raw record supplied by the caller (host records): either exactly 80 bytes, or text that
/// is padded with spaces to 80 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawRecord {
    bytes: Vec<u8>,
    pad: bool,
}

/// An HTS anchor (`SE60` in a Cargo Release, `50` in an Entry Summary; SPEC 3.3) with its
/// own `SE6x` sub-records and its OI group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorBuilder<'a> {
    anchor: RawRecord,
    sub_records: Vec<RawRecord>,
    oi_group: Option<OiGroupBuilder<'a>>,
}

impl<'a> AnchorBuilder<'a> {
    /// An anchor from its host record: the text is padded with spaces to 80 bytes (longer
    /// text is refused when building). Its identifier must be `SE60` or `50`.
    pub fn new(anchor: impl AsRef<[u8]>) -> Self {
        AnchorBuilder {
            anchor: RawRecord {
                bytes: anchor.as_ref().to_vec(),
                pad: true,
            },
            sub_records: Vec::new(),
            oi_group: None,
        }
    }

    /// Adds a sub-record of the anchor (`SE61`–`SE69`, written before the OI group), padded
    /// to 80 bytes.
    pub fn sub_record(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.sub_records.push(RawRecord {
            bytes: raw.as_ref().to_vec(),
            pad: true,
        });
        self
    }

    /// Sets the anchor's OI group (one per anchor, SPEC S-003).
    pub fn oi_group(mut self, group: OiGroupBuilder<'a>) -> Self {
        self.oi_group = Some(group);
        self
    }
}

/// An OI group: the `OI` commercial description and the PGA lines under it (SPEC 4.1).
///
/// PGA line numbers are not assigned here: each line carries its own (counted per agency
/// under the OI, `001`, `002` …; SPEC 4.7); validation reports gaps (S-016).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OiGroupBuilder<'a> {
    description: &'a str,
    lines: Vec<LineSpec<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LineSpec<'a> {
    Organic(OrganicLineBuilder<'a>),
    Generic(PgaLineBuilder<'a>),
}

impl<'a> OiGroupBuilder<'a> {
    /// An OI group with the commercial description (`OI` 11–80).
    pub fn new(description: &'a str) -> Self {
        OiGroupBuilder {
            description,
            lines: Vec::new(),
        }
    }

    /// Adds an AMS OR1/OR2 line built from typed organic values (SPEC 5).
    pub fn organic(mut self, line: OrganicLineBuilder<'a>) -> Self {
        self.lines.push(LineSpec::Organic(line));
        self
    }

    /// Adds a PGA line of any agency from typed records.
    pub fn line(mut self, line: PgaLineBuilder<'a>) -> Self {
        self.lines.push(LineSpec::Generic(line));
        self
    }
}

/// A PGA line of any agency and program: a `PG01` and the typed records that follow it, in
/// the order given (entity loops `PG19`/`PG20`/`PG21`, `PG50`…`PG51` groups and `PG00`
/// substitutions are plain records in sequence; SPEC 4.2–4.5).
///
/// ```
/// use ace_pga::compose::PgaLineBuilder;
/// use ace_pga::records::{Pg01, Pg02, Pg10};
///
/// // An FDA line disclaimed with `C`, and an AMS MO1 line with a product code.
/// let fda = PgaLineBuilder::disclaimed(1, "FDA", "FOO", "C");
/// let mo1 = PgaLineBuilder::new(Pg01 {
///     pga_line_number: Some(2),
///     agency_code: Some("AMS"),
///     program_code: Some("MO"),
///     processing_code: Some("1"),
///     intended_use_code: Some("100.000"),
///     ..Default::default()
/// })
/// .record(Pg02 {
///     item_type: Some("P"),
///     product_code_qualifier_1: Some("UNS"),
///     product_code_number_1: Some("50407132"),
///     ..Default::default()
/// })
/// .record(Pg10 {
///     characteristic_description: Some("ORGANIC RUSSET POTATOES"),
///     ..Default::default()
/// });
/// assert_eq!(mo1.build()?.len(), 3);
/// assert_eq!(&fda.build()?[0][77..], b"  C");
/// # Ok::<(), ace_pga::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgaLineBuilder<'a> {
    pg01: Pg01<'a>,
    records: Vec<Body<'a>>,
}

impl<'a> PgaLineBuilder<'a> {
    /// A line opened by this `PG01`.
    pub fn new(pg01: Pg01<'a>) -> Self {
        PgaLineBuilder {
            pg01,
            records: Vec::new(),
        }
    }

    /// A disclaimed line (SPEC 4.6): `PG01` with agency, program and `disclaimer_code`
    /// (`PG01` 80), no processing code and no child records. AMS accepts only `A`
    /// (SPEC OR-017).
    pub fn disclaimed(
        pga_line_number: u64,
        agency: &'a str,
        program: &'a str,
        disclaimer_code: &'a str,
    ) -> Self {
        Self::new(Pg01 {
            pga_line_number: Some(pga_line_number),
            agency_code: Some(agency),
            program_code: Some(program),
            disclaimer_code: Some(disclaimer_code),
            ..Default::default()
        })
    }

    /// Appends a typed record (`Pg02`, `Pg19`, `Pg50` …; any layout of [`crate::records`]).
    pub fn record(mut self, record: impl Into<Body<'a>>) -> Self {
        self.records.push(record.into());
        self
    }

    /// The line's records (the `PG01` first), 80 bytes each.
    ///
    /// # Errors
    /// [`BuildError::Encode`] naming the record (its 1-based position among the line's
    /// records) and the field whose value does not fit.
    pub fn build(&self) -> Result<Vec<[u8; 80]>, BuildError> {
        let mut out = Vec::with_capacity(self.records.len() + 1);
        BuildError::push_encoded(&mut out, self.pg01.to_bytes())?;
        for r in &self.records {
            BuildError::push_encoded(&mut out, r.to_bytes())?;
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TxItem<'a> {
    Host(RawRecord),
    Record(Body<'a>),
    Anchor(AnchorBuilder<'a>),
}

/// One host transaction (SPEC 3.4): host records, typed records and HTS anchors in the
/// order given. The first record should be the transaction's start record (`SE10` for a
/// Cargo Release, `10` for an Entry Summary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionBuilder<'a> {
    items: Vec<TxItem<'a>>,
}

impl<'a> TransactionBuilder<'a> {
    /// An empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a host record (`SE10`, `SE20`, `SE40`, `10`, `11`, `40`, `51`, `90` …): its
    /// bytes, padded with spaces to 80 (longer input and line terminators inside are refused
    /// when building).
    pub fn host(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.items.push(TxItem::Host(RawRecord {
            bytes: raw.as_ref().to_vec(),
            pad: true,
        }));
        self
    }

    /// Appends a host record that must already be exactly 80 bytes (no padding).
    pub fn host_exact(mut self, raw: impl AsRef<[u8]>) -> Self {
        self.items.push(TxItem::Host(RawRecord {
            bytes: raw.as_ref().to_vec(),
            pad: false,
        }));
        self
    }

    /// Appends a typed record outside any OI group (e.g. an `SE90` or `SO70` when building a
    /// response fixture).
    pub fn record(mut self, record: impl Into<Body<'a>>) -> Self {
        self.items.push(TxItem::Record(record.into()));
        self
    }

    /// Appends an HTS anchor with its OI group.
    pub fn anchor(mut self, anchor: AnchorBuilder<'a>) -> Self {
        self.items.push(TxItem::Anchor(anchor));
        self
    }
}

/// Builds a complete transmission: one batch (`A` … `Z`) with one block (`B` … `Y`) of one
/// application holding the transactions in order (CBP accepts one batch per message,
/// SPEC 3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransmissionBuilder<'a> {
    envelope: Envelope<'a>,
    application: Application,
    transactions: Vec<TransactionBuilder<'a>>,
}

impl<'a> TransmissionBuilder<'a> {
    /// A transmission of the given application.
    pub fn new(application: Application, envelope: Envelope<'a>) -> Self {
        TransmissionBuilder {
            envelope,
            application,
            transactions: Vec::new(),
        }
    }

    /// An ACE Cargo Release (`SE`) transmission.
    pub fn cargo_release(envelope: Envelope<'a>) -> Self {
        Self::new(Application::CargoRelease, envelope)
    }

    /// An Entry Summary (`AE`) transmission.
    pub fn entry_summary(envelope: Envelope<'a>) -> Self {
        Self::new(Application::EntrySummary, envelope)
    }

    /// Appends a transaction.
    pub fn transaction(mut self, transaction: TransactionBuilder<'a>) -> Self {
        self.transactions.push(transaction);
        self
    }

    /// Builds the records: the envelope, the transactions in order, each typed value
    /// written through its layout. Nothing is validated here: call
    /// `BuiltTransmission::validate` for the findings of SPEC 6 (a DRAFT certificate, OR1
    /// where OR2 is due …).
    ///
    /// # Errors
    /// [`BuildError`] for what cannot be written at all: a value that does not fit its field
    /// ([`BuildError::Encode`]), a host record that is not 80 bytes or holds a line
    /// terminator, an anchor that is not `SE60`/`50`. The error names the record's 1-based
    /// position in the transmission ([`RecordRef::index`]).
    pub fn build(&self) -> Result<BuiltTransmission, BuildError> {
        let records = self.records()?;
        let mut lf = Vec::with_capacity(records.len() * 81);
        for r in &records {
            lf.extend_from_slice(r);
            lf.push(b'\n');
        }
        Ok(BuiltTransmission {
            records,
            lf,
            transmission_date: self.envelope.transmission_date,
        })
    }

    /// The records, 80 bytes each, in order (what [`Self::build`] holds).
    ///
    /// # Errors
    /// As [`Self::build`].
    pub fn records(&self) -> Result<Vec<[u8; 80]>, BuildError> {
        let env = &self.envelope;
        let app = self.application.id();
        let mut out = Records::default();
        out.typed(BatchHeader {
            sender_site_code: Some(env.site_code),
            sender_id_code: Some(env.sender_id),
            communication_password: env.password,
            transmission_date: Some(env.transmission_date),
            application_id: Some(app),
            sender_office_code: env.office,
            user_data: env.batch_user_data,
        })?;
        let port = env.district_port.unwrap_or(env.site_code);
        let filer = env.filer_code.unwrap_or(env.sender_id);
        out.typed(BlockHeader {
            district_port_code: Some(port),
            filer_code: Some(filer),
            application_id: Some(app),
            filer_office_code: env.office,
            user_data: env.block_user_data,
            ..Default::default()
        })?;
        let block_start = out.0.len();
        for t in &self.transactions {
            for item in &t.items {
                match item {
                    TxItem::Host(raw) => out.raw(raw)?,
                    TxItem::Record(b) => out.body(b)?,
                    TxItem::Anchor(a) => out.anchor(a)?,
                }
            }
        }
        let count = out.0.len() - block_start;
        out.typed(BlockTrailer {
            district_port_code: Some(port),
            filer_code: Some(filer),
            application_id: Some(app),
            record_count: env.record_count.then_some(count as u64),
            filer_office_code: env.office,
        })?;
        out.typed(BatchTrailer {
            sender_site_code: Some(env.site_code),
            sender_id_code: Some(env.sender_id),
            transmission_date: Some(env.transmission_date),
            sender_office_code: env.office,
        })?;
        Ok(out.0)
    }
}

/// The records being assembled.
#[derive(Default)]
struct Records(Vec<[u8; 80]>);

impl Records {
    fn next_record(&self) -> usize {
        self.0.len() + 1
    }

    fn push_encoded(
        &mut self,
        r: Result<[u8; 80], crate::error::EncodeError>,
    ) -> Result<(), BuildError> {
        BuildError::push_encoded(&mut self.0, r)
    }

    fn typed<'b>(&mut self, body: impl Into<Body<'b>>) -> Result<(), BuildError> {
        self.push_encoded(body.into().to_bytes())
    }

    fn body(&mut self, body: &Body<'_>) -> Result<(), BuildError> {
        self.push_encoded(body.to_bytes())
    }

    fn raw(&mut self, raw: &RawRecord) -> Result<(), BuildError> {
        let at = RecordRef::at_index(self.next_record(), None);
        let len = raw.bytes.len();
        if len > 80 || (!raw.pad && len != 80) {
            return Err(BuildError::HostLength { at, len });
        }
        if let Some(i) = raw.bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            return Err(BuildError::HostTerminator { at, column: i + 1 });
        }
        let mut out = [b' '; 80];
        if let Some(dst) = out.get_mut(..len) {
            dst.copy_from_slice(&raw.bytes);
        }
        self.0.push(out);
        Ok(())
    }

    fn anchor(&mut self, a: &AnchorBuilder<'_>) -> Result<(), BuildError> {
        let record = self.next_record();
        let id = crate::records::identify(&a.anchor.bytes, false);
        let id_bytes = a.anchor.bytes.get(..id.id_len).unwrap_or_default();
        if !crate::records::host::is_anchor_id(id_bytes) {
            return Err(BuildError::NotAnAnchor {
                at: RecordRef::at_index(record, None),
                found: String::from_utf8_lossy(a.anchor.bytes.get(..4).unwrap_or(&a.anchor.bytes))
                    .into_owned(),
            });
        }
        self.raw(&a.anchor)?;
        for s in &a.sub_records {
            self.raw(s)?;
        }
        if let Some(g) = &a.oi_group {
            self.typed(Oi {
                commercial_description: Some(g.description),
            })?;
            for line in &g.lines {
                match line {
                    LineSpec::Organic(b) => {
                        let before = self.0.len();
                        let recs = b.build().map_err(|e| e.shifted(before))?;
                        self.0.extend(recs);
                    }
                    LineSpec::Generic(l) => {
                        self.push_encoded(l.pg01.to_bytes())?;
                        for r in &l.records {
                            self.body(r)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// A built transmission: its records, 80 bytes each. Validating it is a separate, explicit
/// step: `built.validate(&opts)` (defined by [`crate::validate`]) returns the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltTransmission {
    records: Vec<[u8; 80]>,
    /// The records with LF after each (what is parsed and validated).
    lf: Vec<u8>,
    transmission_date: NaiveDate,
}

impl BuiltTransmission {
    /// The records in order (80 bytes each, no terminators).
    pub fn records(&self) -> &[[u8; 80]] {
        &self.records
    }

    /// The envelope's transmission date: the as-of date a filing is validated for
    /// (`ValidateOptions::new(built.transmission_date())`).
    pub fn transmission_date(&self) -> NaiveDate {
        self.transmission_date
    }

    /// The records with LF after each: what [`Self::parse`] reads.
    pub fn as_lf_bytes(&self) -> &[u8] {
        &self.lf
    }

    /// The transmission's bytes with `terminator` after every record (the last one
    /// included); [`Terminator::None`] concatenates the 80-byte records (SPEC 2.2).
    pub fn to_bytes(&self, terminator: Terminator) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.records.len() * (80 + terminator.as_bytes().len()));
        // Writing into a Vec cannot fail.
        let _ = self.write_to(terminator, &mut out);
        out
    }

    /// Writes the transmission with `terminator` after every record.
    ///
    /// # Errors
    /// I/O errors of the writer.
    pub fn write_to<W: Write>(&self, terminator: Terminator, w: &mut W) -> io::Result<()> {
        crate::wire::write_records(&self.records, terminator, true, w)
    }

    /// Parses the built transmission (LF-terminated form) to inspect it as a tree.
    ///
    /// # Errors
    /// [`ParseError`] (not expected: the builder wrote every record).
    pub fn parse(&self) -> Result<Transmission<'_>, ParseError> {
        Transmission::parse_with(&self.lf, &ParseOptions::strict())
    }
}

impl fmt::Display for BuiltTransmission {
    /// The records, one per line (LF).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.lf))
    }
}
