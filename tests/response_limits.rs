//! Response correlation stays linear in its input (submission + responses), whatever the
//! responses address: each `SE90` / `SO70` is stored once, a line keeps at most
//! `Limits::max_per_line` references of each kind and counts the rest, and the index finds
//! the same lines as the matching rules (`LineAddress::same_line`,
//! `AgencyDisposition::addresses`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ace_pga::response::{Correlation, Limits, Scope, Status, Unmatched};
use ace_pga::Transmission;

// ---------------------------------------------------------------------------------------
// A global allocator that tracks live and peak heap bytes.
// ---------------------------------------------------------------------------------------

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwards to the system allocator with the same layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Tests of this file run one at a time, so that the peak measured is one test's.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` and returns its result with the heap bytes it added at its peak.
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

// ---------------------------------------------------------------------------------------
// Inputs built in code.
// ---------------------------------------------------------------------------------------

fn rec(out: &mut String, s: &str) {
    assert!(s.len() <= 80, "{s}");
    out.push_str(&format!("{s:<80}\n"));
}

fn envelope_start(out: &mut String, app: &str) {
    rec(
        out,
        &format!("A2704Q7KPW4821031626     {app}          01                    ORGFIX-000101"),
    );
    rec(
        out,
        &format!("B  2704Q7K{app}                                01             BLK-000101"),
    );
}

/// The Cargo Release header of or2-single (SPEC 3.7, `host-records.csv`): `SE10` (entry
/// `Q7K` `31547727`, check digit 7), `SE13` contact, `SE15` bill.
const SE10: &str = "SE10AQ7K  31547727 01EI 86-44172030011800000048502704  2704";
const SE13: &str = "SE13DANA WHITFIELD                          5105550142";
const SE15: &str = "SE15RMEDU4829301756                                        00000480     N";
/// or2-single's `SE60`: HTS 0804508020, value 4850.
const SE60: &str = "SE6008045080200000004850";
/// so-status's `SO10` for the same entry (CBP's layout: filer code 9-11, entry 14-21).
const SO10: &str = "SO102704Q7K  31547727 0186-441720300MEDUMSC ARIANE          NX611031726";

fn envelope_end(out: &mut String, app: &str) {
    rec(
        out,
        &format!("Y  2704Q7K{app}                                01"),
    );
    rec(out, "Z2704Q7K      031626                 01");
}

/// One entry (Q7K 31547727) with `cbp_lines` CBP lines, each with one HTS anchor and one OI
/// holding `per_line` AMS OR2 lines (PGA line numbers 1 …).
fn submission(cbp_lines: usize, per_line: usize) -> String {
    let mut s = String::new();
    envelope_start(&mut s, "SE");
    for host in [SE10, SE13, SE15] {
        rec(&mut s, host);
    }
    for c in 1..=cbp_lines {
        rec(&mut s, &format!("SE40{c:03}PE ORGANIC FRESH MANGOES"));
        rec(&mut s, SE60);
        rec(
            &mut s,
            "OI        ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS",
        );
        for p in 1..=per_line {
            rec(&mut s, &format!("PG01{p:03}AMSOR 2"));
            rec(&mut s, "PG141AM1417-2093856104-557321");
        }
    }
    envelope_end(&mut s, "SE");
    s
}

/// An SX response with `n` final SE90s (02, accepted) for the entry: each addresses every
/// line.
fn finals(n: usize) -> String {
    let mut s = String::new();
    envelope_start(&mut s, "SX");
    rec(&mut s, SE10);
    for _ in 0..n {
        rec(&mut s, "SE9002   CARGO RELEASE DATA ACCEPTED");
    }
    envelope_end(&mut s, "SX");
    s
}

/// An SO notification with `n` SO70s of the same date and time addressing every AMS line
/// (range 0001/1/001 – 9999/9/999): `10` document required, the last one `07` may proceed.
fn dispositions(n: usize) -> String {
    let mut s = String::new();
    envelope_start(&mut s, "SO");
    rec(&mut s, SO10);
    for i in 0..n {
        let (code, msg) = if i + 1 == n {
            ("07", "MAY PROCEED")
        } else {
            ("10", "DOCUMENT REQUIRED")
        };
        rec(
            &mut s,
            &format!("SO70AMSOR 0317261140{code}{msg:<28}  {code}  0001100199999999      02"),
        );
    }
    envelope_end(&mut s, "SO");
    s
}

/// The SX echo of [`submission`] with `per_oi` SE90s on every OI (shared by every line
/// under it) and one SE90 after every PG01.
fn echo(cbp_lines: usize, per_line: usize, per_oi: usize) -> String {
    let mut s = String::new();
    envelope_start(&mut s, "SX");
    for host in [SE10, SE13, SE15] {
        rec(&mut s, host);
    }
    for c in 1..=cbp_lines {
        rec(&mut s, &format!("SE40{c:03}PE ORGANIC FRESH MANGOES"));
        rec(&mut s, SE60);
        rec(
            &mut s,
            "OI        ORGANIC FRESH MANGOES, KENT, IN 4 KG CARTONS",
        );
        for _ in 0..per_oi {
            rec(&mut s, "SE9013OI1OI DATA RECEIVED");
        }
        for p in 1..=per_line {
            rec(&mut s, &format!("PG01{p:03}AMSOR 2"));
            rec(
                &mut s,
                "SE9013PW2AMS OR DATA RECEIVED - SUBJECT TO AGENCY REVIEW",
            );
            rec(&mut s, "PG141AM1417-2093856104-557321");
        }
    }
    envelope_end(&mut s, "SX");
    s
}

fn parse(s: &str) -> Transmission<'_> {
    Transmission::parse(s.as_bytes()).expect("generated input parses")
}

// ---------------------------------------------------------------------------------------
// Memory: stored once, capped per line, counted.
// ---------------------------------------------------------------------------------------

#[test]
fn conditions_and_dispositions_are_stored_once_not_per_line() {
    let _serial = serial();
    const CBP: usize = 4;
    const PER: usize = 500; // 2,000 PGA lines
    const N: usize = 2_000; // records of each response kind
    let sub = submission(CBP, PER);
    let (sx, so, ex) = (finals(N), dispositions(N), echo(CBP, PER, N / CBP));
    let (sub_t, sx_t, so_t, ex_t) = (parse(&sub), parse(&sx), parse(&so), parse(&ex));

    let (book, peak) = peak_bytes(|| {
        let mut book = Correlation::new(&sub_t);
        book.add_response("sx", &sx_t);
        book.add_response("so", &so_t);
        book.add_response("echo", &ex_t);
        book
    });
    let lines = CBP * PER;
    assert_eq!(book.lines().len(), lines);

    // Each SE90 and SO70 is stored once: at most as many as the responses hold, not
    // lines × records (4,000,000 for the final SE90s alone on the old per-line copies).
    let se90_records = N + N + lines; // finals, OI SE90s, one per echoed PG01
    assert!(
        book.conditions().len() <= se90_records,
        "{} conditions stored for {se90_records} SE90 records",
        book.conditions().len()
    );
    assert_eq!(book.dispositions().len(), N);

    // References per line are capped, the rest counted.
    let cap = Limits::DEFAULT_MAX_PER_LINE;
    let mut refs = 0usize;
    for l in book.lines() {
        assert_eq!(l.cargo_release().len(), cap);
        assert_eq!(l.dispositions().len(), cap);
        assert_eq!(l.conditions().len(), cap);
        let d = l.dropped();
        assert_eq!(d.cargo_release, (N - cap) as u64);
        assert_eq!(d.dispositions, (N - cap) as u64);
        // N / CBP OI SE90s + the line's own SE90.
        assert_eq!(d.conditions, (N / CBP + 1 - cap) as u64);
        refs += l.cargo_release().len() + l.dispositions().len() + l.conditions().len();
        // The status counts what was not recorded: the last SO70 (07) is the latest.
        assert_eq!(l.status(), Status::MayProceed);
        let latest = l.latest().expect("latest");
        assert_eq!(latest.status_code(), Some("07"));
        assert_eq!(latest.source.line as usize, 3 + N);
    }
    assert!(refs <= lines * 3 * cap);
    let summaries: Vec<u64> = book.responses.iter().map(|r| r.dropped).collect();
    let per_line_drop = (N - cap) as u64 * lines as u64;
    assert_eq!(summaries[0], per_line_drop);
    assert_eq!(summaries[1], per_line_drop);
    assert_eq!(summaries[2], (N / CBP + 1 - cap) as u64 * lines as u64);
    assert_eq!(book.responses[0].conditions_matched, N);
    assert_eq!(book.responses[1].dispositions_matched, N);
    assert_eq!(book.responses[2].conditions_matched, N + lines);
    assert!(book.unmatched.is_empty());

    // Heap: proportional to the input (a few MiB here); the per-line copies of the old
    // correlation took gigabytes on this input.
    let input = sub.len() + sx.len() + so.len() + ex.len();
    assert!(
        peak < 16 * input,
        "correlation peaked at {peak} bytes for {input} bytes of input"
    );
}

#[test]
fn a_small_limit_keeps_the_first_references_and_the_status_counts_them_all() {
    let _serial = serial();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-samples/valid/");
    let read = |f: &str| std::fs::read(format!("{dir}{f}")).expect("sample");
    let (sub, sx, so) = (
        read("or2-single.txt"),
        read("sx-response.txt"),
        read("so-status.txt"),
    );
    let limits = Limits::default().with_max_per_line(1);
    let mut book = Correlation::with_limits(&Transmission::parse(&sub).expect("sub"), limits);
    assert_eq!(book.limits().max_per_line, 1);
    let s1 = book.add_response("sx", &Transmission::parse(&sx).expect("sx"));
    let s2 = book.add_response("so", &Transmission::parse(&so).expect("so"));
    assert_eq!((s1.dropped, s2.dropped), (0, 1));
    assert_eq!(s2.dispositions_matched, 2);

    let l = book.line(0).expect("a line");
    assert_eq!(l.conditions().len(), 1);
    assert_eq!(l.cargo_release().len(), 1);
    // The first disposition (10 document required) is kept, the 07 counted as dropped …
    let kept: Vec<_> = l.dispositions().map(|d| d.status_code()).collect();
    assert_eq!(kept, [Some("10")]);
    assert_eq!(l.dropped().dispositions, 1);
    assert_eq!(l.dropped().total(), 1);
    assert_eq!(l.history().len(), 1);
    // … and still decides the status.
    assert_eq!(l.status(), Status::MayProceed);
    assert_eq!(l.latest().and_then(|d| d.status_code()), Some("07"));
    // Both stored once in the correlation.
    assert_eq!(book.dispositions().len(), 2);

    #[cfg(feature = "serde")]
    {
        let v = serde_json::to_value(l).expect("json");
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "cargo_release",
                "conditions",
                "dispositions",
                "dropped",
                "line"
            ]
        );
        assert_eq!(v["dropped"]["dispositions"], 1);
        assert_eq!(v["dispositions"].as_array().map(Vec::len), Some(1));
        let summary = serde_json::to_value(&book.responses[1]).expect("json");
        assert_eq!(summary["dropped"], 1);
    }

    // With the default limit nothing is dropped and the JSON has no "dropped".
    let mut book = Correlation::new(&Transmission::parse(&sub).expect("sub"));
    book.add_response("sx", &Transmission::parse(&sx).expect("sx"));
    book.add_response("so", &Transmission::parse(&so).expect("so"));
    let l = book.line(0).expect("a line");
    assert!(l.dropped().is_empty());
    assert_eq!(l.dispositions().len(), 2);
    #[cfg(feature = "serde")]
    {
        let v = serde_json::to_value(l).expect("json");
        assert!(v.get("dropped").is_none());
        assert!(serde_json::to_value(&book.responses[1])
            .expect("json")
            .get("dropped")
            .is_none());
        let whole = serde_json::to_value(&book).expect("json");
        let mut keys: Vec<&str> = whole
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["batch_user_data", "lines", "responses", "unmatched"]);
        assert_eq!(whole["lines"][0], v);
    }
}

#[test]
fn a_zero_limit_records_nothing_and_counts_everything() {
    let _serial = serial();
    let sub = submission(2, 3);
    let (sx, so) = (finals(2), dispositions(3));
    let mut book = Correlation::with_limits(&parse(&sub), Limits::default().with_max_per_line(0));
    let a = book.add_response("sx", &parse(&sx));
    let b = book.add_response("so", &parse(&so));
    assert_eq!((a.dropped, b.dropped), (2 * 6, 3 * 6));
    for l in book.lines() {
        assert_eq!(l.cargo_release().len() + l.dispositions().len(), 0);
        assert_eq!(l.status(), Status::MayProceed);
    }
}

// ---------------------------------------------------------------------------------------
// The index finds what the matching rules say.
// ---------------------------------------------------------------------------------------

/// A small deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FILERS: &[&str] = &["Q7K", "   ", "ABC"];
/// Entry numbers with their check digit (or2-single's and or2-multi's, SPEC 3.7).
const NUMBERS: &[&str] = &["31547727", "31547735"];
const AGENCIES: &[&str] = &["AMS", "FDA"];

/// A random submission (entries with and without filer code, repeated CBP lines, OIs with
/// and without HTS anchor, duplicate addresses) and its SX echo with SE90s after random
/// echoed PG01s (an echoed filer code sometimes differs).
fn random_case(r: &mut Rng) -> (String, String) {
    let (mut sub, mut sx) = (String::new(), String::new());
    envelope_start(&mut sub, "SE");
    envelope_start(&mut sx, "SX");
    for _ in 0..=r.below(3) {
        let (filer, number) = (r.pick(FILERS), r.pick(NUMBERS));
        let has_entry = r.chance(90);
        let echo_filer = if r.chance(20) { r.pick(FILERS) } else { filer };
        if has_entry {
            // SE10 as in the samples (SPEC 3.7): filer code 6-8, entry number 11-18.
            let tail = "01EI 86-44172030011800000048502704  2704";
            rec(&mut sub, &format!("SE10A{filer}  {number} {tail}"));
            rec(&mut sx, &format!("SE10A{echo_filer}  {number} {tail}"));
            for out in [&mut sub, &mut sx] {
                rec(out, SE13);
                rec(out, SE15);
            }
        }
        for _ in 0..=r.below(3) {
            let cbp = 1 + r.below(3);
            for out in [&mut sub, &mut sx] {
                rec(out, &format!("SE40{cbp:03}PE MANGOES"));
            }
            for _ in 0..=r.below(2) {
                let anchored = r.chance(80);
                for out in [&mut sub, &mut sx] {
                    if anchored {
                        rec(out, SE60);
                    }
                    rec(out, "OI        MANGOES");
                }
                for _ in 0..=r.below(4) {
                    let (agency, p) = (r.pick(AGENCIES), 1 + r.below(3));
                    let line = format!("PG01{p:03}{agency}OR 2");
                    rec(&mut sub, &line);
                    if r.chance(85) {
                        rec(&mut sx, &line);
                        if r.chance(60) {
                            rec(&mut sx, "SE9013PW2DATA RECEIVED");
                        }
                    }
                }
            }
        }
    }
    envelope_end(&mut sub, "SE");
    envelope_end(&mut sx, "SX");
    (sub, sx)
}

/// A random SO notification: SO70s with and without SO10 or SO71 EN reference, blank or
/// set ranges, blank versions, other agencies.
fn random_notification(r: &mut Rng) -> String {
    let mut so = String::new();
    envelope_start(&mut so, "SO");
    for _ in 0..=r.below(8) {
        if r.chance(70) {
            // SO10 as CBP lays it out (SPEC 3.7): filer code 9-11, entry number 14-21.
            rec(
                &mut so,
                &format!(
                    "SO102704{}  {} 0186-441720300MEDUMSC ARIANE          NX611031726",
                    r.pick(FILERS),
                    r.pick(NUMBERS)
                ),
            );
        }
        let agency = r.pick(&["AMS", "FDA", "APH", "   "]);
        let code = r.pick(&["07", "10", "04"]);
        let (hh, mm) = (10 + r.below(3), 10 * r.below(6));
        let range = if r.chance(25) {
            " ".repeat(16)
        } else {
            let (c, t, p) = (1 + r.below(3), r.below(3), 1 + r.below(3));
            let (c2, t2, p2) = (c + r.below(2), r.below(3), 1 + r.below(3));
            format!("{c:04}{t}{p:03}{c2:04}{t2}{p2:03}")
        };
        let version = if r.chance(90) { "02" } else { "  " };
        rec(
            &mut so,
            &format!(
                "SO70{agency}OR 031726{hh:02}{mm:02}{code}{:<28}  {code}  {range}      {version}",
                "STATUS"
            ),
        );
        if r.chance(40) {
            let filer = r.pick(&["Q7K", "ABC"]);
            rec(
                &mut so,
                &format!("SO71EN{filer}{} 031726091107A01", r.pick(NUMBERS)),
            );
        }
    }
    envelope_end(&mut so, "SO");
    so
}

#[test]
fn the_index_finds_the_lines_the_matching_rules_name() {
    let _serial = serial();
    let mut r = Rng(0x05ee_dace_c0de);
    let (mut lines_seen, mut matched_dispositions, mut matched_conditions) = (0, 0, 0);
    for _ in 0..150 {
        let (sub, sx) = random_case(&mut r);
        let so = random_notification(&mut r);
        let (sub_t, sx_t, so_t) = (parse(&sub), parse(&sx), parse(&so));
        let mut book = Correlation::new(&sub_t);
        book.add_response("sx", &sx_t);
        book.add_response("so", &so_t);

        // SO70: every line's dispositions are exactly the stored ones that address it, in
        // arrival order; an unmatched one addresses no line.
        for l in book.lines() {
            lines_seen += 1;
            let want: Vec<_> = book
                .dispositions()
                .iter()
                .filter(|d| d.addresses(&l.line.address))
                .collect();
            let got: Vec<_> = l.dispositions().collect();
            assert_eq!(got.len(), want.len(), "{}\n{sub}\n{so}", l.line.address);
            assert!(got.iter().zip(&want).all(|(a, b)| std::ptr::eq(*a, *b)));
            matched_dispositions += got.len();
        }
        for d in book.dispositions() {
            assert!(book.lines().any(|l| d.addresses(&l.line.address)));
        }
        for u in &book.unmatched {
            if let Unmatched::Disposition(d) = u {
                assert!(!book.lines().any(|l| d.addresses(&l.line.address)));
            }
        }

        // SX echo: the SE90 after an echoed PG01 goes to every submitted line with the same
        // address (read the echo's addresses by indexing it as a submission).
        let echoed = Correlation::new(&sx_t);
        for l in book.lines() {
            let want: Vec<u32> = echoed
                .lines()
                .filter(|e| e.line.address.same_line(&l.line.address))
                .map(|e| e.line.pg01_line + 1)
                .filter(|&se90| {
                    sx.lines()
                        .nth(se90 as usize - 1)
                        .is_some_and(|t| t.starts_with("SE90"))
                })
                .collect();
            let got: Vec<u32> = l
                .conditions()
                .filter(|c| c.scope == Scope::Line)
                .map(|c| c.source.line)
                .collect();
            assert_eq!(got, want, "{}\n{sub}\n{sx}", l.line.address);
            matched_conditions += got.len();
        }
    }
    // The generator exercises the matching.
    assert!(lines_seen > 500, "{lines_seen}");
    assert!(matched_dispositions > 200, "{matched_dispositions}");
    assert!(matched_conditions > 200, "{matched_conditions}");
}
