//! Walking a parsed transmission: its PGA lines with their addresses, the records of a line
//! or a transaction item, and what the envelope says (application id, batch user data).

use super::{EntryNumber, LineAddress};
use crate::records::Record;
use crate::records::{BatchHeader, BlockHeader, Body, RecordType};
use crate::transmission::Transmission;
use crate::tree::{Item, Node, OiGroup, PgaItem, PgaLine};

/// A PGA line found while walking, with its context.
pub(super) struct Found<'t, 'a> {
    pub(super) address: LineAddress,
    pub(super) line: &'t PgaLine<Record<'a>>,
    pub(super) group: &'t OiGroup<Record<'a>>,
    pub(super) anchor: Option<&'t crate::tree::HtsAnchor<Record<'a>>>,
}

pub(super) fn text(v: Option<&str>) -> Option<String> {
    v.map(|s| s.trim_end().to_string())
        .filter(|s| !s.is_empty())
}

pub(super) fn pg01_of<'a>(l: &PgaLine<Record<'a>>) -> Option<crate::records::Pg01<'a>> {
    match l.pg01.record.body() {
        Some(Body::Pg01(p)) => Some(p),
        _ => None,
    }
}

/// Every PGA line of a parsed transmission with its address, in input order: the entry,
/// CBP line and tariff position of its OI group come from the tree
/// ([`crate::tree::Transaction::placed_groups`]), the one place that reads them.
pub(super) fn found_lines<'t, 'a>(t: &'t Transmission<'a>) -> Vec<Found<'t, 'a>> {
    let mut out = Vec::new();
    for tx in t.tree.transactions() {
        for placed in tx.placed_groups() {
            let entry = placed.entry.map(|(filer, number)| EntryNumber {
                filer: filer.map(str::to_string),
                number: number.to_string(),
            });
            for line in &placed.group.lines {
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
    let id = |n: &Option<Node<Record<'a>>>| header_application_id(&n.as_ref()?.record);
    let batches = &t.tree.batches;
    batches
        .iter()
        .flat_map(|b| b.blocks.iter())
        .find_map(|b| id(&b.header))
        .or_else(|| batches.iter().find_map(|b| id(&b.header)))
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

pub(super) fn batch_user_data(t: &Transmission<'_>) -> Option<String> {
    t.tree.batches.iter().find_map(|b| match &b.header {
        Some(n) => match n.record.body() {
            Some(Body::BatchHeader(h)) => text(h.user_data),
            _ => None,
        },
        None => None,
    })
}

/// Records of a PGA line with their attached conditions, in order (the `PG01` first).
pub(super) fn line_nodes<'t, 'a>(l: &'t PgaLine<Record<'a>>) -> Vec<&'t Node<Record<'a>>> {
    fn walk<'t, 'a>(items: &'t [PgaItem<Record<'a>>], v: &mut Vec<&'t Node<Record<'a>>>) {
        for i in items {
            match i {
                PgaItem::Record(n) => v.push(n),
                PgaItem::Entity(e) => {
                    v.push(&e.pg19);
                    v.extend(e.pg20.iter());
                    v.extend(e.items.iter());
                }
                PgaItem::Group(g) => {
                    v.push(&g.start);
                    walk(&g.items, v);
                    v.extend(g.end.iter());
                }
            }
        }
    }
    let mut v = vec![&l.pg01];
    walk(&l.items, &mut v);
    v
}

/// Every node of a transaction item (records with their attached conditions).
pub(super) fn item_nodes<'t, 'a>(item: &'t Item<Record<'a>>) -> Vec<&'t Node<Record<'a>>> {
    fn group<'t, 'a>(g: &'t OiGroup<Record<'a>>, v: &mut Vec<&'t Node<Record<'a>>>) {
        v.extend(g.oi.iter());
        v.extend(g.orphans.iter());
        for l in &g.lines {
            v.extend(line_nodes(l));
        }
    }
    let mut v = Vec::new();
    match item {
        Item::Record(n) => v.push(n),
        Item::Anchor(a) => {
            v.push(&a.anchor);
            v.extend(a.sub_records.iter());
            if let Some(g) = &a.oi_group {
                group(g, &mut v);
            }
        }
        Item::OiGroup(g) => group(g, &mut v),
        Item::Disposition(d) => {
            v.push(&d.so70);
            v.extend(d.details.iter());
        }
        Item::Substitution(g) => {
            v.push(&g.start);
            v.extend(g.records.iter());
            v.extend(g.end.iter());
        }
    }
    v
}
