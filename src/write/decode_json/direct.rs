//! The decode JSON written straight into bytes, without a serde serializer: the bytes
//! serde_json writes for the [`DecodeJson`] serialization (compact, or pretty as
//! `serde_json::ser::PrettyFormatter` with its two-space indent), at a fraction of the cost
//! (no per-byte escape loop for strings that need none, keys written as they are).
//! [`DecodeJson::write_json`] appends a piece; [`DecodeJson::write_document`] writes the
//! whole document to an `io::Write` as it goes.
//!
//! The state machine is serde_json's: a container opens one level deeper and clears
//! `has_value`; every entry or element starts on a new line at the current depth (pretty)
//! and sets `has_value` when written; a container closes on a new line only when
//! `has_value` is set (so `[]` and `{}` stay on one line).

use std::io;

use serde::Serialize;

mod flat;
mod organic;

use super::{record_keys, sorted_keys, sorted_order, with_latin1, DecodeJson, RecordKeys, Style};
use crate::layout::RecordLayout;
use crate::profile::ams_or::OrganicLine;
use crate::records::{Record, RecordType};
use crate::transmission::Transmission;
use crate::tree::{
    Batch, Block, Disposition, EntityLoop, HtsAnchor, Item, Node, OiGroup, PgGroup, PgaItem,
    PgaLine, SubstitutionGroup, Transaction,
};

/// How [`DecodeJson::write_json`] lays the JSON out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonStyle {
    /// One line, no spaces: `serde_json::to_writer`.
    Compact,
    /// `serde_json::to_writer_pretty` (two spaces per level), as if the piece sat `depth`
    /// levels deep in a pretty document (0 for a document of its own): its inner lines are
    /// indented by `depth + 1` levels, its first and last line are not indented.
    Pretty {
        /// The nesting depth of the piece.
        depth: usize,
    },
}

/// Bytes written before the writer hands them to the sink of
/// [`DecodeJson::write_document`].
const FLUSH_AT: usize = 1 << 16;

/// The writer: serde_json's formatter state over a byte buffer.
pub struct Out<'w> {
    buf: &'w mut Vec<u8>,
    /// Renders a record's fields (the field dump's renderer, buffers reused).
    fields: crate::write::dump::DumpJsonWriter,
    pretty: bool,
    depth: usize,
    has_value: bool,
    sink: Option<&'w mut dyn io::Write>,
    error: Option<io::Error>,
}

impl std::fmt::Debug for Out<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Out")
            .field("len", &self.buf.len())
            .field("pretty", &self.pretty)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl<'w> Out<'w> {
    fn new(buf: &'w mut Vec<u8>, style: JsonStyle) -> Self {
        let (pretty, depth) = match style {
            JsonStyle::Compact => (false, 0),
            JsonStyle::Pretty { depth } => (true, depth),
        };
        Out {
            buf,
            fields: crate::write::dump::DumpJsonWriter::new(),
            pretty,
            depth,
            has_value: false,
            sink: None,
            error: None,
        }
    }

    #[inline]
    fn push(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    fn newline(&mut self) {
        self.buf.push(b'\n');
        for _ in 0..self.depth {
            self.buf.extend_from_slice(b"  ");
        }
    }

    /// Opens `{` or `[`.
    fn begin(&mut self, c: &[u8]) {
        self.depth += 1;
        self.has_value = false;
        self.push(c);
    }

    /// Closes `}` or `]`.
    fn end(&mut self, c: &[u8]) {
        self.depth = self.depth.saturating_sub(1);
        if self.pretty && self.has_value {
            self.newline();
        }
        self.push(c);
    }

    /// Before an entry or element; `first` is cleared.
    #[inline]
    fn sep(&mut self, first: &mut bool) {
        if self.pretty {
            if !*first {
                self.buf.push(b',');
            }
            self.newline();
        } else if !*first {
            self.buf.push(b',');
        }
        *first = false;
    }

    /// An object key and the separator after it. Keys are the names of this module and of
    /// the layout table: snake_case, nothing to escape (checked by a test for every field
    /// name), so they are copied as they are.
    /// [`Self::key`] of a key given with its quotes and colon (`"name":`).
    #[inline]
    fn quoted_key(&mut self, first: &mut bool, quoted: &str) {
        self.sep(first);
        self.buf.extend_from_slice(quoted.as_bytes());
        if self.pretty {
            self.buf.push(b' ');
        }
    }

    #[inline]
    fn key(&mut self, first: &mut bool, key: &str) {
        self.sep(first);
        self.buf.reserve(key.len() + 4);
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf
            .extend_from_slice(if self.pretty { b"\": " } else { b"\":" });
    }

    /// A field value as the field dump's renderer gave it: copied between quotes when it
    /// needs no escaping, else escaped; `null` when absent.
    #[inline]
    fn rendered(&mut self, value: Option<(&[u8], bool)>) {
        match value {
            Some((v, true)) => {
                self.buf.reserve(v.len() + 2);
                self.buf.push(b'"');
                self.buf.extend_from_slice(v);
                self.buf.push(b'"');
            }
            Some((v, false)) => self.string(&String::from_utf8_lossy(v)),
            None => self.push(b"null"),
        }
    }

    /// After a value of an object or array.
    #[inline]
    fn done(&mut self) {
        self.has_value = true;
    }

    /// A JSON string, escaped as serde_json escapes (`\"`, `\\`, the short escapes of
    /// `\b \t \n \f \r`, `\u00XX` for every other byte below 0x20).
    fn string(&mut self, s: &str) {
        let b = s.as_bytes();
        self.buf.reserve(b.len() + 2);
        self.buf.push(b'"');
        if needs_no_escape(b) {
            self.buf.extend_from_slice(b);
        } else {
            self.escaped(b);
        }
        self.buf.push(b'"');
    }

    #[cold]
    fn escaped(&mut self, b: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &c in b {
            match c {
                b'"' => self.push(b"\\\""),
                b'\\' => self.push(b"\\\\"),
                0x08 => self.push(b"\\b"),
                b'\t' => self.push(b"\\t"),
                b'\n' => self.push(b"\\n"),
                0x0C => self.push(b"\\f"),
                b'\r' => self.push(b"\\r"),
                c if c < 0x20 => {
                    let hi = HEX.get(usize::from(c >> 4)).copied().unwrap_or(b'0');
                    let lo = HEX.get(usize::from(c & 0xF)).copied().unwrap_or(b'0');
                    self.push(&[b'\\', b'u', b'0', b'0', hi, lo]);
                }
                c => self.buf.push(c),
            }
        }
    }

    /// A JSON number (as serde_json writes a `u64`).
    fn number_u64(&mut self, n: u64) {
        crate::write::dump::push_decimal_u64(self.buf, n);
    }

    fn number(&mut self, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        loop {
            at -= 1;
            if let Some(d) = digits.get_mut(at) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || at == 0 {
                break;
            }
        }
        self.push(digits.get(at..).unwrap_or_default());
    }

    /// Any serde value, through serde_json with the same layout at the current depth.
    fn serde<T: Serialize + ?Sized>(&mut self, value: &T) {
        let result = if self.pretty {
            let f = DepthPretty {
                depth: self.depth,
                has_value: false,
            };
            value.serialize(&mut serde_json::Serializer::with_formatter(
                &mut *self.buf,
                f,
            ))
        } else {
            value.serialize(&mut serde_json::Serializer::new(&mut *self.buf))
        };
        if let Err(e) = result {
            self.fail(io::Error::other(e));
        }
    }

    fn fail(&mut self, e: io::Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Hands the buffer to the sink when it holds enough.
    #[inline]
    fn maybe_flush(&mut self) {
        if self.buf.len() >= FLUSH_AT {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(sink) = &mut self.sink {
            if self.error.is_none() {
                if let Err(e) = sink.write_all(self.buf) {
                    self.error = Some(e);
                }
            }
            self.buf.clear();
        }
    }
}

/// Whether a string goes out as it is: no `"`, `\\`, or byte below 0x20. Eight bytes at a
/// time as one word (the exact "has a byte less than / equal to" bit tests: a byte with
/// the high bit set, as in UTF-8 text, never matches), the rest one by one.
#[inline]
fn needs_no_escape(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const QUOTE: u64 = ONES * b'"' as u64;
    const BACKSLASH: u64 = ONES * b'\\' as u64;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let chunks = b.chunks_exact(8);
    let rest = chunks.remainder();
    let mut hit = 0u64;
    for chunk in chunks {
        let v = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([b'"'; 8]));
        hit |= v.wrapping_sub(ONES * 0x20) & !v & HIGH;
        hit |= zero_in(v ^ QUOTE) | zero_in(v ^ BACKSLASH);
    }
    hit == 0 && !rest.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

#[cfg(test)]
mod tests {
    use super::needs_no_escape;

    /// The word test agrees with the byte test on every byte in every position.
    #[test]
    fn word_test_is_the_byte_test() {
        for len in [1usize, 7, 8, 9, 16, 23] {
            for pos in 0..len {
                for c in 0..=255u8 {
                    let mut b = vec![b'A'; len];
                    if let Some(slot) = b.get_mut(pos) {
                        *slot = c;
                    }
                    // Also after a byte with the high bit set (UTF-8 text).
                    let mut h = b.clone();
                    if pos > 0 {
                        if let Some(slot) = h.get_mut(pos - 1) {
                            *slot = 0xC3;
                        }
                    }
                    for bytes in [&b, &h] {
                        let expected = !bytes.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
                        assert_eq!(needs_no_escape(bytes), expected, "{bytes:?}");
                    }
                }
            }
        }
        assert!(needs_no_escape(b""));
    }

    /// Keys are written without escaping: every field name of the layout table (and every
    /// key of this module, all snake_case literals) needs none.
    #[test]
    fn field_names_need_no_escape() {
        for layout in crate::records::ALL_LAYOUTS {
            for f in layout.fields {
                assert!(
                    needs_no_escape(f.name.as_bytes()) && !f.name.is_empty(),
                    "{}",
                    f.name
                );
            }
        }
    }
}

/// serde_json's `PrettyFormatter` (two spaces) starting at `depth`: for the pieces written
/// through serde (`framing`, the organic views) inside a pretty document.
struct DepthPretty {
    depth: usize,
    has_value: bool,
}

impl DepthPretty {
    fn indent<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for DepthPretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The levels of the tree
// ---------------------------------------------------------------------------------------

mod sealed {
    /// A level of the tree [`super::DecodeJson::write_json`] writes.
    pub trait Direct {
        /// Writes the value (`pad`: the lenient repair `pad_short_lines`).
        fn direct(&self, pad: super::Style, w: &mut super::Out<'_>);
    }
}
use sealed::Direct;

impl<'t, T: ?Sized + Direct> DecodeJson<'t, T> {
    /// Appends the JSON of this piece to `out`: the bytes serde_json writes for its
    /// [`serde::Serialize`] form (`serde_json::to_writer`, or `to_writer_pretty` at the
    /// given depth, see [`JsonStyle`]), written directly.
    pub fn write_json(&self, out: &mut Vec<u8>, style: JsonStyle) {
        let mut w = Out::new(out, style);
        self.value.direct(self.pad, &mut w);
    }

    /// [`Self::write_json`] with the field renderer's buffers taken from (and given back
    /// to) `fields`, so that a caller writing many pieces allocates them once.
    pub(crate) fn write_json_with(
        &self,
        out: &mut Vec<u8>,
        style: JsonStyle,
        fields: &mut crate::write::dump::DumpJsonWriter,
    ) {
        let mut w = Out::new(out, style);
        w.fields = std::mem::take(fields);
        self.value.direct(self.pad, &mut w);
        *fields = std::mem::take(&mut w.fields);
    }

    /// [`Self::write_json_with`] written to `sink` as it goes, through `buf` (64 KiB at a
    /// time): a piece of any size takes no more memory than that.
    ///
    /// # Errors
    /// The first error of `sink` (nothing more is written after it).
    pub(crate) fn write_json_to(
        &self,
        sink: &mut dyn io::Write,
        buf: &mut Vec<u8>,
        style: JsonStyle,
        fields: &mut crate::write::dump::DumpJsonWriter,
    ) -> io::Result<()> {
        buf.clear();
        let mut w = Out::new(buf, style);
        w.sink = Some(sink);
        w.fields = std::mem::take(fields);
        self.value.direct(self.pad, &mut w);
        w.flush();
        *fields = std::mem::take(&mut w.fields);
        w.error.take().map_or(Ok(()), Err)
    }
}

/// Appends an organic line's JSON to `out`: the bytes serde_json writes for it
/// (`serde_json::to_writer`, or pretty as if it sat at the depth of `style`, see
/// [`JsonStyle`]), written directly: for the `organic` section of the streamed `decode`.
///
/// # Errors
/// A serialization error of a value written through serde (none is known: dates, decimals
/// and record structs); what was written before it stays in `out`.
pub(crate) fn write_organic_line(
    out: &mut Vec<u8>,
    style: JsonStyle,
    line: &OrganicLine<'_>,
) -> io::Result<()> {
    let mut w = Out::new(out, style);
    organic::line(&mut w, line);
    w.error.take().map_or(Ok(()), Err)
}

impl DecodeJson<'_, Transmission<'_>> {
    /// Writes the whole decode document to `sink` as it goes (64 KiB at a time): the bytes
    /// of `serde_json::to_writer(sink, self)` (`to_writer_pretty` when `pretty`), written
    /// directly. No newline after it.
    ///
    /// # Errors
    /// The first error of `sink` (nothing more is written after it).
    pub fn write_document<W: io::Write>(&self, sink: &mut W, pretty: bool) -> io::Result<()> {
        let mut buf = Vec::with_capacity(FLUSH_AT + 4096);
        let style = if pretty {
            JsonStyle::Pretty { depth: 0 }
        } else {
            JsonStyle::Compact
        };
        let mut w = Out::new(&mut buf, style);
        w.sink = Some(sink);
        self.value.direct(self.pad, &mut w);
        w.flush();
        match w.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<T: Direct> Direct for [T] {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        w.begin(b"[");
        let mut first = true;
        for v in self {
            w.sep(&mut first);
            v.direct(pad, w);
            w.done();
        }
        w.end(b"]");
    }
}

impl<T: Direct> Direct for Option<T> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        match self {
            Some(v) => v.direct(pad, w),
            None => w.push(b"null"),
        }
    }
}

/// An entry whose value is a level of the tree.
fn entry<T: Direct + ?Sized>(w: &mut Out<'_>, first: &mut bool, key: &str, v: &T, pad: Style) {
    w.key(first, key);
    v.direct(pad, w);
    w.done();
}

impl Direct for Transmission<'_> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        w.key(&mut first, "framing");
        w.serde(&self.tree().framing);
        w.done();
        entry(
            w,
            &mut first,
            "batches",
            self.tree().batches.as_slice(),
            pad,
        );
        let trailing = crate::transmission::written_trailing(self);
        if !trailing.is_empty() {
            w.key(&mut first, "trailing");
            with_latin1(trailing, |t| w.string(t));
            w.done();
        }
        w.key(&mut first, "organic");
        w.begin(b"[");
        let mut first_line = true;
        for line in self.organic_lines() {
            w.sep(&mut first_line);
            organic::line(w, &line);
            w.done();
            w.maybe_flush();
        }
        w.end(b"]");
        w.done();
        w.end(b"}");
    }
}

impl Direct for Batch<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        entry(w, &mut first, "header", &self.header, pad);
        entry(w, &mut first, "blocks", self.blocks.as_slice(), pad);
        entry(w, &mut first, "trailer", &self.trailer, pad);
        w.end(b"}");
    }
}

impl Direct for Block<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        entry(w, &mut first, "header", &self.header, pad);
        entry(
            w,
            &mut first,
            "transactions",
            self.transactions.as_slice(),
            pad,
        );
        entry(w, &mut first, "trailer", &self.trailer, pad);
        w.end(b"}");
    }
}

impl Direct for Transaction<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        entry(w, &mut first, "items", self.items.as_slice(), pad);
        w.end(b"}");
    }
}

/// An `item` tag entry.
fn tag(w: &mut Out<'_>, first: &mut bool, name: &str) {
    w.key(first, "item");
    w.string(name);
    w.done();
}

impl Direct for Item<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        match self {
            Item::Record(n) => {
                tag(w, &mut first, "record");
                node_keys(w, &mut first, n, pad);
            }
            Item::Anchor(a) => {
                tag(w, &mut first, "anchor");
                anchor_keys(w, &mut first, a, pad);
            }
            Item::OiGroup(g) => {
                tag(w, &mut first, "oi_group");
                oi_group_keys(w, &mut first, g, pad);
            }
            Item::Disposition(d) => {
                tag(w, &mut first, "disposition");
                disposition_keys(w, &mut first, d, pad);
            }
            Item::Substitution(g) => {
                tag(w, &mut first, "substitution");
                substitution_keys(w, &mut first, g, pad);
            }
        }
        w.end(b"}");
    }
}

fn anchor_keys(w: &mut Out<'_>, first: &mut bool, a: &HtsAnchor<Record<'_>>, pad: Style) {
    entry(w, first, "anchor", &a.anchor, pad);
    if !a.sub_records.is_empty() {
        entry(w, first, "sub_records", a.sub_records.as_slice(), pad);
    }
    if let Some(g) = &a.oi_group {
        entry(w, first, "oi_group", g, pad);
    }
}

fn oi_group_keys(w: &mut Out<'_>, first: &mut bool, g: &OiGroup<Record<'_>>, pad: Style) {
    entry(w, first, "oi", &g.oi, pad);
    if !g.orphans.is_empty() {
        entry(w, first, "orphans", g.orphans.as_slice(), pad);
    }
    entry(w, first, "lines", g.lines.as_slice(), pad);
}

fn disposition_keys(w: &mut Out<'_>, first: &mut bool, d: &Disposition<Record<'_>>, pad: Style) {
    entry(w, first, "so70", &d.so70, pad);
    if !d.details.is_empty() {
        entry(w, first, "details", d.details.as_slice(), pad);
    }
}

fn substitution_keys(
    w: &mut Out<'_>,
    first: &mut bool,
    g: &SubstitutionGroup<Record<'_>>,
    pad: Style,
) {
    entry(w, first, "start", &g.start, pad);
    if !g.records.is_empty() {
        entry(w, first, "records", g.records.as_slice(), pad);
    }
    if let Some(n) = &g.end {
        entry(w, first, "end", n, pad);
    }
}

/// The levels whose keys are written by a `*_keys` function: one object of those keys.
macro_rules! object_of_keys {
    ($($ty:ident => $keys:ident),* $(,)?) => {
        $(
            impl Direct for $ty<Record<'_>> {
                fn direct(&self, pad: Style, w: &mut Out<'_>) {
                    let mut first = true;
                    w.begin(b"{");
                    $keys(w, &mut first, self, pad);
                    w.end(b"}");
                }
            }
        )*
    };
}

object_of_keys!(
    HtsAnchor => anchor_keys,
    OiGroup => oi_group_keys,
    Disposition => disposition_keys,
    SubstitutionGroup => substitution_keys,
    EntityLoop => entity_keys,
    PgGroup => group_keys,
    Node => node_keys,
);

impl Direct for PgaLine<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        entry(w, &mut first, "pg01", &self.pg01, pad);
        entry(w, &mut first, "items", self.items.as_slice(), pad);
        w.end(b"}");
    }
}

impl Direct for PgaItem<Record<'_>> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        match self {
            PgaItem::Record(n) => {
                tag(w, &mut first, "record");
                node_keys(w, &mut first, n, pad);
            }
            PgaItem::Entity(e) => {
                tag(w, &mut first, "entity");
                entity_keys(w, &mut first, e, pad);
            }
            PgaItem::Group(g) => {
                tag(w, &mut first, "group");
                group_keys(w, &mut first, g, pad);
            }
        }
        w.end(b"}");
    }
}

fn entity_keys(w: &mut Out<'_>, first: &mut bool, e: &EntityLoop<Record<'_>>, pad: Style) {
    entry(w, first, "pg19", &e.pg19, pad);
    if let Some(n) = &e.pg20 {
        entry(w, first, "pg20", n, pad);
    }
    if !e.items.is_empty() {
        entry(w, first, "items", e.items.as_slice(), pad);
    }
}

fn group_keys(w: &mut Out<'_>, first: &mut bool, g: &PgGroup<Record<'_>>, pad: Style) {
    entry(w, first, "start", &g.start, pad);
    entry(w, first, "items", g.items.as_slice(), pad);
    if let Some(n) = &g.end {
        entry(w, first, "end", n, pad);
    }
}

fn node_keys(w: &mut Out<'_>, first: &mut bool, n: &Node<Record<'_>>, pad: Style) {
    record_direct(w, first, &n.record, pad);
    if !n.conditions.is_empty() {
        entry(w, first, "conditions", n.conditions.as_slice(), pad);
    }
}

impl Direct for Record<'_> {
    fn direct(&self, pad: Style, w: &mut Out<'_>) {
        let mut first = true;
        w.begin(b"{");
        record_direct(w, &mut first, self, pad);
        w.end(b"}");
    }
}

/// The keys of a record (the rule of [`record_keys`]), then a chance to flush.
fn record_direct(w: &mut Out<'_>, first: &mut bool, r: &Record<'_>, pad: Style) {
    let mut keys = Keys { w, first };
    let Ok(()) = record_keys(&mut keys, r, pad);
    keys.w.maybe_flush();
}

/// The direct writer as a [`RecordKeys`] target.
struct Keys<'k, 'w> {
    w: &'k mut Out<'w>,
    first: &'k mut bool,
}

impl RecordKeys for Keys<'_, '_> {
    type Error = std::convert::Infallible;
    fn number(&mut self, key: &'static str, v: u32) -> Result<(), Self::Error> {
        self.w.key(self.first, key);
        self.w.number(v);
        self.w.done();
        Ok(())
    }
    fn string(&mut self, key: &'static str, v: &str) -> Result<(), Self::Error> {
        self.w.key(self.first, key);
        self.w.string(v);
        self.w.done();
        Ok(())
    }
    fn fields(
        &mut self,
        r: &Record<'_>,
        layout: &'static RecordLayout,
        check: Option<(&[u8], RecordType)>,
    ) -> Result<bool, Self::Error> {
        self.w.key(self.first, "fields");
        self.w.begin(b"{");
        let mut first = true;
        let raw = r.raw();
        // The values of `each_field` (the canonical dump form), rendered as the field dump
        // renders them: a plain record's text and numbers straight from its bytes.
        let mut fields = std::mem::take(&mut self.w.fields);
        fields.render_fields(layout, raw);
        match (self.w.pretty, sorted_keys(r.record_type(), layout)) {
            (false, Some(keys)) => {
                // Compact: each key copied in one piece (field names need no escaping).
                for (i, key) in keys {
                    if !first {
                        self.w.buf.push(b',');
                    }
                    first = false;
                    self.w.buf.extend_from_slice(key);
                    self.w.rendered(fields.rendered(raw, usize::from(*i)));
                    self.w.done();
                }
            }
            _ => {
                for &i in sorted_order(r.record_type(), layout).iter() {
                    let Some(f) = layout.fields.get(usize::from(i)) else {
                        continue;
                    };
                    self.w.key(&mut first, f.name);
                    self.w.rendered(fields.rendered(raw, usize::from(i)));
                    self.w.done();
                }
            }
        }
        let rebuilt = check.is_some_and(|(bytes, rt)| fields.rendered_rebuild(layout, bytes, rt));
        self.w.fields = fields;
        self.w.end(b"}");
        self.w.done();
        Ok(rebuilt)
    }
}
