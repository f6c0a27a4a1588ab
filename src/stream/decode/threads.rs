//! [`super::write_decode_document_threads`] on worker threads: runs of parts handed out,
//! rendered ([`render`]) and written back in input order ([`Order`]).

use std::io::{self, BufRead, Read, Seek, Write};
use std::ops::Range;
use std::sync::{mpsc, Mutex, PoisonError};

use serde_json::ser::Formatter;

use super::{value, Carry, Part, PartReader, StreamDecodeError, StreamSummary, Writer};
use crate::error::{ParseError, Problem, ProblemKind};
use crate::options::ParseOptions;
use crate::profile::ams_or::OrganicLine;
use crate::stream::StreamOptions;
use crate::transmission::Transmission;
use crate::wire::framing::{Framing, Terminator};
use crate::write::dump::{latin1_string, DumpJsonWriter};
use crate::write::{DecodeJson, JsonStyle};

impl<W: Write, S: Read + Write + Seek, F: Formatter + Clone + Send, P: FnMut(&Problem)>
    Writer<W, S, F, P>
{
    pub(super) fn run_threads<R: BufRead>(
        mut self,
        reader: R,
        opts: &ParseOptions,
        stream: &StreamOptions,
        threads: usize,
    ) -> Result<StreamSummary, StreamDecodeError> {
        let parts = PartReader::new(reader, opts, stream).map_err(StreamDecodeError::Read)?;
        let (job_tx, job_rx) = mpsc::sync_channel::<Job>(threads);
        let (out_tx, out_rx) = mpsc::channel::<(u64, Ran)>();
        let job_rx = Mutex::new(job_rx);
        let pool = Pool::default();
        let organic_fmt = self.organic_fmt.clone();
        let style = self.doc.style;
        let pad = self.pad;
        let mut carry = Carry::default();
        let failure = std::thread::scope(|scope| {
            let mut started = 0usize;
            for i in 0..threads {
                let (job_rx, out_tx, organic_fmt) = (&job_rx, out_tx.clone(), organic_fmt.clone());
                let pool = &pool;
                let spawned = std::thread::Builder::new()
                    .name(format!("ace-pga-decode-{i}"))
                    .spawn_scoped(scope, move || {
                        // The field renderer's buffers, kept for the thread's life.
                        let mut fields = DumpJsonWriter::new();
                        loop {
                            let job = match job_rx
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .recv()
                            {
                                Ok(j) => j,
                                Err(_) => return,
                            };
                            let mut r = Renderer {
                                opts,
                                convention: job.convention,
                                pad,
                                style,
                                organic_fmt: &organic_fmt,
                                fields: &mut fields,
                                buffers: pool.take(),
                            };
                            let outs = job.parts.into_iter().map(|p| r.render(p)).collect();
                            let ran = Ran {
                                outs,
                                buffers: r.buffers,
                            };
                            if out_tx.send((job.index, ran)).is_err() {
                                return;
                            }
                        }
                    });
                match spawned {
                    Ok(_) => started += 1,
                    // The system refused another thread: go on with those started.
                    Err(_) if started > 0 => break,
                    Err(e) => return Some(StreamDecodeError::Read(e)),
                }
            }
            drop(out_tx);
            let mut order = Order {
                pending: std::collections::BTreeMap::new(),
                sent: 0,
                written: 0,
                rx: out_rx,
                pool: &pool,
            };
            let mut any = false;
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
                    // The whole input is over the limit: the whole parse's error.
                    read_failure = Some(StreamDecodeError::Parse(ParseError {
                        problems: vec![crate::wire::framing::whole_input(
                            ProblemKind::LimitExceeded {
                                limit: "max_input_len",
                            },
                        )],
                    }));
                    break;
                }
                if !any {
                    // The first part here: it sets the document's convention.
                    any = true;
                    let first =
                        part.parse(opts)
                            .map_err(StreamDecodeError::from)
                            .and_then(|mut t| {
                                carry.fix(&part, &mut t);
                                self.inline(&part, &t, &carry)
                            });
                    if let Err(e) = first {
                        return Some(e);
                    }
                    continue;
                }
                run_len += part.bytes.len();
                run.push(part);
                if run_len >= RUN_LEN {
                    run_len = 0;
                    let job = Job {
                        index: order.sent,
                        parts: std::mem::take(&mut run),
                        convention: carry.terminator(),
                    };
                    if let Err(e) = order.wait_below(max_in_flight, &mut self, &mut carry, opts) {
                        return Some(e);
                    }
                    if job_tx.send(job).is_err() {
                        return Some(StreamDecodeError::Read(io::Error::other(
                            "a decoding thread stopped",
                        )));
                    }
                    order.sent += 1;
                }
            }
            if !run.is_empty() {
                let job = Job {
                    index: order.sent,
                    parts: run,
                    convention: carry.terminator(),
                };
                if job_tx.send(job).is_err() {
                    return Some(StreamDecodeError::Read(io::Error::other(
                        "a decoding thread stopped",
                    )));
                }
                order.sent += 1;
            }
            drop(job_tx);
            if let Err(e) = order.wait_below(1, &mut self, &mut carry, opts) {
                return Some(e);
            }
            if let Some(e) = read_failure {
                return Some(e);
            }
            if !any {
                // An empty input fails as the whole parse fails it (F-020).
                if let Err(e) = Transmission::parse_with(&[], opts) {
                    return Some(e.into());
                }
            }
            None
        });
        if let Some(e) = failure {
            return Err(e);
        }
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
        if part.envelope {
            return Out::Inline(part);
        }
        let mut t = match part.parse(self.opts) {
            Ok(t) => t,
            Err(e) => return Out::Failed(e),
        };
        t.problems
            .retain(|p| !matches!(p.kind, ProblemKind::MixedTerminators));
        let mixed = super::first_deviating(t.records(), self.convention);
        let b = &mut self.buffers;
        let (json_start, ends_start, organic_start) = (b.json.len(), b.ends.len(), b.organic.len());
        for tx in t.tree.transactions() {
            DecodeJson::new(tx, self.pad)
                .with_convention(self.convention)
                .write_json_with(&mut b.json, self.style, self.fields);
            b.ends.push(b.json.len());
        }
        let mut fmt = self.organic_fmt.clone();
        let mut organic_count = 0usize;
        let mut failed = false;
        for line in t.tree.pga_lines().filter_map(OrganicLine::from_line) {
            let written = fmt
                .begin_array_value(&mut b.organic, false)
                .and_then(|()| value(&mut b.organic, &mut fmt, &line))
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
            records: t.records().count() as u64,
            framing: t.tree.framing,
            problems: std::mem::take(&mut t.problems),
            mixed,
            json_start,
            ends: ends_start..b.ends.len(),
            organic: organic_start..b.organic.len(),
            organic_count,
            trailing: part
                .last
                .then(|| latin1_string(crate::transmission::written_trailing(&t))),
        };
        Out::Rendered(Box::new(rendered))
    }
}

/// The runs handed back by the workers, written in input order.
struct Order<'p> {
    pending: std::collections::BTreeMap<u64, Ran>,
    sent: u64,
    written: u64,
    rx: mpsc::Receiver<(u64, Ran)>,
    pool: &'p Pool,
}

impl Order<'_> {
    /// Writes what is back in order until fewer than `max` runs are out.
    fn wait_below<
        W: Write,
        S: Read + Write + Seek,
        F: Formatter + Clone + Send,
        P: FnMut(&Problem),
    >(
        &mut self,
        max: u64,
        w: &mut Writer<W, S, F, P>,
        carry: &mut Carry,
        opts: &ParseOptions,
    ) -> Result<(), StreamDecodeError> {
        loop {
            while let Some(ran) = self.pending.remove(&self.written) {
                w.outs(ran.outs, &ran.buffers, carry, opts)?;
                self.pool.give(ran.buffers);
                self.written += 1;
            }
            if self.sent - self.written < max {
                return Ok(());
            }
            match self.rx.recv() {
                Ok((i, ran)) => {
                    self.pending.insert(i, ran);
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
