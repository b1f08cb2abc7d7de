//! The indicators against the simulator's ground truth: simulate a demo period, ingest it,
//! build Ketendata, compute every indicator with the dimensions of each truth file, and
//! require every value to be equal, for every dimension value (missing and extra rows
//! included). The truth comes from the simulator's event model, not from its XML.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_indicators::{Dim, Filter, Options, Report, defs, output};
use ketenzicht_simulate::{Layout, Scale, Vorm};
use ketenzicht_store::Store;
use serde_json::Value;

fn simulate(out: &Path, scale: Scale, to: NaiveDate, seed: u64) {
    let options = ketenzicht_simulate::Options {
        scale,
        from: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
        to,
        seed,
        out: out.to_owned(),
        gemeenten_csv: ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv"),
        layout: Layout::Loose,
        vorm: Vorm::Bericht,
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

/// Rows keyed by the named fields, with the named measures (numbers compared as f64).
type Rows = BTreeMap<Vec<String>, Vec<(String, String)>>;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn rows(values: &[Value], key: &[&str], measures: &[&str]) -> Rows {
    values
        .iter()
        .map(|v| {
            let k = key.iter().map(|f| text(&v[*f])).collect();
            let m = measures.iter().map(|f| ((*f).to_owned(), text(&v[*f]))).collect();
            (k, m)
        })
        .collect()
}

fn assert_same(what: &str, expected: &Rows, actual: &Rows) {
    let mut problems = Vec::new();
    for (k, e) in expected {
        match actual.get(k) {
            None => problems.push(format!("missing {k:?}: expected {e:?}")),
            Some(a) if a != e => problems.push(format!("{k:?}: expected {e:?}, got {a:?}")),
            Some(_) => {}
        }
    }
    for k in actual.keys().filter(|k| !expected.contains_key(*k)) {
        problems.push(format!("extra {k:?}: {:?}", actual[k]));
    }
    assert!(
        problems.is_empty(),
        "{what}: {} of {} rows differ:\n{}",
        problems.len(),
        expected.len(),
        problems.iter().take(8).chain(problems.iter().rev().take(8)).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(!expected.is_empty(), "{what}: the truth has rows");
}

fn compute(store: &Store, to: NaiveDate, ids: &[&str], per: &[Dim], items: bool) -> Report {
    compute_filtered(store, to, ids, per, items, Filter::default())
}

fn compute_filtered(store: &Store, to: NaiveDate, ids: &[&str], per: &[Dim], items: bool, filter: Filter) -> Report {
    let gemeenten =
        Gemeenten::load(&ketenzicht_testkit::shared().join("referentie/cbs_gemeenten_2026.csv")).expect("CBS list");
    let options = Options {
        van: None,
        peildatum: to,
        indicators: ids.iter().map(|id| defs::by_id(id).expect("indicator")).collect(),
        per: per.to_vec(),
        filter,
        items,
        calendar: ketenzicht_calendar::Calendar::atw(),
    };
    let scope = store.ledger.gemeenten().expect("gemeenten");
    let report = ketenzicht_indicators::compute(store, &gemeenten, &scope, &options).expect("indicators");
    // The streamed JSON is the same document as the one built in memory.
    let mut streamed = Vec::new();
    output::write_json(&mut streamed, &report).expect("write");
    let parsed: Value = serde_json::from_slice(&streamed).expect("streamed JSON parses");
    assert_eq!(parsed, output::to_json(&report));
    report
}

/// Every row of every indicator in the report as JSON, with `regel` and `indicator` added.
fn json_rows(report: &Report) -> Vec<Value> {
    let mut out = Vec::new();
    for u in &report.uitslagen {
        for mut row in output::rows_json(report, u) {
            row["regel"] = Value::from(u.definitie.regel);
            row["indicator"] = Value::from(u.definitie.id);
            out.push(row);
        }
    }
    out
}

/// Rename the fields of each row: (from, to).
fn renamed(mut rows: Vec<Value>, names: &[(&str, &str)]) -> Vec<Value> {
    for row in &mut rows {
        if let Some(o) = row.as_object_mut() {
            for (from, to) in names {
                if let Some(v) = o.remove(*from) {
                    o.insert((*to).to_owned(), v);
                }
            }
        }
    }
    rows
}

#[test]
fn every_indicator_equals_the_ground_truth_on_a_demo_half_year() {
    check(Scale::Demo, NaiveDate::from_ymd_opt(2023, 6, 30).expect("date"), 5);
}

#[test]
fn every_indicator_equals_the_ground_truth_on_a_regio_quarter() {
    check(Scale::Regio, NaiveDate::from_ymd_opt(2023, 3, 31).expect("date"), 3);
}

fn check(scale: Scale, to: NaiveDate, seed: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("sim");
    simulate(&sim, scale, to, seed);
    let mut store = Store::open(&dir.path().join("store")).expect("store");
    ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&sim), Default::default(), &|_| {}).expect("ingest");
    for gemeente in store.ledger.gemeenten().expect("gemeenten") {
        ketenzicht_ketendata::build(&store, &gemeente).expect("build");
    }
    use Dim::{Aanbieder, Bericht, Gemeente, Klasse, Maand, Wet};

    // Retours on time (OP090, OP090x4), per heenbericht type and month.
    let per_bericht =
        compute(&store, to, &["retour_tijdig", "declaratie_antwoord_tijdig"], &[Gemeente, Wet, Bericht, Maand], false);
    let key = ["gemeente", "wet", "bericht", "maand", "regel"];
    let m = ["heenberichten", "op_tijd", "te_laat", "ontbreekt", "open"];
    let ours = renamed(json_rows(&per_bericht), &[("n", "heenberichten")]);
    assert_same("retour_tijdigheid", &rows(&truth(&sim, "retour_tijdigheid.jsonl"), &key, &m), &rows(&ours, &key, &m));
    // Filtered on one message type (a click on its bar): exactly the truth's rows of that type.
    let jw301 = Filter { bericht: Some("JW301".into()), ..Filter::default() };
    let filtered = compute_filtered(&store, to, &["retour_tijdig"], &[Gemeente, Wet, Bericht, Maand], false, jw301);
    let ours = renamed(json_rows(&filtered), &[("n", "heenberichten")]);
    let only: Vec<Value> = truth(&sim, "retour_tijdigheid.jsonl")
        .into_iter()
        .filter(|r| r["bericht"] == "JW301" && r["regel"] == "OP090")
        .collect();
    assert!(!only.is_empty());
    assert_same("retour_tijdigheid JW301", &rows(&only, &key, &m), &rows(&ours, &key, &m));

    // Faults: transport refusals (with the unreadable files), rejections, double deliveries.
    let fouten = compute(&store, to, &["afwijzingen", "dubbele_levering"], &[Gemeente, Wet, Bericht, Maand], false);
    let mut merged: BTreeMap<Vec<String>, [u64; 5]> = BTreeMap::new();
    for row in json_rows(&fouten) {
        let k = ["gemeente", "wet", "bericht", "maand"].iter().map(|f| text(&row[*f])).collect();
        let n = |f: &str| row[f].as_u64().unwrap_or(0);
        let e = merged.entry(k).or_default();
        if row["indicator"] == "afwijzingen" {
            e[0] += n("transport_afgewezen") + n("onleesbaar");
            e[1] += n("onleesbaar");
            e[2] += n("technisch_afgekeurd");
            e[3] += n("inhoudelijk_afgekeurd");
        } else {
            e[4] += n("n");
        }
    }
    let names = ["transport_afgewezen", "onleesbaar", "technisch_afgekeurd", "inhoudelijk_afgekeurd", "dubbel"];
    let ours: Rows = merged
        .into_iter()
        .filter(|(_, v)| v.iter().any(|n| *n > 0))
        .map(|(k, v)| (k, names.iter().zip(v).map(|(n, v)| ((*n).to_owned(), (v as f64).to_string())).collect()))
        .collect();
    assert_same("fouten", &rows(&truth(&sim, "fouten.jsonl"), &["gemeente", "wet", "bericht", "maand"], &names), &ours);

    // Per aanbieder and month: durations and terms.
    let key = ["gemeente", "wet", "aanbieder", "maand"];
    let stats = ["n", "gemiddelde", "mediaan", "p80", "p90", "max"];
    for (id, file) in
        [("wachttijd_toewijzing_start", "wachttijd_toewijzing_start.jsonl"), ("trajectduur", "trajectduur.jsonl")]
    {
        let r = compute(&store, to, &[id], &[Gemeente, Wet, Aanbieder, Maand], false);
        assert_same(id, &rows(&truth(&sim, file), &key, &stats), &rows(&json_rows(&r), &key, &stats));
    }
    let key_regel = ["gemeente", "wet", "aanbieder", "maand", "regel"];
    let r = compute(&store, to, &["start_tijdig", "stop_tijdig"], &[Gemeente, Wet, Aanbieder, Maand], false);
    let m = ["berichten", "op_tijd", "te_laat", "niet_meetbaar"];
    let ours = renamed(json_rows(&r), &[("n", "berichten")]);
    assert_same(
        "start_stop_tijdigheid",
        &rows(&truth(&sim, "start_stop_tijdigheid.jsonl"), &key_regel, &m),
        &rows(&ours, &key_regel, &m),
    );
    let r = compute(&store, to, &["vot_tijdig", "vow_tijdig"], &[Gemeente, Wet, Aanbieder, Maand], false);
    let m = ["verzoeken", "op_tijd", "te_laat", "ontbreekt", "open"];
    let ours = renamed(json_rows(&r), &[("n", "verzoeken")]);
    assert_same(
        "vot_beantwoord",
        &rows(&truth(&sim, "vot_beantwoord.jsonl"), &key_regel, &m),
        &rows(&ours, &key_regel, &m),
    );
    let r = compute(&store, to, &["onderzoek_termijn"], &[Gemeente, Wet, Aanbieder, Maand], false);
    let m = ["in_onderzoek", "op_tijd", "te_laat", "te_lang_open", "open"];
    let ours = renamed(json_rows(&r), &[("n", "in_onderzoek")]);
    assert_same("onderzoek_termijn", &rows(&truth(&sim, "onderzoek_termijn.jsonl"), &key, &m), &rows(&ours, &key, &m));
    let r = compute(&store, to, &["woonplaatsbeginsel"], &[Gemeente, Wet, Aanbieder, Maand], false);
    let m = ["afwijzingen", "op_tijd", "te_laat"];
    let ours = renamed(json_rows(&r), &[("n", "afwijzingen")]);
    assert_same(
        "woonplaatsbeginsel",
        &rows(&truth(&sim, "woonplaatsbeginsel.jsonl"), &key, &m),
        &rows(&ours, &key, &m),
    );

    // Stops per RedenBeeindiging.
    let r = compute(&store, to, &["stops_per_reden"], &[Gemeente, Wet, Aanbieder, Maand, Klasse], false);
    let key_reden = ["gemeente", "wet", "aanbieder", "maand", "reden_beeindiging"];
    let ours = renamed(json_rows(&r), &[("klasse", "reden_beeindiging"), ("n", "aantal")]);
    assert_same(
        "stops_per_reden",
        &rows(&truth(&sim, "stops_per_reden.jsonl"), &key_reden, &["aantal"]),
        &rows(&ours, &key_reden, &["aantal"]),
    );

    // Rejecting RetourCodes per sender of the heenbericht.
    let r = compute(&store, to, &["retourcodes"], &[Gemeente, Wet, Aanbieder, Bericht, Maand, Klasse], false);
    // The gemeente sends 301 and 319; the aanbieder the others.
    let mut summed: Rows = BTreeMap::new();
    for row in renamed(json_rows(&r), &[("klasse", "retourcode")]) {
        let bericht = text(&row["bericht"]);
        let by_gemeente = bericht.ends_with("301") || bericht.ends_with("319");
        let afzender = if by_gemeente { text(&row["gemeente"]) } else { text(&row["aanbieder"]) };
        let key = vec![
            text(&row["gemeente"]),
            text(&row["wet"]),
            afzender,
            text(&row["maand"]),
            bericht,
            text(&row["retourcode"]),
        ];
        let entry = summed.entry(key).or_insert_with(|| vec![("aantal".to_owned(), "0".to_owned())]);
        let total = entry[0].1.parse::<f64>().unwrap_or(0.0) + row["n"].as_f64().unwrap_or(0.0);
        entry[0].1 = total.to_string();
    }
    let key_code = ["gemeente", "wet", "afzender", "maand", "bericht", "retourcode"];
    assert_same("retourcodes", &rows(&truth(&sim, "retourcodes.jsonl"), &key_code, &["aantal"]), &summed);
    // Filtered on one code (a click on its bar): that code's rows only; indicators without a
    // class beside it are not narrowed.
    let dims = [Gemeente, Wet, Aanbieder, Bericht, Maand, Klasse];
    let all = json_rows(&r);
    let code = text(&all.iter().max_by_key(|row| row["n"].as_u64()).expect("a retourcode")["klasse"]);
    let filter = Filter { klasse: Some(code.clone()), ..Filter::default() };
    let filtered = compute_filtered(&store, to, &["retourcodes", "afwijzingen"], &dims, false, filter);
    let of = |rows: Vec<Value>, id: &str| -> Vec<Value> { rows.into_iter().filter(|r| r["indicator"] == id).collect() };
    let wanted: Vec<Value> = all.iter().filter(|row| text(&row["klasse"]) == code).cloned().collect();
    assert!(wanted.len() < all.len(), "{code} is one of several codes");
    assert_eq!(of(json_rows(&filtered), "retourcodes"), wanted);
    let unfiltered = compute(&store, to, &["afwijzingen"], &dims, false);
    assert_eq!(of(json_rows(&filtered), "afwijzingen"), json_rows(&unfiltered));

    // The further counted indicators (tellingen.jsonl): one row per outcome and class.
    let ids = ["vot_uitkomst", "toewijzing_wijzigingen", "creditpercentage"];
    let r = compute(&store, to, &ids, &[Gemeente, Wet, Aanbieder, Maand, Klasse], false);
    let mut ours: Rows = BTreeMap::new();
    for u in &r.uitslagen {
        for (row, rij) in output::rows_json(&r, u).iter().zip(&u.rijen) {
            for (uitkomst, n) in u.definitie.uitkomsten.iter().zip(&rij.uitkomsten).filter(|(_, n)| **n > 0) {
                let mut key: Vec<String> = vec![u.definitie.id.to_owned()];
                key.extend(["gemeente", "wet", "aanbieder", "maand", "klasse"].iter().map(|f| text(&row[*f])));
                key.push((*uitkomst).to_owned());
                ours.insert(key, vec![("aantal".to_owned(), (*n as f64).to_string())]);
            }
        }
    }
    let key_telling = ["indicator", "gemeente", "wet", "aanbieder", "maand", "klasse", "uitkomst"];
    assert_same("tellingen", &rows(&truth(&sim, "tellingen.jsonl"), &key_telling, &["aantal"]), &ours);

    // The further durations (duren.jsonl).
    let ids = ["doorlooptijd_verzoek_toewijzing", "wachttijd_ontvangst_start", "declaratie_termijn"];
    let r = compute(&store, to, &ids, &[Gemeente, Wet, Aanbieder, Maand], false);
    let key_duur = ["indicator", "gemeente", "wet", "aanbieder", "maand"];
    assert_same(
        "duren",
        &rows(&truth(&sim, "duren.jsonl"), &key_duur, &stats),
        &rows(&json_rows(&r), &key_duur, &stats),
    );

    // The open lists, item by item.
    let r = compute(&store, to, &["toewijzing_zonder_start", "open_trajecten"], &[], true);
    let items = |id: &str| -> Vec<Value> {
        r.uitslagen
            .iter()
            .filter(|u| u.definitie.id == id)
            .flat_map(|u| u.items.iter().map(output::item_json))
            .collect()
    };
    let key_nummer = ["gemeente", "wet", "aanbieder", "toewijzing_nummer"];
    let ours = renamed(items("toewijzing_zonder_start"), &[("datum", "ingangsdatum")]);
    assert_same(
        "toewijzing_zonder_start",
        &rows(&truth(&sim, "toewijzing_zonder_start.jsonl"), &key_nummer, &["ingangsdatum"]),
        &rows(&ours, &key_nummer, &["ingangsdatum"]),
    );
    let ours = renamed(items("open_trajecten"), &[("datum", "einddatum"), ("uitkomst", "soort")]);
    assert_same(
        "open_trajecten",
        &rows(&truth(&sim, "open_trajecten.jsonl"), &key_nummer, &["soort", "einddatum"]),
        &rows(&ours, &key_nummer, &["soort", "einddatum"]),
    );
}
