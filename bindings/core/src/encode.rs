//! `ace-pga encode`: `decode` JSON back to the transmission's bytes, read by the library's
//! [`ace_pga::write::encode_json`] (the CLI's reading and messages).

use crate::{clean, error_document, Options, Outcome};

/// `ace-pga encode`: the transmission's bytes of a `decode` document. Invalid (error document,
/// no findings) when the JSON is not a decode document or a value does not fit its field;
/// the `organic` section is informational (the records are written, as by the CLI, which
/// also warns when the two differ). No option applies.
pub fn encode(json: &[u8], _options: &Options) -> Outcome {
    match ace_pga::write::encode_json(json) {
        Ok(bytes) => Outcome::Ok(bytes),
        Err(e) => Outcome::Invalid(error_document(&clean(&e.to_string()), &[])),
    }
}
