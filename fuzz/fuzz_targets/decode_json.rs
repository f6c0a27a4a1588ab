//! Fuzz target `decode_json`: JSON → `OwnedTransmission` → bytes never panics
//! (`serde_json::from_slice` then `to_bytes`, what `ace-pga encode` does); see
//! `checks::decode_json`.
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::decode_json(data));
