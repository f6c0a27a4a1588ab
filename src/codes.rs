//! Code lists with validity dates (`spec/codes/*.csv`), compiled in with `include_str!` so a
//! new CSMS notice is a data change. Columns: `code,meaning,scope,valid_from,valid_to,source`;
//! `valid_from` / `valid_to` are inclusive ISO dates, blank = open or unknown.

use std::sync::OnceLock;

use chrono::NaiveDate;

/// One row of a code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// The code as transmitted.
    pub code: String,
    /// What it means.
    pub meaning: String,
    /// Where it applies.
    pub scope: String,
    /// First day it is valid (inclusive), if known.
    pub valid_from: Option<NaiveDate>,
    /// Last day it is valid (inclusive), if known.
    pub valid_to: Option<NaiveDate>,
    /// Where the row comes from (CSMS number, chapter, vendor).
    pub source: String,
}

impl CodeRow {
    /// Whether the row is valid on `date` (open ends count as valid).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

/// Parses a code list in the `codes/` format. Malformed rows are skipped (the lists are
/// compiled in and checked by tests).
pub fn parse_code_list(text: &str) -> Vec<CodeRow> {
    let date = |s: &str| crate::wire::parse_iso_date(s.trim());
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            let f = |i: usize| r.get(i).unwrap_or("").to_string();
            CodeRow {
                code: f(0),
                meaning: f(1),
                scope: f(2),
                valid_from: date(&f(3)),
                valid_to: date(&f(4)),
                source: f(5),
            }
        })
        .collect()
}

macro_rules! code_lists {
    ($( $(#[$m:meta])* $fn_name:ident => $file:literal; )*) => {
        $(
            $(#[$m])*
            #[doc = concat!("\n\nRows of `spec/codes/", $file, "`.")]
            pub fn $fn_name() -> &'static [CodeRow] {
                static CELL: OnceLock<Vec<CodeRow>> = OnceLock::new();
                CELL.get_or_init(|| parse_code_list(include_str!(concat!("../spec/codes/", $file))))
            }
        )*
    };
}

code_lists! {
    /// AMS special certificate codes (`999-999-T`, `333-550-R`, `010-420-L`), OR2 only (SPEC 5.4).
    ams_special_certificate_codes => "ams-special-certificate-codes.csv";
    /// Entity role codes (PG19, PG21, PG22, PG55).
    entity_roles => "entity-roles.csv";
    /// AMS OR remarks codes (PG24).
    ams_or_remarks => "ams-or-remarks.csv";
    /// Lot number qualifiers (PG25).
    lot_number_qualifiers => "lot-number-qualifiers.csv";
    /// SO70 status codes.
    so70_status_codes => "so70-status-codes.csv";
    /// SE90 message types.
    se90_message_types => "se90-message-types.csv";
    /// ABI application identifiers (A and B records, CATAIR ABI Batch & Block Control rev 23):
    /// `scope` says whether the id is an input (`input (response SX)`) or a CBP output
    /// (`output`, `output (answers SE)`).
    application_ids => "application-ids.csv";
}

/// Whether an ABI application identifier (A / B record `application_id`) names one of CBP's
/// outputs, i.e. a response or a notification — `SX`, `SO`, `UC`, `C1`, `AX`, `ER`, `PO` …
/// — rather than an input a filer transmits (`SE`, `AE` …). The one definition of "a
/// response application": the rows of `spec/codes/application-ids.csv` whose `scope` is
/// `output` (CATAIR ABI Batch & Block Control rev 23). CBP's answers are read, never refused
/// (SPEC 7.2).
///
/// ```
/// use ace_pga::codes::is_response_application;
/// assert!(is_response_application("SX") && is_response_application("SO"));
/// assert!(is_response_application("UC") && is_response_application("C1"));
/// assert!(!is_response_application("SE") && !is_response_application("AE"));
/// assert!(!is_response_application("XX"));
/// ```
pub fn is_response_application(id: &str) -> bool {
    find(application_ids(), id).any(|r| r.scope.starts_with("output"))
}

/// Looks a code up in a list.
pub fn find<'l>(list: &'l [CodeRow], code: &str) -> impl Iterator<Item = &'l CodeRow> {
    let code = code.to_string();
    list.iter().filter(move |r| r.code == code)
}
