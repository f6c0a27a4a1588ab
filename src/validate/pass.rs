//! The fused driver of [`super::validate`] (issue 13 item 3): one walk over the tree, batch
//! by batch, block by block and window by window of transactions, each rule family's step
//! run on a window while its records are in cache, then the block's and the batch's closing
//! steps.
//!
//! Why the report is the report of the families run one after another over the whole
//! tree: a report is sorted by [`super::Finding::report_order`] (line, family, columns,
//! rule), ties broken by emission number, and `max_findings` keeps the first in that order.
//! Findings of different families never tie, so interleaving the families changes
//! nothing; within a family, the steps emit the findings of each record in the order the
//! whole-tree walk emits them (a family's findings on different lines never tie either).

use super::envelope::{self, EnvelopeBlock};
use super::field::FieldPass;
use super::host::HostBlock;
use super::organic::{CertificateHts, OrganicPass};
use super::structure::StructurePass;
use super::Sink;
use crate::records::Record;
use crate::tree::{FlatTree, GroupRef, NodeRef};

/// The records of a window of transactions, read from the tree once: the record at index
/// `i` of the tree is `records[i - base]` (the transactions of a block are contiguous).
/// Empty: every record is read from the tree.
#[derive(Clone, Copy, Default)]
pub(super) struct Window<'w, 'a> {
    records: &'w [Record<'a>],
    base: usize,
}

impl<'a> Window<'_, 'a> {
    /// The record of `n`.
    #[inline]
    pub(super) fn record(&self, n: NodeRef<'_, 'a>) -> Record<'a> {
        match self.records.get(n.index().wrapping_sub(self.base)) {
            Some(r) => *r,
            None => n.record(),
        }
    }

    /// The record that opens `g` (see [`GroupRef::head`]), or an empty record.
    #[inline]
    pub(super) fn head(&self, g: GroupRef<'_, 'a>) -> Record<'a> {
        g.head().map_or_else(Record::empty, |h| self.record(h))
    }
}

/// At most this many records of a window are read from the tree once and shared by the
/// families ([`Window`]); a larger window (a huge transaction) is read by each family.
const WINDOW_RECORDS: usize = 1 << 16;

/// Transactions per window: the families' steps run on this many transactions at a time
/// (measured: see BENCHMARKS.md, issue 13, fused validation).
pub(super) const WINDOW: usize = 32;

/// Which families beside F, S and OR a [`run`] runs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Families {
    /// The E rules.
    pub(super) envelope: bool,
    /// The H rules.
    pub(super) host: bool,
}

impl Families {
    /// Every family ([`super::validate`]).
    pub(super) const ALL: Families = Families {
        envelope: true,
        host: true,
    };
    /// F, S and OR: what one piece of a stream decides on its own
    /// ([`super::PieceChecks::records`]).
    pub(super) const PIECE: Families = Families {
        envelope: false,
        host: false,
    };
}

/// The rule families `families` over the flat tree `t` (parsed with `lenient_numeric`) in
/// one walk, `window` transactions at a time (at least 1), with OR-018's certificates filed
/// before in `cert_hts`.
pub(super) fn run(
    t: &FlatTree<'_>,
    lenient_numeric: bool,
    sink: &mut Sink<'_>,
    window: usize,
    families: Families,
    cert_hts: &mut CertificateHts,
) {
    run_windowed(
        t,
        lenient_numeric,
        sink,
        (window, WINDOW_RECORDS),
        families,
        cert_hts,
    );
}

/// [`run`] with the window's records shared up to `window_records` records.
fn run_windowed(
    t: &FlatTree<'_>,
    lenient_numeric: bool,
    sink: &mut Sink<'_>,
    (window, window_records): (usize, usize),
    families: Families,
    cert_hts: &mut CertificateHts,
) {
    let window = window.max(1);
    let mut field = FieldPass::begin(t.problems(), lenient_numeric, sink);
    if families.envelope {
        envelope::begin(t, sink);
    }
    let mut structure = StructurePass::default();
    let mut organic = OrganicPass::new(sink.opts.as_of);
    let mut seen_batch = false;
    let mut txs = Vec::with_capacity(window.min(WINDOW));
    // The records of the window's transactions, read from the tree once for the F, E and H
    // rules (the transactions of a block are contiguous: one run of records).
    let mut records: Vec<Record<'_>> = Vec::new();
    for batch in t.batches() {
        node(&mut field, batch.head(), sink);
        let a_app = if families.envelope {
            envelope::batch_begin(batch, &mut seen_batch, sink)
        } else {
            None
        };
        let mut blocks = batch.blocks().peekable();
        while let Some(block) = blocks.next() {
            node(&mut field, block.head(), sink);
            let next = blocks.peek().copied();
            let mut env = families
                .envelope
                .then(|| EnvelopeBlock::begin(batch, next, block, a_app, sink));
            let mut host = if families.host {
                HostBlock::begin(block)
            } else {
                None
            };
            let mut all = block.transactions();
            loop {
                txs.clear();
                txs.extend(all.by_ref().take(window));
                if txs.is_empty() {
                    break;
                }
                records.clear();
                let base = txs.first().map_or(0, |tx| tx.range().start);
                let end = txs.last().map_or(0, |tx| tx.range().end);
                // Read once when the window is small (a huge transaction is read from the
                // tree by each family instead of being held a second time, 40 bytes a
                // record).
                let cached = end.saturating_sub(base) <= window_records;
                if cached {
                    for tx in &txs {
                        records.extend(tx.records());
                    }
                }
                let of = |tx: &GroupRef<'_, '_>| {
                    let r = tx.range();
                    records
                        .get(r.start.saturating_sub(base)..r.end.saturating_sub(base))
                        .unwrap_or_default()
                };
                // The cached and the uncached reads are written out twice on purpose: one
                // loop over an enum of the two iterators made validation 15 % slower
                // (`perf_probe vratio`, 1 MB, medians of 41 rounds: 860-882 against
                // 1,002-1,008 µs, session 15).
                if cached {
                    for r in &records {
                        field.record(r, sink);
                    }
                } else {
                    for tx in &txs {
                        for r in tx.records() {
                            field.record(&r, sink);
                        }
                    }
                }
                // The window's records stand for the tree's when the transactions are
                // contiguous (always, in a tree the builder made).
                let contiguous = txs.windows(2).all(|w| match w {
                    [a, b] => a.range().end == b.range().start,
                    _ => true,
                }) && end == base + records.len();
                let window = if cached && contiguous {
                    Window {
                        records: &records,
                        base,
                    }
                } else {
                    Window::default()
                };
                if let Some(env) = env.as_mut() {
                    for tx in &txs {
                        if cached {
                            env.transaction(*tx, of(tx), sink);
                        } else {
                            env.transaction(*tx, tx.records(), sink);
                        }
                    }
                }
                for tx in &txs {
                    structure.transaction(*tx, window, sink);
                }
                if let Some(host) = host.as_mut() {
                    for tx in &txs {
                        if cached {
                            host.transaction(of(tx), sink);
                        } else {
                            host.transaction(tx.records(), sink);
                        }
                    }
                }
                for tx in &txs {
                    organic.transaction(*tx, window, cert_hts, sink);
                }
            }
            node(&mut field, block.tail(), sink);
            if let Some(env) = env {
                env.end(block, sink);
            }
        }
        node(&mut field, batch.tail(), sink);
    }
}

/// The F rules of an envelope node and its conditions, as the tree's walk visits them.
fn node(field: &mut FieldPass, n: Option<NodeRef<'_, '_>>, sink: &mut Sink<'_>) {
    if let Some(n) = n {
        field.record(&n.record(), sink);
        for c in n.conditions() {
            field.record(&c, sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::{envelope, field, host, organic, samples, structure, TariffFlag};
    use super::*;
    use crate::options::ParseOptions;
    use crate::validate::{Report, ValidateOptions};

    /// The findings of the five families (F, E, S, H, OR) run one after another, each over
    /// the whole tree (what `validate` ran before the fused driver), those of `only`.
    fn one_by_one(t: &FlatTree<'_>, opts: &ValidateOptions, only: [bool; 5]) -> Report {
        let mut sink = Sink::new(opts);
        let families: [fn(&FlatTree<'_>, &mut Sink<'_>); 5] = [
            |t, sink| field::check(t, true, sink),
            envelope::check,
            structure::check,
            host::check,
            organic::check,
        ];
        for (i, family) in families.iter().enumerate() {
            if only.get(i) == Some(&true) {
                family(t, &mut sink);
            }
        }
        sink.into_report()
    }

    fn fused(
        t: &FlatTree<'_>,
        opts: &ValidateOptions,
        window: usize,
        families: Families,
    ) -> Report {
        let mut sink = Sink::new(opts);
        // Every other window's records read by each family (as a huge transaction's are).
        let records = if window % 2 == 0 { WINDOW_RECORDS } else { 0 };
        let mut certificates = HashMap::new();
        run_windowed(
            t,
            true,
            &mut sink,
            (window, records),
            families,
            &mut certificates,
        );
        sink.into_report()
    }

    /// `data` with the records between its first `B` and the next `Y` written `n` times (a
    /// block of many transactions).
    fn repeat_block(data: &[u8], n: usize) -> Vec<u8> {
        let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
        let Some(b) = lines.iter().position(|l| l.starts_with(b"B")) else {
            return data.to_vec();
        };
        let Some(y) = lines
            .iter()
            .skip(b)
            .position(|l| l.starts_with(b"Y"))
            .map(|y| y + b)
        else {
            return data.to_vec();
        };
        let mut out = Vec::new();
        for l in lines.get(..=b).unwrap_or_default() {
            out.extend_from_slice(l);
        }
        for _ in 0..n {
            for l in lines.get(b + 1..y).unwrap_or_default() {
                out.extend_from_slice(l);
            }
        }
        for l in lines.get(y..).unwrap_or_default() {
            out.extend_from_slice(l);
        }
        out
    }

    /// Every anchor's HTS number flagged, AM7 and AM8 in turn (OR-010, OR-011 run).
    fn flag_every_hts(t: &FlatTree<'_>) -> HashMap<String, TariffFlag> {
        let mut flags = HashMap::new();
        for r in t.records() {
            if let Some(h) = organic::hts_number(&r) {
                let flag = if flags.len() % 2 == 0 {
                    TariffFlag::Am8
                } else {
                    TariffFlag::Am7
                };
                flags.entry(h.to_string()).or_insert(flag);
            }
        }
        flags
    }

    /// The fused driver gives the report of the families run one by one over the whole
    /// tree, whatever the window and `max_findings`, and each family's findings are those
    /// it gives alone, in the same order: on every sample, on samples whose first block is
    /// repeated (many transactions per block), on all samples in one input (several
    /// batches), each also with seeded byte changes, with and without tariff flags.
    #[test]
    fn fused_driver_reports_what_the_families_report_one_by_one() {
        let files = samples::files();
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for f in &files {
            inputs.push(f.clone());
            inputs.push(repeat_block(f, 35));
        }
        inputs.push(files.concat());
        let palette = [b' ', b'A', b'9', 0xC3, 0x09, b'a', b'-', b'Y', b'B'];
        let mut seed = 13u64;
        let mut compared = 0usize;
        let mut findings = 0usize;
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default();
        for base in inputs {
            for variant in 0..3 {
                let mut data = base.clone();
                for _ in 0..variant * 6 {
                    seed = samples::next_seed(seed);
                    let i = (seed >> 20) as usize % data.len().max(1);
                    if let Some(c) = data.get_mut(i) {
                        if *c != b'\n' {
                            *c = palette[(seed >> 50) as usize % palette.len()];
                        }
                    }
                }
                let Ok(t) = FlatTree::parse_with(&data, &ParseOptions::lenient()) else {
                    continue;
                };
                for flags in [false, true] {
                    let mut opts = ValidateOptions::new(as_of);
                    if flags {
                        opts.tariff_flags = Some(flag_every_hts(&t));
                    }
                    for max in [0, 1, 40, 100_000] {
                        opts.max_findings = max;
                        let expected = one_by_one(&t, &opts, [true; 5]);
                        let piece = one_by_one(&t, &opts, [true, false, true, false, true]);
                        for window in [1, 3, 32, usize::MAX] {
                            let all = fused(&t, &opts, window, Families::ALL);
                            assert_eq!(all, expected, "window {window}");
                            let fsor = fused(&t, &opts, window, Families::PIECE);
                            assert_eq!(fsor, piece, "window {window}");
                        }
                        compared += 1;
                        if max == 100_000 {
                            findings += expected.findings.len();
                            for family in 0..5 {
                                let mut only = [false; 5];
                                if let Some(o) = only.get_mut(family) {
                                    *o = true;
                                }
                                let alone = one_by_one(&t, &opts, only);
                                let name = ["F", "E", "S", "H", "OR"][family];
                                let of_family: Vec<_> = expected
                                    .findings
                                    .iter()
                                    .filter(|f| f.rule.family() == name)
                                    .collect();
                                assert_eq!(of_family, alone.findings.iter().collect::<Vec<_>>());
                            }
                        }
                    }
                }
            }
        }
        assert!(compared > 400, "{compared}");
        assert!(findings > 10_000, "{findings}");
    }
}
