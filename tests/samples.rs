//! The valid samples of `spec-samples/` (see `spec-samples/README.md`): field dump equality
//! with `valid/expected/NAME.dump.jsonl`, byte-exact round trips (direct and through the
//! owned JSON form), terminator conventions, and the tree shapes the README describes.
//!
//! Expected values come from the expected dump files and the README text only.
#![cfg(feature = "serde")]

use std::path::{Path, PathBuf};

use ace_pga::records::Body;
use ace_pga::tree::{Item, Node, PgaItem, PgaLine};
use ace_pga::write::dump::{dump_record, DumpContent};
use ace_pga::{OwnedTransmission, Record, RecordType, Terminator, Transmission};
use serde_json::Value;

mod common;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn valid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-samples/valid")
}

/// The names (without `.txt`) of every `valid/*.txt`, sorted.
fn valid_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(valid_dir())
        .expect("spec-samples/valid exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            p.file_stem()
                .expect("file stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn read_sample(name: &str) -> Vec<u8> {
    let path = valid_dir().join(format!("{name}.txt"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// `valid/expected/NAME.dump.jsonl`, one JSON value per non-empty line.
fn expected_dump(name: &str) -> Vec<Value> {
    let path = valid_dir().join(format!("expected/{name}.dump.jsonl"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}: line {}: {e}", path.display(), i + 1))
        })
        .collect()
}

fn parse<'a>(name: &str, bytes: &'a [u8]) -> Transmission<'a> {
    Transmission::parse(bytes).unwrap_or_else(|e| panic!("{name}: strict parse failed: {e:?}"))
}

fn dump_values(tx: &Transmission<'_>) -> Vec<Value> {
    tx.records()
        .map(|r| serde_json::to_value(dump_record(r)).expect("dump serializes"))
        .collect()
}

/// Splits an input into its records independently of the library: LF-terminated lines with
/// an optional CR before the LF, or 80-byte slices when there is no LF at all.
fn split_records(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.contains(&b'\n') {
        let mut v: Vec<&[u8]> = bytes
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        if v.last().is_some_and(|l| l.is_empty()) {
            v.pop();
        }
        v
    } else {
        bytes.chunks(80).collect()
    }
}

/// The records of a valid sample, located by record id at run time (1-based lines), so that
/// the tests do not depend on the samples' line numbers.
struct At(Vec<Vec<u8>>);

impl At {
    fn of(name: &str) -> At {
        At(common::lines_of(&read_sample(name)))
    }
    /// The line of the `n`-th (1-based) record `id`.
    fn nth(&self, id: &str, n: usize) -> u32 {
        u32::try_from(common::nth_line_of(&self.0, id, n)).expect("line")
    }
    /// The line of the first record `id`.
    fn id(&self, id: &str) -> u32 {
        self.nth(id, 1)
    }
    /// The lines of `ids` in the order given; an id given `k` times stands for its first `k`
    /// records.
    fn in_order(&self, ids: &[&str]) -> Vec<u32> {
        let mut seen: Vec<&str> = Vec::new();
        ids.iter()
            .map(|id| {
                seen.push(id);
                self.nth(id, seen.iter().filter(|s| *s == id).count())
            })
            .collect()
    }
}

fn id_line(n: &Node<Record<'_>>) -> (String, u32) {
    (n.record.id().to_string(), n.record.line())
}

fn lines_of(records: &[&Record<'_>]) -> Vec<u32> {
    records.iter().map(|r| r.line()).collect()
}

/// The only transaction of a one-batch, one-block transmission.
fn only_transaction<'t, 'a>(
    tx: &'t Transmission<'a>,
) -> &'t ace_pga::tree::Transaction<Record<'a>> {
    assert_eq!(tx.tree().batches.len(), 1, "one batch");
    assert_eq!(tx.tree().batches[0].blocks.len(), 1, "one block");
    let block = &tx.tree().batches[0].blocks[0];
    assert_eq!(block.transactions.len(), 1, "one transaction");
    &block.transactions[0]
}

/// A compact description of a transaction's items: kind and first line.
fn item_summary(items: &[Item<Record<'_>>]) -> Vec<(&'static str, String, u32)> {
    items
        .iter()
        .map(|i| match i {
            Item::Record(n) => ("record", n.record.id().to_string(), n.record.line()),
            Item::Anchor(a) => (
                "anchor",
                a.anchor.record.id().to_string(),
                a.anchor.record.line(),
            ),
            Item::OiGroup(g) => (
                "oi_group",
                g.oi.as_ref()
                    .map(|n| n.record.id().to_string())
                    .unwrap_or_default(),
                g.oi.as_ref().map_or(0, |n| n.record.line()),
            ),
            Item::Disposition(d) => (
                "disposition",
                d.so70.record.id().to_string(),
                d.so70.record.line(),
            ),
            _ => ("unknown item kind", String::new(), 0),
        })
        .collect()
}

fn pga_item_summary(items: &[PgaItem<Record<'_>>]) -> Vec<(&'static str, String, u32)> {
    items
        .iter()
        .map(|i| match i {
            PgaItem::Record(n) => ("record", n.record.id().to_string(), n.record.line()),
            PgaItem::Entity(e) => (
                "entity",
                e.pg19.record.id().to_string(),
                e.pg19.record.line(),
            ),
            PgaItem::Group(g) => (
                "group",
                g.start.record.id().to_string(),
                g.start.record.line(),
            ),
            _ => ("unknown pga item kind", String::new(), 0),
        })
        .collect()
}

/// `(agency, PGA line number, disclaimer)` of a PG01.
type Pg01Summary = (String, u64, Option<String>);

fn pg01_agency_and_number(line: &PgaLine<Record<'_>>) -> Pg01Summary {
    match line.pg01.record.body() {
        Some(Body::Pg01(p)) => (
            p.agency_code.unwrap_or_default().to_string(),
            p.pga_line_number.unwrap_or_default(),
            p.disclaimer_code.map(str::to_string),
        ),
        ref other => panic!(
            "PG01 at line {} not typed: {other:?}",
            line.pg01.record.line()
        ),
    }
}

fn range(a: u32, b: u32) -> Vec<u32> {
    (a..=b).collect()
}

// ---------------------------------------------------------------------------------------
// Every valid sample
// ---------------------------------------------------------------------------------------

#[test]
fn at_least_ten_valid_samples_each_with_an_expected_dump() {
    let names = valid_names();
    assert!(
        names.len() >= 10,
        "expected at least 10 valid samples, found {}: {names:?}",
        names.len()
    );
    for name in &names {
        let p = valid_dir().join(format!("expected/{name}.dump.jsonl"));
        assert!(p.is_file(), "{name}: missing {}", p.display());
    }
}

#[test]
fn every_valid_sample_dump_equals_expected_record_by_record() {
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let got = dump_values(&tx);
        let want = expected_dump(&name);
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{name}: dump record {} differs", i + 1);
        }
        assert_eq!(
            got.len(),
            want.len(),
            "{name}: {} dumped records, expected {}",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn every_valid_sample_parses_strictly_and_round_trips_byte_for_byte() {
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let out = tx.to_bytes();
        assert!(
            out == bytes,
            "{name}: serialize(parse(x)) != x ({} vs {} bytes; first difference at byte {:?})",
            out.len(),
            bytes.len(),
            out.iter().zip(&bytes).position(|(a, b)| a != b)
        );
        // write_to gives the same bytes.
        let mut w = Vec::new();
        tx.write_to(&mut w).expect("writing to a Vec");
        assert!(w == bytes, "{name}: write_to differs from the input");
    }
}

#[test]
fn every_valid_sample_round_trips_through_owned_json() {
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let owned = OwnedTransmission::from_transmission(&tx);
        let json = serde_json::to_string(&owned).expect("owned form serializes");
        let back: OwnedTransmission =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: deserialize: {e}"));
        assert_eq!(back, owned, "{name}: owned form changed through JSON");
        let out = back
            .to_bytes()
            .unwrap_or_else(|e| panic!("{name}: encode failed: {e}"));
        assert!(
            out == bytes,
            "{name}: decode → JSON → encode differs ({} vs {} bytes; first difference at byte {:?})",
            out.len(),
            bytes.len(),
            out.iter().zip(&bytes).position(|(a, b)| a != b)
        );
    }
}

#[test]
fn every_valid_sample_tree_holds_every_record_once_in_order() {
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let want = expected_dump(&name);
        let records: Vec<_> = tx.records().collect();
        assert_eq!(
            records.len(),
            want.len(),
            "{name}: tree has {} records, expected dump has {} lines",
            records.len(),
            want.len()
        );
        let independent = split_records(&bytes);
        assert_eq!(records.len(), independent.len(), "{name}: record count");
        for (i, r) in records.iter().enumerate() {
            assert_eq!(
                r.line() as usize,
                i + 1,
                "{name}: record {} out of order",
                i + 1
            );
            assert_eq!(r.raw(), independent[i], "{name}: line {} bytes", i + 1);
        }
        assert!(
            tx.trailing().is_empty(),
            "{name}: unexpected trailing bytes"
        );
    }
}

#[test]
fn record_counts_match_the_readme() {
    // The counts the README states in each sample's heading.
    let counts = [
        ("or2-single", 16),
        ("or2-crlf", 16),
        ("or2-concatenated", 16),
        ("or2-multi", 29),
        ("or1-full", 42),
        ("multi-agency", 28),
        ("entry-summary-ae", 17),
        ("every-record", 49),
        ("sx-response", 18),
        ("so-status", 12),
        ("so-versions", 10),
    ];
    for (name, n) in counts {
        let bytes = read_sample(name);
        let tx = parse(name, &bytes);
        assert_eq!(tx.records().count(), n, "{name}");
        assert_eq!(expected_dump(name).len(), n, "{name}: expected dump");
    }
}

#[test]
fn dump_lists_every_layout_field_and_host_records_keep_their_raw_bytes() {
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let independent = split_records(&bytes);
        let want = expected_dump(&name);
        for r in tx.records() {
            let input = independent[r.line() as usize - 1];
            assert_eq!(input.len(), 80, "{name}: line {} is not 80 bytes", r.line());
            let d = dump_record(r);
            assert_eq!(d.line, r.line());
            let expected = &want[r.line() as usize - 1];
            assert_eq!(
                d.record,
                expected["record"].as_str().expect("record is a string"),
                "{name}: line {} record id",
                r.line()
            );
            match (r.record_type().layout(), &d.content) {
                (Some(layout), DumpContent::Fields(fields)) => {
                    let got: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
                    let want_names: Vec<&str> = layout.fields.iter().map(|f| f.name).collect();
                    assert_eq!(got, want_names, "{name}: line {} field names", r.line());
                    assert!(
                        !got.iter().any(|k| *k == "record_id" || *k == "filler"),
                        "{name}: line {} dumps record_id/filler",
                        r.line()
                    );
                    // The layout's names are exactly the keys of the expected dump
                    // (records.csv rows without record_id and filler).
                    let mut exp_keys: Vec<&str> = expected["fields"]
                        .as_object()
                        .unwrap_or_else(|| {
                            panic!("{name}: line {} expected dump has no fields", r.line())
                        })
                        .keys()
                        .map(String::as_str)
                        .collect();
                    let mut sorted = want_names.clone();
                    exp_keys.sort_unstable();
                    sorted.sort_unstable();
                    assert_eq!(
                        sorted,
                        exp_keys,
                        "{name}: line {} layout vs records.csv",
                        r.line()
                    );
                }
                (None, DumpContent::Raw(raw)) => {
                    assert_eq!(*raw, input, "{name}: line {} raw bytes", r.line());
                    assert_eq!(
                        expected["raw"].as_str().map(str::as_bytes),
                        Some(input),
                        "{name}: line {} expected raw",
                        r.line()
                    );
                    assert!(
                        matches!(r.record_type(), RecordType::Host | RecordType::UnknownPg),
                        "{name}: line {} has no layout but type {:?}",
                        r.line(),
                        r.record_type()
                    );
                }
                (layout, content) => panic!(
                    "{name}: line {}: layout {:?} with dump content {content:?}",
                    r.line(),
                    layout.map(|l| l.id)
                ),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Terminator conventions
// ---------------------------------------------------------------------------------------

#[test]
fn or2_single_crlf_and_concatenated_have_identical_dumps() {
    let single = read_sample("or2-single");
    let crlf = read_sample("or2-crlf");
    let concat = read_sample("or2-concatenated");
    let d_single = dump_values(&parse("or2-single", &single));
    let d_crlf = dump_values(&parse("or2-crlf", &crlf));
    let d_concat = dump_values(&parse("or2-concatenated", &concat));
    assert_eq!(d_single.len(), split_records(&single).len());
    assert_eq!(d_single, d_crlf);
    assert_eq!(d_single, d_concat);
    // The expected files agree too.
    assert_eq!(expected_dump("or2-single"), expected_dump("or2-crlf"));
    assert_eq!(
        expected_dump("or2-single"),
        expected_dump("or2-concatenated")
    );
}

#[test]
fn or2_variants_reserialize_in_their_own_convention() {
    // The number of records of or2-single, counted without the library.
    let n = split_records(&read_sample("or2-single")).len();
    let cases = [
        ("or2-single", Terminator::Lf, n * 81),
        ("or2-crlf", Terminator::CrLf, n * 82),
        ("or2-concatenated", Terminator::None, n * 80),
    ];
    for (name, term, len) in cases {
        let bytes = read_sample(name);
        assert_eq!(bytes.len(), len, "{name}: file size");
        let tx = parse(name, &bytes);
        assert_eq!(tx.tree().framing.terminator, term, "{name}: terminator");
        assert!(!tx.tree().framing.byte_order_mark, "{name}: no BOM");
        let out = tx.to_bytes();
        assert_eq!(out.len(), len, "{name}: output size");
        assert!(out == bytes, "{name}: output differs from input");
        // Every record followed by the convention's terminator.
        match term {
            Terminator::Lf => {
                assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), n);
                assert!(!out.contains(&b'\r'));
            }
            Terminator::CrLf => {
                assert_eq!(out.windows(2).filter(|w| w == b"\r\n").count(), n);
                assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), n);
            }
            _ => assert!(!out.contains(&b'\n') && !out.contains(&b'\r')),
        }
        // The owned form keeps the convention as well.
        let owned = OwnedTransmission::from_transmission(&tx);
        assert_eq!(owned.framing.terminator, term, "{name}: owned terminator");
        let json = serde_json::to_string(&owned).expect("serializes");
        let back: OwnedTransmission = serde_json::from_str(&json).expect("deserializes");
        assert!(back.to_bytes().expect("encodes") == bytes, "{name}: owned");
    }
}

// ---------------------------------------------------------------------------------------
// Tree shapes (spec-samples/README.md)
// ---------------------------------------------------------------------------------------

#[test]
fn tree_or2_single() {
    let bytes = read_sample("or2-single");
    let tx = parse("or2-single", &bytes);
    let at = At::of("or2-single");
    let batch = &tx.tree().batches[0];
    assert_eq!(batch.header.as_ref().map(id_line), Some(("A".into(), 1)));
    assert_eq!(
        batch.trailer.as_ref().map(id_line),
        Some(("Z".into(), at.id("Z")))
    );
    assert_eq!(at.id("Z") as usize, at.0.len(), "Z is the last record");
    let block = &batch.blocks[0];
    assert_eq!(block.header.as_ref().map(id_line), Some(("B".into(), 2)));
    assert_eq!(
        block.trailer.as_ref().map(id_line),
        Some(("Y".into(), at.id("Y")))
    );
    let t = only_transaction(&tx);
    assert_eq!(
        item_summary(&t.items),
        vec![
            ("record", "SE10".into(), 3),
            ("record", "SE13".into(), at.id("SE13")),
            ("record", "SE15".into(), at.id("SE15")),
            ("record", "SE40".into(), at.id("SE40")),
            ("anchor", "SE60".into(), at.id("SE60")),
        ]
    );
    let Item::Anchor(anchor) = &t.items[4] else {
        panic!("item 5 is not an anchor")
    };
    assert!(anchor.sub_records.is_empty());
    let group = anchor.oi_group.as_ref().expect("SE60 has an OI group");
    assert_eq!(
        group.oi.as_ref().map(id_line),
        Some(("OI".into(), at.id("OI")))
    );
    assert!(group.orphans.is_empty());
    assert_eq!(group.lines.len(), 1);
    let line = &group.lines[0];
    let (pg01, pg29) = (at.id("PG01"), at.id("PG29"));
    assert_eq!(id_line(&line.pg01), ("PG01".into(), pg01));
    assert!(line.pg01.conditions.is_empty());
    assert_eq!(lines_of(&line.child_records()), range(pg01 + 1, pg29));
    assert_eq!(
        lines_of(&line.records().collect::<Vec<_>>()),
        range(pg01, pg29)
    );
    assert!(line.entity_loops().is_empty());
    assert_eq!(
        pga_item_summary(&line.items),
        vec![
            ("record", "PG02".into(), pg01 + 1),
            ("record", "PG14".into(), at.id("PG14")),
            ("record", "PG25".into(), at.nth("PG25", 1)),
            ("record", "PG25".into(), at.nth("PG25", 2)),
            ("record", "PG29".into(), pg29),
        ]
    );
    // Accessors agree with the shape.
    let groups: Vec<_> = tx.tree().oi_groups().collect();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0].0.map(id_line),
        Some(("SE60".into(), at.id("SE60")))
    );
    assert_eq!(tx.tree().pga_lines().count(), 1);
    assert_eq!(tx.tree().transactions().count(), 1);
}

#[test]
fn tree_or2_multi() {
    let bytes = read_sample("or2-multi");
    let tx = parse("or2-multi", &bytes);
    let at = At::of("or2-multi");
    let t = only_transaction(&tx);
    let se60 = |n: usize| at.nth("SE60", n);
    assert_eq!(
        item_summary(&t.items),
        vec![
            ("record", "SE10".into(), 3),
            ("record", "SE13".into(), at.id("SE13")),
            ("record", "SE15".into(), at.id("SE15")),
            ("record", "SE40".into(), at.nth("SE40", 1)),
            ("anchor", "SE60".into(), se60(1)),
            ("record", "SE40".into(), at.nth("SE40", 2)),
            ("anchor", "SE60".into(), se60(2)),
            ("anchor", "SE60".into(), se60(3)),
            ("record", "SE40".into(), at.nth("SE40", 3)),
            ("anchor", "SE60".into(), se60(4)),
        ]
    );
    let anchors: Vec<_> = t
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Anchor(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(anchors.len(), 4);

    // CBP line 001: the first OI with PGA lines 001 (first PG01, children up to the first
    // PG29) and 002 (second PG01, children up to the second PG29).
    let pg01 = |n: usize| at.nth("PG01", n);
    let pg29 = |n: usize| at.nth("PG29", n);
    let g1 = anchors[0]
        .oi_group
        .as_ref()
        .expect("the first SE60 has an OI group");
    assert_eq!(
        g1.oi.as_ref().map(id_line),
        Some(("OI".into(), at.nth("OI", 1)))
    );
    assert_eq!(g1.lines.len(), 2);
    assert_eq!(id_line(&g1.lines[0].pg01), ("PG01".into(), pg01(1)));
    assert_eq!(
        lines_of(&g1.lines[0].child_records()),
        range(pg01(1) + 1, pg29(1))
    );
    assert_eq!(id_line(&g1.lines[1].pg01), ("PG01".into(), pg01(2)));
    assert_eq!(
        lines_of(&g1.lines[1].child_records()),
        range(pg01(2) + 1, pg29(2))
    );
    assert_eq!(pg01_agency_and_number(&g1.lines[0]).1, 1);
    assert_eq!(pg01_agency_and_number(&g1.lines[1]).1, 2);

    // The second SE60 (9903030100): no PGA data.
    assert_eq!(anchors[1].anchor.record.line(), se60(2));
    assert!(
        anchors[1].oi_group.is_none(),
        "the second SE60 has no OI group"
    );

    // The third SE60 owns the second OI with one disclaimed line (third PG01) without
    // children.
    assert_eq!(anchors[2].anchor.record.line(), se60(3));
    let g2 = anchors[2]
        .oi_group
        .as_ref()
        .expect("the third SE60 has an OI group");
    assert_eq!(
        g2.oi.as_ref().map(id_line),
        Some(("OI".into(), at.nth("OI", 2)))
    );
    assert_eq!(g2.lines.len(), 1);
    assert_eq!(id_line(&g2.lines[0].pg01), ("PG01".into(), pg01(3)));
    assert!(
        g2.lines[0].items.is_empty(),
        "disclaimed line has no children"
    );
    assert_eq!(
        pg01_agency_and_number(&g2.lines[0]),
        ("AMS".into(), 1, Some("A".into()))
    );

    // CBP line 003: no PGA data.
    assert_eq!(anchors[3].anchor.record.line(), se60(4));
    assert!(anchors[3].oi_group.is_none());

    let groups: Vec<_> = tx.tree().oi_groups().collect();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].0.map(|n| n.record.line()), Some(se60(1)));
    assert_eq!(groups[1].0.map(|n| n.record.line()), Some(se60(3)));
    let pga: Vec<u32> = tx
        .tree()
        .pga_lines()
        .map(|l| l.pg01.record.line())
        .collect();
    assert_eq!(pga, vec![pg01(1), pg01(2), pg01(3)]);
}

#[test]
fn tree_sx_response_attaches_record_level_se90_to_the_pg01() {
    let bytes = read_sample("sx-response");
    let tx = parse("sx-response", &bytes);
    let at = At::of("sx-response");
    let (pg01, pg29) = (at.id("PG01"), at.id("PG29"));
    let (se90, final_se90) = (at.nth("SE90", 1), at.nth("SE90", 2));
    assert_eq!(se90, pg01 + 1, "the SE90 directly after the PG01");
    let t = only_transaction(&tx);
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1);
    let line = lines[0];
    assert_eq!(id_line(&line.pg01), ("PG01".into(), pg01));
    let conds: Vec<(String, u32)> = line
        .pg01
        .conditions
        .iter()
        .map(|r| (r.id().to_string(), r.line()))
        .collect();
    assert_eq!(conds, vec![("SE90".to_string(), se90)]);
    match line.pg01.conditions[0].body() {
        Some(Body::Se90(s)) => assert_eq!(s.message_type_code, Some("13")),
        ref other => panic!("SE90 line {se90} not typed: {other:?}"),
    }
    // The SE90 does not end the PGA line.
    assert_eq!(lines_of(&line.child_records()), range(se90 + 1, pg29));
    // No child carries a condition; in particular not the PG29.
    let mut seen_pg29 = false;
    for item in &line.items {
        if let PgaItem::Record(n) = item {
            assert!(
                n.conditions.is_empty(),
                "line {} has conditions",
                n.record.line()
            );
            if n.record.line() == pg29 {
                assert_eq!(n.record.id(), "PG29");
                seen_pg29 = true;
            }
        }
    }
    assert!(seen_pg29, "the PG29 is a plain child of the line");
    // The final SE90 (type 02) is a transaction-level record.
    let last = t.items.last().expect("items");
    let Item::Record(n) = last else {
        panic!("last item is not a record: {:?}", item_summary(&t.items))
    };
    assert_eq!(id_line(n), ("SE90".into(), final_se90));
    assert!(n.conditions.is_empty());
    match n.record.body() {
        Some(Body::Se90(s)) => {
            assert_eq!(s.message_type_code, Some("02"));
        }
        ref other => panic!("SE90 line {final_se90} not typed: {other:?}"),
    }
    assert_eq!(
        item_summary(&t.items),
        vec![
            ("record", "SE10".into(), 3),
            ("record", "SE13".into(), at.id("SE13")),
            ("record", "SE15".into(), at.id("SE15")),
            ("record", "SE40".into(), at.id("SE40")),
            ("anchor", "SE60".into(), at.id("SE60")),
            ("record", "SE90".into(), final_se90),
        ]
    );
    let block = &tx.tree().batches[0].blocks[0];
    assert_eq!(
        block.trailer.as_ref().map(id_line),
        Some(("Y".into(), final_se90 + 1))
    );
}

#[test]
fn tree_so_status_dispositions() {
    let bytes = read_sample("so-status");
    let tx = parse("so-status", &bytes);
    let t = only_transaction(&tx);
    assert_eq!(
        item_summary(&t.items),
        vec![
            ("record", "SO10".into(), 3),
            ("disposition", "SO70".into(), 4),
            ("record", "SO10".into(), 7),
            ("disposition", "SO70".into(), 8),
        ]
    );
    let disps: Vec<_> = t
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Disposition(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(disps.len(), 2);
    let details: Vec<Vec<(String, u32)>> = disps
        .iter()
        .map(|d| d.details.iter().map(id_line).collect())
        .collect();
    assert_eq!(
        details,
        vec![
            vec![("SO71".to_string(), 5), ("SO72".to_string(), 6)],
            vec![("SO71".to_string(), 9), ("SO72".to_string(), 10)],
        ]
    );
    assert!(tx.tree().pga_lines().next().is_none());
}

#[test]
fn tree_entry_summary_ae_anchor_is_record_50() {
    let bytes = read_sample("entry-summary-ae");
    let tx = parse("entry-summary-ae", &bytes);
    let t = only_transaction(&tx);
    assert_eq!(
        item_summary(&t.items),
        vec![
            ("record", "10".into(), 3),
            ("record", "11".into(), 4),
            ("record", "40".into(), 5),
            ("anchor", "50".into(), 6),
            ("record", "51".into(), 13),
            ("record", "52".into(), 14),
            ("record", "90".into(), 15),
        ]
    );
    let Item::Anchor(a) = &t.items[3] else {
        panic!("item 4 is not an anchor")
    };
    let g = a.oi_group.as_ref().expect("the 50 has an OI group");
    assert_eq!(g.oi.as_ref().map(id_line), Some(("OI".into(), 7)));
    assert_eq!(g.lines.len(), 1);
    assert_eq!(id_line(&g.lines[0].pg01), ("PG01".into(), 8));
    assert_eq!(lines_of(&g.lines[0].child_records()), range(9, 12));
    for i in &t.items[4..] {
        let Item::Record(n) = i else {
            panic!("not a plain record")
        };
        assert_eq!(n.record.record_type(), RecordType::Host);
    }
}

#[test]
fn tree_every_record_group_loop_and_pg00() {
    let bytes = read_sample("every-record");
    let tx = parse("every-record", &bytes);
    let at = At::of("every-record");
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1, "one PGA line");
    let line = lines[0];
    assert_eq!(id_line(&line.pg01), ("PG01".into(), at.id("PG01")));
    assert_eq!(pg01_agency_and_number(line), ("NMF".to_string(), 1, None));
    // The line's items in order: records, the PG50 group, the PG19 loop; each id given once
    // per record of it among the items (the group's PG06 and the loop's records are inside).
    let kinds: [(&str, &str); 31] = [
        ("record", "PG02"),
        ("record", "PG04"),
        ("record", "PG05"),
        ("record", "PG06"),
        ("record", "PG07"),
        ("record", "PG08"),
        ("record", "PG10"),
        ("record", "PG17"),
        ("record", "PG18"),
        ("record", "PG02"),
        ("group", "PG50"),
        ("record", "PG13"),
        ("record", "PG14"),
        ("record", "PG00"),
        ("entity", "PG19"),
        ("record", "PG00"),
        ("record", "PG22"),
        ("record", "PG23"),
        ("record", "PG24"),
        ("record", "PG25"),
        ("record", "PG26"),
        ("record", "PG26"),
        ("record", "PG27"),
        ("record", "PG28"),
        ("record", "PG29"),
        ("record", "PG30"),
        ("record", "PG00"),
        ("record", "PG31"),
        ("record", "PG32"),
        ("record", "PG33"),
        ("record", "PG34"),
    ];
    let mut ids: Vec<&str> = kinds.iter().map(|(_, id)| *id).collect();
    ids.push("PG35");
    let want: Vec<(&str, String, u32)> = kinds
        .iter()
        .map(|(kind, id)| (*kind, (*id).to_string()))
        .chain([("record", "PG35".to_string())])
        .zip(at.in_order(&ids))
        .map(|((kind, id), l)| (kind, id, l))
        .collect();
    // The first item follows the PG01, the last one is the record before the Y.
    assert_eq!(want[0].2, at.id("PG01") + 1);
    assert_eq!(want.last().map(|w| w.2), Some(at.id("Y") - 1));
    assert_eq!(pga_item_summary(&line.items), want);

    // The PG50 … PG51 group holds the PG06.
    let groups: Vec<_> = line
        .items
        .iter()
        .filter_map(|i| match i {
            PgaItem::Group(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 1);
    let g = groups[0];
    let pg50 = at.id("PG50");
    assert_eq!(id_line(&g.start), ("PG50".into(), pg50));
    assert_eq!(at.nth("PG06", 2), pg50 + 1);
    assert_eq!(
        pga_item_summary(&g.items),
        vec![("record", "PG06".to_string(), pg50 + 1)]
    );
    assert_eq!(g.end.as_ref().map(id_line), Some(("PG51".into(), pg50 + 2)));
    assert_eq!(at.id("PG51"), pg50 + 2);

    // The manufacturer's loop: PG19 (MF) + PG20 + PG55, PG21, PG60.
    let loops = line.entity_loops();
    assert_eq!(loops.len(), 1);
    let e = loops[0];
    let pg19 = at.id("PG19");
    assert_eq!(id_line(&e.pg19), ("PG19".into(), pg19));
    match e.pg19.record.body() {
        Some(Body::Pg19(p)) => {
            assert_eq!(p.entity_role_code, Some("MF"));
            assert_eq!(p.entity_identification_code, Some("16"));
        }
        ref other => panic!("PG19 not typed: {other:?}"),
    }
    assert_eq!(
        e.pg20.as_ref().map(id_line),
        Some(("PG20".into(), pg19 + 1))
    );
    let items: Vec<(String, u32)> = e.items.iter().map(id_line).collect();
    assert_eq!(
        items,
        vec![
            ("PG55".to_string(), pg19 + 2),
            ("PG21".to_string(), pg19 + 3),
            ("PG60".to_string(), pg19 + 4),
        ]
    );
    assert_eq!(
        at.in_order(&["PG20", "PG55", "PG21", "PG60"]),
        [1, 2, 3, 4].map(|i| pg19 + i)
    );
    // PG00 records are plain items of the line.
    let pg00: Vec<u32> = line
        .items
        .iter()
        .filter_map(|i| match i {
            PgaItem::Record(n) if n.record.record_type() == RecordType::Pg00 => {
                Some(n.record.line())
            }
            _ => None,
        })
        .collect();
    assert_eq!(pg00, at.in_order(&["PG00", "PG00", "PG00"]));
    assert_eq!(
        lines_of(&line.child_records()),
        range(at.id("PG01") + 1, at.id("PG35"))
    );
}

#[test]
fn tree_multi_agency_three_lines() {
    let bytes = read_sample("multi-agency");
    let tx = parse("multi-agency", &bytes);
    let at = At::of("multi-agency");
    let pg01 = |n: usize| at.nth("PG01", n);
    let groups: Vec<_> = tx.tree().oi_groups().collect();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0].1.oi.as_ref().map(id_line),
        Some(("OI".into(), at.id("OI")))
    );
    let lines: Vec<_> = tx.tree().pga_lines().collect();
    let summary: Vec<(u32, Pg01Summary)> = lines
        .iter()
        .map(|l| (l.pg01.record.line(), pg01_agency_and_number(l)))
        .collect();
    assert_eq!(
        summary,
        vec![
            (pg01(1), ("AMS".to_string(), 1, None)),
            (pg01(2), ("AMS".to_string(), 2, None)),
            (pg01(3), ("FDA".to_string(), 1, Some("C".to_string()))),
        ]
    );
    assert_eq!(
        lines_of(&lines[0].child_records()),
        range(pg01(1) + 1, pg01(2) - 1)
    );
    assert_eq!(
        lines_of(&lines[1].child_records()),
        range(pg01(2) + 1, pg01(3) - 1)
    );
    assert!(
        lines[2].items.is_empty(),
        "FDA disclaimed line: nothing else"
    );

    let loops = lines[1].entity_loops();
    let roles: Vec<(u32, Option<&str>)> = loops
        .iter()
        .map(|e| match e.pg19.record.body() {
            Some(Body::Pg19(p)) => (e.pg19.record.line(), p.entity_role_code),
            _ => (e.pg19.record.line(), None),
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            (at.nth("PG19", 1), Some("AP1")),
            (at.nth("PG19", 2), Some("LG"))
        ]
    );
    let contact_roles: Vec<Vec<Option<&str>>> = loops
        .iter()
        .map(|e| {
            e.contacts()
                .map(|n| match n.record.body() {
                    Some(Body::Pg21(c)) => c.individual_role_code,
                    _ => Some("not a PG21"),
                })
                .collect()
        })
        .collect();
    assert_eq!(contact_roles, vec![vec![Some("AP1")], vec![Some("GC")]]);
    for e in &loops {
        assert!(
            e.pg20.is_some(),
            "loop at {} has its PG20",
            e.pg19.record.line()
        );
    }
    assert!(lines[0].entity_loops().is_empty());
}

// ---------------------------------------------------------------------------------------
// Values the README calls out, read from the library's own dump
// ---------------------------------------------------------------------------------------

/// `fields.NAME` of the dumped record at `line` (1-based), checking its record id.
fn dumped(d: &[Value], line: u32, record: &str, field: &str) -> Value {
    let v = &d[line as usize - 1];
    assert_eq!(v["line"], Value::from(line), "dump entry {line}");
    assert_eq!(v["record"], Value::from(record), "line {line}");
    let fields = v["fields"]
        .as_object()
        .unwrap_or_else(|| panic!("line {line} ({record}) has no fields"));
    fields
        .get(field)
        .unwrap_or_else(|| panic!("line {line} ({record}) has no field {field}"))
        .clone()
}

fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn readme_values_every_record() {
    let bytes = read_sample("every-record");
    let d = dump_values(&parse("every-record", &bytes));
    let at = At::of("every-record");
    // PG04 0.50 KG and percent 0.0208.
    let pg04 = at.id("PG04");
    assert_eq!(dumped(&d, pg04, "PG04", "quantity"), s("0.50"));
    assert_eq!(dumped(&d, pg04, "PG04", "unit_of_measure"), s("KG"));
    assert_eq!(dumped(&d, pg04, "PG04", "percent"), s("0.0208"));
    // PG07 manufacture month 2026-01.
    assert_eq!(
        dumped(&d, at.id("PG07"), "PG07", "manufacture_month_year"),
        s("2026-01")
    );
    // PG14 quantity 2400.0000 KG.
    let pg14 = at.id("PG14");
    assert_eq!(dumped(&d, pg14, "PG14", "quantity"), s("2400.0000"));
    assert_eq!(dumped(&d, pg14, "PG14", "unit_of_measure"), s("KG"));
    // PG25 temperature F / C / X / 60.00, line value 48250, unit value 20.10.
    let pg25 = at.id("PG25");
    assert_eq!(dumped(&d, pg25, "PG25", "temperature_qualifier"), s("F"));
    assert_eq!(dumped(&d, pg25, "PG25", "degree_type"), s("C"));
    assert_eq!(
        dumped(&d, pg25, "PG25", "negative_temperature_indicator"),
        s("X")
    );
    assert_eq!(dumped(&d, pg25, "PG25", "actual_temperature"), s("60.00"));
    assert_eq!(dumped(&d, pg25, "PG25", "pga_line_value"), s("48250"));
    assert_eq!(dumped(&d, pg25, "PG25", "pga_unit_value"), s("20.10"));
    // PG28 can dimensions 307, 409, 211.
    let pg28 = at.id("PG28");
    assert_eq!(dumped(&d, pg28, "PG28", "can_dimension_1"), s("307"));
    assert_eq!(dumped(&d, pg28, "PG28", "can_dimension_2"), s("409"));
    assert_eq!(dumped(&d, pg28, "PG28", "can_dimension_3"), s("211"));
    // PG30 2026-03-20 08:30, status I.
    let pg30 = at.id("PG30");
    assert_eq!(dumped(&d, pg30, "PG30", "inspection_status"), s("I"));
    assert_eq!(
        dumped(&d, pg30, "PG30", "inspection_arrival_date"),
        s("2026-03-20")
    );
    assert_eq!(
        dumped(&d, pg30, "PG30", "inspection_arrival_time"),
        s("08:30")
    );
    // PG35 bond amount 12500.
    assert_eq!(dumped(&d, at.id("PG35"), "PG35", "bond_amount"), s("12500"));
    // PG01: correction indicator and disclaimer are the only blank fields; agency NMF.
    let pg01 = at.id("PG01");
    assert_eq!(dumped(&d, pg01, "PG01", "agency_code"), s("NMF"));
    assert_eq!(dumped(&d, pg01, "PG01", "program_code"), s("HMS"));
    assert_eq!(dumped(&d, pg01, "PG01", "processing_code"), s("BFT"));
    assert_eq!(
        dumped(&d, pg01, "PG01", "correction_indicator"),
        Value::Null
    );
    assert_eq!(dumped(&d, pg01, "PG01", "disclaimer_code"), Value::Null);
    // PG50 and PG51 dump as empty field objects.
    for id in ["PG50", "PG51"] {
        let v = &d[at.id(id) as usize - 1];
        assert_eq!(v["record"], s(id));
        assert_eq!(v["fields"], serde_json::json!({}));
    }
}

#[test]
fn readme_values_responses() {
    let bytes = read_sample("sx-response");
    let d = dump_values(&parse("sx-response", &bytes));
    let at = At::of("sx-response");
    let (se90, final_se90) = (at.nth("SE90", 1), at.nth("SE90", 2));
    assert_eq!(dumped(&d, se90, "SE90", "message_type_code"), s("13"));
    assert_eq!(dumped(&d, se90, "SE90", "message_id_code"), s("PW2"));
    // The narrative is 10-49 (SPEC 7.1, revision 6.1).
    assert_eq!(
        dumped(&d, se90, "SE90", "narrative"),
        s("AMS OR DATA RECEIVED - AGENCY REVIEW")
    );
    assert_eq!(dumped(&d, final_se90, "SE90", "message_type_code"), s("02"));
    assert_eq!(
        dumped(&d, final_se90, "SE90", "message_id_code"),
        Value::Null
    );
    assert_eq!(
        dumped(&d, final_se90, "SE90", "narrative"),
        s("CARGO RELEASE DATA ACCEPTED")
    );
    // Y.record_count: the records between B and Y.
    let y = at.id("Y");
    assert_eq!(
        dumped(&d, y, "Y", "record_count"),
        s(&(y - at.id("B") - 1).to_string())
    );
    assert_eq!(dumped(&d, y, "Y", "record_count"), s("14"));

    let bytes = read_sample("so-status");
    let d = dump_values(&parse("so-status", &bytes));
    let at = At::of("so-status");
    assert_eq!(dumped(&d, 1, "A", "transmission_date"), s("2026-03-17"));
    assert_eq!(dumped(&d, 1, "A", "user_data"), Value::Null);
    assert_eq!(dumped(&d, 2, "B", "user_data"), Value::Null);
    for (line, time, status, message, reason, doc) in [
        (
            at.nth("SO70", 1),
            "09:12",
            "10",
            "DOCUMENT REQUIRED",
            Some("01"),
            Some("AM1"),
        ),
        (at.nth("SO70", 2), "11:40", "07", "MAY PROCEED", None, None),
    ] {
        assert_eq!(dumped(&d, line, "SO70", "status_date"), s("2026-03-17"));
        assert_eq!(dumped(&d, line, "SO70", "status_time"), s(time));
        assert_eq!(dumped(&d, line, "SO70", "entry_status_code"), s(status));
        assert_eq!(dumped(&d, line, "SO70", "entry_status_message"), s(message));
        assert_eq!(dumped(&d, line, "SO70", "pga_line_status_code"), s(status));
        assert_eq!(
            dumped(&d, line, "SO70", "status_reason_code"),
            reason.map_or(Value::Null, s)
        );
        assert_eq!(
            dumped(&d, line, "SO70", "document_type_code"),
            doc.map_or(Value::Null, s)
        );
        assert_eq!(
            dumped(&d, line, "SO70", "processing_group_version"),
            s("02")
        );
        for f in [
            "begin_cbp_line_number",
            "begin_tariff_position",
            "begin_pga_line_number",
            "end_cbp_line_number",
            "end_tariff_position",
            "end_pga_line_number",
        ] {
            assert_eq!(dumped(&d, line, "SO70", f), s("1"), "line {line} {f}");
        }
    }
    let (so71, so72) = (at.nth("SO71", 1), at.nth("SO72", 1));
    assert_eq!(dumped(&d, so71, "SO71", "reference_qualifier_1"), s("EN"));
    // The entry number with its check digit (SPEC 3.7).
    assert_eq!(
        dumped(&d, so71, "SO71", "reference_number_1"),
        s("Q7K31547727")
    );
    assert_eq!(dumped(&d, so71, "SO71", "receipt_date"), s("2026-03-17"));
    assert_eq!(dumped(&d, so71, "SO71", "receipt_time"), s("09:11:07"));
    assert_eq!(dumped(&d, so71, "SO71", "sub_reason_code_1"), s("A01"));
    assert_eq!(dumped(&d, so71, "SO71", "reference_qualifier_2"), s("BL"));
    assert_eq!(
        dumped(&d, so71, "SO71", "reference_number_2"),
        s("MEDU4829301756")
    );
    assert_eq!(
        dumped(&d, so72, "SO72", "comment_text"),
        s("SUBMIT NOP IMPORT CERTIFICATE 417-2093856104-557321 THROUGH DIS")
    );
    let (so71, so72) = (at.nth("SO71", 2), at.nth("SO72", 2));
    assert_eq!(dumped(&d, so71, "SO71", "receipt_time"), s("11:39:52"));
    assert_eq!(dumped(&d, so71, "SO71", "sub_reason_code_1"), Value::Null);
    assert_eq!(
        dumped(&d, so72, "SO72", "comment_text"),
        s("NOP IMPORT CERTIFICATE VERIFIED. SHIPMENT MAY PROCEED.")
    );
}

// ---------------------------------------------------------------------------------------
// The owned form
// ---------------------------------------------------------------------------------------

#[test]
fn owned_records_of_valid_samples_are_the_canonical_dump() {
    // The owned record JSON is `{"line", "record", "fields"}` / `{"line", "record", "raw"}`:
    // for a valid sample it equals the expected dump line, and layout records carry no raw.
    for name in valid_names() {
        let bytes = read_sample(&name);
        let tx = parse(&name, &bytes);
        let want = expected_dump(&name);
        let owned = OwnedTransmission::from_transmission(&tx);
        let mut n = 0;
        owned.records().for_each(|r| {
            n += 1;
            let v = serde_json::to_value(r).expect("owned record serializes");
            assert_eq!(v, want[n - 1], "{name}: owned record {n}");
            assert!(r.terminator.is_none(), "{name}: record {n} terminator");
        });
        assert_eq!(n, want.len(), "{name}: owned record count");
        assert!(owned.trailing.is_empty());
    }
}

#[test]
fn owned_json_edit_changes_exactly_the_edited_field() {
    let bytes = read_sample("or2-single");
    let tx = parse("or2-single", &bytes);
    let owned = OwnedTransmission::from_transmission(&tx);
    let mut json = serde_json::to_value(&owned).expect("serializes");
    // Find the second PG25 in the JSON and change its lot number.
    let line = At::of("or2-single").nth("PG25", 2);
    fn edit(v: &mut Value, line: u32) -> bool {
        match v {
            Value::Object(m) => {
                if m.get("line") == Some(&Value::from(line))
                    && m.get("record") == Some(&Value::from("PG25"))
                {
                    let f = m
                        .get_mut("fields")
                        .and_then(Value::as_object_mut)
                        .expect("fields");
                    assert_eq!(f["lot_number"], Value::from("PIU-KENT-2602-B"));
                    f.insert("lot_number".into(), Value::from("PIU-KENT-2602-C"));
                    return true;
                }
                m.values_mut().any(|x| edit(x, line))
            }
            Value::Array(a) => a.iter_mut().any(|x| edit(x, line)),
            _ => false,
        }
    }
    assert!(
        edit(&mut json, line),
        "PG25 line {line} found in the owned JSON"
    );
    let back: OwnedTransmission = serde_json::from_value(json).expect("deserializes");
    let out = back.to_bytes().expect("encodes");
    let text = String::from_utf8(bytes.clone()).expect("ASCII");
    let want = text.replace("PIU-KENT-2602-B", "PIU-KENT-2602-C");
    assert_ne!(want, text);
    assert_eq!(String::from_utf8(out).expect("ASCII"), want);
}

#[test]
fn final_terminator_variants_round_trip() {
    // Derived from or2-single: no terminator after the last record, and a trailing empty
    // line. Neither adds or removes a record (README: a trailing empty line is not a record),
    // and both serialize back unchanged, directly and through the owned JSON form.
    let single = read_sample("or2-single");
    let want_dump = expected_dump("or2-single");
    let without_last = single[..single.len() - 1].to_vec();
    let mut extra_empty = single.clone();
    extra_empty.push(b'\n');
    let crlf = read_sample("or2-crlf");
    let crlf_without_last = crlf[..crlf.len() - 2].to_vec();
    for (what, bytes) in [
        ("no final LF", &without_last),
        ("trailing empty line", &extra_empty),
        ("no final CRLF", &crlf_without_last),
    ] {
        let tx = Transmission::parse_with(bytes, &ace_pga::ParseOptions::strict())
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let errors: Vec<_> = tx
            .problems()
            .iter()
            .filter(|p| p.severity == ace_pga::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{what}: errors {errors:?}");
        assert_eq!(dump_values(&tx), want_dump, "{what}: dump");
        assert!(tx.to_bytes() == *bytes, "{what}: direct round trip");
        let owned = OwnedTransmission::from_transmission(&tx);
        let json = serde_json::to_string(&owned).expect("serializes");
        let back: OwnedTransmission = serde_json::from_str(&json).expect("deserializes");
        let out = back.to_bytes().expect("encodes");
        assert!(
            out == *bytes,
            "{what}: owned round trip ({} vs {} bytes)",
            out.len(),
            bytes.len()
        );
    }
}

#[test]
fn dump_keeps_leading_spaces_of_text_fields() {
    // README: text → trailing spaces removed, leading spaces kept. or2-single with the OI
    // description moved two columns to the right (still 80 bytes).
    let bytes = read_sample("or2-single");
    let text = String::from_utf8(bytes).expect("ASCII");
    let old = "OI        ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS  ";
    let new = "OI          ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS";
    assert_eq!(old.len(), new.len());
    assert!(text.contains(old));
    let changed = text.replace(old, new);
    let tx = parse("or2-single (shifted OI)", changed.as_bytes());
    let d = dump_values(&tx);
    let oi = At::of("or2-single").id("OI");
    assert_eq!(
        dumped(&d, oi, "OI", "commercial_description"),
        s("  ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS")
    );
    // Every other record dumps as in or2-single.
    let want = expected_dump("or2-single");
    for (i, (g, w)) in d.iter().zip(&want).enumerate() {
        if i + 1 != oi as usize {
            assert_eq!(g, w, "line {}", i + 1);
        }
    }
    // The owned form reproduces the leading spaces from the fields alone.
    let owned = OwnedTransmission::from_transmission(&tx);
    let json = serde_json::to_string(&owned).expect("serializes");
    let back: OwnedTransmission = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(
        String::from_utf8(back.to_bytes().expect("encodes")).expect("ASCII"),
        changed
    );
}

/// Every invalid sample, parsed leniently, goes through the owned JSON and back to its bytes:
/// records that keep `raw` (data in filler, lenient numbers) carry fields equal to what
/// `raw` reads as, so the check that refuses edited fields lets them through.
#[test]
fn every_invalid_sample_round_trips_through_owned_json_when_it_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-samples/invalid");
    let mut round_trips = 0;
    for entry in std::fs::read_dir(&dir).expect("invalid samples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("sample");
        let Ok(tx) = Transmission::parse_with(&bytes, &ace_pga::ParseOptions::lenient()) else {
            continue;
        };
        let owned = OwnedTransmission::from_transmission(&tx);
        let json = serde_json::to_string(&owned).expect("owned form serializes");
        let back: OwnedTransmission = serde_json::from_str(&json).expect("deserialize");
        if let Ok(out) = back.to_bytes() {
            // `raw` keeps a short record as received; the tree's serializer pads it.
            assert!(
                out == bytes || out == tx.to_bytes(),
                "{path:?}: owned JSON encodes neither the input nor the parse"
            );
            round_trips += 1;
        }
    }
    assert!(
        round_trips >= 20,
        "{round_trips} invalid samples round-tripped"
    );
}

/// A `raw` that reads as no fields (here a PG14 with a byte outside ASCII, and a host record)
/// wins on encoding; `fields` given beside it are refused instead of dropped without a word.
#[test]
fn encode_refuses_fields_beside_a_raw_that_reads_as_no_fields() {
    use ace_pga::OwnedRecord;
    let bytes = read_sample("or2-single");
    let at = At::of("or2-single");
    let records = split_records(&bytes);
    for (id, col) in [("PG14", 40usize), ("SE10", 60)] {
        let mut raw: Vec<u8> = records[at.id(id) as usize - 1].to_vec();
        raw[col] = 0xE9;
        let latin1: String = raw.iter().map(|&b| char::from(b)).collect();
        let base = serde_json::json!({"line": 1, "record": id, "raw": latin1});
        let kept: OwnedRecord = serde_json::from_value(base.clone()).expect("owned");
        assert_eq!(kept.to_bytes().expect("raw alone"), raw, "{id}: raw wins");
        let mut with_fields = base.clone();
        with_fields["fields"] = serde_json::json!({"some_field": "EDITED"});
        let edited: OwnedRecord = serde_json::from_value(with_fields).expect("owned");
        let err = edited.to_bytes().expect_err("fields beside unreadable raw");
        assert!(
            err.to_string().contains("fields differ from raw"),
            "{id}: {err}"
        );
        let mut empty = base;
        empty["fields"] = serde_json::json!({});
        let empty: OwnedRecord = serde_json::from_value(empty).expect("owned");
        assert_eq!(empty.to_bytes().expect("no fields given"), raw, "{id}");
    }
}

/// Editing `fields` of a record that also carries `raw` is refused, not silently lost; a
/// record without terminator before another one in a terminated document is refused.
#[test]
fn encode_refuses_edited_fields_under_raw_and_a_terminator_none_mid_document() {
    let bytes = read_sample("or2-single");
    let tx = parse("or2-single", &bytes);
    let owned = OwnedTransmission::from_transmission(&tx);
    let mut json: Value = serde_json::to_value(&owned).expect("to JSON");
    // The PG14: give it a raw copy of its bytes, then edit a field.
    let at = At::of("or2-single");
    let pg14 = at.id("PG14");
    fn find_line(v: &mut Value, line: u64) -> Option<&mut Value> {
        let here = v.get("line").and_then(Value::as_u64) == Some(line) && v.get("record").is_some();
        if here {
            return Some(v);
        }
        match v {
            Value::Object(m) => m.values_mut().find_map(|x| find_line(x, line)),
            Value::Array(a) => a.iter_mut().find_map(|x| find_line(x, line)),
            _ => None,
        }
    }
    let pg14_bytes = split_records(&bytes)[pg14 as usize - 1];
    let rec = find_line(&mut json, pg14.into()).expect("the PG14");
    assert_eq!(rec["record"], "PG14");
    rec["raw"] = Value::String(String::from_utf8(pg14_bytes.to_vec()).expect("ascii"));
    let unchanged: OwnedTransmission = serde_json::from_value(json.clone()).expect("owned");
    assert_eq!(unchanged.to_bytes().expect("raw agrees with fields"), bytes);
    let rec = find_line(&mut json, pg14.into()).expect("the PG14");
    rec["fields"]["lpco_number"] = Value::String("417-2093856104-557322".into());
    let edited: OwnedTransmission = serde_json::from_value(json.clone()).expect("owned");
    let err = edited.to_bytes().expect_err("edited fields under raw");
    assert!(err.to_string().contains("fields differ from raw"), "{err}");

    let mut json: Value = serde_json::to_value(&owned).expect("to JSON");
    // A record in the middle of the document (the SE40).
    let rec = find_line(&mut json, at.id("SE40").into()).expect("the SE40");
    assert_eq!(rec["record"], "SE40");
    rec["terminator"] = Value::String("none".into());
    let merged: OwnedTransmission = serde_json::from_value(json).expect("owned");
    let err = merged.to_bytes().expect_err("terminator none mid-document");
    assert!(err.to_string().contains("terminator none"), "{err}");
}
