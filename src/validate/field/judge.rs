//! The one-pass judge of the F rules (SPEC 6.1) for a record the parse's fast check
//! accepted: per record type and blank pattern of its optional text fields, the bytes each
//! of its 80 columns may hold without a finding, checked in one branch-free pass; only the
//! fields whose value a rule reads are then read ([`judge_record`]).

use crate::layout::{Class, Designation, FieldDef, Kind};
use crate::records::Record;

use super::{
    check_memoized, is_output_record, is_pga_record, judged_fields, FieldCx, Memo, MemoSlot,
};
use crate::error::Severity;
use crate::validate::{At, Sink};

/// Blank patterns remembered per record type.
const PATTERN_WAYS: usize = 8;

/// A set of bytes as two ranges, each as its first byte and its length less one (a byte
/// `b` is in the range `(lo, span)` when `b.wrapping_sub(lo) <= span`; a set of one range
/// repeats it), and one more byte ([`NO_BYTE`] for none).
#[derive(Clone, Copy)]
struct ByteSet {
    /// The ranges.
    ranges: [(u8, u8); 2],
    /// One more byte of the set.
    byte: u8,
}

/// [`ByteSet::byte`] of a set without one more byte: `0xFF`, which no record the parse's
/// fast check accepted holds (none of its bytes is above `0x7F`), and which the ranges of
/// every set leave out.
const NO_BYTE: u8 = 0xFF;

/// The CBP character set (SPEC 2.3): `0x20`-`0x60` and `{`-`~`.
const CBP: ByteSet = ByteSet {
    ranges: [(0x20, 0x40), (b'{', 3)],
    byte: NO_BYTE,
};
/// The CBP set without the space: the first byte of a mandatory field.
const CBP_NOT_SPACE: ByteSet = ByteSet {
    ranges: [(0x21, 0x3F), (b'{', 3)],
    byte: NO_BYTE,
};
/// Class A: upper-case letters and the space.
const CLASS_A: ByteSet = ByteSet {
    ranges: [(b'A', 25), (b'A', 25)],
    byte: b' ',
};
/// Class A without the space.
const CLASS_A_NOT_SPACE: ByteSet = ByteSet {
    ranges: [(b'A', 25), (b'A', 25)],
    byte: NO_BYTE,
};
/// Class AN: upper-case letters, digits and the space.
const CLASS_AN: ByteSet = ByteSet {
    ranges: [(b'A', 25), (b'0', 9)],
    byte: b' ',
};
/// Class AN without the space.
const CLASS_AN_NOT_SPACE: ByteSet = ByteSet {
    ranges: [(b'A', 25), (b'0', 9)],
    byte: NO_BYTE,
};
/// A filler byte of a PGA or response record: the space.
const FILLER: ByteSet = ByteSet {
    ranges: [(b' ', 0), (b' ', 0)],
    byte: b' ',
};

/// Per column of a record, the bytes that make no finding there (a [`ByteSet`] per column:
/// range `k` of column `c` is `(lo[k][c], span[k][c])`, its one more byte `byte[c]`), judged
/// in one branch-free pass ([`Self::clean`]).
#[derive(Clone)]
struct ColumnSets {
    /// First bytes of the ranges.
    lo: [[u8; 80]; 2],
    /// Lengths less one of the ranges.
    span: [[u8; 80]; 2],
    /// The one more byte of each column's set.
    byte: [u8; 80],
}

impl ColumnSets {
    /// The sets of `sets`, one per column.
    fn new(sets: &[ByteSet; 80]) -> ColumnSets {
        let mut c = ColumnSets {
            lo: [[0; 80]; 2],
            span: [[0; 80]; 2],
            byte: [NO_BYTE; 80],
        };
        for (col, set) in sets.iter().enumerate() {
            c.set(col, *set);
        }
        c
    }

    /// Sets the bytes allowed at 0-based column `col` (nothing for a column beyond 80).
    fn set(&mut self, col: usize, set: ByteSet) {
        for ((lo, span), (l, n)) in self.lo.iter_mut().zip(&mut self.span).zip(set.ranges) {
            if let (Some(lo), Some(span)) = (lo.get_mut(col), span.get_mut(col)) {
                (*lo, *span) = (l, n);
            }
        }
        if let Some(b) = self.byte.get_mut(col) {
            *b = set.byte;
        }
    }

    /// Whether every byte of `raw` (a record the parse's fast check accepted: no byte above
    /// `0x7F`, so that [`NO_BYTE`] matches none) is in its column's set: one pass over the
    /// 80 bytes without a branch (the compiler vectorizes it).
    #[inline]
    fn clean(&self, raw: &[u8; 80]) -> bool {
        let [lo0, lo1] = &self.lo;
        let [n0, n1] = &self.span;
        let within = |b: u8, lo: u8, n: u8| u8::from(b.wrapping_sub(lo) <= n);
        let outside = raw
            .iter()
            .zip(lo0)
            .zip(n0)
            .zip(lo1)
            .zip(n1)
            .zip(&self.byte)
            .fold(0u8, |acc, (((((&b, &l0), &s0), &l1), &s1), &one)| {
                acc | (1 ^ (within(b, l0, s0) | within(b, l1, s1) | u8::from(b == one)))
            });
        outside == 0
    }
}

/// The [`ColumnSets`] of a record type for one blank pattern of its optional text fields
/// ([`Judge::clean`]).
struct BlankSets {
    /// The pattern ([`Judge::blank_pattern`]).
    pattern: u16,
    /// The judge's sets, with every byte of those fields a space and the first byte of the
    /// other optional text fields not a space.
    sets: ColumnSets,
}

/// The [`BlankSets`] of one record type met so far ([`Memo::sets`]).
#[derive(Default)]
pub(super) struct TypeSets {
    /// Oldest first.
    patterns: Vec<BlankSets>,
    /// By the type of the record before (its index modulo [`HISTORY`]): the indices into
    /// [`Self::patterns`] of the pattern met last after such a record and of the one met
    /// before it (records of a type often alternate between two patterns, each after its
    /// own kind of record).
    recent: [(u8, u8); HISTORY],
}

/// Slots of [`TypeSets::recent`].
const HISTORY: usize = 16;

/// What proves, for a record of one type that the parse's fast check accepted
/// ([`judge_record`]), that no F rule fires on it but those of the fields whose value a rule
/// reads; built once per record type from its layout.
struct Judge {
    /// Per column, the bytes that make no finding there: the CBP set (F-002, F-003,
    /// F-005); the space in the filler of a PGA or response record (F-006); the class of a
    /// class A or AN text field (F-008, F-009); no space at the first byte of a mandatory
    /// field of a PGA record (a non-text field of a checked record is all digits or all
    /// spaces, so that a space there is F-011; a text field starting with a space is blank,
    /// F-011, or not left-justified, F-010). An optional text field's first byte may be a
    /// space here: [`Self::clean`] settles it per blank pattern.
    sets: ColumnSets,
    /// The optional text fields (at most 16): 0-based first column, end (exclusive) and
    /// the bytes of the first column when the field is not blank.
    optional_text: Vec<(u8, u8, ByteSet)>,
    /// Per column, the bit of the optional text field that starts there (fields 0-7 in
    /// the first array, 8-15 in the second), for [`Self::blank_pattern`].
    first_bits: [[u8; 80]; 2],
    /// The fields whose value a rule reads ([`super::is_special`]), with their slot in the
    /// [`Memo`]: checked one by one, in layout order.
    special: Vec<(&'static FieldDef, Option<MemoSlot>)>,
}

/// The [`Judge`] of `r`'s record type; `None` when the layout has a field or filler the
/// columns cannot express (outside bytes 1-80 or overlapping another), more than 16
/// optional text fields, or none.
#[inline]
fn judge_of(r: &Record<'_>) -> Option<&'static Judge> {
    static JUDGES: [std::sync::OnceLock<Option<Judge>>; 128] =
        [const { std::sync::OnceLock::new() }; 128];
    let cell = JUDGES.get(r.record_type() as usize)?;
    match cell.get() {
        Some(judge) => judge.as_ref(),
        None => cell.get_or_init(|| build_judge(r)).as_ref(),
    }
}

/// Builds the [`Judge`] of `r`'s record type ([`judge_of`]).
#[cold]
fn build_judge(r: &Record<'_>) -> Option<Judge> {
    let layout = r.record_type().layout()?;
    let plan = judged_fields(r, layout)?;
    let pga = is_pga_record(r.record_type());
    let output = is_output_record(r.record_type());
    let mut sets = [CBP; 80];
    let mut used = [false; 80];
    let mut mark = |start: u8, end: u8, set: ByteSet, lead: ByteSet| -> Option<()> {
        let (s, e) = (usize::from(start).checked_sub(1)?, usize::from(end));
        if s >= e || e > 80 {
            return None;
        }
        for u in used.get_mut(s..e)? {
            if std::mem::replace(u, true) {
                return None;
            }
        }
        sets.get_mut(s..e)?.fill(set);
        *sets.get_mut(s)? = lead;
        Some(())
    };
    for f in layout.fillers {
        let set = if pga || output { FILLER } else { CBP };
        mark(f.start, f.end, set, set)?;
    }
    let mut optional_text = Vec::new();
    for f in layout.fields {
        let text = f.kind == Kind::Text;
        let mandatory = pga && f.designation == Designation::M;
        let (set, lead) = match f.class {
            Class::A if text => (CLASS_A, CLASS_A_NOT_SPACE),
            Class::AN if text => (CLASS_AN, CLASS_AN_NOT_SPACE),
            _ => (CBP, CBP_NOT_SPACE),
        };
        mark(f.start, f.end, set, if mandatory { lead } else { set })?;
        if text && !mandatory {
            // `mark` checked 1 <= start <= end <= 80.
            optional_text.push((f.start - 1, f.end, lead));
        }
    }
    let mut first_bits = [[0u8; 80]; 2];
    for (i, &(first, _, _)) in optional_text.iter().enumerate() {
        *first_bits.get_mut(i / 8)?.get_mut(usize::from(first))? = 1 << (i % 8);
    }
    Some(Judge {
        sets: ColumnSets::new(&sets),
        optional_text,
        first_bits,
        special: plan
            .iter()
            .filter(|s| s.special)
            .map(|s| (s.field, s.memo))
            .collect(),
    })
}

impl Judge {
    /// Bit `i` set when optional text field `i` of `raw` starts with a space: one pass
    /// over the 80 bytes without a branch (vectorized).
    #[inline]
    fn blank_pattern(&self, raw: &[u8; 80]) -> u16 {
        let [bits0, bits1] = &self.first_bits;
        if self.optional_text.len() <= 8 {
            let low = raw.iter().zip(bits0).fold(0u8, |low, (&b, &b0)| {
                low | (u8::from(b == b' ').wrapping_neg() & b0)
            });
            return u16::from(low);
        }
        let (low, high) =
            raw.iter()
                .zip(bits0)
                .zip(bits1)
                .fold((0u8, 0u8), |(low, high), ((&b, &b0), &b1)| {
                    let space = u8::from(b == b' ').wrapping_neg();
                    (low | (space & b0), high | (space & b1))
                });
        u16::from_le_bytes([low, high])
    }

    /// The column sets for the records of the blank pattern of `raw`
    /// ([`Self::blank_pattern`]): [`Self::sets`] with the optional text fields that start
    /// with a space in `raw` all spaces (a field starting with a space is blank, or
    /// F-010) and the first byte of the others not a space (so that a record of another
    /// pattern is never judged clean by them).
    fn sets_with(&self, raw: &[u8; 80]) -> ColumnSets {
        let mut sets = self.sets.clone();
        for &(first, end, lead) in &self.optional_text {
            if raw.get(usize::from(first)) == Some(&b' ') {
                for col in usize::from(first)..usize::from(end) {
                    sets.set(col, FILLER);
                }
            } else {
                sets.set(usize::from(first), lead);
            }
        }
        sets
    }

    /// Whether `raw`, of record type `rt`, is in the column sets of its blank pattern
    /// ([`Self::sets_with`]). The sets of the pattern met last for the type are tried
    /// first (they reject a record of another pattern), then those of the pattern met
    /// before it; otherwise those of the record's pattern, from the memo, made and
    /// remembered when not there (the oldest of the type leaves after [`PATTERN_WAYS`]).
    #[inline]
    fn clean(&self, rt: usize, prev: usize, raw: &[u8; 80], memo: &mut Memo) -> bool {
        if memo.sets.len() <= rt {
            memo.sets.resize_with(rt + 1, TypeSets::default);
        }
        let Some(known) = memo.sets.get_mut(rt) else {
            return false;
        };
        let slot = prev % HISTORY;
        let Some(&(last, _)) = known.recent.get(slot) else {
            return false;
        };
        if known
            .patterns
            .get(usize::from(last))
            .is_some_and(|b| b.sets.clean(raw))
        {
            return true;
        }
        self.clean_by_pattern(raw, known, slot)
    }

    /// [`Self::clean`] when the sets of the pattern met last reject `raw` (`slot`: its
    /// [`TypeSets::recent`]).
    #[inline(never)]
    fn clean_by_pattern(&self, raw: &[u8; 80], known: &mut TypeSets, slot: usize) -> bool {
        let Some(&(last, before)) = known.recent.get(slot) else {
            return false;
        };
        let set_recent = |known: &mut TypeSets, recent: (u8, u8)| {
            if let Some(r) = known.recent.get_mut(slot) {
                *r = recent;
            }
        };
        if before != last
            && known
                .patterns
                .get(usize::from(before))
                .is_some_and(|b| b.sets.clean(raw))
        {
            set_recent(known, (before, last));
            return true;
        }
        let pattern = self.blank_pattern(raw);
        let found = known.patterns.iter().position(|b| b.pattern == pattern);
        let i = match found.and_then(|i| u8::try_from(i).ok()) {
            // Sets that rejected the record.
            Some(i) if i == last || i == before => return false,
            Some(i) => i,
            None => {
                if known.patterns.len() >= PATTERN_WAYS {
                    known.patterns.remove(0);
                    // The indices move down with the patterns (the oldest left).
                    for (l, b) in &mut known.recent {
                        (*l, *b) = (l.saturating_sub(1), b.saturating_sub(1));
                    }
                }
                known.patterns.push(BlankSets {
                    pattern,
                    sets: self.sets_with(raw),
                });
                u8::try_from(known.patterns.len() - 1).unwrap_or(0)
            }
        };
        let last = known.recent.get(slot).map_or(0, |r| r.0);
        set_recent(known, (i, last));
        known
            .patterns
            .get(usize::from(i))
            .is_some_and(|b| b.sets.clean(raw))
    }
}

/// The F rules of a record the parse's fast check accepted ([`Record::fast_checked`]), when
/// one pass over its bytes (the [`ColumnSets`] of its type and blank pattern) proves that
/// only the fields whose value a rule reads can give a finding: those are checked (through
/// the memo) and `true` is returned. `false` (nothing emitted): the record is to be checked
/// byte by byte and field by field. `prev`: the type of the record before (as `usize`).
#[inline]
pub(super) fn judge_record(
    r: &Record<'_>,
    prev: usize,
    memo: &mut Memo,
    sink: &mut Sink<'_>,
) -> bool {
    if !r.fast_checked() {
        return false;
    }
    let Ok(raw) = <&[u8; 80]>::try_from(r.raw()) else {
        return false;
    };
    let Some(judge) = judge_of(r) else {
        return false;
    };
    let rt = r.record_type() as usize;
    if !judge.clean(rt, prev, raw, memo) {
        return false;
    }
    if judge.special.is_empty() {
        return true;
    }
    let output = is_output_record(r.record_type());
    let cx = FieldCx {
        r,
        raw: r.raw(),
        rec_at: At::record(r),
        typed: true,
        lenient_n: false,
        pga: is_pga_record(r.record_type()),
        output,
        class_sev: if output {
            Severity::Warning
        } else {
            Severity::Error
        },
    };
    for (f, slot) in &judge.special {
        let key = slot.and_then(|m| m.key(raw));
        check_memoized(&cx, f, key, memo, sink);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::{check_bytes, check_fields};
    use super::*;
    use crate::options::ParseOptions;
    use crate::validate::ValidateOptions;

    /// The one-pass judge ([`judge_record`]) reports what checking every byte and reading
    /// every field reports, on every record it takes: the records of every sample, each also
    /// with seeded changes (a byte of the palette, a run of spaces, a space before a letter:
    /// blank and not left-justified fields, lower-case letters, control bytes), all judged
    /// with one memo, so that its blank patterns are made, met again after other types and
    /// other patterns, and left when more than [`PATTERN_WAYS`] of a type are met.
    #[test]
    fn judge_reports_what_checking_every_field_reports() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        let opts = ValidateOptions::new(as_of);
        let palette = b" 0123456789AZQX-./*&a\t~";
        let mut seed = 0x0f1e_2d3c_4b5a_6978u64;
        let mut rnd = |n: usize| {
            seed = crate::validate::samples::next_seed(seed);
            (seed >> 33) as usize % n.max(1)
        };
        let mut records: Vec<Vec<u8>> = Vec::new();
        for line in crate::validate::samples::records() {
            for variant in 0..12 {
                let mut rec = line.clone();
                for _ in 0..(variant % 4) {
                    let col = 2 + rnd(78);
                    match rnd(3) {
                        0 => {
                            if let Some(c) = rec.get_mut(col) {
                                *c = palette[rnd(palette.len())];
                            }
                        }
                        1 => {
                            let end = (col + 1 + rnd(20)).min(80);
                            rec.get_mut(col..end).unwrap_or_default().fill(b' ');
                        }
                        _ => {
                            if let Some(c) = rec.get_mut(col..(col + 2).min(80)) {
                                c.copy_from_slice(&b" Q"[..c.len()]);
                            }
                        }
                    }
                }
                records.push(rec);
            }
        }
        let (mut memo, mut prev) = (Memo::default(), 0usize);
        let (mut judged, mut fell_back, mut with_findings) = (0usize, 0usize, 0usize);
        for rec in &records {
            let Ok(t) = crate::Transmission::parse_with(rec, &ParseOptions::strict()) else {
                continue;
            };
            t.tree().for_each_record(|r| {
                let Some(layout) = r.record_type().layout() else {
                    return;
                };
                let mut sink = Sink::new(&opts);
                let took = judge_record(r, prev, &mut memo, &mut sink);
                prev = r.record_type() as usize;
                if !took {
                    if r.fast_checked() {
                        fell_back += 1;
                    }
                    check_bytes(r, &mut sink);
                    check_fields(r, layout, false, false, &mut Memo::default(), &mut sink);
                }
                let mut every = Sink::new(&opts);
                check_bytes(r, &mut every);
                check_fields(r, layout, false, false, &mut Memo::default(), &mut every);
                let (got, want) = (sink.into_report(), every.into_report());
                assert_eq!(got, want, "{}", String::from_utf8_lossy(r.raw()));
                judged += usize::from(took);
                with_findings += usize::from(took && !want.findings.is_empty());
            });
        }
        assert!(judged > 1000, "{judged} records judged in one pass");
        assert!(
            fell_back > 300,
            "{fell_back} fast-checked records checked field by field"
        );
        assert!(
            with_findings > 0,
            "{with_findings} judged records with findings"
        );
        let patterns = memo.sets.iter().map(|t| t.patterns.len()).max();
        assert_eq!(
            patterns,
            Some(PATTERN_WAYS),
            "a type met more patterns than are kept"
        );
    }
}
