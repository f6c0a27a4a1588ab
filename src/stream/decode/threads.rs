//! The streamed `decode`'s passes on worker threads ([`in_order`]): runs of parts handed
//! out, made into something on the workers and handed back to the calling thread in input
//! order: the first pass ([`super::scan_threads`]: parsed into the flat tree, problems and
//! counts) and the writing pass ([`super::write_decode_document_threads`]: rendered into
//! [`Buffers`] by a [`Renderer`]).

use std::io::{self, BufRead, Read, Seek, Write};
use std::ops::Range;
use std::sync::{mpsc, Mutex, PoisonError};

use serde_json::ser::Formatter;

use super::{Carry, Part, PartReader, StreamDecodeError, StreamSummary, Writer};
use crate::error::{ParseError, Problem, ProblemKind};
use crate::options::ParseOptions;
use crate::stream::StreamOptions;
use crate::wire::framing::{Framing, Terminator};
use crate::write::dump::{latin1_string, DumpJsonWriter};
use crate::write::{DecodeJson, JsonStyle};

/// What the calling thread is handed by [`in_order`].
pub(super) enum Step<T> {
    /// The input's first part (it sets the document's convention, which the calling thread
    /// gives back).
    First(Part),
    /// What a worker made of the next run of parts.
    Run(T),
}

/// Reads the parts of `reader`: the first is handed to `main` as [`Step::First`] (which
/// answers the document's terminator convention), the others go in runs of about
/// [`RUN_LEN`] bytes to `threads` worker threads, where `work` makes a `T` of each run (with
/// the thread's own state `K`, made once by `K::default()`), and each `T` is handed to
/// `main` as [`Step::Run`] in input order. At most 2 × `threads` runs are out at a time.
///
/// # Errors
/// The first read error, the input-length limit, an empty input (as the whole parse fails
/// it), the first error of `main`;
/// [`StreamDecodeError::Read`] when no worker thread can be started or one stops.
pub(super) fn in_order<R, K, T>(
    reader: R,
    opts: &ParseOptions,
    stream: &StreamOptions,
    threads: usize,
    work: impl Fn(&mut K, Vec<Part>, Terminator) -> T + Sync,
    mut main: impl FnMut(Step<T>) -> Result<Terminator, StreamDecodeError>,
) -> Result<(), StreamDecodeError>
where
    R: BufRead,
    K: Default,
    T: Send,
{
    let parts = PartReader::new(reader, opts, stream).map_err(StreamDecodeError::Read)?;
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(threads);
    let (out_tx, out_rx) = mpsc::channel::<(u64, T)>();
    let job_rx = Mutex::new(job_rx);
    let stopped = || StreamDecodeError::Read(io::Error::other("a decoding thread stopped"));
    std::thread::scope(|scope| {
        let mut started = 0usize;
        for i in 0..threads {
            let (job_rx, out_tx, work) = (&job_rx, out_tx.clone(), &work);
            let spawned = std::thread::Builder::new()
                .name(format!("ace-pga-decode-{i}"))
                .spawn_scoped(scope, move || {
                    let mut kept = K::default();
                    loop {
                        let job = match job_rx.lock().unwrap_or_else(PoisonError::into_inner).recv()
                        {
                            Ok(j) => j,
                            Err(_) => return,
                        };
                        let made = work(&mut kept, job.parts, job.convention);
                        if out_tx.send((job.index, made)).is_err() {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                // The system refused another thread: go on with those started.
                Err(_) if started > 0 => break,
                Err(e) => return Err(StreamDecodeError::Read(e)),
            }
        }
        drop(out_tx);
        let mut order = Order {
            pending: std::collections::BTreeMap::new(),
            sent: 0,
            written: 0,
            rx: out_rx,
        };
        let mut convention = None;
        let mut len = 0usize;
        let mut run: Vec<Part> = Vec::new();
        let mut run_len = 0usize;
        let mut read_failure = None;
        let max_in_flight = (threads * 2) as u64;
        for part in parts {
            let part = match part {
                Ok(p) => p,
                Err(e) => {
                    read_failure = Some(StreamDecodeError::Read(e));
                    break;
                }
            };
            len = len.saturating_add(part.bytes.len());
            if len > opts.limits.max_input_len {
                read_failure = Some(super::input_too_long());
                break;
            }
            let Some(convention) = convention else {
                convention = Some(main(Step::First(part))?);
                continue;
            };
            run_len += part.bytes.len();
            run.push(part);
            if run_len >= RUN_LEN {
                run_len = 0;
                let job = Job {
                    index: order.sent,
                    parts: std::mem::take(&mut run),
                    convention,
                };
                order.wait_below(max_in_flight, &mut main)?;
                job_tx.send(job).map_err(|_| stopped())?;
                order.sent += 1;
            }
        }
        if let (false, Some(convention)) = (run.is_empty(), convention) {
            let job = Job {
                index: order.sent,
                parts: run,
                convention,
            };
            job_tx.send(job).map_err(|_| stopped())?;
            order.sent += 1;
        }
        drop(job_tx);
        order.wait_below(1, &mut main)?;
        match (read_failure, convention) {
            (Some(e), _) => Err(e),
            (None, None) => super::fail_empty(opts),
            (None, Some(_)) => Ok(()),
        }
    })
}

impl<W: Write, S: Read + Write + Seek, F: Formatter + Clone + Send + Sync, P: FnMut(&Problem)>
    Writer<W, S, F, P>
{
    pub(super) fn run_threads<R: BufRead>(
        mut self,
        reader: R,
        opts: &ParseOptions,
        stream: &StreamOptions,
        threads: usize,
    ) -> Result<StreamSummary, StreamDecodeError> {
        let organic_fmt = self.organic_fmt.clone();
        let (style, pad) = (self.doc.style, self.pad);
        let pool = Pool::default();
        let mut carry = Carry::default();
        let work = |fields: &mut DumpJsonWriter, parts: Vec<Part>, convention| {
            let mut r = Renderer {
                opts,
                convention,
                pad,
                style,
                organic_fmt: &organic_fmt,
                fields,
                buffers: pool.take(),
            };
            let outs = parts.into_iter().map(|p| r.render(p)).collect();
            Ran {
                outs,
                buffers: r.buffers,
            }
        };
        in_order(reader, opts, stream, threads, work, |step| {
            match step {
                Step::First(part) => {
                    let mut t = part.parse_flat(opts)?;
                    carry.fix(&part, &mut t);
                    self.inline(&part, &t, &carry)?;
                }
                Step::Run(ran) => {
                    self.outs(ran.outs, &ran.buffers, &mut carry, opts)?;
                    pool.give(ran.buffers);
                }
            }
            Ok(carry.terminator())
        })?;
        self.end()
    }
}

/// Parts handed to the workers in a run of at least this many bytes.
const RUN_LEN: usize = 128 << 10;

/// A run of parts for a worker.
struct Job {
    index: u64,
    parts: Vec<Part>,
    /// The document's terminator convention (set by the first part).
    convention: Terminator,
}

/// What a worker made of a part.
pub(super) enum Out {
    /// An envelope record (or a part that could not be rendered apart): written by the
    /// calling thread as [`Writer::inline`] writes it.
    Inline(Part),
    Rendered(Box<Rendered>),
    /// The part fails as a whole.
    Failed(ParseError),
}

/// A transaction part's JSON and what the calling thread needs of its parse.
pub(super) struct Rendered {
    pub(super) bytes: u64,
    pub(super) records: u64,
    pub(super) framing: Framing,
    /// The problems without F-019; the first record whose terminator differs from the
    /// convention (F-019 if not reported before).
    pub(super) problems: Vec<Problem>,
    pub(super) mixed: Option<(u32, usize)>,
    /// The transactions' JSON: `Buffers::json` from `json_start`, the transaction `i` of
    /// the part ending at `Buffers::ends[i]` for the `i` of `ends`.
    pub(super) json_start: usize,
    pub(super) ends: Range<usize>,
    /// The organic values (`Buffers::organic[organic]`), each written as one after the
    /// first of the section.
    pub(super) organic: Range<usize>,
    pub(super) organic_count: usize,
    pub(super) trailing: Option<String>,
}

/// The buffers a run is rendered into, handed back to [`Pool`] once written.
#[derive(Default)]
pub(super) struct Buffers {
    pub(super) json: Vec<u8>,
    pub(super) ends: Vec<usize>,
    pub(super) organic: Vec<u8>,
}

/// A run's parts as a worker made them, and the buffers their JSON is in.
pub(super) struct Ran {
    pub(super) outs: Vec<Out>,
    pub(super) buffers: Buffers,
}

/// [`Buffers`] written and ready for another run: at most as many as runs are in flight,
/// so that a run reuses the capacity of the ones before it instead of growing new
/// buffers (and the calling thread does not free what a worker allocated).
#[derive(Default)]
struct Pool(Mutex<Vec<Buffers>>);

/// Buffers grown beyond this (a run with a transaction of many megabytes) are freed
/// rather than kept.
const POOLED_CAPACITY: usize = 8 << 20;

impl Pool {
    fn take(&self) -> Buffers {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default()
    }

    fn give(&self, mut b: Buffers) {
        if b.json.capacity() > POOLED_CAPACITY || b.organic.capacity() > POOLED_CAPACITY {
            return;
        }
        b.json.clear();
        b.ends.clear();
        b.organic.clear();
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(b);
    }
}

/// The largest part a worker renders into a buffer; the calling thread writes a larger one
/// to the output as it goes (a transaction of any size takes no more memory for its JSON).
const RENDER_AT_MOST: usize = 1 << 20;

/// Renders the transaction parts of a run on a worker thread.
struct Renderer<'r, F> {
    opts: &'r ParseOptions,
    convention: Terminator,
    pad: bool,
    style: JsonStyle,
    organic_fmt: &'r F,
    fields: &'r mut DumpJsonWriter,
    buffers: Buffers,
}

impl<F: Formatter + Clone> Renderer<'_, F> {
    fn render(&mut self, part: Part) -> Out {
        if part.envelope || part.bytes.len() > RENDER_AT_MOST {
            // A large part is written by the calling thread as it goes (its JSON is never
            // held whole).
            return Out::Inline(part);
        }
        let mut t = match part.parse_flat(self.opts) {
            Ok(t) => t,
            Err(e) => return Out::Failed(e),
        };
        t.problems_mut()
            .retain(|p| !matches!(p.kind, ProblemKind::MixedTerminators));
        let mixed = super::first_deviating(t.records(), self.convention);
        let b = &mut self.buffers;
        let (json_start, ends_start, organic_start) = (b.json.len(), b.ends.len(), b.organic.len());
        for tx in t.transactions() {
            DecodeJson::new(&tx, self.pad)
                .with_convention(self.convention)
                .write_json_with(&mut b.json, self.style, self.fields);
            b.ends.push(b.json.len());
        }
        let mut fmt = self.organic_fmt.clone();
        let mut organic_count = 0usize;
        let mut failed = false;
        for line in t.organic_lines() {
            let written = fmt
                .begin_array_value(&mut b.organic, false)
                .and_then(|()| {
                    crate::write::write_organic_line(
                        &mut b.organic,
                        super::organic_style(self.style),
                        &line,
                    )
                })
                .and_then(|()| fmt.end_array_value(&mut b.organic));
            if written.is_err() {
                failed = true;
                break;
            }
            organic_count += 1;
        }
        if failed {
            // Not rendered apart: the calling thread writes it (and reports the error).
            b.json.truncate(json_start);
            b.ends.truncate(ends_start);
            b.organic.truncate(organic_start);
            drop(t);
            return Out::Inline(part);
        }
        let rendered = Rendered {
            bytes: part.bytes.len() as u64,
            records: t.records().len() as u64,
            framing: *t.framing(),
            problems: std::mem::take(t.problems_mut()),
            mixed,
            json_start,
            ends: ends_start..b.ends.len(),
            organic: organic_start..b.organic.len(),
            organic_count,
            trailing: part.last.then(|| {
                latin1_string(crate::transmission::trailing_to_write(
                    t.trailing(),
                    self.opts.ignore_trailing_eof,
                ))
            }),
        };
        Out::Rendered(Box::new(rendered))
    }
}

/// The runs handed back by the workers, handed on in input order.
struct Order<T> {
    pending: std::collections::BTreeMap<u64, T>,
    sent: u64,
    written: u64,
    rx: mpsc::Receiver<(u64, T)>,
}

impl<T> Order<T> {
    /// Hands on what is back in order until fewer than `max` runs are out.
    fn wait_below(
        &mut self,
        max: u64,
        main: &mut impl FnMut(Step<T>) -> Result<Terminator, StreamDecodeError>,
    ) -> Result<(), StreamDecodeError> {
        loop {
            while let Some(made) = self.pending.remove(&self.written) {
                main(Step::Run(made))?;
                self.written += 1;
            }
            if self.sent - self.written < max {
                return Ok(());
            }
            match self.rx.recv() {
                Ok((i, made)) => {
                    self.pending.insert(i, made);
                }
                Err(_) => {
                    return Err(StreamDecodeError::Read(io::Error::other(
                        "a decoding thread stopped",
                    )))
                }
            }
        }
    }
}

/// What a worker of the first pass made of a part.
enum Scanned {
    /// An envelope record: scanned by the calling thread (its application identifier).
    Inline(Part),
    Parsed {
        bytes: u64,
        records: u64,
        /// The problems without F-019, and the first record whose terminator differs
        /// from the convention (F-019 if not reported before).
        problems: Vec<Problem>,
        mixed: Option<(u32, usize)>,
    },
    /// The part fails as a whole.
    Failed(ParseError),
}

/// [`super::scan_threads`] on `threads` (> 1) worker threads.
pub(super) fn scan(
    reader: impl BufRead,
    opts: &ParseOptions,
    stream: &StreamOptions,
    threads: usize,
    summary: &mut StreamSummary,
    mut on_problem: impl FnMut(&Problem),
) -> Result<(), StreamDecodeError> {
    let work = |_: &mut (), parts: Vec<Part>, convention| -> Vec<Scanned> {
        parts
            .into_iter()
            .map(|part| {
                if part.envelope {
                    return Scanned::Inline(part);
                }
                match part.parse_flat(opts) {
                    Ok(mut t) => {
                        t.problems_mut()
                            .retain(|p| !matches!(p.kind, ProblemKind::MixedTerminators));
                        Scanned::Parsed {
                            bytes: part.bytes.len() as u64,
                            records: t.records().count() as u64,
                            mixed: super::first_deviating(t.records(), convention),
                            problems: std::mem::take(t.problems_mut()),
                        }
                    }
                    Err(e) => Scanned::Failed(e),
                }
            })
            .collect()
    };
    let mut carry = Carry::default();
    in_order(reader, opts, stream, threads, work, |step| {
        let scanned = match step {
            Step::First(part) => vec![Scanned::Inline(part)],
            Step::Run(scanned) => scanned,
        };
        for s in scanned {
            match s {
                Scanned::Inline(part) => {
                    super::scan_inline(&part, opts, &mut carry, summary, &mut on_problem)?;
                }
                Scanned::Parsed {
                    bytes,
                    records,
                    mut problems,
                    mixed,
                } => {
                    carry.report_mixed(&mut problems, mixed);
                    problems.iter().for_each(&mut on_problem);
                    summary.add_counts(bytes, records, &problems);
                }
                Scanned::Failed(e) => return Err(e.into()),
            }
        }
        Ok(carry.terminator())
    })
}
