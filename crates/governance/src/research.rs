//! Research requests and consent. A request names the requester, the purpose, the legal
//! basis, whether consent is needed, and the fields asked for (by default the NZa field list
//! of Regeling Jeugdwet art. 8f). Each request has its own random key, so the pseudonyms of
//! two requests cannot be linked. Consent is per gemeente per request, given and revoked by a
//! gemeente account, with history.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use crate::{Governance, GovernanceError, check_gemeente};

/// The NZa field list (Regeling Jeugdwet art. 8f): the default template of a request.
pub const NZA_VELDEN: [&str; 13] = [
    "aanbieder",
    "bsn",
    "gemeente",
    "geboortejaar",
    "verwijzer",
    "jeugdhulpvorm",
    "toewijzingsdatum",
    "beoogde_start",
    "werkelijke_start",
    "einddatum",
    "reden_beeindiging",
    "bedrag",
    "volume",
];

/// The fields a request may ask for beyond the NZa list: the law, the product code and the
/// ToewijzingNummer (as a pseudonym).
pub const EXTRA_VELDEN: [&str; 3] = ["wet", "product_code", "toewijzingnummer"];

fn known_veld(v: &str) -> bool {
    NZA_VELDEN.contains(&v) || EXTRA_VELDEN.contains(&v)
}

/// A research request.
#[derive(Clone, PartialEq, Eq)]
pub struct Onderzoek {
    pub id: i64,
    /// Short name used on the command line and in the export (`nza-2026`).
    pub code: String,
    pub aanvrager: String,
    pub doel: String,
    pub grondslag: String,
    pub toestemming_nodig: bool,
    pub velden: Vec<String>,
    /// The request's own pseudonym key (32 bytes).
    pub sleutel: Vec<u8>,
    pub vastgelegd_door: String,
    pub vastgelegd_op: String,
}

impl std::fmt::Debug for Onderzoek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Onderzoek")
            .field("code", &self.code)
            .field("aanvrager", &self.aanvrager)
            .field("toestemming_nodig", &self.toestemming_nodig)
            .field("velden", &self.velden)
            .finish_non_exhaustive()
    }
}

/// One consent mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toestemming {
    pub onderzoek: String,
    pub gemeente: String,
    pub gegeven: bool,
    pub door: String,
    pub op: String,
}

type OnderzoekRow = (i64, String, String, String, String, bool, String, Vec<u8>, String, String);

impl Governance {
    /// Register a research request. `velden` empty means the NZa template.
    #[allow(clippy::too_many_arguments)]
    pub fn add_onderzoek(
        &self,
        code: &str,
        aanvrager: &str,
        doel: &str,
        grondslag: &str,
        toestemming_nodig: bool,
        velden: &[String],
        door: &str,
        nu: NaiveDateTime,
    ) -> Result<Onderzoek, GovernanceError> {
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(GovernanceError::Invalid(format!("request code {code:?}: letters, digits and -")));
        }
        for (what, value) in [("aanvrager", aanvrager), ("doel", doel), ("grondslag", grondslag)] {
            if value.trim().is_empty() {
                return Err(GovernanceError::Invalid(format!("a research request needs a {what}")));
            }
        }
        let velden: Vec<String> =
            if velden.is_empty() { NZA_VELDEN.iter().map(|v| v.to_string()).collect() } else { velden.to_vec() };
        if let Some(v) = velden.iter().find(|v| !known_veld(v)) {
            let all = NZA_VELDEN.iter().chain(&EXTRA_VELDEN).copied().collect::<Vec<_>>().join(", ");
            return Err(GovernanceError::Invalid(format!("unknown field {v:?}; the fields are {all}")));
        }
        let mut sleutel = vec![0u8; 32];
        getrandom::fill(&mut sleutel).map_err(|e| GovernanceError::Random(e.to_string()))?;
        let op = nu.format("%Y-%m-%dT%H:%M:%S").to_string();
        self.conn
            .execute(
                "INSERT INTO onderzoek (code, aanvrager, doel, grondslag, toestemming_nodig, velden, sleutel, vastgelegd_door, vastgelegd_op)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![code, aanvrager, doel, grondslag, toestemming_nodig, velden.join(","), sleutel, door, op],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    GovernanceError::Invalid(format!("a research request {code:?} exists already"))
                }
                e => GovernanceError::Sql { path: self.path.clone(), source: e },
            })?;
        self.onderzoek(code)?.ok_or_else(|| GovernanceError::Invalid(format!("request {code} was not stored")))
    }

    fn onderzoeken_where(&self, code: Option<&str>) -> Result<Vec<Onderzoek>, GovernanceError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, code, aanvrager, doel, grondslag, toestemming_nodig, velden, sleutel, vastgelegd_door, vastgelegd_op
                 FROM onderzoek WHERE ?1 IS NULL OR code = ?1 ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows: Vec<OnderzoekRow> = stmt
            .query_map([code], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        Ok(rows
            .into_iter()
            .map(|(id, code, aanvrager, doel, grondslag, toestemming_nodig, velden, sleutel, door, op)| Onderzoek {
                id,
                code,
                aanvrager,
                doel,
                grondslag,
                toestemming_nodig,
                velden: velden.split(',').filter(|v| !v.is_empty()).map(str::to_owned).collect(),
                sleutel,
                vastgelegd_door: door,
                vastgelegd_op: op,
            })
            .collect())
    }

    pub fn onderzoeken(&self) -> Result<Vec<Onderzoek>, GovernanceError> {
        self.onderzoeken_where(None)
    }

    pub fn onderzoek(&self, code: &str) -> Result<Option<Onderzoek>, GovernanceError> {
        Ok(self.onderzoeken_where(Some(code))?.into_iter().next())
    }

    /// Give (`gegeven`) or revoke consent of `gemeente` for request `code`.
    pub fn set_toestemming(
        &self,
        code: &str,
        gemeente: &str,
        gegeven: bool,
        door: &str,
        nu: NaiveDateTime,
    ) -> Result<Toestemming, GovernanceError> {
        check_gemeente(gemeente)?;
        let o =
            self.onderzoek(code)?.ok_or_else(|| GovernanceError::Invalid(format!("no research request {code:?}")))?;
        let op = nu.format("%Y-%m-%dT%H:%M:%S").to_string();
        self.conn
            .execute(
                "INSERT INTO toestemming_mutatie (onderzoek, gemeente, gegeven, door, op) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![o.id, gemeente, gegeven, door, op],
            )
            .map_err(self.sql())?;
        Ok(Toestemming {
            onderzoek: code.to_owned(),
            gemeente: gemeente.to_owned(),
            gegeven,
            door: door.to_owned(),
            op,
        })
    }

    /// Whether `gemeente` consents to request `code` now (its latest mutation).
    pub fn toestemming(&self, code: &str, gemeente: &str) -> Result<bool, GovernanceError> {
        let last: Option<bool> = self
            .conn
            .query_row(
                "SELECT t.gegeven FROM toestemming_mutatie t JOIN onderzoek o ON o.id = t.onderzoek
                 WHERE o.code = ?1 AND t.gemeente = ?2 ORDER BY t.id DESC LIMIT 1",
                params![code, gemeente],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        Ok(last.unwrap_or(false))
    }

    /// The gemeenten consenting to request `code` now.
    pub fn consenting(&self, code: &str) -> Result<BTreeSet<String>, GovernanceError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.gemeente, t.gegeven FROM toestemming_mutatie t JOIN onderzoek o ON o.id = t.onderzoek
                 WHERE o.code = ?1 ORDER BY t.id",
            )
            .map_err(self.sql())?;
        let rows: Vec<(String, bool)> = stmt
            .query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?
            .collect::<Result<_, _>>()
            .map_err(self.sql())?;
        let mut out = BTreeSet::new();
        for (g, gegeven) in rows {
            if gegeven {
                out.insert(g);
            } else {
                out.remove(&g);
            }
        }
        Ok(out)
    }

    /// The consent history of one request.
    pub fn toestemmingen(&self, code: &str) -> Result<Vec<Toestemming>, GovernanceError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.gemeente, t.gegeven, t.door, t.op FROM toestemming_mutatie t JOIN onderzoek o ON o.id = t.onderzoek
                 WHERE o.code = ?1 ORDER BY t.id",
            )
            .map_err(self.sql())?;
        stmt.query_map([code], |r| {
            Ok(Toestemming {
                onderzoek: code.to_owned(),
                gemeente: r.get(0)?,
                gegeven: r.get(1)?,
                door: r.get(2)?,
                op: r.get(3)?,
            })
        })
        .map_err(self.sql())?
        .collect::<Result<_, _>>()
        .map_err(self.sql())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_per_gemeente_and_revocable_and_keys_differ_per_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = Governance::open(dir.path()).expect("open");
        let nu = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("t");
        let a = g
            .add_onderzoek("nza-2026", "NZa", "stelselonderzoek", "Jeugdwet 9a.1", true, &[], "beheer", nu)
            .expect("a");
        let b = g.add_onderzoek("cpb-2026", "CPB", "kosten", "toestemming", true, &[], "beheer", nu).expect("b");
        assert_eq!(a.velden.len(), NZA_VELDEN.len());
        assert_ne!(a.sleutel, b.sleutel);
        assert_eq!(a.sleutel.len(), 32);
        assert!(g.add_onderzoek("nza-2026", "x", "y", "z", true, &[], "b", nu).is_err());
        assert!(g.add_onderzoek("x", "x", "y", "z", true, &["naam".into()], "b", nu).is_err());
        g.set_toestemming("nza-2026", "0363", true, "gem-0363", nu).expect("give");
        g.set_toestemming("nza-2026", "0518", true, "gem-0518", nu).expect("give");
        g.set_toestemming("nza-2026", "0518", false, "gem-0518", nu).expect("revoke");
        assert_eq!(g.consenting("nza-2026").expect("c").into_iter().collect::<Vec<_>>(), ["0363"]);
        assert!(g.toestemming("nza-2026", "0363").expect("t"));
        assert!(!g.toestemming("cpb-2026", "0363").expect("t"));
        assert_eq!(g.toestemmingen("nza-2026").expect("h").len(), 3);
    }
}
