//! The opt-in normaliser (SPEC 2.3) behind `fix`: normalisable faults leave no error finding
//! after normalisation, every change is reported, nothing changes a meaning or a position,
//! everything else is left in place and reported as not fixable, and the parser itself changes
//! nothing (issue 10, item 2).
//!
//! Inputs are built here from the records of `or2-single.txt`, located by record id, so that
//! no test depends on a sample's line numbers.

mod common;

use ace_pga::normalize::{normalize, ChangeKind, NormalizeOptions, Normalized, Unfixable};
use ace_pga::validate::{check_bytes, ValidateOptions};
use ace_pga::{NaiveDate, ParseOptions, Transmission};
use common::{join, lines_of, read_repo, record80};
use proptest::prelude::*;

fn invalid(name: &str) -> Vec<u8> {
    read_repo(&format!("spec-samples/invalid/{name}.txt"))
}

fn errors(data: &[u8]) -> Vec<(&'static str, Option<u32>)> {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
    let report = check_bytes(data, &ParseOptions::strict(), &ValidateOptions::new(as_of));
    report.errors().map(|f| (f.rule, f.line)).collect()
}

fn fix(data: &[u8]) -> Normalized {
    normalize(data, &NormalizeOptions::default())
}

/// The records of `or2-single.txt` (LF-terminated, 80 bytes each).
fn records() -> Vec<Vec<u8>> {
    let l = lines_of(&read_repo("spec-samples/valid/or2-single.txt"));
    assert!(l.iter().all(|r| r.len() == 80));
    l
}

/// The index of the first record whose id is `id`.
fn index_of(lines: &[Vec<u8>], id: &[u8]) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("no {} record", String::from_utf8_lossy(id)))
}

/// Whether `c` takes a column (combining marks and zero-width characters do not).
fn takes_column(c: char) -> bool {
    !matches!(c, '\u{300}'..='\u{36F}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}')
}

/// An `OI` record with `text` as its description (column 11), padded with spaces to 80
/// characters (a writer that counts characters).
fn oi_chars(text: &str) -> Vec<u8> {
    let s = format!("OI        {text}");
    let n = s.chars().filter(|&c| takes_column(c)).count();
    assert!(n <= 80, "{s:?} is {n} characters");
    let mut s = s.into_bytes();
    s.resize(s.len() + 80 - n, b' ');
    s
}

/// An `OI` record with `text` as its description, padded with spaces to 80 bytes (a writer
/// that counts bytes).
fn oi_bytes(text: &str) -> Vec<u8> {
    record80(format!("OI        {text}").as_bytes())
}

/// The sample's records with the first `OI` replaced.
fn with_oi(oi: Vec<u8>) -> Vec<Vec<u8>> {
    let mut lines = records();
    let i = index_of(&lines, b"OI");
    lines[i] = oi;
    lines
}

/// Every framing: (name, terminator, terminator after the last record).
const FRAMINGS: [(&str, &[u8], bool); 5] = [
    ("LF", b"\n", true),
    ("CRLF", b"\r\n", true),
    ("CR", b"\r", true),
    ("LF, last without", b"\n", false),
    ("none", b"", false),
];

/// The records of `data` in framing `term` (terminator-less: 80-byte slices).
fn split(data: &[u8], term: &[u8]) -> Vec<Vec<u8>> {
    if term.is_empty() {
        return data.chunks(80).map(<[u8]>::to_vec).collect();
    }
    let mut v = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        match rest.windows(term.len()).position(|w| w == term) {
            Some(i) => {
                v.push(rest[..i].to_vec());
                rest = &rest[i + term.len()..];
            }
            None => {
                v.push(rest.to_vec());
                rest = &[];
            }
        }
    }
    v
}

/// Fixes `dirty` in every framing and asserts the result is `clean` in the same framing,
/// every record 80 bytes, with a change of `kind` on the OI line and nothing unfixable.
fn assert_fixes_to(dirty: &[Vec<u8>], clean: &[Vec<u8>], kind: ChangeKind) {
    let oi_line = index_of(clean, b"OI") as u32 + 1;
    for (name, term, last) in FRAMINGS {
        let input = join(dirty, term, last);
        let out = fix(&input);
        assert!(out.is_clean(), "{name}: {:?}", out.not_fixable);
        let expected = join(clean, term, last);
        assert_eq!(
            String::from_utf8_lossy(&out.bytes),
            String::from_utf8_lossy(&expected),
            "{name}: {:?}",
            out.changes
        );
        assert!(
            split(&out.bytes, term).iter().all(|r| r.len() == 80),
            "{name}"
        );
        assert!(
            out.changes
                .iter()
                .any(|c| c.kind == kind && c.line == oi_line),
            "{name}: no {kind:?} change on line {oi_line}: {:?}",
            out.changes
        );
        assert_eq!(errors(&out.bytes), vec![], "{name}");
        // Fixing again changes nothing.
        let again = fix(&out.bytes);
        assert_eq!(again.bytes, out.bytes, "{name}: not idempotent");
        assert!(again.changes.is_empty(), "{name}: {:?}", again.changes);
    }
}

// ---------------------------------------------------------------------------------------
// The samples and the behaviour of earlier sessions

/// The line and column of the first byte of `data` for which `bad` holds.
fn first_bad(data: &[u8], bad: impl Fn(u8) -> bool) -> (u32, usize) {
    let lines = lines_of(data);
    for (i, l) in lines.iter().enumerate() {
        if let Some(c) = l.iter().position(|&b| bad(b)) {
            return (i as u32 + 1, c + 1);
        }
    }
    panic!("no such byte")
}

#[test]
fn normalisable_samples_have_no_error_after_fix() {
    let short = |data: &[u8]| {
        let lines = lines_of(data);
        let i = lines.iter().position(|l| l.len() < 80).expect("short line");
        (i as u32 + 1, lines[i].len() + 1)
    };
    let cases: [(&str, &str, ChangeKind, (u32, usize)); 4] = [
        (
            "lowercase-letters",
            "F-005",
            ChangeKind::UpperCase,
            first_bad(&invalid("lowercase-letters"), |b| b.is_ascii_lowercase()),
        ),
        (
            "iso-8859-1-byte",
            "F-002",
            ChangeKind::Transliterate,
            first_bad(&invalid("iso-8859-1-byte"), |b| b >= 0x80),
        ),
        (
            "tab-character",
            "F-003",
            ChangeKind::Tab,
            first_bad(&invalid("tab-character"), |b| b == b'\t'),
        ),
        (
            "short-line-strict",
            "F-001",
            ChangeKind::Pad,
            short(&invalid("short-line-strict")),
        ),
    ];
    for (name, rule, kind, (line, column)) in cases {
        let data = invalid(name);
        assert!(
            errors(&data).iter().any(|(r, _)| *r == rule),
            "{name}: {rule} expected before fixing"
        );
        let out = fix(&data);
        assert!(out.is_clean(), "{name}: {:?}", out.not_fixable);
        assert_eq!(errors(&out.bytes), vec![], "{name}: errors left after fix");
        let first = out
            .changes
            .first()
            .unwrap_or_else(|| panic!("{name}: no change reported"));
        assert_eq!(
            (first.kind, first.line, first.column),
            (kind, line, column),
            "{name}: {first}"
        );
        // Every record is 80 bytes after the fix, and no record was added or lost.
        let t = Transmission::parse(&out.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.records().iter().all(|r| r.raw.len() == 80));
        assert_eq!(t.records().len(), lines_of(&data).len());
    }
}

#[test]
fn normaliser_reports_before_and_after() {
    let out = fix(&invalid("lowercase-letters"));
    let pairs: Vec<(&str, &str)> = out
        .changes
        .iter()
        .map(|c| (c.before.as_str(), c.after.as_str()))
        .collect();
    // Adjacent changes of one kind are one change.
    assert_eq!(pairs, vec![("kg", "KG")]);
    assert!(out.bytes.windows(4).any(|w| w == b"4KG "));
}

#[test]
fn normaliser_changes_nothing_on_valid_input_and_keeps_terminators() {
    for name in ["or2-single", "or2-crlf", "or1-full", "every-record"] {
        let data = read_repo(&format!("spec-samples/valid/{name}.txt"));
        let out = fix(&data);
        assert!(out.changes.is_empty(), "{name}: {:?}", out.changes);
        assert!(out.is_clean(), "{name}: {:?}", out.not_fixable);
        assert_eq!(out.bytes, data, "{name}");
    }
}

#[test]
fn options_switch_each_change_off() {
    let data = invalid("lowercase-letters");
    let mut opts = NormalizeOptions::default();
    opts.upper_case = false;
    let out = normalize(&data, &opts);
    assert!(out.changes.is_empty());
    assert!(out.is_clean());
    assert_eq!(out.bytes, data);
    let dirty = join(&with_oi(oi_chars("CAFÉ")), b"\n", true);
    opts = NormalizeOptions::default();
    opts.transliterate = false;
    let out = normalize(&dirty, &opts);
    assert!(out.changes.is_empty(), "{:?}", out.changes);
    assert_eq!(out.bytes, dirty);
}

#[test]
fn byte_order_mark_is_stripped_and_reported() {
    let clean = join(&records(), b"\n", true);
    let mut data = b"\xEF\xBB\xBF".to_vec();
    data.extend(&clean);
    let out = fix(&data);
    assert_eq!(out.changes.len(), 1);
    assert_eq!(out.changes[0].kind, ChangeKind::ByteOrderMark);
    assert_eq!(out.bytes, clean);
}

/// Two byte order marks used to become `?A2704…` and shift the whole `A` record: both are
/// removed and the `A` record is intact, in every framing.
#[test]
fn repeated_byte_order_marks_are_all_removed() {
    for (name, term, last) in FRAMINGS {
        let clean = join(&records(), term, last);
        let mut data = b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec();
        data.extend(&clean);
        let out = fix(&data);
        assert_eq!(out.bytes, clean, "{name}");
        assert!(out.bytes.starts_with(b"A"), "{name}");
        assert!(out.is_clean(), "{name}");
        assert_eq!(out.changes.len(), 1, "{name}: {:?}", out.changes);
        assert_eq!(out.changes[0].kind, ChangeKind::ByteOrderMark);
        assert_eq!(out.changes[0].before, "\u{FEFF}\u{FEFF}");
        assert!(!out.bytes.contains(&b'?'));
    }
}

#[test]
fn parser_never_changes_a_byte() {
    for name in [
        "lowercase-letters",
        "iso-8859-1-byte",
        "tab-character",
        "short-line-strict",
    ] {
        let data = invalid(name);
        let t =
            Transmission::parse_with(&data, &ParseOptions::strict()).expect("parses with problems");
        assert_eq!(t.to_bytes(), data, "{name}");
    }
}

/// A DOS end-of-file byte after the last record is removed and reported, not padded into a
/// record (it used to become an 80-byte record of its own: F-003 and E-001 after `fix`).
#[test]
fn trailing_eof_is_stripped_not_padded() {
    for (name, term, last) in FRAMINGS {
        let clean = join(&records(), term, last);
        let mut data = clean.clone();
        data.extend_from_slice(b"\x1a\x1a");
        let out = fix(&data);
        assert_eq!(out.bytes, clean, "{name}");
        assert_eq!(out.changes.len(), 1, "{name}");
        assert_eq!(out.changes[0].kind, ChangeKind::TrailingEof);
        if last {
            assert_eq!(out.changes[0].line as usize, records().len() + 1);
        }
        assert!(errors(&out.bytes).is_empty(), "{:?}", errors(&out.bytes));
        let mut opts = NormalizeOptions::default();
        opts.strip_trailing_eof = false;
        let kept = normalize(&data, &opts);
        assert_eq!(kept.bytes, data, "left alone when switched off");
        assert!(kept.changes.is_empty());
    }
}

/// Spaces after column 80 (F-001) are trimmed and reported; other bytes there are left in
/// place and reported as not fixable.
#[test]
fn spaces_after_column_80_are_trimmed() {
    let lines = records();
    let clean = join(&lines, b"\n", true);
    let mut padded = lines.clone();
    padded[2].extend_from_slice(b"    ");
    let padded = join(&padded, b"\n", true);
    assert!(!errors(&padded).is_empty(), "84 bytes is F-001");
    let out = fix(&padded);
    assert_eq!(out.bytes, clean);
    assert_eq!(out.changes.len(), 1);
    assert_eq!(out.changes[0].kind, ChangeKind::TrimSpaces);
    assert_eq!((out.changes[0].line, out.changes[0].column), (3, 81));
    let mut extra = lines.clone();
    extra[0].extend_from_slice(b"   X");
    let extra = join(&extra, b"\n", true);
    let out = fix(&extra);
    assert_eq!(out.bytes, extra, "data after column 80 is not trimmed");
    assert!(out.changes.is_empty());
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].reason, Unfixable::DataAfterColumn80);
    assert_eq!(out.not_fixable[0].line, Some(1));
    assert_eq!(out.not_fixable[0].columns, Some((81, 84)));
}

// ---------------------------------------------------------------------------------------
// Issue 10, item 2: characters first, then re-framing

/// The case of issue 10: a terminator-less file of 80-byte records, one of which holds a
/// 2-byte UTF-8 letter. `fix` wrote 1,199 bytes, every later record slid one byte and the `Z`
/// record was destroyed, while the report said "1 change(s)".
#[test]
fn terminator_less_record_with_a_two_byte_letter_keeps_every_record() {
    let clean = with_oi(oi_bytes("ORGANIC FRESH MANGOES, KENT"));
    let dirty = with_oi(oi_bytes("ORGANIC FRESH MANGOÉS, KENT"));
    let input = join(&dirty, b"", false);
    assert_eq!(input.len(), 80 * dirty.len(), "80 bytes per record");
    let out = fix(&input);
    assert_eq!(out.bytes.len(), input.len());
    assert_eq!(out.bytes, join(&clean, b"", false));
    let t = Transmission::parse(&out.bytes).expect("parses");
    assert_eq!(t.records().len(), dirty.len());
    assert!(t.records().last().expect("Z").raw.starts_with(b"Z"));
    assert!(out.is_clean());
    let oi_line = index_of(&dirty, b"OI") as u32 + 1;
    let e = out
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Transliterate)
        .expect("É → E");
    assert_eq!(
        (e.line, e.column, e.before.as_str(), e.after.as_str()),
        (oi_line, 30, "É", "E")
    );
    // The field's text moved left by one column inside the field; it is reported.
    let r = out
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Realigned)
        .expect("realigned");
    assert_eq!(
        (r.line, r.column, r.field),
        (oi_line, 11, Some("commercial_description"))
    );
    assert_eq!(errors(&out.bytes), vec![]);
}

/// A writer that counts characters: the record with `é` is 80 characters, 81 bytes. Read by
/// characters, in every framing.
#[test]
fn a_record_of_80_characters_is_read_by_characters() {
    let clean = with_oi(oi_chars("ORGANIC FRESH MANGOES, KENT"));
    let dirty = with_oi(oi_chars("ORGANIC FRESH MANGOÉS, KENT"));
    assert_eq!(dirty[index_of(&dirty, b"OI")].len(), 81);
    assert_fixes_to(&dirty, &clean, ChangeKind::Transliterate);
}

/// A writer that counts bytes: the record with `é` is 80 bytes. Read by bytes, in every
/// framing: the field's text closes up, no other field moves.
#[test]
fn a_record_of_80_bytes_is_read_by_bytes() {
    let clean = with_oi(oi_bytes("CAFE VERDE, KENT"));
    let dirty = with_oi(oi_bytes("CAFÉ VERDE, KENT"));
    assert_fixes_to(&dirty, &clean, ChangeKind::Transliterate);
}

#[test]
fn same_meaning_characters_are_transliterated() {
    let cases = [
        (
            "accented letters",
            "ÀÉÎÕÜ ÇÑ ŠŽ ȘȚ Ő ẞ",
            "AEIOU CN SZ ST O SS",
        ),
        ("lower-case accents", "crème brûlée", "CREME BRULEE"),
        (
            "quotes",
            "‘KENT’ “TOMMY” ‚A‛ „B‟",
            "'KENT' \"TOMMY\" 'A' \"B\"",
        ),
        ("dashes", "A‐B‑C‒D–E—F―G−H", "A-B-C-D-E-F-G-H"),
        ("spaces", "A\u{A0}B\u{2009}C\u{202F}D\u{3000}E", "A B C D E"),
        (
            "ligatures",
            "ÆBLE œUF STRAßE ﬁNE ﬂOUR",
            "AEBLE OEUF STRASSE FINE FLOUR",
        ),
        ("ellipsis", "MANGOES…", "MANGOES..."),
        ("full width", "ＫＧ１２", "KG12"),
        ("lower case", "organic mangoes", "ORGANIC MANGOES"),
    ];
    for (name, dirty, clean) in cases {
        for oi in [oi_chars, oi_bytes] {
            let out = fix(&join(&with_oi(oi(dirty)), b"\n", true));
            assert!(out.is_clean(), "{name}: {:?}", out.not_fixable);
            assert_eq!(
                String::from_utf8_lossy(&out.bytes),
                String::from_utf8_lossy(&join(&with_oi(oi_bytes(clean)), b"\n", true)),
                "{name}: {:?}",
                out.changes
            );
        }
    }
}

/// Combining marks belong to their letter (one column); zero-width characters take none.
#[test]
fn characters_without_meaning_are_removed() {
    let clean = with_oi(oi_chars("CAFE MANGOES, KENT"));
    for (dirty, kind) in [
        ("CAFE\u{301} MANGOES, KENT", ChangeKind::Transliterate),
        (
            "CAFe\u{301}\u{327} MANGOES, KENT",
            ChangeKind::Transliterate,
        ),
        ("CAFE MAN\u{200B}GOES, KENT", ChangeKind::Removed),
        (
            "CAFE\u{200D} MANGOES,\u{200C} KENT\u{2060}",
            ChangeKind::Removed,
        ),
        ("\u{FEFF}CAFE MANGOES, K\u{AD}ENT", ChangeKind::Removed),
    ] {
        assert_fixes_to(&with_oi(oi_chars(dirty)), &clean, kind);
        // Read by bytes (the writer counted bytes): the field closes up.
        let out = fix(&join(&with_oi(oi_bytes(dirty)), b"\n", true));
        assert!(out.is_clean(), "{dirty:?}: {:?}", out.not_fixable);
        assert_eq!(out.bytes, join(&clean, b"\n", true), "{dirty:?}");
    }
}

/// What has no same-meaning ASCII form is left in place (no `?`, no guess), reported with
/// line and columns, and the result is not clean; `check` still finds it.
#[test]
fn characters_without_same_meaning_are_left_in_place_and_reported() {
    let cases = [
        ("½", "IN 4½ KG CARTONS", 15, 1),
        ("€", "10€/KG", 13, 1),
        ("°", "KEEP AT 20°C", 21, 1),
        ("😀", "MANGOES 😀", 19, 1),
        ("芒果", "芒果 MANGOES", 11, 2),
        ("×", "10×4 KG", 13, 1),
        ("Ω", "Ω", 11, 1),
        ("Ŋ", "ŊGOMA", 11, 1),
    ];
    let oi_line = index_of(&records(), b"OI") as u32 + 1;
    for (ch, text, column, width) in cases {
        for (name, term, last) in FRAMINGS {
            let dirty = join(&with_oi(oi_chars(text)), term, last);
            let out = fix(&dirty);
            assert!(!out.is_clean(), "{ch} {name}");
            assert_eq!(out.bytes, dirty, "{ch} {name}: left in place");
            assert!(!out.bytes.contains(&b'?'), "{ch} {name}");
            assert_eq!(
                out.not_fixable.len(),
                1,
                "{ch} {name}: {:?}",
                out.not_fixable
            );
            let n = &out.not_fixable[0];
            assert_eq!(n.reason, Unfixable::NoSameMeaning);
            assert_eq!(n.line, Some(oi_line), "{ch} {name}");
            assert_eq!(n.columns, Some((column, column + width - 1)), "{ch} {name}");
            assert_eq!(n.text, ch);
            let shown = n.to_string();
            assert!(shown.contains(&format!("line {oi_line}")) && shown.contains("not fixable"));
            assert!(
                errors(&out.bytes).iter().any(|(r, _)| *r == "F-002"),
                "{ch} {name}: check must still flag it"
            );
        }
        // Read by bytes: the record stays 80 bytes; the columns are byte columns.
        let dirty = join(&with_oi(oi_bytes(text)), b"\n", true);
        let out = fix(&dirty);
        assert_eq!(out.bytes, dirty);
        assert_eq!(
            out.not_fixable[0].columns,
            Some((column, column + ch.len() - 1)),
            "{ch} by bytes"
        );
    }
}

/// Fixable characters around an unfixable one are fixed; the unfixable one stays, and stays
/// at its column.
#[test]
fn unfixable_characters_do_not_stop_the_others() {
    let dirty = join(&with_oi(oi_chars("café 4½ kg")), b"\n", true);
    let out = fix(&dirty);
    let expected = join(&with_oi(oi_chars("CAFE 4½ KG")), b"\n", true);
    assert_eq!(
        String::from_utf8_lossy(&out.bytes),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].columns, Some((17, 17)));
}

/// A control byte other than TAB, and a Latin-1 byte without a same meaning, are not fixable.
#[test]
fn control_and_latin1_bytes_without_meaning_are_not_fixable() {
    let mut oi = oi_bytes("NUL HERE AND DEGREE HERE");
    oi[13] = 0;
    oi[30] = 0xB0; // ° in ISO-8859-1
    oi[12] = 0xE9; // é in ISO-8859-1
    let dirty = join(&with_oi(oi.clone()), b"\n", true);
    let out = fix(&dirty);
    let reasons: Vec<_> = out
        .not_fixable
        .iter()
        .map(|n| (n.reason, n.columns))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (Unfixable::ControlCharacter, Some((14, 14))),
            (Unfixable::NoSameMeaning, Some((31, 31)))
        ]
    );
    let mut expected = oi;
    expected[12] = b'E';
    assert_eq!(out.bytes, join(&with_oi(expected), b"\n", true));
}

/// A ligature whose longer form does not fit its field is not made (the field would spill
/// into the next one); one with room at the field's end is.
#[test]
fn wider_forms_need_room_in_their_field() {
    // PG01's program code (columns 11-13, class X) is full: "ŒR " has room, "ŒRX" has not.
    let mut lines = records();
    let pg01 = index_of(&lines, b"PG01");
    let original = lines[pg01].clone();
    let mut full = String::from_utf8(original.clone()).expect("ascii");
    full.replace_range(10..13, "ŒRX");
    lines[pg01] = full.clone().into_bytes();
    let dirty = join(&lines, b"\n", true);
    let out = fix(&dirty);
    assert_eq!(out.bytes, dirty, "left in place");
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].reason, Unfixable::NoRoom);
    assert_eq!(out.not_fixable[0].columns, Some((11, 11)));
    // With a space at the field's end, the field takes it; the next field does not move.
    let mut room = String::from_utf8(original).expect("ascii");
    room.replace_range(10..13, "Œ  ");
    lines[pg01] = room.into_bytes();
    let out = fix(&join(&lines, b"\n", true));
    assert!(out.is_clean(), "{:?}", out.not_fixable);
    let fixed = lines_of(&out.bytes)[pg01].clone();
    assert_eq!(&fixed[10..13], b"OE ");
    assert_eq!(&fixed[13..], &records()[pg01][13..]);
    // A short line: the padding of the field is its room; the padding is one change.
    lines[pg01] = "PG01001AMSŒR".as_bytes().to_vec();
    let out = fix(&join(&lines, b"\n", true));
    assert!(out.is_clean(), "{:?}", out.not_fixable);
    assert_eq!(lines_of(&out.bytes)[pg01], record80(b"PG01001AMSOER"));
    let pads: Vec<_> = out
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Pad)
        .collect();
    assert_eq!(pads.len(), 1, "{pads:?}");
    // 67 spaces, shown as an excerpt of 60.
    assert_eq!(pads[0].column, 14);
    assert_eq!(pads[0].after, format!("{}…", " ".repeat(60)));
}

/// Outside a text field of a known record (a host record here) a narrower replacement stays at
/// its columns, followed by spaces: nothing after it moves.
#[test]
fn narrower_forms_stay_in_place_outside_text_fields() {
    let mut lines = records();
    let i = index_of(&lines, b"SE");
    let original = record80(b"SE40001PE ORGANIC FRESH MANGOES");
    let mut dirty = b"SE40001PE ORGANIC FRESH MANGO".to_vec();
    dirty.extend_from_slice("É".as_bytes());
    dirty.extend_from_slice(&original[31..]);
    assert_eq!(dirty.len(), 80);
    lines[i] = dirty;
    let out = fix(&join(&lines, b"\n", true));
    assert!(out.is_clean());
    let fixed = lines_of(&out.bytes)[i].clone();
    assert_eq!(fixed.len(), 80);
    assert_eq!(&fixed[..29], &original[..29]);
    assert_eq!(&fixed[29..31], b"E ");
    assert_eq!(&fixed[31..], &original[31..], "nothing after it moved");
    let c = &out.changes[0];
    assert_eq!(
        (c.column, c.before.as_str(), c.after.as_str()),
        (30, "É", "E ")
    );
    assert!(out.changes.iter().all(|c| c.kind != ChangeKind::Realigned));
}

/// Terminator-less input that is neither whole 80-byte nor whole 80-character records is not
/// changed at all; one with a remainder keeps the remainder and reports it.
#[test]
fn terminator_less_input_without_whole_records_is_reported() {
    let mut lines = with_oi(oi_bytes("CAFÉ"));
    lines.last_mut().expect("Z").pop();
    let input = join(&lines, b"", false);
    let out = fix(&input);
    assert_eq!(out.bytes, input);
    assert!(out.changes.is_empty());
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].reason, Unfixable::Unframed);
    // ASCII with 79 bytes left over: the whole records are fixed, the rest is reported.
    let mut lines = with_oi(oi_bytes("cafe"));
    lines.last_mut().expect("Z").pop();
    let input = join(&lines, b"", false);
    let out = fix(&input);
    assert_eq!(out.bytes.len(), input.len());
    assert!(out.bytes.windows(4).any(|w| w == b"CAFE"));
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].reason, Unfixable::Remainder);
    assert_eq!(out.not_fixable[0].line, Some(lines.len() as u32));
    assert_eq!(out.not_fixable[0].columns, Some((1, 79)));
}

/// An empty line inside the input is not a record the normaliser can make: reported.
#[test]
fn empty_lines_are_reported() {
    let mut lines = records();
    lines.insert(2, Vec::new());
    let data = join(&lines, b"\n", true);
    let out = fix(&data);
    assert_eq!(out.bytes, data);
    assert_eq!(out.not_fixable.len(), 1);
    assert_eq!(out.not_fixable[0].reason, Unfixable::EmptyLine);
    assert_eq!(out.not_fixable[0].line, Some(3));
}

/// The report quotes at most a short excerpt of a long value.
#[test]
fn the_report_quotes_excerpts_of_long_values() {
    let mut lines = records();
    lines[0].extend(std::iter::repeat_n(b'X', 2_000_000));
    lines[1].extend(std::iter::repeat_n(b' ', 2_000_000));
    let i = index_of(&lines, b"OI");
    lines[i] = oi_chars(&"a".repeat(70));
    let out = fix(&join(&lines, b"\n", true));
    for c in &out.changes {
        assert!(c.before.chars().count() <= 61, "{c}");
        assert!(c.after.chars().count() <= 61, "{c}");
        assert!(c.to_string().len() < 300, "{c}");
    }
    for n in &out.not_fixable {
        assert!(n.text.chars().count() <= 61, "{n}");
        assert!(n.to_string().len() < 300, "{n}");
    }
    let after80 = &out.not_fixable[0];
    assert_eq!(after80.reason, Unfixable::DataAfterColumn80);
    assert_eq!(after80.columns, Some((81, 2_000_080)));
    assert!(after80.text.ends_with('…'));
    let trim = out
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::TrimSpaces)
        .expect("trimmed");
    assert!(trim.before.ends_with('…'));
    let upper = out
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::UpperCase)
        .expect("upper case");
    assert_eq!(upper.after, format!("{}…", "A".repeat(60)));
}

// ---------------------------------------------------------------------------------------
// Property: whatever same-meaning characters a description holds, in every framing, every
// output record is 80 bytes and no other record or field changes.

fn fixable_char() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("é", "E"),
        ("Ñ", "N"),
        ("’", "'"),
        ("–", "-"),
        ("\u{A0}", " "),
        ("e\u{301}", "E"),
        ("\u{200B}", ""),
        ("ß", "SS"),
        ("æ", "AE"),
        ("k", "K"),
        ("A", "A"),
        (" ", " "),
        ("7", "7"),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fixed_records_are_80_bytes_and_nothing_else_moves(
        parts in prop::collection::vec(fixable_char(), 1..40),
        by_bytes in any::<bool>(),
    ) {
        let dirty_text: String = parts.iter().map(|p| p.0).collect();
        let clean_text: String = parts.iter().map(|p| p.1).collect();
        let fits = if by_bytes {
            dirty_text.len() <= 70
        } else {
            dirty_text.chars().filter(|&c| takes_column(c)).count() <= 70
        };
        prop_assume!(fits && clean_text.trim_end().len() <= 70);
        let dirty = with_oi(if by_bytes { oi_bytes(&dirty_text) } else { oi_chars(&dirty_text) });
        let clean = with_oi(oi_bytes(clean_text.trim_end()));
        for (name, term, last) in FRAMINGS {
            let out = fix(&join(&dirty, term, last));
            prop_assert!(out.is_clean(), "{}: {:?}", name, out.not_fixable);
            prop_assert_eq!(&out.bytes, &join(&clean, term, last), "{}", name);
        }
    }
}

fn any_char() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["A", "Z", "0", " ", "k", "PG01", "OI", "\t"]).prop_map(String::from),
        2 => prop::sample::select(vec![
            "é", "Œ", "ß", "’", "—", "\u{A0}", "\u{301}", "\u{200B}", "\u{FEFF}", "½", "€",
            "😀", "芒", "\u{0}", "\u{1A}", "…", "ﬁ", "\u{200D}",
        ]).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    let line = prop::collection::vec(any_char(), 0..90).prop_map(|v| v.concat().into_bytes());
    let term = prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\r", b""]);
    prop_oneof![
        (prop::collection::vec(line, 1..6), term, any::<bool>())
            .prop_map(|(lines, term, last)| join(&lines, term, last)),
        prop::collection::vec(any::<u8>(), 0..400),
        // Whole records with one edit, terminator-less.
        (any_char(), 10usize..79).prop_map(|(c, at)| {
            let mut lines = records();
            let i = index_of(&lines, b"OI");
            let mut oi = lines[i][..at].to_vec();
            oi.extend_from_slice(c.as_bytes());
            oi.extend_from_slice(&lines[i][at + 1..]);
            lines[i] = oi;
            join(&lines, b"", false)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// On any input: no panic; a clean result is 80-byte records of the CBP set that a second
    /// run leaves alone; what is not clean is reported with a reason.
    #[test]
    fn any_input_is_normalised_or_reported(input in any_input()) {
        let out = fix(&input);
        if out.is_clean() {
            let again = fix(&out.bytes);
            prop_assert!(again.changes.is_empty(), "{:?}", again.changes);
            prop_assert_eq!(&again.bytes, &out.bytes);
            let cbp = |b: &u8| matches!(b, b' '..=b'`' | b'{'..=b'~' | b'\r' | b'\n');
            prop_assert!(out.bytes.iter().all(cbp), "{:?}", String::from_utf8_lossy(&out.bytes));
            let text = String::from_utf8_lossy(&out.bytes).replace("\r\n", "\n").replace('\r', "\n");
            let records: Vec<&str> = if text.contains('\n') {
                text.strip_suffix('\n').unwrap_or(&text).split('\n').collect()
            } else {
                (0..text.len()).step_by(80).map(|i| &text[i..(i + 80).min(text.len())]).collect()
            };
            prop_assert!(records.iter().all(|r| r.len() == 80), "{:?}", records);
        }
        for n in &out.not_fixable {
            prop_assert!(!n.to_string().is_empty());
        }
    }
}
