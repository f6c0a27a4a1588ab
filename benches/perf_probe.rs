//! Throughput probe (development aid, no criterion):
//! `cargo bench --bench perf_probe -- FILE [iter|view|typed|ratio|vratio|body|dump|json|chunks|ser|flat|nested]` times whole-tree
//! parsing (also with the tree's drop; `flat`: the flat tree, `FlatTree::parse_with`; `nested`: the transmission and its nested tree, `Transmission::tree`), the record path without a tree (`iter`; `view` reads two PG19 fields through the
//! typed views, `body` types every field of every record), the field dump of every record
//! (`dump`, after a parse; `json` writes it as JSON Lines with `DumpJsonWriter`; `typed`
//! reads the fields of the `typed_records` criterion group; `ratio` times that group's
//! function and the `memchr` baseline's, alternately, and prints the best of each and their
//! ratio: a quick stand-in for the criterion ratio; `vratio` the same for `validate_flat`
//! over a parsed flat tree, with medians), the chunk reader (`chunks`) or serialization (`ser`), five runs in a
//! row in one process (`ACE_PGA_PROBE_RUNS=N` for another number). For instruction counts, build it
//! with `cargo bench --bench perf_probe --no-run` (which prints the executable's path) and run
//! that under `valgrind --tool=callgrind EXE FILE iter`.
use std::time::Instant;
fn main() {
    // `cargo bench` passes `--bench` to a bench without a harness: skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let path = args
        .first()
        .expect("usage: cargo bench --bench perf_probe -- FILE [iter|view|typed|ratio|vratio|body|dump|json|chunks|ser|flat|nested]")
        .clone();
    let mode = args.get(1).cloned().unwrap_or_default();
    let data = std::fs::read(&path).unwrap();
    let runs = std::env::var("ACE_PGA_PROBE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    if mode == "ratio" {
        // Best of `runs` rounds of 20 calls each, the two functions alternating.
        let (mut best_base, mut best_typed) = (f64::MAX, f64::MAX);
        let mut n = 0usize;
        for _ in 0..runs {
            let t = Instant::now();
            for _ in 0..20 {
                n = n.wrapping_add(baseline(std::hint::black_box(&data)));
            }
            best_base = best_base.min(t.elapsed().as_secs_f64() / 20.0);
            let t = Instant::now();
            for _ in 0..20 {
                n = n.wrapping_add(typed_records(std::hint::black_box(&data)));
            }
            best_typed = best_typed.min(t.elapsed().as_secs_f64() / 20.0);
        }
        println!(
            "baseline {:.1} us, typed_records {:.1} us, ratio {:.3} ({n})",
            best_base * 1e6,
            best_typed * 1e6,
            best_base / best_typed
        );
        return;
    }
    if mode == "vratio" {
        // `validate_default_rules` (the rules over a parsed flat tree) and the `memchr`
        // baseline, `runs` rounds of 20 calls each, alternating: the medians and their ratio.
        let flat = ace_pga::FlatTree::parse(&data).unwrap();
        let opts = ace_pga::validate::ValidateOptions::new(
            ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
        );
        let (mut base, mut val) = (Vec::new(), Vec::new());
        let mut n = 0usize;
        for _ in 0..runs {
            let t = Instant::now();
            for _ in 0..20 {
                n = n.wrapping_add(baseline(std::hint::black_box(&data)));
            }
            base.push(t.elapsed().as_secs_f64() / 20.0);
            let t = Instant::now();
            for _ in 0..20 {
                let report = ace_pga::validate::validate_flat(std::hint::black_box(&flat), &opts);
                n = n.wrapping_add(report.findings.len());
            }
            val.push(t.elapsed().as_secs_f64() / 20.0);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (b, v) = (median(&mut base), median(&mut val));
        println!(
            "medians of {runs} rounds: baseline {:.1} us, validate_flat {:.1} us, ratio {:.3} ({n})",
            b * 1e6,
            v * 1e6,
            b / v
        );
        return;
    }
    for _ in 0..runs {
        let t = Instant::now();
        if mode == "ser" {
            let tx = ace_pga::Transmission::parse(&data).unwrap();
            let t2 = Instant::now();
            let out = tx.to_bytes();
            println!(
                "serialize {:.0} MB/s ({} bytes)",
                data.len() as f64 / t2.elapsed().as_secs_f64() / 1e6,
                out.len()
            );
            continue;
        }
        if mode == "chunks" {
            let f = std::fs::File::open(&path).unwrap();
            let mut n = 0usize;
            for c in ace_pga::stream::ChunkReader::new(f) {
                n += c.unwrap().bytes.len();
            }
            println!(
                "chunks {:.0} MB/s {n}",
                data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
            continue;
        }
        if mode == "json" {
            // The field dump as JSON Lines (what `ace-pga dump` writes).
            let tx = ace_pga::Transmission::parse(&data).unwrap();
            let t2 = Instant::now();
            let mut out = Vec::with_capacity(1 << 16);
            let mut writer = ace_pga::write::dump::DumpJsonWriter::new();
            let mut n = 0usize;
            tx.tree().for_each_record(|r| {
                writer.write_line(r, &mut out);
                n += out.len();
                out.clear();
            });
            println!(
                "json {:.0} MB/s {n}",
                data.len() as f64 / t2.elapsed().as_secs_f64() / 1e6
            );
            continue;
        }
        if mode == "typed" {
            // The `typed_records` criterion group: the peer's fields through the views.
            let n = typed_records(&data);
            println!(
                "typed {:.0} MB/s {n}",
                data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
            continue;
        }
        if mode == "dump" {
            // The field dump of every record (every value read through the layout table).
            let tx = ace_pga::Transmission::parse(&data).unwrap();
            let mut n = 0usize;
            tx.tree().for_each_record(|r| {
                if let ace_pga::write::dump::DumpContent::Fields(fields) =
                    ace_pga::write::dump::dump_record(r).content
                {
                    n += fields.len();
                }
            });
            println!(
                "dump {:.0} MB/s {n}",
                data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
            continue;
        }
        if mode == "iter" || mode == "view" || mode == "body" {
            // The record path without a tree; `view` also reads two PG19 fields through
            // the typed views.
            let mut n = 0usize;
            let opts = ace_pga::ParseOptions::strict();
            let reader = ace_pga::RecordReader::new(&data, &opts).unwrap();
            for r in reader {
                n += r.raw().len();
                if mode == "body" {
                    // Every field of every record typed at once.
                    n += r.body().map_or(0, |b| b.layout().fields.len());
                }
                if mode == "view" {
                    if let Some(v) = r.view::<ace_pga::records::Pg19>() {
                        n += v.entity_name().map_or(0, str::len)
                            + v.entity_number().map_or(0, str::len);
                    }
                }
            }
            println!(
                "{mode} {:.0} MB/s {n}",
                data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
        } else {
            // The whole tree (nested, or `flat`), then its drop.
            let opts = ace_pga::ParseOptions::strict();
            let (name, dt) = if mode == "flat" {
                let tree = ace_pga::FlatTree::parse_with(&data, &opts).unwrap();
                (format!("flat ({} groups)", tree.group_count()), t.elapsed())
            } else if mode == "nested" {
                let tx = ace_pga::Transmission::parse_with(&data, &opts).unwrap();
                let n = tx.tree().batches.len();
                (format!("nested ({n} batches)"), t.elapsed())
            } else {
                let _tx = ace_pga::Transmission::parse_with(&data, &opts).unwrap();
                ("tree".to_string(), t.elapsed())
            };
            println!(
                "{name} {:.0} MB/s, with drop {:.0} MB/s",
                data.len() as f64 / dt.as_secs_f64() / 1e6,
                data.len() as f64 / t.elapsed().as_secs_f64() / 1e6
            );
        }
    }
}

#[path = "shared/workloads.rs"]
mod workloads;
use workloads::{baseline, typed_records};
