//! The AMS OR (organic) profile: the typed view of the sample lines (values from
//! `spec-samples/README.md`), certificate classification, and the builder (byte-exact
//! against the samples; refusal of values that do not fit).

use std::path::Path;

use ace_pga::profile::ams_or::{
    CertificateNumber, CertificateSpec, Entity, EntitySpec, MessageType, OrganicLine,
    OrganicLineBuilder,
};
use ace_pga::records::{Pg19, Pg20, Pg21, Pg22, Pg24, Pg27};
use ace_pga::{BuildError, ParseOptions, Transmission};
use chrono::NaiveDate;

mod common;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn read_sample(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("spec-samples/valid")
        .join(format!("{name}.txt"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn parse<'a>(name: &str, bytes: &'a [u8]) -> Transmission<'a> {
    Transmission::parse(bytes).unwrap_or_else(|e| panic!("{name}: strict parse failed: {e:?}"))
}

/// The 1-based line of the `n`-th (1-based) record `id` of an LF-terminated sample, located
/// at run time.
fn nth(bytes: &[u8], id: &str, n: usize) -> u32 {
    u32::try_from(common::nth_line_of(&common::lines_of(bytes), id, n)).expect("line")
}

/// The 1-based line of the first record `id` of an LF-terminated sample.
fn first(bytes: &[u8], id: &str) -> u32 {
    nth(bytes, id, 1)
}

/// Lines `from..=to` (1-based) of an LF-terminated sample, without terminators.
fn file_lines(bytes: &[u8], from: usize, to: usize) -> Vec<&[u8]> {
    let all: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    all[from - 1..to].to_vec()
}

/// The organic views of every PGA line of a sample (`None` for non-organic lines).
fn organic_views<'a>(tx: &Transmission<'a>) -> Vec<Option<OrganicLine<'a>>> {
    tx.tree().pga_lines().map(OrganicLine::from_line).collect()
}

fn dec(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn nopic<'a>(number: &'a str, a: &'a str, b: &'a str, c: &'a str) -> CertificateNumber<'a> {
    CertificateNumber::NopImportCertificate {
        number,
        segments: [a, b, c],
    }
}

/// `(qualifier, lot number)` of each lot.
fn lots<'a>(v: &OrganicLine<'a>) -> Vec<(Option<&'a str>, &'a str)> {
    v.lots.iter().map(|l| (l.qualifier, l.lot_number)).collect()
}

fn assert_no_or1_parts(v: &OrganicLine<'_>, what: &str) {
    assert!(v.entities.is_empty(), "{what}: entities");
    assert!(v.products.is_empty(), "{what}: products");
    assert!(v.declarations.is_empty(), "{what}: declarations");
    assert!(v.remarks.is_empty(), "{what}: remarks");
    assert!(v.containers.is_empty(), "{what}: containers");
}

fn bytes_str(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Compares built records with the file's records, one by one, with readable messages.
fn assert_records_eq(built: &[[u8; 80]], want: &[&[u8]], what: &str) {
    for (i, (b, w)) in built.iter().zip(want).enumerate() {
        assert_eq!(
            bytes_str(b),
            bytes_str(w),
            "{what}: record {} of the line differs",
            i + 1
        );
    }
    assert_eq!(
        built.len(),
        want.len(),
        "{what}: built {} records, the file has {}",
        built.len(),
        want.len()
    );
}

// ---------------------------------------------------------------------------------------
// Typed views of the samples
// ---------------------------------------------------------------------------------------

#[test]
fn view_or2_single() {
    let bytes = read_sample("or2-single");
    let tx = parse("or2-single", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 1);
    let v = views[0].as_ref().expect("the PG01 is an AMS OR line");
    assert_eq!(v.line, first(&bytes, "PG01"));
    assert_eq!(v.pga_line_number, Some(1));
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(v.message_type.as_str(), "OR2");
    assert_eq!(v.disclaimer, None);
    assert_eq!(v.electronic_image_submitted, None);
    assert_eq!(v.intended_use_code, None);

    assert_eq!(v.certificates.len(), 1);
    assert!(!v.certificates_without_am1);
    let c = &v.certificates[0];
    assert_eq!(c.line, first(&bytes, "PG14"));
    assert_eq!(
        c.number,
        nopic("417-2093856104-557321", "417", "2093856104", "557321")
    );
    assert_eq!(c.number.to_string(), "417-2093856104-557321");
    assert_eq!(c.number.kind(), "nop_import_certificate");
    assert_eq!(c.lpco_type, Some("AM1"));
    assert_eq!(c.lpco_transaction_type, Some(1));
    assert_eq!(c.date_qualifier, None);
    assert_eq!(c.date, None);
    assert_eq!(c.issue_date(), None);

    assert_eq!(dec(v.net_quantity_kg), Some("1824.00".to_string()));
    assert_eq!(
        v.net_quantity.map(|(q, u)| (q.to_string(), u)),
        Some(("1824.00".to_string(), Some("KG")))
    );
    assert_eq!(
        lots(v),
        vec![
            (Some("3"), "PIU-KENT-2602-A"),
            (Some("3"), "PIU-KENT-2602-B")
        ]
    );
    assert_eq!(
        v.lots.iter().map(|l| l.line).collect::<Vec<_>>(),
        vec![nth(&bytes, "PG25", 1), nth(&bytes, "PG25", 2)]
    );
    assert_no_or1_parts(v, "or2-single");
}

#[test]
fn view_or2_crlf_and_concatenated_equal_or2_single() {
    let single = read_sample("or2-single");
    let want = organic_views(&parse("or2-single", &single));
    let crlf = read_sample("or2-crlf");
    let concat = read_sample("or2-concatenated");
    for (name, bytes) in [("or2-crlf", &crlf), ("or2-concatenated", &concat)] {
        let got = organic_views(&parse(name, bytes));
        assert_eq!(got.len(), 1, "{name}");
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn view_or2_multi() {
    let bytes = read_sample("or2-multi");
    let tx = parse("or2-multi", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 3);

    // First OI, PGA line 001 (first PG01).
    let v = views[0].as_ref().expect("the first PG01 is AMS OR");
    assert_eq!(v.line, nth(&bytes, "PG01", 1));
    assert_eq!(v.pga_line_number, Some(1));
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(v.disclaimer, None);
    let certs: Vec<_> = v
        .certificates
        .iter()
        .map(|c| (c.line, c.number, c.lpco_type, c.lpco_transaction_type))
        .collect();
    assert_eq!(
        certs,
        vec![
            (
                nth(&bytes, "PG14", 1),
                nopic("417-2093856104-557321", "417", "2093856104", "557321"),
                Some("AM1"),
                Some(1)
            ),
            (
                nth(&bytes, "PG14", 2),
                nopic("417-2093856104-561004", "417", "2093856104", "561004"),
                Some("AM1"),
                Some(2)
            ),
        ]
    );
    assert_eq!(dec(v.net_quantity_kg), Some("9120.00".to_string()));
    assert_eq!(lots(v), vec![(Some("3"), "PIU-KENT-2602-A")]);
    assert_no_or1_parts(v, "or2-multi PGA line 001");

    // First OI, PGA line 002 (second PG01).
    let v = views[1].as_ref().expect("the second PG01 is AMS OR");
    assert_eq!(v.line, nth(&bytes, "PG01", 2));
    assert_eq!(v.pga_line_number, Some(2));
    assert_eq!(v.message_type.as_str(), "OR2");
    let certs: Vec<_> = v
        .certificates
        .iter()
        .map(|c| (c.line, c.number, c.lpco_type, c.lpco_transaction_type))
        .collect();
    assert_eq!(
        certs,
        vec![(
            nth(&bytes, "PG14", 3),
            nopic("582-6617034925-104388", "582", "6617034925", "104388"),
            Some("AM1"),
            Some(1)
        )]
    );
    assert_eq!(dec(v.net_quantity_kg), Some("4560.00".to_string()));
    assert_eq!(
        lots(v),
        vec![(Some("2"), "GH-ATA-77120"), (Some("2"), "GH-ATA-77121")]
    );
    assert_no_or1_parts(v, "or2-multi PGA line 002");

    // Second OI, PGA line 001 (third PG01): disclaimed, bare OR.
    let v = views[2].as_ref().expect("the third PG01 is AMS OR");
    assert_eq!(v.line, nth(&bytes, "PG01", 3));
    assert_eq!(
        common::lines_with(&common::lines_of(&bytes), "OI")
            .iter()
            .filter(|&&oi| oi < v.line as usize)
            .count(),
        2,
        "the third PG01 follows the second OI"
    );
    assert_eq!(v.pga_line_number, Some(1));
    assert_eq!(v.message_type, MessageType::Bare);
    assert_eq!(v.message_type.as_str(), "OR");
    assert_eq!(v.disclaimer, Some("A"));
    assert!(v.certificates.is_empty());
    assert!(!v.certificates_without_am1);
    assert_eq!(v.net_quantity_kg, None);
    assert_eq!(v.net_quantity, None);
    assert!(v.lots.is_empty());
    assert_no_or1_parts(v, "or2-multi second OI");
}

/// One row of the README's or1-full entity table; `pg19` is the entity's PG19 by its place
/// among the sample's PG19 records (1-based), its line is located at run time.
struct EntityRow {
    pg19: usize,
    role: &'static str,
    nop_id: &'static str,
    name: &'static str,
    address_1: &'static str,
    address_2: &'static str,
    suite: Option<&'static str>,
    city: &'static str,
    state: &'static str,
    country: &'static str,
    postal: &'static str,
    contact: &'static str,
    phone: &'static str,
    email: &'static str,
}

#[rustfmt::skip]
const OR1_ENTITIES: [EntityRow; 7] = [
    EntityRow { pg19: 1, role: "EX", nop_id: "2093856104", name: "FRUTALES DEL NORTE SAC", address_1: "AV GRAU 1450",
        address_2: "FUNDO SANTA ROSA", suite: Some("LT 4"), city: "PIURA", state: "PIU", country: "PE", postal: "20001",
        contact: "LUCIA QUISPE", phone: "51-73-555-0142", email: "EXPORT@FRUTALESNORTE.PE" },
    EntityRow { pg19: 2, role: "UC", nop_id: "6617034925", name: "GREENHAVEN ORGANIC IMPORTS LLC", address_1: "1200 HARBOR WAY",
        address_2: "BUILDING C", suite: Some("210"), city: "OAKLAND", state: "CA", country: "US", postal: "94607",
        contact: "DANIEL MORROW", phone: "510-555-0187", email: "ORGANIC.DESK@GREENHAVEN-IMP.COM" },
    EntityRow { pg19: 3, role: "ORI", nop_id: "K9C", name: "ANDEAN ORGANIC CERTIFIERS SAC", address_1: "JR HUALLAGA 218",
        address_2: "OFICINA 502", suite: None, city: "LIMA", state: "LIM", country: "PE", postal: "15001",
        contact: "ROSA MENDOZA", phone: "51-1-555-0190", email: "CERT@ANDEANORGANIC.PE" },
    EntityRow { pg19: 4, role: "ORC", nop_id: "T4M", name: "PACIFIC ORGANIC VERIFICATION INC", address_1: "88 MARKET ST",
        address_2: "FLOOR 4", suite: Some("400"), city: "SEATTLE", state: "WA", country: "US", postal: "98101",
        contact: "HELEN PARK", phone: "206-555-0111", email: "REVIEWS@PACORGVERIFY.COM" },
    EntityRow { pg19: 5, role: "ORP", nop_id: "3380517246", name: "NORTHWIND NATURAL FOODS INC", address_1: "455 DOCK RD",
        address_2: "WAREHOUSE 2", suite: None, city: "TACOMA", state: "WA", country: "US", postal: "98421",
        contact: "MARCUS ELLIS", phone: "253-555-0166", email: "RECEIVING@NORTHWINDNATURAL.COM" },
    EntityRow { pg19: 6, role: "ORC", nop_id: "V2R", name: "MIDWEST ORGANIC ASSURANCE LLC", address_1: "9 LAKE ST",
        address_2: "SECOND FLOOR", suite: Some("2B"), city: "MADISON", state: "WI", country: "US", postal: "53703",
        contact: "OWEN BRANDT", phone: "608-555-0123", email: "CERTIFY@MWORGASSURE.ORG" },
    EntityRow { pg19: 7, role: "ORP", nop_id: "7715209384", name: "PRAIRIE HARVEST FOODS CO", address_1: "2700 S 13TH ST",
        address_2: "DOCK 6", suite: None, city: "MILWAUKEE", state: "WI", country: "US", postal: "53215",
        contact: "NADIA KOWALSKI", phone: "414-555-0139", email: "INBOUND@PRAIRIEHARVEST.COM" },
];

const OR1_PRODUCTS: [&str; 2] = [
    "ORGANIC FRESH MANGOES KENT VARIETY 4 KG CARTONS",
    "ORGANIC FRESH MANGOES ATAULFO VARIETY 4 KG CARTONS",
];
const OR1_REMARK: &str = "PRODUCT CERTIFIED TO THE USDA ORGANIC STANDARD";

fn assert_entity(e: &Entity<'_>, row: &EntityRow, or1_full: &[u8]) {
    let line = nth(or1_full, "PG19", row.pg19);
    let what = format!("entity at line {line}");
    assert_eq!(e.line, line, "{what}");
    assert_eq!(e.role, Some(row.role), "{what}: role");
    assert_eq!(e.nop_id, Some(row.nop_id), "{what}: NOP ID");
    assert_eq!(e.id_kind, Some("331"), "{what}: id kind");
    assert_eq!(e.name, Some(row.name), "{what}: name");
    assert_eq!(e.address_line_1, Some(row.address_1), "{what}: address 1");
    let a = e.address.as_ref().expect("PG20 present");
    assert_eq!(a.address_line_2, Some(row.address_2), "{what}: address 2");
    assert_eq!(a.apartment_suite_number, row.suite, "{what}: suite");
    assert_eq!(a.city, Some(row.city), "{what}: city");
    assert_eq!(a.state_province_code, Some(row.state), "{what}: state");
    assert_eq!(a.country_code, Some(row.country), "{what}: country");
    assert_eq!(a.postal_code, Some(row.postal), "{what}: postal");
    assert_eq!(e.contacts.len(), 1, "{what}: one PG21");
    let c = &e.contacts[0];
    assert_eq!(c.line, line + 2, "{what}: PG21 line");
    assert_eq!(c.line, nth(or1_full, "PG21", row.pg19), "{what}: PG21 line");
    assert_eq!(c.role, None, "{what}: PG21 role blank");
    assert_eq!(c.name, Some(row.contact), "{what}: contact name");
    assert_eq!(c.telephone, Some(row.phone), "{what}: phone");
    assert_eq!(c.email_or_fax, Some(row.email), "{what}: e-mail");
}

#[test]
fn view_or1_full() {
    let bytes = read_sample("or1-full");
    let tx = parse("or1-full", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 1);
    let v = views[0].as_ref().expect("the PG01 is AMS OR");
    assert_eq!(v.line, first(&bytes, "PG01"));
    assert_eq!(v.pga_line_number, Some(1));
    assert_eq!(v.message_type, MessageType::Or1);
    assert_eq!(v.message_type.as_str(), "OR1");
    assert_eq!(v.disclaimer, None);
    assert_eq!(v.electronic_image_submitted, Some("Y"));
    assert_eq!(v.intended_use_code, Some("100.000"));

    // Certificate: COOP-coded, kept verbatim.
    assert_eq!(v.certificates.len(), 1);
    let c = &v.certificates[0];
    assert_eq!(c.line, first(&bytes, "PG14"));
    assert_eq!(c.number, CertificateNumber::Other("COOP-K9C-2026-000417"));
    assert_eq!(c.number.kind(), "other");
    assert_eq!(c.number.as_str(), "COOP-K9C-2026-000417");
    assert_eq!(c.lpco_type, Some("AM1"));
    assert_eq!(c.lpco_transaction_type, Some(1));
    assert_eq!(c.date_qualifier, Some(3));
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2026, 2, 27));
    assert_eq!(
        c.issue_date().map(|d| d.to_string()),
        Some("2026-02-27".to_string())
    );

    assert_eq!(dec(v.net_quantity_kg), Some("18240.00".to_string()));
    assert_eq!(v.products, OR1_PRODUCTS.to_vec());
    assert_eq!(
        lots(v),
        vec![
            (Some("3"), "PIU-KENT-2602-A"),
            (Some("3"), "PIU-ATA-2602-B")
        ]
    );

    // Declaration.
    assert_eq!(v.declarations.len(), 1);
    let d = &v.declarations[0];
    assert_eq!(d.line, first(&bytes, "PG22"));
    assert_eq!(d.record.document_identifier, Some("16"));
    assert_eq!(d.record.entity_role_code, Some("CI"));
    assert_eq!(d.record.declaration_code, Some("AM4"));
    assert_eq!(d.record.declaration_certification, Some("Y"));

    // Remark.
    assert_eq!(v.remarks.len(), 1);
    let r = &v.remarks[0];
    assert_eq!(r.line, first(&bytes, "PG24"));
    assert_eq!(r.type_code, Some("AM1"));
    assert_eq!(r.code, Some("A10"));
    assert_eq!(r.text, Some(OR1_REMARK));

    // Containers.
    let containers: Vec<_> = v
        .containers
        .iter()
        .map(|c| (c.line, c.number, c.container_type, c.length))
        .collect();
    let pg27 = first(&bytes, "PG27");
    assert_eq!(
        containers,
        vec![
            (pg27, "MSKU7340182", Some(1), Some(40)),
            (pg27, "TGHU5518820", Some(1), Some(40)),
        ]
    );

    // Entities, in the order EX, UC, ORI, ORC, ORP, ORC, ORP.
    assert_eq!(v.entities.len(), 7);
    for (e, row) in v.entities.iter().zip(&OR1_ENTITIES) {
        assert_entity(e, row, &bytes);
    }
}

#[test]
fn view_or1_full_positional_grouping() {
    let bytes = read_sample("or1-full");
    let tx = parse("or1-full", &bytes);
    let views = organic_views(&tx);
    let v = views[0].as_ref().expect("AMS OR");
    assert!(v.positional_counts_agree());
    let p = v.positional_products();
    let got: Vec<_> = p
        .iter()
        .map(|p| {
            (
                p.description,
                p.lot.map(|l| l.lot_number),
                p.certifier.and_then(|e| e.nop_id),
                p.final_handler.and_then(|e| e.nop_id),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                OR1_PRODUCTS[0],
                Some("PIU-KENT-2602-A"),
                Some("T4M"),
                Some("3380517246")
            ),
            (
                OR1_PRODUCTS[1],
                Some("PIU-ATA-2602-B"),
                Some("V2R"),
                Some("7715209384")
            ),
        ]
    );
    for p in &p {
        assert_eq!(p.certifier.and_then(|e| e.role), Some("ORC"));
        assert_eq!(p.final_handler.and_then(|e| e.role), Some("ORP"));
    }
}

#[test]
fn view_multi_agency_only_the_ams_or_line() {
    let bytes = read_sample("multi-agency");
    let tx = parse("multi-agency", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 3);
    assert!(views[1].is_none(), "AMS MO1 line is not organic");
    assert!(views[2].is_none(), "FDA line is not organic");
    let v = views[0].as_ref().expect("the first PG01 is AMS OR");
    assert_eq!(v.line, first(&bytes, "PG01"));
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(v.certificates.len(), 1);
    assert_eq!(
        v.certificates[0].number,
        nopic("305-3380517246-009214", "305", "3380517246", "009214")
    );
    assert_eq!(lots(v), vec![(Some("3"), "ID-RUS-2603-114")]);
    assert_eq!(dec(v.net_quantity_kg), Some("18143.69".to_string()));
}

#[test]
fn view_entry_summary_ae() {
    let bytes = read_sample("entry-summary-ae");
    let tx = parse("entry-summary-ae", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 1);
    let v = views[0].as_ref().expect("line 8 is AMS OR");
    assert_eq!(v.line, 8);
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(
        v.certificates.iter().map(|c| c.number).collect::<Vec<_>>(),
        vec![nopic(
            "417-2093856104-557321",
            "417",
            "2093856104",
            "557321"
        )]
    );
    assert_eq!(lots(v), vec![(Some("3"), "PIU-KENT-2602-A")]);
    assert_eq!(dec(v.net_quantity_kg), Some("1824.00".to_string()));
}

// ---------------------------------------------------------------------------------------
// Certificate classification
// ---------------------------------------------------------------------------------------

#[test]
fn certificate_number_classify_table() {
    use CertificateNumber as C;
    let cases: Vec<(&str, CertificateNumber<'static>)> = vec![
        (
            "417-2093856104-557321",
            nopic("417-2093856104-557321", "417", "2093856104", "557321"),
        ),
        (
            "582-6617034925-104388",
            nopic("582-6617034925-104388", "582", "6617034925", "104388"),
        ),
        (
            "999-999-T",
            C::SpecialCode {
                code: "999-999-T",
                known: true,
            },
        ),
        (
            "333-550-R",
            C::SpecialCode {
                code: "333-550-R",
                known: true,
            },
        ),
        (
            "010-420-L",
            C::SpecialCode {
                code: "010-420-L",
                known: true,
            },
        ),
        (
            "999-999-X",
            C::SpecialCode {
                code: "999-999-X",
                known: false,
            },
        ),
        ("417-20938561045-57321", C::Other("417-20938561045-57321")),
        ("2093856104", C::Other("2093856104")),
        (
            "417-2093856104-557321DRAFT",
            C::Other("417-2093856104-557321DRAFT"),
        ),
        (
            "417-2093856104-557321 draft",
            C::Other("417-2093856104-557321 draft"),
        ),
        ("COOP-K9C-2026-000417", C::Other("COOP-K9C-2026-000417")),
    ];
    for (input, want) in cases {
        let got = CertificateNumber::classify(input);
        assert_eq!(got, want, "classify({input:?})");
        // Never repaired: the value is kept verbatim.
        assert_eq!(got.as_str(), input);
        assert_eq!(got.to_string(), input);
        let kind = match want {
            C::NopImportCertificate { .. } => "nop_import_certificate",
            C::SpecialCode { .. } => "special_code",
            _ => "other",
        };
        assert_eq!(got.kind(), kind, "kind of {input:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------

fn or2_single_builder() -> OrganicLineBuilder<'static> {
    OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg("1824.00".parse().expect("decimal"))
        .lot("3", "PIU-KENT-2602-A")
        .lot("3", "PIU-KENT-2602-B")
}

#[test]
fn builder_reproduces_or2_single_pga_line() {
    let bytes = read_sample("or2-single");
    // The PGA line runs from the PG01 to the PG29.
    let want = file_lines(
        &bytes,
        first(&bytes, "PG01") as usize,
        first(&bytes, "PG29") as usize,
    );
    assert_eq!(want.len(), 6, "PG01, PG02, PG14, PG25, PG25, PG29");
    for w in &want {
        assert_eq!(w.len(), 80);
    }
    let built = or2_single_builder().build().expect("builds");
    assert_records_eq(&built, &want, "or2-single");
}

#[test]
fn certificate_spec_defaults() {
    let c = CertificateSpec::new("417-2093856104-557321");
    assert_eq!(c.number, "417-2093856104-557321");
    assert_eq!(c.transaction_type, 1);
    assert_eq!(c.lpco_type, "AM1");
    assert_eq!(c.issue_date, None);
}

fn or1_entity(row: &EntityRow) -> EntitySpec<'static> {
    EntitySpec {
        pg19: Pg19 {
            entity_role_code: Some(row.role),
            entity_identification_code: Some("331"),
            entity_number: Some(row.nop_id),
            entity_name: Some(row.name),
            address_line_1: Some(row.address_1),
        },
        address: Some(Pg20 {
            address_line_2: Some(row.address_2),
            apartment_suite_number: row.suite,
            city: Some(row.city),
            state_province_code: Some(row.state),
            country_code: Some(row.country),
            postal_code: Some(row.postal),
        }),
        contact: Some(Pg21 {
            individual_name: Some(row.contact),
            telephone_number: Some(row.phone),
            email_or_fax: Some(row.email),
            ..Default::default()
        }),
    }
}

#[test]
fn builder_reproduces_or1_full_pga_line() {
    let bytes = read_sample("or1-full");
    // The PGA line runs from the PG01 to the PG29 (32 records); the Y follows.
    let (pg01, pg29) = (
        first(&bytes, "PG01") as usize,
        first(&bytes, "PG29") as usize,
    );
    let want = file_lines(&bytes, pg01, pg29);
    assert!(want[0].starts_with(b"PG01") && want[31].starts_with(b"PG29"));
    assert_eq!(want.len(), 32);
    assert!(file_lines(&bytes, pg29 + 1, pg29 + 1)[0].starts_with(b"Y"));

    let cert = CertificateSpec {
        issue_date: NaiveDate::from_ymd_opt(2026, 2, 27),
        ..CertificateSpec::new("COOP-K9C-2026-000417")
    };
    let mut b = OrganicLineBuilder::or1(1)
        .electronic_image_submitted()
        .intended_use_code("100.000")
        .product(OR1_PRODUCTS[0])
        .product(OR1_PRODUCTS[1])
        .certificate(cert);
    for row in &OR1_ENTITIES {
        b = b.entity(or1_entity(row));
    }
    let b = b
        .declaration(Pg22 {
            document_identifier: Some("16"),
            entity_role_code: Some("CI"),
            declaration_code: Some("AM4"),
            declaration_certification: Some("Y"),
            ..Default::default()
        })
        .remark(Pg24 {
            remarks_type_code: Some("AM1"),
            remarks_code: Some("A10"),
            remarks_text: Some(OR1_REMARK),
        })
        .lot("3", "PIU-KENT-2602-A")
        .lot("3", "PIU-ATA-2602-B")
        .containers(Pg27 {
            container_number_1: Some("MSKU7340182"),
            container_type_1: Some(1),
            container_length_1: Some(40),
            container_number_2: Some("TGHU5518820"),
            container_type_2: Some(1),
            container_length_2: Some(40),
            ..Default::default()
        })
        .net_quantity_kg("18240.00".parse().expect("decimal"));
    let built = b.build().expect("builds");
    assert_records_eq(&built, &want, "or1-full");
}

/// Parses built records as a fragment (no envelope) and returns its bytes.
fn fragment(built: &[[u8; 80]]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(built.len() * 81);
    for r in built {
        bytes.extend_from_slice(r);
        bytes.push(b'\n');
    }
    bytes
}

#[test]
fn built_or2_line_parses_back_as_a_fragment() {
    let built = or2_single_builder().build().expect("builds");
    let bytes = fragment(&built);
    let tx = Transmission::parse_with(&bytes, &ParseOptions::strict()).expect("fragment parses");
    assert!(
        tx.problems().is_empty(),
        "problems in the built fragment: {:?}",
        tx.problems()
    );
    // A fragment without envelope parses: no A/B/Y/Z headers, one PGA line.
    assert_eq!(tx.tree().batches.len(), 1);
    assert!(tx.tree().batches[0].header.is_none());
    assert!(tx.tree().batches[0].trailer.is_none());
    assert_eq!(tx.records().count(), 6);
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1);
    let v = OrganicLine::from_line(lines[0]).expect("AMS OR line");
    assert_eq!(v.line, 1);
    assert_eq!(v.pga_line_number, Some(1));
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(v.certificates.len(), 1);
    assert_eq!(
        v.certificates[0].number,
        nopic("417-2093856104-557321", "417", "2093856104", "557321")
    );
    assert_eq!(v.certificates[0].lpco_type, Some("AM1"));
    assert_eq!(v.certificates[0].lpco_transaction_type, Some(1));
    assert_eq!(dec(v.net_quantity_kg), Some("1824.00".to_string()));
    assert_eq!(
        lots(&v),
        vec![
            (Some("3"), "PIU-KENT-2602-A"),
            (Some("3"), "PIU-KENT-2602-B")
        ]
    );
    // The strict entry point accepts it as well, and it round-trips.
    let strict = Transmission::parse(&bytes).expect("strict parse of the fragment");
    assert_eq!(strict.to_bytes(), bytes);
}

fn expect_encode_error(b: &OrganicLineBuilder<'_>) -> ace_pga::EncodeError {
    match b.build() {
        Ok(records) => panic!("build succeeded with {} records", records.len()),
        Err(BuildError::Encode { source, .. }) => source,
        Err(other) => panic!("unexpected build error {other:?}"),
    }
}

#[test]
fn builder_refuses_a_34_character_certificate_number() {
    let long = "417-2093856104-557321-ABCDEFGHIJKL";
    assert_eq!(long.len(), 34);
    let b = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new(long))
        .net_quantity_kg("1824.00".parse().expect("decimal"));
    let e = expect_encode_error(&b);
    assert_eq!(e.record, "PG14");
    assert_eq!(e.field, "lpco_number");
    assert_eq!((e.start, e.end), (9, 41));
    let msg = e.to_string();
    assert!(msg.contains("PG14") && msg.contains("lpco_number"), "{msg}");
    // A 33-character number fits exactly.
    let fits = OrganicLineBuilder::or2(1).certificate(CertificateSpec::new(&long[..33]));
    let built = fits.build().expect("33 characters fit");
    assert_eq!(&built[2][8..41], &long.as_bytes()[..33]);
}

#[test]
fn builder_refuses_a_quantity_with_three_decimals() {
    let b = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg("1.234".parse().expect("decimal"));
    let e = expect_encode_error(&b);
    assert_eq!(e.record, "PG29");
    assert_eq!(e.field, "quantity_line_net");
    assert_eq!((e.start, e.end), (8, 19));
    let msg = e.to_string();
    assert!(
        msg.contains("PG29") && msg.contains("quantity_line_net"),
        "{msg}"
    );
    // Never rounded: 1.23 is fine.
    let ok = OrganicLineBuilder::or2(1)
        .net_quantity_kg("1.23".parse().expect("decimal"))
        .build()
        .expect("two decimals fit");
    assert_eq!(&ok.last().expect("PG29")[..19], b"PG29KG 000000000123");
}

#[test]
fn builder_refuses_a_lower_case_lot_and_an_entity_name_too_long() {
    // Lower case is outside the CBP character set (X class): refused, not upper-cased.
    let b = OrganicLineBuilder::or2(1).lot("3", "piu-kent-2602-a");
    let e = expect_encode_error(&b);
    assert_eq!((e.record, e.field), ("PG25", "lot_number"));

    // PG19 entity_name is bytes 26–57 (32 bytes): 33 characters do not fit.
    let name = "PACIFIC ORGANIC VERIFICATION INCX";
    assert_eq!(name.len(), 33);
    let b = OrganicLineBuilder::or1(1).entity(EntitySpec {
        pg19: Pg19 {
            entity_role_code: Some("ORC"),
            entity_name: Some(name),
            ..Default::default()
        },
        ..Default::default()
    });
    let e = expect_encode_error(&b);
    assert_eq!((e.record, e.field), ("PG19", "entity_name"));
}

// ---------------------------------------------------------------------------------------
// Further views (SPEC 5.3 / 5.5 / 7.1 behaviour on derived inputs)
// ---------------------------------------------------------------------------------------

#[test]
fn view_sx_response_is_not_disturbed_by_the_se90_after_the_pg01() {
    let bytes = read_sample("sx-response");
    let tx = parse("sx-response", &bytes);
    let views = organic_views(&tx);
    assert_eq!(views.len(), 1);
    let v = views[0].as_ref().expect("the PG01 is AMS OR");
    assert_eq!(v.line, first(&bytes, "PG01"));
    assert_eq!(v.message_type, MessageType::Or2);
    assert_eq!(v.certificates.len(), 1);
    // The SE90 between the PG01 and the PG02 does not end the line.
    assert!(first(&bytes, "SE90") < first(&bytes, "PG14"));
    assert_eq!(v.certificates[0].line, first(&bytes, "PG14"));
    assert_eq!(
        v.certificates[0].number,
        nopic("417-2093856104-557321", "417", "2093856104", "557321")
    );
    assert_eq!(dec(v.net_quantity_kg), Some("1824.00".to_string()));
    assert_eq!(
        v.lots
            .iter()
            .map(|l| (l.line, l.lot_number))
            .collect::<Vec<_>>(),
        vec![
            (nth(&bytes, "PG25", 1), "PIU-KENT-2602-A"),
            (nth(&bytes, "PG25", 2), "PIU-KENT-2602-B")
        ]
    );
}

/// Parses `bytes` (a fragment or a whole transmission) strictly and returns the view of its
/// only PGA line, re-borrowed through a closure.
fn with_only_view(bytes: &[u8], f: impl FnOnce(&OrganicLine<'_>)) {
    let tx = Transmission::parse(bytes).unwrap_or_else(|e| panic!("strict parse: {e:?}"));
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1, "one PGA line");
    let v = OrganicLine::from_line(lines[0]).expect("AMS OR line");
    f(&v);
}

#[test]
fn view_net_quantity_in_another_unit_is_not_kg() {
    // or2-single with the PG29 net unit changed from KG to LB (same length).
    let bytes = read_sample("or2-single");
    let text = String::from_utf8(bytes).expect("ASCII");
    let changed = text.replace("PG29KG 000000182400", "PG29LB 000000182400");
    assert_ne!(changed, text);
    with_only_view(changed.as_bytes(), |v| {
        assert_eq!(v.net_quantity_kg, None);
        assert_eq!(
            v.net_quantity.map(|(q, u)| (q.to_string(), u)),
            Some(("1824.00".to_string(), Some("LB")))
        );
    });
}

#[test]
fn view_without_am1_takes_every_pg14() {
    let built = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec {
            lpco_type: "AM2",
            ..CertificateSpec::new("417-2093856104-557321")
        })
        .build()
        .expect("builds");
    with_only_view(&fragment(&built), |v| {
        assert!(v.certificates_without_am1);
        assert_eq!(v.certificates.len(), 1);
        assert_eq!(v.certificates[0].lpco_type, Some("AM2"));
    });

    // With one AM1 among them, only the AM1 PG14s are certificates.
    let built = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec {
            lpco_type: "AM2",
            ..CertificateSpec::new("582-6617034925-104388")
        })
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .build()
        .expect("builds");
    with_only_view(&fragment(&built), |v| {
        assert!(!v.certificates_without_am1);
        assert_eq!(
            v.certificates
                .iter()
                .map(|c| c.number.as_str())
                .collect::<Vec<_>>(),
            vec!["417-2093856104-557321"]
        );
        assert_eq!(v.certificates[0].line, 4);
    });
}

#[test]
fn positional_grouping_with_unequal_counts_leaves_members_absent() {
    let orc = EntitySpec {
        pg19: Pg19 {
            entity_role_code: Some("ORC"),
            entity_identification_code: Some("331"),
            entity_number: Some("T4M"),
            ..Default::default()
        },
        ..Default::default()
    };
    let orp = EntitySpec {
        pg19: Pg19 {
            entity_role_code: Some("ORP"),
            entity_identification_code: Some("331"),
            entity_number: Some("3380517246"),
            ..Default::default()
        },
        ..Default::default()
    };
    let built = OrganicLineBuilder::or1(1)
        .intended_use_code("100.000")
        .product(OR1_PRODUCTS[0])
        .product(OR1_PRODUCTS[1])
        .certificate(CertificateSpec::new("COOP-K9C-2026-000417"))
        .entity(orc)
        .entity(orp)
        .lot("3", "PIU-KENT-2602-A")
        .build()
        .expect("builds");
    with_only_view(&fragment(&built), |v| {
        assert_eq!(v.message_type, MessageType::Or1);
        assert!(!v.positional_counts_agree());
        let p = v.positional_products();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].description, OR1_PRODUCTS[0]);
        assert_eq!(p[0].lot.map(|l| l.lot_number), Some("PIU-KENT-2602-A"));
        assert_eq!(p[0].certifier.and_then(|e| e.nop_id), Some("T4M"));
        assert_eq!(
            p[0].final_handler.and_then(|e| e.nop_id),
            Some("3380517246")
        );
        assert_eq!(p[1].description, OR1_PRODUCTS[1]);
        assert!(p[1].lot.is_none());
        assert!(p[1].certifier.is_none());
        assert!(p[1].final_handler.is_none());
    });
}

#[test]
fn view_disclaimed_line_with_processing_code_1() {
    // A disclaimed OR line may carry processing code 1 (SPEC 5.1): or2-multi's third PG01
    // (the disclaimed one) with `1` in byte 14.
    let bytes = read_sample("or2-multi");
    let third = nth(&bytes, "PG01", 3) as usize;
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let pg01 = &mut lines[third - 1];
    assert!(pg01.starts_with(b"PG01001AMSOR ") && pg01[13] == b' ');
    pg01[13] = b'1';
    let changed = lines.join(&b'\n');
    let tx = parse("or2-multi (changed)", &changed);
    let views = organic_views(&tx);
    let v = views[2].as_ref().expect("AMS OR");
    assert_eq!(v.line as usize, third);
    assert_eq!(v.message_type, MessageType::Or1);
    assert_eq!(v.disclaimer, Some("A"));
}

/// or2-single with its PG14 replaced by `pg14` (80 bytes).
fn or2_single_with_pg14(pg14: &str) -> Vec<u8> {
    assert_eq!(pg14.len(), 80, "{pg14:?}");
    let bytes = read_sample("or2-single");
    let at = first(&bytes, "PG14") as usize - 1;
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    assert!(lines[at].starts_with(b"PG14"));
    lines[at] = pg14.as_bytes();
    lines.join(&b'\n')
}

#[test]
fn view_exposes_pg14_quantity_and_dates_by_qualifier() {
    // PG14 quantity (51–66, 4 implied decimals) and unit (67–71) are exposed (SPEC 5.3).
    let pg14 = format!(
        "{:<50}{}{:<14}",
        "PG141AM1417-2093856104-557321", "0000000018240000", "KG"
    );
    let bytes = or2_single_with_pg14(&pg14);
    with_only_view(&bytes, |v| {
        let c = &v.certificates[0];
        assert_eq!(dec(c.quantity), Some("1824.0000".to_string()));
        assert_eq!(c.unit_of_measure, Some("KG"));
        assert_eq!(c.issue_date(), None);
    });

    // A date with qualifier 2 is exposed but is not the issue date (qualifier 3).
    let pg14 = format!(
        "{:<41}{}{:<30}",
        "PG141AM1417-2093856104-557321", "202272026", ""
    );
    let bytes = or2_single_with_pg14(&pg14);
    with_only_view(&bytes, |v| {
        let c = &v.certificates[0];
        assert_eq!(c.date_qualifier, Some(2));
        assert_eq!(
            c.date.map(|d| d.to_string()),
            Some("2026-02-27".to_string())
        );
        assert_eq!(c.issue_date(), None);
    });
}

#[test]
fn builder_refusals_name_record_and_field() {
    let long_product = "ORGANIC FRESH MANGOES KENT VARIETY 4 KG CARTONS, EXTRA LONG X";
    assert!(
        long_product.len() > 57,
        "PG10 description holds 57 bytes (24–80)"
    );
    let cases: Vec<(&str, OrganicLineBuilder<'static>, (&str, &str))> = vec![
        (
            "PGA line number 1000",
            OrganicLineBuilder::or2(1000),
            ("PG01", "pga_line_number"),
        ),
        (
            "two-byte lot qualifier",
            OrganicLineBuilder::or2(1).lot("33", "PIU-KENT-2602-A"),
            ("PG25", "lot_number_qualifier"),
        ),
        (
            "PG10 description over 57 bytes",
            OrganicLineBuilder::or1(1).product(long_product),
            ("PG10", "characteristic_description"),
        ),
        (
            "lower-case draft suffix",
            OrganicLineBuilder::or2(1)
                .certificate(CertificateSpec::new("417-2093856104-557321 draft")),
            ("PG14", "lpco_number"),
        ),
        (
            "transaction type 10",
            OrganicLineBuilder::or2(1).certificate(CertificateSpec {
                transaction_type: 10,
                ..CertificateSpec::new("417-2093856104-557321")
            }),
            ("PG14", "lpco_transaction_type"),
        ),
        (
            "negative quantity",
            OrganicLineBuilder::or2(1).net_quantity_kg("-1.00".parse().expect("decimal")),
            ("PG29", "quantity_line_net"),
        ),
        (
            "quantity over 10 integer digits",
            OrganicLineBuilder::or2(1).net_quantity_kg("12345678901.00".parse().expect("decimal")),
            ("PG29", "quantity_line_net"),
        ),
    ];
    for (what, b, (record, field)) in cases {
        let e = expect_encode_error(&b);
        assert_eq!((e.record, e.field), (record, field), "{what}");
        let msg = e.to_string();
        assert!(msg.contains(&format!("{record}.{field}")), "{what}: {msg}");
    }
}

/// The light certificate walk (`ace-pga stats`) visits exactly the numbers of
/// `certificates_of`, with the same message type, on every PGA line of every sample (valid
/// and invalid, lenient parse).
#[test]
fn certificate_walk_agrees_with_certificates_of_on_every_sample_line() {
    let mut organic_lines = 0;
    for file in common::sample_files() {
        let data = std::fs::read(&file).expect("sample");
        let Ok(t) = Transmission::parse_with(&data, &ParseOptions::lenient()) else {
            continue;
        };
        for line in t.tree().pga_lines() {
            let full = OrganicLine::certificates_of(line);
            let mut walked = Vec::new();
            let kind = OrganicLine::for_each_certificate_number(line, |n| walked.push(n));
            match full {
                Some((message_type, certificates)) => {
                    organic_lines += 1;
                    assert_eq!(kind, Some(message_type), "{file:?}");
                    let numbers: Vec<_> = certificates.iter().map(|c| c.number).collect();
                    assert_eq!(walked, numbers, "{file:?}");
                }
                None => assert!(kind.is_none() && walked.is_empty(), "{file:?}"),
            }
        }
    }
    assert!(organic_lines > 20, "{organic_lines} organic lines compared");
}
