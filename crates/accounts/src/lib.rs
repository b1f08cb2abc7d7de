//! Accounts and what they may see. An account has a role: *gemeente* (one gemeente), *regio*
//! (a regional partnership: gemeenten with a membership valid over periods, starting from the
//! jeugdzorgregio's of the CBS list) or *beheerder* (manages accounts; no client data).
//! Passwords are argon2id hashes; sessions and read-only API tokens are random 256-bit
//! secrets of which only the SHA-256 is stored.
//!
//! [`Accounts::scope`] is the one function that turns an account into the set of gemeenten it
//! may see; the web layer passes every query through it.

use std::path::{Path, PathBuf};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{}: {source}", path.display())]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("account {0:?} already exists")]
    Exists(String),
    #[error("no account {0:?}")]
    Unknown(String),
    #[error("{0}")]
    Invalid(String),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("no randomness: {0}")]
    Random(String),
}

/// What an account is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rol {
    Gemeente(String),
    Regio(String),
    Beheerder,
}

impl Rol {
    pub fn naam(&self) -> &'static str {
        match self {
            Rol::Gemeente(_) => "gemeente",
            Rol::Regio(_) => "regio",
            Rol::Beheerder => "beheerder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub naam: String,
    pub rol: Rol,
}

/// A logged-in session: the account and the token forms must carry (CSRF).
#[derive(Debug, Clone)]
pub struct Sessie {
    pub account: Account,
    pub csrf: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS account (
    id INTEGER PRIMARY KEY,
    naam TEXT NOT NULL UNIQUE,
    wachtwoord TEXT NOT NULL,
    rol TEXT NOT NULL CHECK (rol IN ('gemeente', 'regio', 'beheerder')),
    gemeente TEXT,
    regio TEXT,
    aangemaakt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessie (
    token BLOB PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    verloopt TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_token (
    token BLOB PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    omschrijving TEXT NOT NULL,
    aangemaakt TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aanlevertoken (
    token BLOB PRIMARY KEY,
    omschrijving TEXT NOT NULL UNIQUE,
    aangemaakt TEXT NOT NULL,
    ingetrokken TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS regio_lid (
    regio TEXT NOT NULL,
    gemeente TEXT NOT NULL,
    van TEXT NOT NULL,
    tot TEXT,
    PRIMARY KEY (regio, gemeente, van)
) WITHOUT ROWID;
";

/// How long a session lasts without use (extended at most once a minute).
pub const SESSIE_DUUR: chrono::Duration = chrono::Duration::hours(8);

/// The prefix of API tokens, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "kz_";

/// The prefix of intake tokens: they deliver traffic and read nothing.
pub const AANLEVER_PREFIX: &str = "kza_";

/// An intake token, as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aanlevertoken {
    pub omschrijving: String,
    pub aangemaakt: String,
    pub ingetrokken: Option<String>,
}

#[derive(Debug)]
pub struct Accounts {
    conn: Connection,
    path: PathBuf,
}

fn random_hex() -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn text_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl Accounts {
    /// Open (or create) the account tables in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<Self, AccountError> {
        let sql = |source| AccountError::Sql { path: path.to_owned(), source };
        let conn = ketenzicht_sqlite::open(path).map_err(sql)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        Ok(Accounts { conn, path: path.to_owned() })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> AccountError + '_ {
        |source| AccountError::Sql { path: self.path.clone(), source }
    }

    /// Add an account. The password must have at least 12 characters.
    pub fn add(&self, naam: &str, wachtwoord: &str, rol: &Rol, nu: NaiveDateTime) -> Result<Account, AccountError> {
        if naam.trim().is_empty() || naam.len() > 100 {
            return Err(AccountError::Invalid("a name has 1 to 100 characters".into()));
        }
        if wachtwoord.chars().count() < 12 {
            return Err(AccountError::Invalid("a password has at least 12 characters".into()));
        }
        if let Rol::Gemeente(g) = rol
            && (g.len() != 4 || !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(AccountError::Invalid(format!("gemeente {g:?} is not a four-digit CBS code")));
        }
        if self.find(naam)?.is_some() {
            return Err(AccountError::Exists(naam.to_owned()));
        }
        let hash = hash_password(wachtwoord)?;
        let (gemeente, regio) = match rol {
            Rol::Gemeente(g) => (Some(g.as_str()), None),
            Rol::Regio(r) => (None, Some(r.as_str())),
            Rol::Beheerder => (None, None),
        };
        self.conn
            .execute(
                "INSERT INTO account (naam, wachtwoord, rol, gemeente, regio, aangemaakt) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![naam, hash, rol.naam(), gemeente, regio, text_time(nu)],
            )
            .map_err(self.sql())?;
        self.find(naam)?.ok_or_else(|| AccountError::Unknown(naam.to_owned()))
    }

    fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
        let rol: String = row.get(2)?;
        let rol = match rol.as_str() {
            "gemeente" => Rol::Gemeente(row.get::<_, Option<String>>(3)?.unwrap_or_default()),
            "regio" => Rol::Regio(row.get::<_, Option<String>>(4)?.unwrap_or_default()),
            _ => Rol::Beheerder,
        };
        Ok(Account { id: row.get(0)?, naam: row.get(1)?, rol })
    }

    pub fn find(&self, naam: &str) -> Result<Option<Account>, AccountError> {
        self.conn
            .query_row(
                "SELECT id, naam, rol, gemeente, regio FROM account WHERE naam = ?1",
                [naam],
                Self::account_from_row,
            )
            .optional()
            .map_err(self.sql())
    }

    pub fn list(&self) -> Result<Vec<Account>, AccountError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, naam, rol, gemeente, regio FROM account ORDER BY naam")
            .map_err(self.sql())?;
        let rows = stmt.query_map([], Self::account_from_row).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The stored password hash of an account (to verify outside any lock: argon2 is slow on purpose).
    pub fn password_hash(&self, naam: &str) -> Result<Option<(Account, String)>, AccountError> {
        let hash: Option<String> = self
            .conn
            .query_row("SELECT wachtwoord FROM account WHERE naam = ?1", [naam], |r| r.get(0))
            .optional()
            .map_err(self.sql())?;
        Ok(match (self.find(naam)?, hash) {
            (Some(a), Some(h)) => Some((a, h)),
            _ => None,
        })
    }

    /// Start a session; returns its secret token (for the cookie).
    pub fn start_session(&self, account: &Account, nu: NaiveDateTime) -> Result<String, AccountError> {
        let token = random_hex()?;
        self.conn
            .execute(
                "INSERT INTO sessie (token, account, csrf, verloopt) VALUES (?1, ?2, ?3, ?4)",
                params![digest(&token), account.id, random_hex()?, text_time(nu + SESSIE_DUUR)],
            )
            .map_err(self.sql())?;
        Ok(token)
    }

    /// The session of a token, if it exists and has not expired; using it extends it.
    pub fn session(&self, token: &str, nu: NaiveDateTime) -> Result<Option<Sessie>, AccountError> {
        let key = digest(token);
        let row: Option<(i64, String, String)> = self
            .conn
            .query_row("SELECT account, csrf, verloopt FROM sessie WHERE token = ?1", [&key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(self.sql())?;
        let Some((account, csrf, verloopt)) = row else { return Ok(None) };
        if verloopt < text_time(nu) {
            self.conn.execute("DELETE FROM sessie WHERE token = ?1", [&key]).map_err(self.sql())?;
            return Ok(None);
        }
        // Extend the session, but write at most once a minute: every request passes here.
        let verlengd = text_time(nu + SESSIE_DUUR);
        if verloopt < text_time(nu + SESSIE_DUUR - chrono::Duration::minutes(1)) {
            self.conn
                .execute("UPDATE sessie SET verloopt = ?1 WHERE token = ?2", params![verlengd, key])
                .map_err(self.sql())?;
        }
        let account = self
            .conn
            .query_row(
                "SELECT id, naam, rol, gemeente, regio FROM account WHERE id = ?1",
                [account],
                Self::account_from_row,
            )
            .optional()
            .map_err(self.sql())?;
        Ok(account.map(|account| Sessie { account, csrf }))
    }

    pub fn end_session(&self, token: &str) -> Result<(), AccountError> {
        self.conn.execute("DELETE FROM sessie WHERE token = ?1", [digest(token)]).map_err(self.sql())?;
        Ok(())
    }

    /// Create a read-only API token for an account (scoped like the account); returns the
    /// secret, which is shown once.
    pub fn create_token(
        &self,
        account: &Account,
        omschrijving: &str,
        nu: NaiveDateTime,
    ) -> Result<String, AccountError> {
        let token = format!("{TOKEN_PREFIX}{}", random_hex()?);
        self.conn
            .execute(
                "INSERT INTO api_token (token, account, omschrijving, aangemaakt) VALUES (?1, ?2, ?3, ?4)",
                params![digest(&token), account.id, omschrijving, text_time(nu)],
            )
            .map_err(self.sql())?;
        Ok(token)
    }

    /// The account of an API token.
    pub fn token(&self, token: &str) -> Result<Option<Account>, AccountError> {
        self.conn
            .query_row(
                "SELECT a.id, a.naam, a.rol, a.gemeente, a.regio FROM api_token t JOIN account a ON a.id = t.account WHERE t.token = ?1",
                [digest(token)],
                Self::account_from_row,
            )
            .optional()
            .map_err(self.sql())
    }

    /// Create a token for the HTTP intake (the knooppunt's connection, or a gemeente's
    /// supplier of files), named by `omschrijving`; returns the secret, which is shown once.
    /// It can deliver traffic and nothing else: no account stands behind it.
    pub fn create_aanlevertoken(&self, omschrijving: &str, nu: NaiveDateTime) -> Result<String, AccountError> {
        let token = format!("{AANLEVER_PREFIX}{}", random_hex()?);
        self.conn
            .execute(
                "INSERT INTO aanlevertoken (token, omschrijving, aangemaakt) VALUES (?1, ?2, ?3)",
                params![digest(&token), omschrijving, text_time(nu)],
            )
            .map_err(self.sql())?;
        Ok(token)
    }

    /// The name of a valid (not withdrawn) intake token.
    pub fn aanlevertoken(&self, token: &str) -> Result<Option<String>, AccountError> {
        if !token.starts_with(AANLEVER_PREFIX) {
            return Ok(None);
        }
        self.conn
            .query_row(
                "SELECT omschrijving FROM aanlevertoken WHERE token = ?1 AND ingetrokken IS NULL",
                [digest(token)],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Every intake token, withdrawn ones included.
    pub fn aanlevertokens(&self) -> Result<Vec<Aanlevertoken>, AccountError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT omschrijving, aangemaakt, ingetrokken FROM aanlevertoken ORDER BY aangemaakt, omschrijving",
            )
            .map_err(self.sql())?;
        stmt.query_map([], |r| {
            Ok(Aanlevertoken { omschrijving: r.get(0)?, aangemaakt: r.get(1)?, ingetrokken: r.get(2)? })
        })
        .map_err(self.sql())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(self.sql())
    }

    /// Withdraw an intake token; false when there is no such token in force.
    pub fn withdraw_aanlevertoken(&self, omschrijving: &str, nu: NaiveDateTime) -> Result<bool, AccountError> {
        let n = self
            .conn
            .execute(
                "UPDATE aanlevertoken SET ingetrokken = ?2 WHERE omschrijving = ?1 AND ingetrokken IS NULL",
                params![omschrijving, text_time(nu)],
            )
            .map_err(self.sql())?;
        Ok(n > 0)
    }

    /// Seed the regional partnerships from the jeugdzorgregio's of the CBS list, valid from
    /// `van`, for regio's that have no members yet.
    pub fn seed_regios(
        &self,
        gemeenten: &ketenzicht_gemeenten::Gemeenten,
        van: NaiveDate,
    ) -> Result<usize, AccountError> {
        let mut added = 0;
        for regio in gemeenten.regios() {
            let has: bool = self
                .conn
                .query_row("SELECT COUNT(*) > 0 FROM regio_lid WHERE regio = ?1", [regio], |r| r.get(0))
                .map_err(self.sql())?;
            if has {
                continue;
            }
            for g in gemeenten.leden(regio) {
                self.add_lid(regio, g, van, None)?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// A gemeente is a member of a regio from `van` until `tot` (exclusive; `None`: open).
    pub fn add_lid(
        &self,
        regio: &str,
        gemeente: &str,
        van: NaiveDate,
        tot: Option<NaiveDate>,
    ) -> Result<(), AccountError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO regio_lid (regio, gemeente, van, tot) VALUES (?1, ?2, ?3, ?4)",
                params![regio, gemeente, van.to_string(), tot.map(|t| t.to_string())],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// The gemeenten that are members of a regio on `dag`.
    pub fn leden(&self, regio: &str, dag: NaiveDate) -> Result<Vec<String>, AccountError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT gemeente FROM regio_lid WHERE regio = ?1 AND van <= ?2 AND (tot IS NULL OR tot > ?2) ORDER BY gemeente",
            )
            .map_err(self.sql())?;
        let rows = stmt.query_map(params![regio, dag.to_string()], |r| r.get(0)).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// **The** scope of an account on `dag`: the gemeenten whose data it may see. A beheerder
    /// sees no client data.
    pub fn scope(&self, account: &Account, dag: NaiveDate) -> Result<Vec<String>, AccountError> {
        match &account.rol {
            Rol::Gemeente(g) => Ok(vec![g.clone()]),
            Rol::Regio(r) => self.leden(r, dag),
            Rol::Beheerder => Ok(Vec::new()),
        }
    }
}

/// The argon2id hash of a password, with a random salt, as a PHC string.
pub fn hash_password(wachtwoord: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(argon2::Argon2::default()
        .hash_password(wachtwoord.as_bytes(), &salt)
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string())
}

/// Check a password against a stored argon2 hash.
pub fn verify_password(wachtwoord: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2::Argon2::default().verify_password(wachtwoord.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nu() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 28).and_then(|d| d.and_hms_opt(12, 0, 0)).expect("time")
    }

    #[test]
    fn accounts_sessions_tokens_and_scopes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = Accounts::open(&dir.path().join("a.sqlite")).expect("open");
        let utrecht = a.add("utrecht", "correct horse battery", &Rol::Gemeente("0344".into()), nu()).expect("add");
        assert!(matches!(
            a.add("utrecht", "correct horse battery", &Rol::Beheerder, nu()),
            Err(AccountError::Exists(_))
        ));
        assert!(matches!(a.add("kort", "te kort", &Rol::Beheerder, nu()), Err(AccountError::Invalid(_))));
        let (_, hash) = a.password_hash("utrecht").expect("query").expect("account");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));

        let token = a.start_session(&utrecht, nu()).expect("session");
        let s = a.session(&token, nu() + chrono::Duration::hours(7)).expect("query").expect("alive");
        assert_eq!(s.account, utrecht);
        // Used at 7 h, so it lasts until 15 h; at 16 h it has expired.
        assert!(a.session(&token, nu() + chrono::Duration::hours(14)).expect("query").is_some());
        assert!(a.session(&token, nu() + chrono::Duration::hours(23)).expect("query").is_none());
        assert!(a.session("not a token", nu()).expect("query").is_none());

        let api = a.create_token(&utrecht, "Power BI", nu()).expect("token");
        assert!(api.starts_with(TOKEN_PREFIX));
        assert_eq!(a.token(&api).expect("query"), Some(utrecht.clone()));
        assert_eq!(a.token("kz_00").expect("query"), None);

        // An intake token is no API token and reads nothing; withdrawn, it delivers nothing.
        let intake = a.create_aanlevertoken("knooppunt", nu()).expect("intake token");
        assert!(intake.starts_with(AANLEVER_PREFIX));
        assert_eq!(a.aanlevertoken(&intake).expect("query").as_deref(), Some("knooppunt"));
        assert_eq!(a.token(&intake).expect("query"), None);
        assert_eq!(a.aanlevertoken(&api).expect("query"), None);
        assert!(a.create_aanlevertoken("knooppunt", nu()).is_err(), "names are unique");
        assert!(a.withdraw_aanlevertoken("knooppunt", nu()).expect("withdraw"));
        assert!(!a.withdraw_aanlevertoken("knooppunt", nu()).expect("withdraw twice"));
        assert_eq!(a.aanlevertoken(&intake).expect("query"), None);
        assert_eq!(a.aanlevertokens().expect("list")[0].ingetrokken.as_deref(), Some("2026-11-28T12:00:00"));

        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        a.add_lid("Voorbeeld", "0001", d(2020, 1, 1), None).expect("lid");
        a.add_lid("Voorbeeld", "0002", d(2020, 1, 1), Some(d(2025, 1, 1))).expect("lid");
        a.add_lid("Voorbeeld", "0003", d(2025, 1, 1), None).expect("lid");
        let regio = a.add("regio", "correct horse battery", &Rol::Regio("Voorbeeld".into()), nu()).expect("add");
        assert_eq!(a.scope(&regio, d(2024, 6, 1)).expect("scope"), ["0001", "0002"]);
        assert_eq!(a.scope(&regio, d(2025, 6, 1)).expect("scope"), ["0001", "0003"]);
        assert_eq!(a.scope(&utrecht, d(2025, 6, 1)).expect("scope"), ["0344"]);
        let beheer = a.add("beheer", "correct horse battery", &Rol::Beheerder, nu()).expect("add");
        assert!(a.scope(&beheer, d(2025, 6, 1)).expect("scope").is_empty());
    }
}
