//! The character level of the wire (SPEC 2.3, 2.6): the CBP character set, runs of digits
//! and the ISO dates `YYYY-MM-DD` of the dump form, the code lists and the command line.

use chrono::NaiveDate;

use super::grammar::{iso_date, whole};

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
    let (year, month, day) = iso_date_shape(text).filter(|&(y, _, _)| y != 0)?;
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// The year, month and day of a text of the form `YYYY-MM-DD` (digits only, the grammar
/// [`super::grammar::iso_date`]), whether or not they name a real day.
pub(crate) fn iso_date_shape(text: &str) -> Option<(u16, u16, u16)> {
    let (y, m, d) = whole(iso_date, text)?;
    Some((y as u16, m as u16, d as u16))
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
        // That the table is exactly `codes/character-set.csv`: `crate::codes`'s tests.
    }
}
