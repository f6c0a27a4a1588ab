//! The typed organic view of an AMS OR PGA line (SPEC 5).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::nop_ic::{is_special_code_shape, nop_ic_segments, NopIcNumber};
use crate::records::{Pg01, Pg10, Pg14, Pg19, Pg20, Pg21, Pg22, Pg24, Pg25, Pg27, Pg29};
use crate::records::{Record, RecordType, View};
use crate::tree::{EntityLoop, FlatItem, GroupKind, GroupRef, PgaItem, PgaLine};

/// Message type of an organic PGA line: program `OR` + processing code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageType<'a> {
    /// `OR1`: non-electronic (paper / manually generated, COOP-coded) certificate.
    Or1,
    /// `OR2`: electronic NOP Import Certificate or AMS special code.
    Or2,
    /// `OR` without processing code (allowed on a disclaimed line, SPEC 5.1).
    Bare,
    /// Any other processing code (SPEC OR-025), verbatim.
    Other(&'a str),
}

impl<'a> MessageType<'a> {
    /// `"OR1"`, `"OR2"`, `"OR"`, or `"OR"` + the other processing code.
    pub fn as_str(&self) -> std::borrow::Cow<'a, str> {
        match self {
            MessageType::Or1 => "OR1".into(),
            MessageType::Or2 => "OR2".into(),
            MessageType::Bare => "OR".into(),
            MessageType::Other(p) => format!("OR{p}").into(),
        }
    }

    /// The message type of a PG01's processing code (bytes 14–16, trailing spaces
    /// trimmed): `1` → OR1, `2` → OR2, blank → OR, anything else verbatim.
    pub(crate) fn from_processing_code(p: Option<&'a str>) -> Self {
        match p.map(str::trim_end) {
            None | Some("") => MessageType::Bare,
            Some("1") => MessageType::Or1,
            Some("2") => MessageType::Or2,
            Some(o) => MessageType::Other(o),
        }
    }
}

/// A certificate reference from `PG14.lpco_number` (bytes 9–41), classified (SPEC 5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateNumber<'a> {
    /// An NOP Import Certificate number `NNN-NNNNNNNNNN-NNNNNN` (21 characters), with its
    /// three segments (no published meaning; exposed neutrally).
    NopImportCertificate {
        /// The whole number as sent.
        number: &'a str,
        /// The segments: 3, 10 and 6 digits.
        segments: [&'a str; 3],
    },
    /// A value shaped like an AMS special code `NNN-NNN-A` (`999-999-T`, `333-550-R`,
    /// `010-420-L`; OR2 only). `known` says whether it is in
    /// `codes/ams-special-certificate-codes.csv`.
    SpecialCode {
        /// The code as sent.
        code: &'a str,
        /// Listed in the code list (any validity).
        known: bool,
    },
    /// Anything else (e.g. an OR1 COOP-coded number, a bare 10-digit NOP ID, a draft),
    /// verbatim.
    Other(&'a str),
}

impl<'a> CertificateNumber<'a> {
    /// Classifies a certificate reference by its shape (the grammars of `NNN-NNNNNNNNNN-NNNNNN`
    /// and `NNN-NNN-A`, nom). Never repairs: no hyphen insertion, no padding, no upper-casing.
    pub fn classify(s: &'a str) -> Self {
        if let Some(segments) = nop_ic_segments(s) {
            return CertificateNumber::NopImportCertificate {
                number: s,
                segments,
            };
        }
        if is_special_code_shape(s) {
            let known = crate::codes::CodeList::AmsSpecialCertificateCodes
                .find(s)
                .next()
                .is_some();
            return CertificateNumber::SpecialCode { code: s, known };
        }
        CertificateNumber::Other(s)
    }

    /// The NOP Import Certificate number, when the reference is one.
    pub fn nop_ic(&self) -> Option<NopIcNumber> {
        match self {
            CertificateNumber::NopImportCertificate { number, .. } => number.parse().ok(),
            _ => None,
        }
    }

    /// The value as sent.
    pub fn as_str(&self) -> &'a str {
        match *self {
            CertificateNumber::NopImportCertificate { number, .. } => number,
            CertificateNumber::SpecialCode { code, .. } => code,
            CertificateNumber::Other(s) => s,
        }
    }

    /// `"nop_import_certificate"`, `"special_code"` or `"other"`.
    pub fn kind(&self) -> &'static str {
        match self {
            CertificateNumber::NopImportCertificate { .. } => "nop_import_certificate",
            CertificateNumber::SpecialCode { .. } => "special_code",
            CertificateNumber::Other(_) => "other",
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CertificateNumber<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind())?;
        m.serialize_entry("value", self.as_str())?;
        match self {
            CertificateNumber::NopImportCertificate { segments, .. } => {
                m.serialize_entry("segments", segments)?
            }
            CertificateNumber::SpecialCode { known, .. } => m.serialize_entry("known", known)?,
            CertificateNumber::Other(_) => {}
        }
        m.end()
    }
}

impl fmt::Display for MessageType<'_> {
    /// As [`MessageType::as_str`]: `OR1`, `OR2`, `OR`, or `OR` + the other processing code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageType::Other(p) => write!(f, "OR{p}"),
            other => f.write_str(&other.as_str()),
        }
    }
}

impl<'a> TryFrom<&'a str> for MessageType<'a> {
    type Error = crate::error::ParseNameError;
    /// Reads what [`MessageType::as_str`] writes: `OR1`, `OR2`, `OR`, or `OR` + another
    /// processing code of at most 3 characters (borrowed). Anything not starting with the
    /// program code `OR` is refused. (No `FromStr`: an other processing code borrows from
    /// the text.)
    fn try_from(s: &'a str) -> Result<Self, Self::Error> {
        match s.strip_prefix("OR") {
            Some(p) if p.len() <= 3 && !p.starts_with(' ') => {
                Ok(MessageType::from_processing_code(Some(p)))
            }
            _ => Err(crate::error::ParseNameError {
                what: "message type",
                given: s.to_string(),
                expected: "OR1, OR2, OR, or OR and a processing code of up to 3 characters",
            }),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MessageType<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'a> From<&'a str> for CertificateNumber<'a> {
    /// [`CertificateNumber::classify`].
    fn from(s: &'a str) -> Self {
        CertificateNumber::classify(s)
    }
}

impl fmt::Display for CertificateNumber<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A certificate PG14 of an organic line (SPEC 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Certificate<'a> {
    /// Line of the PG14.
    pub line: u32,
    /// `PG14.lpco_number`, classified.
    pub number: CertificateNumber<'a>,
    /// `PG14.lpco_type` (vendors send `AM1`).
    pub lpco_type: Option<&'a str>,
    /// `PG14.lpco_transaction_type` (`1` or `2` seen for OR2; meaning not confirmed).
    pub lpco_transaction_type: Option<u64>,
    /// `PG14.lpco_date_qualifier`.
    pub date_qualifier: Option<u64>,
    /// `PG14.lpco_date` (with qualifier `3`: the certificate issue date, OR1).
    pub date: Option<NaiveDate>,
    /// `PG14.quantity` (4 implied decimals), when sent.
    pub quantity: Option<Decimal>,
    /// `PG14.unit_of_measure`, when sent.
    pub unit_of_measure: Option<&'a str>,
}

/// The certificate PG14s of a line: those with `lpco_type` `AM1`, or all when none has it
/// (then the flag is true).
fn select_certificates(all: Vec<Certificate<'_>>) -> (Vec<Certificate<'_>>, bool) {
    let has_am1 = all.iter().any(|c| c.lpco_type == Some("AM1"));
    let without = !all.is_empty() && !has_am1;
    (
        all.into_iter()
            .filter(|c| !has_am1 || c.lpco_type == Some("AM1"))
            .collect(),
        without,
    )
}

impl<'a> Certificate<'a> {
    fn from_view(line: u32, p: &View<'a, Pg14<'a>>) -> Self {
        Certificate {
            line,
            number: CertificateNumber::classify(p.lpco_number().unwrap_or("")),
            lpco_type: p.lpco_type(),
            lpco_transaction_type: p.lpco_transaction_type(),
            date_qualifier: p.lpco_date_qualifier(),
            date: p.lpco_date(),
            quantity: p.quantity(),
            unit_of_measure: p.unit_of_measure(),
        }
    }
}

impl Certificate<'_> {
    /// The certificate issue date: `lpco_date` when the date qualifier is `3`.
    pub fn issue_date(&self) -> Option<NaiveDate> {
        (self.date_qualifier == Some(3))
            .then_some(self.date)
            .flatten()
    }
}

/// A lot (`PG25` with a lot number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Lot<'a> {
    /// Line of the PG25.
    pub line: u32,
    /// `lot_number_qualifier` (1–4, `codes/lot-number-qualifiers.csv`).
    pub qualifier: Option<&'a str>,
    /// `lot_number`.
    pub lot_number: &'a str,
}

/// A contact (`PG21`) of an entity loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Contact<'a> {
    /// Line of the PG21.
    pub line: u32,
    /// `individual_role_code`.
    pub role: Option<&'a str>,
    /// `individual_name`.
    pub name: Option<&'a str>,
    /// `telephone_number`.
    pub telephone: Option<&'a str>,
    /// `email_or_fax`.
    pub email_or_fax: Option<&'a str>,
}

/// An entity of an OR1 line: one PG19 loop (SPEC 5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Entity<'a> {
    /// Line of the PG19.
    pub line: u32,
    /// `entity_role_code` (`EX`, `UC`, `ORI`, `ORP`, `ORC`, `AP1`, `CB`).
    pub role: Option<&'a str>,
    /// `entity_number`: the NOP ID (3-character certifier ID or 10-digit operation ID).
    pub nop_id: Option<&'a str>,
    /// `entity_identification_code` (`331` in vendor traffic; meaning not confirmed).
    pub id_kind: Option<&'a str>,
    /// `entity_name`.
    pub name: Option<&'a str>,
    /// `PG19.address_line_1`.
    pub address_line_1: Option<&'a str>,
    /// The PG20 of the loop.
    pub address: Option<Pg20<'a>>,
    /// The PG21 records of the loop.
    pub contacts: Vec<Contact<'a>>,
}

/// A PG22 declaration (OR1: `AM4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Declaration<'a> {
    /// Line of the PG22.
    pub line: u32,
    /// The record.
    pub record: Pg22<'a>,
}

/// A PG24 remark (OR1: type `AM1`, code `A10`/`A11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Remark<'a> {
    /// Line of the PG24.
    pub line: u32,
    /// `remarks_type_code`.
    pub type_code: Option<&'a str>,
    /// `remarks_code`.
    pub code: Option<&'a str>,
    /// `remarks_text`.
    pub text: Option<&'a str>,
}

/// A container of a PG27.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Container<'a> {
    /// Line of the PG27.
    pub line: u32,
    /// Container number.
    pub number: &'a str,
    /// Container type (`1`/`2`).
    pub container_type: Option<u64>,
    /// Container length.
    pub length: Option<u64>,
}

/// A product of an OR1 line with its positionally grouped lot and parties (SPEC 5.5: a
/// convention seen in one implementation, not a documented AMS rule; best effort).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionalProduct<'v, 'a> {
    /// The n-th PG10 description.
    pub description: &'a str,
    /// The n-th lot.
    pub lot: Option<&'v Lot<'a>>,
    /// The n-th `ORC` entity.
    pub certifier: Option<&'v Entity<'a>>,
    /// The n-th `ORP` entity.
    pub final_handler: Option<&'v Entity<'a>>,
}

/// The typed view of an AMS OR PGA line (SPEC 5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct OrganicLine<'a> {
    /// Line of the PG01.
    pub line: u32,
    /// `PG01.pga_line_number`.
    pub pga_line_number: Option<u64>,
    /// OR1 / OR2 (from the processing code).
    pub message_type: MessageType<'a>,
    /// `PG01.disclaimer_code` (AMS 2025-07 rules: only `A`).
    pub disclaimer: Option<&'a str>,
    /// `PG01.electronic_image_submitted` (`Y` when images go through DIS).
    pub electronic_image_submitted: Option<&'a str>,
    /// `PG01.intended_use_code` (OR1).
    pub intended_use_code: Option<&'a str>,
    /// Certificate references: the PG14s with `lpco_type` `AM1`, or every PG14 when none has
    /// `AM1` (then [`Self::certificates_without_am1`] is true).
    pub certificates: Vec<Certificate<'a>>,
    /// No PG14 had `lpco_type` `AM1` (SPEC OR-027).
    pub certificates_without_am1: bool,
    /// `PG29.quantity_line_net` when `unit_of_measure_line_net` is `KG` (2 implied decimals).
    pub net_quantity_kg: Option<Decimal>,
    /// `PG29` net quantity and unit as sent, whatever the unit.
    pub net_quantity: Option<(Decimal, Option<&'a str>)>,
    /// Lots (PG25 with a lot number).
    pub lots: Vec<Lot<'a>>,
    /// Entities (PG19 loops), OR1.
    pub entities: Vec<Entity<'a>>,
    /// Product descriptions (PG10 `characteristic_description`), OR1.
    pub products: Vec<&'a str>,
    /// Declarations (PG22), OR1.
    pub declarations: Vec<Declaration<'a>>,
    /// Remarks (PG24), OR1.
    pub remarks: Vec<Remark<'a>>,
    /// Containers (every non-blank container number of every PG27), OR1.
    pub containers: Vec<Container<'a>>,
}

/// Whether a PG01 opens an AMS OR line (agency `AMS`, program `OR`).
pub fn is_organic(pg01: &Pg01<'_>) -> bool {
    pg01.agency_code == Some("AMS") && pg01.program_code == Some("OR")
}

/// The records of a PGA line as the organic view reads them: a nested [`PgaLine`] or a line
/// group of the [`FlatTree`] (the same records in the same order, SPEC 4.1–4.5).
pub(crate) trait LineSource<'a> {
    /// The line's `PG01`.
    fn pg01(&self) -> Option<Record<'a>>;
    /// Visits the child records in input order (not the `PG01`, no conditions), as
    /// [`PgaLine::for_each_child_record`] does.
    fn each_child(&self, f: impl FnMut(&Record<'a>));
    /// Appends the entity of each entity loop (also those inside PG50/PG51 groups), in order.
    fn entities(&self, out: &mut Vec<Entity<'a>>);
}

impl<'a, T: LineSource<'a> + ?Sized> LineSource<'a> for &T {
    fn pg01(&self) -> Option<Record<'a>> {
        (**self).pg01()
    }
    fn each_child(&self, f: impl FnMut(&Record<'a>)) {
        (**self).each_child(f);
    }
    fn entities(&self, out: &mut Vec<Entity<'a>>) {
        (**self).entities(out);
    }
}

impl<'a> LineSource<'a> for PgaLine<Record<'a>> {
    fn pg01(&self) -> Option<Record<'a>> {
        Some(self.pg01.record)
    }
    fn each_child(&self, f: impl FnMut(&Record<'a>)) {
        self.for_each_child_record(f);
    }
    fn entities(&self, out: &mut Vec<Entity<'a>>) {
        for_each_entity_loop(self, |e| {
            let contacts = e.items.iter().filter_map(|n| contact_of(&n.record));
            out.extend(entity_of(
                &e.pg19.record,
                e.pg20.as_ref().map(|n| &n.record),
                contacts,
            ));
        });
    }
}

impl<'a> LineSource<'a> for GroupRef<'_, 'a> {
    fn pg01(&self) -> Option<Record<'a>> {
        (self.kind() == GroupKind::Line)
            .then(|| self.head())
            .flatten()
            .map(|n| n.record())
    }
    fn each_child(&self, mut f: impl FnMut(&Record<'a>)) {
        fn walk<'a>(g: &GroupRef<'_, 'a>, f: &mut impl FnMut(&Record<'a>)) {
            for item in g.items() {
                match item {
                    FlatItem::Record(n) => f(&n.record()),
                    FlatItem::Group(g) => {
                        if let Some(n) = g.head() {
                            f(&n.record());
                        }
                        if let Some(n) = g.pg20() {
                            f(&n.record());
                        }
                        walk(&g, f);
                        if let Some(n) = g.tail() {
                            f(&n.record());
                        }
                    }
                }
            }
        }
        walk(self, &mut f);
    }
    fn entities(&self, out: &mut Vec<Entity<'a>>) {
        for e in self.entity_loops() {
            let Some(pg19) = e.head() else { continue };
            let contacts = e.items().filter_map(|i| match i {
                FlatItem::Record(n) => contact_of(&n.record()),
                FlatItem::Group(_) => None,
            });
            out.extend(entity_of(
                &pg19.record(),
                e.pg20().map(|n| n.record()).as_ref(),
                contacts,
            ));
        }
    }
}

/// The contact of a `PG21` (`None` for any other record).
fn contact_of<'a>(r: &Record<'a>) -> Option<Contact<'a>> {
    let c = r.view::<Pg21>()?;
    Some(Contact {
        line: r.line(),
        role: c.individual_role_code(),
        name: c.individual_name(),
        telephone: c.telephone_number(),
        email_or_fax: c.email_or_fax(),
    })
}

/// The entity of a PG19 loop: its `PG19`, its `PG20` and the contacts of its `PG21`s.
fn entity_of<'a>(
    pg19: &Record<'a>,
    pg20: Option<&Record<'a>>,
    contacts: impl Iterator<Item = Contact<'a>>,
) -> Option<Entity<'a>> {
    // Lazy views: only the fields the view returns are read (the PG20 whole, as it is
    // returned whole).
    let p = pg19.view::<Pg19>()?;
    let address = pg20.and_then(|r| r.view::<Pg20>()).map(|a| a.to_struct());
    Some(Entity {
        line: pg19.line(),
        role: p.entity_role_code(),
        nop_id: p.entity_number(),
        id_kind: p.entity_identification_code(),
        name: p.entity_name(),
        address_line_1: p.address_line_1(),
        address,
        contacts: contacts.collect(),
    })
}

/// Visits the entity loops of a line in the order of [`PgaLine::entity_loops`] (also those
/// inside PG50/PG51 groups) without collecting them.
fn for_each_entity_loop<'s, R>(line: &'s PgaLine<R>, mut f: impl FnMut(&'s EntityLoop<R>)) {
    for i in &line.items {
        match i {
            PgaItem::Entity(e) => f(e),
            PgaItem::Group(g) => {
                for gi in &g.items {
                    if let PgaItem::Entity(e) = gi {
                        f(e);
                    }
                }
            }
            PgaItem::Record(_) => {}
        }
    }
}

/// The line number and the typed `PG01` of a line when it is AMS OR (agency `AMS`, program
/// `OR`).
fn organic_pg01<'a>(line: &impl LineSource<'a>) -> Option<(u32, View<'a, Pg01<'a>>)> {
    let r = line.pg01()?;
    let pg01 = r.view::<Pg01>()?;
    (pg01.agency_code() == Some("AMS") && pg01.program_code() == Some("OR"))
        .then_some((r.line(), pg01))
}

/// [`OrganicLine::for_each_certificate_number`] of a nested or a flat PGA line.
pub(crate) fn each_certificate_number<'a>(
    line: &impl LineSource<'a>,
    mut f: impl FnMut(CertificateNumber<'a>),
) -> Option<MessageType<'a>> {
    let (_, pg01) = organic_pg01(line)?;
    let mut has_am1 = false;
    line.each_child(|r| {
        if let Some(p) = r.view::<Pg14>() {
            has_am1 |= p.lpco_type() == Some("AM1");
        }
    });
    line.each_child(|r| {
        if let Some(p) = r.view::<Pg14>() {
            if !has_am1 || p.lpco_type() == Some("AM1") {
                f(CertificateNumber::classify(p.lpco_number().unwrap_or("")));
            }
        }
    });
    Some(MessageType::from_processing_code(pg01.processing_code()))
}

impl<'a> OrganicLine<'a> {
    /// Whether the line opens with an AMS OR PG01 (agency `AMS`, program `OR`): exactly
    /// when [`Self::from_line`] returns `Some`, without building the view.
    pub fn is_organic_line(line: &PgaLine<Record<'a>>) -> bool {
        organic_pg01(line).is_some()
    }

    /// The organic view of a PGA line; `None` when the line is not AMS OR (or its PG01 could
    /// not be typed).
    pub fn from_line(line: &PgaLine<Record<'a>>) -> Option<OrganicLine<'a>> {
        Self::build(line)
    }

    /// [`Self::from_line`] for a line group of the [`FlatTree`](crate::FlatTree) (a
    /// [`GroupRef`] of kind [`GroupKind::Line`]): the same view of the same records. `None`
    /// when the line is not AMS OR, or the group is not a PGA line.
    ///
    /// ```
    /// use ace_pga::{profile::ams_or::OrganicLine, FlatTree};
    /// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let tree = FlatTree::parse(&input)?;
    /// let line = tree.pga_lines().next().expect("a PGA line");
    /// let organic = OrganicLine::from_flat_line(&line).expect("an AMS OR line");
    /// assert_eq!(organic.message_type.as_str(), "OR2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_flat_line(line: &GroupRef<'_, 'a>) -> Option<OrganicLine<'a>> {
        Self::build(line)
    }

    /// [`Self::from_line`] / [`Self::from_flat_line`].
    fn build(line: &impl LineSource<'a>) -> Option<OrganicLine<'a>> {
        // Typed lazy views: each record is read only for the fields the view returns.
        let (pg01_line, pg01) = organic_pg01(line)?;
        let mut entities = Vec::new();
        line.entities(&mut entities);
        let mut v = OrganicLine {
            line: pg01_line,
            pga_line_number: pg01.pga_line_number(),
            message_type: MessageType::from_processing_code(pg01.processing_code()),
            disclaimer: pg01.disclaimer_code(),
            electronic_image_submitted: pg01.electronic_image_submitted(),
            intended_use_code: pg01.intended_use_code(),
            certificates: Vec::new(),
            certificates_without_am1: false,
            net_quantity_kg: None,
            net_quantity: None,
            lots: Vec::new(),
            entities,
            products: Vec::new(),
            declarations: Vec::new(),
            remarks: Vec::new(),
            containers: Vec::new(),
        };
        let mut all_pg14 = Vec::new();
        line.each_child(|r| {
            let l = r.line();
            match r.record_type() {
                RecordType::Pg14 => {
                    if let Some(p) = r.view::<Pg14>() {
                        all_pg14.push(Certificate::from_view(l, &p));
                    }
                }
                RecordType::Pg29 if v.net_quantity.is_none() => {
                    if let Some(p) = r.view::<Pg29>() {
                        if let Some(q) = p.quantity_line_net() {
                            let unit = p.unit_of_measure_line_net();
                            v.net_quantity = Some((q, unit));
                            if unit == Some("KG") {
                                v.net_quantity_kg = Some(q);
                            }
                        }
                    }
                }
                RecordType::Pg25 => {
                    if let Some(p) = r.view::<Pg25>() {
                        if let Some(lot_number) = p.lot_number() {
                            v.lots.push(Lot {
                                line: l,
                                qualifier: p.lot_number_qualifier(),
                                lot_number,
                            });
                        }
                    }
                }
                RecordType::Pg10 => {
                    if let Some(p) = r.view::<Pg10>() {
                        v.products.extend(p.characteristic_description());
                    }
                }
                RecordType::Pg22 => {
                    if let Some(p) = r.view::<Pg22>() {
                        v.declarations.push(Declaration {
                            line: l,
                            record: p.to_struct(),
                        });
                    }
                }
                RecordType::Pg24 => {
                    if let Some(p) = r.view::<Pg24>() {
                        v.remarks.push(Remark {
                            line: l,
                            type_code: p.remarks_type_code(),
                            code: p.remarks_code(),
                            text: p.remarks_text(),
                        });
                    }
                }
                RecordType::Pg27 => {
                    if let Some(p) = r.view::<Pg27>() {
                        let slots = [
                            (
                                p.container_number_1(),
                                p.container_type_1(),
                                p.container_length_1(),
                            ),
                            (
                                p.container_number_2(),
                                p.container_type_2(),
                                p.container_length_2(),
                            ),
                            (
                                p.container_number_3(),
                                p.container_type_3(),
                                p.container_length_3(),
                            ),
                        ];
                        for (n, t, len) in slots {
                            if let Some(number) = n {
                                v.containers.push(Container {
                                    line: l,
                                    number,
                                    container_type: t,
                                    length: len,
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        });
        (v.certificates, v.certificates_without_am1) = select_certificates(all_pg14);
        Some(v)
    }

    /// Only the message type and the certificate references of an AMS OR line (what a
    /// summary needs), without building the whole view; `None` when not AMS OR.
    pub fn certificates_of(
        line: &PgaLine<Record<'a>>,
    ) -> Option<(MessageType<'a>, Vec<Certificate<'a>>)> {
        // Typed lazy views: only the fields a summary needs are read.
        let (_, pg01) = organic_pg01(line)?;
        let mut all = Vec::new();
        line.for_each_child_record(|r| {
            if let Some(p) = r.view::<Pg14>() {
                all.push(Certificate::from_view(r.line(), &p));
            }
        });
        Some((
            MessageType::from_processing_code(pg01.processing_code()),
            select_certificates(all).0,
        ))
    }

    /// The message type of an AMS OR line, visiting the certificate numbers that
    /// [`Self::certificates_of`] would return (same AM1 selection, same order) without
    /// building them; `None` (and no visit) when the line is not AMS OR. What a summary over
    /// an archive needs (`ace-pga stats`).
    pub fn for_each_certificate_number(
        line: &PgaLine<Record<'a>>,
        f: impl FnMut(CertificateNumber<'a>),
    ) -> Option<MessageType<'a>> {
        each_certificate_number(line, f)
    }

    /// Best-effort positional grouping of an OR1 line (SPEC 5.5): the n-th PG10 with the
    /// n-th lot and the n-th `ORC` / `ORP` entity. A convention, not an AMS rule: members
    /// beyond the shorter lists are `None`.
    pub fn positional_products(&self) -> Vec<PositionalProduct<'_, 'a>> {
        let by_role = |role: &str| -> Vec<&Entity<'a>> {
            self.entities
                .iter()
                .filter(|e| e.role == Some(role))
                .collect()
        };
        let (orc, orp) = (by_role("ORC"), by_role("ORP"));
        self.products
            .iter()
            .enumerate()
            .map(|(i, d)| PositionalProduct {
                description: d,
                lot: self.lots.get(i),
                certifier: orc.get(i).copied(),
                final_handler: orp.get(i).copied(),
            })
            .collect()
    }

    /// Whether positional grouping counts agree (PG10 count = lots = ORC = ORP).
    pub fn positional_counts_agree(&self) -> bool {
        let n = self.products.len();
        let count = |role: &str| {
            self.entities
                .iter()
                .filter(|e| e.role == Some(role))
                .count()
        };
        self.lots.len() == n && count("ORC") == n && count("ORP") == n
    }
}

impl<'a> crate::FlatTree<'a> {
    /// The organic view of every AMS OR PGA line, in input order
    /// ([`OrganicLine::from_flat_line`] of each of [`Self::pga_lines`] that is one).
    ///
    /// ```
    /// use ace_pga::FlatTree;
    /// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let tree = FlatTree::parse(&input)?;
    /// let numbers: Vec<_> = tree
    ///     .organic_lines()
    ///     .flat_map(|line| line.certificates)
    ///     .map(|c| c.number.as_str())
    ///     .collect();
    /// assert!(!numbers.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn organic_lines(&self) -> impl Iterator<Item = OrganicLine<'a>> + '_ {
        self.pga_lines()
            .filter_map(|line| OrganicLine::from_flat_line(&line))
    }
}

impl<'a> crate::Transmission<'a> {
    /// The organic view of every AMS OR PGA line, in input order (the flat tree's
    /// [`crate::FlatTree::organic_lines`]: the same views as [`OrganicLine::from_line`] of
    /// each of the nested tree's [`crate::Tree::pga_lines`] that is one).
    ///
    /// ```
    /// use ace_pga::Transmission;
    /// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let t = Transmission::parse(&input)?;
    /// assert!(t.organic_lines().all(|line| line.message_type.as_str() == "OR2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn organic_lines(&self) -> impl Iterator<Item = OrganicLine<'a>> + '_ {
        self.flat().organic_lines()
    }
}
