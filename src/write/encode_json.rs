//! Reading the JSON of `ace-pga encode` (feature `json`): a `decode` document back to an
//! [`OwnedTransmission`] and its informational `organic` section, with the CLI's messages
//! (a key given twice, unknown keys, values of the wrong type, each named by its JSON path
//! and, inside a record, its line and id). The CLI, the C ABI and the Python wheel use it.

use crate::error::BuildError;
use crate::options::ParseOptions;
use crate::write::owned::OwnedTransmission;

/// What `encode` reads from a `decode` document: the owned transmission and the `organic`
/// section (informational: the records are what is written).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EncodeInput {
    /// The owned transmission (`framing`, `batches`, `trailing`).
    pub transmission: OwnedTransmission,
    /// The top-level `organic` value, when given and not `null`.
    pub organic: Option<serde_json::Value>,
}

/// Why a `decode` document cannot be encoded: the JSON is not one (or a value does not fit
/// its type), or a record's value does not fit its field. The message is the CLI's (JSON path,
/// record line and id, position in the JSON text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeJsonError {
    /// The JSON is not a decode document: malformed, a key given twice, an unknown key, a
    /// value of the wrong type.
    #[error("{0}")]
    Json(String),
    /// A record cannot be written ([`OwnedTransmission::to_bytes`]).
    #[error(transparent)]
    Encode(#[from] BuildError),
}

impl EncodeInput {
    /// Reads the JSON of `encode`. Refuses what serde_json would silently drop or resolve: a
    /// key given twice anywhere (serde_json keeps the last), unknown keys (the types deny
    /// them), values of the wrong type.
    ///
    /// ```
    /// use ace_pga::write::EncodeInput;
    /// let err = EncodeInput::from_json_slice(br#"{"framing": {}, "framing": {}}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "framing: key given twice: a key may appear once per object");
    /// ```
    ///
    /// # Errors
    /// [`EncodeJsonError::Json`], naming the JSON path and, inside a record, its line and id.
    pub fn from_json_slice(data: &[u8]) -> Result<EncodeInput, EncodeJsonError> {
        if data.starts_with(b"\xEF\xBB\xBF") {
            // serde_json's message would be "expected value at line 1 column 1".
            return Err(EncodeJsonError::Json(
                "the JSON starts with a UTF-8 byte order mark (bytes EF BB BF), which JSON \
                 text may not carry (RFC 8259, 8.1): remove it"
                    .to_string(),
            ));
        }
        let organic = scan::scan(data).map_err(EncodeJsonError::Json)?;
        let mut de = serde_json::Deserializer::from_slice(data);
        let transmission: OwnedTransmission =
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                EncodeJsonError::Json(typed_error(&path, e.inner()))
            })?;
        de.end()
            .map_err(|e| EncodeJsonError::Json(json_error("", &e)))?;
        Ok(EncodeInput {
            transmission,
            organic: organic.filter(|o| !o.is_null()),
        })
    }

    /// The first difference between the `organic` section given and the one the records
    /// `bytes` (the encoded transmission) give (`organic[0].certificates[0].number.value: JSON
    /// says …, records say …`); `None` when they agree or no section was given.
    pub fn organic_difference(&self, bytes: &[u8]) -> Option<String> {
        let given = self.organic.as_ref()?;
        // Without the tree limits, as `ace-pga decode` reads.
        let unlimited = ParseOptions::lenient()
            .max_records_per_pga_line(usize::MAX)
            .max_pga_lines_per_oi(usize::MAX);
        let derived = match crate::FlatTree::parse_with(bytes, &unlimited) {
            Ok(t) => {
                let lines: Vec<_> = t.organic_lines().collect();
                serde_json::to_value(&lines).unwrap_or_default()
            }
            Err(_) => serde_json::Value::Array(Vec::new()),
        };
        first_difference("organic", given, &derived)
    }
}

/// The bytes of a `decode` document, as `ace-pga encode` writes them (the `organic` section
/// is not compared: see [`EncodeInput::organic_difference`]).
///
/// # Errors
/// [`EncodeJsonError`]: the JSON is not a decode document, or a value does not fit its field.
pub fn encode_json(data: &[u8]) -> Result<Vec<u8>, EncodeJsonError> {
    Ok(EncodeInput::from_json_slice(data)?
        .transmission
        .to_bytes()?)
}

/// An error of the typed pass of `encode` in words. The JSON text is well formed (the
/// first pass, [`scan::scan`], read all of it), so the error is about a value, never about
/// the syntax: the JSON path, the message and, for a value serde_json stopped at, its
/// position. The record reader (`OwnedRecord`) reads every key of a record before it
/// reports, so serde_json's position would be the end of the record, not the key: its
/// messages name the record's line, identifier and key in words (`line 13, record PG14:
/// field …`), and no position is shown for them.
pub(crate) fn typed_error(path: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&position).unwrap_or(&text);
    let msg = match e.classify() {
        // serde_json reports a value of the wrong type for a name (e.g. `null` for an enum)
        // as a syntax error "expected value".
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("{msg}: a value of the wrong type")
        }
        _ => msg.to_string(),
    };
    let from_record_reader = msg.starts_with("line ") || msg.starts_with("record ");
    let at = if e.line() > 0 && e.column() > 0 && !from_record_reader {
        format!(" (decode JSON line {}, column {})", e.line(), e.column())
    } else {
        String::new()
    };
    match path {
        "" | "." => format!("{msg}{at}"),
        p => format!("{p}: {msg}{at}"),
    }
}

/// A serde_json error in words: the JSON path (when known), the message, and the position
/// in the JSON text (`decode JSON line 40, column 3`, so that it is not read as a record
/// line).
pub(crate) fn json_error(path: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&position).unwrap_or(&text);
    let at = if e.line() > 0 && e.column() > 0 {
        format!(" (decode JSON line {}, column {})", e.line(), e.column())
    } else {
        String::new()
    };
    let kind = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "not ace-pga decode JSON: "
        }
        _ => "",
    };
    match path {
        "" | "." => format!("{kind}{msg}{at}"),
        p => format!("{p}: {kind}{msg}{at}"),
    }
}

/// A value in at most 60 chars of compact JSON (then `…`), as [`first_difference`] shows it.
fn show(v: &serde_json::Value) -> String {
    shortened(v.to_string())
}

/// `text` cut to its first 60 chars and `…` when it is longer.
fn shortened(text: String) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// The first difference of two JSON values in words, at JSON path `path`: the first key
/// (in `serde_json::Map`'s order) or entry where they differ, with both sides shown
/// ([`show`]); `None` when they are equal.
pub(crate) fn first_difference(
    path: &str,
    given: &serde_json::Value,
    derived: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    match (given, derived) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(&p, va, vb) {
                            return Some(d);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{p}: JSON says {}, records have no such key",
                            show(va)
                        ))
                    }
                }
            }
            b.iter()
                .find(|(k, _)| !a.contains_key(*k))
                .map(|(k, vb)| format!("{path}.{k}: JSON lacks it, records say {}", show(vb)))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                if let Some(d) = first_difference(&format!("{path}[{i}]"), va, vb) {
                    return Some(d);
                }
            }
            let n = a.len().min(b.len());
            extra_entry(
                path,
                n,
                (a.get(n).map(show), b.get(n).map(show)),
                a.len(),
                b.len(),
            )
        }
        _ if given == derived => None,
        _ => Some(format!(
            "{path}: JSON says {}, records say {}",
            show(given),
            show(derived)
        )),
    }
}

/// The difference of two arrays that agree in their first `n` entries: the entry `n` of
/// one of them (`shown`: given, derived), or none.
fn extra_entry(
    path: &str,
    n: usize,
    shown: (Option<String>, Option<String>),
    given_len: usize,
    derived_len: usize,
) -> Option<String> {
    match shown {
        (Some(g), _) => Some(format!(
            "{path}[{n}]: JSON says {g}, records have no such entry ({given_len} in JSON, \
             {derived_len} from the records)"
        )),
        (None, Some(d)) => Some(format!(
            "{path}[{n}]: JSON lacks it, records say {d} ({given_len} in JSON, {derived_len} \
             from the records)"
        )),
        (None, None) => None,
    }
}

/// Levels of two values given as JSON text that [`first_difference_text`] and
/// [`show_text`] read one at a time; below, the rest is read into `serde_json::Value`s
/// (each level reads its whole text again: a difference under 120 levels of arrays around
/// a 100 MB payload would be read 120 times over; an `organic` entry has 5: its
/// `entities`, an entity, its `contacts`, a contact, a value).
const TEXT_DEPTH: usize = 8;

/// [`first_difference`] of two values given as JSON text (the streamed `encode` compares
/// an `organic` entry of 150,000 lots this way: a `serde_json::Value` of it costs some
/// 100 MB, its text 9 MB): the same message, found without building either value. Equal
/// texts are equal values; otherwise objects are compared key by key (in the order of
/// `serde_json::Map`, sorted) and arrays entry by entry, each member by its text again, and
/// only numbers are read into `Value`s (below [`TEXT_DEPTH`] levels, the rest). Both texts
/// are compact JSON as serde_json writes a value (a scalar's text is the `Value`'s).
pub(crate) fn first_difference_text(path: &str, given: &str, derived: &str) -> Option<String> {
    difference_at(path, given, derived, 0)
}

fn difference_at(path: &str, given: &str, derived: &str, depth: usize) -> Option<String> {
    use serde_json::value::RawValue;
    use serde_json::Value;
    use std::collections::BTreeMap;
    let (given, derived) = (given.trim(), derived.trim());
    if given == derived {
        return None;
    }
    if depth >= TEXT_DEPTH {
        let a: Value = serde_json::from_str(given).unwrap_or_default();
        let b: Value = serde_json::from_str(derived).unwrap_or_default();
        return first_difference(path, &a, &b);
    }
    let next = depth + 1;
    match (given.as_bytes().first(), derived.as_bytes().first()) {
        (Some(b'{'), Some(b'{')) => {
            let a: BTreeMap<String, &RawValue> = serde_json::from_str(given).unwrap_or_default();
            let b: BTreeMap<String, &RawValue> = serde_json::from_str(derived).unwrap_or_default();
            for (k, va) in &a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => {
                        if let Some(d) = difference_at(&p, va.get(), vb.get(), next) {
                            return Some(d);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{p}: JSON says {}, records have no such key",
                            show_text(va.get())
                        ))
                    }
                }
            }
            b.iter().find(|(k, _)| !a.contains_key(*k)).map(|(k, vb)| {
                format!(
                    "{path}.{k}: JSON lacks it, records say {}",
                    show_text(vb.get())
                )
            })
        }
        (Some(b'['), Some(b'[')) => {
            let a: Vec<&RawValue> = serde_json::from_str(given).unwrap_or_default();
            let b: Vec<&RawValue> = serde_json::from_str(derived).unwrap_or_default();
            for (i, (va, vb)) in a.iter().zip(&b).enumerate() {
                if let Some(d) = difference_at(&format!("{path}[{i}]"), va.get(), vb.get(), next) {
                    return Some(d);
                }
            }
            let n = a.len().min(b.len());
            let shown = |v: Option<&&RawValue>| v.map(|v| show_text(v.get()));
            extra_entry(
                path,
                n,
                (shown(a.get(n)), shown(b.get(n))),
                a.len(),
                b.len(),
            )
        }
        (a, b) => {
            // Texts of equal strings, bools or nulls are equal; numbers may differ in text
            // only (`-0.0` and `0.0`).
            let number = |c: Option<&u8>| matches!(c, Some(b'-' | b'0'..=b'9'));
            if number(a) && number(b) {
                let va: Value = serde_json::from_str(given).unwrap_or_default();
                let vb: Value = serde_json::from_str(derived).unwrap_or_default();
                if va == vb {
                    return None;
                }
            }
            Some(format!(
                "{path}: JSON says {}, records say {}",
                show_text(given),
                show_text(derived)
            ))
        }
    }
}

/// A value given as JSON text (as [`first_difference_text`] takes it), shown as
/// [`first_difference`] shows a `Value`: its compact JSON with the keys of each object
/// sorted, in at most 60 chars (then `…`). Arrays and scalars are written as they are read
/// and the reading stops after 60 chars; an object's entries are read whole (its keys are
/// sorted); below [`TEXT_DEPTH`] levels the rest is read into a `Value`.
pub(crate) fn show_text(text: &str) -> String {
    let mut out = String::new();
    canon(text.trim(), &mut out, 0);
    shortened(out)
}

/// Whether `out` holds more than the 60 chars [`show_text`] shows.
fn full(out: &str) -> bool {
    out.len() > 60 && out.chars().count() > 60
}

/// Appends at most the first 61 chars of `text` to `out`.
fn push_shown(out: &mut String, text: &str) {
    let room = 61usize.saturating_sub(out.chars().count());
    let end = text.char_indices().nth(room).map_or(text.len(), |(i, _)| i);
    out.push_str(text.get(..end).unwrap_or(text));
}

/// Writes `text` (compact JSON) canonically to `out` until `out` holds more than 60 chars.
fn canon(text: &str, out: &mut String, depth: usize) {
    use serde::de::DeserializeSeed;
    use serde_json::value::RawValue;
    match text.as_bytes().first() {
        Some(b'{') if depth < TEXT_DEPTH => {
            let m: std::collections::BTreeMap<String, &RawValue> =
                serde_json::from_str(text).unwrap_or_default();
            canon_object(&m, out, depth);
        }
        Some(b'{') => {
            let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let mut w = Limited(Vec::new());
            // Stops (with an error) once it holds enough.
            let _ = serde_json::to_writer(&mut w, &v);
            push_shown(out, utf8_prefix(&w.0));
        }
        Some(b'[') => {
            // Stops (with an error) once `out` is full.
            let _ = Canon { out, depth }.deserialize(&mut serde_json::Deserializer::from_str(text));
        }
        // A scalar's text is the `Value`'s (serde_json wrote it).
        _ => push_shown(out, text),
    }
}

/// The longest prefix of `b` that is UTF-8 (a [`Limited`] writer may cut a char).
fn utf8_prefix(b: &[u8]) -> &str {
    match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(b.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or(""),
    }
}

/// A writer that takes 512 bytes (more than 61 chars even as `\u0001` escapes) and then
/// refuses.
struct Limited(Vec<u8>);

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = 512usize.saturating_sub(self.0.len());
        if room == 0 {
            return Err(std::io::Error::other("enough"));
        }
        let n = buf.len().min(room);
        self.0.extend_from_slice(buf.get(..n).unwrap_or_default());
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`canon`] of an object above [`TEXT_DEPTH`] given as its entries (keys sorted): each
/// value's text handed to [`canon`].
fn canon_object(
    m: &std::collections::BTreeMap<String, &serde_json::value::RawValue>,
    out: &mut String,
    depth: usize,
) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if full(out) {
            return;
        }
        if i > 0 {
            out.push(',');
        }
        push_shown(out, &serde_json::Value::from(k.as_str()).to_string());
        out.push(':');
        canon(v.get(), out, depth + 1);
    }
    out.push('}');
}

/// [`canon`] of an array, written as it is read (an object in it is handed to [`canon`]).
struct Canon<'o> {
    out: &'o mut String,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Canon<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Canon<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.out;
        out.push('[');
        let mut first = true;
        loop {
            if full(out) {
                return Err(serde::de::Error::custom("enough"));
            }
            let mark = out.len();
            if !first {
                out.push(',');
            }
            let inner = Canon {
                out: &mut *out,
                depth: self.depth + 1,
            };
            if seq.next_element_seed(inner)?.is_none() {
                out.truncate(mark);
                break;
            }
            first = false;
        }
        out.push(']');
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The entries whole, for their keys' order: as `canon` writes an object.
        let mut m = std::collections::BTreeMap::<String, &'de serde_json::value::RawValue>::new();
        while let Some((k, v)) = map.next_entry()? {
            m.insert(k, v);
        }
        if self.depth < TEXT_DEPTH {
            canon_object(&m, self.out, self.depth);
        } else {
            // Deeper: read into a `Value`, as `canon` reads an object there.
            let text = serde_json::to_string(&m).unwrap_or_default();
            canon(&text, self.out, self.depth);
        }
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let mut w = Limited(Vec::new());
        let _ = serde_json::to_writer(&mut w, v);
        push_shown(self.out, utf8_prefix(&w.0));
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // As `Value` writes it (the text was read with `float_roundtrip`: the same f64).
        self.out.push_str(&serde_json::Value::from(v).to_string());
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }
}

/// The first pass of `encode` over the JSON text: refuses a key given twice in any object
/// (serde_json, like most readers, keeps the last one silently), naming its JSON path and the
/// record it sits in, and keeps the top-level `organic` value. Builds nothing else.
pub(crate) mod scan {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;

    /// Where [`scan_reader`] found the top-level `organic` value.
    pub(crate) enum Organic {
        /// Absent or `null`.
        Absent,
        /// An array: its entries went to the callback, in order.
        Entries,
        /// Another value, whole.
        Whole(Value),
    }

    /// Receives the entries of a top-level `organic` array one at a time, each as compact
    /// JSON text (keys in the document's order; a `Value` of an entry of 150,000 lots
    /// costs some 100 MB, its text 9 MB).
    type Sink<'s> = RefCell<&'s mut dyn FnMut(&[u8])>;

    #[derive(Default)]
    struct Ctx<'s> {
        /// JSON path of the value being read (`batches[0].header.fields`).
        path: RefCell<String>,
        /// Path of the first key given twice.
        duplicate: RefCell<Option<String>>,
        /// The full message, once the duplicate's record is known.
        message: RefCell<Option<String>>,
        organic: RefCell<Option<Value>>,
        /// Hand the entries of an `organic` array here instead of building the array.
        sink: Option<Sink<'s>>,
        /// The `organic` array went to `sink`.
        streamed: std::cell::Cell<bool>,
        /// The compact JSON text of the `organic` entry being read (for `sink`).
        text: RefCell<Vec<u8>>,
    }

    /// Reads one value; `build`: also return it as a `Value` (only `organic` and the small
    /// `record`/`line` values are built); `text`: also append it to `ctx.text` as compact
    /// JSON (the entries of a streamed `organic` array).
    #[derive(Clone, Copy)]
    struct Seed<'c, 's> {
        ctx: &'c Ctx<'s>,
        build: bool,
        text: bool,
        depth: usize,
        /// This value is the top-level `organic` (its array entries go to the sink).
        organic: bool,
    }

    /// Scans `data`; returns the top-level `organic` value.
    ///
    /// # Errors
    /// The duplicate key in words, or serde_json's syntax error.
    pub(crate) fn scan(data: &[u8]) -> Result<Option<Value>, String> {
        scan_from(serde_json::Deserializer::from_slice(data), &Ctx::default())
    }

    /// [`scan`] of a reader (read once, a buffer at a time: wrap a file in a `BufReader`);
    /// the entries of an `organic` array go to `entry` one at a time (never held together).
    ///
    /// # Errors
    /// As [`scan`].
    pub(crate) fn scan_reader<R: std::io::Read>(
        reader: R,
        entry: &mut dyn FnMut(&[u8]),
    ) -> Result<Organic, String> {
        let ctx = Ctx {
            sink: Some(RefCell::new(entry)),
            ..Ctx::default()
        };
        let organic = scan_from(serde_json::Deserializer::from_reader(reader), &ctx)?;
        Ok(match organic {
            _ if ctx.streamed.get() => Organic::Entries,
            None | Some(Value::Null) => Organic::Absent,
            Some(v) => Organic::Whole(v),
        })
    }

    fn scan_from<'de, R: serde_json::de::Read<'de>>(
        mut de: serde_json::Deserializer<R>,
        ctx: &Ctx<'_>,
    ) -> Result<Option<Value>, String> {
        let seed = Seed {
            ctx,
            build: false,
            text: false,
            depth: 0,
            organic: false,
        };
        let scanned = seed.deserialize(&mut de).and_then(|_| de.end());
        if let Some(m) = ctx.message.borrow_mut().take() {
            return Err(m);
        }
        scanned.map_err(|e| super::json_error("", &e))?;
        let organic = ctx.organic.borrow_mut().take();
        Ok(organic)
    }

    impl Seed<'_, '_> {
        /// Appends `v` as compact JSON to `ctx.text` (in `text` mode).
        fn write<T: serde::Serialize + ?Sized>(&self, v: &T) {
            if self.text {
                // Writing a string, a number, a bool or null to a `Vec` cannot fail.
                let _ = serde_json::to_writer(&mut *self.ctx.text.borrow_mut(), v);
            }
        }

        /// Appends punctuation to `ctx.text` (in `text` mode).
        fn raw(&self, b: &[u8]) {
            if self.text {
                self.ctx.text.borrow_mut().extend_from_slice(b);
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
        type Value = Option<Value>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Seed<'_, '_> {
        type Value = Option<Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Option<Value>, E> {
            self.write(&v);
            Ok(self.build.then_some(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Option<Value>, E> {
            self.write(&v);
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Option<Value>, E> {
            self.write(&v);
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Option<Value>, E> {
            // As `Value` holds it (and writes it back).
            let v = Value::from(v);
            self.write(&v);
            Ok(self.build.then_some(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Option<Value>, E> {
            self.write(v);
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_string<E>(self, v: String) -> Result<Option<Value>, E> {
            self.write(&v);
            Ok(self.build.then_some(Value::String(v)))
        }
        fn visit_unit<E>(self) -> Result<Option<Value>, E> {
            self.write(&());
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Option<Value>, E> {
            self.write(&());
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
            if let (true, Some(sink)) = (self.organic, &self.ctx.sink) {
                // Each entry written as text, handed on and dropped.
                self.ctx.streamed.set(true);
                let inner = Seed {
                    build: false,
                    text: true,
                    depth: self.depth + 1,
                    organic: false,
                    ..self
                };
                let base = self.ctx.path.borrow().len();
                let mut i = 0usize;
                loop {
                    {
                        let mut p = self.ctx.path.borrow_mut();
                        p.truncate(base);
                        p.push_str(&format!("[{i}]"));
                    }
                    self.ctx.text.borrow_mut().clear();
                    match seq.next_element_seed(inner)? {
                        Some(_) => {
                            let text = std::mem::take(&mut *self.ctx.text.borrow_mut());
                            (sink.borrow_mut())(&text);
                            *self.ctx.text.borrow_mut() = text;
                        }
                        None => break,
                    }
                    i += 1;
                }
                self.ctx.path.borrow_mut().truncate(base);
                return Ok(None);
            }
            let base = self.ctx.path.borrow().len();
            let mut out = Vec::new();
            let mut i = 0usize;
            self.raw(b"[");
            loop {
                {
                    let mut p = self.ctx.path.borrow_mut();
                    p.truncate(base);
                    p.push_str(&format!("[{i}]"));
                }
                if i > 0 && self.text {
                    // A separator before an element that may not come: taken back below.
                    self.raw(b",");
                }
                let inner = Seed {
                    depth: self.depth + 1,
                    organic: false,
                    ..self
                };
                match seq.next_element_seed(inner)? {
                    Some(v) => {
                        if self.build {
                            out.push(v.unwrap_or(Value::Null));
                        }
                    }
                    None => {
                        if i > 0 && self.text {
                            self.ctx.text.borrow_mut().pop();
                        }
                        break;
                    }
                }
                i += 1;
            }
            self.raw(b"]");
            self.ctx.path.borrow_mut().truncate(base);
            Ok(self.build.then_some(Value::Array(out)))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let base = self.ctx.path.borrow().len();
            let here = self.ctx.path.borrow().clone();
            let mut keys = HashSet::new();
            let mut out = serde_json::Map::new();
            let (mut record, mut line) = (None, None);
            self.raw(b"{");
            while let Some(key) = map.next_key::<String>()? {
                if self.text {
                    if !keys.is_empty() {
                        self.raw(b",");
                    }
                    self.write(&key);
                    self.raw(b":");
                }
                {
                    let mut p = self.ctx.path.borrow_mut();
                    p.truncate(base);
                    if base > 0 {
                        p.push('.');
                    }
                    p.push_str(&key);
                }
                if !keys.insert(key.clone()) {
                    let mut dup = self.ctx.duplicate.borrow_mut();
                    if dup.is_none() {
                        *dup = Some(self.ctx.path.borrow().clone());
                    }
                }
                let organic = self.depth == 0 && key == "organic";
                let inner = Seed {
                    ctx: self.ctx,
                    build: self.build || organic || key == "record" || key == "line",
                    text: self.text,
                    depth: self.depth + 1,
                    organic,
                };
                let v = map.next_value_seed(inner)?;
                match key.as_str() {
                    "record" => record = v.as_ref().and_then(Value::as_str).map(str::to_string),
                    "line" => line = v.as_ref().and_then(Value::as_u64),
                    _ => {}
                }
                if organic {
                    *self.ctx.organic.borrow_mut() = v.clone();
                }
                if self.build {
                    out.insert(key, v.unwrap_or(Value::Null));
                }
            }
            self.raw(b"}");
            self.ctx.path.borrow_mut().truncate(base);
            // A duplicate inside this object is reported here when this object is a record
            // (so that the message names it) or the whole document.
            let inside = self.ctx.duplicate.borrow().clone().filter(|d| {
                here.is_empty()
                    || d.strip_prefix(here.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            });
            if let Some(dup) = inside {
                if record.is_some() || self.depth == 0 {
                    let within = match (line, &record) {
                        (Some(l), Some(r)) => format!(" (line {l}, record {r})"),
                        (None, Some(r)) => format!(" (record {r})"),
                        _ => String::new(),
                    };
                    *self.ctx.message.borrow_mut() = Some(format!(
                        "{dup}: key given twice{within}: a key may appear once per object"
                    ));
                    return Err(de::Error::custom("key given twice"));
                }
            }
            Ok(self.build.then_some(Value::Object(out)))
        }
    }
}

#[cfg(test)]
mod tests {
    //! [`first_difference_text`] against [`first_difference`]: the same message for any two
    //! values, whatever the key order of their texts.
    use super::{first_difference, first_difference_text, show, show_text};
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..4).prop_map(Value::from),
            prop_oneof![Just(1.0f64), Just(1.5), Just(-0.0), Just(1e300)].prop_map(Value::from),
            prop_oneof![
                Just(String::new()),
                Just("a".to_string()),
                Just("é\"\\\n".to_string()),
                Just("x".repeat(70)),
                Just("1".to_string()),
            ]
            .prop_map(Value::String),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![Just("a"), Just("b"), Just("line"), Just("é"), Just("k\"")],
                        inner
                    ),
                    0..5
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>()
                )),
            ]
        })
    }

    /// Every node of `v`, in pre-order, as mutable references (one at a time, by index).
    fn node_at(v: &mut Value, mut k: usize) -> Result<&mut Value, usize> {
        if k == 0 {
            return Ok(v);
        }
        k -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Array(a) => a.iter_mut().collect(),
            Value::Object(m) => m.values_mut().collect(),
            _ => Vec::new(),
        };
        for c in children {
            match node_at(c, k) {
                Ok(n) => return Ok(n),
                Err(rest) => k = rest,
            }
        }
        Err(k)
    }

    /// `v` changed at one node: a value replaced, a key or an entry added or removed.
    fn mutate(mut v: Value, seed: u64) -> Value {
        let count = {
            let mut n = 0;
            while node_at(&mut v, n).is_ok() {
                n += 1;
            }
            n
        };
        let at = (seed as usize) % count;
        let op = (seed / count as u64) % 7;
        if let Ok(n) = node_at(&mut v, at) {
            match (op, &mut *n) {
                (0, Value::Object(m)) => {
                    let k = m.keys().next().cloned();
                    if let Some(k) = k {
                        m.remove(&k);
                    }
                }
                (1, Value::Object(m)) => {
                    m.insert("new".into(), Value::Null);
                }
                (0, Value::Array(a)) => {
                    a.pop();
                }
                (1, Value::Array(a)) => a.push(Value::from(1)),
                (2, _) => *n = Value::Null,
                (3, _) => *n = Value::from("x".repeat(65)),
                (4, _) => *n = Value::from(1.0),
                (5, _) => *n = Value::from(1),
                _ => *n = Value::Array(Vec::new()),
            }
        }
        v
    }

    /// Compact JSON as serde_json writes it (what the scan and the records give), with
    /// each object's keys in reverse order (not `Map`'s).
    fn text(v: &Value) -> String {
        match v {
            Value::Array(a) => {
                let parts: Vec<String> = a.iter().map(text).collect();
                format!("[{}]", parts.join(","))
            }
            Value::Object(m) => {
                let parts: Vec<String> = m
                    .iter()
                    .rev()
                    .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), text(v)))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            other => other.to_string(),
        }
    }

    /// `v` nested in `depth` arrays.
    fn nest(v: Value, depth: usize) -> Value {
        (0..depth).fold(v, |v, _| Value::Array(vec![v]))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn text_comparison_is_the_value_comparison(
            (a, b) in value().prop_flat_map(|a| {
                let b = prop_oneof![
                    any::<u64>().prop_map({ let a = a.clone(); move |s| mutate(a.clone(), s) }),
                    value(),
                ];
                (Just(a), b)
            }),
            plain in any::<bool>(),
        ) {
            let (ta, tb) = if plain { (a.to_string(), b.to_string()) } else { (text(&a), text(&b)) };
            prop_assert_eq!(
                first_difference_text("organic[0]", &ta, &tb),
                first_difference("organic[0]", &a, &b)
            );
            prop_assert_eq!(
                first_difference_text("organic[0]", &tb, &ta),
                first_difference("organic[0]", &b, &a)
            );
            // Shown as `first_difference` shows a `Value`.
            prop_assert_eq!(show_text(&text(&a)), show(&a));
        }

        /// Past `TEXT_DEPTH` levels (read into `Value`s) the same message.
        #[test]
        fn deep_values_compare_the_same(
            (a, b) in value().prop_flat_map(|a| {
                let b = any::<u64>().prop_map({ let a = a.clone(); move |s| mutate(a.clone(), s) });
                (Just(a), b)
            }),
            depth in 0usize..14,
        ) {
            let (a, b) = (nest(a, depth), nest(b, depth));
            prop_assert_eq!(
                first_difference_text("organic[0]", &text(&a), &text(&b)),
                first_difference("organic[0]", &a, &b)
            );
            prop_assert_eq!(show_text(&text(&a)), show(&a));
        }
    }

    #[test]
    fn equal_values_in_other_texts_agree() {
        assert_eq!(
            first_difference_text("o", r#"{"b":[1,"é"],"a":-0.0}"#, r#"{"a":0.0,"b":[1,"é"]}"#),
            None
        );
        assert_eq!(
            first_difference_text("o", r#"{"a":1.0}"#, r#"{"a":1}"#).as_deref(),
            Some("o.a: JSON says 1.0, records say 1")
        );
    }
}
