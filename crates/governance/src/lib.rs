//! What the processor may do, and on whose order. ketenzicht processes a gemeente's traffic
//! only on its explicit order (opdracht), per product:
//!
//! * [`orders`]: the products, and the orders per gemeente and product as a history of
//!   mutations (aanmelding, mutatie, beëindiging), each with its date, who gave it on the
//!   gemeente's behalf and who recorded it. What an order admits is [`Toelating`]: the traffic
//!   of a gemeente and law is stored only under a current order for a product that needs that
//!   law, and an order given after the history deadline admits data from its date on only.
//! * [`research`]: research requests (requester, purpose, legal basis, whether consent is
//!   needed, the fields) and each gemeente's consent, given and revoked with history.
//!
//! The registers live in the store's SQLite file next to the ledger, in tables of their own.
//! Products are rows, so a new product needs no schema change.

pub mod orders;
pub mod research;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

pub use orders::{Mutatie, Opdracht, Parts, Periode, Product, Soort, Toelating, dashboards, unlocks};
pub use research::{Onderzoek, Toestemming};

#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    #[error("{}: {source}", path.display())]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("{0}")]
    Invalid(String),
    #[error("no randomness: {0}")]
    Random(String),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS product (
    code TEXT PRIMARY KEY,
    naam TEXT NOT NULL,
    wetten TEXT NOT NULL,
    onderdelen TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS opdracht_mutatie (
    id INTEGER PRIMARY KEY,
    gemeente TEXT NOT NULL,
    product TEXT NOT NULL REFERENCES product (code),
    soort TEXT NOT NULL CHECK (soort IN ('aanmelding', 'mutatie', 'beeindiging')),
    datum TEXT NOT NULL,
    gegeven_door TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    vastgelegd_door TEXT NOT NULL,
    vastgelegd_op TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS opdracht_mutatie_gemeente ON opdracht_mutatie (gemeente, product, id);
CREATE TABLE IF NOT EXISTS instelling (
    naam TEXT PRIMARY KEY,
    waarde TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS onderzoek (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    aanvrager TEXT NOT NULL,
    doel TEXT NOT NULL,
    grondslag TEXT NOT NULL,
    toestemming_nodig INTEGER NOT NULL,
    velden TEXT NOT NULL,
    sleutel BLOB NOT NULL,
    vastgelegd_door TEXT NOT NULL,
    vastgelegd_op TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS toestemming_mutatie (
    id INTEGER PRIMARY KEY,
    onderzoek INTEGER NOT NULL REFERENCES onderzoek (id),
    gemeente TEXT NOT NULL,
    gegeven INTEGER NOT NULL,
    door TEXT NOT NULL,
    op TEXT NOT NULL
);
";

/// The part that is the Ketendata export (the others are dashboards).
pub const KETENDATA: &str = "ketendata";

/// The parts of ketenzicht a product unlocks: `ketendata` (the Ketendata export) and the
/// dashboards by their path (their indicators and drill-downs with them).
pub const ONDERDELEN: [&str; 8] = [
    KETENDATA,
    "overzicht",
    "retourberichten",
    "doorlooptijden",
    "termijnen",
    "aanbieders",
    "trajecten",
    "datakwaliteit",
];

/// The products every store starts with (`code`, name, laws, the parts they unlock).
pub const STANDAARD_PRODUCTEN: [(&str, &str, &str, &str); 4] = [
    ("ketendata-iwmo", "Ketendata iWmo", "iWmo", "ketendata"),
    ("ketendata-ijw", "Ketendata iJw", "iJw", "ketendata"),
    ("procesinformatie-jeugdzorg", "Procesinformatie Jeugdzorg", "iJw", "doorlooptijden,trajecten"),
    (
        "monitor-stuurinformatie",
        "Monitor- en stuurinformatie dashboards",
        "iWmo,iJw",
        "overzicht,retourberichten,doorlooptijden,termijnen,aanbieders,trajecten,datakwaliteit",
    ),
];

/// The setting with the date by which existing history needs an order (`JJJJ-MM-DD`).
pub const HISTORIE_DEADLINE: &str = "historie_deadline";
/// The setting with the retention period in years (default [`BEWAARTERMIJN_JAREN`]).
pub const BEWAARTERMIJN: &str = "bewaartermijn_jaren";
pub const BEWAARTERMIJN_JAREN: u32 = 4;

/// The registers of one store.
#[derive(Debug)]
pub struct Governance {
    conn: Connection,
    path: PathBuf,
}

impl Governance {
    /// Open the registers in the SQLite file of the store at `store`.
    pub fn open(store: &Path) -> Result<Self, GovernanceError> {
        std::fs::create_dir_all(store).map_err(|e| GovernanceError::Invalid(format!("{}: {e}", store.display())))?;
        let path = store.join("ketenzicht.sqlite");
        let sql = |source| GovernanceError::Sql { path: path.clone(), source };
        let conn = ketenzicht_sqlite::open(&path).map_err(sql)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;").map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        for (code, naam, wetten, onderdelen) in STANDAARD_PRODUCTEN {
            conn.execute(
                "INSERT OR IGNORE INTO product (code, naam, wetten, onderdelen) VALUES (?1, ?2, ?3, ?4)",
                params![code, naam, wetten, onderdelen],
            )
            .map_err(sql)?;
        }
        Ok(Governance { conn, path })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> GovernanceError + '_ {
        |source| GovernanceError::Sql { path: self.path.clone(), source }
    }

    /// Changes by other connections to the SQLite file since this one opened bump this number
    /// (`PRAGMA data_version`); a cache of the registers is current while it stays the same.
    pub fn data_version(&self) -> Result<i64, GovernanceError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(self.sql())
    }

    pub fn setting(&self, naam: &str) -> Result<Option<String>, GovernanceError> {
        self.conn
            .query_row("SELECT waarde FROM instelling WHERE naam = ?1", [naam], |r| r.get(0))
            .optional()
            .map_err(self.sql())
    }

    pub fn set_setting(&self, naam: &str, waarde: &str) -> Result<(), GovernanceError> {
        self.conn
            .execute(
                "INSERT INTO instelling (naam, waarde) VALUES (?1, ?2) ON CONFLICT (naam) DO UPDATE SET waarde = ?2",
                params![naam, waarde],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The history deadline, when one is set.
    pub fn deadline(&self) -> Result<Option<NaiveDate>, GovernanceError> {
        self.setting(HISTORIE_DEADLINE)?.map(|d| parse_date(&d, HISTORIE_DEADLINE)).transpose()
    }

    /// The retention period in years.
    pub fn bewaartermijn(&self) -> Result<u32, GovernanceError> {
        match self.setting(BEWAARTERMIJN)? {
            Some(v) => v.parse().ok().filter(|&y| y > 0).ok_or_else(|| {
                GovernanceError::Invalid(format!("setting {BEWAARTERMIJN} = {v:?} is not a number of years"))
            }),
            None => Ok(BEWAARTERMIJN_JAREN),
        }
    }
}

pub fn parse_date(text: &str, what: &str) -> Result<NaiveDate, GovernanceError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| GovernanceError::Invalid(format!("{what}: {text:?} is not a date (JJJJ-MM-DD)")))
}

/// A gemeentecode: four digits.
pub fn check_gemeente(gemeente: &str) -> Result<(), GovernanceError> {
    if gemeente.len() == 4 && gemeente.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(GovernanceError::Invalid(format!("{gemeente:?} is not a gemeentecode (four digits)")))
    }
}
