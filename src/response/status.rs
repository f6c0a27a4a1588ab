//! [`LineStatus`]: one submitted line seen through the [`Correlation`], and [`Refs`], the
//! iterator over the conditions and dispositions it refers to.

use std::cmp::Ordering;
use std::fmt;

use super::index::later;
#[cfg(doc)]
use super::Limits;
use super::{AgencyDisposition, Condition, Correlation, Dropped, Status, SubmittedLine};

/// A run `start..end` of consecutive items of one of the correlation's stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }
}

/// The conditions or dispositions a line refers to: an iterator over items stored once in
/// the [`Correlation`], in arrival order (from [`LineStatus::cargo_release`],
/// [`LineStatus::conditions`], [`LineStatus::dispositions`]).
#[derive(Debug, Clone)]
pub struct Refs<'c, T> {
    spans: std::slice::Iter<'c, Span>,
    current: std::ops::Range<u32>,
    store: &'c [T],
    remaining: usize,
}

impl<'c, T> Refs<'c, T> {
    fn new(spans: &'c [Span], store: &'c [T]) -> Self {
        Refs {
            spans: spans.iter(),
            current: 0..0,
            store,
            remaining: spans.iter().map(|s| s.len() as usize).sum(),
        }
    }
}

impl<'c, T> Iterator for Refs<'c, T> {
    type Item = &'c T;

    fn next(&mut self) -> Option<&'c T> {
        loop {
            if let Some(i) = self.current.next() {
                self.remaining = self.remaining.saturating_sub(1);
                // Spans only ever point into the store (see `Correlation::store`).
                return self.store.get(i as usize);
            }
            let s = self.spans.next()?;
            self.current = s.start..s.end;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for Refs<'_, T> {}

impl<T> std::iter::FusedIterator for Refs<'_, T> {}

/// Everything known about one submitted PGA line: a view into a [`Correlation`]
/// (cheap to copy; the conditions and dispositions are stored once in the correlation).
///
/// With the `serde` feature it serializes as `{"line", "cargo_release", "conditions",
/// "dispositions"}` (plus `"dropped"` when [`LineStatus::dropped`] is not empty).
#[derive(Clone, Copy)]
pub struct LineStatus<'c> {
    /// The submitted line.
    pub line: &'c SubmittedLine,
    pub(super) index: usize,
    pub(super) book: &'c Correlation,
}

impl<'c> LineStatus<'c> {
    /// Position of the line in the submission (0-based, submission order).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Final `SE90` dispositions of the Cargo Release responses (`SX`) for the line's
    /// transaction (`01`, `02`, `03`), in arrival order.
    pub fn cargo_release(&self) -> Refs<'c, Condition> {
        let ix = &self.book.index;
        let spans = ix
            .line_entry
            .get(self.index)
            .and_then(|&e| ix.cargo_release.spans.get(e));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.conditions)
    }

    /// Record-level `SE90` conditions (`SX`) on the line, its `OI` or its anchor, in arrival
    /// order.
    pub fn conditions(&self) -> Refs<'c, Condition> {
        let ix = &self.book.index;
        let spans = ix
            .line_slot
            .get(self.index)
            .and_then(|&s| ix.conditions.spans.get(s));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.conditions)
    }

    /// Agency dispositions (`SO70` with `SO71` / `SO72` of `SO` / `UC` notifications)
    /// addressing the line, in arrival order.
    pub fn dispositions(&self) -> Refs<'c, AgencyDisposition> {
        let ix = &self.book.index;
        let spans = ix
            .line_slot
            .get(self.index)
            .and_then(|&s| ix.dispositions.spans.get(s));
        Refs::new(spans.map_or(&[], Vec::as_slice), &self.book.dispositions)
    }

    /// What addressed the line but was not recorded for it ([`Limits::max_per_line`]).
    pub fn dropped(&self) -> Dropped {
        let ix = &self.book.index;
        let slot = ix.line_slot.get(self.index).copied();
        let entry = ix.line_entry.get(self.index).copied();
        Dropped {
            cargo_release: entry.map_or(0, |e| ix.cargo_release.dropped(e)),
            conditions: slot.map_or(0, |s| ix.conditions.dropped(s)),
            dispositions: slot.map_or(0, |s| ix.dispositions.dropped(s)),
        }
    }

    /// The latest agency disposition: greatest status date and time; among equals, the one
    /// that arrived last. Among every disposition that addressed the line, including those
    /// not recorded for it ([`LineStatus::dropped`]).
    pub fn latest(&self) -> Option<&'c AgencyDisposition> {
        let book = self.book;
        let slot = *book.index.line_slot.get(self.index)?;
        let id = book.index.latest_disposition(slot, &book.dispositions)?;
        book.dispositions.get(id as usize)
    }

    /// The last final `SE90` (arrival order) for the line's transaction, recorded or not.
    fn last_cargo_release(&self) -> Option<&'c Condition> {
        let book = self.book;
        let entry = *book.index.line_entry.get(self.index)?;
        let id = book.index.entries.best_of(entry, &later)?;
        book.conditions.get(id as usize)
    }

    /// Whether a record-level `SE90` on the line (or its `OI` or anchor) rejects, recorded or
    /// not.
    fn has_rejecting_condition(&self) -> bool {
        let ix = &self.book.index;
        ix.line_slot
            .get(self.index)
            .and_then(|&slot| ix.by_address.best_of(slot, &later))
            .is_some()
    }

    /// The recorded agency dispositions in chronological order (status date and time, then
    /// arrival).
    pub fn history(&self) -> Vec<&'c AgencyDisposition> {
        let mut v: Vec<(usize, &AgencyDisposition)> = self.dispositions().enumerate().collect();
        v.sort_by(|(i, a), (j, b)| match a.chrono_key().cmp(&b.chrono_key()) {
            Ordering::Equal => i.cmp(j),
            o => o,
        });
        v.into_iter().map(|(_, d)| d).collect()
    }

    /// The derived status (see the module docs), from everything that addressed the line,
    /// including what was not recorded for it ([`LineStatus::dropped`]).
    pub fn status(&self) -> Status {
        if let Some(d) = self.latest() {
            return Status::from_code(d.status_code());
        }
        let last_cr = self.last_cargo_release();
        if last_cr.is_some_and(Condition::is_rejection) || self.has_rejecting_condition() {
            return Status::Rejected;
        }
        if last_cr.is_some() {
            return Status::Accepted;
        }
        if self.conditions().len() == 0 && self.dropped().conditions == 0 {
            Status::NotReported
        } else {
            Status::Accepted
        }
    }
}

impl fmt::Debug for LineStatus<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineStatus")
            .field("line", self.line)
            .field("cargo_release", &self.cargo_release().collect::<Vec<_>>())
            .field("conditions", &self.conditions().collect::<Vec<_>>())
            .field("dispositions", &self.dispositions().collect::<Vec<_>>())
            .field("dropped", &self.dropped())
            .finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for LineStatus<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// An iterator serialized as a sequence.
        struct Seq<I>(I);
        impl<I> serde::Serialize for Seq<I>
        where
            I: Iterator + Clone,
            I::Item: serde::Serialize,
        {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.clone())
            }
        }
        let dropped = self.dropped();
        let mut st = s.serialize_struct("LineStatus", 5)?;
        st.serialize_field("line", self.line)?;
        st.serialize_field("cargo_release", &Seq(self.cargo_release()))?;
        st.serialize_field("conditions", &Seq(self.conditions()))?;
        st.serialize_field("dispositions", &Seq(self.dispositions()))?;
        if dropped.is_empty() {
            st.skip_field("dropped")?;
        } else {
            st.serialize_field("dropped", &dropped)?;
        }
        st.end()
    }
}
