//! USDA AMS National Organic Program profile: the typed view of a PGA line with agency `AMS`
//! and program `OR` (message types OR1 and OR2), and the builder that produces such a line's
//! PG records (SPEC 5; CSMS #59847491, #62228844, #67645994).
//!
//! The view keeps every value verbatim (no normalisation of certificate numbers, NOP IDs,
//! units or dates); it classifies the certificate reference (NOP Import Certificate, AMS
//! special code, or other) and exposes the three NOP-IC segments neutrally.

mod builder;
mod nop_ic;
mod view;

pub use builder::*;
pub use nop_ic::{NopIcNumber, ParseNopIcError};
pub use view::*;
