//! The structure of a Cargo Release transaction (SPEC 3.7) as typed accessors over the tree:
//! header (`SE10`, `SE11`, `SE13`, bill groupings `SE15`/`SE16`/`SE17`, `SE20` references,
//! header entities `SE30`…`SE36`), CBP lines (`SE40`, `SE41`, line entities `SE50`…`SE56`,
//! tariff numbers `SE60` with `SE61`…`SE63` and their OI group) and the unified-filing `SF`
//! records. Nothing is copied: every part borrows the tree's records; the tree's storage is
//! unchanged. Field positions come from the host layouts (`host-records.csv`).

use crate::records::{host, Record, Se10, Se40, Se60, View};
use crate::tree::{HtsAnchor, Item, OiGroup, Transaction, Tree};

/// A Cargo Release transaction (SPEC 3.7): a transaction that starts with `SE10`, read as its
/// header, CBP lines and `SF` records. Built by [`Transaction::cargo_release`]; records
/// that have no place in the structure of 3.7 (a header record after the first `SE40`, an
/// `SE60` before any `SE40`, an identifier without a layout …) are in
/// [`Self::unplaced`], in input order (validation reports them, SPEC 6.3a).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CargoRelease<'t, 'a> {
    /// The `SE10` header.
    pub se10: &'t Record<'a>,
    /// The `SE11` additional header, if any.
    pub se11: Option<&'t Record<'a>>,
    /// The `SE13` contact record, if any (mandatory: H-002).
    pub se13: Option<&'t Record<'a>>,
    /// Bill groupings in input order.
    pub bills: Vec<BillGroup<'t, 'a>>,
    /// `SE20` references in input order.
    pub references: Vec<&'t Record<'a>>,
    /// Header entities (`SE30` with its `SE31`, `SE35`, `SE36`).
    pub entities: Vec<Entity<'t, 'a>>,
    /// CBP lines in input order.
    pub lines: Vec<CbpLine<'t, 'a>>,
    /// The unified-filing `SF` records, in input order.
    pub sf_records: Vec<&'t Record<'a>>,
    /// Host records outside the structure of SPEC 3.7, in input order.
    pub unplaced: Vec<&'t Record<'a>>,
}

/// A bill grouping (SPEC 3.7): one to three `SE15` bills, then its `SE16` conveyances and
/// `SE17` equipment.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BillGroup<'t, 'a> {
    /// The `SE15` records.
    pub bills: Vec<&'t Record<'a>>,
    /// The `SE16` records.
    pub conveyances: Vec<&'t Record<'a>>,
    /// The `SE17` records.
    pub equipment: Vec<&'t Record<'a>>,
}

/// An entity grouping: `SE30` (header) or `SE50` (line) with its GBI identifiers, address
/// and city records (`SE31`/`SE35`/`SE36`, `SE51`/`SE55`/`SE56`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Entity<'t, 'a> {
    /// The `SE30` / `SE50` that opens the grouping.
    pub name: &'t Record<'a>,
    /// The records that follow it, in input order.
    pub details: Vec<&'t Record<'a>>,
}

/// A CBP line (SPEC 3.7): `SE40`, its `SE41`, line entities and tariff numbers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CbpLine<'t, 'a> {
    /// The `SE40`.
    pub se40: &'t Record<'a>,
    /// The `SE41` (entry type 06).
    pub se41: Option<&'t Record<'a>>,
    /// Line entities (`SE50` groupings).
    pub entities: Vec<Entity<'t, 'a>>,
    /// Tariff numbers in input order.
    pub tariffs: Vec<Tariff<'t, 'a>>,
}

/// A tariff number of a CBP line: an `SE60` HTS anchor with its sub-records and OI group.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Tariff<'t, 'a> {
    /// The tariff position: 1 for the first `SE60` of the line, 2 … (SPEC 3.7, 7.2).
    pub position: usize,
    /// The anchor in the tree.
    pub anchor: &'t HtsAnchor<Record<'a>>,
}

impl<'a> Transaction<Record<'a>> {
    /// The transaction as a Cargo Release (SPEC 3.7) when it starts with `SE10`.
    ///
    /// ```
    /// let data = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let t = ace_pga::Transmission::parse(&data)?;
    /// let cr = t.tree().cargo_releases().next().expect("one SE10");
    /// assert_eq!(cr.entry(), Some(("Q7K", "31547727")));
    /// assert_eq!(cr.entry_check_digit_ok(), Some(true));
    /// let line = &cr.lines[0];
    /// assert_eq!(line.number(), Some(1));
    /// assert_eq!(line.tariffs[0].position, 1);
    /// assert_eq!(line.tariffs[0].hts_number(), Some("0804508020"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cargo_release(&self) -> Option<CargoRelease<'_, 'a>> {
        let mut items = self.items.iter();
        let se10 = match items.next()? {
            Item::Record(n) if n.record.view::<Se10>().is_some() => &n.record,
            _ => return None,
        };
        let mut cr = CargoRelease {
            se10,
            se11: None,
            se13: None,
            bills: Vec::new(),
            references: Vec::new(),
            entities: Vec::new(),
            lines: Vec::new(),
            sf_records: Vec::new(),
            unplaced: Vec::new(),
        };
        for item in items {
            match item {
                Item::Record(n) => cr.place(&n.record),
                Item::Anchor(a) => cr.place_anchor(a),
                _ => {}
            }
        }
        Some(cr)
    }
}

impl<'t, 'a> CargoRelease<'t, 'a> {
    fn place(&mut self, r: &'t Record<'a>) {
        let in_lines = !self.lines.is_empty();
        let in_sf = !self.sf_records.is_empty();
        let id = r.id_bytes();
        if id.starts_with(b"SF") && host::is_host_layout_id(id) {
            self.sf_records.push(r);
            return;
        }
        if in_sf {
            self.unplaced.push(r);
            return;
        }
        match id {
            b"SE11" if !in_lines && self.se11.is_none() => self.se11 = Some(r),
            b"SE13" if !in_lines && self.se13.is_none() => self.se13 = Some(r),
            b"SE15" if !in_lines => {
                let open = self
                    .bills
                    .last()
                    .is_some_and(|b| b.conveyances.is_empty() && b.equipment.is_empty());
                match self.bills.last_mut() {
                    Some(b) if open => b.bills.push(r),
                    _ => self.bills.push(BillGroup {
                        bills: vec![r],
                        ..BillGroup::default()
                    }),
                }
            }
            b"SE16" | b"SE17" if !in_lines => match self.bills.last_mut() {
                Some(b) if id == b"SE16" => b.conveyances.push(r),
                Some(b) => b.equipment.push(r),
                None => self.unplaced.push(r),
            },
            b"SE20" if !in_lines => self.references.push(r),
            b"SE30" if !in_lines => self.entities.push(Entity {
                name: r,
                details: Vec::new(),
            }),
            b"SE31" | b"SE35" | b"SE36" if !in_lines => match self.entities.last_mut() {
                Some(e) => e.details.push(r),
                None => self.unplaced.push(r),
            },
            b"SE40" => self.lines.push(CbpLine {
                se40: r,
                se41: None,
                entities: Vec::new(),
                tariffs: Vec::new(),
            }),
            b"SE41" | b"SE50" | b"SE51" | b"SE55" | b"SE56" => {
                let Some(line) = self.lines.last_mut() else {
                    self.unplaced.push(r);
                    return;
                };
                match id {
                    b"SE41" if line.se41.is_none() && line.entities.is_empty() => {
                        line.se41 = Some(r)
                    }
                    b"SE50" => line.entities.push(Entity {
                        name: r,
                        details: Vec::new(),
                    }),
                    b"SE51" | b"SE55" | b"SE56" => match line.entities.last_mut() {
                        Some(e) => e.details.push(r),
                        None => self.unplaced.push(r),
                    },
                    _ => self.unplaced.push(r),
                }
            }
            _ => self.unplaced.push(r),
        }
    }

    fn place_anchor(&mut self, a: &'t HtsAnchor<Record<'a>>) {
        if a.anchor.record.view::<Se60>().is_none() {
            self.unplaced.push(&a.anchor.record);
            return;
        }
        match self.lines.last_mut() {
            Some(line) if self.sf_records.is_empty() => {
                let position = line.tariffs.len() + 1;
                line.tariffs.push(Tariff {
                    position,
                    anchor: a,
                });
            }
            _ => self.unplaced.push(&a.anchor.record),
        }
    }

    /// The typed view of the `SE10` header (action, entry, entry type, importer, mode of
    /// transportation, bond, value, ports; `host-records.csv`).
    pub fn header(&self) -> View<'a, Se10<'a>> {
        View::new(self.se10.raw(), self.se10.lenient_numeric())
    }

    /// The entry: `SE10.entry_filer_code` and `SE10.entry_number` (7 digits + check digit),
    /// `None` when either is blank.
    pub fn entry(&self) -> Option<(&'a str, &'a str)> {
        let h = self.header();
        Some((h.entry_filer_code()?, h.entry_number()?))
    }

    /// The entry as a typed [`crate::records::EntryNumber`] (filer code, serial, check
    /// digit); `None` when the fields do not have that shape.
    pub fn entry_number(&self) -> Option<crate::records::EntryNumber> {
        crate::records::EntryNumber::from_record(self.se10.raw())?.ok()
    }

    /// Whether the entry number's check digit is right (SPEC 3.7, CBP Appendix E); `None`
    /// when the entry is blank or not 3 + 7 + 1 characters.
    pub fn entry_check_digit_ok(&self) -> Option<bool> {
        let (filer, number) = self.entry()?;
        host::entry_check_digit_ok(filer, number)
    }

    /// Every tariff number of every line, in input order, with its CBP line.
    pub fn tariffs(&self) -> impl Iterator<Item = (&CbpLine<'t, 'a>, &Tariff<'t, 'a>)> {
        self.lines
            .iter()
            .flat_map(|l| l.tariffs.iter().map(move |t| (l, t)))
    }
}

impl<'t, 'a> CbpLine<'t, 'a> {
    /// The typed view of the `SE40`.
    pub fn view(&self) -> View<'a, Se40<'a>> {
        View::new(self.se40.raw(), self.se40.lenient_numeric())
    }

    /// The CBP line number (`SE40.line_item_number`); `None` when blank or not a number.
    pub fn number(&self) -> Option<u64> {
        self.view().line_item_number()
    }
}

impl<'t, 'a> Tariff<'t, 'a> {
    /// The `SE60` record.
    pub fn se60(&self) -> &'t Record<'a> {
        &self.anchor.anchor.record
    }

    /// The typed view of the `SE60`.
    pub fn view(&self) -> View<'a, Se60<'a>> {
        let r = self.se60();
        View::new(r.raw(), r.lenient_numeric())
    }

    /// The HTS number (`SE60.hts_number`) when it is 10 digits.
    pub fn hts_number(&self) -> Option<&'a str> {
        self.anchor.hts_number()
    }

    /// The `SE61` directly after the `SE60`, if any.
    pub fn se61(&self) -> Option<&'t Record<'a>> {
        self.anchor
            .sub_records
            .first()
            .map(|n| &n.record)
            .filter(|r| r.id_bytes() == b"SE61")
    }

    /// The OI group of this tariff number (its PGA data), if any.
    pub fn oi_group(&self) -> Option<&'t OiGroup<Record<'a>>> {
        self.anchor.oi_group.as_ref()
    }
}

impl<'a> HtsAnchor<Record<'a>> {
    /// The HTS number of the anchor (`SE60.hts_number` 5–14 of `host-records.csv`, or the
    /// Entry Summary `50` 3–12) when it is 10 digits; [`host::hts_number`].
    pub fn hts_number(&self) -> Option<&'a str> {
        let r = &self.anchor.record;
        host::hts_number(r.id(), r.raw())
    }
}

impl<'a> Tree<Record<'a>> {
    /// Every Cargo Release transaction (those that start with `SE10`, SPEC 3.7), in input
    /// order.
    pub fn cargo_releases(&self) -> impl Iterator<Item = CargoRelease<'_, 'a>> {
        self.transactions().filter_map(Transaction::cargo_release)
    }
}

/// An OI group of a transaction with its place (SPEC 7.2): the entry of the transaction, the
/// CBP line and the tariff position it sits under. Built by [`Transaction::placed_groups`];
/// what CBP's answers address a PGA line by.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PlacedGroup<'t, 'a> {
    /// The entry (filer code when not blank, number) of the transaction's header: `SE10`
    /// ([`CargoRelease::header`]) or the Entry Summary `10` ([`host::entry_of`]).
    pub entry: Option<(Option<&'a str>, &'a str)>,
    /// The CBP line number of the line the group sits under ([`CbpLine::number`]).
    pub cbp_line: Option<u64>,
    /// The tariff position of its HTS anchor within the CBP line ([`Tariff::position`]);
    /// `None` for a group without an anchor or an anchor outside the structure.
    pub tariff_position: Option<usize>,
    /// The HTS anchor of the group, if any.
    pub anchor: Option<&'t HtsAnchor<Record<'a>>>,
    /// The OI group.
    pub group: &'t OiGroup<Record<'a>>,
}

impl<'a> Transaction<Record<'a>> {
    /// Every OI group of the transaction, in input order, with its entry, CBP line and tariff
    /// position (SPEC 7.2). For a Cargo Release (SPEC 3.7) they come from
    /// [`Transaction::cargo_release`]: the CBP line of [`CbpLine::number`], the position of
    /// [`Tariff::position`] (an `SE60` outside the structure has none). For another
    /// transaction (an Entry Summary `10`/`40`/`50`, or a fragment without header) they come
    /// from the host layer ([`host::entry_of`], [`host::cbp_line_of`]): each line record
    /// opens a CBP line, each HTS anchor after it takes the next position.
    ///
    /// ```
    /// let data = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let t = ace_pga::Transmission::parse(&data)?;
    /// let tx = t.tree().transactions().next().expect("one transaction");
    /// let g = tx.placed_groups();
    /// assert_eq!(g[0].entry, Some((Some("Q7K"), "31547727")));
    /// assert_eq!((g[0].cbp_line, g[0].tariff_position), (Some(1), Some(1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn placed_groups(&self) -> Vec<PlacedGroup<'_, 'a>> {
        match self.cargo_release() {
            Some(cr) => cr.placed_groups(&self.items),
            None => self.placed_groups_by_host(),
        }
    }

    fn placed_groups_by_host(&self) -> Vec<PlacedGroup<'_, 'a>> {
        let steps = self.items.iter().filter_map(|item| match item {
            Item::Record(n) => Some(HostStep::Record(n.record)),
            Item::Anchor(a) => Some(HostStep::Anchor(
                Some(a.anchor.record),
                &**a,
                a.oi_group.as_ref(),
            )),
            Item::OiGroup(g) => Some(HostStep::Group(&**g)),
            _ => None,
        });
        HostPlacement::place_all(steps)
            .into_iter()
            .map(PlacedGroup::from)
            .collect()
    }
}

/// An OI group with its place, in either tree (`A`: an HTS anchor, `G`: an OI group): what
/// [`PlacedGroup`] holds, built once for both trees.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed<'a, A, G> {
    /// As [`PlacedGroup::entry`].
    pub(crate) entry: Option<(Option<&'a str>, &'a str)>,
    /// As [`PlacedGroup::cbp_line`].
    pub(crate) cbp_line: Option<u64>,
    /// As [`PlacedGroup::tariff_position`].
    pub(crate) tariff_position: Option<usize>,
    /// As [`PlacedGroup::anchor`].
    pub(crate) anchor: Option<A>,
    /// As [`PlacedGroup::group`].
    pub(crate) group: G,
}

impl<'a, A, G> Placed<'a, A, G> {
    /// A group of a Cargo Release: under the CBP line `cbp_line`, or, when its anchor is a
    /// tariff of the structure, `tariff` (that tariff's CBP line and position).
    pub(crate) fn in_cargo_release(
        entry: Option<(Option<&'a str>, &'a str)>,
        cbp_line: Option<u64>,
        tariff: Option<(Option<u64>, usize)>,
        anchor: Option<A>,
        group: G,
    ) -> Self {
        Placed {
            entry,
            cbp_line: tariff.map_or(cbp_line, |(l, _)| l),
            tariff_position: tariff.map(|(_, p)| p),
            anchor,
            group,
        }
    }
}

impl<'t, 'a> From<Placed<'a, &'t HtsAnchor<Record<'a>>, &'t OiGroup<Record<'a>>>>
    for PlacedGroup<'t, 'a>
{
    fn from(p: Placed<'a, &'t HtsAnchor<Record<'a>>, &'t OiGroup<Record<'a>>>) -> Self {
        PlacedGroup {
            entry: p.entry,
            cbp_line: p.cbp_line,
            tariff_position: p.tariff_position,
            anchor: p.anchor,
            group: p.group,
        }
    }
}

/// An item of a transaction as the host layer's placement reads it
/// ([`HostPlacement::place_all`]); other items are left out.
pub(crate) enum HostStep<'a, A, G> {
    /// A record that is not in a group.
    Record(Record<'a>),
    /// An HTS anchor: its head record, the anchor, its OI group.
    Anchor(Option<Record<'a>>, A, Option<G>),
    /// An OI group without an anchor.
    Group(G),
}

/// Where the host layer places the OI groups of a transaction that is not a Cargo Release
/// ([`Transaction::placed_groups`]; the flat tree's response walk uses it too): each entry
/// record ([`host::entry_of`]) and each line record ([`host::cbp_line_of`]) restarts the
/// count, each HTS anchor after it takes the next tariff position.
#[derive(Debug, Default)]
pub(crate) struct HostPlacement<'a> {
    /// The entry of the last entry record.
    pub(crate) entry: Option<(Option<&'a str>, &'a str)>,
    /// The CBP line of the last line record.
    pub(crate) cbp_line: Option<u64>,
    /// HTS anchors since.
    position: usize,
}

impl<'a> HostPlacement<'a> {
    /// A record of the transaction that is not in a group.
    pub(crate) fn record(&mut self, r: &Record<'a>) {
        if r.record_type() != crate::records::RecordType::Host {
            return;
        }
        if let Some(e) = host::entry_of(r.id(), r.raw()) {
            (self.entry, self.cbp_line, self.position) = (Some(e), None, 0);
        }
        if let Some(line) = host::cbp_line_of(r.id(), r.raw()) {
            (self.cbp_line, self.position) = (line, 0);
        }
    }

    /// The head record of an HTS anchor group.
    pub(crate) fn anchor(&mut self, r: &Record<'_>) {
        if host::is_anchor_id(r.id_bytes()) {
            self.position += 1;
        }
    }

    /// The tariff position of a group placed now: the anchor's, for a group under one.
    fn tariff_position(&self, under_anchor: bool) -> Option<usize> {
        Some(self.position).filter(|&p| under_anchor && p > 0)
    }

    /// The OI groups of a transaction's items (`steps`, in input order), each with its place.
    pub(crate) fn place_all<A, G>(
        steps: impl IntoIterator<Item = HostStep<'a, A, G>>,
    ) -> Vec<Placed<'a, A, G>> {
        let mut place = HostPlacement::default();
        let mut out = Vec::new();
        for step in steps {
            let (anchor, group) = match step {
                HostStep::Record(r) => {
                    place.record(&r);
                    continue;
                }
                HostStep::Anchor(head, a, group) => {
                    if let Some(h) = head {
                        place.anchor(&h);
                    }
                    (Some(a), group)
                }
                HostStep::Group(g) => (None, Some(g)),
            };
            if let Some(group) = group {
                out.push(Placed {
                    entry: place.entry,
                    cbp_line: place.cbp_line,
                    tariff_position: place.tariff_position(anchor.is_some()),
                    anchor,
                    group,
                });
            }
        }
        out
    }
}

impl<'t, 'a> CargoRelease<'t, 'a> {
    /// [`Transaction::placed_groups`] of the transaction `items` this Cargo Release was read
    /// from: walks them in step with [`Self::lines`] and their tariffs (both in input order).
    fn placed_groups(&self, items: &'t [Item<Record<'a>>]) -> Vec<PlacedGroup<'t, 'a>> {
        let h = self.header();
        let entry = h.entry_number().map(|n| (h.entry_filer_code(), n));
        let mut lines = self.lines.iter().peekable();
        let mut tariffs = self.tariffs().peekable();
        let mut cbp_line = None;
        let mut out = Vec::new();
        for item in items {
            let (anchor, group) = match item {
                Item::Record(n) => {
                    if let Some(l) = lines.next_if(|l| std::ptr::eq(l.se40, &n.record)) {
                        cbp_line = l.number();
                    }
                    continue;
                }
                Item::Anchor(a) => (Some(&**a), a.oi_group.as_ref()),
                Item::OiGroup(g) => (None, Some(&**g)),
                _ => continue,
            };
            let placed = anchor.and_then(|a| {
                tariffs
                    .next_if(|(_, t)| std::ptr::eq(t.anchor, a))
                    .map(|(l, t)| (l.number(), t.position))
            });
            if let Some(group) = group {
                out.push(Placed::in_cargo_release(entry, cbp_line, placed, anchor, group).into());
            }
        }
        out
    }
}
