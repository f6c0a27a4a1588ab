//! [`super::CheckOptions::threads`]: pieces after the first parsed and checked on worker
//! threads ([`prepare`]) from a [`Guess`] of what the pieces before leave, and added to the
//! report in input order ([`Pool::work`]).

use std::io;
use std::sync::{mpsc, Condvar, Mutex, MutexGuard, PoisonError};

use super::{
    is_tree_limit, mixed_terminators, read_pieces, without_tree_limits, BlockPre, CheckOutcome,
    Head, Meta, Scan, Streamer,
};
use crate::error::Problem;
use crate::options::ParseOptions;
use crate::tree::FlatTree;
use crate::validate::{self, Found, PieceChecks, ValidateOptions};
use crate::wire::framing::{Piece, Terminator};

/// A piece handed to a worker thread.
struct Job {
    /// The piece's place in the input (the first piece is 0, checked by the reading thread).
    index: u64,
    bytes: Vec<u8>,
    meta: Meta,
    concatenated: bool,
}

/// What a worker guesses the pieces before its own leave (published after each piece; a
/// wrong guess costs the work done with it, never the result).
#[derive(Debug, Clone, Default)]
pub(super) struct Guess {
    pub(super) first_term: Option<Terminator>,
    pub(super) mixed_reported: bool,
    pub(super) open: Option<Head>,
}

/// The work on a piece that needs nothing of the pieces before it but a [`Guess`], done on
/// a worker thread.
pub(super) struct Prepared<'b> {
    /// The first tree-limit problem of the piece.
    pub(super) limit: Option<Problem>,
    pub(super) parsed: Result<FlatTree<'b>, crate::error::ParseError>,
    /// F-019's state assumed, and after the piece.
    pub(super) mixed_before: (Option<Terminator>, bool),
    pub(super) mixed_after: (Option<Terminator>, bool),
    /// The F, S and OR findings, OR-018 from no certificate.
    pub(super) found: Found,
    pub(super) blocks: Vec<Option<BlockPre>>,
}

/// Parses and checks a piece (not the first) on a worker thread.
fn prepare<'b>(
    job: &'b Job,
    piece_opts: &ParseOptions,
    guess: Guess,
    checks: &mut PieceChecks,
) -> Prepared<'b> {
    let meta = job.meta;
    let piece = Piece {
        concatenated: Some(job.concatenated),
        first: false,
        last: meta.last,
    };
    let (line, offset) = (meta.first_line, meta.offset);
    let mut limit = None;
    let parsed = match FlatTree::parse_fragment(&job.bytes, piece_opts, line, offset, piece) {
        Ok(t) => Ok(t),
        Err(e) if e.problems.iter().all(is_tree_limit) => {
            limit = e.problems.first().cloned();
            let unlimited = without_tree_limits(piece_opts);
            FlatTree::parse_fragment(&job.bytes, &unlimited, line, offset, piece)
        }
        Err(e) => Err(e),
    };
    let mixed_before = (guess.first_term, guess.mixed_reported);
    let (mut first_term, mut reported) = mixed_before;
    let mut found = Found::default();
    let mut blocks = Vec::new();
    let parsed = parsed.map(|mut t| {
        mixed_terminators(&mut t, &mut first_term, &mut reported);
        checks.forget_certificates();
        found = checks.records(&t);
        let mut carried = if meta.starts_closing {
            None
        } else {
            guess.open
        };
        for (i, block) in t.batches().flat_map(|b| b.blocks()).enumerate() {
            let head = match if i == 0 { carried.take() } else { None } {
                Some(h) => h,
                None => Head::of(block),
            };
            let mut warned = head.warned_pg;
            let foreign = checks.foreign(block, head.app.as_deref(), &mut warned);
            let host = head
                .host
                .as_ref()
                .map(|(a, f)| (a.as_deref(), f.as_deref()));
            let host = checks.host(block, host);
            let se10 = validate::unit_has_se10(block);
            blocks.push(Some(BlockPre {
                head,
                foreign,
                warned_after: warned,
                host,
                se10,
            }));
        }
        t
    });
    Prepared {
        limit,
        parsed,
        mixed_before,
        mixed_after: (first_term, reported),
        found,
        blocks,
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The ordered part: the streamer and the index of the piece whose turn it is.
struct Turn<'o> {
    next: u64,
    streamer: Streamer<'o>,
}

/// What the worker threads share.
struct Pool<'a, 'o> {
    jobs: Mutex<mpsc::Receiver<Job>>,
    turn: Mutex<Turn<'o>>,
    turned: Condvar,
    guess: Mutex<Guess>,
    piece_opts: &'a ParseOptions,
    opts: &'o ValidateOptions,
}

impl Pool<'_, '_> {
    /// A worker: takes pieces in input order, prepares each, then waits for its turn to
    /// add it to the streamer.
    fn work(&self) {
        let mut checks = PieceChecks::new(self.opts);
        loop {
            let job = match lock(&self.jobs).recv() {
                Ok(j) => j,
                Err(_) => return,
            };
            let guess = lock(&self.guess).clone();
            let prepared = prepare(&job, self.piece_opts, guess, &mut checks);
            let mut turn = lock(&self.turn);
            while turn.next != job.index {
                turn = self
                    .turned
                    .wait(turn)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            turn.streamer.finish(prepared, &mut checks, job.meta);
            *lock(&self.guess) = turn.streamer.guess();
            turn.next += 1;
            drop(turn);
            self.turned.notify_all();
        }
    }
}

impl Streamer<'_> {
    /// [`Self::run`] with pieces after the first parsed and checked on `threads` worker
    /// threads and added to the report one by one in input order (the report does not
    /// depend on `threads`).
    pub(super) fn run_threads<R: io::BufRead>(
        self,
        input: R,
        threads: usize,
    ) -> io::Result<CheckOutcome> {
        let parse = self.parse.clone();
        let piece_opts = self.piece_opts.clone();
        let piece_len = self.copts.piece_len;
        let opts = self.opts;
        // One piece waits in the channel, one is read, one per worker is checked: memory
        // is a few pieces and their trees.
        let (tx, rx) = mpsc::sync_channel::<Job>(1);
        let pool = Pool {
            jobs: Mutex::new(rx),
            turn: Mutex::new(Turn {
                next: 1,
                streamer: self,
            }),
            turned: Condvar::new(),
            guess: Mutex::new(Guess::default()),
            piece_opts: &piece_opts,
            opts,
        };
        let mut scan = Scan::default();
        let read = std::thread::scope(|scope| {
            let mut workers = Vec::with_capacity(threads);
            for i in 0..threads {
                let pool = &pool;
                let spawned = std::thread::Builder::new()
                    .name(format!("ace-pga-check-{i}"))
                    .spawn_scoped(scope, move || pool.work());
                match spawned {
                    Ok(w) => workers.push(w),
                    // The system refused another thread: go on with those started.
                    Err(_) if !workers.is_empty() => break,
                    Err(e) => return Err(e),
                }
            }
            let mut index = 0u64;
            let mut stopped = false;
            let read = read_pieces(input, &parse, piece_len, &mut scan, |s, bytes, meta| {
                if meta.first {
                    let mut turn = lock(&pool.turn);
                    let st = &mut turn.streamer;
                    st.bom = s.bom;
                    st.concatenated = s.concatenated;
                    let m = meta;
                    st.piece(
                        bytes,
                        m.first_line,
                        m.offset,
                        true,
                        m.last,
                        m.starts_closing,
                    );
                    *lock(&pool.guess) = st.guess();
                    index = 1;
                    return;
                }
                let job = Job {
                    index,
                    bytes: std::mem::take(bytes),
                    meta,
                    concatenated: s.concatenated,
                };
                index += 1;
                if !stopped && tx.send(job).is_err() {
                    stopped = true;
                }
            });
            drop(tx);
            let mut failed = stopped;
            for w in workers {
                failed |= w.join().is_err();
            }
            if failed {
                return Err(io::Error::other("a checking thread stopped"));
            }
            read
        })?;
        let streamer = pool
            .turn
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .streamer;
        Ok(streamer.conclude(&scan, read))
    }
}
