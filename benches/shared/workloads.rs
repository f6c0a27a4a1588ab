//! Workloads of the criterion bench (`benches/parse.rs`) that `perf_probe` times too
//! (`typed`, `ratio`): included by `#[path]` in both.

use ace_pga::records::{Oi, Pg01, Pg14, Pg19, Pg25, Pg29};
use ace_pga::{ParseOptions, RecordReader, RecordType};
use chrono::Datelike;

/// Typed records without a tree: framing, identification and field checks of every record,
/// then the peer's fields (same six record types, same fields) read through the typed lazy
/// views (`&str`, `u64`, `Decimal`, `NaiveDate`), so both sides of the comparison deliver
/// the same values.
#[inline(never)]
pub fn typed_records(input: &[u8]) -> usize {
    let opts = ParseOptions::strict();
    let mut n = 0usize;
    let Ok(reader) = RecordReader::new(input, &opts) else {
        return 0;
    };
    let len = |s: Option<&str>| s.map_or(0, str::len);
    for r in reader {
        n += match r.record_type() {
            RecordType::Oi => r
                .view::<Oi>()
                .map_or(0, |v| len(v.commercial_description())),
            RecordType::Pg01 => r.view::<Pg01>().map_or(0, |v| {
                v.pga_line_number().unwrap_or(0) as usize
                    + len(v.agency_code())
                    + len(v.program_code())
                    + len(v.processing_code())
                    + len(v.intended_use_code())
                    + len(v.disclaimer_code())
            }),
            RecordType::Pg14 => r.view::<Pg14>().map_or(0, |v| {
                v.lpco_transaction_type().unwrap_or(0) as usize
                    + len(v.lpco_type())
                    + len(v.lpco_number())
                    + v.lpco_date_qualifier().unwrap_or(0) as usize
                    + v.lpco_date().map_or(0, |d| d.day() as usize)
            }),
            RecordType::Pg19 => r.view::<Pg19>().map_or(0, |v| {
                len(v.entity_role_code())
                    + len(v.entity_identification_code())
                    + len(v.entity_number())
                    + len(v.entity_name())
                    + len(v.address_line_1())
            }),
            RecordType::Pg25 => r
                .view::<Pg25>()
                .map_or(0, |v| len(v.lot_number_qualifier()) + len(v.lot_number())),
            RecordType::Pg29 => r.view::<Pg29>().map_or(0, |v| {
                len(v.unit_of_measure_line_net())
                    + v.quantity_line_net().map_or(0, |q| q.scale() as usize)
            }),
            _ => 1,
        };
    }
    n
}

/// The ceiling (`baseline_memchr_split_and_ids`): split lines with `memchr` and classify
/// each record by its id bytes.
#[inline(never)]
pub fn baseline(input: &[u8]) -> usize {
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
