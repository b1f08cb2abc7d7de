//! The `ketenzicht` binary as a user runs it: `inspect`, `validate` and `quarantine transport`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn examples(law: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/istandaarden").join(law).join("voorbeelden");
    assert!(dir.is_dir(), "shared examples missing at {}", dir.display());
    dir
}

fn ketenzicht(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketenzicht")).args(args).output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn inspect_prints_one_json_object_per_message() {
    let jw = examples("ijw-3.2");
    let file = jw.join("JW301.xml");
    let out = ketenzicht(&["inspect", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1);
    let value: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    assert!(lines[0].starts_with(r#"{"wet":"iJw","bericht":"JW301","Header":"#), "{}", lines[0]);
    assert_eq!(value["Client"]["Relaties"]["Relatie"].as_array().map(Vec::len), Some(2));
}

#[test]
fn inspect_of_a_directory_reports_unreadable_files_on_stderr() {
    let out = ketenzicht(&["inspect", examples("ijw-3.2").to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1), "two examples are defective");
    assert_eq!(stdout(&out).lines().count(), 12);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("JW315.xml: Client/AangevraagdeProducten/AangevraagdProduct[1]/ToewijzingEinddatum: [LDT_Datum] not a real calendar date"), "{stderr}");
    assert!(stderr.contains("JW318.xml: Client/Verzoek/RetourCode: [XSD]"), "{stderr}");
}

#[test]
fn validate_names_file_path_and_rule_and_sets_the_exit_code() {
    let wmo = examples("iwmo-3.2");
    let ok = ketenzicht(&["validate", wmo.to_str().expect("path")]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert_eq!(stdout(&ok).lines().filter(|l| l.contains(": OK (WMO")).count(), 7);

    let jw315 = examples("ijw-3.2").join("JW315.xml");
    let bad = ketenzicht(&["validate", jw315.to_str().expect("path")]);
    assert_eq!(bad.status.code(), Some(1));
    let line = stdout(&bad);
    assert_eq!(line.lines().count(), 1, "one line per file");
    assert!(
        line.contains("JW315.xml: Client/AangevraagdeProducten/AangevraagdProduct[1]/ToewijzingEinddatum: [LDT_Datum]"),
        "{line}"
    );
    assert!(
        line.contains(" | Client/AangevraagdeProducten/AangevraagdProduct[2]/ToewijzingEinddatum: [LDT_Datum]"),
        "{line}"
    );
}

#[test]
fn validate_json_has_one_object_per_file_with_findings() {
    let out = ketenzicht(&["validate", "--format", "json", examples("ijw-3.2").to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let rows: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(rows.len(), 14);
    let jw323 = rows.iter().find(|r| r["file"].as_str().is_some_and(|f| f.ends_with("JW323.xml"))).expect("JW323");
    assert_eq!(jw323["valid"], false);
    let rules: Vec<&str> =
        jw323["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(rules, ["TR319", "TR314"]);
    assert_eq!(jw323["findings"][0]["level"], "regel");
    let jw301 = rows.iter().find(|r| r["file"].as_str().is_some_and(|f| f.ends_with("JW301.xml"))).expect("JW301");
    assert_eq!(jw301["valid"], true);
    assert_eq!(jw301["bericht"], "JW301");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = ketenzicht(&["validate", "/nonexistent/file.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/file.xml"));
}

#[test]
fn validate_reads_archives_and_stuf_envelopes_as_the_simulator_writes_them() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().to_str().expect("path");
    let csv = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/istandaarden/referentie/cbs_gemeenten_2026.csv");
    let sim = ketenzicht(&[
        "simulate",
        "--scale",
        "demo",
        "--from",
        "2023-01-01",
        "--to",
        "2023-02-28",
        "--out",
        dir,
        "--layout",
        "archive",
        "--vorm",
        "stuf",
        "--gemeenten",
        csv.to_str().expect("csv"),
    ]);
    assert!(sim.status.success(), "{}", String::from_utf8_lossy(&sim.stderr));
    let mut records = 0;
    let mut refused = 0;
    for f in std::fs::read_dir(out.path().join("routing")).expect("routing") {
        for line in std::fs::read_to_string(f.expect("entry").path()).expect("jsonl").lines() {
            records += 1;
            refused += usize::from(line.contains(r#""transport":"afgewezen""#));
        }
    }
    let berichten = out.path().join("berichten");
    let validate = ketenzicht(&["validate", berichten.to_str().expect("path")]);
    let text = stdout(&validate);
    let lines: Vec<&str> = text.lines().collect();
    // One line per message, and one per transport error (Fo01) beside each refused one.
    assert_eq!(lines.len(), records + refused, "one line per message and Fo01 in the archives");
    assert!(lines.iter().all(|l| l.contains(".tar.gz#")), "names are archive#member");
    let fo01 = lines.iter().filter(|l| l.contains("-Fo01.xml: Fo01 IB014 (")).count();
    assert_eq!(fo01, refused, "every refusal has its Fo01");
    let invalid = lines.iter().filter(|l| !l.contains(": OK (") && !l.contains(": Fo01 ")).count();
    assert!(invalid <= refused, "only messages refused at transport may be unreadable ({invalid} > {refused})");
    assert!(lines.len() > 500);
}

#[test]
fn transport_errors_are_listed_with_their_refused_delivery() {
    let store = tempfile::tempdir().expect("tempdir");
    let fo01 = ketenzicht_testkit::shared().join("stuf-ggk-2.1.04/voorbeelden/Fo01.xml");
    let s = store.path().to_str().expect("path");
    let ingest = ketenzicht(&["ingest", "--store", s, fo01.to_str().expect("path")]);
    assert!(ingest.status.success(), "{}", String::from_utf8_lossy(&ingest.stderr));
    assert!(stdout(&ingest).contains("transportfouten Fo01: 1"), "{}", stdout(&ingest));
    let list = ketenzicht(&["quarantine", "transport", "--store", s]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let text = stdout(&list);
    assert!(
        text.contains(
            "IB210 - 9c0f7b90-5c69-11e5-a837-0800200c9a66 (JW315-00010004): Ontvangende organisatie onbekend"
        ),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&list.stderr).contains("1 transportfouten (Fo01), 1 zonder bekende levering"));
    let json = stdout(&ketenzicht(&["quarantine", "transport", "--store", s, "--json"]));
    let row: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
    assert_eq!(row["code"], "IB210");
    assert_eq!(row["gemeente"], serde_json::Value::Null);
    // Nothing of it went to the quarantine: a Fo01 is no broken message.
    let q = ketenzicht(&["quarantine", "list", "--store", s, "--json"]);
    assert_eq!(stdout(&q).lines().count(), 0);
}
