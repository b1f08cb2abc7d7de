//! The ingest and export commands as a black box: an ingest killed with SIGKILL at several
//! moments and run again ends with exactly the store an uninterrupted run gives, and the
//! exported Parquet reads in DuckDB with the same rows and key values.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn ketenzicht(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ketenzicht"));
    c.env("KETENZICHT_STORE", store).env("KETENZICHT_PSEUDONIEM_SLEUTEL", KEY);
    c
}

fn run(mut c: Command) -> String {
    let out = c.output().expect("ketenzicht runs");
    assert!(out.status.success(), "{:?}: {}", c, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Ingest `input` into `store` to the end; the summary it prints.
fn ingest(store: &Path, input: &Path) -> String {
    let mut c = ketenzicht(store);
    c.arg("ingest").arg(input);
    run(c)
}

fn simulate(out: &Path) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ketenzicht"));
    c.args(["simulate", "--scale", "demo", "--from", "2023-01-01", "--to", "2023-03-31", "--seed", "5", "--out"])
        .arg(out)
        .arg("--gemeenten")
        .arg(ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv"));
    run(c);
}

/// Every gemeente's Ketendata as CSV text, keyed by file name.
fn exports(store: &Path, scratch: &Path, gemeenten: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in gemeenten {
        let dir = scratch.join(g);
        let mut c = ketenzicht(store);
        c.args(["export", "--gemeente", g, "--format", "csv", "--out"]).arg(&dir);
        run(c);
        for table in ["berichten", "toewijzingen", "verzoeken", "regie", "declaraties", "prestaties", "zorgtrajecten"] {
            let text = std::fs::read_to_string(dir.join(format!("{table}.csv"))).expect("csv");
            out.push((format!("{g}/{table}"), text));
        }
    }
    out
}

fn gemeenten(sim: &Path) -> Vec<String> {
    ketenzicht_testkit::sim_gemeenten(sim)
}

/// Order the dashboards and Ketendata (both laws) for every simulated gemeente: ingest stores
/// only ordered traffic, and exports only ordered Ketendata.
fn order(store: &Path, sim: &Path) {
    let mut c = ketenzicht(store);
    c.args(ketenzicht_testkit::order_args(sim, &["monitor-stuurinformatie", "ketendata-iwmo", "ketendata-ijw"]));
    run(c);
}

#[test]
fn killed_ingest_completes_to_the_same_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim);
    // Something for the quarantine, whatever the simulation drew.
    std::fs::write(sim.join("kapot.xml"), b"<Bericht><Header>").expect("write");
    let reference = dir.path().join("reference");
    order(&reference, &sim);
    ingest(&reference, &sim);

    let store = dir.path().join("killed");
    order(&store, &sim);
    let mut killed = 0;
    for delay_ms in [150u64, 400, 700, 1000, 1500, 2500] {
        let mut c = ketenzicht(&store);
        c.args(["ingest", "--batch-mb", "1"]).arg(&sim).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = c.spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        child.wait().expect("reaped");
    }
    assert!(killed >= 2, "the ingest must have been interrupted at least twice (was {killed})");
    ingest(&store, &sim);
    let again = ingest(&store, &sim);
    assert!(again.contains("nieuwe berichten:     0"), "{again}");
    assert!(again.contains("dubbel geleverd:      0"), "{again}");

    let g = gemeenten(&sim);
    let a = exports(&reference, &dir.path().join("export-a"), &g);
    let b = exports(&store, &dir.path().join("export-b"), &g);
    assert_eq!(a.len(), b.len());
    for ((name_a, text_a), (name_b, text_b)) in a.iter().zip(&b) {
        assert_eq!(name_a, name_b);
        assert!(text_a == text_b, "{name_a} differs after interrupted ingest");
    }
    let quarantine = |s: &PathBuf| {
        let mut c = ketenzicht(s);
        c.args(["quarantine", "list", "--json"]);
        run(c).lines().count()
    };
    assert_eq!(quarantine(&reference), quarantine(&store));
    assert!(quarantine(&store) > 0);
}

#[test]
fn exported_parquet_reads_in_duckdb_with_the_same_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim);
    let store = dir.path().join("store");
    order(&store, &sim);
    ingest(&store, &sim);
    let gemeente = gemeenten(&sim).remove(0);
    let parquet = dir.path().join("parquet");
    let mut c = ketenzicht(&store);
    c.args(["export", "--gemeente", &gemeente, "--format", "parquet", "--out"]).arg(&parquet);
    let listing = run(c);
    let excel = dir.path().join("excel");
    let mut c = ketenzicht(&store);
    c.args(["export", "--gemeente", &gemeente, "--format", "csv-excel-nl", "--out"]).arg(&excel);
    run(c);

    for table in ["berichten", "toewijzingen", "verzoeken", "regie", "declaraties", "prestaties", "zorgtrajecten"] {
        let rows: usize = listing
            .lines()
            .find(|l| l.ends_with(&format!("{table}.parquet")))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("row count in the listing");
        let csv = std::fs::read_to_string(excel.join(format!("{table}.csv"))).expect("csv");
        assert!(csv.starts_with('\u{feff}'), "Excel-NL CSV starts with a BOM");
        let header: Vec<&str> = csv.lines().next().expect("header").trim_start_matches('\u{feff}').split(';').collect();
        assert_eq!(csv.lines().count() - 1, rows, "{table}: CSV rows");
        // DuckDB: the same count, and the same key values as the CSV.
        let key = header[0];
        let script = format!(
            "import duckdb; r = duckdb.sql(\"select count(*), count(distinct {key}) from read_parquet('{}')\").fetchall()[0]; print(r[0], r[1])",
            parquet.join(format!("{table}.parquet")).display()
        );
        let out = Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
        assert!(
            out.status.success(),
            "DuckDB (python3 -m pip install duckdb): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let mut it = text.split_whitespace().map(|n| n.parse::<usize>().expect("number"));
        let (count, distinct) = (it.next().expect("count"), it.next().expect("distinct"));
        let csv_distinct: std::collections::BTreeSet<&str> =
            csv.lines().skip(1).map(|l| l.split(';').next().unwrap_or_default()).collect();
        assert_eq!((count, distinct), (rows, csv_distinct.len()), "{table} in DuckDB");
    }
    // Moments are TIMESTAMPs to DuckDB (a Parquet timestamp), not numbers.
    let script = format!(
        "import duckdb; print(duckdb.sql(\"select any_value(typeof(ontvangen)), any_value(typeof(antwoord_ontvangen)), min(ontvangen) > timestamp '2000-01-01' from read_parquet('{}')\").fetchall()[0])",
        parquet.join("berichten.parquet").display()
    );
    let out = Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "('TIMESTAMP', 'TIMESTAMP', True)",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unreadable_input_stops_the_ingest_with_its_path_and_a_rerun_completes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim);
    let store = dir.path().join("store");
    order(&store, &sim);
    // The reading thread fails on the second input after handing on the first.
    let missing = dir.path().join("bestaat-niet.tar.gz");
    let out = ketenzicht(&store).args(["ingest", "--batch-mb", "1"]).arg(&sim).arg(&missing).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("cannot read {}", missing.display())), "{stderr}");
    // Run again without it: everything lands once, whatever the failed run committed.
    ingest(&store, &sim);
    let again = ingest(&store, &sim);
    assert!(again.contains("nieuwe berichten:     0"), "{again}");
    let reference = dir.path().join("reference");
    order(&reference, &sim);
    ingest(&reference, &sim);
    let g = gemeenten(&sim);
    assert_eq!(
        exports(&reference, &dir.path().join("export-a"), &g),
        exports(&store, &dir.path().join("export-b"), &g),
        "the store after the failed run and a rerun equals one uninterrupted ingest"
    );
}
