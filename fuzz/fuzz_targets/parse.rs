//! Fuzz target `parse`: arbitrary bytes through the whole public pipeline.
//!
//! For strict and lenient options: `Transmission::parse_with`, and when that succeeds
//! `to_bytes()`, the field dump of every record (typed values and its JSON form), the typed
//! organic view of every PGA line, `OwnedTransmission::from_transmission` and its
//! `to_bytes()`, and, for parses without error-severity problems, the owned form's JSON round
//! trip (what `ace-pga decode | ace-pga encode` does). Must never panic. Properties checked:
//!
//! * any parse without error-severity problems: the owned form's JSON round trip keeps its
//!   bytes (`to_bytes()` before and after are equal, errors included);
//! * strict parse without error-severity problems: `to_bytes()` of the transmission and of
//!   its owned form (hence also after the JSON round trip) equal the input;
//! * lenient parse without error-severity problems: serializing is idempotent (the repaired
//!   bytes parse leniently to a transmission that serializes to the same bytes).
//!
//! Run from the crate root: `cargo +nightly fuzz run parse fuzz/corpus/parse fuzz/seeds`
//! (new inputs go to the first, git-ignored, directory; `fuzz/seeds` stays as committed).
#![no_main]

use ace_pga::dump::dump_record;
use ace_pga::profile::ams_or::OrganicLine;
use ace_pga::{OwnedTransmission, ParseOptions, Severity, Transmission};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (strict, opts) in [
        (true, ParseOptions::strict()),
        (false, ParseOptions::lenient()),
    ] {
        let Ok(t) = Transmission::parse_with(data, &opts) else {
            continue;
        };
        let clean = !t.problems.iter().any(|p| p.severity == Severity::Error);
        let bytes = t.to_bytes();
        for p in &t.problems {
            let _ = p.to_string();
        }

        t.tree.for_each_record(|r| {
            let d = dump_record(r);
            let _ = serde_json::to_string(&d).expect("dump record serializes");
        });
        for line in t.tree.pga_lines() {
            if let Some(organic) = OrganicLine::from_line(line) {
                let _ = serde_json::to_string(&organic).expect("organic view serializes");
            }
        }

        let owned = OwnedTransmission::from_transmission(&t);
        let owned_bytes = owned.to_bytes();
        if !clean {
            // `ace-pga decode` refuses input with errors: no JSON round trip to check.
            continue;
        }
        let json = serde_json::to_vec(&owned).expect("owned transmission serializes");
        let back: OwnedTransmission =
            serde_json::from_slice(&json).expect("owned transmission JSON deserializes");
        let back_bytes = back.to_bytes();

        assert_eq!(
            back_bytes, owned_bytes,
            "the owned form's JSON round trip changes its bytes"
        );
        if strict {
            assert_eq!(bytes, data, "strict: to_bytes() differs from the input");
            assert_eq!(
                owned_bytes.as_deref().ok(),
                Some(data),
                "strict: OwnedTransmission::to_bytes() differs from the input: {owned_bytes:?}"
            );
        } else {
            let again = Transmission::parse_with(&bytes, &opts)
                .expect("repaired bytes parse leniently")
                .to_bytes();
            assert_eq!(again, bytes, "lenient: serializing is not idempotent");
        }
    }
});
