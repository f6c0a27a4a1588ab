//! OR rules (SPEC 6.4, 5): the AMS organic profile (CSMS #59847491, #61139474, #61723113,
//! #62228844, #67645994; AMS supplemental guide 07-2025 as quoted by vendors).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::codes::{CodeList, CodeRow};
use crate::error::Severity;
use crate::profile::ams_or::{CertificateNumber, MessageType, OrganicLine};
use crate::records::Record;
use crate::records::{Pg01, Pg02, Pg19, Pg20, RecordType, View};
use crate::transmission::Transmission;
use crate::tree::{EntityLoop, Node, PgaLine};

use super::{text_of, At, RuleId, Sink, TariffFlag, AMS_RULESET};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The HTS number of an anchor record (`SE60` 5–14, `50` 3–12), from
/// [`crate::records::host::hts_number`].
pub(crate) fn hts_number<'a>(anchor: &Record<'a>) -> Option<&'a str> {
    let raw: &'a [u8] = anchor.raw();
    crate::records::host::hts_number(anchor.id(), raw)
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

/// The PG01 of a line as a lazy view (only the fields a rule reads are typed).
fn pg01_of<'a>(line: &PgaLine<Record<'a>>) -> Option<View<'a, Pg01<'a>>> {
    line.pg01.record.view::<Pg01>()
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
    // (disclaimer, program, processing) combinations found allowed (OR-017), a few kept.
    let mut allowed_disclaimers = Vec::new();
    for (anchor, group) in t.tree.oi_groups() {
        let hts = anchor.and_then(|a| hts_number(&a.record));
        let mut has_or_data_or_disclaimer = false;
        let sharing = group.data_sharing();
        for (i, line) in group.lines.iter().enumerate() {
            let pg01 = &line.pg01.record;
            if pg01.record_type() != RecordType::Pg01 {
                continue;
            }
            if text_of(pg01, Pg01::AGENCY_CODE) == Some("AMS")
                && text_of(pg01, Pg01::DISCLAIMER_CODE).is_some()
            {
                if let Some(p) = pg01_of(line) {
                    check_disclaimer(line, &p, as_of, &mut allowed_disclaimers, sink);
                }
            }
            // SPEC 4.1: a line that shares the data set of a later PG01 is judged on that data
            // set; when the data line is itself an OR line its own checks cover the records.
            let data = sharing
                .get(i)
                .copied()
                .flatten()
                .and_then(|j| group.lines.get(j));
            let shared_line;
            let line = match data {
                Some(d) if OrganicLine::is_organic_line(d) => {
                    if OrganicLine::is_organic_line(line) {
                        has_or_data_or_disclaimer = true;
                    }
                    continue;
                }
                Some(d) => {
                    shared_line = PgaLine {
                        pg01: line.pg01.clone(),
                        items: d.items.clone(),
                    };
                    &shared_line
                }
                None => line,
            };
            let Some(view) = OrganicLine::for_rules(line) else {
                continue;
            };
            has_or_data_or_disclaimer = true;
            if view.disclaimer.is_some() {
                continue;
            }
            check_line(line, &view, sink);
            if let Some(h) = hts {
                for c in &view.certificates {
                    let key = c.number.as_str();
                    match cert_hts.get(key) {
                        Some((other, first_line)) if other != h => {
                            if let Some(r) = find_line(line, c.line) {
                                sink.emit(
                                    RuleId::OR_018,
                                    At::field(r, crate::records::Pg14::LPCO_NUMBER),
                                    format!("certificate {key} is also filed (line {first_line}) for HTS {other}; here the HTS is {h}: one NOP Import Certificate per product/HTS"),
                                );
                            }
                        }
                        Some(_) => {}
                        None => {
                            cert_hts.insert(key.to_string(), (h.to_string(), c.line));
                        }
                    }
                }
            }
        }
        // OR-010 / OR-011: tariff flags supplied by the caller (and the 2026 AM8 list).
        if let (Some(flags), Some(h), Some(a)) = (&opts.tariff_flags, hts, anchor) {
            if !has_or_data_or_disclaimer {
                check_tariff(&a.record, h, flags, as_of, sink);
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

fn find_line<'s, 'a>(line: &'s PgaLine<Record<'a>>, n: u32) -> Option<&'s Record<'a>> {
    line.child_records().into_iter().find(|r| r.line() == n)
}

fn is_ten_digits(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|c| c.is_ascii_digit())
}

fn check_line(line: &PgaLine<Record<'_>>, view: &OrganicLine<'_>, sink: &mut Sink<'_>) {
    let opts = sink.opts;
    let as_of = opts.as_of;
    let pg01 = &line.pg01.record;
    let proc_at = At::field(pg01, crate::records::Pg01::PROCESSING_CODE);
    let is_or1 = view.message_type == MessageType::Or1;
    let is_or2 = view.message_type == MessageType::Or2;
    if !is_or1 && !is_or2 {
        sink.emit(
            RuleId::OR_025,
            proc_at,
            format!(
                "processing code of an AMS OR line is \"{}\": use 1 (OR1) or 2 (OR2)",
                view.message_type.as_str().trim_start_matches("OR")
            ),
        );
    }
    // Root cause first: OR-004 explains the OR1 findings that follow. When it fires, the
    // line is by its content an OR2 and the one fix is the processing code: the OR1 content
    // rules OR-013, OR-015 and OR-032 do not fire on it (SPEC 6.0, revision 6.1).
    let mut or004_fired = false;
    if is_or1 {
        if let Some(c) = view
            .certificates
            .iter()
            .find(|c| matches!(c.number, CertificateNumber::NopImportCertificate { .. }))
        {
            let sev = if as_of >= date(2026, 2, 6) {
                Severity::Error
            } else {
                Severity::Warning
            };
            or004_fired = sink.on(RuleId::OR_004);
            sink.emit_sev(
                RuleId::OR_004,
                sev,
                proc_at,
                format!("NOP Import Certificate {} (line {}) filed under OR1: electronic NOP-ICs are filed under OR2 (CSMS #67645994)", c.number, c.line),
            );
        }
        if as_of >= date(2024, 9, 13) {
            if let Some(c) = view
                .certificates
                .iter()
                .find(|c| matches!(c.number, CertificateNumber::SpecialCode { .. }))
            {
                sink.emit(
                    RuleId::OR_005,
                    proc_at,
                    format!(
                        "special code {} (line {}) filed under OR1: special codes are OR2 only",
                        c.number, c.line
                    ),
                );
            }
        }
        let reminder = if as_of >= date(2026, 2, 6) {
            "OR1 is only for manually generated certificates carrying a COOP code; keep a copy (CSMS #67645994)"
        } else {
            "OR1 is for paper certificates from equivalence-arrangement partners"
        };
        sink.emit(RuleId::OR_006, proc_at, reminder);
    }
    let children = line.child_records();
    // Records by line, sorted once for a binary search: a line may hold thousands of PG14s.
    let mut by_line: Vec<(u32, &Record<'_>)> = children.iter().map(|r| (r.line(), *r)).collect();
    by_line.sort_unstable_by_key(|&(l, _)| l);
    let rec_at = |n: u32| {
        by_line
            .binary_search_by_key(&n, |&(l, _)| l)
            .ok()
            .and_then(|i| by_line.get(i))
            .map(|&(_, r)| r)
    };
    for c in &view.certificates {
        let Some(r) = rec_at(c.line) else { continue };
        let at = At::field(r, crate::records::Pg14::LPCO_NUMBER);
        let v = c.number.as_str();
        let mut explained = false;
        if v.to_ascii_uppercase().contains("DRAFT") {
            explained = true;
            sink.emit(RuleId::OR_003, at, format!("certificate \"{v}\" is a draft: draft certificates are not valid for entry; file the issued NOP-IC number"));
        }
        if is_ten_digits(v) {
            explained = true;
            sink.emit(
                RuleId::OR_002,
                at,
                format!("certificate field holds {v}, a 10-digit NOP ID of an operation, not a certificate: file the 21-character NOP Import Certificate number NNN-NNNNNNNNNN-NNNNNN"),
            );
        }
        if let CertificateNumber::SpecialCode { code, .. } = c.number {
            let row = CodeList::AmsSpecialCertificateCodes.find(code).next();
            if code == "999-999-T" {
                explained = true;
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
            if code == "010-420-L" && as_of >= date(2025, 10, 1) {
                sink.emit(RuleId::OR_009, at, "010-420-L is for shipments re-exported, donated (certified importers only) or destroyed");
            }
        }
        if is_or2 && !explained && as_of >= date(2024, 3, 19) {
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
        if let (Some(dep), Some(issued)) = (opts.departure_date, c.issue_date()) {
            if issued > dep {
                sink.emit(
                    RuleId::OR_020,
                    At::field(r, crate::records::Pg14::LPCO_DATE),
                    format!("certificate issued {issued}, after the departure date {dep}"),
                );
            }
        }
        if let (Some(u14), Some((_, u29))) = (c.unit_of_measure, view.net_quantity) {
            if u29.is_some_and(|u| u != u14) {
                let l29 = children
                    .iter()
                    .find(|r| r.id_bytes() == b"PG29")
                    .map_or(0, |r| r.line());
                sink.emit(
                    RuleId::OR_022,
                    At::field(r, crate::records::Pg14::UNIT_OF_MEASURE),
                    format!(
                        "PG14 unit {u14} (line {}) differs from the PG29 unit {} (line {l29})",
                        c.line,
                        u29.unwrap_or("")
                    ),
                );
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
    if !children.iter().any(|r| r.id_bytes() == b"PG14") {
        sink.emit(
            RuleId::OR_026,
            At::record(pg01),
            "AMS OR line without a PG14: send the certificate reference in a PG14",
        );
    } else if view.certificates_without_am1 {
        sink.emit(
            RuleId::OR_027,
            At::record(pg01),
            "no PG14 of the line has LPCO type AM1 (vendor convention for the NOP certificate)",
        );
    }
    // Net quantity (PG29).
    let pg29 = children.iter().find(|r| r.id_bytes() == b"PG29");
    match (view.net_quantity, pg29) {
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
            At::field(r, crate::records::Pg29::QUANTITY_LINE_NET),
            "PG29 net quantity is blank or not a number: send the net organic weight (unit KG)",
        ),
        (Some((q, unit)), Some(r)) => {
            if q.is_zero() {
                sink.emit(RuleId::OR_028, At::field(r, crate::records::Pg29::QUANTITY_LINE_NET), "net quantity is zero: send the net organic weight");
            }
            if unit != Some("KG") {
                sink.emit(
                    RuleId::OR_012,
                    At::field(r, crate::records::Pg29::UNIT_OF_MEASURE_LINE_NET),
                    format!("net quantity unit is {}: AMS OR expects KG", unit.unwrap_or("blank")),
                );
            }
        }
        _ => {}
    }
    // OR-016: records OR2 does not use; PG02 product codes on OR lines.
    for r in &children {
        if is_or2
            && matches!(
                r.id_bytes(),
                b"PG10" | b"PG19" | b"PG20" | b"PG21" | b"PG22" | b"PG24" | b"PG27"
            )
        {
            sink.emit(
                RuleId::OR_016,
                At::record(r),
                format!(
                    "{} is not used in an OR2 line (OR2 carries PG02, PG14, PG25, PG29)",
                    r.id()
                ),
            );
        }
        if r.record_type() == RecordType::Pg02
            && (text_of(r, Pg02::PRODUCT_CODE_QUALIFIER_1).is_some()
                || text_of(r, Pg02::PRODUCT_CODE_NUMBER_1).is_some())
        {
            sink.emit(
                RuleId::OR_016,
                At::record(r),
                "AMS sends no product code for OR: send a bare PG02 P",
            );
        }
    }
    // Entities (OR1 content; OR-014 and OR-023 for any OR line).
    let loops = line.entity_loops();
    for e in loops.iter().copied() {
        let r = &e.pg19.record;
        if r.record_type() != RecordType::Pg19 {
            continue;
        }
        let role = text_of(r, Pg19::ENTITY_ROLE_CODE);
        if let Some(id) = text_of(r, Pg19::ENTITY_NUMBER) {
            let certifier = id.len() == 3
                && id
                    .bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !is_ten_digits(id) && !certifier {
                sink.emit(
                    RuleId::OR_014,
                    At::field(r, crate::records::Pg19::ENTITY_NUMBER),
                    format!("NOP ID \"{id}\" is neither a 10-digit operation ID nor a 3-character certifier ID"),
                );
            } else if is_ten_digits(id) && matches!(role, Some("ORI" | "ORC")) {
                sink.emit_sev(
                    RuleId::OR_014,
                    Severity::Warning,
                    At::field(r, crate::records::Pg19::ENTITY_NUMBER),
                    format!("{} is a certifying agent: its NOP ID is normally the 3-character certifier ID, not {id}", role.unwrap_or("")),
                );
            }
        }
        if let Some(Node { record: a, .. }) = &e.pg20 {
            if a.record_type() == RecordType::Pg20 {
                let postal = text_of(a, Pg20::POSTAL_CODE);
                if text_of(a, Pg20::COUNTRY_CODE) == Some("US") {
                    let digits =
                        postal.map_or(0, |z| z.bytes().take_while(u8::is_ascii_digit).count());
                    if digits < 5 {
                        sink.emit(
                            RuleId::OR_023,
                            At::field(a, crate::records::Pg20::POSTAL_CODE),
                            format!(
                                "US postal code \"{}\" is shorter than 5 digits",
                                postal.unwrap_or("")
                            ),
                        );
                    }
                }
            }
        }
    }
    if is_or1 {
        check_or1(line, &children, &loops, view, or004_fired, sink);
    }
}

/// The OR1 content rules. `or004_fired`: OR-004 reported the line as an OR2 filed under OR1,
/// so OR-013, OR-015 and OR-032 stay silent on it (SPEC 6.0).
fn check_or1(
    line: &PgaLine<Record<'_>>,
    children: &[&Record<'_>],
    loops: &[&EntityLoop<Record<'_>>],
    view: &OrganicLine<'_>,
    or004_fired: bool,
    sink: &mut Sink<'_>,
) {
    let pg01 = &line.pg01.record;
    let content_rules = !or004_fired;
    // Each loop's role, read once (no allocation per loop and role).
    let roles: Vec<Option<&str>> = loops
        .iter()
        .map(|e| {
            let r = &e.pg19.record;
            (r.record_type() == RecordType::Pg19)
                .then(|| text_of(r, Pg19::ENTITY_ROLE_CODE))
                .flatten()
        })
        .collect();
    for role in ["EX", "UC", "ORI", "ORP", "ORC"] {
        let present: Vec<_> = loops
            .iter()
            .zip(&roles)
            .filter(|(_, r)| **r == Some(role))
            .map(|(e, _)| *e)
            .collect();
        if present.is_empty() && content_rules {
            sink.emit(RuleId::OR_013, At::record(pg01), format!("OR1 line without a PG19 loop for role {role} (with NOP ID, name, PG20 address and PG21 contact)"));
        }
        for e in present.iter().filter(|_| content_rules) {
            let r = &e.pg19.record;
            if r.record_type() != RecordType::Pg19 {
                continue;
            }
            // No dictionary code covers a missing entity name (P09 is "invalid unit of
            // measure" in PG04).
            if text_of(r, Pg19::ENTITY_NAME).is_none() {
                sink.emit_cbp(
                    RuleId::OR_013,
                    Severity::Error,
                    AMS_RULESET,
                    None,
                    At::field(r, crate::records::Pg19::ENTITY_NAME),
                    format!("{role} loop without entity name"),
                );
            }
            if text_of(r, Pg19::ENTITY_NUMBER).is_none() {
                sink.emit_cbp(
                    RuleId::OR_013,
                    Severity::Error,
                    AMS_RULESET,
                    None,
                    At::field(r, crate::records::Pg19::ENTITY_NUMBER),
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
            if !e.items.iter().any(|n| n.record.id_bytes() == b"PG21") {
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
        if matches!(role, "EX" | "UC" | "ORI") {
            for e in present.iter().skip(1) {
                sink.emit(
                    RuleId::OR_031,
                    At::field(&e.pg19.record, crate::records::Pg19::ENTITY_ROLE_CODE),
                    format!("second {role} loop in one OR1 line: one {role} per line"),
                );
            }
        }
    }
    for (e, role) in loops.iter().zip(&roles) {
        if let Some(role) = *role {
            if !matches!(role, "EX" | "UC" | "ORI" | "ORP" | "ORC" | "AP1" | "CB") {
                sink.emit(
                    RuleId::OR_030,
                    At::field(&e.pg19.record, crate::records::Pg19::ENTITY_ROLE_CODE),
                    format!("entity role {role} is not used in OR1: use EX, UC, ORI, ORP, ORC, AP1 or CB"),
                );
            }
        }
    }
    if view.products.is_empty() && content_rules {
        // P50 "Missing PG10 per PGA" when there is no PG10 at all.
        let no_pg10 = !children.iter().any(|r| r.id_bytes() == b"PG10");
        sink.emit_cbp(
            RuleId::OR_015,
            Severity::Error,
            AMS_RULESET,
            no_pg10.then_some("P50"),
            At::record(pg01),
            "OR1 line without a PG10 product description",
        );
    }
    if content_rules
        && !view
            .declarations
            .iter()
            .any(|d| d.record.declaration_code == Some("AM4"))
    {
        // P48 "Missing PG22 per PGA" when there is no PG22 at all; a PG22 with another
        // declaration code has no dictionary code (P36 is about the document identifier).
        sink.emit_cbp(
            RuleId::OR_015,
            Severity::Error,
            AMS_RULESET,
            view.declarations.is_empty().then_some("P48"),
            At::record(pg01),
            "OR1 line without a PG22 declaration AM4 (organic product certification statement)",
        );
    }
    if view.intended_use_code.is_none() && content_rules {
        sink.emit(
            RuleId::OR_032,
            At::field(pg01, crate::records::Pg01::INTENDED_USE_CODE),
            "OR1 PG01 without intended use code (e.g. 100.000)",
        );
    }
    let orc = roles.iter().filter(|r| **r == Some("ORC")).count();
    let orp = roles.iter().filter(|r| **r == Some("ORP")).count();
    if !view.positional_counts_agree() || orc != orp {
        sink.emit(
            RuleId::OR_029,
            At::record(pg01),
            format!(
                "positional grouping: {} products, {} lots, {orc} ORC, {orp} ORP",
                view.products.len(),
                view.lots.len()
            ),
        );
    }
    for rm in &view.remarks {
        let ok = rm.type_code == Some("AM1") && matches!(rm.code, Some("A10" | "A11"));
        if !ok {
            if let Some(r) = children.iter().copied().find(|r| r.line() == rm.line) {
                sink.emit(
                    RuleId::OR_033,
                    At::record(r),
                    "OR1 remark: vendors send type AM1 with code A10 or A11",
                );
            }
        }
    }
}
