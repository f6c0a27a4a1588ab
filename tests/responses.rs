//! CBP's answers (SPEC 7.1, 7.2, revision 6.1): the three `SO70` layouts address their lines,
//! and a response is never refused — one odd `SO70` or `SE90` does not cost the filer every
//! other disposition in the file. Inputs are built from the repository's samples; records
//! are found by their identifier, never by a hard-coded line number.

mod common;

use ace_pga::response::{Correlation, Status};
use ace_pga::{ParseOptions, RecordType, Severity, Transmission};
use common::{join, lines_of, read_repo};
use std::process::Command;

fn sample(name: &str) -> Vec<u8> {
    read_repo(&format!("spec-samples/valid/{name}"))
}

/// 0-based indexes of the records of `lines` whose identifier is `id`.
fn indexes_of(lines: &[Vec<u8>], id: &[u8]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| lines[i].starts_with(id))
        .collect()
}

fn correlate(responses: &[&[u8]]) -> Correlation {
    let sub = sample("or2-single.txt");
    let mut book = Correlation::new(&Transmission::parse(&sub).expect("submission"));
    for (i, bytes) in responses.iter().enumerate() {
        let t = Transmission::parse_with(bytes, &ParseOptions::lenient()).expect("response");
        book.add_response(&format!("response-{i}"), &t);
    }
    book
}

/// `so-versions.txt`: one disposition per layout (04 with PGA line 000, THRU, base); each
/// addresses the single OR2 line of `or2-single.txt`, and the latest (07) wins.
#[test]
fn every_so70_layout_addresses_the_line() {
    let so = sample("so-versions.txt");
    let t = Transmission::parse(&so).expect("so-versions parses strictly");
    let mut types = Vec::new();
    t.tree().for_each_record(|r| {
        if r.id() == "SO70" {
            types.push(r.record_type());
        }
    });
    assert_eq!(
        types,
        [RecordType::So70V04, RecordType::So70Thru, RecordType::So70]
    );
    let book = correlate(&[&so]);
    assert!(book.unmatched.is_empty(), "{:?}", book.unmatched);
    let l = book.line(0).expect("the OR2 line");
    let seen: Vec<(Option<&str>, Option<&str>)> = l
        .dispositions()
        .map(|d| (d.variant, d.status_code()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("04"), Some("01")),
            (Some("THRU"), Some("04")),
            (None, Some("07"))
        ]
    );
    assert_eq!(l.status(), Status::MayProceed);
}

/// Version 04: a PGA line `000` in the range means every PGA line of those CBP lines; a
/// range that ends before the line's CBP line does not address it.
#[test]
fn version_04_pga_line_000_covers_every_pga_line() {
    let mut lines = lines_of(&sample("so-versions.txt"));
    let i = indexes_of(&lines, b"SO70")[0];
    assert_eq!(&lines[i][78..80], b"04");
    // Keep only the 04 disposition (with its SO71).
    let keep: Vec<Vec<u8>> = lines
        .iter()
        .enumerate()
        .filter(|(k, r)| !r.starts_with(b"SO7") || *k == i || *k == i + 1)
        .map(|(_, r)| r.clone())
        .collect();
    let book = correlate(&[&join(&keep, b"\n", true)]);
    let l = book.line(0).expect("line");
    assert_eq!(l.dispositions().len(), 1);
    assert_eq!(l.status(), Status::Other("01".into()));

    // Begin = end = CBP line 2, tariff position 1, PGA line 000: not the line (CBP line 1).
    lines = keep;
    let i = indexes_of(&lines, b"SO70")[0];
    lines[i][56..72].copy_from_slice(b"0020100002010000");
    let book = correlate(&[&join(&lines, b"\n", true)]);
    assert_eq!(book.line(0).expect("line").dispositions().len(), 0);
    assert_eq!(book.unmatched.len(), 1);
}

/// `THRU` ranges have no tariff positions: CBP lines 1 THRU 1 address every tariff position
/// of CBP line 1 from the begin PGA line to the end one.
#[test]
fn thru_range_addresses_every_tariff_position_of_its_lines() {
    let lines = lines_of(&sample("so-versions.txt"));
    let i = indexes_of(&lines, b"SO70")[1];
    assert_eq!(&lines[i][62..66], b"THRU");
    let with_range = |range: &[u8; 16]| {
        let mut l: Vec<Vec<u8>> = lines
            .iter()
            .enumerate()
            .filter(|(k, r)| !r.starts_with(b"SO7") || *k == i || *k == i + 1)
            .map(|(_, r)| r.clone())
            .collect();
        let j = indexes_of(&l, b"SO70")[0];
        l[j][56..72].copy_from_slice(range);
        correlate(&[&join(&l, b"\n", true)])
    };
    let book = with_range(b"001001THRU001001");
    assert_eq!(book.line(0).expect("line").status(), Status::DataRejected);
    // PGA lines 2-3 of CBP line 1: not AMS line 1.
    let book = with_range(b"001002THRU001003");
    assert_eq!(book.line(0).expect("line").dispositions().len(), 0);
    // CBP lines 2-5: not CBP line 1.
    let book = with_range(b"002001THRU005001");
    assert_eq!(book.line(0).expect("line").dispositions().len(), 0);
}

/// The cases of issue 10: one `SO70` with letters in a line number, `02/30`, time `2561` or
/// a blank version with the THRU layout. The response parses strictly (warnings only),
/// every other disposition still counts, and `ace-pga status` prints them and exits 0.
#[test]
fn one_odd_so70_does_not_cost_the_other_dispositions() {
    let lines = lines_of(&sample("so-versions.txt"));
    let base = *indexes_of(&lines, b"SO70").last().expect("base SO70");
    let edits: [(&str, usize, &[u8]); 4] = [
        ("letters in a CBP line number", 56, b"00A1"),
        ("an impossible date 02/30", 10, b"023026"),
        ("an impossible time 2561", 16, b"2561"),
        ("letters in a THRU range", 56, b"0A1001THRU002001"),
    ];
    for (what, col, bytes) in edits {
        let mut l = lines.clone();
        let mut odd = l[base].clone();
        odd[col..col + bytes.len()].copy_from_slice(bytes);
        if what.contains("THRU") {
            odd[78..80].copy_from_slice(b"  ");
        }
        l.insert(base, odd);
        let input = join(&l, b"\n", true);
        let t = Transmission::parse(&input)
            .unwrap_or_else(|e| panic!("{what}: a response is never refused: {e}"));
        assert!(
            t.problems().iter().all(|p| p.severity == Severity::Warning),
            "{what}: {:?}",
            t.problems()
        );
        assert!(
            !t.problems().is_empty(),
            "{what}: the odd field is reported"
        );
        let book = correlate(&[&input]);
        let l0 = book.line(0).expect("line");
        assert!(
            l0.dispositions().len() >= 3,
            "{what}: the other dispositions still count: {}",
            l0.dispositions().len()
        );

        let dir =
            std::env::temp_dir().join(format!("ace-pga-responses-{}-{}", std::process::id(), col));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("so.txt");
        std::fs::write(&path, &input).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
            .arg("status")
            .arg(common::repo_path("spec-samples/valid/or2-single.txt"))
            .arg(&path)
            .output()
            .expect("run ace-pga");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{what}: {stdout}");
        assert!(stdout.contains("07 MAY PROCEED"), "{what}: {stdout}");
        assert!(
            stdout.contains("01 DATA UNDER PGA REVIEW"),
            "{what}: {stdout}"
        );
        for cmd in ["dump", "decode"] {
            let out = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
                .arg(cmd)
                .arg(&path)
                .output()
                .expect("run ace-pga");
            assert_eq!(out.status.code(), Some(0), "{what}: {cmd}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// SE90 narrative is 10–49 (SPEC 7.1, revision 6.1): text in 50–80 of a response is kept
/// (the record round-trips) and is the warning F-006; a byte outside the CBP set or an unknown
/// message type is a warning too.
#[test]
fn se90_text_after_column_49_is_kept_with_a_warning() {
    let mut lines = lines_of(&sample("sx-response.txt"));
    let i = indexes_of(&lines, b"SE90")[0];
    lines[i][55..65].copy_from_slice(b"EXTRA TEXT");
    lines[i][4..6].copy_from_slice(b"99");
    lines[i][30] = 0xC9;
    let input = join(&lines, b"\n", true);
    let t = Transmission::parse(&input).expect("a response is never refused");
    assert_eq!(t.to_bytes(), input, "the record round-trips");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 18).expect("date");
    let report = ace_pga::validate::check_bytes(
        &input,
        &ParseOptions::strict(),
        &ace_pga::validate::ValidateOptions::new(as_of),
    );
    let line = u32::try_from(i + 1).expect("line");
    type Seen<'r> = (&'r str, Severity, Option<(u8, u8)>);
    let at: Vec<Seen<'_>> = report
        .findings
        .iter()
        .filter(|f| f.location.line == Some(line))
        .map(|f| (f.rule.as_str(), f.severity, f.location.columns))
        .collect();
    assert!(
        at.contains(&("F-006", Severity::Warning, Some((50, 80)))),
        "{at:?}"
    );
    assert!(
        at.contains(&("F-012", Severity::Warning, Some((5, 6)))),
        "{at:?}"
    );
    assert!(
        at.contains(&("F-002", Severity::Warning, Some((31, 31)))),
        "{at:?}"
    );
    assert!(at.iter().all(|(_, s, _)| *s == Severity::Warning), "{at:?}");
    // The narrative is 10-49: the text after it is not part of it.
    let mut narrative = None;
    t.tree().for_each_record(|r| {
        if let Some(v) = r.view::<ace_pga::records::Se90>() {
            narrative = narrative.or(Some(v.narrative()));
        }
    });
    assert_eq!(narrative, Some(None), "a non-ASCII narrative does not type");
}

/// `encode` builds an `SO70` by its `variant` and refuses fields that would read back with
/// another layout (the line numbers would change): variant `04` with version `01`, a base
/// record with version `04`, `THRU` without the literal `THRU`.
#[test]
fn encode_refuses_a_variant_that_contradicts_the_record() {
    use ace_pga::OwnedRecord;
    let so = sample("so-versions.txt");
    let t = Transmission::parse(&so).expect("parses");
    let mut owned = Vec::new();
    t.tree().for_each_record(|r| {
        if r.id() == "SO70" {
            owned.push(OwnedRecord::from_record(r));
        }
    });
    let [v04, thru, base] = <[OwnedRecord; 3]>::try_from(owned).expect("three SO70");
    assert_eq!(
        (
            v04.variant.as_deref(),
            thru.variant.as_deref(),
            base.variant.as_deref()
        ),
        (Some("04"), Some("THRU"), None)
    );
    for r in [&v04, &thru, &base] {
        assert_eq!(r.to_bytes().expect("encodes").len(), 80);
    }
    let set = |r: &OwnedRecord, field: &str, value: &str| {
        let mut r = r.clone();
        r.fields
            .as_mut()
            .expect("fields")
            .insert(field.into(), Some(value.into()));
        r
    };
    let mut wrong = base.clone();
    wrong.variant = Some("04".into());
    let cases = [
        ("variant 04 on a version-01 record", wrong),
        (
            "variant 04 with version 01",
            set(&v04, "processing_group_version", "01"),
        ),
        (
            "base layout with version 04",
            set(&base, "processing_group_version", "04"),
        ),
        ("THRU without THRU", set(&thru, "range_indicator", "TO")),
    ];
    for (what, r) in cases {
        let e = r.to_bytes().expect_err(what);
        let msg = e.to_string();
        assert!(msg.contains("variant"), "{what}: {msg}");
        assert!(
            msg.contains("line") && msg.contains("SO70"),
            "{what}: {msg}"
        );
    }
    let mut unknown = base;
    unknown.variant = Some("05".into());
    assert!(unknown.to_bytes().is_err(), "variant 05 names no layout");
}

// ---------------------------------------------------------------------------------------
// Follow-up of the hostile and fresh-user trials: CBP's answers on the command line
// ---------------------------------------------------------------------------------------

/// A new file in the temp directory (unique per call).
fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!(
        "ace-pga-responses-{}-{n}-{name}",
        std::process::id()
    ));
    std::fs::write(&p, content).expect("write temp file");
    p
}

/// Runs `ace-pga` with these arguments.
fn ace<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .args(args)
        .output()
        .expect("run ace-pga")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Sets the application identifier of every A and B record (positions from the layout
/// table).
fn with_application(lines: &[Vec<u8>], app: &[u8; 2]) -> Vec<Vec<u8>> {
    use ace_pga::records::{BatchHeader, BlockHeader};
    let field = |f: &ace_pga::layout::FieldDef| (usize::from(f.start) - 1, usize::from(f.end));
    lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            let at = match l.first() {
                Some(b'A') => Some(field(BatchHeader::APPLICATION_ID)),
                Some(b'B') => Some(field(BlockHeader::APPLICATION_ID)),
                _ => None,
            };
            if let Some((s, e)) = at {
                if l.len() >= e {
                    l[s..e].copy_from_slice(app);
                }
            }
            l
        })
        .collect()
}

/// Record-level problems of a CBP answer (a short host record, a blank or garbage line, a
/// short A, an SO70 cut to 3 bytes) are warnings for `decode` and `dump` as for `status`
/// (SPEC 7.2): exit 0, every record shown, nothing reported as an error. The same problem
/// in a submission is still an error (exit 1).
#[test]
fn decode_and_dump_read_a_response_with_record_level_problems() {
    let so = lines_of(&sample("so-status.txt"));
    let so10 = indexes_of(&so, b"SO10")[0];
    let a = indexes_of(&so, b"A")[0];
    let cases: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("a 60-byte SO10", {
            let mut l = so.clone();
            l[so10].truncate(60);
            l
        }),
        ("a blank line", {
            let mut l = so.clone();
            l.insert(so10 + 1, Vec::new());
            l
        }),
        ("a 40-byte A", {
            let mut l = so.clone();
            l[a].truncate(40);
            l
        }),
        ("a garbage line", {
            let mut l = so.clone();
            l.insert(so10 + 1, b"#### garbage ####".to_vec());
            l
        }),
        ("an SO70 cut to 3 bytes", {
            let mut l = so.clone();
            l.insert(so10 + 1, b"SO7".to_vec());
            l
        }),
    ];
    for (what, lines) in cases {
        for app in [b"SO", b"UC", b"C1", b"SX"] {
            let input = join(&with_application(&lines, app), b"\n", true);
            let t = Transmission::parse_with(&input, &ParseOptions::strict()).expect("parses");
            assert!(ace_pga::response::is_response(&t), "{what}");
            let path = temp_file("response.txt", &input);
            let dump = ace(&[std::ffi::OsStr::new("dump"), path.as_os_str()]);
            let err = text(&dump.stderr);
            assert_eq!(dump.status.code(), Some(0), "{what}: dump: {err}");
            assert!(err.contains("warning[F-001]"), "{what}: {err}");
            assert!(!err.contains("error"), "{what}: {err}");
            let out = text(&dump.stdout);
            let records: Vec<serde_json::Value> = out
                .lines()
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect();
            assert_eq!(records.len(), lines.len(), "{what}: every record dumped");
            let so70 = records.iter().filter(|r| r["record"] == "SO70").count();
            assert_eq!(so70, 2, "{what}: both dispositions dumped");

            let decode = ace(&[std::ffi::OsStr::new("decode"), path.as_os_str()]);
            let err = text(&decode.stderr);
            assert_eq!(decode.status.code(), Some(0), "{what}: decode: {err}");
            assert!(err.contains("warning[F-001]"), "{what}: {err}");
            assert!(!err.contains("error"), "{what}: {err}");
            let doc: serde_json::Value = serde_json::from_slice(&decode.stdout).expect("JSON");
            assert_eq!(
                doc.to_string().matches("\"record\":\"SO70\"").count(),
                2,
                "{what}: both dispositions decoded"
            );
            let _ = std::fs::remove_file(path);
        }
        // The same damage in an input that is not a response (application SE) is an error.
        let input = join(&with_application(&lines, b"SE"), b"\n", true);
        let path = temp_file("submission.txt", &input);
        for cmd in ["dump", "decode"] {
            let o = ace(&[std::ffi::OsStr::new(cmd), path.as_os_str()]);
            assert_eq!(o.status.code(), Some(1), "{what}: {cmd} of an SE input");
            assert!(text(&o.stderr).contains("error[F-001]"), "{what}: {cmd}");
        }
        let _ = std::fs::remove_file(path);
    }
}

/// Whole-input problems still fail for a response: empty input (F-020) and input that is
/// not a CATAIR transmission (F-023).
#[test]
fn a_response_fails_only_for_whole_input_problems() {
    for (what, input, rule) in [
        ("empty", Vec::new(), "F-020"),
        ("JSON", b"{\"framing\": {}}\n".to_vec(), "F-023"),
    ] {
        let path = temp_file("whole.txt", &input);
        for cmd in ["dump", "decode"] {
            let o = ace(&[std::ffi::OsStr::new(cmd), path.as_os_str()]);
            assert_eq!(o.status.code(), Some(1), "{what}: {cmd}");
            assert!(text(&o.stderr).contains(rule), "{what}: {cmd}");
        }
        let _ = std::fs::remove_file(path);
    }
}

/// `status` with one unusable response file (empty: F-020; not CATAIR: F-023) reports it on
/// standard error, skips it, prints the status from the other responses and exits 1 at the
/// end; an unreadable file exits 2. A submission that cannot be read is still fatal.
#[test]
fn status_skips_an_unusable_response_and_keeps_the_others() {
    let sub = common::repo_path("spec-samples/valid/or2-single.txt");
    let sx = common::repo_path("spec-samples/valid/sx-response.txt");
    let so = common::repo_path("spec-samples/valid/so-status.txt");
    let empty = temp_file("empty.txt", b"");
    let json = temp_file("json.txt", b"{\"framing\": {\"terminator\": \"lf\"}}\n");
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .args([&sub, &sx, &empty, &json, &so])
        .output()
        .expect("run");
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(out.contains(": 07 may proceed"), "{out}");
    assert!(out.contains("cargo release  02"), "{out}");
    assert!(out.contains("10 DOCUMENT REQUIRED"), "{out}");
    for (file, rule) in [(&empty, "F-020"), (&json, "F-023")] {
        let name = file.display().to_string();
        assert!(
            err.lines()
                .any(|l| l.starts_with(&name) && l.contains(rule)),
            "{name}: {rule}: {err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with(&name) && l.contains("skipped")),
            "{name}: {err}"
        );
    }

    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .args(["status", "--format", "json"])
        .args([&sub, &empty, &so])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["lines"][0]["status"], "may_proceed");
    assert_eq!(v["responses"].as_array().map(Vec::len), Some(1));
    let skipped = v["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["file"], empty.display().to_string());
    assert!(skipped[0]["problem"]
        .as_str()
        .is_some_and(|p| p.contains("F-020")));

    let missing = std::env::temp_dir().join("ace-pga-responses-no-such-file.txt");
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .args([&sub, &missing, &so])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains(": 07 may proceed"));

    // Every response clean: exit 0, no `skipped` key.
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .args(["status", "--format", "json"])
        .args([&sub, &sx, &so])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v.get("skipped").is_none());

    // The submission itself failing is fatal: nothing printed on standard output.
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .args([&empty, &so])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).contains("F-020"));
    let _ = std::fs::remove_file(empty);
    let _ = std::fs::remove_file(json);
}

/// An `SO71`/`SO72` with no `SO70` before it and a lower-case `so70` address nothing:
/// the correlation lists them (`ResponseSummary::ignored`) and `status` warns, naming the
/// line and the record; the status is unchanged.
#[test]
fn status_warns_about_records_that_address_nothing() {
    let so = lines_of(&sample("so-status.txt"));
    let first = indexes_of(&so, b"SO70")[0];
    // The first disposition's SO70 removed: its SO71 and SO72 follow the SO10 directly.
    let mut orphan = so.clone();
    orphan.remove(first);
    // The second disposition's SO70 in lower case.
    let mut lower = so.clone();
    let second = indexes_of(&lower, b"SO70")[1];
    lower[second][..2].copy_from_slice(b"so");
    let (orphan, lower) = (join(&orphan, b"\n", true), join(&lower, b"\n", true));

    let book = correlate(&[&orphan, &lower]);
    let seen: Vec<Vec<(u32, String)>> = book
        .responses
        .iter()
        .map(|r| {
            r.ignored
                .iter()
                .map(|i| (i.source.line, i.record.clone()))
                .collect()
        })
        .collect();
    let line = |i: usize| u32::try_from(i + 1).expect("line");
    assert_eq!(
        seen,
        [
            vec![
                (line(first), "SO71".into()),
                (line(first + 1), "SO72".into())
            ],
            // The lower-case record is no SO70: its SO71 and SO72 follow none.
            vec![
                (line(second), "so70".into()),
                (line(second + 1), "SO71".into()),
                (line(second + 2), "SO72".into())
            ],
        ]
    );
    // The SO70 left in each response still counts (07 from the first, 10 from the second).
    let l = book.line(0).expect("line");
    assert_eq!(l.dispositions().len(), 2);

    let (a, b) = (
        temp_file("orphan.txt", &orphan),
        temp_file("lower.txt", &lower),
    );
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .arg(common::repo_path("spec-samples/valid/or2-single.txt"))
        .args([&a, &b])
        .output()
        .expect("run");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for (file, l, record) in [
        (&a, line(first), "SO71"),
        (&a, line(first + 1), "SO72"),
        (&b, line(second), "so70"),
    ] {
        let want = format!("{}: warning: line {l}, record {record}: ", file.display());
        assert!(
            err.lines()
                .any(|e| e.starts_with(&want) && e.contains("addresses nothing")),
            "{want}: {err}"
        );
    }
    // A clean response gives no such warning.
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .arg(common::repo_path("spec-samples/valid/or2-single.txt"))
        .arg(common::repo_path("spec-samples/valid/so-status.txt"))
        .output()
        .expect("run");
    assert!(!text(&o.stderr).contains("addresses nothing"));
    let _ = std::fs::remove_file(a);
    let _ = std::fs::remove_file(b);
}

/// The status of a line whose latest code is not 04, 07 or 10 is shown with the code's
/// meaning from `codes/so70-status-codes.csv`, or as an unknown status code.
#[test]
fn other_status_codes_are_shown_with_their_meaning() {
    assert_eq!(
        Status::Other("01".into()).to_string(),
        "01 data under PGA review"
    );
    assert_eq!(Status::Other("02".into()).to_string(), "02 hold intact");
    assert_eq!(
        Status::Other("0".into()).to_string(),
        "0 (unknown status code)"
    );
    assert_eq!(
        Status::Other("99".into()).to_string(),
        "99 (unknown status code)"
    );
    assert!(!Status::Other(String::new()).to_string().contains("()"));

    // On the command line: the latest disposition says 01 (line status code, bytes from the
    // layout table).
    let mut so = lines_of(&sample("so-status.txt"));
    let last = *indexes_of(&so, b"SO70").last().expect("SO70");
    let f = ace_pga::records::So70::PGA_LINE_STATUS_CODE;
    so[last][usize::from(f.start) - 1..usize::from(f.end)].copy_from_slice(b"01");
    let e = RecordType::So70
        .layout()
        .and_then(|l| l.field("entry_status_code"))
        .expect("field");
    so[last][usize::from(e.start) - 1..usize::from(e.end)].copy_from_slice(b"01");
    let path = temp_file("so-01.txt", &join(&so, b"\n", true));
    let o = Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .arg("status")
        .arg(common::repo_path("spec-samples/valid/or2-single.txt"))
        .arg(&path)
        .output()
        .expect("run");
    let out = text(&o.stdout);
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.ends_with(": 01 data under PGA review")),
        "{out}"
    );
    assert!(!out.contains("(disposition)"), "{out}");
    let _ = std::fs::remove_file(path);
}

/// The dump hides nothing: a record whose bytes its fields do not rebuild (an `SE90` with
/// text in 50–80, F-006; a lenient `  1` number) carries `raw` beside `fields`, as in the
/// decode JSON; a valid record has `fields` only. Library: `DumpContent::FieldsAndRaw`.
#[test]
fn dump_carries_raw_when_the_fields_do_not_rebuild_the_record() {
    use ace_pga::write::dump::{dump_record, DumpContent};
    // An SE90 of an SX response with text after its narrative (10-49).
    let mut sx = lines_of(&sample("sx-response.txt"));
    let se90 = indexes_of(&sx, b"SE90")[0];
    sx[se90][55..74].copy_from_slice(b"MORE TEXT IN FILLER");
    let sx = join(&sx, b"\n", true);
    // A space-padded N value (`  1`) in the PG01 of a submission, read with --lenient.
    let mut sub = lines_of(&sample("or2-single.txt"));
    let pg01 = indexes_of(&sub, b"PG01")[0];
    let f = RecordType::Pg01
        .layout()
        .and_then(|l| l.field("pga_line_number"))
        .expect("field");
    sub[pg01][usize::from(f.start) - 1..usize::from(f.end)].copy_from_slice(b"  1");
    let sub = join(&sub, b"\n", true);

    for (what, input, line, lenient) in [
        ("SE90 text in 50-80", &sx, se90 + 1, false),
        ("PG01 `  1`", &sub, pg01 + 1, true),
    ] {
        let original = lines_of(input)[line - 1].clone();
        let opts = if lenient {
            ParseOptions::lenient()
        } else {
            ParseOptions::strict()
        };
        let t = Transmission::parse_with(input, &opts).expect("parses");
        let mut contents = Vec::new();
        t.tree()
            .for_each_record(|r| contents.push((r.line(), dump_record(r).content)));
        for (l, c) in &contents {
            let with_raw = matches!(c, DumpContent::FieldsAndRaw(..));
            assert_eq!(with_raw, *l as usize == line, "{what}: line {l}: {c:?}");
        }

        let path = temp_file("dump-raw.txt", input);
        let mut args = vec![std::ffi::OsStr::new("dump")];
        if lenient {
            args.push(std::ffi::OsStr::new("--lenient"));
        }
        args.push(path.as_os_str());
        let o = ace(&args);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", text(&o.stderr));
        let dumped: Vec<serde_json::Value> = text(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        let rec = &dumped[line - 1];
        assert!(rec["fields"].is_object(), "{what}: {rec}");
        let raw: Vec<u8> = rec["raw"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no raw: {rec}"))
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("latin1"))
            .collect();
        assert_eq!(raw, original, "{what}");
        // Every other record with a layout: fields only.
        for (i, r) in dumped.iter().enumerate() {
            if i + 1 != line && r["fields"].is_object() {
                assert!(r.get("raw").is_none(), "{what}: line {}: {r}", i + 1);
            }
        }
        // The decode JSON keeps raw on the same records.
        args[0] = std::ffi::OsStr::new("decode");
        let o = ace(&args);
        let doc = text(&o.stdout);
        let with_raw: Vec<serde_json::Value> = {
            let v: serde_json::Value = serde_json::from_str(&doc).expect("JSON");
            let mut out = Vec::new();
            fn walk(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
                match v {
                    serde_json::Value::Object(m) => {
                        if m.contains_key("fields") && m.contains_key("raw") {
                            out.push(m["line"].clone());
                        }
                        m.values().for_each(|x| walk(x, out));
                    }
                    serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                    _ => {}
                }
            }
            walk(&v["batches"], &mut out);
            out
        };
        assert_eq!(with_raw, [serde_json::Value::from(line)], "{what}");
        let _ = std::fs::remove_file(path);
    }
}

/// The flat entry points (`Correlation::with_limits_flat`, `add_flat_response`, what
/// `ace-pga status` uses) build the correlation the `Transmission` ones build: every valid
/// sample as the submission, every valid sample as a response (the CBP answers among them
/// match lines).
#[test]
fn flat_entry_points_build_the_same_correlation() {
    use ace_pga::response::Limits;
    use ace_pga::FlatTree;
    let dir = common::repo_path("spec-samples/valid");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let inputs: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("sample")))
        .collect();
    let lenient = ParseOptions::lenient();
    let mut matched = 0;
    for (_, sub) in &inputs {
        let t = Transmission::parse_with(sub, &lenient).expect("submission");
        let f = FlatTree::parse_with(sub, &lenient).expect("submission");
        let mut nested = Correlation::new(&t);
        let mut flat = Correlation::with_limits_flat(&f, Limits::default());
        assert_eq!(nested, flat);
        for (name, bytes) in &inputs {
            let t = Transmission::parse_with(bytes, &lenient).expect("response");
            let f = FlatTree::parse_with(bytes, &lenient).expect("response");
            let a = nested.add_response(name, &t);
            let b = flat.add_flat_response(name, &f);
            assert_eq!(a, b, "{name}");
            matched += a.conditions_matched + a.dispositions_matched;
        }
        assert_eq!(nested, flat);
    }
    assert!(matched > 20, "the responses match lines ({matched})");
}
