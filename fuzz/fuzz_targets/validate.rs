//! Fuzz target `validate`: the first byte selects parse and validation options (lenient,
//! every opt-in rule, tariff flags, `max_findings` 0–31), the rest is the input. Validation
//! never panics and its report is bounded (see `checks::validate`).
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::validate(data));
