//! Removing some stored messages of one gemeente: one law of it (a deletion), or what is older
//! than the retention period. The raw tables (`ruw`, `leveringen`) are rewritten without the
//! removed rows, each file atomically; a file left without rows is removed. The ledger then
//! keeps exactly the messages still in the files, so a run that was interrupted is completed
//! by running it again. Ketendata is derived and must be rebuilt afterwards (the gemeente is
//! marked stale).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::lake::{LEVERINGEN, RUW};
use crate::{Store, StoreError, Table};

/// What a prune removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub berichten: u64,
    pub quarantaine: u64,
}

/// One stored message as a prune selects it: its law and the day it was registered (the
/// first receipt, else its Dagtekening).
#[derive(Debug, Clone, Copy)]
pub struct Registratie<'a> {
    pub wet: &'a str,
    pub dag: NaiveDate,
}

fn column(table: &Table, name: &str, file: &Path) -> Result<usize, StoreError> {
    table.column(name).ok_or_else(|| StoreError::Shape(format!("{}: no column {name}", file.display())))
}

impl Store {
    /// Remove the messages of `gemeente` that `select` picks, and the quarantine entries of
    /// the gemeente that `select_quarantaine` picks (by the message name from routing data,
    /// such as `JW301`, and the day of receipt or quarantine).
    pub fn prune(
        &mut self,
        gemeente: &str,
        select: &dyn Fn(Registratie<'_>) -> bool,
        select_quarantaine: &dyn Fn(Option<&str>, NaiveDate) -> bool,
    ) -> Result<Pruned, StoreError> {
        let lake = self.lake();
        let mut first_receipt: HashMap<i64, NaiveDate> = HashMap::new();
        for file in lake.files(LEVERINGEN, gemeente)? {
            let t = lake.read_table(&file, gemeente, Some(&["bericht_id", "ontvangen"]))?;
            let (id, ontvangen) = (column(&t, "bericht_id", &file)?, column(&t, "ontvangen", &file)?);
            for row in &t.rows {
                if let (Some(b), Some(o)) = (row[id].as_int(), row[ontvangen].as_timestamp()) {
                    let slot = first_receipt.entry(b).or_insert(o.date());
                    *slot = (*slot).min(o.date());
                }
            }
        }
        // Each raw file is read (and opened) once: its rows are judged and rewritten in one pass.
        let (mut doomed, mut kept) = (HashSet::new(), HashSet::new());
        for file in lake.files(RUW, gemeente)? {
            let mut t = lake.read_table(&file, gemeente, None)?;
            let [id, wet, dagtekening] = ["bericht_id", "wet", "dagtekening"].map(|c| column(&t, c, &file));
            let (id, wet, dagtekening) = (id?, wet?, dagtekening?);
            let before = t.rows.len();
            t.rows.retain(|row| {
                let Some(b) = row[id].as_int() else { return true };
                let dag = first_receipt.get(&b).copied().or_else(|| row[dagtekening].as_date());
                let gone =
                    dag.is_some_and(|dag| select(Registratie { wet: row[wet].as_text().unwrap_or_default(), dag }));
                if gone {
                    doomed.insert(b);
                } else {
                    kept.insert(b);
                }
                !gone
            });
            rewrite(&lake, &file, gemeente, &t, before)?;
        }
        for file in lake.files(LEVERINGEN, gemeente)? {
            let mut t = lake.read_table(&file, gemeente, None)?;
            let id = column(&t, "bericht_id", &file)?;
            let before = t.rows.len();
            t.rows.retain(|row| row[id].as_int().is_none_or(|b| !doomed.contains(&b)));
            rewrite(&lake, &file, gemeente, &t, before)?;
        }
        let berichten = self.ledger.retain_berichten(gemeente, &kept)?;
        let mut quarantaine = 0;
        for q in self.ledger.quarantaine_van(gemeente)? {
            let dag = q
                .ontvangen
                .as_deref()
                .unwrap_or(q.tijdstip.as_str())
                .get(..10)
                .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
            if dag.is_some_and(|dag| select_quarantaine(q.bericht.as_deref(), dag)) {
                crate::remove_if_exists(&self.root.join(&q.bestand))?;
                self.ledger.delete_quarantaine(&q.bestand)?;
                quarantaine += 1;
            }
        }
        if berichten > 0 || quarantaine > 0 {
            self.ledger.mark_stale(gemeente)?;
            self.ledger.checkpoint()?;
        }
        Ok(Pruned { berichten, quarantaine })
    }
}

/// Write `t` back over `file` if rows were removed from it (`before` rows it had), or remove
/// the file when none are left.
fn rewrite(lake: &crate::Lake, file: &Path, gemeente: &str, t: &Table, before: usize) -> Result<(), StoreError> {
    if t.rows.len() == before {
        Ok(())
    } else if t.rows.is_empty() {
        crate::remove_if_exists(file)
    } else {
        lake.write_table(file, gemeente, t)
    }
}
