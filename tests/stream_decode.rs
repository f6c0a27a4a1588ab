//! The streamed decode document (`ace_pga::stream::decode`) against the whole-input oracle
//! (`DecodeDocument` of `Transmission::parse_with`): the same bytes (compact and pretty) and
//! the same problems in the same order, for every sample and many framings and mutations,
//! with units cut small so that transactions are joined again.

#![cfg(feature = "json")]

mod common;

use std::io::Cursor;

use ace_pga::stream::decode::{
    scan, scan_threads, write_decode_document, write_decode_document_threads, StreamDecodeError,
};
use ace_pga::stream::StreamOptions;
use ace_pga::write::DecodeDocument;
use ace_pga::{ParseOptions, Problem, Transmission};

use common::*;

fn stream_opts(max_unit_len: usize) -> StreamOptions {
    let mut s = StreamOptions::default();
    s.max_unit_len = max_unit_len;
    s
}

/// What the whole-input path gives: the document bytes and the problems, or the error.
fn oracle(
    input: &[u8],
    opts: &ParseOptions,
    pretty: bool,
) -> Result<(Vec<u8>, Vec<Problem>), Vec<Problem>> {
    match Transmission::parse_with(input, opts) {
        Err(e) => Err(e.problems),
        Ok(t) => {
            let doc = DecodeDocument::new(&t);
            let bytes = if pretty {
                serde_json::to_vec_pretty(&doc)
            } else {
                serde_json::to_vec(&doc)
            }
            .expect("serialize");
            Ok((bytes, t.problems().to_vec()))
        }
    }
}

fn streamed(
    input: &[u8],
    opts: &ParseOptions,
    pretty: bool,
    max_unit_len: usize,
) -> Result<(Vec<u8>, Vec<Problem>), Vec<Problem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let r = write_decode_document(
        input,
        &mut out,
        Cursor::new(Vec::new()),
        opts,
        &stream_opts(max_unit_len),
        pretty,
        |p| problems.push(p.clone()),
    );
    match r {
        Ok(_) => Ok((out, problems)),
        Err(StreamDecodeError::Parse(e)) => Err(e.problems),
        Err(e) => panic!("I/O error on a slice: {e}"),
    }
}

/// Everything [`write_decode_document_threads`] gives: the bytes written (also before an
/// error), the problems, and the summary or the error.
fn threaded(
    input: &[u8],
    opts: &ParseOptions,
    pretty: bool,
    max_unit_len: usize,
    threads: usize,
) -> (Vec<u8>, Vec<Problem>, String) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let r = write_decode_document_threads(
        input,
        &mut out,
        Cursor::new(Vec::new()),
        opts,
        &stream_opts(max_unit_len),
        pretty,
        threads,
        |p| problems.push(p.clone()),
    );
    (out, problems, format!("{r:?}"))
}

/// The output, problems and summary (or error) on 2 and 4 worker threads are those on one.
fn same_threads(name: &str, input: &[u8], opts: &ParseOptions, pretty: bool, max_unit_len: usize) {
    let one = threaded(input, opts, pretty, max_unit_len, 1);
    for threads in [2, 4] {
        let got = threaded(input, opts, pretty, max_unit_len, threads);
        if got.0 != one.0 {
            let at = got.0.iter().zip(&one.0).position(|(a, b)| a != b);
            panic!(
                "{name} (lenient {}, pretty {pretty}, unit {max_unit_len}): {threads} threads write other bytes ({} vs {}, first difference at {at:?})",
                opts.is_lenient(),
                got.0.len(),
                one.0.len()
            );
        }
        assert_eq!(got.1, one.1, "{name}: problems on {threads} threads");
        assert_eq!(
            got.2, one.2,
            "{name}: summary or error on {threads} threads"
        );
    }
    // The first pass (`scan_threads`) too: the same problems, summary or error.
    let scanned = |threads: usize| {
        let mut problems = Vec::new();
        let r = scan_threads(input, opts, &stream_opts(max_unit_len), threads, |p| {
            problems.push(p.clone())
        })
        .map_err(|e| e.to_string());
        (problems, r)
    };
    let one = scanned(1);
    for threads in [2, 4] {
        assert_eq!(
            scanned(threads),
            one,
            "{name} (lenient {}, unit {max_unit_len}): scan on {threads} threads",
            opts.is_lenient()
        );
    }
}

/// Checks every combination of options, framing and unit size on `input`.
fn same(name: &str, input: &[u8]) {
    for opts in [ParseOptions::strict(), ParseOptions::lenient()] {
        for pretty in [false, true] {
            let want = oracle(input, &opts, pretty);
            for max_unit_len in [1 << 20, 1, 200] {
                let got = streamed(input, &opts, pretty, max_unit_len);
                same_threads(name, input, &opts, pretty, max_unit_len);
                match (&want, &got) {
                    (Ok((w, wp)), Ok((g, gp))) => {
                        if w != g {
                            let at = w.iter().zip(g.iter()).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
                            let from = at.saturating_sub(200);
                            panic!(
                                "{name} (lenient {}, pretty {pretty}, unit {max_unit_len}): bytes differ at {at}:\nwant …{}\ngot  …{}",
                                opts.is_lenient(),
                                String::from_utf8_lossy(&w[from..(at + 200).min(w.len())]),
                                String::from_utf8_lossy(&g[from..(at + 200).min(g.len())]),
                            );
                        }
                        assert_eq!(wp, gp, "{name} (lenient {}, unit {max_unit_len}): problems", opts.is_lenient());
                    }
                    (Err(w), Err(g)) => assert_eq!(w, g, "{name}: whole-input error"),
                    _ => panic!(
                        "{name} (lenient {}, pretty {pretty}, unit {max_unit_len}): whole {} but streamed {}",
                        opts.is_lenient(),
                        if want.is_ok() { "parses" } else { "fails" },
                        if got.is_ok() { "parses" } else { "fails" },
                    ),
                }
                // `scan` reports the same problems (or error) without writing.
                let mut scanned = Vec::new();
                let s = scan(input, &opts, &stream_opts(max_unit_len), |p| {
                    scanned.push(p.clone())
                });
                match (&want, s) {
                    (Ok((_, wp)), Ok(_)) => assert_eq!(wp, &scanned, "{name}: scan problems"),
                    (Err(w), Err(StreamDecodeError::Parse(e))) => assert_eq!(w, &e.problems),
                    _ => panic!("{name}: scan disagrees with the whole parse"),
                }
            }
        }
    }
}

fn with_terminator(input: &[u8], term: &[u8], final_term: bool) -> Vec<u8> {
    join(&lines_of(input), term, final_term)
}

#[test]
fn every_sample_streams_to_the_same_document() {
    for file in sample_files() {
        let input = std::fs::read(&file).expect("sample");
        same(&file.display().to_string(), &input);
    }
}

#[test]
fn framings_streams_to_the_same_document() {
    let base = read_repo("spec-samples/valid/or2-multi.txt");
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("crlf".into(), with_terminator(&base, b"\r\n", true)),
        ("cr".into(), with_terminator(&base, b"\r", true)),
        (
            "no final terminator".into(),
            with_terminator(&base, b"\n", false),
        ),
        ("concatenated".into(), with_terminator(&base, b"", false)),
        ("bom".into(), [b"\xEF\xBB\xBF".as_slice(), &base].concat()),
        (
            "two boms".into(),
            [b"\xEF\xBB\xBF\xEF\xBB\xBF".as_slice(), &base].concat(),
        ),
        (
            "bom concatenated".into(),
            [
                b"\xEF\xBB\xBF".as_slice(),
                &with_terminator(&base, b"", false),
            ]
            .concat(),
        ),
        (
            "trailing 0x1A".into(),
            [base.as_slice(), b"\x1A\x1A"].concat(),
        ),
        (
            "trailing 0x1A line".into(),
            [base.as_slice(), b"\x1A\n"].concat(),
        ),
        (
            "trailing empty line".into(),
            [base.as_slice(), b"\n"].concat(),
        ),
        (
            "concatenated 0x1A".into(),
            [with_terminator(&base, b"", false).as_slice(), b"\x1A"].concat(),
        ),
        (
            "concatenated remainder".into(),
            [with_terminator(&base, b"", false).as_slice(), b"PG02"].concat(),
        ),
        ("empty".into(), Vec::new()),
        ("blank".into(), b"\n\n  \n".to_vec()),
        ("one record".into(), base[..81].to_vec()),
    ];
    // Mixed terminators: one record in four ends in CRLF, another in CR.
    let lines = lines_of(&base);
    let mut mixed = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        mixed.extend_from_slice(l);
        mixed.extend_from_slice(match i % 7 {
            3 => b"\r\n".as_slice(),
            5 => b"\r",
            _ => b"\n",
        });
    }
    cases.push(("mixed".into(), mixed));
    // The first record's terminator differs from all others'.
    let mut first_crlf = lines[0].clone();
    first_crlf.extend_from_slice(b"\r\n");
    first_crlf.extend(join(&lines[1..], b"\n", true));
    cases.push(("first crlf".into(), first_crlf));
    // The last record (a Z) short and without terminator.
    let mut short_end = base.clone();
    short_end.truncate(short_end.len() - 11);
    cases.push(("short last".into(), short_end));
    for (name, input) in cases {
        same(&name, &input);
    }
}

#[test]
fn mutated_inputs_stream_to_the_same_document() {
    let base = read_repo("spec-samples/valid/or2-multi.txt");
    let lines = lines_of(&base);
    let n = lines.len();
    let noise = pseudo_random(4 * n, 7);
    for k in 0..12 {
        // Drop, duplicate or shorten records chosen by the noise.
        let mut out: Vec<Vec<u8>> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let r = noise[(k * n + i) % noise.len()];
            match r % 11 {
                0 => {}
                1 => {
                    out.push(l.clone());
                    out.push(l.clone());
                }
                2 => out.push(l[..40].to_vec()),
                3 => out.push(b"10".to_vec()),
                4 => out.push(b"SE90 ZZ".to_vec()),
                _ => out.push(l.clone()),
            }
        }
        same(&format!("mutation {k}"), &join(&out, b"\n", true));
    }
    // Records before any envelope, envelope records out of order, a fragment.
    let ids = |id: &str| lines_with(&lines, id);
    let a = ids("A")[0] - 1;
    let z = *ids("Z").last().expect("Z") - 1;
    let mut reordered = lines[a + 1..z].to_vec();
    reordered.push(lines[z].clone());
    reordered.push(lines[a].clone());
    reordered.extend(lines[a + 1..z].iter().cloned());
    same("no leading A", &join(&reordered, b"\n", true));
    same("fragment", &join(&lines[a + 2..z - 1], b"\n", true));
}

#[test]
fn a_long_oi_group_is_one_transaction() {
    // One transaction whose OI group holds thousands of PGA lines, cut by small units.
    let base = read_repo("spec-samples/valid/or2-single.txt");
    let lines = lines_of(&base);
    // `line_of` gives 1-based lines: `lines[pg01 - 1]` is the PG01.
    let pg01 = line_of(&lines, "PG01") - 1;
    let y = line_of(&lines, "Y") - 1;
    let mut out: Vec<Vec<u8>> = lines[..pg01].to_vec();
    for _ in 0..2_000 {
        out.extend(lines[pg01..y].iter().cloned());
    }
    out.extend(lines[y..].iter().cloned());
    assert_eq!(lines_with(&out, "Y").len(), 1, "one block");
    let input = join(&out, b"\n", true);
    for pretty in [false, true] {
        let want = oracle(&input, &ParseOptions::strict(), pretty).expect("parses");
        let got = streamed(&input, &ParseOptions::strict(), pretty, 4096).expect("parses");
        assert!(want.0 == got.0, "long OI group (pretty {pretty}) differs");
        assert_eq!(want.1, got.1);
    }
    // One PGA line of more records than the default limit: the whole parse refuses it, the
    // stream does the same with the same limit, and writes it with a higher one.
    let pg02 = line_of(&lines, "PG02") - 1;
    let mut huge: Vec<Vec<u8>> = lines[..=pg01].to_vec();
    huge.extend(std::iter::repeat_n(lines[pg02].clone(), 100_001));
    huge.extend(lines[y..].iter().cloned());
    let input = join(&huge, b"\n", true);
    let strict = ParseOptions::strict();
    assert_eq!(
        oracle(&input, &strict, false).err(),
        streamed(&input, &strict, false, 1 << 20).err()
    );
    let raised = ParseOptions::strict().max_records_per_pga_line(usize::MAX);
    let want = oracle(&input, &raised, false).expect("parses");
    let got = streamed(&input, &raised, false, 1 << 16).expect("parses");
    assert!(want.0 == got.0, "huge PGA line differs");
}

/// Inputs of many runs of parts (the threads hand out runs of about 128 KiB): repeated
/// samples, a mixed terminator late, a whole-input failure (a tree limit) late, an
/// envelope in the middle; the threads write what one thread writes.
#[test]
fn large_inputs_decode_the_same_on_every_thread_count() {
    let base = read_repo("spec-samples/valid/or2-multi.txt");
    let lines = lines_of(&base);
    let b = line_of(&lines, "B");
    let y = line_of(&lines, "Y");
    let (head, body, tail) = (&lines[..b], &lines[b..y - 1], &lines[y - 1..]);
    let build = |copies: usize, edit: &dyn Fn(usize, &mut Vec<Vec<u8>>)| {
        let mut out: Vec<Vec<u8>> = head.to_vec();
        for k in 0..copies {
            let mut copy = body.to_vec();
            edit(k, &mut copy);
            out.extend(copy);
        }
        out.extend(tail.iter().cloned());
        out
    };
    let plain = join(&build(250, &|_, _| {}), b"\n", true);
    assert!(plain.len() > 3 * (128 << 10), "several runs");
    // A long PGA line in copy 200: over a limit of 8 records per PGA line.
    let long = join(
        &build(250, &|k, copy| {
            if k == 200 {
                let pg25 = line_of(copy, "PG25");
                let r = copy[pg25 - 1].clone();
                for _ in 0..9 {
                    copy.insert(pg25, r.clone());
                }
            }
        }),
        b"\n",
        true,
    );
    // Copy 150 in a block of its own.
    let blocks = join(
        &build(250, &|k, copy| {
            if k == 150 {
                copy.insert(0, tail[0].clone());
                copy.insert(1, head[head.len() - 1].clone());
            }
        }),
        b"\n",
        true,
    );
    // CRLF from the middle on.
    let all = lines_of(&plain);
    let mut mixed = Vec::new();
    for (i, l) in all.iter().enumerate() {
        mixed.extend_from_slice(l);
        mixed.extend_from_slice(if i > all.len() / 2 { b"\r\n" } else { b"\n" });
    }
    let strict_limit = ParseOptions::strict().max_records_per_pga_line(8);
    for (name, input, opts) in [
        ("plain", &plain, ParseOptions::strict()),
        ("long PGA line", &long, strict_limit),
        ("blocks", &blocks, ParseOptions::lenient()),
        ("mixed terminators", &mixed, ParseOptions::lenient()),
    ] {
        for pretty in [false, true] {
            same_threads(name, input, &opts, pretty, 1 << 20);
        }
        let (out, problems, result) = threaded(input, &opts, false, 1 << 20, 2);
        match name {
            "long PGA line" => {
                assert!(
                    result.starts_with("Err"),
                    "{name}: the limit fails the input"
                );
                assert!(
                    !out.is_empty(),
                    "{name}: the document up to the failing part"
                );
            }
            "mixed terminators" => {
                assert_eq!(
                    problems
                        .iter()
                        .filter(|p| p.to_string().contains("F-019"))
                        .count(),
                    1,
                    "{name}: one F-019"
                );
            }
            _ => assert!(result.starts_with("Ok"), "{name}: {result}"),
        }
        if result.starts_with("Ok") {
            let want = oracle(input, &opts, false).expect("parses whole");
            assert_eq!(out, want.0, "{name}: the whole-input document");
            assert_eq!(problems, want.1, "{name}: the whole-input problems");
        }
    }
}

/// A writer that keeps the bytes and the size of its largest write.
#[derive(Default)]
struct Largest {
    bytes: Vec<u8>,
    largest: usize,
}

impl std::io::Write for Largest {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.largest = self.largest.max(buf.len());
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One transaction of megabytes (its JSON about four times that): written to the output as
/// it goes, in pieces of about 64 KiB, on one thread and on worker threads (which hand a
/// part over 1 MiB to the calling thread), never as one buffer of the whole transaction;
/// the bytes are the whole-input document's.
#[test]
fn a_large_transaction_is_written_as_it_goes() {
    let base = read_repo("spec-samples/valid/or2-single.txt");
    let lines = lines_of(&base);
    let (se10, pg01, y) = (
        line_of(&lines, "SE10"),
        line_of(&lines, "PG01"),
        line_of(&lines, "Y"),
    );
    // A small transaction first, then the large one (`line_of` gives 1-based lines).
    let mut out: Vec<Vec<u8>> = lines[..y - 1].to_vec();
    out.extend(lines[se10 - 1..pg01 - 1].iter().cloned());
    for _ in 0..6_000 {
        out.extend(lines[pg01 - 1..y - 1].iter().cloned());
    }
    out.extend(lines[y - 1..].iter().cloned());
    let input = join(&out, b"\n", true);
    assert!(input.len() > 2 << 20, "{} bytes", input.len());
    for pretty in [false, true] {
        let want = oracle(&input, &ParseOptions::strict(), pretty).expect("parses");
        for threads in [1, 2] {
            let mut sink = Largest::default();
            write_decode_document_threads(
                &input[..],
                &mut sink,
                Cursor::new(Vec::new()),
                &ParseOptions::strict(),
                &StreamOptions::default(),
                pretty,
                threads,
                |_| {},
            )
            .expect("decodes");
            assert!(want.0 == sink.bytes, "pretty {pretty}, {threads} threads");
            assert!(
                sink.largest < 256 << 10,
                "pretty {pretty}, {threads} threads: a write of {} bytes",
                sink.largest
            );
        }
    }
}
