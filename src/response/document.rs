//! The document `ace-pga status --format json` writes (feature `json`): the status of each
//! PGA line with the responses' summaries, what matched nothing and the responses skipped.

use std::io;

use super::{Correlation, LineStatus};

/// The JSON document of `ace-pga status --format json` (SPEC 7): one object with the keys
/// `lines` (each [`LineStatus`] with its `status` name and `latest` disposition),
/// `responses` ([`Correlation::responses`]), `skipped` (only when a response was skipped:
/// `{"file", "problem"}` each), `submission` (the name given) and `unmatched`
/// ([`Correlation::unmatched`]), in that (alphabetical) order, compact. The C ABI and the
/// Python wheel write the same bytes.
///
/// ```
/// use ace_pga::response::{Correlation, StatusDocument};
/// use ace_pga::Transmission;
///
/// let submission = std::fs::read("spec-samples/valid/or2-single.txt")?;
/// let so = std::fs::read("spec-samples/valid/so-status.txt")?;
/// let mut book = Correlation::new(&Transmission::parse(&submission)?);
/// book.add_response("so-status.txt", &Transmission::parse(&so)?);
/// let json = StatusDocument::new("or2-single.txt", &book).to_vec();
/// let doc: serde_json::Value = serde_json::from_slice(&json)?;
/// assert_eq!(doc["lines"][0]["status"], "may_proceed");
/// assert_eq!(doc["submission"], "or2-single.txt");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct StatusDocument<'c> {
    submission: &'c str,
    book: &'c Correlation,
    lines: Vec<LineStatus<'c>>,
    skipped: Vec<(String, String)>,
}

impl<'c> StatusDocument<'c> {
    /// The document of every line of `book`; `submission` names the submission.
    pub fn new(submission: &'c str, book: &'c Correlation) -> Self {
        StatusDocument {
            submission,
            book,
            lines: book.lines().collect(),
            skipped: Vec::new(),
        }
    }

    /// Only these lines (e.g. [`Correlation::by_certificate`]), in the order given.
    #[must_use]
    pub fn with_lines(mut self, lines: Vec<LineStatus<'c>>) -> Self {
        self.lines = lines;
        self
    }

    /// A response that could not be read or is not a transmission: its name and the problem,
    /// listed under `skipped`.
    #[must_use]
    pub fn skipped(mut self, file: impl Into<String>, problem: impl Into<String>) -> Self {
        self.skipped.push((file.into(), problem.into()));
        self
    }

    /// Writes the document (no final newline); the lines one at a time, never the whole
    /// document in memory.
    ///
    /// # Errors
    /// The writer's error (a serialization error as an [`io::Error`]).
    pub fn write_to<W: io::Write>(&self, out: &mut W) -> io::Result<()> {
        // One object, in the key order of serde_json's map.
        let mut doc = serde_json::Map::new();
        doc.insert("submission".into(), serde_json::json!(self.submission));
        doc.insert("lines".into(), serde_json::Value::Null);
        doc.insert(
            "responses".into(),
            serde_json::to_value(&self.book.responses).unwrap_or_default(),
        );
        doc.insert(
            "unmatched".into(),
            serde_json::to_value(&self.book.unmatched).unwrap_or_default(),
        );
        if !self.skipped.is_empty() {
            let list: Vec<serde_json::Value> = self
                .skipped
                .iter()
                .map(|(file, problem)| serde_json::json!({"file": file, "problem": problem}))
                .collect();
            doc.insert("skipped".into(), serde_json::Value::Array(list));
        }
        let json_err = io::Error::from;
        out.write_all(b"{")?;
        for (i, (key, value)) in doc.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, key).map_err(json_err)?;
            out.write_all(b":")?;
            if key != "lines" {
                serde_json::to_writer(&mut *out, value).map_err(json_err)?;
                continue;
            }
            out.write_all(b"[")?;
            for (j, l) in self.lines.iter().enumerate() {
                if j > 0 {
                    out.write_all(b",")?;
                }
                let mut v = serde_json::to_value(l).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("status".into(), serde_json::json!(l.status().name()));
                    o.insert(
                        "latest".into(),
                        serde_json::to_value(l.latest()).unwrap_or_default(),
                    );
                }
                serde_json::to_writer(&mut *out, &v).map_err(json_err)?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}")
    }

    /// The document as bytes (no final newline).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to a Vec fails only if serialization fails, which the model does not.
        let _ = self.write_to(&mut out);
        out
    }
}
