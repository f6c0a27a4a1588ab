//! Counts over a transmission (what `ace-pga stats` prints): batches, blocks, transactions,
//! OI groups, PGA lines by agency and program, certificate references by kind, records by
//! identifier and parse problems by severity. Feed it whole transmissions or the units of a
//! [`crate::stream::StreamReader`].

use std::collections::BTreeMap;

use crate::error::Severity;
use crate::profile::ams_or::OrganicLine;
use crate::records::{Body, RecordType};
use crate::Transmission;

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
        self.bytes += bytes as u64;
        for p in &t.problems {
            match p.severity {
                Severity::Error => self.parse_errors += 1,
                Severity::Warning => self.parse_warnings += 1,
            }
        }
        // Per-identifier counts in a small local table first (few distinct ids per input).
        // Keys: the identifier's (at most 4) bytes packed into an integer.
        let mut ids: Vec<(u64, &str, u64)> = Vec::new();
        t.tree.for_each_record(|r| {
            self.records += 1;
            let id = r.id();
            let key = id
                .bytes()
                .fold(id.len() as u64, |k, b| (k << 8) | u64::from(b));
            match ids.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, n)) => *n += 1,
                None => ids.push((key, id, 1)),
            }
            match r.record_type {
                RecordType::BatchHeader => self.batches += 1,
                RecordType::BlockHeader => self.blocks += 1,
                RecordType::Oi => self.oi_groups += 1,
                RecordType::Host if matches!(r.id(), "SE10" | "10") => self.transactions += 1,
                _ => {}
            }
        });
        for (_, id, n) in ids {
            match self.records_by_id.get_mut(id) {
                Some(c) => *c += n,
                None => {
                    self.records_by_id.insert(id.to_string(), n);
                }
            }
        }
        let mut key = String::new();
        for line in t.tree.pga_lines() {
            if let Some(Body::Pg01(p)) = line.pg01.record.body() {
                key.clear();
                key.push_str(p.agency_code.unwrap_or("?"));
                key.push(' ');
                key.push_str(p.program_code.unwrap_or("?"));
                bump(&mut self.pga_lines, &key);
            }
            if let Some((message_type, certificates)) = OrganicLine::certificates_of(line) {
                bump(&mut self.organic_lines, &message_type.as_str());
                for c in &certificates {
                    bump(&mut self.certificate_refs, c.number.kind());
                }
            }
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
