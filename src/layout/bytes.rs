//! Field-level byte helpers: `N` fields (SPEC 2.4) through the wire grammars
//! ([`crate::wire::grammar`], nom).

use crate::error::FieldErrorKind;
pub(crate) use crate::wire::ascii::all_spaces;
use crate::wire::grammar::{digits, space_padded_digits, whole};

/// Parses a run of exactly `raw.len()` ASCII digits, or `NotNumeric`.
#[inline]
pub(super) fn digits_exact(raw: &[u8]) -> Result<u64, FieldErrorKind> {
    whole(digits(raw.len()), raw).ok_or(FieldErrorKind::NotNumeric)
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
        Err(e) if lenient => whole(space_padded_digits, raw).map(Some).ok_or(e),
        Err(e) => Err(e),
    }
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
