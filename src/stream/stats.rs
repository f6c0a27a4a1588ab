//! Counts over a transmission (what `ace-pga stats` prints): batches, blocks, transactions,
//! OI groups, PGA lines by agency and program, certificate references by kind, records by
//! identifier and parse problems by severity. Feed it whole transmissions or the units of a
//! [`crate::stream::StreamReader`].

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc;

use crate::error::Problem;
use crate::error::Severity;
use crate::options::ParseOptions;
use crate::profile::ams_or::{each_certificate_number, LineSource};
use crate::records::{Pg01, Record, RecordType};
use crate::stream::{Chunk, ChunkReader};
use crate::transmission::Transmission;
use crate::tree::FlatTree;

/// Accumulated counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Stats {
    /// Bytes of input.
    pub bytes: u64,
    /// Records.
    pub records: u64,
    /// `A` records.
    pub batches: u64,
    /// `B` records.
    pub blocks: u64,
    /// Transaction start records (`SE10`, `10`).
    pub transactions: u64,
    /// `OI` records.
    pub oi_groups: u64,
    /// PGA lines (`PG01`) by `"AGENCY PROGRAM"`, e.g. `"AMS OR"`.
    pub pga_lines: BTreeMap<String, u64>,
    /// AMS OR lines by message type (`OR1`, `OR2`, `OR` for disclaimed lines).
    pub organic_lines: BTreeMap<String, u64>,
    /// Certificate references of AMS OR lines by kind (`nop_import_certificate`,
    /// `special_code`, `other`).
    pub certificate_refs: BTreeMap<String, u64>,
    /// Records by identifier.
    pub records_by_id: BTreeMap<String, u64>,
    /// Parse problems that are errors.
    pub parse_errors: u64,
    /// Parse problems that are warnings.
    pub parse_warnings: u64,
    /// The whole-input problem that made the parse fail (F-020 empty input, F-021 EBCDIC,
    /// F-023 not a CATAIR transmission, the input-length limit), or the first limit that
    /// stopped the parse of a chunk (records per PGA line, PGA lines per OI): [`collect`]
    /// then counts the rest of the input in [`Self::bytes`] only, as a whole-input parse
    /// reports one problem and no record; the counts are not to be used. Not serialized.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub whole_input: Option<crate::Problem>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

impl Stats {
    /// Adds the counts of a parsed transmission (or stream unit) of `bytes` bytes.
    pub fn add(&mut self, t: &Transmission<'_>, bytes: usize) {
        self.add_flat(t.flat(), bytes);
    }

    /// [`Self::add`] of a flat tree (the same counts: the two trees hold the same records in
    /// the same groups).
    pub fn add_flat(&mut self, t: &FlatTree<'_>, bytes: usize) {
        self.count(bytes, t.problems(), t.records(), t.pga_lines());
    }

    /// The counts of `records` (in input order) and the PGA lines `lines`, of `bytes` bytes
    /// whose parse found `problems`.
    fn count<'a, R: Borrow<Record<'a>>, L: LineSource<'a>>(
        &mut self,
        bytes: usize,
        problems: &[Problem],
        records: impl Iterator<Item = R>,
        lines: impl Iterator<Item = L>,
    ) {
        self.bytes += bytes as u64;
        for p in problems {
            match p.severity {
                Severity::Error => self.parse_errors += 1,
                Severity::Warning => self.parse_warnings += 1,
            }
        }
        // Per-identifier counts in a small local table first (few distinct ids per input),
        // keyed by the identifier's (at most 4) bytes packed into an integer; the entry hit
        // last is tried first (records come in runs: PG19, PG20, PG21 …).
        let mut ids: Vec<(u64, &str, u64)> = Vec::new();
        let mut last = 0usize;
        // Records of a layout sent with the layout's own identifier: counted by type.
        let mut by_type: [(Option<&'static str>, u64); 64] = [(None, 0); 64];
        for r in records {
            let r = r.borrow();
            let id = r.id_bytes();
            let same_id = |l: &&crate::layout::RecordLayout| {
                let want = l.id.as_bytes();
                want.len() == id.len() && want.iter().zip(id).all(|(a, b)| a == b)
            };
            if let Some(l) = r.record_type().layout().filter(same_id) {
                if let Some(slot) = by_type.get_mut(r.record_type() as usize) {
                    slot.0 = Some(l.id);
                    slot.1 += 1;
                    match r.record_type() {
                        RecordType::BatchHeader => self.batches += 1,
                        RecordType::BlockHeader => self.blocks += 1,
                        RecordType::Oi => self.oi_groups += 1,
                        _ => {}
                    }
                    continue;
                }
            }
            let key = id
                .iter()
                .fold(id.len() as u64, |k, &b| (k << 8) | u64::from(b));
            match ids.get_mut(last) {
                Some((k, _, n)) if *k == key => *n += 1,
                _ => match ids.iter().position(|(k, _, _)| *k == key) {
                    Some(i) => {
                        last = i;
                        if let Some((_, _, n)) = ids.get_mut(i) {
                            *n += 1;
                        }
                    }
                    None => {
                        last = ids.len();
                        ids.push((key, r.id(), 1));
                    }
                },
            }
            match r.record_type() {
                RecordType::BatchHeader => self.batches += 1,
                RecordType::BlockHeader => self.blocks += 1,
                RecordType::Oi => self.oi_groups += 1,
                RecordType::Host if crate::records::host::starts_transaction(r.raw()) => {
                    self.transactions += 1
                }
                _ => {}
            }
        }
        let by_type = by_type.iter().filter_map(|&(id, n)| Some((0, id?, n)));
        for (_, id, n) in ids.into_iter().chain(by_type) {
            self.records += n;
            match self.records_by_id.get_mut(id) {
                Some(c) => *c += n,
                None => {
                    self.records_by_id.insert(id.to_string(), n);
                }
            }
        }
        let mut key = String::new();
        for line in lines {
            if let Some(p) = line.pg01().and_then(|r| r.view::<Pg01>()) {
                key.clear();
                key.push_str(p.agency_code().unwrap_or("?"));
                key.push(' ');
                key.push_str(p.program_code().unwrap_or("?"));
                bump(&mut self.pga_lines, &key);
            }
            let refs = &mut self.certificate_refs;
            let organic = each_certificate_number(&line, |number| {
                bump(refs, number.kind());
            });
            if let Some(message_type) = organic {
                bump(&mut self.organic_lines, &message_type.as_str());
            }
        }
    }

    /// Adds the counts of one parse result of `bytes` bytes: the transmission's counts, or
    /// for a whole-input failure its problems as parse errors.
    pub fn add_result(
        &mut self,
        result: &Result<Transmission<'_>, crate::ParseError>,
        bytes: usize,
    ) {
        match result {
            Ok(t) => self.add(t, bytes),
            Err(e) => self.add_failure(e, bytes),
        }
    }

    /// [`Self::add_result`] of a parse into the flat tree.
    pub fn add_flat_result(
        &mut self,
        result: &Result<FlatTree<'_>, crate::ParseError>,
        bytes: usize,
    ) {
        match result {
            Ok(t) => self.add_flat(t, bytes),
            Err(e) => self.add_failure(e, bytes),
        }
    }

    /// A parse of `bytes` bytes failed as a whole with `e`: its problems count as parse
    /// errors, the first one that fails the whole collection is kept.
    fn add_failure(&mut self, e: &crate::ParseError, bytes: usize) {
        self.bytes += bytes as u64;
        self.parse_errors += e.problems.len() as u64;
        if self.whole_input.is_none() {
            // A limit stops the parse of the chunk: its records are not counted, so the
            // counts would be wrong; it fails the whole collection.
            self.whole_input = e
                .first()
                .filter(|p| {
                    p.location.line.is_none()
                        || matches!(p.kind, crate::ProblemKind::LimitExceeded { .. })
                })
                .cloned();
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &Stats) {
        self.bytes += other.bytes;
        self.records += other.records;
        self.batches += other.batches;
        self.blocks += other.blocks;
        self.transactions += other.transactions;
        self.oi_groups += other.oi_groups;
        self.parse_errors += other.parse_errors;
        self.parse_warnings += other.parse_warnings;
        if self.whole_input.is_none() {
            self.whole_input.clone_from(&other.whole_input);
        }
        for (dst, src) in [
            (&mut self.pga_lines, &other.pga_lines),
            (&mut self.organic_lines, &other.organic_lines),
            (&mut self.certificate_refs, &other.certificate_refs),
            (&mut self.records_by_id, &other.records_by_id),
        ] {
            for (k, v) in src {
                *dst.entry(k.clone()).or_insert(0) += v;
            }
        }
    }
}

/// Counts a whole input read from `reader` with bounded memory: the input is read in chunks
/// of about 1 MiB ([`ChunkReader`]), each parsed (flat tree, organic certificate summary) and
/// counted on one of `threads` worker threads (at most [`MAX_THREADS`]; fewer when the system
/// refuses more) while the calling thread reads on. Counts do not depend on `threads`.
/// Memory: about `threads` × 3 chunks and their trees.
///
/// The counts equal those of a whole-input parse, with these documented exceptions: a line
/// longer than four chunk targets is counted in pieces (one record each); a PGA line longer
/// than a chunk (more than [`crate::stream::MAX_CHUNK_RECORDS`] records, or about 4 MiB)
/// is split, so its later records count outside it and the `max_records_per_pga_line`
/// limit is not seen; input whose first 64 KiB hold no CR or LF is framed as terminator-less
/// throughout; mixed-terminator warnings are counted per chunk. When the start of the input
/// fails as a whole (empty, EBCDIC, not a CATAIR transmission: [`Stats::whole_input`]), the
/// rest is not parsed, only counted in bytes.
///
/// # Errors
/// The first read error of `reader` (counts so far are dropped).
pub fn collect<R: Read>(reader: R, opts: &ParseOptions, threads: usize) -> io::Result<Stats> {
    let mut total = collect_chunks(reader, opts, threads.clamp(1, MAX_THREADS))?;
    if total.bytes == 0 {
        // No chunk at all: count what a whole-input parse reports (F-020, empty input).
        total.add_flat_result(&FlatTree::parse_with(&[], opts), 0);
    }
    Ok(total)
}

/// Most worker threads [`collect`] starts (more are clamped to this).
pub const MAX_THREADS: usize = 64;

fn collect_chunks<R: Read>(reader: R, opts: &ParseOptions, threads: usize) -> io::Result<Stats> {
    let mut chunks = ChunkReader::new(reader);
    // The first chunk on this thread: when the input's start fails as a whole (F-020,
    // F-021, F-023), the rest is counted in bytes only.
    let mut first = Stats::default();
    match chunks.next() {
        None => return Ok(first),
        Some(chunk) => {
            let chunk = chunk?;
            first.add_flat_result(&chunk.parse_flat(opts), chunk.bytes.len());
        }
    }
    if first.whole_input.is_some() {
        for chunk in chunks {
            first.bytes += chunk?.bytes.len() as u64;
        }
        return Ok(first);
    }
    let mut total = collect_rest(chunks, opts, threads)?;
    total.merge(&first);
    Ok(total)
}

fn collect_rest<R: Read>(
    chunks: ChunkReader<R>,
    opts: &ParseOptions,
    threads: usize,
) -> io::Result<Stats> {
    if threads <= 1 {
        let mut total = Stats::default();
        for chunk in chunks {
            let chunk = chunk?;
            total.add_flat_result(&chunk.parse_flat(opts), chunk.bytes.len());
        }
        return Ok(total);
    }
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(threads);
        let mut workers = Vec::with_capacity(threads);
        for i in 0..threads {
            let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
            let spawned = std::thread::Builder::new()
                .name(format!("ace-pga-stats-{i}"))
                .spawn_scoped(scope, move || {
                    let mut part = Stats::default();
                    for chunk in rx {
                        part.add_flat_result(&chunk.parse_flat(opts), chunk.bytes.len());
                    }
                    part
                });
            match spawned {
                Ok(w) => {
                    senders.push(tx);
                    workers.push(w);
                }
                // The system refused another thread: go on with those started.
                Err(_) if !workers.is_empty() => break,
                Err(e) => return Err(e),
            }
        }
        let mut failure = None;
        for (chunk, tx) in chunks.zip(senders.iter().cycle()) {
            match chunk {
                Ok(c) => {
                    if tx.send(c).is_err() {
                        failure = Some(io::Error::other("a counting thread stopped"));
                        break;
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(senders);
        let mut total = Stats::default();
        for w in workers {
            match w.join() {
                Ok(part) => total.merge(&part),
                Err(_) => {
                    failure.get_or_insert_with(|| io::Error::other("a counting thread failed"));
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(total),
        }
    })
}
