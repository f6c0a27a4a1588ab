//! The record layer: every layout of `records.csv` as a typed struct that borrows from the
//! input (CATAIR PGA Message Set, July 2026 edition; ABI Batch & Block Control rev 23; ACE
//! Cargo Release SE90 and SO70–SO72 output records).
//!
//! All 43 layouts are declared once, in `src/records/table.rs`, by the `record_layouts!`
//! macro. That single declaration produces, for each record:
//!
//! * a struct (e.g. [`Pg14`]) whose fields are `Option`s of typed values: text as `&str`
//!   without trailing spaces, `N` fields as `u64` or exact [`rust_decimal::Decimal`] with the
//!   implied decimals applied, dates as `chrono::NaiveDate`, times as [`crate::layout::Time`];
//!   an all-space field is `None`;
//! * `LAYOUT`: the [`RecordLayout`] table (positions, class, designation, kind) used by the
//!   field dump, the JSON encoder, validation and the docs;
//! * `parse` (80 bytes → struct) and `write_into` / `to_bytes` (struct → 80 bytes; refuses
//!   values that do not fit, never truncates or rounds);
//! * a variant of [`RecordType`] and of [`Body`].

use std::marker::PhantomData;

use crate::error::{EncodeError, FieldError, FieldErrorKind};
use crate::layout::{
    all_spaces, Class, Date6, Date8, Dec, Designation, FieldDef, FieldKind, Hhmm, Hhmmss, Int,
    MonthYear6, RecordLayout, Text,
};

/// Reads one field of a record for the typed structs. A field that lies partly or wholly
/// beyond the end of a short (lenient-padded) record reads as if padded with spaces.
#[inline]
fn read_field<'a, K: FieldKind>(
    raw: &'a [u8],
    ascii: Option<&'a str>,
    start: u8,
    end: u8,
    name: &'static str,
    lenient_n: bool,
) -> Result<Option<K::Value<'a>>, FieldError> {
    let (s, e) = (start as usize - 1, end as usize);
    if let Some(v) = ascii.and_then(|t| t.get(s..e)).and_then(K::read_ascii) {
        return Ok(v);
    }
    let err = |kind| FieldError {
        field: name,
        start,
        end,
        kind,
    };
    match raw.get(s..e) {
        Some(b) => K::read(b, lenient_n).map_err(err),
        None => {
            let b = raw.get(s.min(raw.len())..).unwrap_or_default();
            if all_spaces(b) {
                Ok(None)
            } else if K::KIND == crate::layout::Kind::Text {
                K::read(b, lenient_n).map_err(err)
            } else {
                // Digits followed by (missing = space) bytes: never a valid N field.
                Err(err(FieldErrorKind::NotNumeric))
            }
        }
    }
}

/// The record as `&str` when it is all ASCII (then every text field is a valid `&str`).
#[inline]
fn ascii_str(raw: &[u8]) -> Option<&str> {
    if raw.is_ascii() {
        std::str::from_utf8(raw).ok()
    } else {
        None
    }
}

#[inline]
fn write_field<K: FieldKind>(
    value: &K::Value<'_>,
    out: &mut [u8; 80],
    start: u8,
    end: u8,
    record: &'static str,
    field: &'static str,
) -> Result<(), EncodeError> {
    let slot = out
        .get_mut(start as usize - 1..end as usize)
        .unwrap_or_default();
    K::write(value, slot).map_err(|kind| EncodeError {
        record,
        field,
        start,
        end,
        kind,
    })
}

/// Declares record layouts: one block per record, one line per field, as in `records.csv`.
///
/// ```text
/// Pg29 = "PG29", "Product quantity record" {
///     /// description
///     quantity_line_net: Dec<2> = 8..=19, N, C;
/// } fillers [65..=80]
/// ```
macro_rules! record_layouts {
    ($(
        $name:ident = $id:literal, $title:literal {
            $( $(#[$fmeta:meta])* $field:ident : $kind:ty = $start:literal ..= $end:literal, $class:ident, $desig:ident; )*
        } fillers [ $( $fs:literal ..= $fe:literal ),* ]
    )*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $title, ".")]
            #[doc = ""]
            #[doc = concat!("Layout (declared once in `src/records/table.rs`, checked against `records.csv`; the identifier `", $id, "` opens the record):")]
            #[doc = ""]
            #[doc = "| field | bytes | class | designation | kind |"]
            #[doc = "|---|---|---|---|---|"]
            $( #[doc = concat!("| `", stringify!($field), "` | ", stringify!($start), "–", stringify!($end), " | ", stringify!($class), " | ", stringify!($desig), " | `", stringify!($kind), "` |")] )*
            $( #[doc = concat!("| *filler* | ", stringify!($fs), "–", stringify!($fe), " | | | spaces |")] )*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            #[cfg_attr(feature = "serde", derive(serde::Serialize))]
            pub struct $name<'a> {
                $(
                    $(#[$fmeta])*
                    #[doc = ""]
                    #[doc = concat!("Bytes ", stringify!($start), "–", stringify!($end), ", class ", stringify!($class), ", designation ", stringify!($desig), ", read as `", stringify!($kind), "`; `None` when all spaces.")]
                    pub $field: Option<<$kind as FieldKind>::Value<'a>>,
                )*
                #[doc(hidden)]
                #[cfg_attr(feature = "serde", serde(skip))]
                pub _lifetime: PhantomData<&'a ()>,
            }

            impl<'a> $name<'a> {
                /// The record's layout table.
                pub const LAYOUT: RecordLayout = RecordLayout {
                    id: $id,
                    title: $title,
                    fields: &[ $( FieldDef {
                        name: stringify!($field),
                        start: $start,
                        end: $end,
                        class: Class::$class,
                        designation: Designation::$desig,
                        kind: <$kind as FieldKind>::KIND,
                    }, )* ],
                    fillers: &[ $( ($fs, $fe) ),* ],
                };

                /// Parses the record's bytes (without terminator; 80 bytes, or fewer for a
                /// lenient-padded short record). The identifier bytes are not checked here.
                ///
                /// # Errors
                /// The first field whose bytes do not fit its class or format.
                #[allow(unused_variables)]
                pub fn parse(raw: &'a [u8], lenient_n: bool) -> Result<Self, FieldError> {
                    let ascii = ascii_str(raw);
                    Ok(Self {
                        $( $field: read_field::<$kind>(raw, ascii, $start, $end, stringify!($field), lenient_n)?, )*
                        _lifetime: PhantomData,
                    })
                }

                /// Parses the record like [`Self::parse`], but never fails: a field that cannot
                /// be typed is `None`, and the first such field's error is returned with the
                /// struct (so validators can still see the other fields).
                #[allow(unused_variables, unused_mut)]
                pub fn parse_partial(raw: &'a [u8], lenient_n: bool) -> (Self, Option<FieldError>) {
                    let mut first = None;
                    let ascii = ascii_str(raw);
                    let v = Self {
                        $( $field: match read_field::<$kind>(raw, ascii, $start, $end, stringify!($field), lenient_n) {
                            Ok(v) => v,
                            Err(e) => {
                                first.get_or_insert(e);
                                None
                            }
                        }, )*
                        _lifetime: PhantomData,
                    };
                    (v, first)
                }

                /// Checks the record's fields without building the struct: the first field
                /// that cannot be typed. Text fields of an all-ASCII record are not visited.
                #[allow(unused_variables)]
                pub fn check(raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                    let ascii = raw.is_ascii();
                    $(
                        if !(ascii && <$kind as FieldKind>::KIND == crate::layout::Kind::Text) {
                            if let Err(e) = read_field::<$kind>(raw, None, $start, $end, stringify!($field), lenient_n) {
                                return Some(e);
                            }
                        }
                    )*
                    None
                }

                /// Writes the record (identifier, fields, space filler) into `out`.
                ///
                /// # Errors
                /// [`EncodeError`] naming the field whose value does not fit; `out` is then
                /// partly written.
                pub fn write_into(&self, out: &mut [u8; 80]) -> Result<(), EncodeError> {
                    out.fill(b' ');
                    if let Some(dst) = out.get_mut(..$id.len()) {
                        dst.copy_from_slice($id.as_bytes());
                    }
                    $( if let Some(v) = &self.$field {
                        write_field::<$kind>(v, out, $start, $end, $id, stringify!($field))?;
                    } )*
                    Ok(())
                }

                /// The record's 80 bytes.
                ///
                /// # Errors
                /// As [`Self::write_into`].
                pub fn to_bytes(&self) -> Result<[u8; 80], EncodeError> {
                    let mut out = [b' '; 80];
                    self.write_into(&mut out)?;
                    Ok(out)
                }
            }

            impl<'a> From<$name<'a>> for Body<'a> {
                fn from(r: $name<'a>) -> Self {
                    Body::$name(r)
                }
            }
        )*

        /// The type of a record: one of the 43 layouts, a host record, or an unknown `PGnn`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[non_exhaustive]
        pub enum RecordType {
            $( #[doc = concat!("`", $id, "`: ", $title, ".")] $name, )*
            /// A host-transaction or other record without a layout here (`SE10`, `SE60`,
            /// `10`, `50`, `SO10` …): kept verbatim.
            Host,
            /// A `PGnn` identifier that is not in the table (SPEC F-015): kept verbatim.
            UnknownPg,
        }

        /// Every layout of the crate, in `records.csv` order.
        pub const ALL_LAYOUTS: &[&RecordLayout] = &[ $( &$name::LAYOUT, )* ];

        impl RecordType {
            /// The layout of this record type (`None` for host and unknown records).
            pub fn layout(self) -> Option<&'static RecordLayout> {
                match self {
                    $( RecordType::$name => Some(&$name::LAYOUT), )*
                    RecordType::Host | RecordType::UnknownPg => None,
                }
            }

            /// Looks a layout-bearing record type up by its identifier bytes.
            pub fn from_id_bytes(id: &[u8]) -> Option<RecordType> {
                $( if id == $id.as_bytes() { return Some(RecordType::$name); } )*
                None
            }

            /// Looks a layout-bearing record type up by its identifier (`"PG14"`, `"OI"`, `"A"` …).
            pub fn from_id(id: &str) -> Option<RecordType> {
                match id {
                    $( $id => Some(RecordType::$name), )*
                    _ => None,
                }
            }
        }

        /// A typed record body: the record's struct, borrowed from the input.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[non_exhaustive]
        pub enum Body<'a> {
            $( #[doc = concat!("`", $id, "`.")] $name($name<'a>), )*
        }

        impl<'a> Body<'a> {
            /// Parses `raw` with the layout of `rt`; `None` for host and unknown records.
            ///
            /// # Errors
            /// The first field that does not fit its class or format.
            pub fn parse(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> Option<Result<Body<'a>, FieldError>> {
                match rt {
                    $( RecordType::$name => Some($name::parse(raw, lenient_n).map(Body::$name)), )*
                    RecordType::Host | RecordType::UnknownPg => None,
                }
            }

            /// Parses `raw` with the layout of `rt` without failing: fields that cannot be
            /// typed are `None`; the first field error is returned alongside. `None` for host
            /// and unknown records.
            pub fn parse_partial(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> Option<(Body<'a>, Option<FieldError>)> {
                match rt {
                    $( RecordType::$name => {
                        let (v, e) = $name::parse_partial(raw, lenient_n);
                        Some((Body::$name(v), e))
                    } )*
                    RecordType::Host | RecordType::UnknownPg => None,
                }
            }

            /// Checks the fields of `raw` against the layout of `rt` without building a
            /// struct: the first field that cannot be typed (`None` for host and unknown
            /// records, and when every field is fine).
            pub fn check(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                match rt {
                    $( RecordType::$name => $name::check(raw, lenient_n), )*
                    RecordType::Host | RecordType::UnknownPg => None,
                }
            }

            /// The record type.
            pub fn record_type(&self) -> RecordType {
                match self {
                    $( Body::$name(_) => RecordType::$name, )*
                }
            }

            /// The layout.
            pub fn layout(&self) -> &'static RecordLayout {
                match self {
                    $( Body::$name(_) => &$name::LAYOUT, )*
                }
            }

            /// Writes the record's 80 bytes.
            ///
            /// # Errors
            /// [`EncodeError`] naming the field whose value does not fit.
            pub fn to_bytes(&self) -> Result<[u8; 80], EncodeError> {
                match self {
                    $( Body::$name(r) => r.to_bytes(), )*
                }
            }
        }
    };
}

include!("table.rs");
