//! The flat tree against the nested tree (differential): for every sample and for generated
//! record sequences, both trees hold the same records in the same groups in the same order,
//! and both parses fail with the same errors. Lookups (`group_of`, `line_of`) agree with the
//! walk. `Transmission::flat` is the parsed flat tree, and validation reports the
//! same from either tree.

mod common;

use ace_pga::tree::{
    Batch, Block, EntityLoop, FlatItem, GroupKind, GroupRef, HtsAnchor, Item, Node, NodeRef,
    OiGroup, PgGroup, PgaItem, PgaLine, Transaction,
};
use ace_pga::validate::{check_bytes, validate, validate_flat, ValidateOptions};
use ace_pga::{FlatTree, ParseOptions, Record, Transmission, Tree};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// One text form of a tree's structure, written from each tree
// ---------------------------------------------------------------------------------------

fn node(out: &mut String, record: &Record<'_>, conditions: &[Record<'_>]) {
    out.push_str(&record.line().to_string());
    if !conditions.is_empty() {
        let c: Vec<String> = conditions.iter().map(|c| c.line().to_string()).collect();
        out.push_str(&format!("<{}>", c.join(",")));
    }
}

fn nested_node(out: &mut String, n: Option<&Node<Record<'_>>>) {
    match n {
        Some(n) => node(out, &n.record, &n.conditions),
        None => out.push('-'),
    }
}

/// `Kind(h=head;p=pg20;[items];t=tail)`.
fn group(
    out: &mut String,
    kind: GroupKind,
    head: Option<&Node<Record<'_>>>,
    pg20: Option<&Node<Record<'_>>>,
    tail: Option<&Node<Record<'_>>>,
    items: impl FnOnce(&mut String),
) {
    out.push_str(&format!("{kind:?}(h="));
    nested_node(out, head);
    out.push_str(";p=");
    nested_node(out, pg20);
    out.push_str(";[");
    items(out);
    out.push_str("];t=");
    nested_node(out, tail);
    out.push_str(") ");
}

fn nodes(out: &mut String, v: &[Node<Record<'_>>]) {
    for n in v {
        nested_node(out, Some(n));
        out.push(' ');
    }
}

fn pga_items(out: &mut String, items: &[PgaItem<Record<'_>>]) {
    for i in items {
        match i {
            PgaItem::Record(n) => nodes(out, std::slice::from_ref(n)),
            PgaItem::Entity(e) => entity(out, e),
            PgaItem::Group(g) => pg_group(out, g),
            _ => panic!("unknown PGA item"),
        }
    }
}

fn entity(out: &mut String, e: &EntityLoop<Record<'_>>) {
    group(
        out,
        GroupKind::Entity,
        Some(&e.pg19),
        e.pg20.as_ref(),
        None,
        |o| nodes(o, &e.items),
    );
}

fn pg_group(out: &mut String, g: &PgGroup<Record<'_>>) {
    group(
        out,
        GroupKind::PgGroup,
        Some(&g.start),
        None,
        g.end.as_ref(),
        |o| pga_items(o, &g.items),
    );
}

fn line(out: &mut String, l: &PgaLine<Record<'_>>) {
    group(out, GroupKind::Line, Some(&l.pg01), None, None, |o| {
        pga_items(o, &l.items)
    });
}

fn oi_group(out: &mut String, g: &OiGroup<Record<'_>>) {
    group(out, GroupKind::OiGroup, g.oi.as_ref(), None, None, |o| {
        nodes(o, &g.orphans);
        g.lines.iter().for_each(|l| line(o, l));
    });
}

fn anchor(out: &mut String, a: &HtsAnchor<Record<'_>>) {
    group(out, GroupKind::Anchor, Some(&a.anchor), None, None, |o| {
        nodes(o, &a.sub_records);
        if let Some(g) = &a.oi_group {
            oi_group(o, g);
        }
    });
}

fn transaction(out: &mut String, t: &Transaction<Record<'_>>) {
    group(out, GroupKind::Transaction, None, None, None, |o| {
        for i in &t.items {
            match i {
                Item::Record(n) => nodes(o, std::slice::from_ref(n)),
                Item::Anchor(a) => anchor(o, a),
                Item::OiGroup(g) => oi_group(o, g),
                Item::Disposition(d) => {
                    group(o, GroupKind::Disposition, Some(&d.so70), None, None, |o| {
                        nodes(o, &d.details)
                    })
                }
                Item::Substitution(g) => group(
                    o,
                    GroupKind::Substitution,
                    Some(&g.start),
                    None,
                    g.end.as_ref(),
                    |o| nodes(o, &g.records),
                ),
                _ => panic!("unknown item"),
            }
        }
    });
}

fn block(out: &mut String, b: &Block<Record<'_>>) {
    group(
        out,
        GroupKind::Block,
        b.header.as_ref(),
        None,
        b.trailer.as_ref(),
        |o| b.transactions.iter().for_each(|t| transaction(o, t)),
    );
}

fn batch(out: &mut String, b: &Batch<Record<'_>>) {
    group(
        out,
        GroupKind::Batch,
        b.header.as_ref(),
        None,
        b.trailer.as_ref(),
        |o| b.blocks.iter().for_each(|k| block(o, k)),
    );
}

fn nested_shape(t: &Tree<Record<'_>>) -> String {
    let mut out = String::new();
    t.batches.iter().for_each(|b| batch(&mut out, b));
    out
}

fn flat_node(out: &mut String, n: Option<NodeRef<'_, '_>>) {
    match n {
        Some(n) => node(out, &n.record(), &n.conditions().collect::<Vec<_>>()),
        None => out.push('-'),
    }
}

/// The same text from the flat tree; checks on the way that each group's records are
/// exactly what its walk visits and that `group_of` / `line_of` find the walk's groups.
fn flat_group(out: &mut String, tree: &FlatTree<'_>, g: GroupRef<'_, '_>, seen: &mut Vec<usize>) {
    let first = seen.len();
    let visit = |seen: &mut Vec<usize>, n: Option<NodeRef<'_, '_>>| {
        if let Some(n) = n {
            seen.extend(n.index()..n.index() + 1 + n.conditions().len());
            for i in n.index()..n.index() + 1 + n.conditions().len() {
                let innermost = tree.group_of(i).expect("group_of a record");
                assert_eq!(innermost.index(), g.index(), "group_of({i})");
            }
        }
    };
    out.push_str(&format!("{:?}(h=", g.kind()));
    flat_node(out, g.head());
    visit(seen, g.head());
    out.push_str(";p=");
    flat_node(out, g.pg20());
    visit(seen, g.pg20());
    out.push_str(";[");
    for item in g.items() {
        match item {
            FlatItem::Record(n) => {
                flat_node(out, Some(n));
                visit(seen, Some(n));
                out.push(' ');
            }
            FlatItem::Group(c) => {
                assert_eq!(c.parent().map(|p| p.index()), Some(g.index()));
                flat_group(out, tree, c, seen);
            }
        }
    }
    out.push_str("];t=");
    flat_node(out, g.tail());
    visit(seen, g.tail());
    out.push_str(") ");
    assert_eq!(
        seen[first..],
        g.range().collect::<Vec<_>>(),
        "{:?} {} covers what its walk visits",
        g.kind(),
        g.index()
    );
    assert_eq!(g.records().len(), g.range().len());
    let line = tree.line_of(g.range().start).map(|l| l.index());
    match g.kind() {
        GroupKind::Line => assert_eq!(line, Some(g.index())),
        GroupKind::Entity | GroupKind::PgGroup => assert!(line.is_some()),
        _ => {}
    }
}

fn flat_shape(t: &FlatTree<'_>) -> String {
    let mut out = String::new();
    let mut seen = Vec::new();
    for b in t.batches() {
        assert_eq!(b.parent().map(|p| p.index()), None);
        flat_group(&mut out, t, b, &mut seen);
    }
    assert_eq!(
        seen,
        (0..t.records().len()).collect::<Vec<_>>(),
        "the batches cover every record once, in order"
    );
    out
}

/// Parses `input` both ways with `opts` and compares everything.
fn compare(input: &[u8], opts: &ParseOptions) -> Result<(), TestCaseError> {
    let nested = Transmission::parse_with(input, opts);
    let flat = FlatTree::parse_with(input, opts);
    match (nested, flat) {
        (Err(a), Err(b)) => prop_assert_eq!(a.problems, b.problems),
        (Ok(n), Ok(f)) => {
            prop_assert_eq!(n.problems(), f.problems());
            prop_assert_eq!(n.trailing(), f.trailing());
            prop_assert_eq!(&n.tree().framing, f.framing());
            let walked: Vec<Record<'_>> = n.records().cloned().collect();
            let flat_records: Vec<Record<'_>> = f.records().collect();
            prop_assert_eq!(walked, flat_records);
            prop_assert_eq!(nested_shape(n.tree()), flat_shape(&f));
            let lines: Vec<u32> = n.tree().pga_lines().map(|l| l.pg01.record.line()).collect();
            let flat_lines: Vec<u32> = f
                .pga_lines()
                .map(|l| l.head().expect("PG01").record().line())
                .collect();
            prop_assert_eq!(lines, flat_lines);
            prop_assert_eq!(n.tree().transactions().count(), f.transactions().count());
            prop_assert_eq!(
                n.tree().oi_groups().count(),
                f.oi_groups().count(),
                "OI groups"
            );
            // The transmission's flat tree is the parsed flat tree.
            prop_assert_eq!(f.options(), opts);
            let made = n.flat();
            prop_assert_eq!(made.options(), opts);
            prop_assert_eq!(made.problems(), f.problems());
            prop_assert_eq!(made.trailing(), f.trailing());
            prop_assert_eq!(
                made.records().collect::<Vec<_>>(),
                f.records().collect::<Vec<_>>()
            );
            prop_assert_eq!(flat_shape(made), flat_shape(&f));
            // And validation of either is the same report.
            let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
            let vopts = ValidateOptions::new(as_of);
            let report = validate(&n, &vopts);
            prop_assert_eq!(&report, &validate_flat(&f, &vopts));
            prop_assert_eq!(&report, &check_bytes(input, opts, &vopts));
        }
        (n, f) => prop_assert!(
            false,
            "one parse failed: nested {:?}, flat {:?}",
            n.err(),
            f.err()
        ),
    }
    Ok(())
}

#[test]
fn every_sample_gives_the_nested_structure() {
    let files = common::sample_files();
    assert!(files.len() > 20);
    for file in files {
        let input = std::fs::read(&file).expect("sample");
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            compare(&input, &opts).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        // The strict entry points fail alike.
        match (Transmission::parse(&input), FlatTree::parse(&input)) {
            (Ok(_), Ok(_)) => {}
            (Err(a), Err(b)) => assert_eq!(a.problems, b.problems, "{}", file.display()),
            (a, b) => panic!("{}: {:?} / {:?}", file.display(), a.err(), b.err()),
        }
    }
}

#[test]
fn structural_limits_fail_alike() {
    let input = common::read_repo("spec-samples/valid/or1-full.txt");
    for opts in [
        ParseOptions::lenient().max_records_per_pga_line(2),
        ParseOptions::lenient().max_pga_lines_per_oi(0),
        ParseOptions::lenient().max_input_len(10),
    ] {
        let a = Transmission::parse_with(&input, &opts).expect_err("limit");
        let b = FlatTree::parse_with(&input, &opts).expect_err("limit");
        assert_eq!(a.problems, b.problems);
    }
    // Whole-input problems: empty input (F-020), EBCDIC (F-021), only 0x1A bytes.
    for input in [
        Vec::new(),
        common::ebcdic(&common::or2_single()),
        vec![0x1A; 3],
    ] {
        let a = Transmission::parse(&input).expect_err("whole-input problem");
        let b = FlatTree::parse(&input).expect_err("whole-input problem");
        assert_eq!(a.problems, b.problems);
    }
}

#[test]
fn lookups_out_of_range_are_none() {
    let input = common::or2_single();
    let tree = FlatTree::parse(&input).expect("valid");
    let n = tree.records().len();
    assert_eq!(n, 16);
    assert!(tree.group_of(n).is_none());
    assert!(tree.line_of(n).is_none());
    assert!(tree.group(tree.group_count()).is_none());
    // The envelope records belong to the batch and the block, not to a line.
    assert_eq!(tree.group_of(0).map(|g| g.kind()), Some(GroupKind::Batch));
    assert_eq!(tree.group_of(1).map(|g| g.kind()), Some(GroupKind::Block));
    assert!(tree.line_of(0).is_none());
    // Every record from the PG01 to the one before Y is in the one PGA line.
    let pg01 = tree.records().position(|r| r.id() == "PG01").expect("PG01");
    let y = tree.records().position(|r| r.id() == "Y").expect("Y");
    let line = tree.line_of(pg01).expect("the line");
    assert_eq!(line.range(), pg01..y);
    assert!((pg01..y).all(|i| tree.line_of(i).map(|l| l.index()) == Some(line.index())));
}

/// Every distinct record of the valid samples: envelope, host, OI, PG (PG00 S/E/R), SE90 of
/// both levels, SO70–SO72.
fn pool() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = Vec::new();
    for file in common::sample_files() {
        if !file.to_string_lossy().contains("/valid/") {
            continue;
        }
        let input = std::fs::read(&file).expect("sample");
        for l in input.split(|&b| b == b'\n') {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            if l.len() == 80 && !v.iter().any(|x| x == l) {
                v.push(l.to_vec());
            }
        }
    }
    v
}

fn join(pool: &[Vec<u8>], picks: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    for &i in picks {
        out.extend_from_slice(&pool[i % pool.len()]);
        out.push(b'\n');
    }
    out
}

#[test]
fn the_pool_holds_every_kind_of_group() {
    let pool = pool();
    let ids: Vec<&[u8]> = pool.iter().map(|l| &l[..4]).collect();
    for id in [
        &b"PG00"[..],
        b"PG19",
        b"PG20",
        b"PG21",
        b"PG50",
        b"PG51",
        b"SE90",
        b"SO70",
        b"SE60",
        b"50  ",
    ] {
        assert!(
            ids.iter().any(|x| x.starts_with(id.trim_ascii_end())),
            "{}",
            String::from_utf8_lossy(id)
        );
    }
    // Every group kind appears when the pool is parsed in sample order.
    let all: Vec<usize> = (0..pool.len()).collect();
    let input = join(&pool, &all);
    let tree = FlatTree::parse_with(&input, &ParseOptions::lenient()).expect("parse");
    for kind in [
        GroupKind::Batch,
        GroupKind::Block,
        GroupKind::Transaction,
        GroupKind::Anchor,
        GroupKind::OiGroup,
        GroupKind::Line,
        GroupKind::Entity,
        GroupKind::PgGroup,
        GroupKind::Disposition,
    ] {
        assert!(tree.groups_of(kind).next().is_some(), "{kind:?}");
    }
    compare(&input, &ParseOptions::lenient()).expect("same structure");
    // A header-level substitution group (SPEC 4.5): a transaction start, then PG00 S … E.
    let find = |pred: &dyn Fn(&[u8]) -> bool| pool.iter().position(|l| pred(l)).expect("in pool");
    // Record-level conditions (SE90 with a message type other than 01–03) after a record
    // inside the group and after its tail.
    let condition = find(&|l| l.starts_with(b"SE90") && !l.starts_with(b"SE9002"));
    let picks = [
        find(&|l| l.starts_with(b"SE10")),
        find(&|l| l.starts_with(b"PG00S")),
        find(&|l| l.starts_with(b"PG02")),
        condition,
        find(&|l| l.starts_with(b"PG00E")),
        condition,
        condition,
    ];
    let input = join(&pool, &picks);
    let tree = FlatTree::parse_with(&input, &ParseOptions::lenient()).expect("parse");
    let sub = tree
        .groups_of(GroupKind::Substitution)
        .next()
        .expect("a substitution group");
    assert_eq!(sub.head().map(|n| n.index()), Some(1));
    let tail = sub.tail().expect("PG00 E");
    assert_eq!((tail.index(), tail.conditions().len()), (4, 2));
    let items: Vec<FlatItem<'_, '_>> = sub.items().collect();
    assert!(
        matches!(items[..], [FlatItem::Record(n)] if n.index() == 2 && n.conditions().len() == 1)
    );
    assert_eq!(tree.groups_of(GroupKind::Node).count(), 2);
    assert_eq!(tree.line_of(2).map(|l| l.index()), None);
    assert_eq!(tree.group_of(5).map(|g| g.index()), Some(sub.index()));
    compare(&input, &ParseOptions::lenient()).expect("same structure");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random sequences of real records (any order: envelopes, anchors, groups, conditions)
    /// give the same structure in both trees.
    #[test]
    fn random_record_sequences_give_the_nested_structure(
        picks in proptest::collection::vec(0usize..10_000, 0..120),
    ) {
        let pool = pool();
        let input = join(&pool, &picks);
        compare(&input, &ParseOptions::lenient())?;
        compare(&input, &ParseOptions::strict())?;
    }

    /// Runs of one neighbourhood of the pool (records that sit together in the samples, so
    /// that lines, entity loops and groups form), shuffled a little.
    #[test]
    fn runs_of_neighbouring_records_give_the_nested_structure(
        start in 0usize..10_000,
        steps in proptest::collection::vec(0usize..4, 0..150),
    ) {
        let pool = pool();
        let mut at = start % pool.len();
        let picks: Vec<usize> = steps
            .iter()
            .map(|&s| {
                // Mostly the next record, sometimes one back or a jump.
                at = match s {
                    0 | 1 => at + 1,
                    2 => at + pool.len() - 1,
                    _ => at + 7,
                } % pool.len();
                at
            })
            .collect();
        compare(&join(&pool, &picks), &ParseOptions::lenient())?;
    }
}

// ---------------------------------------------------------------------------------------
// The nested tree's vectors hold exactly their items
// ---------------------------------------------------------------------------------------

/// `(capacity, len)` of every vector of groups and records in `t` that the builder fills,
/// with where it is.
fn vectors(t: &Tree<Record<'_>>) -> Vec<(String, usize, usize)> {
    fn v<T>(out: &mut Vec<(String, usize, usize)>, what: &str, line: u32, x: &Vec<T>) {
        out.push((format!("{what} at line {line}"), x.capacity(), x.len()));
    }
    fn pga(out: &mut Vec<(String, usize, usize)>, items: &[PgaItem<Record<'_>>]) {
        for i in items {
            match i {
                PgaItem::Entity(e) => v(out, "entity loop items", e.pg19.record.line(), &e.items),
                PgaItem::Group(g) => {
                    v(out, "PG50 group items", g.start.record.line(), &g.items);
                    pga(out, &g.items);
                }
                _ => {}
            }
        }
    }
    fn oi(out: &mut Vec<(String, usize, usize)>, g: &OiGroup<Record<'_>>, line: u32) {
        v(out, "OI group orphans", line, &g.orphans);
        v(out, "OI group lines", line, &g.lines);
        for l in &g.lines {
            v(out, "PGA line items", l.pg01.record.line(), &l.items);
            pga(out, &l.items);
        }
    }
    let mut out = Vec::new();
    for b in &t.batches {
        for k in &b.blocks {
            for tx in &k.transactions {
                let line = tx.items.first().map_or(0, |i| match i {
                    Item::Record(n) => n.record.line(),
                    _ => 0,
                });
                v(&mut out, "transaction items", line, &tx.items);
                for i in &tx.items {
                    match i {
                        Item::Anchor(a) => {
                            let line = a.anchor.record.line();
                            v(&mut out, "anchor sub-records", line, &a.sub_records);
                            if let Some(g) = &a.oi_group {
                                oi(&mut out, g, line);
                            }
                        }
                        Item::OiGroup(g) => oi(&mut out, g, line),
                        Item::Disposition(d) => v(
                            &mut out,
                            "disposition details",
                            d.so70.record.line(),
                            &d.details,
                        ),
                        Item::Substitution(s) => v(
                            &mut out,
                            "substitution records",
                            s.start.record.line(),
                            &s.records,
                        ),
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

/// Issue 13: the nested builder collects a group's items on a reused stack and moves them
/// into a vector of exactly their number when the group closes (one allocation per group,
/// no growth, no spare capacity; the groups of a large tree lie in memory in input order).
/// Every group vector of every sample (strict and lenient) and of a block of many
/// transactions has capacity equal to its length.
#[test]
fn nested_groups_hold_exactly_their_items() {
    let mut inputs: Vec<Vec<u8>> = common::sample_files()
        .iter()
        .map(|f| std::fs::read(f).expect("sample"))
        .collect();
    inputs.push(inputs.concat());
    let mut checked = 0;
    let mut filled = 0;
    for input in &inputs {
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            let Ok(t) = Transmission::parse_with(input, &opts) else {
                continue;
            };
            for (what, capacity, len) in vectors(t.tree()) {
                assert_eq!(capacity, len, "{what}: capacity {capacity}, {len} items");
                checked += 1;
                filled += usize::from(len > 0);
            }
        }
    }
    assert!(
        checked > 500 && filled > 200,
        "{checked} vectors, {filled} not empty"
    );
}
