//! Byte-level helpers: the CBP character set (SPEC 2.3), runs of digits, `N` fields and the
//! ISO dates of the dump form.

use chrono::NaiveDate;
use nom::bytes::complete::take_while_m_n;

use crate::error::FieldErrorKind;

/// True when every byte is a space (an empty slice counts: missing bytes are spaces).
#[inline]
pub(crate) fn all_spaces(b: &[u8]) -> bool {
    b.iter().all(|&c| c == b' ')
}

/// Whether a byte is in the CBP character set of SPEC 2.3: space and every printable ASCII
/// byte except the lower-case letters, 69 in all (`*` and `\` included since revision 6.2,
/// Batch & Block Control rev 23 p. 7).
#[inline]
pub fn is_cbp_char(b: u8) -> bool {
    matches!(CBP_CHARS.get(usize::from(b)), Some(true))
}

/// The CBP character set as a table (SPEC 2.3, `codes/character-set.csv`).
#[allow(clippy::indexing_slicing)] // `b < 256` by the loop condition
const CBP_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        t[b] = matches!(c, b' '..=b'~') && !c.is_ascii_lowercase();
        b += 1;
    }
    t
};

/// Parses a run of exactly `raw.len()` ASCII digits (nom), or reports where it fails.
pub(super) fn digits_exact(raw: &[u8]) -> Result<u64, FieldErrorKind> {
    let n = raw.len();
    let res: nom::IResult<&[u8], &[u8]> = take_while_m_n(n, n, |c: u8| c.is_ascii_digit())(raw);
    match res {
        Ok((_, d)) => Ok(d.iter().fold(0u64, |acc, &c| {
            acc.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
        })),
        Err(_) => Err(FieldErrorKind::NotNumeric),
    }
}

/// Reads an N field: `Ok(None)` when all spaces, the integer when all digits. With
/// `lenient` a right-justified, space-padded value (`  1`) is accepted (SPEC 2.4 rule 2).
/// Missing trailing bytes of a short record count as spaces.
pub(crate) fn read_n(
    raw: &[u8],
    width: usize,
    lenient: bool,
) -> Result<Option<u64>, FieldErrorKind> {
    if all_spaces(raw) {
        return Ok(None);
    }
    if raw.len() < width {
        // The tail is missing: it would be spaces, so digits followed by spaces.
        return Err(FieldErrorKind::NotNumeric);
    }
    match digits_exact(raw) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            if lenient {
                let lead = raw.iter().take_while(|&&c| c == b' ').count();
                if let Some(rest) = raw.get(lead..) {
                    if !rest.is_empty() {
                        if let Ok(v) = digits_exact(rest) {
                            return Ok(Some(v));
                        }
                    }
                }
            }
            Err(e)
        }
    }
}

/// The value of exactly `width` ASCII digits (no sign, no spaces), `width` ≤ 4.
pub(super) fn digits_u16(text: &str, width: usize) -> Option<u16> {
    (width <= 4 && text.len() == width && text.bytes().all(|c| c.is_ascii_digit())).then(|| {
        text.bytes()
            .fold(0u16, |acc, c| acc * 10 + u16::from(c - b'0'))
    })
}

/// Reads a date in the dump form `YYYY-MM-DD` strictly: exactly four year digits (`0001` to
/// `9999`), two month digits and two day digits separated by `-`, and a real calendar date.
/// Used for date field values of the JSON model (`encode`) and for the as-of date of the
/// command line (`--as-of`). `None` for anything else: `26-03-16` (a two-digit year, which
/// `chrono`'s `%Y` would read as the year 26), `2026-3-16`, `+2026-03-16`, ` 2026-03-16`,
/// `0000-01-01` (year 0000 is no year, SPEC 2.6 / F-013) and `2026-02-30`.
///
/// ```
/// use ace_pga::{parse_iso_date, NaiveDate};
/// assert_eq!(parse_iso_date("2026-03-16"), NaiveDate::from_ymd_opt(2026, 3, 16));
/// assert_eq!(parse_iso_date("26-03-16"), None);
/// assert_eq!(parse_iso_date("0000-03-16"), None);
/// ```
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let (y, rest) = text.split_at_checked(4)?;
    let (m, d) = rest.strip_prefix('-')?.split_once('-')?;
    let year = digits_u16(y, 4).filter(|&y| y != 0)?;
    let month = digits_u16(m, 2)?;
    let day = digits_u16(d, 2)?;
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// The year, month and day of a text of the form `YYYY-MM-DD` (digits only), whether or not
/// they name a real day.
pub(super) fn iso_date_shape(text: &str) -> Option<(u16, u16, u16)> {
    let (y, rest) = text.split_at_checked(4)?;
    let (m, d) = rest.strip_prefix('-')?.split_once('-')?;
    Some((digits_u16(y, 4)?, digits_u16(m, 2)?, digits_u16(d, 2)?))
}

/// The number written by the two bytes of `raw` at `i` and `i + 1`, which the caller has
/// checked are digits (a missing byte counts as `0`).
pub(super) fn two(raw: &[u8], i: usize) -> u32 {
    let a = raw.get(i).copied().unwrap_or(b'0').wrapping_sub(b'0');
    let b = raw.get(i + 1).copied().unwrap_or(b'0').wrapping_sub(b'0');
    u32::from(a) * 10 + u32::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_is_the_code_list() {
        // SPEC 2.3 (revision 6.2): 69 characters, `*` and `\` included, no lower case.
        let n = (0u8..=255).filter(|&b| is_cbp_char(b)).count();
        assert_eq!(n, 69);
        assert!(is_cbp_char(b'*') && is_cbp_char(b'\\'));
        assert!(!is_cbp_char(b'a') && !is_cbp_char(0x7F) && !is_cbp_char(b'\t'));
        // The table is exactly `codes/character-set.csv` (codes written `0xNN`).
        let listed: Vec<u8> =
            crate::codes::parse_code_list(include_str!("../../spec/codes/character-set.csv"))
                .iter()
                .filter_map(|r| u8::from_str_radix(r.code.trim_start_matches("0x"), 16).ok())
                .collect();
        let table: Vec<u8> = (0u8..=255).filter(|&b| is_cbp_char(b)).collect();
        assert_eq!(listed, table);
    }

    #[test]
    fn n_fields() {
        assert_eq!(read_n(b"001", 3, false), Ok(Some(1)));
        assert_eq!(read_n(b"   ", 3, false), Ok(None));
        assert!(read_n(b"  1", 3, false).is_err());
        assert_eq!(read_n(b"  1", 3, true), Ok(Some(1)));
        assert!(read_n(b"1  ", 3, true).is_err());
        assert!(read_n(b"0 1", 3, true).is_err());
        assert!(read_n(b"-01", 3, true).is_err());
    }
}
