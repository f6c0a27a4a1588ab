//! The decode JSON of a group of the [`FlatTree`](crate::FlatTree), written directly: the
//! bytes the nested writer writes for the same records in the same groups (the two trees
//! hold the same records in the same groups, `tree/builder.rs`), read from the flat tree's
//! handles instead of the boxed levels. A group is written as the level of the nested tree
//! of its [`GroupKind`] is ([`crate::tree::Transaction`] for a transaction, and so on); the
//! content of a group is its [`GroupRef::items`], in input order: a nested level's lists
//! (`sub_records` then `oi_group`, `orphans` then `lines`) are runs of it.

use super::sealed::Direct;
use super::{record_direct, tag, Out, Style};
use crate::tree::{FlatItem, GroupKind, GroupRef, NodeRef};

impl Direct for GroupRef<'_, '_> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        group(w, self, pad);
    }
}

/// A group as its nested level is written on its own.
fn group(w: &mut Out<'_>, g: &GroupRef<'_, '_>, pad: Style) {
    let mut first = true;
    w.begin(b"{");
    match g.kind() {
        GroupKind::Batch => {
            header_entry(w, &mut first, "header", g.head(), pad);
            list(w, &mut first, "blocks", g.blocks(), |w, b| {
                group(w, &b, pad)
            });
            header_entry(w, &mut first, "trailer", g.tail(), pad);
        }
        GroupKind::Block => {
            header_entry(w, &mut first, "header", g.head(), pad);
            list(w, &mut first, "transactions", g.transactions(), |w, t| {
                group(w, &t, pad);
            });
            header_entry(w, &mut first, "trailer", g.tail(), pad);
        }
        GroupKind::Transaction => {
            list(w, &mut first, "items", g.items(), |w, i| item(w, i, pad));
        }
        GroupKind::Line => {
            header_entry(w, &mut first, "pg01", g.head(), pad);
            list(w, &mut first, "items", g.items(), |w, i| item(w, i, pad));
        }
        GroupKind::Node => {
            if let Some(n) = g.head() {
                node_keys(w, &mut first, n, pad);
            }
        }
        _ => group_keys(w, &mut first, g, pad),
    }
    w.end(b"}");
}

/// An item of a transaction, a PGA line or a PG50 group: `{"item": …, …}`.
fn item(w: &mut Out<'_>, i: FlatItem<'_, '_>, pad: Style) {
    let mut first = true;
    w.begin(b"{");
    match i {
        FlatItem::Record(n) => {
            tag(w, &mut first, "record");
            node_keys(w, &mut first, n, pad);
        }
        FlatItem::Group(g) => {
            let name = match g.kind() {
                GroupKind::Anchor => "anchor",
                GroupKind::OiGroup => "oi_group",
                GroupKind::Disposition => "disposition",
                GroupKind::Substitution => "substitution",
                GroupKind::Entity => "entity",
                GroupKind::PgGroup => "group",
                // Not an item of any level (the builder places none there).
                _ => "group",
            };
            tag(w, &mut first, name);
            group_keys(w, &mut first, &g, pad);
        }
    }
    w.end(b"}");
}

/// The keys of the levels written as `{"item": …, <keys>}` in a list, or as `{<keys>}` on
/// their own.
fn group_keys(w: &mut Out<'_>, first: &mut bool, g: &GroupRef<'_, '_>, pad: Style) {
    let records = || g.items().filter_map(record_of);
    match g.kind() {
        GroupKind::Anchor => {
            header_entry(w, first, "anchor", g.head(), pad);
            nodes_if_any(w, first, "sub_records", records(), pad);
            if let Some(oi) = g.oi_group() {
                w.key(first, "oi_group");
                group(w, &oi, pad);
                w.done();
            }
        }
        GroupKind::OiGroup => {
            header_entry(w, first, "oi", g.head(), pad);
            nodes_if_any(w, first, "orphans", records(), pad);
            list(w, first, "lines", g.lines(), |w, l| group(w, &l, pad));
        }
        GroupKind::Disposition => {
            header_entry(w, first, "so70", g.head(), pad);
            nodes_if_any(w, first, "details", records(), pad);
        }
        GroupKind::Substitution => {
            header_entry(w, first, "start", g.head(), pad);
            nodes_if_any(w, first, "records", records(), pad);
            node_if_some(w, first, "end", g.tail(), pad);
        }
        GroupKind::Entity => {
            header_entry(w, first, "pg19", g.head(), pad);
            node_if_some(w, first, "pg20", g.pg20(), pad);
            nodes_if_any(w, first, "items", records(), pad);
        }
        GroupKind::PgGroup => {
            header_entry(w, first, "start", g.head(), pad);
            list(w, first, "items", g.items(), |w, i| item(w, i, pad));
            node_if_some(w, first, "end", g.tail(), pad);
        }
        // Written by `group` (not a listed level).
        _ => {}
    }
}

/// The record (with its conditions) of an item that is not a group.
fn record_of<'t, 'a>(i: FlatItem<'t, 'a>) -> Option<NodeRef<'t, 'a>> {
    match i {
        FlatItem::Record(n) => Some(n),
        FlatItem::Group(_) => None,
    }
}

/// A record and its conditions: `{<record keys>, "conditions": [...]}`.
fn node(w: &mut Out<'_>, n: NodeRef<'_, '_>, pad: Style) {
    let mut first = true;
    w.begin(b"{");
    node_keys(w, &mut first, n, pad);
    w.end(b"}");
}

/// The keys of a record, then its `conditions` when it has any.
fn node_keys(w: &mut Out<'_>, first: &mut bool, n: NodeRef<'_, '_>, pad: Style) {
    record_direct(w, first, &n.record(), pad);
    let conditions = n.conditions();
    if conditions.len() > 0 {
        list(w, first, "conditions", conditions, |w, r| r.direct(pad, w));
    }
}

/// An entry whose value is a record or `null` (an envelope header or trailer, and the
/// record that opens a level).
fn header_entry(
    w: &mut Out<'_>,
    first: &mut bool,
    key: &str,
    n: Option<NodeRef<'_, '_>>,
    pad: Style,
) {
    w.key(first, key);
    match n {
        Some(n) => node(w, n, pad),
        None => w.push(b"null"),
    }
    w.done();
}

/// An entry written only when there is a record.
fn node_if_some(
    w: &mut Out<'_>,
    first: &mut bool,
    key: &str,
    n: Option<NodeRef<'_, '_>>,
    pad: Style,
) {
    if let Some(n) = n {
        w.key(first, key);
        node(w, n, pad);
        w.done();
    }
}

/// A list of records written only when it is not empty.
fn nodes_if_any<'t, 'a>(
    w: &mut Out<'_>,
    first: &mut bool,
    key: &str,
    nodes: impl Iterator<Item = NodeRef<'t, 'a>>,
    pad: Style,
) where
    'a: 't,
{
    let mut nodes = nodes.peekable();
    if nodes.peek().is_some() {
        list(w, first, key, nodes, |w, n| node(w, n, pad));
    }
}

/// An entry whose value is the array of `values`, each written by `each`.
fn list<T>(
    w: &mut Out<'_>,
    first: &mut bool,
    key: &str,
    values: impl Iterator<Item = T>,
    mut each: impl FnMut(&mut Out<'_>, T),
) {
    w.key(first, key);
    w.begin(b"[");
    let mut first_value = true;
    for v in values {
        w.sep(&mut first_value);
        each(w, v);
        w.done();
    }
    w.end(b"]");
    w.done();
}
