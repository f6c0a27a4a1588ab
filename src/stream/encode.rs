//! `ace-pga encode` in bounded memory (feature `json`): a `decode` document read from a
//! reader and written as records while it is read, one transaction at a time, never as a
//! whole [`crate::OwnedTransmission`]. The bytes, and every message, are those of
//! [`crate::write::EncodeInput::from_json_slice`] followed by
//! [`crate::OwnedTransmission::to_bytes`] and
//! [`crate::write::EncodeInput::organic_difference`].
//!
//! The JSON is read twice: first deserialized with a [`serde::de::DeserializeSeed`] down to
//! each transaction, which is encoded and dropped; then scanned for a key given twice, its
//! `organic` entries compared one at a time with the lines the records written give. What
//! fails gets the whole-document path's message: a JSON error is reported as
//! [`crate::write::EncodeInput::from_json_slice`] reports it (for the message only, the
//! document is then read whole: serde_json places positions differently when reading from a
//! reader), and a record error only after the scan found no key given twice. The records go
//! to a caller-given buffer (`spill`, a temporary file for a large input) so that nothing
//! reaches the output of an input that fails: copy it to the output when [`encode_stream`]
//! returns `Ok`. Memory: the largest transaction (and, only when the JSON gives `framing`
//! after `batches`, or a batch's or block's `header` after its content, which `decode`
//! never does, the records held until their place is known).
//!
//! An `organic` entry is compared as JSON text, never as a `serde_json::Value`
//! ([`crate::write::encode_json`]'s `first_difference_text`): one organic line of 150,000
//! lots takes its text (9 MB), not a `Value` of it (some 100 MB).

use std::fmt;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::BuildError;
use crate::options::ParseOptions;
use crate::tree::{Disposition, HtsAnchor, Item, Node, OiGroup, SubstitutionGroup, Transaction};
use crate::wire::framing::{Framing, Terminator};
use crate::write::encode_json::{
    first_difference, first_difference_text, json_error, scan, show_text, typed_error,
};
use crate::write::owned::{trailing_bytes, OwnedRecord};
use crate::write::EncodeJsonError;

/// Why a streamed `encode` stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamEncodeError {
    /// Reading the JSON failed.
    #[error("{0}")]
    Read(io::Error),
    /// Writing the records (to the spill) failed.
    #[error("writing output: {0}")]
    Write(io::Error),
    /// The JSON is not a decode document, or a record cannot be written (the messages of
    /// [`crate::write::EncodeInput::from_json_slice`] and
    /// [`crate::OwnedTransmission::to_bytes`]).
    #[error(transparent)]
    Json(#[from] EncodeJsonError),
}

/// What [`encode_stream`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeSummary {
    /// Bytes written to the spill (records, terminators, trailing bytes).
    pub len: u64,
    /// The first difference between the document's `organic` section and the one the
    /// records give ([`crate::write::EncodeInput::organic_difference`]).
    pub organic_difference: Option<String>,
    /// The document's `framing.byte_order_mark`: the input had one, and the records written
    /// have none (a byte order mark is never written, SPEC 2.2).
    pub byte_order_mark: bool,
}

/// Encodes the decode document that `open` reads (called once per pass, each time from the
/// start: twice, three times on a record error, once more for the message of a JSON error)
/// into `spill` (from its start; the records, terminators and trailing bytes, `len` bytes of
/// it), then compares the `organic` section with the records.
///
/// # Errors
/// [`StreamEncodeError::Json`] with the whole-document path's message, or I/O errors.
pub fn encode_stream<R: Read, S: Read + Write + Seek>(
    mut open: impl FnMut() -> io::Result<R>,
    spill: &mut S,
) -> Result<EncodeSummary, StreamEncodeError> {
    let reader = |r: R| io::BufReader::with_capacity(1 << 16, r);
    // Pass 1: the records, transaction by transaction.
    spill
        .seek(SeekFrom::Start(0))
        .map_err(StreamEncodeError::Write)?;
    let mut enc = Enc {
        out: io::BufWriter::with_capacity(1 << 16, &mut *spill),
        framing: None,
        pending: Vec::new(),
        holds: 0,
        open: None,
        error: None,
        io: None,
        len: 0,
        trailing: None,
    };
    let mut de =
        serde_json::Deserializer::from_reader(reader(open().map_err(StreamEncodeError::Read)?));
    let mut track = serde_path_to_error::Track::new();
    let typed =
        DocSeed(&mut enc).deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    let typed = match typed {
        Ok(()) => de.end().map_err(|e| json_error("", &e)),
        Err(e) => Err(typed_error(&track.path().to_string(), &e)),
    };
    if let Err(m) = typed {
        drop(enc);
        return Err(whole_document_error(&mut open, m));
    }
    let trailing = enc.trailing.take().unwrap_or_default();
    let byte_order_mark = enc.framing.is_some_and(|f| f.byte_order_mark);
    let finished = enc
        .finish_with(&trailing)
        .and_then(|()| enc.out.flush().map_err(StreamEncodeError::Write));
    let len = enc.len;
    drop(enc);
    if let Err(e) = finished {
        // A key given twice comes before a record error (the whole-document path reads
        // all of the JSON first).
        if matches!(e, StreamEncodeError::Json(_)) {
            let scanned = scan::scan_reader(
                reader(open().map_err(StreamEncodeError::Read)?),
                &mut |_| {},
            );
            if let Err(m) = scanned {
                return Err(whole_document_error(&mut open, m));
            }
        }
        return Err(e);
    }
    // Pass 2: keys given twice; the organic section against the records written, an entry
    // at a time.
    spill
        .seek(SeekFrom::Start(0))
        .map_err(StreamEncodeError::Write)?;
    let bytes = io::BufReader::with_capacity(1 << 16, (&mut *spill).take(len));
    let mut cmp = Comparer::new(Derived::new(bytes).map_err(StreamEncodeError::Write)?);
    let scanned = scan::scan_reader(reader(open().map_err(StreamEncodeError::Read)?), &mut |g| {
        cmp.entry(g)
    });
    let organic_difference = match scanned {
        Err(m) => return Err(whole_document_error(&mut open, m)),
        Ok(scan::Organic::Absent) => None,
        Ok(scan::Organic::Entries) => cmp.finish(),
        Ok(scan::Organic::Whole(v)) => cmp.whole(v),
    };
    if let Some(e) = cmp.derived.io.take() {
        return Err(StreamEncodeError::Write(e));
    }
    Ok(EncodeSummary {
        len,
        organic_difference,
        byte_order_mark,
    })
}

/// The message of a document the JSON passes refuse, exactly as the whole-document path
/// gives it: a reader places serde_json's positions differently from a slice (a value it
/// only peeked at), so the document is read whole (this once, for the message) and read by
/// [`crate::write::EncodeInput::from_json_slice`]; `streamed` is the streamed pass's
/// message, for the case that path would accept the document.
fn whole_document_error<R: Read>(
    open: &mut impl FnMut() -> io::Result<R>,
    streamed: String,
) -> StreamEncodeError {
    let mut data = Vec::new();
    if let Err(e) = open().and_then(|mut r| r.read_to_end(&mut data)) {
        return StreamEncodeError::Read(e);
    }
    match crate::write::EncodeInput::from_json_slice(&data) {
        Err(e) => e.into(),
        Ok(_) => EncodeJsonError::Json(streamed).into(),
    }
}

/// The organic lines of the records written, one part at a time, as compact JSON text
/// ([`crate::write::EncodeInput::organic_difference`] parses the records leniently; a
/// records parse that fails gives no lines at all: `failed`).
struct Derived<R> {
    parts: Option<super::decode::PartReader<R>>,
    /// The organic lines of the part read last, as compact JSON (a `serde_json::Value` costs
    /// several times that: a transaction can hold thousands of lines).
    queue: std::collections::VecDeque<Vec<u8>>,
    opts: ParseOptions,
    len: usize,
    failed: bool,
    io: Option<io::Error>,
}

impl<R: BufRead> Derived<R> {
    fn new(bytes: R) -> io::Result<Self> {
        // Without the tree limits, as `ace-pga decode` reads (a PGA line of more than
        // 100,000 records has its organic entry too).
        let opts = ParseOptions::lenient()
            .max_records_per_pga_line(usize::MAX)
            .max_pga_lines_per_oi(usize::MAX);
        let parts = super::decode::PartReader::new(bytes, &opts, &super::StreamOptions::default())?;
        Ok(Derived {
            parts: Some(parts),
            queue: Default::default(),
            opts,
            len: 0,
            failed: false,
            io: None,
        })
    }
}

impl<R: BufRead> Iterator for Derived<R> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        loop {
            if let Some(v) = self.queue.pop_front() {
                // serde_json writes UTF-8.
                return Some(String::from_utf8(v).unwrap_or_default());
            }
            let part = match self.parts.as_mut()?.next() {
                None => None,
                Some(Err(e)) => {
                    self.io = Some(e);
                    None
                }
                Some(Ok(part)) => Some(part),
            };
            let Some(part) = part else {
                self.parts = None;
                return None;
            };
            self.len = self.len.saturating_add(part.bytes.len());
            let parsed = part
                .parse_flat(&self.opts)
                .ok()
                .filter(|_| self.len <= self.opts.limits.max_input_len);
            let Some(t) = parsed else {
                self.failed = true;
                self.parts = None;
                return None;
            };
            for line in t.organic_lines() {
                self.queue
                    .push_back(serde_json::to_vec(&line).unwrap_or_default());
            }
        }
    }
}

/// Compares the entries of the document's `organic` array, given one at a time as compact
/// JSON text, with the lines the records give (as `first_difference` compares two arrays,
/// by [`first_difference_text`]: no entry is built as a `serde_json::Value`).
struct Comparer<R> {
    derived: Derived<R>,
    /// Entries given so far.
    n: usize,
    /// The first entry given, as `show_text` shows it.
    first_given: Option<String>,
    diff: Option<String>,
    /// The first entry given past the derived lines, as `show_text` shows it.
    extra_given: Option<String>,
    /// Derived lines pulled so far.
    derived_len: usize,
}

impl<R: BufRead> Comparer<R> {
    fn new(derived: Derived<R>) -> Self {
        Comparer {
            derived,
            n: 0,
            first_given: None,
            diff: None,
            extra_given: None,
            derived_len: 0,
        }
    }

    fn entry(&mut self, g: &[u8]) {
        let n = self.n;
        self.n += 1;
        // The scan writes UTF-8 JSON.
        let g = std::str::from_utf8(g).unwrap_or("null");
        if self.diff.is_none() && self.extra_given.is_none() {
            match self.derived.next() {
                Some(d) => {
                    self.derived_len += 1;
                    self.diff = first_difference_text(&format!("organic[{n}]"), g, &d);
                }
                None => self.extra_given = Some(show_text(g)),
            }
        }
        if n == 0 {
            self.first_given = Some(show_text(g));
        }
    }

    fn finish(&mut self) -> Option<String> {
        let n = self.n;
        // The first derived line past the entries given, and the count of the rest.
        let mut beyond = None;
        if self.diff.is_none() && self.extra_given.is_none() {
            beyond = self.derived.next();
            self.derived_len += usize::from(beyond.is_some());
        }
        self.derived_len += self.derived.by_ref().count();
        let derived_len = self.derived_len;
        if self.derived.failed {
            // The records do not parse: no lines (the whole-document path's reading).
            return self.first_given.take().map(|g| {
                format!(
                    "organic[0]: JSON says {g}, records have no such entry ({n} in JSON, 0 \
                     from the records)"
                )
            });
        }
        if self.diff.is_some() {
            return self.diff.take();
        }
        let at = n.min(derived_len);
        match (self.extra_given.take(), beyond) {
            (Some(g), _) => Some(format!(
                "organic[{at}]: JSON says {g}, records have no such entry ({n} in JSON, \
                 {derived_len} from the records)"
            )),
            (None, Some(d)) => Some(format!(
                "organic[{at}]: JSON lacks it, records say {} ({n} in JSON, {derived_len} \
                 from the records)",
                show_text(&d)
            )),
            (None, None) => None,
        }
    }

    /// A section that is not an array: compared whole.
    fn whole(&mut self, given: serde_json::Value) -> Option<String> {
        let mut derived: Vec<serde_json::Value> = self
            .derived
            .by_ref()
            .map(|d| serde_json::from_str(&d).unwrap_or_default())
            .collect();
        if self.derived.failed {
            derived.clear();
        }
        first_difference("organic", &given, &serde_json::Value::Array(derived))
    }
}

/// A record of the document, encoded as soon as it is read: the bytes
/// [`OwnedRecord::to_bytes`] gives (or its error), the record's terminator, and the error a
/// `terminator: none` gets when another record follows. Held instead of the
/// [`OwnedRecord`] (a map of field names to values), a transaction costs about 150 bytes a
/// record, not several times its JSON (issue 13: `encode` in under 3 × the JSON's size).
#[derive(Debug, Clone)]
struct Encoded {
    bytes: Result<Vec<u8>, Box<BuildError>>,
    terminator: Option<Terminator>,
    /// Set when `terminator` is `none`: the error if a record follows in a terminated
    /// document.
    open_error: Option<Box<BuildError>>,
}

impl From<OwnedRecord> for Encoded {
    fn from(r: OwnedRecord) -> Self {
        let open_error = (r.terminator == Some(Terminator::None)).then(|| {
            Box::new(r.shape("terminator none before another record of a terminated document"))
        });
        Encoded {
            bytes: r.to_bytes().map_err(Box::new),
            terminator: r.terminator,
            open_error,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Encoded {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        OwnedRecord::deserialize(d).map(Encoded::from)
    }
}

/// The encoder the seeds feed: records in document order (see
/// [`crate::OwnedTransmission::to_bytes`]).
struct Enc<W: Write> {
    out: W,
    framing: Option<Framing>,
    /// Records whose place or framing is not known yet.
    pending: Vec<Encoded>,
    /// Objects whose header comes after their content.
    holds: usize,
    /// The error of the last record, which has no terminator in a terminated document, if
    /// another record follows.
    open: Option<BuildError>,
    /// The first record error (the JSON is still read to the end: its errors come first).
    error: Option<BuildError>,
    io: Option<io::Error>,
    len: u64,
    /// The document's `trailing`, once read.
    trailing: Option<String>,
}

impl<W: Write> Enc<W> {
    fn failed(&self) -> bool {
        self.error.is_some() || self.io.is_some()
    }

    /// Writes `r`, or holds a copy of it while its place or the framing is not known.
    fn push(&mut self, r: &Encoded) {
        if self.failed() {
            return;
        }
        if self.holds > 0 || self.framing.is_none() {
            self.pending.push(r.clone());
            return;
        }
        self.encode(r);
    }

    fn push_node(&mut self, n: Option<Node<Encoded>>) {
        if let Some(n) = n {
            self.push(&n.record);
            n.conditions.iter().for_each(|c| self.push(c));
        }
    }

    fn encode(&mut self, r: &Encoded) {
        let Some(framing) = self.framing else {
            return;
        };
        if let Some(e) = self.open.take() {
            self.error = Some(e);
            return;
        }
        let terminator = r.terminator.unwrap_or(framing.terminator);
        match &r.bytes {
            Ok(b) => {
                let written = self
                    .out
                    .write_all(b)
                    .and_then(|()| self.out.write_all(terminator.as_bytes()));
                match written {
                    Ok(()) => self.len += (b.len() + terminator.as_bytes().len()) as u64,
                    Err(e) => self.io = Some(e),
                }
            }
            Err(e) => {
                self.error = Some(BuildError::clone(e));
                return;
            }
        }
        if terminator == Terminator::None && framing.terminator != Terminator::None {
            self.open = r.open_error.as_deref().cloned();
        }
    }

    /// Encodes what was held, once nothing holds it and the framing is known.
    fn flush(&mut self) {
        if self.holds == 0 && self.framing.is_some() && !self.pending.is_empty() {
            for r in std::mem::take(&mut self.pending) {
                if self.failed() {
                    break;
                }
                self.encode(&r);
            }
        }
    }

    /// Holds the records that follow (an object's content before its header).
    fn hold(&mut self) -> usize {
        self.holds += 1;
        self.pending.len()
    }

    /// Puts `header` before the records held since `mark` and releases them.
    fn release(&mut self, mark: usize, header: Option<Node<Encoded>>) {
        if let Some(n) = header {
            let at = mark.min(self.pending.len());
            let records = std::iter::once(n.record).chain(n.conditions);
            self.pending.splice(at..at, records);
        }
        self.holds = self.holds.saturating_sub(1);
        self.flush();
    }

    /// The end of the document: the first record error, else the trailing bytes.
    fn finish_with(&mut self, trailing: &str) -> Result<(), StreamEncodeError> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(EncodeJsonError::Encode(e).into());
        }
        if let Some(e) = self.io.take() {
            return Err(StreamEncodeError::Write(e));
        }
        let framing = self.framing.unwrap_or_default();
        let bytes = trailing_bytes(framing, trailing, self.open.is_some())
            .map_err(EncodeJsonError::Encode)?;
        self.out
            .write_all(&bytes)
            .map_err(StreamEncodeError::Write)?;
        self.len += bytes.len() as u64;
        Ok(())
    }
}

// The seeds: the document, its batches and blocks by hand (with the derive's messages);
// headers, trailers and transactions with the model's own `Deserialize`.

const DOC_FIELDS: &[&str] = &["framing", "batches", "trailing", "organic"];
const BATCH_FIELDS: &[&str] = &["header", "blocks", "trailer"];
const BLOCK_FIELDS: &[&str] = &["header", "transactions", "trailer"];

struct DocSeed<'e, W: Write>(&'e mut Enc<W>);

impl<'de, W: Write> DeserializeSeed<'de> for DocSeed<'_, W> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, W: Write> Visitor<'de> for DocSeed<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decode document object {framing, batches, trailing, organic}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let enc = self.0;
        let (mut framing, mut batches) = (false, false);
        let mut trailing = String::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "framing" => {
                    enc.framing = Some(map.next_value::<Framing>()?);
                    framing = true;
                    enc.flush();
                }
                "batches" => {
                    map.next_value_seed(SeqSeed(&mut *enc, Level::Batches))?;
                    batches = true;
                }
                "trailing" => trailing = map.next_value::<String>()?,
                "organic" => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => return Err(de::Error::unknown_field(other, DOC_FIELDS)),
            }
        }
        if !framing {
            return Err(de::Error::missing_field("framing"));
        }
        if !batches {
            return Err(de::Error::missing_field("batches"));
        }
        enc.trailing = Some(trailing);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Batches,
    Blocks,
    Transactions,
}

/// An array of batches, blocks or transactions.
struct SeqSeed<'e, W: Write>(&'e mut Enc<W>, Level);

impl<'de, W: Write> DeserializeSeed<'de> for SeqSeed<'_, W> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, W: Write> Visitor<'de> for SeqSeed<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let enc = self.0;
        match self.1 {
            Level::Batches => while seq.next_element_seed(GroupSeed(&mut *enc, true))?.is_some() {},
            Level::Blocks => {
                while seq
                    .next_element_seed(GroupSeed(&mut *enc, false))?
                    .is_some()
                {}
            }
            Level::Transactions => {
                while let Some(tx) = seq.next_element_seed(TxSeed)? {
                    tx.for_each_record(|r| enc.push(r));
                }
            }
        }
        Ok(())
    }
}

/// A batch (`true`) or a block: `header`, content, `trailer`.
struct GroupSeed<'e, W: Write>(&'e mut Enc<W>, bool);

impl<'de, W: Write> DeserializeSeed<'de> for GroupSeed<'_, W> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let (name, fields) = if self.1 {
            ("Batch", BATCH_FIELDS)
        } else {
            ("Block", BLOCK_FIELDS)
        };
        d.deserialize_struct(name, fields, self)
    }
}

impl<'de, W: Write> Visitor<'de> for GroupSeed<'_, W> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.1 {
            "a batch object {header, blocks, trailer}"
        } else {
            "a block object {header, transactions, trailer}"
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (enc, batch) = (self.0, self.1);
        let (content_key, fields, inner) = if batch {
            ("blocks", BATCH_FIELDS, Level::Blocks)
        } else {
            ("transactions", BLOCK_FIELDS, Level::Transactions)
        };
        let mut header_seen = false;
        let mut held: Option<usize> = None;
        let mut late_header = None;
        let mut content = false;
        let mut trailer = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "header" => {
                    let h = map.next_value::<Option<Node<Encoded>>>()?;
                    header_seen = true;
                    if held.is_some() {
                        late_header = h;
                    } else {
                        enc.push_node(h);
                    }
                }
                "trailer" => trailer = map.next_value::<Option<Node<Encoded>>>()?,
                k if k == content_key => {
                    if !header_seen && held.is_none() {
                        held = Some(enc.hold());
                    }
                    map.next_value_seed(SeqSeed(&mut *enc, inner))?;
                    content = true;
                }
                other => return Err(de::Error::unknown_field(other, fields)),
            }
        }
        if !content {
            return Err(de::Error::missing_field(content_key));
        }
        if let Some(mark) = held {
            enc.release(mark, late_header);
        }
        enc.push_node(trailer);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The derive's array form: [header, content, trailer].
        let (enc, batch) = (self.0, self.1);
        let expected: &str = if batch {
            "struct Batch with 3 elements"
        } else {
            "struct Block with 3 elements"
        };
        let header = seq
            .next_element::<Option<Node<Encoded>>>()?
            .ok_or_else(|| de::Error::invalid_length(0, &expected))?;
        enc.push_node(header);
        let inner = if batch {
            Level::Blocks
        } else {
            Level::Transactions
        };
        seq.next_element_seed(SeqSeed(&mut *enc, inner))?
            .ok_or_else(|| de::Error::invalid_length(1, &expected))?;
        let trailer = seq
            .next_element::<Option<Node<Encoded>>>()?
            .ok_or_else(|| de::Error::invalid_length(2, &expected))?;
        enc.push_node(trailer);
        Ok(())
    }
}

/// A transaction `{items}`, read item by item with [`ItemSeed`].
struct TxSeed;

const TX_FIELDS: &[&str] = &["items"];

impl<'de> DeserializeSeed<'de> for TxSeed {
    type Value = Transaction<Encoded>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_struct("Transaction", TX_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for TxSeed {
    type Value = Transaction<Encoded>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a transaction object {items}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "items" if items.is_some() => return Err(de::Error::duplicate_field("items")),
                "items" => items = Some(map.next_value_seed(ItemsSeed)?),
                other => return Err(de::Error::unknown_field(other, TX_FIELDS)),
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field("items"))?;
        Ok(Transaction { items })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The derive's array form: [items].
        let items = seq
            .next_element_seed(ItemsSeed)?
            .ok_or_else(|| de::Error::invalid_length(0, &"struct Transaction with 1 element"))?;
        Ok(Transaction { items })
    }
}

/// The `items` array of a transaction.
struct ItemsSeed;

impl<'de> DeserializeSeed<'de> for ItemsSeed {
    type Value = Vec<Item<Encoded>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed {
    type Value = Vec<Item<Encoded>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ItemSeed)? {
            items.push(item);
        }
        Ok(items)
    }
}

/// One item of a transaction, tagged by its `item` key. The derive of [`Item`] (an
/// internally tagged enum) reads the whole item into a buffer before it looks at the tag:
/// for an HTS anchor, every PGA line of its OI group, several times the size of their
/// JSON. When `item` is the first key, as `decode` writes it, the rest of the object is read
/// directly into the variant; otherwise the item is read as the derive reads it.
struct ItemSeed;

const ITEM_VARIANTS: &[&str] = &[
    "record",
    "anchor",
    "oi_group",
    "disposition",
    "substitution",
];

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Item<Encoded>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Item<Encoded>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an items entry object tagged by item")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The keys before `item` are held (the derive holds the whole item); from the tag on,
        // the rest is read straight into the variant, after the held keys. `decode` writes
        // the tag first: nothing is held.
        let mut before = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "item" {
                let tag = map.next_value::<String>()?;
                let rest = de::value::MapAccessDeserializer::new(Chained {
                    held: before.into_iter(),
                    value: None,
                    rest: map,
                });
                return variant(&tag, rest);
            }
            before.push((key, map.next_value::<serde_json::Value>()?));
        }
        Err(de::Error::missing_field("item"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        use serde::Deserialize;
        let mut array = Vec::new();
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            array.push(v);
        }
        Item::deserialize(serde_json::Value::Array(array)).map_err(de::Error::custom)
    }
}

/// The variant `tag` of an item, read from the rest of its object.
fn variant<'de, D: de::Deserializer<'de>>(tag: &str, rest: D) -> Result<Item<Encoded>, D::Error> {
    use serde::Deserialize;
    match tag {
        "record" => Node::deserialize(rest).map(Item::Record),
        "anchor" => HtsAnchor::deserialize(rest).map(|a| Item::Anchor(Box::new(a))),
        "oi_group" => OiGroup::deserialize(rest).map(|g| Item::OiGroup(Box::new(g))),
        "disposition" => Disposition::deserialize(rest).map(|d| Item::Disposition(Box::new(d))),
        "substitution" => {
            SubstitutionGroup::deserialize(rest).map(|g| Item::Substitution(Box::new(g)))
        }
        other => Err(de::Error::unknown_variant(other, ITEM_VARIANTS)),
    }
}

/// An object's entries read before its `item` tag (held), then the rest of the object.
struct Chained<A> {
    held: std::vec::IntoIter<(String, serde_json::Value)>,
    /// The value of the held key handed out last.
    value: Option<serde_json::Value>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Chained<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.held.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(de::value::StringDeserializer::<A::Error>::new(k))
                    .map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(v).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
}
