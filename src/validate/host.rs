//! H rules (SPEC 6.3a): the host records of Cargo Release transactions, checked against the
//! host layouts of `host-records.csv` and the transaction structure of SPEC 3.7.
//!
//! Which blocks: Cargo Release input (`SE`) with the rules' default severities; the CBP
//! response echo (`SX`) and the status notification (`SO`) with every finding a warning (a
//! response is never refused, SPEC 7.2); the structure rules (H-001, H-002, H-003, H-005,
//! H-006, H-008) only where transactions start with `SE10` (`SE`, `SX`). A block without a
//! `B` header is checked as `SE` input when it holds an `SE10`. Every finding names the host
//! field or record by its `host-records.csv` name.

use crate::error::{FieldErrorKind, Severity};
use crate::layout::{all_spaces, is_cbp_char, Class, Designation, FieldDef, RecordLayout};
use crate::records::{host, host_layout, BlockHeader, Record, RecordType, Se10, Se40};
use crate::transmission::Transmission;
use crate::tree::Block;

use super::{At, RuleId, Sink};

/// Whether findings are the rules' own severity (input) or warnings (a CBP response).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Response,
}

struct Ctx<'s, 'o> {
    sink: &'s mut Sink<'o>,
    side: Side,
}

impl Ctx<'_, '_> {
    fn emit(&mut self, id: RuleId, at: At<'_>, message: String) {
        let default = id.rule().map_or(Severity::Error, |r| r.severity);
        self.emit_sev(id, default, at, message);
    }

    fn emit_sev(&mut self, id: RuleId, sev: Severity, at: At<'_>, message: String) {
        let sev = match self.side {
            Side::Input => sev,
            Side::Response => Severity::Warning,
        };
        self.sink.emit_sev(id, sev, at, message);
    }
}

/// The `B` application id and filer code of a block.
fn block_header<'a>(b: &Block<Record<'a>>) -> Option<(Option<&'a str>, Option<&'a str>)> {
    let v = b.header.as_ref()?.record.view::<BlockHeader>()?;
    Some((v.application_id(), v.filer_code()))
}

pub(super) fn check(t: &Transmission<'_>, sink: &mut Sink<'_>) {
    for block in t.tree.batches.iter().flat_map(|b| b.blocks.iter()) {
        let header = block_header(block);
        if header.is_none() && !has_se10(block) {
            continue;
        }
        check_block(block, header, sink);
    }
}

/// Whether a block holds an `SE10` (a block without a `B` header is checked as `SE` input
/// only then).
pub(super) fn has_se10(block: &Block<Record<'_>>) -> bool {
    let mut has_se10 = false;
    block.for_each_record(|r| has_se10 |= r.view::<Se10>().is_some());
    has_se10
}

/// The `B` application id and filer code of a block as [`check_block`] takes them (`None`:
/// no `B` header, or one that does not read as a `B` record).
pub(super) fn block_header_of<'a>(
    b: &Block<Record<'a>>,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    block_header(b)
}

/// The H rules of one block whose `B` application id and filer code are `header` (from the
/// block's own `B`, or from the `B` that opened it in an earlier piece of a stream). A block
/// without a header (`None`) is checked as `SE` input: the caller decides whether the block
/// holds an `SE10` ([`has_se10`]).
pub(super) fn check_block(
    block: &Block<Record<'_>>,
    header: Option<(Option<&str>, Option<&str>)>,
    sink: &mut Sink<'_>,
) {
    {
        let (side, structure, filer) = match header {
            Some((Some("SE"), filer)) => (Side::Input, true, filer),
            Some((Some("SX"), filer)) => (Side::Response, true, filer),
            Some((Some("SO"), _)) => (Side::Response, false, None),
            Some(_) => return,
            None => (Side::Input, true, None),
        };
        let mut cx = Ctx { sink, side };
        for tx in &block.transactions {
            // The records of the transaction in input order, without the CBP condition
            // records (SE90/GE90) that attach to the record before them.
            let mut records: Vec<&Record<'_>> = Vec::new();
            tx.for_each_record(|r| {
                if r.record_type() != RecordType::Se90 {
                    records.push(r);
                }
            });
            for r in &records {
                check_record(r, &mut cx);
            }
            if structure {
                check_structure(&records, filer, &mut cx);
            }
        }
    }
}

/// Whether `id` names a record of the host families of `host-records.csv` (`SE`, `SF`, `SO`
/// followed by two digits).
fn is_host_family(id: &[u8]) -> bool {
    matches!(id, [b'S', b'E' | b'F' | b'O', d1, d2] if d1.is_ascii_digit() && d2.is_ascii_digit())
}

/// Fields that `host-records.csv` prints mandatory but CBP wants space-filled in a unified
/// Entry/ISF filing: not judged blank (H-007).
fn space_filled_mandatory(layout: &RecordLayout, f: &FieldDef) -> bool {
    let fields: [(&str, &FieldDef); 6] = [
        ("SF10", crate::records::Sf10::BOND_HOLDER),
        ("SF10", crate::records::Sf10::BOND_ACTIVITY_CODE),
        ("SF10", crate::records::Sf10::BOND_TYPE),
        ("SF10", crate::records::Sf10::COUNTRY_OF_ISSUANCE),
        ("SF30", crate::records::Sf30::COUNTRY_CODE),
        ("SF30", crate::records::Sf30::DATE_OF_BIRTH),
    ];
    fields.iter().any(|(id, d)| *id == layout.id && *d == f)
}

/// H-004 (entry number check digit), H-007 (field class, mandatory), H-009 (no layout),
/// H-010 (filler) of one host record.
fn check_record(r: &Record<'_>, cx: &mut Ctx<'_, '_>) {
    if r.record_type() != RecordType::Host {
        return;
    }
    let id = r.id_bytes();
    let Some(layout) = host_layout(id) else {
        if is_host_family(id) {
            cx.emit(
                RuleId::H_009,
                At::record(r),
                format!(
                    "{} has no layout in host-records.csv (SPEC 3.7): kept raw, not checked",
                    r.id()
                ),
            );
        }
        return;
    };
    let raw = r.raw().get(..r.raw().len().min(80)).unwrap_or_default();
    for f in layout.fillers {
        let (s, e) = (f.start, f.end);
        if !all_spaces(f.slice(raw)) {
            cx.emit(
                RuleId::H_010,
                At::record(r).cols(s, e),
                format!("{} filler bytes {s}-{e} must be spaces", layout.id),
            );
        }
    }
    let vendor = crate::records::Se60::SANCTION_DISCLAIM_INDICATOR;
    let line_number = crate::records::Se40::LINE_ITEM_NUMBER;
    for f in layout.fields {
        let at = At::field(r, f);
        let bytes = f.slice(raw);
        if layout.id == "SE60" && f == vendor {
            // CR v40 prints filler here; one vendor writes a flag (host-records.csv note).
            if !all_spaces(bytes) {
                cx.emit_sev(
                    RuleId::H_010,
                    Severity::Warning,
                    at,
                    format!(
                        "SE60.{} (byte {}) is filler in CR v40: one vendor writes a sanctions flag here; send a space",
                        f.name, f.start
                    ),
                );
            }
            continue;
        }
        let name = format!("{}.{}", layout.id, f.name);
        let value = match f.read(raw, false) {
            Ok(v) => v,
            // A CBP line number that is not a number: H-005 reports it (one cause, one
            // finding, SPEC 6.0).
            Err(FieldErrorKind::NotNumeric) if layout.id == "SE40" && f == line_number => continue,
            Err(FieldErrorKind::NotNumeric) => {
                cx.emit(
                    RuleId::H_007,
                    at,
                    format!(
                        "{name} is \"{}\": class N, all digits (zero-filled) or all spaces",
                        String::from_utf8_lossy(bytes)
                    ),
                );
                continue;
            }
            Err(FieldErrorKind::ImpossibleDate | FieldErrorKind::ImpossibleTime) => {
                cx.emit(
                    RuleId::H_007,
                    at,
                    format!(
                        "{name} \"{}\" is not a real {}",
                        String::from_utf8_lossy(bytes),
                        f.kind.format().unwrap_or("date or time")
                    ),
                );
                continue;
            }
            // Bytes outside ASCII: F-002 names them.
            Err(_) => continue,
        };
        if value.is_none() {
            if f.designation == Designation::M && !space_filled_mandatory(layout, f) {
                cx.emit(
                    RuleId::H_007,
                    at,
                    format!(
                        "mandatory field {name} (bytes {}-{}) is blank",
                        f.start, f.end
                    ),
                );
            }
            continue;
        }
        // Class A / AN; bytes outside the CBP set (lower case …) are F-002 … F-005 only.
        let allowed = |c: u8| match f.class {
            Class::A => c.is_ascii_uppercase() || c == b' ',
            Class::AN => c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ',
            _ => true,
        };
        if let Some(&c) = bytes.iter().find(|&&c| is_cbp_char(c) && !allowed(c)) {
            let class = if f.class == Class::A {
                "A (letters and spaces)"
            } else {
                "AN (letters, digits, spaces)"
            };
            cx.emit(
                RuleId::H_007,
                at,
                format!("{name} holds '{}': class {class}", char::from(c)),
            );
        }
    }
    // H-004: the check digit of the entry number (SE10, SO10).
    let entry = host::ENTRY_HEADERS
        .iter()
        .find(|(rid, _, _)| rid.as_bytes() == id);
    if let Some((rid, filer, number)) = entry {
        if let (Some(fc), Some(n)) = (filer.read(raw), number.read(raw)) {
            let at = At::record(r).cols(number.start as u8, number.end as u8);
            match host::entry_check_digit_ok(fc, n) {
                Some(true) => {}
                Some(false) => {
                    let want = n
                        .get(..7)
                        .and_then(|tn| host::entry_check_digit(fc, tn))
                        .unwrap_or(0);
                    cx.emit(RuleId::H_004, at, format!(
                        "{rid}.{} {n}: check digit {} but Appendix E gives {want} for {fc} {} (SPEC 3.7; CBP may authorise an offset)",
                        number.name,
                        n.get(7..).unwrap_or(""),
                        n.get(..7).unwrap_or("")
                    ));
                }
                None => cx.emit(
                    RuleId::H_004,
                    at,
                    format!(
                        "{rid}.{} \"{n}\" is not 7 digits and a check digit: the check digit cannot be verified (SPEC 3.7)",
                        number.name
                    ),
                ),
            }
        }
    }
}

/// The place of a header record in a Cargo Release transaction (SPEC 3.7): `SE10`, `SE11`
/// (`SE12`, vendor), `SE13`, bill groupings, `SE20`, header entities.
fn header_rank(id: &[u8]) -> Option<u8> {
    Some(match id {
        b"SE10" => 0,
        b"SE11" | b"SE12" => 1,
        b"SE13" => 2,
        b"SE15" | b"SE16" | b"SE17" => 3,
        b"SE20" => 4,
        b"SE30" | b"SE31" | b"SE35" | b"SE36" => 5,
        _ => return None,
    })
}

/// The place of a line record within its `SE40` (SPEC 3.7): `SE41`, line entities, tariff
/// numbers.
fn line_rank(id: &[u8]) -> Option<u8> {
    Some(match id {
        b"SE41" => 1,
        b"SE50" | b"SE51" | b"SE55" | b"SE56" => 2,
        b"SE60" | b"SE61" | b"SE62" | b"SE63" => 3,
        _ => return None,
    })
}

/// Header, line and SF ordering, the line numbers, the tariff numbers (H-001, H-002, H-003,
/// H-005, H-006, H-008) of one transaction.
fn check_structure(records: &[&Record<'_>], b_filer: Option<&str>, cx: &mut Ctx<'_, '_>) {
    let Some(first) = records.first() else {
        return;
    };
    let Some(se10) = first.view::<Se10>() else {
        cx.emit(
            RuleId::H_001,
            At::record(first),
            format!(
                "the transaction starts with {} instead of SE10: a Cargo Release transaction opens with its SE10 header (SPEC 3.7)",
                first.id()
            ),
        );
        return;
    };
    // H-003: the entry filer code is the block's filer.
    if let (Some(fc), Some(bf)) = (se10.entry_filer_code(), b_filer) {
        if fc != bf {
            cx.emit(
                RuleId::H_003,
                At::field(first, crate::records::Se10::ENTRY_FILER_CODE),
                format!("SE10.entry_filer_code {fc} differs from the B filer code {bf}"),
            );
        }
    }
    // H-002: one SE13.
    if !records
        .iter()
        .any(|r| r.view::<crate::records::Se13>().is_some())
    {
        cx.emit(
            RuleId::H_002,
            At::record(first),
            "SE13 missing: every Cargo Release transaction (A, R, U, D) carries one SE13 contact record after its SE10 (SPEC 3.7)".to_string(),
        );
    }
    let action = se10.action_code();
    // What a D (cancel) and U (update) transaction may carry (SPEC 3.7).
    let allowed: Option<(&[&[u8]], &str)> = match action {
        Some("D") => Some((&[b"SE10", b"SE13", b"SE20"], "a cancel (D) transaction carries only SE10, SE13 (with a cancellation reason) and SE20")),
        Some("U") => Some((
            &[b"SE10", b"SE11", b"SE13", b"SE15", b"SE16", b"SE17", b"SE20"],
            "an update (U) transaction carries only SE10, SE11, SE13, bill groupings (SE15, SE16, SE17) and SE20",
        )),
        _ => None,
    };
    if let Some((ids, why)) = allowed {
        let mut pga_seen = false;
        for r in records.iter().skip(1) {
            // Each host record; of the OI/PG records only the first (the rest is its data).
            let report = if r.record_type() == RecordType::Host {
                true
            } else {
                !std::mem::replace(&mut pga_seen, true)
            };
            if report && !ids.contains(&r.id_bytes()) {
                cx.emit(
                    RuleId::H_008,
                    At::record(r),
                    format!(
                        "{} in an SE10 action {} transaction: {why} (SPEC 3.7)",
                        r.id(),
                        action.unwrap_or("")
                    ),
                );
            }
        }
    }
    let lines_allowed = allowed.is_none();
    let mut header = 0u8;
    let mut once = [false; 2]; // SE11, SE13 seen
    let mut in_lines = false;
    let mut in_sf = false;
    let mut line = 0u8;
    let mut next_line: u64 = 1;
    let mut tariffs = 0usize;
    let mut prev: Option<&Record<'_>> = Some(first);
    for r in records.iter().skip(1) {
        let id = r.id_bytes();
        let before = prev.replace(r);
        if r.record_type() != RecordType::Host || allowed.is_some_and(|(ids, _)| !ids.contains(&id))
        {
            continue;
        }
        let name = r.id();
        if let Some(rank) = header_rank(id) {
            if id == b"SE10" {
                continue;
            }
            let slot = match id {
                b"SE11" => Some(0),
                b"SE13" => Some(1),
                _ => None,
            };
            if let Some(seen) = slot.and_then(|i| once.get_mut(i)) {
                if *seen {
                    cx.emit(
                        RuleId::H_008,
                        At::record(r),
                        format!("a second {name}: at most one per transaction (SPEC 3.7)"),
                    );
                }
                *seen = true;
            }
            if in_lines || in_sf {
                if lines_allowed {
                    cx.emit(
                        RuleId::H_008,
                        At::record(r),
                        format!("{name} after an SE40: the header records (SE11 … SE36) come before the first line (SPEC 3.7)"),
                    );
                }
            } else if rank < header {
                cx.emit(
                    RuleId::H_008,
                    At::record(r),
                    format!("{name} out of order: the header is SE10, SE11, SE13, bills (SE15, SE16, SE17), SE20, entities (SE30 … SE36) (SPEC 3.7)"),
                );
            } else {
                header = rank;
            }
            continue;
        }
        if !lines_allowed {
            continue;
        }
        if id == b"SE40" {
            if in_sf {
                cx.emit(
                    RuleId::H_008,
                    At::record(r),
                    "SE40 after the SF records: the unified-filing SF records come after the last line (SPEC 3.7)".to_string(),
                );
            }
            in_lines = true;
            line = 0;
            tariffs = 0;
            let f = crate::records::Se40::LINE_ITEM_NUMBER;
            match r.view::<Se40>().and_then(|v| v.line_item_number()) {
                Some(n) if n == next_line => next_line += 1,
                Some(n) => {
                    cx.emit(
                        RuleId::H_005,
                        At::field(r, f),
                        format!("SE40.line_item_number {n:03}: CBP lines are numbered 001, 002 … in the transaction; expected {next_line:03}"),
                    );
                    next_line = next_line.max(n.saturating_add(1));
                }
                None => {
                    cx.emit(
                        RuleId::H_005,
                        At::field(r, f),
                        format!(
                            "SE40.line_item_number \"{}\" is not a line number; expected {next_line:03}",
                            String::from_utf8_lossy(f.slice(r.raw()))
                        ),
                    );
                    next_line += 1;
                }
            }
            continue;
        }
        if let Some(rank) = line_rank(id) {
            if id == b"SE61" && before.map(|b| b.id_bytes()) != Some(b"SE60".as_slice()) {
                cx.emit(
                    RuleId::H_006,
                    At::record(r),
                    "SE61 not directly after an SE60: it details the SE60 before it (SPEC 3.7)"
                        .to_string(),
                );
            }
            if in_sf {
                cx.emit(
                    RuleId::H_008,
                    At::record(r),
                    format!("{name} after the SF records: the unified-filing SF records come after the last line (SPEC 3.7)"),
                );
            } else if !in_lines {
                if id == b"SE60" {
                    cx.emit(
                        RuleId::H_006,
                        At::record(r),
                        "SE60 without an SE40 before it: a tariff number belongs to a CBP line (SPEC 3.7)".to_string(),
                    );
                } else if rank < 3 {
                    cx.emit(
                        RuleId::H_008,
                        At::record(r),
                        format!(
                            "{name} before the first SE40: it belongs to a CBP line (SPEC 3.7)"
                        ),
                    );
                }
            } else if rank < line {
                cx.emit(
                    RuleId::H_008,
                    At::record(r),
                    format!("{name} out of order in its line: SE40, SE41, line entities (SE50 … SE56), then tariff numbers (SE60) (SPEC 3.7)"),
                );
            } else {
                line = rank;
            }
            if id == b"SE60" && in_lines {
                tariffs += 1;
                if tariffs == 33 {
                    cx.emit(
                        RuleId::H_006,
                        At::record(r),
                        format!("33rd SE60 under the SE40 of CBP line {:03}: at most 32 tariff numbers per line (SPEC 3.7)", next_line.saturating_sub(1)),
                    );
                }
            }
            continue;
        }
        if id.starts_with(b"SF") {
            in_sf = true;
        }
    }
}
