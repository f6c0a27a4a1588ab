//! Throughput probe (development aid): `cargo run --release --example perf_probe -- FILE [iter|view|chunks|ser]`
//! times whole-tree parsing, the record path without a tree (`iter`) or serialization (`ser`).
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mode = std::env::args().nth(2).unwrap_or_default();
    let data = std::fs::read(&path).unwrap();
    for _ in 0..5 {
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
        if mode == "iter" || mode == "view" {
            // The record path without a tree; `view` also reads two PG19 fields through
            // the typed views.
            let mut n = 0usize;
            let opts = ace_pga::ParseOptions::strict();
            let reader = ace_pga::RecordReader::new(&data, &opts).unwrap();
            for r in reader {
                n += r.raw().len();
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
            let tx =
                ace_pga::Transmission::parse_with(&data, &ace_pga::ParseOptions::strict()).unwrap();
            let dt = t.elapsed();
            println!(
                "tree {:.0} MB/s",
                data.len() as f64 / dt.as_secs_f64() / 1e6
            );
            drop(tx);
        }
    }
}
