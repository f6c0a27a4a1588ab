//! `ChunkReader` and `stats::collect`: chunks cover the input in order, cut at record
//! boundaries, carry stream-wide line numbers and offsets, and the counts do not depend on
//! the chunking or on the number of threads.

use std::path::{Path, PathBuf};

use ace_pga::stream::stats::{collect, Stats};
use ace_pga::stream::ChunkReader;
use ace_pga::{ParseOptions, Transmission};

mod common;

fn samples() -> Vec<PathBuf> {
    common::sample_files()
}

/// The sample's records repeated until the input passes `min` bytes, with every LF turned
/// into `terminator` (`None`: records concatenated without terminator).
fn grown(data: &[u8], min: usize, terminator: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < min {
        for line in data.split_inclusive(|&b| b == b'\n') {
            let rec = line.strip_suffix(b"\n").unwrap_or(line);
            let rec = rec.strip_suffix(b"\r").unwrap_or(rec);
            out.extend_from_slice(rec);
            if let Some(t) = terminator {
                out.extend_from_slice(t);
            }
        }
    }
    out
}

/// Every record of a parse: (line, offset, bytes).
fn records(t: &Transmission<'_>) -> Vec<(u32, usize, Vec<u8>)> {
    let mut v = Vec::new();
    t.tree()
        .for_each_record(|r| v.push((r.line(), r.offset(), r.raw().to_vec())));
    v
}

#[test]
fn chunks_cover_the_input_with_stream_wide_positions() {
    let opts = ParseOptions::lenient();
    let mut inputs = 0;
    for file in samples() {
        let data = std::fs::read(&file).expect("sample");
        if !data.ends_with(b"\n") || data.contains(&b'\r') {
            continue; // the sample's own framing is covered below through `grown`
        }
        if file.ends_with("json-not-catair.txt") {
            continue; // F-023: not a transmission, nothing to chunk
        }
        for (name, terminator) in [
            ("lf", Some(&b"\n"[..])),
            ("crlf", Some(&b"\r\n"[..])),
            ("cr", Some(&b"\r"[..])),
            ("none", None),
        ] {
            for bom in [false, true] {
                let mut input = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                input.extend(grown(&data, 9000, terminator));
                let what = format!("{file:?} {name} bom={bom}");
                let whole = Transmission::parse_with(&input, &opts).expect("whole parse");
                let want = records(&whole);
                let chunks: Vec<_> = ChunkReader::with_target(&input[..], 1024)
                    .collect::<Result<_, _>>()
                    .expect("chunks");
                assert!(chunks.len() >= 2, "{what}: {} chunks", chunks.len());
                let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.clone()).collect();
                assert_eq!(joined, input, "{what}: chunks joined");
                let mut got = Vec::new();
                for c in &chunks {
                    let t = c.parse(&opts).expect("chunk parse");
                    got.extend(records(&t));
                }
                assert_eq!(got.len(), want.len(), "{what}: record count");
                assert_eq!(got, want, "{what}: lines, offsets and bytes");
                inputs += 1;
            }
        }
    }
    assert!(inputs >= 40, "{inputs} inputs");
}

#[test]
fn counts_do_not_depend_on_chunks_or_threads() {
    let opts = ParseOptions::lenient();
    for file in samples() {
        let data = std::fs::read(&file).expect("sample");
        let input = grown(&data, 50_000, Some(b"\n"));
        let mut want = Stats::default();
        want.add_result(&Transmission::parse_with(&input, &opts), input.len());
        for threads in [1, 2, 3] {
            let got = collect(&input[..], &opts, threads).expect("collect");
            assert_eq!(got.records, want.records, "{file:?} threads={threads}");
            assert_eq!(got.bytes, want.bytes, "{file:?}");
            assert_eq!(got.records_by_id, want.records_by_id, "{file:?}");
            assert_eq!(got.pga_lines, want.pga_lines, "{file:?}");
            assert_eq!(got.organic_lines, want.organic_lines, "{file:?}");
            assert_eq!(got.certificate_refs, want.certificate_refs, "{file:?}");
            assert_eq!(got.transactions, want.transactions, "{file:?}");
            assert_eq!(got.oi_groups, want.oi_groups, "{file:?}");
        }
    }
}

#[test]
fn a_read_error_is_returned_not_swallowed() {
    struct Failing(usize);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = buf.len().min(self.0).min(81);
            buf[..n].fill(b' ');
            if n > 0 {
                buf[n - 1] = b'\n';
            }
            self.0 -= n;
            Ok(n)
        }
    }
    for threads in [1, 2] {
        let err =
            collect(Failing(300_000), &ParseOptions::lenient(), threads).expect_err("read error");
        assert!(err.to_string().contains("disk gone"), "{err}");
    }
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            3 => Just(b"\n".to_vec()),
            1 => Just(b"\r".to_vec()),
            1 => Just(b"\r\n".to_vec()),
            2 => Just(b"SE10".to_vec()),
            1 => Just(b"A".to_vec()),
            1 => Just(b"OI".to_vec()),
            1 => Just(b"PG01".to_vec()),
            1 => Just(b"\xEF\xBB\xBF".to_vec()),
            4 => prop::collection::vec(any::<u8>(), 1..120),
            4 => prop::collection::vec(Just(b' '), 1..90),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever the bytes, chunks join back to the input and each parses or fails
        /// cleanly; no byte is lost, none is repeated.
        #[test]
        fn chunks_join_back_to_any_input(pieces in prop::collection::vec(piece(), 0..400)) {
            let input: Vec<u8> = pieces.concat();
            let chunks: Vec<_> = ChunkReader::with_target(&input[..], 1024)
                .collect::<Result<_, _>>()
                .expect("in-memory reads do not fail");
            let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.clone()).collect();
            prop_assert_eq!(joined, input);
            let mut offset = 0;
            for c in &chunks {
                prop_assert_eq!(c.offset, offset);
                prop_assert!(c.bytes.len() <= 4 * 1024, "chunk of {} bytes", c.bytes.len());
                offset += c.bytes.len();
                let _ = c.parse(&ParseOptions::lenient());
            }
        }
    }
}

#[test]
fn an_over_long_line_is_cut_into_pieces_that_keep_its_number() {
    let head = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-samples/valid/or2-single.txt"),
    )
    .expect("sample");
    let lines = head.iter().filter(|&&b| b == b'\n').count() as u32;
    let mut input = head.clone();
    input.extend(std::iter::repeat_n(b'X', 10_000));
    input.push(b'\n');
    input.extend_from_slice(&head);
    let chunks: Vec<_> = ChunkReader::with_target(&input[..], 1024)
        .collect::<Result<_, _>>()
        .expect("chunks");
    let joined: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.clone()).collect();
    assert_eq!(joined, input);
    assert!(
        chunks.iter().all(|c| c.bytes.len() <= 4 * 1024),
        "bounded chunks"
    );
    let opts = ParseOptions::lenient();
    let mut long_line_pieces = 0;
    let mut last_line = 0;
    for c in &chunks {
        let t = c.parse(&opts).expect("chunk parse");
        t.tree().for_each_record(|r| {
            if r.raw().first() == Some(&b'X') {
                long_line_pieces += 1;
                assert_eq!(r.line(), lines + 1, "every piece is line {}", lines + 1);
            }
            last_line = r.line();
        });
    }
    assert!(long_line_pieces >= 3, "{long_line_pieces} pieces");
    assert_eq!(
        last_line,
        2 * lines + 1,
        "numbering goes on after the long line"
    );
}

/// The counts of a whole-input parse and of the chunks of `input` (small targets, so that
/// many cuts fall inside the hostile parts).
fn whole_and_chunked(input: &[u8], opts: &ParseOptions, target: usize) -> (Stats, Stats) {
    let mut whole = Stats::default();
    whole.add_result(&Transmission::parse_with(input, opts), input.len());
    let mut chunked = Stats::default();
    let mut chunked_flat = Stats::default();
    for c in ChunkReader::with_target(input, target) {
        let c = c.expect("in-memory read");
        chunked.add_result(&c.parse(opts), c.bytes.len());
        chunked_flat.add_flat_result(&c.parse_flat(opts), c.bytes.len());
    }
    // The flat tree counts what the nested one counts (what `collect` uses).
    let mut whole_flat = Stats::default();
    whole_flat.add_flat_result(&ace_pga::FlatTree::parse_with(input, opts), input.len());
    assert_eq!(
        whole_flat, whole,
        "the flat tree's counts of the whole input"
    );
    assert_eq!(
        chunked_flat, chunked,
        "the flat tree's counts of the chunks"
    );
    (whole, chunked)
}

fn assert_same_counts(what: &str, whole: &Stats, chunked: &Stats) {
    assert_eq!(chunked.records, whole.records, "{what}: records");
    assert_eq!(chunked.records_by_id, whole.records_by_id, "{what}: by id");
    assert_eq!(
        chunked.transactions, whole.transactions,
        "{what}: transactions"
    );
    assert_eq!(chunked.oi_groups, whole.oi_groups, "{what}: OI groups");
    assert_eq!(chunked.pga_lines, whole.pga_lines, "{what}: PGA lines");
    assert_eq!(chunked.parse_errors, whole.parse_errors, "{what}: errors");
    assert_eq!(
        chunked.parse_warnings, whole.parse_warnings,
        "{what}: warnings"
    );
}

fn or2() -> Vec<u8> {
    common::or2_single()
}

/// Hostile-trial findings (session 2): chunks used to apply whole-input checks (EBCDIC,
/// empty input, byte order mark, trailing empty line) to every chunk, and to cut blank and
/// terminator-less runs off the record grid.
#[test]
fn hostile_runs_count_as_in_a_whole_parse() {
    let base = or2();
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    // A run of blank 80-byte lines longer than four targets between two transmissions.
    let mut blank = base.clone();
    for _ in 0..200 {
        blank.extend_from_slice(&[b' '; 80]);
        blank.push(b'\n');
    }
    blank.extend_from_slice(&base);
    cases.push(("blank run", blank));
    // Empty lines.
    let mut empty = base.clone();
    empty.extend(std::iter::repeat_n(b'\n', 20_000));
    empty.extend_from_slice(&base);
    cases.push(("empty lines", empty));
    // A line that looks like EBCDIC at the start of a later chunk.
    let mut ebcdic = Vec::new();
    for _ in 0..8 {
        ebcdic.extend_from_slice(&base);
        ebcdic.push(b'A');
        ebcdic.extend(std::iter::repeat_n(0x40u8, 40));
        ebcdic.extend(std::iter::repeat_n(0xC1u8, 39));
        ebcdic.push(b'\n');
    }
    cases.push(("EBCDIC-like lines", ebcdic));
    // An empty line right before a transmission (a likely cut).
    let mut before = Vec::new();
    for _ in 0..20 {
        before.extend_from_slice(&base);
        before.push(b'\n');
    }
    cases.push(("empty line before a start", before));
    // A line that starts with a byte order mark, later in the input.
    let mut bomx = Vec::new();
    for _ in 0..10 {
        bomx.extend_from_slice(b"\xEF\xBB\xBF");
        bomx.extend_from_slice(&base);
    }
    cases.push(("byte order marks later in the input", bomx));
    // Terminator-less: a run of space-led records (longer than four targets), then
    // transmissions. Fewer than 100 of them: 100 lines without a record identifier make the
    // input "not a CATAIR transmission" (F-023), which the whole parse sees in its first 100
    // lines and a 1 KiB chunk cannot.
    let mut concat = Vec::new();
    for _ in 0..90 {
        let mut rec = [b' '; 80];
        rec[1] = b'X';
        concat.extend_from_slice(&rec);
    }
    for _ in 0..5 {
        for line in base.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            concat.extend_from_slice(line);
        }
    }
    cases.push(("terminator-less, space-led run", concat));
    for (what, input) in &cases {
        for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
            let (whole, chunked) = whole_and_chunked(input, &opts, 1024);
            assert_same_counts(what, &whole, &chunked);
        }
    }
}

/// A line exactly four targets long is one piece, not a piece plus an empty record.
#[test]
fn a_line_of_exactly_four_targets_gives_no_extra_record() {
    let base = or2();
    let mut input = base.clone();
    input.extend(std::iter::repeat_n(b'X', 4 * 1024));
    input.push(b'\n');
    input.extend_from_slice(&base);
    let (whole, chunked) = whole_and_chunked(&input, &ParseOptions::lenient(), 1024);
    assert_eq!(chunked.records, whole.records);
    assert!(
        !chunked.records_by_id.contains_key(""),
        "{:?}",
        chunked.records_by_id
    );
}

/// A run of empty lines makes chunks of at most `MAX_CHUNK_RECORDS` records, so the trees
/// stay small; counts are unchanged.
#[test]
fn chunks_hold_a_bounded_number_of_records() {
    let mut input = or2();
    input.extend(std::iter::repeat_n(
        b'\n',
        3 * ace_pga::stream::MAX_CHUNK_RECORDS + 5,
    ));
    input.extend_from_slice(&or2());
    let opts = ParseOptions::lenient();
    let mut records = 0u64;
    for c in ChunkReader::with_target(&input[..], 1 << 20) {
        let c = c.expect("read");
        let t = c.parse(&opts).expect("blank chunk parses");
        let mut n = 0;
        t.tree().for_each_record(|_| n += 1);
        assert!(n <= ace_pga::stream::MAX_CHUNK_RECORDS, "{n} records");
        records += n as u64;
    }
    let mut whole = 0u64;
    if let Ok(t) = Transmission::parse_with(&input, &opts) {
        t.tree().for_each_record(|_| whole += 1);
    }
    assert_eq!(records, whole);
}

#[test]
fn collect_clamps_threads_and_counts_empty_input() {
    let input = or2();
    let opts = ParseOptions::strict();
    let one = collect(&input[..], &opts, 1).expect("collect");
    let many = collect(&input[..], &opts, usize::MAX).expect("threads clamped");
    assert_eq!(one, many);
    let empty = collect(&b""[..], &opts, 2).expect("collect");
    assert_eq!(
        (empty.records, empty.parse_errors),
        (0, 1),
        "F-020 as in a whole parse"
    );
}
