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

use crate::codes::{CodeList, CodeRow};
use crate::error::Severity;
use crate::profile::ams_or::{CertificateNumber, MessageType};
use crate::records::Record;
use crate::records::{Pg01, Pg14, Pg19, Pg20, Pg29};
use crate::records::{RecordType, View};
#[cfg(test)]
use crate::tree::FlatTree;
use crate::tree::{FlatItem, GroupKind, GroupRef};

use super::pass::Window;
use super::{At, RuleId, Sink, TariffFlag, AMS_RULESET};

mod facts;

use facts::{
    bytes_of, has_items, head_of, id4, is, is_organic, text, text_of, Facts, LoopFact, Role,
    Sharing, PG21,
};

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

/// The OR rules over a whole transmission (one implementation with the fused driver of
/// [`super::validate`]: [`OrganicPass::transaction`] on every transaction).
#[cfg(test)]
pub(super) fn check(t: &FlatTree<'_>, sink: &mut Sink<'_>) {
    check_with(t, sink, &mut HashMap::new());
}

/// OR-018's memory across transactions: certificate value → (HTS, line of its first PG14).
pub(crate) type CertificateHts = HashMap<String, (String, u32)>;

/// [`check`] with the certificates seen so far (a stream checks its pieces one by one).
#[cfg(test)]
pub(super) fn check_with(t: &FlatTree<'_>, sink: &mut Sink<'_>, cert_hts: &mut CertificateHts) {
    let mut pass = OrganicPass::new(sink.opts.as_of);
    for tx in t.transactions() {
        pass.transaction(tx, Window::default(), cert_hts, sink);
    }
}

/// The OR rules as steps: every OR rule looks at one OI group and its anchor, except
/// OR-018, whose certificates the caller carries ([`CertificateHts`]); the pass carries the
/// as-of dates, the disclaimer combinations found allowed and the facts' buffers.
pub(super) struct OrganicPass<'t, 'a> {
    dates: Dates,
    /// (disclaimer, program, processing) combinations found allowed (OR-017), a few kept.
    allowed_disclaimers: AllowedDisclaimers<'a>,
    facts: Facts<'t, 'a>,
    /// The PGA lines of the current OI group.
    lines: Vec<GroupRef<'t, 'a>>,
}

impl<'t, 'a> OrganicPass<'t, 'a> {
    /// A pass for a filing on `as_of`.
    pub(super) fn new(as_of: NaiveDate) -> Self {
        OrganicPass {
            dates: Dates::new(as_of),
            allowed_disclaimers: Vec::new(),
            facts: Facts::default(),
            lines: Vec::new(),
        }
    }

    /// The OR rules of the next transaction of the input: its OI groups in input order,
    /// then (OR-010, OR-011) its anchors without an OI group.
    pub(super) fn transaction(
        &mut self,
        tx: GroupRef<'t, 'a>,
        window: Window<'_, 'a>,
        cert_hts: &mut CertificateHts,
        sink: &mut Sink<'_>,
    ) {
        for item in tx.items() {
            let FlatItem::Group(g) = item else { continue };
            match g.kind() {
                GroupKind::Anchor => {
                    if let Some(oi) = g.oi_group() {
                        self.group(g.head().map(|a| a.record()), oi, window, cert_hts, sink);
                    }
                }
                GroupKind::OiGroup => self.group(None, g, window, cert_hts, sink),
                _ => {}
            }
        }
        // Anchors without any OI group, for OR-010/OR-011.
        let opts = sink.opts;
        if let Some(flags) = &opts.tariff_flags {
            for item in tx.items() {
                let FlatItem::Group(a) = item else { continue };
                if a.kind() == GroupKind::Anchor && a.oi_group().is_none() {
                    let anchor = head_of(a);
                    if let Some(h) = hts_number(&anchor) {
                        check_tariff(&anchor, h, flags, opts.as_of, sink);
                    }
                }
            }
        }
    }

    /// The OR rules of one OI group and its anchor (if any).
    fn group(
        &mut self,
        anchor: Option<Record<'a>>,
        group: GroupRef<'t, 'a>,
        window: Window<'_, 'a>,
        cert_hts: &mut CertificateHts,
        sink: &mut Sink<'_>,
    ) {
        self.lines.clear();
        self.lines.extend(group.lines());
        let lines = &self.lines;
        let opts = sink.opts;
        let as_of = opts.as_of;
        let dates = &self.dates;
        let allowed_disclaimers = &mut self.allowed_disclaimers;
        let facts = &mut self.facts;
        // The anchor's HTS number, read when a rule first asks for it.
        let mut hts_read: Option<Option<&str>> = None;
        let mut hts = || *hts_read.get_or_insert_with(|| anchor.as_ref().and_then(hts_number));
        let mut has_or_data_or_disclaimer = false;
        let mut sharing = Sharing::default();
        for (i, &line) in lines.iter().enumerate() {
            let pg01 = &window.head(line);
            if pg01.record_type() != RecordType::Pg01 {
                continue;
            }
            let ams = is(bytes_of(pg01, Pg01::AGENCY_CODE), b"AMS");
            let disclaimer = bytes_of(pg01, Pg01::DISCLAIMER_CODE).is_some();
            if ams && disclaimer {
                if let Some(p) = pg01.view::<Pg01>() {
                    check_disclaimer(line, &p, as_of, allowed_disclaimers, sink);
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
            let data = if disclaimer || has_items(line) {
                None
            } else {
                sharing.of(lines, i).and_then(|j| lines.get(j).copied())
            };
            let items = match data {
                Some(d) if is_organic(d) => continue,
                Some(d) => d,
                None => line,
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
            facts.gather(items, window, message_type == MessageType::Or2);
            check_line(pg01, message_type, facts, dates, sink);
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
                        At::field(&c.record, Pg14::LPCO_NUMBER),
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
        if let (Some(flags), Some(a)) = (&opts.tariff_flags, anchor.as_ref()) {
            if !has_or_data_or_disclaimer {
                if let Some(h) = hts() {
                    check_tariff(a, h, flags, as_of, sink);
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
    line: GroupRef<'_, 'a>,
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
            At::field(&head_of(line), crate::records::Pg01::DISCLAIMER_CODE),
            format!("AMS disclaimer {code} is not allowed for program {program} on {as_of} ({ruleset} rules): {right}"),
        );
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
        let r = &c.record;
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
    match (facts.net_quantity, facts.first_pg29.as_ref()) {
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
    for (r, pg02) in &facts.or016 {
        if *pg02 {
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
    for LoopFact {
        entity: e,
        pg19: r,
        code: role,
        nop_id,
        ..
    } in &facts.loops
    {
        let (e, role, nop_id) = (*e, *role, *nop_id);
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
        if let Some(a) = &e.pg20().map(|n| n.record()) {
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
                let r = &l.pg19;
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
                if e.pg20().is_none() {
                    sink.emit_cbp(
                        RuleId::OR_013,
                        Severity::Error,
                        AMS_RULESET,
                        None,
                        At::record(r),
                        format!("{role} loop without a PG20 address"),
                    );
                }
                let pg21 = |i: FlatItem<'_, '_>| match i {
                    FlatItem::Record(n) => id4(&n.record()) == PG21,
                    FlatItem::Group(_) => false,
                };
                if !e.items().any(pg21) {
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
                    At::field(&l.pg19, Pg19::ENTITY_ROLE_CODE),
                    format!("second {role} loop in one OR1 line: one {role} per line"),
                );
            }
        }
    }
    for l in &facts.loops {
        if let (Some(code), Some(Role::Other)) = (l.code, l.role) {
            sink.emit(
                RuleId::OR_030,
                At::field(&l.pg19, Pg19::ENTITY_ROLE_CODE),
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
    for r in &facts.odd_remarks {
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
}
