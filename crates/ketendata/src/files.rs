//! Writing a Ketendata table into the lake, one file per year
//! (`ketendata/{table}/gemeente=G/jaar=Y/data.parquet`), a chunk of rows at a time.
//!
//! Each year's file is written under a temporary name and renamed when the table is
//! complete; years that no longer have rows are removed then. A reader sees the old file or
//! the new one, never a part.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use ketenzicht_store::parquet_io::TableWriter;
use ketenzicht_store::{Lake, StoreError, Table};

use crate::KetendataError;

struct YearFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: TableWriter<BufWriter<File>>,
}

/// One table of one gemeente being written.
pub struct TableFiles {
    dir: PathBuf,
    years: BTreeMap<i32, YearFile>,
    rows: usize,
}

impl TableFiles {
    pub fn new(lake: &Lake, name: &str, gemeente: &str) -> TableFiles {
        TableFiles { dir: lake.gemeente_dir(&crate::lake_table(name), gemeente), years: BTreeMap::new(), rows: 0 }
    }

    /// Append rows, each to the file of its `jaar`.
    pub fn push(&mut self, chunk: Table) -> Result<(), KetendataError> {
        self.rows += chunk.len();
        for (year, part) in by_year(chunk) {
            let file = match self.years.entry(year) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let path = self.dir.join(format!("jaar={year}")).join("data.parquet");
                    e.insert(open(path, &part)?)
                }
            };
            file.writer.write(&part)?;
        }
        Ok(())
    }

    /// Commit every year's file and remove the years without rows; the rows written.
    pub fn finish(self) -> Result<usize, KetendataError> {
        let written: Vec<PathBuf> = self.years.values().map(|f| f.path.clone()).collect();
        for file in self.years.into_values() {
            let out = file.writer.finish()?;
            let out = out.into_inner().map_err(|e| StoreError::io(&file.tmp)(e.into_error()))?;
            out.sync_all().map_err(StoreError::io(&file.tmp))?;
            std::fs::rename(&file.tmp, &file.path).map_err(StoreError::io(&file.path))?;
            ketenzicht_store::sync_parent(&file.path);
        }
        if self.dir.exists() {
            for year_dir in ketenzicht_store::read_dir_sorted(&self.dir)? {
                if !written.iter().any(|w| w.parent() == Some(year_dir.as_path())) {
                    std::fs::remove_dir_all(&year_dir)
                        .map_err(|source| KetendataError::Io { path: year_dir.clone(), source })?;
                }
            }
        }
        Ok(self.rows)
    }
}

fn open(path: PathBuf, like: &Table) -> Result<YearFile, KetendataError> {
    let tmp = ketenzicht_store::tmp_path(&path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(StoreError::io(parent))?;
    }
    let file = File::create(&tmp).map_err(StoreError::io(&tmp))?;
    let writer = TableWriter::new(BufWriter::new(file), &like.columns, &tmp)?;
    Ok(YearFile { path, tmp, writer })
}

/// Split a table by its `jaar` column.
fn by_year(table: Table) -> Vec<(i32, Table)> {
    let Some(col) = table.column("jaar") else { return vec![(0, table)] };
    let mut parts: BTreeMap<i32, Table> = BTreeMap::new();
    let columns = table.columns.clone();
    for row in table.rows {
        let year = row[col].as_int().unwrap_or(0) as i32;
        parts.entry(year).or_insert_with(|| Table { columns: columns.clone(), rows: Vec::new() }).rows.push(row);
    }
    parts.into_iter().collect()
}
