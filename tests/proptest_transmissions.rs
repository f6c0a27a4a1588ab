//! Whole transmissions round-trip byte for byte (issue 5, part 2): arbitrary valid mixes of
//! envelopes, host records, HTS anchors, OI groups, PGA lines (simple children, entity loops,
//! `PG50`…`PG51` groups, `PG00` substitutions), `SE90` conditions and `SO70`–`SO72`
//! dispositions, in every terminator convention. The generated value is a tree of record
//! *kinds* (nested `Vec`s); its bytes are the samples' records (`spec-samples/valid/`) put
//! in that order. Shrinking removes records (or whole transactions, lines, loops), so a
//! failure reports a short list of record ids.
//!
//! Properties: the strict parse succeeds, gives exactly the generated records (identifier,
//! bytes, terminator) in order, one PGA line per generated line, and serializes back to the
//! input; the owned (JSON) form encodes back to the input too.

mod common;

use std::collections::HashMap;
use std::fmt;

use ace_pga::{OwnedTransmission, Transmission};
use proptest::prelude::*;

/// The record templates: the first record of each identifier in the samples.
fn templates() -> HashMap<String, Vec<u8>> {
    let mut t = HashMap::new();
    for f in [
        "every-record.txt",
        "so-status.txt",
        "sx-response.txt",
        "entry-summary-ae.txt",
    ] {
        let data = common::read_repo(&format!("spec-samples/valid/{f}"));
        for line in common::lines_of(&data) {
            let rec = ace_pga::records::identify(&line, false);
            let id = String::from_utf8_lossy(&line[..rec.id_len]).into_owned();
            t.entry(id).or_insert(line);
        }
    }
    // No sample has an SE60 sub-record: a host record of that shape.
    t.insert("SE61".into(), common::record80(b"SE61PLACE OF LADING 2704"));
    t
}

/// PGA line children without structure of their own.
const SIMPLE: &[&str] = &[
    "PG02", "PG04", "PG05", "PG06", "PG07", "PG08", "PG10", "PG13", "PG14", "PG17", "PG18", "PG22",
    "PG23", "PG24", "PG25", "PG26", "PG27", "PG28", "PG29", "PG30", "PG31", "PG32", "PG33", "PG34",
    "PG35",
];

#[derive(Clone, Debug)]
enum Child {
    /// A simple record, optionally followed by an `SE90`.
    Simple(&'static str, bool),
    /// `PG19`, optional `PG20`, `PG55`/`PG21` records.
    Entity {
        pg20: bool,
        contacts: Vec<&'static str>,
    },
    /// `PG50`, simple records, `PG51`.
    Group(Vec<&'static str>),
    /// `PG00` substituting the next record.
    Substitution(&'static str),
}

#[derive(Clone, Debug)]
struct Line {
    se90: bool,
    children: Vec<Child>,
}

#[derive(Clone, Debug)]
struct Anchor {
    se90: bool,
    sub_records: usize,
    /// `None`: an anchor without OI group.
    lines: Option<Vec<Line>>,
}

#[derive(Clone, Debug)]
enum Txn {
    /// `SE10`, host records (`SE13`/`SE15`/`SE40`), anchors (`SE60` …).
    CargoRelease {
        hosts: Vec<&'static str>,
        anchors: Vec<Anchor>,
    },
    /// `10`, `11`, `40`, anchors (`50` …), `51`, `52`, `90`.
    EntrySummary { anchors: Vec<Anchor> },
    /// `SO10` and dispositions `SO70` [`SO71`] `SO72`*.
    Status { dispositions: Vec<(bool, usize)> },
}

#[derive(Clone, Debug)]
struct Spec {
    envelope: bool,
    transactions: Vec<Txn>,
    terminator: &'static [u8],
    final_terminator: bool,
}

/// The generated records in order, and the number of PGA lines.
fn ids(spec: &Spec) -> (Vec<&'static str>, usize) {
    let mut out = Vec::new();
    let mut lines = 0;
    let anchor = |out: &mut Vec<&'static str>, lines: &mut usize, a: &Anchor, id| {
        out.push(id);
        if a.se90 {
            out.push("SE90");
        }
        if id == "SE60" {
            out.extend(std::iter::repeat_n("SE61", a.sub_records));
        }
        if let Some(ls) = &a.lines {
            out.push("OI");
            for l in ls {
                *lines += 1;
                out.push("PG01");
                if l.se90 {
                    out.push("SE90");
                }
                for c in &l.children {
                    match c {
                        Child::Simple(id, se90) => {
                            out.push(id);
                            if *se90 {
                                out.push("SE90");
                            }
                        }
                        Child::Entity { pg20, contacts } => {
                            out.push("PG19");
                            if *pg20 {
                                out.push("PG20");
                            }
                            out.extend(contacts.iter().copied());
                        }
                        Child::Group(items) => {
                            out.push("PG50");
                            out.extend(items.iter().copied());
                            out.push("PG51");
                        }
                        Child::Substitution(id) => {
                            out.push("PG00");
                            out.push(id);
                        }
                    }
                }
            }
        }
    };
    if spec.envelope {
        out.extend(["A", "B"]);
    }
    for t in &spec.transactions {
        match t {
            Txn::CargoRelease { hosts, anchors } => {
                out.push("SE10");
                out.extend(hosts.iter().copied());
                for a in anchors {
                    anchor(&mut out, &mut lines, a, "SE60");
                }
            }
            Txn::EntrySummary { anchors } => {
                out.extend(["10", "11", "40"]);
                for a in anchors {
                    anchor(&mut out, &mut lines, a, "50");
                    out.extend(["51", "52"]);
                }
                out.push("90");
            }
            Txn::Status { dispositions } => {
                out.push("SO10");
                for &(so71, so72) in dispositions {
                    out.push("SO70");
                    if so71 {
                        out.push("SO71");
                    }
                    out.extend(std::iter::repeat_n("SO72", so72));
                }
            }
        }
    }
    if spec.envelope {
        out.extend(["Y", "Z"]);
    }
    (out, lines)
}

/// A readable failure report: the record ids and the terminator.
struct Shown<'a>(&'a Spec);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ids, _) = ids(self.0);
        write!(
            f,
            "records [{}], terminator {:?}{}",
            ids.join(" "),
            String::from_utf8_lossy(self.0.terminator),
            if self.0.final_terminator {
                ""
            } else {
                " (none after the last record)"
            }
        )
    }
}

const TERMINATORS: &[&[u8]] = &[b"\n", b"\r\n", b"\r", b""];

fn simple() -> impl Strategy<Value = &'static str> {
    prop::sample::select(SIMPLE)
}

fn child() -> impl Strategy<Value = Child> {
    prop_oneof![
        4 => (simple(), prop::bool::weighted(0.1)).prop_map(|(id, s)| Child::Simple(id, s)),
        1 => (any::<bool>(), prop::collection::vec(prop::sample::select(&["PG21", "PG55"][..]), 0..3))
            .prop_map(|(pg20, contacts)| Child::Entity { pg20, contacts }),
        1 => prop::collection::vec(prop::sample::select(&["PG02", "PG06", "PG10", "PG14"][..]), 0..4)
            .prop_map(Child::Group),
        1 => prop::sample::select(&["PG22", "PG29", "PG30"][..]).prop_map(Child::Substitution),
    ]
}

fn line() -> impl Strategy<Value = Line> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(child(), 0..8),
    )
        .prop_map(|(se90, children)| Line { se90, children })
}

fn anchor() -> impl Strategy<Value = Anchor> {
    (
        prop::bool::weighted(0.1),
        0..2usize,
        prop::option::weighted(0.85, prop::collection::vec(line(), 0..4)),
    )
        .prop_map(|(se90, sub_records, lines)| Anchor {
            se90,
            sub_records,
            lines,
        })
}

fn txn() -> impl Strategy<Value = Txn> {
    prop_oneof![
        4 => (
            prop::collection::vec(prop::sample::select(&["SE13", "SE15", "SE40"][..]), 0..3),
            prop::collection::vec(anchor(), 0..3),
        )
            .prop_map(|(hosts, anchors)| Txn::CargoRelease { hosts, anchors }),
        1 => prop::collection::vec(anchor(), 0..3).prop_map(|anchors| Txn::EntrySummary { anchors }),
        1 => prop::collection::vec((any::<bool>(), 0..3usize), 0..3)
            .prop_map(|dispositions| Txn::Status { dispositions }),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::bool::weighted(0.8),
        prop::collection::vec(txn(), 1..4),
        prop::sample::select(TERMINATORS),
        prop::bool::weighted(0.8),
    )
        .prop_map(
            |(envelope, transactions, terminator, final_terminator)| Spec {
                envelope,
                transactions,
                terminator,
                // Terminator-less input has no final terminator either.
                final_terminator: final_terminator && !terminator.is_empty(),
            },
        )
}

fn check(spec: &Spec, templates: &HashMap<String, Vec<u8>>) -> Result<(), TestCaseError> {
    let (ids, lines) = ids(spec);
    let records: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| {
            templates
                .get(*id)
                .unwrap_or_else(|| panic!("no template for {id}"))
                .clone()
        })
        .collect();
    let input = common::join(&records, spec.terminator, spec.final_terminator);
    let shown = Shown(spec);
    let t = match Transmission::parse(&input) {
        Ok(t) => t,
        Err(e) => return Err(TestCaseError::fail(format!("{shown}: strict parse: {e}"))),
    };
    prop_assert_eq!(t.to_bytes(), input.clone(), "{}: to_bytes() differs", shown);
    let got: Vec<(&str, &[u8])> = t.records().map(|r| (r.id(), r.raw())).collect();
    let want: Vec<(&str, &[u8])> = ids
        .iter()
        .zip(&records)
        .map(|(id, r)| (*id, r.as_slice()))
        .collect();
    prop_assert_eq!(got, want, "{}: record sequence differs", shown);
    prop_assert_eq!(t.tree().pga_lines().count(), lines, "{}: PGA lines", shown);
    prop_assert!(t.trailing().is_empty(), "{}: trailing bytes", shown);
    let owned = OwnedTransmission::from_transmission(&t);
    prop_assert_eq!(
        owned.to_bytes().ok(),
        Some(input),
        "{}: owned form differs",
        shown
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn whole_transmissions_round_trip_byte_for_byte(spec in spec()) {
        thread_local! {
            static TEMPLATES: HashMap<String, Vec<u8>> = templates();
        }
        TEMPLATES.with(|t| check(&spec, t))?;
    }
}

/// Every identifier the generator uses has a template in the samples.
#[test]
fn every_generated_kind_has_a_sample_template() {
    let t = templates();
    for id in SIMPLE.iter().chain(&[
        "A", "B", "Y", "Z", "SE10", "SE13", "SE15", "SE40", "SE60", "SE90", "OI", "PG00", "PG01",
        "PG19", "PG20", "PG21", "PG55", "PG50", "PG51", "10", "11", "40", "50", "51", "52", "90",
        "SO10", "SO70", "SO71", "SO72",
    ]) {
        assert!(t.contains_key(*id), "no sample record {id}");
    }
}

/// A fixed mix (one of everything) round-trips in every terminator convention: the case a
/// shrunk failure is compared with.
#[test]
fn one_of_everything_round_trips() {
    let t = templates();
    for (terminator, final_terminator) in [
        (&b"\n"[..], true),
        (b"\r\n", true),
        (b"\r", false),
        (b"", false),
    ] {
        let spec = Spec {
            envelope: true,
            transactions: vec![
                Txn::CargoRelease {
                    hosts: vec!["SE13", "SE15", "SE40"],
                    anchors: vec![Anchor {
                        se90: true,
                        sub_records: 1,
                        lines: Some(vec![Line {
                            se90: true,
                            children: vec![
                                Child::Simple("PG02", true),
                                Child::Entity {
                                    pg20: true,
                                    contacts: vec!["PG21", "PG55"],
                                },
                                Child::Group(vec!["PG02", "PG06"]),
                                Child::Substitution("PG29"),
                            ],
                        }]),
                    }],
                },
                Txn::EntrySummary {
                    anchors: vec![Anchor {
                        se90: false,
                        sub_records: 0,
                        lines: Some(vec![Line {
                            se90: false,
                            children: vec![Child::Simple("PG14", false)],
                        }]),
                    }],
                },
                Txn::Status {
                    dispositions: vec![(true, 2), (false, 0)],
                },
            ],
            terminator,
            final_terminator,
        };
        check(&spec, &t).unwrap();
    }
}
