//! The rule catalogue of SPEC 6: every rule id with its default severity, CBP code and title
//! ([`RULES`]), the retired ids ([`RETIRED`]) and [`RuleId`], the id a problem, an encoder
//! refusal or a validation finding carries.
//!
//! The catalogue sits in the lowest layer because the parser ([`crate::error::Problem`]) and
//! the encoder ([`crate::error::EncodeError`]) name rules too; [`crate::validate`] re-exports
//! it and runs the rules.

use std::fmt;

use super::Severity;

/// The id of a rule of SPEC 6 (`F-001`, `S-012`, `E-010`, `OR-003` …), or [`RuleId::LIMIT`]
/// (a parse limit of [`crate::options::ParseOptions`], not a SPEC rule).
///
/// Only the ids of the catalogue exist: each is an associated constant (`RuleId::OR_003`),
/// and [`FromStr`](std::str::FromStr) refuses any other text, naming why
/// ([`RuleIdError`]: unknown, or retired with the reason of SPEC 6). `Display` and serde
/// (feature `serde`) write the plain id, `OR-003`. Ids order as their text does.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(&'static str);

impl RuleId {
    /// A parse limit of [`crate::options::ParseOptions`] was exceeded: not a rule of SPEC 6
    /// (not in [`RULES`]); always an error and never switched off.
    pub const LIMIT: RuleId = RuleId("LIMIT");

    /// The id as written: `OR-003`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The rule of the catalogue ([`RULES`]); `None` for [`RuleId::LIMIT`].
    pub fn rule(self) -> Option<&'static Rule> {
        RULES.iter().find(|r| r.id == self)
    }

    /// The rule family: `F`, `S`, `E`, `OR` (the text before the `-`; `LIMIT` for
    /// [`RuleId::LIMIT`]).
    pub fn family(self) -> &'static str {
        self.0.split_once('-').map_or(self.0, |(f, _)| f)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl AsRef<str> for RuleId {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for RuleId {
    /// Maps keyed by `RuleId` (such as `validate::Report::by_rule`) are looked up by text:
    /// `by_rule.get("OR-003")`.
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<RuleId> for &str {
    fn eq(&self, other: &RuleId) -> bool {
        *self == other.0
    }
}

impl From<RuleId> for &'static str {
    fn from(id: RuleId) -> &'static str {
        id.0
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RuleId {
    /// The plain id, `"OR-003"`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// A text that names no rule id: unknown, retired (SPEC 6 keeps retired ids out of use), or
/// [`RuleId::LIMIT`] where a rule of the catalogue is needed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleIdError {
    /// No rule has this id.
    #[error("{id}: unknown rule id")]
    Unknown {
        /// The text given.
        id: String,
    },
    /// The id was retired (SPEC 6, [`RETIRED`]).
    #[error("{id}: {reason}")]
    Retired {
        /// The retired id.
        id: String,
        /// Why it was retired.
        reason: &'static str,
    },
    /// [`RuleId::LIMIT`] names a parse limit, not a rule: it cannot be switched off, set or
    /// enabled.
    #[error("{id}: a parse limit, not a rule of SPEC 6 (always an error)")]
    NotARule {
        /// The id.
        id: RuleId,
    },
}

impl std::str::FromStr for RuleId {
    type Err = RuleIdError;
    /// A rule id of [`RULES`] (`OR-003`, exactly as written there) or `LIMIT`.
    ///
    /// # Errors
    /// [`RuleIdError::Retired`] for an id of [`RETIRED`], [`RuleIdError::Unknown`] otherwise.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(r) = RULES.iter().find(|r| r.id.0 == s) {
            return Ok(r.id);
        }
        if s == RuleId::LIMIT.0 {
            return Ok(RuleId::LIMIT);
        }
        match retired(s) {
            Some(reason) => Err(RuleIdError::Retired {
                id: s.to_string(),
                reason,
            }),
            None => Err(RuleIdError::Unknown { id: s.to_string() }),
        }
    }
}

/// A rule of the catalogue (SPEC 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Rule id, e.g. `OR-003`.
    pub id: RuleId,
    /// Default severity.
    pub severity: Severity,
    /// Off unless enabled (`ValidateOptions::enable` of [`crate::validate`]).
    pub opt_in: bool,
    /// CBP error-dictionary code (`P00`–`P54`, `PGA`; `codes/pga-error-dictionary.csv`), when
    /// one exists.
    pub cbp_code: Option<&'static str>,
    /// What the rule checks.
    pub title: &'static str,
}

macro_rules! rules {
    ($( $name:ident $id:literal $sev:ident $opt:ident $cbp:expr, $title:literal; )*) => {
        impl RuleId {
            $(
                #[doc = concat!("`", $id, "`: ", $title, ".")]
                pub const $name: RuleId = RuleId($id);
            )*
        }

        /// Every rule id of SPEC.md section 6 with its default severity.
        pub const RULES: &[Rule] = &[ $( Rule {
            id: RuleId::$name,
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
    F_001 "F-001" Error on None, "record length is not 80 bytes";
    F_002 "F-002" Error on None, "byte >= 0x80";
    F_003 "F-003" Error on None, "control byte inside a record";
    F_005 "F-005" Error on None, "lower-case letter";
    F_006 "F-006" Error on None, "data in a filler position of an OI/PG record";
    F_007 "F-007" Error on None, "N field not all digits and not all spaces";
    F_008 "F-008" Error on None, "A field holds a byte other than A-Z or space";
    F_009 "F-009" Error on None, "AN field holds a byte other than A-Z, 0-9 or space";
    F_010 "F-010" Warning on None, "value not left-justified";
    F_011 "F-011" Error on None, "mandatory field blank";
    F_012 "F-012" Error on None, "value outside a closed code list";
    F_013 "F-013" Error on None, "impossible date";
    F_014 "F-014" Error on None, "impossible time";
    F_015 "F-015" Warning on None, "unknown record identifier";
    F_016 "F-016" Error on None, "byte order mark";
    F_017 "F-017" Error on None, "data after the last record";
    F_018 "F-018" Error on None, "terminator-less input not a multiple of 80 bytes";
    F_019 "F-019" Warning on None, "mixed line terminators";
    F_020 "F-020" Error on None, "empty input";
    F_021 "F-021" Error on None, "input appears to be EBCDIC";
    F_022 "F-022" Warning on None, "intended use code not of the form NNN.NNN";
    F_023 "F-023" Error on None, "input is not a CATAIR transmission (JSON, binary, UTF-16, no record ids)";
    F_030 "F-030" Error on None, "serializer: value longer than its field";
    F_031 "F-031" Error on None, "serializer: too many decimals or digits, or negative";
    F_032 "F-032" Error on None, "serializer: byte outside the CBP character set";
    S_001 "S-001" Error on Some("P01"), "PG01 not preceded by an OI";
    S_002 "S-002" Error on Some("P03"), "OI not followed by any PG01";
    S_003 "S-003" Error on Some("P42"), "more than one OI under one HTS anchor";
    S_004 "S-004" Error on Some("P03"), "PG record outside a PGA line (orphan; P03, or P32 after a host record)";
    S_005 "S-005" Error on None, "OI group not directly after an HTS anchor";
    S_006 "S-006" Error on Some("P33"), "PG20 without its PG19";
    S_007 "S-007" Error on Some("P33"), "entity loops not kept together";
    S_008 "S-008" Error on Some("P34"), "PG21 without a parent";
    S_009 "S-009" Error on Some("P28"), "PG08 without a preceding PG07";
    S_010 "S-010" Error on Some("P29"), "PG13 not directly followed by a PG14";
    S_011 "S-011" Error on Some("P07"), "first PG02 is not P, or more than one P";
    S_012 "S-012" Error on Some("P32"), "record after a disclaimed PG01";
    S_013 "S-013" Error on None, "more than 6 PG26, or packaging levels not ascending";
    S_014 "S-014" Error on Some("P32"), "PG50/PG51 grouping broken";
    S_015 "S-015" Error on None, "PG00 substitution broken";
    S_016 "S-016" Error on None, "PGA line numbers per agency not 001, 002, ...";
    S_017 "S-017" Error on Some("P32"), "PG55 not in an entity loop";
    S_018 "S-018" Error on Some("P32"), "PG60 without a parent";
    S_019 "S-019" Warning optin None, "PG22 names a role without a PG19 loop";
    S_020 "S-020" Warning on None, "child records out of the recommended order";
    S_021 "S-021" Warning on None, "PGA line with no child record and no disclaimer";
    S_022 "S-022" Warning on Some("P54"), "PGA line with no PG02";
    S_023 "S-023" Error on Some("P35"), "PG50/PG51 group immediately after a PG01";
    S_024 "S-024" Error on Some("P32"), "record not allowed inside a PG50/PG51 group";
    E_001 "E-001" Error on None, "records outside an A...Z batch";
    E_002 "E-002" Warning on None, "more than one batch in one input";
    E_003 "E-003" Error on None, "B or Z while a block is open";
    E_004 "E-004" Error on None, "Y without an open B";
    E_005 "E-005" Error on None, "Y differs from its B";
    E_006 "E-006" Warning on None, "application id unknown or inconsistent";
    E_007 "E-007" Error on None, "record foreign to the block's application";
    E_008 "E-008" Error on None, "Y record count differs";
    E_009 "E-009" Error on None, "data in envelope filler";
    E_010 "E-010" Error on None, "mandatory envelope field blank";
    E_011 "E-011" Warning on None, "batch without blocks, or block without transactions";
    E_012 "E-012" Warning on None, "A and Z site / id codes differ";
    OR_001 "OR-001" Error on None, "OR2 certificate is neither an NOP-IC nor a valid special code";
    OR_002 "OR-002" Error on None, "certificate field holds a bare 10-digit NOP ID";
    OR_003 "OR-003" Error on None, "certificate field contains DRAFT";
    OR_004 "OR-004" Error on None, "NOP-IC filed under OR1";
    OR_005 "OR-005" Error on None, "special code filed under OR1";
    OR_006 "OR-006" Warning optin None, "OR1 used";
    OR_007 "OR-007" Error on None, "temporary code 999-999-T used";
    OR_008 "OR-008" Warning optin None, "returned-goods code 333-550-R used";
    OR_009 "OR-009" Warning optin None, "code 010-420-L used";
    OR_010 "OR-010" Error on Some("P00"), "AM8/AM7 HTS without AMS OR data or disclaimer";
    OR_011 "OR-011" Error on Some("P00"), "HTS listed as AM8 from 2026-02-13 without AMS OR data";
    OR_012 "OR-012" Warning on None, "net quantity unit is not KG";
    OR_013 "OR-013" Error on Some("P46"), "OR1 lacks a required entity or entity data";
    OR_014 "OR-014" Error on None, "NOP ID of the wrong shape";
    OR_015 "OR-015" Error on None, "OR1 without product description or AM4 declaration";
    OR_016 "OR-016" Warning on None, "record not used by OR2, or PG02 product code on an OR line";
    OR_017 "OR-017" Error on None, "AMS disclaimer not allowed";
    OR_018 "OR-018" Warning on None, "same certificate on lines with different HTS numbers";
    OR_019 "OR-019" Warning on None, "lots are optional (documented non-rule; never fires)";
    OR_020 "OR-020" Warning optin None, "certificate issued after the departure date";
    OR_021 "OR-021" Warning optin None, "importer not NOP-certified";
    OR_022 "OR-022" Warning on None, "PG14 unit differs from PG29 unit";
    OR_023 "OR-023" Warning on None, "US postal code shorter than 5 digits";
    OR_024 "OR-024" Warning optin None, "de minimis not available for NOP-flagged goods";
    OR_025 "OR-025" Error on None, "OR processing code other than 1 or 2";
    OR_026 "OR-026" Error on Some("P45"), "OR line without PG14";
    OR_027 "OR-027" Warning on None, "no PG14 with LPCO type AM1";
    OR_028 "OR-028" Error on None, "OR line without net quantity";
    OR_029 "OR-029" Warning optin None, "OR1 positional grouping counts differ";
    OR_030 "OR-030" Error on Some("P13"), "OR1 entity role not allowed";
    OR_031 "OR-031" Error on None, "EX, UC or ORI loop more than once";
    OR_032 "OR-032" Error on None, "OR1 intended use code blank";
    OR_033 "OR-033" Warning optin None, "OR1 remark code or type unexpected";
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

/// Looks a rule up by id, given as text or as a [`RuleId`] (`None` for an unknown or
/// retired id and for `LIMIT`).
pub fn rule(id: impl AsRef<str>) -> Option<&'static Rule> {
    let id = id.as_ref();
    RULES.iter().find(|r| r.id.0 == id)
}
