//! Fuzz target `parse`: arbitrary bytes through the whole public pipeline, strict and
//! lenient (see `checks::parse` in `fuzz/common/checks.rs` for the properties asserted).
//!
//! Run from the crate root: `cargo +nightly fuzz run parse fuzz/corpus/parse fuzz/seeds`
//! (new inputs go to the first, git-ignored, directory; `fuzz/seeds` stays as committed).
#![no_main]

#[path = "../common/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::parse(data));
