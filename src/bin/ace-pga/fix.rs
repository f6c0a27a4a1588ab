//! `ace-pga fix`: normalise without changing a meaning or a position.

use std::io::{self, Write};

use ace_pga::normalize;

use crate::common::clean;
use crate::{progress, read_input, Failure};

/// `fix`: writes the normalised input to `output` (default: standard output) and prints the
/// changes and what is not fixable to standard error.
pub(crate) fn run(file: String, output: Option<String>) -> Result<(), Failure> {
    let io_err = |path: &str, e: io::Error| Failure::Usage(format!("{path}: {e}"));
    let mut stdout = io::stdout().lock();
    let write_err = crate::common::write_failure;
    let opts = normalize::NormalizeOptions::default();
    // A file is read twice (whole-input facts, then line by line) and the output written as
    // it is made: memory bounded by the longest line (issue 13). Read whole: standard input,
    // a pipe or device (it cannot be read twice), and a file that is also the output (the
    // output is written while the input is still read).
    let whole = file == "-"
        || !std::fs::metadata(&file).is_ok_and(|m| m.is_file())
        || output.as_deref().is_some_and(|o| same_file(&file, o));
    let data = if whole {
        Some(read_input(&file).map_err(|e| io_err(&file, e))?)
    } else {
        None
    };
    // Input that is not a CATAIR transmission comes back `rejected`, nothing written.
    let run = |mut w: &mut dyn Write| -> io::Result<normalize::Normalized> {
        match &data {
            Some(d) => normalize::normalize_to(d, &opts, &mut w),
            None => {
                let (f, _) = progress::open(&file)?;
                normalize::normalize_reader_to(f, &opts, &mut w)
            }
        }
    };
    // The output file is created on the first write, or at the end: never for input that is
    // not a CATAIR transmission. A failed write is told from a failed read by `Marked`.
    let fixed = match &output {
        Some(path) => {
            let mut lazy = LazyFile::Pending(path.clone());
            let mut w = Marked::new(&mut lazy);
            let fixed = run(&mut w).map_err(|e| match w.failed {
                true => io_err(path, e),
                false => io_err(&file, e),
            })?;
            if fixed.rejected.is_none() {
                lazy.finish().map_err(|e| io_err(path, e))?;
            }
            fixed
        }
        None => {
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut stdout);
            let mut w = Marked::new(&mut buffered);
            let fixed = run(&mut w).map_err(|e| match w.failed {
                true => write_err(e),
                false => io_err(&file, e),
            })?;
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
