//! A research export: Ketendata of the gemeenten that may be included, pseudonymised for one
//! request.
//!
//! * The client and the ToewijzingNummer become a keyed hash (HMAC-SHA256) under the request's
//!   own key: the same client has the same pseudonym in every table of one export, and another
//!   pseudonym in the export of another request, so two requests cannot be linked. The input
//!   of the hash is the store's own pseudonym of the client, never the BSN itself.
//! * Birth year only; no names, addresses or Commentaar (Ketendata holds none).
//! * Only the fields the request asks for.
//! * `aggregaat.csv` counts per gemeente, law and productcategorie; a count under
//!   [`MIN_CEL`] is left empty (suppressed).
//! * `manifest.json` names the request, the gemeenten included and excluded (and why), and
//!   each file with its row count and SHA-256.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use ketenzicht_governance::Onderzoek;
use ketenzicht_store::csv::Dialect;
use ketenzicht_store::pseudonym::hex;
use ketenzicht_store::{Kind, Lake, Pseudonymizer, Table, Value};
use sha2::{Digest, Sha256};

/// Cells with fewer than this many are suppressed in aggregates.
pub const MIN_CEL: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    #[error(transparent)]
    Ketendata(#[from] ketenzicht_ketendata::KetendataError),
    #[error(transparent)]
    Store(#[from] ketenzicht_store::StoreError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct ExportSummary {
    pub gemeenten: Vec<String>,
    /// (file name, rows, sha256)
    pub bestanden: Vec<(String, usize, String)>,
}

/// One output column: its name, the field of the request that allows it, and where it comes from.
struct Col {
    name: &'static str,
    veld: &'static str,
    kind: Kind,
    bron: Bron,
}

enum Bron {
    /// A Ketendata column as it is.
    Kolom(&'static str),
    /// The client's pseudonym for this request.
    Client,
    /// The ToewijzingNummer's pseudonym for this request.
    Toewijzing,
    /// The type of referrer of the VOT the toewijzing answered (by ReferentieAanbieder).
    Verwijzer,
}

/// Per (wet, aanbieder, ReferentieAanbieder): the type of referrer of that VOT product.
type Verwijzers = std::collections::HashMap<(String, String, String), String>;

fn verwijzers(verzoeken: &Table) -> Verwijzers {
    let mut out = Verwijzers::new();
    for row in &verzoeken.rows {
        let t = text(row, verzoeken, "verwijzer_type");
        if !t.is_empty() {
            let key = (
                text(row, verzoeken, "wet"),
                text(row, verzoeken, "aanbieder"),
                text(row, verzoeken, "referentie_aanbieder"),
            );
            out.insert(key, t);
        }
    }
    out
}

const TOEWIJZINGEN: [Col; 12] = [
    Col { name: "client", veld: "bsn", kind: Kind::Text, bron: Bron::Client },
    Col { name: "toewijzing", veld: "toewijzingnummer", kind: Kind::Text, bron: Bron::Toewijzing },
    Col { name: "gemeente", veld: "gemeente", kind: Kind::Text, bron: Bron::Kolom("gemeente") },
    Col { name: "wet", veld: "wet", kind: Kind::Text, bron: Bron::Kolom("wet") },
    Col { name: "aanbieder", veld: "aanbieder", kind: Kind::Text, bron: Bron::Kolom("aanbieder") },
    Col { name: "geboortejaar", veld: "geboortejaar", kind: Kind::Int, bron: Bron::Kolom("geboortejaar") },
    Col { name: "verwijzer", veld: "verwijzer", kind: Kind::Text, bron: Bron::Verwijzer },
    Col { name: "jeugdhulpvorm", veld: "jeugdhulpvorm", kind: Kind::Text, bron: Bron::Kolom("product_categorie") },
    Col { name: "product_code", veld: "product_code", kind: Kind::Text, bron: Bron::Kolom("product_code") },
    Col { name: "toewijzingsdatum", veld: "toewijzingsdatum", kind: Kind::Date, bron: Bron::Kolom("toewijzingsdatum") },
    Col { name: "beoogde_start", veld: "beoogde_start", kind: Kind::Date, bron: Bron::Kolom("ingangsdatum") },
    Col { name: "einddatum_toewijzing", veld: "einddatum", kind: Kind::Date, bron: Bron::Kolom("einddatum") },
];

const REGIE: [Col; 9] = [
    Col { name: "client", veld: "bsn", kind: Kind::Text, bron: Bron::Client },
    Col { name: "toewijzing", veld: "toewijzingnummer", kind: Kind::Text, bron: Bron::Toewijzing },
    Col { name: "gemeente", veld: "gemeente", kind: Kind::Text, bron: Bron::Kolom("gemeente") },
    Col { name: "wet", veld: "wet", kind: Kind::Text, bron: Bron::Kolom("wet") },
    Col { name: "aanbieder", veld: "aanbieder", kind: Kind::Text, bron: Bron::Kolom("aanbieder") },
    Col { name: "soort", veld: "werkelijke_start", kind: Kind::Text, bron: Bron::Kolom("soort") },
    Col { name: "werkelijke_start", veld: "werkelijke_start", kind: Kind::Date, bron: Bron::Kolom("begindatum") },
    Col { name: "einddatum", veld: "einddatum", kind: Kind::Date, bron: Bron::Kolom("einddatum") },
    Col {
        name: "reden_beeindiging",
        veld: "reden_beeindiging",
        kind: Kind::Text,
        bron: Bron::Kolom("reden_beeindiging"),
    },
];

const DECLARATIES: [Col; 11] = [
    Col { name: "client", veld: "bsn", kind: Kind::Text, bron: Bron::Client },
    Col { name: "toewijzing", veld: "toewijzingnummer", kind: Kind::Text, bron: Bron::Toewijzing },
    Col { name: "gemeente", veld: "gemeente", kind: Kind::Text, bron: Bron::Kolom("gemeente") },
    Col { name: "wet", veld: "wet", kind: Kind::Text, bron: Bron::Kolom("wet") },
    Col { name: "aanbieder", veld: "aanbieder", kind: Kind::Text, bron: Bron::Kolom("aanbieder") },
    Col { name: "jeugdhulpvorm", veld: "jeugdhulpvorm", kind: Kind::Text, bron: Bron::Kolom("product_categorie") },
    Col { name: "periode_begin", veld: "volume", kind: Kind::Date, bron: Bron::Kolom("periode_begin") },
    Col { name: "periode_eind", veld: "volume", kind: Kind::Date, bron: Bron::Kolom("periode_eind") },
    Col { name: "geleverd_volume", veld: "volume", kind: Kind::Int, bron: Bron::Kolom("geleverd_volume") },
    Col { name: "eenheid", veld: "volume", kind: Kind::Text, bron: Bron::Kolom("eenheid") },
    Col { name: "bedrag", veld: "bedrag", kind: Kind::Int, bron: Bron::Kolom("ingediend_bedrag") },
];

fn text(row: &[Value], t: &Table, name: &str) -> String {
    t.column(name).and_then(|i| row[i].as_text()).unwrap_or_default().to_owned()
}

/// Build one export table from a Ketendata table, keeping the rows `keep` accepts.
fn project(
    source: &Table,
    cols: &[Col],
    velden: &BTreeSet<&str>,
    p: &Pseudonymizer,
    verwijzer: &Verwijzers,
    keep: &dyn Fn(&[Value]) -> bool,
) -> Table {
    let chosen: Vec<&Col> = cols.iter().filter(|c| velden.contains(c.veld)).collect();
    let mut out = Table::new(&chosen.iter().map(|c| (c.name, c.kind)).collect::<Vec<_>>());
    for row in source.rows.iter().filter(|r| keep(r)) {
        out.push(
            chosen
                .iter()
                .map(|c| match c.bron {
                    Bron::Kolom(k) => source.column(k).map_or(Value::Null, |i| row[i].clone()),
                    Bron::Client => p.pseudonym(&format!("client|{}", text(row, source, "client"))).into(),
                    Bron::Verwijzer => {
                        let key = (
                            text(row, source, "wet"),
                            text(row, source, "aanbieder"),
                            text(row, source, "referentie_aanbieder"),
                        );
                        verwijzer.get(&key).cloned().into()
                    }
                    Bron::Toewijzing => {
                        let nummer = source.column("toewijzing_nummer").and_then(|i| row[i].as_int()).unwrap_or(0);
                        let (gemeente, wet) = (text(row, source, "gemeente"), text(row, source, "wet"));
                        p.pseudonym(&format!("toewijzing|{gemeente}|{wet}|{nummer}")).into()
                    }
                })
                .collect(),
        );
    }
    out
}

fn flag(t: &Table, row: &[Value], name: &str) -> bool {
    t.column(name).and_then(|i| row[i].as_bool()).unwrap_or(false)
}

/// Write the export of `onderzoek` for `gemeenten` into `out`.
pub fn export(
    lake: &Lake,
    onderzoek: &Onderzoek,
    gemeenten: &[String],
    uitgesloten: &[(String, String)],
    out: &Path,
    gemaakt: chrono::NaiveDateTime,
) -> Result<ExportSummary, ResearchError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ResearchError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    // The store's keyed pseudonym under the request's own key.
    let p = Pseudonymizer::new(&onderzoek.sleutel);
    let velden: BTreeSet<&str> = onderzoek.velden.iter().map(String::as_str).collect();
    let mut tables: BTreeMap<&str, Table> = BTreeMap::new();
    let mut cellen: BTreeMap<(String, String, String), (i64, BTreeSet<String>)> = BTreeMap::new();
    for g in gemeenten {
        let toewijzingen = ketenzicht_ketendata::read_columns(lake, "toewijzingen", g, None)?;
        let current = |r: &[Value]| flag(&toewijzingen, r, "actueel") && !flag(&toewijzingen, r, "vervallen");
        for row in toewijzingen.rows.iter().filter(|r| current(r)) {
            let key = (
                text(row, &toewijzingen, "gemeente"),
                text(row, &toewijzingen, "wet"),
                text(row, &toewijzingen, "product_categorie"),
            );
            let cel = cellen.entry(key).or_default();
            cel.0 += 1;
            cel.1.insert(text(row, &toewijzingen, "client"));
        }
        let verwijzer = verwijzers(&ketenzicht_ketendata::read_columns(lake, "verzoeken", g, None)?);
        let regie = ketenzicht_ketendata::read_columns(lake, "regie", g, None)?;
        let prestaties = ketenzicht_ketendata::read_columns(lake, "prestaties", g, None)?;
        for (name, source, cols, keep) in [
            ("toewijzingen", &toewijzingen, &TOEWIJZINGEN[..], &current as &dyn Fn(&[Value]) -> bool),
            ("regie", &regie, &REGIE[..], &|r: &[Value]| flag(&regie, r, "geldig")),
            ("declaraties", &prestaties, &DECLARATIES[..], &|_: &[Value]| true),
        ] {
            let part = project(source, cols, &velden, &p, &verwijzer, keep);
            let table = tables.entry(name).or_insert_with(|| Table { columns: part.columns.clone(), rows: Vec::new() });
            table.rows.extend(part.rows);
        }
    }
    let mut aggregaat = Table::new(&[
        ("gemeente", Kind::Text),
        ("wet", Kind::Text),
        ("jeugdhulpvorm", Kind::Text),
        ("toewijzingen", Kind::Int),
        ("clienten", Kind::Int),
    ]);
    let suppress = |n: i64| if n < MIN_CEL { Value::Null } else { Value::Int(n) };
    for ((g, wet, categorie), (n, clients)) in cellen {
        aggregaat.push(vec![g.into(), wet.into(), categorie.into(), suppress(n), suppress(clients.len() as i64)]);
    }
    tables.insert("aggregaat", aggregaat);

    let mut summary = ExportSummary { gemeenten: gemeenten.to_vec(), bestanden: Vec::new() };
    for (name, table) in &tables {
        let path = out.join(format!("{name}.csv"));
        let mut bytes = Vec::new();
        ketenzicht_store::csv::write_csv(&mut bytes, table, Dialect::Plain).map_err(io(&path))?;
        std::fs::write(&path, &bytes).map_err(io(&path))?;
        summary.bestanden.push((format!("{name}.csv"), table.len(), hex(&Sha256::digest(&bytes))));
        let path = out.join(format!("{name}.parquet"));
        ketenzicht_store::parquet_io::write_parquet(&path, table)?;
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        summary.bestanden.push((format!("{name}.parquet"), table.len(), hex(&Sha256::digest(&bytes))));
    }
    let manifest = serde_json::json!({
        "onderzoek": onderzoek.code,
        "aanvrager": onderzoek.aanvrager,
        "doel": onderzoek.doel,
        "grondslag": onderzoek.grondslag,
        "toestemming_nodig": onderzoek.toestemming_nodig,
        "velden": onderzoek.velden,
        "gemaakt": gemaakt.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "gemeenten": gemeenten,
        "uitgesloten": uitgesloten.iter().map(|(g, r)| serde_json::json!({"gemeente": g, "reden": r})).collect::<Vec<_>>(),
        "pseudonimisering": "HMAC-SHA256 met een sleutel per onderzoek over het pseudoniem van de cliënt en over gemeente, wet en ToewijzingNummer; alleen geboortejaar; geen namen, adressen of Commentaar",
        "kleine_cellen": format!("aantallen onder {MIN_CEL} in aggregaat.csv zijn leeg gelaten"),
        "bestanden": summary.bestanden.iter().map(|(n, rows, sha)| serde_json::json!({"naam": n, "rijen": rows, "sha256": sha})).collect::<Vec<_>>(),
    });
    let path = out.join("manifest.json");
    let mut file = std::fs::File::create(&path).map_err(io(&path))?;
    serde_json::to_writer_pretty(&mut file, &manifest)
        .map_err(|e| ResearchError::Io { path: path.clone(), source: e.into() })?;
    file.write_all(b"\n").map_err(io(&path))?;
    Ok(summary)
}
