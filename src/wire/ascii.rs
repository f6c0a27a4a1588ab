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

/// Bytes of input checked as UTF-8 per step of a [`TextWindow`]: small enough to stay in the
/// cache between the check and the records' parse, large enough that a step is rare (about
/// 200 records).
const TEXT_WINDOW_STEP: usize = 16 << 10;

/// The input as text, checked once per window of [`TEXT_WINDOW_STEP`] bytes rather than once
/// per record: [`Self::text`] hands out a record's bytes as `&str` by slicing the checked
/// window (two character-boundary checks), and checks the next window when a record lies
/// beyond the current one. `str::from_utf8` over a window is the only check; a window that
/// is not UTF-8 throughout ends before its first invalid byte.
#[derive(Debug, Clone)]
pub(crate) struct TextWindow<'a> {
    /// The whole input the records are slices of.
    input: &'a [u8],
    /// The checked window: a slice of `input`.
    text: &'a str,
}

impl<'a> TextWindow<'a> {
    /// A window over `input`, empty until the first [`Self::text`].
    pub(crate) fn new(input: &'a [u8]) -> Self {
        TextWindow { input, text: "" }
    }

    /// `bytes` (a slice of the input) as text; `None` when they are not UTF-8.
    #[inline]
    pub(crate) fn text(&mut self, bytes: &'a [u8]) -> Option<&'a str> {
        // Where `bytes` starts in the window (address arithmetic only: a slice of the same
        // input at that distance is the same memory).
        let at = (bytes.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        match at
            .checked_add(bytes.len())
            .and_then(|end| self.text.get(at..end))
        {
            Some(t) => Some(t),
            None => self.advance(bytes),
        }
    }

    /// Checks the window that starts at `bytes` and returns them as text.
    #[cold]
    #[inline(never)]
    fn advance(&mut self, bytes: &'a [u8]) -> Option<&'a str> {
        let start = (bytes.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        let end = start
            .saturating_add(TEXT_WINDOW_STEP.max(bytes.len()))
            .min(self.input.len());
        let Some(window) = self
            .input
            .get(start..end)
            .filter(|w| w.as_ptr() == bytes.as_ptr())
        else {
            // Not a slice of the input: checked on its own.
            return std::str::from_utf8(bytes).ok();
        };
        self.text = match std::str::from_utf8(window) {
            Ok(t) => t,
            Err(e) => window
                .get(..e.valid_up_to())
                .and_then(|w| std::str::from_utf8(w).ok())
                .unwrap_or_default(),
        };
        self.text.get(..bytes.len())
    }
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

    #[test]
    fn text_window_slices_records_and_stops_at_invalid_bytes() {
        // Three windows' worth of 81-byte lines, one of them with a Latin-1 byte.
        let mut input = Vec::new();
        for i in 0..3 * TEXT_WINDOW_STEP / 81 {
            let mut line = [b'A' + (i % 26) as u8; 81];
            line[80] = b'\n';
            if i == 300 {
                line[10] = 0xE9;
            }
            input.extend_from_slice(&line);
        }
        let mut w = TextWindow::new(&input);
        for (i, rec) in input.chunks(81).enumerate() {
            let rec = &rec[..80];
            let t = w.text(rec);
            if i == 300 {
                assert_eq!(t, None, "line {i}");
            } else {
                let t = t.unwrap_or_else(|| panic!("line {i}"));
                assert_eq!(t.as_bytes(), rec);
                assert_eq!(t.as_ptr(), rec.as_ptr(), "line {i}: a slice of the input");
            }
        }
        // Bytes that are not a slice of the input are checked on their own.
        let other = vec![b'B'; 80];
        assert_eq!(w.text(&other).map(str::as_bytes), Some(&other[..]));
        assert_eq!(w.text(&[0xFF]), None);
        // A window that ends inside a multi-byte character still yields what is whole.
        let utf8 = "é".repeat(TEXT_WINDOW_STEP);
        let mut w = TextWindow::new(utf8.as_bytes());
        let last = &utf8.as_bytes()[utf8.len() - 2..];
        assert_eq!(w.text(last), Some("é"));
        let odd = &utf8.as_bytes()[1..3];
        assert_eq!(w.text(odd), None);
    }
}
