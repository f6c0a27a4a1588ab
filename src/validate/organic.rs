//! OR rules (SPEC 6.4, 5): the AMS organic profile (CSMS #59847491, #61139474, #61723113,
//! #62228844, #67645994; AMS supplemental guide 07-2025 as quoted by vendors).
//!
//! One pass per OI group: a line whose PG01 is not AMS OR costs two field reads; an OR line
//! is read in one walk over its child records into [`Facts`] (a scratch owned by the run and
//! cleared per line, so no allocation per line), and the rules read those facts. Text fields
//! are compared as bytes ([`bytes_of`]); a value becomes text only where a finding or a
//! certificate needs it.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{CodeList, CodeRow};
use crate::error::Severity;
use crate::layout::FieldDef;
use crate::profile::ams_or::{CertificateNumber, MessageType};
use crate::records::Record;
use crate::records::{Pg01, Pg02, Pg10, Pg14, Pg19, Pg20, Pg22, Pg24, Pg25, Pg29};
use crate::records::{RecordType, View};
use crate::transmission::Transmission;
use crate::tree::{EntityLoop, Node, OiGroup, PgaItem, PgaLine};

use super::{At, RuleId, Sink, TariffFlag, AMS_RULESET};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The HTS number of an anchor record (`SE60` 5–14, `50` 3–12), from
/// [`crate::records::host::hts_number`].
pub(crate) fn hts_number<'a>(anchor: &Record<'a>) -> Option<&'a str> {
    let raw: &'a [u8] = anchor.raw();
    // The two anchor identifiers named without making the identifier text.
    let id = match anchor.id_bytes() {
        b"SE60" => "SE60",
        b"50" => "50",
        _ => return None,
    };
    crate::records::host::hts_number(id, raw)
}

/// Rule-set version named by a disclaimer-rules row's scope ("AMS rule set 2025-07 …").
fn ruleset_of(row: &CodeRow) -> &'static str {
    if row.scope.contains("2016") {
        "ams-2016-09"
    } else {
        AMS_RULESET
    }
}

/// Programs (and processing code) a disclaimer-rules row allows, from its scope text.
fn row_allows(row: &CodeRow, program: &str, processing: Option<&str>) -> bool {
    let Some(start) = row.scope.find('(') else {
        return false;
    };
    let inner = row
        .scope
        .get(start + 1..)
        .unwrap_or("")
        .trim_end_matches(')');
    let mut parts = inner.split(", processing ");
    let programs = parts
        .next()
        .unwrap_or("")
        .trim_start_matches("programs ")
        .trim_start_matches("program ");
    let program_ok = programs.split(", ").any(|p| p.trim() == program);
    let processing_ok = match parts.next() {
        Some(p) => processing.is_some_and(|x| x == p.trim()),
        None => true,
    };
    program_ok && processing_ok
}

/// The bytes of text field `f` of `r` as [`super::text_of`] reads them (without trailing
/// spaces; `None` when blank or not ASCII), not made text: a rule that compares a field with
/// a code needs no UTF-8 check.
#[inline]
fn bytes_of<'a>(r: &Record<'a>, f: &FieldDef) -> Option<&'a [u8]> {
    let b = f.slice(r.raw());
    let end = crate::layout::trimmed_len(b);
    b.get(..end).filter(|v| !v.is_empty() && v.is_ascii())
}

/// ASCII bytes from [`bytes_of`] as text (never fails on them).
fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// [`super::text_of`] through [`bytes_of`].
fn text_of<'a>(r: &Record<'a>, f: &FieldDef) -> Option<&'a str> {
    bytes_of(r, f).and_then(|b| std::str::from_utf8(b).ok())
}

/// Whether a field read by [`bytes_of`] is `code` (a fixed-size code: compared inline).
#[inline]
fn is<const N: usize>(b: Option<&[u8]>, code: &[u8; N]) -> bool {
    matches!(b, Some(v) if v == code)
}

/// A record identifier of four bytes as one word (`0` for other lengths): the identifiers
/// a rule asks for are compared as words, not as slices.
#[inline]
fn id4(r: &Record<'_>) -> u32 {
    <[u8; 4]>::try_from(r.id_bytes()).map_or(0, u32::from_le_bytes)
}

/// The word [`id4`] gives for identifier `id`.
const fn word(id: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*id)
}

const PG10: u32 = word(b"PG10");
const PG14: u32 = word(b"PG14");
const PG19: u32 = word(b"PG19");
const PG20: u32 = word(b"PG20");
const PG21: u32 = word(b"PG21");
const PG22: u32 = word(b"PG22");
const PG24: u32 = word(b"PG24");
const PG27: u32 = word(b"PG27");
const PG29: u32 = word(b"PG29");

/// The value of an implied-decimal `N` field `f` (such as [`Pg29::QUANTITY_LINE_NET`]) of
/// `r` as the record's typed view reads it: `None` when blank or not a number. A field of
/// exactly its width in digits (or all spaces) is read here; anything else (a short record,
/// a lenient space-padded value, a bad byte) goes through [`FieldDef::read`].
fn dec_of(r: &Record<'_>, f: &FieldDef) -> Option<Decimal> {
    let b = f.slice(r.raw());
    // Up to 18 digits fit a `u64` (the widths of the layouts stay below that).
    if let (true, crate::layout::Kind::Dec(scale)) = (b.len() == f.len() && b.len() <= 18, f.kind) {
        if b.iter().all(u8::is_ascii_digit) {
            let m = b
                .iter()
                .fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            return Some(Decimal::from_i128_with_scale(
                i128::from(m),
                u32::from(scale),
            ));
        }
        if b.iter().all(|&c| c == b' ') {
            return None;
        }
    }
    match f.read(r.raw(), r.lenient_numeric()) {
        Ok(Some(crate::layout::FieldValue::Dec(d))) => Some(d),
        _ => None,
    }
}

/// Whether a PGA line's PG01 carries a disclaimer (what [`OiGroup::data_sharing`] asks).
fn disclaimed(line: &PgaLine<Record<'_>>) -> bool {
    let r = &line.pg01.record;
    r.record_type() == RecordType::Pg01 && bytes_of(r, Pg01::DISCLAIMER_CODE).is_some()
}

/// Whether a PGA line opens with an AMS OR PG01: what
/// [`crate::profile::ams_or::OrganicLine::is_organic_line`] says, from two field reads.
fn is_organic(line: &PgaLine<Record<'_>>) -> bool {
    let r = &line.pg01.record;
    r.record_type() == RecordType::Pg01
        && is(bytes_of(r, Pg01::AGENCY_CODE), b"AMS")
        && is(bytes_of(r, Pg01::PROGRAM_CODE), b"OR")
}

/// The data sharing of [`OiGroup::data_sharing`] (SPEC 4.1) found line by line, for the
/// lines that need it, without a vector per group: the result of the last scan is kept with
/// the line it stopped at, and every line before that one (empty, not disclaimed) shares the
/// same data set, so each line of a group is scanned over at most once.
#[derive(Default)]
struct Sharing {
    /// (line the last scan stopped at, the data line it found).
    last: Option<(usize, Option<usize>)>,
}

impl Sharing {
    /// The index of the line whose data set line `i` shares, or `None`; for a line with no
    /// child record and no disclaimer (any other line shares no data set).
    fn of(&mut self, group: &OiGroup<Record<'_>>, i: usize) -> Option<usize> {
        if let Some((end, data)) = self.last {
            if i < end {
                return data;
            }
        }
        let mut found = (group.lines.len(), None);
        for (k, l) in group.lines.iter().enumerate().skip(i + 1) {
            if disclaimed(l) {
                found = (k, None);
                break;
            }
            if !l.items.is_empty() {
                found = (k, Some(k));
                break;
            }
        }
        self.last = Some(found);
        found.1
    }
}

/// The comparisons of the as-of date the OR rules make, made once per run.
struct Dates {
    /// On or after 2026-02-06: OR-004 is an error, OR-006 names COOP codes.
    nopic_only: bool,
    /// On or after 2024-09-13: OR-005.
    special_or2_only: bool,
    /// On or after 2025-10-01: OR-009.
    l_code_rules: bool,
    /// On or after 2024-03-19: OR-001.
    or2_shape: bool,
}

impl Dates {
    fn new(as_of: NaiveDate) -> Self {
        Dates {
            nopic_only: as_of >= date(2026, 2, 6),
            special_or2_only: as_of >= date(2024, 9, 13),
            l_code_rules: as_of >= date(2025, 10, 1),
            or2_shape: as_of >= date(2024, 3, 19),
        }
    }
}

pub(super) fn check(t: &Transmission<'_>, sink: &mut Sink<'_>) {
    check_with(t, sink, &mut HashMap::new());
}

/// OR-018's memory across transactions: certificate value → (HTS, line of its first PG14).
pub(crate) type CertificateHts = HashMap<String, (String, u32)>;

/// [`check`] with the certificates seen so far (a stream checks its pieces one by one).
pub(super) fn check_with(t: &Transmission<'_>, sink: &mut Sink<'_>, cert_hts: &mut CertificateHts) {
    let opts = sink.opts;
    let as_of = opts.as_of;
    let dates = Dates::new(as_of);
    // (disclaimer, program, processing) combinations found allowed (OR-017), a few kept.
    let mut allowed_disclaimers = Vec::new();
    let mut facts = Facts::default();
    for (anchor, group) in t.tree.oi_groups() {
        // The anchor's HTS number, read when a rule first asks for it.
        let mut hts_read: Option<Option<&str>> = None;
        let mut hts =
            || *hts_read.get_or_insert_with(|| anchor.and_then(|a| hts_number(&a.record)));
        let mut has_or_data_or_disclaimer = false;
        let mut sharing = Sharing::default();
        for (i, line) in group.lines.iter().enumerate() {
            let pg01 = &line.pg01.record;
            if pg01.record_type() != RecordType::Pg01 {
                continue;
            }
            let ams = is(bytes_of(pg01, Pg01::AGENCY_CODE), b"AMS");
            let disclaimer = bytes_of(pg01, Pg01::DISCLAIMER_CODE).is_some();
            if ams && disclaimer {
                if let Some(p) = pg01.view::<Pg01>() {
                    check_disclaimer(line, &p, as_of, &mut allowed_disclaimers, sink);
                }
            }
            // Only a line whose own PG01 is AMS OR is judged (a line sharing the data set of
            // an OR line is judged by its own PG01).
            if !ams || !is(bytes_of(pg01, Pg01::PROGRAM_CODE), b"OR") {
                continue;
            }
            has_or_data_or_disclaimer = true;
            // SPEC 4.1: a line that shares the data set of a later PG01 is judged on that data
            // set; when the data line is itself an OR line its own checks cover the records.
            let data = if disclaimer || !line.items.is_empty() {
                None
            } else {
                sharing.of(group, i).and_then(|j| group.lines.get(j))
            };
            let items = match data {
                Some(d) if is_organic(d) => continue,
                Some(d) => &d.items,
                None => &line.items,
            };
            if disclaimer {
                continue;
            }
            let message_type = match bytes_of(pg01, Pg01::PROCESSING_CODE) {
                Some(b"1") => MessageType::Or1,
                Some(b"2") => MessageType::Or2,
                None => MessageType::Bare,
                Some(_) => MessageType::from_processing_code(text_of(pg01, Pg01::PROCESSING_CODE)),
            };
            facts.gather(items, message_type == MessageType::Or2);
            check_line(pg01, message_type, &facts, &dates, sink);
            let mut certificates = facts.certificates().peekable();
            if certificates.peek().is_none() {
                continue;
            }
            let Some(h) = hts() else { continue };
            for c in certificates {
                let key = c.number.as_str();
                match cert_hts.get(key) {
                    Some((other, first_line)) if other != h => {
                        sink.emit(
                            RuleId::OR_018,
                            At::field(c.record, Pg14::LPCO_NUMBER),
                            format!("certificate {key} is also filed (line {first_line}) for HTS {other}; here the HTS is {h}: one NOP Import Certificate per product/HTS"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        cert_hts.insert(key.to_string(), (h.to_string(), c.record.line()));
                    }
                }
            }
        }
        // OR-010 / OR-011: tariff flags supplied by the caller (and the 2026 AM8 list).
        if let (Some(flags), Some(a)) = (&opts.tariff_flags, anchor) {
            if !has_or_data_or_disclaimer {
                if let Some(h) = hts() {
                    check_tariff(&a.record, h, flags, as_of, sink);
                }
            }
        }
    }
    // Anchors without any OI group, for OR-010/OR-011.
    if let Some(flags) = &opts.tariff_flags {
        for tx in t.tree.transactions() {
            for item in &tx.items {
                if let crate::tree::Item::Anchor(a) = item {
                    if a.oi_group.is_none() {
                        if let Some(h) = hts_number(&a.anchor.record) {
                            check_tariff(&a.anchor.record, h, flags, as_of, sink);
                        }
                    }
                }
            }
        }
    }
}

fn check_tariff(
    anchor: &Record<'_>,
    hts: &str,
    flags: &HashMap<String, TariffFlag>,
    as_of: NaiveDate,
    sink: &mut Sink<'_>,
) {
    let listed = CodeList::Am8Hts2026
        .rows()
        .iter()
        .any(|r| r.code == hts && r.valid_on(as_of));
    let flag = flags.get(hts).copied();
    let at = At::record(anchor);
    // AM8 rows of codes/ams-tariff-flags.csv: a warning up to 2024-09-18, an error after.
    let am8_rejects = CodeList::AmsTariffFlags
        .rows()
        .iter()
        .any(|r| r.code == "AM8" && r.valid_on(as_of) && r.meaning.contains("rejected"));
    let am8_sev = if am8_rejects {
        Severity::Error
    } else {
        Severity::Warning
    };
    match flag {
        Some(TariffFlag::Am8) => sink.emit_sev(
            RuleId::OR_010,
            am8_sev,
            at,
            format!("HTS {hts} is flagged AM8: send an AMS OR line (NOP Import Certificate) or disclaimer A"),
        ),
        Some(TariffFlag::Am7) if !listed => {
            sink.emit_sev(RuleId::OR_010, Severity::Warning, at, format!("HTS {hts} is flagged AM7: AMS organic data may be filed"))
        }
        _ if listed => sink.emit(
            RuleId::OR_011,
            at,
            format!("HTS {hts} counts as AM8 from 2026-02-13 (CSMS #67645994): send an AMS OR line or disclaimer A"),
        ),
        _ => {}
    }
}

/// Combinations of disclaimer, program and processing code kept as allowed by
/// [`check_disclaimer`] (the first few: the rows' scope text is not parsed again for them).
type AllowedDisclaimers<'a> = Vec<(&'a str, &'a str, Option<&'a str>)>;

fn check_disclaimer<'a>(
    line: &PgaLine<Record<'a>>,
    p: &View<'a, Pg01<'a>>,
    as_of: NaiveDate,
    allowed_before: &mut AllowedDisclaimers<'a>,
    sink: &mut Sink<'_>,
) {
    let Some(code) = p.disclaimer_code() else {
        return;
    };
    let program = p.program_code().unwrap_or("");
    let processing = p.processing_code();
    let key = (code, program, processing);
    if allowed_before.contains(&key) {
        return;
    }
    let valid: Vec<&CodeRow> = CodeList::AmsDisclaimerRules
        .rows()
        .iter()
        .filter(|r| r.valid_on(as_of))
        .collect();
    let allowed = valid
        .iter()
        .any(|r| r.code == code && row_allows(r, program, processing));
    if allowed && allowed_before.len() < 16 {
        allowed_before.push(key);
    }
    if !allowed {
        let ruleset = valid.first().map_or(AMS_RULESET, |r| ruleset_of(r));
        let ok: Vec<String> = valid
            .iter()
            .filter(|r| row_allows(r, program, processing))
            .map(|r| r.code.clone())
            .collect();
        let right = if ok.is_empty() {
            format!("AMS {program} lines cannot be disclaimed")
        } else {
            format!("use {}", ok.join(" or "))
        };
        sink.emit_full(
            RuleId::OR_017,
            Severity::Error,
            ruleset,
            At::field(&line.pg01.record, crate::records::Pg01::DISCLAIMER_CODE),
            format!("AMS disclaimer {code} is not allowed for program {program} on {as_of} ({ruleset} rules): {right}"),
        );
    }
}

/// The entity role codes the OR1 rules name (`entity_role_code` of a PG19, SPEC 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Ex,
    Uc,
    Ori,
    Orp,
    Orc,
    Ap1,
    Cb,
    /// Any other code.
    Other,
}

impl Role {
    /// The roles OR-013 asks for, in the order it reports them.
    const REQUIRED: [(Role, &'static str); 5] = [
        (Role::Ex, "EX"),
        (Role::Uc, "UC"),
        (Role::Ori, "ORI"),
        (Role::Orp, "ORP"),
        (Role::Orc, "ORC"),
    ];

    fn of(code: &[u8]) -> Role {
        match code {
            b"EX" => Role::Ex,
            b"UC" => Role::Uc,
            b"ORI" => Role::Ori,
            b"ORP" => Role::Orp,
            b"ORC" => Role::Orc,
            b"AP1" => Role::Ap1,
            b"CB" => Role::Cb,
            _ => Role::Other,
        }
    }
}

/// An entity loop of an OR line with the role code of its PG19.
#[derive(Clone, Copy)]
struct LoopFact<'s, 'a> {
    entity: &'s EntityLoop<Record<'a>>,
    /// The PG19's `entity_role_code`; `None` when the loop opens with no PG19 or the role
    /// is blank.
    code: Option<&'a [u8]>,
    /// [`Self::code`] classified.
    role: Option<Role>,
    /// The PG19's `entity_number` (the NOP ID); `None` when blank or no PG19.
    nop_id: Option<&'a [u8]>,
}

/// A PG14 of an OR line: what the certificate rules read of it.
#[derive(Clone, Copy)]
struct Pg14Fact<'s, 'a> {
    record: &'s Record<'a>,
    /// `lpco_number`, classified (blank reads as `""`, as the view does).
    number: CertificateNumber<'a>,
    /// `lpco_type` is `AM1`.
    am1: bool,
}

/// What the OR rules read of one line's child records (SPEC 5.3), gathered in one walk in
/// input order (the order of [`PgaLine::for_each_child_record`]). Kept by [`check_with`] for
/// the whole run and cleared per line: the vectors grow to the largest line once.
#[derive(Default)]
struct Facts<'s, 'a> {
    /// Every PG14 (by record type) in order.
    pg14s: Vec<Pg14Fact<'s, 'a>>,
    /// A PG14 has `lpco_type` `AM1`: then only those are certificates.
    has_am1: bool,
    /// A child record has the identifier `PG14` (OR-026).
    any_pg14: bool,
    /// A child record has the identifier `PG10` (OR-015's P50).
    any_pg10: bool,
    /// The first child record with the identifier `PG29`.
    first_pg29: Option<&'s Record<'a>>,
    /// Net quantity and unit of the first PG29 whose net quantity reads.
    net_quantity: Option<(Decimal, Option<&'a [u8]>)>,
    /// PG25s with a lot number.
    lots: usize,
    /// PG10s with a characteristic description.
    products: usize,
    /// PG22s.
    declarations: usize,
    /// A PG22 has declaration code `AM4`.
    am4: bool,
    /// PG24s other than type `AM1` with code `A10`/`A11` (OR-033).
    odd_remarks: Vec<&'s Record<'a>>,
    /// Records OR-016 names, in order; `true` for a PG02 with a product code, `false` for a
    /// record OR2 does not use.
    or016: Vec<(&'s Record<'a>, bool)>,
    /// The entity loops, as [`PgaLine::entity_loops`] lists them.
    loops: Vec<LoopFact<'s, 'a>>,
}

impl<'s, 'a> Facts<'s, 'a> {
    /// Reads the child records `items` of an OR line; `or2`: the line is an OR2 (OR-016).
    fn gather(&mut self, items: &'s [PgaItem<Record<'a>>], or2: bool) {
        self.pg14s.clear();
        self.has_am1 = false;
        self.any_pg14 = false;
        self.any_pg10 = false;
        self.first_pg29 = None;
        self.net_quantity = None;
        self.lots = 0;
        self.products = 0;
        self.declarations = 0;
        self.am4 = false;
        self.odd_remarks.clear();
        self.or016.clear();
        self.loops.clear();
        self.walk(items, or2, 0);
    }

    /// Visits `items` (at group depth `depth`) as [`PgaLine::for_each_child_record`] does.
    fn walk(&mut self, items: &'s [PgaItem<Record<'a>>], or2: bool, depth: u8) {
        for i in items {
            match i {
                PgaItem::Record(n) => self.record(&n.record, or2),
                PgaItem::Entity(e) => {
                    // Loops of the line and of its PG50/PG51 groups (groups do not nest).
                    if depth <= 1 {
                        let r = &e.pg19.record;
                        let pg19 = r.record_type() == RecordType::Pg19;
                        let code = pg19.then(|| bytes_of(r, Pg19::ENTITY_ROLE_CODE)).flatten();
                        self.loops.push(LoopFact {
                            entity: e,
                            code,
                            role: code.map(Role::of),
                            nop_id: pg19.then(|| bytes_of(r, Pg19::ENTITY_NUMBER)).flatten(),
                        });
                    }
                    self.record(&e.pg19.record, or2);
                    if let Some(n) = &e.pg20 {
                        self.record(&n.record, or2);
                    }
                    for n in &e.items {
                        self.record(&n.record, or2);
                    }
                }
                PgaItem::Group(g) => {
                    self.record(&g.start.record, or2);
                    self.walk(&g.items, or2, depth.saturating_add(1));
                    if let Some(n) = &g.end {
                        self.record(&n.record, or2);
                    }
                }
            }
        }
    }

    /// One child record.
    fn record(&mut self, r: &'s Record<'a>, or2: bool) {
        let id = id4(r);
        match id {
            PG14 => self.any_pg14 = true,
            PG10 => self.any_pg10 = true,
            PG29 if self.first_pg29.is_none() => self.first_pg29 = Some(r),
            _ => {}
        }
        if or2 && matches!(id, PG10 | PG19 | PG20 | PG21 | PG22 | PG24 | PG27) {
            self.or016.push((r, false));
        }
        match r.record_type() {
            RecordType::Pg14 => {
                let am1 = is(bytes_of(r, Pg14::LPCO_TYPE), b"AM1");
                self.has_am1 |= am1;
                self.pg14s.push(Pg14Fact {
                    record: r,
                    number: CertificateNumber::classify(
                        text_of(r, Pg14::LPCO_NUMBER).unwrap_or(""),
                    ),
                    am1,
                });
            }
            RecordType::Pg29 if self.net_quantity.is_none() => {
                if let Some(q) = dec_of(r, Pg29::QUANTITY_LINE_NET) {
                    self.net_quantity = Some((q, bytes_of(r, Pg29::UNIT_OF_MEASURE_LINE_NET)));
                }
            }
            RecordType::Pg25 if bytes_of(r, Pg25::LOT_NUMBER).is_some() => self.lots += 1,
            RecordType::Pg10 if bytes_of(r, Pg10::CHARACTERISTIC_DESCRIPTION).is_some() => {
                self.products += 1;
            }
            RecordType::Pg22 => {
                self.declarations += 1;
                self.am4 |= is(bytes_of(r, Pg22::DECLARATION_CODE), b"AM4");
            }
            RecordType::Pg24 => {
                let ok = is(bytes_of(r, Pg24::REMARKS_TYPE_CODE), b"AM1")
                    && matches!(bytes_of(r, Pg24::REMARKS_CODE), Some(b"A10" | b"A11"));
                if !ok {
                    self.odd_remarks.push(r);
                }
            }
            RecordType::Pg02
                if bytes_of(r, Pg02::PRODUCT_CODE_QUALIFIER_1).is_some()
                    || bytes_of(r, Pg02::PRODUCT_CODE_NUMBER_1).is_some() =>
            {
                self.or016.push((r, true));
            }
            _ => {}
        }
    }

    /// The certificate references: the PG14s with `lpco_type` `AM1`, or every PG14 when none
    /// has it (as [`crate::profile::ams_or::OrganicLine::certificates`]).
    fn certificates(&self) -> impl Iterator<Item = &Pg14Fact<'s, 'a>> + '_ {
        let has_am1 = self.has_am1;
        self.pg14s.iter().filter(move |c| !has_am1 || c.am1)
    }

    /// No PG14 has `lpco_type` `AM1` (OR-027).
    fn certificates_without_am1(&self) -> bool {
        !self.pg14s.is_empty() && !self.has_am1
    }

    /// The loops with role `role`, in order.
    fn with_role(&self, role: Role) -> impl Iterator<Item = &LoopFact<'s, 'a>> + '_ {
        self.loops.iter().filter(move |l| l.role == Some(role))
    }
}

fn is_ten_digits(s: &[u8]) -> bool {
    s.len() == 10 && s.iter().all(u8::is_ascii_digit)
}

/// Whether `v` contains `DRAFT` in any letter case.
fn mentions_draft(v: &str) -> bool {
    let b = v.as_bytes();
    // Only where a `D` or `d` stands is the word compared.
    b.iter().enumerate().any(|(i, &c)| {
        c | 0x20 == b'd'
            && b.get(i..i.saturating_add(5))
                .is_some_and(|w| w.eq_ignore_ascii_case(b"DRAFT"))
    })
}

/// The certificate issue date of a PG14: `lpco_date` when the date qualifier is `3`
/// (as [`crate::profile::ams_or::Certificate::issue_date`]).
fn issue_date(r: &Record<'_>) -> Option<NaiveDate> {
    let p = r.view::<Pg14>()?;
    (p.lpco_date_qualifier() == Some(3))
        .then(|| p.lpco_date())
        .flatten()
}

fn check_line(
    pg01: &Record<'_>,
    message_type: MessageType<'_>,
    facts: &Facts<'_, '_>,
    dates: &Dates,
    sink: &mut Sink<'_>,
) {
    let opts = sink.opts;
    let as_of = opts.as_of;
    let proc_at = At::field(pg01, Pg01::PROCESSING_CODE);
    let is_or1 = message_type == MessageType::Or1;
    let is_or2 = message_type == MessageType::Or2;
    if !is_or1 && !is_or2 {
        sink.emit(
            RuleId::OR_025,
            proc_at,
            format!(
                "processing code of an AMS OR line is \"{}\": use 1 (OR1) or 2 (OR2)",
                message_type.as_str().trim_start_matches("OR")
            ),
        );
    }
    // Root cause first: OR-004 explains the OR1 findings that follow. When it fires, the
    // line is by its content an OR2 and the one fix is the processing code: the OR1 content
    // rules OR-013, OR-015 and OR-032 do not fire on it (SPEC 6.0, revision 6.1).
    let mut or004_fired = false;
    if is_or1 {
        if let Some(c) = facts
            .certificates()
            .find(|c| matches!(c.number, CertificateNumber::NopImportCertificate { .. }))
        {
            let sev = if dates.nopic_only {
                Severity::Error
            } else {
                Severity::Warning
            };
            or004_fired = sink.on(RuleId::OR_004);
            sink.emit_sev(
                RuleId::OR_004,
                sev,
                proc_at,
                format!("NOP Import Certificate {} (line {}) filed under OR1: electronic NOP-ICs are filed under OR2 (CSMS #67645994)", c.number, c.record.line()),
            );
        }
        if dates.special_or2_only {
            if let Some(c) = facts
                .certificates()
                .find(|c| matches!(c.number, CertificateNumber::SpecialCode { .. }))
            {
                sink.emit(
                    RuleId::OR_005,
                    proc_at,
                    format!(
                        "special code {} (line {}) filed under OR1: special codes are OR2 only",
                        c.number,
                        c.record.line()
                    ),
                );
            }
        }
        let reminder = if dates.nopic_only {
            "OR1 is only for manually generated certificates carrying a COOP code; keep a copy (CSMS #67645994)"
        } else {
            "OR1 is for paper certificates from equivalence-arrangement partners"
        };
        sink.emit(RuleId::OR_006, proc_at, reminder);
    }
    for c in facts.certificates() {
        let r = c.record;
        let at = At::field(r, Pg14::LPCO_NUMBER);
        let v = c.number.as_str();
        let mut explained = false;
        if mentions_draft(v) {
            explained = true;
            sink.emit(RuleId::OR_003, at, format!("certificate \"{v}\" is a draft: draft certificates are not valid for entry; file the issued NOP-IC number"));
        }
        if is_ten_digits(v.as_bytes()) {
            explained = true;
            sink.emit(
                RuleId::OR_002,
                at,
                format!("certificate field holds {v}, a 10-digit NOP ID of an operation, not a certificate: file the 21-character NOP Import Certificate number NNN-NNNNNNNNNN-NNNNNN"),
            );
        }
        if let CertificateNumber::SpecialCode { code, .. } = c.number {
            if code == "999-999-T" {
                explained = true;
                let row = CodeList::AmsSpecialCertificateCodes.find(code).next();
                let last = row.and_then(|r| r.valid_to).unwrap_or(date(2024, 9, 19));
                let sev = if as_of > last {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                sink.emit_sev(
                    RuleId::OR_007,
                    sev,
                    at,
                    format!("temporary code 999-999-T was accepted up to {last} (CSMS #61723113); file the NOP Import Certificate"),
                );
            }
            if code == "333-550-R" {
                sink.emit(
                    RuleId::OR_008,
                    at,
                    "333-550-R is only for US-certified organic goods returned sealed and unopened",
                );
            }
            if code == "010-420-L" && dates.l_code_rules {
                sink.emit(RuleId::OR_009, at, "010-420-L is for shipments re-exported, donated (certified importers only) or destroyed");
            }
        }
        if is_or2 && !explained && dates.or2_shape {
            let ok = match c.number {
                CertificateNumber::NopImportCertificate { .. } => true,
                CertificateNumber::SpecialCode { code, .. } => CodeList::AmsSpecialCertificateCodes
                    .find(code)
                    .any(|r| r.valid_on(as_of)),
                CertificateNumber::Other(_) => false,
            };
            if !ok {
                sink.emit(
                    RuleId::OR_001,
                    at,
                    format!("\"{v}\" is neither an NOP Import Certificate number (NNN-NNNNNNNNNN-NNNNNN, 3-10-6 digits) nor an AMS special code valid on {as_of}"),
                );
            }
        }
        if let Some(dep) = opts.departure_date {
            if let Some(issued) = issue_date(r) {
                if issued > dep {
                    sink.emit(
                        RuleId::OR_020,
                        At::field(r, Pg14::LPCO_DATE),
                        format!("certificate issued {issued}, after the departure date {dep}"),
                    );
                }
            }
        }
        if let Some((_, Some(u29))) = facts.net_quantity {
            if let Some(u14) = bytes_of(r, Pg14::UNIT_OF_MEASURE) {
                if u29 != u14 {
                    let l29 = facts.first_pg29.map_or(0, |r| r.line());
                    sink.emit(
                        RuleId::OR_022,
                        At::field(r, Pg14::UNIT_OF_MEASURE),
                        format!(
                            "PG14 unit {} (line {}) differs from the PG29 unit {} (line {l29})",
                            text(u14),
                            r.line(),
                            text(u29),
                        ),
                    );
                }
            }
        }
    }
    if opts.importer_certified == Some(false) {
        sink.emit(
            RuleId::OR_021,
            At::record(pg01),
            "the importer / recipient is not NOP-certified (caller-supplied status)",
        );
    }
    sink.emit(
        RuleId::OR_024,
        At::record(pg01),
        "de minimis (Section 321) entry is not available for NOP-flagged goods",
    );
    if !facts.any_pg14 {
        sink.emit(
            RuleId::OR_026,
            At::record(pg01),
            "AMS OR line without a PG14: send the certificate reference in a PG14",
        );
    } else if facts.certificates_without_am1() {
        sink.emit(
            RuleId::OR_027,
            At::record(pg01),
            "no PG14 of the line has LPCO type AM1 (vendor convention for the NOP certificate)",
        );
    }
    // Net quantity (PG29).
    match (facts.net_quantity, facts.first_pg29) {
        // P53 "Missing PG29 per PGA" when there is no PG29 at all (error dictionary 2026-07).
        (None, None) => sink.emit_cbp(
            RuleId::OR_028,
            Severity::Error,
            AMS_RULESET,
            Some("P53"),
            At::record(pg01),
            "AMS OR line without a PG29 net quantity: send PG29 with unit KG and the net organic weight",
        ),
        // A PG29 whose net quantity is blank or unreadable (F-007 on the same field, listed
        // first): a finding about the field's value (SPEC 6.0).
        (None, Some(r)) => sink.emit(
            RuleId::OR_028,
            At::field(r, Pg29::QUANTITY_LINE_NET),
            "PG29 net quantity is blank or not a number: send the net organic weight (unit KG)",
        ),
        (Some((q, unit)), Some(r)) => {
            if q.is_zero() {
                sink.emit(RuleId::OR_028, At::field(r, Pg29::QUANTITY_LINE_NET), "net quantity is zero: send the net organic weight");
            }
            if !is(unit, b"KG") {
                sink.emit(
                    RuleId::OR_012,
                    At::field(r, Pg29::UNIT_OF_MEASURE_LINE_NET),
                    format!("net quantity unit is {}: AMS OR expects KG", unit.map_or("blank", text)),
                );
            }
        }
        _ => {}
    }
    // OR-016: records OR2 does not use; PG02 product codes on OR lines.
    for &(r, pg02) in &facts.or016 {
        if pg02 {
            sink.emit(
                RuleId::OR_016,
                At::record(r),
                "AMS sends no product code for OR: send a bare PG02 P",
            );
        } else {
            sink.emit(
                RuleId::OR_016,
                At::record(r),
                format!(
                    "{} is not used in an OR2 line (OR2 carries PG02, PG14, PG25, PG29)",
                    r.id()
                ),
            );
        }
    }
    // Entities (OR1 content; OR-014 and OR-023 for any OR line).
    for &LoopFact {
        entity: e,
        code: role,
        nop_id,
        ..
    } in &facts.loops
    {
        let r = &e.pg19.record;
        if r.record_type() != RecordType::Pg19 {
            continue;
        }
        if let Some(id) = nop_id {
            let ten = is_ten_digits(id);
            let certifier = id.len() == 3
                && id
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !ten && !certifier {
                sink.emit(
                    RuleId::OR_014,
                    At::field(r, Pg19::ENTITY_NUMBER),
                    format!(
                        "NOP ID \"{}\" is neither a 10-digit operation ID nor a 3-character certifier ID",
                        text(id)
                    ),
                );
            } else if ten && matches!(role.map(Role::of), Some(Role::Ori | Role::Orc)) {
                sink.emit_sev(
                    RuleId::OR_014,
                    Severity::Warning,
                    At::field(r, Pg19::ENTITY_NUMBER),
                    format!(
                        "{} is a certifying agent: its NOP ID is normally the 3-character certifier ID, not {}",
                        text(role.unwrap_or_default()),
                        text(id)
                    ),
                );
            }
        }
        if let Some(Node { record: a, .. }) = &e.pg20 {
            if a.record_type() == RecordType::Pg20 && is(bytes_of(a, Pg20::COUNTRY_CODE), b"US") {
                let postal = bytes_of(a, Pg20::POSTAL_CODE);
                let digits =
                    postal.map_or(0, |z| z.iter().take_while(|c| c.is_ascii_digit()).count());
                if digits < 5 {
                    sink.emit(
                        RuleId::OR_023,
                        At::field(a, Pg20::POSTAL_CODE),
                        format!(
                            "US postal code \"{}\" is shorter than 5 digits",
                            text(postal.unwrap_or_default())
                        ),
                    );
                }
            }
        }
    }
    if is_or1 {
        check_or1(pg01, facts, or004_fired, sink);
    }
}

/// The OR1 content rules. `or004_fired`: OR-004 reported the line as an OR2 filed under OR1,
/// so OR-013, OR-015 and OR-032 stay silent on it (SPEC 6.0).
fn check_or1(pg01: &Record<'_>, facts: &Facts<'_, '_>, or004_fired: bool, sink: &mut Sink<'_>) {
    let content_rules = !or004_fired;
    for (kind, role) in Role::REQUIRED {
        let present = || facts.with_role(kind);
        if content_rules {
            if present().next().is_none() {
                sink.emit(RuleId::OR_013, At::record(pg01), format!("OR1 line without a PG19 loop for role {role} (with NOP ID, name, PG20 address and PG21 contact)"));
            }
            for l in present() {
                let e = l.entity;
                let r = &e.pg19.record;
                // No dictionary code covers a missing entity name (P09 is "invalid unit of
                // measure" in PG04).
                if bytes_of(r, Pg19::ENTITY_NAME).is_none() {
                    sink.emit_cbp(
                        RuleId::OR_013,
                        Severity::Error,
                        AMS_RULESET,
                        None,
                        At::field(r, Pg19::ENTITY_NAME),
                        format!("{role} loop without entity name"),
                    );
                }
                if l.nop_id.is_none() {
                    sink.emit_cbp(
                        RuleId::OR_013,
                        Severity::Error,
                        AMS_RULESET,
                        None,
                        At::field(r, Pg19::ENTITY_NUMBER),
                        format!("{role} loop without NOP ID"),
                    );
                }
                if e.pg20.is_none() {
                    sink.emit_cbp(
                        RuleId::OR_013,
                        Severity::Error,
                        AMS_RULESET,
                        None,
                        At::record(r),
                        format!("{role} loop without a PG20 address"),
                    );
                }
                if !e.items.iter().any(|n| id4(&n.record) == PG21) {
                    sink.emit_cbp(
                        RuleId::OR_013,
                        Severity::Error,
                        AMS_RULESET,
                        Some("P47"),
                        At::record(r),
                        format!("{role} loop without a PG21 contact"),
                    );
                }
            }
        }
        if matches!(kind, Role::Ex | Role::Uc | Role::Ori) {
            for l in present().skip(1) {
                sink.emit(
                    RuleId::OR_031,
                    At::field(&l.entity.pg19.record, Pg19::ENTITY_ROLE_CODE),
                    format!("second {role} loop in one OR1 line: one {role} per line"),
                );
            }
        }
    }
    for l in &facts.loops {
        if let (Some(code), Some(Role::Other)) = (l.code, l.role) {
            sink.emit(
                RuleId::OR_030,
                At::field(&l.entity.pg19.record, Pg19::ENTITY_ROLE_CODE),
                format!(
                    "entity role {} is not used in OR1: use EX, UC, ORI, ORP, ORC, AP1 or CB",
                    text(code)
                ),
            );
        }
    }
    if facts.products == 0 && content_rules {
        // P50 "Missing PG10 per PGA" when there is no PG10 at all.
        sink.emit_cbp(
            RuleId::OR_015,
            Severity::Error,
            AMS_RULESET,
            (!facts.any_pg10).then_some("P50"),
            At::record(pg01),
            "OR1 line without a PG10 product description",
        );
    }
    if content_rules && !facts.am4 {
        // P48 "Missing PG22 per PGA" when there is no PG22 at all; a PG22 with another
        // declaration code has no dictionary code (P36 is about the document identifier).
        sink.emit_cbp(
            RuleId::OR_015,
            Severity::Error,
            AMS_RULESET,
            (facts.declarations == 0).then_some("P48"),
            At::record(pg01),
            "OR1 line without a PG22 declaration AM4 (organic product certification statement)",
        );
    }
    if bytes_of(pg01, Pg01::INTENDED_USE_CODE).is_none() && content_rules {
        sink.emit(
            RuleId::OR_032,
            At::field(pg01, Pg01::INTENDED_USE_CODE),
            "OR1 PG01 without intended use code (e.g. 100.000)",
        );
    }
    // Positional grouping (SPEC 5.5): PG10 count = lots = ORC = ORP.
    let orc = facts.with_role(Role::Orc).count();
    let orp = facts.with_role(Role::Orp).count();
    let n = facts.products;
    if !(facts.lots == n && orc == n && orp == n) || orc != orp {
        sink.emit(
            RuleId::OR_029,
            At::record(pg01),
            format!(
                "positional grouping: {n} products, {} lots, {orc} ORC, {orp} ORP",
                facts.lots
            ),
        );
    }
    for &r in &facts.odd_remarks {
        sink.emit(
            RuleId::OR_033,
            At::record(r),
            "OR1 remark: vendors send type AM1 with code A10 or A11",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ParseOptions;
    use crate::validate::samples;

    /// Every parse of every sample with seeded byte changes (digits, spaces, letters,
    /// non-ASCII and control bytes), and of every sample with seeded PG01 lines emptied of
    /// their child records (so that lines share data sets, SPEC 4.1).
    fn mutated() -> Vec<Vec<u8>> {
        let palette = [b' ', b'A', b'9', b'0', 0xC3, 0x09, b'a', b'-', b'D'];
        let mut seed = 11u64;
        let mut out = Vec::new();
        for data in samples::files() {
            for variant in 0..12 {
                let mut data = data.clone();
                for _ in 0..variant * 6 {
                    seed = samples::next_seed(seed);
                    let i = (seed >> 20) as usize % data.len().max(1);
                    if let Some(c) = data.get_mut(i) {
                        if *c != b'\n' && i % 81 > 4 {
                            *c = palette[(seed >> 50) as usize % palette.len()];
                        }
                    }
                }
                out.push(data);
            }
            // Lines without child records (SPEC 4.1): copies of a PG01 put before it, some
            // of another agency, some disclaimed; and the PG records after some PG01s dropped.
            for variant in 0..6u64 {
                let mut keep = true;
                let mut changed = Vec::new();
                for line in data.split_inclusive(|&b| b == b'\n') {
                    if line.starts_with(b"PG01") {
                        seed = samples::next_seed(seed);
                        for copy in 0..(seed >> 30) % 4 {
                            let mut l = line.to_vec();
                            match (seed >> (34 + copy)) % 4 {
                                0 => l.splice(7..10, *b"FDA").for_each(drop),
                                1 if variant % 2 == 1 => {
                                    l.splice(79..80, *b"A").for_each(drop);
                                }
                                _ => {}
                            }
                            changed.extend_from_slice(&l);
                        }
                        keep = (seed >> 50) % 6 >= variant;
                    } else if !line.starts_with(b"PG") {
                        keep = true;
                    }
                    if keep || line.starts_with(b"PG01") {
                        changed.extend_from_slice(line);
                    }
                }
                out.push(changed);
            }
        }
        out
    }

    /// The OI groups of `data` parsed leniently, handed to `f`.
    fn with_groups(data: &[u8], mut f: impl FnMut(&OiGroup<Record<'_>>)) {
        if let Ok(t) = Transmission::parse_with(data, &ParseOptions::lenient()) {
            for (_, g) in t.tree.oi_groups() {
                f(g);
            }
        }
    }

    /// [`Sharing::of`] (asked only for lines without child records and without disclaimer,
    /// in order) finds what [`OiGroup::data_sharing`] finds, and [`is_organic`] /
    /// [`disclaimed`] say what the views say.
    #[test]
    fn sharing_and_line_kinds_agree_with_the_tree() {
        let mut shared = 0usize;
        for data in mutated() {
            with_groups(&data, |g| {
                let want = g.data_sharing();
                let mut sharing = Sharing::default();
                for (i, line) in g.lines.iter().enumerate() {
                    let p = line.pg01.record.view::<Pg01>();
                    assert_eq!(
                        disclaimed(line),
                        p.is_some_and(|p| p.disclaimer_code().is_some())
                    );
                    assert_eq!(
                        is_organic(line),
                        crate::profile::ams_or::OrganicLine::is_organic_line(line)
                    );
                    let got = if disclaimed(line) || !line.items.is_empty() {
                        None
                    } else {
                        sharing.of(g, i)
                    };
                    assert_eq!(got, want.get(i).copied().flatten(), "line {i}");
                    shared += usize::from(got.is_some());
                }
            });
        }
        assert!(
            shared > 100,
            "the inputs have lines that share data sets ({shared})"
        );
    }

    /// [`bytes_of`] reads what [`super::super::text_of`] reads, [`dec_of`] what the PG29 view
    /// reads, on every record of the mutated inputs.
    #[test]
    fn field_reads_agree_with_the_views() {
        let mut decimals = 0usize;
        for data in mutated() {
            let Ok(t) = Transmission::parse_with(&data, &ParseOptions::lenient()) else {
                continue;
            };
            t.tree.for_each_record(|r| {
                for f in [
                    Pg14::LPCO_NUMBER,
                    Pg19::ENTITY_NUMBER,
                    Pg01::PROCESSING_CODE,
                ] {
                    assert_eq!(
                        bytes_of(r, f).map(|b| std::str::from_utf8(b).ok()),
                        super::super::text_of(r, f).map(Some)
                    );
                }
                if let Some(p) = r.view::<Pg29>() {
                    assert_eq!(dec_of(r, Pg29::QUANTITY_LINE_NET), p.quantity_line_net());
                    decimals += 1;
                }
            });
        }
        assert!(decimals > 50, "PG29s read: {decimals}");
    }

    /// [`mentions_draft`] is `to_ascii_uppercase().contains("DRAFT")`.
    #[test]
    fn draft_in_any_case() {
        for v in [
            "",
            "D",
            "DRAFT",
            "draft",
            "DrAfT-1",
            "xxdraf",
            "DDRAFT",
            "DRAF T",
            "123-DRAFt",
            "drafty",
            "d",
            "dRAF",
            "ADRAFTD",
        ] {
            assert_eq!(
                mentions_draft(v),
                v.to_ascii_uppercase().contains("DRAFT"),
                "{v}"
            );
        }
    }

    /// [`Role::of`] and the word compare of [`id4`] on the codes the rules name.
    #[test]
    fn roles_and_identifiers() {
        assert_eq!(Role::of(b"ORC"), Role::Orc);
        assert_eq!(Role::of(b"ORX"), Role::Other);
        assert_eq!(Role::of(b"OR"), Role::Other);
        for (role, name) in Role::REQUIRED {
            assert_eq!(Role::of(name.as_bytes()), role);
        }
        let t = Transmission::parse_with(
            include_bytes!("../../spec-samples/valid/or2-single.txt"),
            &ParseOptions::lenient(),
        )
        .expect("sample");
        let mut ids = Vec::new();
        t.tree
            .for_each_record(|r| ids.push((id4(r), r.id().to_string())));
        assert!(ids.iter().any(|(w, id)| *w == PG14 && id == "PG14"));
        assert!(ids.iter().all(|(w, id)| (*w == PG29) == (id == "PG29")));
        assert!(ids.iter().any(|(w, id)| *w == 0 && id.len() != 4));
    }
}
