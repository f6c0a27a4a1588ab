//! The record layer: every layout of `records.csv` as a typed struct that borrows from the
//! input (CATAIR PGA Message Set, July 2026 edition; ABI Batch & Block Control rev 23; ACE
//! Cargo Release SE90 and SO70–SO72 output records).
//!
//! All 45 layouts are declared once, in `src/records/table.rs`, by the `record_layouts!`
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
//!
//! The 36 host records of `host-records.csv` (SPEC 3.7: `SE10`…`SE63`, `SF10`…`SF36`,
//! `SO10`…`SO60`) are declared once too, in `src/records/host_table.rs`, by the
//! `host_layouts!` macro: a struct (e.g. [`Se10`]) that parses and writes the record, its
//! [`RecordLayout`] ([`HOST_LAYOUTS`], [`host_layout`]) and a [`View`]
//! (`record.view::<Se10>()`). They stay [`RecordType::Host`]: the field dump and the decode
//! JSON keep host records `raw` (SPEC 3.7). [`host`] reads the entry, CBP line and HTS
//! positions from them.

mod entry_number;
pub mod host;
mod record;

pub use entry_number::{entry_check_digit, EntryNumber, ParseEntryNumberError};
pub use record::{identify, so70_variant, starts_with_known_id, Identified, Record};

use std::marker::PhantomData;

use crate::codes::CodeList;
use crate::error::{EncodeError, FieldError, FieldErrorKind};
use crate::layout::{
    all_spaces, Class, Date6, Date8, Dec, Designation, FieldDef, FieldKind, Filler, FillerContent,
    Hhmm, Hhmmss, Int, MonthYear6, RecordLayout, Text,
};

/// Reads one field of a record for the typed structs. A field that lies partly or wholly
/// beyond the end of a short (lenient-padded) record reads as if padded with spaces.
///
/// `checked`: the parse's fast check accepted `raw` ([`crate::Record`] knows): ASCII, every
/// non-text field all digits or all spaces, so fields are read without checking their shape.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn read_field<'a, K: FieldKind>(
    raw: &'a [u8],
    ascii: Option<&'a str>,
    checked: bool,
    start: u8,
    end: u8,
    name: &'static str,
    lenient_n: bool,
) -> Result<Option<K::Value<'a>>, FieldError> {
    let (s, e) = (start as usize - 1, end as usize);
    if let Some(v) = ascii
        .and_then(|t| t.get(s..e))
        .and_then(|f| K::read_ascii(f, checked))
    {
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
    // A branch-free fold (vectorized) decides; `from_utf8` then cannot fail.
    if raw.iter().fold(0u8, |acc, &b| acc | b) < 0x80 {
        simdutf8::basic::from_utf8(raw).ok()
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

/// A record struct generated from a layout of `table.rs`: ties the struct to its
/// [`RecordType`] so that [`crate::Record::view`] can check the type.
pub trait TypedRecord {
    /// The record type the struct reads.
    const RECORD_TYPE: RecordType;
    /// The layout table (bytes, class, designation and kind of every field).
    const LAYOUT: RecordLayout;
    /// Whether a record of type `record_type` with identifier `id` is one of this type:
    /// the type check of [`crate::Record::view`]. A layout of `records.csv` compares the
    /// record type; a host layout of `host-records.csv` ([`RecordType::Host`]) compares the
    /// identifier too.
    fn is_record(record_type: RecordType, id: &[u8]) -> bool {
        let _ = id;
        record_type == Self::RECORD_TYPE
    }
}

/// A typed, lazy view of one record: the record's bytes plus accessors named after its
/// fields (for example `View<Pg14>::lpco_number()`), each of which reads and types only its
/// own bytes when called. Nothing is copied or allocated; a view is two words and a flag.
///
/// Get one from [`crate::Record::view`] (which checks the record type) or
/// [`View::new`]. Each accessor returns `None` when the field is all spaces **or** when its
/// bytes do not fit the class (the parse reported that as [`crate::Record::field_error`]);
/// [`View::to_struct`] builds the whole struct at once.
///
/// Layout, byte positions and kinds: the struct's documentation (for example
/// [`Pg14`]); source CATAIR PGA Message Set, chapter and record as named there.
pub struct View<'a, T> {
    raw: &'a [u8],
    /// `raw` as text when it is all ASCII (text fields are then sliced, not re-validated).
    ascii: Option<&'a str>,
    /// The parse's fast check accepted `raw`: numbers are read without their grammar.
    checked: bool,
    lenient_n: bool,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for View<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for View<'_, T> {}

impl<T: TypedRecord> std::fmt::Debug for View<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("record", &T::LAYOUT.id)
            .field("raw", &String::from_utf8_lossy(self.raw))
            .finish()
    }
}

impl<'a, T: TypedRecord> View<'a, T> {
    /// A view of `raw` (the record without terminator; bytes past 80 are ignored, missing
    /// bytes read as spaces) as a record of type `T`. The identifier is not checked here:
    /// [`crate::Record::view`] does that. `lenient_n` reads space-padded `N` values
    /// (`  1`) as [`crate::options::ParseOptions::lenient_numeric`] does.
    pub fn new(raw: &'a [u8], lenient_n: bool) -> Self {
        let raw = raw.get(..80).unwrap_or(raw);
        View {
            raw,
            ascii: ascii_str(raw),
            checked: false,
            lenient_n,
            _type: PhantomData,
        }
    }

    /// A view of a record the parse's fast check accepted (see
    /// [`crate::Record::view`]): 80 ASCII bytes whose non-text fields are all digits or all
    /// spaces. The record is not checked for ASCII again (one `str::from_utf8` gives its
    /// text), and each number is read without its grammar.
    #[inline]
    pub(crate) fn checked(raw: &'a [u8], lenient_n: bool) -> Self {
        View {
            raw,
            ascii: std::str::from_utf8(raw).ok(),
            checked: true,
            lenient_n,
            _type: PhantomData,
        }
    }

    /// The record's bytes (at most 80, without terminator).
    pub fn bytes(&self) -> &'a [u8] {
        self.raw
    }
}

/// `nn` of a `PGnn` identifier (`None` for other identifiers).
#[allow(clippy::indexing_slicing)] // const context; the length is checked first
const fn pg_index(id: &str) -> Option<usize> {
    let b = id.as_bytes();
    if b.len() == 4
        && b[0] == b'P'
        && b[1] == b'G'
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
    {
        Some((b[2] - b'0') as usize * 10 + (b[3] - b'0') as usize)
    } else {
        None
    }
}

/// The value type of a field kind as the typed structs and views show it (`Text` →
/// `&'a str`, `Dec<2>` → `Decimal` …): the same type as the kind's `FieldKind::Value`, written
/// out so that the docs show `Option<Decimal>` rather than a projection (the compiler checks
/// that the two agree wherever a field is read into its struct).
macro_rules! value_type {
    ($a:lifetime, Text) => { &$a str };
    ($a:lifetime, Int) => { u64 };
    ($a:lifetime, Dec<$d:literal>) => { rust_decimal::Decimal };
    ($a:lifetime, Date8) => { chrono::NaiveDate };
    ($a:lifetime, Date6) => { chrono::NaiveDate };
    ($a:lifetime, MonthYear6) => { crate::layout::MonthYear };
    ($a:lifetime, Hhmm) => { crate::layout::Time };
    ($a:lifetime, Hhmmss) => { crate::layout::Time };
}

/// A record struct. Every layout with fields has a text field, which carries the lifetime;
/// a layout without fields (`PG50`, `PG51`) gets a private marker for it instead (a private
/// field in a struct with public fields would forbid `..Default::default()` to users).
macro_rules! record_struct {
    ($(#[$m:meta])* $name:ident {}) => {
        $(#[$m])*
        pub struct $name<'a> {
            #[cfg_attr(feature = "serde", serde(skip))]
            _lifetime: PhantomData<&'a ()>,
        }
    };
    ($(#[$m:meta])* $name:ident { $($body:tt)+ }) => {
        $(#[$m])*
        pub struct $name<'a> {
            $($body)+
        }
    };
}

/// A record struct value from its fields (see `record_struct!`).
macro_rules! record_new {
    ($name:ident {}) => {
        $name { _lifetime: PhantomData }
    };
    ($name:ident { $($f:ident : $e:expr),+ }) => {
        $name { $($f: $e),+ }
    };
}

/// The items every layout gets, PG or host: the struct with its field docs, the `LAYOUT` table
/// and one `FieldDef` constant per field, `parse`, `parse_partial`, `write_into`, `to_bytes`,
/// the constant-name check and the lazy [`View`] accessors with `to_struct`. Called once per
/// record by [`record_layouts!`] and [`host_layouts!`], which add what differs (the
/// [`TypedRecord`] impl, the fast check and the [`Body`] variant of the PG layouts).
///
/// The caller passes the struct's opening doc lines, the name of its table (for the constants'
/// docs), the kind legend and a closing note of the accessors' docs, and extra items of the
/// inherent impl (`items { … }`).
macro_rules! layout_items {
    (@variant) => { None };
    (@variant $v:literal) => { Some($v) };
    (@filler) => { FillerContent::Spaces };
    (@filler $content:expr) => { $content };
    (
        $(#[$meta:meta])*
        $name:ident = $id:literal $( @ $variant:literal )?, $title:literal,
        table $table:literal, legend $legend:literal, note $note:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident $konst:ident : $kind:ident $(< $kd:literal >)? = $start:literal ..= $end:literal, $class:ident, $desig:ident
                $( . $column:ident ( $($arg:expr),* ) )* ;
            )*
        } fillers [ $( $fs:literal ..= $fe:literal $( => $fcontent:expr )? ),* ]
        items { $($items:tt)* }
    ) => {
        record_struct! {
        $(#[$meta])*
        #[doc = ""]
        #[doc = "| field | bytes | class | designation | kind |"]
        #[doc = "|---|---|---|---|---|"]
        $( #[doc = concat!("| `", stringify!($field), "` | ", stringify!($start), "–", stringify!($end), " | ", stringify!($class), " | ", stringify!($desig), " | `", stringify!($kind) $(, "<", stringify!($kd), ">")?, "` |")] )*
        $( #[doc = concat!("| *filler* | ", stringify!($fs), "–", stringify!($fe), " | | | spaces |")] )*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        $name {
            $(
                $(#[$fmeta])*
                #[doc = ""]
                #[doc = concat!("Bytes ", stringify!($start), "–", stringify!($end), ", class ", stringify!($class), ", designation ", stringify!($desig), ", read as `", stringify!($kind) $(, "<", stringify!($kd), ">")?, "`; `None` when all spaces.")]
                pub $field: Option<value_type!('a, $kind $(<$kd>)?)>,
            )*
        }
        }

        impl<'a> $name<'a> {
            $(
                #[doc = concat!("The row `", stringify!($field), "` of the ", $table, ": bytes ", stringify!($start), "–", stringify!($end), ", class ", stringify!($class), ", designation ", stringify!($desig), ", kind `", stringify!($kind) $(, "<", stringify!($kd), ">")?, "`. Rules and tools point at the field with this constant, never by its name.")]
                pub const $konst: &'static FieldDef = &FieldDef::new(
                    stringify!($field),
                    $start,
                    $end,
                    Class::$class,
                    Designation::$desig,
                    <$kind $(<$kd>)? as FieldKind>::KIND,
                ) $( .$column($($arg),*) )*;
            )*

            /// The record's layout table.
            pub const LAYOUT: RecordLayout = RecordLayout {
                id: $id,
                name: concat!($id $(, "@", $variant)?),
                variant: layout_items!(@variant $($variant)?),
                title: $title,
                fields: &[ $( *Self::$konst, )* ],
                fillers: &[ $( Filler {
                    start: $fs,
                    end: $fe,
                    content: layout_items!(@filler $($fcontent)?),
                } ),* ],
            };

            $($items)*

            /// Parses the record's bytes (without terminator; 80 bytes, or fewer for a
            /// lenient-padded short record: missing bytes read as spaces). The identifier
            /// bytes are not checked here.
            ///
            /// # Errors
            /// The first field whose bytes do not fit its class or format.
            #[allow(unused_variables)]
            pub fn parse(raw: &'a [u8], lenient_n: bool) -> Result<Self, FieldError> {
                let ascii = ascii_str(raw);
                Ok(record_new!($name {
                    $( $field: read_field::<$kind $(<$kd>)?>(raw, ascii, false, $start, $end, stringify!($field), lenient_n)? ),*
                }))
            }

            /// Parses the record like [`Self::parse`], but never fails: a field that cannot
            /// be typed is `None`, and the first such field's error is returned with the
            /// struct (so validators can still see the other fields).
            #[allow(unused_variables, unused_mut)]
            pub fn parse_partial(raw: &'a [u8], lenient_n: bool) -> (Self, Option<FieldError>) {
                let mut first = None;
                let ascii = ascii_str(raw);
                let v = record_new!($name {
                    $( $field: match read_field::<$kind $(<$kd>)?>(raw, ascii, false, $start, $end, stringify!($field), lenient_n) {
                        Ok(v) => v,
                        Err(e) => {
                            first.get_or_insert(e);
                            None
                        }
                    } ),*
                });
                (v, first)
            }

            /// Writes the record (identifier, fields, space filler) into `out`: the builder
            /// of the record.
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
                    write_field::<$kind $(<$kd>)?>(v, out, $start, $end, $id, stringify!($field))?;
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

        // Every constant is its field's name in upper case (a typo does not compile).
        const _: () = assert!(true $( && crate::layout::is_constant_name(stringify!($konst), stringify!($field)) )*);

        impl<'a> View<'a, $name<'a>> {
            $(
                #[doc = concat!("`", stringify!($field), "`: bytes ", stringify!($start), "–", stringify!($end), ", class ", stringify!($class), ", designation ", stringify!($desig), ", read as `", stringify!($kind) $(, "<", stringify!($kd), ">")?, "` when called (", $legend, "). `None` when all spaces or when the bytes do not fit the class", $note, ".")]
                #[inline]
                pub fn $field(&self) -> Option<value_type!('a, $kind $(<$kd>)?)> {
                    read_field::<$kind $(<$kd>)?>(self.raw, self.ascii, self.checked, $start, $end, stringify!($field), self.lenient_n).ok().flatten()
                }
            )*

            /// The whole struct, every field typed (fields that do not fit their class
            /// are `None`).
            pub fn to_struct(&self) -> $name<'a> {
                $name::parse_partial(self.raw, self.lenient_n).0
            }
        }
    };
}

/// Declares record layouts: one block per record, one line per field, as in `records.csv`.
///
/// ```text
/// Pg29 = "PG29", "Product quantity record" {
///     /// description
///     quantity_line_net QUANTITY_LINE_NET: Dec<2> = 8..=19, N, C;
///     packaging_qualifier PACKAGING_QUALIFIER: Int = 5..=5, N, M .blank("P16")
///         .codes(CodeList::PackagingQualifiers) .cbp("P17");
/// } fillers [2..=3 => FillerContent::Legacy(&["00", "01"]), 65..=80]
/// ```
///
/// Each field line names the field (snake_case, the struct field and the JSON key) and its
/// constant (`Pg29::QUANTITY_LINE_NET`), then the columns of `records.csv`, then the
/// validation columns as calls of [`FieldDef`]'s builders (`blank`, `codes`, `values`, `cbp`,
/// `advisory`, `blanked_in_output`). A filler row may name its [`FillerContent`] (default
/// [`FillerContent::Spaces`]).
///
/// Each record gets the items of [`layout_items!`], plus what only the PG / envelope /
/// response layouts have: the fast check (`FAST`, `check`, `check_fields`), its own
/// [`RecordType`] variant ([`TypedRecord`]) and a [`Body`] variant; then the enums and lookup
/// tables over all layouts.
macro_rules! record_layouts {
    ($(
        $name:ident = $id:literal $( @ $variant:literal )?, $title:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident $konst:ident : $kind:ident $(< $kd:literal >)? = $start:literal ..= $end:literal, $class:ident, $desig:ident
                $( . $column:ident ( $($arg:expr),* ) )* ;
            )*
        } fillers [ $( $fs:literal ..= $fe:literal $( => $fcontent:expr )? ),* ]
    )*) => {
        $(
            layout_items! {
                #[doc = concat!("`", $id $(, "@", $variant)?, "`: ", $title, ".")]
                #[doc = ""]
                #[doc = concat!("Layout `", $id $(, "@", $variant)?, "` (declared once in `src/records/table.rs`, checked against `records.csv`; the identifier `", $id, "` opens the record):")]
                $name = $id $( @ $variant )?, $title,
                table "layout table",
                legend "`Text` → `&str`, `Int` → `u64`, `Dec<D>` → `Decimal` with D implied decimals, `Date8`/`Date6` → `NaiveDate`, `MonthYear6` → `MonthYear`, `Hhmm`/`Hhmmss` → `Time`",
                note " (see [`crate::Record::field_error`])" {
                    $(
                        $(#[$fmeta])*
                        $field $konst : $kind $(< $kd >)? = $start ..= $end, $class, $desig
                        $( . $column ( $($arg),* ) )* ;
                    )*
                } fillers [ $( $fs ..= $fe $( => $fcontent )? ),* ]
                items {
                    /// The layout's non-text fields as word masks (the parse fast path).
                    pub(crate) const FAST: crate::layout::FastCheck = crate::layout::FastCheck::new(Self::LAYOUT.fields);

                    /// Checks the record's fields without building the struct: the first field
                    /// that cannot be typed. Text fields of an all-ASCII record are not visited.
                    #[inline]
                    pub fn check(raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                        if Self::FAST.accepts(raw) {
                            return None;
                        }
                        Self::check_fields(raw, lenient_n)
                    }

                    /// [`Self::check`] field by field, without the word-at-a-time fast path.
                    #[allow(unused_variables)]
                    pub(crate) fn check_fields(raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                        let ascii = raw.is_ascii();
                        $(
                            if !(ascii && <$kind $(<$kd>)? as FieldKind>::KIND == crate::layout::Kind::Text) {
                                if let Err(e) = read_field::<$kind $(<$kd>)?>(raw, None, false, $start, $end, stringify!($field), lenient_n) {
                                    return Some(e);
                                }
                            }
                        )*
                        None
                    }
                }
            }

            impl TypedRecord for $name<'_> {
                const RECORD_TYPE: RecordType = RecordType::$name;
                const LAYOUT: RecordLayout = $name::LAYOUT;
            }

            #[cfg(test)]
            impl<'a> View<'a, $name<'a>> {
                /// Every accessor returns what the eager struct holds.
                #[allow(unused_variables)]
                pub(crate) fn agrees_with_struct(&self) -> bool {
                    let s = self.to_struct();
                    true $( && self.$field() == s.$field )*
                }

                /// Every accessor returns what `other`'s does.
                #[allow(unused_variables)]
                pub(crate) fn agrees_with(&self, other: &Self) -> bool {
                    true $( && self.$field() == other.$field() )*
                }
            }

            impl<'a> From<$name<'a>> for Body<'a> {
                fn from(r: $name<'a>) -> Self {
                    Body::$name(r)
                }
            }
        )*

        /// The type of a record: one of the 45 layouts, a host record, or an unknown `PGnn`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[non_exhaustive]
        pub enum RecordType {
            $( #[doc = concat!("`", $id $(, "@", $variant)?, "`: ", $title, ".")] $name, )*
            /// A host-transaction or other record without a layout here (`SE10`, `SE60`,
            /// `10`, `50`, `SO10` …): kept verbatim.
            Host,
            /// A `PGnn` identifier that is not in the table (SPEC F-015): kept verbatim.
            UnknownPg,
        }

        /// Every record type in declaration order: `RECORD_TYPES[t as usize] == t` (the flat
        /// tree stores a record's type as this index, in one byte).
        pub(crate) const RECORD_TYPES: &[RecordType] =
            &[ $( RecordType::$name, )* RecordType::Host, RecordType::UnknownPg ];

        /// `PGnn` record types by `nn`, built at compile time from the layout identifiers.
        #[allow(clippy::indexing_slicing)] // const context; `pg_index` is below 100
        pub(crate) const PG_TABLE: [Option<RecordType>; 100] = {
            let mut t = [None; 100];
            $( if let Some(i) = pg_index($id) { t[i] = Some(RecordType::$name); } )*
            t
        };

        impl RecordType {
            /// Whether the type is a `PGnn` record (a layout of the PG family, or an unknown
            /// `PGnn`): the records that belong to PGA lines.
            pub const fn is_pg(self) -> bool {
                match self {
                    $( RecordType::$name => pg_index($id).is_some(), )*
                    RecordType::UnknownPg => true,
                    RecordType::Host => false,
                }
            }
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

            /// Looks a layout-bearing record type up by its identifier bytes. For an
            /// identifier with layout variants (`SO70`) this is the base layout; the variant
            /// of a record is chosen from its bytes by [`crate::records::identify`].
            pub fn from_id_bytes(id: &[u8]) -> Option<RecordType> {
                $( if $name::LAYOUT.variant.is_none() && id == $id.as_bytes() { return Some(RecordType::$name); } )*
                None
            }

            /// Looks a layout-bearing record type up by its identifier (`"PG14"`, `"OI"`,
            /// `"A"` …); the base layout for an identifier with variants, as
            /// [`Self::from_id_bytes`].
            pub fn from_id(id: &str) -> Option<RecordType> {
                Self::from_id_bytes(id.as_bytes())
            }

            /// Looks a layout up by its identifier and variant name, as `records.csv` names
            /// it in its `record` column (`"SO70"`, `"SO70@04"`, `"SO70@THRU"`, `"PG14"` …).
            pub fn from_name(name: &str) -> Option<RecordType> {
                $( if name == $name::LAYOUT.name { return Some(RecordType::$name); } )*
                None
            }

            /// Looks a layout up by its identifier and variant (`("SO70", Some("04"))`);
            /// `None` as variant names the base layout.
            pub fn from_id_variant(id: &str, variant: Option<&str>) -> Option<RecordType> {
                $( if id == $id && variant == $name::LAYOUT.variant { return Some(RecordType::$name); } )*
                None
            }
        }

        /// A typed record body: the record's struct, borrowed from the input.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[non_exhaustive]
        pub enum Body<'a> {
            $( #[doc = concat!("`", $id $(, "@", $variant)?, "`.")] $name($name<'a>), )*
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
            #[inline]
            pub fn check(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                // One fast check for every layout (its masks from a table), the field-by-field
                // check only for a record it does not accept.
                match Self::fast_check(rt) {
                    Some(fast) if fast.accepts(raw) => None,
                    Some(_) => Self::check_fields(rt, raw, lenient_n),
                    None => None,
                }
            }

            /// The fast check of the layout of `rt` (`None` for host and unknown records).
            #[inline]
            pub(crate) fn fast_check(rt: RecordType) -> Option<&'static crate::layout::FastCheck> {
                // A table indexed by the type (a load, not a jump by record type).
                static FAST_BY_TYPE: &[Option<&crate::layout::FastCheck>] = &[
                    $( Some(&$name::FAST), )*
                    None, // RecordType::Host
                    None, // RecordType::UnknownPg
                ];
                FAST_BY_TYPE.get(rt as usize).copied().flatten()
            }

            /// Every record type with a layout, in declaration order (tests).
            #[cfg(test)]
            pub(crate) const LAYOUT_TYPES: &'static [RecordType] = &[ $( RecordType::$name, )* ];

            /// [`Self::check`] without the fast path (tests compare the two).
            #[inline(never)]
            pub(crate) fn check_fields(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> Option<FieldError> {
                match rt {
                    $( RecordType::$name => $name::check_fields(raw, lenient_n), )*
                    RecordType::Host | RecordType::UnknownPg => None,
                }
            }

            /// Whether the lazy view of `raw` agrees with its eager struct, field by field.
            #[cfg(test)]
            pub(crate) fn view_agrees(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> bool {
                match rt {
                    $( RecordType::$name => View::<$name<'a>>::new(raw, lenient_n).agrees_with_struct(), )*
                    RecordType::Host | RecordType::UnknownPg => true,
                }
            }

            /// Whether the view of `raw` as a record the fast check accepted (no checks) reads
            /// what the view of its bytes reads, field by field.
            #[cfg(test)]
            pub(crate) fn checked_view_agrees(rt: RecordType, raw: &'a [u8], lenient_n: bool) -> bool {
                match rt {
                    $( RecordType::$name => View::<$name<'a>>::checked(raw, lenient_n)
                        .agrees_with(&View::<$name<'a>>::new(raw, lenient_n)), )*
                    RecordType::Host | RecordType::UnknownPg => true,
                }
            }

            /// Whether the fast path alone accepts `raw` for `rt`.
            #[cfg(test)]
            pub(crate) fn fast_accepts(rt: RecordType, raw: &'a [u8]) -> bool {
                match rt {
                    $( RecordType::$name => $name::FAST.accepts(raw), )*
                    RecordType::Host | RecordType::UnknownPg => false,
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

/// Declares the host record layouts of `host-records.csv` (SPEC 3.7) with the same field
/// lines as [`record_layouts!`] (kinds without digits: `Text`, `Int`, `Date6`, `Hhmm`; no
/// layout variants, space fillers): one block per record, one line per field. Each record gets
/// the items of [`layout_items!`] (the struct, the typed value and the builder: `to_bytes`
/// writes the 80 bytes; its [`RecordLayout`]; `parse` / `parse_partial`; the lazy [`View`]
/// accessors) and a [`TypedRecord`] impl that finds the record by its identifier (so that
/// `record.view::<Se10>()` works). Host records keep [`RecordType::Host`] (no variant of their
/// own, no [`Body`], no fast check): the field dump and the decode JSON show them `raw`
/// (SPEC 3.7).
macro_rules! host_layouts {
    ($(
        $name:ident = $id:literal, $title:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident $konst:ident : $kind:ident = $start:literal ..= $end:literal, $class:ident, $desig:ident
                $( . $column:ident ( $($arg:expr),* ) )* ;
            )*
        } fillers [ $( $fs:literal ..= $fe:literal ),* ]
    )*) => {
        $(
            layout_items! {
                #[doc = concat!("`", $id, "`: ", $title, ".")]
                #[doc = ""]
                #[doc = concat!("Layout `", $id, "` (declared once in `src/records/host_table.rs`, generated from and checked against `spec/host-records.csv`; the identifier `", $id, "` opens the record). A host record: [`crate::Record::record_type`] stays [`RecordType::Host`] and the field dump shows it `raw`; read it with `record.view::<", stringify!($name), ">()`.")]
                $name = $id, $title,
                table "host layout table (`host-records.csv`)",
                legend "`Text` → `&str`, `Int` → `u64`, `Date6` → `NaiveDate`, `Hhmm` → `Time`",
                note "" {
                    $(
                        $(#[$fmeta])*
                        $field $konst : $kind = $start ..= $end, $class, $desig
                        $( . $column ( $($arg),* ) )* ;
                    )*
                } fillers [ $( $fs ..= $fe ),* ]
                items {}
            }

            impl TypedRecord for $name<'_> {
                const RECORD_TYPE: RecordType = RecordType::Host;
                const LAYOUT: RecordLayout = $name::LAYOUT;
                fn is_record(record_type: RecordType, id: &[u8]) -> bool {
                    record_type == RecordType::Host && id == $id.as_bytes()
                }
            }
        )*

        /// Every host record layout of `host-records.csv` (SPEC 3.7), in file order.
        pub const HOST_LAYOUTS: &[&RecordLayout] = &[ $( &$name::LAYOUT, )* ];

        /// The host layout of a record identifier (`b"SE10"` …); `None` for an identifier
        /// `host-records.csv` does not lay out.
        pub fn host_layout(id: &[u8]) -> Option<&'static RecordLayout> {
            $( if id == $id.as_bytes() { return Some(&$name::LAYOUT); } )*
            None
        }
    };
}

include!("host_table.rs");

impl std::fmt::Display for RecordType {
    /// The layout's `records.csv` name (`PG14`, `SO70@04`), `host` or `unknown PGnn`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.layout() {
            Some(l) => f.write_str(l.name),
            None if *self == RecordType::Host => f.write_str("host"),
            None => f.write_str("unknown PGnn"),
        }
    }
}

impl std::str::FromStr for RecordType {
    type Err = crate::error::ParseNameError;
    /// A layout by its `records.csv` name (`PG14`, `OI`, `A`, `SO70@THRU`), as
    /// [`RecordType::from_name`]; `host` and `unknown PGnn` as [`Display`](std::fmt::Display)
    /// writes them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "host" => return Ok(RecordType::Host),
            "unknown PGnn" => return Ok(RecordType::UnknownPg),
            _ => {}
        }
        RecordType::from_name(s).ok_or_else(|| crate::error::ParseNameError {
            what: "record type",
            given: s.to_string(),
            expected: "a record of records.csv (PG01 ... PG60, OI, A, B, Y, Z, SE90, SO70, SO70@04, SO70@THRU, SO71, SO72), host or unknown PGnn",
        })
    }
}

impl TryFrom<&[u8]> for RecordType {
    type Error = crate::error::ParseNameError;
    /// A layout by its identifier bytes as sent (`b"PG14"`, `b"OI"`, `b"A"`, `b"SO70"`), as
    /// [`RecordType::from_id_bytes`]: the base layout for an identifier with variants (the
    /// variant of a record is chosen from its bytes by [`crate::records::identify`]).
    fn try_from(id: &[u8]) -> Result<Self, Self::Error> {
        RecordType::from_id_bytes(id).ok_or_else(|| crate::error::ParseNameError {
            what: "record identifier",
            given: String::from_utf8_lossy(id).into_owned(),
            expected: "a record identifier of records.csv (PG01 ... PG60, OI, A, B, Y, Z, SE90, SO70, SO71, SO72)",
        })
    }
}

impl RecordType {
    /// Whether the type is a CBP response record (`SE90`/`GE90`, `SO70` in any layout
    /// variant, `SO71`, `SO72` and their `WO`/`PO` forms): read, never sent. A response is
    /// never refused (SPEC 7.2): its class violations, impossible dates and times, data in
    /// filler and unknown codes are warnings.
    pub const fn is_response(self) -> bool {
        matches!(
            self,
            RecordType::Se90
                | RecordType::So70
                | RecordType::So70V04
                | RecordType::So70Thru
                | RecordType::So71
                | RecordType::So72
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The table of fast checks by record type holds, for every type with a layout, the
    /// masks of that layout (the table follows the declaration order of the types), and
    /// nothing for host and unknown records.
    #[test]
    fn fast_check_table_follows_the_record_types() {
        assert_eq!(Body::LAYOUT_TYPES.len(), ALL_LAYOUTS.len());
        for &rt in Body::LAYOUT_TYPES {
            let layout = rt.layout().expect("a layout");
            assert_eq!(
                Body::fast_check(rt),
                Some(&crate::layout::FastCheck::new(layout.fields)),
                "{rt:?}"
            );
        }
        assert_eq!(Body::fast_check(RecordType::Host), None);
        assert_eq!(Body::fast_check(RecordType::UnknownPg), None);
    }

    /// Every record of the valid samples that checks clean is taken by the fast path: the
    /// fast path is the one real inputs use, not a corner case.
    #[test]
    fn fast_path_accepts_every_clean_sample_record() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-samples/valid");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("samples") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let data = std::fs::read(&path).expect("sample");
            let lines: Vec<&[u8]> = if data.contains(&b'\n') {
                data.split(|&b| b == b'\n').collect()
            } else {
                data.chunks(80).collect()
            };
            for line in lines {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let rt = crate::records::identify(line, false).record_type;
                if rt.layout().is_none() || line.len() != 80 {
                    continue;
                }
                assert_eq!(Body::check_fields(rt, line, false), None, "{path:?}");
                assert!(Body::view_agrees(rt, line, false), "{path:?}");
                assert!(Body::checked_view_agrees(rt, line, false), "{path:?}");
                assert!(
                    Body::fast_accepts(rt, line),
                    "{path:?}: {}",
                    String::from_utf8_lossy(line)
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} records checked");
    }

    fn record_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            6 => Just(b' '),
            6 => b'0'..=b'9',
            3 => b'A'..=b'Z',
            1 => any::<u8>(),
        ];
        let len = prop_oneof![8 => Just(80usize), 1 => 76usize..=84];
        len.prop_flat_map(move |n| prop::collection::vec(byte.clone(), n))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The fast path never accepts what the field-by-field check rejects, strict or
        /// lenient, for every layout.
        #[test]
        fn fast_path_never_accepts_a_record_the_field_check_rejects(
            layout in 0..ALL_LAYOUTS.len(),
            mut body in record_bytes(),
            blank_fields in any::<u64>(),
            digit_fields in any::<u64>(),
        ) {
            let layout = ALL_LAYOUTS[layout];
            // Shape whole fields as all spaces or all digits so the fast path is reached.
            for (i, f) in layout.fields.iter().enumerate() {
                let (s, e) = (usize::from(f.start) - 1, usize::from(f.end).min(body.len()));
                if s >= e { continue; }
                if blank_fields >> (i % 64) & 1 == 1 {
                    body[s..e].fill(b' ');
                } else if digit_fields >> (i % 64) & 1 == 1 {
                    for (k, b) in body[s..e].iter_mut().enumerate() {
                        *b = b'0' + ((k + i) % 10) as u8;
                    }
                }
            }
            let rt = RecordType::from_name(layout.name).expect("layout name");
            let raw = &body[..];
            prop_assert!(Body::view_agrees(rt, raw, false));
            prop_assert!(Body::view_agrees(rt, raw, true));
            if Body::fast_accepts(rt, raw) {
                prop_assert_eq!(Body::check_fields(rt, raw, false), None);
                prop_assert_eq!(Body::check_fields(rt, raw, true), None);
            }
            prop_assert_eq!(
                Body::check(rt, raw, false),
                Body::check_fields(rt, raw, false)
            );
            // A record the fast check accepts reads the same through the unchecked views.
            if Body::fast_accepts(rt, raw) {
                prop_assert!(Body::checked_view_agrees(rt, raw, false));
                prop_assert!(Body::checked_view_agrees(rt, raw, true));
            }
        }
    }
}
