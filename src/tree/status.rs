//! The structure of a Cargo Release status notification (application `SO`, SPEC 3.7) as typed
//! accessors over the tree: each `SO10` opens a notification with its `SO20` references,
//! `SO30` CBP lines, bill groupings (`SO40` ×1–2, `SO42`, `SO50`), `SO60` cargo
//! dispositions and the `SO70` PGA dispositions (with `SO71`/`SO72`). The tree's storage is
//! unchanged; positions come from the host layouts (`host-records.csv`).

use crate::records::{host, Record, So10, So30, View};
use crate::tree::{Disposition, Item, Tree};

/// One status notification: an `SO10` and what follows it up to the next `SO10` (SPEC 3.7).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusNotification<'t, 'a> {
    /// The `SO10` header.
    pub so10: &'t Record<'a>,
    /// `SO20` references.
    pub references: Vec<&'t Record<'a>>,
    /// `SO30` CBP lines (echo of `SE40.line_item_number`).
    pub lines: Vec<&'t Record<'a>>,
    /// Bill groupings.
    pub bills: Vec<StatusBill<'t, 'a>>,
    /// `SO60` cargo release dispositions.
    pub dispositions: Vec<&'t Record<'a>>,
    /// `SO70` PGA dispositions with their `SO71`/`SO72` (SPEC 7.2).
    pub pga_dispositions: Vec<&'t Disposition<Record<'a>>>,
    /// Other records inside the notification, in input order.
    pub unplaced: Vec<&'t Record<'a>>,
}

/// A bill grouping of a status notification: `SO40` bills, `SO42` in-bonds, the closing
/// `SO50` bill match disposition.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct StatusBill<'t, 'a> {
    /// The `SO40` records.
    pub bills: Vec<&'t Record<'a>>,
    /// The `SO42` records.
    pub in_bonds: Vec<&'t Record<'a>>,
    /// The `SO50` that closes the grouping.
    pub disposition: Option<&'t Record<'a>>,
}

impl<'t, 'a> StatusNotification<'t, 'a> {
    /// The typed view of the `SO10`.
    pub fn header(&self) -> View<'a, So10<'a>> {
        View::new(self.so10.raw(), self.so10.lenient_numeric())
    }

    /// The entry: `SO10.entry_filer_code` and `SO10.entry_number`; `None` when blank.
    pub fn entry(&self) -> Option<(&'a str, &'a str)> {
        let h = self.header();
        Some((h.entry_filer_code()?, h.entry_number()?))
    }

    /// The entry as a typed [`crate::records::EntryNumber`] (filer code, serial, check
    /// digit); `None` when the fields do not have that shape.
    pub fn entry_number(&self) -> Option<crate::records::EntryNumber> {
        crate::records::EntryNumber::from_record(self.so10.raw())?.ok()
    }

    /// Whether the entry number's check digit is right (SPEC 3.7); `None` when the entry is
    /// blank or not 3 + 7 + 1 characters.
    pub fn entry_check_digit_ok(&self) -> Option<bool> {
        let (filer, number) = self.entry()?;
        host::entry_check_digit_ok(filer, number)
    }

    /// The CBP line numbers the `SO30` records report, in order (`None` for a line number
    /// that is blank or not a number).
    pub fn line_numbers(&self) -> Vec<Option<u64>> {
        self.lines
            .iter()
            .map(|r| View::<So30<'a>>::new(r.raw(), r.lenient_numeric()).line_item_number())
            .collect()
    }

    fn place(&mut self, r: &'t Record<'a>) {
        match r.id_bytes() {
            b"SO20" => self.references.push(r),
            b"SO30" => self.lines.push(r),
            b"SO40" => {
                let open = self
                    .bills
                    .last()
                    .is_some_and(|b| b.in_bonds.is_empty() && b.disposition.is_none());
                match self.bills.last_mut() {
                    Some(b) if open => b.bills.push(r),
                    _ => self.bills.push(StatusBill {
                        bills: vec![r],
                        ..StatusBill::default()
                    }),
                }
            }
            b"SO42" => match self.bills.last_mut() {
                Some(b) if b.disposition.is_none() => b.in_bonds.push(r),
                _ => self.unplaced.push(r),
            },
            b"SO50" => match self.bills.last_mut() {
                Some(b) if b.disposition.is_none() => b.disposition = Some(r),
                _ => self.unplaced.push(r),
            },
            b"SO60" => self.dispositions.push(r),
            _ => self.unplaced.push(r),
        }
    }
}

impl<'a> Tree<Record<'a>> {
    /// Every status notification (each `SO10` and what follows it, SPEC 3.7), in input
    /// order.
    ///
    /// ```
    /// let data = std::fs::read("spec-samples/valid/so-status.txt")?;
    /// let t = ace_pga::Transmission::parse(&data)?;
    /// let n: Vec<_> = t.tree().status_notifications();
    /// assert_eq!(n.len(), 2);
    /// assert_eq!(n[0].entry(), Some(("Q7K", "31547727")));
    /// assert_eq!(n[0].pga_dispositions.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status_notifications(&self) -> Vec<StatusNotification<'_, 'a>> {
        let mut out: Vec<StatusNotification<'_, 'a>> = Vec::new();
        for tx in self.transactions() {
            for item in &tx.items {
                match item {
                    Item::Record(n) if n.record.view::<So10>().is_some() => {
                        out.push(StatusNotification {
                            so10: &n.record,
                            references: Vec::new(),
                            lines: Vec::new(),
                            bills: Vec::new(),
                            dispositions: Vec::new(),
                            pga_dispositions: Vec::new(),
                            unplaced: Vec::new(),
                        });
                    }
                    Item::Record(n) => {
                        if let Some(s) = out.last_mut() {
                            s.place(&n.record);
                        }
                    }
                    Item::Disposition(d) => {
                        if let Some(s) = out.last_mut() {
                            s.pga_dispositions.push(d);
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }
}
