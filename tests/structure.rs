//! The structure of a transmission and the checks revision 6.2 of the specification changed:
//! the character set (SPEC 2.3), impossible times, `PG00` groups, orphans, shared PGA data
//! (SPEC 4), the group rules S-022 to S-024, envelope fillers (E-009), the Entry Summary anchor
//! and line numbering; each with a regression test on an input the test builds itself from the
//! repository's samples.
//!
//! Records are located by their identifier at run time (the n-th `PG14`, the first `SE40` …),
//! never by a line number of a shipped sample, and field positions come from the layout table
//! (`RecordType::layout`), so the tests hold when the samples gain records (6.2 adds an `SE13`
//! to every transaction).

mod common;

use ace_pga::layout::FieldDef;
use ace_pga::tree::{Item, PgaItem};
use ace_pga::validate::{check_bytes, retired, rule, Finding, Report, ValidateOptions, RULES};
use ace_pga::RuleId;
use ace_pga::{NaiveDate, ParseOptions, RecordType, Severity, Transmission};

use common::{lines_of, read_repo, record80};

// ---------------------------------------------------------------------------------------
// Inputs: sample records edited by record id and field name.

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The records of a valid sample, without terminators.
fn sample(name: &str) -> Vec<Vec<u8>> {
    let lines = lines_of(&read_repo(&format!("spec-samples/valid/{name}.txt")));
    assert!(
        lines.iter().all(|l| l.len() == 80),
        "{name}: 80-byte records"
    );
    lines
}

/// Whether record `l` has identifier `id` (`PG14`, `OI`, `SE40`, `50`, `A` …).
fn is(l: &[u8], id: &str) -> bool {
    // Envelope records have a 1-byte identifier, Entry Summary records a 2-digit one (SPEC
    // 2.1): both are a prefix of the record, like the 4-byte ones.
    l.starts_with(id.as_bytes())
}

/// 0-based index of the `nth` (1-based) record with identifier `id`.
fn find(lines: &[Vec<u8>], id: &str, nth: usize) -> usize {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is(l, id))
        .nth(nth - 1)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no {id} number {nth}"))
}

/// 0-based index of the last record with identifier `id`.
fn find_last(lines: &[Vec<u8>], id: &str) -> usize {
    lines
        .iter()
        .rposition(|l| is(l, id))
        .unwrap_or_else(|| panic!("no {id}"))
}

/// A copy of the `nth` record `id` of a sample.
fn rec_of(name: &str, id: &str, nth: usize) -> Vec<u8> {
    let lines = sample(name);
    lines[find(&lines, id, nth)].clone()
}

fn field(record: &str, name: &str) -> &'static FieldDef {
    RecordType::from_id(record)
        .and_then(|t| t.layout())
        .and_then(|l| l.field(name))
        .unwrap_or_else(|| panic!("no field {record}.{name}"))
}

/// Writes `value` left-justified into the field `name` of `line` (a record `record`).
fn set(line: &mut [u8], record: &str, name: &str, value: &str) {
    let f = field(record, name);
    let (s, e) = (usize::from(f.start) - 1, usize::from(f.end));
    assert!(value.len() <= e - s, "{value:?} wider than {record}.{name}");
    let mut v = value.as_bytes().to_vec();
    v.resize(e - s, b' ');
    line[s..e].copy_from_slice(&v);
}

/// A record `text` padded to 80 bytes with field `name` set.
fn with(mut line: Vec<u8>, record: &str, name: &str, value: &str) -> Vec<u8> {
    set(&mut line, record, name, value);
    line
}

fn cols(record: &str, name: &str) -> Option<(u8, u8)> {
    let f = field(record, name);
    Some((f.start, f.end))
}

/// The filler row of `record` that holds byte `col`.
fn filler(record: &str, col: u8) -> Option<(u8, u8)> {
    RecordType::from_id(record)
        .and_then(|t| t.layout())
        .and_then(|l| {
            l.fillers
                .iter()
                .map(|f| (f.start, f.end))
                .find(|&(s, e)| s <= col && col <= e)
        })
}

fn bytes(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn report_on(lines: &[Vec<u8>], as_of: &str) -> Report {
    check_bytes(
        &bytes(lines),
        &ParseOptions::strict(),
        &ValidateOptions::new(date(as_of)),
    )
}

fn report(lines: &[Vec<u8>]) -> Report {
    report_on(lines, "2026-03-16")
}

fn of<'r>(r: &'r Report, rule: &str) -> Vec<&'r Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

fn show(r: &Report) -> String {
    r.findings.iter().map(|f| format!("  {f}\n")).collect()
}

/// 1-based line of a 0-based index.
fn line(i: usize) -> Option<u32> {
    Some(i as u32 + 1)
}

/// Asserts exactly one finding of `rule`, with this severity, line and columns.
fn assert_one(r: &Report, rule: &str, sev: Severity, at: usize, columns: Option<(u8, u8)>) {
    let f = of(r, rule);
    assert_eq!(f.len(), 1, "one {rule} expected:\n{}", show(r));
    assert_eq!(
        (f[0].severity, f[0].location.line, f[0].location.columns),
        (sev, line(at), columns),
        "{rule}:\n{}",
        show(r)
    );
}

fn assert_none(r: &Report, rule: &str) {
    assert!(of(r, rule).is_empty(), "{rule} must not fire:\n{}", show(r));
}

fn assert_no_errors(r: &Report) {
    assert!(!r.has_errors(), "no error expected:\n{}", show(r));
}

// ---------------------------------------------------------------------------------------
// a. `*` and `\` are allowed (SPEC 2.3); F-004 is retired.

#[test]
fn star_and_backslash_are_allowed_and_f004_is_retired() {
    let mut l = sample("or2-single");
    let oi = find(&l, "OI", 1);
    set(
        &mut l[oi],
        "OI",
        "commercial_description",
        r"MANGOES *KENT* 4\5 KG",
    );
    let r = report(&l);
    assert_no_errors(&r);
    for id in ["F-002", "F-003", "F-004", "F-005", "F-008", "F-009"] {
        assert_none(&r, id);
    }
    // The value reads back as sent, and the serializer accepts both bytes.
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    assert_eq!(t.to_bytes(), input);
    let oi_field = field("OI", "commercial_description");
    let built = ace_pga::layout::build_record(RecordType::Oi.layout().expect("OI layout"), |f| {
        (f.name == oi_field.name).then_some(r"A*B\C")
    })
    .expect("`*` and `\\` are in the CBP set");
    assert!(built.windows(5).any(|w| w == br"A*B\C"));
    // Retired: not in the catalogue, never fires, the reason is known; the id is not reused.
    assert!(rule("F-004").is_none());
    assert!(RULES.iter().all(|r| r.id != "F-004"));
    assert!(retired("F-004").is_some_and(|w| w.contains("6.2")));
    assert!(retired("F-005").is_none());
    // The bytes still refused: lower case (F-005), control (F-003), non-ASCII (F-002).
    let mut bad = sample("or2-single");
    let oi = find(&bad, "OI", 1);
    let start = usize::from(oi_field.start) - 1;
    bad[oi][start] = b'a';
    bad[oi][start + 1] = 0x7F;
    bad[oi][start + 2] = 0xC9;
    let r = report(&bad);
    let rules: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.location.columns.is_some_and(|(s, e)| s == e))
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(rules, ["F-005", "F-003", "F-002"], "{}", show(&r));
}

// ---------------------------------------------------------------------------------------
// b. PG30 time `0000` is the warning F-014 (SPEC 2.6); other impossible times are errors.

#[test]
fn pg30_time_0000_is_a_warning_other_impossible_times_errors() {
    let base = sample("multi-agency");
    let pg30 = find(&base, "PG30", 1);
    let time = cols("PG30", "inspection_arrival_time");
    for (t, want) in [
        ("0000", Some(Severity::Warning)),
        ("2401", Some(Severity::Error)),
        ("1260", Some(Severity::Error)),
        ("9999", Some(Severity::Error)),
        ("0001", None),
        ("2400", None),
        ("1259", None),
    ] {
        let mut l = base.clone();
        set(&mut l[pg30], "PG30", "inspection_arrival_time", t);
        let r = report(&l);
        match want {
            Some(sev) => assert_one(&r, "F-014", sev, pg30, time),
            None => assert_none(&r, "F-014"),
        }
        if want != Some(Severity::Error) {
            assert_no_errors(&r);
        }
    }
    // `0000` elsewhere (an SO70 status time) is a real time: no finding.
    let mut so = sample("so-status");
    let so70 = find(&so, "SO70", 1);
    set(&mut so[so70], "SO70", "status_time", "0000");
    assert_none(&report(&so), "F-014");
}

// ---------------------------------------------------------------------------------------
// c. PG00 substitution groups at header and line level (SPEC 4.5).

/// or2-single with a header-level group (PG19/PG20/PG21 of or1-full's first loop) after the
/// last header record before the first `SE40`, and its `PG00 R` in the PGA line.
fn with_header_group() -> (Vec<Vec<u8>>, usize) {
    let mut l = sample("or2-single");
    let at = find(&l, "SE40", 1);
    let group = vec![
        record80(b"PG00S0001"),
        rec_of("or1-full", "PG19", 1),
        rec_of("or1-full", "PG20", 1),
        rec_of("or1-full", "PG21", 1),
        record80(b"PG00E"),
    ];
    for (k, r) in group.into_iter().enumerate() {
        l.insert(at + k, r);
    }
    let pg29 = find(&l, "PG29", 1);
    l.insert(pg29 + 1, record80(b"PG00R0001"));
    (l, at)
}

#[test]
fn header_level_pg00_group_is_a_node_of_the_transaction_not_an_orphan() {
    let (l, at) = with_header_group();
    let r = report(&l);
    for id in ["S-004", "S-005", "S-015", "S-001", "S-021"] {
        assert_none(&r, id);
    }
    assert_no_errors(&r);
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    // Kept in place and in order.
    assert_eq!(t.to_bytes(), input);
    let lines: Vec<u32> = t.records().map(|r| r.line()).collect();
    assert_eq!(lines, (1..=l.len() as u32).collect::<Vec<_>>());
    let tx = t.tree().transactions().next().expect("a transaction");
    let groups: Vec<_> = tx
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Substitution(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 1);
    let g = groups[0];
    assert_eq!(g.start.record.line(), line(at).unwrap());
    let inner: Vec<&str> = g.records.iter().map(|n| n.record.id()).collect();
    assert_eq!(inner, ["PG19", "PG20", "PG21"]);
    assert_eq!(g.end.as_ref().map(|n| n.record.line()), line(at + 4));
    // The OI group still hangs under its SE60 with the PG00 R inside the PGA line.
    let lines: Vec<_> = t.tree().pga_lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].items.iter().any(|i| matches!(
        i,
        PgaItem::Record(n) if n.record.id() == "PG00"
    )));
}

#[cfg(feature = "serde")]
#[test]
fn header_level_pg00_group_round_trips_through_the_owned_form() {
    let (l, _) = with_header_group();
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    let owned = ace_pga::OwnedTransmission::from_transmission(&t);
    let json = serde_json::to_string(&owned).expect("serializes");
    assert!(json.contains("\"item\":\"substitution\""), "{json}");
    let back: ace_pga::OwnedTransmission = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back.to_bytes().expect("encodes"), input);
}

#[test]
fn line_level_pg00_group_before_the_anchor_is_not_an_orphan() {
    let mut l = sample("or2-single");
    let anchor = find(&l, "SE60", 1);
    for (k, r) in [
        record80(b"PG00S0001"),
        rec_of("or1-full", "PG19", 1),
        rec_of("or1-full", "PG20", 1),
        record80(b"PG00E0001"),
    ]
    .into_iter()
    .enumerate()
    {
        l.insert(anchor + k, r);
    }
    let r = report(&l);
    for id in ["S-004", "S-005", "S-015"] {
        assert_none(&r, id);
    }
    assert_no_errors(&r);
    // Between the anchor and its OI it separates the OI from the anchor: S-005 on the OI.
    let mut after = sample("or2-single");
    let oi = find(&after, "OI", 1);
    after.insert(oi, record80(b"PG00S0001"));
    after.insert(oi + 1, rec_of("or1-full", "PG19", 1));
    after.insert(oi + 2, record80(b"PG00E"));
    let r = report(&after);
    assert_none(&r, "S-004");
    assert_one(&r, "S-005", Severity::Error, oi + 3, None);
}

#[test]
fn unterminated_header_group_is_s015_and_keeps_every_record() {
    let mut l = sample("or2-single");
    let at = find(&l, "SE40", 1);
    l.insert(at, record80(b"PG00S0001"));
    l.insert(at + 1, rec_of("or1-full", "PG19", 1));
    let r = report(&l);
    assert_one(&r, "S-015", Severity::Error, at, None);
    assert_none(&r, "S-004");
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    assert_eq!(t.to_bytes(), input);
    // The SE40 after it is a host record again; the OI group is in place.
    assert_eq!(t.tree().pga_lines().count(), 1);
}

#[test]
fn orphans_carry_p03_in_an_oi_group_and_p32_after_a_host_record() {
    // A PG25 between the OI and its PG01: P03.
    let mut l = sample("or2-single");
    let oi = find(&l, "OI", 1);
    l.insert(oi + 1, rec_of("or2-single", "PG25", 1));
    let r = report(&l);
    assert_one(&r, "S-004", Severity::Error, oi + 1, None);
    assert_eq!(of(&r, "S-004")[0].cbp_code, Some("P03"));
    // A PG25 after a host record without OI/PG01: P32.
    let mut l = sample("or2-single");
    let se40 = find(&l, "SE40", 1);
    l.insert(se40 + 1, rec_of("or2-single", "PG25", 1));
    let r = report(&l);
    assert_eq!(of(&r, "S-004").len(), 1, "{}", show(&r));
    assert_eq!(of(&r, "S-004")[0].cbp_code, Some("P32"));
}

// ---------------------------------------------------------------------------------------
// d. Shared PGA data of consecutive PG01s (SPEC 4.1).

/// An FDA PG01 (line 001, no disclaimer) built from the FDA disclaimer of multi-agency.
fn fda_pg01(disclaimer: &str) -> Vec<u8> {
    with(
        rec_of("multi-agency", "PG01", 3),
        "PG01",
        "disclaimer_code",
        disclaimer,
    )
}

#[test]
fn leading_pg01s_share_the_data_set_of_the_last() {
    let mut l = sample("or2-single");
    let pg01 = find(&l, "PG01", 1);
    l.insert(pg01, fda_pg01(""));
    let r = report(&l);
    for id in ["S-021", "S-022", "S-016", "S-012"] {
        assert_none(&r, id);
    }
    assert_no_errors(&r);
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    let (_, g) = t.tree().oi_groups().next().expect("an OI group");
    assert_eq!(g.data_sharing(), [Some(1), None]);
    let data = g.shared_data(0).expect("shares");
    assert_eq!(data.pg01.record.line(), line(pg01 + 1).unwrap());
    // Each keeps its own line number: FDA 001, AMS 001.
    let numbers: Vec<_> = g
        .lines
        .iter()
        .map(|l| match l.pg01.record.body() {
            Some(ace_pga::Body::Pg01(p)) => (p.agency_code, p.pga_line_number),
            _ => (None, None),
        })
        .collect();
    assert_eq!(numbers, [(Some("FDA"), Some(1)), (Some("AMS"), Some(1))]);
}

#[test]
fn an_empty_pg01_shares_nothing_after_a_disclaimer_or_at_the_end() {
    // Last PG01 of the group without data: nothing to share, S-021.
    let mut l = sample("or2-single");
    let pg29 = find(&l, "PG29", 1);
    l.insert(pg29 + 1, fda_pg01(""));
    let r = report(&l);
    assert_one(&r, "S-021", Severity::Warning, pg29 + 1, None);
    // Followed by a disclaimed PG01: no sharing either.
    let mut l = sample("or2-single");
    let pg01 = find(&l, "PG01", 1);
    l.insert(pg01, fda_pg01(""));
    l.insert(
        pg01 + 1,
        with(
            rec_of("multi-agency", "PG01", 3),
            "PG01",
            "agency_code",
            "APH",
        ),
    );
    let r = report(&l);
    assert_one(&r, "S-021", Severity::Warning, pg01, None);
}

#[test]
fn an_or_line_sharing_another_agencys_data_is_judged_on_that_data() {
    // OI, PG01 AMS OR2 (no records), PG01 FDA 001 with the OR2 data set.
    let mut l = sample("or2-single");
    let pg01 = find(&l, "PG01", 1);
    l.insert(pg01 + 1, fda_pg01(""));
    let r = report(&l);
    for id in ["OR-026", "OR-028", "S-021"] {
        assert_none(&r, id);
    }
    assert_no_errors(&r);
    // The shared data set lacks the PG14: OR-026 at the AMS PG01.
    let pg14 = find(&l, "PG14", 1);
    l.remove(pg14);
    let r = report(&l);
    assert_one(&r, "OR-026", Severity::Error, pg01, None);
}

// ---------------------------------------------------------------------------------------
// e. S-022 (P54), S-023 (P35), S-024 (P32).

#[test]
fn s022_line_without_pg02() {
    let mut l = sample("or2-single");
    let pg02 = find(&l, "PG02", 1);
    l.remove(pg02);
    let r = report(&l);
    let pg01 = find(&l, "PG01", 1);
    assert_one(&r, "S-022", Severity::Warning, pg01, None);
    assert_eq!(of(&r, "S-022")[0].cbp_code, Some("P54"));
    assert_none(&report(&sample("or2-single")), "S-022");
    // Configurable: an error when the caller says so.
    let mut opts = ValidateOptions::new(date("2026-03-16"));
    opts.set_level(RuleId::S_022, ace_pga::validate::Level::Error)
        .expect("a rule");
    let r = check_bytes(&bytes(&l), &ParseOptions::strict(), &opts);
    assert_eq!(of(&r, "S-022")[0].severity, Severity::Error);
    // Disclaimed lines and lines sharing a data set carry no PG02 by design.
    let mut shared = sample("or2-single");
    let pg01 = find(&shared, "PG01", 1);
    shared.insert(pg01, fda_pg01(""));
    assert_none(&report(&shared), "S-022");
    assert_none(&report(&sample("multi-agency")), "S-022");
}

#[test]
fn s023_group_immediately_after_pg01() {
    let mut l = sample("or2-single");
    let pg01 = find(&l, "PG01", 1);
    l.insert(pg01 + 1, record80(b"PG50"));
    l.insert(pg01 + 2, rec_of("or2-single", "PG25", 1));
    l.insert(pg01 + 3, record80(b"PG51"));
    let r = report(&l);
    assert_one(&r, "S-023", Severity::Error, pg01 + 1, None);
    assert_eq!(of(&r, "S-023")[0].cbp_code, Some("P35"));
    // One cause, one finding: not also S-014's "no parent".
    assert_none(&r, "S-014");
    // With S-023 switched off, the PG50 still has no parent: S-014.
    let mut opts = ValidateOptions::new(date("2026-03-16"));
    opts.set_level(RuleId::S_023, ace_pga::validate::Level::Off)
        .expect("a rule");
    let r = check_bytes(&bytes(&l), &ParseOptions::strict(), &opts);
    assert_one(&r, "S-014", Severity::Error, pg01 + 1, None);
    // After the PG02 the group is fine.
    let mut ok = sample("or2-single");
    let pg02 = find(&ok, "PG02", 1);
    ok.insert(pg02 + 1, record80(b"PG50"));
    ok.insert(pg02 + 2, rec_of("or2-single", "PG25", 1));
    ok.insert(pg02 + 3, record80(b"PG51"));
    let r = report(&ok);
    assert_none(&r, "S-023");
    assert_none(&r, "S-014");
    assert_none(&r, "S-024");
}

#[test]
fn s024_record_not_allowed_in_a_group() {
    let base = sample("or2-single");
    let pg14 = find(&base, "PG14", 1);
    let group = |inner: Vec<Vec<u8>>| {
        let mut l = base.clone();
        l.insert(pg14 + 1, record80(b"PG50"));
        let n = inner.len();
        for (k, r) in inner.into_iter().enumerate() {
            l.insert(pg14 + 2 + k, r);
        }
        l.insert(pg14 + 2 + n, record80(b"PG51"));
        l
    };
    // Allowed: PG10, PG14, a PG19 loop with PG20 and PG21, PG25, PG29 (chapter p. 67).
    let ok = group(vec![
        rec_of("or1-full", "PG10", 1),
        rec_of("or2-single", "PG14", 1),
        rec_of("or1-full", "PG19", 1),
        rec_of("or1-full", "PG20", 1),
        rec_of("or1-full", "PG21", 1),
        rec_of("or2-single", "PG25", 1),
        rec_of("or2-single", "PG29", 1),
    ]);
    let r = report(&ok);
    assert_none(&r, "S-024");
    assert_none(&r, "S-014");
    // Not allowed: a PG24 and a PG02.
    for (id, rec) in [
        ("PG24", rec_of("or1-full", "PG24", 1)),
        ("PG02", rec_of("or2-single", "PG02", 1)),
    ] {
        let l = group(vec![rec_of("or2-single", "PG25", 1), rec]);
        let r = report(&l);
        assert_one(&r, "S-024", Severity::Error, pg14 + 3, None);
        assert_eq!(of(&r, "S-024")[0].location.record.as_deref(), Some(id));
        assert_eq!(of(&r, "S-024")[0].cbp_code, Some("P32"));
    }
}

// ---------------------------------------------------------------------------------------
// f. E-009: every envelope filler is fatal except `B`/`Y` 2–3 holding `00` / `01`.

fn envelope_index(l: &[Vec<u8>], id: &str) -> usize {
    match id {
        "A" | "B" => find(l, id, 1),
        _ => find_last(l, id),
    }
}

#[test]
fn e009_every_envelope_filler_is_fatal_but_legacy_block_bytes() {
    let base = sample("or2-single");
    let cases: &[(&str, u8, &[u8], Option<Severity>)] = &[
        ("A", 21, b"X", Some(Severity::Error)),
        ("A", 23, b"X", Some(Severity::Error)),
        ("B", 2, b"01", Some(Severity::Warning)),
        ("B", 2, b"00", Some(Severity::Warning)),
        ("B", 2, b"02", Some(Severity::Error)),
        ("B", 2, b"1 ", Some(Severity::Error)),
        ("Y", 2, b"00", Some(Severity::Warning)),
        ("B", 13, b"STMT", Some(Severity::Error)),
        ("Y", 47, b"X", Some(Severity::Error)),
        ("Z", 9, b"PW4821", Some(Severity::Error)),
        ("Z", 80, b"X", Some(Severity::Error)),
    ];
    for &(id, col, text, want) in cases {
        let mut l = base.clone();
        let i = envelope_index(&l, id);
        let c = usize::from(col) - 1;
        l[i][c..c + text.len()].copy_from_slice(text);
        let r = report(&l);
        match want {
            Some(sev) => assert_one(&r, "E-009", sev, i, filler(id, col)),
            None => assert_none(&r, "E-009"),
        }
    }
    assert_none(&report(&base), "E-009");
}

#[test]
fn e009_cbp_output_statement_data_count_and_record_indicator_are_no_finding() {
    // or2-single as a CBP response block (application SX).
    let mut base = sample("or2-single");
    for id in ["A", "B", "Y"] {
        let i = envelope_index(&base, id);
        set(&mut base[i], id, "application_id", "SX");
    }
    let y = envelope_index(&base, "Y");
    let count = (y - find(&base, "B", 1) - 1).to_string();
    set(&mut base[y], "Y", "record_count", &format!("{count:0>5}"));
    assert_none(&report(&base), "E-009");
    let cases: &[(&str, u8, &[u8], Option<Severity>)] = &[
        ("B", 13, b"D", None),
        ("Y", 80, b"E", None),
        ("Z", 80, b"E", None),
        ("Y", 47, b"X", Some(Severity::Error)),
        ("A", 40, b"X", Some(Severity::Error)),
    ];
    for &(id, col, text, want) in cases {
        let mut l = base.clone();
        let i = envelope_index(&l, id);
        let c = usize::from(col) - 1;
        l[i][c..c + text.len()].copy_from_slice(text);
        let r = report(&l);
        match want {
            Some(sev) => assert_one(&r, "E-009", sev, i, filler(id, col)),
            None => assert_none(&r, "E-009"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// g. E-007: SE60/SE61 after a `50` in an AE block belong there (SPEC 3.3).

#[test]
fn se60_se61_after_a_50_belong_to_the_entry_summary() {
    let mut l = sample("entry-summary-ae");
    let fifty = find(&l, "50", 1);
    let se60 = rec_of("or2-single", "SE60", 1);
    l.insert(fifty + 1, se60.clone());
    l.insert(fifty + 2, record80(b"SE61"));
    let r = report(&l);
    for id in ["E-007", "S-005", "S-004", "S-001"] {
        assert_none(&r, id);
    }
    assert_no_errors(&r);
    let input = bytes(&l);
    let t = Transmission::parse(&input).expect("parses");
    assert_eq!(t.to_bytes(), input);
    let (anchor, _) = t.tree().oi_groups().next().expect("an OI group");
    assert_eq!(anchor.map(|a| a.record.id()), Some("50"));
    let tx = t.tree().transactions().next().expect("a transaction");
    let subs: Vec<&str> = tx
        .items
        .iter()
        .find_map(|i| match i {
            Item::Anchor(a) => Some(a.sub_records.iter().map(|n| n.record.id()).collect()),
            _ => None,
        })
        .expect("the 50 anchor");
    assert_eq!(subs, ["SE60", "SE61"]);
    // Elsewhere in an AE block an SE60 is still foreign (E-007), and so is an SE10.
    let mut l = sample("entry-summary-ae");
    let s51 = find(&l, "51", 1);
    l.insert(s51 + 1, se60);
    let r = report(&l);
    assert_one(&r, "E-007", Severity::Error, s51 + 1, None);
    let mut l = sample("entry-summary-ae");
    let fifty = find(&l, "50", 1);
    l.insert(fifty + 1, rec_of("or2-single", "SE10", 1));
    assert!(!of(&report(&l), "E-007").is_empty());
}

// ---------------------------------------------------------------------------------------
// h. Interleaved PGA line numbers (SPEC 4.7): AMS, FDA, AMS → the second AMS 002 or 001.

#[test]
fn interleaved_agency_may_continue_or_restart_its_numbering() {
    let base = sample("or2-single");
    let pg01 = find(&base, "PG01", 1);
    let pg29 = find(&base, "PG29", 1);
    let ams_line: Vec<Vec<u8>> = base[pg01..=pg29].to_vec();
    let build = |second: &str| {
        let mut l = base.clone();
        let mut at = pg29 + 1;
        l.insert(at, fda_pg01("C"));
        at += 1;
        for (k, r) in ams_line.iter().enumerate() {
            let mut r = r.clone();
            if k == 0 {
                set(&mut r, "PG01", "pga_line_number", second);
            }
            l.insert(at + k, r);
        }
        (l, at)
    };
    for second in ["002", "001"] {
        let (l, at) = build(second);
        let r = report(&l);
        assert_one(&r, "S-016", Severity::Warning, at, None);
        assert!(!r.has_errors(), "AMS line {second}:\n{}", show(&r));
    }
    for second in ["003", "000"] {
        let (l, at) = build(second);
        let r = report(&l);
        let errs: Vec<_> = of(&r, "S-016")
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert_eq!(errs.len(), 1, "AMS line {second}:\n{}", show(&r));
        assert_eq!(errs[0].location.line, line(at));
    }
}

// ---------------------------------------------------------------------------------------
// i. CBP codes of the July 2026 error dictionary.

fn dictionary() -> Vec<ace_pga::codes::CodeRow> {
    ace_pga::codes::parse_code_list(
        &String::from_utf8(read_repo("spec/codes/pga-error-dictionary.csv")).expect("UTF-8"),
    )
}

#[test]
fn every_catalogue_code_is_in_the_2026_dictionary() {
    let dict = dictionary();
    assert!(dict.iter().any(|r| r.code == "P54") && dict.iter().any(|r| r.code == "PGA"));
    for r in RULES {
        if let Some(c) = r.cbp_code {
            assert!(dict.iter().any(|d| d.code == c), "{}: {c}", r.id);
        }
    }
    // Meanings the new rules rely on.
    let meaning = |c: &str| {
        dict.iter()
            .find(|d| d.code == c)
            .map(|d| d.meaning.clone())
            .unwrap_or_default()
    };
    assert!(meaning("P09").contains("Unit of Measure"));
    assert!(meaning("P35").contains("PG50"));
    assert!(meaning("P36").contains("Document Identifier"));
    assert!(meaning("P54").contains("PG02"));
}

#[test]
fn or_findings_carry_the_codes_of_the_2026_dictionary() {
    let base = sample("or1-full");
    // OR-013: an EX loop without entity name: no dictionary code (P09 is a PG04 unit).
    let mut l = base.clone();
    let ex = find(&l, "PG19", 1);
    set(&mut l[ex], "PG19", "entity_name", "");
    let r = report(&l);
    let f: Vec<_> = of(&r, "OR-013")
        .into_iter()
        .filter(|f| f.location.columns == cols("PG19", "entity_name"))
        .collect();
    assert_eq!(f.len(), 1, "{}", show(&r));
    assert_eq!(f[0].cbp_code, None);
    // OR-015: PG22 with another declaration code: no code (P36 is the document identifier).
    let mut l = base.clone();
    let pg22 = find(&l, "PG22", 1);
    set(&mut l[pg22], "PG22", "declaration_code", "AM5");
    let r = report(&l);
    assert_eq!(of(&r, "OR-015").len(), 1, "{}", show(&r));
    assert_eq!(of(&r, "OR-015")[0].cbp_code, None);
    // … no PG22 at all: P48; no PG10 at all: P50.
    let mut l = base.clone();
    l.remove(find(&l, "PG22", 1));
    assert_eq!(of(&report(&l), "OR-015")[0].cbp_code, Some("P48"));
    let mut l = base.clone();
    while l.iter().any(|r| is(r, "PG10")) {
        l.remove(find(&l, "PG10", 1));
    }
    assert_eq!(of(&report(&l), "OR-015")[0].cbp_code, Some("P50"));
    // OR-028 without any PG29: P53; with a zero quantity: no code.
    let mut l = sample("or2-single");
    l.remove(find(&l, "PG29", 1));
    assert_eq!(of(&report(&l), "OR-028")[0].cbp_code, Some("P53"));
    let mut l = sample("or2-single");
    let pg29 = find(&l, "PG29", 1);
    set(&mut l[pg29], "PG29", "quantity_line_net", "000000000000");
    assert_eq!(of(&report(&l), "OR-028")[0].cbp_code, None);
}

// ---------------------------------------------------------------------------------------
// j. PG60 qualifiers from codes/pg60-qualifiers.csv with their dates (S-018 warning).

#[test]
fn pg60_qualifiers_follow_their_parent_and_their_dates() {
    let base = sample("or1-full");
    let pg21 = find(&base, "PG21", 1);
    let pg20 = find(&base, "PG20", 1);
    let pg60 = |q: &str| {
        let mut r = record80(b"PG60");
        set(&mut r, "PG60", "additional_info_qualifier", q);
        set(&mut r, "PG60", "additional_info", "OVERFLOW TEXT");
        r
    };
    let after = |i: usize, q: &str| {
        let mut l = base.clone();
        l.insert(i + 1, pg60(q));
        l
    };
    // EMA after a PG21, AD2 after a PG20: as the chapter's Note 1 says.
    assert_none(&report(&after(pg21, "EMA")), "S-018");
    assert_none(&report(&after(pg20, "AD2")), "S-018");
    // Unknown qualifier; a qualifier for another parent.
    for q in ["ZZZ", "ENA"] {
        let r = report(&after(pg21, q));
        assert_one(&r, "S-018", Severity::Warning, pg21 + 1, None);
        assert_no_errors(&r);
    }
    // CP4 (component part description, for PG19) is valid from 2026-07-01.
    let l = after(pg21, "CP4");
    let r = report_on(&l, "2026-06-30");
    assert_one(&r, "S-018", Severity::Warning, pg21 + 1, None);
    assert!(of(&r, "S-018")[0].message.contains("2026-07-01"));
    // On 2026-07-01 it is valid; here it follows a PG21, not its PG19.
    let r = report_on(&l, "2026-07-01");
    assert_one(&r, "S-018", Severity::Warning, pg21 + 1, None);
    assert!(of(&r, "S-018")[0].message.contains("follows PG19"));
}

// ---------------------------------------------------------------------------------------
// k. Closed code lists (F-012) and dated rows.

#[test]
fn new_closed_lists_pg13_pg25_pg34_pg27() {
    let base = sample("or2-single");
    let pg14 = find(&base, "PG14", 1);
    let pg25 = find(&base, "PG25", 1);
    let pg29 = find(&base, "PG29", 1);
    // PG13 issuer location qualifier (before its PG14).
    let pg13 = rec_of("every-record", "PG13", 1);
    for (v, bad) in [("ISO", false), ("US", false), ("EU", false), ("XX", true)] {
        let mut l = base.clone();
        l.insert(
            pg14,
            with(pg13.clone(), "PG13", "issuer_geographic_code_qualifier", v),
        );
        let r = report(&l);
        if bad {
            assert_one(
                &r,
                "F-012",
                Severity::Error,
                pg14,
                cols("PG13", "issuer_geographic_code_qualifier"),
            );
        } else {
            assert_none(&r, "F-012");
        }
    }
    // PG25 temperature location (A product, B container, C conveyance).
    for (v, bad) in [("A", false), ("C", false), ("D", true)] {
        let mut l = base.clone();
        set(&mut l[pg25], "PG25", "temperature_location_code", v);
        let r = report(&l);
        if bad {
            assert_one(
                &r,
                "F-012",
                Severity::Error,
                pg25,
                cols("PG25", "temperature_location_code"),
            );
        } else {
            assert_none(&r, "F-012");
        }
    }
    // PG27 container type (1 refrigerated, 2 not refrigerated).
    let pg27 = rec_of("every-record", "PG27", 1);
    for (v, bad) in [("2", false), ("3", true)] {
        let mut l = base.clone();
        l.insert(pg29, with(pg27.clone(), "PG27", "container_type_1", v));
        let r = report(&l);
        if bad {
            assert_one(
                &r,
                "F-012",
                Severity::Error,
                pg29,
                cols("PG27", "container_type_1"),
            );
        } else {
            assert_none(&r, "F-012");
        }
    }
    // PG34 travel document type 1-4 (P26); a warning while the shipped sample disagrees.
    let pg34 = rec_of("every-record", "PG34", 1);
    for (v, bad) in [("1", false), ("4", false), ("9", true)] {
        let mut l = base.clone();
        l.insert(
            pg29 + 1,
            with(pg34.clone(), "PG34", "travel_document_type_code", v),
        );
        let r = report(&l);
        if bad {
            assert_one(
                &r,
                "F-012",
                Severity::Warning,
                pg29 + 1,
                cols("PG34", "travel_document_type_code"),
            );
            assert_eq!(of(&r, "F-012")[0].cbp_code, Some("P26"));
        } else {
            assert_none(&r, "F-012");
        }
    }
}

#[test]
fn dated_code_rows_follow_the_as_of_date() {
    // PG30 inspection status N: valid from 2026-04-28 (revision 28 of the chapter).
    let mut l = sample("multi-agency");
    let pg30 = find(&l, "PG30", 1);
    set(&mut l[pg30], "PG30", "inspection_status", "N");
    let r = report_on(&l, "2026-04-27");
    assert_one(
        &r,
        "F-012",
        Severity::Error,
        pg30,
        cols("PG30", "inspection_status"),
    );
    assert_eq!(of(&r, "F-012")[0].cbp_code, Some("P20"));
    assert!(of(&r, "F-012")[0].message.contains("2026-04-28"));
    assert_none(&report_on(&l, "2026-04-28"), "F-012");
    // Disclaimer E (FWS) from 2017-01-23; G (APHIS Lacey) from 2021.
    let base = sample("multi-agency");
    let fda = find(&base, "PG01", 3);
    for (code, before, on) in [
        ("E", "2017-01-22", "2017-01-23"),
        ("G", "2020-12-31", "2026-03-16"),
    ] {
        let mut l = base.clone();
        set(&mut l[fda], "PG01", "disclaimer_code", code);
        let r = report_on(&l, before);
        assert_one(
            &r,
            "F-012",
            Severity::Error,
            fda,
            cols("PG01", "disclaimer_code"),
        );
        assert_none(&report_on(&l, on), "F-012");
    }
}

#[cfg(feature = "cli")]
#[test]
fn cli_names_a_retired_rule_id() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ace-pga"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--rule",
            "F-004=off",
            "spec-samples/valid/or2-single.txt",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("F-004") && err.contains("retired"), "{err}");
}
