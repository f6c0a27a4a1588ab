//! Field-level byte helpers: runs of digits (nom) and `N` fields (SPEC 2.4).

use nom::bytes::complete::take_while_m_n;

use crate::error::FieldErrorKind;
pub(crate) use crate::wire::ascii::all_spaces;

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
