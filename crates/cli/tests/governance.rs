//! Governance as a black box: traffic without an order is counted and not stored; deleting a
//! gemeente leaves none of its BSNs, pseudonyms or ToewijzingNummers in any file of the store
//! while every other gemeente's indicators stay the same; a destroyed key makes a leftover raw
//! file unreadable; retention removes exactly what is older than the limit; research exports
//! hold only consenting gemeenten, with per-request pseudonyms and no small cells; and
//! `audit verify` catches a changed or removed entry.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ketenzicht_store::Store;

mod common;
use common::{ketenzicht, ok};

const TO: &str = "2023-02-28";

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out.sort();
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Every BSN in the simulated messages of one gemeente.
fn bsns(sim: &Path, gemeente: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files(&sim.join("berichten").join(gemeente)) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).expect("read")).into_owned();
        for part in text.split(":Bsn>").skip(1).step_by(2) {
            out.insert(part.chars().take_while(char::is_ascii_digit).collect::<String>());
        }
    }
    out.retain(|b| b.len() == 9);
    out
}

fn ketendata_column(store: &Store, table: &str, gemeente: &str, column: &str) -> BTreeSet<String> {
    let t = ketenzicht_ketendata::read(store, table, gemeente).expect("read");
    let i = t.column(column).expect("column");
    t.rows.iter().filter_map(|r| r[i].as_text().map(str::to_owned).or(r[i].as_int().map(|n| n.to_string()))).collect()
}

fn indicators(store: &Path, gemeenten: &[String]) -> String {
    let mut args = vec!["indicators", "--to", TO, "--format", "json"];
    for g in gemeenten {
        args.extend(["--gemeente", g.as_str()]);
    }
    ok(ketenzicht(store, &args))
}

#[test]
fn orders_deletion_retention_research_and_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    let store_dir = dir.path().join("store");
    let sim_s = sim.display().to_string();
    common::simulate_demo(&store_dir, &sim, TO, 11);
    let all = ketenzicht_testkit::sim_gemeenten(&sim);
    let (unordered, iwmo_only, deleted) = (all[0].clone(), all[1].clone(), all[2].clone());
    let ordered: Vec<String> = all.iter().filter(|g| **g != unordered).cloned().collect();

    // Orders: every gemeente but one; one gemeente orders iWmo Ketendata only.
    for g in &ordered {
        let product = if *g == iwmo_only { "ketendata-iwmo" } else { "monitor-stuurinformatie" };
        ok(ketenzicht(
            &store_dir,
            &["orders", "add", "--gemeente", g, "--product", product, "--datum", "2022-12-01", "--door", "wethouder"],
        ));
    }
    let refused = ketenzicht(
        &store_dir,
        &["orders", "add", "--gemeente", "12", "--product", "x", "--datum", "2022-12-01", "--door", "a"],
    );
    assert!(!refused.status.success());
    let summary = ok(ketenzicht(&store_dir, &["ingest", &sim_s]));
    assert!(summary.contains("zonder opdracht:"), "{summary}");

    // Traffic without an order is counted, not stored.
    let counted = ok(ketenzicht(&store_dir, &["orders", "unordered"]));
    assert!(counted.lines().any(|l| l.starts_with(&unordered)), "{counted}");
    assert!(counted.lines().any(|l| l.starts_with(&format!("{iwmo_only} iJw"))), "{counted}");
    let everything = files(&store_dir);
    let marker = format!("gemeente={unordered}");
    assert!(!everything.iter().any(|f| f.to_string_lossy().contains(&marker)), "a partition of {unordered}");
    assert!(!store_dir.join("quarantaine").join(&unordered).exists());
    {
        let store = Store::open(&store_dir).expect("open");
        let wetten = ketendata_column(&store, "berichten", &iwmo_only, "wet");
        assert_eq!(wetten.into_iter().collect::<Vec<_>>(), ["iWmo"], "{iwmo_only} ordered iWmo only");
    }

    // Deleting one gemeente.
    let others: Vec<String> = ordered.iter().filter(|g| **g != deleted && **g != iwmo_only).cloned().collect();
    let before = indicators(&store_dir, &others);
    let (pseudonyms, nummers, leftover) = {
        let store = Store::open(&store_dir).expect("open");
        let pseudonyms = ketendata_column(&store, "zorgtrajecten", &deleted, "client");
        let nummers = ketendata_column(&store, "toewijzingen", &deleted, "toewijzing_nummer");
        let ruw = store.files("ruw", &deleted).expect("files");
        let leftover = dir.path().join("leftover.kzs");
        std::fs::copy(&ruw[0], &leftover).expect("copy");
        (pseudonyms, nummers, leftover)
    };
    let bsn = bsns(&sim, &deleted);
    assert!(!pseudonyms.is_empty() && !nummers.is_empty() && !bsn.is_empty());
    // The scan below can see a pseudonym where one is (the control), and sees no BSN even
    // before the deletion: raw messages are sealed.
    let scan =
        |needle: &[u8]| files(&store_dir).into_iter().any(|f| contains(&std::fs::read(f).expect("read"), needle));
    assert!(pseudonyms.iter().any(|p| scan(p.as_bytes())), "the scan cannot see pseudonyms");
    assert!(!bsn.iter().any(|b| scan(b.as_bytes())), "a BSN in the clear before the deletion");
    ok(ketenzicht(&store_dir, &["delete", "--gemeente", &deleted, "--reden", "opdracht beeindigd"]));
    for f in files(&store_dir) {
        let bytes = std::fs::read(&f).expect("read");
        for p in &pseudonyms {
            assert!(!contains(&bytes, p.as_bytes()), "pseudonym {p} in {}", f.display());
        }
        for b in &bsn {
            assert!(!contains(&bytes, b.as_bytes()), "BSN in {}", f.display());
        }
        // ToewijzingNummers are small integers, so they are looked for as the message text
        // that carries them (raw XML left in the clear) ...
        for n in &nummers {
            let element = format!("ToewijzingNummer>{n}<");
            assert!(!contains(&bytes, element.as_bytes()), "ToewijzingNummer {n} in {}", f.display());
        }
        // ... and as rows: no partition of the gemeente is left in any table.
        assert!(!f.to_string_lossy().contains(&format!("gemeente={deleted}")), "{} left", f.display());
    }
    {
        let store = Store::open(&store_dir).expect("open");
        assert_eq!(store.ledger.count_berichten(&deleted).expect("count"), 0);
        assert!(!store.ledger.gemeenten().expect("gemeenten").contains(&deleted));
    }
    assert_eq!(indicators(&store_dir, &others), before, "other gemeenten's indicators changed");

    // The key is destroyed: the leftover raw file (a sealed Parquet file) does not open.
    {
        let store = Store::open(&store_dir).expect("open");
        let sealed = std::fs::read(&leftover).expect("leftover");
        assert!(!bsn.iter().any(|b| contains(&sealed, b.as_bytes())), "a BSN in the clear");
        let err = store.lake().read_table(&leftover, &deleted, None).expect_err("opened without its key");
        assert!(err.to_string().contains("no key"), "{err}");
    }

    // Retention: 4 years back from 2027-02-01 is 2023-02-01.
    let grens = NaiveDate::from_ymd_opt(2023, 2, 1).expect("date");
    let registered = |store: &Store, g: &str| -> HashMap<i64, NaiveDate> {
        let mut first: HashMap<i64, NaiveDate> = HashMap::new();
        for f in store.files("leveringen", g).expect("files") {
            let t = ketenzicht_store::parquet_io::read_parquet(&f).expect("read");
            let (id, on) = (t.column("bericht_id").expect("id"), t.column("ontvangen").expect("ontvangen"));
            for r in &t.rows {
                if let (Some(b), Some(o)) = (r[id].as_int(), r[on].as_timestamp()) {
                    let e = first.entry(b).or_insert(o.date());
                    *e = (*e).min(o.date());
                }
            }
        }
        let mut out = HashMap::new();
        for f in store.files("ruw", g).expect("files") {
            let t = store.lake().read_table(&f, g, None).expect("read");
            let (id, dag) = (t.column("bericht_id").expect("id"), t.column("dagtekening").expect("d"));
            for r in &t.rows {
                let b = r[id].as_int().expect("id");
                out.insert(b, first.get(&b).copied().or(r[dag].as_date()).expect("a day"));
            }
        }
        out
    };
    let before: BTreeMap<String, HashMap<i64, NaiveDate>> = {
        let store = Store::open(&store_dir).expect("open");
        others.iter().map(|g| (g.clone(), registered(&store, g))).collect()
    };
    ok(ketenzicht(&store_dir, &["retention", "run", "--vandaag", "2027-02-01"]));
    {
        let store = Store::open(&store_dir).expect("open");
        for (g, regs) in &before {
            let kept: HashSet<i64> = registered(&store, g).into_keys().collect();
            let expected: HashSet<i64> = regs.iter().filter(|(_, d)| **d >= grens).map(|(b, _)| *b).collect();
            assert!(regs.values().any(|d| *d < grens), "{g}: nothing old enough to test with");
            assert_eq!(kept, expected, "{g}: retention kept the wrong messages");
            assert_eq!(store.ledger.count_berichten(g).expect("count") as usize, expected.len());
        }
    }

    // Research: consent per gemeente, per-request pseudonyms, no small cells. The gemeente
    // checked for links across tables is the one with the most messages left, so that its
    // trajecten have both toewijzingen and starts in the export.
    let mut by_size: Vec<(usize, &String)> = {
        let store = Store::open(&store_dir).expect("open");
        others.iter().map(|g| (store.ledger.count_berichten(g).expect("count") as usize, g)).collect()
    };
    by_size.sort_by(|x, y| y.cmp(x));
    let (a, b) = (by_size[0].1, by_size[1].1);
    ok(ketenzicht(
        &store_dir,
        &["research", "add", "nza", "--aanvrager", "NZa", "--doel", "stelsel", "--grondslag", "Jw 9a.1"],
    ));
    ok(ketenzicht(
        &store_dir,
        &["research", "add", "cpb", "--aanvrager", "CPB", "--doel", "kosten", "--grondslag", "toestemming"],
    ));
    for (code, g) in [("nza", a), ("nza", b), ("cpb", a)] {
        ok(ketenzicht(&store_dir, &["research", "consent", code, "--gemeente", g]));
    }
    ok(ketenzicht(&store_dir, &["research", "consent", "nza", "--gemeente", b, "--intrekken"]));
    ok(ketenzicht(&store_dir, &["research", "consent", "nza", "--gemeente", b]));
    let export = |code: &str| {
        let out = dir.path().join(code);
        ok(ketenzicht(&store_dir, &["research", "export", code, "--out", &out.display().to_string()]));
        out
    };
    let (nza, cpb) = (export("nza"), export("cpb"));
    let csv = |d: &Path, t: &str| -> Vec<BTreeMap<String, String>> {
        let text = std::fs::read_to_string(d.join(format!("{t}.csv"))).expect("csv");
        let mut lines = text.lines();
        let head: Vec<String> = lines.next().expect("header").split(',').map(str::to_owned).collect();
        lines.map(|l| head.iter().cloned().zip(l.split(',').map(str::to_owned)).collect()).collect()
    };
    let gemeenten_in =
        |d: &Path| csv(d, "toewijzingen").into_iter().map(|r| r["gemeente"].clone()).collect::<BTreeSet<_>>();
    assert_eq!(gemeenten_in(&nza), BTreeSet::from([a.clone(), b.clone()]));
    assert_eq!(gemeenten_in(&cpb), BTreeSet::from([a.clone()]));
    let clients = |d: &Path, t: &str| {
        csv(d, t).into_iter().filter(|r| r["gemeente"] == *a).map(|r| r["client"].clone()).collect::<BTreeSet<_>>()
    };
    assert!(!clients(&nza, "toewijzingen").is_disjoint(&clients(&nza, "regie")), "pseudonyms must match across tables");
    assert!(clients(&nza, "toewijzingen").is_disjoint(&clients(&cpb, "toewijzingen")), "two requests must not link");
    let store_pseudonyms = {
        let store = Store::open(&store_dir).expect("open");
        ketendata_column(&store, "zorgtrajecten", a, "client")
    };
    assert!(clients(&nza, "toewijzingen").is_disjoint(&store_pseudonyms));
    let aggregaat = csv(&nza, "aggregaat");
    assert!(!aggregaat.is_empty());
    for r in &aggregaat {
        for c in ["toewijzingen", "clienten"] {
            assert!(r[c].is_empty() || r[c].parse::<i64>().expect("count") >= 10, "small cell {r:?}");
        }
    }
    assert!(aggregaat.iter().any(|r| r["toewijzingen"].is_empty()), "nothing was suppressed");
    let head = std::fs::read_to_string(nza.join("toewijzingen.csv")).expect("csv");
    assert!(head.lines().next().is_some_and(|h| h.contains("geboortejaar") && !h.contains("geboortedatum")));
    // The NZa field list is complete: the referrer comes from the VOT the toewijzing answered.
    assert!(csv(&nza, "toewijzingen").iter().any(|r| !r["verwijzer"].is_empty()), "no verwijzer in the export");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(nza.join("manifest.json")).expect("manifest")).expect("json");
    for f in manifest["bestanden"].as_array().expect("files") {
        let bytes = std::fs::read(nza.join(f["naam"].as_str().expect("naam"))).expect("file");
        let sha: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(f["sha256"].as_str(), Some(sha.as_str()));
    }

    // Deleting one law of a gemeente keeps the other law, in the files and in the ledger.
    let c = &others[2];
    {
        let store = Store::open(&store_dir).expect("open");
        assert_eq!(ketendata_column(&store, "berichten", c, "wet").len(), 2, "{c} needs traffic of both laws");
    }
    ok(ketenzicht(&store_dir, &["delete", "--gemeente", c, "--wet", "iJw", "--reden", "alleen iWmo besteld"]));
    {
        let store = Store::open(&store_dir).expect("open");
        let wetten = ketendata_column(&store, "berichten", c, "wet");
        assert_eq!(wetten.into_iter().collect::<Vec<_>>(), ["iWmo"]);
        let mut ruw_wetten = BTreeSet::new();
        let mut rows = 0;
        for f in store.files("ruw", c).expect("files") {
            let t = store.lake().read_table(&f, c, None).expect("read");
            let w = t.column("wet").expect("wet");
            rows += t.rows.len();
            ruw_wetten.extend(t.rows.iter().filter_map(|r| r[w].as_text().map(str::to_owned)));
        }
        assert_eq!(ruw_wetten.into_iter().collect::<Vec<_>>(), ["iWmo"]);
        assert_eq!(store.ledger.count_berichten(c).expect("count") as usize, rows);
        assert!(store.keys().exists(c), "one law deleted: the gemeente keeps its key");
    }

    // Audit: every change above is in the chain; tampering shows.
    let log = ok(ketenzicht(&store_dir, &["audit", "list", "--json"]));
    for actie in ["opdracht", "verwijdering", "toestemming", "onderzoek", "export"] {
        assert!(log.contains(&format!("\"actie\":\"{actie}\"")), "no {actie} in the audit log");
    }
    assert!(!bsn.iter().any(|b| log.contains(b.as_str())));
    ok(ketenzicht(&store_dir, &["audit", "verify"]));
    let conn = rusqlite::Connection::open(store_dir.join("ketenzicht.sqlite")).expect("sqlite");
    conn.execute_batch("DROP TRIGGER audit_geen_wijziging; UPDATE audit SET object = 'iets anders' WHERE seq = 2;")
        .expect("tamper");
    let verify = ketenzicht(&store_dir, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("entry 2"));
}
