//! The CLI's JSON documents, all the library's: [`DecodeDocument`], [`CheckDocument`],
//! [`Finding`], the dump records and [`StatusDocument`]. The tests compare the bytes with the
//! CLI's output on every shipped sample.

use ace_pga::response::{Correlation, StatusDocument};
use ace_pga::validate::{self, CheckDocument, Finding, PGA_RULESET};
use ace_pga::write::dump::dump_record;
use ace_pga::write::DecodeDocument;
use ace_pga::{ParseOptions, Problem, Severity, Transmission};

use crate::{clean, Options, Outcome};

/// The error document of an invalid input: `{"error": MESSAGE, "findings": [FINDING…]}`,
/// each finding in the shape of `check --format json` ([`problem_finding`]).
pub fn error_document(message: &str, findings: &[serde_json::Value]) -> Vec<u8> {
    serde_json::json!({"error": message, "findings": findings})
        .to_string()
        .into_bytes()
}

/// A parse problem as a finding of `check --format json` ([`Finding`]'s object: `cbp_code`,
/// `columns` (`[first, last]` or `null`), `line`, `message`, `offset`, `record`, `rule`,
/// `ruleset`, `severity`), as [`validate::check_bytes`] reports a whole-input problem.
pub fn problem_finding(p: &Problem) -> serde_json::Value {
    let rule = p.rule();
    let finding = Finding {
        rule,
        severity: p.severity,
        ruleset: PGA_RULESET,
        location: p.location.clone(),
        cbp_code: rule.rule().and_then(|r| r.cbp_code),
        message: p.kind.to_string(),
    };
    serde_json::to_value(&finding).unwrap_or_default()
}

/// The error document of a parse: its errors as the message (one a line, as the CLI prints
/// them), every problem (warnings too) as a finding.
fn parse_failure(problems: &[Problem]) -> Outcome {
    let message: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    let findings: Vec<serde_json::Value> = problems.iter().map(problem_finding).collect();
    Outcome::Invalid(error_document(&message.join("\n"), &findings))
}

/// Parses as `decode` and `dump` do (`parse_input` of the CLI): CBP's answers (SPEC 7.2)
/// leniently and never refused for a record-level problem; anything else with the given
/// options. Returns the transmission and whether it is a response, or the error document of
/// a whole-input problem.
fn parse_input<'a>(data: &'a [u8], options: &Options) -> Result<(Transmission<'a>, bool), Outcome> {
    let t = Transmission::parse_with(data, &options.parse_options())
        .map_err(|e| parse_failure(&e.problems))?;
    if !ace_pga::response::is_response(&t) {
        return Ok((t, false));
    }
    if options.lenient {
        return Ok((t, true));
    }
    let t = Transmission::parse_with(data, &ParseOptions::lenient())
        .map_err(|e| parse_failure(&e.problems))?;
    Ok((t, true))
}

/// Parses an input that must have no error (a response never has one, SPEC 7.2).
fn parse_checked<'a>(data: &'a [u8], options: &Options) -> Result<Transmission<'a>, Outcome> {
    let (t, response) = parse_input(data, options)?;
    if !response && t.problems().iter().any(|p| p.severity == Severity::Error) {
        return Err(parse_failure(t.problems()));
    }
    Ok(t)
}

/// `ace-pga decode`: the owned transmission's keys plus `organic`.
///
/// Invalid (error document) when the input has a parse error; a response (SX, SO, UC …) is
/// read leniently and never refused for a record-level problem.
pub fn decode(data: &[u8], options: &Options) -> Outcome {
    let t = match parse_checked(data, options) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let doc = DecodeDocument::new(&t);
    match serde_json::to_vec(&doc) {
        Ok(b) => Outcome::Ok(b),
        Err(e) => Outcome::Invalid(error_document(&format!("writing JSON: {e}"), &[])),
    }
}

/// `ace-pga dump` as one JSON array: the canonical field dump of every record (the CLI
/// prints one per line).
///
/// Invalid (error document) when the input has a parse error, as the CLI's exit status 1.
pub fn dump(data: &[u8], options: &Options) -> Outcome {
    let t = match parse_checked(data, options) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let records: Vec<_> = t.records().map(dump_record).collect();
    match serde_json::to_vec(&records) {
        Ok(b) => Outcome::Ok(b),
        Err(e) => Outcome::Invalid(error_document(&format!("writing JSON: {e}"), &[])),
    }
}

/// `ace-pga check --format json -`: the report (`file` is `-`). Invalid when the report has
/// errors (the report is the output either way).
pub fn check(data: &[u8], options: &Options) -> Outcome {
    let opts = match options.validate_options() {
        Ok(o) => o,
        Err(m) => return Outcome::Usage(m),
    };
    let report = validate::check_bytes(data, &options.parse_options(), &opts);
    let doc = CheckDocument::new("-", options.lenient, &opts, &report);
    let bytes = match serde_json::to_vec(&doc) {
        Ok(b) => b,
        Err(e) => return Outcome::Invalid(error_document(&format!("writing JSON: {e}"), &[])),
    };
    if report.has_errors() {
        Outcome::Invalid(bytes)
    } else {
        Outcome::Ok(bytes)
    }
}

/// The name of the submission in the status document.
pub const SUBMISSION_NAME: &str = "submission";

/// The name of response `i` (0-based) in the status document: `responses[i]`.
pub fn response_name(i: usize) -> String {
    format!("responses[{i}]")
}

/// `ace-pga status --format json submission responses[0] …`: the status of each PGA line
/// of the submission from CBP's responses, in arrival order.
///
/// Invalid (error document) when the submission has a parse error; a response that is not
/// a transmission at all is listed under `skipped` (as the CLI does) and the outcome is then
/// Invalid with the status document (the CLI's exit status 1).
pub fn status(submission: &[u8], responses: &[&[u8]]) -> Outcome {
    let sub = match Transmission::parse_with(submission, &ParseOptions::strict()) {
        Ok(t) if t.problems().iter().any(|p| p.severity == Severity::Error) => {
            return parse_failure(t.problems())
        }
        Ok(t) => t,
        Err(e) => return parse_failure(&e.problems),
    };
    let mut book = Correlation::new(&sub);
    let mut skipped: Vec<(String, String)> = Vec::new();
    for (i, data) in responses.iter().enumerate() {
        let name = response_name(i);
        match Transmission::parse_with(data, &ParseOptions::lenient()) {
            Ok(t) => {
                book.add_response(&name, &t);
            }
            Err(e) => {
                let problem = clean(&format!("{name}: {e}"));
                skipped.push((name, problem));
            }
        }
    }
    let doc = skipped.iter().fold(
        StatusDocument::new(SUBMISSION_NAME, &book),
        |doc, (file, problem)| doc.skipped(file.as_str(), problem.as_str()),
    );
    let out = doc.to_vec();
    if skipped.is_empty() {
        Outcome::Ok(out)
    } else {
        Outcome::Invalid(out)
    }
}
