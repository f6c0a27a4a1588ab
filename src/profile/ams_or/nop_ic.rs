//! The shapes of a certificate reference (SPEC 5.4) as `nom` grammars, and the NOP Import
//! Certificate number as a typed value ([`NopIcNumber`]).

use std::fmt;
use std::str::FromStr;

use nom::character::complete::{char, satisfy};
use nom::combinator::map;
use nom::sequence::tuple;

use crate::wire::grammar::{digit_run, whole, PResult};

/// `NNN-NNNNNNNNNN-NNNNNN`: the three digit segments (over the bytes: ASCII digits and
/// hyphens, no UTF-8 decoding per character).
fn nop_ic(input: &[u8]) -> PResult<&[u8], [&[u8]; 3]> {
    map(
        tuple((
            digit_run(3),
            char('-'),
            digit_run(10),
            char('-'),
            digit_run(6),
        )),
        |(a, _, b, _, c)| [a, b, c],
    )(input)
}

/// `NNN-NNN-A`: the shape of an AMS special code (over the bytes).
fn special_code(input: &[u8]) -> PResult<&[u8], ()> {
    map(
        tuple((
            digit_run(3),
            char('-'),
            digit_run(3),
            char('-'),
            satisfy(|c| c.is_ascii_uppercase()),
        )),
        |_| (),
    )(input)
}

/// The segments of a text shaped `NNN-NNNNNNNNNN-NNNNNN` (SPEC 5.4), nothing else around it.
pub(super) fn nop_ic_segments(text: &str) -> Option<[&str; 3]> {
    // The one length the shape has, asked first: most other values stop here.
    if text.len() != 21 {
        return None;
    }
    whole(nop_ic, text.as_bytes())?;
    // The shape is fixed: 3 digits, hyphen, 10 digits, hyphen, 6 digits.
    Some([text.get(0..3)?, text.get(4..14)?, text.get(15..21)?])
}

/// Whether a text is shaped `NNN-NNN-A` (an AMS special code, SPEC 5.4).
pub(super) fn is_special_code_shape(text: &str) -> bool {
    text.len() == 9 && whole(special_code, text.as_bytes()).is_some()
}

/// An NOP Import Certificate number (SPEC 5.4): `NNN-NNNNNNNNNN-NNNNNN`, 21 characters, three
/// digit segments of 3, 10 and 6 digits (no published meaning; exposed neutrally).
///
/// [`FromStr`] / [`TryFrom<&str>`] accept exactly that shape (no hyphen insertion, no
/// padding, no trimming); [`Display`](fmt::Display) writes it back as sent.
///
/// ```
/// use ace_pga::profile::ams_or::NopIcNumber;
/// let n: NopIcNumber = "417-2093856104-561004".parse()?;
/// assert_eq!(n.segments(), ["417", "2093856104", "561004"]);
/// assert_eq!(n.to_string(), "417-2093856104-561004");
/// assert!("4172093856104561004".parse::<NopIcNumber>().is_err());
/// assert!("417-209385610-561004".parse::<NopIcNumber>().is_err());
/// # Ok::<(), ace_pga::profile::ams_or::ParseNopIcError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NopIcNumber {
    /// The 21 ASCII bytes as sent.
    text: [u8; 21],
}

/// Why a text is no NOP Import Certificate number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an NOP Import Certificate number {text:?}: expected NNN-NNNNNNNNNN-NNNNNN (3, 10 and 6 digits)")]
pub struct ParseNopIcError {
    /// The text as given (cut to 40 characters).
    pub text: String,
}

impl NopIcNumber {
    /// The number as sent.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// The three segments: 3, 10 and 6 digits.
    pub fn segments(&self) -> [&str; 3] {
        nop_ic_segments(self.as_str()).unwrap_or(["", "", ""])
    }
}

impl FromStr for NopIcNumber {
    type Err = ParseNopIcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseNopIcError {
            text: s.chars().take(40).collect(),
        };
        nop_ic_segments(s).ok_or_else(err)?;
        let text = <[u8; 21]>::try_from(s.as_bytes()).map_err(|_| err())?;
        Ok(NopIcNumber { text })
    }
}

impl TryFrom<&str> for NopIcNumber {
    type Error = ParseNopIcError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for NopIcNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for NopIcNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            nop_ic_segments("417-2093856104-561004"),
            Some(["417", "2093856104", "561004"])
        );
        for bad in [
            "",
            "417-2093856104-56100",
            "417-2093856104-5610040",
            "417-2093856104-561004-",
            " 417-2093856104-561004",
            "417 2093856104 561004",
            "41A-2093856104-561004",
            "417-2093856104",
        ] {
            assert_eq!(nop_ic_segments(bad), None, "{bad:?}");
            assert!(bad.parse::<NopIcNumber>().is_err(), "{bad:?}");
        }
        assert!(is_special_code_shape("999-999-T"));
        assert!(!is_special_code_shape("999-999-t"));
        assert!(!is_special_code_shape("999-999-TT"));
        assert!(!is_special_code_shape("99-999-T"));
        let n = NopIcNumber::try_from("000-0000000000-000000");
        assert_eq!(n.map(|n| n.to_string()), Ok("000-0000000000-000000".into()));
    }
}
