//! The native part of the `ace_pga` Python package (`ace_pga._native`): bytes in, the CLI's
//! JSON out, with the GIL released while parsing, validating and encoding. The Python
//! functions, exceptions and types are in `python/ace_pga/`.
//!
//! Each function returns `(status, bytes)`: status 0 (the result), 1 (invalid input: an
//! error document `{"error", "findings"}`, or the report / status document), 2 (a bad
//! option: the message as UTF-8), as the C ABI's `AcePgaStatus`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use ace_pga_bindings::{Options, Outcome};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// `(status, bytes)` of an outcome.
fn result(py: Python<'_>, outcome: Outcome) -> (u8, Bound<'_, PyBytes>) {
    let (status, bytes) = match outcome {
        Outcome::Ok(b) => (0, b),
        Outcome::Invalid(b) => (1, b),
        Outcome::Usage(m) => (2, m.into_bytes()),
    };
    (status, PyBytes::new(py, &bytes))
}

/// Runs `f` on the options of `options` without the GIL.
fn run<'py>(
    py: Python<'py>,
    options: &str,
    f: impl FnOnce(&Options) -> Outcome + Send,
) -> (u8, Bound<'py, PyBytes>) {
    let outcome = py.allow_threads(|| match Options::from_json(Some(options.as_bytes())) {
        Ok(o) => f(&o),
        Err(m) => Outcome::Usage(m),
    });
    result(py, outcome)
}

/// `ace-pga decode`: `(status, document)`.
#[pyfunction]
fn decode<'py>(py: Python<'py>, data: &[u8], options: &str) -> (u8, Bound<'py, PyBytes>) {
    run(py, options, |o| ace_pga_bindings::decode(data, o))
}

/// `ace-pga dump` as one JSON array: `(status, document)`.
#[pyfunction]
fn dump<'py>(py: Python<'py>, data: &[u8], options: &str) -> (u8, Bound<'py, PyBytes>) {
    run(py, options, |o| ace_pga_bindings::dump(data, o))
}

/// `ace-pga check --format json -`: `(status, report)`.
#[pyfunction]
fn check<'py>(py: Python<'py>, data: &[u8], options: &str) -> (u8, Bound<'py, PyBytes>) {
    run(py, options, |o| ace_pga_bindings::check(data, o))
}

/// `ace-pga encode`: `(status, transmission bytes or error document)`.
#[pyfunction]
fn encode<'py>(py: Python<'py>, json: &[u8]) -> (u8, Bound<'py, PyBytes>) {
    run(py, "", |o| ace_pga_bindings::encode(json, o))
}

/// `ace-pga status --format json`: `(status, document)`.
#[pyfunction]
fn status<'py>(
    py: Python<'py>,
    submission: &[u8],
    responses: Vec<Bound<'py, PyBytes>>,
) -> (u8, Bound<'py, PyBytes>) {
    let list: Vec<&[u8]> = responses.iter().map(|r| r.as_bytes()).collect();
    run(py, "", |_| ace_pga_bindings::status(submission, &list))
}

/// The version of the ace-pga library.
#[pyfunction]
fn version() -> &'static str {
    ace_pga_bindings::VERSION
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(dump, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(encode, m)?)?;
    m.add_function(wrap_pyfunction!(status, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
