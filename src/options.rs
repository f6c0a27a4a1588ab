//! Parser options (SPEC 2.2, 2.4): the named leniencies and the limits every layer reads,
//! from framing up. The lowest layer of the crate, beside [`crate::error`].

/// Parser options: strict by default, one named leniency per tolerated deviation (SPEC 2.2,
/// 2.4), and the [`Limits`] that bound the work on hostile input. Lenient parsing still
/// reports what it tolerated, as warnings.
///
/// Built from [`ParseOptions::strict`] or [`ParseOptions::lenient`] with one named setter per
/// option, each taking and returning the options:
///
/// ```
/// use ace_pga::ParseOptions;
/// let opts = ParseOptions::strict()
///     .pad_short_lines(true)
///     .accept_byte_order_mark(true)
///     .max_records_per_pga_line(1_000);
/// assert!(opts.pads_short_lines() && opts.is_lenient());
/// assert_eq!(opts.limits().max_records_per_pga_line, 1_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    pub(crate) pad_short_lines: bool,
    pub(crate) accept_byte_order_mark: bool,
    pub(crate) ignore_trailing_eof: bool,
    pub(crate) lenient_numeric: bool,
    pub(crate) lower_case_ids: bool,
    pub(crate) detect_non_catair: bool,
    pub(crate) limits: Limits,
}

/// Limits on the work a parse does (hostile input): each exceeded limit fails the parse with
/// one [`crate::ProblemKind::LimitExceeded`] naming it. Set through the setters of
/// [`ParseOptions`] ([`ParseOptions::max_input_len`] …), read through
/// [`ParseOptions::limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted by whole-buffer parsing, in bytes (default
    /// [`DEFAULT_MAX_INPUT_LEN`]: 4 GiB, or `usize::MAX` on 32-bit targets).
    pub max_input_len: usize,
    /// Most records in one PGA line, `PG01` included (default 100 000).
    pub max_records_per_pga_line: usize,
    /// Most PGA lines (`PG01`) under one OI (default 100 000; the CATAIR allows 999 per
    /// agency).
    pub max_pga_lines_per_oi: usize,
}

impl Limits {
    /// The default limits.
    pub const DEFAULT: Limits = Limits {
        max_input_len: DEFAULT_MAX_INPUT_LEN,
        max_records_per_pga_line: 100_000,
        max_pga_lines_per_oi: 100_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The default of [`Limits::max_input_len`]: 4 GiB where that fits in a `usize`
/// (64-bit targets), else `usize::MAX` (32-bit targets such as `i686` and `wasm32`, whose
/// address space is smaller than 4 GiB anyway).
pub const DEFAULT_MAX_INPUT_LEN: usize = capped(1 << 32, usize::MAX as u64) as usize;

/// `n`, or `max` when `n` is larger: the 4 GiB default capped at the target's `usize::MAX`
/// (compiles on every pointer width; a literal `1 << 32` of type `usize` does not on 32 bits).
const fn capped(n: u64, max: u64) -> u64 {
    if n > max {
        max
    } else {
        n
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl ParseOptions {
    /// Strict mode (the default): every deviation is an error; F-023 detection on; default
    /// [`Limits`].
    pub const fn strict() -> Self {
        ParseOptions {
            pad_short_lines: false,
            accept_byte_order_mark: false,
            ignore_trailing_eof: false,
            lenient_numeric: false,
            lower_case_ids: false,
            detect_non_catair: true,
            limits: Limits::DEFAULT,
        }
    }

    /// Lenient mode (SPEC 1.4): every named leniency on. It never changes the meaning of a
    /// byte; repaired records serialize in repaired (80-byte) form.
    pub const fn lenient() -> Self {
        ParseOptions {
            pad_short_lines: true,
            accept_byte_order_mark: true,
            ignore_trailing_eof: true,
            lenient_numeric: true,
            lower_case_ids: true,
            detect_non_catair: true,
            limits: Limits::DEFAULT,
        }
    }

    /// Pad short lines with spaces (trailing spaces trimmed by an editor), and drop bytes
    /// beyond column 80 when they are all spaces (F-001 as a warning instead of an error).
    #[must_use]
    pub const fn pad_short_lines(mut self, on: bool) -> Self {
        self.pad_short_lines = on;
        self
    }

    /// Accept a UTF-8 byte order mark at byte 0 (F-016 as a warning).
    #[must_use]
    pub const fn accept_byte_order_mark(mut self, on: bool) -> Self {
        self.accept_byte_order_mark = on;
        self
    }

    /// Ignore trailing DOS end-of-file bytes (`0x1A`) after the last record (F-017 as a
    /// warning); the serializer drops them.
    #[must_use]
    pub const fn ignore_trailing_eof(mut self, on: bool) -> Self {
        self.ignore_trailing_eof = on;
        self
    }

    /// Accept right-justified, space-padded `N` values (`  1`) (F-007 as a warning).
    #[must_use]
    pub const fn lenient_numeric(mut self, on: bool) -> Self {
        self.lenient_numeric = on;
        self
    }

    /// Recognise lower-case `pg`/`oi` record identifiers (F-015 as a warning).
    #[must_use]
    pub const fn lower_case_ids(mut self, on: bool) -> Self {
        self.lower_case_ids = on;
        self
    }

    /// Refuse input that is not a CATAIR transmission with one whole-input problem (F-023,
    /// SPEC 6.1): after a byte order mark and whitespace it starts with `{` or `[` (JSON),
    /// more than 10 % of its first 4,096 bytes are outside printable ASCII, CR, LF and TAB
    /// (binary data, UTF-16 text), or none of its first 100 lines starts with a known record
    /// identifier. On by default in both modes; off, such input is framed and parsed record
    /// by record like any other.
    #[must_use]
    pub const fn detect_non_catair(mut self, on: bool) -> Self {
        self.detect_non_catair = on;
        self
    }

    /// Sets [`Limits::max_input_len`].
    #[must_use]
    pub const fn max_input_len(mut self, bytes: usize) -> Self {
        self.limits.max_input_len = bytes;
        self
    }

    /// Sets [`Limits::max_records_per_pga_line`].
    #[must_use]
    pub const fn max_records_per_pga_line(mut self, records: usize) -> Self {
        self.limits.max_records_per_pga_line = records;
        self
    }

    /// Sets [`Limits::max_pga_lines_per_oi`].
    #[must_use]
    pub const fn max_pga_lines_per_oi(mut self, lines: usize) -> Self {
        self.limits.max_pga_lines_per_oi = lines;
        self
    }

    /// Whether short lines are padded (see [`Self::pad_short_lines`]).
    pub const fn pads_short_lines(&self) -> bool {
        self.pad_short_lines
    }

    /// Whether a byte order mark is accepted (see [`Self::accept_byte_order_mark`]).
    pub const fn accepts_byte_order_mark(&self) -> bool {
        self.accept_byte_order_mark
    }

    /// Whether trailing `0x1A` bytes are ignored (see [`Self::ignore_trailing_eof`]).
    pub const fn ignores_trailing_eof(&self) -> bool {
        self.ignore_trailing_eof
    }

    /// Whether space-padded `N` values are accepted (see [`Self::lenient_numeric`]).
    pub const fn accepts_lenient_numeric(&self) -> bool {
        self.lenient_numeric
    }

    /// Whether lower-case identifiers are recognised (see [`Self::lower_case_ids`]).
    pub const fn accepts_lower_case_ids(&self) -> bool {
        self.lower_case_ids
    }

    /// Whether input that is not a CATAIR transmission is refused (see
    /// [`Self::detect_non_catair`]).
    pub const fn detects_non_catair(&self) -> bool {
        self.detect_non_catair
    }

    /// The limits.
    pub const fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether any leniency is on.
    pub const fn is_lenient(&self) -> bool {
        self.pad_short_lines
            || self.accept_byte_order_mark
            || self.ignore_trailing_eof
            || self.lenient_numeric
            || self.lower_case_ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default input limit on 64-bit and 32-bit targets (only a 64-bit toolchain is at
    /// hand: the 32-bit case is pinned through `capped` with a 32-bit `usize::MAX`).
    #[test]
    fn default_max_input_len_fits_every_pointer_width() {
        const FOUR_GIB: u64 = 1 << 32;
        assert_eq!(capped(FOUR_GIB, u64::MAX), FOUR_GIB);
        assert_eq!(capped(FOUR_GIB, u64::from(u32::MAX)), u64::from(u32::MAX));
        assert_eq!(capped(FOUR_GIB, u64::from(u16::MAX)), u64::from(u16::MAX));
        assert_eq!(
            DEFAULT_MAX_INPUT_LEN as u64,
            FOUR_GIB.min(usize::MAX as u64),
            "4 GiB, or usize::MAX where that is smaller"
        );
        assert_eq!(
            ParseOptions::strict().limits().max_input_len,
            DEFAULT_MAX_INPUT_LEN
        );
        assert_eq!(
            ParseOptions::lenient().limits().max_input_len,
            DEFAULT_MAX_INPUT_LEN
        );
    }
}
