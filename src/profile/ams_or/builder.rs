//! The builder of an AMS OR PGA line's PG records (SPEC 5).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::BuildError;
use crate::records::{Pg01, Pg02, Pg10, Pg14, Pg19, Pg20, Pg21, Pg22, Pg24, Pg25, Pg27, Pg29};

/// A certificate for the builder (one PG14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateSpec<'a> {
    /// `lpco_number`: the NOP-IC number, special code, or (OR1) certificate number.
    pub number: &'a str,
    /// `lpco_transaction_type` (default `1`).
    pub transaction_type: u64,
    /// `lpco_type` (default `AM1`).
    pub lpco_type: &'a str,
    /// Issue date, written with date qualifier `3` (OR1).
    pub issue_date: Option<NaiveDate>,
}

impl<'a> CertificateSpec<'a> {
    /// A certificate with transaction type `1` and LPCO type `AM1`.
    pub fn new(number: &'a str) -> Self {
        CertificateSpec {
            number,
            transaction_type: 1,
            lpco_type: "AM1",
            issue_date: None,
        }
    }
}

/// An entity loop for the builder (OR1): PG19, PG20, PG21.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntitySpec<'a> {
    /// PG19 fields (role, NOP ID, identification code, name, address line 1).
    pub pg19: Pg19<'a>,
    /// PG20, if any.
    pub address: Option<Pg20<'a>>,
    /// PG21, if any.
    pub contact: Option<Pg21<'a>>,
}

/// Builds the PG records of an AMS OR line (PG01 … PG29) from typed values, in the order of
/// SPEC 5.2: PG01, PG02 `P`, PG10×n, PG14×n, entity loops, PG22, PG24×n, PG25×n, PG27×n,
/// PG29. Every record goes through its typed struct's writer, so values that do not fit are
/// refused (never truncated or rounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganicLineBuilder<'a> {
    pga_line_number: u64,
    processing_code: &'a str,
    intended_use_code: Option<&'a str>,
    electronic_image_submitted: bool,
    products: Vec<&'a str>,
    certificates: Vec<CertificateSpec<'a>>,
    entities: Vec<EntitySpec<'a>>,
    declarations: Vec<Pg22<'a>>,
    remarks: Vec<Pg24<'a>>,
    lots: Vec<(&'a str, &'a str)>,
    containers: Vec<Pg27<'a>>,
    net_quantity_kg: Option<Decimal>,
}

impl<'a> OrganicLineBuilder<'a> {
    fn new(pga_line_number: u64, processing_code: &'a str) -> Self {
        OrganicLineBuilder {
            pga_line_number,
            processing_code,
            intended_use_code: None,
            electronic_image_submitted: false,
            products: Vec::new(),
            certificates: Vec::new(),
            entities: Vec::new(),
            declarations: Vec::new(),
            remarks: Vec::new(),
            lots: Vec::new(),
            containers: Vec::new(),
            net_quantity_kg: None,
        }
    }

    /// An OR2 line (electronic NOP Import Certificate) with the given PGA line number.
    pub fn or2(pga_line_number: u64) -> Self {
        Self::new(pga_line_number, "2")
    }

    /// An OR1 line (non-electronic certificate) with the given PGA line number.
    pub fn or1(pga_line_number: u64) -> Self {
        Self::new(pga_line_number, "1")
    }

    /// Adds a certificate (PG14).
    pub fn certificate(mut self, c: CertificateSpec<'a>) -> Self {
        self.certificates.push(c);
        self
    }

    /// Sets the net quantity in kilograms (PG29 `KG`, 2 implied decimals).
    pub fn net_quantity_kg(mut self, kg: Decimal) -> Self {
        self.net_quantity_kg = Some(kg);
        self
    }

    /// Adds a lot (PG25): qualifier (`1`–`4`) and lot number.
    pub fn lot(mut self, qualifier: &'a str, lot_number: &'a str) -> Self {
        self.lots.push((qualifier, lot_number));
        self
    }

    /// Sets the PG01 intended use code (OR1), e.g. `100.000`.
    pub fn intended_use_code(mut self, code: &'a str) -> Self {
        self.intended_use_code = Some(code);
        self
    }

    /// Sets PG01 `electronic_image_submitted` to `Y`.
    pub fn electronic_image_submitted(mut self) -> Self {
        self.electronic_image_submitted = true;
        self
    }

    /// Adds a product description (PG10, OR1).
    pub fn product(mut self, description: &'a str) -> Self {
        self.products.push(description);
        self
    }

    /// Adds an entity loop (OR1).
    pub fn entity(mut self, e: EntitySpec<'a>) -> Self {
        self.entities.push(e);
        self
    }

    /// Adds a declaration (PG22, OR1).
    pub fn declaration(mut self, d: Pg22<'a>) -> Self {
        self.declarations.push(d);
        self
    }

    /// Adds a remark (PG24, OR1).
    pub fn remark(mut self, r: Pg24<'a>) -> Self {
        self.remarks.push(r);
        self
    }

    /// Adds a PG27 container record (OR1).
    pub fn containers(mut self, c: Pg27<'a>) -> Self {
        self.containers.push(c);
        self
    }

    /// The line's records, 80 bytes each, in order.
    ///
    /// # Errors
    /// [`BuildError::Encode`] naming the record (its 1-based position among the line's
    /// records) and the field whose value does not fit.
    pub fn build(&self) -> Result<Vec<[u8; 80]>, BuildError> {
        let push = BuildError::push_encoded;
        let mut out = Vec::new();
        push(
            &mut out,
            Pg01 {
                pga_line_number: Some(self.pga_line_number),
                agency_code: Some("AMS"),
                program_code: Some("OR"),
                processing_code: Some(self.processing_code),
                electronic_image_submitted: self.electronic_image_submitted.then_some("Y"),
                intended_use_code: self.intended_use_code,
                ..Default::default()
            }
            .to_bytes(),
        )?;
        push(
            &mut out,
            Pg02 {
                item_type: Some("P"),
                ..Default::default()
            }
            .to_bytes(),
        )?;
        for d in &self.products {
            push(
                &mut out,
                Pg10 {
                    characteristic_description: Some(d),
                    ..Default::default()
                }
                .to_bytes(),
            )?;
        }
        for c in &self.certificates {
            push(
                &mut out,
                Pg14 {
                    lpco_transaction_type: Some(c.transaction_type),
                    lpco_type: Some(c.lpco_type),
                    lpco_number: Some(c.number),
                    lpco_date_qualifier: c.issue_date.map(|_| 3),
                    lpco_date: c.issue_date,
                    ..Default::default()
                }
                .to_bytes(),
            )?;
        }
        for e in &self.entities {
            push(&mut out, e.pg19.to_bytes())?;
            if let Some(a) = &e.address {
                push(&mut out, a.to_bytes())?;
            }
            if let Some(c) = &e.contact {
                push(&mut out, c.to_bytes())?;
            }
        }
        for d in &self.declarations {
            push(&mut out, d.to_bytes())?;
        }
        for r in &self.remarks {
            push(&mut out, r.to_bytes())?;
        }
        for (q, n) in &self.lots {
            push(
                &mut out,
                Pg25 {
                    lot_number_qualifier: Some(q),
                    lot_number: Some(n),
                    ..Default::default()
                }
                .to_bytes(),
            )?;
        }
        for c in &self.containers {
            push(&mut out, c.to_bytes())?;
        }
        if let Some(kg) = self.net_quantity_kg {
            push(
                &mut out,
                Pg29 {
                    unit_of_measure_line_net: Some("KG"),
                    quantity_line_net: Some(kg),
                    ..Default::default()
                }
                .to_bytes(),
            )?;
        }
        Ok(out)
    }
}
