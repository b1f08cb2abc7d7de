//! Ketendata: the cleaned, enriched dataset of one gemeente for both laws, built from the
//! lake (`ruw` and `leveringen`) and written back as Parquet tables under
//! `lake/ketendata/{table}/gemeente=G/jaar=Y/data.parquet`.
//!
//! Cleaning: a message is one row however often it was delivered; messages that count as not
//! sent (refused at transport, or rejected by their retour with 0001 or a class code) stay in
//! `berichten`, marked, and are left out of every other table. Deletions (StatusAanlevering 3,
//! RedenWijziging 13) are applied. Every table and column is documented in `docs/ketendata.md`.

mod berichten;
mod declaraties;
mod files;
mod link;
mod load;
mod many;
mod regie;
mod toewijzingen;
mod trajecten;
mod verzoeken;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ketenzicht_calendar::Calendar;
use ketenzicht_message::Wet;
use ketenzicht_store::csv::Dialect;
use ketenzicht_store::{Kind, Lake, Store, StoreError, Table, Value};

use crate::files::TableFiles;
use crate::link::Links;
use crate::load::Msg;
pub use crate::many::build_many;

/// The Ketendata tables, in the order they are built and documented.
pub const TABLES: [&str; 7] =
    ["berichten", "toewijzingen", "verzoeken", "regie", "declaraties", "prestaties", "zorgtrajecten"];

#[derive(Debug, thiserror::Error)]
pub enum KetendataError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("lake: {0}")]
    Lake(String),
    #[error("{}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("unknown table {0:?}; the tables are {TABLES:?}")]
    UnknownTable(String),
    #[error("gemeente {gemeente}")]
    Gemeente {
        gemeente: String,
        #[source]
        source: Box<KetendataError>,
    },
}

/// Everything the table builders share for one gemeente.
#[derive(Debug)]
pub struct Cx<'a> {
    pub gemeente: &'a str,
    pub msgs: &'a [Msg],
    pub links: Links,
    pub cal: Calendar,
    pseudonyms: &'a ketenzicht_store::Pseudonymizer,
    versies: Vec<&'a toewijzingen::Versie>,
    actueel: HashMap<(Wet, u32), usize>,
    /// Every start and stop that counts as sent, with whether it is valid.
    regels: Vec<(&'a regie::Regel, bool)>,
}

impl Cx<'_> {
    /// The pseudonym of a BSN: the only client key in Ketendata.
    pub fn client(&self, bsn: &str) -> String {
        self.pseudonyms.pseudonym(bsn)
    }

    /// The first six cells of every row about one client: bericht_id, gemeente, wet,
    /// aanbieder, client (pseudonym), traject_id (see [`table_with_kop`]).
    pub fn kop(&self, bericht_id: i64, wet: Wet, aanbieder: &str, bsn: &str, product: &str) -> [Value; 6] {
        [
            bericht_id.into(),
            self.gemeente.into(),
            wet.as_str().into(),
            aanbieder.into(),
            self.client(bsn).into(),
            self.traject_id(wet, bsn, aanbieder, product).into(),
        ]
    }

    /// The Ketendata traject: one client, one product, one aanbieder, in one law.
    pub fn traject_id(&self, wet: Wet, bsn: &str, aanbieder: &str, product: &str) -> String {
        let key = format!("traject|{}|{}|{bsn}|{aanbieder}|{product}", self.gemeente, wet.as_str());
        self.pseudonyms.pseudonym(&key)
    }
}

/// A table whose rows start with [`Cx::kop`], followed by `columns`.
pub fn table_with_kop(columns: &[(&str, Kind)]) -> Table {
    let kop = [
        ("bericht_id", Kind::Int),
        ("gemeente", Kind::Text),
        ("wet", Kind::Text),
        ("aanbieder", Kind::Text),
        ("client", Kind::Text),
        ("traject_id", Kind::Text),
    ];
    Table::new(&kop.iter().chain(columns).copied().collect::<Vec<_>>())
}

/// What a build wrote: rows per table.
#[derive(Debug, Default, Clone)]
pub struct BuildSummary {
    pub rows: Vec<(&'static str, usize)>,
}

impl BuildSummary {
    /// Rows of `berichten`: the messages the build read.
    pub fn berichten(&self) -> usize {
        self.rows.iter().find(|(name, _)| *name == "berichten").map_or(0, |(_, n)| *n)
    }
}

/// The lake table of a Ketendata table: `ketendata/{name}`.
fn lake_table(name: &str) -> String {
    format!("{}/{name}", ketenzicht_store::lake::KETENDATA)
}

/// Rows handed to the writer at a time.
const CHUNK: usize = 1 << 14;

/// Where a table builder hands its rows, a chunk at a time.
pub(crate) type Emit<'a> = dyn FnMut(Table) -> Result<(), KetendataError> + 'a;

/// Rows of one table on their way to the lake, handed on a chunk at a time.
pub(crate) struct Rows<'e> {
    table: Table,
    emit: &'e mut Emit<'e>,
}

impl<'e> Rows<'e> {
    /// Rows with the columns of `columns` (an empty table) for `emit`.
    pub fn new(columns: Table, emit: &'e mut Emit<'e>) -> Rows<'e> {
        Rows { table: columns, emit }
    }

    pub fn push(&mut self, row: Vec<Value>) -> Result<(), KetendataError> {
        self.table.push(row);
        if self.table.len() >= CHUNK { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<(), KetendataError> {
        let empty = Table { columns: self.table.columns.clone(), rows: Vec::new() };
        (self.emit)(std::mem::replace(&mut self.table, empty))
    }

    /// Hand on the last rows.
    pub fn finish(mut self) -> Result<(), KetendataError> {
        self.flush()
    }
}

/// Build the Ketendata tables of one gemeente and write each into the lake as it is made, a
/// chunk of rows at a time. Memory holds what the tables need of each message (not the
/// parsed messages), one chunk per table, and the trajecten being folded: no table is ever
/// whole in memory.
fn each_table(bron: &Bron, gemeente: &str, summary: &mut BuildSummary) -> Result<(), KetendataError> {
    let msgs = load::load(&bron.lake, &bron.fouten, gemeente)?;
    let links = Links::new(&msgs);
    let versies = toewijzingen::versies(&msgs, &links);
    let regels = regie::regels(&msgs, &links);
    let cx = Cx {
        gemeente,
        msgs: &msgs,
        actueel: toewijzingen::actueel(&versies),
        versies,
        regels,
        links,
        cal: Calendar::atw(),
        pseudonyms: &bron.pseudonyms,
    };
    let mut write = |name: &'static str,
                     build: &mut dyn FnMut(&mut Emit<'_>) -> Result<(), KetendataError>,
                     fold: &mut dyn FnMut(&Table)| {
        let mut files = TableFiles::new(&bron.lake, name, gemeente);
        build(&mut |chunk| {
            fold(&chunk);
            files.push(chunk)
        })?;
        summary.rows.push((name, files.finish()?));
        Ok::<_, KetendataError>(())
    };
    write("berichten", &mut |emit| berichten::build(&cx, emit), &mut |_| ())?;
    write("declaraties", &mut |emit| declaraties::build_declaraties(&cx, emit), &mut |_| ())?;
    write("prestaties", &mut |emit| declaraties::build_prestaties(&cx, emit), &mut |_| ())?;
    let mut trajecten = trajecten::Trajecten::default();
    write("verzoeken", &mut |emit| verzoeken::build(&cx, emit), &mut |chunk| trajecten.verzoeken(chunk))?;
    write("toewijzingen", &mut |emit| toewijzingen::build(&cx, emit), &mut |chunk| trajecten.toewijzingen(chunk))?;
    write("regie", &mut |emit| regie::build(&cx, emit), &mut |chunk| trajecten.regie(chunk))?;
    drop(cx);
    drop(msgs);
    write("zorgtrajecten", &mut |emit| std::mem::take(&mut trajecten).build(emit), &mut |_| ())
}

/// What a build reads: the lake, the pseudonym key, and the gemeente's transport errors
/// from the ledger. It holds no ledger connection, so builds can run on worker threads.
#[derive(Debug)]
struct Bron {
    lake: Lake,
    pseudonyms: ketenzicht_store::Pseudonymizer,
    fouten: HashMap<String, String>,
}

impl Bron {
    fn of(store: &Store, gemeente: &str) -> Result<Bron, KetendataError> {
        Ok(Bron {
            lake: store.lake(),
            pseudonyms: store.pseudonymizer().clone(),
            fouten: store.ledger.transportfouten(gemeente)?.into_iter().collect(),
        })
    }

    /// Rebuild one gemeente's Ketendata files.
    fn build(&self, gemeente: &str) -> Result<BuildSummary, KetendataError> {
        let mut summary = BuildSummary::default();
        each_table(self, gemeente, &mut summary)?;
        // The summary lists the tables in their documented order.
        summary.rows.sort_by_key(|(name, _)| TABLES.iter().position(|t| t == name));
        Ok(summary)
    }
}

/// Rebuild the Ketendata of one gemeente in the lake, replacing what was there.
pub fn build(store: &Store, gemeente: &str) -> Result<BuildSummary, KetendataError> {
    let summary = Bron::of(store, gemeente)?.build(gemeente)?;
    store.ledger.bijgewerkt(gemeente)?;
    Ok(summary)
}

/// Read one Ketendata table of one gemeente from the lake (all years).
pub fn read(store: &Store, table: &str, gemeente: &str) -> Result<Table, KetendataError> {
    read_columns(&store.lake(), table, gemeente, None)
}

/// The Parquet files of one Ketendata table of one gemeente (all years).
pub fn files(lake: &Lake, table: &str, gemeente: &str) -> Result<Vec<PathBuf>, KetendataError> {
    if !TABLES.contains(&table) {
        return Err(KetendataError::UnknownTable(table.to_owned()));
    }
    Ok(lake.files(&lake_table(table), gemeente)?)
}

/// Read some columns of one Ketendata table of one gemeente (all years; all columns when
/// `columns` is `None`).
pub fn read_columns(
    lake: &Lake,
    table: &str,
    gemeente: &str,
    columns: Option<&[&str]>,
) -> Result<Table, KetendataError> {
    if !TABLES.contains(&table) {
        return Err(KetendataError::UnknownTable(table.to_owned()));
    }
    let mut out = Table::default();
    for file in lake.files(&lake_table(table), gemeente)? {
        let part = ketenzicht_store::parquet_io::read_parquet_columns(&file, columns)?;
        if out.columns.is_empty() {
            out.columns = part.columns;
        }
        out.rows.extend(part.rows);
    }
    Ok(out)
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
    /// CSV for Dutch Excel: `;`, UTF-8 BOM, comma decimals.
    CsvExcelNl,
}

/// Write the Ketendata of one gemeente (optionally one law) to `out`, one file per table.
pub fn export(
    lake: &Lake,
    gemeente: &str,
    wet: Option<Wet>,
    format: Format,
    out: &Path,
) -> Result<Vec<(PathBuf, usize)>, KetendataError> {
    std::fs::create_dir_all(out).map_err(|source| KetendataError::Io { path: out.to_owned(), source })?;
    let mut written = Vec::new();
    for name in TABLES {
        let mut table = read_columns(lake, name, gemeente, None)?;
        if let (Some(wet), Some(col)) = (wet, table.column("wet")) {
            table.rows.retain(|r| r[col].as_text() == Some(wet.as_str()));
        }
        let (ext, dialect) = match format {
            Format::Parquet => ("parquet", None),
            Format::Csv => ("csv", Some(Dialect::Plain)),
            Format::CsvExcelNl => ("csv", Some(Dialect::ExcelNl)),
        };
        let path = out.join(format!("{name}.{ext}"));
        match dialect {
            None => {
                ketenzicht_store::write_atomic(&path, |tmp| ketenzicht_store::parquet_io::write_parquet(tmp, &table))?
            }
            Some(dialect) => ketenzicht_store::write_atomic(&path, |tmp| {
                let file = std::fs::File::create(tmp).map_err(StoreError::io(tmp))?;
                let mut w = std::io::BufWriter::new(file);
                ketenzicht_store::csv::write_csv(&mut w, &table, dialect).map_err(StoreError::io(tmp))?;
                std::io::Write::flush(&mut w).map_err(StoreError::io(tmp))
            })?,
        }
        written.push((path, table.len()));
    }
    Ok(written)
}
