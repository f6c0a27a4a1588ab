//! Validation (SPEC 6): rule families F (bytes, fields, framing), S (structure and order),
//! E (envelope), H (host transactions, SPEC 6.3a) and OR (AMS organic profile). Parsing is not validating: the validator takes
//! a parsed [`Transmission`] (with its parse problems) and returns a [`Report`] of every
//! finding in one pass, each with rule id, severity, rule-set version, record, line, byte
//! columns, CBP error code and a message that says what is wrong and what would be right.
//!
//! Rule data (code lists, dated rules) comes from `spec/codes/*.csv`, compiled in; the rule
//! catalogue is [`RULES`] (kept in [`crate::error::rules`], below the parser, which names
//! rules too; re-exported here), its ids [`RuleId`]. Severities are defaults:
//! [`ValidateOptions::set_level`] overrides any rule (error, warning, off) and opt-in rules
//! are off unless enabled ([`ValidateOptions::enable`]).
//!
//! Entry points: [`validate`] (a parsed transmission), [`check_bytes`] (bytes, whole-input
//! parse failures as findings) and `BuiltTransmission::validate` (a transmission built with
//! [`crate::compose`], which never validates by itself). A [`Finding`] and a [`Report`]
//! serialize (feature `serde`) to the JSON of `ace-pga check --format json`, whose whole
//! document is a [`CheckDocument`].

mod envelope;
mod field;
mod host;
mod organic;
mod pass;
mod structure;
mod unit;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;

pub use crate::error::rules::{retired, rule, Rule, RuleId, RuleIdError, RETIRED, RULES};
use crate::error::{Location, Severity};
use crate::options::ParseOptions;
use crate::records::Record;
use crate::transmission::Transmission;
pub(crate) use unit::{
    block_app as unit_block_app, has_se10 as unit_has_se10, host_header as unit_host_header,
    limit_finding, EnvelopeTracker, Found, PieceChecks,
};

/// Rule-set version of the F, S and E rules (layout edition).
pub const PGA_RULESET: &str = "pga-2026-07";
/// Rule-set version of the OR rules (AMS profile edition).
pub const AMS_RULESET: &str = "ams-2025-07";

/// The "Since" date of SPEC 6.4 for rules that do not apply to filings before it (rules
/// whose severity changes on a date handle the date themselves: OR-004, OR-007, OR-010).
pub fn since(id: RuleId) -> Option<NaiveDate> {
    let (y, m, d) = match id {
        RuleId::OR_001 | RuleId::OR_006 | RuleId::OR_018 => (2024, 3, 19),
        RuleId::OR_005 => (2024, 9, 13),
        RuleId::OR_008 | RuleId::OR_020 => (2024, 9, 1),
        RuleId::OR_021 => (2024, 9, 19),
        RuleId::OR_024 => (2024, 1, 1),
        RuleId::OR_009 => (2025, 10, 1),
        RuleId::OR_011 => (2026, 2, 13),
        // "2025-07 guide": the AMS supplemental guide 07-2025, taken as 2025-07-01 (the date
        // codes/ams-disclaimer-rules.csv uses for the same edition).
        RuleId::OR_015 | RuleId::OR_016 => (2025, 7, 1),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// What a caller sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warning,
    /// Do not report.
    Off,
}

impl Level {
    /// `"error"`, `"warning"` or `"off"`, as `--rule ID=LEVEL` takes them.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Off => "off",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = crate::error::ParseNameError;
    /// `error`, `warning` or `off`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Level::Error),
            "warning" => Ok(Level::Warning),
            "off" => Ok(Level::Off),
            _ => Err(crate::error::ParseNameError {
                what: "rule level",
                given: s.to_string(),
                expected: "error, warning, off",
            }),
        }
    }
}

/// An AMS tariff flag of an HTS number (SPEC OR-010, `codes/ams-tariff-flags.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TariffFlag {
    /// `AM7`: organic data may be filed.
    Am7,
    /// `AM8`: organic data must be filed.
    Am8,
}

/// Today's date (UTC) from the system clock: the default as-of date of callers that have
/// no filing date.
pub fn today_utc() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_days(chrono::Days::new(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Validation options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// The as-of (filing) date every dated rule uses.
    pub as_of: NaiveDate,
    /// Per-rule severity overrides ([`Self::set_level`]).
    levels: HashMap<RuleId, Level>,
    /// Opt-in rules to run ([`Self::enable`]).
    enabled: Vec<RuleId>,
    /// AMS tariff flags per HTS number (10 digits). `Some` turns on OR-010 and OR-011.
    pub tariff_flags: Option<HashMap<String, TariffFlag>>,
    /// Departure date of the shipment (OR-020).
    pub departure_date: Option<NaiveDate>,
    /// Whether the importer / recipient is NOP-certified (OR-021).
    pub importer_certified: Option<bool>,
    /// At most this many findings are returned: the first ones in report order
    /// ([`Finding::report_order`]); the report's counts still cover every finding (default
    /// 100 000; `ace-pga check --max-findings N`).
    pub max_findings: usize,
}

impl ValidateOptions {
    /// Default options for a filing on `as_of`.
    pub fn new(as_of: NaiveDate) -> Self {
        ValidateOptions {
            as_of,
            levels: HashMap::new(),
            enabled: Vec::new(),
            tariff_flags: None,
            departure_date: None,
            importer_certified: None,
            max_findings: 100_000,
        }
    }

    /// Sets rule `id` to `level`: report it as an error or a warning whatever its default
    /// severity (an opt-in rule set to a severity runs), or switch it off
    /// (`ace-pga check --rule ID=LEVEL`). Switching F-023 off also turns the parser's
    /// detection of input that is not CATAIR off ([`check_bytes`]).
    ///
    /// # Errors
    /// [`RuleIdError::NotARule`] for [`RuleId::LIMIT`] (a parse limit is always an error).
    pub fn set_level(&mut self, id: RuleId, level: Level) -> Result<&mut Self, RuleIdError> {
        Self::catalogued(id)?;
        self.levels.insert(id, level);
        Ok(self)
    }

    /// Runs the opt-in rule `id` (`ace-pga check --enable ID`); enabling a rule that runs
    /// by default ([`Rule::opt_in`] false) changes nothing.
    ///
    /// # Errors
    /// [`RuleIdError::NotARule`] for [`RuleId::LIMIT`].
    pub fn enable(&mut self, id: RuleId) -> Result<&mut Self, RuleIdError> {
        Self::catalogued(id)?;
        if !self.enabled.contains(&id) {
            self.enabled.push(id);
        }
        Ok(self)
    }

    /// The level rule `id` was set to with [`Self::set_level`], if any.
    pub fn level(&self, id: RuleId) -> Option<Level> {
        self.levels.get(&id).copied()
    }

    /// Whether rule `id` runs: not switched off, and enabled or set to a severity if it is
    /// opt-in. `false` for [`RuleId::LIMIT`], which is not a rule.
    pub fn runs(&self, id: RuleId) -> bool {
        let Some(rule) = rule_of(id) else {
            return false;
        };
        match self.levels.get(&id) {
            Some(Level::Off) => false,
            Some(_) => true,
            None => !rule.opt_in || self.enabled.contains(&id),
        }
    }

    fn catalogued(id: RuleId) -> Result<&'static Rule, RuleIdError> {
        id.rule().ok_or(RuleIdError::NotARule { id })
    }
}

/// One finding: which rule, how severe, where, and what is wrong.
///
/// `Display` writes it as a parse [`Problem`](crate::error::Problem) is written
/// ([`crate::error::write_diagnostic`]): `error[OR-003] line 13, record PG14, columns 10-45
/// (byte offset 960): message (CBP P01)`. Serialized (feature `serde`) it is the object of
/// `ace-pga check --format json`, keys in this order: `cbp_code`, `columns` (`[start, end]`
/// or `null`), `line`, `message`, `offset`, `record`, `rule`, `ruleset`, `severity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id (SPEC 6).
    pub rule: RuleId,
    /// Severity after overrides.
    pub severity: Severity,
    /// Rule-set version ([`PGA_RULESET`], [`AMS_RULESET`], or the AMS disclaimer rule set).
    pub ruleset: &'static str,
    /// Where: line and record (`None` for whole-input findings), byte columns (or `None`,
    /// SPEC 6.0) and the byte offset of the record (or of the framing fault) in the input.
    pub location: Location,
    /// CBP error-dictionary code.
    pub cbp_code: Option<&'static str>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::write_diagnostic(
            f,
            self.severity,
            self.rule,
            &self.location,
            &self.message,
            self.cbp_code,
        )
    }
}

/// The shipped samples and a seed sequence, for the tests that run every rule path over
/// every sample record with seeded byte changes.
#[cfg(test)]
pub(crate) mod samples {
    /// The bytes of every file of `spec-samples/valid` and `spec-samples/invalid`, in
    /// directory order (what cannot be read, a folder, is left out).
    pub(crate) fn files() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for dir in ["spec-samples/valid", "spec-samples/invalid"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let Ok(entries) = std::fs::read_dir(&path) else {
                panic!("{dir}");
            };
            out.extend(
                entries
                    .flatten()
                    .filter_map(|e| std::fs::read(e.path()).ok()),
            );
        }
        out
    }

    /// Every 80-byte line of [`files`] (a CR before the LF dropped), in file order.
    pub(crate) fn records() -> Vec<Vec<u8>> {
        files()
            .iter()
            .flat_map(|data| data.split(|&b| b == b'\n'))
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .filter(|line| line.len() == 80)
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// The next value of a 64-bit linear congruential sequence (Knuth's MMIX constants).
    pub(crate) fn next_seed(seed: u64) -> u64 {
        seed.wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Pg01, Pg02, Pg19, Pg20, Pg22, Pg25, Pg26, RecordType, Se10, Se40};

    /// `text_of`, `text_bytes` and `int_of` read what the typed views read, on every record
    /// of every sample with seeded byte changes (non-ASCII and control bytes, spaces,
    /// letters).
    #[test]
    fn text_of_reads_what_the_views_read() {
        let palette = [b' ', b'A', b'9', 0xC3, 0x09, b'a', b'-'];
        let mut seed = 7u64;
        let mut compared = 0usize;
        for data in crate::validate::samples::files() {
            for variant in 0..16 {
                let mut data = data.clone();
                for _ in 0..variant * 8 {
                    seed = crate::validate::samples::next_seed(seed);
                    let i = (seed >> 20) as usize % data.len().max(1);
                    if let Some(c) = data.get_mut(i) {
                        if *c != b'\n' && i % 81 > 4 {
                            *c = palette[(seed >> 50) as usize % palette.len()];
                        }
                    }
                }
                let opts = ParseOptions::lenient();
                let Ok(t) = Transmission::parse_with(&data, &opts) else {
                    continue;
                };
                t.tree().for_each_record(|r| {
                    match r.record_type() {
                        RecordType::Pg01 => {
                            let v = r.view::<Pg01>().expect("PG01");
                            assert_eq!(text_of(r, Pg01::AGENCY_CODE), v.agency_code());
                            assert_eq!(text_of(r, Pg01::DISCLAIMER_CODE), v.disclaimer_code());
                            assert_eq!(
                                text_bytes(r, Pg01::AGENCY_CODE),
                                v.agency_code().map(str::as_bytes)
                            );
                            assert_eq!(int_of(r, Pg01::PGA_LINE_NUMBER), v.pga_line_number());
                        }
                        RecordType::Pg25 => {
                            let v = r.view::<Pg25>().expect("PG25");
                            assert_eq!(int_of(r, Pg25::PGA_LINE_VALUE), v.pga_line_value());
                        }
                        RecordType::Pg26 => {
                            let v = r.view::<Pg26>().expect("PG26");
                            assert_eq!(
                                int_of(r, Pg26::PACKAGING_QUALIFIER),
                                v.packaging_qualifier()
                            );
                        }
                        RecordType::Host => {
                            if let Some(v) = r.view::<Se10>() {
                                assert_eq!(
                                    text_bytes(r, Se10::ACTION_CODE),
                                    v.action_code().map(str::as_bytes)
                                );
                                assert_eq!(
                                    text_bytes(r, Se10::ENTRY_FILER_CODE),
                                    v.entry_filer_code().map(str::as_bytes)
                                );
                            } else if let Some(v) = r.view::<Se40>() {
                                assert_eq!(int_of(r, Se40::LINE_ITEM_NUMBER), v.line_item_number());
                            } else {
                                return;
                            }
                        }
                        RecordType::Pg02 => {
                            let v = r.view::<Pg02>().expect("PG02");
                            assert_eq!(text_of(r, Pg02::ITEM_TYPE), v.item_type());
                            assert_eq!(
                                text_of(r, Pg02::PRODUCT_CODE_NUMBER_1),
                                v.product_code_number_1()
                            );
                        }
                        RecordType::Pg19 => {
                            let v = r.view::<Pg19>().expect("PG19");
                            assert_eq!(text_of(r, Pg19::ENTITY_ROLE_CODE), v.entity_role_code());
                            assert_eq!(text_of(r, Pg19::ENTITY_NAME), v.entity_name());
                        }
                        RecordType::Pg20 => {
                            let v = r.view::<Pg20>().expect("PG20");
                            assert_eq!(text_of(r, Pg20::POSTAL_CODE), v.postal_code());
                        }
                        RecordType::Pg22 => {
                            let v = r.view::<Pg22>().expect("PG22");
                            assert_eq!(text_of(r, Pg22::ENTITY_ROLE_CODE), v.entity_role_code());
                        }
                        _ => return,
                    }
                    compared += 1;
                });
            }
        }
        assert!(compared > 1000, "{compared}");
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let loc = &self.location;
        let mut m = s.serialize_struct("Finding", 9)?;
        m.serialize_field("cbp_code", &self.cbp_code)?;
        m.serialize_field("columns", &loc.columns.map(|(s, e)| [s, e]))?;
        m.serialize_field("line", &loc.line)?;
        m.serialize_field("message", &self.message)?;
        m.serialize_field("offset", &loc.offset)?;
        m.serialize_field("record", &loc.record)?;
        m.serialize_field("rule", &self.rule)?;
        m.serialize_field("ruleset", &self.ruleset)?;
        m.serialize_field("severity", &self.severity)?;
        m.end()
    }
}

impl Finding {
    /// The order of findings in a [`Report`]: by line (whole-input findings, `line` =
    /// `None`, first), then by rule family (F, E, S, H, OR, then any other id), then by
    /// columns (left to right; findings about the record as a whole, `columns` = `None`,
    /// after those about its bytes and fields), then by rule id. Findings equal in all of
    /// these keep the order the validator emitted them in (a root cause before what it
    /// explains).
    ///
    /// So within a line the bytes and fields come before the record (a multi-byte character,
    /// F-002, before the record length it breaks, F-001; a wrong processing code, OR-004 or
    /// OR-005, before the OR1 records it makes the line miss) and a field's F finding before
    /// the profile rule that misses its value (F-007 on `PG29.quantity_line_net` before
    /// OR-028).
    pub fn report_order(&self, other: &Finding) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }

    fn order_key(&self) -> (Option<u32>, u8, (bool, u8, u8), RuleId) {
        let family = match self.rule.family() {
            "F" => 0,
            "E" => 1,
            "S" => 2,
            "H" => 3,
            "OR" => 4,
            _ => 5,
        };
        let columns = match self.location.columns {
            Some((s, e)) => (false, s, e),
            None => (true, 0, 0),
        };
        (self.location.line, family, columns, self.rule)
    }
}

/// All findings of one input, with counts over all of them.
///
/// `findings` is in the order of [`Finding::report_order`] and holds at most
/// [`ValidateOptions::max_findings`] findings: the first ones in that order. The counts
/// ([`Self::error_count`], [`Self::warning_count`], [`Self::by_rule`]) cover every finding
/// of the input, those left out included.
///
/// Serialized (feature `serde`) it is the counts and findings of `ace-pga check --format
/// json`: `{"by_rule", "errors", "findings", "omitted": {"errors", "warnings"},
/// "truncated", "warnings"}` ([`CheckDocument`] adds what the report was made of).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Findings in report order (see [`Finding::report_order`]).
    pub findings: Vec<Finding>,
    /// Findings left out because of [`ValidateOptions::max_findings`].
    pub truncated: usize,
    /// How many of the findings left out were errors ([`Self::has_errors`] counts them).
    pub truncated_errors: usize,
    /// How many of the findings left out were warnings.
    pub truncated_warnings: usize,
    /// Number of findings per rule id, over the whole report (left-out findings included).
    pub by_rule: BTreeMap<RuleId, usize>,
}

impl Report {
    /// The report of the `findings` kept (in report order) out of `errors` + `warnings`
    /// emitted, `by_rule` over all of them: the truncated counts are the difference.
    pub(crate) fn assemble(
        findings: Vec<Finding>,
        errors: usize,
        warnings: usize,
        by_rule: BTreeMap<RuleId, usize>,
    ) -> Report {
        let kept_errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let kept_warnings = findings.len() - kept_errors;
        let truncated_errors = errors.saturating_sub(kept_errors);
        let truncated_warnings = warnings.saturating_sub(kept_warnings);
        Report {
            findings,
            truncated: truncated_errors + truncated_warnings,
            truncated_errors,
            truncated_warnings,
            by_rule,
        }
    }

    /// Error-severity findings (of those kept).
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// Warning-severity findings (of those kept).
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// Whether there is any error.
    pub fn has_errors(&self) -> bool {
        self.truncated_errors > 0 || self.errors().next().is_some()
    }

    /// Number of errors, those left out by `max_findings` included.
    pub fn error_count(&self) -> usize {
        self.errors().count() + self.truncated_errors
    }

    /// Number of warnings, those left out by `max_findings` included.
    pub fn warning_count(&self) -> usize {
        self.warnings().count() + self.truncated_warnings
    }

    /// Number of findings, those left out by `max_findings` included.
    pub fn total(&self) -> usize {
        self.findings.len() + self.truncated
    }

    /// `(rule id, count)` over the whole report, most frequent first, equal counts by rule
    /// id: what `ace-pga check` prints as its last line (`F-005 ×12, OR-013 ×5`).
    pub fn rule_summary(&self) -> Vec<(RuleId, usize)> {
        let mut v: Vec<(RuleId, usize)> = self.by_rule.iter().map(|(&r, &n)| (r, n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// The keys of a serialized [`Report`], written into `m` in key order with the extra keys
/// of a [`CheckDocument`] (`as_of`, `file`, `max_findings`, `mode`) when given.
#[cfg(feature = "serde")]
fn serialize_report<M: serde::ser::SerializeMap>(
    m: &mut M,
    report: &Report,
    doc: Option<&CheckDocument<'_>>,
) -> Result<(), M::Error> {
    #[derive(serde::Serialize)]
    struct Omitted {
        errors: usize,
        warnings: usize,
    }
    if let Some(d) = doc {
        m.serialize_entry("as_of", &d.as_of.to_string())?;
    }
    m.serialize_entry("by_rule", &report.by_rule)?;
    m.serialize_entry("errors", &report.error_count())?;
    if let Some(d) = doc {
        m.serialize_entry("file", d.file)?;
    }
    m.serialize_entry("findings", &report.findings)?;
    if let Some(d) = doc {
        m.serialize_entry("max_findings", &d.max_findings)?;
        m.serialize_entry("mode", if d.lenient { "lenient" } else { "strict" })?;
    }
    m.serialize_entry(
        "omitted",
        &Omitted {
            errors: report.truncated_errors,
            warnings: report.truncated_warnings,
        },
    )?;
    m.serialize_entry("truncated", &report.truncated)?;
    m.serialize_entry("warnings", &report.warning_count())
}

#[cfg(feature = "serde")]
impl serde::Serialize for Report {
    /// `{"by_rule", "errors", "findings", "omitted": {"errors", "warnings"}, "truncated",
    /// "warnings"}`: counts over every finding (those left out by `max_findings` included),
    /// `omitted` and `truncated` the findings left out.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(6))?;
        serialize_report(&mut m, self, None)?;
        m.end()
    }
}

/// The JSON document of `ace-pga check --format json` for one input: its [`Report`] and
/// what it was checked against. Serialized (feature `serde`) as one object, keys in order:
///
/// | key | value |
/// |---|---|
/// | `as_of` | the as-of date, `YYYY-MM-DD` ([`ValidateOptions::as_of`]) |
/// | `by_rule` | `{rule id: count}` over every finding ([`Report::by_rule`]) |
/// | `errors` | number of errors ([`Report::error_count`]) |
/// | `file` | the input's name |
/// | `findings` | the findings kept, in report order ([`Finding`]'s object) |
/// | `max_findings` | [`ValidateOptions::max_findings`] |
/// | `mode` | `"strict"` or `"lenient"` (the parse options) |
/// | `omitted` | `{"errors", "warnings"}`: findings left out by `max_findings` |
/// | `truncated` | number of findings left out |
/// | `warnings` | number of warnings ([`Report::warning_count`]) |
#[derive(Debug, Clone, Copy)]
pub struct CheckDocument<'a> {
    /// The input's name (a path, or `-` for standard input).
    pub file: &'a str,
    /// The as-of date the report was made for.
    pub as_of: NaiveDate,
    /// Whether the input was parsed leniently ([`ParseOptions::lenient`]).
    pub lenient: bool,
    /// The most findings the report keeps ([`ValidateOptions::max_findings`]).
    pub max_findings: usize,
    /// The report.
    pub report: &'a Report,
}

impl<'a> CheckDocument<'a> {
    /// The document of `report`, made with `opts` from the input `file` parsed leniently or
    /// not.
    pub fn new(file: &'a str, lenient: bool, opts: &ValidateOptions, report: &'a Report) -> Self {
        CheckDocument {
            file,
            as_of: opts.as_of,
            lenient,
            max_findings: opts.max_findings,
            report,
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CheckDocument<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(10))?;
        serialize_report(&mut m, self.report, Some(self))?;
        m.end()
    }
}

/// The slot of a rule id in the per-rule tables of a validation: family × 100 + number
/// (`F-001` → 1, `E-004` → 104, `S-012` → 212, `H-003` → 303, `OR-013` → 413); `None` for an
/// id of another shape ([`RuleId::LIMIT`]). A few comparisons of the id's bytes instead of a
/// search of the catalogue by text.
fn slot(id: RuleId) -> Option<usize> {
    let (family, number): (usize, &[u8]) = match id.as_str().as_bytes() {
        [b'F', b'-', n @ ..] => (0, n),
        [b'E', b'-', n @ ..] => (1, n),
        [b'S', b'-', n @ ..] => (2, n),
        [b'H', b'-', n @ ..] => (3, n),
        [b'O', b'R', b'-', n @ ..] => (4, n),
        _ => return None,
    };
    match number {
        [b'0', a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(family * 100 + usize::from(a - b'0') * 10 + usize::from(b - b'0'))
        }
        _ => None,
    }
}

/// Number of slots ([`slot`]).
const SLOTS: usize = 500;

/// The rule of the catalogue ([`RuleId::rule`]) found through its [`slot`] in a table built
/// once.
pub(crate) fn rule_of(id: RuleId) -> Option<&'static Rule> {
    static BY_SLOT: std::sync::OnceLock<Vec<Option<&'static Rule>>> = std::sync::OnceLock::new();
    let Some(i) = slot(id) else {
        return id.rule();
    };
    let table = BY_SLOT.get_or_init(|| {
        let mut t = vec![None; SLOTS];
        for r in RULES {
            if let Some(cell) = slot(r.id).and_then(|i| t.get_mut(i)) {
                *cell = Some(r);
            }
        }
        t
    });
    match table.get(i).copied().flatten() {
        Some(r) if r.id == id => Some(r),
        _ => id.rule(),
    }
}

/// Whether code `code` of `list` has a row valid on `as_of` (the rows of the code found by
/// a binary search over the list's codes, sorted once; the same answer as scanning
/// [`CodeList::rows`](crate::codes::CodeList::rows)).
pub(crate) fn code_valid_on(list: crate::codes::CodeList, code: &str, as_of: NaiveDate) -> bool {
    use crate::codes::CodeList;
    static SORTED: [std::sync::OnceLock<Vec<(&'static str, usize)>>; CodeList::ALL.len()] =
        [const { std::sync::OnceLock::new() }; CodeList::ALL.len()];
    let rows = list.rows();
    let Some(cell) = SORTED.get(list as usize) else {
        return rows.iter().any(|r| r.code == code && r.valid_on(as_of));
    };
    let sorted = cell.get_or_init(|| {
        let mut v: Vec<(&'static str, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect();
        v.sort_unstable();
        v
    });
    let start = sorted.partition_point(|&(c, _)| c < code);
    sorted
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&(c, _)| c == code)
        .any(|&(_, i)| rows.get(i).is_some_and(|r| r.valid_on(as_of)))
}

/// Collects findings, applying overrides and opt-in.
pub(crate) struct Sink<'o> {
    opts: &'o ValidateOptions,
    /// Whether a rule runs, by [`slot`]: 0 not asked yet, 1 runs, 2 does not (the options
    /// are asked once per rule, not once per finding).
    runs: Vec<std::cell::Cell<u8>>,
    /// Findings kept so far with their emission number; cut back to the first
    /// `max_findings` (in report order) whenever twice that many are held, so that memory
    /// stays bounded whatever the input.
    kept: Vec<(u64, Finding)>,
    emitted: u64,
    /// Counts over every finding, kept or not.
    errors: usize,
    warnings: usize,
    by_rule: BTreeMap<RuleId, usize>,
}

fn by_report_order(a: &(u64, Finding), b: &(u64, Finding)) -> Ordering {
    a.1.report_order(&b.1).then(a.0.cmp(&b.0))
}

impl<'o> Sink<'o> {
    fn new(opts: &'o ValidateOptions) -> Self {
        Sink {
            opts,
            runs: vec![std::cell::Cell::new(0); SLOTS],
            kept: Vec::new(),
            emitted: 0,
            errors: 0,
            warnings: 0,
            by_rule: BTreeMap::new(),
        }
    }

    /// Keeps the first `max_findings` findings in report order.
    fn cut(&mut self) {
        let max = self.opts.max_findings;
        if self.kept.len() > max {
            self.kept.select_nth_unstable_by(max, by_report_order);
            self.kept.truncate(max);
        }
    }

    /// Sorts into report order ([`Finding::report_order`]), keeps the first `max_findings`
    /// and turns the sink into a report.
    fn into_report(mut self) -> Report {
        self.cut();
        self.kept.sort_unstable_by(by_report_order);
        let findings: Vec<Finding> = self.kept.into_iter().map(|(_, f)| f).collect();
        Report::assemble(findings, self.errors, self.warnings, self.by_rule)
    }

    fn push(&mut self, f: Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        *self.by_rule.entry(f.rule).or_insert(0) += 1;
        let max = self.opts.max_findings;
        if max == 0 {
            return;
        }
        self.kept.push((self.emitted, f));
        self.emitted += 1;
        if self.kept.len() >= max.saturating_mul(2).max(max.saturating_add(1024)) {
            self.cut();
        }
    }
}

/// The value of text field `f` (a layout constant such as
/// [`crate::records::Pg19::ENTITY_ROLE_CODE`]) of `r` as the record's typed view reads it
/// (`r.view::<Pg19>()?.entity_role_code()`): the field's bytes without trailing spaces, `None`
/// when blank or not ASCII. One field is looked at, without the UTF-8 check of the whole
/// record a view makes; the caller checks the record type.
pub(crate) fn text_of<'a>(r: &Record<'a>, f: &crate::layout::FieldDef) -> Option<&'a str> {
    text_bytes(r, f).and_then(|v| std::str::from_utf8(v).ok())
}

/// The bytes of field `f` of `r` as [`text_of`] reads them, without making them text (no
/// UTF-8 check): the value without trailing spaces, `None` when blank or not ASCII.
#[inline]
pub(crate) fn text_bytes<'a>(r: &Record<'a>, f: &crate::layout::FieldDef) -> Option<&'a [u8]> {
    let b = f.slice(r.raw());
    let end = crate::layout::trimmed_len(b);
    b.get(..end).filter(|v| !v.is_empty() && v.is_ascii())
}

/// The number in field `f` (an `N` field read as an integer) of `r`, as the typed view's
/// accessor reads it (`None` when blank or not a number), without the view's UTF-8 check of
/// the whole record.
pub(crate) fn int_of(r: &Record<'_>, f: &crate::layout::FieldDef) -> Option<u64> {
    let b = f.slice(r.raw());
    // All digits, the whole width: the number (what the field's reader gives, without its
    // grammar); anything else is read by the reader.
    if b.len() == f.len() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0, |n, &d| n * 10 + u64::from(d - b'0')));
    }
    match f.read(r.raw(), r.lenient_numeric()) {
        Ok(Some(crate::layout::FieldValue::Int(n))) => Some(n),
        _ => None,
    }
}

/// Where a finding points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'r> {
    /// The record identifier's bytes ([`Record::id_bytes`]): made text only for a finding
    /// that is kept, so that locating a record costs no UTF-8 check.
    pub record: Option<&'r [u8]>,
    pub line: Option<u32>,
    pub columns: Option<(u8, u8)>,
    pub offset: usize,
}

impl<'r> At<'r> {
    pub(crate) fn record(r: &Record<'r>) -> Self {
        At {
            record: Some(r.id_bytes()),
            line: Some(r.line()),
            columns: None,
            offset: r.offset(),
        }
    }
    pub(crate) fn cols(mut self, start: u8, end: u8) -> Self {
        self.columns = Some((start, end));
        self
    }
    /// The record and the columns of its field `f` (a layout constant such as
    /// [`crate::records::Pg14::LPCO_NUMBER`], or a row of a layout).
    pub(crate) fn field(r: &Record<'r>, f: &crate::layout::FieldDef) -> Self {
        Self::record(r).cols(f.start, f.end)
    }
}

impl Sink<'_> {
    /// Whether a rule runs at all (opt-in enabled, not switched off).
    pub(crate) fn on(&self, id: RuleId) -> bool {
        let Some(cell) = slot(id).and_then(|i| self.runs.get(i)) else {
            return self.opts.runs(id);
        };
        match cell.get() {
            1 => true,
            2 => false,
            _ => {
                let on = self.opts.runs(id);
                cell.set(if on { 1 } else { 2 });
                on
            }
        }
    }

    /// Emits a finding with the rule's default severity.
    pub(crate) fn emit(&mut self, id: RuleId, at: At<'_>, message: impl Into<String>) {
        if !self.on(id) {
            return;
        }
        let sev = rule_of(id).map_or(Severity::Error, |r| r.severity);
        self.emit_sev(id, sev, at, message);
    }

    /// Emits a finding with an explicit default severity (rules whose severity depends on
    /// the case, e.g. dated rules before their date).
    pub(crate) fn emit_sev(
        &mut self,
        id: RuleId,
        default: Severity,
        at: At<'_>,
        message: impl Into<String>,
    ) {
        self.emit_full(
            id,
            default,
            if id.family() == "OR" {
                AMS_RULESET
            } else {
                PGA_RULESET
            },
            at,
            message,
        );
    }

    pub(crate) fn emit_full(
        &mut self,
        id: RuleId,
        default: Severity,
        ruleset: &'static str,
        at: At<'_>,
        message: impl Into<String>,
    ) {
        let cbp = rule_of(id).and_then(|r| r.cbp_code);
        self.emit_cbp(id, default, ruleset, cbp, at, message);
    }

    /// Emits a finding with an explicit CBP code (rules whose code depends on the field).
    pub(crate) fn emit_cbp(
        &mut self,
        id: RuleId,
        default: Severity,
        ruleset: &'static str,
        cbp_code: Option<&'static str>,
        at: At<'_>,
        message: impl Into<String>,
    ) {
        if !self.on(id) {
            return;
        }
        if since(id).is_some_and(|d| self.opts.as_of < d) {
            return;
        }
        let severity = match self.opts.level(id) {
            Some(Level::Error) => Severity::Error,
            Some(Level::Warning) => Severity::Warning,
            _ => default,
        };
        self.push(Finding {
            rule: id,
            severity,
            ruleset,
            location: Location {
                line: at.line,
                // The identifier's bytes as `Record::id` reads them (text only here, when a
                // finding is kept).
                record: at
                    .record
                    .map(|b| std::str::from_utf8(b).unwrap_or("").to_string()),
                columns: at.columns,
                offset: at.offset,
            },
            cbp_code,
            message: message.into(),
        });
    }
}

/// Validates a parsed transmission (parsed with [`Transmission::parse_with`], so that parse
/// problems are findings too).
///
/// The rules walk the transmission's [`crate::FlatTree`] ([`Transmission::flat`]):
/// [`validate_flat`] of it.
pub fn validate(t: &Transmission<'_>, opts: &ValidateOptions) -> Report {
    validate_flat(t.flat(), opts)
}

/// Validates a flat tree (parsed with [`crate::FlatTree::parse_with`], so that parse problems
/// are findings too; the numeric fields are judged as the tree's
/// [`options`](crate::FlatTree::options) read them): what [`validate`] reports for the same
/// records, without a nested tree.
///
/// ```
/// use ace_pga::validate::{validate_flat, ValidateOptions};
/// use ace_pga::{FlatTree, NaiveDate, ParseOptions};
/// let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let tree = FlatTree::parse_with(&input, &ParseOptions::lenient())?;
/// let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
/// let report = validate_flat(&tree, &ValidateOptions::new(as_of));
/// assert!(!report.has_errors());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_flat(t: &crate::FlatTree<'_>, opts: &ValidateOptions) -> Report {
    let mut sink = Sink::new(opts);
    pass::run(
        t,
        t.options().lenient_numeric,
        &mut sink,
        pass::WINDOW,
        pass::Families::ALL,
        &mut HashMap::new(),
    );
    sink.into_report()
}

impl crate::compose::BuiltTransmission {
    /// Validates the built records (SPEC 6): the explicit second step after
    /// [`TransmissionBuilder::build`](crate::compose::TransmissionBuilder::build), which only
    /// refuses what it cannot write. Record lines of the findings are 1-based positions in
    /// [`records`](crate::compose::BuiltTransmission::records). Use
    /// `ValidateOptions::new(built.transmission_date())` to check the filing as of the day it
    /// is sent.
    pub fn validate(&self, opts: &ValidateOptions) -> Report {
        check_bytes(self.as_lf_bytes(), &ParseOptions::strict(), opts)
    }
}

/// Parses `input` with `parse` options and validates it; whole-input parse failures (F-020
/// empty, F-021 EBCDIC, F-023 not a CATAIR transmission, a limit) become one finding with no
/// line, and nothing else is reported.
///
/// Switching F-023 off ([`ValidateOptions::set_level`]) turns the parser's
/// [`ParseOptions::detect_non_catair`] off: the input is then checked record by record.
pub fn check_bytes(input: &[u8], parse: &ParseOptions, opts: &ValidateOptions) -> Report {
    let off = |id: RuleId| opts.level(id) == Some(Level::Off);
    let parse_without_f023;
    let parse = if off(RuleId::F_023) && parse.detect_non_catair {
        let mut p = parse.clone();
        p.detect_non_catair = false;
        parse_without_f023 = p;
        &parse_without_f023
    } else {
        parse
    };
    match crate::FlatTree::parse_with(input, parse) {
        Ok(t) => validate_flat(&t, opts),
        Err(e) => {
            let mut sink = Sink::new(opts);
            parse_failure(&e, &mut sink);
            sink.into_report()
        }
    }
}

/// The findings of a parse that failed as a whole (see [`check_bytes`]).
fn parse_failure(e: &crate::error::ParseError, sink: &mut Sink<'_>) {
    {
        {
            for p in &e.problems {
                let at = At {
                    record: None,
                    line: p.location.line,
                    columns: p.location.columns,
                    offset: p.location.offset,
                };
                let rule = p.kind.rule();
                if rule.rule().is_some() {
                    sink.emit_sev(rule, p.severity, at, p.kind.to_string());
                } else {
                    // A parse limit (not a SPEC rule): always an error, never switched off.
                    sink.push(unit::limit_finding(p));
                }
            }
        }
    }
}
