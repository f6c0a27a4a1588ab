//! Agency program profiles: typed views of PGA lines and builders back to records. A profile
//! reads records through the record layer; it knows no byte positions of its own.

pub mod ams_or;
