//! Code lists with validity dates (`spec/codes/*.csv`), compiled in with `include_str!` so a
//! new CSMS notice is a data change, and parsed once, on first use, through one registry
//! ([`CodeList`]). Columns: `code,meaning,scope,valid_from,valid_to,source`;
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

/// Parses a code list in the `codes/` format (RFC 4180 CSV, header row first). Malformed rows
/// (another number of fields than the header, or not UTF-8) are skipped, as a `csv` reader's
/// `records()` reports them (the lists are compiled in and checked by tests).
///
/// One `csv_core` reader per thread is built and reset for each list: building its DFA cost
/// more than parsing a list (a reader's `Clone` does not copy its DFA whole, csv-core 0.1.13).
pub fn parse_code_list(text: &str) -> Vec<CodeRow> {
    thread_local! {
        static READER: std::cell::RefCell<csv_core::Reader> =
            std::cell::RefCell::new(csv_core::Reader::new());
    }
    READER.with(|r| match r.try_borrow_mut() {
        Ok(mut reader) => {
            reader.reset();
            parse_with(&mut reader, text)
        }
        Err(_) => parse_with(&mut csv_core::Reader::new(), text),
    })
}

/// [`parse_code_list`] with a reader that has read nothing yet.
fn parse_with(reader: &mut csv_core::Reader, text: &str) -> Vec<CodeRow> {
    let date = |s: &str| crate::wire::parse_iso_date(s.trim());
    let mut input = text.as_bytes();
    let mut out = vec![0u8; 1024];
    let mut ends = vec![0usize; 16];
    let (mut out_len, mut ends_len) = (0usize, 0usize);
    let mut header_fields = None;
    let mut rows = Vec::new();
    loop {
        let (res, nin, nout, nend) = reader.read_record(
            input,
            out.get_mut(out_len..).unwrap_or_default(),
            ends.get_mut(ends_len..).unwrap_or_default(),
        );
        input = input.get(nin..).unwrap_or_default();
        out_len += nout;
        ends_len += nend;
        match res {
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => {
                let fields = ends.get(..ends_len).unwrap_or_default();
                let bytes = out.get(..out_len).unwrap_or_default();
                match header_fields {
                    None => header_fields = Some(fields.len()),
                    Some(n) if n == fields.len() => {
                        let mut start = 0;
                        let text: Vec<&str> = fields
                            .iter()
                            .map(|&end| {
                                let f = bytes.get(start..end).unwrap_or_default();
                                start = end;
                                std::str::from_utf8(f)
                            })
                            .collect::<Result<_, _>>()
                            .unwrap_or_default();
                        if text.len() == n {
                            let f = |i: usize| text.get(i).copied().unwrap_or("");
                            rows.push(CodeRow {
                                code: f(0).to_string(),
                                meaning: f(1).to_string(),
                                scope: f(2).to_string(),
                                valid_from: date(f(3)),
                                valid_to: date(f(4)),
                                source: f(5).to_string(),
                            });
                        }
                    }
                    Some(_) => {}
                }
                (out_len, ends_len) = (0, 0);
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    rows
}

/// Declares the registry: one [`CodeList`] variant per file of `spec/codes/`, its name (the
/// file's stem) and its text, compiled in.
macro_rules! code_lists {
    ($( $(#[$m:meta])* $variant:ident => $name:literal; )*) => {
        /// A code list of `spec/codes/`, by name: the one registry of the crate. Every list is
        /// compiled in with `include_str!` and parsed once, on first use
        /// ([`CodeList::rows`]); rules, the profile, the response model and the closed code
        /// lists of the layout table ([`crate::layout::Closed`]) all ask here.
        ///
        /// ```
        /// use ace_pga::codes::CodeList;
        /// let roles = CodeList::EntityRoles;
        /// assert_eq!(roles.name(), "entity-roles");
        /// assert_eq!(CodeList::from_name("entity-roles"), Some(roles));
        /// assert!(roles.rows().iter().any(|r| r.code == "IM"));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CodeList {
            $(
                $(#[$m])*
                #[doc = concat!("\n\nRows of `spec/codes/", $name, ".csv`.")]
                $variant,
            )*
        }

        impl CodeList {
            /// Every list, in file-name order.
            pub const ALL: &'static [CodeList] = &[$(CodeList::$variant),*];

            /// The list's name: the stem of its file in `spec/codes/` (`"entity-roles"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(CodeList::$variant => $name,)*
                }
            }

            /// The list's CSV text as compiled in.
            const fn text(self) -> &'static str {
                match self {
                    $(CodeList::$variant => include_str!(concat!("../spec/codes/", $name, ".csv")),)*
                }
            }
        }
    };
}

code_lists! {
    /// AM8 HTS numbers of 2026 (SPEC OR-010).
    Am8Hts2026 => "am8-hts-2026";
    /// AMS disclaimer rules per program and rule-set edition (SPEC OR-017).
    AmsDisclaimerRules => "ams-disclaimer-rules";
    /// AMS OR remarks codes (PG24).
    AmsOrRemarks => "ams-or-remarks";
    /// AMS programs.
    AmsPrograms => "ams-programs";
    /// AMS special certificate codes (`999-999-T`, `333-550-R`, `010-420-L`), OR2 only (SPEC 5.4).
    AmsSpecialCertificateCodes => "ams-special-certificate-codes";
    /// AMS tariff flags (AM7 / AM8, SPEC OR-010).
    AmsTariffFlags => "ams-tariff-flags";
    /// ABI application identifiers (A and B records, CATAIR ABI Batch & Block Control rev 23):
    /// `scope` says whether the id is an input (`input (response SX)`) or a CBP output
    /// (`output`, `output (answers SE)`).
    ApplicationIds => "application-ids";
    /// The CBP character set (SPEC 2.3), codes written `0xNN`; [`crate::wire::is_cbp_char`]
    /// is its compile-time table (a unit test checks that the two agree).
    CharacterSet => "character-set";
    /// Container types (PG27).
    ContainerTypes => "container-types";
    /// Declaration codes (PG22).
    DeclarationCodes => "declaration-codes";
    /// Degree types (PG25).
    DegreeTypes => "degree-types";
    /// Disclaimer codes (PG01).
    Disclaimer => "disclaimer";
    /// Entity identification codes (PG19).
    EntityIdentificationCodes => "entity-identification-codes";
    /// Entity role codes (PG19, PG21, PG22, PG55).
    EntityRoles => "entity-roles";
    /// Inspection status (PG30).
    InspectionStatus => "inspection-status";
    /// Lot number qualifiers (PG25).
    LotNumberQualifiers => "lot-number-qualifiers";
    /// LPCO date qualifiers (PG14).
    LpcoDateQualifiers => "lpco-date-qualifiers";
    /// LPCO transaction types (PG14).
    LpcoTransactionTypes => "lpco-transaction-types";
    /// LPCO types (PG13 / PG14).
    LpcoTypes => "lpco-types";
    /// Packaging qualifiers (PG26).
    PackagingQualifiers => "packaging-qualifiers";
    /// PG00 substitution indicators.
    Pg00Indicators => "pg00-indicators";
    /// PG13 issuer location qualifiers.
    Pg13IssuerLocationQualifiers => "pg13-issuer-location-qualifiers";
    /// PG25 temperature locations.
    Pg25TemperatureLocations => "pg25-temperature-locations";
    /// PG34 travel document types.
    Pg34TravelDocumentTypes => "pg34-travel-document-types";
    /// PG60 qualifiers and the records they follow (SPEC S-018).
    Pg60Qualifiers => "pg60-qualifiers";
    /// The CBP PGA error dictionary (`P00`–`P54`, `PGA`).
    PgaErrorDictionary => "pga-error-dictionary";
    /// Record types.
    RecordTypes => "record-types";
    /// SE90 message types.
    Se90MessageTypes => "se90-message-types";
    /// SO70 hold types.
    So70HoldTypes => "so70-hold-types";
    /// SO70 status codes.
    So70StatusCodes => "so70-status-codes";
    /// SO71 sub-reasons.
    So71SubReasons => "so71-sub-reasons";
    /// Temperature qualifiers (PG25).
    TemperatureQualifiers => "temperature-qualifiers";
}

impl CodeList {
    /// The list's rows, parsed on first use and kept for the life of the process.
    pub fn rows(self) -> &'static [CodeRow] {
        static PARSED: [OnceLock<Vec<CodeRow>>; CodeList::ALL.len()] =
            [const { OnceLock::new() }; CodeList::ALL.len()];
        match PARSED.get(self as usize) {
            Some(cell) => cell.get_or_init(|| parse_code_list(self.text())),
            None => &[],
        }
    }

    /// The list named `name` (the stem of its file: `"disclaimer"`, `"entity-roles"` …).
    pub fn from_name(name: &str) -> Option<CodeList> {
        CodeList::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// The rows whose code is `code` (a code may have several rows with different dates).
    pub fn find(self, code: &str) -> impl Iterator<Item = &'static CodeRow> + '_ {
        self.rows().iter().filter(move |r| r.code == code)
    }
}

impl std::fmt::Display for CodeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CodeList {
    /// The list's name.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
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
    CodeList::ApplicationIds
        .find(id)
        .any(|r| r.scope.starts_with("output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `spec/codes/` is in the registry under its stem, parses to at least
    /// one row, and no row is lost to a malformed line.
    #[test]
    fn every_list_of_spec_codes_is_registered_and_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/codes");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .filter_map(|n| n.strip_suffix(".csv").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let names: Vec<&str> = CodeList::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(names, files);
        for &list in CodeList::ALL {
            assert_eq!(CodeList::from_name(list.name()), Some(list));
            let records = csv::Reader::from_reader(list.text().as_bytes())
                .records()
                .count();
            assert!(!list.rows().is_empty(), "{list}");
            assert_eq!(list.rows().len(), records, "{list}: malformed rows");
            // The rows the `csv` crate reads, field by field.
            let by_csv: Vec<Vec<String>> = csv::Reader::from_reader(list.text().as_bytes())
                .records()
                .filter_map(Result::ok)
                .map(|r| r.iter().map(str::to_string).collect())
                .collect();
            let mine: Vec<Vec<String>> = list
                .rows()
                .iter()
                .map(|r| {
                    let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
                    vec![
                        r.code.clone(),
                        r.meaning.clone(),
                        r.scope.clone(),
                        d(r.valid_from),
                        d(r.valid_to),
                        r.source.clone(),
                    ]
                })
                .collect();
            let dates_as_read = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
                rows.iter()
                    .map(|r| {
                        let mut r = r.clone();
                        for i in [3, 4] {
                            if let Some(c) = r.get_mut(i) {
                                *c = crate::wire::parse_iso_date(c.trim())
                                    .map(|d| d.to_string())
                                    .unwrap_or_default();
                            }
                        }
                        r
                    })
                    .collect()
            };
            assert_eq!(mine, dates_as_read(&by_csv), "{list}");
            // Parsed once: the same rows on every call.
            assert!(std::ptr::eq(list.rows(), list.rows()));
        }
        assert_eq!(CodeList::from_name("no-such-list"), None);
    }

    /// The character set's compile-time table is exactly `codes/character-set.csv`.
    #[test]
    fn charset_table_is_the_code_list() {
        let listed: Vec<u8> = CodeList::CharacterSet
            .rows()
            .iter()
            .filter_map(|r| u8::from_str_radix(r.code.trim_start_matches("0x"), 16).ok())
            .collect();
        let table: Vec<u8> = (0u8..=255)
            .filter(|&b| crate::wire::is_cbp_char(b))
            .collect();
        assert_eq!(listed, table);
    }
}
