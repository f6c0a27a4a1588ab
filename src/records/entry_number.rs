//! The entry number of a Cargo Release, Entry Summary or status notification (SPEC 3.7):
//! filer code, serial and check digit, as a typed value ([`EntryNumber`]) with its check
//! digit algorithm ([`entry_check_digit`]).
//!
//! Where the entry number stands in a host record is known only to [`super::host`]
//! ([`super::host::ENTRY_HEADERS`]); [`EntryNumber::from_record`] asks there.

use std::fmt;
use std::str::FromStr;

use nom::branch::alt;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;
use nom::combinator::map;
use nom::sequence::tuple;

use super::host::ENTRY_HEADERS;
use crate::wire::grammar::{digit_run, whole, PResult};

/// An entry number (SPEC 3.7): a three-character filer code (`A`–`Z`, `0`–`9`), a 7-digit
/// serial and a check digit, written `Q7K31547727` on the wire (`SE10` 6–8 + 11–18, the
/// `SO71` `EN` reference) and `Q7K-3154772-7` on paper.
///
/// Parsing ([`FromStr`], [`TryFrom<&str>`]) accepts both forms and checks the shape only:
/// a check digit that does not match the number is kept as sent (CBP may authorise a filer to
/// use an offset, rule H-004 is a warning); [`EntryNumber::check_digit_ok`] says whether it
/// matches. [`Display`](fmt::Display) writes the wire form; the alternate form (`{:#}`) the
/// hyphenated one. Both parse back to the same value.
///
/// ```
/// use ace_pga::records::EntryNumber;
/// let e: EntryNumber = "Q7K-3154772-7".parse()?;
/// assert_eq!((e.filer_code(), e.serial(), e.check_digit()), ("Q7K", 3154772, 7));
/// assert!(e.check_digit_ok());
/// assert_eq!(e.to_string(), "Q7K31547727");
/// assert_eq!(format!("{e:#}"), "Q7K-3154772-7");
/// assert_eq!(EntryNumber::new("Q7K", 3154772)?, e);
/// assert!(!"Q7K31547720".parse::<EntryNumber>()?.check_digit_ok());
/// assert!("Q7K3154772".parse::<EntryNumber>().is_err());
/// # Ok::<(), ace_pga::records::ParseEntryNumberError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryNumber {
    filer: [u8; 3],
    serial: u32,
    check: u8,
}

/// Why a text is no entry number: the shape it was expected to have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an entry number {text:?}: expected a filer code (3 of A-Z, 0-9), 7 digits and a check digit, as `Q7K31547727` or `Q7K-3154772-7`")]
pub struct ParseEntryNumberError {
    /// The text as given (cut to 40 characters).
    pub text: String,
}

impl ParseEntryNumberError {
    fn new(text: &str) -> Self {
        ParseEntryNumberError {
            text: text.chars().take(40).collect(),
        }
    }
}

/// The value of a filer-code or serial character in the check digit sum (SPEC 3.7, Appendix
/// E): digits as themselves, `A`–`I` and `J`–`R` as 1–9, `S`–`Z` as 2–9.
fn char_value(c: u8) -> Option<u32> {
    let v = match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'I' => c - b'A' + 1,
        b'J'..=b'R' => c - b'J' + 1,
        b'S'..=b'Z' => c - b'S' + 2,
        _ => return None,
    };
    Some(u32::from(v))
}

/// The check digit of an entry number (SPEC 3.7, Appendix E): over the filer code and the 7
/// serial digits, from the right, every other value doubled (the rightmost first), 9
/// subtracted from a doubled value above 9; check = (10 − sum mod 10) mod 10. `None` when a
/// character of the filer code is outside `A`–`Z`, `0`–`9` or the serial is not 7 digits.
///
/// ```
/// use ace_pga::records::entry_check_digit;
/// assert_eq!(entry_check_digit("Q7K", "3154772"), Some(7));
/// assert_eq!(entry_check_digit("Q7K", "315477"), None);
/// ```
pub fn entry_check_digit(filer_code: &str, serial: &str) -> Option<u8> {
    if filer_code.len() != 3 || serial.len() != 7 || !serial.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in filer_code.bytes().chain(serial.bytes()).rev().enumerate() {
        let v = char_value(c)?;
        sum += if i % 2 == 0 {
            let d = v * 2;
            if d > 9 {
                d - 9
            } else {
                d
            }
        } else {
            v
        };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

fn filer_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// The grammar: filer code, serial and check digit, `Q7K31547727` or `Q7K-3154772-7`.
fn entry_number(input: &str) -> PResult<&str, (&str, &str, &str)> {
    let filer = || take_while_m_n(3, 3, filer_char);
    alt((
        map(
            tuple((filer(), char('-'), digit_run(7), char('-'), digit_run(1))),
            |(f, _, s, _, c)| (f, s, c),
        ),
        tuple((filer(), digit_run(7), digit_run(1))),
    ))(input)
}

impl EntryNumber {
    /// The entry number of `filer_code` and `serial` with its computed check digit.
    ///
    /// # Errors
    /// [`ParseEntryNumberError`] when the filer code is not 3 of `A`–`Z`, `0`–`9` or the
    /// serial is above 9,999,999.
    pub fn new(filer_code: &str, serial: u32) -> Result<Self, ParseEntryNumberError> {
        let digits = format!("{serial:07}");
        let check = entry_check_digit(filer_code, &digits)
            .filter(|_| filer_code.bytes().all(|c| filer_char(char::from(c))))
            .ok_or_else(|| ParseEntryNumberError::new(&format!("{filer_code}{digits}")))?;
        format!("{filer_code}{digits}{check}").parse()
    }

    /// The entry number of a host record that carries one (`SE10`, `SO10`, Entry Summary
    /// `10`: [`super::host::ENTRY_HEADERS`]), from its filer code and entry number fields.
    /// `None` for another record; `Some(Err)` when the fields do not have the shape.
    pub fn from_record(raw: &[u8]) -> Option<Result<Self, ParseEntryNumberError>> {
        let (_, filer, number) = ENTRY_HEADERS
            .iter()
            .find(|(id, _, _)| raw.starts_with(id.as_bytes()))?;
        let text = format!(
            "{}{}",
            filer.read(raw).unwrap_or(""),
            number.read(raw).unwrap_or("")
        );
        Some(text.parse())
    }

    /// The filer code (`Q7K`).
    pub fn filer_code(&self) -> &str {
        std::str::from_utf8(&self.filer).unwrap_or("")
    }

    /// The serial, 7 digits (`3154772`).
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The check digit as sent (`7`).
    pub fn check_digit(&self) -> u8 {
        self.check
    }

    /// The check digit the number should have ([`entry_check_digit`]).
    pub fn expected_check_digit(&self) -> u8 {
        entry_check_digit(self.filer_code(), &format!("{:07}", self.serial)).unwrap_or(10)
    }

    /// Whether the check digit as sent is the computed one (SPEC 3.7; rule H-004 warns when
    /// it is not).
    pub fn check_digit_ok(&self) -> bool {
        self.check == self.expected_check_digit()
    }
}

impl FromStr for EntryNumber {
    type Err = ParseEntryNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseEntryNumberError::new(s);
        let (filer, serial, check) = whole(entry_number, s).ok_or_else(err)?;
        let mut f = [0u8; 3];
        f.copy_from_slice(filer.as_bytes());
        Ok(EntryNumber {
            filer: f,
            serial: serial.parse().map_err(|_| err())?,
            check: check.parse().map_err(|_| err())?,
        })
    }
}

impl TryFrom<&str> for EntryNumber {
    type Error = ParseEntryNumberError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for EntryNumber {
    /// `Q7K31547727`; with `{:#}` `Q7K-3154772-7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if f.alternate() { "-" } else { "" };
        write!(
            f,
            "{}{sep}{:07}{sep}{}",
            self.filer_code(),
            self.serial,
            self.check
        )
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EntryNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_of_the_spec_example_and_letters() {
        // SPEC 3.7: `Q7K` `3154772` → 7.
        assert_eq!(entry_check_digit("Q7K", "3154772"), Some(7));
        // Letter values: A=1, I=9, J=1, R=9, S=2, Z=9.
        for (a, b) in [("A", "J"), ("I", "R"), ("S", "B"), ("Z", "I")] {
            assert_eq!(
                entry_check_digit(&format!("{a}00"), "0000000"),
                entry_check_digit(&format!("{b}00"), "0000000"),
                "{a} and {b} have the same value"
            );
        }
        assert_eq!(entry_check_digit("q7K", "3154772"), None);
        assert_eq!(entry_check_digit("Q7K", "315477A"), None);
        assert_eq!(entry_check_digit("Q7", "3154772"), None);
        // Every other value doubled from the right: 0000001 → 2 → check 8; 0000010 → 1 → 9.
        assert_eq!(entry_check_digit("000", "0000001"), Some(8));
        assert_eq!(entry_check_digit("000", "0000010"), Some(9));
        // A doubled value above 9 loses 9: 0000009 → 18 − 9 = 9 → check 1.
        assert_eq!(entry_check_digit("000", "0000009"), Some(1));
    }

    #[test]
    fn shapes() {
        for bad in [
            "",
            "Q7K",
            "Q7K3154772",
            "Q7K315477277",
            "Q7K-31547727",
            "Q7K3154772-7",
            "Q7K-3154772-",
            "q7K31547727",
            "Q7K 3154772 7",
            "Q7-K3154772-7",
        ] {
            assert!(bad.parse::<EntryNumber>().is_err(), "{bad:?}");
        }
        let e: EntryNumber = "Q7K31547727".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(Ok(e), EntryNumber::try_from("Q7K-3154772-7"));
        assert_eq!(e.to_string().parse(), Ok(e));
        assert_eq!(format!("{e:#}").parse(), Ok(e));
        let lead: Result<EntryNumber, _> = "AB100000018".parse();
        assert_eq!(
            lead.map(|e| (e.serial(), e.to_string())),
            Ok((1, "AB100000018".into()))
        );
        assert!(EntryNumber::new("Q7K", 10_000_000).is_err());
        assert!(EntryNumber::new("Q7k", 1).is_err());
        assert_eq!(
            EntryNumber::new("ABC", 12).map(|e| e.to_string()[..10].to_string()),
            Ok("ABC0000012".to_string())
        );
    }

    #[test]
    fn from_host_records() {
        let se10 = b"SE10AQ7K  31547727";
        let e = EntryNumber::from_record(se10).and_then(Result::ok);
        assert_eq!(e.map(|e| e.to_string()), Some("Q7K31547727".to_string()));
        assert!(e.is_some_and(|e| e.check_digit_ok()));
        let so10 = b"SO102704Q7K  31547727";
        let e = EntryNumber::from_record(so10).and_then(Result::ok);
        assert_eq!(e.map(|e| e.to_string()), Some("Q7K31547727".to_string()));
        assert!(EntryNumber::from_record(b"SE40001").is_none());
        assert!(EntryNumber::from_record(b"SE10AQ7K  3154772 ").is_some_and(|r| r.is_err()));
    }
}
