//! The `organic` section's values ([`OrganicLine`], the typed AMS OR view of SPEC 5.3)
//! written directly: the bytes serde_json writes for their [`serde::Serialize`] form
//! (derived: fields in declaration order; [`CertificateNumber`] as its `kind` / `value` /
//! `segments` or `known` map; [`crate::profile::ams_or::MessageType`] as its string), keys
//! copied as they are, strings that need no escaping copied between quotes. Dates,
//! decimals and the PG20 / PG22 record structs (a few per line) go through serde at the
//! writer's depth ([`Out::serde`]).

use serde::Serialize;

use super::Out;
use crate::profile::ams_or::{
    Certificate, CertificateNumber, Contact, Container, Declaration, Entity, Lot, OrganicLine,
    Remark,
};

/// An object key as written: `"name":` (a field name of the views: nothing to escape).
macro_rules! k {
    ($name:literal) => {
        concat!("\"", $name, "\":")
    };
}

/// An object being written (keys as [`k!`] gives them).
struct Obj<'o, 'w> {
    w: &'o mut Out<'w>,
    first: bool,
}

impl<'o, 'w> Obj<'o, 'w> {
    fn open(w: &'o mut Out<'w>) -> Self {
        w.begin(b"{");
        Obj { w, first: true }
    }

    fn close(self) {
        self.w.end(b"}");
    }

    fn number(&mut self, key: &str, v: u64) {
        self.w.quoted_key(&mut self.first, key);
        self.w.number_u64(v);
        self.w.done();
    }

    fn opt_number(&mut self, key: &str, v: Option<u64>) {
        self.w.quoted_key(&mut self.first, key);
        match v {
            Some(n) => self.w.number_u64(n),
            None => self.w.push(b"null"),
        }
        self.w.done();
    }

    fn bool(&mut self, key: &str, v: bool) {
        self.w.quoted_key(&mut self.first, key);
        self.w.push(if v { b"true" } else { b"false" });
        self.w.done();
    }

    fn string(&mut self, key: &str, v: &str) {
        self.w.quoted_key(&mut self.first, key);
        self.w.string(v);
        self.w.done();
    }

    fn opt_string(&mut self, key: &str, v: Option<&str>) {
        self.w.quoted_key(&mut self.first, key);
        match v {
            Some(s) => self.w.string(s),
            None => self.w.push(b"null"),
        }
        self.w.done();
    }

    /// A date as chrono's `Serialize` writes it (`YYYY-MM-DD` for years 0–9999, else
    /// through serde).
    fn date(&mut self, key: &str, v: Option<chrono::NaiveDate>) {
        self.w.quoted_key(&mut self.first, key);
        match v {
            Some(d) if (0..=9999).contains(&chrono::Datelike::year(&d)) => {
                use chrono::Datelike;
                let mut b = *b"\"0000-00-00\"";
                let digits = |b: &mut [u8], at: usize, n: u32, width: usize| {
                    let mut n = n;
                    for i in (at..at + width).rev() {
                        if let Some(slot) = b.get_mut(i) {
                            *slot = b'0' + (n % 10) as u8;
                        }
                        n /= 10;
                    }
                };
                digits(&mut b, 1, d.year().unsigned_abs(), 4);
                digits(&mut b, 6, d.month(), 2);
                digits(&mut b, 9, d.day(), 2);
                self.w.push(&b);
            }
            Some(d) => self.w.serde(&d),
            None => self.w.push(b"null"),
        }
        self.w.done();
    }

    /// A decimal as `rust_decimal`'s `Serialize` (`serde-with-str`) writes it: its digits
    /// as a string (a negative one through serde).
    fn decimal(&mut self, key: &str, v: Option<rust_decimal::Decimal>) {
        self.w.quoted_key(&mut self.first, key);
        decimal(self.w, v);
        self.w.done();
    }

    /// A value through serde (record structs).
    fn serde<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) {
        self.w.quoted_key(&mut self.first, key);
        self.w.serde(v);
        self.w.done();
    }

    /// An array of `items`, each written by `each`.
    fn list<T>(&mut self, key: &str, items: &[T], mut each: impl FnMut(&mut Out<'w>, &T)) {
        self.w.quoted_key(&mut self.first, key);
        self.w.begin(b"[");
        let mut first = true;
        for item in items {
            self.w.sep(&mut first);
            each(self.w, item);
            self.w.done();
        }
        self.w.end(b"]");
        self.w.done();
    }
}

/// An organic line as serde_json writes its derived `Serialize`.
///
/// Every struct below is taken apart field by field (no `..`): a field added to a view does
/// not compile until it is written here too.
pub(super) fn line(w: &mut Out<'_>, l: &OrganicLine<'_>) {
    let OrganicLine {
        line,
        pga_line_number,
        message_type,
        disclaimer,
        electronic_image_submitted,
        intended_use_code,
        certificates,
        certificates_without_am1,
        net_quantity_kg,
        net_quantity,
        lots,
        entities,
        products,
        declarations,
        remarks,
        containers,
    } = l;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.opt_number(k!("pga_line_number"), *pga_line_number);
    o.string(k!("message_type"), &message_type.as_str());
    o.opt_string(k!("disclaimer"), *disclaimer);
    o.opt_string(
        k!("electronic_image_submitted"),
        *electronic_image_submitted,
    );
    o.opt_string(k!("intended_use_code"), *intended_use_code);
    o.list(k!("certificates"), certificates, certificate);
    o.bool(k!("certificates_without_am1"), *certificates_without_am1);
    o.decimal(k!("net_quantity_kg"), *net_quantity_kg);
    // A tuple: an array of the quantity and the unit.
    o.w.quoted_key(&mut o.first, k!("net_quantity"));
    match net_quantity {
        Some((q, unit)) => {
            o.w.begin(b"[");
            let mut first = true;
            o.w.sep(&mut first);
            decimal(o.w, Some(*q));
            o.w.done();
            o.w.sep(&mut first);
            match unit {
                Some(u) => o.w.string(u),
                None => o.w.push(b"null"),
            }
            o.w.done();
            o.w.end(b"]");
        }
        None => o.w.push(b"null"),
    }
    o.w.done();
    o.list(k!("lots"), lots, lot);
    o.list(k!("entities"), entities, entity);
    o.list(k!("products"), products, |w, p| w.string(p));
    o.list(k!("declarations"), declarations, declaration);
    o.list(k!("remarks"), remarks, remark);
    o.list(k!("containers"), containers, container);
    o.close();
}

fn certificate(w: &mut Out<'_>, c: &Certificate<'_>) {
    let Certificate {
        line,
        number,
        lpco_type,
        lpco_transaction_type,
        date_qualifier,
        date,
        quantity,
        unit_of_measure,
    } = c;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.w.quoted_key(&mut o.first, k!("number"));
    certificate_number(o.w, number);
    o.w.done();
    o.opt_string(k!("lpco_type"), *lpco_type);
    o.opt_number(k!("lpco_transaction_type"), *lpco_transaction_type);
    o.opt_number(k!("date_qualifier"), *date_qualifier);
    o.date(k!("date"), *date);
    o.decimal(k!("quantity"), *quantity);
    o.opt_string(k!("unit_of_measure"), *unit_of_measure);
    o.close();
}

/// [`CertificateNumber`]'s own `Serialize`: `kind`, `value`, then `segments` or `known`.
fn certificate_number(w: &mut Out<'_>, n: &CertificateNumber<'_>) {
    let mut o = Obj::open(w);
    o.string(k!("kind"), n.kind());
    o.string(k!("value"), n.as_str());
    match n {
        CertificateNumber::NopImportCertificate { segments, .. } => {
            o.list(k!("segments"), segments, |w, s| w.string(s));
        }
        CertificateNumber::SpecialCode { known, .. } => o.bool(k!("known"), *known),
        CertificateNumber::Other(_) => {}
    }
    o.close();
}

fn lot(w: &mut Out<'_>, l: &Lot<'_>) {
    let Lot {
        line,
        qualifier,
        lot_number,
    } = l;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.opt_string(k!("qualifier"), *qualifier);
    o.string(k!("lot_number"), lot_number);
    o.close();
}

fn entity(w: &mut Out<'_>, e: &Entity<'_>) {
    let Entity {
        line,
        role,
        nop_id,
        id_kind,
        name,
        address_line_1,
        address,
        contacts,
    } = e;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.opt_string(k!("role"), *role);
    o.opt_string(k!("nop_id"), *nop_id);
    o.opt_string(k!("id_kind"), *id_kind);
    o.opt_string(k!("name"), *name);
    o.opt_string(k!("address_line_1"), *address_line_1);
    o.serde(k!("address"), address);
    o.list(k!("contacts"), contacts, contact);
    o.close();
}

fn contact(w: &mut Out<'_>, c: &Contact<'_>) {
    let Contact {
        line,
        role,
        name,
        telephone,
        email_or_fax,
    } = c;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.opt_string(k!("role"), *role);
    o.opt_string(k!("name"), *name);
    o.opt_string(k!("telephone"), *telephone);
    o.opt_string(k!("email_or_fax"), *email_or_fax);
    o.close();
}

fn declaration(w: &mut Out<'_>, d: &Declaration<'_>) {
    let Declaration { line, record } = d;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.serde(k!("record"), record);
    o.close();
}

fn remark(w: &mut Out<'_>, r: &Remark<'_>) {
    let Remark {
        line,
        type_code,
        code,
        text,
    } = r;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.opt_string(k!("type_code"), *type_code);
    o.opt_string(k!("code"), *code);
    o.opt_string(k!("text"), *text);
    o.close();
}

fn container(w: &mut Out<'_>, c: &Container<'_>) {
    let Container {
        line,
        number,
        container_type,
        length,
    } = c;
    let mut o = Obj::open(w);
    o.number(k!("line"), u64::from(*line));
    o.string(k!("number"), number);
    o.opt_number(k!("container_type"), *container_type);
    o.opt_number(k!("length"), *length);
    o.close();
}

/// A decimal value (see [`Obj::decimal`]): the digits of its `Display`, which are the
/// digits of its `Serialize` for a non-negative value.
fn decimal(w: &mut Out<'_>, v: Option<rust_decimal::Decimal>) {
    match v {
        Some(d) if d.is_sign_positive() => {
            use std::io::Write;
            w.push(b"\"");
            // Writing to a vector does not fail.
            let _ = write!(w.buf, "{d}");
            w.push(b"\"");
        }
        Some(d) => w.serde(&d),
        None => w.push(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{write_organic_line, JsonStyle};
    use crate::profile::ams_or::{
        Certificate, CertificateNumber, Contact, Container, Declaration, Entity, Lot, MessageType,
        OrganicLine, Remark,
    };
    use crate::records::{Pg20, Pg22};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    /// Lines with every part filled, odd values included (strings JSON escapes, a negative
    /// and a zero decimal, dates outside 0–9999 and at year 0, every certificate kind, empty
    /// and absent parts).
    fn lines() -> Vec<OrganicLine<'static>> {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let cert = |number, date, quantity| Certificate {
            line: 11,
            number,
            lpco_type: Some("AM1"),
            lpco_transaction_type: Some(2),
            date_qualifier: None,
            date,
            quantity,
            unit_of_measure: Some("K\"G\\"),
        };
        let full = OrganicLine {
            line: 4_294_967_295,
            pga_line_number: Some(u64::MAX),
            message_type: MessageType::Other("9\u{1}"),
            disclaimer: Some("A"),
            electronic_image_submitted: None,
            intended_use_code: Some("tab\there"),
            certificates: vec![
                cert(
                    CertificateNumber::classify("417-2093856104-557321"),
                    date(2024, 3, 19),
                    Some(Decimal::new(182_400, 4)),
                ),
                cert(
                    CertificateNumber::classify("999-999-T"),
                    date(0, 1, 1),
                    Some(Decimal::new(-15, 1)),
                ),
                cert(
                    CertificateNumber::classify("é draft\n"),
                    date(10_000, 12, 31),
                    Some(Decimal::ZERO),
                ),
                cert(CertificateNumber::classify(""), date(-1, 2, 3), None),
            ],
            certificates_without_am1: true,
            net_quantity_kg: Some(Decimal::new(182_400, 2)),
            net_quantity: Some((Decimal::new(7, 0), None)),
            lots: vec![Lot {
                line: 12,
                qualifier: None,
                lot_number: "L\u{7f}1",
            }],
            entities: vec![Entity {
                line: 13,
                role: Some("ORC"),
                nop_id: Some("1234567890"),
                id_kind: None,
                name: Some("Ferme \"Bio\""),
                address_line_1: None,
                address: Some(Pg20 {
                    address_line_2: Some("x"),
                    ..Default::default()
                }),
                contacts: vec![
                    Contact {
                        line: 14,
                        role: None,
                        name: Some("n"),
                        telephone: None,
                        email_or_fax: Some("a@b"),
                    },
                    Contact {
                        line: 15,
                        role: Some("r"),
                        name: None,
                        telephone: Some("1"),
                        email_or_fax: None,
                    },
                ],
            }],
            products: vec!["apples", ""],
            declarations: vec![Declaration {
                line: 16,
                record: Pg22::default(),
            }],
            remarks: vec![Remark {
                line: 17,
                type_code: Some("AM1"),
                code: None,
                text: Some("\\"),
            }],
            containers: vec![Container {
                line: 18,
                number: "MSCU1234567",
                container_type: None,
                length: Some(40),
            }],
        };
        let empty = OrganicLine {
            line: 1,
            pga_line_number: None,
            message_type: MessageType::Bare,
            disclaimer: None,
            electronic_image_submitted: None,
            intended_use_code: None,
            certificates: vec![],
            certificates_without_am1: false,
            net_quantity_kg: None,
            net_quantity: Some((Decimal::new(-1, 3), Some("LB"))),
            lots: vec![],
            entities: vec![],
            products: vec![],
            declarations: vec![],
            remarks: vec![],
            containers: vec![],
        };
        vec![full, empty]
    }

    /// The direct writer writes what serde_json writes for the derived `Serialize`: compact,
    /// and pretty at the depth of a document's `organic` values and at depth 0.
    #[test]
    fn organic_lines_are_written_as_serde_json_writes_them() {
        for line in lines() {
            let mut got = Vec::new();
            write_organic_line(&mut got, JsonStyle::Compact, &line).expect("written");
            let want = serde_json::to_vec(&line).expect("serializes");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            );

            let mut got = Vec::new();
            write_organic_line(&mut got, JsonStyle::Pretty { depth: 0 }, &line).expect("written");
            let want = serde_json::to_vec_pretty(&line).expect("serializes");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            );

            // Two levels down (`{"organic": [ … ]}`): the value as the document holds it.
            #[derive(serde::Serialize)]
            struct Doc<'l, 'a> {
                organic: [&'l OrganicLine<'a>; 1],
            }
            let text = serde_json::to_string_pretty(&Doc { organic: [&line] }).expect("serializes");
            let mut got = Vec::new();
            write_organic_line(&mut got, JsonStyle::Pretty { depth: 2 }, &line).expect("written");
            assert!(
                text.contains(&*String::from_utf8_lossy(&got)),
                "{}\nnot in\n{text}",
                String::from_utf8_lossy(&got)
            );
        }
    }
}
