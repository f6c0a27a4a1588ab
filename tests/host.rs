//! Host records (SPEC 3.7, issue 12): every host layout of `src/records/host_table.rs` against
//! `spec/host-records.csv`, typed views of the samples' host records, the builders, and the
//! entry-number check digit.

mod common;

use std::collections::BTreeMap;

use ace_pga::layout::{Class, Kind};
use ace_pga::records::host;
use ace_pga::records::{host_layout, Se10, Se13, Se40, Se60, So10, HOST_LAYOUTS};
use ace_pga::{RecordType, Transmission};

/// One row of `host-records.csv`: record, field, start, end, length, class, designation,
/// decimals, format.
type Row = (
    String,
    String,
    u8,
    u8,
    usize,
    String,
    String,
    String,
    String,
);

fn host_rows() -> Vec<Row> {
    let path = common::repo_path("spec/host-records.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("spec/host-records.csv opens");
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("row");
        let g = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        rows.push((
            g(0),
            g(1),
            g(2).parse().expect("start"),
            g(3).parse().expect("end"),
            g(4).parse().expect("length"),
            g(5),
            g(6),
            g(7),
            g(8),
        ));
    }
    rows
}

#[test]
fn every_host_layout_matches_host_records_csv() {
    let rows = host_rows();
    let mut order: Vec<String> = Vec::new();
    let mut by_record: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for r in &rows {
        if !order.contains(&r.0) {
            order.push(r.0.clone());
        }
        by_record.entry(r.0.clone()).or_default().push(r.clone());
    }
    assert_eq!(order.len(), 36, "host-records.csv lays out 36 host records");
    let ids: Vec<&str> = HOST_LAYOUTS.iter().map(|l| l.id).collect();
    assert_eq!(ids, order, "HOST_LAYOUTS in host-records.csv order");
    for layout in HOST_LAYOUTS {
        let id = layout.id;
        assert_eq!(
            host_layout(id.as_bytes()),
            Some(*layout),
            "{id}: host_layout"
        );
        assert_eq!(layout.name, id);
        assert_eq!(layout.variant, None);
        // A host layout is no layout of records.csv: the dump keeps host records raw.
        assert_eq!(
            RecordType::from_id(id),
            None,
            "{id}: not a records.csv layout"
        );
        let rows = &by_record[id];
        let rid: Vec<&Row> = rows.iter().filter(|r| r.1 == "record_id").collect();
        assert_eq!(rid.len(), 1, "{id}: one record_id row");
        assert_eq!(
            (rid[0].2, usize::from(rid[0].3)),
            (1, id.len()),
            "{id}: record_id"
        );
        let fillers: Vec<(u8, u8)> = rows
            .iter()
            .filter(|r| r.1 == "filler")
            .map(|r| (r.2, r.3))
            .collect();
        let got: Vec<(u8, u8)> = layout.fillers.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(got, fillers, "{id}: fillers");
        let fields: Vec<&Row> = rows
            .iter()
            .filter(|r| r.1 != "record_id" && r.1 != "filler")
            .collect();
        let names: Vec<&str> = fields.iter().map(|r| r.1.as_str()).collect();
        let defs: Vec<&str> = layout.fields.iter().map(|f| f.name).collect();
        assert_eq!(defs, names, "{id}: field names in order");
        for r in fields {
            let f = layout.field(&r.1).expect("field");
            let what = format!("{id}.{}", r.1);
            assert_eq!((f.start, f.end), (r.2, r.3), "{what}: position");
            assert_eq!(f.len(), r.4, "{what}: length");
            assert_eq!(f.class.as_str(), r.5, "{what}: class");
            assert_eq!(f.designation.as_str(), r.6, "{what}: designation");
            let decimals: u8 = if r.7.is_empty() {
                0
            } else {
                r.7.parse().expect("decimals")
            };
            assert_eq!(f.kind.decimals(), decimals, "{what}: decimals");
            assert_eq!(
                f.kind.format(),
                (!r.8.is_empty()).then_some(r.8.as_str()),
                "{what}: format"
            );
            match f.class {
                Class::A | Class::AN | Class::X => assert_eq!(f.kind, Kind::Text, "{what}"),
                Class::N | Class::D => assert_ne!(f.kind, Kind::Text, "{what}"),
            }
        }
        // Every byte 1..=80 covered once by the identifier, the fields and the fillers.
        let mut cover = [0u8; 81];
        let mut mark = |s: u8, e: u8| (s..=e).for_each(|c| cover[usize::from(c)] += 1);
        mark(1, u8::try_from(id.len()).expect("short id"));
        layout.fields.iter().for_each(|f| mark(f.start, f.end));
        layout.fillers.iter().for_each(|f| mark(f.start, f.end));
        assert!(cover[1..].iter().all(|&n| n == 1), "{id}: cover {cover:?}");
    }
}

/// The positions `records::host` reads are those of `host-records.csv`, taken from the host
/// layouts.
#[test]
fn host_positions_come_from_the_host_layouts() {
    for (f, layout, name) in [
        (host::SE10_ENTRY_FILER, Se10::LAYOUT, "entry_filer_code"),
        (host::SE10_ENTRY_NUMBER, Se10::LAYOUT, "entry_number"),
        (host::SE40_CBP_LINE, Se40::LAYOUT, "line_item_number"),
        (host::SE60_HTS_NUMBER, Se60::LAYOUT, "hts_number"),
        (host::SO10_ENTRY_FILER, So10::LAYOUT, "entry_filer_code"),
        (host::SO10_ENTRY_NUMBER, So10::LAYOUT, "entry_number"),
    ] {
        let d = layout.field(name).expect("field");
        assert_eq!((f.record, f.name), (layout.id, name));
        assert_eq!((f.start, f.end), (usize::from(d.start), usize::from(d.end)));
    }
}

#[test]
fn record_view_reads_the_samples_host_records() {
    let data = common::or2_single();
    let t = Transmission::parse(&data).expect("parses");
    let mut seen = Vec::new();
    t.tree().for_each_record(|r| {
        if let Some(se10) = r.view::<Se10>() {
            assert_eq!(
                r.record_type(),
                RecordType::Host,
                "a host record stays Host"
            );
            seen.push(format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                se10.action_code(),
                se10.entry_filer_code(),
                se10.entry_number(),
                se10.entry_type(),
                se10.bond_type(),
                se10.estimated_entry_value()
            ));
            assert!(r.view::<Se13>().is_none(), "SE10 is not an SE13");
        }
        if let Some(se13) = r.view::<Se13>() {
            seen.push(format!("{:?}", se13.contact_name()));
        }
        if let Some(se40) = r.view::<Se40>() {
            seen.push(format!(
                "{:?} {:?}",
                se40.line_item_number(),
                se40.country_of_origin()
            ));
        }
        if let Some(se60) = r.view::<Se60>() {
            seen.push(format!(
                "{:?} {:?}",
                se60.hts_number(),
                se60.line_item_value()
            ));
        }
    });
    assert_eq!(
        seen,
        [
            r#"Some("A") Some("Q7K") Some("31547727") Some("01") Some(8) Some(4850)"#,
            r#"Some("DANA WHITFIELD")"#,
            r#"Some(1) Some("PE")"#,
            r#"Some("0804508020") Some(4850)"#,
        ]
    );
}

#[test]
fn host_structs_build_the_samples_bytes() {
    let lines = common::or2_lines();
    let se60_line = &lines[common::line_of(&lines, "SE60") - 1];
    let se60 = Se60::parse(se60_line, false).expect("parses");
    assert_eq!(
        se60.to_bytes().expect("writes").as_slice(),
        se60_line.as_slice()
    );
    let se10_line = &lines[common::line_of(&lines, "SE10") - 1];
    let se10 = Se10::parse(se10_line, false).expect("parses");
    assert_eq!(
        se10.to_bytes().expect("writes").as_slice(),
        se10_line.as_slice()
    );
    // A value that does not fit is refused, never truncated.
    let bad = Se60 {
        hts_number: Some("08045080201"),
        ..Se60::default()
    };
    let e = bad
        .to_bytes()
        .expect_err("11 characters in a 10-byte field");
    assert_eq!(
        (e.record, e.field, e.start, e.end),
        ("SE60", "hts_number", 5, 14)
    );
}

#[test]
fn entry_check_digit_follows_appendix_e() {
    // SPEC 3.7: Q7K 3154772 -> 7.
    assert_eq!(host::entry_check_digit("Q7K", "3154772"), Some(7));
    assert_eq!(host::entry_check_digit_ok("Q7K", "31547727"), Some(true));
    assert_eq!(host::entry_check_digit_ok("Q7K", "31547728"), Some(false));
    // Digits only: 1,2,3 + 0000001 -> a hand computation.
    // from the right: 1*2=2, 0,0*2,0,0*2,0,0*2 -> 0, 3, 2*2=4, 1 -> 2+3+4+1 = 10 -> 0.
    assert_eq!(host::entry_check_digit("123", "0000001"), Some(0));
    // Letters S-Z count 2-9: S=2, T=3.
    assert_eq!(
        host::entry_check_digit("ST1", "0000000"),
        host::entry_check_digit("231", "0000000")
    );
    assert_eq!(host::entry_check_digit("Q7", "3154772"), None);
    assert_eq!(host::entry_check_digit("Q7K", "315477A"), None);
    assert_eq!(host::entry_check_digit_ok("Q7K", "3154772"), None);
}

/// A two-line Cargo Release with a bill, a header entity and two tariff numbers on line 2,
/// built by hand: the typed structure of SPEC 3.7 over the tree.
#[test]
fn cargo_release_structure_over_the_tree() {
    let lines = common::or2_lines();
    let rec = |s: &str| common::record80(s.as_bytes());
    let get = |id: &str| lines[common::line_of(&lines, id) - 1].clone();
    let mut v = vec![get("A"), get("B"), get("SE10"), get("SE13"), get("SE15")];
    v.push(rec("SE16MSCU12345031626000004800PK   MSC ARIANE"));
    v.push(rec("SE20CR SHIPMENT-7"));
    v.push(rec("SE30CN GREENHAVEN ORGANIC IMPORTS"));
    v.push(rec(&format!(
        "SE36{:<35}{:<3}      {:<15}US",
        "OAKLAND", "CA", "94607"
    )));
    v.push(get("SE40"));
    v.push(get("SE60"));
    for id in ["OI", "PG01", "PG02", "PG14", "PG29"] {
        v.push(get(id));
    }
    v.push(rec("SE40002MX ORGANIC LIMES"));
    v.push(rec("SE6099038801000000000000"));
    v.push(rec("SE6008055000400000001200"));
    for id in ["OI", "PG01", "PG02", "PG14", "PG29"] {
        v.push(get(id));
    }
    v.push(get("Y"));
    v.push(get("Z"));
    let input = common::join(&v, b"\n", true);
    let t = Transmission::parse(&input).expect("parses");
    let crs: Vec<_> = t.tree().cargo_releases().collect();
    assert_eq!(crs.len(), 1);
    let cr = &crs[0];
    assert_eq!(cr.entry(), Some(("Q7K", "31547727")));
    assert_eq!(cr.entry_check_digit_ok(), Some(true));
    let entry = cr.entry_number().expect("a typed entry number");
    assert_eq!(
        (entry.filer_code(), entry.serial(), entry.check_digit_ok()),
        ("Q7K", 3154772, true)
    );
    assert_eq!(cr.header().action_code(), Some("A"));
    assert!(cr.se13.is_some() && cr.se11.is_none());
    assert_eq!(cr.bills.len(), 1);
    assert_eq!(
        (cr.bills[0].bills.len(), cr.bills[0].conveyances.len()),
        (1, 1)
    );
    assert_eq!(cr.references.len(), 1);
    assert_eq!(cr.entities.len(), 1);
    assert_eq!(cr.entities[0].details.len(), 1);
    assert!(cr.unplaced.is_empty() && cr.sf_records.is_empty());
    let numbers: Vec<_> = cr.lines.iter().map(|l| l.number()).collect();
    assert_eq!(numbers, [Some(1), Some(2)]);
    let tariffs: Vec<_> = cr
        .tariffs()
        .map(|(l, t)| {
            (
                l.number(),
                t.position,
                t.hts_number(),
                t.oi_group().is_some(),
            )
        })
        .collect();
    assert_eq!(
        tariffs,
        [
            (Some(1), 1, Some("0804508020"), true),
            (Some(2), 1, Some("9903880100"), false),
            (Some(2), 2, Some("0805500040"), true),
        ]
    );
    assert_eq!(cr.lines[1].tariffs[1].view().line_item_value(), Some(1200));
    // The input checks clean of H findings.
    let report = ace_pga::validate::check_bytes(
        &input,
        &ace_pga::ParseOptions::strict(),
        &ace_pga::validate::ValidateOptions::new(
            ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"),
        ),
    );
    let h: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.family() == "H")
        .collect();
    assert!(h.is_empty(), "{h:?}");
}

/// A status notification with every part of SPEC 3.7, built by hand: `SO10`, `SO20`, two
/// `SO30`, a bill grouping (`SO40`, `SO42`, `SO50`), `SO60`, then the sample's `SO70`.
#[test]
fn status_notification_structure_over_the_tree() {
    let so = common::lines_of(&common::read_repo("spec-samples/valid/so-status.txt"));
    let get = |id: &str| so[common::line_of(&so, id) - 1].clone();
    let rec = |s: String| common::record80(s.as_bytes());
    let mut v = vec![get("A"), get("B"), get("SO10")];
    v.push(rec(format!("SO20CR {:<50}", "SHIPMENT-7")));
    v.push(rec("SO30001PE0804508020".to_string()));
    v.push(rec("SO30002MX0805500040".to_string()));
    v.push(rec(format!("SO40RMEDU{:<50}00000720", "4829301756")));
    v.push(rec(
        "SO42V12345678901632704270403172603172600000000".to_string()
    ));
    v.push(rec(format!("SO50031726091295{:<40}N", "BILL ARRIVED")));
    v.push(rec(format!("SO60031726091501{:<40}", "ONEUSG")));
    for id in ["SO70", "SO71", "SO72"] {
        v.push(get(id));
    }
    v.push(get("Y"));
    v.push(get("Z"));
    let input = common::join(&v, b"\n", true);
    let t = Transmission::parse(&input).expect("parses");
    let n = t.tree().status_notifications();
    assert_eq!(n.len(), 1);
    let s = &n[0];
    assert_eq!(s.entry(), Some(("Q7K", "31547727")));
    assert_eq!(s.entry_check_digit_ok(), Some(true));
    assert_eq!(s.header().entry_type(), Some(1));
    assert_eq!(s.references.len(), 1);
    assert_eq!(s.line_numbers(), [Some(1), Some(2)]);
    assert_eq!(s.bills.len(), 1);
    let b = &s.bills[0];
    assert_eq!(
        (b.bills.len(), b.in_bonds.len(), b.disposition.is_some()),
        (1, 1, true)
    );
    assert_eq!(s.dispositions.len(), 1);
    assert_eq!(s.pga_dispositions.len(), 1);
    assert!(s.unplaced.is_empty());
    // A response: the H rules may warn, never refuse; this one is clean.
    let report = ace_pga::validate::check_bytes(
        &input,
        &ace_pga::ParseOptions::strict(),
        &ace_pga::validate::ValidateOptions::new(
            ace_pga::NaiveDate::from_ymd_opt(2026, 3, 17).expect("date"),
        ),
    );
    let h: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.family() == "H")
        .collect();
    assert!(h.is_empty(), "{h:?}");
}

/// The real host records of the shipped samples: every one with a layout parses clean and
/// writes back its own bytes, and no H rule (error or warning) fires on a valid sample.
#[test]
fn the_samples_host_records_follow_their_layouts() {
    let mut checked = 0;
    for path in common::sample_files() {
        let data = std::fs::read(&path).expect("sample");
        let Ok(t) = Transmission::parse_with(&data, &ace_pga::ParseOptions::lenient()) else {
            continue;
        };
        let valid = path.parent().is_some_and(|p| p.ends_with("valid"));
        t.tree().for_each_record(|r| {
            let Some(layout) = host_layout(r.id_bytes()) else {
                return;
            };
            if r.raw().len() != 80 {
                return;
            }
            for f in layout.fields {
                assert!(
                    f.read(r.raw(), false).is_ok(),
                    "{path:?} line {}: {}.{}",
                    r.line(),
                    layout.id,
                    f.name
                );
            }
            if valid {
                checked += 1;
            }
        });
        if valid {
            let report = ace_pga::validate::check_bytes(
                &data,
                &ace_pga::ParseOptions::strict(),
                &ace_pga::validate::ValidateOptions::new(
                    ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"),
                ),
            );
            let h: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule.family() == "H")
                .collect();
            assert!(h.is_empty(), "{path:?}: {h:?}");
        }
    }
    assert!(
        checked >= 40,
        "only {checked} host records in the valid samples"
    );
    // or2-multi: three CBP lines, the second with a chapter 99 number first.
    let data = common::read_repo("spec-samples/valid/or2-multi.txt");
    let t = Transmission::parse(&data).expect("parses");
    let crs: Vec<_> = t.tree().cargo_releases().collect();
    assert_eq!(crs.len(), 1);
    let cr = &crs[0];
    assert_eq!(cr.entry_check_digit_ok(), Some(true));
    assert!(cr.unplaced.is_empty());
    let tariffs: Vec<_> = cr
        .tariffs()
        .map(|(l, t)| (l.number(), t.position, t.hts_number()))
        .collect();
    assert_eq!(
        tariffs,
        [
            (Some(1), 1, Some("0804508020")),
            (Some(2), 1, Some("9903030100")),
            (Some(2), 2, Some("0813405000")),
            (Some(3), 1, Some("4819100040")),
        ]
    );
}
