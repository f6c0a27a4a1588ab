//! Rule coverage: every rule id of SPEC.md section 6 has a table entry here with at least one
//! input that makes the rule fire (with its severity, line and, where SPEC 6.0 prescribes
//! them, columns) and at least one input that keeps it quiet.
//!
//! Inputs are built from the valid samples by editing records (whole records or bytes at
//! 1-based columns, inserted or deleted lines). Special entries:
//!
//! * F-030, F-031, F-032 are serializer rules: they fire as an `EncodeError` of
//!   `layout::build_record` / the typed structs' `to_bytes()`, mapped to the rule id with
//!   `EncodeErrorKind::rule()`.
//! * OR-019 is a documented non-rule ("lots are optional"): instead of a fire case it has
//!   inputs without any PG25 (all opt-in rules on) on which it must never fire.
//!
//! Probes where the library disagrees with SPEC 6 (anchor columns or line, CBP code, a
//! "Since" date not applied) are marked with the reason: the main test checks such fire
//! probes for rule and severity only and skips such quiet probes; the ignored test
//! `spec_anchors_of_known_src_deviations` checks them exactly as SPEC says.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::str::FromStr;

use ace_pga::layout::build_record;
use ace_pga::records::{Pg14, Pg24, Pg29};
use ace_pga::validate::{check_bytes, rule, Report, TariffFlag, ValidateOptions, RULES};
use ace_pga::{Decimal, EncodeError, NaiveDate, ParseOptions, RecordType, Severity};

mod common;

use common::{ebcdic, pseudo_random};

// ---------------------------------------------------------------------------------------
// Inputs.

fn read(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {s}: {e}"))
}

/// Records of an LF-terminated sample, without terminators.
fn sample_lines(name: &str) -> Vec<Vec<u8>> {
    let b = read(&format!("spec-samples/valid/{name}.txt"));
    let body = b.strip_suffix(b"\n").unwrap_or(&b);
    let lines: Vec<Vec<u8>> = body.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
    assert!(
        lines.iter().all(|l| l.len() == 80),
        "{name}: not 80-byte LF records"
    );
    lines
}

/// Record `n` (1-based) of a valid sample.
fn rec_of(name: &str, n: usize) -> Vec<u8> {
    sample_lines(name)[n - 1].clone()
}

/// The `nth` (1-based) record with identifier `id` of a valid sample.
fn rec_by_id(name: &str, id: &str, nth: usize) -> Vec<u8> {
    sample_lines(name)
        .into_iter()
        .filter(|l| l.starts_with(id.as_bytes()))
        .nth(nth - 1)
        .unwrap_or_else(|| panic!("{name}: no {id} number {nth}"))
}

/// The records of a valid sample, located by record id at run time (1-based lines), so that
/// the probes do not depend on the samples' line numbers.
struct At(Vec<Vec<u8>>);

impl At {
    fn of(name: &str) -> At {
        At(sample_lines(name))
    }
    /// The line of the `n`-th (1-based) record `id`.
    fn nth(&self, id: &str, n: usize) -> usize {
        common::nth_line_of(&self.0, id, n)
    }
    /// The line of the first record `id`.
    fn id(&self, id: &str) -> usize {
        self.nth(id, 1)
    }
}

/// The lines of or2-single's records (A, B, SE10, SE13, SE15, SE40, SE60, OI, PG01, PG02,
/// PG14, PG25, PG25, PG29, Y, Z), located at run time; `after_last` is the line after Z.
struct Or2 {
    a: usize,
    b: usize,
    se10: usize,
    se15: usize,
    se40: usize,
    se60: usize,
    oi: usize,
    pg01: usize,
    pg02: usize,
    pg14: usize,
    pg25: usize,
    pg25b: usize,
    pg29: usize,
    y: usize,
    z: usize,
    after_last: usize,
}

impl Or2 {
    fn new() -> Or2 {
        let at = At::of("or2-single");
        let o = Or2 {
            a: at.id("A"),
            b: at.id("B"),
            se10: at.id("SE10"),
            se15: at.id("SE15"),
            se40: at.id("SE40"),
            se60: at.id("SE60"),
            oi: at.id("OI"),
            pg01: at.id("PG01"),
            pg02: at.id("PG02"),
            pg14: at.id("PG14"),
            pg25: at.nth("PG25", 1),
            pg25b: at.nth("PG25", 2),
            pg29: at.id("PG29"),
            y: at.id("Y"),
            z: at.id("Z"),
            after_last: at.0.len() + 1,
        };
        // The probes rely on this order (one PGA line of six records, Y and Z last).
        assert!(o.a < o.b && o.b < o.se10 && o.se10 < o.se15 && o.se15 < o.se40);
        assert!(o.se40 < o.se60 && o.se60 + 1 == o.oi && o.oi + 1 == o.pg01);
        assert_eq!(
            [o.pg02, o.pg14, o.pg25, o.pg25b, o.pg29, o.y, o.z],
            [1, 2, 3, 4, 5, 6, 7].map(|i| o.pg01 + i)
        );
        assert_eq!(o.z + 1, o.after_last);
        o
    }
}

/// A record from text, padded with spaces to 80 bytes.
fn rec(s: &str) -> Vec<u8> {
    assert!(s.len() <= 80, "record longer than 80: {s}");
    let mut v = s.as_bytes().to_vec();
    v.resize(80, b' ');
    v
}

/// Overwrites bytes of `line` from 1-based column `start`.
fn set_cols(line: &mut [u8], start: usize, text: &[u8]) {
    line[start - 1..start - 1 + text.len()].copy_from_slice(text);
}

#[derive(Clone, Debug)]
struct Input {
    what: String,
    lines: Vec<Vec<u8>>,
    raw: Option<Vec<u8>>,
    parse: ParseOptions,
    opts: ValidateOptions,
}

const AS_OF: &str = "2026-03-16";

fn sample(name: &str) -> Input {
    Input {
        what: name.to_string(),
        lines: sample_lines(name),
        raw: None,
        parse: ParseOptions::strict(),
        opts: ValidateOptions::new(date(AS_OF)),
    }
}

fn or2() -> Input {
    sample("or2-single")
}
fn or1() -> Input {
    sample("or1-full")
}
fn multi() -> Input {
    sample("multi-agency")
}
fn or2m() -> Input {
    sample("or2-multi")
}
fn every() -> Input {
    sample("every-record")
}

fn raw(what: &str, bytes: Vec<u8>) -> Input {
    Input {
        what: what.to_string(),
        lines: Vec::new(),
        raw: Some(bytes),
        parse: ParseOptions::strict(),
        opts: ValidateOptions::new(date(AS_OF)),
    }
}

fn or2_bytes() -> Vec<u8> {
    read("spec-samples/valid/or2-single.txt")
}

fn or2_concat() -> Vec<u8> {
    read("spec-samples/valid/or2-concatenated.txt")
}

/// What `ace-pga decode` prints for `input`: the owned transmission as JSON.
fn decode_json(input: &[u8]) -> Vec<u8> {
    let t = ace_pga::Transmission::parse(input).expect("a valid sample");
    serde_json::to_vec(&ace_pga::OwnedTransmission::from_transmission(&t)).expect("JSON")
}

/// `ascii` as UTF-16LE with its byte order mark.
fn utf16le(ascii: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for &b in ascii {
        out.extend_from_slice(&[b, 0]);
    }
    out
}

impl Input {
    /// 1-based line of the `nth` (1-based) record whose identifier is `id` (located at run
    /// time: the samples' line numbers change between revisions).
    fn at(&self, id: &str, nth: usize) -> usize {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with(id.as_bytes()))
            .nth(nth - 1)
            .map(|(i, _)| i + 1)
            .unwrap_or_else(|| panic!("{}: no {id} number {nth}", self.what))
    }
    fn note(mut self, s: &str) -> Self {
        self.what = format!("{} + {s}", self.what);
        self
    }
    /// Overwrites bytes of record `line` from 1-based column `col`.
    fn set(mut self, line: usize, col: usize, text: impl AsRef<[u8]>) -> Self {
        let t = text.as_ref();
        self = self.note(&format!("L{line}@{col}={:?}", String::from_utf8_lossy(t)));
        set_cols(&mut self.lines[line - 1], col, t);
        self
    }
    /// Inserts `new` so that it becomes record `line`.
    fn insert(mut self, line: usize, new: Vec<u8>) -> Self {
        self = self.note(&format!(
            "insert L{line} {:?}",
            String::from_utf8_lossy(&new[..new.len().min(6)])
        ));
        self.lines.insert(line - 1, new);
        self
    }
    /// Deletes records `from..=to`.
    fn delete(mut self, from: usize, to: usize) -> Self {
        self = self.note(&format!("delete L{from}-{to}"));
        self.lines.drain(from - 1..to);
        self
    }
    /// Moves record `from` so that it becomes record `to`.
    fn move_line(mut self, from: usize, to: usize) -> Self {
        self = self.note(&format!("move L{from}->L{to}"));
        let l = self.lines.remove(from - 1);
        self.lines.insert(to - 1, l);
        self
    }
    /// Cuts record `line` to `len` bytes.
    fn truncate(mut self, line: usize, len: usize) -> Self {
        self = self.note(&format!("L{line} cut to {len} bytes"));
        self.lines[line - 1].truncate(len);
        self
    }
    /// Appends bytes beyond column 80 of record `line`.
    fn extend(mut self, line: usize, extra: &[u8]) -> Self {
        self = self.note(&format!("L{line} + {} bytes", extra.len()));
        self.lines[line - 1].extend_from_slice(extra);
        self
    }
    /// Sets the certificate (PG14 lpco_number, 9–41) of record `line`.
    fn cert(self, line: usize, value: &str) -> Self {
        self.set(line, 9, format!("{value:<33}"))
    }
    /// Validates as of (filing date) `d`.
    fn on(mut self, d: &str) -> Self {
        self = self.note(&format!("as_of {d}"));
        self.opts.as_of = date(d);
        self
    }
    fn enable(mut self, id: &str) -> Self {
        self = self.note(&format!("enable {id}"));
        self.opts
            .enable(id.parse().expect("a rule id"))
            .expect("a rule");
        self
    }
    fn lenient(mut self) -> Self {
        self = self.note("lenient");
        self.parse = ParseOptions::lenient();
        self
    }
    fn flags(mut self, flags: &[(&str, TariffFlag)]) -> Self {
        self = self.note(&format!("tariff flags {flags:?}"));
        self.opts.tariff_flags = Some(
            flags
                .iter()
                .map(|(h, f)| ((*h).to_string(), *f))
                .collect::<HashMap<_, _>>(),
        );
        self
    }
    fn departure(mut self, d: &str) -> Self {
        self = self.note(&format!("departure {d}"));
        self.opts.departure_date = Some(date(d));
        self
    }
    fn importer_certified(mut self, yes: bool) -> Self {
        self = self.note(&format!("importer certified {yes}"));
        self.opts.importer_certified = Some(yes);
        self
    }
    fn enable_all_opt_in(mut self) -> Self {
        for r in RULES.iter().filter(|r| r.opt_in) {
            self.opts.enable(r.id).expect("a rule");
        }
        self.note("all opt-in rules")
    }
    fn bytes(&self) -> Vec<u8> {
        match &self.raw {
            Some(b) => b.clone(),
            None => {
                let mut out = Vec::new();
                for l in &self.lines {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                }
                out
            }
        }
    }
    fn report(&self) -> Report {
        check_bytes(&self.bytes(), &self.parse, &self.opts)
    }
}

// ---------------------------------------------------------------------------------------
// Expectations.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cols {
    /// SPEC 6.0 does not prescribe the columns of this rule.
    Any,
    /// `columns` = null.
    Null,
    At(u8, u8),
}

#[derive(Clone, Debug)]
struct Exp {
    sev: Severity,
    line: Option<u32>,
    cols: Cols,
    /// `Some(code)`: the finding's CBP code must be `code` (`Some(None)`: no code).
    cbp: Option<Option<&'static str>>,
    absent: Vec<&'static str>,
    sole: bool,
    msg: Vec<String>,
    offset: Option<usize>,
}

fn exp(sev: Severity, line: Option<u32>) -> Exp {
    Exp {
        sev,
        line,
        cols: Cols::Null,
        cbp: None,
        absent: Vec::new(),
        sole: false,
        msg: Vec::new(),
        offset: None,
    }
}
fn line_u32(line: usize) -> Option<u32> {
    Some(u32::try_from(line).expect("line number"))
}
fn err(line: usize) -> Exp {
    exp(Severity::Error, line_u32(line))
}
fn warn(line: usize) -> Exp {
    exp(Severity::Warning, line_u32(line))
}
impl Exp {
    fn cols(mut self, s: u8, e: u8) -> Self {
        self.cols = Cols::At(s, e);
        self
    }
    fn any_cols(mut self) -> Self {
        self.cols = Cols::Any;
        self
    }
    fn cbp(mut self, c: &'static str) -> Self {
        self.cbp = Some(Some(c));
        self
    }
    fn no_cbp(mut self) -> Self {
        self.cbp = Some(None);
        self
    }
    /// The message contains `text`.
    fn msg(mut self, text: impl Into<String>) -> Self {
        self.msg.push(text.into());
        self
    }
    /// The finding's byte offset.
    fn offset(mut self, o: usize) -> Self {
        self.offset = Some(o);
        self
    }
    /// Rules that must not fire on this input (SPEC 6.0 overlaps).
    fn without(mut self, ids: &[&'static str]) -> Self {
        self.absent.extend_from_slice(ids);
        self
    }
    /// The finding is the only one of the report.
    fn sole(mut self) -> Self {
        self.sole = true;
        self
    }
}

type Encoded = Result<[u8; 80], EncodeError>;

enum Probe {
    Fire {
        input: Input,
        exp: Exp,
        /// The library deviates from SPEC 6.0 on this probe's anchor.
        src_bug: Option<&'static str>,
    },
    Quiet {
        input: Input,
        /// The library fires where SPEC says it must not.
        src_bug: Option<&'static str>,
    },
    /// A serializer refusal (F-030 … F-032).
    EncodeFire(&'static str, Encoded),
    /// A serializer success, with the bytes it must produce.
    EncodeQuiet(&'static str, Encoded, Vec<u8>),
    /// OR-019: must not fire (documented non-rule).
    NeverFires(Input),
}

struct Case {
    id: &'static str,
    probes: Vec<Probe>,
}

fn case(id: &'static str) -> Case {
    Case {
        id,
        probes: Vec::new(),
    }
}

impl Case {
    fn fire(mut self, input: Input, exp: Exp) -> Self {
        self.probes.push(Probe::Fire {
            input,
            exp,
            src_bug: None,
        });
        self
    }
    fn fire_bug(mut self, input: Input, exp: Exp, why: &'static str) -> Self {
        self.probes.push(Probe::Fire {
            input,
            exp,
            src_bug: Some(why),
        });
        self
    }
    fn quiet(mut self, input: Input) -> Self {
        self.probes.push(Probe::Quiet {
            input,
            src_bug: None,
        });
        self
    }
    fn quiet_bug(mut self, input: Input, why: &'static str) -> Self {
        self.probes.push(Probe::Quiet {
            input,
            src_bug: Some(why),
        });
        self
    }
    fn encode_fire(mut self, what: &'static str, r: Encoded) -> Self {
        self.probes.push(Probe::EncodeFire(what, r));
        self
    }
    fn encode_quiet(mut self, what: &'static str, r: Encoded, want: Vec<u8>) -> Self {
        self.probes.push(Probe::EncodeQuiet(what, r, want));
        self
    }
    fn never_fires(mut self, input: Input) -> Self {
        self.probes.push(Probe::NeverFires(input));
        self
    }
}

// ---------------------------------------------------------------------------------------
// Serializer helpers.

fn build(record: &str, values: &[(&str, &str)]) -> Encoded {
    let layout = RecordType::from_id(record)
        .and_then(|t| t.layout())
        .unwrap_or_else(|| panic!("no layout {record}"));
    let map: HashMap<&str, &str> = values.iter().copied().collect();
    build_record(layout, |f| map.get(f.name).copied())
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s}: {e}"))
}

// ---------------------------------------------------------------------------------------
// The table.

const NOPIC: &str = "417-2093856104-557321";

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use TariffFlag::{Am7, Am8};
    // The records of the samples, located by id at run time (1-based lines).
    let o = Or2::new();
    let o1 = At::of("or1-full");
    let ma = At::of("multi-agency");
    let om = At::of("or2-multi");
    let ev = At::of("every-record");
    let ae = At::of("entry-summary-ae");
    let so = At::of("so-status");
    // or1-full's entity loops: PG19, PG20, PG21 of the n-th party (EX, UC, ORI, ORC, ORP,
    // ORC, ORP).
    let p19 = |n: usize| o1.nth("PG19", n);
    let p20 = |n: usize| o1.nth("PG20", n);
    let p21 = |n: usize| o1.nth("PG21", n);
    let pg10 = |n: usize| o1.nth("PG10", n);
    let mixed = {
        // LF after every record except the OI (CRLF).
        let mut b = Vec::new();
        for (i, l) in sample_lines("or2-single").iter().enumerate() {
            b.extend_from_slice(l);
            b.extend_from_slice(if i + 1 == o.oi { b"\r\n" } else { b"\n" });
        }
        b
    };
    let mixed2 = {
        let mut b = Vec::new();
        for (i, l) in sample_lines("or2-single").iter().enumerate() {
            b.extend_from_slice(l);
            b.extend_from_slice(if i + 1 == o.oi || i + 1 == o.pg02 {
                b"\r\n"
            } else {
                b"\n"
            });
        }
        b
    };
    let with = |mut b: Vec<u8>, tail: &[u8]| {
        b.extend_from_slice(tail);
        b
    };
    let bom = with(b"\xEF\xBB\xBF".to_vec(), &or2_bytes());
    let pg26 = |level: &str| {
        let mut r = rec_of("multi-agency", ma.id("PG26"));
        set_cols(&mut r, 5, level.as_bytes());
        r
    };
    let seven_pg26 = (1..=7).fold(or2(), |inp, i| {
        inp.insert(o.pg25b + i, pg26(&i.min(6).to_string()))
    });
    let six_pg26 = (1..=6).fold(or2(), |inp, i| {
        inp.insert(o.pg25b + i, pg26(&i.to_string()))
    });
    // A second anchor (HTS 0813405000) with its own OR2 line after or2-single's PGA line.
    // Inserted before or2-single's Y: the anchor, its OI, PG01, PG02, PG14 (at y + 4), PG29.
    let second_anchor = |cert: &str| {
        or2()
            .insert(o.y, rec_of("or2-multi", om.nth("SE60", 3)))
            .insert(o.y + 1, rec_of("or2-multi", om.nth("OI", 2)))
            .insert(o.y + 2, rec_of("or2-single", o.pg01))
            .insert(o.y + 3, rec_of("or2-single", o.pg02))
            .insert(o.y + 4, rec_of("or2-single", o.pg14))
            .insert(o.y + 5, rec_of("or2-single", o.pg29))
            .cert(o.y + 4, cert)
    };
    let no_oi_group = || or2().delete(o.oi, o.pg29);
    let no_pg25 = || or2().delete(o.pg25, o.pg25b);
    let pg20 = rec_of("or1-full", p20(1));
    let pg21 = rec_of("or1-full", p21(1));
    let pg13 = rec_of("every-record", ev.id("PG13"));
    let pg08 = rec_of("every-record", ev.id("PG08"));
    let pg55 = rec_of("every-record", ev.id("PG55"));
    let pg60 = rec_of("every-record", ev.id("PG60"));
    let pg24 = rec_of("or1-full", o1.id("PG24"));
    let fda_disclaimer = rec_of("multi-agency", ma.nth("PG01", 3));
    let blank = |n: usize| " ".repeat(n);

    vec![
        // ---- F: bytes, fields, framing, serializer ----
        case("F-001")
            .fire(or2().truncate(o.se40, 31), err(o.se40))
            .fire(
                or2().truncate(o.pg01, 14),
                err(o.pg01).without(&["F-006", "F-007", "F-011"]),
            )
            .fire(or2().truncate(o.pg01, 14).lenient(), warn(o.pg01))
            .fire(or2().extend(o.oi, b"   "), err(o.oi))
            .fire(or2().extend(o.oi, b"   ").lenient(), warn(o.oi))
            .fire(or2().extend(o.oi, b"  X").lenient(), err(o.oi))
            .quiet(or2()),
        case("F-002")
            .fire(
                or2().set(o.oi, 20, [0xD1]),
                err(o.oi).cols(20, 20).msg("0xD1"),
            )
            .quiet(or2()),
        case("F-003")
            .fire(or2().set(o.oi, 18, b"\t"), err(o.oi).cols(18, 18))
            .fire(or2().set(o.oi, 30, [0x00]), err(o.oi).cols(30, 30))
            .quiet(or2()),
        case("F-005")
            .fire(
                or1().set(p20(1), 67, "e"),
                err(p20(1))
                    .cols(67, 67)
                    .without(&["F-004", "F-008", "F-009"]),
            )
            .fire(
                or1().set(p19(1), 9, "a"),
                err(p19(1))
                    .cols(9, 9)
                    .without(&["F-004", "F-008", "F-009"]),
            )
            .quiet(or1()),
        case("F-006")
            .fire(or2().set(o.pg29, 70, "X"), err(o.pg29).cols(65, 80))
            .fire(or2().set(o.oi, 5, "X"), err(o.oi).cols(3, 10))
            .quiet(or2()),
        case("F-007")
            .fire(
                or2().set(o.pg29, 8, "0000001824 0"),
                err(o.pg29).cols(8, 19),
            )
            .fire(
                or2().set(o.pg29, 8, "-00000182400"),
                err(o.pg29).cols(8, 19),
            )
            .fire(
                or2().set(o.pg29, 8, "      182400").lenient(),
                warn(o.pg29).cols(8, 19),
            )
            .fire(
                or2().set(o.pg29, 8, "      182400"),
                err(o.pg29).cols(8, 19),
            )
            .quiet(or2()),
        case("F-008")
            .fire(or1().set(p20(1), 67, "1"), err(p20(1)).cols(66, 67))
            .quiet(or1()),
        case("F-009")
            .fire(or1().set(p19(1), 8, "3-1"), err(p19(1)).cols(8, 10))
            .quiet(or1()),
        case("F-010")
            .fire(
                or2().set(o.pg25, 16, " PIU-KENT-2602-A"),
                warn(o.pg25).cols(16, 40),
            )
            .quiet(or2()),
        case("F-011")
            .fire(
                or2().set(o.oi, 11, blank(70)),
                err(o.oi).cols(11, 80).cbp("P02"),
            )
            .fire(
                or2().set(o.pg01, 8, "   "),
                err(o.pg01).cols(8, 10).cbp("P05"),
            )
            .quiet(or2())
            .quiet(or2().set(1, 9, blank(6))),
        case("F-012")
            .fire(or2().set(o.pg14, 5, "9"), err(o.pg14).cols(5, 5))
            .fire(
                or2().set(o.pg02, 5, "X"),
                err(o.pg02).cols(5, 5).cbp("P07"),
            )
            .fire(or2().set(o.pg01, 80, "Z"), err(o.pg01).cols(80, 80))
            .fire(
                or1().set(o1.id("PG01"), 17, "N"),
                err(o1.id("PG01")).cols(17, 17),
            )
            .quiet(or2()),
        case("F-013")
            .fire(
                or1().set(o1.id("PG14"), 43, "04312026"),
                err(o1.id("PG14")).cols(43, 50),
            )
            .fire(
                or1().set(o1.id("PG14"), 43, "02292025"),
                err(o1.id("PG14")).cols(43, 50),
            )
            .quiet(or1())
            .quiet(or1().set(o1.id("PG14"), 43, "02292024")),
        case("F-014")
            .fire(
                multi().set(ma.id("PG30"), 14, "0000"),
                warn(ma.id("PG30")).cols(14, 17),
            )
            .fire(
                multi().set(ma.id("PG30"), 14, "0760"),
                err(ma.id("PG30")).cols(14, 17),
            )
            .fire(
                multi().set(ma.id("PG30"), 14, "2401"),
                err(ma.id("PG30")).cols(14, 17),
            )
            .quiet(multi())
            .quiet(multi().set(ma.id("PG30"), 14, "2400")),
        case("F-015")
            .fire(or2().insert(o.pg25, rec("PG99UNKNOWN")), warn(o.pg25))
            .fire(or2().set(o.pg02, 1, "pg02").lenient(), warn(o.pg02))
            .fire(or2().set(o.pg02, 1, "pg02"), warn(o.pg02))
            .quiet(or2()),
        case("F-016")
            .fire(
                raw("BOM + or2-single", bom.clone()),
                err(1).without(&["E-001", "F-015"]),
            )
            .fire(
                raw("BOM + or2-single", bom).lenient(),
                warn(1).without(&["E-001", "F-015"]),
            )
            .quiet(or2()),
        case("F-017")
            .fire(
                raw("or2-concatenated + 0x1A", with(or2_concat(), &[0x1A])),
                err(o.after_last).without(&["F-018"]),
            )
            .fire(
                raw("or2-concatenated + 0x1A", with(or2_concat(), &[0x1A])).lenient(),
                warn(o.after_last),
            )
            .fire_bug(
                raw("or2-single + 0x1A", with(or2_bytes(), &[0x1A])),
                err(o.after_last).without(&["F-015", "F-018"]),
                "F-017 after LF-terminated records has line null; SPEC 6.0 gives F-016..F-019 the line where the problem starts (after the last record), null only for F-020/F-021",
            )
            .quiet(or2())
            .quiet(raw("or2-concatenated", or2_concat())),
        case("F-018")
            .fire(
                raw("or2-concatenated + ABCDE", with(or2_concat(), b"ABCDE")),
                err(o.after_last)
                    .offset(80 * (o.after_last - 1))
                    .without(&["F-017"]),
            )
            .quiet(raw("or2-concatenated", or2_concat())),
        case("F-019")
            .fire(raw("or2-single, CRLF after the OI", mixed), warn(o.oi))
            .fire(
                raw("or2-single, CRLF after the OI and the PG02", mixed2),
                warn(o.oi).sole(),
            )
            .quiet(or2())
            .quiet(raw(
                "or2-crlf",
                read("spec-samples/valid/or2-crlf.txt"),
            )),
        case("F-020")
            .fire(raw("empty", Vec::new()), exp(Severity::Error, None).sole())
            .fire(
                raw("terminators only", b"\n\r\n  \n".to_vec()),
                exp(Severity::Error, None).sole(),
            )
            .quiet(or2()),
        case("F-021")
            .fire(
                raw("or2-single in EBCDIC 037", ebcdic(&or2_bytes())),
                exp(Severity::Error, None).sole(),
            )
            .quiet(or2()),
        case("F-023")
            .fire(
                raw("decode JSON of or2-single", decode_json(&or2_bytes())),
                exp(Severity::Error, None).sole().msg("looks like JSON"),
            )
            .fire(
                raw("dump JSON Lines of or2-single, after a byte order mark", {
                    let mut b = b"\xEF\xBB\xBF \n".to_vec();
                    b.extend_from_slice(b"[{\"line\": 1, \"record\": \"A\"}]\n");
                    b
                }),
                exp(Severity::Error, None).sole().msg("looks like JSON"),
            )
            .fire(
                raw("4 KiB of pseudo-random bytes", pseudo_random(4096, 23)),
                exp(Severity::Error, None).sole().msg("binary"),
            )
            .fire(
                raw("or2-single in UTF-16LE with its mark", utf16le(&or2_bytes())),
                exp(Severity::Error, None).sole().msg("UTF-16"),
            )
            .fire(
                raw("100 lines of prose", b"hello, this is not a record\n".repeat(100)),
                exp(Severity::Error, None).sole().msg("none of the first 100"),
            )
            .fire(
                raw("or2-single after 100 lines of prose", {
                    let mut b = b"hello\n".repeat(100);
                    b.extend_from_slice(&or2_bytes());
                    b
                }),
                exp(Severity::Error, None).sole(),
            )
            .quiet(or2())
            .quiet(raw("or2-single after 99 lines of prose", {
                let mut b = b"hello\n".repeat(99);
                b.extend_from_slice(&or2_bytes());
                b
            }))
            .quiet(raw("or2-concatenated", or2_concat())),
        case("F-022")
            .fire(
                or1().set(o1.id("PG01"), 42, "100000 "),
                warn(o1.id("PG01")).cols(42, 57),
            )
            .quiet(or1()),
        case("F-030")
            .encode_fire(
                "PG14 lpco_number of 34 bytes",
                build("PG14", &[("lpco_number", &"9".repeat(34))]),
            )
            .encode_fire(
                "typed Pg14 lpco_number of 34 bytes",
                Pg14 {
                    lpco_number: Some(&"9".repeat(34)),
                    ..Default::default()
                }
                .to_bytes(),
            )
            .encode_quiet(
                "or2-single PG14",
                build(
                    "PG14",
                    &[
                        ("lpco_transaction_type", "1"),
                        ("lpco_type", "AM1"),
                        ("lpco_number", NOPIC),
                    ],
                ),
                rec_of("or2-single", o.pg14),
            ),
        case("F-031")
            .encode_fire(
                "PG29 quantity 277.345",
                build("PG29", &[("quantity_line_net", "277.345")]),
            )
            .encode_fire(
                "PG29 quantity -1",
                build("PG29", &[("quantity_line_net", "-1")]),
            )
            .encode_fire(
                "PG01 line number 1000",
                build("PG01", &[("pga_line_number", "1000")]),
            )
            .encode_fire(
                "PG29 quantity 10^10",
                build("PG29", &[("quantity_line_net", "10000000000")]),
            )
            .encode_fire(
                "typed Pg29 quantity -1.00",
                Pg29 {
                    quantity_line_net: Some(dec("-1.00")),
                    ..Default::default()
                }
                .to_bytes(),
            )
            .encode_fire(
                "typed Pg29 quantity 277.345",
                Pg29 {
                    quantity_line_net: Some(dec("277.345")),
                    ..Default::default()
                }
                .to_bytes(),
            )
            .encode_quiet(
                "or2-single PG29",
                build(
                    "PG29",
                    &[
                        ("unit_of_measure_line_net", "KG"),
                        ("quantity_line_net", "1824.00"),
                    ],
                ),
                rec_of("or2-single", o.pg29),
            ),
        case("F-032")
            .encode_fire(
                "PG24 text in lower case",
                build("PG24", &[("remarks_text", "organic")]),
            )
            .encode_fire(
                "PG24 text with LF",
                build("PG24", &[("remarks_text", "A\nB")]),
            )
            .encode_fire(
                "PG24 text with CR",
                build("PG24", &[("remarks_text", "A\rB")]),
            )
            .encode_fire(
                "PG24 text with NUL",
                build("PG24", &[("remarks_text", "A\0B")]),
            )
            .encode_fire(
                "typed Pg24 text with TAB",
                Pg24 {
                    remarks_text: Some("A\tB"),
                    ..Default::default()
                }
                .to_bytes(),
            )
            .encode_quiet(
                "or1-full PG24",
                build(
                    "PG24",
                    &[
                        ("remarks_type_code", "AM1"),
                        ("remarks_code", "A10"),
                        (
                            "remarks_text",
                            "PRODUCT CERTIFIED TO THE USDA ORGANIC STANDARD",
                        ),
                    ],
                ),
                rec_of("or1-full", o1.id("PG24")),
            ),
        // ---- S: structure and order ----
        case("S-001")
            .fire(or2().delete(o.oi, o.oi), err(o.oi).cbp("P01"))
            .quiet(or2()),
        case("S-002")
            .fire(or2().delete(o.pg01, o.pg29), err(o.oi).cbp("P03"))
            .quiet(or2()),
        case("S-003")
            .fire(
                or2()
                    .insert(o.y, rec_of("or2-single", o.oi))
                    .insert(o.y + 1, fda_disclaimer.clone()),
                err(o.y).cbp("P42").without(&["S-005"]),
            )
            .quiet(or2()),
        case("S-004")
            .fire(
                or2().insert(o.pg01, rec_of("or2-single", o.pg25)),
                err(o.pg01),
            )
            .fire(
                or2()
                    .insert(o.y, rec_of("or2-multi", om.nth("SE40", 2)))
                    .insert(o.y + 1, rec_of("or2-single", o.pg25)),
                err(o.y + 1),
            )
            .quiet(or2()),
        case("S-005")
            .fire(
                or2().delete(o.se60, o.se60),
                err(o.se60).without(&["S-003"]),
            )
            .quiet(or2()),
        case("S-006")
            .fire(or2().insert(o.pg25, pg20.clone()), err(o.pg25).cbp("P33"))
            .fire(or1().insert(p21(1), pg20.clone()), err(p21(1)).cbp("P33"))
            .quiet(or1()),
        case("S-007")
            .fire(
                // EX PG19, UC PG19, EX PG20, EX PG21, UC PG20, UC PG21.
                or1().move_line(p19(2), p20(1)),
                err(p20(2)).cbp("P33").without(&["S-006", "S-008"]),
            )
            .quiet(or1()),
        case("S-008")
            .fire(or2().insert(o.pg25, pg21.clone()), err(o.pg25).cbp("P34"))
            .quiet(or1())
            .quiet(multi()),
        case("S-009")
            .fire(or2().insert(o.pg14, pg08), err(o.pg14).cbp("P28"))
            .quiet(every()),
        case("S-010")
            .fire(or2().insert(o.pg25, pg13.clone()), err(o.pg25).cbp("P29"))
            .quiet(or2().insert(o.pg14, pg13))
            .quiet(every()),
        case("S-011")
            .fire_bug(
                or2().set(o.pg02, 5, "C"),
                err(o.pg02).cbp("P07"),
                "S-011 points at PG02 item_type (columns 5-5); SPEC 6.0 gives S-... findings columns null",
            )
            .fire_bug(
                or2().insert(o.pg14, rec("PG02P")),
                err(o.pg14).cbp("P07"),
                "S-011 points at PG02 item_type (columns 5-5); SPEC 6.0 gives S-... findings columns null",
            )
            .quiet(or2())
            .quiet(every()),
        case("S-012")
            .fire(or2().set(o.pg01, 80, "A"), err(o.pg02).cbp("P32"))
            .quiet(or2m()),
        case("S-013")
            .fire(seven_pg26, err(o.pg25b + 7))
            .fire_bug(
                or2()
                    .insert(o.pg29, pg26("2"))
                    .insert(o.pg29 + 1, pg26("1")),
                warn(o.pg29 + 1),
                "S-013 (levels not ascending) points at packaging_qualifier (5-5); SPEC 6.0 gives S-... findings columns null",
            )
            .quiet(six_pg26)
            .quiet(multi()),
        case("S-014")
            .fire(or2().insert(o.pg25, rec("PG51")), err(o.pg25).cbp("P32"))
            .fire(or2().insert(o.pg25, rec("PG50")), err(o.pg25).cbp("P32"))
            // No PG02/PG04/PG13/PG14 before the PG50 (right after the PG01 it is S-023's).
            .fire(
                or2()
                    .insert(o.pg02, rec_by_id("or2-single", "PG25", 1))
                    .insert(o.pg02 + 1, rec("PG50"))
                    .insert(o.pg02 + 2, rec("PG51")),
                err(o.pg02 + 1).cbp("P32"),
            )
            .fire(
                or2()
                    .insert(o.pg25, rec("PG50"))
                    .insert(o.pg25 + 1, rec("PG50"))
                    .insert(o.pg25 + 2, rec("PG51")),
                err(o.pg25 + 1).cbp("P32"),
            )
            .quiet(
                or2()
                    .insert(o.pg25, rec("PG50"))
                    .insert(o.pg25 + 1, rec("PG51")),
            )
            .quiet(every()),
        case("S-015")
            // PG00 S (first PG00), E (second), R (third).
            .fire(
                every().delete(ev.nth("PG00", 2), ev.nth("PG00", 2)),
                err(ev.nth("PG00", 1)),
            )
            .fire(
                every().delete(ev.nth("PG00", 1), ev.nth("PG00", 1)),
                err(ev.nth("PG00", 2) - 1),
            )
            .fire_bug(
                every().set(ev.nth("PG00", 3), 6, "0002"),
                err(ev.nth("PG00", 3)),
                "S-015 (R names an undefined group) points at substitution_number (6-9); SPEC 6.0 gives S-... findings columns null",
            )
            .quiet(every()),
        case("S-016")
            .fire_bug(
                or2m().set(om.nth("PG01", 2), 5, "003"),
                err(om.nth("PG01", 2)),
                "S-016 points at PG01 pga_line_number (5-7); SPEC 6.0 gives S-... findings columns null",
            )
            .fire_bug(
                or2m().set(om.nth("PG01", 2), 5, "001"),
                err(om.nth("PG01", 2)),
                "S-016 points at PG01 pga_line_number (5-7); SPEC 6.0 gives S-... findings columns null",
            )
            .fire_bug(
                // The FDA PG01 moved before the AMS MO1 PG01.
                multi().move_line(ma.nth("PG01", 3), ma.nth("PG01", 2)),
                warn(ma.nth("PG01", 2) + 1),
                "S-016 (interleaved agencies) points at PG01 pga_line_number (5-7); SPEC 6.0 gives S-... findings columns null",
            )
            .quiet(or2m())
            .quiet(multi()),
        case("S-017")
            .fire(or2().insert(o.pg25, pg55.clone()), err(o.pg25).cbp("P32"))
            .quiet(every()),
        case("S-018")
            .fire(or2().insert(o.pg25, pg60.clone()), err(o.pg25).cbp("P32"))
            .quiet(every())
            .quiet(or1().insert(p19(2), pg60)),
        case("S-019")
            .fire_bug(
                or1().enable("S-019"),
                warn(o1.id("PG22")),
                "S-019 points at PG22 entity_role_code (18-20); SPEC 6.0 gives S-... findings columns null",
            )
            .quiet(or1())
            .quiet(or1().enable("S-019").set(o1.id("PG22"), 18, "EX ")),
        case("S-020")
            .fire(or2().move_line(o.pg29, o.pg25), warn(o.pg25 + 1))
            .quiet(or2())
            .quiet(every()),
        case("S-021")
            .fire(
                multi().set(ma.nth("PG01", 3), 80, " "),
                warn(ma.nth("PG01", 3)),
            )
            .quiet(multi())
            // SPEC 4.1: an empty PG01 before another agency's data set shares it.
            .quiet({
                let m = multi();
                let fda = m.at("PG01", 3);
                let first = m.at("PG01", 1);
                m.move_line(fda, first).set(first, 80, " ")
            }),
        case("S-022")
            .fire(
                or2().delete(or2().at("PG02", 1), or2().at("PG02", 1)),
                warn(or2().at("PG01", 1)).cbp("P54"),
            )
            .quiet(or2())
            .quiet(multi()),
        case("S-023")
            .fire(
                or2()
                    .insert(or2().at("PG02", 1), rec("PG50"))
                    .insert(or2().at("PG02", 1) + 1, rec("PG51")),
                err(or2().at("PG02", 1)).cbp("P35").without(&["S-014"]),
            )
            .quiet(
                or2()
                    .insert(or2().at("PG14", 1), rec("PG50"))
                    .insert(or2().at("PG14", 1) + 1, rec("PG51")),
            ),
        case("S-024")
            .fire(
                or2()
                    .insert(or2().at("PG14", 1) + 1, rec("PG50"))
                    .insert(or2().at("PG14", 1) + 2, pg24.clone())
                    .insert(or2().at("PG14", 1) + 3, rec("PG51")),
                err(or2().at("PG14", 1) + 2).cbp("P32"),
            )
            .quiet(
                or2()
                    .insert(or2().at("PG14", 1) + 1, rec("PG50"))
                    .insert(or2().at("PG14", 1) + 2, rec_by_id("or2-single", "PG25", 1))
                    .insert(or2().at("PG14", 1) + 3, rec("PG51")),
            ),
        // ---- E: envelope ----
        case("E-001")
            .fire(or2().delete(1, 1), err(1))
            .quiet(or2()),
        case("E-002")
            .fire(
                raw("or2-single twice", with(or2_bytes(), &or2_bytes())),
                warn(o.after_last),
            )
            .quiet(or2()),
        case("E-003")
            .fire(or2().delete(o.y, o.y), err(o.y))
            .fire(
                or2()
                    .delete(o.y, o.y)
                    .insert(o.y, rec_of("or2-single", o.b))
                    .insert(o.y + 1, rec_of("or2-single", o.y)),
                err(o.y),
            )
            .quiet(or2()),
        case("E-004")
            .fire(or2().delete(o.b, o.b), err(o.y - 1))
            .quiet(or2()),
        case("E-005")
            .fire(or2().set(o.y, 8, "Q7X"), err(o.y).cols(8, 10))
            .fire(or2().set(o.y, 4, "2705"), err(o.y).cols(4, 7))
            .fire(or2().set(o.y, 11, "AE"), err(o.y).cols(11, 12))
            .quiet(or2()),
        case("E-006")
            .fire(or2().set(1, 26, "QQ"), warn(1).any_cols())
            .fire(or2().set(1, 26, "AE"), warn(2).any_cols())
            .quiet(or2()),
        case("E-007")
            .fire(or2().insert(o.y, rec("52HMF 0000000006")), err(o.y))
            .fire(
                sample("entry-summary-ae").insert(ae.id("40"), rec_of("or2-single", o.se15)),
                err(ae.id("40")),
            )
            .fire(
                sample("so-status")
                    .insert(so.id("SO70"), rec_of("or2-single", o.oi))
                    .insert(so.id("SO70") + 1, fda_disclaimer.clone()),
                warn(so.id("SO70")),
            )
            .quiet(or2())
            .quiet(sample("entry-summary-ae"))
            .quiet(sample("so-status")),
        case("E-008")
            .fire(or2().set(o.y, 13, "00099"), err(o.y).cols(13, 17))
            .quiet(or2().set(o.y, 13, format!("{:05}", o.y - o.b - 1)))
            .quiet(sample("sx-response")),
        case("E-009")
            .fire(or2().set(2, 20, "0"), err(2).cols(13, 44))
            .fire(or2().set(o.z, 50, "X"), err(o.z).cols(40, 80))
            .fire(or2().set(1, 21, "X"), err(1).cols(21, 25))
            .fire(or2().set(2, 2, "02"), err(2).cols(2, 3))
            .fire(or2().set(2, 2, "01"), warn(2).cols(2, 3))
            .quiet(or2())
            .quiet(sample("sx-response")),
        case("E-010")
            .fire(
                or2().set(1, 9, blank(6)),
                err(1).cols(9, 14).without(&["F-011"]),
            )
            .fire(or2().set(2, 8, "   "), err(2).cols(8, 10).without(&["F-011"]))
            .quiet(or2())
            .quiet(sample("so-status"))
            .quiet(sample("so-status").set(1, 9, blank(6))),
        case("E-011")
            .fire(or2().delete(o.se10, o.pg29), warn(o.b))
            .fire(or2().delete(o.b, o.y), warn(o.a))
            .quiet(or2()),
        case("E-012")
            .fire_bug(
                or2().set(o.z, 2, "2705"),
                warn(o.z),
                "E-012 points at the Z sender_site_code (2-5); SPEC 6.0 lists E-012 with columns null",
            )
            .quiet(or2()),
        // ---- OR: AMS organic profile ----
        case("OR-001")
            .fire(
                or2().cert(o.pg14, "417-20938561045-57321"),
                err(o.pg14).cols(9, 41),
            )
            .fire(or2().cert(o.pg14, "999-999-X"), err(o.pg14).cols(9, 41))
            .fire(
                or2().cert(o.pg14, "COOP-K9C-2026-000417"),
                err(o.pg14).cols(9, 41),
            )
            .quiet(or2())
            .quiet(or2().cert(o.pg14, "417-20938561045-57321").on("2024-03-18"))
            .quiet(or1()),
        case("OR-002")
            .fire(
                or2().cert(o.pg14, "2093856104"),
                err(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .quiet(or2()),
        case("OR-003")
            .fire(
                or2().cert(o.pg14, "417-2093856104-557321DRAFT"),
                err(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .fire(
                or2().cert(o.pg14, "417-2093856104-557321 draft"),
                err(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .fire(
                or1().cert(o1.id("PG14"), "DRAFT-K9C-2026"),
                err(o1.id("PG14")).cols(9, 41),
            )
            .quiet(or2()),
        case("OR-004")
            .fire(or1().cert(o1.id("PG14"), NOPIC), err(o1.id("PG01")).cols(14, 16))
            .fire(
                or1().cert(o1.id("PG14"), NOPIC).on("2026-02-05"),
                warn(o1.id("PG01")).cols(14, 16),
            )
            .quiet(or1())
            .quiet(or2()),
        case("OR-005")
            .fire(or1().cert(o1.id("PG14"), "333-550-R"), err(o1.id("PG01")).cols(14, 16))
            .fire(or1().cert(o1.id("PG14"), "999-999-T"), err(o1.id("PG01")).cols(14, 16))
            .quiet(or1().cert(o1.id("PG14"), "333-550-R").on("2024-09-12"))
            .quiet(or1())
            .quiet(or2().cert(o.pg14, "333-550-R")),
        case("OR-006")
            .fire(or1().enable("OR-006"), warn(o1.id("PG01")).any_cols())
            .fire(
                or1().enable("OR-006").on("2024-06-01"),
                warn(o1.id("PG01")).any_cols(),
            )
            .quiet(or1())
            .quiet(or2().enable("OR-006"))
            .quiet_bug(
                or1().enable("OR-006").on("2024-03-18"),
                "OR-006 has Since 2024-03-19 but fires on earlier as-of dates",
            ),
        case("OR-007")
            .fire(
                or2().cert(o.pg14, "999-999-T").on("2024-09-19"),
                warn(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .fire(
                or2().cert(o.pg14, "999-999-T").on("2024-09-20"),
                err(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .fire(
                or2().cert(o.pg14, "999-999-T"),
                err(o.pg14).cols(9, 41).without(&["OR-001"]),
            )
            .quiet(or2())
            .quiet(or2().cert(o.pg14, "333-550-R")),
        case("OR-008")
            .fire(
                or2().cert(o.pg14, "333-550-R").enable("OR-008"),
                warn(o.pg14).any_cols().without(&["OR-001"]),
            )
            .quiet(or2().cert(o.pg14, "333-550-R"))
            .quiet(or2().enable("OR-008"))
            .quiet_bug(
                or2().cert(o.pg14, "333-550-R").enable("OR-008").on("2024-08-31"),
                "OR-008 has Since 2024-09 but fires on earlier as-of dates",
            ),
        case("OR-009")
            .fire(
                or2().cert(o.pg14, "010-420-L").enable("OR-009").on("2025-10-01"),
                warn(o.pg14).any_cols().without(&["OR-001"]),
            )
            .quiet(or2().cert(o.pg14, "010-420-L").enable("OR-009").on("2025-09-30"))
            .quiet(or2().cert(o.pg14, "010-420-L"))
            .quiet(or2().enable("OR-009")),
        case("OR-010")
            .fire(no_oi_group().flags(&[("0804508020", Am8)]), err(o.se60))
            .fire(
                no_oi_group().flags(&[("0804508020", Am8)]).on("2024-09-18"),
                warn(o.se60),
            )
            .fire(
                no_oi_group().flags(&[("0804508020", Am7)]).on("2025-01-01"),
                warn(o.se60),
            )
            .quiet(or2().flags(&[("0804508020", Am8)]))
            .quiet(no_oi_group())
            .quiet(or2m().flags(&[("0813405000", Am8)])),
        case("OR-011")
            .fire(no_oi_group().flags(&[]).on("2026-02-13"), err(o.se60))
            .quiet(no_oi_group().flags(&[]).on("2026-02-12"))
            .quiet(or2().flags(&[]))
            .quiet(no_oi_group()),
        case("OR-012")
            .fire(or2().set(o.pg29, 5, "LB "), warn(o.pg29).any_cols())
            .quiet(or2()),
        case("OR-013")
            // Both ORC loops (the 6th and the 4th party) removed.
            .fire(
                or1().delete(p19(6), p21(6)).delete(p19(4), p21(4)),
                err(o1.id("PG01")).cbp("P46"),
            )
            .fire(or1().delete(p21(1), p21(1)), err(p19(1)).cbp("P47"))
            .fire(or1().delete(p20(1), p20(1)), err(p19(1)))
            .fire_bug(
                or1().delete(p20(1), p20(1)),
                err(p19(1)).no_cbp(),
                "OR-013 for a loop without PG20 carries P46 (\"PG19 missing\"); no dictionary code covers a missing PG20",
            )
            .fire(
                or1().set(p19(1), 26, blank(32)),
                err(p19(1)).cols(26, 57).no_cbp(),
            )
            .fire(
                or1().set(p19(1), 11, blank(15)),
                err(p19(1)).cols(11, 25),
            )
            .quiet(or1())
            .quiet(or2()),
        case("OR-014")
            .fire(
                or1().set(p19(1), 11, format!("{:<15}", "20938561")),
                err(p19(1)).cols(11, 25),
            )
            .fire(
                // The ORI loop (third party).
                or1().set(p19(3), 11, format!("{:<15}", "2093856104")),
                warn(p19(3)).cols(11, 25),
            )
            .quiet(or1()),
        case("OR-015")
            .fire(or1().delete(pg10(1), pg10(2)), err(o1.id("PG01")))
            .fire(
                or1()
                    .set(pg10(1), 24, blank(57))
                    .set(pg10(2), 24, blank(57)),
                err(o1.id("PG01")),
            )
            .fire(
                or1().delete(o1.id("PG22"), o1.id("PG22")),
                err(o1.id("PG01")).cbp("P48"),
            )
            .fire(
                or1().set(o1.id("PG22"), 21, "AM5 "),
                err(o1.id("PG01")),
            )
            // 2026 dictionary: P50 "Missing PG10 per PGA"; P36 is the PG22 document
            // identifier, so a PG22 with another declaration code carries no code.
            .fire(
                or1().delete(pg10(1), pg10(2)),
                err(o1.id("PG01")).cbp("P50"),
            )
            .fire(
                or1().set(o1.id("PG22"), 21, "AM5 "),
                err(o1.id("PG01")).no_cbp(),
            )
            .quiet(or1())
            .quiet_bug(
                or1().delete(pg10(1), pg10(2)).on("2025-06-30"),
                "OR-015 has Since \"2025-07 guide\" (2025-07-01 as for the disclaimer rules) but fires on earlier as-of dates",
            ),
        case("OR-016")
            .fire(
                or2().set(o.pg02, 6, "UNS 50407132"),
                warn(o.pg02).any_cols(),
            )
            .fire(or2().insert(o.pg25, pg24.clone()), warn(o.pg25).any_cols())
            .fire(
                or1().set(o1.id("PG02"), 6, "UNS 50407132"),
                warn(o1.id("PG02")).any_cols(),
            )
            .quiet(or2())
            .quiet(or1())
            .quiet_bug(
                or2().insert(o.pg25, pg24).on("2025-06-30"),
                "OR-016 has Since \"2025-07 guide\" but fires on earlier as-of dates",
            ),
        case("OR-017")
            .fire(
                or2m().set(om.nth("PG01", 3), 80, "B"),
                err(om.nth("PG01", 3)).cols(80, 80),
            )
            .fire(
                or2m().on("2025-06-30"),
                err(om.nth("PG01", 3)).cols(80, 80),
            )
            .quiet(or2m())
            .quiet(multi()),
        case("OR-018")
            .fire(second_anchor(NOPIC), warn(o.y + 4).any_cols())
            .quiet(second_anchor("582-6617034925-104388"))
            .quiet(or2m())
            .quiet_bug(
                second_anchor(NOPIC).on("2024-03-18"),
                "OR-018 has Since 2024-03-19 but fires on earlier as-of dates",
            ),
        case("OR-019")
            .never_fires(no_pg25().enable_all_opt_in())
            .never_fires(
                or1()
                    .delete(o1.nth("PG25", 1), o1.nth("PG25", 2))
                    .enable_all_opt_in(),
            )
            .quiet(or2()),
        case("OR-020")
            .fire(
                or1().enable("OR-020").departure("2026-02-20"),
                warn(o1.id("PG14")).any_cols(),
            )
            .quiet(or1().enable("OR-020").departure("2026-03-01"))
            .quiet(or1().departure("2026-02-20"))
            .quiet_bug(
                or1()
                    .enable("OR-020")
                    .departure("2024-08-01")
                    .on("2024-08-31")
                    .set(o1.id("PG14"), 43, "08152024"),
                "OR-020 has Since 2024-09 but fires on earlier as-of dates",
            ),
        case("OR-021")
            .fire(
                or2().enable("OR-021").importer_certified(false),
                warn(o.pg01).any_cols(),
            )
            .quiet(or2().enable("OR-021").importer_certified(true))
            .quiet(or2().importer_certified(false))
            .quiet_bug(
                or2()
                    .enable("OR-021")
                    .importer_certified(false)
                    .on("2024-09-18"),
                "OR-021 has Since 2024-09-19 but fires on earlier as-of dates",
            ),
        case("OR-022")
            .fire(
                or2().set(o.pg14, 51, "0000000182400000LB   "),
                warn(o.pg14)
                    .any_cols()
                    .msg(format!("line {}", o.pg14))
                    .msg(format!("line {}", o.pg29)),
            )
            .quiet(or2().set(o.pg14, 51, "0000000182400000KG   ")),
        case("OR-023")
            // The UC's PG20 (a US address), the EX's PG20 (Peru).
            .fire(
                or1().set(p20(2), 68, "9460     "),
                warn(p20(2)).any_cols(),
            )
            .quiet(or1())
            .quiet(or1().set(p20(1), 68, "2000     ")),
        case("OR-024")
            .fire(or2().enable("OR-024"), warn(o.pg01).any_cols())
            .quiet(or2())
            .quiet(every().enable("OR-024"))
            .quiet_bug(
                or2().enable("OR-024").on("2023-12-31"),
                "OR-024 has Since 2024 but fires on earlier as-of dates",
            ),
        case("OR-025")
            .fire(or2().set(o.pg01, 14, "3"), err(o.pg01).any_cols())
            .fire(or2().set(o.pg01, 14, "OR2"), err(o.pg01).any_cols())
            .quiet(or2())
            .quiet(or2m())
            .quiet(or2m().set(om.nth("PG01", 3), 14, "3")),
        case("OR-026")
            .fire(
                or2().delete(o.pg14, o.pg14),
                err(o.pg01).cbp("P45"),
            )
            .quiet(or2())
            .quiet(or2m()),
        case("OR-027")
            .fire(or2().set(o.pg14, 6, "AM9"), warn(o.pg01).any_cols())
            .quiet(or2()),
        case("OR-028")
            .fire(or2().delete(o.pg29, o.pg29), err(o.pg01).cbp("P53"))
            .fire(
                or2().set(o.pg29, 8, "000000000000"),
                err(o.pg29).any_cols(),
            )
            .quiet(or2())
            .quiet(or2m()),
        case("OR-029")
            .fire(
                or1()
                    .delete(o1.nth("PG25", 2), o1.nth("PG25", 2))
                    .enable("OR-029"),
                warn(o1.id("PG01")),
            )
            .fire(
                // The last ORP loop (7th party).
                or1().delete(p19(7), p21(7)).enable("OR-029"),
                warn(o1.id("PG01")),
            )
            .quiet(or1().enable("OR-029"))
            .quiet(or1().delete(o1.nth("PG25", 2), o1.nth("PG25", 2))),
        case("OR-030")
            .fire(
                // A copy of the first ORC loop (4th party) before the PG22, role ORX.
                or1()
                    .insert(o1.id("PG22"), rec_of("or1-full", p19(4)))
                    .insert(o1.id("PG22") + 1, rec_of("or1-full", p20(4)))
                    .insert(o1.id("PG22") + 2, rec_of("or1-full", p21(4)))
                    .set(o1.id("PG22"), 5, "ORX"),
                err(o1.id("PG22")).cols(5, 7).cbp("P13"),
            )
            .quiet(or1()),
        case("OR-031")
            .fire(
                // A second EX loop after the first.
                or1()
                    .insert(p19(2), rec_of("or1-full", p19(1)))
                    .insert(p19(2) + 1, rec_of("or1-full", p20(1)))
                    .insert(p19(2) + 2, rec_of("or1-full", p21(1))),
                err(p19(2)).any_cols(),
            )
            .quiet(or1()),
        case("OR-032")
            .fire(
                or1().set(o1.id("PG01"), 42, blank(16)),
                err(o1.id("PG01")).cols(42, 57),
            )
            .quiet(or1())
            .quiet(or2()),
        case("OR-033")
            .fire(
                or1().set(o1.id("PG24"), 8, "A12  ").enable("OR-033"),
                warn(o1.id("PG24")).any_cols(),
            )
            .fire(
                or1().set(o1.id("PG24"), 5, "AM2").enable("OR-033"),
                warn(o1.id("PG24")).any_cols(),
            )
            .quiet(or1().enable("OR-033"))
            .quiet(or1().set(o1.id("PG24"), 8, "A11  ").enable("OR-033"))
            .quiet(or1().set(o1.id("PG24"), 8, "A12  ")),
    ]
}

// ---------------------------------------------------------------------------------------
// SPEC rule ids.

fn is_rule_id(s: &str) -> bool {
    let Some((prefix, num)) = s.split_once('-') else {
        return false;
    };
    matches!(prefix, "F" | "S" | "E" | "OR")
        && num.len() == 3
        && num.bytes().all(|c| c.is_ascii_digit())
}

/// Every rule id that is the first cell of a table row in SPEC.md section 6, except retired
/// ones (check cell "Retired …": never fire, not in the catalogue).
fn spec_rule_ids() -> BTreeSet<String> {
    let text = String::from_utf8(read("spec/SPEC.md")).unwrap_or_default();
    let mut in6 = false;
    let mut ids = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("## ") {
            in6 = line.starts_with("## 6.");
            continue;
        }
        if !in6 {
            continue;
        }
        let Some(rest) = line.strip_prefix('|') else {
            continue;
        };
        let mut cells = rest.split('|').map(str::trim);
        let first = cells.next().unwrap_or("");
        let retired = cells.next().is_some_and(|c| c.starts_with("Retired"));
        if retired {
            assert!(
                ace_pga::validate::retired(first).is_some(),
                "{first} is retired in SPEC 6 but not in validate::RETIRED"
            );
            continue;
        }
        if is_rule_id(first) {
            assert!(
                ids.insert(first.to_string()),
                "{first} listed twice in SPEC 6"
            );
        }
    }
    ids
}

// ---------------------------------------------------------------------------------------
// Running probes.

fn show(r: &Report) -> String {
    r.findings.iter().map(|f| format!("    {f}\n")).collect()
}

/// Checks a fire probe; `exact` also checks line, columns and CBP code.
fn check_fire(id: &str, input: &Input, exp: &Exp, exact: bool) -> Result<(), String> {
    let r = input.report();
    let hit = r.findings.iter().any(|f| {
        f.rule == id
            && f.severity == exp.sev
            && (!exact
                || (f.location.line == exp.line
                    && match exp.cols {
                        Cols::Any => true,
                        Cols::Null => f.location.columns.is_none(),
                        Cols::At(s, e) => f.location.columns == Some((s, e)),
                    }
                    && exp.cbp.is_none_or(|c| f.cbp_code == c)
                    && exp.offset.is_none_or(|o| f.location.offset == o)
                    && exp.msg.iter().all(|m| f.message.contains(m))))
    });
    let mut why = Vec::new();
    if !hit {
        why.push(format!(
            "expected {id} {:?} line {:?} columns {:?}{}{}{}",
            exp.sev,
            exp.line,
            exp.cols,
            exp.cbp.map(|c| format!(" CBP {c:?}")).unwrap_or_default(),
            exp.offset
                .map(|o| format!(" offset {o}"))
                .unwrap_or_default(),
            if exp.msg.is_empty() {
                String::new()
            } else {
                format!(" message containing {:?}", exp.msg)
            }
        ));
    }
    for a in &exp.absent {
        if r.findings.iter().any(|f| f.rule == *a) {
            why.push(format!("{a} must not fire together with {id} (SPEC 6.0)"));
        }
    }
    if exp.sole && r.findings.len() != 1 {
        why.push(format!(
            "expected exactly one finding, got {}",
            r.findings.len()
        ));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{id} FIRE on [{}]: {}\n  report:\n{}",
            input.what,
            why.join("; "),
            show(&r)
        ))
    }
}

fn check_quiet(id: &str, input: &Input, label: &str) -> Result<(), String> {
    let r = input.report();
    if r.findings.iter().any(|f| f.rule == id) {
        Err(format!(
            "{id} {label} on [{}] but it fired:\n{}",
            input.what,
            show(&r)
        ))
    } else {
        Ok(())
    }
}

fn check_probe(id: &str, p: &Probe) -> Result<(), String> {
    match p {
        Probe::Fire {
            input,
            exp,
            src_bug,
        } => check_fire(id, input, exp, src_bug.is_none()),
        Probe::Quiet {
            src_bug: Some(_), ..
        } => Ok(()),
        Probe::Quiet { input, .. } => check_quiet(id, input, "QUIET"),
        Probe::NeverFires(input) => check_quiet(id, input, "is a non-rule and must NEVER fire"),
        Probe::EncodeFire(what, r) => match r {
            Err(e) if e.kind.rule() == id => {
                // The error names record, field and byte columns.
                if e.start == 0 || e.end < e.start || e.record.is_empty() || e.field.is_empty() {
                    Err(format!("{id} [{what}]: incomplete error {e:?}"))
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(format!("{id} [{what}]: refused as {} ({e})", e.kind.rule())),
            Ok(b) => Err(format!(
                "{id} [{what}]: serializer accepted it: {:?}",
                String::from_utf8_lossy(b)
            )),
        },
        Probe::EncodeQuiet(what, r, want) => match r {
            Ok(b) if b[..] == want[..] => Ok(()),
            Ok(b) => Err(format!(
                "{id} [{what}]: wrote {:?}, expected {:?}",
                String::from_utf8_lossy(b),
                String::from_utf8_lossy(want)
            )),
            Err(e) => Err(format!("{id} [{what}]: refused: {e}")),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Tests.

#[test]
fn spec_rule_ids_are_extracted() {
    let ids = spec_rule_ids();
    // F-001..F-023 without the retired F-004, F-030..F-032, S-001..S-024, E-001..E-012,
    // OR-001..OR-033 (SPEC 6, revision 6.2).
    assert_eq!(ids.len(), 22 + 3 + 24 + 12 + 33, "{ids:?}");
    assert!(!ids.contains("F-004"));
    assert!(ids.contains("F-001") && ids.contains("OR-033") && ids.contains("E-012"));
}

#[test]
fn every_spec_rule_has_a_case_and_is_in_the_catalogue() {
    let spec = spec_rule_ids();
    let table = cases();
    let mut seen = BTreeSet::new();
    for c in &table {
        assert!(seen.insert(c.id), "{} has two table entries", c.id);
    }
    let seen: BTreeSet<String> = seen.iter().map(|s| (*s).to_string()).collect();
    let missing: Vec<&String> = spec.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "SPEC rules without a test case: {missing:?}"
    );
    let extra: Vec<&String> = seen.difference(&spec).collect();
    assert!(
        extra.is_empty(),
        "test cases for ids not in SPEC 6: {extra:?}"
    );
    let catalogue: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(
        catalogue, spec,
        "validate::RULES and SPEC 6 list different rule ids"
    );
    // Each case can fire (OR-019: must never fire) and has a quiet input.
    for c in &table {
        let fires = c.probes.iter().any(|p| {
            matches!(
                p,
                Probe::Fire { .. } | Probe::EncodeFire(..) | Probe::NeverFires(_)
            )
        });
        let quiet = c.probes.iter().any(|p| {
            matches!(
                p,
                Probe::Quiet { src_bug: None, .. } | Probe::EncodeQuiet(..)
            )
        });
        assert!(fires && quiet, "{}: needs a fire and a quiet probe", c.id);
        let never = c.probes.iter().any(|p| matches!(p, Probe::NeverFires(_)));
        assert_eq!(
            never,
            c.id == "OR-019",
            "{}: NeverFires is for OR-019 only",
            c.id
        );
    }
}

#[test]
fn every_rule_fires_and_stays_quiet() {
    let mut failures = Vec::new();
    let mut probes = 0;
    for c in cases() {
        for p in &c.probes {
            probes += 1;
            if let Err(e) = check_probe(c.id, p) {
                failures.push(e);
            }
        }
    }
    assert!(probes > 200, "only {probes} probes");
    assert!(
        failures.is_empty(),
        "{} of {probes} probes failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn default_severities_match_spec_tables() {
    // Severity column of SPEC 6.1–6.4 ("error …" / "warning …"; OR-019 has none).
    let text = String::from_utf8(read("spec/SPEC.md")).unwrap_or_default();
    let mut in6 = false;
    let mut checked = 0;
    for line in text.lines() {
        if line.starts_with("## ") {
            in6 = line.starts_with("## 6.");
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if !in6 || cells.len() < 4 || !is_rule_id(cells[1]) {
            continue;
        }
        let id = cells[1];
        if ace_pga::validate::retired(id).is_some() {
            continue;
        }
        let sev = cells[3];
        let r = rule(id).unwrap_or_else(|| panic!("{id} not in RULES"));
        let want = if sev.starts_with("error") {
            Some(Severity::Error)
        } else if sev.starts_with("warning") {
            Some(Severity::Warning)
        } else {
            None
        };
        if let Some(w) = want {
            assert_eq!(r.severity, w, "{id}: SPEC says \"{sev}\"");
            checked += 1;
        }
        assert_eq!(
            r.opt_in,
            sev.contains("opt-in"),
            "{id}: SPEC says \"{sev}\""
        );
    }
    assert!(checked >= 90, "only {checked} severities checked");
}

#[test]
fn spec_anchors_of_known_src_deviations() {
    let mut failures = Vec::new();
    let mut n = 0;
    for c in cases() {
        for p in &c.probes {
            let (res, why) = match p {
                Probe::Fire {
                    input,
                    exp,
                    src_bug: Some(why),
                } => (check_fire(c.id, input, exp, true), why),
                Probe::Quiet {
                    input,
                    src_bug: Some(why),
                } => (check_quiet(c.id, input, "QUIET"), why),
                _ => continue,
            };
            n += 1;
            if let Err(e) = res {
                failures.push(format!("{e}\n  known deviation: {why}"));
            }
        }
    }
    assert!(n > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
