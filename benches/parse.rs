//! Throughput benchmarks of the ACE PGA codec (criterion).
//!
//! Run: `cargo bench --bench parse` (about a minute and a half on 2 cores, after the build).
//! Quick mode: `ACE_PGA_BENCH_QUICK=1 cargo bench --bench parse` shortens warm-up and
//! measurement (a smoke run that takes a few seconds; numbers are noisier).
//! A subset: `cargo bench --bench parse -- parse_strict` (criterion's name filter).
//!
//! Inputs, each benchmarked at two sizes:
//! * `1KB_or2-single`: `spec-samples/valid/or2-single.txt` as is (1215 bytes);
//! * `1MB_generated`: one `A`/`B` … `Y`/`Z` envelope (that of `or2-single.txt`) around the
//!   transactions (`SE10` … the record before `Y`) of `or2-single.txt`, `or1-full.txt` and
//!   `multi-agency.txt`, repeated in that order until the transmission reaches 1 MiB. The
//!   generator is deterministic; the samples are read at bench time from the crate root.
//!
//! Groups (throughput in input bytes per second):
//! * `baseline_memchr_split_and_ids`: split lines with `memchr` and check each record's id
//!   bytes: the practical ceiling of any parser;
//! * `parse_strict_whole_file`: `Transmission::parse` (framing, typed records, tree);
//! * `serialize_to_bytes`: `Transmission::to_bytes` of an already parsed transmission;
//! * `field_dump_all_records`: `dump::dump_record` of every record, every value rendered to
//!   its canonical string (no serde).

use std::hint::black_box;
use std::time::Duration;

use ace_pga::dump::{dump_record, latin1_string, DumpContent};
use ace_pga::Transmission;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};

/// Size of the generated input.
const LARGE_TARGET: usize = 1 << 20;

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

/// The ceiling: split lines with `memchr` and classify each record by its id bytes.
fn baseline(input: &[u8]) -> usize {
    let mut start = 0;
    let mut acc = 0usize;
    let mut classify = |line: &[u8]| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let class = match line {
            [b'P', b'G', a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                usize::from((a - b'0') * 10 + (b - b'0'))
            }
            [b'O', b'I', ..] => 100,
            [b'A' | b'B' | b'Y' | b'Z', ..] => 101,
            [a, b, c, d, ..] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                102 + usize::from(c.wrapping_add(*d))
            }
            _ => 0,
        };
        acc = acc
            .wrapping_add(class)
            .wrapping_add(usize::from(line.len() == 80));
    };
    for end in memchr::memchr_iter(b'\n', input) {
        classify(&input[start..end]);
        start = end + 1;
    }
    if start < input.len() {
        classify(&input[start..]);
    }
    acc
}

/// The field dump of every record; returns the total length of the rendered values.
fn dump_all(t: &Transmission<'_>) -> usize {
    let mut n = 0;
    t.tree.for_each_record(|r| {
        let d = dump_record(r);
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
        }
    });
    n
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

fn benches(c: &mut Criterion) {
    let small = sample("or2-single.txt");
    let large = generate(LARGE_TARGET);
    let inputs: [(&str, &[u8]); 2] = [("1KB_or2-single", &small), ("1MB_generated", &large)];
    // Both inputs are valid and round-trip: benchmark only the success path.
    for (name, input) in inputs {
        let t = Transmission::parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.to_bytes(), input, "{name} round-trips");
    }

    let mut g = group(c, "baseline_memchr_split_and_ids");
    for (name, input) in inputs {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), input, |b, i| {
            b.iter(|| baseline(black_box(i)))
        });
    }
    g.finish();

    let mut g = group(c, "parse_strict_whole_file");
    for (name, input) in inputs {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), input, |b, i| {
            b.iter(|| Transmission::parse(black_box(i)).expect("valid input"))
        });
    }
    g.finish();

    let mut g = group(c, "serialize_to_bytes");
    for (name, input) in inputs {
        let t = Transmission::parse(input).expect("valid input");
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &t, |b, t| {
            b.iter(|| black_box(t).to_bytes())
        });
    }
    g.finish();

    let mut g = group(c, "field_dump_all_records");
    for (name, input) in inputs {
        let t = Transmission::parse(input).expect("valid input");
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &t, |b, t| {
            b.iter(|| dump_all(black_box(t)))
        });
    }
    g.finish();
}

criterion_group! {
    name = parse;
    config = configure(Criterion::default());
    targets = benches
}
criterion_main!(parse);
