//! Response correlation: map CBP's answers back to the PGA lines of the original
//! transmission, so that a caller can ask "what is the status of certificate
//! 417-2093856104-557321?" (SPEC 7).
//!
//! * An **`SX`** Cargo Release response echoes the submitted transaction with `SE90`
//!   condition records after the records in error (SPEC 7.1). Each echoed PGA line is matched
//!   to the submitted one by its address — entry number, CBP line number, tariff position,
//!   agency and PGA line number ([`LineAddress`]) — and every record-level `SE90` attached to
//!   the line's records (or to its `OI` / HTS anchor) becomes a [`Condition`] of that line.
//!   The final `SE90` of the transaction (message type `01` rejected, `02` accepted, `03`
//!   accepted with warnings) becomes the line's [`LineStatus::cargo_release`].
//! * An **`SO`** (Cargo Release) or **`UC`** (Entry Summary) status notification carries
//!   `SO70` dispositions (also `WO70`/`PO70`) with their `SO71`/`SO72` records (SPEC 7.2).
//!   Each `SO70` addresses the range `begin…end` of (CBP line, tariff position, PGA line)
//!   triples of one agency; it applies to every submitted PGA line of that agency and entry
//!   whose triple lies in the range. The PGA line number counts per agency under an `OI`
//!   (SPEC 4.7), so the agency is part of the key.
//!
//! The **status** of a line ([`LineStatus::status`]) is the latest agency disposition (by
//! status date and time, then by arrival order) when there is one; otherwise the outcome of
//! the Cargo Release response (rejected, accepted); otherwise [`Status::NotReported`].
//!
//! **Memory and time.** [`Correlation::new`] indexes the submitted lines once (by address,
//! by entry, by certificate); adding a response costs time near-linear in the sizes of the
//! submission and the response. A condition or disposition that addresses many lines (a
//! final `SE90`, an `SE90` on an `OI`, an `SO70` range) is stored once, and the lines refer
//! to it ([`LineStatus`] is a view into the [`Correlation`]), at most
//! [`Limits::max_per_line`] references of each kind per line; what does not fit is counted
//! ([`LineStatus::dropped`], [`ResponseSummary::dropped`]).
//!
//! The entry number, the CBP line number and the tariff position live in host records (SPEC
//! 3.7); the correlation reads them from the tree's typed structure, in one place:
//! [`crate::tree::Transaction::placed_groups`] (over [`crate::tree::CargoRelease`] for a Cargo
//! Release, the host layer for an Entry Summary), and the entry of an `SO70` from its
//! [`crate::tree::StatusNotification`]. The positions are those of [`host`].
//!
//! ```
//! use ace_pga::response::{Correlation, Status};
//! use ace_pga::Transmission;
//!
//! let submission = std::fs::read("spec-samples/valid/or2-single.txt")?;
//! let sx = std::fs::read("spec-samples/valid/sx-response.txt")?;
//! let so = std::fs::read("spec-samples/valid/so-status.txt")?;
//!
//! let mut book = Correlation::new(&Transmission::parse(&submission)?);
//! book.add_response("sx-response.txt", &Transmission::parse(&sx)?);
//! book.add_response("so-status.txt", &Transmission::parse(&so)?);
//!
//! let lines = book.by_certificate("417-2093856104-557321");
//! assert_eq!(lines.len(), 1);
//! assert_eq!(lines[0].status(), Status::MayProceed);
//! let latest = lines[0].latest().expect("an agency disposition");
//! assert_eq!(latest.status_code(), Some("07"));
//! assert_eq!(latest.comments, ["NOP IMPORT CERTIFICATE VERIFIED. SHIPMENT MAY PROCEED."]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The parts: `host` (the host-record positions read), `document` (the JSON document of
// `status --format json`, feature `json`), `model` (the values a correlation
// holds and reports), `status` (a line seen through the correlation), `walk` (reading PGA
// lines and envelopes out of a parsed transmission), `index` (matching response records to
// lines within the limits); this file holds `Correlation` itself, the API.
#[cfg(feature = "json")]
mod document;
pub mod host;
mod index;
mod model;
mod status;
mod walk;

#[cfg(feature = "json")]
pub use document::StatusDocument;
pub use model::{
    AgencyDisposition, Condition, Dropped, EntryNumber, IgnoredRecord, Limits, LineAddress,
    ResponseSummary, Scope, Source, Status, SubmittedLine, Triple, Unmatched,
};
pub use status::{LineStatus, Refs};
pub use walk::{application_id, flat_application_id, is_response};

use std::collections::BTreeSet;

use crate::records::Body;
use crate::records::So10;
use crate::transmission::Transmission;
use crate::tree::{FlatItem, FlatTree, GroupKind, NodeRef};

use host::entry_of_host;
use index::{pairs, store, Index, Run};
use walk::{batch_user_data, found_lines, item_nodes, line_nodes, pg01_of, text};

/// The submission's PGA lines and what the responses say about each.
///
/// Every `SE90` condition and `SO70` disposition of the responses that addresses a line is
/// stored once ([`Correlation::conditions`], [`Correlation::dispositions`]); each line
/// refers to them ([`LineStatus`]), within [`Limits`]. Lines are indexed by address when
/// the correlation is built, so adding a response costs time near-linear in the sizes of
/// the submission and the response.
///
/// With the `serde` feature it serializes as `{"batch_user_data", "lines", "responses",
/// "unmatched"}`, `lines` holding one [`LineStatus`] per submitted line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correlation {
    /// `A` user data of the submission.
    pub batch_user_data: Option<String>,
    /// The responses added, in arrival order.
    pub responses: Vec<ResponseSummary>,
    /// Response records that address no submitted line.
    pub unmatched: Vec<Unmatched>,
    /// The submitted lines, in submission order.
    submitted: Vec<SubmittedLine>,
    /// Every `SE90` mapped to at least one line, once, in arrival order.
    conditions: Vec<Condition>,
    /// Every `SO70` mapped to at least one line, once, in arrival order.
    dispositions: Vec<AgencyDisposition>,
    limits: Limits,
    index: Index,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Correlation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// The lines serialized as a sequence of [`LineStatus`].
        struct Lines<'c>(&'c Correlation);
        impl serde::Serialize for Lines<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.lines())
            }
        }
        let mut st = s.serialize_struct("Correlation", 4)?;
        st.serialize_field("batch_user_data", &self.batch_user_data)?;
        st.serialize_field("lines", &Lines(self))?;
        st.serialize_field("responses", &self.responses)?;
        st.serialize_field("unmatched", &self.unmatched)?;
        st.end()
    }
}

/// What one [`Correlation::add_response`] carries along.
struct Pass {
    /// Arrival index of the response.
    index: usize,
    /// SE90 lines already mapped (or reported unmatched): each SE90 counts once.
    seen: BTreeSet<u32>,
    /// SE90s of an `OI` or an anchor, shared by the echoed lines under it, by the line of
    /// that record: the run they are stored at, or `None` when reported unmatched.
    shared: std::collections::HashMap<u32, Option<Run>>,
    /// The summary being built.
    summary: ResponseSummary,
}

impl Pass {
    fn source(&self, line: u32) -> Source {
        Source {
            response: self.summary.name.clone(),
            index: self.index,
            line,
        }
    }
}

impl Correlation {
    /// Indexes the PGA lines of a submission (a parsed `SE` or `AE` transmission), with the
    /// default [`Limits`].
    pub fn new(submission: &Transmission<'_>) -> Correlation {
        Correlation::with_limits(submission, Limits::default())
    }

    /// Indexes the PGA lines of a submission (a parsed `SE` or `AE` transmission): by
    /// address (entry, CBP line, tariff position, agency, PGA line number), by entry, by
    /// certificate and by `PG01` line, once.
    pub fn with_limits(submission: &Transmission<'_>, limits: Limits) -> Correlation {
        Correlation::with_limits_flat(submission.flat(), limits)
    }

    /// [`Correlation::new`] of a submission parsed into the flat tree
    /// ([`crate::FlatTree::parse_with`]), with the default [`Limits`]: what `ace-pga status`
    /// builds.
    ///
    /// ```
    /// use ace_pga::response::{Correlation, Status};
    /// use ace_pga::{FlatTree, ParseOptions};
    /// let submission = std::fs::read("spec-samples/valid/or2-single.txt")?;
    /// let so = std::fs::read("spec-samples/valid/so-status.txt")?;
    /// let mut book = Correlation::new_flat(&FlatTree::parse(&submission)?);
    /// book.add_flat_response("so-status.txt", &FlatTree::parse_with(&so, &ParseOptions::lenient())?);
    /// let line = book.lines().next().expect("one PGA line");
    /// assert_eq!(line.status(), Status::MayProceed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new_flat(submission: &FlatTree<'_>) -> Correlation {
        Correlation::with_limits_flat(submission, Limits::default())
    }

    /// [`Correlation::with_limits`] of a submission parsed into the flat tree
    /// ([`crate::FlatTree::parse_with`]): the same index, without a nested tree. (The limits
    /// are [`crate::response::Limits`], not the parse limits [`crate::Limits`].)
    pub fn with_limits_flat(submission: &FlatTree<'_>, limits: Limits) -> Correlation {
        let submitted: Vec<SubmittedLine> = found_lines(submission)
            .into_iter()
            .map(|f| {
                let pg01 = pg01_of(f.line);
                let nodes = line_nodes(f.line);
                // The child records: every node after the PG01.
                let certificates = nodes
                    .iter()
                    .skip(1)
                    .filter_map(|n| match n.record().body() {
                        Some(Body::Pg14(p)) => text(p.lpco_number),
                        _ => None,
                    })
                    .collect();
                let description = f.group.head().and_then(|n| match n.record().body() {
                    Some(Body::Oi(o)) => text(o.commercial_description),
                    _ => None,
                });
                SubmittedLine {
                    address: f.address,
                    pg01_line: f.line.head().map_or(0, |h| h.record().line()),
                    anchor_line: f.anchor.and_then(|a| a.head()).map(|a| a.record().line()),
                    description,
                    program: pg01.and_then(|p| text(p.program_code)),
                    processing_code: pg01.and_then(|p| text(p.processing_code)),
                    disclaimer: pg01.and_then(|p| text(p.disclaimer_code)),
                    certificates,
                    record_lines: nodes.iter().map(|n| n.record().line()).collect(),
                }
            })
            .collect();
        Correlation {
            batch_user_data: batch_user_data(submission),
            responses: Vec::new(),
            unmatched: Vec::new(),
            index: Index::new(&submitted),
            submitted,
            conditions: Vec::new(),
            dispositions: Vec::new(),
            limits,
        }
    }

    /// The limits the correlation records within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Every submitted PGA line with what the responses say about it, in submission order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = LineStatus<'_>> + DoubleEndedIterator {
        self.submitted
            .iter()
            .enumerate()
            .map(move |(index, line)| LineStatus {
                line,
                index,
                book: self,
            })
    }

    /// The submitted line at `index` (0-based, submission order).
    pub fn line(&self, index: usize) -> Option<LineStatus<'_>> {
        self.submitted.get(index).map(|line| LineStatus {
            line,
            index,
            book: self,
        })
    }

    /// Every `SE90` condition (`SX` responses) mapped to at least one submitted line, each
    /// stored once, in arrival order. Lines refer to them ([`LineStatus::conditions`],
    /// [`LineStatus::cargo_release`]); unmatched ones are in [`Correlation::unmatched`].
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// Every `SO70` disposition (`SO` / `UC` notifications) mapped to at least one
    /// submitted line, each stored once, in arrival order ([`LineStatus::dispositions`]).
    pub fn dispositions(&self) -> &[AgencyDisposition] {
        &self.dispositions
    }

    /// Adds a parsed response (`SX`, `SO`, `UC` …; any mix of `SE90` and `SO70` content) and
    /// maps its records to the submitted lines. `name` labels the response in
    /// [`Source`]s (a file name, a message id).
    ///
    /// Each condition and disposition is stored once; the lines it addresses are found
    /// through the index built by [`Correlation::new`], and each records a reference within
    /// [`Limits`] (what does not fit is counted in [`ResponseSummary::dropped`]).
    pub fn add_response(&mut self, name: &str, response: &Transmission<'_>) -> ResponseSummary {
        self.add_flat_response(name, response.flat())
    }

    /// [`Correlation::add_response`] of a response parsed into the flat tree
    /// ([`crate::FlatTree::parse_with`]): the same mapping, without a nested tree.
    pub fn add_flat_response(&mut self, name: &str, response: &FlatTree<'_>) -> ResponseSummary {
        let user_data = batch_user_data(response);
        let summary = ResponseSummary {
            name: name.to_string(),
            application_ids: response
                .batches()
                .flat_map(|b| b.blocks())
                .filter_map(|b| match b.head().map(|n| n.record().body()) {
                    Some(Some(Body::BlockHeader(h))) => text(h.application_id),
                    _ => None,
                })
                .collect(),
            user_data_matches: match (&self.batch_user_data, &user_data) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            },
            batch_user_data: user_data,
            ..ResponseSummary::default()
        };
        let mut pass = Pass {
            index: self.responses.len(),
            seen: BTreeSet::new(),
            shared: std::collections::HashMap::new(),
            summary,
        };
        let cap = self.limits.cap();

        // 1. Record-level SE90s on echoed PGA lines, their OI and their anchor.
        for f in found_lines(response) {
            let (targets, first) = self.index.echo_targets(&f.address);
            let matched = !targets.is_empty();
            // The echo's k-th record is the submission's k-th record of the line.
            let record_lines = first
                .and_then(|t| self.submitted.get(t))
                .map_or(&[][..], |l| l.record_lines.as_slice());
            let mut own = Vec::new();
            for (k, node) in line_nodes(f.line).into_iter().enumerate() {
                for c in node.conditions() {
                    if let Some(mut cond) =
                        Condition::from_record(&c, pass.source(c.line()), Scope::Line)
                    {
                        cond.after_record = Some(node.record().id().to_string());
                        cond.submitted_line = record_lines.get(k).copied();
                        own.push(cond);
                    }
                }
            }
            let mut runs = vec![self.take(own, matched, &mut pass)];
            if let Some(oi) = f.group.head() {
                let key = (oi.record().line(), Scope::OiGroup);
                runs.push(self.take_shared(&mut pass, key, &[oi], matched));
            }
            if let Some((a, head)) = f.anchor.and_then(|a| Some((a, a.head()?))) {
                // The anchor and its sub-records.
                let nodes: Vec<NodeRef<'_, '_>> = std::iter::once(head)
                    .chain(a.items().filter_map(|i| match i {
                        FlatItem::Record(n) => Some(n),
                        FlatItem::Group(_) => None,
                    }))
                    .collect();
                let key = (head.record().line(), Scope::Anchor);
                runs.push(self.take_shared(&mut pass, key, &nodes, matched));
            }
            for run in runs.into_iter().flatten() {
                pass.summary.dropped += self.index.record_conditions(&targets, run, cap);
            }
        }

        // 2. Per transaction: final SE90s, SO70 dispositions, and SE90s on other records.
        // An SO70 of a status notification (SPEC 3.7) is for the entry of its SO10.
        // (The status notifications of `Tree::status_notifications`: each `SO10` opens one,
        // and the dispositions after it, up to the next `SO10`, are its own.)
        let mut notified: std::collections::HashMap<usize, EntryNumber> =
            std::collections::HashMap::new();
        let mut notification: Option<Option<EntryNumber>> = None;
        for tx in response.transactions() {
            for item in tx.items() {
                match item {
                    FlatItem::Record(n) => {
                        if let Some(h) = n.record().view::<So10>() {
                            notification = Some(h.entry_number().map(|number| EntryNumber {
                                filer: h.entry_filer_code().map(str::to_string),
                                number: number.to_string(),
                            }));
                        }
                    }
                    FlatItem::Group(d) if d.kind() == GroupKind::Disposition => {
                        if let Some(Some(e)) = &notification {
                            notified.insert(d.index(), e.clone());
                        }
                    }
                    FlatItem::Group(_) => {}
                }
            }
        }
        for tx in response.transactions() {
            let mut entry: Option<EntryNumber> = None;
            let mut tx_entry: Option<EntryNumber> = None;
            let mut finals: Vec<Condition> = Vec::new();
            let mut others: Vec<Condition> = Vec::new();
            for item in tx.items() {
                if let FlatItem::Record(n) = item {
                    let r = n.record();
                    let source = pass.source(r.line());
                    if let Some(i) = IgnoredRecord::of(&r, source) {
                        pass.summary.ignored.push(i);
                    }
                    if let Some(e) = entry_of_host(&r) {
                        tx_entry.get_or_insert_with(|| e.clone());
                        entry = Some(e);
                    }
                    let source = pass.source(r.line());
                    if let Some(c) = Condition::from_record(&r, source, Scope::Transaction) {
                        finals.push(c);
                    }
                }
                if let Some((d, so70)) = match item {
                    FlatItem::Group(d) if d.kind() == GroupKind::Disposition => {
                        d.head().map(|h| (d, h.record()))
                    }
                    _ => None,
                } {
                    let details = d.items().filter_map(|i| match i {
                        FlatItem::Record(n) => Some(n.record()),
                        FlatItem::Group(_) => None,
                    });
                    if let Some(mut disp) =
                        AgencyDisposition::from_records(&so70, details, pass.source(so70.line()))
                    {
                        let so10 = notified.get(&d.index());
                        disp.entry = so10
                            .or(entry.as_ref())
                            .cloned()
                            .or_else(|| disp.entry_reference());
                        let (by, ranges) = self.index.disposition_ranges(&disp);
                        if ranges.is_empty() {
                            pass.summary.unmatched += 1;
                            self.unmatched.push(Unmatched::Disposition(Box::new(disp)));
                        } else {
                            pass.summary.dispositions_matched += 1;
                            pass.summary.dropped += match store(&mut self.dispositions, [disp]) {
                                Some(run) => self.index.record_disposition(
                                    (by, &ranges),
                                    run,
                                    cap,
                                    &self.dispositions,
                                ),
                                None => pairs(&ranges, 1),
                            };
                        }
                    }
                }
                for node in item_nodes(item) {
                    for c in node.conditions() {
                        if pass.seen.contains(&c.line()) {
                            continue;
                        }
                        if let Some(mut cond) =
                            Condition::from_record(&c, pass.source(c.line()), Scope::Transaction)
                        {
                            cond.after_record = Some(node.record().id().to_string());
                            pass.seen.insert(c.line());
                            others.push(cond);
                        }
                    }
                }
            }
            // Final SE90s (01/02/03) apply to every line of the transaction's entry.
            if !finals.is_empty() {
                let ranges = self.index.entry_ranges(tx_entry.as_ref());
                if ranges.is_empty() {
                    pass.summary.unmatched += finals.len();
                    self.unmatched
                        .extend(finals.into_iter().map(Unmatched::Condition));
                } else {
                    let n = finals.len();
                    pass.summary.conditions_matched += n;
                    pass.summary.dropped += match store(&mut self.conditions, finals) {
                        Some(run) => self.index.record_cargo_release(&ranges, run, cap),
                        None => pairs(&ranges, n),
                    };
                }
            }
            pass.summary.unmatched += others.len();
            self.unmatched
                .extend(others.into_iter().map(Unmatched::Condition));
        }
        self.index.flush();
        self.responses.push(pass.summary.clone());
        pass.summary
    }

    /// Counts and keeps conditions met for the first time in this response: reported
    /// unmatched when the echoed line matches no submitted line, else stored (each once);
    /// returns where they are stored.
    fn take(&mut self, conds: Vec<Condition>, matched: bool, pass: &mut Pass) -> Option<Run> {
        let mut keep = Vec::new();
        for cond in conds {
            let first = pass.seen.insert(cond.source.line);
            if !matched {
                if first {
                    pass.summary.unmatched += 1;
                    self.unmatched.push(Unmatched::Condition(cond));
                }
                continue;
            }
            if first {
                pass.summary.conditions_matched += 1;
            }
            keep.push(cond);
        }
        if !matched || keep.is_empty() {
            return None;
        }
        let n = keep.len();
        let rejection = keep.iter().position(Condition::is_rejection);
        let Some(span) = store(&mut self.conditions, keep) else {
            pass.summary.dropped += n as u64;
            return None;
        };
        Some(Run {
            span,
            rejection: rejection
                .and_then(|k| u32::try_from(k).ok())
                .map(|k| span.start + k),
        })
    }

    /// [`Correlation::take`] for the SE90s on an `OI`, or on an HTS anchor and its
    /// sub-records (`nodes`; `key`: the line of the first one and the scope), which every
    /// echoed line under it shares: built and stored once per response.
    fn take_shared(
        &mut self,
        pass: &mut Pass,
        (key, scope): (u32, Scope),
        nodes: &[NodeRef<'_, '_>],
        matched: bool,
    ) -> Option<Run> {
        match pass.shared.get(&key) {
            Some(Some(run)) => return Some(*run),
            Some(None) if !matched => return None,
            _ => {}
        }
        let mut conds = Vec::new();
        for node in nodes {
            for c in node.conditions() {
                if let Some(mut cond) = Condition::from_record(&c, pass.source(c.line()), scope) {
                    cond.after_record = Some(node.record().id().to_string());
                    conds.push(cond);
                }
            }
        }
        let run = self.take(conds, matched, pass);
        // Once stored (or found empty) for a matched line, later lines reuse the run.
        let state = matched.then(|| run.unwrap_or_default());
        pass.shared.insert(key, state);
        run
    }

    /// The lines whose `PG14` carries `certificate` (compared verbatim, surrounding spaces
    /// ignored), in submission order.
    pub fn by_certificate(&self, certificate: &str) -> Vec<LineStatus<'_>> {
        self.index
            .certificates
            .get(certificate.trim())
            .map(|v| v.iter().filter_map(|&i| self.line(i)).collect())
            .unwrap_or_default()
    }

    /// The line whose `PG01` is at `pg01_line` in the submission.
    pub fn by_pg01_line(&self, pg01_line: u32) -> Option<LineStatus<'_>> {
        self.index
            .pg01_lines
            .get(&pg01_line)
            .and_then(|&i| self.line(i))
    }
}
