//! The document `ace-pga decode` writes: the owned transmission ([`OwnedTransmission`]:
//! `framing`, `batches`, `trailing`) plus `organic`, the typed NOP organic view of every AMS
//! OR line ([`OrganicLine`]), in input order.

use crate::profile::ams_or::OrganicLine;
use crate::transmission::Transmission;
use crate::write::owned::OwnedTransmission;

/// The JSON document of `ace-pga decode`: the keys of the owned transmission
/// ([`OwnedTransmission`], the part `encode` reads back) followed by `organic`, the AMS OR1/OR2
/// lines read through the organic profile (informational: `encode` writes the records and
/// warns when `organic` differs from them). Serialized with feature `serde`; the owned part
/// is described by `schema/decode.schema.json`. To write the document,
/// [`crate::write::DecodeJson::document`] gives the same bytes without the owned copy
/// (`ace-pga decode` writes with it); this owned form is what `encode` reads back.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeDocument<'a> {
    /// The owned transmission (`framing`, `batches`, `trailing`).
    pub transmission: OwnedTransmission,
    /// The organic view of every AMS OR line, in input order.
    pub organic: Vec<OrganicLine<'a>>,
}

impl<'a> DecodeDocument<'a> {
    /// The document of a parsed transmission.
    pub fn new(t: &Transmission<'a>) -> Self {
        DecodeDocument {
            transmission: OwnedTransmission::from_transmission(t),
            organic: t.organic_lines().collect(),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DecodeDocument<'_> {
    /// The owned transmission's keys, then `organic`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Document<'o, 'v, 'a> {
            #[serde(flatten)]
            transmission: &'o OwnedTransmission,
            organic: &'v [OrganicLine<'a>],
        }
        Document {
            transmission: &self.transmission,
            organic: &self.organic,
        }
        .serialize(s)
    }
}
