//! Characters: the same-meaning transliteration table and the characters without meaning that
//! are removed.

/// Combining marks and variation selectors: they belong to the character before them.
pub(super) fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Zero-width and invisible format characters: no column, no meaning.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The ASCII form of a character, before options apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// Allowed as is.
    Keep,
    /// Lower-case ASCII letter; its upper case.
    Lower(u8),
    /// TAB.
    Tab,
    /// Control byte.
    Control,
    /// One ASCII byte of the same meaning.
    Byte(u8),
    /// Several ASCII bytes of the same meaning (ligatures, ellipsis).
    Str(&'static str),
    /// No meaning: removed.
    Invisible,
    /// No same-meaning ASCII form.
    None,
}

/// Latin letters with diacritics whose `deunicode` form is their base letter.
fn is_diacritic_latin(c: char) -> bool {
    matches!(c,
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{0137}'
        | '\u{0139}'..='\u{0148}' | '\u{014C}'..='\u{017F}'
        | '\u{01CD}'..='\u{01DC}' | '\u{01DE}'..='\u{01E1}' | '\u{01E6}'..='\u{01ED}'
        | '\u{01F0}' | '\u{01F4}'..='\u{01F5}' | '\u{01F8}'..='\u{021B}'
        | '\u{021E}'..='\u{021F}' | '\u{0226}'..='\u{0233}'
        | '\u{1E00}'..='\u{1E9B}' | '\u{1EA0}'..='\u{1EF9}')
}

pub(super) fn form(c: char) -> Form {
    match c {
        'a'..='z' => Form::Lower(c.to_ascii_uppercase() as u8),
        ' '..='~' => Form::Keep,
        '\t' => Form::Tab,
        c if c.is_ascii() || c.is_control() => Form::Control,
        c if is_mark(c) || is_invisible(c) => Form::Invisible,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
            Form::Byte(b' ')
        }
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Form::Byte(b'\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Form::Byte(b'"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Form::Byte(b'-'),
        '\u{2026}' => Form::Str("..."),
        'Æ' | 'æ' | 'Ǣ' | 'ǣ' | 'Ǽ' | 'ǽ' => Form::Str("AE"),
        'Œ' | 'œ' => Form::Str("OE"),
        'ß' | 'ẞ' => Form::Str("SS"),
        'Þ' | 'þ' => Form::Str("TH"),
        'Ĳ' | 'ĳ' => Form::Str("IJ"),
        'Ǆ' | 'ǅ' | 'ǆ' | 'Ǳ' | 'ǲ' | 'ǳ' => Form::Str("DZ"),
        'Ǉ' | 'ǈ' | 'ǉ' => Form::Str("LJ"),
        'Ǌ' | 'ǋ' | 'ǌ' => Form::Str("NJ"),
        '\u{FB00}' => Form::Str("FF"),
        '\u{FB01}' => Form::Str("FI"),
        '\u{FB02}' => Form::Str("FL"),
        '\u{FB03}' => Form::Str("FFI"),
        '\u{FB04}' => Form::Str("FFL"),
        '\u{FB05}' | '\u{FB06}' => Form::Str("ST"),
        '\u{FF01}'..='\u{FF5E}' => {
            // Full-width ASCII: the same character, U+FEE0 higher.
            match u8::try_from(u32::from(c) - 0xFEE0) {
                Ok(b) => Form::Byte(b.to_ascii_uppercase()),
                Err(_) => Form::None,
            }
        }
        c if is_diacritic_latin(c) => match deunicode::deunicode_char(c).map(str::as_bytes) {
            Some(&[b]) if b.is_ascii_alphabetic() => Form::Byte(b.to_ascii_uppercase()),
            _ => Form::None,
        },
        _ => Form::None,
    }
}
