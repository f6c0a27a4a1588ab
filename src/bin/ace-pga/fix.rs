//! `ace-pga fix`: normalise without changing a meaning or a position.

use std::io::{self, Read, Seek, SeekFrom, Write};

use ace_pga::normalize;

use crate::common::{clean, Source};
use crate::{progress, Failure};

/// `fix`: writes the normalised input to `output` (default: standard output) and prints the
/// changes and what is not fixable to standard error.
pub(crate) fn run(file: String, output: Option<String>) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = crate::common::write_failure;
    let opts = normalize::NormalizeOptions::default();
    // The input is read twice (whole-input facts, then line by line) and the output written
    // as it is made: memory bounded by the longest line, on any input (issue 13). A file by
    // its path; standard input, a pipe or a device copied to a temporary file first.
    let mut source = Source::open(&file).map_err(|e| io_err(&file, e))?;
    let mut run = |mut w: &mut dyn Write| -> io::Result<normalize::Normalized> {
        match &mut source {
            Source::Path(p) => {
                let (f, _) = progress::open(p)?;
                normalize::normalize_reader_to(f, &opts, &mut w)
            }
            Source::Spilled(f) => {
                f.seek(SeekFrom::Start(0))?;
                normalize::normalize_reader_to(&*f, &opts, &mut w)
            }
        }
    };
    // The fix written to `w`; a failed write (`on_write`) is told from a failed read by
    // `Marked`.
    let mut fix_into = |w: &mut dyn Write, on_write: &dyn Fn(io::Error) -> Failure| {
        let mut w = Marked::new(w);
        run(&mut w).map_err(|e| match w.failed {
            true => on_write(e),
            false => io_err(&file, e),
        })
    };
    // The output file is created on the first write, or at the end: never for input that is
    // not a CATAIR transmission.
    let fixed = match &output {
        // A file that is also the output (`fix -o F F`): fixed into a temporary file, which
        // is copied over it at the end (the input is still read while the output is made).
        Some(path) if same_file(&file, path) => {
            let temp_err = |e: io::Error| Failure::Usage(format!("temporary file: {e}"));
            let mut temp = tempfile::tempfile().map_err(temp_err)?;
            let fixed = {
                let mut buffered = io::BufWriter::with_capacity(1 << 16, &temp);
                let fixed = fix_into(&mut buffered, &temp_err)?;
                buffered.flush().map_err(temp_err)?;
                fixed
            };
            if fixed.rejected.is_none() {
                replace_contents(path, &mut temp).map_err(|e| io_err(path, e))?;
            }
            fixed
        }
        Some(path) => {
            let mut lazy = LazyFile::Pending(path.clone());
            let fixed = fix_into(&mut lazy, &|e| io_err(path, e))?;
            if fixed.rejected.is_none() {
                lazy.finish().map_err(|e| io_err(path, e))?;
            }
            fixed
        }
        None => {
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut stdout);
            let fixed = fix_into(&mut buffered, &write_err)?;
            buffered.flush().map_err(write_err)?;
            fixed
        }
    };
    // Input that is not a CATAIR transmission (F-023, F-021): nothing is written.
    if let Some(problem) = &fixed.rejected {
        // As `check` prints it.
        eprintln!(
            "{}",
            clean(&format!(
                "{file}: error[{}]: {}",
                problem.kind.rule(),
                problem.kind
            ))
        );
        return Err(Failure::Quiet);
    }
    let mut stderr = io::BufWriter::new(io::stderr().lock());
    for c in &fixed.changes {
        let _ = writeln!(stderr, "{}", clean(&format!("{file}: {c}")));
    }
    if fixed.more_changes > 0 {
        let _ = writeln!(
            stderr,
            "{file}: ... and {} more change(s), not listed",
            fixed.more_changes
        );
    }
    for n in &fixed.not_fixable {
        let _ = writeln!(stderr, "{}", clean(&format!("{file}: {n}")));
    }
    if fixed.more_not_fixable > 0 {
        let _ = writeln!(
            stderr,
            "{file}: ... and {} more not fixable, not listed",
            fixed.more_not_fixable
        );
    }
    let _ = writeln!(
        stderr,
        "{file}: {} change(s), {} not fixable",
        fixed.change_count(),
        fixed.not_fixable_count()
    );
    if !fixed.is_clean() {
        let _ = writeln!(
            stderr,
            "{file}: NOT FIXED: the output still holds what is listed as not fixable \
             (left in place); correct it at the source"
        );
    }
    let _ = stderr.flush();
    if !fixed.is_clean() {
        return Err(Failure::Quiet);
    }
    Ok(())
}

/// Copies `fixed` over the file at `path` (same file, same links) so that running out of
/// space leaves the file as it was: the part of `fixed` beyond the file's length is
/// appended and synced first (on failure the file is cut back to its length), then the
/// file's own bytes are overwritten in place (no new space needed), then it is cut to
/// `fixed`'s length.
fn replace_contents(path: &str, fixed: &mut std::fs::File) -> io::Result<()> {
    let new_len = fixed.metadata()?.len();
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let old_len = file.metadata()?.len();
    if new_len > old_len {
        let grown = (|| {
            fixed.seek(SeekFrom::Start(old_len))?;
            file.seek(SeekFrom::Start(old_len))?;
            io::copy(&mut Read::by_ref(fixed).take(new_len - old_len), &mut file)?;
            file.sync_data()
        })();
        if let Err(e) = grown {
            let kept = file
                .set_len(old_len)
                .and_then(|()| file.sync_data())
                .is_ok();
            let state = if kept {
                "the file is left as it was"
            } else {
                "the file may hold part of the output after its own bytes"
            };
            return Err(io::Error::new(e.kind(), format!("{e}; {state}")));
        }
    }
    let overwrite = (|| {
        fixed.seek(SeekFrom::Start(0))?;
        file.seek(SeekFrom::Start(0))?;
        io::copy(
            &mut Read::by_ref(fixed).take(new_len.min(old_len)),
            &mut file,
        )?;
        file.set_len(new_len)?;
        file.sync_data()
    })();
    overwrite.map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{e}; the file is partly overwritten with the fixed output"),
        )
    })
}

/// Whether `a` and `b` name the same existing file (the same inode on Unix, the same
/// canonical path elsewhere).
fn same_file(a: &str, b: &str) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// A file created on its first write (or by [`LazyFile::finish`]).
enum LazyFile {
    Pending(String),
    Open(io::BufWriter<std::fs::File>),
}

impl LazyFile {
    fn open(&mut self) -> io::Result<&mut io::BufWriter<std::fs::File>> {
        if let LazyFile::Pending(path) = self {
            let f = std::fs::File::create(path.as_str())?;
            *self = LazyFile::Open(io::BufWriter::with_capacity(1 << 16, f));
        }
        match self {
            LazyFile::Open(w) => Ok(w),
            LazyFile::Pending(_) => Err(io::Error::other("output not open")),
        }
    }

    /// Creates the file if nothing was written, and flushes it.
    fn finish(mut self) -> io::Result<()> {
        self.open()?.flush()
    }
}

impl Write for LazyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.open()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            LazyFile::Open(w) => w.flush(),
            LazyFile::Pending(_) => Ok(()),
        }
    }
}

/// A writer that remembers whether a write failed.
struct Marked<'w> {
    inner: &'w mut dyn Write,
    failed: bool,
}

impl<'w> Marked<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        Marked {
            inner,
            failed: false,
        }
    }
}

impl Write for Marked<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.failed |= r.is_err();
        r
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.failed |= r.is_err();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file ends up holding exactly the fixed bytes, longer, shorter or as long as it
    /// was, and stays the same file (its other name sees the change).
    #[test]
    fn replace_contents_leaves_exactly_the_fixed_bytes() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("ace-pga-fix-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("f.txt");
        let link = dir.join("link.txt");
        let name = path.to_str().ok_or_else(|| io::Error::other("path"))?;
        for (old, new) in [
            (&b"0123456789"[..], &b"abc"[..]),
            (b"abc", b"0123456789"),
            (b"0123456789", b"ABCDEFGHIJ"),
            (b"", b"x"),
            (b"x", b""),
        ] {
            std::fs::write(&path, old)?;
            let _ = std::fs::remove_file(&link);
            std::fs::hard_link(&path, &link)?;
            let mut fixed = tempfile::tempfile()?;
            fixed.write_all(new)?;
            replace_contents(name, &mut fixed)?;
            assert_eq!(std::fs::read(&path)?, new);
            assert_eq!(std::fs::read(&link)?, new, "the same file");
        }
        std::fs::remove_dir_all(&dir)
    }
}
