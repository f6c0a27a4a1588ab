//! The options JSON: the CLI's options of `decode`, `check` and `dump`.

use std::collections::BTreeMap;

use ace_pga::validate::{self, Level, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, RuleId};

/// The options object: `{"lenient": true, "as_of": "2026-03-16", "enable": ["OR-006"],
/// "rules": {"OR-032": "warning"}, "max_findings": 100}`; every key may be left out.
///
/// * `lenient` (`--lenient`): lenient parsing (decode, dump, check);
/// * `as_of` (`check --as-of`): `YYYY-MM-DD` with a four-digit year, default today (UTC);
/// * `enable` (`check --enable`): opt-in rule ids to run;
/// * `rules` (`check --rule ID=LEVEL`): rule id to `error`, `warning` or `off`;
/// * `max_findings` (`check --max-findings`): at most this many findings listed.
///
/// A key a call does not use has no effect but is checked all the same: what is not a JSON
/// object, an unknown key, a value of the wrong type, an unknown rule id, a bad level or
/// date is a usage error for every call.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Lenient parsing.
    #[serde(default)]
    pub lenient: bool,
    /// As-of (filing) date, `YYYY-MM-DD`.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Opt-in rules to run.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rule id to `error`, `warning` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// At most this many findings in the report (default 100 000).
    #[serde(default)]
    pub max_findings: Option<usize>,
}

impl Options {
    /// Reads the options object; `None` (a NULL pointer) and an empty text are the defaults.
    ///
    /// # Errors
    /// The problem in words (`options: unknown field `x`, expected one of …`).
    pub fn from_json(json: Option<&[u8]>) -> Result<Options, String> {
        match json {
            None => Ok(Options::default()),
            Some(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(Options::default()),
            Some(b) => {
                // A JSON array would fill the struct's fields by position: only an object is
                // an options object.
                if b.iter().find(|c| !c.is_ascii_whitespace()) != Some(&b'{') {
                    return Err("options: expected a JSON object like {\"lenient\": true}".into());
                }
                let o: Options = serde_json::from_slice(b).map_err(|e| format!("options: {e}"))?;
                // Every value is checked, also those the call does not use: a typo in
                // `rules` must not pass silently because the call was `decode`.
                o.validate_options()?;
                Ok(o)
            }
        }
    }

    /// The parse options (`lenient`).
    pub fn parse_options(&self) -> ParseOptions {
        if self.lenient {
            ParseOptions::lenient()
        } else {
            ParseOptions::strict()
        }
    }

    /// The as-of date: the one given, or today (UTC).
    ///
    /// # Errors
    /// A date that is not `YYYY-MM-DD` with a four-digit year.
    pub fn as_of_date(&self) -> Result<NaiveDate, String> {
        match &self.as_of {
            Some(d) => ace_pga::parse_iso_date(d).ok_or_else(|| {
                format!(
                    "as_of {d}: expected a real date YYYY-MM-DD with a four-digit year (0001 \
                     to 9999), e.g. 2026-03-16"
                )
            }),
            None => Ok(validate::today_utc()),
        }
    }

    /// The validation options, as `check` builds them from its flags.
    ///
    /// # Errors
    /// An unknown or retired rule id, a level that is not `error`, `warning` or `off`, a bad
    /// date.
    pub fn validate_options(&self) -> Result<ValidateOptions, String> {
        let mut opts = ValidateOptions::new(self.as_of_date()?);
        if let Some(n) = self.max_findings {
            opts.max_findings = n;
        }
        for (id, level) in &self.rules {
            // The errors name the id (`XX-1: unknown rule id`), the level's does not.
            let usage = |e: &dyn std::fmt::Display| format!("rules: {e}");
            let rule: RuleId = id.parse().map_err(|e| usage(&e))?;
            let level: Level = level.parse().map_err(|e| format!("rules: {id}: {e}"))?;
            opts.set_level(rule, level).map_err(|e| usage(&e))?;
        }
        for id in &self.enable {
            let usage = |e: &dyn std::fmt::Display| format!("enable: {e}");
            let rule: RuleId = id.parse().map_err(|e| usage(&e))?;
            opts.enable(rule).map_err(|e| usage(&e))?;
        }
        Ok(opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_empty_are_the_defaults() {
        assert_eq!(Options::from_json(None), Ok(Options::default()));
        assert_eq!(Options::from_json(Some(b" ")), Ok(Options::default()));
        assert_eq!(Options::from_json(Some(b"{}")), Ok(Options::default()));
    }

    #[test]
    fn every_key_is_read() {
        let o = Options::from_json(Some(
            br#"{"lenient":true,"as_of":"2026-03-16","enable":["OR-006"],"rules":{"OR-032":"warning"},"max_findings":3}"#,
        ))
        .unwrap_or_default();
        assert!(o.lenient);
        let v = o.validate_options();
        let v = v.as_ref();
        assert_eq!(v.map(|v| v.as_of.to_string()), Ok("2026-03-16".to_string()));
        let id = |s: &str| s.parse::<RuleId>().ok();
        let (or006, or032) = (id("OR-006"), id("OR-032"));
        assert!(or006.is_some() && or032.is_some());
        assert_eq!(v.map(|v| or006.is_some_and(|r| v.runs(r))), Ok(true));
        assert_eq!(
            v.map(|v| or032.and_then(|r| v.level(r))),
            Ok(Some(Level::Warning))
        );
        assert_eq!(v.map(|v| v.max_findings), Ok(3));
    }

    #[test]
    fn bad_options_are_usage_errors() {
        for (json, want) in [
            (&br#"{"lenient":1}"#[..], "options: invalid type"),
            (br#"{"strict":true}"#, "options: unknown field `strict`"),
            (br#"[1]"#, "options: expected a JSON object"),
            (br#"[true]"#, "options: expected a JSON object"),
            (br#"true"#, "options: expected a JSON object"),
            (br#"{"lenient":tru}"#, "options: expected ident"),
        ] {
            let e = Options::from_json(Some(json)).err().unwrap_or_default();
            assert!(e.starts_with(want), "{e}");
        }
        for (json, want) in [
            (
                r#"{"as_of":"26-03-16"}"#,
                "as_of 26-03-16: expected a real date",
            ),
            (
                r#"{"rules":{"XX-1":"off"}}"#,
                "rules: XX-1: unknown rule id",
            ),
            (
                r#"{"rules":{"OR-032":"fatal"}}"#,
                "rules: OR-032: rule level \"fatal\" is not one of error, warning, off",
            ),
            (r#"{"enable":["NOPE"]}"#, "enable: NOPE: unknown rule id"),
        ] {
            // Refused when read, whatever the call.
            let e = Options::from_json(Some(json.as_bytes()))
                .err()
                .unwrap_or_default();
            assert!(e.starts_with(want), "{e}");
        }
    }
}
