//! The write layer: the owned JSON model that `decode` writes and `encode` reads
//! ([`owned`]), the whole document `decode` writes ([`DecodeDocument`]: the owned model plus
//! the organic views) and its fast writer ([`DecodeJson`]: the same bytes from the borrowed
//! tree, level by level), and the canonical field dump ([`dump`]). The bytes of a parsed transmission
//! are written by [`crate::Transmission::write_to`]; framed records by
//! [`crate::wire::write_records`].

#[cfg(feature = "serde")]
mod decode_json;
mod document;
pub mod dump;
#[cfg(feature = "json")]
pub(crate) mod encode_json;
pub mod owned;

#[cfg(feature = "json")]
pub(crate) use decode_json::write_organic_line;
#[cfg(feature = "serde")]
pub use decode_json::DecodeJson;
#[cfg(feature = "json")]
pub use decode_json::JsonStyle;
pub use document::DecodeDocument;
#[cfg(feature = "json")]
pub use encode_json::{encode_json, EncodeInput, EncodeJsonError};
