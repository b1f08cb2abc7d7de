//! The HTTP intake and serving beside a writer, as a black box: one store is filled by
//! posting archives of StUF-GGk envelopes to a running server (and by `ketenzicht ingest`
//! while it runs), another by `ketenzicht ingest` of the same files; their indicators must
//! be equal, the server must show the new data without a restart, and the intake must refuse
//! what it should.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Answer, http, ketenzicht, ok, serve, simulate_demo_with};
use serde_json::Value;

const PRODUCTS: [&str; 4] =
    ["ketendata-iwmo", "ketendata-ijw", "procesinformatie-jeugdzorg", "monitor-stuurinformatie"];

fn archives(sim: &Path, month: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for g in ketenzicht_testkit::sim_gemeenten(sim) {
        for entry in std::fs::read_dir(sim.join("berichten").join(g)).expect("gemeente dir") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(month)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn json(a: &Answer) -> Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {} {}", a.status, a.body))
}

fn post(addr: &str, token: &str, kind: &str, body: &[u8]) -> Answer {
    let auth = format!("Bearer {token}");
    http(addr, "POST", "/api/v1/aanleveringen", &[("Authorization", &auth), ("Content-Type", kind)], body)
}

/// Wait until the delivery is processed; its outcome.
fn outcome(addr: &str, token: &str, id: &str) -> Value {
    let auth = format!("Bearer {token}");
    let started = Instant::now();
    loop {
        let a = http(addr, "GET", &format!("/api/v1/aanleveringen/{id}"), &[("Authorization", &auth)], b"");
        assert_eq!(a.status, 200, "{}", a.body);
        let v = json(&a);
        if v["status"] == "verwerkt" {
            return v;
        }
        assert_eq!(v["status"], "wacht");
        assert!(started.elapsed() < Duration::from_secs(300), "delivery {id} still waits");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn indicators(store: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["indicators", "--from", "2023-01-01", "--to", "2023-12-31", "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(ketenzicht(store, &args))).expect("json")
}

fn ingest(store: &Path, files: &[PathBuf]) {
    let mut args = vec!["ingest".to_owned()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(ketenzicht(store, &args));
}

#[test]
fn deliveries_over_http_land_like_files_and_the_server_serves_while_others_ingest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate_demo_with(dir.path(), &sim, "2023-02-28", 5, &["--layout", "archive", "--vorm", "stuf"]);
    let (january, february) = (archives(&sim, "2023-01"), archives(&sim, "2023-02"));
    assert!(january.len() > 20 && february.len() > 20, "{} {}", january.len(), february.len());

    // Both stores order everything for every gemeente but the last.
    let mut orders = ketenzicht_testkit::order_args(&sim, &PRODUCTS);
    let unordered = orders.pop().expect("a gemeente");
    let orders: Vec<&str> = orders.iter().map(String::as_str).collect();
    let (by_http, by_file) = (dir.path().join("http"), dir.path().join("file"));
    for store in [&by_http, &by_file] {
        ok(ketenzicht(store, &orders));
    }
    let intake = ok(ketenzicht(&by_http, &["accounts", "intake-token", "--omschrijving", "GGk-koppeling"]));
    let intake = intake.trim().to_owned();
    let add =
        ketenzicht_cmd_with_password(&by_http, &["--naam", "groningen", "--rol", "gemeente", "--gemeente", "0014"]);
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
    let reader = ok(ketenzicht(&by_http, &["accounts", "token", "--naam", "groningen", "--omschrijving", "test"]));
    let reader = format!("Bearer {}", reader.trim());

    let server = serve(&by_http);
    let addr = server.addr.as_str();

    // Refused: no token, a read token, a wrong one, another content type, too large.
    let xml = "application/xml";
    assert_eq!(http(addr, "POST", "/api/v1/aanleveringen", &[("Content-Type", xml)], b"<x/>").status, 401);
    assert_eq!(post(addr, reader.trim_start_matches("Bearer "), xml, b"<x/>").status, 401);
    assert_eq!(post(addr, "kza_0000", xml, b"<x/>").status, 401);
    let wrong = post(addr, &intake, "text/plain", b"<x/>");
    assert_eq!(wrong.status, 415, "{}", wrong.body);
    assert!(wrong.body.contains("application/gzip"), "{}", wrong.body);
    let auth = format!("Bearer {intake}");
    let huge = http(
        addr,
        "POST",
        "/api/v1/aanleveringen",
        &[("Authorization", &auth), ("Content-Type", xml), ("Content-Length", "60000000")],
        b"<x/>",
    );
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert_eq!(post(addr, &intake, xml, b"").status, 400, "empty");
    // The intake token reads nothing; a session or read token delivers nothing.
    assert_eq!(http(addr, "GET", "/api/v1/gemeenten", &[("Authorization", &auth)], b"").status, 401);
    assert_eq!(
        http(addr, "GET", "/api/v1/aanleveringen/20261129T003000-0123456789abcdef", &[("Authorization", &reader)], b"")
            .status,
        401
    );
    assert_eq!(
        http(addr, "GET", "/api/v1/aanleveringen/20261129T003000-0123456789abcdef", &[("Authorization", &auth)], b"")
            .status,
        404
    );

    // January over HTTP, with one hostile message; the same archives by file into the other store.
    let mut ids = Vec::new();
    for archive in &january {
        let a = post(addr, &intake, "application/gzip", &std::fs::read(archive).expect("archive"));
        assert_eq!(a.status, 202, "{}", a.body);
        ids.push((archive.clone(), json(&a)["id"].as_str().expect("id").to_owned()));
    }
    let hostile = post(addr, &intake, xml, b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>");
    assert_eq!(hostile.status, 202, "{}", hostile.body);
    ingest(&by_file, &january);

    let mut nieuw = 0;
    for (archive, id) in &ids {
        let o = outcome(addr, &intake, id);
        let from_unordered = archive.parent().is_some_and(|p| p.ends_with(&unordered));
        if from_unordered {
            assert_eq!(o["nieuw"], 0, "{archive:?}: {o}");
            assert!(o["zonder_opdracht"].as_u64() > Some(0), "{archive:?}: {o}");
        } else {
            assert!(o["nieuw"].as_u64() > Some(0), "{archive:?}: {o}");
        }
        nieuw += o["nieuw"].as_u64().unwrap_or_default();
    }
    let o = outcome(addr, &intake, json(&hostile)["id"].as_str().expect("id"));
    assert_eq!((o["quarantaine"].as_u64(), o["nieuw"].as_u64()), (Some(1), Some(0)), "{o}");
    // A broken archive is quarantined whole and does not hold up what comes after it.
    let broken = post(addr, &intake, "application/gzip", b"\x1f\x8b\x08\x00 no archive");
    let after = post(addr, &intake, xml, b"<?xml version=\"1.0\"?><niet-iwmo/>");
    let o = outcome(addr, &intake, json(&broken)["id"].as_str().expect("id"));
    assert_eq!((o["quarantaine"].as_u64(), o["nieuw"].as_u64()), (Some(1), Some(0)), "{o}");
    assert_eq!(outcome(addr, &intake, json(&after)["id"].as_str().expect("id"))["quarantaine"], 1);
    let quarantine = ok(ketenzicht(&by_http, &["quarantine", "list"]));
    assert!(quarantine.contains("DOCTYPE") || quarantine.contains("doctype"), "{quarantine}");

    // The same archive again: nothing new.
    let again = post(addr, &intake, "application/gzip", &std::fs::read(&ids[0].0).expect("archive"));
    let o = outcome(addr, &intake, json(&again)["id"].as_str().expect("id"));
    assert_eq!(o["nieuw"], 0, "{o}");
    assert_eq!(o["al_bekend"], o["berichten"], "{o}");

    // February by `ketenzicht ingest` while the server runs; the server shows it unrestarted,
    // though it computed (and kept) the report before.
    let path = "/api/v1/indicatoren/retour_tijdig?gemeente=0014&van=2023-01-01&tot=2023-12-31&per=maand";
    let before = json(&http(addr, "GET", path, &[("Authorization", &reader)], b""));
    assert!(before["indicator"]["rijen"].as_array().is_some_and(|r| !r.is_empty()), "{before}");
    ingest(&by_http, &february);
    ingest(&by_file, &february);
    let wanted = indicators(&by_file, &["--gemeente", "0014", "--per", "maand", "--indicator", "retour_tijdig"]);
    let rows = wanted["indicatoren"][0]["rijen"].clone();
    assert!(rows.as_array().is_some_and(|r| r.len() >= 2), "{rows}");
    assert_ne!(before["indicator"]["rijen"], rows, "February changes the numbers");
    let started = Instant::now();
    loop {
        let served = json(&http(addr, "GET", path, &[("Authorization", &reader)], b""));
        if served["indicator"]["rijen"] == rows {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server still shows {served} instead of {rows}");
        std::thread::sleep(Duration::from_millis(250));
    }

    // The beheerder sees the intake on /beheer: nothing waiting, the outcomes, the token's name.
    let beheer = ketenzicht_cmd_with_password(&by_http, &["--naam", "beheer", "--rol", "beheerder"]);
    assert!(beheer.status.success(), "{}", String::from_utf8_lossy(&beheer.stderr));
    let session = common::login(addr, "beheer", "een%20lang%20genoeg%20wachtwoord");
    let page = http(addr, "GET", "/beheer", &[("Cookie", &session)], b"");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("0 wachtend op verwerking") && page.body.contains("GGk-koppeling"), "{}", page.body);
    assert!(page.body.contains(&ids[0].1), "the outcome of a delivery is listed");

    // Everything equal, read beside the running server.
    assert!(nieuw > 1000, "{nieuw}");
    assert_eq!(indicators(&by_http, &[]), indicators(&by_file, &[]));
    let audit = ok(ketenzicht(&by_http, &["audit", "list", "--json"]));
    assert_eq!(audit.matches("\"aanlevering\"").count(), ids.len() + 4, "{audit}");
    // The command line's account changes are audited too: the intake token, two accounts, an API token.
    assert_eq!(audit.matches("\"account\"").count(), 4, "{audit}");
    assert!(audit.contains("GGk-koppeling") && !audit.contains(&intake), "the token's name, never its secret");
    drop(server);
}

/// `accounts add` with these arguments, the password from the environment.
fn ketenzicht_cmd_with_password(store: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ketenzicht"))
        .env("KETENZICHT_STORE", store)
        .env("KETENZICHT_PSEUDONIEM_SLEUTEL", common::KEY)
        .env("KETENZICHT_WACHTWOORD", "een lang genoeg wachtwoord")
        .args(["accounts", "add"])
        .args(args)
        .output()
        .expect("ketenzicht runs")
}
