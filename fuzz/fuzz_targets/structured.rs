//! Fuzz target `structured`: typed organic lines and whole transmissions from `arbitrary`
//! values → `OrganicLineBuilder` / `TransmissionBuilder` → bytes → parse → the same records.
//!
//! When a builder accepts the values, every built record reads back through its typed struct
//! and writes the same 80 bytes; the bytes (with each terminator convention) parse strictly
//! to exactly the built records and serialize back; an organic line's typed view gives back
//! the message type, line number, lots, products, certificates and net quantity that went
//! in. Text values come from an alphabet of CBP characters plus a few bytes the writers must
//! refuse (lower case, `~`), so that both paths run.
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

use ace_pga::compose::{
    AnchorBuilder, Envelope, OiGroupBuilder, PgaLineBuilder, TransactionBuilder,
};
use ace_pga::profile::ams_or::{CertificateSpec, EntitySpec, OrganicLine, OrganicLineBuilder};
use ace_pga::records::{Oi, Pg19, Pg20, Pg21, Pg22, Pg24, Pg27};
use ace_pga::validate::ValidateOptions;
use ace_pga::{Decimal, NaiveDate, ParseOptions, Terminator, Transmission, TransmissionBuilder};
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -./&,'#()ABCDE0123456789 a~";

/// Text of 0–30 characters from [`ALPHABET`].
#[derive(Debug, Clone)]
struct Txt(String);

impl<'a> Arbitrary<'a> for Txt {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.int_in_range(0..=30)?;
        let mut s = String::with_capacity(len);
        for _ in 0..len {
            let b: u8 = u.arbitrary()?;
            s.push(char::from(ALPHABET[usize::from(b % 64)]));
        }
        Ok(Txt(s))
    }
}

impl Txt {
    fn s(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Arbitrary)]
enum Term {
    Lf,
    Crlf,
    Cr,
    None,
}

impl Term {
    fn get(&self) -> Terminator {
        match self {
            Term::Lf => Terminator::Lf,
            Term::Crlf => Terminator::CrLf,
            Term::Cr => Terminator::Cr,
            Term::None => Terminator::None,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct DateIn(u16, u8, u8);

impl DateIn {
    fn get(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            1990 + i32::from(self.0 % 80),
            u32::from(self.1 % 13),
            u32::from(self.2 % 32),
        )
    }
}

#[derive(Debug, Arbitrary)]
struct CertIn {
    number: Txt,
    transaction_type: u8,
    /// `AM1` when true, else `other_type`.
    am1: bool,
    other_type: Txt,
    issue_date: Option<DateIn>,
}

#[derive(Debug, Arbitrary)]
struct EntityIn {
    role: Txt,
    id_code: Option<Txt>,
    number: Option<Txt>,
    name: Option<Txt>,
    address_line_1: Option<Txt>,
    city: Option<Txt>,
    country: Option<Txt>,
    contact: Option<(Txt, Txt)>,
}

#[derive(Debug, Arbitrary)]
struct LineIn {
    or1: bool,
    pga_line_number: u16,
    certificates: Vec<CertIn>,
    /// Mantissa and scale (0–3) of the net quantity in kg.
    net_quantity_kg: Option<(i64, u8)>,
    lots: Vec<(Txt, Txt)>,
    intended_use: Option<Txt>,
    electronic_image: bool,
    products: Vec<Txt>,
    entities: Vec<EntityIn>,
    declaration: Option<(Txt, Option<DateIn>)>,
    remarks: Vec<(Option<Txt>, Option<Txt>, Option<Txt>)>,
    containers: Vec<(Txt, Option<u8>, Option<u8>)>,
}

#[derive(Debug, Arbitrary)]
enum LineKind {
    Organic(LineIn),
    Disclaimed(u16, Txt, Txt, Txt),
}

#[derive(Debug, Arbitrary)]
enum HostId {
    Se10,
    Se20,
    Se40,
    Ten,
    Eleven,
    Forty,
    Other(Txt),
}

#[derive(Debug, Arbitrary)]
struct AnchorIn {
    /// `SE60` (or `50` when false); `bad` replaces the id to exercise `NotAnAnchor`.
    se60: bool,
    bad: Option<Txt>,
    text: Txt,
    subs: Vec<Txt>,
    oi: Option<(Txt, Vec<LineKind>)>,
}

#[derive(Debug, Arbitrary)]
struct TransactionIn {
    hosts: Vec<(HostId, Txt)>,
    anchors: Vec<AnchorIn>,
}

#[derive(Debug, Arbitrary)]
struct TransmissionIn {
    site: Txt,
    sender: Txt,
    date: DateIn,
    entry_summary: bool,
    record_count: bool,
    office: Option<Txt>,
    user_data: Option<Txt>,
    transactions: Vec<TransactionIn>,
}

#[derive(Debug, Arbitrary)]
enum Input {
    Line(LineIn, Term),
    Transmission(TransmissionIn, Term),
}

/// Owned strings the builders borrow from.
struct Strings {
    host: Vec<String>,
}

fn organic(l: &LineIn) -> OrganicLineBuilder<'_> {
    let n = u64::from(l.pga_line_number % 1000);
    let mut b = if l.or1 {
        OrganicLineBuilder::or1(n)
    } else {
        OrganicLineBuilder::or2(n)
    };
    for c in &l.certificates {
        let mut spec = CertificateSpec::new(c.number.s());
        spec.transaction_type = u64::from(c.transaction_type % 12);
        if !c.am1 {
            spec.lpco_type = c.other_type.s();
        }
        spec.issue_date = c.issue_date.as_ref().and_then(DateIn::get);
        b = b.certificate(spec);
    }
    if let Some((m, s)) = l.net_quantity_kg {
        if let Ok(d) = Decimal::try_new(m, u32::from(s % 4)) {
            b = b.net_quantity_kg(d);
        }
    }
    for (q, n) in &l.lots {
        b = b.lot(q.s(), n.s());
    }
    if let Some(u) = &l.intended_use {
        b = b.intended_use_code(u.s());
    }
    if l.electronic_image {
        b = b.electronic_image_submitted();
    }
    for p in &l.products {
        b = b.product(p.s());
    }
    for e in &l.entities {
        fn t(o: &Option<Txt>) -> Option<&str> {
            o.as_ref().map(Txt::s)
        }
        b = b.entity(EntitySpec {
            pg19: Pg19 {
                entity_role_code: Some(e.role.s()),
                entity_identification_code: t(&e.id_code),
                entity_number: t(&e.number),
                entity_name: t(&e.name),
                address_line_1: t(&e.address_line_1),
                ..Default::default()
            },
            address: (e.city.is_some() || e.country.is_some()).then(|| Pg20 {
                city: t(&e.city),
                country_code: t(&e.country),
                ..Default::default()
            }),
            contact: e.contact.as_ref().map(|(name, phone)| Pg21 {
                individual_name: Some(name.s()),
                telephone_number: Some(phone.s()),
                ..Default::default()
            }),
        });
    }
    if let Some((code, date)) = &l.declaration {
        b = b.declaration(Pg22 {
            declaration_code: Some(code.s()),
            declaration_certification: Some("Y"),
            signature_date: date.as_ref().and_then(DateIn::get),
            ..Default::default()
        });
    }
    for (t, c, x) in &l.remarks {
        b = b.remark(Pg24 {
            remarks_type_code: t.as_ref().map(Txt::s),
            remarks_code: c.as_ref().map(Txt::s),
            remarks_text: x.as_ref().map(Txt::s),
            ..Default::default()
        });
    }
    for (n, ty, len) in &l.containers {
        b = b.containers(Pg27 {
            container_number_1: Some(n.s()),
            container_type_1: ty.map(|v| u64::from(v % 12)),
            container_length_1: len.map(|v| u64::from(v % 120)),
            ..Default::default()
        });
    }
    b
}

fn write(records: &[[u8; 80]], term: Terminator) -> Vec<u8> {
    let mut out = Vec::new();
    ace_pga::wire::write_records(records, term, true, &mut out).expect("write to a Vec");
    out
}

/// Non-empty trimmed text, as the typed view reads it back (trailing spaces dropped).
fn shown(s: &str) -> Option<&str> {
    let t = s.trim_end_matches(' ');
    (!t.is_empty()).then_some(t)
}

fn check_line(l: &LineIn, term: Terminator) {
    let Ok(recs) = organic(l).build() else {
        return;
    };
    let oi = Oi {
        commercial_description: Some("ORGANIC PRODUCE"),
        ..Default::default()
    }
    .to_bytes()
    .expect("OI builds");
    let mut all = vec![oi];
    all.extend_from_slice(&recs);
    let bytes = write(&all, term);
    checks::built(&all, &bytes, true);

    let t = Transmission::parse_with(&bytes, &ParseOptions::strict()).expect("parses");
    let lines: Vec<_> = t.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1, "one PGA line expected");
    let view = OrganicLine::from_line(lines[0]).expect("an AMS OR line");
    assert_eq!(
        view.message_type.as_str(),
        if l.or1 { "OR1" } else { "OR2" }
    );
    assert_eq!(
        view.pga_line_number,
        Some(u64::from(l.pga_line_number % 1000))
    );
    let lots: Vec<&str> = view.lots.iter().map(|x| x.lot_number).collect();
    let want: Vec<&str> = l.lots.iter().filter_map(|(_, n)| shown(n.s())).collect();
    assert_eq!(lots, want, "lots");
    let want: Vec<&str> = l.products.iter().filter_map(|p| shown(p.s())).collect();
    assert_eq!(view.products, want, "products");
    if l.certificates.iter().all(|c| c.am1) {
        let got: Vec<&str> = view
            .certificates
            .iter()
            .map(|c| c.number.as_str())
            .collect();
        let want: Vec<&str> = l
            .certificates
            .iter()
            .map(|c| c.number.s().trim_end_matches(' '))
            .collect();
        assert_eq!(got, want, "certificate numbers");
    }
    let kg = l
        .net_quantity_kg
        .and_then(|(m, s)| Decimal::try_new(m, u32::from(s % 4)).ok());
    assert_eq!(view.net_quantity_kg, kg, "net quantity");
}

fn check_transmission(x: &TransmissionIn, term: Terminator) {
    let mut strings = Strings { host: Vec::new() };
    // Host records and anchors: the identifier then the text.
    for t in &x.transactions {
        for (id, text) in &t.hosts {
            let id = match id {
                HostId::Se10 => "SE10",
                HostId::Se20 => "SE20",
                HostId::Se40 => "SE40",
                HostId::Ten => "10",
                HostId::Eleven => "11",
                HostId::Forty => "40",
                // `SE1x` is never a layout id: host records stay host records.
                HostId::Other(s) => {
                    strings.host.push(format!("SE1{}{}", s.s(), text.s()));
                    continue;
                }
            };
            strings.host.push(format!("{id}{}", text.s()));
        }
        for a in &t.anchors {
            let id = match &a.bad {
                Some(b) => b.s(),
                None if a.se60 => "SE60",
                None => "50",
            };
            strings.host.push(format!("{id}{}", a.text.s()));
            for s in &a.subs {
                strings.host.push(format!("SE61{}", s.s()));
            }
        }
    }
    let Some(date) = x.date.get() else {
        return;
    };
    let mut env = Envelope::new(x.site.s(), x.sender.s(), date);
    if let Some(o) = &x.office {
        env = env.office(o.s());
    }
    if let Some(u) = &x.user_data {
        env = env.batch_user_data(u.s()).block_user_data(u.s());
    }
    if x.record_count {
        env = env.with_record_count();
    }
    let mut b = if x.entry_summary {
        TransmissionBuilder::entry_summary(env)
    } else {
        TransmissionBuilder::cargo_release(env)
    };
    let mut host = strings.host.iter();
    let mut lines_in = 0usize;
    for t in &x.transactions {
        let mut tb = TransactionBuilder::new();
        for _ in &t.hosts {
            tb = tb.host(host.next().expect("host text"));
        }
        for a in &t.anchors {
            let mut ab = AnchorBuilder::new(host.next().expect("anchor text"));
            for _ in &a.subs {
                ab = ab.sub_record(host.next().expect("sub-record text"));
            }
            if let Some((desc, lines)) = &a.oi {
                let mut g = OiGroupBuilder::new(desc.s());
                for l in lines {
                    lines_in += 1;
                    g = match l {
                        LineKind::Organic(l) => g.organic(organic(l)),
                        LineKind::Disclaimed(n, agency, program, code) => {
                            g.line(PgaLineBuilder::disclaimed(
                                u64::from(n % 1000),
                                agency.s(),
                                program.s(),
                                code.s(),
                            ))
                        }
                    };
                }
                ab = ab.oi_group(g);
            }
            tb = tb.anchor(ab);
        }
        b = b.transaction(tb);
    }
    let Ok(built) = b.build() else {
        return;
    };
    let report = built.validate(&ValidateOptions::new(built.transmission_date()));
    for f in &report.findings {
        let _ = f.to_string();
    }
    let _ = built.to_string();
    let lf = built.parse().expect("built transmission parses");
    let _ = lf.to_bytes();
    for term in [term, Terminator::Lf] {
        let bytes = built.to_bytes(term);
        checks::built(built.records(), &bytes, false);
    }
    let lf_bytes = built.to_bytes(Terminator::Lf);
    let t = Transmission::parse_with(&lf_bytes, &ParseOptions::strict()).expect("parses");
    // Every disclaimed or organic line built appears as a PGA line (a PG01 whose agency
    // text is blank still opens a line).
    assert_eq!(t.tree().pga_lines().count(), lines_in, "PGA lines");
}

fuzz_target!(|input: Input| match &input {
    Input::Line(l, term) => check_line(l, term.get()),
    Input::Transmission(x, term) => check_transmission(x, term.get()),
});
