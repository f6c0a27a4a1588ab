//! The transmission builder reproduces the valid samples byte for byte
//! from typed values, and responses are correlated back to the submitted PGA lines.

use ace_pga::compose::{
    AnchorBuilder, Application, BuildError, BuiltTransmission, Envelope, OiGroupBuilder,
    PgaLineBuilder, TransactionBuilder, TransmissionBuilder,
};
use ace_pga::layout::Time;
use ace_pga::profile::ams_or::{CertificateSpec, EntitySpec, OrganicLineBuilder};
use ace_pga::records::{
    Body, Pg01, Pg02, Pg10, Pg19, Pg20, Pg21, Pg22, Pg24, Pg26, Pg27, Pg29, Pg30, RecordType, Se90,
    So70, So71, So72,
};
use ace_pga::response::{host, Correlation, Scope, Status, Unmatched};
use ace_pga::tree::{Item, PgaLine};
use ace_pga::validate::{Report, ValidateOptions};
use ace_pga::{Decimal, NaiveDate, Record, Terminator, Transmission};

mod common;

/// The 1-based line of the `n`-th record `id` of a valid sample, located at run time.
fn nth_line(name: &str, id: &str, n: usize) -> u32 {
    let lines = common::lines_of(&sample(name));
    u32::try_from(common::nth_line_of(&lines, id, n)).expect("line")
}

/// The 1-based line of the first record `id` of a valid sample.
fn line_of(name: &str, id: &str) -> u32 {
    nth_line(name, id, 1)
}

/// The Cargo Release header records of or2-single (and of its SX echo), as CBP lays them out
/// (SPEC 3.7, `host-records.csv`): `SE10` (entry `Q7K` `31547727`, check digit 7), `SE13`
/// contact, `SE15` bill.
const OR2_SE10: &str = "SE10AQ7K  31547727 01EI 86-44172030011800000048502704  2704";
const SE13: &str = "SE13DANA WHITFIELD                          5105550142";
const OR2_SE15: &str = "SE15RMEDU4829301756                                        00000480     N";
/// or2-single's `SE60` (HTS 0804508020, value 4850).
const OR2_SE60: &str = "SE6008045080200000004850";

fn sample(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("spec-samples/valid")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// Compares line by line first, so that a mismatch names the record.
fn assert_same(built: &[u8], expected: &[u8], name: &str) {
    let b: Vec<&[u8]> = built.split(|&c| c == b'\n').collect();
    let e: Vec<&[u8]> = expected.split(|&c| c == b'\n').collect();
    for (i, (x, y)) in b.iter().zip(&e).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y),
            "{name}: record {} differs",
            i + 1
        );
    }
    assert_eq!(b.len(), e.len(), "{name}: record count");
    assert_eq!(built, expected, "{name}: bytes");
}

/// The envelope of the Cargo Release samples (spec-samples/README.md, "Common envelope values").
fn sample_envelope<'a>(batch: &'a str, block: &'a str) -> Envelope<'a> {
    Envelope::new("2704", "Q7K", date(2026, 3, 16))
        .password("PW4821")
        .office("01")
        .batch_user_data(batch)
        .block_user_data(block)
}

fn or2_single_builder() -> TransmissionBuilder<'static> {
    let line = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg(Decimal::new(182400, 2))
        .lot("3", "PIU-KENT-2602-A")
        .lot("3", "PIU-KENT-2602-B");
    TransmissionBuilder::cargo_release(sample_envelope("ORGFIX-000101", "BLK-000101")).transaction(
        TransactionBuilder::new()
            .host(OR2_SE10)
            .host(SE13)
            .host(OR2_SE15)
            .host("SE40001PE ORGANIC FRESH MANGOES")
            .anchor(AnchorBuilder::new(OR2_SE60).oi_group(
                OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").organic(line),
            )),
    )
}

/// Validates a built transmission as of its transmission date (building never validates).
fn validated(built: &BuiltTransmission) -> Report {
    built.validate(&ValidateOptions::new(built.transmission_date()))
}

#[test]
fn builder_reproduces_or2_single_in_every_terminator_convention() {
    let built = or2_single_builder().build().expect("builds");
    let report = validated(&built);
    assert!(!report.has_errors(), "{report:#?}");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("or2-single.txt"),
        "or2-single",
    );
    assert_eq!(built.to_bytes(Terminator::CrLf), sample("or2-crlf.txt"));
    assert_eq!(
        built.to_bytes(Terminator::None),
        sample("or2-concatenated.txt")
    );
    let mut written = Vec::new();
    built
        .write_to(Terminator::Lf, &mut written)
        .expect("writes");
    assert_eq!(written, sample("or2-single.txt"));
    assert_eq!(
        built.records().len(),
        common::lines_of(&sample("or2-single.txt")).len()
    );
    let parsed = built.parse().expect("parses");
    assert_eq!(parsed.tree().pga_lines().count(), 1);
}

#[test]
fn builder_reproduces_or2_multi() {
    let line1 = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .certificate(CertificateSpec {
            transaction_type: 2,
            ..CertificateSpec::new("417-2093856104-561004")
        })
        .lot("3", "PIU-KENT-2602-A")
        .net_quantity_kg(Decimal::new(912000, 2));
    let line2 = OrganicLineBuilder::or2(2)
        .certificate(CertificateSpec::new("582-6617034925-104388"))
        .lot("2", "GH-ATA-77120")
        .lot("2", "GH-ATA-77121")
        .net_quantity_kg(Decimal::new(456000, 2));
    let tx = TransactionBuilder::new()
        .host("SE10AQ7K  31547735 01EI 86-44172030011800000155902704  2704")
        .host(SE13)
        .host("SE15RMEDU4829305512                                        00000480     N")
        .host("SE40001PE ORGANIC FRESH MANGOES")
        .anchor(
            AnchorBuilder::new("SE6008045080200000142500").oi_group(
                OiGroupBuilder::new("ORGANIC FRESH MANGOES KENT AND ATAULFO, 4 KG CARTONS")
                    .organic(line1)
                    .organic(line2),
            ),
        )
        .host("SE40002PE DRIED MANGO SLICES NOT ORGANIC")
        .anchor(AnchorBuilder::new("SE6099030301000000000240"))
        .anchor(
            AnchorBuilder::new("SE6008134050000000012100").oi_group(
                OiGroupBuilder::new("CONVENTIONAL DRIED MANGO SLICES, NOT ORGANIC, 10 KG BOXES")
                    .line(PgaLineBuilder::disclaimed(1, "AMS", "OR", "A")),
            ),
        )
        .host("SE40003PE CARDBOARD DISPLAY TRAYS")
        .anchor(AnchorBuilder::new("SE6048191000400000000350"));
    let built = TransmissionBuilder::cargo_release(sample_envelope("ORGFIX-000102", "BLK-000102"))
        .transaction(tx)
        .build()
        .expect("builds");
    let report = validated(&built);
    assert!(!report.has_errors(), "{report:#?}");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("or2-multi.txt"),
        "or2-multi",
    );
}

fn entity<'a>(
    role: &'a str,
    nop_id: &'a str,
    name: &'a str,
    address_1: &'a str,
    pg20: [&'a str; 6],
    pg21: [&'a str; 3],
) -> EntitySpec<'a> {
    let opt = |s: &'a str| (!s.is_empty()).then_some(s);
    EntitySpec {
        pg19: Pg19 {
            entity_role_code: Some(role),
            entity_identification_code: Some("331"),
            entity_number: Some(nop_id),
            entity_name: Some(name),
            address_line_1: Some(address_1),
        },
        address: Some(Pg20 {
            address_line_2: opt(pg20[0]),
            apartment_suite_number: opt(pg20[1]),
            city: opt(pg20[2]),
            state_province_code: opt(pg20[3]),
            country_code: opt(pg20[4]),
            postal_code: opt(pg20[5]),
        }),
        contact: Some(Pg21 {
            individual_name: Some(pg21[0]),
            telephone_number: Some(pg21[1]),
            email_or_fax: Some(pg21[2]),
            ..Default::default()
        }),
    }
}

#[test]
fn builder_reproduces_or1_full() {
    let line = OrganicLineBuilder::or1(1)
        .electronic_image_submitted()
        .intended_use_code("100.000")
        .product("ORGANIC FRESH MANGOES KENT VARIETY 4 KG CARTONS")
        .product("ORGANIC FRESH MANGOES ATAULFO VARIETY 4 KG CARTONS")
        .certificate(CertificateSpec {
            issue_date: Some(date(2026, 2, 27)),
            ..CertificateSpec::new("COOP-K9C-2026-000417")
        })
        .entity(entity(
            "EX",
            "2093856104",
            "FRUTALES DEL NORTE SAC",
            "AV GRAU 1450",
            ["FUNDO SANTA ROSA", "LT 4", "PIURA", "PIU", "PE", "20001"],
            ["LUCIA QUISPE", "51-73-555-0142", "EXPORT@FRUTALESNORTE.PE"],
        ))
        .entity(entity(
            "UC",
            "6617034925",
            "GREENHAVEN ORGANIC IMPORTS LLC",
            "1200 HARBOR WAY",
            ["BUILDING C", "210", "OAKLAND", "CA", "US", "94607"],
            [
                "DANIEL MORROW",
                "510-555-0187",
                "ORGANIC.DESK@GREENHAVEN-IMP.COM",
            ],
        ))
        .entity(entity(
            "ORI",
            "K9C",
            "ANDEAN ORGANIC CERTIFIERS SAC",
            "JR HUALLAGA 218",
            ["OFICINA 502", "", "LIMA", "LIM", "PE", "15001"],
            ["ROSA MENDOZA", "51-1-555-0190", "CERT@ANDEANORGANIC.PE"],
        ))
        .entity(entity(
            "ORC",
            "T4M",
            "PACIFIC ORGANIC VERIFICATION INC",
            "88 MARKET ST",
            ["FLOOR 4", "400", "SEATTLE", "WA", "US", "98101"],
            ["HELEN PARK", "206-555-0111", "REVIEWS@PACORGVERIFY.COM"],
        ))
        .entity(entity(
            "ORP",
            "3380517246",
            "NORTHWIND NATURAL FOODS INC",
            "455 DOCK RD",
            ["WAREHOUSE 2", "", "TACOMA", "WA", "US", "98421"],
            [
                "MARCUS ELLIS",
                "253-555-0166",
                "RECEIVING@NORTHWINDNATURAL.COM",
            ],
        ))
        .entity(entity(
            "ORC",
            "V2R",
            "MIDWEST ORGANIC ASSURANCE LLC",
            "9 LAKE ST",
            ["SECOND FLOOR", "2B", "MADISON", "WI", "US", "53703"],
            ["OWEN BRANDT", "608-555-0123", "CERTIFY@MWORGASSURE.ORG"],
        ))
        .entity(entity(
            "ORP",
            "7715209384",
            "PRAIRIE HARVEST FOODS CO",
            "2700 S 13TH ST",
            ["DOCK 6", "", "MILWAUKEE", "WI", "US", "53215"],
            [
                "NADIA KOWALSKI",
                "414-555-0139",
                "INBOUND@PRAIRIEHARVEST.COM",
            ],
        ))
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
            remarks_text: Some("PRODUCT CERTIFIED TO THE USDA ORGANIC STANDARD"),
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
        .net_quantity_kg(Decimal::new(1824000, 2));
    let tx = TransactionBuilder::new()
        .host("SE10AQ7K  31547743 01EI 86-44172030011800000048502704  2704")
        .host(SE13)
        .host("SE15RMEDU4829307790                                        00000480     N")
        .host("SE40001PE ORGANIC FRESH MANGOES")
        .anchor(
            AnchorBuilder::new(OR2_SE60).oi_group(
                OiGroupBuilder::new("ORGANIC FRESH MANGOES KENT AND ATAULFO, 4 KG CARTONS")
                    .organic(line),
            ),
        );
    let built = TransmissionBuilder::cargo_release(sample_envelope("ORGFIX-000103", "BLK-000103"))
        .transaction(tx)
        .build()
        .expect("builds");
    let report = validated(&built);
    assert!(!report.has_errors(), "{report:#?}");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("or1-full.txt"),
        "or1-full",
    );
}

#[test]
fn builder_reproduces_multi_agency() {
    let or2 = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("305-3380517246-009214"))
        .lot("3", "ID-RUS-2603-114")
        .net_quantity_kg(Decimal::new(1814369, 2));
    let mo1 = PgaLineBuilder::new(Pg01 {
        pga_line_number: Some(2),
        agency_code: Some("AMS"),
        program_code: Some("MO"),
        processing_code: Some("1"),
        intended_use_code: Some("100.000"),
        ..Default::default()
    })
    .record(Pg02 {
        item_type: Some("P"),
        product_code_qualifier_1: Some("UNS"),
        product_code_number_1: Some("50407132"),
        ..Default::default()
    })
    .record(Pg10 {
        characteristic_description: Some("ORGANIC RUSSET POTATOES U.S. NO. 1, 50 LB SACKS"),
        ..Default::default()
    })
    .record(Pg19 {
        entity_role_code: Some("AP1"),
        entity_name: Some("GREENHAVEN ORGANIC IMPORTS LLC"),
        address_line_1: Some("1200 HARBOR WAY"),
        ..Default::default()
    })
    .record(Pg20 {
        address_line_2: Some("BUILDING C"),
        apartment_suite_number: Some("210"),
        city: Some("OAKLAND"),
        state_province_code: Some("CA"),
        country_code: Some("US"),
        postal_code: Some("94607"),
    })
    .record(Pg21 {
        individual_role_code: Some("AP1"),
        individual_name: Some("DANIEL MORROW"),
        telephone_number: Some("510-555-0187"),
        email_or_fax: Some("ORGANIC.DESK@GREENHAVEN-IMP.COM"),
    })
    .record(Pg19 {
        entity_role_code: Some("LG"),
        entity_name: Some("BORDERLINE COLD STORAGE INC"),
        address_line_1: Some("16 CUSTOMS PLAZA RD"),
        ..Default::default()
    })
    .record(Pg20 {
        address_line_2: Some("DOOR 14"),
        city: Some("SUMAS"),
        state_province_code: Some("WA"),
        country_code: Some("US"),
        postal_code: Some("98295"),
        ..Default::default()
    })
    .record(Pg21 {
        individual_role_code: Some("GC"),
        individual_name: Some("TERESA VOSS"),
        telephone_number: Some("360-555-0148"),
        email_or_fax: Some("DOCK@BORDERLINECOLD.COM"),
    })
    .record(Pg26 {
        packaging_qualifier: Some(1),
        quantity: Some(Decimal::new(80000, 2)),
        unit_of_measure: Some("BG"),
        ..Default::default()
    })
    .record(Pg29 {
        unit_of_measure_line_net: Some("LB"),
        quantity_line_net: Some(Decimal::new(4000000, 2)),
        ..Default::default()
    })
    .record(Pg30 {
        inspection_status: Some("I"),
        inspection_arrival_date: Some(date(2026, 3, 18)),
        inspection_arrival_time: Some(Time {
            hour: 7,
            minute: 30,
            second: None,
        }),
        location_description: Some("BORDERLINE COLD STORAGE DOOR 14, SUMAS WA"),
        ..Default::default()
    });
    let fda = PgaLineBuilder::disclaimed(1, "FDA", "FOO", "C");
    let tx = TransactionBuilder::new()
        .host("SE10AQ7K  31547750 01EI 86-44172030011800000021502704  2704")
        .host(SE13)
        .host("SE15RONEY7720419935                                        00000480     N")
        .host("SE40001US ORGANIC RUSSET POTATOES")
        .anchor(
            AnchorBuilder::new("SE6007019050350000021500").oi_group(
                OiGroupBuilder::new("ORGANIC RUSSET POTATOES, FRESH, 50 LB SACKS")
                    .organic(or2)
                    .line(mo1)
                    .line(fda),
            ),
        );
    let built = TransmissionBuilder::cargo_release(sample_envelope("ORGFIX-000104", "BLK-000104"))
        .transaction(tx)
        .build()
        .expect("builds");
    let report = validated(&built);
    assert!(!report.has_errors(), "{report:#?}");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("multi-agency.txt"),
        "multi-agency",
    );
}

#[test]
fn builder_reproduces_entry_summary_ae() {
    let line = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .lot("3", "PIU-KENT-2602-A")
        .net_quantity_kg(Decimal::new(182400, 2));
    let tx = TransactionBuilder::new()
        .host("10Q7K315477611 01 2704 031626 86-4417203-00 Y")
        .host("11GREENHAVEN ORGANIC IMPORTS LLC")
        .host("40001PE PE 031226 MEDU")
        .anchor(
            AnchorBuilder::new("500804508020 000004850000 00001824000KG").oi_group(
                OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").organic(line),
            ),
        )
        .host("51MPF 0000000013")
        .host("52HMF 0000000006")
        .host("90000001 00000485000 00000001863");
    let built = TransmissionBuilder::entry_summary(sample_envelope("ORGFIX-000105", "BLK-000105"))
        .transaction(tx)
        .build()
        .expect("builds");
    let report = validated(&built);
    assert!(!report.has_errors(), "{report:#?}");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("entry-summary-ae.txt"),
        "entry-summary-ae",
    );
}

#[test]
fn builder_reproduces_the_cargo_release_response_fixture() {
    let echoed = PgaLineBuilder::new(Pg01 {
        pga_line_number: Some(1),
        agency_code: Some("AMS"),
        program_code: Some("OR"),
        processing_code: Some("2"),
        ..Default::default()
    })
    .record(Se90 {
        message_type_code: Some("13"),
        message_id_code: Some("PW2"),
        // The narrative is 10-49 (SPEC 7.1, revision 6.1).
        narrative: Some("AMS OR DATA RECEIVED - AGENCY REVIEW"),
    });
    // The rest of the echoed line, from the organic builder's records.
    let rest = OrganicLineBuilder::or2(1)
        .certificate(CertificateSpec::new("417-2093856104-557321"))
        .net_quantity_kg(Decimal::new(182400, 2))
        .lot("3", "PIU-KENT-2602-A")
        .lot("3", "PIU-KENT-2602-B")
        .build()
        .expect("organic records");
    let parsed: Vec<Record<'_>> = rest
        .iter()
        .skip(1)
        .map(|r| {
            let t = Transmission::parse(r).expect("one record");
            *t.records().next().expect("record")
        })
        .collect();
    let echoed = parsed
        .iter()
        .fold(echoed, |l, r| l.record(r.body().expect("typed")));
    let tx = TransactionBuilder::new()
        .host(OR2_SE10)
        .host(SE13)
        .host(OR2_SE15)
        .host("SE40001PE ORGANIC FRESH MANGOES")
        .anchor(AnchorBuilder::new(OR2_SE60).oi_group(
            OiGroupBuilder::new("ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS").line(echoed),
        ))
        .record(Se90 {
            message_type_code: Some("02"),
            narrative: Some("CARGO RELEASE DATA ACCEPTED"),
            ..Default::default()
        });
    let built = TransmissionBuilder::new(
        Application::Other("SX".into()),
        sample_envelope("ORGFIX-000101", "BLK-000101").with_record_count(),
    )
    .transaction(tx)
    .build()
    .expect("builds");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("sx-response.txt"),
        "sx-response",
    );
}

#[test]
fn builder_reproduces_the_status_notification_fixture() {
    let so70 = |time: (u32, u32), status: &'static str, message: &'static str| So70 {
        agency_code: Some("AMS"),
        program_code: Some("OR"),
        status_date: Some(date(2026, 3, 17)),
        status_time: Some(Time {
            hour: time.0 as u8,
            minute: time.1 as u8,
            second: None,
        }),
        entry_status_code: Some(status),
        entry_status_message: Some(message),
        pga_line_status_code: Some(status),
        begin_cbp_line_number: Some(1),
        begin_tariff_position: Some(1),
        begin_pga_line_number: Some(1),
        end_cbp_line_number: Some(1),
        end_tariff_position: Some(1),
        end_pga_line_number: Some(1),
        processing_group_version: Some("02"),
        ..Default::default()
    };
    let so71 = |seconds: (u8, u8, u8), sub_reason: Option<&'static str>| So71 {
        reference_qualifier_1: Some("EN"),
        reference_number_1: Some("Q7K31547727"),
        receipt_date: Some(date(2026, 3, 17)),
        receipt_time: Some(Time {
            hour: seconds.0,
            minute: seconds.1,
            second: Some(seconds.2),
        }),
        sub_reason_code_1: sub_reason,
        reference_qualifier_2: Some("BL"),
        reference_number_2: Some("MEDU4829301756"),
        ..Default::default()
    };
    // SO10 as CBP lays it out (SPEC 3.7): filer code 9-11, entry number 14-21.
    let so10 = "SO102704Q7K  31547727 0186-441720300MEDUMSC ARIANE          NX611031726";
    let tx = TransactionBuilder::new()
        .host(so10)
        .record(So70 {
            status_reason_code: Some("01"),
            document_type_code: Some("AM1"),
            ..so70((9, 12), "10", "DOCUMENT REQUIRED")
        })
        .record(so71((9, 11, 7), Some("A01")))
        .record(So72 {
            comment_text: Some("SUBMIT NOP IMPORT CERTIFICATE 417-2093856104-557321 THROUGH DIS"),
        })
        .host(so10)
        .record(so70((11, 40), "07", "MAY PROCEED"))
        .record(so71((11, 39, 52), None))
        .record(So72 {
            comment_text: Some("NOP IMPORT CERTIFICATE VERIFIED. SHIPMENT MAY PROCEED."),
        });
    let envelope = Envelope::new("2704", "Q7K", date(2026, 3, 17))
        .password("PW4821")
        .office("01");
    let built = TransmissionBuilder::new(Application::Other("SO".into()), envelope)
        .transaction(tx)
        .build()
        .expect("builds");
    assert_same(
        &built.to_bytes(Terminator::Lf),
        &sample("so-status.txt"),
        "so-status",
    );
}

/// Rebuilds a parsed transmission with the builder API only: envelope values from the typed
/// `A`/`B`/`Y` bodies, host records raw, everything else as typed bodies.
fn rebuild(t: &Transmission<'_>) -> Vec<u8> {
    let batch = &t.tree().batches[0];
    let Some(Body::BatchHeader(a)) = batch.header.as_ref().and_then(|n| n.record.body()) else {
        panic!("no A")
    };
    let block = &batch.blocks[0];
    let Some(Body::BlockHeader(b)) = block.header.as_ref().and_then(|n| n.record.body()) else {
        panic!("no B")
    };
    let Some(Body::BlockTrailer(y)) = block.trailer.as_ref().and_then(|n| n.record.body()) else {
        panic!("no Y")
    };
    let mut env = Envelope::new(
        a.sender_site_code.expect("site"),
        a.sender_id_code.expect("sender"),
        a.transmission_date.expect("date"),
    )
    .district_port(b.district_port_code.expect("port"))
    .filer_code(b.filer_code.expect("filer"));
    if let Some(p) = a.communication_password {
        env = env.password(p);
    }
    if let Some(o) = a.sender_office_code {
        env = env.office(o);
    }
    if let Some(u) = a.user_data {
        env = env.batch_user_data(u);
    }
    if let Some(u) = b.user_data {
        env = env.block_user_data(u);
    }
    if y.record_count.is_some() {
        env = env.with_record_count();
    }
    let mut builder = TransmissionBuilder::new(
        Application::Other(b.application_id.expect("app").into()),
        env,
    );
    fn add<'a>(tx: TransactionBuilder<'a>, r: &Record<'a>) -> TransactionBuilder<'a> {
        match r.body() {
            Some(body) => tx.record(body),
            None => tx.host_exact(r.raw()),
        }
    }
    fn line<'a>(l: &PgaLine<Record<'a>>) -> PgaLineBuilder<'a> {
        let Some(Body::Pg01(pg01)) = l.pg01.record.body() else {
            panic!("PG01")
        };
        l.records().skip(1).fold(PgaLineBuilder::new(pg01), |b, r| {
            b.record(r.body().expect("typed child"))
        })
    }
    for t in &block.transactions {
        let mut tx = TransactionBuilder::new();
        for item in &t.items {
            match item {
                Item::Record(n) => {
                    tx = add(tx, &n.record);
                    for c in &n.conditions {
                        tx = add(tx, c);
                    }
                }
                Item::Anchor(a) => {
                    assert!(a.anchor.conditions.is_empty());
                    let mut ab = AnchorBuilder::new(a.anchor.record.raw());
                    for s in &a.sub_records {
                        ab = ab.sub_record(s.record.raw());
                    }
                    if let Some(g) = &a.oi_group {
                        let Some(Body::Oi(oi)) = g.oi.as_ref().and_then(|n| n.record.body()) else {
                            panic!("OI")
                        };
                        let mut gb = OiGroupBuilder::new(oi.commercial_description.expect("desc"));
                        for l in &g.lines {
                            gb = gb.line(line(l));
                        }
                        ab = ab.oi_group(gb);
                    }
                    tx = tx.anchor(ab);
                }
                Item::Disposition(d) => {
                    tx = add(tx, &d.so70.record);
                    for n in &d.details {
                        tx = add(tx, &n.record);
                    }
                }
                other => panic!("not expected in the samples: {other:?}"),
            }
        }
        builder = builder.transaction(tx);
    }
    let built = builder.build().expect("builds");
    built.to_bytes(t.tree().framing.terminator)
}

#[test]
fn builder_api_expresses_every_valid_sample() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-samples/valid");
    let mut n = 0;
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "txt") {
            continue;
        }
        let input = std::fs::read(&p).expect("sample");
        let t = Transmission::parse(&input).expect("valid");
        assert_eq!(rebuild(&t), input, "{}", p.display());
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn builder_refuses_values_that_do_not_fit_and_bad_host_records() {
    let too_long = OrganicLineBuilder::or2(1).lot("3", "A-LOT-NUMBER-MUCH-LONGER-THAN-25");
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y")).transaction(
        TransactionBuilder::new().host(OR2_SE10).anchor(
            AnchorBuilder::new("SE60").oi_group(OiGroupBuilder::new("D").organic(too_long)),
        ),
    );
    match b.build() {
        Err(BuildError::Encode { at, source }) => {
            // A, B, SE10, SE60, OI, then the line: PG01 (6), PG02 (7), PG25 (8).
            assert_eq!(at.index, Some(8), "the PG25 is the 8th record");
            assert_eq!(at.record.as_deref(), Some("PG25"));
            assert_eq!((source.record, source.field), ("PG25", "lot_number"));
        }
        other => panic!("{other:?}"),
    }
    let long_host = "X".repeat(81);
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y"))
        .transaction(TransactionBuilder::new().host(&long_host));
    assert!(matches!(
        b.build(),
        Err(BuildError::HostLength { at, len: 81 }) if at.index == Some(3)
    ));
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y"))
        .transaction(TransactionBuilder::new().host_exact("SE10"));
    assert!(matches!(
        b.build(),
        Err(BuildError::HostLength { len: 4, .. })
    ));
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y"))
        .transaction(TransactionBuilder::new().host("SE10\nPG01"));
    assert!(matches!(
        b.build(),
        Err(BuildError::HostTerminator { column: 5, .. })
    ));
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y"))
        .transaction(TransactionBuilder::new().anchor(AnchorBuilder::new("SE40001")));
    assert!(matches!(b.build(), Err(BuildError::NotAnAnchor { .. })));
    let b = TransmissionBuilder::cargo_release(sample_envelope("lower case", "Y"));
    assert!(matches!(
        b.build(),
        Err(BuildError::Encode { at, .. }) if at.index == Some(1)
    ));
}

#[test]
fn validating_a_build_is_an_explicit_step_that_returns_findings() {
    // An OR2 line without certificate and without quantity: OR-026 and OR-028.
    let b = TransmissionBuilder::cargo_release(sample_envelope("X", "Y")).transaction(
        TransactionBuilder::new()
            .host(OR2_SE10)
            .host(SE13)
            .host(OR2_SE15)
            .host("SE40001PE ORGANIC FRESH MANGOES")
            .anchor(AnchorBuilder::new(OR2_SE60).oi_group(
                OiGroupBuilder::new("ORGANIC MANGOES").organic(OrganicLineBuilder::or2(1)),
            )),
    );
    let built = b.build().expect("builds");
    let pg01_line = built
        .records()
        .iter()
        .position(|r| r.starts_with(b"PG01"))
        .map(|i| u32::try_from(i + 1).expect("line"));
    let report = validated(&built);
    assert!(report.has_errors());
    let rules: Vec<&str> = report.errors().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"OR-026"), "{rules:?}");
    assert!(rules.contains(&"OR-028"), "{rules:?}");
    let pg01 = report
        .errors()
        .find(|f| f.rule == "OR-026")
        .and_then(|f| f.location.line);
    assert!(pg01_line.is_some());
    assert_eq!(pg01, pg01_line);
    // The bytes are still available: validation informs, it does not refuse.
    assert_eq!(
        built.to_bytes(Terminator::None).len(),
        built.records().len() * 80
    );
}

// ---------------------------------------------------------------------------------------
// Response correlation
// ---------------------------------------------------------------------------------------

fn correlate(submission: &str, responses: &[(&str, Vec<u8>)]) -> Correlation {
    let sub = sample(submission);
    let mut book = Correlation::new(&Transmission::parse(&sub).expect("submission"));
    for (name, bytes) in responses {
        let t = Transmission::parse(bytes).expect("response");
        book.add_response(name, &t);
    }
    book
}

#[test]
fn status_of_the_or2_single_line_from_sx_and_so() {
    let book = correlate(
        "or2-single.txt",
        &[
            ("sx-response.txt", sample("sx-response.txt")),
            ("so-status.txt", sample("so-status.txt")),
        ],
    );
    assert_eq!(book.lines().len(), 1);
    let l = book.line(0).expect("a line");
    // Address: entry Q7K 31547727, CBP line 1, tariff position 1, AMS line 1.
    let a = &l.line.address;
    let entry = a.entry.as_ref().expect("entry");
    assert_eq!(
        (entry.filer.as_deref(), entry.number.as_str()),
        (Some("Q7K"), "31547727")
    );
    assert_eq!(a.triple(), Some((1, 1, 1)));
    assert_eq!(a.agency.as_deref(), Some("AMS"));
    let pg01 = line_of("or2-single.txt", "PG01");
    assert_eq!(l.line.pg01_line, pg01);
    assert_eq!(l.line.anchor_line, Some(line_of("or2-single.txt", "SE60")));
    assert_eq!(l.line.message_type(), "OR2");
    assert_eq!(l.line.certificates, ["417-2093856104-557321"]);

    // SX: the record-level SE90 after the echoed PG01, and the final acceptance.
    assert_eq!(l.conditions().len(), 1);
    let c = l.conditions().next().expect("a condition");
    assert_eq!(c.scope, Scope::Line);
    assert_eq!(c.source.line, nth_line("sx-response.txt", "SE90", 1));
    assert_eq!(c.after_record.as_deref(), Some("PG01"));
    assert_eq!(c.submitted_line, Some(pg01));
    assert_eq!(
        (
            c.message_type.as_deref(),
            c.message_id.as_deref(),
            c.narrative.as_deref()
        ),
        (
            Some("13"),
            Some("PW2"),
            Some("AMS OR DATA RECEIVED - AGENCY REVIEW")
        )
    );
    assert_eq!(l.cargo_release().len(), 1);
    let cr = l.cargo_release().next().expect("a final SE90");
    assert_eq!(cr.message_type.as_deref(), Some("02"));
    assert_eq!(cr.source.line, nth_line("sx-response.txt", "SE90", 2));

    // SO: two dispositions; the latest is 07 MAY PROCEED.
    assert_eq!(l.dispositions().len(), 2);
    let history: Vec<_> = l.history().iter().map(|d| d.status_code()).collect();
    assert_eq!(history, [Some("10"), Some("07")]);
    let first = l.history()[0];
    assert_eq!(first.document_type.as_deref(), Some("AM1"));
    assert_eq!(first.sub_reasons, ["A01"]);
    assert_eq!(
        first.comments,
        ["SUBMIT NOP IMPORT CERTIFICATE 417-2093856104-557321 THROUGH DIS"]
    );
    let latest = l.latest().expect("latest");
    assert_eq!(latest.source.line, nth_line("so-status.txt", "SO70", 2));
    assert_eq!(latest.status_code(), Some("07"));
    assert_eq!(latest.entry_status_message.as_deref(), Some("MAY PROCEED"));
    assert_eq!(
        latest.meaning(),
        Some("May proceed (final for this agency)")
    );
    assert_eq!(latest.status_date, Some(date(2026, 3, 17)));
    assert_eq!(
        latest.status_time.map(|t| t.to_string()).as_deref(),
        Some("11:40")
    );
    assert_eq!(
        latest.references,
        [
            (Some("EN".to_string()), "Q7K31547727".to_string()),
            (Some("BL".to_string()), "MEDU4829301756".to_string())
        ]
    );
    assert_eq!(l.status(), Status::MayProceed);
    assert!(book.unmatched.is_empty(), "{:?}", book.unmatched);

    // The certificate question.
    let by_cert = book.by_certificate("417-2093856104-557321");
    assert_eq!(by_cert.len(), 1);
    assert_eq!(by_cert[0].status(), Status::MayProceed);
    assert!(book.by_certificate("417-2093856104-000000").is_empty());
    assert_eq!(
        book.by_pg01_line(pg01).map(|l| l.status()),
        Some(Status::MayProceed)
    );

    // Response summaries.
    assert_eq!(book.responses.len(), 2);
    assert_eq!(book.responses[0].application_ids, ["SX"]);
    assert_eq!(book.responses[0].user_data_matches, Some(true));
    assert_eq!(book.responses[0].conditions_matched, 2);
    assert_eq!(book.responses[1].application_ids, ["SO"]);
    assert_eq!(book.responses[1].user_data_matches, None);
    assert_eq!(book.responses[1].dispositions_matched, 2);
}

#[test]
fn status_is_independent_of_arrival_order_and_steps_through_time() {
    // Only the SX: accepted, awaiting the agency.
    let book = correlate("or2-single.txt", &[("sx", sample("sx-response.txt"))]);
    assert_eq!(book.line(0).expect("a line").status(), Status::Accepted);
    // Nothing: not reported.
    let book = correlate("or2-single.txt", &[]);
    assert_eq!(book.line(0).expect("a line").status(), Status::NotReported);
    // SO before SX, and the 07 notification split off first: still 07.
    let so = sample("so-status.txt");
    let book = correlate(
        "or2-single.txt",
        &[("so", so.clone()), ("sx", sample("sx-response.txt"))],
    );
    assert_eq!(book.line(0).expect("a line").status(), Status::MayProceed);
    // Only the first notification (document required): without the second SO10 and its
    // SO70, SO71, SO72.
    let (second, y) = (
        nth_line("so-status.txt", "SO10", 2) as usize,
        line_of("so-status.txt", "Y") as usize,
    );
    assert_eq!(y - second, 4);
    let first_only: Vec<u8> = so
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .filter(|(i, _)| !(second - 1..y - 1).contains(i))
        .flat_map(|(_, l)| l.to_vec())
        .collect();
    let book = correlate("or2-single.txt", &[("so", first_only)]);
    assert_eq!(
        book.line(0).expect("a line").status(),
        Status::DocumentRequired
    );
}

/// A status notification built with the builder (another use of it: response fixtures).
fn notification(
    entry: &'static str,
    dispositions: &[(So70<'static>, Option<&'static str>)],
) -> Vec<u8> {
    let mut tx = TransactionBuilder::new();
    for (so70, reference) in dispositions {
        if !entry.is_empty() {
            // SO10 as CBP lays it out (SPEC 3.7): filer code 9-11, entry number 14-21.
            let (filer, number) = entry.split_at(3);
            tx = tx.host(format!(
                "SO102704{filer}  {number} 0186-441720300MEDUMSC ARIANE          NX611031726"
            ));
        }
        tx = tx.record(*so70);
        if let Some(r) = reference {
            tx = tx.record(So71 {
                reference_qualifier_1: Some("EN"),
                reference_number_1: Some(r),
                ..Default::default()
            });
        }
    }
    TransmissionBuilder::new(
        Application::Other("SO".into()),
        Envelope::new("2704", "Q7K", date(2026, 3, 17)).office("01"),
    )
    .transaction(tx)
    .build()
    .expect("builds")
    .to_bytes(Terminator::Lf)
}

fn so70(
    agency: &'static str,
    code: &'static str,
    begin: (u64, u64, u64),
    end: (u64, u64, u64),
) -> So70<'static> {
    So70 {
        agency_code: Some(agency),
        status_date: Some(date(2026, 3, 17)),
        status_time: Some(Time {
            hour: 10,
            minute: 0,
            second: None,
        }),
        entry_status_code: Some(code),
        pga_line_status_code: Some(code),
        begin_cbp_line_number: Some(begin.0),
        begin_tariff_position: Some(begin.1),
        begin_pga_line_number: Some(begin.2),
        end_cbp_line_number: Some(end.0),
        end_tariff_position: Some(end.1),
        end_pga_line_number: Some(end.2),
        processing_group_version: Some("02"),
        ..Default::default()
    }
}

#[test]
fn so70_ranges_select_lines_by_cbp_line_tariff_position_and_agency() {
    // or2-multi: CBP line 1 / position 1 has AMS lines 1 and 2; CBP line 2 has its OI under
    // the second SE60 (tariff position 2) with AMS line 1 (disclaimed).
    let so = notification(
        "Q7K31547735",
        &[
            (so70("AMS", "07", (1, 1, 1), (1, 1, 2)), None),
            (so70("AMS", "10", (2, 2, 1), (2, 2, 1)), None),
            (so70("AMS", "04", (2, 1, 1), (2, 1, 1)), None), // no PGA data at 2/1
        ],
    );
    let book = correlate("or2-multi.txt", &[("so", so)]);
    let triples: Vec<_> = book.lines().map(|l| l.line.address.triple()).collect();
    assert_eq!(triples, [Some((1, 1, 1)), Some((1, 1, 2)), Some((2, 2, 1))]);
    let statuses: Vec<Status> = book.lines().map(|l| l.status()).collect();
    assert_eq!(
        statuses,
        [
            Status::MayProceed,
            Status::MayProceed,
            Status::DocumentRequired
        ]
    );
    assert_eq!(book.unmatched.len(), 1);
    assert!(
        matches!(&book.unmatched[0], Unmatched::Disposition(d) if d.status_code() == Some("04"))
    );

    // multi-agency: AMS 1..2 hits both AMS lines, FDA 1 only the FDA line.
    let so = notification(
        "Q7K31547750",
        &[
            (so70("AMS", "07", (1, 1, 1), (1, 1, 2)), None),
            (so70("FDA", "10", (1, 1, 1), (1, 1, 1)), None),
        ],
    );
    let book = correlate("multi-agency.txt", &[("so", so)]);
    let got: Vec<(String, Status)> = book
        .lines()
        .map(|l| (l.line.message_type(), l.status()))
        .collect();
    assert_eq!(
        got,
        [
            ("OR2".to_string(), Status::MayProceed),
            ("MO1".to_string(), Status::MayProceed),
            ("FOO".to_string(), Status::DocumentRequired),
        ]
    );
}

#[test]
fn dispositions_for_another_entry_or_without_version_match_nothing() {
    let mut blank_version = so70("AMS", "07", (1, 1, 1), (1, 1, 1));
    blank_version.processing_group_version = None;
    let so = notification(
        "Q7K99999999",
        &[(so70("AMS", "07", (1, 1, 1), (1, 1, 1)), None)],
    );
    // The entry of or2-single: only the blank version keeps it from matching.
    let so2 = notification("Q7K31547727", &[(blank_version, None)]);
    let book = correlate(
        "or2-single.txt",
        &[("other entry", so), ("no version", so2)],
    );
    assert_eq!(book.line(0).expect("a line").status(), Status::NotReported);
    assert_eq!(book.unmatched.len(), 2);
}

#[test]
fn entry_summary_lines_are_addressed_through_the_40_record_and_so71_reference() {
    // A UC-style notification without an SO10 header: the entry comes from the SO71 EN
    // reference.
    let uc = notification(
        "",
        &[(so70("AMS", "10", (1, 1, 1), (1, 1, 1)), Some("Q7K31547761"))],
    );
    let book = correlate("entry-summary-ae.txt", &[("uc", uc)]);
    let l = book.line(0).expect("a line");
    let entry = l.line.address.entry.as_ref().expect("entry");
    assert_eq!(entry.to_string(), "Q7K31547761");
    assert_eq!(l.line.address.triple(), Some((1, 1, 1)));
    assert_eq!(l.status(), Status::DocumentRequired);
    let d = l.latest().expect("disposition");
    assert_eq!(
        d.entry.as_ref().map(ToString::to_string).as_deref(),
        Some("Q7K31547761")
    );
    // A reference to another entry does not match.
    let uc = notification(
        "",
        &[(so70("AMS", "10", (1, 1, 1), (1, 1, 1)), Some("Q7K31547779"))],
    );
    let book = correlate("entry-summary-ae.txt", &[("uc", uc)]);
    assert_eq!(book.line(0).expect("a line").status(), Status::NotReported);
}

#[test]
fn a_rejecting_cargo_release_response_marks_the_lines_rejected() {
    // The SX of or2-single with its final SE90 turned into 01 (rejected) and a record-level
    // 11 on the PG14.
    let sx = String::from_utf8(sample("sx-response.txt")).expect("ASCII");
    let mut lines: Vec<String> = sx.lines().map(str::to_string).collect();
    let final_se90 = nth_line("sx-response.txt", "SE90", 2) as usize;
    let (pg14, y) = (
        line_of("sx-response.txt", "PG14") as usize,
        line_of("sx-response.txt", "Y") as usize,
    );
    assert!(pg14 < final_se90 && final_se90 < y);
    lines[final_se90 - 1] = format!("{:<80}", "SE9001   CARGO RELEASE DATA REJECTED");
    // After the PG14: the Y moves down one line and counts one record more.
    lines.insert(pg14, format!("{:<80}", "SE9011PH6INVALID LPCO NUMBER"));
    let count = y - 2 - 1; // the records between B (line 2) and Y
    let (old, new) = (format!("{count:05}"), format!("{:05}", count + 1));
    assert_eq!(&lines[y][12..17], old, "Y.record_count, bytes 13-17");
    lines[y] = lines[y].replacen(&old, &new, 1);
    let text = lines.join("\n") + "\n";
    let book = correlate("or2-single.txt", &[("sx", text.into_bytes())]);
    let l = book.line(0).expect("a line");
    assert_eq!(l.status(), Status::Rejected);
    let c = l
        .conditions()
        .find(|c| c.message_type.as_deref() == Some("11"))
        .expect("record-level rejection");
    assert_eq!(c.after_record.as_deref(), Some("PG14"));
    assert_eq!(
        c.submitted_line,
        Some(line_of("or2-single.txt", "PG14")),
        "the PG14 of the submission"
    );
    assert!(c.is_rejection());
    assert_eq!(
        c.meaning(),
        Some("Record rejected (the SE90 follows the record in error)")
    );
}

#[test]
fn host_positions_are_documented_in_one_table() {
    let se10 = OR2_SE10.as_bytes();
    assert_eq!(host::SE10_ENTRY_FILER.read(se10), Some("Q7K"));
    assert_eq!(host::SE10_ENTRY_NUMBER.read(se10), Some("31547727"));
    assert_eq!(host::SE40_CBP_LINE.read(b"SE40001PE ORGANIC"), Some("001"));
    assert_eq!(
        host::AE40_CBP_LINE.read(b"40001PE PE 031226 MEDU"),
        Some("001")
    );
    assert_eq!(
        host::AE10_ENTRY_NUMBER.read(b"10Q7K315477611 01"),
        Some("31547761")
    );
    // CBP's SO10 (SPEC 3.7): district/port 5-8, filer code 9-11, entry number 14-21.
    let so10 = b"SO102704Q7K  31547727 0186-441720300MEDUMSC ARIANE          NX611031726";
    assert_eq!(host::SO10_ENTRY_FILER.read(so10), Some("Q7K"));
    assert_eq!(host::SO10_ENTRY_NUMBER.read(so10), Some("31547727"));
    assert_eq!(host::HOST_FIELDS.len(), 8);
    assert_eq!(host::SE40_CBP_LINE.read(b"SE40"), None);
    let _ = RecordType::Host;
}

#[cfg(feature = "cli")]
#[test]
fn cli_status_prints_the_latest_disposition() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .current_dir(dir)
        .args([
            "status",
            "spec-samples/valid/or2-single.txt",
            "spec-samples/valid/sx-response.txt",
            "spec-samples/valid/so-status.txt",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let first = text.lines().next().expect("a line");
    let pg01 = line_of("or2-single.txt", "PG01");
    let se90 = nth_line("sx-response.txt", "SE90", 1);
    let so70 = nth_line("so-status.txt", "SO70", 2);
    assert_eq!(
        first,
        format!(
            "spec-samples/valid/or2-single.txt:{pg01}: AMS OR2 (entry Q7K31547727, CBP line 1, \
             tariff position 1, AMS line 1, certificate 417-2093856104-557321): 07 may proceed"
        )
    );
    assert!(
        text.contains(&format!(
            "condition      13 PW2 AMS OR DATA RECEIVED - AGENCY REVIEW  \
             [spec-samples/valid/sx-response.txt:{se90} after PG01 line {pg01}]"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "disposition    2026-03-17 11:40 AMS 07 MAY PROCEED  \
             [spec-samples/valid/so-status.txt:{so70}]"
        )),
        "{text}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .current_dir(dir)
        .args([
            "status",
            "--format",
            "json",
            "--certificate",
            "417-2093856104-557321",
            "spec-samples/valid/or2-single.txt",
            "spec-samples/valid/sx-response.txt",
            "spec-samples/valid/so-status.txt",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["lines"][0]["status"], "may_proceed");
    assert_eq!(v["lines"][0]["latest"]["pga_line_status_code"], "07");
    assert_eq!(
        v["lines"][0]["line"]["certificates"][0],
        "417-2093856104-557321"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .current_dir(dir)
        .args([
            "status",
            "--certificate",
            "999-0000000000-000000",
            "spec-samples/valid/or2-single.txt",
            "spec-samples/valid/so-status.txt",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}
