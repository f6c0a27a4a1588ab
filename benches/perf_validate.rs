//! Throughput probe for validation (development aid, no criterion):
//! `cargo bench --bench perf_validate -- FILE` parses FILE into the flat tree and runs the rules
//! over it (`validate_flat`, as `ace-pga check` does) `RUNS` times (default 3) in one process.
use std::time::Instant;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench` to a bench without a harness: skip flags.
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .ok_or("usage: cargo bench --bench perf_validate -- FILE")?;
    let data = std::fs::read(&path)?;
    let as_of = ace_pga::NaiveDate::from_ymd_opt(2026, 3, 16).ok_or("date")?;
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let opts = ace_pga::validate::ValidateOptions::new(as_of);
    for _ in 0..runs {
        // As `ace-pga check` runs: the flat tree, then the rules over it.
        let t = Instant::now();
        let flat = ace_pga::FlatTree::parse_with(&data, &ace_pga::ParseOptions::strict())?;
        let parsed = t.elapsed();
        let report = ace_pga::validate::validate_flat(&flat, &opts);
        let total = t.elapsed();
        println!(
            "parse {:.0} MB/s, validate {:.0} MB/s, parse+validate {:.0} MB/s ({} findings)",
            data.len() as f64 / parsed.as_secs_f64() / 1e6,
            data.len() as f64 / (total - parsed).as_secs_f64() / 1e6,
            data.len() as f64 / total.as_secs_f64() / 1e6,
            report.findings.len()
        );
    }
    Ok(())
}
