//! `ace-pga decode` and `encode` streamed (issue 13): standard input as a file, a PGA line
//! over the whole-parse limit decoded, nothing written for a failing input, the round trip;
//! `fix` of a pipe and in place.
#![cfg(feature = "cli")]

mod common;

use std::process::{Command, Output};

use ace_pga::write::DecodeDocument;
use ace_pga::{ParseOptions, Transmission};

use common::*;

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_cli(args, stdin)
}

fn temp(name: &str, bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("ace-pga-s2-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp");
    path.display().to_string()
}

#[test]
fn standard_input_decodes_and_encodes_as_the_file() {
    for file in sample_files() {
        let path = file.display().to_string();
        let input = std::fs::read(&file).expect("sample");
        for flags in [&["--lenient"][..], &["--pretty"][..]] {
            let args: Vec<&str> = ["decode"].iter().chain(flags).copied().collect();
            let from_file = run(&[args.as_slice(), &[path.as_str()]].concat(), None);
            let from_stdin = run(&[args.as_slice(), &["-"]].concat(), Some(&input));
            assert_eq!(from_file.stdout, from_stdin.stdout, "{path} {flags:?}");
            assert_eq!(from_file.status.code(), from_stdin.status.code(), "{path}");
            let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).replace(&path, "-");
            assert_eq!(stderr(&from_file), stderr(&from_stdin), "{path}");
            if !from_file.status.success() {
                assert!(
                    from_file.stdout.is_empty(),
                    "{path}: a failing decode writes nothing"
                );
                continue;
            }
            // The round trip: encode of the decode JSON gives the bytes back (lenient repairs
            // in repaired form).
            let encoded = run(&["encode", "-"], Some(&from_file.stdout));
            assert!(encoded.status.success(), "{path}: encode");
            let lenient = flags.contains(&"--lenient");
            let opts = if lenient {
                ParseOptions::lenient()
            } else {
                ParseOptions::strict()
            };
            let t = Transmission::parse_with(&input, &opts).expect("parses");
            if ace_pga::response::is_response(&t) || lenient {
                let t = Transmission::parse_with(&input, &ParseOptions::lenient()).expect("parses");
                assert_eq!(encoded.stdout, t.to_bytes(), "{path}: round trip");
            } else {
                assert_eq!(encoded.stdout, t.to_bytes(), "{path}: round trip");
            }
        }
    }
}

/// A pipe given by name is read once (spilled), not opened again for each pass.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_given_by_name_is_read_once() {
    let input = or2_single();
    let want = run(&["decode", "-"], Some(&input));
    assert!(want.status.success());
    let got = run(&["decode", "/dev/stdin"], Some(&input));
    assert_eq!(got.stdout, want.stdout);
    assert_eq!(got.status.code(), Some(0));
    let encoded = run(&["encode", "/dev/stdin"], Some(&want.stdout));
    assert_eq!(encoded.stdout, input);
    // `fix` of a pipe given by name: read once (it cannot be read twice), as `fix -`.
    let fixed = run(&["fix", "/dev/stdin"], Some(&input));
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert_eq!(fixed.stdout, input);
}

/// `fix -o FILE FILE` (in place, or through another name of the same file) keeps the whole
/// input: the streamed fix writes while it still reads, so the output goes to a temporary
/// file copied over the input at the end.
#[test]
fn fix_in_place_keeps_an_input_larger_than_its_blocks() {
    let base = or2_single();
    let lines = lines_of(&base);
    let first = line_of(&lines, "SE10") - 1;
    let y = line_of(&lines, "Y") - 1;
    let mut out: Vec<Vec<u8>> = lines[..first].to_vec();
    for _ in 0..2_000 {
        out.extend(lines[first..y].iter().cloned());
    }
    out.extend(lines[y..].iter().cloned());
    let input = join(&out, b"\n", true);
    assert!(input.len() > 1 << 20, "{} bytes", input.len());
    let path = temp("in-place.txt", &input);
    let fixed = run(&["fix", "-q", "-o", &path, &path], None);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert!(
        std::fs::read(&path).expect("read") == input,
        "the file changed"
    );
    #[cfg(unix)]
    {
        let link = format!("{path}.link");
        let _ = std::fs::remove_file(&link);
        std::fs::hard_link(&path, &link).expect("hard link");
        let fixed = run(&["fix", "-q", "-o", &link, &path], None);
        assert_eq!(fixed.status.code(), Some(0));
        assert!(
            std::fs::read(&path).expect("read") == input,
            "the file changed (link)"
        );
        let _ = std::fs::remove_file(&link);
    }
    let _ = std::fs::remove_file(&path);
}

/// `fix -` (standard input), `fix` of a pipe and `fix -o FILE FILE` write what `fix FILE`
/// writes and report the same changes, on an input larger than the streamed fix's blocks
/// with changes spread over it: standard input and a pipe are copied to a temporary file
/// and read twice from there (issue 13: memory bounded by the longest line on any input,
/// not the whole input).
#[test]
fn fix_of_standard_input_a_pipe_and_in_place_equals_fix_of_the_file() {
    let base = or2_single();
    let lines = lines_of(&base);
    let first = line_of(&lines, "SE10") - 1;
    let y = line_of(&lines, "Y") - 1;
    let mut out: Vec<Vec<u8>> = lines[..first].to_vec();
    for i in 0..2_000 {
        for l in &lines[first..y] {
            let mut l = l.clone();
            // A lower-case letter in some OI descriptions: `fix` upper-cases it.
            if i % 250 == 7 && l.starts_with(b"OI") {
                if let Some(c) = l.iter_mut().skip(12).find(|c| c.is_ascii_uppercase()) {
                    c.make_ascii_lowercase();
                }
            }
            out.push(l);
        }
    }
    out.extend(lines[y..].iter().cloned());
    let input = join(&out, b"\n", true);
    assert!(input.len() > 1 << 20, "{} bytes", input.len());
    let path = temp("fix-stdin.txt", &input);
    let of_file = run(&["fix", &path], None);
    assert_eq!(of_file.status.code(), Some(0));
    assert_ne!(of_file.stdout, input, "the input has something to fix");
    let report = |o: &Output| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
            .collect::<Vec<_>>()
    };
    assert!(
        report(&of_file)
            .iter()
            .any(|l| l == "8 change(s), 0 not fixable"),
        "{:?}",
        report(&of_file)
    );
    let of_stdin = run(&["fix", "-"], Some(&input));
    assert_eq!(of_stdin.status.code(), Some(0));
    assert!(of_stdin.stdout == of_file.stdout, "standard input");
    assert_eq!(report(&of_stdin), report(&of_file));
    #[cfg(unix)]
    {
        // A named pipe: readable once, so copied first too.
        let fifo = format!("{path}.fifo");
        let _ = std::fs::remove_file(&fifo);
        let made = Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let writer = {
                let (fifo, input) = (fifo.clone(), input.clone());
                std::thread::spawn(move || std::fs::write(&fifo, &input))
            };
            let of_pipe = run(&["fix", &fifo], None);
            writer.join().expect("writer").expect("write the pipe");
            assert_eq!(of_pipe.status.code(), Some(0));
            assert!(of_pipe.stdout == of_file.stdout, "named pipe");
            assert_eq!(report(&of_pipe), report(&of_file));
            let _ = std::fs::remove_file(&fifo);
        }
    }
    let in_place = run(&["fix", "-o", &path, &path], None);
    assert_eq!(in_place.status.code(), Some(0));
    assert!(
        std::fs::read(&path).expect("read") == of_file.stdout,
        "in place"
    );
    assert_eq!(report(&in_place), report(&of_file));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_pga_line_over_the_whole_parse_limit_decodes() {
    // One PGA line of 100,001 records (8 MB): over the default limit of a whole-input
    // parse, which the stream does not need.
    let base = or2_single();
    let lines = lines_of(&base);
    let pg01 = line_of(&lines, "PG01") - 1;
    let pg02 = line_of(&lines, "PG02") - 1;
    let y = line_of(&lines, "Y") - 1;
    let mut out: Vec<Vec<u8>> = lines[..=pg01].to_vec();
    out.extend(std::iter::repeat_n(lines[pg02].clone(), 100_001));
    out.extend(lines[y..].iter().cloned());
    let input = join(&out, b"\n", true);
    let path = temp("long-line.txt", &input);
    let streamed = run(&["decode", &path], None);
    assert!(
        streamed.status.success(),
        "{}",
        String::from_utf8_lossy(&streamed.stderr)
    );
    let raised = ParseOptions::strict().max_records_per_pga_line(usize::MAX);
    let t = Transmission::parse_with(&input, &raised).expect("parses");
    let mut want = serde_json::to_vec(&DecodeDocument::new(&t)).expect("json");
    want.push(b'\n');
    assert!(streamed.stdout == want, "the streamed document differs");
    // And back: the organic section agrees with the records (no warning), bytes unchanged.
    let json = temp("long-line.json", &streamed.stdout);
    let encoded = run(&["encode", &json], None);
    assert_eq!(encoded.status.code(), Some(0));
    assert!(encoded.stdout == input, "encode changed the bytes");
    assert!(
        encoded.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&encoded.stderr)
    );
    let _ = std::fs::remove_file(&json);
    // Given on the command line, the limit applies as before.
    let limited = run(
        &["decode", "--max-records-per-pga-line", "100000", &path],
        None,
    );
    assert_eq!(limited.status.code(), Some(1));
    assert!(limited.stdout.is_empty());
    assert!(String::from_utf8_lossy(&limited.stderr).contains("max_records_per_pga_line"));
    // `dump` and `stats` take it too; `check` runs without a limit unless one is given,
    // and reports a given limit as a LIMIT finding (besides the other findings: the line
    // repeats its PG02).
    for cmd in ["dump", "stats"] {
        let out = run(&[cmd, &path], None);
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A given limit stops `stats` with the limit's error, never with counts that leave out
    // the records of the chunk the limit stopped.
    for threads in ["1", "2"] {
        let limited = run(
            &[
                "stats",
                "--threads",
                threads,
                "--max-records-per-pga-line",
                "1000",
                &path,
            ],
            None,
        );
        assert_eq!(limited.status.code(), Some(1));
        assert!(limited.stdout.is_empty());
        let err = String::from_utf8_lossy(&limited.stderr);
        assert!(
            err.contains("error[LIMIT]") && err.contains("max_records_per_pga_line"),
            "{err}"
        );
    }
    let rules = |args: &[&str]| -> Vec<String> {
        let out = run(args, None);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule"].as_str().map(str::to_string))
            .collect()
    };
    let free = rules(&["check", "--format", "json", &path]);
    assert!(
        !free.is_empty() && !free.iter().any(|r| r == "LIMIT"),
        "{free:?}"
    );
    let limited = rules(&[
        "check",
        "--format",
        "json",
        "--max-records-per-pga-line",
        "1000",
        &path,
    ]);
    assert!(limited.iter().any(|r| r == "LIMIT"), "{limited:?}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_failing_encode_writes_nothing() {
    let json = run(&["decode", "-"], Some(&or2_single())).stdout;
    let text = String::from_utf8(json).expect("utf8");
    // A record error early and a JSON error late: nothing written, the JSON error named.
    let broken = text
        .replacen(
            "\"record\":\"PG01\"",
            "\"record\":\"PG01\",\"raw\":\"PG01\"",
            1,
        )
        .replacen("\"trailing\"", "\"extra\":1,\"trailing\"", 1)
        .replacen("\"organic\"", "\"extra\":1,\"organic\"", 1);
    let path = temp("broken.json", broken.as_bytes());
    let out = temp("broken.out", b"");
    let _ = std::fs::remove_file(&out);
    let r = run(&["encode", &path, "-o", &out], None);
    assert_eq!(r.status.code(), Some(1));
    assert!(r.stdout.is_empty());
    assert!(String::from_utf8_lossy(&r.stderr).contains("unknown field `extra`"));
    assert!(
        !std::path::Path::new(&out).exists(),
        "no output file for a failing input"
    );
    let r = run(&["encode", "-"], Some(broken.as_bytes()));
    assert_eq!(r.status.code(), Some(1));
    assert!(r.stdout.is_empty());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_failing_decode_lists_at_most_a_hundred_errors_and_counts_the_rest() {
    // 150 records of 75 bytes: 150 F-001 errors, the first 100 listed, the rest counted.
    let mut input = Vec::new();
    for _ in 0..150 {
        input.extend_from_slice(format!("{:<75}\n", "PG01001AMSOR2").as_bytes());
    }
    let path = temp("many-errors.txt", &input);
    let o = run(&["decode", &path], None);
    let _ = std::fs::remove_file(&path);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "a failing decode writes nothing");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let listed = stderr
        .lines()
        .filter(|l| l.contains("error[F-001]"))
        .count();
    assert_eq!(listed, 100, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.len() >= 2 && lines[lines.len() - 2].contains("... and 50 more error(s), not listed"),
        "{stderr}"
    );
    // The closing line says nothing was written and what `--lenient` reads (as `dump` ends
    // with "input has errors").
    assert!(
        lines.last().is_some_and(
            |l| l.contains("input has errors (see above), nothing written")
                && l.contains("--lenient")
        ),
        "{stderr}"
    );
    // The first and the hundredth error are the input's first and hundredth record.
    assert!(stderr.contains("line 1, record PG01"), "{stderr}");
    assert!(stderr.contains("line 100, record PG01"), "{stderr}");
    assert!(!stderr.contains("line 101, record PG01"), "{stderr}");
}

/// A failing `decode` names `--lenient` only when lenient reading repairs an error there
/// (fresh-user trial, session 17: an impossible date is not such an error).
#[test]
fn a_failing_decode_suggests_lenient_only_where_it_helps() {
    let path = format!(
        "{}/spec-samples/invalid/impossible-date.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = run(&["decode", &path], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&o.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("nothing written; correct them at the source"),
        "{stderr}"
    );
    assert!(!stderr.contains("--lenient"), "{stderr}");
    let o = run(&["decode", "--lenient", &path], None);
    assert_eq!(o.status.code(), Some(1), "lenient does not repair it");
    // F-007: a number with a space inside is not what `--lenient` reads; one right-justified
    // with spaces is (and `fix` does not change numbers): the hint says so, for a file and
    // for standard input (read from the temporary copy).
    let embedded = read_repo("spec-samples/invalid/n-field-embedded-space.txt");
    let text = String::from_utf8_lossy(&embedded).into_owned();
    assert!(text.contains("000000 19150"));
    let padded = text.replace("000000 19150", "     1219150").into_bytes();
    let trimmed = {
        // The OI line with its trailing spaces cut: trimmed, and `fix` pads it.
        let mut out = Vec::new();
        for l in padded.split_inclusive(|&b| b == b'\n') {
            if l.starts_with(b"OI") {
                out.extend_from_slice(l.trim_ascii_end());
                out.push(b'\n');
            } else {
                out.extend_from_slice(l);
            }
        }
        out
    };
    // Only the trimmed line; a padded number beside a number with a space inside (lenient
    // reads one, not the other); a line with data past column 80 (neither reads it).
    let trimmed_only = {
        let text = String::from_utf8_lossy(&trimmed).into_owned();
        text.replace("     1219150", "000001219150").into_bytes()
    };
    let mixed = {
        let mut out = Vec::new();
        for l in padded.split_inclusive(|&b| b == b'\n') {
            if l.starts_with(b"PG01") {
                // pga_line_number (columns 5-7) right-justified with spaces.
                let mut l = l.to_vec();
                l[4..7].copy_from_slice(b"  1");
                out.extend_from_slice(&l);
            } else {
                out.extend_from_slice(l);
            }
        }
        String::from_utf8_lossy(&out)
            .replace("     1219150", "000000 19150")
            .into_bytes()
    };
    let long = {
        let mut out = Vec::new();
        for l in trimmed_only.split_inclusive(|&b| b == b'\n') {
            if l.starts_with(b"PG02") {
                out.extend_from_slice(&l[..80]);
                out.extend_from_slice(b"X\n");
            } else {
                out.extend_from_slice(l);
            }
        }
        out
    };
    for (name, input, hint) in [
        ("embedded", &embedded, None),
        (
            "padded",
            &padded,
            Some("`--lenient` reads numbers right-justified with spaces with warnings"),
        ),
        (
            "trimmed",
            &trimmed,
            Some("`--lenient` reads short lines and numbers right-justified with spaces with warnings"),
        ),
        (
            "trimmed-only",
            &trimmed_only,
            Some("`--lenient` reads short lines with warnings (`ace-pga fix` repairs them in the file)"),
        ),
        ("padded-and-embedded", &mixed, None),
        ("a-byte-past-80", &long, None),
    ] {
        let path = temp(&format!("hint-{name}.txt"), input);
        for (args, stdin) in [
            (vec!["decode", path.as_str()], None),
            (vec!["decode", "-"], Some(input.as_slice())),
        ] {
            let o = run(&args, stdin);
            assert_eq!(o.status.code(), Some(1), "{name}");
            let stderr = String::from_utf8_lossy(&o.stderr);
            let last = stderr.lines().last().unwrap_or_default();
            match hint {
                Some(h) => assert!(last.ends_with(h), "{name}: {last}"),
                None => assert!(
                    last.ends_with(
                        "correct them at the source (`ace-pga check` lists every finding)"
                    ),
                    "{name}: {last}"
                ),
            }
        }
        let lenient = run(&["decode", "--lenient", &path], None);
        assert_eq!(lenient.status.code(), Some(hint.map_or(1, |_| 0)), "{name}");
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn a_decode_that_succeeds_lists_at_most_a_hundred_warnings() {
    // or2-single with 101 more PG25 lines cut to 30 bytes: `--lenient` pads them, a warning
    // each; the JSON is written, 100 warnings listed, the rest counted.
    let input = read_repo("spec-samples/valid/or2-single.txt");
    let pg25 = input
        .split(|&b| b == b'\n')
        .find(|l| l.starts_with(b"PG25"))
        .expect("a PG25")
        .to_vec();
    let mut edited = Vec::new();
    for line in input.split_inclusive(|&b| b == b'\n') {
        edited.extend_from_slice(line);
        if line.starts_with(b"PG25") && edited.len() < input.len() {
            for _ in 0..101 {
                edited.extend_from_slice(&pg25[..30]);
                edited.push(b'\n');
            }
        }
    }
    let path = temp("many-warnings.txt", &edited);
    let o = run(&["decode", "--lenient", &path], None);
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!o.stdout.is_empty());
    let listed = stderr.lines().filter(|l| l.contains("warning[")).count();
    assert_eq!(listed, 100, "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.contains("... and 1 more warning(s), not listed")),
        "{stderr}"
    );
}

#[test]
fn a_dump_lists_at_most_a_hundred_errors_and_counts_the_rest() {
    // 150 records of 75 bytes: every record is dumped, 150 F-001 errors, the first 100
    // listed, the rest counted, whole (an input under 8 MiB) and streamed.
    let mut input = Vec::new();
    for _ in 0..150 {
        input.extend_from_slice(format!("{:<75}\n", "PG01001AMSOR2").as_bytes());
    }
    let path = temp("dump-many-errors.txt", &input);
    for args in [
        vec!["dump", path.as_str()],
        vec!["dump", "--stream-above", "0", path.as_str()],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(
            o.stdout.iter().filter(|&&b| b == b'\n').count(),
            150,
            "{args:?}: every record is dumped"
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        let listed = stderr
            .lines()
            .filter(|l| l.contains("error[F-001]"))
            .count();
        assert_eq!(listed, 100, "{args:?}: {stderr}");
        assert!(
            stderr.contains("... and 50 more error(s), not listed"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("line 100, record PG01"), "{stderr}");
        assert!(!stderr.contains("line 101, record PG01"), "{stderr}");
        assert!(
            stderr
                .lines()
                .last()
                .is_some_and(|l| l.contains("input has errors")),
            "{stderr}"
        );
    }
    let _ = std::fs::remove_file(&path);
}
