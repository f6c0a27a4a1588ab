//! Throughput benchmarks of the ACE PGA codec (criterion).
//!
//! Run: `cargo bench --bench parse --features json` (without `json`: every group but
//! `decode_json`): about a minute and a half of measurement on 2 cores (validation and the
//! JSON writers at 100 MB take about a second an iteration), plus about a minute for the
//! LTO build when the crate changed.
//! Quick mode: `ACE_PGA_BENCH_QUICK=1 cargo bench --bench parse` shortens warm-up and
//! measurement (a smoke run that takes a few seconds; numbers are noisier).
//! A subset: `cargo bench --bench parse -- parse_strict` (criterion's name filter).
//!
//! Inputs:
//! * `1KB_or2-single`: `spec-samples/valid/or2-single.txt` as is (1215 bytes);
//! * `1MB_generated` and `100MB_generated` (the latter not in quick mode): one `A`/`B` …
//!   `Y`/`Z` envelope (that of `or2-single.txt`) around the transactions (`SE10` … the record
//!   before `Y`) of `or2-single.txt`, `or1-full.txt` and `multi-agency.txt`, repeated in that
//!   order until the transmission reaches the size. Deterministic; the samples are read at
//!   bench time from the crate root.
//!
//! Groups (throughput in input bytes per second):
//! * `baseline_memchr_split_and_ids`: split lines with `memchr` and check each record's id
//!   bytes: the practical ceiling of any parser (baseline a);
//! * `peer_fixed_width_serde`: the records OI, PG01, PG14, PG19, PG25 and PG29 parsed with the
//!   `fixed_width` crate's serde derive (lines split as in the baseline, other records
//!   skipped): what a user would otherwise pick (baseline b);
//! * `typed_records`: framing, identification and field checks of every record
//!   (`RecordReader`), then the peer's fields of the peer's six record types read through
//!   the typed lazy views (`Record::view`), no tree;
//! * `typed_bodies_all_fields`: as `typed_records`, but every field of every record typed at
//!   once (`Record::body`, the eager struct);
//! * `parse_strict_whole_file`: `Transmission::parse` (framing, typed records, the flat
//!   tree it holds), and its drop;
//! * `flat_tree`: `FlatTree::parse` (the same without the transmission around it: records
//!   in one vector, groups as index ranges), and its drop;
//! * `nested_tree`: `Transmission::parse` plus `Transmission::tree` (the nested tree built
//!   from the flat one), and both drops;
//! * `tree_with_organic_views`: `Transmission::parse` plus `Transmission::organic_lines`
//!   (the organic view of every AMS OR PGA line of its flat tree);
//! * `drop_parsed_tree`: dropping a parsed transmission (freeing the tree), a part of the
//!   two tree groups above, on its own;
//! * `serialize_to_bytes`: `Transmission::to_bytes` of an already parsed transmission (a
//!   fresh output buffer each time);
//! * `serialize_into_reused_buffer`: `Transmission::write_to` into a cleared `Vec` that keeps
//!   its capacity;
//! * `field_dump_all_records`: `dump::dump_record` of every record, every value rendered to
//!   its canonical string (no serde; 1 KB and 1 MB);
//! * `field_dump_json_serde`: the field dump as JSON Lines through `serde_json` and
//!   `dump_record` (1 KB and 1 MB);
//! * `validate_default_rules`: `validate_flat` with default options over an already parsed
//!   flat tree, as `ace-pga check` runs the rules (every size);
//! * `check_streamed`: `stream::check::check_reader_with` over the input's bytes, one
//!   thread, every input cut into pieces (`whole_below` 0): parse and validate piece by
//!   piece, each piece's tree small, as `ace-pga check` works on an input over 8 MiB (every
//!   size; the same report as `validate::check_bytes`);
//! * `field_dump_json`: the field dump as JSON Lines written directly (`DumpJsonWriter`, as
//!   `ace-pga dump` writes it; the same bytes as `field_dump_json_serde`; every size);
//! * `decode_json`: the decode JSON document written directly
//!   (`DecodeJson::write_document`, as `ace-pga decode` writes it; every size; with the
//!   `json` feature only: `cargo bench --bench parse --features json`).
//!
//! The JSON groups write into a buffer emptied every 64 KiB (the output of the 100 MB input
//! is never held whole).

use std::hint::black_box;
use std::time::Duration;

use ace_pga::stream::check::{check_reader_with, CheckOptions};
use ace_pga::validate::{validate, validate_flat, ValidateOptions};
use ace_pga::write::dump::{dump_record, latin1_string, DumpContent, DumpJsonWriter};
#[cfg(feature = "json")]
use ace_pga::write::DecodeJson;
use ace_pga::{FlatTree, ParseOptions, RecordReader, Transmission};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, Bencher, BenchmarkGroup, BenchmarkId, Criterion,
    SamplingMode, Throughput,
};
use fixed_width_derive::FixedWidth;
use serde::Deserialize;

#[path = "shared/workloads.rs"]
mod workloads;
use workloads::{baseline, typed_records};

/// Sizes of the generated inputs.
const LARGE_TARGET: usize = 1 << 20;
const HUGE_TARGET: usize = 100 << 20;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/spec-samples/valid/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// Lines of a sample, each with its terminator.
fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

/// The transaction of a sample: from the `SE10` record through the record before `Y`.
fn transaction(data: &[u8]) -> Vec<u8> {
    let ls = lines(data);
    let start = ls
        .iter()
        .position(|l| l.starts_with(b"SE10"))
        .expect("sample has an SE10 record");
    let end = ls
        .iter()
        .position(|l| l.starts_with(b"Y"))
        .expect("sample has a Y record");
    ls[start..end].concat()
}

/// One envelope (`A`, `B` … `Y`, `Z` of `or2-single.txt`) around the three samples'
/// transactions, repeated round-robin until the whole reaches `target` bytes.
fn generate(target: usize) -> Vec<u8> {
    let base = sample("or2-single.txt");
    let ls = lines(&base);
    let (header, trailer) = (ls[..2].concat(), ls[ls.len() - 2..].concat());
    assert!(header.starts_with(b"A") && trailer.starts_with(b"Y"));
    let txs = [
        transaction(&base),
        transaction(&sample("or1-full.txt")),
        transaction(&sample("multi-agency.txt")),
    ];
    let mut out = Vec::with_capacity(target + 4096);
    out.extend_from_slice(&header);
    for tx in txs.iter().cycle() {
        if out.len() + trailer.len() >= target {
            break;
        }
        out.extend_from_slice(tx);
    }
    out.extend_from_slice(&trailer);
    out
}

/// The field dump of every record; returns the total length of the rendered values.
fn dump_all(t: &Transmission<'_>) -> usize {
    let mut n = 0;
    for r in t.flat().records() {
        let d = dump_record(&r);
        n += d.record.len();
        match d.content {
            DumpContent::Fields(fields) => {
                for (name, value) in fields {
                    n += name.len() + value.map_or(0, |v| v.len());
                }
            }
            DumpContent::Raw(raw) | DumpContent::Invalid(raw, _) => {
                n += latin1_string(raw).len();
            }
            _ => {}
        }
    }
    n
}

// The peer: the same records through `fixed_width`'s serde derive (0-based ranges; every field
// a `String`, no implied decimals, no dates). Fields are deserialized, not all read.
#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerOi {
    #[fixed_width(range = "10..80")]
    commercial_description: String,
}

#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerPg01 {
    #[fixed_width(range = "4..7")]
    pga_line_number: String,
    #[fixed_width(range = "7..10")]
    agency_code: String,
    #[fixed_width(range = "10..13")]
    program_code: String,
    #[fixed_width(range = "13..16")]
    processing_code: String,
    #[fixed_width(range = "41..57")]
    intended_use_code: String,
    #[fixed_width(range = "79..80")]
    disclaimer_code: String,
}

#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerPg14 {
    #[fixed_width(range = "4..5")]
    lpco_transaction_type: String,
    #[fixed_width(range = "5..8")]
    lpco_type: String,
    #[fixed_width(range = "8..41")]
    lpco_number: String,
    #[fixed_width(range = "41..42")]
    lpco_date_qualifier: String,
    #[fixed_width(range = "42..50")]
    lpco_date: String,
}

#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerPg19 {
    #[fixed_width(range = "4..7")]
    entity_role_code: String,
    #[fixed_width(range = "7..10")]
    entity_identification_code: String,
    #[fixed_width(range = "10..25")]
    entity_number: String,
    #[fixed_width(range = "25..57")]
    entity_name: String,
    #[fixed_width(range = "57..80")]
    address_line_1: String,
}

#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerPg25 {
    #[fixed_width(range = "14..15")]
    lot_number_qualifier: String,
    #[fixed_width(range = "15..40")]
    lot_number: String,
}

#[allow(dead_code)]
#[derive(FixedWidth, Deserialize)]
struct PeerPg29 {
    #[fixed_width(range = "4..7")]
    unit_of_measure_line_net: String,
    #[fixed_width(range = "7..19")]
    quantity_line_net: String,
}

/// The peer parse: lines split as in the baseline, the six record types deserialized.
fn peer(input: &[u8]) -> usize {
    let mut n = 0usize;
    let mut start = 0;
    let mut one = |line: &[u8]| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        n += match line.get(..4) {
            Some(b"PG01") => {
                fixed_width::from_bytes::<PeerPg01>(line).map_or(0, |r| r.agency_code.len())
            }
            Some(b"PG14") => {
                fixed_width::from_bytes::<PeerPg14>(line).map_or(0, |r| r.lpco_number.len())
            }
            Some(b"PG19") => {
                fixed_width::from_bytes::<PeerPg19>(line).map_or(0, |r| r.entity_name.len())
            }
            Some(b"PG25") => {
                fixed_width::from_bytes::<PeerPg25>(line).map_or(0, |r| r.lot_number.len())
            }
            Some(b"PG29") => {
                fixed_width::from_bytes::<PeerPg29>(line).map_or(0, |r| r.quantity_line_net.len())
            }
            Some([b'O', b'I', ..]) => fixed_width::from_bytes::<PeerOi>(line)
                .map_or(0, |r| r.commercial_description.len()),
            _ => 1,
        };
    };
    for end in memchr::memchr_iter(b'\n', input) {
        one(&input[start..end]);
        start = end + 1;
    }
    if start < input.len() {
        one(&input[start..]);
    }
    n
}

/// Typed records with every field of every record typed at once: `Record::body()` (the
/// eager struct of the record's layout).
fn typed_bodies(input: &[u8]) -> usize {
    let opts = ParseOptions::strict();
    let mut n = 0usize;
    let Ok(reader) = RecordReader::new(input, &opts) else {
        return 0;
    };
    for r in reader {
        if let Some(b) = r.body() {
            n += b.layout().fields.len();
        }
    }
    n
}

/// The flat tree of a valid input, and its drop (the number of groups).
fn flat_tree(input: &[u8]) -> usize {
    ace_pga::FlatTree::parse(input)
        .expect("valid input")
        .group_count()
}

/// The tree plus the organic view of every PGA line (the count, and the tree).
fn tree_with_views(input: &[u8]) -> (usize, Transmission<'_>) {
    let t = Transmission::parse(input).expect("valid input");
    let n = t
        .organic_lines()
        .map(|v| v.certificates.len() + v.lots.len())
        .sum();
    (n, t)
}

/// Output bytes a JSON group keeps before it drops them (as a writer hands them to its
/// sink): the 100 MB input's output is never held whole.
const FLUSH_AT: usize = 1 << 16;

/// The field dump as JSON Lines, written directly (`DumpJsonWriter`, what `ace-pga dump`
/// writes) into a buffer emptied every 64 KiB; the number of bytes written.
fn dump_json(t: &Transmission<'_>) -> usize {
    let mut out = Vec::with_capacity(FLUSH_AT + 4096);
    let mut n = 0;
    let mut writer = DumpJsonWriter::new();
    for r in t.flat().records() {
        writer.write_line(&r, &mut out);
        if out.len() >= FLUSH_AT {
            n += out.len();
            out.clear();
        }
    }
    n + out.len()
}

/// The field dump as JSON Lines through `serde_json` (the same bytes, the same buffer).
fn dump_json_serde(t: &Transmission<'_>) -> usize {
    let mut out = Vec::with_capacity(FLUSH_AT + 4096);
    let mut n = 0;
    for r in t.flat().records() {
        let _ = serde_json::to_writer(&mut out, &dump_record(&r));
        out.push(b'\n');
        if out.len() >= FLUSH_AT {
            n += out.len();
            out.clear();
        }
    }
    n + out.len()
}

/// A sink that counts what it is given (`io::sink` with a count).
#[cfg(feature = "json")]
struct Counting(usize);

#[cfg(feature = "json")]
impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The decode JSON document of a parsed transmission (`DecodeJson::write_document`, the
/// direct writer of `ace-pga decode`, 64 KiB at a time into a counting sink); its length.
#[cfg(feature = "json")]
fn decode_json(t: &Transmission<'_>) -> usize {
    let mut sink = Counting(0);
    DecodeJson::document(t)
        .write_document(&mut sink, false)
        .expect("a counting sink does not fail");
    sink.0
}

fn configure(c: Criterion) -> Criterion {
    let quick = std::env::var("ACE_PGA_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    if quick {
        c.warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(500))
            .sample_size(10)
    } else {
        c.warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_millis(2500))
            .sample_size(30)
    }
}

/// A group with flat sampling: the same number of iterations in every sample, so that the
/// 1 MB inputs (milliseconds per iteration) fit the measurement time.
fn group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat);
    g
}

fn quick() -> bool {
    std::env::var("ACE_PGA_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Benchmarks `f` over each input of `inputs` in one group.
fn run<T>(c: &mut Criterion, name: &str, inputs: &[(&str, T, u64)], f: impl Fn(&T) -> usize) {
    run_with(c, name, inputs, |b, i, _| {
        b.iter(|| black_box(f(black_box(i))))
    });
}

/// One group over `inputs` (throughput in input bytes, fewer samples for 100 MB), each
/// benchmark set up by `bench` (given the input and its size in bytes).
fn run_with<T>(
    c: &mut Criterion,
    name: &str,
    inputs: &[(&str, T, u64)],
    mut bench: impl FnMut(&mut Bencher<'_, WallTime>, &T, u64),
) {
    let mut g = group(c, name);
    for (label, input, bytes) in inputs {
        g.throughput(Throughput::Bytes(*bytes));
        if *bytes > 10 << 20 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(label), input, |b, i| {
            bench(b, i, *bytes)
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    let small = sample("or2-single.txt");
    let large = generate(LARGE_TARGET);
    let huge = if quick() {
        Vec::new()
    } else {
        generate(HUGE_TARGET)
    };
    let mut inputs: Vec<(&str, &[u8], u64)> = vec![
        ("1KB_or2-single", &small, small.len() as u64),
        ("1MB_generated", &large, large.len() as u64),
    ];
    if !huge.is_empty() {
        inputs.push(("100MB_generated", &huge, huge.len() as u64));
    }
    let small_inputs = &inputs[..2];
    // Every input is valid and round-trips: benchmark only the success path.
    for (name, input, _) in &inputs {
        let t = Transmission::parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.to_bytes(), *input, "{name} round-trips");
    }

    run(c, "baseline_memchr_split_and_ids", &inputs, |i| baseline(i));
    run(c, "peer_fixed_width_serde", &inputs, |i| peer(i));
    run(c, "typed_records", &inputs, |i| typed_records(i));
    run(c, "typed_bodies_all_fields", &inputs, |i| typed_bodies(i));
    run(c, "parse_strict_whole_file", &inputs, |i| {
        Transmission::parse(i)
            .expect("valid input")
            .flat()
            .group_count()
    });
    run(c, "nested_tree", &inputs, |i| {
        Transmission::parse(i)
            .expect("valid input")
            .tree()
            .batches
            .len()
    });
    run(c, "flat_tree", &inputs, |i| flat_tree(i));
    run(c, "tree_with_organic_views", &inputs, |i| {
        tree_with_views(i).0
    });
    run_with(c, "drop_parsed_tree", &inputs, |b, i, _| {
        b.iter_batched(
            || Transmission::parse(i).expect("valid input"),
            drop,
            BatchSize::PerIteration,
        )
    });

    let parsed: Vec<(&str, Transmission<'_>, u64)> = inputs
        .iter()
        .map(|(n, i, b)| (*n, Transmission::parse(i).expect("valid input"), *b))
        .collect();
    run(c, "serialize_to_bytes", &parsed, |t| t.to_bytes().len());
    // Serializing into a reused buffer (a batch job writing many transmissions): no page
    // faults of a fresh output buffer.
    run_with(c, "serialize_into_reused_buffer", &parsed, |b, t, bytes| {
        let mut out = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
        b.iter(|| {
            out.clear();
            t.write_to(&mut out).expect("writing to a Vec");
            black_box(out.len())
        })
    });
    let small_parsed = &parsed[..2];
    run(c, "field_dump_all_records", small_parsed, dump_all);
    run(c, "field_dump_json_serde", small_parsed, dump_json_serde);
    let _ = small_inputs;

    // At every size (1 KB, 1 MB and, outside quick mode, 100 MB), with the baseline and the
    // peer of the same run above: validation, the field dump as JSON Lines and the decode
    // JSON document, each over an already parsed transmission.
    let opts = ValidateOptions::new(ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).expect("date"));
    // The rules over an already parsed flat tree (what `check` parses into).
    let flat: Vec<(&str, FlatTree<'_>, u64)> = inputs
        .iter()
        .map(|(n, i, b)| (*n, FlatTree::parse(i).expect("valid input"), *b))
        .collect();
    let strict = ParseOptions::strict();
    run(c, "validate_default_rules", &flat, |t| {
        validate_flat(t, &opts).findings.len()
    });
    drop(flat);
    let mut streamed = CheckOptions::default();
    streamed.whole_below = 0;
    streamed.records = false;
    for ((name, input, _), (_, t, _)) in inputs.iter().zip(&parsed) {
        let whole = validate(t, &opts);
        let piecewise = check_reader_with(*input, &strict, &opts, &streamed)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .report;
        assert_eq!(
            piecewise, whole,
            "{name}: the streamed report is validate's"
        );
    }
    run(c, "check_streamed", &inputs, |i| {
        check_reader_with(*i, &strict, &opts, &streamed)
            .map_or(usize::MAX, |o| o.report.findings.len())
    });
    run(c, "field_dump_json", &parsed, dump_json);
    #[cfg(feature = "json")]
    run(c, "decode_json", &parsed, decode_json);
}

criterion_group! {
    name = parse;
    config = configure(Criterion::default());
    targets = benches
}
criterion_main!(parse);
