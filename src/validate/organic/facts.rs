//! What the OR rules read of a PGA line (SPEC 5.3, 4.1), read straight from the records'
//! bytes: text fields as bytes ([`bytes_of`]), identifiers as words ([`id4`]), the data
//! sharing of a line ([`Sharing`]) and the facts of one line's child records gathered in one
//! walk ([`Facts`]).

use rust_decimal::Decimal;

use super::Window;
use crate::layout::FieldDef;
use crate::profile::ams_or::CertificateNumber;
use crate::records::Record;
use crate::records::{Pg01, Pg02, Pg10, Pg14, Pg19, Pg22, Pg24, Pg25, Pg29, RecordType};
use crate::tree::{FlatItem, GroupKind, GroupRef};

/// The bytes of a text field as [`crate::validate::text_of`] reads them, not made text (a
/// rule that compares a field with a code needs no UTF-8 check); and `text_of` itself.
pub(super) use crate::validate::{text_bytes as bytes_of, text_of};

/// ASCII bytes from [`bytes_of`] as text (never fails on them).
pub(super) fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// Whether a field read by [`bytes_of`] is `code` (a fixed-size code: compared inline).
#[inline]
pub(super) fn is<const N: usize>(b: Option<&[u8]>, code: &[u8; N]) -> bool {
    matches!(b, Some(v) if v == code)
}

/// A record identifier of four bytes as one word (`0` for other lengths): the identifiers
/// a rule asks for are compared as words, not as slices.
#[inline]
pub(super) fn id4(r: &Record<'_>) -> u32 {
    <[u8; 4]>::try_from(r.id_bytes()).map_or(0, u32::from_le_bytes)
}

/// The word [`id4`] gives for identifier `id`.
pub(super) const fn word(id: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*id)
}

pub(super) const PG10: u32 = word(b"PG10");
pub(super) const PG14: u32 = word(b"PG14");
pub(super) const PG19: u32 = word(b"PG19");
pub(super) const PG20: u32 = word(b"PG20");
pub(super) const PG21: u32 = word(b"PG21");
pub(super) const PG22: u32 = word(b"PG22");
pub(super) const PG24: u32 = word(b"PG24");
pub(super) const PG27: u32 = word(b"PG27");
pub(super) const PG29: u32 = word(b"PG29");

/// The value of an implied-decimal `N` field `f` (such as [`Pg29::QUANTITY_LINE_NET`]) of
/// `r` as the record's typed view reads it: `None` when blank or not a number. A field of
/// exactly its width in digits (or all spaces) is read here; anything else (a short record,
/// a lenient space-padded value, a bad byte) goes through [`FieldDef::read`].
pub(super) fn dec_of(r: &Record<'_>, f: &FieldDef) -> Option<Decimal> {
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

/// The record that opens a group (a PGA line's PG01, an entity loop's PG19), or an empty
/// record (every PGA line and entity loop the tree builds has one).
pub(super) fn head_of<'a>(g: GroupRef<'_, 'a>) -> Record<'a> {
    g.head().map_or_else(Record::empty, |h| h.record())
}

/// Whether a PGA line has child records (or groups) after its PG01 (and the PG01's
/// conditions).
pub(super) fn has_items(line: GroupRef<'_, '_>) -> bool {
    let own = line.head().map_or(0, |h| 1 + h.conditions().len());
    line.range().len() > own
}

/// Whether a PGA line's PG01 carries a disclaimer (what
/// [`crate::tree::OiGroup::data_sharing`] asks).
pub(super) fn disclaimed(line: GroupRef<'_, '_>) -> bool {
    let r = &head_of(line);
    r.record_type() == RecordType::Pg01 && bytes_of(r, Pg01::DISCLAIMER_CODE).is_some()
}

/// Whether a PGA line opens with an AMS OR PG01: what
/// [`crate::profile::ams_or::OrganicLine::is_organic_line`] says, from two field reads.
pub(super) fn is_organic(line: GroupRef<'_, '_>) -> bool {
    let r = &head_of(line);
    r.record_type() == RecordType::Pg01
        && is(bytes_of(r, Pg01::AGENCY_CODE), b"AMS")
        && is(bytes_of(r, Pg01::PROGRAM_CODE), b"OR")
}

/// The data sharing of [`crate::tree::OiGroup::data_sharing`] (SPEC 4.1) found line by line, for the
/// lines that need it, without a vector per group: the result of the last scan is kept with
/// the line it stopped at, and every line before that one (empty, not disclaimed) shares the
/// same data set, so each line of a group is scanned over at most once.
#[derive(Default)]
pub(super) struct Sharing {
    /// (line the last scan stopped at, the data line it found).
    pub(super) last: Option<(usize, Option<usize>)>,
}

impl Sharing {
    /// The index of the line whose data set line `i` shares, or `None`; for a line with no
    /// child record and no disclaimer (any other line shares no data set).
    /// `lines` are the PGA lines of the OI group.
    pub(super) fn of(&mut self, lines: &[GroupRef<'_, '_>], i: usize) -> Option<usize> {
        if let Some((end, data)) = self.last {
            if i < end {
                return data;
            }
        }
        let mut found = (lines.len(), None);
        for (k, &l) in lines.iter().enumerate().skip(i + 1) {
            if disclaimed(l) {
                found = (k, None);
                break;
            }
            if has_items(l) {
                found = (k, Some(k));
                break;
            }
        }
        self.last = Some(found);
        found.1
    }
}

/// The entity role codes the OR1 rules name (`entity_role_code` of a PG19, SPEC 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
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
    pub(super) const REQUIRED: [(Role, &'static str); 5] = [
        (Role::Ex, "EX"),
        (Role::Uc, "UC"),
        (Role::Ori, "ORI"),
        (Role::Orp, "ORP"),
        (Role::Orc, "ORC"),
    ];

    pub(super) fn of(code: &[u8]) -> Role {
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
pub(super) struct LoopFact<'s, 'a> {
    /// The loop (a group of kind [`GroupKind::Entity`]).
    pub(super) entity: GroupRef<'s, 'a>,
    /// Its PG19 (the record that opens it).
    pub(super) pg19: Record<'a>,
    /// The PG19's `entity_role_code`; `None` when the loop opens with no PG19 or the role
    /// is blank.
    pub(super) code: Option<&'a [u8]>,
    /// [`Self::code`] classified.
    pub(super) role: Option<Role>,
    /// The PG19's `entity_number` (the NOP ID); `None` when blank or no PG19.
    pub(super) nop_id: Option<&'a [u8]>,
}

/// A PG14 of an OR line: what the certificate rules read of it.
#[derive(Clone, Copy)]
pub(super) struct Pg14Fact<'a> {
    pub(super) record: Record<'a>,
    /// `lpco_number`, classified (blank reads as `""`, as the view does).
    pub(super) number: CertificateNumber<'a>,
    /// `lpco_type` is `AM1`.
    pub(super) am1: bool,
}

/// What the OR rules read of one line's child records (SPEC 5.3), gathered in one walk in
/// input order (the order of [`PgaLine::for_each_child_record`]). Kept by
/// [`super::check_with`] for the whole run and cleared per line: the vectors grow to the
/// largest line once.
#[derive(Default)]
pub(super) struct Facts<'s, 'a> {
    /// Every PG14 (by record type) in order.
    pub(super) pg14s: Vec<Pg14Fact<'a>>,
    /// A PG14 has `lpco_type` `AM1`: then only those are certificates.
    pub(super) has_am1: bool,
    /// A child record has the identifier `PG14` (OR-026).
    pub(super) any_pg14: bool,
    /// A child record has the identifier `PG10` (OR-015's P50).
    pub(super) any_pg10: bool,
    /// The first child record with the identifier `PG29`.
    pub(super) first_pg29: Option<Record<'a>>,
    /// Net quantity and unit of the first PG29 whose net quantity reads.
    pub(super) net_quantity: Option<(Decimal, Option<&'a [u8]>)>,
    /// PG25s with a lot number.
    pub(super) lots: usize,
    /// PG10s with a characteristic description.
    pub(super) products: usize,
    /// PG22s.
    pub(super) declarations: usize,
    /// A PG22 has declaration code `AM4`.
    pub(super) am4: bool,
    /// PG24s other than type `AM1` with code `A10`/`A11` (OR-033).
    pub(super) odd_remarks: Vec<Record<'a>>,
    /// Records OR-016 names, in order; `true` for a PG02 with a product code, `false` for a
    /// record OR2 does not use.
    pub(super) or016: Vec<(Record<'a>, bool)>,
    /// The entity loops, as [`PgaLine::entity_loops`] lists them.
    pub(super) loops: Vec<LoopFact<'s, 'a>>,
}

impl<'s, 'a> Facts<'s, 'a> {
    /// Reads the child records `items` of an OR line; `or2`: the line is an OR2 (OR-016).
    /// `line` is the PGA line whose items are read (the line itself, or the later line
    /// whose data set it shares).
    /// `window` holds the line's records when the caller read them already.
    pub(super) fn gather(&mut self, line: GroupRef<'s, 'a>, window: Window<'_, 'a>, or2: bool) {
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
        self.walk_items(line.items(), window, or2, 0);
    }

    /// Visits `items` (at group depth `depth`) as [`PgaLine::for_each_child_record`] does.
    /// (the items of the line or PG50 group `group`).
    /// (the items `items` of a line or a PG50 group, at group depth `depth`).
    fn walk_items(
        &mut self,
        items: crate::tree::flat::Items<'s, 'a>,
        window: Window<'_, 'a>,
        or2: bool,
        depth: u8,
    ) {
        for i in items {
            match i {
                FlatItem::Record(n) => self.record(window.record(n), or2),
                FlatItem::Group(e) if e.kind() == GroupKind::Entity => {
                    let p = e.parts();
                    let r = p.head.map_or_else(Record::empty, |h| window.record(h));
                    // Loops of the line and of its PG50/PG51 groups (groups do not nest).
                    if depth <= 1 {
                        let pg19 = r.record_type() == RecordType::Pg19;
                        let code = pg19.then(|| bytes_of(&r, Pg19::ENTITY_ROLE_CODE)).flatten();
                        self.loops.push(LoopFact {
                            entity: e,
                            pg19: r,
                            code,
                            role: code.map(Role::of),
                            nop_id: pg19.then(|| bytes_of(&r, Pg19::ENTITY_NUMBER)).flatten(),
                        });
                    }
                    self.record(r, or2);
                    if let Some(n) = p.pg20 {
                        self.record(window.record(n), or2);
                    }
                    for n in p.items {
                        if let FlatItem::Record(n) = n {
                            self.record(window.record(n), or2);
                        }
                    }
                }
                FlatItem::Group(g) => {
                    let p = g.parts();
                    if let Some(h) = p.head {
                        self.record(window.record(h), or2);
                    }
                    self.walk_items(p.items, window, or2, depth.saturating_add(1));
                    if let Some(n) = p.tail {
                        self.record(window.record(n), or2);
                    }
                }
            }
        }
    }

    /// One child record.
    fn record(&mut self, r: Record<'a>, or2: bool) {
        let r = &r;
        let id = id4(r);
        match id {
            PG14 => self.any_pg14 = true,
            PG10 => self.any_pg10 = true,
            PG29 if self.first_pg29.is_none() => self.first_pg29 = Some(*r),
            _ => {}
        }
        if or2 && matches!(id, PG10 | PG19 | PG20 | PG21 | PG22 | PG24 | PG27) {
            self.or016.push((*r, false));
        }
        match r.record_type() {
            RecordType::Pg14 => {
                let am1 = is(bytes_of(r, Pg14::LPCO_TYPE), b"AM1");
                self.has_am1 |= am1;
                self.pg14s.push(Pg14Fact {
                    record: *r,
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
                    self.odd_remarks.push(*r);
                }
            }
            RecordType::Pg02
                if bytes_of(r, Pg02::PRODUCT_CODE_QUALIFIER_1).is_some()
                    || bytes_of(r, Pg02::PRODUCT_CODE_NUMBER_1).is_some() =>
            {
                self.or016.push((*r, true));
            }
            _ => {}
        }
    }

    /// The certificate references: the PG14s with `lpco_type` `AM1`, or every PG14 when none
    /// has it (as [`crate::profile::ams_or::OrganicLine::certificates`]).
    pub(super) fn certificates(&self) -> impl Iterator<Item = &Pg14Fact<'a>> + '_ {
        let has_am1 = self.has_am1;
        self.pg14s.iter().filter(move |c| !has_am1 || c.am1)
    }

    /// No PG14 has `lpco_type` `AM1` (OR-027).
    pub(super) fn certificates_without_am1(&self) -> bool {
        !self.pg14s.is_empty() && !self.has_am1
    }

    /// The loops with role `role`, in order.
    pub(super) fn with_role(&self, role: Role) -> impl Iterator<Item = &LoopFact<'s, 'a>> + '_ {
        self.loops.iter().filter(move |l| l.role == Some(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ParseOptions;
    use crate::transmission::Transmission;
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

    /// The OI groups of `data` parsed leniently, nested and flat, handed to `f`.
    fn with_groups(
        data: &[u8],
        mut f: impl FnMut(&crate::tree::OiGroup<Record<'_>>, &[GroupRef<'_, '_>]),
    ) {
        let Ok(t) = Transmission::parse_with(data, &ParseOptions::lenient()) else {
            return;
        };
        let Ok(flat) = crate::FlatTree::parse_with(data, &ParseOptions::lenient()) else {
            panic!("the flat tree parses what the nested one parses");
        };
        let nested: Vec<_> = t.tree().oi_groups().collect();
        let groups: Vec<_> = flat.oi_groups().collect();
        assert_eq!(nested.len(), groups.len());
        for ((_, g), fg) in nested.into_iter().zip(groups) {
            let lines: Vec<_> = fg.lines().collect();
            f(g, &lines);
        }
    }

    /// [`Sharing::of`] (asked only for lines without child records and without disclaimer,
    /// in order) finds what [`OiGroup::data_sharing`] finds, and [`is_organic`] /
    /// [`disclaimed`] say what the views say.
    #[test]
    fn sharing_and_line_kinds_agree_with_the_tree() {
        let mut shared = 0usize;
        for data in mutated() {
            with_groups(&data, |g, lines| {
                let want = g.data_sharing();
                let mut sharing = Sharing::default();
                assert_eq!(g.lines.len(), lines.len());
                for (i, (nested, &line)) in g.lines.iter().zip(lines).enumerate() {
                    let p = nested.pg01.record.view::<Pg01>();
                    assert_eq!(
                        disclaimed(line),
                        p.is_some_and(|p| p.disclaimer_code().is_some())
                    );
                    assert_eq!(
                        is_organic(line),
                        crate::profile::ams_or::OrganicLine::is_organic_line(nested)
                    );
                    assert_eq!(has_items(line), !nested.items.is_empty());
                    let got = if disclaimed(line) || has_items(line) {
                        None
                    } else {
                        sharing.of(lines, i)
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

    /// [`bytes_of`] reads what [`crate::validate::text_of`] reads, [`dec_of`] what the PG29
    /// view reads, on every record of the mutated inputs.
    #[test]
    fn field_reads_agree_with_the_views() {
        let mut decimals = 0usize;
        for data in mutated() {
            let Ok(t) = Transmission::parse_with(&data, &ParseOptions::lenient()) else {
                continue;
            };
            t.tree().for_each_record(|r| {
                for f in [
                    Pg14::LPCO_NUMBER,
                    Pg19::ENTITY_NUMBER,
                    Pg01::PROCESSING_CODE,
                ] {
                    assert_eq!(
                        bytes_of(r, f).map(|b| std::str::from_utf8(b).ok()),
                        crate::validate::text_of(r, f).map(Some)
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
            include_bytes!("../../../spec-samples/valid/or2-single.txt"),
            &ParseOptions::lenient(),
        )
        .expect("sample");
        let mut ids = Vec::new();
        t.tree()
            .for_each_record(|r| ids.push((id4(r), r.id().to_string())));
        assert!(ids.iter().any(|(w, id)| *w == PG14 && id == "PG14"));
        assert!(ids.iter().all(|(w, id)| (*w == PG29) == (id == "PG29")));
        assert!(ids.iter().any(|(w, id)| *w == 0 && id.len() != 4));
    }
}
