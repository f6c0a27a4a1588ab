//! Fuzz target `roundtrip`: whatever parses without error serializes back to the same bytes
//! (strict: the input itself; lenient: idempotent repair), the record sequence survives a
//! reparse, and the streaming reader's units cover the input (see `checks::roundtrip`).
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::roundtrip(data));
