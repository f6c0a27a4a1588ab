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

pub(crate) fn first_difference(
    path: &str,
    given: &serde_json::Value,
    derived: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    /// A value in at most 60 chars of compact JSON.
    fn show(v: &Value) -> String {
        let text = v.to_string();
        if text.chars().count() > 60 {
            format!("{}…", text.chars().take(60).collect::<String>())
        } else {
            text
        }
    }
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
            match (a.get(n), b.get(n)) {
                (Some(va), _) => Some(format!(
                    "{path}[{n}]: JSON says {}, records have no such entry ({} in JSON, {} from \
                     the records)",
                    show(va),
                    a.len(),
                    b.len()
                )),
                (None, Some(vb)) => Some(format!(
                    "{path}[{n}]: JSON lacks it, records say {} ({} in JSON, {} from the records)",
                    show(vb),
                    a.len(),
                    b.len()
                )),
                (None, None) => None,
            }
        }
        _ if given == derived => None,
        _ => Some(format!(
            "{path}: JSON says {}, records say {}",
            show(given),
            show(derived)
        )),
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

    /// Receives the entries of a top-level `organic` array one at a time.
    type Sink<'s> = RefCell<&'s mut dyn FnMut(Value)>;

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
    }

    /// Reads one value; `build`: also return it as a `Value` (only `organic` and the small
    /// `record`/`line` values are built).
    #[derive(Clone, Copy)]
    struct Seed<'c, 's> {
        ctx: &'c Ctx<'s>,
        build: bool,
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
        entry: &mut dyn FnMut(Value),
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
            Ok(self.build.then_some(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Option<Value>, E> {
            Ok(self.build.then(|| Value::from(v)))
        }
        fn visit_string<E>(self, v: String) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::String(v)))
        }
        fn visit_unit<E>(self) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Option<Value>, E> {
            Ok(self.build.then_some(Value::Null))
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
            if let (true, Some(sink)) = (self.organic, &self.ctx.sink) {
                // Each entry built, handed on and dropped.
                self.ctx.streamed.set(true);
                let inner = Seed {
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
                    match seq.next_element_seed(inner)? {
                        Some(v) => (sink.borrow_mut())(v.unwrap_or(Value::Null)),
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
            loop {
                {
                    let mut p = self.ctx.path.borrow_mut();
                    p.truncate(base);
                    p.push_str(&format!("[{i}]"));
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
                    None => break,
                }
                i += 1;
            }
            self.ctx.path.borrow_mut().truncate(base);
            Ok(self.build.then_some(Value::Array(out)))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let base = self.ctx.path.borrow().len();
            let here = self.ctx.path.borrow().clone();
            let mut keys = HashSet::new();
            let mut out = serde_json::Map::new();
            let (mut record, mut line) = (None, None);
            while let Some(key) = map.next_key::<String>()? {
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
