//! The documents of the bindings are the CLI's, byte for byte, on every shipped sample.
//!
//! Runs the release CLI: `ACE_PGA_CLI`, else `target/release/ace-pga` of the workspace
//! (`cargo build --release --features cli` first; the test fails, naming the command, when
//! it is missing).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ace_pga_bindings::{Options, Outcome};

const AS_OF: &str = "2026-03-16";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cli() -> PathBuf {
    let path = std::env::var_os("ACE_PGA_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/release/ace-pga"));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --release --features cli` at the workspace root \
         (or set ACE_PGA_CLI)",
        path.display()
    );
    path
}

fn run(args: &[&str], stdin: Option<&[u8]>, dir: Option<&Path>) -> Output {
    let mut cmd = Command::new(cli());
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("the CLI runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(data) = stdin {
        input.write_all(data).expect("stdin written");
    }
    drop(input);
    child.wait_with_output().expect("the CLI ends")
}

/// Every shipped sample (valid and invalid), sorted.
fn samples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["spec-samples/valid", "spec-samples/invalid"] {
        for e in std::fs::read_dir(root().join(dir)).expect("samples") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() > 30, "the shipped samples are there");
    out
}

/// The CLI's standard output without its final newline.
fn document(o: &Output) -> &[u8] {
    o.stdout.strip_suffix(b"\n").unwrap_or(&o.stdout)
}

fn options(json: &str) -> Options {
    Options::from_json(Some(json.as_bytes())).expect("options")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn error_message(b: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(b).expect("error document");
    assert!(v["findings"].is_array(), "{v}");
    v["error"].as_str().expect("error text").to_string()
}

/// Control characters as the CLI shows them.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[test]
fn decode_is_the_cli_decode() {
    let (mut ok, mut invalid) = (0, 0);
    for path in samples() {
        let data = std::fs::read(&path).expect("sample");
        let name = path.to_str().expect("path");
        for lenient in [false, true] {
            let mut args = vec!["decode", name];
            if lenient {
                args.push("--lenient");
            }
            let cli = run(&args, None, None);
            let ours =
                ace_pga_bindings::decode(&data, &options(&format!("{{\"lenient\":{lenient}}}")));
            match (cli.status.code(), ours) {
                (Some(0), Outcome::Ok(doc)) => {
                    assert!(
                        doc == document(&cli),
                        "{name} lenient={lenient}: decode differs"
                    );
                    ok += 1;
                }
                (Some(1), Outcome::Invalid(err)) => {
                    // The CLI prints the warnings, then the errors (`NAME: error[…] …`).
                    let msg = error_message(&err);
                    let first = msg.lines().next().expect("an error line");
                    let stderr = text(&cli.stderr);
                    let want = format!("{name}: {}", clean(first));
                    assert!(
                        stderr.lines().any(|l| l.starts_with(&want)),
                        "{name}: {want:?} not in {stderr:?}"
                    );
                    invalid += 1;
                }
                (code, ours) => {
                    panic!("{name} lenient={lenient}: CLI exit {code:?}, bindings {ours:?}")
                }
            }
        }
    }
    assert!(ok > 10 && invalid >= 10, "{ok} decoded, {invalid} refused");
}

#[test]
fn dump_is_the_cli_dump() {
    for path in samples() {
        let data = std::fs::read(&path).expect("sample");
        let name = path.to_str().expect("path");
        let cli = run(&["dump", name], None, None);
        match (
            cli.status.code(),
            ace_pga_bindings::dump(&data, &Options::default()),
        ) {
            (Some(0), Outcome::Ok(doc)) => {
                let lines: Vec<&str> = std::str::from_utf8(&cli.stdout)
                    .expect("UTF-8")
                    .lines()
                    .collect();
                assert_eq!(text(&doc), format!("[{}]", lines.join(",")), "{name}");
            }
            (Some(1), Outcome::Invalid(err)) => {
                error_message(&err);
            }
            (code, ours) => panic!("{name}: CLI exit {code:?}, bindings {ours:?}"),
        }
    }
}

#[test]
fn check_is_the_cli_check_json() {
    let sets = [
        ("{}", vec![]),
        ("{\"lenient\":true}", vec!["--lenient"]),
        (
            "{\"enable\":[\"OR-006\"],\"rules\":{\"OR-032\":\"warning\",\"F-010\":\"off\"},\"max_findings\":2}",
            vec!["--enable", "OR-006", "--rule", "OR-032=warning", "--rule", "F-010=off", "--max-findings", "2"],
        ),
    ];
    let (mut ok, mut invalid) = (0, 0);
    for path in samples() {
        let data = std::fs::read(&path).expect("sample");
        let name = path.display();
        for (json, flags) in &sets {
            let mut o = options(json);
            o.as_of = Some(AS_OF.to_string());
            let mut args = vec!["check", "--as-of", AS_OF, "--format", "json"];
            args.extend(flags.iter().copied());
            args.push("-");
            let cli = run(&args, Some(&data), None);
            let (code, doc) = match ace_pga_bindings::check(&data, &o) {
                Outcome::Ok(d) => (0, d),
                Outcome::Invalid(d) => (1, d),
                Outcome::Usage(m) => panic!("{name}: usage {m}"),
            };
            assert_eq!(cli.status.code(), Some(code), "{name} {json}: exit status");
            assert!(
                doc == document(&cli),
                "{name} {json}: report differs:\n{}\n{}",
                text(&doc),
                text(&cli.stdout)
            );
            if code == 0 {
                ok += 1
            } else {
                invalid += 1
            }
        }
    }
    assert!(ok > 10 && invalid > 10, "{ok} clean, {invalid} with errors");
}

#[test]
fn encode_is_the_cli_encode() {
    let mut n = 0;
    for path in samples() {
        let name = path.to_str().expect("path");
        let decoded = run(&["decode", name], None, None);
        if decoded.status.code() != Some(0) {
            continue;
        }
        let cli = run(&["encode", "-"], Some(&decoded.stdout), None);
        assert_eq!(cli.status.code(), Some(0), "{name}");
        match ace_pga_bindings::encode(&decoded.stdout, &Options::default()) {
            Outcome::Ok(bytes) => assert!(bytes == cli.stdout, "{name}: encode differs"),
            other => panic!("{name}: {other:?}"),
        }
        n += 1;
    }
    assert!(n > 10, "{n} samples encoded");
    // Refused JSON: the same message as the CLI (after its `-: `).
    let good = run(
        &["decode", "spec-samples/valid/or2-single.txt"],
        None,
        Some(&root()),
    );
    let good = text(&good.stdout);
    let bad = [
        "[1,2]".to_string(),
        "{\"framing\":".to_string(),
        good.replacen("\"batches\"", "\"batchez\"", 1),
        good.replacen("{", "{\"batches\":[],", 1),
        good.replacen("\"raw\":\"", "\"raw\":\"X", 1),
    ];
    for json in bad {
        let cli = run(&["encode", "-"], Some(json.as_bytes()), None);
        assert_eq!(cli.status.code(), Some(1), "{json:.80}");
        match ace_pga_bindings::encode(json.as_bytes(), &Options::default()) {
            Outcome::Invalid(err) => {
                assert_eq!(
                    format!("-: {}\n", error_message(&err)),
                    text(&cli.stderr),
                    "{json:.80}"
                );
            }
            other => panic!("{json:.80}: {other:?}"),
        }
    }
}

#[test]
fn status_is_the_cli_status_json() {
    let valid = root().join("spec-samples/valid");
    let responses: Vec<Vec<u8>> = ["sx-response.txt", "so-status.txt", "so-versions.txt"]
        .iter()
        .map(|f| std::fs::read(valid.join(f)).expect("response"))
        .collect();
    let dir = std::env::temp_dir().join(format!("ace-pga-status-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (i, r) in responses.iter().enumerate() {
        std::fs::write(dir.join(ace_pga_bindings::response_name(i)), r).expect("written");
    }
    // Not a transmission at all: skipped, listed, exit 1.
    std::fs::write(
        dir.join(ace_pga_bindings::response_name(responses.len())),
        b"",
    )
    .expect("written");
    let mut compared = 0;
    for path in samples() {
        let data = std::fs::read(&path).expect("sample");
        std::fs::write(dir.join(ace_pga_bindings::SUBMISSION_NAME), &data).expect("written");
        for n in [responses.len(), responses.len() + 1] {
            let names: Vec<String> = (0..n).map(ace_pga_bindings::response_name).collect();
            let mut args = vec![
                "status",
                "--format",
                "json",
                ace_pga_bindings::SUBMISSION_NAME,
            ];
            args.extend(names.iter().map(String::as_str));
            let cli = run(&args, None, Some(&dir));
            let mut refs: Vec<&[u8]> = responses.iter().map(Vec::as_slice).collect();
            if n > responses.len() {
                refs.push(b"");
            }
            let name = path.display();
            match (cli.status.code(), ace_pga_bindings::status(&data, &refs)) {
                (Some(0), Outcome::Ok(doc)) => {
                    assert!(doc == document(&cli), "{name}: status differs");
                    compared += 1;
                }
                (Some(1), Outcome::Invalid(doc)) if !cli.stdout.is_empty() => {
                    assert!(
                        doc == document(&cli),
                        "{name}: status differs:\n{}\n{}",
                        text(&doc),
                        text(&cli.stdout)
                    );
                    compared += 1;
                }
                (Some(1), Outcome::Invalid(err)) => {
                    let msg = error_message(&err);
                    let first = msg.lines().next().expect("an error line");
                    let want = format!("submission: {}", clean(first));
                    let stderr = text(&cli.stderr);
                    assert!(
                        stderr.lines().any(|l| l.starts_with(&want)),
                        "{name}: {want:?} not in {stderr:?}"
                    );
                }
                (code, ours) => panic!("{name}: CLI exit {code:?}, bindings {ours:?}"),
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(compared > 10, "{compared} status documents compared");
}
