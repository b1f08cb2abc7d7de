//! `ketenzicht indicators` as a black box on a simulated demo quarter: totals at coarser
//! groupings equal the ground truth, a regio holds exactly its members, the CSV forms are
//! right, bad arguments get errors that name them, and DuckDB SQL over the Ketendata lake
//! gives the same waiting-time statistics.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{ketenzicht, ok};
use std::process::Command;

const TO: &str = "2023-03-31";

fn cbs() -> String {
    ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv").display().to_string()
}

fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let sim = dir.join("sim");
    let store = dir.join("store");
    let sim_s = sim.display().to_string();
    common::simulate_demo(&store, &sim, TO, 9);
    let orders = ketenzicht_testkit::order_args(&sim, &["monitor-stuurinformatie"]);
    ok(ketenzicht(&store, &orders.iter().map(String::as_str).collect::<Vec<_>>()));
    ok(ketenzicht(&store, &["ingest", &sim_s]));
    (sim, store)
}

fn truth(sim: &Path, file: &str) -> Vec<Value> {
    std::fs::read_to_string(sim.join("truth").join(file))
        .expect("truth")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn indicators(store: &Path, args: &[&str]) -> Value {
    let mut all = vec!["indicators", "--to", TO, "--gemeenten"];
    let c = cbs();
    all.push(&c);
    all.extend_from_slice(args);
    serde_json::from_str(&ok(ketenzicht(store, &all))).expect("JSON report")
}

fn rijen(report: &Value) -> &Vec<Value> {
    report["indicatoren"][0]["rijen"].as_array().expect("rows")
}

#[test]
fn indicators_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sim, store) = setup(dir.path());

    // Retours per gemeente and law: the sums of the truth's monthly rows per message type.
    let report = indicators(&store, &["--indicator", "retour_tijdig", "--per", "gemeente,wet"]);
    let mut expected: BTreeMap<(String, String), [u64; 3]> = BTreeMap::new();
    for r in truth(&sim, "retour_tijdigheid.jsonl").iter().filter(|r| r["regel"] == "OP090") {
        let e = expected
            .entry((r["gemeente"].as_str().unwrap_or_default().into(), r["wet"].as_str().unwrap_or_default().into()))
            .or_default();
        e[0] += r["heenberichten"].as_u64().unwrap_or(0);
        e[1] += r["op_tijd"].as_u64().unwrap_or(0);
        e[2] += r["ontbreekt"].as_u64().unwrap_or(0);
    }
    let actual: BTreeMap<(String, String), [u64; 3]> = rijen(&report)
        .iter()
        .map(|r| {
            let k = (r["gemeente"].as_str().unwrap_or_default().into(), r["wet"].as_str().unwrap_or_default().into());
            (
                k,
                [
                    r["n"].as_u64().unwrap_or(0),
                    r["op_tijd"].as_u64().unwrap_or(0),
                    r["ontbreekt"].as_u64().unwrap_or(0),
                ],
            )
        })
        .collect();
    assert_eq!(actual, expected);
    assert!(report["indicatoren"][0]["definitie"].as_str().is_some_and(|d| d.contains("3 werkdagen")));
    let first = &rijen(&report)[0];
    let share = first["op_tijd"].as_f64().unwrap_or(0.0)
        / (first["op_tijd"].as_f64().unwrap_or(0.0)
            + first["te_laat"].as_f64().unwrap_or(0.0)
            + first["ontbreekt"].as_f64().unwrap_or(0.0));
    assert!((first["aandeel"].as_f64().unwrap_or(-1.0) - share).abs() < 0.0001);

    // A regio is exactly its members: Haaglanden's total equals the sum over its gemeenten.
    let members: Vec<String> = std::fs::read_to_string(cbs())
        .expect("CBS list")
        .lines()
        .filter(|l| l.ends_with(",Haaglanden"))
        .map(|l| l[..4].to_owned())
        .collect();
    let regio = indicators(&store, &["--indicator", "retour_tijdig", "--regio", "Haaglanden", "--per", "regio"]);
    let in_regio: u64 = expected.iter().filter(|((g, _), _)| members.contains(g)).map(|(_, v)| v[0]).sum();
    assert_eq!(rijen(&regio).len(), 1);
    assert_eq!(
        (rijen(&regio)[0]["regio"].as_str(), rijen(&regio)[0]["n"].as_u64()),
        (Some("Haaglanden"), Some(in_regio))
    );
    assert!(regio["gemeenten"].as_array().is_some_and(|g| g.iter().all(|g| members.iter().any(|m| g == m.as_str()))));

    // DuckDB over the Ketendata lake gives the same waiting-time statistics.
    let ours =
        indicators(&store, &["--indicator", "wachttijd_toewijzing_start", "--per", "gemeente,wet,aanbieder,maand"]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/duckdb_wachttijd.py");
    let out = Command::new("python3").arg(&script).arg(&store).output().expect("python3 runs");
    assert!(out.status.success(), "DuckDB: {}", String::from_utf8_lossy(&out.stderr));
    let duck: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert!(!duck.is_empty());
    assert_eq!(&duck, rijen(&ours));

    // CSV for Dutch Excel: BOM, semicolons, comma decimals; items next to it.
    let csv_path = dir.path().join("retour.csv");
    let csv_s = csv_path.display().to_string();
    let c = cbs();
    ok(ketenzicht(
        &store,
        &[
            "indicators",
            "--to",
            TO,
            "--gemeenten",
            &c,
            "--indicator",
            "retour_tijdig",
            "--per",
            "wet",
            "--format",
            "csv-excel-nl",
            "--items",
            "--out",
            &csv_s,
        ],
    ));
    let csv = std::fs::read_to_string(&csv_path).expect("csv");
    assert!(csv.starts_with("\u{feff}indicator;regel;wet;maat;waarde\n"), "{}", &csv[..80.min(csv.len())]);
    assert!(csv.lines().any(|l| l.starts_with("retour_tijdig;OP090;iJw;aandeel;0,")));
    let items = std::fs::read_to_string(dir.path().join("retour-items.csv")).expect("items csv");
    let total: u64 = expected.values().map(|v| v[0]).sum();
    assert_eq!(items.lines().count() as u64 - 1, total, "one item per heenbericht");

    // Bad arguments name what is wrong.
    let err = |args: &[&str]| String::from_utf8_lossy(&ketenzicht(&store, args).stderr).into_owned();
    assert!(err(&["indicators", "--gemeente", "9999"]).contains("gemeente 9999 has no data"));
    assert!(err(&["indicators", "--regio", "Atlantis", "--gemeenten", &c]).contains("unknown regio \"Atlantis\""));
    assert!(
        err(&["indicators", "--indicator", "snelheid", "--gemeenten", &c]).contains("unknown indicator \"snelheid\"")
    );
    assert!(err(&["indicators", "--per", "kleur", "--gemeenten", &c]).contains("unknown dimension \"kleur\""));
    assert!(err(&["indicators", "--geen-feestdag", "sinterklaas", "--gemeenten", &c]).contains("unknown holiday"));
}
