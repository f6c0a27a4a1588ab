//! The public API's std traits and readers: `Display`/`FromStr`/`TryFrom` round trips of
//! `RecordType`, `Terminator`, `Severity` and `MessageType`; `ParseOptions` setters and
//! `Limits`; `RecordReader` against `Transmission`; the `Records` iterator against the
//! visitor in every tree shape of the shipped samples.

mod common;

use std::str::FromStr;

use ace_pga::profile::ams_or::MessageType;
use ace_pga::records::ALL_LAYOUTS;
use ace_pga::{
    Limits, ParseOptions, RecordReader, RecordType, Severity, Terminator, Transmission,
    DEFAULT_MAX_INPUT_LEN,
};

/// Every sample of `spec-samples/valid` and `spec-samples/invalid` (name, bytes).
fn samples() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["spec-samples/valid", "spec-samples/invalid"] {
        let mut names: Vec<_> = std::fs::read_dir(common::repo_path(dir))
            .expect("samples dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        for p in names {
            let bytes = std::fs::read(&p).expect("sample");
            out.push((p.display().to_string(), bytes));
        }
    }
    assert!(out.len() > 20, "samples found: {}", out.len());
    out
}

#[test]
fn record_type_display_and_from_str_round_trip() {
    let mut types: Vec<RecordType> = ALL_LAYOUTS
        .iter()
        .map(|l| RecordType::from_name(l.name).expect("layout name"))
        .collect();
    types.extend([RecordType::Host, RecordType::UnknownPg]);
    assert_eq!(types.len(), ALL_LAYOUTS.len() + 2);
    for t in types {
        let shown = t.to_string();
        assert_eq!(RecordType::from_str(&shown), Ok(t), "{shown}");
        if let Some(l) = t.layout() {
            assert_eq!(shown, l.name);
        }
    }
    assert_eq!(RecordType::Pg14.to_string(), "PG14");
    assert_eq!(RecordType::So70V04.to_string(), "SO70@04");
    let e = RecordType::from_str("PG99").expect_err("no PG99 layout");
    assert_eq!((e.what, e.given.as_str()), ("record type", "PG99"));
}

#[test]
fn record_type_try_from_identifier_bytes() {
    assert_eq!(RecordType::try_from(&b"PG14"[..]), Ok(RecordType::Pg14));
    assert_eq!(RecordType::try_from(&b"OI"[..]), Ok(RecordType::Oi));
    assert_eq!(RecordType::try_from(&b"A"[..]), Ok(RecordType::BatchHeader));
    // An identifier with layout variants names its base layout.
    assert_eq!(RecordType::try_from(&b"SO70"[..]), Ok(RecordType::So70));
    let e = RecordType::try_from(&b"SE10"[..]).expect_err("host record: no layout");
    assert_eq!(e.given, "SE10");
    assert!(RecordType::try_from(&b"pg14"[..]).is_err());
}

#[test]
fn terminator_display_from_str_and_bytes_round_trip() {
    for t in [
        Terminator::Lf,
        Terminator::CrLf,
        Terminator::Cr,
        Terminator::None,
    ] {
        assert_eq!(Terminator::from_str(&t.to_string()), Ok(t));
        assert_eq!(Terminator::try_from(t.as_bytes()), Ok(t));
    }
    assert_eq!(Terminator::try_from(&b"\r\n"[..]), Ok(Terminator::CrLf));
    assert!(Terminator::try_from(&b"\n\r"[..]).is_err());
    assert!(Terminator::from_str("LF").is_err());
}

#[test]
fn severity_display_and_from_str_round_trip() {
    for s in [Severity::Error, Severity::Warning] {
        assert_eq!(Severity::from_str(&s.to_string()), Ok(s));
    }
    assert!(Severity::from_str("fatal").is_err());
}

#[test]
fn message_type_display_and_try_from_round_trip() {
    for (text, want) in [
        ("OR1", MessageType::Or1),
        ("OR2", MessageType::Or2),
        ("OR", MessageType::Bare),
        ("OR7", MessageType::Other("7")),
        ("ORAB", MessageType::Other("AB")),
    ] {
        let got = MessageType::try_from(text).expect(text);
        assert_eq!(got, want, "{text}");
        assert_eq!(got.to_string(), text);
        assert_eq!(got.as_str(), text);
    }
    for bad in ["OR3456", "FD1", "", "or1", "OR 1"] {
        let e = MessageType::try_from(bad).expect_err(bad);
        assert_eq!(e.given, bad);
    }
}

#[test]
fn parse_options_setters_and_limits() {
    let strict = ParseOptions::strict();
    assert!(!strict.is_lenient());
    assert_eq!(strict, ParseOptions::default());
    assert_eq!(*strict.limits(), Limits::default());
    assert_eq!(strict.limits().max_input_len, DEFAULT_MAX_INPUT_LEN);
    // Setting every leniency on one by one gives the lenient mode.
    let built = ParseOptions::strict()
        .pad_short_lines(true)
        .accept_byte_order_mark(true)
        .ignore_trailing_eof(true)
        .lenient_numeric(true)
        .lower_case_ids(true);
    assert_eq!(built, ParseOptions::lenient());
    assert!(
        built.pads_short_lines()
            && built.accepts_byte_order_mark()
            && built.ignores_trailing_eof()
            && built.accepts_lenient_numeric()
            && built.accepts_lower_case_ids()
            && built.detects_non_catair()
    );
    // And off again.
    let off = built
        .pad_short_lines(false)
        .accept_byte_order_mark(false)
        .ignore_trailing_eof(false)
        .lenient_numeric(false)
        .lower_case_ids(false);
    assert_eq!(off, ParseOptions::strict());
    assert!(!ParseOptions::strict()
        .detect_non_catair(false)
        .detects_non_catair());
    // Limits are set apart from the leniencies and leave them alone.
    let limited = ParseOptions::lenient()
        .max_input_len(10)
        .max_records_per_pga_line(20)
        .max_pga_lines_per_oi(30);
    assert_eq!(
        (
            limited.limits().max_input_len,
            limited.limits().max_records_per_pga_line,
            limited.limits().max_pga_lines_per_oi
        ),
        (10, 20, 30)
    );
    assert!(limited.is_lenient());
    let input = common::or2_single();
    assert!(Transmission::parse_with(&input, &limited).is_err());
    assert!(RecordReader::new(&input, &limited).is_err());
}

/// The reader yields the records of the tree, in order, with the same problems, for every
/// sample in both modes.
#[test]
fn record_reader_matches_the_transmission() {
    for (name, bytes) in samples() {
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            let tx = Transmission::parse_with(&bytes, &opts);
            let reader = RecordReader::new(&bytes, &opts);
            let (tx, mut reader) = match (tx, reader) {
                (Ok(tx), Ok(reader)) => (tx, reader),
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{name}: whole-input error");
                    continue;
                }
                (a, b) => panic!("{name}: parse {:?} but reader {:?}", a.err(), b.err()),
            };
            let read: Vec<_> = reader.by_ref().collect();
            let tree: Vec<_> = tx.records().cloned().collect();
            assert_eq!(read, tree, "{name}: records");
            assert_eq!(reader.problems(), tx.problems(), "{name}: problems");
            assert_eq!(reader.framing(), tx.tree().framing, "{name}: framing");
            assert_eq!(reader.trailing(), tx.trailing(), "{name}: trailing");
            assert!(reader.next().is_none(), "{name}: fused");
        }
    }
}

/// The lazy `Records` iterator visits what `for_each_record` visits, in the same order, and
/// what `pga_lines` and `oi_groups` give is what the tree holds.
#[test]
fn records_iterator_matches_the_visitor() {
    for (name, bytes) in samples() {
        let Ok(tx) = Transmission::parse_with(&bytes, &ParseOptions::lenient()) else {
            continue;
        };
        let mut visited = Vec::new();
        tx.tree().for_each_record(|r| visited.push(r));
        let iterated: Vec<_> = tx.tree().records().collect();
        assert_eq!(iterated.len(), visited.len(), "{name}");
        assert!(
            iterated
                .iter()
                .zip(&visited)
                .all(|(a, b)| std::ptr::eq(*a, *b)),
            "{name}: same records in the same order"
        );
        let lines: Vec<u32> = iterated.iter().map(|r| r.line()).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{name}: input order");
        // Per PGA line, too.
        for line in tx.tree().pga_lines() {
            let mut v = Vec::new();
            line.for_each_record(|r| v.push(r.line()));
            let it: Vec<u32> = line.records().map(|r| r.line()).collect();
            assert_eq!(it, v, "{name}: PGA line at {}", line.pg01.record.line());
        }
        let from_groups: usize = tx.tree().oi_groups().map(|(_, g)| g.lines.len()).sum();
        assert_eq!(from_groups, tx.tree().pga_lines().count(), "{name}");
    }
}

#[test]
fn the_nested_tree_is_built_once_and_shared_by_threads() {
    let input = std::fs::read("spec-samples/valid/multi-agency.txt").expect("sample");
    let t = Transmission::parse(&input).expect("valid");
    let before = t.clone();
    let trees: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| std::ptr::from_ref(t.tree()) as usize))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    assert!(
        trees.windows(2).all(|w| w[0] == w[1]),
        "one tree: {trees:?}"
    );
    assert_eq!(std::ptr::from_ref(t.tree()) as usize, trees[0]);
    // Building the nested tree changes nothing a transmission compares or writes.
    assert_eq!(before, t);
    assert_eq!(t.clone(), t);
    assert_eq!(t.to_bytes(), input);
    let nested: Vec<_> = t.tree().records().copied().collect();
    let flat: Vec<_> = t.flat().records().collect();
    assert_eq!(nested, flat);
    // `Debug` prints the flat tree's records as text.
    let shown = format!("{:?}", Transmission::parse(&input).expect("valid"));
    assert!(
        shown.contains("raw: \"PG01"),
        "{}",
        &shown[..shown.len().min(400)]
    );
}
