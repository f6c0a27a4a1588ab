//! The report: excerpts of values, their printable form, the limit of listed items, and the
//! result built from it.

use std::fmt;

use super::chars::{is_invisible, is_mark};
use super::decode::Units;
use super::{Change, ChangeKind, Normalized, NotFixable, Unfixable, EXCERPT};

/// Text of the report as printed: characters without a visible form as `<U+XXXX>`, at most
/// [`EXCERPT`] printed characters (then `…`).
pub(super) struct Printable<'s>(pub(super) &'s str);

/// Whether a character is printed as itself in the report.
fn visible(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || is_mark(c)
            || is_invisible(c)
            || matches!(c, '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'))
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printed = 0;
        let mut rest = self.0;
        while let Some(c) = rest.chars().next() {
            // A byte shown as `<0xNN>` is one token.
            let byte = rest
                .get(..6)
                .filter(|t| t.starts_with("<0x") && t.ends_with('>'))
                .filter(|t| t.bytes().skip(3).take(2).all(|b| b.is_ascii_hexdigit()));
            let (token, len) = match byte {
                Some(t) => (t.to_string(), 6),
                None if visible(c) => (c.to_string(), c.len_utf8()),
                None => (format!("<U+{:04X}>", u32::from(c)), c.len_utf8()),
            };
            let n = token.chars().count();
            let last = rest.len() == len;
            // The excerpt's own `…` (the value was cut) always fits.
            if printed + n > EXCERPT && !(last && token == "…") {
                return f.write_str("…");
            }
            f.write_str(&token)?;
            printed += n;
            rest = rest.get(len..).unwrap_or_default();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Report building

/// The text of `bytes` for the report (a byte that is not text as `<0xNN>`).
pub(super) fn show(bytes: &[u8], latin1: bool) -> String {
    let mut s = String::new();
    for u in (Units {
        src: bytes,
        pos: 0,
        latin1,
        bad_prefix: 0,
    }) {
        match (u.ch, bytes.get(u.start)) {
            (Some(c), _) => s.push(c),
            (None, Some(b)) => s.push_str(&format!("<0x{b:02X}>")),
            (None, None) => {}
        }
    }
    s
}

/// Bytes as `<0xNN>` each.
pub(super) fn show_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("<0x{b:02X}>")).collect()
}

/// An excerpt being built: at most [`EXCERPT`] characters kept, the rest counted. A byte
/// shown as `<0xNN>` counts as one.
#[derive(Debug, Default, Clone)]
struct Excerpt {
    text: String,
    chars: usize,
}

impl Excerpt {
    fn push(&mut self, s: &str) {
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let byte = rest
                .get(..6)
                .is_some_and(|t| t.starts_with("<0x") && t.ends_with('>'));
            let len = if byte { 6 } else { c.len_utf8() };
            if self.chars < EXCERPT {
                self.text.push_str(rest.get(..len).unwrap_or_default());
            }
            self.chars += 1;
            if self.chars > EXCERPT {
                // Only the count matters from here on.
                return;
            }
            rest = rest.get(len..).unwrap_or_default();
        }
    }

    fn of(s: &str) -> Self {
        let mut e = Excerpt::default();
        e.push(s);
        e
    }

    fn finish(mut self) -> String {
        if self.chars > EXCERPT {
            self.text.push('…');
        }
        self.text
    }
}

#[derive(Debug)]
struct PendingChange {
    line: u32,
    column: usize,
    before: Excerpt,
    after: Excerpt,
    kind: ChangeKind,
    field: Option<&'static str>,
}

#[derive(Debug)]
pub(super) struct PendingNf {
    pub(super) line: Option<u32>,
    columns: Option<(usize, usize)>,
    text: Excerpt,
    pub(super) reason: Unfixable,
}

/// The last change, listed or not, for merging adjacent ones.
#[derive(Debug, Clone, Copy)]
struct LastChange {
    line: u32,
    kind: ChangeKind,
    /// Column after its last column.
    next: usize,
    listed: bool,
}

/// The last not-fixable item, listed or not.
#[derive(Debug, Clone, Copy)]
struct LastNf {
    line: Option<u32>,
    reason: Unfixable,
    columns: Option<(usize, usize)>,
    listed: bool,
}

#[derive(Debug, Default)]
pub(super) struct Report {
    limit: usize,
    changes: Vec<PendingChange>,
    more_changes: usize,
    last_change: Option<LastChange>,
    pub(super) not_fixable: Vec<PendingNf>,
    more_not_fixable: usize,
    last_nf: Option<LastNf>,
}

impl Report {
    /// An empty report that lists at most `limit` changes and as many not-fixable items.
    pub(super) fn with_limit(limit: usize) -> Report {
        Report {
            limit,
            ..Report::default()
        }
    }

    pub(super) fn change(
        &mut self,
        line: u32,
        column: usize,
        before: &str,
        after: &str,
        kind: ChangeKind,
    ) {
        let cols = after.len();
        if let Some(last) = &mut self.last_change {
            if last.line == line
                && last.kind == kind
                && kind != ChangeKind::Realigned
                && last.next == column
            {
                last.next = column + cols;
                if last.listed {
                    if let Some(entry) = self.changes.last_mut() {
                        entry.before.push(before);
                        entry.after.push(after);
                    }
                }
                return;
            }
        }
        self.push_change(line, column, column + cols, before, after, kind, None);
    }

    pub(super) fn realigned(
        &mut self,
        line: u32,
        column: usize,
        before: &str,
        after: &str,
        field: &'static str,
    ) {
        self.push_change(
            line,
            column,
            column,
            before,
            after,
            ChangeKind::Realigned,
            Some(field),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_change(
        &mut self,
        line: u32,
        column: usize,
        next: usize,
        before: &str,
        after: &str,
        kind: ChangeKind,
        field: Option<&'static str>,
    ) {
        let listed = self.changes.len() < self.limit;
        if listed {
            self.changes.push(PendingChange {
                line,
                column,
                before: Excerpt::of(before),
                after: Excerpt::of(after),
                kind,
                field,
            });
        } else {
            self.more_changes = self.more_changes.saturating_add(1);
        }
        self.last_change = Some(LastChange {
            line,
            kind,
            next,
            listed,
        });
    }

    pub(super) fn not_fixable(
        &mut self,
        line: Option<u32>,
        columns: Option<(usize, usize)>,
        text: &str,
        reason: Unfixable,
    ) {
        if let (Some(last), Some((a, b))) = (&mut self.last_nf, columns) {
            if last.line == line && last.reason == reason {
                if let Some((first, end)) = last.columns {
                    if end + 1 == a {
                        last.columns = Some((first, b));
                        if last.listed {
                            if let Some(entry) = self.not_fixable.last_mut() {
                                entry.columns = Some((first, b));
                                entry.text.push(text);
                            }
                        }
                        return;
                    }
                }
            }
        }
        let listed = self.not_fixable.len() < self.limit;
        if listed {
            self.not_fixable.push(PendingNf {
                line,
                columns,
                text: Excerpt::of(text),
                reason,
            });
        } else {
            self.more_not_fixable = self.more_not_fixable.saturating_add(1);
        }
        self.last_nf = Some(LastNf {
            line,
            reason,
            columns,
            listed,
        });
    }

    /// Whether the last not-fixable item is on `line`.
    pub(super) fn not_fixable_on(&self, line: u32) -> bool {
        self.last_nf.is_some_and(|l| l.line == Some(line))
    }
}

/// The report as the result.
pub(super) fn finish(report: Report) -> Normalized {
    Normalized {
        bytes: Vec::new(),
        changes: report
            .changes
            .into_iter()
            .map(|c| Change {
                line: c.line,
                column: c.column,
                before: c.before.finish(),
                after: c.after.finish(),
                kind: c.kind,
                field: c.field,
            })
            .collect(),
        more_changes: report.more_changes,
        not_fixable: report
            .not_fixable
            .into_iter()
            .map(|c| NotFixable {
                line: c.line,
                columns: c.columns,
                text: c.text.finish(),
                reason: c.reason,
            })
            .collect(),
        more_not_fixable: report.more_not_fixable,
        rejected: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A printed excerpt is cut at 60 printed characters; a byte token is never cut.
    #[test]
    fn printable_caps_printed_characters() {
        let s = Printable(&"\u{200B}".repeat(60)).to_string();
        assert_eq!(s, format!("{}…", "<U+200B>".repeat(7)));
        let s = Printable(&format!("{}<0xE9>", "A".repeat(57))).to_string();
        assert_eq!(s, format!("{}…", "A".repeat(57)));
        assert_eq!(Printable("É\u{301}\t").to_string(), "É<U+0301><U+0009>");
        assert_eq!(
            Printable(&format!("{}…", "A".repeat(60))).to_string(),
            format!("{}…", "A".repeat(60))
        );
    }
}
