//! Walking a parsed transmission: its PGA lines with their addresses, the records of a line
//! or a transaction item, and what the envelope says (application id, batch user data).

use super::{EntryNumber, LineAddress};
use crate::records::{host, Record, Se10, Se40, Se60, View};
use crate::records::{BatchHeader, BlockHeader, Body, RecordType};
use crate::transmission::Transmission;
use crate::tree::{FlatItem, FlatTree, GroupKind, GroupRef, HostPlacement, HostStep, NodeRef};

/// A PGA line found while walking the flat tree, with its context.
pub(super) struct Found<'t, 'a> {
    pub(super) address: LineAddress,
    /// The PGA line (a group of kind [`GroupKind::Line`]).
    pub(super) line: GroupRef<'t, 'a>,
    /// Its OI group.
    pub(super) group: GroupRef<'t, 'a>,
    /// The HTS anchor of the group, if any (a group of kind [`GroupKind::Anchor`]).
    pub(super) anchor: Option<GroupRef<'t, 'a>>,
}

pub(super) fn text(v: Option<&str>) -> Option<String> {
    v.map(|s| s.trim_end().to_string())
        .filter(|s| !s.is_empty())
}

pub(super) fn pg01_of<'a>(l: GroupRef<'_, 'a>) -> Option<crate::records::Pg01<'a>> {
    match l.head()?.record().body() {
        Some(Body::Pg01(p)) => Some(p),
        _ => None,
    }
}

/// An OI group of a flat transaction with its place: what
/// [`crate::tree::Transaction::placed_groups`] gives for the same transaction of the nested
/// tree (the entry of the transaction, the CBP line and the tariff position it sits under).
type Placed<'t, 'a> = crate::tree::Placed<'a, GroupRef<'t, 'a>, GroupRef<'t, 'a>>;

/// [`crate::tree::Transaction::placed_groups`] of a flat transaction: a Cargo Release
/// (first item an `SE10`) places its groups by its CBP lines (`SE40`) and tariffs (`SE60`
/// anchors) as [`crate::tree::Transaction::cargo_release`] reads them; another transaction
/// by the host layer ([`host::entry_of`], [`host::cbp_line_of`]).
fn placed_groups<'t, 'a>(tx: GroupRef<'t, 'a>) -> Vec<Placed<'t, 'a>> {
    let se10 = match tx.items().next() {
        Some(FlatItem::Record(n)) => Some(n.record()).filter(|r| r.view::<Se10>().is_some()),
        _ => None,
    };
    match se10 {
        Some(r) => placed_by_cargo_release(tx, &r),
        None => placed_by_host(tx),
    }
}

/// The Cargo Release's placement (one walk: `CargoRelease::place` / `place_anchor` and
/// `CargoRelease::placed_groups` in step).
fn placed_by_cargo_release<'t, 'a>(tx: GroupRef<'t, 'a>, se10: &Record<'a>) -> Vec<Placed<'t, 'a>> {
    let h = View::<Se10<'a>>::new(se10.raw(), se10.lenient_numeric());
    let entry = h.entry_number().map(|n| (h.entry_filer_code(), n));
    // The last CBP line (its number, its tariffs so far), whether an `SF` record came.
    let mut line: Option<(Option<u64>, usize)> = None;
    let mut in_sf = false;
    let mut cbp_line = None;
    let mut out = Vec::new();
    for (i, item) in tx.items().enumerate() {
        let (anchor, group) = match item {
            FlatItem::Record(n) => {
                if i == 0 {
                    continue; // the SE10
                }
                let r = n.record();
                let id = r.id_bytes();
                if id.starts_with(b"SF") && host::is_host_layout_id(id) {
                    in_sf = true;
                } else if !in_sf && id == b"SE40" {
                    let number =
                        View::<Se40<'a>>::new(r.raw(), r.lenient_numeric()).line_item_number();
                    line = Some((number, 0));
                    cbp_line = number;
                }
                continue;
            }
            FlatItem::Group(g) => match g.kind() {
                GroupKind::Anchor => (Some(g), g.oi_group()),
                GroupKind::OiGroup => (None, Some(g)),
                _ => continue,
            },
        };
        // `place_anchor`: an `SE60` under a CBP line, before any `SF` record, is a tariff.
        let placed = anchor.and_then(|a| {
            let se60 = a
                .head()
                .is_some_and(|h| h.record().view::<Se60>().is_some());
            match line.as_mut() {
                Some((number, tariffs)) if se60 && !in_sf => {
                    *tariffs += 1;
                    Some((*number, *tariffs))
                }
                _ => None,
            }
        });
        if let Some(group) = group {
            out.push(Placed::in_cargo_release(
                entry, cbp_line, placed, anchor, group,
            ));
        }
    }
    out
}

/// The host layer's placement (`Transaction::placed_groups_by_host`).
fn placed_by_host<'t, 'a>(tx: GroupRef<'t, 'a>) -> Vec<Placed<'t, 'a>> {
    let steps = tx.items().filter_map(|item| match item {
        FlatItem::Record(n) => Some(HostStep::Record(n.record())),
        FlatItem::Group(g) => match g.kind() {
            GroupKind::Anchor => Some(HostStep::Anchor(
                g.head().map(|h| h.record()),
                g,
                g.oi_group(),
            )),
            GroupKind::OiGroup => Some(HostStep::Group(g)),
            _ => None,
        },
    });
    HostPlacement::place_all(steps)
}

/// Every PGA line of a flat tree with its address, in input order: the entry, CBP line and
/// tariff position of its OI group as [`crate::tree::Transaction::placed_groups`] reads
/// them.
pub(super) fn found_lines<'t, 'a>(t: &'t FlatTree<'a>) -> Vec<Found<'t, 'a>> {
    let mut out = Vec::new();
    for tx in t.transactions() {
        for placed in placed_groups(tx) {
            let entry = placed.entry.map(|(filer, number)| EntryNumber {
                filer: filer.map(str::to_string),
                number: number.to_string(),
            });
            for line in placed.group.lines() {
                let pg01 = pg01_of(line);
                out.push(Found {
                    address: LineAddress {
                        entry: entry.clone(),
                        cbp_line: placed.cbp_line,
                        tariff_position: placed.tariff_position.and_then(|p| u64::try_from(p).ok()),
                        agency: pg01.and_then(|p| text(p.agency_code)),
                        pga_line_number: pg01.and_then(|p| p.pga_line_number),
                    },
                    line,
                    group: placed.group,
                    anchor: placed.anchor,
                });
            }
        }
    }
    out
}

/// The ABI application identifier of an input (codes/application-ids.csv): the
/// `application_id` of its first block header (`B`) that has one, else of its first batch
/// header (`A`) that has one; `None` for a fragment without envelope or with blank
/// identifiers. Read from the field's bytes (positions from the layout table), so a header
/// whose other fields do not type, or that is short, still names its application.
pub fn application_id<'a>(t: &Transmission<'a>) -> Option<&'a str> {
    flat_application_id(t.flat())
}

/// [`application_id`] of a flat tree (the same headers: the two trees hold the same records
/// in the same groups).
pub fn flat_application_id<'a>(t: &crate::FlatTree<'a>) -> Option<&'a str> {
    let id = |g: crate::tree::GroupRef<'_, 'a>| header_application_id(&g.head()?.record());
    let block = t.batches().flat_map(|b| b.blocks()).find_map(id);
    block.or_else(|| t.batches().find_map(id))
}

/// The application identifier in a batch or block header's bytes (`None` when blank or not
/// a header).
fn header_application_id<'a>(r: &Record<'a>) -> Option<&'a str> {
    let field = match r.record_type() {
        RecordType::BatchHeader => BatchHeader::APPLICATION_ID,
        RecordType::BlockHeader => BlockHeader::APPLICATION_ID,
        _ => return None,
    };
    let raw = field.slice(r.bytes());
    let s = std::str::from_utf8(raw).ok()?.trim();
    (!s.is_empty()).then_some(s)
}

/// Whether an input is one of CBP's answers (SPEC 7): its [`application_id`] is a CBP
/// output application ([`crate::codes::is_response_application`]: `SX`, `SO`, `UC`, `C1`,
/// `AX` …). A response is never refused (SPEC 7.2): a reader should parse it leniently and
/// report every record-level problem as a warning, failing only for whole-input problems
/// (F-020, F-021, F-023), as `ace-pga decode`, `dump` and `status` do.
///
/// ```
/// use ace_pga::{response::is_response, Transmission};
/// let so = std::fs::read("spec-samples/valid/so-status.txt")?;
/// let or2 = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// assert!(is_response(&Transmission::parse(&so)?));
/// assert!(!is_response(&Transmission::parse(&or2)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_response(t: &Transmission<'_>) -> bool {
    application_id(t).is_some_and(crate::codes::is_response_application)
}

pub(super) fn batch_user_data(t: &FlatTree<'_>) -> Option<String> {
    t.batches().find_map(|b| match b.head()?.record().body() {
        Some(Body::BatchHeader(h)) => text(h.user_data),
        _ => None,
    })
}

/// Records of a PGA line with their attached conditions, in order (the `PG01` first).
pub(super) fn line_nodes<'t, 'a>(l: GroupRef<'t, 'a>) -> Vec<NodeRef<'t, 'a>> {
    fn walk<'t, 'a>(items: crate::tree::flat::Items<'t, 'a>, v: &mut Vec<NodeRef<'t, 'a>>) {
        for i in items {
            match i {
                FlatItem::Record(n) => v.push(n),
                FlatItem::Group(g) if g.kind() == GroupKind::Entity => {
                    v.extend(g.head());
                    v.extend(g.pg20());
                    v.extend(records_of(g));
                }
                FlatItem::Group(g) => {
                    v.extend(g.head());
                    walk(g.items(), v);
                    v.extend(g.tail());
                }
            }
        }
    }
    let mut v: Vec<NodeRef<'t, 'a>> = l.head().into_iter().collect();
    walk(l.items(), &mut v);
    v
}

/// The records (not the nested groups) among the items of `g`.
fn records_of<'t, 'a>(g: GroupRef<'t, 'a>) -> impl Iterator<Item = NodeRef<'t, 'a>> {
    g.items().filter_map(|i| match i {
        FlatItem::Record(n) => Some(n),
        FlatItem::Group(_) => None,
    })
}

/// Every node of a transaction item (records with their attached conditions).
pub(super) fn item_nodes<'t, 'a>(item: FlatItem<'t, 'a>) -> Vec<NodeRef<'t, 'a>> {
    fn group<'t, 'a>(g: GroupRef<'t, 'a>, v: &mut Vec<NodeRef<'t, 'a>>) {
        v.extend(g.head());
        for i in g.items() {
            match i {
                FlatItem::Record(n) => v.push(n),
                FlatItem::Group(l) => v.extend(line_nodes(l)),
            }
        }
    }
    let mut v = Vec::new();
    match item {
        FlatItem::Record(n) => v.push(n),
        FlatItem::Group(g) => match g.kind() {
            GroupKind::Anchor => {
                v.extend(g.head());
                v.extend(records_of(g));
                if let Some(oi) = g.oi_group() {
                    group(oi, &mut v);
                }
            }
            GroupKind::OiGroup => group(g, &mut v),
            // A disposition (SO70, SO71/SO72), a substitution group (PG00 S … E).
            _ => {
                v.extend(g.head());
                v.extend(records_of(g));
                v.extend(g.tail());
            }
        },
    }
    v
}
