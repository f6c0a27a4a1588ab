//! `ace-pga fix`: normalise without changing a meaning or a position.

use std::io::{self, Seek, SeekFrom, Write};

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
    // The output file is created on the first write, or at the end: never for input that is
    // not a CATAIR transmission. A failed write is told from a failed read by `Marked`.
    let fixed = match &output {
        // A file that is also the output (`fix -o F F`): fixed into a temporary file, which
        // is copied over it at the end (the input is still read while the output is made).
        Some(path) if same_file(&file, path) => {
            let temp_err = |e: io::Error| Failure::Usage(format!("temporary file: {e}"));
            let mut temp = tempfile::tempfile().map_err(temp_err)?;
            let fixed = {
                let mut buffered = io::BufWriter::with_capacity(1 << 16, &temp);
                let mut w = Marked::new(&mut buffered);
                let fixed = run(&mut w).map_err(|e| match w.failed {
                    true => temp_err(e),
                    false => io_err(&file, e),
                })?;
                buffered.flush().map_err(temp_err)?;
                fixed
            };
            if fixed.rejected.is_none() {
                temp.seek(SeekFrom::Start(0)).map_err(temp_err)?;
                let mut lazy = LazyFile::Pending(path.clone());
                io::copy(&mut temp, &mut lazy).map_err(|e| io_err(path, e))?;
                lazy.finish().map_err(|e| io_err(path, e))?;
            }
            fixed
        }
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
