//! H rules (SPEC 6.3a): the host records of Cargo Release transactions, checked against the
//! host layouts of `host-records.csv` and the transaction structure of SPEC 3.7.
//!
//! Which blocks: Cargo Release input (`SE`) with the rules' default severities; the CBP
//! response echo (`SX`) and the status notification (`SO`) with every finding a warning (a
//! response is never refused, SPEC 7.2); the structure rules (H-001, H-002, H-003, H-005,
//! H-006, H-008) only where transactions start with `SE10` (`SE`, `SX`). A block without a
//! `B` header is checked as `SE` input when it holds an `SE10`. Every finding names the host
//! field or record by its `host-records.csv` name.

use std::borrow::Borrow;

use crate::error::{FieldErrorKind, Severity};
use crate::layout::{
    all_spaces, is_cbp_char, Class, Designation, FastCheck, FieldDef, Kind, RecordLayout,
};
use crate::records::{host, BlockHeader, Record, RecordType, Se10, Se40, HOST_LAYOUTS};
use crate::tree::GroupRef;

use super::{int_of, text_bytes, At, RuleId, Sink};

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
        let default = super::rule_of(id).map_or(Severity::Error, |r| r.severity);
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
fn block_header<'a>(b: GroupRef<'_, 'a>) -> Option<(Option<&'a str>, Option<&'a str>)> {
    let v = b.head()?.record().view::<BlockHeader>()?;
    Some((v.application_id(), v.filer_code()))
}

/// The H rules over a whole transmission: per block, [`HostBlock::begin`] and
/// [`HostBlock::transaction`] on each of its transactions (one implementation with the fused
/// driver of [`super::validate`]).
#[cfg(test)]
pub(super) fn check(t: &crate::tree::FlatTree<'_>, sink: &mut Sink<'_>) {
    for block in t.batches().flat_map(|b| b.blocks()) {
        let Some(mut pass) = HostBlock::begin(block) else {
            continue;
        };
        for tx in block.transactions() {
            pass.transaction(tx.records(), sink);
        }
    }
}

/// Whether a block holds an `SE10` (a block without a `B` header is checked as `SE` input
/// only then).
pub(super) fn has_se10(block: GroupRef<'_, '_>) -> bool {
    block.records().any(|r| r.view::<Se10>().is_some())
}

/// The `B` application id and filer code of a block as [`check_block`] takes them (`None`:
/// no `B` header, or one that does not read as a `B` record).
pub(super) fn block_header_of<'a>(
    b: GroupRef<'_, 'a>,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    block_header(b)
}

/// The H rules of one block whose `B` application id and filer code are `header` (from the
/// block's own `B`, or from the `B` that opened it in an earlier piece of a stream). A block
/// without a header (`None`) is checked as `SE` input: the caller decides whether the block
/// holds an `SE10` ([`has_se10`]).
pub(super) fn check_block(
    block: GroupRef<'_, '_>,
    header: Option<(Option<&str>, Option<&str>)>,
    sink: &mut Sink<'_>,
) {
    let Some(mut pass) = HostBlock::of_header(header) else {
        return;
    };
    for tx in block.transactions() {
        pass.transaction(tx.records(), sink);
    }
}

/// The H rules of one block as steps: how the block is judged (from its `B`), and one
/// buffer for the records of every transaction of the block.
pub(super) struct HostBlock<'h, 'a> {
    side: Side,
    /// Whether the structure rules run (transactions start with `SE10`).
    structure: bool,
    /// The `B` filer code (H-003).
    filer: Option<&'h str>,
    seq: Sequence<'a>,
}

impl<'h, 'a> HostBlock<'h, 'a> {
    /// The H rules of `block` as [`check`] runs them: `None` when no H rule applies (a
    /// block of another application, or one without a `B` header and without an `SE10`;
    /// only then is the block walked here).
    pub(super) fn begin(block: GroupRef<'_, 'h>) -> Option<Self> {
        let header = block_header(block);
        if header.is_none() && !has_se10(block) {
            return None;
        }
        Self::of_header(header)
    }

    /// The H rules of a block whose `B` application id and filer code are `header`
    /// ([`check_block`]); `None` when no H rule applies.
    fn of_header(header: Option<(Option<&'h str>, Option<&'h str>)>) -> Option<Self> {
        let (side, structure, filer) = match header {
            Some((Some("SE"), filer)) => (Side::Input, true, filer),
            Some((Some("SX"), filer)) => (Side::Response, true, filer),
            Some((Some("SO"), _)) => (Side::Response, false, None),
            Some(_) => return None,
            None => (Side::Input, true, None),
        };
        Some(HostBlock {
            side,
            structure,
            filer,
            seq: Sequence::new(),
        })
    }

    /// The H rules of the block's next transaction.
    /// `tx` are the transaction's records in input order.
    pub(super) fn transaction(
        &mut self,
        tx: impl IntoIterator<Item = impl Borrow<Record<'a>>>,
        sink: &mut Sink<'_>,
    ) {
        let mut cx = Ctx {
            sink,
            side: self.side,
        };
        let records = self.seq.of(tx);
        for r in records {
            if r.record_type() == RecordType::Host {
                check_record(r, &mut cx);
            }
        }
        if self.structure {
            check_structure(records, self.filer, &mut cx);
        }
    }
}

/// The records of a transaction as the H rules need them: its host records, and of each run
/// of other records (OI and PG records, an Entry Summary line …) between them only the first
/// and the last, in input order, without the CBP condition records (`SE90`/`GE90`), which
/// attach to the record before them. The rules judge host records and look at another record
/// only as the first of the transaction (H-001), as the first after it (H-008) and as the
/// record directly before a host record (H-006): the records inside a run are never read.
struct Sequence<'a> {
    out: Vec<Record<'a>>,
}

impl<'a> Sequence<'a> {
    fn new() -> Self {
        Sequence { out: Vec::new() }
    }

    /// The sequence of the records `tx` of a transaction (in input order). The records of
    /// a run are only looked at, by reference when the caller holds them: the last is
    /// copied once the run ends.
    fn of<B: Borrow<Record<'a>>>(&mut self, tx: impl IntoIterator<Item = B>) -> &[Record<'a>] {
        self.out.clear();
        // The open run of other records: `None` when none is open, `Some(None)` when it
        // holds one record (pushed), `Some(Some(last))` when it holds more.
        let mut run: Option<Option<B>> = None;
        for b in tx {
            let r = b.borrow();
            match r.record_type() {
                RecordType::Se90 => {}
                RecordType::Host => {
                    if let Some(Some(last)) = run.take() {
                        self.out.push(*last.borrow());
                    }
                    self.out.push(*r);
                }
                _ => match &mut run {
                    Some(last) => *last = Some(b),
                    None => {
                        self.out.push(*r);
                        run = Some(None);
                    }
                },
            }
        }
        if let Some(Some(last)) = run {
            self.out.push(*last.borrow());
        }
        &self.out
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
    let Some(plan) = host_plan(id) else {
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
    if !plan.clean(raw) {
        check_fields(r, plan.layout, raw, cx);
    }
    // H-004: the check digit of the entry number (SE10, SO10).
    let entry = plan.entry.and_then(|i| host::ENTRY_HEADERS.get(i));
    if let Some((rid, filer, number)) = entry {
        if let (Some(fc), Some(n)) = (read_host(filer, raw), read_host(number, raw)) {
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

/// [`host::HostField::read`]: the field's bytes as text without surrounding white space,
/// `None` when blank, beyond the record or not UTF-8; ASCII bytes are trimmed as bytes and
/// only the value is checked as text.
fn read_host<'a>(f: &host::HostField, raw: &'a [u8]) -> Option<&'a str> {
    let b = raw.get(f.start.checked_sub(1)?..f.end.min(raw.len()))?;
    if !b.is_ascii() {
        return f.read(raw);
    }
    // The ASCII characters `str::trim` removes (Unicode White_Space).
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let start = b.iter().position(|c| !ws(c))?;
    let end = b.iter().rposition(|c| !ws(c))?;
    std::str::from_utf8(b.get(start..=end)?).ok()
}

/// What [`check_record`] needs of a host layout, built once per layout of
/// [`crate::records::HOST_LAYOUTS`]: masks over the 80 columns that decide at once that no
/// H-007 or H-010 finding can come from a record ([`HostPlan::clean`]).
struct HostPlan {
    layout: &'static RecordLayout,
    /// The non-text fields: all digits or all spaces (dates and times real ones), and every
    /// byte ASCII.
    fast: FastCheck,
    /// Per column, what its byte must be, as bits ([`HostPlan::SPACE`], [`HostPlan::CLASS_A`],
    /// [`HostPlan::CLASS_AN`], [`HostPlan::NOT_SPACE`]): a space (fillers, and `SE60`'s vendor
    /// flag), a letter or space (class A text), a letter, digit or space (class AN text), not
    /// a space (the first byte of a field judged blank when mandatory, H-007).
    need: [u8; 80],
    /// The layout's entry of [`host::ENTRY_HEADERS`] (H-004), if any.
    entry: Option<usize>,
}

impl HostPlan {
    const SPACE: u8 = 1;
    const CLASS_A: u8 = 2;
    const CLASS_AN: u8 = 4;
    const NOT_SPACE: u8 = 8;

    fn new(layout: &'static RecordLayout) -> Self {
        let mut need = [0u8; 80];
        let mark = |m: &mut [u8; 80], bit: u8, start: u8, end: u8| {
            let (s, e) = (usize::from(start).saturating_sub(1), usize::from(end));
            for c in m.get_mut(s..e.min(80)).unwrap_or_default() {
                *c |= bit;
            }
        };
        for f in layout.fillers {
            mark(&mut need, Self::SPACE, f.start, f.end);
        }
        let vendor = crate::records::Se60::SANCTION_DISCLAIM_INDICATOR;
        for f in layout.fields {
            if layout.id == "SE60" && f == vendor {
                mark(&mut need, Self::SPACE, f.start, f.end);
                continue;
            }
            if f.kind == Kind::Text {
                match f.class {
                    Class::A => mark(&mut need, Self::CLASS_A, f.start, f.end),
                    Class::AN => mark(&mut need, Self::CLASS_AN, f.start, f.end),
                    _ => {}
                }
            }
            if f.designation == Designation::M && !space_filled_mandatory(layout, f) {
                mark(&mut need, Self::NOT_SPACE, f.start, f.start);
            }
        }
        HostPlan {
            layout,
            fast: FastCheck::new(layout.fields),
            need,
            entry: host::ENTRY_HEADERS
                .iter()
                .position(|(rid, _, _)| *rid == layout.id),
        }
    }

    /// Whether the field-by-field H-007 / H-010 check of `raw` is certain to find nothing:
    /// 80 ASCII bytes whose non-text fields are all digits or all spaces (dates and times
    /// real), fillers spaces, class A / AN text fields of their letters, digits and spaces,
    /// and no mandatory field starting with a space. `false` means "check field by field".
    fn clean(&self, raw: &[u8]) -> bool {
        if !self.fast.accepts(raw) {
            return false;
        }
        let Ok(raw) = <&[u8; 80]>::try_from(raw) else {
            return false;
        };
        // Branch-free over the 80 bytes (vectorized): the bits a byte may satisfy, against
        // the bits its column needs.
        let bad = raw.iter().zip(&self.need).fold(0u8, |acc, (&b, &need)| {
            let space = u8::from(b == b' ').wrapping_neg();
            let letter = u8::from(b.wrapping_sub(b'A') < 26).wrapping_neg();
            let digit = u8::from(b.wrapping_sub(b'0') < 10).wrapping_neg();
            let may = (space & (Self::SPACE | Self::CLASS_A | Self::CLASS_AN))
                | (letter & (Self::CLASS_A | Self::CLASS_AN))
                | (digit & Self::CLASS_AN)
                | (!space & Self::NOT_SPACE);
            acc | (need & !may)
        });
        bad == 0
    }
}

/// The plan of the host layout of identifier `id` (`None`: `host-records.csv` has none).
/// Every identifier there is `SE`, `SF` or `SO` and two digits: a table indexed by family
/// and number finds its plan at once (an identifier of another shape is looked up in the
/// list, and none is found).
fn host_plan(id: &[u8]) -> Option<&'static HostPlan> {
    struct Plans {
        plans: Vec<HostPlan>,
        /// Index + 1 into `plans` by [`slot`] (0: no layout).
        by_slot: [u8; 300],
    }
    fn slot(id: &[u8]) -> Option<usize> {
        let [b'S', family, d1, d2] = *id else {
            return None;
        };
        let family = match family {
            b'E' => 0,
            b'F' => 1,
            b'O' => 2,
            _ => return None,
        };
        let digit = |d: u8| d.is_ascii_digit().then(|| usize::from(d - b'0'));
        Some(family * 100 + digit(d1)? * 10 + digit(d2)?)
    }
    static PLANS: std::sync::OnceLock<Plans> = std::sync::OnceLock::new();
    let plans = PLANS.get_or_init(|| {
        // The first layout of an identifier, as `host_layout` finds it.
        let mut p = Plans {
            plans: Vec::new(),
            by_slot: [0; 300],
        };
        for &l in HOST_LAYOUTS {
            if p.plans.iter().any(|q| q.layout.id == l.id) {
                continue;
            }
            let index = u8::try_from(p.plans.len() + 1).ok();
            if let (Some(i), Some(cell)) = (
                index,
                slot(l.id.as_bytes()).and_then(|s| p.by_slot.get_mut(s)),
            ) {
                *cell = i;
            }
            p.plans.push(HostPlan::new(l));
        }
        p
    });
    let index = slot(id).and_then(|s| plans.by_slot.get(s)).copied();
    match index.and_then(|i| usize::from(i).checked_sub(1)) {
        Some(i) => plans.plans.get(i),
        None => plans.plans.iter().find(|p| p.layout.id.as_bytes() == id),
    }
}

/// H-007 and H-010 of one host record, field by field.
fn check_fields(r: &Record<'_>, layout: &RecordLayout, raw: &[u8], cx: &mut Ctx<'_, '_>) {
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
    let line_number = Se40::LINE_ITEM_NUMBER;
    let (is_se40, is_se60) = (layout.id == "SE40", layout.id == "SE60");
    let rec_at = At::record(r);
    for f in layout.fields {
        let at = rec_at.cols(f.start, f.end);
        let bytes = f.slice(raw);
        if is_se60 && f == vendor {
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
        // Built only when a finding is emitted (a passing field allocates nothing).
        let name = || format!("{}.{}", layout.id, f.name);
        // Whether the field holds a value. An ASCII text field reads without error, as its
        // value when not blank: only its presence is needed, so it is not typed.
        let read = if f.kind == Kind::Text && bytes.is_ascii() {
            Ok((!super::field::blank(bytes)).then_some(()))
        } else {
            f.read(raw, false).map(|v| v.map(|_| ()))
        };
        let value = match read {
            Ok(v) => v,
            // A CBP line number that is not a number: H-005 reports it (one cause, one
            // finding, SPEC 6.0).
            Err(FieldErrorKind::NotNumeric) if is_se40 && f == line_number => continue,
            Err(FieldErrorKind::NotNumeric) => {
                cx.emit(
                    RuleId::H_007,
                    at,
                    format!(
                        "{} is \"{}\": class N, all digits (zero-filled) or all spaces",
                        name(),
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
                        "{} \"{}\" is not a real {}",
                        name(),
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
                        "mandatory field {} (bytes {}-{}) is blank",
                        name(),
                        f.start,
                        f.end
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
        let bad = if super::field::class_letters_digits_ok(f.class, bytes) {
            None
        } else {
            bytes.iter().find(|&&c| is_cbp_char(c) && !allowed(c))
        };
        if let Some(&c) = bad {
            let class = if f.class == Class::A {
                "A (letters and spaces)"
            } else {
                "AN (letters, digits, spaces)"
            };
            cx.emit(
                RuleId::H_007,
                at,
                format!("{} holds '{}': class {class}", name(), char::from(c)),
            );
        }
    }
}

/// A record's identifier written as [`Record::id`] reads it (the UTF-8 check only when a
/// finding is written).
struct IdText<'r, 'a>(&'r Record<'a>);

impl std::fmt::Display for IdText<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id())
    }
}

/// Whether `r` is the host record `id` (as [`Record::view`] tells a host layout's record).
fn is_host(r: &Record<'_>, id: &[u8]) -> bool {
    r.record_type() == RecordType::Host && r.id_bytes() == id
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
fn check_structure(records: &[Record<'_>], b_filer: Option<&str>, cx: &mut Ctx<'_, '_>) {
    let Some(first) = records.first() else {
        return;
    };
    if !is_host(first, b"SE10") {
        cx.emit(
            RuleId::H_001,
            At::record(first),
            format!(
                "the transaction starts with {} instead of SE10: a Cargo Release transaction opens with its SE10 header (SPEC 3.7)",
                first.id()
            ),
        );
        return;
    }
    // H-003: the entry filer code is the block's filer.
    if let (Some(fc), Some(bf)) = (text_bytes(first, Se10::ENTRY_FILER_CODE), b_filer) {
        if fc != bf.as_bytes() {
            cx.emit(
                RuleId::H_003,
                At::field(first, Se10::ENTRY_FILER_CODE),
                format!(
                    "SE10.entry_filer_code {} differs from the B filer code {bf}",
                    String::from_utf8_lossy(fc)
                ),
            );
        }
    }
    // H-002: one SE13.
    if !records.iter().any(|r| is_host(r, b"SE13")) {
        cx.emit(
            RuleId::H_002,
            At::record(first),
            "SE13 missing: every Cargo Release transaction (A, R, U, D) carries one SE13 contact record after its SE10 (SPEC 3.7)".to_string(),
        );
    }
    let action = text_bytes(first, Se10::ACTION_CODE);
    // What a D (cancel) and U (update) transaction may carry (SPEC 3.7).
    let allowed: Option<(&[&[u8]], &str)> = match action {
        Some(b"D") => Some((&[b"SE10", b"SE13", b"SE20"], "a cancel (D) transaction carries only SE10, SE13 (with a cancellation reason) and SE20")),
        Some(b"U") => Some((
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
                        String::from_utf8_lossy(action.unwrap_or_default())
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
        // The identifier as text, made only for a finding.
        let name = IdText(r);
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
            let f = Se40::LINE_ITEM_NUMBER;
            match int_of(r, f) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ParseOptions;
    use crate::records::host_layout;
    use crate::validate::ValidateOptions;

    /// Every identifier of `host-records.csv` finds the layout `host_layout` finds.
    #[test]
    fn plans_are_the_layouts_of_their_identifiers() {
        for l in HOST_LAYOUTS {
            let id = l.id.as_bytes();
            let plan = host_plan(id).map(|p| p.layout);
            assert!(plan.is_some_and(|p| Some(p) == host_layout(id)), "{}", l.id);
        }
        assert!(host_plan(b"SE99").is_none() && host_plan(b"").is_none());
    }

    /// A record the plan calls clean gets no H-007 or H-010 finding from the field-by-field
    /// check: every host record of every sample, also with seeded byte changes (digits,
    /// letters, lower case, spaces, punctuation, a non-ASCII byte) at every column; and many
    /// of the changed records do get findings (the test can fail).
    #[test]
    fn clean_records_get_no_field_finding() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        let opts = ValidateOptions::new(as_of);
        let palette = b" 0123456789AZQXaz-./*&\xC3";
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let (mut clean, mut dirty_with_findings) = (0usize, 0usize);
        for line in crate::validate::samples::records() {
            if host_plan(line.get(..4).unwrap_or_default()).is_none() {
                continue;
            }
            for variant in 0..40 {
                let mut rec = line.to_vec();
                for _ in 0..(variant % 3) {
                    seed = crate::validate::samples::next_seed(seed);
                    let col = 4 + (seed >> 33) as usize % 76;
                    if let Some(c) = rec.get_mut(col) {
                        *c = palette[(seed >> 50) as usize % palette.len()];
                    }
                }
                let Ok(t) = crate::Transmission::parse_with(&rec, &ParseOptions::lenient()) else {
                    continue;
                };
                t.tree().for_each_record(|r| {
                    let Some(plan) = host_plan(r.id_bytes()) else {
                        return;
                    };
                    let mut sink = Sink::new(&opts);
                    let mut cx = Ctx {
                        sink: &mut sink,
                        side: Side::Input,
                    };
                    check_fields(r, plan.layout, r.raw(), &mut cx);
                    let found = sink.into_report().findings;
                    if plan.clean(r.raw()) {
                        assert!(
                            found.is_empty(),
                            "{}: {found:?}",
                            String::from_utf8_lossy(r.raw())
                        );
                        clean += 1;
                    } else {
                        dirty_with_findings += usize::from(!found.is_empty());
                    }
                });
            }
        }
        assert!(clean > 500, "{clean} clean records");
        assert!(
            dirty_with_findings > 100,
            "{dirty_with_findings} records with findings"
        );
    }
}
