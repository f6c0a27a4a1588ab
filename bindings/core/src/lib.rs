//! What the C ABI (`ace-pga-c`) and the Python wheel (`ace_pga`) share: the options JSON and
//! the CLI's JSON documents, bytes in and JSON bytes out.
//!
//! Every entry point returns an [`Outcome`]:
//!
//! * [`Outcome::Ok`]: the document (`decode`, `check --format json`, `status --format json`:
//!   the same bytes as the CLI prints, without its final newline) or, for
//!   [`encode`], the transmission's bytes;
//! * [`Outcome::Invalid`]: for [`decode`], [`dump`], [`encode`] and [`status`] an error
//!   document `{"error": "…", "findings": […]}` ([`error_document`]); for [`check`] the
//!   report (it has errors);
//! * [`Outcome::Usage`]: a bad option (the message names it).
//!
//! The decode and check documents are the library's ([`ace_pga::write::DecodeDocument`],
//! [`ace_pga::validate::CheckDocument`], [`ace_pga::validate::Finding`]), as the CLI writes
//! them, as are the status document ([`ace_pga::response::StatusDocument`]) and the reading
//! of encode's JSON with its messages ([`ace_pga::write::encode_json`]). The tests of this
//! crate compare every document byte for byte with the CLI's output on every shipped sample.
//! Nothing here panics on any input, keeps global state or prints.

#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod documents;
mod encode;
mod options;

pub use documents::{
    check, decode, dump, error_document, problem_finding, response_name, status, SUBMISSION_NAME,
};
pub use encode::encode;
pub use options::Options;

/// The version of the `ace-pga` library these bindings are built with.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a call gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The result: a JSON document, or the transmission's bytes for [`encode`].
    Ok(Vec<u8>),
    /// The input is invalid: an error document `{"error": …, "findings": […]}`, or the
    /// report with errors for [`check`].
    Invalid(Vec<u8>),
    /// A bad argument (options JSON, rule id, date): the message.
    Usage(String),
}

impl Outcome {
    /// The bytes the caller gets: the document, or for [`Outcome::Usage`] an error document
    /// with no findings.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Outcome::Ok(b) | Outcome::Invalid(b) => b,
            Outcome::Usage(m) => error_document(&m, &[]),
        }
    }
}

/// Control characters become `?` (as the CLI shows text from the input).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
