//! Ketendata against the simulator's ground truth: simulate a demo period, ingest it, build
//! the tables, and require the exact row counts per gemeente, law and table, and the exact
//! number of messages per type. Then ingest the same traffic again: nothing may change.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use ketenzicht_simulate::{Layout, Options, Scale, Vorm};
use ketenzicht_store::Store;
use serde_json::Value;

fn simulate(out: &Path, layout: Layout, vorm: Vorm) {
    let options = Options {
        scale: Scale::Demo,
        from: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
        to: NaiveDate::from_ymd_opt(2023, 5, 31).expect("date"),
        seed: 11,
        out: out.to_owned(),
        gemeenten_csv: ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv"),
        layout,
        vorm,
        threads: 2,
    };
    ketenzicht_simulate::run(&options, |_, _| {}).expect("simulation runs");
}

fn truth(dir: &Path, file: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join("truth").join(file))
        .expect("truth file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().expect("text").to_owned()
}

fn n(v: &Value, key: &str) -> usize {
    v[key].as_u64().expect("number") as usize
}

/// Rows per (gemeente, wet, table) and messages per (gemeente, wet, bericht) in the lake.
type Counts = BTreeMap<(String, String, String), usize>;

fn lake_counts(store: &Store) -> (Counts, Counts) {
    let mut rows = BTreeMap::new();
    let mut berichten = BTreeMap::new();
    for gemeente in store.ledger.gemeenten().expect("gemeenten") {
        for table in ketenzicht_ketendata::TABLES {
            let t = ketenzicht_ketendata::read(store, table, &gemeente).expect("table");
            let wet = t.column("wet").expect("wet column");
            for row in &t.rows {
                let key = (gemeente.clone(), row[wet].as_text().expect("wet").to_owned(), table.to_owned());
                *rows.entry(key).or_default() += 1;
                if table == "berichten" {
                    let b = t.column("bericht").expect("bericht column");
                    let key = (
                        gemeente.clone(),
                        row[wet].as_text().expect("wet").to_owned(),
                        row[b].as_text().expect("b").to_owned(),
                    );
                    *berichten.entry(key).or_default() += 1;
                }
            }
        }
    }
    (rows, berichten)
}

fn check_against_truth(sim: &Path, store: &Store) {
    let (rows, berichten) = lake_counts(store);
    let mut expected_rows = BTreeMap::new();
    for r in truth(sim, "ketendata.jsonl") {
        for table in ketenzicht_ketendata::TABLES {
            if n(&r, table) > 0 {
                expected_rows.insert((s(&r, "gemeente"), s(&r, "wet"), table.to_owned()), n(&r, table));
            }
        }
    }
    assert_eq!(rows, expected_rows, "Ketendata rows per gemeente, wet and table");
    // Messages per type: everything written, less second deliveries and unreadable files.
    let mut expected: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in truth(sim, "berichten.jsonl") {
        *expected.entry((s(&r, "gemeente"), s(&r, "wet"), s(&r, "bericht"))).or_default() += n(&r, "aantal") as i64;
    }
    for r in truth(sim, "fouten.jsonl") {
        *expected.entry((s(&r, "gemeente"), s(&r, "wet"), s(&r, "bericht"))).or_default() -=
            (n(&r, "dubbel") + n(&r, "onleesbaar")) as i64;
    }
    let expected: BTreeMap<_, _> = expected.into_iter().filter(|(_, v)| *v > 0).map(|(k, v)| (k, v as usize)).collect();
    assert_eq!(berichten, expected, "berichten per gemeente, wet and type");
    check_credits(sim, store);
}

/// Every credit line of the truth is in `prestaties`, linked to a debit line that is marked
/// credited, per gemeente.
fn check_credits(sim: &Path, store: &Store) {
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for r in truth(sim, "tellingen.jsonl") {
        if s(&r, "indicator") == "creditpercentage" && s(&r, "uitkomst") == "credit" {
            *expected.entry(s(&r, "gemeente")).or_default() += n(&r, "aantal");
        }
    }
    assert!(expected.values().sum::<usize>() > 10, "the demo period has corrections: {expected:?}");
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for gemeente in store.ledger.gemeenten().expect("gemeenten") {
        let t = ketenzicht_ketendata::read(store, "prestaties", &gemeente).expect("prestaties");
        let col = |name: &str| t.column(name).unwrap_or_else(|| panic!("column {name}"));
        let (dc, vorig, referentie, gecrediteerd) =
            (col("debet_credit"), col("vorig_referentie_nummer"), col("referentie_nummer"), col("gecrediteerd"));
        // ReferentieNummers are unique per aanbieder and law (TR314), not across laws.
        let (wet, aanbieder) = (col("wet"), col("aanbieder"));
        for row in t.rows.iter().filter(|r| r[dc].as_text() == Some("C")) {
            let debet = row[vorig].as_text().expect("a credit line names its debit");
            let linked = t
                .rows
                .iter()
                .find(|d| {
                    d[referentie].as_text() == Some(debet) && d[wet] == row[wet] && d[aanbieder] == row[aanbieder]
                })
                .expect("its debit line");
            assert_eq!(linked[dc].as_text(), Some("D"));
            assert_eq!(linked[gecrediteerd].as_bool(), Some(true), "{debet} is marked credited");
            *found.entry(gemeente.clone()).or_default() += 1;
        }
    }
    assert_eq!(found, expected, "credit lines per gemeente");
}

/// Every gemeente, two at a time as `ketenzicht ingest` builds them; each is marked updated.
fn build_all(store: &Store) {
    let gemeenten = store.ledger.gemeenten().expect("gemeenten");
    let mut built = Vec::new();
    ketenzicht_ketendata::build_many(store, &gemeenten, 2, &mut |gemeente, _| built.push(gemeente.to_owned()))
        .expect("build");
    built.sort();
    assert_eq!(built, gemeenten, "every gemeente built once");
    assert!(store.ledger.verouderd().expect("verouderd").is_empty(), "none left stale");
}

#[test]
fn ketendata_equals_the_ground_truth_and_reingest_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim, Layout::Loose, Vorm::Bericht);
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    let first =
        ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), Default::default(), &|_| {}).expect("ingest");
    assert!(first.nieuw > 5_000, "a demo period has traffic: {first:?}");
    assert!(first.dubbel > 0 && first.quarantaine > 0 && first.transport_afgewezen > 0, "{first:?}");
    assert_eq!(first.conflicten, 0);
    build_all(&store);
    check_against_truth(&sim, &store);

    let counts = store.ledger.counts().expect("counts");
    let again =
        ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), Default::default(), &|_| {}).expect("ingest");
    assert_eq!((again.nieuw, again.dubbel, again.quarantaine, again.conflicten), (0, 0, 0, 0), "{again:?}");
    assert_eq!(again.al_bekend, again.deliveries);
    assert_eq!(store.ledger.counts().expect("counts"), counts);
    assert!(again.gemeenten.is_empty());
}

#[test]
fn archives_and_envelopes_give_the_same_ketendata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim, Layout::Archive, Vorm::Stuf);
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    // Small batches: many commits.
    let options = ketenzicht_ingest::Options { batch_bytes: 4 * 1024 * 1024, ..Default::default() };
    let summary = ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), options, &|_| {}).expect("ingest");
    assert!(summary.batches > 3, "{summary:?}");
    assert_eq!(summary.routing_without_file, 0);
    build_all(&store);
    check_against_truth(&sim, &store);
}

/// Messages refused at transport per (gemeente, wet, bericht) in `berichten`.
fn refused_in_lake(store: &Store) -> BTreeMap<(String, String, String), usize> {
    let mut out = BTreeMap::new();
    for gemeente in store.ledger.gemeenten().expect("gemeenten") {
        let t = ketenzicht_ketendata::read(store, "berichten", &gemeente).expect("berichten");
        let col = |name: &str| t.column(name).unwrap_or_else(|| panic!("column {name}"));
        let (wet, bericht, transport, code) = (col("wet"), col("bericht"), col("transport"), col("transport_code"));
        for row in t.rows.iter().filter(|r| r[transport].as_text() == Some("afgewezen")) {
            assert_eq!(row[code].as_text(), Some("IB014"));
            let key = (gemeente.clone(), s_of(&row[wet]), s_of(&row[bericht]));
            *out.entry(key).or_default() += 1;
        }
    }
    out
}

fn s_of(v: &ketenzicht_store::Value) -> String {
    v.as_text().expect("text").to_owned()
}

#[test]
fn envelopes_alone_carry_their_transport_refusals_as_fo01() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim, Layout::Loose, Vorm::Stuf);
    // Without the knooppunt's routing records, only the envelopes and the Fo01s tell.
    std::fs::remove_dir_all(sim.join("routing")).expect("remove routing");
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    // Small batches: a Fo01 (sorted before its message) and its message land in different commits.
    let options = ketenzicht_ingest::Options { batch_bytes: 2 * 1024 * 1024, ..Default::default() };
    let summary = ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), options, &|_| {}).expect("ingest");
    build_all(&store);
    check_against_truth(&sim, &store);

    let mut expected: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut refusals = 0;
    for r in truth(&sim, "fouten.jsonl") {
        refusals += n(&r, "transport_afgewezen");
        let readable = n(&r, "transport_afgewezen") - n(&r, "onleesbaar");
        if readable > 0 {
            *expected.entry((s(&r, "gemeente"), s(&r, "wet"), s(&r, "bericht"))).or_default() += readable;
        }
    }
    assert!(refusals > 3, "the demo period has transport refusals: {refusals}");
    assert_eq!(summary.fo01 as usize, refusals, "one Fo01 per refusal: {summary:?}");
    assert_eq!(refused_in_lake(&store), expected, "refused at transport per gemeente, wet and type");

    // Again: nothing new, the Fo01s included.
    let again =
        ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), Default::default(), &|_| {}).expect("ingest");
    assert_eq!((again.nieuw, again.fo01, again.quarantaine), (0, 0, 0), "{again:?}");
    assert_eq!(again.al_bekend, again.deliveries);
}
