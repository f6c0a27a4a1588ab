//! A progress bar on standard error (bytes, MB/s, ETA) while a large file is read.
//!
//! Shown only when the file is larger than [`MIN_LEN`], standard error is a terminal, the
//! `CI` environment variable is not set and `--quiet` was not given: never in pipes, logs or
//! CI.

use std::io::{self, IsTerminal, Read, Seek, SeekFrom};
use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files up to this many bytes (64 MiB) are read without a bar.
pub(crate) const MIN_LEN: u64 = 64 << 20;

/// `--quiet`, set once at start.
static QUIET: OnceLock<bool> = OnceLock::new();

/// Records `--quiet` (the first call wins).
pub(crate) fn set_quiet(quiet: bool) {
    let _ = QUIET.set(quiet);
}

/// Whether a bar is shown for a file of `len` bytes, given whether standard error is a
/// terminal, whether `CI` is set and `--quiet`.
pub(crate) fn wanted(len: u64, terminal: bool, ci: bool, quiet: bool) -> bool {
    len > MIN_LEN && terminal && !ci && !quiet
}

/// The bar: bytes read of the file's length, the rate, the time left.
const BAR_TEMPLATE: &str = "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}";

/// A reader that advances a bar by the bytes it reads (no bar: a plain pass-through).
pub(crate) struct Progress<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Progress<R> {
    /// Wraps the reader of a file of `len` bytes.
    pub(crate) fn new(inner: R, len: u64) -> Self {
        let quiet = QUIET.get().copied().unwrap_or(false);
        let ci = std::env::var_os("CI").is_some();
        let bar = wanted(len, io::stderr().is_terminal(), ci, quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            // At most 76 columns: a 30-column bar, `1023.99 MiB/1023.99 GiB` (23),
            // `1023.99 MiB/s` (13) and ` ETA 23h`; it fits an 80-column terminal.
            if let Ok(style) = ProgressStyle::with_template(BAR_TEMPLATE) {
                bar.set_style(style);
            }
            bar
        });
        Progress { inner, bar }
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // The bar is cleared when the reader is dropped, not at the end of the file: `fix`
        // seeks back for a second pass.
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// A second pass over the file (`fix` reads it twice) moves the bar back.
impl<R: Seek> Seek for Progress<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let at = self.inner.seek(pos)?;
        if let Some(bar) = &self.bar {
            bar.set_position(at);
        }
        Ok(at)
    }
}

impl<R> Drop for Progress<R> {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Opens a file for reading, with a bar when [`wanted`].
pub(crate) fn open(path: &str) -> io::Result<(Progress<std::fs::File>, u64)> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((Progress::new(file, len), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_for_a_large_file_on_a_terminal_outside_ci_without_quiet() {
        assert!(wanted(MIN_LEN + 1, true, false, false));
        assert!(!wanted(MIN_LEN, true, false, false));
        assert!(!wanted(MIN_LEN + 1, false, false, false));
        assert!(!wanted(MIN_LEN + 1, true, true, false));
        assert!(!wanted(MIN_LEN + 1, true, false, true));
    }

    #[test]
    fn the_bar_fits_an_80_column_terminal() {
        use indicatif::{HumanBytes, HumanDuration};
        use std::time::Duration;
        // The widest values: 1023.99 of a unit for the sizes and the rate, a two-digit ETA.
        let bytes = HumanBytes((1u64 << 40) - (1 << 28)).to_string();
        let rate = format!("{bytes}/s");
        let eta = format!("{:#}", HumanDuration(Duration::from_secs(99 * 60)));
        let width: usize = BAR_TEMPLATE
            .split(' ')
            .map(|part| match part {
                bar if bar.starts_with("{bar:") => bar
                    .trim_start_matches("{bar:")
                    .trim_end_matches('}')
                    .parse()
                    .unwrap_or(81),
                "{bytes}/{total_bytes}" => 2 * bytes.chars().count() + 1,
                "{bytes_per_sec}" => rate.chars().count(),
                "{eta}" => eta.chars().count(),
                other => other.chars().count(),
            })
            .sum::<usize>()
            + BAR_TEMPLATE.matches(' ').count();
        assert!(bytes.chars().count() >= 11, "{bytes}");
        assert!(width <= 80, "the bar is {width} columns wide");
    }

    #[test]
    fn the_reader_passes_every_byte_through() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let mut out = Vec::new();
        let read = Progress::new(&data[..], MIN_LEN + 1).read_to_end(&mut out);
        assert_eq!(read.ok(), Some(data.len()));
        assert_eq!(out, data);
    }
}
