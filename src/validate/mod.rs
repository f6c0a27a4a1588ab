//! Validation (SPEC 6): rule families F (bytes, fields, framing), S (structure and order),
//! E (envelope) and OR (AMS organic profile). Parsing is not validating: the validator takes
//! a parsed [`Transmission`] (with its parse problems) and returns a [`Report`] of every
//! finding in one pass, each with rule id, severity, rule-set version, record, line, byte
//! columns, CBP error code and a message that says what is wrong and what would be right.
//!
//! Rule data (code lists, dated rules) comes from `spec/codes/*.csv`, compiled in; the rule
//! catalogue is [`RULES`]. Severities are defaults: [`ValidateOptions::severity`] overrides
//! any rule (error, warning, off) and opt-in rules are off unless enabled.

mod envelope;
mod field;
mod organic;
mod structure;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;

use crate::error::Severity;
use crate::options::ParseOptions;
use crate::records::Record;
use crate::transmission::Transmission;

/// Rule-set version of the F, S and E rules (layout edition).
pub const PGA_RULESET: &str = "pga-2026-07";
/// Rule-set version of the OR rules (AMS profile edition).
pub const AMS_RULESET: &str = "ams-2025-07";

/// A rule of the catalogue (SPEC 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Rule id, e.g. `OR-003`.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Off unless enabled ([`ValidateOptions::enable`]).
    pub opt_in: bool,
    /// CBP error-dictionary code (`P00`–`P54`, `PGA`; `codes/pga-error-dictionary.csv`), when
    /// one exists.
    pub cbp_code: Option<&'static str>,
    /// What the rule checks.
    pub title: &'static str,
}

macro_rules! rules {
    ($( $id:literal $sev:ident $opt:ident $cbp:expr, $title:literal; )*) => {
        /// Every rule id of SPEC.md section 6 with its default severity.
        pub const RULES: &[Rule] = &[ $( Rule {
            id: $id,
            severity: Severity::$sev,
            opt_in: rules!(@opt $opt),
            cbp_code: $cbp,
            title: $title,
        }, )* ];
    };
    (@opt optin) => { true };
    (@opt on) => { false };
}

rules! {
    "F-001" Error on None, "record length is not 80 bytes";
    "F-002" Error on None, "byte >= 0x80";
    "F-003" Error on None, "control byte inside a record";
    "F-005" Error on None, "lower-case letter";
    "F-006" Error on None, "data in a filler position of an OI/PG record";
    "F-007" Error on None, "N field not all digits and not all spaces";
    "F-008" Error on None, "A field holds a byte other than A-Z or space";
    "F-009" Error on None, "AN field holds a byte other than A-Z, 0-9 or space";
    "F-010" Warning on None, "value not left-justified";
    "F-011" Error on None, "mandatory field blank";
    "F-012" Error on None, "value outside a closed code list";
    "F-013" Error on None, "impossible date";
    "F-014" Error on None, "impossible time";
    "F-015" Warning on None, "unknown record identifier";
    "F-016" Error on None, "byte order mark";
    "F-017" Error on None, "data after the last record";
    "F-018" Error on None, "terminator-less input not a multiple of 80 bytes";
    "F-019" Warning on None, "mixed line terminators";
    "F-020" Error on None, "empty input";
    "F-021" Error on None, "input appears to be EBCDIC";
    "F-022" Warning on None, "intended use code not of the form NNN.NNN";
    "F-023" Error on None, "input is not a CATAIR transmission (JSON, binary, UTF-16, no record ids)";
    "F-030" Error on None, "serializer: value longer than its field";
    "F-031" Error on None, "serializer: too many decimals or digits, or negative";
    "F-032" Error on None, "serializer: byte outside the CBP character set";
    "S-001" Error on Some("P01"), "PG01 not preceded by an OI";
    "S-002" Error on Some("P03"), "OI not followed by any PG01";
    "S-003" Error on Some("P42"), "more than one OI under one HTS anchor";
    "S-004" Error on Some("P03"), "PG record outside a PGA line (orphan; P03, or P32 after a host record)";
    "S-005" Error on None, "OI group not directly after an HTS anchor";
    "S-006" Error on Some("P33"), "PG20 without its PG19";
    "S-007" Error on Some("P33"), "entity loops not kept together";
    "S-008" Error on Some("P34"), "PG21 without a parent";
    "S-009" Error on Some("P28"), "PG08 without a preceding PG07";
    "S-010" Error on Some("P29"), "PG13 not directly followed by a PG14";
    "S-011" Error on Some("P07"), "first PG02 is not P, or more than one P";
    "S-012" Error on Some("P32"), "record after a disclaimed PG01";
    "S-013" Error on None, "more than 6 PG26, or packaging levels not ascending";
    "S-014" Error on Some("P32"), "PG50/PG51 grouping broken";
    "S-015" Error on None, "PG00 substitution broken";
    "S-016" Error on None, "PGA line numbers per agency not 001, 002, ...";
    "S-017" Error on Some("P32"), "PG55 not in an entity loop";
    "S-018" Error on Some("P32"), "PG60 without a parent";
    "S-019" Warning optin None, "PG22 names a role without a PG19 loop";
    "S-020" Warning on None, "child records out of the recommended order";
    "S-021" Warning on None, "PGA line with no child record and no disclaimer";
    "S-022" Warning on Some("P54"), "PGA line with no PG02";
    "S-023" Error on Some("P35"), "PG50/PG51 group immediately after a PG01";
    "S-024" Error on Some("P32"), "record not allowed inside a PG50/PG51 group";
    "E-001" Error on None, "records outside an A...Z batch";
    "E-002" Warning on None, "more than one batch in one input";
    "E-003" Error on None, "B or Z while a block is open";
    "E-004" Error on None, "Y without an open B";
    "E-005" Error on None, "Y differs from its B";
    "E-006" Warning on None, "application id unknown or inconsistent";
    "E-007" Error on None, "record foreign to the block's application";
    "E-008" Error on None, "Y record count differs";
    "E-009" Error on None, "data in envelope filler";
    "E-010" Error on None, "mandatory envelope field blank";
    "E-011" Warning on None, "batch without blocks, or block without transactions";
    "E-012" Warning on None, "A and Z site / id codes differ";
    "OR-001" Error on None, "OR2 certificate is neither an NOP-IC nor a valid special code";
    "OR-002" Error on None, "certificate field holds a bare 10-digit NOP ID";
    "OR-003" Error on None, "certificate field contains DRAFT";
    "OR-004" Error on None, "NOP-IC filed under OR1";
    "OR-005" Error on None, "special code filed under OR1";
    "OR-006" Warning optin None, "OR1 used";
    "OR-007" Error on None, "temporary code 999-999-T used";
    "OR-008" Warning optin None, "returned-goods code 333-550-R used";
    "OR-009" Warning optin None, "code 010-420-L used";
    "OR-010" Error on Some("P00"), "AM8/AM7 HTS without AMS OR data or disclaimer";
    "OR-011" Error on Some("P00"), "HTS listed as AM8 from 2026-02-13 without AMS OR data";
    "OR-012" Warning on None, "net quantity unit is not KG";
    "OR-013" Error on Some("P46"), "OR1 lacks a required entity or entity data";
    "OR-014" Error on None, "NOP ID of the wrong shape";
    "OR-015" Error on None, "OR1 without product description or AM4 declaration";
    "OR-016" Warning on None, "record not used by OR2, or PG02 product code on an OR line";
    "OR-017" Error on None, "AMS disclaimer not allowed";
    "OR-018" Warning on None, "same certificate on lines with different HTS numbers";
    "OR-019" Warning on None, "lots are optional (documented non-rule; never fires)";
    "OR-020" Warning optin None, "certificate issued after the departure date";
    "OR-021" Warning optin None, "importer not NOP-certified";
    "OR-022" Warning on None, "PG14 unit differs from PG29 unit";
    "OR-023" Warning on None, "US postal code shorter than 5 digits";
    "OR-024" Warning optin None, "de minimis not available for NOP-flagged goods";
    "OR-025" Error on None, "OR processing code other than 1 or 2";
    "OR-026" Error on Some("P45"), "OR line without PG14";
    "OR-027" Warning on None, "no PG14 with LPCO type AM1";
    "OR-028" Error on None, "OR line without net quantity";
    "OR-029" Warning optin None, "OR1 positional grouping counts differ";
    "OR-030" Error on Some("P13"), "OR1 entity role not allowed";
    "OR-031" Error on None, "EX, UC or ORI loop more than once";
    "OR-032" Error on None, "OR1 intended use code blank";
    "OR-033" Warning optin None, "OR1 remark code or type unexpected";
}

/// Rule ids SPEC 6 retired, with the reason; a retired id is not in [`RULES`], never fires
/// and is not reused.
pub const RETIRED: &[(&str, &str)] = &[(
    "F-004",
    "retired in SPEC revision 6.2: `*` and `\\` are in the CBP character set (SPEC 2.3)",
)];

/// Why a rule id was retired (SPEC 6), if it was.
pub fn retired(id: &str) -> Option<&'static str> {
    RETIRED.iter().find(|(r, _)| *r == id).map(|(_, why)| *why)
}

/// The "Since" date of SPEC 6.4 for rules that do not apply to filings before it (rules
/// whose severity changes on a date handle the date themselves: OR-004, OR-007, OR-010).
pub fn since(id: &str) -> Option<NaiveDate> {
    let (y, m, d) = match id {
        "OR-001" | "OR-006" | "OR-018" => (2024, 3, 19),
        "OR-005" => (2024, 9, 13),
        "OR-008" | "OR-020" => (2024, 9, 1),
        "OR-021" => (2024, 9, 19),
        "OR-024" => (2024, 1, 1),
        "OR-009" => (2025, 10, 1),
        "OR-011" => (2026, 2, 13),
        // "2025-07 guide": the AMS supplemental guide 07-2025, taken as 2025-07-01 (the date
        // codes/ams-disclaimer-rules.csv uses for the same edition).
        "OR-015" | "OR-016" => (2025, 7, 1),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
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
    /// Per-rule severity overrides (`"OR-012" → Level::Error`, `"F-010" → Level::Off`).
    pub severity: HashMap<String, Level>,
    /// Opt-in rules to run (e.g. `"OR-006"`).
    pub enable: Vec<String>,
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
            severity: HashMap::new(),
            enable: Vec::new(),
            tariff_flags: None,
            departure_date: None,
            importer_certified: None,
            max_findings: 100_000,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// Rule id (SPEC 6).
    pub rule: &'static str,
    /// Severity after overrides.
    pub severity: Severity,
    /// Rule-set version ([`PGA_RULESET`], [`AMS_RULESET`], or the AMS disclaimer rule set).
    pub ruleset: &'static str,
    /// Record id (`None` for whole-input findings).
    pub record: Option<String>,
    /// 1-based record line (`None` for whole-input findings).
    pub line: Option<u32>,
    /// 1-based inclusive byte columns, or `None` (SPEC 6.0).
    pub columns: Option<(u8, u8)>,
    /// Byte offset of the record (or of the framing fault) in the input.
    pub offset: usize,
    /// CBP error-dictionary code.
    pub cbp_code: Option<&'static str>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.rule)?;
        if let Some(l) = self.line {
            write!(f, " line {l}")?;
        }
        if let Some(r) = &self.record {
            write!(f, " {r}")?;
        }
        if let Some((s, e)) = self.columns {
            write!(f, " columns {s}-{e}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(c) = self.cbp_code {
            write!(f, " (CBP {c})")?;
        }
        Ok(())
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

    fn order_key(&self) -> (Option<u32>, u8, (bool, u8, u8), &'static str) {
        let family = match self.rule.split_once('-').map_or("", |(f, _)| f) {
            "F" => 0,
            "E" => 1,
            "S" => 2,
            "H" => 3,
            "OR" => 4,
            _ => 5,
        };
        let columns = match self.columns {
            Some((s, e)) => (false, s, e),
            None => (true, 0, 0),
        };
        (self.line, family, columns, self.rule)
    }
}

/// All findings of one input, with counts over all of them.
///
/// `findings` is in the order of [`Finding::report_order`] and holds at most
/// [`ValidateOptions::max_findings`] findings: the first ones in that order. The counts
/// ([`Self::error_count`], [`Self::warning_count`], [`Self::by_rule`]) cover every finding
/// of the input, those left out included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    pub by_rule: BTreeMap<&'static str, usize>,
}

impl Report {
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
    pub fn rule_summary(&self) -> Vec<(&'static str, usize)> {
        let mut v: Vec<(&'static str, usize)> =
            self.by_rule.iter().map(|(&r, &n)| (r, n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

/// Collects findings, applying overrides and opt-in.
pub(crate) struct Sink<'o> {
    opts: &'o ValidateOptions,
    /// Findings kept so far with their emission number; cut back to the first
    /// `max_findings` (in report order) whenever twice that many are held, so that memory
    /// stays bounded whatever the input.
    kept: Vec<(u64, Finding)>,
    emitted: u64,
    /// Counts over every finding, kept or not.
    errors: usize,
    warnings: usize,
    by_rule: BTreeMap<&'static str, usize>,
}

fn by_report_order(a: &(u64, Finding), b: &(u64, Finding)) -> Ordering {
    a.1.report_order(&b.1).then(a.0.cmp(&b.0))
}

impl<'o> Sink<'o> {
    fn new(opts: &'o ValidateOptions) -> Self {
        Sink {
            opts,
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
        let kept_errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let kept_warnings = findings.len() - kept_errors;
        let truncated_errors = self.errors.saturating_sub(kept_errors);
        let truncated_warnings = self.warnings.saturating_sub(kept_warnings);
        Report {
            findings,
            truncated: truncated_errors + truncated_warnings,
            truncated_errors,
            truncated_warnings,
            by_rule: self.by_rule,
        }
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

/// Where a finding points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'r> {
    pub record: Option<&'r str>,
    pub line: Option<u32>,
    pub columns: Option<(u8, u8)>,
    pub offset: usize,
}

impl<'r> At<'r> {
    pub(crate) fn record(r: &Record<'r>) -> Self {
        At {
            record: Some(r.id()),
            line: Some(r.line()),
            columns: None,
            offset: r.offset(),
        }
    }
    pub(crate) fn cols(mut self, start: u8, end: u8) -> Self {
        self.columns = Some((start, end));
        self
    }
    /// The record and the columns of its field `f` (from [`crate::field!`] or a layout).
    pub(crate) fn field(r: &Record<'r>, f: &crate::layout::FieldDef) -> Self {
        Self::record(r).cols(f.start, f.end)
    }
}

impl Sink<'_> {
    /// Whether a rule runs at all (opt-in enabled, not switched off).
    pub(crate) fn on(&self, id: &str) -> bool {
        let Some(rule) = rule(id) else { return false };
        match self.opts.severity.get(id) {
            Some(Level::Off) => false,
            Some(_) => true,
            None => !rule.opt_in || self.opts.enable.iter().any(|e| e == id),
        }
    }

    /// Emits a finding with the rule's default severity.
    pub(crate) fn emit(&mut self, id: &'static str, at: At<'_>, message: impl Into<String>) {
        let sev = rule(id).map_or(Severity::Error, |r| r.severity);
        self.emit_sev(id, sev, at, message);
    }

    /// Emits a finding with an explicit default severity (rules whose severity depends on
    /// the case, e.g. dated rules before their date).
    pub(crate) fn emit_sev(
        &mut self,
        id: &'static str,
        default: Severity,
        at: At<'_>,
        message: impl Into<String>,
    ) {
        self.emit_full(
            id,
            default,
            if id.starts_with("OR-") {
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
        id: &'static str,
        default: Severity,
        ruleset: &'static str,
        at: At<'_>,
        message: impl Into<String>,
    ) {
        let cbp = rule(id).and_then(|r| r.cbp_code);
        self.emit_cbp(id, default, ruleset, cbp, at, message);
    }

    /// Emits a finding with an explicit CBP code (rules whose code depends on the field).
    pub(crate) fn emit_cbp(
        &mut self,
        id: &'static str,
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
        let severity = match self.opts.severity.get(id) {
            Some(Level::Error) => Severity::Error,
            Some(Level::Warning) => Severity::Warning,
            _ => default,
        };
        self.push(Finding {
            rule: id,
            severity,
            ruleset,
            record: at.record.map(str::to_string),
            line: at.line,
            columns: at.columns,
            offset: at.offset,
            cbp_code,
            message: message.into(),
        });
    }
}

/// Validates a parsed transmission (parsed with [`Transmission::parse_with`], so that parse
/// problems are findings too).
pub fn validate(t: &Transmission<'_>, opts: &ValidateOptions) -> Report {
    let mut sink = Sink::new(opts);
    field::check(t, &mut sink);
    envelope::check(t, &mut sink);
    structure::check(t, &mut sink);
    organic::check(t, &mut sink);
    sink.into_report()
}

/// Parses `input` with `parse` options and validates it; whole-input parse failures (F-020
/// empty, F-021 EBCDIC, F-023 not a CATAIR transmission, a limit) become one finding with no
/// line, and nothing else is reported.
///
/// Switching F-023 off ([`ValidateOptions::severity`]) turns the parser's
/// [`ParseOptions::detect_non_catair`] off: the input is then checked record by record.
pub fn check_bytes(input: &[u8], parse: &ParseOptions, opts: &ValidateOptions) -> Report {
    let off = |id: &str| opts.severity.get(id) == Some(&Level::Off);
    let parse_without_f023;
    let parse = if off("F-023") && parse.detect_non_catair {
        let mut p = parse.clone();
        p.detect_non_catair = false;
        parse_without_f023 = p;
        &parse_without_f023
    } else {
        parse
    };
    match Transmission::parse_with(input, parse) {
        Ok(t) => validate(&t, opts),
        Err(e) => {
            let mut sink = Sink::new(opts);
            for p in &e.problems {
                let at = At {
                    record: None,
                    line: p.line,
                    columns: p.columns,
                    offset: p.offset,
                };
                let rule = p.kind.rule();
                if self::rule(rule).is_some() {
                    sink.emit_sev(rule, p.severity, at, p.kind.to_string());
                } else {
                    // A parse limit (not a SPEC rule): always an error, never switched off.
                    sink.push(Finding {
                        rule,
                        severity: Severity::Error,
                        ruleset: PGA_RULESET,
                        record: p.record.clone(),
                        line: p.line,
                        columns: None,
                        offset: p.offset,
                        cbp_code: None,
                        message: p.kind.to_string(),
                    });
                }
            }
            sink.into_report()
        }
    }
}
