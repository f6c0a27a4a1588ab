//! The fast decode JSON (`write::DecodeJson`, written from the borrowed tree) against the
//! owned document (`write::DecodeDocument`, the oracle): the same bytes, compact and pretty,
//! for the whole document and for every level (batch, block, transaction, item, node), on
//! every sample (strict and lenient parse) and on seeded mutations of them (framings, byte
//! order mark, trailing bytes, short lines, unknown and host records, bytes that need JSON
//! escaping or are not ASCII, lower-case identifiers, records moved about).

#![cfg(feature = "serde")]

mod common;

use ace_pga::write::{DecodeDocument, DecodeJson};
use ace_pga::{OwnedTransmission, ParseOptions, Transmission};
use serde::Serialize;

use common::{pseudo_random, sample_files};

fn compact<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("serializes")
}

fn pretty<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("serializes")
}

/// Both forms of `fast` equal those of `owned`; `what` names the piece on failure.
fn same<A: Serialize + ?Sized, B: Serialize + ?Sized>(fast: &A, owned: &B, what: &str) {
    same_bytes(&compact(fast), &compact(owned), &format!("{what}: compact"));
    same_bytes(&pretty(fast), &pretty(owned), &format!("{what}: pretty"));
}

fn same_bytes(fast: &[u8], owned: &[u8], what: &str) {
    assert!(
        fast == owned,
        "{what}: bytes differ\nfast:  {}\nowned: {}",
        String::from_utf8_lossy(fast),
        String::from_utf8_lossy(owned)
    );
}

/// `same`, and the direct writer (`write_json`, feature `json`) gives those bytes too.
macro_rules! same {
    ($fast:expr, $owned:expr, $what:expr) => {{
        let (fast, owned, what) = (&$fast, $owned, &$what);
        same(fast, owned, what);
        #[cfg(feature = "json")]
        {
            use ace_pga::write::JsonStyle;
            let mut out = Vec::new();
            fast.write_json(&mut out, JsonStyle::Compact);
            same_bytes(&out, &compact(owned), &format!("{what}: direct compact"));
            let mut out = Vec::new();
            fast.write_json(&mut out, JsonStyle::Pretty { depth: 0 });
            same_bytes(&out, &pretty(owned), &format!("{what}: direct pretty"));
        }
    }};
}

/// Compares the whole document and every level of the tree; returns the number of records.
fn check(t: &Transmission<'_>, what: &str) -> usize {
    let doc = DecodeDocument::new(t);
    same!(DecodeJson::document(t), &doc, format!("{what}: document"));
    #[cfg(feature = "json")]
    let owned_pretty = String::from_utf8(pretty(&doc)).expect("UTF-8");
    #[cfg(feature = "json")]
    for p in [false, true] {
        let mut out = Vec::new();
        DecodeJson::document(t)
            .write_document(&mut out, p)
            .expect("writes");
        let expected = if p { pretty(&doc) } else { compact(&doc) };
        same_bytes(&out, &expected, &format!("{what}: write_document"));
    }
    let pad = t.options().pads_short_lines();
    let owned = OwnedTransmission::from_transmission(t);
    assert_eq!(owned.batches.len(), t.tree().batches.len());
    let mut records = 0;
    for (bi, (b, ob)) in t.tree().batches.iter().zip(&owned.batches).enumerate() {
        let at = format!("{what}: batch {bi}");
        same!(DecodeJson::new(b, pad), ob, at);
        same!(DecodeJson::new(&b.header, pad), &ob.header, at);
        same!(DecodeJson::new(&b.trailer, pad), &ob.trailer, at);
        for (ki, (blk, oblk)) in b.blocks.iter().zip(&ob.blocks).enumerate() {
            let at = format!("{at}, block {ki}");
            same!(DecodeJson::new(blk, pad), oblk, at);
            same!(DecodeJson::new(&blk.header, pad), &oblk.header, at);
            same!(DecodeJson::new(&blk.trailer, pad), &oblk.trailer, at);
            assert_eq!(blk.transactions.len(), oblk.transactions.len());
            for (ti, (tx, otx)) in blk.transactions.iter().zip(&oblk.transactions).enumerate() {
                let at = format!("{at}, transaction {ti}");
                same!(DecodeJson::new(tx, pad), otx, at);
                // In place: a transaction sits six levels deep in the pretty document
                // (document, batches, batch, blocks, block, transactions).
                #[cfg(feature = "json")]
                {
                    let mut piece = Vec::new();
                    DecodeJson::new(tx, pad)
                        .write_json(&mut piece, ace_pga::write::JsonStyle::Pretty { depth: 6 });
                    let piece = String::from_utf8(piece).expect("UTF-8");
                    assert!(
                        owned_pretty.contains(&format!("\n{}{piece}", "  ".repeat(6))),
                        "{at}: the transaction at depth 6 is not in the pretty document"
                    );
                }
                for (ii, (item, oitem)) in tx.items.iter().zip(&otx.items).enumerate() {
                    same!(
                        DecodeJson::new(item, pad),
                        oitem,
                        format!("{at}, item {ii}")
                    );
                }
                tx.for_each_record(|_| records += 1);
            }
        }
    }
    // Every record alone, as the owned record serializes.
    for (r, o) in t.tree().records().zip(owned.records()) {
        same!(
            DecodeJson::new(r, pad),
            o,
            format!("{what}: line {}", r.line())
        );
    }
    records
}

/// The flat tree's decode JSON against the nested tree's (every batch, block, transaction,
/// transaction item, PGA line, compact and pretty), and its organic views against the
/// nested ones; returns the number of groups compared.
#[cfg(feature = "json")]
fn check_flat(input: &[u8], opts: &ParseOptions, what: &str) -> usize {
    use ace_pga::tree::{FlatItem, GroupRef};
    use ace_pga::write::JsonStyle;
    use ace_pga::FlatTree;
    let (Ok(t), flat) = (
        Transmission::parse_with(input, opts),
        FlatTree::parse_with(input, opts),
    ) else {
        return 0;
    };
    let flat = flat.unwrap_or_else(|e| panic!("{what}: the flat tree fails: {e}"));
    let pad = t.options().pads_short_lines();
    let mut compared = 0;
    let mut same_json = |nested: &dyn Fn(JsonStyle) -> Vec<u8>, g: &GroupRef<'_, '_>, at: &str| {
        for style in [JsonStyle::Compact, JsonStyle::Pretty { depth: 3 }] {
            let mut out = Vec::new();
            DecodeJson::new(g, pad).write_json(&mut out, style);
            same_bytes(
                &out,
                &nested(style),
                &format!("{what}: flat {at} ({style:?})"),
            );
        }
        compared += 1;
    };
    let write = |style: JsonStyle, f: &dyn Fn(&mut Vec<u8>, JsonStyle)| {
        let mut out = Vec::new();
        f(&mut out, style);
        out
    };
    let batches: Vec<_> = flat.batches().collect();
    assert_eq!(batches.len(), t.tree().batches.len(), "{what}: batches");
    for (bi, (fb, b)) in batches.iter().zip(&t.tree().batches).enumerate() {
        same_json(
            &|s| write(s, &|o, s| DecodeJson::new(b, pad).write_json(o, s)),
            fb,
            &format!("batch {bi}"),
        );
        let blocks: Vec<_> = fb.blocks().collect();
        assert_eq!(blocks.len(), b.blocks.len(), "{what}: blocks");
        for (ki, (fk, k)) in blocks.iter().zip(&b.blocks).enumerate() {
            same_json(
                &|s| write(s, &|o, s| DecodeJson::new(k, pad).write_json(o, s)),
                fk,
                &format!("batch {bi} block {ki}"),
            );
            let txs: Vec<_> = fk.transactions().collect();
            assert_eq!(txs.len(), k.transactions.len(), "{what}: transactions");
            for (ti, (ft, tx)) in txs.iter().zip(&k.transactions).enumerate() {
                let at = format!("batch {bi} block {ki} transaction {ti}");
                same_json(
                    &|s| write(s, &|o, s| DecodeJson::new(tx, pad).write_json(o, s)),
                    ft,
                    &at,
                );
                let groups: Vec<_> = ft
                    .items()
                    .filter_map(|i| match i {
                        FlatItem::Group(g) => Some(g),
                        FlatItem::Record(_) => None,
                    })
                    .collect();
                let nested: Vec<_> = tx
                    .items
                    .iter()
                    .filter(|i| !matches!(i, ace_pga::tree::Item::Record(_)))
                    .collect();
                assert_eq!(groups.len(), nested.len(), "{what}: {at}: groups");
                for (gi, (fg, item)) in groups.iter().zip(nested).enumerate() {
                    // An item without its tag: the nested level's own object.
                    let own = |s: JsonStyle| {
                        let mut out = Vec::new();
                        match item {
                            ace_pga::tree::Item::Anchor(a) => {
                                DecodeJson::new(&**a, pad).write_json(&mut out, s)
                            }
                            ace_pga::tree::Item::OiGroup(g) => {
                                DecodeJson::new(&**g, pad).write_json(&mut out, s)
                            }
                            ace_pga::tree::Item::Disposition(d) => {
                                DecodeJson::new(&**d, pad).write_json(&mut out, s)
                            }
                            ace_pga::tree::Item::Substitution(g) => {
                                DecodeJson::new(&**g, pad).write_json(&mut out, s)
                            }
                            _ => {}
                        }
                        out
                    };
                    same_json(&own, fg, &format!("{at} group {gi}"));
                }
            }
        }
    }
    let lines: Vec<_> = flat.pga_lines().collect();
    let nested: Vec<_> = t.tree().pga_lines().collect();
    assert_eq!(lines.len(), nested.len(), "{what}: PGA lines");
    for (li, (fl, l)) in lines.iter().zip(&nested).enumerate() {
        same_json(
            &|s| write(s, &|o, s| DecodeJson::new(*l, pad).write_json(o, s)),
            fl,
            &format!("PGA line {li}"),
        );
    }
    let flat_organic: Vec<_> = flat.organic_lines().collect();
    let organic: Vec<_> = t.organic_lines().collect();
    assert_eq!(flat_organic, organic, "{what}: organic lines");
    compared
}

fn options() -> [(&'static str, ParseOptions); 2] {
    [
        ("strict", ParseOptions::strict()),
        ("lenient", ParseOptions::lenient()),
    ]
}

/// Parses `input` both ways and checks what parses; returns how many parses were checked.
fn check_input(input: &[u8], what: &str) -> usize {
    let mut checked = 0;
    for (name, opts) in options() {
        if let Ok(t) = Transmission::parse_with(input, &opts) {
            check(&t, &format!("{what} ({name})"));
            #[cfg(feature = "json")]
            check_flat(input, &opts, &format!("{what} ({name})"));
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_sample_strict_and_lenient() {
    let files = sample_files();
    assert!(files.len() > 30, "the samples are there");
    let mut parsed = 0;
    for f in &files {
        let data = std::fs::read(f).expect("sample");
        parsed += check_input(&data, &f.display().to_string());
    }
    // Every sample parses at least leniently (the JSON one does not).
    assert!(parsed >= files.len() + 10, "only {parsed} parses checked");
}

/// A record of 80 bytes starting with `id`.
fn rec(id: &[u8], fill: &[u8]) -> Vec<u8> {
    let mut r = id.to_vec();
    r.extend_from_slice(fill);
    r.resize(80, b' ');
    r.truncate(80);
    r
}

/// One seeded mutation of `lines` (records without terminators).
fn mutate(lines: &mut Vec<Vec<u8>>, rnd: &[u8]) {
    let pick = |i: usize| usize::from(rnd.get(i).copied().unwrap_or(0));
    if lines.is_empty() {
        lines.push(rec(b"PG99", b"X"));
        return;
    }
    let n = lines.len();
    let at = pick(1) * 256 % (n * 256) / 256;
    let col = pick(2) % 80;
    match pick(0) % 10 {
        // A short line (padded by the lenient parse).
        0 => {
            let keep = pick(3) % 80;
            if let Some(l) = lines.get_mut(at) {
                l.truncate(keep.max(1));
            }
        }
        // An unknown PG record, a host record, a response condition record.
        1 => {
            let id: &[u8] = match pick(3) % 5 {
                0 => b"PG99",
                1 => b"SE99",
                2 => b"SE90",
                3 => b"SO71",
                _ => b"ZZ",
            };
            lines.insert(at, rec(id, b"UNKNOWN \"QUOTED\" \\ DATA 0000123"));
        }
        // A byte that JSON escapes, a control byte, a byte above 0x7F, a lower-case letter.
        2 => {
            let bytes = [b'"', b'\\', 0x01, b'\t', 0x1F, 0xD1, 0xFF, b'a', b'/', 0x7F];
            if let Some(c) = lines.get_mut(at).and_then(|l| l.get_mut(col)) {
                *c = bytes[pick(3) % bytes.len()];
            }
        }
        // A random printable byte in a random place (numbers that no longer read, data in
        // filler, lenient `N` values with spaces).
        3 => {
            if let Some(c) = lines.get_mut(at).and_then(|l| l.get_mut(col)) {
                *c = if pick(3) % 3 == 0 {
                    b' '
                } else {
                    b' ' + (pick(4) % 95) as u8
                };
            }
        }
        // A record moved elsewhere (orphans, groups without end, loops without PG19).
        4 => {
            let l = lines.remove(at);
            let to = pick(3) % lines.len().max(1);
            lines.insert(to.min(lines.len()), l);
        }
        // A record duplicated.
        5 => {
            let l = lines.get(at).cloned().unwrap_or_default();
            lines.insert(at, l);
        }
        // A record removed.
        6 => {
            if n > 1 {
                lines.remove(at);
            }
        }
        // A lower-case identifier.
        7 => {
            if let Some(l) = lines.get_mut(at) {
                for c in l.iter_mut().take(2) {
                    c.make_ascii_lowercase();
                }
            }
        }
        // A long line: spaces beyond column 80 (cut leniently) or data there.
        8 => {
            if let Some(l) = lines.get_mut(at) {
                l.extend_from_slice(if pick(3) % 2 == 0 { b"    " } else { b"  X" });
            }
        }
        // Spaces over a numeric field's digits (an absent value, a lenient `  1`).
        _ => {
            if let Some(l) = lines.get_mut(at) {
                for c in l.iter_mut().skip(col).take(pick(3) % 6 + 1) {
                    if c.is_ascii_digit() && pick(4) % 2 == 0 {
                        *c = b' ';
                    }
                }
            }
        }
    }
}

/// The records of a sample (any terminator), without terminators.
fn records_of(data: &[u8]) -> Vec<Vec<u8>> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The lines joined in one of the framings, with or without BOM and trailing bytes.
fn frame(lines: &[Vec<u8>], rnd: &[u8]) -> Vec<u8> {
    let pick = |i: usize| usize::from(rnd.get(i).copied().unwrap_or(0));
    let term: &[u8] = match pick(0) % 5 {
        0 | 1 => b"\n",
        2 => b"\r\n",
        3 => b"\r",
        _ => b"",
    };
    let mut out = Vec::new();
    if pick(1) % 6 == 0 {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    for (i, l) in lines.iter().enumerate() {
        out.extend_from_slice(l);
        let last = i + 1 == lines.len();
        // Now and then another terminator on one record (mixed terminators).
        if !last && pick(2 + i % 8) % 23 == 0 {
            out.extend_from_slice(b"\r\n");
        } else if !last || pick(2) % 3 != 0 {
            out.extend_from_slice(term);
        }
    }
    match pick(12) % 6 {
        0 => out.push(0x1A),
        1 => out.extend_from_slice(b"\x1A\x1A\x1A"),
        2 => out.extend_from_slice(term),
        _ => {}
    }
    out
}

#[test]
fn seeded_mutations_of_every_sample() {
    let mut parsed = 0;
    let mut cases = 0;
    for (fi, f) in sample_files().iter().enumerate() {
        let data = std::fs::read(f).expect("sample");
        let base = records_of(&data);
        for seed in 0..24u64 {
            let rnd = pseudo_random(64, seed * 1_000 + fi as u64);
            let mut lines = base.clone();
            let rounds = 1 + usize::from(rnd[63]) % 4;
            for r in 0..rounds {
                mutate(&mut lines, rnd.get(r * 8..).unwrap_or_default());
            }
            let input = frame(&lines, rnd.get(32..).unwrap_or_default());
            parsed += check_input(&input, &format!("{} seed {seed}", f.display()));
            cases += 1;
        }
    }
    // Most mutations still parse (at least leniently): the comparison ran on them.
    assert!(parsed * 2 > cases, "only {parsed} of {cases} inputs parsed");
}

/// The parts that are not in the samples as such: a large generated transmission with
/// many transactions, a short last record in a terminator-less file, the bytes after it.
#[test]
fn generated_transmissions() {
    let one = std::fs::read(common::repo_path("spec-samples/valid/or2-multi.txt")).expect("sample");
    let mut lines = records_of(&one);
    // Repeat the transactions of the block (between B and Y) a few times.
    let b = lines.iter().position(|l| l.starts_with(b"B")).expect("B");
    let y = lines.iter().rposition(|l| l.starts_with(b"Y")).expect("Y");
    let body: Vec<Vec<u8>> = lines[b + 1..y].to_vec();
    for _ in 0..5 {
        lines.splice(y..y, body.iter().cloned());
    }
    let input = common::join(&lines, b"\n", true);
    let t = Transmission::parse(&input).expect("parses");
    let records = check(&t, "generated");
    #[cfg(feature = "json")]
    assert!(check_flat(&input, &ParseOptions::default(), "generated") > 5 * 4);
    assert!(records > 5 * body.len(), "{records} records");
    // Without terminators, a short last record, 0x1A after it (lenient).
    let mut short = lines.clone();
    if let Some(last) = short.last_mut() {
        last.truncate(40);
    }
    let mut input = short.concat();
    input.extend_from_slice(b"\x1A\x1A");
    let t = Transmission::parse_with(&input, &ParseOptions::lenient()).expect("parses");
    check(&t, "terminator-less, short last record");
    #[cfg(feature = "json")]
    assert!(check_flat(&input, &ParseOptions::lenient(), "terminator-less") > 0);
}

/// Bytes above 0x7F in a host record (`raw`, one char per byte), bytes JSON escapes in a
/// text field and in `raw`: exercised here for sure, whatever the seeds above hit.
#[test]
fn latin1_bytes_and_escapes() {
    let mut lines = common::or2_lines();
    let se13 = common::line_of(&lines, "SE13");
    common::set_bytes(&mut lines, se13, 10, b"\xD1\xFF\"\\\x01");
    let oi = common::line_of(&lines, "OI");
    common::set_bytes(&mut lines, oi, 5, b"A \"B\" \\ C");
    let input = common::join(&lines, b"\n", true);
    each_parse(&input, |name, t| {
        let json = String::from_utf8(compact(&DecodeJson::document(t))).expect("UTF-8");
        for part in ["\u{D1}\u{FF}\\\"\\\\\\u0001", "A \\\"B\\\" \\\\ C"] {
            assert!(json.contains(part), "{name}: {part:?} not in the JSON");
        }
    });
}

/// Runs `f` on `input` parsed with each of [`options`] that takes it, after [`check`];
/// at least one must (the lenient parse).
fn each_parse(input: &[u8], mut f: impl FnMut(&str, &Transmission<'_>)) {
    let mut checked = 0;
    for (name, opts) in options() {
        let Ok(t) = Transmission::parse_with(input, &opts) else {
            continue;
        };
        check(&t, name);
        #[cfg(feature = "json")]
        check_flat(input, &opts, name);
        f(name, &t);
        checked += 1;
    }
    assert!(checked >= 1, "the input parses at least leniently");
}

/// A record whose identifier bytes are not ASCII (`CD B8` is the UTF-8 of `U+0378`; `E9 58`
/// is not UTF-8): `record` is written one char per byte like `raw`, so `raw` starts with it
/// and the owned form writes the input back (fuzz input
/// `fuzz/regressions/parse/non-ascii-identifier-utf8.bin`); the field dump writes the same.
#[test]
fn non_ascii_identifier_is_written_like_raw() {
    for (id, want) in [(&b"\xCD\xB8"[..], "\u{CD}\u{B8}"), (b"\xE9X", "\u{E9}X")] {
        let mut lines = common::or2_lines();
        let pg25 = common::line_of(&lines, "PG25");
        let mut odd = lines[pg25].clone();
        odd[..2].copy_from_slice(id);
        lines.insert(pg25, odd);
        let input = common::join(&lines, b"\n", true);
        each_parse(&input, |name, t| {
            let owned = OwnedTransmission::from_transmission(t);
            let rec = owned
                .records()
                .find(|r| r.line == Some(pg25 as u32 + 1))
                .expect("the odd record");
            assert_eq!(rec.record, want, "{name}: the owned record's identifier");
            let json = serde_json::to_vec(&owned).expect("serializes");
            let back: OwnedTransmission = serde_json::from_slice(&json).expect("reads back");
            assert_eq!(back.to_bytes().as_deref().ok(), Some(&input[..]), "{name}");
            let fast = String::from_utf8(compact(&DecodeJson::document(t))).expect("UTF-8");
            let key = format!("\"record\":\"{want}\"");
            assert!(fast.contains(&key), "{name}: {key} not in the decode JSON");
            let r = t.records().nth(pg25).expect("the odd record");
            let dump = serde_json::to_string(&ace_pga::write::dump::dump_record(r)).expect("dump");
            let mut fast_dump = Vec::new();
            ace_pga::write::dump::DumpJsonWriter::new().write_line(r, &mut fast_dump);
            assert_eq!(
                format!("{dump}\n").as_bytes(),
                fast_dump,
                "{name}: the two dumps"
            );
            assert!(dump.contains(&key), "{name}: {key} not in the dump {dump}");
        });
    }
}
