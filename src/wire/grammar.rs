//! The field grammars of the wire as `nom` parsers: runs of digits and the `N` field (SPEC
//! 2.4), the wire dates and times `MMDDCCYY`, `MMDDYY`, `MMCCYY`, `HHMM`, `HHMMSS` (SPEC 2.6),
//! and the dump forms of dates (`YYYY-MM-DD`), month-years (`YYYY[-MM]`), times
//! (`HH:MM[:SS]`) and decimals (`digits[.digits]`, SPEC 2.5) that the JSON model and the
//! command line read.
//!
//! The grammars check shapes only (which bytes are digits, where the separators stand); they
//! return the numbers as written. Whether a shape names a real date or time, and which error
//! a caller reports, is the caller's business (`layout::kinds`, `layout::value`). Every parser
//! has `()` as its error type: a failure carries no position, so failing costs nothing.

use std::ops::RangeFrom;

use nom::bytes::complete::{tag, take_while, take_while_m_n};
use nom::character::complete::{char, digit0, digit1};
use nom::combinator::{all_consuming, map, opt};
use nom::sequence::{pair, preceded, tuple};
use nom::{AsChar, IResult, InputIter, InputLength, InputTake, Parser, Slice};

/// A grammar's result: the rest of the input and the value, or `()` on failure.
pub(crate) type PResult<I, O> = IResult<I, O, ()>;

/// Runs `parser` over the whole of `input`: the value when it consumes every byte.
#[inline]
pub(crate) fn whole<I: InputLength, O>(parser: impl Parser<I, O, ()>, input: I) -> Option<O> {
    all_consuming(parser)(input).ok().map(|(_, v)| v)
}

/// The value of a run of ASCII digits (wrapping beyond `u64`; callers bound the width).
#[inline]
fn value_of<I: InputIter>(digits: I) -> u64
where
    I::Item: AsChar,
{
    digits.iter_elements().fold(0u64, |acc, c| {
        acc.wrapping_mul(10)
            .wrapping_add(u64::from(c.as_char() as u32).wrapping_sub(u64::from(b'0')))
    })
}

/// Exactly `n` ASCII digits, as written (bytes or text).
#[inline]
pub(crate) fn digit_run<I>(n: usize) -> impl FnMut(I) -> PResult<I, I>
where
    I: InputTake + InputIter + InputLength + Slice<RangeFrom<usize>> + Clone,
    I::Item: AsChar,
{
    take_while_m_n(n, n, |c: I::Item| c.as_char().is_ascii_digit())
}

/// Exactly `n` ASCII digits, as their value (bytes or text).
#[inline]
pub(crate) fn digits<I>(n: usize) -> impl FnMut(I) -> PResult<I, u64>
where
    I: InputTake + InputIter + InputLength + Slice<RangeFrom<usize>> + Clone,
    I::Item: AsChar,
{
    map(digit_run(n), value_of)
}

/// `N` ASCII digits as a number: `fixed::<_, 2>` reads `MM`, `DD`, `YY`, `HH`, `SS`;
/// `fixed::<_, 4>` reads `CCYY`.
#[inline]
pub(crate) fn fixed<I, const N: usize>(input: I) -> PResult<I, u32>
where
    I: InputTake + InputIter + InputLength + Slice<RangeFrom<usize>> + Clone,
    I::Item: AsChar,
{
    map(digits(N), |v| v as u32)(input)
}

/// A run of spaces (possibly empty).
#[inline]
pub(crate) fn spaces(input: &[u8]) -> PResult<&[u8], &[u8]> {
    take_while(|c| c == b' ')(input)
}

/// An `N` field written right-justified with leading spaces (`  1`, SPEC 2.4 rule 2, lenient
/// mode): the spaces, then at least one digit up to the end; the value.
pub(crate) fn space_padded_digits(input: &[u8]) -> PResult<&[u8], u64> {
    preceded(spaces, map(digit1, value_of))(input)
}

/// `MMDDCCYY`: (month, day, year).
#[inline]
pub(crate) fn mmddccyy(input: &[u8]) -> PResult<&[u8], (u32, u32, u32)> {
    tuple((fixed::<_, 2>, fixed::<_, 2>, fixed::<_, 4>))(input)
}

/// `MMDDYY`: (month, day, two-digit year).
#[inline]
pub(crate) fn mmddyy(input: &[u8]) -> PResult<&[u8], (u32, u32, u32)> {
    tuple((fixed::<_, 2>, fixed::<_, 2>, fixed::<_, 2>))(input)
}

/// `MMCCYY`: (month, year); month `0` means "the year only".
#[inline]
pub(crate) fn mmccyy(input: &[u8]) -> PResult<&[u8], (u32, u32)> {
    pair(fixed::<_, 2>, fixed::<_, 4>)(input)
}

/// `HHMM`: (hour, minute, no second).
#[inline]
pub(crate) fn hhmm(input: &[u8]) -> PResult<&[u8], (u32, u32, Option<u32>)> {
    map(pair(fixed::<_, 2>, fixed::<_, 2>), |(h, m)| (h, m, None))(input)
}

/// `HHMMSS`: (hour, minute, second).
#[inline]
pub(crate) fn hhmmss(input: &[u8]) -> PResult<&[u8], (u32, u32, Option<u32>)> {
    map(
        tuple((fixed::<_, 2>, fixed::<_, 2>, fixed::<_, 2>)),
        |(h, m, s)| (h, m, Some(s)),
    )(input)
}

/// The dump form of a date, `YYYY-MM-DD` (digits only): (year, month, day).
pub(crate) fn iso_date(input: &str) -> PResult<&str, (u32, u32, u32)> {
    map(
        tuple((
            fixed::<_, 4>,
            char('-'),
            fixed::<_, 2>,
            char('-'),
            fixed::<_, 2>,
        )),
        |(y, _, m, _, d)| (y, m, d),
    )(input)
}

/// The dump form of a month-year, `YYYY` or `YYYY-MM`: (year, month).
pub(crate) fn iso_month_year(input: &str) -> PResult<&str, (u32, Option<u32>)> {
    pair(fixed::<_, 4>, opt(preceded(char('-'), fixed::<_, 2>)))(input)
}

/// The dump form of a time, `HH:MM` (`seconds` false) or `HH:MM:SS`: (hour, minute, second).
pub(crate) fn iso_time(
    seconds: bool,
) -> impl FnMut(&str) -> PResult<&str, (u32, u32, Option<u32>)> {
    move |input| {
        let (rest, (h, _, m)) = tuple((fixed::<_, 2>, char(':'), fixed::<_, 2>))(input)?;
        if seconds {
            map(preceded(char(':'), fixed::<_, 2>), |s| (h, m, Some(s)))(rest)
        } else {
            Ok((rest, (h, m, None)))
        }
    }
}

/// The dump form of an unsigned decimal, `digits` or `digits.digits` (the fraction may be
/// empty: `12.`): (integer digits, fraction digits).
pub(crate) fn decimal_text(input: &str) -> PResult<&str, (&str, &str)> {
    map(
        pair(digit1, opt(preceded(char('.'), digit0))),
        |(int, frac)| (int, frac.unwrap_or("")),
    )(input)
}

/// A literal (`THRU`, `04` …) over bytes.
#[inline]
pub(crate) fn literal<'a>(
    lit: &'static str,
) -> impl FnMut(&'a [u8]) -> PResult<&'a [u8], &'a [u8]> {
    tag(lit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_wire_dates() {
        assert_eq!(whole(digits(3), &b"042"[..]), Some(42));
        assert_eq!(whole(digits(3), &b"04 "[..]), None);
        assert_eq!(whole(digits(3), &b"0420"[..]), None);
        assert_eq!(whole(digits(2), "07"), Some(7));
        assert_eq!(whole(space_padded_digits, &b"  1"[..]), Some(1));
        assert_eq!(whole(space_padded_digits, &b"   "[..]), None);
        assert_eq!(whole(space_padded_digits, &b"1  "[..]), None);
        assert_eq!(whole(mmddccyy, &b"03162026"[..]), Some((3, 16, 2026)));
        assert_eq!(whole(mmddccyy, &b"0316202"[..]), None);
        assert_eq!(whole(mmddyy, &b"031626"[..]), Some((3, 16, 26)));
        assert_eq!(whole(mmccyy, &b"002026"[..]), Some((0, 2026)));
        assert_eq!(whole(hhmm, &b"2400"[..]), Some((24, 0, None)));
        assert_eq!(whole(hhmmss, &b"235959"[..]), Some((23, 59, Some(59))));
        assert_eq!(whole(hhmmss, &b"2359 9"[..]), None);
    }

    #[test]
    fn dump_forms() {
        assert_eq!(whole(iso_date, "2026-03-16"), Some((2026, 3, 16)));
        assert_eq!(whole(iso_date, "2026-3-16"), None);
        assert_eq!(whole(iso_date, "é026-03-16"), None);
        assert_eq!(whole(iso_month_year, "2026"), Some((2026, None)));
        assert_eq!(whole(iso_month_year, "2026-03"), Some((2026, Some(3))));
        assert_eq!(whole(iso_month_year, "2026-"), None);
        assert_eq!(whole(iso_month_year, "2026-03-01"), None);
        assert_eq!(whole(iso_time(false), "12:30"), Some((12, 30, None)));
        assert_eq!(whole(iso_time(false), "12:30:00"), None);
        assert_eq!(whole(iso_time(true), "12:30:05"), Some((12, 30, Some(5))));
        assert_eq!(whole(iso_time(true), "12:30"), None);
        assert_eq!(whole(decimal_text, "12.50"), Some(("12", "50")));
        assert_eq!(whole(decimal_text, "12."), Some(("12", "")));
        assert_eq!(whole(decimal_text, "12"), Some(("12", "")));
        assert_eq!(whole(decimal_text, ".5"), None);
        assert_eq!(whole(decimal_text, "1.2.3"), None);
        assert_eq!(whole(decimal_text, "+1"), None);
        assert_eq!(whole(literal("THRU"), &b"THRU"[..]), Some(&b"THRU"[..]));
        assert_eq!(whole(literal("THRU"), &b"THR "[..]), None);
    }
}
