//! One record in context: its bytes, position, terminator, type and typed body (SPEC 2.1).

use crate::error::{FieldError, Location, Problem, ProblemKind, Severity};
use crate::records::{Body, RecordType, TypedRecord, View, PG_TABLE};
use crate::wire::framing::{RawLine, Terminator};

/// Result of identifying a record's type from its first bytes (SPEC 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identified {
    /// The type.
    pub record_type: RecordType,
    /// Number of identifier bytes (1, 2 or 4; fewer for a record shorter than that).
    pub id_len: usize,
    /// Identified only case-insensitively (lenient mode).
    pub lower_case: bool,
    /// For an unknown lower-case id in strict mode: the record it resembles.
    pub resembles: Option<&'static str>,
}

/// The layout of `PGnn` from its two digit bytes (`None`: not digits, or no such layout).
#[inline]
fn pg_type(d1: u8, d2: u8) -> Option<RecordType> {
    if !(d1.is_ascii_digit() && d2.is_ascii_digit()) {
        return None;
    }
    PG_TABLE
        .get(usize::from(d1 - b'0') * 10 + usize::from(d2 - b'0'))
        .copied()
        .flatten()
}

fn lookup_variant(id: &[u8]) -> Option<RecordType> {
    // Output-side variants share the SE/SO layouts (SPEC 7.1, 7.2).
    let canon: &[u8] = match id {
        b"GE90" => b"SE90",
        b"WO70" | b"PO70" => b"SO70",
        b"WO71" | b"PO71" => b"SO71",
        b"WO72" => b"SO72",
        other => other,
    };
    if let [b'P', b'G', d1, d2] = canon {
        // PGnn: a table indexed by the two digits, built at compile time from the layouts.
        return pg_type(*d1, *d2);
    }
    // Other 4-byte layout ids are the response records (SE90, SO70-SO72): skip the table
    // lookup for every other host id (SE10, SE60 …).
    if canon.len() == 4 && !matches!(canon.get(2..4), Some(b"90" | b"70" | b"71" | b"72")) {
        return None;
    }
    RecordType::from_id_bytes(canon)
}

/// The layout variant of an `SO70` (also `WO70`, `PO70`) record, chosen by its bytes (SPEC
/// 7.2): version `04` in bytes 79–80 → [`RecordType::So70V04`]; a blank version with the
/// literal `THRU` in bytes 63–66 → [`RecordType::So70Thru`]; anything else → the base
/// [`RecordType::So70`]. The positions come from the layout table (`processing_group_version`
/// of `SO70@04`, `range_indicator` of `SO70@THRU`). Other record types are returned as given.
pub fn so70_variant(rt: RecordType, raw: &[u8]) -> RecordType {
    if rt != RecordType::So70 {
        return rt;
    }
    use crate::wire::grammar::{literal, spaces, whole};
    use nom::combinator::value;
    use nom::Parser;
    let version = crate::records::So70V04::PROCESSING_GROUP_VERSION.slice(raw);
    let range = crate::records::So70Thru::RANGE_INDICATOR.slice(raw);
    // The version field: `04`, or blank (then the range indicator decides).
    let by_version = value(Some(RecordType::So70V04), literal("04"))
        .or(value(None, spaces))
        .parse(version);
    match by_version.ok().filter(|(rest, _)| rest.is_empty()) {
        Some((_, Some(v04))) => v04,
        Some((_, None)) if whole(literal("THRU"), range).is_some() => RecordType::So70Thru,
        _ => RecordType::So70,
    }
}

/// Whether a line starts with a record identifier that SPEC 2.1 knows, as the F-023 check
/// (SPEC 6.1, "not a CATAIR transmission") asks: `A`, `B`, `Y` or `Z`; `OI`; a `PGnn` of
/// `records.csv`; a host record shape (two upper-case letters and two digits such as `SE10`,
/// or two digits such as `10`). `PG` and `OI` are matched in any case (a lower-case
/// identifier is a fault of a CATAIR record, F-015 and F-005, not a sign of another format).
pub fn starts_with_known_id(line: &[u8]) -> bool {
    match line {
        [b'A' | b'B' | b'Y' | b'Z', ..] => true,
        [o, i, ..] if o.eq_ignore_ascii_case(&b'O') && i.eq_ignore_ascii_case(&b'I') => true,
        [p, g, d1, d2, ..] if p.eq_ignore_ascii_case(&b'P') && g.eq_ignore_ascii_case(&b'G') => {
            pg_type(*d1, *d2).is_some()
        }
        [l1, l2, d1, d2, ..]
            if l1.is_ascii_uppercase()
                && l2.is_ascii_uppercase()
                && d1.is_ascii_digit()
                && d2.is_ascii_digit() =>
        {
            true
        }
        [d1, d2, ..] => d1.is_ascii_digit() && d2.is_ascii_digit(),
        _ => false,
    }
}

/// Identifies a record from its bytes (SPEC 2.1). `lenient_ids` recognises lower-case
/// `pg`/`oi` identifiers.
#[inline]
pub fn identify(raw: &[u8], lenient_ids: bool) -> Identified {
    if let [b'P', b'G', d1 @ b'0'..=b'9', d2 @ b'0'..=b'9', ..] = raw {
        let rt = pg_type(*d1, *d2);
        return Identified {
            record_type: rt.unwrap_or(RecordType::UnknownPg),
            id_len: 4,
            lower_case: false,
            resembles: None,
        };
    }
    identify_other(raw, lenient_ids)
}

/// [`identify`] for identifiers other than `PGnn`.
#[inline(never)]
fn identify_other(raw: &[u8], lenient_ids: bool) -> Identified {
    let b = |i: usize| raw.get(i).copied().unwrap_or(b' ');
    let plain = |record_type, id_len| Identified {
        record_type,
        id_len,
        lower_case: false,
        resembles: None,
    };
    // The common shapes first: `OI`, the envelope, and a host record (`SE10`): two
    // upper-case letters and two digits, a response layout only for `90`, `70`-`72`.
    match raw {
        [b'O', b'I', ..] => return plain(RecordType::Oi, 2),
        [b'A', ..] => return plain(RecordType::BatchHeader, 1),
        [b'B', ..] => return plain(RecordType::BlockHeader, 1),
        [b'Y', ..] => return plain(RecordType::BlockTrailer, 1),
        [b'Z', ..] => return plain(RecordType::BatchTrailer, 1),
        [l1 @ b'A'..=b'Z', l2 @ b'A'..=b'Z', b'0'..=b'9', b'0'..=b'9', ..]
            if !(*l1 == b'P' && *l2 == b'G') =>
        {
            let response = matches!(raw.get(2..4), Some(b"90" | b"70" | b"71" | b"72"));
            return match raw.get(..4).filter(|_| response).and_then(lookup_variant) {
                Some(rt) => plain(so70_variant(rt, raw), 4),
                None => plain(RecordType::Host, 4),
            };
        }
        _ => {}
    }
    let (b0, b1) = (b(0), b(1));
    if b0 == b'P' && b1 == b'G' {
        let id = raw.get(..4.min(raw.len())).unwrap_or_default();
        return match lookup_variant(id) {
            Some(rt) => plain(rt, 4),
            None => plain(RecordType::UnknownPg, id.len()),
        };
    }
    // Lower-case PG / OI identifiers.
    if b0.eq_ignore_ascii_case(&b'P') && b1.eq_ignore_ascii_case(&b'G')
        || b0.eq_ignore_ascii_case(&b'O') && b1.eq_ignore_ascii_case(&b'I')
    {
        let upper: Vec<u8> = raw
            .iter()
            .take(if b0.eq_ignore_ascii_case(&b'P') { 4 } else { 2 })
            .map(u8::to_ascii_uppercase)
            .collect();
        if let Some(rt) = lookup_variant(&upper) {
            let id_len = upper.len();
            if lenient_ids {
                return Identified {
                    record_type: rt,
                    id_len,
                    lower_case: true,
                    resembles: None,
                };
            }
            return Identified {
                record_type: RecordType::UnknownPg,
                id_len,
                lower_case: false,
                resembles: rt.layout().map(|l| l.id),
            };
        }
    }
    if b0.eq_ignore_ascii_case(&b'P') && b1.eq_ignore_ascii_case(&b'G') {
        // An unknown PGnn in any case is still a PG record (kept in its PGA line).
        return plain(RecordType::UnknownPg, raw.len().min(4));
    }
    let id_len = if b0.is_ascii_alphabetic()
        && b1.is_ascii_alphabetic()
        && b(2).is_ascii_digit()
        && b(3).is_ascii_digit()
    {
        4
    } else {
        2
    };
    let id_len = id_len.min(raw.len());
    if id_len == 4 {
        if let Some(rt) = raw.get(..4).and_then(lookup_variant) {
            return plain(so70_variant(rt, raw), 4);
        }
    }
    plain(RecordType::Host, id_len)
}

/// One record of a parsed transmission: borrowed bytes, position and typed body. Read it
/// through its accessors ([`Record::line`], [`Record::raw`], [`Record::record_type`] …).
/// 40 bytes and `Copy`: a handle on the input's bytes, as the flat tree hands them out.
/// `Debug` shows its line, offset, type, bytes (as escaped text) and terminator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    line: u32,
    offset: usize,
    raw: &'a [u8],
    terminator: Terminator,
    terminator_deviates: bool,
    record_type: RecordType,
    id_len: u8,
    lenient_numeric: bool,
    /// A field could not be typed: [`Self::field_error`] finds it again (only such records
    /// pay for it; the record stays 40 bytes).
    has_field_error: bool,
    /// The parse's fast check ([`crate::layout::FastCheck::accepts`]) accepted the record:
    /// 80 ASCII bytes, every non-text field all digits or all spaces, every date and time
    /// real. Its views then read fields without checking the record again.
    checked: bool,
}

impl std::fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("line", &self.line)
            .field("offset", &self.offset)
            .field("record_type", &self.record_type)
            .field("raw", &format_args!("\"{}\"", self.raw.escape_ascii()))
            .field("terminator", &self.terminator)
            .finish()
    }
}

impl<'a> Record<'a> {
    /// 1-based record number in the input.
    #[inline]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Byte offset of the record's first byte in the input.
    #[inline]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The record's bytes as received, without terminator (80 bytes for a valid record;
    /// cut to 80 when lenient parsing dropped spaces beyond column 80). Same as
    /// [`Self::bytes`].
    #[inline]
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The terminator that followed the record.
    #[inline]
    pub fn terminator(&self) -> Terminator {
        self.terminator
    }

    /// Whether [`Self::terminator`] differs from the input's convention (the first record's
    /// terminator): mixed terminators, or a last record without terminator.
    #[inline]
    pub fn terminator_deviates(&self) -> bool {
        self.terminator_deviates
    }

    /// The record's type.
    #[inline]
    pub fn record_type(&self) -> RecordType {
        self.record_type
    }

    /// Number of identifier bytes at the start of [`Self::raw`] (1, 2 or 4; fewer for a
    /// record shorter than that).
    #[inline]
    pub fn id_len(&self) -> usize {
        usize::from(self.id_len)
    }

    /// Whether the parse's fast check ([`crate::layout::FastCheck::accepts`]) accepted the
    /// record: 80 bytes, none above `0x7F`, every non-text field all digits or all spaces,
    /// every date and time real (so every field was typed without error).
    #[inline]
    pub(crate) fn fast_checked(&self) -> bool {
        self.checked
    }

    /// Whether `N` fields are read leniently (`  1`), as parsed.
    #[inline]
    pub fn lenient_numeric(&self) -> bool {
        self.lenient_numeric
    }

    /// The first field of a layout-bearing record that could not be typed (a parse error);
    /// `None` when every field was read.
    #[inline]
    pub fn field_error(&self) -> Option<FieldError> {
        if !self.has_field_error {
            return None;
        }
        // The check of the parse, run again on the bytes it ran on (deterministic).
        self.field_error_slow()
    }

    #[cold]
    #[inline(never)]
    fn field_error_slow(&self) -> Option<FieldError> {
        let fields = self.raw.get(..80.min(self.raw.len())).unwrap_or_default();
        Body::check(self.record_type, fields, self.lenient_numeric)
    }

    /// Identifies and parses one framed record. Problems (F-001, F-002, F-007, F-013,
    /// F-014, F-015) are pushed to `problems`; the record is always returned, in place.
    /// Inline: the per-record step of every parse (the slow way is out of line).
    #[inline(always)]
    pub(crate) fn from_line(
        l: &RawLine<'a>,
        opts: &crate::options::ParseOptions,
        problems: &mut Vec<Problem>,
    ) -> Record<'a> {
        let ident = identify(l.bytes, opts.lower_case_ids);
        // Fast path: an 80-byte host record, or one of a layout whose fields the fast check
        // accepts (strict `N`); everything else (and what the fast check cannot decide) goes
        // the slow way, which reports nothing for a clean record.
        let clean = match Body::fast_check(ident.record_type) {
            Some(fast) => fast.accepts_known(l.bytes, l.ascii),
            None => ident.record_type == RecordType::Host,
        };
        if clean && l.bytes.len() == 80 && !ident.lower_case {
            return Record {
                line: l.line,
                offset: l.offset,
                raw: l.bytes,
                terminator: l.terminator,
                terminator_deviates: false,
                record_type: ident.record_type,
                id_len: ident.id_len as u8,
                lenient_numeric: opts.lenient_numeric,
                has_field_error: false,
                // Clean without a fast check: an 80-byte host record.
                checked: ident.record_type != RecordType::Host,
            };
        }
        Self::from_line_slow(*l, ident, opts, problems)
    }

    /// The record's facts other than its line, offset and bytes, in three bytes: its type
    /// (index into `RECORD_TYPES`), `id_len`, and a bit set (terminator in bits 0–1, then
    /// `terminator_deviates`, `lenient_numeric`, `has_field_error`, `checked`). The flat
    /// tree stores records this way ([`Self::from_facts`] reads them back).
    #[inline]
    pub(crate) fn facts(&self) -> [u8; 3] {
        let term = match self.terminator {
            Terminator::Lf => 0,
            Terminator::CrLf => 1,
            Terminator::Cr => 2,
            Terminator::None => 3,
        };
        let bits = term
            | u8::from(self.terminator_deviates) << 2
            | u8::from(self.lenient_numeric) << 3
            | u8::from(self.has_field_error) << 4
            | u8::from(self.checked) << 5;
        // Fewer than 256 record types (a unit test checks it).
        [self.record_type as u8, self.id_len, bits]
    }

    /// A record of no bytes at line 0 (a host record): what a flat tree hands out for an
    /// entry that would not read back, which its builder never writes.
    #[cold]
    pub(crate) fn empty() -> Record<'a> {
        Record {
            line: 0,
            offset: 0,
            raw: &[],
            terminator: Terminator::None,
            terminator_deviates: false,
            record_type: RecordType::Host,
            id_len: 0,
            lenient_numeric: false,
            has_field_error: false,
            checked: false,
        }
    }

    /// The record of [`Self::facts`] at `line` and `offset` with bytes `raw`; `None` for
    /// facts no record has (a type index out of range).
    #[inline]
    pub(crate) fn from_facts(
        line: u32,
        offset: usize,
        raw: &'a [u8],
        [record_type, id_len, bits]: [u8; 3],
    ) -> Option<Record<'a>> {
        let record_type = *super::RECORD_TYPES.get(usize::from(record_type))?;
        let terminator = match bits & 3 {
            0 => Terminator::Lf,
            1 => Terminator::CrLf,
            2 => Terminator::Cr,
            _ => Terminator::None,
        };
        Some(Record {
            line,
            offset,
            raw,
            terminator,
            terminator_deviates: bits & 4 != 0,
            record_type,
            id_len,
            lenient_numeric: bits & 8 != 0,
            has_field_error: bits & 16 != 0,
            checked: bits & 32 != 0,
        })
    }

    /// Marks the record's terminator as deviating from the input's convention (the parse
    /// loop knows the convention, the record does not).
    #[inline]
    pub(crate) fn set_terminator_deviates(&mut self, deviates: bool) {
        self.terminator_deviates = deviates;
    }

    /// [`Self::from_line`] for records with something to report.
    #[inline(never)]
    fn from_line_slow(
        l: RawLine<'a>,
        ident: Identified,
        opts: &crate::options::ParseOptions,
        problems: &mut Vec<Problem>,
    ) -> Record<'a> {
        let mut raw = l.bytes;
        let id = raw.get(..ident.id_len.min(raw.len())).unwrap_or_default();
        let id_str = || (!id.is_empty()).then(|| String::from_utf8_lossy(id).into_owned());
        let mut push = |severity, columns, kind| {
            problems.push(Problem {
                severity,
                location: Location {
                    line: Some(l.line),
                    offset: l.offset,
                    record: id_str(),
                    columns,
                },
                kind,
            });
        };
        if raw.len() != 80 {
            let extra = raw.get(80..).unwrap_or_default();
            let extra_is_space = !extra.is_empty() && extra.iter().all(|&c| c == b' ');
            let tolerated = if raw.len() < 80 {
                opts.pad_short_lines
            } else {
                extra_is_space && opts.pad_short_lines
            };
            let kind = ProblemKind::RecordLength {
                len: raw.len(),
                extra_is_space,
            };
            // A response record of another length is read as it is (SPEC 7.2: a response
            // is never refused), with a warning.
            push(
                if tolerated || ident.record_type.is_response() {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                None,
                kind,
            );
            if tolerated && raw.len() > 80 {
                raw = raw.get(..80).unwrap_or(raw);
            }
        }
        if ident.lower_case {
            push(Severity::Warning, None, ProblemKind::LowerCaseId);
        }
        match ident.record_type {
            RecordType::UnknownPg => push(
                Severity::Warning,
                None,
                ProblemKind::UnknownRecord {
                    resembles: ident.resembles,
                },
            ),
            RecordType::Host => {}
            _ => {}
        }
        let fields = raw.get(..80.min(raw.len())).unwrap_or_default();
        let field_error = Body::check(ident.record_type, fields, opts.lenient_numeric);
        if let Some(e) = field_error {
            // A response is never refused (SPEC 7.2): its field errors are warnings.
            let severity = if ident.record_type.is_response() {
                Severity::Warning
            } else {
                Severity::Error
            };
            push(severity, Some(e.columns()), ProblemKind::Field(e));
        } else if opts.lenient_numeric {
            // Report what the leniency tolerated (a space-padded N value) as a warning.
            if let Some(e) = Body::check(ident.record_type, fields, false) {
                push(Severity::Warning, Some(e.columns()), ProblemKind::Field(e));
            }
        }
        Record {
            line: l.line,
            offset: l.offset,
            raw,
            terminator: l.terminator,
            terminator_deviates: false,
            record_type: ident.record_type,
            id_len: ident.id_len as u8,
            lenient_numeric: opts.lenient_numeric,
            has_field_error: field_error.is_some(),
            checked: false,
        }
    }

    /// The typed body: the record's struct borrowed from its bytes; `None` for host and
    /// unknown records. When a field could not be typed (see [`Self::field_error`]) the body
    /// holds `None` for that field and the other fields as read. Parsed on each call (a few
    /// dozen nanoseconds), so that the tree stays small.
    pub fn body(&self) -> Option<Body<'a>> {
        let raw: &'a [u8] = self.raw;
        let fields = raw.get(..80.min(raw.len())).unwrap_or_default();
        Body::parse_partial(self.record_type, fields, self.lenient_numeric).map(|(b, _)| b)
    }

    /// A typed, lazy view of the record as `T` (for example `record.view::<Pg14>()`, or
    /// `record.view::<Se10>()` for a host record of `host-records.csv`, SPEC 3.7); `None`
    /// when the record is of another type. Each accessor of the view reads only its
    /// field's bytes, so this is the cheap way to read a few fields; [`Self::body`] types
    /// them all.
    ///
    /// ```
    /// use ace_pga::records::{Pg14, Pg29};
    /// use ace_pga::Decimal;
    /// let data = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let t = ace_pga::Transmission::parse(&data)?;
    /// let (mut lpco_numbers, mut net) = (Vec::new(), Vec::new());
    /// t.tree().for_each_record(|r| {
    ///     if let Some(pg14) = r.view::<Pg14>() {
    ///         lpco_numbers.extend(pg14.lpco_number()); // &str, bytes 9-41
    ///     }
    ///     if let Some(pg29) = r.view::<Pg29>() {
    ///         net.extend(pg29.quantity_line_net()); // N(12), 2 implied decimals
    ///     }
    /// });
    /// assert_eq!(lpco_numbers, ["417-2093856104-557321"]);
    /// assert_eq!(net, [Decimal::new(182400, 2)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn view<T: TypedRecord>(&self) -> Option<View<'a, T>> {
        if !T::is_record(self.record_type, self.id_bytes()) {
            return None;
        }
        Some(if self.checked {
            View::checked(self.raw, self.lenient_numeric)
        } else {
            View::new(self.raw, self.lenient_numeric)
        })
    }

    /// The record identifier as sent (`PG14`, `OI`, `A`, `SE10`, `10` …).
    pub fn id(&self) -> &'a str {
        let raw: &'a [u8] = self.raw;
        raw.get(..usize::from(self.id_len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The record identifier's bytes as sent (`b"PG14"`, `b"SE10"` …), without a UTF-8
    /// check.
    pub fn id_bytes(&self) -> &'a [u8] {
        let raw: &'a [u8] = self.raw;
        raw.get(..usize::from(self.id_len)).unwrap_or_default()
    }

    /// The record's bytes as received (without terminator). The serializer pads a short
    /// record to 80 bytes when it was parsed with `pad_short_lines`.
    pub fn bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The raw slice of a field by name (`None` when the record has no such field).
    pub fn field_raw(&self, name: &str) -> Option<&'a [u8]> {
        let raw: &'a [u8] = self.raw;
        self.record_type.layout()?.field(name).map(|f| f.slice(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ParseOptions;

    /// The record stays five words: trees and readers move many of them.
    #[test]
    fn a_record_is_40_bytes() {
        assert!(std::mem::size_of::<Record<'_>>() <= 40);
    }

    fn read<'a>(input: &'a [u8], opts: &ParseOptions) -> Vec<Record<'a>> {
        crate::RecordReader::new(input, opts)
            .expect("a transmission")
            .collect()
    }

    /// A record is marked checked exactly when the fast check accepted it: every layout
    /// record of a valid sample, no host record, no record with a field error, a byte above
    /// 0x7F or a lower-case identifier; its views read what unchecked views read.
    #[test]
    fn checked_marks_the_records_the_fast_check_accepted() {
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec-samples/valid/or2-single.txt"
        ))
        .expect("sample");
        let records = read(&data, &ParseOptions::strict());
        for r in &records {
            let layout = r.record_type().layout().is_some();
            assert_eq!(r.checked, layout, "line {}", r.line());
            if layout {
                assert!(Body::fast_check(r.record_type()).is_some_and(|f| f.accepts(r.raw())));
                assert!(Body::checked_view_agrees(r.record_type(), r.raw(), false));
            }
        }
        let pick = |id: &[u8]| {
            data.split(|&b| b == b'\n')
                .find(|l| l.starts_with(id))
                .expect("record in sample")
                .to_vec()
        };
        let mut pg01 = pick(b"PG01");
        pg01[4] = b'X'; // pga_line_number, an N field
        let mut pg25 = pick(b"PG25");
        pg25[20] = 0xE9; // lot number, Latin-1
        let mut pg14 = pick(b"PG14");
        pg14[..2].copy_from_slice(b"pg");
        for (rec, opts) in [
            (&pg01, ParseOptions::strict()),
            (&pg25, ParseOptions::strict()),
            (&pg14, ParseOptions::lenient()),
        ] {
            let mut input = pick(b"A");
            input.push(b'\n');
            input.extend_from_slice(rec);
            input.push(b'\n');
            let records = read(&input, &opts);
            let r = records.get(1).expect("two records");
            assert!(!r.checked, "{}", String::from_utf8_lossy(rec));
            assert_eq!(r.raw(), &rec[..]);
        }
    }
}
