//! The index of a [`Correlation`]: submitted lines grouped by what responses match on,
//! sorted orders for range look-ups, and per-group reference lists capped by
//! [`Limits::max_per_line`].

use super::status::Span;
use super::{AgencyDisposition, EntryNumber, LineAddress, SubmittedLine, Triple};
#[cfg(doc)]
use super::{Correlation, Limits, LineStatus};

/// Appends `items` to a store; the run they occupy, or `None` when the store's `u32` ids
/// are exhausted (the items are then not stored).
pub(super) fn store<T>(store: &mut Vec<T>, items: impl IntoIterator<Item = T>) -> Option<Span> {
    let before = store.len();
    let start = u32::try_from(before).ok()?;
    store.extend(items);
    match u32::try_from(store.len()) {
        Ok(end) => Some(Span { start, end }),
        Err(_) => {
            store.truncate(before);
            None
        }
    }
}

/// Conditions stored together, and the first of them that rejects (for the status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Run {
    pub(super) span: Span,
    pub(super) rejection: Option<u32>,
}

/// Reference lists per slot (a slot is a group of lines that share what a kind of response
/// record is matched on), at most `cap` items each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Lists {
    /// Runs of the store recorded per slot, in arrival order (adjacent runs merged).
    pub(super) spans: Vec<Vec<Span>>,
    /// Items recorded per slot.
    recorded: Vec<u32>,
    /// Items that addressed each slot, recorded or not (up to the last flush).
    total: Vec<u64>,
    /// Submitted lines in each slot.
    members: Vec<u64>,
}

impl Lists {
    fn new(members: Vec<u64>) -> Self {
        let slots = members.len();
        Lists {
            spans: vec![Vec::new(); slots],
            recorded: vec![0; slots],
            total: vec![0; slots],
            members,
        }
    }

    /// Records the first items of `span` for `slot`, as many as the cap leaves room for;
    /// returns how many.
    fn record(&mut self, slot: usize, span: Span, cap: u32) -> u32 {
        let (Some(recorded), Some(spans)) = (self.recorded.get_mut(slot), self.spans.get_mut(slot))
        else {
            return 0;
        };
        let take = cap.saturating_sub(*recorded).min(span.len());
        if take == 0 {
            return 0;
        }
        let end = span.start.saturating_add(take);
        match spans.last_mut() {
            Some(last) if last.end == span.start => last.end = end,
            _ => spans.push(Span {
                start: span.start,
                end,
            }),
        }
        *recorded = recorded.saturating_add(take);
        take
    }

    fn is_full(&self, slot: usize, cap: u32) -> bool {
        self.recorded.get(slot).is_none_or(|&r| r >= cap)
    }

    pub(super) fn dropped(&self, slot: usize) -> u64 {
        let recorded = self.recorded.get(slot).copied().map_or(0, u64::from);
        self.total
            .get(slot)
            .copied()
            .unwrap_or(0)
            .saturating_sub(recorded)
    }
}

/// No item (in [`Order`]'s `best`).
const NO_ITEM: u32 = u32::MAX;

/// Whether item `a` ranks above item `b` (for a line's status: the latest disposition, the
/// last final `SE90`, a rejecting condition).
type Better<'a> = &'a dyn Fn(u32, u32) -> bool;

/// The slots sorted by a key, for range look-ups. Recording a range skips the slots whose
/// list is full (union-find), so that each is visited at most once after it fills up; the
/// best item of every range is kept apart (segment tree), recorded or not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Order<K> {
    /// Sorted keys, one per position.
    keys: Vec<K>,
    /// The slot at each position.
    slots: Vec<usize>,
    /// The position of each slot.
    pos: Vec<usize>,
    /// Submitted lines in the slots before each position (`n + 1` long).
    lines_before: Vec<u64>,
    /// Union-find "next position that may still take references" (`n + 1` long; position
    /// `n` is the end).
    next: Vec<usize>,
    /// Items that addressed each position during the current response, as a difference
    /// array (`n + 1` long while in use).
    diff: Vec<i64>,
    /// Segment tree (`2n` long) of range "keep the better item" updates: the best item
    /// that addressed a position is the best on the path from its leaf to the root.
    best: Vec<u32>,
}

impl<K: Ord> Order<K> {
    /// `entries`: (key, slot), every slot `0..n` once; `members`: lines per slot.
    fn new(mut entries: Vec<(K, usize)>, members: &[u64]) -> Self {
        entries.sort_unstable();
        let n = entries.len();
        let (keys, slots): (Vec<K>, Vec<usize>) = entries.into_iter().unzip();
        let mut pos = vec![0; n];
        let mut lines_before = Vec::with_capacity(n + 1);
        let mut lines = 0u64;
        lines_before.push(0);
        for (p, &s) in slots.iter().enumerate() {
            if let Some(x) = pos.get_mut(s) {
                *x = p;
            }
            lines = lines.saturating_add(members.get(s).copied().unwrap_or(0));
            lines_before.push(lines);
        }
        Order {
            keys,
            slots,
            pos,
            lines_before,
            next: (0..=n).collect(),
            diff: Vec::new(),
            best: vec![NO_ITEM; 2 * n],
        }
    }

    /// The positions whose key lies in `lo..=hi`.
    fn range(&self, lo: &K, hi: &K) -> (usize, usize) {
        let a = self.keys.partition_point(|k| k < lo);
        let b = self.keys.partition_point(|k| k <= hi);
        (a, b.max(a))
    }

    /// The first position at or after `p` that may still take references.
    fn find(&mut self, mut p: usize) -> usize {
        loop {
            let Some(&q) = self.next.get(p) else {
                return p;
            };
            if q == p {
                return p;
            }
            // Path halving.
            let r = self.next.get(q).copied().unwrap_or(q);
            if let Some(x) = self.next.get_mut(p) {
                *x = r;
            }
            p = q;
        }
    }

    /// Records `span` for the slot at every position of `lo..hi`; returns the (line,
    /// item) pairs not recorded because the line's list was full.
    fn record(&mut self, lists: &mut Lists, (lo, hi): (usize, usize), span: Span, cap: u32) -> u64 {
        let w = span.len();
        if lo >= hi || w == 0 {
            return 0;
        }
        if self.diff.is_empty() {
            self.diff = vec![0; self.slots.len() + 1];
        }
        if let Some(d) = self.diff.get_mut(lo) {
            *d += i64::from(w);
        }
        if let Some(d) = self.diff.get_mut(hi) {
            *d -= i64::from(w);
        }
        let mut recorded = 0u64;
        let mut p = self.find(lo);
        while p < hi {
            let Some(&slot) = self.slots.get(p) else {
                break;
            };
            let taken = u64::from(lists.record(slot, span, cap));
            let members = lists.members.get(slot).copied().unwrap_or(0);
            recorded = recorded.saturating_add(taken.saturating_mul(members));
            if lists.is_full(slot, cap) {
                if let Some(x) = self.next.get_mut(p) {
                    *x = p + 1;
                }
            }
            p = self.find(p + 1);
        }
        let line = |p: usize| self.lines_before.get(p).copied().unwrap_or(0);
        line(hi)
            .saturating_sub(line(lo))
            .saturating_mul(u64::from(w))
            .saturating_sub(recorded)
    }

    /// Adds the counts of the current response to `lists.total`.
    fn flush(&mut self, lists: &mut Lists) {
        let mut run = 0i64;
        for (p, d) in self.diff.iter().enumerate() {
            run += d;
            if run > 0 {
                let total = self.slots.get(p).and_then(|&s| lists.total.get_mut(s));
                if let Some(t) = total {
                    *t = t.saturating_add(run.unsigned_abs());
                }
            }
        }
        self.diff = Vec::new();
    }

    /// Keeps `item` as the best of every position of `lo..hi` where it ranks above the one
    /// kept.
    fn mark(&mut self, (lo, hi): (usize, usize), item: u32, better: Better<'_>) {
        let n = self.slots.len();
        let mut keep = |i: usize| {
            if let Some(t) = self.best.get_mut(i) {
                if *t == NO_ITEM || better(item, *t) {
                    *t = item;
                }
            }
        };
        let (mut l, mut r) = (lo + n, hi.min(n) + n);
        while l < r {
            if l & 1 == 1 {
                keep(l);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                keep(r);
            }
            l >>= 1;
            r >>= 1;
        }
    }

    /// The best item that addressed `slot`, if any.
    pub(super) fn best_of(&self, slot: usize, better: Better<'_>) -> Option<u32> {
        let mut i = self.pos.get(slot)? + self.slots.len();
        let mut best = NO_ITEM;
        while i > 0 {
            let t = self.best.get(i).copied().unwrap_or(NO_ITEM);
            if t != NO_ITEM && (best == NO_ITEM || better(t, best)) {
                best = t;
            }
            i >>= 1;
        }
        (best != NO_ITEM).then_some(best)
    }
}

/// Later arrivals rank higher (store ids grow in arrival order).
pub(super) fn later(a: u32, b: u32) -> bool {
    a > b
}

/// Dispositions of `store` by status date and time, then arrival ([`LineStatus::latest`]).
fn chronologically_later(store: &[AgencyDisposition]) -> impl Fn(u32, u32) -> bool + '_ {
    let key = |i: u32| (store.get(i as usize).map(AgencyDisposition::chrono_key), i);
    move |a, b| key(a) > key(b)
}

/// (agency, CBP line, tariff position, PGA line number, entry number, entry filer): the
/// full address of a line, names interned (0 = blank).
type AddressKey = (u32, Option<u64>, Option<u64>, Option<u64>, u32, u32);

/// Which order an `SO70`'s ranges are in.
#[derive(Debug, Clone, Copy)]
pub(super) enum By {
    EntryFiler,
    EntryNumber,
    Agency,
}

/// The submitted lines grouped and sorted for matching, and the reference lists.
///
/// Lines with the same full address form one *address group* (slot of `conditions` and
/// `dispositions`); lines of the same entry form one *entry group* (slot of
/// `cargo_release`). Every kind of response record selects a few contiguous ranges of one of
/// the orders below: an echoed line ([`LineAddress::same_line`]), a final `SE90` (same
/// entry), an `SO70` ([`AgencyDisposition::addresses`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Index {
    /// Interned agency codes, entry numbers and filer codes (ids from 1; 0 = blank).
    names: std::collections::HashMap<String, u32>,
    /// Address group of each line.
    pub(super) line_slot: Vec<usize>,
    /// Entry group of each line.
    pub(super) line_entry: Vec<usize>,
    /// First line of each address group.
    slot_first_line: Vec<usize>,
    /// Address groups by full address: `SE90`s on echoed lines.
    pub(super) by_address: Order<AddressKey>,
    /// Per position of `by_address`: the first line among the groups that differ from it
    /// at most by filer code.
    any_filer_first: Vec<usize>,
    /// Address groups by (agency, entry number, filer, triple): `SO70` of a full entry.
    by_entry_filer: Order<(u32, u32, u32, Option<Triple>)>,
    /// By (agency, entry number, triple): `SO70` of an entry without filer code.
    by_entry_number: Order<(u32, u32, Option<Triple>)>,
    /// By (agency, triple): `SO70` without entry.
    by_agency: Order<(u32, Option<Triple>)>,
    /// Entry groups by (entry number, filer): final `SE90`s.
    pub(super) entries: Order<(u32, u32)>,
    /// Lines carrying each certificate (`PG14.lpco_number`), in submission order.
    pub(super) certificates: std::collections::HashMap<String, Vec<usize>>,
    /// Line of each `PG01` line number.
    pub(super) pg01_lines: std::collections::HashMap<u32, usize>,
    /// Final `SE90`s per entry group.
    pub(super) cargo_release: Lists,
    /// Record-level `SE90`s per address group.
    pub(super) conditions: Lists,
    /// `SO70`s per address group.
    pub(super) dispositions: Lists,
}

impl Index {
    pub(super) fn new(lines: &[SubmittedLine]) -> Index {
        use std::collections::hash_map::Entry;
        use std::collections::HashMap;

        let mut names: HashMap<String, u32> = HashMap::new();
        let mut intern = |s: Option<&str>| -> u32 {
            let Some(s) = s else { return 0 };
            let next = u32::try_from(names.len() + 1).unwrap_or(u32::MAX);
            *names.entry(s.to_string()).or_insert(next)
        };
        let mut slot_of: HashMap<AddressKey, usize> = HashMap::new();
        let mut slot_keys: Vec<(AddressKey, Option<Triple>)> = Vec::new();
        let mut slot_first_line = Vec::new();
        let mut entry_of: HashMap<(u32, u32), usize> = HashMap::new();
        let mut line_slot = Vec::with_capacity(lines.len());
        let mut line_entry = Vec::with_capacity(lines.len());
        let mut certificates: HashMap<String, Vec<usize>> = HashMap::new();
        let mut pg01_lines = HashMap::new();
        for (i, l) in lines.iter().enumerate() {
            let a = &l.address;
            let agency = intern(a.agency.as_deref());
            let (number, filer) = match &a.entry {
                Some(e) => (intern(Some(&e.number)), intern(e.filer.as_deref())),
                None => (0, 0),
            };
            let key = (
                agency,
                a.cbp_line,
                a.tariff_position,
                a.pga_line_number,
                number,
                filer,
            );
            let slot = match slot_of.entry(key) {
                Entry::Occupied(o) => *o.get(),
                Entry::Vacant(v) => {
                    slot_keys.push((key, a.triple()));
                    slot_first_line.push(i);
                    *v.insert(slot_keys.len() - 1)
                }
            };
            line_slot.push(slot);
            let groups = entry_of.len();
            line_entry.push(*entry_of.entry((number, filer)).or_insert(groups));
            for c in &l.certificates {
                let v = certificates.entry(c.clone()).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
            pg01_lines.entry(l.pg01_line).or_insert(i);
        }
        let mut slot_members = vec![0u64; slot_keys.len()];
        for &s in &line_slot {
            if let Some(m) = slot_members.get_mut(s) {
                *m += 1;
            }
        }
        let mut entry_members = vec![0u64; entry_of.len()];
        for &e in &line_entry {
            if let Some(m) = entry_members.get_mut(e) {
                *m += 1;
            }
        }
        let by_address: Order<AddressKey> = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, _))| (*k, s))
                .collect(),
            &slot_members,
        );
        let by_entry_filer = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, k.4, k.5, *t), s))
                .collect(),
            &slot_members,
        );
        let by_entry_number = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, k.4, *t), s))
                .collect(),
            &slot_members,
        );
        let by_agency = Order::new(
            slot_keys
                .iter()
                .enumerate()
                .map(|(s, (k, t))| ((k.0, *t), s))
                .collect(),
            &slot_members,
        );
        // Runs of `by_address` that differ at most by filer code: their first line.
        let first_of = |p: usize| {
            by_address
                .slots
                .get(p)
                .and_then(|&s| slot_first_line.get(s))
                .copied()
                .unwrap_or(usize::MAX)
        };
        let prefix = |k: &AddressKey| (k.0, k.1, k.2, k.3, k.4);
        let mut any_filer_first = vec![usize::MAX; by_address.keys.len()];
        let mut start = 0;
        while start < by_address.keys.len() {
            let Some(head) = by_address.keys.get(start).map(prefix) else {
                break;
            };
            let end = start
                + by_address
                    .keys
                    .get(start..)
                    .map_or(0, |ks| ks.iter().take_while(|k| prefix(k) == head).count());
            let first = (start..end).map(first_of).min().unwrap_or(usize::MAX);
            if let Some(run) = any_filer_first.get_mut(start..end) {
                run.fill(first);
            }
            start = end.max(start + 1);
        }
        let entries = Order::new(entry_of.into_iter().collect(), &entry_members);
        Index {
            names,
            line_slot,
            line_entry,
            slot_first_line,
            by_address,
            any_filer_first,
            by_entry_filer,
            by_entry_number,
            by_agency,
            entries,
            certificates,
            pg01_lines,
            cargo_release: Lists::new(entry_members),
            conditions: Lists::new(slot_members.clone()),
            dispositions: Lists::new(slot_members),
        }
    }

    /// The id of a name, `Some(0)` for a blank one, `None` when no submitted line has it.
    fn id(&self, s: Option<&str>) -> Option<u32> {
        match s {
            None => Some(0),
            Some(s) => self.names.get(s).copied(),
        }
    }

    /// The address groups an echoed line matches ([`LineAddress::same_line`]) as ranges of
    /// `by_address`, and the first submitted line among them.
    pub(super) fn echo_targets(&self, a: &LineAddress) -> (Vec<(usize, usize)>, Option<usize>) {
        let Some(agency) = self.id(a.agency.as_deref()) else {
            return (Vec::new(), None);
        };
        let key = |n: u32, f: u32| {
            (
                agency,
                a.cbp_line,
                a.tariff_position,
                a.pga_line_number,
                n,
                f,
            )
        };
        let exact = |n: u32, f: u32| {
            let k = key(n, f);
            self.by_address.range(&k, &k)
        };
        let mut ranges = Vec::new();
        let mut first = None;
        match &a.entry {
            None => ranges.push(exact(0, 0)),
            Some(e) => {
                let Some(n) = self.id(Some(&e.number)) else {
                    return (Vec::new(), None);
                };
                match e.filer.as_deref() {
                    Some(f) => {
                        ranges.push(exact(n, 0));
                        if let Some(f) = self.id(Some(f)) {
                            ranges.push(exact(n, f));
                        }
                    }
                    None => {
                        let r = self.by_address.range(&key(n, 0), &key(n, u32::MAX));
                        if r.0 < r.1 {
                            first = self.any_filer_first.get(r.0).copied();
                        }
                        ranges.push(r);
                    }
                }
            }
        }
        ranges.retain(|(lo, hi)| lo < hi);
        if first.is_none() {
            // Exact ranges hold one group each.
            first = ranges
                .iter()
                .flat_map(|&(lo, hi)| lo..hi)
                .filter_map(|p| self.by_address.slots.get(p))
                .filter_map(|&s| self.slot_first_line.get(s).copied())
                .min();
        }
        (ranges, first)
    }

    /// The entry groups a final `SE90` of a transaction of entry `e` applies to, as ranges
    /// of `entries` (same entry; both blank counts as the same).
    pub(super) fn entry_ranges(&self, e: Option<&EntryNumber>) -> Vec<(usize, usize)> {
        let r = |lo: (u32, u32), hi: (u32, u32)| self.entries.range(&lo, &hi);
        let mut out = Vec::new();
        match e {
            None => out.push(r((0, 0), (0, 0))),
            Some(e) => {
                let Some(n) = self.id(Some(&e.number)) else {
                    return out;
                };
                match e.filer.as_deref() {
                    Some(f) => {
                        out.push(r((n, 0), (n, 0)));
                        if let Some(f) = self.id(Some(f)) {
                            out.push(r((n, f), (n, f)));
                        }
                    }
                    None => out.push(r((n, 0), (n, u32::MAX))),
                }
            }
        }
        out.retain(|(lo, hi)| lo < hi);
        out
    }

    /// The address groups an `SO70` addresses ([`AgencyDisposition::addresses`]), as
    /// ranges of one order.
    pub(super) fn disposition_ranges(&self, d: &AgencyDisposition) -> (By, Vec<(usize, usize)>) {
        const TOP: Triple = (u64::MAX, u64::MAX, u64::MAX);
        let mut out = Vec::new();
        if !d.range_usable() {
            return (By::Agency, out);
        }
        let Some(agency) = self.id(d.agency.as_deref()) else {
            return (By::Agency, out);
        };
        let bounds: Vec<(Option<Triple>, Option<Triple>)> = match d.ranges() {
            Some(ranges) => ranges
                .into_iter()
                .map(|(b, e)| (Some(b), Some(e)))
                .collect(),
            None => vec![(None, Some(TOP))],
        };
        // Lines without an entry number match any entry; their number and filer are 0.
        let by = match &d.entry {
            None => {
                for &(lo, hi) in &bounds {
                    out.push(self.by_agency.range(&(agency, lo), &(agency, hi)));
                }
                By::Agency
            }
            Some(e) => {
                let number = self.id(Some(&e.number));
                match e.filer.as_deref() {
                    Some(f) => {
                        let filer = self.id(Some(f));
                        for &(lo, hi) in &bounds {
                            let r = |n: u32, f: u32| {
                                self.by_entry_filer
                                    .range(&(agency, n, f, lo), &(agency, n, f, hi))
                            };
                            out.push(r(0, 0));
                            if let Some(n) = number {
                                out.push(r(n, 0));
                                if let Some(f) = filer {
                                    out.push(r(n, f));
                                }
                            }
                        }
                        By::EntryFiler
                    }
                    None => {
                        for &(lo, hi) in &bounds {
                            let r = |n: u32| {
                                self.by_entry_number
                                    .range(&(agency, n, lo), &(agency, n, hi))
                            };
                            out.push(r(0));
                            if let Some(n) = number {
                                out.push(r(n));
                            }
                        }
                        By::EntryNumber
                    }
                }
            }
        };
        out.retain(|(lo, hi)| lo < hi);
        (by, out)
    }

    /// Records a run of record-level `SE90`s for the groups at `ranges` of `by_address`;
    /// returns the (line, condition) pairs not recorded.
    pub(super) fn record_conditions(
        &mut self,
        ranges: &[(usize, usize)],
        run: Run,
        cap: u32,
    ) -> u64 {
        let mut dropped = 0;
        for &r in ranges {
            dropped += self
                .by_address
                .record(&mut self.conditions, r, run.span, cap);
            if let Some(c) = run.rejection {
                self.by_address.mark(r, c, &later);
            }
        }
        dropped
    }

    /// Records a run of final `SE90`s for the entry groups at `ranges` of `entries`;
    /// returns the (line, condition) pairs not recorded.
    pub(super) fn record_cargo_release(
        &mut self,
        ranges: &[(usize, usize)],
        span: Span,
        cap: u32,
    ) -> u64 {
        let mut dropped = 0;
        for &r in ranges {
            dropped += self.entries.record(&mut self.cargo_release, r, span, cap);
            if span.len() > 0 {
                self.entries.mark(r, span.end - 1, &later);
            }
        }
        dropped
    }

    /// Records the disposition `span` (one item of `store`) for the groups at `ranges` of
    /// the order `by`; returns the (line, disposition) pairs not recorded.
    pub(super) fn record_disposition(
        &mut self,
        (by, ranges): (By, &[(usize, usize)]),
        span: Span,
        cap: u32,
        store: &[AgencyDisposition],
    ) -> u64 {
        let better = chronologically_later(store);
        let lists = &mut self.dispositions;
        let mut dropped = 0;
        for &r in ranges {
            dropped += match by {
                By::EntryFiler => {
                    self.by_entry_filer.mark(r, span.start, &better);
                    self.by_entry_filer.record(lists, r, span, cap)
                }
                By::EntryNumber => {
                    self.by_entry_number.mark(r, span.start, &better);
                    self.by_entry_number.record(lists, r, span, cap)
                }
                By::Agency => {
                    self.by_agency.mark(r, span.start, &better);
                    self.by_agency.record(lists, r, span, cap)
                }
            };
        }
        dropped
    }

    /// The latest disposition (status date and time, then arrival) that addressed the
    /// lines of address group `slot`, recorded or not.
    pub(super) fn latest_disposition(
        &self,
        slot: usize,
        store: &[AgencyDisposition],
    ) -> Option<u32> {
        let better = chronologically_later(store);
        [
            self.by_entry_filer.best_of(slot, &better),
            self.by_entry_number.best_of(slot, &better),
            self.by_agency.best_of(slot, &better),
        ]
        .into_iter()
        .flatten()
        .reduce(|a, b| if better(b, a) { b } else { a })
    }

    /// Closes a response: adds its counts to the per-group totals.
    pub(super) fn flush(&mut self) {
        self.by_address.flush(&mut self.conditions);
        self.by_entry_filer.flush(&mut self.dispositions);
        self.by_entry_number.flush(&mut self.dispositions);
        self.by_agency.flush(&mut self.dispositions);
        self.entries.flush(&mut self.cargo_release);
    }
}

/// The number of (line group, item) pairs of `n` items over `ranges`.
pub(super) fn pairs(ranges: &[(usize, usize)], n: usize) -> u64 {
    let groups: usize = ranges.iter().map(|(lo, hi)| hi - lo).sum();
    (groups as u64).saturating_mul(n as u64)
}
